"""What no page shows of a Markdown text: HTML comments, and link reference definitions
that no link uses.

Pages never show them (the sanitiser drops comments; a definition only lends its address
to the links that use it), but open data, the IATI file and the feeds publish the Markdown
itself. So they are cut from the text once, at the model stage, and every output gets the
same text.

The renderer decides what is a comment or a definition, not a pattern of ours: '<!-- -->'
in code is text, and so is '[x]: y' in a code block. Each candidate is marked with a word
of its own, the marked text is converted as a page would be, and what the page then lacks
is cut from the text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markdown.blockprocessors import ReferenceProcessor

from .markup import TooComplex, convert, make_markdown, sanitise

_COMMENT = re.compile(r"<!--(?!-?>)")                 # '<!-->' and '<!--->' are empty: nothing to hide
_COMMENT_END = re.compile(r"--!?>")
_PREFIX = re.compile(r"[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+[ \t>]*)*")   # quote marks and list markers
_LIST_MARKER = re.compile(r"[-*+]|\d[.)]")
_DEFINITION = re.compile(r"\[(?!\^)[^\[\]]*\]:")      # not '[^1]:', a footnote, which is always shown


def without_unshown(text: str) -> str:
    """The text without its comments and unused link definitions. Cutting one can reveal
    another (a comment between a definition and the start of its line), so it repeats
    until nothing changes."""
    try:
        for _ in range(5):
            cleaner = _cut(text)
            if cleaner == text:
                break
            text = cleaner
        return text
    except TooComplex:   # check refuses such a text; a model built anyway must not publish it
        return ""


def _cut(text: str) -> str:
    comments = [m.start() for m in _COMMENT.finditer(text)]
    definitions = [(n, m.end()) for n, line in enumerate(text.split("\n"))
                   if (m := _PREFIX.match(line)) and _DEFINITION.match(line, m.end())]
    if not comments and not definitions:
        return text
    md = make_markdown(text)
    md.references = _Lookups()
    convert(text, md)        # within the budget (or TooComplex), and the ids links look up
    used = md.references.used

    word = _unused_word(text)
    marked = _mark(text, comments, definitions, word)
    marked_md = make_markdown(marked, budget=False)
    page = convert(marked, marked_md, budget=False)
    shown, written = sanitise(page), _Comments()
    written.feed(page)
    spans = [(pos, _comment_end(text, pos)) for k, pos in enumerate(comments)
             if f"{word}c{k}z" in written.comments and f"{word}c{k}z" not in shown]
    spans += _unused_definitions(text, definitions, marked_md.references, used, word)
    return _without(text, spans)


def _unused_word(text: str) -> str:
    """A word that is not in the text (case-insensitive: reference ids are lowercased)."""
    word, lower = "mspsitemark", text.lower()
    while word in lower:
        word += "x"
    return word


def _mark(text: str, comments: list[int], definitions: list[tuple[int, int]], word: str) -> str:
    """The text with word + 'c<k>z' after each '<!--' and word + 'd<k>z' after the '[' of each
    line that may be a definition: letters and digits, which change nothing around them."""
    starts = _line_starts(text)
    inserts = [(pos + 4, f"{word}c{k}z") for k, pos in enumerate(comments)]
    inserts += [(starts[n] + col + 1, f"{word}d{k}z") for k, (n, col) in enumerate(definitions)]
    out, last = [], 0
    for pos, mark in sorted(inserts):
        out += [text[last:pos], mark]
        last = pos
    return "".join(out) + text[last:]


def _comment_end(text: str, start: int) -> int:
    m = _COMMENT_END.search(text, start + 4)
    return m.end() if m else len(text)


def _unused_definitions(text: str, definitions: list[tuple[int, int]], references: dict, used: set[str],
                        word: str) -> list[tuple[int, int]]:
    """Spans of the definitions Python-Markdown took as such that no link uses: of an id no
    link looks up, or not the last definition of their id (the one links get)."""
    taken: dict[int, str] = {}   # candidate -> its id, for the candidates that were definitions
    for key in references:
        if m := re.match(re.escape(word) + r"d(\d+)z", key):
            taken[int(m.group(1))] = key[m.end():].strip()
    last = {ident: k for k, ident in sorted(taken.items())}
    lines, starts = text.split("\n"), _line_starts(text)
    spans = []
    for k, ident in taken.items():
        if ident in used and last[ident] == k:
            continue
        n, col = definitions[k]
        end = n + _more_lines(lines, n, col)
        if _LIST_MARKER.search(lines[n][:col]):   # the whole line: a bare '- ' would underline the line above
            spans.append((starts[n], starts[end] + len(lines[end]) + 1))
        else:   # keep the quote marks: the line stays, blank, as the definition left it
            spans.append((starts[n] + col, starts[end] + len(lines[end])))
    return spans


def _more_lines(lines: list[str], n: int, col: int) -> int:
    """How many lines after line n the definition starting at column col goes on (its
    address or title may stand on the next lines), read with Python-Markdown's own pattern."""
    following = []
    for line in lines[n + 1:n + 3]:
        line = re.sub(r"^[ \t>]*", "", line)
        if not line.strip():
            break   # a blank line ends the block, and the definition with it
        following.append(line)
    m = ReferenceProcessor.RE.match("\n".join([lines[n][col:], *following]))
    return m.group(0).rstrip(" \n").count("\n") if m else 0


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with the spans cut out; where spans overlap, their union."""
    out, last = [], 0
    for start, end in sorted(spans):
        if start > last:
            out.append(text[last:start])
        last = max(last, end)
    return "".join(out) + text[last:]


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


class _Lookups(dict):
    """md.references that remember which ids the links looked up."""

    def __init__(self):
        super().__init__()
        self.used: set[str] = set()

    def __getitem__(self, key):
        self.used.add(key)
        return super().__getitem__(key)


class _Comments(HTMLParser):
    """The comments of converted HTML, as an HTML parser reads them (not text in code)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.comments = ""

    def handle_comment(self, data):
        self.comments += data + "\n"
