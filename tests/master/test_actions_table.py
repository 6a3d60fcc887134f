"""The optional Actions table of the master (issue 14): read, checked and written like Tracking."""

from __future__ import annotations

import datetime as dt

import pytest
from loader_fixtures import D, good_sheets, set_value, write_sheets
from openpyxl import load_workbook

from cvm_xl.core import columns as col
from cvm_xl.core.actions import ACTION_COLUMNS, ACTION_REQUIRED, DONE, DUE
from cvm_xl.core.problems import ERROR, WARNING, Code, WorkbookError
from cvm_xl.master.read import load_master
from cvm_xl.master.schema import ACTIONS, TABLES
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables


def test_the_table_is_described_once_with_the_issues_columns():
    assert TABLES["Actions"] is ACTIONS
    assert ACTIONS.names == ACTION_COLUMNS == (
        "Action ID", "Idea ID", "Action", "Owner firm", "Owner", "Due", "Done", "Review ID",
    )  # fmt: skip
    assert ACTIONS.required == ACTION_REQUIRED == ("Action ID", "Idea ID", "Action")
    assert ACTIONS.id_column == "Action ID" and ACTIONS.optional_sheet
    assert ACTIONS.column(col.OWNER_FIRM).choices == col.OWNER_FIRMS


def test_a_master_with_actions_reads_them_typed(tmp_path):
    master = load_master(write_sheets(tmp_path / "m.xlsx", good_sheets()))
    assert master.problems == ()
    actions = master.actions
    assert tuple(actions.columns) == ACTION_COLUMNS
    assert actions.index.tolist() == [2, 3]  # Excel rows
    assert actions.loc[2, DUE] == D(2025, 4, 15) and actions.loc[2, DONE] == D(2025, 4, 10)
    assert actions.loc[3, DONE] is None and actions.loc[3, col.OWNER_FIRM] == "Supplier"


def test_a_master_without_the_sheet_has_no_actions(tmp_path):
    sheets = good_sheets()
    del sheets["Actions"]
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert master.actions.empty and tuple(master.actions.columns) == ACTION_COLUMNS
    assert master.problems == ()


def _problems(tmp_path, sheets):
    path = write_sheets(tmp_path / "m.xlsx", sheets)
    try:
        return list(load_master(path).problems)
    except WorkbookError as exc:
        return exc.problems


def test_an_action_done_before_its_idea_starts_is_a_warning(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Actions", 1, DONE, D(2025, 2, 28))  # I-01 starts 2025-03-03
    [problem] = _problems(tmp_path, sheets)
    assert (problem.code, problem.severity, problem.sheet, problem.ref) == (
        Code.ACTIONS_DONE_BEFORE_START, WARNING, "Actions", "G2",
    )  # fmt: skip
    assert problem.message == "Done 2025-02-28 is before idea I-01's Start 2025-03-03."


def test_an_action_due_after_its_idea_ends_is_a_warning(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Actions", 2, DUE, D(2025, 9, 1))  # I-01 ends 2025-08-29
    [problem] = _problems(tmp_path, sheets)
    assert (problem.code, problem.severity, problem.ref) == (Code.ACTIONS_DUE_AFTER_END, WARNING, "F3")
    assert "after idea I-01's End 2025-08-29" in problem.message


def test_actions_on_the_ideas_own_days_are_fine(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Actions", 1, DONE, D(2025, 3, 3))
    set_value(sheets, "Actions", 2, DUE, D(2025, 8, 29))
    assert _problems(tmp_path, sheets) == []


@pytest.mark.parametrize(
    ("row", "column", "value", "code"),
    [
        (1, col.IDEA_ID, "I-77", Code.REFERENCE_UNKNOWN),
        (2, "Action ID", "A-01", Code.ID_DUPLICATE),
        (1, "Action", None, Code.CELL_REQUIRED),
        (1, DUE, "next week", Code.CELL_NOT_A_DATE),
        (1, col.OWNER_FIRM, "Both", Code.CELL_NOT_IN_LIST),
    ],
)
def test_errors_of_an_action_stop_the_master(tmp_path, row, column, value, code):
    sheets = good_sheets()
    set_value(sheets, "Actions", row, column, value)
    errors = [p for p in _problems(tmp_path, sheets) if p.severity == ERROR]
    assert [(p.sheet, p.code) for p in errors] == [("Actions", code)]


def test_the_writer_writes_the_table_with_an_owner_firm_dropdown(tmp_path):
    path = tmp_path / "master.xlsx"
    tables = sample_tables()
    write_master(path, sample_settings(), tables, today=dt.date(2026, 12, 1))
    ws = load_workbook(path)["Actions"]
    [table] = ws.tables.values()
    assert table.displayName == "tblActions"
    assert table.ref == f"A1:H{len(tables['Actions']) + 1}"
    assert tuple(c.value for c in ws[1]) == ACTION_COLUMNS
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert set(lists) == {"D2"}  # Owner firm
    assert ws["F2"].number_format == "yyyy-mm-dd"
    master = load_master(path)
    assert master.actions.reset_index(drop=True).equals(tables["Actions"])
