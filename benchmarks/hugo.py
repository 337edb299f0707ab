"""The same Markdown bodies as a Hugo site: the speed baseline of issue 10.

One content page per item (front matter: title and date) in one section per folder,
a minimal single.html and list.html, so Hugo does what mspsite does at its simplest:
render each body once into a page shell, and a list page per section. Hugo builds no
search index; its default RSS feeds and sitemap stay on, as mspsite writes both too.
Hugo is not a dependency of mspsite or its tests: the Debian package `hugo` (0.111)
or any release on PATH is used when present."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from .partnership import ITEM_LINK, Page

CONFIG = """baseURL = "https://example.org/bench/"
languageCode = "en"
title = "Benchmark Partnership for Shared Results"
disableKinds = ["taxonomy", "term"]
"""
HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ site.Title }}</title>
</head>
<body>
<nav>{{ range site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav>
"""
SINGLE = HEAD + """<main>
<h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2006-01-02" }}</time></p>
{{ .Content }}
</main>
</body>
</html>
"""
LIST = HEAD + """<main>
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time></li>
{{ end }}</ul>
</main>
</body>
</html>
"""


def version() -> str | None:
    """Hugo's version ('v0.111.3+extended'), or None when Hugo is not installed."""
    if shutil.which("hugo") is None:
        return None
    out = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()
    return out[1] if len(out) > 1 else "unknown version"


def write_site(pages: list[Page], dest: Path) -> None:
    (dest / "layouts" / "_default").mkdir(parents=True)
    (dest / "config.toml").write_text(CONFIG)
    (dest / "layouts" / "_default" / "single.html").write_text(SINGLE)
    (dest / "layouts" / "_default" / "list.html").write_text(LIST)
    content = dest / "content"
    content.mkdir()
    (content / "_index.md").write_text(front_matter("Benchmark Partnership for Shared Results", None))
    for section in sorted({p.section for p in pages}):
        (content / section).mkdir()
        (content / section / "_index.md").write_text(front_matter(section.capitalize(), None))
    for p in pages:
        body = ITEM_LINK.sub(lambda m: f"](../../{m['folder'] or p.section}/{m['id']}/)", p.markdown)
        (content / p.section / f"{p.id}.md").write_text(front_matter(p.title, p.date) + body)


def front_matter(title: str, date: str | None) -> str:
    return "---\n" + f"title: {json.dumps(title)}\n" + (f"date: {date}\n" if date else "") + "---\n"


def command(src: Path, out: Path, cache: Path) -> list[str]:
    """A cold build: the caller gives a fresh destination and resource cache."""
    return ["hugo", "--quiet", "--source", str(src), "--destination", str(out), "--cacheDir", str(cache)]


def clean(src: Path, out: Path, cache: Path) -> None:
    """Remove what an earlier build left, so the next one is cold."""
    for path in (out, cache, src / "resources"):
        shutil.rmtree(path, ignore_errors=True)
