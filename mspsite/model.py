"""Stage 3: the typed, cross-linked partnership, filtered for one readership.

Nothing above the build's clearance gets past build_model: hidden items are
absent, hidden nested entries are dropped (and counted), and references to
hidden items are removed, so no later stage can leak them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import ClassVar
from decimal import Decimal

# Back-links (a stakeholder's decisions, a goal's budget lines, ...) are filled
# in once all items exist; they are excluded from repr and comparison so the
# cyclic graph prints and compares without recursion.
def backlink():
    return field(default=(), repr=False, compare=False)


@dataclass(frozen=True, eq=False)
class Item:
    content_kind: ClassVar[str]    # its entry in kinds.KINDS
    id: str
    path: str                      # source file, relative to the partnership folder
    visibility: str
    factors: tuple[str, ...]
    updated: datetime.date | None
    withheld: int                  # nested entries above the clearance, left out
    # the item's data in the content format, filtered like everything else: for open data
    record: dict = field(default_factory=dict, repr=False, compare=False, kw_only=True)


@dataclass(frozen=True)
class Person:
    name: str | None
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    fte: float | None = None


@dataclass(frozen=True)
class Contribution:
    kind: str
    description: str | None
    amount: Decimal | None
    currency: str | None


@dataclass(frozen=True, eq=False)
class Stakeholder(Item):
    content_kind: ClassVar[str] = "stakeholder"
    name: str
    short_name: str | None
    sector: str
    country: str | None
    website: str | None
    logo: str | None
    description: str | None
    joined: datetime.date | None
    left: datetime.date | None
    interests: tuple[str, ...]
    contributions: tuple[Contribution, ...]
    agreement_signed: datetime.date | None
    iati_ref: str | None
    iati_type: int | None
    contact: Person | None
    memberships: tuple[Member, ...] = backlink()
    responsibilities: tuple[Responsibility, ...] = backlink()
    decisions: tuple[Decision, ...] = backlink()
    meetings: tuple[Meeting, ...] = backlink()
    income: tuple[IncomeLine, ...] = backlink()
    goal_interests: tuple[Interest, ...] = backlink()
    stories: tuple[Story, ...] = backlink()
    lessons: tuple[Lesson, ...] = backlink()
    events: tuple[Event, ...] = backlink()

    @property
    def bodies(self) -> tuple[Body, ...]:
        return tuple(dict.fromkeys(m.body for m in self.memberships))


@dataclass(frozen=True, eq=False)
class Member:
    stakeholder: Stakeholder
    role: str | None
    since: datetime.date | None
    until: datetime.date | None
    body: Body = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, eq=False)
class Responsibility:
    stakeholder: Stakeholder
    task: str
    kind: str
    body: Body = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, eq=False)
class Body(Item):
    content_kind: ClassVar[str] = "body"
    name: str
    kind: str
    mandate: str | None
    decision_rule: str | None
    meets: str | None
    members: tuple[Member, ...]
    responsibilities: tuple[Responsibility, ...]
    decisions: tuple[Decision, ...] = backlink()
    meetings: tuple[Meeting, ...] = backlink()


@dataclass(frozen=True)
class Point:
    value: float | str | None
    date: datetime.date | None
    note: str | None = None


@dataclass(frozen=True)
class Measurement:
    date: datetime.date
    value: float | str
    note: str | None
    source: str | None
    visibility: str


@dataclass(frozen=True, eq=False)
class Indicator:
    id: str
    title: str
    description: str | None
    unit: str | None
    measure: str
    direction: str
    baseline: Point | None
    target: Point | None
    responsible: Stakeholder | None
    source: str | None
    measurements: tuple[Measurement, ...]
    goal: Goal = field(default=None, repr=False, compare=False)

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None


@dataclass(frozen=True, eq=False)
class Outcome:
    id: str
    title: str
    description: str | None
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True, eq=False)
class Interest:
    stakeholder: Stakeholder
    interest: str
    goal: Goal = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, eq=False)
class Goal(Item):
    content_kind: ClassVar[str] = "goal"
    title: str
    description: str | None
    sdgs: tuple[int, ...]
    interests: tuple[Interest, ...]
    outcomes: tuple[Outcome, ...]
    expenditure: tuple[ExpenditureLine, ...] = backlink()
    income: tuple[IncomeLine, ...] = backlink()
    decisions: tuple[Decision, ...] = backlink()
    stories: tuple[Story, ...] = backlink()

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for o in self.outcomes for i in o.indicators)


@dataclass(frozen=True)
class Votes:
    for_: int
    against: int
    abstain: int


@dataclass(frozen=True, eq=False)
class Decision(Item):
    content_kind: ClassVar[str] = "decision"
    title: str
    date: datetime.date
    body: Body | None
    status: str
    method: str | None
    votes: Votes | None
    participants: tuple[Stakeholder, ...]
    supersedes: Decision | None
    goals: tuple[Goal, ...]
    meeting: Meeting | None
    summary: str | None
    text: str
    superseded_by: tuple[Decision, ...] = backlink()


@dataclass(frozen=True, eq=False)
class Meeting(Item):
    content_kind: ClassVar[str] = "meeting"
    title: str
    date: datetime.date
    body: Body | None
    attendees: tuple[Stakeholder, ...]
    decisions: tuple[Decision, ...]
    location: str | None
    text: str


@dataclass(frozen=True, eq=False)
class IncomeLine:
    source: Stakeholder | None
    kind: str
    status: str
    amount: Decimal               # in the line's own currency
    currency: str
    rate: Decimal                 # reporting currency per unit
    description: str | None
    goal: Goal | None
    visibility: str

    @property
    def reporting_amount(self) -> Decimal:
        return self.amount * self.rate


@dataclass(frozen=True, eq=False)
class ExpenditureLine:
    category: str
    goal: Goal | None
    planned: Decimal | None
    actual: Decimal | None
    currency: str
    rate: Decimal
    description: str | None
    visibility: str

    @property
    def reporting_planned(self) -> Decimal | None:
        return None if self.planned is None else self.planned * self.rate

    @property
    def reporting_actual(self) -> Decimal | None:
        return None if self.actual is None else self.actual * self.rate


@dataclass(frozen=True, eq=False)
class BudgetPeriod(Item):
    content_kind: ClassVar[str] = "budget"
    title: str | None
    start: datetime.date
    end: datetime.date
    currency: str
    income: tuple[IncomeLine, ...]
    expenditure: tuple[ExpenditureLine, ...]


@dataclass(frozen=True)
class Risk:
    risk: str
    likelihood: str | None
    impact: str | None
    mitigation: str | None


@dataclass(frozen=True, eq=False)
class ReportItem(Item):
    content_kind: ClassVar[str] = "report"
    title: str
    start: datetime.date
    end: datetime.date
    funder: Stakeholder | None
    date: datetime.date | None
    version: str | None
    summary: str | None
    sections: tuple[str, ...]
    risks: tuple[Risk, ...]
    outlook: str | None


@dataclass(frozen=True, eq=False)
class Lesson(Item):
    content_kind: ClassVar[str] = "lesson"
    title: str
    date: datetime.date
    kind: str
    stakeholders: tuple[Stakeholder, ...]
    capacity_needs: tuple[str, ...]
    summary: str | None
    text: str


@dataclass(frozen=True, eq=False)
class Story(Item):
    content_kind: ClassVar[str] = "story"
    title: str
    date: datetime.date
    summary: str | None
    image: str | None
    image_alt: str | None
    tags: tuple[str, ...]
    goals: tuple[Goal, ...]
    stakeholders: tuple[Stakeholder, ...]
    text: str


@dataclass(frozen=True, eq=False)
class Event(Item):
    content_kind: ClassVar[str] = "event"
    title: str
    date: datetime.date
    end: datetime.date | None
    location: str | None
    kind: str | None
    initiatives: tuple[Initiative, ...]
    stakeholders: tuple[Stakeholder, ...]
    url: str | None
    text: str


@dataclass(frozen=True, eq=False)
class Initiative(Item):
    content_kind: ClassVar[str] = "initiative"
    name: str
    url: str | None
    kind: str | None
    relation: str | None
    description: str | None
    events: tuple[Event, ...] = backlink()


@dataclass(frozen=True)
class Response:
    scores: dict
    sector: str | None


@dataclass(frozen=True, eq=False)
class Assessment(Item):
    content_kind: ClassVar[str] = "assessment"
    title: str
    date: datetime.date
    method: str | None
    summary: str | None
    responses: tuple[Response, ...]

    def average(self, factor: str) -> float | None:
        scores = [r.scores[factor] for r in self.responses if factor in r.scores]
        return sum(scores) / len(scores) if scores else None


@dataclass(frozen=True)
class Usage:
    sector: str
    says: str


@dataclass(frozen=True)
class Term:
    term: str
    definition: str
    aliases: tuple[str, ...]
    usage: tuple[Usage, ...]


@dataclass(frozen=True, eq=False)
class Page(Item):
    content_kind: ClassVar[str] = "page"
    title: str
    nav: float | None
    summary: str | None
    text: str


@dataclass(frozen=True)
class Champion:
    name: str
    title: str | None
    organisation: Stakeholder | None
    statement: str | None


@dataclass(frozen=True)
class Channel:
    name: str
    kind: str | None
    audience: str | None
    url: str | None
    description: str | None


@dataclass(frozen=True)
class Agreement:
    kind: str | None
    signed: datetime.date | None
    document: str | None
    summary: str | None


@dataclass(frozen=True)
class Secretariat:
    host: Stakeholder | None
    neutrality: str | None
    staff: tuple[Person, ...]
    contact: Person | None


@dataclass(frozen=True, eq=False)
class Partnership:
    """The whole partnership as one readership may see it, in one language."""

    clearance: str
    language: str
    config: object                 # SiteConfig: mspsite.yml as the build's settings resolved it
    name: str
    acronym: str | None
    summary: str
    vision: str | None
    mission: str | None
    founded: datetime.date | None
    phase: str | None
    countries: tuple[str, ...]
    sdgs: tuple[int, ...]
    core_group: tuple[Stakeholder, ...]
    secretariat: Secretariat | None
    champions: tuple[Champion, ...]
    channels: tuple[Channel, ...]
    agreement: Agreement | None
    factors: tuple[str, ...]
    withheld: int
    stakeholders: tuple[Stakeholder, ...] = ()
    bodies: tuple[Body, ...] = ()
    goals: tuple[Goal, ...] = ()
    decisions: tuple[Decision, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    budgets: tuple[BudgetPeriod, ...] = ()
    reports: tuple[ReportItem, ...] = ()
    lessons: tuple[Lesson, ...] = ()
    stories: tuple[Story, ...] = ()
    events: tuple[Event, ...] = ()
    initiatives: tuple[Initiative, ...] = ()
    assessments: tuple[Assessment, ...] = ()
    glossary: tuple[Term, ...] = ()
    pages: tuple[Page, ...] = ()
    hidden_items: int = 0          # items above the clearance, left out
    record: dict = field(default_factory=dict, repr=False, compare=False)
    # texts shown in the default language because they have no translation into this one
    untranslated: frozenset[str] = field(default=frozenset(), repr=False, compare=False)


def label(item) -> str:
    """How an item is named in lists: its title or name; a budget period by its dates."""
    text = getattr(item, "title", None) or getattr(item, "name", None)
    if text:
        return text
    start, end = item.start, item.end
    return str(start.year) if (start.year, start.month, start.day, end.month, end.day) == (end.year, 1, 1, 12, 31) \
        else f"{start.isoformat()} – {end.isoformat()}"
