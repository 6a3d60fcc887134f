"""evaluate_ideas on a large table against its peer, the scalar rules called row by row.

    python benchmarks/bench_evaluate.py [--ideas 1000000] [--scalar-rows 20000]

Both run in this process on the same data, so the ratio holds on a noisy shared machine. The
scalar peer runs on a slice (a million rows row by row would take minutes) and is compared per row.
Targets (issue: core engine): 1,000,000 ideas in under 1 s; at least 50x faster than row by row.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from cvm_xl import Settings, evaluate_idea, evaluate_ideas
from cvm_xl.core.cells import parse_yes_no


def make_ideas(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)

    def money(blank_share: float) -> np.ndarray:
        values = np.round(rng.normal(0, 80_000, n), 2)
        values[rng.random(n) < blank_share] = np.nan
        return values

    return pd.DataFrame(
        {
            "Idea ID": [f"I{i}" for i in range(n)],
            "Customer ID": rng.choice(["C-AUT", "C-PKG", "C-FUR", "C-WHL"], n),
            "Title": "Idea",
            "Supplier annual": money(0.1),
            "Supplier one-time": money(0.7),
            "Customer annual": money(0.1),
            "Customer one-time": money(0.6),
            "Quantified": rng.choice(np.array(["Yes", "No", None], dtype=object), n, p=[0.3, 0.05, 0.65]),
            "Good faith": rng.choice(np.array(["Yes", None], dtype=object), n, p=[0.05, 0.95]),
            "One-off": rng.choice(np.array(["Yes", "No", None], dtype=object), n, p=[0.1, 0.2, 0.7]),
            "Sharing method": rng.choice(
                np.array([None, "auto", "Equal", "proportional", "compensate"], dtype=object), n
            ),
            "Supplier share": np.where(rng.random(n) < 0.2, np.round(rng.random(n), 2), np.nan),
        }
    )


def as_loaded(ideas: pd.DataFrame) -> pd.DataFrame:
    """The same table typed the way load_master hands it over: Yes/No columns as booleans."""
    typed = ideas.copy()
    for name, default in (("Quantified", True), ("Good faith", False), ("One-off", False)):
        typed[name] = typed[name].map(lambda x, d=default: parse_yes_no(x, d)).astype(bool)
    return typed


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=1_000_000)
    parser.add_argument("--scalar-rows", type=int, default=20_000)
    args = parser.parse_args()
    settings = Settings(
        horizon_years=3, discount_rate=0.05, indifference_threshold=5_000, max_one_sided_loss=150_000
    )
    raw = make_ideas(args.ideas)
    typed = as_loaded(raw)
    result: dict[str, float] = {"ideas": args.ideas}
    for label, ideas in (("as loaded (typed)", typed), ("raw text Yes/No", raw)):
        vector_s = best_of(3, lambda ideas=ideas: evaluate_ideas(ideas, settings))
        rows = ideas.head(args.scalar_rows).to_dict("records")
        scalar_s = best_of(1, lambda rows=rows: [evaluate_idea(r, settings) for r in rows])
        per_row_vector = vector_s / args.ideas
        per_row_scalar = scalar_s / len(rows)
        speedup = per_row_scalar / per_row_vector
        result[f"{label}: seconds"] = vector_s
        result[f"{label}: speed-up"] = speedup
        print(
            f"{label}: evaluate_ideas on {args.ideas:,} ideas {vector_s:.3f} s (target < 1 s); "
            f"row by row {per_row_scalar * 1e6:.1f} us/row vs {per_row_vector * 1e6:.3f} us/row: "
            f"{speedup:.0f}x (target >= 50x)"
        )
    return result


if __name__ == "__main__":
    main()
