"""`mspsite new`: a small but complete starter partnership, with the JSON Schemas
beside it so editors complete and check fields as people type."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import MspsiteError
from .kinds import FOLDERS, TOP_FILES
from .schemas import schema_files

SCHEMA_FOLDER = ".schemas"
# What a build makes is never content: the portal, and the cache of earlier builds (a cache
# committed to git is not used, see cache.py).
GITIGNORE = "site/\n.mspsite-cache/\n"


def modeline(rel: str) -> str | None:
    """The yaml-language-server comment that ties a YAML file to its schema."""
    parts = rel.split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    kind = TOP_FILES.get(stem) if len(parts) == 1 else FOLDERS.get(parts[0])
    if kind is None or kind.markdown or not rel.endswith((".yml", ".yaml")):
        return None
    up = "../" * (len(parts) - 1)
    return f"# yaml-language-server: $schema={up}{SCHEMA_FOLDER}/{kind.schema_name}\n"


def create_starter(target: Path, force: bool = False) -> list[str]:
    if target.exists() and any(target.iterdir()) and not force:
        raise MspsiteError(f"{target} is not empty; choose a new folder (or pass --force to add the starter files)")
    written = []
    for rel, data in _starter_files():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        line = modeline(rel)
        path.write_bytes((line.encode() if line else b"") + data)
        written.append(rel)
    for name, text in schema_files().items():
        (target / SCHEMA_FOLDER).mkdir(parents=True, exist_ok=True)
        (target / SCHEMA_FOLDER / name).write_text(text, encoding="utf-8")
        written.append(f"{SCHEMA_FOLDER}/{name}")
    if not (target / ".gitignore").exists():
        (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        written.append(".gitignore")
    return written


def _starter_files():
    root = resources.files("mspsite") / "starter"

    def walk(folder, prefix=""):
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            rel = f"{prefix}{entry.name}"
            if entry.is_dir():
                yield from walk(entry, rel + "/")
            else:
                yield rel, entry.read_bytes()

    yield from walk(root)
