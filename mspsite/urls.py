"""Where every page and item lives in the portal. One place, so that a later
`/<lang>/` prefix or a different layout changes URLs everywhere at once.

A URL here is a path relative to the portal root ('partners/moe/'), percent-encoded
where a copied file's name needs it (file_url; file_of decodes it again); links in
pages are made relative to the page that holds them and end in index.html, so
a portal works under any sub-path and straight from the file system."""

from __future__ import annotations

import posixpath
from urllib.parse import quote, unquote

from . import model as m
from .kinds import KINDS

# Content files that are not items but have a page.
FILE_PAGES = {"partnership.yml": "about/", "glossary.yml": "glossary/"}


def url_of(item) -> str:
    """The page URL of an item."""
    if isinstance(item, m.Indicator):
        return f"{url_of(item.goal)}#indicator-{item.id}"
    if isinstance(item, str):  # a success-factor key
        return f"factors/{item}/"
    return f"{KINDS[item.content_kind].section}{item.id}/"


def file_url(path: str) -> str:
    """The URL of a copied file: its path percent-encoded, so that a name with '#', '?', '%',
    spaces or non-ASCII letters reaches the file itself on any web server and from disk."""
    return quote(path, safe="/")


def file_of(url: str) -> str:
    """The output file that serves a URL."""
    return unquote(_served(url))


def _served(url: str) -> str:
    """The URL path of the file that serves a URL (still percent-encoded)."""
    path, _, _ = url.partition("#")
    return path + "index.html" if path == "" or path.endswith("/") else path


def relative(from_url: str, to_url: str) -> str:
    """A link from one page to another (or to a file), relative, ending in index.html."""
    path, hash_, fragment = to_url.partition("#")
    target = _served(path) if path or not hash_ else ""
    if not target:
        return f"#{fragment}"
    # posixpath.relpath, for clean relative paths without its abspath() calls: pages make many links
    here = posixpath.dirname(_served(from_url)).split("/")
    here = here if here != [""] else []
    parts = target.split("/")
    common = 0
    while common < len(here) and common < len(parts) - 1 and here[common] == parts[common]:
        common += 1
    link = "/".join([".."] * (len(here) - common) + parts[common:])
    return link + (f"#{fragment}" if hash_ else "")


def absolute(site_url: str | None, url: str) -> str | None:
    """The public address of a page, for canonical links, feeds and the sitemap."""
    if not site_url:
        return None
    return site_url.rstrip("/") + "/" + url
