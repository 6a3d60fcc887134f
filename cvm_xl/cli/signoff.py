"""`cvm-xl signoff MASTER --out FILE [--force]`: the consolidated sign-off over all customers.

Exit codes: 0 written, 1 problems in the master (nothing written) or the file changed since it was
generated (left alone without --force), 2 bad usage or an unreadable master.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from cvm_xl.cli.common import EXIT_OK, EXIT_PROBLEMS, UsageError, load
from cvm_xl.generate.signoff_book import write_signoff_book


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "signoff",
        help="write the consolidated sign-off workbook over all customers",
        description="Writes one internal workbook: per customer and in total the ideas by map cell, "
        "verdict, category and status, value created per firm, transfers, passbook balances, equity "
        "gaps and each sign-off's fingerprint, with a Detail sheet of every idea. Totals are formulas "
        "over Detail. A file edited since it was generated is not overwritten unless --force is given.",
    )
    p.add_argument("master", help="the master workbook (.xlsx or .xlsm)")
    p.add_argument("--out", required=True, help="the workbook to write, e.g. signoff.xlsx")
    p.add_argument(
        "--force", action="store_true", help="overwrite the file even if it changed since generation"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    console = Console(highlight=False)
    if Path(args.out).suffix and Path(args.out).suffix.lower() != ".xlsx":
        raise UsageError(
            f"{args.out}: the consolidated sign-off is an .xlsx workbook; name it e.g. signoff.xlsx"
        )
    master = load(args.master, "signoff", console)
    if isinstance(master, int):
        return master
    out = Path(args.out) if Path(args.out).suffix else Path(args.out).with_suffix(".xlsx")
    reason = write_signoff_book(master, out, force=args.force)
    if reason:
        console.print(f"[bold red]{out}[/] was not overwritten: {reason}. Use --force to replace it.")
        return EXIT_PROBLEMS
    console.print(f"Consolidated sign-off for {len(master.customers)} customers written to {out}.")
    return EXIT_OK
