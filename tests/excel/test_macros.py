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
from cvm_xl.actions.refresh import refresh_master
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
from cvm_xl.formulas.names import NAMES
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.master.live import LIVE_TABLES
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
    # The master is an .xlsx, so live: each computed cell is a formula and shows the core's value.
    ws = load_workbook(master, data_only=True)["Ideas"]
    formulas = load_workbook(master)["Ideas"]
    for row in expected.index:
        for name in col.IDEA_COMPUTED:
            got = ws.cell(int(row), headers.index(name) + 1).value
            assert same(got, expected.at[row, name]), (row, name, got)
            assert str(formulas.cell(int(row), headers.index(name) + 1).value).startswith("=IF(")
    assert all(ws.cell(last + 2, c).value is None for c in range(first_computed, len(headers) + 1))
    assert all(ws.cell(last + 1, c).value is None for c in range(1, len(headers) + 1))


def _computed_cells(path: Path) -> dict[tuple[str, int, str], tuple[object, object]]:
    """(sheet, row, computed column) -> (formula or value as stored, saved result) of every table
    with computed columns."""
    formulas, results = load_workbook(path, keep_vba=True), load_workbook(path, data_only=True)
    out = {}
    for table in LIVE_TABLES:
        if table.name not in formulas.sheetnames:
            continue
        ws, saved = formulas[table.name], results[table.name]
        header = {c.value: c.column for c in ws[1] if c.value}
        for row in range(2, ws.max_row + 1):
            for name in table.computed:
                cell = (ws.cell(row, header[name]).value, saved.cell(row, header[name]).value)
                out[(table.name, row, name)] = cell
    return out


def test_the_refresh_macro_writes_what_cvm_xl_refresh_writes(master: Path, tmp_path: Path) -> None:
    """One action, one evaluation: the macro on a live (.xlsx) master leaves every computed cell of
    every table with the formula and the saved result ``cvm-xl refresh`` gives it, and the same
    defined names the formulas read."""
    wb = load_workbook(master)
    ws = wb["Ideas"]
    headers = [c.value for c in ws[1]]
    ws.cell(3, headers.index(col.SUPPLIER_ANNUAL) + 1).value = 98_765  # nothing recalculates it
    ws.cell(4, headers.index(col.VERDICT) + 1).value = "a stale verdict"
    wb.save(master)
    by_command = tmp_path / "by_command.xlsx"
    shutil.copy(master, by_command)
    outcome = macros.refresh_in(OpenpyxlBook(master))
    assert outcome.ok, outcome.message
    assert "as live formulas with their results" in outcome.message
    refresh_master(by_command, backup=False)
    by_macro = _computed_cells(master)
    assert by_macro == _computed_cells(by_command)
    sheets = {sheet for sheet, _, _ in by_macro}
    assert {"Ideas", "Risks"} <= sheets
    ideas = load_master(master).evaluated
    assert same(by_macro[("Ideas", 3, col.SUPPLIER_VALUE)][1], ideas.at[3, col.SUPPLIER_VALUE])
    rows = [(formula, row) for (sheet, row, _), (formula, _) in by_macro.items() if sheet == "Ideas"]
    assert all(str(formula).startswith("=IF(") for formula, row in rows if row in ideas.index)
    names = {n: d.attr_text for n, d in load_workbook(master).defined_names.items()}
    assert names == {n: d.attr_text for n, d in load_workbook(by_command).defined_names.items()}
    assert NAMES.annuity in names


def _template_with_ideas(tmp_path: Path) -> Path:
    """The template with a customer and three ideas: rows 2 and 3 hold the add-in's formulas (as
    Excel fills a table's calculated columns), row 4's computed cells hold no formula."""
    path = tmp_path / "template.xlsm"
    shutil.copy(ROOT / "workbook_template.xlsm", path)
    wb = load_workbook(path, keep_vba=True)
    customers = wb["Customers"]
    header = {c.value: c.column for c in customers[1]}
    customers.cell(2, header[col.CUSTOMER_ID], "C1")
    customers.cell(2, header["Customer"], "Acme")
    ws = wb["Ideas"]
    header = {c.value: c.column for c in ws[1]}
    ideas = [
        ("I-1", 100_000, -60_000, None), ("I-2", 50_000, 30_000, "proportional"), ("I-3", "1200", 800, None),
    ]  # fmt: skip
    for row, (idea, supplier, customer, method) in enumerate(ideas, start=2):
        values = {
            col.IDEA_ID: idea, col.CUSTOMER_ID: "C1", col.TITLE: f"Idea {row}", col.STATUS: "Proposed",
            col.SUPPLIER_ANNUAL: supplier, col.CUSTOMER_ANNUAL: customer, col.SHARING_METHOD: method,
        }  # fmt: skip
        for name, value in values.items():
            ws.cell(row, header[name], value)
    for name in col.IDEA_COMPUTED:
        ws.cell(3, header[name]).value = ws.cell(2, header[name]).value
    ws.tables["tblIdeas"].ref = ws.tables["tblIdeas"].ref.replace("2", "4")
    ws.tables["tblIdeas"].autoFilter.ref = ws.tables["tblIdeas"].ref
    wb.save(path)
    return path


def test_the_refresh_macro_keeps_the_add_in_formulas_of_an_xlsm_master(tmp_path: Path) -> None:
    """In a .xlsm master the computed columns are the add-in's worksheet functions: the refresh keeps
    them and saves cvm-xl's results with them (what Excel shows once the add-in computed them); a
    computed cell without a formula gets cvm-xl's result as a value."""
    path = _template_with_ideas(tmp_path)
    with zipfile.ZipFile(path) as z:
        vba = z.read("xl/vbaProject.bin")
    before = load_workbook(path, keep_vba=True)["Ideas"]
    outcome = macros.refresh_in(OpenpyxlBook(path))
    assert outcome.ok, outcome.message
    assert "by the add-in's formulas" in outcome.message
    with zipfile.ZipFile(path) as z:
        assert z.read("xl/vbaProject.bin") == vba
    expected = load_master(path).evaluated
    assert list(expected.index) == [2, 3, 4]
    cells = _computed_cells(path)
    for row in (2, 3, 4):
        for column, name in enumerate(load_workbook(path)["Ideas"][1], start=1):
            if name.value not in col.IDEA_COMPUTED:
                continue
            formula, result = cells[("Ideas", row, name.value)]
            assert same(result, expected.at[row, name.value]), (row, name.value, result)
            if row < 4:
                assert formula == before.cell(row, column).value and "tblIdeas[[#This Row]" in formula
            else:
                assert same(formula, expected.at[row, name.value])  # a value, not a formula


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
