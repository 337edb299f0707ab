"""Source locations and the diagnostics every stage reports against them."""

from __future__ import annotations

import difflib
import json
import os
from dataclasses import dataclass, field
from enum import Enum
from typing import Iterable


@dataclass(frozen=True, order=True)
class Location:
    """A place in the partnership folder; line and column are 1-based."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"   # for a reviewer's attention (check --format github); never fails a check


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    location: Location
    message: str
    hint: str | None = None
    code: str = "generic"

    def sort_key(self):
        return (self.location, self.severity != Severity.ERROR, self.message)

    def format_text(self, root: str = "") -> str:
        hint = f" ({self.hint})" if self.hint else ""
        # one diagnostic, one line: a line break in a quoted value or a file name is shown escaped
        return _printable(f"{_display(self.location, root)}: {self.severity.value}: {self.message}{hint}")

    def format_github(self, root: str = "") -> str:
        loc = self.location
        path = _join(root, loc.path)
        text = self.message + (f" ({self.hint})" if self.hint else "")
        return (
            f"::{self.severity.value} file={_gh_property(path)},line={loc.line},"
            f"col={loc.column},title={_gh_property('mspsite ' + self.code)}::{_gh_data(text)}"
        )

    def as_json(self, root: str = "") -> dict:
        loc = self.location
        return {
            "severity": self.severity.value,
            "file": _join(root, loc.path),
            "line": loc.line,
            "column": loc.column,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


def error(location: Location, message: str, hint: str | None = None, code: str = "generic") -> Diagnostic:
    return Diagnostic(Severity.ERROR, location, message, hint, code)


def warning(location: Location, message: str, hint: str | None = None, code: str = "generic") -> Diagnostic:
    return Diagnostic(Severity.WARNING, location, message, hint, code)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A 'did you mean' hint for a near miss, or None."""
    word = str(word)
    options = sorted(set(map(str, choices)) - {word})
    extended = [c for c in options if c.startswith(word + "-")]
    if len(extended) == 1:  # 'giz' for 'giz-kenya'
        return f"did you mean '{extended[0]}'?"
    close = difflib.get_close_matches(word, options, n=5, cutoff=0.6)
    if not close:
        return None
    # difflib breaks ties alphabetically from the end; typos are better served by
    # the fewest edits, counting two swapped letters as one ('ERU' -> 'EUR').
    def rank(c: str):
        same_letters = sorted(word.lower()) == sorted(c.lower())
        return _edits(word.lower(), c.lower()), not same_letters, -difflib.SequenceMatcher(None, word, c).ratio(), c

    best = min(close, key=rank)
    return f"did you mean '{best}'?"


def _edits(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, swaps."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


@dataclass
class Report:
    """Every problem found in a run, never just the first."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity is Severity.WARNING]

    def sorted(self) -> list[Diagnostic]:
        unique = {(d.severity, d.location, d.message, d.hint): d for d in self.diagnostics}
        return sorted(unique.values(), key=Diagnostic.sort_key)

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def raise_if_errors(self, strict: bool = False) -> None:
        from .errors import ContentError

        if self.failed(strict):
            raise ContentError(self)

    def format(self, fmt: str = "text", root: str = "") -> str:
        items = self.sorted()
        if fmt == "json":
            return json.dumps([d.as_json(root) for d in items], indent=2, ensure_ascii=False)
        if fmt == "github":
            return "\n".join(d.format_github(root) for d in items)
        return "\n".join(d.format_text(root) for d in items)

    def summary(self) -> str:
        e, w = len(self.errors), len(self.warnings)
        return f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}"


_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))} | {0x0A: "\\n", 0x0D: "\\r",
                                                                               0x09: "\\t"}


def _printable(text: str) -> str:
    return text.translate(_CONTROL)


def _join(root: str, path: str) -> str:
    # an absolute path is outside the folder (a bundled theme's template): shown as it is
    if not root or root == "." or os.path.isabs(path):
        return path
    return f"{root.rstrip('/')}/{path}"


def _display(loc: Location, root: str) -> str:
    return f"{_join(root, loc.path)}:{loc.line}:{loc.column}"


# GitHub workflow commands escape %, CR and LF in data, and also : and , in properties.
def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")
