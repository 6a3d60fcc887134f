"""`cvm-xl signoff MASTER --out FILE [--as-of DATE] [--force]`: the consolidated sign-off over all customers.

``--as-of`` is the day its reports are made for (the Escalations sheet's days overdue, reviews due;
default today), so a sign-off can be reproduced.

``--out`` must name a workbook file: not a folder, not the master itself. The file is held for
writing (not open in Excel, not read-only, no other command writing it) and replaced atomically.

Exit codes: 0 written, 1 problems in the master (nothing written) or the file changed since it was
generated (left alone without --force), 2 bad usage, an unreadable master, or a file that cannot
be written (nothing written).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from cvm_xl.cli.actions import add_as_of
from cvm_xl.cli.common import EXIT_OK, EXIT_PROBLEMS, UsageError, holding, load, os_error_message, same_file
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
    add_as_of(p, "the sign-off's reports (escalations, reviews due) are made for")
    p.add_argument(
        "--force", action="store_true", help="overwrite the file even if it changed since generation"
    )
    p.set_defaults(run=run)


def output_file(out: str, master: str) -> Path:
    """The workbook ``--out`` names (``.xlsx`` added when it has no suffix); a folder, another format
    or the master itself is a usage error."""
    path = Path(out)
    if path.suffix and path.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: the consolidated sign-off is an .xlsx workbook; name it e.g. signoff.xlsx")
    if path.is_dir():
        raise UsageError(
            f"{out} is a folder; give the name of the workbook to write, e.g. {path / 'signoff.xlsx'}"
        )
    path = path if path.suffix else path.with_suffix(".xlsx")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give the name of the workbook to write, e.g. signoff.xlsx")
    if same_file(path, Path(master)):
        raise UsageError(
            f"{out} is the master itself; give another file name for the sign-off, e.g. signoff.xlsx"
        )
    return path


def run(args: argparse.Namespace) -> int:
    console = Console(highlight=False)
    out = output_file(args.out, args.master)
    master = load(args.master, "signoff", console)
    if isinstance(master, int):
        return master
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with holding(out, "signoff", create=True):
            reason = write_signoff_book(master, out, force=args.force, as_of=args.as_of)
    except OSError as exc:
        raise UsageError(os_error_message(exc, out)) from None
    if reason:
        console.print(f"[bold red]{out}[/] was not overwritten: {reason}. Use --force to replace it.")
        return EXIT_PROBLEMS
    console.print(f"Consolidated sign-off for {len(master.customers)} customers written to {out}.")
    return EXIT_OK
