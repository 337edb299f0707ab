"""Tables as CSV files and as XLSX workbooks: numbers as numbers, text as text, never
as a formula. openpyxl is the well-kept pure-Python writer for the format funders open in Excel.

Contributor text reaches the cells, so text a spreadsheet program would run ("=HYPERLINK(...)",
"+1+1", "@SUM(A1)") is neutralised here, in the one place every CSV and XLSX file is written."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal

from ..tables import Table


# How a cell that spreadsheet programs read as a formula starts (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A value as a CSV cell: empty for None; text that would start a formula gets a leading
    apostrophe, as OWASP recommends, so Excel and LibreOffice show it as the text it is.
    Only text: a number mspsite writes (-5, a Decimal, a date) stays as it is."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(rows) -> bytes:
    """Rows of values as UTF-8 CSV, every cell through csv_cell."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def table_csv(table: Table) -> bytes:
    return csv_bytes([[c.title for c in table.columns], *table.lines()])


def workbook(tables: list[Table], title: str, currency: str, created: datetime.date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    book.properties.title = title
    book.properties.creator = "mspsite"
    stamp = datetime.datetime.combine(created, datetime.time())
    book.properties.created = book.properties.modified = stamp   # reproducible, no build time
    used: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.title, used))
        sheet.append([c.title for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for line in table.lines():
            sheet.append([_cell(v) for v in line])
        for index, column in enumerate(table.columns, start=1):
            formats = {"money": f'#,##0.00 "{currency}"', "percent": "0.0%", "date": "yyyy-mm-dd",
                       "number": "#,##0.##"}
            if column.kind in formats:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = formats[column.kind]
            sheet.column_dimensions[cell_letter(index)].width = 14 if column.kind != "text" else 32
        if table.totals:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        for cells in sheet.iter_rows():
            for cell in cells:
                _keep_text(cell)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return _reproducible_zip(buffer.getvalue(), stamp)


def cell_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _keep_text(cell) -> None:
    """openpyxl stores a str that starts with '=' as a formula, and '#N/A' and the other error
    names as errors: text stays a string. quotePrefix (Excel's leading apostrophe) keeps it
    text when someone edits the cell, too."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_START):
            cell.quotePrefix = True


def _cell(value):
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral() else int(value)
    return value


def _sheet_name(title: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique within the workbook
    base = re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "Table"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _reproducible_zip(data: bytes, stamp: datetime.datetime) -> bytes:
    """The same workbook bytes for the same tables: no time of writing in the zip entries,
    nor in the 'modified' property, which openpyxl sets to now while saving."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode(),
                                 content)
            target.writestr(fixed, content)
    return out.getvalue()
