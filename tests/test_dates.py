"""Dates lie in the years 1900 to 2200 (schemas.FIRST_YEAR, LAST_YEAR).

A target in 9999 passed check and crashed the chart code; a date in year 1 went out to
IATI. `check` refuses years outside the bounds at the value, once; dates at the bounds
build, with a chart and a valid IATI export. The bad-input corpus has the dates in
goals, decisions and measurements (tests/corpus/make_corpus.py, date-year-*)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import SOURCE_DATE_EPOCH, edited_starter
from conftest import portal_in_memory
from mspsite import check
from mspsite.iati.export import schema_errors
from mspsite.schemas import FIRST_YEAR, LAST_YEAR, schema_files

ROOT = Path(__file__).parent.parent
IATI = "iati:\n  identifier: XM-DAC-41114-OP\n  reporting_org: {ref: XM-DAC-41114, type: 40, name: UNDP}\n"
GOAL = "goals/energy-access.yml"


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)


def starter(tmp_path: Path, edits: dict[str, list[tuple[str, str]]]) -> Path:
    root = edited_starter(tmp_path / "p", edits)
    with open(root / "mspsite.yml", "a") as fh:
        fh.write(IATI)
    return root


def test_dates_at_the_bounds_build_with_a_chart_and_a_valid_iati_export(tmp_path):
    root = starter(tmp_path, {
        "partnership.yml": [("founded: 2025-01-15", f"founded: {FIRST_YEAR}-01-01")],
        GOAL: [("baseline: {value: 500, date: 2025-01-01}", f"baseline: {{value: 500, date: {FIRST_YEAR}-01-01}}"),
               ("target: {value: 10000, date: 2028-12-31}", f"target: {{value: 10000, date: {LAST_YEAR}-12-31}}"),
               ("- {date: 2025-06-30, value: 900}", f"- {{date: {FIRST_YEAR}-01-01, value: 600}}\n"
                                                    "          - {date: 2025-06-30, value: 900}")],
        "decisions/first-work-plan.md": [("date: 2025-02-10", f"date: {FIRST_YEAR}-01-01")],
    })
    assert not check(root).errors
    site = portal_in_memory(root)
    page = site.files["goals/energy-access/index.html"].decode()
    charts = [svg for svg in re.findall(r"<svg.*?</svg>", page, re.S) if f">{FIRST_YEAR}<" in svg]
    assert len(charts) == 1   # the indicator's line chart: its time axis starts in the first year
    assert f"Dec 31, {LAST_YEAR}" in page   # the target, in the chart's description (the date as readers write it)
    iati = site.files["data/iati-activities.xml"]
    assert schema_errors(iati) == []
    text = iati.decode()
    assert f'iso-date="{FIRST_YEAR}-01-01"' in text and f'iso-date="{LAST_YEAR}-12-31"' in text


@pytest.mark.parametrize("year", ["0001", "1899", "2201", "9999"])
def test_dates_outside_the_bounds_are_refused_once_at_the_value(year, tmp_path):
    root = starter(tmp_path, {GOAL: [("target: {value: 10000, date: 2028-12-31}",
                                      f"target: {{value: 10000, date: {year}-12-31}}")]})
    errors = [d.format_text() for d in check(root).errors]
    # one mistake, one message: no "target date is not after the baseline date" besides
    assert errors == [f"{GOAL}:16:38: error: 'date': '{year}-12-31' is outside the years 1900 to 2200 "
                      "(check the year: dates so far in the past or future are typing mistakes)"]


def test_the_bounds_are_documented():
    date = json.loads(schema_files()["common.schema.json"])["$defs"]["date"]
    bounds = f"in the years {FIRST_YEAR} to {LAST_YEAR}"
    assert bounds in date["description"]
    assert bounds in (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    section = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8").split("## invalid-date")[1]
    assert f"years {FIRST_YEAR} to {LAST_YEAR}" in section.split("\n## ")[0]
