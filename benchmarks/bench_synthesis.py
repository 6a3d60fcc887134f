"""Quality and speed of the live synthesis of raw ideas into mother ideas.

    python benchmarks/bench_synthesis.py [--threshold 0.3] [--repeats 5]

Quality: the adjusted Rand index (ARI) of the grouping against the hand-made labels of
tests/data/workshop_labelled.csv, and against a 2,000-idea set made from it by perturbing every copy
(a dropped letter, a dropped word, changed case), labels kept.
Speed: best of several runs for 200 and 2,000 raw ideas (issue targets: under 0.3 s and under 3 s, as
used live in the workshop), reported as a share of the target; and, as a peer in the same process,
rapidfuzz's token-set ratio over the raw texts of the same ideas, which is what a plain fuzzy match
would cost before any grouping. A single customer with 2,000 raw ideas (ten times a workshop) shows
the worst case.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from cvm_xl.synthesis import DEFAULT_THRESHOLD, adjusted_rand_index, synthesize
from cvm_xl.text_normalise import normalise

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "workshop_labelled.csv"
TARGETS = {200: 0.3, 2000: 3.0}


def perturb(text: str, rng: random.Random) -> str:
    words = text.split()
    k = rng.randrange(len(words))
    if len(words[k]) > 4:
        cut = rng.randrange(1, len(words[k]) - 1)
        words[k] = words[k][:cut] + words[k][cut + 1 :]
    if len(words) > 3 and rng.random() < 0.3:
        del words[rng.randrange(len(words))]
    if rng.random() < 0.5:
        words = [w.lower() for w in words]
    return " ".join(words)


def labelled_set(n: int, one_customer: bool = False, seed: int = 1) -> pd.DataFrame:
    """``n`` raw ideas: the labelled set first, then perturbed copies of it."""
    base = pd.read_csv(LABELLED)
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        src = base.iloc[i % len(base)]
        text = src["Idea"] if i < len(base) else perturb(src["Idea"], rng)
        customer = "C-ONE" if one_customer else src["Customer ID"]
        rows.append((f"R{i:05d}", customer, text, f"{src['Customer ID']} {src['Group']}"))
    table = pd.DataFrame(rows, columns=["Raw ID", "Customer ID", "Idea", "Group"])
    table["Mother idea ID"] = None
    return table


def ari(table: pd.DataFrame, threshold: float) -> float:
    result = synthesize(table, pd.DataFrame(columns=["Idea ID", "Customer ID", "Title"]), threshold)
    predicted = [m if m else f"alone {r}" for m, r in zip(result.mother_ids, table["Raw ID"], strict=True)]
    return adjusted_rand_index(list(table["Group"]), predicted)


def plain_fuzzy_match(table: pd.DataFrame) -> list[np.ndarray]:
    """The peer: rapidfuzz's token-set ratio between the raw texts of each customer's ideas."""
    return [
        process.cdist(texts, texts, scorer=fuzz.token_set_ratio, processor=str.lower, dtype=np.float64)
        for texts in table.groupby("Customer ID", sort=False)["Idea"].agg(list)
    ]


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        normalise.cache_clear()  # each run normalises its texts afresh, as a new workshop would
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    ideas = pd.DataFrame(columns=["Idea ID", "Customer ID", "Title"])
    labelled = pd.read_csv(LABELLED)
    print(f"threshold {args.threshold:.3f}; labelled set: {len(labelled)} raw ideas, "
          f"{labelled.groupby('Customer ID')['Group'].nunique().sum()} groups, "
          f"{labelled['Customer ID'].nunique()} customers")  # fmt: skip
    print(f"ARI on the labelled set:               {ari(labelled_set(len(labelled)), args.threshold):.3f}")
    print(f"ARI on 2,000 perturbed labelled ideas:  {ari(labelled_set(2000), args.threshold):.3f}")
    print()
    print(f"{'raw ideas':>24}  {'synthesis':>10}  {'target':>7}  {'share':>6}  {'token-set peer':>14}  ratio")
    for n, one in ((200, False), (2000, False), (2000, True)):
        table = labelled_set(n, one_customer=one)
        spent = best_of(args.repeats, lambda t=table: synthesize(t, ideas, args.threshold))
        peer = best_of(args.repeats, lambda t=table: plain_fuzzy_match(t))
        label = f"{n:,}" + (" (one customer)" if one else f" ({table['Customer ID'].nunique()} customers)")
        target = TARGETS[n]
        print(f"{label:>24}  {spent:>9.3f}s  {target:>6.1f}s  {spent / target:>6.1%}  {peer:>13.3f}s  "
              f"{spent / peer:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
