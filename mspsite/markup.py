"""The one Markdown configuration, shared by link checking and rendering.

Contributor Markdown is untrusted: Python-Markdown passes raw HTML through, so
rendered HTML is cleaned by an allow-list (nh3) before it reaches a page."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Callable

import markdown
import nh3

EXTENSIONS = ["extra", "sane_lists", "smarty"]

# What contributor HTML may use: structure and emphasis, never script, styles,
# frames, forms or event handlers.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "dfn", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"}, "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "reversed"}, "time": {"datetime"}, "details": {"open"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# resolve(url, is_image) -> the URL to use, or None to show the link text alone
Resolver = Callable[[str, bool], "str | None"]


def make_markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=list(EXTENSIONS), output_format="html")


# Python-Markdown's inline patterns slow down more than linearly on thousands of
# brackets or tags in one text (16,000 '[' took a minute); no real page comes near.
MAX_BRACKETS, MAX_TAGS = 4_000, 20_000


def too_complex(text: str) -> str | None:
    """Why a text is too complex to render as Markdown, or None."""
    if text.count("[") > MAX_BRACKETS:
        return f"more than {MAX_BRACKETS:,} '[' characters"
    if text.count("<") > MAX_TAGS:
        return f"more than {MAX_TAGS:,} '<' characters"
    return None


def to_html(text: str, resolve: Resolver | None = None) -> str:
    """Markdown to clean HTML: links resolved, raw HTML sanitised, comments gone."""
    if too_complex(text):  # check reports it; never hang a build on it
        return "<p>" + html.escape(text) + "</p>"
    return sanitise(make_markdown().convert(text), resolve)


def sanitise(html: str, resolve: Resolver | None = None) -> str:
    """Clean HTML by an allow-list. Links are resolved here, in one pass over the cleaned
    tree, so a link written as raw HTML is treated exactly like a Markdown link."""
    def attribute(tag: str, name: str, value: str) -> str | None:
        if resolve is not None and (tag, name) in (("a", "href"), ("img", "src")):
            return resolve(value, tag == "img")   # None drops it: the link's words stay, as plain text
        return value

    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                        strip_comments=True, link_rel=None, attribute_filter=attribute)
    return _IMAGE_WITHOUT_SOURCE.sub("", cleaned)


# An image whose source was dropped (missing, hidden or unsafe) is dropped with it.
_IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


class _Targets(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is not None and (name, tag) in (("href", "a"), ("src", "img"), ("href", "link"),
                                                     ("src", "source"), ("src", "video"), ("src", "audio"),
                                                     ("src", "iframe"), ("data", "object"), ("action", "form")):
                self.found.append((tag, value))


def link_targets(text: str) -> list[tuple[str, str]]:
    """(tag, url) of every link and embedded resource as written, in document order."""
    if too_complex(text):
        return []
    parser = _Targets()
    parser.feed(make_markdown().convert(text))
    return parser.found
