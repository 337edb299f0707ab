"""Funder reports: figures that reconcile with the budget files, CSV/XLSX, PDF."""

import csv
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import SAMPLE, SOURCE_DATE_EPOCH
from mspsite import check, load, resolve_settings
from mspsite.load import load_project
from mspsite.validate import validate
from mspsite.assemble import build_model
from mspsite.reporting import report_figures

STARTER = Path(__file__).parent.parent / "mspsite" / "starter"


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)


def _independent_sums(root: Path, start: str, end: str, clearance_public=True):
    """Income and expenditure for a period straight from the YAML files: amount x rate."""
    income = planned = actual = Decimal(0)
    by_source: dict[str, Decimal] = {}
    for doc in load_project(resolve_settings(root)).of_kind("budget"):
        period = doc.data["period"]
        if not (period["start"] >= start and period["end"] <= end):
            continue
        if doc.data.get("visibility", "public") != "public":
            continue
        for line in doc.data.get("income", []):
            if line.get("visibility", "public") == "public":
                amount = Decimal(str(line["amount"])) * Decimal(str(line.get("rate", 1)))
                income += amount
                by_source[line["source"]] = by_source.get(line["source"], Decimal(0)) + amount
        for line in doc.data.get("expenditure", []):
            if line.get("visibility", "public") == "public":
                rate = Decimal(str(line.get("rate", 1)))
                planned += Decimal(str(line.get("planned", 0))) * rate
                actual += Decimal(str(line.get("actual", 0))) * rate
    return income, planned, actual, by_source


def test_report_totals_reconcile_with_the_budget_files():
    raw = load_project(resolve_settings(SAMPLE))
    model = build_model(raw, resolve_settings(raw.root, clearance="public"))
    assert model.reports
    for report in model.reports:
        f = report_figures(model, report, lambda s: s)
        income, planned, actual, by_source = _independent_sums(SAMPLE, report.start.isoformat(),
                                                               report.end.isoformat())
        assert (f.totals.income, f.totals.planned, f.totals.actual) == (income, planned, actual), report.id
        table = f.tables["income-by-source"]
        assert table.totals["amount"] == income
        assert sum(row["amount"] for row in table.rows) == income
        expenditure = f.tables["expenditure"]
        assert (expenditure.totals["planned"], expenditure.totals["actual"]) == (planned, actual)
        assert sum(row["actual"] for row in expenditure.rows) == actual
        if report.funder:
            funder = f.tables["funder-contribution"]
            assert funder.totals["amount"] == by_source.get(report.funder.id, Decimal(0))


def test_generated_partnerships_reconcile(tmp_path):
    """Variations of the starter with several currencies and rates: report totals equal the file sums."""
    import random

    rng = random.Random(7)
    for n in range(5):
        src = tmp_path / f"p{n}"
        shutil.copytree(STARTER, src)
        lines, expenditure = [], []
        for i in range(rng.randint(1, 8)):
            amount = round(rng.uniform(0, 10**6), 2)
            currency = rng.choice(["EUR", "USD", "KES"])
            rate = "" if currency == "EUR" else f", rate: {round(rng.uniform(0.005, 2), 4)}"
            cur = "" if currency == "EUR" else f", currency: {currency}"
            lines.append(f"  - {{source: energy-fund, kind: cash, status: received, amount: {amount}{cur}{rate}}}")
            expenditure.append(f"  - {{category: activities, planned: {amount}, actual: {round(amount * 0.9, 2)}"
                               f"{cur}{rate}}}")
        (src / "budget" / "2025.yml").write_text("period: {start: 2025-01-01, end: 2025-12-31}\nincome:\n"
                                                 + "\n".join(lines) + "\nexpenditure:\n" + "\n".join(expenditure) + "\n")
        (src / "reports").mkdir()
        (src / "reports" / "r.yml").write_text("title: R\nperiod: {start: 2025-01-01, end: 2025-12-31}\n"
                                               "funder: energy-fund\n")
        raw = load_project(resolve_settings(src))
        assert not validate(raw, resolve_settings(raw.root)).errors, validate(raw, resolve_settings(raw.root)).format()
        model = build_model(raw, resolve_settings(raw.root))
        f = report_figures(model, model.reports[0], lambda s: s)
        income, planned, actual, by_source = _independent_sums(src, "2025-01-01", "2025-12-31")
        assert (f.totals.income, f.totals.planned, f.totals.actual) == (income, planned, actual)
        assert f.tables["funder-contribution"].totals["amount"] == by_source["energy-fund"]


def test_unknown_currency_without_rate_is_an_error(tmp_path):
    src = tmp_path / "p"
    shutil.copytree(STARTER, src)
    (src / "budget" / "2025.yml").write_text(
        "period: {start: 2025-01-01, end: 2025-12-31}\nincome:\n"
        "  - {source: energy-fund, kind: cash, status: received, amount: 5, currency: XYZ}\n")
    lines = check(src).format().splitlines()
    assert "budget/2025.yml:3:78: error: unknown currency code 'XYZ'" in lines
    assert "budget/2025.yml:3:78: error: amount in XYZ needs a 'rate' (EUR per XYZ) (add rate: <EUR per XYZ> " \
           "to the line)" in lines


def test_indicators_without_measurement_in_period_are_shown():
    model = load(SAMPLE, clearance="public")
    report = next(r for r in model.reports if r.id == "nuru-foundation-2025")
    rows = report_figures(model, report, lambda s: s).tables["results"].rows
    assert len(rows) == sum(len(g.indicators) for g in model.goals)
    assert any(row["value"] == "no measurement in the period" for row in rows)


def test_tables_are_numbered_in_the_order_of_the_sections():
    """The report page and the pages its long tables continue on number a table alike: through the sections
    as the report orders them, the annex last unless placed; only shown tables count."""
    import dataclasses

    model = load(SAMPLE, clearance="public")
    report = next(r for r in model.reports if r.id == "nuru-foundation-2025")
    f = report_figures(model, dataclasses.replace(report, sections=("decisions", "finances", "outlook")), lambda s: s)
    assert f.sections == ("decisions", "finances", "outlook", "annex")
    assert f.numbers == {"decisions": 1, "income-by-source": 2, "income-by-kind-and-status": 3, "expenditure": 4,
                         "funder-contribution": 5, "partners": 6, "bodies": 7}
    assert f.itemised == ("decisions", "funder-contribution", "partners", "bodies")   # not results: not shown
    f = report_figures(model, dataclasses.replace(report, sections=("annex", "results")), lambda s: s)
    assert f.numbers == {"partners": 1, "bodies": 2, "results": 3}


def test_report_page_csv_and_xlsx(tmp_path):
    from openpyxl import load_workbook

    from mspsite.build import build

    build(SAMPLE, tmp_path / "out", history=False, pdf=False)
    out = tmp_path / "out" / "reports"
    html = (out / "annual-2024" / "index.html").read_text()
    for heading in ("1. Summary", "2. Results", "3. Finances", "Annex: partners and governance bodies"):
        assert heading in html
    assert 'href="../annual-2024.xlsx"' in html and 'href="results.csv"' in html
    assert ".pdf" not in html      # no PDF link unless built with --pdf
    rows = list(csv.reader(io.StringIO((out / "annual-2024" / "income-by-source.csv").read_text())))
    assert rows[0] == ["Source", "Amount", "Share"] and rows[-1][0] == "Total"
    book = load_workbook(out / "annual-2024.xlsx")
    sheet = book["Income by source"]
    values = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert all(isinstance(v, (int, float)) for v in values)          # numbers as numbers
    assert sum(values[:-1]) == pytest.approx(values[-1])
    assert (tmp_path / "out" / "reports" / "index.html").read_text().count('href="annual-2024/index.html"') == 1


def test_pdf_has_sections_and_sane_page_count(tmp_path):
    from pypdf import PdfReader

    from mspsite.build import build

    build(SAMPLE, tmp_path / "out", history=False, pdf=True)
    pdf = tmp_path / "out" / "reports" / "nuru-foundation-2025.pdf"
    reader = PdfReader(pdf)
    assert 4 <= len(reader.pages) <= 20
    text = "\n".join(page.extract_text() for page in reader.pages)
    for heading in ("Contents", "1. Summary", "2. Results", "3. Finances", "Annex: partners and governance bodies",
                    "Contribution of Nuru Foundation"):
        assert heading in text, heading
    assert "Dec 31, 2025" in text
    html = (tmp_path / "out" / "reports" / "nuru-foundation-2025" / "index.html").read_text()
    assert 'href="../nuru-foundation-2025.pdf"' in html


def test_print_emulation_has_no_clipped_table(tmp_path, browser):
    """In Chromium's print emulation at A4 width, no report table is wider than the page."""
    from mspsite.build import build

    build(SAMPLE, tmp_path / "out", history=False)
    page = browser.new_page(viewport={"width": 794, "height": 1123})   # A4 at 96 dpi
    page.emulate_media(media="print")
    for report in ("annual-2024", "nuru-foundation-2025"):
        page.goto((tmp_path / "out" / "reports" / report / "index.html").as_uri())
        overflow = page.evaluate("""() => Array.from(document.querySelectorAll('table')).map(t => {
            const wrap = t.parentElement; return [t.scrollWidth, wrap.clientWidth, t.querySelector('caption')?.textContent]
        }).filter(([w, c]) => w > c + 1)""")
        assert overflow == [], f"{report}: tables wider than the page: {overflow}"
        page.screenshot(path=str(tmp_path / f"{report}.png"), full_page=True)
    page.close()
