"""Passbook lines, balances and the equity gap (SPEC §3.6) on a hand-worked portfolio."""

from __future__ import annotations

import pandas as pd
import pytest

import cvm_xl
from cvm_xl import Settings
from cvm_xl.core.passbook import balances, balances_by_customer, equity_gap, passbook_lines


@pytest.fixture
def portfolio() -> pd.DataFrame:
    ideas = pd.DataFrame(
        {
            "Idea ID": ["P1", "P2", "P3", "P4", "P5"],
            "Customer ID": ["C1", "C1", "C1", "C1", "C2"],
            "Title": ["Wider coils", "Thinner gauge", "Rush orders", "Not yet signed", "Other customer"],
            "Supplier annual": [100_000, -20_000, 30_000, 999, 10],
            "Customer annual": [-60_000, 80_000, 30_000, 999, 10],
            "One-off": ["Yes", None, None, None, None],
            "Status": ["Signed off", "Implementing", "Delivered", "Selected", "Signed off"],
        }
    )
    return cvm_xl.evaluate_ideas(ideas, Settings(horizon_years=1))


def test_lines_and_balances_by_hand(portfolio: pd.DataFrame) -> None:
    lines = passbook_lines(portfolio[portfolio["Customer ID"] == "C1"])
    # P1 one-off W-L: equal split T = 80,000. P2 L-W: retain. P3 W-W: equal, T = 0.
    assert list(lines["Idea ID"]) == ["P1"] * 3 + ["P2"] * 3 + ["P3"] * 3
    assert list(lines["Line"][:3]) == ["Supplier value", "Customer value", "Transfer"]
    assert list(lines["Amount"][:3]) == [100_000, -60_000, 80_000]
    assert list(lines["Supplier"][:3]) == [100_000, 0, -80_000]
    assert list(lines["Customer"][:3]) == [0, -60_000, 80_000]
    b = balances(lines, 0.5)
    # Bs = (100k - 80k) + (-20k) + 30k = 30k; Bc = (-60k + 80k) + 80k + 30k = 130k.
    assert (b.supplier, b.customer, b.total) == (30_000, 130_000, 160_000)
    assert b.equity_gap == 30_000 - 80_000  # the customer is ahead by 50,000
    assert b.supplier_share == pytest.approx(30 / 160)


def test_balances_by_customer(portfolio: pd.DataFrame) -> None:
    by = balances_by_customer(passbook_lines(portfolio), 0.5)
    assert set(by) == {"C1", "C2"}
    assert by["C2"].supplier == 10 and by["C2"].customer == 10 and by["C2"].equity_gap == 0


def test_equity_gap_sign() -> None:
    assert equity_gap(120, 80, 0.5) == 20  # supplier ahead
    assert equity_gap(80, 120, 0.5) == -20  # customer ahead
    assert equity_gap(60, 40, 0.6) == 0  # exactly at the target share


def test_unquantified_good_faith_idea_is_listed_without_moving_balances() -> None:
    ideas = pd.DataFrame({"Idea ID": ["G"], "Good faith": ["Yes"], "Status": ["Signed off"]})
    lines = passbook_lines(cvm_xl.evaluate_ideas(ideas))
    assert len(lines) == 3 and lines["Amount"].tolist() == [0, 0, 0]
    assert balances(lines).total == 0


@pytest.mark.parametrize(
    ("gap", "reading", "advice_start"),
    [
        (0.3, "Balanced", "Balanced"),
        (-0.5, "Balanced", "Balanced"),
        (0.51, "Supplier ahead", "S ahead by 1"),
        (-120_000, "Customer ahead", "C ahead by 120,000"),
    ],
)
def test_reading_and_advice_agree_on_what_is_balanced(gap: float, reading: str, advice_start: str) -> None:
    from cvm_xl.core.passbook import Balances, equity_advice, equity_reading

    b = Balances(supplier=gap, customer=-gap, total=0.0, target_supplier_share=0.5, equity_gap=gap)
    assert equity_reading(gap) == reading
    assert equity_advice(b, "S", "C").startswith(advice_start)
