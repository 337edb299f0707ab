"""Static inline SVG charts for indicator and budget pages.

A chart is a visual summary only: the caller puts it in a <figure> next to an
HTML table of the same numbers, so each SVG carries a short text alternative
(<title>/<desc>) instead of repeating every value to screen readers. Charts are
plain markup (no script, fonts or external files) so pages work offline, in print
and without JavaScript; colour comes from CSS classes and currentColor, so the
page's own light or dark text colour carries into the chart.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from .i18n import N_

__all__ = ["bar_chart", "default_fmt", "line_chart", "progress_bar"]

Fmt = Callable[[float], str]
Point = tuple[dt.date, float]

WIDTH = 320  # user units: about 1:1 on a phone, so 12-unit text stays readable there
FONT = 12
CHAR_W = FONT * 0.68  # generous average glyph width: the real font is the page's (DejaVu Sans on Debian is wide)
LABEL_CHARS = 16  # bar labels longer than this are cut; the full text is in a <title>
Gettext = Callable[[str], str]
NO_MEASUREMENTS = N_("No measurements yet")
NO_DATA = N_("No data yet")

# :where() has zero specificity, so a theme's plain `.chart-line { ... }` wins over
# these defaults even though this <style> comes later in the page. Every colour is a
# custom property falling back to currentColor, i.e. the surrounding text colour,
# which already has the right contrast in light, dark and print.
_STYLE = (
    "<style>"
    ":where(svg.chart-svg){max-width:30rem;height:auto}"
    ":where(.chart-label){font-family:inherit;fill:currentColor}"
    ":where(.chart-axis){stroke:var(--chart-axis,currentColor);stroke-width:1}"
    ":where(.chart-grid){stroke:var(--chart-grid,currentColor);stroke-opacity:.2}"
    ":where(.chart-line){fill:none;stroke:var(--chart-1,currentColor);stroke-width:2}"
    ":where(.chart-point){fill:var(--chart-1,currentColor)}"
    ":where(.chart-target){fill:none;stroke:var(--chart-target,currentColor);stroke-width:1.5}"
    ":where(.chart-baseline){fill:var(--chart-baseline,currentColor)}"
    ":where(.chart-bar){fill:var(--chart-1,currentColor)}"
    # No fill here: the hatch pattern is the fill, so series differ without colour.
    ":where(.chart-bar-alt){stroke:var(--chart-2,currentColor);stroke-width:1}"
    ":where(.chart-hatch){stroke:var(--chart-2,currentColor);stroke-width:2}"
    ":where(.chart-bar-outline){fill:none;stroke:var(--chart-3,currentColor);stroke-width:1.5}"
    ":where(.chart-track){fill:none;stroke:var(--chart-axis,currentColor)}"
    "@media (forced-colors:active){svg.chart-svg{--chart-1:CanvasText;--chart-2:CanvasText;"
    "--chart-3:CanvasText;--chart-target:CanvasText;--chart-baseline:CanvasText;--chart-axis:CanvasText}}"
    "</style>"
)


def _untranslated(text: str) -> str:
    return text


def default_fmt(value: float) -> str:
    """1234.5 -> '1,234.5', 1000.0 -> '1,000': thousands separators, no trailing zeros."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def line_chart(chart_id: str, title: str, points: Sequence[Point], *, baseline: Point | None = None,
               target: Point | None = None, unit: str = "", fmt: Fmt | None = None,
               description: str | None = None, gettext: Gettext | None = None, formats=None) -> Markup:
    """Measurements over time as a line, with the baseline marked and the target dashed. formats
    (i18n.Formats) writes numbers and dates in the portal's language."""
    _ = gettext or _untranslated
    fmt = fmt or (formats.number if formats else default_fmt)
    day = (lambda d: formats.date(d, "medium")) if formats else (lambda d: d.isoformat())
    slug = _slug(chart_id)
    points = sorted(((d, _finite(v)) for d, v in points), key=lambda p: p[0])
    if not points:
        return _empty(slug, title, _(NO_MEASUREMENTS))
    base = None if baseline is None else (baseline[0], _finite(baseline[1]))
    goal = None if target is None else (target[0], _finite(target[1]))
    everything = points + [m for m in (base, goal) if m is not None]
    u = f" {unit}" if unit else ""

    ticks = _nice_ticks(min(v for _, v in everything), max(v for _, v in everything))
    tick_labels = [fmt(t) for t in ticks]
    height = 220
    left = min(max(_text_w(t) for t in tick_labels) + 10, WIDTH * 0.6)
    px0, px1, py0, py1 = left, WIDTH - 20, 22, height - 24
    first_year = min(d for d, _ in everything).year
    last_year = max(d for d, _ in everything).year + 1  # the axis ends where the last year does
    start, days = dt.date(first_year, 1, 1), (dt.date(last_year, 1, 1) - dt.date(first_year, 1, 1)).days

    def x(d: dt.date) -> float:
        return px0 + (d - start).days / days * (px1 - px0)

    def y(v: float) -> float:
        return py1 - (v - ticks[0]) / (ticks[-1] - ticks[0]) * (py1 - py0)

    out = []
    if unit:
        out.append(_text(2, 12, unit))
    for t, label in zip(ticks, tick_labels):
        out.append(_line(px0, y(t), px1, y(t), "chart-grid"))
        out.append(_text(px0 - 5, y(t) + 4, label, "end"))
    out.append(_line(px0, py0, px0, py1, "chart-axis"))
    out.append(_line(px0, py1, px1, py1, "chart-axis"))
    # Many years would crowd the axis: label every n-th so labels stay ~40 units apart.
    years = range(first_year, last_year + 1)
    every = math.ceil(len(years) / max(1, (px1 - px0) // 40))
    for year in years[::every]:
        yx = x(dt.date(year, 1, 1))
        out.append(_line(yx, py1, yx, py1 + 4, "chart-axis"))
        out.append(_text(yx, py1 + 16, str(year), "middle"))

    if goal is not None:
        td, tv = goal
        ty = y(tv)
        out.append(f'<line class="chart-target" x1="{_n(px0)}" y1="{_n(ty)}" x2="{_n(px1)}" '
                   f'y2="{_n(ty)}" stroke-dasharray="6 4"/>')
        out.append(f'<circle class="chart-target" cx="{_n(x(td))}" cy="{_n(ty)}" r="4"/>')
        label_y = ty - 6 if ty - 6 - FONT >= 0 else ty + 16  # below the line if no room above
        out.append(_text(px1, label_y, _("Target: %(value)s") % {"value": f"{fmt(tv)}{u}"}, "end"))
    if base is not None:
        bd, bv = base
        bx, by = x(bd), y(bv)
        out.append(f'<rect class="chart-baseline" x="{_n(bx - 4)}" y="{_n(by - 4)}" width="8" height="8"/>')
        near_right = bx > px1 - _text_w(_("Baseline")) - 8
        # The line heads towards the target, so the label goes on the other side of the marker.
        heads_down = goal is not None and goal[1] < bv
        below = (not heads_down and by + 17 <= py1 - 2) or by - 7 - FONT < 0
        out.append(_text(bx - 7 if near_right else bx + 7, by + 17 if below else by - 7,
                         _("Baseline"), "end" if near_right else "start"))

    coords = " ".join(f"{_n(x(d))},{_n(y(v))}" for d, v in points)
    out.append(f'<polyline class="chart-line" points="{coords}"/>')
    for d, v in points:
        out.append(f'<circle class="chart-point" cx="{_n(x(d))}" cy="{_n(y(v))}" r="3">'
                   f'<title>{_esc(f"{day(d)}: {fmt(v)}{u}")}</title></circle>')

    if description is None:
        d0, (d1, v1) = points[0][0], points[-1]
        description = _("Measurements: %(count)s, from %(start)s to %(end)s; latest %(latest)s.") % {
            "count": len(points), "start": day(d0), "end": day(d1), "latest": f"{fmt(v1)}{u}"}
        if base is not None:
            description += " " + _("Baseline %(value)s (%(date)s).") % {"value": f"{fmt(base[1])}{u}",
                                                                        "date": day(base[0])}
        if goal is not None:
            description += " " + _("Target %(value)s by %(date)s.") % {"value": f"{fmt(goal[1])}{u}",
                                                                       "date": day(goal[0])}
    return _svg(slug, height, title, description, "".join(out))


def bar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, Sequence[float | None]]], *,
              series: Sequence[str] = ("Planned", "Actual"), fmt: Fmt | None = None,
              description: str | None = None, gettext: Gettext | None = None, formats=None) -> Markup:
    """Horizontal bars, one group per row and one bar per series; None means no value."""
    _ = gettext or _untranslated
    fmt = fmt or (formats.number if formats else default_fmt)
    slug = _slug(chart_id)
    series = tuple(str(s) for s in series)
    if not 1 <= len(series) <= 3:
        raise ValueError(f"bar_chart draws 1 to 3 series, not {len(series)}")
    rows = [(str(label), tuple(None if v is None else _finite(v) for v in values)) for label, values in rows]
    for label, values in rows:
        if len(values) != len(series):
            raise ValueError(f"row {label!r} has {len(values)} values for {len(series)} series")
    if not rows:
        return _empty(slug, title, _(NO_DATA))

    nums = [v for _, values in rows for v in values if v is not None]
    lo, hi = min([0.0, *nums]), max([0.0, *nums])
    label_w = min(LABEL_CHARS, max(len(label) for label, _ in rows)) * CHAR_W
    # Every value label sits right of its bar (or of zero, for a negative bar: the minus sign
    # says which way it points), so only one column is reserved; the bars keep at least 40 %.
    value_w = min(max([_text_w(_("n/a")), *(_text_w(fmt(v)) for v in nums)]) + 6, (WIDTH - label_w - 8) * 0.6)
    px0, px1 = label_w + 9, WIDTH - value_w
    scale = (px1 - px0) / ((hi - lo) or 1.0)
    zero = px0 - lo * scale
    bar_h, group_gap = 14, 12
    group_h = len(series) * (bar_h + 2) - 2
    top = 26 if len(series) > 1 else 6
    height = top + len(rows) * (group_h + group_gap) - group_gap + 6

    out = []
    if len(series) > 1:  # the legend shows each series' pattern, not only a colour
        lx = 0.0
        for j, name in enumerate(series):
            out.append(f'<rect{_bar_look(slug, j)} x="{_n(lx + 1)}" y="5" width="12" height="12"/>')
            out.append(_text(lx + 18, 15, name))
            lx += 18 + _text_w(name) + 14
    for i, (label, values) in enumerate(rows):
        gy = top + i * (group_h + group_gap)
        shown = [_("n/a") if v is None else fmt(v) for v in values]
        named = shown if len(series) == 1 else [f"{s} {t}" for s, t in zip(series, shown)]
        out.append(f"<g><title>{_esc(label + ': ' + '; '.join(named))}</title>")
        short = label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "\u2026"
        out.append(_text(label_w + 1, gy + group_h / 2 + 4, short, "end"))
        for j, v in enumerate(values):
            by = gy + j * (bar_h + 2)
            if v is None:
                out.append(_text(zero + 4, by + 11, _("n/a")))
                continue
            end = zero + v * scale
            out.append(f'<rect{_bar_look(slug, j)} x="{_n(min(zero, end))}" y="{_n(by)}" '
                       f'width="{_n(abs(end - zero))}" height="{bar_h}"/>')
            out.append(_text(max(zero, end) + 4, by + 11, fmt(v)))
        out.append("</g>")
    out.append(_line(zero, top - 3, zero, height - 3, "chart-axis"))

    defs = ""
    if len(series) > 1:
        defs = (f'<defs><pattern id="{slug}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
                f'patternTransform="rotate(45)"><line class="chart-hatch" x1="0" y1="0" x2="0" y2="6"/>'
                f"</pattern></defs>")
    if description is None:
        n = len(rows)
        description = _("Bar chart of %(series)s; rows: %(count)s.") % {"series": ", ".join(series), "count": n}
    return _svg(slug, height, title, description, defs + "".join(out))


def progress_bar(chart_id: str, label: str, fraction: float, gettext: Gettext | None = None, formats=None) -> Markup:
    """How far an indicator has come from baseline (0) to target (1).

    The bar is clamped to its track, but the text keeps the real figure, since
    overshooting a target or sliding back past the baseline is news."""
    slug = _slug(chart_id)
    fraction = _finite(fraction)
    percent = formats.percent(round(fraction * 100) / 100) if formats else f"{default_fmt(round(fraction * 100))} %"
    track = WIDTH - 64
    filled = max(0.0, min(1.0, fraction)) * (track - 2)
    body = (f'<rect class="chart-track" x="1" y="5" width="{_n(track - 2)}" height="14"/>'
            f'<rect class="chart-bar" x="1" y="5" width="{_n(filled)}" height="14"/>'
            + _text(track + 6, 16, percent))
    _ = gettext or _untranslated
    return _svg(slug, 24, label, _("%(percent)s of the way from baseline to target") % {"percent": percent}, body)


def _svg(slug: str, height: float, title: str, desc: str, body: str) -> Markup:
    # width="100%" with a viewBox and no height: the chart scales to its column, down to a phone.
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" width="100%" '
        f'viewBox="0 0 {WIDTH} {_n(height)}" role="img" aria-labelledby="{slug}-title {slug}-desc" '
        f'focusable="false" font-size="{FONT}">'
        f'<title id="{slug}-title">{_esc(title)}</title><desc id="{slug}-desc">{_esc(desc)}</desc>'
        f"{_STYLE}{body}</svg>")


def _empty(slug: str, title: str, message: str) -> Markup:
    return _svg(slug, 40, title, message + ".", _text(WIDTH / 2, 24, message, "middle"))


def _bar_look(slug: str, series_index: int) -> str:
    """Solid, hatched, outlined: each series differs in more than colour (WCAG 1.4.1)."""
    return (' class="chart-bar"', f' class="chart-bar-alt" fill="url(#{slug}-hatch)"',
            ' class="chart-bar-outline" stroke-dasharray="3 2"')[series_index]


def _nice_ticks(lowest: float, highest: float) -> list[float]:
    """Round tick values from min(0, lowest) to a round number at or above highest."""
    lo, hi = min(0.0, lowest), max(0.0, highest)
    if hi == lo:
        hi = lo + 1
    rough = (hi - lo) / 4
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= rough)
    # Rounding the quotient first keeps float noise (0.30000000000000004) from adding a tick.
    first, last = math.floor(round(lo / step, 9)), math.ceil(round(hi / step, 9))
    return [float(f"{k * step:.12g}") for k in range(first, last + 1)]


def _slug(chart_id: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(chart_id).lower()).strip("-") or "chart"


def _finite(value: float) -> float:
    number = float(value)
    if not math.isfinite(number):  # a NaN would silently draw nothing; fail where it is visible
        raise ValueError(f"chart values must be finite numbers, not {value!r}")
    return number


def _esc(text: str) -> Markup:
    return escape(str(text))  # str() first: a Markup argument must not skip escaping


def _n(value: float) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _text_w(text: str) -> float:
    return len(text) * CHAR_W


def _text(x: float, y: float, text: str, anchor: str = "start") -> str:
    return f'<text class="chart-label" x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}">{_esc(text)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, cls: str) -> str:
    return f'<line class="{cls}" x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"/>'
