"""One row per customer for the internal Portfolio sheet."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from cvm_xl.readiness.lifecycle import empty_lifecycle
from cvm_xl.readiness.overview import OVERVIEW_COLUMNS, relationship_overview


def _customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Customer ID": ["C1", "C2", None],
            "Customer": ["Auto Co", "Build Co", "Unnamed"],
            "Industry quartile": [1.0, 1.0, math.nan],
            "Long-term culture": [4.0, 3.0, math.nan],
            "Excellence phase": ["III", "II", None],
            "Co-destiny": [4.0, 4.0, math.nan],
        },
        index=pd.Index([2, 3, 4], name="Excel row"),
    )


def test_without_relationship_sheets() -> None:
    out = relationship_overview(_customers(), {}, dt.date(2025, 6, 1))
    assert list(out.columns) == list(OVERVIEW_COLUMNS)
    assert out.index.tolist() == [2, 3, 4]
    assert out["Eligible"].tolist() == ["Yes", "No", "No"]
    assert out.loc[2, "Readiness"] == 0.0
    assert out.loc[2, "Current stage"] == "Awareness"
    assert out.loc[2, "Maturity verdict"] == "Not assessed"
    assert out.loc[4, "Maturity verdict"] is None
    assert out["Open risks"].tolist() == [0, 0, 0]
    assert out["Objectives complete"].tolist() == ["No", "No", "No"]


def test_hand_worked_overview() -> None:
    lifecycle = empty_lifecycle("C1")
    lifecycle.loc[lifecycle["Stage"] == "Awareness", "Done"] = "Yes"  # 7 of 60 items
    found = {
        "Life cycle": lifecycle,
        "Maturity": pd.DataFrame(
            {
                "Customer ID": ["C1", "C1"],
                "Firm": ["Supplier", "Customer"],
                "Attributes": ["A", "B"],
                "Ability": ["B", "C"],
                "Attitude": ["A", "B"],
            }
        ),
        "Risks": pd.DataFrame(
            {
                "Risk ID": ["R1", "R2", "R3"],
                "Customer ID": ["C1", "C1", "C2"],
                "Risk": ["a", "b", "c"],
                "Likelihood": [5, 1, 2],
                "Impact": [4, 1, 2],
                "Status": [None, "Closed", None],
            }
        ),
        "Issue log": pd.DataFrame(
            {
                "Issue ID": ["I1"],
                "Customer ID": ["C2"],
                "Raised": [dt.date(2025, 1, 1)],
                "Issue": ["late"],
            }
        ),
        "Exit triggers": pd.DataFrame({"Customer ID": ["C1"], "Trigger": ["t"], "Action": ["a"]}),
        "Objectives": pd.DataFrame(
            {
                "Customer ID": ["C1", "C1", "C1"],
                "Firm": ["Mine", "Yours", "Ours"],
                "Objective": ["x", "y", "z"],
                "Agreed": ["Yes", "Yes", "Yes"],
            }
        ),
        "Issue log (old)": None,
    }
    out = relationship_overview(_customers(), found, dt.date(2025, 6, 1)).set_index("Customer ID")
    assert out.loc["C1", "Readiness"] == pytest.approx(7 / 60)
    assert out.loc["C1", "Current stage"] == "Knowledge"
    assert out.loc["C1", "Maturity verdict"] == "Ready: development needs"
    assert out.loc["C1", ["Open risks", "Critical risks"]].tolist() == [1, 1]
    assert out.loc["C2", ["Open risks", "Critical risks"]].tolist() == [1, 0]
    assert out.loc["C2", ["Open issues", "Overdue issues"]].tolist() == [1, 1]
    assert out.loc["C1", "Exit reviews due"] == 1
    assert out.loc["C1", "Objectives complete"] == "Yes"
    assert out.loc["C2", "Objectives complete"] == "No"
