"""The content reference (docs/reference.md), generated from the JSON Schemas so
that the documentation cannot drift from what `mspsite check` enforces."""

from __future__ import annotations

import io

from ruamel.yaml import YAML

from .kinds import KINDS
from .schemas import FIRST_YEAR, LAST_YEAR, is_text, load_schema, resolve

_TYPE_WORDS = {"string": "text", "number": "number", "integer": "whole number", "array": "list",
               "object": "mapping", "boolean": "true/false", "null": "empty"}


_DEF_WORDS = {"id": "id", "date": "date (YYYY-MM-DD)", "url": "web address", "path": "file path",
              "country": "country code (KE)", "currency": "currency code (EUR)", "language": "language code (en)",
              "amount": "amount (number)", "email": "e-mail address", "sdg": "SDG number (1-17)"}


def render_reference() -> str:
    out = ["# Content reference", "",
           "Every file kind of a partnership folder and every field it may hold. This page is generated from",
           "the JSON Schemas that `mspsite check` uses (`mspsite schema --reference`), so it is always in step",
           "with what is checked. Fields marked **yes** are required. Every item also takes `visibility`,",
           "`factors` and `updated` (see the first section).", "",
           "## Fields common to every item", "",
           "| field | type | meaning |", "|---|---|---|",
           "| `visibility` | public, funders, partners, internal | Who may see the item; default from "
           "`mspsite.yml`'s `default_visibility`. Any mapping inside an item may carry its own `visibility`; "
           "the stricter one wins. |",
           "| `factors` | list of success-factor keys | The success factors the item gives evidence for. |",
           "| `updated` | date | When the item was last updated; otherwise taken from git history. |", "",
           "Text fields take plain text or one text per language: `title: {en: Clean cooking, sw: Upishi safi}`.",
           f"Dates are written YYYY-MM-DD (`2025-03-31`), in the years {FIRST_YEAR} to {LAST_YEAR}.",
           "Success-factor keys: " + ", ".join(f"`{k}`" for k in resolve({"$ref": "common.schema.json#/$defs/factor"})
                                                 ["enum"]) + ".", ""]
    for kind in KINDS.values():
        schema = load_schema(kind.schema_name)
        out += [f"## {schema['title']}", "", schema.get("description", ""), ""]
        if kind.markdown:
            out += ["A Markdown file: the fields below go in the front matter between two `---` lines; "
                    "the text after it is the body.", ""]
        out += ["| field | type | required | meaning |", "|---|---|---|---|"]
        out += _rows(schema, "")
        for example in schema.get("examples", [])[:1]:
            out += ["", "Example:", "", "```" + ("markdown" if kind.markdown else "yaml"), _example(example, kind.markdown),
                    "```"]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _rows(schema: dict, prefix: str) -> list[str]:
    rows = []
    schema = resolve(schema)
    required = set(schema.get("required", ()))
    for name, sub in schema.get("properties", {}).items():
        if prefix == "" and name in ("visibility", "factors", "updated"):
            continue
        described = sub.get("description") or resolve(sub).get("description", "")
        rows.append(f"| `{prefix}{name}` | {_type(sub)} | {'yes' if name in required else ''} | {described} |")
        target = resolve(sub)
        if target.get("type") == "array" and isinstance(target.get("items"), dict) and \
                resolve(target["items"]).get("properties"):
            rows += _rows(target["items"], f"{prefix}{name}[].")
        elif target.get("type") == "object" and target.get("properties") and name != "visibility":
            rows += _rows(target, f"{prefix}{name}.")
    return rows


def _type(sub: dict) -> str:
    if is_text(sub):
        return "text (or text per language)"
    name = sub.get("$ref", "").rpartition("/")[2]
    if name in _DEF_WORDS:
        return _DEF_WORDS[name]
    target = resolve(sub)
    if "enum" in target:
        return ", ".join(str(v) for v in target["enum"])
    if "anyOf" in target:
        return " or ".join(_type(x) for x in target["anyOf"])
    t = target.get("type")
    if t == "array":
        return f"list of {_type(target.get('items', {}))}"
    if isinstance(t, list):
        return " or ".join(_TYPE_WORDS[x] for x in t)
    return _TYPE_WORDS.get(t, "value")


def _example(example: dict, markdown: bool) -> str:
    yaml = YAML()
    yaml.default_flow_style = None
    yaml.width = 100
    buffer = io.StringIO()
    yaml.dump(example, buffer)
    text = buffer.getvalue().rstrip()
    return f"---\n{text}\n---\nThe body, in Markdown." if markdown else text
