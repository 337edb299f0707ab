"""Characters no text may hold: control characters and Unicode non-characters.

YAML escapes such as "\\0", "\\x0b" and "\\uffff" are valid YAML and pass the check of the
raw file, yet no XML (IATI, Atom feeds) or XLSX can hold most of what they write. `check`
refuses them in every value and key, at the value; and raw in a Markdown body, at the
character (more cases in the bad-input corpus: tests/corpus/make_corpus.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import mspsite
from conftest import SOURCE_DATE_EPOCH, portal_in_memory
from mspsite.errors import ContentError

STARTER = Path(__file__).parent.parent / "mspsite" / "starter"
SITE = "title: T\nlanguages: [en]\ncurrency: EUR\n"
PARTNERSHIP = "name: P\nsummary: S\n"


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)


def check(tmp_path: Path, files: dict[str, str]) -> list[str]:
    root = tmp_path / "p"
    for rel, text in {"mspsite.yml": SITE, "partnership.yml": PARTNERSHIP, **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return [d.format_text() for d in mspsite.check(root).errors]


def hint(escapes: str) -> str:
    return f"(remove it, or the escape that writes it: {escapes})"


STORY = "---\ntitle: A story\ndate: 2025-03-01\n---\n"
LOCATED = {
    "escape-in-double-quoted-value": (
        {"stakeholders/x.yml": 'name: "Mini\\x0bstry"\nsector: public\n'},
        "stakeholders/x.yml:1:7: error: character U+000B (a control character) is not allowed in text "
        + hint("\\v or \\x0b")),
    "escape-in-key": (
        {"stakeholders/x.yml": 'name: X\nsector: public\n"short\\0name": Y\n'},
        "stakeholders/x.yml:3:1: error: character U+0000 (a control character) is not allowed in a field name "
        + hint("\\0 or \\x00")),
    "escape-in-list-item": (
        {"stakeholders/x.yml": 'name: X\nsector: public\ninterests: [Cooking, "Fuel\\uffff"]\n'},
        "stakeholders/x.yml:3:22: error: character U+FFFF (a Unicode non-character) is not allowed in text "
        + hint("\\uffff")),
    "escape-in-nested-mapping": (
        {"stakeholders/x.yml": 'name: X\nsector: public\ncontact:\n  role: Director\n  name: "A\\rB"\n'},
        "stakeholders/x.yml:5:9: error: character U+000D (a control character) is not allowed in text "
        + hint("\\r or \\x0d")),
    "escape-in-list-of-mappings": (
        {"stakeholders/x.yml": 'name: X\nsector: public\ncontributions:\n  - kind: financial\n'
                               '    description: "Cash\\U0010fffe"\n'},
        "stakeholders/x.yml:5:18: error: character U+10FFFE (a Unicode non-character) is not allowed in text "
        + hint("\\U0010fffe")),
    "escape-in-front-matter": (
        {"stories/x.md": '---\ntitle: "A\\Nstory"\ndate: 2025-03-01\n---\nBody.\n'},
        "stories/x.md:2:8: error: character U+0085 (a control character) is not allowed in text "
        + hint("\\N or \\x85")),
    "raw-noncharacter-in-value": (   # YAML allows U+FDD0 in a file: ruamel reads it into the text
        {"stakeholders/x.yml": "name: Mini\ufdd0stry\nsector: public\n"},
        "stakeholders/x.yml:1:7: error: character U+FDD0 (a Unicode non-character) is not allowed in text "
        + hint("\\ufdd0")),
    "raw-control-in-markdown-body": (
        {"stories/x.md": STORY + "One line.\nAnother \x0b line.\n"},
        "stories/x.md:6:9: error: character U+000B (a control character) is not allowed in text "
        "(remove it: most editors do not show it)"),
    "raw-noncharacter-in-markdown-body": (
        {"stories/x.md": STORY + "One line.\rThen \uffff, after a CR that ends a line.\n"},
        "stories/x.md:6:6: error: character U+FFFF (a Unicode non-character) is not allowed in text "
        "(remove it: most editors do not show it)"),
}


@pytest.mark.parametrize("name", LOCATED)
def test_refused_at_the_value(name, tmp_path):
    files, expected = LOCATED[name]
    assert check(tmp_path, files) == [expected]


@pytest.mark.parametrize("text", ["tab\there", "line\nbreak", "line\u2028separator", "no\u00a0break",
                                  "bidi \u202egnikooc\u202c", "emoji 🔥", "private \ue000 use", "\ufffd"])
def test_text_characters_are_accepted(text, tmp_path):
    escaped = text.encode("unicode_escape").decode().replace('"', '\\"')
    assert check(tmp_path, {"stakeholders/x.yml": f'name: "{escaped}"\nsector: public\n',
                            "stories/x.md": STORY + text + "\n"}) == []


# Each was accepted by check until issue 8, and then: U+0000, U+000B, U+001B, U+FFFE and
# U+FFFF crashed the IATI export (not well-formed XML) and the XLSX writer (openpyxl's
# IllegalCharacterError), and made the Atom feeds ill-formed; the others went out in every
# published copy, invisible. Now the build refuses them before writing anything.
ESCAPES = ["\\0", "\\x0b", "\\e", "\\r", "\\N", "\\x7f", "\\x9b", "\\ufdd0", "\\ufffe", "\\uffff", "\\U0010fffe"]


@pytest.fixture(scope="module")
def starter(tmp_path_factory) -> Path:
    """The starter partnership with an IATI block and a report: the build writes IATI, XLSX and feeds."""
    root = tmp_path_factory.mktemp("starter") / "p"
    shutil.copytree(STARTER, root)
    with open(root / "mspsite.yml", "a") as fh:
        fh.write("iati:\n  identifier: XM-DAC-41114-OP\n  reporting_org: {ref: XM-DAC-41114, type: 40, name: UNDP}\n")
    (root / "reports").mkdir()
    (root / "reports" / "r.yml").write_text("title: Report 2025\nperiod: {start: 2025-01-01, end: 2025-12-31}\n"
                                            "date: 2026-01-31\nsummary: The year.\nsections: [results, decisions]\n")
    return root


@pytest.mark.parametrize("place, rel, old, new, at", [
    ("stakeholder-name", "stakeholders/ministry.yml", "name: Ministry of Energy", 'name: "Ministry{}"', "1:7"),
    ("decision-title", "decisions/first-work-plan.md", "title: Adopt the first work plan", 'title: "Adopt{}"', "2:8"),
], ids=["iati-and-xlsx", "feed"])
@pytest.mark.parametrize("escape", ESCAPES)
def test_build_refuses_what_the_writers_cannot_hold(starter, tmp_path, escape, place, rel, old, new, at):
    root = tmp_path / "p"
    shutil.copytree(starter, root)
    text = (root / rel).read_text()
    (root / rel).write_text(text.replace(old, new.format(escape)))
    with pytest.raises(ContentError) as refused:
        portal_in_memory(root)
    errors = refused.value.report.errors
    assert [(d.location.path, f"{d.location.line}:{d.location.column}", d.code) for d in errors] == \
        [(rel, at, "encoding")], refused.value.report.format("text")
    assert " is not allowed in text" in errors[0].message
