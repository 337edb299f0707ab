"""The partnership as one IATI 2.03 activity, in an iati-activities file.

Written from the model only, never from the partnership folder: the model is
already filtered to the build's clearance, so an export for the public cannot
carry a partners-only measurement or an internal budget line. The file is
checked against the official schema and the IATI codelists before anyone gets
it: a publisher's registry rejects invalid files silently, days later, so we
refuse them here with the reason.

Validation uses xmlschema: a well-kept, pure-Python validator of XSD 1.0 (no C
library to install on a secretariat's laptop) whose errors name the exact path
of the element at fault and the reason, which we pass on to the user.
"""

from __future__ import annotations

import datetime
import io
import mimetypes
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from functools import cache
from importlib import resources

from .. import model as m, passed
from ..diagnostics import Diagnostic, Location, Report, did_you_mean, error
from ..errors import ContentError, MspsiteError
from ..kinds import TOP_FILES
from ..settings import Settings
from .codelists import codelist
from ..urls import absolute, file_url, url_of

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# IATI OrganisationType for a stakeholder without iati_type. Civil society maps to
# 22 National NGO: an MSP works in and for its countries, so most of its civil-society
# partners are national; an international NGO sets `iati_type: 21` itself.
SECTOR_TYPES = {"public": "10", "private": "70", "civil-society": "22", "academia": "80",
                "multilateral": "40", "philanthropy": "60", "other": "90"}
PHASE_STATUS = {"initiation": "1", "design": "1", "implementation": "2", "consolidation": "2",
                "closing": "3", "closed": "4"}
MEASURES = {"number": "1", "percentage": "2", "qualitative": "5"}
ROLE_FUNDING, ROLE_IMPLEMENTING = "1", "4"
# Fixed codes of lists the IATI reference set here does not ship (DescriptionType,
# TagVocabulary): 1 General / 2 Objectives, and 2 = UN Sustainable Development Goals.
DESCRIPTION_GENERAL, DESCRIPTION_OBJECTIVES, TAG_SDG_GOALS = "1", "2", "2"
REPORT_CATEGORY, RESULTS_CATEGORY, AGREEMENT_CATEGORY, WEB_PAGE_CATEGORY = "A07", "A08", "A09", "A12"

IATI_SNIPPET = """\
iati:
  identifier: XM-DAC-41114-CCPK      # the partnership's IATI activity identifier
  reporting_org: {ref: XM-DAC-41114, type: 40, name: UNDP Kenya}   # who publishes: IATI org id, OrganisationType, name
  secretariat_role: 4                # optional: the secretariat host as 2 Accountable or 4 Implementing"""
NO_IATI_BLOCK = ("the IATI export needs an 'iati:' block in mspsite.yml naming the partnership's IATI activity "
                 f"identifier and the organisation that publishes it. Add, with your own values:\n\n{IATI_SNIPPET}\n")


def iati_activities(settings: Settings, p: m.Partnership) -> dict[str, bytes]:
    """The output the funders' IATI registry reads from the portal, for partnerships that publish to IATI."""
    return {"data/iati-activities.xml": export_iati(settings, p)} if settings.site.iati else {}


def export_iati(settings: Settings, p: m.Partnership) -> bytes:
    """The partnership as an IATI 2.03 iati-activities file (UTF-8 bytes), valid against
    the official schema and codelists; raises MspsiteError, listing every problem, if not."""
    root = _Writer(settings, p).document()
    ET.indent(root, "  ")
    data = ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"
    known = passed.key("iati-xsd", data)   # the same file is valid again: the XSD takes a second to load
    problems = unknown_codes(root) + ([] if passed.before(known) else schema_errors(data))
    if not problems:
        passed.passes(known)
    if problems:
        raise MspsiteError("the IATI export is not valid, nothing was written:\n" +
                           "\n".join(f"  {x}" for x in problems))
    return data


@cache
def _schema():
    import xmlschema

    folder = resources.files(__package__) / "data" / "schema"
    with resources.as_file(folder) as path:   # the XSD includes its neighbours by relative path
        return xmlschema.XMLSchema(str(path / "iati-activities-schema.xsd"))


def schema_errors(data: bytes) -> list[str]:
    """Every reason the file breaks the IATI 2.03 activities schema, as 'path: reason'."""
    return [f"{e.path}: {e.reason or e.message}" for e in _schema().iter_errors(io.BytesIO(data))]


# (element, attribute, codelist): every coded attribute the export can write.
CODED = (("iati-activity", "default-currency", "Currency"), ("reporting-org", "type", "OrganisationType"),
         ("participating-org", "role", "OrganisationRole"), ("participating-org", "type", "OrganisationType"),
         ("provider-org", "type", "OrganisationType"), ("activity-status", "code", "ActivityStatus"),
         ("activity-date", "type", "ActivityDateType"), ("recipient-country", "code", "Country"),
         ("budget", "type", "BudgetType"), ("budget", "status", "BudgetStatus"), ("value", "currency", "Currency"),
         ("transaction-type", "code", "TransactionType"), ("result", "type", "ResultType"),
         ("indicator", "measure", "IndicatorMeasure"), ("category", "code", "DocumentCategory"),
         ("language", "code", "Language"))


def unknown_codes(root: ET.Element) -> list[str]:
    """Coded attributes whose value is not in its IATI codelist."""
    found = []

    def check(path: str, attr: str, value: str | None, name: str) -> None:
        if value is not None and value not in codelist(name):
            found.append(f"{path}/@{attr}: '{value}' is not in the IATI {name} codelist")

    def walk(el: ET.Element, path: str) -> None:
        for element, attr, name in CODED:
            if el.tag == element:
                check(path, attr, el.get(attr), name)
        if el.tag == "tag" and el.get("vocabulary") == TAG_SDG_GOALS:
            check(path, "code", el.get("code"), "UNSDG-Goals")
        check(path, "xml:lang", el.get(XML_LANG), "Language")
        seen: dict[str, int] = {}
        for child in el:
            seen[child.tag] = seen.get(child.tag, 0) + 1
            walk(child, f"{path}/{child.tag}[{seen[child.tag]}]")

    walk(root, f"/{root.tag}")
    return found


def _number(value) -> str:
    """A decimal as IATI wants it: no exponent, no float noise (6.8, not 6.79999...)."""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def iati_language(lang: str) -> str | None:
    """The ISO 639-1 code IATI narratives use, or None when IATI has no code for it."""
    code = lang.split("-")[0].lower()
    return code if code in codelist("Language") else None


# -- what the export needs from the partnership folder: `check` reports it at each value's place
# (crossrefs._iati); the export checks the model again, as a last guard, with the same words.

def missing_field(where: Location, name: str) -> Diagnostic:
    example = {"phase": "implementation", "founded": "2021-03-15"}[name]
    return error(where, f"missing field '{name}', needed for the IATI export (mspsite.yml has an iati: block)",
                 f"add {name}: {example}", code="missing-field")


def no_participants(where: Location, clearance: str | None = None) -> Diagnostic:
    """No participating organisation: none at all, or (clearance given) none this readership may see."""
    if clearance is None:
        return error(where, "the IATI export needs at least one participating organisation",
                     "add a partner in stakeholders/", code="missing-field")
    return error(where, f"the IATI export for {clearance} readers has no participating organisation: no "
                 "stakeholder is visible to them", f"give at least one partner 'visibility: {clearance}'", code="iati")


def unknown_organisation_type(where: Location, code) -> Diagnostic:
    return error(where, f"unknown IATI organisation type {code}", did_you_mean(str(code), codelist("OrganisationType")),
                 code="unknown-code")


def no_language_code(where: Location, lang: str) -> Diagnostic:
    return error(where, f"IATI has no language code for '{lang}', the portal's first language, in which the IATI "
                 "file is written", "IATI narratives need an ISO 639-1 code such as en, fr or sw: put a language "
                 "that has one first in 'languages'", code="iati")


class _Writer:
    def __init__(self, settings: Settings, p: m.Partnership):
        self.p = p
        self.settings = _settings(settings, p)
        self.lang = iati_language(p.language)
        # other portal languages, for narratives from the items' text given per language
        others = [(lang, iati_language(lang)) for lang in settings.site.languages if lang != p.language]
        self.others = [(lang, code) for lang, code in others if code and code != self.lang]
        self.today = settings.build_date
        self.default_language = settings.site.default_language
        self.currency = settings.site.currency
        self.site_url = settings.site.site_url

    # -- helpers -------------------------------------------------------------------------
    def texts(self, text: str | None, given=None) -> list[tuple[str | None, str]]:
        """(language or None for the default, text): the model's text, then the same field in the
        portal's other languages where the item gives it (records hold text per language)."""
        text = _unwrap(text or "")
        if not text:
            return []
        out, seen = [(None, text)], {text}
        if isinstance(given, dict):
            for lang, code in self.others:
                other = _unwrap(given.get(lang) or "") if isinstance(given.get(lang), str) else ""
                if other and other not in seen:
                    out.append((code, other))
                    seen.add(other)
        return out

    @staticmethod
    def narratives(parent: ET.Element, texts) -> ET.Element:
        for lang, text in texts:
            n = ET.SubElement(parent, "narrative")
            if lang:
                n.set(XML_LANG, lang)
            n.text = text
        return parent

    def text_element(self, parent: ET.Element, tag: str, texts, **attrs) -> ET.Element | None:
        if not texts:
            return None
        return self.narratives(ET.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attrs.items()}), texts)

    def value(self, parent: ET.Element, amount: Decimal, currency: str, when: datetime.date) -> None:
        v = ET.SubElement(parent, "value", {"currency": currency, "value-date": when.isoformat()})
        v.text = _number(amount)

    def org_type(self, s: m.Stakeholder) -> str:
        return str(s.iati_type) if s.iati_type is not None else SECTOR_TYPES.get(s.sector, "90")

    def org_attrs(self, s: m.Stakeholder) -> dict[str, str]:
        attrs = {"ref": s.iati_ref} if s.iati_ref else {}
        attrs["type"] = self.org_type(s)
        return attrs

    def name_texts(self, s: m.Stakeholder):
        return self.texts(s.name, s.record.get("name"))

    # -- the document ----------------------------------------------------------------------
    def document(self) -> ET.Element:
        generated = datetime.datetime.combine(self.today, datetime.time(), datetime.UTC)
        stamp = generated.strftime("%Y-%m-%dT%H:%M:%SZ")
        root = ET.Element("iati-activities", {"version": IATI_VERSION, "generated-datetime": stamp})
        attrs = {"last-updated-datetime": stamp, XML_LANG: self.lang}
        if self.currency:
            attrs["default-currency"] = self.currency
        a = ET.SubElement(root, "iati-activity", attrs)
        for part in (self.identity, self.participants, self.status_and_place, self.finances, self.documents,
                     self.results):
            part(a)
        return root

    def identity(self, a: ET.Element) -> None:
        p, s = self.p, self.settings
        ET.SubElement(a, "iati-identifier").text = s["identifier"]
        org = s["reporting_org"]
        name = org["name"]
        default = name if isinstance(name, str) else (name.get(p.language) or
                                                      name.get(self.default_language) or
                                                      next(iter(name.values())))
        self.narratives(ET.SubElement(a, "reporting-org", {"ref": org["ref"], "type": str(org["type"])}),
                        self.texts(default, name))
        self.text_element(a, "title", self.texts(p.name, p.record.get("name")))
        summary = self.texts(p.summary, p.record.get("summary")) or self.texts(p.name, p.record.get("name"))
        self.text_element(a, "description", summary, type=DESCRIPTION_GENERAL)
        self.text_element(a, "description", self.texts(p.mission, p.record.get("mission")),
                          type=DESCRIPTION_OBJECTIVES)

    def participants(self, a: ET.Element) -> None:
        """Funders (a source of cash income) are Funding; the secretariat host is Accountable or
        Implementing as mspsite.yml says; everyone else is Implementing. An organisation with two
        roles (a funder hosting the secretariat) appears once per role, as IATI intends."""
        p = self.p
        host = p.secretariat.host if p.secretariat else None
        host_role = str(self.settings.get("secretariat_role", ROLE_IMPLEMENTING))
        rows = []
        for s in p.stakeholders:
            roles = set()
            if any(line.kind == "cash" for line in s.income):
                roles.add(ROLE_FUNDING)
            if host is not None and s.id == host.id:
                roles.add(host_role)
            for role in roles or {ROLE_IMPLEMENTING}:
                rows.append((role, s))
        for role, s in sorted(rows, key=lambda r: (r[0], r[1].id)):
            attrs = self.org_attrs(s)
            attrs["role"] = role
            self.narratives(ET.SubElement(a, "participating-org", attrs), self.name_texts(s))

    def status_and_place(self, a: ET.Element) -> None:
        p = self.p
        ET.SubElement(a, "activity-status", {"code": PHASE_STATUS[p.phase]})
        ET.SubElement(a, "activity-date", {"iso-date": p.founded.isoformat(), "type": "2"})
        for code, share in _shares(p.countries):
            attrs = {"code": code}
            if share is not None:
                attrs["percentage"] = share
            ET.SubElement(a, "recipient-country", attrs)
        for sdg in sorted(set(p.sdgs)):
            tag = ET.SubElement(a, "tag", {"vocabulary": TAG_SDG_GOALS, "code": str(sdg)})
            self.narratives(tag, [(None, codelist("UNSDG-Goals").get(str(sdg), f"Goal {sdg}"))])

    def finances(self, a: ET.Element) -> None:
        """A budget per period (its planned expenditure), then the money that moved: received income
        as Incoming Funds, actual spending as Expenditure, in the reporting currency."""
        periods = sorted(self.p.budgets, key=lambda b: (b.start, b.id))
        for b in periods:
            planned = [x.reporting_planned for x in b.expenditure if x.planned is not None]
            if not planned:
                continue
            budget = ET.SubElement(a, "budget", {"type": "1", "status": "2"})
            ET.SubElement(budget, "period-start", {"iso-date": b.start.isoformat()})
            ET.SubElement(budget, "period-end", {"iso-date": b.end.isoformat()})
            self.value(budget, sum(planned, Decimal(0)), b.currency, b.start)
        for b in periods:
            # lines carry no date of their own; IATI refuses transactions dated in the future
            when = min(b.end, self.today)
            for line in b.income:
                if line.status != "received":
                    continue
                about = line.description or ""
                if line.kind == "in-kind":
                    about = f"In kind: {about}" if about else "In kind"
                self.transaction(a, "1", when, line.reporting_amount, b.currency, about, line.source)
            for line in b.expenditure:
                if line.actual is None or line.actual == 0:
                    continue
                about = line.description or line.category.replace("-", " ").capitalize()
                self.transaction(a, "4", when, line.reporting_actual, b.currency, about, None)

    def transaction(self, a, code, when, amount, currency, about, provider: m.Stakeholder | None) -> None:
        t = ET.SubElement(a, "transaction")
        ET.SubElement(t, "transaction-type", {"code": code})
        ET.SubElement(t, "transaction-date", {"iso-date": when.isoformat()})
        self.value(t, amount, currency, when)
        self.text_element(t, "description", self.texts(about))
        if provider is not None:
            self.narratives(ET.SubElement(t, "provider-org", self.org_attrs(provider)), self.name_texts(provider))

    def documents(self, a: ET.Element) -> None:
        """Links need the portal's public address: without site_url there is nothing to link to."""
        p, site = self.p, self.site_url
        if not site:
            return
        self.link(a, site, "text/html", self.texts(p.name, p.record.get("name")), [WEB_PAGE_CATEGORY], None)
        for r in sorted(p.reports, key=lambda r: (r.end, r.id)):
            categories = [REPORT_CATEGORY] + ([RESULTS_CATEGORY] if "results" in r.sections else [])
            self.link(a, absolute(site, url_of(r)), "text/html", self.texts(r.title, r.record.get("title")),
                      categories, r.date or r.end)
        agreement = p.agreement
        # only media/ is published with the portal; a document elsewhere has no public address
        if agreement and agreement.document and agreement.document.startswith("media/"):
            kind = (agreement.kind or "").strip()
            title = "Memorandum of understanding" if kind.lower() == "mou" else \
                "Partnership agreement" + (f" ({kind})" if kind else "")
            fmt = mimetypes.guess_type(agreement.document)[0] or "application/octet-stream"
            self.link(a, absolute(site, file_url(agreement.document)), fmt, [(None, title)], [AGREEMENT_CATEGORY],
                      agreement.signed)

    def link(self, a, url, fmt, texts, categories, when: datetime.date | None) -> None:
        d = ET.SubElement(a, "document-link", {"format": fmt, "url": url})
        self.text_element(d, "title", texts)
        for code in categories:
            ET.SubElement(d, "category", {"code": code})
        ET.SubElement(d, "language", {"code": self.lang})
        if when:
            ET.SubElement(d, "document-date", {"iso-date": when.isoformat()})

    def results(self, a: ET.Element) -> None:
        """One Outcome result per goal, an indicator per indicator; a goal without indicators has no
        result (IATI requires at least one indicator)."""
        for g in self.p.goals:
            if not g.indicators:
                continue
            r = ET.SubElement(a, "result", {"type": "2"})
            self.text_element(r, "title", self.texts(g.title, g.record.get("title")))
            self.text_element(r, "description", self.texts(g.description, g.record.get("description")))
            for ind in g.indicators:
                self.indicator(r, ind, _indicator_record(g, ind.id))

    def indicator(self, r: ET.Element, ind: m.Indicator, record: dict) -> None:
        qualitative = ind.measure == "qualitative"
        attrs = {"measure": MEASURES[ind.measure]}
        if not qualitative:  # 'ascending' has no meaning for words
            attrs["ascending"] = "1" if ind.direction == "increase" else "0"
        i = ET.SubElement(r, "indicator", attrs)
        self.text_element(i, "title", self.texts(ind.title, record.get("title")))
        about = [x for x in (ind.description, ind.unit and f"Unit: {ind.unit}", ind.source and
                             f"Source: {ind.source}") if x]
        self.text_element(i, "description", self.texts("\n\n".join(about)))
        base = ind.baseline
        if base is not None and base.date is not None and base.value is not None:
            b = ET.SubElement(i, "baseline", {"year": str(base.date.year), "iso-date": base.date.isoformat()})
            self.point(b, base.value, base.note, (record.get("baseline") or {}).get("note"), qualitative)
        self.periods(i, ind, record, qualitative)

    def point(self, el: ET.Element, value, note, notes, qualitative: bool) -> None:
        """A baseline, target or actual: the number as value; words (and notes) as a comment."""
        if not qualitative and _is_number(value):
            el.set("value", _number(value))
            self.text_element(el, "comment", self.texts(note, notes))
        else:
            text = "\n\n".join(str(x) for x in (value, note) if x not in (None, ""))
            self.text_element(el, "comment", self.texts(text))

    def periods(self, i: ET.Element, ind: m.Indicator, record: dict, qualitative: bool) -> None:
        """A calendar year per year with measurements, and the year of the target date; the target
        goes in its own year only: the model has one end target, not one per year."""
        by_year: dict[int, m.Measurement] = {}
        for x in ind.measurements:   # sorted by date: the last one of a year wins
            by_year[x.date.year] = x
        target = ind.target if ind.target is not None and ind.target.value is not None else None
        years = set(by_year)
        target_year = target.date.year if target and target.date else max(years, default=None)
        if target_year is not None:
            years.add(target_year)
        for year in sorted(years):
            period = ET.SubElement(i, "period")
            ET.SubElement(period, "period-start", {"iso-date": f"{year}-01-01"})
            ET.SubElement(period, "period-end", {"iso-date": f"{year}-12-31"})
            if target and year == target_year:
                self.point(ET.SubElement(period, "target"), target.value, target.note,
                           (record.get("target") or {}).get("note"), qualitative)
            if year in by_year:
                x = by_year[year]
                self.point(ET.SubElement(period, "actual"), x.value, x.note, None, qualitative)


# Lines that start a Markdown block of their own: list items, headings, quotes, tables.
_BLOCK_START = re.compile(r"\s*([-*+]\s|\d+[.)]\s|#|>|\|)")


def _unwrap(text: str) -> str:
    """Markdown as plain narrative text: lines that a writer wrapped inside a paragraph are joined,
    paragraphs and list items stay apart."""
    lines: list[str] = []
    for line in text.strip().split("\n"):
        if lines and lines[-1].strip() and line.strip() and not _BLOCK_START.match(line) \
                and not lines[-1].endswith("  "):
            lines[-1] = f"{lines[-1].rstrip()} {line.strip()}"
        else:
            lines.append(line.rstrip())
    return "\n".join(lines)


def _indicator_record(goal: m.Goal, ident: str) -> dict:
    for outcome in goal.record.get("outcomes", ()):
        for ind in outcome.get("indicators", ()):
            if ind.get("id") == ident:
                return ind
    return {}


def _shares(countries) -> list[tuple[str, str | None]]:
    """Countries with percentages that add up to exactly 100 (the last absorbs the rounding);
    a single country needs none."""
    codes = list(dict.fromkeys(countries))
    if len(codes) <= 1:
        return [(c, None) for c in codes]
    each = (Decimal(100) / len(codes)).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    last = Decimal(100) - each * (len(codes) - 1)
    return [(c, _number(each)) for c in codes[:-1]] + [(codes[-1], _number(last))]


def _settings(settings: Settings, p: m.Partnership) -> dict:
    """The iati block of mspsite.yml, once the model has what the activity needs. `check` reports
    each problem at its place; this guard, for callers that did not check, names the file."""
    iati = settings.site.iati
    if not iati or not iati.get("identifier") or not isinstance(iati.get("reporting_org"), dict):
        raise MspsiteError(NO_IATI_BLOCK)
    site, partnership = Location(_file(settings, "mspsite")), Location(_file(settings, "partnership"))
    problems = [missing_field(partnership, name) for name, given in (("phase", p.phase in PHASE_STATUS),
                                                                     ("founded", p.founded is not None)) if not given]
    if str(iati["reporting_org"].get("type")) not in codelist("OrganisationType"):
        problems.append(unknown_organisation_type(site, iati["reporting_org"].get("type")))
    if not p.stakeholders:
        problems.append(no_participants(site, p.clearance if p.hidden_items else None))
    problems += [unknown_organisation_type(Location(s.path), s.iati_type) for s in p.stakeholders
                 if s.iati_type is not None and str(s.iati_type) not in codelist("OrganisationType")]
    if iati_language(p.language) is None:
        problems.append(no_language_code(site, p.language))
    if problems:
        raise ContentError(Report(problems))
    return iati


def _file(settings: Settings, name: str) -> str:
    """The name a top-level file has in the folder (partnership.yml or partnership.yaml)."""
    names = [f"{name}{ext}" for ext in TOP_FILES[name].extensions]
    return next((n for n in names if (settings.source / n).is_file()), names[0])
