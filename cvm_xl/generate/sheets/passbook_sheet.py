"""Passbook sheet: three lines per signed-off idea with the value realised so far beside them,
balances per firm, each firm's share, the equity gap and what to do about it (SPEC §3.6)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.books.passbook import realised_by_idea
from cvm_xl.core import columns as col
from cvm_xl.core.passbook import (
    BALANCE_TOLERANCE,
    LINE_CUSTOMER_VALUE,
    LINE_SUPPLIER_VALUE,
    Balances,
    equity_advice,
    equity_reading,
)
from cvm_xl.core.tracking import CUSTOMER_REALISED, SUPPLIER_REALISED
from cvm_xl.generate import formulas as F
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
from cvm_xl.generate.sheets.table_sheet import plan, row_cells
from cvm_xl.spreadsheet import xmltext as x
from cvm_xl.spreadsheet.xmltext import criterion_literal, formula_text, letter, string_literal

SOURCE = {LINE_SUPPLIER_VALUE: col.SUPPLIER_VALUE, LINE_CUSTOMER_VALUE: col.CUSTOMER_VALUE}
HEADER_STYLE = ("header.input",) * 4 + ("header.calc",) * 3
LINE_COLUMNS = (
    L.Column(col.IDEA_ID, 11, "fixed.text"),
    L.Column(col.TITLE, 42, "fixed.text"),
    L.Column(col.STATUS, 13, "fixed.center"),
    L.Column("Line", 16, "fixed.text"),
)


REALISED_HEADER = "Realised to date"
# Below the balance block: the realised figures, then the plain-language suggestion (I:J merged).
SUGGESTION_LABEL_ROW = L.BALANCE_ROWS["reading"] + 5
SUGGESTION_ROW, SUGGESTION_LINES = SUGGESTION_LABEL_ROW + 1, 4
REALISED_COL = len(L.PASSBOOK_COLUMNS) + 1  # H, beside the planned lines
_TRACKING_LETTER = {c.name: letter(i) for i, c in enumerate(L.TRACKING_COLUMNS_LAYOUT, start=1)}
# A value line's realised amount: what the Tracking sheet records for the idea and firm (rows with
# a month, as the monthly report counts them); a transfer is agreed, not tracked.
REALISED_SOURCE = {LINE_SUPPLIER_VALUE: SUPPLIER_REALISED, LINE_CUSTOMER_VALUE: CUSTOMER_REALISED}


def _tracking_column(name: str) -> str:
    x = _TRACKING_LETTER[name]
    return f"{L.TRACKING}!${x}:${x}"


def realised_formula(idea_criterion: str, line: str) -> str:
    month = _tracking_column("Month")
    return (
        f"SUMIFS({_tracking_column(REALISED_SOURCE[line])},{_tracking_column(col.IDEA_ID)},"
        f'{idea_criterion},{month},"<>")'
    )


def _whole(amount: float) -> str:
    """A whole amount as a formula's ROUND(x,0)&"" shows it (half away from zero, no separators)."""
    return str(int(Decimal(repr(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def advice_text(b: Balances, supplier: str, customer: str) -> str:
    """``equity_advice`` as the sheet's formula shows it: whole amounts without thousands separators
    (the classic functions allowed in the workbook cannot group digits)."""
    text = equity_advice(b, supplier, customer)
    return text.replace(f"{abs(b.equity_gap):,.0f}", _whole(abs(b.equity_gap)))


def advice_formula(gap: str, supplier: str, customer: str) -> str:
    """The sentences of ``equity_advice`` as a formula over the equity gap cell."""

    def sentence(*parts: str) -> str:  # texts, with the amount between them
        amount = f"&ROUND(ABS({gap}),0)&"
        return amount.join(string_literal(p) for p in parts)

    s, c = supplier, customer
    balanced = string_literal(f"Balanced: {s} and {c} are at the target share.")
    ahead = sentence(f"{s} ahead by ", f": look for ideas that favour {c}, or transfer ", f" to {c}.")
    premium = " (e.g. as a price premium)."
    behind = sentence(f"{c} ahead by ", f": look for ideas that favour {s}, or {c} transfers ", premium)
    return f"IF(ABS({gap})<={BALANCE_TOLERANCE},{balanced},IF({gap}>0,{ahead},{behind}))"


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    widths(ws, {"A": 11, "B": 42, "C": 13, "D": 16, "E": 14, "F": 14, "G": 14, "H": 15, "I": 34, "J": 16})
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
        "Every idea signed off, implementing or delivered enters with three lines: "
        "the value each firm gets and the transfer from supplier to customer. The Supplier and "
        "Customer columns show how a line moves each firm's balance.",
    )
    sd.text(L.NOTE_ROW + 1, 1, "note", PROTECTION_NOTE)
    hr = L.PASSBOOK_HEADER_ROW
    for c, (name, style) in enumerate(zip(L.PASSBOOK_COLUMNS, HEADER_STYLE, strict=True), start=1):
        sd.text(hr, c, style, name)
    sd.text(hr, REALISED_COL, "header.calc", REALISED_HEADER)
    sd.height(hr, 20)
    lines = data.passbook
    plans = ctx.once("passbook", lambda: plan(LINE_COLUMNS, ctx.styles))
    n = len(lines["Line"])
    texts = row_cells(plans, lines, n, L.PASSBOOK_FIRST_ROW)
    money = ctx.styles["calc.money"]
    cell = x.formula_cell
    realised = _realised(data)
    h = letter(REALISED_COL)
    rows = []
    for i, kind in enumerate(lines["Line"]):
        r = L.PASSBOOK_FIRST_ROW + i
        criterion = criterion_literal(str(lines[col.IDEA_ID][i]))
        literal = formula_text(criterion)
        amount = F.sum_template(SOURCE.get(kind, col.TRANSFER)).replace(F.ID_SLOT, literal)
        # A value line moves one firm's balance (the other side is a plain 0); a transfer moves both.
        zero_supplier = f'<c r="F{r}" s="{money}"><v>0</v></c>'
        zero_customer = f'<c r="G{r}" s="{money}"><v>0</v></c>'
        if kind == LINE_SUPPLIER_VALUE:
            sides = cell(f"F{r}", money, f"E{r}", lines["Supplier"][i]) + zero_customer
        elif kind == LINE_CUSTOMER_VALUE:
            sides = zero_supplier + cell(f"G{r}", money, f"E{r}", lines["Customer"][i])
        else:
            sides = cell(f"F{r}", money, f"-E{r}", lines["Supplier"][i]) + cell(
                f"G{r}", money, f"E{r}", lines["Customer"][i]
            )
        if kind in REALISED_SOURCE:
            so_far = realised.get((str(lines[col.IDEA_ID][i]).strip(), kind), 0.0)
            tracked = cell(f"{h}{r}", money, formula_text(realised_formula(criterion, kind)), so_far)
        else:
            tracked = x.blank_cell(f"{h}{r}", money)
        rows.append(texts[i] + cell(f"E{r}", money, amount, lines["Amount"][i]) + sides + tracked)
    if rows:
        sd.block(L.PASSBOOK_FIRST_ROW, rows, REALISED_COL)
    if not lines["Line"]:
        sd.text(L.PASSBOOK_FIRST_ROW, 1, "note", "No idea is signed off, implementing or delivered yet.")
    _balances(sd, data, ctx, realised)
    return sd


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
    lc, vc = 9, 10
    rows = L.BALANCE_ROWS
    v = L.BALANCE_VALUE_COL
    sd.text(L.PASSBOOK_HEADER_ROW, lc, "header.calc", "Balances")
    sd.text(L.PASSBOOK_HEADER_ROW, vc, "header.calc", ctx.settings.currency)
    items = (
        ("supplier", f"{ctx.settings.supplier} balance (Bs)", "SUM($F:$F)", b.supplier, "kv.money"),
        ("customer", "Customer balance (Bc)", "SUM($G:$G)", b.customer, "kv.money"),
        ("total", "Total value created", f"{v}{rows['supplier']}+{v}{rows['customer']}", b.total, "kv.money"),
        (
            "target",
            "Target supplier share",
            L.SETTING_NAMES["target_supplier_share"],
            b.target_supplier_share,
            "kv.share",
        ),
        (
            "share",
            "Supplier share of the total",
            f'IF({v}{rows["total"]}=0,"",{v}{rows["supplier"]}/{v}{rows["total"]})',
            b.supplier_share,
            "kv.share",
        ),
        (
            "gap",
            "Equity gap (Bs - target x total)",
            f"{v}{rows['supplier']}-{v}{rows['target']}*{v}{rows['total']}",
            b.equity_gap,
            "kv.money",
        ),
        (
            "reading",
            "Reading",
            f'IF(ABS({v}{rows["gap"]})<={BALANCE_TOLERANCE},"Balanced",'
            f'IF({v}{rows["gap"]}>0,"Supplier ahead","Customer ahead"))',
            equity_reading(b.equity_gap),
            "kv.text",
        ),
    )
    for key, label, formula, cached, style in items:
        sd.text(rows[key], lc, "kv.label", label)
        sd.formula(rows[key], vc, style, formula, cached)
    _standing(sd, data, ctx, lc, vc, realised_so_far)
    note = SUGGESTION_ROW + SUGGESTION_LINES + 1
    sd.text(note, lc, "note", "Equity gap > 0: the supplier is ahead by that amount (it owes the")
    sd.text(note + 1, lc, "note", "relationship ideas or a transfer); < 0: the customer is ahead.")


def _standing(
    sd: SheetData,
    data: CustomerData,
    ctx: RenderContext,
    lc: int,
    vc: int,
    realised_so_far: dict[tuple[str, str], float],
) -> None:
    """Below the balances: the customer's share, the suggestion and the value realised so far."""
    b = data.balances
    rows, v = L.BALANCE_ROWS, L.BALANCE_VALUE_COL
    h = letter(REALISED_COL)
    in_passbook = {str(i).strip() for i in data.passbook[col.IDEA_ID]}
    realised = {kind: 0.0 for kind in REALISED_SOURCE}
    for (idea, kind), amount in realised_so_far.items():
        if idea in in_passbook:
            realised[kind] += amount
    supplier, customer = ctx.settings.supplier, data.name

    def realised_sum(kind: str) -> str:
        return f"SUMIFS(${h}:${h},$D:$D,{string_literal(kind)})"

    items = (
        (
            "Customer share of the total",
            f'IF({v}{rows["total"]}=0,"",{v}{rows["customer"]}/{v}{rows["total"]})',
            b.customer / b.total if b.total else None,
            "kv.share",
        ),
        ("Supplier value realised to date", realised_sum(LINE_SUPPLIER_VALUE), realised[LINE_SUPPLIER_VALUE],
         "kv.money"),
        ("Customer value realised to date", realised_sum(LINE_CUSTOMER_VALUE), realised[LINE_CUSTOMER_VALUE],
         "kv.money"),
    )  # fmt: skip
    for offset, (label, formula, cached, style) in enumerate(items, start=1):
        sd.text(rows["reading"] + offset, lc, "kv.label", label)
        sd.formula(rows["reading"] + offset, vc, style, formula, cached)
    sd.text(SUGGESTION_LABEL_ROW, lc, "section", "Suggestion")
    sd.blank(SUGGESTION_LABEL_ROW, vc, "section")
    gap = f"{v}{rows['gap']}"
    advice = advice_text(b, supplier, customer)
    sd.formula(SUGGESTION_ROW, lc, "suggestion", advice_formula(gap, supplier, customer), advice)
    for r in range(SUGGESTION_ROW, SUGGESTION_ROW + SUGGESTION_LINES):  # the rest of the merged block
        for c in (lc, vc):
            if (r, c) != (SUGGESTION_ROW, lc):
                sd.blank(r, c, "suggestion")


BUILDER = SheetBuilder(name=L.PASSBOOK, setup=setup, render=render)
