"""`cvm-xl balance MASTER [--customer ID] [--apply]`: counter-balancing (issue 15; SPEC §3.4–3.6).

Per customer: the bundles that rescue its shelved ideas (Shelve, or No go although the net value is
positive), each with its members, sums, cell, verdict, net value and split; the ideas no bundle can
rescue, with the reason; and, when the passbook's equity gap exceeds Settings ``Equity tolerance``
of its total, the open Go ideas that would shrink it most and the transfer (or price premium) that
would close the rest. The bundles are solved exactly by HiGHS through scipy.optimize.milp
(``core.balance``). With ``--apply`` the proposed Bundle IDs are written into the master's Ideas
table (the column is added when missing), the master held, backed up and replaced in one step.

Exit codes: 0 done, 1 problems in the master (nothing written), 2 bad usage, an unreadable master,
or a master that could not be written (e.g. held by another command).
"""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cvm_xl.actions.balance import BalancePlan, CustomerPlan, apply_balance, plan_balance
from cvm_xl.cli.common import EXIT_OK, chosen_customers, holding, load, write_error
from cvm_xl.cli.report import report_console
from cvm_xl.core.balance import SOLVER
from cvm_xl.core.passbook import BALANCE_TOLERANCE, equity_reading, whole_amount
from cvm_xl.core.settings import Settings
from cvm_xl.core.spellings import plural


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "balance",
        help="propose bundles that rescue shelved ideas, and the ideas that close the equity gap",
        description="For every shelved idea (Shelve, or No go with a positive net value) proposes the "
        "bundle of the customer's open ideas that makes it a Go: win-win with net value of at least the "
        "Significance threshold; fewest members, then the largest net value, then the smallest idea IDs, "
        "solved exactly by HiGHS through scipy.optimize.milp. Names the ideas no bundle can rescue, and "
        "for a passbook whose equity gap exceeds the Equity tolerance, ranks the open Go ideas that "
        "would shrink it and states the transfer that closes the rest. With --apply, writes the "
        "Bundle IDs into the master (a backup is kept beside it).",
    )
    p.add_argument("master", help="the master workbook (.xlsx or .xlsm)")
    p.add_argument(
        "--customer", action="append", metavar="ID", help="only this customer (repeat for several)"
    )
    p.add_argument("--apply", action="store_true", help="write the proposed Bundle IDs into the master")
    p.set_defaults(run=run)


def _amount(x: float) -> str:
    return whole_amount(x)


def proposals_table(plan: CustomerPlan, currency: str) -> Table:
    """One row per proposed bundle: its sums, cell, verdict, net value and split (SPEC §3.4-3.5 on
    the bundle), and each member's part of the transfer (by band, ``core.bundles``)."""
    title = f"Bundles proposed ({currency}; Supplier and Customer: the sums of the members' values)"
    table = Table(header_style="bold", title_justify="left", title=title)
    for name, justify in (
        ("Bundle", "left"), ("Rescues", "left"), ("Members", "left"), ("Supplier", "right"),
        ("Customer", "right"), ("Cell", "left"), ("Verdict", "left"), ("Net value", "right"),
        ("Split", "left"), ("T by member", "left"),
    ):  # fmt: skip
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for bundle_id, p in zip(plan.bundle_ids, plan.bundles.proposals, strict=True):
        parts = "\n".join(f"{m} {_amount(t)}" for m, t in zip(p.members, p.member_transfers, strict=True))
        split = f"{p.split_method}, T = {_amount(p.transfer)}"
        table.add_row(
            bundle_id, p.target, " + ".join(p.members), _amount(p.supplier_value), _amount(p.customer_value),
            p.cell, p.verdict.label, _amount(p.net_value), split, parts,
        )  # fmt: skip
    return table


def _names(ids: list[str]) -> str:
    return ", ".join(ids[:-1]) + (" and " if len(ids) > 1 else "") + ids[-1]


def closer_lines(plan: CustomerPlan, settings: Settings, console: Console) -> None:
    """The equity closer in words: the gap, the ideas that shrink it, the transfer for the rest."""
    c = plan.closer
    b = c.balances
    if not b.total and not b.equity_gap:
        console.print("Equity: nothing in the passbook yet, so no gap to close.")
        return
    gap = f"equity gap {_amount(b.equity_gap)} ({equity_reading(b.equity_gap)})"
    if not c.needed:
        console.print(f"Equity: {gap}, within the tolerance of {_amount(c.tolerance)}: nothing to close.")
        return
    console.print(f"Equity: {gap}, beyond the tolerance of {_amount(c.tolerance)}.")
    if c.closers:
        title = "Open Go ideas that would shrink the gap"
        table = Table(header_style="bold", title=title, title_justify="left")
        for name, justify in (("#", "right"), ("Idea", "left"), ("Title", "left"),
                              ("Shrinks |gap| by", "right"), ("Gap after", "right")):  # fmt: skip
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        for rank, closer in enumerate(c.closers, start=1):
            idea = closer.idea_id
            if len(closer.members) > 1:  # a bundle is signed as one
                idea += f" ({' + '.join(closer.members)})"
            table.add_row(
                str(rank), idea, Text(closer.title), _amount(closer.shrink), _amount(closer.gap_after)
            )
        console.print(table)
    else:
        console.print("No open Go idea shrinks the gap.")
    signed = f"after signing {_names([t.idea_id for t in c.top])}" if c.top else "as it stands"
    if abs(c.transfer) <= BALANCE_TOLERANCE:
        console.print(f"Signing {_names([t.idea_id for t in c.top])} closes the gap.")
        return
    payer, payee = settings.supplier, plan.name or plan.customer_id
    if c.transfer < 0:
        payer, payee = payee, payer
    line = f"To close the rest ({signed}): {payer} transfers {_amount(abs(c.transfer))} to {payee}"
    if c.premium is not None:
        unit = f"{abs(c.premium.per_unit):,.2f} per unit"
        pct = c.premium.percent_of_price
        share = "" if pct is None else f" ({abs(pct):.1%} of the price)"
        line += f", i.e. a price {c.premium.kind} of {unit}{share} for {settings.horizon_years:g} years"
    console.print(line + ".")


def print_plan(plan: BalancePlan, settings: Settings, console: Console) -> None:
    for customer in plan.customers:
        title = f"{customer.customer_id} {customer.name}".strip()
        console.rule(title)
        bundles = customer.bundles
        if bundles.proposals:
            console.print(proposals_table(customer, settings.currency))
        for r in bundles.rescued_as_members:
            console.print(f"{r.target} is rescued too, as a member of the bundle proposed for {r.by}.")
        for u in bundles.unrescued:
            console.print(
                Text(f"{u.target} ({u.verdict.label}) cannot be rescued: {u.reason}.", style="yellow")
            )
        if not (bundles.proposals or bundles.unrescued or bundles.rescued_as_members):
            console.print("No shelved idea waits for a counter-balancing one.")
        closer_lines(customer, settings, console)
    console.print(
        f"Bundles solved exactly by {SOLVER} ({plural(plan.solves, 'solve')}; fewest members, then the "
        "largest net value, then the smallest idea IDs)."
    )


def run(args: argparse.Namespace) -> int:
    # With --apply the master is held from reading to writing: no other writer comes between.
    with holding(args.master, "balance", write=args.apply):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    console = report_console()
    master = load(args.master, "balance", console)
    if isinstance(master, int):
        return master
    wanted = chosen_customers(master, args.customer)
    plan = plan_balance(master, wanted)
    print_plan(plan, master.settings, console)
    n = plan.proposals
    if not args.apply:
        if n:
            console.print(f"Run again with --apply to write {plural(n, 'bundle')} into {args.master}.")
        return EXIT_OK
    if not n:
        console.print("No bundle to write. Nothing was written.")
        return EXIT_OK
    try:
        written = apply_balance(args.master, plan)
    except (OSError, ValueError) as exc:
        raise write_error(args.master, exc) from None
    ideas = plural(len(plan.changes), "idea")
    console.print(f"Wrote {args.master}: {plural(n, 'bundle')} ({ideas}) in the Bundle column.")
    if written is not None and written.backup:
        console.print(f"The previous version is kept as {written.backup.name}.")
    return EXIT_OK
