"""Passbook sheet (SPEC §3.6), live: three lines per idea of the workbook with an "In passbook" flag
that follows the idea's Status on the Ideas sheet, the value realised so far beside them (the
Tracking sheet, rows added below included), balances per firm, each firm's share, the equity gap
and what to do about it.

Every figure is a formula (``generate.live_formulas``): a customer who sets an idea to Signed off
(in any spelling), or types a tracking row, sees the balances, the gap and the advice move.
"""

from __future__ import annotations

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.books.passbook import realised_by_idea
from cvm_xl.core import columns as col
from cvm_xl.core.passbook import (
    BALANCE_TOLERANCE,
    LINE_CUSTOMER_VALUE,
    LINE_KINDS,
    LINE_SUPPLIER_VALUE,
    LINE_TRANSFER,
    Balances,
    equity_advice,
    equity_reading,
    in_passbook,
)
from cvm_xl.core.tracking import CUSTOMER_REALISED, SUPPLIER_REALISED
from cvm_xl.generate import formulas as F
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
from cvm_xl.generate.sheets.ideas import LINE_POINTS, text_lines
from cvm_xl.spreadsheet import xmltext as x
from cvm_xl.spreadsheet.xmltext import criterion_literal, formula_text, letter, lookup_literal

AMOUNT_SOURCE = {LINE_SUPPLIER_VALUE: col.SUPPLIER_VALUE, LINE_CUSTOMER_VALUE: col.CUSTOMER_VALUE,
                 LINE_TRANSFER: col.TRANSFER}  # fmt: skip
HEADER_STYLE = ("header.input",) + ("header.calc",) * (len(L.PASSBOOK_COLUMNS) - 1)
TITLE_WIDTH = 42
WIDTHS = {"A": 11, "B": TITLE_WIDTH, "C": 13, "D": 10, "E": 15, "F": 14, "G": 14, "H": 14, "I": 15,
          "J": 34, "K": 16}  # fmt: skip
REALISED_HEADER = "Realised to date"
REALISED_COL = L.PASSBOOK_REALISED_COL
# Below the balance block: the realised figures, then the plain-language suggestion (J:K merged).
SUGGESTION_LABEL_ROW = L.BALANCE_ROWS["reading"] + 5
SUGGESTION_ROW, SUGGESTION_LINES = SUGGESTION_LABEL_ROW + 1, 4
LABEL_COL = L.PASSBOOK_REALISED_COL + 1  # J
VALUE_COL = LABEL_COL + 1  # K
REALISED_SOURCE = LF.REALISED_SOURCE
_P = L.PASSBOOK_LETTER


def advice_text(b: Balances, supplier: str, customer: str) -> str:
    """What the advice cell shows for these balances (``equity_advice``, its amounts as the cells
    beside it show them)."""
    return equity_advice(b, supplier, customer)


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    widths(ws, WIDTHS)
    ws.freeze_panes = f"A{L.PASSBOOK_FIRST_ROW}"
    last = SUGGESTION_ROW + SUGGESTION_LINES - 1
    ws.merge_cells(f"{L.BALANCE_LABEL_COL}{SUGGESTION_ROW}:{L.BALANCE_VALUE_COL}{last}")
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
        "balance; Realised to date adds up the Tracking sheet.",
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
    _balances(sd, data, ctx, realised)
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
    for i, raw_id in enumerate(ideas[col.IDEA_ID]):
        idea_id = str(raw_id).strip()
        criterion = formula_text(criterion_literal(idea_id))
        lookup = formula_text(lookup_literal(idea_id))
        status = ideas[col.STATUS][i]
        entered = in_passbook(status)
        flag = L.IN_PASSBOOK_YES if entered else L.IN_PASSBOOK_NO
        first = r
        amounts = {kind: _number(ideas[AMOUNT_SOURCE[kind]][i]) for kind in LINE_KINDS}
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
    sd: SheetData, data: CustomerData, ctx: RenderContext, realised_so_far: dict[tuple[str, str], float]
) -> None:
    b = data.balances
    lc, vc = LABEL_COL, VALUE_COL
    rows = L.BALANCE_ROWS
    v = L.BALANCE_VALUE_COL
    bs, bc, total = (f"{v}{rows[k]}" for k in ("supplier", "customer", "total"))
    last = LF.passbook_last_row(data.n_ideas)
    supplier, customer = (f"SUM({LF.column(side, last)})" for side in ("Supplier", "Customer"))
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
    note = SUGGESTION_ROW + SUGGESTION_LINES + 1
    sd.text(note, lc, "note", "Equity gap > 0: the supplier is ahead by that amount (it owes the")
    sd.text(note + 1, lc, "note", "relationship ideas or a transfer); < 0: the customer is ahead.")


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
