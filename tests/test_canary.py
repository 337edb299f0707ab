"""Canary test for visibility filtering: tests/fixtures/canary is a partnership in which every
item and every nested mapping that is not public carries a unique canary, CANARY-<level>-<kind>-<n>
in its text and canary-<level>-<kind>-<n> in its id, file names and image names. It is built at
every clearance and every output file (gunzipped or unzipped where compressed: Pagefind's
index, reports' .xlsx) and every output path is searched: a canary above the clearance anywhere
is a leak, reported with file and byte offset.

Public items also refer and link to hidden ones (ids in references, Markdown and raw HTML
links), so that every place a hidden item could be named is exercised. Until d99033c those
links leaked hidden items' file names through every output that published raw Markdown
(open data, meta descriptions, the home page's vision, the search index); the targeted tests
below keep each of those places covered.

Text that no page shows, HTML comments and link reference definitions no link uses, carries
CANARY-never-<kind>-<n>: it is above every clearance, so it must appear in no output at all
(open data and the IATI file published the Markdown as written until issue 8)."""

from __future__ import annotations

import base64
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from mspsite.kinds import KINDS

pytestmark = pytest.mark.xdist_group("canary")   # its portal is built once per worker

ROOT = Path(__file__).parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "canary"
SCHEMAS = ROOT / "mspsite" / "schemas"
SOURCE_DATE_EPOCH = "1795824000"   # 2026-11-28, as in conftest.py
LEVELS = ("public", "funders", "partners", "internal")
HIDDEN_LEVELS = LEVELS[1:]
NEVER = "never"   # what no page shows: above every clearance

# Case-insensitive, hyphens optional: Pagefind's word index stores "canary-funders-page-1" as
# "canaryfunderspage1"; an id is lowercase, a text canary is not.
LEAK = re.compile(rb"canary-?(funders|partners|internal|never)-?[a-z0-9-]*", re.IGNORECASE)


def _base64_forms(text: bytes) -> list[bytes]:
    """What text looks like inside base64 (a data: URI) at each of the three alignments:
    only the characters that depend on text alone."""
    forms = []
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + text)
        first, last = -(-8 * shift // 6), (8 * (shift + len(text)) - 6) // 6
        forms.append(encoded[first:last + 1])
    return forms


BASE64 = [(form, level) for level in (*HIDDEN_LEVELS, NEVER) for case in ("CANARY", "canary")
          for form in _base64_forms(f"{case}-{level}-".encode())]
TOKEN = re.compile(r"canary-(funders|partners|internal|never)-[a-z]+(?:-[a-z]+)*-\d+", re.IGNORECASE)
TRANSLATION = re.compile(r"\.[a-z]{2,3}(-[A-Za-z0-9]+)*\.md$")


def rank(level: str) -> int:
    return len(LEVELS) if level.lower() == NEVER else LEVELS.index(level.lower())


# -- the fixture and its variants --------------------------------------------------------------
RAW_HTML_PAGE = """---
title: Raw HTML links
---
A raw HTML link to a hidden story: <a href="../stories/canary-internal-story-1.md">plain words</a>.
"""
HIDDEN_SOURCE_LINE = "  - {source: canary-partners-stakeholder-1, kind: cash, status: received, amount: 7}\n"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} no longer has {old!r}: update the variant"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def make_variant(name: str, dest: Path) -> Path:
    shutil.copytree(FIXTURE, dest)
    if name == "extra":
        # the single-file kinds hidden as a whole, and a raw HTML link to a hidden item
        (dest / "pages" / "raw-html.md").write_text(RAW_HTML_PAGE, encoding="utf-8")
        _edit(dest / "glossary.yml", "terms:\n  - term: Clean energy",
              "visibility: funders\nterms:\n  - term: CANARY-funders-glossary-1")
    elif name == "hidden-partnership":
        _edit(dest / "partnership.yml", "name: Canary Partnership\n",
              "name: CANARY-partners-partnership-1\nvisibility: partners\n")
    elif name == "hidden-source":
        _edit(dest / "budget" / "2024.yml", "expenditure:\n", HIDDEN_SOURCE_LINE + "expenditure:\n")
    return dest


def _build(src: Path, out: Path, clearance: str):
    from mspsite.build import build

    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    try:
        return build(src, out, clearance=clearance, history=False)
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """sites(variant, clearance) -> built output folder, each built once per module."""
    base = tmp_path_factory.mktemp("canary")
    sources: dict[str, Path] = {}
    built: dict[tuple[str, str], Path] = {}

    def get(variant: str, clearance: str) -> Path:
        if variant not in sources:
            sources[variant] = FIXTURE if variant == "fixture" else make_variant(variant, base / f"src-{variant}")
        if (variant, clearance) not in built:
            out = base / f"site-{variant}-{clearance}"
            _build(sources[variant], out, clearance)
            built[(variant, clearance)] = out
        return built[(variant, clearance)]

    get.sources = sources
    return get


# -- scanning ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hit:
    path: str      # output file, relative; 'reports/x.xlsx!xl/sharedStrings.xml' for a file in a zip
    offset: int    # byte offset in the file (after unpacking when marked so), -1 for the path itself
    token: str
    unpacked: bool
    context: str
    level: str

    def __str__(self) -> str:
        where = "in the file name" if self.offset < 0 else \
            f"at byte {self.offset}" + (" (after gunzip/unzip)" if self.unpacked else "")
        return f"{self.path} {where}: {self.token!r} in ...{self.context}..."


def _contents(rel: str, data: bytes, unpacked: bool = False):
    """(name, bytes, unpacked) as a reader gets them: gzip (Pagefind's index and fragments) is
    decompressed, a zip (a report's .xlsx) is opened and each member read."""
    while data[:2] == b"\x1f\x8b":
        data, unpacked = gzip.decompress(data), True
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                if not member.is_dir():
                    yield from _contents(f"{rel}!{member.filename}", archive.read(member), True)
        return
    yield rel, data, unpacked


def scan(site: Path) -> tuple[list[Hit], int, int]:
    """Every canary in the output: (hits, files scanned, bytes scanned after unpacking)."""
    hits, files, size = [], 0, 0
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if not path.is_file():
            continue
        files += 1
        for name, data, unpacked in _contents(rel, path.read_bytes()):
            for m in LEAK.finditer(name.encode()):
                hits.append(Hit(name, -1, m.group(0).decode(), unpacked, name, m.group(1).decode().lower()))
            size += len(data)
            for m in LEAK.finditer(data):
                context = data[max(0, m.start() - 60):m.end() + 20].decode("utf-8", "replace")
                hits.append(Hit(name, m.start(), m.group(0).decode("utf-8", "replace"), unpacked,
                                context.replace("\n", "\\n"), m.group(1).decode().lower()))
            for form, level in BASE64:
                for m in re.finditer(re.escape(form), data):
                    hits.append(Hit(name, m.start(), f"base64 of canary-{level}-", unpacked,
                                    data[max(0, m.start() - 40):m.end() + 20].decode("utf-8", "replace"), level))
    return hits, files, size


def leaks(site: Path, clearance: str) -> list[Hit]:
    return [h for h in scan(site)[0] if rank(h.level) > rank(clearance)]


def _report(found: list[Hit], limit: int = 40) -> str:
    return f"{len(found)} canaries above the clearance:\n" + "\n".join(map(str, found[:limit]))


def source_tokens(root: Path) -> dict[str, str]:
    """Canary token as written (case kept) -> level, from file contents and file names,
    leaving out translations (only the default language is built)."""
    tokens = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or TRANSLATION.search(path.name) or path.name == "README.md":
            continue
        rel = path.relative_to(root).as_posix()
        text = rel + "\n" + (path.read_text(encoding="utf-8", errors="replace") if path.suffix in
                             (".md", ".yml", ".svg", ".pdf") else "")
        for m in TOKEN.finditer(text):
            tokens[m.group(0)] = m.group(1).lower()
    return tokens


def _gather(site: Path) -> bytes:
    parts = []
    for path in sorted(site.rglob("*")):
        if path.is_file():
            for name, data, _ in _contents(path.relative_to(site).as_posix(), path.read_bytes()):
                parts += [name.encode(), data]
    return b"\n".join(parts)


# -- the fixture itself ------------------------------------------------------------------------
def test_fixture_passes_strict_check():
    result = subprocess.run([sys.executable, "-m", "mspsite", "check", "--strict", "--clearance", "internal",
                             str(FIXTURE)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def _resolve(node: dict) -> dict:
    """A schema node with its $ref followed (mspsite's own resolver), its own keys kept."""
    from mspsite.schemas import resolve

    return {**resolve(node), **{k: v for k, v in node.items() if k != "$ref"}}


def visibility_mappings() -> dict[str, set[str]]:
    """For each file kind, the dotted paths of the mappings that accept 'visibility'
    ('' is the item itself), read from the JSON schemas."""
    found: dict[str, set[str]] = {}

    def walk(node, path, kind):
        node = _resolve(node)
        if "visibility" in (node.get("properties") or {}):
            found.setdefault(kind, set()).add(path)
        for key, sub in (node.get("properties") or {}).items():
            walk(sub, f"{path}.{key}" if path else key, kind)
        if isinstance(node.get("items"), dict):
            walk(node["items"], f"{path}.*" if path else "*", kind)
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], f"{path}.<key>", kind)
        for sub in node.get("anyOf", []) + node.get("oneOf", []) + node.get("allOf", []):
            walk(sub, path, kind)

    for file in sorted(SCHEMAS.glob("*.schema.json")):
        kind = file.name.removesuffix(".schema.json")
        if kind != "common":
            walk(json.loads(file.read_text()), "", kind)
    return found


def _has_free_text(kind: str, path: str) -> bool:
    """Whether entries at this schema path have any field that can hold a canary."""
    node = _resolve(json.loads((SCHEMAS / f"{kind}.schema.json").read_text()))
    for part in [p for p in path.split(".") if p]:
        node = _resolve(node["items"] if part == "*" else node["properties"][part])
    return any(_resolve(sub).get("type") in ("string", ["string", "object"]) and "enum" not in _resolve(sub)
               for key, sub in (node.get("properties") or {}).items() if key != "visibility")


def hidden_mappings(raw) -> list[tuple[str, str, str, dict, str]]:
    """(kind, schema path, effective level, mapping, file) of every mapping in the fixture whose
    effective visibility (the strictest on its way from the item) is above public."""
    from mspsite.visibility import visibility_rank

    found = []
    for doc in raw.documents:
        if doc.lang:
            continue

        def walk(node, path, level):
            if isinstance(node, dict):
                if "visibility" in node and visibility_rank(node["visibility"]) > visibility_rank(level):
                    level = node["visibility"]
                if level != "public" and ("visibility" in node or path == ""):
                    found.append((doc.kind.name, path, level, node, doc.path))
                for key, value in node.items():
                    walk(value, f"{path}.{key}" if path else key, level)
            elif isinstance(node, list):
                for value in node:
                    walk(value, f"{path}.*" if path else "*", level)

        walk(doc.data, "", "public")
    return found


# Kinds that are one file, not a folder of items: hiding them as a whole is covered by the
# "extra" variant (test_single_file_kinds_hidden_as_a_whole), not by the fixture.
COVERED_BY_VARIANT = {("glossary", ""), ("partnership", "")}


def test_fixture_covers_every_kind_and_nested_mapping_with_visibility():
    """Fails when a schema gains a kind or a nested mapping with 'visibility' that the fixture
    does not hide, or when a hidden mapping carries no canary of its own level."""
    from mspsite.load import load_project
    from mspsite.settings import resolve_settings

    raw = load_project(resolve_settings(FIXTURE))
    hidden = hidden_mappings(raw)
    required = {(kind, path) for kind, paths in visibility_mappings().items() for path in paths}
    assert ("goal", "outcomes.*.indicators.*.measurements.*") in required   # the introspection works
    covered = {(kind, path) for kind, path, *_ in hidden}
    missing = sorted(required - covered - COVERED_BY_VARIANT)
    assert not missing, f"hide one of each in tests/fixtures/canary (with canaries): {missing}"
    for kind, path, level, node, file in hidden:
        if not _has_free_text(kind, path):
            continue   # such as anonymous assessment responses: checked through aggregates below
        text = json.dumps(node) + (file if path == "" else "")
        levels = {m.group(1).lower() for m in TOKEN.finditer(text)}
        assert level in levels, f"{file}: hidden {kind} {path or 'item'} ({level}) carries no canary of its level"
    # ids, file names and images carry the canary too
    for kind, path, level, node, file in hidden:
        if path == "" and kind not in ("glossary", "partnership"):
            assert f"canary-{level}-" in file, f"{file}: a {level} item's file name needs its canary"
        if "id" in node and isinstance(node["id"], str):
            assert f"canary-{level}-" in node["id"], f"{file}: hidden {path} id {node['id']!r} has no canary"
        for field in ("image", "logo", "document"):
            if field in node:
                assert f"canary-{level}-" in node[field].lower(), f"{file}: {field} {node[field]!r} has no canary"
    item_kinds = {kind.name for kind in KINDS.values() if kind.folder}
    for level in HIDDEN_LEVELS:
        kinds_at_level = {kind for kind, path, lv, *_ in hidden if path == "" and lv == level}
        assert item_kinds <= kinds_at_level, f"no {level} item of kinds {sorted(item_kinds - kinds_at_level)}"


def test_scanner_finds_canaries_however_they_are_stored(tmp_path):
    """The scanner itself: plain, in a file name, gzip-compressed, in a zip, without hyphens
    (Pagefind's words) and base64-encoded (a data: URI) at every alignment."""
    (tmp_path / "a.html").write_bytes(b"<p>CANARY-partners-story-1</p>")
    (tmp_path / "canary-internal-page-1").mkdir()
    (tmp_path / "canary-internal-page-1" / "index.html").write_bytes(b"x")
    (tmp_path / "b.pf_fragment").write_bytes(gzip.compress(b"pagefind_dcd{canary-funders-x-1}"))
    (tmp_path / "c.pf_index").write_bytes(gzip.compress(b"pagefind_dcd\x83canaryinternalpage1"))
    with zipfile.ZipFile(tmp_path / "d.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", "<t>CANARY-partners-risk-1</t>")
    for shift in range(3):
        (tmp_path / f"e{shift}.html").write_bytes(b'<img src="data:image/svg+xml;base64,' + base64.b64encode(
            b"x" * shift + b"<svg><title>CANARY-internal-story-1</title></svg>") + b'">')
    found = {(h.path, h.level) for h in leaks(tmp_path, "public")}
    assert found >= {("a.html", "partners"), ("canary-internal-page-1/index.html", "internal"),
                     ("b.pf_fragment", "funders"), ("c.pf_index", "internal"),
                     ("d.xlsx!xl/sharedStrings.xml", "partners"),
                     ("e0.html", "internal"), ("e1.html", "internal"), ("e2.html", "internal")}, found
    assert not leaks(tmp_path, "internal")


# -- the leak scan -----------------------------------------------------------------------------
@pytest.mark.parametrize("clearance", LEVELS)
def test_no_canary_above_the_clearance_in_any_output(clearance, sites):
    """Every output file and path of a build, unpacked where compressed."""
    site = sites("fixture", clearance)
    found = leaks(site, clearance)
    assert not found, _report(found)


@pytest.mark.parametrize("clearance", LEVELS)
def test_canaries_at_or_below_the_clearance_appear(clearance, sites):
    """The scan can fail: what this readership may see is in the build, text and ids alike."""
    site = sites("fixture", clearance)
    everything = _gather(site)
    expected = {t for t, level in source_tokens(FIXTURE).items() if rank(level) <= rank(clearance)}
    missing = sorted(t for t in expected if t.encode() not in everything)
    assert not missing, f"{len(missing)} canaries this readership may see are missing: {missing[:30]}"
    if clearance != "public":
        assert expected, "no canary at this level in the fixture"
    # and the scanner finds them where they are: ids in paths, text in gzip-compressed search fragments
    hits = scan(site)[0]
    if clearance != "public":
        assert any(h.offset < 0 for h in hits), "no canary found in an output path"
        assert any(h.unpacked and h.path.startswith("pagefind/") for h in hits), "none found in Pagefind"
    if clearance in ("funders", "partners", "internal"):
        assert any(".xlsx!" in h.path for h in hits), "none found inside a report's spreadsheet"


# Regression tests for the leaks found by the scan (failing at 8d28f6a, fixed in d99033c): each
# names the one place, so a failure says where to look.
def test_open_data_does_not_name_hidden_items(sites):
    """data/*.json carried the raw Markdown of public items, whose links named hidden items'
    files, such as '../stories/canary-internal-story-1.md'."""
    site = sites("fixture", "public")
    found = [h for h in leaks(site, "public") if h.path.startswith("data/") and h.path.endswith((".json", ".csv"))]
    assert not found, _report(found)


def test_fixture_hides_text_in_comments_and_unused_definitions():
    """The never-shown canaries stand where issue 8 found them published: in HTML comments and
    unused link definitions (addresses and titles), in a body and in Markdown fields of YAML."""
    found: dict[str, set[str]] = {}
    for path in sorted(FIXTURE.rglob("*")):
        if path.is_file() and path.suffix in (".md", ".yml") and path.name != "README.md":
            for m in re.finditer(r"CANARY-never-(comment|refurl|reftitle)-\d+", path.read_text(encoding="utf-8")):
                found.setdefault(m.group(1), set()).add(path.suffix)
    assert found == {"comment": {".md", ".yml"}, "refurl": {".md", ".yml"}, "reftitle": {".md", ".yml"}}, found


@pytest.mark.parametrize("clearance", ("public", "internal"))
def test_open_data_and_iati_publish_no_comment_or_unused_definition(clearance, sites):
    """data/*.json and data/iati-activities.xml published Markdown as written: an editor's
    '<!-- ... -->' and '[x]: ../decisions/hidden.md "title"' no link uses went out verbatim."""
    site = sites("fixture", clearance)
    assert (site / "data/iati-activities.xml").is_file()
    found = [h for h in scan(site)[0] if h.level == NEVER]
    assert not found, _report(found)


def test_used_definitions_and_comments_in_code_stay(sites):
    """What a page shows is kept, on the page and in open data: definitions that links use
    (the last of an id), and '<!--' or '[x]:' inside code."""
    site = sites("fixture", "public")
    page = (site / "governance/decisions/public-decision/index.html").read_text(encoding="utf-8")
    assert '<a href="https://example.org/used-reference-1" title="used-title-1">the work plan</a>' in page
    assert '<a href="https://example.org/used-reference-2">the budget</a>' in page
    assert "<code>&lt;!-- kept-in-code-1 --&gt;</code>" in page
    assert "&lt;!-- kept-in-code-2 --&gt;\n[kept-in-code-3]: https://example.org/kept-in-code-3" in page
    text = json.loads((site / "data/decisions.json").read_text(encoding="utf-8"))["public-decision"]["text"]
    for kept in ('[plan]: https://example.org/used-reference-1 "used-title-1"',
                 "[dup]: https://example.org/used-reference-2", "`<!-- kept-in-code-1 -->`",
                 "```\n<!-- kept-in-code-2 -->\n[kept-in-code-3]: https://example.org/kept-in-code-3\n```"):
        assert kept in text
    assert "<!--" not in text.replace("<!-- kept-in-code-", "")


def test_page_head_does_not_name_hidden_items(sites):
    """<meta name=description> and og:description on every page came from the partnership's
    summary through |striptags, which leaves Markdown link syntax, and so a hidden page's file."""
    site = sites("fixture", "public")
    found = [h for h in leaks(site, "public") if h.path.endswith(".html") and
             b"<meta" in (site / h.path).read_bytes()[max(0, h.offset - 400):h.offset]
             and b"</head>" in (site / h.path).read_bytes()[h.offset:]]
    assert not found, _report(found)


def test_home_page_vision_does_not_name_hidden_items(sites):
    """The home page showed p.vision|striptags: raw Markdown, a hidden page's file name in it
    (and so in the search index)."""
    site = sites("fixture", "public")
    found = [h for h in leaks(site, "public") if h.path == "index.html" and
             b'class="vision"' in (site / h.path).read_bytes()[max(0, h.offset - 300):h.offset]]
    assert not found, _report(found)


# -- links to hidden items -----------------------------------------------------------------------
LINK_TEXT = re.compile(r"hidden (\w+) \((funders|partners|internal)\)")


@pytest.mark.parametrize("clearance", LEVELS)
def test_links_to_hidden_items_render_as_plain_text(clearance, sites):
    """pages/links.md links to every hidden item (inline, reference and titled links): above
    the clearance the words stay and the link goes; at or below it, the link leads to the page."""
    import html5lib

    site = sites("fixture", clearance)
    doc = html5lib.parse((site / "pages/links/index.html").read_bytes(), namespaceHTMLElements=False)
    parents = {child: parent for parent in doc.iter() for child in parent}
    seen = set()
    for el in doc.iter():
        text = el.text or ""
        for m in LINK_TEXT.finditer(text):
            kind, level = m.groups()
            seen.add((kind, level))
            if rank(level) > rank(clearance):
                assert el.tag != "a" and parents[el].tag != "a", f"hidden {kind} ({level}) is still a link"
            else:
                assert el.tag == "a", f"{kind} ({level}) should be a link at {clearance}"
                assert f"canary-{level}-" in el.get("href", ""), el.get("href")
    assert len(seen) == 13 * 3, f"link texts found: {len(seen)}"
    # no URL anywhere in the HTML names a hidden item
    for page in site.rglob("*.html"):
        for m in re.finditer(rb'(?:href|src|srcset|action|data)="([^"]*)"', page.read_bytes()):
            for hit in LEAK.finditer(m.group(1)):
                assert rank(hit.group(1).decode()) <= rank(clearance), \
                    f"{page.relative_to(site)}: URL {m.group(1).decode()!r} names a hidden item"


# -- aggregates count visible entries only -------------------------------------------------------
def _parse(site: Path, rel: str):
    import html5lib

    return html5lib.parse((site / rel).read_bytes(), namespaceHTMLElements=False)


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


# budget/2025.yml: public lines income 1000 + 20, planned 500 + 3, actual 400 + 2; a funders, a
# partners and an internal line in each list (2024.yml: 5000 income, 3000 planned, 2500 actual)
FINANCE = {   # clearance: (income, planned, actual, lines not shown) of budget/2025.yml
    "public": ("€1,020", "€503", "€402", 6),
    "funders": ("€21,020", "€60,503", "€50,402", 4),
    "partners": ("€321,020", "€760,503", "€650,402", 2),
    "internal": ("€4,321,020", "€8,760,503", "€9,650,402", 0),
}
ALL_PERIODS = {   # the finances overview adds 2024 and the hidden periods the readership may see
    "public": "€6,020", "funders": "€81,575", "partners": "€437,130", "internal": "€4,492,685",
}


@pytest.mark.parametrize("clearance", LEVELS)
def test_finance_totals_count_visible_lines_only(clearance, sites):
    site = sites("fixture", clearance)
    doc = _parse(site, "finances/2025/index.html")
    totals = {}
    for table in doc.iter("table"):
        caption, foot = table.find("caption"), table.find("tfoot")
        if caption is not None and foot is not None:
            totals[_text(caption)] = [_text(td) for td in foot.iter("td")]
    income, planned, actual, withheld = FINANCE[clearance]
    assert totals["Income by source"][0] == income
    assert totals["Expenditure by category"][:2] == [planned, actual]
    notes = [_text(p) for p in doc.iter("p") if p.get("class") == "withheld"]
    if withheld:
        assert notes == [f"{withheld} lines are not shown to this readership and not counted in these totals."]
    else:
        assert notes == []
    overview = _parse(site, "finances/index.html")
    row = next(tr for tr in overview.iter("tr") if "All periods" in _text(tr))
    assert [_text(td) for td in row.iter("td")][0] == ALL_PERIODS[clearance]
    # the open data agrees: the 2025 lines this readership may see, no more
    lines = (site / "data/budget-lines.csv").read_text(encoding="utf-8").splitlines()
    assert sum(1 for line in lines if line.startswith("2025,")) == 10 - withheld


ASSESSMENT = {   # clearance: (responses, average for clear-goals) of assessments/2025.yml
    "public": (2, "1.5"), "funders": (3, "2.7"), "partners": (4, "3.2"), "internal": (5, "3.6"),
}


@pytest.mark.parametrize("clearance", LEVELS)
def test_hidden_assessment_responses_are_not_counted(clearance, sites):
    """Responses have no text to carry a canary: their count and the averages show them."""
    site = sites("fixture", clearance)
    count, average = ASSESSMENT[clearance]
    doc = _parse(site, "factors/assessments/2025/index.html")
    assert f"· {count} responses" in " ".join(_text(p) for p in doc.iter("p") if p.get("class") == "meta")
    rows = {(_text(tr.find("th"))): [_text(td) for td in tr.iter("td")] for tr in doc.iter("tr")
            if tr.find("th") is not None and tr.find("td") is not None}
    assert rows["Clear goals"] == [average, str(count)]
    # factors scored only by a hidden response show no average
    only = {"Learning": "funders", "Networking": "partners", "Monitoring": "internal"}
    for factor, level in only.items():
        assert (rows[factor][0] == "—") == (rank(level) > rank(clearance)), factor
    data = json.loads((site / "data/assessments.json").read_text(encoding="utf-8"))
    assert len(data["2025"]["responses"]) == count


@pytest.mark.parametrize("clearance", LEVELS)
def test_latest_measurement_is_the_latest_visible_one(clearance, sites):
    site = sites("fixture", clearance)
    doc = _parse(site, "index.html")
    numbers = [_text(p) for p in doc.iter("p") if p.get("class") == "big-number"]
    expected = {"public": "900", "funders": "1,900", "partners": "2,900", "internal": "3,900"}[clearance]
    assert f"{expected} households" in numbers


# -- variants: kinds hidden as a whole, raw HTML links, hidden references in aggregates -----------
def test_single_file_kinds_hidden_as_a_whole(sites, tmp_path):
    """glossary.yml with its own visibility: nothing of it in a public build. The partnership
    itself cannot be hidden (a portal without it has no name): the build refuses, writing nothing."""
    from mspsite.errors import ContentError

    site = sites("extra", "public")
    found = leaks(site, "public")
    assert not found, _report(found)
    everything = _gather(site)
    assert b"canary-funders-glossary-1" not in everything.lower()
    src = make_variant("hidden-partnership", tmp_path / "src")
    with pytest.raises(ContentError) as refused:
        _build(src, tmp_path / "site", "public")
    assert "partnership.yml:2:13: error: the partnership itself cannot be hidden" in refused.value.report.format()
    assert not (tmp_path / "site").exists()


def test_raw_html_link_to_hidden_item_is_plain_text(sites):
    """A raw HTML <a href> to a hidden item's file was published as written, although check
    warned that the text would be shown without the link."""
    site = sites("extra", "public")
    page = (site / "pages/raw-html/index.html").read_bytes()
    assert b"plain words" in page
    at = page.lower().find(b"canary-internal-story-1")
    assert at < 0, f"pages/raw-html/index.html at byte {at}: {page[max(0, at - 60):at + 40].decode()}"


def test_public_line_from_hidden_source_counts_as_other(tmp_path):
    """A public income line whose source stakeholder is hidden crashed the build with
    KeyError: 'source' (the reference was dropped, then read)."""
    src = make_variant("hidden-source", tmp_path / "src")
    out = tmp_path / "site"
    _build(src, out, "public")
    assert not leaks(out, "public")
    row = next(tr for tr in _parse(out, "finances/2024/index.html").iter("tr") if "Other" in _text(tr))
    assert "€7" in _text(row)
