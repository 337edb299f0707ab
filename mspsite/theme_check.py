"""What `check` says about the theme files of a partnership folder (overrides/, a custom
theme): so that a pull request's check catches a link, a template syntax error or a
sandbox escape before any build runs the template."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, TemplateSyntaxError, nodes
from jinja2.sandbox import (UNSAFE_ASYNC_GENERATOR_ATTRIBUTES, UNSAFE_COROUTINE_ATTRIBUTES,
                            UNSAFE_FUNCTION_ATTRIBUTES, UNSAFE_GENERATOR_ATTRIBUTES, UNSAFE_METHOD_ATTRIBUTES)

from .diagnostics import Diagnostic, Location, error
from .folder import BACKUP_FILES
from .load import RawProject
from .settings import Settings
from .theme import (OVERRIDES, SANDBOX_HINT, RefusedFile, UnusableTheme, read_template, template_environment,
                    theme_folder, unusable_theme, untrusted_folders, walk_inside)

# The names the sandbox refuses whatever the object (besides every name starting with '_').
_INTERNAL = {"mro", *UNSAFE_FUNCTION_ATTRIBUTES, *UNSAFE_METHOD_ATTRIBUTES, *UNSAFE_GENERATOR_ATTRIBUTES,
             *UNSAFE_COROUTINE_ATTRIBUTES, *UNSAFE_ASYNC_GENERATOR_ATTRIBUTES}
# Filters whose first argument names an attribute: x|attr('__class__'), xs|selectattr('__class__')
_ATTRIBUTE_FILTERS = {"attr", "selectattr", "rejectattr", "groupby"}


def check_theme(raw: RawProject, settings: Settings) -> list[Diagnostic]:
    """The theme mspsite.yml names can be used; no file of overrides/ or of a custom theme is a
    symbolic link or a special file; every template parses and names nothing the sandbox refuses."""
    src, name = raw.root, settings.site.theme
    if not isinstance(name, str):
        return []   # the schema check reports it
    found, usable, env = [], None, template_environment()
    try:
        usable = theme_folder(name, src)
    except UnusableTheme as exc:
        found.append(unusable_theme(exc, raw.single("mspsite")))
    for top in untrusted_folders(name, src):
        if top not in (src / OVERRIDES, usable):
            continue   # a theme that cannot be used is reported once, above
        files, problems = walk_inside(src, top)
        found += problems
        templates = top if top == src / OVERRIDES else top / "templates"
        found += [d for path in files if path.is_relative_to(templates) and not _skipped(path.name)
                  for d in template_diagnostics(src, path, env)]
    return found


def _skipped(name: str) -> bool:
    """Files a template name can still reach but nobody means as a template: dot-files, backups."""
    return name.startswith(".") or bool(BACKUP_FILES.search(name))


def template_diagnostics(src: Path, path: Path, env: Environment) -> list[Diagnostic]:
    rel = path.relative_to(src).as_posix()
    try:
        text = read_template(src, path)
    except RefusedFile as exc:
        return [exc.diagnostic]
    except OSError:
        return []   # gone since the walk
    try:
        tree = env.parse(text, name=rel, filename=str(path))
    except TemplateSyntaxError as exc:
        return [error(Location(rel, exc.lineno or 1), f"template: {exc.message}", code="template")]
    by_line: dict[int, list[str]] = {}
    for line, attr in unsafe_names(tree):
        by_line.setdefault(line, []).append(f"'{attr}'")
    return [error(Location(rel, line), f"template uses {_listing(names)}, which the template sandbox refuses",
                  SANDBOX_HINT, code="template-unsafe") for line, names in by_line.items()]


def _listing(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def unsafe_names(tree: nodes.Template) -> list[tuple[int, str]]:
    """(line, name) of each attribute the sandbox would refuse, where it is written out: x.__class__,
    x['__globals__'], x|attr('__init__'), xs|map(attribute='__class__'). Names built at run time
    (x['_' ~ '_class__']) are not seen here; the sandbox refuses them when the page renders."""
    found = []

    def unsafe(value) -> bool:
        return isinstance(value, str) and any(part.startswith("_") or part in _INTERNAL for part in value.split("."))

    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter, nodes.Test)):
        if isinstance(node, nodes.Getattr):
            names = [node.attr]
        elif isinstance(node, nodes.Getitem):
            names = [node.arg.value] if isinstance(node.arg, nodes.Const) else []
        else:
            names = [kw.value.value for kw in node.kwargs
                     if kw.key == "attribute" and isinstance(kw.value, nodes.Const)]
            if node.name in _ATTRIBUTE_FILTERS and node.args and isinstance(node.args[0], nodes.Const):
                names.append(node.args[0].value)
        found += [(node.lineno, name) for name in names if unsafe(name)]
    return sorted(set(found))
