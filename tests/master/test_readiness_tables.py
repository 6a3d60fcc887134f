"""The relationship tables of the master: layout, validation problems and typed values."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from cvm_xl.core.columns import CUSTOMER_COLUMNS, IDEA_INPUTS, WORKSHOP_COLUMNS
from cvm_xl.core.problems import ERROR, WARNING, Code, Problem
from cvm_xl.master.readiness_checks import check_relationship, check_table, table_problems
from cvm_xl.master.schema import RELATIONSHIP_TABLES, table_for_headers
from cvm_xl.readiness import tables
from cvm_xl.readiness.exits import empty_exit_triggers
from cvm_xl.readiness.lifecycle import empty_lifecycle
from cvm_xl.readiness.maturity import empty_maturity
from cvm_xl.readiness.objectives import empty_objectives

D = dt.date
FILE = "master.xlsm"


def rows(data: dict[str, list], first_row: int = 5) -> pd.DataFrame:
    n = len(next(iter(data.values())))
    index = pd.Index(range(first_row, first_row + n), name="Excel row")
    return pd.DataFrame({k: pd.Series(v, dtype=object, index=index) for k, v in data.items()})


def found(problems: list[Problem]) -> list[tuple]:
    return [(p.row, p.column, p.severity) for p in problems]


# --- layout --------------------------------------------------------------------------------------


def test_every_table_has_its_own_sheet_and_a_customer_id() -> None:
    assert tables.SHEETS == tuple(RELATIONSHIP_TABLES) == (
        "Life cycle", "Maturity", "Objectives", "Risks", "Exit triggers", "Issue log", "Out of bounds topics",
        "Reviews", "KPI readings",
    )  # fmt: skip
    for sheet, spec in RELATIONSHIP_TABLES.items():
        layout = tables.TABLES[sheet]  # the readiness rules' column order is the schema's
        assert (spec.names, spec.computed) == (layout.inputs, layout.computed)
        assert "Customer ID" in spec.names
        assert set(spec.required) <= set(spec.names)
        assert set(spec.signature) <= set(spec.names)
        assert set(spec.keys) <= set(spec.names)
        assert len(set(layout.columns)) == len(layout.columns)
        assert len(spec.name) <= 31  # Excel's limit for a sheet name
    assert tables.MASTER_ONLY_SHEETS == ("Out of bounds topics",)


def test_every_dropdown_belongs_to_an_input_column() -> None:
    for (sheet, column), values in tables.LIST_VALUES.items():
        assert column in tables.TABLES[sheet].inputs
        assert len(values) == len(set(values))


def test_tables_are_recognised_by_their_headers() -> None:
    assert table_for_headers([" customer ID", "firm", "ATTRIBUTES", "Ability", "Attitude", "Extra"]).name == (
        "Maturity"
    )
    assert table_for_headers(["Customer ID", "Firm", "Objective"]).name == "Objectives"
    assert table_for_headers(tables.RISKS.columns).name == "Risks"
    for spec in RELATIONSHIP_TABLES.values():
        assert table_for_headers(spec.names) is spec
    # the tables of SPEC §4 are never taken for a relationship table
    for headers in (IDEA_INPUTS, CUSTOMER_COLUMNS, WORKSHOP_COLUMNS, ("Setting", "Value")):
        assert table_for_headers(headers) is None


# --- absent sheets and empty templates -----------------------------------------------------------


def test_a_master_without_relationship_sheets_is_valid() -> None:
    assert check_relationship({}, file=FILE, customer_ids=["C1"]) == {}
    assert check_relationship({"Risks": None}, file=FILE) == {}


def test_empty_templates_are_valid() -> None:
    found_tables = {
        "Life cycle": empty_lifecycle("C1"),
        "Maturity": empty_maturity("C1"),
        "Objectives": empty_objectives("C1"),
        "Exit triggers": empty_exit_triggers("C1"),
    }
    checked = check_relationship(found_tables, file=FILE, customer_ids=["C1"])
    assert all(c.problems == [] for c in checked.values())
    assert len(checked["Life cycle"].table) == 60
    assert len(checked["Maturity"].table) == 0  # unrated rows carry nothing: the verdict is Not assessed
    assert len(checked["Objectives"].table) == 0  # unused lines of the template
    assert len(checked["Exit triggers"].table) == 0


def test_blank_lines_are_dropped_without_a_problem() -> None:
    risks = rows({"Risk ID": ["R1", None], "Customer ID": ["C1", "C1"], "Risk": ["Supply", None]})
    checked = check_table("Risks", risks, file=FILE, customer_ids=["C1"])
    assert checked.problems == []
    assert checked.table.index.tolist() == [5]


# --- problems ------------------------------------------------------------------------------------


def test_risk_register_problems_all_at_once() -> None:
    risks = rows(
        {
            "risk id": ["R1", "R2", "r1", "R4", None],
            " Customer ID ": ["C1", "C01", "C1", "C1", "C1"],
            "Risk": ["Supply", "Price", None, "IT", "Quality"],
            "Likelihood": [4, 6, 2, None, 3],
            "Impact": [5, "high", 2, 3, 3],
            "Status": [None, "Closed", "opn", "Accepted", None],
            "Out of bounds": [None, "No", "perhaps", None, None],
        }
    )
    letters = {
        "Risk ID": "A",
        "Customer ID": "B",
        "Risk": "C",
        "Likelihood": "D",
        "Impact": "E",
        "Status": "F",
    }
    problems = table_problems("Risks", risks, file=FILE, customer_ids=["C1", "C2"], letters=letters)
    assert found(problems) == [
        (6, "Customer ID", ERROR),
        (6, "Likelihood", ERROR),
        (6, "Impact", ERROR),
        (7, "Risk", ERROR),
        (7, "Status", ERROR),
        (7, "Out of bounds", ERROR),
        (9, "Risk ID", ERROR),
        (7, "Risk ID", ERROR),  # duplicate of R1 (case ignored)
        (8, "Likelihood", WARNING),
    ]
    by_place = {(p.row, p.column): p for p in problems}
    unknown = by_place[(6, "Customer ID")]
    assert unknown.file == FILE and unknown.sheet == "Risks" and unknown.ref == "B6"
    assert unknown.value == "C01"
    assert unknown.message == "Customer ID 'C01' is not in the Customers table."
    assert unknown.fix == (
        "Did you mean 'C1'? Use a Customer ID of the Customers sheet, or add the customer there first."
    )
    assert by_place[(6, "Likelihood")].message == "'6' is not a likelihood score."
    assert by_place[(6, "Likelihood")].fix == "Enter a whole number from 1 (lowest) to 5 (highest)."
    assert by_place[(7, "Risk")].message == "Risk is blank."
    assert (
        by_place[(7, "Status")].fix == "Did you mean 'Open'? Use one of Open, Mitigating, Accepted, Closed."
    )
    assert by_place[(7, "Risk ID")].message == "Risk ID 'r1' appears more than once (first on row 5)."
    assert by_place[(7, "Risk ID")].ref == "A7"
    assert by_place[(8, "Likelihood")].message == "The risk has no Likelihood, so it has no rating."
    assert str(by_place[(9, "Risk ID")]) == (
        "master.xlsm: Risks!A9 (Risk ID): Risk ID is blank. "
        "Fill in Risk ID, or delete the row if it is not used."
    )
    assert [p.code for p in problems] == [
        Code.REFERENCE_UNKNOWN, Code.CELL_NOT_A_SCORE, Code.CELL_NOT_A_SCORE, Code.CELL_REQUIRED,
        Code.CELL_NOT_IN_LIST, Code.CELL_NOT_YES_NO, Code.CELL_REQUIRED, Code.KEY_DUPLICATE,
        Code.RISKS_HALF_RATED,
    ]  # fmt: skip


def test_typed_risk_register() -> None:
    risks = rows(
        {
            "Risk ID": ["R1", 7.0],
            "Customer ID": ["C1", "C1"],
            "Risk": ["  Supply   gap ", "Price"],
            "Likelihood": ["4", 2.0],
            "Impact": [5, None],
            "Status": ["mitigating", None],
            "Out of bounds": ["y", None],
            "My own column": ["kept", 1],
        }
    )
    checked = check_table("Risks", risks, file=FILE)
    table = checked.table
    assert list(table.columns) == [*tables.RISKS.inputs, "My own column"]
    assert table.index.name == "Excel row"
    assert table.loc[5, "Risk"] == "Supply   gap"  # trimmed, as the loader reads text
    assert table.loc[6, "Risk ID"] == "7"
    assert table["Likelihood"].tolist() == [4.0, 2.0]
    assert table["Likelihood"].dtype == float
    assert math.isnan(table.loc[6, "Impact"])
    assert table["Status"].tolist() == ["Mitigating", "Open"]
    assert table["Out of bounds"].tolist() == [True, False]
    assert table.loc[5, "Owner"] is None
    assert table["My own column"].tolist() == ["kept", 1]
    assert found(checked.problems) == [(6, "Impact", WARNING)]


def test_missing_required_column() -> None:
    risks = rows({"Risk ID": ["R1"], "Customer ID": ["C1"]})
    problems = table_problems("Risks", risks, file=FILE)
    assert [(p.row, p.column, p.message) for p in problems] == [
        (None, "Risk", "The Risks table has no 'Risk' column.")
    ]
    assert problems[0].fix == "Add a column headed 'Risk' to the Risks table."


def test_life_cycle_problems() -> None:
    table = rows(
        {
            "Customer ID": ["C1", "C1", "C1", "C1", "C1"],
            "Stage": ["Awareness", "Awarenes", "Awareness", "Value creation", "Value creation"],
            "Item": ["Key individuals", "Business objectives", "key  individuals", "Our own item", None],
            "Done": ["Yes", "No", "N/A", "maybe", None],
        }
    )
    checked = check_table("life cycle", table, file=FILE, customer_ids=["C1"])
    assert found(checked.problems) == [
        (6, "Stage", ERROR),
        (8, "Done", ERROR),
        (9, "Item", ERROR),
        (7, "Item", ERROR),
    ]
    assert checked.problems[0].fix.startswith("Did you mean 'Awareness'?")
    assert checked.problems[1].message == "'maybe' is not Yes, No or N/A."
    assert "appears more than once (first on row 5)" in checked.problems[3].message
    assert checked.table["Done"].tolist() == ["Yes", "No", "N/A", None, None]


def test_maturity_problems() -> None:
    table = rows(
        {
            "Customer ID": ["C1", "C1", "C1"],
            "Firm": ["Supplier", "Customer", "customer"],
            "Attributes": ["a", "B", "E"],
            "Ability": ["B", None, "C"],
            "Attitude": ["A", "D", "C"],
        }
    )
    checked = check_table("Maturity", table, file=FILE)
    assert found(checked.problems) == [(7, "Attributes", ERROR), (7, "Firm", ERROR)]
    assert checked.problems[0].fix == (
        "Use one of A, B, C, D: A is the most collaborative level, D the arm's-length one."
    )
    assert checked.table["Attributes"].tolist() == ["A", "B", None]


def test_objectives_accept_mine_yours_ours() -> None:
    table = rows(
        {
            "Customer ID": ["C1", "C1", "C1", "C1"],
            "Firm": ["mine", "Yours", "Theirs", "Joint"],
            "Objective": ["a", "b", "c", None],
            "Agreed": ["Yes", None, "No", "Yes"],
        }
    )
    checked = check_table("Objectives", table, file=FILE)
    assert found(checked.problems) == [(7, "Firm", ERROR), (8, "Objective", ERROR)]
    assert checked.problems[0].fix == ("Use one of Supplier, Customer, Joint (Mine, Yours, Ours also work).")
    assert checked.table["Firm"].tolist() == ["Supplier", "Customer", None, "Joint"]
    assert checked.table["Agreed"].tolist() == [True, False, False, True]


def test_issue_log_problems() -> None:
    table = rows(
        {
            "Issue ID": ["I1", "I2", "I3", "I4"],
            "Customer ID": ["C1", "C1", "C1", "C1"],
            "Raised": [D(2025, 3, 1), "2025-03-01", "March", None],
            "Issue": ["a", "b", "c", "d"],
            "Category": ["Quality", "Safety", None, None],
            "Escalation level": [3, "Board", None, None],
            "Due": [D(2025, 2, 1), None, None, None],
            "Resolved": [D(2025, 2, 28), None, D(2025, 4, 1), None],
            "Resolution": [None, None, None, None],
            "Status": ["Resolved", None, "Open", None],
        }
    )
    checked = check_table("Issue log", table, file=FILE)
    assert found(checked.problems) == [
        (6, "Category", WARNING),
        (6, "Escalation level", ERROR),
        (7, "Raised", ERROR),
        (8, "Raised", ERROR),
        (5, "Resolved", ERROR),
        (5, "Due", ERROR),
        (5, "Resolution", WARNING),
        (7, "Status", WARNING),
    ]
    by_place = {(p.row, p.column): p for p in checked.problems}
    assert by_place[(5, "Resolved")].message == "Resolved (2025-02-28) is before Raised (2025-03-01)."
    assert by_place[(7, "Raised")].message == "'March' is not a date."
    assert (
        by_place[(6, "Category")].message
        == "'Safety' is not one of the listed categories; it is kept as typed."
    )
    typed = checked.table
    assert typed["Raised"].tolist()[:2] == [D(2025, 3, 1), D(2025, 3, 1)]
    assert typed["Category"].tolist() == ["Quality", "Safety", None, None]
    assert typed["Escalation level"].tolist() == ["Executive sponsors", None, "Working team", "Working team"]
    assert typed["Status"].tolist() == ["Resolved", "Open", "Open", "Open"]


def test_exit_trigger_without_action_is_a_warning() -> None:
    table = rows(
        {
            "Customer ID": ["C1", "C1"],
            "Trigger": ["Ownership change", "Old trigger"],
            "Action": [None, None],
            "Status": [None, "Retired"],
            "Last reviewed": [D(2025, 1, 1), 123],
        }
    )
    checked = check_table("Exit triggers", table, file=FILE)
    assert [(p.row, p.column, p.severity, p.message) for p in checked.problems] == [
        (6, "Last reviewed", ERROR, "123 is a number, not a date."),
        (5, "Action", WARNING, "The exit trigger has no agreed Action."),
    ]
    assert checked.table["Status"].tolist() == ["Monitoring", "Retired"]
    serial = check_table("Exit triggers", table.assign(**{"Last reviewed": [45000, "2025-01-31"]}), file=FILE)
    assert serial.table["Last reviewed"].tolist() == [D(2023, 3, 15), D(2025, 1, 31)]  # an Excel serial date


def test_topics_may_hold_for_every_customer() -> None:
    table = rows({"Customer ID": [None, "C7"], "Topic": ["Prices to other customers", "Rival's grades"]})
    problems = table_problems("Out of bounds topics", table, file=FILE, customer_ids=["C1"])
    assert found(problems) == [(6, "Customer ID", ERROR)]


def test_unknown_sheet_name() -> None:
    with pytest.raises(KeyError, match="not a relationship table"):
        check_table("Ideas", rows({"Idea ID": ["I1"]}), file=FILE)


def test_check_relationship_uses_canonical_sheet_names_and_letters() -> None:
    risks = rows({"Risk ID": ["R1"], "Customer ID": ["C9"], "Risk": ["x"]})
    out = check_relationship(
        {"risks": risks}, file=FILE, customer_ids=["C1"], letters={"risks": {"Customer ID": "C"}}
    )
    assert list(out) == ["Risks"]
    assert [p.ref for p in out["Risks"].problems] == ["C5"]
    assert out["Risks"].errors == out["Risks"].problems
