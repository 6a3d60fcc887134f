"""The workbook a macro runs in, behind a small interface: Excel through xlwings, or a file through openpyxl.

The macros (``cvm_xl.macros``) only ever talk to a ``Book``: read a sheet's cell values as rows,
write a block of values at a cell, start a sheet afresh, add a chart, show a message. ``XlwingsBook``
is the workbook open in Excel that pressed the button; ``OpenpyxlBook`` is the same over a workbook
file, so every macro runs, and is tested, without Excel.

Values read are what the cells show (formula results, not formulas), from A1 on: row ``i`` of the
rows is Excel row ``i + 1``. Values written are plain values; text is always written as text,
whatever it starts with, so a title such as ``=1+1`` never becomes a formula.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, cast, runtime_checkable

import numpy as np
import pandas as pd
from openpyxl.chart import BarChart, Reference
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.core.problems import column_letter
from cvm_xl.master.live import NO_RESULT, ComputedCell, set_names
from cvm_xl.master.lock import WriteRefusedError, writing
from cvm_xl.spreadsheet.atomic import atomic_write, workbook_bytes
from cvm_xl.spreadsheet.cached_values import stamp_cached_values
from cvm_xl.spreadsheet.files import check_workbook_file
from cvm_xl.spreadsheet.sheet_names import open_for_update, set_title, sheets_in_view_of

FORMULA_STARTS = ("=", "+", "-", "@")
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")  # cannot be stored in a workbook's XML
Area = tuple[int, int, int, int]  # first row, first column, last row, last column (1-based)


@runtime_checkable
class Book(Protocol):
    """A workbook a macro reads and writes. Rows and columns are 1-based, as Excel numbers them."""

    @property
    def name(self) -> str:
        """The workbook's full path (its name when it was never saved): the file of every Problem."""
        ...

    @property
    def folder(self) -> Path:
        """The folder the workbook is in: generated files go next to it."""
        ...

    def sheet_names(self) -> list[str]: ...

    def read(self, sheet: str) -> list[list[object]]:
        """The sheet's shown values from A1 to its last used cell; blanks are None or ''."""
        ...

    def total_rows(self, sheet: str) -> set[int]:
        """Excel rows of the total rows of the sheet's Excel Tables (sums, never records)."""
        ...

    def write(self, sheet: str, row: int, column: int, values: Sequence[Sequence[object]]) -> None:
        """Write a rectangular block of plain values with its top-left cell at (row, column)."""
        ...

    def reset_sheet(self, sheet: str) -> None:
        """Make ``sheet`` an empty sheet: clear it (values, formats, charts) or add it at the end."""
        ...

    def write_computed(self, sheet: str, cells: Mapping[tuple[int, int], ComputedCell]) -> None:
        """Write computed cells {(row, column): ``ComputedCell``} (the Refresh macro): the formula
        where one is given; otherwise the formula the cell holds is kept, and a cell holding none
        gets the result as a plain value. A workbook file saves each result with its formula (what
        a reader that does not calculate shows); Excel calculates its formulas itself."""
        ...

    def define_names(self, names: Mapping[str, tuple[str, bool]]) -> None:
        """Define (or redefine) workbook-level names: name -> (formula without '=', hidden)."""
        ...

    def grow_table(self, sheet: str, header_row: int, last_row: int) -> None:
        """Extend the Excel Table whose header is on ``header_row`` down to ``last_row`` (if shorter)."""
        ...

    def bar_chart(
        self, sheet: str, data: tuple[int, int, int, int], anchor: tuple[int, int], title: str
    ) -> None:
        """A bar chart of the block (first row, first column, last row, last column): the first
        column holds the categories, the first row the series names. Placed at cell ``anchor``."""
        ...

    def activate(self, sheet: str) -> None:
        """Bring the sheet to the front."""
        ...

    def message(self, text: str, title: str = "cvm-xl") -> None:
        """Tell the user something (a message box in Excel)."""
        ...

    def flush(self) -> None:
        """Make the writes durable where the book itself cannot: a file-backed book saves its file;
        a workbook open in Excel already shows them, and its user saves it."""
        ...


def plain(value: object) -> object:
    """A value a cell can hold: None for every kind of blank (NaN, NA, NaT), Python scalars,
    dates without a time of day as dates; anything else as its text."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, bool | int | dt.date):
        return value
    return _ILLEGAL.sub("", value if isinstance(value, str) else str(value))


def rectangle(values: Sequence[Sequence[object]]) -> list[list[object]]:
    """The block as plain values, every row as wide as the widest (None fills)."""
    width = max((len(r) for r in values), default=0)
    return [[plain(v) for v in r] + [None] * (width - len(r)) for r in values]


# --- openpyxl: a workbook file ----------------------------------------------------------------------


class OpenpyxlBook:
    """A workbook file opened with openpyxl; ``flush`` saves it in place (atomically).

    A formula cell reads as the value the file last stored for it (what Excel showed when it saved),
    as in a running Excel. Messages are kept in ``messages``. The VBA project of an .xlsm file is
    kept; shapes such as buttons are not (openpyxl drops them), so this book is for tests and
    scripts on copies, not for the template itself.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = check_workbook_file(path)  # a file that is no workbook is a clear WorkbookError
        self._opened = _version(self.path)  # flush refuses to overwrite a change made since
        self._wb = open_for_update(self.path)  # every sheet keeps its own name (see sheet_names)
        self._cached: Any = None  # the file's stored formula results, read when first needed
        self._results: dict[str, dict[tuple[int, int], object]] = {}  # saved with formulas on flush
        self.messages: list[tuple[str, str]] = []

    @property
    def name(self) -> str:
        return str(self.path)

    @property
    def folder(self) -> Path:
        return self.path.resolve().parent

    def sheet_names(self) -> list[str]:
        return sheets_in_view_of(self._wb)  # a hidden sheet with a visible one's name is left out

    def _stored_results(self, sheet: str) -> Any:
        if self._cached is None:
            self._cached = open_for_update(self.path, data_only=True)
        return self._cached[sheet]

    def read(self, sheet: str) -> list[list[object]]:
        ws = self._wb[sheet]
        if ws.max_row == 1 and ws.max_column == 1 and ws.cell(1, 1).value is None:
            return []
        rows: list[list[object]] = []
        formulas: list[tuple[int, int]] = []
        for cells in ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column):
            row: list[object] = []
            for cell in cells:
                if cell.data_type == "f":
                    formulas.append((len(rows), len(row)))  # positions from A1: row i is Excel row i + 1
                    row.append(None)
                else:
                    row.append(cell.value)
            rows.append(row)
        if formulas:
            stored = self._stored_results(sheet)
            for i, j in formulas:
                rows[i][j] = stored.cell(i + 1, j + 1).value
        return rows

    def total_rows(self, sheet: str) -> set[int]:
        rows: set[int] = set()
        for table in self._wb[sheet].tables.values():
            count = int(table.totalsRowCount or 0)
            if count:
                last = CellRange(table.ref).max_row  # a table's range is always bounded
                rows.update(range(last - count + 1, last + 1))
        return rows

    def write(self, sheet: str, row: int, column: int, values: Sequence[Sequence[object]]) -> None:
        ws = self._wb[sheet]
        for i, cells in enumerate(rectangle(values)):
            for j, value in enumerate(cells):
                cell = ws.cell(row + i, column + j)
                # openpyxl checks the value itself (a ValueError for what no cell holds); its stubs
                # list fewer types than it takes (numpy numbers), so the value goes in unnarrowed.
                cell.value = cast(Any, value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    cell.quotePrefix = value.startswith(FORMULA_STARTS)
                elif isinstance(value, dt.date) and cell.number_format == "General":
                    cell.number_format = "yyyy-mm-dd"

    def write_computed(self, sheet: str, cells: Mapping[tuple[int, int], ComputedCell]) -> None:
        ws = self._wb[sheet]
        results = self._results.setdefault(sheet, {})
        for (row, column), computed in cells.items():
            cell = ws.cell(row, column)
            if computed.formula is not None:
                cell.value = "=" + computed.formula
            elif cell.data_type != "f":
                self.write(sheet, row, column, [[_result_value(computed.result)]])
                continue
            if computed.result is NO_RESULT:
                results.pop((row, column), None)
            else:
                # A formula's empty text is a result ("" shows blank); anything else as a cell holds it.
                blank = isinstance(computed.result, str) and computed.result == ""
                results[(row, column)] = "" if blank else plain(computed.result)

    def define_names(self, names: Mapping[str, tuple[str, bool]]) -> None:
        set_names(self._wb, names)

    def reset_sheet(self, sheet: str) -> None:
        wb = self._wb
        if sheet in wb.sheetnames:
            index = wb.sheetnames.index(sheet)
            wb.remove(wb[sheet])
            created = wb.create_sheet(sheet, index)
        else:
            created = wb.create_sheet(sheet)
        set_title(created, sheet)  # openpyxl would add a '1' beside a hidden sheet of that name

    def grow_table(self, sheet: str, header_row: int, last_row: int) -> None:
        for table in self._wb[sheet].tables.values():
            bounds = CellRange(table.ref)  # a table's range is always bounded
            if bounds.min_row == header_row and bounds.max_row < last_row:
                first, last = get_column_letter(bounds.min_col), get_column_letter(bounds.max_col)
                table.ref = f"{first}{bounds.min_row}:{last}{last_row}"
                if table.autoFilter is not None:
                    table.autoFilter.ref = table.ref

    def bar_chart(
        self, sheet: str, data: tuple[int, int, int, int], anchor: tuple[int, int], title: str
    ) -> None:

        ws: Worksheet = self._wb[sheet]  # the macros chart worksheets' cells, never a chart sheet
        top, left, bottom, right = data
        chart = BarChart()
        chart.type = "bar"
        chart.title = title
        chart.legend = None
        chart.add_data(
            Reference(ws, min_col=left + 1, min_row=top, max_col=right, max_row=bottom), titles_from_data=True
        )
        chart.set_categories(Reference(ws, min_col=left, min_row=top + 1, max_row=bottom))
        ws.add_chart(chart, f"{column_letter(anchor[1])}{anchor[0]}")

    def activate(self, sheet: str) -> None:
        self._wb.active = self._wb.sheetnames.index(sheet)
        for ws in self._wb.worksheets:
            ws.sheet_view.tabSelected = ws.title == sheet

    def message(self, text: str, title: str = "cvm-xl") -> None:
        self.messages.append((title, text))

    def flush(self) -> None:
        """Save over the file, held for writing (``cvm_xl.master.lock``): refused when it is open in
        Excel or LibreOffice, read-only, or was changed since this book read it (saving would lose
        that change); atomic, keeping the file's permissions."""
        with writing(self.path, holder="cvm-xl macro"):
            if _version(self.path) != self._opened:
                raise WriteRefusedError(
                    self.path,
                    "it was changed by another program or command since the macro read it",
                    "Run the macro again: it reads the file as it is now.",
                )
            results = {sheet: cells for sheet, cells in self._results.items() if sheet in self._wb.sheetnames}
            # The results of formulas a refresh wrote or kept are saved with them, as Excel would.
            atomic_write(self.path, stamp_cached_values(workbook_bytes(self._wb), results))
            self._opened = _version(self.path)


def _version(path: Path) -> tuple[int, int, int]:
    """What changes when a file is saved again: its identity, size and modification time."""
    st = path.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns


# --- xlwings: the workbook open in Excel --------------------------------------------------------------

_EXCEL_FILES = "Excel workbooks (*.xlsx;*.xlsm),*.xlsx;*.xlsm"


class XlwingsBook:
    """The workbook open in Excel (``xlwings.Book``), usually ``xw.Book.caller()`` in a macro."""

    def __init__(self, book: Any) -> None:
        self.book = book

    @property
    def name(self) -> str:
        return str(self.book.fullname)

    @property
    def folder(self) -> Path:
        full = Path(str(self.book.fullname))
        return full.parent if full.parent != Path() else Path.cwd()

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def read(self, sheet: str) -> list[list[object]]:
        ws = self.book.sheets[sheet]
        last = ws.used_range.last_cell
        # From A1, not from the used range's corner, so positions are Excel's; errors as their text.
        values = ws.range((1, 1), (last.row, last.column)).options(ndim=2, err_to_str=True).value
        return [list(r) for r in values or []]

    def total_rows(self, sheet: str) -> set[int]:
        rows: set[int] = set()
        for table in self.book.sheets[sheet].tables:
            if table.show_totals:
                totals = table.totals_row_range
                rows.update(range(totals.row, totals.row + totals.rows.count))
        return rows

    def write(self, sheet: str, row: int, column: int, values: Sequence[Sequence[object]]) -> None:
        block = [[_excel_text(v) for v in r] for r in rectangle(values)]
        if block and block[0]:
            self.book.sheets[sheet].range((row, column)).options(ndim=2).value = block

    def write_computed(self, sheet: str, cells: Mapping[tuple[int, int], ComputedCell]) -> None:
        ws = self.book.sheets[sheet]
        by_column: dict[int, dict[int, ComputedCell]] = {}
        for (row, column), computed in cells.items():
            by_column.setdefault(column, {})[row] = computed
        for column, computed_rows in by_column.items():
            for first, last in runs(list(computed_rows)):
                cells_range = ws.range((first, column), (last, column))
                held = cells_range.formula  # one cell: its formula; a column of cells: one tuple per row
                formulas = [held] if isinstance(held, str) else [str(r[0]) for r in held]
                block: list[list[object]] = []
                for offset, row in enumerate(range(first, last + 1)):
                    computed = computed_rows[row]
                    formula = formulas[offset]
                    if computed.formula is not None:
                        block.append(["=" + computed.formula])
                    elif formula.startswith("="):
                        block.append([formula])  # entered again: Excel (and the add-in) computes it anew
                    else:
                        block.append([_excel_text(_result_value(computed.result))])
                cells_range.formula = block

    def define_names(self, names: Mapping[str, tuple[str, bool]]) -> None:
        for name, (formula, hidden) in names.items():
            defined = self.book.names.add(name, "=" + formula)
            if hidden and sys.platform == "win32":  # visibility is only reachable through Windows COM
                defined.api.Visible = False

    def reset_sheet(self, sheet: str) -> None:
        if sheet in self.sheet_names():
            ws = self.book.sheets[sheet]
            for chart in list(ws.charts):
                chart.delete()
            ws.clear()
        else:
            self.book.sheets.add(sheet, after=self.book.sheets[-1])

    def grow_table(self, sheet: str, header_row: int, last_row: int) -> None:
        ws = self.book.sheets[sheet]
        for table in ws.tables:
            whole = table.range
            if whole.row == header_row and whole.last_cell.row < last_row:
                table.resize(ws.range((whole.row, whole.column), (last_row, whole.last_cell.column)))

    def bar_chart(
        self, sheet: str, data: tuple[int, int, int, int], anchor: tuple[int, int], title: str
    ) -> None:
        ws = self.book.sheets[sheet]
        top, left, bottom, right = data
        place = ws.range(anchor)
        chart = ws.charts.add(left=place.left, top=place.top, width=420, height=260)
        chart.chart_type = "bar_clustered"
        chart.set_source_data(ws.range((top, left), (bottom, right)))
        if sys.platform == "win32":  # the title is only reachable through the Windows object model
            excel_chart = chart.api[1]
            excel_chart.HasTitle = True
            excel_chart.ChartTitle.Text = title

    def activate(self, sheet: str) -> None:
        self.book.sheets[sheet].activate()

    def message(self, text: str, title: str = "cvm-xl") -> None:
        self.book.app.alert(text, title=title)

    def flush(self) -> None:
        """Nothing to do: the changes are in the open workbook, which its user saves."""

    def pick_files(self, title: str, multiple: bool = False) -> list[Path]:
        """Workbook files the user picks in Excel's Open dialog (nothing opened); [] when cancelled."""
        if sys.platform == "win32":
            picked = self.book.app.api.GetOpenFilename(_EXCEL_FILES, 1, title, None, multiple)
            if picked is False:
                return []
            return [Path(p) for p in (picked if isinstance(picked, list | tuple) else [picked])]
        # Imported here: a file dialog is only needed on a desktop, and a server Python may lack Tk.
        from tkinter import Tk, filedialog

        root = Tk()
        root.withdraw()
        try:
            types = [("Excel workbooks", "*.xlsx *.xlsm")]
            if multiple:
                return [Path(p) for p in filedialog.askopenfilenames(title=title, filetypes=types)]
            one = filedialog.askopenfilename(title=title, filetypes=types)
            return [Path(one)] if one else []
        finally:
            root.destroy()


def _result_value(result: object) -> object:
    """A computed result as a plain cell value: a formula's empty text and no result are blank."""
    if result is NO_RESULT or (isinstance(result, str) and result == ""):
        return None
    return plain(result)


def runs(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted whole numbers as (first, last) runs of consecutive ones: [2, 3, 4, 7] -> [(2, 4), (7, 7)]
    (one block write per run, in Excel and in ``master_book.write_cells``)."""
    out: list[tuple[int, int]] = []
    for n in sorted(set(numbers)):
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def _excel_text(value: object) -> object:
    """Text Excel would take for a formula, a number or a date, marked as text (a leading apostrophe)."""
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, "'")):
        return "'" + value
    return value
