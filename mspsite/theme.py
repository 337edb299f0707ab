"""Themes: the bundled ones live in the package (mspsite.themes); a secretariat may
point `theme:` at a folder of its own and override single templates in overrides/."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import MspsiteError
from .load import is_inside


@dataclass(frozen=True)
class Theme:
    name: str
    templates: tuple[Path, ...]     # searched in order: overrides first
    static: Path
    locale: Path | None


def bundled_themes() -> dict[str, Path]:
    root = Path(str(resources.files("mspsite.themes")))
    return {p.name: p for p in root.iterdir() if (p / "templates").is_dir()}


def load_theme(name: str, src: Path) -> Theme:
    bundled = bundled_themes()
    folder = bundled.get(name) or (src / name)
    if name not in bundled and not is_inside(src, folder):
        raise MspsiteError(f"mspsite.yml: theme '{name}' is outside the partnership folder; nothing outside it is read")
    if not (folder / "templates").is_dir():
        raise MspsiteError(f"mspsite.yml: theme '{name}' not found: neither a bundled theme "
                           f"({', '.join(sorted(bundled))}) nor a folder with templates/ inside the partnership folder")
    overrides = src / "overrides"
    dirs = ((overrides,) if overrides.is_dir() else ()) + (folder / "templates",)
    if name not in bundled:  # a custom theme falls back to the portal theme for what it does not define
        dirs += (bundled["portal"] / "templates",)
    locale = folder / "locale"
    return Theme(name, dirs, folder / "static", locale if locale.is_dir() else None)
