"""The files a portal holds besides its pages. Each output is a writer with one contract,
(settings, model or rendered site) -> {path: bytes}, and OUTPUTS lists them in the order they
run, as Pelican lists its generators: a new output is one entry here and a module of its own."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Literal

from ..diagnostics import Diagnostic, Location, Report, error
from ..errors import ContentError, MspsiteError
from ..iati.export import iati_activities
from ..settings import Settings
from ..theme import BUNDLED_HINT
from .feeds import feeds
from .opendata import open_data
from .reports import report_files
from .search import OUTPUT as SEARCH_FOLDER, search_index
from .sitemap import crawler_files

if TYPE_CHECKING:
    from ..render import RenderedSite


@dataclass(frozen=True)
class Output:
    name: str
    write: Callable[[Settings, object], dict[str, bytes]]
    reads: Literal["model", "rendered"] = "model"
    """What write takes after the settings: the Partnership (usable without rendering, as by the
    MkDocs plugin), or the RenderedSite (its pages, and through .site the plan and the model)."""


OUTPUTS: tuple[Output, ...] = (
    # first: Pagefind holds most of a build's peak memory, so it runs before the other outputs exist
    Output("search index", search_index, "rendered"),             # pagefind/, of the pages only
    Output("open data", open_data),                               # data/*.json, *.csv, schemas
    Output("IATI activity", iati_activities),                     # data/iati-activities.xml, with an iati: block
    Output("feeds", feeds, "rendered"),                           # feeds/*.xml
    Output("sitemap and robots", crawler_files, "rendered"),      # sitemap.xml, robots.txt, .nojekyll
    Output("report downloads", report_files, "rendered"),         # reports/<id>.xlsx, .pdf, <id>/*.csv
)


def run_outputs(outputs: tuple[Output, ...], settings: Settings, rendered: RenderedSite) -> RenderedSite:
    """The rendered site with every output's files added, once each page's links are known to resolve."""
    files = dict(rendered.files)
    for output in outputs:
        made = output.write(settings, rendered.site.partnership if output.reads == "model" else rendered)
        if clash := sorted(made.keys() & files.keys()):
            raise MspsiteError(f"internal error: the {output.name} output writes {clash[0]}, which is already made")
        files.update(made)
    portal = replace(rendered, files=files)
    _check_links(portal, settings.search)
    return portal


def _check_links(portal: RenderedSite, search: bool) -> None:
    """Every file a page links to is in the portal: a template mistake fails the build, not the
    reader. Reported at the template line that first linked each missing file."""
    produced = portal.files.keys() | portal.copies.keys()
    by_line: dict[Location, list[tuple[str, str]]] = {}
    for target, source in sorted(portal.links.items()):
        if target not in produced and not (target.startswith(f"{SEARCH_FOLDER}/") and not search):
            by_line.setdefault(source.template, []).append((target, source.page))
    if by_line:
        raise ContentError(Report([_missing_files(where, missing) for where, missing in by_line.items()]))


def _missing_files(where: Location, missing: list[tuple[str, str]]) -> Diagnostic:
    target, page = missing[0]
    on = f"page {page}" if page else "the home page"
    message = f"template links to {target} on {on}, a file the build does not make" if len(missing) == 1 else \
        f"template links to {len(missing)} files the build does not make, such as {target} on {on}"
    hint = BUNDLED_HINT if os.path.isabs(where.path) else \
        "link to what the portal has: url() of an item or of a page it lists, asset() of a file in static/"
    return error(where, message, hint, code="template-link")
