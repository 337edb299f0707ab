"""A report's tables as CSV files and as one XLSX workbook with numbers as numbers.
openpyxl is the well-kept pure-Python writer for the format funders open in Excel."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal

from .reporting import Table


def table_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.title for c in table.columns])
    for row in (*table.rows, *((table.totals,) if table.totals else ())):
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode("utf-8")


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
        rows = list(table.rows) + ([table.totals] if table.totals else [])
        for row in rows:
            sheet.append([_cell(v) for v in row])
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
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return _reproducible_zip(buffer.getvalue(), stamp)


def cell_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


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
