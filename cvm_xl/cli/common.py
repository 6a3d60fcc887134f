"""What every command shares: exit codes (SPEC §8), usage errors, loading the master or a book
with its problems printed, and the problem tables and value texts of the terminal."""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cvm_xl.books.read import BookContent, read_book
from cvm_xl.core import columns as col
from cvm_xl.core.cells import shown
from cvm_xl.core.problems import Problem, WorkbookError
from cvm_xl.master.model import Master
from cvm_xl.master.read import load_master
from cvm_xl.spreadsheet.files import UnreadableFileError

# Exit codes of every command (SPEC §8).
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
DEFAULT_LIMIT = 200  # problems listed of each severity by validate
MAX_WARNINGS = 50  # problems listed of each kind by the other commands
_MAX_VALUE_CHARS = 40


class UsageError(Exception):
    """Bad usage or unreadable input: printed without a traceback, exit code 2."""


def unreadable(exc: UnreadableFileError, command: str) -> int:
    """Say on stderr why a file cannot be read at all; the exit code for that."""
    for p in exc.problems:
        print(f"cvm-xl {command}: {p.file}: {p.message} {p.fix}".rstrip(), file=sys.stderr)
    return EXIT_USAGE


def load(path: str, command: str, console: Console) -> Master | int:
    """The master, or an exit code after printing its problems (nothing is written then)."""
    try:
        return load_master(path)
    except UnreadableFileError as exc:
        return unreadable(exc, command)
    except WorkbookError as exc:
        report_problems(exc.problems, path, console)
        console.print(f"Nothing was written: fix the master first (cvm-xl validate {path}).")
        return EXIT_PROBLEMS


def read_or_report(path: str, command: str, console: Console) -> BookContent | int:
    """The workbook read as inputs, or an exit code after reporting why it cannot be used."""
    try:
        return read_book(path)
    except UnreadableFileError as exc:
        return unreadable(exc, command)
    except WorkbookError as exc:
        print_problems(console, exc.problems)
        console.print(
            Text(f"{path}: the workbook has errors, so its figures cannot be recomputed.", "bold red")
        )
        return EXIT_PROBLEMS


def chosen_customers(master: Master, wanted: Sequence[str] | None) -> list[str] | None:
    """The customer IDs asked for with --customer (None: all); an unknown ID is a usage error."""
    if not wanted:
        return None
    known = [str(v) for v in master.customers[col.CUSTOMER_ID].tolist()]
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise UsageError(
            f"unknown customer ID {', '.join(unknown)}; the master has {', '.join(known[:20])}"
            + (" ..." if len(known) > 20 else "")
        )
    return list(dict.fromkeys(wanted))


def write_error(path: str | Path, exc: Exception) -> Exception:
    """Why the master could not be written, as a usage error (exit 2) that says what to do."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return UsageError(
        f"{path} could not be written ({reason}); nothing was changed. Close it in Excel, check that "
        "the folder is writable, and run the command again."
    )


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


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def summary(file: str, errors: int, warnings: int) -> str:
    if errors:
        found = plural(errors, "error") + (f" and {plural(warnings, 'warning')}" if warnings else "")
        return f"{file}: {found}. Fix the errors, then run cvm-xl validate again."
    if warnings:
        return f"{file}: no errors, {plural(warnings, 'warning')}. The workbook can be used."
    return f"{file}: no problems found. The workbook can be used."


def report_problems(
    problems: Sequence[Problem], file: str, console: Console, limit: int = DEFAULT_LIMIT
) -> None:
    """Every problem as validate lists them (at most ``limit`` of each severity) and a summary."""
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


def print_problems(console: Console, problems: Sequence[Problem], title: str = "Warnings") -> None:
    """The problems as validate lists them (at most ``MAX_WARNINGS`` of each kind)."""
    for label, group, style in (
        ("Errors", [p for p in problems if p.is_error], "bold red"),
        (title, [p for p in problems if not p.is_error], "yellow"),
    ):
        if group:
            console.print(problem_table(f"{label} ({len(group):,})", group[:MAX_WARNINGS], style))
            if len(group) > MAX_WARNINGS:
                console.print(f"... and {len(group) - MAX_WARNINGS:,} more.")


def text_of(value: object) -> str:
    """A value for a terminal table: money with separators, dates as ISO dates, blanks empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        number = float(value)
        return f"{number:,.0f}" if number == round(number) else f"{number:,.2f}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
