"""The macros behind the buttons of the master workbook's Start sheet (SPEC §6).

Each button runs one of the entry points at the end of this module through xlwings' RunPython
(``import cvm_xl.macros; cvm_xl.macros.refresh()``). An entry point takes the workbook that called
it (``xw.Book.caller()``) and hands it, as a ``Book``, to the function of the same name ending in
``_in``, which does the work and is what the tests run on workbook files:

* read the open workbook into the same tables ``load_master`` returns (``book_rows.read_master``);
* call the functions the command line calls;
* write the results into the workbook (the Map sheet, Ideas computed columns, status sheets) or
  next to it (customer workbooks in ``customers/``, the sign-off as ``cvm_signoff.xlsx``);
* list every problem on the Problems sheet (errors in the master stop the macro before it changes
  anything) and say in a message what happened. Nothing is ever raised into Excel.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from . import __version__
from . import columns as col
from .book_adapter import Book, OpenpyxlBook, XlwingsBook
from .book_rows import SheetTable, apply_changes, locate, read_ideas, read_master, write_cells
from .evaluation import evaluate_ideas
from .generate.batch import generate_customer_books
from .generate.signoff_book import write_signoff_book
from .macro_sheets import (
    GENERATED_SHEET,
    MAP_SHEET,
    PROBLEMS_SHEET,
    RECONCILIATION_SHEET,
    SYNTHESIS_SHEET,
    Block,
    generated_sheet,
    map_sheet,
    problems_sheet,
    reconciliation_sheet,
    synthesis_sheet,
)
from .master_update import CellChange
from .passbook import passbook_lines
from .problems import Problem, WorkbookError
from .reconcile import reconcile
from .returned_books import IMPORT_LOG_SHEET, ImportPlan, plan_import, read_returned
from .schema import IDEAS, SETTING, TRACKING
from .synthesis import DEFAULT_THRESHOLD, MOTHER_ID
from .synthesis import synthesize as synthesize_ideas
from .values import is_blank

log = logging.getLogger(__name__)

CUSTOMERS_FOLDER = "customers"  # customer workbooks go into this folder next to the master
SIGNOFF_FILE = "cvm_signoff.xlsx"
WORKSHOP_SHEET = "Workshop"
IDEAS_SHEET = IDEAS.name
KEEP_FILE_FIX = (
    "It may hold signatures or edits: import it first (Import returned workbooks), or move or rename "
    "it, then run this again."
)

SYNTHESIZE = "Synthesise mother ideas"
REFRESH = "Refresh computed columns"
BUILD_MAP = "Build the portfolio map"
GENERATE = "Generate customer workbooks"
BUILD_SIGNOFF = "Build the consolidated sign-off"
IMPORT = "Import returned workbooks"
RECONCILE = "Reconcile passbooks"


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


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _put_sheet(book: Book, sheet: str, rows: Block) -> None:
    book.reset_sheet(sheet)
    book.write(sheet, 1, 1, rows)


def _report_problems(book: Book, outcome: MacroOutcome, when: dt.datetime) -> None:
    """The Problems sheet shows this run's problems; it is cleared (not added) when there are none."""
    problems = outcome.problems
    if not problems and PROBLEMS_SHEET not in book.sheet_names():
        return
    _put_sheet(book, PROBLEMS_SHEET, problems_sheet(outcome.macro, problems, when))
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
    when = _now()
    try:
        outcome = action()
    except WorkbookError as exc:
        errors = len(exc.errors)
        message = f"{macro}: {_plural(errors, 'problem')} to fix first; see the Problems sheet."
        outcome = MacroOutcome(macro, False, message, tuple(exc.problems))
    except Exception as exc:
        log.exception("%s failed", macro)
        outcome = _failure(book, macro, exc)
    warnings = sum(not p.is_error for p in outcome.problems)
    if outcome.ok and warnings:
        noted = f"{outcome.message} {_plural(warnings, 'warning')}: see the {PROBLEMS_SHEET} sheet."
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


# --- Synthesise mother ideas -------------------------------------------------------------------------


def synthesize_in(
    book: Book,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    customers: Collection[str] | None = None,
    singletons_as_ideas: bool = False,
) -> MacroOutcome:
    """Group the Workshop's raw ideas into mother ideas as ``cvm-xl synthesize`` does: fill blank
    Mother idea IDs, add draft Ideas rows for new groups; the report goes on the Synthesis sheet."""
    from .commands.synthesize import draft_records, fills

    def action() -> MacroOutcome:
        master = read_master(book)
        result = synthesize_ideas(
            master.workshop,
            master.ideas,
            threshold,
            customers=customers,
            singletons_as_ideas=singletons_as_ideas,
        )
        changes = [CellChange(WORKSHOP_SHEET, row, MOTHER_ID, value) for row, value in fills(master, result)]
        drafts = draft_records(result.new_ideas)
        apply_changes(book, changes, {IDEAS_SHEET: drafts} if drafts else None)
        _put_sheet(book, SYNTHESIS_SHEET, synthesis_sheet(result.report, _now()))
        report = result.report
        message = (
            f"{_plural(len(report.groups), 'mother idea')} ({len(report.new_groups)} new, added to "
            f"Ideas as Proposed), {_plural(len(changes), 'raw idea')} assigned, "
            f"{_plural(len(report.singletons), 'singleton')}. Details on the {SYNTHESIS_SHEET} sheet."
        )
        return MacroOutcome(SYNTHESIZE, True, message, master.problems, SYNTHESIS_SHEET)

    return run_macro(book, SYNTHESIZE, action)


# --- Refresh computed columns ------------------------------------------------------------------------


def _computed_columns(book: Book, table: SheetTable) -> dict[str, int]:
    """1-based column of each computed Ideas column; missing ones get a header right of the table."""
    positions: dict[str, int] = {}
    missing: list[str] = []
    for name in IDEAS.computed:
        found = table.column(name)
        if found is None:
            missing.append(name)
        else:
            positions[name] = found
    if missing:
        first = table.next_column
        book.write(table.sheet, table.header_row, first, [missing])
        positions.update({name: first + i for i, name in enumerate(missing)})
    return positions


def refresh_in(book: Book) -> MacroOutcome:
    """Recompute every computed Ideas column with the core and write the results as values (not
    formulas). Rows without an idea are cleared of old results."""

    def action() -> MacroOutcome:
        master = read_master(book)
        evaluated = master.evaluated
        table = locate(book, IDEAS_SHEET)
        totals = book.total_rows(table.sheet)
        positions = _computed_columns(book, table)
        records = set(int(r) for r in evaluated.index)
        cells: dict[tuple[int, int], object] = {}
        for row in range(table.header_row + 1, max(len(table.rows), table.header_row) + 1):
            if row in totals:
                continue
            if row in records:
                for name, column in positions.items():
                    cells[(row, column)] = evaluated.at[row, name]
            else:  # a result left from an idea since deleted
                stale = [c for c in positions.values() if not is_blank(table.value(row, c))]
                if stale:
                    cells.update({(row, c): None for c in positions.values()})
        write_cells(book, table.sheet, cells)
        message = f"Computed columns of {_plural(len(records), 'idea')} refreshed (as values)."
        return MacroOutcome(REFRESH, True, message, master.problems, table.sheet)

    return run_macro(book, REFRESH, action)


# --- Build the portfolio map -------------------------------------------------------------------------


def build_map_in(book: Book) -> MacroOutcome:
    """Write the Map sheet: the 3x3 Idea Portfolio Map (ideas and net value per cell) of all
    customers and of each customer, with a bar chart of net value per cell."""

    def action() -> MacroOutcome:
        master = read_master(book)
        sheet = map_sheet(master, _now())
        _put_sheet(book, MAP_SHEET, sheet.rows)
        book.bar_chart(MAP_SHEET, sheet.chart_data, sheet.chart_anchor, "Net value per map cell")
        book.activate(MAP_SHEET)
        ideas = int(master.evaluated[col.CELL].notna().sum())
        message = f"Portfolio map of {_plural(ideas, 'quantified idea')} written to the {MAP_SHEET} sheet."
        return MacroOutcome(BUILD_MAP, True, message, master.problems, MAP_SHEET)

    return run_macro(book, BUILD_MAP, action)


# --- Generate customer workbooks ---------------------------------------------------------------------


def _kept_file(path: Path, reason: str) -> Problem:
    return Problem(str(path), None, None, None, None, f"Not overwritten: {reason}.", fix=KEEP_FILE_FIX)


def generate_customer_workbooks_in(
    book: Book,
    out_dir: str | Path | None = None,
    *,
    force: bool = False,
    customer_ids: Sequence[str] | None = None,
    generated: dt.datetime | None = None,
) -> MacroOutcome:
    """Write one workbook per customer into ``out_dir`` (default: ``customers`` next to the master)
    and list them on the Generated sheet. A workbook changed since it was generated is kept."""

    def action() -> MacroOutcome:
        master = read_master(book)
        out = Path(out_dir) if out_dir is not None else book.folder / CUSTOMERS_FOLDER
        results = generate_customer_books(
            master, out, customer_ids=customer_ids, force=force, generated=generated
        )
        _put_sheet(book, GENERATED_SHEET, generated_sheet(results, str(out), _now()))
        book.activate(GENERATED_SHEET)
        kept = [_kept_file(r.path, r.message) for r in results if not r.ok]
        warnings = [w for r in results for w in r.warnings]
        written = [r.path for r in results if r.ok]
        message = f"{len(written)} of {_plural(len(results), 'customer workbook')} written to {out}."
        if kept:
            message += f" {_plural(len(kept), 'workbook')} kept as they were: see the Problems sheet."
        problems = (*master.problems, *kept, *warnings)
        return MacroOutcome(GENERATE, not kept, message, problems, GENERATED_SHEET, tuple(written))

    return run_macro(book, GENERATE, action)


# --- Build the consolidated sign-off -----------------------------------------------------------------


def build_signoff_in(book: Book, path: str | Path | None = None, *, force: bool = False) -> MacroOutcome:
    """Write the consolidated sign-off over all customers (default: ``cvm_signoff.xlsx`` next to
    the master). A sign-off changed since it was generated is kept."""

    def action() -> MacroOutcome:
        master = read_master(book)
        target = Path(path) if path is not None else book.folder / SIGNOFF_FILE
        reason = write_signoff_book(master, target, force=force)
        if reason:
            problem = _kept_file(target, reason)
            message = f"{target.name} was kept as it was: see the Problems sheet."
            return MacroOutcome(BUILD_SIGNOFF, False, message, (*master.problems, problem))
        message = (
            f"Consolidated sign-off for {_plural(len(master.customers), 'customer')} written to {target}."
        )
        return MacroOutcome(BUILD_SIGNOFF, True, message, master.problems, None, (target,))

    return run_macro(book, BUILD_SIGNOFF, action)


# --- Reconcile passbooks -----------------------------------------------------------------------------


def _shared_customers(a: pd.DataFrame, b: pd.DataFrame) -> set[str]:
    ids_a = {str(x) for x in a[col.CUSTOMER_ID].dropna()}
    return ids_a & {str(x) for x in b[col.CUSTOMER_ID].dropna()}


def reconcile_passbooks_in(book: Book, other: str | Path, *, tolerance: float = 0.5) -> MacroOutcome:
    """Compare this workbook's passbook (A) with another workbook's (B), line by line, for the
    customers both hold; list every missing or differing line on the Reconciliation sheet."""

    def action() -> MacroOutcome:
        master = read_master(book)
        other_path = Path(other)
        ideas_b, settings_b, problems_b = read_ideas(OpenpyxlBook(other_path))
        shared = _shared_customers(master.ideas, ideas_b)
        if not shared:
            problem = Problem(
                str(other_path),
                IDEAS_SHEET,
                None,
                col.CUSTOMER_ID,
                None,
                "The two workbooks share no customer, so there is no passbook to compare.",
                fix="Choose the workbook of a customer in this master.",
            )
            raise WorkbookError([problem])
        evaluated_a = master.evaluated[master.ideas[col.CUSTOMER_ID].astype(str).isin(shared)]
        evaluated_b = evaluate_ideas(ideas_b, settings_b)
        evaluated_b = evaluated_b[ideas_b[col.CUSTOMER_ID].astype(str).isin(shared)]
        differences = reconcile(passbook_lines(evaluated_a), passbook_lines(evaluated_b), tolerance)
        rows = reconciliation_sheet(differences, Path(book.name).name, other_path.name, tolerance, _now())
        _put_sheet(book, RECONCILIATION_SHEET, rows)
        book.activate(RECONCILIATION_SHEET)
        if differences:
            message = (
                f"{_plural(len(differences), 'difference')} between the passbooks: see the "
                f"{RECONCILIATION_SHEET} sheet."
            )
        else:
            message = f"The passbooks agree for {', '.join(sorted(shared))} (tolerance {tolerance:g})."
        # A customer workbook's Settings sheet also explains its formulas: those rows are no settings.
        problems = (*master.problems, *(p for p in problems_b if p.column != SETTING))
        return MacroOutcome(RECONCILE, not differences, message, problems, RECONCILIATION_SHEET)

    return run_macro(book, RECONCILE, action)


# --- Import returned workbooks -----------------------------------------------------------------------


def import_returned_in(
    book: Book, paths: Sequence[str | Path], *, apply_values: bool = False
) -> MacroOutcome:
    """Fold returned customer workbooks into this master: the Status, Owner, Start and End the
    customer changed and their tracking rows (value inputs only with ``apply_values``). A field
    changed on both sides since generation is a conflict: listed, and that idea left as it is. Each
    import is recorded on the Import log sheet."""

    def action() -> MacroOutcome:
        master = read_master(book)
        when = _now()
        problems: list[Problem] = list(master.problems)
        plans: list[ImportPlan] = []
        for path in paths:
            try:
                returned = read_returned(OpenpyxlBook(path))
            except WorkbookError as exc:
                problems += exc.problems
                continue
            plan = plan_import(master, returned, apply_values=apply_values)
            if plan.customer_id is not None and plan.customer_id in {p.customer_id for p in plans}:
                message = f"A second workbook of {plan.customer_id} in one import; it was left out."
                fix = "Import one returned workbook per customer at a time."
                problems.append(Problem(str(path), None, None, None, None, message, fix=fix))
                continue
            problems += plan.problems
            plans.append(plan)
        usable = [p for p in plans if p.customer_id is not None]
        if usable:
            appends: dict[str, list[dict[str, object]]] = {
                IMPORT_LOG_SHEET: [p.log_record(when) for p in usable]
            }
            tracking = [row for p in usable for row in p.tracking_rows]
            if tracking:
                appends[TRACKING.name] = tracking
            apply_changes(book, [c for p in usable for c in p.changes], appends)
        conflicts = sum(p.is_error for p in problems)
        ideas = sum(len(p.ideas_changed) for p in usable)
        rows = sum(len(p.tracking_rows) for p in usable)
        message = (
            f"{_plural(len(usable), 'workbook')} of {len(paths)} imported: {_plural(ideas, 'idea')} updated, "
            f"{_plural(rows, 'tracking row')} added."
        )
        if conflicts:
            message += (
                f" {_plural(conflicts, 'problem')} (conflicts are left as they are): see the Problems sheet."
            )
        sheet = IMPORT_LOG_SHEET if usable else None
        return MacroOutcome(IMPORT, not conflicts, message, tuple(problems), sheet)

    return run_macro(book, IMPORT, action)


# --- Entry points for Excel (RunPython) ---------------------------------------------------------------


def _caller() -> XlwingsBook:
    import xlwings as xw

    return XlwingsBook(xw.Book.caller())


def _pick(book: XlwingsBook, title: str, multiple: bool = False) -> list[Path]:
    """The files the user picks; [] (and a message saying why) when the dialog cannot be shown."""
    try:
        return book.pick_files(title, multiple)
    except Exception as exc:
        log.exception("file dialog failed")
        book.message(f"The file dialog could not be opened: {type(exc).__name__}: {exc}", title)
        return []


def synthesize() -> None:
    """Button "Synthesise mother ideas"."""
    synthesize_in(_caller())


def refresh() -> None:
    """Button "Refresh computed columns"."""
    refresh_in(_caller())


def build_map() -> None:
    """Button "Build the portfolio map"."""
    build_map_in(_caller())


def generate_customer_workbooks() -> None:
    """Button "Generate customer workbooks": into ``customers`` next to the master."""
    generate_customer_workbooks_in(_caller())


def build_signoff() -> None:
    """Button "Build the consolidated sign-off": ``cvm_signoff.xlsx`` next to the master."""
    build_signoff_in(_caller())


def import_returned() -> None:
    """Button "Import returned workbooks": the customer workbooks the user picks."""
    book = _caller()
    picked = _pick(book, "Returned customer workbooks to import", multiple=True)
    if picked:
        import_returned_in(book, picked)


def reconcile_passbooks() -> None:
    """Button "Reconcile passbooks": compare with a workbook the user picks."""
    book = _caller()
    picked = _pick(book, "Workbook whose passbook to compare with this one")
    if picked:
        reconcile_passbooks_in(book, picked[0])
