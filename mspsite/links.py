"""Paths in YAML fields and links in Markdown (bodies, and Markdown fields of YAML): every
local target must be a file inside the partnership folder (content format, "Paths and
links"). A Markdown text beyond the complexity budget is reported here too, located, since
its links cannot be read."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote, unquote, urlsplit

from .settings import Settings
from .visibility import VISIBILITIES, visibility_rank
from .diagnostics import Diagnostic, Location, did_you_mean, error, warning
from .kinds import PATH_FIELDS, markdown_texts, values_at
from .folder import is_inside
from .load import RawDocument, RawProject
from .markup import URL_SCHEMES, TooComplex, link_targets



def resolve_path(raw: RawProject, base: str | None, target: str) -> tuple[str | None, str | None, str | None]:
    """(relative path, problem, hint) for a local target written in a Markdown file in folder
    `base`, or in a YAML field (base None: relative to the partnership folder)."""
    if target.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", target):
        return None, f"absolute path '{target}' is not allowed", \
            "write the path relative to the Markdown file, such as ../media/harvest.jpg" if base is not None else \
            "write the path relative to the partnership folder, such as media/harvest.jpg"
    base = base or ""
    if "\\" in target:
        return None, f"path '{target}' uses '\\'", "separate folders with '/'"
    if "\x00" in target:
        return None, "the path contains a NUL character", None
    try:
        return _resolve(raw, base, target)
    except (OSError, ValueError) as exc:  # a name longer than the system allows, a loop of links, ...
        return None, f"'{target[:80]}' cannot be used as a path ({getattr(exc, 'strerror', None) or exc})", None


def _resolve(raw: RawProject, base: str, target: str) -> tuple[str | None, str | None, str | None]:
    rel = posixpath.normpath(posixpath.join(base, target))
    if rel == ".." or rel.startswith("../"):
        inside = posixpath.normpath(target.lstrip("./"))
        if not base and inside in raw.files:
            return None, f"'{target}' points outside the partnership folder", \
                f"paths in fields start from the partnership folder: write '{inside}'"
        return None, f"'{target}' points outside the partnership folder", \
            "nothing outside the partnership folder is published; copy the file into media/"
    full = raw.root / rel
    if not is_inside(raw.root, full):  # realpath follows links, even dangling ones
        return None, f"'{target}' leads outside the partnership folder (symbolic link)", \
            "copy the file into the folder instead"
    if rel not in raw.files:
        if full.is_dir():
            return None, f"'{target}' is a folder, not a file", None
        if base and posixpath.normpath(target) in raw.files:
            return None, f"file not found: '{target}'", \
                f"links in Markdown start from the file's own folder: write '{posixpath.relpath(target, base)}'"
        return None, f"file not found: '{target}'", _nearby(raw.files, rel, base)
    if not full.is_file():
        return None, f"'{target}' is not a regular file", "replace it with an ordinary file"
    return rel, None, None


def check_links(raw: RawProject, settings: Settings) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    visibility, clearance = _visibilities(raw, settings), settings.clearance
    for doc in raw.documents:
        for pattern in PATH_FIELDS.get(doc.kind.name, ()):
            for at, value in values_at(doc.data, pattern):
                if not isinstance(value, str):
                    continue
                if urlsplit(value).scheme and not re.match(r"^[A-Za-z]:[\\/]", value):
                    found.append(error(doc.locations.value(at), f"'{pattern}' must be a file in the partnership "
                                       f"folder, not an address ('{value}')", "download the file into media/",
                                       code="path"))
                    continue
                _, problem, hint = resolve_path(raw, None, value)
                if problem:
                    found.append(error(doc.locations.value(at), problem, hint, code="path"))
        if doc.body:
            found.extend(_markdown_links(raw, doc, doc.body, lambda pos: _body_location(doc, pos), visibility,
                                         clearance))
        for at, text in markdown_texts(doc.kind.name, doc.data):
            where = doc.locations.value(at)
            found.extend(_markdown_links(raw, doc, text, lambda pos, where=where: where, visibility, clearance,
                                         field=_label(at)))
    return found


def _markdown_links(raw: RawProject, doc: RawDocument, text: str, locate, visibility: dict[str, str],
                    clearance: str, field: str | None = None) -> list[Diagnostic]:
    """The problems of one Markdown text (a body, or a field's value located as a whole):
    too complex to convert, or its links. locate(pos) is where a character of it stands."""
    try:
        targets = link_targets(text)
    except TooComplex as exc:
        what = repr(field) if field else "the text"
        return [error(locate(_line_start(text, exc.line)), f"{what} is too complex to publish ({exc.why})",
                      exc.hint, code="too-complex")]
    found = []
    base = posixpath.dirname(doc.path)
    cursor = 0
    for tag, url in targets:
        pos = _find_target(text, url, cursor)
        if pos >= 0:
            cursor = pos + len(url)
        loc = locate(pos)
        parts = urlsplit(url)
        # browsers ignore tabs, newlines and spaces inside a scheme ('jav&#9;ascript:'); so does this check
        squeezed = re.sub(r"[\x00-\x20`]", "", url)
        if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", squeezed) and not parts.scheme:
            parts = urlsplit(squeezed)
        if parts.scheme or url.startswith("//"):
            if parts.scheme.lower() not in URL_SCHEMES:
                found.append(warning(loc, f"link with '{parts.scheme or '//'}:' is not allowed and will be removed",
                                     "link to http, https or mailto addresses only", code="unsafe-link"))
            elif tag == "img":   # the portal's Content-Security-Policy would block it, and it would track readers
                found.append(warning(loc, f"image from another site ('{url[:80]}') is not shown: the portal "
                                     "loads nothing from other sites", "download the picture into media/ and "
                                     "use it from there", code="external-image"))
            continue
        if not parts.path:
            continue  # '#section' within the page
        rel, problem, hint = resolve_path(raw, base, unquote(parts.path))
        if problem and (parts.query or parts.fragment) and resolve_path(raw, base, unquote(url))[0]:
            hint = f"'#' and '?' in a file name must be written %23 and %3F in a link: write '{quote(unquote(url))}'"
        if problem:
            what = "image" if tag == "img" else "link"
            found.append(error(loc, f"{what}: {problem}", hint, code="broken-link"))
        elif rel in visibility and visibility_rank(visibility[rel]) > visibility_rank(clearance) \
                and visibility_rank(visibility.get(doc.path, "public")) <= visibility_rank(clearance):
            found.append(warning(loc, f"link to {rel}, which has 'visibility: {visibility[rel]}': a {clearance} "
                                 "build shows the link's text without the link", code="hidden-link"))
    return found


def _line_start(text: str, line: int) -> int:
    """Where a 1-based line of a text starts."""
    pos = 0
    for _ in range(line - 1):
        pos = text.find("\n", pos) + 1
        if pos == 0:
            return -1
    return pos


def _label(at: tuple) -> str:
    """A field's dotted name, as written: 'outcomes.0.description', 'summary.fr'."""
    return ".".join(map(str, at))


def _find_target(body: str, url: str, start: int) -> int:
    """Where a link target is written: '(url' or ': url' (reference) or '"url' (HTML) before bare text."""
    for before in ("(", "(<", ": ", "=\"", "='", "<"):
        pos = body.find(before + url, start)
        if pos >= 0:
            return pos + len(before)
    return body.find(url, start)


def _body_location(doc: RawDocument, pos: int) -> Location:
    if pos < 0:
        return Location(doc.path, doc.body_line, 1)
    before = doc.body[:pos]
    line = doc.body_line + before.count("\n")
    return Location(doc.path, line, pos - (before.rfind("\n") + 1) + 1)


def _visibilities(raw: RawProject, settings: Settings) -> dict[str, str]:
    """Each item file's own visibility, so links to hidden items can be flagged."""
    result = {}
    for doc in raw.documents:
        level = doc.data.get("visibility", settings.site.default_visibility)
        if isinstance(level, str) and level in VISIBILITIES:
            result[doc.path] = level
    return result


def _nearby(files, rel: str, base: str) -> str | None:
    """'did you mean' among the files in the folder the target names."""
    folder, name = posixpath.split(rel)
    siblings = {posixpath.basename(f): f for f in files if posixpath.dirname(f) == folder}
    hint = did_you_mean(name, siblings)
    if not hint:
        return None
    best = siblings[hint.split("'")[1]]
    return f"did you mean '{posixpath.relpath(best, base or '.')}'?"
