"""``load_master``: read a master workbook (SPEC §4) into typed tables, or say everything wrong with it.

Cell values come from python-calamine (fast, never evaluates anything: a text cell that looks
like a formula stays text); error values and table total rows are found separately
(``sheet_xml``). Every problem of the file is collected before anything is raised.
"""

from __future__ import annotations

from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from .files import check_workbook_file, unreadable
from .master import Master
from .problems import ERROR, Problem, WorkbookError
from .read_tables import TableData, empty_frame, read_table
from .schema import SETTINGS_SHEET, SHEET_ORDER, TABLES, Table
from .settings import Settings
from .settings_sheet import default_settings_problem, read_settings
from .sheet_tables import find_sheet
from .sheet_xml import SheetScan, scan_sheets
from .suggest import closest
from .validation import validate_tables

_DAMAGED_FIX = "Open it in Excel, which may offer to repair it, and save a new copy; or use a backup."


def _missing_sheet(file: str, table: Table, sheet_names: list[str]) -> Problem:
    others = [s for s in sheet_names if find_sheet(SHEET_ORDER, s) is None]
    guess = closest(table.name, others)
    hint = f"If the sheet '{guess}' holds them, rename it to {table.name}. " if guess else ""
    return Problem(
        file,
        table.name,
        None,
        None,
        None,
        f"The workbook has no {table.name} sheet (its sheets: {', '.join(sheet_names) or 'none'}).",
        fix=f"{hint}Add a sheet named {table.name} with a table headed {', '.join(table.required)} ...",
    )


def _sort_key(problem: Problem) -> tuple[int, int, int]:
    rank = SHEET_ORDER.index(problem.sheet) if problem.sheet in SHEET_ORDER else len(SHEET_ORDER)
    column = 0
    for ch in (problem.ref or "").rstrip("0123456789"):
        column = column * 26 + ord(ch) - 64
    return rank, problem.row or 0, column


def load_master(path: str | Path) -> Master:
    """Read and check a master workbook (.xlsx/.xlsm).

    Returns a ``Master`` whose ``problems`` are the warnings. Raises ``files.UnreadableFileError``
    (a ``WorkbookError``) when the file cannot be read at all, and ``WorkbookError`` listing every
    problem, warnings included, when the content has errors.
    """
    path = check_workbook_file(path)
    file = str(path)
    try:
        with CalamineWorkbook.from_path(str(path)) as workbook:
            sheet_names = list(workbook.sheet_names)
            found = {name: find_sheet(sheet_names, name) for name in SHEET_ORDER}
            scans = scan_sheets(path, [s for s in found.values() if s])
            rows = {
                name: workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
                for name, sheet in found.items()
                if sheet
            }
    except (CalamineError, OSError, ValueError) as exc:
        message = f"The file is damaged: the workbook cannot be read ({exc})."
        raise unreadable(path, message, _DAMAGED_FIX) from None
    except BaseException as exc:
        # The Rust reader reports some malformed files as a PanicException, which derives from
        # BaseException; anything else (KeyboardInterrupt, ...) goes on as it is.
        if type(exc).__name__ != "PanicException":
            raise
        message = "The file is damaged: the workbook cannot be read."
        raise unreadable(path, message, _DAMAGED_FIX) from None

    problems: list[Problem] = []
    settings_sheet = found[SETTINGS_SHEET]
    if settings_sheet is None:
        settings, settings_problems = Settings(), [default_settings_problem(file)]
    else:
        scan = scans.get(settings_sheet, SheetScan())
        settings, settings_problems = read_settings(
            rows.pop(SETTINGS_SHEET), file, settings_sheet, scan.errors
        )
    problems += settings_problems

    tables: dict[str, TableData] = {}
    for name, table in TABLES.items():
        sheet = found[name]
        if sheet is None:
            tables[name] = TableData(table, file, None, empty_frame(table))
            if not table.optional_sheet:
                problems.append(_missing_sheet(file, table, sheet_names))
            continue
        tables[name] = read_table(table, rows.pop(name), file, sheet, scans.get(sheet, SheetScan()))
    validate_tables(tables, settings)
    for data in tables.values():
        problems += data.problems
    problems.sort(key=_sort_key)
    if any(p.severity == ERROR for p in problems):
        raise WorkbookError(problems)
    return Master(
        path=path,
        settings=settings,
        customers=tables["Customers"].frame,
        workshop=tables["Workshop"].frame,
        ideas=tables["Ideas"].frame,
        tracking=tables["Tracking"].frame,
        problems=tuple(problems),
    )
