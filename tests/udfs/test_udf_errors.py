"""Excel errors propagate (issue 17): every worksheet function, driven with each of the seven Excel
error values in every argument position, returns that same error, through xlwings' own conversion.

The calls go the way xlwings' COM server makes them, through xlwings' own conversion with its Windows
engine (tests/xlwings_windows.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from xlwings import conversion
from xlwings_windows import WINDOWS, excel_call, read_back, windows_excel

from udfs import cvm_udfs, excel_errors, xl
from udfs.excel_errors import EXCEL_ERRORS, com_error_code
from udfs.selftest import CASES


@pytest.fixture(autouse=True)
def windows_engine():
    with windows_excel():
        yield


def test_the_seven_errors_arrive_as_their_text_not_as_blanks():
    for error in EXCEL_ERRORS:
        code = com_error_code(error)
        assert WINDOWS["cell_errors"][code] == error  # the same SCODE xlwings reads on Windows
        assert conversion.read(None, code, {"err_to_str": True}) == error
        assert conversion.read(None, code, {}) is None  # xlwings' default: what made errors vanish


def test_the_issue_probes():
    assert excel_call("CVM_NET", "#N/A", 5) == "#N/A"  # was 5
    assert excel_call("CVM_VERDICT", "#N/A", 5) == "#N/A"  # was "Go"
    assert excel_call("CVM_NET", "#DIV/0!", 5) == "#DIV/0!"
    assert excel_call("CVM_VALUE", "#VALUE!", 1000) == "#VALUE!"


def _with_error(value: Any, error: str) -> Any:
    """The argument with its first cell showing ``error`` (a single cell: the cell itself)."""
    if isinstance(value, list):
        rows = [list(row) for row in value]
        r = 1 if len(rows) > 1 and rows[0] and isinstance(rows[0][0], str) and rows[0][0] in HEADERS else 0
        rows[r][0] = error
        return rows
    return error


HEADERS = {"Idea ID", "Setting"}  # a header row stays; the error goes into the first data row


def _positions(case) -> list[int]:
    info = xl.udf_info(getattr(cvm_udfs, case.function))
    return [a["pos"] for a in info["args"] if a["name"] != "caller"]


SCALAR_CALLS = [
    (case, position, error) for case in CASES for position in _positions(case) for error in EXCEL_ERRORS
]


@pytest.mark.parametrize(
    ("case", "position", "error"),
    SCALAR_CALLS,
    ids=[f"{c.function}-{c.example[:20]}-arg{p}-{e}" for c, p, e in SCALAR_CALLS],
)
def test_every_error_in_every_argument_is_the_result(case, position, error):
    """The self-test's worked examples, one argument showing the error: the result is that error in
    every cell (a multi-cell result shows it in each)."""
    cells = list(case.args) + [None] * (position + 1 - len(case.args))
    cells[position] = _with_error(cells[position], error)
    got = excel_call(case.function, *cells)
    flat = [x for row in got for x in row] if isinstance(got, list) else [got]
    assert flat and all(x == error for x in flat), (case.function, position, got)


# The per-row functions in column form: three rows, the error in the middle one.
ROW_ARGUMENTS = {  # function: the positions that take a column (one value per row)
    "CVM_VALUE": (0, 1), "CVM_OUTCOME": (0,), "CVM_CELL": (0, 1), "CVM_NET": (0, 1),
    "CVM_BAND": (0, 1), "CVM_ZONE": (0, 1), "CVM_VERDICT": (0, 1, 2, 3), "CVM_TRANSFER": tuple(range(7)),
    "CVM_SPLIT": tuple(range(7)), "CVM_PREMIUM": (0, 1, 2), "CVM_ELIGIBLE": (0, 1, 2, 3),
    "CVM_RISK_RATING": (0, 1), "CVM_ACTION_STATUS": (0, 1, 2), "CVM_DAYS_OVERDUE": (0, 1, 2),
    "CVM_ESCALATED": (0, 1, 2), "CVM_WAVE": (0, 2), "CVM_QUICK_WIN": (0, 1, 2), "CVM_OPEN_GO": (0, 1, 2, 3),
    "CVM_REFRESH_DUE": (0, 1, 2),
}  # fmt: skip
COLUMN_CALLS = [
    (case, position, error)
    for case in CASES
    if case.function in ROW_ARGUMENTS
    for position in ROW_ARGUMENTS[case.function]
    for error in EXCEL_ERRORS
]


@pytest.mark.parametrize(
    ("case", "position", "error"),
    COLUMN_CALLS,
    ids=[f"{c.function}-{c.example[:20]}-arg{p}-{e}" for c, p, e in COLUMN_CALLS],
)
def test_an_error_in_one_row_is_that_rows_result(case, position, error):
    rows = ROW_ARGUMENTS[case.function]
    cells = list(case.args) + [None] * (max(rows) + 1 - len(case.args))
    for p in rows:
        cells[p] = [[cells[p]]] * 3
    cells[position] = [cells[position][0], [error], cells[position][2]]
    got = excel_call(case.function, *cells)
    expected = case.expected if isinstance(case.expected, list) else [[case.expected]]
    assert got[0] == got[2] == expected[0]
    assert got[1] == [error] * len(expected[0])


def test_other_amounts_error_is_the_rows_error():
    got = excel_call(
        "CVM_VALUE", [[None], [100]], [[None], [0]], None, None, None, [[1000, None], ["#REF!", 1]]
    )
    assert got == [[0.0], ["#REF!"]]


class Variant:
    """Stands for pywin32's ``win32com.client.VARIANT(VT_ERROR, code)``: one object, not a sequence."""

    def __init__(self, code: int) -> None:
        self.code = code

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Variant) and other.code == self.code

    __hash__ = None  # type: ignore[assignment]


def test_an_error_goes_back_to_excel_as_the_error_itself(monkeypatch):
    """With pywin32 (Windows) a bare error value is returned as a VT_ERROR variant: the code it
    carries is the one xlwings' Windows reader turns back into the same error."""
    monkeypatch.setattr(excel_errors, "MAKE_ERROR", Variant)
    for error in EXCEL_ERRORS:
        got = excel_call("CVM_NET", [[1], [error]], 5)
        assert got == [[6], [Variant(com_error_code(error))]]
        assert read_back(got[1][0].code) == error
        assert excel_call("CVM_CELL", error, 5) == Variant(com_error_code(error))
    # Error text with a reason stays text: the reason is what the user reads.
    assert excel_call("CVM_NET", "abc", 5) == "#VALUE! 'abc' is not a number"
    assert excel_call("CVM_ZONE", -5, -5) == [["#NUM! No zone of agreement: the net value is negative."] * 2]


def test_every_argument_reads_errors_and_every_result_writes_them():
    for function in xl.udf_functions(cvm_udfs):
        info = xl.udf_info(function)
        assert info["ret"]["options"]["convert"] is excel_errors.ExcelErrors, info["name"]
        for arg in info["args"]:
            assert arg["options"].get("err_to_str") is (True if arg["name"] != "caller" else None), (
                info["name"], arg["name"])  # fmt: skip
