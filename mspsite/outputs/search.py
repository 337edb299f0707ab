"""The static search index: Pagefind over the rendered pages.
Pagefind was chosen because its index is split into small chunks that a phone
downloads only as a query needs them, it runs offline, and it is multilingual.
Its command line (from the pagefind[bin] package) is used rather than its
Python service API, which took ~100 ms a page here against ~1 ms."""

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
        result = _run_pagefind(command)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MspsiteError(f"building the search index failed: {exc}") from None
    if result.returncode != 0:
        raise MspsiteError("building the search index failed:\n" + (result.stderr or result.stdout)[-2000:])
    return {f"{OUTPUT}/{p.relative_to(out).as_posix()}": p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file()}


def _run_pagefind(command: list[str]) -> subprocess.CompletedProcess:
    """Test seam: tests replace it to stop a build while the index is being made."""
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def _remove_abandoned(temp: Path) -> None:
    """Remove the folders that builds killed while indexing left: rendered pages, of any clearance."""
    try:
        names = sorted(name for name in os.listdir(temp) if FOLDER.fullmatch(name))
    except OSError:   # a temporary folder we may not list: nothing of ours to find
        return
    for name in names:
        locks.remove_if_abandoned(temp / name)
