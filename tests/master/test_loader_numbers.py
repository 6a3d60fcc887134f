"""The loader reads numbers as people type them and never misreads one silently (SPEC §4, issue 13):
the Number format setting, a table's own numbers deciding ``auto``, formulas saved without their
result, NaN and infinite cells, absurd magnitudes and dates, and quartiles and phases as typed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest
from book_fixtures import GENERATED, KAPPA, edit_book
from generate_fixtures import build_master
from hypothesis import given, settings
from hypothesis import strategies as st
from loader_fixtures import D, Text, good_sheets, set_value, write_sheets

from cvm_xl.books.read import read_book
from cvm_xl.core import columns as col
from cvm_xl.core.cells import AUTO, NUMBER_FORMAT_CHOICES, CellIssue, number_cell
from cvm_xl.core.problems import Code, Problem, WorkbookError
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.master.column_typing import table_number_format, type_column
from cvm_xl.master.read import load_master, master_from_rows
from cvm_xl.master.read_tables import table_from_frame
from cvm_xl.master.schema import IDEAS
from cvm_xl.master.settings_sheet import read_settings
from cvm_xl.master.write import write_master
from cvm_xl.spreadsheet import sheet_xml

# openpyxl writes the sheets in order: Settings, Customers, Workshop, Ideas, Tracking.
SHEET_FILES = {"Settings": 1, "Customers": 2, "Workshop": 3, "Ideas": 4, "Tracking": 5}


def with_number_format(sheets: dict[str, list[list[object]]], value: object) -> None:
    sheets["Settings"].append(["Number format", value])


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(WorkbookError) as caught:
        load_master(path)
    return caught.value.problems


def at(problems: list[Problem], where: str) -> Problem:
    found = [p for p in problems if p.where == where]
    assert len(found) == 1, (where, problems)
    return found[0]


def patched(path: Path, sheet: str, old: bytes, new: bytes) -> Path:
    """The workbook with one piece of a sheet's XML replaced (what a program could have written)."""
    member = f"xl/worksheets/sheet{SHEET_FILES[sheet]}.xml"
    out = path.with_name("patched-" + path.name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == member:
                assert data.count(old) == 1, (old, data[-600:])
                data = data.replace(old, new)
            target.writestr(info, data)
    return out


# The namespaces of a sheet's XML, kept as openpyxl declares them when a test writes a part again.
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def with_result(path: Path, sheet: str, ref: str, result: str, cell_type: str | None = None) -> Path:
    """The workbook with the saved result of the formula cell ``ref`` set to ``result`` (and its type
    to ``cell_type``), what a program that calculates would have saved. The sheet's XML is parsed,
    not matched: openpyxl writes an empty result as ``<v />`` or ``<v></v>`` depending on whether
    lxml is installed, and both must give the same file."""
    member = f"xl/worksheets/sheet{SHEET_FILES[sheet]}.xml"
    out = path.with_name("result-" + path.name)
    ElementTree.register_namespace("", MAIN_NS)
    ElementTree.register_namespace("r", REL_NS)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == member:
                root = ElementTree.fromstring(data)
                cells = [c for c in root.iter(f"{{{MAIN_NS}}}c") if c.get("r") == ref]
                assert len(cells) == 1 and cells[0].find(f"{{{MAIN_NS}}}f") is not None, ref
                cell = cells[0]
                value = cell.find(f"{{{MAIN_NS}}}v")
                if value is None:
                    value = ElementTree.SubElement(cell, f"{{{MAIN_NS}}}v")
                value.text = result
                if cell_type is not None:
                    cell.set("t", cell_type)
                data = ElementTree.tostring(root, encoding="UTF-8", xml_declaration=True)
            target.writestr(info, data)
    return out


# --- the Number format ----------------------------------------------------------------------------


def test_a_decimal_comma_amount_is_read_as_meant_not_a_thousand_times_smaller(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ANNUAL, "8.400,00")
    set_value(sheets, "Customers", 1, "Unit price", "1.234,50")
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert master.ideas.at[2, col.SUPPLIER_ANNUAL] == 8400.0
    assert master.customers.at[2, "Unit price"] == 1234.5
    assert master.settings.number_format == AUTO


def test_a_value_read_two_ways_is_an_error_at_its_cell(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ANNUAL, "12,500")
    p = at(problems_of(write_sheets(tmp_path / "m.xlsx", sheets)), "Ideas!F2")
    assert (p.code, p.column, p.value, p.severity) == (
        Code.CELL_AMBIGUOUS_NUMBER,
        col.SUPPLIER_ANNUAL,
        "12,500",
        "error",
    )
    assert p.message.startswith("'12,500' can be read as 12500 (as 1,234.56 writes it) or 12.5")
    assert (
        "Set the Number format on the Settings sheet to 1,234.56 (for 12500) or 1.234,56 (for 12.5)" in p.fix
    )


@pytest.mark.parametrize(
    ("other", "expected"),
    [("8.400,00", 12.5), ("1,250,000", 12500.0), ("0,5", 12.5), ("2.75", 12500.0)],
)
def test_the_tables_own_numbers_decide_auto(tmp_path, other, expected):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ANNUAL, "12,500")
    set_value(sheets, "Ideas", 2, col.CUSTOMER_ONE_TIME, other)
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert master.ideas.at[2, col.SUPPLIER_ANNUAL] == expected


def test_another_tables_numbers_do_not_decide(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ANNUAL, "12,500")
    set_value(sheets, "Customers", 1, "Unit price", "8.400,00")
    assert (
        at(problems_of(write_sheets(tmp_path / "m.xlsx", sheets)), "Ideas!F2").code
        == Code.CELL_AMBIGUOUS_NUMBER
    )


@pytest.mark.parametrize(
    ("number_format", "typed", "expected"),
    [
        ("1,234.56", "12,500", 12500.0), ("1,234.56", "(5,000)", -5000.0), ("1,234.56", "€ 1,234.50", 1234.5),
        ("1.234,56", "12,500", 12.5), ("1.234,56", "(5.000)", -5000.0), ("decimal comma", "1.234", 1234.0),
        ("1 234,56", "1 234,5", 1234.5), (Text("1.234,56"), "8.400", 8400.0),
    ],
)  # fmt: skip
def test_the_number_format_setting_reads_every_table_and_setting(tmp_path, number_format, typed, expected):
    sheets = good_sheets()
    with_number_format(sheets, number_format)
    sheets["Settings"].append(["Indifference threshold", typed.lstrip("(-").rstrip(")")])
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ANNUAL, typed)
    set_value(sheets, "Tracking", 1, "Supplier realised", typed)
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert master.ideas.at[2, col.SUPPLIER_ANNUAL] == expected
    assert master.tracking.at[2, "Supplier realised"] == expected
    assert master.settings.indifference_threshold == abs(expected)


def test_text_written_in_another_format_than_the_setting_is_an_error(tmp_path):
    sheets = good_sheets()
    with_number_format(sheets, "1,234.56")
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ANNUAL, "1,5")
    p = at(problems_of(write_sheets(tmp_path / "m.xlsx", sheets)), "Ideas!F2")
    assert p.code == Code.CELL_NOT_A_NUMBER
    assert p.message == "'1,5' is not a number the way the Number format 1,234.56 writes them."


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            1234.56,
            "Number format: 1234.56 is a number, not a Number format (Excel turns a typed 1.234,56 into "
            "one).",
        ),
        ("1'234.56", "Number format: '1'234.56' is not a Number format."),
    ],
)
def test_a_bad_number_format_setting_names_its_cell(tmp_path, value, message):
    sheets = good_sheets()
    with_number_format(sheets, value)
    p = at(problems_of(write_sheets(tmp_path / "m.xlsx", sheets)), "Settings!B7")
    assert (p.code, p.message) == (Code.SETTINGS_UNREADABLE, message)
    assert ", ".join(NUMBER_FORMAT_CHOICES) in p.fix


def test_an_ambiguous_setting_is_an_error_too(tmp_path):
    sheets = good_sheets()
    sheets["Settings"].append(["Indifference threshold", "1.000"])
    p = at(problems_of(write_sheets(tmp_path / "m.xlsx", sheets)), "Settings!B7")
    assert p.code == Code.CELL_AMBIGUOUS_NUMBER
    assert p.message.startswith(
        "Indifference threshold: '1.000' can be read as 1 (as 1,234.56 writes it) or 1000"
    )


def test_the_number_format_row_is_read_first_wherever_it_is():
    rows = [["Setting", "Value"], ["Indifference threshold", "1.000"], ["Number format", "1.234,56"]]
    settings, problems = read_settings(rows, "m.xlsx", "Settings")
    assert problems == [] and settings.indifference_threshold == 1000.0


def test_a_frame_given_by_a_caller_reads_in_the_number_format():
    frame = pd.DataFrame({col.IDEA_ID: ["I-1"], col.CUSTOMER_ID: ["C1"], col.TITLE: ["t"],
                          col.SUPPLIER_ANNUAL: ["12,500"]}, index=[2])  # fmt: skip
    assert (
        table_from_frame(IDEAS, frame, "f", number_format="1.234,56").frame.at[2, col.SUPPLIER_ANNUAL] == 12.5
    )
    assert table_from_frame(IDEAS, frame, "f").problems[0].code == Code.CELL_AMBIGUOUS_NUMBER


# --- cells that are not what the reader shows ----------------------------------------------------------


def test_a_formula_saved_without_its_result_is_an_error_not_a_zero(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ANNUAL, "=12*1500")  # openpyxl saves no result
    set_value(sheets, "Tracking", 2, "Note", '="a"&"b"')
    sheets["Settings"].append(["Indifference threshold", "=500*2"])
    problems = problems_of(write_sheets(tmp_path / "m.xlsx", sheets))
    p = at(problems, "Ideas!F2")
    assert (p.code, p.column, p.value) == (Code.CELL_FORMULA_NO_RESULT, col.SUPPLIER_ANNUAL, "=12*1500")
    assert "no saved result" in p.message and "save it" in p.fix
    assert at(problems, "Tracking!E3").value == '="a"&"b"'
    assert at(problems, "Settings!B7").code == Code.CELL_FORMULA_NO_RESULT
    assert {q.code for q in problems} == {Code.CELL_FORMULA_NO_RESULT}


def test_a_formula_with_its_result_saved_is_read_as_that_result(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ANNUAL, "=12*1500")
    set_value(sheets, "Ideas", 2, col.OWNER, '=""')
    path = write_sheets(tmp_path / "m.xlsx", sheets)
    path = with_result(path, "Ideas", "F2", "18000")
    # A formula whose result is the text "" has a result: a blank Owner.
    path = with_result(path, "Ideas", "P3", "", "str")
    master = load_master(path)
    assert master.ideas.at[2, col.SUPPLIER_ANNUAL] == 18000.0
    assert master.ideas.at[3, col.OWNER] is None


def test_formulas_in_computed_and_extra_columns_are_no_problem(tmp_path):
    sheets = good_sheets()
    sheets["Ideas"][0] += [col.NET_VALUE, "My notes"]
    for row in sheets["Ideas"][1:]:
        row += ["=F2+H2", "=1+1"]
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert not [p for p in master.problems if p.code == Code.CELL_FORMULA_NO_RESULT]


@pytest.mark.parametrize("chunk", [5, 7, 64])
def test_formulas_are_found_whatever_the_read_chunks(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(sheet_xml, "_CHUNK", chunk)
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ANNUAL, "=12*1500")
    set_value(sheets, "Ideas", 3, col.CUSTOMER_ANNUAL, '=SUM(1,2)&"<x>"')
    problems = problems_of(write_sheets(tmp_path / "m.xlsx", sheets))
    assert at(problems, "Ideas!F2").value == "=12*1500"
    assert at(problems, "Ideas!H4").value == '=SUM(1,2)&"<x>"'


def test_the_formula_scanner_on_the_ways_a_sheet_writes_a_formula():
    xml = (
        b'<x:sheetData><x:row r="1"><x:c r="A1"><x:f>1+1</x:f></x:c>'  # a prefix, no value
        b'<c r="B1" t="str"><f>A1&amp;"x"</f><v></v></c>'  # the text "": a result
        b'<c r="C1" t="str"><f>A1</f></c>'  # text type, no value at all
        b'<c r="D1" t="b"><f>TRUE()</f><v/></c>'  # an empty boolean: none
        b'<c r="E1"><f t="shared" ref="E1:E2" si="0">A1*2</f><v>4</v></c>'  # a result
        b'<c r="E2"><f t="shared" si="0"/></c>'  # a shared formula's cell without one
        b'<c r="F1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="G1" s="1"/></x:row></x:sheetData>'
    )
    for size in (1, 3, 17, len(xml)):
        scanner = sheet_xml.FormulaScanner()
        for start in range(0, len(xml), size):
            scanner.feed(xml[start : start + size])
        assert scanner.finish() == {(1, 0): "=1+1", (1, 2): "=A1", (1, 3): "=TRUE()", (2, 4): "=…"}, size


def test_nan_and_infinite_cells_written_by_a_program_are_errors(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ANNUAL, 111111)
    set_value(sheets, "Ideas", 2, col.CUSTOMER_ANNUAL, 222222)
    set_value(sheets, "Ideas", 2, col.OWNER, 333333)
    path = write_sheets(tmp_path / "m.xlsx", sheets)
    path = patched(path, "Ideas", b"<v>111111</v>", b"<v>NaN</v>")
    path = patched(path, "Ideas", b"<v>222222</v>", b"<v>INF</v>")
    path = patched(path, "Ideas", b"<v>333333</v>", b"<v>nan</v>")
    problems = problems_of(path)
    assert at(problems, "Ideas!F2").code == Code.CELL_NOT_FINITE
    assert at(problems, "Ideas!F2").message == (
        "The cell holds NaN ('not a number'), which no spreadsheet can show: a program wrote it there."
    )
    assert at(problems, "Ideas!H3").code == Code.CELL_NOT_FINITE
    assert "an infinite number" in at(problems, "Ideas!H3").message
    assert at(problems, "Ideas!P3").code == Code.CELL_NOT_FINITE  # in a text column too


@pytest.mark.parametrize(
    ("value", "code"),
    [(1e308, Code.CELL_TOO_LARGE), (-2e15, Code.CELL_TOO_LARGE), ("1e308", Code.CELL_TOO_LARGE)],
)
def test_absurd_amounts_are_errors_at_their_cell(tmp_path, value, code):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ONE_TIME, value)
    sheets["Settings"].append(["Significance threshold", value])
    problems = problems_of(write_sheets(tmp_path / "m.xlsx", sheets))
    p = at(problems, "Ideas!G2")
    assert (p.code, p.column) == (code, col.SUPPLIER_ONE_TIME)
    assert p.fix == "Type the real amount (in currency units, e.g. 12500), or clear the cell."
    assert at(problems, "Settings!B7").code == code


DATE_RANGE_FIX = (
    "Enter the real date, from 1950-01-01 to 2149-12-31 (e.g. 2025-03-31), or leave the cell blank."
)


@pytest.mark.parametrize(
    "value", [D(9999, 12, 31), D(1900, 1, 5), D(1949, 12, 31), Text("9999-12-31"), D(2150, 1, 1)]
)
def test_dates_outside_the_range_are_errors_naming_the_range(tmp_path, value):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.END, value)
    p = at(problems_of(write_sheets(tmp_path / "m.xlsx", sheets)), "Ideas!R2")
    assert (p.code, p.column, p.fix) == (Code.CELL_DATE_OUT_OF_RANGE, col.END, DATE_RANGE_FIX)
    assert p.message.endswith(" is outside the dates cvm-xl reads (1950-01-01 to 2149-12-31).")


def test_a_date_outside_the_range_below_blank_dates_names_its_own_cell(tmp_path):
    # The range check of real dates works on positions in the whole column: blanks above the
    # date once shifted it (a crash, or the wrong cell named).
    sheets = good_sheets()
    n_ideas = len(sheets["Ideas"]) - 1
    for row in range(1, n_ideas):
        set_value(sheets, "Ideas", row, col.END, None)
    set_value(sheets, "Ideas", n_ideas, col.END, D(2150, 1, 1))
    problems = problems_of(write_sheets(tmp_path / "m.xlsx", sheets))
    dates = [p for p in problems if p.code == Code.CELL_DATE_OUT_OF_RANGE]
    assert [(p.sheet, p.row, p.column) for p in dates] == [("Ideas", n_ideas + 1, col.END)]


def test_a_date_before_1900_is_an_error_too(tmp_path):
    # Excel has no such dates: a writer stores 1899-12-31 as serial 0, which reads as a time of day.
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.END, D(1899, 12, 31))
    assert at(problems_of(write_sheets(tmp_path / "m.xlsx", sheets)), "Ideas!R2").code == Code.CELL_NOT_A_DATE


def test_a_year_9999_date_in_a_month_column_and_a_wave_start(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Tracking", 1, "Month", D(9999, 12, 1))
    set_value(sheets, "Customers", 1, "Wave start", dt.datetime(9999, 1, 1))
    problems = problems_of(write_sheets(tmp_path / "m.xlsx", sheets))
    assert at(problems, "Tracking!B2").code == Code.CELL_DATE_OUT_OF_RANGE
    assert at(problems, "Customers!F2").code == Code.CELL_DATE_OUT_OF_RANGE


# --- quartiles and phases as the README spells them ----------------------------------------------------


@pytest.mark.parametrize(
    ("quartile", "phase", "expected"),
    [("Q1", "Phase III", (1.0, "III")), ("q 2", "phase 3", (2.0, "III")),
     ("Quartile 4", "Phase-II", (4.0, "II")), (3, "phase i", (3.0, "I")), ("2", 2, (2.0, "II"))],
)  # fmt: skip
def test_quartiles_and_phases_as_typed(tmp_path, quartile, phase, expected):
    sheets = good_sheets()
    set_value(sheets, "Customers", 1, "Industry quartile", quartile)
    set_value(sheets, "Customers", 1, "Excellence phase", phase)
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert (
        master.customers.at[2, "Industry quartile"],
        master.customers.at[2, "Excellence phase"],
    ) == expected


def test_a_quartile_off_the_scale_or_not_one_says_so(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Customers", 1, "Industry quartile", "Q5")
    set_value(sheets, "Customers", 2, "Industry quartile", "Qx")
    set_value(sheets, "Customers", 2, "Excellence phase", "Phase IV")
    problems = problems_of(write_sheets(tmp_path / "m.xlsx", sheets))
    assert at(problems, "Customers!K2").message == "Industry quartile 5 is outside 1 to 4."
    assert at(problems, "Customers!K3").message == "'Qx' is not a number."
    assert at(problems, "Customers!M3").message == "'Phase IV' is not a valid Excellence phase."


# --- one parser: the loader's column path is the cell parser -------------------------------------------

cells_typed = st.one_of(
    st.sampled_from(["12,500", "8.400,00", "1,5", "(5,000)", "€ 1 250", "12.5%", "abc", "1e308", "", " ",
                     "1,250,000", "0,125", "-3", "1.234", "#N/A"]),
    st.floats(-1e16, 1e16, allow_nan=False), st.integers(-10**6, 10**6), st.sampled_from([np.inf, True]),
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(cells_typed, min_size=1, max_size=12), st.sampled_from(NUMBER_FORMAT_CHOICES))
def test_a_column_reads_each_cell_as_the_cell_parser_does(values, number_format):
    """The vectorised typing of a number column gives each cell what ``number_cell`` gives it (in the
    format the table decides), the same value or the same problem."""
    column = IDEAS.column(col.SUPPLIER_ANNUAL)
    raw = np.array(values, dtype=object)
    decided = table_number_format({column: raw}, number_format)
    typed = type_column(raw, column, IDEAS.wording, decided)
    issues = {position: problem for position, _, problem in typed.issues}
    for position, value in enumerate(values):
        try:
            expected = number_cell(value, decided)
        except CellIssue as issue:
            assert position in issues, value
            assert (issues[position].message, issues[position].fix) == (issue.message, issue.fix)
            continue
        assert position not in issues, (value, issues.get(position))
        got = typed.values[position]
        assert got == expected or (np.isnan(got) and np.isnan(expected)), value


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(cells_typed, cells_typed), min_size=1, max_size=10))
def test_a_table_reads_each_cell_in_the_format_its_numbers_decide(rows):
    """Reading a whole table (which decides ``auto`` only when a value reads two ways) gives each
    number cell what ``number_cell`` gives it in the format ``table_number_format`` decides."""
    names = (col.SUPPLIER_ANNUAL, col.CUSTOMER_ONE_TIME)
    frame = pd.DataFrame(
        {col.IDEA_ID: [f"I-{i}" for i in range(len(rows))], col.CUSTOMER_ID: "C1", col.TITLE: "t",
         **{name: np.array([r[k] for r in rows], dtype=object) for k, name in enumerate(names)}},
        index=range(2, len(rows) + 2),
    )  # fmt: skip
    data = table_from_frame(IDEAS, frame, "f")
    decided = table_number_format({IDEAS.column(n): frame[n].to_numpy(dtype=object) for n in names})
    problems = {(p.row, p.column): p for p in data.problems}
    for row, cells_ in zip(frame.index, rows, strict=True):
        for name, value in zip(names, cells_, strict=True):
            try:
                expected = number_cell(value, decided)
            except CellIssue as issue:
                assert problems[(row, name)].message == issue.message, value
                continue
            assert (row, name) not in problems, value
            got = data.frame.at[row, name]
            assert got == expected or (np.isnan(got) and np.isnan(expected)), value


def test_master_from_rows_takes_the_formulas_of_a_reader():
    sheets = {name: [list(r) for r in rows] for name, rows in good_sheets().items()}
    sheets["Ideas"][1][5] = ""
    with pytest.raises(WorkbookError) as caught:
        master_from_rows("m.xlsx", sheets, formulas={"Ideas": {(2, 5): "=12*1500"}})
    (p,) = caught.value.problems
    assert (p.where, p.code, p.value) == ("Ideas!F2", Code.CELL_FORMULA_NO_RESULT, "=12*1500")


# --- a returned customer workbook is read with its master's Number format -----------------------------


@pytest.fixture(scope="module", name="books")
def books_fixture(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """Customer workbooks generated from the fixture master with the Number format auto and 1.234,56."""
    out: dict[str, dict[str, Path]] = {}
    for number_format in (AUTO, "1.234,56"):
        folder = tmp_path_factory.mktemp("numbers")
        m = build_master()
        settings_ = dataclasses.replace(m.settings, number_format=number_format)
        tables = {"Customers": m.customers, "Workshop": m.workshop, "Ideas": m.ideas, "Tracking": m.tracking}
        write_master(folder / "master.xlsx", settings_, tables)
        master = dataclasses.replace(load_master(folder / "master.xlsx"), relationship={})
        results = generate_customer_books(master, folder / "books", workers=1, generated=GENERATED)
        out[number_format] = {r.customer_id: r.path for r in results}
    return out


def test_a_generated_workbook_carries_the_number_format(books):
    for number_format, paths in books.items():
        assert read_book(paths[KAPPA]).settings.number_format == number_format


def test_a_returned_workbook_reads_typed_numbers_as_its_master_does(books, tmp_path):
    comma = edit_book(books["1.234,56"][KAPPA], {"KAP-101": {col.SUPPLIER_ANNUAL: "12.500"}},
                      target=tmp_path / "comma.xlsx")  # fmt: skip
    assert read_book(comma).ideas.set_index(col.IDEA_ID).at["KAP-101", col.SUPPLIER_ANNUAL] == 12500.0
    auto = edit_book(books[AUTO][KAPPA], {"KAP-101": {col.SUPPLIER_ANNUAL: "12.500"}},
                     target=tmp_path / "auto.xlsx")  # fmt: skip
    with pytest.raises(WorkbookError) as caught:
        read_book(auto)
    (p,) = [p for p in caught.value.errors if p.code == Code.CELL_AMBIGUOUS_NUMBER]
    assert (p.sheet, p.column, p.value) == ("Ideas", col.SUPPLIER_ANNUAL, "12.500")
