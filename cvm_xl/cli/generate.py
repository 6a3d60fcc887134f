"""`cvm-xl generate MASTER --out DIR [--customer ID] [--force]`: one workbook per customer.

Exit codes: 0 every workbook written, 1 problems in the master (nothing written) or a workbook
left alone because it changed since generation, 2 bad usage or an unreadable master.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from cvm_xl.cli.common import EXIT_OK, EXIT_PROBLEMS, UsageError, load
from cvm_xl.cli.progress import generate_with_progress


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


def run(args: argparse.Namespace) -> int:
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

    results = generate_with_progress(
        master, Path(args.out), customer_ids=wanted, force=args.force, workers=args.workers, console=console
    )
    return EXIT_OK if all(r.ok for r in results) else EXIT_PROBLEMS
