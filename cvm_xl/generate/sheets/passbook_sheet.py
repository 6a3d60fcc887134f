"""Passbook sheet (SPEC §3.6), live: three lines per idea of the workbook with an "In passbook" flag
that follows the idea's Status on the Ideas sheet, the value realised so far beside them (the
Tracking sheet, rows added below included), balances per firm, each firm's share, the equity gap
and what to do about it.

Every figure is a formula (``generate.live_formulas``): a customer who sets an idea to Signed off
(in any spelling), or types a tracking row, sees the balances, the gap and the advice move.

Below the lines (issue 15), each idea marked True-up = Yes at generation has its Settlement line
(``core.true_up``: the transfer recomputed per contract year on the Tracking sheet's realised values,
less the planned one, a year under way planned up to the idea's last reported month; the balances
include it) with the planned and realised transfers to date, who owes whom and the idea's last
report, and under it the contract years it is computed from, live over the Ideas and Tracking
sheets. Under the advice, the ideas that would close the equity gap (``core.closers``) are named as
a snapshot of the generation.
"""

from __future__ import annotations

import math

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.books.passbook import realised_by_idea
from cvm_xl.core import columns as col
from cvm_xl.core.closers import equity_closer
from cvm_xl.core.passbook import (
    BALANCE_TOLERANCE,
    LINE_CUSTOMER_VALUE,
    LINE_KINDS,
    LINE_SETTLEMENT,
    LINE_SUPPLIER_VALUE,
    LINE_TRANSFER,
    Balances,
    equity_advice,
    equity_reading,
    in_passbook,
    whole_amount,
)
from cvm_xl.core.tracking import CUSTOMER_REALISED, MONTH, SUPPLIER_REALISED, month_date, month_end, month_of
from cvm_xl.core.true_up import (
    YearTrueUp,
    compared_through,
    idea_share,
    is_true_up,
    last_reported,
    last_reported_day,
    plan_years,
    realised_months,
    row_years,
    rows_by_year,
    settlement_reading,
)
from cvm_xl.generate import formulas as F
from cvm_xl.generate import live_formulas as LF
from cvm_xl.generate.model import CustomerData
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets import chain_sheet
from cvm_xl.generate.sheets.common import (
    PROTECTION_NOTE,
    RenderContext,
    SheetBuilder,
    page_setup,
    protect,
    widths,
)
from cvm_xl.generate.sheets.ideas import LINE_POINTS, text_lines
from cvm_xl.spreadsheet import xmltext as x
from cvm_xl.spreadsheet.xmltext import (
    criterion_literal,
    formula_text,
    letter,
    lookup_literal,
    string_literal,
)

AMOUNT_SOURCE = {LINE_SUPPLIER_VALUE: col.SUPPLIER_VALUE, LINE_CUSTOMER_VALUE: col.CUSTOMER_VALUE,
                 LINE_TRANSFER: col.TRANSFER}  # fmt: skip
HEADER_STYLE = ("header.input",) + ("header.calc",) * (len(L.PASSBOOK_COLUMNS) - 1)
TITLE_WIDTH = 42
WIDTHS = {"A": 11, "B": TITLE_WIDTH, "C": 13, "D": 10, "E": 15, "F": 14, "G": 14, "H": 14, "I": 15,
          "J": 34, "K": 16, "L": 14, "M": 12, "N": 10, "O": 10, "P": 12}  # fmt: skip
REALISED_HEADER = "Realised to date"
REALISED_COL = L.PASSBOOK_REALISED_COL
# Below the balance block: the realised figures, then the plain-language suggestion (J:K merged).
SUGGESTION_LABEL_ROW = L.BALANCE_ROWS["reading"] + 5
SUGGESTION_ROW, SUGGESTION_LINES = SUGGESTION_LABEL_ROW + 1, 4
LABEL_COL = L.PASSBOOK_REALISED_COL + 1  # J
VALUE_COL = LABEL_COL + 1  # K
REALISED_SOURCE = LF.REALISED_SOURCE
_P = L.PASSBOOK_LETTER
# Under the advice and its note: the ideas that would close the gap (a snapshot, J:K merged).
NOTE_ROW = SUGGESTION_ROW + SUGGESTION_LINES + 1
CLOSERS_LABEL_ROW = NOTE_ROW + 3
CLOSERS_ROW, CLOSERS_LINES = CLOSERS_LABEL_ROW + 1, 4
# The true-up block starts below the lines and below the balance block, whichever ends lower.
TRUE_UP_BELOW = CLOSERS_ROW + CLOSERS_LINES
SETTLEMENT_HEADER = (
    col.IDEA_ID, col.TITLE, col.STATUS, L.IN_PASSBOOK, "Line", "Settlement", "Supplier", "Customer",
    "Planned transfer to date", "Realised transfer to date", "Who owes whom", "Last reported",
)  # fmt: skip
YEAR_HEADER = (col.IDEA_ID, "Contract year", "From", "To", "Tracking rows", "Supplier planned",
               "Customer planned", "Supplier realised", "Customer realised", "Planned transfer",
               "Realised transfer", "Settlement", "Method", "Supplier share", "Start month",
               "Plan to month")  # fmt: skip


def advice_text(b: Balances, supplier: str, customer: str) -> str:
    """What the advice cell shows for these balances (``equity_advice``, its amounts as the cells
    beside it show them)."""
    return equity_advice(b, supplier, customer)


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    widths(ws, WIDTHS)
    ws.freeze_panes = f"A{L.PASSBOOK_FIRST_ROW}"
    last = SUGGESTION_ROW + SUGGESTION_LINES - 1
    ws.merge_cells(f"{L.BALANCE_LABEL_COL}{SUGGESTION_ROW}:{L.BALANCE_VALUE_COL}{last}")
    closers_last = CLOSERS_ROW + CLOSERS_LINES - 1
    ws.merge_cells(f"{L.BALANCE_LABEL_COL}{CLOSERS_ROW}:{L.BALANCE_VALUE_COL}{closers_last}")
    protect(ws)
    page_setup(ws, title_rows=f"{L.PASSBOOK_HEADER_ROW}:{L.PASSBOOK_HEADER_ROW}")


def render(data: CustomerData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    s = ctx.settings
    sd.text(L.TITLE_ROW, 1, "title", f"Passbook: {s.supplier} and {data.name}")
    sd.height(L.TITLE_ROW, 24)
    sd.text(
        L.NOTE_ROW,
        1,
        "note",
        "Live: every idea of the Ideas sheet has three lines (the value each firm gets and the transfer "
        "from supplier to customer); it is in the passbook while its Status there is Signed off, "
        "Implementing or Delivered. The Supplier and Customer columns show how a line moves each firm's "
        "balance; Realised to date adds up the Tracking sheet."
        + (
            " A chain idea's transfer is its split's flow from supplier to customer (see the Chain sheet)."
            if data.chain is not None
            else ""
        ),
    )
    sd.text(L.NOTE_ROW + 1, 1, "note", PROTECTION_NOTE)
    hr = L.PASSBOOK_HEADER_ROW
    for c, (name, style) in enumerate(zip(L.PASSBOOK_COLUMNS, HEADER_STYLE, strict=True), start=1):
        sd.text(hr, c, style, name)
    sd.text(hr, REALISED_COL, "header.calc", REALISED_HEADER)
    sd.height(hr, 20)
    realised = _realised(data)
    rows = _lines(data, ctx, realised)
    if rows:
        sd.block(L.PASSBOOK_FIRST_ROW, rows, REALISED_COL)
        for i, title in enumerate(data.ideas[col.TITLE]):
            lines = text_lines(title, TITLE_WIDTH)
            if lines > 1:  # the whole title shows, on each of the idea's three lines
                for k in range(len(LINE_KINDS)):
                    sd.height(L.PASSBOOK_FIRST_ROW + len(LINE_KINDS) * i + k, 3 + LINE_POINTS * lines)
    else:
        sd.text(L.PASSBOOK_FIRST_ROW, 1, "note", "The workbook has no ideas yet.")
    settlement_rows = _true_up(sd, data, ctx)
    _balances(sd, data, ctx, realised, settlement_rows)
    return sd


def _lines(data: CustomerData, ctx: RenderContext, realised: dict[tuple[str, str], float]) -> list[str]:
    """The cells of the lines, one string per row: three rows per idea in the Ideas sheet's order."""
    st = ctx.styles
    money, text, centre = st["calc.money"], st["calc.text.wrap"], st["calc.center"]
    ideas = data.ideas
    ideas_last = LF.ideas_last_row(data.n_ideas)
    tracking_last = LF.tracking_last_row(len(data.tracking[col.IDEA_ID]))
    out: list[str] = []
    r = L.PASSBOOK_FIRST_ROW
    # A chain idea's transfer is its split's net flow from the supplier to the customer (issue 16),
    # read from its row on the Chain sheet rather than from the Ideas sheet's two-firm Transfer.
    chain = {} if data.chain is None else {i.idea_id: i.supplier_to_customer for i in data.chain.ideas}
    for i, raw_id in enumerate(ideas[col.IDEA_ID]):
        idea_id = str(raw_id).strip()
        criterion = formula_text(criterion_literal(idea_id))
        lookup = formula_text(lookup_literal(idea_id))
        status = ideas[col.STATUS][i]
        entered = in_passbook(status)
        flag = L.IN_PASSBOOK_YES if entered else L.IN_PASSBOOK_NO
        first = r
        amounts = {kind: _number(ideas[AMOUNT_SOURCE[kind]][i]) for kind in LINE_KINDS}
        if idea_id in chain:
            amounts[LINE_TRANSFER] = chain[idea_id]
        for kind in LINE_KINDS:
            cells = [x.value_cell(f"A{r}", st["fixed.text"], raw_id)]
            if r == first:
                title = LF.idea_text_template(col.TITLE).replace(F.ID_SLOT, lookup)
                status_now = LF.idea_text_template(col.STATUS).replace(F.ID_SLOT, lookup)
                cells += [
                    x.formula_cell(f"B{r}", text, title, ideas[col.TITLE][i]),
                    x.formula_cell(f"C{r}", centre, status_now, status),
                    x.formula_cell(f"D{r}", centre, formula_text(LF.in_passbook(f"C{r}")), flag),
                ]
            else:  # the idea's other lines repeat its first line's title, status and flag
                cells += [
                    x.formula_cell(f"{c}{r}", style, f"{c}{first}", value)
                    for c, style, value in (("B", text, ideas[col.TITLE][i]), ("C", centre, status),
                                            ("D", centre, flag))
                ]  # fmt: skip
            cells.append(x.text_cell(f"E{r}", st["fixed.text"], kind))
            amount = amounts[kind]
            source = LF.idea_amount_template(AMOUNT_SOURCE[kind], ideas_last).replace(F.ID_SLOT, criterion)
            if kind == LINE_TRANSFER and idea_id in chain and data.chain is not None:
                source = formula_text(chain_sheet.flow_cell(data.chain, idea_id))
            cells.append(x.formula_cell(f"F{r}", money, source, amount))
            cells += _moves(r, kind, amount if entered else 0.0, money)
            if kind in REALISED_SOURCE:
                so_far = realised.get((idea_id, kind), 0.0)
                formula = LF.realised_template(kind, tracking_last).replace(F.ID_SLOT, criterion)
                cells.append(x.formula_cell(f"{letter(REALISED_COL)}{r}", money, formula, so_far))
            else:
                cells.append(x.blank_cell(f"{letter(REALISED_COL)}{r}", money))
            out.append("".join(cells))
            r += 1
    return out


def _number(value: object) -> float:
    """An amount as SUMIFS gives it: a blank (unquantified) value counts as 0."""
    return 0.0 if value is None or value != value else float(value)  # type: ignore[arg-type]


def _moves(r: int, kind: str, amount: float, money: int) -> list[str]:
    """How the line moves each firm's balance (``passbook_lines``): a value line moves one firm's,
    a transfer both; nothing while the idea is out of the passbook."""
    flag, f = f"$D{r}", f"F{r}"
    supplier = {
        LINE_SUPPLIER_VALUE: (f, amount),
        LINE_CUSTOMER_VALUE: None,
        LINE_TRANSFER: (f"-{f}", -amount),
    }
    customer = {LINE_SUPPLIER_VALUE: None, LINE_CUSTOMER_VALUE: (f, amount), LINE_TRANSFER: (f, amount)}
    cells = []
    for c, side in ((_P["Supplier"], supplier[kind]), (_P["Customer"], customer[kind])):
        if side is None:
            cells.append(f'<c r="{c}{r}" s="{money}"><v>0</v></c>')
        else:
            cells.append(
                x.formula_cell(f"{c}{r}", money, formula_text(LF.moves(flag, side[0])), side[1] + 0.0)
            )
    return cells


def _realised(data: CustomerData) -> dict[tuple[str, str], float]:
    """(Idea ID, line kind) -> the value realised so far, from the customer's tracking rows."""
    per_idea = data.realised
    if per_idea is None:  # not prepared by the run: from the customer's own tracking rows
        totals = realised_by_idea(pd.DataFrame(data.tracking))
        per_idea = {
            str(idea): (float(row[SUPPLIER_REALISED]), float(row[CUSTOMER_REALISED]))
            for idea, row in totals.iterrows()
        }
    supplier, customer = REALISED_SOURCE
    out: dict[tuple[str, str], float] = {}
    for idea, (by_supplier, by_customer) in per_idea.items():
        out[(idea, supplier)] = by_supplier
        out[(idea, customer)] = by_customer
    return out


def _balances(
    sd: SheetData,
    data: CustomerData,
    ctx: RenderContext,
    realised_so_far: dict[tuple[str, str], float],
    settlement_rows: tuple[int, int] | None,
) -> None:
    b = data.balances
    lc, vc = LABEL_COL, VALUE_COL
    rows = L.BALANCE_ROWS
    v = L.BALANCE_VALUE_COL
    bs, bc, total = (f"{v}{rows[k]}" for k in ("supplier", "customer", "total"))
    last = LF.passbook_last_row(data.n_ideas)

    def balance(side: str) -> str:  # the lines, and the Settlement lines of the true-up ideas
        x = _P[side]
        extra = "" if settlement_rows is None else f",${x}${settlement_rows[0]}:${x}${settlement_rows[1]}"
        return f"SUM({LF.column(side, last)}{extra})"

    supplier, customer = balance("Supplier"), balance("Customer")
    sd.text(L.PASSBOOK_HEADER_ROW, lc, "header.calc", "Balances (live)")
    sd.text(L.PASSBOOK_HEADER_ROW, vc, "header.calc", ctx.settings.currency)
    items = (
        ("supplier", f"{ctx.settings.supplier} balance (Bs)", supplier, b.supplier, "kv.money"),
        ("customer", "Customer balance (Bc)", customer, b.customer, "kv.money"),
        ("total", "Total value created", f"{bs}+{bc}", b.total, "kv.money"),
        ("target", "Target supplier share", L.SETTING_NAMES["target_supplier_share"], b.target_supplier_share,
         "kv.share"),
        ("share", "Supplier share of the total", f'IF({total}=0,"",{bs}/{total})',
         b.supplier_share, "kv.share"),
        ("gap", "Equity gap (Bs - target x total)", f"{bs}-{v}{rows['target']}*{total}",
         b.equity_gap, "kv.money"),
        ("reading", "Reading", _reading(f"{v}{rows['gap']}"), equity_reading(b.equity_gap), "kv.text"),
    )  # fmt: skip
    for key, label, formula, cached, style in items:
        sd.text(rows[key], lc, "kv.label", label)
        sd.formula(rows[key], vc, style, formula, cached)
    _standing(sd, data, ctx, realised_so_far)
    sd.text(NOTE_ROW, lc, "note", "Equity gap > 0: the supplier is ahead by that amount (it owes the")
    sd.text(NOTE_ROW + 1, lc, "note", "relationship ideas or a transfer); < 0: the customer is ahead.")
    _closers(sd, data, ctx)


def closers_text(data: CustomerData, ctx: RenderContext) -> str:
    """The ideas that would close the equity gap, best first (``core.closers``, the top three), as
    the generation saw them: a snapshot, labelled with its date."""
    s = ctx.settings
    found = equity_closer(
        pd.DataFrame(data.decided_ideas),  # issue 16: a chain idea by its chain verdict and split
        s,
        passbook=data.balances,
    )
    when = f"as generated on {data.generated:%Y-%m-%d}"
    if not found.needed:
        return f"No idea is needed to close the gap ({when}): it is within the equity tolerance."
    if not found.top:
        return f"Ideas that would close the gap ({when}): no open Go idea shrinks it."
    named = ", ".join(f"{c.idea_id} {c.title} (shrinks it by {whole_amount(c.shrink)})" for c in found.top)
    return f"Ideas that would close the gap ({when}): {named}."


def _closers(sd: SheetData, data: CustomerData, ctx: RenderContext) -> None:
    lc, vc = LABEL_COL, VALUE_COL
    sd.text(CLOSERS_LABEL_ROW, lc, "section", "Ideas that would close the gap (snapshot)")
    sd.blank(CLOSERS_LABEL_ROW, vc, "section")
    sd.text(CLOSERS_ROW, lc, "suggestion", closers_text(data, ctx))
    for r in range(CLOSERS_ROW, CLOSERS_ROW + CLOSERS_LINES):  # the rest of the merged block
        for c in (lc, vc):
            if (r, c) != (CLOSERS_ROW, lc):
                sd.blank(r, c, "suggestion")


def _true_up(sd: SheetData, data: CustomerData, ctx: RenderContext) -> tuple[int, int] | None:
    """The Settlement lines of the ideas marked True-up = Yes and the contract years they are
    computed from (``core.true_up``); returns the rows of the Settlement lines (None without any)."""
    ideas = data.ideas
    trued = (
        [i for i, flag in enumerate(ideas[col.TRUE_UP]) if is_true_up(flag)] if col.TRUE_UP in ideas else []
    )
    if not trued:
        return None
    s = ctx.settings
    top = max(LF.passbook_last_row(data.n_ideas), TRUE_UP_BELOW) + 2
    sd.text(top, 1, "section", "True-up on realised value")
    sd.text(
        top + 1,
        1,
        "note",
        "Ideas marked True-up = Yes when this workbook was generated. Per contract year from the Wave "
        "start, the idea's split method over the Tracking sheet's realised values, less the same over the "
        "plan up to the idea's last reported month (Plan to month); only years with a Tracking row count. "
        "Settlement > 0: the supplier owes the customer.",
    )
    header = top + 3
    for c, name in enumerate(SETTLEMENT_HEADER, start=1):
        sd.text(header, c, "header.calc", name)
    first_line = {i: L.PASSBOOK_FIRST_ROW + len(LINE_KINDS) * i for i in trued}
    settlement_row = {i: header + 1 + k for k, i in enumerate(trued)}
    wave = data.wave
    year_top = header + len(trued) + 2
    tracking_last = LF.tracking_last_row(len(data.tracking[col.IDEA_ID]))
    ideas_last = LF.ideas_last_row(data.n_ideas)
    years: dict[int, tuple[YearTrueUp, ...]] = {}
    if wave is None:
        sd.text(
            year_top, 1, "note", "No Wave start: the contract years cannot be placed, so nothing is trued up."
        )
    else:
        realised = realised_months(pd.DataFrame(data.tracking))
        sd.text(year_top, 1, "section", "True-up by contract year")
        for c, name in enumerate(YEAR_HEADER, start=1):
            sd.text(year_top + 1, c, "header.calc", name)
        r = year_top + 2
        for i in trued:
            row = {name: values[i] for name, values in ideas.items()}
            idea_id = str(ideas[col.IDEA_ID][i]).strip()
            least = max(math.ceil(s.horizon_years), plan_years(row.get(col.START), s.horizon_years, wave))
            own = realised.get(idea_id, [])
            years[i] = row_years(row, wave, own, s, least)
            counts = rows_by_year(data.tracking[col.IDEA_ID], data.tracking[MONTH], idea_id, wave)
            reported_to = last_reported(own)
            for y in years[i]:
                through = compared_through(y.year - 1, wave, reported_to)
                _year_row(sd, r, y, row, idea_id, (wave, through), counts.get(y.year - 1, 0),
                          settlement_row[i], (tracking_last, ideas_last), ctx)  # fmt: skip
                r += 1
        year_rows = (year_top + 2, r - 1)
    for i in trued:
        r = settlement_row[i]
        first = first_line[i]
        idea_id = str(ideas[col.IDEA_ID][i]).strip()
        status = ideas[col.STATUS][i]
        entered = in_passbook(status)
        flag = L.IN_PASSBOOK_YES if entered else L.IN_PASSBOOK_NO
        sd.value(r, 1, "fixed.text", ideas[col.IDEA_ID][i])
        sd.formula(r, 2, "calc.text.wrap", f"B{first}", ideas[col.TITLE][i])
        sd.formula(r, 3, "calc.center", f"C{first}", status)
        sd.formula(r, 4, "calc.center", f"D{first}", flag)
        sd.text(r, 5, "fixed.text", LINE_SETTLEMENT)
        reported = [y for y in years.get(i, ()) if y.reported]
        amount = math.fsum(y.settlement for y in reported) + 0.0
        planned = math.fsum(y.planned_transfer for y in reported) + 0.0
        realised_t = math.fsum(y.realised_transfer for y in reported) + 0.0
        if wave is None:
            sd.number(r, 6, "calc.money", 0.0)
            planned_f = realised_f = None
        else:
            criterion = criterion_literal(idea_id)
            a, b = year_rows
            ids, done = f"$A${a}:$A${b}", f"$E${a}:$E${b}"
            settled = f"SUMIFS($L${a}:$L${b},{ids},{criterion})"
            shown_now = amount if is_true_up(ideas[col.TRUE_UP][i]) else 0.0
            sd.formula(r, 6, "calc.money", f"IF({LF.is_trued_up(idea_id)},{settled},0)", shown_now)
            planned_f = f'SUMIFS($J${a}:$J${b},{ids},{criterion},{done},">0")'
            realised_f = f'SUMIFS($K${a}:$K${b},{ids},{criterion},{done},">0")'
        shown = amount if is_true_up(ideas[col.TRUE_UP][i]) else 0.0
        sd.formula(r, 7, "calc.money", LF.moves(f"$D{r}", f"-F{r}"), (-shown if entered else 0.0) + 0.0)
        sd.formula(r, 8, "calc.money", LF.moves(f"$D{r}", f"F{r}"), (shown if entered else 0.0) + 0.0)
        if planned_f is not None and realised_f is not None:
            sd.formula(r, 9, "calc.money", planned_f, planned)
            sd.formula(r, 10, "calc.money", realised_f, realised_t)
        else:
            sd.number(r, 9, "calc.money", 0.0)
            sd.number(r, 10, "calc.money", 0.0)
        reading = settlement_reading(shown, s.supplier, data.name)
        sd.formula(r, 11, "calc.text", LF.settlement_reading(f"F{r}", s.supplier, data.name), reading)
        day = last_reported_day(data.tracking[col.IDEA_ID], data.tracking[MONTH], idea_id)
        latest = LF.last_reported_day(criterion_literal(idea_id), string_literal(idea_id), tracking_last)
        sd.array_formula(r, 12, "calc.date", latest, day)
    return settlement_row[trued[0]], settlement_row[trued[-1]]


def _year_row(
    sd: SheetData,
    r: int,
    y: YearTrueUp,
    idea: dict[str, object],
    idea_id: str,
    months: tuple[int, int],
    tracked: int,
    settlement_row: int,
    last: tuple[int, int],
    ctx: RenderContext,
) -> None:
    """One contract year of a true-up idea: the year's plan (to the month in P) and realised values,
    both transfers and the settlement, over the idea's method (M), share (N) and Start month (O) on
    the same row. ``months``: the wave's month index and the year's ``compared_through`` month; the
    idea's last report is on its Settlement line (L)."""
    tracking_last, ideas_last = last
    wave, through = months
    criterion = criterion_literal(idea_id)
    first_year = y.year == 1
    start_month, stop_month = wave + 12 * (y.year - 1), wave + 12 * y.year
    sd.value(r, 1, "fixed.text", idea.get(col.IDEA_ID))
    sd.text(r, 2, "fixed.text", f"Year {y.year}")
    sd.value(r, 3, "fixed.date", month_date(start_month))
    sd.value(r, 4, "fixed.date", month_end(stop_month - 1))
    criteria = LF.year_criteria(first_year, f"$C{r}", f"$D{r}", tracking_last)
    sd.formula(r, 5, "calc.count", LF.year_rows(criterion, criteria, tracking_last), tracked)
    flag = f"$D${settlement_row}"
    span = (None if first_year else start_month, stop_month)
    compared = LF.compared_through(span, f"$L${settlement_row}")
    sd.formula(r, 16, "calc.count", compared, through)
    for c, (annual, one_time), cached in (
        (6, (col.SUPPLIER_ANNUAL, col.SUPPLIER_ONE_TIME), y.planned_supplier),
        (7, (col.CUSTOMER_ANNUAL, col.CUSTOMER_ONE_TIME), y.planned_customer),
    ):
        formula = LF.year_planned(
            flag, f"$O{r}", criterion, annual, one_time, (span[0], f"$P{r}"), ideas_last
        )
        sd.formula(r, c, "calc.money", formula, cached)
    for c, name, cached in (
        (8, SUPPLIER_REALISED, y.realised_supplier),
        (9, CUSTOMER_REALISED, y.realised_customer),
    ):
        sd.formula(r, c, "calc.money", LF.year_realised(criterion, name, criteria, tracking_last), cached)
    share = f"$N{r}"
    sd.formula(r, 10, "calc.money", LF.year_transfer(f"$M{r}", f"F{r}", f"G{r}", share), y.planned_transfer)
    sd.formula(r, 11, "calc.money", LF.year_transfer(f"$M{r}", f"H{r}", f"I{r}", share), y.realised_transfer)
    sd.formula(r, 12, "calc.money", LF.year_settlement(f"E{r}", f"J{r}", f"K{r}"), y.settlement)
    method = idea.get(col.SPLIT_METHOD)
    sd.formula(r, 13, "calc.center", LF.idea_text(idea_id, col.SPLIT_METHOD), method)
    sd.formula(
        r, 14, "calc.share", LF.applied_share(idea_id), idea_share(idea.get(col.SUPPLIER_SHARE), ctx.settings)
    )
    start = month_of(idea.get(col.START))
    sd.formula(r, 15, "calc.count", LF.plan_month(criterion, ideas_last), "" if start is None else start)


def _reading(gap: str) -> str:
    """``equity_reading`` as a formula over the equity gap cell."""
    return f'IF(ABS({gap})<={BALANCE_TOLERANCE},"Balanced",IF({gap}>0,"Supplier ahead","Customer ahead"))'


def _standing(
    sd: SheetData, data: CustomerData, ctx: RenderContext, realised_so_far: dict[tuple[str, str], float]
) -> None:
    """Below the balances: the customer's share, the value realised so far and the suggestion."""
    b = data.balances
    lc, vc = LABEL_COL, VALUE_COL
    rows, v = L.BALANCE_ROWS, L.BALANCE_VALUE_COL
    entered = {
        str(i).strip() for i, status in zip(data.ideas[col.IDEA_ID], data.ideas[col.STATUS], strict=True)
        if in_passbook(status)
    }  # fmt: skip
    realised = {kind: 0.0 for kind in REALISED_SOURCE}
    for (idea, kind), amount in realised_so_far.items():
        if idea in entered:
            realised[kind] += amount
    supplier, customer = ctx.settings.supplier, data.name
    h = letter(REALISED_COL)
    last = LF.passbook_last_row(data.n_ideas)
    total = f"{v}{rows['total']}"
    items = (
        ("Customer share of the total", f'IF({total}=0,"",{v}{rows["customer"]}/{total})',
         b.customer / b.total if b.total else None, "kv.share"),
        ("Supplier value realised to date", LF.realised_in_passbook(h, LINE_SUPPLIER_VALUE, last),
         realised[LINE_SUPPLIER_VALUE], "kv.money"),
        ("Customer value realised to date", LF.realised_in_passbook(h, LINE_CUSTOMER_VALUE, last),
         realised[LINE_CUSTOMER_VALUE], "kv.money"),
    )  # fmt: skip
    for offset, (label, formula, cached, style) in enumerate(items, start=1):
        sd.text(rows["reading"] + offset, lc, "kv.label", label)
        sd.formula(rows["reading"] + offset, vc, style, formula, cached)
    sd.text(SUGGESTION_LABEL_ROW, lc, "section", "Suggestion")
    sd.blank(SUGGESTION_LABEL_ROW, vc, "section")
    gap = f"{v}{rows['gap']}"
    advice = advice_text(b, supplier, customer)
    sd.formula(SUGGESTION_ROW, lc, "suggestion", LF.advice(gap, supplier, customer), advice)
    for r in range(SUGGESTION_ROW, SUGGESTION_ROW + SUGGESTION_LINES):  # the rest of the merged block
        for c in (lc, vc):
            if (r, c) != (SUGGESTION_ROW, lc):
                sd.blank(r, c, "suggestion")


BUILDER = SheetBuilder(name=L.PASSBOOK, setup=setup, render=render)
