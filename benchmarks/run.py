"""Time mspsite on a generated partnership, against Hugo and MkDocs + Material on the same bodies.

    python -m benchmarks.run --pages 1000 [--repeat 3] [--json FILE] [--write-docs]

Each figure is the median of --repeat runs, each build in a fresh process. What is
measured, and why, is described in docs/performance.md."""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Callable

from . import hugo, mkdocs_site
from .generate import generate, write
from .measure import FORKS, MAIN, BenchmarkError, Memory, Run, build_mspsite, memory_source, run, summary
from .report import Row, as_json, load_average, machine, ratio, text_table, write_docs
from .serve_latency import Story, measure_serve

HERE = Path(__file__).resolve().parent
DOC = HERE.parent / "docs" / "performance.md"
MSPSITE_CACHE = ".mspsite-cache"     # where mspsite may keep a build cache in the partnership folder
HOME_LIMIT, PAGE_LIMIT = 60_000, 150_000   # issue 10: home page under 60 KB gzipped, no page over 150 KB
# The roles of the cold build's processes shown in the table (measure.TreeMemory names them).
ROLES = {MAIN: "build process", FORKS: "render workers", "pagefind": "Pagefind binary"}


def prepared(pages: int, seed: int, cache: Path) -> Path:
    """The partnership and its Hugo and MkDocs copies, generated once per size, seed and generator code."""
    code = hashlib.sha256(b"".join((HERE / m).read_bytes()
                                   for m in ("partnership.py", "text.py", "hugo.py", "mkdocs_site.py")))
    folder = cache / f"p{pages}-s{seed}-{code.hexdigest()[:10]}"
    if (folder / "complete.json").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    say(f"generating {pages} pages (seed {seed}) into {folder}")
    generated = generate(pages, seed)
    write(generated, folder / "partnership")
    hugo.write_site(generated.pages, folder / "hugo")
    mkdocs_site.write_site(generated.pages, folder / "mkdocs")
    (folder / "complete.json").write_text(json.dumps({"items": len(generated.pages)}))
    return folder


def measure_mspsite(folder: Path, repeat: int, before_each: Callable[[int], None]) -> dict:
    """Cold, warm, no-change and one-edit builds, and a cold build without search, on a copy of the
    partnership (edits never touch the cached original). `before_each(r)` runs the baselines of
    round r just before it, so on a shared machine both see about the same load."""
    runs = folder / "runs"
    shutil.rmtree(runs, ignore_errors=True)
    work, site, plain = runs / "partnership", runs / "site", runs / "site-no-search"
    shutil.copytree(folder / "partnership", work)
    story = Story(work)
    found: dict = {k: [] for k in ("cold", "warm", "no-change", "one-edit", "no-search", "memory")}

    def timed(kind: str, out: Path, r: int, search: bool = True) -> Run:
        result, portal = build_mspsite(work, out, search)
        found[kind].append(result.seconds)
        if search:
            found["portal"] = portal   # pages, files and bytes of the whole portal
        say(f"  {kind} build {r}/{repeat}: {result.seconds:.1f} s")
        return result

    for r in range(1, repeat + 1):
        before_each(r)
        cold_start(work, site)
        found["memory"].append(timed("cold", site, r).memory)
        if r == 1:
            found["weight"] = page_weight(site)
        shutil.rmtree(site)                        # warm: a new output folder, mspsite's own cache kept
        timed("warm", site, r)
        timed("no-change", site, r)                # the same output folder, nothing changed
        story.edit(f"Benchmark rebuild edit {r}.")
        timed("one-edit", site, r)
        cold_start(work, plain)
        timed("no-search", plain, r, search=False)
    story.path.write_text(story.original)
    return found


def cold_start(work: Path, out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(work / MSPSITE_CACHE, ignore_errors=True)


def page_weight(site: Path) -> dict:
    """The home page gzipped (level 6, as web servers commonly send it) and the largest HTML pages."""
    sizes = {str(p.relative_to(site)): p.stat().st_size for p in site.rglob("*.html")}
    largest = max(sizes, key=lambda k: (sizes[k], k))
    return {"home_gzip": len(gzip.compress((site / "index.html").read_bytes(), compresslevel=6, mtime=0)),
            "largest": (largest, sizes[largest]), "over_limit": sum(s > PAGE_LIMIT for s in sizes.values())}


class Baseline:
    """Cold builds of the same bodies by another tool, one per round."""

    def __init__(self, name: str, cmd: list[str], clean: Callable[[], None], env: dict | None = None):
        self.name, self.cmd, self.clean, self.env = name, cmd, clean, env
        self.runs: list[Run] = []

    def measure(self, r: int, repeat: int) -> None:
        self.clean()
        self.runs.append(run(self.cmd, env=self.env))
        say(f"  {self.name} build {r}/{repeat}: {self.runs[-1].seconds:.1f} s")


def make_baselines(folder: Path, runs: Path, hugo_version: str | None,
                   mkdocs: tuple[list[str], str] | None) -> dict[str, Baseline]:
    found = {}
    if hugo_version:
        out, cache = runs / "hugo-site", runs / "hugo-cache"
        found["hugo"] = Baseline("hugo", hugo.command(folder / "hugo", out, cache),
                                 lambda: hugo.clean(folder / "hugo", out, cache))
    if mkdocs:
        out = runs / "mkdocs-site"
        found["mkdocs"] = Baseline("mkdocs", mkdocs_site.command(mkdocs[0], folder / "mkdocs", out),
                                   lambda: mkdocs_site.clean(out), env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    return found


def rows_of(m: dict, serve, hugo_runs: list[Run] | None, mkdocs_runs: list[Run] | None,
            skipped: list[str]) -> list[Row]:
    def med(runs, what="seconds"):
        values = [getattr(x, what) for x in runs or ()]
        return summary(values)["median"] if values and None not in values else None

    hugo_s, mkdocs_s = med(hugo_runs), med(mkdocs_runs)
    hugo_mb, mkdocs_mb = med(hugo_runs, "peak_memory"), med(mkdocs_runs, "peak_memory")

    def build(name, values, target="", limit_hugo=None, limit_mkdocs=None):
        median = summary(values)["median"]
        rh, rm = ratio(median, hugo_s), ratio(median, mkdocs_s)
        checks = [(r, limit) for r, limit in ((rh, limit_hugo), (rm, limit_mkdocs)) if limit is not None]
        met = None if not checks or any(r is None for r, _ in checks) else all(r <= limit for r, limit in checks)
        return Row(name, "s", values, rh, rm, target, met)

    weight, largest = m["weight"], m["weight"]["largest"]
    memory = [x for x in m["memory"] if x is not None]
    rows = [
        build("mspsite cold build", m["cold"],
              "≤ 2× Hugo (3× at most) and ≥ 5× faster than MkDocs, at 10k pages", 2.0, 0.2),
        build("mspsite cold build, no search index", m["no-search"], "≤ 1× Hugo", 1.0),
        build("mspsite warm build", m["warm"], "≤ 1× Hugo", 1.0),
        build("mspsite no-change rebuild", m["no-change"], "≤ 0.25× Hugo cold", 0.25),
        build("mspsite one-edit rebuild", m["one-edit"]),
    ]
    if serve is not None:
        rows += [Row("serve: first build", "s", [serve.first_build]),
                 Row("serve: one edit shown", "ms", serve.edits, target="< 300 ms at 1k pages",
                     met=summary(serve.edits)["median"] < 0.3)]
    if memory:
        rows += memory_rows(memory, hugo_mb, mkdocs_mb)
    rows += [
        Row("home page, gzipped", "KB", [weight["home_gzip"]], target="< 60 KB",
            met=weight["home_gzip"] < HOME_LIMIT),
        Row("largest HTML page", "KB", [largest[1]], target="≤ 150 KB", met=largest[1] <= PAGE_LIMIT,
            note=largest[0]),
        Row("HTML pages over 150 KB", "pages", [weight["over_limit"]], target="0", met=weight["over_limit"] == 0),
    ]
    for tool, runs, key, missing in (("Hugo", hugo_runs, "hugo", "no hugo on PATH"),
                                     ("MkDocs + Material", mkdocs_runs, "mkdocs", "mkdocs or material not installed")):
        if runs:
            rows.append(Row(f"{tool} cold build", "s", [x.seconds for x in runs]))
            if None not in (x.peak_memory for x in runs):
                rows.append(Row(f"{tool} peak memory", "MB", [x.peak_memory for x in runs]))
        else:   # said in the table: its ratios are missing for this reason
            why = f"--skip {key}" if key in skipped else missing
            rows.append(Row(f"{tool} cold build", "s", [], note=f"not measured: {why}"))
    return rows


def memory_rows(memory: list[Memory], hugo_mb: float | None, mkdocs_mb: float | None) -> list[Row]:
    """The cold build's peak memory (PSS where it can be read), and each role's own peak, in every run."""
    what = memory[0].measure
    peaks = [m.peak.bytes for m in memory]
    median = summary(peaks)["median"]
    rows = [Row(f"peak memory ({what}), mspsite cold build", "MB", peaks, ratio(median, hugo_mb),
                ratio(median, mkdocs_mb), "< 1 GB at 10k pages", median < 1e9)]
    for role, name in ROLES.items():
        if all(role in m.roles for m in memory):
            at = summary([m.roles[role].peak.at for m in memory])["median"]
            rows.append(Row(f"peak memory of the {name} alone", "MB", [m.roles[role].peak.bytes for m in memory],
                            note=f"at {at:.0f} s"))
    if what != "RSS":
        rows.append(Row("peak summed RSS, mspsite cold build", "MB", [m.rss_sum.bytes for m in memory],
                        note="an upper bound"))
    return rows


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000, help="item pages of the generated partnership")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is shown")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--write-docs", action="store_true", help=f"rewrite the figures section of {DOC.name}")
    parser.add_argument("--cache", type=Path, default=HERE / ".cache", help="where generated partnerships are kept")
    parser.add_argument("--skip", action="append", choices=("hugo", "mkdocs", "serve"), default=[],
                        help="leave out a measurement (repeatable)")
    args = parser.parse_args(argv)
    if args.pages < 1 or args.repeat < 1:
        parser.error("--pages and --repeat must be at least 1")

    folder = prepared(args.pages, args.seed, args.cache)
    hugo_version = None if "hugo" in args.skip else hugo.version()
    mkdocs = None if "mkdocs" in args.skip else mkdocs_site.find()
    tools = {"hugo": hugo_version or "not measured", "mkdocs": mkdocs[1] if mkdocs else "not measured",
             "memory sampling": memory_source() or "not measured (no /proc, no psutil)"}
    host = machine(HERE.parent, tools)
    runs = folder / "runs"
    baselines = make_baselines(folder, runs, hugo_version, mkdocs)
    try:
        say("builds")
        found = measure_mspsite(folder, args.repeat,
                                lambda r: [b.measure(r, args.repeat) for b in baselines.values()])
        serve = None
        if "serve" not in args.skip:
            say("mspsite serve")
            serve = measure_serve(runs / "partnership", args.repeat)
    except BenchmarkError as exc:
        raise SystemExit(f"benchmark failed: {exc}") from None
    hugo_runs, mkdocs_runs = (baselines[k].runs if k in baselines else None for k in ("hugo", "mkdocs"))
    host["load average at end"] = load_average()

    rows = rows_of(found, serve, hugo_runs, mkdocs_runs, args.skip)
    info = {"pages": args.pages, "seed": args.seed, "repeat": args.repeat,
            "items": json.loads((folder / "complete.json").read_text())["items"], "portal": found["portal"],
            "machine": host}
    print(text_table(rows))
    print()
    print("\n".join(f"{k}: {v}" for k, v in info["machine"].items()))
    if args.json:
        args.json.write_text(json.dumps(as_json(rows, info), indent=2, ensure_ascii=False) + "\n")
    if args.write_docs:
        write_docs(DOC, rows, info)
        say(f"figures written to {DOC}")


if __name__ == "__main__":
    main()
