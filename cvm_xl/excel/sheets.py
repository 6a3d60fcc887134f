"""What the macros write into the master workbook, as plain 2-D blocks of values (no Excel here).

Each sheet starts with a title row and a line saying what it shows; tables start at
``TABLE_ROW`` with their header row. The macros put these blocks on a ``Book``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from cvm_xl.books.passbook import BookReconciliation
from cvm_xl.core import columns as col
from cvm_xl.core.cells import shown
from cvm_xl.core.portfolio_map import CUSTOMER_ROWS, OUTCOME_NAMES, SUPPLIER_COLUMNS, map_grid, portfolio_map
from cvm_xl.core.problems import Problem
from cvm_xl.core.reconcile import DIFFERS, MISSING_IN_A, MISSING_IN_B, Difference
from cvm_xl.core.spellings import plural
from cvm_xl.generate.batch import BookResult
from cvm_xl.master.model import Master
from cvm_xl.workshop.synthesis import SynthesisReport, report_frame

PROBLEMS_SHEET = "Problems"
MAP_SHEET = "Map"
GENERATED_SHEET = "Generated"
SYNTHESIS_SHEET = "Synthesis"
RECONCILIATION_SHEET = "Reconciliation"

TABLE_ROW = 4  # header row of the table on every sheet the macros write
Block = list[list[object]]

PROBLEM_HEADERS = ("Severity", "Where", "Column", "Value", "What is wrong", "What to do", "File")
GENERATED_HEADERS = (
    col.CUSTOMER_ID, "Customer", "File", "Ideas", "Sign-off ideas", "Fingerprint", "Result", "Message",
)  # fmt: skip
RECONCILIATION_HEADERS = (
    col.IDEA_ID, col.TITLE, "Line", "Result", "Amount in A", "Amount in B", "Difference (B - A)",
)  # fmt: skip
KIND_WORDS = {MISSING_IN_A: "only in B", MISSING_IN_B: "only in A", DIFFERS: "differs"}


def _stamp(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M")


def _sheet(title: str, line: str, table: Block) -> Block:
    return [[title], [line], [], *table]


# --- Problems -------------------------------------------------------------------------------------------


def problem_rows(problems: Sequence[Problem]) -> Block:
    """One row per problem, errors first, in the columns of ``PROBLEM_HEADERS``."""
    ordered = [p for p in problems if p.is_error] + [p for p in problems if not p.is_error]
    return [
        [
            "Error" if p.is_error else "Warning",
            p.where,
            p.column,
            None if p.value is None else shown(p.value),
            p.message,
            p.fix or None,
            p.file,
        ]
        for p in ordered
    ]


def problems_summary(problems: Sequence[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if errors:
        found = plural(errors, "error") + (f" and {plural(warnings, 'warning')}" if warnings else "")
        return f"{found}. Fix the errors, then run the macro again."
    if warnings:
        return f"No errors, {plural(warnings, 'warning')}."
    return "No problems."


def problems_sheet(macro: str, problems: Sequence[Problem], when: dt.datetime) -> Block:
    """The Problems sheet after ``macro`` ran: every problem to the cell, with what to do."""
    line = f"{macro}, {_stamp(when)}: {problems_summary(problems)}"
    return _sheet("Problems", line, [list(PROBLEM_HEADERS), *problem_rows(problems)])


# --- Map ------------------------------------------------------------------------------------------------

MAP_SECTION_ROW = TABLE_ROW  # title of the first section (all customers)
MAP_SECTION_HEIGHT = 6  # title, grid header, three grid rows, a blank row
MAP_COUNT_COLUMN = 2  # the ideas grid's first value column (B); its labels are in A
MAP_NET_COLUMN = 7  # the net value grid's first value column (G); its labels are in F
MAP_CHART_COLUMN = 11  # the chart's data (Cell | Net value), column K
IDEAS_CORNER = "Ideas: customer \\ supplier"
NET_CORNER = "Net value: customer \\ supplier"


@dataclass(frozen=True)
class MapSheet:
    """The Map sheet's values, and the chart over its (Cell, Net value) table."""

    rows: Block
    chart_data: tuple[int, int, int, int]  # first row, first column, last row, last column
    chart_anchor: tuple[int, int]


def _section(title: str, evaluated: pd.DataFrame) -> Block:
    cells = portfolio_map(evaluated)
    counts, nets = map_grid(cells, "ideas"), map_grid(cells, "net_value")
    across = [OUTCOME_NAMES[s] for s in SUPPLIER_COLUMNS]
    ideas = sum(c.ideas for c in cells.values())
    net = sum(c.net_value for c in cells.values())
    block: Block = [[f"{title}: {plural(ideas, 'idea')} on the map, net value {net:,.0f}"]]
    block.append([IDEAS_CORNER, *across, None, NET_CORNER, *across])
    for outcome, count_row, net_row in zip(CUSTOMER_ROWS, counts, nets, strict=True):
        block.append([OUTCOME_NAMES[outcome], *count_row, None, OUTCOME_NAMES[outcome], *net_row])
    block.append([])
    return block


def map_sheet(master: Master, when: dt.datetime) -> MapSheet:
    """The 3x3 Idea Portfolio Map of all customers, then of each customer (Figure-III layout: the
    customer's outcome down, Win at the top; the supplier's across, Lose at the left)."""
    evaluated = master.evaluated
    s = master.settings
    line = (
        f"{s.supplier}: ideas and net value ({s.currency}) per map cell, from the Ideas sheet on "
        f"{_stamp(when)}. Ideas that are not quantified have no cell."
    )
    rows: Block = [["Idea Portfolio Map"], [line], []]
    rows += _section("All customers", evaluated)
    ids = evaluated[col.CUSTOMER_ID].astype(object).where(evaluated[col.CUSTOMER_ID].notna(), None)
    names = dict(zip(master.customers[col.CUSTOMER_ID], master.customers["Customer"], strict=True))
    for cid in dict.fromkeys([*master.customers[col.CUSTOMER_ID], *ids.dropna()]):
        title = f"{cid} {names[cid]}" if names.get(cid) else str(cid)
        rows += _section(title, evaluated[ids == cid])
    cells = portfolio_map(evaluated)
    chart_rows: Block = [["Cell", f"Net value ({s.currency})"], *([c, cells[c].net_value] for c in cells)]
    first = MAP_SECTION_ROW
    rows += [[] for _ in range(first - 1 + len(chart_rows) - len(rows))]
    for offset, values in enumerate(chart_rows):
        row = rows[first - 1 + offset]
        row += [None] * (MAP_CHART_COLUMN - 1 - len(row))
        row += values
    last = first + len(chart_rows) - 1
    chart = (first, MAP_CHART_COLUMN, last, MAP_CHART_COLUMN + 1)
    return MapSheet(rows, chart, (last + 2, MAP_CHART_COLUMN))


# --- Results of the other macros -------------------------------------------------------------------------


def generated_sheet(results: Sequence[BookResult], out_dir: str, when: dt.datetime) -> Block:
    """One row per customer workbook: where it went and what happened to it."""
    written = sum(r.ok for r in results)
    line = f"{written} of {plural(len(results), 'customer workbook')} written to {out_dir} on {_stamp(when)}."
    table: Block = [
        [
            r.customer_id,
            r.customer,
            r.path.name,
            r.ideas,
            r.sign_off,
            r.fingerprint,
            r.status,
            r.message or None,
        ]
        for r in results
    ]
    return _sheet("Customer workbooks", line, [list(GENERATED_HEADERS), *table])


def synthesis_sheet(report: SynthesisReport, when: dt.datetime) -> Block:
    """The synthesis report: one row per mother idea and per singleton."""
    frame = report_frame(report)
    line = (
        f"Similarity threshold {report.threshold:.0%}, {_stamp(when)}: "
        f"{plural(len(report.groups), 'mother idea')} ({len(report.new_groups)} new), "
        f"{plural(len(report.singletons), 'singleton')}, {plural(report.filled, 'raw idea')} assigned now."
    )
    table = [list(frame.columns), *(list(r) for r in frame.itertuples(index=False))]
    return _sheet("Synthesis of raw ideas", line, table)


def _difference_row(d: Difference, titles: dict[str, str]) -> list[object]:
    what = KIND_WORDS.get(d.kind, d.kind)
    return [d.idea_id, titles.get(d.idea_id) or None, d.line, what, d.amount_a, d.amount_b, d.delta]


def reconciliation_sheet(
    result: BookReconciliation, book_a: str, book_b: str, tolerance: float, when: dt.datetime
) -> Block:
    """Every passbook line missing on one side or differing by more than the tolerance."""
    n = len(result.differences)
    verdict = "the passbooks agree" if not n else f"{plural(n, 'line')} differ"
    what = "planned and realised lines" if result.realised else "planned lines"
    line = (
        f"A: {book_a}; B: {book_b}; {what} of {', '.join(result.customers)}; tolerance {tolerance:g}; "
        f"{_stamp(when)}: {verdict}."
    )
    table: Block = [_difference_row(d, result.titles) for d in result.differences]
    return _sheet("Passbook reconciliation", line, [list(RECONCILIATION_HEADERS), *table])
