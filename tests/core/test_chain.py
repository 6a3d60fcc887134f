"""Value chains (issue 16, ``core.chain``): per-party values, the chain verdict, the three chain split
methods, worked by hand on the seed paper's Appendix-I idea 2."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvm_xl.core.chain import (
    CUSTOMER,
    SUPPLIER,
    ChainInputError,
    chain_method,
    evaluate_chain,
)
from cvm_xl.core.settings import Settings

H3 = Settings(horizon_years=3, discount_rate=0)


def _ideas(**row: object) -> pd.DataFrame:
    base = {"Idea ID": "I2", "Customer ID": "C", "Title": "Wider coils", "Status": "Signed off"}
    return pd.DataFrame([{**base, **row}])


PARTIES = pd.DataFrame(
    [
        {"Party ID": "SC", "Customer ID": "C", "Party": "Service centre", "Role": "Service centre",
         "Disclose": True, "Target share": None},
        {"Party ID": "TR", "Customer ID": "C", "Party": "Rail", "Role": "Transporter",
         "Disclose": False, "Target share": None},
    ]
)  # fmt: skip


def _appendix_idea_2(method: object = None, settings: Settings = H3):
    """Appendix-I idea 2: the service centre invests 550,000 once; the auto maker saves 45,000 +
    122,000 a year; the supplier saves 220,000 a year."""
    ideas = _ideas(**{"Supplier annual": 220_000.0, "Customer annual": 45_000.0 + 122_000.0,
                      "Sharing method": method})  # fmt: skip
    chain = pd.DataFrame([{"Idea ID": "I2", "Party ID": "SC", "Annual": None, "One-time": -550_000.0}])
    return evaluate_chain(ideas, PARTIES, chain, settings).ideas[0]


def test_appendix_idea_2_by_hand_equal_split():
    e = _appendix_idea_2()
    # Values over H = 3, r = 0: supplier 3 x 220,000; auto maker 3 x 167,000; service centre -550,000.
    assert [s.value for s in e.shares] == [660_000.0, 501_000.0, -550_000.0]
    assert [s.outcome for s in e.shares] == ["W", "W", "L"]
    assert e.parties == (SUPPLIER, CUSTOMER, "SC")  # the transporter has no row: not a party
    assert e.net == 611_000.0
    assert e.verdict.code == "GO"  # not every party wins, none ends below 0 after the split
    assert e.method == "equal"  # blank = auto = equal for a chain idea
    third = 611_000.0 / 3  # 203,666.67 each
    assert [s.final for s in e.shares] == pytest.approx([third] * 3)
    assert [s.transfer for s in e.shares] == pytest.approx(
        [third - 660_000, third - 501_000, third + 550_000]
    )
    assert math.fsum(s.transfer for s in e.shares) == pytest.approx(0.0, abs=1e-9)


def test_shapley_on_one_idea_equals_equal_and_retain_keeps_the_values():
    equal, shapley = _appendix_idea_2("equal"), _appendix_idea_2("shapley")
    assert shapley.method == "shapley"
    assert [s.final for s in shapley.shares] == pytest.approx([s.final for s in equal.shares], rel=1e-15)
    retained = _appendix_idea_2("retain")
    # Rule 6: under retain the service centre ends at -550,000, below -τ: shelved, no split.
    assert retained.verdict.code == "SHELVE"
    assert retained.method == "none"
    assert [s.final for s in retained.shares] == [660_000.0, 501_000.0, -550_000.0]
    assert all(s.transfer == 0.0 for s in retained.shares)


def test_the_verdict_rules_in_order():
    # Rule 4: the service centre's loss of 550,000 exceeds λ = 500,000.
    assert _appendix_idea_2(settings=H3.replace(max_one_sided_loss=500_000.0)).verdict.code == "SHELVE"
    # Rule 5: chain net 611,000 < σ.
    assert (
        _appendix_idea_2(settings=H3.replace(significance_threshold=700_000.0)).verdict.code
        == "POSTPONE_SMALL"
    )
    # Rule 3: a horizon of one year: 220,000 + 167,000 - 550,000 <= 0.
    assert _appendix_idea_2(settings=H3.replace(horizon_years=1.0)).verdict.code == "NO_GO"
    # Rule 7: every party wins.
    ideas = _ideas(**{"Supplier annual": 10_000.0, "Customer annual": 20_000.0})
    chain = pd.DataFrame([{"Idea ID": "I2", "Party ID": "TR", "Annual": 5_000.0, "One-time": None}])
    assert evaluate_chain(ideas, PARTIES, chain, H3).ideas[0].verdict.code == "GO_PRIORITY"


def test_unquantified_needs_every_value_cell_blank_or_quantified_no():
    chain = pd.DataFrame([{"Idea ID": "I2", "Party ID": "SC", "Annual": None, "One-time": None}])
    good_faith = evaluate_chain(_ideas(**{"Good faith": True}), PARTIES, chain, H3).ideas[0]
    assert good_faith.verdict.code == "GO_GOOD_FAITH" and math.isnan(good_faith.net)
    assert evaluate_chain(_ideas(), PARTIES, chain, H3).ideas[0].verdict.code == "POSTPONE_QUANTIFY"
    # A chain row with an amount makes the idea quantified even when the Ideas row is blank.
    chain.loc[0, "Annual"] = 30_000.0
    assert evaluate_chain(_ideas(), PARTIES, chain, H3).ideas[0].verdict.code == "GO"  # the firms are I
    said_no = evaluate_chain(_ideas(Quantified=False), PARTIES, chain, H3).ideas[0]
    assert said_no.verdict.code == "POSTPONE_QUANTIFY"


def test_ideas_without_chain_rows_are_not_chain_ideas_and_relationships_always_have_both_firms():
    book = evaluate_chain(_ideas(**{"Supplier annual": 1.0}), PARTIES, None, H3)
    assert book.ideas == ()
    assert book.relationship("C").party_ids == (SUPPLIER, CUSTOMER, "SC", "TR")
    assert book.relationship("OTHER").party_ids == (SUPPLIER, CUSTOMER)


@pytest.mark.parametrize("method", ["proportional", "compensate"])
def test_a_dyadic_only_method_on_a_chain_idea_names_the_three_chain_methods(method):
    with pytest.raises(ValueError, match="use retain, equal or shapley"):
        chain_method(method)
    with pytest.raises(ChainInputError, match="use retain, equal or shapley"):
        _appendix_idea_2(method)


def test_a_party_of_another_customer_or_a_reserved_id_is_refused():
    chain = pd.DataFrame([{"Idea ID": "I2", "Party ID": "SC", "Annual": 1.0, "One-time": None}])
    other = _ideas(**{"Customer ID": "D"})
    with pytest.raises(ChainInputError, match="not a party of customer D"):
        evaluate_chain(other, PARTIES, chain, H3)
    reserved = PARTIES.assign(**{"Party ID": ["Supplier", "TR"]})
    with pytest.raises(ChainInputError, match="reserved"):
        evaluate_chain(_ideas(), reserved, chain, H3)


def test_the_portfolio_shapley_is_the_sum_of_each_go_ideas_equal_shares():
    ideas = pd.DataFrame(
        [
            {"Idea ID": "A", "Customer ID": "C", "Supplier annual": 100.0, "Customer annual": 50.0,
             "Sharing method": "shapley"},
            {"Idea ID": "B", "Customer ID": "C", "Supplier annual": 30.0, "Customer annual": 30.0},
            {"Idea ID": "D", "Customer ID": "C", "Supplier annual": 30.0, "Customer annual": 30.0,
             "Status": "Dropped"},
        ]
    )  # fmt: skip
    chain = pd.DataFrame(
        [
            {"Idea ID": "A", "Party ID": "SC", "Annual": 30.0, "One-time": None},
            {"Idea ID": "B", "Party ID": "SC", "Annual": 0.0, "One-time": None},
            {"Idea ID": "B", "Party ID": "TR", "Annual": 0.0, "One-time": None},
            {"Idea ID": "D", "Party ID": "TR", "Annual": 90.0, "One-time": None},
        ]
    )
    book = evaluate_chain(ideas, PARTIES, chain, H3)
    shares = book.shapley("C")
    # A: net 540 over 3 parties; B: net 180 over 4 parties; D is Dropped and does not count.
    assert shares == pytest.approx({SUPPLIER: 180 + 45, CUSTOMER: 180 + 45, "SC": 180 + 45, "TR": 45})
    assert math.fsum(shares.values()) == pytest.approx(540 + 180)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(-(10**7), 10**7).map(float), min_size=4, max_size=4),
    st.sampled_from(["equal", "shapley", "retain"]),
)
def test_transfers_add_to_zero_and_finals_to_the_chain_net(amounts, method):
    sa, ca, sc, tr = amounts
    ideas = _ideas(**{"Supplier annual": sa, "Customer annual": ca, "Sharing method": method})
    chain = pd.DataFrame(
        [
            {"Idea ID": "I2", "Party ID": "SC", "Annual": sc, "One-time": None},
            {"Idea ID": "I2", "Party ID": "TR", "Annual": None, "One-time": tr},
        ]
    )
    e = evaluate_chain(ideas, PARTIES, chain, H3).ideas[0]
    scale = max(1.0, *(abs(s.value) for s in e.shares))
    assert math.fsum(s.transfer for s in e.shares) == pytest.approx(0.0, abs=1e-12 * scale)
    assert math.fsum(s.final for s in e.shares) == pytest.approx(e.net, abs=1e-12 * scale)
    if e.method in ("equal", "shapley"):
        assert all(s.final > 0 for s in e.shares)  # a Go chain idea's net is positive
