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

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .. import locks
from ..errors import MspsiteError
from ..settings import Settings

if TYPE_CHECKING:
    from ..render import RenderedSite

OUTPUT = "pagefind"
PREFIX = "mspsite-search-"
# Ours (locked by their build) and those of mspsite versions that used tempfile.TemporaryDirectory.
FOLDER = re.compile(re.escape(PREFIX) + "[a-z0-9_]{8}")
# Pagefind's Linux binaries allocate with jemalloc, which by default keeps freed memory for 10 s
# before returning it: while the index is built, pages it has finished with would still count.
ALLOCATOR = ("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")


def search_index(settings: Settings, rendered: RenderedSite) -> dict[str, bytes]:
    """Pagefind's files (under pagefind/) for the portal's pages; none when search is off."""
    return index_pages(rendered.files, rendered.site.partnership.language) if settings.search else {}


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
        if path.endswith(".html") and b"data-pagefind-body" in content:
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
