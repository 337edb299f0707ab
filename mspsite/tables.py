"""Tables: the one structure behind every table the portal shows and every table a report
exports. Rows are read by column key, never by position, so a page, a CSV file and an XLSX
sheet take each figure from the same place, and a column can be added or moved without
every reader counting positions again.

A row may hold more than its columns: the model item a cell links to, the status a cell
shows as a badge. Pages use them; CSV and XLSX files write the columns only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

KINDS = ("text", "number", "money", "percent", "date")
NUMBERS = ("number", "money", "percent")   # right-aligned under a right-aligned heading


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = "text"           # one of KINDS
    digits: int = 0              # decimal places of a percent on a page
    link: str | None = None      # row key of the model item the cell links to on a page
    badge: str | None = None     # row key of a status shown as a badge instead of the text, where a row has one
    note: str | None = None      # key of the column shown under this cell's value on a page, not beside it

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"column {self.key!r}: kind {self.kind!r} is not one of {', '.join(KINDS)}")

    @property
    def numeric(self) -> bool:
        return self.kind in NUMBERS


Row = Mapping[str, Any]


@dataclass(frozen=True)
class Table:
    name: str                    # file-name friendly: results, income-by-source, ...
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    totals: Row | None = None    # the footer row, in the columns' keys
    row_header: bool = False     # the first shown column names its row (<th scope="row">)
    groups: tuple[str, ...] = ()  # keys of columns a page shows as rows heading the rows below them

    def __post_init__(self):
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"table {self.name!r}: column keys repeat: {keys}")
        for row in (*self.rows, *((self.totals,) if self.totals else ())):
            missing = [k for k in keys if k not in row]
            if missing:   # a page would show a blank where the figure belongs
                raise ValueError(f"table {self.name!r}: a row has no {', '.join(missing)}")
        unknown = [k for k in (*self.groups, *(c.note for c in self.columns if c.note)) if k not in keys]
        if unknown:
            raise ValueError(f"table {self.name!r}: no column {', '.join(unknown)}")

    @property
    def shown(self) -> tuple[Column, ...]:
        """The columns a page shows side by side: not the group columns, not the notes."""
        hidden = {*self.groups, *(c.note for c in self.columns if c.note)}
        return tuple(c for c in self.columns if c.key not in hidden)

    @property
    def group_columns(self) -> tuple[Column, ...]:
        return tuple(self.column(k) for k in self.groups)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def values(self, row: Row) -> tuple:
        """A row's cells in column order, as a spreadsheet writes them."""
        return tuple(row[c.key] for c in self.columns)

    def lines(self) -> list[tuple]:
        """Every row's cells, then the totals': the body of a CSV file or a sheet."""
        return [self.values(row) for row in (*self.rows, *((self.totals,) if self.totals else ()))]

    def chart_rows(self, label: str, *keys: str) -> list[tuple[str, tuple[float | None, ...]]]:
        """The rows as a bar chart draws them: a label and one value per series."""
        return [(str(row[label]), tuple(None if row[k] is None else float(row[k]) for k in keys))
                for row in self.rows]
