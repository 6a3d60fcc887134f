"""The cell values of a workbook's sheets, as rows from A1, read within what the sheets really hold.

The one place a workbook's cells are read from a file (the master reader, the reader of returned
workbooks and the command line all come here). Values come from python-calamine, which never
evaluates anything; before it reads a sheet, the sheet's XML is scanned (``sheet_xml``) for error
cells, table total rows and how far its values reach. A sheet with values far beyond the others
(one value in XFD1048576 would make python-calamine allocate 549 GB) is not read: a problem names
its far cell and says what to do (SPEC §4, §8). Sheets are taken by the rule of
``tables.sheets_in_view``: a visible sheet wins over a hidden one of the same name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from cvm_xl.core.problems import Code, Problem, WorkbookError
from cvm_xl.spreadsheet.files import unreadable
from cvm_xl.spreadsheet.sheet_extent import COLUMN_SLACK, MAX_AREA, ROW_SLACK, SheetExtent
from cvm_xl.spreadsheet.sheet_xml import SheetScan, scan_sheets
from cvm_xl.spreadsheet.tables import sheets_in_view

DAMAGED_FIX = "Open it in Excel, which may offer to repair it, and save a new copy; or use a backup."

Rows = Sequence[Sequence[object]]
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class WorkbookRows(NamedTuple):
    """``names``: the workbook's sheets as readers see them (``tables.sheets_in_view``), in tab
    order; ``rows``: each sheet read, row ``i`` = Excel row ``i + 1`` from column A; ``scans``: what
    its XML showed (error cells, table total rows, extent)."""

    names: list[str]
    rows: dict[str, Rows]
    scans: dict[str, SheetScan]


def stray_cells_problem(file: str, sheet: str, extent: SheetExtent) -> Problem:
    """The problem of a sheet whose values reach far beyond the rest (``SheetExtent.stray``)."""
    cell = extent.far_cell
    fix = (
        f"Clear {cell} and any other stray cell far below or right of the table (in Excel, Ctrl+End "
        "jumps to the last cell in use; select the empty rows and columns after the table and delete "
        "them), save, and try again."
    )
    if extent.far_rows:
        most = 2 * extent.used_rows + ROW_SLACK
        message = (
            f"The sheet reaches row {extent.rows:,} (cell {cell}), but only {extent.used_rows:,} of its "
            f"rows hold values; cvm-xl reads a sheet only as far as twice the rows that hold values plus "
            f"{ROW_SLACK:,} (here {most:,} rows), so it did not read this sheet."
        )
    elif extent.far_columns:
        most = 2 * extent.used_columns + COLUMN_SLACK
        message = (
            f"The sheet reaches column {extent.columns:,} (cell {cell}), but only {extent.used_columns:,} "
            f"of its columns hold values; cvm-xl reads a sheet only as far as twice the columns that "
            f"hold values plus {COLUMN_SLACK} (here {most:,} columns), so it did not read this sheet."
        )
    else:
        message = (
            f"The sheet spans {extent.rows:,} rows by {extent.columns:,} columns ({extent.area:,} cells, "
            f"as far as {cell}); cvm-xl reads at most {MAX_AREA:,} cells of a sheet, so it did not read "
            "this sheet."
        )
        fix += " If the rows are real, move finished waves to an archive workbook."
    return Problem(
        file,
        sheet,
        int(cell.lstrip(_LETTERS)) if cell else None,
        None,
        None,
        message,
        fix=fix,
        ref=cell or None,
        code=Code.SHEET_STRAY_CELLS,
    )


def _hidden(visibility: SheetVisibleEnum) -> bool:
    return visibility != SheetVisibleEnum.Visible


def read_workbook_rows(
    path: Path,
    choose: Callable[[list[str]], Sequence[str | None]] | Sequence[str],
    damaged_fix: str = DAMAGED_FIX,
) -> WorkbookRows:
    """Read the sheets ``choose`` picks from the workbook's sheet names (or the named sheets that
    exist). Raises ``files.UnreadableFileError`` (with ``damaged_fix`` as what to do) when the file
    cannot be read, and ``WorkbookError`` naming each sheet that has stray cells far beyond its values
    (none of them is read)."""
    file = str(path)
    try:
        with CalamineWorkbook.from_path(file) as workbook:
            names = sheets_in_view((m.name, _hidden(m.visible)) for m in workbook.sheets_metadata)
            picked = choose(names) if callable(choose) else choose
            wanted = [s for s in dict.fromkeys(picked) if s is not None and s in names]
            scans = scan_sheets(path, wanted)
            stray = [
                stray_cells_problem(file, s, scans[s].extent)
                for s in wanted
                if s in scans and scans[s].extent.stray
            ]
            if stray:
                raise WorkbookError(stray)
            rows: dict[str, Rows] = {
                sheet: workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False) for sheet in wanted
            }
    except (CalamineError, OSError, ValueError) as exc:
        raise unreadable(
            path, f"The file is damaged: the workbook cannot be read ({exc}).", DAMAGED_FIX
        ) from None
    except BaseException as exc:
        # The Rust reader reports some malformed files as a PanicException, which derives from
        # BaseException; anything else (KeyboardInterrupt, ...) goes on as it is.
        if type(exc).__name__ != "PanicException":
            raise
        raise unreadable(path, "The file is damaged: the workbook cannot be read.", damaged_fix) from None
    return WorkbookRows(names, rows, scans)
