"""The complexity budget of Markdown texts (mspsite/complexity.py) and the checks of Markdown
in YAML fields: every Markdown text, a body or a field such as a goal's description, goes
through one guarded converter; a text beyond the budget is a located `too-complex` error from
`check`, never a RecursionError traceback or a build that hangs.

Each pathology below crashed (RecursionError) or took from seconds to minutes before issue 8.
Timing is measured by the bad-input corpus (tests/corpus/make_corpus.py), which runs the same
texts through `mspsite check`; here the assertions are about what is reported, and where."""

from __future__ import annotations

from pathlib import Path

import pytest

from mspsite import check, resolve_settings
from mspsite.load import load_project
from mspsite.complexity import TooComplex
from mspsite.kinds import MARKDOWN_FIELDS
from mspsite.markup import convert, to_html

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "sample-partnership"

# name -> (text, line the error points at, words of the reason)
PATHOLOGIES = {
    "definition-list-600": ("".join(f"term {i}\n: definition {i}\n" for i in range(300)), 102,
                            "definition-list lines"),
    "list-300-deep": ("".join("    " * i + "- x\n" for i in range(300)), 17, "nested more than 16 levels"),
    "div-500-deep": ('<div markdown="1">\n' * 500 + "x\n" + "</div>\n" * 500, 17, "HTML blocks nested"),
    "pipe-table-200k": ("| a | b | c |\n|---|---|---|\n" + "| x | y | z |\n" * 14_300, 1251, "'|' characters"),
    "quotes-50k": ("'" * 50_000, 1, "quote, emphasis or code marks"),
    "strong-a-20k": ("**a" * 6_700, 1, "quote, emphasis or code marks"),
    "brackets-without-end": ("Intro.\n\n" + ("[" + "x" * 100) * 1_000, 3, "'[' without their ']'"),
    "unclosed-tags": ('<x y="a"' * 2_000, 1, "unclosed HTML tags"),
    "code-fences-unclosed": ("```a\nx\n" * 4_000, 749, "code blocks without their closing"),
    "abbreviations": ("".join(f"*[AB{i}]: y\n" for i in range(200)) + "\nAB1\n", 101, "abbreviations"),
}


@pytest.mark.parametrize("name", PATHOLOGIES)
def test_pathological_text_is_too_complex_and_located(name):
    text, line, why = PATHOLOGIES[name]
    with pytest.raises(TooComplex) as refused:
        convert(text)
    assert why in refused.value.why
    assert refused.value.line == line


def test_recursion_is_reported_not_raised():
    """The budget keeps nesting far from Python's limit; should a deep call stack meet it
    anyway (a text within the budget, converted 50 frames from the limit), the caller gets
    TooComplex, and a page the escaped text."""
    import html
    import inspect
    import sys

    text = "".join("    " * i + "- x\n" for i in range(16))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 50)
    try:
        with pytest.raises(TooComplex, match="nested too deeply"):
            convert(text)
        page = to_html(text)
    finally:
        sys.setrecursionlimit(limit)
    assert page == "<p>" + html.escape(text) + "</p>"
    assert "<li>" in to_html(text)


def _realistic_texts() -> list[str]:
    raw = load_project(resolve_settings(SAMPLE))
    bodies = sorted((d.body for d in raw.documents if d.body), key=len)[-3:]
    return ["\n\n".join([body] * 10) for body in bodies]


def test_realistic_long_documents_are_not_flagged():
    """The sample partnership's three longest bodies, each repeated ten times (11 to 19 KB,
    lists, links and emphasis included), convert within the budget."""
    texts = _realistic_texts()
    assert min(map(len, texts)) > 10_000
    for text in texts:
        assert "<p>" in convert(text)


def test_real_shapes_near_the_limits_are_not_flagged():
    """What real pages do in quantity stays allowed: long glossaries written as definition
    lists with blank lines, tables of hundreds of rows, many links, nested lists."""
    glossary = "\n".join(f"Term {i}\n: What term {i} means, with a [link](https://example.org/{i}).\n"
                         for i in range(300))
    table = "| Year | Households | Note |\n|---|---:|---|\n" + "".join(f"| {2000 + i} | {i * 7} | *ok* |\n"
                                                                      for i in range(800))
    links = " ".join(f"[source {i}](https://example.org/{i}) says 'so'." for i in range(500))
    nested = "".join("    " * i + f"{i + 1}. level {i + 1}\n" for i in range(8))
    for text in (glossary, table, links, nested):
        convert(text)


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    files = {"mspsite.yml": "title: T\nlanguages: [en, fr]\ncurrency: EUR\n",
             "partnership.yml": "name: P\nsummary: S\n", **files}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return tmp_path


def _diagnostics(root: Path, clearance: str = "public") -> list[str]:
    return [d.format_text() for d in check(root, clearance=clearance).diagnostics]


def test_too_complex_body_points_at_its_line(tmp_path):
    body = "Intro.\n\n" + "".join("    " * i + "- x\n" for i in range(40))
    root = _project(tmp_path, {"pages/deep.md": "---\ntitle: Deep\n---\n" + body})
    assert _diagnostics(root) == [
        "pages/deep.md:22:1: error: the text is too complex to publish (lists or quotes nested more than 16 "
        "levels deep) (use fewer levels)"]


def test_markdown_field_is_checked_for_complexity(tmp_path):
    """A goal's description, in a block scalar: the error points at the value."""
    quotes = "'" * 50_000
    root = _project(tmp_path, {"goals/g.yml": f"title: G\ndescription: |\n  {quotes}\n"})
    assert _diagnostics(root) == [
        "goals/g.yml:2:14: error: 'description' is too complex to publish (too many quote, emphasis or code "
        "marks (' \" * _ `) in one paragraph) (split the paragraph, or put literal text in a code block)"]


def test_markdown_fields_links_are_checked_like_bodies(tmp_path):
    """Broken links, unsafe schemes and links to hidden items in Markdown fields (nested, and
    given per language) were not checked at all."""
    root = _project(tmp_path, {
        "partnership.yml": "name: P\nsummary:\n  en: See [the plan](decisions/nope.md).\n"
                           "  fr: Voir [x](javascript:alert(1)).\n",
        "goals/g.yml": "title: G\noutcomes:\n  - id: o\n    title: O\n    description: Read [it](../lessons/l.md).\n",
        "lessons/l.md": "---\ntitle: L\ndate: 2025-01-01\nkind: insight\nvisibility: internal\n---\nBody.\n",
    })
    assert _diagnostics(root) == [
        "goals/g.yml:5:18: warning: link to lessons/l.md, which has 'visibility: internal': a public build shows "
        "the link's text without the link",
        "partnership.yml:3:7: error: link: file not found: 'decisions/nope.md'",
        "partnership.yml:4:7: warning: link with 'javascript:' is not allowed and will be removed (link to http, "
        "https or mailto addresses only)",
    ]
    assert not [d for d in _diagnostics(root, "internal") if "lessons/l.md" in d]


def test_plain_text_fields_are_not_markdown(tmp_path):
    """A title is shown as written, not converted: what looks like a broken link there is text."""
    root = _project(tmp_path, {"goals/g.yml": "title: See [x](nope.md) and " + "'" * 50_000 + "\n"})
    assert _diagnostics(root) == []


def test_markdown_fields_are_the_fields_the_schemas_call_markdown():
    """MARKDOWN_FIELDS (what check and the model stage treat as Markdown) and the schemas that
    editors read (their descriptions say "(Markdown)") name the same fields."""
    from mspsite.kinds import KINDS
    from mspsite.schemas import is_text, load_schema, resolve

    said: dict[str, set[str]] = {}

    def walk(kind: str, node: dict, at: str) -> None:
        if is_text(node):
            if "(Markdown)" in node.get("description", ""):
                said.setdefault(kind, set()).add(at)
            return
        node = resolve(node)
        for key, sub in node.get("properties", {}).items():
            walk(kind, sub, f"{at}.{key}" if at else key)
        if isinstance(node.get("items"), dict):
            walk(kind, node["items"], f"{at}.*")

    for kind in KINDS:
        walk(kind, load_schema(KINDS[kind].schema_name), "")
    assert said == {kind: set(patterns) for kind, patterns in MARKDOWN_FIELDS.items()}
