"""The partnership folder: what lies inside it, and what mspsite leaves out of it.

One set of rules for every reader of the folder: loading skips exactly what `serve`
does not watch, so a preview rebuilds on the changes a build would see."""

from __future__ import annotations

import os
import re
from pathlib import Path

DEFAULT_OUTPUT = "site"
# mspsite writes this file into every portal it builds, so a later walk of the folder knows the
# portal is output, not content, and a later build knows it may replace the folder.
BUILD_MARKER = ".mspsite-build"
MARKER_TEXT = b"This folder was made by mspsite; mspsite may delete or replace it on the next build.\n"
# Folders of tools, never content.
TOOL_FOLDERS = ("__pycache__", "node_modules")
BACKUP_FILES = re.compile(r"(~|\.swp|\.swo|\.bak|\.orig|\.tmp)$|^(\.#|#.*#$)|^(Thumbs\.db|desktop\.ini)$")


def is_inside(root: Path, path: Path) -> bool:
    """Does path, with every symbolic link followed, stay inside root?"""
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))


def skipped_folder(name: str) -> bool:
    """A folder that is never content: hidden ones (.git, our temporary folders) and tools' folders."""
    return name.startswith(".") or name in TOOL_FOLDERS


def skipped_file(name: str) -> bool:
    """A file that is never content: hidden files and editor backups."""
    return name.startswith(".") or bool(BACKUP_FILES.search(name))


def is_output(rel: str, output: str) -> bool:
    """Is the relative path the output folder or inside it?"""
    return rel == output or rel.startswith(output.rstrip("/") + "/")
