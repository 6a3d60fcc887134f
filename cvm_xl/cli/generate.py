"""`cvm-xl generate MASTER --out DIR [--customer ID] [--as-of DATE] [--force]`: one workbook per customer.

``--as-of`` is the day the workbooks report on (their Actions sheet's As-of date, days overdue and
reviews due; default today); the generation time stamped in them stays the real time.

``--out`` is a folder (created if needed), never a file and never the master. The folder is held
while the workbooks are written (``cvm_xl.master.lock.writing_into``): a second generate into it
waits, and the temporary files of a generate that was killed are removed first.

Exit codes: 0 every workbook written, 1 problems in the master (nothing written) or a workbook
left alone because it changed since generation, 2 bad usage, an unreadable master, or a folder
or workbook that cannot be written (a full disk ...; each workbook is whole or not written).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from cvm_xl.cli.actions import add_as_of
from cvm_xl.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    UsageError,
    chosen_customers,
    load,
    os_error_message,
    same_file,
)
from cvm_xl.cli.progress import generate_with_progress
from cvm_xl.generate.batch import FAILED
from cvm_xl.generate.party_book import PartyError, write_party_book
from cvm_xl.master.lock import WriteRefusedError, writing_into
from cvm_xl.master.model import Master


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "generate",
        help="write one workbook per customer (formulas only, no add-in needed)",
        description="Writes one .xlsx per customer with only that customer's data: cover, ideas with "
        "native Excel formulas, portfolio map with chart, passbook, sign-off sheet with fingerprint "
        "and signature blocks, wave plan, tracking, monthly report, workshop and relationship "
        "readiness. A workbook that was edited or signed since it "
        "was generated is not overwritten unless --force is given.",
    )
    p.add_argument("master", help="the master workbook (.xlsx or .xlsm)")
    p.add_argument("--out", required=True, help="folder for the customer workbooks (created if needed)")
    p.add_argument(
        "--customer",
        action="append",
        metavar="ID",
        help="only this customer (repeat the option for several)",
    )
    p.add_argument(
        "--party",
        action="append",
        metavar="ID",
        help="instead of customer workbooks, the workbook of this chain partner (Party ID of the Parties "
        "table; repeat the option for several): only its chain ideas and its passbooks with the supplier "
        "and the customer",
    )
    add_as_of(p, "the workbooks' reports (days overdue, reviews due) are made for")
    p.add_argument("--force", action="store_true", help="overwrite workbooks changed since generation")
    p.add_argument("--workers", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(run=run)


def output_folder(out: str, master: str) -> Path:
    """The folder ``--out`` names; a file there (the master or any other) is a usage error."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        what = "the master itself" if same_file(path, Path(master)) else "a file"
        raise UsageError(
            f"{out} is {what}, not a folder; give a folder for the customer workbooks, e.g. customers"
        )
    return path


def _party_books(master: Master, out: Path, party_ids: list[str], *, force: bool, console: Console) -> int:
    """``--party``: one workbook per chain partner named (issue 16), the customer workbooks' rules:
    written atomically, one changed since generation left alone unless --force (exit 1)."""
    refused = 0
    try:
        out.mkdir(parents=True, exist_ok=True)
        with writing_into(out, holder="cvm-xl generate"):
            for party_id in party_ids:
                path, reason = write_party_book(master, party_id, out, force=force)
                if reason:
                    refused += 1
                    console.print(
                        f"[yellow]{path.name} was not overwritten: {reason}. Use --force to replace it.[/]"
                    )
                else:
                    console.print(f"Wrote {path}")
    except PartyError as exc:
        raise UsageError(str(exc)) from None
    except WriteRefusedError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(os_error_message(exc, out)) from None
    return EXIT_PROBLEMS if refused else EXIT_OK


def run(args: argparse.Namespace) -> int:
    console = Console(highlight=False)
    out = output_folder(args.out, args.master)
    master = load(args.master, "generate", console)
    if isinstance(master, int):
        return master
    if args.party:
        return _party_books(master, out, args.party, force=args.force, console=console)
    wanted = chosen_customers(master, args.customer)
    try:
        out.mkdir(parents=True, exist_ok=True)
        with writing_into(out, holder="cvm-xl generate"):
            results = generate_with_progress(
                master,
                out,
                customer_ids=wanted,
                force=args.force,
                workers=args.workers,
                console=console,
                as_of=args.as_of,
            )
    except WriteRefusedError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(os_error_message(exc, out)) from None
    failed = [r for r in results if r.status == FAILED]
    if failed:
        # An operating-system error (a full disk, a folder that cannot be written): each workbook
        # was written whole or not at all (SPEC §7), and each one not written is named above.
        console.print(
            f"[bold red]{len(failed)} customer workbook{'s' if len(failed) != 1 else ''} could not be "
            f"written to {out}[/]; the others are complete. Free some space on that drive, or check "
            "that you may write to the folder, then run generate again."
        )
        return EXIT_USAGE
    return EXIT_OK if all(r.ok for r in results) else EXIT_PROBLEMS
