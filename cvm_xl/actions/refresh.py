"""Refreshing the computed columns of a master: ``cvm-xl refresh`` and the Refresh macro (SPEC §4, §6, §8).

One evaluation serves both: ``master.live.live_table`` gives every computed cell of the Ideas table
and the relationship tables its formula (the one formula writer, ``cvm_xl.formulas``) and the
result cvm-xl computes for it (``master.live.computed_frame``).

- ``refresh_master`` (the command) rewrites an .xlsx master file: the master is held, backed up
  and replaced atomically, like every write of a master.
- ``plan_open_refresh`` (the Refresh computed columns macro) reads a master open in Excel, or a
  file through a macro's book, as rows and says what to write. In a live (.xlsx) master that is
  the formulas and results of ``cvm-xl refresh`` (and the names and lists they read). In a .xlsm
  master the computed columns are the add-in's worksheet functions (SPEC §6): their formulas are
  kept (Excel computes them again; a file saves cvm-xl's results with them), and a computed cell
  that holds no formula gets cvm-xl's result as a value, as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cvm_xl.core.settings import Settings
from cvm_xl.formulas.cells import at_row
from cvm_xl.master.live import (
    FORMULA_LISTS,
    LISTS_SHEET,
    LIVE_TABLES,
    NO_RESULT,
    ComputedCell,
    LiveTable,
    RowsTable,
    block_columns,
    defined_names,
    is_live,
    list_columns,
    list_ranges,
    live_table_in_rows,
    make_live,
    saved_bytes,
    settings_block,
    settings_place,
)
from cvm_xl.master.lock import writing
from cvm_xl.master.save import save_master_bytes
from cvm_xl.master.schema import SETTINGS_SHEET
from cvm_xl.spreadsheet.files import check_workbook_file
from cvm_xl.spreadsheet.sheet_names import open_for_update
from cvm_xl.spreadsheet.tables import find_sheet


class NotLiveError(ValueError):
    """The master is no .xlsx file, so its computed columns are not cvm-xl's formulas."""


@dataclass(frozen=True)
class TableRefresh:
    """One table refreshed: its sheet, the computed columns and the rows that hold them."""

    sheet: str
    columns: tuple[str, ...]
    rows: int
    without_result: int  # records whose inputs cvm-xl cannot read: formula, but no saved result

    @classmethod
    def of(cls, live: LiveTable) -> TableRefresh:
        filled = {row for row, _ in live.cached}
        return cls(live.sheet, tuple(live.columns), len(live.rows), len(set(live.rows) - filled))


@dataclass(frozen=True)
class RefreshResult:
    path: Path
    backup: Path | None
    tables: tuple[TableRefresh, ...]

    @property
    def cells(self) -> int:
        return sum(t.rows * len(t.columns) for t in self.tables)


def refresh_master(path: str | Path, *, backup: bool = True, now: dt.datetime | None = None) -> RefreshResult:
    """Rewrite every computed column of the .xlsx master at ``path`` as formulas with fresh results
    (deleted columns come back, stale values and old formulas are replaced), keeping a backup.
    Raises ``NotLiveError`` for a .xlsm master and what the file system raised (``OSError``)."""
    target = check_workbook_file(Path(path))
    if not is_live(target):
        raise NotLiveError(
            f"{target.name} is not an .xlsx master: the computed columns of a .xlsm master are the "
            "add-in's worksheet functions (use the Refresh computed columns button in Excel), or save "
            "it as .xlsx to make it live."
        )
    with writing(target, holder="cvm-xl refresh"):
        wb = open_for_update(target)
        made = make_live(wb)
        kept = save_master_bytes(saved_bytes(wb, made), target, backup=backup, now=now)
    return RefreshResult(target, kept, tuple(TableRefresh.of(live) for live in made.values()))


Rows = Sequence[Sequence[object]]


@dataclass(frozen=True)
class OpenRefresh:
    """What refreshing a master read as rows writes: per table the computed headers it lacked
    (``RowsTable.headers``) and its computed cells (``cells``); for a live master also the defined
    names the formulas read, the lists on the Lists sheet ({column: [header, values...]}) and the
    formulas of its settings block (``helper``, written with the computed cells)."""

    live: bool
    tables: tuple[RowsTable, ...]
    names: dict[str, tuple[str, bool]]
    lists_sheet: str
    lists: dict[int, list[object]]
    helper: dict[tuple[int, int], ComputedCell] = field(default_factory=dict)

    def cells(self) -> dict[str, dict[tuple[int, int], ComputedCell]]:
        """Per sheet, every computed cell to write: each table row's formula (live) or kept formula
        (.xlsm) with its result; below the last record, as far as the sheet was read, a leftover
        result of a deleted record is cleared (a formula there is kept)."""
        out: dict[str, dict[tuple[int, int], ComputedCell]] = {}
        for table in self.tables:
            live = table.live
            cells = out.setdefault(live.sheet, {})
            for row in live.rows:
                for name, column in live.columns.items():
                    formula = at_row(live.templates[name], row) if self.live else None
                    cells[(row, column)] = ComputedCell(formula, live.cached.get((row, column), NO_RESULT))
            below = (live.rows[-1] if live.rows else live.header_row) + 1
            for row in range(below, table.extent + 1):
                for column in live.columns.values():
                    cells[(row, column)] = ComputedCell(None, None)
        if self.helper:
            out.setdefault(self.lists_sheet, {}).update(self.helper)
        return out


def plan_open_refresh(
    name: str,
    sheet_names: Sequence[str],
    read: Callable[[str], Rows],
    totals: Callable[[str], set[int]],
    settings: Settings,
    today: dt.date | None = None,
) -> OpenRefresh:
    """What the Refresh macro writes into the master ``name`` (its file name decides live or not,
    ``is_live``) whose sheets ``read`` gives as rows from A1 and ``totals`` the total rows of;
    ``settings`` as the master's reader read them."""
    live = is_live(name)
    tables: list[RowsTable] = []
    for table in LIVE_TABLES:
        sheet = find_sheet(sheet_names, table.name)
        if sheet is None:
            continue
        made = live_table_in_rows(table, sheet, read(sheet), settings, totals(sheet), today)
        if made is not None:
            tables.append(made)
    if not live:
        return OpenRefresh(False, tuple(tables), {}, LISTS_SHEET, {})
    found = find_sheet(sheet_names, LISTS_SHEET)
    first_row = read(found)[:1] if found else []
    columns = list_columns(first_row[0] if first_row else [])
    lists: dict[int, list[object]] = {c: [header, *FORMULA_LISTS[header]] for header, c in columns.items()}
    lists_sheet = found or LISTS_SHEET
    settings_sheet = find_sheet(sheet_names, SETTINGS_SHEET)
    settings_rows = read(settings_sheet) if settings_sheet else None
    place = settings_place(settings_sheet, settings_rows)
    block, helper = None, {}
    if place is not None and settings_rows is not None:
        at = block_columns(first_row[0] if first_row else [], columns.values())
        block = settings_block(lists_sheet, at, place, settings_rows, settings)
        for (row, column), value in sorted(block.values.items()):  # the headers and labels, by column
            lists.setdefault(column, []).extend([None] * (row - 1 - len(lists.get(column, []))) + [value])
        helper = {at: ComputedCell(f, block.cached.get(at, NO_RESULT)) for at, f in block.formulas.items()}
    names = defined_names(list_ranges(lists_sheet, columns), block)
    return OpenRefresh(True, tuple(tables), names, lists_sheet, lists, helper)
