"""Pipeline sheet of the consolidated sign-off (issue 14): which relationships are due a new wave.

One row per customer, in the Customers table's order, as of the run's as-of date (``core.pipeline``):
the issue's columns first — Customer ID, Waves (kicked off by then), Last kick-off, Open Go ideas,
Months since last Go idea, Refresh due (Yes or No) — then the customer's name, the Next kick-off of
a wave planned, the Trend of realised against planned recurring value and Why a refresh is due. The
rows are an Excel table, to filter on Refresh due. The values are cvm-xl's (a snapshot of the day):
the sign-off is internal to the supplier, and out-of-bounds ideas are not counted.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core.pipeline import (
    CUSTOMER,
    LAST_KICK_OFF,
    MONTHS_SINCE_GO,
    NEXT_KICK_OFF,
    OPEN_GO_IDEAS,
    PIPELINE_ALL,
    REFRESH_DUE,
    TREND,
    WAVES,
    WHY,
    YES,
    customer_pipelines,
    pipeline_table,
)
from cvm_xl.core.settings import FIELD_LABELS, Settings
from cvm_xl.core.spellings import plural
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets.common import RenderContext, SheetBuilder, page_setup
from cvm_xl.generate.sheets.table_sheet import (
    header,
    plan,
    setup_table,
    table_ref,
    wrapped_row_heights,
    write_rows,
)
from cvm_xl.master.model import Master

NAME = "Pipeline"
TABLE = "PipelineTable"
_WIDTHS = {
    col.CUSTOMER_ID: 11, WAVES: 8, LAST_KICK_OFF: 11.5, OPEN_GO_IDEAS: 9, MONTHS_SINCE_GO: 11,
    REFRESH_DUE: 9, CUSTOMER: 26, NEXT_KICK_OFF: 11.5, TREND: 11, WHY: 60,
}  # fmt: skip
_STYLES = {
    WAVES: "fixed.center", LAST_KICK_OFF: "fixed.date", OPEN_GO_IDEAS: "fixed.center",
    MONTHS_SINCE_GO: "fixed.center", REFRESH_DUE: "fixed.center", NEXT_KICK_OFF: "fixed.date",
    TREND: "fixed.center", WHY: "fixed.text.wrap",
}  # fmt: skip
COLUMNS: tuple[L.Column, ...] = tuple(
    L.Column(name, _WIDTHS[name], _STYLES.get(name, "fixed.text")) for name in PIPELINE_ALL
)
_NUMBERS = (WAVES, OPEN_GO_IDEAS, MONTHS_SINCE_GO)


class PipelineData(Protocol):
    """What the sheet renders: one row per customer (``core.pipeline.PIPELINE_ALL`` columns, as
    ``core.pipeline.pipeline_table`` makes them), the day and the settings that decide Refresh due."""

    @property
    def pipeline(self) -> pd.DataFrame: ...

    @property
    def as_of(self) -> dt.date: ...


def pipeline_frame(master: Master, as_of: dt.date) -> pd.DataFrame:
    """Every customer's pipeline line as of ``as_of`` (``core.pipeline``), as the sheet shows it."""
    found = customer_pipelines(
        master.customers, master.decided, master.tracking, master.waves, master.settings, as_of
    )
    return pipeline_table(found)


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    setup_table(ws, COLUMNS, TABLE)
    ws.freeze_panes = f"B{L.FIRST_ROW}"
    page_setup(ws, title_rows=f"{L.HEADER_ROW}:{L.HEADER_ROW}")


def summary(frame: pd.DataFrame, as_of: dt.date, settings: Settings) -> str:
    """The note above the table: how many customers are due a refresh, and the rule."""
    due = int((frame[REFRESH_DUE] == YES).sum()) if len(frame) else 0
    what = f"{plural(due, 'customer')} due a refresh" if due else "No customer is due a refresh"
    after, least = (FIELD_LABELS[n] for n in ("refresh_after_months", "minimum_open_go_ideas"))
    return (
        f"{what} as of {as_of.isoformat()}: Refresh due = Yes when the last kick-off is more than "
        f"{settings.refresh_after_months} months old (Settings {after}) or fewer than "
        f"{settings.minimum_open_go_ideas} open Go ideas remain (Settings {least}). Open Go ideas: a Go "
        "verdict, not yet signed off, not dropped, not emulated by a competitor."
    )


def render(data: PipelineData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    frame = data.pipeline
    sd.text(L.TITLE_ROW, 1, "title", f"Refresh pipeline as of {data.as_of.isoformat()}")
    sd.height(L.TITLE_ROW, 24)
    sd.text(L.NOTE_ROW, 1, "note", summary(frame, data.as_of, ctx.settings))
    header(sd, COLUMNS, height=30)
    values = {c.name: [None if v is None or v != v else v for v in frame[c.name].tolist()] for c in COLUMNS}
    for name in _NUMBERS:  # counts are numbers in the sheet, so that they sort and sum
        values[name] = [None if v is None else float(v) for v in values[name]]
    plans = ctx.once(NAME, lambda: plan(COLUMNS, ctx.styles))
    write_rows(sd, plans, values, len(frame), L.FIRST_ROW)
    # the reasons wrap: each row as tall as they need, so the printed page shows them whole
    wrapped_row_heights(sd, [c for c in COLUMNS if c.name == WHY], values, len(frame), L.FIRST_ROW)
    return sd


BUILDER: SheetBuilder[PipelineData] = SheetBuilder(
    name=NAME,
    setup=setup,
    render=render,
    tables={TABLE: lambda d: table_ref(COLUMNS, len(d.pipeline))},
)
