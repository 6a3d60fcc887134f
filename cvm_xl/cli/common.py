"""What every command shares: exit codes (SPEC §8), usage errors, loading the master or a book
with its problems printed, holding the master while a command changes it, what each operating
system error means for the user, and the problem tables and value texts of the terminal."""

from __future__ import annotations

import datetime as dt
import errno
import math
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cvm_xl.books.read import BookContent, read_book
from cvm_xl.core import columns as col
from cvm_xl.core.cells import shown
from cvm_xl.core.problems import Problem, WorkbookError
from cvm_xl.core.spellings import plural
from cvm_xl.master.lock import WAIT_VARIABLE, WriteRefusedError, wait_seconds, writing
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


_AGAIN = "then run the command again."
_NO_WRITE = (
    "permission to write there is missing",
    "Close the file if it is open in Excel, ask for write access to the folder (or use a folder you "
    f"can write to), {_AGAIN}",
)
_FULL = "the disk is full", f"Free some space on that drive (or use another folder), {_AGAIN}"
_NO_LOCKS = (
    "the drive does not support locking files",
    f"Work on the file in a folder on another drive (or ask for locking on the share), {_AGAIN}",
)
# What each operating-system error means for the file a command reads or writes, and what to do: the
# one mapping every command uses (SPEC §8: every error says what to do; never a traceback).
OS_ERRORS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: _FULL,
    errno.EDQUOT: ("your disk quota is used up", f"Free some of your space on that drive, {_AGAIN}"),
    errno.EFBIG: ("the file is larger than the drive allows", f"Use another drive, {_AGAIN}"),
    errno.EROFS: (
        "the drive is read-only",
        "Copy the file to a folder you can write to and work there (or have the drive made "
        f"writable), {_AGAIN}",
    ),
    errno.EACCES: _NO_WRITE,
    errno.EPERM: _NO_WRITE,
    errno.EISDIR: ("it is a folder, not a file", f"Give the name of a file in that folder, {_AGAIN}"),
    errno.ENOTDIR: (
        "a part of the path is a file, not a folder",
        f"Give a folder that exists or can be created, {_AGAIN}",
    ),
    errno.EEXIST: (
        "a file of that name is in the way",
        f"Give another name, or move that file away, {_AGAIN}",
    ),
    errno.ENOENT: ("it (or its folder) does not exist", f"Check the path, {_AGAIN}"),
    errno.ENAMETOOLONG: ("the name is too long", f"Use a shorter file or folder name, {_AGAIN}"),
    errno.EBUSY: ("the file is in use", f"Close it in every program, {_AGAIN}"),
    errno.ETXTBSY: ("the file is in use", f"Close it in every program, {_AGAIN}"),
    errno.EIO: (
        "the drive reported an input/output error",
        f"Check the drive or the connection to the share, {_AGAIN}",
    ),
    errno.ENOLCK: _NO_LOCKS,
    errno.ENOSYS: _NO_LOCKS,
    errno.EOPNOTSUPP: _NO_LOCKS,
    errno.EMFILE: ("too many files are open", f"Close some programs, {_AGAIN}"),
    errno.ENFILE: ("too many files are open", f"Close some programs, {_AGAIN}"),
}


def os_error_message(exc: OSError, path: str | Path | None = None) -> str:
    """``exc`` as a message naming the file (``path``, the file the user named, else the error's
    own), what went wrong and what to do; the writers are atomic, so nothing was changed."""
    where = path if path is not None else (exc.filename or "the file")
    reason, fix = OS_ERRORS.get(
        exc.errno or -1, ("the file system refused it", f"Check the file and its folder, {_AGAIN}")
    )
    detail = f" ({exc.strerror})" if exc.strerror and exc.strerror.casefold() != reason.casefold() else ""
    return f"{where} could not be written: {reason}{detail}; nothing was changed. {fix}"


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (``--out`` naming the master itself, by any spelling)."""
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()


def write_error(path: str | Path, exc: Exception) -> Exception:
    """Why the master could not be written, as a usage error (exit 2) that says what to do."""
    if isinstance(exc, OSError):
        return UsageError(os_error_message(exc, path))
    if isinstance(exc, WriteRefusedError):
        return UsageError(str(exc))
    return UsageError(
        f"{path} could not be written ({exc}); nothing was changed. Correct the value named, then run "
        "the command again."
    )


@contextmanager
def holding(path: str | Path, command: str, *, write: bool = True, create: bool = False) -> Iterator[None]:
    """Hold the master at ``path`` for a command's whole read-modify-write (``cvm_xl.master.lock``):
    a second writer reads it only after this one wrote it, so no update is lost. A master that is
    read-only, open in Excel or LibreOffice, or held by another command past the wait is refused,
    and every operating-system error is a message: both as ``UsageError`` (exit 2), nothing changed.

    With ``write`` False (a dry run) nothing is held. A path that is no file is left to the loader,
    which says what is wrong with it, unless ``create`` (a file the command may create; its folder
    must exist).
    """
    if not write or not (Path(path).is_file() or (create and not Path(path).exists())):
        yield
        return

    def waiting(holder: str) -> None:
        print(
            f"cvm-xl {command}: {path} is being changed by {holder}; waiting up to {wait_seconds():g} "
            f"seconds ({WAIT_VARIABLE})...",
            file=sys.stderr,
        )

    try:
        with writing(path, holder=f"cvm-xl {command}", on_wait=waiting):
            yield
    except WriteRefusedError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(os_error_message(exc, path)) from None


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
