"""The pipeline, top to bottom: load -> validate -> model -> plan -> render -> outputs -> write."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Callable

from .assemble import build_model
from .cache import build_key, keep_work, page_cache, previous_build, recall_work, remember
from .diagnostics import Report
from .i18n import translations
from .languages import merged, with_versions
from .load import RawProject, load_project
from .model import Partnership
from .outputs import OUTPUTS, run_outputs
from .plan import plan_site
from .render import RenderedSite, render_site
from .settings import Settings, language_versions, resolve_settings
from .theme import load_theme
from .validate import validate
from .write import check_output, write_site

Progress = Callable[[int, int], None]   # (pages done, pages in all)


@dataclass(frozen=True)
class BuildResult:
    pages: int
    files: int
    bytes: int
    seconds: float
    report: Report     # what the check found (warnings only: errors stop the build)
    unchanged: bool = False   # the inputs were those of the portal already there: nothing was built
    reused: int = 0           # pages whose every input was as in the last build: not rendered again


def build(source: str | os.PathLike | Settings, output: str | os.PathLike | None = None, *,
          progress: Progress | None = None, **options) -> BuildResult:
    """Check a partnership folder and build its portal into the output folder (default: its `site`).
    `options` are those of resolve_settings (clearance, site_url, strict, history, search, pdf)."""
    started = time.perf_counter()
    settings = _settings(source, output=output, **options)
    check_output(settings.source, settings.output)   # refuse a folder we may not replace before any work
    key = build_key(settings)
    if last := previous_build(settings, key):         # the same inputs as the portal in the output folder
        return BuildResult(last.pages, last.files, last.bytes, time.perf_counter() - started, last.report, True)
    recall_work(settings)                              # texts and files unchanged since the last build are not checked again
    portal, report = make_portal(settings, progress)
    stats = write_site(portal, settings.output, settings.source)
    remember(settings, key, portal.pages, stats.files, stats.bytes, report)
    keep_work(settings)
    return BuildResult(portal.pages, stats.files, stats.bytes, time.perf_counter() - started, report,
                       reused=portal.reused)


def make_portal(settings: Settings, progress: Progress | None = None) -> tuple[RenderedSite, Report]:
    """Every file of the portal, in memory (what `serve` serves), and what the check found: one
    portal per language, the others under the default language's (languages.py)."""
    raw, report = checked(settings)
    theme = load_theme(settings.site.theme, settings.source)
    sites = with_versions([plan_site(build_model(raw, version), version, translations(
        theme.locales, version.portal_language, theme.src).gettext) for version in language_versions(settings)])
    pages, done = sum(len(site.pages) for site in sites), 0
    portals = []
    for site in sites:
        part = (lambda n, _total, before=done: progress(before + n, pages)) if progress else None
        rendered = render_site(site, theme, part, page_cache(site.settings))
        portals.append(run_outputs(OUTPUTS, site.settings, rendered))
        done += len(site.pages)
    return merged(portals), report


def model_and_report(settings: Settings) -> tuple[Partnership, Report]:
    """The partnership as the build's readership sees it; raises ContentError if the folder has errors."""
    raw, report = checked(settings)
    return build_model(raw, settings), report


def checked(settings: Settings) -> tuple[RawProject, Report]:
    """The partnership folder as read, and what the check found; raises ContentError if it has errors."""
    raw, report = read_and_check(settings)
    report.raise_if_errors(strict=settings.strict)
    return raw, report


def read_and_check(settings: Settings) -> tuple[RawProject, Report]:
    """The partnership folder as read, and every problem in it (errors are not raised)."""
    raw = load_project(settings)
    return raw, validate(raw, settings)


def check(source: str | os.PathLike | Settings, **options) -> Report:
    """Every problem in a partnership folder, each with its file:line:column (as `mspsite check`)."""
    return read_and_check(_settings(source, **options))[1]


def load(source: str | os.PathLike | Settings, **options) -> Partnership:
    """The checked, typed model of a partnership folder, filtered to a readership (`clearance`)."""
    return model_and_report(_settings(source, **options))[0]


def _settings(source, **options) -> Settings:
    if isinstance(source, Settings):
        if [k for k, v in options.items() if not (k == "output" and v is None)]:
            raise TypeError("give either Settings or a folder with options, not both")
        return source
    return resolve_settings(source, **options)
