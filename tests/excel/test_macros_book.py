"""The Book over a workbook file, and changing records in an open book by sheet, row and header."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.table import Table
from python_calamine import CalamineWorkbook

from cvm_xl.core import columns as col
from cvm_xl.core.problems import WorkbookError
from cvm_xl.excel.book import Book, OpenpyxlBook, XlwingsBook, plain
from cvm_xl.excel.master_book import apply_changes, locate, runs, write_cells
from cvm_xl.excel.sheets import TABLE_ROW
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.master.live import NO_RESULT, ComputedCell
from cvm_xl.master.read import load_master
from cvm_xl.master.update import CellChange


@pytest.fixture
def master(sample_master: Path, tmp_path: Path) -> Path:
    target = tmp_path / "master.xlsx"
    shutil.copy(sample_master, target)
    return target


def table_rows(path: Path, sheet: str) -> list[list[object]]:
    ws = load_workbook(path, read_only=True)[sheet]
    return [list(r) for r in ws.iter_rows(min_row=TABLE_ROW, values_only=True)]


# --- the Book over a file ----------------------------------------------------------------------------


def test_both_books_implement_the_protocol(master: Path) -> None:
    assert isinstance(OpenpyxlBook(master), Book)
    in_excel = XlwingsBook(SimpleNamespace(fullname="/data/cvm/master.xlsm"))
    assert isinstance(in_excel, Book)
    assert (in_excel.name, in_excel.folder) == ("/data/cvm/master.xlsm", Path("/data/cvm"))


def test_plain_makes_every_kind_of_blank_a_blank_and_numpy_python() -> None:
    assert [plain(v) for v in (None, float("nan"), pd.NA, pd.NaT, np.nan)] == [None] * 5
    assert plain(np.float64(2.5)) == 2.5 and type(plain(np.float64(2.5))) is float
    assert type(plain(np.int64(3))) is int and plain(np.bool_(True)) is True
    assert plain(pd.Timestamp("2025-03-31")) == dt.date(2025, 3, 31)
    assert plain(dt.datetime(2025, 3, 31, 8, 30)) == dt.datetime(2025, 3, 31, 8, 30)
    assert plain("a\x07b") == "ab"


def test_text_is_written_as_text_whatever_it_starts_with(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    Workbook().save(path)
    book = OpenpyxlBook(path)
    book.reset_sheet("Out")
    texts = ["=1+1", "+33 1 23", "-5", "@SUM(A1)", "=cmd|' /C calc'!A0"]
    book.write("Out", 2, 3, [texts, [1, 2.5, dt.date(2025, 1, 31), True, None]])
    assert book.read("Out")[1][2:] == texts  # read back before saving
    book.flush()
    with CalamineWorkbook.from_path(str(path)) as wb:
        rows = wb.get_sheet_by_name("Out").to_python(skip_empty_area=False)
    assert rows[1][2:] == texts
    assert rows[2][2:6] == [1.0, 2.5, dt.date(2025, 1, 31), True]
    cells = load_workbook(path)["Out"]
    assert all(cells.cell(2, c).data_type == "s" for c in range(3, 8))


def test_formula_cells_read_as_the_values_the_file_stored(master: Path, tmp_path: Path) -> None:
    (result,) = generate_customer_books(load_master(master), tmp_path, customer_ids=["C-AUT"])
    book = OpenpyxlBook(result.path)
    with CalamineWorkbook.from_path(str(result.path)) as wb:
        for sheet in ("Ideas", "Passbook", "Map"):
            stored = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            shown = [["" if v is None else plain(v) for v in r] for r in book.read(sheet)]
            width = max(len(r) for r in stored)
            assert [r + [""] * (width - len(r)) for r in shown[: len(stored)]] == stored, sheet
    formulas = load_workbook(result.path)["Ideas"]
    assert any(c.data_type == "f" for row in formulas.iter_rows() for c in row)


def test_reset_sheet_clears_or_adds_and_keeps_the_tab_position(master: Path) -> None:
    book = OpenpyxlBook(master)
    names = book.sheet_names()
    book.reset_sheet("Customers")
    assert book.sheet_names() == names
    assert book.read("Customers") == []
    book.reset_sheet("Extra")
    assert book.sheet_names() == [*names, "Extra"]


def test_total_rows_and_growing_a_table(tmp_path: Path) -> None:
    path = tmp_path / "totals.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    for row in (["Name", "Amount"], ["a", 1], ["b", 2], ["Total", 3]):
        ws.append(row)
    table = Table(displayName="tblData", ref="A1:B4", totalsRowCount=1)
    ws.add_table(table)
    wb.save(path)
    book = OpenpyxlBook(path)
    assert book.total_rows("Data") == {4}
    book.grow_table("Data", 1, 9)
    book.flush()
    assert load_workbook(path)["Data"].tables["tblData"].ref == "A1:B9"


def test_runs_and_block_writes() -> None:
    assert runs([7, 2, 3, 4, 4]) == [(2, 4), (7, 7)]
    assert runs([]) == []

    class Recorder:
        def __init__(self) -> None:
            self.blocks: list[tuple[int, int, list[list[object]]]] = []

        def write(self, sheet: str, row: int, column: int, values: list[list[object]]) -> None:
            self.blocks.append((row, column, values))

    recorder = Recorder()
    cells = {(r, c): r * 10 + c for r in (2, 3, 5) for c in (4, 5)} | {(9, 1): "x"}
    write_cells(recorder, "S", cells)  # type: ignore[arg-type]
    assert sorted(recorder.blocks) == [
        (2, 4, [[24, 25], [34, 35]]),
        (5, 4, [[54, 55]]),
        (9, 1, [["x"]]),
    ]


# --- changing records in an open book ------------------------------------------------------------------


def test_apply_changes_sets_cells_by_header_and_appends_records(master: Path) -> None:
    before = load_master(master)
    book = OpenpyxlBook(master)
    row = int(before.ideas.index[1])
    changes = [
        CellChange("Ideas", row, col.STATUS, "Dropped"),
        CellChange("ideas", row, col.OWNER, "=not a formula"),
        CellChange("Ideas", row, "Reviewer", "Ana"),  # a new column, added to the right
    ]
    new = {col.IDEA_ID: "AUT-99", col.CUSTOMER_ID: "C-AUT", col.TITLE: "New", col.ONE_OFF: True}
    assert apply_changes(book, changes, {"Ideas": [new]}) == (3, 1)
    book.flush()
    after = load_master(master)
    assert after.ideas.at[row, col.STATUS] == "Dropped"
    assert after.ideas.at[row, col.OWNER] == "=not a formula"
    assert after.ideas.at[row, "Reviewer"] == "Ana"
    last = int(after.ideas.index[-1])
    assert last == int(before.ideas.index[-1]) + 1
    assert after.ideas.loc[last, [col.IDEA_ID, col.TITLE, col.ONE_OFF]].tolist() == ["AUT-99", "New", True]
    assert load_workbook(master)["Ideas"].tables["tblIdeas"].ref.endswith(str(last))


def test_apply_changes_creates_a_log_sheet_for_new_records(master: Path) -> None:
    book = OpenpyxlBook(master)
    log = [{"When": dt.date(2025, 7, 1), "File": "a.xlsx"}, {"When": dt.date(2025, 7, 2), "File": "b.xlsx"}]
    assert apply_changes(book, appends={"Import log": log}) == (0, 2)
    assert book.read("Import log") == [
        ["When", "File"],
        [dt.date(2025, 7, 1), "a.xlsx"],
        [dt.date(2025, 7, 2), "b.xlsx"],
    ]


def test_apply_changes_refuses_to_write_over_a_total_row(master: Path) -> None:
    wb = load_workbook(master)
    ws = wb["Ideas"]
    table = ws.tables["tblIdeas"]
    last = ws.max_row
    ws.cell(last + 1, 1).value = "Total"
    table.ref = table.ref[: -len(str(last))] + str(last + 1)
    table.totalsRowCount = 1
    wb.save(master)
    book = OpenpyxlBook(master)
    with pytest.raises(WorkbookError) as caught:
        apply_changes(
            book,
            [CellChange("Ideas", 2, col.STATUS, "Dropped")],
            {"Ideas": [{col.IDEA_ID: "X-1", col.CUSTOMER_ID: "C-AUT", col.TITLE: "t"}]},
        )
    (problem,) = caught.value.problems
    assert "total row" in problem.message and problem.sheet == "Ideas"
    assert book.read("Ideas")[1][col.IDEA_INPUTS.index(col.STATUS)] != "Dropped"  # nothing written


def test_locate_finds_a_table_anywhere_and_says_when_it_cannot(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Ideas"
    ws["A1"] = "Our ideas"
    for offset, name in enumerate(col.IDEA_REQUIRED):
        ws.cell(3, 2 + offset).value = f" {name.upper()} "
    wb.create_sheet("Workshop")["A1"] = "no header here"
    wb.save(path)
    table = locate(OpenpyxlBook(path), "ideas")
    assert (table.sheet, table.header_row) == ("Ideas", 3)
    assert [table.column(n) for n in col.IDEA_REQUIRED] == [2, 3, 4]
    with pytest.raises(WorkbookError, match="no header row"):
        locate(OpenpyxlBook(path), "Workshop")
    with pytest.raises(WorkbookError, match="no Tracking sheet"):
        locate(OpenpyxlBook(path), "Tracking")


class _Cells:
    """A column of cells of a fake Excel sheet: ``formula`` as xlwings reads and sets it."""

    def __init__(self, sheet: dict[tuple[int, int], object], first: tuple[int, int], last: tuple[int, int]):
        self.sheet, self.rows, self.column = sheet, range(first[0], last[0] + 1), first[1]

    @property
    def formula(self) -> object:
        shown = [str(self.sheet.get((r, self.column), "") or "") for r in self.rows]
        return shown[0] if len(shown) == 1 else tuple((f,) for f in shown)

    @formula.setter
    def formula(self, block: list[list[object]]) -> None:
        for row, (value,) in zip(self.rows, block, strict=True):
            self.sheet[(row, self.column)] = value


def test_in_excel_a_refresh_writes_formulas_enters_kept_ones_again_and_fills_values() -> None:
    """``XlwingsBook.write_computed``: a given formula is written; a formula the cell holds is entered
    again (Excel and the add-in compute it anew); a cell holding none gets the result as a value."""
    cells: dict[tuple[int, int], object] = {(2, 5): "=CVM_NET(A2,B2)", (3, 5): 7, (4, 5): "=CVM_NET(A4,B4)"}
    sheet = SimpleNamespace(range=lambda first, last=None: _Cells(cells, first, last or first))
    book = XlwingsBook(SimpleNamespace(sheets={"Ideas": sheet}, fullname="/data/master.xlsm"))
    refreshed = {
        (2, 5): ComputedCell(None, 10.0), (3, 5): ComputedCell(None, 12.5),
        (4, 5): ComputedCell(None, NO_RESULT), (5, 5): ComputedCell(None, ""),
        (2, 6): ComputedCell("A2*2", 4.0), (7, 6): ComputedCell(None, "=x"),
    }  # fmt: skip
    book.write_computed("Ideas", refreshed)
    assert cells == {
        (2, 5): "=CVM_NET(A2,B2)", (3, 5): 12.5, (4, 5): "=CVM_NET(A4,B4)", (5, 5): None,
        (2, 6): "=A2*2", (7, 6): "'=x",  # a text result is never taken for a formula
    }  # fmt: skip
