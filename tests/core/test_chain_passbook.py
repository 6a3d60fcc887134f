"""Passbooks of a value chain (issue 16, ``core.chain_passbook``): pair flows, pair passbooks and
each party's equity gap, worked on Appendix-I idea 2 and held to SPEC §3.6 without partners."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvm_xl.core.chain import CUSTOMER, SUPPLIER, evaluate_chain
from cvm_xl.core.chain_passbook import (
    pair_flows,
    pair_passbooks,
    party_balances,
    party_targets,
    supplier_customer_transfers,
)
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.passbook import balances, passbook_lines
from cvm_xl.core.settings import Settings

H3 = Settings()
PARTIES = pd.DataFrame(
    [{"Party ID": "SC", "Customer ID": "C", "Party": "Service centre", "Role": "Service centre",
      "Disclose": True, "Target share": None}]
)  # fmt: skip


def _book(status: str = "Signed off"):
    ideas = pd.DataFrame([{"Idea ID": "I2", "Customer ID": "C", "Supplier annual": 220_000.0,
                           "Customer annual": 167_000.0, "Status": status}])  # fmt: skip
    chain = pd.DataFrame([{"Idea ID": "I2", "Party ID": "SC", "Annual": None, "One-time": -550_000.0}])
    return evaluate_chain(ideas, PARTIES, chain, H3)


def test_appendix_idea_2_flows_by_hand():
    book = _book()
    third = 611_000 / 3
    # Transfers: supplier pays 660,000 - third, the auto maker 501,000 - third; the service centre
    # receives third + 550,000, all of it, so each payer pays it all of what it pays.
    flows = pair_flows([s.transfer for s in book.ideas[0].shares])
    assert flows[0, 2] == pytest.approx(660_000 - third)
    assert flows[1, 2] == pytest.approx(501_000 - third)
    assert flows[0, 1] == flows[1, 0] == 0.0
    assert supplier_customer_transfers(book) == {"I2": 0.0}
    books = {(p.party_a, p.party_b): p for p in pair_passbooks(book, "C")}
    assert list(books) == [(SUPPLIER, CUSTOMER), (SUPPLIER, "SC"), (CUSTOMER, "SC")]
    line = books[(SUPPLIER, "SC")].lines[0]
    assert (line.value_a, line.value_b, line.flow) == pytest.approx((660_000, -550_000, 660_000 - third))
    assert books[(SUPPLIER, "SC")].balance_a == pytest.approx(third)


def test_equity_gaps_of_the_equal_split_are_zero_at_the_default_targets():
    gaps = party_balances(_book(), "C")
    # No Target share: the partner's target is 1/3; the firms share 2/3 at w* = 0.5.
    assert [g.target_share for g in gaps] == pytest.approx([1 / 3] * 3)
    assert [g.balance for g in gaps] == pytest.approx([611_000 / 3] * 3)
    assert [g.equity_gap for g in gaps] == pytest.approx([0.0] * 3, abs=1e-6)


def test_an_idea_outside_the_passbook_moves_no_balance():
    assert [g.balance for g in party_balances(_book("Selected"), "C")] == [0.0, 0.0, 0.0]
    assert [p.lines for p in pair_passbooks(_book("Selected"), "C")] == [()]


def test_partner_targets_come_first_and_the_firms_share_the_rest():
    book = evaluate_chain(pd.DataFrame(), PARTIES.assign(**{"Target share": [0.2]}), None, H3)
    targets = party_targets(book.relationship("C"), 0.6)
    assert targets == pytest.approx({SUPPLIER: 0.48, CUSTOMER: 0.32, "SC": 0.2})


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-(10**6), 10**6).map(float), min_size=2, max_size=12))
def test_payers_pay_what_they_give_and_receivers_get_what_they_receive(raw):
    t = np.array(raw) - np.mean(raw)  # transfers add to 0
    flows = pair_flows(t)
    paid, got = flows.sum(axis=1), flows.sum(axis=0)
    scale = max(1.0, float(np.abs(t).max()))
    assert paid == pytest.approx(np.where(t < 0, -t, 0.0), abs=1e-6 * scale)
    assert got == pytest.approx(np.where(t > 0, t, 0.0), abs=1e-6 * scale)
    assert (flows >= 0).all()


def test_without_partners_the_supplier_gap_is_spec_3_6():
    ideas = pd.DataFrame(
        [
            {"Idea ID": "A", "Customer ID": "C", "Supplier annual": 100_000.0, "Customer annual": -20_000.0,
             "Sharing method": "equal", "Status": "Delivered"},
            {"Idea ID": "B", "Customer ID": "C", "Supplier annual": 5_000.0, "Customer annual": 70_000.0,
             "Status": "Signed off"},
        ]
    )  # fmt: skip
    evaluated = evaluate_ideas(ideas, H3)
    book = evaluate_chain(ideas, None, None, H3)
    gaps = {g.party_id: g for g in party_balances(book, "C", evaluated)}
    spec = balances(passbook_lines(evaluated), H3.target_supplier_share)
    assert gaps[SUPPLIER].balance == pytest.approx(spec.supplier)
    assert gaps[CUSTOMER].balance == pytest.approx(spec.customer)
    assert gaps[SUPPLIER].equity_gap == pytest.approx(spec.equity_gap)
    assert math.fsum(g.equity_gap for g in gaps.values()) == pytest.approx(0.0, abs=1e-6)
