"""Reading one cell of a relationship table: text, IDs, list values, whole-number scores, dates.

Each parser returns the canonical value (None for a blank cell) or raises ValueError with a
message a user can act on; validators turn those messages into Problems.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

import numpy as np
import pandas as pd

from ..cell_values import date_cell, shown
from ..suggest import did_you_mean
from ..values import is_blank

T = TypeVar("T")


def text(x: object) -> str | None:
    """A cell as text the way the loader reads text: trimmed, numbers as shown (an ID typed as
    101 is '101'), None for blank. Never raises."""
    if is_blank(x):
        return None
    value = x.strip() if isinstance(x, str) else shown(x)
    return value or None


def key(x: object) -> str:
    """How two spellings of the same name compare: spaces collapsed, case ignored."""
    return " ".join(str(x).split()).casefold()


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
