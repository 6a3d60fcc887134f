"""Bundles that rescue shelved ideas (issue 15): worked examples by hand, and properties held against
an exhaustive search."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cvm_xl.core import columns as col
from cvm_xl.core.balance import (
    SOLVER,
    new_bundle_id,
    propose_bundles,
    rescues,
)
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.settings import Settings
from cvm_xl.core.verdicts import GO_PRIORITY, NO_GO, SHELVE

# A firm may lose at most 150,000 on a one-sided idea: +300,000 / -200,000 is shelved.
SETTINGS = Settings(max_one_sided_loss=150_000)


def _idea(idea_id, vs, vc, status="Evaluated", customer="C-1", **more):
    return {
        col.IDEA_ID: idea_id,
        col.CUSTOMER_ID: customer,
        col.TITLE: f"Idea {idea_id}",
        col.SUPPLIER_ONE_TIME: vs,
        col.CUSTOMER_ONE_TIME: vc,
        col.STATUS: status,
        **more,
    }


def _plan(rows, s=SETTINGS, customer=None):
    return propose_bundles(evaluate_ideas(pd.DataFrame(rows), s), s, customer)


def test_the_issues_example_a_shelved_idea_rescued_by_a_counter_balancing_one():
    # I-001 +300,000 / -200,000 is W-L with net 100,000 but a 200,000 loss > 150,000: Shelve.
    # With I-002 -120,000 / +250,000: 180,000 / 50,000, W-W, net 230,000: Go, priority.
    # The rest cannot help or may not join: I-003 alone leaves the customer at -190,000; I-004 is
    # Dropped, I-005 signed off, I-006 out of bounds, I-007 unquantified, I-008 in a bundle already.
    rows = [
        _idea("I-001", 300_000, -200_000),
        _idea("I-002", -120_000, 250_000),
        _idea("I-003", 10_000, 10_000),
        _idea("I-004", 0, 900_000, "Dropped"),
        _idea("I-005", 0, 900_000, "Signed off"),
        _idea("I-006", 0, 900_000, **{col.OUT_OF_BOUNDS: "Yes"}),
        _idea("I-007", 0, 900_000, **{col.QUANTIFIED: "No"}),
        _idea("I-008", 0, 900_000, **{col.BUNDLE: "B-9"}),
    ]
    [plan] = _plan(rows)
    assert plan.customer_id == "C-1"
    assert plan.unrescued == []
    [proposal] = plan.proposals
    assert proposal.target == "I-001"
    assert proposal.members == ("I-001", "I-002")
    assert (proposal.supplier_value, proposal.customer_value) == (180_000, 50_000)
    assert (proposal.cell, proposal.verdict, proposal.net_value) == ("W-W", GO_PRIORITY, 230_000)
    assert plan.solves >= 2
    assert "HiGHS" in SOLVER and "scipy.optimize.milp" in SOLVER


def test_fewest_members_first_then_the_largest_net_value():
    # I-002 + I-003 together make 300,000 - 20,000 - 20,000 = 260,000 / -200,000 + 400,000 + 400,000:
    # net 860,000, but two members; I-004 alone (-50,000 / +210,000) rescues with net 260,000 and
    # I-005 alone (-120,000 / +250,000) with net 230,000: the single idea with the larger net wins.
    rows = [
        _idea("I-001", 300_000, -200_000),
        _idea("I-002", -20_000, 200_000),
        _idea("I-003", -20_000, 200_000),
        _idea("I-005", -120_000, 250_000),
        _idea("I-004", -50_000, 210_000),
    ]
    [plan] = _plan(rows)
    assert [p.members for p in plan.proposals] == [("I-001", "I-004")]
    assert plan.proposals[0].net_value == 260_000


def test_a_tie_is_broken_by_the_smaller_ids():
    # I-011 (-60,000 / +210,000) and I-012 (-100,000 / +250,000) both rescue I-001 alone with the
    # same net value 250,000: the smaller ID wins, wherever the ideas stand in the table.
    rows = [
        _idea("I-012", -100_000, 250_000),
        _idea("I-001", 300_000, -200_000),
        _idea("I-011", -60_000, 210_000),
    ]
    [plan] = _plan(rows)
    assert [p.members for p in plan.proposals] == [("I-001", "I-011")]
    # Two members needed (no single idea lifts the customer above 0). By hand, target 300,000 / -250,000:
    #   I-002 + I-009: 300,000 / 50,000, net 350,000    I-003 + I-004: 340,000 / 10,000, net 350,000
    #   I-002 + I-003 or I-004: net 300,000             I-009 + I-003 or I-004: customer -20,000
    # Tied on net, ('I-002', 'I-009') beats ('I-003', 'I-004') at its first place.
    rows = [
        _idea("I-001", 300_000, -250_000),
        _idea("I-004", 20_000, 130_000),
        _idea("I-003", 20_000, 130_000),
        _idea("I-009", 100_000, 100_000),
        _idea("I-002", -100_000, 200_000),
    ]
    [plan] = _plan(rows)
    assert [p.members for p in plan.proposals] == [("I-001", "I-002", "I-009")]
    assert plan.proposals[0].net_value == 350_000


def test_a_target_no_bundle_can_rescue_is_named_with_the_reason():
    # The customer's other open ideas give the customer at most 50,000 + 100,000 = 150,000: the
    # bundle's customer sum stays at -50,000 or below, never a win.
    rows = [
        _idea("I-001", 300_000, -200_000),
        _idea("I-002", -10_000, 50_000),
        _idea("I-003", 0, 100_000),
        _idea("I-004", 0, 900_000, "Dropped"),
    ]
    [plan] = _plan(rows)
    assert plan.proposals == []
    [left] = plan.unrescued
    assert (left.target, left.verdict) == ("I-001", SHELVE)
    assert left.reason == (
        "the customer's other open ideas add up to at most 150,000 for the customer, "
        "too little to turn its -200,000 into a win"
    )
    # Alone with its customer: nothing to bundle with.
    [plan] = _plan([rows[0], _idea("I-009", 0, 900_000, customer="C-2")], customer="C-1")
    assert plan.unrescued[0].reason == "the customer has no other open idea to bundle it with"


def test_the_reason_when_each_firm_could_win_but_not_together():
    # Supplier wins need I-002 (+400,000 for the supplier, -400,000 for the customer); customer wins
    # need I-003 (-400,000 / +400,000): together 300,000 / -200,000 again.
    rows = [
        _idea("I-001", 300_000, -200_000),
        _idea("I-002", 400_000, -400_000),
        _idea("I-003", -400_000, 400_000),
    ]
    [plan] = _plan(rows)
    assert plan.unrescued[0].reason == (
        "no combination of the customer's 2 other open ideas makes both firms win with enough net value"
    )


def test_a_no_go_idea_with_positive_net_is_a_target_too():
    # Indifference threshold 1,000: 800 / 800 is I-I, a No go although its net is 1,600.
    s = Settings(indifference_threshold=1_000)
    rows = [_idea("I-001", 800, 800), _idea("I-002", 5_000, 5_000), _idea("I-003", -500, -500)]
    [plan] = _plan(rows, s)
    assert plan.proposals[0].members == ("I-001", "I-002")
    # A No go whose net is 0 or less waits for nothing: I-003 is no target.
    assert [p.target for p in plan.proposals] == ["I-001"]
    assert plan.unrescued == []


def test_targets_never_share_a_member():
    # Two shelved ideas; I-010 is the only counter-balancing idea. I-002 has the larger net value,
    # so it is handled first and takes I-010; I-001 then has only I-002's leftovers -> unrescued.
    rows = [
        _idea("I-001", 300_000, -200_000),
        _idea("I-002", 400_000, -200_000),
        _idea("I-010", -120_000, 250_000),
    ]
    [plan] = _plan(rows)
    assert [(p.target, p.members) for p in plan.proposals] == [("I-002", ("I-002", "I-010"))]
    assert [u.target for u in plan.unrescued] == ["I-001"]
    assert plan.unrescued[0].verdict == SHELVE
    assert plan.unrescued[0].reason == "the customer's other open ideas are all in the bundles proposed above"
    # A target swept into an earlier target's bundle is rescued by it.
    rows = [
        _idea("I-001", 300_000, -200_000),
        _idea("I-002", -180_000, 420_000),  # L-W, a 180,000 loss: shelved too
    ]
    [plan] = _plan(rows)
    assert [(p.target, p.members) for p in plan.proposals] == [("I-002", ("I-001", "I-002"))]
    assert [(r.target, r.by) for r in plan.rescued_as_members] == [("I-001", "I-002")]


def test_members_never_name_two_sharing_methods():
    # Target 300,000 / -250,000 needs two of: I-002 -10,000 / 150,000 (proportional), I-003 the same
    # (compensate), I-004 -20,000 / 140,000 (no method). I-002 + I-003 (net 330,000) would name two
    # methods, a validation error: of the others (net 310,000 both) I-002 + I-004 has the smaller IDs.
    m = col.SHARING_METHOD
    rows = [
        _idea("I-001", 300_000, -250_000),
        _idea("I-002", -10_000, 150_000, **{m: "proportional"}),
        _idea("I-003", -10_000, 150_000, **{m: "Compensate"}),
        _idea("I-004", -20_000, 140_000),
    ]
    [plan] = _plan(rows)
    [proposal] = plan.proposals
    assert proposal.members == ("I-001", "I-002", "I-004")
    # The bundle's method is the members' explicit one: proportional at 50%, T = Vs - 0.5 x net.
    assert proposal.split_method == "proportional"
    assert proposal.transfer == 270_000 - 0.5 * 310_000
    assert sum(proposal.member_transfers) == pytest.approx(proposal.transfer)
    # A target naming compensate keeps I-002 out.
    rows[0] = {**rows[0], m: "compensate"}
    [plan] = _plan(rows)
    assert plan.proposals[0].members == ("I-001", "I-003", "I-004")
    assert plan.proposals[0].split_method == "compensate"


def test_the_proposal_carries_the_bundles_split():
    # W-W under auto: equal, T = (180,000 - 50,000) / 2 = 65,000, apportioned by band:
    # I-001 band 500,000, I-002 band 370,000 -> 65,000 x 500/870 and 65,000 x 370/870.
    [plan] = _plan([_idea("I-001", 300_000, -200_000), _idea("I-002", -120_000, 250_000)])
    [p] = plan.proposals
    assert (p.split_method, p.transfer) == ("equal", 65_000)
    assert p.member_transfers == pytest.approx((65_000 * 500_000 / 870_000, 65_000 * 370_000 / 870_000))
    assert (p.supplier_final, p.customer_final) == (115_000, 115_000)


def test_customers_are_solved_apart():
    rows = [
        _idea("I-001", 300_000, -200_000, customer="C-1"),
        _idea("I-002", -120_000, 250_000, customer="C-2"),
    ]
    plans = _plan(rows)
    assert [(p.customer_id, len(p.proposals), len(p.unrescued)) for p in plans] == [
        ("C-1", 0, 1),
        ("C-2", 0, 0),
    ]
    assert _plan(rows, customer="C-3") == []


def test_new_bundle_ids_do_not_clash():
    assert new_bundle_id("I-001", set()) == "B-I-001"
    assert new_bundle_id("I-001", {" b-i-001", "B-I-001-2"}) == "B-I-001-3"


# --- properties against an exhaustive search ---------------------------------------------------

AMOUNTS = st.integers(-8, 8).map(lambda k: k * 25_000)  # sums often land exactly on a threshold


def _exhaustive(base, others, s):
    """The best bundle by the issue's rule over every subset: fewest, largest net, smallest IDs."""
    best = None
    for size in range(1, len(others) + 1):
        for subset in itertools.combinations(others, size):
            vs = base[1] + sum(o[1] for o in subset)
            vc = base[2] + sum(o[2] for o in subset)
            if len({o[3] for o in subset} - {None}) > 1 or not rescues(vs, vc, s):
                continue  # members naming two sharing methods are a validation error
            key = (size, -round((vs + vc) * 100), tuple(sorted(o[0] for o in subset)))
            if best is None or key < best[0]:
                best = (key, tuple(sorted([base[0], *(o[0] for o in subset)])))
        if best is not None:
            return best[1]
    return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    target=st.tuples(st.integers(1, 12), st.integers(1, 12)).map(lambda t: (t[0] * 25_000, -t[1] * 25_000)),
    others=st.lists(
        st.tuples(AMOUNTS, AMOUNTS, st.sampled_from([None, None, "equal", "retain"])), min_size=0, max_size=10
    ),
    tau=st.sampled_from([0.0, 25_000.0]),
    sigma=st.sampled_from([0.0, 50_000.0, 200_000.0]),
)
@example((300_000, -200_000), [(-100_000, 250_000, None), (0, 100_000, None)], 0.0, 0.0)  # a rescue
@example((300_000, -200_000), [(0, 100_000, "equal")], 0.0, 0.0)  # none
def test_the_solver_is_never_beaten_by_an_exhaustive_search(target, others, tau, sigma):
    # The target is W-L with any loss: a max one-sided loss of 0 shelves every W-L with net > 0, and
    # those with net <= 0 are No go; only targets count, so keep the ones that are.
    s = Settings(indifference_threshold=tau, significance_threshold=sigma, max_one_sided_loss=0)
    rows = [_idea("T-000", *target)]
    rows += [_idea(f"I-{i:03d}", vs, vc, **{col.SHARING_METHOD: m}) for i, (vs, vc, m) in enumerate(others)]
    evaluated = evaluate_ideas(pd.DataFrame(rows), s)
    [plan] = propose_bundles(evaluated, s)
    code = evaluated[col.VERDICT_CODE].iloc[0]
    net = target[0] + target[1]
    if not (code == SHELVE.code or (code == NO_GO.code and net > 0)):
        return
    # With several targets the pool shrinks: compare the target handled first (largest net, then
    # the smaller ID) with the exhaustive search over every other idea.
    targets = [(net, "T-000")]
    targets += [
        (vs + vc, f"I-{i:03d}") for i, (vs, vc, _) in enumerate(others) if _is_target(evaluated, i + 1)
    ]
    if min(targets, key=lambda t: (-t[0], t[1]))[1] != "T-000":
        return
    pool = [(f"I-{i:03d}", vs, vc, m) for i, (vs, vc, m) in enumerate(others)]
    expected = _exhaustive(("T-000", *target), pool, s)
    COMPARED.append(expected is not None)
    got = [p.members for p in plan.proposals if p.target == "T-000"]
    assert got == ([expected] if expected else [])
    if not expected:
        assert any(u.target == "T-000" for u in plan.unrescued)


COMPARED: list[bool] = []  # how many examples reached the comparison (see the test below)


def _is_target(evaluated, row):
    code = evaluated[col.VERDICT_CODE].iloc[row]
    net = evaluated[col.NET_VALUE].iloc[row]
    return code == SHELVE.code or (code == NO_GO.code and net > 0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ideas=st.lists(st.tuples(AMOUNTS, AMOUNTS, st.sampled_from(["C-1", "C-2"])), min_size=1, max_size=12),
    sigma=st.sampled_from([0.0, 100_000.0]),
)
def test_every_proposal_is_a_win_win_go_and_no_idea_is_in_two_bundles(ideas, sigma):
    s = Settings(significance_threshold=sigma, max_one_sided_loss=50_000)
    rows = [_idea(f"I-{i:03d}", vs, vc, customer=c) for i, (vs, vc, c) in enumerate(ideas)]
    evaluated = evaluate_ideas(pd.DataFrame(rows), s)
    seen: set[str] = set()
    by_id = {r[col.IDEA_ID]: r for r in rows}
    for plan in propose_bundles(evaluated, s):
        for p in plan.proposals:
            assert p.cell == "W-W"
            assert p.supplier_value > 0 and p.customer_value > 0
            assert p.net_value >= sigma
            assert p.verdict == GO_PRIORITY
            assert len(p.members) >= 2
            assert {by_id[m][col.CUSTOMER_ID] for m in p.members} == {plan.customer_id}
            assert sum(by_id[m][col.SUPPLIER_ONE_TIME] for m in p.members) == p.supplier_value
            assert not seen & set(p.members)
            seen |= set(p.members)


def test_the_exhaustive_comparison_saw_rescues_and_failures():
    # The property above is no test that cannot fail: its random examples reach the comparison
    # (about a third do; the chance that at most 5 of 62 do is below one in a million).
    COMPARED.clear()
    test_the_solver_is_never_beaten_by_an_exhaustive_search()
    assert any(COMPARED) and not all(COMPARED)
    assert len(COMPARED) > 5
