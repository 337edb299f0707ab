"""Reading one content file: bytes to text, text to plain data with a location
for every key, value and list item. YAML library types never leave this module.

Each text is parsed once, by libyaml (through PyYAML), with our own YAML 1.2 core-schema
resolution of plain scalars. The ruamel.yaml round-trip parser that read content before
stays as the reference: it words the diagnostic of every text the fast path does not read
cleanly, so each message is the one it always was, and tests compare the two paths."""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field

import yaml
from yaml.events import (AliasEvent as _Alias, DocumentStartEvent as _DocumentStart, MappingEndEvent as _MappingEnd,
                         MappingStartEvent as _MappingStart, ScalarEvent as _Scalar, SequenceEndEvent as _SequenceEnd,
                         SequenceStartEvent as _SequenceStart, StreamEndEvent as _StreamEnd)
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

# Characters no text may hold, however it is written: YAML escapes such as "\0", "\x0b" and
# "\uffff" are valid, and pass ruamel's check of the raw file. C0 controls but tab and line feed
# (a CR in the file is a line break; in a value it can only come from the escape "\r"), DEL and
# C1 controls, and the Unicode non-characters: XML 1.0 (IATI, feeds) and XLSX cannot hold most
# of them, and none of them is visible or means anything in text.
_BMP_NOT_TEXT = "\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff"
NOT_TEXT = re.compile(f"[{_BMP_NOT_TEXT}" + "".join(f"{chr(plane + 0xFFFE)}-{chr(plane + 0xFFFF)}"
                                                   for plane in range(0x10000, 0x110000, 0x10000)) + "]")
# sre scans the ranges above the BMP one by one: ten times slower, so only for text that needs it
_BMP_ONLY, _ASTRAL = re.compile(f"[{_BMP_NOT_TEXT}]"), re.compile("[\U00010000-\U0010ffff]")


def find_not_text(text: str) -> re.Match | None:
    """The first character of the text that NOT_TEXT refuses."""
    astral = not text.isascii() and _ASTRAL.search(text)
    return (NOT_TEXT if astral else _BMP_ONLY).search(text)


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
    _refuse_directives(text, path, line_offset)
    parsed = _parse_events(text, path, line_offset) if _read_alike(text) else None
    if parsed is None:
        # Malformed, using what content must not, or read differently by the two parsers:
        # rare, so the reference parser reads it and words the diagnostic as it always has.
        return parse_yaml_reference(text, path, line_offset)
    return parsed


def _refuse_directives(text: str, path: str, line_offset: int) -> None:
    """A directive before the content (a %YAML 1.1 turns `no` into false)."""
    for number, line in enumerate(text.split("\n")):
        if line.startswith("%"):
            raise ReadError(error(Location(path, number + 1 + line_offset, 1),
                                  f"YAML directive '{line.split()[0]}' is not allowed",
                                  "mspsite reads YAML 1.2; remove the line", code="yaml-directive"))
        if line.startswith(("---", "...")) or (line and not line.startswith("#")):
            break


# -- the fast path: libyaml's events ----------------------------------------------------------------------------------

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml: the same events, slower
    _Loader = yaml.SafeLoader

# Characters that send a text whole to the reference parser, all rare in content: those YAML
# does not allow (ruamel's reader reports them, in its own order), and tab, CR, NEL, U+2028,
# U+2029 and U+FEFF, which libyaml (YAML 1.1; a tab is a space to it in places) and ruamel (1.2)
# do not read alike.
_ASCII_ALIKE = b"\n" + bytes(range(0x20, 0x7F))
_NOT_ALIKE = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


def _read_alike(text: str) -> bool:
    if text.isascii():   # most texts: bytes.translate is ten times faster than a regex
        return not text.encode("ascii").translate(None, _ASCII_ALIKE)
    return not _NOT_ALIKE.search(text)


class _Reference(Exception):
    """The fast path leaves this text to the reference parser."""


def _parse_events(text: str, path: str, offset: int) -> tuple[object, Locations] | None:
    """The text's data and locations from libyaml's events, or None when the
    reference parser must read it."""
    loader = None
    try:
        loader = _Loader(text)
        return _build(loader.get_event, text, path, offset)
    except (yaml.YAMLError, _Reference):
        return None
    finally:
        if loader is not None:
            loader.dispose()


def _build(next_event, text: str, path: str, offset: int) -> tuple[object, Locations]:
    """Plain data and locations, built as the events come. Whatever the pre-scan or
    the reference parser refuses stops it (_Reference) before anything more is built:
    an alias, anchor, tag, merge key or second document, more than MAX_NODES values,
    nesting deeper than MAX_DEPTH, a duplicate or non-text key, a number ruamel
    cannot convert, a character no text may hold; so does a document that is a scalar."""
    def at(mark) -> Location:
        return Location(path, mark.line + 1 + offset, mark.column + 1)

    # only an escape ("\x01") or the file itself (U+FDD0) can put a NOT_TEXT character in a value
    check_characters = "\\" in text or (not text.isascii() and find_not_text(text) is not None)
    lines = None   # the text's lines, split for the first block scalar
    locations = Locations(path)
    keys, values = locations.keys, locations.values
    values[()] = Location(path, 1 + offset, 1)
    root = None
    stack: list[list] = []   # open collections: [container, its path, pending key or _NO_KEY, key location]
    depth = documents = nodes = 0
    while True:
        event = next_event()
        kind = event.__class__
        if kind is _Scalar or kind is _MappingStart or kind is _SequenceStart:
            nodes += 1
            if event.anchor or event.tag or nodes > MAX_NODES:
                raise _Reference
            if kind is _Scalar:
                value = event.value
                if not event.style:   # plain (libyaml's style is '', PyYAML's None)
                    if value == "<<":
                        raise _Reference
                    try:
                        value = _resolve(value)
                    except (ValueError, IndexError):   # '0x_', a 5,000-digit number: ruamel fails its own way
                        raise _Reference from None
                elif event.style in "|>":
                    lines = text.split("\n") if lines is None else lines
                    if _ruamel_refuses_block(lines, event.start_mark):
                        raise _Reference
                if check_characters and value.__class__ is str and find_not_text(value):
                    raise _Reference
            else:
                depth += 1
                if depth > MAX_DEPTH:
                    raise _Reference
                value = {} if kind is _MappingStart else []
            here = ()
            if stack:
                frame = stack[-1]
                parent = frame[0]
                if parent.__class__ is list:
                    here = (*frame[1], len(parent))
                    values[here] = at(event.start_mark)
                    parent.append(value)
                elif frame[2] is _NO_KEY:
                    if value.__class__ is not str or value in parent:
                        raise _Reference
                    frame[2], frame[3] = value, at(event.start_mark)
                else:
                    key = frame[2]
                    here = (*frame[1], key)
                    keys[here] = frame[3]
                    # an empty value has no place of its own (it is found at the next token): use its key's
                    values[here] = frame[3] if value is None else at(event.start_mark)
                    parent[key] = value
                    frame[2] = _NO_KEY
            elif kind is _Scalar:   # a document that is one scalar: content never is, and ruamel reads
                raise _Reference    # a top-level block scalar's lines at column 0, libyaml does not
            else:
                root = value
            if kind is not _Scalar:
                stack.append([value, here, _NO_KEY, None])
        elif kind is _MappingEnd or kind is _SequenceEnd:
            depth -= 1
            stack.pop()
        elif kind is _Alias:
            raise _Reference
        elif kind is _DocumentStart:
            documents += 1
            if documents > 1:
                raise _Reference
        elif kind is _StreamEnd:
            return root, locations


_NO_KEY = object()
_HEADER_COMMENT = re.compile(r"[|>][-+0-9]*#")


def _ruamel_refuses_block(lines: list[str], mark) -> bool:
    """Two block scalars libyaml reads and ruamel refuses: a comment right after the
    indicator ('|#', '>-#'), and a first line of spaces only followed by a more indented
    line (any first line of spaces only will do: it is rare enough)."""
    following = lines[mark.line + 1] if mark.line + 1 < len(lines) else ""
    return bool(_HEADER_COMMENT.match(lines[mark.line], mark.column) or following and not following.strip(" "))

# Plain scalars by the YAML 1.2 core schema, exactly as ruamel's VersionedResolver for 1.2
# resolves them (its patterns, tried in its order), and as its round-trip constructor builds
# them: underscores in numbers, 0o octal, 0x hex and 0b binary, 012 is twelve; no yes/no
# booleans, no sexagesimals; timestamps stay text (validation reads dates).
_FLOAT = re.compile(r"""^(?:
     [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""", re.X)
_INT = re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_NAN = -math.inf / math.inf   # ruamel's NaN, sign bit and all


def _resolve(text: str):
    """A plain scalar's value (ValueError or IndexError where ruamel fails too)."""
    first = text[:1]
    if not first or first in "~nN":
        return None if _NULL.match(text) else text
    if first in "tTfF":
        return text.lower() == "true" if _BOOL.match(text) else text
    if first in "-+.0123456789":
        if _FLOAT.match(text):
            number = text.replace("_", "").lower()
            sign = -1 if number[0] == "-" else 1
            number = number[1:] if number[0] in "+-" else number
            number = sign * math.inf if number == ".inf" else _NAN if number == ".nan" else sign * float(number)
            return number if math.isfinite(number) else _NonFinite(number)
        if _INT.match(text):
            number = text.replace("_", "")
            sign = -1 if number[0] == "-" else 1
            number = number[1:] if number[0] in "+-" else number
            base = {"0b": 2, "0x": 16, "0o": 8}.get(number[:2])
            return sign * (int(number[2:], base) if base else int(number))
    return text


# -- the reference path: ruamel.yaml, as content was read before ------------------------------------------------------

class _Constructor(RoundTripConstructor):
    """Dates stay strings: validation parses them, so '2025-02-30' is reported
    at its location instead of raising a bare ValueError here."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_str)


def parse_yaml_reference(text: str, path: str, line_offset: int = 0) -> tuple[object, Locations]:
    """parse_yaml with ruamel.yaml's round-trip parser, in two passes as before (pre-scan,
    then load): it reads the texts the fast path leaves to it, and tests compare the fast
    path with it."""
    _prescan(text, path, line_offset)
    loader = YAML(typ="rt")
    loader.Constructor = _Constructor
    loader.version = (1, 2)
    try:
        doc = loader.load(text)
    except MarkedYAMLError as exc:
        raise ReadError(_yaml_error(exc, path, line_offset)) from None
    except (YAMLError, ValueError, TypeError) as exc:  # ruamel raises a few unmarked errors
        raise ReadError(error(Location(path, 1 + line_offset), f"invalid YAML: {exc}", code="yaml")) from None
    except (IndexError, NotImplementedError):   # ruamel's own faults: '0x_', some comments after a key
        raise ReadError(error(Location(path, 1 + line_offset), "invalid YAML: a value in this file cannot be read",
                              "quote any value that looks like a number but is not one, such as 0x_ or +_",
                              code="yaml")) from None
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

    _refuse_directives(text, path, line_offset)
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
            _refuse_characters(name, locations.keys[here], "a field name")
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
    _refuse_characters(text, locations.value(at), "text")
    return text


def _refuse_characters(text: str, where: Location, what: str) -> None:
    """A value or key holding a NOT_TEXT character, located at the value: the escape that
    wrote it leaves no trace of its own column."""
    found = find_not_text(text)
    if found:
        raise ReadError(error(where, f"{_character(found.group())} is not allowed in {what}",
                              f"remove it, or the escape that writes it: {_escapes(found.group())}",
                              code="encoding"))


def check_body(body: str, path: str, first_line: int) -> None:
    """Refuse a Markdown body holding a NOT_TEXT character, at its line and column.
    A CR there is a line break, as Markdown reads it."""
    found = find_not_text(body.replace("\r", "\n"))
    if found:
        before = body[:found.start()].replace("\r", "\n")
        location = Location(path, first_line + before.count("\n"), found.start() - (before.rfind("\n") + 1) + 1)
        raise ReadError(error(location, f"{_character(found.group())} is not allowed in text",
                              "remove it: most editors do not show it", code="encoding"))


def _character(c: str) -> str:
    kind = "a Unicode non-character" if ord(c) >= 0xFDD0 else "a control character"
    return f"character U+{ord(c):04X} ({kind})"


_NAMED_ESCAPES = {"\0": "\\0", "\a": "\\a", "\b": "\\b", "\v": "\\v", "\f": "\\f", "\r": "\\r", "\x1b": "\\e",
                  "\x85": "\\N"}


def _escapes(c: str) -> str:
    """The ways a YAML double-quoted scalar writes the character, as an editor may have typed it."""
    n = ord(c)
    code = f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}"
    return f"{_NAMED_ESCAPES[c]} or {code}" if c in _NAMED_ESCAPES else code


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
