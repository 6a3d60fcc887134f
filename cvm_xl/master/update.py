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
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.master.lock import writing
from cvm_xl.master.save import save_master
from cvm_xl.master.sheet_tables import extend_tables, header_columns, last_record_row, table_of_sheet
from cvm_xl.master.write import DATE_FORMAT, FORMULA_STARTS, _plain
from cvm_xl.spreadsheet.files import check_workbook_file
from cvm_xl.spreadsheet.sheet_names import open_for_update, set_title, sheets_in_view_of
from cvm_xl.spreadsheet.tables import find_sheet, normalise_header


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
        header_row, columns = header_columns(ws, wanted)
        for change in by_sheet.get(sheet_name, ()):
            if change.row <= header_row:
                raise ValueError(f"{sheet_name} row {change.row} is not below the header row {header_row}")
            _write(ws, change.row, columns[normalise_header(change.column)], change.value)
            changed += 1
        if records:
            table = table_of_sheet(ws.title)
            last = last_record_row(ws, header_row, columns, table.computed if table else ())
            for offset, record in enumerate(records, start=1):
                for key, value in record.items():
                    _write(ws, last + offset, columns[normalise_header(key)], value, style_from=last)
            appended += len(records)
            extend_tables(ws, header_row, last_row=last + len(records))
    return changed, appended
