"""A chain idea is decided by its chain (issue 16, ``core.chain_decisions``): the decided frame.

Worked examples on the bundled sample: AUT-24 is "Go: priority" as a dyad and "Shelve" as a chain
idea; AUT-22 (Signed off) is split equally among the mill, the auto maker and the service centre,
so the supplier and the customer each pay the service centre and nothing flows between them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvm_xl.core import columns as col
from cvm_xl.core.chain import ANNUAL, ONE_TIME, PARTY_ID, evaluate_chain
from cvm_xl.core.chain_decisions import (
    DECISION_COLUMNS,
    ChainDecision,
    chain_decisions,
    two_firm_ideas,
    verdict_of_label,
    with_chain_decisions,
    with_decisions,
)
from cvm_xl.core.chain_passbook import net_flow
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.settings import Settings
from cvm_xl.core.verdicts import GO, GO_PRIORITY, SHELVE, VERDICTS
from cvm_xl.master.read import load_master

CHAIN_IDEAS = ("AUT-22", "AUT-23", "AUT-24")


@pytest.fixture(scope="module")
def master(sample_master):
    return load_master(sample_master)


def _row(frame: pd.DataFrame, idea: str) -> pd.Series:
    return frame[frame[col.IDEA_ID] == idea].iloc[0]


def test_aut_24_is_a_go_as_a_dyad_but_shelved_as_a_chain_idea(master):
    assert _row(master.evaluated, "AUT-24")[col.VERDICT_CODE] == GO_PRIORITY.code
    decided = _row(master.decided, "AUT-24")
    assert (decided[col.VERDICT_CODE], decided[col.VERDICT]) == (SHELVE.code, SHELVE.label)
    # a shelved idea gets no split: nothing is transferred, each firm keeps its own value
    assert decided[col.SPLIT_METHOD] == "none"
    assert decided[col.TRANSFER] == 0.0
    assert decided[col.SUPPLIER_FINAL] == decided[col.SUPPLIER_VALUE] == 45_000.0
    assert decided[col.CUSTOMER_FINAL] == decided[col.CUSTOMER_VALUE] == 60_000.0


def test_aut_22_is_decided_by_its_equal_chain_split_worked_by_hand(master):
    """Horizon 3, r = 0. Mill 30,000/yr -> 90,000; auto maker 40,000/yr -> 120,000; service centre
    -120,000 + 3 x 20,000 = -60,000. Chain net 150,000; equal: 50,000 each. Transfers: mill -40,000,
    auto maker -70,000, service centre +110,000: both firms pay the service centre, in proportion
    to what they pay, and nothing flows from the supplier to the customer (T = 0; dyad: -15,000)."""
    e = master.chain.idea("AUT-22")
    assert [s.value for s in e.shares] == [90_000.0, 120_000.0, -60_000.0]
    assert e.net == 150_000.0 and e.method == "equal" and e.verdict == GO
    assert [s.transfer for s in e.shares] == [-40_000.0, -70_000.0, 110_000.0]
    assert net_flow(e, "Supplier", "Customer") == 0.0
    assert _row(master.evaluated, "AUT-22")[col.TRANSFER] == -15_000.0
    decided = _row(master.decided, "AUT-22")
    assert decided[col.VERDICT_CODE] == GO.code and decided[col.SPLIT_METHOD] == "equal"
    assert (decided[col.TRANSFER], decided[col.SUPPLIER_FINAL], decided[col.CUSTOMER_FINAL]) == (
        0.0,
        90_000.0,
        120_000.0,
    )


def test_only_the_chain_ideas_decision_columns_change(master):
    ev, decided = master.evaluated, master.decided
    assert decided.index.equals(ev.index) and list(decided.columns) == list(ev.columns)
    chain = ev[col.IDEA_ID].isin(CHAIN_IDEAS).to_numpy()
    assert set(master.chain.chain_idea_ids) == set(CHAIN_IDEAS)
    pd.testing.assert_frame_equal(decided.loc[~chain], ev.loc[~chain])
    others = [c for c in ev.columns if c not in DECISION_COLUMNS]
    pd.testing.assert_frame_equal(decided[others], ev[others])
    for idea, d in chain_decisions(master.chain).items():
        row = _row(decided, idea)
        assert (row[col.VERDICT_CODE], row[col.SPLIT_METHOD], row[col.TRANSFER]) == (
            d.verdict.code,
            d.method,
            d.supplier_to_customer,
        )


def test_a_chain_idea_is_no_bundle_target_or_candidate(master):
    left = two_firm_ideas(master.decided, master.chain)
    assert not left[col.IDEA_ID].isin(CHAIN_IDEAS).any()
    assert len(left) == len(master.decided) - len(CHAIN_IDEAS)


def test_every_verdict_label_reads_back():
    assert all(verdict_of_label(f" {v.label} ") == v for v in VERDICTS)
    assert verdict_of_label("Go-ish") is None and verdict_of_label(None) is None


def test_decisions_of_ideas_not_in_the_frame_change_nothing(master):
    ev = master.evaluated
    assert with_decisions(ev, {"NOT-THERE": ChainDecision(SHELVE, "none", 5.0)}) is ev
    assert with_decisions(ev.iloc[0:0], chain_decisions(master.chain)).empty


# --- property: no chain values, no change -------------------------------------------------------------

_amount = st.one_of(st.none(), st.floats(-500_000, 500_000, allow_nan=False).map(lambda x: round(x, 2)))
_idea = st.fixed_dictionaries(
    {
        col.SUPPLIER_ANNUAL: _amount,
        col.SUPPLIER_ONE_TIME: _amount,
        col.CUSTOMER_ANNUAL: _amount,
        col.CUSTOMER_ONE_TIME: _amount,
        col.SHARING_METHOD: st.sampled_from([None, "auto", "equal", "retain", "proportional", "compensate"]),
        col.GOOD_FAITH: st.sampled_from([None, True, False]),
    }
)


def _ideas(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {col.IDEA_ID: f"I-{i}", col.CUSTOMER_ID: f"C{i % 3}", col.TITLE: "An idea", **row}
            for i, row in enumerate(rows)
        ]
    )
    for name in col.VALUE_INPUTS:
        frame[name] = frame[name].astype(float)
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="Excel row")
    return frame


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(_idea, min_size=1, max_size=8), horizon=st.sampled_from([1.0, 3.0, 5.0]))
def test_without_chain_values_the_decided_frame_is_the_evaluated_frame(rows, horizon):
    s = Settings(horizon_years=horizon)
    ideas = _ideas(rows)
    evaluated = evaluate_ideas(ideas, s)
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in (col.IDEA_ID, PARTY_ID, ANNUAL, ONE_TIME)})
    for chain_values in (None, empty):
        book = evaluate_chain(ideas, None, chain_values, s)
        decided = with_chain_decisions(evaluated, book)
        assert decided is evaluated
        pd.testing.assert_frame_equal(decided, evaluate_ideas(ideas, s))


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(_idea, min_size=2, max_size=8),
    annual=st.floats(-200_000, 200_000, allow_nan=False).map(lambda x: round(x, 2)),
)
def test_a_chain_idea_keeps_the_other_rows_and_its_finals_add_up(rows, annual):
    """One idea made a chain idea (a partner with an Annual value): every other row is unchanged, and
    its decided finals are its values less / plus the decided transfer (SPEC §3.5)."""
    s = Settings()
    ideas = _ideas(rows)
    ideas[col.SHARING_METHOD] = ideas[col.SHARING_METHOD].where(
        ~ideas[col.SHARING_METHOD].isin(["proportional", "compensate"]), None
    )
    parties = pd.DataFrame([{PARTY_ID: "P-1", col.CUSTOMER_ID: "C0", "Party": "Partner"}])
    values = pd.DataFrame([{col.IDEA_ID: "I-0", PARTY_ID: "P-1", ANNUAL: annual, ONE_TIME: None}])
    evaluated = evaluate_ideas(ideas, s)
    book = evaluate_chain(ideas, parties, values, s)
    decided = with_chain_decisions(evaluated, book)
    pd.testing.assert_frame_equal(decided.iloc[1:], evaluated.iloc[1:])
    row, e = decided.iloc[0], book.idea("I-0")
    assert row[col.VERDICT_CODE] == e.verdict.code and row[col.SPLIT_METHOD] == e.method
    t = net_flow(e, "Supplier", "Customer")
    assert row[col.TRANSFER] == t
    sides = ((col.SUPPLIER_VALUE, col.SUPPLIER_FINAL, -1), (col.CUSTOMER_VALUE, col.CUSTOMER_FINAL, 1))
    for value, final, sign in sides:
        if math.isnan(row[value]):
            assert math.isnan(row[final])
        else:
            assert row[final] == pytest.approx(row[value] + sign * t, abs=1e-6)
    assert np.isfinite(row[col.TRANSFER])
