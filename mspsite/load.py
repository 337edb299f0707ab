"""Stage 1: walk a partnership folder into RawDocuments with source locations."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .diagnostics import Location, Report, did_you_mean, error, warning
from .folder import BUILD_MARKER, MARKER_TEXT, is_inside, is_output, skipped_file, skipped_folder
from .kinds import ASSET_FOLDERS, FOLDERS, ID_PATTERN, LANGUAGE_SUFFIX, TOP_FILES, Kind
from .theme import bundled_themes
from .yamlread import (MAX_FILE_BYTES, Locations, ReadError, check_body, parse_yaml, read_text,
                       split_front_matter)

if TYPE_CHECKING:
    from .settings import Settings

WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
# Files a repository commonly holds beside the content; not ours, not worth a warning.
REPOSITORY_FILES = re.compile(r"^(readme|license|licence|contributing|changelog|codeowners|notice|authors)"
                              r"(\.[a-z]+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class RawDocument:
    """One content file as read: plain data, where each value stands, and the Markdown body."""

    path: str                 # relative to the partnership folder, with '/'
    kind: Kind
    id: str
    data: dict
    locations: Locations
    lang: str | None = None   # set for a translation such as stories/harvest.sw.md
    body: str | None = None   # Markdown files only
    body_line: int = 1        # line of the body's first line in the file


@dataclass
class RawProject:
    root: Path
    documents: list[RawDocument] = field(default_factory=list)
    files: set[str] = field(default_factory=set)   # every readable file, relative, for link checks
    unreadable: set[tuple[str, str]] = field(default_factory=set)  # (kind, id) of files that failed to read
    report: Report = field(default_factory=Report)

    def single(self, kind: str) -> RawDocument | None:
        return next((d for d in self.documents if d.kind.name == kind), None)

    def of_kind(self, kind: str, translations: bool = False) -> list[RawDocument]:
        return [d for d in self.documents if d.kind.name == kind and (translations or d.lang is None)]


def load_project(settings: Settings) -> RawProject:
    """Read every content file of the partnership folder; problems go to the project's report."""
    root = settings.source
    project = RawProject(root)
    if not root.is_dir():
        project.report.add(error(Location(str(root)), "not a folder", code="project"))
        return project
    output = settings.skipped_output
    seen_ids: dict[tuple[str, str | None, str], str] = {}
    unknown: dict[str, str] = {}   # folder that is not part of the format -> its first file
    for rel, is_link in _walk(root, output, project.report):
        project.files.add(rel)
        parts = rel.split("/")
        kind = _classify(parts, project.report, rel, unknown)
        if kind is None:
            continue
        if is_link and not is_inside(root, root / rel):
            project.report.add(error(Location(rel), "symbolic link leads outside the partnership folder",
                                     "copy the file into the folder instead", code="path"))
            continue
        doc = read_document(root, rel, kind, project.report)
        if doc is None:
            # its id still exists: references to it are not reported again as unknown
            project.unreadable.add((kind.name, os.path.splitext(rel.split("/")[-1])[0]))
            continue
        key = (kind.name, doc.lang, doc.id)
        if key in seen_ids:
            project.report.add(error(Location(rel), f"duplicate id '{doc.id}': {seen_ids[key]} has it already",
                                     "keep one of the two files", code="duplicate-id"))
            continue
        seen_ids[key] = rel
        project.documents.append(doc)
    theme = _theme_folder(settings.site.theme)
    for folder, rel in unknown.items():
        if folder != theme:   # a custom theme's files are theme files: check_theme looks at them
            project.report.add(warning(Location(rel), f"folder '{folder}/' is not part of the partnership format; "
                                       "its files are ignored", did_you_mean(folder, [*FOLDERS, *ASSET_FOLDERS]),
                                       code="unknown-folder"))
    for name, kind in TOP_FILES.items():
        if kind.required and project.single(name) is None and not any(
                f"{name}{ext}" in project.files for ext in kind.extensions):
            project.report.add(error(Location(f"{name}.yml"), f"missing required file {name}.yml",
                                     "run 'mspsite new' to see a starter partnership", code="missing-file"))
    project.documents.sort(key=lambda d: d.path)
    return project


def _walk(root: Path, output: str, report: Report):
    """Relative paths of the files to consider, sorted; skips dot-folders, the
    output folder, folders mspsite built and editor backups."""
    def unreadable(exc: OSError) -> None:
        rel = Path(exc.filename).relative_to(root).as_posix() if exc.filename else "."
        report.add(error(Location(rel), f"cannot read the folder: {exc.strerror}", code="io"))

    for folder, dirs, files in os.walk(root, followlinks=False, onerror=unreadable):
        here = Path(folder)
        rel_folder = here.relative_to(root).as_posix()
        keep = []
        for d in sorted(dirs):
            rel = d if rel_folder == "." else f"{rel_folder}/{d}"
            if skipped_folder(d) or is_output(rel, output):
                continue
            if (here / d).is_symlink():
                if not is_inside(root, here / d):
                    report.add(warning(Location(rel), "symbolic link to a folder outside the partnership folder is "
                                       "ignored", code="path"))
                continue
            if os.path.exists(here / d / BUILD_MARKER):  # False when unreadable: walk reports it
                if _hides_content(here / d / BUILD_MARKER, rel):
                    report.add(warning(Location(f"{rel}/{BUILD_MARKER}"), f"folder '{rel}/' is skipped: this file "
                                       "marks it as a portal mspsite built", "if the folder holds content, delete "
                                       "this file; mspsite writes it only into the portals it builds",
                                       code="build-marker"))
                continue
            if d.endswith((".yml", ".yaml", ".md")) and rel_folder in FOLDERS and not any((here / d).iterdir()):
                report.add(warning(Location(rel), f"'{rel}' is a folder, not a file; it is ignored", code="unknown-file"))
            keep.append(d)
        dirs[:] = keep
        for name in sorted(files):
            if skipped_file(name):
                continue
            rel = name if rel_folder == "." else f"{rel_folder}/{name}"
            yield rel, (here / name).is_symlink()


def _hides_content(marker: Path, rel: str) -> bool:
    """Whether a build marker hides a folder that cannot be a portal mspsite built: mspsite writes MARKER_TEXT
    (a committed empty or hand-made file is not it), and never a portal into a folder of the format (it
    refuses media/; a content folder holds content). A marker that passes both is a real built site."""
    if rel.split("/")[0] in FOLDERS or rel.split("/")[0] in ASSET_FOLDERS:
        return True
    try:  # not through a link, and never blocking on a FIFO
        fd = os.open(marker, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return True
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return True
        text = os.read(fd, len(MARKER_TEXT) + 2)
    finally:
        os.close(fd)
    return text.rstrip(b"\r\n") != MARKER_TEXT.rstrip(b"\n")  # a checkout may have made the newline CRLF


def _classify(parts: list[str], report: Report, rel: str, unknown: dict[str, str]) -> Kind | None:
    """Which kind a file is, or None (with a warning when it looks like a mistake; the first file of
    a folder that is not part of the format goes into unknown, reported once the theme is known)."""
    if parts[0] in ASSET_FOLDERS:
        return None
    if len(parts) == 1:
        stem, ext = os.path.splitext(parts[0])
        kind = TOP_FILES.get(stem)
        if kind and ext in kind.extensions:
            return kind
        if REPOSITORY_FILES.match(parts[0]):
            return None
        known = [f"{k}.yml" for k in TOP_FILES]
        report.add(warning(Location(rel), "file is not part of the partnership format and is ignored",
                           did_you_mean(parts[0], known), code="unknown-file"))
        return None
    kind = FOLDERS.get(parts[0])
    if kind is None:
        unknown.setdefault(parts[0], rel)
        return None
    if len(parts) > 2:
        report.add(warning(Location(rel), f"files in subfolders of '{parts[0]}/' are ignored",
                           f"move it to {parts[0]}/{parts[-1]}", code="unknown-file"))
        return None
    ext = os.path.splitext(parts[1])[1]
    if ext not in kind.extensions:
        stem = os.path.splitext(parts[1])[0]
        report.add(warning(Location(rel), f"'{parts[0]}/' holds {' or '.join(kind.extensions)} files; this one is "
                           "ignored", f"rename it to {stem}{kind.extensions[0]}" if ext in (".md", ".yml", ".yaml")
                           else None, code="unknown-file"))
        return None
    return kind


def read_document(root: Path, rel: str, kind: Kind, report: Report | None = None) -> RawDocument | None:
    """One content file, or None with the reason in report."""
    report = Report() if report is None else report
    stem = os.path.splitext(rel.split("/")[-1])[0]
    lang = None
    if kind.markdown and (m := LANGUAGE_SUFFIX.match(stem)):
        stem, lang = m["id"], m["lang"]
    if kind.folder and not _valid_id(stem, rel, report):
        return None
    try:
        if not stat.S_ISREG(os.stat(root / rel).st_mode):  # a FIFO or device would block or never end
            raise ReadError(error(Location(rel), "not a regular file", "replace it with an ordinary text file",
                                  code="io"))
        with open(root / rel, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            data = fh.read(MAX_FILE_BYTES + 1)  # never more than it takes to say it is too large
        text = read_text(data, rel, size)
        body, body_line, offset = None, 1, 0
        if kind.markdown:
            text, body, body_line = split_front_matter(text, rel)
            offset = 1
        parsed, locations = parse_yaml(text, rel, offset)
        if body is not None:
            check_body(body, rel, body_line)
    except ReadError as exc:
        report.add(exc.diagnostic)
        return None
    except OSError as exc:
        report.add(error(Location(rel), f"cannot read the file: {exc.strerror}", code="io"))
        return None
    if parsed is None:
        parsed = {}
        if not kind.markdown:
            report.add(error(Location(rel), "file has no fields", "add the item's fields or delete the file",
                             code="empty-file"))
            return None
    if not isinstance(parsed, dict):
        report.add(error(locations.value(()), "expected fields ('name: value' lines) at the top level, "
                         f"found {_type_name(parsed)}", "a file holds one item: write its fields as 'name: value' "
                         "lines, not as a list", code="schema-type"))
        return None
    return RawDocument(rel, kind, stem if kind.folder else kind.name, parsed, locations, lang, body, body_line)


def _valid_id(stem: str, rel: str, report: Report) -> bool:
    if not ID_PATTERN.match(stem):
        slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
        hint = f"rename the file to '{slug}' + its extension" if slug and ID_PATTERN.match(slug) else \
            "use lowercase letters a-z, digits and hyphens"
        if LANGUAGE_SUFFIX.match(stem) and rel.endswith((".yml", ".yaml")):
            hint = "YAML items hold their translations inside the file: title: {en: ..., sw: ...}"
        report.add(error(Location(rel), f"invalid id '{stem}': an id is lowercase letters, digits and hyphens, "
                         "starting with a letter or digit", hint, code="invalid-id"))
        return False
    if stem.split(".")[0] in WINDOWS_RESERVED:
        report.add(error(Location(rel), f"id '{stem}' is a reserved file name on Windows",
                         "choose another name so that every editor can check out the repository", code="invalid-id"))
        return False
    return True


def _theme_folder(name) -> str | None:
    """The top folder of the custom theme mspsite.yml names, if any."""
    if not isinstance(name, str) or name in bundled_themes():
        return None
    parts = PurePosixPath(name).parts
    return parts[0] if parts and parts[0] not in ("/", "..") else None


def _type_name(value) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    return type(value).__name__
