"""The bad-input catalogue: every problem in a master's content, with the exact message and fix."""

from __future__ import annotations

import datetime as dt

import pytest
from loader_fixtures import D, Text, good_sheets, set_value, write_sheets
from openpyxl.utils import get_column_letter

from cvm_xl.core import columns as col
from cvm_xl.core.problems import Code, Problem, WorkbookError
from cvm_xl.master.read import load_master
from cvm_xl.spreadsheet import sheet_xml
from cvm_xl.spreadsheet.files import UnreadableFileError

NUMBER_FIX = "Type a plain number such as 12500 or 12.5% (no units or words), or leave the cell blank."
DATE_FIX = "Enter a real date (e.g. pick it in Excel) or type it as 2025-03-31, or leave the cell blank."
ERROR_FIX = "Correct the formula or value so the cell shows a proper value, or clear the cell."
CODES = frozenset(code.value for code in Code)


def problems_of(tmp_path, sheets) -> list[Problem]:
    path = write_sheets(tmp_path / "master.xlsx", sheets)
    with pytest.raises(WorkbookError) as caught:
        load_master(path)
    assert not isinstance(caught.value, UnreadableFileError)
    for p in caught.value.problems:
        assert p.file == str(path)
        assert p.code in CODES, p  # every problem of a bad master carries a listed code
    return caught.value.problems


def at(problems: list[Problem], where: str) -> Problem:
    """The one problem at 'Sheet!A1' (or 'Sheet row 5' / 'Sheet')."""
    found = [p for p in problems if p.where == where]
    assert len(found) == 1, (where, problems)
    return found[0]


def bad(tmp_path, sheet: str, row: int, column: str, value: object) -> list[Problem]:
    sheets = good_sheets()
    set_value(sheets, sheet, row, column, value)
    return problems_of(tmp_path, sheets)


def test_missing_ideas_sheet_suggests_the_sheet_meant(tmp_path):
    sheets = good_sheets()
    sheets["Idea list"] = sheets.pop("Ideas")
    problems = problems_of(tmp_path, sheets)
    p = at(problems, "Ideas")
    assert (p.row, p.column, p.severity) == (None, None, "error")
    assert p.message == (
        "The workbook has no Ideas sheet (its sheets: Settings, Customers, Workshop, Tracking, Actions, "
        "Waves, Idea list)."
    )
    assert p.fix == (
        "If the sheet 'Idea list' holds them, rename it to Ideas. "
        "Add a sheet named Ideas with a table headed Idea ID, Customer ID, Title ..."
    )
    # without Ideas, tracking references cannot be checked and are not reported one by one
    assert [q.where for q in problems] == ["Ideas"]


def test_missing_customers_sheet(tmp_path):
    sheets = good_sheets()
    del sheets["Customers"]
    p = at(problems_of(tmp_path, sheets), "Customers")
    assert p.message.startswith("The workbook has no Customers sheet")
    assert p.fix == "Add a sheet named Customers with a table headed Customer ID, Customer ..."


def test_missing_required_column_names_the_column_and_a_likely_misspelling(tmp_path):
    sheets = good_sheets()
    sheets["Ideas"][0][2] = "Titel"
    p = at(problems_of(tmp_path, sheets), "Ideas row 1")
    assert (p.column, p.row) == ("Title", 1)
    assert p.message == "The required column 'Title' is missing from the header row (row 1)."
    assert p.fix == "If 'Titel' is meant, rename it to 'Title'. Add a column headed 'Title'."


def test_no_header_row_at_all(tmp_path):
    sheets = good_sheets()
    sheets["Customers"] = [["a", "b"], [1, 2]]
    p = at(problems_of(tmp_path, sheets), "Customers")
    assert p.message == "The Customers sheet has no header row with the columns Customer ID, Customer."
    assert p.fix.startswith("Put the headers in one row above the data")


def test_repeated_column(tmp_path):
    sheets = good_sheets()
    for row in sheets["Tracking"]:
        row.append(row[2])
    first = get_column_letter(col.TRACKING_COLUMNS.index("Supplier realised") + 1)
    second = get_column_letter(len(col.TRACKING_COLUMNS) + 1)  # the repeat, right after the inputs
    p = at(problems_of(tmp_path, sheets), f"Tracking!{second}1")
    assert p.message == (
        f"The column 'Supplier realised' appears twice (columns {first} and {second}); "
        "only the first is read."
    )
    assert p.fix == "Delete or rename one of the two columns."


def test_duplicate_ids_point_at_the_first_use(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 3, col.IDEA_ID, "I-01")
    set_value(sheets, "Customers", 2, col.CUSTOMER_ID, "C01")
    set_value(sheets, "Workshop", 2, "Raw ID", "R-001")
    problems = problems_of(tmp_path, sheets)
    p = at(problems, "Ideas!A4")
    assert (p.column, p.value, p.row) == ("Idea ID", "I-01", 4)
    assert p.message == "Idea ID 'I-01' is used again; it is first used in row 2."
    assert p.code == Code.ID_DUPLICATE == "id.duplicate"
    assert p.fix == "Give each idea its own Idea ID (or delete the repeated row)."
    assert (
        at(problems, "Customers!A3").message == "Customer ID 'C01' is used again; it is first used in row 2."
    )
    assert (
        at(problems, "Workshop!A3").fix == "Give each raw idea its own Raw ID (or delete the repeated row)."
    )


def test_blank_required_cell(tmp_path):
    p = at(bad(tmp_path, "Ideas", 2, col.TITLE, None), "Ideas!C3")
    assert p.message == "Title is blank, but every idea needs one."
    assert p.code == "cell.required"
    assert p.fix == "Fill in the Title, or delete the row if it is not needed."


def test_unknown_customer_reference_with_suggestion(tmp_path):
    p = at(bad(tmp_path, "Ideas", 3, col.CUSTOMER_ID, "c02"), "Ideas!B4")
    assert p.message == "Customer ID 'c02' is not on the Customers sheet."
    assert p.code == "reference.unknown"
    assert p.fix == (
        "Did you mean 'C02'? Use one of the Customer IDs on the Customers sheet, or add 'c02' there first."
    )


def test_unknown_references_from_workshop_and_tracking(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Workshop", 3, col.CUSTOMER_ID, "ACME")
    set_value(sheets, "Workshop", 2, "Mother idea ID", "I-9")
    set_value(sheets, "Tracking", 2, col.IDEA_ID, "X-77")
    problems = problems_of(tmp_path, sheets)
    assert at(problems, "Workshop!B4").message == "Customer ID 'ACME' is not on the Customers sheet."
    assert at(problems, "Workshop!H3").message == "Mother idea ID 'I-9' is not on the Ideas sheet."
    p = at(problems, "Tracking!A3")
    assert p.message == "Idea ID 'X-77' is not on the Ideas sheet."
    assert p.fix == "Use one of the Idea IDs on the Ideas sheet, or add 'X-77' there first."


def test_raw_idea_linked_to_another_customers_mother_idea(tmp_path):
    p = at(bad(tmp_path, "Workshop", 3, "Mother idea ID", "I-01"), "Workshop!H4")
    assert p.message == (
        "Mother idea 'I-01' belongs to customer 'C01', but this raw idea belongs to customer 'C02'."
    )
    assert p.fix == "Link the raw idea to a mother idea of customer 'C02', or correct its Customer ID."


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "'abc' is not a number."),
        ("12 kEUR", "'12 kEUR' is not a number."),
        (True, "TRUE is not a number."),
        (D(2025, 1, 1), "2025-01-01 is a date or time, not a number."),
    ],
)
def test_text_in_a_number_column(tmp_path, value, message):
    p = at(bad(tmp_path, "Ideas", 1, col.SUPPLIER_ANNUAL, value), "Ideas!F2")
    assert (p.column, p.message, p.fix) == ("Supplier annual", message, NUMBER_FIX)
    assert p.code == "cell.not_a_number"


@pytest.mark.parametrize("error", ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?"])
def test_excel_error_values_in_inputs(tmp_path, error):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.CUSTOMER_ONE_TIME, error)  # a real error cell
    set_value(sheets, "Customers", 2, "Customer", Text(error))  # the error's text, pasted as text
    problems = problems_of(tmp_path, sheets)
    p = at(problems, "Ideas!I2")
    assert (p.value, p.message, p.fix) == (error, f"The cell shows the Excel error {error}.", ERROR_FIX)
    assert {q.code for q in problems} == {"cell.excel_error"}
    assert at(problems, "Customers!B3").message == f"The cell shows the Excel error {error}."
    assert len(problems) == 2  # the required Customer is not also reported as blank


@pytest.mark.parametrize("chunk", [5, 7, 64])
def test_error_cells_are_found_whatever_the_read_chunks(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(sheet_xml, "_CHUNK", chunk)  # the marker may straddle two chunks
    p = at(bad(tmp_path, "Tracking", 2, "Customer realised", "#REF!"), "Tracking!D3")
    assert p.message == "The cell shows the Excel error #REF!."


def test_error_values_in_computed_columns_are_ignored(tmp_path):
    sheets = good_sheets()
    sheets["Ideas"][0].append(col.NET_VALUE)
    for row in sheets["Ideas"][1:]:
        row.append("#DIV/0!")
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert col.NET_VALUE not in master.ideas.columns


def test_error_value_in_settings(tmp_path):
    sheets = good_sheets()
    sheets["Settings"][3][1] = "#VALUE!"
    p = at(problems_of(tmp_path, sheets), "Settings!B4")
    assert p.message == "Horizon years: The cell shows the Excel error #VALUE!."


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("next week", "'next week' is not a date."),
        ("31/02/2025", "'31/02/2025' is not a date."),
        ("2025-02-30", "'2025-02-30' is not a date."),
        (dt.time(9, 30), "09:30:00 is a time of day, not a date."),
        (2025, "2025 is a number, not a date."),
    ],
)
def test_dates_that_are_not_dates(tmp_path, value, message):
    p = at(bad(tmp_path, "Ideas", 1, col.START, value), "Ideas!Q2")
    assert (p.column, p.message, p.fix) == ("Start", message, DATE_FIX)


@pytest.mark.parametrize(
    ("value", "shown"), [(1.5, "1.5 (150%)"), (-0.2, "-0.2 (-20%)"), ("120%", "1.2 (120%)")]
)
def test_share_outside_0_to_1(tmp_path, value, shown):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.SHARING_METHOD, "proportional")
    set_value(sheets, "Ideas", 1, col.SUPPLIER_SHARE, value)
    p = at(problems_of(tmp_path, sheets), "Ideas!N2")
    assert p.message == f"Supplier share {shown} is outside 0 to 1."
    assert p.fix == "Enter a number from 0 to 1, e.g. 0.6 or 60%."


@pytest.mark.parametrize(
    ("sheet", "column", "value", "ref", "fix"),
    [
        ("Ideas", col.STATUS, "Signed-off", "Ideas!S2",
         "Did you mean 'Signed off'? Use one of: Proposed, Evaluated, Selected, Signed off, Implementing, "
         "Delivered, Dropped."),
        ("Ideas", col.STATUS, "Done", "Ideas!S2",
         "Use one of: Proposed, Evaluated, Selected, Signed off, Implementing, Delivered, Dropped."),
        ("Ideas", col.CATEGORY, "Hygene", "Ideas!E2",
         "Did you mean 'Hygiene'? Use one of: Hygiene, Operational, Joint study."),
        ("Ideas", col.CATEGORY, "joint", "Ideas!E2",
         "Did you mean 'Joint study'? Use one of: Hygiene, Operational, Joint study."),
        ("Ideas", col.OWNER_FIRM, "Suplier", "Ideas!O2",
         "Did you mean 'Supplier'? Use one of: Supplier, Customer, Joint."),
        ("Workshop", "Firm", "Custmer", "Workshop!E2",
         "Did you mean 'Customer'? Use one of: Supplier, Customer, Joint."),
        ("Ideas", col.SHARING_METHOD, "equall", "Ideas!M2",
         "Did you mean 'equal'? Use one of: auto, retain, equal, proportional, compensate, shapley."),
        ("Ideas", col.SHARING_METHOD, "Proportionate", "Ideas!M2",
         "Did you mean 'proportional'? Use one of: auto, retain, equal, proportional, compensate, shapley."),
        ("Customers", "Excellence phase", "IIII", "Customers!M2",
         "Did you mean 'III'? Use one of: I, II, III."),
    ],
)  # fmt: skip
def test_unknown_list_values_suggest_the_closest(tmp_path, sheet, column, value, ref, fix):
    p = at(bad(tmp_path, sheet, 1, column, value), ref)
    assert (p.column, p.value) == (column, value)
    assert p.message == f"'{value}' is not a valid {column}."
    assert p.fix == fix
    assert p.code == "cell.not_in_list"


def test_bad_yes_no(tmp_path):
    p = at(bad(tmp_path, "Ideas", 1, col.QUANTIFIED, "maybe"), "Ideas!J2")
    assert p.message == "'maybe' is not Yes or No."
    assert p.fix == "Enter Yes or No (Y/N, TRUE/FALSE and 1/0 also work); blank means Yes."


@pytest.mark.parametrize(
    ("column", "value", "message", "fix"),
    [
        (
            "Annual volume",
            -5,
            "-5 is negative; Annual volume cannot be below 0.",
            "Enter 0 or a positive number.",
        ),
        (
            "Industry quartile",
            5,
            "Industry quartile 5 is outside 1 to 4.",
            "Enter a whole number from 1 to 4.",
        ),
        ("Industry quartile", 1.5, "1.5 is not a whole number.", "Enter a whole number from 1 to 4."),
        ("Co-destiny", 0, "Co-destiny 0 is outside 1 to 5.", "Enter a number from 1 to 5."),
    ],
)
def test_customer_numbers_out_of_range(tmp_path, column, value, message, fix):
    problems = bad(tmp_path, "Customers", 1, column, value)
    [p] = problems
    assert (p.sheet, p.column, p.message, p.fix) == ("Customers", column, message, fix)


def test_negative_horizon_and_other_bad_settings(tmp_path):
    sheets = good_sheets()
    sheets["Settings"] += [
        ["Significance threshold", "lots"],
        ["Max sign-off ideas", 2.5],
        ["Horizon years", 4],
        ["Horizon", 5],
        [None, 7],
    ]
    sheets["Settings"][3][1] = -2  # Horizon years
    problems = problems_of(tmp_path, sheets)
    p = at(problems, "Settings!B4")
    assert (p.column, p.value) == ("Value", -2.0)
    assert p.message == "Horizon years -2 is not allowed."
    assert p.fix == "Horizon years must be a number of years greater than 0, e.g. 3."
    assert at(problems, "Settings!B7").message == "Significance threshold: 'lots' is not a number."
    p = at(problems, "Settings!B8")
    assert p.message == "Max sign-off ideas 2.5 is not allowed."
    assert p.fix == "Max sign-off ideas must be a whole number of at least 1, e.g. 12."
    assert at(problems, "Settings!B9").message == "Horizon years is set twice (first in row 4)."
    p = at(problems, "Settings!A10")
    assert (p.severity, p.message) == (
        "warning",
        "'Horizon' is not a setting cvm-xl knows, so it is ignored.",
    )
    assert p.fix.startswith("Did you mean 'Horizon years'? Settings: Supplier, Currency, Horizon years")
    p = at(problems, "Settings!B11")
    assert (p.severity, p.message) == ("warning", "This value has no Setting name, so it is ignored.")


def test_end_before_start_is_an_error(tmp_path):
    p = at(bad(tmp_path, "Ideas", 1, col.END, D(2025, 2, 1)), "Ideas!R2")
    assert p.severity == "error"
    assert p.message == "End 2025-02-01 is before Start 2025-03-03."
    assert p.fix == "Correct the Start or the End date."


def test_signed_off_idea_needs_owner_and_dates(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.OWNER, None)
    set_value(sheets, "Ideas", 1, col.END, None)
    problems = problems_of(tmp_path, sheets)
    p = at(problems, "Ideas!P2")
    assert p.message == "Owner is blank, but the idea is Signed off."
    assert p.fix == (
        "An idea cannot be signed off without an owner firm, an owner, a start and an end date: "
        "fill in the Owner, or set the Status back to Selected."
    )
    assert at(problems, "Ideas!R2").message == "End is blank, but the idea is Signed off."


def warnings_of(tmp_path, sheets) -> list[Problem]:
    master = load_master(write_sheets(tmp_path / "master.xlsx", sheets))
    assert all(p.severity == "warning" for p in master.problems)
    assert all(p.code in CODES for p in master.problems)
    return list(master.problems)


def test_signed_off_idea_that_is_not_a_go_is_a_warning(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.CUSTOMER_ANNUAL, -90000)  # W-L with net < 0: No go
    [p] = warnings_of(tmp_path, sheets)
    assert (p.where, p.column, p.value) == ("Ideas!S2", "Status", "Signed off")
    assert p.message == "The idea is Signed off, but its verdict is 'No go'."
    assert p.fix == "Check its values and thresholds, or change its Status (e.g. to Dropped)."


@pytest.mark.parametrize(
    ("category", "start", "end", "message", "fix_category"),
    [
        ("Hygiene", D(2025, 1, 15), D(2025, 4, 16),
         "A Hygiene idea takes at most 3 months, but this one runs from 2025-01-15 to 2025-04-16 "
         "(3 months and 1 day).", "Operational"),
        ("Operational", D(2025, 1, 31), D(2025, 3, 31),
         "An Operational idea takes 3 to 9 months, but this one runs from 2025-01-31 to 2025-03-31 "
         "(2 months).", "Hygiene"),
        ("Joint study", D(2025, 1, 1), D(2025, 6, 1),
         "A Joint study idea takes 9 months or more, but this one runs from 2025-01-01 to 2025-06-01 "
         "(5 months).", "Operational"),
    ],
)  # fmt: skip
def test_dates_that_do_not_fit_the_category_are_a_warning(
    tmp_path, category, start, end, message, fix_category
):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 2, col.CATEGORY, category)
    set_value(sheets, "Ideas", 2, col.START, start)
    set_value(sheets, "Ideas", 2, col.END, end)
    [p] = warnings_of(tmp_path, sheets)
    assert (p.where, p.column, p.value) == ("Ideas!E3", "Category", category)
    assert p.message == message
    assert p.fix == f"Check Start and End, or change the Category to {fix_category}."
    assert p.code == "ideas.category_dates"


def test_sharing_method_on_an_idea_without_split_is_a_warning(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 3, col.SHARING_METHOD, "equal")  # I-03 is unquantified: Go (good faith)
    [p] = warnings_of(tmp_path, sheets)
    assert (p.where, p.value) == ("Ideas!M4", "equal")
    assert p.message == (
        "Sharing method 'equal' is not applied: the verdict is 'Go (good faith)', so no value is split."
    )
    assert p.fix == "Clear the Sharing method, or review the idea's values."


def test_supplier_share_without_the_proportional_method_is_a_warning(tmp_path):
    [p] = warnings_of(tmp_path, {**good_sheets()} | _with(col.SUPPLIER_SHARE, "60%"))
    assert (p.where, p.value) == ("Ideas!N2", 0.6)
    assert p.message == "Supplier share 60% is not used: only the proportional sharing method uses it."


def _with(column: str, value: object) -> dict[str, list[list[object]]]:
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, column, value)
    return {"Ideas": sheets["Ideas"]}


def test_all_problems_of_a_file_are_reported_together_errors_and_warnings(tmp_path):
    sheets = good_sheets()
    sheets["Settings"][3][1] = 0
    set_value(sheets, "Customers", 2, col.CUSTOMER_ID, None)
    set_value(sheets, "Workshop", 1, "Firm", "Both")
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ANNUAL, "n/a")
    set_value(sheets, "Ideas", 2, col.CATEGORY, "Joint study")  # warning: 2.5 months
    set_value(sheets, "Ideas", 3, col.START, "soon")
    set_value(sheets, "Tracking", 2, "Supplier realised", "#N/A")
    problems = problems_of(tmp_path, sheets)
    assert [(p.where, p.severity) for p in problems] == [
        ("Settings!B4", "error"),
        ("Customers!A3", "error"),
        ("Workshop!E2", "error"),
        ("Workshop!B4", "error"),  # customer C02's ID is now blank, so C02 is unknown
        ("Ideas!F2", "error"),
        ("Ideas!E3", "warning"),
        ("Ideas!B4", "error"),
        ("Ideas!Q4", "error"),
        ("Tracking!C3", "error"),
    ]
