"""The complexity budget of a Markdown text: what Python-Markdown may be given.

Python-Markdown recurses once per level of nesting (a RecursionError at about 250
levels of lists, 330 of HTML blocks inside markdown="1", 500 definition-list lines in
one block) and some of its patterns are super-linear (a line of 2,000 '[' takes
seconds, 40,000 quote marks in a paragraph 10 s). A text beyond this budget is
refused, located, by `check` and never converted, so no build can hang or crash on
it. Each limit was measured to keep the worst text within it near a second of
conversion on a slow machine; real pages stay far below all of them (the sample
partnership's longest page repeated ten times uses under a tenth of each).

Cheap checks on the text come first (check_text); what depends on how the block
parser split the text runs as a tree processor between the block parser and the
inline patterns (InlineBudget), so the text is parsed once."""

from __future__ import annotations

import bisect
import re

from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

MAX_CHARS = 200_000         # prose converts at ~5 µs a character
MAX_LINES = 4_000           # non-blank lines outside code blocks: a list item or table row costs ~0.25 ms
MAX_DEPTH = 16              # levels of lists, quotes and HTML blocks (real pages use 3 or 4)
MAX_DEFINITIONS = 50        # definition-list lines in one block: nested calls, quadratic time
MAX_CELLS_IN_ROW = 100      # '|' in one line: a table row's cells are split in quadratic time
MAX_PIPES = 5_000           # '|' in the whole text: a table row costs ~0.5 ms
MAX_FENCE_WORK = 10_000_000  # characters searched for the ends of code blocks (~40 ns each)
MAX_FOOTNOTES = 300         # footnote definitions cost ~1 ms each
MAX_ABBREVIATIONS = 100     # one pattern of all of them runs over the whole text
MAX_BRACKETS, MAX_TAGS = 4_000, 20_000
MAX_TAG_WORK = 10_000_000   # characters the HTML parser scans for the ends of tags (~100 ns each)
# Per text the inline patterns scan (a paragraph, list item, heading or table cell):
MAX_LINK_WORK = 500_000          # characters walked one by one to match link brackets (~1 µs each)
MAX_MARK_WORK = 25_000_000       # sum of (quote, emphasis and code marks)^2: 5,000 in a paragraph take ~0.1 s
MARKS = ("'", '"', "*", "_", "`")

SPLIT = "split it into several pages"
DATA = "publish the data as a file in media/ and link to it"


class TooComplex(Exception):
    """A text beyond the budget: why, a hint, and the line of the text (1-based) to point at."""

    def __init__(self, why: str, hint: str = SPLIT, line: int = 1):
        super().__init__(why)
        self.why, self.hint, self.line = why, hint, line


_CONTAINER = re.compile(r"[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))")
_FENCE = re.compile(r"^(~{3,}|`{3,})")
_FENCE_OPEN = re.compile(r"""^(~{3,}|`{3,})[ ]*(\{[^\n]*\}|\.?[\w#.+-]*[ ]*)?(hl_lines=("|').*?\4[ ]*)?$""")
_DEFINITION = re.compile(r"^[ \t]*:[ \t]")
_FOOTNOTE = re.compile(r"^[ \t]*\[\^[^\]]*\]:")
_ABBREVIATION = re.compile(r"^\*\[[^\]]*\] ?:")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
_MARKDOWN_ATTRIBUTE = re.compile(r"\smarkdown\s*=", re.IGNORECASE)
# Block-level HTML elements nest Python-Markdown's calls inside markdown="1"; those whose end
# tag HTML lets a writer leave out are not counted, so an unclosed <p> cannot add up.
_NESTING = {"address", "article", "aside", "blockquote", "center", "details", "div", "dl", "fieldset", "figure",
            "footer", "form", "header", "hgroup", "main", "nav", "ol", "section", "table", "ul"}


def check_text(text: str) -> None:
    """Raise TooComplex when a cheap look at the text shows it beyond the budget."""
    for char, limit in (("[", MAX_BRACKETS), ("<", MAX_TAGS), ("|", MAX_PIPES)):
        if text.count(char) > limit:
            raise TooComplex(f"more than {limit:,} '{char}' characters", DATA if char == "|" else SPLIT,
                             _line_of(text, _nth(text, char, limit + 1)))
    if len(text) > MAX_CHARS:
        raise TooComplex(f"longer than {MAX_CHARS:,} characters")
    _check_lines(text.split("\n"))
    _check_tags(text)
    _check_html_nesting(text)


def _check_lines(lines: list[str]) -> None:
    closings = _fence_closings(lines)
    size = sum(map(len, lines)) + len(lines)
    code_until = -1                  # last line of the fenced code block we are in
    offset = counted = definitions = footnotes = abbreviations = fence_work = 0
    for number, line in enumerate(lines, start=1):
        offset += len(line) + 1
        if number <= code_until:
            continue
        if not line.strip():
            definitions = 0
            continue
        counted += 1
        if counted > MAX_LINES:
            raise TooComplex(f"more than {MAX_LINES:,} lines", line=number)
        if _FENCE_OPEN.match(line):
            # Python-Markdown searches for the closing fence: to the end of the text if there is none
            code_until = _closing(closings, line, number)
            fence_work += (sum(map(len, lines[number:code_until])) if code_until > 0 else size - offset)
            if fence_work > MAX_FENCE_WORK:
                raise TooComplex("too many code blocks without their closing ``` or ~~~ in a long text",
                                 "close each code block with the line that opened it", number)
        if line.count("|") > MAX_CELLS_IN_ROW:
            raise TooComplex(f"a table row with more than {MAX_CELLS_IN_ROW} cells", DATA, number)
        if _DEFINITION.match(line):
            definitions += 1
            if definitions > MAX_DEFINITIONS:
                raise TooComplex(f"more than {MAX_DEFINITIONS} definition-list lines without a blank line "
                                 "between them", "separate the terms with blank lines", number)
        if _FOOTNOTE.match(line):
            footnotes += 1
            if footnotes > MAX_FOOTNOTES:
                raise TooComplex(f"more than {MAX_FOOTNOTES} footnotes", line=number)
        if _ABBREVIATION.match(line):
            abbreviations += 1
            if abbreviations > MAX_ABBREVIATIONS:
                raise TooComplex(f"more than {MAX_ABBREVIATIONS} abbreviations", line=number)
        if _depth(line) > MAX_DEPTH:
            raise TooComplex(f"lists or quotes nested more than {MAX_DEPTH} levels deep",
                             "use fewer levels", number)


def _fence_closings(lines: list[str]) -> dict[str, list[int]]:
    """Line numbers of each possible closing fence ('```' alone on its line), by fence, in order."""
    found: dict[str, list[int]] = {}
    for number, line in enumerate(lines, start=1):
        if line[:3] in ("```", "~~~") and (m := _FENCE.match(line)) and not line[m.end():].strip(" "):
            found.setdefault(m.group(1), []).append(number)
    return found


def _closing(closings: dict[str, list[int]], line: str, number: int) -> int:
    """The line that closes the code block a fence opens, or -1 when there is none."""
    candidates = closings.get(_FENCE.match(line).group(1), [])
    at = bisect.bisect_right(candidates, number)
    return candidates[at] if at < len(candidates) else -1


def _depth(line: str) -> int:
    """Levels of nesting a line opens: quote marks, list markers and each four columns of indent."""
    if _is_rule(line):
        return 0
    levels = pos = 0
    while levels <= MAX_DEPTH and (m := _CONTAINER.match(line, pos)):
        levels += 1
        pos = m.end()
    rest = line[pos:]
    prefix = line[:len(line) - len(rest.lstrip(" \t"))]
    return levels + (prefix.count(" ") + 4 * prefix.count("\t")) // 4


def _is_rule(line: str) -> bool:
    """A horizontal rule such as '- - -' or '***' (Python-Markdown's rule: at most two spaces
    between the marks), whose marks open no list."""
    text = line.rstrip(" ")
    bare = text.lstrip(" ")
    if len(text) - len(bare) > 3 or "   " in bare:
        return False
    return any(bare.count(c) >= 3 and not bare.replace(c, "").replace(" ", "") for c in "-_*")


# A start or end tag up to its '>', quoted attribute values whole. Where the match stops short
# of a '>' (an unclosed quote or tag), Python-Markdown's HTML parser searches much further,
# up to the end of the text: that tag is counted as costing the rest of the text.
_TAG_START = re.compile(r"</?[A-Za-z]")
_TAG_EXTENT = re.compile(r"""</?[A-Za-z](?:[^>"'=]|=\s*(?:"[^"]*"|'[^']*'|(?!["'])))*""")
_TAG_WINDOW = 1_000


def _check_tags(text: str) -> None:
    work = 0
    for start in _TAG_START.finditer(text):
        i = start.start()
        m = _TAG_EXTENT.match(text, i, i + _TAG_WINDOW)
        closed = text.startswith(">", m.end())
        work += m.end() - i if closed else len(text) - i
        if work > MAX_TAG_WORK:
            raise TooComplex("too many unclosed HTML tags ('<' without '>') in a long text",
                             "write '&lt;' for a '<' that does not start a tag", _line_of(text, i))


def _check_html_nesting(text: str) -> None:
    if not _MARKDOWN_ATTRIBUTE.search(text):
        return   # raw HTML is stashed whole: only markdown="1" makes Python-Markdown walk into it
    stack: list[str] = []
    for m in _TAG.finditer(text):
        name = m.group(2).lower()
        if name not in _NESTING:
            continue
        if not m.group(1):
            if not m.group(3).rstrip().endswith("/"):
                stack.append(name)
                if len(stack) > MAX_DEPTH:
                    raise TooComplex(f"HTML blocks nested more than {MAX_DEPTH} levels deep", "use fewer levels",
                                     _line_of(text, m.start()))
        elif name in stack:
            del stack[len(stack) - 1 - stack[::-1].index(name):]


def _nth(text: str, char: str, n: int) -> int:
    pos = -1
    for _ in range(n):
        pos = text.find(char, pos + 1)
    return pos


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, max(pos, 0)) + 1


_BRACKET = re.compile(r"[\[\]()]")


def _link_work(text: str) -> int:
    """Characters Python-Markdown's link pattern walks in a text, one by one in Python: from
    each '[' to its matching ']' and from each '](' to its matching ')', or to the end of the
    text when there is none."""
    if "[" not in text:
        return 0
    work = 0
    stacks: dict[str, list[int]] = {"[": [], "(": []}
    for m in _BRACKET.finditer(text):
        char, pos = m.group(), m.start()
        if char in stacks:
            stacks[char].append(pos)
        else:
            opened = stacks["[" if char == "]" else "("]
            if opened:
                start = opened.pop()
                if char == "]" or text[start - 1:start] == "]":
                    work += pos - start
    work += sum(len(text) - pos for pos in stacks["["])
    work += sum(len(text) - pos for pos in stacks["("] if text[pos - 1:pos] == "]")
    return work


class InlineBudget(Treeprocessor):
    """Between the block parser and the inline patterns: the texts those patterns will scan,
    exactly as the parser split them (a list of many items is many short texts)."""

    PRIORITY = 30   # after footnotes (50) are placed, before the inline patterns (20)

    def __init__(self, md, source: str):
        super().__init__(md)
        self.source = source

    def run(self, root):
        links = marks = 0
        for el in root.iter():
            for text in (el.text, el.tail):
                if not text or isinstance(text, AtomicString):
                    continue   # code: never scanned by inline patterns
                links += _link_work(text)
                count = sum(map(text.count, MARKS))
                marks += count * count
                if links > MAX_LINK_WORK:
                    raise TooComplex("too many '[' without their ']' (or '(' without ')') in a long paragraph",
                                     "write '\\[' for a bracket that opens no link, or split the paragraph",
                                     self._line(text))
                if marks > MAX_MARK_WORK:
                    raise TooComplex(f"too many quote, emphasis or code marks ({' '.join(MARKS)}) in one paragraph",
                                     "split the paragraph, or put literal text in a code block", self._line(text))
        return None

    def _line(self, text: str) -> int:
        """The source line a text the parser produced starts on: found by its first words."""
        first = next((line.strip() for line in text.split("\n") if line.strip()), "")[:60]
        pos = self.source.find(first) if first else -1
        return _line_of(self.source, pos) if pos >= 0 else 1
