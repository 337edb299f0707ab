"""Charts: well-formed, accessible, escaped, self-contained, inside their viewBox, deterministic."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from mspsite.charts import CHAR_W, bar_chart, default_fmt, line_chart, progress_bar

NS = "{http://www.w3.org/2000/svg}"
D = dt.date
NASTY = "<script>alert(\"x\")</script> & 'quotes' </title>"

LINE_CASES = {
    "increasing": dict(points=[(D(2019, 6, 1), 40), (D(2021, 3, 1), 52), (D(2023, 9, 30), 61)],
                       baseline=(D(2019, 1, 1), 40), target=(D(2027, 12, 31), 80), unit="%"),
    "decreasing": dict(points=[(D(2020, 1, 1), 120), (D(2022, 1, 1), 95), (D(2024, 1, 1), 90)],
                       baseline=(D(2018, 5, 1), 120), target=(D(2030, 1, 1), 30), unit="t CO2"),
    "empty": dict(points=[], baseline=(D(2020, 1, 1), 1), target=(D(2030, 1, 1), 2)),
    "one-point": dict(points=[(D(2024, 3, 1), 5)]),
    "all-equal": dict(points=[(D(2020, 1, 1), 7), (D(2021, 1, 1), 7), (D(2022, 1, 1), 7)],
                      baseline=(D(2020, 1, 1), 7), target=(D(2025, 1, 1), 7)),
    "all-zero": dict(points=[(D(2020, 1, 1), 0), (D(2021, 1, 1), 0)]),
    "negative": dict(points=[(D(2020, 1, 1), -5.5), (D(2021, 1, 1), 3)], target=(D(2022, 1, 1), -1)),
    "huge": dict(points=[(D(1990, 1, 1), 1e15), (D(2024, 12, 31), 3.2e15)], target=(D(2035, 1, 1), 4e15)),
    "tiny": dict(points=[(D(2020, 1, 1), 0.001), (D(2020, 2, 1), 0.003)]),
}

BAR_CASES = {
    "planned-actual": dict(rows=[("Staff and consultants overhead", (12000, 9000.5)), ("Travel", (3000, None)),
                                 ("Equipment", (0, 250))]),
    "one-series": dict(rows=[("Government", (52000,)), ("Foundation", (13000,))], series=("Income",)),
    "three-series": dict(rows=[("A", (5, 4, 3))], series=("Planned", "Revised", "Actual")),
    "negative": dict(rows=[("Refunds", (-500, -200)), ("Grants", (1000, 1200))]),
    "empty": dict(rows=[]),
    "all-none": dict(rows=[("Nothing yet", (None, None))]),
    "huge": dict(rows=[("Big", (9.9e17, 1e15))]),
}


def all_charts() -> list[Markup]:
    return ([line_chart(f"line-{name}", name, **kw) for name, kw in LINE_CASES.items()]
            + [bar_chart(f"bar-{name}", name, **kw) for name, kw in BAR_CASES.items()]
            + [progress_bar(f"progress-{f}", "Progress", f) for f in (0, 0.42, 1, 1.3, -0.2, 12.5)])


def parse(svg) -> ET.Element:
    assert isinstance(svg, Markup)
    return ET.fromstring(str(svg))  # raises unless well-formed XML


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def by_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [el for el in root.iter(NS + tag) if cls in el.get("class", "").split()]


def texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(NS + "text")]


def drawn(el: ET.Element):
    """Every element outside <defs> (a pattern tile has its own coordinate space)."""
    for child in el:
        if local(child.tag) != "defs":
            yield child
            yield from drawn(child)


@pytest.mark.parametrize("svg", all_charts())
def test_accessible_shell(svg):
    root = parse(svg)
    slug = root.get("aria-labelledby").split()[0].removesuffix("-title")
    assert local(root.tag) == "svg"
    assert root.get("role") == "img" and root.get("focusable") == "false"
    assert root.get("width") == "100%" and root.get("height") is None
    assert root.get("class") == "chart-svg"  # not "chart": the caller's <figure class="chart"> has that
    assert root.get("aria-labelledby") == f"{slug}-title {slug}-desc"
    title, desc = root.find(NS + "title"), root.find(NS + "desc")
    assert title.get("id") == f"{slug}-title" and title.text.strip()
    assert desc.get("id") == f"{slug}-desc" and desc.text.strip()
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)) and all(i.startswith(slug + "-") for i in ids)
    assert all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids)


@pytest.mark.parametrize("svg", all_charts())
def test_self_contained_and_script_free(svg):
    root, text = parse(svg), str(svg)
    assert not any(local(el.tag) in ("script", "foreignObject", "image", "a") for el in root.iter())
    assert not any(name.lower().startswith("on") for el in root.iter() for name in el.attrib)
    assert "<script" not in text.lower() and "javascript:" not in text.lower()
    assert set(re.findall(r"\w+://[^\s\"'<>)]*", text)) == {"http://www.w3.org/2000/svg"}
    assert "@import" not in text and "@font-face" not in text
    assert all(u.startswith("url(#") for u in re.findall(r"url\([^)]*\)", text))


@pytest.mark.parametrize("svg", all_charts())
def test_colour_only_through_classes_and_current_color(svg):
    root = parse(svg)
    style = "".join(el.text for el in root.iter(NS + "style"))
    assert "currentColor" in style and "var(--chart-1,currentColor)" in style
    assert "font-family:inherit" in style
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b|rgb|hsl", style)
    for el in drawn(root):
        for attr in ("fill", "stroke", "color"):
            value = el.get(attr)
            assert value is None or value in ("none", "currentColor") or value.startswith("url(#"), (el.tag, value)
        assert el.get("style") is None and el.get("font-family") is None


@pytest.mark.parametrize("svg", all_charts())
def test_coordinates_inside_view_box(svg):
    root = parse(svg)
    left, top, width, height = map(float, root.get("viewBox").split())
    assert (left, top) == (0, 0) and width <= 360

    def inside(value, limit):
        return 0 <= float(value) <= limit

    for el in drawn(root):
        get = el.get
        for attr, limit in (("x", width), ("x1", width), ("x2", width), ("cx", width),
                            ("y", height), ("y1", height), ("y2", height), ("cy", height)):
            if get(attr) is not None:
                assert inside(get(attr), limit), (local(el.tag), attr, get(attr), str(svg)[-300:])
        if local(el.tag) == "rect":
            assert float(get("width")) >= 0 and float(get("height")) >= 0
            assert float(get("x")) + float(get("width")) <= width
            assert float(get("y")) + float(get("height")) <= height
        if local(el.tag) == "circle":
            r = float(get("r"))
            assert r <= float(get("cx")) <= width - r and r <= float(get("cy")) <= height - r
        for pair in (get("points") or "").split():
            px, py = pair.split(",")
            assert inside(px, width) and inside(py, height)
        if local(el.tag) == "text":
            # Rough check that text fits: the baseline sits at least a cap height below the top.
            assert float(get("y")) >= 8


@pytest.mark.parametrize("svg", [svg for svg in all_charts() if "bar-huge-title" not in svg]
                         + [bar_chart("money", "M", [("Staff", (12_345_678.9, -1_234_567))],
                                      fmt=lambda v: f"€{v:,.2f}")])
def test_labels_fit_by_estimated_width(svg):
    """Glyph widths are estimated (the page's font is unknown), so this checks the layout's
    own arithmetic; a 23-digit bar value is allowed to spill, a compact fmt is the cure."""
    root = parse(svg)
    width = float(root.get("viewBox").split()[2])
    for el in root.iter(NS + "text"):
        x, size = float(el.get("x")), len("".join(el.itertext())) * CHAR_W
        start = {"start": x, "middle": x - size / 2, "end": x - size}[el.get("text-anchor")]
        assert 0 <= start and start + size <= width, "".join(el.itertext())


def test_coordinates_rounded_to_one_decimal():
    for svg in all_charts():
        for number in re.findall(r'(?:x|y|x1|x2|y1|y2|cx|cy|width|height)="(-?[\d.]+)"', str(svg)):
            assert re.fullmatch(r"-?\d+(\.\d)?", number), number


def test_deterministic():
    assert all_charts() == all_charts()


def test_chart_id_is_sanitised():
    root = parse(line_chart("Water Access / 2025! <x>", "t", LINE_CASES["increasing"]["points"]))
    assert root.find(NS + "title").get("id") == "water-access-2025-x-title"
    assert parse(progress_bar("!!!", "t", 0.5)).find(NS + "title").get("id") == "chart-title"


@pytest.mark.parametrize("make", [
    lambda t: line_chart("c", t, [(D(2020, 1, 1), 1)], unit=t, description=t),
    lambda t: line_chart("c", t, []),
    lambda t: bar_chart("c", t, [(t, (1, 2))], series=(t, t), description=t),
    lambda t: progress_bar("c", t, 0.5),
    lambda t: line_chart("c", Markup(t), [(D(2020, 1, 1), 1)]),  # Markup must not bypass escaping
])
def test_text_is_escaped(make):
    svg = make(NASTY)
    root = parse(svg)
    assert not any(local(el.tag) == "script" for el in root.iter())
    assert "<script" not in str(svg)
    assert root.find(NS + "title").text == NASTY


def test_increasing_target_is_drawn_above_baseline():
    root = parse(line_chart("up", "Up", **LINE_CASES["increasing"]))
    assert target_y(root) < baseline_y(root)


def test_decreasing_target_is_drawn_below_baseline():
    root = parse(line_chart("down", "Down", **LINE_CASES["decreasing"]))
    assert target_y(root) > baseline_y(root)
    ys = [float(p.split(",")[1]) for p in by_class(root, "polyline", "chart-line")[0].get("points").split()]
    assert ys == sorted(ys) and ys[0] < ys[-1]  # falling values go down the page
    assert "Target: 30 t CO2" in texts(root) and "Baseline" in texts(root)


def target_y(root):
    line = by_class(root, "line", "chart-target")[0]
    assert line.get("y1") == line.get("y2") and line.get("stroke-dasharray")  # dashed, horizontal
    return float(line.get("y1"))


def baseline_y(root):
    marker = by_class(root, "rect", "chart-baseline")[0]
    return float(marker.get("y")) + float(marker.get("height")) / 2


def test_line_points_and_axes():
    root = parse(line_chart("l", "L", **LINE_CASES["increasing"]))
    assert len(by_class(root, "circle", "chart-point")) == 3
    assert {"2019", "2021", "2023"} <= set(texts(root))
    assert "0" in texts(root) and "80" in texts(root)  # y runs from 0 to a round max covering the target
    assert "%" in texts(root)


def test_all_equal_values_draw_a_flat_line():
    root = parse(line_chart("flat", "Flat", **LINE_CASES["all-equal"]))
    ys = {p.split(",")[1] for p in by_class(root, "polyline", "chart-line")[0].get("points").split()}
    assert len(ys) == 1 and target_y(root) == baseline_y(root) == float(ys.pop())


def test_empty_series_says_so_everywhere():
    root = parse(line_chart("none", "Water", [], target=(D(2030, 1, 1), 5)))
    assert texts(root) == ["No measurements yet"]
    assert "No measurements yet" in root.find(NS + "desc").text
    assert root.find(NS + "title").text == "Water"
    assert not list(root.iter(NS + "polyline"))


def test_fmt_is_used_for_labels():
    def fmt(v):
        return f"≈{v:.0f}u"

    root = parse(line_chart("f", "F", **LINE_CASES["increasing"] | {"fmt": fmt}))
    assert "Target: ≈80u %" in texts(root)
    assert "≈0u" in texts(root)
    assert "≈61u" in root.find(NS + "desc").text
    bars = parse(bar_chart("b", "B", [("Staff", (1200, 900))], fmt=lambda v: f"€{v:,.0f}"))
    assert {"€1,200", "€900"} <= set(texts(bars))


def test_default_fmt():
    assert default_fmt(1234567) == "1,234,567"
    assert default_fmt(1234.0) == "1,234"
    assert default_fmt(1234.5) == "1,234.5"
    assert default_fmt(2.50) == "2.5"
    assert default_fmt(-0.0) == "0"
    assert default_fmt(-1500) == "-1,500"
    root = parse(line_chart("d", "D", [(D(2020, 1, 1), 1_234_567)], target=(D(2021, 1, 1), 2_000_000)))
    assert "Target: 2,000,000" in texts(root)


def test_bar_widths_are_proportional():
    root = parse(bar_chart("p", "P", [("A", (100, 50)), ("B", (200, 150))]))
    solid = [float(r.get("width")) for r in by_class(root, "rect", "chart-bar")[1:]]  # [0] is the legend
    hatched = [float(r.get("width")) for r in by_class(root, "rect", "chart-bar-alt")[1:]]
    assert solid[1] / solid[0] == pytest.approx(2, rel=0.01)
    assert hatched[1] / hatched[0] == pytest.approx(3, rel=0.01)
    assert solid[0] / hatched[0] == pytest.approx(2, rel=0.01)


def test_second_series_differs_without_colour():
    root = parse(bar_chart("two", "Two", BAR_CASES["planned-actual"]["rows"]))
    pattern = root.find(f"{NS}defs/{NS}pattern")
    assert pattern.get("id") == "two-hatch"
    alt = by_class(root, "rect", "chart-bar-alt")
    assert alt and all(r.get("fill") == "url(#two-hatch)" for r in alt)
    assert {"Planned", "Actual"} <= set(texts(root))  # legend
    single = parse(bar_chart("one", "One", **BAR_CASES["one-series"]))
    assert "Income" not in texts(single) and single.find(NS + "defs") is None


def test_long_labels_are_cut_but_kept_in_full():
    root = parse(bar_chart("long", "Long", BAR_CASES["planned-actual"]["rows"]))
    groups = root.findall(NS + "g")
    assert groups[0].find(NS + "title").text == "Staff and consultants overhead: Planned 12,000; Actual 9,000.5"
    assert "Staff and consu…" in texts(root)
    assert groups[1].find(NS + "title").text == "Travel: Planned 3,000; Actual n/a"
    assert "n/a" in texts(root) and len(groups[1].findall(NS + "rect")) == 1


def test_bar_chart_rejects_bad_rows():
    with pytest.raises(ValueError, match="2 series"):
        bar_chart("x", "X", [("A", (1,))])
    with pytest.raises(ValueError, match="finite"):
        bar_chart("x", "X", [("A", (1, float("nan")))])
    with pytest.raises(ValueError, match="1 to 3"):
        bar_chart("x", "X", [("A", (1, 2, 3, 4))], series="abcd")
    with pytest.raises(ValueError, match="finite"):
        line_chart("x", "X", [(D(2020, 1, 1), float("inf"))])


@pytest.mark.parametrize("fraction, shown, filled", [
    (0.42, "42 %", 0.42), (1.3, "130 %", 1.0), (-0.2, "-20 %", 0.0), (0, "0 %", 0.0), (12.5, "1,250 %", 1.0),
])
def test_progress_bar(fraction, shown, filled):
    root = parse(progress_bar("prog", "Safe water", fraction))
    assert root.find(NS + "title").text == "Safe water"
    assert root.find(NS + "desc").text == f"{shown} of the way from baseline to target"
    assert texts(root) == [shown]
    track = float(by_class(root, "rect", "chart-track")[0].get("width"))
    bar = float(by_class(root, "rect", "chart-bar")[0].get("width"))
    assert bar == pytest.approx(filled * track, abs=0.1)
