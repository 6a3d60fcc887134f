"""The Book over a workbook file, record changes in an open book, and the macros that change the
master (synthesis) or compare it with another workbook (reconciliation)."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.table import Table
from python_calamine import CalamineWorkbook

from cvm_xl import cli, macros
from cvm_xl import columns as col
from cvm_xl.book_adapter import Book, OpenpyxlBook, XlwingsBook, plain
from cvm_xl.book_rows import apply_changes, locate, runs, write_cells
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.loader import load_master
from cvm_xl.macro_sheets import RECONCILIATION_HEADERS, TABLE_ROW
from cvm_xl.master_update import CellChange
from cvm_xl.master_writer import write_master
from cvm_xl.passbook import passbook_lines
from cvm_xl.problems import WorkbookError
from cvm_xl.reconcile import reconcile
from cvm_xl.sample import sample_settings, sample_tables
from cvm_xl.synthesis import MOTHER_ID, report_frame, synthesize


@pytest.fixture(scope="module")
def sample_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "master.xlsx"
    write_master(path, sample_settings(), sample_tables())
    return path


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


# --- synthesise mother ideas ---------------------------------------------------------------------------


def test_synthesize_writes_what_the_core_proposes_and_a_rerun_changes_nothing(master: Path) -> None:
    before = load_master(master)
    result = synthesize(before.workshop, before.ideas)
    workshop, ideas = result.apply(before.workshop, before.ideas)
    assert result.changed

    outcome = macros.synthesize_in(OpenpyxlBook(master))
    assert outcome.ok, outcome.message

    after = load_master(master)
    assert after.workshop[MOTHER_ID].tolist() == workshop[MOTHER_ID].tolist()
    shown = [col.IDEA_ID, col.CUSTOMER_ID, col.TITLE, col.DESCRIPTION, col.STATUS]
    assert after.ideas[shown].values.tolist() == ideas[shown].values.tolist()
    report = report_frame(result.report)
    written = table_rows(master, "Synthesis")
    assert written[0] == list(report.columns)
    assert len(written) == len(report) + 1
    for got, want in zip(written[1:], report.itertuples(index=False), strict=True):
        assert got == pytest.approx([plain(v) for v in want])  # openpyxl keeps 15 significant digits

    snapshot = master.read_bytes()
    again = macros.synthesize_in(OpenpyxlBook(master))
    assert again.ok
    assert "0 raw ideas assigned" in again.message and "(0 new" in again.message
    rerun = load_master(master)
    pd.testing.assert_frame_equal(rerun.ideas, after.ideas)
    pd.testing.assert_frame_equal(rerun.workshop, after.workshop)
    assert master.read_bytes() != snapshot  # the report was rewritten, the tables were not


def test_synthesize_changes_the_master_as_the_command_does(
    master: Path, sample_master: Path, tmp_path: Path
) -> None:
    by_command = tmp_path / "by_command.xlsx"
    shutil.copy(master, by_command)
    assert cli.main(["synthesize", str(by_command), "--threshold", "25%", "--singletons"]) == 0
    outcome = macros.synthesize_in(OpenpyxlBook(master), 0.25, singletons_as_ideas=True)
    assert outcome.ok, outcome.message
    ours, theirs = load_master(master), load_master(by_command)
    for name in ("customers", "workshop", "ideas", "tracking"):
        pd.testing.assert_frame_equal(getattr(ours, name), getattr(theirs, name))
    assert len(ours.ideas) > len(load_master(sample_master).ideas)


# --- reconcile passbooks ------------------------------------------------------------------------------


@pytest.fixture
def customer_book(master: Path, tmp_path: Path) -> Path:
    results = generate_customer_books(load_master(master), tmp_path / "customers", customer_ids=["C-AUT"])
    return results[0].path


def test_a_customer_workbook_as_generated_agrees_with_the_master(master: Path, customer_book: Path) -> None:
    book = OpenpyxlBook(master)
    outcome = macros.reconcile_passbooks_in(book, customer_book)
    assert outcome.ok, outcome.message
    assert outcome.problems == ()
    assert "agree for C-AUT" in outcome.message
    assert table_rows(master, "Reconciliation") == [list(RECONCILIATION_HEADERS)]
    assert "the passbooks agree" in str(load_workbook(master)["Reconciliation"]["A2"].value)


def test_every_changed_line_is_listed(master: Path, customer_book: Path) -> None:
    loaded = load_master(master)
    signed = passbook_lines(loaded.evaluated)
    signed = signed[signed[col.CUSTOMER_ID] == "C-AUT"]
    first, dropped = signed[col.IDEA_ID].iloc[0], signed[col.IDEA_ID].iloc[-1]
    wb = load_workbook(customer_book)
    ws = wb["Ideas"]
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value == col.IDEA_ID)
    headers = [c.value for c in ws[header_row]]
    for row in range(header_row + 1, ws.max_row + 1):
        idea = ws.cell(row, 1).value
        if idea == first:
            ws.cell(row, headers.index(col.SUPPLIER_ANNUAL) + 1).value = 1_000_000
        if idea == dropped:
            ws.cell(row, headers.index(col.STATUS) + 1).value = "Dropped"
    wb.save(customer_book)

    outcome = macros.reconcile_passbooks_in(OpenpyxlBook(master), customer_book)
    assert not outcome.ok

    theirs = load_master(master).ideas.copy()
    theirs.loc[theirs[col.IDEA_ID] == first, col.SUPPLIER_ANNUAL] = 1_000_000
    theirs.loc[theirs[col.IDEA_ID] == dropped, col.STATUS] = "Dropped"
    from cvm_xl.evaluation import evaluate_ideas

    expected = reconcile(
        signed,
        passbook_lines(evaluate_ideas(theirs, loaded.settings)).pipe(
            lambda lines: lines[lines[col.CUSTOMER_ID] == "C-AUT"]
        ),
    )
    assert {d.idea_id for d in expected} == {first, dropped}
    rows = table_rows(master, "Reconciliation")[1:]
    assert [r[:3] for r in rows] == [[d.idea_id, d.line, d.kind] for d in expected]
    for r, d in zip(rows, expected, strict=True):
        for got, want in zip(r[3:6], (d.amount_a, d.amount_b, d.delta), strict=True):
            assert (got is None and want is None) or math.isclose(got, want)
    assert f"{len(expected)} differences" in outcome.message


def test_a_workbook_of_no_shared_customer_is_refused(master: Path, tmp_path: Path) -> None:
    tables = sample_tables()
    tables["Ideas"] = tables["Ideas"][tables["Ideas"][col.CUSTOMER_ID] == "C-WHL"]
    tables["Customers"] = tables["Customers"][tables["Customers"][col.CUSTOMER_ID] == "C-WHL"]
    tables["Workshop"] = tables["Workshop"].iloc[0:0]
    tables["Tracking"] = tables["Tracking"].iloc[0:0]
    other = tmp_path / "other.xlsx"
    write_master(other, sample_settings(), tables)
    only_aut = tmp_path / "aut.xlsx"
    aut = sample_tables()
    aut["Ideas"] = aut["Ideas"][aut["Ideas"][col.CUSTOMER_ID] == "C-AUT"]
    aut["Customers"] = aut["Customers"][aut["Customers"][col.CUSTOMER_ID] == "C-AUT"]
    aut["Workshop"] = aut["Workshop"][aut["Workshop"][col.CUSTOMER_ID] == "C-AUT"]
    aut["Tracking"] = aut["Tracking"].iloc[0:0]
    write_master(only_aut, sample_settings(), aut)
    outcome = macros.reconcile_passbooks_in(OpenpyxlBook(only_aut), other)
    assert not outcome.ok
    (problem,) = outcome.problems
    assert problem.file == str(other) and "share no customer" in problem.message


def test_a_file_that_is_no_workbook_is_a_problem(master: Path, tmp_path: Path) -> None:
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook")
    outcome = macros.reconcile_passbooks_in(OpenpyxlBook(master), text)
    assert not outcome.ok
    (problem,) = outcome.problems
    assert problem.file == str(text)
    assert (
        problem.message
        == "The file is named .xlsx but its content is text (e.g. CSV), not an Excel workbook."
    )
    assert table_rows(master, "Problems")[1][4] == outcome.problems[0].message
