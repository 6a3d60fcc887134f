"""`cvm-xl validate MASTER`: check a master workbook and list every problem, to the cell.

Exit codes: 0 no errors (warnings may be listed), 1 errors found, 2 the file cannot be read at all.
Nothing is ever written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cvm_xl.core.cells import shown
from cvm_xl.core.problems import Problem, WorkbookError
from cvm_xl.spreadsheet.files import UnreadableFileError

EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE = 0, 1, 2
DEFAULT_LIMIT = 200
_MAX_VALUE_CHARS = 40


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


def _value(value: object) -> str:
    if value is None:
        return ""
    text = shown(value)
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 1] + "…"


def problem_table(title: str, problems: Sequence[Problem], style: str) -> Table:
    """The problems as a table: where (Ideas!F7), column, value, what is wrong, what to do."""
    table = Table(title=title, title_style=style, title_justify="left", show_lines=True, expand=False)
    table.add_column("Where", style=style, no_wrap=True)
    table.add_column("Column", no_wrap=True)
    table.add_column("Value", overflow="fold")
    table.add_column("What is wrong", ratio=3, overflow="fold")
    table.add_column("What to do", ratio=3, overflow="fold")
    for p in problems:
        table.add_row(
            Text(p.where), Text(p.column or ""), Text(_value(p.value)), Text(p.message), Text(p.fix)
        )
    return table


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def summary(file: str, errors: int, warnings: int) -> str:
    if errors:
        found = _plural(errors, "error") + (f" and {_plural(warnings, 'warning')}" if warnings else "")
        return f"{file}: {found}. Fix the errors, then run cvm-xl validate again."
    if warnings:
        return f"{file}: no errors, {_plural(warnings, 'warning')}. The workbook can be used."
    return f"{file}: no problems found. The workbook can be used."


def report(problems: Sequence[Problem], file: str, console: Console, limit: int = DEFAULT_LIMIT) -> None:
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    for title, group, style in (("Errors", errors, "bold red"), ("Warnings", warnings, "yellow")):
        if not group:
            continue
        shown_group = group if limit <= 0 else group[:limit]
        console.print(problem_table(f"{title} ({len(group):,})", shown_group, style))
        if len(shown_group) < len(group):
            console.print(
                Text(
                    f"... and {len(group) - len(shown_group):,} more {title.lower()} "
                    "(use --limit 0 to list them all)."
                )
            )
    console.print(Text(summary(file, len(errors), len(warnings)), style="bold"))


def run(args: argparse.Namespace, console: Console | None = None) -> int:
    from cvm_xl.master.read import load_master

    console = console or Console(highlight=False)
    try:
        master = load_master(args.master)
    except UnreadableFileError as exc:
        for p in exc.problems:
            print(f"cvm-xl validate: {p.file}: {p.message} {p.fix}".rstrip(), file=sys.stderr)
        return EXIT_UNREADABLE
    except WorkbookError as exc:
        report(exc.problems, args.master, console, args.limit)
        return EXIT_PROBLEMS
    report(master.problems, args.master, console, args.limit)
    counts = ", ".join(
        _plural(len(frame), word)
        for frame, word in (
            (master.customers, "customer"),
            (master.ideas, "idea"),
            (master.workshop, "workshop idea"),
            (master.tracking, "tracking row"),
        )
    )
    console.print(Text(f"Read {counts}."))
    return EXIT_OK
