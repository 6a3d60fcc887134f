"""`cvm-xl generate MASTER --out DIR [--customer ID] [--force]`: one workbook per customer.

Exit codes: 0 every workbook written, 1 problems in the master (nothing written) or a workbook
left alone because it changed since generation, 2 bad usage or an unreadable master.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from cvm_xl.core.problems import WorkbookError
from cvm_xl.master.model import Master

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


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
    p.add_argument("--force", action="store_true", help="overwrite workbooks changed since generation")
    p.add_argument("--workers", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(run=run)


def load(path: str, command: str, console: Console) -> Master | int:
    """The master, or an exit code after printing its problems (nothing is written then)."""
    from cvm_xl.cli.validate import report
    from cvm_xl.master.read import load_master
    from cvm_xl.spreadsheet.files import UnreadableFileError

    try:
        return load_master(path)
    except UnreadableFileError as exc:
        for p in exc.problems:
            print(f"cvm-xl {command}: {p.file}: {p.message} {p.fix}".rstrip(), file=sys.stderr)
        return EXIT_USAGE
    except WorkbookError as exc:
        report(exc.problems, path, console)
        console.print(f"Nothing was written: fix the master first (cvm-xl validate {path}).")
        return EXIT_PROBLEMS


def run(args: argparse.Namespace) -> int:
    from cvm_xl.cli import UsageError

    console = Console(highlight=False)
    master = load(args.master, "generate", console)
    if isinstance(master, int):
        return master
    known = [str(v) for v in master.customers["Customer ID"].tolist()]
    wanted = None
    if args.customer:
        unknown = [c for c in args.customer if c not in known]
        if unknown:
            raise UsageError(
                f"unknown customer ID {', '.join(unknown)}; the master has {', '.join(known[:20])}"
                + (" ..." if len(known) > 20 else "")
            )
        wanted = list(dict.fromkeys(args.customer))
    from cvm_xl.cli.progress import generate_with_progress

    results = generate_with_progress(
        master, Path(args.out), customer_ids=wanted, force=args.force, workers=args.workers, console=console
    )
    return EXIT_OK if all(r.ok for r in results) else EXIT_PROBLEMS
