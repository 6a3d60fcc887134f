"""Reconciliation of two passbooks of N lines each, against a plain dictionary loop as the peer.

    python benchmarks/bench_reconcile.py [--lines 1000]

Target (issue: passbook and reconciliation): 1,000 lines each side well under a second.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from cvm_xl.core.reconcile import reconcile

KINDS = ("Supplier value", "Customer value", "Transfer")


def make_lines(n: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ideas = [f"I{i // 3:05d}" for i in range(n)]
    a = pd.DataFrame(
        {"Idea ID": ideas, "Line": [KINDS[i % 3] for i in range(n)], "Amount": rng.normal(0, 1e5, n)}
    )
    b = a.copy()
    b.loc[rng.choice(n, n // 50, replace=False), "Amount"] += 10
    return a, b.drop(index=rng.choice(n, n // 100, replace=False)).sample(frac=1, random_state=2)


def dictionary_peer(a: pd.DataFrame, b: pd.DataFrame, tolerance: float = 0.5) -> list[tuple[str, str]]:
    da = {(r["Idea ID"], r["Line"]): r["Amount"] for r in a.to_dict("records")}
    db = {(r["Idea ID"], r["Line"]): r["Amount"] for r in b.to_dict("records")}
    return [k for k in da.keys() | db.keys() if k not in da or k not in db or abs(da[k] - db[k]) > tolerance]


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1000)
    args = parser.parse_args()
    a, b = make_lines(args.lines)
    assert len(reconcile(a, b)) == len(dictionary_peer(a, b))
    ours = min(timed(lambda: reconcile(a, b)) for _ in range(5))
    peer = min(timed(lambda: dictionary_peer(a, b)) for _ in range(5))
    print(
        f"reconcile {args.lines:,} lines each side: {ours * 1000:.1f} ms (target well under 1 s); "
        f"dictionary loop peer {peer * 1000:.1f} ms; ratio ours/peer {ours / peer:.2f}"
    )
    return {"lines": args.lines, "seconds": ours, "ratio_to_peer": ours / peer}


if __name__ == "__main__":
    main()
