"""`cvm-xl reconcile BOOK_A BOOK_B [--tolerance 0.5]`: do both firms read out of the same passbook?

Each workbook's passbook is rebuilt from its inputs (never from cached formula results): three
planned lines per idea signed off, implementing or delivered, and the value each firm realised so
far according to its Tracking sheet. The lines are compared by idea and line kind for the
customers both workbooks hold; any pair of master and customer workbooks works, whichever program
saved them.

Exit codes: 0 the passbooks agree, 1 they differ (or a workbook has errors), 2 a file cannot be
read, is not a cvm-xl workbook, or the two share no customer. Nothing is ever written.
"""

from __future__ import annotations

import argparse
import math

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cvm_xl.books.passbook import BookReconciliation, reconcile_books, standings
from cvm_xl.books.read import BookContent
from cvm_xl.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    UsageError,
    print_problems,
    read_or_report,
    text_of,
)
from cvm_xl.core.reconcile import DIFFERS, MISSING_IN_A

DEFAULT_TOLERANCE = 0.5


def _tolerance(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number (e.g. 0.5)") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError("the tolerance is an amount of 0 or more (e.g. 0.5)")
    return value


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "reconcile",
        help="compare the passbooks of two workbooks line by line",
        description="Rebuilds the passbook of each workbook from its inputs (planned value, transfer and "
        "the value realised so far, per idea) and lists every line that is missing on one side or "
        "differs by more than the tolerance, for the customers both workbooks hold. Works on any pair "
        "of master and customer workbooks, including one saved by LibreOffice. Exit code 0 when the "
        "passbooks agree, 1 when they differ, 2 when a file cannot be read. Writes nothing.",
    )
    p.add_argument("book_a", metavar="BOOK_A", help="the first workbook (e.g. the master)")
    p.add_argument("book_b", metavar="BOOK_B", help="the second workbook (e.g. a returned customer workbook)")
    p.add_argument(
        "--tolerance",
        type=_tolerance,
        default=DEFAULT_TOLERANCE,
        help="largest difference that still counts as equal, in currency units "
        f"(default {DEFAULT_TOLERANCE:g})",
    )
    p.add_argument(
        "--planned-only",
        action="store_true",
        help="compare only the planned lines (values and transfers), not the realised value",
    )
    p.set_defaults(run=run)


def differences_table(result: BookReconciliation, currency: str) -> Table:
    table = Table(title=f"Lines that differ ({currency})", title_justify="left")
    table.add_column("Idea ID", no_wrap=True)
    table.add_column("Title", overflow="fold", max_width=40)
    table.add_column("Line", no_wrap=True)
    table.add_column("A", justify="right")
    table.add_column("B", justify="right")
    table.add_column("B - A", justify="right")
    table.add_column("What", no_wrap=True)
    for d in result.differences:
        what = {DIFFERS: "differs", MISSING_IN_A: "only in B"}.get(d.kind, "only in A")
        table.add_row(
            d.idea_id,
            result.titles.get(d.idea_id, ""),
            d.line,
            text_of(d.amount_a),
            text_of(d.amount_b),
            text_of(d.delta),
            Text(what, "red" if d.kind == DIFFERS else "yellow"),
        )
    return table


def balances_table(result: BookReconciliation, a: BookContent, b: BookContent) -> Table:
    table = Table(title="Balances (planned)", title_justify="left")
    for name in ("Customer ID", "Book", "Supplier (Bs)", "Customer (Bc)", "Total", "Equity gap"):
        table.add_column(name, justify="left" if name in ("Customer ID", "Book") else "right")
    customers = {cid: a.customers.get(cid) or b.customers.get(cid) for cid in result.customers}
    rows_a = standings(result.lines_a, customers, a.settings)
    rows_b = standings(result.lines_b, customers, b.settings)
    for sa, sb in zip(rows_a, rows_b, strict=True):
        for label, s in (("A", sa), ("B", sb)):
            bal = s.balances
            table.add_row(
                s.customer_id if label == "A" else "",
                label,
                text_of(bal.supplier),
                text_of(bal.customer),
                text_of(bal.total),
                text_of(bal.equity_gap),
            )
    return table


def run(args: argparse.Namespace, console: Console | None = None) -> int:
    console = console or Console(highlight=False)
    books = []
    for path in (args.book_a, args.book_b):
        book = read_or_report(path, "reconcile", console)
        if isinstance(book, int):
            return book
        books.append(book)
    a, b = books
    for label, book, path in (("A", a, args.book_a), ("B", b, args.book_b)):
        console.print(Text(f"{label}: {path}: {book.describe()}.", "bold"))
        print_problems(console, book.problems)
    try:
        result = reconcile_books(a, b, tolerance=args.tolerance, realised=not args.planned_only)
    except ValueError as exc:
        raise UsageError(f"{args.book_a} and {args.book_b}: {exc}.") from None
    what = "planned and realised lines" if result.realised else "planned lines"
    if not result.realised and not args.planned_only:
        what += " (a consolidated sign-off keeps no tracking rows)"
    tolerance = f"{args.tolerance:g} {a.settings.currency}"
    console.print(f"Compared {what} of {', '.join(result.customers)}, tolerance {tolerance}.")
    console.print(balances_table(result, a, b))
    if result.agree:
        n = len(result.lines_a)
        console.print(
            Text(
                f"The passbooks agree ({n:,} planned lines): both firms read out of the same passbook.",
                "green",
            )
        )
        return EXIT_OK
    console.print(differences_table(result, a.settings.currency))
    n = len(result.differences)
    console.print(
        Text(
            f"{n:,} line{'s' if n != 1 else ''} differ. Import the returned workbook (cvm-xl import) or "
            "correct the inputs, then reconcile again.",
            "bold red",
        )
    )
    return EXIT_PROBLEMS


__all__ = ["EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "add_parser", "run"]
