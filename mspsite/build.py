"""`mspsite build`: the whole pipeline, read top to bottom."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .assemble import build_model
from .config import read_config
from .errors import MspsiteError
from .crawl import crawler_files
from .feeds import feeds
from .history import edit_base, file_dates
from .iati_export import export_iati
from .i18n import translations
from .load import load_project
from .opendata import open_data
from .pdf import html_to_pdf
from .plan import plan_site
from .render import render_site
from .search import search_index
from .spreadsheets import table_csv, workbook
from .theme import load_theme
from .validate import validate
from .write import RenderedSite, check_output, write_site

Progress = Callable[[int, int], None]   # (pages done, pages in all)


@dataclass(frozen=True)
class BuildResult:
    pages: int
    files: int
    bytes: int
    seconds: float
    warnings: int
    report: object


def render_project(src: Path, clearance: str = "public", site_url: str | None = None, strict: bool = False,
                   history: bool = True, search: bool = True, progress: Progress | None = None,
                   output: str = "site", pdf: bool = False) -> tuple[RenderedSite, object, int]:
    """Everything up to writing: (the rendered site, the check report, pages)."""
    raw = load_project(src, output=output)
    report = validate(raw, clearance)
    report.raise_if_errors(strict=strict)
    config = read_config(raw)
    theme = load_theme(config.theme, src)
    partnership = build_model(raw, clearance)
    gettext = translations(theme.locale, partnership.language).gettext
    site = plan_site(partnership, gettext, site_url=site_url or config.site_url,
                     file_dates=file_dates(src) if history else {},
                     edit_base=edit_base(config.repository, config.branch) if clearance == "public" else None,
                     pdf=pdf)
    extra = {**open_data(partnership), **feeds(partnership, site.site_url, gettext), **crawler_files(site)}
    if config.iati:  # funders' IATI registry reads the activity from the portal
        extra["data/iati-activities.xml"] = export_iati(partnership)
    rendered = render_site(site, theme, src, extra, progress)
    files = {**rendered.files, **report_files(site, rendered, pdf)}
    if search:
        files.update(search_index(files, partnership.language))
    rendered = RenderedSite(files, rendered.copies, rendered.links)
    _check_links(rendered, search)
    return rendered, report, len(site.pages)


def _check_links(rendered: RenderedSite, search: bool) -> None:
    """Every file a page links to is in the portal: a template mistake fails the build, not the reader."""
    produced = rendered.files.keys() | rendered.copies.keys()
    missing = {target: page for target, page in rendered.links.items() if target not in produced
               and not (target.startswith("pagefind/") and not search)}
    if missing:
        listing = "; ".join(f"{t} (linked from {p or 'the home page'})" for t, p in sorted(missing.items())[:10])
        raise MspsiteError(f"the theme links to files the build does not make: {listing}")


def report_files(site, rendered: RenderedSite, pdf: bool) -> dict[str, bytes]:
    """Each report's tables as CSV and XLSX, and (with --pdf) the report as PDF."""
    files = {}
    p = site.partnership
    for page in site.pages:
        if page.template != "report.html":
            continue
        report, tables = page.context["report"], list(page.context["figures"].tables.values())
        for table in tables:
            files[f"reports/{report.id}/{table.name}.csv"] = table_csv(table)
        files[f"reports/{report.id}.xlsx"] = workbook(tables, report.title, p.config.currency or "",
                                                      report.date or report.end)
        if pdf:
            files[f"reports/{report.id}.pdf"] = html_to_pdf(rendered.files, rendered.copies,
                                                            f"reports/{report.id}/index.html")
    return files


def build(src: Path, out: Path | None = None, *, clearance: str = "public", site_url: str | None = None,
          strict: bool = False, history: bool = True, progress: Progress | None = None,
          pdf: bool = False) -> BuildResult:
    started = time.perf_counter()
    src = Path(src)
    out = Path(out) if out else src / "site"
    check_output(src, out)
    inside = out.resolve().relative_to(src.resolve()).as_posix() if out.resolve().is_relative_to(src.resolve()) \
        else "site"
    rendered, report, pages = render_project(src, clearance, site_url, strict, history, progress=progress,
                                             output=inside, pdf=pdf)
    stats = write_site(rendered, out, src)
    return BuildResult(pages, stats.files, stats.bytes, time.perf_counter() - started, len(report.warnings), report)
