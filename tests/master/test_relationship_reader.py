"""load_master reads the optional relationship sheets (SPEC §3.9) with the standards of SPEC §4:
tables found by their headers anywhere near the top, every problem of the file at once, each
naming the sheet, row, column and cell, and a master without these sheets still valid."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from loader_fixtures import good_sheets, write_sheets

from cvm_xl.core.problems import ERROR, WARNING, WorkbookError
from cvm_xl.core.values import is_blank
from cvm_xl.master.read import load_master
from cvm_xl.master.read_relationship import RelationshipSheet, read_relationship
from cvm_xl.readiness import tables as rt

D = dt.date
RISK_HEAD = [rt.RISK_ID, rt.CUSTOMER_ID, rt.RISK, rt.LIKELIHOOD, rt.IMPACT, rt.STATUS, rt.OUT_OF_BOUNDS]


def _master(tmp_path, extra: dict[str, list[list[object]]], origin: dict[str, str] | None = None):
    return load_master(write_sheets(tmp_path / "m.xlsx", {**good_sheets(), **extra}, origin))


def _problems(tmp_path, extra, origin=None) -> list:
    with pytest.raises(WorkbookError) as caught:
        _master(tmp_path, extra, origin)
    return caught.value.problems


def test_a_master_without_relationship_sheets_is_valid(tmp_path):
    master = _master(tmp_path, {})
    assert master.relationship == {}
    assert master.problems == ()


def test_tables_are_read_typed_by_header_wherever_they_start(tmp_path):
    extra = {
        "life CYCLE": [
            ["Checklist of the wave"],
            [],
            ["Note", " stage ", "Item", "customer id", "Done", "Owner's remark"],
            [None, "awareness", "Key individuals", "C01", "y", "ok"],
            ["not yet", "Knowledge", "Market analysis", "C01", None, None],
            [None, "Exit strategy", "Transition", "C02", "n/a", None],
        ],
        "Risks": [
            [*RISK_HEAD, rt.RATING],
            ["R-1", "C01", "Key engineer leaves", 4, "5", "mitigating", "No", 99],
            ["R-2", "C02", "Plant closure", None, None, None, None, None],
        ],
        "Issue log": [
            [rt.ISSUE_ID, rt.CUSTOMER_ID, rt.RAISED, rt.ISSUE, rt.ESCALATION_LEVEL],
            ["I-1", "C01", D(2025, 2, 3), "Late invoices", 2],
            ["I-2", "C01", "2025-03-01", "Damage", None],
        ],
    }
    master = _master(tmp_path, extra, {"life CYCLE": "B2"})
    assert list(master.relationship) == [rt.LIFECYCLE_SHEET, rt.RISKS_SHEET, rt.ISSUES_SHEET]
    life = master.relationship[rt.LIFECYCLE_SHEET]
    assert life.index.tolist() == [5, 6, 7]  # Excel rows
    assert life[rt.STAGE].tolist() == ["Awareness", "Knowledge", "Exit strategy"]
    assert life[rt.DONE].tolist() == ["Yes", None, "N/A"]
    remarks = life["Owner's remark"].tolist()  # an extra column is kept
    assert remarks[0] == "ok" and all(is_blank(x) for x in remarks[1:])
    risks = master.relationship[rt.RISKS_SHEET]
    assert rt.RATING not in risks.columns  # computed columns are recomputed, never read
    assert risks[rt.LIKELIHOOD].tolist()[0] == 4.0 and math.isnan(risks[rt.LIKELIHOOD].tolist()[1])
    assert risks[rt.STATUS].tolist() == ["Mitigating", "Open"]  # blank status means Open
    assert risks[rt.OUT_OF_BOUNDS].tolist() == [False, False]
    issues = master.relationship[rt.ISSUES_SHEET]
    assert issues[rt.RAISED].tolist() == [D(2025, 2, 3), D(2025, 3, 1)]
    assert issues[rt.ESCALATION_LEVEL].tolist() == ["Joint management team", "Working team"]


def test_every_problem_is_located_and_reported_with_the_other_sheets(tmp_path):
    sheets = {
        "Risks": [
            RISK_HEAD,
            ["R-1", "C01", "Key engineer leaves", 7, 5, None, None],
            ["R-1", "C09", "Duplicate and unknown customer", 2, 2, "Shut", None],
        ],
        "Maturity": [
            [rt.CUSTOMER_ID, rt.FIRM, *rt.DIMENSIONS],
            ["C01", "Supplier", "A", "E", "B"],
        ],
    }
    extra = {**sheets, "Ideas": good_sheets()["Ideas"]}
    extra["Ideas"][1][5] = "lots"  # a §4 problem too: Supplier annual of I-01
    problems = _problems(tmp_path, extra)
    found = [(p.sheet, p.row, p.column, p.ref, p.severity) for p in problems]
    assert ("Ideas", 2, "Supplier annual", "F2", ERROR) in found
    assert ("Risks", 2, rt.LIKELIHOOD, "D2", ERROR) in found
    assert ("Risks", 3, rt.RISK_ID, "A3", ERROR) in found  # R-1 twice
    assert ("Risks", 3, rt.CUSTOMER_ID, "B3", ERROR) in found
    assert ("Risks", 3, rt.STATUS, "F3", ERROR) in found
    assert ("Maturity", 2, "Ability", "D2", ERROR) in found
    # the §4 sheets first, then the relationship sheets in their order, each row by row
    sheets_in_order = list(dict.fromkeys(p.sheet for p in problems))
    assert sheets_in_order.index("Ideas") < sheets_in_order.index("Maturity") < sheets_in_order.index("Risks")
    likelihood = next(p for p in problems if p.column == rt.LIKELIHOOD)
    assert likelihood.file.endswith("m.xlsx") and likelihood.value == 7
    assert "whole number from 1" in likelihood.fix
    unknown = next(p for p in problems if p.column == rt.CUSTOMER_ID)
    assert "C09" in unknown.message and "Customers" in unknown.fix


def test_error_cells_and_missing_columns(tmp_path):
    extra = {
        "Exit triggers": [[rt.CUSTOMER_ID, rt.TRIGGER, rt.ACTION, rt.LAST_REVIEWED],
                          ["C01", "Merger", "Talk", "#N/A"]],
        "Issue log": [[rt.ISSUE_ID, rt.CUSTOMER_ID, rt.ISSUE], ["I-1", "C01", "No raised date column"]],
    }  # fmt: skip
    found = {(p.sheet, p.row, p.column, p.severity): p for p in _problems(tmp_path, extra)}
    error_cell = found[("Exit triggers", 2, rt.LAST_REVIEWED, ERROR)]
    assert "#N/A" in error_cell.message and error_cell.ref == "D2"
    missing = found[("Issue log", None, rt.RAISED, ERROR)]
    assert "no 'Raised' column" in missing.message


def test_a_users_own_sheet_of_that_name_is_left_alone_with_a_warning(tmp_path):
    master = _master(tmp_path, {"Risks": [["Our risks this year"], ["Steel price", "high"]]})
    assert master.relationship == {}
    (warning,) = master.problems
    assert (warning.sheet, warning.severity) == ("Risks", WARNING)
    assert "Risk ID" in warning.message and "rename" in warning.fix


def test_warnings_do_not_stop_the_load(tmp_path):
    extra = {"Issue log": [[rt.ISSUE_ID, rt.CUSTOMER_ID, rt.RAISED, rt.ISSUE, rt.ISSUE_CATEGORY],
                           ["I-1", "C01", D(2025, 1, 2), "Odd one", "Weather"]]}  # fmt: skip
    master = _master(tmp_path, extra)
    assert master.relationship[rt.ISSUES_SHEET][rt.ISSUE_CATEGORY].tolist() == ["Weather"]
    assert [(p.sheet, p.column, p.severity) for p in master.problems] == [
        ("Issue log", rt.ISSUE_CATEGORY, WARNING)
    ]


def test_rows_of_a_table_total_row_and_blank_lines_are_not_records():
    sheet = RelationshipSheet(
        "Objectives",
        [
            [rt.CUSTOMER_ID, rt.FIRM, rt.OBJECTIVE],
            ["C01", "Mine", "Grow"],
            ["", "", ""],
            ["C01", "Ours", "x"],
        ],
    )
    sheet.scan.total_rows.add(4)
    tables, problems = read_relationship({rt.OBJECTIVES_SHEET: sheet}, "f.xlsx", ["C01"])
    assert problems == []
    assert tables[rt.OBJECTIVES_SHEET][rt.FIRM].tolist() == ["Supplier"]
