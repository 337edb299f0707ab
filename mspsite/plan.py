"""Stage 4: which pages exist, for which audience, at which URL.

Audience-tailored views are plans over the same model: stories for the
public, finances and reports for funders, the governance record for partners."""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from . import model as m
from .factors import FACTORS
from .finances import all_periods_finances, period_finances
from .history import file_dates
from .kinds import ITEM_KINDS, KINDS, Kind
from .model import label
from .reporting import report_figures
from .settings import Settings
from .tables import Table
from .urls import url_of


@dataclass(frozen=True)
class PlannedPage:
    url: str                               # relative to the portal root: 'partners/moe/'
    template: str
    title: str
    section: str                           # the top-navigation entry it belongs to
    audience: str = "public"               # public | funders | partners: tone and emphasis
    context: dict = field(default_factory=dict)
    source: str | None = None              # content file behind it: edit link, last updated
    updated: datetime.date | None = None
    parents: tuple[tuple[str, str], ...] = ()   # breadcrumb: (title, url)
    searchable: bool = True


# Items on one page of a long list: a list of 5,000 decisions is 50 pages of 100, each well under
# 150 KB; the whole list is in the open-data downloads.
PAGE_SIZE = 100
SITEMAP_PAGE_SIZE = 500
# Rows of a long table on one page: a report page shows up to six tables with a row per item (results,
# decisions, partners, ...), so it stays well under 150 KB with each cut to half a list page.
TABLE_PAGE_SIZE = 50


@dataclass(frozen=True)
class Pagination:
    number: int                  # 1 for the list's first page
    urls: tuple[str, ...]        # every page of the list, first to last

    @property
    def previous(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.urls[self.number] if self.number < len(self.urls) else None


@dataclass(frozen=True)
class TablePart:
    """The rows of a long table that one page shows; the other rows are on the other pages of `pagination`."""
    table: Table                 # this page's rows; the totals (of every row) on the first page only
    first: int                   # this page's first row, counted from 1 through the whole table
    count: int                   # rows in the whole table
    pagination: Pagination

    @property
    def last(self) -> int:
        return self.first + len(self.table.rows) - 1


@dataclass(frozen=True)
class NavEntry:
    title: str
    url: str
    section: str


@dataclass(frozen=True)
class Site:
    partnership: m.Partnership
    pages: tuple[PlannedPage, ...]
    nav: tuple[NavEntry, ...]
    settings: Settings
    gettext: Callable[[str], str]              # the interface language's translations
    versions: tuple = ()                       # every language's portal (languages.Version), this one's too

    @property
    def site_url(self) -> str | None:
        return self.settings.site.site_url

    def source_url(self, path: str) -> str | None:
        """A content file's 'edit this page' address, on portals that have one."""
        base = self.settings.edit_base
        return f"{base}{path}" if base and path else None


def plan_site(p: m.Partnership, settings: Settings, gettext: Callable[[str], str]) -> Site:
    _ = gettext
    dates = file_dates(settings.source) if settings.history else {}
    pdf = settings.pdf
    pages: list[PlannedPage] = []

    def add(url, template, title, section, *, parents=(), source=None, item=None, audience="public",
            searchable=True, **context):
        updated = getattr(item, "updated", None) or (dates.get(source) if source else None)
        pages.append(PlannedPage(url, template, title, section, audience, context, source, updated,
                                 tuple(parents), searchable))

    home = (_("Home"), "")
    add("", "home.html", p.name, "home", source="partnership.yml")
    add("about/", "about.html", _("About"), "about", parents=[home], source="partnership.yml")
    lists: dict[str, tuple[str, str]] = {}   # list page URL -> its breadcrumb entry (title, URL)
    sections: dict[str, str] = {}            # list page URL -> its navigation section

    def listing(url, template, title, section, audience="public", listed=None, size=PAGE_SIZE, **context):
        """A page listing items (the `listed` ones, when given, in the order shown, split into pages
        of `size`); the item pages under its URL have it in their breadcrumb."""
        parents = [home, *_crumbs(lists, url)]
        chunks = _chunks(listed, size) if listed else [listed]
        urls = tuple(url if k == 0 else f"{url}page/{k + 1}/" for k in range(len(chunks)))
        for k, chunk in enumerate(chunks):
            more = {} if listed is None else {"listed": chunk, "pagination": Pagination(k + 1, urls)}
            add(urls[k], template, title if k == 0 else _("%(title)s, page %(number)d") % {"title": title,
                "number": k + 1}, section, parents=parents if k == 0 else [*parents, (title, url)],
                audience=audience, **more, **context)
        lists[url], sections[url] = (title, url), section

    def items(kind: Kind, continued: tuple[str, str] | None = None, **context) -> None:
        """The page of every item of a kind (context: name -> function of the item, for its page).
        continued: (the context value that has tables, the template of a page a long one continues on)."""
        crumbs = _crumbs(lists, kind.section)
        section = sections[crumbs[0][1]] if crumbs else kind.collection
        for x in getattr(p, kind.collection):
            values = {kind.variable or kind.name: x, **{name: make(x) for name, make in context.items()}}
            first, more = table_parts(values[continued[0]], url_of(x)) if continued else ({}, [])
            add(url_of(x), kind.template, label(x), f"page:{x.id}" if kind.name == "page" else section,
                parents=[home, *crumbs], source=x.path, item=x, audience=kind.audience, **values,
                **({"parts": first} if continued else {}))
            for url, part in more:
                add(url, continued[1], _("%(item)s: %(table)s, page %(number)d") % {
                    "item": label(x), "table": part.table.title, "number": part.pagination.number},
                    section, parents=[home, *crumbs, (label(x), url_of(x))], source=x.path, item=x,
                    audience=kind.audience, part=part, **values)

    by_sector: dict[str, list] = defaultdict(list)
    for s in p.stakeholders:
        by_sector[s.sector].append(s)
    listing("partners/", "partners.html", _("Partners"), "partners", by_sector=dict(by_sector))
    items(KINDS["stakeholder"])
    listing("governance/", "governance.html", _("Governance"), "governance", "partners")
    items(KINDS["body"])
    listing("governance/decisions/", "decisions.html", _("Decision log"), "governance", "partners",
            listed=p.decisions, years=sorted({d.date.year for d in p.decisions}, reverse=True))
    items(KINDS["decision"])
    listing("governance/meetings/", "meetings.html", _("Meetings"), "governance", "partners", listed=p.meetings)
    items(KINDS["meeting"])
    listing("goals/", "goals.html", _("Goals and results"), "goals")
    items(KINDS["goal"])
    listing("finances/", "finances.html", _("Finances"), "finances", "funders",
            finances=all_periods_finances(p.budgets, gettext))
    items(KINDS["budget"], ("finances", "budget_part.html"),
          finances=lambda b: period_finances(b, gettext, p.language))
    listing("reports/", "reports.html", _("Reports"), "reports", "funders")
    items(KINDS["report"], ("figures", "report_part.html"), figures=lambda r: report_figures(p, r, gettext),
          pdf=lambda r: pdf)
    listing("lessons/", "lessons.html", _("Lessons learned"), "lessons", "partners", listed=_newest(p.lessons))
    items(KINDS["lesson"])
    listing("stories/", "stories.html", _("Stories"), "stories", listed=_newest(p.stories))
    items(KINDS["story"])
    listing("events/", "events.html", _("Events"), "events")
    items(KINDS["event"])
    listing("network/", "network.html", _("Network"), "network")
    items(KINDS["initiative"])

    add("glossary/", "glossary.html", _("Glossary"), "glossary", parents=[home], source="glossary.yml")

    evidence = factor_evidence(p)
    listing("factors/", "factors.html", _("Success factors"), "factors", evidence=evidence)
    for key, info in FACTORS.items():
        add(url_of(key), "factor.html", _(info.title), "factors", parents=[home, lists["factors/"]],
            factor=info, items=evidence[key])
    items(KINDS["assessment"])
    items(KINDS["page"])
    for kind in ITEM_KINDS:   # a kind added to the registry alone: <folder>.html lists it, <name>.html shows each
        if kind.name not in ("assessment", "page") and kind.section not in lists:
            listing(kind.section, f"{kind.folder}.html", _(kind.title or kind.label), kind.collection,
                    kind.audience)
            items(kind)

    add("data/", "data.html", _("Open data"), "data", parents=[home], audience="funders")
    add("search/", "search.html", _("Search"), "search", parents=[home], searchable=False)
    listing("sitemap/", "sitemap.html", _("All pages"), "sitemap", listed=tuple(pages), size=SITEMAP_PAGE_SIZE,
            searchable=False)
    add("404.html", "404.html", _("Page not found"), "404", searchable=False)

    nav = [NavEntry(_("About"), "about/", "about"), NavEntry(_("Partners"), "partners/", "partners"),
           NavEntry(_("Governance"), "governance/", "governance"),
           NavEntry(_("Goals and results"), "goals/", "goals"), NavEntry(_("Finances"), "finances/", "finances"),
           NavEntry(_("Reports"), "reports/", "reports"),
           NavEntry(_("Stories"), "stories/", "stories"), NavEntry(_("Lessons learned"), "lessons/", "lessons"),
           NavEntry(_("Success factors"), "factors/", "factors"),
           *(NavEntry(pg.title, url_of(pg), f"page:{pg.id}") for pg in p.pages if pg.nav is not None)]

    return Site(p, tuple(pages), tuple(nav), settings, gettext)


def table_parts(figures, url: str) -> tuple[dict[str, TablePart], list[tuple[str, TablePart]]]:
    """The itemised tables of a page's figures that are longer than a page, in parts: the first part of each
    by table name, shown on the page at url (at the table's anchor); the others, each with the URL of a page
    of its own under url."""
    first, more = {}, []
    for name in figures.itemised:
        table = figures.tables[name]
        if len(table.rows) <= TABLE_PAGE_SIZE:
            continue
        chunks = _chunks(table.rows, TABLE_PAGE_SIZE)
        urls = tuple(f"{url}#table-{name}" if k == 0 else f"{url}{name}/page/{k + 1}/" for k in range(len(chunks)))
        for k, rows in enumerate(chunks):
            part = TablePart(dataclasses.replace(table, rows=rows, totals=table.totals if k == 0 else None),
                             k * TABLE_PAGE_SIZE + 1, len(table.rows), Pagination(k + 1, urls))
            if k == 0:
                first[name] = part
            else:
                more.append((urls[k], part))
    return first, more


def _chunks(listed, size: int) -> list:
    """A list in pages of `size`, in order."""
    return [listed[i:i + size] for i in range(0, len(listed), size)]


def _newest(items) -> tuple:
    """Newest first, as lists show them (stable: items of one day keep their order)."""
    return tuple(sorted(items, key=lambda x: x.date, reverse=True))


def _crumbs(lists: dict[str, tuple[str, str]], url: str) -> list[tuple[str, str]]:
    """The list pages at and above a URL, outermost first: governance/, then governance/decisions/."""
    return [lists[u] for u in sorted(lists, key=len) if url.startswith(u)]


def factor_evidence(p: m.Partnership) -> dict[str, list]:
    """For each success factor, the items that give evidence for it, newest first."""
    found: dict[str, list] = {key: [] for key in FACTORS}
    for group in (getattr(p, kind.collection) for kind in ITEM_KINDS):
        for item in group:
            for key in item.factors:
                if key in found:
                    found[key].append(item)
    for key in found:
        found[key].sort(key=lambda x: (getattr(x, "date", None) or datetime.date.min, x.id), reverse=True)
    return found
