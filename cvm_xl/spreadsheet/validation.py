"""Cell validation that guides without refusing (SPEC §4, §7; issue 12 "One reading of every cell").

cvm-xl reads more spellings than a dropdown can list: Yes/No also as Y/N, TRUE/FALSE and 1/0, list
values in any case and spacing, shares as 60% or 0.6, amounts as '(1,250)' or 'EUR 1 250'. A
stop-style validation would refuse what the reader accepts, so every validation cvm-xl writes (the
master, the template and the customer workbooks) is information-style: the dropdown offers the
canonical values, a value off the list shows which values are meant, and OK keeps what was typed.

The one declaration here is read by every writer: openpyxl's ``DataValidation`` (``informing``)
and XlsxWriter's option dictionaries (``xlsxwriter_options``). A list's range is written without a
leading '=' (``list_source``): Excel reads both, Gnumeric only the bare reference.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, Literal

from openpyxl.worksheet.datavalidation import DataValidation

from cvm_xl.core.spellings import YES_NO, also_accepted

ERROR_STYLE: Final[Literal["information"]] = "information"  # Excel's alert: OK keeps the value
MAX_MESSAGE = 255  # Excel refuses longer validation messages
MAX_TITLE = 32  # ... and longer titles
KEEPS = "OK keeps what you typed."
LIST_TITLE = "Not one of the listed values"
# How far down its column a table's validation reaches (row 2 to this row) in the master and the
# template. Not the whole column: exceljs keeps one entry per validated cell, which over whole
# columns takes it minutes and gigabytes (issue 12 "Readable in every reader"). In Excel a table
# that grows below this row still extends its columns' validation to the new rows.
VALIDATED_LAST_ROW = 10_000


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def list_message(values: Iterable[object]) -> str:
    """What a value off the list is told: the values meant, what else cvm-xl reads, and that OK
    keeps it. A Yes/No list names the other pairs of ``spellings.YES_NO`` too (every Yes/No
    column of cvm-xl reads them)."""
    listed = tuple(values)
    meant = ", ".join(map(str, listed))
    other = f"; also {also_accepted()}" if listed == YES_NO[0] else ""
    return _fit(f"Meant: {meant} (any case{other}). {KEEPS}", MAX_MESSAGE)


def yes_no_message() -> str:
    """A Yes/No column's message: the canonical pair, and the other pairs of ``spellings.YES_NO``."""
    return list_message(YES_NO[0])


def range_message(text: str) -> str:
    """What a number or date outside the range is told (``text`` says what is meant)."""
    return _fit(f"{text} {KEEPS}", MAX_MESSAGE)


def list_source(reference: str) -> str:
    """A list's cell range as a validation formula: without a leading '=' (Gnumeric reads the
    formula text as it is, so '=Lists!$A$2:$A$4' would be an error there)."""
    return reference.removeprefix("=")


def informing(dv: DataValidation, message: str | None = None, title: str | None = None) -> DataValidation:
    """``dv`` made information-style, with ``message`` (and ``title``) when given; a message of
    its own is told that OK keeps the value."""
    dv.errorStyle = ERROR_STYLE
    dv.showErrorMessage = True
    if message is None and dv.error and KEEPS not in dv.error:
        message = f"{dv.error} {KEEPS}"
    if message is not None:
        dv.error = _fit(message, MAX_MESSAGE)
    if title is not None:
        dv.errorTitle = _fit(title, MAX_TITLE)
    return dv


def xlsxwriter_options(message: str, title: str) -> dict[str, Any]:
    """The same alert as XlsxWriter's ``data_validation`` options."""
    return {
        "error_type": ERROR_STYLE,
        "error_message": _fit(message, MAX_MESSAGE),
        "error_title": _fit(title, MAX_TITLE),
    }
