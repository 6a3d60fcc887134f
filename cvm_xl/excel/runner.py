"""Running a macro on a ``Book``: its outcome, the Problems sheet, the message, and no traceback.

Every macro is an ``action`` that returns a ``MacroOutcome`` or raises ``WorkbookError`` (problems
in the input); ``run_macro`` turns both, and any unexpected error, into a Problems sheet and a
message for the user. Nothing is ever raised into Excel.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from cvm_xl import __version__
from cvm_xl.core.problems import Problem, WorkbookError
from cvm_xl.core.spellings import plural
from cvm_xl.excel.book import Book
from cvm_xl.excel.sheets import PROBLEMS_SHEET, Block, problems_sheet

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MacroOutcome:
    """What a macro did: ``message`` is what the user is told, ``problems`` what the Problems sheet
    lists (errors mean the macro stopped), ``sheet`` the sheet it wrote, ``files`` the files."""

    macro: str
    ok: bool
    message: str
    problems: tuple[Problem, ...] = ()
    sheet: str | None = None
    files: tuple[Path, ...] = field(default=())


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def put_sheet(book: Book, sheet: str, rows: Block) -> None:
    book.reset_sheet(sheet)
    book.write(sheet, 1, 1, rows)


def _report_problems(book: Book, outcome: MacroOutcome, when: dt.datetime) -> None:
    """The Problems sheet shows this run's problems; it is cleared (not added) when there are none."""
    problems = outcome.problems
    if not problems and PROBLEMS_SHEET not in book.sheet_names():
        return
    put_sheet(book, PROBLEMS_SHEET, problems_sheet(outcome.macro, problems, when))
    if any(p.is_error for p in problems):
        book.activate(PROBLEMS_SHEET)
    elif outcome.sheet:
        book.activate(outcome.sheet)


def _failure(book: Book, macro: str, exc: Exception) -> MacroOutcome:
    problem = Problem(
        book.name,
        None,
        None,
        None,
        None,
        f"{macro} stopped on an unexpected error: {type(exc).__name__}: {exc}",
        fix=f"Save the workbook, then run this again; if it happens again, report it with this text "
        f"(cvm-xl {__version__}).",
    )
    return MacroOutcome(
        macro, False, f"{macro} stopped on an unexpected error: see the Problems sheet.", (problem,)
    )


def run_macro(book: Book, macro: str, action: Callable[[], MacroOutcome]) -> MacroOutcome:
    """Run ``action`` on ``book``: problems go to the Problems sheet, the outcome to a message, and
    nothing is raised (a macro must never end in a Python traceback in Excel)."""
    when = now()
    try:
        outcome = action()
    except WorkbookError as exc:
        errors = len(exc.errors)
        message = f"{macro}: {plural(errors, 'problem')} to fix first; see the Problems sheet."
        outcome = MacroOutcome(macro, False, message, tuple(exc.problems))
    except Exception as exc:
        log.exception("%s failed", macro)
        outcome = _failure(book, macro, exc)
    warnings = sum(not p.is_error for p in outcome.problems)
    if outcome.ok and warnings:
        noted = f"{outcome.message} {plural(warnings, 'warning')}: see the {PROBLEMS_SHEET} sheet."
        outcome = replace(outcome, message=noted)
    try:
        _report_problems(book, outcome, when)
        book.flush()
    except Exception as exc:
        log.exception("%s could not write its results", macro)
        message = f"{outcome.message}\n\nThe workbook could not be updated: {type(exc).__name__}: {exc}"
        outcome = replace(outcome, ok=False, message=message)
    try:
        book.message(outcome.message, macro)
    except Exception:
        log.exception("%s could not show its message", macro)
    return outcome
