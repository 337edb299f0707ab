"""The no-change rebuild: a build whose inputs are exactly those of the portal already in its
output folder is done at once, without reading or writing anything else. And Markdown
conversions kept from one build to the next: a text that did not change is not converted again.

Inputs are the partnership folder's files (name, size and modification time, as make and
rsync judge them), the settings, mspsite's own code and themes, and the git commit (for
"last updated" dates). The record of the last build lives in the partnership folder's
cache folder, never in the published portal: it holds the check's warnings, which may
name items a readership does not see. The portal in the output folder must also be as
that build left it (the same files, sizes and times), or it is built again."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

import markdown

from . import __version__, markup
from .diagnostics import Diagnostic, Location, Report, Severity
from .folder import is_output, skipped_file, skipped_folder
from .history import head_commit
from .settings import Settings

CACHE = ".mspsite-cache"      # in the partnership folder; a dot-folder, so never content
RECORD = "last-build.json"
_UNKEYED = ("jobs", "review_base")   # settings that never change what is built


@dataclasses.dataclass(frozen=True)
class Previous:
    pages: int
    files: int
    bytes: int
    report: Report


def build_key(settings: Settings) -> str:
    """What the portal is a function of, as one digest."""
    digest = hashlib.sha256(_code().encode())
    fields = {k: v for k, v in dataclasses.asdict(settings).items() if k not in _UNKEYED}
    digest.update(json.dumps(fields, sort_keys=True, default=str).encode())
    _listing(digest, settings.source, skip=settings.skipped_output)
    if settings.history:
        digest.update((head_commit(settings.source) or "").encode())
    return digest.hexdigest()


def previous_build(settings: Settings, key: str) -> Previous | None:
    """The last build's figures if it had these inputs and its portal is untouched; else None."""
    try:
        record = json.loads((settings.source / CACHE / RECORD).read_text(encoding="utf-8"))
        if record["key"] != key or record["output"] != str(settings.output.resolve()) \
                or record["tree"] != _tree(settings.output):
            return None
        report = Report([Diagnostic(Severity(d["severity"]), Location(d["file"], d["line"], d["column"]),
                                    d["message"], d["hint"], d["code"]) for d in record["diagnostics"]])
        return Previous(record["pages"], record["files"], record["bytes"], report)
    except (OSError, ValueError, KeyError, TypeError):   # none yet, or unreadable: build
        return None


def remember(settings: Settings, key: str, pages: int, files: int, size: int, report: Report) -> None:
    """Record a finished build; a partnership folder we may not write to just has no record."""
    record = {"key": key, "output": str(settings.output.resolve()), "tree": _tree(settings.output),
              "pages": pages, "files": files, "bytes": size, "diagnostics": [d.as_json() for d in report.diagnostics]}
    folder = settings.source / CACHE
    try:
        folder.mkdir(exist_ok=True)
        partial = folder / f".{RECORD}.partial"
        partial.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        partial.replace(folder / RECORD)
    except OSError:
        pass


def recall_conversions(settings: Settings) -> None:
    """Start the build from the Markdown conversions of the last one made with this code."""
    try:
        markup.recall_conversions(json.loads((settings.source / CACHE / _conversions_file()).read_text("utf-8")))
    except (OSError, ValueError):   # none yet, or unreadable: convert
        markup.recall_conversions({})


def keep_conversions(settings: Settings) -> None:
    """Keep this build's conversions for the next (only those: texts that left do not pile up)."""
    folder, name = settings.source / CACHE, _conversions_file()
    try:
        folder.mkdir(exist_ok=True)
        for old in folder.glob("markdown-*.json"):   # made by other code: never valid again
            if old.name != name:
                old.unlink()
        partial = folder / f".{name}.partial"
        partial.write_text(json.dumps(markup.conversions(), ensure_ascii=False), encoding="utf-8")
        partial.replace(folder / name)
    except OSError:
        pass


def _conversions_file() -> str:
    # conversions depend on mspsite's code (markup, the complexity budget) and on Python-Markdown's
    return f"markdown-{hashlib.sha256((_code() + markdown.__version__).encode()).hexdigest()[:16]}.json"


@lru_cache(maxsize=1)
def _code() -> str:
    """mspsite's version, code and bundled themes, as one digest (a change to any file counts)."""
    digest = hashlib.sha256(__version__.encode())
    for root in (Path(str(resources.files("mspsite"))), Path(str(resources.files("mspsite.themes")))):
        _listing(digest, root, skip=None)
    return digest.hexdigest()


def _listing(digest, root: Path, skip: str | None) -> None:
    """Every file below root by name, size and time, in a fixed order (the rules of folder.py)."""
    for folder, dirs, files in os.walk(root):
        rel_folder = os.path.relpath(folder, root)
        dirs[:] = sorted(d for d in dirs if not skipped_folder(d) and not (
            skip and is_output(os.path.normpath(os.path.join(rel_folder, d)), skip)))
        for name in sorted(files):
            if skipped_file(name):
                continue
            path = os.path.join(folder, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            digest.update(f"{os.path.join(rel_folder, name)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())


def _tree(out: Path) -> str:
    """The output folder as it stands: every file, hidden ones included, by name, size and time."""
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(out):
        dirs.sort()
        for name in sorted(files):
            stat = os.lstat(os.path.join(folder, name))
            rel = os.path.relpath(os.path.join(folder, name), out)
            digest.update(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()
