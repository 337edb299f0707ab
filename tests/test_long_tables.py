"""Long tables of report and budget pages continue on pages of their own: the sample with 80 more
income lines of the Nuru Foundation, 120 more expenditure lines and 60 more decisions in 2025.
Every line is on exactly one page, the totals on the first page are those of every line, the parts
link to each other, and each page says where the whole table is."""

from __future__ import annotations

import posixpath
import re
import shutil
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest

from conftest import SAMPLE, SOURCE_DATE_EPOCH, portal_in_memory
from mspsite import load
from mspsite.plan import TABLE_PAGE_SIZE

INCOME, EXPENDITURE, DECISIONS = 80, 120, 60   # added to the sample's 2025 budget and decisions


@pytest.fixture(scope="module")
def sample_2025():
    """The public lines of the sample's own 2025 budget: (income, of it from Nuru Foundation, expenditure)."""
    b, = (b for b in load(SAMPLE, history=False).budgets if b.id == "2025")
    return len(b.income), sum(x.source.id == "nuru-foundation" for x in b.income), len(b.expenditure)


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    src = tmp_path_factory.mktemp("long") / "partnership"
    shutil.copytree(SAMPLE, src)
    budget = src / "budget" / "2025.yml"
    text = budget.read_text()
    assert text.count("\nincome:\n") == 1 and text.count("\nexpenditure:\n") == 1
    income = "".join(f"  - {{source: nuru-foundation, kind: cash, status: received, amount: {1000 + i},"
                      f" description: Added income {i:03d}}}\n" for i in range(INCOME))
    spending = "".join(f"  - {{category: activities, planned: {2000 + i}, actual: {1500 + i},"
                       f" description: Added spending {i:03d}}}\n" for i in range(EXPENDITURE))
    budget.write_text(text.replace("\nincome:\n", "\nincome:\n" + income)
                      .replace("\nexpenditure:\n", "\nexpenditure:\n" + spending))
    for i in range(DECISIONS):
        (src / "decisions" / f"added-{i:03d}.md").write_text(
            f"---\ntitle: Added decision {i:03d}\ndate: 2025-06-{1 + i % 28:02d}\nbody: steering-committee\n"
            "status: adopted\n---\nA decision added to make the log long.\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        built = portal_in_memory(src)
    return Portal({rel: data.decode("utf-8") for rel, data in built.files.items() if rel.endswith(".html")},
                  {*built.files, *built.copies})


class Portal(dict):
    """The built pages' HTML by file name; `files`: the name of every file of the portal."""

    def __init__(self, pages: dict[str, str], files: set[str]):
        super().__init__(pages)
        self.files = files


class _Page(HTMLParser):
    """A page's tables (caption -> body rows and footer rows, as cell texts), links and ids."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, dict[str, list[list[str]]]] = {}
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.navs: list[tuple[str, list[str], str | None]] = []   # pagination navs: label, texts, next page
        self._caption = self._part = self._row = self._cell = None
        self._nav = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if self._nav and attrs.get("rel") == "next":
                self._nav[2] = attrs["href"]
        if tag == "nav" and attrs.get("class") == "pagination":
            self._nav = [attrs["aria-label"], [], None]
        elif tag == "caption":
            self._caption = ""
        elif tag in ("tbody", "tfoot"):
            self._part = tag
        elif tag == "tr" and self._part:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "nav" and self._nav:
            self.navs.append(tuple(self._nav))
            self._nav = None
        elif tag == "caption":
            self.tables[self._caption.strip()] = self._current = {"tbody": [], "tfoot": []}
            self._caption = None
        elif tag in ("tbody", "tfoot"):
            self._part = None
        elif tag == "tr" and self._row is not None:
            self._current[self._part].append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._caption is not None:
            self._caption += data
        if self._cell is not None:
            self._cell += data
        if self._nav is not None and data.strip():
            self._nav[1].append(data.strip())


def _money(text: str) -> Decimal:
    return Decimal(re.sub(r"[^\d.-]", "", text))


def _parts(portal, first: str, title: str) -> list[tuple[str, _Page, dict]]:
    """The pages of one long table, found by following its pagination from the page it starts on:
    (page file, page, the table's rows there)."""
    found, name = [], first
    while name:
        page = _Page(portal[name])
        (table,) = [t for caption, t in page.tables.items() if title in caption]
        found.append((name, page, table))
        following = [nxt for label, _, nxt in page.navs if title in label and nxt]
        name = _resolve(name, following[0])[0] if following else None
    return found


def _resolve(page: str, link: str) -> tuple[str, str]:
    """The file a relative link from a page names, and its fragment."""
    parts = urlsplit(link)
    if not parts.path:
        return page, parts.fragment
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path))), parts.fragment


def test_budget_lines_continue_on_pages_of_fifty(portal, sample_2025):
    parts = _parts(portal, "finances/2025/index.html", "Expenditure lines")
    assert [name for name, _, _ in parts] == ["finances/2025/index.html",
                                               "finances/2025/expenditure-lines/page/2/index.html",
                                               "finances/2025/expenditure-lines/page/3/index.html"]
    count = EXPENDITURE + sample_2025[2]
    assert [len(table["tbody"]) for _, _, table in parts] == [TABLE_PAGE_SIZE, TABLE_PAGE_SIZE, count - 100]
    assert [caption for _, page, _ in parts for caption in page.tables if "Expenditure lines" in caption] == [
        f"Expenditure lines (lines 1–50 of {count})", f"Expenditure lines (lines 51–100 of {count})",
        f"Expenditure lines (lines 101–{count} of {count})"]
    descriptions = [row[2] for _, _, table in parts for row in table["tbody"]]
    added = [d for d in descriptions if d.startswith("Added spending")]
    assert sorted(added) == [f"Added spending {i:03d}" for i in range(EXPENDITURE)]   # each once, none left out
    assert len(descriptions) == len(set(descriptions)) == count
    # the totals on the budget page are those of every line, on whichever page it is
    first = parts[0][1].tables["Expenditure by category"]["tfoot"][0]
    assert _money(first[1]) == sum(_money(row[3]) for _, _, table in parts for row in table["tbody"])
    assert _money(first[2]) == sum(_money(row[4]) for _, _, table in parts for row in table["tbody"])
    # each page says where every line is, and the income lines are split too
    for name, page, _ in parts:
        assert "Every line of every budget period is in the open data:" in portal[name]
        assert _resolve(name, next(link for link in page.links if link.endswith("budget-lines.csv")))[0] == \
            "data/budget-lines.csv"
    income = _parts(portal, "finances/2025/index.html", "Income lines")
    assert len(income) == 2 and sum(len(table["tbody"]) for _, _, table in income) == INCOME + sample_2025[0]
    total = parts[0][1].tables["Income by source"]["tfoot"][0][1]
    assert _money(total) == sum(_money(row[4]) for _, _, table in income for row in table["tbody"])


def test_report_tables_continue_and_keep_their_number_and_totals(portal, sample_2025):
    report = "reports/nuru-foundation-2025/index.html"
    contribution = _parts(portal, report, "Contribution of Nuru Foundation")
    assert [name for name, _, _ in contribution] == [
        report, "reports/nuru-foundation-2025/funder-contribution/page/2/index.html"]
    count = INCOME + sample_2025[1]
    assert [caption for _, page, _ in contribution for caption in page.tables if "Nuru" in caption] == [
        f"Table 5: Contribution of Nuru Foundation (rows 1–50 of {count})",
        f"Table 5: Contribution of Nuru Foundation (rows 51–{count} of {count})"]
    rows = [row for _, _, table in contribution for row in table["tbody"]]
    assert len(rows) == count and sorted(r[4] for r in rows if r[4].startswith("Added")) == \
        [f"Added income {i:03d}" for i in range(INCOME)]
    # the total is on the report page, under the first rows, and is that of every row
    (total,), later = contribution[0][2]["tfoot"], contribution[1][2]["tfoot"]
    assert total[0] == "Total" and later == []
    assert _money(total[5]) == sum(_money(r[5]) for r in rows)
    # it is in the report's income by source too, unchanged
    by_source = contribution[0][1].tables["Table 2: Income by source"]["tbody"]
    assert _money(next(r[1] for r in by_source if r[0] == "Nuru Foundation")) == _money(total[5])

    decisions = _parts(portal, report, "Decisions taken in the period")
    assert len(decisions) == 2
    titles = [row[1] for _, _, table in decisions for row in table["tbody"]]
    assert len(titles) == len(set(titles)) and {f"Added decision {i:03d}" for i in range(DECISIONS)} <= set(titles)
    # the short tables stay whole, with their numbers
    page = contribution[0][1]
    assert "Table 8: Risks" in page.tables and "Table 10: Governance bodies at the end of the period" in page.tables
    # a printed copy says where the whole table is
    html = portal[report]
    assert f"Rows 1–50 of {count} are shown here; the other rows are on the other pages of this table. " \
           "Every row is in the report's downloads:" in html
    assert '<a href="funder-contribution.csv">https://example.github.io/ccpk/reports/nuru-foundation-2025/' \
           'funder-contribution.csv</a>' in html


def test_parts_link_to_each_other(portal):
    """Every link of every page of a split table leads to a page of the portal, and a fragment to an id on it;
    the pagination of each part lists every part, the current one marked."""
    pages = [name for name in portal if re.search(r"^(?!sw/).*/(expenditure-lines|income-lines|funder-contribution|"
                                                   r"decisions)/page/\d+/index\.html$", name)]   # in English
    assert len(pages) == 5
    for name in [*pages, "finances/2025/index.html", "reports/nuru-foundation-2025/index.html"]:
        page = _Page(portal[name])
        for link in page.links:
            if urlsplit(link).scheme:
                continue
            target, fragment = _resolve(name, link)
            assert target in portal.files, (name, link)
            if fragment and target in portal:
                assert fragment in _Page(portal[target]).ids, (name, link)
    second = _Page(portal["reports/nuru-foundation-2025/decisions/page/2/index.html"])
    (label, texts, _), = second.navs
    assert label == "Pages of the table “Decisions taken in the period”"
    assert texts == ["Previous page", "1", "2"]
    html = portal["reports/nuru-foundation-2025/decisions/page/2/index.html"]
    assert '<a href="../../../index.html#table-decisions" rel="prev">Previous page</a>' in html
    assert '<span aria-current="page">2</span>' in html
    assert "<title>Report to the Nuru Foundation, 2025: Decisions taken in the period, page 2 · CCPK</title>" in html
