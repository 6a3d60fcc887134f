"""How long LibreOffice and Gnumeric take to recalculate the live workbooks, before and after a change.

    python benchmarks/bench_live_recalc.py [--before TREE] [--ideas 1000] [--rounds 2]

Two files are measured (issue 12, "every formula right in Gnumeric too, and fast"): the demo's
largest customer workbook (``cvm-xl demo``: the live Passbook, Cover, Sign-off and Monthly report)
and a live master of ``--ideas`` ideas (``write_master``: every Ideas formula reads the settings by
their names). Each engine recalculates every formula of the file from scratch: Gnumeric with
``ssconvert --recalc``, LibreOffice converting with a private profile that recalculates on load
(tests/libreoffice.py, tests/gnumeric.py); the time of one call includes the engine's start, which
the line "empty workbook" shows on its own.

``--before TREE`` is a source tree of an earlier revision (``git archive REV cvm_xl udfs | tar -x -C
TREE``): its files are written by that tree's code and measured in the same run, alternating with
this tree's, so the ratios hold under the machine's load. ``--write DIR`` only writes this tree's
files into DIR (to keep them, e.g. before an edit); ``--before-dir DIR`` measures such files as the
"before". Best of ``--rounds`` per file and engine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT / "tests")]

from gnumeric import Gnumeric, find_ssconvert  # noqa: E402
from libreoffice import LibreOffice, find_soffice  # noqa: E402

# Written in a subprocess with the tree's own code: the demo, and a master of N ideas made of the
# sample's ideas repeated under new IDs (each with its customer), as write_master lays it out.
WRITE = """
import sys
from pathlib import Path
import pandas as pd
from cvm_xl.cli.main import main
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables

out, ideas = Path(sys.argv[1]), int(sys.argv[2])
try:
    main(["demo", "--out", str(out / "demo")])
except SystemExit:
    pass
tables = sample_tables()
base = tables["Ideas"]
repeats = -(-ideas // len(base))
copies = [base.assign(**{"Idea ID": [f"{i}-{k}" for i in base["Idea ID"]]}) for k in range(repeats)]
tables["Ideas"] = pd.concat(copies, ignore_index=True).head(ideas)
write_master(out / "master.xlsx", sample_settings(), tables)
"""


def write_files(tree: Path, out: Path, ideas: int) -> dict[str, Path]:
    """The demo's largest customer workbook and a master of ``ideas`` ideas, written by ``tree``."""
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    # Run from ``out``: "python -c" puts the working directory first on sys.path.
    subprocess.run([sys.executable, "-c", WRITE, str(out), str(ideas)], env=env, check=True, cwd=out,
                   capture_output=True)  # fmt: skip
    return written(out, ideas)


def written(out: Path, ideas: int) -> dict[str, Path]:
    """The files ``write_files`` wrote into ``out``."""
    books = sorted((out / "demo" / "customers").glob("*.xlsx"), key=lambda p: p.stat().st_size)
    return {"largest customer workbook": books[-1], f"master of {ideas:,} ideas": out / "master.xlsx"}


def empty_workbook(folder: Path) -> Path:
    import openpyxl

    path = folder / "empty.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=1+1"
    wb.save(path)
    return path


def timed(engine: object, path: Path, out: Path) -> float:
    start = time.perf_counter()
    engine.recalculate([path], out)  # type: ignore[attr-defined]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", type=Path, help="source tree of the earlier revision")
    parser.add_argument("--before-dir", type=Path, help="files written earlier with --write")
    parser.add_argument("--write", type=Path, help="only write this tree's files into this folder")
    parser.add_argument("--ideas", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.write:
        print(write_files(ROOT, args.write.resolve(), args.ideas))
        return
    if not (find_soffice() and find_ssconvert()):
        sys.exit("LibreOffice (soffice) and Gnumeric (ssconvert) are both needed")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        engines = {"Gnumeric": Gnumeric(folder / "gnumeric-home"), "LibreOffice": LibreOffice(folder / "lo")}
        trees = {"after": ROOT} | ({"before": args.before.resolve()} if args.before else {})
        files = {name: write_files(tree, folder / name, args.ideas) for name, tree in trees.items()}
        if args.before_dir:
            trees["before"] = args.before_dir
            files["before"] = written(args.before_dir.resolve(), args.ideas)
        files = {name: {"empty workbook": empty_workbook(folder), **f} for name, f in files.items()}
        best: dict[tuple[str, str, str], float] = {}
        for _ in range(args.rounds):
            for engine_name, engine in engines.items():
                for label in files["after"]:
                    for tree in trees:  # alternating: before and after see the same load
                        seconds = timed(engine, files[tree][label], folder / "out" / tree)
                        key = (engine_name, label, tree)
                        best[key] = min(best.get(key, seconds), seconds)
    before = len(trees) > 1
    print(f"| file | engine | {' | '.join(trees)} |{' before / after |' if before else ''}")
    print(f"|---|---|{'---|' * len(trees)}{'---|' if before else ''}")
    for label in files["after"]:
        for engine_name in engines:
            times = [best[(engine_name, label, tree)] for tree in trees]
            ratio = f" {times[1] / times[0]:.1f}x |" if before else ""
            print(f"| {label} | {engine_name} | {' | '.join(f'{t:.2f} s' for t in times)} |{ratio}")


if __name__ == "__main__":
    main()
