"""Next reviews sheet of the consolidated sign-off (issue 14): which management review each customer is
due, and what the last one decided.

One row per customer, in the Customers table's order, as of the run's as-of date (``core.reviews``:
the wave plan's planned reviews, SPEC §3.7, matched to the master's Reviews table): the next planned
review not held — its name, kind, date and whether it is Due or Overdue — and the last review held
with its date, kind and decisions. The plan spans all the customer's waves (``core.waves``; each
wave's reviews until the next wave's first review, ``core.reviews.customer_wave_reviews``), and the
``Wave`` column names the wave whose plan holds the next review. A customer without any wave (no Wave
start, no Waves row) has no plan, so no next review; one without a held review shows none. The rows
are an Excel table, to filter by status. The sign-off is internal to the supplier, so every review
counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Protocol

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.core import cells
from cvm_xl.core import columns as col
from cvm_xl.core.reviews import DECISIONS, OVERDUE, customer_wave_reviews, held_by_customer
from cvm_xl.core.spellings import plural
from cvm_xl.core.tracking import WAVE_START
from cvm_xl.core.waves import WAVE, customer_waves
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets.common import RenderContext, SheetBuilder, page_setup
from cvm_xl.generate.sheets.table_sheet import header, plan, setup_table, table_ref, write_rows
from cvm_xl.readiness import tables as rt

NAME = "Next reviews"
TABLE = "NextReviewsTable"
CUSTOMER = "Customer"
NEXT, NEXT_KIND, NEXT_DATE, STATUS = "Next review", "Kind", "Date", "Status"
LAST, LAST_DATE, LAST_KIND = "Last review held", "Held on", "Kind held"
COLUMN_NAMES = (
    col.CUSTOMER_ID, CUSTOMER, WAVE_START, WAVE, NEXT, NEXT_KIND, NEXT_DATE, STATUS, LAST, LAST_DATE,
    LAST_KIND, DECISIONS,
)  # fmt: skip
_WIDTHS = {
    col.CUSTOMER_ID: 11, CUSTOMER: 26, WAVE_START: 11.5, WAVE: 7, NEXT: 22, NEXT_KIND: 12, NEXT_DATE: 11.5,
    STATUS: 10, LAST: 14, LAST_DATE: 11.5, LAST_KIND: 12, DECISIONS: 60,
}  # fmt: skip
_STYLES = {
    WAVE_START: "fixed.date", WAVE: "fixed.center", NEXT_DATE: "fixed.date", LAST_DATE: "fixed.date",
    NEXT_KIND: "fixed.center",
    STATUS: "fixed.center", LAST_KIND: "fixed.center", DECISIONS: "fixed.text.wrap",
}  # fmt: skip
COLUMNS: tuple[L.Column, ...] = tuple(
    L.Column(name, _WIDTHS[name], _STYLES.get(name, "fixed.text")) for name in COLUMN_NAMES
)


class NextReviewsData(Protocol):
    """What the sheet renders: one row per customer (``COLUMN_NAMES``) and the day it is made for."""

    @property
    def next_reviews(self) -> pd.DataFrame: ...

    @property
    def as_of(self) -> dt.date: ...


def next_reviews_table(
    customers: pd.DataFrame,
    relationship: Mapping[str, pd.DataFrame],
    as_of: dt.date,
    waves: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per customer of ``customers``: its next review and its last review held as of ``as_of``
    (``core.reviews.customer_wave_reviews`` of its waves, from ``waves`` (the Waves table; None: each
    customer's Wave start alone), and its rows of the Reviews table)."""
    held = held_by_customer(relationship.get(rt.REVIEWS_SHEET))
    known = customer_waves(customers, waves)
    rows = []
    for customer in customers.to_dict("records"):
        cid = cells.text(customer.get(col.CUSTOMER_ID))
        kickoff = cells.safely(cells.date, customer.get(WAVE_START))
        found = customer_wave_reviews(known.of(cid), held.get(cid, []) if cid else [], as_of)
        following, last = found.next, found.last
        rows.append(
            {
                col.CUSTOMER_ID: cid,
                CUSTOMER: cells.text(customer.get(CUSTOMER)),
                WAVE_START: kickoff,
                WAVE: None if following is None else following.wave,
                NEXT: None if following is None else following.name,
                NEXT_KIND: None if following is None else following.kind,
                NEXT_DATE: None if following is None else following.date,
                STATUS: None if following is None else following.status,
                LAST: None if last is None else last.review_id,
                LAST_DATE: None if last is None else last.date,
                LAST_KIND: None if last is None else last.kind,
                DECISIONS: None if last is None else last.decisions,
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMN_NAMES), dtype=object)


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    setup_table(ws, COLUMNS, TABLE)
    ws.freeze_panes = f"C{L.FIRST_ROW}"
    page_setup(ws, title_rows=f"{L.HEADER_ROW}:{L.HEADER_ROW}")


def summary(frame: pd.DataFrame, as_of: dt.date) -> str:
    """The note above the table: how many customers have an overdue review."""
    overdue = int((frame[STATUS] == OVERDUE).sum()) if len(frame) else 0
    what = f"{plural(overdue, 'customer')} with an overdue review" if overdue else "No review overdue"
    return (
        f"{what} as of {as_of.isoformat()}. Next review: the wave plan's first review not held yet (Overdue "
        "once its window has closed); last review held: the latest of the Reviews sheet by then."
    )


def render(data: NextReviewsData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    frame = data.next_reviews
    sd.text(L.TITLE_ROW, 1, "title", f"Next reviews as of {data.as_of.isoformat()}")
    sd.height(L.TITLE_ROW, 24)
    sd.text(L.NOTE_ROW, 1, "note", summary(frame, data.as_of))
    header(sd, COLUMNS, height=20)
    values = {c.name: [None if v is None or v != v else v for v in frame[c.name].tolist()] for c in COLUMNS}
    plans = ctx.once(NAME, lambda: plan(COLUMNS, ctx.styles))
    write_rows(sd, plans, values, len(frame), L.FIRST_ROW)
    return sd


BUILDER: SheetBuilder[NextReviewsData] = SheetBuilder(
    name=NAME,
    setup=setup,
    render=render,
    tables={TABLE: lambda d: table_ref(COLUMNS, len(d.next_reviews))},
)
