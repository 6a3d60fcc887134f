"""Reading a spreadsheet cell the way a user means it: blanks, numbers, Yes/No.

The vectorised helpers apply the scalar parser once per distinct value, so whole columns and
single cells are parsed by the same code and can never disagree.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from .values import is_blank

T = TypeVar("T")

YES = frozenset({"yes", "y", "true", "1", "1.0"})
NO = frozenset({"no", "n", "false", "0", "0.0"})


def parse_yes_no(x: object, default: bool | None = None) -> bool | None:
    """Yes/No, Y/N, TRUE/FALSE, 1/0 (any case); blank -> default. Raises ValueError otherwise."""
    if is_blank(x):
        return default
    if isinstance(x, bool | np.bool_):
        return bool(x)
    if isinstance(x, int | float | np.integer | np.floating):
        if x == 1:
            return True
        if x == 0:
            return False
    text = str(x).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"{x!r} is not Yes or No: write Yes or No (Y/N, TRUE/FALSE, 1/0 also work)")


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
    if series is None:
        return np.full(length, default, dtype=bool)
    if pd.api.types.is_bool_dtype(series.dtype) and not series.hasnans:
        return series.to_numpy(dtype=bool)
    return map_distinct(series, lambda x: parse_yes_no(x, default), bool)
