"""The one Markdown configuration and its guarded converter, shared by checking, the model
stage and rendering.

Contributor Markdown is untrusted: Python-Markdown passes raw HTML through, so
rendered HTML is cleaned by an allow-list (nh3) before it reaches a page."""

from __future__ import annotations

import hashlib
import html
import re
import threading
from html.parser import HTMLParser
from typing import Callable

import markdown
import nh3

from .complexity import InlineBudget, TooComplex, check_text

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


_CONVERTERS = threading.local()   # one converter of each kind per thread: setting one up costs
                                  # as much as converting a page


def make_markdown(source: str = "", budget: bool = True) -> markdown.Markdown:
    """The thread's Markdown converter for one text (source), reset, with the complexity budget
    built in. It is reused: valid until the next call with the same `budget`."""
    name = "budgeted" if budget else "plain"
    md = getattr(_CONVERTERS, name, None)
    if md is None:
        md = markdown.Markdown(extensions=list(EXTENSIONS), output_format="html")
        if budget:
            md.treeprocessors.register(InlineBudget(md, source), "complexity-budget", InlineBudget.PRIORITY)
        setattr(_CONVERTERS, name, md)
    md.reset()
    if budget:
        md.treeprocessors["complexity-budget"].source = source
    return md


def convert(text: str, md: markdown.Markdown | None = None, budget: bool = True) -> str:
    """Markdown to HTML as Python-Markdown writes it (raw HTML passed through: not for a page
    before sanitise). Every Markdown text goes through here: a text beyond the complexity
    budget raises TooComplex instead of hanging or crashing the caller. budget=False is for
    a copy of a text that passed, changed in ways that cost nothing (unshown.py's marks).
    Without an `md` of the caller's, each text is converted once: checking its links, the
    model stage and every page that shows it share the result."""
    if md is None and budget:
        return _CONVERTED.get(text)
    return _convert(text, md, budget)


class _Converted:
    """Each text's HTML and link targets, found once per process. A build may start from those
    of an earlier one (cache.py keeps them on disk, by a digest of each text): a text that did
    not change is not converted or searched for links again."""

    LIMIT = 200_000   # texts: the HTML is about the size of the text, so a large portal's fit

    def __init__(self):
        self.html: dict[str, list] = {}      # text -> [its digest, its HTML, its link targets or None]
        self.earlier: dict[str, list] = {}   # digest -> [HTML, link targets or None], from an earlier build

    def _known(self, text: str) -> list:
        known = self.html.get(text)
        if known is None:
            digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
            earlier = self.earlier.get(digest)
            if earlier is None:
                earlier = [_convert(text, None, True), None]   # a text beyond the budget raises: never kept
            if len(self.html) >= self.LIMIT:
                self.html.clear()
            known = self.html[text] = [digest, *earlier]
        return known

    def get(self, text: str) -> str:
        return self._known(text)[1]

    def targets(self, text: str) -> list[tuple[str, str]]:
        known = self._known(text)
        if known[2] is None:
            parser = _Targets()
            parser.feed(known[1])
            known[2] = [tuple(found) for found in parser.found]
        return known[2]


_CONVERTED = _Converted()


def recall_conversions(earlier: dict[str, list]) -> None:
    """Start from an earlier build's conversions (digest of the text -> [HTML, link targets or None]);
    entries of any other shape (a damaged file) are left out."""
    _CONVERTED.earlier = {digest: entry for digest, entry in earlier.items()
                          if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
                          and (entry[1] is None or isinstance(entry[1], list))}


def conversions() -> dict[str, list]:
    """The conversions made or used in this process, by digest of the text, for a later build."""
    return {digest: [html, targets] for digest, html, targets in _CONVERTED.html.values()}


def _convert(text: str, md: markdown.Markdown | None, budget: bool) -> str:
    if budget:
        check_text(text)
    md = md or make_markdown(text, budget)
    try:
        return md.convert(text)
    except BaseException as exc:
        # a conversion stopped half-way leaves state behind (the block parser's stack): never reuse it
        for name in ("budgeted", "plain"):
            if getattr(_CONVERTERS, name, None) is md:
                delattr(_CONVERTERS, name)
        if isinstance(exc, RecursionError):   # the budget should prevent it; a deep stack may still meet it
            raise TooComplex("nested too deeply", "use fewer levels of lists, quotes or HTML blocks") from None
        raise


def to_html(text: str, resolve: Resolver | None = None) -> str:
    """Markdown to clean HTML: links resolved, raw HTML sanitised, comments gone."""
    try:
        return sanitise(convert(text), resolve)
    except TooComplex:   # check reports it; never hang a build on it
        return "<p>" + html.escape(text) + "</p>"


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
    """(tag, url) of every link and embedded resource as written, in document order.
    Raises TooComplex for a text beyond the budget."""
    return [(tag, url) for tag, url in _CONVERTED.targets(text)]
