"""What a page is made of: the items, partnership fields and links its templates read while it
is rendered, and a digest of each, so a later build can tell whether the page would come out
the same (pagecache.py).

Templates run in the sandbox, which reads every attribute and key through the environment:
`record_reads` hooks those two calls and the functions templates are given, so any item a
template reads, or hands to a function (`label(d)`, `url(d)`), is recorded. An item's digest
covers all of its own data, its back-links as the items they name, and none of the items it
points to: a page that reads those reads them through the sandbox too, and records them."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
import hashlib
import inspect
import os
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Callable

from .model import Item, Partnership

if TYPE_CHECKING:
    from jinja2 import Environment
    from .plan import Site

_ATOMS = (Decimal, datetime.date, enum.Enum, PurePath)   # datetime is a date; enums before their base type
_LIMIT = 200   # nesting deeper than any model value: a cycle through non-items
_PLAIN = {int, float, bool, type(None)}


class Unstable(Exception):
    """A value whose digest would differ from build to build (an object known by its address)."""


def item_key(item: Item) -> str:
    """An item's dependency name: the same item in the next build has the same name."""
    return f"i\0{item.content_kind}\0{item.id}\0{item.path}"


class Reads:
    """What the page being rendered has read so far (a fresh one for every page)."""

    __slots__ = ("items", "names")

    def __init__(self):
        self.items: set[Item] = set()   # items hash by identity (eq=False): cheap to add on every read
        self.names: set[str] = set()    # partnership and site fields, link and media lookups

    def keys(self) -> list[str]:
        """Every dependency, by name, in a fixed order."""
        return sorted({item_key(i) for i in self.items} | self.names)


class Recorder:
    """Holds the Reads of the page being rendered; `None` outside a page."""

    def __init__(self):
        self.reads: Reads | None = None

    def item(self, value) -> None:
        if self.reads is not None and isinstance(value, Item):
            self.reads.items.add(value)

    def name(self, name: str) -> None:
        if self.reads is not None:
            self.reads.names.add(name)


def record_reads(env: Environment, recorder: Recorder, p: Partnership, site: Site) -> None:
    """Make env record every item, partnership field and site field its templates read."""
    getattr_, getitem = env.getattr, env.getitem

    def note(obj, name) -> None:
        if isinstance(obj, Item):
            recorder.item(obj)
        elif obj is p and isinstance(name, str):
            recorder.name(f"p\0{name}")
        elif obj is site and isinstance(name, str):
            recorder.name(f"s\0{name}")

    def read_attribute(obj, attribute):
        note(obj, attribute)
        return getattr_(obj, attribute)

    def read_item(obj, argument):
        note(obj, argument)
        return getitem(obj, argument)

    env.getattr, env.getitem = read_attribute, read_item
    for table in (env.globals, env.filters, env.tests):
        for name, value in list(table.items()):
            if callable(value) and not isinstance(value, type):
                table[name] = _recording(value, recorder)


def _recording(function: Callable, recorder: Recorder) -> Callable:
    """function, recording the items it is given (alone or in a list) as read."""
    @functools.wraps(function)
    def call(*args, **kwargs):
        for value in (*args, *kwargs.values()):
            if isinstance(value, (list, tuple)):
                for member in value:
                    recorder.item(member)
            else:
                recorder.item(value)
        return function(*args, **kwargs)

    if hasattr(function, "jinja_pass_arg"):   # pass_context and friends: Jinja reads it from the callable
        call.jinja_pass_arg = function.jinja_pass_arg
    return call


class Digests:
    """The current digest of each dependency name, computed once per build."""

    def __init__(self, p: Partnership, site: Site, lookup: Callable[[str], str | None]):
        self.p, self.site, self.lookup = p, site, lookup
        self._items: dict[str, list[Item]] | None = None
        self._known: dict[str, str | None] = {}

    def __call__(self, name: str) -> str:
        """The digest of a dependency now. One that is gone, or cannot be digested, gets a
        digest of its own that nothing kept matches: pages that read it are rendered again."""
        if name not in self._known:
            try:
                self._known[name] = self._compute(name)
            except Unstable:
                self._known[name] = None
            if self._known[name] is None:
                self._known[name] = "never:" + os.urandom(12).hex()
        return self._known[name]

    def _compute(self, name: str) -> str | None:
        kind, _, rest = name.partition("\0")
        if kind == "i":
            found = self._by_key().get(name)
            return digest(*found, top=True) if found else None
        if kind == "p":
            return digest(getattr(self.p, rest, _MISSING))
        if kind == "s":
            value = getattr(self.site, rest, _MISSING)
            # the site's methods (source_url) read the settings, which every page's key holds
            return digest(value.__qualname__ if inspect.ismethod(value) else value)
        return "=" + (self.lookup(name) or "")   # a link or media lookup: its result is its digest

    def _by_key(self) -> dict[str, list[Item]]:
        if self._items is None:
            self._items = {}
            for f in dataclasses.fields(self.p):
                value = getattr(self.p, f.name)
                if isinstance(value, tuple):
                    for item in value:
                        if isinstance(item, Item):
                            self._items.setdefault(item_key(item), []).append(item)
        return self._items


_MISSING = "\0missing"


def digest(*values, top: bool = False) -> str:
    """A digest of values, stable from build to build. With top, items among values are digested
    whole; any other item met inside is named, not digested (see the module's docstring)."""
    parts: list[str] = []
    for value in values:
        _encode(value, parts, 0 if top else 1)
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


@functools.lru_cache(maxsize=None)
def _fields(cls) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _encode(value, parts: list[str], depth: int) -> None:
    kind = type(value)
    if kind is str:   # by far the most common: first, and without repr()
        parts.append(f"s{len(value)}:{value}")
    elif kind in _PLAIN or isinstance(value, _ATOMS):
        parts.append(f"{kind.__name__}:{value!r}")
    elif kind is bytes:
        parts.append("bytes:" + hashlib.blake2b(value, digest_size=16).hexdigest())
    elif depth and isinstance(value, Item):
        parts.append("@" + item_key(value))
    elif depth > _LIMIT:
        raise Unstable("nested too deep")
    elif kind is tuple or kind is list:
        parts.append(f"{kind.__name__}[{len(value)}")
        for member in value:
            _encode(member, parts, depth + 1)
        parts.append("]")
    elif kind is dict:
        parts.append(f"dict[{len(value)}")
        for key, member in value.items():
            _encode(key, parts, depth + 1)
            _encode(member, parts, depth + 1)
        parts.append("]")
    elif isinstance(value, (set, frozenset)):   # no order of their own: members in the order of their encoding
        members = []
        for member in value:
            encoded: list[str] = []
            _encode(member, encoded, depth + 1)
            members.append("\x1f".join(encoded))
        parts.append(f"set[{len(members)}")
        parts.extend(sorted(members))
        parts.append("]")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _fields(kind)
        parts.append(f"{kind.__qualname__}{{{len(names)}")
        for name in names:
            _encode(getattr(value, name), parts, depth + 1)
        parts.append("}")
    elif isinstance(value, (tuple, list, dict, str)):   # subclasses (named tuples, Markup) as their base
        _encode(kind.__mro__[1](value) if not isinstance(value, str) else str(value), parts, depth)
        parts.append(kind.__qualname__)
    else:   # functions, open files...: nothing a page could be matched on
        raise Unstable(f"cannot digest a {kind.__name__}")
