"""Themes: the bundled ones live in the package (mspsite.themes); a secretariat may
point `theme:` at a folder of its own and override single templates in overrides/.

Theme files inside the partnership folder arrive by pull request like the content, so
they are untrusted: every template runs in Jinja's sandbox, and a theme file is read
only from inside the folder, never through a symbolic link (the rule media follow)."""

from __future__ import annotations

import os
import stat
import traceback
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath

from jinja2 import BaseLoader, BytecodeCache, StrictUndefined, TemplateError, TemplateNotFound, TemplateSyntaxError
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .diagnostics import Diagnostic, Location, Report, did_you_mean, error
from .errors import ContentError
from .settings import settings_document
from .yamlread import MAX_FILE_BYTES

OVERRIDES = "overrides"
SANDBOX_HINT = "templates run in a sandbox: use the values and functions a page is given, no names starting with '_'"


@dataclass(frozen=True)
class Theme:
    name: str
    templates: tuple[Path, ...]     # searched in order: overrides first
    static: tuple[Path, ...]        # the same: a custom theme's own files win over the portal theme's
    locales: tuple[Path, ...]       # interface catalogues, searched in order like templates
    src: Path                       # the partnership folder: theme files below it are untrusted


class UnusableTheme(Exception):
    """The `theme:` of mspsite.yml names nothing mspsite will use."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message, self.hint = message, hint


class RefusedFile(TemplateError):
    """A theme file in the partnership folder that is not read: a symbolic link, a special
    file, not UTF-8. A TemplateError, so that it ends a render like any template error."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def bundled_themes() -> dict[str, Path]:
    root = Path(str(resources.files("mspsite.themes")))
    return {p.name: p for p in root.iterdir() if (p / "templates").is_dir()}


def theme_folder(name: str, src: Path) -> Path:
    """The folder of the theme mspsite.yml names: a bundled theme, or a folder inside the
    partnership folder reached without symbolic links. Raises UnusableTheme."""
    bundled = bundled_themes()
    if name in bundled:
        return bundled[name]
    rel = PurePosixPath(name)
    names = ", ".join(sorted(bundled))
    if rel.is_absolute() or ".." in rel.parts or "\\" in name or not rel.parts:
        raise UnusableTheme(f"theme '{name}' is outside the partnership folder; nothing outside it is read",
                            f"put the theme folder inside the partnership folder, or use a bundled theme ({names})")
    link = _first_link(src, src / rel)
    if link is not None:
        raise UnusableTheme(f"theme '{name}': '{_rel(src, link)}' is a symbolic link; theme files are read only "
                            "from inside the partnership folder, never through links",
                            "copy the theme folder into the partnership folder instead")
    if not (src / rel / "templates").is_dir():
        raise UnusableTheme(f"theme '{name}' not found: it is neither a bundled theme ({names}) nor a folder with "
                            "templates/ in it", did_you_mean(name, bundled))
    return src / rel


def untrusted_folders(name: str, src: Path) -> list[Path]:
    """The theme folders a pull request can change: overrides/, and the theme's own folder when
    it is inside the partnership folder (named by its path, whether usable or not)."""
    folders = [src / OVERRIDES]
    rel = PurePosixPath(name) if isinstance(name, str) else None
    if rel is not None and name not in bundled_themes() and rel.parts and not rel.is_absolute() \
            and ".." not in rel.parts and "\\" not in name:
        folders.append(src / rel)
    return [f for f in dict.fromkeys(folders) if os.path.lexists(f)]


def load_theme(name: str, src: Path) -> Theme:
    try:
        folder = theme_folder(name, src)
    except UnusableTheme as exc:  # `check` reports it at its line; this is for callers that did not check
        raise ContentError(Report([unusable_theme(exc, settings_document(src))])) from None
    overrides = src / OVERRIDES
    dirs, static = ((overrides,) if overrides.is_dir() else ()) + (folder / "templates",), (folder / "static",)
    bundled = bundled_themes()
    if name not in bundled:  # a custom theme falls back to the portal theme for what it does not define
        dirs += (bundled["portal"] / "templates",)
        static += (bundled["portal"] / "static",)
    locales = ((overrides / "locale",) if overrides.is_dir() else ()) + \
        tuple(d.parent / "locale" for d in dirs if d != overrides)
    return Theme(name, dirs, static, tuple(f for f in locales if f.is_dir()), src)


def unusable_theme(exc: UnusableTheme, doc) -> Diagnostic:
    """The diagnostic for a theme that cannot be used, at its value in mspsite.yml (doc: its RawDocument, or None)."""
    where = doc.locations.value(("theme",)) if doc is not None and "theme" in doc.data else Location("mspsite.yml")
    return error(where, exc.message, exc.hint, code="theme")


# -- reading theme files -------------------------------------------------------------------------------------------

def _rel(src: Path, path: Path) -> str:
    return path.relative_to(src).as_posix()


def _is_untrusted(src: Path, path: Path) -> bool:
    return Path(os.path.abspath(path)).is_relative_to(os.path.abspath(src))


def _first_link(src: Path, path: Path) -> Path | None:
    """The first symbolic link on the way from src down to path, if any."""
    here = src
    for part in path.relative_to(src).parts:
        here = here / part
        if here.is_symlink():
            return here
    return None


def _link_refused(src: Path, link: Path) -> Diagnostic:
    return error(Location(_rel(src, link)), "symbolic link in a theme folder is refused: theme files are read only "
                 "from inside the partnership folder, never through links", "copy the file into the folder instead",
                 code="theme-file")


def _special_refused(src: Path, path: Path) -> Diagnostic:  # a FIFO would block the build
    return error(Location(_rel(src, path)), "not a regular file", "replace it with an ordinary file",
                 code="theme-file")


def read_inside(src: Path, path: Path, limit: int | None = None) -> bytes:
    """A file below src, read only when no part of its path below src is a symbolic link and it
    is a regular file (of at most limit bytes): a link in a pull request never makes the build
    read anything else. Raises RefusedFile, or FileNotFoundError / NotADirectoryError when there
    is no such file."""
    link = _first_link(src, path)
    if link is not None:
        raise RefusedFile(_link_refused(src, link))
    info = os.lstat(path)
    rel = _rel(src, path)
    if not stat.S_ISREG(info.st_mode):
        raise RefusedFile(_special_refused(src, path))
    if limit is not None and info.st_size > limit:
        raise RefusedFile(error(Location(rel), f"file is too large ({info.st_size / 1e6:.1f} MB; the limit for "
                                f"templates is {limit // 1_000_000} MB)", code="theme-file"))
    try:   # O_NOFOLLOW: not even a link put in its place since the check above is followed
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with open(fd, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise RefusedFile(error(Location(rel), f"cannot read the file: {exc.strerror}", code="theme-file")) from None


def read_template(src: Path, path: Path) -> str:
    """A template of the partnership folder as text (read_inside, at most MAX_FILE_BYTES, UTF-8)."""
    data, rel = read_inside(src, path, MAX_FILE_BYTES), _rel(src, path)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise RefusedFile(error(Location(rel, line), f"invalid UTF-8 byte 0x{data[exc.start]:02x}: templates are "
                                "UTF-8 text", "save the file as UTF-8", code="theme-file")) from None


def walk_inside(src: Path, folder: Path) -> tuple[list[Path], list[Diagnostic]]:
    """Every regular file below folder, sorted, and a diagnostic for each symbolic link or special
    file met on the way: links are reported, never followed."""
    link = _first_link(src, folder)
    if link is not None:
        return [], [_link_refused(src, link)]
    files, problems = [], []

    def unreadable(exc: OSError) -> None:
        where = _rel(src, Path(exc.filename)) if exc.filename else _rel(src, folder)
        problems.append(error(Location(where), f"cannot read the folder: {exc.strerror}", code="theme-file"))

    for here, dirs, names in os.walk(folder, onerror=unreadable):
        keep = []
        for name in sorted(dirs):   # os.walk lists a link to a folder here, and does not follow it
            path = Path(here) / name
            if path.is_symlink():
                problems.append(_link_refused(src, path))
            else:
                keep.append(name)
        dirs[:] = keep
        for name in sorted(names):
            path = Path(here) / name
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                problems.append(_link_refused(src, path))
            elif not stat.S_ISREG(mode):
                problems.append(_special_refused(src, path))
            else:
                files.append(path)
    return sorted(files), problems


class ThemeLoader(BaseLoader):
    """Templates from the theme's folders, in order. A name never leaves its folder
    (split_template_path refuses '..'); a folder inside the partnership folder is read
    with read_inside, so an include or extends of a symbolic link is refused, located."""

    def __init__(self, folders: tuple[Path, ...], src: Path):
        self.folders, self.src = folders, src

    def get_source(self, environment, template: str):
        pieces = split_template_path(template)
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if _is_untrusted(self.src, folder):
                try:
                    text = read_template(self.src, path)
                except (FileNotFoundError, NotADirectoryError):
                    continue
            elif path.is_file():
                text = path.read_text(encoding="utf-8")
            else:
                continue
            # an absolute name, so that an error's traceback frame can be told to be in the folder
            return text, os.path.abspath(path), lambda: True   # a new environment each build: nothing stale
        raise TemplateNotFound(template)


class _CompiledTemplates(BytecodeCache):
    """Compiled templates kept for the life of the process, so `serve` and repeated builds
    compile each template once. Jinja keys a template by its name and file and checks the
    source's checksum, so an edited template is compiled again."""

    def __init__(self):
        self._code: dict[str, tuple[str, object]] = {}

    def load_bytecode(self, bucket) -> None:
        checksum, code = self._code.get(bucket.key, (None, None))
        if checksum == bucket.checksum:
            bucket.code = code

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = (bucket.checksum, bucket.code)


_COMPILED = _CompiledTemplates()


def template_environment(loader: BaseLoader | None = None) -> ImmutableSandboxedEnvironment:
    """The one Jinja environment for every template, bundled or not: sandboxed, so a template
    reads the values it is given and calls the functions it is given, nothing else; immutable,
    as no template needs to change a list or a mapping."""
    return ImmutableSandboxedEnvironment(loader=loader, autoescape=True, undefined=StrictUndefined,
                                         trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"],
                                         bytecode_cache=_COMPILED)


def static_files(theme: Theme) -> dict[str, bytes]:
    """The theme's static files by their path below static/; those in the partnership folder
    are refused, located, when they are or lie behind a symbolic link."""
    files: dict[str, bytes] = {}
    problems: list[Diagnostic] = []
    for folder in reversed(theme.static):   # the first folder's files win
        if not _is_untrusted(theme.src, folder):
            files.update({p.relative_to(folder).as_posix(): p.read_bytes()
                          for p in sorted(folder.rglob("*")) if p.is_file()})
            continue
        if not os.path.lexists(folder):
            continue
        paths, found = walk_inside(theme.src, folder)
        problems += found
        for path in paths:
            try:
                files[path.relative_to(folder).as_posix()] = read_inside(theme.src, path)
            except RefusedFile as exc:
                problems.append(exc.diagnostic)
    if problems:
        raise ContentError(Report(problems))
    return files


# -- template errors at their place --------------------------------------------------------------------------------

BUNDLED_HINT = "the fault is in mspsite's own theme, not in your folder: please report it to the mspsite maintainers"


def template_location(src: Path, filename: str, line: int | None) -> Location:
    """Where a template line is, as diagnostics name it: a template of the partnership folder
    (overrides/, a custom theme) by its path in the folder; a bundled one by its absolute path,
    which a diagnostic shows as it is (it is not in the folder)."""
    path = Path(os.path.abspath(filename))
    src = Path(os.path.abspath(src))
    return Location(_rel(src, path) if path.is_relative_to(src) else str(path), line or 1)


def template_failure(exc: TemplateError, theme: Theme, template: str, url: str) -> ContentError:
    """The error to raise for a template that failed, located: at the template line of the
    partnership folder (overrides/, a custom theme) where the fault is; else in the bundled
    theme, which is mspsite's own bug (said in the hint)."""
    if isinstance(exc, RefusedFile):
        return ContentError(Report([exc.diagnostic]))
    src = Path(os.path.abspath(theme.src))
    page = url or "the home page"
    if isinstance(exc, TemplateSyntaxError):
        where = template_location(src, exc.filename or _bundled_path(theme, exc.name or template), exc.lineno)
        return _failed(where, f"template: {exc.message}", None, "template")
    # the innermost frame of a template, preferring the partnership folder's: Jinja's tracebacks name template lines
    folders = [Path(os.path.abspath(d)) for d in theme.templates]
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if os.path.isabs(f.filename) and any(Path(f.filename).is_relative_to(d) for d in folders)]
    own = [f for f in frames if Path(f.filename).is_relative_to(src)] or frames
    where = template_location(src, own[-1].filename, own[-1].lineno) if own else \
        template_location(src, _bundled_path(theme, template), 1)
    if isinstance(exc, SecurityError):
        return _failed(where, f"template: {exc}", SANDBOX_HINT, "template-unsafe")
    return _failed(where, f"template: rendering {page} failed: {exc}", None, "template")


def _bundled_path(theme: Theme, template: str) -> str:
    """Where a template that no frame names is looked for last: the bundled theme."""
    return str(theme.templates[-1] / template)


def _failed(where: Location, message: str, hint: str | None, code: str) -> ContentError:
    if os.path.isabs(where.path):
        hint = f"{hint}; {BUNDLED_HINT}" if hint else BUNDLED_HINT
    return ContentError(Report([error(where, message, hint, code=code)]))
