"""What making every file readable in every reader costs (issue 12): generation with and without
``spreadsheet.ooxml_parts`` normalising the parts, measured in the same run.

    .venv/bin/python benchmarks/bench_normalise.py [--scale N] [--books B] [--repeat R]

- **master**: ``write_master`` of the bundled sample, and of the sample with its Ideas and Workshop
  rows repeated N times (default 100), where ``workbook_bytes`` normalises the whole package
  (relationship targets, part names, drawing prefixes, the order inside ``<font>``);
- **customer workbooks**: a run that builds the base once and writes B workbooks (default 20) of
  the sample's customers in turn; the base's parts are normalised once per run, so each workbook
  costs nothing more.

"without" replaces the normaliser by the identity for the timing only. Best of R (default 5).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cvm_xl.core import columns as col  # noqa: E402
from cvm_xl.generate import base as generate_base  # noqa: E402
from cvm_xl.generate.customer_book import CustomerBookWriter  # noqa: E402
from cvm_xl.generate.model import RunData  # noqa: E402
from cvm_xl.master.read import load_master  # noqa: E402
from cvm_xl.master.write import write_master  # noqa: E402
from cvm_xl.sample import sample_settings, sample_tables  # noqa: E402
from cvm_xl.spreadsheet import atomic  # noqa: E402


@contextmanager
def without_normalising() -> Iterator[None]:
    """The normaliser replaced by the identity where bytes are produced (masters and the base)."""
    package, parts = atomic.normalise_package, generate_base.normalise_parts
    atomic.normalise_package = lambda data: data  # type: ignore[assignment]
    generate_base.normalise_parts = dict  # type: ignore[assignment]
    try:
        yield
    finally:
        atomic.normalise_package, generate_base.normalise_parts = package, parts


def scaled_tables(scale: int) -> dict[str, pd.DataFrame]:
    """The sample with its Ideas and Workshop rows repeated ``scale`` times under new IDs."""
    tables = sample_tables()
    for table, key in (("Ideas", col.IDEA_ID), ("Workshop", None)):
        frame = tables[table]
        copies = []
        for n in range(scale):
            copy = frame.copy()
            if key is not None:
                copy[key] = copy[key].astype(str) + f"-{n}"
            copies.append(copy)
        tables[table] = pd.concat(copies, ignore_index=True)
    return tables


def compare(label: str, action: Callable[[], object], repeat: int) -> None:
    """Best of ``repeat`` with and without normalising, taken in turns so that a load on the
    machine weighs on both alike."""
    with_it, without = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        with_it.append(time.perf_counter() - start)
        with without_normalising():
            start = time.perf_counter()
            action()
            without.append(time.perf_counter() - start)
    a, b = min(with_it), min(without)
    print(f"| {label} | {a:.3f} s | {b:.3f} s | **{a / b:.3f}** |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--books", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    settings = sample_settings()
    folder = Path(tempfile.mkdtemp(prefix="bench-normalise-"))
    big = scaled_tables(args.scale)
    print("| what | with normalising | without | ratio |")
    print("|---|---|---|---|")
    compare(
        "master, sample", lambda: write_master(folder / "sample.xlsx", settings, sample_tables()), args.repeat
    )
    compare(
        f"master, Ideas and Workshop x{args.scale} ({len(big['Ideas']):,} ideas)",
        lambda: write_master(folder / "big.xlsx", settings, big),
        args.repeat,
    )
    write_master(folder / "sample.xlsx", settings, sample_tables())
    master = load_master(folder / "sample.xlsx")
    run = RunData(master)
    customers = list(master.customers[col.CUSTOMER_ID])

    def books() -> None:
        writer = CustomerBookWriter(master.settings)
        for n in range(args.books):
            writer.workbook_bytes(run.customer(customers[n % len(customers)]))

    compare(f"customer workbooks, one run of {args.books}", books, args.repeat)


if __name__ == "__main__":
    main()
