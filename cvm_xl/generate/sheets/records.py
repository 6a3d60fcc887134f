"""Tracking and Workshop sheets (the customer's own rows, editable) and the hidden Record sheet.

The Record sheet keeps the ideas and tracking rows exactly as generated, so a returned workbook
can be compared with what was sent (which fields the customer changed, which values were signed).
It holds nothing but this customer's rows.
"""

from __future__ import annotations

from itertools import zip_longest

from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core.fingerprint import SIGNED_WAVE
from cvm_xl.core.tracking import ONE_TIME, TRACKING_KIND, TRACKING_KINDS
from cvm_xl.generate.model import CustomerData
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets.common import RenderContext, SheetBuilder, page_setup
from cvm_xl.generate.sheets.table_sheet import (
    choice,
    header,
    plan,
    row_cells,
    setup_table,
    table_ref,
    validation,
    write_rows,
)
from cvm_xl.spreadsheet.xmltext import letter

TRACKING_TABLE = "TrackingTable"
WORKSHOP_TABLE = "WorkshopTable"
RECORD_IDEA_COLUMNS = (
    *L.IDEA_INPUT_COLUMNS,
    col.SUPPLIER_VALUE,
    col.CUSTOMER_VALUE,
    col.TRANSFER,
    col.SPLIT_METHOD,
    "Sign-off rank",
    SIGNED_WAVE,  # issue 14: the wave whose sign-off list the idea is on (signed from wave 2 on)
)
_DATES = frozenset({col.START, col.END, "Month"})


def _record_column(name: str) -> L.Column:
    # Dates keep a date format so that readers get dates back, not serial numbers.
    return L.Column(name, 12, "fixed.date" if name in _DATES else "text")


RECORD_IDEAS = tuple(_record_column(name) for name in RECORD_IDEA_COLUMNS)
RECORD_TRACKING = tuple(_record_column(c.name) for c in L.TRACKING_COLUMNS_LAYOUT)
RECORD_TRACKING_FIRST_COL = len(RECORD_IDEAS) + 2


def setup_tracking(ws: Worksheet, ctx: RenderContext) -> None:
    setup_table(ws, L.TRACKING_COLUMNS_LAYOUT, TRACKING_TABLE)
    ws.freeze_panes = f"A{L.FIRST_ROW}"
    ids = DataValidation(type="list", formula1=f"{L.IDEAS}!$A${L.FIRST_ROW}:$A$5000", allow_blank=True)
    ids.error, ids.showErrorMessage = "Use the ID of an idea on the Ideas sheet.", True
    validation(ws, "A", ids)
    month = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
    month.error, month.showErrorMessage = "Enter the month as a date, e.g. 2026-04-01.", True
    validation(ws, "B", month)
    # Issue 14: One-time marks the customer's own investment (kept apart in the value contract).
    kinds = choice(TRACKING_KINDS, f"Blank means Recurring; {ONE_TIME} for the customer's own investment")
    validation(ws, letter(1 + [c.name for c in L.TRACKING_COLUMNS_LAYOUT].index(TRACKING_KIND)), kinds)
    page_setup(ws, title_rows=f"{L.HEADER_ROW}:{L.HEADER_ROW}")


def render_tracking(data: CustomerData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    sd.text(L.TITLE_ROW, 1, "title", f"Tracking: {data.name}")
    sd.height(L.TITLE_ROW, 24)
    sd.text(
        L.NOTE_ROW,
        1,
        "note",
        "Realised values per idea and month, in currency units. Add a row per idea and month, in any "
        "order; the table grows as you type below it, and the Passbook and the Monthly report count it. "
        f"{TRACKING_KIND}: {ONE_TIME} for the customer's own one-time investment (blank: recurring).",
    )
    header(sd, L.TRACKING_COLUMNS_LAYOUT, height=20)
    n = len(data.tracking[col.IDEA_ID])
    plans = ctx.once("tracking", lambda: plan(L.TRACKING_COLUMNS_LAYOUT, ctx.styles))
    write_rows(sd, plans, data.tracking, n, L.FIRST_ROW)
    return sd


def setup_workshop(ws: Worksheet, ctx: RenderContext) -> None:
    setup_table(ws, L.WORKSHOP_COLUMNS_LAYOUT, WORKSHOP_TABLE)
    ws.freeze_panes = f"A{L.FIRST_ROW}"
    validation(ws, "E", choice(col.FIRMS))
    page_setup(ws, title_rows=f"{L.HEADER_ROW}:{L.HEADER_ROW}")


def render_workshop(data: CustomerData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    sd.text(L.TITLE_ROW, 1, "title", f"Workshop: {data.name}")
    sd.height(L.TITLE_ROW, 24)
    sd.text(
        L.NOTE_ROW,
        1,
        "note",
        "The raw ideas of the joint workshop. Mother idea ID names the idea "
        "on the Ideas sheet that each raw idea fed into.",
    )
    header(sd, L.WORKSHOP_COLUMNS_LAYOUT, height=20)
    n = len(data.workshop["Raw ID"])
    plans = ctx.once("workshop", lambda: plan(L.WORKSHOP_COLUMNS_LAYOUT, ctx.styles))
    write_rows(sd, plans, data.workshop, n, L.FIRST_ROW)
    return sd


def setup_record(ws: Worksheet, ctx: RenderContext) -> None:
    ws.sheet_state = "veryHidden"


def render_record(data: CustomerData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    # As signed (issue 16): a chain idea's Transfer and Split method are its chain split's.
    ideas = dict(data.decided_ideas)
    ideas["Sign-off rank"] = [r or None for r in data.rank]
    header(sd, RECORD_IDEAS, row=1, height=15)
    first = RECORD_TRACKING_FIRST_COL
    for i, column in enumerate(RECORD_TRACKING):
        sd.text(1, first + i, column.header_style, column.name)
    n, m = data.n_ideas, len(data.tracking[col.IDEA_ID])
    left = row_cells(ctx.once("record ideas", lambda: plan(RECORD_IDEAS, ctx.styles)), ideas, n, 2)
    tracking_plans = ctx.once("record tracking", lambda: plan(RECORD_TRACKING, ctx.styles, first_col=first))
    right = row_cells(tracking_plans, data.tracking, m, 2)
    rows = ["".join(pair) for pair in zip_longest(left, right, fillvalue="")]
    if rows:
        sd.block(2, rows, first + len(RECORD_TRACKING) - 1 if m else len(RECORD_IDEAS))
    return sd


TRACKING = SheetBuilder(
    name=L.TRACKING,
    setup=setup_tracking,
    render=render_tracking,
    tables={TRACKING_TABLE: lambda d: table_ref(L.TRACKING_COLUMNS_LAYOUT, len(d.tracking[col.IDEA_ID]))},
)
WORKSHOP = SheetBuilder(
    name=L.WORKSHOP,
    setup=setup_workshop,
    render=render_workshop,
    tables={WORKSHOP_TABLE: lambda d: table_ref(L.WORKSHOP_COLUMNS_LAYOUT, len(d.workshop["Raw ID"]))},
)
RECORD = SheetBuilder(name=L.RECORD, setup=setup_record, render=render_record, hidden="veryHidden")
