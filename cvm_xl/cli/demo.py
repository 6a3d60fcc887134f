"""`cvm-xl demo`: a complete sample run — master workbook, portfolio report, customer workbooks, sign-off."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from cvm_xl.cli.progress import generate_customer_workbooks
from cvm_xl.cli.report import print_report, report_console
from cvm_xl.generate import write_signoff_workbook
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables

DEFAULT_OUT = "demo-output"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "demo",
        help="write a complete sample (master, customer workbooks, sign-off) and print the portfolio",
        description="Writes the bundled sample master workbook, reads it back like any master, prints "
        "the portfolio map, verdicts, split proposals and passbook balances, and generates the "
        "customer workbooks and the consolidated sign-off from it.",
    )
    p.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})")
    p.add_argument("--force", action="store_true", help="overwrite demo workbooks edited since generation")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    console = report_console()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    master_path = out / "cvm_master.xlsx"
    write_master(master_path, sample_settings(), sample_tables())
    master = load_master(master_path)
    print_report(master, console)

    written = [master_path]
    written += _generate(master, out, args.force, console)
    console.rule("Files written")
    for path in written:
        console.print(f"  {path}")
    return 0


def _generate(master, out: Path, force: bool, console: Console) -> list[Path]:
    books = generate_customer_workbooks(master, out / "customers", force=force, console=console)
    signoff = write_signoff_workbook(master, out / "cvm_signoff.xlsx", force=force)
    return [*books, signoff]
