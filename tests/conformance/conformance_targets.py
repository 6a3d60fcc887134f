"""What the conformance suite checks: targets (a sheet's computed cells and how cvm-xl computes
them) and the engines that recalculate the typed workbooks.

A target is data: its name, the kind of workbook and the sheet, the computed columns it covers and
a function that gives, from cvm-xl's own reading of the edited workbook (``books.read.read_book``:
the inputs as the core's cell parser reads them, every figure recomputed by ``core.evaluation``,
``core.passbook``, ``core.tracking``), the value each cell must show. Targets: the customer
workbook's Ideas (values; decisions), live Passbook, Cover, Sign-off and Monthly report; the live
master's Ideas (values; decisions). Adding a sheet that has become live is adding a ``Target`` to
``TARGETS`` and its (target, engine) pairs to ``CHECKED``; a pair that shows a divergence of the
formulas goes to ``LEFT_OUT`` with the finding (``CVM_CONFORMANCE_TARGETS=all`` runs those too).

Cells compare as ``tests/libreoffice.assert_cell`` does: money to the cent (0.005), texts exactly,
blank as blank (None or ""), dates by the day.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from gnumeric import load_values
from libreoffice import CENT, is_blank
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from typed_books import CUSTOMER_BOOK, MASTER, WAVE_START, TypedBook

from cvm_xl.books import layout as L
from cvm_xl.books.passbook import REALISED, passbook_with_realised
from cvm_xl.books.read import BookContent
from cvm_xl.core import columns as col
from cvm_xl.core.passbook import (
    LINE_CUSTOMER_VALUE,
    LINE_KINDS,
    LINE_SUPPLIER_VALUE,
    balances,
    equity_advice,
    equity_reading,
    in_passbook,
    passbook_lines,
)
from cvm_xl.core.tracking import (
    AMOUNTS,
    CONTRACT_COLUMNS,
    CUMULATIVE,
    CUSTOMER_PLANNED,
    CUSTOMER_REALISED,
    IDEA_FIELDS,
    MONTH_TABLE,
    SUPPLIER_PLANNED,
    SUPPLIER_REALISED,
    TRACKING_FIELDS,
    contract_years,
    month_end,
    month_index,
    month_table,
    relationship_months,
)
from cvm_xl.core.verdicts import GO_CODES
from cvm_xl.generate.sheets import tracking_report as MR


@dataclass(frozen=True)
class Expected:
    """One cell a target checks: where it is, which row of the typed rows it belongs to (None for
    a cell that sums several), its column's name and the value cvm-xl computes."""

    ref: str
    row: int | None
    column: str
    value: object


COVER_LABEL_COL = 5  # E: the Cover's figures, values beside them in F
SIGN_OFF_LETTER = {name: get_column_letter(i) for i, name in enumerate(L.SIGN_OFF_COLUMNS, start=1)}

# The inputs a row's computed cells depend on: what a mismatch report shows as typed.
DECIDING_INPUTS = (
    *col.VALUE_INPUTS,
    col.QUANTIFIED,
    col.GOOD_FAITH,
    col.ONE_OFF,
    col.SHARING_METHOD,
    col.SUPPLIER_SHARE,
)


@dataclass(frozen=True)
class Target:
    """Computed cells of one sheet of one kind of workbook, and the values cvm-xl gives them."""

    name: str
    kind: str  # typed_books.CUSTOMER_BOOK or MASTER
    sheet: str
    columns: tuple[str, ...]
    expected: Callable[[BookContent, TypedBook, Sequence[str]], Iterator[Expected]]
    note: str
    inputs: tuple[str, ...] = DECIDING_INPUTS
    every_row: bool = True  # each typed row has cells of its own (not only totals or a selection)


def ideas_cells(content: BookContent, book: TypedBook, columns: Sequence[str]) -> Iterator[Expected]:
    """The computed Ideas cells of every idea row (SPEC §4 Ideas, computed columns), from
    ``evaluate_ideas`` of the inputs read (its index is the Excel row)."""
    evaluated = content.evaluated
    for name in columns:
        letter = book.letters[name]
        for row, value in evaluated[name].items():
            yield Expected(f"{letter}{row}", int(row), name, value)  # type: ignore[call-overload]


def passbook_cells(content: BookContent, book: TypedBook, columns: Sequence[str]) -> Iterator[Expected]:
    """The live Passbook of a customer workbook (SPEC §3.6), from ``core.passbook`` over the
    evaluated ideas and the tracking rows read: three lines per idea in the Ideas sheet's order, each
    with the "In passbook" flag of the idea's Status, the amount, how it moves each firm's balance
    (nothing while the idea is out), the value realised so far; then the balances block."""
    shared, tracking = content.shared, content.tracking
    settings = content.settings
    # Every idea's three lines as if it were in the passbook (amounts, realised), then the moves
    # kept only where its Status puts it there.
    all_in = shared.assign(**{col.STATUS: col.PASSBOOK_STATUSES[0]})
    lines = passbook_with_realised(all_in, tracking)
    letter = L.PASSBOOK_LETTER
    realised = get_column_letter(L.PASSBOOK_REALISED_COL)
    kinds = len(LINE_KINDS)
    for i, (excel_row, status) in enumerate(shared[col.STATUS].items()):
        entered = in_passbook(status)
        for k in range(kinds):
            line = lines.iloc[i * kinds + k]
            r = L.PASSBOOK_FIRST_ROW + i * kinds + k
            row = int(excel_row)  # type: ignore[call-overload]
            flag = L.IN_PASSBOOK_YES if entered else L.IN_PASSBOOK_NO
            yield Expected(f"{letter[L.IN_PASSBOOK]}{r}", row, L.IN_PASSBOOK, flag)
            yield Expected(f"{letter['Amount']}{r}", row, "Amount", line["Amount"])
            for side in ("Supplier", "Customer"):
                yield Expected(f"{letter[side]}{r}", row, side, line[side] if entered else 0.0)
            yield Expected(f"{realised}{r}", row, "Realised to date", line[REALISED])
    b = balances(passbook_lines(shared), settings.target_supplier_share)
    in_lines = passbook_with_realised(shared, tracking)
    so_far = in_lines.groupby("Line")[REALISED].sum()
    rows, v = L.BALANCE_ROWS, L.BALANCE_VALUE_COL
    figures = {
        "supplier": b.supplier,
        "customer": b.customer,
        "total": b.total,
        "target": b.target_supplier_share,
        "share": b.supplier_share,
        "gap": b.equity_gap,
        "reading": equity_reading(b.equity_gap),
    }
    for key, value in figures.items():
        yield Expected(f"{v}{rows[key]}", None, f"Balance: {key}", value)
    after = rows["reading"]
    yield Expected(f"{v}{after + 1}", None, "Customer share", b.customer / b.total if b.total else None)
    for offset, kind in ((2, LINE_SUPPLIER_VALUE), (3, LINE_CUSTOMER_VALUE)):
        yield Expected(f"{v}{after + offset}", None, f"{kind} realised", float(so_far.get(kind, 0.0)))
    customer = content.customers.get(content.customer_id or "") or ""
    advice = equity_advice(b, settings.supplier, customer)
    yield Expected(f"{L.BALANCE_LABEL_COL}{after + 6}", None, "Advice", advice)


def _labelled(path: Path, sheet: str, label_col: int) -> dict[str, str]:
    """Label -> the reference of the cell beside it (a sheet's figures block): the labels are text
    constants, read from the typed workbook."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        ws = wb[sheet]
        rows = ws.iter_rows(min_row=1, min_col=label_col, max_col=label_col, max_row=200, values_only=True)
        value_col = get_column_letter(label_col + 1)
        return {row[0]: f"{value_col}{r}" for r, row in enumerate(rows, start=1) if isinstance(row[0], str)}
    finally:
        wb.close()


def _amount(values: pd.Series) -> float:
    """A column's sum as SUM/SUMIFS give it: blank (unquantified) values count as 0."""
    return float(np.nan_to_num(values.to_numpy(dtype=float), nan=0.0).sum())


def cover_cells(content: BookContent, book: TypedBook, columns: Sequence[str]) -> Iterator[Expected]:
    """The live figures of a customer workbook's Cover (SPEC §7), from the core: counts of the
    ideas, of Go ideas, of the ideas on the sign-off and in the passbook, the value of the Go ideas
    and the passbook's balances, gap and reading."""
    shared = content.shared
    where = _labelled(book.path, L.COVER, COVER_LABEL_COL)
    go = shared[shared[col.VERDICT_CODE].isin(GO_CODES)]
    b = balances(passbook_lines(shared), content.settings.target_supplier_share)
    customer_id = content.customer_id or ""
    figures: dict[str, object] = {
        "Ideas in this workbook": len(shared),
        "Go ideas": len(go),
        "Ideas for sign-off": len(content.signed_ids.get(customer_id, ())),
        "Ideas in the passbook": int(shared[col.STATUS].map(in_passbook).sum()),
        "Supplier value of Go ideas": _amount(go[col.SUPPLIER_VALUE]),
        "Customer value of Go ideas": _amount(go[col.CUSTOMER_VALUE]),
        "Net value of Go ideas": _amount(go[col.NET_VALUE]),
        "Passbook: supplier balance": b.supplier,
        "Passbook: customer balance": b.customer,
        "Passbook: equity gap": b.equity_gap,
        "Passbook: reading": equity_reading(b.equity_gap),
    }
    assert set(figures) <= set(where), f"{book.path.name} Cover lacks {sorted(set(figures) - set(where))}"
    for label, value in figures.items():
        yield Expected(where[label], None, label, value)


# The Monthly report's places (generate/sheets/tracking_report.py): the month table, the value to
# date (one row per firm), "Reported up to", the guarantee and the contract years.
MONTHS_FIRST_ROW, CONTRACT_FIRST_COL = MR.FIRST_ROW, MR.CONTRACT_COL
FIGURE_ROWS = (MR.FIGURES_ROW + 2, MR.FIGURES_ROW + 3)
REPORTED_REF, GUARANTEE_REF = MR.REPORTED_CELL.replace("$", ""), MR.GUARANTEE_CELL.replace("$", "")
MONTH_LETTER = {name: get_column_letter(i) for i, name in enumerate(MONTH_TABLE, start=1)}
CONTRACT_SHOWN = CONTRACT_COLUMNS[
    2:
]  # Year, From, To, Value guarantee, planned, Delivered, Shortfall, Status


def _listed(path: Path) -> tuple[list[int], object]:
    """The months the Monthly report lists (fixed at generation, as month indexes) and the Value
    guarantee it shows (a number written at generation, or blank)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        ws = wb[MR.SHEET]
        months: list[int] = []
        for (value,) in ws.iter_rows(min_row=MONTHS_FIRST_ROW, min_col=1, max_col=1, values_only=True):
            if not isinstance(value, dt.date):
                break
            months.append(month_index(value if type(value) is dt.date else value.date()))
        return months, ws[GUARANTEE_REF].value
    finally:
        wb.close()


def _columns(frame: pd.DataFrame, names: Sequence[str]) -> dict[str, list[object]]:
    return {name: frame[name].tolist() if name in frame.columns else [None] * len(frame) for name in names}


def monthly_report_cells(content: BookContent, book: TypedBook, columns: Sequence[str]) -> Iterator[Expected]:
    """The live Monthly report of a customer workbook (SPEC §3.6, ``core.tracking``) over the months
    it lists: each firm's planned value per month (the Ideas' Status, Start and amounts), the
    realised value per month up to the last month the Tracking rows report (blank after it), the
    running totals, the column totals, the value to date, "Reported up to" and the contract years
    (guarantee, planned, delivered, shortfall, status) shown up to the last year with a figure."""
    listed, guarantee = _listed(book.path)
    assert listed, f"{book.path.name}: the Monthly report lists no month"
    planned, realised = relationship_months(
        _columns(content.ideas, IDEA_FIELDS), _columns(content.tracking, TRACKING_FIELDS),
        content.settings.horizon_years,
    )  # fmt: skip
    first, last = listed[0], listed[-1]
    assert listed == list(range(first, last + 1))
    # The sheet sees the listed months only: what lies outside them is no figure of its own.
    planned = {m: v for m, v in planned.items() if first <= m <= last}
    realised = {m: v for m, v in realised.items() if first <= m <= last}
    table = month_table(planned, realised, first, last)
    for i in range(len(listed)):
        r = MONTHS_FIRST_ROW + i
        for name in MONTH_TABLE[1:]:
            yield Expected(f"{MONTH_LETTER[name]}{r}", None, name, table[name][i])
    total_row = MONTHS_FIRST_ROW + len(listed)
    for name in AMOUNTS:
        yield Expected(
            f"{MONTH_LETTER[name]}{total_row}", None, f"Total {name}", _amount(pd.Series(table[name]))
        )
    stop = max(realised, default=None)
    reported_to = None if stop is None else month_end(stop)
    yield Expected(REPORTED_REF, None, "Reported up to", reported_to)
    for k, (plan, done) in enumerate(
        ((SUPPLIER_PLANNED, SUPPLIER_REALISED), (CUSTOMER_PLANNED, CUSTOMER_REALISED))
    ):
        to_date = 0.0 if stop is None else table[CUMULATIVE[plan]][stop - first]
        so_far = _amount(pd.Series(table[done]))
        r = FIGURE_ROWS[k]
        yield Expected(f"C{r}", None, f"Planned to date {plan}", to_date)
        yield Expected(f"D{r}", None, f"Realised to date {done}", so_far)
        yield Expected(f"E{r}", None, f"Difference {done}", so_far - to_date)
    wave = WAVE_START  # every typed customer's (typed_books)
    value = math.nan if is_blank(guarantee) else float(guarantee)  # type: ignore[arg-type]
    years = contract_years("", "", month_index(wave), planned, realised, value, reported_to)
    rows = 1 + (last - month_index(wave)) // 12  # the sheet's rows: the contract years of the listed months
    for i in range(rows):
        shown = dict(zip(CONTRACT_COLUMNS, years[i], strict=True)) if i < len(years) else {}
        for k, name in enumerate(CONTRACT_SHOWN):
            ref = f"{get_column_letter(CONTRACT_FIRST_COL + k)}{MONTHS_FIRST_ROW + i}"
            yield Expected(ref, None, f"Contract year {i + 1} {name}", shown.get(name, ""))
    for k, name in ((3, "Value guarantee"), (4, CUSTOMER_PLANNED), (5, "Delivered"), (6, "Shortfall")):
        ref = f"{get_column_letter(CONTRACT_FIRST_COL + k)}{MONTHS_FIRST_ROW + rows}"
        total = _amount(pd.Series([row[CONTRACT_COLUMNS.index(name)] for row in years], dtype=float))
        yield Expected(ref, None, f"Contract total {name}", total)


SIGN_OFF_TOTALS = (
    col.SUPPLIER_VALUE,
    col.CUSTOMER_VALUE,
    col.NET_VALUE,
    col.TRANSFER,
    col.SUPPLIER_FINAL,
    col.CUSTOMER_FINAL,
)


def sign_off_cells(content: BookContent, book: TypedBook, columns: Sequence[str]) -> Iterator[Expected]:
    """The ideas listed on a customer workbook's Sign-off (those ranked at generation, SPEC §3.7):
    each one's figures as the Ideas sheet now computes them and its "In passbook" flag, then the
    totals of all of them and of those in the passbook now."""
    shared = content.decided  # as signed: a chain idea by its chain verdict and split (issue 16)
    by_id = shared.set_index(shared[col.IDEA_ID].map(lambda v: str(v).strip()), drop=False)
    signed = list(content.signed_ids.get(content.customer_id or "", ()))
    assert signed, f"{book.path.name}: no idea on the Sign-off sheet (the placeholders are ready for it)"
    heads = SIGN_OFF_LETTER
    layout = L.SignOffLayout(content.settings.max_sign_off_ideas)
    entered = [i for i in signed if in_passbook(by_id.at[i, col.STATUS])]
    for k, idea in enumerate(signed):
        r = L.SIGN_OFF_FIRST_ROW + k
        row = int(by_id.index.get_loc(idea)) + book.first_row  # type: ignore[arg-type]
        for name in SIGN_OFF_TOTALS:
            yield Expected(f"{heads[name]}{r}", row, name, by_id.at[idea, name])
        flag = L.IN_PASSBOOK_YES if idea in entered else L.IN_PASSBOOK_NO
        yield Expected(f"{heads[L.IN_PASSBOOK]}{r}", row, L.IN_PASSBOOK, flag)
    for name in SIGN_OFF_TOTALS:
        all_listed, now = _amount(by_id.loc[signed, name]), _amount(by_id.loc[entered, name])
        yield Expected(f"{heads[name]}{layout.total_row}", None, f"Total {name}", all_listed)
        yield Expected(f"{heads[name]}{layout.live_total_row}", None, f"In the passbook {name}", now)


VALUE_COLUMNS = (
    col.SUPPLIER_VALUE,
    col.CUSTOMER_VALUE,
    col.SUPPLIER_OUTCOME,
    col.CUSTOMER_OUTCOME,
    col.CELL,
    col.NET_VALUE,
    col.BAND,
)
DECISION_COLUMNS = (
    col.VERDICT,
    col.VERDICT_CODE,
    col.SPLIT_METHOD,
    col.TRANSFER,
    col.SUPPLIER_FINAL,
    col.CUSTOMER_FINAL,
)
IDEAS_VALUES = Target(
    "ideas-values",
    CUSTOMER_BOOK,
    L.IDEAS,
    VALUE_COLUMNS,
    ideas_cells,
    "customer workbook, Ideas: values over the horizon, outcomes, cell, net, band (SPEC §3.1-3.3)",
)
IDEAS_DECISIONS = Target(
    "ideas-decisions",
    CUSTOMER_BOOK,
    L.IDEAS,
    DECISION_COLUMNS,
    ideas_cells,
    "customer workbook, Ideas: verdict, split method, transfer, finals (SPEC §3.4-3.5)",
)
MASTER_VALUES = Target(
    "master-values",
    MASTER,
    L.IDEAS,
    VALUE_COLUMNS,
    ideas_cells,
    "live master (write_master / cvm-xl refresh), Ideas: values, outcomes, cell, net, band",
)
MASTER_DECISIONS = Target(
    "master-decisions",
    MASTER,
    L.IDEAS,
    DECISION_COLUMNS,
    ideas_cells,
    "live master (write_master / cvm-xl refresh), Ideas: verdict, split method, transfer, finals",
)
PASSBOOK = Target(
    "passbook",
    CUSTOMER_BOOK,
    L.PASSBOOK,
    (L.IN_PASSBOOK, "Amount", "Supplier", "Customer", "Realised to date", "Balances"),
    passbook_cells,
    "customer workbook, live Passbook: flags, amounts, moves, realised, balances, gap, advice (SPEC §3.6)",
    (*DECIDING_INPUTS, col.STATUS),
)
COVER = Target(
    "cover",
    CUSTOMER_BOOK,
    L.COVER,
    ("Figures",),
    cover_cells,
    "customer workbook, Cover: live counts, value of the Go ideas, passbook balances (SPEC §7)",
    (*DECIDING_INPUTS, col.STATUS),
    every_row=False,
)
SIGN_OFF = Target(
    "sign-off",
    CUSTOMER_BOOK,
    L.SIGN_OFF,
    (*SIGN_OFF_TOTALS, L.IN_PASSBOOK),
    sign_off_cells,
    "customer workbook, Sign-off: listed ideas' figures and flags, totals, in-passbook totals (SPEC §7)",
    (*DECIDING_INPUTS, col.STATUS),
    every_row=False,
)
MONTHLY_REPORT = Target(
    "monthly-report",
    CUSTOMER_BOOK,
    MR.SHEET,
    ("Planned", "Realised", "Running totals", "Value to date", "Contract years"),
    monthly_report_cells,
    "customer workbook, live Monthly report: planned and realised per month, running totals, value to "
    "date, contract years (SPEC §3.6, core.tracking)",
    (col.STATUS, col.START, *col.VALUE_INPUTS),
    every_row=False,
)
TARGETS: dict[str, Target] = {
    t.name: t
    for t in (IDEAS_VALUES, IDEAS_DECISIONS, MASTER_VALUES, MASTER_DECISIONS, PASSBOOK, COVER, SIGN_OFF,
              MONTHLY_REPORT)
}  # fmt: skip

LIBREOFFICE, GNUMERIC = "LibreOffice", "Gnumeric"
ENGINES = (LIBREOFFICE, GNUMERIC)

# (target, engine) pairs the suite holds to zero mismatches: every target on every engine. A pair that
# shows a real divergence of the workbook formulas goes to LEFT_OUT (pair -> the finding) until the
# formulas are fixed. Fixed so far (issue 12, tests/gnumeric.py): Gnumeric's reading of array
# constants (the formulas compare with each spelling in turn), the master's settings (resolved once
# into cells of its Lists sheet) and TRIM/CLEAN of a range (the Monthly report's array formulas).
CHECKED: tuple[tuple[str, str], ...] = tuple((target, engine) for target in TARGETS for engine in ENGINES)
LEFT_OUT: dict[tuple[str, str], str] = {}
# The counts of the pairs that ran and the seed, printed at the end of the run (conftest.py).
REPORT: list[str] = []
ALL = "all"  # CVM_CONFORMANCE_TARGETS=all also runs the LEFT_OUT pairs (to see whether they pass yet)


def pairs() -> list[tuple[str, str]]:
    """The (target, engine) pairs to run: ``CHECKED``, or every pair with CVM_CONFORMANCE_TARGETS=all."""
    if os.environ.get("CVM_CONFORMANCE_TARGETS", "").strip().lower() == ALL:
        return [*CHECKED, *LEFT_OUT]
    return list(CHECKED)


# --- comparing ---


def same(actual: object, expected: object) -> bool:
    """Whether an engine's cell equals cvm-xl's value (``libreoffice.assert_cell``'s rules)."""
    if is_blank(expected):
        return is_blank(actual)
    if isinstance(expected, str):
        return actual == expected
    if isinstance(expected, dt.date):  # a date cell: openpyxl reads it as a datetime (or a serial)
        if isinstance(actual, dt.datetime):
            return actual.date() == expected
        return isinstance(actual, int | float) and from_excel(actual).date() == expected
    if isinstance(actual, bool) or not isinstance(actual, int | float):
        return False
    return math.isfinite(float(actual)) and abs(actual - float(expected)) < CENT  # type: ignore[arg-type]


def _plain(value: object) -> object:
    """numpy scalars as Python ones, for a readable report."""
    return value.item() if isinstance(value, np.generic) else value


@dataclass(frozen=True)
class Mismatch:
    book: str
    ref: str
    column: str
    expected: object
    got: object
    typed: str  # the typed inputs of the row, as spelled

    def __str__(self) -> str:
        got = f"expected {_plain(self.expected)!r}, got {_plain(self.got)!r}"
        return f"{self.book} {self.ref} ({self.column}): {got}; {self.typed}"


@dataclass
class Tally:
    """The outcome of one (target, engine) pair over every typed workbook."""

    target: str
    engine: str
    books: int = 0
    rows: int = 0  # the rows typed into the workbooks checked (every one feeds the target's cells)
    rows_shown: set[tuple[str, int]] = field(default_factory=set)  # rows with a cell of their own
    cells: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.target} x {self.engine}: {self.books} workbooks, {self.rows:,} rows, "
            f"{self.cells:,} cells, {len(self.mismatches)} mismatches"
        )


def typed_inputs(book: TypedBook, row: int | None, columns: Sequence[str]) -> str:
    """The spellings typed into a row (the inputs the target's columns read), for a report."""
    if row is None:
        return "(a total over several rows)"
    typed = book.row_of(row)
    shown = ", ".join(f"{name}={typed[name].spelling}" for name in columns if name in typed)
    return f"typed {shown}; settings {book.settings}"


def sheet_values(path: Path, sheet: str) -> dict[str, object]:
    """Every cell value of one sheet of a recalculated workbook, by reference ('T4')."""
    wb = load_values(path, read_only=True)  # a file of either engine (Gnumeric's without default style)
    try:
        ws = wb[sheet]
        # From A1 explicitly: a read-only sheet otherwise starts at its stored dimension.
        rows = ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column, values_only=True)
        return {
            f"{get_column_letter(c)}{r}": value
            for r, row in enumerate(rows, start=1)
            for c, value in enumerate(row, start=1)
            if value is not None
        }
    finally:
        wb.close()


def applies(target: Target, book: TypedBook) -> bool:
    """Whether a typed workbook has the target's sheet (workbooks of many rows have only some)."""
    return book.kind == target.kind and target.sheet in book.sheets


def compare(
    target: Target,
    engine: str,
    books: Sequence[TypedBook],
    contents: Mapping[Path, BookContent],
    recalculated: Mapping[Path, Path],
) -> Tally:
    """Every cell of ``target`` in every book, as ``engine`` computed it, against cvm-xl."""
    tally = Tally(target.name, engine)
    for book in (b for b in books if applies(target, b)):
        values = sheet_values(recalculated[book.path], target.sheet)
        tally.books += 1
        tally.rows += len(book.rows)
        for cell in target.expected(contents[book.path], book, target.columns):
            tally.cells += 1
            if cell.row is not None:
                tally.rows_shown.add((book.path.name, cell.row))
            got = values.get(cell.ref)
            if not same(got, cell.value):
                where = f"{target.sheet}!{cell.ref}"
                typed = typed_inputs(book, cell.row, target.inputs)
                tally.mismatches.append(Mismatch(book.path.name, where, cell.column, cell.value, got, typed))
    return tally
