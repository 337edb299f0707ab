"""Property-based tests (Hypothesis, derandomized so every run tries the same examples).

(a) Random VALID partnerships (random numbers of every kind of item, random but
    valid ids, text with unicode, right-to-left script, emoji, quotes and
    Markdown specials, references only to existing ids, dates 2000-2026,
    finite amounts >= 0, random visibility levels) pass `check` and build at a
    random clearance; every internal link and image of every HTML page points
    at a file of the site (a link to a folder does not count).
(b) Random MUTATIONS of a valid partnership (a required key deleted, a value of
    another type, random bytes inserted, the file cut short, a key duplicated,
    an id swapped for a random string, a random character inserted): loading,
    checking and building never raise anything but a report with errors or an
    MspsiteError.

Most builds stop before writing and before the search index
(mspsite.build.make_portal without the search index); a few go through the command line,
Pagefind included.

The strategies steer around no known bug at present (the ones found on the way,
such as a missing context page or a tiny planned amount, are fixed and have
regression cases in tests/test_bad_inputs.py). Amounts stay below 1e12 and text
has no lone surrogates (which no UTF-8 file can hold).
"""

from __future__ import annotations

import datetime
import json
import os
import posixpath
import re
import subprocess
import sys
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st

from mspsite import check, resolve_settings
from mspsite.load import load_project
from mspsite.validate import validate
from mspsite.errors import MspsiteError
from mspsite.visibility import VISIBILITIES
from mspsite.load import WINDOWS_RESERVED

ROOT = Path(__file__).parent.parent
SOURCE_DATE_EPOCH = "1795824000"          # 2026-11-28, as in conftest.py
TODAY = datetime.date(2026, 11, 28)

PROFILE = dict(deadline=None, derandomize=True, database=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)


# -- writing YAML ------------------------------------------------------------------------------------------------

_PLAIN = re.compile(r"[a-z][a-z0-9-]*\Z")
# Plain scalars YAML 1.2 (or a 1.1-minded reader) would not take as text.
_NOT_TEXT = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "nan", "inf"}


def _scalar(value, quote_dates: bool) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, Date):
        return json.dumps(str(value)) if quote_dates else str(value)
    if _PLAIN.match(value) and value not in _NOT_TEXT and len(value) < 60:
        return value   # an id, such as `no`: YAML 1.2 keeps it text
    return json.dumps(value, ensure_ascii=False)   # a JSON string is a YAML double-quoted scalar


class Date(str):
    """A date, written unquoted (YAML would make it a timestamp; mspsite keeps it text) or quoted."""


def to_yaml(data: dict, style: str) -> str:
    """Block YAML, or flow YAML written as JSON (JSON is YAML 1.2)."""
    if style == "flow":
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    lines: list[str] = []

    def block(node, indent: int) -> None:
        pad = " " * indent
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            head = f"{pad}{key}:" if isinstance(node, dict) else f"{pad}-"
            if isinstance(value, (dict, list)) and value:
                lines.append(head)
                block(value, indent + 2)
            elif isinstance(value, (dict, list)):
                lines.append(f"{head} {'{}' if isinstance(value, dict) else '[]'}")
            else:
                lines.append(f"{head} {_scalar(value, style == 'block-quoted-dates')}")

    block(data, 0)
    return "\n".join(lines) + "\n"


# -- a partnership in memory -------------------------------------------------------------------------------------

MARKDOWN_FOLDERS = {"decisions", "meetings", "lessons", "stories", "events", "pages"}


@dataclass
class Item:
    path: str                 # stakeholders/moe.yml, stories/harvest.md, mspsite.yml
    data: dict
    body: str | None = None   # Markdown files
    style: str = "block"

    def content(self) -> bytes:
        text = to_yaml(self.data, self.style)
        if self.body is None:
            return text.encode()
        return f"---\n{text}---\n{self.body}".encode()


@dataclass
class Project:
    items: list[Item]
    clearance: str
    languages: list[str]
    media: dict[str, bytes] = field(default_factory=dict)

    def files(self) -> dict[str, bytes]:
        return {**{i.path: i.content() for i in self.items}, **self.media}

    def write(self, root: Path) -> Path:
        for rel, content in self.files().items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(content)
        return root


MEDIA = {
    "media/logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" '
                      b'height="10"/></svg>\n',
    "media/mou.pdf": b"%PDF-1.4\n%%EOF\n",
    "media/pictures/harvest.png": b"\x89PNG\r\n\x1a\n",
}

# -- strategies ------------------------------------------------------------------------------------------------------

RTL, HEBREW, EMOJI = "شراكة الطهي النظيف", "שותפות בישול נקי", "🔥🍲🌍👩‍👩‍👧"
FRAGMENTS = [RTL, HEBREW, EMOJI, "\u202egnikooc\u202c", "\u2067عربي\u2069", '"quoted"', "it's", "*emphasis*",
             "_under_", "**bold**", "# hash", "`code`", "&amp;", "& ampersand", "<b>bold</b>", "a: b", "- dash", "no",
             "yes", "1e3", "2025-01-01", "null", "~", "true", "> quote", "| pipe", "%", "@", "{braces}", "[x]",
             "[a link](https://example.org/x)", "10 %", "C:\\path", "tab\there", "ünïcödé", "Ελληνικά", "日本語", "한국어",
             "\u200b", "e\u0301", "---", "...", "#", "'", '"']
# No surrogates (a known bug), no control or unassigned characters (YAML refuses them raw).
CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co"))
WORD = st.text(CHARS, min_size=1, max_size=8)
FRESH_TEXT = st.lists(st.one_of(WORD, st.sampled_from(FRAGMENTS)), min_size=1, max_size=3).map(" ".join)
# A partnership has dozens of text fields: most come from a fixed pool of tricky texts (cheap to draw,
# so Hypothesis can vary the structure), one in five is fresh random text.
_POOL_WORDS = FRAGMENTS + ["Clean cooking", "Partnership", "Steering committee", "x", " ", "A" * 300,
                           "line one\nline two", "  leading and trailing  ", "Ünïcødé ✓", "\u00a0nbsp\u00a0"]
POOL = sorted({f"{a} {b}".strip() or a for a in _POOL_WORDS for b in ("", *FRAGMENTS[:12])})
PLAIN_TEXT = st.integers(0, 4).flatmap(lambda k: FRESH_TEXT if k == 0 else st.sampled_from(POOL))
# Markdown bodies: no link or image syntax of their own (a random '[x](y)' is a broken link, an error)
BODY_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co"), blacklist_characters="[]()<>!\\`")
BODY_WORD = st.text(BODY_CHARS, min_size=1, max_size=12)
IDS = st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,24}\Z", fullmatch=True).filter(lambda s: s not in WINDOWS_RESERVED)
DATES = st.dates(datetime.date(2000, 1, 1), TODAY)
AMOUNTS = st.one_of(st.integers(0, 10 ** 9), st.floats(0, 1e12, allow_nan=False, allow_infinity=False))
VALUES = st.one_of(st.integers(-10 ** 6, 10 ** 6), st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False))
VISIBILITY = st.sampled_from(VISIBILITIES)
FACTORS = ["clear-goals", "equal-responsibility", "high-level-support", "stakeholder-involvement",
           "respectful-communication", "common-language", "neutral-secretariat", "inclusive-decision-making",
           "resource-mobilisation", "results-orientation", "clear-roles", "transparency", "monitoring", "learning",
           "external-communication", "context-analysis", "networking"]


class Draw:
    """Small helpers over Hypothesis' draw for building one partnership."""

    def __init__(self, draw, languages: list[str], size: int):
        self.draw, self.languages, self.size = draw, languages, size

    def maybe(self, p: float = 0.5) -> bool:
        return self.draw(st.integers(0, 99)) < p * 100

    def text(self) -> str | dict:
        plain = self.draw(PLAIN_TEXT)
        if len(self.languages) > 1 and self.maybe(0.3):
            return {lang: self.draw(PLAIN_TEXT) for lang in self.languages}
        if self.maybe(0.15):
            return {self.languages[0]: plain}
        return plain

    def date(self, low: datetime.date = datetime.date(2000, 1, 1), high: datetime.date = TODAY) -> Date:
        return Date(self.draw(st.dates(low, max(low, high))).isoformat())

    def ids(self, n: int) -> list[str]:
        return self.draw(st.lists(IDS, min_size=n, max_size=n, unique=True))

    def some(self, pool: list[str], most: int = 3) -> list[str]:
        if not pool:
            return []
        return self.draw(st.lists(st.sampled_from(pool), max_size=most, unique=True))

    def one(self, pool):
        return self.draw(st.sampled_from(pool))

    def common(self, data: dict) -> dict:
        """visibility, factors, updated: each maybe."""
        if self.maybe(0.4):
            data["visibility"] = self.draw(VISIBILITY)
        if self.maybe(0.3):
            data["factors"] = self.some(FACTORS)
        if self.maybe(0.2):
            data["updated"] = self.date()
        return data

    def body(self, links: list[str]) -> str:
        """Markdown: paragraphs of random words, headings, lists, and links to the given targets."""
        parts = []
        for _ in range(self.draw(st.integers(0, 4))):
            kind = self.draw(st.integers(0, 5))
            words = " ".join(self.draw(st.lists(st.one_of(BODY_WORD, st.sampled_from(
                [RTL, EMOJI, "*emphasis*", "**bold**", "_u_", "&", "#", "'", '"', "---", "..."])), min_size=1,
                max_size=8)))
            if kind == 0:
                parts.append("## " + words)
            elif kind == 1:
                parts.append("\n".join(f"- {w}" for w in words.split()[:4] or ["x"]))
            elif kind == 2 and links:
                target = self.one(links)
                image = target.endswith((".png", ".svg"))
                parts.append(f"{words} {'!' if image else ''}[{self.draw(BODY_WORD).strip() or 'x'}]({target})")
            elif kind == 3:
                parts.append(f"{words} [outside](https://example.org/a?b=c#d) [mail](mailto:a@example.org) "
                             f"[here](#section)")
            else:
                parts.append(words)
        return "\n\n".join(parts) + "\n"


@st.composite
def partnerships(draw, max_items: int = 4) -> Project:
    languages = draw(st.sampled_from([["en"], ["en", "fr"], ["fr", "en"], ["ar", "en"], ["sw"]]))
    clearance = draw(VISIBILITY)
    d = Draw(draw, languages, max_items)
    n = lambda most=max_items: draw(st.integers(0, most))  # noqa: E731

    ids = {folder: d.ids(n()) for folder in ("stakeholders", "bodies", "goals", "decisions", "meetings", "budget",
                                             "reports", "lessons", "stories", "events", "initiatives",
                                             "assessments")}
    ids["pages"] = (["context"] if d.maybe(0.7) else []) + [i for i in d.ids(n(2)) if i != "context"]
    if not ids["bodies"]:
        ids["decisions"] = []           # a decision needs a body
    stakeholders, bodies, goals = ids["stakeholders"], ids["bodies"], ids["goals"]
    items: list[Item] = []
    style = lambda: draw(st.sampled_from(["block", "block", "block-quoted-dates", "flow"]))  # noqa: E731

    def add(path: str, data: dict, body: str | None = None) -> None:
        items.append(Item(path, data, body, style()))

    # every source file a body may link to; links to media are images
    def link_targets(from_folder: str) -> list[str]:
        targets = ["../partnership.yml", "../mspsite.yml", "../media/pictures/harvest.png", "../media/logo.svg",
                   "../media/mou.pdf"]
        for folder, names in ids.items():
            ext = "md" if folder in MARKDOWN_FOLDERS else "yml"
            targets += [f"../{folder}/{i}.{ext}" if folder != from_folder else f"{i}.{ext}" for i in names]
        return targets

    mspsite = {"title": d.text(), "languages": languages, "currency": d.one(["EUR", "KES", "USD"]),
               "site_url": d.one(["https://example.org/", "https://example.github.io/p-ä/", "http://localhost:8000/x/y/"])}
    if d.maybe(0.3):
        mspsite["default_visibility"] = draw(VISIBILITY)
    if d.maybe(0.3):
        mspsite["repository"], mspsite["branch"] = "https://github.com/example/p", d.one(["main", "gh-pages"])
    if d.maybe(0.2):
        mspsite["footer"] = d.text()
    if d.maybe(0.2):
        mspsite["logo"] = "media/logo.svg"
    add("mspsite.yml", mspsite)

    partnership = {"name": d.text(), "summary": d.text()}
    for key in ("vision", "mission"):
        if d.maybe(0.3):
            partnership[key] = d.text()
    if d.maybe(0.3):
        partnership["acronym"] = draw(WORD)
    if d.maybe(0.3):
        partnership["founded"] = d.date()
    if d.maybe(0.3):
        partnership["phase"] = d.one(["initiation", "design", "implementation", "consolidation", "closing", "closed"])
    if d.maybe(0.3):
        partnership["countries"] = draw(st.lists(st.sampled_from(["KE", "FR", "DE", "BR", "IN", "EG"]), unique=True,
                                                 max_size=3))
    if d.maybe(0.3):
        partnership["sdgs"] = draw(st.lists(st.integers(1, 17), unique=True, max_size=4))
    if stakeholders and d.maybe(0.5):
        partnership["core_group"] = d.some(stakeholders)
    if d.maybe(0.4):
        secretariat = {"neutrality": d.text()}
        if stakeholders:
            secretariat["host"] = d.one(stakeholders)
        if d.maybe():
            secretariat["staff"] = [{"name": draw(WORD), "role": d.text(), "fte": draw(st.floats(0, 10)),
                                     "email": "staff@example.org", "visibility": d.one(["partners", "internal"])}]
        if d.maybe():
            secretariat["contact"] = {"name": draw(WORD), "email": "office@example.org"}
        partnership["secretariat"] = secretariat
    if d.maybe(0.3):
        partnership["champions"] = [{"name": draw(WORD), "title": d.text(), "statement": d.text(),
                                     **({"organisation": d.one(stakeholders)} if stakeholders else {}),
                                     **({"visibility": draw(VISIBILITY)} if d.maybe() else {})}]
    if d.maybe(0.3):
        partnership["channels"] = [{"name": d.text(), "kind": draw(WORD), "audience": draw(WORD),
                                    "url": "https://example.org/list", "description": d.text()}]
    if d.maybe(0.3):
        partnership["agreement"] = {"kind": "mou", "signed": d.date(), "document": "media/mou.pdf",
                                    "summary": d.text()}
    partnership = d.common(partnership)
    if "visibility" in partnership:
        partnership["visibility"] = "public"   # the partnership itself cannot be hidden (an error since 2c5a4c7)
    add("partnership.yml", partnership)

    for i in stakeholders:
        s = {"name": d.text(), "sector": d.one(["public", "private", "civil-society", "academia", "multilateral",
                                                "philanthropy", "other"])}
        if d.maybe(0.3):
            s["short_name"] = draw(WORD)
        if d.maybe(0.3):
            s["country"] = d.one(["KE", "FR", "US"])
        if d.maybe(0.3):
            s["website"] = "https://example.org/" + i
        if d.maybe(0.3):
            s["logo"] = "media/logo.svg"
        if d.maybe(0.3):
            s["description"] = d.text()
        if d.maybe(0.4):
            s["joined"] = d.date()
            if d.maybe(0.3):
                s["left"] = d.date(datetime.date.fromisoformat(s["joined"]))
        if d.maybe(0.3):
            s["interests"] = [d.text() for _ in range(n(2))]
        if d.maybe(0.4):
            s["contributions"] = [{"kind": d.one(["financial", "in-kind", "expertise", "network"]),
                                   "description": d.text(), "amount": draw(AMOUNTS),
                                   **({"visibility": draw(VISIBILITY)} if d.maybe() else {})} for _ in range(n(2))]
        if d.maybe(0.2):
            s["contact"] = {"name": draw(WORD), "email": "c@example.org", "visibility": "partners"}
        add(f"stakeholders/{i}.yml", d.common(s))

    for i in bodies:
        b = {"name": d.text(), "kind": d.one(["steering", "working-group", "secretariat", "advisory", "assembly"])}
        if d.maybe():
            b["mandate"] = d.text()
        if d.maybe(0.3):
            b["decision_rule"] = d.one(["consensus", "majority", "two-thirds", "unanimity", "chair"])
        if stakeholders and d.maybe(0.6):
            b["members"] = [{"stakeholder": s, "role": d.one(["chair", "member", "observer"]),
                             **({"since": d.date()} if d.maybe() else {}),
                             **({"visibility": draw(VISIBILITY)} if d.maybe(0.3) else {})} for s in d.some(stakeholders)]
        if stakeholders and d.maybe(0.3):
            b["responsibilities"] = [{"stakeholder": d.one(stakeholders), "task": d.text(),
                                      "kind": d.one(["responsible", "accountable", "consulted", "informed"])}]
        add(f"bodies/{i}.yml", d.common(b))

    for i in goals:
        g = {"title": d.text()}
        if d.maybe():
            g["description"] = d.text()
        if d.maybe(0.3):
            g["sdgs"] = draw(st.lists(st.integers(1, 17), unique=True, max_size=3))
        if stakeholders and d.maybe(0.3):
            g["interests"] = [{"stakeholder": d.one(stakeholders), "interest": d.text()}]
        indicator_ids = iter(d.ids(6))
        outcomes = []
        for outcome_id in d.ids(n(2)):
            indicators = []
            for _ in range(n(2)):
                measure = d.one(["number", "percentage", "qualitative"])
                value = (lambda: draw(PLAIN_TEXT)) if measure == "qualitative" else (lambda: draw(VALUES))
                base_date = d.date(high=datetime.date(2024, 1, 1))
                ind = {"id": next(indicator_ids), "title": d.text(), "measure": measure,
                       "direction": d.one(["increase", "decrease"]),
                       "baseline": {"value": value(), "date": base_date},
                       "target": {"value": value(), "date": d.date(datetime.date.fromisoformat(base_date)
                                                                  + datetime.timedelta(days=1),
                                                                  datetime.date(2030, 12, 31))},
                       "measurements": [{"date": d.date(datetime.date.fromisoformat(base_date)), "value": value(),
                                         **({"visibility": draw(VISIBILITY)} if d.maybe(0.3) else {})}
                                        for _ in range(n(3))]}
                ind["measurements"].sort(key=lambda m: m["date"])
                if stakeholders and d.maybe(0.3):
                    ind["responsible"] = d.one(stakeholders)
                if d.maybe(0.3):
                    ind["unit"] = draw(WORD)
                indicators.append(ind)
            outcomes.append({"id": outcome_id, "title": d.text(), "indicators": indicators})
        if outcomes:
            g["outcomes"] = outcomes
        add(f"goals/{i}.yml", d.common(g))

    decisions, meetings = ids["decisions"], ids["meetings"]
    for index, i in enumerate(decisions):
        dec = {"title": d.text(), "date": d.date(), "body": d.one(bodies),
               "status": d.one(["proposed", "adopted", "rejected", "implemented"])}
        if d.maybe(0.4):
            dec["method"] = "vote"
            dec["votes"] = {"for": draw(st.integers(0, 50)), "against": draw(st.integers(0, 50)),
                            **({"abstain": draw(st.integers(0, 9))} if d.maybe() else {})}
        elif d.maybe():
            dec["method"] = d.one(["consensus", "chair"])
        if stakeholders and d.maybe():
            dec["participants"] = d.some(stakeholders)
        if index and d.maybe(0.3):
            dec["supersedes"] = d.one(decisions[:index])   # only earlier ones: never a cycle
        if goals and d.maybe(0.3):
            dec["goals"] = d.some(goals)
        if meetings and d.maybe(0.3):
            dec["meeting"] = d.one(meetings)
        add(f"decisions/{i}.md", d.common(dec), d.body(link_targets("decisions")))

    for i in meetings:
        mt = {"title": d.text(), "date": d.date()}
        if bodies and d.maybe():
            mt["body"] = d.one(bodies)
        if stakeholders and d.maybe():
            mt["attendees"] = d.some(stakeholders)
        if decisions and d.maybe():
            mt["decisions"] = d.some(decisions)
        if d.maybe(0.3):
            mt["location"] = d.text()
        add(f"meetings/{i}.md", d.common(mt), d.body(link_targets("meetings")))

    years = draw(st.lists(st.integers(2000, 2026), unique=True, min_size=len(ids["budget"]),
                          max_size=len(ids["budget"])))
    for i, year in zip(ids["budget"], years):
        bud = {"period": {"start": Date(f"{year}-01-01"), "end": Date(f"{year}-12-31")}}
        if d.maybe(0.3):
            bud["title"] = d.text()
        if d.maybe(0.2):
            bud["currency"], bud["rate"] = "CHF", draw(st.floats(0.01, 1000))
        if stakeholders and d.maybe(0.6):
            bud["income"] = [{"source": d.one(stakeholders), "kind": d.one(["cash", "in-kind"]),
                              "status": d.one(["pledged", "committed", "received"]), "amount": draw(AMOUNTS),
                              **({"goal": d.one(goals + [None])} if d.maybe(0.3) else {}),
                              **({"visibility": draw(VISIBILITY)} if d.maybe(0.3) else {})} for _ in range(n(3))]
        if d.maybe(0.6):
            bud["expenditure"] = [{"category": d.one(["secretariat", "governance", "communication", "monitoring",
                                                      "capacity-development", "activities", "other"]),
                                   **({"planned": draw(AMOUNTS)} if d.maybe(0.8) else {}),
                                   **({"actual": draw(AMOUNTS)} if d.maybe(0.6) else {}),
                                   **({"goal": d.one(goals + [None])} if d.maybe(0.3) else {}),
                                   **({"currency": "GBP", "rate": 1.15} if d.maybe(0.1) else {}),
                                   **({"description": d.text()} if d.maybe(0.3) else {})} for _ in range(n(3))]
        add(f"budget/{i}.yml", d.common(bud))

    for i in ids["reports"]:
        start = d.date(high=datetime.date(2025, 12, 31))
        rep = {"title": d.text(), "period": {"start": start, "end": d.date(datetime.date.fromisoformat(start))}}
        if stakeholders and d.maybe(0.3):
            rep["funder"] = d.one(stakeholders)
        if d.maybe():
            rep["summary"] = d.text()
        if d.maybe():
            rep["sections"] = d.some(["results", "finances", "decisions", "lessons", "risks", "outlook", "annex"], 7)
        if d.maybe(0.4):
            rep["risks"] = [{"risk": d.text(), "likelihood": d.one(["low", "medium", "high"]), "impact": draw(WORD),
                             "mitigation": d.text()} for _ in range(n(2))]
        if d.maybe(0.3):
            rep["outlook"] = d.text()
        add(f"reports/{i}.yml", d.common(rep))

    for i in ids["lessons"]:
        les = {"title": d.text(), "date": d.date(), "kind": d.one(["success", "failure", "insight"])}
        if stakeholders and d.maybe():
            les["stakeholders"] = d.some(stakeholders)
        if d.maybe(0.3):
            les["capacity_needs"] = [d.text() for _ in range(n(2))]
        add(f"lessons/{i}.md", d.common(les), d.body(link_targets("lessons")))

    for i in ids["stories"]:
        sto = {"title": d.text(), "date": d.date()}
        if d.maybe():
            sto["summary"] = d.text()
        if d.maybe(0.4):
            sto["image"], sto["image_alt"] = "media/pictures/harvest.png", d.text()
        if d.maybe(0.3):
            sto["tags"] = draw(st.lists(WORD, unique=True, max_size=3))
        if goals and d.maybe(0.3):
            sto["goals"] = d.some(goals)
        if stakeholders and d.maybe(0.3):
            sto["stakeholders"] = d.some(stakeholders)
        add(f"stories/{i}.md", d.common(sto), d.body(link_targets("stories")))
        if len(languages) > 1 and d.maybe(0.3):   # a translation beside the original
            items.append(Item(f"stories/{i}.{languages[1]}.md", {"title": draw(PLAIN_TEXT)},
                              d.body(link_targets("stories"))))

    for i in ids["events"]:
        ev = {"title": d.text(), "date": d.date()}
        if d.maybe(0.3):
            ev["end"] = d.date(datetime.date.fromisoformat(ev["date"]))
        if d.maybe():
            ev["kind"] = d.one(["dialogue", "conference", "workshop", "webinar", "field-visit"])
        if d.maybe(0.3):
            ev["location"] = d.text()
        if ids["initiatives"] and d.maybe():
            ev["initiatives"] = d.some(ids["initiatives"])
        if stakeholders and d.maybe(0.3):
            ev["stakeholders"] = d.some(stakeholders)
        add(f"events/{i}.md", d.common(ev), d.body(link_targets("events")))

    for i in ids["initiatives"]:
        ini = {"name": d.text()}
        if d.maybe():
            ini["url"] = "https://example.org/" + i
        if d.maybe():
            ini["kind"] = d.one(["msp", "programme", "network", "platform", "other"])
        if d.maybe():
            ini["relation"] = d.one(["cooperation", "exchange", "overlap", "observer"])
        if d.maybe(0.3):
            ini["description"] = d.text()
        add(f"initiatives/{i}.yml", d.common(ini))

    for i in ids["assessments"]:
        ass = {"title": d.text(), "date": d.date()}
        if d.maybe(0.3):
            ass["method"] = d.text()
        ass["responses"] = [{"scores": {f: draw(st.integers(1, 5)) for f in d.some(FACTORS, 5)},
                             **({"sector": d.one(["public", "private", "other"])} if d.maybe() else {})}
                            for _ in range(n(3))]
        add(f"assessments/{i}.yml", d.common(ass))

    for i in ids["pages"]:
        page = {"title": d.text()}
        if d.maybe(0.4):
            page["nav"] = draw(st.one_of(st.integers(-5, 20), st.floats(-5, 20)))
        if d.maybe(0.3):
            page["summary"] = d.text()
        page = d.common(page)
        add(f"pages/{i}.md", page, d.body(link_targets("pages")))

    if d.maybe(0.3):
        terms = draw(st.lists(st.text(st.characters(whitelist_categories=("Ll", "Lu", "Lo")), min_size=2,
                                      max_size=12), min_size=1, max_size=4, unique_by=str.casefold))
        add("glossary.yml", d.common({"terms": [{"term": t, "definition": d.text(),
                                                 **({"aliases": [t + "s"]} if d.maybe(0.3) else {})}
                                                for t in terms]}))
    return Project(items, clearance, languages, dict(MEDIA))


# -- checking the built site -------------------------------------------------------------------------------------------

class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.found.append((tag, value))


def broken_links(files: set[str], pages: dict[str, bytes], site_url: str) -> list[str]:
    """Every internal href/src in the HTML pages that does not name a file of the site."""
    prefix = urlsplit(site_url).path or "/"
    problems = []
    for page, content in sorted(pages.items()):
        if not page.endswith(".html"):
            continue
        parser = _Links()
        parser.feed(content.decode("utf-8"))
        for tag, url in parser.found:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "mailto") or url.startswith("//"):
                continue
            if parts.scheme:
                problems.append(f"{page}: <{tag}> {url!r}: a {parts.scheme}: link")
                continue
            if not parts.path:
                if not url.startswith("#") and url:
                    problems.append(f"{page}: <{tag}> {url!r}")
                elif not url:
                    problems.append(f"{page}: <{tag}> empty link")
                continue
            path = unquote(parts.path)
            if path.startswith("/"):
                # only the 404 page, served at any depth, links from the site root (under the site's sub-path)
                if page != "404.html" or not path.startswith(prefix):
                    problems.append(f"{page}: <{tag}> {url!r}: root-relative")
                    continue
                target = path[len(prefix):]
                target = target + "index.html" if target == "" or target.endswith("/") else target
            else:
                if path.endswith("/"):
                    problems.append(f"{page}: <{tag}> {url!r}: a folder, not a file")
                    continue
                target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
            if target.startswith("../") or target == ".." or target not in files:
                problems.append(f"{page}: <{tag}> {url!r} -> {target}: no such file")
    return problems


def render(root: Path, clearance: str):
    from mspsite.build import make_portal
    from mspsite.settings import resolve_settings

    return make_portal(resolve_settings(root, clearance=clearance, history=False, search=False))


def site_url_of(project: Project) -> str:
    return next(i for i in project.items if i.path == "mspsite.yml").data["site_url"]


# -- (a) valid partnerships ---------------------------------------------------------------------------------------------

@settings(max_examples=10, **PROFILE)
@given(project=partnerships())
def test_valid_partnership_checks_builds_and_links_resolve(project, tmp_path_factory):
    root = project.write(tmp_path_factory.mktemp("valid") / "p")
    note(f"clearance={project.clearance} files={sorted(project.files())}")
    report = check(root, clearance=project.clearance)
    assert not report.errors, report.format("text")
    site, report = render(root, project.clearance)
    pages = len(site.site.pages)
    assert pages > 0 and "index.html" in site.files
    problems = broken_links(set(site.files) | set(site.copies), site.files, site_url_of(project))
    assert not problems, "\n".join(problems[:20])


@settings(max_examples=3, **PROFILE)
@given(project=partnerships(max_items=3))
def test_valid_partnership_through_the_command_line(project, tmp_path_factory):
    """`mspsite check` and `mspsite build` (search index included) on disk, then links on disk."""
    base = tmp_path_factory.mktemp("cli")
    root = project.write(base / "p")
    out = base / "out" / "site"
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    check = subprocess.run([sys.executable, "-m", "mspsite", "check", str(root), "--clearance", project.clearance],
                           capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    built = subprocess.run([sys.executable, "-m", "mspsite", "build", str(root), "-o", str(out), "--clearance",
                            project.clearance], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "Traceback" not in built.stderr
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    pages = {f: (out / f).read_bytes() for f in files if f.endswith(".html")}
    assert any(f.startswith("pagefind/") for f in files), "no search index"
    problems = broken_links(files, pages, site_url_of(project))
    assert not problems, "\n".join(problems[:20])


# -- (b) mutations -------------------------------------------------------------------------------------------------

WRONG = [None, True, False, 0, -1, 1.5, 10 ** 30, "", "x", "2025-02-30", [], ["x"], {}, {"a": 1}, [[[]]],
         {"en": 5}, "\u202e", "../../etc/passwd"]


def _paths(node, at=()):
    """Every path (keys and indices) to a value in plain data."""
    yield at
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*at, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*at, i))


def _set(data, at, value):
    data = json.loads(json.dumps(data))
    node = data
    for part in at[:-1]:
        node = node[part]
    node[at[-1]] = value
    return data


MUTATIONS = ["delete-key", "change-type", "insert-bytes", "truncate", "duplicate-key", "swap-id", "rename-file",
             "insert-character"]


@st.composite
def mutations(draw, how: str):
    """(a valid partnership, a description of the change, the files after it)."""
    project = draw(partnerships(max_items=2))
    victim = draw(st.sampled_from(project.items))
    files = project.files()
    content = files[victim.path]
    if how == "delete-key":
        paths = [p for p in _paths(victim.data) if p and isinstance(p[-1], str)]
        at = draw(st.sampled_from(paths))
        data = json.loads(json.dumps(victim.data))
        node = data
        for part in at[:-1]:
            node = node[part]
        del node[at[-1]]
        files[victim.path] = Item(victim.path, data, victim.body, victim.style).content()
        what = f"delete {at}"
    elif how == "change-type":
        at = draw(st.sampled_from([p for p in _paths(victim.data) if p]))
        value = draw(st.sampled_from(WRONG))
        files[victim.path] = Item(victim.path, _set(victim.data, at, value), victim.body, victim.style).content()
        what = f"set {at} to {value!r}"
    elif how == "insert-bytes":
        offset = draw(st.integers(0, len(content)))
        blob = draw(st.binary(min_size=1, max_size=8))
        files[victim.path] = content[:offset] + blob + content[offset:]
        what = f"insert {blob!r} at {offset}"
    elif how == "truncate":
        offset = draw(st.integers(0, len(content)))
        files[victim.path] = content[:offset]
        what = f"truncate at {offset}"
    elif how == "duplicate-key":
        victim = Item(victim.path, victim.data, victim.body, "block")
        lines = victim.content().decode().split("\n")
        keyed = [i for i, line in enumerate(lines) if re.match(r"^\s*[a-z_]+:", line)]
        assume(keyed)
        i = draw(st.sampled_from(keyed))
        lines.insert(i + 1, lines[i])
        files[victim.path] = "\n".join(lines).encode()
        what = f"duplicate line {i + 1}: {lines[i]!r}"
    elif how == "swap-id":
        ids = [p for p in _paths(victim.data) if p and isinstance(_get(victim.data, p), str)
               and re.fullmatch(r"[a-z0-9][a-z0-9-]*", _get(victim.data, p))]
        assume(ids)
        at = draw(st.sampled_from(ids))
        value = draw(st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), max_size=20), IDS))
        files[victim.path] = Item(victim.path, _set(victim.data, at, value), victim.body, victim.style).content()
        what = f"set {at} to {value!r}"
    elif how == "rename-file":
        folder, _, name = victim.path.rpartition("/")
        new = draw(st.one_of(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"),
                                     min_size=1, max_size=20), IDS))
        assume(new not in (".", "..") and len(new.encode()) < 200)
        ext = os.path.splitext(name)[1]
        target = f"{folder}/{new}{ext}" if folder else f"{new}{ext}"
        assume(target not in files)
        files[target] = files.pop(victim.path)
        what = f"rename {victim.path} to {target!r}"
    else:
        offset = draw(st.integers(0, len(content.decode())))
        char = draw(st.characters(blacklist_categories=("Cs",)))
        text = content.decode()
        files[victim.path] = (text[:offset] + char + text[offset:]).encode()
        what = f"insert {char!r} at character {offset}"
    return project, f"{victim.path}: {how}: {what}", files


def _get(data, at):
    for part in at:
        data = data[part]
    return data


# Crashes already documented as xfail cases in tests/test_bad_inputs.py, as (exception type,
# text in the exception and its traceback): a mutation that runs into one is noted, not failed.
# Empty: every crash found so far is fixed.
KNOWN_CRASHES: list[tuple[type, str]] = []
SHAPE = re.compile(r"^[^:]+:\d+:\d+: (error|warning): ")


def _known(exc: BaseException) -> bool:
    text = "".join(traceback.format_exception(exc))
    return any(isinstance(exc, kind) and marker in text for kind, marker in KNOWN_CRASHES)


@pytest.mark.parametrize("how", MUTATIONS)
@settings(max_examples=10, **PROFILE)   # 8 x 10 = 80 mutations
@given(data=st.data())
def test_mutated_partnership_never_crashes(how, data, tmp_path_factory):
    project, what, files = data.draw(mutations(how), label="mutation")
    note(what)
    root = tmp_path_factory.mktemp("mutant") / "p"
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content)
    try:
        raw = load_project(resolve_settings(root))
        report = validate(raw, resolve_settings(raw.root, clearance=project.clearance))
        lines = report.format("text").split("\n") if report.diagnostics else []
        assert all(SHAPE.match(line) for line in lines), lines   # one diagnostic, one line
        if report.errors:
            event("outcome: errors reported")
        else:
            render(root, project.clearance)
            event("outcome: built")
    except MspsiteError:
        event("outcome: refused with a message")
    except Exception as exc:  # noqa: BLE001 - the property: nothing else escapes
        if not _known(exc):
            raise
        event(f"outcome: known bug {type(exc).__name__}")
        note(f"known bug: {exc!r}")
