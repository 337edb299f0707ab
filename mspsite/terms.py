"""Glossary terms linked where a page first uses them.

A page's HTML is scanned only for the terms it can contain: a quick containment test of
each term, case-folded as the regular expression compares, picks them, and one pattern of
just those links them. A pattern of every term (300 in a large glossary) tried at every
character of every page made linking grow with pages × terms."""

from __future__ import annotations

import re
from functools import lru_cache

_SKIPPED = ("a", "code", "pre", "h1", "h2", "h3", "h4", "abbr", "dfn")   # never link inside these


def fold(text: str) -> str:
    """Text folded so that two strings equal under re.IGNORECASE fold equal (casefold() alone
    keeps the dotless and dotted Turkish i apart, which the regular expression matches with i)."""
    return text.casefold().replace("ı", "i").replace("i\u0307", "i")


class Glossary:
    def __init__(self, names: dict[str, str]):
        """names: each term and alias, case-folded -> the slug of its entry."""
        # by fold(): what the pattern matches may case-fold otherwise ('İnci' for the term 'ınci')
        self.slugs = {fold(name): slug for name, slug in reversed(names.items())}
        # longest first, so 'clean cooking fund' wins over 'clean cooking'
        self.order = [(fold(name), name) for name in sorted(names, key=len, reverse=True)]

    def link(self, html: str, linked: set[str], href: str) -> str:
        """Link the first use on a page of each term not yet in linked, outside links, code and
        headings, never inside an &entity;."""
        folded = fold(html)
        candidates = tuple(name for key, name in self.order if key in folded)
        if not candidates:
            return html
        terms = _pattern(candidates)
        out, skip = [], 0
        for piece in re.split(r"(<[^>]+>)", html):
            if piece.startswith("<"):
                tag = re.match(r"</?([a-zA-Z0-9]+)", piece)
                if tag and tag.group(1).lower() in _SKIPPED:
                    skip += -1 if piece.startswith("</") else 1
                out.append(piece)
                continue
            if skip <= 0:
                piece = terms.sub(lambda m: self._link(m.group(0), linked, href), piece)
            out.append(piece)
        return "".join(out)

    def _link(self, word: str, linked: set[str], href: str) -> str:
        slug = self.slugs[fold(word)]
        if slug in linked:
            return word
        linked.add(slug)
        return f'<a class="term" href="{href}#term-{slug}">{word}</a>'


@lru_cache(maxsize=4096)
def _pattern(names: tuple[str, ...]) -> re.Pattern:
    # (?<![&#\w]) keeps &lt; whole
    return re.compile(r"(?<![&#\w])(?:" + "|".join(map(re.escape, names)) + r")\b(?!;)", re.IGNORECASE)
