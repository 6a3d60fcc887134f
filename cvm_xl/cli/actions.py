"""`cvm-xl actions MASTER [--as-of DATE] [--customer ID]`: what is late in implementing the ideas.

Lists the escalations (issue 14, rules in ``cvm_xl.core.actions``) by customer and owner: every idea
past its End that is neither Delivered nor Dropped, and every action of the Actions sheet that is
not Done and whose Due date has passed, with the days overdue; then each idea's progress (actions
done of all, % done, next due, overdue). ``--as-of`` fixes the day the report is made for (default
today), so a report can be reproduced. ``--as-of`` is also taken by ``generate`` and ``signoff``
(``add_as_of``). Writes nothing.

Exit codes, as ``validate`` (SPEC §8: 1 = problems found): 0 nothing escalated, 1 escalations found
(or errors in the master), 2 bad usage or an unreadable master.
"""

from __future__ import annotations

import argparse
import datetime as dt

from rich.console import Console
from rich.table import Table

from cvm_xl.actions.escalations import ActionReport, action_report
from cvm_xl.cli.common import EXIT_OK, EXIT_PROBLEMS, chosen_customers, load, plural, text_of
from cvm_xl.core import columns as col
from cvm_xl.core.actions import (
    ACTION,
    ACTION_ID,
    ACTIONS_DONE,
    ACTIONS_TOTAL,
    DAYS_OVERDUE,
    DUE,
    NEXT_DUE,
    OVERDUE,
    PERCENT_DONE,
    REASON,
    REASON_PAST_END,
)


def as_of_date(text: str) -> dt.date:
    """The --as-of option: an ISO date (2026-12-01); anything else is a usage error (exit 2)."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-12-01"
        ) from None


def add_as_of(p: argparse.ArgumentParser, what: str) -> None:
    """The --as-of option of the commands that report on a day (actions, generate, signoff)."""
    p.add_argument(
        "--as-of",
        type=as_of_date,
        default=None,
        metavar="DATE",
        help=f"the day {what}, as YYYY-MM-DD (default: today), so that it can be reproduced",
    )


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "actions",
        help="list the escalations of the ideas' implementation by customer and owner",
        description="Reads the master's Actions sheet and lists, by customer and owner, every idea past "
        "its End that is neither Delivered nor Dropped and every action not done by its Due date, with "
        "the days overdue, then each idea's progress. Out-of-bounds ideas are left out. Exit code 0 "
        "when nothing is escalated, 1 when something is, 2 on bad usage. Writes nothing.",
    )
    p.add_argument("master", help="the master workbook (.xlsx or .xlsm)")
    add_as_of(p, "the report is made for")
    p.add_argument(
        "--customer", action="append", metavar="ID", help="only this customer (repeat the option for several)"
    )
    p.set_defaults(run=run)


def escalation_table(report: ActionReport) -> Table:
    """The escalations, one row each, the customer and owner named once per group."""
    table = Table(title=f"Escalations as of {report.as_of.isoformat()}", title_justify="left")
    table.add_column(col.CUSTOMER_ID, no_wrap=True)
    table.add_column(col.OWNER)
    table.add_column(col.IDEA_ID, no_wrap=True)
    table.add_column(ACTION_ID, no_wrap=True)
    table.add_column("What", overflow="fold", ratio=1)
    table.add_column(DUE, justify="right", no_wrap=True)
    table.add_column(DAYS_OVERDUE, justify="right")
    last: tuple[object, object] | None = None
    for row in report.escalations.to_dict("records"):
        cid, owner = row[col.CUSTOMER_ID], row[col.OWNER]
        customer = text_of(cid) if last is None or last[0] != cid else ""
        who = (text_of(owner) or "(no owner)") if last != (cid, owner) else ""
        what = REASON_PAST_END if row[REASON] == REASON_PAST_END else text_of(row[ACTION])
        table.add_row(
            customer,
            who,
            text_of(row[col.IDEA_ID]),
            text_of(row[ACTION_ID]),
            what,
            text_of(row[DUE]),
            f"[bold red]{int(row[DAYS_OVERDUE])}[/]",
        )
        last = (cid, owner)
    return table


def progress_table(report: ActionReport) -> Table:
    """Each idea with actions: done of all, % done, next due and overdue actions."""
    table = Table(title="Progress per idea", title_justify="left")
    table.add_column(col.CUSTOMER_ID)
    table.add_column(col.IDEA_ID)
    table.add_column(col.TITLE, overflow="fold", ratio=1)
    table.add_column("Done", justify="right", no_wrap=True)
    table.add_column(PERCENT_DONE, justify="right")
    table.add_column(NEXT_DUE, justify="right", no_wrap=True)
    table.add_column(OVERDUE, justify="right")
    for row in report.progress.to_dict("records"):
        overdue = int(row[OVERDUE])
        table.add_row(
            text_of(row[col.CUSTOMER_ID]),
            text_of(row[col.IDEA_ID]),
            text_of(row[col.TITLE]),
            f"{int(row[ACTIONS_DONE])} / {int(row[ACTIONS_TOTAL])}",
            f"{float(row[PERCENT_DONE]):.0%}",
            text_of(row[NEXT_DUE]),
            f"[bold red]{overdue}[/]" if overdue else "0",
        )
    return table


def run(args: argparse.Namespace, console: Console | None = None) -> int:
    console = console or Console(highlight=False)
    master = load(args.master, "actions", console)
    if isinstance(master, int):
        return master
    wanted = chosen_customers(master, args.customer)
    report = action_report(master, args.as_of or dt.date.today(), wanted)
    found = report.escalations
    if len(found):
        console.print(escalation_table(report))
    if len(report.progress):
        console.print(progress_table(report))
    if report.left_out:
        console.print(f"{plural(report.left_out, 'action')} of out-of-bounds ideas not shown.")
    when = report.as_of.isoformat()
    if not len(found):
        console.print(f"Nothing escalated as of {when} ({plural(report.actions, 'action')} read).")
        return EXIT_OK
    owners = len(report.owners)
    customers = found[col.CUSTOMER_ID].nunique()
    console.print(
        f"[bold red]{plural(len(found), 'escalation')}[/] as of {when}: {plural(owners, 'owner')} at "
        f"{plural(customers, 'customer')}."
    )
    return EXIT_PROBLEMS
