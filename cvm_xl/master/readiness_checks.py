"""Validation of the relationship tables: every problem of a table at once, located to the cell.

``check_table`` takes one table as read from its sheet (a DataFrame indexed by the Excel row
number, header spellings as the user typed them) and returns the typed table and its Problems.
Typed means: canonical column names; text trimmed (None when blank); IDs as text; list values in
their canonical spelling with a blank status read as the list's first value (Open, Monitoring,
Working team); dates ``datetime.date``; scores float (NaN blank); Yes/No bool (blank No); the Life
cycle's Done as 'Yes' / 'No' / 'N/A' / None. A cell that cannot be read is None (or NaN) in the
typed table and an error in the problems. Unused lines (blank apart from pre-filled template
columns such as Customer ID) are dropped. A sheet that is absent is not a problem.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

import pandas as pd

from cvm_xl.core import cells
from cvm_xl.core.cells import CellIssue, check_error_text, text_cell, yes_no_cell
from cvm_xl.core.columns import CUSTOMER_ID, OUT_OF_BOUNDS
from cvm_xl.core.problems import ERROR, WARNING, Problem
from cvm_xl.core.suggest import did_you_mean
from cvm_xl.core.values import is_blank
from cvm_xl.readiness import tables
from cvm_xl.readiness.issue_log import ESCALATION_SYNONYMS, OPEN, RESOLVED_STATUS
from cvm_xl.readiness.lifecycle import done_text
from cvm_xl.readiness.objectives import OBJECTIVE_SYNONYMS
from cvm_xl.readiness.tables import (
    ACTION,
    AGREED,
    DONE,
    ESCALATION_LEVEL,
    IMPACT,
    ISSUE_CATEGORY,
    LIKELIHOOD,
    RAISED,
    RESOLUTION,
    RESOLVED,
    STATUS,
    TableSpec,
)

# How a cell is read (``_kind`` gives each column its kind).
TEXT, ID, CHOICE, SOFT_CHOICE, DATE, SCORE, YES_NO, DONE_KIND = (
    "text",
    "id",
    "choice",
    "soft choice",
    "date",
    "score",
    "yes/no",
    "done",
)
_SYNONYMS: dict[tuple[str, str], Mapping[str, str]] = {
    (tables.OBJECTIVES_SHEET, tables.FIRM): OBJECTIVE_SYNONYMS,
    (tables.ISSUES_SHEET, ESCALATION_LEVEL): ESCALATION_SYNONYMS,
}
_DEFAULTS: dict[tuple[str, str], object] = {
    (tables.RISKS_SHEET, STATUS): tables.RISK_STATUSES[0],
    (tables.EXITS_SHEET, STATUS): tables.EXIT_STATUSES[0],
    (tables.ISSUES_SHEET, STATUS): tables.ISSUE_STATUSES[0],
    (tables.ISSUES_SHEET, ESCALATION_LEVEL): tables.ESCALATION_LEVELS[0],
}
_ID_COLUMNS = {CUSTOMER_ID, tables.RISK_ID, tables.ISSUE_ID}


def _kind(sheet: str, column: str) -> str:
    if column in _ID_COLUMNS:
        return ID
    if column in (LIKELIHOOD, IMPACT):
        return SCORE
    if column in (AGREED, OUT_OF_BOUNDS):
        return YES_NO
    if sheet == tables.LIFECYCLE_SHEET and column == DONE:
        return DONE_KIND
    if column in tables.DATE_COLUMNS.get(sheet, ()):
        return DATE
    if (sheet, column) == (tables.ISSUES_SHEET, ISSUE_CATEGORY):
        return SOFT_CHOICE  # a category of the user's own is kept, with a warning
    if (sheet, column) in tables.LIST_VALUES:
        return CHOICE
    return TEXT


class Checked(NamedTuple):
    """A relationship table, typed, and every problem found in it."""

    table: pd.DataFrame
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


def spec_for(sheet: str) -> TableSpec:
    """The relationship table of a sheet name (case and spacing ignored). Raises KeyError."""
    wanted = cells.key(sheet)
    for name, spec in tables.TABLES.items():
        if cells.key(name) == wanted:
            return spec
    raise KeyError(f"{sheet!r} is not a relationship table: one of {', '.join(tables.SHEETS)}")


def canonical_columns(table: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """``table`` with its headers spelled as the spec spells them (case and spacing ignored);
    extra columns kept as they are."""
    known = {cells.key(c): c for c in spec.columns}
    renames = {c: known[cells.key(c)] for c in table.columns if isinstance(c, str) and cells.key(c) in known}
    return table.rename(columns=renames)


class _Reporter:
    def __init__(self, file: str, sheet: str, letters: Mapping[str, str] | None) -> None:
        self.file, self.sheet = file, sheet
        self.letters = {cells.key(k): v for k, v in (letters or {}).items()}
        self.problems: list[Problem] = []

    def add(
        self,
        row: object,
        column: str | None,
        value: object,
        message: str,
        fix: str,
        severity: str = ERROR,
    ) -> None:
        number = _row_number(row)
        letter = self.letters.get(cells.key(column)) if column else None
        ref = f"{letter}{number}" if letter and number else None
        self.problems.append(
            Problem(self.file, self.sheet, number, column, value, message, severity, fix, ref)
        )


def _row_number(index: object) -> int | None:
    if isinstance(index, bool):
        return None
    if isinstance(index, int):
        return index
    try:
        as_float = float(index)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return int(as_float) if math.isfinite(as_float) and as_float.is_integer() else None


def _unused(row: pd.Series, spec: TableSpec) -> bool:
    return all(is_blank(row.get(c)) for c in spec.inputs if c not in spec.template)


def _read_cell(sheet: str, column: str, value: object, report: Callable[[str, str, str], None]) -> object:
    """The typed value of one cell; reports (message, fix, severity) when it cannot be read."""
    kind = _kind(sheet, column)
    shown = cells.text(value)
    try:
        check_error_text(value)
        if kind in (TEXT, ID):
            return text_cell(value)
        if kind == DATE:
            return cells.date(value)
        if kind == YES_NO:
            return yes_no_cell(value, False)
        if kind == DONE_KIND:
            return done_text(value)
        if kind == SCORE:
            number = cells.whole_number(value, tables.SCORES[0], tables.SCORES[-1], column.lower())
            return math.nan if number is None else float(number)
        values = tuple(str(v) for v in tables.LIST_VALUES[(sheet, column)])
        try:
            found = cells.choice(value, values, _SYNONYMS.get((sheet, column)))
        except ValueError:
            if kind == SOFT_CHOICE:
                report(
                    f"'{shown}' is not one of the listed categories; it is kept as typed.",
                    f"{did_you_mean(shown, values)}Listed: {', '.join(values)}.",
                    WARNING,
                )
                return shown
            raise
        return found if found is not None else _DEFAULTS.get((sheet, column))
    except CellIssue as issue:
        report(issue.message, issue.fix, ERROR)
        return None
    except ValueError:
        report(*_unreadable(sheet, column, kind, shown), ERROR)
        return math.nan if kind == SCORE else None


def _unreadable(sheet: str, column: str, kind: str, shown: str | None) -> tuple[str, str]:
    if kind == DONE_KIND:
        return (
            f"'{shown}' is not Yes, No or N/A.",
            "Write Yes when the item is done, N/A when it does not apply to this relationship, "
            "or leave it blank while it is not done.",
        )
    if kind == SCORE:
        return (
            f"'{shown}' is not a {column.lower()} score.",
            "Enter a whole number from 1 (lowest) to 5 (highest).",
        )
    values = [str(v) for v in tables.LIST_VALUES[(sheet, column)]]
    extra = ""
    if (sheet, column) in _SYNONYMS:
        extra = f" ({', '.join(_SYNONYMS[(sheet, column)])} also work)"
    if column in tables.DIMENSIONS:
        extra = ": A is the most collaborative level, D the arm's-length one"
    return (
        f"'{shown}' is not a valid {column}.",
        f"{did_you_mean(shown, values)}Use one of {', '.join(values)}{extra}.",
    )


def _duplicates(typed: pd.DataFrame, spec: TableSpec, reporter: _Reporter) -> None:
    if not spec.keys or not all(k in typed.columns for k in spec.keys):
        return
    first: dict[tuple[str, ...], object] = {}
    for index, row in typed.iterrows():
        parts = [row[k] for k in spec.keys]
        if any(p is None for p in parts):
            continue
        slot = tuple(cells.key(p) for p in parts)
        if slot not in first:
            first[slot] = index
            continue
        what = " / ".join(f"{k} '{v}'" for k, v in zip(spec.keys, parts, strict=True))
        if spec.keys == (tables.RISK_ID,) or spec.keys == (tables.ISSUE_ID,):
            fix = f"Give each row its own {spec.keys[0]}."
        else:
            fix = "Keep one row for it and delete the other."
        reporter.add(
            index,
            spec.keys[-1],
            parts[-1],
            f"{what} appears more than once (first on row {_row_number(first[slot])}).",
            fix,
        )


def _cross_checks(typed: pd.DataFrame, raws: list[pd.Series], spec: TableSpec, reporter: _Reporter) -> None:
    """Rules between cells of one row; ``raws`` are the rows as given, aligned with ``typed``."""
    for (index, row), raw in zip(typed.iterrows(), raws, strict=True):
        if spec.sheet == tables.ISSUES_SHEET:
            raised, resolved, due = row.get(RAISED), row.get(RESOLVED), row.get(tables.DUE)
            if raised is not None and resolved is not None and resolved < raised:
                reporter.add(
                    index,
                    RESOLVED,
                    resolved,
                    f"Resolved ({resolved.isoformat()}) is before Raised ({raised.isoformat()}).",
                    "Correct the Resolved or the Raised date.",
                )
            if raised is not None and due is not None and due < raised:
                reporter.add(
                    index,
                    tables.DUE,
                    due,
                    f"Due ({due.isoformat()}) is before Raised ({raised.isoformat()}).",
                    "Correct the Due or the Raised date.",
                )
            status = row.get(STATUS)
            if status == RESOLVED_STATUS and cells.text(row.get(RESOLUTION)) is None:
                reporter.add(
                    index,
                    RESOLUTION,
                    None,
                    "The issue is Resolved but no Resolution is recorded.",
                    "Write down how it was resolved, so both firms can refer to it.",
                    WARNING,
                )
            if status == OPEN and resolved is not None:
                reporter.add(
                    index,
                    STATUS,
                    status,
                    "The issue has a Resolved date but its Status is Open.",
                    "Set Status to Resolved, or clear the Resolved date.",
                    WARNING,
                )
        elif spec.sheet == tables.RISKS_SHEET:
            rated = [not is_blank(raw.get(c)) for c in (LIKELIHOOD, IMPACT)]
            if rated[0] != rated[1]:
                missing = IMPACT if rated[0] else LIKELIHOOD
                reporter.add(
                    index,
                    missing,
                    None,
                    f"The risk has no {missing}, so it has no rating.",
                    f"Enter the {missing} as a whole number from 1 to 5.",
                    WARNING,
                )
        elif (
            spec.sheet == tables.EXITS_SHEET
            and row.get(STATUS) != tables.EXIT_STATUSES[-1]
            and cells.text(row.get(ACTION)) is None
        ):
            reporter.add(
                index,
                ACTION,
                None,
                "The exit trigger has no agreed Action.",
                "Write what the partners will do when the trigger occurs.",
                WARNING,
            )


def check_table(
    sheet: str,
    table: pd.DataFrame,
    *,
    file: str,
    customer_ids: Iterable[object] | None = None,
    letters: Mapping[str, str] | None = None,
) -> Checked:
    """Validate and type one relationship table (see the module docstring).

    ``sheet`` names the table (e.g. 'Risks'); ``table`` is indexed by Excel row numbers;
    ``customer_ids`` are the IDs of the Customers table (None: references are not checked);
    ``letters`` maps headers to column letters so problems carry a cell reference such as 'F7'.
    """
    spec = spec_for(sheet)
    reporter = _Reporter(file, spec.sheet, letters)
    source = canonical_columns(table, spec)
    for column in spec.required:
        if column not in source.columns:
            reporter.add(
                None,
                column,
                None,
                f"The {spec.sheet} table has no '{column}' column.",
                f"Add a column headed '{column}' to the {spec.sheet} table.",
            )
    known = {cells.text(c) for c in customer_ids} if customer_ids is not None else None
    rows: list[dict[str, object]] = []
    kept: list[object] = []
    raws: list[pd.Series] = []
    for index, raw in source.iterrows():
        if _unused(raw, spec):
            continue
        record: dict[str, object] = {}
        for column in spec.inputs:
            value = raw.get(column) if column in source.columns else None

            def report(
                message: str,
                fix: str,
                severity: str,
                column: str = column,
                value: object = value,
                index: object = index,
            ) -> None:
                reporter.add(index, column, value, message, fix, severity)

            typed = _read_cell(spec.sheet, column, value, report)
            record[column] = typed
            if column in spec.required and column in source.columns and is_blank(value):
                reporter.add(
                    index,
                    column,
                    None,
                    f"{column} is blank.",
                    f"Fill in {column}, or delete the row if it is not used.",
                )
            if column == CUSTOMER_ID and typed is not None and known is not None and typed not in known:
                reporter.add(
                    index,
                    column,
                    value,
                    f"Customer ID '{typed}' is not in the Customers table.",
                    f"{did_you_mean(typed, [k for k in known if k])}Use a Customer ID of the Customers "
                    "sheet, or add the customer there first.",
                )
        for column in source.columns:
            if column not in record:
                record[column] = raw[column]
        rows.append(record)
        kept.append(index)
        raws.append(raw)
    order = list(spec.inputs) + [c for c in source.columns if c not in spec.inputs]
    typed_table = cells.object_frame(rows, order, pd.Index(kept, name=table.index.name))
    for column in spec.inputs:
        if _kind(spec.sheet, column) == SCORE:
            typed_table[column] = typed_table[column].astype(float)
    _duplicates(typed_table, spec, reporter)
    _cross_checks(typed_table, raws, spec, reporter)
    return Checked(typed_table, reporter.problems)


def table_problems(
    sheet: str,
    table: pd.DataFrame,
    *,
    file: str,
    customer_ids: Iterable[object] | None = None,
    letters: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Every problem of one relationship table (errors and warnings)."""
    return check_table(sheet, table, file=file, customer_ids=customer_ids, letters=letters).problems


def check_relationship(
    found: Mapping[str, pd.DataFrame | None],
    *,
    file: str,
    customer_ids: Iterable[object] | None = None,
    letters: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Checked]:
    """``check_table`` for every relationship table present in ``found`` (sheet -> table); absent
    tables (missing keys or None) are skipped: a master without them is valid. Keys of the result
    are the canonical sheet names."""
    ids = list(customer_ids) if customer_ids is not None else None
    out: dict[str, Checked] = {}
    for sheet, table in found.items():
        if table is None:
            continue
        spec = spec_for(sheet)
        out[spec.sheet] = check_table(
            spec.sheet, table, file=file, customer_ids=ids, letters=(letters or {}).get(sheet)
        )
    return out
