"""Reading one spreadsheet cell as the value a user means, or saying exactly why it cannot be.

Each function takes a cell value as a spreadsheet reader returns it (str, float, int, bool,
date, datetime, time) and returns the typed value, or raises ``CellIssue`` with a message (what
is wrong) and a fix (what to do). The column-wide typing applies these to distinct values.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from .parsing import parse_number, parse_yes_no
from .suggest import did_you_mean
from .values import is_blank

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
    """Yes/No, Y/N, TRUE/FALSE, 1/0 in any case; blank -> ``default``."""
    check_error_text(value)
    try:
        parsed = parse_yes_no(value, default)
    except ValueError:
        blank_means = "Yes" if default else "No"
        raise CellIssue(
            f"{quoted(value)} is not Yes or No.",
            f"Enter Yes or No (Y/N, TRUE/FALSE and 1/0 also work); blank means {blank_means}.",
        ) from None
    return bool(parsed)


def choice_cell(
    value: object, name: str, choices: tuple[str, ...], aliases: dict[str, str] | None = None
) -> str | None:
    """One of ``choices`` in its canonical spelling (case and spaces ignored); blank -> None."""
    text = text_cell(value)
    if text is None:
        return None
    key = " ".join(text.split()).casefold()
    for choice in choices:
        if key == choice.casefold():
            return choice
    if aliases and key in aliases:
        return aliases[key]
    raise CellIssue(
        f"{quoted(value)} is not a valid {name}.",
        f"{did_you_mean(text, choices)}Use one of: {', '.join(choices)}.",
    )
