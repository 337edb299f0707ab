"""The finance tables: income by source, by kind and status, expenditure by category, the
budget periods side by side and each period's lines, built from figures.Totals.

The finances page, each budget page and each funder report show these same tables, so a
figure reads the same wherever it appears; a page's totals are computed once, here, and
its templates only lay the tables out."""

from __future__ import annotations

from dataclasses import dataclass

from . import figures
from . import model as m
from .i18n import Formats
from .labels import LABELS, named
from .tables import Column, Table

STATUSES = ("received", "committed", "pledged")   # how sure the money is, surest first


@dataclass(frozen=True)
class Finances:
    """What a finance page shows of some budget periods: their totals, computed once, and its tables by name."""

    totals: figures.Totals
    tables: dict[str, Table]
    itemised: tuple[str, ...] = ()   # the tables with a row per budget line, which may be long


def all_periods_finances(periods: tuple[m.BudgetPeriod, ...], gettext) -> Finances:
    """The finances page: every period in a row, then the figures across all of them."""
    t = figures.totals(periods)
    tables = [budget_periods(periods, t, gettext), *totals_tables(t, gettext)]
    return Finances(t, {x.name: x for x in tables})


def period_finances(period: m.BudgetPeriod, gettext, language: str) -> Finances:
    """A budget page: the period's figures, then every line."""
    t = figures.totals([period])
    lines = [income_lines(period, gettext, Formats(language, period.currency)), expenditure_lines(period, gettext)]
    return Finances(t, {x.name: x for x in (*totals_tables(t, gettext), *lines)}, tuple(x.name for x in lines))


def totals_tables(t: figures.Totals, gettext) -> list[Table]:
    return [income_by_source(t, gettext), income_by_kind_or_status(t, gettext), expenditure_by_category(t, gettext)]


def income_by_source(t: figures.Totals, gettext) -> Table:
    _ = gettext
    return Table("income-by-source", _("Income by source"), (
        Column("source", _("Source"), link="source_item"), Column("amount", _("Amount"), "money"),
        Column("share", _("Share"), "percent")),
        tuple({"source": s.name if s else _("Other"), "source_item": s, "amount": amount,
               "share": float(amount / t.income) if t.income else None} for s, amount in t.income_by_source),
        {"source": _("Total"), "source_item": None, "amount": t.income, "share": 1.0 if t.income else None},
        row_header=True)


def income_by_kind_and_status(t: figures.Totals, gettext) -> Table:
    """Each kind of income with each status: the report's table."""
    _ = gettext
    order = {status: i for i, status in enumerate(STATUSES)}
    pairs = sorted(t.income_by_kind_and_status.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], 9)))
    return Table("income-by-kind-and-status", _("Income by kind and status"), (
        Column("kind", _("Kind")), Column("status", _("Status")), Column("amount", _("Amount"), "money")),
        tuple({"kind": named(_, "income_kind_names", kind), "status": named(_, "status_names", status),
               "amount": amount} for (kind, status), amount in pairs),
        {"kind": _("Total"), "status": "", "amount": t.income}, row_header=True)


def income_by_kind_or_status(t: figures.Totals, gettext) -> Table:
    """Income by kind, then the same income by status: a page's table, so it has no total
    (that would count each amount twice)."""
    _ = gettext
    kinds = [{"name": _(LABELS["income_kind_names"][kind]), "status": None, "amount": amount}
             for kind, amount in sorted(t.income_by_kind.items())]
    statuses = [{"name": _(LABELS["status_names"][status]), "status": status, "amount": t.income_by_status[status]}
                for status in STATUSES if status in t.income_by_status]
    return Table("income-by-kind-or-status", _("Income by kind and status"), (
        Column("name", _("Kind or status"), badge="status"), Column("amount", _("Amount"), "money")),
        tuple(kinds + statuses), row_header=True)


def expenditure_by_category(t: figures.Totals, gettext) -> Table:
    _ = gettext
    return Table("expenditure", _("Expenditure by category"), (
        Column("category", _("Category")), Column("planned", _("Planned"), "money"),
        Column("actual", _("Actual"), "money"), Column("variance", _("Variance"), "money"),
        Column("variance_share", _("Variance %%") % {}, "percent", digits=1)),
        tuple({"category": _(LABELS["category_names"][c]), "planned": planned, "actual": actual,
               "variance": actual - planned, "variance_share": float((actual - planned) / planned) if planned else None}
              for c, planned, actual in t.by_category),
        {"category": _("Total"), "planned": t.planned, "actual": t.actual, "variance": t.variance,
         "variance_share": t.variance_share}, row_header=True)


def budget_periods(periods: tuple[m.BudgetPeriod, ...], t: figures.Totals, gettext) -> Table:
    """Each period in a row; the totals are t, the figures of all of them."""
    _ = gettext
    rows = []
    for b in periods:
        one = figures.totals([b])
        rows.append({"period": b.title or str(b.start.year), "period_item": b, "income": one.income,
                     "planned": one.planned, "actual": one.actual, "variance": one.variance})
    return Table("budget-periods", _("Budget periods"), (
        Column("period", _("Period"), link="period_item"), Column("income", _("Income"), "money"),
        Column("planned", _("Planned"), "money"), Column("actual", _("Actual"), "money"),
        Column("variance", _("Variance"), "money")), tuple(rows),
        {"period": _("All periods"), "period_item": None, "income": t.income, "planned": t.planned,
         "actual": t.actual, "variance": t.variance}, row_header=True)


def income_lines(b: m.BudgetPeriod, gettext, fmt: Formats) -> Table:
    _ = gettext
    rows = []
    for x in b.income:
        description = x.description or ""
        if x.currency != b.currency:   # say what was converted, at which rate
            description += f" ({fmt.money(x.amount, x.currency)} × {fmt.number(x.rate)})"
        rows.append({"source": x.source.name if x.source else "", "source_item": x.source,
                     "kind": _(LABELS["income_kind_names"][x.kind]), "status": x.status,
                     "description": description, "amount": x.reporting_amount})
    return Table("income-lines", _("Income lines"), (
        Column("source", _("Source"), link="source_item"), Column("kind", _("Kind")),
        Column("status", _("Status"), badge="status"), Column("description", _("Description")),
        Column("amount", _("Amount"), "money")), tuple(rows), row_header=True)


def expenditure_lines(b: m.BudgetPeriod, gettext) -> Table:
    _ = gettext
    return Table("expenditure-lines", _("Expenditure lines"), (
        Column("category", _("Category")), Column("goal", _("Goal"), link="goal_item"),
        Column("description", _("Description")), Column("planned", _("Planned"), "money"),
        Column("actual", _("Actual"), "money")),
        tuple({"category": _(LABELS["category_names"][x.category]), "goal": x.goal.title if x.goal else "",
               "goal_item": x.goal, "description": x.description or "", "planned": x.reporting_planned,
               "actual": x.reporting_actual} for x in b.expenditure), row_header=True)

