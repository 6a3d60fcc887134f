"""`cvm-xl validate MASTER`: check a master workbook and list every problem, to the cell.

Exit codes: 0 no errors (warnings may be listed), 1 errors found, 2 the file cannot be read at all.
Nothing is ever written.

A master may leave out its optional sheets (Workshop, Tracking: ``Table.optional_sheet``); every
command then reads them as empty. ``validate`` says so, with what it means, as a warning (issue 13:
a master without a Tracking sheet used to pass as "no problems found", although no realised value
can be recorded in it).
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from rich.console import Console
from rich.text import Text

from cvm_xl.cli.common import DEFAULT_LIMIT, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, plural, report_problems
from cvm_xl.core.problems import WARNING, Code, Problem, WorkbookError
from cvm_xl.master.read import load_master, master_sheets
from cvm_xl.master.schema import TABLES
from cvm_xl.spreadsheet.files import UnreadableFileError
from cvm_xl.spreadsheet.sheet_xml import sheet_parts

# What a master without the optional sheet cannot hold, and so what every command reads as none.
ABSENT_MEANS = {
    "Workshop": "no raw workshop ideas are recorded, so cvm-xl synthesize has nothing to group",
    "Tracking": (
        "no realised value is recorded: passbooks, cvm-xl track and the monthly reports show the planned "
        "value only, and nothing realised"
    ),
    "Actions": "no implementation actions are recorded: cvm-xl actions escalates only ideas past their End",
    "Waves": "each customer has one wave, kicked off on its Wave start (issue 14: waves 2, 3 ... go there)",
}
# Issue 16: most relationships have no value-chain partners, so a master without these sheets is
# complete as it is (every relationship has the supplier and the customer, no idea is a chain idea).
QUIET_WHEN_ABSENT = frozenset({"Parties", "Chain values"})


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


def missing_optional_sheets(path: str | Path) -> list[Problem]:
    """A warning for each optional sheet the master leaves out, saying what that means."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = list(sheet_parts(archive))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
        return []  # the reader has read the file: what cannot be told here was told there
    problems = []
    for name, sheet in master_sheets(names).items():
        table = TABLES.get(name)
        if sheet is not None or table is None or not table.optional_sheet or name in QUIET_WHEN_ABSENT:
            continue
        means = ABSENT_MEANS.get(name, f"every command reads the {name} table as empty")
        headers = ", ".join(c.name for c in table.columns)
        problems.append(
            Problem(
                str(path), name, None, None, None,
                f"The workbook has no {name} sheet (optional): {means}.",
                WARNING,
                f"If you need it, add a sheet named {name} with a table headed {headers} (a master "
                "written by cvm-xl init has one); otherwise nothing needs doing.",
                code=Code.SHEET_OPTIONAL_MISSING,
            )
        )  # fmt: skip
    return problems


def run(args: argparse.Namespace, console: Console | None = None) -> int:
    console = console or Console(highlight=False)
    try:
        master = load_master(args.master)
    except UnreadableFileError as exc:
        for p in exc.problems:
            print(f"cvm-xl validate: {p.file}: {p.message} {p.fix}".rstrip(), file=sys.stderr)
        return EXIT_USAGE
    except WorkbookError as exc:
        problems = [*exc.problems, *missing_optional_sheets(args.master)]
        report_problems(problems, args.master, console, args.limit)
        return EXIT_PROBLEMS
    report_problems(
        [*master.problems, *missing_optional_sheets(args.master)], args.master, console, args.limit
    )
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
