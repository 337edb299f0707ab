"""One portal per language, put together into one published site.

The default language (the first of `languages:` in mspsite.yml) lives at the top of the site,
so the addresses of a one-language portal stay the same when a language is added; every other
language is a whole portal under /<language>/: its pages, feeds, open data, reports and its
own search index (Pagefind indexes one language at a time best). The portals share no files
(each has its own assets and media copies): each is complete on its own. Each page
knows the same page in the other languages (the language switcher and hreflang links), or,
where a language lacks it, the nearest page above it that it has."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError

from .urls import relative

if TYPE_CHECKING:
    from .plan import Site
    from .render import LinkedFrom, RenderedSite

RIGHT_TO_LEFT = {"ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"}
ONLY_AT_THE_TOP = ("404.html", ".nojekyll", "robots.txt")   # what hosts and crawlers read at the top only


@dataclass(frozen=True)
class Version:
    """One language's portal, as the others link to it."""

    language: str              # its code, as in mspsite.yml
    name: str                  # the language's name in itself ("Kiswahili", "Français")
    prefix: str                # its folder in the published site: "" or "sw/"
    urls: frozenset[str]       # its pages
    address: str | None        # its public address (site_url and folder), when there is one


@dataclass(frozen=True)
class Alternate:
    """The page being rendered in one language: for the switcher and hreflang."""

    language: str
    name: str
    href: str                  # relative to the page being rendered
    absolute: str | None       # with the public address, for hreflang
    current: bool              # the page's own language
    exact: bool                # the same page; False when it is the nearest page above it


def native_name(code: str) -> str:
    """A language's name in itself, capitalised as in a menu: what a reader looks for."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name() or code
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:]


@cache
def is_right_to_left(code: str) -> bool:
    try:
        return Locale.parse(code.replace("-", "_")).character_order == "right-to-left"
    except (UnknownLocaleError, ValueError):
        return code.split("-")[0].lower() in RIGHT_TO_LEFT


def with_versions(sites: list[Site]) -> list[Site]:
    """Each language's site, told about every language's pages."""
    versions = tuple(Version(s.partnership.language, native_name(s.partnership.language), s.settings.prefix,
                             frozenset(page.url for page in s.pages if page.url != "404.html"),
                             s.settings.site.site_url) for s in sites)
    return [replace(site, versions=versions) for site in sites]


def alternates(site: Site, page_url: str) -> list[Alternate]:
    """The page at page_url (in site's language) in every language of the portal; [] with one language."""
    if len(site.versions) < 2 or page_url == "404.html":
        return []
    here = site.settings.prefix + page_url
    found = []
    for version in site.versions:
        target = nearest(page_url, version.urls)
        found.append(Alternate(version.language, version.name, relative(here, version.prefix + target),
                               version.address.rstrip("/") + "/" + target if version.address else None,
                               version.prefix == site.settings.prefix, target == page_url))
    return found


def nearest(url: str, urls: frozenset[str]) -> str:
    """url if urls has it, else the nearest page above it that urls has (the home page at worst)."""
    while url and url not in urls:
        url = posixpath.dirname(url.rstrip("/"))
        url = url + "/" if url else ""
    return url


def merged(portals: list[RenderedSite]) -> RenderedSite:
    """The published site: the default language's portal at the top, every other under its folder."""
    top = portals[0]
    files, copies, links = dict(top.files), dict(top.copies), dict(top.links)
    for portal in portals[1:]:
        prefix = portal.site.settings.prefix
        files.update({prefix + rel: data for rel, data in portal.files.items() if rel not in ONLY_AT_THE_TOP})
        copies.update({prefix + rel: path for rel, path in portal.copies.items()})
        links.update({prefix + rel: _prefixed(linked, prefix) for rel, linked in portal.links.items()})
    if "robots.txt" in files:   # crawlers read robots.txt at the top only: it names every language's sitemap
        extra = "".join(f"Sitemap: {p.site.settings.site.site_url.rstrip('/')}/sitemap.xml\n"
                        for p in portals[1:] if "sitemap.xml" in p.files and p.site.settings.site.site_url)
        files["robots.txt"] += extra.encode()
    return replace(top, files=files, copies=copies, links=links, reused=sum(p.reused for p in portals),
                   versions=tuple(portals))


def _prefixed(linked: LinkedFrom, prefix: str) -> LinkedFrom:
    return replace(linked, page=prefix + linked.page)

