"""Tables (issue 9): the finance tables are built once, in Python, from figures.Totals; they
reconcile, are read by column key, and any Table renders with the theme's one table macro,
from the portal's templates and from a partnership's own overrides."""

import csv
import datetime
import io
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import SAMPLE, SOURCE_DATE_EPOCH
from mspsite import load, resolve_settings
from mspsite.finances import all_periods_finances, period_finances
from mspsite.i18n import Formats
from mspsite.plan import PlannedPage, plan_site
from mspsite.render import Renderer
from mspsite.reporting import report_figures
from mspsite.outputs.spreadsheets import table_csv
from mspsite.tables import Column, Table
from mspsite.theme import load_theme

STARTER = Path(__file__).parent.parent / "mspsite" / "starter"
ZERO = Decimal(0)


def _(text):
    return text


@pytest.fixture(scope="module")
def internal():
    """The sample at the widest clearance, so every line of every period counts."""
    return load(SAMPLE, clearance="internal")


def _column(table, key):
    return sum((row[key] for row in table.rows), ZERO)


def _every_finances(model):
    yield all_periods_finances(model.budgets, _)
    for b in model.budgets:
        yield period_finances(b, _, model.language)


def test_income_tables_reconcile(internal):
    for f in _every_finances(internal):
        t, source, kinds = f.totals, f.tables["income-by-source"], f.tables["income-by-kind-or-status"]
        assert t.income > 0
        assert _column(source, "amount") == source.totals["amount"] == t.income
        by_kind = [row for row in kinds.rows if row["status"] is None]
        by_status = [row for row in kinds.rows if row["status"] is not None]
        assert by_kind and by_status
        assert sum(row["amount"] for row in by_kind) == sum(row["amount"] for row in by_status) == t.income
        assert sum(row["share"] for row in source.rows) == pytest.approx(1.0)
        assert source.totals["share"] == 1.0


def test_expenditure_tables_reconcile(internal):
    for f in _every_finances(internal):
        t, table = f.totals, f.tables["expenditure"]
        for row in (*table.rows, table.totals):
            assert row["variance"] == row["actual"] - row["planned"]
            assert row["variance_share"] == pytest.approx(float(row["variance"] / row["planned"]))
        assert (_column(table, "planned"), _column(table, "actual"), _column(table, "variance")) == \
               (table.totals["planned"], table.totals["actual"], table.totals["variance"]) == \
               (t.planned, t.actual, t.variance)


def test_budget_periods_add_up_to_all_periods(internal):
    f = all_periods_finances(internal.budgets, _)
    table = f.tables["budget-periods"]
    assert [row["period_item"] for row in table.rows] == list(internal.budgets)
    for key in ("income", "planned", "actual", "variance"):
        assert _column(table, key) == table.totals[key] == getattr(f.totals, key), key
    for row in table.rows:
        assert row["variance"] == row["actual"] - row["planned"]


def test_line_tables_add_up_to_the_period(internal):
    for b in internal.budgets:
        f = period_finances(b, _, internal.language)
        income, spend = f.tables["income-lines"], f.tables["expenditure-lines"]
        assert len(income.rows) == len(b.income) and len(spend.rows) == len(b.expenditure)
        assert _column(income, "amount") == f.totals.income
        assert sum((row["planned"] or ZERO for row in spend.rows), ZERO) == f.totals.planned
        assert sum((row["actual"] or ZERO for row in spend.rows), ZERO) == f.totals.actual


def test_a_converted_line_says_its_amount_and_rate(internal):
    b = next(b for b in internal.budgets if any(x.currency != b.currency for x in b.income))
    x = next(x for x in b.income if x.currency != b.currency)
    row = period_finances(b, _, internal.language).tables["income-lines"].rows[b.income.index(x)]
    fmt = Formats(internal.language, None)
    assert row["description"] == f"{x.description or ''} ({fmt.money(x.amount, x.currency)} × {fmt.number(x.rate)})"
    assert row["amount"] == x.amount * x.rate and row["source_item"] is x.source


def test_the_report_uses_the_same_finance_tables(internal):
    report = internal.reports[0]
    f = report_figures(internal, report, _)
    same = all_periods_finances(f.periods, _)
    for name in ("income-by-source", "expenditure"):
        assert f.tables[name] == same.tables[name], name
    by_kind_and_status = f.tables["income-by-kind-and-status"]
    assert _column(by_kind_and_status, "amount") == by_kind_and_status.totals["amount"] == f.totals.income


def test_rows_are_read_by_key_and_files_write_the_columns_in_order(internal):
    table = all_periods_finances(internal.budgets, _).tables["income-by-source"]
    first = table.rows[0]
    stakeholder, amount = first["source_item"], first["amount"]
    assert first["source"] == stakeholder.name and table.values(first) == (stakeholder.name, amount, first["share"])
    lines = list(csv.reader(io.StringIO(table_csv(table).decode())))
    assert lines[0] == ["Source", "Amount", "Share"]             # the link target is for pages only
    assert lines[1] == [stakeholder.name, str(amount), str(first["share"])]
    assert lines[-1][:2] == ["Total", str(table.totals["amount"])]
    assert table.chart_rows("source", "amount")[0] == (stakeholder.name, (float(amount),))


def test_a_row_without_a_column_is_refused():
    with pytest.raises(ValueError, match="table 't': a row has no amount"):
        Table("t", "T", (Column("name", "Name"), Column("amount", "Amount", "money")), ({"name": "x"},))
    with pytest.raises(ValueError, match="kind 'currency'"):
        Column("amount", "Amount", "currency")


def test_results_table_shows_goal_and_outcome_as_group_rows(internal):
    table = report_figures(internal, internal.reports[0], _).tables["results"]
    assert [c.key for c in table.group_columns] == ["goal", "outcome"]
    assert [c.key for c in table.shown] == ["indicator", "unit", "baseline", "target", "value", "reached", "status",
                                            "source"]   # the date is shown under the value
    assert [c.title for c in table.columns][:2] == ["Goal", "Outcome"]   # files keep them as columns


# -- the one table macro, from an override in the partnership folder -------------------------------------------

OVERRIDE = """{% from "table_macros.html" import table with context %}
{% for t in tables %}{{ table(t) }}
{% endfor %}"""


@pytest.fixture(scope="module")
def renderer(tmp_path_factory):
    """The portal theme over the starter, with overrides/tables.html rendering any tables it is given."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        src = tmp_path_factory.mktemp("tables") / "p"
        shutil.copytree(STARTER, src)
        (src / "overrides").mkdir()
        (src / "overrides" / "tables.html").write_text(OVERRIDE)
        settings = resolve_settings(src, history=False)
        model = load(settings)
        site = plan_site(model, settings, _)
        return Renderer(site, load_theme("portal", src)), model


def _render(renderer, *tables) -> str:
    return renderer.page(PlannedPage("finances/", "tables.html", "Tables", "finances", context={"tables": tables})).html.decode()


def test_an_override_renders_any_table_with_the_theme_macro(renderer):
    r, model = renderer
    f = all_periods_finances(model.budgets, _)
    html = _render(r, f.tables["income-by-source"], f.tables["expenditure"])
    top = f.tables["income-by-source"].rows[0]
    assert '<caption>Income by source</caption>' in html
    assert ('<thead><tr><th scope="col">Source</th><th scope="col" class="num">Amount</th>'
            '<th scope="col" class="num">Share</th></tr></thead>') in html
    assert (f'<tr><th scope="row"><a href="../partners/{top["source_item"].id}/index.html">{top["source"]}</a></th>'
            f'<td class="num">€{top["amount"]:,.0f}</td>') in html
    assert '<tfoot><tr><th scope="row">Total</th>' in html
    assert html.count("<table>") == 2 and html.count("</tfoot>") == 2


def test_a_table_without_rows_has_one_empty_row_across_its_columns(renderer):
    r, _model = renderer
    columns = (Column("name", "Name"), Column("amount", "Amount", "money"), Column("when", "When", "date"),
               Column("note", "Note"))
    html = _render(r, Table("nothing", "Nothing yet", columns, ()))
    assert '<tbody><tr><td colspan="4" class="empty">Nothing recorded.</td></tr></tbody>' in html
    assert "<tfoot>" not in html
    grouped = Table("grouped", "Grouped", (Column("group", "Group"), *columns), (), groups=("group",))
    assert '<td colspan="4" class="empty">' in _render(r, grouped)


def test_group_rows_head_the_rows_below_them_and_notes_go_under_values(renderer):
    r, _model = renderer
    table = Table("g", "G", (Column("goal", "Goal"), Column("outcome", "Outcome"),
                             Column("x", "X", "number", note="when"), Column("when", "When", "date")),
                  tuple({"goal": g, "outcome": o, "x": n, "when": datetime.date(2025, 1, n + 1) if n else None}
                        for n, (g, o) in enumerate([("A", "a1"), ("A", "a1"), ("A", "a2"), ("B", "a2")])),
                  groups=("goal", "outcome"))
    html = _render(r, table)
    assert '<thead><tr><th scope="col" class="num">X</th></tr></thead>' in html
    rows = re.findall(r'<tr class="group( goal-row)?"><th scope="colgroup" colspan="1">([^<]*)</th></tr>', html)
    assert rows == [(" goal-row", "Goal: A"), ("", "Outcome: a1"), ("", "Outcome: a2"),
                    (" goal-row", "Goal: B"), ("", "Outcome: a2")]
    assert '<tr><td class="num">0</td></tr>' in html
    assert '<tr><td class="num">3<br><span class="meta">Jan 4, 2025</span></td></tr>' in html
