"""The equity closer (issue 15): worked examples computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from cvm_xl.core import columns as col
from cvm_xl.core.closers import TOP, equity_closer, open_go_mask
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.passbook import Balances
from cvm_xl.core.settings import Settings, SettingsError
from cvm_xl.core.spellings import is_open_status


def _idea(idea_id, vs, vc, status="Evaluated", **more):
    # One-time amounts only: the values are the amounts themselves whatever the horizon.
    return {
        col.IDEA_ID: idea_id,
        col.CUSTOMER_ID: "C-1",
        col.TITLE: f"Idea {idea_id}",
        col.SUPPLIER_ONE_TIME: vs,
        col.CUSTOMER_ONE_TIME: vc,
        col.STATUS: status,
        **more,
    }


# The relationship of the worked example: one signed idea, kept by each firm (retain), puts the
# supplier 200,000 ahead.
#   Bs = 500,000, Bc = 100,000, total 600,000; G = 500,000 - 0.5 x 600,000 = +200,000;
#   tolerance 5% x 600,000 = 30,000 < 200,000, so the closer is needed.
# Signing an open Go idea moves G by (Vs - T) - 0.5 x (Vs + Vc):
#   I-002 W-W 50,000/150,000, auto equal T = -50,000: moves 100,000/100,000 -> 0 (not listed)
#   I-003 I-W 0/120,000, retain: -60,000 -> gap 140,000, shrink 60,000
#   I-004 L-W -10,000/90,000 (not one-off: retain): -10,000 - 40,000 -> gap 150,000, shrink 50,000
#   I-005 W-I 40,000/0, retain: +20,000 -> |gap| grows (not listed)
#   I-006 I-W 0/60,000 but Dropped; I-007 I-W 0/200,000 but out of bounds (neither is open)
#   I-008 I-W 0/100,000 proportional at 50%: T = -50,000 -> 0 (not listed)
#   I-010 I-W 0/120,000: -60,000, the same shrink as I-003 (the smaller ID ranks first)
#   I-011 I-W 0/500,000: -250,000 -> gap -50,000, shrink 200,000 - 50,000 = 150,000
#   I-012 W-L 300,000/-200,000 is a No go at max one-sided loss 150,000 (Shelve): not a Go
WORKED = [
    _idea("I-001", 500_000, 100_000, "Signed off", **{col.SHARING_METHOD: "retain"}),
    _idea("I-002", 50_000, 150_000),
    _idea("I-003", 0, 120_000),
    _idea("I-004", -10_000, 90_000),
    _idea("I-005", 40_000, 0),
    _idea("I-006", 0, 60_000, "Dropped"),
    {**_idea("I-007", 0, 200_000), col.OUT_OF_BOUNDS: "Yes"},
    {**_idea("I-008", 0, 100_000), col.SHARING_METHOD: "proportional", col.SUPPLIER_SHARE: 0.5},
    _idea("I-010", 0, 120_000, "Proposed"),
    _idea("I-011", 0, 500_000, " selected "),
    _idea("I-012", 300_000, -200_000),
]
SETTINGS = Settings(max_one_sided_loss=150_000)


def _evaluated(rows=WORKED, settings=SETTINGS):
    return evaluate_ideas(pd.DataFrame(rows), settings)


def test_the_worked_example_ranks_the_ideas_that_shrink_the_gap():
    result = equity_closer(_evaluated(), SETTINGS, annual_volume=10_000, unit_price=50)
    assert result.balances.equity_gap == 200_000
    assert result.tolerance == 30_000
    assert result.needed
    ranking = [(c.idea_id, c.shrink, c.gap_after) for c in result.closers]
    assert ranking == [
        ("I-011", 150_000, -50_000),
        ("I-003", 60_000, 140_000),
        ("I-010", 60_000, 140_000),
        ("I-004", 50_000, 150_000),
    ]
    assert [c.idea_id for c in result.top] == ["I-011", "I-003", "I-010"]
    assert result.closers[0].title == "Idea I-011"
    assert result.closers[0].members == ("I-011",)
    assert (result.closers[3].supplier_move, result.closers[3].customer_move) == (-10_000, 90_000)
    # Top three signed: G = 200,000 - 250,000 - 60,000 - 60,000 = -170,000 (the customer ahead), so
    # T = -170,000: the customer pays the supplier 170,000 over 3 years of 10,000 units at 50 each,
    # a premium of 170,000 / 30,000 = 5.67 per unit, 5.67 / 50 = 11.3% of the price.
    assert result.remaining_gap == -170_000
    assert result.transfer == -170_000
    assert result.premium is not None
    assert result.premium.kind == "premium"
    assert result.premium.per_unit == pytest.approx(170_000 / 30_000)
    assert result.premium.percent_of_price == pytest.approx(170_000 / 1_500_000)


def test_open_go_ideas_exclude_the_passbook_dropped_out_of_bounds_and_no_gos():
    evaluated = _evaluated()
    open_ids = evaluated.loc[open_go_mask(evaluated), col.IDEA_ID].tolist()
    assert open_ids == ["I-002", "I-003", "I-004", "I-005", "I-008", "I-010", "I-011"]


def test_the_transfer_closes_the_rest_when_fewer_than_three_ideas_help():
    # Only I-004 helps: G 200,000 -> 150,000, so T = 150,000 flows supplier -> customer, a rebate
    # of 150,000 / (2,000 x 3) = 25 per unit; no unit price, so no percentage.
    rows = [WORKED[0], WORKED[3], WORKED[4]]
    result = equity_closer(_evaluated(rows), SETTINGS, annual_volume=2_000)
    assert [c.idea_id for c in result.closers] == ["I-004"]
    assert result.transfer == 150_000
    assert result.premium is not None
    assert (result.premium.kind, result.premium.per_unit) == ("rebate", -25)
    assert result.premium.percent_of_price is None


def test_no_closer_within_the_tolerance():
    # Bs 310,000, Bc 290,000: G = 10,000, within 5% x 600,000 = 30,000.
    rows = [_idea("I-001", 310_000, 290_000, "Delivered", **{col.SHARING_METHOD: "Retain"}), WORKED[2]]
    result = equity_closer(_evaluated(rows), SETTINGS, annual_volume=1_000, unit_price=10)
    assert not result.needed
    assert result.closers == ()
    assert (result.remaining_gap, result.transfer, result.premium) == (10_000, 0, None)
    # A tighter tolerance (1% x 600,000 = 6,000) makes the same gap one to close: I-003 would flip
    # it to 10,000 - 60,000 = -50,000, which is larger, so nothing shrinks it and T = 10,000.
    tight = SETTINGS.replace(equity_tolerance=0.01)
    result = equity_closer(_evaluated(rows, tight), tight)
    assert result.needed
    assert result.closers == ()
    assert (result.remaining_gap, result.transfer, result.premium) == (10_000, 10_000, None)


def test_a_bundle_is_signed_as_one():
    # Two open Go members of bundle B-1 (spelt two ways) add their lines: -60,000 + -50,000.
    evaluated = _evaluated()
    evaluated[col.BUNDLE] = None
    evaluated.loc[evaluated[col.IDEA_ID] == "I-003", col.BUNDLE] = "B-1"
    evaluated.loc[evaluated[col.IDEA_ID] == "I-004", col.BUNDLE] = " b-1 "
    result = equity_closer(evaluated, SETTINGS)
    bundle = result.closers[1]
    assert (bundle.idea_id, bundle.members, bundle.shrink, bundle.gap_after) == (
        "B-1",
        ("I-003", "I-004"),
        200_000 - 90_000,
        90_000,
    )
    assert [c.idea_id for c in result.closers] == ["I-011", "B-1", "I-010"]


def test_given_balances_are_used_as_they_are():
    # A passbook with settlement lines is passed in by its caller: Bs 400,000, Bc 200,000, G 100,000.
    # I-011 now overshoots (400,000 - 0.5 x 1,100,000 = -150,000, |gap| grows): not listed.
    # I-003, I-010: 400,000 - 0.5 x 720,000 = 40,000; I-004: 390,000 - 0.5 x 680,000 = 50,000.
    given = Balances(400_000.0, 200_000.0, 600_000.0, 0.5, 100_000.0)
    result = equity_closer(_evaluated(), SETTINGS, passbook=given)
    assert [(c.idea_id, c.gap_after) for c in result.closers] == [
        ("I-003", 40_000),
        ("I-010", 40_000),
        ("I-004", 50_000),
    ]
    assert result.transfer == 100_000 - 60_000 - 60_000 - 50_000


def test_the_setting_is_validated():
    assert Settings().equity_tolerance == 0.05
    with pytest.raises(SettingsError) as caught:
        Settings(equity_tolerance=1.5)
    assert caught.value.setting == "Equity tolerance"
    assert Settings(equity_tolerance=0).equity_tolerance == 0
    assert TOP == 3


def test_open_status_is_read_as_every_status_cell() -> None:
    """Open = neither in the passbook nor Dropped, in any spelling ``spellings.status`` reads; the
    equity closer, the bundle search and the pipeline share it."""
    for closed in ("Signed off", " signed   OFF ", "Implementing", "delivered", "DROPPED", "Dropped\n"):
        assert not is_open_status(closed), closed
    for still_open in ("Proposed", "evaluated", " Selected ", None, "", "Parked"):
        assert is_open_status(still_open), still_open
