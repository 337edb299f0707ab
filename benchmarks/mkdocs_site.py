"""The same Markdown bodies as a MkDocs site with the Material theme and the search plugin.

One page per item and an index page per folder listing its items. The navigation holds
the home page and the folder index pages only: a navigation of every page would put
thousands of links on each page (Material renders the whole tree), which no one does on
a site this size, and would make the comparison unfair to MkDocs.
MkDocs is not a dependency of mspsite or its tests: any Python on this machine that can
import both `mkdocs` and `material` is used (this one first, then the one that runs the
`mkdocs` command on PATH)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .partnership import ITEM_LINK, Page

PROBE = ("from importlib.metadata import version; import mkdocs, material; "
         "print(version('mkdocs'), version('mkdocs-material'))")


def find() -> tuple[list[str], str] | None:
    """(the command that runs MkDocs, 'MkDocs x + Material y'), or None when not installed."""
    pythons = [sys.executable]
    script = shutil.which("mkdocs")
    if script:
        first = Path(script).read_bytes()[:200].split(b"\n")[0]
        if first.startswith(b"#!"):
            pythons.append(first[2:].decode(errors="replace").strip().split()[0])
    for python in pythons:
        probe = subprocess.run([python, "-c", PROBE], capture_output=True, text=True)
        if probe.returncode == 0:
            mkdocs, material = probe.stdout.split()
            return [python, "-m", "mkdocs"], f"MkDocs {mkdocs} + Material {material}"
    return None


def write_site(pages: list[Page], dest: Path) -> None:
    docs = dest / "docs"
    docs.mkdir(parents=True)
    sections = sorted({p.section for p in pages})
    nav = "\n".join(f"  - {s.capitalize()}: {s}/index.md" for s in sections)
    (dest / "mkdocs.yml").write_text(
        "site_name: Benchmark Partnership for Shared Results\nsite_url: https://example.org/bench/\n"
        f"theme:\n  name: material\nplugins:\n  - search\nnav:\n  - Home: index.md\n{nav}\n")
    (docs / "index.md").write_text("# Benchmark Partnership for Shared Results\n\n"
                                   + "".join(f"- [{s.capitalize()}]({s}/index.md)\n" for s in sections))
    for section in sections:
        (docs / section).mkdir()
        items = [p for p in pages if p.section == section]
        (docs / section / "index.md").write_text(
            f"# {section.capitalize()}\n\n" + "".join(f"- [{link_text(p.title)}]({p.id}.md) {p.date}\n" for p in items))
    for p in pages:
        body = ITEM_LINK.sub(lambda m: f"](../{m['folder'] or p.section}/{m['id']}.md)", p.markdown)
        (docs / p.section / f"{p.id}.md").write_text(f"# {p.title}\n\n*{p.date}*\n\n{body}")


def link_text(title: str) -> str:
    return title.replace("[", "(").replace("]", ")")


def command(mkdocs: list[str], src: Path, out: Path) -> list[str]:
    return [*mkdocs, "build", "--quiet", "--clean", "--config-file", str(src / "mkdocs.yml"), "--site-dir", str(out)]


def clean(out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)

