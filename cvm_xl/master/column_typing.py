"""Typing a whole column of raw cells at once, with every bad cell reported.

Cells come as a reader returns them ('' for blank). Columns that are entirely of the expected
kind take a vectorised path; other columns are parsed once per distinct value with the scalar
readers of ``cell_values`` and broadcast back, so a column of 300,000 rows costs a few hundred
distinct parses, and single cells and whole columns always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from cvm_xl.core.cells import (
    ERROR_VALUES,
    CellIssue,
    choice_cell,
    date_cell,
    error_issue,
    number_cell,
    shown,
    text_cell,
    yes_no_cell,
)
from cvm_xl.core.values import is_blank
from cvm_xl.master.schema import Column, Kind

_NUMERIC = frozenset({"floating", "integer", "mixed-integer-float", "empty"})
_DATES = frozenset({"date", "datetime", "empty"})
_STRIP = np.frompyfunc(str.strip, 1, 1)
_ORDINAL_1970 = dt.date(1970, 1, 1).toordinal()
_STARTS_WITH = np.frompyfunc(str.startswith, 2, 1)


@dataclass
class TypedColumn:
    """A column's typed values, which cells were blank, and the problems of the others.

    ``issues`` holds (position, raw value, message, fix) for every cell that could not be used;
    such a cell gets the blank value. ``days`` is a datetime64[D] copy of a date column.
    """

    values: np.ndarray
    blank: np.ndarray
    issues: list[tuple[int, object, str, str]] = field(default_factory=list)
    days: np.ndarray | None = None

    def add_issue(self, position: int, value: object, issue: CellIssue) -> None:
        self.issues.append((position, value, issue.message, issue.fix))


def blank_cells(raw: np.ndarray) -> np.ndarray:
    """True where a raw cell is empty ('', as the reader gives it). Other blanks (None, NaN,
    whitespace-only text) take the per-value path, whose parsers treat them as blank."""
    return raw == ""


def _may_merge_bools(uniques: np.ndarray) -> bool:
    """pandas hashes True like 1 and False like 0: could two such cells have been taken as one?"""
    return any(isinstance(u, bool | np.bool_ | int | float) and u in (0, 1) for u in uniques)


def _factorize(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, one original cell per distinct value), keeping TRUE apart from 1 and FALSE from 0."""
    codes, uniques = pd.factorize(cells, use_na_sentinel=False)
    if not _may_merge_bools(uniques):
        return codes, uniques
    is_bool = np.frompyfunc(lambda v: type(v) is bool, 1, 1)(cells).astype(bool)
    keys = cells.copy()
    keys[is_bool] = np.where(cells[is_bool].astype(bool), "\0TRUE", "\0FALSE")
    codes, _ = pd.factorize(keys, use_na_sentinel=False)
    distinct, first = np.unique(codes, return_index=True)
    originals = np.empty(len(distinct), dtype=object)
    originals[distinct] = cells[first]
    return codes, originals


def _by_distinct(
    raw: np.ndarray,
    positions: np.ndarray,
    parse: Callable[[object], object],
    out: np.ndarray,
    typed: TypedColumn,
    blank_value: object,
) -> None:
    """``out[positions] = parse(raw[positions])``, parsing each distinct value once."""
    if not len(positions):
        return
    cells = raw[positions]
    codes, originals = _factorize(cells)
    parsed = np.empty(len(originals), dtype=out.dtype)
    failed: dict[int, CellIssue] = {}
    now_blank = np.zeros(len(originals), dtype=bool)
    for code, original in enumerate(originals):
        try:
            value = parse(original)
        except CellIssue as issue:
            failed[code] = issue
            value = blank_value
        else:
            now_blank[code] = is_blank(original)
        if value is None or (isinstance(value, float) and value != value):
            value = blank_value
        parsed[code] = value
    out[positions] = parsed[codes]
    typed.blank[positions[now_blank[codes]]] = True
    if failed:
        bad_rows = np.flatnonzero(np.isin(codes, list(failed)))
        for row in bad_rows:
            typed.add_issue(int(positions[row]), cells[row], failed[int(codes[row])])


def _check_range(column: Column, typed: TypedColumn) -> None:
    values = typed.values
    with np.errstate(invalid="ignore"):
        too_low = values < column.low if column.low is not None else np.zeros(len(values), dtype=bool)
        too_high = values > column.high if column.high is not None else np.zeros(len(values), dtype=bool)
        not_whole = (values != np.floor(values)) if column.whole else np.zeros(len(values), dtype=bool)
    bad = np.flatnonzero(too_low | too_high | (not_whole & ~np.isnan(values)))
    if not len(bad):
        return
    low, high = column.low, column.high
    if low is not None and high is not None:
        span = f"from {shown(float(low))} to {shown(float(high))}"
        example = ", e.g. 0.6 or 60%" if column.percent else ""
        fix = f"Enter {'a whole number' if column.whole else 'a number'} {span}{example}."
    else:
        fix = "Enter 0 or a positive number."
    for position in bad:
        value = float(values[position])
        if too_low[position] or too_high[position]:
            if high is None:
                message = f"{shown(value)} is negative; {column.name} cannot be below {shown(float(low))}."
            else:
                percent = f" ({value:.0%})" if column.percent else ""
                message = f"{column.name} {shown(value)}{percent} is outside {shown(float(low))} to " + (
                    f"{shown(float(high))}."
                )
        else:
            message = f"{shown(value)} is not a whole number."
        typed.issues.append((int(position), value, message, fix))
        values[position] = np.nan


def _type_number(raw: np.ndarray, blank: np.ndarray, column: Column) -> TypedColumn:
    out = np.full(len(raw), np.nan)
    typed = TypedColumn(out, blank.copy())
    filled = np.flatnonzero(~blank)
    cells = raw[filled]
    if infer_dtype(cells, skipna=False) in _NUMERIC:
        numbers = cells.astype(float)
        out[filled] = numbers
        typed.blank[filled[np.isnan(numbers)]] = True
    else:
        _by_distinct(raw, filled, number_cell, out, typed, np.nan)
    _check_range(column, typed)
    return typed


def _type_text(raw: np.ndarray, blank: np.ndarray, parse: Callable[[object], object]) -> TypedColumn:
    out = np.full(len(raw), None, dtype=object)
    typed = TypedColumn(out, blank.copy())
    filled = np.flatnonzero(~blank)
    cells = raw[filled]
    if parse is text_cell and infer_dtype(cells, skipna=False) == "string":
        stripped = _STRIP(cells)
        empty = stripped == ""
        errors = np.zeros(len(cells), dtype=bool)
        hashed = np.flatnonzero(_STARTS_WITH(stripped, "#").astype(bool))
        errors[hashed] = [text in ERROR_VALUES for text in stripped[hashed]]
        out[filled] = stripped
        out[filled[empty | errors]] = None
        typed.blank[filled[empty]] = True
        for row in np.flatnonzero(errors):
            typed.add_issue(int(filled[row]), cells[row], error_issue(str(stripped[row])))
    else:
        _by_distinct(raw, filled, parse, out, typed, None)
    return typed


def _days(dates: np.ndarray) -> np.ndarray:
    """datetime64[D] of an array of date (or datetime) objects; ordinals beat numpy's own conversion."""
    ordinals = np.fromiter(map(dt.date.toordinal, dates), dtype=np.int64, count=len(dates))
    return (ordinals - _ORDINAL_1970).astype("datetime64[D]")


def _type_date(raw: np.ndarray, blank: np.ndarray, column: Column) -> TypedColumn:
    days = np.full(len(raw), np.datetime64("NaT"), dtype="datetime64[D]")
    filled = np.flatnonzero(~blank)
    cells = raw[filled]
    typed = TypedColumn(np.empty(0, dtype=object), blank.copy())
    if infer_dtype(cells, skipna=False) in _DATES:
        days[filled] = _days(cells)
    else:
        parsed = np.full(len(raw), None, dtype=object)
        year_month = column.name == "Month"
        _by_distinct(raw, filled, lambda v: date_cell(v, year_month), parsed, typed, None)
        dated = filled[~np.equal(parsed[filled], None)]
        days[dated] = _days(parsed[dated])
    values = days.astype(object)
    values[np.isnat(days)] = None
    typed.values = values
    typed.days = days
    return typed


def _type_yes_no(raw: np.ndarray, blank: np.ndarray, column: Column) -> TypedColumn:
    out = np.full(len(raw), column.default, dtype=bool)
    typed = TypedColumn(out, blank.copy())
    parse = lambda v: yes_no_cell(v, column.default)  # noqa: E731
    _by_distinct(raw, np.flatnonzero(~blank), parse, out, typed, column.default)
    return typed


def type_column(raw: np.ndarray, column: Column) -> TypedColumn:
    """Typed values of a raw column: float (NaN blank), bool (blank -> default), date or text (None blank)."""
    raw = np.asarray(raw, dtype=object)
    blank = blank_cells(raw)
    if column.kind is Kind.NUMBER:
        return _type_number(raw, blank, column)
    if column.kind is Kind.DATE:
        return _type_date(raw, blank, column)
    if column.kind is Kind.YES_NO:
        return _type_yes_no(raw, blank, column)
    if column.kind is Kind.CHOICE:
        aliases = dict(column.aliases)
        return _type_text(raw, blank, lambda v: choice_cell(v, column.name, column.choices, aliases))
    return _type_text(raw, blank, text_cell)


def raw_column(raw: np.ndarray) -> np.ndarray:
    """An extra (unknown) column kept as read: blanks become None, other cells stay as they are."""
    raw = np.asarray(raw, dtype=object)
    out = raw.copy()
    out[blank_cells(raw)] = None
    return out
