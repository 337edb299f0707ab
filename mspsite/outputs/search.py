"""The static search index: Pagefind over the rendered pages.
Pagefind was chosen because its index is split into small chunks that a phone
downloads only as a query needs them, it runs offline, and it is multilingual.

Its command line (from the pagefind[bin] package) indexes a private temporary copy of
the searchable pages. Its Python API (the `pagefind` package, 1.5.2) is no way round the
copy: fed one page at a time it takes ~100 ms a page, concurrently or not (its reader of
the service's replies sleeps 0.1 s before reading each one), and asked for the index in
memory it never answers once the index passes the 2 MiB its reader accepts (500 pages
here). The Pagefind process, not mspsite, holds most of a build's peak memory: about
160 KB a page (its parsed pages, a copy of them and per-page word maps exist at once
while it builds the index), which no option of its own reduces; its allocator is told
to return freed memory at once, which lowers that peak by about 15%."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from .. import locks
from ..cache import cache_folder
from ..errors import MspsiteError
from ..settings import Settings

if TYPE_CHECKING:
    from ..render import RenderedSite

OUTPUT = "pagefind"
PREFIX = "mspsite-search-"
KEPT_INDEXES = 8   # search indexes kept in the cache folder: a few readerships and languages
# Ours (locked by their build) and those of mspsite versions that used tempfile.TemporaryDirectory.
FOLDER = re.compile(re.escape(PREFIX) + "[a-z0-9_]{8}")
# Pagefind's Linux binaries allocate with jemalloc, which by default keeps freed memory for 10 s
# before returning it: while the index is built, pages it has finished with would still count.
ALLOCATOR = ("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")


def search_index(settings: Settings, rendered: RenderedSite) -> dict[str, bytes]:
    """Pagefind's files (under pagefind/) for the portal's pages; none when search is off. The index
    of the last builds is kept in the cache folder by a digest of the pages it indexes: pages that
    did not change are not indexed again (a third of a warm build's time)."""
    if not settings.search:
        return {}
    language = rendered.site.partnership.language
    pages = {path: content for path, content in rendered.files.items() if _searchable(path, content)}
    digest = hashlib.sha256(f"{_pagefind_version()}\0{language}\0".encode())
    for path in sorted(pages):
        digest.update(f"{path}\0{hashlib.sha256(pages[path]).hexdigest()}\n".encode())
    kept = cache_folder(settings)
    stored = kept / f"search-{digest.hexdigest()[:24]}.zip" if kept else None
    if stored and (index := _read_kept(stored)) is not None:
        return index
    index = index_pages(pages, language)
    if stored:
        _keep(stored, index)
    return index


def _searchable(path: str, content: bytes) -> bool:
    return path.endswith(".html") and b"data-pagefind-body" in content


@lru_cache(maxsize=1)
def _pagefind_version() -> str:
    try:
        return metadata.version("pagefind_bin")
    except metadata.PackageNotFoundError:
        return "unknown"


def _read_kept(stored: Path) -> dict[str, bytes] | None:
    """A kept index; None if there is none, or it is not one we wrote (then it is made again)."""
    try:
        with zipfile.ZipFile(stored) as archive:
            names = archive.namelist()
            if not names or any(not n.startswith(OUTPUT + "/") or ".." in n.split("/") for n in names):
                return None
            return {name: archive.read(name) for name in names}
    except (OSError, zipfile.BadZipFile, ValueError):
        return None


def _keep(stored: Path, index: dict[str, bytes]) -> None:
    """Keep an index for the next builds, and the few most recent others (readerships, languages)."""
    try:
        stored.parent.mkdir(exist_ok=True)
        partial = stored.with_name(f".{stored.name}.partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as archive:   # Pagefind's files are compressed
            for name, data in sorted(index.items()):
                archive.writestr(name, data)
        partial.replace(stored)
        for old in sorted(stored.parent.glob("search-*.zip"), key=lambda p: p.stat().st_mtime)[:-KEPT_INDEXES]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def index_pages(files: dict[str, bytes], language: str) -> dict[str, bytes]:
    """Pagefind's files for the HTML pages among files."""
    temp = Path(tempfile.gettempdir())
    _remove_abandoned(temp)
    # Private (0700): the pages may be above public clearance. Removed at the end, also on Ctrl-C and on SIGTERM
    # (the command line turns it into KeyboardInterrupt); after SIGKILL, by the next build.
    with locks.owned_folder(temp, PREFIX, mode=0o700) as tmp:
        try:
            return _index(tmp, files, language)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _index(tmp: Path, files: dict[str, bytes], language: str) -> dict[str, bytes]:
    root = tmp / "site"
    for path, content in files.items():
        if _searchable(path, content):
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(content)
    out = tmp / OUTPUT
    command = [sys.executable, "-m", "pagefind", "--site", str(root), "--output-path", str(out),
               "--force-language", language.split("-")[0]]
    try:
        # run in our private folder, never where the build was started (perhaps the partnership folder, untrusted):
        # `python -m` imports from there first, and Pagefind reads its settings from a pagefind.yml/.json/.toml there
        result = _run_pagefind(command, tmp)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MspsiteError(f"building the search index failed: {exc}") from None
    if result.returncode != 0:
        raise MspsiteError("building the search index failed:\n" + (result.stderr or result.stdout)[-2000:])
    return {f"{OUTPUT}/{p.relative_to(out).as_posix()}": p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file()}


def _run_pagefind(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Test seam: tests replace it to stop a build while the index is being made."""
    return subprocess.run(command, cwd=cwd, env=pagefind_env(), capture_output=True, text=True, timeout=600)


def pagefind_env() -> dict[str, str]:
    """The environment Pagefind runs in: ours, with its allocator's setting unless one is set."""
    name, value = ALLOCATOR
    return {name: value, **os.environ}


def _remove_abandoned(temp: Path) -> None:
    """Remove the folders that builds killed while indexing left: rendered pages, of any clearance."""
    try:
        names = sorted(name for name in os.listdir(temp) if FOLDER.fullmatch(name))
    except OSError:   # a temporary folder we may not list: nothing of ours to find
        return
    for name in names:
        locks.remove_if_abandoned(temp / name)
