"""Run the benchmarks of this tree and of an earlier revision in one run, alternating, and compare.

    python benchmarks/before_after.py REV [NAME ...] [--after REV2] [--rounds 3] [--args NAME="ARGS"]

A change that moves code around (or speeds it up) must not make any benchmark slower. Machines here
are shared and noisy, so the two trees are measured in the same run, one after the other, ``--rounds``
times each, and the best wall time of each counts. The earlier revision is checked out into a temporary
git worktree and run with its own benchmark scripts on the same Python; each script's own printed
figures (which compare cvm-xl with its peers inside one process) are shown beside each other too.
``--after`` measures a second revision instead of the working tree (e.g. HEAD while files are edited).
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def run_script(tree: Path, name: str, extra: list[str]) -> tuple[float, str]:
    """Wall time and output of ``bench_<name>.py`` of ``tree``, importing cvm_xl from that tree."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(tree / "benchmarks" / f"bench_{name}.py"), *extra],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"bench_{name}.py failed in {tree}:\n{done.stdout}\n{done.stderr}")
    return wall, done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the earlier revision, e.g. a commit or HEAD~3")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all), e.g. evaluate load")
    parser.add_argument("--after", default=None, help="the later revision (default: this working tree)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each tree; the best counts")
    parser.add_argument(
        "--args", action="append", default=[], metavar='NAME="ARGS"', help="arguments for one benchmark"
    )
    args = parser.parse_args(argv)
    extra = {k: shlex.split(v) for k, v in (a.split("=", 1) for a in args.args)}
    names = args.names or sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    with tempfile.TemporaryDirectory(prefix="cvm-before-") as temp:
        before, after = Path(temp) / "before", ROOT
        trees = [before]
        subprocess.run(["git", "worktree", "add", "--detach", str(before), args.rev], cwd=ROOT, check=True)
        if args.after:
            after = Path(temp) / "after"
            trees.append(after)
            subprocess.run(
                ["git", "worktree", "add", "--detach", str(after), args.after], cwd=ROOT, check=True
            )
        try:
            rows = []
            for name in names:
                if not (before / "benchmarks" / f"bench_{name}.py").exists():
                    print(f"== {name}: not in {args.rev}, skipped")
                    continue
                walls: dict[str, list[float]] = {"before": [], "after": []}
                outputs: dict[str, str] = {}
                for _ in range(args.rounds):
                    for label, tree in (("before", before), ("after", after)):
                        wall, out = run_script(tree, name, extra.get(name, []))
                        walls[label].append(wall)
                        outputs[label] = out
                best = {label: min(times) for label, times in walls.items()}
                ratio = best["after"] / best["before"]
                rows.append((name, best["before"], best["after"], ratio))
                b, a = best["before"], best["after"]
                print(f"== {name}: before {b:.1f} s, after {a:.1f} s, ratio {ratio:.2f}")
                for label in ("before", "after"):
                    print(f"-- {label}:\n{outputs[label].rstrip()}")
                print(flush=True)
        finally:
            for tree in trees:
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
    print("| benchmark | before (best wall) | after (best wall) | after / before |")
    print("|---|---|---|---|")
    for name, b, a, r in rows:
        print(f"| {name} | {b:.1f} s | {a:.1f} s | {r:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
