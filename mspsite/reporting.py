"""Formal reports for funders: the figures of one reporting period as tables.

One set of tables feeds the report page, its CSV files, its XLSX workbook and
its PDF, so every copy of a report shows the same figures, and every figure is
computed from the folder's data: nothing is re-typed but summary, risks and
outlook."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from . import figures, finances
from . import model as m
from .i18n import country_name
from .labels import LABELS, named
from .tables import Column, Table

ZERO = Decimal(0)

SECTIONS = ("results", "finances", "decisions", "lessons", "risks", "outlook")   # when a report names none
SECTION_TABLES = {"results": ("results",),
                  "finances": ("income-by-source", "income-by-kind-and-status", "expenditure", "funder-contribution"),
                  "decisions": ("decisions",), "lessons": ("lessons",), "risks": ("risks",),
                  "annex": ("partners", "bodies")}
# Tables with a row per item (indicator, income line, decision, lesson, partner, member): they grow with the
# partnership, so the plan continues a long one on pages of its own. The others summarise and stay whole.
ITEMISED = ("results", "funder-contribution", "decisions", "lessons", "partners", "bodies")


@dataclass(frozen=True)
class ReportFigures:
    report: m.ReportItem
    periods: tuple[m.BudgetPeriod, ...]      # budget periods inside the reporting period
    totals: figures.Totals
    funder_income: tuple[m.IncomeLine, ...]
    funder_goals: tuple[m.Goal, ...]
    decisions: tuple[m.Decision, ...]
    lessons: tuple[m.Lesson, ...]
    partners: tuple[m.Stakeholder, ...]      # as they stood at the end of the period
    bodies: tuple[tuple[m.Body, tuple[m.Member, ...]], ...]
    tables: dict[str, Table] = field(default_factory=dict)
    sections: tuple[str, ...] = ()           # in the order shown; the annex always, last unless placed

    def section_tables(self, section: str) -> tuple[str, ...]:
        """The names of the tables a section shows, in order."""
        return tuple(name for name in SECTION_TABLES.get(section, ()) if name in self.tables)

    @cached_property
    def numbers(self) -> dict[str, int]:
        """Each table's number in the report ("Table 5"), counted through the sections as shown."""
        shown = (name for s in self.sections for name in self.section_tables(s))
        return {name: n for n, name in enumerate(shown, 1)}

    @property
    def itemised(self) -> tuple[str, ...]:
        """The tables shown with a row per item, which may be long."""
        return tuple(name for name in self.numbers if name in ITEMISED)


def _within(day: datetime.date | None, start: datetime.date, end: datetime.date) -> bool:
    return day is not None and start <= day <= end


def report_figures(p: m.Partnership, report: m.ReportItem, gettext) -> ReportFigures:
    _ = gettext
    start, end = report.start, report.end
    periods = tuple(b for b in p.budgets if b.start >= start and b.end <= end)
    totals = figures.totals(periods)
    funder_income = tuple(x for b in periods for x in b.income if report.funder and x.source is report.funder)
    earmarked = tuple(dict.fromkeys(x.goal for x in funder_income if x.goal))
    funder_goals = earmarked or (tuple(dict.fromkeys(x.goal for b in periods for x in b.expenditure if x.goal))
                                 if funder_income else ())
    partners = tuple(s for s in p.stakeholders if (s.joined is None or s.joined <= end)
                     and (s.left is None or s.left > end))
    bodies = tuple((b, tuple(mb for mb in b.members if (mb.since is None or mb.since <= end)
                             and (mb.until is None or mb.until > end))) for b in p.bodies)
    result = ReportFigures(
        report, periods, totals, funder_income, funder_goals,
        decisions=tuple(sorted((d for d in p.decisions if _within(d.date, start, end)), key=lambda d: (d.date, d.id))),
        lessons=tuple(sorted((x for x in p.lessons if _within(x.date, start, end)), key=lambda x: (x.date, x.id))),
        partners=partners, bodies=bodies, sections=_sections(report))
    result.tables.update(_tables(p, result, _))
    return result


def _sections(report: m.ReportItem) -> tuple[str, ...]:
    order = tuple(report.sections or SECTIONS)
    return order if "annex" in order else (*order, "annex")


def _tables(p: m.Partnership, f: ReportFigures, _) -> dict[str, Table]:
    r, t = f.report, f.totals
    tables = [Table("results", _("Results framework"), (
        Column("goal", _("Goal")), Column("outcome", _("Outcome")), Column("indicator", _("Indicator")),
        Column("unit", _("Unit")), Column("baseline", _("Baseline"), "number"),
        Column("target", _("Target"), "number"),
        Column("value", _("Value at period end"), "number", note="measured_on"),
        Column("measured_on", _("Measured on"), "date"), Column("reached", _("Target reached (%)"), "percent"),
        Column("status", _("Status")), Column("source", _("Source"))), tuple(_result_rows(p, r, _)),
        groups=("goal", "outcome"), row_header=True)]
    tables += [finances.income_by_source(t, _), finances.income_by_kind_and_status(t, _),
               finances.expenditure_by_category(t, _)]
    if r.funder:
        tables.append(Table("funder-contribution", _("Contribution of %(funder)s") % {"funder": r.funder.name}, (
            Column("period", _("Period")), Column("kind", _("Kind")), Column("status", _("Status")),
            Column("goal", _("Goal")), Column("description", _("Description")),
            Column("amount", _("Amount"), "money")),
            tuple({"period": m.label(b), "kind": named(_, "income_kind_names", x.kind),
                   "status": named(_, "status_names", x.status), "goal": x.goal.title if x.goal else "",
                   "description": x.description or "", "amount": x.reporting_amount}
                  for b in f.periods for x in b.income if x in f.funder_income),
            {"period": _("Total"), "kind": "", "status": "", "goal": "", "description": "",
             "amount": sum((x.reporting_amount for x in f.funder_income), ZERO)}))
    tables.append(Table("decisions", _("Decisions taken in the period"), (
        Column("date", _("Date"), "date"), Column("decision", _("Decision")), Column("body", _("Body")),
        Column("method", _("Method")), Column("status", _("Status"))),
        tuple({"date": d.date, "decision": d.title, "body": d.body.name if d.body else "",
               "method": named(_, "method_names", d.method), "status": named(_, "status_names", d.status)}
              for d in f.decisions)))
    tables.append(Table("lessons", _("Lessons of the period"), (
        Column("date", _("Date"), "date"), Column("lesson", _("Lesson")), Column("kind", _("Kind"))),
        tuple({"date": x.date, "lesson": x.title, "kind": named(_, "status_names", x.kind)} for x in f.lessons)))
    tables.append(Table("risks", _("Risks"), (
        Column("risk", _("Risk")), Column("likelihood", _("Likelihood")), Column("impact", _("Impact")),
        Column("mitigation", _("Mitigation"))),
        tuple({"risk": x.risk, "likelihood": x.likelihood or "", "impact": x.impact or "",
               "mitigation": x.mitigation or ""} for x in r.risks)))
    tables.append(Table("partners", _("Partners at the end of the period"), (
        Column("partner", _("Partner")), Column("sector", _("Sector")), Column("country", _("Country")),
        Column("joined", _("Joined"), "date")),
        tuple({"partner": s.name, "sector": named(_, "sector_names", s.sector),
               "country": country_name(s.country, p.language), "joined": s.joined} for s in f.partners)))
    tables.append(Table("bodies", _("Governance bodies at the end of the period"), (
        Column("body", _("Body")), Column("member", _("Member")), Column("role", _("Role"))),
        tuple({"body": b.name, "member": mb.stakeholder.name, "role": mb.role or ""}
              for b, members in f.bodies for mb in members)))
    return {x.name: x for x in tables}


def _result_rows(p: m.Partnership, r: m.ReportItem, _):
    for g in p.goals:
        for o in g.outcomes:
            for i in o.indicators:
                in_period = [x for x in i.measurements if r.start <= x.date <= r.end]
                pr = figures.progress(i, as_of=r.end)
                latest = in_period[-1] if in_period else None
                numeric = i.measure != "qualitative"
                yield {"goal": g.title, "outcome": o.title, "indicator": i.title, "unit": i.unit or "",
                       "baseline": i.baseline.value if i.baseline else None,
                       "target": i.target.value if i.target else None,
                       "value": latest.value if latest else _("no measurement in the period"),
                       "measured_on": latest.date if latest else None,
                       "reached": pr.fraction if (latest and numeric and pr.fraction is not None) else None,
                       "status": _(LABELS['status_names'][pr.status if latest else 'no-data']),
                       "source": i.source or ""}
