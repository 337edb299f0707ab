"""Each funder report's downloads: its tables as CSV and as one XLSX workbook, and (with
--pdf) the report page as PDF. The same tables as the page (reporting.py), so every copy
of a report shows the same figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..settings import Settings
from .pdf import html_to_pdf
from .spreadsheets import table_csv, workbook

if TYPE_CHECKING:
    from ..render import RenderedSite


def report_files(settings: Settings, rendered: RenderedSite) -> dict[str, bytes]:
    files = {}
    for page in rendered.site.pages:
        if page.template != "report.html":
            continue
        report, tables = page.context["report"], list(page.context["figures"].tables.values())
        for table in tables:
            files[f"reports/{report.id}/{table.name}.csv"] = table_csv(table)
        files[f"reports/{report.id}.xlsx"] = workbook(tables, report.title, settings.site.currency or "",
                                                      report.date or report.end)
        if settings.pdf:
            files[f"reports/{report.id}.pdf"] = html_to_pdf(rendered.files, rendered.copies,
                                                            f"reports/{report.id}/index.html")
    return files
