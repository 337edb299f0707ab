"""Dates from the git history of the partnership folder."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path


def _git(src: Path, *args: str) -> str | None:
    if shutil.which("git") is None:
        return None
    try:
        result = subprocess.run(["git", "-C", str(src), *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def repository_prefix(src: Path) -> str | None:
    """The folder's path inside its git repository ('' at the top), or None outside git."""
    out = _git(src, "rev-parse", "--show-prefix")
    return None if out is None else out.strip()


def file_dates(src: Path) -> dict[str, datetime.date]:
    """Last commit date of every committed file, relative to src; {} outside git.
    One `git log` for the whole folder: a call per file would be slow on large portals."""
    prefix = repository_prefix(src)
    if prefix is None:
        return {}
    log = _git(src, "log", "--format=%x00%cs", "--name-only", "--no-renames", "--", ".")
    dates: dict[str, datetime.date] = {}
    current = None
    for line in (log or "").splitlines():
        if line.startswith("\x00"):
            current = datetime.date.fromisoformat(line[1:])
        elif line and current and line.startswith(prefix):
            dates.setdefault(line[len(prefix):], current)
    return dates



def head_commit(src: Path) -> str | None:
    """The commit checked out in the folder's repository, or None outside git."""
    out = _git(src, "rev-parse", "HEAD")
    return None if out is None else out.strip()


def tracked(src: Path, path: str) -> bool:
    """Whether git tracks anything at path (a file or a folder) below src."""
    return bool(_git(src, "ls-files", "-z", "--", path))
