"""The VBA modules of the template, as source text built from what the repository already holds.

- ``xlwings`` and ``Dictionary``: xlwings' standalone VBA (RunPython, the UDF bridge), copied from
  the installed xlwings package, so the workbook needs no add-in reference.
- ``xlwings_udfs``: the UDF wrappers, written by xlwings' own generator from the metadata of
  ``udfs.cvm_udfs`` (the module "Import Functions" would write, under the same name).
- ``cvm_function_help``: Excel function-wizard help (descriptions, categories, argument help)
  from the same metadata, registered when the workbook opens.
- ``cvm_macros``: one Sub per button of the Start sheet, each a RunPython call to ``cvm_xl.macros``.
- ``ThisWorkbook`` and one document module per sheet, as Excel keeps them.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from cvm_xl.excel.vba.project import CLASS, DOCUMENT, STANDARD, Module
from udfs import cvm_udfs, xl

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
            "",
            "Private Sub Workbook_Open()",
            "    ' Excel's function wizard (Shift+F3) then shows the CVM functions' help.",
            "    CVM_RegisterFunctionHelp",
            "    ThisWorkbook.Saved = True",
            "End Sub",
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
        "    On Error Resume Next  ' help is a convenience: never stop the workbook from opening",
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
    ]
