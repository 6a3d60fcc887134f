"""Folding a returned customer workbook back into the master: what changed, and what may be taken.

A generated customer workbook keeps, on its hidden Record sheet, the ideas and tracking rows as
they were sent. Comparing three versions of each field — as generated (base), as returned
(theirs) and the master now (ours) — tells who changed what since generation:

* changed only in the returned workbook: taken into the master;
* changed in both, to different values: a **conflict**, listed, and nothing of that idea (or
  tracking line) is taken;
* value inputs (the four annual / one-time amounts) changed by the customer change the sign-off:
  reported, and taken only when asked for.

The customer may change Status, Owner, Start and End of an idea and add or correct Tracking rows.
Everything here is pure: ``plan_import`` returns cell changes and rows to append, addressed like
every Problem (sheet, Excel row, column), which the caller applies to a file or an open workbook.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import columns as col
from .book_adapter import Book
from .book_rows import reader_cells
from .cell_values import shown
from .generate.sheets.records import RECORD_IDEAS, RECORD_TRACKING_FIRST_COL
from .master import Master
from .master_update import CellChange
from .problems import ERROR, WARNING, Problem, WorkbookError
from .read_tables import TableData, read_table
from .schema import IDEAS, TRACKING
from .sheet_tables import find_sheet
from .sheet_xml import SheetScan
from .values import is_blank

RECORD_SHEET = "Record"
IMPORT_LOG_SHEET = "Import log"
IDEA_FIELDS = (col.STATUS, col.OWNER, col.START, col.END)  # what the customer may change
TRACKING_KEY = (col.IDEA_ID, "Month")
TRACKING_FIELDS = ("Supplier realised", "Customer realised", "Note")
VALUE_FIX = (
    "Re-evaluate the idea with the customer; if both firms agree, set the value in the master (or import "
    "with value changes allowed)."
)
CONFLICT_FIX = (
    "Agree with the customer which value is right and set it in the master; then generate their "
    "workbook again, or correct the returned workbook and import it again."
)


@dataclass(frozen=True)
class ReturnedBook:
    """A customer workbook as it came back: its Ideas and Tracking tables, and both as generated."""

    file: str
    ideas: TableData
    tracking: TableData | None
    record_ideas: pd.DataFrame
    record_tracking: pd.DataFrame


@dataclass
class ImportPlan:
    """What importing one returned workbook does to the master."""

    file: str
    customer_id: str | None = None
    changes: list[CellChange] = field(default_factory=list)
    tracking_rows: list[dict[str, object]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ideas_changed: set[str] = field(default_factory=set)

    @property
    def conflicts(self) -> int:
        return sum(p.is_error for p in self.problems)

    def log_record(self, when: dt.datetime) -> dict[str, object]:
        """The row this import adds to the master's Import log sheet."""
        return {
            "Imported": when,
            "File": Path(self.file).name,
            col.CUSTOMER_ID: self.customer_id,
            "Ideas changed": len(self.ideas_changed),
            "Cells changed": len(self.changes),
            "Tracking rows added": len(self.tracking_rows),
            "Conflicts": self.conflicts,
            "Warnings": len(self.problems) - self.conflicts,
        }


def _not_returned(book: Book, message: str) -> WorkbookError:
    fix = "Choose a customer workbook made by cvm-xl generate (or the Generate customer workbooks button)."
    return WorkbookError([Problem(book.name, None, None, None, None, message, fix=fix)])


def _columns(rows: list[list[object]], first: int, last: int | None = None) -> list[list[object]]:
    return [r[first:last] for r in rows]


def read_returned(book: Book) -> ReturnedBook:
    """The tables of a returned customer workbook; ``WorkbookError`` when it is none, or when a cell
    the import needs cannot be read."""
    names = book.sheet_names()
    record_sheet, ideas_sheet = find_sheet(names, RECORD_SHEET), find_sheet(names, IDEAS.name)
    if record_sheet is None or ideas_sheet is None:
        raise _not_returned(
            book, "This is not a customer workbook made by cvm-xl: it has no generation record."
        )
    record, _ = reader_cells(book.read(record_sheet))
    split = RECORD_TRACKING_FIRST_COL - 1
    record_ideas = read_table(IDEAS, _columns(record, 0, len(RECORD_IDEAS)), book.name, record_sheet)
    record_tracking = read_table(TRACKING, _columns(record, split), book.name, record_sheet)
    rows, errors = reader_cells(book.read(ideas_sheet))
    ideas = read_table(IDEAS, rows, book.name, ideas_sheet, SheetScan(errors, book.total_rows(ideas_sheet)))
    tracking = None
    tracking_sheet = find_sheet(names, TRACKING.name)
    if tracking_sheet is not None:
        rows, errors = reader_cells(book.read(tracking_sheet))
        scan = SheetScan(errors, book.total_rows(tracking_sheet))
        tracking = read_table(TRACKING, rows, book.name, tracking_sheet, scan)
    problems = [*record_ideas.problems, *ideas.problems, *(tracking.problems if tracking else ())]
    if any(p.is_error for p in problems):
        raise WorkbookError(problems)
    return ReturnedBook(book.name, ideas, tracking, record_ideas.frame, record_tracking.frame)


def same(a: object, b: object) -> bool:
    """Equal as cell values: blanks alike, numbers within a millionth of a unit."""
    if is_blank(a) or is_blank(b):
        return is_blank(a) and is_blank(b)
    numbers = (int, float)
    if (
        isinstance(a, numbers)
        and isinstance(b, numbers)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-6)
    return a == b


def _text(value: object) -> str:
    return "blank" if is_blank(value) else shown(value)


def _by_key(frame: pd.DataFrame, key: tuple[str, ...]) -> dict[tuple[object, ...], tuple[int, pd.Series]]:
    """Rows by key (the first of equal keys), with their Excel row."""
    out: dict[tuple[object, ...], tuple[int, pd.Series]] = {}
    for row, record in frame.iterrows():
        out.setdefault(tuple(record[k] for k in key), (int(row), record))  # type: ignore[call-overload]
    return out


class _Planner:
    def __init__(self, master: Master, returned: ReturnedBook, apply_values: bool) -> None:
        self.master = master
        self.returned = returned
        self.plan = ImportPlan(returned.file)
        self.fields = IDEA_FIELDS + (col.VALUE_INPUTS if apply_values else ())
        self.apply_values = apply_values

    def problem(
        self,
        data: TableData | None,
        row: int | None,
        column: str | None,
        value: object,
        message: str,
        fix: str,
        severity: str = ERROR,
    ) -> None:
        sheet = data.sheet_name if data is not None else None
        ref = data.ref(column, row) if data is not None else None
        self.plan.problems.append(
            Problem(self.returned.file, sheet, row, column, value, message, severity, fix, ref)
        )

    def customer(self) -> str | None:
        ids = {str(c) for c in self.returned.record_ideas[col.CUSTOMER_ID].dropna()}
        if len(ids) != 1:
            message = "The workbook's generation record does not name exactly one customer."
            self.problem(
                None, None, None, None, message, "Choose a customer workbook made by cvm-xl generate."
            )
            return None
        (cid,) = ids
        if cid not in {str(c) for c in self.master.customers[col.CUSTOMER_ID]}:
            message = f"This workbook is for customer {cid}, who is not in this master."
            fix = "Import it into the master it was generated from."
            self.problem(self.returned.ideas, None, col.CUSTOMER_ID, cid, message, fix)
            return None
        return cid

    def ideas(self, cid: str) -> None:
        data = self.returned.ideas
        base = _by_key(self.returned.record_ideas, (col.IDEA_ID,))
        ours = _by_key(self.master.ideas, (col.IDEA_ID,))
        for (idea,), (row, theirs) in _by_key(data.frame, (col.IDEA_ID,)).items():
            if (idea,) not in base:
                message = f"Idea {idea} was not in the workbook as generated, so it is not imported."
                fix = "If both firms agree on it, add it to the master's Ideas sheet."
                self.problem(data, row, col.IDEA_ID, idea, message, fix, WARNING)
                continue
            if (idea,) not in ours or str(ours[(idea,)][1][col.CUSTOMER_ID]) != cid:
                message = f"Idea {idea} of customer {cid} is no longer in the master, so it is not imported."
                fix = "Check whether it was renamed or deleted in the master."
                self.problem(data, row, col.IDEA_ID, idea, message, fix, WARNING)
                continue
            self._idea(data, row, str(idea), theirs, base[(idea,)][1], ours[(idea,)])

    def _idea(
        self,
        data: TableData,
        row: int,
        idea: str,
        theirs: pd.Series,
        generated: pd.Series,
        ours: tuple[int, pd.Series],
    ) -> None:
        master_row, current = ours
        changes: list[CellChange] = []
        conflicts = 0
        for name in self.fields:
            new, old, now = theirs[name], generated[name], current[name]
            if same(new, old) or same(new, now):
                continue
            if same(now, old):
                changes.append(CellChange(IDEAS.name, master_row, name, new))
                continue
            conflicts += 1
            message = (
                f"{idea} {name} was changed in both workbooks since generation: generated {_text(old)}, "
                f"master now {_text(now)}, returned {_text(new)}. Nothing of {idea} was imported."
            )
            self.problem(data, row, name, new, message, CONFLICT_FIX)
        if not self.apply_values:
            for name in col.VALUE_INPUTS:
                if not same(theirs[name], generated[name]):
                    message = (
                        f"{idea} {name} was changed from {_text(generated[name])} to {_text(theirs[name])}; "
                        "a value change alters the sign-off, so it was not taken."
                    )
                    self.problem(data, row, name, theirs[name], message, VALUE_FIX, WARNING)
        if not conflicts and changes:
            self.plan.changes += changes
            self.plan.ideas_changed.add(idea)

    def tracking(self, cid: str) -> None:
        data = self.returned.tracking
        if data is None:
            return
        ideas = self.master.ideas
        own = {
            str(i) for i, c in zip(ideas[col.IDEA_ID], ideas[col.CUSTOMER_ID], strict=True) if str(c) == cid
        }
        base = _by_key(self.returned.record_tracking, TRACKING_KEY)
        ours = _by_key(self.master.tracking, TRACKING_KEY)
        for key, (row, theirs) in _by_key(data.frame, TRACKING_KEY).items():
            idea, month = key
            if str(idea) not in own:
                message = (
                    f"A tracking row names {idea}, which is not an idea of {cid} in the master: not imported."
                )
                fix = "Correct the Idea ID in the returned workbook and import it again."
                self.problem(data, row, col.IDEA_ID, idea, message, fix, WARNING)
                continue
            generated = base[key][1] if key in base else None
            if generated is not None and all(same(theirs[f], generated[f]) for f in TRACKING_FIELDS):
                continue  # as sent
            if key not in ours:
                if generated is None:  # a new month from the customer
                    self.plan.tracking_rows.append({c: theirs[c] for c in (*TRACKING_KEY, *TRACKING_FIELDS)})
                continue  # otherwise deleted from the master since generation: the master's choice stands
            master_row, now = ours[key]
            differing = [f for f in TRACKING_FIELDS if not same(theirs[f], now[f])]
            if not differing:
                continue
            if generated is not None and all(same(now[f], generated[f]) for f in TRACKING_FIELDS):
                self.plan.changes += [CellChange(TRACKING.name, master_row, f, theirs[f]) for f in differing]
                continue
            message = (
                f"The tracking of {idea} for {_text(month)} was changed in both workbooks since generation "
                "(or added in both, differently); it was not imported."
            )
            self.problem(data, row, differing[0], theirs[differing[0]], message, CONFLICT_FIX)


def plan_import(master: Master, returned: ReturnedBook, *, apply_values: bool = False) -> ImportPlan:
    """What importing ``returned`` changes in ``master``: idea fields the customer changed (Status,
    Owner, Start, End; value inputs only with ``apply_values``), tracking rows to correct or append,
    and every conflict (an error) and warning."""
    planner = _Planner(master, returned, apply_values)
    cid = planner.customer()
    if cid is not None:
        planner.plan.customer_id = cid
        planner.ideas(cid)
        planner.tracking(cid)
    return planner.plan
