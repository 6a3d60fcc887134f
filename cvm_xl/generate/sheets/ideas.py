"""Ideas sheet: the customer's mother ideas, inputs editable, every computed column as a formula
(bundles included: a member reads its bundle's rows of the sheet, ``formulas.ideas``)."""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core.ranking import FEASIBILITY_SCALE
from cvm_xl.generate.formulas import idea_formulas
from cvm_xl.generate.model import CustomerData
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets.common import PROTECTION_NOTE, RenderContext, SheetBuilder, page_setup, protect
from cvm_xl.generate.sheets.table_sheet import (
    LAST_VALIDATED_ROW,
    choice,
    header,
    number_range,
    plan,
    setup_table,
    table_ref,
    validation,
    wrapped_row_heights,
    write_rows,
    yes_no_choice,
)

# Re-exported: the passbook and the master's wave sheet size their rows with these (one home:
# table_sheet).
from cvm_xl.generate.sheets.table_sheet import LINE_POINTS as LINE_POINTS
from cvm_xl.generate.sheets.table_sheet import text_lines as text_lines

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
    yes_no = yes_no_choice()  # Yes and No offered; the formulas read every spelling
    for name in L.YES_NO_COLUMNS:
        yes_no.add(f"{letter[name]}{L.FIRST_ROW}:{letter[name]}{LAST_VALIDATED_ROW}")
    ws.add_data_validation(yes_no)
    validation(ws, letter[col.CATEGORY], choice(col.CATEGORIES))
    validation(
        ws, letter[col.SHARING_METHOD], choice(L.METHOD_CHOICES, "Blank or auto: the rule of SPEC 3.5")
    )
    validation(ws, letter[col.OWNER_FIRM], choice(col.OWNER_FIRMS))
    validation(ws, letter[col.STATUS], choice(col.STATUSES))
    validation(ws, letter[col.FEASIBILITY], choice([str(v) for v in FEASIBILITY_SCALE]))  # issue 14
    share = "Supplier share is a fraction between 0 and 1: 40% or 0.4."
    validation(ws, letter[col.SUPPLIER_SHARE], number_range("decimal", "0", "1", share))
    for name in (col.START, col.END):
        validation(ws, letter[name], number_range("date", "1", None, "Enter a date, e.g. 2026-03-31."))
    amount = "Enter an amount in currency units, or leave blank."
    for name in col.VALUE_INPUTS:
        validation(ws, letter[name], number_range("decimal", "-1E+15", "1E+15", amount))
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
    # The columns do not fit one page: three pages wide, ID to title repeated on each.
    page_setup(ws, title_rows=f"{L.HEADER_ROW}:{L.HEADER_ROW}", title_cols="A:C", fit_width=3)


WRAPPED = tuple(c for c in L.IDEA_COLUMNS if c.style == "in.text.wrap")


def row_heights(sd: SheetData, data: CustomerData) -> None:
    """Rows tall enough for wrapped titles and descriptions, however long (Excel does not fit
    them on opening): ``table_sheet.wrapped_row_heights``."""
    wrapped_row_heights(sd, WRAPPED, data.ideas, data.n_ideas, L.FIRST_ROW)


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
