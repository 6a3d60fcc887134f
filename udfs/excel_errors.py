"""Excel's error values at the xlwings edge: an error cell comes in as its text, an error goes out as
the error itself (issue 17).

In: every argument of the worksheet functions is read with xlwings' ``err_to_str`` option, so a cell
showing ``#N/A`` arrives as the text ``"#N/A"`` instead of a blank (xlwings' default turns an error
cell into None, which made ``=CVM_NET(#N/A, 5)`` return 5).

Out: a result cell that is exactly one of the seven classic error values (an input's error passed
on) is returned to Excel as that error value, not as text, so ISERROR, IFERROR and any formula
downstream treat it as Excel treats its own errors. On Windows the COM server hands VBA a VT_ERROR
variant (pywin32's ``win32com.client.VARIANT``); the error code is Excel's CVErr number as COM
carries it, the same codes xlwings' Windows reader maps back to "#N/A" etc. Elsewhere (macOS runs no
UDFs; the tests) the text stays. Error text with a reason ("#VALUE! 'abc' is not a number") stays
text: the reason is what the user needs to see.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from xlwings.constants import CVError
from xlwings.conversion import Converter

# Excel's CVErr numbers (xlwings.constants.CVError, from Excel's XlCVError enumeration).
CV_ERRORS: dict[str, int] = {
    "#NULL!": CVError.xlErrNull,
    "#DIV/0!": CVError.xlErrDiv0,
    "#VALUE!": CVError.xlErrValue,
    "#REF!": CVError.xlErrRef,
    "#NAME?": CVError.xlErrName,
    "#NUM!": CVError.xlErrNum,
    "#N/A": CVError.xlErrNA,
}
EXCEL_ERRORS = tuple(CV_ERRORS)  # the seven error values a cell can show in every Excel version
_VBA_ERROR_BASE = 0x800A0000  # CVErr(n) travels through COM as the SCODE 0x800A0000 + n


def com_error_code(error: str) -> int:
    """The signed 32-bit SCODE of ``error`` in a COM VT_ERROR variant: -2146826246 for #N/A."""
    code = _VBA_ERROR_BASE + CV_ERRORS[error]
    return code - (1 << 32) if code >= 1 << 31 else code


def _pywin32_error() -> Callable[[int], Any] | None:
    """A factory of VT_ERROR variants where pywin32 is installed (Excel for Windows), else None."""
    try:  # imported by name: pywin32 exists on Windows only, and ships no type hints
        pythoncom = importlib.import_module("pythoncom")
        client = importlib.import_module("win32com.client")
    except ImportError:
        return None
    return lambda code: client.VARIANT(pythoncom.VT_ERROR, code)


MAKE_ERROR: Callable[[int], Any] | None = _pywin32_error()


def as_excel_errors(value: Any, make_error: Callable[[int], Any] | None) -> Any:
    """``value`` (a cell or rows of cells) with every bare error value made by ``make_error``."""
    if make_error is None:
        return value

    def one(x: Any) -> Any:
        return make_error(com_error_code(x)) if isinstance(x, str) and x in CV_ERRORS else x

    if isinstance(value, list):
        return [[one(x) for x in row] if isinstance(row, list) else one(row) for row in value]
    return one(value)


class ExcelErrors(Converter):
    """xlwings' return converter of every worksheet function: bare error values become errors."""

    @staticmethod
    def write_value(value: Any, options: dict[str, Any]) -> Any:
        return as_excel_errors(value, MAKE_ERROR)
