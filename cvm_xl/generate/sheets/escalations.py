"""Escalations sheet of the consolidated sign-off (issue 14): what top management should unblock.

One row per escalation of every customer as of the run's as-of date (``core.actions.escalations``:
ideas past their End and not Delivered or Dropped, actions not done by their Due date), sorted by
customer, owner and days overdue. The first six columns are exactly those of the issue (Customer
ID, Idea ID, Action ID, Owner, Due, Days overdue; Action ID is blank for an idea past its End);
the owner firm, the idea's title, the action and the reason follow. Ideas out of bounds and their
actions are left out, as on the Detail sheet. The rows are an Excel table, to filter by owner.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core.actions import ACTION, ACTION_ID, DAYS_OVERDUE, DUE, ESCALATION_ALL, REASON
from cvm_xl.core.spellings import plural
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets.common import RenderContext, SheetBuilder, page_setup
from cvm_xl.generate.sheets.table_sheet import header, plan, setup_table, table_ref, write_rows

NAME = "Escalations"
TABLE = "EscalationsTable"

_WIDTHS = {
    col.CUSTOMER_ID: 11, col.IDEA_ID: 10, ACTION_ID: 11, col.OWNER: 18, DUE: 11.5, DAYS_OVERDUE: 10,
    col.OWNER_FIRM: 11, col.TITLE: 40, ACTION: 40, col.STATUS: 12, REASON: 26,
}  # fmt: skip
_STYLES = {
    DUE: "fixed.date", DAYS_OVERDUE: "fixed.center", col.OWNER_FIRM: "fixed.center",
    col.STATUS: "fixed.center", col.TITLE: "fixed.text.wrap", ACTION: "fixed.text.wrap",
}  # fmt: skip
COLUMNS: tuple[L.Column, ...] = tuple(
    L.Column(name, _WIDTHS[name], _STYLES.get(name, "fixed.text")) for name in ESCALATION_ALL
)


class EscalationData(Protocol):
    """What the sheet renders: the escalations (``core.actions.ESCALATION_ALL`` columns) and the day."""

    @property
    def escalations(self) -> pd.DataFrame: ...

    @property
    def as_of(self) -> dt.date: ...


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    setup_table(ws, COLUMNS, TABLE)
    ws.freeze_panes = f"A{L.FIRST_ROW}"
    page_setup(ws, title_rows=f"{L.HEADER_ROW}:{L.HEADER_ROW}")


def render(data: EscalationData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    frame = data.escalations
    n = len(frame)
    sd.text(L.TITLE_ROW, 1, "title", f"Escalations as of {data.as_of.isoformat()}")
    sd.height(L.TITLE_ROW, 24)
    what = (plural(n, "escalation") if n else "Nothing is escalated") + f" as of {data.as_of.isoformat()}: "
    sd.text(
        L.NOTE_ROW,
        1,
        "note",
        what + "ideas past their End that are neither Delivered nor Dropped (Action ID blank) and "
        "actions not done by their Due date, by customer, owner and days overdue.",
    )
    header(sd, COLUMNS, height=20)
    values = {c.name: [None if pd.isna(v) else v for v in frame[c.name].tolist()] for c in COLUMNS}
    values[DAYS_OVERDUE] = [float(v) for v in frame[DAYS_OVERDUE].tolist()]
    plans = ctx.once("escalations", lambda: plan(COLUMNS, ctx.styles))
    write_rows(sd, plans, values, n, L.FIRST_ROW)
    return sd


BUILDER: SheetBuilder[EscalationData] = SheetBuilder(
    name=NAME,
    setup=setup,
    render=render,
    tables={TABLE: lambda d: table_ref(COLUMNS, len(d.escalations))},
)
