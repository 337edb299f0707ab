"""The YAML reader's fast path (libyaml, one pass) against its reference (ruamel.yaml's
round-trip parser, which read content before and still words the diagnostics of texts
the fast path leaves to it): for every YAML text the repository holds, and for generated
ones, the same data with the same Python types, the same location of every key and value,
or the same diagnostic. Hypothesis is derandomized: every run tries the same documents."""

from __future__ import annotations

import math
import re
import struct
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mspsite import yamlread
from mspsite.diagnostics import Location
from mspsite.yamlread import ReadError, is_non_finite, parse_yaml, parse_yaml_reference, read_text, split_front_matter

ROOT = Path(__file__).parent.parent
CLEAN = [ROOT / "sample-partnership", ROOT / "mspsite" / "starter"]
FOLDERS = CLEAN + sorted((ROOT / "tests" / "projects").glob("*/project"))


def _texts(folders) -> list[tuple[str, str, int]]:
    """(path, YAML text, line offset) of every YAML file and front matter in the folders."""
    found = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix not in (".yml", ".yaml", ".md") or not path.is_file():
                continue
            rel = path.relative_to(ROOT).as_posix()
            try:
                text, offset = read_text(path.read_bytes(), rel), 0
                if path.suffix == ".md":
                    text, _, _ = split_front_matter(text, rel)
                    offset = 1
            except ReadError:   # not YAML at all (a README, broken bytes): nothing for a parser to read
                continue
            found.append((rel, text, offset))
    return found


def _typed(value):
    """A value with its exact type at every level; floats by their bits (NaN's sign, -0.0)."""
    if isinstance(value, dict):
        return "dict", [(_typed(k), _typed(v)) for k, v in value.items()]
    if isinstance(value, list):
        return "list", [_typed(v) for v in value]
    if isinstance(value, float):
        return type(value).__name__, struct.pack(">d", value).hex()
    return type(value).__name__, value


def _outcome(parse, text: str, path: str = "x.yml", offset: int = 0):
    try:
        data, locations = parse(text, path, offset)
    except ReadError as exc:
        return "diagnostic", exc.diagnostic
    except IndexError as exc:   # ruamel's own bug on '0x_', '0b_', '-_': the fast path leaves them to it
        return "crash", repr(exc)
    # in order: later stages see the locations in the order the reference recorded them
    return "data", _typed(data), list(locations.values.items()), list(locations.keys.items())


def assert_alike(text: str, path: str = "x.yml", offset: int = 0):
    fast, reference = _outcome(parse_yaml, text, path, offset), _outcome(parse_yaml_reference, text, path, offset)
    assert fast == reference, f"{path}: {text!r}"
    return fast


def test_every_yaml_text_of_the_repository_reads_alike():
    texts = _texts(FOLDERS)
    assert len(texts) > 300
    outcomes = [assert_alike(text, rel, offset)[0] for rel, text, offset in texts]
    assert outcomes.count("data") > 300 and outcomes.count("diagnostic") >= 3   # broken-* projects included


def test_clean_texts_never_reach_the_reference(monkeypatch):
    """The sample and starter partnerships are read by libyaml alone: the fast path is the path."""
    def reference(*args):
        raise AssertionError("read by the reference parser")

    texts = _texts(CLEAN)
    monkeypatch.setattr(yamlread, "parse_yaml_reference", reference)
    for rel, text, offset in texts:
        parse_yaml(text, rel, offset)
    assert len(texts) > 100


def test_pure_python_loader_reads_alike(monkeypatch):
    """Without libyaml, PyYAML's own parser gives the same events: same results, slower."""
    monkeypatch.setattr(yamlread, "_Loader", yaml.SafeLoader)
    texts = _texts(CLEAN)[::3]   # a third of them: the pure-Python parser is slow
    for rel, text, offset in texts:
        assert assert_alike(text, rel, offset)[0] == "data"
    assert len(texts) > 30


@pytest.mark.parametrize("written, value", [
    ("no", "no"), ("yes", "yes"), ("on", "on"), ("Off", "Off"), ("y", "y"),   # YAML 1.1 booleans are text
    ("true", True), ("False", False), ("TRUE", True), ("tRue", "tRue"),
    ("~", None), ("", None), ("null", None), ("Null", None), ("NULL", None), ("nULL", "nULL"),
    ("1_000", 1000), ("0o17", 15), ("0x1F", 31), ("-0x1f", -31), ("012", 12), ("+5", 5), ("0b101", 5), ("-0", 0),
    ("1e3", 1000.0), ("1E+3", 1000.0), (".5", 0.5), ("+.5e-3", 0.0005), ("1.", 1.0), ("-0.0", -0.0), ("1_0.5", 10.5),
    (".5e3", ".5e3"), ("0o8", "0o8"), ("0x", "0x"), ("_1", "_1"), ("-.nan", "-.nan"),
    ("2025-02-30", "2025-02-30"), ("2025-01-01T10:00:00Z", "2025-01-01T10:00:00Z"), ("12:30", "12:30"),  # text
    ("1:20:30", "1:20:30"), ("=", "="), ("'1'", "1"), ('"true"', "true"), ("''", ""), ('"~"', "~"),
])
def test_plain_scalars_resolve_by_the_yaml_1_2_core_schema(written, value):
    data, _ = parse_yaml(f"a: {written}\n", "x.yml")
    assert data["a"] == value and type(data["a"]) is type(value)
    assert_alike(f"a: {written}\n")


@pytest.mark.parametrize("written, sign", [(".inf", 1), ("-.inf", -1), ("+.Inf", 1), (".NaN", 0), (".nan", 0),
                                           ("1e400", 1), ("-1e400", -1)])
def test_infinity_and_nan_are_marked(written, sign):
    data, _ = parse_yaml(f"a: {written}\n", "x.yml")
    assert is_non_finite(data["a"]) and (math.isnan(data["a"]) if not sign else data["a"] == sign * math.inf)
    assert_alike(f"a: {written}\n")


@pytest.mark.parametrize("text, code, line, column", [
    pytest.param("a: &x 1\nb: *x\n", "yaml-alias", 1, 4, id="anchor"),
    pytest.param("a: 1\nb: *x\n", "yaml-alias", 2, 4, id="alias"),
    pytest.param("a: !!python/object x\n", "yaml-tag", 1, 4, id="tag"),
    pytest.param("a: !x,] 1\n", "yaml-tag", 1, 4, id="tag-as-ruamel-reads-it"),
    pytest.param("a: 1\n<<: {b: 2}\n", "yaml-alias", 2, 1, id="merge-key"),
    pytest.param("a: 1\n---\nb: 2\n", "yaml-documents", 2, 1, id="second-document"),
    pytest.param("%YAML 1.1\n---\na: no\n", "yaml-directive", 1, 1, id="directive"),
    pytest.param("a: " + "[" * 40 + "\n", "yaml-depth", 1, 35, id="depth"),
    pytest.param("a: [" + "1, " * 120 + "]\n", "yaml-depth", 1, 296, id="values"),   # with MAX_NODES = 100
    pytest.param("a: 1\nb: 2\na: 3\n", "duplicate-key", 3, 1, id="duplicate-key"),
    pytest.param("a: 1\n1: 2\n", "yaml", 2, 1, id="number-as-key"),
    pytest.param("a: \"x\\x01\"\n", "encoding", 1, 4, id="escaped-control-character"),
    pytest.param("a: \"x\\ud800\"\n", "encoding", 1, 4, id="escaped-surrogate"),
    pytest.param("a: x\x7f\n", "encoding", 1, 5, id="raw-control-character"),
    pytest.param("a: ._\n", "yaml", 1, 1, id="number-ruamel-cannot-convert"),
    pytest.param("a:\tb\n", "yaml", 1, 3, id="tab-libyaml-takes-for-a-space"),
    pytest.param("a: |#c\n  x\n", "yaml", 1, 5, id="comment-libyaml-takes-after-indicator"),
    pytest.param("a: >\n \n  x\n", "yaml", 3, 3, id="block-ruamel-refuses-after-spaces"),
    pytest.param("a: 1\nb: [2\n", "yaml", 2, 4, id="unclosed-list"),
])
def test_what_content_must_not_use_is_located_as_before(text, code, line, column, monkeypatch):
    monkeypatch.setattr(yamlread, "MAX_NODES", 100)   # both paths read the limits when they run
    kind, diagnostic = assert_alike(text)
    assert kind == "diagnostic"
    assert (diagnostic.code, diagnostic.location) == (code, Location("x.yml", line, column)), diagnostic


def test_a_comment_before_a_value_on_the_next_line_is_read():
    """ruamel.yaml 0.18-0.19 raises NotImplementedError ("overlap in comment") on this text,
    which made `check` crash; libyaml reads it."""
    data, locations = parse_yaml("a: # the value is below\n  x\n\nb: 1\n", "x.yml")
    assert data == {"a": "x", "b": 1}
    assert locations.value(("a",)) == Location("x.yml", 2, 3)


# -- generated documents -------------------------------------------------------------------------------------------

TRICKY = ["no", "yes", "on", "1_000", "0o17", "0x1F", "012", "1e3", ".5", "-.inf", ".NaN", "2025-02-30", "12:30", "~",
          "", "null", "NULL", "true", "False", "0b1", "+5", "-0", "1.", "1e400", "=", "<<", "-", "a b",
          "a #b", "x: y", "it's", 'a"b', "é", "中文", "😀 ok", "مرحبا", "1_", "09", "-.nan", "2025-01-01T10:00:00Z",
          "#x", "@x", "*x", "&x", "!x", "%x", "[x]", "{x}", "a,b", "?x", ":x", "-x", "a\\nb", "line\nbreak", " x "]
KEYS = ["name", "title", "a", "b", "é", "x y", "2025-01-01", "中文", "summary", "no", "12:30"]   # text, however written
ESCAPES = ["\\t", "\\x41", "\\u00e9", "\\U0001F600", "\\/", "\\_", "\\L", "\\ ", "\\\"", "\\\\", "\\\n  "]
BAD_ESCAPES = ["\\0", "\\x01", "\\ud800", "\\e", "\\N", "\\ufdd0", "\\r", "\\z"]
NOISE = [": ", "- ", "[", "]", "{", "}", ", ", " #", '"', "'", "\t", "\n", " ", "&a ", "*a", "!t ", "|", ">", "%", "@",
         "? ", "\\", "...", "---", "\r", "\x85", "\ufeff", "\x01", "<<: "]
SAFE_PLAIN = re.compile(r"[\w.+~=][\w .:+~=-]*(?<![ :])")   # plain anywhere, unless it holds ': '


def _tree(keys, scalars, unique: bool):
    return st.recursive(scalars, lambda kids: st.lists(kids, max_size=4).map(lambda items: ("seq", items)) | (
        st.dictionaries(keys, kids, max_size=4).map(lambda pairs: ("map", list(pairs.items()))) if unique else
        st.lists(st.tuples(keys, kids), max_size=4).map(lambda pairs: ("map", pairs))), max_leaves=10)


def _text(excluded):
    return st.text(st.characters(codec="utf-8", exclude_categories=excluded), max_size=6)


VALID = _tree(st.sampled_from(KEYS), st.sampled_from(TRICKY) | _text(["Cs", "Cc", "Cn"]), unique=True)
ANY = _tree(st.sampled_from(KEYS * 4 + ["1", "true", "null", "~", "", "<<"] + TRICKY),
            st.sampled_from(TRICKY + ["0x_", "._"]) | _text(["Cs", "Cc"]), unique=False)   # numbers ruamel fails on


def _double_quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class _Writer:
    """Writes a tree as YAML in random styles; a broken writer also writes what YAML or
    content must not hold (plain scalars that are not, bad escapes, '|2' in the wrong place)."""

    def __init__(self, rnd, broken: bool):
        self.rnd, self.broken = rnd, broken

    def scalar(self, text: str, block: str | None) -> str:
        rnd, style = self.rnd, self.rnd.random()
        if style < 0.5 and (SAFE_PLAIN.fullmatch(text) and ": " not in text or not text and block is not None or
                            self.broken and rnd.random() < 0.2):
            return text
        if style < 0.65 and "\n" not in text:
            return "'" + text.replace("'", "''") + "'"
        if style < 0.9 or block is None:
            at, escape = len(text), ""
            if rnd.random() < 0.15:
                at = rnd.randrange(len(text) + 1)
                escapes = ESCAPES if block is not None else ESCAPES[:-1]   # a key is written on one line
                escape = rnd.choice(escapes + (BAD_ESCAPES if self.broken else []))
            return '"' + _double_quoted(text[:at]) + escape + _double_quoted(text[at:]) + '"'
        header = rnd.choice(["|", ">", "|-", ">+"] + (["|2", ">1"] if self.broken else []))
        return header + "".join("\n" + (block + "  " + line if line else "") for line in text.split("\n")) + \
            rnd.choice(["", "\n"])

    def flow(self, node) -> str:
        if isinstance(node, str):
            return self.scalar(node, None)
        kind, items = node
        if kind == "seq":
            return "[" + ", ".join(self.flow(item) for item in items) + "]"
        return "{" + ", ".join(f"{self.scalar(k, None)}: {self.flow(v)}" for k, v in items) + "}"

    def block(self, node, indent: str) -> str:
        """node as the value after 'key:' or '-', ending with a line break."""
        rnd = self.rnd
        comment = " # note" if rnd.random() < 0.1 else ""
        if isinstance(node, str) or not node[1] or rnd.random() < 0.2:
            return " " + (self.scalar(node, indent) if isinstance(node, str) else self.flow(node)) + comment + "\n"
        kind, items = node
        inner = indent + rnd.choice(["  ", "  ", " ", "    "] if kind == "map" else ["  ", ""])
        if kind == "seq":
            return comment + "\n" + "".join(inner + "-" + self.block(item, inner + "  ") for item in items)
        return comment + "\n" + "".join(inner + self.scalar(k, None) + ":" + self.block(v, inner) for k, v in items)


@st.composite
def documents(draw, broken: bool) -> str:
    """A content file's fields; broken, with a few characters of YAML syntax put in or taken out."""
    writer = _Writer(draw(st.randoms(use_true_random=False)), broken)
    tree = ("map", draw(st.lists(st.tuples(st.sampled_from(KEYS), ANY if broken else VALID), min_size=2, max_size=4,
                                 unique_by=None if broken else lambda pair: pair[0])))
    # block() writes what follows 'key:'; without its first character, a file (a comment line first, now and then)
    text = writer.flow(tree) + "\n" if writer.rnd.random() < 0.1 else writer.block(tree, "")[1:]
    for _ in range(writer.rnd.choice([0, 1, 1, 2]) if broken else 0):
        at = writer.rnd.randrange(len(text) + 1)
        text = text[:at] + writer.rnd.choice(NOISE) + text[at + writer.rnd.choice([0, 0, 1]):]
    return text


PROFILE = dict(deadline=None, derandomize=True, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(max_examples=150, **PROFILE)
@given(documents(broken=False), st.sampled_from([0, 1]))
def test_generated_documents_read_alike(text, offset):
    assert assert_alike(text, "g.yml", offset)[0] == "data"


@settings(max_examples=100, **PROFILE)
@given(documents(broken=True), st.sampled_from([0, 1]))
def test_generated_broken_documents_read_alike(text, offset):
    assert_alike(text, "g.yml", offset)
