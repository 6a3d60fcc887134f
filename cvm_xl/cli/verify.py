"""`cvm-xl verify BOOK...`: recompute each sign-off fingerprint from the workbook's inputs.

Works on a customer workbook (its one fingerprint), the consolidated sign-off (every customer's)
and a master into which signed workbooks were imported (the fingerprint each customer signed).
Every change since generation is listed by idea and field, with the value as generated and now.

Exit codes: 0 every fingerprint matches, 1 a fingerprint does not match (or the workbook has
errors), 2 a file cannot be read or is not a cvm-xl workbook. Nothing is ever written.
"""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cvm_xl.books.read import KIND_MASTER
from cvm_xl.books.verify import CustomerCheck, Verification, verify_book
from cvm_xl.cli.common import EXIT_OK, EXIT_PROBLEMS, print_problems, read_or_report, text_of


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "verify",
        help="check the sign-off fingerprint of a returned workbook and list what changed",
        description="Reads the workbook's inputs (never its cached formula results), recomputes the "
        "sign-off fingerprint with the same rules as generation and compares it with the fingerprint "
        "stored in the workbook. Lists every idea and field that changed since generation, with the "
        "old and the new value. Works on customer workbooks, the consolidated sign-off and a master "
        "into which signed workbooks were imported. Exit code 0 when every fingerprint matches, 1 when "
        "one does not, 2 when a file cannot be read. Writes nothing.",
    )
    p.add_argument("books", nargs="+", metavar="BOOK", help="the workbook(s) to verify (.xlsx)")
    p.set_defaults(run=run)


def _fingerprints(verification: Verification) -> Table:
    table = Table(title="Sign-off fingerprints", title_justify="left", show_lines=False)
    for name in ("Customer ID", "Customer", "Stored", "Recomputed now", "Result"):
        table.add_column(name, no_wrap=name != "Customer")
    for check in verification.checks:
        result = Text("matches", "green") if check.ok else Text("CHANGED", "bold red")
        table.add_row(check.customer_id, check.name or "", check.stored or "(none)", check.recomputed, result)
    return table


def _changes(check: CustomerCheck) -> Table:
    table = Table(
        title=f"Changes since generation: {check.customer_id}", title_justify="left", show_lines=False
    )
    table.add_column("Idea ID", no_wrap=True)
    table.add_column("Field", no_wrap=True)
    table.add_column("As generated", overflow="fold")
    table.add_column("Now", overflow="fold")
    table.add_column("On the sign-off", justify="center")
    for change in check.changes:
        style = "bold" if change.signed else ""
        table.add_row(
            Text(change.idea_id, style),
            Text(change.field, style),
            Text(text_of(change.old)),
            Text(text_of(change.new)),
            Text("yes", "bold red") if change.signed else Text("no", "dim"),
        )
    return table


def verify_one(path: str, console: Console) -> int:
    book = read_or_report(path, "verify", console)
    if isinstance(book, int):
        return book
    when = f", generated {book.generated.replace('T', ' ')}" if book.generated else ""
    console.print(Text(f"{path}: {book.describe()}{when}.", "bold"))
    print_problems(console, book.problems)
    verification = verify_book(book)
    if not verification.checks:
        if book.kind == KIND_MASTER:
            console.print(
                "No signed workbook has been imported into this master yet, so it holds no fingerprint "
                "to verify. Verify the customer workbooks or the consolidated sign-off instead."
            )
        else:
            console.print("The workbook stores no sign-off fingerprint to verify.")
        return EXIT_OK
    console.print(_fingerprints(verification))
    for check in verification.checks:
        if check.changes:
            console.print(_changes(check))
    signed = sum(c.signed for check in verification.checks for c in check.changes)
    others = sum(not c.signed for check in verification.checks for c in check.changes)
    if verification.ok:
        extra = (
            f" ({others:,} change{'s' if others != 1 else ''} outside the sign-off listed above)"
            if others
            else ""
        )
        console.print(Text(f"Every fingerprint matches: the signed figures are unchanged{extra}.", "green"))
        return EXIT_OK
    if book.kind == KIND_MASTER:
        console.print(
            Text(
                "The master does not hold what the customer signed: a signed field differs (a change "
                "not applied at the import, or made since). Generate the customer workbook again and "
                "have it signed, or bring the master back to the signed figures.",
                "bold red",
            )
        )
    else:
        console.print(
            Text(
                f"The fingerprint does not match: {signed:,} change{'s' if signed != 1 else ''} to signed "
                "fields (bold above). Undo them, or import the workbook (cvm-xl import) and generate it "
                "again so both firms sign the new figures.",
                "bold red",
            )
        )
    return EXIT_PROBLEMS


def run(args: argparse.Namespace, console: Console | None = None) -> int:
    console = console or Console(highlight=False)
    codes = [verify_one(path, console) for path in args.books]
    return max(codes)
