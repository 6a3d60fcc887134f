"""Is the Python side of the Excel add-in installed right? The checks of ``cvm-xl doctor`` (issue 17).

The worksheet functions run only when the Python that xlwings starts has cvm-xl and the very xlwings
version whose VBA module the workbook carries, the workbook's ``xlwings.conf`` sheet (and any
``xlwings.conf`` file) names keys xlwings knows, the UDF module imports, and nobody holds the master
open. Each check gives a ``Finding``: what was seen, and for a problem what to do.
"""

from __future__ import annotations

import csv
import difflib
import importlib
import importlib.util
import os
import platform
import re
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import openpyxl

from cvm_xl.excel.template.layout import CONF_SHEET
from cvm_xl.excel.vba.modules import UDF_MODULE
from cvm_xl.excel.vba.reader import vba_sources

XLWINGS_MODULE = "xlwings"  # the VBA module of xlwings inside the workbook
_VERSION = re.compile(r'XLWINGS_VERSION As String = "([^"]+)"')
_CONFIG_KEY = re.compile(r'GetConfig\("([^"]+)"')
LOCK_PREFIX = "~$"  # Excel's owner file beside an open workbook: ~$ + the workbook's name
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb")


@dataclass(frozen=True)
class Finding:
    """One check's outcome: ``fix`` is empty when all is well."""

    check: str
    seen: str
    fix: str = ""

    @property
    def ok(self) -> bool:
        return not self.fix


def _installed(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def python_side() -> Finding:
    """The interpreter this runs in: the one Interpreter_Win/Interpreter_Mac must name."""
    return Finding("Python", f"Python {platform.python_version()} at {sys.executable}")


def embedded_xlwings(workbook: Path) -> str | None:
    """The XLWINGS_VERSION of the xlwings VBA module inside ``workbook`` (None without one)."""
    source = vba_sources(workbook).get(XLWINGS_MODULE, "")
    found = _VERSION.search(source)
    return found[1] if found else None


def xlwings_version(workbook: Path) -> Finding:
    """xlwings here must equal the version whose VBA module the workbook embeds (its COM server
    and its VBA talk a private protocol that changes between versions)."""
    installed = _installed("xlwings")
    embedded = embedded_xlwings(workbook)
    check = "xlwings version"
    if embedded is None:
        return Finding(
            check,
            f"{workbook.name} has no xlwings VBA module",
            "Use the template made by cvm-xl template (or a master made from it).",
        )
    if installed is None:
        return Finding(
            check,
            f"xlwings is not installed; {workbook.name} needs {embedded}",
            f"pip install xlwings=={embedded}",
        )
    if installed != embedded:
        return Finding(
            check,
            f"xlwings {installed} here, {embedded} inside {workbook.name}",
            f"pip install xlwings=={embedded} (or rebuild the template: cvm-xl template).",
        )
    return Finding(check, f"xlwings {installed}, the version inside {workbook.name}")


def udf_module(name: str = UDF_MODULE) -> Finding:
    """The module named in UDF Modules imports here and holds worksheet functions."""
    check = f"UDF module {name}"
    try:
        module = importlib.import_module(name)
    except Exception as exc:  # any import failure is the finding itself
        return Finding(
            check,
            f"cannot be imported: {type(exc).__name__}: {exc}",
            "Install cvm-xl into this Python (pip install cvm-xl), or set Interpreter_Win / "
            "Interpreter_Mac to the Python that has it.",
        )
    functions = [n for n in dir(module) if hasattr(getattr(module, n), "__xlfunc__")]
    if not functions:
        return Finding(
            check,
            "imports but holds no worksheet functions",
            f"Set UDF Modules on the {CONF_SHEET} sheet to {UDF_MODULE}.",
        )
    return Finding(check, f"imports, {len(functions)} worksheet functions")


def known_keys() -> frozenset[str]:
    """The settings xlwings' VBA reads (GetConfig calls of the installed xlwings.bas), upper case."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        return frozenset()
    source = Path(spec.origin).with_name("xlwings.bas").read_text(encoding="cp1252")
    return frozenset(key.upper() for key in _CONFIG_KEY.findall(source))


def conf_sheet_rows(workbook: Path) -> list[tuple[str, str]] | None:
    """The (key, value) rows of the workbook's xlwings.conf sheet, as xlwings reads them: column A
    and B from row 1 down to the first blank key. None without such a sheet."""
    book = openpyxl.load_workbook(workbook, read_only=True, data_only=True)
    try:
        if CONF_SHEET not in book.sheetnames:
            return None
        rows: list[tuple[str, str]] = []
        for key, value, *_ in book[CONF_SHEET].iter_rows(max_col=2, values_only=True):
            if key is None or str(key) == "":
                break
            rows.append((str(key), "" if value is None else str(value)))
        return rows
    finally:
        book.close()


def conf_file_rows(path: Path) -> list[tuple[str, str]]:
    """The "KEY","value" lines of an xlwings.conf file (the format of xlwings' VBA Input #)."""
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    return [(row[0], row[1] if len(row) > 1 else "") for row in csv.reader(text.splitlines()) if row]


def conf_files(folder: Path) -> list[Path]:
    """The xlwings.conf files xlwings reads besides the sheet: the workbook's folder, the user's."""
    user = (
        Path.home() / "Library/Containers/com.microsoft.Excel/Data/xlwings.conf"
        if sys.platform == "darwin"
        else Path(os.environ.get("USERPROFILE", str(Path.home()))) / ".xlwings" / "xlwings.conf"
    )
    return [p for p in (folder / "xlwings.conf", user) if p.is_file()]


def _interpreter_key() -> str | None:
    if sys.platform == "win32":
        return "INTERPRETER_WIN"
    return "INTERPRETER_MAC" if sys.platform == "darwin" else None


def conf_findings(source: str, rows: list[tuple[str, str]], keys: frozenset[str]) -> list[Finding]:
    """The keys of one configuration source: known to xlwings, once each, and the interpreter and
    the UDF modules they name usable here."""
    findings: list[Finding] = []
    seen: set[str] = set()
    for key, value in rows:
        name = key.strip().upper()
        check = f"{source}: {key}"
        if name in seen:
            findings.append(
                Finding(check, "appears twice (xlwings stops with an error)", "Keep one row per key.")
            )
        elif name not in keys:
            close = difflib.get_close_matches(name, sorted(keys), n=1)
            hint = f" Did you mean {close[0].title()}?" if close else ""
            findings.append(
                Finding(
                    check,
                    "is not a key xlwings reads, so it changes nothing",
                    f"Use one of: {', '.join(sorted(k.title() for k in keys))}.{hint}",
                )
            )
        elif name == _interpreter_key() and value and not Path(os.path.expandvars(value)).is_file():
            findings.append(
                Finding(check, f"{value} does not exist", f"Set it to this Python: {sys.executable}")
            )
        elif name == "UDF MODULES":
            for module in filter(None, (m.strip() for m in value.split(";"))):
                imported = udf_module(module)
                findings.append(Finding(check, f"{module} {imported.seen}", imported.fix))
        else:
            findings.append(Finding(check, value or "(blank)"))
        seen.add(name)
    return findings


def lock_files(folder: Path) -> list[Finding]:
    """Excel's ~$ owner files beside the workbooks of ``folder``: someone has that master open in
    Excel (or Excel stopped without removing it)."""
    findings = []
    for lock in sorted(folder.glob(LOCK_PREFIX + "*")):
        if lock.suffix.lower() not in WORKBOOK_SUFFIXES:
            continue
        name = lock.name[len(LOCK_PREFIX) :]
        owners = (p for p in folder.iterdir() if not p.name.startswith(LOCK_PREFIX))
        owner = next((p for p in owners if p.name == name or p.name.endswith(name)), None)
        findings.append(
            Finding(
                f"Lock file {lock.name}",
                f"{owner.name if owner else name} is open in Excel, or Excel left this file",
                "Close the workbook in Excel; if nobody has it open, delete the ~$ file.",
            )
        )
    return findings


def all_findings(workbook: Path, folder: Path) -> list[Finding]:
    """Every check, in the order doctor prints them. Raises OSError, ``zipfile.BadZipFile`` or
    ValueError when ``workbook`` cannot be read."""
    findings = [python_side(), xlwings_version(workbook), udf_module()]
    keys = known_keys()
    rows = conf_sheet_rows(workbook)
    if rows is None:
        findings.append(
            Finding(
                f"{CONF_SHEET} sheet",
                f"{workbook.name} has none",
                f"Add a sheet {CONF_SHEET} with UDF Modules | {UDF_MODULE} in row 1.",
            )
        )
    else:
        findings += conf_findings(f"{CONF_SHEET} sheet", rows, keys)
    for path in conf_files(folder):
        findings += conf_findings(str(path), conf_file_rows(path), keys)
    return findings + lock_files(folder)
