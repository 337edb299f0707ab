"""No broken link anywhere in the built sample: served over HTTP under the /ccpk/ sub-path
(like a GitHub project site) and opened from the file system (file:// has no directory
index, so every link must name a file). Fragments must name an id on the target page."""

from __future__ import annotations

import posixpath
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

LINK_ATTRIBUTES = {"a": ("href",), "link": ("href",), "img": ("src", "srcset"), "script": ("src",),
                   "source": ("src", "srcset")}
# Served in place of any missing page, at any depth, so its links are root-relative on purpose
# (see Renderer.link); file:// never shows it. Its links are still checked over HTTP.
NOT_FOUND_PAGE = "404.html"


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for name in LINK_ATTRIBUTES.get(tag, ()):
            value = attrs.get(name)
            if not value:
                continue
            if name == "srcset":
                self.links += [c.strip().split()[0] for c in value.split(",") if c.strip()]
            else:
                self.links.append(value.strip())


@lru_cache(maxsize=None)
def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _is_internal(link: str) -> bool:
    parts = urlsplit(link)
    return not parts.scheme and not parts.netloc


def _pages(site: Path) -> dict[str, _Page]:
    pages = {p.relative_to(site).as_posix(): _parse(p.read_text(encoding="utf-8")) for p in sorted(site.rglob("*.html"))}
    assert len(pages) > 100, "the sample should build more than 100 pages"
    return pages


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None   # a link that needs a redirect (a folder without "/") is reported, not followed


_opener = urllib.request.build_opener(_NoRedirect)


def _fetch(url: str) -> tuple[int, str, set[str] | None]:
    """Status, content type and (for HTML) the ids on the page."""
    try:
        with _opener.open(url, timeout=20) as resp:
            body, ctype = resp.read(), resp.headers.get_content_type()
            ids = _parse(body.decode("utf-8")).ids if ctype == "text/html" else None
            return resp.status, ctype, ids
    except urllib.error.HTTPError as exc:
        return exc.code, "", None
    except OSError as exc:
        return -1, str(exc), None


def test_links_over_http_under_sub_path(built_sample, served_sample):
    pages = _pages(built_sample)
    wanted: dict[str, list[tuple[str, str]]] = {}    # target URL -> [(page, link)]
    fragments: list[tuple[str, str, str, str]] = []  # (page, link, target URL, fragment)
    count = 0
    for name, page in pages.items():
        page_url = served_sample + name
        for link in page.links:
            if not _is_internal(link):
                continue
            count += 1
            parts = urlsplit(urljoin(page_url, link))
            target = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
            wanted.setdefault(target, []).append((name, link))
            if parts.fragment:
                fragments.append((name, link, target, unquote(parts.fragment)))
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = dict(zip(wanted, pool.map(_fetch, wanted)))

    broken = [f"{page}: {link} -> {target}: {results[target][0]} {results[target][1]}".rstrip()
              for target, uses in sorted(wanted.items()) if results[target][0] != 200 for page, link in uses]
    for page, link, target, fragment in fragments:
        status, _, ids = results[target]
        if status == 200 and ids is not None and fragment not in ids:
            broken.append(f"{page}: {link}: no id '{fragment}' on {target}")
    print(f"HTTP under {served_sample}: {len(pages)} pages, {count} internal links, "
          f"{len(wanted)} distinct targets, {len(fragments)} fragment links checked")
    assert count > 1000
    assert not broken, f"{len(broken)} broken links over HTTP:\n" + "\n".join(broken)


def test_links_from_file_system(built_sample):
    pages = _pages(built_sample)
    broken, count, fragment_count = [], 0, 0
    for name, page in pages.items():
        if name == NOT_FOUND_PAGE:
            continue
        here = posixpath.dirname(name)
        for link in page.links:
            if not _is_internal(link):
                continue
            count += 1
            parts = urlsplit(link)
            if parts.path.startswith("/"):
                broken.append(f"{name}: {link}: root-relative links break from file:// and under a sub-path")
                continue
            if parts.query:
                broken.append(f"{name}: {link}: a query string cannot be served from file://")
                continue
            if not parts.path:       # "#x" on the same page
                target_name = name
            else:
                if parts.path.endswith("/"):
                    broken.append(f"{name}: {link}: links a folder; file:// has no directory index")
                    continue
                target_name = posixpath.normpath(posixpath.join(here, unquote(parts.path)))
                target = built_sample / target_name
                if target_name.startswith("../") or not target.exists():
                    broken.append(f"{name}: {link}: no such file {target_name}")
                    continue
                if target.is_dir():
                    broken.append(f"{name}: {link}: links a folder; file:// has no directory index")
                    continue
            if parts.fragment:
                fragment_count += 1
                if target_name not in pages:
                    broken.append(f"{name}: {link}: fragment on a non-HTML file")
                elif unquote(parts.fragment) not in pages[target_name].ids:
                    broken.append(f"{name}: {link}: no id '{unquote(parts.fragment)}' in {target_name}")
    print(f"file://: {len(pages) - 1} pages, {count} internal links ({fragment_count} with a fragment) checked")
    assert count > 1000
    assert not broken, f"{len(broken)} broken links from file://:\n" + "\n".join(broken)


def test_relative_links_are_what_posixpath_relpath_gives():
    """urls.relative computes relative links by hand (relpath's abspath calls were a tenth of rendering);
    for any page and any file (a file is never also a folder on the page's own path) they agree."""
    import posixpath
    import random

    from mspsite.urls import _served, relative

    rng = random.Random(10)
    names = ["a", "b", "governance", "decisions", "index.html", "x.pdf", "café"]
    checked = 0
    for _ in range(20_000):
        page = "/".join(rng.choice(names[:4]) for _ in range(rng.randint(0, 3)))
        page = page + "/" if page and rng.random() < 0.7 else page
        to = "/".join(rng.choice(names) for _ in range(rng.randint(1, 4))) + ("/" if rng.random() < 0.5 else "")
        here, target = posixpath.dirname(_served(page)), _served(to)
        if here == target or here.startswith(target + "/"):
            continue   # a file named like a folder the page is in: no such portal
        assert relative(page, to + "#x") == posixpath.relpath(target, here or ".") + "#x", (page, to)
        checked += 1
    assert checked > 15_000
