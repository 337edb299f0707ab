"""What search engines and GitHub Pages read: sitemap.xml, robots.txt, .nojekyll."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from .plan import Site
from .urls import absolute

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def crawler_files(site: Site) -> dict[str, bytes]:
    # .nojekyll: GitHub Pages would otherwise hide folders starting with '_' and run Jekyll
    files = {".nojekyll": b""}
    public = site.partnership.clearance == "public"
    if not public:
        files["robots.txt"] = b"User-agent: *\nDisallow: /\n"
        return files
    robots = "User-agent: *\nAllow: /\n"
    if site.site_url:
        ET.register_namespace("", SITEMAP)
        urlset = ET.Element(f"{{{SITEMAP}}}urlset")
        for page in site.pages:
            if page.url == "404.html":
                continue
            entry = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
            ET.SubElement(entry, f"{{{SITEMAP}}}loc").text = absolute(site.site_url, page.url)
            if page.updated:
                ET.SubElement(entry, f"{{{SITEMAP}}}lastmod").text = page.updated.isoformat()
        ET.indent(urlset)
        files["sitemap.xml"] = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(urlset, encoding="utf-8") + b"\n"
        robots += f"Sitemap: {absolute(site.site_url, 'sitemap.xml')}\n"
    files["robots.txt"] = robots.encode()
    return files
