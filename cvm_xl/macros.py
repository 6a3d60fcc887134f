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
from collections.abc import Collection, Sequence
from pathlib import Path

from cvm_xl.actions.imports import (
    HELD,
    UNMATCHED,
    BookImport,
    Item,
    applied_to,
    changes_master,
    master_changes,
    plan_imports,
)
from cvm_xl.actions.refresh import plan_open_refresh
from cvm_xl.actions.synthesize import plan_synthesis
from cvm_xl.books.passbook import PASSBOOK_SHEET, master_passbook, passbook_sheet_rows, reconcile_books
from cvm_xl.books.read import (
    IMPORT_LOG_SHEET,
    KIND_MASTER,
    SIGN_OFFS_SHEET,
    BookContent,
    read_book,
    read_import_log,
    read_sign_offs,
)
from cvm_xl.core import columns as col
from cvm_xl.core.cells import shown
from cvm_xl.core.fingerprint import canonical_text as key
from cvm_xl.core.problems import WARNING, Problem, WorkbookError
from cvm_xl.core.values import is_blank
from cvm_xl.excel.book import Book, XlwingsBook
from cvm_xl.excel.master_book import apply_changes, locate, read_master, reader_cells
from cvm_xl.excel.runner import MacroOutcome, now, plural, put_sheet, run_macro
from cvm_xl.excel.sheets import (
    GENERATED_SHEET,
    MAP_SHEET,
    PROBLEMS_SHEET,
    RECONCILIATION_SHEET,
    SYNTHESIS_SHEET,
    generated_sheet,
    map_sheet,
    reconciliation_sheet,
    synthesis_sheet,
)
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.generate.signoff_book import write_signoff_book
from cvm_xl.master.model import Master
from cvm_xl.master.schema import IDEAS
from cvm_xl.spreadsheet.tables import find_sheet
from cvm_xl.workshop.synthesis import DEFAULT_THRESHOLD

log = logging.getLogger(__name__)

CUSTOMERS_FOLDER = "customers"  # customer workbooks go into this folder next to the master
SIGNOFF_FILE = "cvm_signoff.xlsx"
WORKSHOP_SHEET = "Workshop"
IDEAS_SHEET = IDEAS.name
CONFLICT_FIX = (
    "Agree with the customer which value is right, set it in the master (or in the workbook) and "
    "import again."
)
HELD_FIX = (
    "It changes the signed figures: if both firms agree, set it in the master (or import with value "
    "changes allowed: cvm-xl import --apply-values), then generate the workbook again."
)
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

    def action() -> MacroOutcome:
        master = read_master(book)
        plan = plan_synthesis(master, threshold, customers=customers, singletons_as_ideas=singletons_as_ideas)
        result, changes = plan.result, plan.changes
        apply_changes(book, plan.changes, plan.additions)
        put_sheet(book, SYNTHESIS_SHEET, synthesis_sheet(result.report, now()))
        report = result.report
        message = (
            f"{plural(len(report.groups), 'mother idea')} ({len(report.new_groups)} new, added to "
            f"Ideas as Proposed), {plural(len(changes), 'raw idea')} assigned, "
            f"{plural(len(report.singletons), 'singleton')}. Details on the {SYNTHESIS_SHEET} sheet."
        )
        return MacroOutcome(SYNTHESIZE, True, message, master.problems, SYNTHESIS_SHEET)

    return run_macro(book, SYNTHESIZE, action)


# --- Refresh computed columns ------------------------------------------------------------------------


def refresh_in(book: Book) -> MacroOutcome:
    """Refresh every computed column of the Ideas table and the relationship tables from the one
    evaluation ``cvm-xl refresh`` uses (``actions.refresh.plan_open_refresh``). In a live (.xlsx)
    master every computed cell gets its native formula and its result, as ``cvm-xl refresh``
    writes them. In a .xlsm master the computed columns are the add-in's worksheet functions: their
    formulas are kept and computed again (Excel; a file saves cvm-xl's results with them), and a
    computed cell holding no formula gets cvm-xl's result as a value. Missing computed columns come
    back right of their table; a result left below the last record is cleared."""

    def action() -> MacroOutcome:
        master = read_master(book)
        plan = plan_open_refresh(book.name, book.sheet_names(), book.read, book.total_rows, master.settings)
        if plan.live:
            book.define_names(plan.names)
            if plan.lists_sheet not in book.sheet_names():
                book.reset_sheet(plan.lists_sheet)
            for column, values in plan.lists.items():
                book.write(plan.lists_sheet, 1, column, [[v] for v in values])
        for table in plan.tables:
            for column, name in table.headers.items():
                book.write(table.live.sheet, table.live.header_row, column, [[name]])
        for sheet, cells in plan.cells().items():
            book.write_computed(sheet, cells)
        ideas = next((t.live.sheet for t in plan.tables if t.live.table is IDEAS), None)
        others = [t.live.sheet for t in plan.tables if t.live.table is not IDEAS and t.live.rows]
        how = "as live formulas with their results" if plan.live else "by the add-in's formulas"
        message = f"Computed columns of {plural(len(master.ideas), 'idea')} refreshed {how}"
        message += f" (and of {', '.join(others)})." if others else "."
        return MacroOutcome(REFRESH, True, message, master.problems, ideas)

    return run_macro(book, REFRESH, action)


# --- Build the portfolio map -------------------------------------------------------------------------


def build_map_in(book: Book) -> MacroOutcome:
    """Write the Map sheet: the 3x3 Idea Portfolio Map (ideas and net value per cell) of all
    customers and of each customer, with a bar chart of net value per cell."""

    def action() -> MacroOutcome:
        master = read_master(book)
        sheet = map_sheet(master, now())
        put_sheet(book, MAP_SHEET, sheet.rows)
        book.bar_chart(MAP_SHEET, sheet.chart_data, sheet.chart_anchor, "Net value per map cell")
        book.activate(MAP_SHEET)
        ideas = int(master.evaluated[col.CELL].notna().sum())
        message = f"Portfolio map of {plural(ideas, 'quantified idea')} written to the {MAP_SHEET} sheet."
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
        put_sheet(book, GENERATED_SHEET, generated_sheet(results, str(out), now()))
        book.activate(GENERATED_SHEET)
        kept = [_kept_file(r.path, r.message) for r in results if not r.ok]
        warnings = [w for r in results for w in r.warnings]
        written = [r.path for r in results if r.ok]
        message = f"{len(written)} of {plural(len(results), 'customer workbook')} written to {out}."
        if kept:
            message += f" {plural(len(kept), 'workbook')} kept as they were: see the Problems sheet."
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
            f"Consolidated sign-off for {plural(len(master.customers), 'customer')} written to {target}."
        )
        return MacroOutcome(BUILD_SIGNOFF, True, message, master.problems, None, (target,))

    return run_macro(book, BUILD_SIGNOFF, action)


# --- Reconcile passbooks -----------------------------------------------------------------------------


def _master_content(book: Book, master: Master) -> BookContent:
    """The calling master as ``book_reader`` describes a master workbook (read from the open book)."""
    sheet = find_sheet(book.sheet_names(), SIGN_OFFS_SHEET)
    sign_offs = read_sign_offs(reader_cells(book.read(sheet))[0]) if sheet else None
    log = find_sheet(book.sheet_names(), IMPORT_LOG_SHEET)  # the stamps that tell an older copy
    import_log = read_import_log(reader_cells(book.read(log))[0]) if log else None
    names = zip(master.customers[col.CUSTOMER_ID], master.customers["Customer"], strict=True)
    return BookContent(
        path=Path(book.name),
        kind=KIND_MASTER,
        settings=master.settings,
        ideas=master.ideas,
        tracking=master.tracking,
        customers={key(cid): (name if isinstance(name, str) else None) for cid, name in names},
        problems=master.problems,
        master=master,
        sign_offs=sign_offs,
        import_log=import_log,
    )


def reconcile_passbooks_in(
    book: Book, other: str | Path, *, tolerance: float = 0.5, realised: bool = True
) -> MacroOutcome:
    """Compare this workbook's passbook (A) with another cvm-xl workbook's (B) as ``cvm-xl
    reconcile`` does, line by line for the customers both hold; list every missing or differing
    line on the Reconciliation sheet."""

    def action() -> MacroOutcome:
        master = read_master(book)
        a, b = _master_content(book, master), read_book(other)
        try:
            result = reconcile_books(a, b, tolerance=tolerance, realised=realised)
        except ValueError as exc:
            problem = Problem(b.file, None, None, None, None, f"{str(exc)[:1].upper()}{str(exc)[1:]}.",
                              fix="Choose a workbook of a customer in this master.")  # fmt: skip
            raise WorkbookError([problem]) from None
        when = now()
        rows = reconciliation_sheet(result, Path(book.name).name, b.path.name, tolerance, when)
        put_sheet(book, RECONCILIATION_SHEET, rows)
        book.activate(RECONCILIATION_SHEET)
        customers = ", ".join(result.customers)
        if result.agree:
            message = f"The passbooks agree for {customers}: both firms read out of the same passbook."
        else:
            n = len(result.differences)
            message = (
                f"{plural(n, 'passbook line')} differ for {customers}: see the {RECONCILIATION_SHEET} sheet."
            )
        problems = (*master.problems, *b.problems)
        return MacroOutcome(RECONCILE, result.agree, message, problems, RECONCILIATION_SHEET)

    return run_macro(book, RECONCILE, action)


# --- Import returned workbooks -----------------------------------------------------------------------


def _item_problem(plan: BookImport, item: Item) -> Problem:
    """A conflict (an error) or a change held back (a warning) of an import, for the Problems sheet."""
    what = f"{item.idea_id} {item.field}".strip()
    message = (
        f"{what}: {item.result}. As generated {_shown(item.base)}, in the master {_shown(item.master)}, "
        f"in the workbook {_shown(item.book)}."
    )
    if item.result == UNMATCHED:
        fix = "Correct the Idea ID in the workbook, or add the idea to the master, and import again."
        where = f"{item.where}: {message}"
        return Problem(plan.book.file, None, None, col.IDEA_ID, item.idea_id, where, fix=fix)
    if item.conflict:
        return Problem(plan.book.file, None, None, item.field or None, item.book, message, fix=CONFLICT_FIX)
    return Problem(plan.book.file, None, None, item.field or None, item.book, message, WARNING, HELD_FIX)


def _shown(value: object) -> str:
    return "blank" if is_blank(value) else shown(value)


def import_returned_in(
    book: Book, paths: Sequence[str | Path], *, apply_values: bool = False
) -> MacroOutcome:
    """Fold returned customer workbooks into this master as ``cvm-xl import`` does: Status, Owner
    firm, Owner, Start, End, tracking rows and signatories (other inputs only with
    ``apply_values``). A field changed on both sides since generation is a conflict: listed, and
    that idea left as it is. Every item goes to the Import log sheet; the Passbook sheet is rewritten.
    A workbook that does not belong to this master stops the import before anything is written."""

    def action() -> MacroOutcome:
        master = read_master(book)
        content = _master_content(book, master)
        books = [read_book(path) for path in paths]
        when = now()
        ideas_table = locate(book, IDEAS_SHEET)
        shown = tuple(name for name in IDEAS.computed if ideas_table.column(name) is not None)
        plans = plan_imports(
            master,
            books,
            apply_values=apply_values,
            sign_offs=content.sign_offs,
            when=when,
            computed_columns=shown,
            import_log=content.import_log,
        )
        written = changes_master(plans)  # as the command: an import that changes nothing writes nothing
        if written:
            changes, appends = master_changes(plans, when)
            apply_changes(book, changes, appends)
            after = master
            for plan in plans:
                after = applied_to(after, plan)
            lines, standing = master_passbook(after)
            put_sheet(book, PASSBOOK_SHEET, passbook_sheet_rows(lines, standing, after.settings, when))
            book.activate(IMPORT_LOG_SHEET)
        shown = (HELD, UNMATCHED)
        items = [_item_problem(p, i) for p in plans for i in p.items if i.conflict or i.result in shown]
        problems = (*master.problems, *(w for b in books for w in b.problems), *items)
        conflicts = sum(len(p.conflicts) + len(p.unmatched) for p in plans)
        message = " ".join(f"{p.book.path.name}: {p.summary()}." for p in plans)
        if not written:
            message += " Nothing to change, so nothing was written."
        if conflicts:
            message += f" Nothing was changed for the ideas in conflict: see the {PROBLEMS_SHEET} sheet."
        return MacroOutcome(IMPORT, not conflicts, message, problems, IMPORT_LOG_SHEET if written else None)

    return run_macro(book, IMPORT, action)


# --- Entry points for Excel (RunPython) ---------------------------------------------------------------


def _caller() -> XlwingsBook:
    # Imported here, not at the top: only a macro running inside Excel needs xlwings' Excel side.
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
