"""The one Markdown configuration, shared by link checking and rendering."""

from __future__ import annotations

from html.parser import HTMLParser

import markdown

EXTENSIONS = ["extra", "sane_lists", "smarty", "toc"]


def make_markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=EXTENSIONS, output_format="html")


def to_html(text: str) -> str:
    return make_markdown().convert(text)


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
    """(tag, url) of every link and embedded resource, in document order."""
    parser = _Targets()
    parser.feed(to_html(text))
    return parser.found
