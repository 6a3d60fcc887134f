"""Exit triggers, the issue log, "mine / yours / ours" objectives and out-of-bounds filtering."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from cvm_xl.readiness.exits import empty_exit_triggers, exit_summary, review_due, review_exits
from cvm_xl.readiness.issue_log import (
    days_open,
    due_date,
    flag_issues,
    is_overdue,
    issue_summary,
    parse_category,
    parse_escalation,
)
from cvm_xl.readiness.objectives import (
    empty_objectives,
    objectives_check,
    objectives_summary,
    parse_objective_firm,
)
from cvm_xl.readiness.out_of_bounds import (
    exportable,
    is_out_of_bounds,
    out_of_bounds_ids,
    topics_for,
    without_out_of_bounds,
    without_references,
)

D = dt.date

# --- exit triggers -------------------------------------------------------------------------------


def test_review_is_due_three_calendar_months_after_the_last_one() -> None:
    # 31 January + 3 months = 30 April (the month's last day)
    assert review_due(None, D(2025, 1, 31), D(2025, 4, 29)) is False
    assert review_due(None, D(2025, 1, 31), D(2025, 4, 30)) is True
    assert review_due("Triggered", "2025-01-15", D(2025, 4, 15)) is True
    assert review_due("Monitoring", D(2025, 1, 15), D(2025, 4, 14)) is False
    assert review_due(None, D(2025, 1, 15), D(2025, 7, 14), months=6) is False


def test_never_reviewed_is_due_and_retired_never_is() -> None:
    assert review_due(None, None, D(2025, 1, 1)) is True
    assert review_due("retired", None, D(2025, 1, 1)) is False
    with pytest.raises(ValueError):
        review_due("Sleeping", None, D(2025, 1, 1))
    with pytest.raises(ValueError):
        review_due(None, "last spring", D(2025, 1, 1))


def _triggers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Customer ID": ["C1", "C1", "C1", "C2", "C2"],
            "Trigger": [
                "Customer changes owner",
                "Value guarantee missed twice",
                "Old",
                "Plant closes",
                None,
            ],
            "Action": ["Joint review within 30 days", None, "n/a", "Transition plan", None],
            "Status": [None, "Triggered", "Retired", "Monitoring", None],
            "Last reviewed": [D(2025, 3, 1), D(2024, 12, 1), None, "bad date", None],
        },
        index=[3, 4, 5, 6, 7],
    )


def test_review_exits_adds_review_due() -> None:
    out = review_exits(_triggers(), D(2025, 4, 1))
    assert out["Review due"].tolist() == ["No", "Yes", "No", "Yes", "Yes"]
    assert out.index.tolist() == [3, 4, 5, 6, 7]


def test_exit_summary() -> None:
    summary = exit_summary(_triggers(), D(2025, 4, 1))
    assert summary.to_dict("records") == [
        {"Customer ID": "C1", "Exit triggers": 2, "Triggered": 1, "Reviews due": 1, "Without action": 1},
        {"Customer ID": "C2", "Exit triggers": 1, "Triggered": 0, "Reviews due": 1, "Without action": 0},
    ]


def test_empty_exit_triggers_has_the_sheet_columns() -> None:
    empty = empty_exit_triggers("C1")
    assert empty.empty
    assert list(empty.columns) == [
        "Customer ID", "Trigger", "Action", "Owner firm", "Owner", "Status", "Last reviewed",
        "Out of bounds", "Review due",
    ]  # fmt: skip


# --- issue log -----------------------------------------------------------------------------------


def test_due_date_defaults_to_30_days_after_raised() -> None:
    assert due_date(D(2025, 1, 1), None) == D(2025, 1, 31)
    assert due_date(D(2025, 1, 1), D(2025, 1, 10)) == D(2025, 1, 10)
    assert due_date(None, None) is None
    assert due_date("2025-02-01", None, default_days=14) == D(2025, 2, 15)


def test_overdue_from_the_day_after_it_is_due() -> None:
    assert is_overdue(None, D(2025, 1, 1), None, D(2025, 1, 31)) is False
    assert is_overdue(None, D(2025, 1, 1), None, D(2025, 2, 1)) is True
    assert is_overdue("Open", D(2025, 1, 1), D(2025, 3, 1), D(2025, 2, 1)) is False
    assert is_overdue("Resolved", D(2025, 1, 1), None, D(2026, 1, 1)) is False
    assert is_overdue(None, None, None, D(2026, 1, 1)) is False


def test_days_open() -> None:
    assert days_open(None, D(2025, 1, 1), None, D(2025, 1, 11)) == 10
    assert days_open("Resolved", D(2025, 1, 1), D(2025, 1, 5), D(2025, 3, 1)) == 4
    assert days_open("Resolved", D(2025, 1, 1), None, D(2025, 3, 1)) is None
    assert days_open(None, None, None, D(2025, 3, 1)) is None


def test_escalation_levels_and_categories() -> None:
    assert parse_escalation(None) == "Working team"
    assert parse_escalation(2) == "Joint management team"
    assert parse_escalation("3") == "Executive sponsors"
    assert parse_escalation(" executive SPONSORS ") == "Executive sponsors"
    with pytest.raises(ValueError, match="Did you mean 'Working team'"):
        parse_escalation("working teem")
    assert parse_category("value sharing") == "Value sharing"
    assert parse_category("Safety") == "Safety"
    assert parse_category("") is None


def _issues() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Issue ID": ["I1", "I2", "I3", "I4", "I5"],
            "Customer ID": ["C1", "C1", "C1", "C2", "C2"],
            "Raised": [D(2025, 1, 1), D(2025, 2, 1), D(2025, 2, 20), D(2025, 1, 10), D(2025, 1, 10)],
            "Issue": ["Transfer for idea 7 disputed", "Late coils", "Data sharing", "Invoice", "Scrap"],
            "Escalation level": ["Executive sponsors", 2, None, None, None],
            "Due": [None, None, D(2025, 4, 1), None, None],
            "Resolved": [None, D(2025, 2, 11), None, D(2025, 1, 20), D(2025, 2, 9)],
            "Status": ["Open", "Resolved", None, "Resolved", "Resolved"],
        },
        index=pd.Index([2, 3, 4, 5, 6], name="Excel row"),
    )


def test_flag_issues() -> None:
    out = flag_issues(_issues(), D(2025, 3, 1))
    assert out["Days open"].tolist() == [59.0, 10.0, 9.0, 10.0, 30.0]
    assert out["Overdue"].tolist() == ["Yes", "No", "No", "No", "No"]


def test_issue_summary() -> None:
    summary = issue_summary(_issues(), D(2025, 3, 1))
    assert summary.to_dict("records") == [
        {
            "Customer ID": "C1",
            "Open issues": 2,
            "Overdue issues": 1,
            "Open at executive level": 1,
            "Resolved issues": 1,
            "Average days to resolve": 10.0,
        },
        {
            "Customer ID": "C2",
            "Open issues": 0,
            "Overdue issues": 0,
            "Open at executive level": 0,
            "Resolved issues": 2,
            "Average days to resolve": 20.0,
        },
    ]


def test_unreadable_issue_cells_do_not_stop_the_flags() -> None:
    issues = _issues()
    issues.loc[2, "Raised"] = "sometime"
    out = flag_issues(issues, D(2025, 3, 1))
    assert math.isnan(out.loc[2, "Days open"])
    assert out.loc[2, "Overdue"] == "No"


# --- objectives ----------------------------------------------------------------------------------


def test_mine_yours_ours() -> None:
    assert parse_objective_firm("Mine") == "Supplier"
    assert parse_objective_firm("yours") == "Customer"
    assert parse_objective_firm("OURS") == "Joint"
    assert parse_objective_firm("joint") == "Joint"
    assert parse_objective_firm(None) is None


def test_objectives_complete_only_when_all_three_are_there_and_agreed() -> None:
    table = pd.DataFrame(
        {
            "Customer ID": ["C1", "C1", "C1", "C1"],
            "Firm": ["Mine", "Customer", "Ours", "Joint"],
            "Objective": ["Share of business 60%", "Inventory -20%", "Joint grade launch", None],
            "Agreed": ["Yes", "y", True, None],
        }
    )
    check = objectives_check(table)
    assert check.complete is True
    assert check.counts == {"Supplier": 1, "Customer": 1, "Joint": 1}
    assert check.reasons == []
    table.loc[1, "Agreed"] = None
    table.loc[2, "Firm"] = "Supplier"
    check = objectives_check(table)
    assert check.complete is False
    assert check.reasons == ["No Joint objective (ours)", "1 objective not agreed yet"]


def test_empty_objectives_and_summary() -> None:
    empty = empty_objectives("C1")
    assert empty["Firm"].tolist() == ["Supplier", "Customer", "Joint"]
    assert objectives_check(empty).reasons == [
        "No Supplier objective (mine)",
        "No Customer objective (yours)",
        "No Joint objective (ours)",
    ]
    table = pd.DataFrame(
        {
            "Customer ID": ["C2", "C1", "C1", "C1"],
            "Firm": ["Supplier", "Supplier", "Customer", "Joint"],
            "Objective": ["a", "b", "c", "d"],
            "Agreed": ["No", "Yes", "Yes", "Yes"],
        }
    )
    summary = objectives_summary(table)
    assert summary.to_dict("records") == [
        {
            "Customer ID": "C1",
            "Supplier objectives": 1,
            "Customer objectives": 1,
            "Joint objectives": 1,
            "Not agreed": 0,
            "Objectives complete": "Yes",
        },
        {
            "Customer ID": "C2",
            "Supplier objectives": 1,
            "Customer objectives": 0,
            "Joint objectives": 0,
            "Not agreed": 1,
            "Objectives complete": "No",
        },
    ]


# --- out of bounds -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "out"),
    [("Yes", True), ("y", True), (True, True), (1, True), ("No", False), (False, False), (None, False),
     ("", False), (math.nan, False), ("maybe", True)],
)  # fmt: skip
def test_is_out_of_bounds_fails_closed(cell: object, out: bool) -> None:
    assert is_out_of_bounds(cell) is out


def test_out_of_bounds_rows_are_removed() -> None:
    ideas = pd.DataFrame(
        {
            "Idea ID": ["I1", "I2", "I3", "I4", "I5"],
            " out of BOUNDS ": ["Yes", None, "no", True, "unsure"],
        },
        index=pd.Index([2, 3, 4, 5, 6], name="Excel row"),
    )
    kept = without_out_of_bounds(ideas)
    assert kept["Idea ID"].tolist() == ["I2", "I3"]
    assert kept.index.tolist() == [3, 4]
    assert list(kept.columns) == ["Idea ID", " out of BOUNDS "]
    assert list(without_out_of_bounds(ideas, drop_column=True).columns) == ["Idea ID"]
    plain = pd.DataFrame({"Idea ID": ["I1"]})
    assert without_out_of_bounds(plain).equals(plain)
    assert without_out_of_bounds(plain) is not plain


def test_rows_referring_to_out_of_bounds_ideas_are_removed() -> None:
    ideas = pd.DataFrame({"Idea ID": ["I1", "I2", 3.0, "I4"], "Out of bounds": [False, True, True, "maybe"]})
    hidden = out_of_bounds_ids(ideas)
    assert hidden == {"I2", "3", "I4"}
    workshop = pd.DataFrame({"Raw ID": ["W1", "W2", "W3", "W4"], "Mother idea ID": ["I1", "I2", None, 3]})
    assert without_references(workshop, "Mother idea ID", hidden)["Raw ID"].tolist() == ["W1", "W3"]
    tracking = pd.DataFrame({"Idea ID": ["I4", "I1"], "Month": ["2025-01", "2025-01"]}, index=[7, 8])
    assert without_references(tracking, "Idea ID", hidden).index.tolist() == [8]
    assert out_of_bounds_ids(pd.DataFrame({"Idea ID": ["I1"]})) == set()
    assert without_references(tracking, "Idea ID", set()).equals(tracking)


def test_exportable_drops_the_topics_and_every_marked_row() -> None:
    tables = {
        "Ideas": pd.DataFrame({"Idea ID": ["I1", "I2"], "Out of bounds": [False, True]}),
        "Risks": pd.DataFrame({"Risk ID": ["R1", "R2"], "Out of bounds": ["Yes", "No"]}),
        "out of bounds TOPICS": pd.DataFrame({"Topic": ["Prices to competitors"]}),
        "Issue log": None,
        "Life cycle": pd.DataFrame({"Item": ["Key individuals"]}),
    }
    out = exportable(tables)
    assert list(out) == ["Ideas", "Risks", "Life cycle"]
    assert out["Ideas"]["Idea ID"].tolist() == ["I1"]
    assert out["Risks"]["Risk ID"].tolist() == ["R2"]
    assert len(out["Life cycle"]) == 1


def test_topics_for_a_customer_include_the_general_ones() -> None:
    topics = pd.DataFrame(
        {
            "Customer ID": ["C1", None, "C2", 101.0],
            "Topic": ["Steel grades for C1's rival", "Prices to other customers", "C2 only", "numeric"],
        }
    )
    assert topics_for(topics, "C1")["Topic"].tolist() == [
        "Steel grades for C1's rival",
        "Prices to other customers",
    ]
    assert topics_for(topics, "101")["Topic"].tolist() == ["Prices to other customers", "numeric"]
    assert topics_for(None, "C1").empty
