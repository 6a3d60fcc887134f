"""Reading one spreadsheet cell the way a user means it: blanks, numbers, percentages, Yes/No,
dates, text, IDs, list values and whole-number scores; or saying exactly why it cannot be.

This is the one cell parser of cvm-xl: the master loader, the customer-book reader, the readiness
rules and the vectorised evaluation all read cells through it. Each function takes a cell value as a
spreadsheet reader returns it (str, float, int, bool, date, datetime, time) and returns the typed
value, or raises ``CellIssue`` (a ``ValueError``) with a message (what is wrong), a fix (what to do)
and the ``core.problems.Code`` of the problem.

Numbers typed as text are read the way people type them (SPEC §4): thousands separators (a space
always works), a decimal point or comma, a currency symbol or code, ``(5,000)`` for -5000 and
``12.5%``. Which mark is the decimal one is the master's ``Number format`` setting (``NUMBER_FORMATS``);
with ``auto`` the data decides (``decide_number_format``), and a value that can still be read two
ways (``12,500``: 12500 or 12.5) is an error naming the cell, never a guess. A cell's number that is
not finite or larger in size than ``MAX_MAGNITUDE`` is an error (``number_cell``), and so is a date
outside ``FIRST_DATE`` .. ``LAST_DATE``.

The vectorised helpers apply the scalar parser once per distinct value, so whole columns and
single cells are parsed by the same code and can never disagree.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import NamedTuple, TypeVar

import numpy as np
import pandas as pd

from cvm_xl.core import spellings
from cvm_xl.core.problems import Code
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


# --- why a cell cannot be used ---

NUMBER_FIX = "Type a plain number such as 12500 or 12.5% (no units or words), or leave the cell blank."
DATE_FIX = "Enter a real date (e.g. pick it in Excel) or type it as 2025-03-31, or leave the cell blank."
ERROR_FIX = "Correct the formula or value so the cell shows a proper value, or clear the cell."


class CellIssue(ValueError):
    """Why a cell cannot be used: ``message`` says what is wrong, ``fix`` what to do, ``code`` which
    kind of problem it is (a ``Code``; empty when the caller's column decides)."""

    def __init__(self, message: str, fix: str, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.code = code


class NumberIssue(ValueError):
    """A value that is no usable number. ``str()`` is the short form ("'abc' is not a number") that
    the worksheet functions and the evaluation show; ``issue`` is the cell's problem (message, fix,
    code), which ``number_cell`` raises."""

    def __init__(self, short: str, message: str, fix: str, code: str) -> None:
        super().__init__(short)
        self.issue = CellIssue(message, fix, code)


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


# --- numbers as people type them (SPEC §4) ---

# No amount, volume, price or share in cvm-xl comes near this: a larger number is a typing or export
# error (1e308 would turn every sum into inf). It is also where a float stops holding whole cents.
MAX_MAGNITUDE = 1e15
AUTO = "auto"


class NumberFormat(NamedTuple):
    """How numbers typed as text write their decimals: the Settings label (a sample number), the
    decimal mark and the marks that may separate groups of three digits (a space always may)."""

    label: str
    decimal: str
    groups: str


POINT = NumberFormat("1,234.56", ".", ",")
COMMA = NumberFormat("1.234,56", ",", ".")
SPACE_COMMA = NumberFormat("1 234,56", ",", "")
# The Number format setting: its values, and other spellings of them. ``auto`` reads every value
# that can only mean one number as it is, and decides the others from the data (decide_number_format).
NUMBER_FORMATS: dict[str, NumberFormat] = {f.label: f for f in (POINT, COMMA, SPACE_COMMA)}
NUMBER_FORMAT_CHOICES: tuple[str, ...] = (AUTO, *NUMBER_FORMATS)
NUMBER_FORMAT_SYNONYMS: dict[str, str] = {"decimal point": POINT.label, "decimal comma": COMMA.label}
# A text value can be read in either of these when the format is auto (the space-grouped decimal
# comma of SPACE_COMMA is one way of COMMA).
_AUTO_FORMATS = (POINT, COMMA)
_SPACES = str.maketrans(dict.fromkeys("\u00a0\u202f\u2007\u2008\u2009\u200a\u3000\t", " "))
# Every currency symbol of Unicode (category Sc), then "US$"-style symbols and ISO codes.
_SYMBOLS = (
    "$\u00a2-\u00a5\u058f\u060b\u07fe\u07ff\u09f2\u09f3\u09fb\u0af1\u0bf9\u0e3f\u17db\u20a0-\u20c0"
    "\ua838\ufdfc\ufe69\uff04\uffe0\uffe1\uffe5\uffe6\U00011fdd-\U00011fe0\U0001e2ff\U0001ecb0"
)
CURRENCY_CODES = (
    "EUR", "USD", "GBP", "CHF", "JPY", "CNY", "INR", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON",
    "BGN", "CAD", "AUD", "NZD", "BRL", "MXN", "ZAR", "TRY", "KRW", "SGD", "HKD", "TWD", "THB", "MYR",
    "IDR", "PHP", "AED", "SAR", "ILS", "CLP", "COP", "ARS", "RUB", "UAH",
)  # fmt: skip
_CURRENCY = rf"(?:[A-Z]{{1,2}}\$|[{_SYMBOLS}]|(?i:{'|'.join(CURRENCY_CODES)}))"
# Sign, brackets, currency and percent around the digits; the digits' own reading is per format.
_NUMBER_TEXT = re.compile(
    rf"""(?P<open>\()?\ *(?P<sign>[-+\u2212])?\ *(?P<before>{_CURRENCY})?\ *(?P<sign2>[-+\u2212])?\ *
    (?P<body>[.,]?[0-9][0-9., ]*?(?:[eE][-+]?[0-9]+)?)
    \ *(?P<percent>%)?\ *(?P<after>{_CURRENCY})?\ *(?P<close>\))?""",
    re.VERBOSE,
)


def _digits_pattern(number_format: NumberFormat) -> re.Pattern[str]:
    """The digits of one number in ``number_format``: whole groups of three after a first group of
    one to three (not 0), or none; the decimal mark and decimals; an exponent when not grouped."""
    groups = "[" + re.escape(number_format.groups + " ") + "]"
    decimal = re.escape(number_format.decimal)
    return re.compile(
        rf"(?P<whole>[0-9]+|[1-9][0-9]{{0,2}}(?P<group>{groups})[0-9]{{3}}(?:(?P=group)[0-9]{{3}})*)?"
        rf"(?:{decimal}(?P<decimals>[0-9]*))?(?:[eE](?P<exponent>[-+]?[0-9]+))?",
        re.ASCII,
    )


_DIGITS = {f: _digits_pattern(f) for f in NUMBER_FORMATS.values()}


def _digits_value(body: str, number_format: NumberFormat) -> float | None:
    """The number the digits ``body`` write in ``number_format``, or None when they write none."""
    match = _DIGITS[number_format].fullmatch(body)
    if match is None:
        return None
    whole, group, decimals, exponent = match.group("whole", "group", "decimals", "exponent")
    if not (whole or decimals) or (group and exponent):
        return None
    plain = (whole or "0").replace(group or " ", "") + "." + (decimals or "0")
    return float(plain + ("e" + exponent if exponent else ""))


class _Text(NamedTuple):
    """Text that looks like a number: its digits and what surrounds them."""

    body: str
    negative: bool
    percent: bool


def _number_text(text: str) -> _Text | None:
    """The parts of a number typed as text, or None when the text is no number in any format."""
    match = _NUMBER_TEXT.fullmatch(text.translate(_SPACES).strip())
    if match is None:
        return None
    opened, closed = bool(match["open"]), bool(match["close"])
    signs = [s for s in (match["sign"], match["sign2"]) if s]
    currency = bool(match["before"]) + bool(match["after"])
    percent = bool(match["percent"])
    if opened != closed or len(signs) > 1 or (opened and signs) or currency > 1 or (percent and currency):
        return None
    negative = opened or (bool(signs) and signs[0] != "+")
    return _Text(match["body"].rstrip(), negative, percent)


def _format_of(number_format: str) -> NumberFormat | None:
    """The format a Number format setting names; None for auto."""
    if number_format == AUTO:
        return None
    try:
        return NUMBER_FORMATS[number_format]
    except KeyError:
        raise ValueError(
            f"{number_format!r} is not a Number format: use one of {', '.join(NUMBER_FORMAT_CHOICES)}"
        ) from None


def _readings(body: str, number_format: NumberFormat | None) -> dict[NumberFormat, float]:
    """The number ``body`` writes in each format it may be in (every auto format for auto)."""
    formats = _AUTO_FORMATS if number_format is None else (number_format,)
    found = {f: _digits_value(body, f) for f in formats}
    return {f: v for f, v in found.items() if v is not None}


def _not_a_number(x: object) -> NumberIssue:
    return NumberIssue(f"{x!r} is not a number", f"{quoted(x)} is not a number.", NUMBER_FIX,
                       Code.CELL_NOT_A_NUMBER)  # fmt: skip


def _not_in_format(x: object, number_format: NumberFormat) -> NumberIssue:
    others = [f.label for f in NUMBER_FORMATS.values() if f != number_format]
    return NumberIssue(
        f"{x!r} is not a number in the Number format {number_format.label}",
        f"{quoted(x)} is not a number the way the Number format {number_format.label} writes them.",
        f"Type it as {number_format.label} writes numbers (decimals after '{number_format.decimal}'), or set "
        f"the Number format on the Settings sheet to the one the workbook uses ({', '.join(others)} or "
        f"{AUTO}).",
        Code.CELL_NOT_A_NUMBER,
    )


def _ambiguous(x: object, readings: Mapping[NumberFormat, float]) -> NumberIssue:
    ways = " or ".join(f"{shown(v)} (as {f.label} writes it)" for f, v in readings.items())
    formats = " or ".join(f"{f.label} (for {shown(v)})" for f, v in readings.items())
    return NumberIssue(
        f"{x!r} can be read as {' or '.join(shown(v) for v in readings.values())}",
        f"{quoted(x)} can be read as {ways}, and the Number format ({AUTO}) does not say which is meant.",
        f"Set the Number format on the Settings sheet to {formats}, or type the number without a "
        "thousands separator.",
        Code.CELL_AMBIGUOUS_NUMBER,
    )


def _absurd(x: object) -> NumberIssue:
    if isinstance(x, float | int | np.floating | np.integer) and not math.isfinite(float(x)):
        what = "NaN ('not a number')" if math.isnan(float(x)) else "an infinite number"
        return NumberIssue(
            f"{x!r} is not a finite number",
            f"The cell holds {what}, which no spreadsheet can show: a program wrote it there.",
            "Type the real value, or clear the cell.",
            Code.CELL_NOT_FINITE,
        )
    return NumberIssue(
        f"{x!r} is larger than {MAX_MAGNITUDE:.0e} in size",
        f"{quoted(x)} is larger than {MAX_MAGNITUDE:,.0f} in size: no amount is, so it is a typing or "
        "export error.",
        "Type the real amount (in currency units, e.g. 12500), or clear the cell.",
        Code.CELL_TOO_LARGE,
    )


def parse_number(x: object, number_format: str = AUTO) -> float:
    """A number, or NaN for a blank cell: '12.5%' -> 0.125, '(5,000)' -> -5000, '€ 1 250' -> 1250,
    '8.400,00' -> 8400. ``number_format`` is the Number format setting (``NUMBER_FORMAT_CHOICES``)
    text is read in; with ``auto`` (the default) text that reads as two numbers raises.

    Numbers are taken as they are (an infinity computed upstream stays one); a cell of a table is
    also held to ``MAX_MAGNITUDE`` (``number_cell``). Raises ``NumberIssue`` (a ValueError) for text
    that is no finite number and for a boolean.
    """
    if is_blank(x):
        return math.nan
    if isinstance(x, bool | np.bool_):
        raise NumberIssue(f"{x!r} is not a number", f"{shown(x)} is not a number.", NUMBER_FIX,
                          Code.CELL_NOT_A_NUMBER)  # fmt: skip
    if isinstance(x, int | float | np.integer | np.floating):
        return float(x)
    fmt = _format_of(number_format)
    parts = _number_text(str(x))
    readings = _readings(parts.body, fmt) if parts is not None else {}
    if parts is None or not readings:
        if parts is not None and fmt is not None and _readings(parts.body, None):
            raise _not_in_format(x, fmt)
        raise _not_a_number(x)
    sign, scale = (-1.0 if parts.negative else 1.0), (100.0 if parts.percent else 1.0)
    meant = {f: sign * v / scale for f, v in readings.items()}
    values = set(meant.values())
    if len(values) > 1:
        raise _ambiguous(x, meant)
    value = values.pop()
    if not math.isfinite(value):  # '1e999'
        raise _absurd(x)
    return value


def number_style(x: object) -> str | None:
    """The Number format a number typed as text shows, when it can only be read one way and has a
    decimal or thousands mark: '8.400,00' and '1,5' -> '1.234,56'; '1,234.5' and '0.25' ->
    '1,234.56'. None for '12', '1 234', '12,500' (two readings), non-text and non-numbers."""
    if not isinstance(x, str) or not ("." in x or "," in x):
        return None
    parts = _number_text(x)
    readings = _readings(parts.body, None) if parts is not None else {}
    return next(iter(readings)).label if len(readings) == 1 else None


def decide_number_format(values: Iterable[object], setting: str = AUTO) -> str:
    """The Number format to read ``values`` (the cells of one table) in: the setting when it names
    one; with ``auto``, the format every value that reads only one way shows, when they all agree
    (so '12,500' beside '8.400,00' is 12500); else ``auto``, where a value read two ways is an error."""
    if setting != AUTO:
        return setting
    styles = {style for value in values if (style := number_style(value)) is not None}
    return styles.pop() if len(styles) == 1 else AUTO


def parse_number_format(x: object) -> str | None:
    """The Number format a Settings cell names (one of ``NUMBER_FORMAT_CHOICES``, or a spelling of
    ``NUMBER_FORMAT_SYNONYMS``); None for blank. Raises ``CellIssue``, also for a number: what Excel
    makes of a typed 1.234,56."""
    if is_blank(x):
        return None
    fix = (
        f"Write one of {', '.join(NUMBER_FORMAT_CHOICES)} as text (in Excel with an apostrophe in "
        "front, e.g. '1.234,56, so it stays as typed), or write decimal point or decimal comma."
    )
    if not isinstance(x, str):
        raise CellIssue(f"{shown(x)} is a number, not a Number format (Excel turns a typed 1.234,56 into "
                        "one).", fix)  # fmt: skip
    wanted = " ".join(x.translate(_SPACES).lower().split())
    if wanted in NUMBER_FORMAT_CHOICES:
        return wanted
    if wanted in NUMBER_FORMAT_SYNONYMS:
        return NUMBER_FORMAT_SYNONYMS[wanted]
    raise CellIssue(f"{quoted(x)} is not a Number format.", fix)


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


def out_of_bounds(numbers: np.ndarray) -> np.ndarray:
    """True where a float is infinite or larger in size than ``MAX_MAGNITUDE`` (NaN is blank)."""
    with np.errstate(invalid="ignore"):
        return np.asarray(~(np.abs(numbers) <= MAX_MAGNITUDE) & ~np.isnan(numbers), dtype=bool)


def number_column(series: pd.Series | None, length: int, number_format: str = AUTO) -> np.ndarray:
    """Float array of a value column; NaN for blanks: ``parse_number`` of each cell in
    ``number_format``, the same numbers and the same errors. Numeric dtypes skip the per-value parse."""
    if series is None:
        return np.full(length, np.nan)
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=float, na_value=np.nan)
    return map_distinct(series, partial(parse_number, number_format=number_format), float)


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

# The dates cvm-xl reads (SPEC §4): a wave, an idea or a tracking month outside them is a typing
# error, and date arithmetic past year 9999 would fail later. The Excel serial numbers of the two
# (1900 date system): a number in this range in a date column is a date whose cell format the
# reader did not recognise as a date.
FIRST_DATE, LAST_DATE = dt.date(1950, 1, 1), dt.date(2149, 12, 31)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
FIRST_SERIAL, LAST_SERIAL = (FIRST_DATE - _EXCEL_EPOCH).days, (LAST_DATE - _EXCEL_EPOCH).days
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


def error_issue(error: str) -> CellIssue:
    return CellIssue(f"The cell shows the Excel error {error}.", ERROR_FIX, Code.CELL_EXCEL_ERROR)


def check_error_text(value: object) -> None:
    if isinstance(value, str) and value.strip() in ERROR_VALUES:
        raise error_issue(value.strip())


def not_finite_issue(value: float) -> CellIssue:
    """The problem of a cell holding NaN or an infinite number (a reader gives blanks as '' or None,
    so a NaN among a file's cells was written there by a program)."""
    return _absurd(value).issue


def formula_issue(formula: str) -> CellIssue:
    """The problem of an input cell holding a formula saved without its result: a program that does
    not calculate (a script, a library) saves formulas so, the cell reader sees a blank, and cvm-xl
    never calculates formulas (``spreadsheet.sheet_xml`` finds such cells)."""
    return CellIssue(
        f"The cell holds the formula {formula} but no saved result, so its value cannot be read "
        "(cvm-xl never calculates formulas); it would pass for a blank cell.",
        "Open the workbook in Excel or LibreOffice and save it, which stores the formula's result, or "
        "type the value itself into the cell.",
        Code.CELL_FORMULA_NO_RESULT,
    )


def text_cell(value: object) -> str | None:
    """Any cell as text (numbers as shown, e.g. an ID typed as 1001); blank -> None."""
    check_error_text(value)
    if is_blank(value):
        return None
    text = value.strip() if isinstance(value, str) else shown(value)
    return text or None


def number_cell(value: object, number_format: str = AUTO) -> float:
    """A number read by ``parse_number`` ('12.5%' -> 0.125, '1,250,000' -> 1250000); blank -> NaN.
    A cell's number must be finite and at most ``MAX_MAGNITUDE`` in size (SPEC §4)."""
    check_error_text(value)
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        message = f"{shown(value)} is a date or time, not a number."
        raise CellIssue(message, NUMBER_FIX, Code.CELL_NOT_A_NUMBER)
    try:
        number = parse_number(value, number_format)
    except NumberIssue as failed:
        raise failed.issue from None
    if abs(number) > MAX_MAGNITUDE or math.isinf(number):
        raise _absurd(value).issue
    return number


def date_range_issue(value: dt.date | str) -> CellIssue:
    """The problem of a real date outside ``FIRST_DATE`` .. ``LAST_DATE`` (or one beyond year 9999,
    given as text)."""
    return CellIssue(
        f"{shown(value)} is outside the dates cvm-xl reads ({FIRST_DATE} to {LAST_DATE}).",
        f"Enter the real date, from {FIRST_DATE} to {LAST_DATE} (e.g. 2025-03-31), or leave the cell blank.",
        Code.CELL_DATE_OUT_OF_RANGE,
    )


def _in_range(value: dt.date) -> dt.date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise date_range_issue(value)
    return value


def date_cell(value: object, year_month: bool = False) -> dt.date | None:
    """A date from ``FIRST_DATE`` to ``LAST_DATE``: a real date cell, ISO text (2025-03-31) or an
    Excel serial number; blank -> None.

    With ``year_month``, '2025-03' is also accepted (as 2025-03-01), for month columns.
    """
    check_error_text(value)
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return _in_range(value.date())
    if isinstance(value, dt.date):
        return _in_range(value)
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
        return _in_range(dt.date.fromisoformat(text))
    except CellIssue:
        raise
    except ValueError:
        pass
    try:
        return _in_range(dt.datetime.fromisoformat(text).date())
    except CellIssue:
        raise
    except ValueError:
        pass
    match = _YEAR_MONTH.fullmatch(text) if year_month else None
    if match and 1 <= int(match.group(2)) <= 12:
        return _in_range(dt.date(max(int(match.group(1)), 1), int(match.group(2)), 1))
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
        if np.isnat(x):
            return None
        try:
            day = dt.date.fromisoformat(str(x.astype("datetime64[D]")))
        except ValueError:  # beyond year 9999
            raise date_range_issue(str(x.astype("datetime64[D]"))) from None
        return date_cell(day)
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
