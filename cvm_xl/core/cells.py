"""Reading one spreadsheet cell the way a user means it: blanks, numbers, percentages, Yes/No,
dates, text, IDs, list values and whole-number scores; or saying exactly why it cannot be.

This is the one cell parser of cvm-xl: the master loader, the customer-book reader, the readiness
rules and the vectorised evaluation all read cells through it. Each function takes a cell value as a
spreadsheet reader returns it (str, float, int, bool, date, datetime, time) and returns the typed
value, or raises ``CellIssue`` / ``ValueError`` with a message (what is wrong) and a fix (what to do).

The vectorised helpers apply the scalar parser once per distinct value, so whole columns and
single cells are parsed by the same code and can never disagree.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

import numpy as np
import pandas as pd

from cvm_xl.core import spellings
from cvm_xl.core.suggest import did_you_mean
from cvm_xl.core.values import is_blank

T = TypeVar("T")


def parse_yes_no(x: object, default: bool | None = None) -> bool | None:
    """Yes/No, Y/N, TRUE/FALSE, 1/0 as text (any case), booleans or numbers: the spellings of
    ``core.spellings`` (SPEC §4); blank -> default. Raises ValueError otherwise."""
    if is_blank(x):
        return default
    meaning = spellings.yes_no(x)
    if meaning is None:
        raise ValueError(f"{x!r} is not Yes or No: write Yes or No ({spellings.also_accepted()} also work)")
    return meaning


def parse_number(x: object) -> float:
    """A number, or NaN for a blank cell. '12.5%' -> 0.125. Raises ValueError for other text."""
    if is_blank(x):
        return math.nan
    if isinstance(x, bool | np.bool_):
        raise ValueError(f"{x!r} is not a number")
    if isinstance(x, int | float | np.integer | np.floating):
        return float(x)
    text = str(x).strip().replace("\u00a0", "").replace(" ", "")
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    # Thousands separators as Excel shows them ("1,250,000") are common in pasted figures.
    if (
        text.count(",")
        and text.count(".") <= 1
        and all(len(part) == 3 for part in text.split(".")[0].split(",")[1:])
    ):
        text = text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{x!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{x!r} is not a number")
    return value / 100 if percent else value


def map_distinct(series: pd.Series, parse: Callable[[object], T], dtype: type | str = object) -> np.ndarray:
    """``parse`` applied to each distinct value of ``series`` once, broadcast back to every row."""
    # Hashing the raw object array is about twice as fast as pandas' python-backed string dtype.
    values = series.to_numpy(dtype=object) if pd.api.types.is_string_dtype(series.dtype) else series
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parsed = [parse(u) for u in uniques]
    blank = parse(None)
    table = np.empty(len(parsed) + 1, dtype=dtype)
    table[: len(parsed)] = parsed
    table[len(parsed)] = blank
    return table[codes]  # code -1 (missing) picks the last slot


def number_column(series: pd.Series | None, length: int) -> np.ndarray:
    """Float array of a value column; NaN for blanks. Numeric dtypes skip the per-value parse."""
    if series is None:
        return np.full(length, np.nan)
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=float, na_value=np.nan)
    return map_distinct(series, parse_number, float)


def yes_no_column(series: pd.Series | None, length: int, default: bool) -> np.ndarray:
    """Bool array of a Yes/No column: ``parse_yes_no`` once per distinct value, so a column and a
    single cell read the same spellings; a boolean column without blanks is taken as it is."""
    if series is None:
        return np.full(length, default, dtype=bool)
    if pd.api.types.is_bool_dtype(series.dtype) and not series.hasnans:
        return series.to_numpy(dtype=bool)
    return map_distinct(series, lambda x: parse_yes_no(x, default), bool)


# --- one cell of an input table, with the fix a user can act on ---

ERROR_VALUES = frozenset(
    {
        "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
        "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
        "#EXTERNAL!", "#PYTHON!",
    }
)  # fmt: skip

# Excel serial numbers of 1950-01-01 and 2149-12-31 (1900 date system): a number in this range in
# a date column is a date whose cell format the reader did not recognise as a date.
FIRST_SERIAL, LAST_SERIAL = 18264, 91310
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{1,2})")

NUMBER_FIX = "Type a plain number such as 12500 or 12.5% (no units or words), or leave the cell blank."
DATE_FIX = "Enter a real date (e.g. pick it in Excel) or type it as 2025-03-31, or leave the cell blank."
ERROR_FIX = "Correct the formula or value so the cell shows a proper value, or clear the cell."


class CellIssue(ValueError):
    """Why a cell cannot be used: ``message`` says what is wrong, ``fix`` what to do."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


def shown(value: object) -> str:
    """A cell value as the user sees it: 1001.0 -> '1001', dates as 2025-03-31, text as typed."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def quoted(value: object) -> str:
    """Text in quotes, other values as shown: "'abc'", '2025-03-31', '1.5'."""
    return f"'{value}'" if isinstance(value, str) else shown(value)


def error_issue(error: str) -> CellIssue:
    return CellIssue(f"The cell shows the Excel error {error}.", ERROR_FIX)


def check_error_text(value: object) -> None:
    if isinstance(value, str) and value.strip() in ERROR_VALUES:
        raise error_issue(value.strip())


def text_cell(value: object) -> str | None:
    """Any cell as text (numbers as shown, e.g. an ID typed as 1001); blank -> None."""
    check_error_text(value)
    if is_blank(value):
        return None
    text = value.strip() if isinstance(value, str) else shown(value)
    return text or None


def number_cell(value: object) -> float:
    """A number; '12.5%' -> 0.125, '1,250' -> 1250; blank -> NaN."""
    check_error_text(value)
    if isinstance(value, bool):
        raise CellIssue(f"{shown(value)} is not a number.", NUMBER_FIX)
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        raise CellIssue(f"{shown(value)} is a date or time, not a number.", NUMBER_FIX)
    try:
        return parse_number(value)
    except ValueError:
        raise CellIssue(f"{quoted(value)} is not a number.", NUMBER_FIX) from None


def date_cell(value: object, year_month: bool = False) -> dt.date | None:
    """A date: a real date cell, ISO text (2025-03-31) or an Excel serial number; blank -> None.

    With ``year_month``, '2025-03' is also accepted (as 2025-03-01), for month columns.
    """
    check_error_text(value)
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellIssue(f"{shown(value)} is not a date.", DATE_FIX)
    if isinstance(value, dt.time):
        raise CellIssue(f"{shown(value)} is a time of day, not a date.", DATE_FIX)
    if isinstance(value, int | float):
        if FIRST_SERIAL <= value <= LAST_SERIAL:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellIssue(f"{shown(value)} is a number, not a date.", DATE_FIX)
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    match = _YEAR_MONTH.fullmatch(text) if year_month else None
    if match and 1 <= int(match.group(2)) <= 12:
        return dt.date(int(match.group(1)), int(match.group(2)), 1)
    raise CellIssue(f"{quoted(value)} is not a date.", DATE_FIX)


def yes_no_cell(value: object, default: bool) -> bool:
    """A Yes/No cell (the spellings of ``core.spellings``); blank -> ``default``."""
    check_error_text(value)
    try:
        parsed = parse_yes_no(value, default)
    except ValueError:
        blank_means = "Yes" if default else "No"
        raise CellIssue(
            f"{quoted(value)} is not Yes or No.",
            f"Enter Yes or No ({spellings.also_accepted(' and ')} also work); blank means {blank_means}.",
        ) from None
    return bool(parsed)


# --- one cell of a relationship table ---


def text(x: object) -> str | None:
    """A cell as text the way the loader reads text: trimmed, numbers as shown (an ID typed as
    101 is '101'), None for blank. Never raises."""
    if is_blank(x):
        return None
    value = x.strip() if isinstance(x, str) else shown(x)
    return value or None


# How two spellings of the same name compare (spaces collapsed, case ignored): declared in spellings.
key = spellings.name_key


def choice(x: object, values: Iterable[str], synonyms: Mapping[str, str] | None = None) -> str | None:
    """The canonical spelling of a list value ('open ' -> 'Open'); None for blank.

    ``synonyms`` maps other accepted spellings (compared case-insensitively) to a value.
    """
    if is_blank(x):
        return None
    options = tuple(values)
    wanted = key(text(x))
    for value in options:
        if key(value) == wanted:
            return value
    for other, value in (synonyms or {}).items():
        if key(other) == wanted:
            return value
    listed = ", ".join(options)
    raise ValueError(f"'{text(x)}' is not one of {listed}. {did_you_mean(text(x), options)}".rstrip())


def whole_number(x: object, low: int, high: int, what: str) -> int | None:
    """A whole number from ``low`` to ``high`` (3, 3.0 or '3'); None for blank."""
    if is_blank(x):
        return None
    if isinstance(x, bool | np.bool_):
        raise ValueError(f"{x!r} is not a {what} from {low} to {high}")
    try:
        number = float(str(x).strip()) if isinstance(x, str) else float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"'{text(x)}' is not a {what}: write a whole number from {low} to {high}") from None
    if not math.isfinite(number) or not number.is_integer() or not low <= number <= high:
        raise ValueError(f"{number:g} is not a {what}: write a whole number from {low} to {high}")
    return int(number)


def date(x: object) -> dt.date | None:
    """A date as the loader reads dates (a date cell, ISO text or an Excel serial number); None for
    blank. Raises ``CellIssue`` (a ValueError with a ``fix``) otherwise."""
    if isinstance(x, np.datetime64):
        return None if np.isnat(x) else dt.date.fromisoformat(str(x.astype("datetime64[D]")))
    return date_cell(x)


def apply_each(values: Iterable[object], parse: Callable[[object], T]) -> list[T]:
    """``parse`` of every value, computed once per distinct (type, value).

    Keyed on the type too because True == 1 == 1.0 in Python, yet a Yes/No cell and a number
    must not share an answer.
    """
    cache: dict[tuple[type, object], T] = {}
    out: list[T] = []
    for value in values:
        slot = (type(value), value)
        try:
            hash(slot)
        except TypeError:  # unhashable cell content
            out.append(parse(value))
            continue
        if slot not in cache:
            cache[slot] = parse(value)
        out.append(cache[slot])
    return out


def safely(parse: Callable[[object], T], x: object) -> T | None:
    """``parse(x)``, or None when the cell cannot be read (validation reports it separately)."""
    try:
        return parse(x)
    except ValueError:
        return None


def object_frame(
    rows: Iterable[Mapping[str, object]], columns: Iterable[str], index: Iterable[object] | None = None
) -> pd.DataFrame:
    """A table of Python values kept as they are (None stays None: pandas would turn text columns
    into its string dtype with NaN for blanks). Keys missing from a row are None."""
    rows = list(rows)
    labels = (
        index if isinstance(index, pd.Index) else pd.Index(range(len(rows)) if index is None else list(index))
    )
    return pd.DataFrame(
        {c: pd.Series([r.get(c) for r in rows], dtype=object, index=labels) for c in columns}, index=labels
    )


def object_series(values: Iterable[object], index: pd.Index) -> pd.Series:
    """A column of Python values kept as they are (None stays None), for assigning to a table."""
    return pd.Series(list(values), dtype=object, index=index)
