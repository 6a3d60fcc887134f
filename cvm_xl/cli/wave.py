"""`cvm-xl wave MASTER`: each customer's 12-week wave plan with real dates (SPEC §3.7).

Prints the plan of every customer with a Wave start (phases, milestones, the top-management
reviews, then the monthly reports and quarterly reviews of the following year) and writes it as a
``Wave plan`` sheet with a Gantt-style band into the master, replacing that sheet if it exists.

Exit codes: 0 done, 1 problems in the master (nothing written), 2 bad usage, an unreadable master,
or a master that could not be written.
"""

from __future__ import annotations

import argparse
import datetime as dt

from rich.table import Table
from rich.text import Text

from cvm_xl.cli.common import EXIT_OK, chosen_customers, holding, load, write_error
from cvm_xl.cli.report import report_console
from cvm_xl.core import columns as col
from cvm_xl.core.cells import date as read_date
from cvm_xl.core.wave import PHASE, WavePhase, wave_plan
from cvm_xl.generate.master_sheets import WAVE_SHEET, WaveCustomer, replace_sheets, wave_sheet
from cvm_xl.generate.sheets.wave_plan import REVIEW_MONTHS


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "wave",
        help="print each customer's wave plan and write it as the master's Wave plan sheet",
        description="From each customer's Wave start (the kick-off, week 0): internal preparation and "
        "buy-in, value chain and KPIs (weeks 1-3), the idea workshop (week 4), evaluation (5-6), "
        "planning and sign-off (7-8), tracking (9-12) with monthly top-management reviews, then a "
        "year of monthly reports and quarterly reviews, on real dates (meetings on working days). "
        "Writes a Wave plan sheet with a Gantt-style band into the master (keeping a backup) unless "
        "--dry-run is given.",
    )
    p.add_argument("master", help="the master workbook (.xlsx or .xlsm)")
    p.add_argument(
        "--customer",
        action="append",
        metavar="ID",
        help="print only this customer's plan (repeat for several); the sheet covers every customer",
    )
    p.add_argument("--dry-run", action="store_true", help="print the plans; write nothing")
    p.set_defaults(run=run)


def _customers(n: int) -> str:
    return f"{n} customer" if n == 1 else f"{n} customers"


def plan_table(plan: list[WavePhase]) -> Table:
    table = Table(header_style="bold")
    for name in ("Item", "Kind", "Weeks", "Start", "End", "Owner"):
        table.add_column(name, no_wrap=name != "Item", justify="right" if name == "Weeks" else "left")
    for item in plan:
        style = "bold" if item.kind == PHASE else ""
        table.add_row(
            Text(item.name, style=style), item.kind, item.weeks,
            f"{item.start:%a %Y-%m-%d}", f"{item.end:%a %Y-%m-%d}", item.owner,
        )  # fmt: skip
    return table


def run(args: argparse.Namespace) -> int:
    # The master is held from reading to writing (not for a dry run): no other writer comes between.
    with holding(args.master, "wave", write=not args.dry_run):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    console = report_console()
    master = load(args.master, "wave", console)
    if isinstance(master, int):
        return master
    wanted = chosen_customers(master, args.customer)
    plans: list[WaveCustomer] = []
    without: list[str] = []
    # The sheet always covers every customer; --customer only chooses what is printed.
    for customer in master.customers.to_dict("records"):
        cid = str(customer[col.CUSTOMER_ID])
        kickoff = read_date(customer.get("Wave start"))
        if kickoff is None:
            without.append(cid)
            continue
        plan = wave_plan(kickoff, REVIEW_MONTHS)
        plans.append(WaveCustomer(cid, str(customer.get("Customer") or cid), kickoff, plan))
        if wanted is not None and cid not in wanted:
            continue
        console.rule(f"{cid} {customer.get('Customer') or ''}: wave from {kickoff:%a %Y-%m-%d}")
        console.print(plan_table(plan))
    if without:
        console.print(
            f"[yellow]No Wave start (no plan):[/] {', '.join(without)}. Fill it in on the Customers sheet."
        )
    if not plans:
        console.print("No customer has a Wave start: nothing to plan. Nothing was written.")
        return EXIT_OK
    if args.dry_run:
        console.print(
            f"Dry run: would write the {WAVE_SHEET} sheet for {_customers(len(plans))}. Nothing was written."
        )
        return EXIT_OK
    writer = wave_sheet(plans, without, dt.datetime.now().replace(microsecond=0))
    try:
        written = replace_sheets(args.master, {WAVE_SHEET: writer})
    except (OSError, ValueError) as exc:
        raise write_error(args.master, exc) from None
    console.print(f"Wrote the {WAVE_SHEET} sheet of {args.master} ({_customers(len(plans))}).")
    if written.backup:
        console.print(f"The previous version is kept as {written.backup.name}.")
    return EXIT_OK
