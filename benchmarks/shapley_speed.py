"""How fast the exact Shapley value of a relationship's portfolio game is (issue 16): 4 to 12 parties.

    python benchmarks/shapley_speed.py [--ideas 30] [--repeat 5] [--seed 16]

A synthetic relationship per party count n: ``--ideas`` chain ideas, each with the supplier, the
customer and a random subset of the n - 2 partners (each partner in an idea with probability 0.4),
and a positive chain net (a Go idea; the portfolio game counts only those). cvm-xl's way is
``core.shapley.portfolio_shapley``: the 2^n worths v(S) = the summed net of the ideas whose parties
all lie in S (``portfolio_worths``), then the exact enumeration over every coalition
(``shapley_values``). Peers measured in the same run, on the same ideas:

- the closed form: one idea alone is a unanimity game, each of its |P| parties gets net / |P|, and
  by additivity the portfolio's value is the sum over ideas (numpy, one pass): the floor of what any
  method can cost, and the check that the enumeration is exact;
- the definition itself: each party's marginal contribution averaged over all n! joining orders,
  over the same precomputed worths (so only the averaging is timed), up to ``--max-permutation``
  parties (8! = 40,320 orders; 12! would be 479 million).

"exact ms" is the whole of ``portfolio_shapley``; "of it enum" the enumeration over worths already
built (``shapley_values``), the rest is building the 2^n worths from the ideas.

The three must agree to 1e-9 of the portfolio's net (else the exit code is 1). Every time is the best
of ``--repeat`` runs: the ratios are what to compare between runs on a shared machine.
"""

from __future__ import annotations

import argparse
import itertools
import math
import platform
import time
from collections.abc import Callable

import numpy as np

from cvm_xl.core.chain import MAX_PARTIES
from cvm_xl.core.shapley import mask_of, portfolio_shapley, portfolio_worths, shapley_values

RESERVED = (0, 1)  # the supplier and the customer: parties of every chain idea
TOLERANCE = 1e-9  # relative to the portfolio's net


def portfolio(n: int, ideas: int, rng: np.random.Generator) -> tuple[list[int], list[float]]:
    """``ideas`` chain ideas over n parties: their coalition masks and (positive) chain nets."""
    masks, nets = [], []
    for _ in range(ideas):
        partners = [p for p in range(2, n) if rng.random() < 0.4]
        if not partners and n > 2:  # a chain idea has at least one partner
            partners = [int(rng.integers(2, n))]
        masks.append(mask_of([*RESERVED, *partners]))
        nets.append(float(rng.integers(10, 600)) * 1_000.0)
    return masks, nets


def closed_form(n: int, masks: list[int], nets: list[float]) -> np.ndarray:
    """Each idea's net / |P| to each of its parties, summed over the ideas."""
    bits = (np.array(masks, dtype=np.int64)[:, None] >> np.arange(n, dtype=np.int64)) & 1
    return (bits * (np.array(nets) / bits.sum(axis=1))[:, None]).sum(axis=0)


def by_permutations(n: int, worths: np.ndarray) -> np.ndarray:
    """The definition: every party's marginal contribution averaged over every joining order."""
    total = [0.0] * n
    count = 0
    for order in itertools.permutations(range(n)):
        mask = 0
        for i in order:
            joined = mask | 1 << i
            total[i] += worths[joined] - worths[mask]
            mask = joined
        count += 1
    return np.array(total) / count


def best_of(runs: int, work: Callable[..., object], *args: object) -> tuple[float, object]:
    """The shortest of ``runs`` timings of ``work(*args)`` and its (last) result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work(*args)
        times.append(time.perf_counter() - start)
    return min(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--max-permutation", type=int, default=8)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)

    print(f"machine: {platform.machine()}, Python {platform.python_version()}, numpy {np.__version__}")
    print(f"{args.ideas} chain ideas per relationship, best of {args.repeat}")
    header = (
        f"{'parties':>7} {'coalitions':>10} {'exact ms':>9} {'of it enum':>10} {'closed µs':>9} "
        f"{'exact/closed':>12} {'perms ms':>9} {'perms/exact':>11} {'max diff':>9}"
    )
    print(header)
    agree = True
    for n in range(4, MAX_PARTIES + 1):
        masks, nets = portfolio(n, args.ideas, rng)
        exact_time, exact = best_of(args.repeat, portfolio_shapley, n, masks, nets)
        worths = portfolio_worths(n, masks, nets)
        enum_time, _ = best_of(args.repeat, shapley_values, n, worths)
        closed_time, closed = best_of(args.repeat, closed_form, n, masks, nets)
        scale = math.fsum(nets)
        diffs = [float(np.max(np.abs(np.asarray(exact) - np.asarray(closed))))]
        perms = "-"
        ratio = "-"
        if n <= args.max_permutation:
            perm_time, by_orders = best_of(args.repeat, by_permutations, n, worths)
            diffs.append(float(np.max(np.abs(np.asarray(exact) - np.asarray(by_orders)))))
            perms, ratio = f"{perm_time * 1e3:.2f}", f"{perm_time / exact_time:.1f}x"
        diff = max(diffs)
        efficient = abs(math.fsum(np.asarray(exact).tolist()) - scale) <= TOLERANCE * scale
        agree &= diff <= TOLERANCE * scale and efficient
        print(
            f"{n:>7} {1 << n:>10,} {exact_time * 1e3:>9.2f} {enum_time * 1e3:>10.2f} "
            f"{closed_time * 1e6:>9.1f} {exact_time / closed_time:>11.0f}x {perms:>9} {ratio:>11} "
            f"{diff:>9.1e}"
        )
    print("exact enumeration, closed form and permutations agree" if agree else "RESULTS DISAGREE")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
