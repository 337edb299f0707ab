"""build_model: validated raw documents -> the Partnership one readership sees."""

from __future__ import annotations

import copy
import datetime
import posixpath
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from . import model as m
from .kinds import ITEM_KINDS, REFERENCES, get_path, markdown_texts, values_at
from .load import RawDocument, RawProject
from .i18n import collation_key
from .localise import localise, merge_translation
from .schemas import text_paths
from .settings import Settings, SiteConfig
from .unshown import without_unshown
from .visibility import filter_nested, visible, without_hidden_links


@dataclass
class _Prepared:
    doc: RawDocument
    data: dict          # filtered and localised
    withheld: int
    text: str           # Markdown body in the build's language
    record: dict        # filtered, not localised: the content format as published in open data


def build_model(raw: RawProject, settings: Settings, language: str | None = None) -> m.Partnership:
    """The partnership for the settings' readership (clearance) in one language (default: the
    settings' language). Call on a project that validated."""
    config, clearance = settings.site, settings.clearance
    lang = language or settings.portal_language
    untranslated: set[str] = set()
    prepared, hidden = _prepare(raw, config, clearance, lang, untranslated if lang != config.default_language else None)
    return replace(_Assembler(prepared, config, clearance, lang, hidden).partnership(),
                   untranslated=frozenset(t for t in untranslated if t.strip()))


def _prepare(raw: RawProject, config: SiteConfig, clearance: str, lang: str, untranslated: set[str] | None):
    translations = {(d.kind.name, d.id, d.lang): d for d in raw.documents if d.lang}
    prepared: dict[str, dict[str, _Prepared]] = {}
    items = [d for d in raw.documents if d.lang is None and d.kind.name != "mspsite"]
    shown = [d for d in items if not d.kind.folder or visible(d.data.get("visibility"), clearance,
                                                                config.default_visibility)]
    visible_ids: dict[str, set[str]] = defaultdict(set)
    for doc in shown:
        visible_ids[doc.kind.name].add(doc.id)
    hidden_files = {d.path for d in items} - {d.path for d in shown}   # by path: `d not in shown` was quadratic
    for doc in shown:
        level = doc.data.get("visibility", config.default_visibility)
        data, withheld = filter_nested(_without_hidden_references(doc, visible_ids), clearance)
        base = posixpath.dirname(doc.path)
        data = _published_fields(doc.kind.name, data, base, hidden_files)
        record = dict(data)
        text = _published_text(doc.body or "", base, hidden_files)
        translation = translations.get((doc.kind.name, doc.id, lang))
        if translation and lang != config.default_language:
            translated = _published_fields(doc.kind.name, dict(translation.data), base, hidden_files)
            data = merge_translation(doc.kind.name, data, translated, lang, config.default_language)
            if translation.body and translation.body.strip():
                text = _published_text(translation.body, base, hidden_files)
            elif untranslated is not None:
                untranslated.add(text)
        elif untranslated is not None:
            untranslated.add(text)
        data = localise(doc.kind.name, data, lang, config.default_language, untranslated)
        data.setdefault("visibility", level)
        prepared.setdefault(doc.kind.name, {})[doc.id] = _Prepared(doc, data, withheld, text, record)
    return prepared, len(items) - len(shown)


def _published_text(markdown: str, base: str, hidden: set[str]) -> str:
    """A Markdown text as every output publishes it: without what no page shows (comments,
    unused link definitions), then without links to items this readership may not see."""
    return without_hidden_links(without_unshown(markdown), base, hidden)


def _published_fields(kind: str, data: dict, base: str, hidden: set[str]) -> dict:
    """The data with its Markdown fields cleaned like bodies, and links to hidden items
    taken out of every text field."""
    data = copy.deepcopy(data)
    for at, text in list(markdown_texts(kind, data)):
        get_path(data, at[:-1])[at[-1]] = without_unshown(text)
    return _map_texts(kind, data, lambda t: without_hidden_links(t, base, hidden))


def _map_texts(kind: str, data: dict, change) -> dict:
    """The data with change() applied to every translatable text (plain or per language)."""
    data = copy.deepcopy(data)
    for at in text_paths(kind, data):
        parent = get_path(data, at[:-1])
        value = parent[at[-1]]
        parent[at[-1]] = {k: change(v) for k, v in value.items()} if isinstance(value, dict) else change(value)
    return data


def _without_hidden_references(doc: RawDocument, visible_ids: dict[str, set[str]]) -> dict:
    """The document's data without references to items the readership may not see: a
    hidden decision's id must not appear even as a reference. A list entry that exists
    only to name a hidden item (a member, an interest) goes with it."""
    data = copy.deepcopy(doc.data)
    doomed = []
    for pattern, target in REFERENCES.get(doc.kind.name, ()):
        for at, value in values_at(data, pattern):
            if isinstance(value, str) and value not in visible_ids[target]:
                doomed.append(at[:-1] if pattern in _ENTRY_REFERENCES else at)
    # delete deepest and highest-indexed first, so the remaining paths stay valid
    for at in sorted(set(doomed), key=lambda a: [(isinstance(x, str), x) for x in a], reverse=True):
        del get_path(data, at[:-1])[at[-1]]
    return data


# References that are the whole point of their entry: without the item, the entry goes.
_ENTRY_REFERENCES = {"members.*.stakeholder", "responsibilities.*.stakeholder", "interests.*.stakeholder"}


def _date(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else None


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _set(obj, name: str, value) -> None:
    object.__setattr__(obj, name, value)  # filling a frozen item's back-link, once, while assembling


class _Assembler:
    def __init__(self, prepared, config: SiteConfig, clearance: str, lang: str, hidden: int):
        self.p, self.config, self.clearance, self.lang, self.hidden = prepared, config, clearance, lang, hidden
        self.items: dict[str, dict[str, object]] = {}

    # -- helpers ---------------------------------------------------------------------------
    def ref(self, kind: str, ident):
        """The item an id names, or None when it is absent or hidden."""
        return self.items.get(kind, {}).get(ident) if isinstance(ident, str) else None

    def refs(self, kind: str, idents) -> tuple:
        return tuple(x for x in (self.ref(kind, i) for i in idents or ()) if x is not None)

    def base(self, p: _Prepared) -> dict:
        d = p.data
        return dict(id=p.doc.id, path=p.doc.path, visibility=d["visibility"], factors=tuple(d.get("factors", ())),
                    updated=_date(d.get("updated")), withheld=p.withheld, record=p.record)

    def each(self, kind: str, make) -> tuple:
        made = {}
        for ident, p in sorted(self.p.get(kind, {}).items()):
            made[ident] = make(p, p.data)
        self.items[kind] = made
        return tuple(made.values())

    @staticmethod
    def person(d) -> m.Person | None:
        if not isinstance(d, dict) or not d:
            return None
        return m.Person(d.get("name"), d.get("role"), d.get("email"), d.get("phone"), d.get("fte"))

    # -- kinds -----------------------------------------------------------------------------
    def stakeholder(self, p, d) -> m.Stakeholder:
        return m.Stakeholder(
            **self.base(p), name=d["name"], short_name=d.get("short_name"), sector=d["sector"],
            country=d.get("country"), website=d.get("website"), logo=d.get("logo"), description=d.get("description"),
            joined=_date(d.get("joined")), left=_date(d.get("left")), interests=tuple(d.get("interests", ())),
            contributions=tuple(m.Contribution(c["kind"], c.get("description"), _money(c.get("amount")),
                                               c.get("currency")) for c in d.get("contributions", ())),
            agreement_signed=_date(d.get("agreement_signed")), iati_ref=d.get("iati_ref"),
            iati_type=d.get("iati_type"), contact=self.person(d.get("contact")))

    def body(self, p, d) -> m.Body:
        members = tuple(m.Member(s, x.get("role"), _date(x.get("since")), _date(x.get("until")))
                        for x in d.get("members", ()) if (s := self.ref("stakeholder", x["stakeholder"])))
        duties = tuple(m.Responsibility(s, x["task"], x["kind"])
                       for x in d.get("responsibilities", ()) if (s := self.ref("stakeholder", x["stakeholder"])))
        body = m.Body(**self.base(p), name=d["name"], kind=d["kind"], mandate=d.get("mandate"),
                      decision_rule=d.get("decision_rule"), meets=d.get("meets"), members=members,
                      responsibilities=duties)
        for x in (*members, *duties):
            _set(x, "body", body)
        return body

    def goal(self, p, d) -> m.Goal:
        def point(x):
            return m.Point(x.get("value"), _date(x.get("date")), x.get("note")) if isinstance(x, dict) else None

        outcomes = tuple(
            m.Outcome(o["id"], o["title"], o.get("description"), tuple(
                m.Indicator(i["id"], i["title"], i.get("description"), i.get("unit"), i.get("measure", "number"),
                            i.get("direction", "increase"), point(i.get("baseline")), point(i.get("target")),
                            self.ref("stakeholder", i.get("responsible")), i.get("source"),
                            tuple(sorted((m.Measurement(_date(x["date"]), x["value"], x.get("note"), x.get("source"),
                                                        x.get("visibility", d["visibility"]))
                                          for x in i.get("measurements", ())), key=lambda x: x.date)))
                for i in o.get("indicators", ())))
            for o in d.get("outcomes", ()))
        interests = tuple(m.Interest(s, x["interest"]) for x in d.get("interests", ())
                          if (s := self.ref("stakeholder", x["stakeholder"])))
        goal = m.Goal(**self.base(p), title=d["title"], description=d.get("description"),
                      sdgs=tuple(d.get("sdgs", ())), interests=interests, outcomes=outcomes)
        for x in (*interests, *goal.indicators):
            _set(x, "goal", goal)
        return goal

    def decision(self, p, d) -> m.Decision:
        votes = d.get("votes")
        return m.Decision(
            **self.base(p), title=d["title"], date=_date(d["date"]), body=self.ref("body", d.get("body")),
            status=d["status"], method=d.get("method"),
            votes=m.Votes(votes.get("for", 0), votes.get("against", 0), votes.get("abstain", 0)) if votes else None,
            participants=self.refs("stakeholder", d.get("participants")), supersedes=None,
            goals=self.refs("goal", d.get("goals")), meeting=None, summary=d.get("summary"), text=p.text)

    def meeting(self, p, d) -> m.Meeting:
        return m.Meeting(**self.base(p), title=d["title"], date=_date(d["date"]), body=self.ref("body", d.get("body")),
                         attendees=self.refs("stakeholder", d.get("attendees")),
                         decisions=self.refs("decision", d.get("decisions")), location=d.get("location"), text=p.text)

    def budget(self, p, d) -> m.BudgetPeriod:
        reporting = self.config.currency or d.get("currency") or ""
        own = d.get("currency") or reporting

        def rate(line) -> tuple[str, Decimal]:
            cur = line.get("currency") or own
            if cur == reporting:
                return cur, Decimal(1)
            if "rate" in line:
                return cur, _money(line["rate"])
            return cur, _money(d["rate"]) if cur == own and "rate" in d else Decimal(1)

        income = tuple(m.IncomeLine(self.ref("stakeholder", x.get("source")), x["kind"], x["status"], _money(x["amount"]),
                                    *rate(x), x.get("description"), self.ref("goal", x.get("goal")),
                                    x.get("visibility", d["visibility"]))
                       for x in d.get("income", ()))
        spend = tuple(m.ExpenditureLine(x["category"], self.ref("goal", x.get("goal")), _money(x.get("planned")),
                                        _money(x.get("actual")), *rate(x), x.get("description"),
                                        x.get("visibility", d["visibility"]))
                      for x in d.get("expenditure", ()))
        return m.BudgetPeriod(**self.base(p), title=d.get("title"), start=_date(d["period"]["start"]),
                              end=_date(d["period"]["end"]), currency=reporting, income=income, expenditure=spend)

    def report(self, p, d) -> m.ReportItem:
        return m.ReportItem(
            **self.base(p), title=d["title"], start=_date(d["period"]["start"]), end=_date(d["period"]["end"]),
            funder=self.ref("stakeholder", d.get("funder")), date=_date(d.get("date")), version=d.get("version"),
            summary=d.get("summary"), sections=tuple(d.get("sections", ())),
            risks=tuple(m.Risk(r["risk"], r.get("likelihood"), r.get("impact"), r.get("mitigation"))
                        for r in d.get("risks", ())), outlook=d.get("outlook"))

    def lesson(self, p, d) -> m.Lesson:
        return m.Lesson(**self.base(p), title=d["title"], date=_date(d["date"]), kind=d["kind"],
                        stakeholders=self.refs("stakeholder", d.get("stakeholders")),
                        capacity_needs=tuple(d.get("capacity_needs", ())), summary=d.get("summary"), text=p.text)

    def story(self, p, d) -> m.Story:
        return m.Story(**self.base(p), title=d["title"], date=_date(d["date"]), summary=d.get("summary"),
                       image=d.get("image"), image_alt=d.get("image_alt"), tags=tuple(d.get("tags", ())),
                       goals=self.refs("goal", d.get("goals")),
                       stakeholders=self.refs("stakeholder", d.get("stakeholders")), text=p.text)

    def event(self, p, d) -> m.Event:
        return m.Event(**self.base(p), title=d["title"], date=_date(d["date"]), end=_date(d.get("end")),
                       location=d.get("location"), kind=d.get("kind"),
                       initiatives=self.refs("initiative", d.get("initiatives")),
                       stakeholders=self.refs("stakeholder", d.get("stakeholders")), url=d.get("url"), text=p.text)

    def initiative(self, p, d) -> m.Initiative:
        return m.Initiative(**self.base(p), name=d["name"], url=d.get("url"), kind=d.get("kind"),
                            relation=d.get("relation"), description=d.get("description"))

    def assessment(self, p, d) -> m.Assessment:
        return m.Assessment(**self.base(p), title=d["title"], date=_date(d["date"]), method=d.get("method"),
                            summary=d.get("summary"),
                            responses=tuple(m.Response(dict(r["scores"]), r.get("sector"))
                                            for r in d.get("responses", ())))

    def page(self, p, d) -> m.Page:
        return m.Page(**self.base(p), title=d["title"], nav=d.get("nav"), summary=d.get("summary"), text=p.text)

    # -- the whole -------------------------------------------------------------------------
    def partnership(self) -> m.Partnership:
        stakeholders = self.each("stakeholder", self.stakeholder)
        initiatives = self.each("initiative", self.initiative)
        bodies = self.each("body", self.body)
        goals = self.each("goal", self.goal)
        decisions = self.each("decision", self.decision)
        meetings = self.each("meeting", self.meeting)
        for dec in decisions:  # decisions and meetings name each other: link once both exist
            data = self.p["decision"][dec.id].data
            _set(dec, "supersedes", self.ref("decision", data.get("supersedes")))
            _set(dec, "meeting", self.ref("meeting", data.get("meeting")))
        # every other kind by the method named after it, in the registry's order
        kinds = {k.collection: self.each(k.name, getattr(self, k.name)) for k in ITEM_KINDS if k.name not in
                 ("stakeholder", "initiative", "body", "goal", "decision", "meeting")}
        kinds["pages"] = tuple(sorted(kinds["pages"], key=lambda x: (x.nav is None, x.nav or 0, x.id)))
        glossary = self._glossary()
        self._backlinks(stakeholders, bodies, goals, decisions, meetings, initiatives, **kinds)
        d = self.p.get("partnership", {}).get("partnership")
        data = d.data if d else {"name": str(self.config.title), "summary": ""}
        return m.Partnership(
            clearance=self.clearance, language=self.lang, config=self.config, name=data.get("name", ""),
            acronym=data.get("acronym"), summary=data.get("summary", ""), vision=data.get("vision"),
            mission=data.get("mission"), founded=_date(data.get("founded")), phase=data.get("phase"),
            countries=tuple(data.get("countries", ())), sdgs=tuple(data.get("sdgs", ())),
            core_group=self.refs("stakeholder", data.get("core_group")), secretariat=self._secretariat(data),
            champions=tuple(m.Champion(c["name"], c.get("title"), self.ref("stakeholder", c.get("organisation")),
                                       c.get("statement")) for c in data.get("champions", ())),
            channels=tuple(m.Channel(c["name"], c.get("kind"), c.get("audience"), c.get("url"), c.get("description"))
                           for c in data.get("channels", ())),
            agreement=self._agreement(data.get("agreement")), factors=tuple(data.get("factors", ())),
            withheld=d.withheld if d else 0, stakeholders=stakeholders, bodies=bodies, goals=goals,
            decisions=tuple(sorted(decisions, key=lambda x: (x.date, x.id), reverse=True)),
            meetings=tuple(sorted(meetings, key=lambda x: (x.date, x.id), reverse=True)),
            initiatives=initiatives, glossary=glossary, hidden_items=self.hidden, record=d.record if d else {},
            **kinds)

    def _secretariat(self, data) -> m.Secretariat | None:
        s = data.get("secretariat")
        if not isinstance(s, dict):
            return None
        return m.Secretariat(self.ref("stakeholder", s.get("host")), s.get("neutrality"),
                             tuple(self.person(x) for x in s.get("staff", ())), self.person(s.get("contact")))

    @staticmethod
    def _agreement(a) -> m.Agreement | None:
        if not isinstance(a, dict) or not a:
            return None
        return m.Agreement(a.get("kind"), _date(a.get("signed")), a.get("document"), a.get("summary"))

    def _glossary(self) -> tuple[m.Term, ...]:
        g = self.p.get("glossary", {}).get("glossary")
        if not g:
            return ()
        return tuple(sorted((m.Term(t["term"], t["definition"], tuple(t.get("aliases", ())),
                                    tuple(m.Usage(u["sector"], u["says"]) for u in t.get("usage", ())))
                             for t in g.data.get("terms", ())), key=lambda t: collation_key(t.term)))

    def _backlinks(self, stakeholders, bodies, goals, decisions, meetings, initiatives, *, budgets, lessons, stories,
                   events, **_):
        def collect(pairs):
            out: dict[int, list] = {}
            for owner, x in pairs:
                if owner is not None and x not in out.setdefault(id(owner), []):
                    out[id(owner)].append(x)
            return out

        def assign(owners, name, pairs):
            found = collect(pairs)
            for o in owners:
                _set(o, name, tuple(found.get(id(o), ())))

        assign(stakeholders, "memberships", ((x.stakeholder, x) for b in bodies for x in b.members))
        assign(stakeholders, "responsibilities", ((x.stakeholder, x) for b in bodies for x in b.responsibilities))
        assign(stakeholders, "decisions", ((s, dcs) for dcs in decisions for s in dcs.participants))
        assign(stakeholders, "meetings", ((s, mt) for mt in meetings for s in mt.attendees))
        assign(stakeholders, "income", ((x.source, x) for b in budgets for x in b.income))
        assign(stakeholders, "goal_interests", ((x.stakeholder, x) for g in goals for x in g.interests))
        assign(stakeholders, "stories", ((s, st) for st in stories for s in st.stakeholders))
        assign(stakeholders, "lessons", ((s, ls) for ls in lessons for s in ls.stakeholders))
        assign(stakeholders, "events", ((s, ev) for ev in events for s in ev.stakeholders))
        assign(bodies, "decisions", ((dcs.body, dcs) for dcs in decisions))
        assign(bodies, "meetings", ((mt.body, mt) for mt in meetings))
        assign(goals, "expenditure", ((x.goal, x) for b in budgets for x in b.expenditure))
        assign(goals, "income", ((x.goal, x) for b in budgets for x in b.income))
        assign(goals, "decisions", ((g, dcs) for dcs in decisions for g in dcs.goals))
        assign(goals, "stories", ((g, st) for st in stories for g in st.goals))
        assign(decisions, "superseded_by", ((dcs.supersedes, dcs) for dcs in decisions))
        assign(initiatives, "events", ((i, ev) for ev in events for i in ev.initiatives))
