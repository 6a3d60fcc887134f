"""A master workbook open as a ``Book``: read it like ``load_master`` does, find its tables, change records.

Reading goes through ``loader.master_from_rows``, so a workbook open in Excel is checked and typed
by exactly the code that reads a file. Tables are found by their header names, as the loader finds
them, and changes are addressed like every Problem: sheet, Excel row, column header.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cvm_xl.core.cells import ERROR_VALUES
from cvm_xl.core.problems import Problem, WorkbookError
from cvm_xl.core.values import is_blank
from cvm_xl.excel.book import Book, runs
from cvm_xl.master.model import Master
from cvm_xl.master.read import master_from_rows, sheets_to_read
from cvm_xl.master.schema import TABLES
from cvm_xl.master.update import CellChange
from cvm_xl.spreadsheet.tables import find_header_row, find_sheet, normalise_header


def reader_cells(rows: Sequence[Sequence[object]]) -> tuple[list[list[object]], dict[tuple[int, int], str]]:
    """The rows as the file reader gives them: blanks as '', and a cell showing an Excel error
    as a blank listed in the errors {(Excel row, 0-based column): '#N/A'}, so both readers report
    every cell identically."""
    out: list[list[object]] = []
    errors: dict[tuple[int, int], str] = {}
    for index, cells in enumerate(rows, start=1):
        row: list[object] = []
        for column, value in enumerate(cells):
            if value is None:
                value = ""
            elif isinstance(value, str) and value in ERROR_VALUES:
                errors[(index, column)] = value
                value = ""
            row.append(value)
        out.append(row)
    return out, errors


def read_master(book: Book) -> Master:
    """The book's master tables, checked and typed as ``load_master`` would a file of the same cells.

    Raises ``WorkbookError`` listing every problem, warnings included, when there are errors.
    """
    names = book.sheet_names()
    wanted = sheets_to_read(names)
    rows: dict[str, list[list[object]]] = {}
    errors: dict[str, dict[tuple[int, int], str]] = {}
    for sheet in wanted:
        rows[sheet], errors[sheet] = reader_cells(book.read(sheet))
    totals = {sheet: book.total_rows(sheet) for sheet in wanted}
    return master_from_rows(
        book.name, rows, errors, total_rows=totals, sheet_names=names, path=Path(book.name)
    )


@dataclass(frozen=True)
class SheetTable:
    """Where a table is on a book's sheet: header row, 1-based column per header, extent read."""

    sheet: str
    header_row: int
    columns: dict[str, int]  # normalised header -> 1-based column
    rows: list[list[object]]  # the sheet's values as read, from A1

    def column(self, name: str) -> int | None:
        return self.columns.get(normalise_header(name))

    @property
    def next_column(self) -> int:
        return max(self.columns.values(), default=0) + 1

    def value(self, row: int, column: int) -> object:
        """The value shown at (Excel row, 1-based column) when it was read, None when beyond."""
        cells = self.rows[row - 1] if 0 < row <= len(self.rows) else ()
        return cells[column - 1] if 0 < column <= len(cells) else None

    def last_record_row(self, total_rows: set[int]) -> int:
        """The last row below the header with a value in any of the table's columns (the header row
        when there is none); table total rows do not count."""
        positions = list(self.columns.values())
        for index in range(len(self.rows), self.header_row, -1):
            if index in total_rows:
                continue
            if any(not is_blank(self.value(index, c)) for c in positions):
                return index
        return self.header_row


def _problem(book: Book, sheet: str, message: str, fix: str, row: int | None = None) -> Problem:
    return Problem(book.name, sheet, row, None, None, message, fix=fix)


def locate(book: Book, sheet_name: str, wanted: Sequence[str] = ()) -> SheetTable:
    """The table on sheet ``sheet_name`` (any spelling): a §4 table by its columns, another by the
    ``wanted`` headers. ``WorkbookError`` when the sheet or its header row is not there."""
    key = normalise_header(sheet_name)
    schema = next((t for name, t in TABLES.items() if normalise_header(name) == key), None)
    known = (*schema.names, *schema.computed, *wanted) if schema else tuple(wanted)
    required = schema.required if schema else tuple(wanted)
    sheet = find_sheet(book.sheet_names(), sheet_name)
    if sheet is None:
        message = f"The workbook has no {sheet_name} sheet."
        raise WorkbookError([_problem(book, sheet_name, message, f"Add a sheet named {sheet_name}.")])
    rows = book.read(sheet)
    header = find_header_row(rows, known, required)
    if header is None or any(name not in header.positions for name in required):
        names = ", ".join(required)
        raise WorkbookError(
            [
                _problem(
                    book,
                    sheet,
                    f"The {sheet} sheet has no header row with the columns {names}.",
                    f"Put the headers {names} in one row above the data.",
                )
            ]
        )
    cells = rows[header.row]
    columns = {normalise_header(v): i + 1 for i, v in enumerate(cells) if normalise_header(v)}
    return SheetTable(sheet, header.excel_row, columns, rows)


def write_cells(book: Book, sheet: str, cells: Mapping[tuple[int, int], object]) -> None:
    """Write single cells {(row, column): value} with as few block writes as the layout allows:
    one per run of consecutive rows in one run of consecutive columns."""
    by_column: dict[int, dict[int, object]] = {}
    for (row, column), value in cells.items():
        by_column.setdefault(column, {})[row] = value
    # Columns holding exactly the same rows are written side by side as one block.
    groups: dict[tuple[int, ...], list[int]] = {}
    for column, values in by_column.items():
        groups.setdefault(tuple(sorted(values)), []).append(column)
    for rows, columns in groups.items():
        for first_col, last_col in runs(columns):
            for first_row, last_row in runs(rows):
                block = [
                    [by_column[c][r] for c in range(first_col, last_col + 1)]
                    for r in range(first_row, last_row + 1)
                ]
                book.write(sheet, first_row, first_col, block)


def _cell_value(value: object) -> object:
    """Yes/No columns hold the words users type, not TRUE/FALSE."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def apply_changes(
    book: Book,
    changes: Sequence[CellChange] = (),
    appends: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
) -> tuple[int, int]:
    """Set cells of records and append records to tables, in the open book (``master_update`` does
    the same to a file). A missing column is added to the right of the header. Returns (cells
    changed, rows appended); raises ``WorkbookError`` before writing anything when a change cannot
    be made."""
    appends = appends or {}
    by_sheet: dict[str, list[CellChange]] = {}
    for change in changes:
        by_sheet.setdefault(change.sheet, []).append(change)
    plans: list[tuple[SheetTable, dict[tuple[int, int], object], int | None]] = []
    problems: list[Problem] = []
    for sheet_name in dict.fromkeys([*by_sheet, *appends]):
        records = appends.get(sheet_name, ())
        wanted = list(
            dict.fromkeys([c.column for c in by_sheet.get(sheet_name, ())] + [k for r in records for k in r])
        )
        if find_sheet(book.sheet_names(), sheet_name) is None and sheet_name not in by_sheet:
            # A log sheet (such as an import log) starts with its records' keys as headers.
            book.reset_sheet(sheet_name)
            book.write(sheet_name, 1, 1, [wanted])
        table = locate(book, sheet_name, wanted)
        cells: dict[tuple[int, int], object] = {}
        added: dict[str, int] = {}
        for name in wanted:
            if table.column(name) is None and normalise_header(name) not in added:
                added[normalise_header(name)] = table.next_column + len(added)
                cells[(table.header_row, added[normalise_header(name)])] = name

        def position(name: str, table: SheetTable = table, added: dict[str, int] = added) -> int:
            return table.column(name) or added[normalise_header(name)]

        for change in by_sheet.get(sheet_name, ()):
            if change.row <= table.header_row:
                problems.append(
                    _problem(
                        book,
                        table.sheet,
                        f"Row {change.row} is not below the header row ({table.header_row}).",
                        "Run the command again on the workbook as it is now.",
                        change.row,
                    )
                )
                continue
            cells[(change.row, position(change.column))] = _cell_value(change.value)
        last_row = None
        if records:
            totals = book.total_rows(table.sheet)
            last = table.last_record_row(totals)
            if any(t > last for t in totals):
                problems.append(
                    _problem(
                        book,
                        table.sheet,
                        f"The {table.sheet} table has a total row, so new rows cannot be added under it.",
                        "Turn the total row off (Table Design > Total Row), run this again, then turn it "
                        "back on.",
                    )
                )
                continue
            for offset, record in enumerate(records, start=1):
                for key, value in record.items():
                    cells[(last + offset, position(key))] = _cell_value(value)
            last_row = last + len(records)
        plans.append((table, cells, last_row))
    if problems:
        raise WorkbookError(problems)
    for table, cells, last_row in plans:
        write_cells(book, table.sheet, cells)
        if last_row is not None:
            book.grow_table(table.sheet, table.header_row, last_row)
    changed = sum(len(v) for v in by_sheet.values())
    appended = sum(len(v) for v in appends.values())
    return changed, appended
