"""The exact Shapley value (issue 16, ``core.shapley``): the axioms as property tests, the two-firm
reduction to SPEC §3.5 ``equal``, and the closed form net / |P| of one idea's (unanimity) game."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvm_xl.core.shapley import (
    GameError,
    idea_shapley,
    mask_of,
    portfolio_shapley,
    portfolio_worths,
    shapley_values,
)
from cvm_xl.core.sharing import split

money = st.integers(min_value=-(10**9), max_value=10**9).map(float)


@st.composite
def games(draw: st.DrawFn, max_parties: int = 6) -> tuple[int, np.ndarray]:
    n = draw(st.integers(min_value=1, max_value=max_parties))
    worths = draw(st.lists(money, min_size=1 << n, max_size=1 << n))
    worths[0] = 0.0  # the empty coalition is worth nothing
    return n, np.array(worths)


def _by_permutations(n: int, v: np.ndarray) -> np.ndarray:
    """The definition itself: each party's marginal contribution averaged over every joining order."""
    total = np.zeros(n)
    orders = list(itertools.permutations(range(n)))
    for order in orders:
        mask = 0
        for i in order:
            total[i] += v[mask | 1 << i] - v[mask]
            mask |= 1 << i
    return total / len(orders)


@settings(max_examples=60, deadline=None)
@given(games(max_parties=5))
def test_the_enumeration_equals_the_average_over_joining_orders(game):
    n, v = game
    assert shapley_values(n, v) == pytest.approx(_by_permutations(n, v), rel=1e-9, abs=1e-3)


@settings(max_examples=100, deadline=None)
@given(games())
def test_efficiency_the_shares_add_up_to_the_grand_coalition(game):
    n, v = game
    assert math.fsum(shapley_values(n, v)) == pytest.approx(v[-1], rel=1e-12, abs=1e-3)


@settings(max_examples=100, deadline=None)
@given(games(), st.data())
def test_symmetry_interchangeable_parties_get_the_same(game, data):
    n, v = game
    if n < 2:
        return
    i, j = data.draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))

    def swapped(mask: int) -> int:
        bi, bj = mask >> i & 1, mask >> j & 1
        return mask & ~(1 << i) & ~(1 << j) | bj << i | bi << j

    symmetric = np.array([(v[m] + v[swapped(m)]) / 2 for m in range(1 << n)])
    phi = shapley_values(n, symmetric)
    assert phi[i] == pytest.approx(phi[j], rel=1e-12, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(games(), st.data())
def test_a_null_player_gets_nothing(game, data):
    n, v = game
    null = data.draw(st.integers(0, n - 1))
    bit = 1 << null
    without = np.array([v[m & ~bit] for m in range(1 << n)])  # adding `null` never changes a worth
    assert shapley_values(n, without)[null] == 0.0


@settings(max_examples=100, deadline=None)
@given(games(max_parties=5), st.data())
def test_additivity_the_value_of_a_sum_of_games_is_the_sum_of_values(game, data):
    n, v = game
    w = np.array(data.draw(st.lists(money, min_size=1 << n, max_size=1 << n)))
    both = shapley_values(n, v + w)
    assert both == pytest.approx(shapley_values(n, v) + shapley_values(n, w), rel=1e-9, abs=1e-3)


@settings(max_examples=200, deadline=None)
@given(money, money)
def test_two_firms_reduce_to_the_equal_split_of_spec_3_5(vs, vc):
    phi = idea_shapley(2, mask_of([0, 1]), vs + vc)
    equal = split(vs, vc, "equal")
    # Whole amounts: both are exact, so the reduction holds bit for bit.
    assert phi[0] == equal.supplier_final
    assert phi[1] == equal.customer_final


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 12), st.data())
def test_one_idea_is_a_unanimity_game_each_of_its_parties_gets_net_over_p(n, data):
    members = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
    net = data.draw(money)
    phi = idea_shapley(n, mask_of(members), net)
    for i in range(n):
        assert phi[i] == pytest.approx(net / len(members) if i in members else 0.0, rel=1e-12, abs=1e-6)


@settings(max_examples=50, deadline=None)
@given(st.integers(2, 8), st.data())
def test_the_portfolio_value_is_the_sum_of_its_ideas_values(n, data):
    ideas = data.draw(
        st.lists(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True), min_size=1, max_size=6)
    )
    nets = data.draw(st.lists(money, min_size=len(ideas), max_size=len(ideas)))
    masks = [mask_of(m) for m in ideas]
    expected = sum(idea_shapley(n, m, x) for m, x in zip(masks, nets, strict=True))
    assert portfolio_shapley(n, masks, nets) == pytest.approx(expected, rel=1e-9, abs=1e-3)


def test_the_portfolio_game_counts_an_idea_only_when_all_its_parties_are_in():
    v = portfolio_worths(3, [0b011, 0b110], [100.0, 40.0])
    assert v.tolist() == [0, 0, 0, 100, 0, 0, 40, 140]


def test_a_callable_game_and_an_array_agree():
    v = portfolio_worths(4, [0b0111, 0b1001], [300.0, -60.0])
    assert shapley_values(4, lambda m: float(v[m])).tolist() == shapley_values(4, v).tolist()


def test_twelve_parties_are_computed_exactly():
    n = 12
    phi = portfolio_shapley(n, [(1 << n) - 1, 0b11], [1_200_000.0, 50_000.0])
    assert phi[:2] == pytest.approx([125_000.0, 125_000.0])
    assert phi[2:] == pytest.approx([100_000.0] * 10)


@pytest.mark.parametrize(
    ("n", "worth", "message"),
    [
        (0, [0.0], "at least 1"),
        (2, [0.0, 1.0, 2.0], "needs 4 worths"),
        (1, [0.0, math.inf], "finite"),
        (21, None, "at most 20"),
    ],
)
def test_a_game_that_cannot_be_valued_is_refused(n, worth, message):
    with pytest.raises(GameError, match=message):
        shapley_values(n, worth if worth is not None else (lambda m: 0.0))
