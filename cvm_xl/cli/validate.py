"""`cvm-xl validate MASTER`: check a master workbook and list every problem, to the cell.

Exit codes: 0 no errors (warnings may be listed), 1 errors found, 2 the file cannot be read at all.
Nothing is ever written.
"""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.text import Text

from cvm_xl.cli.common import DEFAULT_LIMIT, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, plural, report_problems
from cvm_xl.core.problems import WorkbookError
from cvm_xl.master.read import load_master
from cvm_xl.spreadsheet.files import UnreadableFileError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "validate",
        help="check a master workbook and list every problem with the cell and what to do",
        description="Reads the master workbook like every other command does and lists all problems "
        "at once: errors first (they stop other commands), then warnings. Exit code 0 when there are "
        "no errors, 1 when there are, 2 when the file cannot be read at all. Writes nothing.",
    )
    p.add_argument("master", help="the master workbook (.xlsx or .xlsm)")
    p.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        help=f"list at most this many problems of each severity (default {DEFAULT_LIMIT}; 0 = all)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace, console: Console | None = None) -> int:
    console = console or Console(highlight=False)
    try:
        master = load_master(args.master)
    except UnreadableFileError as exc:
        for p in exc.problems:
            print(f"cvm-xl validate: {p.file}: {p.message} {p.fix}".rstrip(), file=sys.stderr)
        return EXIT_USAGE
    except WorkbookError as exc:
        report_problems(exc.problems, args.master, console, args.limit)
        return EXIT_PROBLEMS
    report_problems(master.problems, args.master, console, args.limit)
    counts = ", ".join(
        plural(len(frame), word)
        for frame, word in (
            (master.customers, "customer"),
            (master.ideas, "idea"),
            (master.workshop, "workshop idea"),
            (master.tracking, "tracking row"),
        )
    )
    console.print(Text(f"Read {counts}."))
    return EXIT_OK
