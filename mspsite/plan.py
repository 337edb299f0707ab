"""Stage 4: which pages exist, for which audience, at which URL.

Audience-tailored views are plans over the same model: stories for the
public, finances and reports for funders, the governance record for partners."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from . import model as m
from .factors import FACTORS
from .finances import all_periods_finances, period_finances
from .history import file_dates
from .model import label
from .reporting import report_figures
from .settings import Settings
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

    partners = (_("Partners"), "partners/")
    by_sector: dict[str, list] = defaultdict(list)
    for s in p.stakeholders:
        by_sector[s.sector].append(s)
    add("partners/", "partners.html", _("Partners"), "partners", parents=[home], by_sector=dict(by_sector))
    for s in p.stakeholders:
        add(url_of(s), "stakeholder.html", s.name, "partners", parents=[home, partners], source=s.path, item=s,
            stakeholder=s)

    gov = (_("Governance"), "governance/")
    add("governance/", "governance.html", _("Governance"), "governance", parents=[home], audience="partners")
    for b in p.bodies:
        add(url_of(b), "body.html", b.name, "governance", parents=[home, gov], source=b.path, item=b,
            audience="partners", body=b)
    log = (_("Decision log"), "governance/decisions/")
    add("governance/decisions/", "decisions.html", _("Decision log"), "governance", parents=[home, gov],
        audience="partners", years=sorted({d.date.year for d in p.decisions}, reverse=True))
    for d in p.decisions:
        add(url_of(d), "decision.html", d.title, "governance", parents=[home, gov, log], source=d.path, item=d,
            audience="partners", decision=d)
    minutes = (_("Meetings"), "governance/meetings/")
    add("governance/meetings/", "meetings.html", _("Meetings"), "governance", parents=[home, gov],
        audience="partners")
    for mt in p.meetings:
        add(url_of(mt), "meeting.html", mt.title, "governance", parents=[home, gov, minutes], source=mt.path,
            item=mt, audience="partners", meeting=mt)

    goals = (_("Goals and results"), "goals/")
    add("goals/", "goals.html", _("Goals and results"), "goals", parents=[home])
    for g in p.goals:
        add(url_of(g), "goal.html", g.title, "goals", parents=[home, goals], source=g.path, item=g, goal=g)

    fin = (_("Finances"), "finances/")
    add("finances/", "finances.html", _("Finances"), "finances", parents=[home], audience="funders",
        finances=all_periods_finances(p.budgets, gettext))
    for b in p.budgets:
        add(url_of(b), "budget.html", label(b), "finances", parents=[home, fin], source=b.path,
            item=b, audience="funders", period=b, finances=period_finances(b, gettext, p.language))

    reports = (_("Reports"), "reports/")
    add("reports/", "reports.html", _("Reports"), "reports", parents=[home], audience="funders")
    for r in p.reports:
        add(url_of(r), "report.html", r.title, "reports", parents=[home, reports], source=r.path, item=r,
            audience="funders", report=r, figures=report_figures(p, r, gettext), pdf=pdf)

    lessons = (_("Lessons learned"), "lessons/")
    add("lessons/", "lessons.html", _("Lessons learned"), "lessons", parents=[home], audience="partners")
    for x in p.lessons:
        add(url_of(x), "lesson.html", x.title, "lessons", parents=[home, lessons], source=x.path, item=x,
            audience="partners", lesson=x)

    stories = (_("Stories"), "stories/")
    add("stories/", "stories.html", _("Stories"), "stories", parents=[home])
    for x in p.stories:
        add(url_of(x), "story.html", x.title, "stories", parents=[home, stories], source=x.path, item=x, story=x)

    events = (_("Events"), "events/")
    add("events/", "events.html", _("Events"), "events", parents=[home])
    for x in p.events:
        add(url_of(x), "event.html", x.title, "events", parents=[home, events], source=x.path, item=x, event=x)

    network = (_("Network"), "network/")
    add("network/", "network.html", _("Network"), "network", parents=[home])
    for x in p.initiatives:
        add(url_of(x), "initiative.html", x.name, "network", parents=[home, network], source=x.path, item=x,
            initiative=x)

    add("glossary/", "glossary.html", _("Glossary"), "glossary", parents=[home], source="glossary.yml")

    factors = (_("Success factors"), "factors/")
    evidence = factor_evidence(p)
    add("factors/", "factors.html", _("Success factors"), "factors", parents=[home], evidence=evidence)
    for key, info in FACTORS.items():
        add(url_of(key), "factor.html", _(info.title), "factors", parents=[home, factors], factor=info,
            items=evidence[key])
    for a in p.assessments:
        add(url_of(a), "assessment.html", a.title, "factors", parents=[home, factors], source=a.path, item=a,
            assessment=a)

    for pg in p.pages:
        add(url_of(pg), "page.html", pg.title, f"page:{pg.id}", parents=[home], source=pg.path, item=pg, free_page=pg)

    add("data/", "data.html", _("Open data"), "data", parents=[home], audience="funders")
    add("search/", "search.html", _("Search"), "search", parents=[home], searchable=False)
    add("sitemap/", "sitemap.html", _("All pages"), "sitemap", parents=[home], searchable=False)
    add("404.html", "404.html", _("Page not found"), "404", searchable=False)

    nav = [NavEntry(_("About"), "about/", "about"), NavEntry(_("Partners"), "partners/", "partners"),
           NavEntry(_("Governance"), "governance/", "governance"),
           NavEntry(_("Goals and results"), "goals/", "goals"), NavEntry(_("Finances"), "finances/", "finances"),
           NavEntry(_("Reports"), "reports/", "reports"),
           NavEntry(_("Stories"), "stories/", "stories"), NavEntry(_("Lessons learned"), "lessons/", "lessons"),
           NavEntry(_("Success factors"), "factors/", "factors"),
           *(NavEntry(pg.title, url_of(pg), f"page:{pg.id}") for pg in p.pages if pg.nav is not None)]

    return Site(p, tuple(pages), tuple(nav), settings, gettext)


def factor_evidence(p: m.Partnership) -> dict[str, list]:
    """For each success factor, the items that give evidence for it, newest first."""
    found: dict[str, list] = {key: [] for key in FACTORS}
    groups = (p.stakeholders, p.bodies, p.goals, p.decisions, p.meetings, p.budgets, p.reports, p.lessons,
              p.stories, p.events, p.initiatives, p.assessments, p.pages)
    for group in groups:
        for item in group:
            for key in item.factors:
                if key in found:
                    found[key].append(item)
    for key in found:
        found[key].sort(key=lambda x: (getattr(x, "date", None) or datetime.date.min, x.id), reverse=True)
    return found
