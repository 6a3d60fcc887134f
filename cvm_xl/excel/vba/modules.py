"""The VBA modules of the template, as source text built from what the repository already holds.

- ``xlwings`` and ``Dictionary``: xlwings' standalone VBA (RunPython, the UDF bridge), copied from
  the installed xlwings package, so the workbook needs no add-in reference.
- ``xlwings_udfs``: the UDF wrappers, written by xlwings' own generator from the metadata of
  ``udfs.cvm_udfs`` (the module "Import Functions" would write, under the same name).
- ``cvm_function_help``: Excel function-wizard help (descriptions, categories, argument help)
  from the same metadata, registered by a Start-sheet button and by the self-test. Nothing runs
  when the workbook opens: an auto-run macro next to xlwings' Shell and file calls makes oletools'
  mraptor, and the mail filters and virus scanners that work alike, rate the file suspicious.
- ``cvm_macros``: one Sub per Python button of the Start sheet, each a RunPython call to ``cvm_xl.macros``.
- ``cvm_selftest``: the self-test (``CVM_SelfTest``) over the Self-test sheet's cases, in VBA only.
- ``ThisWorkbook`` and one document module per sheet, as Excel keeps them.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from cvm_xl.excel import selftest_sheet as st
from cvm_xl.excel.vba.project import CLASS, DOCUMENT, STANDARD, Module
from udfs import cvm_udfs, selftest, xl

CRLF = "\r\n"
UDF_MODULE = "udfs.cvm_udfs"
WRAPPER_MODULE = "xlwings_udfs"  # the name xlwings' "Import Functions" replaces
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
SHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
_MAX_HELP = 255  # Excel's limit for a description, as xlwings applies it


class Macro(NamedTuple):
    """A button on the Start sheet: the VBA Sub, the ``cvm_xl.macros`` function it runs, its caption
    and what it does (shown next to the button)."""

    sub: str
    function: str
    caption: str
    help: str


MACROS = (
    Macro("CVM_Synthesize", "synthesize", "Synthesise mother ideas",
          "Groups the raw Workshop ideas into mother ideas."),
    Macro("CVM_Refresh", "refresh", "Refresh computed columns",
          "Recomputes the grey Ideas columns in Python and writes values."),
    Macro("CVM_BuildMap", "build_map", "Build the portfolio map",
          "Writes the 3x3 Idea Portfolio Map with its chart."),
    Macro("CVM_GenerateCustomerWorkbooks", "generate_customer_workbooks", "Generate customer workbooks",
          "One workbook per customer, plain formulas, no Python needed."),
    Macro("CVM_BuildSignoff", "build_signoff", "Build the consolidated sign-off",
          "The internal sign-off over all customers, with fingerprints."),
    Macro("CVM_ImportReturned", "import_returned", "Import returned workbooks",
          "Reads the customer workbooks that came back into this master."),
    Macro("CVM_ReconcilePassbooks", "reconcile_passbooks", "Reconcile passbooks",
          "Compares both firms' passbooks and lists every difference."),
)  # fmt: skip


class Button(NamedTuple):
    """A button on the Start sheet that runs a VBA Sub of the workbook itself (no Python needed to
    start it): its Sub, caption and what it does."""

    sub: str
    caption: str
    help: str


SELF_TEST = "CVM_SelfTest"
FUNCTION_HELP = "CVM_ShowFunctionHelp"
CHECK_BUTTONS = (
    Button(SELF_TEST, "Run the self-test",
           "Checks every CVM function against worked examples: see the Self-test sheet."),
    Button(FUNCTION_HELP, "Show function help",
           "Puts the CVM functions' help into Insert Function (Shift+F3), category CVM."),
)  # fmt: skip


def lines(*text: str) -> str:
    """Source text with CRLF line ends, as VBA stores it; ends with a line break."""
    return CRLF.join(text) + CRLF


def vba_string(text: str) -> str:
    """A VBA string literal."""
    return '"' + text.replace('"', '""') + '"'


def _xlwings_file(name: str) -> Path:
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise RuntimeError("xlwings is not installed: pip install the version pinned in pyproject.toml")
    return Path(spec.origin).parent / name


def _read_crlf(path: Path) -> str:
    text = path.read_bytes().decode("cp1252")
    return text.replace("\r\n", "\n").replace("\n", CRLF)


def xlwings_module() -> Module:
    """xlwings' standalone VBA module, as ``xlwings quickstart --standalone`` copies it."""
    source = _read_crlf(_xlwings_file("xlwings.bas"))
    return Module("xlwings", STANDARD, source if source.endswith(CRLF) else source + CRLF)


def dictionary_class() -> Module:
    """xlwings' Dictionary class (macOS has no Scripting.Dictionary), in its stored form: the
    exported file's VERSION/BEGIN block dropped, the attributes the editor adds put in."""
    text = _read_crlf(_xlwings_file("addin/Dictionary.cls"))
    body = text[text.index('Attribute VB_Name = "Dictionary"') :]
    out: list[str] = []
    for line in body.split(CRLF):
        out.append(line)
        if line.startswith("Attribute VB_Name "):
            out.append(f'Attribute VB_Base = "{CLASS_BASE}"')
        elif line.startswith("Attribute VB_Exposed "):
            out += ["Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = False"]
    return Module("Dictionary", CLASS, CRLF.join(out))


def document_module(name: str, base: str) -> Module:
    return Module(
        name,
        DOCUMENT,
        lines(
            f'Attribute VB_Name = "{name}"',
            f'Attribute VB_Base = "{base}"',
            "Attribute VB_GlobalNameSpace = False",
            "Attribute VB_Creatable = False",
            "Attribute VB_PredeclaredId = True",
            "Attribute VB_Exposed = True",
            "Attribute VB_TemplateDerived = False",
            "Attribute VB_Customizable = True",
        ),
    )


def this_workbook_module() -> Module:
    header = document_module("ThisWorkbook", WORKBOOK_BASE).source
    return Module(
        "ThisWorkbook",
        DOCUMENT,
        header
        + lines(
            "Option Explicit",
            "' Nothing runs when this workbook opens. The function wizard's help comes from the Start",
            f"' sheet's buttons ({FUNCTION_HELP}, {SELF_TEST}); see the module cvm_selftest.",
        ),
    )


def macros_module() -> Module:
    body = [
        'Attribute VB_Name = "cvm_macros"',
        "' The buttons of the Start sheet. Each runs one function of the Python package cvm_xl",
        "' through xlwings (see the xlwings.conf sheet); without buttons: Alt+F8, pick, Run.",
        "Option Explicit",
    ]
    for macro in MACROS:
        command = f"import cvm_xl.macros; cvm_xl.macros.{macro.function}()"
        body += [
            "",
            f"Sub {macro.sub}()",
            f"    ' {macro.help}",
            f"    RunPython {vba_string(command)}",
            "End Sub",
        ]
    return Module("cvm_macros", STANDARD, lines(*body))


def _vba_number(value: float) -> str:
    """A VBA Double literal without an exponent (0.000000001)."""
    return f"{value:.15f}".rstrip("0")


def selftest_module() -> Module:
    """``CVM_SelfTest``: enter each check's formula, let Excel calculate it through xlwings, compare
    with the expected value by the rule of ``udfs.selftest.matches``, and fill the Self-test sheet
    (PASS/FAIL per check and per function, the versions on both sides). VBA only: it also reports
    when Python cannot be started at all."""
    constants = {
        "WORKBOOK_ROW": st.WORKBOOK_ROW, "PYTHON_ROW": st.PYTHON_ROW, "RESULT_ROW": st.RESULT_ROW,
        "RUN_ROW": st.RUN_ROW, "FIRST_FUNCTION": st.FIRST_FUNCTION_ROW,
        "LAST_FUNCTION": st.FUNCTIONS_LAST_ROW,
        "FIRST_CHECK": st.FIRST_CHECK_ROW, "LAST_CHECK": st.LAST_CHECK_ROW,
        "FUNCTION_COLUMN": st.FUNCTION_COLUMN, "FORMULA_COLUMN": st.FORMULA_COLUMN,
        "RESULT_COLUMN": st.RESULT_COLUMN, "EXPECTED_COLUMN": st.EXPECTED_COLUMN,
        "CHECK_COLUMN": st.CHECK_COLUMN,
    }  # fmt: skip
    versions = f"__import__('udfs.selftest').selftest.{selftest.versions.__name__}()"
    return Module(
        "cvm_selftest",
        STANDARD,
        lines(
            'Attribute VB_Name = "cvm_selftest"',
            "' The self-test of the CVM worksheet functions and the function help, behind the Start",
            "' sheet's buttons. Generated by cvm-xl from udfs/selftest.py, whose cases the Python tests",
            "' run too: the Self-test sheet holds each case's inputs, formula and expected value.",
            "Option Explicit",
            "",
            f"Private Const SHEET_NAME As String = {vba_string(st.SHEET)}",
            *(f"Private Const {name} As Long = {value}" for name, value in constants.items()),
            f"Private Const TOLERANCE As Double = {_vba_number(selftest.RELATIVE_TOLERANCE)}",
            "",
            f"Public Sub {SELF_TEST}()",
            "    Dim ws As Worksheet, r As Long, checks As Long, failed As Long, seen As String",
            "    Set ws = ThisWorkbook.Worksheets(SHEET_NAME)",
            "    On Error GoTo stopped",
            "    Application.ScreenUpdating = False",
            "    CVM_RegisterFunctionHelp",
            '    ws.Cells(WORKBOOK_ROW, 2).Value = "xlwings " & XLWINGS_VERSION & _',
            '        " (the VBA module inside this workbook)"',
            "    seen = PythonSide()",
            "    ws.Cells(PYTHON_ROW, 2).Value = seen",
            "    ' The formulas go in now, so opening the workbook never starts Python.",
            "    For r = FIRST_CHECK To LAST_CHECK",
            "        ws.Cells(r, RESULT_COLUMN).Formula = ws.Cells(r, FORMULA_COLUMN).Value2",
            "    Next r",
            "    ws.Calculate",
            "    For r = FIRST_CHECK To LAST_CHECK",
            "        checks = checks + 1",
            "        If Matches(ws.Cells(r, RESULT_COLUMN).Value2, ws.Cells(r, EXPECTED_COLUMN).Value2) Then",
            '            ws.Cells(r, CHECK_COLUMN).Value = "PASS"',
            "        Else",
            '            ws.Cells(r, CHECK_COLUMN).Value = "FAIL"',
            "            failed = failed + 1",
            "        End If",
            "    Next r",
            "    For r = FIRST_FUNCTION To LAST_FUNCTION",
            "        ws.Cells(r, 2).Value = FunctionResult(ws, CStr(ws.Cells(r, 1).Value2))",
            "    Next r",
            "    If failed = 0 Then",
            '        ws.Cells(RESULT_ROW, 2).Value = "All " & checks & " checks PASS."',
            "    Else",
            '        ws.Cells(RESULT_ROW, 2).Value = failed & " of " & checks & _',
            '            " checks FAIL: see If a check fails below."',
            "    End If",
            "    ' Python answered (its versions are listed) with another xlwings than this workbook's.",
            '    If InStr(1, seen, ", xlwings ", vbBinaryCompare) > 0 And _',
            '        InStr(1, seen, ", xlwings " & XLWINGS_VERSION & ",", vbBinaryCompare) = 0 Then',
            "        ws.Cells(RESULT_ROW, 2).Value = ws.Cells(RESULT_ROW, 2).Value & _",
            '            " Versions differ: the Python side needs xlwings " & XLWINGS_VERSION & "."',
            "    End If",
            "    ws.Cells(RUN_ROW, 2).Value = Now",
            "    Application.ScreenUpdating = True",
            "    ws.Activate",
            "    Exit Sub",
            "stopped:",
            "    Application.ScreenUpdating = True",
            '    ws.Cells(RESULT_ROW, 2).Value = "The self-test stopped: " & Err.Description',
            "    ws.Activate",
            "End Sub",
            "",
            f"Public Sub {FUNCTION_HELP}()",
            "    CVM_RegisterFunctionHelp",
            '    MsgBox "Insert Function (Shift+F3) now describes the CVM functions (category CVM) and " & _',
            '        "their arguments. If the argument help is missing after Excel restarts, click the " & _',
            '        "button again.", vbInformation, "CVM function help"',
            "End Sub",
            "",
            "Private Function Matches(got As Variant, expected As Variant) As Boolean",
            "    ' Text exactly; TRUE/FALSE only by TRUE/FALSE; numbers within TOLERANCE of the expected",
            "    ' value (at least 1); errors never.",
            "    Matches = False",
            "    If IsError(got) Or IsError(expected) Then Exit Function",
            "    If VarType(expected) = vbString Then",
            "        If VarType(got) = vbString Then Matches = (StrComp(got, expected, vbBinaryCompare) = 0)",
            "    ElseIf VarType(expected) = vbBoolean Then",
            "        If VarType(got) = vbBoolean Then Matches = (got = expected)",
            "    ElseIf VarType(got) = vbDouble And VarType(expected) = vbDouble Then",
            "        Matches = Abs(got - expected) <= _",
            "            TOLERANCE * Application.WorksheetFunction.Max(1, Abs(expected))",
            "    End If",
            "End Function",
            "",
            "Private Function FunctionResult(ws As Worksheet, functionName As String) As String",
            "    Dim r As Long, passed As Long, failed As Long",
            "    For r = FIRST_CHECK To LAST_CHECK",
            "        If CStr(ws.Cells(r, FUNCTION_COLUMN).Value2) = functionName Then",
            '            If ws.Cells(r, CHECK_COLUMN).Value2 = "PASS" Then',
            "                passed = passed + 1",
            "            Else",
            "                failed = failed + 1",
            "            End If",
            "        End If",
            "    Next r",
            "    If failed = 0 Then",
            '        FunctionResult = "PASS"',
            "    Else",
            '        FunctionResult = "FAIL (" & failed & " of " & (passed + failed) & " checks)"',
            "    End If",
            "End Function",
            "",
            "Private Function PythonSide() As String",
            "    ' What the Python running the worksheet functions reports (xlwings' COM server).",
            "#If Mac Then",
            '    PythonSide = "Excel for Mac runs no Python worksheet functions; the buttons work."',
            "#Else",
            "    Dim py As Object",
            "    On Error GoTo failed",
            "    Set py = XLPy()",
            f"    PythonSide = py.Str(py.Eval({vba_string(versions)}))",
            "    Exit Function",
            "failed:",
            '    PythonSide = "Python did not answer: " & Err.Description',
            "#End If",
            "End Function",
        ),
    )


def udf_functions() -> list[Callable[..., Any]]:
    return xl.udf_functions(cvm_udfs)


def wrapper_module(workbook_name: str) -> Module:
    """The UDF wrappers exactly as xlwings' "Import Functions" writes them for ``workbook_name``."""
    source = xl.vba_wrappers(UDF_MODULE, cvm_udfs, workbook_name)
    head = (
        f'Attribute VB_Name = "{WRAPPER_MODULE}"\n'
        "'Autogenerated code by xlwings - changes will be lost with next import!\n"
        """#Const App = "Microsoft Excel" 'Adjust when using outside of Excel\n"""
    )
    return Module(WRAPPER_MODULE, STANDARD, (head + source).replace("\n", CRLF))


def excel_arguments(xlfunc: dict[str, Any]) -> list[dict[str, Any]]:
    """The arguments Excel sees: xlwings fills ``caller`` (and any ``vba`` argument) itself."""
    return [a for a in xlfunc["args"] if not a["vba"] and a["name"] != "caller"]


def help_module(functions: Sequence[Callable[..., Any]]) -> Module:
    """Application.MacroOptions for every function, with the texts xlwings' import would set."""
    body = [
        'Attribute VB_Name = "cvm_function_help"',
        "' Generated by cvm-xl from the worksheet functions' documentation (udfs/cvm_udfs.py).",
        "Option Explicit",
        "",
        "Public Sub CVM_RegisterFunctionHelp()",
        "    Dim book As String",
        '    book = "\'" & ThisWorkbook.Name & "\'!"',
        "    On Error Resume Next  ' help is a convenience: a function it cannot describe stops nothing",
    ]
    for f in functions:
        info = xl.udf_info(f)
        docs = [vba_string(a["doc"][:_MAX_HELP]) for a in excel_arguments(info)]
        body += [
            f"    Application.MacroOptions Macro:=book & {vba_string(info['name'])}, _",
            f"        Category:={vba_string(str(info['category']))}, _",
            f"        Description:={vba_string(info['ret']['doc'][:_MAX_HELP])}" + (", _" if docs else ""),
        ]
        if docs:
            continued = [f"{d}, _" for d in docs[:-1]] + [f"{docs[-1]})"]
            body.append(f"        ArgumentDescriptions:=Array({continued[0]}")
            body += [f"            {d}" for d in continued[1:]]
    body += ["End Sub"]
    return Module("cvm_function_help", STANDARD, lines(*body))


def project_modules(sheet_codenames: Sequence[str], workbook_name: str) -> list[Module]:
    """Every module of the template's VBA project, in the order the editor lists them."""
    return [
        this_workbook_module(),
        *(document_module(name, SHEET_BASE) for name in sheet_codenames),
        xlwings_module(),
        dictionary_class(),
        wrapper_module(workbook_name),
        help_module(udf_functions()),
        macros_module(),
        selftest_module(),
    ]
