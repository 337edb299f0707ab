"""Formal reports for funders: the figures of one reporting period as tables.

One set of tables feeds the report page, its CSV files, its XLSX workbook and
its PDF, so every copy of a report shows the same figures, and every figure is
computed from the folder's data: nothing is re-typed but summary, risks and
outlook."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from . import figures
from . import model as m
from .labels import LABELS

ZERO = Decimal(0)


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "text"       # text | number | money | percent | date


@dataclass(frozen=True)
class Table:
    name: str                # file-name friendly: results, income-by-source, ...
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]
    totals: tuple | None = None


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
        partners=partners, bodies=bodies)
    result.tables.update(_tables(p, result, _))
    return result


def _tables(p: m.Partnership, f: ReportFigures, _) -> dict[str, Table]:
    r, t = f.report, f.totals
    tables = [Table("results", _("Results framework"), (
        Column(_("Goal")), Column(_("Outcome")), Column(_("Indicator")), Column(_("Unit")),
        Column(_("Baseline"), "number"), Column(_("Target"), "number"), Column(_("Value at period end"), "number"),
        Column(_("Measured on"), "date"), Column(_("% of target reached"), "percent"), Column(_("Status")),
        Column(_("Source"))), tuple(_result_rows(p, r, _)))]
    tables.append(Table("income-by-source", _("Income by source"), (
        Column(_("Source")), Column(_("Amount"), "money"), Column(_("Share"), "percent")),
        tuple((s.name if s else _("Other"), amount, float(amount / t.income) if t.income else None)
              for s, amount in t.income_by_source),
        (_("Total"), t.income, 1.0 if t.income else None)))
    tables.append(Table("income-by-kind-and-status", _("Income by kind and status"), (
        Column(_("Kind")), Column(_("Status")), Column(_("Amount"), "money")),
        tuple(_kind_status_rows(f.periods, _)), (_("Total"), "", t.income)))
    tables.append(Table("expenditure", _("Expenditure by category"), (
        Column(_("Category")), Column(_("Planned"), "money"), Column(_("Actual"), "money"),
        Column(_("Variance"), "money"), Column(_("Variance %%") % {}, "percent")),
        tuple((_(LABELS['category_names'][c]), planned, actual, actual - planned,
               float((actual - planned) / planned) if planned else None) for c, planned, actual in t.by_category),
        (_("Total"), t.planned, t.actual, t.variance, t.variance_share)))
    if r.funder:
        tables.append(Table("funder-contribution", _("Contribution of %(funder)s") % {"funder": r.funder.name}, (
            Column(_("Period")), Column(_("Kind")), Column(_("Status")), Column(_("Goal")),
            Column(_("Description")), Column(_("Amount"), "money")),
            tuple((m.label(b), x.kind, x.status, x.goal.title if x.goal else "", x.description or "",
                   x.reporting_amount) for b in f.periods for x in b.income if x in f.funder_income),
            (_("Total"), "", "", "", "", sum((x.reporting_amount for x in f.funder_income), ZERO))))
    tables.append(Table("decisions", _("Decisions taken in the period"), (
        Column(_("Date"), "date"), Column(_("Decision")), Column(_("Body")), Column(_("Method")), Column(_("Status"))),
        tuple((d.date, d.title, d.body.name if d.body else "", d.method or "", d.status) for d in f.decisions)))
    tables.append(Table("lessons", _("Lessons of the period"), (
        Column(_("Date"), "date"), Column(_("Lesson")), Column(_("Kind"))),
        tuple((x.date, x.title, x.kind) for x in f.lessons)))
    tables.append(Table("risks", _("Risks"), (
        Column(_("Risk")), Column(_("Likelihood")), Column(_("Impact")), Column(_("Mitigation"))),
        tuple((x.risk, x.likelihood or "", x.impact or "", x.mitigation or "") for x in r.risks)))
    tables.append(Table("partners", _("Partners at the end of the period"), (
        Column(_("Partner")), Column(_("Sector")), Column(_("Country")), Column(_("Joined"), "date")),
        tuple((s.name, s.sector, s.country or "", s.joined) for s in f.partners)))
    tables.append(Table("bodies", _("Governance bodies at the end of the period"), (
        Column(_("Body")), Column(_("Member")), Column(_("Role"))),
        tuple((b.name, mb.stakeholder.name, mb.role or "") for b, members in f.bodies for mb in members)))
    return {x.name: x for x in tables}


def _result_rows(p: m.Partnership, r: m.ReportItem, _):
    for g in p.goals:
        for o in g.outcomes:
            for i in o.indicators:
                in_period = [x for x in i.measurements if r.start <= x.date <= r.end]
                pr = figures.progress(i, as_of=r.end)
                latest = in_period[-1] if in_period else None
                numeric = i.measure != "qualitative"
                yield (g.title, o.title, i.title, i.unit or "",
                       i.baseline.value if i.baseline else None, i.target.value if i.target else None,
                       latest.value if latest else _("no measurement in the period"),
                       latest.date if latest else None,
                       pr.fraction if (latest and numeric and pr.fraction is not None) else None,
                       _(LABELS['status_names'][pr.status if latest else 'no-data']), i.source or "")


def _kind_status_rows(periods, _):
    sums: dict[tuple[str, str], Decimal] = {}
    for b in periods:
        for x in b.income:
            sums[(x.kind, x.status)] = sums.get((x.kind, x.status), ZERO) + x.reporting_amount
    order = {"received": 0, "committed": 1, "pledged": 2}
    for (kind, status), amount in sorted(sums.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], 9))):
        yield kind, status, amount
