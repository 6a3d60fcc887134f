"""Every problem the master reader reports carries a stable code listed in ``core.problems.Code``;
every table of the master is one ``schema.Table``; the checks are pure functions in one registry."""

from __future__ import annotations

import re

import pytest
from loader_fixtures import D, Text, good_sheets, set_value, write_sheets

from cvm_xl.core import columns as col
from cvm_xl.core.problems import Code, Problem, WorkbookError
from cvm_xl.core.settings import Settings
from cvm_xl.master.checks import CHECKS, run_checks
from cvm_xl.master.read import load_master
from cvm_xl.master.read_tables import ReadTables, read_table
from cvm_xl.master.schema import (
    ALL_TABLES,
    INPUT_WORDING,
    RELATIONSHIP_TABLES,
    RELATIONSHIP_WORDING,
    SETTINGS,
    TABLES,
    Table,
)
from cvm_xl.readiness import tables as rt

CODES = frozenset(code.value for code in Code)


def _problems(tmp_path, sheets: dict[str, list[list[object]]]) -> list[Problem]:
    path = write_sheets(tmp_path / "hostile.xlsx", sheets)
    with pytest.raises(WorkbookError) as caught:
        load_master(path)
    return caught.value.problems


def _coded(problems: list[Problem]) -> set[str]:
    """The codes of ``problems``, each checked to be listed."""
    for problem in problems:
        assert problem.code in CODES, problem
    return {p.code for p in problems}


# --- the list of codes ---------------------------------------------------------------------------


def test_codes_are_listed_once_each_with_a_one_line_meaning():
    values = [code.value for code in Code]
    assert len(values) == len(set(values))
    for code in Code:
        assert re.fullmatch(r"[a-z]+(\.[a-z_]+)+", code.value), code
        assert code.meaning.endswith(".") and "\n" not in code.meaning, code
        assert Code(code.value) is code and code == code.value  # a code is its plain text too


def test_problems_made_elsewhere_still_need_no_code():
    problem = Problem("f.xlsx", "Ideas", 2, "Title", None, "Title is blank.")
    assert problem.code == "" and problem.fix == "" and problem.ref is None
    assert str(problem) == "f.xlsx: Ideas row 2 (Title): Title is blank."


# --- one description of every table ------------------------------------------------------------


def test_every_table_of_the_master_is_one_table_description():
    assert list(ALL_TABLES) == [
        "Settings", "Customers", "Workshop", "Ideas", "Tracking", "Actions", "Waves", "Parties",
        "Chain values", *rt.SHEETS,
    ]  # fmt: skip
    assert all(isinstance(t, Table) for t in ALL_TABLES.values())
    assert ALL_TABLES["Settings"] is SETTINGS and SETTINGS.required == ("Setting", "Value")
    for table in TABLES.values():
        assert table.wording is INPUT_WORDING and table.template is None and not table.signature
    for name, table in RELATIONSHIP_TABLES.items():
        assert table.wording is RELATIONSHIP_WORDING and table.optional_sheet and table.signature
        assert table.table_name == "tbl" + name.title().replace(" ", "")
        for column in table.columns:
            values = rt.LIST_VALUES.get((name, column.name))
            if column.choices:  # a list column reads exactly the values its dropdown offers
                assert column.choices == tuple(map(str, values)), (name, column.name)


# --- hostile and bad masters: every problem has a listed code ------------------------------------


def test_a_master_with_every_kind_of_problem_reports_each_with_its_code(tmp_path):
    sheets = good_sheets()
    sheets["Settings"] += [["Significance threshold", "lots"], ["Horizon", 5], [None, 7], ["Currency", "USD"],
                           ["Screening min phase", "V"], ["Discount rate", "#DIV/0!"]]  # fmt: skip
    sheets["Settings"][3][1] = -2  # Horizon years
    set_value(sheets, "Customers", 2, col.CUSTOMER_ID, "C01")  # a repeated ID
    set_value(sheets, "Customers", 1, "Industry quartile", 1.5)
    set_value(sheets, "Customers", 2, "Co-destiny", 9)
    set_value(sheets, "Customers", 1, "Customer", Text("#N/A"))
    set_value(sheets, "Workshop", 1, "Firm", "Custmer")
    sheets["Workshop"][0][2] = "Idee"  # the required Idea column, misspelt
    set_value(sheets, "Workshop", 3, "Mother idea ID", "I-01")  # C02's raw idea under C01's idea
    set_value(sheets, "Workshop", 2, col.CUSTOMER_ID, "ACME")
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ANNUAL, "12 kEUR")
    set_value(sheets, "Ideas", 1, col.OWNER, None)  # a signed-off idea without its owner
    set_value(sheets, "Ideas", 2, col.QUANTIFIED, "maybe")
    set_value(sheets, "Ideas", 2, col.END, D(2025, 1, 1))  # before its start
    set_value(sheets, "Ideas", 3, col.START, "soon")
    set_value(sheets, "Ideas", 3, col.TITLE, None)
    set_value(sheets, "Tracking", 1, col.IDEA_ID, "X-77")
    set_value(sheets, "Tracking", 2, "Supplier realised", "#REF!")
    sheets["Tracking"][0].append("Note")  # a repeated heading
    sheets["Risks"] = [
        [rt.RISK_ID, rt.CUSTOMER_ID, rt.RISK, rt.LIKELIHOOD, rt.IMPACT, rt.STATUS],
        ["R1", "C01", "Supply", 7, 5, "Shut"],
        ["r1", "C09", "Price", 3, None, None],
    ]
    sheets["Issue log"] = [
        [rt.ISSUE_ID, rt.CUSTOMER_ID, rt.ISSUE, rt.RAISED, rt.DUE, rt.RESOLVED, rt.ISSUE_CATEGORY, rt.STATUS],
        ["I1", "C01", "Late", D(2025, 3, 1), D(2025, 2, 1), D(2025, 2, 2), "Weather", "Resolved"],
        ["I2", "C01", "Odd", "March", None, D(2025, 4, 1), None, "Open"],
    ]
    sheets["Life cycle"] = [
        [rt.CUSTOMER_ID, rt.STAGE, rt.ITEM, rt.DONE],
        ["C01", "Awareness", "Key individuals", "maybe"],
        ["C01", "awareness", "key individuals", "Yes"],
    ]
    sheets["Exit triggers"] = [[rt.CUSTOMER_ID, rt.TRIGGER, rt.ACTION], ["C01", "Merger", None]]
    sheets["Objectives"] = [[rt.CUSTOMER_ID, rt.FIRM, rt.OBJECTIVE], ["C01", "Theirs", "Grow"]]
    sheets["Out of bounds topics"] = [["Our own list"], ["Prices"]]  # a user's own sheet
    codes = _coded(_problems(tmp_path, sheets))
    assert codes == {
        Code.SETTINGS_NOT_ALLOWED, Code.SETTINGS_UNREADABLE, Code.SETTINGS_UNKNOWN, Code.SETTINGS_UNNAMED,
        Code.SETTINGS_REPEATED, Code.CELL_EXCEL_ERROR, Code.CELL_NOT_A_NUMBER, Code.ID_DUPLICATE,
        Code.CELL_NOT_WHOLE, Code.CELL_OUT_OF_RANGE, Code.CELL_NOT_IN_LIST, Code.WORKSHOP_MOTHER_CUSTOMER,
        Code.REFERENCE_UNKNOWN, Code.IDEAS_SIGN_OFF_INCOMPLETE, Code.CELL_NOT_YES_NO,
        Code.IDEAS_END_BEFORE_START, Code.CELL_NOT_A_DATE, Code.CELL_REQUIRED, Code.HEADER_REPEATED_COLUMN,
        Code.CELL_NOT_A_SCORE, Code.KEY_DUPLICATE, Code.RISKS_HALF_RATED, Code.ISSUES_DUE_BEFORE_RAISED,
        Code.ISSUES_RESOLVED_BEFORE_RAISED, Code.ISSUES_NO_RESOLUTION, Code.ISSUES_OPEN_BUT_RESOLVED,
        Code.CELL_UNLISTED, Code.EXITS_NO_ACTION, Code.HEADER_MISSING_COLUMN, Code.SHEET_NOT_A_TABLE,
    }  # fmt: skip


def test_missing_sheets_and_header_rows_have_codes(tmp_path):
    sheets = good_sheets()
    del sheets["Ideas"], sheets["Settings"]
    sheets["Customers"] = [["a", "b"], [1, 2]]
    problems = _problems(tmp_path, sheets)
    assert [(p.sheet, p.code) for p in problems] == [
        ("Settings", Code.SETTINGS_MISSING),
        ("Customers", Code.HEADER_NO_ROW),
        ("Ideas", Code.SHEET_MISSING),
    ]


def test_warnings_of_a_loaded_master_have_codes(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.CUSTOMER_ANNUAL, -90000)  # signed off, but No go
    set_value(sheets, "Ideas", 2, col.CATEGORY, "Joint study")  # 2.5 months
    set_value(sheets, "Ideas", 3, col.SHARING_METHOD, "equal")  # unquantified: nothing to split
    set_value(sheets, "Ideas", 3, col.SUPPLIER_SHARE, 0.6)  # and a share no method uses
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert [(p.ref, p.code) for p in master.problems] == [
        ("S2", Code.IDEAS_COMMITTED_NOT_GO),
        ("E3", Code.IDEAS_CATEGORY_DATES),
        ("M4", Code.IDEAS_SHARING_NOT_APPLIED),
        ("N4", Code.IDEAS_SHARE_UNUSED),
    ]


# --- the registry of checks ---------------------------------------------------------------------


def test_checks_are_pure_functions_of_the_tables_read(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 3, col.IDEA_ID, "I-01")
    set_value(sheets, "Tracking", 2, col.IDEA_ID, "X-77")
    tables = {  # the optional value-chain sheets (issue 16) are not in these sheets
        name: read_table(table, sheets[name], "m.xlsx", name)
        for name, table in TABLES.items()
        if name in sheets
    }
    before = {name: list(data.problems) for name, data in tables.items()}
    read = ReadTables(tables, Settings())
    first = run_checks(read)
    assert run_checks(read) == first  # the same answer twice: nothing was changed
    assert {name: data.problems for name, data in tables.items()} == before
    assert [(p.ref, p.code) for p in first] == [("A4", Code.ID_DUPLICATE), ("A3", Code.REFERENCE_UNKNOWN)]


def test_every_check_skips_tables_that_are_absent():
    assert len(CHECKS) == len(set(CHECKS))
    for check in CHECKS:
        assert check(ReadTables({})) == [], check.__name__
