"""Spreadsheet-shaped arguments for the worksheet functions: a single cell or a whole range.

Excel hands a function a scalar for one cell and a list of rows for a range. These helpers
broadcast such arguments against each other the way Excel's own array formulas do (a single
cell goes with every row), keep blank cells blank, and turn a bad value into Excel-style error
text such as ``#VALUE! 'abc' is not a number`` in its own row instead of failing the call.
Nothing here imports Excel; the functions in ``udfs`` are thin wrappers over these and the core.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

from cvm_xl.core.cells import ERROR_VALUES, date, parse_number, parse_yes_no
from cvm_xl.core.settings import Settings
from cvm_xl.core.spellings import name_key
from cvm_xl.core.values import is_blank
from cvm_xl.master.settings_sheet import read_settings
from cvm_xl.spreadsheet.tables import SCAN_ROWS, normalise_header

Grid = list[list[Any]]
BLANK = ""  # what a blank result is: Excel shows an empty function result as 0, but "" as blank
VALUE_ERROR = "#VALUE!"
NUM_ERROR = "#NUM!"
# A cell shows an error when its text starts with one of Excel's error values (core.cells holds them):
# the bare value as xlwings hands an error cell over ("#N/A"), or error text with a reason.
ERROR_PREFIXES = tuple(sorted(ERROR_VALUES))


class ArgumentError(ValueError):
    """An argument cannot be used at all (wrong shape, unknown option): the whole result is this error."""


class UpstreamError(ValueError):
    """An input cell shows an Excel error: the result (its row's, or the whole call's when the cell is
    read for every row) is that same error, as Excel's own functions pass an error on."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value


def upstream(value: object) -> None:
    """Raise ``UpstreamError`` when ``value`` shows an Excel error."""
    if is_error_text(value):
        raise UpstreamError(str(value))


def error_text(message: str, code: str = VALUE_ERROR) -> str:
    """'#VALUE! Supplier share must be between 0 and 1': an error Excel users recognise, with a reason."""
    return f"{code} {message}"


def is_error_text(value: object) -> bool:
    return isinstance(value, str) and value.startswith(ERROR_PREFIXES)


def _plain(value: object) -> object:
    """numpy scalars -> Python; tuples -> lists."""
    if hasattr(value, "tolist") and not isinstance(value, str):
        return value.tolist()
    if isinstance(value, tuple):
        return list(value)
    return value


def as_grid(value: object) -> Grid:
    """Any argument as rows of cells: 5 -> [[5]]; [1, 2] (a 1-D range) -> [[1], [2]]."""
    value = _plain(value)
    if not isinstance(value, list):
        return [[value]]
    if not value:
        return [[None]]
    lists = [row for row in map(_plain, value) if isinstance(row, list)]
    if len(lists) == len(value):  # rows of cells
        rows = [list(row) for row in lists]
        width = {len(row) for row in rows}
        if len(width) != 1 or 0 in width:
            raise ArgumentError("A range must be a rectangle of cells")
        return rows
    if lists:  # some cells are rows themselves
        raise ArgumentError("A range must be a rectangle of cells")
    return [[x] for x in value]


def as_column(value: object, name: str = "argument") -> list[Any]:
    """A single cell, a column or a row as a flat list; a block of several rows and columns is refused."""
    grid = as_grid(value)
    if len(grid[0]) == 1:
        return [row[0] for row in grid]
    if len(grid) == 1:
        return list(grid[0])
    raise ArgumentError(
        f"{name} must be a single column or row, not {len(grid)} rows by {len(grid[0])} columns"
    )


def broadcast_shape(grids: Sequence[Grid]) -> tuple[int, int]:
    """The common shape of the arguments: each dimension is 1 or the size all others share."""
    rows = {len(g) for g in grids} - {1}
    cols = {len(g[0]) for g in grids} - {1}
    if len(rows) > 1:
        raise ArgumentError(
            f"The ranges have different numbers of rows ({', '.join(map(str, sorted(rows)))})"
        )
    if len(cols) > 1:
        raise ArgumentError(
            f"The ranges have different numbers of columns ({', '.join(map(str, sorted(cols)))})"
        )
    return (rows.pop() if rows else 1, cols.pop() if cols else 1)


def cell_value(value: object) -> object:
    """A result as Excel should show it: NaN and None are blank, numpy scalars plain Python."""
    value = _plain(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return BLANK
    return value


def _call(fn: Callable[..., Any], values: Sequence[object]) -> Any:
    error = next((v for v in values if is_error_text(v)), None)
    if error is not None:
        return error  # an error in an input cell passes through, as Excel's own errors do
    try:
        return fn(*values)
    except UpstreamError as exc:
        return exc.value
    except ArgumentError:
        raise
    except (ValueError, ArithmeticError) as exc:
        return error_text(reason(exc))


def call(fn: Callable[..., Any], values: Sequence[object]) -> Any:
    """``fn`` over one row's cells, or the error text the row shows: an input's Excel error, or the
    reason ``fn`` rejects the cells (as ``elementwise`` shows it in that row)."""
    return _call(fn, values)


def reason(exc: BaseException) -> str:
    """Why ``exc`` rejects a cell, as its error text says it: what is wrong, then how to fix it."""
    fix = getattr(exc, "fix", "")
    message = getattr(exc, "message", None) or getattr(exc, "reason", None) or str(exc)
    return f"{message} {fix}".strip()


def single_error(value: object) -> str | None:
    """The error a single-cell argument shows (a scalar or a 1x1 range), else None."""
    value = _plain(value)
    while isinstance(value, list) and len(value) == 1:
        value = _plain(value[0])
    return str(value) if is_error_text(value) else None


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` with its signature, returning error text instead of raising ValueError.

    A single-cell argument that shows an Excel error makes the whole result that error without a
    call: broadcast to every row, it would be every row's result anyway (the first such argument
    wins, as Excel evaluates from the left). An error met later, in a cell read for the whole call
    (a setting, an option, a cell of a portfolio column), is raised as ``UpstreamError`` and is the
    result too.
    """

    @functools.wraps(fn)
    def run(*args: object, **kwargs: object) -> Any:
        for value in (*args, *kwargs.values()):
            error = single_error(value)
            if error is not None:
                return error
        try:
            return fn(*args, **kwargs)
        except UpstreamError as exc:
            return exc.value
        except (ValueError, ArithmeticError) as exc:
            return error_text(reason(exc))

    return run


def elementwise(fn: Callable[..., Any], *args: object) -> Any:
    """``fn`` applied cell by cell over broadcast arguments; a scalar for one cell, else rows.

    A cell whose inputs ``fn`` rejects (ValueError) shows that reason as error text; the other
    cells are unaffected.
    """
    grids = [as_grid(a) for a in args]
    n_rows, n_cols = broadcast_shape(grids)
    out = [
        [
            cell_value(_call(fn, [g[r if len(g) > 1 else 0][c if len(g[0]) > 1 else 0] for g in grids]))
            for c in range(n_cols)
        ]
        for r in range(n_rows)
    ]
    return out[0][0] if n_rows == n_cols == 1 else out


def rowwise(fn: Callable[..., Sequence[object]], width: int, *args: object) -> Grid:
    """``fn`` applied to each row of the (column) arguments, each call giving ``width`` cells."""
    columns = [as_column(a) for a in args]
    lengths = {len(c) for c in columns} - {1}
    if len(lengths) > 1:
        raise ArgumentError(
            f"The ranges have different numbers of rows ({', '.join(map(str, sorted(lengths)))})"
        )
    n = lengths.pop() if lengths else 1
    out: Grid = []
    for i in range(n):
        result = _call(fn, [c[i if len(c) > 1 else 0] for c in columns])
        cells = [result] * width if isinstance(result, str) else list(result)
        out.append([cell_value(x) for x in cells])
    return out


def first_error(result: Any) -> str | None:
    """The first error text in a result (a scalar or rows), or None."""
    cells = [result] if not isinstance(result, list) else [x for row in result for x in row]
    return next((x for x in cells if is_error_text(x)), None)


# --- reading one cell ---------------------------------------------------------------------------


def number(value: object) -> float:
    """A number or NaN for a blank cell; '12.5%' -> 0.125; an Excel error in the cell is passed on."""
    upstream(value)
    return parse_number(value)


def day(value: object) -> dt.date | None:
    """A date cell as the master's date columns are read (a date, ISO text such as 2026-12-01, or an
    Excel serial number); None for a blank cell; an Excel error in the cell is passed on."""
    upstream(value)
    return date(value)


def as_of(value: object) -> dt.date:
    """The day a journey rule judges on (issue 14): the cell's date, or today for a blank cell, the
    day Excel's TODAY() gives (the computer's local date)."""
    found = day(value)
    return dt.date.today() if found is None else found


def is_blank_cell(value: object) -> bool:
    """None, empty or all-space text, NaN."""
    return is_blank(value)


def yes_no(value: object, default: bool) -> bool:
    upstream(value)
    result = parse_yes_no(value, default)
    return default if result is None else result


def option(value: object, choices: Sequence[str], default: str, name: str) -> str:
    """One of ``choices`` (case and spaces ignored), ``default`` for a blank; else an ArgumentError."""
    upstream(value)
    if is_blank(value):
        return default
    text = name_key(value)
    for choice in choices:
        if text == name_key(choice):
            return choice
    raise ArgumentError(f"{name} must be one of {', '.join(repr(c) for c in choices)}, not {value!r}")


def pair(supplier_value: object, customer_value: object) -> tuple[float, float] | None:
    """Both firms' values of one idea. None when both are blank; one blank value counts as 0 (SPEC §3.1)."""
    vs, vc = number(supplier_value), number(customer_value)
    if math.isnan(vs) and math.isnan(vc):
        return None
    return (0.0 if math.isnan(vs) else vs, 0.0 if math.isnan(vc) else vc)


# --- settings -------------------------------------------------------------------------------------

SETTINGS_HEADER = ("Setting", "Value")


def _is_settings_header(row: Sequence[object]) -> bool:
    keys = {normalise_header(x) for x in row}
    return all(normalise_header(h) in keys for h in SETTINGS_HEADER)


def settings_from_range(rows: object) -> Settings:
    """Settings from the Settings table passed as a range: its two columns (Setting, Value), with or
    without the header row. Blank values keep the defaults; a wrong value raises ValueError naming it.

    Inside an Excel Table every row's formula passes the same Settings range, so one recalculation
    of 1,000 ideas would read it 13,000 times: the Settings of a range's content are kept
    (``_cached_settings``), and reading them costs a lookup after the first call (issue 17)."""
    grid = as_grid(rows)
    try:  # the type is part of the key: 1, 1.0 and True are equal but read differently
        key = tuple(tuple((type(x), x) for x in row) for row in grid)
        hash(key)
    except TypeError:  # an unhashable cell (never from Excel): read it every time
        return _settings_from_grid(grid)
    return _cached_settings(key)


@functools.lru_cache(maxsize=64)
def _cached_settings(key: tuple[tuple[Any, ...], ...]) -> Settings:
    """Settings are immutable, so one object serves every call with the same cells; a range with an
    error raises each time (lru_cache keeps no exceptions)."""
    return _settings_from_grid([[x for _, x in row] for row in key])


def _settings_from_grid(grid: Grid) -> Settings:
    for row in grid:  # an error anywhere in the table is every result's error, as for a single cell
        for value in row:
            upstream(value)
    if len(grid[0]) < 2:
        raise ArgumentError("settings must be the Settings table: two columns, Setting and Value")
    if not any(_is_settings_header(row) for row in grid[:SCAN_ROWS]):
        grid = [[*SETTINGS_HEADER, *[None] * (len(grid[0]) - 2)], *grid]
    settings, problems = read_settings(grid, "workbook", "Settings")
    errors = [p for p in problems if p.is_error]
    if errors:
        raise ValueError(f"Settings: {errors[0].message} {errors[0].fix}".strip())
    return settings


def with_overrides(settings: Settings, **values: object) -> Settings:
    """``settings`` with each non-blank argument (a number) replacing its setting."""
    changes: dict[str, object] = {}
    for name, value in values.items():
        if is_blank(value):
            continue
        number_value = number(value)
        changes[name] = int(number_value) if name == "max_sign_off_ideas" else number_value
    return settings.replace(**changes) if changes else settings
