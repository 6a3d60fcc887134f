"""Wave plan sheet: the customer's 12-week CVM wave with real dates and a Gantt-style band (SPEC §3.7).

One row per phase, milestone, review and report of ``wave.wave_plan``; then one narrow column per
period: weeks 0 to 12 of the wave, then the twelve months of reports and quarterly reviews after it.
Each period column carries its first and last day, and each band cell a formula that marks the item
when it overlaps the period: the owner's initial for a phase (S, J, C), a symbol for an event.
Conditional formats colour the marks, so the band follows the dates if they are ever recalculated.
Phase dates and period boundaries are formulas of the kick-off date; meeting dates follow the
working-day rules of ``wave`` and are written as dates.

Each planned review and monthly report shows, in the last two columns, what became of it as of the
run's as-of date (issue 14, ``core.reviews``): Held (with the review of the master's Reviews table
that served it: its ID and date), Due or Overdue; above the plan, the next review and the last
review held with its decisions.

Every wave of the customer (issue 14, ``core.waves``) has its own block: a heading ("Wave 2 of 2 —
kick-off 2026-10-05, Running, facilitator Hanna Berg"), its kick-off and end, the column header, its
own period boundaries, and its phases, milestones, reviews and Gantt band. The **latest wave** (as of
the run's date, ``core.waves.latest_wave``) comes first, in the rows a one-wave plan has always
used, then the other waves from the highest number down. The latest wave is first because it is the
one the facilitator runs now: the frozen header rows and the rows repeated on every printed page
carry its period dates (labelled with its number when there are several waves), and the next review
line above names what is due. An earlier wave lists only the reviews its plan keeps: from the next
wave's first review on, that wave's plan holds (``core.reviews``), and the heading says from when.
A customer with one wave from its Wave start has no heading: its sheet is what it always was.

The band's colours are set up once per run over the rows of up to ``COLOURED_WAVES`` blocks; below
the title the sheet depends on the waves, the as-of date and the reviews' statuses alone, so it is
rendered once per distinct combination (every customer of one kick-off date without reviews shares one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import NamedTuple

from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books.package import Deflated
from cvm_xl.core.categories import add_months
from cvm_xl.core.cells import date as read_date
from cvm_xl.core.reviews import (
    HELD,
    WINDOW_DAYS,
    CustomerReviews,
    HeldReview,
    PlannedReview,
    by_kick_off,
    customer_reviews,
    reviews_until,
    wave_items,
)
from cvm_xl.core.wave import (
    CUSTOMER,
    JOINT,
    MILESTONE,
    PHASE,
    REPORT,
    REVIEW,
    SUPPLIER,
    WAVE_WEEKS,
    WavePhase,
    wave_end,
    wave_plan,
    week_end,
    week_start,
)
from cvm_xl.core.waves import Wave, latest_wave
from cvm_xl.generate.model import CustomerData
from cvm_xl.generate.relationship_data import CustomerRelationship
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets.common import (
    PROTECTION_NOTE,
    RenderContext,
    SheetBuilder,
    page_setup,
    protect,
    widths,
)
from cvm_xl.generate.sheets.table_sheet import LINE_POINTS, MAX_ROW_POINTS, text_lines
from cvm_xl.spreadsheet import xmltext as x
from cvm_xl.spreadsheet.xmltext import letter, string_literal

SHEET = "Wave plan"
REVIEW_MONTHS = 12
WAVE_END_DAYS = (wave_end(dt.date(2026, 1, 5)) - dt.date(2026, 1, 5)).days  # 90

# The marks in the band: a phase shows its owner's initial, an event its symbol.
OWNER_MARKS = {SUPPLIER: "S", JOINT: "J", CUSTOMER: "C"}
EVENT_MARKS = {MILESTONE: "\u25c6", REVIEW: "\u25cf", REPORT: "\u25cb"}  # ◆ ● ○
MARK_COLOURS = {
    "S": ("8EA9DB", "1F3864"),
    "J": ("A9D08E", "375623"),
    "C": ("F4B183", "843C0C"),
    "\u25c6": ("FFD966", "7F6000"),
    "\u25cf": ("F8CBAD", "C00000"),
    "\u25cb": ("DDEBF7", "1F3864"),
}
LEGEND = (
    "Band: S supplier, J joint, C customer phase; \u25c6 milestone; \u25cf top-management or quarterly "
    "review; \u25cb monthly report. Week n starts on the kick-off date + 7n days."
)

# Columns: the item's facts, then the band, then the activities.
ITEM_COLUMNS = ("Item", "Kind", "Weeks", "Start", "End", "Owner")
ITEM_WIDTHS = (27, 9.5, 6.5, 10.5, 10.5, 8.5)
FIRST_BAND_COL = len(ITEM_COLUMNS) + 1
BAND_WIDTH = 4.3
ACTIVITIES_WIDTH = 46
# After the activities: each planned review's status as of the run's date and the review held for it.
REVIEW_COLUMNS = ("Review status", "Held review")
REVIEW_WIDTHS = (12, 26)
KICKOFF_ROW, END_ROW = 4, 5
HEADER_ROW, FROM_ROW, TO_ROW = 7, 8, 9
FIRST_ROW = 10
START_COL, END_COL = 4, 5  # D, E
KICKOFF_CELL = f"$D${KICKOFF_ROW}"
# Beside the kick-off and the end of the wave: the next review and the last review held.
SUMMARY_COL = FIRST_BAND_COL
WAVE_ROW = 6  # the latest wave's heading when the customer has waves of the Waves sheet
WAVE_LABEL_COL = END_COL  # beside From and To: whose period dates they are (several waves)
# The rows an earlier wave's block takes besides its items: a blank row, heading, kick-off, end,
# header, From and To.
BLOCK_HEAD_ROWS = 7
# The band's colours cover the rows of this many blocks (a wave every six months for fifteen
# years); a further wave still shows its marks, uncoloured.
COLOURED_WAVES = 30


class BlockRows(NamedTuple):
    """Where one wave's block sits: its heading, kick-off, end, header, From and To rows, and the
    row of its first item."""

    heading: int
    kickoff: int
    end: int
    header: int
    first_day: int  # the periods' first days (From)
    last_day: int  # the periods' last days (To)
    first: int

    @property
    def kickoff_cell(self) -> str:
        return f"$D${self.kickoff}"


# The latest wave's block: the rows a one-wave plan has always used.
TOP = BlockRows(WAVE_ROW, KICKOFF_ROW, END_ROW, HEADER_ROW, FROM_ROW, TO_ROW, FIRST_ROW)


def block_rows(after: int) -> BlockRows:
    """The rows of an earlier wave's block that follows a block ending on row ``after``."""
    t = after + 2
    return BlockRows(t, t + 1, t + 2, t + 3, t + 4, t + 5, t + 6)


class Block(NamedTuple):
    """One wave of the sheet: its number (None for a plan of the Wave start alone), kick-off, the day
    from which the next wave's plan holds its reviews (None: they run on) and its heading (None: no
    heading, a customer with its one wave from its Wave start)."""

    wave: int | None
    kickoff: dt.date
    until: dt.date | None
    heading: str | None


def gantt_periods(kickoff: dt.date, months: int = REVIEW_MONTHS) -> list[tuple[str, dt.date, dt.date]]:
    """The band's columns: (label, first day, last day) for weeks 0..12, then each month after the wave.

    Month ``m`` runs from the day after the previous report date's calendar day to ``m`` calendar
    months after the wave's last day, so monthly report ``m`` (on that day or the Friday before)
    falls in column ``m``.
    """
    periods = [(f"W{w}", week_start(kickoff, w), week_end(kickoff, w)) for w in range(WAVE_WEEKS + 1)]
    end = wave_end(kickoff)
    for m in range(1, months + 1):
        periods.append((f"M{m}", add_months(end, m - 1) + dt.timedelta(days=1), add_months(end, m)))
    return periods


def mark(item: WavePhase) -> str:
    """What the band shows for an item: the owner's initial for a phase, a symbol for an event."""
    return OWNER_MARKS[item.owner] if item.kind == PHASE else EVENT_MARKS[item.kind]


def band(item: WavePhase, periods: list[tuple[str, dt.date, dt.date]]) -> list[str]:
    """The item's mark in every period it overlaps, "" elsewhere (what the band formulas compute)."""
    return [mark(item) if item.start <= last and item.end >= first else "" for _, first, last in periods]


def _n_items() -> int:
    return len(wave_plan(dt.date(2026, 1, 5), REVIEW_MONTHS))


def _n_periods() -> int:
    return WAVE_WEEKS + 1 + REVIEW_MONTHS


def activities_col() -> int:
    return FIRST_BAND_COL + _n_periods()


def review_col() -> int:
    """The column of the planned reviews' status (the held review's is the next one)."""
    return activities_col() + 1


def last_col() -> int:
    return review_col() + len(REVIEW_COLUMNS) - 1


def coloured_rows() -> int:
    """The last row the band's colours cover: the latest wave's block and ``COLOURED_WAVES`` - 1
    earlier ones."""
    return FIRST_ROW + COLOURED_WAVES * (_n_items() + BLOCK_HEAD_ROWS) - BLOCK_HEAD_ROWS - 1


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    column_widths = {letter(i): w for i, w in enumerate(ITEM_WIDTHS, start=1)}
    for k in range(_n_periods()):
        column_widths[letter(FIRST_BAND_COL + k)] = BAND_WIDTH
    column_widths[letter(activities_col())] = ACTIVITIES_WIDTH
    for k, width in enumerate(REVIEW_WIDTHS):
        column_widths[letter(review_col() + k)] = width
    widths(ws, column_widths)
    last_row = coloured_rows()
    target = f"{letter(FIRST_BAND_COL)}{FIRST_ROW}:{letter(FIRST_BAND_COL + _n_periods() - 1)}{last_row}"
    for symbol, (fill, font) in MARK_COLOURS.items():
        rule = CellIsRule(
            operator="equal",
            formula=[string_literal(symbol)],
            fill=PatternFill("solid", start_color=fill, end_color=fill),
            font=Font(color=font, bold=True),
        )
        ws.conditional_formatting.add(target, rule)
    ws.freeze_panes = f"{letter(FIRST_BAND_COL)}{FIRST_ROW}"
    ws.sheet_view.showGridLines = False
    protect(ws)
    page_setup(ws, title_rows=f"{HEADER_ROW}:{TO_ROW}", title_cols="A:A")


def kickoff_of(data: CustomerData) -> dt.date | None:
    """The customer's Wave start as a date (None when blank or unreadable)."""
    try:
        return read_date(data.customer.get("Wave start"))
    except ValueError:
        return None


def as_of_of(data: CustomerData) -> dt.date:
    """The day the workbook reports on: the run's as-of date (``--as-of``), else its generation day."""
    return data.as_of or data.generated.date()


def reviews_of(data: CustomerData, kickoff: dt.date | None) -> CustomerReviews:
    """The customer's planned reviews as of the run's date, prepared with its relationship
    (``relationship_data``: the master's Reviews rows matched by ``core.reviews`` over every wave);
    without relationship data, none held."""
    rel: CustomerRelationship | None = data.relationship
    if rel is not None:
        return rel.reviews
    return customer_reviews(kickoff, [], as_of_of(data))


def wave_heading(wave: Wave, count: int, until: dt.date | None, successor: int | None) -> str:
    """'Wave 2 of 2 — kick-off 2026-10-05, Running, facilitator Hanna Berg': a block's heading; an
    earlier wave's says from when the next wave's plan holds its reviews."""
    facts = [f"kick-off {wave.kick_off.isoformat()}"]
    if wave.status:
        facts.append(wave.status)
    if wave.facilitator:
        facts.append(f"facilitator {wave.facilitator}")
    text = f"Wave {wave.number} of {count} \u2014 {', '.join(facts)}"
    if until is not None and successor is not None:
        text += f"; its reviews run until {until.isoformat()}, where wave {successor}'s plan takes over"
    return text


def blocks(waves: Sequence[Wave], wave_start: dt.date | None, as_of: dt.date) -> list[Block]:
    """The sheet's blocks: the latest wave as of ``as_of`` first, then the others from the highest
    number down (module docstring). A customer without waves gets one block of its Wave start (none
    without it); one whose only wave is its Wave start gets no heading."""
    if not waves:
        return [] if wave_start is None else [Block(None, wave_start, None, None)]
    latest = latest_wave(waves, as_of) or waves[-1]  # never None: there are waves
    until = reviews_until(waves)
    successor = {before.number: after.number for before, after in pairwise(by_kick_off(waves))}
    shown = [latest, *sorted((w for w in waves if w is not latest), key=lambda w: -w.number)]
    plain = len(waves) == 1 and waves[0].from_wave_start
    return [
        Block(
            w.number,
            w.kick_off,
            until[w.number],
            None if plain else wave_heading(w, len(waves), until[w.number], successor.get(w.number)),
        )
        for w in shown
    ]


def render(data: CustomerData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    sd.text(1, 1, "title", f"Wave plan: {ctx.settings.supplier} and {data.name}")
    sd.height(1, 24)
    kickoff = kickoff_of(data)
    reviews = reviews_of(data, kickoff)
    as_of = as_of_of(data)
    shown = tuple(blocks(data.waves, kickoff, as_of))
    # Below the title the sheet depends on the waves and the reviews alone: rendered once per
    # distinct combination (the statuses are frozen records, so the key compares them by value).
    key = (shown, as_of, tuple(reviews.planned), reviews.next, reviews.last)
    body = ctx.once_per(SHEET, key, lambda: _body(shown, reviews, as_of, ctx), keep=16)
    sd.rows(*body)
    return sd


def next_review_text(reviews: CustomerReviews, as_of: dt.date, several: bool = False) -> str:
    """The line above the plan that names the next review (what ``core.reviews.next_review`` found);
    ``several``: the customer has several waves, so the line names the review's wave."""
    following = reviews.next
    if following is None:
        return f"Reviews as of {as_of.isoformat()}: every planned review is held."
    of_wave = f" of wave {following.wave}" if several and following.wave is not None else ""
    return (
        f"Reviews as of {as_of.isoformat()}: next {following.name}{of_wave} ({following.kind}) on "
        f"{following.date.isoformat()}, {following.status}."
    )


def held_text(review: HeldReview) -> str:
    """'R-AUT-03 on 2026-04-09': a held review as the plan names it."""
    return f"{review.review_id or 'Held'} on {review.date.isoformat()}"


def last_held_text(last: HeldReview | None) -> str:
    """The line above the plan that names the last review held and its decisions."""
    if last is None:
        return "Last review held: none yet (the master's Reviews sheet records the reviews held)."
    decided = f": {last.decisions}" if last.decisions else " (no decisions recorded)"
    return f"Last review held: {held_text(last)} ({last.kind}){decided}"


def _body(
    shown: tuple[Block, ...], reviews: CustomerReviews, as_of: dt.date, ctx: RenderContext
) -> tuple[int, int, Deflated, int]:
    """Everything below the title for these blocks and reviews: (first row, last row, XML, last
    column), the XML deflated once."""
    sd = SheetData(ctx.styles)
    sd.text(2, 1, "note", LEGEND)
    sd.text(3, 1, "note", PROTECTION_NOTE)
    sd.text(KICKOFF_ROW, 1, "kv.label", "Kick-off (week 0)")
    sd.text(END_ROW, 1, "kv.label", "End of the wave (week 12)")
    sd.text(END_ROW, SUMMARY_COL, "label", last_held_text(reviews.last))
    if not shown:
        sd.blank(KICKOFF_ROW, START_COL, "kv.date")
        sd.text(
            FIRST_ROW,
            1,
            "note",
            "The master has no Wave start for this customer: the plan appears once the kick-off date is set.",
        )
        _header(sd, None, TOP, None)
        return 2, sd.max_row, Deflated.of(sd.xml()), sd.max_col
    several = len(shown) > 1
    sd.text(KICKOFF_ROW, SUMMARY_COL, "label", next_review_text(reviews, as_of, several))
    statuses = {(p.wave, p.name, p.date): p for p in reviews.planned}
    rows = TOP
    for k, block in enumerate(shown):
        if k:
            rows = block_rows(sd.max_row)
            sd.text(rows.kickoff, 1, "kv.label", "Kick-off (week 0)")
            sd.text(rows.end, 1, "kv.label", "End of the wave (week 12)")
        _block(sd, block, rows, statuses, several, ctx)
    return 2, sd.max_row, Deflated.of(sd.xml()), sd.max_col


def _block(
    sd: SheetData,
    block: Block,
    at: BlockRows,
    statuses: Mapping[tuple[int | None, str, dt.date], PlannedReview],
    several: bool,
    ctx: RenderContext,
) -> None:
    """One wave's block at the rows ``at``: heading, kick-off and end, header, periods and items."""
    styles = ctx.styles
    kickoff, kickoff_cell = block.kickoff, at.kickoff_cell
    if block.heading is not None:
        sd.text(at.heading, 1, "section", block.heading)
    sd.value(at.kickoff, START_COL, "kv.date", kickoff)
    sd.formula(at.end, START_COL, "kv.date", f"{kickoff_cell}+{WAVE_END_DAYS}", wave_end(kickoff))
    periods = gantt_periods(kickoff)
    _header(sd, periods, at, block.wave if several else None)
    # Only the dates differ between kick-off dates: the rest of each row is built once per run.
    memo = ctx.memo.setdefault(f"{SHEET} rows", {})
    for i, item in enumerate(wave_items(kickoff, block.until, REVIEW_MONTHS)):
        r = at.first + i
        marks = tuple(band(item, periods))
        key = (
            r,
            at.first_day,
            at.last_day,
            item.name,
            item.kind,
            item.weeks,
            item.owner,
            item.activities,
            marks,
        )
        if key not in memo:
            memo[key] = _static_row(styles, r, item, marks, at)
        head, tail, height = memo[key]
        start, end = f"D{r}", f"E{r}"
        if item.kind == PHASE:
            first = f"{kickoff_cell}+{7 * item.first_week}" if item.first_week else kickoff_cell
            dates = x.formula_cell(start, styles["wave.calc.date"], x.formula_text(first), item.start)
            last = f"{kickoff_cell}+{7 * item.last_week + 6}"
            dates += x.formula_cell(end, styles["wave.calc.date"], x.formula_text(last), item.end)
        else:
            dates = x.value_cell(start, styles["wave.date"], item.start)
            dates += x.value_cell(end, styles["wave.date"], item.end)
        planned = statuses.get((block.wave, item.name, item.start)) or statuses.get(
            (None, item.name, item.start)
        )
        review = _review_cells(styles, r, planned)
        sd.row_xml(r, head + dates + tail + review, last_col())
        if height:
            sd.height(r, height)


def _review_cells(styles: Mapping[str, int], r: int, planned: PlannedReview | None) -> str:
    """A row's review status and the review held for it (bordered blanks for a phase or milestone)."""
    status, held = letter(review_col()), letter(review_col() + 1)
    if planned is None:
        return x.blank_cell(f"{status}{r}", styles["wave.center"]) + x.blank_cell(
            f"{held}{r}", styles["wave.text"]
        )
    shown = held_text(planned.held) if planned.status == HELD and planned.held is not None else None
    cells = x.text_cell(f"{status}{r}", styles["wave.center"], planned.status)
    if shown is None:
        return cells + x.blank_cell(f"{held}{r}", styles["wave.text"])
    return cells + x.text_cell(f"{held}{r}", styles["wave.text"], shown)


def _static_row(
    styles: Mapping[str, int], r: int, item: WavePhase, marks: tuple[str, ...], at: BlockRows
) -> tuple[str, str, float | None]:
    """The cells of an item's row before its dates (item, kind, weeks) and after them (owner, band,
    activities), as XML, and the row's height (None for one line); the band reads the periods of
    its block (``at``)."""
    head = x.text_cell(f"A{r}", styles["wave.item.phase" if item.kind == PHASE else "wave.item"], item.name)
    head += x.text_cell(f"B{r}", styles["wave.text"], item.kind)
    head += x.text_cell(f"C{r}", styles["wave.center"], item.weeks)
    tail = x.text_cell(f"F{r}", styles["wave.center"], item.owner)
    symbol = string_literal(mark(item))
    for k, shown in enumerate(marks):
        c = letter(FIRST_BAND_COL + k)
        formula = f'IF(AND($D{r}<={c}${at.last_day},$E{r}>={c}${at.first_day}),{symbol},"")'
        tail += x.formula_cell(f"{c}{r}", styles["wave.band"], x.formula_text(formula), shown)
    text = "; ".join(item.activities)
    tail += x.text_cell(f"{letter(activities_col())}{r}", styles["wave.activities"], text)
    lines = max(text_lines(text, ACTIVITIES_WIDTH * 1.1), text_lines(item.name, ITEM_WIDTHS[0]))
    # 9 pt activities take 0.9 of a 10 pt line; no cap, so no activity is cut on the printed page
    return head, tail, min(3 + LINE_POINTS * lines * 0.9, MAX_ROW_POINTS) if lines > 1 else None


def _header(
    sd: SheetData, periods: list[tuple[str, dt.date, dt.date]] | None, at: BlockRows, wave: int | None
) -> None:
    """A block's column header and period boundaries; ``wave``: the number shown beside From and To
    when the customer has several waves (the latest wave's rows repeat on every printed page)."""
    for c, name in enumerate(ITEM_COLUMNS, start=1):
        sd.text(at.header, c, "header.calc", name)
    if wave is not None:
        sd.text(at.first_day, WAVE_LABEL_COL, "label", f"Wave {wave}")
    sd.text(at.first_day, 6, "label", "From")
    sd.text(at.last_day, 6, "label", "To")
    sd.text(at.header, activities_col(), "header.calc", "Activities")
    for k, name in enumerate(REVIEW_COLUMNS):
        sd.text(at.header, review_col() + k, "header.calc", name)
    if at == TOP:
        window = ", ".join(f"{kind} \u00b1{days} days" for kind, days in WINDOW_DAYS.items())
        sd.text(at.first_day, review_col(), "note", f"Held: a review of the Reviews sheet within {window}.")
    sd.height(at.first_day, 34)
    sd.height(at.last_day, 34)
    labels = periods or [(f"W{w}", None, None) for w in range(WAVE_WEEKS + 1)] + [
        (f"M{m}", None, None) for m in range(1, REVIEW_MONTHS + 1)
    ]
    for k, (label, first, last) in enumerate(labels):
        c = FIRST_BAND_COL + k
        sd.text(at.header, c, "wave.period.head", label)
        if first is None or last is None:
            continue
        column = letter(c)
        if k <= WAVE_WEEKS:
            start = f"{at.kickoff_cell}+{7 * k}" if k else at.kickoff_cell
            sd.formula(at.first_day, c, "wave.period", start, first)
            sd.formula(at.last_day, c, "wave.period", f"{column}{at.first_day}+6", last)
        else:
            sd.formula(at.first_day, c, "wave.period", f"{letter(c - 1)}{at.last_day}+1", first)
            sd.value(at.last_day, c, "wave.period", last)


BUILDER = SheetBuilder(name=SHEET, setup=setup, render=render)
