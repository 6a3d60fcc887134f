"""The macros run on workbook files through OpenpyxlBook: same reading as load_master, same results
as the core and the command line, problems on a Problems sheet instead of a traceback."""

from __future__ import annotations

import datetime as dt
import math
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from loader_fixtures import Text, good_sheets, set_value, write_sheets
from openpyxl import load_workbook

from cvm_xl import cli, macros
from cvm_xl.core import columns as col
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.portfolio_map import map_grid, portfolio_map
from cvm_xl.core.problems import WorkbookError
from cvm_xl.excel.book import OpenpyxlBook
from cvm_xl.excel.master_book import read_master
from cvm_xl.excel.sheets import (
    GENERATED_HEADERS,
    MAP_COUNT_COLUMN,
    MAP_NET_COLUMN,
    MAP_SECTION_HEIGHT,
    MAP_SECTION_ROW,
    PROBLEM_HEADERS,
    TABLE_ROW,
    problem_rows,
)
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.master.read import load_master

ROOT = Path(__file__).resolve().parents[2]
GENERATED = dt.datetime(2025, 6, 30, 9, 15)


@pytest.fixture
def master(sample_master: Path, tmp_path: Path) -> Path:
    target = tmp_path / "book" / "master.xlsx"
    target.parent.mkdir()
    shutil.copy(sample_master, target)
    return target


def sheet_rows(path: Path, sheet: str) -> list[list[object]]:
    ws = load_workbook(path, read_only=True)[sheet]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def input_sheets(path: Path) -> dict[str, list[list[object]]]:
    wb = load_workbook(path, read_only=True)
    sheets = ("Settings", "Customers", "Workshop", "Ideas", "Tracking")
    return {s: [list(r) for r in wb[s].iter_rows(values_only=True)] for s in sheets}


def table_rows(path: Path, sheet: str) -> list[list[object]]:
    """The rows of a macro's table (from its header row), trailing blank cells dropped."""
    rows = sheet_rows(path, sheet)[TABLE_ROW - 1 :]
    out = []
    for r in rows:
        while r and r[-1] is None:
            r = r[:-1]
        out.append(r)
    return out


def blank(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def same(a: object, b: object) -> bool:
    if blank(a) or blank(b):
        return blank(a) and blank(b)
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)  # type: ignore[arg-type]
    return a == b


def assert_same_master(a, b) -> None:  # type: ignore[no-untyped-def]
    assert a.settings == b.settings
    assert a.problems == b.problems
    for name in ("customers", "workshop", "ideas", "tracking"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.relationship.keys() == b.relationship.keys()
    for sheet, table in a.relationship.items():
        pd.testing.assert_frame_equal(table, b.relationship[sheet])


# --- reading the open book -------------------------------------------------------------------------------


def test_book_reads_the_same_master_as_load_master(master: Path) -> None:
    from_book = read_master(OpenpyxlBook(master))
    assert_same_master(from_book, load_master(master))
    assert from_book.relationship  # the sample's relationship sheets are read too


def test_book_reports_the_same_problems_as_load_master(tmp_path: Path) -> None:
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ANNUAL, "lots")
    set_value(sheets, "Ideas", 2, col.CUSTOMER_ANNUAL, "#DIV/0!")  # a real error cell
    set_value(sheets, "Ideas", 3, col.TITLE, None)
    set_value(sheets, "Ideas", 2, col.OWNER, Text("=cmd|' /C calc'!A0"))
    sheets["Settings"].append(["Horizon years", "#N/A"])  # set twice, and an error
    sheets["Settings"].append(["Colour", "blue"])  # unknown: a warning
    path = write_sheets(tmp_path / "broken.xlsx", sheets, origin={"Ideas": "C4", "Tracking": "B2"})
    with pytest.raises(WorkbookError) as from_file:
        load_master(path)
    with pytest.raises(WorkbookError) as from_book:
        read_master(OpenpyxlBook(path))
    assert from_book.value.problems == from_file.value.problems
    assert len(from_file.value.errors) >= 4


def test_template_reads_as_an_empty_valid_master(tmp_path: Path) -> None:
    template = tmp_path / "template.xlsm"
    shutil.copy(ROOT / "workbook_template.xlsm", template)
    master = read_master(OpenpyxlBook(template))
    assert master.problems == ()
    assert master.ideas.empty and master.customers.empty and master.workshop.empty and master.tracking.empty
    assert list(master.ideas.columns) == list(col.IDEA_INPUTS)
    assert_same_master(master, load_master(template))


def test_macros_on_the_template_keep_its_vba_project_and_formulas(tmp_path: Path) -> None:
    template = tmp_path / "template.xlsm"
    shutil.copy(ROOT / "workbook_template.xlsm", template)
    with zipfile.ZipFile(template) as z:
        vba = z.read("xl/vbaProject.bin")
    assert macros.refresh_in(OpenpyxlBook(template)).ok
    outcome = macros.build_map_in(OpenpyxlBook(template))
    assert outcome.ok, outcome.message
    with zipfile.ZipFile(template) as z:
        assert z.read("xl/vbaProject.bin") == vba
    # no idea, so no computed cell was touched: the table's UDF formulas are still there
    ideas = load_workbook(template, keep_vba=True)["Ideas"]
    assert str(ideas.cell(2, len(col.IDEA_INPUTS) + 1).value).startswith("=IF(")
    grid = sheet_rows(template, "Map")[MAP_SECTION_ROW + 1 : MAP_SECTION_ROW + 4]
    assert [r[MAP_COUNT_COLUMN - 1 : MAP_COUNT_COLUMN + 2] for r in grid] == [[0, 0, 0]] * 3


# --- refresh computed columns ------------------------------------------------------------------------


def test_refresh_writes_the_core_values_and_clears_leftovers(master: Path) -> None:
    wb = load_workbook(master)
    ws = wb["Ideas"]
    headers = [c.value for c in ws[1]]
    first_computed = headers.index(col.SUPPLIER_VALUE) + 1
    annual = headers.index(col.SUPPLIER_ANNUAL) + 1
    last = ws.max_row
    ws.cell(2, annual).value = 123456  # inputs changed since the values were computed
    ws.cell(3, annual).value = None
    for row in range(2, last + 1):
        for column in range(first_computed, len(headers) + 1):
            ws.cell(row, column).value = "stale"
    for column in range(first_computed, len(headers) + 1):
        ws.cell(last + 2, column).value = "left from a deleted idea"
    wb.save(master)

    outcome = macros.refresh_in(OpenpyxlBook(master))
    assert outcome.ok, outcome.message

    loaded = load_master(master)
    expected = evaluate_ideas(loaded.ideas, loaded.settings)
    assert expected.at[2, col.SUPPLIER_VALUE] == 123456 * 3
    ws = load_workbook(master)["Ideas"]
    for row in expected.index:
        for name in col.IDEA_COMPUTED:
            got = ws.cell(int(row), headers.index(name) + 1).value
            assert same(got, expected.at[row, name]), (row, name, got)
    assert all(ws.cell(last + 2, c).value is None for c in range(first_computed, len(headers) + 1))
    assert all(ws.cell(last + 1, c).value is None for c in range(1, len(headers) + 1))


# --- portfolio map -----------------------------------------------------------------------------------


def _grid(rows: list[list[object]], top: int, left: int) -> list[list[object]]:
    return [r[left - 1 : left + 2] for r in rows[top - 1 : top + 2]]


def test_map_sheet_grids_equal_the_portfolio_map(master: Path) -> None:
    outcome = macros.build_map_in(OpenpyxlBook(master))
    assert outcome.ok, outcome.message
    evaluated = load_master(master).evaluated
    rows = sheet_rows(master, "Map")
    sections = [("All customers", evaluated)]
    for cid in load_master(master).customers[col.CUSTOMER_ID]:
        sections.append((cid, evaluated[evaluated[col.CUSTOMER_ID] == cid]))
    for index, (title, ideas) in enumerate(sections):
        top = MAP_SECTION_ROW + index * MAP_SECTION_HEIGHT
        assert str(rows[top - 1][0]).startswith(title)
        cells = portfolio_map(ideas)
        assert _grid(rows, top + 2, MAP_COUNT_COLUMN) == map_grid(cells, "ideas")
        nets = _grid(rows, top + 2, MAP_NET_COLUMN)
        assert nets == map_grid(cells, "net_value")
        assert [r[MAP_COUNT_COLUMN - 2] for r in rows[top + 1 : top + 4]] == ["Win", "Indifferent", "Lose"]
    assert sum(map(sum, _grid(rows, MAP_SECTION_ROW + 2, MAP_COUNT_COLUMN))) == evaluated[col.CELL].count()


def test_map_is_rebuilt_not_added_twice(master: Path) -> None:
    assert macros.build_map_in(OpenpyxlBook(master)).ok
    assert macros.build_map_in(OpenpyxlBook(master)).ok
    wb = load_workbook(master)
    assert wb.sheetnames.count("Map") == 1
    with zipfile.ZipFile(master) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 1


# --- generated files ---------------------------------------------------------------------------------


def test_generate_writes_the_same_files_as_the_command_line(master: Path, tmp_path: Path) -> None:
    cli_out = tmp_path / "cli"
    assert cli.main(["generate", str(master), "--out", str(cli_out)]) == 0
    outcome = macros.generate_customer_workbooks_in(OpenpyxlBook(master), generated=GENERATED)
    assert outcome.ok, outcome.message
    out = master.parent / macros.CUSTOMERS_FOLDER
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in cli_out.iterdir())
    assert sorted(p.name for p in outcome.files) == names
    reference = tmp_path / "reference"
    generate_customer_books(load_master(master), reference, generated=GENERATED)
    for name in names:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    table = table_rows(master, "Generated")
    assert table[0] == list(GENERATED_HEADERS)
    assert sorted(r[2] for r in table[1:]) == names
    assert {r[6] for r in table[1:]} == {"written"}


def test_generate_keeps_a_workbook_changed_since_generation(master: Path) -> None:
    assert macros.generate_customer_workbooks_in(OpenpyxlBook(master)).ok
    out = master.parent / macros.CUSTOMERS_FOLDER
    signed = sorted(out.iterdir())[0]
    wb = load_workbook(signed)
    wb["Sign-off"]["A1"] = "signed"
    wb.save(signed)
    before = signed.read_bytes()

    outcome = macros.generate_customer_workbooks_in(OpenpyxlBook(master))
    assert not outcome.ok
    assert signed.read_bytes() == before
    kept = [p for p in outcome.problems if p.is_error]
    assert [p.file for p in kept] == [str(signed)]
    assert kept[0].fix == macros.KEEP_FILE_FIX
    problems = table_rows(master, "Problems")
    assert problems[0] == list(PROBLEM_HEADERS)
    assert problems[1][0] == "Error" and problems[1][6] == str(signed)
    statuses = {r[2]: r[6] for r in table_rows(master, "Generated")[1:]}
    assert statuses[signed.name] == "refused"
    assert set(statuses.values()) == {"refused", "replaced"}


def test_signoff_is_written_next_to_the_master_like_the_command(master: Path, tmp_path: Path) -> None:
    book = OpenpyxlBook(master)
    outcome = macros.build_signoff_in(book)
    assert outcome.ok, outcome.message
    assert book.messages == [(macros.BUILD_SIGNOFF, outcome.message)]
    written = master.parent / macros.SIGNOFF_FILE
    assert outcome.files == (written,)
    assert cli.main(["signoff", str(master), "--out", str(tmp_path / "cli.xlsx")]) == 0
    ours, theirs = load_workbook(written), load_workbook(tmp_path / "cli.xlsx")
    assert ours.sheetnames == theirs.sheetnames
    detail = [list(r) for r in ours["Detail"].iter_rows(values_only=True)]
    assert detail == [list(r) for r in theirs["Detail"].iter_rows(values_only=True)]
    # signed since: kept, and said so
    wb = load_workbook(written)
    wb.active["A1"] = "approved"
    wb.save(written)
    book = OpenpyxlBook(master)
    outcome = macros.build_signoff_in(book)
    assert not outcome.ok
    assert book.messages == [(macros.BUILD_SIGNOFF, outcome.message)]
    assert load_workbook(written).active["A1"].value == "approved"


# --- problems instead of tracebacks ------------------------------------------------------------------


@pytest.fixture
def broken(master: Path) -> Path:
    wb = load_workbook(master)
    ws = wb["Ideas"]
    headers = [c.value for c in ws[1]]
    ws.cell(2, headers.index(col.SUPPLIER_ANNUAL) + 1).value = "a lot"
    ws.cell(3, headers.index(col.TITLE) + 1).value = None
    ws.cell(4, headers.index(col.SUPPLIER_SHARE) + 1).value = 7
    wb.save(master)
    return master


ALL_MACROS = [
    macros.synthesize_in,
    macros.refresh_in,
    macros.build_map_in,
    macros.generate_customer_workbooks_in,
    macros.build_signoff_in,
]


@pytest.mark.parametrize("macro", ALL_MACROS, ids=lambda f: f.__name__)
def test_a_broken_master_gives_the_problems_sheet_and_changes_nothing(broken: Path, macro) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkbookError) as caught:
        load_master(broken)
    before = input_sheets(broken)
    book = OpenpyxlBook(broken)

    outcome = macro(book)

    assert not outcome.ok
    assert list(outcome.problems) == caught.value.problems
    rows = table_rows(broken, "Problems")
    assert rows[0] == list(PROBLEM_HEADERS)
    assert rows[1:] == problem_rows(caught.value.problems)
    assert [r[1] for r in rows[1:4]] == ["Ideas!F2", "Ideas!C3", "Ideas!N4"]
    assert input_sheets(broken) == before
    assert not (broken.parent / macros.CUSTOMERS_FOLDER).exists()
    assert not (broken.parent / macros.SIGNOFF_FILE).exists()
    assert load_workbook(broken).active.title == "Problems"
    assert book.messages == [(outcome.macro, outcome.message)]
    assert "Problems sheet" in outcome.message and "Traceback" not in outcome.message


def test_the_problems_sheet_is_cleared_once_the_master_is_fixed(broken: Path, sample_master: Path) -> None:
    assert not macros.build_map_in(OpenpyxlBook(broken)).ok
    original = load_workbook(sample_master)["Ideas"]
    wb = load_workbook(broken)
    for ref in ("F2", "C3", "N4"):
        wb["Ideas"][ref] = original[ref].value
    wb.save(broken)
    assert macros.build_map_in(OpenpyxlBook(broken)).ok
    rows = table_rows(broken, "Problems")
    assert rows == [list(PROBLEM_HEADERS)]
    assert sheet_rows(broken, "Problems")[1][0].endswith("No problems.")


def test_an_unexpected_error_becomes_a_problem_not_a_traceback(
    master: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(macros, "map_sheet", fail)
    book = OpenpyxlBook(master)
    outcome = macros.build_map_in(book)
    assert not outcome.ok
    (problem,) = outcome.problems
    assert "RuntimeError: disk on fire" in problem.message
    assert table_rows(master, "Problems")[1][4] == problem.message
    assert book.messages == [(macros.BUILD_MAP, outcome.message)]


def test_a_book_that_cannot_be_written_still_reports(master: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = OpenpyxlBook(master)

    def no_save() -> None:
        raise PermissionError("the file is locked")

    monkeypatch.setattr(book, "flush", no_save)
    outcome = macros.build_map_in(book)
    assert not outcome.ok
    assert "could not be updated: PermissionError: the file is locked" in outcome.message
    assert book.messages == [(macros.BUILD_MAP, outcome.message)]


# --- the buttons -------------------------------------------------------------------------------------


def test_every_button_of_the_template_runs_an_entry_point_on_the_calling_book(
    master: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cvm_xl.excel.vba.modules import MACROS

    class CallingBook(OpenpyxlBook):
        """The workbook that pressed the button; its file dialog picks the master itself."""

        def pick_files(self, title: str, multiple: bool = False) -> list[Path]:
            self.message(title, "picked")
            return [master]

    books: list[CallingBook] = []

    def caller() -> CallingBook:
        books.append(CallingBook(master))
        return books[-1]

    monkeypatch.setattr(macros, "_caller", caller)
    for button in MACROS:
        entry = getattr(macros, button.function)
        assert callable(getattr(macros, f"{button.function}_in"))
        assert entry() is None  # never raises
        assert books[-1].messages, button.function  # the user was told what happened
    assert len(books) == len(MACROS)
    assert {"Map", "Generated", "Synthesis", "Reconciliation"} <= set(load_workbook(master).sheetnames)
