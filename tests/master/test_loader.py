"""load_master on valid workbooks: finding tables, typing every kind of column, row numbers."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from loader_fixtures import D, Text, good_sheets, set_value, write_good, write_sheets

from cvm_xl.core import columns as col
from cvm_xl.core.problems import WorkbookError
from cvm_xl.core.settings import Settings
from cvm_xl.master.model import EXCEL_ROW, Master
from cvm_xl.master.read import load_master


def test_valid_master_loads_typed_tables(tmp_path):
    master = load_master(write_good(tmp_path / "m.xlsx"))
    assert isinstance(master, Master)
    assert master.problems == ()
    assert master.settings == Settings(supplier="Aldermoor Steel", currency="EUR")
    ideas = master.ideas
    assert list(ideas.columns) == list(col.IDEA_INPUTS)
    assert ideas.index.name == EXCEL_ROW
    assert ideas.index.tolist() == [2, 3, 4]
    assert ideas[col.SUPPLIER_ANNUAL].dtype == np.float64
    assert ideas[col.QUANTIFIED].dtype == bool
    assert ideas[col.TITLE].dtype == object
    first = ideas.loc[2]
    assert first[col.IDEA_ID] == "I-01"
    assert first[col.SUPPLIER_ANNUAL] == 56000.0
    assert math.isnan(first[col.SUPPLIER_ONE_TIME])
    assert first[col.START] == dt.date(2025, 3, 3)
    assert type(first[col.START]) is dt.date
    assert first[col.SHARING_METHOD] is None
    # blank Yes/No cells take the SPEC defaults: Quantified Yes, the others No
    assert ideas[col.QUANTIFIED].tolist() == [True, True, True]
    assert ideas[col.GOOD_FAITH].tolist() == [False, False, True]
    assert ideas[col.ONE_OFF].tolist() == [False, True, False]
    assert ideas[col.OUT_OF_BOUNDS].tolist() == [False, False, False]
    customers = master.customers
    assert list(customers.columns) == list(col.CUSTOMER_COLUMNS)
    assert customers.at[3, "Customer champion"] is None
    assert customers.at[2, "Excellence phase"] == "III"
    assert customers.at[2, "Wave start"] == dt.date(2025, 1, 6)
    assert master.workshop.at[4, "Mother idea ID"] is None
    assert master.tracking["Month"].tolist() == [dt.date(2025, 4, 1), dt.date(2025, 5, 1)]
    assert master.evaluated.at[2, col.CELL] == "W-W"


def test_tables_found_anywhere_with_any_header_spelling_and_order(tmp_path):
    sheets = good_sheets()
    ideas = sheets["Ideas"]
    order = [19, 2, 0, 1, *range(3, 19)]  # Out of bounds first, then Title, Idea ID, Customer ID ...
    ideas[:] = [[row[i] for i in order] for row in ideas]
    ideas[0] = [f"  {h.upper()} " if i % 2 else h.lower() for i, h in enumerate(ideas[0])]
    ideas[0].append("My notes")
    ideas[0].append(" verdict ")  # a computed column: shown in the sheet, never read
    for row, note in zip(ideas[1:], ["call Piet", None, 42.0], strict=True):
        row += [note, "#N/A"]
    sheets["Ideas"] = [["CVM ideas, wave 3"], [], *ideas]
    path = write_sheets(tmp_path / "m.xlsx", sheets, origin={"Ideas": "C3", "Customers": "B2"})

    master = load_master(path)
    assert master.problems == ()
    frame = master.ideas
    assert list(frame.columns) == [*col.IDEA_INPUTS, "My notes"]
    assert frame.index.tolist() == [6, 7, 8]  # title in C3, blank row, header row 5
    assert frame.at[6, col.TITLE] == "Cut the coil size list"
    assert frame.at[7, col.ONE_OFF]
    assert frame["My notes"].tolist() == ["call Piet", None, 42.0]
    assert col.VERDICT not in frame.columns
    assert master.customers.index.tolist() == [3, 4]


def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers(tmp_path):
    sheets = good_sheets()
    width = len(col.IDEA_INPUTS)
    ideas = sheets["Ideas"]
    ideas.insert(2, [None] * width)
    ideas.insert(3, [Text("   ")] + [None] * (width - 1))
    ideas.append([None] * width)
    computed_only = [None] * width
    ideas.append(computed_only)
    path = write_sheets(tmp_path / "m.xlsx", sheets)
    master = load_master(path)
    assert master.ideas.index.tolist() == [2, 5, 6]
    assert master.ideas[col.IDEA_ID].tolist() == ["I-01", "I-02", "I-03"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (D(2025, 3, 3), dt.date(2025, 3, 3)),
        (dt.datetime(2025, 3, 3, 14, 30), dt.date(2025, 3, 3)),
        ("2025-03-03", dt.date(2025, 3, 3)),
        (" 2025-03-03 ", dt.date(2025, 3, 3)),
        ("2025-03-03T00:00:00", dt.date(2025, 3, 3)),
        (45719, dt.date(2025, 3, 3)),  # an Excel serial number whose cell lost its date format
    ],
)
def test_dates_real_and_iso_text(tmp_path, typed, expected):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.START, typed)
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert master.ideas.at[2, col.START] == expected
    assert type(master.ideas.at[2, col.START]) is dt.date


def test_month_column_accepts_year_month_text(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Tracking", 1, "Month", "2025-07")
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert master.tracking.at[2, "Month"] == dt.date(2025, 7, 1)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("50%", 0.5), ("12.5 %", 0.125), (0.6, 0.6), ("0.25", 0.25), (1, 1.0), (0, 0.0)],
)
def test_percentages_in_supplier_share(tmp_path, typed, expected):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.SHARING_METHOD, "proportional")
    set_value(sheets, "Ideas", 1, col.SUPPLIER_SHARE, typed)
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert master.ideas.at[2, col.SUPPLIER_SHARE] == pytest.approx(expected)
    assert master.problems == ()


def test_numbers_typed_as_text_are_read(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ANNUAL, "1,250,000")
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ONE_TIME, " -2500 ")
    set_value(sheets, "Ideas", 1, col.CUSTOMER_ANNUAL, "12")
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    row = master.ideas.loc[2]
    assert (row[col.SUPPLIER_ANNUAL], row[col.SUPPLIER_ONE_TIME], row[col.CUSTOMER_ANNUAL]) == (
        1_250_000.0,
        -2500.0,
        12.0,
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Yes", True), ("yes", True), ("Y", True), ("y", True), ("TRUE", True), ("true", True), (1, True),
        (True, True), ("No", False), ("n", False), ("FALSE", False), (0, False), (False, False),
        (" No ", False), ("1", True), ("0", False),
    ],
)  # fmt: skip
def test_yes_no_variants(tmp_path, typed, expected):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 2, col.ONE_OFF, typed)
    set_value(sheets, "Ideas", 2, col.OUT_OF_BOUNDS, typed)
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert master.ideas[col.ONE_OFF].tolist() == [False, expected, False]
    assert master.ideas[col.OUT_OF_BOUNDS].tolist() == [False, expected, False]


def test_list_values_are_matched_without_case_and_spaces(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.STATUS, "  signed OFF ")
    set_value(sheets, "Ideas", 2, col.CATEGORY, "HYGIENE")
    set_value(sheets, "Ideas", 2, col.SHARING_METHOD, "Equal")
    set_value(sheets, "Workshop", 1, "Firm", "customer")
    set_value(sheets, "Customers", 2, "Excellence phase", 2)
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert master.ideas.at[2, col.STATUS] == "Signed off"
    assert master.ideas.at[3, col.CATEGORY] == "Hygiene"
    assert master.ideas.at[3, col.SHARING_METHOD] == "equal"
    assert master.workshop.at[2, "Firm"] == "Customer"
    assert master.customers.at[3, "Excellence phase"] == "II"


def test_numeric_ids_read_as_the_text_the_user_sees(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Customers", 1, col.CUSTOMER_ID, 1001)
    for row in (1, 2):
        set_value(sheets, "Ideas", row, col.CUSTOMER_ID, "1001")
        set_value(sheets, "Workshop", row, col.CUSTOMER_ID, 1001)
    set_value(sheets, "Waves", 1, col.CUSTOMER_ID, 1001)  # issue 14: C01's wave 2
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert master.customers.at[2, col.CUSTOMER_ID] == "1001"
    assert master.ideas[col.CUSTOMER_ID].tolist() == ["1001", "1001", "C02"]


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://example.com","click")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3", "=1/0"]
)
def test_text_that_looks_like_a_formula_stays_text(tmp_path, text):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.TITLE, Text(text))
    set_value(sheets, "Ideas", 1, col.DESCRIPTION, Text(text))
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert master.ideas.at[2, col.TITLE] == text
    assert master.ideas.at[2, col.DESCRIPTION] == text


def test_workshop_and_tracking_sheets_are_optional(tmp_path):
    sheets = good_sheets()
    del sheets["Workshop"], sheets["Tracking"]
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert master.problems == ()
    assert master.workshop.empty and list(master.workshop.columns) == list(col.WORKSHOP_COLUMNS)
    assert master.tracking.empty and list(master.tracking.columns) == list(col.TRACKING_COLUMNS)
    assert master.tracking.index.name == EXCEL_ROW


def test_missing_settings_sheet_means_defaults_with_a_warning(tmp_path):
    sheets = good_sheets()
    del sheets["Settings"]
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert master.settings == Settings()
    [warning] = master.problems
    assert warning.severity == "warning"
    assert warning.sheet == "Settings"
    assert warning.message.startswith("There is no Settings sheet, so the default settings are used")
    assert "Setting | Value" in warning.fix


def test_settings_values_are_typed(tmp_path):
    sheets = good_sheets()
    sheets["Settings"] = [
        ["Value", "Setting", "Meaning"],
        ["8%", "Discount rate", "percent text"],
        [5, " horizon YEARS ", None],
        [12, "Max sign-off ideas", None],
        [25000, "Max one-sided loss", None],
        [None, "Currency", "blank keeps the default"],
        ["Aldermoor", "Supplier", None],
    ]
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert master.settings == Settings(
        supplier="Aldermoor", horizon_years=5.0, discount_rate=0.08, max_sign_off_ideas=12,
        max_one_sided_loss=25000.0,
    )  # fmt: skip
    assert isinstance(master.settings.max_sign_off_ideas, int)


def test_sheet_names_match_without_case(tmp_path):
    sheets = {name.upper(): rows for name, rows in good_sheets().items()}
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert len(master.ideas) == 3


def test_warnings_do_not_stop_loading(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 2, col.END, D(2025, 12, 30))  # a 9-month Hygiene idea
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    [warning] = master.problems
    assert (warning.sheet, warning.ref, warning.severity) == ("Ideas", "E3", "warning")


def test_load_master_accepts_str_paths_and_xlsm(tmp_path):
    path = write_good(tmp_path / "m.xlsx")
    renamed = path.rename(tmp_path / "m.xlsm")
    master = load_master(str(renamed))
    assert master.path == renamed
    assert len(master.customers) == 2


def test_load_errors_are_workbook_errors_listing_all(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ANNUAL, "abc")
    set_value(sheets, "Customers", 1, "Annual volume", -5)
    with pytest.raises(WorkbookError) as caught:
        load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    refs = [(p.sheet, p.ref) for p in caught.value.problems]
    assert refs == [("Customers", "G2"), ("Ideas", "F2")]  # sheet order, then row and column
    assert caught.value.problems[0].value == -5.0


def test_total_row_of_an_excel_table_is_not_a_record(tmp_path):
    from openpyxl import load_workbook
    from openpyxl.worksheet.table import Table, TableStyleInfo

    path = write_good(tmp_path / "m.xlsx")
    wb = load_workbook(path)
    ws = wb["Ideas"]
    ws.append(["Total", None, None, None, None, "=SUBTOTAL(109,F2:F4)", None, None, None, None, None, None,
               None, None, None, None, "Σ", None, "=COUNTA(S2:S4)"])  # fmt: skip
    table = Table(displayName="tblIdeas", ref="A1:T5", totalsRowCount=1)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2")
    ws.add_table(table)
    wb.save(path)
    master = load_master(path)
    assert master.problems == ()
    assert master.ideas.index.tolist() == [2, 3, 4]
