"""What no page shows is cut from the Markdown that outputs publish (mspsite/unshown.py):
HTML comments and link definitions no link uses. Pages never showed them, but open data, the
IATI file and the feeds published the Markdown as written until issue 8 (tests/test_canary.py
scans every output for them). What a page does show stays, as written: '<!--' in code, used
definitions, footnotes."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from mspsite.markup import to_html
from mspsite.unshown import without_unshown

CUT = {   # text -> the text as published
    "Before <!-- SECRET --> after.": "Before  after.",
    "Para.\n\n<!-- SECRET\nover lines -->\n\nNext.": "Para.\n\n\n\nNext.",
    "> Quoted.\n> <!-- SECRET,\n> two lines -->\n> more": "> Quoted.\n> \n> more",
    "<div>\n<!-- SECRET -->\n</div>": "<div>\n\n</div>",
    "<!-- a <!-- SECRET --> shown -->": " shown -->",
    "Text.\n\n[unused]: ../decisions/SECRET.md \"SECRET title\"\n": "Text.\n\n\n",
    "Text.\n\n[unused]:\n  https://example.org/SECRET\n  \"SECRET\"\nNext line.": "Text.\n\n\nNext line.",
    "> Quoted.\n> [q]: https://example.org/SECRET\n\nAfter.": "> Quoted.\n> \n\nAfter.",
    "- one\n- [w]: https://example.org/SECRET\n- two": "- one\n- two",
    "[a][dup]\n\n[dup]: https://example.org/SECRET\n[dup]: https://example.org/used":
        "[a][dup]\n\n\n[dup]: https://example.org/used",
    "<!-- [a][r] -->\n\n[r]: https://example.org/SECRET": "\n\n",
    "<!-- a note --> [x]: https://example.org/SECRET": " ",
}
KEPT = [
    "Write `<!-- a note -->` for a note.",
    "```\n<!-- in a code block -->\n[x]: https://example.org/in-code\n```\n",
    "    <!-- indented code -->\n    [y]: https://example.org/in-code\n",
    "Inline `[k]: https://example.org/in-code` code.",
    "Used [link][u] and [short] and ![image][i].\n\n[u]: https://example.org/u \"title\"\n"
    "[short]: https://example.org/s\n[i]: ../media/i.png\n",
    "A footnote.[^1]\n\n[^1]: Always shown, used or not.\n\n[^2]: Shown too.",
    "Empty comments hide nothing: <!--> and <!--->.",
    "<!-- never closed, shown as text",
    "*[HTML]: HyperText Markup Language\n\nHTML everywhere.",
]


@pytest.mark.parametrize("text", CUT)
def test_what_no_page_shows_is_cut(text):
    published = without_unshown(text)
    assert published == CUT[text]
    assert "SECRET" not in published


@pytest.mark.parametrize("text", CUT)
def test_the_page_shows_the_same_without_it(text):
    """Cutting takes nothing a reader sees: the page shows the same words and links (at most
    a paragraph break differs where a comment stood, or an empty list item goes)."""
    def shown(html: str) -> tuple[str, list[str]]:
        return " ".join(Markup(html).striptags().split()), re.findall(r'(?:href|src|title)="[^"]*"', html)

    assert shown(to_html(without_unshown(text))) == shown(to_html(text))


@pytest.mark.parametrize("text", KEPT)
def test_what_a_page_shows_is_kept(text):
    assert without_unshown(text) == text


def test_a_text_too_complex_to_read_is_not_published():
    """check refuses it; a model built without check must not publish what it cannot read."""
    assert without_unshown("<!-- SECRET -->\n" + "'" * 50_000) == ""
