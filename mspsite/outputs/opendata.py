"""Open data at /data/: every item the readership may see, as JSON in the
content format (it validates against the published schemas) and the tabular
kinds as CSV. Written from the filtered model, like every other output."""

from __future__ import annotations

import json

from .. import figures
from .. import model as m
from ..i18n import N_
from ..kinds import ITEM_KINDS
from ..schemas import schema_files
from ..settings import Settings
from .spreadsheets import csv_bytes

DATA_TABLES = (("stakeholders", N_("Partners")), ("decisions", N_("Decisions")),
               ("indicators", N_("Indicators")), ("measurements", N_("Measurements")),
               ("budget-lines", N_("Budget lines")))

# partnership.json key (the kind's folder) -> model attribute, in the content format's order
COLLECTIONS = tuple((k.folder, k.collection) for k in ITEM_KINDS)


def open_data(settings: Settings, p: m.Partnership) -> dict[str, bytes]:
    files = {"data/partnership.json": _json(everything(p))}
    for name, attr in COLLECTIONS:
        files[f"data/{name}.json"] = _json({x.id: _record(x) for x in sorted(getattr(p, attr), key=lambda x: x.id)})
    for name, text in schema_files().items():
        files[f"data/schemas/{name}"] = text.encode("utf-8")
    files["data/schemas/index.json"] = _json(sorted(schema_files()))
    for name, rows in tables(p).items():
        files[f"data/{name}.csv"] = csv_bytes(rows)   # text never starts a formula
    return files


def everything(p: m.Partnership) -> dict:
    data = {"format": "mspsite content format v1", "clearance": p.clearance, "partnership": p.record}
    if p.glossary:
        data["glossary"] = {"terms": [_term(t) for t in p.glossary]}
    for name, attr in COLLECTIONS:
        data[name] = {x.id: _record(x) for x in sorted(getattr(p, attr), key=lambda x: x.id)}
    return data


def _record(item: m.Item) -> dict:
    record = dict(item.record)
    if getattr(item, "text", None):
        record["text"] = item.text  # the Markdown body of .md items ('body' names a decision's body)
    return record


def _term(t: m.Term) -> dict:
    term = {"term": t.term, "definition": t.definition}
    if t.aliases:
        term["aliases"] = list(t.aliases)
    if t.usage:
        term["usage"] = [{"sector": u.sector, "says": u.says} for u in t.usage]
    return term


def tables(p: m.Partnership) -> dict[str, list[list]]:
    reporting = p.config.currency or ""
    stakeholders = [["id", "name", "short_name", "sector", "country", "joined", "left", "website", "iati_ref"]]
    stakeholders += [[s.id, s.name, s.short_name, s.sector, s.country, s.joined, s.left, s.website, s.iati_ref]
                     for s in p.stakeholders]
    decisions = [["id", "date", "title", "body", "status", "method", "votes_for", "votes_against", "votes_abstain",
                  "participants", "supersedes", "meeting", "goals"]]
    decisions += [[d.id, d.date, d.title, d.body and d.body.id, d.status, d.method, d.votes and d.votes.for_,
                   d.votes and d.votes.against, d.votes and d.votes.abstain, " ".join(x.id for x in d.participants),
                   d.supersedes and d.supersedes.id, d.meeting and d.meeting.id, " ".join(g.id for g in d.goals)]
                  for d in sorted(p.decisions, key=lambda d: (d.date, d.id))]
    indicators = [["goal", "outcome", "indicator", "title", "unit", "measure", "direction", "baseline_value",
                   "baseline_date", "target_value", "target_date", "latest_value", "latest_date",
                   "progress", "status", "responsible"]]
    measurements = [["goal", "indicator", "date", "value", "note"]]
    for g in p.goals:
        for o in g.outcomes:
            for i in o.indicators:
                pr = figures.progress(i)
                indicators.append([g.id, o.id, i.id, i.title, i.unit, i.measure, i.direction,
                                   i.baseline and i.baseline.value, i.baseline and i.baseline.date,
                                   i.target and i.target.value, i.target and i.target.date,
                                   pr.latest and pr.latest.value, pr.latest and pr.latest.date,
                                   None if pr.fraction is None else round(pr.fraction, 4), pr.status,
                                   i.responsible and i.responsible.id])
                measurements += [[g.id, i.id, x.date, x.value, x.note] for x in i.measurements]
    lines = [["period", "line", "source", "category", "goal", "kind", "status", "description", "currency", "amount",
              "planned", "actual", "rate", f"amount_{reporting}", f"planned_{reporting}", f"actual_{reporting}"]]
    for b in p.budgets:
        lines += [[b.id, "income", x.source and x.source.id, None, x.goal and x.goal.id, x.kind, x.status,
                   x.description, x.currency, x.amount, None, None, x.rate, x.reporting_amount, None, None]
                  for x in b.income]
        lines += [[b.id, "expenditure", None, x.category, x.goal and x.goal.id, None, None, x.description,
                   x.currency, None, x.planned, x.actual, x.rate, None, x.reporting_planned, x.reporting_actual]
                  for x in b.expenditure]
    return {"stakeholders": stakeholders, "decisions": decisions, "indicators": indicators,
            "measurements": measurements, "budget-lines": lines}


def _json(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n").encode("utf-8")
