"""Run every benchmark of this folder one after another and print what each measured.

    python benchmarks/run.py [NAME ...]      # e.g. python benchmarks/run.py evaluate reconcile

Each benchmark compares cvm-xl with a peer measured in the same process, so the printed ratios hold
on a shared, noisy machine. Copy the figures into benchmarks/RESULTS.md with the date and machine.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names]
    failed = 0
    for script in scripts:
        print(f"== {script.stem} ==", flush=True)
        start = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent)
        print(f"   ({time.perf_counter() - start:.0f} s wall)\n", flush=True)
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
