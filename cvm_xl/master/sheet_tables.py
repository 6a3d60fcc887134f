"""Finding and growing a table of the master on an openpyxl sheet, by its header names.

Tables are found by their header names, as the loader finds them (``spreadsheet.tables``), so a
change names a sheet, an Excel row and a column header — the same coordinates every Problem uses.
``update`` writes input cells through these, ``live`` the computed columns.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableColumn
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.master.schema import ALL_TABLES, Table
from cvm_xl.spreadsheet.tables import SCAN_ROWS, find_header_row, normalise_header


def table_of_sheet(title: str) -> Table | None:
    """The master table a sheet of this name holds (case and spacing ignored), if any."""
    wanted = normalise_header(title)
    return next((t for t in ALL_TABLES.values() if normalise_header(t.name) == wanted), None)


def header_columns(
    ws: Worksheet, wanted: Sequence[str], table: Table | None = None
) -> tuple[int, dict[str, int]]:
    """Excel row of the header and 1-based column per header key; missing wanted columns are added
    right of the table (and the Excel Table grows to hold them). ``table`` is the sheet's master
    table (default: the one named like the sheet)."""
    rows = [list(r) for r in ws.iter_rows(min_row=1, max_row=SCAN_ROWS, values_only=True)]
    table = table or table_of_sheet(ws.title)
    known = [*table.names, *table.computed, *wanted] if table else list(wanted)
    header = find_header_row(rows, known, (table.signature or table.required) if table else ())
    if header is None:
        raise ValueError(f"Sheet {ws.title!r} has no header row with {', '.join(wanted)}")
    columns = {normalise_header(v): i + 1 for i, v in enumerate(rows[header.row]) if normalise_header(v)}
    excel_row = header.excel_row
    for name in wanted:
        if normalise_header(name) not in columns:
            new = max(columns.values(), default=0) + 1
            ws.cell(excel_row, new, name)
            columns[normalise_header(name)] = new
            extend_tables(ws, excel_row, last_column=new)
    return excel_row, columns


def last_record_row(
    ws: Worksheet, header_row: int, columns: Mapping[str, int], ignore: Collection[str] = ()
) -> int:
    """Excel row of the table's last record (the header row when the table is empty): the last row
    with a value in one of ``columns``, leaving out the header keys in ``ignore`` (computed
    columns, whose formulas fill empty rows too)."""
    rows = ws.iter_rows(min_row=header_row + 1, values_only=True)
    return last_record_in(rows, header_row, columns, ignore)


def last_record_in(
    rows: Iterable[Sequence[object]],
    header_row: int,
    columns: Mapping[str, int],
    ignore: Collection[str] = (),
    skip: Collection[int] = (),
) -> int:
    """``last_record_row`` over the rows below the header as read (the first is Excel row
    ``header_row + 1``), from a sheet or from a book open in Excel; rows in ``skip`` (total rows)
    are no records."""
    last = header_row
    skipped = {normalise_header(name) for name in ignore}
    positions = [c - 1 for key, c in columns.items() if key not in skipped]
    for number, row in enumerate(rows, header_row + 1):
        if number not in skip and any(p < len(row) and row[p] not in (None, "") for p in positions):
            last = number
    return last


def bounds(ref: str) -> tuple[int, int, int, int]:
    """(min column, min row, max column, max row) of a range such as 'A1:C9'."""
    return range_boundaries(ref)  # type: ignore[return-value]


def table_at(ws: Worksheet, header_row: int) -> ExcelTable | None:
    """The Excel Table whose header is on ``header_row``."""
    return next((t for t in ws.tables.values() if bounds(t.ref)[1] == header_row), None)


def extend_tables(
    ws: Worksheet, header_row: int, last_row: int | None = None, last_column: int | None = None
) -> None:
    """Grow the Excel Table whose header is on ``header_row`` so new rows or columns belong to it."""
    for table in ws.tables.values():
        min_col, min_row, max_col, max_row = bounds(table.ref)
        if min_row != header_row:
            continue
        max_row = max(max_row, last_row or 0)
        while last_column and max_col < last_column:
            max_col += 1
            name = str(ws.cell(header_row, max_col).value or f"Column{max_col}")
            table.tableColumns.append(TableColumn(id=len(table.tableColumns) + 1, name=name))
        table.ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
        if table.autoFilter is not None:
            table.autoFilter.ref = table.ref
