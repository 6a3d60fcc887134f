"""`cvm-xl wave MASTER`: each customer's 12-week wave plan with real dates (SPEC §3.7).

Prints the plan of every wave of every customer (phases, milestones, the top-management reviews,
then the monthly reports and quarterly reviews of the following year) and writes them as a
``Wave plan`` sheet with a Gantt-style band into the master, replacing that sheet if it exists.

A customer's waves are ``core.waves``'s (the Waves sheet; wave 1 is the Wave start unless a row
gives it), printed and written in wave order, one plan each; an earlier wave lists its reviews until
the next wave's first review, where that wave's plan takes over (``core.reviews``). A customer whose
one wave is its Wave start is printed and written as it always was. ``--wave N`` prints only each
customer's wave N (like ``--customer``, it chooses what is printed: the sheet covers every wave).

Exit codes: 0 done, 1 problems in the master (nothing written), 2 bad usage, an unreadable master,
or a master that could not be written.
"""

from __future__ import annotations

import argparse
import datetime as dt
from itertools import pairwise

from rich.table import Table
from rich.text import Text

from cvm_xl.cli.common import EXIT_OK, chosen_customers, holding, load, write_error
from cvm_xl.cli.report import report_console
from cvm_xl.core import columns as col
from cvm_xl.core.reviews import by_kick_off, reviews_until, wave_items
from cvm_xl.core.wave import PHASE, WavePhase
from cvm_xl.core.waves import Wave, customer_waves
from cvm_xl.generate.master_sheets import WAVE_SHEET, WaveCustomer, replace_sheets, wave_sheet
from cvm_xl.generate.sheets.wave_plan import REVIEW_MONTHS


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "wave",
        help="print each customer's wave plan and write it as the master's Wave plan sheet",
        description="From the kick-off of each wave of each customer (week 0; wave 1 is the Wave start "
        "unless the Waves sheet gives it): internal preparation and "
        "buy-in, value chain and KPIs (weeks 1-3), the idea workshop (week 4), evaluation (5-6), "
        "planning and sign-off (7-8), tracking (9-12) with monthly top-management reviews, then a "
        "year of monthly reports and quarterly reviews, on real dates (meetings on working days). "
        "Writes a Wave plan sheet with a Gantt-style band into the master (keeping a backup) unless "
        "--dry-run is given. A customer with several waves gets one plan per wave; an earlier wave's "
        "reviews run until the next wave's first review.",
    )
    p.add_argument("master", help="the master workbook (.xlsx or .xlsm)")
    p.add_argument(
        "--customer",
        action="append",
        metavar="ID",
        help="print only this customer's plan (repeat for several); the sheet covers every customer",
    )
    p.add_argument(
        "--wave",
        type=_wave_number,
        metavar="N",
        help="print only wave N of each customer (1 = the Wave start); the sheet covers every wave",
    )
    p.add_argument("--dry-run", action="store_true", help="print the plans; write nothing")
    p.set_defaults(run=run)


def _customers(n: int) -> str:
    return f"{n} customer" if n == 1 else f"{n} customers"


def _plans(plans: list[WaveCustomer]) -> str:
    """'4 customers' (one wave each, as always), or '4 customers, 5 waves'."""
    customers = _customers(len({p.customer_id for p in plans}))
    return (
        customers if len(plans) == len({p.customer_id for p in plans}) else f"{customers}, {len(plans)} waves"
    )


def _wave_number(text: str) -> int:
    """'2' -> 2: a wave is a whole number from 1."""
    try:
        number = int(text.strip())
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a wave: give a whole number from 1 (e.g. 2)")
    return number


def wave_title(
    cid: str, name: str, wave: Wave, waves: tuple[Wave, ...], until: dt.date | None, successor: int | None
) -> str:
    """The line above one wave's printed plan: as it always was for a customer whose one wave is its
    Wave start; with the wave's number, status and facilitator, and from when the next wave's plan
    holds the reviews, otherwise."""
    start = f"{wave.kick_off:%a %Y-%m-%d}"
    if len(waves) == 1 and wave.from_wave_start:
        return f"{cid} {name}: wave from {start}"
    facts = ", ".join(x for x in (wave.status, wave.facilitator and f"facilitator {wave.facilitator}") if x)
    text = f"{cid} {name}: wave {wave.number} of {len(waves)} from {start}" + (f" ({facts})" if facts else "")
    if until is not None and successor is not None:
        text += f"; its reviews until {until.isoformat()}, then wave {successor}'s plan"
    return text


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
    known = customer_waves(master.customers, master.waves)
    plans: list[WaveCustomer] = []
    without: list[str] = []
    missing: list[str] = []  # customers without the wave asked for with --wave
    # The sheet always covers every wave of every customer; --customer and --wave only choose what is
    # printed.
    for customer in master.customers.to_dict("records"):
        cid = str(customer[col.CUSTOMER_ID])
        waves = known.of(cid)
        if not waves:
            without.append(cid)
            continue
        name = str(customer.get("Customer") or cid)
        until = reviews_until(waves)
        shown = wanted is None or cid in wanted
        if shown and args.wave is not None and args.wave not in until:
            missing.append(cid)
        ordered = by_kick_off(waves)
        successor = {before.number: after.number for before, after in pairwise(ordered)}
        for wave in ordered:
            plan = wave_items(wave.kick_off, until[wave.number], REVIEW_MONTHS)
            plans.append(WaveCustomer(cid, name, wave.kick_off, plan, wave.number))
            if not shown or (args.wave is not None and wave.number != args.wave):
                continue
            title = wave_title(
                cid,
                str(customer.get("Customer") or ""),
                wave,
                waves,
                until[wave.number],
                successor.get(wave.number),
            )
            console.rule(title)
            console.print(plan_table(plan))
    if without:
        console.print(
            f"[yellow]No Wave start (no plan):[/] {', '.join(without)}. Fill it in on the Customers sheet."
        )
    if missing:
        console.print(f"[yellow]No wave {args.wave}:[/] {', '.join(missing)} (see the Waves sheet).")
    if not plans:
        console.print("No customer has a Wave start: nothing to plan. Nothing was written.")
        return EXIT_OK
    if args.dry_run:
        console.print(
            f"Dry run: would write the {WAVE_SHEET} sheet for {_plans(plans)}. Nothing was written."
        )
        return EXIT_OK
    writer = wave_sheet(plans, without, dt.datetime.now().replace(microsecond=0))
    try:
        written = replace_sheets(args.master, {WAVE_SHEET: writer})
    except (OSError, ValueError) as exc:
        raise write_error(args.master, exc) from None
    console.print(f"Wrote the {WAVE_SHEET} sheet of {args.master} ({_plans(plans)}).")
    if written.backup:
        console.print(f"The previous version is kept as {written.backup.name}.")
    return EXIT_OK
