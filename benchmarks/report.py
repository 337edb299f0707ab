"""The figures as a table (terminal and docs/performance.md), as JSON, and the machine they
were measured on. A row knows its target from issue 10 and says whether it is met."""

from __future__ import annotations

import datetime
import os
import platform
import re
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from .measure import summary

START, END = "<!-- figures:start -->", "<!-- figures:end -->"   # what --write-docs replaces in the docs page


@dataclass(frozen=True)
class Row:
    name: str
    unit: str                       # s, ms, MB, KB or pages: how the numbers are shown
    values: list[float]             # one per repeat
    ratio_hugo: float | None = None
    ratio_mkdocs: float | None = None
    target: str = ""                # issue 10's target, in words
    met: bool | None = None         # None: no target, or its baseline is missing
    note: str = ""                  # e.g. the name of the largest page

    @property
    def stats(self) -> dict[str, float | None]:
        return summary(self.values) if self.values else {"median": None, "min": None, "max": None}


def ratio(value: float, baseline: float | None) -> float | None:
    return value / baseline if baseline else None


def machine(commit_dir: Path, tools: dict[str, str]) -> dict[str, str]:
    model = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown")
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": str(os.cpu_count()),
        "cpu": model,
        "memory": _memory(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "mspsite commit": _commit(commit_dir),
        # others' work on a shared machine slows the figures: said, so they can be judged
        "load average at start": load_average(),
        **tools,
    }


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(_read("/proc/loadavg").split()[:3]) or "unknown"


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _memory() -> str:
    found = re.search(r"MemTotal:\s+(\d+) kB", _read("/proc/meminfo"))
    return f"{int(found.group(1)) / 1024 ** 2:.0f} GB" if found else "unknown"


def _commit(path: Path) -> str:
    def git(*args):
        return subprocess.run(["git", "-C", str(path), *args], capture_output=True, text=True).stdout.strip()
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--untracked-files=no", "--", "mspsite", "themes")   # the code measured
    return commit + (" (with uncommitted changes)" if changed else "")


def show(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"
    if unit == "ms":   # kept in seconds; milliseconds read better for the short ones
        return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.1f} s"
    if unit == "MB":
        return f"{value / 1e6:.0f} MB"
    if unit == "KB":
        return f"{value / 1e3:.1f} KB"
    return f"{value:.0f}"


def show_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def cells(row: Row) -> list[str]:
    s = row.stats
    if not row.values:
        median = spread = "—"
    else:
        median = show(s["median"], row.unit)
        spread = show(s["min"], row.unit) + " – " + show(s["max"], row.unit) if len(row.values) > 1 else "(1 run)"
    met = "—" if row.met is None else "yes" if row.met else "no"
    name = f"{row.name} ({row.note})" if row.note else row.name
    return [name, median, spread, show_ratio(row.ratio_hugo), show_ratio(row.ratio_mkdocs),
            row.target or "—", met]


HEADER = ["measurement", "median", "spread (min – max)", "vs Hugo", "vs MkDocs", "target (issue 10)", "met"]


def text_table(rows: list[Row]) -> str:
    table = [HEADER, *map(cells, rows)]
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADER))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[Row]) -> str:
    escape = lambda c: c.replace("|", "\\|")   # noqa: E731
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(map(escape, cells(r))) + " |" for r in rows]
    return "\n".join(lines)


def as_json(rows: list[Row], info: dict) -> dict:
    return {**info, "rows": [{**asdict(r), **r.stats} for r in rows]}


def summary_line(info: dict) -> str:
    portal = info["portal"]
    return (f"Measured {info['machine']['date']} with `python -m benchmarks.run --pages {info['pages']} "
            f"--repeat {info['repeat']}` (seed {info['seed']}): a partnership of {info['items']} items, from which "
            f"mspsite built {portal['pages']} public pages ({portal['files']} files, {portal['bytes'] / 1e6:.1f} MB).")


def write_docs(doc: Path, rows: list[Row], info: dict) -> None:
    """Replace the figures section of docs/performance.md (between its two markers)."""
    text = doc.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"{doc} has no {START} ... {END} section to rewrite")
    m = info["machine"]
    figures = "\n".join([START, summary_line(info), "", markdown_table(rows), "", "Machine:", "",
                         *(f"* {k}: {v}" for k, v in m.items() if k != "date"), END])
    start, end = text.index(START), text.index(END) + len(END)
    doc.write_text(text[:start] + figures + text[end:])
