"""Ideas sheet: the customer's mother ideas, inputs editable, the 13 computed columns as formulas."""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core import spellings
from cvm_xl.generate.formulas import idea_formulas
from cvm_xl.generate.model import CustomerData
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets.common import PROTECTION_NOTE, RenderContext, SheetBuilder, page_setup, protect
from cvm_xl.generate.sheets.table_sheet import (
    choice,
    header,
    plan,
    setup_table,
    table_ref,
    validation,
    write_rows,
)

TABLE = "IdeasTable"
VERDICT_FILLS = {
    "GO_PRIORITY": ("A9D08E", "1E5631"),
    "GO": ("E2EFDA", "1E5631"),
    "GO_GOOD_FAITH": ("DDEBF7", "1F3864"),
    "POSTPONE_SMALL": ("FFF2CC", "7F6000"),
    "POSTPONE_QUANTIFY": ("FFF2CC", "7F6000"),
    "SHELVE": ("FCE4D6", "843C0C"),
    "NO_GO": ("F8CBAD", "9C0006"),
}


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    setup_table(ws, L.IDEA_COLUMNS, TABLE)
    ws.freeze_panes = f"D{L.FIRST_ROW}"
    letter = L.IDEA_LETTER
    yes_no = choice(spellings.YES_NO[0])  # the canonical pair; the formulas read every spelling
    for name in L.YES_NO_COLUMNS:
        yes_no.add(f"{letter[name]}{L.FIRST_ROW}:{letter[name]}5000")
    ws.add_data_validation(yes_no)
    validation(ws, letter[col.CATEGORY], choice(col.CATEGORIES))
    validation(
        ws, letter[col.SHARING_METHOD], choice(L.METHOD_CHOICES, "Blank or auto: the rule of SPEC 3.5")
    )
    validation(ws, letter[col.OWNER_FIRM], choice(col.OWNER_FIRMS))
    validation(ws, letter[col.STATUS], choice(col.STATUSES))
    share = DataValidation(type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True)
    share.error, share.showErrorMessage = "Supplier share is a fraction between 0 and 1 (e.g. 40%).", True
    validation(ws, letter[col.SUPPLIER_SHARE], share)
    for name in (col.START, col.END):
        date = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
        date.error, date.showErrorMessage = "Enter a date, e.g. 2026-03-31.", True
        validation(ws, letter[name], date)
    for name in col.VALUE_INPUTS:
        amount = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15")
        amount.allow_blank = True
        amount.error, amount.showErrorMessage = "Enter an amount in currency units, or leave blank.", True
        validation(ws, letter[name], amount)
    code = letter[col.VERDICT_CODE]
    target = f"{letter[col.VERDICT]}{L.FIRST_ROW}:{code}5000"
    for verdict_code, (fill, font) in VERDICT_FILLS.items():
        rule = FormulaRule(
            formula=[f'${code}{L.FIRST_ROW}="{verdict_code}"'],
            fill=PatternFill("solid", start_color=fill, end_color=fill),
            font=Font(color=font),
        )
        ws.conditional_formatting.add(target, rule)
    protect(ws)
    # 32 columns do not fit one page: three pages wide, ID to title repeated on each.
    page_setup(ws, title_rows=f"{L.HEADER_ROW}:{L.HEADER_ROW}", title_cols="A:C", fit_width=3)


WRAPPED = tuple(c for c in L.IDEA_COLUMNS if c.style == "in.text.wrap")
LINE_POINTS = 12.75
MAX_LINES = 4  # longer texts are cut in the grid (they stay whole in the cell)


def text_lines(text: object, width: float) -> int:
    """Lines a wrapped text takes in a column of this width (10 pt Calibri, about 1.15 chars per unit)."""
    if not isinstance(text, str) or not text:
        return 1
    chars = max(1, int(width * 1.15))
    # Word wrapping leaves lines about 10% short of full; newlines start lines of their own.
    return sum(-(-int(len(part) * 1.1) // chars) or 1 for part in text.split("\n"))


def row_heights(sd: SheetData, data: CustomerData) -> None:
    """Rows tall enough for wrapped titles and descriptions (Excel does not fit them on opening)."""
    for i in range(data.n_ideas):
        lines = max(text_lines(data.ideas[c.name][i], c.width) for c in WRAPPED)
        if lines > 1:
            sd.height(L.FIRST_ROW + i, 3 + LINE_POINTS * min(lines, MAX_LINES))


def render(data: CustomerData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    sd.text(L.TITLE_ROW, 1, "title", f"Ideas: {data.name}")
    sd.height(L.TITLE_ROW, 24)
    sd.text(
        L.NOTE_ROW,
        1,
        "note",
        "Blue headers are inputs you may correct; grey columns are computed by formulas from them "
        f"and the Settings sheet. {PROTECTION_NOTE}",
    )
    header(sd, L.IDEA_COLUMNS)
    plans = ctx.once("ideas", lambda: plan(L.IDEA_COLUMNS, ctx.styles, idea_formulas()))
    write_rows(sd, plans, data.ideas, data.n_ideas, L.FIRST_ROW)
    row_heights(sd, data)
    return sd


BUILDER = SheetBuilder(
    name=L.IDEAS,
    setup=setup,
    render=render,
    tables={TABLE: lambda data: table_ref(L.IDEA_COLUMNS, data.n_ideas)},
)
