"""Reading one content file: bytes to text, text to plain data with a location
for every key, value and list item. ruamel.yaml types never leave this module."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    NodeEvent,
    ScalarEvent,
)

from .diagnostics import Diagnostic, Location, error

MAX_FILE_BYTES = 5_000_000
MAX_DEPTH = 32
MAX_NODES = 50_000   # far more than any content file needs; bounds check time and memory

Path_ = tuple  # a path into the data: keys and list indices


class _Constructor(RoundTripConstructor):
    """Dates stay strings: validation parses them, so '2025-02-30' is reported
    at its location instead of raising a bare ValueError here."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_str)


@dataclass
class Locations:
    """Where each key and value of a document stands in its file."""

    path: str
    values: dict[Path_, Location] = field(default_factory=dict)
    keys: dict[Path_, Location] = field(default_factory=dict)

    def value(self, at: Path_ = ()) -> Location:
        """The value at a path, or the nearest enclosing one we know."""
        at = tuple(at)
        while at not in self.values and at:
            at = at[:-1]
        return self.values.get(at, Location(self.path))

    def key(self, at: Path_) -> Location:
        """The key of a mapping entry (falls back to its value)."""
        return self.keys.get(tuple(at)) or self.value(at)


class ReadError(Exception):
    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def read_text(data: bytes, path: str, size: int | None = None) -> str:
    """Decode a content file, rejecting what is not UTF-8 text."""
    size = len(data) if size is None else size
    if size > MAX_FILE_BYTES:
        raise ReadError(error(Location(path), f"file is too large ({size / 1e6:.1f} MB; the limit is "
                              f"{MAX_FILE_BYTES // 1_000_000} MB)",
                              "content files hold text; put large documents in media/", code="file-too-large"))
    if not data.strip():
        raise ReadError(error(Location(path), "file is empty", "add the item's fields or delete the file",
                              code="empty-file"))
    for bom, name in ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
                      (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16")):
        if data.startswith(bom):
            raise ReadError(error(Location(path), f"file is encoded as {name}", "save it as UTF-8",
                                  code="encoding"))
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ReadError(error(_byte_location(data, nul, path), "file is binary (it contains NUL bytes)",
                              "content files must be UTF-8 text", code="encoding"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReadError(error(_byte_location(data, exc.start, path),
                              f"invalid UTF-8 byte 0x{data[exc.start]:02x}", "save the file as UTF-8",
                              code="encoding")) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def parse_yaml(text: str, path: str, line_offset: int = 0) -> tuple[object, Locations]:
    """Parse one YAML 1.2 document into plain data and its locations."""
    _prescan(text, path, line_offset)
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.version = (1, 2)
    try:
        doc = yaml.load(text)
    except MarkedYAMLError as exc:
        raise ReadError(_yaml_error(exc, path, line_offset)) from None
    except (YAMLError, ValueError, TypeError) as exc:  # ruamel raises a few unmarked errors
        raise ReadError(error(Location(path, 1 + line_offset), f"invalid YAML: {exc}", code="yaml")) from None
    locations = Locations(path)
    locations.values[()] = Location(path, 1 + line_offset, 1)
    return _plain(doc, (), locations, line_offset), locations


def _prescan(text: str, path: str, line_offset: int) -> None:
    """Reject what YAML allows but content must not use, before building anything:
    directives (a %YAML 1.1 turns `no` into false), anchors and aliases (a few
    hundred bytes can expand to millions of nodes), tags (`!!python/...`), and
    nesting too deep to be content."""
    def at(mark) -> Location:
        return Location(path, mark.line + 1 + line_offset, mark.column + 1)

    for number, line in enumerate(text.split("\n")):
        if line.startswith("%"):
            raise ReadError(error(Location(path, number + 1 + line_offset, 1),
                                  f"YAML directive '{line.split()[0]}' is not allowed",
                                  "mspsite reads YAML 1.2; remove the line", code="yaml-directive"))
        if line.startswith(("---", "...")) or (line and not line.startswith("#")):
            break
    depth = documents = nodes = 0
    try:
        for event in YAML(typ="rt").parse(io.StringIO(text)):
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise ReadError(error(at(event.start_mark), "a file holds one YAML document, found a second",
                                          "remove the '---' or '...' line before this one", code="yaml-documents"))
            if isinstance(event, AliasEvent):
                raise ReadError(error(at(event.start_mark), f"YAML alias '*{event.anchor}' is not allowed",
                                      "write the value out in full", code="yaml-alias"))
            if isinstance(event, NodeEvent) and event.anchor:
                raise ReadError(error(at(event.start_mark), f"YAML anchor '&{event.anchor}' is not allowed",
                                      "write the value out in full", code="yaml-alias"))
            if isinstance(event, NodeEvent) and event.tag:
                raise ReadError(error(at(event.start_mark), f"YAML tag '{_written(event.tag)}' is not allowed",
                                      "remove the tag; quote the value if it should be text", code="yaml-tag"))
            if isinstance(event, ScalarEvent) and event.value == "<<" and event.style is None:
                raise ReadError(error(at(event.start_mark), "YAML merge key '<<' is not allowed",
                                      "write the fields out in full", code="yaml-alias"))
            if isinstance(event, NodeEvent):
                nodes += 1
                if nodes > MAX_NODES:
                    raise ReadError(error(at(event.start_mark), f"the file holds more than {MAX_NODES:,} values",
                                          "split it into several files", code="yaml-depth"))
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ReadError(error(at(event.start_mark), f"nesting is deeper than {MAX_DEPTH} levels",
                                          code="yaml-depth"))
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except MarkedYAMLError as exc:
        raise ReadError(_yaml_error(exc, path, line_offset)) from None
    except ReaderError as exc:  # a character YAML does not allow, such as a control character
        raise ReadError(_reader_error(exc, text, path, line_offset)) from None
    except YAMLError as exc:
        raise ReadError(error(Location(path, 1 + line_offset), f"invalid YAML: {exc}", code="yaml")) from None


def _reader_error(exc: ReaderError, text: str, path: str, line_offset: int) -> Diagnostic:
    before = text[:exc.position]
    line = before.count("\n") + 1 + line_offset
    column = exc.position - (before.rfind("\n") + 1) + 1
    character = exc.character if isinstance(exc.character, str) else chr(exc.character)
    return error(Location(path, line, column), f"character U+{ord(character):04X} is not allowed in YAML",
                 "remove it (it is invisible in most editors)", code="encoding")


def _written(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


_HINTS = {
    "found character '\\t' that cannot start any token": "indent with spaces, not tabs",
    "mapping values are not allowed here": "check the indentation, or quote a value that contains ': '",
    "expected <block end>": "check the indentation of this line against the lines above",
    "sequence entries are not allowed here": "a list item ('- ') goes on its own line, indented under its field",
    "found unexpected end of stream": "a quote or bracket opened earlier is not closed",
    "while scanning a quoted scalar": "a quote is not closed",
    "found unexpected ':'": "quote a value that contains ': '",
    "could not find expected ':'": "each line needs 'field: value'; check the indentation",
    "found duplicate key": "remove or rename one of the two",
}


def _yaml_error(exc: MarkedYAMLError, path: str, line_offset: int) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    if problem.startswith(("expected ',' or ']'", "expected ',' or '}'")) and exc.context_mark:
        closer = problem[len("expected ',' or '")]
        what = "list" if closer == "]" else "mapping"
        mark = exc.context_mark
        return error(Location(path, mark.line + 1 + line_offset, mark.column + 1),
                     f"invalid YAML: the {what} started here with '{'[' if closer == ']' else '{'}' is not closed",
                     f"add '{closer}' after the last item", code="yaml")
    if problem.startswith("found duplicate key"):
        key = problem.split('"')[1] if '"' in problem else ""
        message = f"duplicate field '{key}'"
    else:
        message = f"invalid YAML: {problem}"
    hint = next((h for p, h in _HINTS.items() if problem.startswith(p)), None)
    loc = Location(path, mark.line + 1 + line_offset, mark.column + 1) if mark else Location(path, 1 + line_offset)
    return error(loc, message, hint, code="duplicate-key" if message.startswith("duplicate") else "yaml")


def _plain(node, at: tuple, locations: Locations, offset: int):
    """Plain dicts, lists and scalars, recording locations on the way down."""
    if isinstance(node, dict):
        result = {}
        for key, value in node.items():
            kl, kc = node.lc.key(key)
            if not isinstance(key, str) or isinstance(key, bool):
                raise ReadError(error(Location(locations.path, kl + 1 + offset, kc + 1),
                                      "a field name must be plain text" + (", not empty" if key is None else ""),
                                      "write 'name: value'", code="yaml"))
            name = str(key)
            here = (*at, name)
            vl, vc = node.lc.value(key)
            locations.keys[here] = Location(locations.path, kl + 1 + offset, kc + 1)
            # an empty value has no place of its own (ruamel points at the next line): use its key's
            locations.values[here] = Location(locations.path, vl + 1 + offset, vc + 1) if value is not None \
                else locations.keys[here]
            result[name] = _plain(value, here, locations, offset)
        return result
    if isinstance(node, list):
        result = []
        for index, value in enumerate(node):
            here = (*at, index)
            il, ic = node.lc.item(index)
            locations.values[here] = Location(locations.path, il + 1 + offset, ic + 1)
            result.append(_plain(value, here, locations, offset))
        return result
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node) if math.isfinite(node) else _NonFinite(float(node))
    text = str(node)
    if any("\ud800" <= c <= "\udfff" for c in text):  # "\ud800" escapes make text no file can hold
        raise ReadError(error(locations.value(at), "the text contains an invalid character (a lone surrogate, "
                              "such as \\ud800)", "remove the \\u escape", code="encoding"))
    return text


class _NonFinite(float):
    """inf and nan survive as a marker so validation can point at them."""


def is_non_finite(value) -> bool:
    return isinstance(value, _NonFinite)


def _byte_location(data: bytes, offset: int, path: str) -> Location:
    before = data[:offset]
    line = before.count(b"\n") + 1
    # columns count characters, as everywhere else: decode what precedes on the line
    column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", errors="replace")) + 1
    return Location(path, line, column)


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """Split a Markdown file into (front matter YAML, body, first body line)."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise ReadError(error(Location(path), "missing front matter",
                              "a Markdown item starts with a line '---', its fields, and another '---'",
                              code="front-matter"))
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[1:number]) + "\n", "\n".join(lines[number + 1:]), number + 2
    raise ReadError(error(Location(path), "front matter is not closed", "add a line '---' after the last field",
                          code="front-matter"))
