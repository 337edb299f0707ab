"""Glossary linking scans a page only for the terms it can contain; it must link exactly what
one pattern of every term linked (the reference below, which looked a match up by casefold()
and so crashed on 'İnci' for the term 'ınci'), including case-insensitive matches."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from mspsite.terms import Glossary, fold


def reference(html: str, names: dict[str, str], linked: set[str], href: str) -> str:
    terms = re.compile(r"(?<![&#\w])(?:" + "|".join(
        re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b(?!;)", re.IGNORECASE)
    out, skip = [], 0
    for piece in re.split(r"(<[^>]+>)", html):
        if piece.startswith("<"):
            tag = re.match(r"</?([a-zA-Z0-9]+)", piece)
            if tag and tag.group(1).lower() in ("a", "code", "pre", "h1", "h2", "h3", "h4", "abbr", "dfn"):
                skip += -1 if piece.startswith("</") else 1
            out.append(piece)
            continue
        if skip <= 0:
            def link(m):
                slug = {fold(n): s for n, s in reversed(names.items())}[fold(m.group(0))]
                if slug in linked:
                    return m.group(0)
                linked.add(slug)
                return f'<a class="term" href="{href}#term-{slug}">{m.group(0)}</a>'
            piece = terms.sub(link, piece)
        out.append(piece)
    return "".join(out)


WORDS = ["clean", "cooking", "fund", "İnci", "ınci", "STRASSE", "straße", "ſun", "&amp", "lpg", "LPG"]
TEXT = st.lists(st.sampled_from([*WORDS, " ", ", ", "<a href='x'>", "</a>", "<code>", "</code>", "<p>", "</p>",
                                 "&amp;", "#", ";"]), max_size=30).map("".join)
NAMES = st.lists(st.lists(st.sampled_from(WORDS[:-2] + ["lpg"]), min_size=1, max_size=3).map(" ".join),
                 min_size=1, max_size=6, unique_by=str.casefold)


@settings(max_examples=150, deadline=None)
@given(NAMES, TEXT)
def test_same_links_as_one_pattern_of_every_term(names, html):
    table = {name.casefold(): f"t{i}" for i, name in enumerate(names)}
    assert Glossary(table).link(html, set(), "../glossary/") == reference(html, table, set(), "../glossary/")


def test_fold_matches_what_ignorecase_matches():
    for a, b in (("i", "ı"), ("I", "İ"), ("s", "ſ"), ("σ", "ς"), ("k", "\u212a")):
        assert re.fullmatch(re.escape(a), b, re.IGNORECASE) and fold(a) == fold(b)


def test_a_match_that_case_folds_otherwise_is_linked_not_a_crash():
    assert Glossary({"ınci": "inci"}).link("<p>İnci</p>", set(), "g/") == \
        '<p><a class="term" href="g/#term-inci">İnci</a></p>'


def test_a_page_without_any_term_is_returned_as_it_is():
    glossary = Glossary({"clean cooking": "clean-cooking"})
    html = "<p>Charcoal <code>clean</code> cooking</p>"
    assert glossary.link(html, set(), "g/") is html
    linked = set()
    assert glossary.link("<p>Clean Cooking and clean cooking</p>", linked, "g/") == \
        '<p><a class="term" href="g/#term-clean-cooking">Clean Cooking</a> and clean cooking</p>'
    assert linked == {"clean-cooking"}
