"""``load_master``: read a master workbook (SPEC §4) into typed tables, or say everything wrong with it.

Cell values come from python-calamine (fast, never evaluates anything: a text cell that looks
like a formula stays text), read by ``spreadsheet.sheet_rows`` within what each sheet really holds;
error values and table total rows are found separately (``sheet_xml``). Every problem of the file
is collected before anything is raised.

``master_from_rows`` does everything after the reading, so a workbook open in Excel (the macros)
is checked and typed by the very same code as a file.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from cvm_xl.core.problems import ERROR, Code, Problem, WorkbookError
from cvm_xl.core.settings import Settings
from cvm_xl.core.suggest import closest
from cvm_xl.master.checks import run_checks
from cvm_xl.master.model import Master
from cvm_xl.master.read_relationship import (
    read_relationship_tables,
    relationship_from_rows,
    relationship_problems,
    relationship_sheet_names,
)
from cvm_xl.master.read_tables import ReadTables, TableData, empty_frame, read_table
from cvm_xl.master.schema import SETTINGS_SHEET, SHEET_ORDER, TABLES, Table
from cvm_xl.master.settings_sheet import default_settings_problem, read_settings
from cvm_xl.spreadsheet.files import check_workbook_file
from cvm_xl.spreadsheet.sheet_rows import read_workbook_rows
from cvm_xl.spreadsheet.sheet_xml import SheetScan
from cvm_xl.spreadsheet.tables import find_sheet


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
        code=Code.SHEET_MISSING,
    )


def _sort_key(problem: Problem) -> tuple[int, int, int]:
    rank = SHEET_ORDER.index(problem.sheet) if problem.sheet in SHEET_ORDER else len(SHEET_ORDER)
    column = 0
    for ch in (problem.ref or "").rstrip("0123456789"):
        column = column * 26 + ord(ch) - 64
    return rank, problem.row or 0, column


def master_sheets(sheet_names: Sequence[str]) -> dict[str, str | None]:
    """The workbook's own spelling of each master sheet (Settings, Customers ...), None when missing."""
    return {name: find_sheet(sheet_names, name) for name in SHEET_ORDER}


def sheets_to_read(sheet_names: Sequence[str]) -> list[str]:
    """The sheets of a workbook whose rows ``master_from_rows`` needs, as the workbook spells them
    (every reader, of a file or of a workbook open in Excel, reads these)."""
    wanted = [sheet for sheet in master_sheets(sheet_names).values() if sheet]
    return wanted + [s for s in relationship_sheet_names(sheet_names).values() if s not in wanted]


def load_master(path: str | Path) -> Master:
    """Read and check a master workbook (.xlsx/.xlsm).

    Returns a ``Master`` whose ``problems`` are the warnings. Raises ``files.UnreadableFileError``
    (a ``WorkbookError``) when the file cannot be read at all, and ``WorkbookError`` listing every
    problem, warnings included, when the content has errors.
    """
    path = check_workbook_file(path)
    sheet_names, rows, scans = read_workbook_rows(path, sheets_to_read)
    return master_from_rows(
        str(path),
        rows,
        {sheet: scan.errors for sheet, scan in scans.items()},
        total_rows={sheet: scan.total_rows for sheet, scan in scans.items()},
        formulas={sheet: scan.formulas for sheet, scan in scans.items()},
        sheet_names=sheet_names,
        path=path,
    )


def master_from_rows(
    file: str,
    sheets: Mapping[str, Sequence[Sequence[object]]],
    errors: Mapping[str, Mapping[tuple[int, int], str]] | None = None,
    *,
    total_rows: Mapping[str, Collection[int]] | None = None,
    formulas: Mapping[str, Mapping[tuple[int, int], str]] | None = None,
    sheet_names: Sequence[str] | None = None,
    path: Path | None = None,
) -> Master:
    """Check and type a master given as the cell values of its sheets; what ``load_master`` does
    once the file is read, for any reader (a file, or a workbook open in Excel).

    ``sheets`` maps the workbook's sheet names to their rows: row ``i`` is Excel row ``i + 1`` and
    column ``j`` is column ``j + 1`` (so the rows start at A1), blanks as '' or None; sheets other
    than the master's may be left out. ``errors`` gives, per sheet, the cells showing an Excel error
    value that the rows show as blank ({(Excel row, 0-based column): '#DIV/0!'}); an error text in
    the rows is recognised without it. ``total_rows`` lists, per sheet, the Excel rows of its tables'
    total rows (never records). ``formulas`` gives, per sheet, the cells holding a formula saved
    without its result, which the rows show as blank ({(Excel row, 0-based column): '=12*1500'}): an
    error in an input cell. Numbers typed as text are read in the Settings' Number format (SPEC §4).
    ``sheet_names`` are all the workbook's sheets, named in the message
    about a missing sheet (default: the keys of ``sheets``). ``path`` becomes ``Master.path``
    (default: ``file``).

    Raises ``WorkbookError`` listing every problem, warnings included, when there are errors.
    """
    errors = errors or {}
    total_rows = total_rows or {}
    formulas = formulas or {}
    sheet_names = list(sheets) if sheet_names is None else list(sheet_names)
    found = master_sheets(sheet_names)

    def scan(sheet: str) -> SheetScan:
        found_errors, totals = dict(errors.get(sheet, {})), set(total_rows.get(sheet, ()))
        return SheetScan(found_errors, totals, formulas=dict(formulas.get(sheet, {})))

    def rows_of(sheet: str) -> Sequence[Sequence[object]]:
        if sheet not in sheets:
            raise KeyError(f"master_from_rows: no rows given for the sheet {sheet!r}")
        return sheets[sheet]

    problems: list[Problem] = []
    settings_sheet = found[SETTINGS_SHEET]
    if settings_sheet is None:
        settings, settings_problems = Settings(), [default_settings_problem(file)]
    else:
        settings_scan = scan(settings_sheet)
        settings, settings_problems = read_settings(
            rows_of(settings_sheet), file, settings_sheet, settings_scan.errors, settings_scan.formulas
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
        tables[name] = read_table(table, rows_of(sheet), file, sheet, scan(sheet), settings.number_format)
    related = read_relationship_tables(relationship_from_rows(sheets, sheet_names, scan), file)
    checked = run_checks(ReadTables({**tables, **related}, settings))
    by_sheet: dict[str | None, list[Problem]] = {}
    for problem in checked:
        by_sheet.setdefault(problem.sheet, []).append(problem)
    for data in tables.values():
        problems += data.problems + by_sheet.get(data.sheet_name, [])
    problems.sort(key=_sort_key)
    problems += relationship_problems(related, checked)
    if any(p.severity == ERROR for p in problems):
        raise WorkbookError(problems)
    return Master(
        path=Path(file) if path is None else path,
        settings=settings,
        customers=tables["Customers"].frame,
        workshop=tables["Workshop"].frame,
        ideas=tables["Ideas"].frame,
        tracking=tables["Tracking"].frame,
        problems=tuple(problems),
        relationship={name: data.frame for name, data in related.items() if data.header is not None},
        actions=tables["Actions"].frame,
        waves=tables["Waves"].frame,
        parties=tables["Parties"].frame,
        chain_values=tables["Chain values"].frame,
    )
