"""The JSON Schemas of the content format, shipped as package data."""

from __future__ import annotations

import datetime
import json
import re
from functools import cache
from importlib import resources

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .kinds import KINDS

COMMON = "common.schema.json"
TEXT_REF = f"{COMMON}#/$defs/text"


def schema_files() -> dict[str, str]:
    """File name -> JSON text of every schema, for `mspsite schema` and editors."""
    folder = resources.files("mspsite") / "schemas"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir(), key=lambda p: p.name)
            if p.name.endswith(".schema.json")}


@cache
def load_schema(name: str) -> dict:
    return json.loads(schema_files()[name])


@cache
def _registry() -> Registry:
    return Registry().with_resources(
        (name, Resource.from_contents(json.loads(text), default_specification=DRAFT202012))
        for name, text in schema_files().items()
    )


_formats = FormatChecker(formats=())

# The years a partnership's dates may fall in: wide enough for any history or plan, narrow
# enough that charts can pad their axis by a year and IATI receives realistic dates
# (9999-12-31 overflowed the chart code; 0001-01-01 went out as an activity date).
FIRST_YEAR, LAST_YEAR = 1900, 2200


def parse_date(value) -> datetime.date | None:
    """A date of the content format, or None: only the strict YYYY-MM-DD form (fromisoformat
    alone would also take 20250331), a day the calendar has, in FIRST_YEAR to LAST_YEAR.
    The schemas' "date" format and every check that compares dates go through it."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


@_formats.checks("date")
def _is_date(value) -> bool:
    return not isinstance(value, str) or parse_date(value) is not None


@cache
def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(KINDS[kind].schema_name), registry=_registry(),
                                format_checker=_formats)


def resolve(subschema: dict) -> dict:
    """Follow a $ref to a definition in common.schema.json (the only kind we use)."""
    ref = subschema.get("$ref")
    if not ref:
        return subschema
    name, _, pointer = ref.partition("#")
    target = load_schema(name or COMMON)
    for part in pointer.strip("/").split("/"):
        target = target[part] if part else target
    return resolve(target)


def is_text(subschema: dict) -> bool:
    """Is this a human-readable, translatable text field?"""
    return subschema.get("$ref") == TEXT_REF


def text_fields(kind: str) -> list[str]:
    """Top-level fields of a kind that hold translatable text."""
    props = load_schema(KINDS[kind].schema_name).get("properties", {})
    return [name for name, sub in props.items() if is_text(sub)]


def text_paths(kind: str, data) -> list[tuple]:
    """Paths of every translatable text value in a document, found through its schema."""
    found: list[tuple] = []

    def walk(schema: dict, node, at: tuple) -> None:
        if is_text(schema):
            found.append(at)
            return
        schema = resolve(schema)
        if isinstance(node, dict) and "properties" in schema:
            for key, value in node.items():
                if key in schema["properties"]:
                    walk(schema["properties"][key], value, (*at, key))
        elif isinstance(node, list) and isinstance(schema.get("items"), dict):
            for index, value in enumerate(node):
                walk(schema["items"], value, (*at, index))

    walk(load_schema(KINDS[kind].schema_name), data, ())
    return found
