"""What search engines and GitHub Pages read: sitemap.xml, robots.txt, .nojekyll."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xml.etree import ElementTree as ET

from ..settings import Settings
from ..urls import absolute

if TYPE_CHECKING:
    from ..render import RenderedSite

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def crawler_files(settings: Settings, rendered: RenderedSite) -> dict[str, bytes]:
    site, site_url = rendered.site, settings.site.site_url
    # .nojekyll: GitHub Pages would otherwise hide folders starting with '_' and run Jekyll
    files = {".nojekyll": b""}
    public = settings.clearance == "public"
    if not public:
        files["robots.txt"] = b"User-agent: *\nDisallow: /\n"
        return files
    robots = "User-agent: *\nAllow: /\n"
    if site_url:
        ET.register_namespace("", SITEMAP)
        urlset = ET.Element(f"{{{SITEMAP}}}urlset")
        for page in site.pages:
            if page.url == "404.html":
                continue
            entry = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
            ET.SubElement(entry, f"{{{SITEMAP}}}loc").text = absolute(site_url, page.url)
            if page.updated:
                ET.SubElement(entry, f"{{{SITEMAP}}}lastmod").text = page.updated.isoformat()
        ET.indent(urlset)
        files["sitemap.xml"] = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(urlset, encoding="utf-8") + b"\n"
        robots += f"Sitemap: {absolute(site_url, 'sitemap.xml')}\n"
    files["robots.txt"] = robots.encode()
    return files
