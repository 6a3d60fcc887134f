"""Typing a whole column of raw cells at once, with every bad cell reported (SPEC §4, §3.9).

Cells come as a reader returns them ('' for blank). A column is read the way its ``schema.Column``
says (its ``Kind``), always with the one cell parser ``core.cells``. Columns that are entirely of
the expected kind take a vectorised path; other columns are parsed once per distinct value and
broadcast back, so a column of 300,000 rows costs a few hundred distinct parses, and single cells
and whole columns always agree: a value the vectorised path cannot vouch for (an infinite or absurd
number, a date out of range) goes to the cell parser, which says what is wrong with it. Every cell
that cannot be used gets a ``CellProblem`` with a stable code, worded as its table words such
problems (``schema.Wording``). Numbers typed as text are read in one Number format per table
(``table_number_format``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from cvm_xl.core import cells
from cvm_xl.core.cells import (
    AUTO,
    ERROR_VALUES,
    FIRST_DATE,
    LAST_DATE,
    CellIssue,
    date_cell,
    decide_number_format,
    error_issue,
    not_finite_issue,
    number_cell,
    out_of_bounds,
    quoted,
    shown,
    text_cell,
    yes_no_cell,
)
from cvm_xl.core.problems import ERROR, WARNING, Code
from cvm_xl.core.suggest import did_you_mean
from cvm_xl.core.values import is_blank
from cvm_xl.master.schema import INPUT_WORDING, Column, Kind, Wording

_NUMERIC = frozenset({"floating", "integer", "mixed-integer-float", "empty"})
_DATES = frozenset({"date", "datetime", "empty"})
_STRIP = np.frompyfunc(str.strip, 1, 1)
_ORDINAL_1970 = dt.date(1970, 1, 1).toordinal()
_FIRST_DAY, _LAST_DAY = np.datetime64(FIRST_DATE, "D"), np.datetime64(LAST_DATE, "D")
_STARTS_WITH = np.frompyfunc(str.startswith, 2, 1)
# The code of a cell the column's reader turns down, by the column's kind.
_UNREADABLE = {
    Kind.TEXT: Code.CELL_EXCEL_ERROR,  # text is only ever turned down for an error value
    Kind.NUMBER: Code.CELL_NOT_A_NUMBER,
    Kind.SCORE: Code.CELL_NOT_A_SCORE,
    Kind.DATE: Code.CELL_NOT_A_DATE,
    Kind.YES_NO: Code.CELL_NOT_YES_NO,
    Kind.CHOICE: Code.CELL_NOT_IN_LIST,
}


class CellProblem(NamedTuple):
    """Why one cell cannot be used as its column asks: code, message, fix and severity."""

    code: str
    message: str
    fix: str
    severity: str = ERROR


class Unreadable(Exception):
    """Raised by a cell reader: the cell's ``problem``; ``kept`` is the value to use anyway (a list
    value of the user's own, kept with a warning) when ``keep`` is set, else the column's blank."""

    def __init__(self, problem: CellProblem, kept: object = None, keep: bool = False) -> None:
        super().__init__(problem.message)
        self.problem = problem
        self.kept = kept
        self.keep = keep


def excel_error(error: str) -> CellProblem:
    """The problem of a cell showing an Excel error value such as #N/A."""
    return cell_problem(error_issue(error), Code.CELL_EXCEL_ERROR)


def cell_problem(issue: CellIssue, code: str) -> CellProblem:
    """The problem of a cell the cell parser turned down; ``code`` unless the issue has its own."""
    return CellProblem(issue.code or code, issue.message, issue.fix)


def _error_of(value: object) -> CellProblem | None:
    if isinstance(value, str):
        text = value.strip()
        if text in ERROR_VALUES:
            return excel_error(text)
    return None


def _not_valid(column: Column, wording: Wording, value: object, severity: str = ERROR) -> CellProblem:
    """A value the column's reader turned down, worded by the column (``invalid``) or its table."""
    message, fix = column.invalid or wording.not_valid
    text = cells.text(value) or ""
    fields = {
        "column": column.name,
        "value": quoted(value),
        "text": text,
        "listed": ", ".join(column.choices),
        "suggestion": did_you_mean(text, column.choices) if "{suggestion}" in fix else "",
        "hint": column.hint,
    }
    return CellProblem(_UNREADABLE[column.kind], message.format(**fields), fix.format(**fields), severity)


def _issue(code: str, issue: CellIssue) -> Unreadable:
    return Unreadable(cell_problem(issue, code))


def cell_reader(
    column: Column, wording: Wording = INPUT_WORDING, number_format: str = AUTO
) -> Callable[[object], object]:
    """The reader of one cell of ``column``: its typed value (the column's blank value for a blank
    cell), or ``Unreadable``. Excel error values are the caller's to catch first (``_error_of``).
    Numbers typed as text are read in ``number_format`` (a Number format setting)."""
    code = _UNREADABLE[column.kind]
    if column.kind is Kind.TEXT:
        return text_cell
    if column.kind is Kind.NUMBER:
        spelled = column.parse  # the domain's spelling of a number ('Q1' for quartile 1), if any

        def number(value: object) -> object:
            try:
                if spelled is not None and isinstance(value, str):
                    try:
                        return number_cell(spelled(value), number_format)
                    except ValueError:
                        pass  # the cell as typed says what is wrong with it
                return number_cell(value, number_format)
            except CellIssue as issue:
                raise _issue(code, issue) from None

        return number
    if column.kind is Kind.SCORE:
        low, high = int(column.low or 0), int(column.high or 0)

        def score(value: object) -> object:
            try:
                found = cells.whole_number(value, low, high, column.name.lower())
            except ValueError:
                raise Unreadable(_not_valid(column, wording, value)) from None
            return math.nan if found is None else float(found)

        return score
    if column.kind is Kind.DATE:

        def date(value: object) -> object:
            try:
                if isinstance(value, np.datetime64):
                    return cells.date(value)
                return date_cell(value, column.year_month)
            except CellIssue as issue:
                raise _issue(code, issue) from None

        return date
    if column.kind is Kind.YES_NO:
        default = bool(column.default)

        def yes_no(value: object) -> object:
            try:
                return yes_no_cell(value, default)
            except CellIssue as issue:
                raise _issue(code, issue) from None

        return yes_no
    synonyms = dict(column.synonyms)
    parse = column.parse or (lambda value: cells.choice(value, column.choices, synonyms))

    def choice(value: object) -> object:
        try:
            found = parse(value)
        except ValueError:
            if column.lenient:
                problem = _not_valid(column, wording, value, WARNING)
                raise Unreadable(problem._replace(code=Code.CELL_UNLISTED), cells.text(value), True) from None
            raise Unreadable(_not_valid(column, wording, value)) from None
        return column.default if found is None else found

    return choice


@dataclass
class TypedColumn:
    """A column's typed values, which cells were blank, and the problems of the others.

    ``issues`` holds (position, raw value, problem) for every cell that could not be used; such a
    cell gets ``failed`` (the blank value, or None where a blank means a list default). ``days`` is a
    datetime64[D] copy of a date column.
    """

    values: np.ndarray
    blank: np.ndarray
    failed: object = None
    issues: list[tuple[int, object, CellProblem]] = field(default_factory=list)
    days: np.ndarray | None = None

    def add_issue(self, position: int, value: object, problem: CellProblem) -> None:
        self.issues.append((position, value, problem))

    def fail(self, position: int, value: object, problem: CellProblem) -> None:
        """Mark a cell as unusable (an error value found apart from the cell values)."""
        self.blank[position] = False
        self.values[position] = self.failed
        if self.days is not None:
            self.days[position] = np.datetime64("NaT")
        self.add_issue(position, value, problem)


def blank_cells(raw: np.ndarray) -> np.ndarray:
    """True where a raw cell is empty ('', as the reader gives it). Other blanks (None, NaN,
    whitespace-only text) take the per-value path, whose parsers treat them as blank."""
    return np.asarray(raw == "", dtype=bool)


def _may_merge_bools(uniques: np.ndarray) -> bool:
    """pandas hashes True like 1 and False like 0: could two such cells have been taken as one?"""
    return any(isinstance(u, bool | np.bool_ | int | float) and u in (0, 1) for u in uniques)


def _factorize(cells_: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, one original cell per distinct value), keeping TRUE apart from 1 and FALSE from 0."""
    codes, uniques = pd.factorize(cells_, use_na_sentinel=False)
    if not _may_merge_bools(uniques):
        return codes, uniques
    is_bool = np.frompyfunc(lambda v: type(v) is bool, 1, 1)(cells_).astype(bool)
    keys = cells_.copy()
    keys[is_bool] = np.where(cells_[is_bool].astype(bool), "\0TRUE", "\0FALSE")
    codes, _ = pd.factorize(keys, use_na_sentinel=False)
    distinct, first = np.unique(codes, return_index=True)
    originals = np.empty(len(distinct), dtype=object)
    originals[distinct] = cells_[first]
    return codes, originals


def _by_distinct(
    raw: np.ndarray,
    positions: np.ndarray,
    read: Callable[[object], object],
    out: np.ndarray,
    typed: TypedColumn,
    blank_value: object,
) -> None:
    """``out[positions] = read(raw[positions])``, reading each distinct value once."""
    if not len(positions):
        return
    found = raw[positions]
    codes, originals = _factorize(found)
    parsed = np.empty(len(originals), dtype=out.dtype)
    failed: dict[int, CellProblem] = {}
    now_blank = np.zeros(len(originals), dtype=bool)
    for code, original in enumerate(originals):
        problem = _error_of(original)
        value: object = typed.failed
        if problem is None:
            try:
                value = read(original)
            except Unreadable as unread:
                problem = unread.problem
                value = unread.kept if unread.keep else typed.failed
            else:
                now_blank[code] = is_blank(original)
                if value is None or (isinstance(value, float) and value != value):
                    value = blank_value
        if problem is not None:
            failed[code] = problem
        parsed[code] = value
    out[positions] = parsed[codes]
    typed.blank[positions[now_blank[codes]]] = True
    if failed:
        bad_rows = np.flatnonzero(np.isin(codes, list(failed)))
        for row in bad_rows:
            typed.add_issue(int(positions[row]), found[row], failed[int(codes[row])])


def _check_range(column: Column, typed: TypedColumn) -> None:
    """SPEC §4: numbers within the column's bounds, whole where asked."""
    values = typed.values
    with np.errstate(invalid="ignore"):
        too_low = values < column.low if column.low is not None else np.zeros(len(values), dtype=bool)
        too_high = values > column.high if column.high is not None else np.zeros(len(values), dtype=bool)
        not_whole = (values != np.floor(values)) if column.whole else np.zeros(len(values), dtype=bool)
    bad = np.flatnonzero(too_low | too_high | (not_whole & ~np.isnan(values)))
    if not len(bad):
        return
    low, high = column.low, column.high
    low_text = shown(float(low)) if low is not None else ""
    high_text = shown(float(high)) if high is not None else ""
    if low is not None and high is not None:
        span = f"from {low_text} to {high_text}"
        example = ", e.g. 0.6 or 60%" if column.percent else ""
        fix = f"Enter {'a whole number' if column.whole else 'a number'} {span}{example}."
    else:
        fix = "Enter 0 or a positive number."
    for position in bad:
        value = float(values[position])
        if too_low[position] or too_high[position]:
            code = Code.CELL_OUT_OF_RANGE
            if high is None:
                message = f"{shown(value)} is negative; {column.name} cannot be below {low_text}."
            else:
                percent = f" ({value:.0%})" if column.percent else ""
                message = f"{column.name} {shown(value)}{percent} is outside {low_text} to {high_text}."
        else:
            code, message = Code.CELL_NOT_WHOLE, f"{shown(value)} is not a whole number."
        typed.add_issue(int(position), value, CellProblem(code, message, fix))
        values[position] = np.nan


def _type_number(
    raw: np.ndarray, blank: np.ndarray, column: Column, read: Callable[[object], object]
) -> TypedColumn:
    out = np.full(len(raw), np.nan)
    typed = TypedColumn(out, blank.copy(), np.nan)
    filled = np.flatnonzero(~blank)
    found = raw[filled]
    if column.kind is Kind.NUMBER and infer_dtype(found, skipna=False) in _NUMERIC:
        numbers = found.astype(float)
        odd = out_of_bounds(numbers)  # infinite or absurd: the cell parser says what is wrong
        out[filled] = np.where(odd, np.nan, numbers)
        typed.blank[filled[np.isnan(numbers)]] = True
        _by_distinct(raw, filled[odd], read, out, typed, np.nan)
    else:
        _by_distinct(raw, filled, read, out, typed, np.nan)
    if column.kind is Kind.NUMBER:
        _check_range(column, typed)
    return typed


def _type_text(
    raw: np.ndarray, blank: np.ndarray, column: Column, read: Callable[[object], object]
) -> TypedColumn:
    out = np.full(len(raw), column.blank_value, dtype=object)
    typed = TypedColumn(out, blank.copy(), None)
    filled = np.flatnonzero(~blank)
    found = raw[filled]
    if column.kind is Kind.TEXT and infer_dtype(found, skipna=False) == "string":
        stripped = _STRIP(found)
        empty = stripped == ""
        errors = np.zeros(len(found), dtype=bool)
        hashed = np.flatnonzero(_STARTS_WITH(stripped, "#").astype(bool))
        errors[hashed] = [text in ERROR_VALUES for text in stripped[hashed]]
        out[filled] = stripped
        out[filled[empty | errors]] = None
        typed.blank[filled[empty]] = True
        for row in np.flatnonzero(errors):
            typed.add_issue(int(filled[row]), found[row], excel_error(str(stripped[row])))
    else:
        _by_distinct(raw, filled, read, out, typed, column.blank_value)
    return typed


def _days(dates: np.ndarray) -> np.ndarray:
    """datetime64[D] of an array of date (or datetime) objects; ordinals beat numpy's own conversion."""
    ordinals = np.fromiter(map(dt.date.toordinal, dates), dtype=np.int64, count=len(dates))
    return (ordinals - _ORDINAL_1970).astype("datetime64[D]")


def _type_date(raw: np.ndarray, blank: np.ndarray, read: Callable[[object], object]) -> TypedColumn:
    days = np.full(len(raw), np.datetime64("NaT"), dtype="datetime64[D]")
    filled = np.flatnonzero(~blank)
    found = raw[filled]
    typed = TypedColumn(np.empty(0, dtype=object), blank.copy(), None)
    fast = infer_dtype(found, skipna=False) in _DATES
    if fast:
        try:
            days[filled] = _days(found)
        except (TypeError, ValueError):  # NaT among the dates: each value on its own
            fast = False
    if not fast:
        parsed = np.full(len(raw), None, dtype=object)
        _by_distinct(raw, filled, read, parsed, typed, None)
        dated = filled[pd.notna(parsed[filled])]
        days[dated] = _days(parsed[dated])
    values = days.astype(object)
    values[np.isnat(days)] = None
    typed.values = values
    typed.days = days
    if fast:  # the cell parser checks the range of the dates it reads; these it did not read
        # positions in the whole column (NaT, the blanks, compares False on both sides)
        outside = np.flatnonzero((days < _FIRST_DAY) | (days > _LAST_DAY))
        for position in outside:
            try:
                read(raw[position])
            except Unreadable as unread:
                typed.fail(int(position), raw[position], unread.problem)
    return typed


def _type_yes_no(
    raw: np.ndarray, blank: np.ndarray, column: Column, read: Callable[[object], object]
) -> TypedColumn:
    default = bool(column.default)
    out = np.full(len(raw), default, dtype=bool)
    typed = TypedColumn(out, blank.copy(), default)
    _by_distinct(raw, np.flatnonzero(~blank), read, out, typed, default)
    return typed


def table_number_format(columns: Mapping[Column, np.ndarray], setting: str = AUTO) -> str:
    """The Number format the number columns of one table are read in (SPEC §4): the setting when it
    names one; with ``auto``, the one the table's own numbers typed as text show when they agree
    (``core.cells.decide_number_format``), else ``auto``."""
    if setting != AUTO:
        return setting
    texts: set[str] = set()
    for column, raw in columns.items():
        if column.kind is not Kind.NUMBER:
            continue
        cells_ = np.asarray(raw, dtype=object)
        filled = cells_[~blank_cells(cells_)]
        if infer_dtype(filled, skipna=False) not in _NUMERIC:  # numbers only: nothing typed as text
            texts.update(v for v in pd.unique(filled) if isinstance(v, str))
    return decide_number_format(texts)


def type_column(
    raw: np.ndarray,
    column: Column,
    wording: Wording = INPUT_WORDING,
    number_format: str = AUTO,
    *,
    nan_is_blank: bool = True,
) -> TypedColumn:
    """Typed values of a raw column: float (NaN blank) for numbers and scores, bool (blank -> the
    default) for Yes/No, ``datetime.date`` for dates, text or a list value (None blank) otherwise.
    ``wording`` words the problems of the column's table (SPEC §4 or §3.9); numbers typed as text
    are read in ``number_format`` (``table_number_format``). A NaN cell is blank, as pandas writes
    one, unless ``nan_is_blank`` is False (the cells of a workbook reader): then it is an error."""
    raw = np.asarray(raw, dtype=object)
    blank = blank_cells(raw)
    read = cell_reader(column, wording, number_format)
    if column.kind in (Kind.NUMBER, Kind.SCORE):
        typed = _type_number(raw, blank, column, read)
    elif column.kind is Kind.DATE:
        typed = _type_date(raw, blank, read)
    elif column.kind is Kind.YES_NO:
        typed = _type_yes_no(raw, blank, column, read)
    else:
        typed = _type_text(raw, blank, column, read)
    if not nan_is_blank:
        # Among a reader's cells (a blank is '' or None) a NaN was written by a program. Every
        # parser types a NaN as blank; of those cells, only a NaN differs from itself. They fail now.
        maybe = np.flatnonzero(typed.blank & ~blank)
        nan = maybe[raw[maybe] != raw[maybe]]
        if len(nan):
            problem = cell_problem(not_finite_issue(math.nan), Code.CELL_NOT_FINITE)
            for position in nan:
                typed.fail(int(position), raw[position], problem)
    return typed


def raw_column(raw: np.ndarray) -> np.ndarray:
    """An extra (unknown) column kept as read: blanks become None, other cells stay as they are."""
    raw = np.asarray(raw, dtype=object)
    out = raw.copy()
    out[blank_cells(raw)] = None
    return out
