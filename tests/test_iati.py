"""IATI export and import, against the real IATI 2.03 schema, the real codelists and the
standard's own example files (copies in tests/fixtures/iati, with the digests of the official files)."""

from __future__ import annotations

import datetime
import hashlib
import json
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
import xmlschema
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from conftest import edited_starter
from mspsite import MspsiteError, check, load, resolve_settings
from mspsite.assemble import build_model
from mspsite.cli import cli
from mspsite.errors import ContentError
from mspsite.iati.export import export_iati, schema_errors
from mspsite.iati.importer import import_iati
from mspsite.load import load_project

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "sample-partnership"
REFERENCE = Path(__file__).parent / "fixtures" / "iati"   # the standard's examples, official digests
EXAMPLES = sorted((REFERENCE / "examples").glob("*.xml"))
SHIPPED = ROOT / "mspsite" / "iati" / "data"
EPOCH = "1795824000"   # 2026-11-28, as in conftest.py
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

@pytest.fixture(autouse=True)
def _reproducible(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)), catch_exceptions=False)


@cache
def official_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SHIPPED / "schema" / "iati-activities-schema.xsd"))


def xsd_errors(data: bytes) -> list[str]:
    return [f"{e.path}: {e.reason}" for e in official_schema().iter_errors(data.decode("utf-8"))]


@cache
def shared_codes(name: str) -> frozenset[str]:
    root = ET.parse(SHIPPED / "codelists" / f"{name}.xml").getroot()   # official: see the digest test
    return frozenset(i.findtext("code") for i in root.iter("codelist-item") if i.get("status") != "withdrawn")


# Every coded attribute the export may write -> its codelist (an independent table, not the module's).
CODED = {("iati-activity", "default-currency"): "Currency", ("reporting-org", "type"): "OrganisationType",
         ("participating-org", "role"): "OrganisationRole", ("participating-org", "type"): "OrganisationType",
         ("provider-org", "type"): "OrganisationType", ("activity-status", "code"): "ActivityStatus",
         ("activity-date", "type"): "ActivityDateType", ("recipient-country", "code"): "Country",
         ("budget", "type"): "BudgetType", ("budget", "status"): "BudgetStatus", ("value", "currency"): "Currency",
         ("transaction-type", "code"): "TransactionType", ("result", "type"): "ResultType",
         ("indicator", "measure"): "IndicatorMeasure", ("category", "code"): "DocumentCategory",
         ("language", "code"): "Language"}
NOT_CODED = {"ref", "url", "format", "iso-date", "value-date", "year", "value", "percentage", "version",
             "generated-datetime", "last-updated-datetime", "ascending", "currency", "default-currency",
             "vocabulary", "code", "type", "role", "measure", "status"}


def bad_codes(data: bytes) -> list[str]:
    found = []
    for el in ET.fromstring(data).iter():
        for attr, value in el.attrib.items():
            if attr == XML_LANG:
                name = "Language"
            elif el.tag == "tag" and attr == "code":
                assert el.get("vocabulary") == "2"   # the export's only tag vocabulary: UN SDG Goals
                name = "UNSDG-Goals"
            elif (el.tag, attr) in CODED:
                name = CODED[(el.tag, attr)]
            else:
                assert attr in NOT_CODED or (el.tag, attr) in (("description", "type"), ("tag", "vocabulary")), \
                    (el.tag, attr)
                continue
            if value not in shared_codes(name):
                found.append(f"{el.tag}/@{attr}={value} not in {name}")
    return found


def export_folder(folder: Path, tmp_path: Path, *extra) -> bytes:
    out = tmp_path / f"export-{len(list(tmp_path.iterdir()))}.xml"
    result = run("export", "iati", folder, "-o", out, *extra)
    assert result.exit_code == 0, result.output
    return out.read_bytes()


@pytest.fixture(scope="module")
def sample_xml() -> bytes:
    with pytest.MonkeyPatch.context() as mp:   # module-scoped: the autouse fixture is per test
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        settings = resolve_settings(SAMPLE)
        return export_iati(settings, load(settings))


# -- shipped reference files ---------------------------------------------------------------------
def test_shipped_schema_and_codelists_are_the_official_files():
    official = dict(reversed(line.split("  ")) for line in (REFERENCE / "official.sha256").read_text().splitlines())
    for name in ("iati-activities-schema.xsd", "iati-common.xsd", "xml.xsd"):
        assert hashlib.sha256((SHIPPED / "schema" / name).read_bytes()).hexdigest() == official[f"schema/{name}"]
    shipped = sorted(p.name for p in (SHIPPED / "codelists").glob("*.xml"))
    assert {"OrganisationRole.xml", "OrganisationType.xml", "ActivityStatus.xml", "IndicatorMeasure.xml",
            "DocumentCategory.xml", "UNSDG-Goals.xml", "Language.xml"} <= set(shipped)
    for name in shipped:
        assert hashlib.sha256((SHIPPED / "codelists" / name).read_bytes()).hexdigest() == \
            official[f"codelists/{name}"], name
    notice = (SHIPPED / "NOTICE.md").read_text()
    assert "CC BY 4.0" in notice and "iati-activities-schema.xsd" in notice


def test_package_data_ships_the_schema():
    text = (ROOT / "pyproject.toml").read_text()
    assert '"data/**/*"' in text and '"xmlschema>=3"' in text.split("[project.optional-dependencies]")[0]


def test_the_mappings_use_real_codes():
    from mspsite.iati.export import MEASURES, PHASE_STATUS, SECTOR_TYPES

    assert set(SECTOR_TYPES.values()) <= shared_codes("OrganisationType")
    assert set(PHASE_STATUS.values()) <= shared_codes("ActivityStatus")
    assert set(MEASURES.values()) <= shared_codes("IndicatorMeasure")
    assert {"1", "2", "4"} <= shared_codes("OrganisationRole")
    assert {"A07", "A08", "A09", "A12"} <= shared_codes("DocumentCategory")


# -- export of the sample partnership -----------------------------------------------------------
def test_sample_export_is_valid_iati(sample_xml):
    assert xsd_errors(sample_xml) == []
    assert bad_codes(sample_xml) == []
    root = ET.fromstring(sample_xml)
    assert root.get("version") == "2.03" and root.get("generated-datetime") == "2026-11-28T00:00:00Z"
    act = root.find("iati-activity")
    assert act.findtext("iati-identifier") == "XM-DAC-41114-CCPK"
    assert act.find("reporting-org").attrib == {"ref": "XM-DAC-41114", "type": "40"}
    assert [n.get(XML_LANG) for n in act.find("title")] == [None, "sw"]
    assert act.find("activity-status").get("code") == "2"
    assert act.find("activity-date").attrib == {"iso-date": "2021-03-15", "type": "2"}
    assert [c.attrib for c in act.findall("recipient-country")] == [{"code": "KE"}]
    assert [t.get("code") for t in act.findall("tag")] == ["3", "5", "7", "13"]
    assert "E" not in "".join(v.text for v in act.iter("value"))   # never an exponent


def test_sample_export_through_the_command_is_deterministic(tmp_path, sample_xml):
    first = export_folder(SAMPLE, tmp_path)
    assert first == export_folder(SAMPLE, tmp_path) == sample_xml


def _raw_budgets(clearance: str = "public"):
    """Budget lines straight from the YAML files, filtered and converted independently of mspsite."""
    yaml = YAML(typ="safe", pure=True)
    config = yaml.load((SAMPLE / "mspsite.yml").read_text())
    rank = ["public", "funders", "partners", "internal"]
    allowed = rank[:rank.index(clearance) + 1]
    periods = []
    for path in sorted((SAMPLE / "budget").glob("*.yml")):
        data = yaml.load(path.read_text())
        if data.get("visibility", config.get("default_visibility", "public")) not in allowed:
            continue
        reporting = config.get("currency") or data.get("currency")
        own = data.get("currency", reporting)

        def rate(line):
            cur = line.get("currency", own)
            if cur == reporting:
                return Decimal(1)
            return Decimal(str(line.get("rate", data.get("rate", 1))))

        def shown(lines):
            return [x for x in lines or () if x.get("visibility", "public") in allowed]

        periods.append({
            "start": data["period"]["start"], "end": data["period"]["end"],
            "income": [(x["source"], x["kind"], x["status"], Decimal(str(x["amount"])) * rate(x))
                       for x in shown(data.get("income"))],
            "planned": sum((Decimal(str(x["planned"])) * rate(x) for x in shown(data.get("expenditure"))
                            if x.get("planned") is not None), Decimal(0)),
            "actual": sum((Decimal(str(x["actual"])) * rate(x) for x in shown(data.get("expenditure"))
                           if x.get("actual") is not None), Decimal(0))})
    return periods


def test_budgets_and_transactions_match_the_budget_files(sample_xml):
    act = ET.fromstring(sample_xml).find("iati-activity")
    periods = _raw_budgets()
    budgets = [(b.find("period-start").get("iso-date"), b.find("period-end").get("iso-date"),
                Decimal(b.findtext("value")), b.get("type"), b.get("status"), b.find("value").get("value-date"))
               for b in act.findall("budget")]
    assert budgets == [(str(p["start"]), str(p["end"]), p["planned"], "1", "2", str(p["start"])) for p in periods]
    assert [x[2] for x in budgets] == [Decimal(78_000_000), Decimal(91_000_000), Decimal(109_500_000)]
    by_type = defaultdict(Decimal)
    for t in act.findall("transaction"):
        by_type[t.find("transaction-type").get("code")] += Decimal(t.findtext("value"))
        assert t.find("value").get("currency") == "KES"
    received = sum((amount for p in periods for *_, status, amount in p["income"] if status == "received"),
                   Decimal(0))
    assert by_type["1"] == received
    assert by_type["4"] == sum((p["actual"] for p in periods), Decimal(0))
    assert set(by_type) == {"1", "4"}
    # the euro top-up is converted at its own rate: 150000 EUR x 140.5
    assert Decimal("21075000") in {Decimal(t.findtext("value")) for t in act.findall("transaction")}


def test_participating_org_roles(sample_xml):
    yaml = YAML(typ="safe", pure=True)
    names = {p.stem: yaml.load(p.read_text())["name"] for p in (SAMPLE / "stakeholders").glob("*.yml")}
    funders = {source for p in _raw_budgets() for source, kind, *_ in p["income"] if kind == "cash"}
    host = yaml.load((SAMPLE / "partnership.yml").read_text())["secretariat"]["host"]
    expected = Counter()
    for ident, name in names.items():
        roles = ({"1"} if ident in funders else set()) | ({"4"} if ident == host else set())
        for role in roles or {"4"}:
            expected[(name, role)] += 1
    act = ET.fromstring(sample_xml).find("iati-activity")
    found = Counter((o.findtext("narrative"), o.get("role")) for o in act.findall("participating-org"))
    assert found == expected
    assert found[("GIZ Kenya", "1")] == found[("GIZ Kenya", "4")] == 1   # funder and host: two roles
    types = {o.findtext("narrative"): o.get("type") for o in act.findall("participating-org")}
    assert types["Nuru Foundation"] == "60" and types["County Government of Kisumu"] == "11"   # iati_type wins
    assert types["Hewa Safi Alliance"] == "22" and types["Nyanza Institute of Energy Research"] == "80"
    refs = {o.findtext("narrative"): o.get("ref") for o in act.findall("participating-org")}
    assert refs["Ministry of Energy and Petroleum"] == "KE-GOV-MOE" and refs["Jiko Bora Ltd"] is None


def test_secretariat_role_setting(tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(SAMPLE, folder)
    path = folder / "mspsite.yml"
    path.write_text(path.read_text() + "  secretariat_role: 2\n")
    act = ET.fromstring(export_folder(folder, tmp_path)).find("iati-activity")
    roles = sorted(o.get("role") for o in act.findall("participating-org") if o.findtext("narrative") == "GIZ Kenya")
    assert roles == ["1", "2"]


def test_results_and_documents(sample_xml):
    act = ET.fromstring(sample_xml).find("iati-activity")
    results = act.findall("result")
    assert len(results) == 3 and {r.get("type") for r in results} == {"2"}
    indicators = {i.findtext("title/narrative"): i for r in results for i in r.findall("indicator")}
    assert len(indicators) == 10
    households = indicators["Households using a certified clean stove or LPG"]
    assert households.attrib == {"measure": "1", "ascending": "1"}
    assert households.find("baseline").attrib == {"year": "2021", "iso-date": "2021-12-31", "value": "3400"}
    periods = [(p.find("period-start").get("iso-date"), p.find("target").get("value") if p.find("target")
                is not None else None, p.find("actual").get("value") if p.find("actual") is not None else None)
               for p in households.findall("period")]
    assert periods == [("2022-01-01", None, "7900"), ("2023-01-01", None, "16800"), ("2024-01-01", None, "29300"),
                       ("2025-01-01", None, "43100"), ("2026-01-01", "60000", None)]
    assert indicators["Surveyed households whose main cooking method is clean"].get("measure") == "2"
    assert indicators["Mean 24-hour PM2.5 concentration in monitored kitchens"].get("ascending") == "0"
    strategy = indicators["Status of the national clean cooking strategy"]
    assert strategy.attrib == {"measure": "5"}
    assert strategy.find("baseline").get("value") is None
    assert strategy.findtext("baseline/comment/narrative").startswith("No strategy")
    links = {d.get("url"): [c.get("code") for c in d.findall("category")] for d in act.findall("document-link")}
    assert links == {"https://example.github.io/ccpk/": ["A12"],
                     "https://example.github.io/ccpk/reports/annual-2024/": ["A07", "A08"],
                     "https://example.github.io/ccpk/reports/nuru-foundation-2025/": ["A07", "A08"],
                     "https://example.github.io/ccpk/media/mou.pdf": ["A09"]}


def test_public_export_leaves_out_what_the_public_may_not_see(sample_xml, tmp_path):
    text = sample_xml.decode()
    act = ET.fromstring(sample_xml).find("iati-activity")
    spent = {Decimal(t.findtext("value")) for t in act.findall("transaction")}
    fuelwood = next(i for i in act.iter("indicator") if i.findtext("title/narrative").startswith("Firewood"))
    # the internal budget line (legal advice: planned 2.5 M, actual 2.1 M) and the partners-only measurement
    assert Decimal(2_100_000) not in spent and "Legal advice" not in text
    assert [p.find("actual").get("value") for p in fuelwood.findall("period") if p.find("actual") is not None] \
        == ["6.6", "5.9", "5.1"]
    assert "Preliminary" not in text and "@example.org" not in text and "Wanjiku" not in text
    partners = export_folder(SAMPLE, tmp_path, "--clearance", "partners")
    assert xsd_errors(partners) == [] and b'<actual value="4.6"' in partners and b"Legal advice" not in partners
    internal = ET.fromstring(export_folder(SAMPLE, tmp_path, "--clearance", "internal")).find("iati-activity")
    assert Decimal(2_100_000) in {Decimal(t.findtext("value")) for t in internal.findall("transaction")}
    assert Decimal(internal.findall("budget")[-1].findtext("value")) == Decimal(112_000_000)


def test_export_without_iati_block_says_what_to_add(tmp_path):
    assert run("new", tmp_path / "p").exit_code == 0
    out = tmp_path / "out.xml"
    result = run("export", "iati", tmp_path / "p", "-o", out)
    assert result.exit_code == 1
    assert "iati:" in result.output and "identifier:" in result.output and "reporting_org:" in result.output
    assert "mspsite.yml" in result.output and not out.exists()
    with pytest.raises(MspsiteError, match="reporting_org"):
        export_iati(resolve_settings(tmp_path / "p"), load(tmp_path / "p"))


def test_invalid_export_writes_nothing(tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(SAMPLE, folder)
    path = folder / "stakeholders" / "jiko-bora-ltd.yml"
    path.write_text(path.read_text() + "iati_type: 99\n")
    out = tmp_path / "out.xml"
    result = run("export", "iati", folder, "-o", out)
    # check catches it first, at its place in the file
    assert result.exit_code == 1 and not out.exists()
    assert "stakeholders/jiko-bora-ltd.yml:21:12: error: unknown IATI organisation type 99" in result.output


# What the export needs is checked by `check`, for the readership of the build, at its place.
IATI_BLOCK = ("theme: portal\n", "theme: portal\niati:\n  identifier: XM-TEST-1\n"
              "  reporting_org: {ref: XM-TEST, type: 21, name: Reporter}\n")   # iati: on line 10
NO_PUBLIC_PARTNER = ("p/mspsite.yml:10:1: error: the IATI export for public readers has no participating "
                     "organisation: no stakeholder is visible to them (give at least one partner "
                     "'visibility: public')")


def test_a_readership_that_sees_no_partner_is_reported_by_check_at_the_iati_block(tmp_path):
    """Partners only: the public portal's IATI file would have no participating organisation.
    check --clearance public says so at the iati: key, before any build; the partners' check is clean."""
    folder = edited_starter(tmp_path / "p", {"mspsite.yml": [IATI_BLOCK, ("default_visibility: public",
                                                                          "default_visibility: partners")]})
    public = run("check", folder)
    assert public.exit_code == 1
    assert public.stdout.splitlines() == [f"{tmp_path}/{NO_PUBLIC_PARTNER}"]
    partners = run("check", folder, "--clearance", "partners")
    assert partners.exit_code == 0 and partners.stdout == "", partners.output
    built = run("build", folder, "-o", tmp_path / "site")
    assert built.exit_code == 1 and f"{tmp_path}/{NO_PUBLIC_PARTNER}\n" in built.output
    assert "not built: 1 error, 0 warnings; the previous site is unchanged" in built.output
    exported = run("export", "iati", folder, "-o", tmp_path / "public.xml")
    assert exported.exit_code == 1 and f"{tmp_path}/{NO_PUBLIC_PARTNER}\n" in exported.output
    assert not (tmp_path / "public.xml").exists()
    assert b"<participating-org" in export_folder(folder, tmp_path, "--clearance", "partners")


def test_a_first_language_and_organisation_types_iati_has_no_code_for_are_reported_by_check(tmp_path):
    folder = edited_starter(tmp_path / "p", {
        "mspsite.yml": [IATI_BLOCK, ("languages: [en]", "languages: [luo, en]"), ("type: 21", "type: 99")],
        "stakeholders/ministry.yml": [("sector: public\n", "sector: public\niati_type: 98\n")]})
    result = run("check", folder)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{folder}/mspsite.yml:4:13: error: IATI has no language code for 'luo', the portal's first language, in "
        "which the IATI file is written (IATI narratives need an ISO 639-1 code such as en, fr or sw: put a "
        "language that has one first in 'languages')",
        f"{folder}/mspsite.yml:12:39: error: unknown IATI organisation type 99",
        f"{folder}/stakeholders/ministry.yml:4:12: error: unknown IATI organisation type 98"]


def test_the_export_checks_the_model_again_and_names_the_files(tmp_path):
    """A caller that skips check (a model built straight from the folder) meets the same words,
    located at the file: the export never writes what the registry would refuse."""
    folder = edited_starter(tmp_path / "p", {
        "mspsite.yml": [IATI_BLOCK, ("languages: [en]", "languages: [luo, en]"), ("type: 21", "type: 99"),
                        ("default_visibility: public", "default_visibility: partners")],
        "partnership.yml": [("founded: 2025-01-15\n", "")]})
    settings = resolve_settings(folder)
    with pytest.raises(ContentError) as refused:
        export_iati(settings, build_model(load_project(settings), settings))
    assert refused.value.report.format("text").splitlines() == [
        "mspsite.yml:1:1: error: IATI has no language code for 'luo', the portal's first language, in which the "
        "IATI file is written (IATI narratives need an ISO 639-1 code such as en, fr or sw: put a language that "
        "has one first in 'languages')",
        "mspsite.yml:1:1: error: the IATI export for public readers has no participating organisation: no "
        "stakeholder is visible to them (give at least one partner 'visibility: public')",
        "mspsite.yml:1:1: error: unknown IATI organisation type 99",
        "partnership.yml:1:1: error: missing field 'founded', needed for the IATI export (mspsite.yml has an iati: "
        "block) (add founded: 2021-03-15)"]


def test_schema_errors_name_path_and_reason():
    errors = schema_errors(b'<iati-activities version="2.03"><iati-activity><title/></iati-activity>'
                           b'</iati-activities>')
    assert errors and all(e.startswith("/iati-activities/iati-activity") for e in errors)


# -- import ------------------------------------------------------------------------------------------
def import_folder(xml: Path, tmp_path: Path) -> Path:
    folder = tmp_path / xml.stem
    result = run("import", "iati", xml, "-o", folder)
    assert result.exit_code == 0, result.output
    return folder


def test_import_writes_text_a_flow_mapping_cannot_hold_in_block_style(tmp_path):
    """A qualitative baseline of ': 0' (found by the round-trip property below) was written as
    `{value: : 0, ...}`, which no YAML reader accepts."""
    src = tmp_path / "src"
    files = {"mspsite.yml": "title: T\nlanguages: [en]\ncurrency: EUR\n"
                            "iati: {identifier: XM-TEST-1, reporting_org: {ref: XM-TEST, type: 21, name: R}}\n",
             "partnership.yml": "name: P\nsummary: S\nfounded: 2020-01-15\nphase: initiation\n",
             "stakeholders/org.yml": "name: O\nsector: public\n",
             "goals/g.yml": "title: G\noutcomes:\n- id: o\n  title: O\n  indicators:\n  - {id: i, title: I, "
                            "measure: qualitative, baseline: {value: ': 0', date: 2020-01-01}}\n"}
    for rel, text in files.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text)
    xml = tmp_path / "a.xml"
    xml.write_bytes(export_folder(src, tmp_path))
    folder = import_folder(xml, tmp_path)
    assert not check(folder).errors
    goal = next((folder / "goals").glob("*.yml")).read_text()
    assert "value: ': 0'" in goal and "{value: : 0" not in goal


@pytest.mark.parametrize("xml", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_import_passes_check(xml, tmp_path):
    folder = import_folder(xml, tmp_path)
    result = run("check", folder)
    assert result.exit_code == 0, result.output
    first = (folder / "partnership.yml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=.schemas/partnership.schema.json"
    assert (folder / ".schemas" / "partnership.schema.json").is_file()


def test_import_of_the_annotated_example(tmp_path):
    folder = import_folder(REFERENCE / "examples" / "activity-standard-example-annotated.xml", tmp_path)
    yaml = YAML(typ="safe", pure=True)
    site = yaml.load((folder / "mspsite.yml").read_text())
    assert site["languages"] == ["en", "fr", "es"] and site["currency"] == "USD"
    assert site["iati"]["identifier"] == "AA-AAA-123456789-ABC123"
    assert site["iati"]["reporting_org"]["type"] == 40
    p = yaml.load((folder / "partnership.yml").read_text())
    assert p["phase"] == "implementation" and p["founded"] == datetime.date(2012, 4, 28)
    assert p["countries"] == ["AF", "AG"] and p["name"]["fr"] == "Titre de l'activité"
    agency_b = yaml.load((folder / "stakeholders" / "name-of-agency-b.yml").read_text())
    assert agency_b == {"name": "Name of Agency B", "sector": "multilateral", "iati_ref": "BB-BBB-123456789",
                        "iati_type": 40}
    budget = (folder / "budget" / "2012.yml").read_text()
    assert "source: name-of-agency-b" in budget and "# WARNING: 1000 EUR" in budget   # USD activity, EUR value


def test_import_refuses_a_non_empty_folder_and_doctypes(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = run("import", "iati", EXAMPLES[0], "-o", tmp_path)
    assert result.exit_code == 1 and "not empty" in result.output
    evil = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<iati-activities version="2.03"><iati-activity><iati-identifier>&e;</iati-identifier>'
            b'</iati-activity></iati-activities>')
    with pytest.raises(MspsiteError, match="DOCTYPE"):
        import_iati(evil)
    laughs = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><iati-activities/>'
    with pytest.raises(MspsiteError, match="DOCTYPE"):
        import_iati(laughs)
    with pytest.raises(MspsiteError, match="not an IATI activity file"):
        import_iati(b"<html/>")


TRICKY = b"""<iati-activities version="2.03">
 <iati-activity default-currency="EUR"><iati-identifier>XM-1-A</iati-identifier>
  <reporting-org ref="XM-1" type="21"><narrative>true</narrative></reporting-org>
  <title><narrative>2024</narrative></title><description><narrative>null</narrative></description>
  <participating-org role="1" type="60" ref="XM-9"><narrative>yes</narrative></participating-org>
  <participating-org role="4" type="22"><narrative>Con</narrative></participating-org>
  <activity-status code="6"/><activity-date type="2" iso-date="2020-02-01"/>
  <transaction><transaction-type code="1"/><transaction-date iso-date="2021-05-05"/>
   <value currency="EUR" value-date="2021-05-05">0.1</value><provider-org ref="XM-9"/></transaction>
  <transaction><transaction-type code="2"/><transaction-date iso-date="2021-05-05"/>
   <value>7</value></transaction>
 </iati-activity>
 <iati-activity><iati-identifier>XM-1-B</iati-identifier>
  <reporting-org ref="XM-1" type="21"><narrative>Second</narrative></reporting-org>
  <title><narrative>Second activity</narrative></title><participating-org role="1"/>
  <activity-status code="2"/><activity-date type="1" iso-date="2020-02-01"/></iati-activity>
</iati-activities>"""


def test_import_keeps_text_as_text(tmp_path):
    files = import_iati(TRICKY)
    yaml = YAML(typ="safe", pure=True)   # YAML 1.2, as mspsite reads it
    assert yaml.load(files["mspsite.yml"])["title"] == "2024"
    assert yaml.load(files["partnership.yml"])["summary"] == "null"
    assert yaml.load(files["partnership.yml"])["phase"] == "implementation"   # 6 Suspended, with a note
    assert "Suspended" in files["partnership.yml"] and "Outgoing Commitment" in files["partnership.yml"]
    assert yaml.load(files["stakeholders/yes.yml"])["name"] == "yes"
    assert "stakeholders/con-org.yml" in files   # 'con' is a reserved file name on Windows
    assert yaml.load(files["budget/2021.yml"])["income"][0] == {"source": "yes", "kind": "cash",
                                                               "status": "received", "amount": 0.1}
    folder = tmp_path / "p"
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    assert run("check", folder, "--strict").exit_code == 0
    second = import_iati(TRICKY, "XM-1-B")
    assert yaml.load(second["mspsite.yml"])["iati"]["identifier"] == "XM-1-B"
    assert "planned start" in second["partnership.yml"]
    with pytest.raises(MspsiteError, match="XM-1-A, XM-1-B"):
        import_iati(TRICKY, "XM-1-C")


# -- round trip: import -> export -> compare ------------------------------------------------------
def figures(data: bytes) -> dict:
    """Key figures of an activity, read the way the import reads them."""
    act = ET.fromstring(data).find("iati-activity")

    groups: list[set] = []   # one organisation: the same ref, or else the same name

    def add(el):
        name = next((n.text.strip().casefold() for n in el.findall("narrative") if n.text and n.text.strip()), None)
        keys = {("ref", (el.get("ref") or "").strip()), ("name", name)} - {("ref", ""), ("name", None)}
        if keys and not any(keys & g and g.update(keys) is None for g in groups):
            groups.append(keys)

    for o in act.findall("participating-org"):
        add(o)
    for t in act.findall("transaction"):
        if t.find("transaction-type").get("code") == "1" and t.find("provider-org") is not None:
            add(t.find("provider-org"))
    budgets = {}
    for b in act.findall("budget"):   # a revised budget replaces the original of its period, else the last wins
        key = (b.find("period-start").get("iso-date"), b.find("period-end").get("iso-date"))
        if key not in budgets or b.get("type") == "2" or budgets[key][0] != "2":
            budgets[key] = (b.get("type"), Decimal(b.findtext("value")))
    moved = defaultdict(Decimal)
    for t in act.findall("transaction"):
        code = {"3": "4"}.get(t.find("transaction-type").get("code"), t.find("transaction-type").get("code"))
        if code in ("1", "4"):
            moved[code] += Decimal(t.findtext("value"))
    results = [r for r in act.findall("result") if r.findtext("title/narrative")]
    return {"identifier": act.findtext("iati-identifier"), "orgs": len(groups),
            "budget": sum((v for _, v in budgets.values()), Decimal(0)), "transactions": dict(moved),
            "results": len(results), "indicators": sum(len(r.findall("indicator")) for r in results)}


@pytest.mark.parametrize("xml", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_round_trip(xml, tmp_path):
    original = xml.read_bytes()
    folder = import_folder(xml, tmp_path)
    expected = figures(original)
    site = folder / "mspsite.yml"
    if "\niati:" not in site.read_text():   # the should-pass files have no usable identifier: give one
        site.write_text(site.read_text() + "iati:\n  identifier: XX-TEST-1\n"
                        "  reporting_org: {ref: XX-TEST, type: 90, name: Test}\n")
        expected["identifier"] = "XX-TEST-1"
    partnership = folder / "partnership.yml"
    if "\nphase:" not in partnership.read_text():   # nor a usable status or start date
        partnership.write_text(partnership.read_text() + "\nphase: implementation\nfounded: 2008-01-01\n")
    if not (folder / "stakeholders").is_dir():   # IATI needs a participating organisation
        (folder / "stakeholders").mkdir()
        (folder / "stakeholders" / "partner.yml").write_text("name: Partner\nsector: other\n")
        expected["orgs"] += 1
    again = export_folder(folder, tmp_path)
    assert xsd_errors(again) == []
    assert bad_codes(again) == []
    assert figures(again) == expected


# -- property: generated partnerships export to valid IATI ------------------------------------------
TEXT = st.text(st.sampled_from(list("abcxyzABC 0123&<>\"'éüß中-:#")), min_size=1, max_size=20).filter(str.strip)
AMOUNT = st.decimals(min_value=0, max_value=10 ** 10, places=2, allow_nan=False, allow_infinity=False)
PHASES = ["initiation", "design", "implementation", "consolidation", "closing", "closed"]
SECTORS = ["public", "private", "civil-society", "academia", "multilateral", "philanthropy", "other"]


@st.composite
def partnerships(draw) -> dict[str, object]:
    n = draw(st.integers(1, 4))
    ids = [f"org-{i}" for i in range(n)]
    languages = draw(st.sampled_from([["en"], ["en", "fr"], ["fr", "en"]]))
    currency = draw(st.sampled_from(["EUR", "KES", "USD"]))

    def text():
        t = draw(TEXT)
        return {lang: f"{t} {lang}" for lang in languages} if len(languages) > 1 and draw(st.booleans()) else t

    files: dict[str, object] = {
        "mspsite.yml": {"title": text(), "languages": languages, "currency": currency,
                        **({"site_url": "https://example.org/p/"} if draw(st.booleans()) else {}),
                        "iati": {"identifier": "XM-TEST-1", "reporting_org": {"ref": "XM-TEST", "type": 21,
                                                                               "name": text()},
                                 **({"secretariat_role": draw(st.sampled_from([2, 4]))} if draw(st.booleans())
                                    else {})}},
        "partnership.yml": {"name": text(), "summary": text(), "founded": "2020-01-15",
                            "phase": draw(st.sampled_from(PHASES)),
                            "countries": draw(st.lists(st.sampled_from(["KE", "UG", "TZ", "ET"]), unique=True,
                                                       max_size=3)),
                            "sdgs": draw(st.lists(st.integers(1, 17), unique=True, max_size=4)),
                            **({"secretariat": {"host": draw(st.sampled_from(ids))}} if draw(st.booleans())
                               else {})}}
    for ident in ids:
        s = {"name": text(), "sector": draw(st.sampled_from(SECTORS))}
        if draw(st.booleans()):
            s["iati_type"] = int(draw(st.sampled_from(sorted(shared_codes("OrganisationType")))))
        if draw(st.booleans()):
            s["iati_ref"] = f"XM-{ident.upper()}"
        files[f"stakeholders/{ident}.yml"] = s
    for year in draw(st.lists(st.sampled_from([2021, 2022, 2023, 2024]), unique=True, max_size=3)):
        def money(line):
            if draw(st.booleans()):
                line.update(currency="CHF", rate=float(draw(st.decimals(min_value=Decimal("0.0001"), max_value=500,
                                                                       places=4))))
            return line

        income = [money({"source": draw(st.sampled_from(ids)), "kind": draw(st.sampled_from(["cash", "in-kind"])),
                         "status": draw(st.sampled_from(["pledged", "committed", "received"])),
                         "amount": float(draw(AMOUNT))}) for _ in range(draw(st.integers(0, 3)))]
        spending = []
        for _ in range(draw(st.integers(0, 3))):
            line = {"category": draw(st.sampled_from(["secretariat", "activities", "other"]))}
            if draw(st.booleans()):
                line["planned"] = float(draw(AMOUNT))
            if draw(st.booleans()):
                line["actual"] = float(draw(AMOUNT))
            spending.append(money(line))
        files[f"budget/{year}.yml"] = {"period": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
                                       "income": income, "expenditure": spending}
    for g in range(draw(st.integers(0, 2))):
        indicators = []
        for i in range(draw(st.integers(0, 3))):
            measure = draw(st.sampled_from(["number", "percentage", "qualitative"]))
            value = TEXT if measure == "qualitative" else st.integers(0, 10 ** 6) | st.floats(0, 100).map(
                lambda x: round(x, 3))
            ind = {"id": f"i{i}", "title": text(), "measure": measure,
                   "direction": draw(st.sampled_from(["increase", "decrease"])),
                   "measurements": [{"date": f"{y}-06-30", "value": draw(value)}
                                    for y in draw(st.lists(st.sampled_from([2021, 2022, 2025]), unique=True))]}
            if draw(st.booleans()):
                ind["baseline"] = {"value": draw(value), "date": "2020-01-01"}
            if draw(st.booleans()):
                ind["target"] = {"value": draw(value), **({"date": "2030-12-31"} if draw(st.booleans()) else {})}
            indicators.append(ind)
        files[f"goals/goal-{g}.yml"] = {"title": text(), "outcomes": [{"id": "o", "title": text(),
                                                                        "indicators": indicators}]}
    return files


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(partnerships())
def test_generated_partnerships_export_to_valid_iati(files):
    with tempfile.TemporaryDirectory() as tmp:
        for rel, data in files.items():
            path = Path(tmp) / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(data, ensure_ascii=False))   # JSON is YAML 1.2
        settings = resolve_settings(tmp)
        report = check(settings)
        assert not report.errors, report.format("text")
        data = export_iati(settings, load(settings))
    assert xsd_errors(data) == []
    assert bad_codes(data) == []
    act = ET.fromstring(data).find("iati-activity")
    shares = [Decimal(c.get("percentage") or 100) for c in act.findall("recipient-country")]
    assert not shares or sum(shares) == 100
    assert all("E" not in v.text and "e" not in v.text for v in act.iter("value"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(partnerships())
def test_generated_partnerships_survive_export_import_export(files):
    """export -> import -> check -> export: the same key figures (money within float precision,
    as YAML numbers are floats)."""
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        for rel, data in files.items():
            (Path(first) / rel).parent.mkdir(parents=True, exist_ok=True)
            (Path(first) / rel).write_text(json.dumps(data, ensure_ascii=False))
        exported = export_iati(resolve_settings(first), load(first))
        for rel, text in import_iati(exported).items():
            (Path(second) / rel).parent.mkdir(parents=True, exist_ok=True)
            (Path(second) / rel).write_text(text)
        settings = resolve_settings(second)
        assert not check(settings).errors, check(settings).format("text")
        again = export_iati(settings, load(settings))
    before, after = figures(exported), figures(again)

    def close(a: Decimal, b: Decimal) -> bool:
        return abs(a - b) <= abs(a) * Decimal("1e-12") + Decimal("0.0001")

    assert close(before.pop("budget"), after.pop("budget"))
    moved_before, moved_after = before.pop("transactions"), after.pop("transactions")
    assert moved_before.keys() == moved_after.keys()
    assert all(close(moved_before[k], moved_after[k]) for k in moved_before)
    assert before == after
