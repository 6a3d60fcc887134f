"""Line-by-line reconciliation of two passbooks."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import cvm_xl
from cvm_xl.core.passbook import passbook_lines
from cvm_xl.core.reconcile import DIFFERS, MISSING_IN_A, MISSING_IN_B, Difference, reconcile


@pytest.fixture
def lines() -> pd.DataFrame:
    ideas = pd.DataFrame(
        {
            "Idea ID": ["A1", "A2", "A3"],
            "Customer ID": "C",
            "Supplier annual": [56_000, 220_000, 10_000],
            "Customer annual": [-22_000, 167_000, 5_000],
            "Customer one-time": [None, -550_000, None],
            "Status": ["Signed off", "Implementing", "Delivered"],
        }
    )
    return passbook_lines(cvm_xl.evaluate_ideas(ideas))


def test_identical_passbooks_agree(lines: pd.DataFrame) -> None:
    assert reconcile(lines, lines.copy()) == []
    # Order of lines and extra columns do not matter.
    shuffled = lines.sample(frac=1, random_state=3).assign(Note="x")
    assert reconcile(lines, shuffled) == []


def test_differences_missing_lines_and_tolerance(lines: pd.DataFrame) -> None:
    b = lines.copy()
    b.loc[0, "Amount"] += 0.5  # within the default tolerance
    b.loc[1, "Amount"] += 100  # A1's customer value differs
    b = b[b["Idea ID"] != "A3"]  # the customer has not entered A3 yet
    extra = pd.DataFrame([{"Idea ID": "A9", "Line": "Transfer", "Amount": 5.0}])
    b = pd.concat([b, extra], ignore_index=True)
    found = reconcile(lines, b)
    assert Difference("A1", "Customer value", DIFFERS, -66_000.0, -65_900.0) in found
    assert found[0].delta == 100
    assert [d for d in found if d.kind == MISSING_IN_B] == [
        Difference("A3", line, MISSING_IN_B, amount, None)
        for line, amount in [
            ("Supplier value", 30_000.0),
            ("Customer value", 15_000.0),
            ("Transfer", 7_500.0),
        ]
    ]
    assert [d for d in found if d.kind == MISSING_IN_A] == [
        Difference("A9", "Transfer", MISSING_IN_A, None, 5.0)
    ]
    assert len(found) == 5
    assert len(reconcile(lines, b, tolerance=0)) == 6


def test_duplicate_lines_are_refused(lines: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="lists idea A1 line 'Supplier value' more than once"):
        reconcile(pd.concat([lines, lines.head(1)]), lines)


@given(st.lists(st.floats(-1e7, 1e7), min_size=1, max_size=20), st.floats(0, 10))
def test_reconcile_is_symmetric(amounts: list[float], shift: float) -> None:
    assume(abs(shift - 0.5) > 1e-6)  # at the tolerance itself, rounding of a + shift decides
    a = pd.DataFrame(
        {"Idea ID": [f"I{i}" for i in range(len(amounts))], "Line": "Transfer", "Amount": amounts}
    )
    b = a.assign(Amount=a["Amount"] + shift)
    ab, ba = reconcile(a, b), reconcile(b, a)
    assert [(d.idea_id, d.line) for d in ab] == [(d.idea_id, d.line) for d in ba]
    assert (len(ab) == 0) == (shift <= 0.5)
