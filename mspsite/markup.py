"""The one Markdown configuration, shared by link checking and rendering.

Contributor Markdown is untrusted: Python-Markdown passes raw HTML through, so
rendered HTML is cleaned by an allow-list (nh3) before it reaches a page."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Callable
from xml.etree import ElementTree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

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


class _Links(Treeprocessor):
    def __init__(self, md, resolve: Resolver):
        super().__init__(md)
        self.resolve = resolve

    def run(self, root: ElementTree.Element) -> None:
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "a" and child.get("href") is not None:
                    new = self.resolve(child.get("href"), False)
                    if new is None:
                        _unwrap(parent, child)
                    else:
                        child.set("href", new)
                elif child.tag == "img" and child.get("src") is not None:
                    new = self.resolve(child.get("src"), True)
                    if new is None:
                        parent.remove(child)
                    else:
                        child.set("src", new)


def _unwrap(parent: ElementTree.Element, child: ElementTree.Element) -> None:
    """Replace <a> by a <span> holding its text: the words stay, the link goes."""
    child.tag = "span"
    for attr in list(child.attrib):
        del child.attrib[attr]


class _LinkExtension(Extension):
    def __init__(self, resolve: Resolver):
        super().__init__()
        self.resolve = resolve

    def extendMarkdown(self, md):
        md.treeprocessors.register(_Links(md, self.resolve), "mspsite-links", 1)


def make_markdown(resolve: Resolver | None = None) -> markdown.Markdown:
    extensions: list = list(EXTENSIONS)
    if resolve is not None:
        extensions.append(_LinkExtension(resolve))
    return markdown.Markdown(extensions=extensions, output_format="html")


def to_html(text: str, resolve: Resolver | None = None) -> str:
    """Markdown to clean HTML: links resolved, raw HTML sanitised, comments gone."""
    return sanitise(make_markdown(resolve).convert(text))


def sanitise(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     strip_comments=True, link_rel=None)


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
    parser = _Targets()
    parser.feed(make_markdown().convert(text))
    return parser.found
