"""Atom feeds of the kinds of content that have one (Kind.feed: stories, decisions, lessons):
deterministic (no build time; a feed is as new as its newest entry)."""

from __future__ import annotations

import datetime
from xml.etree import ElementTree as ET
from typing import TYPE_CHECKING

from .. import model as m
from ..settings import Settings
from ..kinds import ITEM_KINDS
from ..urls import absolute, url_of

if TYPE_CHECKING:
    from ..render import RenderedSite

ATOM = "http://www.w3.org/2005/Atom"


def feeds(settings: Settings, rendered: RenderedSite) -> dict[str, bytes]:
    p, site_url, _ = rendered.site.partnership, settings.site.site_url, rendered.site.gettext
    return {f"feeds/{k.folder}.xml": _feed(p, site_url, k.folder, _(k.feed), getattr(p, k.collection))
            for k in ITEM_KINDS if k.feed}


def _stamp(day: datetime.date | None) -> str:
    return f"{(day or datetime.date(1970, 1, 1)).isoformat()}T00:00:00Z"


def _id(site_url: str | None, url: str) -> str:
    # a stable id even without a site address: a tag URI built from the page's place
    return absolute(site_url, url) or f"tag:mspsite,2025:{url}"


def _feed(p: m.Partnership, site_url, name, title, items) -> bytes:
    ET.register_namespace("", ATOM)
    entries = sorted(items, key=lambda x: (x.updated or x.date, x.id), reverse=True)[:50]
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": p.language})
    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"{p.name}: {title}"
    ET.SubElement(feed, f"{{{ATOM}}}id").text = _id(site_url, f"feeds/{name}.xml")
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(max((x.updated or x.date for x in entries), default=None))
    if site_url:
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=absolute(site_url, f"feeds/{name}.xml"))
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=absolute(site_url, ""))
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = p.name
    for x in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = x.title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = _id(site_url, url_of(x))
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(x.updated or x.date)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _stamp(x.date)
        href = absolute(site_url, url_of(x)) or f"../{url_of(x)}index.html"
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=href)
        if x.summary:
            ET.SubElement(entry, f"{{{ATOM}}}summary").text = x.summary
    ET.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8") + b"\n"
