"""The Actions sheet of a customer workbook (issue 14: implementation tracking).

The customer's actions, one row each, as the master lists them (actions of out-of-bounds ideas are
never here), and the day the sheet reports on in an As-of cell, pre-filled with the as-of date of
the run. The customer ticks an action off by typing the day it was done into Done (any other
mark counts too); Status (Done / Overdue / Open) and Days overdue follow as native formulas
(``core.actions.EXCEL_ACTION_STATE`` and ``EXCEL_DAYS_OVERDUE``, the worksheet twins of
``core.actions.action_status``), and so does the summary per idea beside the table: actions,
done, % done and overdue (COUNTIFS over the table). Classic functions only (SPEC §7). Cached
values are cvm-xl's (``core.actions``) for the as-of date.
"""

from __future__ import annotations

import pandas as pd
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core.actions import (
    ACTION,
    ACTION_ID,
    ACTIONS_DONE,
    ACTIONS_TOTAL,
    DAYS_OVERDUE,
    DONE,
    DUE,
    EXCEL_ACTION_STATE,
    EXCEL_DAYS_OVERDUE,
    OVERDUE,
    PERCENT_DONE,
    STATE_OVERDUE,
    idea_progress,
)
from cvm_xl.generate.model import CustomerData
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets.common import RenderContext, SheetBuilder, page_setup, protect
from cvm_xl.generate.sheets.table_sheet import (
    header,
    number_range,
    plan,
    setup_table,
    table_ref,
    validation,
    write_rows,
)
from cvm_xl.spreadsheet.xmltext import letter

NAME = "Actions"
TABLE = "ActionsTable"
AS_OF_ROW, AS_OF_LABEL_COL, AS_OF_COL = 3, 1, 2
AS_OF = f"${letter(AS_OF_COL)}${AS_OF_ROW}"  # the As-of cell every formula reads
HEADER_ROW, FIRST_ROW = 5, 6

COLUMNS: tuple[L.Column, ...] = (
    L.Column(ACTION_ID, 11, "fixed.text"),
    L.Column(col.IDEA_ID, 10, "fixed.text"),
    L.Column(col.TITLE, 34, "fixed.text.wrap"),
    L.Column(ACTION, 40, "fixed.text.wrap"),
    L.Column(col.OWNER_FIRM, 11, "fixed.center"),
    L.Column(col.OWNER, 18, "fixed.text"),
    L.Column(DUE, 11.5, "fixed.date"),
    L.Column(DONE, 11.5, "in.date"),
    L.Column(col.STATUS, 10, "calc.center", computed=True),
    L.Column(DAYS_OVERDUE, 10, "calc.count", computed=True),
)
LETTER = {c.name: letter(i) for i, c in enumerate(COLUMNS, start=1)}
# The summary per idea, one column right of the table.
SUMMARY_FIRST_COL = len(COLUMNS) + 2
SUMMARY: tuple[L.Column, ...] = (
    L.Column(col.IDEA_ID, 10, "fixed.text"),
    L.Column(col.TITLE, 30, "fixed.text.wrap"),
    L.Column(ACTIONS_TOTAL, 9, "calc.count", computed=True),
    L.Column(ACTIONS_DONE, 9, "calc.count", computed=True),
    L.Column(PERCENT_DONE, 9, "calc.share", computed=True),
    L.Column(OVERDUE, 9, "calc.count", computed=True),
)
SUMMARY_LETTER = {c.name: letter(i) for i, c in enumerate(SUMMARY, start=SUMMARY_FIRST_COL)}


def row_formulas() -> dict[str, str]:
    """The computed columns' formulas with ``{r}`` for the row (``table_sheet.plan`` templates)."""
    x = LETTER
    state = EXCEL_ACTION_STATE.format(done=f"{x[DONE]}{{r}}", due=f"{x[DUE]}{{r}}", as_of=AS_OF)
    days = EXCEL_DAYS_OVERDUE.format(state=f"{x[col.STATUS]}{{r}}", due=f"{x[DUE]}{{r}}", as_of=AS_OF)
    return {col.STATUS: state, DAYS_OVERDUE: days}


def summary_formulas(row: int, last: int) -> dict[str, str]:
    """The summary row ``row``'s formulas over the table rows up to ``last``."""
    ids = f"${LETTER[col.IDEA_ID]}${FIRST_ROW}:${LETTER[col.IDEA_ID]}${last}"
    states = f"${LETTER[col.STATUS]}${FIRST_ROW}:${LETTER[col.STATUS]}${last}"
    s = SUMMARY_LETTER
    idea, total, done = f"{s[col.IDEA_ID]}{row}", f"{s[ACTIONS_TOTAL]}{row}", f"{s[ACTIONS_DONE]}{row}"
    return {
        ACTIONS_TOTAL: f"COUNTIFS({ids},{idea})",
        ACTIONS_DONE: f'COUNTIFS({ids},{idea},{states},"Done")',
        PERCENT_DONE: f'IF({total}=0,"",{done}/{total})',
        OVERDUE: f'COUNTIFS({ids},{idea},{states},"{STATE_OVERDUE}")',
    }


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    setup_table(ws, COLUMNS, TABLE, header_row=HEADER_ROW)
    for c in SUMMARY:
        ws.column_dimensions[SUMMARY_LETTER[c.name]].width = c.width
    ws.column_dimensions[letter(SUMMARY_FIRST_COL - 1)].width = 3
    ws.freeze_panes = f"A{FIRST_ROW}"
    # A day is what is meant, but any other mark (an x) counts as done too: the check informs only.
    meant = "The day the action was done, e.g. 2026-11-30 (any other mark counts as done too)."
    validation(ws, LETTER[DONE], number_range("date", "1", None, meant), FIRST_ROW)
    overdue = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
    status = LETTER[col.STATUS]
    rule = FormulaRule(formula=[f'${status}{FIRST_ROW}="{STATE_OVERDUE}"'], fill=overdue)
    ws.conditional_formatting.add(f"{status}{FIRST_ROW}:{LETTER[DAYS_OVERDUE]}{L.LAST_VALIDATED_ROW}", rule)
    protect(ws)
    last = letter(SUMMARY_FIRST_COL + len(SUMMARY) - 1)
    page_setup(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}", fit_width=1)
    ws.print_area = f"A1:{last}{L.LAST_VALIDATED_ROW}"


def _frame(columns: dict[str, list]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in columns.items()})


def render(data: CustomerData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    actions = data.actions or {c.name: [] for c in COLUMNS}
    as_of = data.as_of or data.generated.date()
    n = len(actions[ACTION_ID])
    sd.text(L.TITLE_ROW, 1, "title", f"Actions: {data.name}")
    sd.height(L.TITLE_ROW, 24)
    sd.text(
        L.NOTE_ROW,
        1,
        "note",
        "The steps of each idea's implementation. Type the day an action was done into Done; Status "
        "and Days overdue follow, counted to the As-of date (change it to see another day).",
    )
    sd.text(AS_OF_ROW, AS_OF_LABEL_COL, "kv.label", "As of")
    sd.value(AS_OF_ROW, AS_OF_COL, "in.date", as_of)
    header(sd, COLUMNS, row=HEADER_ROW, height=20)
    plans = ctx.once("actions", lambda: plan(COLUMNS, ctx.styles, row_formulas()))
    write_rows(sd, plans, actions, n, FIRST_ROW)
    # The summary per idea: the ideas with actions, in the Ideas sheet's order.
    for i, c in enumerate(SUMMARY, start=SUMMARY_FIRST_COL):
        sd.text(HEADER_ROW, i, c.header_style, c.name)
    progress = idea_progress(_frame(data.ideas), _frame(actions), as_of)
    last = FIRST_ROW + max(n, 1) - 1
    for k, record in enumerate(progress.to_dict("records")):
        r = FIRST_ROW + k
        sd.value(r, SUMMARY_FIRST_COL, "fixed.text", record[col.IDEA_ID])
        sd.value(r, SUMMARY_FIRST_COL + 1, "fixed.text.wrap", record[col.TITLE])
        for j, (name, formula) in enumerate(summary_formulas(r, last).items(), start=SUMMARY_FIRST_COL + 2):
            cached = record[name]
            sd.formula(r, j, SUMMARY[j - SUMMARY_FIRST_COL].style, formula, float(cached))
    return sd


BUILDER = SheetBuilder(
    name=NAME,
    setup=setup,
    render=render,
    tables={TABLE: lambda d: table_ref(COLUMNS, len((d.actions or {ACTION_ID: []})[ACTION_ID]), HEADER_ROW)},
)
