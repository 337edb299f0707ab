"""A starter partnership folder from an IATI activity file.

A secretariat whose partnership is already published to IATI (by its host or a
funder) should not retype it. The import takes one activity and writes the
files of a partnership folder that passes `mspsite check`: what IATI says and
the content format can hold is carried over; what cannot be (a placeholder
code, a transaction type without a place in the format, an amount in another
currency) is left out or kept as it is, with a `# IATI import:` comment where
it happened so that an editor can finish the job.

The file is untrusted input: it is read up to MAX_IATI_BYTES and parsed by defusedxml
without a DTD, so no entity is ever expanded (billion laughs) or fetched (external
entities). Its text is made plain once, after parsing: every kind of line break becomes
a line feed and characters `mspsite check` refuses (controls, non-characters) are dropped,
so nothing it says can end a YAML comment early or fail the check of the folder written.
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import defusedxml.ElementTree
from defusedxml import DefusedXmlException
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from .codelists import codelist
from ..kinds import LANGUAGE_CODE
from ..errors import MspsiteError
from ..load import WINDOWS_RESERVED
from ..scaffold import SCHEMA_FOLDER, modeline
from ..schemas import FIRST_YEAR, LAST_YEAR, parse_date, schema_files
from ..yamlread import NOT_TEXT

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NOTE = "IATI import: "
LANGUAGE = re.compile(LANGUAGE_CODE + r"\Z")
NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)\Z")
# Registry files of big publishers hold thousands of activities; one activity, even with
# years of transactions, is far smaller. Ten times the limit of a content file.
MAX_IATI_BYTES = 50_000_000
# What XML text can hold that YAML reads as a line break: "&#13;" and the Unicode ones.
LINE_BREAK = re.compile("\r\n?|[\x85\u2028\u2029]")

# OrganisationType -> sector; the inverse of the export's mapping, widened to every code.
TYPE_SECTORS = {"10": "public", "11": "public", "15": "public", "21": "civil-society", "22": "civil-society",
                "23": "civil-society", "24": "civil-society", "30": "other", "40": "multilateral",
                "60": "philanthropy", "70": "private", "71": "private", "72": "private", "73": "private",
                "80": "academia", "90": "other"}
STATUS_PHASES = {"1": "initiation", "2": "implementation", "3": "closing", "4": "closed", "5": "closed",
                 "6": "implementation"}
INCOME_STATUS = {"1": "received", "11": "committed", "13": "pledged"}   # Incoming Funds/Commitment/Pledge
SPENDING = {"3", "4"}                                                      # Disbursement, Expenditure


def import_iati(data: bytes, activity: str | None = None, today: datetime.date | None = None) -> dict[str, str]:
    """The files of a partnership folder (relative path -> text) for one activity of an IATI
    activity file: the one whose iati-identifier is `activity`, else the first. `today` ends
    periods still open (default: the current date)."""
    root = _parse(data)
    activities = [root] if root.tag == "iati-activity" else root.findall("iati-activity")
    if root.tag not in ("iati-activities", "iati-activity") or not activities:
        raise MspsiteError("not an IATI activity file: expected <iati-activities> with at least one "
                           f"<iati-activity>, found <{root.tag}>")
    if activity is not None:
        chosen = [a for a in activities if (a.findtext("iati-identifier") or "").strip() == activity]
        if not chosen:
            known = [(a.findtext("iati-identifier") or "").strip() or "(empty)" for a in activities]
            raise MspsiteError(f"no activity '{activity}' in the file; it has: {', '.join(known)}")
        activities = chosen
    return _Importer(activities[0], today or datetime.date.today()).files()


def _parse(data: bytes) -> ET.Element:
    """Parse, refusing any DOCTYPE: IATI files never need one, and without a DTD there are no
    entities to expand (billion laughs) or fetch (external entities). Then make its text plain."""
    if len(data) > MAX_IATI_BYTES:
        raise MspsiteError(f"the IATI file is too large (more than {MAX_IATI_BYTES // 1_000_000} MB, the most "
                           "mspsite imports); save the one activity to import in a file of its own")
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise MspsiteError("the IATI file declares a DOCTYPE; IATI files have none, and mspsite does not "
                           "read DTDs or entities. Remove the <!DOCTYPE ...> declaration") from None
    except ET.ParseError as exc:
        raise MspsiteError(f"the IATI file is not well-formed XML: {exc}") from None
    for el in root.iter():
        el.text, el.tail = _plain_text(el.text), _plain_text(el.tail)
        for name, value in list(el.attrib.items()):
            el.set(name, _plain_text(value))
    return root


def _plain_text(text: str | None) -> str | None:
    """Text as the content format holds it: line breaks as line feeds, no control characters
    or non-characters (XML allows C1 controls and U+FDD0; "&#13;" is a CR)."""
    return NOT_TEXT.sub("", LINE_BREAK.sub("\n", text)) if text else text


# -- building plain data with comments, dumped once at the end --------------------------------
@dataclass
class _Doc:
    """A mapping to write, with comments: `notes` above it, `eol` after a key's line."""

    data: dict | list
    notes: list[str] = field(default_factory=list)
    eol: dict[str, str] = field(default_factory=dict)
    flow: bool = False


def _to_yaml(value):
    # every node is built anew, so the dumper never sees one object twice (no anchors/aliases,
    # which `mspsite check` refuses)
    if isinstance(value, _Doc):
        node = _to_yaml(value.data)
        if value.flow:
            node.fa.set_flow_style()
        for key, text in value.eol.items():  # mappings only
            node.yaml_add_eol_comment(" ".join(_comment_lines(text)), key)
        return node
    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            node[k] = _to_yaml(v)
        return node
    if isinstance(value, (list, tuple)):
        return CommentedSeq(_to_yaml(v) for v in value)
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    return value


def _dump(rel: str, doc: _Doc) -> str:
    yaml = YAML(typ="rt")
    yaml.width = 4096   # one line per text: editors wrap, and diffs stay line-per-field
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(_to_yaml(doc.data), out)
    # a note's first line is marked; the rest is commented plainly, so a snippet in a note
    # becomes YAML again by deleting the '# '
    notes = "".join(f"# {NOTE}{first}\n" + "".join(f"# {line}\n" for line in rest)
                    for first, *rest in (_comment_lines(note) or [""] for note in doc.notes))
    return (modeline(rel) or "") + notes + out.getvalue()


def _comment_lines(text: str) -> list[str]:
    """The lines of a comment's text, split at every line break any YAML reader knows (a CR
    or U+2028 inside one comment line would end it, and the rest would be read as YAML)."""
    return [NOT_TEXT.sub("", line) for line in text.splitlines()]


def slug(text: str, fallback: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    ident = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:60].strip("-")
    if not ident:
        return fallback
    return f"{ident}-org" if ident in WINDOWS_RESERVED else ident


def _unique(ident: str, taken: set[str]) -> str:
    candidate, n = ident, 2
    while candidate in taken:
        candidate, n = f"{ident}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _date(value: str | None) -> datetime.date | None:
    """An iso-date as the content format takes it (years FIRST_YEAR to LAST_YEAR), or None."""
    return parse_date((value or "").strip()[:10])


def _number(text: str | None):
    """A YAML number for a decimal text: int when whole (no 1e+17), else float; None if not a number."""
    text = (text or "").strip()
    if not NUMBER.match(text):
        return None
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None
    return int(d) if d == d.to_integral_value() else float(d)


@dataclass
class _Org:
    id: str
    name: object
    ref: str | None
    type: str | None
    roles: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Period:
    start: datetime.date
    end: datetime.date
    planned: object = None          # a number, or None
    budget_note: str | None = None  # a warning about the budget's value
    budget_kind: str = ""
    income: list[_Doc] = field(default_factory=list)
    expenditure: list[_Doc] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _Importer:
    def __init__(self, act: ET.Element, today: datetime.date):
        self.act = act
        self.identifier = (act.findtext("iati-identifier") or "").strip()
        lang = (act.get(XML_LANG) or "en").strip().lower()
        self.default = lang if LANGUAGE.match(lang) else "en"
        seen = [n.get(XML_LANG).strip().lower() for n in act.iter("narrative") if n.get(XML_LANG)]
        self.languages = list(dict.fromkeys([self.default, *(x for x in seen if LANGUAGE.match(x))]))
        self.currency = self._currency()
        self.today = today
        self.notes: list[str] = []          # for partnership.yml
        self.orgs: list[_Org] = []
        self.ids: set[str] = set()

    # -- reading ---------------------------------------------------------------------------
    def text(self, el: ET.Element | None):
        """Narratives as content-format text: a string, or {language: text} when translated.
        Text without a default-language narrative gets its first narrative as the default."""
        if el is None:
            return None
        texts: dict[str, str] = {}
        for n in el.findall("narrative"):
            value = " ".join((n.text or "").split()) if "\n" not in (n.text or "").strip() else (n.text or "").strip()
            lang = (n.get(XML_LANG) or self.default).strip().lower()
            if value and LANGUAGE.match(lang):
                texts.setdefault(lang, value)
        if not texts:
            return None
        if self.default not in texts:
            texts = {self.default: next(iter(texts.values())), **texts}
        return texts[self.default] if len(texts) == 1 else {k: texts[k] for k in self.languages if k in texts}

    def plain(self, el: ET.Element | None) -> str | None:
        t = self.text(el)
        return t.get(self.default) if isinstance(t, dict) else t

    def _currency(self) -> str | None:
        own = (self.act.get("default-currency") or "").strip()
        if own in codelist("Currency"):
            return own
        used = Counter(v.get("currency") for v in self.act.iter("value") if v.get("currency") in codelist("Currency"))
        return used.most_common(1)[0][0] if used else None

    def amount(self, value: ET.Element | None, where: str) -> tuple[object, str | None]:
        """(amount, warning): the value in the activity's currency, converted by nobody: a value in
        another currency is kept as it is, with a warning for the editor."""
        if value is None:
            return None, None
        number = _number(value.text)
        if number is None or number < 0:
            self.notes.append(f"{where}: value '{(value.text or '').strip()}' is not an amount; left out")
            return None, None
        cur = value.get("currency") or self.currency
        if cur and cur != self.currency:
            return number, (f"WARNING: {number} {cur} in the IATI file, not converted to {self.currency}; "
                            f"add 'currency: {cur}' and 'rate: <{self.currency} per {cur}>' to this line")
        return number, None

    # -- the folder ------------------------------------------------------------------------
    def files(self) -> dict[str, str]:
        self.participants()
        periods = self.finances()
        if self.currency is None and any(p.planned is not None or p.income or p.expenditure for p in periods):
            raise MspsiteError("the activity gives no currency for its amounts (no default-currency, no currency "
                               "on its values); add default-currency=\"EUR\" (or yours) to <iati-activity> and "
                               "import again")
        goals = self.results()
        docs = {"mspsite.yml": self.site(), "partnership.yml": self.partnership()}
        for org in self.orgs:
            docs[f"stakeholders/{org.id}.yml"] = self.stakeholder(org)
        taken: set[str] = set()
        for p in periods:
            ident = str(p.start.year) if (p.start.month, p.start.day, p.end.month, p.end.day) == (1, 1, 12, 31) \
                and p.start.year == p.end.year else f"{p.start.isoformat()}-to-{p.end.isoformat()}"
            docs[f"budget/{_unique(ident, taken)}.yml"] = self.budget(p)
        docs.update({f"goals/{ident}.yml": doc for ident, doc in goals})
        files = {rel: _dump(rel, doc) for rel, doc in docs.items()}
        files.update({f"{SCHEMA_FOLDER}/{name}": text for name, text in schema_files().items()})
        return files

    def site(self) -> _Doc:
        title = self.text(self.act.find("title")) or self.identifier or "Imported IATI activity"
        data = {"title": title, "languages": _Doc(self.languages, flow=True)}
        if self.currency:
            data["currency"] = self.currency
        data["default_visibility"] = "public"
        doc = _Doc(data, [f"from the IATI activity {self.identifier or '(without identifier)'}"])
        org = self.act.find("reporting-org")
        ref = (org.get("ref") or "").strip() if org is not None else ""
        kind = (org.get("type") or "").strip() if org is not None else ""
        name = self.text(org)
        if self.identifier and ref and kind in codelist("OrganisationType") and name:
            iati = {"identifier": self.identifier, "reporting_org": _Doc({"ref": ref, "type": int(kind),
                                                                         "name": name}, flow=isinstance(name, str))}
            accountable = [o for o in self.orgs if "2" in o.roles]
            if len(accountable) == 1:
                iati["secretariat_role"] = 2
            data["iati"] = iati
        else:
            doc.notes.append("no 'iati:' block: the file lacks a usable iati-identifier or reporting-org "
                             "(ref, OrganisationType code, name); add one to export to IATI again, e.g.\n"
                             "iati:\n  identifier: XM-DAC-41114-CCPK\n"
                             "  reporting_org: {ref: XM-DAC-41114, type: 40, name: UNDP Kenya}")
        return doc

    def partnership(self) -> _Doc:
        act = self.act
        data: dict = {"name": self.text(act.find("title")) or self.identifier or "Imported IATI activity"}
        general = [d for d in act.findall("description") if d.get("type") in (None, "", "1")]
        objectives = [d for d in act.findall("description") if d.get("type") == "2"]
        summary = self.text(general[0]) if general else None
        data["summary"] = summary or "Write one paragraph about the partnership in plain language."
        if not summary:
            self.notes.append("the activity has no general description: replace the summary")
        if objectives and self.text(objectives[0]):
            data["mission"] = self.text(objectives[0])
        dates = {d.get("type"): _date(d.get("iso-date")) for d in reversed(act.findall("activity-date"))}
        if dates.get("2"):
            data["founded"] = dates["2"]
        elif dates.get("1"):
            data["founded"] = dates["1"]
            self.notes.append("'founded' is the planned start date: the file has no actual start date")
        status = (act.find("activity-status").get("code") or "").strip() if act.find("activity-status") is not None \
            else ""
        if status in STATUS_PHASES:
            data["phase"] = STATUS_PHASES[status]
            if status in ("5", "6"):
                self.notes.append(f"activity status {status} ({codelist('ActivityStatus')[status]}) has no phase "
                                  f"of its own; phase set to {data['phase']}")
        elif status:
            self.notes.append(f"activity status '{status}' is not an IATI ActivityStatus code; no phase set")
        countries = []
        for c in act.findall("recipient-country"):
            code = (c.get("code") or "").strip().upper()
            if code in codelist("Country"):
                countries.append(code)
            else:
                self.notes.append(f"recipient-country '{c.get('code')}' is not an ISO country code; left out")
        if countries:
            data["countries"] = _Doc(list(dict.fromkeys(countries)), flow=True)
        sdgs = [int(t.get("code")) for t in act.findall("tag")
                if t.get("vocabulary") == "2" and (t.get("code") or "").strip() in codelist("UNSDG-Goals")]
        if sdgs:
            data["sdgs"] = _Doc(sorted(set(sdgs)), flow=True)
        accountable = [o for o in self.orgs if "2" in o.roles]
        if len(accountable) == 1:
            data["secretariat"] = {"host": accountable[0].id}
            self.notes.append(f"the secretariat host is {accountable[0].id}, the only Accountable organisation; "
                              "check this")
        return _Doc(data, self.notes)

    def participants(self) -> None:
        for el in self.act.findall("participating-org"):
            org = self.org(el)
            role = (el.get("role") or "").strip()
            if org is None:
                self.notes.append(f"a participating-org (role '{role}') without name or ref; left out")
            elif role in codelist("OrganisationRole"):
                org.roles.add(role)

    def org(self, el: ET.Element, create: bool = True) -> _Org | None:
        """The stakeholder for an organisation element: the one with its ref; else, for an element
        without ref or an organisation without one, the one with its name."""
        ref = (el.get("ref") or "").strip() or None
        name = self.text(el)
        plain = self.plain(el)
        same_name = [o for o in self.orgs if plain and _plain_name(o.name, self.default) == plain.casefold()]
        found = next((o for o in self.orgs if ref and o.ref == ref), None) or \
            next((o for o in same_name if not ref or not o.ref), None)
        if found is not None:
            found.ref = found.ref or ref
            return found
        if not create or not (ref or plain):
            return None
        kind = (el.get("type") or "").strip() or None
        org = _Org(_unique(slug(plain or ref, "organisation"), self.ids), name or ref, ref, kind)
        if kind and kind not in codelist("OrganisationType"):
            org.notes.append(f"type '{kind}' is not an IATI OrganisationType code; sector set to other")
            org.type = None
        self.orgs.append(org)
        return org

    def stakeholder(self, org: _Org) -> _Doc:
        data = {"name": org.name, "sector": TYPE_SECTORS.get(org.type or "", "other")}
        if org.ref:
            data["iati_ref"] = org.ref
        if org.type:
            data["iati_type"] = int(org.type)
        roles = sorted(org.roles)
        notes = list(org.notes)
        if roles:
            names = codelist("OrganisationRole")
            notes.insert(0, "IATI role: " + ", ".join(f"{r} {names[r]}" for r in roles))
        return _Doc(data, notes)

    # -- money -------------------------------------------------------------------------------
    def finances(self) -> list[_Period]:
        """A period per budget period (a revised budget replaces the original of the same period);
        transactions go to the period holding their date, or to a calendar year of their own."""
        chosen: dict[tuple, ET.Element] = {}
        for b in self.act.findall("budget"):
            start, end = _date(_attr(b, "period-start")), _date(_attr(b, "period-end"))
            if not start or not end or end < start:
                self.notes.append("a budget without a valid period; left out")
                continue
            key = (start, end)
            if key in chosen:
                self.notes.append(f"several budgets for {start} to {end}: kept the revised one, else the last")
            if key not in chosen or b.get("type") == "2" or chosen[key].get("type") != "2":
                chosen[key] = b
        periods = []
        for (start, end), b in sorted(chosen.items()):
            p = _Period(start, end)
            p.planned, p.budget_note = self.amount(b.find("value"), f"budget {start} to {end}")
            kinds = [codelist("BudgetType").get(b.get("type") or ""),
                     codelist("BudgetStatus").get(b.get("status") or "")]
            p.budget_kind = ", ".join(k.lower() for k in kinds if k)
            periods.append(p)
        for t in self.act.findall("transaction"):
            self.transaction(t, periods)
        return sorted(periods, key=lambda p: p.start)

    def transaction(self, t: ET.Element, periods: list[_Period]) -> None:
        code = (_attr(t, "transaction-type", "code") or "").strip()
        when = _date(_attr(t, "transaction-date")) or _date(_attr(t, "value", "value-date"))
        names = codelist("TransactionType")
        what = f"transaction type '{code}'" + (f" ({names[code]})" if code in names else "")
        if code not in INCOME_STATUS and code not in SPENDING:
            self.notes.append(f"{what}{f' of {when}' if when else ''}: no place for it in the content format; "
                              "left out")
            return
        if when is None:
            self.notes.append(f"{what} without a date; left out")
            return
        amount, warning = self.amount(t.find("value"), f"{what} of {when}")
        if amount is None:
            return
        period = next((p for p in periods if p.start <= when <= p.end), None) or _new_period(periods, when)
        about = self.text(t.find("description"))
        if code in INCOME_STATUS:
            provider = t.find("provider-org")
            org = self.org(provider) if provider is not None else None
            if org is None:
                org = self.org(ET.fromstring("<provider-org><narrative>Unknown funder</narrative></provider-org>"))
                org.notes.append("created for incoming money whose provider the IATI file does not name")
            plain = about if isinstance(about, str) else (about or {}).get(self.default, "")
            in_kind = plain.startswith("In kind")   # how the export marks in-kind income
            line = {"source": org.id, "kind": "in-kind" if in_kind else "cash", "status": INCOME_STATUS[code],
                    "amount": amount}
            if in_kind:
                about = plain.removeprefix("In kind").lstrip(":").strip() or None
            if about:
                line["description"] = about
            period.income.append(_Doc(line, eol={"amount": warning} if warning else {}))
        else:
            line = {"category": "activities", "actual": amount}
            if about:
                line["description"] = about
            period.expenditure.append(_Doc(line, eol={"actual": warning} if warning else {}))

    def budget(self, p: _Period) -> _Doc:
        data: dict = {"period": _Doc({"start": p.start, "end": p.end}, flow=True)}
        if p.income:
            data["income"] = p.income
        spending = list(p.expenditure)
        if p.planned is not None:
            about = "Budget for the period (IATI" + (f": {p.budget_kind})" if p.budget_kind else ")")
            spending.insert(0, _Doc({"category": "activities", "planned": p.planned, "description": about},
                                    eol={"planned": p.budget_note} if p.budget_note else {}))
        if spending:
            data["expenditure"] = spending
        return _Doc(data, p.notes)

    # -- results ------------------------------------------------------------------------------
    def results(self) -> list[tuple[str, _Doc]]:
        goals, taken = [], set()
        for r in self.act.findall("result"):
            title = self.text(r.find("title"))
            if not title:
                self.notes.append("a result without a title; left out")
                continue
            ident = _unique(slug(self.plain(r.find("title")) or "", "goal"), taken)
            kind = (r.get("type") or "").strip()
            outcome = {"id": slug(codelist("ResultType").get(kind, "results"), "results"), "title": title}
            data: dict = {"title": title}
            description = self.text(r.find("description"))
            if description:
                data["description"] = description
            notes: list[str] = []
            indicators, ind_ids = [], set()
            for el in r.findall("indicator"):
                ind = self.indicator(el, ind_ids, notes)
                if ind:
                    indicators.append(ind)
            outcome["indicators"] = indicators
            data["outcomes"] = [outcome]
            goals.append((ident, _Doc(data, notes)))
        return goals

    def indicator(self, el: ET.Element, taken: set[str], notes: list[str]) -> dict | None:
        title = self.text(el.find("title"))
        if not title:
            notes.append("an indicator without a title; left out")
            return None
        ind: dict = {"id": _unique(slug(self.plain(el.find("title")) or "", "indicator"), taken), "title": title}
        about = self.text(el.find("description"))
        if isinstance(about, str):   # the export writes unit and source as paragraphs of their own
            kept = []
            for para in about.split("\n\n"):
                key = next((k for k in ("Unit", "Source") if para.startswith(f"{k}: ")), None)
                if key:
                    ind[key.lower()] = para[len(key) + 2:].strip()
                else:
                    kept.append(para)
            about = "\n\n".join(kept).strip() or None
        if about:
            ind["description"] = about
        baseline = self.point(next(iter(el.findall("baseline")), None))
        periods = sorted((p for p in el.findall("period") if _date(_attr(p, "period-end"))),
                         key=lambda p: _date(_attr(p, "period-end")))
        targets = [(p, self.point(p.find("target"))) for p in periods if p.find("target") is not None]
        targets = [(p, x) for p, x in targets if x]
        actuals = [(p, self.point(p.find("actual"))) for p in periods if p.find("actual") is not None]
        values = [x["value"] for x in [baseline, *(t for _, t in targets), *(a for _, a in actuals)] if x]
        measure = {"2": "percentage", "5": "qualitative"}.get((el.get("measure") or "").strip(), "number")
        if any(not isinstance(v, (int, float)) for v in values) and measure != "qualitative":
            measure = "qualitative"
            notes.append(f"indicator {ind['id']}: values in words, so measure is qualitative")
        ind["measure"] = measure
        if measure != "qualitative":
            ind["direction"] = "decrease" if (el.get("ascending") or "").strip() in ("0", "false") else "increase"
        base_date = None
        if baseline:
            year = (el.find("baseline").get("year") or "").strip()
            base_date = _date(el.find("baseline").get("iso-date")) or (
                datetime.date(int(year), 1, 1) if year.isdigit() and FIRST_YEAR <= int(year) <= LAST_YEAR else None)
            if base_date:
                baseline["date"] = base_date
            ind["baseline"] = _Doc(baseline, flow=_flowable(baseline))
        if targets:
            period, target = targets[-1]
            end = _date(_attr(period, "period-end"))
            if base_date is None or end > base_date:
                target["date"] = end
            ind["target"] = _Doc(target, flow=_flowable(target))
        measurements = []
        for period, actual in actuals:
            if not actual:
                continue
            when = min(_date(_attr(period, "period-end")), self.today)
            if base_date and when < base_date:
                notes.append(f"indicator {ind['id']}: actual for the period ending {when} precedes the baseline; "
                             "left out")
                continue
            measurements.append(_Doc({"date": when, **actual}, flow=_flowable(actual)))
        if measurements:
            ind["measurements"] = measurements
        return ind

    def point(self, el: ET.Element | None) -> dict | None:
        """A baseline, target or actual: its value (a number, else the text), or for words the comment."""
        if el is None:
            return None
        raw, comment = (el.get("value") or "").strip(), self.plain(el.find("comment"))
        number = _number(raw)
        point: dict = {}
        if number is not None:
            point["value"] = number
        elif raw:
            point["value"] = raw
        elif comment:
            return {"value": comment}
        else:
            return None
        if comment:
            point["note"] = comment
        return point


# Text the YAML writer may leave unquoted inside {...} although a reader then fails on it
# (ruamel writes {value: : 0}): such a point is written in block style instead.
_FLOW_UNSAFE = re.compile(r"[\n:{}\[\],#&*!|>'\"%@`?]|^[-\s]|\s$")


def _flowable(point: dict) -> bool:
    """Short points read best on one line, as in the content format's examples."""
    return all(not isinstance(v, str) or not _FLOW_UNSAFE.search(v) for v in point.values()) and \
        len(" ".join(map(str, point.values()))) < 70


def _attr(el: ET.Element, child: str, name: str = "iso-date") -> str | None:
    found = el.find(child)
    return found.get(name) if found is not None else None


def _plain_name(name, default: str) -> str:
    text = name.get(default, "") if isinstance(name, dict) else (name or "")
    return text.casefold()


def _new_period(periods: list[_Period], when: datetime.date) -> _Period:
    """The calendar year of a date outside every period, cut back so it overlaps none."""
    start, end = datetime.date(when.year, 1, 1), datetime.date(when.year, 12, 31)
    for p in periods:
        if p.end < when:
            start = max(start, p.end + datetime.timedelta(days=1))
        elif p.start > when:
            end = min(end, p.start - datetime.timedelta(days=1))
    period = _Period(start, end)
    periods.append(period)
    return period
