"""A synthetic partnership of N item pages, valid under `mspsite check --strict`.

    python -m benchmarks.generate --pages 10000 -o /tmp/big --seed 1

Proportions follow issue 10 (per 10,000 pages: 300 stakeholders, 20 bodies, 40 goals
with 200 indicators of 10 measurements, 5,000 decisions, 1,500 meetings, 2,000 stories,
1,000 lessons, 500 events, 10 budget periods of 500 lines, 20 reports, 300 glossary
terms), plus a few initiatives, assessments and free pages as real portals have. Every
count scales with N. Deterministic: the same pages and seed give the same bytes."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from .partnership import Generated, make


def generate(pages: int, seed: int, languages: tuple[str, ...] = ("en",)) -> Generated:
    """The partnership's files and item pages, in memory."""
    return make(pages, seed, languages)


def write(generated: Generated, out: Path) -> None:
    """Write the partnership folder; `out` must not exist or be empty (nothing is overwritten)."""
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise SystemExit(f"{out} is not empty")
    for rel, text in sorted(generated.files.items()):
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, required=True, help="number of item pages (about)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="folder to create (must be new or empty)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="replace the output folder if it exists")
    parser.add_argument("--languages", default="en", help="en (the default, as the Hugo comparison builds), or en,fr: "
                        "a bilingual partnership, for which mspsite builds a second portal")
    args = parser.parse_args(argv)
    if args.pages < 1:
        parser.error("--pages must be at least 1")
    if args.force and args.output.exists():
        shutil.rmtree(args.output)
    generated = generate(args.pages, args.seed, tuple(args.languages.split(",")))
    write(generated, args.output)
    print(f"{len(generated.pages)} items in {len(generated.files)} files written to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
