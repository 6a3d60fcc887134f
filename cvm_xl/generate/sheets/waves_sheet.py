"""Waves sheet of the consolidated sign-off (issue 14: "reports work per wave").

One row per customer and wave, customers in the Customers table's order and each customer's waves by
number: Customer ID, Wave, Kick-off, Status, then the wave's Raw ideas, Ideas, Go ideas, Selected for
sign-off, Signed off or later, Planned net value and Realised to date as of the run's as-of date.
Every figure is ``core.wave_report.wave_report``'s (a snapshot of the day, like the Pipeline sheet):
the rule of each column is stated there once. Out-of-bounds ideas are not counted, as everywhere in
the consolidated sign-off. The rows are an Excel table, to filter by customer or wave.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core.fingerprint import SIGNED_WAVE
from cvm_xl.core.wave_report import (
    AMOUNTS,
    COUNTS,
    GO_IDEAS,
    IDEAS,
    PLANNED_NET,
    RAW_IDEAS,
    REALISED,
    SELECTED,
    SIGNED_OR_LATER,
    WAVE_REPORT_COLUMNS,
    IdeaWaves,
    wave_report,
)
from cvm_xl.core.waves import KICK_OFF, WAVE, WAVE_STATUS, row_waves
from cvm_xl.generate.model import RunData
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets.common import RenderContext, SheetBuilder, page_setup
from cvm_xl.generate.sheets.table_sheet import header, plan, setup_table, table_ref, write_rows

NAME = "Waves"
TABLE = "WavesTable"
_WIDTHS = {
    col.CUSTOMER_ID: 11, WAVE: 7, KICK_OFF: 11.5, WAVE_STATUS: 10, RAW_IDEAS: 9, IDEAS: 8,
    GO_IDEAS: 8, SELECTED: 10, SIGNED_OR_LATER: 10, PLANNED_NET: 14, REALISED: 14,
}  # fmt: skip
_STYLES = {
    WAVE: "fixed.center", KICK_OFF: "fixed.date", WAVE_STATUS: "fixed.center",
    **dict.fromkeys(COUNTS, "fixed.center"), **dict.fromkeys(AMOUNTS, "fixed.money"),
}  # fmt: skip
COLUMNS: tuple[L.Column, ...] = tuple(
    L.Column(name, _WIDTHS[name], _STYLES.get(name, "fixed.text")) for name in WAVE_REPORT_COLUMNS
)


class WavesData(Protocol):
    """What the sheet renders: ``core.wave_report.wave_report``'s rows and the day they are for."""

    @property
    def waves(self) -> pd.DataFrame: ...

    @property
    def as_of(self) -> dt.date: ...


def waves_frame(run: RunData) -> pd.DataFrame:
    """Every customer's waves as of the run's day (``core.wave_report``): the ideas in bounds with
    the waves and ranks the run's sign-off lists use, every raw idea, every tracking row."""
    master = run.master
    table = run.ideas_table()
    names = (col.IDEA_ID, col.CUSTOMER_ID, col.VERDICT_CODE, col.STATUS, col.NET_VALUE)
    ideas = pd.DataFrame({name: table[name] for name in names})
    ideas[col.NET_VALUE] = ideas[col.NET_VALUE].astype(float)
    known = run.known_waves
    workshop = master.workshop
    listed = table[SIGNED_WAVE].tolist()
    return wave_report(
        IdeaWaves(ideas, run.row_waves(), table["Sign-off rank"].tolist(), listed),
        workshop,
        row_waves(workshop, known, run.as_of),
        master.tracking,
        known,
        run.customer_ids,
        run.as_of,
    )


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    setup_table(ws, COLUMNS, TABLE)
    ws.freeze_panes = f"C{L.FIRST_ROW}"
    page_setup(ws, title_rows=f"{L.HEADER_ROW}:{L.HEADER_ROW}")


def render(data: WavesData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    frame = data.waves
    sd.text(L.TITLE_ROW, 1, "title", f"Waves as of {data.as_of.isoformat()}")
    sd.height(L.TITLE_ROW, 24)
    sd.text(
        L.NOTE_ROW,
        1,
        "note",
        "One row per customer and wave; each wave has its own sign-off list of at most Max sign-off "
        "ideas. Signed off or later: the Status puts the idea in the passbook; Planned net value: "
        "their net value; Realised to date: the Tracking rows of the wave's ideas up to the as-of month.",
    )
    header(sd, COLUMNS, height=30)
    values = {c.name: [None if v is None or v != v else v for v in frame[c.name].tolist()] for c in COLUMNS}
    for name in (WAVE, *COUNTS):  # numbers in the sheet, so that they sort and sum
        values[name] = [None if v is None else float(v) for v in values[name]]
    plans = ctx.once(NAME, lambda: plan(COLUMNS, ctx.styles))
    write_rows(sd, plans, values, len(frame), L.FIRST_ROW)
    return sd


BUILDER: SheetBuilder[WavesData] = SheetBuilder(
    name=NAME,
    setup=setup,
    render=render,
    tables={TABLE: lambda d: table_ref(COLUMNS, len(d.waves))},
)
