"""The file kinds of a partnership folder (content format v1, "Layout")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .i18n import N_

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
# A language code (BCP 47, as the schemas' language pattern): en, sw, pt-BR. A Markdown item's
# translation is a file beside it with the code before the extension: stories/harvest.sw.md.
LANGUAGE_CODE = r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*"
LANGUAGE_SUFFIX = re.compile(rf"^(?P<id>.+)\.(?P<lang>{LANGUAGE_CODE})$")
_TRANSLATION_FILE = re.compile(rf"\.{LANGUAGE_CODE}\.md$")


@dataclass(frozen=True)
class DateOrder:
    """Two dates of an item that must come in order; `check` reports the second at its line."""

    start: tuple[str, ...]    # path of the first date in the item's data
    end: tuple[str, ...]      # path of the date that may not be earlier
    message: str              # with {start} and {end}


@dataclass(frozen=True)
class Kind:
    """One kind of content, described once: where its files are, what it is called, where its pages are."""

    name: str                 # singular; names the schema (goal.schema.json) and the item template (goal.html)
    folder: str | None        # plural folder, also its open-data file data/<folder>.json; None: one top-level file
    markdown: bool = False    # items are Markdown files with YAML front matter
    required: bool = False
    collection: str | None = None    # the Partnership attribute holding the items, in the model
    section: str | None = None       # URL of the list its item pages are under: item pages are <section><id>/
    label: str | None = None         # what one item is called on pages (translated where shown)
    title: str | None = None         # title of its list page, for a kind plan.py has no designed list page for
    audience: str = "public"         # whom its pages are written for: public, funders or partners
    variable: str | None = None      # the item's name in its template, when not `name`
    date_order: DateOrder | None = None
    feed: str | None = None          # title of the Atom feed feeds/<folder>.xml of its newest items, if any
    references: tuple[tuple[str, str], ...] = ()   # (dotted path into the data, '*' for each list item; kind it names)
    paths: tuple[str, ...] = ()      # fields holding the path of a file in the partnership folder
    markdown_fields: tuple[str, ...] = ()   # fields holding Markdown besides the body (schemas say "(Markdown)")

    @property
    def schema_name(self) -> str:
        return f"{self.name}.schema.json"

    @property
    def extensions(self) -> tuple[str, ...]:
        return (".md",) if self.markdown else (".yml", ".yaml")

    @property
    def template(self) -> str:
        return f"{self.name}.html"


_PERIOD = DateOrder(("period", "start"), ("period", "end"), "period ends ({end}) before it starts ({start})")

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("mspsite", None, required=True, paths=("logo",), markdown_fields=("footer",)),
        Kind("partnership", None, required=True,
             references=(("core_group.*", "stakeholder"), ("secretariat.host", "stakeholder"),
                         ("champions.*.organisation", "stakeholder")),
             paths=("agreement.document",),
             markdown_fields=("summary", "vision", "mission", "secretariat.neutrality", "champions.*.statement",
                              "agreement.summary")),
        Kind("glossary", None, markdown_fields=("terms.*.definition",)),
        Kind("stakeholder", "stakeholders", collection="stakeholders", section="partners/", label=N_("Partner"),
             date_order=DateOrder(("joined",), ("left",), "left ({end}) before joining ({start})"),
             paths=("logo",), markdown_fields=("description",)),
        Kind("body", "bodies", collection="bodies", section="governance/", label=N_("Governance body"),
             audience="partners",
             references=(("members.*.stakeholder", "stakeholder"), ("responsibilities.*.stakeholder", "stakeholder")),
             markdown_fields=("mandate",)),
        Kind("goal", "goals", collection="goals", section="goals/", label=N_("Goal"),
             references=(("interests.*.stakeholder", "stakeholder"),
                         ("outcomes.*.indicators.*.responsible", "stakeholder")),
             markdown_fields=("description", "outcomes.*.description", "outcomes.*.indicators.*.description")),
        Kind("decision", "decisions", markdown=True, collection="decisions", section="governance/decisions/",
             label=N_("Decision"), audience="partners", feed=N_("Decisions"),
             references=(("body", "body"), ("participants.*", "stakeholder"), ("supersedes", "decision"),
                         ("goals.*", "goal"), ("meeting", "meeting"))),
        Kind("meeting", "meetings", markdown=True, collection="meetings", section="governance/meetings/",
             label=N_("Meeting"), audience="partners",
             references=(("body", "body"), ("attendees.*", "stakeholder"), ("decisions.*", "decision"))),
        Kind("budget", "budget", collection="budgets", section="finances/", label=N_("Budget"), audience="funders",
             variable="period", date_order=_PERIOD,
             references=(("income.*.source", "stakeholder"), ("income.*.goal", "goal"),
                         ("expenditure.*.goal", "goal"))),
        Kind("report", "reports", collection="reports", section="reports/", label=N_("Report"), audience="funders",
             date_order=_PERIOD, references=(("funder", "stakeholder"),), markdown_fields=("summary", "outlook")),
        Kind("lesson", "lessons", markdown=True, collection="lessons", section="lessons/", label=N_("Lesson"),
             audience="partners", feed=N_("Lessons learned"), references=(("stakeholders.*", "stakeholder"),)),
        Kind("story", "stories", markdown=True, collection="stories", section="stories/", label=N_("Story"),
             feed=N_("Stories"), references=(("goals.*", "goal"), ("stakeholders.*", "stakeholder")),
             paths=("image",)),
        Kind("event", "events", markdown=True, collection="events", section="events/", label=N_("Event"),
             date_order=DateOrder(("date",), ("end",), "event ends ({end}) before it starts ({start})"),
             references=(("initiatives.*", "initiative"), ("stakeholders.*", "stakeholder"))),
        Kind("initiative", "initiatives", collection="initiatives", section="network/", label=N_("Initiative"),
             markdown_fields=("description",)),
        Kind("assessment", "assessments", collection="assessments", section="factors/assessments/",
             label=N_("Self-assessment"), markdown_fields=("summary",)),
        Kind("page", "pages", markdown=True, collection="pages", section="pages/", label=N_("Page"),
             variable="free_page"),
    )
}
# The kinds whose items have pages, in the order of the portal's sections (and of open data).
ITEM_KINDS: tuple[Kind, ...] = tuple(k for k in KINDS.values() if k.collection)
FOLDERS: dict[str, Kind] = {k.folder: k for k in KINDS.values() if k.folder}
TOP_FILES: dict[str, Kind] = {k.name: k for k in KINDS.values() if not k.folder}

# Folders a partnership may hold besides content: media is referenced by path,
# overrides holds theme templates.
ASSET_FOLDERS = ("media", "overrides")


def translation_base(path: str) -> str:
    """The original's path for a translation's path (stories/harvest.sw.md -> stories/harvest.md)."""
    return _TRANSLATION_FILE.sub(".md", path)


# The registry's per-kind fields by kind name, for code that starts from a kind's name.
REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {k.name: k.references for k in KINDS.values() if k.references}
PATH_FIELDS: dict[str, tuple[str, ...]] = {k.name: k.paths for k in KINDS.values() if k.paths}
# Each Markdown field is checked like a body (complexity, links) and cleaned at the model stage of
# what no page shows (comments, unused link definitions) before any output publishes it; a test
# keeps the fields in step with the schemas' "(Markdown)".
MARKDOWN_FIELDS: dict[str, tuple[str, ...]] = {k.name: k.markdown_fields for k in KINDS.values() if k.markdown_fields}


def markdown_texts(kind: str, data):
    """(path, text) of every Markdown field value in plain data; a text given per language
    is one value per language, its path ending in the language code."""
    for pattern in MARKDOWN_FIELDS.get(kind, ()):
        for at, value in values_at(data, pattern):
            if isinstance(value, str):
                yield at, value
            elif isinstance(value, dict):
                yield from (((*at, lang), text) for lang, text in value.items() if isinstance(text, str))


def values_at(data, pattern: str):
    """(path, value) for every value a dotted pattern reaches in plain data."""
    def walk(node, parts, at):
        if not parts:
            yield at, node
            return
        head, rest = parts[0], parts[1:]
        if head == "*":
            if isinstance(node, list):
                for i, item in enumerate(node):
                    yield from walk(item, rest, (*at, i))
        elif isinstance(node, dict) and head in node:
            yield from walk(node[head], rest, (*at, head))

    yield from walk(data, pattern.split("."), ())


def get_path(data, at: tuple):
    """The value at a path of keys and indices."""
    for part in at:
        data = data[part]
    return data
