"""Cover sheet: who, when, the key figures (live formulas), the fingerprint and how to read the book.

The wave's dates are those of the customer's latest wave as of the run's date (issue 14,
``core.waves.latest_wave``): its kick-off and milestones, headed "Wave n of m" when the customer has
waves on the master's Waves sheet. A customer whose one wave is its Wave start keeps the cover it
always had (its Wave start and that wave's milestones)."""

from __future__ import annotations

import datetime as dt
import math

from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl import __version__
from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core.passbook import LINE_SUPPLIER_VALUE, equity_reading, in_passbook
from cvm_xl.core.verdicts import GO_CODES
from cvm_xl.core.wave import MILESTONE, wave_end, wave_plan
from cvm_xl.core.waves import Wave, latest_wave
from cvm_xl.generate import live_formulas as LF
from cvm_xl.generate.model import CustomerData
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets.common import (
    PROTECTION_NOTE,
    RenderContext,
    SheetBuilder,
    page_setup,
    protect,
    widths,
)
from cvm_xl.spreadsheet.xmltext import criterion_literal, string_literal

# Cover label -> milestone of ``wave.wave_plan`` (SPEC §3.7): the dates come from the core.
WAVE_MILESTONES = {
    "Kick-off meeting (week 0)": "Kick-off meeting",
    "Joint idea workshop (week 4)": "Joint idea workshop",
    "Sign-off (week 8)": "Sign-off",
}
WAVE_END = "End of the wave (week 12)"


def wave_dates(start: dt.date | None) -> dict[str, dt.date | None]:
    """The cover's wave dates (blank when the customer has no wave start yet)."""
    if start is None:
        return {**dict.fromkeys(WAVE_MILESTONES), WAVE_END: None}
    milestones = {p.name: p.start for p in wave_plan(start, 0) if p.kind == MILESTONE}
    return {**{label: milestones[name] for label, name in WAVE_MILESTONES.items()}, WAVE_END: wave_end(start)}


def cover_wave(waves: tuple[Wave, ...], as_of: dt.date) -> tuple[str, str, Wave | None]:
    """The wave section's heading, the kick-off's label and the wave shown: the latest as of
    ``as_of``; "Wave n of m" unless the customer's one wave is its Wave start."""
    latest = latest_wave(waves, as_of)
    if latest is None or (len(waves) == 1 and latest.from_wave_start):
        return "Wave (12 weeks from kick-off)", "Wave start (week 0 begins)", latest
    return (
        f"Wave {latest.number} of {len(waves)} (12 weeks from kick-off)",
        f"Kick-off of wave {latest.number} (week 0)",
        latest,
    )


GUIDE = (
    (
        L.IDEAS,
        "Every idea with both firms' values. Blue-headed columns are inputs; grey columns are "
        "computed by formulas (value over the horizon, map cell, net value, verdict, split).",
    ),
    (L.MAP, "The Idea Portfolio Map: how many ideas fall in each of the nine cells and their net value."),
    (
        L.PASSBOOK,
        "The gives and gets of every idea signed off, implementing or delivered (live from the Status "
        "column) and whether the relationship is in balance (equity gap).",
    ),
    (
        L.SIGN_OFF,
        "The value contract: the ideas proposed for sign-off, with signature blocks for both firms.",
    ),
    (
        "Wave plan",
        "Each wave's 12 weeks from kick-off to sign-off, then its monthly reports and quarterly reviews "
        "(the latest wave first).",
    ),
    ("Actions", "The implementation steps of each idea: type the day each is done; overdue ones show red."),
    (L.TRACKING, "Realised values per idea and month."),
    (
        "Monthly report",
        "Planned against realised value per month, and the value guarantee against value delivered.",
    ),
    (L.WORKSHOP, "The raw ideas of the workshop and the mother idea each one fed."),
    (
        "Relationship",
        "Readiness: the eight collaboration stages, maturity, objectives, risks, exit, issues.",
    ),
    (L.SETTINGS, "The settings every formula uses (horizon, discount rate, thresholds)."),
)
GO_CRITERION = '"GO*"'  # GO, GO_PRIORITY and GO_GOOD_FAITH


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    widths(ws, {"A": 2, "B": 30, "C": 36, "D": 3, "E": 34, "F": 18})
    for r in range(_guide_row(), _guide_row() + len(GUIDE)):
        ws.merge_cells(f"C{r}:F{r}")
    ws.sheet_view.showGridLines = False
    protect(ws)
    page_setup(ws, fit_height=1)


def _guide_row() -> int:
    return 25


# The value columns the Cover adds up over the Go ideas, each labelled "<column> of Go ideas".
GO_TOTALS = (col.SUPPLIER_VALUE, col.CUSTOMER_VALUE, col.NET_VALUE)


def _go_sum(name: str, last: int) -> str:
    """A column of the Go ideas added up, over the Ideas rows to ``last`` (``live_formulas``)."""
    return f"SUMIFS({LF.ideas_range(name, last)},{LF.ideas_range(col.VERDICT_CODE, last)},{GO_CRITERION})"


def render(data: CustomerData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    s = ctx.settings
    c = data.customer
    sd.text(2, 2, "title", "Customer Value Management")
    sd.height(2, 26)
    sd.text(3, 2, "subtitle", f"{s.supplier} and {data.name}")
    sd.height(3, 20)

    sd.text(5, 2, "section", "Relationship")
    sd.blank(5, 3, "section")
    details = (
        ("Customer", data.name),
        ("Customer ID", data.customer_id),
        ("Supplier", s.supplier),
        ("Industry", c.get("Industry")),
        ("Account manager", c.get("Account manager")),
        ("Customer champion", c.get("Customer champion")),
        ("Currency", s.currency),
    )
    for i, (label, value) in enumerate(details):
        sd.text(6 + i, 2, "kv.label", label)
        sd.value(6 + i, 3, "kv.text.fit", value)
    guarantee = c.get("Value guarantee")
    sd.text(13, 2, "kv.label", "Value guarantee per year")
    sd.value(13, 3, "kv.money.left", guarantee)

    heading, label, shown = cover_wave(data.waves, data.as_of or data.generated.date())
    sd.text(15, 2, "section", heading)
    sd.blank(15, 3, "section")
    start = c.get("Wave start")
    start = start.date() if isinstance(start, dt.datetime) else start if isinstance(start, dt.date) else None
    if shown is not None:
        start = shown.kick_off
    sd.text(16, 2, "kv.label", label)
    sd.value(16, 3, "kv.date", start)
    for i, (label, day) in enumerate(wave_dates(start).items(), start=17):
        sd.text(i, 2, "kv.label", label)
        sd.value(i, 3, "kv.date", day)

    _figures(sd, data, ctx)

    sd.text(23, 2, "section", "How to read this workbook")
    sd.blank(23, 3, "section")
    for i, (sheet, text) in enumerate(GUIDE):
        r = _guide_row() + i
        sd.text(r, 2, "label.top", sheet)
        sd.text(r, 3, "text.wrap", text)
        sd.height(r, 28)
    r = _guide_row() + len(GUIDE) + 1
    sd.text(r, 2, "note", PROTECTION_NOTE)
    sd.text(
        r + 1,
        2,
        "note",
        f"Generated {data.generated:%Y-%m-%d %H:%M} by cvm-xl {__version__}. "
        "The formulas need no add-in: Excel, LibreOffice and Google Sheets compute them.",
    )
    return sd


def _figures(sd: SheetData, data: CustomerData, ctx: RenderContext) -> None:
    ideas = data.ideas
    go = [i for i, code in enumerate(ideas[col.VERDICT_CODE]) if code in GO_CODES]

    def go_total(name: str) -> float:
        return math.fsum(v for v in (ideas[name][i] for i in go) if v == v)

    b = data.balances
    last = ctx.sign_off.last_idea_row
    sign_off_ids = f"{L.sheet_ref(L.SIGN_OFF)}!$B${L.SIGN_OFF_FIRST_ROW}:$B${last}"
    passbook = L.sheet_ref(L.PASSBOOK)
    v = L.BALANCE_VALUE_COL
    rows = L.BALANCE_ROWS
    # Bounded ranges, never whole columns (``live_formulas``): the Ideas rows a customer may fill
    # and the Passbook's lines. One line per idea of each kind: the Supplier value lines flagged Yes
    # count the ideas in it.
    last, lines = LF.ideas_last_row(data.n_ideas), LF.passbook_last_row(data.n_ideas)
    codes = LF.ideas_range(col.VERDICT_CODE, last)
    in_passbook_count = (
        f'COUNTIFS({passbook}!{LF.column(L.IN_PASSBOOK, lines)},"{L.IN_PASSBOOK_YES}",'
        f"{passbook}!{LF.column('Line', lines)},{string_literal(LINE_SUPPLIER_VALUE)})"
    )
    entered = sum(1 for status in ideas[col.STATUS] if in_passbook(status))
    figures = (
        (
            "Ideas in this workbook",
            f"COUNTIFS({LF.ideas_range(col.CUSTOMER_ID, last)},{criterion_literal(data.customer_id)})",
            data.n_ideas,
            "kv.count",
        ),
        ("Go ideas", f"COUNTIFS({codes},{GO_CRITERION})", len(go), "kv.count"),
        ("Ideas for sign-off", f'COUNTIFS({sign_off_ids},"?*")', len(data.selected()), "kv.count"),
        ("Ideas in the passbook", in_passbook_count, entered, "kv.count"),
        *((f"{name} of Go ideas", _go_sum(name, last), go_total(name), "kv.money") for name in GO_TOTALS),
        ("Passbook: supplier balance", f"{passbook}!${v}${rows['supplier']}", b.supplier, "kv.money"),
        ("Passbook: customer balance", f"{passbook}!${v}${rows['customer']}", b.customer, "kv.money"),
        ("Passbook: equity gap", f"{passbook}!${v}${rows['gap']}", b.equity_gap, "kv.money"),
        ("Passbook: reading", f"{passbook}!${v}${rows['reading']}", equity_reading(b.equity_gap), "kv.text"),
    )
    sd.text(5, 5, "section", "Figures (live from the other sheets)")
    sd.blank(5, 6, "section")
    for i, (label, formula, cached, style) in enumerate(figures):
        sd.text(6 + i, 5, "kv.label", label)
        sd.formula(6 + i, 6, style, formula, cached)
    sd.text(17, 5, "section", "Sign-off fingerprint")
    sd.blank(17, 6, "section")
    sd.text(18, 5, "fingerprint", data.fingerprint)
    sd.height(18, 22)
    sd.text(19, 5, "note", "A snapshot of the ideas signed off at generation and the")
    sd.text(20, 5, "note", "settings; cvm-xl verify shows whether they changed since.")
    sd.text(21, 5, "note", "Figures, passbook and monthly report follow your edits live.")


BUILDER = SheetBuilder(name=L.COVER, setup=setup, render=render)
