"""Which files of a pull request a reviewer must read as code: the templates and static
files of overrides/ and of a custom theme run in, or are published by, every build.
`mspsite check --format github` marks each one with a notice on the pull request."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .diagnostics import Diagnostic, Location, Severity
from .theme import untrusted_folders

_WHY = "review it as code: templates run at every build, static files are served to readers"


class NoBase(Exception):
    """The files changed since the base revision cannot be known: the reason."""


def review_notices(src: Path, theme: str, base: str | None) -> list[Diagnostic]:
    """A notice for each theme file changed since base (merge-base with HEAD), or for every theme
    file when there is no base to compare with; the notice says which."""
    present = sorted(rel for folder in untrusted_folders(theme, src) for rel in _files(src, folder))
    if not present:
        return []
    try:
        if base is None:
            raise NoBase("there is no base revision to compare with: give --base REV")
        changed = changed_files(src, base)
    except NoBase as exc:
        return [_notice(rel, f"theme file (all are listed, as {exc}); {_WHY}") for rel in present]
    return [_notice(rel, f"theme file changed since {base}; {_WHY}") for rel in present if rel in changed]


def _notice(rel: str, message: str) -> Diagnostic:
    return Diagnostic(Severity.NOTICE, Location(rel), message, code="theme-code")


def _files(src: Path, folder: Path) -> list[str]:
    """Every file below folder, links included (as themselves, never followed), relative to src."""
    if not folder.is_dir() or folder.is_symlink():
        return [folder.relative_to(src).as_posix()]
    found = []
    for here, dirs, names in os.walk(folder):
        found += [(Path(here) / n).relative_to(src).as_posix() for n in names + [d for d in dirs
                  if (Path(here) / d).is_symlink()]]
    return found


def changed_files(src: Path, base: str) -> set[str]:
    """Files below src, relative to it, added or changed since the merge-base of base and HEAD:
    committed, uncommitted and untracked. Raises NoBase when git cannot tell."""
    def git(*args: str) -> bytes:
        try:   # --no-ext-diff, --no-textconv: no diff driver of the repository's configuration runs
            return subprocess.run(["git", "-C", str(src), *args], capture_output=True, check=True,
                                  timeout=120).stdout
        except FileNotFoundError:
            raise NoBase("git is not installed") from None
        except subprocess.CalledProcessError as exc:
            reason = exc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise NoBase(f"git cannot compare with {base}: {reason[-1] if reason else exc}") from None
        except subprocess.TimeoutExpired:
            raise NoBase(f"git took too long to compare with {base}") from None

    merge_base = git("merge-base", base, "HEAD").decode().strip()
    diff = git("diff", "--name-only", "-z", "--relative", "--no-ext-diff", "--no-textconv", "--diff-filter=ACMRT",
               merge_base, "--", ".")
    untracked = git("ls-files", "-z", "--others", "--exclude-standard", "--", ".")
    return {os.fsdecode(p) for p in (diff + untracked).split(b"\0") if p}
