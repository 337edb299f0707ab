"""The file kinds of a partnership folder (content format v1, "Layout")."""

from __future__ import annotations

import re
from dataclasses import dataclass

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
# A language code (BCP 47, as the schemas' language pattern): en, sw, pt-BR. A Markdown item's
# translation is a file beside it with the code before the extension: stories/harvest.sw.md.
LANGUAGE_CODE = r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*"
LANGUAGE_SUFFIX = re.compile(rf"^(?P<id>.+)\.(?P<lang>{LANGUAGE_CODE})$")
_TRANSLATION_FILE = re.compile(rf"\.{LANGUAGE_CODE}\.md$")


@dataclass(frozen=True)
class Kind:
    name: str          # singular, names the schema: stakeholder.schema.json
    folder: str | None  # plural folder, or None for a single top-level file
    markdown: bool = False
    required: bool = False

    @property
    def schema_name(self) -> str:
        return f"{self.name}.schema.json"

    @property
    def extensions(self) -> tuple[str, ...]:
        return (".md",) if self.markdown else (".yml", ".yaml")


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("mspsite", None, required=True),
        Kind("partnership", None, required=True),
        Kind("glossary", None),
        Kind("stakeholder", "stakeholders"),
        Kind("body", "bodies"),
        Kind("goal", "goals"),
        Kind("decision", "decisions", markdown=True),
        Kind("meeting", "meetings", markdown=True),
        Kind("budget", "budget"),
        Kind("report", "reports"),
        Kind("lesson", "lessons", markdown=True),
        Kind("story", "stories", markdown=True),
        Kind("event", "events", markdown=True),
        Kind("initiative", "initiatives"),
        Kind("assessment", "assessments"),
        Kind("page", "pages", markdown=True),
    )
}
FOLDERS: dict[str, Kind] = {k.folder: k for k in KINDS.values() if k.folder}
TOP_FILES: dict[str, Kind] = {k.name: k for k in KINDS.values() if not k.folder}

# Folders a partnership may hold besides content: media is referenced by path,
# overrides holds theme templates.
ASSET_FOLDERS = ("media", "overrides")


def translation_base(path: str) -> str:
    """The original's path for a translation's path (stories/harvest.sw.md -> stories/harvest.md)."""
    return _TRANSLATION_FILE.sub(".md", path)


# Where each kind refers to items of another kind: a dotted path into the
# document ('*' for every list item) and the kind it names.
REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "partnership": (("core_group.*", "stakeholder"), ("secretariat.host", "stakeholder"),
                    ("champions.*.organisation", "stakeholder")),
    "body": (("members.*.stakeholder", "stakeholder"), ("responsibilities.*.stakeholder", "stakeholder")),
    "goal": (("interests.*.stakeholder", "stakeholder"), ("outcomes.*.indicators.*.responsible", "stakeholder")),
    "decision": (("body", "body"), ("participants.*", "stakeholder"), ("supersedes", "decision"),
                 ("goals.*", "goal"), ("meeting", "meeting")),
    "meeting": (("body", "body"), ("attendees.*", "stakeholder"), ("decisions.*", "decision")),
    "budget": (("income.*.source", "stakeholder"), ("income.*.goal", "goal"), ("expenditure.*.goal", "goal")),
    "report": (("funder", "stakeholder"),),
    "lesson": (("stakeholders.*", "stakeholder"),),
    "story": (("goals.*", "goal"), ("stakeholders.*", "stakeholder")),
    "event": (("initiatives.*", "initiative"), ("stakeholders.*", "stakeholder")),
}

# Fields holding a path to a file in the partnership folder.
PATH_FIELDS: dict[str, tuple[str, ...]] = {
    "mspsite": ("logo",),
    "partnership": ("agreement.document",),
    "stakeholder": ("logo",),
    "story": ("image",),
}


# Fields holding Markdown besides the bodies of .md files (their schemas say "(Markdown)"; a
# test keeps the two in step). Each is checked like a body (complexity, links) and cleaned at
# the model stage of what no page shows (comments, unused link definitions) before any output
# publishes it.
MARKDOWN_FIELDS: dict[str, tuple[str, ...]] = {
    "mspsite": ("footer",),
    "partnership": ("summary", "vision", "mission", "secretariat.neutrality", "champions.*.statement",
                    "agreement.summary"),
    "glossary": ("terms.*.definition",),
    "stakeholder": ("description",),
    "body": ("mandate",),
    "goal": ("description", "outcomes.*.description", "outcomes.*.indicators.*.description"),
    "report": ("summary", "outlook"),
    "initiative": ("description",),
    "assessment": ("summary",),
}


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
