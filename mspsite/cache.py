"""What a build keeps for the next, in the partnership folder's cache folder.

- The no-change rebuild: a build whose inputs are exactly those of the portal already in its
  output folder is done at once, without reading or writing anything else. Inputs are the
  partnership folder's files (name, size and modification time, as make and rsync judge
  them), the settings, mspsite's own code and themes, and the git commit (for "last updated"
  dates). The portal in the output folder must also be as that build left it (the same
  files, sizes and times), or it is built again.
- The work on unchanged inputs: Markdown conversions and link targets by a digest of each text,
  and the checks that passed (passed.py).
- The pages themselves (pagecache.py): a page is rendered again only if what it read changed.

The cache folder is never published: it holds the check's warnings, and pages of every
readership. And it is never taken from the content: everything in the partnership folder
arrives by pull request, and a cache committed to git could hold any HTML, so a cache folder
that git tracks is neither read nor written."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

import markdown

from . import __version__, markup, passed
from .diagnostics import Diagnostic, Location, Report, Severity
from .folder import is_output, skipped_file, skipped_folder
from .history import head_commit, tracked
from .pagecache import PageCache
from .settings import Settings

CACHE = ".mspsite-cache"      # in the partnership folder; a dot-folder, so never content
RECORD = "last-build.json"
_UNKEYED = ("jobs", "review_base")   # settings that never change what is built
_UNPAGED = _UNKEYED + ("output",)     # nor what a page holds


@dataclasses.dataclass(frozen=True)
class Previous:
    pages: int
    files: int
    bytes: int
    report: Report


def build_key(settings: Settings) -> str:
    """What the portal is a function of, as one digest."""
    digest = hashlib.sha256(_code().encode())
    digest.update(_settings(settings, _UNKEYED).encode())
    _listing(digest, settings.source, skip=settings.skipped_output)
    if settings.history:
        digest.update((head_commit(settings.source) or "").encode())
    return digest.hexdigest()


def page_cache(settings: Settings) -> PageCache | None:
    """The pages kept from the last builds with these settings (pagecache.py)."""
    folder = cache_folder(settings)
    return PageCache.open(folder, hashlib.sha256(_settings(settings, _UNPAGED).encode()).hexdigest()[:24]) \
        if folder else None


def page_key(settings: Settings, theme, language: str, terms: dict[str, str]) -> str:
    """What every page is made with: mspsite, the settings, the theme's templates and
    translations, the language, and the glossary's terms (linked in every text)."""
    digest = hashlib.sha256((_code() + markdown.__version__ + language).encode())
    digest.update(_settings(settings, _UNPAGED).encode())
    digest.update(json.dumps(sorted(terms.items())).encode())
    for folder in (*theme.templates, *theme.locales):
        digest.update(f"{folder}\n".encode())
        _listing(digest, Path(folder), skip=None)
    return digest.hexdigest()


def cache_folder(settings: Settings) -> Path | None:
    """The partnership folder's cache folder, unless it came with the content. Everything in the
    folder arrives by pull request; a cache committed to git could hold any HTML, so it is not used."""
    if tracked(settings.source, CACHE):
        return None
    return settings.source / CACHE


def previous_build(settings: Settings, key: str) -> Previous | None:
    """The last build's figures if it had these inputs and its portal is untouched; else None."""
    try:
        record = json.loads(_read(settings, RECORD))
        if record["key"] != key or record["output"] != str(settings.output.resolve()) \
                or record["tree"] != _tree(settings.output):
            return None
        report = Report([Diagnostic(Severity(d["severity"]), Location(d["file"], d["line"], d["column"]),
                                    d["message"], d["hint"], d["code"]) for d in record["diagnostics"]])
        return Previous(record["pages"], record["files"], record["bytes"], report)
    except (OSError, ValueError, KeyError, TypeError):   # none yet, or unreadable: build
        return None


def remember(settings: Settings, key: str, pages: int, files: int, size: int, report: Report) -> None:
    """Record a finished build."""
    record = {"key": key, "output": str(settings.output.resolve()), "tree": _tree(settings.output),
              "pages": pages, "files": files, "bytes": size, "diagnostics": [d.as_json() for d in report.diagnostics]}
    _write(settings, RECORD, json.dumps(record, ensure_ascii=False))


def recall_work(settings: Settings) -> None:
    """Start the build from the work of the last one made with this code: Markdown conversions
    and link targets, and the documents that passed their schema."""
    try:
        work = json.loads(_read(settings, _work_file()))
        conversions, checks = work["markdown"], work["passed"]
        if not isinstance(conversions, dict) or not isinstance(checks, list):
            raise ValueError("not a work file")
    except (OSError, ValueError, KeyError, TypeError):   # none yet, or unreadable: do the work
        conversions, checks = {}, []
    markup.recall_conversions(conversions)
    passed.recall(checks)


def keep_work(settings: Settings) -> None:
    """Keep this build's work for the next (only this build's: texts that left do not pile up)."""
    name = _work_file()
    work = {"markdown": markup.conversions(), "passed": passed.this_process()}
    if _write(settings, name, json.dumps(work, ensure_ascii=False)):
        for old in (settings.source / CACHE).glob("*-*.json"):   # made by other code: never valid again
            if old.name != name and old.name.startswith(("work-", "markdown-")):
                old.unlink(missing_ok=True)


def _read(settings: Settings, name: str) -> str:
    """A file of the cache folder; OSError when there is none, or none to trust."""
    folder = cache_folder(settings)
    if folder is None:
        raise FileNotFoundError(name)
    return (folder / name).read_text(encoding="utf-8")


def _write(settings: Settings, name: str, text: str) -> bool:
    """Replace a file of the cache folder at once; False where there is none to trust, or it
    cannot be written (a partnership folder we may not write to just keeps nothing)."""
    folder = cache_folder(settings)
    if folder is None:
        return False
    try:
        folder.mkdir(exist_ok=True)
        partial = folder / f".{name}.partial"
        partial.write_text(text, encoding="utf-8")
        partial.replace(folder / name)
        return True
    except OSError:
        return False


def _settings(settings: Settings, leave_out: tuple[str, ...]) -> str:
    fields = {k: v for k, v in dataclasses.asdict(settings).items() if k not in leave_out}
    return json.dumps(fields, sort_keys=True, default=str)


def _work_file() -> str:
    # the work depends on mspsite's code (markup, the complexity budget, the schemas) and on Python-Markdown's
    return f"work-{hashlib.sha256((_code() + markdown.__version__).encode()).hexdigest()[:16]}.json"


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
