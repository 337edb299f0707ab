"""Cross-site scripting: a partnership whose every Markdown body and every free-text YAML field
holds vectors from tests/fixtures/xss/vectors.txt (OWASP filter-evasion style) is built, every
HTML page is parsed as a browser would (html5lib) and checked for script, event handlers,
dangerous URLs, frames, forms, styles; then every page is opened in Chromium and must neither
open a dialog nor set window.__xss.

Contributor content is untrusted (mspsite/markup.py), including YAML fields: a partner's name
is typed by whoever opens the pull request."""

from __future__ import annotations

import functools
import http.server
import json
import math
import os
import re
import shutil
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import html5lib   # parses like a browser; in the test extra (pyproject.toml)
import pytest

from mspsite.csp import POLICY

pytestmark = pytest.mark.xdist_group("xss")   # its portals are built once per worker

ROOT = Path(__file__).parent.parent
STARTER = ROOT / "mspsite" / "starter"
SCHEMAS = ROOT / "mspsite" / "schemas"
VECTORS_FILE = Path(__file__).parent / "fixtures" / "xss" / "vectors.txt"
SOURCE_DATE_EPOCH = "1795824000"   # 2026-11-28, as in conftest.py
SITE_URL = "https://example.org/xss/"

CHUNKS = 6   # items per kind: item j holds the j-th sixth of the corpus (titles and names: five of it)
MARKDOWN_FOLDERS = ("decisions", "meetings", "lessons", "stories", "events", "pages")
XSS_IMAGE = 'media/a" onerror="window.__xss=1;alert(1)" x=".svg'   # a file name that is itself a vector
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" role="img"><title>x</title>'
       '<rect width="10" height="10" fill="#2f6f4f"/></svg>\n')


# -- the corpus --------------------------------------------------------------------------------
def _unescape(line: str) -> str:
    out, i = [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line) and line[i + 1] in "ntr\\":
            out.append({"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}[line[i + 1]])
            i += 2
        else:
            out.append(line[i])
            i += 1
    return "".join(out)


def load_vectors() -> list[str]:
    vectors = []
    for line in VECTORS_FILE.read_text(encoding="utf-8").split("\n"):
        if not line.strip() or line.startswith("##"):
            continue
        vectors.append(_unescape(line))
    return vectors


VECTORS = load_vectors()
TEMPLATE_VECTORS = [v for v in VECTORS if "{{" in v or "{%" in v or "${" in v or "#{" in v or "<%" in v]


def test_corpus_is_large_and_varied():
    assert len(VECTORS) >= 100
    assert len(set(VECTORS)) == len(VECTORS), "duplicate vectors"
    text = "\n".join(VECTORS).lower()
    for needle in ("<script", "onerror", "onload", "ontoggle", "javascript:", "vbscript:", "data:text/html",
                   "&#x6a;", "jav\tascript", "java\nscript", "<iframe", "<object", "<embed", "<form", "<base",
                   "http-equiv", "expression(", "url(javascript", "<svg", "xlink:href", "](javascript:",
                   "![x](javascript:", "<javascript:", "<!--", "<math", "onmouseover", "{{ 7*7 }}",
                   "{% raw %}", "]: javascript:"):
        assert needle in text, f"the corpus has no vector with {needle!r}"


def _page_groups(size: int = 8) -> list[list[str]]:
    """Vectors grouped for free pages. A vector that swallows the Markdown block after or before
    it (an unclosed <script>) would hide its neighbours, so it gets a page of its own."""
    from mspsite.markup import to_html

    mark = "zzsentinelzz"
    alone = [v for v in VECTORS if v in TEMPLATE_VECTORS or mark not in to_html(f"{v}\n\n{mark}")
             or mark not in to_html(f"{mark}\n\n{v}")]
    rest = [v for v in VECTORS if v not in alone]
    return [[v] for v in alone] + [rest[k:k + size] for k in range(0, len(rest), size)]


PAGE_GROUPS = _page_groups()


# -- the partnership ---------------------------------------------------------------------------
def _q(value) -> str:
    """A YAML 1.2 double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _chunk(j: int) -> list[str]:
    size = math.ceil(len(VECTORS) / CHUNKS)
    return VECTORS[j * size:(j + 1) * size]


def _text(j: int) -> str:
    """Chunk j as one text value: every vector, separated so each starts a Markdown block."""
    return "\n\n".join(_chunk(j))


def _urls() -> list[str]:
    """Vectors that still pass the schema's url pattern, for website/url/repository fields."""
    found = []
    for v in VECTORS:
        for prefix in ("https://example.org/", "mailto:x@example.org?"):
            if re.fullmatch(r"(https?://|mailto:)\S+", prefix + v):
                found.append(prefix + v)
    return found


URLS = _urls()


def _url(j: int) -> str:
    return URLS[j % len(URLS)]


def _list(values, indent="  ") -> str:
    return "".join(f"{indent}- {_q(v)}\n" for v in values)


class Raw(str):
    """A value written into YAML as it is (a list, a date), not as a quoted string."""


def _front(fields: dict, body: str) -> str:
    lines = [f"{k}: {v if isinstance(v, (Raw, int, float)) else _q(v)}" for k, v in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


def write_project(root: Path) -> dict[str, list[str]]:
    """The XSS partnership: the starter plus items whose text is the corpus. Returns, for each
    schema path that holds free text (such as 'goal:outcomes.*.title'), the vectors put there."""
    shutil.copytree(STARTER, root)
    placed: dict[str, list[str]] = {}

    def put(where: str, values):
        placed.setdefault(where, []).extend([values] if isinstance(values, str) else values)

    def w(rel: str, text: str):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")

    w("media/xss.svg", SVG)
    w(XSS_IMAGE, SVG)
    w("media/xss.pdf", "%PDF-1.4\n%%EOF\n")

    everything = "\n\n".join(VECTORS)
    joined = " ".join(VECTORS)
    w("mspsite.yml", f"""title: {_q(joined)}
site_url: {SITE_URL}
languages: [en]
repository: {_q(_url(0))}
branch: {_q(_chunk(0)[0])}
currency: EUR
default_visibility: public
theme: portal
logo: {_q(XSS_IMAGE)}
footer: {_q(_text(2))}
iati:
  identifier: {_q(joined)}
  reporting_org: {{ref: {_q(_chunk(1)[0])}, type: 40, name: {_q(_text(1))}}}
""")
    put("mspsite:title", VECTORS)
    put("mspsite:branch", _chunk(0)[0])
    put("mspsite:footer", _chunk(2))   # on every page: one chunk keeps the site small
    put("mspsite:iati.identifier", VECTORS)
    put("mspsite:iati.reporting_org.ref", _chunk(1)[0])
    put("mspsite:iati.reporting_org.name", _chunk(1))

    # partnership.yml: every vector in every text field (lists hold one vector per entry)
    staff = "".join(f"    - {{name: {_q(v)}, role: {_q(v)}, phone: {_q(v)}, fte: 0.1, visibility: public}}\n"
                    for v in VECTORS)
    champions = "".join(f"  - {{name: {_q(v)}, title: {_q(v)}, organisation: ministry, statement: {_q(v)}}}\n"
                        for v in VECTORS)
    channels = "".join(f"  - {{name: {_q(v)}, kind: {_q(v)}, audience: {_q(v)}, url: {_q(_url(i))}, "
                       f"description: {_q(v)}}}\n" for i, v in enumerate(VECTORS))
    w("partnership.yml", f"""name: {_q(" ".join(_chunk(0)))}
acronym: {_q(" ".join(_chunk(1)))}
summary: {_q(everything)}
vision: {_q(everything)}
mission: {_q(everything)}
founded: 2025-01-15
phase: initiation
countries: [KE]
sdgs: [7]
core_group: [ministry, community-network]
secretariat:
  host: community-network
  neutrality: {_q(everything)}
  staff:
{staff}  contact: {{name: {_q(joined)}, role: {_q(joined)}, phone: {_q(joined)}, email: secretariat@example.org}}
champions:
{champions}channels:
{channels}agreement:
  kind: {_q(joined)}
  signed: 2025-06-01
  document: media/xss.pdf
  summary: {_q(everything)}
factors: [clear-goals, neutral-secretariat]
""")
    put("partnership:name", _chunk(0))   # in the header of every page: one chunk each
    put("partnership:acronym", _chunk(1))
    for path in ("summary", "vision", "mission", "secretariat.neutrality",
                 "secretariat.staff.*.name", "secretariat.staff.*.role", "secretariat.staff.*.phone",
                 "secretariat.contact.name", "secretariat.contact.role", "secretariat.contact.phone",
                 "champions.*.name", "champions.*.title", "champions.*.statement", "channels.*.name",
                 "channels.*.kind", "channels.*.audience", "channels.*.description", "agreement.kind",
                 "agreement.summary"):
        put(f"partnership:{path}", VECTORS)

    # glossary: one term per vector, the vector in every field
    seen, terms = set(), ""
    for i, v in enumerate(VECTORS):
        term = v if v.casefold() not in seen else f"{v} #{i}"   # terms are unique regardless of case
        seen.add(term.casefold())
        aliases = f"    aliases: [{_q(v + ' alias')}]\n" if i % 8 == 0 else ""   # each alias is one more pattern
        terms += (f"  - term: {_q(term)}\n    definition: {_q(v)}\n{aliases}"
                  f"    usage:\n      - {{sector: public, says: {_q(v)}}}\n")
    w("glossary.yml", "terms:\n  - term: Clean energy\n    definition: Energy with little smoke.\n" + terms)
    for path in ("terms.*.term", "terms.*.definition", "terms.*.usage.*.says"):
        put(f"glossary:{path}", VECTORS)
    put("glossary:terms.*.aliases.*", VECTORS[::8])

    for j in range(CHUNKS):
        vs, one, text = _chunk(j), " ".join(_chunk(j)), _text(j)

        def few(k: int) -> list[str]:
            """Five vectors of the chunk, a different five for each k: titles and names are
            repeated on many pages (menus, lists, breadcrumbs), whole chunks would bloat the site."""
            return [vs[(5 * k + n) % len(vs)] for n in range(5)]

        def title(k: int) -> str:
            return _q(" ".join(few(k))) if j != 1 else f"{{en: {_q(' '.join(few(k)))}}}"   # text may be a mapping

        sh = f"xss-{j}"
        image = XSS_IMAGE if j == 0 else "media/xss.svg"
        w(f"stakeholders/{sh}.yml", f"""name: {title(0)}
short_name: {_q(one)}
sector: private
website: {_q(_url(j))}
logo: {_q(image)}
description: {_q(text)}
joined: 2025-02-01
interests:
{_list(vs)}contributions:
{"".join(f"  - {{kind: in-kind, description: {_q(v)}}}{chr(10)}" for v in vs)}iati_ref: {_q(one)}
contact: {{name: {_q(one)}, role: {_q(one)}, phone: {_q(one)}, email: x{j}@example.org, visibility: partners}}
factors: [stakeholder-involvement]
""")
        put("stakeholder:name", few(0))
        for path in ("short_name", "description", "interests.*", "contributions.*.description", "iati_ref",
                     "contact.name", "contact.role", "contact.phone"):
            put(f"stakeholder:{path}", vs)

        w(f"bodies/xss-{j}.yml", f"""name: {title(1)}
kind: working-group
mandate: {_q(text)}
meets: {_q(one)}
members:
{"".join(f"  - {{stakeholder: {sh}, role: {_q(v)}}}{chr(10)}" for v in vs)}responsibilities:
{"".join(f"  - {{stakeholder: {sh}, task: {_q(v)}, kind: responsible}}{chr(10)}" for v in vs)}factors: [clear-roles]
""")
        put("body:name", few(1))
        for path in ("mandate", "meets", "members.*.role", "responsibilities.*.task"):
            put(f"body:{path}", vs)

        measurements = "".join(f"          - {{date: 2025-{1 + k % 12:02d}-{1 + k // 12:02d}, value: {100 + k}, "
                               f"note: {_q(v)}, source: {_q(v)}}}\n" for k, v in enumerate(vs))
        qualitative = "".join(f"          - {{date: 2025-{1 + k % 12:02d}-{1 + k // 12:02d}, value: {_q(v)}}}\n"
                              for k, v in enumerate(vs))
        w(f"goals/xss-{j}.yml", f"""title: {title(2)}
description: {_q(text)}
sdgs: [7]
interests:
{"".join(f"  - {{stakeholder: {sh}, interest: {_q(v)}}}{chr(10)}" for v in vs)}outcomes:
  - id: outcome
    title: {title(3)}
    description: {_q(text)}
    indicators:
      - id: counted
        title: {title(4)}
        description: {_q(text)}
        unit: {_q(one)}
        measure: number
        direction: increase
        baseline: {{value: 1, date: 2024-01-01, note: {_q(one)}}}
        target: {{value: 1000, date: 2028-12-31, note: {_q(one)}}}
        responsible: {sh}
        source: {_q(one)}
        measurements:
{measurements}      - id: described
        title: {title(5)}
        measure: qualitative
        measurements:
{qualitative}factors: [clear-goals]
""")
        put("goal:title", few(2))
        put("goal:outcomes.*.title", few(3))
        put("goal:outcomes.*.indicators.*.title", few(4) + few(5))
        for path in ("description", "interests.*.interest", "outcomes.*.description",
                     "outcomes.*.indicators.*.description",
                     "outcomes.*.indicators.*.unit", "outcomes.*.indicators.*.baseline.note",
                     "outcomes.*.indicators.*.target.note", "outcomes.*.indicators.*.source",
                     "outcomes.*.indicators.*.measurements.*.note", "outcomes.*.indicators.*.measurements.*.source"):
            put(f"goal:{path}", vs)

        income = "".join(f"  - {{source: {sh}, kind: cash, status: received, amount: {k + 1}, goal: xss-{j}, "
                         f"description: {_q(v)}}}\n" for k, v in enumerate(vs))
        spending = "".join(f"  - {{category: other, goal: xss-{j}, planned: {k + 2}, actual: {k + 1}, "
                           f"description: {_q(v)}}}\n" for k, v in enumerate(vs))
        w(f"budget/xss-{j}.yml", f"""title: {title(6)}
period: {{start: {2010 + j}-01-01, end: {2010 + j}-12-31}}
income:
{income}expenditure:
{spending}factors: [transparency]
""")
        put("budget:title", few(6))
        for path in ("income.*.description", "expenditure.*.description"):
            put(f"budget:{path}", vs)

        if j < 2:   # a report page repeats every partner and body: two reports, half the corpus each
            rv = VECTORS[j * len(VECTORS) // 2:(j + 1) * len(VECTORS) // 2]
            rone, rtext = " ".join(rv), "\n\n".join(rv)
            risks = "".join(f"  - {{risk: {_q(v)}, likelihood: {_q(v)}, impact: {_q(v)}, mitigation: {_q(v)}}}\n"
                            for v in rv)
            w(f"reports/xss-{j}.yml", f"""title: {_q(" ".join(rv[:5]))}
period: {{start: {2010 + j}-01-01, end: {2010 + j}-12-31}}
funder: {sh}
date: {2011 + j}-02-01
version: {_q(rone)}
summary: {_q(rtext)}
sections: [results, finances, decisions, lessons, risks, outlook]
risks:
{risks}outlook: {_q(rtext)}
factors: [transparency]
""")
            put("report:title", rv[:5])
            for path in ("version", "summary", "risks.*.risk", "risks.*.likelihood", "risks.*.impact",
                         "risks.*.mitigation", "outlook"):
                put(f"report:{path}", rv)

        w(f"initiatives/xss-{j}.yml", f"""name: {title(7)}
url: {_q(_url(j + 1))}
kind: network
relation: exchange
description: {_q(text)}
factors: [networking]
""")
        put("initiative:name", few(7))
        put("initiative:description", vs)

        w(f"assessments/xss-{j}.yml", f"""title: {title(8)}
date: 2025-11-{10 + j}
method: {_q(one)}
summary: {_q(text)}
responses:
  - scores: {{clear-goals: 4, transparency: 3}}
    sector: private
""")
        put("assessment:title", few(8))
        for path in ("method", "summary"):
            put(f"assessment:{path}", vs)

        # Markdown items: the chunk in the body and in every front matter text field
        listed = Raw("[" + ", ".join(_q(v) for v in vs) + "]")
        w(f"decisions/xss-{j}.md", _front({
            "title": " ".join(few(9)), "date": Raw(f"2025-03-{10 + j}"), "body": "steering-committee",
            "status": "adopted", "method": "consensus", "participants": Raw(f"[ministry, {sh}]"),
            "goals": Raw(f"[xss-{j}]"), "summary": one, "factors": Raw("[inclusive-decision-making]")}, text))
        w(f"meetings/xss-{j}.md", _front({
            "title": " ".join(few(10)), "date": Raw(f"2025-03-{10 + j}"), "body": f"xss-{j}",
            "attendees": Raw(f"[{sh}]"), "decisions": Raw(f"[xss-{j}]"), "location": one,
            "factors": Raw("[clear-roles]")}, text))
        w(f"lessons/xss-{j}.md", _front({
            "title": " ".join(few(11)), "date": Raw(f"2025-04-{10 + j}"), "kind": "insight",
            "stakeholders": Raw(f"[{sh}]"), "capacity_needs": listed, "summary": one,
            "factors": Raw("[learning]")}, text))
        w(f"stories/xss-{j}.md", _front({
            "title": " ".join(few(12)), "date": Raw(f"2025-05-{10 + j}"), "summary": one, "image": image,
            "image_alt": one, "tags": listed, "goals": Raw(f"[xss-{j}]"), "stakeholders": Raw(f"[{sh}]"),
            "factors": Raw("[external-communication]")}, text))
        w(f"events/xss-{j}.md", _front({
            "title": " ".join(few(13)), "date": Raw(f"2027-01-{10 + j}"), "location": one, "kind": "workshop",
            "initiatives": Raw(f"[xss-{j}]"), "stakeholders": Raw(f"[{sh}]"), "url": _url(j + 2),
            "factors": Raw("[networking]")}, text))
        for k, (kind, paths) in enumerate((("decision", ("summary",)), ("meeting", ("location",)),
                                           ("lesson", ("summary", "capacity_needs.*")),
                                           ("story", ("summary", "image_alt", "tags.*")), ("event", ("location",))),
                                          start=9):
            put(f"{kind}:title", few(k))
            for path in paths:
                put(f"{kind}:{path}", vs)
            put(f"{kind}:<body>", vs)

    # free pages: a few vectors each, as title, summary and body; alone when a vector swallows
    # what follows it, or is a template injection that must show up literally
    for n, group in enumerate(PAGE_GROUPS):
        fields = {"title": " ".join(group), "summary": " ".join(group), "factors": Raw("[context-analysis]")}
        if n < 6:
            fields["nav"] = 10 + n   # in the menu of every page
        w(f"pages/v{n:03d}.md", _front(fields, "\n\n".join(group)))
    put("page:title", VECTORS)
    put("page:summary", VECTORS)
    put("page:<body>", VECTORS)
    _make_link_targets(root)
    return placed


def _make_link_targets(root: Path) -> None:
    """Create every local file a Markdown body or a text field links to (x, x.png, ...): a broken
    link is an error that stops the build, and these tests are about what the renderer does."""
    import posixpath

    from mspsite import resolve_settings
    from mspsite.load import load_project
    from mspsite.kinds import get_path
    from mspsite.markup import link_targets
    from mspsite.schemas import text_paths

    for doc in load_project(resolve_settings(root)).documents:
        texts = [doc.body or ""]
        for at in text_paths(doc.kind.name, doc.data):
            value = get_path(doc.data, at)
            texts += list(value.values()) if isinstance(value, dict) else [value]
        for text in texts:
            if not isinstance(text, str):
                continue
            for _, url in link_targets(text):
                parts = urlsplit(url)
                if parts.scheme or url.startswith("//") or not parts.path or "\\" in url or "\x00" in url:
                    continue
                target = (root / posixpath.dirname(doc.path) / unquote(parts.path)).resolve()
                if target.is_relative_to(root.resolve()) and not target.exists():
                    try:
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_text("decoy\n", encoding="utf-8")
                    except OSError:
                        pass  # a name no file system takes; check reports it as such


# -- the schemas' free-text fields, to prove every one holds the corpus ------------------------
def _resolve(node: dict) -> dict:
    """A schema node with its $ref followed (mspsite's own resolver), its own keys kept."""
    from mspsite.schemas import resolve

    return {**resolve(node), **{k: v for k, v in node.items() if k != "$ref"}}


def free_text_fields() -> set[str]:
    """'kind:dotted.path' of every field a contributor may fill with any text."""
    found = set()

    def walk(node, path, kind):
        ref = node.get("$ref", "")
        if ref.endswith(("/id", "/date", "/url", "/email", "/path", "/country", "/currency", "/language",
                         "/factor", "/sector", "/visibility")):
            return
        node = _resolve(node)
        if ref.endswith("/text") or (node.get("type") == "string" and not
                                     {"pattern", "enum", "format", "const"} & set(node)):
            found.add(f"{kind}:{path}")
            return
        for key, sub in (node.get("properties") or {}).items():
            walk(sub, f"{path}.{key}" if path else key, kind)
        if isinstance(node.get("items"), dict):
            walk(node["items"], f"{path}.*", kind)
        for sub in node.get("anyOf", []) + node.get("oneOf", []):
            walk(sub, path, kind)

    for file in sorted(SCHEMAS.glob("*.schema.json")):
        kind = file.name.removesuffix(".schema.json")
        if kind != "common":
            walk(json.loads(file.read_text()), "", kind)
    return found


# Settings that name things rather than hold text; a vector there is an invalid setting.
NOT_CONTENT = {"mspsite:theme"}


@pytest.fixture(scope="module")
def xss_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("xss") / "partnership"
    placed = write_project(root)
    return root, placed


def test_every_free_text_field_and_markdown_body_holds_every_vector(xss_project):
    _, placed = xss_project
    missing = sorted(free_text_fields() - NOT_CONTENT - set(placed))
    assert not missing, f"free-text fields without vectors (add them to write_project): {missing}"
    yaml_fields = {v for where, vs in placed.items() if not where.endswith("<body>") for v in vs}
    bodies = {v for where, vs in placed.items() if where.endswith("<body>") for v in vs}
    assert set(VECTORS) <= yaml_fields and set(VECTORS) <= bodies
    for kind in ("decision", "meeting", "lesson", "story", "event", "page"):
        assert set(placed[f"{kind}:<body>"]) == set(VECTORS), kind
    assert sorted(v for group in PAGE_GROUPS for v in group) == sorted(VECTORS)
    assert all(len(group) == 1 for group in PAGE_GROUPS if set(group) & set(TEMPLATE_VECTORS))


@pytest.fixture(scope="module")
def xss_site(xss_project, tmp_path_factory):
    from mspsite.build import build

    root, _ = xss_project
    out = tmp_path_factory.mktemp("xss-site") / "site"
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    try:
        result = build(root, out, history=False)   # not strict: unsafe links are warnings
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    return out, result


def test_vectors_only_cause_warnings(xss_site):
    """The build went ahead (no errors), and check did notice the unsafe links."""
    _, result = xss_site
    codes = {d.code for d in result.report.diagnostics}
    assert "unsafe-link" in codes


# -- static checks on the parsed pages ---------------------------------------------------------
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "poster", "data", "background", "ping",
                  "cite", "lowsrc", "dynsrc", "codebase", "longdesc", "manifest", "icon", "xlink:href", "to",
                  "from", "values", "content"}
SAFE_DATA = re.compile(r"data:image/(png|gif|jpeg|webp|avif);", re.IGNORECASE)
FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "param", "base", "style",
                      "math", "template", "xmp", "noembed", "plaintext", "marquee", "isindex", "keygen",
                      "foreignobject", "animate", "set", "use", "image", "video", "audio", "source", "textarea"}
# The theme's own elements that content may never produce: allowed only in these forms.
THEME_FORMS = {"search-form", "filters"}
CHART_ELEMENTS = {"svg", "g", "rect", "line", "text", "title", "desc", "circle", "polyline", "path", "defs",
                  "pattern", "tspan"}


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _attr_name(key) -> str:
    if isinstance(key, tuple):   # html5lib gives (namespace, name) for foreign attributes
        key = key[1]
    key = str(key)
    if key.startswith("{http://www.w3.org/1999/xlink}"):
        return "xlink:" + key.rsplit("}", 1)[1]
    return key.rsplit("}", 1)[-1].lower()


def _scheme_of(value: str) -> str:
    """The URL as a browser reads it: C0 controls and spaces trimmed, tabs and newlines removed."""
    value = value.strip("".join(map(chr, range(0x21))))
    return re.sub(r"[\t\n\r]", "", value).lower()


def page_problems(rel: str, content: bytes) -> list[str]:
    doc = html5lib.parse(content, namespaceHTMLElements=False)
    problems = []
    parents = {child: parent for parent in doc.iter() for child in parent}

    def ancestors(el):
        while el in parents:
            el = parents[el]
            yield el

    def where(el) -> str:
        return f"{rel}: <{_local(el.tag)} {dict((_attr_name(k), v[:80]) for k, v in el.attrib.items())}>"

    page_url = urljoin(SITE_URL, rel)
    for el in doc.iter():
        tag = _local(el.tag)
        if not tag:
            continue
        in_chart = any(_local(a.tag) == "svg" and "chart-svg" in a.get("class", "") for a in [el, *ancestors(el)])
        in_theme_form = any(_local(a.tag) == "form" and set(a.get("class", "").split()) & THEME_FORMS
                            for a in ancestors(el))
        for key, value in el.attrib.items():
            name = _attr_name(key)
            if name.startswith("on"):
                problems.append(f"event handler attribute {name}: {where(el)}")
            if name == "style":
                problems.append(f"style attribute: {where(el)}")
            if name in URL_ATTRIBUTES or name.endswith("href"):
                if name == "content" and not (tag == "meta" and el.get("http-equiv")):
                    continue
                for part in ([value] if name != "srcset" else value.split(",")):
                    url = _scheme_of(part)
                    if name == "content":
                        url = _scheme_of(re.sub(r"^\s*\d*\s*;?\s*url\s*=\s*", "", part, flags=re.I))
                    if url.startswith(("javascript:", "vbscript:", "livescript:")) or \
                            (url.startswith("data:") and not SAFE_DATA.match(url)):
                        problems.append(f"dangerous URL in {name}: {where(el)}")
        if tag == "script":
            src = el.get("src")
            target = urljoin(page_url, src) if src else ""
            if not src or (el.text or "").strip() or not target.startswith((SITE_URL + "assets/",
                                                                             SITE_URL + "pagefind/")):
                problems.append(f"script that is not the theme's: {where(el)} {(el.text or '')[:80]!r}")
        elif tag == "style" and in_chart:   # the charts' own default colours; nothing that loads or runs
            css = "".join(el.itertext()).lower()
            if any(bad in css for bad in ("url(", "@import", "expression", "javascript", "behavior", "<")):
                problems.append(f"chart style with a URL or script: {where(el)} {css[:80]!r}")
        elif tag in FORBIDDEN_ELEMENTS and not (in_chart and tag in CHART_ELEMENTS):
            problems.append(f"forbidden element: {where(el)}")
        elif tag == "svg" and not in_chart:
            problems.append(f"svg outside the theme's charts: {where(el)}")
        elif tag == "form" and not set(el.get("class", "").split()) & THEME_FORMS:
            problems.append(f"form that is not the theme's: {where(el)}")
        elif tag in ("input", "button", "select", "option") and not in_theme_form:
            problems.append(f"form control outside the theme's forms: {where(el)}")
        elif tag == "meta" and el.get("http-equiv") and not (
                el.get("http-equiv") == "Content-Security-Policy" and el.get("content") == POLICY
                and [_local(a.tag) for a in ancestors(el)][:1] == ["head"]):   # the theme's own policy
            problems.append(f"meta http-equiv: {where(el)}")
        elif tag == "link":
            target = urljoin(page_url, el.get("href", ""))
            if el.get("rel") not in ("stylesheet", "icon", "alternate", "canonical") or \
                    not target.startswith(SITE_URL):
                problems.append(f"link that is not the theme's: {where(el)}")
    return problems


def _html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.is_file())


def test_no_script_handler_dangerous_url_frame_form_or_style_from_content(xss_site):
    site, _ = xss_site
    pages = _html_pages(site)
    assert len(pages) > 100
    problems = []
    for page in pages:
        problems += page_problems(page.relative_to(site).as_posix(), page.read_bytes())
    assert not problems, f"{len(problems)} problems, first 40:\n" + "\n".join(problems[:40])


def test_checker_catches_what_it_should():
    """The page checker itself: each of these must be reported."""
    bad = [b'<script>x</script>', b'<img src=x onerror=alert(1)>', b'<a href="jav&#x09;ascript:alert(1)">x</a>',
           b'<a href=" &#14; javascript:alert(1)">x</a>', b'<iframe src=x></iframe>', b'<p style="color:red">x</p>',
           b'<svg><a xlink:href="javascript:alert(1)">x</a></svg>', b'<form action=x></form>',
           b'<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', b'<base href="https://x/">',
           b'<object data="data:text/html,x"></object>', b'<button formaction="javascript:alert(1)">x</button>',
           b'<details open ontoggle=alert(1)>', b'<img src="data:text/html,x">', b'<a href="VBScript:x">x</a>',
           b'<script src="../assets/x.js">inline</script>', b'<script src="https://evil.example/x.js"></script>',
           b'<meta http-equiv="Content-Security-Policy" content="script-src *">']
    for snippet in bad:
        assert page_problems("pages/x/index.html", b"<!DOCTYPE html><html><body>" + snippet), snippet
    policy = f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'.encode()
    good = (b'<!DOCTYPE html><html><head>' + policy +
            b'<script src="../../assets/search.js" defer></script></head><body>'
            b'<a href="https://example.org/">x</a><img src="../../media/x.svg" alt="x"></body></html>')
    assert not page_problems("pages/x/index.html", good)


def _main_text(doc) -> str:
    main = next((el for el in doc.iter() if _local(el.tag) == "main"), None)
    return "".join(main.itertext()) if main is not None else ""


def test_template_syntax_appears_literally(xss_site):
    site, _ = xss_site
    assert TEMPLATE_VECTORS
    for i, group in enumerate(PAGE_GROUPS):
        if group[0] not in TEMPLATE_VECTORS:
            continue
        v = group[0]
        doc = html5lib.parse((site / f"pages/v{i:03d}/index.html").read_bytes(), namespaceHTMLElements=False)
        h1 = next(el for el in doc.iter() if _local(el.tag) == "h1")
        assert "".join(h1.itertext()) == v, f"page v{i:03d}: title {v!r} was changed"
        title = next(el for el in doc.iter() if _local(el.tag) == "title")
        assert "".join(title.itertext()).startswith(v)
        body = _main_text(doc)
        for construct in re.findall(r"\{\{|\{%|%\}|\}\}|\$\{|#\{|<%|%>", v):
            assert construct in body, f"page v{i:03d}: {construct!r} of {v!r} is missing from the body"
        assert "49" not in body.replace(v, ""), f"page v{i:03d}: {v!r} was evaluated"


def test_other_outputs_stay_well_formed(xss_site, xss_project):
    """Feeds, the sitemap and open data still parse: no vector broke out of its string or element."""
    site, _ = xss_site
    root, _ = xss_project
    for path in [*site.glob("feeds/*.xml"), site / "sitemap.xml"]:
        ET.parse(path)
    for path in site.glob("data/*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    feed = ET.parse(site / "feeds/stories.xml").getroot()
    titles = {e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")}
    for story in root.glob("stories/xss-*.md"):
        line = next(x for x in story.read_text(encoding="utf-8").split("\n") if x.startswith("title: "))
        assert json.loads(line.removeprefix("title: ")) in titles, f"{story.name}: title changed in the feed"
    stories = json.loads((site / "data/stories.json").read_text(encoding="utf-8"))
    assert stories["xss-0"]["text"].strip() == _text(0).strip()


# -- in the browser ----------------------------------------------------------------------------
class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served_xss(xss_site):
    site, _ = xss_site
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def test_no_page_runs_a_vector_in_the_browser(browser, served_xss, xss_site):
    """Every page loads (images fail, media errors fire) without a dialog or window.__xss; then the
    search page renders results for words from the vectors (Pagefind excerpts go through innerHTML)."""
    site, _ = xss_site
    # The sanitiser alone must hold: the pages' Content-Security-Policy, which would stop a vector
    # that got through, is switched off here (it is tested in test_csp.py).
    context = browser.new_context(bypass_csp=True)
    # nothing leaves 127.0.0.1: a surviving external script or frame fails fast instead of hanging
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:).*"), lambda route: route.abort())
    context.set_default_timeout(30000)
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda d: (dialogs.append(f"{tab.url}: {d.type} {d.message!r}"), d.dismiss()))
    urls = [served_xss + p.relative_to(site).as_posix() for p in _html_pages(site)]
    urls += [served_xss + "search/index.html?q=" + q for q in ("alert", "onerror", "script", "javascript", "xss")]
    flagged, checked = [], []
    try:
        # the detector detects: a vector that does run is seen both ways
        tab.set_content('<img src="x:" onerror="window.__xss=1;alert(1)">')
        tab.wait_for_function("window.__xss === 1")
        assert len(dialogs) == 1, dialogs
        dialogs.clear()
        for url in urls:
            tab.goto(url, wait_until="load")
            if "?q=" in url:   # let Pagefind answer and the results render
                tab.wait_for_function("document.querySelector('#search-status').textContent !== ''")
                tab.wait_for_timeout(300)
                assert tab.locator("#search-results li").count() > 0, f"no search results: {url}"
            if tab.evaluate("() => Boolean(window.__xss || (window.top && window.top.__xss))"):
                flagged.append(url)
            checked.append(url)
    finally:
        context.close()
    assert len(checked) == len(urls) > 100
    assert not dialogs, f"{len(dialogs)} dialogs opened:\n" + "\n".join(dialogs[:20])
    assert not flagged, "window.__xss was set on:\n" + "\n".join(flagged[:20])
