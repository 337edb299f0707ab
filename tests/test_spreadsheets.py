"""Spreadsheets hold contributor text as text, never as a formula (formula injection).

A partnership whose titles, names, notes and risks start like formulas is built; the
report workbook is read back with openpyxl and every CSV file (report tables and open
data) with the csv module, as a funder's spreadsheet program would open them."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from conftest import SOURCE_DATE_EPOCH, edited_starter, portal_in_memory
from mspsite import check
from mspsite.outputs.spreadsheets import csv_bytes, csv_cell, workbook
from mspsite.tables import Column, Table


HYPERLINK = '=HYPERLINK("http://x","y")'
# What each hostile text replaces in the starter partnership, file by file.
HOSTILE = {
    "decisions/first-work-plan.md": [("title: Adopt the first work plan", f"title: '{HYPERLINK}'")],
    "stakeholders/ministry.yml": [("name: Ministry of Energy", 'name: "+1+1"')],
    "stakeholders/energy-fund.yml": [("name: Energy Access Fund", 'name: "@SUM(A1)"')],
    "stakeholders/community-network.yml": [("name: Community Energy Network", 'name: "\\t=1"')],
    "lessons/agree-the-goal-first.md": [("title: Agree on the goal before the budget", 'title: "-2+3"')],
    "goals/energy-access.yml": [("- {date: 2025-06-30, value: 900}",
                                 "- {date: 2025-06-30, value: 900}\n          - {date: 2025-09-30, value: -5, "
                                 "note: '=1+2'}")],
}
REPORT = """title: Report to the fund, 2025
period: {start: 2025-01-01, end: 2025-12-31}
date: 2026-01-31
funder: energy-fund
summary: The year in one paragraph.
sections: [results, finances, decisions, lessons, risks]
risks:
  - {risk: "+1+1", likelihood: low, impact: low, mitigation: "@SUM(A1)"}
"""
IN_PARTNERSHIP = {HYPERLINK, "+1+1", "@SUM(A1)", "\t=1", "-2+3", "=1+2"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, bytes]:
    root = edited_starter(tmp_path_factory.mktemp("hostile") / "p", HOSTILE)
    (root / "reports").mkdir()
    (root / "reports" / "fund-2025.yml").write_text(REPORT)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        assert not check(root).errors
        site = portal_in_memory(root)
    return site.files


def _cells(book) -> list:
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_report_workbook_holds_hostile_text_as_text(built):
    book = load_workbook(io.BytesIO(built["reports/fund-2025.xlsx"]))
    cells = _cells(book)
    assert not [c.coordinate for c in cells if c.data_type == "f"], "the workbook holds formulas"
    hostile = [c for c in cells if c.value in IN_PARTNERSHIP]
    assert {c.value for c in hostile} == IN_PARTNERSHIP - {"=1+2"}   # the measurement note is not in a report
    for cell in hostile:
        assert cell.data_type == "s" and cell.quotePrefix, (cell.parent.title, cell.coordinate, cell.value)
    decision = book["Decisions taken in the period"]["B2"]
    assert (decision.value, decision.data_type) == (HYPERLINK, "s")


def test_report_workbook_keeps_numbers_as_numbers(built):
    sheet = load_workbook(io.BytesIO(built["reports/fund-2025.xlsx"]))["Expenditure by category"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    variance = rows["Activities"][3]   # 31,000 spent of 40,000 planned
    assert (variance.value, variance.data_type) == (-9000, "n")
    assert not variance.quotePrefix


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def test_csv_files_neutralise_hostile_text(built):
    tables = {rel: _csv(data) for rel, data in built.items() if rel.endswith(".csv")}
    assert {"data/decisions.csv", "data/stakeholders.csv", "data/measurements.csv",
            "reports/fund-2025/decisions.csv", "reports/fund-2025/risks.csv"} <= tables.keys()
    cells = [(rel, cell) for rel, rows in tables.items() for row in rows for cell in row]
    assert not [(rel, cell) for rel, cell in cells if cell in IN_PARTNERSHIP], "a CSV cell starts a formula"
    found = {cell[1:] for _, cell in cells if cell.startswith("'")}
    assert found == IN_PARTNERSHIP
    assert _csv(built["data/decisions.csv"])[1][2] == "'" + HYPERLINK
    names = [row[1] for row in _csv(built["data/stakeholders.csv"])[1:]]
    assert sorted(names) == sorted(["'+1+1", "'@SUM(A1)", "'\t=1"])
    risk = _csv(built["reports/fund-2025/risks.csv"])[1]
    assert (risk[0], risk[3]) == ("'+1+1", "'@SUM(A1)")


def test_csv_files_keep_numbers_as_numbers(built):
    measurement = _csv(built["data/measurements.csv"])[-1]
    assert (measurement[3], measurement[4]) == ("-5", "'=1+2")
    expenditure = {row[0]: row for row in _csv(built["reports/fund-2025/expenditure.csv"])[1:]}
    assert expenditure["Activities"][3] == "-9000"


# Cells a partnership can no longer hold (check refuses a CR in text) are still neutralised.
PAYLOADS = [HYPERLINK, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=1"]


@pytest.mark.parametrize("text", PAYLOADS)
def test_one_csv_rule_for_every_formula_start(text):
    assert csv_cell(text) == "'" + text
    if "\r" not in text:   # the csv module leaves a CR unquoted with "\n" lines; no text can hold one
        assert _csv(csv_bytes([["id", "text"], ["a", text]])) == [["id", "text"], ["a", "'" + text]]


@pytest.mark.parametrize("value", [-5, Decimal("-2.50"), -0.5, 0, "", "plain", "a=b", "'quoted"])
def test_numbers_and_harmless_text_are_written_as_they_are(value):
    assert csv_cell(value) == value
    assert csv_cell(None) == ""


def test_workbook_cells_from_any_table():
    table = Table("t", "Text", (Column("text", "Text"), Column("amount", "Amount", "money")),
                  tuple({"text": text, "amount": Decimal(-5)} for text in [*PAYLOADS, "#N/A", "#REF!"]))
    sheet = load_workbook(io.BytesIO(workbook([table], "T", "EUR", datetime.date(2025, 1, 1))))["Text"]
    rows = list(sheet.iter_rows(min_row=2))
    for (text, amount), (text_cell, amount_cell) in zip(table.lines(), rows):
        assert text_cell.data_type == "s", text   # not a formula, nor an error value such as #N/A
        assert text_cell.value == text.replace("\r", "\n")   # XML reads a CR in text as a line feed
        assert (amount_cell.value, amount_cell.data_type) == (-5, "n")
