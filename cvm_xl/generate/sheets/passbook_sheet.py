"""Passbook sheet: three lines per signed-off idea, balances per firm and the equity gap (SPEC §3.6)."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from ... import columns as col
from ...passbook import LINE_CUSTOMER_VALUE, LINE_SUPPLIER_VALUE
from .. import formulas as F
from .. import layout as L
from .. import xmltext as x
from ..model import CustomerData
from ..sheetdata import SheetData
from ..xmltext import criterion_literal, formula_text
from .common import PROTECTION_NOTE, RenderContext, SheetBuilder, page_setup, protect, widths
from .table_sheet import plan, row_cells

SOURCE = {LINE_SUPPLIER_VALUE: col.SUPPLIER_VALUE, LINE_CUSTOMER_VALUE: col.CUSTOMER_VALUE}
HEADER_STYLE = ("header.input",) * 4 + ("header.calc",) * 3
LINE_COLUMNS = (
    L.Column(col.IDEA_ID, 11, "fixed.text"),
    L.Column(col.TITLE, 42, "fixed.text"),
    L.Column(col.STATUS, 13, "fixed.center"),
    L.Column("Line", 16, "fixed.text"),
)


def equity_reading(gap: float) -> str:
    rounded = round(gap, 2)
    return "Supplier ahead" if rounded > 0 else "Customer ahead" if rounded < 0 else "Balanced"


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    widths(ws, {"A": 11, "B": 42, "C": 13, "D": 16, "E": 14, "F": 14, "G": 14, "H": 3, "I": 34, "J": 16})
    ws.freeze_panes = f"A{L.PASSBOOK_FIRST_ROW}"
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
    sd.height(hr, 20)
    lines = data.passbook
    plans = ctx.once("passbook", lambda: plan(LINE_COLUMNS, ctx.styles))
    n = len(lines["Line"])
    texts = row_cells(plans, lines, n, L.PASSBOOK_FIRST_ROW)  # type: ignore[arg-type]
    money = ctx.styles["calc.money"]
    cell = x.formula_cell
    rows = []
    for i, kind in enumerate(lines["Line"]):
        r = L.PASSBOOK_FIRST_ROW + i
        literal = formula_text(criterion_literal(str(lines[col.IDEA_ID][i])))
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
        rows.append(texts[i] + cell(f"E{r}", money, amount, lines["Amount"][i]) + sides)
    if rows:
        sd.block(L.PASSBOOK_FIRST_ROW, rows, len(L.PASSBOOK_COLUMNS))
    if not lines["Line"]:
        sd.text(L.PASSBOOK_FIRST_ROW, 1, "note", "No idea is signed off, implementing or delivered yet.")
    _balances(sd, data, ctx)
    return sd


def _balances(sd: SheetData, data: CustomerData, ctx: RenderContext) -> None:
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
            f'IF(ROUND({v}{rows["gap"]},2)>0,"Supplier ahead",IF(ROUND({v}{rows["gap"]},2)<0,'
            f'"Customer ahead","Balanced"))',
            equity_reading(b.equity_gap),
            "kv.text",
        ),
    )
    for key, label, formula, cached, style in items:
        sd.text(rows[key], lc, "kv.label", label)
        sd.formula(rows[key], vc, style, formula, cached)
    note = rows["reading"] + 2
    sd.text(note, lc, "note", "Equity gap > 0: the supplier is ahead by that amount (it owes the")
    sd.text(note + 1, lc, "note", "relationship ideas or a transfer); < 0: the customer is ahead.")


BUILDER = SheetBuilder(name=L.PASSBOOK, setup=setup, render=render)  # type: ignore[arg-type]
