"""How fast ``cvm-xl balance`` solves its bundles (issue 15): 200 candidate ideas per customer.

    python benchmarks/balance_speed.py [--customers 5] [--ideas 200] [--targets 4] [--small 14]

Each synthetic customer holds ``--ideas`` open, quantified ideas, ``--targets`` of them shelved
(W-L or L-W with a loss above the max one-sided loss). ``core.balance.propose_bundles`` proposes a
bundle for every target, solved exactly by HiGHS through scipy.optimize.milp. Peers measured in
the same run: ``evaluate_ideas`` of the same ideas (what every command pays anyway), and the
exhaustive search over every subset, on a customer of ``--small`` ideas (2^small subsets; 200 ideas
would be 2^200) against the solver on that same small customer.
"""

from __future__ import annotations

import argparse
import itertools
import platform
import time

import numpy as np
import pandas as pd

from cvm_xl.core import columns as col
from cvm_xl.core.balance import SOLVER, propose_bundles, rescues
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.settings import Settings

SETTINGS = Settings(max_one_sided_loss=100_000, significance_threshold=10_000)


def customer(cid: str, n: int, targets: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` open ideas of one customer: ``targets`` shelved ones, the rest spread over the map with
    the customer's side mostly modest, so that a rescue usually takes one to three members."""
    # Losses stay within the max one-sided loss, so only the targets are shelved.
    vs = rng.integers(-100, 250, n) * 1_000
    vc = rng.integers(-100, 200, n) * 1_000
    # The targets: the supplier wins big, the customer loses more than 100,000 (shelved).
    vs[:targets] = rng.integers(300, 500, targets) * 1_000
    vc[:targets] = -rng.integers(150, 280, targets) * 1_000
    return pd.DataFrame(
        {
            col.IDEA_ID: [f"{cid}-I-{i:03d}" for i in range(n)],
            col.CUSTOMER_ID: cid,
            col.TITLE: [f"Idea {i}" for i in range(n)],
            col.SUPPLIER_ONE_TIME: vs.astype(float),
            col.CUSTOMER_ONE_TIME: vc.astype(float),
            col.STATUS: "Evaluated",
        }
    )


def best_of(runs: int, work: object) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def exhaustive(evaluated: pd.DataFrame, settings: Settings) -> int:
    """The peer: every subset of the other ideas for the first target; the count of rescues."""
    vs = evaluated[col.SUPPLIER_VALUE].to_numpy()
    vc = evaluated[col.CUSTOMER_VALUE].to_numpy()
    others = range(1, len(vs))
    found = 0
    for size in range(1, len(vs)):
        for subset in itertools.combinations(others, size):
            s = vs[0] + sum(vs[j] for j in subset)
            c = vc[0] + sum(vc[j] for j in subset)
            found += rescues(float(s), float(c), settings)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=5)
    parser.add_argument("--ideas", type=int, default=200)
    parser.add_argument("--targets", type=int, default=4)
    parser.add_argument("--small", type=int, default=16)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(15)
    frames = [customer(f"C-{k}", args.ideas, args.targets, rng) for k in range(args.customers)]
    ideas = pd.concat(frames, ignore_index=True)
    evaluated = evaluate_ideas(ideas, SETTINGS)

    per_customer = []
    proposals = unrescued = solves = 0
    sizes: set[int] = set()
    for frame in frames:
        one = evaluate_ideas(frame, SETTINGS)
        start = time.perf_counter()
        [plan] = propose_bundles(one, SETTINGS)
        per_customer.append(time.perf_counter() - start)
        proposals += len(plan.proposals)
        unrescued += len(plan.unrescued)
        solves += plan.solves
        sizes |= {len(p.members) for p in plan.proposals}
    evaluate_time = best_of(5, lambda: evaluate_ideas(frames[0], SETTINGS))

    small = evaluate_ideas(customer("S", args.small, 1, rng), SETTINGS)
    solver_small = best_of(3, lambda: propose_bundles(small, SETTINGS))
    exhaustive_small = best_of(1, lambda: exhaustive(small, SETTINGS))

    worst = max(per_customer)
    median = float(np.median(per_customer))
    per_target = sum(per_customer) / (args.customers * args.targets)
    print(f"machine: {platform.machine()}, {platform.python_version()}, solver: {SOLVER}")
    shape = f"{args.customers} customers x {args.ideas} ideas, {args.targets} shelved each"
    print(f"{shape} ({len(evaluated)} ideas)")
    print(
        f"proposals {proposals}, unrescued {unrescued}, members per bundle {sorted(sizes)}, solves {solves}"
    )
    print(f"balance per customer: median {median:.3f} s, worst {worst:.3f} s (target < 1 s)")
    print(
        f"per target: {per_target * 1000:.1f} ms, {sum(per_customer) / solves * 1000:.1f} ms per HiGHS solve"
    )
    print(
        f"evaluate_ideas of one customer's {args.ideas} ideas: {evaluate_time * 1000:.2f} ms "
        f"(balance / evaluate = {median / evaluate_time:.0f}x)"
    )
    print(
        f"small customer of {args.small} ideas: solver {solver_small * 1000:.1f} ms, exhaustive "
        f"{exhaustive_small * 1000:.0f} ms over {2 ** (args.small - 1) - 1} subsets "
        f"(exhaustive / solver = {exhaustive_small / solver_small:.0f}x)"
    )
    return 0 if worst < 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
