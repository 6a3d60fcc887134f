"""Changing cells of an existing master workbook in place: what synthesize, select and import write.

Tables are found by their header names, as the loader finds them, so a change names a sheet, an
Excel row and a column header — the same coordinates every Problem uses. The master is held
(``cvm_xl.master.lock.writing``) from reading to writing, a backup of it is kept beside it, and the
new file replaces the old one in a single step (``cvm_xl.master.save``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.table import TableColumn
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.master.lock import writing
from cvm_xl.master.save import save_master
from cvm_xl.master.schema import TABLES
from cvm_xl.master.write import DATE_FORMAT, FORMULA_STARTS, _plain
from cvm_xl.spreadsheet.files import check_workbook_file
from cvm_xl.spreadsheet.sheet_names import open_for_update, set_title, sheets_in_view_of
from cvm_xl.spreadsheet.tables import SCAN_ROWS, find_header_row, find_sheet, normalise_header


class CellChange(NamedTuple):
    """Set ``column`` of the record on Excel row ``row`` of ``sheet`` to ``value``."""

    sheet: str
    row: int
    column: str
    value: object


class UpdateResult(NamedTuple):
    path: Path
    backup: Path | None
    changed_cells: int
    appended_rows: int


def _header(ws: Worksheet, wanted: Sequence[str]) -> tuple[int, dict[str, int]]:
    """Excel row of the header and 1-based column per header key; missing wanted columns are added."""
    rows = [list(r) for r in ws.iter_rows(min_row=1, max_row=SCAN_ROWS, values_only=True)]
    table = next((t for t in TABLES.values() if normalise_header(t.name) == normalise_header(ws.title)), None)
    known = [*table.names, *wanted] if table else list(wanted)
    header = find_header_row(rows, known, table.required if table else ())
    if header is None:
        raise ValueError(f"Sheet {ws.title!r} has no header row with {', '.join(wanted)}")
    columns = {normalise_header(v): i + 1 for i, v in enumerate(rows[header.row]) if normalise_header(v)}
    excel_row = header.excel_row
    for name in wanted:
        if normalise_header(name) not in columns:
            new = max(columns.values(), default=0) + 1
            ws.cell(excel_row, new, name)
            columns[normalise_header(name)] = new
            _extend_tables(ws, excel_row, last_column=new)
    return excel_row, columns


def _last_row(ws: Worksheet, header_row: int, columns: Mapping[str, int]) -> int:
    """Excel row of the table's last record (the header row when the table is empty)."""
    last = header_row
    positions = [c - 1 for c in columns.values()]
    for number, row in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True), header_row + 1):
        if any(p < len(row) and row[p] not in (None, "") for p in positions):
            last = number
    return last


def _extend_tables(
    ws: Worksheet, header_row: int, last_row: int | None = None, last_column: int | None = None
) -> None:
    """Grow the Excel Table whose header is on ``header_row`` so new rows or columns belong to it."""
    for table in ws.tables.values():
        min_col, min_row, max_col, max_row = _bounds(table.ref)
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


def _bounds(ref: str) -> tuple[int, int, int, int]:
    return range_boundaries(ref)  # type: ignore[return-value]


def _write(ws: Worksheet, row: int, column: int, value: object, style_from: int | None = None) -> None:
    cell = ws.cell(row, column)
    # A table row is never inside a merged range; a MergedCell could hold neither a style nor a value.
    assert isinstance(cell, Cell), f"{ws.title}!{get_column_letter(column)}{row} is merged"
    plain = _plain(value, f"{ws.title}!{get_column_letter(column)}{row}")
    if isinstance(plain, bool):
        plain = "Yes" if plain else "No"
    if style_from is not None and style_from != row:
        above = ws.cell(style_from, column)
        if isinstance(above, Cell) and above.has_style:
            # openpyxl's own style array (not in its stubs): one copy of number format, font and fill.
            cell._style = above._style  # type: ignore[attr-defined]
    cell.value = plain
    if isinstance(plain, str):
        cell.data_type = "s"  # typed text stays text, whatever it starts with
        cell.quotePrefix = plain.startswith(FORMULA_STARTS)
    elif isinstance(plain, dt.date) and cell.number_format == "General":
        cell.number_format = DATE_FORMAT


def update_master(
    path: str | Path,
    changes: Sequence[CellChange] = (),
    appends: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
    *,
    backup: bool = True,
    now: dt.datetime | None = None,
) -> UpdateResult:
    """Apply cell changes and append rows (sheet -> records) to a master; keep a timestamped backup.

    Sheets that do not exist yet (such as an ``Import log``) are created with the records' keys as
    headers. Nothing is written when any change cannot be applied. The master is held for writing
    throughout (a caller that read it first holds it already, so no other writer comes between).
    """
    target = check_workbook_file(Path(path))
    with writing(target, holder="cvm-xl update"):
        wb = open_for_update(target)  # every sheet keeps its own name (a hidden 'ideas' beside 'Ideas')
        changed, appended = _apply(wb, target, changes, appends or {})
        kept = save_master(wb, target, backup=backup, now=now)
    return UpdateResult(target, kept, changed, appended)


def _apply(
    wb: Workbook,
    target: Path,
    changes: Sequence[CellChange],
    appends: Mapping[str, Sequence[Mapping[str, object]]],
) -> tuple[int, int]:
    """Make the changes and appends in the loaded workbook; the cells changed and the rows added."""
    changed = appended = 0
    by_sheet: dict[str, list[CellChange]] = {}
    for change in changes:
        by_sheet.setdefault(change.sheet, []).append(change)
    for sheet_name in {*by_sheet, *appends}:
        records = appends.get(sheet_name, ())
        found = find_sheet(sheets_in_view_of(wb), sheet_name)
        if found is None:
            if sheet_name in by_sheet:
                raise ValueError(f"{target.name} has no sheet {sheet_name!r}")
            ws = wb.create_sheet(sheet_name)
            set_title(ws, sheet_name)  # not 'Import log1' beside a hidden 'import log'
            ws.append(list(records[0]))
            ws.freeze_panes = "A2"
        else:
            ws = wb[found]
        wanted = list(
            dict.fromkeys([c.column for c in by_sheet.get(sheet_name, ())] + [k for r in records for k in r])
        )
        header_row, columns = _header(ws, wanted)
        for change in by_sheet.get(sheet_name, ()):
            if change.row <= header_row:
                raise ValueError(f"{sheet_name} row {change.row} is not below the header row {header_row}")
            _write(ws, change.row, columns[normalise_header(change.column)], change.value)
            changed += 1
        if records:
            last = _last_row(ws, header_row, columns)
            for offset, record in enumerate(records, start=1):
                for key, value in record.items():
                    _write(ws, last + offset, columns[normalise_header(key)], value, style_from=last)
            appended += len(records)
            _extend_tables(ws, header_row, last_row=last + len(records))
    return changed, appended
