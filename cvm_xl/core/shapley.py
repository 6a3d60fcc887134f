"""The Shapley value of a coalition game, computed exactly (issue 16: value chains, SPEC §3.5 style).

A game over n parties gives every coalition S (a set of parties) its worth v(S); coalitions are
bitmasks: party i is in S when bit i of the mask is set, so the 2^n worths are an array indexed by
the mask, v[0] = the empty coalition. The Shapley value of party i is its marginal contribution
averaged over every order in which the parties may join:

    phi_i = sum over S not holding i of  |S|! (n - |S| - 1)! / n!  x  (v(S + i) - v(S))

``shapley_values`` evaluates this sum exactly, by enumerating all 2^n coalitions with numpy (no
sampling, no approximation); cvm-xl allows at most 12 parties per relationship (``core.chain``),
4,096 coalitions, about two milliseconds a portfolio (benchmarks/shapley_speed.py).

The portfolio game of a relationship (issue 16): v(S) = the summed chain net of its Go chain ideas
whose parties all lie in S (``portfolio_worths``). An idea alone is a unanimity game scaled by its
net: by symmetry and the null-player property each of its |P| parties gets net / |P| and every other
party 0; by additivity the portfolio's Shapley value is the sum of its ideas' values, which is how
``core.chain`` attributes it to each idea (``idea_shapley``: the same formula over the idea's own
game). The closed form net / |P| is held to the enumeration by a property test; it is not the
implementation, so that the enumeration stays the one definition every caller (the chain split,
the CVM_SHAPLEY worksheet function) reads.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Worth = Callable[[int], float]  # a coalition's bitmask -> its worth

MAX_SHAPLEY_PARTIES = 20  # 2^20 coalitions: beyond this the exact enumeration is not offered


class GameError(ValueError):
    """A game that has no Shapley value as given (a wrong number of worths, too many parties)."""


def _check_parties(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise GameError(f"A game needs a whole number of parties of at least 1, not {n!r}")
    if n > MAX_SHAPLEY_PARTIES:
        raise GameError(f"{n} parties: the exact Shapley value is computed for at most {MAX_SHAPLEY_PARTIES}")
    return int(n)


@lru_cache(maxsize=MAX_SHAPLEY_PARTIES + 1)
def _tables(n: int) -> tuple[IntArray, FloatArray]:
    """Every coalition's size (popcount of its mask) and the Shapley weight of joining a coalition of
    each size k: k! (n - k - 1)! / n! = 1 / (n x C(n - 1, k))."""
    masks = np.arange(1 << n, dtype=np.int64)
    sizes = np.zeros(1 << n, dtype=np.int64)
    for i in range(n):
        sizes += (masks >> i) & 1
    weights = np.array([1.0 / (n * math.comb(n - 1, k)) for k in range(n)], dtype=np.float64)
    return sizes, weights


def coalition_worths(n: int, worth: Worth | Sequence[float] | FloatArray) -> FloatArray:
    """The 2^n worths of a game as an array indexed by coalition mask: ``worth`` is either that array
    (any sequence of 2^n numbers) or a function of the mask."""
    n = _check_parties(n)
    if callable(worth):
        values = np.array([float(worth(mask)) for mask in range(1 << n)], dtype=np.float64)
    else:
        values = np.asarray(worth, dtype=np.float64)
        if values.shape != (1 << n,):
            raise GameError(
                f"A game of {n} parties needs {1 << n} worths (one per coalition), not {values.size}"
            )
    if not np.isfinite(values).all():
        raise GameError("Every coalition's worth must be a finite number")
    return values


def shapley_values(n: int, worth: Worth | Sequence[float] | FloatArray) -> FloatArray:
    """Each of the n parties' Shapley value of the game ``worth`` (see ``coalition_worths``), exactly.

    For each party i the coalitions without i are enumerated at once (a numpy mask over all 2^n
    masks); the weighted marginal contributions are added with ``math.fsum``, so the value carries
    one rounding only and the shares add up to v(all) - v(none) up to that rounding (efficiency).
    """
    v = coalition_worths(n, worth)
    sizes, weights = _tables(n)
    masks = np.arange(1 << n, dtype=np.int64)
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        bit = np.int64(1) << np.int64(i)
        without = masks[(masks & bit) == 0]
        marginal = v[without | bit] - v[without]
        out[i] = math.fsum((weights[sizes[without]] * marginal).tolist())
    return out + 0.0


def mask_of(members: Sequence[int]) -> int:
    """The coalition of the parties at these positions: (0, 2) -> 0b101."""
    mask = 0
    for i in members:
        mask |= 1 << int(i)
    return mask


def portfolio_worths(n: int, idea_masks: Sequence[int], nets: Sequence[float]) -> FloatArray:
    """The portfolio game of a relationship (issue 16): v(S) = sum of the nets of the ideas whose
    parties (``idea_masks``, one coalition mask per idea) all lie in S; 2^n worths by mask."""
    n = _check_parties(n)
    if len(idea_masks) != len(nets):
        raise GameError("One net value per idea is needed")
    masks = np.arange(1 << n, dtype=np.int64)
    full = (1 << n) - 1
    covered_by: list[list[float]] = [[] for _ in range(1 << n)]
    for idea_mask, net in zip(idea_masks, nets, strict=True):
        if idea_mask & ~full:
            raise GameError(f"An idea names a party beyond the game's {n} parties")
        if not math.isfinite(net):
            raise GameError("Every idea's net value must be a finite number")
        for mask in np.flatnonzero((masks & idea_mask) == idea_mask).tolist():
            covered_by[mask].append(float(net))
    # fsum per coalition: the grand coalition's worth is the portfolio's net with one rounding.
    return np.array([math.fsum(values) for values in covered_by], dtype=np.float64)


def idea_shapley(n: int, idea_mask: int, net: float) -> FloatArray:
    """One idea's part of the portfolio Shapley value: the Shapley value of the game of that idea
    alone (``portfolio_worths`` of one idea), over all n parties of the relationship."""
    return shapley_values(n, portfolio_worths(n, [idea_mask], [net]))


def portfolio_shapley(n: int, idea_masks: Sequence[int], nets: Sequence[float]) -> FloatArray:
    """The Shapley value of a relationship's portfolio game, each party's share of the summed nets."""
    return shapley_values(n, portfolio_worths(n, idea_masks, nets))
