"""The template on real desktops (issue 17): no auto-run macro (oletools' mraptor rates it "Macro OK"),
and the self-test: the CVM_SelfTest macro olevba finds, the Self-test sheet's cases, and each of its
formulas, run on the sheet's own input cells through the worksheet functions, giving the expected
value the macro compares with."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from oletools import olevba

from cvm_xl.excel import selftest_sheet as st
from cvm_xl.excel.template import FILE_NAME, build_template
from cvm_xl.excel.vba import modules as vm
from udfs import cvm_udfs, selftest

COMMITTED = Path(__file__).resolve().parents[2] / FILE_NAME
MACRO_OK = 2  # mraptor's exit code for "Macro OK" (oletools.mraptor.Result_MacroOK)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / FILE_NAME
    path.write_bytes(build_template())
    return path


@pytest.fixture(scope="module")
def sheet(built) -> openpyxl.worksheet.worksheet.Worksheet:
    return openpyxl.load_workbook(io.BytesIO(built.read_bytes()), keep_vba=True)[st.SHEET]


def mraptor(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oletools.mraptor", str(path)], capture_output=True, text=True, timeout=300
    )


@pytest.mark.engine
@pytest.mark.parametrize("which", ["committed", "built"])
def test_mraptor_rates_the_template_macro_ok(which, built):
    result = mraptor(COMMITTED if which == "committed" else built)
    assert result.returncode == MACRO_OK, result.stdout + result.stderr
    assert re.search(r"^Macro OK\s*\|", result.stdout, re.MULTILINE), result.stdout


@pytest.mark.engine
def test_mraptor_would_flag_an_auto_run_macro(tmp_path, monkeypatch):
    """The check can fail: the former Workbook_Open registration makes the build SUSPICIOUS again."""
    document = vm.this_workbook_module()
    auto = vm.Module(document.name, document.kind, document.source + vm.lines(
        "Private Sub Workbook_Open()", "    CVM_RegisterFunctionHelp", "End Sub"))  # fmt: skip
    monkeypatch.setattr(vm, "this_workbook_module", lambda: auto)
    path = tmp_path / FILE_NAME
    path.write_bytes(build_template())
    assert mraptor(path).returncode == 20  # SUSPICIOUS


@pytest.mark.engine
def test_olevba_sees_the_selftest_macro():
    parser = olevba.VBA_Parser(str(COMMITTED))
    try:
        found = {name: code for (_, _, name, code) in parser.extract_macros()}
    finally:
        parser.close()
    code = found["cvm_selftest.bas"]
    assert "Public Sub CVM_SelfTest()" in code and "Public Sub CVM_ShowFunctionHelp()" in code
    assert "CVM_RegisterFunctionHelp" in code


def test_the_sheet_holds_every_case(sheet):
    assert sheet.cell(st.TITLE_ROW, 1).value.startswith("Self-test")
    assert sheet.cell(st.RESULT_ROW, 2).value == st.NOT_RUN
    assert [sheet.cell(st.CHECK_HEADER_ROW, c).value for c in range(1, 7)] == list(st.CHECK_HEADER)
    names = [sheet.cell(r, 1).value for r in range(st.FIRST_FUNCTION_ROW, st.FUNCTIONS_LAST_ROW + 1)]
    assert sorted(names) == sorted(f.__name__ for f in vm.udf_functions())
    helps = [sheet.cell(st.FIRST_HELP_ROW + i, 1).value for i in range(len(selftest.FAILURE_HELP))]
    assert helps == [symptom for symptom, _ in selftest.FAILURE_HELP]
    rows = [c.row for c in st.CHECKS]
    assert rows == list(range(st.FIRST_CHECK_ROW, st.LAST_CHECK_ROW + 1)) or rows == sorted(set(rows))
    for check in st.CHECKS:
        assert sheet.cell(check.row, st.FUNCTION_COLUMN).value == check.function
        assert sheet.cell(check.row, st.FORMULA_COLUMN).value == check.formula
        assert sheet.cell(check.row, st.RESULT_COLUMN).value is None  # the macro enters the formula
    assert sum(len(c.expected[0]) * len(c.expected) if isinstance(c.expected, list) else 1
               for c in selftest.CASES) == len(st.CHECKS)  # fmt: skip


FORMULA = re.compile(r"^=(?:INDEX\()?(?P<name>CVM_\w+)\((?P<args>[^()]*)\)(?:,(?P<r>\d+),(?P<c>\d+)\))?$")


def _cells(sheet, reference: str):
    """A reference's value as xlwings hands it over: a cell's value, or rows of values for a range."""
    if ":" not in reference:
        return sheet[reference].value
    return [[cell.value for cell in row] for row in sheet[reference]]


def test_every_check_on_the_sheet_passes_against_the_functions(sheet):
    """The sheet's formulas over the sheet's inputs (what Excel will calculate) give the expected
    values (what the macro compares with), by the macro's rule."""
    for check in st.CHECKS:
        formula = sheet.cell(check.row, st.FORMULA_COLUMN).value
        m = FORMULA.match(formula)
        assert m, formula
        args = [None if a == "" else _cells(sheet, a) for a in m["args"].split(",")]
        got = getattr(cvm_udfs, m["name"])(*args)
        if m["r"]:
            rows = got if isinstance(got, list) else [[got]]
            got = rows[int(m["r"]) - 1][int(m["c"]) - 1]
        expected = sheet.cell(check.row, st.EXPECTED_COLUMN).value
        assert selftest.matches(got, expected), (check.row, formula, got, expected)


def test_the_macro_reads_the_rows_the_sheet_has():
    source = next(m for m in vm.project_modules([], FILE_NAME) if m.name == "cvm_selftest").source
    constants = dict(re.findall(r"Private Const (\w+) As Long = (\d+)", source))
    assert int(constants["FIRST_CHECK"]) == st.FIRST_CHECK_ROW == st.CHECKS[0].row
    assert int(constants["LAST_CHECK"]) == st.LAST_CHECK_ROW == st.CHECKS[-1].row
    assert int(constants["EXPECTED_COLUMN"]) == st.EXPECTED_COLUMN
    assert f'Private Const SHEET_NAME As String = "{st.SHEET}"' in source
    assert "Private Const TOLERANCE As Double = 0.000000001\r\n" in source
    assert selftest.RELATIVE_TOLERANCE == 1e-9


def test_conf_sheet_keeps_column_a_for_keys(built):
    """A key typed in row 2 (Interpreter_Win) must not run on into the notes: xlwings would read every
    note in column A as one more setting."""
    ws = openpyxl.load_workbook(built, keep_vba=True)["xlwings.conf"]
    assert [c.value for c in ws["A"] if c.value is not None] == ["UDF Modules"]
    assert any("Interpreter_Win" in str(c.value) for c in ws["D"])
