"""Reading any table of the master by its ``schema.Table``: found by header, typed, cell problems.

One path reads them all, the input tables of SPEC §4 (Customers, Workshop, Ideas, Tracking) and the
relationship tables of SPEC §3.9 alike: ``read_table`` takes the rows of a sheet (as a workbook
reader returns them), ``table_from_frame`` a DataFrame whose headers are spelled as the user typed
them. Both type every column with ``column_typing`` and keep what the checks across rows and tables
(``checks``) need to point at a cell: the column letters, the Excel rows, which cells already had a
problem of their own and which were blank. Numbers typed as text are read in the master's Number
format, decided per table when it is ``auto`` (SPEC §4, ``column_typing.table_number_format``).

Cells a reader shows as blank although they are not are problems of their own: an Excel error
value, a formula saved without its result (both found by ``sheet_xml``) and a NaN, which no reader
gives for a blank cell (in a DataFrame given by a caller a NaN is pandas' blank).
"""

from __future__ import annotations

import math
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from cvm_xl.core import cells
from cvm_xl.core.cells import AUTO, formula_issue
from cvm_xl.core.problems import ERROR, WARNING, Code, Problem, column_letter
from cvm_xl.core.settings import Settings
from cvm_xl.core.suggest import closest
from cvm_xl.master.column_typing import (
    CellProblem,
    TypedColumn,
    cell_problem,
    excel_error,
    raw_column,
    table_number_format,
    type_column,
)
from cvm_xl.master.model import EXCEL_ROW
from cvm_xl.master.schema import Column, Kind, Table
from cvm_xl.spreadsheet.sheet_xml import SheetScan
from cvm_xl.spreadsheet.tables import HeaderRow, find_header_row, normalise_header


@dataclass
class TableData:
    """One table as read. ``sheet`` is the workbook's spelling of the sheet name (None when the
    sheet is missing); ``header`` is None when no table was found. ``letters`` gives each column's
    letter on the sheet; ``row_numbers`` the Excel row of each record when the frame's index is not
    that row (a DataFrame given by a caller). ``bad`` marks, per column, the records whose cell
    already has a problem; ``blank`` the records whose cell is blank; ``days`` holds date columns
    as datetime64[D]. ``saved`` holds, per computed column on the sheet, each record's cell as
    saved (a formula's result or a plain value: never read as input, only compared with the
    recomputed value); ``entered`` each record's number cells as typed (text stays text)."""

    table: Table
    file: str
    sheet: str | None
    frame: pd.DataFrame
    header: HeaderRow | None = None
    letters: dict[str, str] = field(default_factory=dict)
    row_numbers: list[int | None] | None = None
    days: dict[str, np.ndarray] = field(default_factory=dict)
    bad: dict[str, np.ndarray] = field(default_factory=dict)
    blank: dict[str, np.ndarray] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    saved: dict[str, np.ndarray] = field(default_factory=dict)
    entered: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def sheet_name(self) -> str:
        return self.sheet or self.table.name

    def has(self, column: str) -> bool:
        return self.header is not None and column in self.header.positions

    def ref(self, column: str | None, row: int | None) -> str | None:
        letter = self.letters.get(column) if column is not None and self.has(column) else None
        return f"{letter}{row}" if letter and row else None

    def row_number(self, position: int) -> int | None:
        """The Excel row of the record at ``position``."""
        if self.row_numbers is not None:
            return self.row_numbers[position]
        return int(self.frame.index[position])

    def problem(
        self,
        row: int | None,
        column: str | None,
        value: object,
        message: str,
        fix: str,
        severity: str = ERROR,
        *,
        code: str = "",
    ) -> Problem:
        return Problem(
            self.file,
            self.sheet_name,
            row,
            column,
            value,
            message,
            severity,
            fix,
            self.ref(column, row),
            code,
        )

    def add(
        self,
        row: int | None,
        column: str | None,
        value: object,
        message: str,
        fix: str,
        severity: str = ERROR,
        *,
        code: str = "",
    ) -> None:
        self.problems.append(self.problem(row, column, value, message, fix, severity, code=code))

    def usable(self, column: str) -> np.ndarray:
        """Records whose cell in ``column`` had no problem of its own."""
        mask = self.bad.get(column)
        return np.ones(len(self.frame), dtype=bool) if mask is None else ~mask

    def blanks(self, column: str) -> np.ndarray:
        """Records whose cell in ``column`` is blank (all of them when the column is missing)."""
        mask = self.blank.get(column)
        return np.ones(len(self.frame), dtype=bool) if mask is None else mask


@dataclass(frozen=True)
class ReadTables:
    """Every table read from one master (canonical name -> table; relationship sheets that are
    absent are left out) and its settings: what the checks across rows and tables look at."""

    tables: Mapping[str, TableData]
    settings: Settings = field(default_factory=Settings)

    def get(self, name: str) -> TableData | None:
        return self.tables.get(name)


def _dtype(column: Column) -> np.dtype[Any]:
    """SPEC §4: numbers and scores as floats (NaN blank), Yes/No as bools, the rest as objects."""
    if column.kind in (Kind.NUMBER, Kind.SCORE):
        return np.dtype(np.float64)
    if column.kind is Kind.YES_NO:
        return np.dtype(bool)
    return np.dtype(object)


def _blank_values(column: Column, length: int) -> np.ndarray:
    values = np.empty(length, dtype=_dtype(column))
    values[:] = column.blank_value
    return values


def empty_frame(table: Table) -> pd.DataFrame:
    """The table with its columns and no rows, typed as loaded tables are."""
    data = {c.name: pd.Series(_blank_values(c, 0), dtype=_dtype(c)) for c in table.columns}
    return pd.DataFrame(data, index=pd.Index([], dtype=np.int64, name=EXCEL_ROW))


def _grid(rows: Sequence[Sequence[object]], width: int) -> np.ndarray:
    """The rows as a 2-D object array at least ``width`` columns wide ('' fills missing cells)."""
    if not rows:
        return np.empty((0, width), dtype=object)
    grid = np.array(rows, dtype=object)
    if grid.ndim != 2 or grid.shape[1] < width:  # ragged or narrow rows: pad them
        width = max(width, *(len(r) for r in rows))
        grid = np.array([[*r, *[""] * (width - len(r))] for r in rows], dtype=object)
    return grid


def _not_a_table(data: TableData) -> Problem:
    table = data.table
    return data.problem(
        None,
        None,
        None,
        f"The {data.sheet_name} sheet has no {table.name} table (a header row with "
        f"{', '.join(table.signature)}), so it is ignored.",
        f"If it is meant to be the relationship table, head its columns {', '.join(table.names)}; "
        "otherwise rename the sheet.",
        WARNING,
        code=Code.SHEET_NOT_A_TABLE,
    )


def _missing_columns(
    data: TableData, present: Mapping[str, int], extras: Sequence[str], row: int | None
) -> None:
    """SPEC §4: every required column is in the header row (``row``, when there is one)."""
    wording = data.table.wording
    message, fix = wording.missing_column
    at = row if wording.missing_column_at_header else None
    for name in data.table.required:
        if name in present:
            continue
        guess = closest(name, list(extras))
        hint = f"If '{guess}' is meant, rename it to '{name}'. " if guess else ""
        fields = {"column": name, "row": row, "hint": hint, "table": data.table.name}
        data.add(
            at, name, None, message.format(**fields), fix.format(**fields), code=Code.HEADER_MISSING_COLUMN
        )


def _header_problems(data: TableData, header: HeaderRow) -> None:
    _missing_columns(data, header.positions, list(header.extras), header.excel_row)
    message, fix = data.table.wording.repeated_column
    for name, position in header.repeated:
        first = header.positions.get(name, header.extras.get(name))
        fields = {
            "column": name,
            "first": column_letter((first or 0) + 1),
            "second": column_letter(position + 1),
        }
        data.problems.append(
            Problem(
                data.file,
                data.sheet_name,
                header.excel_row,
                name,
                name,
                message.format(**fields),
                ERROR,
                fix.format(**fields),
                f"{column_letter(position + 1)}{header.excel_row}",
                Code.HEADER_REPEATED_COLUMN,
            )
        )


def _records(
    table: Table,
    length: int,
    typed: Mapping[str, TypedColumn],
    extras: Mapping[str, np.ndarray],
    skip: np.ndarray,
) -> np.ndarray:
    """Positions of the rows that hold a record: not blank (SPEC §4: any filled cell; SPEC §3.9: an
    input besides the pre-filled template columns), not a table's total row."""
    blank_row = np.ones(length, dtype=bool)
    if table.template is None:
        for column in typed.values():
            blank_row &= column.blank
        for values in extras.values():
            blank_row &= pd.isna(values)
    else:
        for name, column in typed.items():
            if name not in table.template:
                blank_row &= column.blank
    blank_row |= skip
    return np.flatnonzero(~blank_row)


def _fill(
    data: TableData,
    raw: Mapping[str, np.ndarray],
    extras: Mapping[Any, np.ndarray],
    flagged: Mapping[tuple[int, str], tuple[object, CellProblem]],
    skip: np.ndarray,
    labels: pd.Index,
    row_numbers: np.ndarray,
    number_format: str = AUTO,
    *,
    nan_is_blank: bool = True,
) -> None:
    """Type the table's columns, keep its records and collect the problems of single cells.

    ``raw`` holds the raw cells of the table's columns found on the sheet, ``extras`` the other
    columns (kept as given), ``flagged`` the cells found unusable apart from their values
    ({(position, column): (value, problem)}: an Excel error value, a formula without its result);
    ``skip`` marks rows that are no records (total rows); ``labels`` become the frame's index,
    ``row_numbers`` are the rows' Excel rows; ``number_format`` is the master's Number format.
    ``nan_is_blank`` is False for a reader's cells, where a NaN is an error of its own.
    """
    table = data.table
    columns = {c: raw[c.name] for c in table.columns if c.name in raw}

    def typed_in(number_format: str, kinds: Container[Kind]) -> dict[str, TypedColumn]:
        return {
            c.name: type_column(values, c, table.wording, number_format, nan_is_blank=nan_is_blank)
            for c, values in columns.items()
            if c.kind in kinds
        }

    typed = typed_in(number_format, set(Kind))
    # With auto, a value read two ways may be decided by the table's other numbers typed as text
    # (table_number_format); every other value reads the same in the decided format, so the number
    # columns are read again only when there is such a value (seldom), which keeps loading fast.
    ambiguous = any(p.code == Code.CELL_AMBIGUOUS_NUMBER for t in typed.values() for _, _, p in t.issues)
    decided = table_number_format(columns, number_format) if ambiguous else number_format
    if decided != number_format:
        typed.update(typed_in(decided, {Kind.NUMBER}))
    for (position, name), (value, problem) in flagged.items():
        if name in typed and 0 <= position < len(skip):
            typed[name].fail(position, value, problem)
    keep = _records(table, len(skip), typed, extras, skip)
    index = labels[keep]

    series: dict[Any, pd.Series] = {}
    for column in table.columns:
        found = typed.get(column.name)
        values = found.values[keep] if found is not None else _blank_values(column, len(keep))
        series[column.name] = pd.Series(values, index=index, dtype=_dtype(column))
        data.blank[column.name] = found.blank[keep] if found is not None else np.ones(len(keep), dtype=bool)
        if column.kind is Kind.DATE:
            days = found.days if found is not None else None
            data.days[column.name] = (
                days[keep] if days is not None else np.full(len(keep), np.datetime64("NaT"))
            )
    for name, values in extras.items():
        if name not in series:
            series[name] = pd.Series(values[keep], index=index, dtype=object)
    data.frame = pd.DataFrame(series, index=index)
    rows = row_numbers[keep]
    if data.row_numbers is not None:
        data.row_numbers = list(rows)

    record_of = np.full(len(skip), -1, dtype=np.int64)
    record_of[keep] = np.arange(len(keep))
    message, fix = table.wording.blank
    for name, found_column in typed.items():
        bad = np.zeros(len(keep), dtype=bool)
        for position, value, problem in found_column.issues:
            record = record_of[position]
            if record >= 0:  # not a skipped row
                bad[record] = True
                data.add(_row(rows[record]), name, value, problem.message, problem.fix, problem.severity,
                         code=problem.code)  # fmt: skip
        data.bad[name] = bad
        if table.column(name).required:
            fields = {"column": name, "record": table.record}
            for record in np.flatnonzero(found_column.blank[keep] & ~bad):
                data.add(_row(rows[record]), name, None, message.format(**fields), fix.format(**fields),
                         code=Code.CELL_REQUIRED)  # fmt: skip


def _row(number: object) -> int | None:
    return None if number is None else int(cast(int, number))


def _flagged(
    scan: SheetScan, by_position: Mapping[int, str], first: int
) -> dict[tuple[int, str], tuple[object, CellProblem]]:
    """The cells of the table's columns that a reader shows as blank although they are not (an
    Excel error value, a formula saved without its result), by (position, column)."""
    found: dict[tuple[int, str], tuple[object, CellProblem]] = {}
    for cells_of, problem_of in (
        (scan.errors, excel_error),
        (scan.formulas, lambda formula: cell_problem(formula_issue(formula), Code.CELL_FORMULA_NO_RESULT)),
    ):
        for (row, position), text in cells_of.items():
            if position in by_position:
                found[(row - first, by_position[position])] = (text, problem_of(text))
    return found


def read_table(
    table: Table,
    rows: Sequence[Sequence[object]],
    file: str,
    sheet: str,
    scan: SheetScan | None = None,
    number_format: str = AUTO,
) -> TableData:
    """Find ``table`` on the rows of its sheet, type every column and collect the cell problems.

    ``scan`` gives the sheet's error cells, its formulas saved without a result and the total rows
    of its Excel Tables (never records); ``number_format`` is the master's Number format setting.
    Computed columns are left out (they are recomputed, never read); extra columns are kept.
    """
    scan = scan or SheetScan()
    header = find_header_row(rows, (*table.names, *table.computed), table.signature or table.required)
    data = TableData(table, file, sheet, empty_frame(table), header)
    if table.signature and (header is None or not all(n in header.positions for n in table.signature)):
        data.header = None
        data.problems.append(_not_a_table(data))
        return data
    if header is None:
        names = ", ".join(table.required)
        data.add(
            None,
            None,
            None,
            f"The {data.sheet_name} sheet has no header row with the columns {names}.",
            f"Put the headers in one row above the data (within the first rows of the sheet): "
            f"{', '.join(table.names)}.",
            code=Code.HEADER_NO_ROW,
        )
        return data
    _header_problems(data, header)
    data.letters = {name: column_letter(position + 1) for name, position in header.positions.items()}
    grid = _grid(rows[header.row + 1 :], len(rows[header.row]))
    raw = {c.name: grid[:, header.positions[c.name]] for c in table.columns if c.name in header.positions}
    extras = {name: raw_column(grid[:, position]) for name, position in header.extras.items()}
    by_position = {position: name for name, position in header.positions.items() if name in raw}
    first = header.excel_row + 1
    flagged = _flagged(scan, by_position, first)
    skip = np.zeros(len(grid), dtype=bool)
    offsets = [row - first for row in scan.total_rows]
    skip[[o for o in offsets if 0 <= o < len(grid)]] = True
    excel_rows = np.arange(first, first + len(grid), dtype=np.int64)
    labels = pd.Index(excel_rows, name=EXCEL_ROW)
    _fill(data, raw, extras, flagged, skip, labels, excel_rows, number_format, nan_is_blank=False)
    records = data.frame.index.to_numpy(dtype=np.int64) - first
    data.saved = {
        name: grid[records, header.positions[name]] for name in table.computed if name in header.positions
    }
    data.entered = {
        c.name: raw[c.name][records] for c in table.columns if c.kind is Kind.NUMBER and c.name in raw
    }
    return data


def _row_number(label: object) -> int | None:
    """The Excel row a DataFrame's index label stands for, or None when it is no whole number."""
    if isinstance(label, bool):
        return None
    if isinstance(label, int | np.integer):
        return int(label)
    try:
        number = float(cast(float, label))
    except (TypeError, ValueError):
        return None
    return int(number) if math.isfinite(number) and number.is_integer() else None


def table_from_frame(
    table: Table,
    frame: pd.DataFrame,
    file: str,
    sheet: str | None = None,
    letters: Mapping[str, str] | None = None,
    number_format: str = AUTO,
) -> TableData:
    """``table`` read from a DataFrame indexed by Excel rows, headers spelled as the user typed them
    (case and spacing ignored). ``letters`` maps headers to column letters, so problems carry a
    cell reference such as 'F7'. Extra columns, computed ones included, are kept as given. NaN is
    a blank here, as pandas writes one; ``number_format`` is the master's Number format setting."""
    known = {normalise_header(name): name for name in (*table.names, *table.computed)}
    labels: list[object] = []
    positions: dict[str, int] = {}
    extra_positions: dict[object, int] = {}
    for position, label in enumerate(frame.columns):
        name = known.get(normalise_header(label)) if isinstance(label, str) else None
        labels.append(name if name is not None else label)
        if name is not None and name in table.names:
            positions.setdefault(name, position)
        else:
            extra_positions.setdefault(labels[-1], position)
    header = HeaderRow(0, positions)
    data = TableData(table, file, sheet or table.name, empty_frame(table), header, row_numbers=[])
    data.letters = {
        name: letter
        for heading, letter in (letters or {}).items()
        if (name := known.get(normalise_header(heading))) is not None
    }
    _missing_columns(data, positions, [], None)
    grid = frame.to_numpy(dtype=object)
    raw = {name: grid[:, position] for name, position in positions.items()}
    extras = {name: grid[:, position] for name, position in extra_positions.items()}
    rows = np.array([_row_number(label) for label in frame.index], dtype=object)
    index = pd.Index(frame.index, name=frame.index.name)
    _fill(data, raw, extras, {}, np.zeros(len(frame), dtype=bool), index, rows, number_format)
    return data


def table_of_ids(table: Table, ids: Iterable[object], file: str) -> TableData:
    """``table`` holding nothing but the IDs ``ids`` (as text) in its ID column: what references to
    it are checked against when a caller gives the IDs rather than the sheet (the Customer IDs a
    relationship table is checked against)."""
    name = table.id_column
    if name is None:
        raise ValueError(f"The {table.name} table has no ID column.")
    frame = pd.DataFrame({name: pd.Series([cells.text(i) for i in ids], dtype=object)})
    return TableData(table, file, table.name, frame, HeaderRow(0, {name: 0}))
