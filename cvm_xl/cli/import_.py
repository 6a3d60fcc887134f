"""`cvm-xl import MASTER BOOK... [--apply-values] [--dry-run]`: fold returned customer workbooks back.

Folds back what the customer may change (Status, Owner firm, Owner, Start, End, tracking rows and
the signatories of the Sign-off sheet). A field changed both in the master and in the workbook
since generation is a conflict: it is listed and nothing is changed for that idea. Other changed
inputs (values, sharing, the Bundle an idea is signed in, True-up ...) alter the signed figures or
the settlement: they are listed, and applied only with --apply-values.

Before writing, a timestamped backup of the master is kept beside it; the master is replaced in
one step, every item is recorded in its Import log sheet and its Passbook sheet is rewritten. An
import that changes nothing writes nothing. --dry-run says what it would apply and writes nothing.
A workbook generated before the one of its customer imported last is an older copy: what it
would change is listed as conflicts.

Exit codes: 0 imported, 1 conflicts or tracking rows the master has no idea for (the rest is
imported), or errors in a workbook (nothing written), 2 a file cannot be read, or a workbook is
not a customer workbook of this master (wrong kind, wrong customer, another master's): then
nothing at all is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cvm_xl.actions.imports import BookImport, BookRefusedError, apply_imports, changes_master, plan_imports
from cvm_xl.books.read import KIND_MASTER, BookContent
from cvm_xl.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    holding,
    os_error_message,
    plural,
    print_problems,
    read_or_report,
    text_of,
)
from cvm_xl.core.problems import WorkbookError
from cvm_xl.spreadsheet.files import UnreadableFileError

RESULT_STYLE = {"applied": "green", "recorded": "green", "note": "dim"}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "import",
        help="fold returned customer workbooks back into the master",
        description="Compares each returned customer workbook with the workbook as generated and with the "
        "master as it is now. Folds back Status, Owner firm, Owner, Start and End, tracking rows "
        "and the signatories of the Sign-off sheet. A field changed in both the master and the "
        "workbook is a conflict: it is listed and nothing is changed for that idea (exit code 1). "
        "Changed values and other inputs (Bundle and True-up included) are listed and applied only "
        "with --apply-values. A backup of the master is kept, the master is replaced in one step, "
        "and every import is recorded in its Import log sheet; an import that changes nothing "
        "writes nothing. A workbook generated before the one of its customer imported last is an "
        "older copy: what it would change is a conflict. A tracking row of an idea the master does "
        "not hold is not imported and named by its cell (exit code 1). A workbook of another kind, "
        "customer or master is refused and nothing is written (exit code 2).",
    )
    p.add_argument("master", help="the master workbook (.xlsx or .xlsm)")
    p.add_argument("books", nargs="+", metavar="BOOK", help="returned customer workbook(s)")
    p.add_argument(
        "--apply-values",
        action="store_true",
        help="also apply changed values and other idea inputs, and ideas the customer added "
        "(they change the signed figures)",
    )
    p.add_argument("--dry-run", action="store_true", help="list what would change and write nothing")
    p.set_defaults(run=run)


def items_table(plan: BookImport, dry_run: bool = False) -> Table:
    table = Table(title=f"{plan.book.path.name} ({plan.customer_id})", title_justify="left")
    table.add_column("Idea ID", no_wrap=True)
    table.add_column("What", no_wrap=True)
    table.add_column("Field", overflow="fold")
    table.add_column("As generated", overflow="fold")
    table.add_column("Master now", overflow="fold")
    table.add_column("Workbook", overflow="fold")
    table.add_column("Result", overflow="fold", ratio=2)
    for item in plan.items:
        style = "bold red" if item.conflict else RESULT_STYLE.get(item.result, "yellow")
        result = item.outcome(dry_run)
        table.add_row(
            item.idea_id,
            item.what,
            item.field,
            text_of(item.base),
            text_of(item.master),
            text_of(item.book),
            Text(result, style),
        )
    return table


def _read_master(path: str, console: Console) -> BookContent | int:
    content = read_or_report(path, "import", console)
    if isinstance(content, int):
        return content
    if content.kind != KIND_MASTER:
        print(
            f"cvm-xl import: {path}: this is a {content.kind_name}, not a master workbook. "
            "Give the master first, then the returned workbooks.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return content


def run(args: argparse.Namespace, console: Console | None = None) -> int:
    # The master is held from reading it to writing it (not for a dry run): a second import (or
    # select --apply) reads the master only after this one wrote it, so no update is lost.
    with holding(args.master, "import", write=not args.dry_run):
        return _run(args, console)


def _run(args: argparse.Namespace, console: Console | None = None) -> int:
    console = console or Console(highlight=False)
    master = _read_master(args.master, console)
    if isinstance(master, int):
        return master
    assert master.master is not None, "a master workbook is read with its master"
    books = []
    for path in args.books:
        book = read_or_report(path, "import", console)
        if isinstance(book, int):
            console.print(f"Nothing was imported: {path} cannot be used.")
            return book
        books.append(book)
    when = dt.datetime.now().replace(microsecond=0)
    try:
        plans = plan_imports(
            master.master,
            books,
            apply_values=args.apply_values,
            sign_offs=master.sign_offs,
            computed_columns=master.computed_columns,
            when=when,
            import_log=master.import_log,
        )
    except BookRefusedError as exc:
        for p in exc.problems:
            print(f"cvm-xl import: {p.file}: {p.message} {p.fix}".rstrip(), file=sys.stderr)
        console.print("Nothing was imported.")
        return EXIT_USAGE
    for plan in plans:
        print_problems(console, plan.book.problems)
        if plan.items:
            console.print(items_table(plan, args.dry_run))
        console.print(Text(f"{plan.book.path.name}: {plan.summary(args.dry_run)}.", "bold"))
    conflicts = sum(len(p.conflicts) for p in plans)
    held = sum(len(p.held) for p in plans)
    unmatched = sum(len(p.unmatched) for p in plans)
    if args.dry_run:
        console.print("Dry run: nothing was written.")
    elif not changes_master(plans):
        console.print(f"{args.master}: nothing to change, so nothing was written (no backup, no log).")
    else:
        try:
            result = apply_imports(args.master, plans, when)
        except OSError as exc:  # a full disk, a read-only folder ...: exit 2 and what to do
            print(f"cvm-xl import: {os_error_message(exc, args.master)}", file=sys.stderr)
            return EXIT_USAGE
        except (ValueError, WorkbookError, UnreadableFileError) as exc:
            print(f"cvm-xl import: {args.master}: the master could not be written ({exc}); it is unchanged.",
                  file=sys.stderr)  # fmt: skip
            return EXIT_PROBLEMS
        console.print(
            f"{args.master}: {result.changed_cells:,} cells changed, {result.appended_rows:,} rows added "
            f"(Import log included); backup kept as {result.backup}. Passbook sheet rewritten."
        )
    if held:
        console.print(
            f"{held:,} value change{'s' if held != 1 else ''} not applied: they change the signed figures. "
            "Agree them, then run again with --apply-values and generate the workbook again."
        )
    if unmatched:
        console.print(
            Text(
                f"{plural(unmatched, 'tracking row')} not imported: the master has no idea of that ID for "
                "the customer (the cells are listed above). Correct the Idea ID in the workbook, or add "
                "the idea to the master, and import again.",
                "bold red",
            )
        )
    if any(p.stale and p.conflicts for p in plans):
        console.print(
            Text(
                "A workbook generated before the one imported last is an older copy: what it would "
                "change is a conflict. Import the newest workbook of the customer, or enter the "
                "changes that are still right in the master.",
                "bold red",
            )
        )
    if conflicts:
        console.print(
            Text(
                f"{conflicts:,} conflict{'s' if conflicts != 1 else ''}: nothing was changed for those "
                "ideas. Decide which value is right, correct the master or the workbook, and import again.",
                "bold red",
            )
        )
    return EXIT_PROBLEMS if conflicts or unmatched else EXIT_OK
