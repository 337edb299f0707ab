"""Stage 2: every problem in the partnership folder, each at its file:line:column."""

from __future__ import annotations

import calendar
import re

from jsonschema.exceptions import ValidationError

from . import crossrefs, links, passed
from .diagnostics import Diagnostic, Report, did_you_mean, error
from .load import RawDocument, RawProject
from .media import check_media
from .settings import Settings
from .schemas import FIRST_YEAR, LAST_YEAR, load_schema, resolve, text_fields, validator
from .theme_check import check_theme
from .yamlread import is_non_finite

_TYPE_NAMES = {"string": "text", "number": "a number", "integer": "a whole number", "array": "a list",
               "object": "a mapping of fields", "boolean": "true or false", "null": "empty"}


def validate(raw: RawProject, settings: Settings) -> Report:
    """Check every document against its schema, then the folder as a whole (links for the
    settings' readership)."""
    report = Report(list(raw.report.diagnostics))
    for doc in raw.documents:
        if doc.lang is None:
            report.extend(schema_diagnostics(doc))
        else:
            report.extend(translation_diagnostics(doc))
        report.extend(_non_finite(doc))
    report.extend(crossrefs.check_references(raw, settings))
    report.extend(links.check_links(raw, settings))
    report.extend(check_media(raw))
    report.extend(check_theme(raw, settings))
    return report


def schema_diagnostics(doc: RawDocument) -> list[Diagnostic]:
    known = passed.key("schema", doc.kind.name, doc.data)
    if passed.before(known):
        return []
    found = []
    for exc in validator(doc.kind.name).iter_errors(doc.data):
        found.extend(_convert(exc, doc))
    if not found:
        passed.passes(known)
    return found


def translation_diagnostics(doc: RawDocument) -> list[Diagnostic]:
    """A translation holds the original's text fields in its language, as plain text."""
    allowed = text_fields(doc.kind.name)
    props = load_schema(doc.kind.schema_name)["properties"]
    found = []
    for key, value in doc.data.items():
        loc = doc.locations.key((key,))
        if key not in allowed:
            if key in props:
                continue  # repeating a date or reference is harmless: the original's is used
            found.append(error(loc, f"unknown field '{key}'", did_you_mean(key, allowed), code="unknown-field"))
        elif not isinstance(value, str) or not value.strip():
            found.append(error(doc.locations.value((key,)), f"'{key}' in a translation must be text in "
                               f"'{doc.lang}'", "write the translated text itself, not a mapping"
                               if isinstance(value, dict) else "fill in the translation or remove the line",
                               code="translation"))
    return found


def _convert(exc: ValidationError, doc: RawDocument) -> list[Diagnostic]:
    at = tuple(exc.absolute_path)
    locs = doc.locations
    name = _label(at)
    kind = exc.validator
    if kind == "anyOf":  # an id or null: report the id's problem
        inner = [e for e in exc.context if e.validator != "type"] or list(exc.context)
        return _convert(inner[0], doc) if inner else [error(locs.value(at), exc.message)]
    if _is_key_error(exc):
        key = exc.instance
        return [error(locs.key((*at, key)), f"'{key}' is not {_expected(exc.schema)}",
                      did_you_mean(key, resolve(exc.schema).get("enum", [])), code="schema-key")]
    if kind == "additionalProperties":
        allowed = list(exc.schema.get("properties", {}))
        return [error(locs.key((*at, key)), f"unknown field '{key}'", did_you_mean(key, allowed) or
                      (f"fields here: {', '.join(allowed)}" if len(allowed) <= 8 else None), code="unknown-field")
                for key in exc.instance if key not in allowed]
    if kind == "required":
        return [error(locs.value(at), f"missing required field '{field}'" + (f" in '{name}'" if at else ""),
                      code="missing-field") for field in exc.validator_value if field not in exc.instance]
    if kind == "dependentRequired":
        return [error(locs.key((*at, trigger)), f"'{needed}' is required when '{trigger}' is set",
                      _DEPENDENT_HINTS.get(needed), code="missing-field")
                for trigger, needs in exc.validator_value.items() if trigger in exc.instance
                for needed in needs if needed not in exc.instance]
    loc = locs.value(at)
    value = exc.instance
    if kind == "type":
        expected = exc.validator_value if isinstance(exc.validator_value, list) else [exc.validator_value]
        wanted = "text" if set(expected) == {"string", "object"} else " or ".join(_TYPE_NAMES[t] for t in expected)
        return [error(loc, f"'{name}' must be {wanted}, not {_describe(value)}", _type_hint(expected, value),
                      code="schema-type")]
    if kind in ("enum", "const"):
        choices = exc.validator_value if kind == "enum" else [exc.validator_value]
        return [error(loc, f"'{name}' must be one of {', '.join(map(str, choices))}; found '{value}'",
                      did_you_mean(value, map(str, choices)), code="schema-enum")]
    if kind == "format" and exc.validator_value == "date":
        problem, hint = _date_problem(value)
        return [error(loc, f"'{name}': {problem}", hint, code="invalid-date")]
    if kind == "pattern":
        return [error(loc, f"'{name}': '{value}' is not valid; expected {_expected(exc.schema)}", code="schema-pattern")]
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        if is_non_finite(value):
            return []  # reported once, as not a finite number
        words = {"minimum": "at least", "exclusiveMinimum": "more than", "maximum": "at most",
                 "exclusiveMaximum": "less than"}[kind]
        limit = exc.validator_value
        limit = f"{int(limit):,}" if isinstance(limit, float) and limit.is_integer() and abs(limit) >= 10**6 else limit
        return [error(loc, f"'{name}' must be {words} {limit}; found {value}", code="schema-range")]
    if kind in ("minLength", "minProperties"):
        return [error(loc, f"'{name}' must not be empty", code="schema-empty")]
    if kind == "minItems":
        n = exc.validator_value
        return [error(loc, f"'{name}' must list at least {n} item{'s' * (n != 1)}", code="schema-empty")]
    if kind == "uniqueItems":
        seen, index = [], 0
        for index, item in enumerate(value):
            if item in seen:
                break
            seen.append(item)
        return [error(locs.value((*at, index)), f"'{name}' lists '{value[index]}' twice", code="duplicate-item")]
    return [error(loc, exc.message, code="schema")]


_DEPENDENT_HINTS = {"image_alt": "describe the picture for readers who cannot see it"}


def _is_key_error(exc: ValidationError) -> bool:
    # propertyNames errors report the key as the instance, at the mapping's path
    return "propertyNames" in exc.schema_path or "propertyNames" in exc.relative_schema_path


def _label(at: tuple) -> str:
    for i in range(len(at) - 1, -1, -1):
        if isinstance(at[i], str):
            trailing = [x for x in at[i + 1:] if isinstance(x, int)]
            return f"{at[i]}[{trailing[0] + 1}]" if trailing else at[i]
    return "file"


def _expected(schema: dict) -> str:
    schema = resolve(schema)
    text = schema.get("description") or f"a value matching {schema.get('pattern') or schema.get('enum')}"
    return text[0].lower() + text[1:].rstrip(".")


def _describe(value) -> str:
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if value is None:
        return "empty"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value}'" if len(value) < 40 else "text"
    return _TYPE_NAMES["array" if isinstance(value, list) else "object"]


def _type_hint(expected: list[str], value) -> str | None:
    if "number" in expected and isinstance(value, str):
        return "write amounts as plain numbers, without currency signs or thousands separators"
    if "array" in expected and not isinstance(value, list):
        return "write a list as [a, b] or as lines starting with '- '"
    if "string" in expected and isinstance(value, (bool, int, float)):
        return "put the value in quotes to keep it as text"
    if "string" in expected and value is None:
        return "fill in the value or remove the field"
    return None


def _date_problem(value) -> tuple[str, str | None]:
    """Why a value the date format refused is not a date, and a hint."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value) if isinstance(value, str) else None
    if not m:
        return f"'{value}' is not a date", "write dates as YYYY-MM-DD, such as 2025-03-31"
    year, month, day = map(int, m.groups())
    if year == 0:
        return f"'{value}' is not a real date (there is no year 0)", None
    if not 1 <= month <= 12:
        return f"'{value}' is not a real date (there is no month {month})", None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return f"'{value}' is not a real date ({calendar.month_name[month]} {year} has " \
               f"{calendar.monthrange(year, month)[1]} days)", None
    return f"'{value}' is outside the years {FIRST_YEAR} to {LAST_YEAR}", \
        "check the year: dates so far in the past or future are typing mistakes"


def _non_finite(doc: RawDocument) -> list[Diagnostic]:
    found = []

    def walk(value, at):
        if is_non_finite(value):
            found.append(error(doc.locations.value(at), f"'{_label(at)}' is not a finite number",
                               "write an ordinary number", code="schema-range"))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, (*at, k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, (*at, i))

    walk(doc.data, ())
    return found
