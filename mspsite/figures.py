"""Figures derived from the model: indicator progress and budget totals. Pure
functions, shared by portal pages, reports and exports so that every page
shows the same number for the same thing."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from . import model as m

ZERO = Decimal(0)


@dataclass(frozen=True)
class Progress:
    latest: m.Measurement | None
    fraction: float | None     # share of the way from baseline to target; may be < 0 or > 1
    expected: float | None     # share of the time from baseline to target that had passed by then
    status: str                # achieved | on-track | off-track | no-data | qualitative | no-target


def progress(indicator: m.Indicator, as_of: datetime.date | None = None) -> Progress:
    points = [x for x in indicator.measurements if as_of is None or x.date <= as_of]
    latest = points[-1] if points else None
    if indicator.measure == "qualitative":
        return Progress(latest, None, None, "qualitative")
    if latest is None:
        return Progress(None, None, None, "no-data")
    base, target = indicator.baseline, indicator.target
    if not (base and target and isinstance(base.value, (int, float)) and isinstance(target.value, (int, float))) \
            or target.value == base.value:
        return Progress(latest, None, None, "no-target")
    fraction = (float(latest.value) - base.value) / (target.value - base.value)
    expected = None
    if base.date and target.date and target.date > base.date:
        expected = min(1.0, max(0.0, (latest.date - base.date).days / (target.date - base.date).days))
    if fraction >= 1:
        status = "achieved"
    elif expected is None or fraction >= expected - 0.1:
        status = "on-track"
    else:
        status = "off-track"
    return Progress(latest, fraction, expected, status)


@dataclass(frozen=True)
class Totals:
    """A budget period (or several) in the reporting currency."""

    income: Decimal
    income_by_source: tuple[tuple[m.Stakeholder | None, Decimal], ...]   # largest first
    income_by_kind: dict[str, Decimal]
    income_by_status: dict[str, Decimal]
    income_by_kind_and_status: dict[tuple[str, str], Decimal]
    planned: Decimal
    actual: Decimal
    by_category: tuple[tuple[str, Decimal, Decimal], ...]                 # category, planned, actual
    withheld: int                                                          # lines not shown

    @property
    def variance(self) -> Decimal:
        return self.actual - self.planned

    @property
    def variance_share(self) -> float | None:
        return float(self.variance / self.planned) if self.planned else None

    @property
    def largest_source_share(self) -> float | None:
        if not self.income or not self.income_by_source:
            return None
        return float(self.income_by_source[0][1] / self.income)


CATEGORIES = ("secretariat", "governance", "communication", "monitoring", "capacity-development", "activities",
              "other")


def totals(periods: tuple[m.BudgetPeriod, ...] | list[m.BudgetPeriod]) -> Totals:
    by_source: dict = defaultdict(lambda: ZERO)
    by_kind: dict = defaultdict(lambda: ZERO)
    by_status: dict = defaultdict(lambda: ZERO)
    by_kind_and_status: dict = defaultdict(lambda: ZERO)
    planned: dict = defaultdict(lambda: ZERO)
    actual: dict = defaultdict(lambda: ZERO)
    for period in periods:
        for line in period.income:
            amount = line.reporting_amount
            by_source[line.source] += amount
            by_kind[line.kind] += amount
            by_status[line.status] += amount
            by_kind_and_status[(line.kind, line.status)] += amount
        for line in period.expenditure:
            planned[line.category] += line.reporting_planned or ZERO
            actual[line.category] += line.reporting_actual or ZERO
    sources = sorted(by_source.items(), key=lambda kv: (-kv[1], kv[0].name if kv[0] else ""))
    categories = tuple((c, planned[c], actual[c]) for c in CATEGORIES if c in planned or c in actual)
    return Totals(sum(by_source.values(), ZERO), tuple(sources), dict(by_kind), dict(by_status),
                  dict(by_kind_and_status), sum(planned.values(), ZERO), sum(actual.values(), ZERO), categories,
                  sum(p.withheld for p in periods))
