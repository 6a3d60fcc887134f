"""Reading one input table (Customers, Workshop, Ideas, Tracking) from the rows of its sheet.

The result holds the typed DataFrame (indexed by Excel row) and what later checks need to point
at a cell: the column positions on the sheet and which cells already had a problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cvm_xl.core.cells import error_issue
from cvm_xl.core.problems import ERROR, Problem, column_letter
from cvm_xl.core.suggest import closest
from cvm_xl.master.column_typing import TypedColumn, raw_column, type_column
from cvm_xl.master.model import EXCEL_ROW
from cvm_xl.master.schema import Column, Kind, Table
from cvm_xl.spreadsheet.sheet_xml import SheetScan
from cvm_xl.spreadsheet.tables import HeaderRow, find_header_row


@dataclass
class TableData:
    """One input table as read. ``sheet`` is the workbook's spelling of the sheet name (None when
    the sheet is missing); ``bad`` marks, per column, the rows whose cell already has a problem."""

    table: Table
    file: str
    sheet: str | None
    frame: pd.DataFrame
    header: HeaderRow | None = None
    days: dict[str, np.ndarray] = field(default_factory=dict)
    bad: dict[str, np.ndarray] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def sheet_name(self) -> str:
        return self.sheet or self.table.name

    def has(self, column: str) -> bool:
        return self.header is not None and column in self.header.positions

    def ref(self, column: str | None, row: int | None) -> str | None:
        if column is None or row is None or not self.has(column):
            return None
        assert self.header is not None
        return f"{column_letter(self.header.positions[column] + 1)}{row}"

    def problem(
        self,
        row: int | None,
        column: str | None,
        value: object,
        message: str,
        fix: str,
        severity: str = ERROR,
    ) -> Problem:
        return Problem(
            self.file, self.sheet_name, row, column, value, message, severity, fix, self.ref(column, row)
        )

    def add(
        self,
        row: int | None,
        column: str | None,
        value: object,
        message: str,
        fix: str,
        severity: str = ERROR,
    ) -> None:
        self.problems.append(self.problem(row, column, value, message, fix, severity))

    def usable(self, column: str) -> np.ndarray:
        """Rows whose cell in ``column`` had no problem of its own."""
        mask = self.bad.get(column)
        return np.ones(len(self.frame), dtype=bool) if mask is None else ~mask


def _empty_value(column: Column, length: int) -> np.ndarray:
    if column.kind is Kind.NUMBER:
        return np.full(length, np.nan)
    if column.kind is Kind.YES_NO:
        return np.full(length, column.default, dtype=bool)
    return np.full(length, None, dtype=object)


def empty_frame(table: Table) -> pd.DataFrame:
    """The table with its §4 columns and no rows, typed as loaded tables are."""
    data = {c.name: pd.Series(_empty_value(c, 0), dtype=_dtype(c)) for c in table.columns}
    return pd.DataFrame(data, index=pd.Index([], dtype=np.int64, name=EXCEL_ROW))


def _dtype(column: Column) -> object:
    if column.kind is Kind.NUMBER:
        return np.float64
    if column.kind is Kind.YES_NO:
        return bool
    return object


def _grid(rows: Sequence[Sequence[object]], width: int) -> np.ndarray:
    """The rows as a 2-D object array at least ``width`` columns wide ('' fills missing cells)."""
    if not rows:
        return np.empty((0, width), dtype=object)
    grid = np.array(rows, dtype=object)
    if grid.ndim != 2 or grid.shape[1] < width:  # ragged or narrow rows: pad them
        width = max(width, *(len(r) for r in rows))
        grid = np.array([[*r, *[""] * (width - len(r))] for r in rows], dtype=object)
    return grid


def _header_problems(data: TableData, header: HeaderRow | None) -> None:
    table = data.table
    names = ", ".join(table.required)
    if header is None:
        data.add(
            None,
            None,
            None,
            f"The {data.sheet_name} sheet has no header row with the columns {names}.",
            f"Put the headers in one row above the data (within the first rows of the sheet): "
            f"{', '.join(table.names)}.",
        )
        return
    unknown = list(header.extras)
    for name in table.required:
        if name in header.positions:
            continue
        guess = closest(name, unknown)
        hint = f"If '{guess}' is meant, rename it to '{name}'. " if guess else ""
        data.add(
            header.excel_row,
            name,
            None,
            f"The required column '{name}' is missing from the header row (row {header.excel_row}).",
            f"{hint}Add a column headed '{name}'.",
        )
    for name, position in header.repeated:
        first = header.positions.get(name, header.extras.get(name))
        data.problems.append(
            Problem(
                data.file,
                data.sheet_name,
                header.excel_row,
                name,
                name,
                f"The column '{name}' appears twice (columns {column_letter((first or 0) + 1)} and "
                f"{column_letter(position + 1)}); only the first is read.",
                ERROR,
                "Delete or rename one of the two columns.",
                f"{column_letter(position + 1)}{header.excel_row}",
            )
        )


def _type_columns(
    table: Table, header: HeaderRow, grid: np.ndarray, scan: SheetScan
) -> tuple[dict[str, TypedColumn], dict[str, np.ndarray]]:
    """Typed input columns (with the sheet's error cells as issues) and extra columns as read."""
    typed: dict[str, TypedColumn] = {}
    for column in table.columns:
        position = header.positions.get(column.name)
        if position is not None:
            typed[column.name] = type_column(grid[:, position], column)
    extras = {name: raw_column(grid[:, position]) for name, position in header.extras.items()}
    by_position = {position: name for name, position in header.positions.items() if name in typed}
    for (row, position), error in scan.errors.items():
        name = by_position.get(position)
        offset = row - header.excel_row - 1
        if name is not None and 0 <= offset < len(grid):
            typed[name].blank[offset] = False
            typed[name].add_issue(offset, error, error_issue(error))
    return typed, extras


def _records(
    header: HeaderRow,
    length: int,
    typed: dict[str, TypedColumn],
    extras: dict[str, np.ndarray],
    scan: SheetScan,
) -> np.ndarray:
    """Positions of the rows that hold a record: not fully blank, not a table's total row."""
    blank_row = np.ones(length, dtype=bool)
    for column in typed.values():
        blank_row &= column.blank
    for values in extras.values():
        blank_row &= pd.isna(values)
    offsets = [row - header.excel_row - 1 for row in scan.total_rows]
    blank_row[[o for o in offsets if 0 <= o < length]] = True
    return np.flatnonzero(~blank_row)


def read_table(
    table: Table,
    rows: Sequence[Sequence[object]],
    file: str,
    sheet: str,
    scan: SheetScan | None = None,
) -> TableData:
    """Find ``table`` on the rows of its sheet, type every column and collect the cell problems.

    ``scan`` gives the sheet's error cells and the total rows of its Excel Tables (never records).
    """
    scan = scan or SheetScan()
    header = find_header_row(rows, (*table.names, *table.computed), table.required)
    data = TableData(table, file, sheet, empty_frame(table), header)
    _header_problems(data, header)
    if header is None:
        return data
    grid = _grid(rows[header.row + 1 :], len(rows[header.row]))
    typed, extras = _type_columns(table, header, grid, scan)
    keep = _records(header, len(grid), typed, extras, scan)
    index = pd.Index(keep + header.excel_row + 1, name=EXCEL_ROW)

    series: dict[str, pd.Series] = {}
    for column in table.columns:
        found = typed.get(column.name)
        values = found.values[keep] if found is not None else _empty_value(column, len(keep))
        series[column.name] = pd.Series(values, index=index, dtype=_dtype(column))
        if column.kind is Kind.DATE:
            days = found.days if found is not None and found.days is not None else None
            data.days[column.name] = (
                days[keep] if days is not None else np.full(len(keep), np.datetime64("NaT"))
            )
    for name, values in extras.items():
        if name not in series:
            series[name] = pd.Series(values[keep], index=index, dtype=object)
    data.frame = pd.DataFrame(series, index=index)

    record_of = np.full(len(grid), -1, dtype=np.int64)
    record_of[keep] = np.arange(len(keep))
    for name, column in typed.items():
        bad = np.zeros(len(keep), dtype=bool)
        for position, value, message, fix in column.issues:
            if record_of[position] >= 0:  # not a skipped total row
                bad[record_of[position]] = True
                data.add(int(position + header.excel_row + 1), name, value, message, fix)
        data.bad[name] = bad
        if table.column(name).required:
            _blank_required(data, name, column.blank[keep] & ~bad)
    return data


def _blank_required(data: TableData, name: str, blank: np.ndarray) -> None:
    for row in data.frame.index.to_numpy()[blank]:
        data.add(
            int(row),
            name,
            None,
            f"{name} is blank, but every {data.table.record} needs one.",
            f"Fill in the {name}, or delete the row if it is not needed.",
        )
