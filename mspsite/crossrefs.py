"""Checks across files: references resolve, dates and chains make sense,
money has a currency, translations have an original in a portal language."""

from __future__ import annotations

import re

from .iati import export as iati
from .iati.codelists import codelist
from .settings import Settings
from .diagnostics import Diagnostic, Location, did_you_mean, error, warning
from .kinds import ID_PATTERN, LANGUAGE_CODE, REFERENCES, get_path, values_at
from .visibility import VISIBILITIES, visibility_rank, visible
from .schemas import parse_date, text_paths
from .load import RawDocument, RawProject


def check_references(raw: RawProject, settings: Settings) -> list[Diagnostic]:
    ids = {kind: {d.id for d in raw.of_kind(kind)} | {i for k, i in raw.unreadable if k == kind}
           for kind in REFERENCES.keys() | {"stakeholder", "initiative"}}
    found: list[Diagnostic] = []
    for doc in raw.documents:
        if doc.lang is not None:
            found.extend(_translation(doc, raw, settings))
            continue
        for pattern, target in REFERENCES.get(doc.kind.name, ()):
            for at, value in values_at(doc.data, pattern):
                # a malformed id is reported by the schema already; one mistake, one message
                if isinstance(value, str) and value not in ids[target] and ID_PATTERN.match(value):
                    own = {doc.id} if target == doc.kind.name else set()
                    found.append(error(doc.locations.value(at), f"unknown {target} '{value}'",
                                       did_you_mean(value, ids[target] - own), code="unknown-reference"))
        found.extend(_codes(doc))
        found.extend(_texts(doc, settings))
        found.extend(_contacts(doc, settings))
        found.extend(_date_order(doc))
        check = _BY_KIND.get(doc.kind.name)
        if check:
            found.extend(check(doc, settings))
    found.extend(_iati(raw, settings))
    found.extend(_supersedes_cycles(raw))
    found.extend(_superseded_status(raw))
    found.extend(_budget_overlaps(raw))
    return found


def _codes(doc: RawDocument) -> list[Diagnostic]:
    """Country and currency codes must be real ISO codes, not just well-formed."""
    found = []
    for pattern, listname, what in (("country", "Country", "country"), ("countries.*", "Country", "country"),
                                    ("currency", "Currency", "currency"),
                                    ("contributions.*.currency", "Currency", "currency"),
                                    ("income.*.currency", "Currency", "currency"),
                                    ("expenditure.*.currency", "Currency", "currency")):
        for at, value in values_at(doc.data, pattern):
            if isinstance(value, str) and len(value) in (2, 3) and value.isupper() and value not in codelist(listname):
                found.append(error(doc.locations.value(at), f"unknown {what} code '{value}'",
                                   did_you_mean(value, codelist(listname)), code="unknown-code"))
    return found


def _texts(doc: RawDocument, settings: Settings) -> list[Diagnostic]:
    """Text given per language needs the default language, and only portal languages."""
    found = []
    for at in text_paths(doc.kind.name, doc.data):
        node = get_path(doc.data, at)
        if not isinstance(node, dict):
            continue
        for lang in sorted(k for k in set(node) - set(settings.site.languages) if LANGUAGE_KEY.fullmatch(k)):
            found.append(warning(doc.locations.key((*at, lang)), f"text in '{lang}', which is not one of the "
                                 f"portal's languages ({', '.join(settings.site.languages)})",
                                 f"add {lang} to languages in mspsite.yml", code="translation"))
        if node and settings.site.default_language not in node:
            found.append(error(doc.locations.value(at), f"no text in the default language "
                               f"'{settings.site.default_language}'", f"add {settings.site.default_language}: ...",
                               code="translation"))
    return found


LANGUAGE_KEY = re.compile(LANGUAGE_CODE)


def _contacts(doc: RawDocument, settings: Settings) -> list[Diagnostic]:
    """A named person's e-mail or phone on a public page needs a deliberate choice."""
    found = []
    item = doc.data.get("visibility", settings.site.default_visibility)
    for pattern in ("contact", "secretariat.contact", "secretariat.staff.*"):
        for at, person in values_at(doc.data, pattern):
            if not isinstance(person, dict) or "name" not in person or not ({"email", "phone"} & set(person)):
                continue
            levels = [v for v in (item, person.get("visibility", "public")) if v in VISIBILITIES]
            if max(map(visibility_rank, levels), default=0) == 0:
                found.append(warning(doc.locations.value(at), f"contact details of {person['name']} are public",
                                     "add 'visibility: partners' unless the person agreed to publish them",
                                     code="personal-data"))
    return found


def _translation(doc: RawDocument, raw: RawProject, settings: Settings) -> list[Diagnostic]:
    found = []
    original = f"{doc.kind.folder}/{doc.id}.md"
    if not any(d.path == original for d in raw.documents) and original not in raw.files:
        found.append(error(Location(doc.path), f"translation of '{original}', which "
                           "does not exist", "the original must sit beside its translation", code="translation"))
    if doc.lang not in settings.site.languages:
        found.append(error(Location(doc.path), f"translation into '{doc.lang}', which is "
                           f"not one of the portal's languages ({', '.join(settings.site.languages)})",
                           f"add {doc.lang} to languages in mspsite.yml, or remove the file", code="translation"))
    elif doc.lang == settings.site.default_language:
        found.append(error(Location(doc.path), f"translation into the default language "
                           f"'{doc.lang}'", f"the original {original} is already in {doc.lang}",
                           code="translation"))
    return found


def _goal(doc: RawDocument, settings: Settings) -> list[Diagnostic]:
    found = []
    today = settings.build_date
    seen_outcomes, seen_indicators = set(), set()
    for at, outcome in values_at(doc.data, "outcomes.*"):
        if isinstance(outcome, dict) and isinstance(outcome.get("id"), str):
            if outcome["id"] in seen_outcomes:
                found.append(error(doc.locations.value((*at, "id")), f"duplicate outcome id '{outcome['id']}' in "
                                   "this goal", code="duplicate-id"))
            seen_outcomes.add(outcome["id"])
    for at, ind in values_at(doc.data, "outcomes.*.indicators.*"):
        if not isinstance(ind, dict):
            continue
        if isinstance(ind.get("id"), str):
            if ind["id"] in seen_indicators:
                found.append(error(doc.locations.value((*at, "id")), f"duplicate indicator id '{ind['id']}' in "
                                   "this goal", code="duplicate-id"))
            seen_indicators.add(ind["id"])
        base = parse_date((ind.get("baseline") or {}).get("date") if isinstance(ind.get("baseline"), dict) else None)
        target = parse_date((ind.get("target") or {}).get("date") if isinstance(ind.get("target"), dict) else None)
        if base and target and target <= base:
            found.append(error(doc.locations.value((*at, "target", "date")), f"target date {target} is not after "
                               f"the baseline date {base}", code="implausible-date"))
        for mat, m in values_at(ind, "measurements.*"):
            when = parse_date(m.get("date")) if isinstance(m, dict) else None
            if when is None:
                continue
            loc = doc.locations.value((*at, *mat, "date"))
            if base and when < base:
                found.append(error(loc, f"measurement dated {when}, before the baseline ({base})",
                                   "check the year", code="implausible-date"))
            elif when > today:
                found.append(error(loc, f"measurement dated {when}, in the future", "check the year",
                                   code="implausible-date"))
        if ind.get("measure") == "qualitative":
            continue
        for mat, m in [(("baseline",), ind.get("baseline")), (("target",), ind.get("target")),
                       *values_at(ind, "measurements.*")]:
            if isinstance(m, dict) and isinstance(m.get("value"), str):
                found.append(error(doc.locations.value((*at, *mat, "value")), f"'value' must be a number for a "
                                   f"{ind.get('measure', 'number')} indicator, not text",
                                   "use measure: qualitative for indicators described in words",
                                   code="schema-type"))
    return found


def _decision(doc: RawDocument, settings: Settings) -> list[Diagnostic]:
    found = []
    method, votes = doc.data.get("method"), doc.data.get("votes")
    if method == "vote" and votes is None:
        found.append(warning(doc.locations.key(("method",)), "decided by vote, but no 'votes' recorded",
                             "add votes: {for: 7, against: 1, abstain: 0}", code="decision"))
    if votes is not None and method != "vote":
        found.append(warning(doc.locations.key(("votes",)), "'votes' recorded, but 'method' is not vote",
                             "set method: vote", code="decision"))
    return found


def _budget(doc: RawDocument, settings: Settings) -> list[Diagnostic]:
    found = []
    reporting = settings.site.currency
    own = doc.data.get("currency") or reporting
    if own is None:
        found.append(error(doc.locations.value(()), "no currency for this budget",
                           "set 'currency' here or the reporting currency in mspsite.yml", code="currency"))
        return found
    if own != reporting and reporting and "rate" not in doc.data:
        found.append(error(doc.locations.value(("currency",)), f"amounts in {own} need a 'rate' ({reporting} per "
                           f"{own})", f"add rate: <{reporting} per {own}> to the file", code="currency"))
    for pattern in ("income.*", "expenditure.*"):
        for at, line in values_at(doc.data, pattern):
            if isinstance(line, dict) and isinstance(line.get("currency"), str) \
                    and line["currency"] != reporting and "rate" not in line:
                found.append(error(doc.locations.value((*at, "currency")), f"amount in {line['currency']} needs a "
                                   f"'rate' ({reporting} per {line['currency']})",
                                   f"add rate: <{reporting} per {line['currency']}> to the line", code="currency"))
    return found


def _date_order(doc: RawDocument) -> list[Diagnostic]:
    """The kind's pair of dates that must come in order (Kind.date_order)."""
    rule = doc.kind.date_order
    if rule is None:
        return []
    first, second, message = rule.start, rule.end, rule.message

    def at(path):
        node = doc.data
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        return parse_date(node)

    start, end = at(first), at(second)
    if start and end and end < start:
        return [error(doc.locations.value(second), message.format(start=start, end=end), code="implausible-date")]
    return []


def _glossary(doc: RawDocument, settings: Settings) -> list[Diagnostic]:
    found, seen = [], {}
    for at, term in values_at(doc.data, "terms.*.term"):
        key = (term.get(settings.site.default_language) if isinstance(term, dict) else term)
        if isinstance(key, str):
            if key.casefold() in seen:
                found.append(error(doc.locations.value(at), f"term '{key}' is defined twice",
                                   "merge the two entries", code="duplicate-item"))
            seen[key.casefold()] = at
    return found


def _mspsite(doc: RawDocument, settings: Settings) -> list[Diagnostic]:
    """Brand colours carry link and button text on white: they need WCAG AA contrast (4.5:1)."""
    found = []
    colors = doc.data.get("colors") if isinstance(doc.data.get("colors"), dict) else {}
    for key, value in colors.items():
        if isinstance(value, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", value):
            ratio = _contrast(value, "#ffffff")
            if ratio < 4.5:
                found.append(warning(doc.locations.value(("colors", key)), f"colour {value} has a contrast of "
                                     f"{ratio:.1f}:1 against white; text in it needs 4.5:1 to be readable",
                                     "choose a darker shade", code="contrast"))
    return found


def _iati(raw: RawProject, settings: Settings) -> list[Diagnostic]:
    """With an iati: block, what the IATI export needs must be there, for the readership of
    the build (`check --clearance`): caught here, in a pull request's check, rather than by the build."""
    config = raw.single("mspsite")
    if config is None or not isinstance(config.data.get("iati"), dict):
        return []
    found = []
    partnership = raw.single("partnership")
    if partnership is not None:
        found += [iati.missing_field(partnership.locations.value(()), name) for name in ("phase", "founded")
                  if name not in partnership.data]
    stakeholders = raw.of_kind("stakeholder")
    seen = [d for d in stakeholders if visible(d.data.get("visibility"), settings.clearance,
                                               settings.site.default_visibility)]
    if not seen:
        found.append(iati.no_participants(config.locations.key(("iati",)),
                                          settings.clearance if stakeholders else None))
    org = config.data["iati"].get("reporting_org")
    codes = [(doc.locations.value(("iati_type",)), doc.data.get("iati_type")) for doc in stakeholders]
    if isinstance(org, dict):
        codes.append((config.locations.value(("iati", "reporting_org", "type")), org.get("type")))
    found += [iati.unknown_organisation_type(where, code) for where, code in codes
              if isinstance(code, int) and str(code) not in codelist("OrganisationType")]
    language = settings.site.default_language
    if iati.iati_language(language) is None:
        found.append(iati.no_language_code(config.locations.value(("languages", 0)), language))
    return found


def _contrast(a: str, b: str) -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _partnership(doc: RawDocument, settings: Settings) -> list[Diagnostic]:
    level = doc.data.get("visibility")
    if level not in (None, "public"):
        return [error(doc.locations.value(("visibility",)), "the partnership itself cannot be hidden: a portal "
                      "without it has no name", "remove 'visibility' here and mark single fields instead",
                      code="visibility")]
    return []


_BY_KIND = {"mspsite": _mspsite, "partnership": _partnership, "goal": _goal, "decision": _decision,
            "budget": _budget, "glossary": _glossary}


def _supersedes_cycles(raw: RawProject) -> list[Diagnostic]:
    docs = {d.id: d for d in raw.of_kind("decision")}
    older = {i: d.data["supersedes"] for i, d in docs.items() if isinstance(d.data.get("supersedes"), str)}
    found, reported = [], set()
    for start in sorted(older):
        chain, node = [], start
        while node in older and node not in chain:
            chain.append(node)
            node = older[node]
        if node not in chain:
            continue
        cycle = chain[chain.index(node):]
        if frozenset(cycle) in reported:
            continue
        reported.add(frozenset(cycle))
        first = min(cycle)
        i = cycle.index(first)
        names = cycle[i:] + cycle[:i] + [first]
        found.append(error(docs[first].locations.value(("supersedes",)),
                           "supersedes chain forms a cycle: " + " → ".join(names),
                           "a decision can only supersede an older one", code="supersedes-cycle"))
    return found


def _superseded_status(raw: RawProject) -> list[Diagnostic]:
    decisions = raw.of_kind("decision")
    replaced = {d.data.get("supersedes") for d in decisions if isinstance(d.data.get("supersedes"), str)}
    found = []
    for d in decisions:
        if d.data.get("status") == "superseded" and d.id not in replaced:
            found.append(warning(d.locations.value(("status",)), "status is superseded, but no decision "
                                 "supersedes it", "add 'supersedes: " + d.id + "' to the decision that replaced it",
                                 code="decision"))
        target = d.data.get("supersedes")
        other = next((x for x in decisions if x.id == target), None) if isinstance(target, str) else None
        if other and other.data.get("status") not in ("superseded", None):
            found.append(warning(d.locations.value(("supersedes",)), f"supersedes '{target}', whose status is "
                                 f"still {other.data.get('status')}", f"set status: superseded in {other.path}",
                                 code="decision"))
    return found


def _budget_overlaps(raw: RawProject) -> list[Diagnostic]:
    periods = []
    for doc in raw.of_kind("budget"):
        p = doc.data.get("period") if isinstance(doc.data.get("period"), dict) else {}
        start, end = parse_date(p.get("start")), parse_date(p.get("end"))
        if start and end and start <= end:
            periods.append((start, end, doc))
    periods.sort(key=lambda x: (x[0], x[2].path))
    found = []
    for (s1, e1, d1), (s2, e2, d2) in zip(periods, periods[1:]):
        if s2 <= e1:
            found.append(warning(d2.locations.value(("period", "start")), f"period overlaps {d1.path} "
                                 f"({s1} to {e1})", "totals across periods would count the overlap twice",
                                 code="budget-overlap"))
    return found
