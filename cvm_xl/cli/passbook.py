"""`cvm-xl passbook MASTER [--dry-run]`: the passbook of every relationship, planned and realised.

Prints per customer the balances of both firms, the total value created, each firm's share, the
equity gap against the target share with a plain-language suggestion, and the value realised so
far; then writes the same into the master's Passbook sheet (rewritten each time, also by
``cvm-xl import``), after keeping a backup of the master.

Exit codes: 0 done, 1 problems in the master (nothing written), 2 the master cannot be read.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence

import pandas as pd
from rich.console import Console
from rich.table import Table

from cvm_xl.books.passbook import Standing, master_passbook, write_passbook_sheet
from cvm_xl.cli.common import EXIT_OK, holding, load, text_of, write_error
from cvm_xl.core import columns as col
from cvm_xl.core.passbook import LINE_SETTLEMENT
from cvm_xl.core.true_up import PLANNED_TRANSFER, REALISED_TRANSFER, YEARS


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "passbook",
        help="show every relationship's passbook and write the master's Passbook sheet",
        description="Computes each relationship's passbook from the master's Ideas and Tracking sheets "
        "(three planned lines per idea signed off, implementing or delivered, a Settlement line per "
        "idea trued up on realised value, and the value realised so far), prints the balances, shares, "
        "equity gap and a suggestion per customer, and writes them "
        "with every line into the master's Passbook sheet (a backup of the master is kept).",
    )
    p.add_argument("master", help="the master workbook (.xlsx or .xlsm)")
    p.add_argument("--dry-run", action="store_true", help="print only; do not write the Passbook sheet")
    p.set_defaults(run=run)


def standings_table(items: Sequence[Standing], currency: str) -> Table:
    table = Table(title=f"Passbook balances ({currency})", title_justify="left", show_lines=True)
    for name in ("Customer", "Supplier (Bs)", "Customer (Bc)", "Total", "Shares S / C", "Equity gap",
                 "Realised S / C", "Suggestion"):  # fmt: skip
        table.add_column(name, justify="left" if name in ("Customer", "Suggestion") else "right")
    for s in items:
        b = s.balances
        shares = "" if b.supplier_share is None else f"{b.supplier_share:.0%} / {s.customer_share:.0%}"
        table.add_row(
            f"{s.customer} ({s.customer_id})",
            text_of(b.supplier),
            text_of(b.customer),
            text_of(b.total),
            shares,
            text_of(b.equity_gap),
            f"{text_of(s.realised_supplier)} / {text_of(s.realised_customer)}",
            s.advice,
        )
    return table


def true_up_table(settled: pd.DataFrame, currency: str) -> Table:
    """The Settlement lines (``core.true_up``): transfers to date planned and realised, and who owes."""
    table = Table(title=f"True-up on realised value ({currency})", title_justify="left")
    for name in ("Idea", "Years", "Planned T", "Realised T", "Settlement"):
        table.add_column(name, justify="left" if name == "Idea" else "right")
    for r in settled.to_dict("records"):
        table.add_row(
            f"{r[col.IDEA_ID]} ({r[col.CUSTOMER_ID]})",
            f"{int(r[YEARS])}",
            text_of(r[PLANNED_TRANSFER]),
            text_of(r[REALISED_TRANSFER]),
            text_of(r["Amount"]),
        )
    return table


def run(args: argparse.Namespace, console: Console | None = None) -> int:
    # The master is held from reading to writing (not for a dry run): no other writer comes between.
    with holding(args.master, "passbook", write=not args.dry_run):
        return _run(args, console)


def _run(args: argparse.Namespace, console: Console | None = None) -> int:
    console = console or Console(highlight=False)
    master = load(args.master, "passbook", console)
    if isinstance(master, int):
        return master
    lines, items = master_passbook(master)
    console.print(standings_table(items, master.settings.currency))
    ideas = lines[col.IDEA_ID].nunique() if len(lines) else 0
    console.print(f"{ideas:,} ideas in the passbooks ({len(lines):,} lines).")
    settled = lines[lines["Line"] == LINE_SETTLEMENT]
    if len(settled):
        console.print(true_up_table(settled, master.settings.currency))
    if args.dry_run:
        console.print("Dry run: the master was not changed.")
        return EXIT_OK
    when = dt.datetime.now().replace(microsecond=0)
    path = master.path
    assert path is not None, "load() reads the master from its file"
    try:
        backup = write_passbook_sheet(path, master, when, backup=True)
    except (OSError, ValueError) as exc:
        raise write_error(path, exc) from None
    console.print(f"Passbook sheet written to {path} (backup kept as {backup}).")
    return EXIT_OK
