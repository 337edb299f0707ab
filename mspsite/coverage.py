"""How much of the content is translated: for each language of the portal besides the default,
which items lack which text fields, and which translation files are older than their original.

Where a text is missing, the portal shows the default language's text (marked with its language),
so nothing breaks; this report is for the secretariat and translators. A Markdown translation
(`stories/x.sw.md`) is stale when its original was committed after it (git dates): the original
changed and the translation may no longer say the same."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .diagnostics import Location
from .history import file_dates
from .load import RawDocument, RawProject
from .schemas import text_paths
from .settings import Settings


@dataclass(frozen=True)
class Missing:
    path: str                      # the item's file
    fields: tuple[tuple[str, Location], ...]   # each text without one in the language: (field, where it is)


@dataclass(frozen=True)
class Stale:
    path: str                      # the translation file
    original: str
    translated: datetime.date      # its last commit
    changed: datetime.date         # the original's last commit, later


@dataclass
class LanguageCoverage:
    language: str
    items: int = 0                 # items with any text to translate
    translated: int = 0            # of those, items with every text in the language
    missing: list[Missing] = field(default_factory=list)
    stale: list[Stale] = field(default_factory=list)


def translation_coverage(raw: RawProject, settings: Settings) -> list[LanguageCoverage]:
    """Coverage for each language but the default, in the order of `languages`."""
    default = settings.site.default_language
    translations = {(d.kind.name, d.id, d.lang): d for d in raw.documents if d.lang is not None}
    originals = [d for d in raw.documents if d.lang is None]
    dates = file_dates(settings.source) if settings.history else {}
    found = []
    for lang in dict.fromkeys(settings.site.languages):
        if lang == default:
            continue
        here = LanguageCoverage(lang)
        for doc in originals:
            paths = text_paths(doc.kind.name, doc.data)
            translation = translations.get((doc.kind.name, doc.id, lang))
            if not paths and not doc.body:
                continue
            here.items += 1
            lacking = tuple((_dotted(at), doc.locations.value(at)) for at in paths
                            if not _has(doc, at, lang, translation))
            if doc.body and translation is None:
                lacking += (("body", Location(doc.path, doc.body_line)),)
            if lacking:
                here.missing.append(Missing(doc.path, lacking))
            else:
                here.translated += 1
            if translation is not None and (new := dates.get(doc.path)) and (old := dates.get(translation.path)) \
                    and new > old:
                here.stale.append(Stale(translation.path, doc.path, old, new))
        found.append(here)
    return found


def _has(doc: RawDocument, at: tuple, lang: str, translation: RawDocument | None) -> bool:
    value = doc.data
    for part in at:
        value = value[part]
    if isinstance(value, dict) and value.get(lang):
        return True
    return len(at) == 1 and translation is not None and bool(translation.data.get(at[0]))


def _dotted(at: tuple) -> str:
    return ".".join(map(str, at))


def format_coverage(found: list[LanguageCoverage], detail: bool) -> str:
    """The report `check` prints: a line per language, and with detail every missing field and stale file."""
    lines = []
    for c in found:
        stale = f"; {len(c.stale)} translation{'s' * (len(c.stale) != 1)} older than the original" if c.stale else ""
        lines.append(f"translations into '{c.language}': {c.translated} of {c.items} items complete{stale}")
        if detail:
            lines += [f"  {where.path}:{where.line}:{where.column}: no '{c.language}' text for '{name}'"
                      for m in c.missing for name, where in m.fields]
            lines += [f"  {s.path}: older than {s.original} (translated {s.translated.isoformat()}, original changed "
                      f"{s.changed.isoformat()})" for s in c.stale]
    return "\n".join(lines)
