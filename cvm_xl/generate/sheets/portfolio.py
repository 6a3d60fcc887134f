"""Portfolio sheet of the consolidated sign-off: whom to do CVM with, and how each relationship stands.

One row per customer, in the order of the Summary sheet: the four prerequisites of the Tata Steel
paper with Eligible and the reasons for a No (``readiness.screen_customers`` with the Settings'
thresholds), the CVM totals (formulas reading the Summary sheet's row of the same customer), and
the relationship overview (``readiness.relationship_overview``: readiness, current stage,
maturity verdict, risks, issues, exit reviews, objectives). The consolidated sign-off is internal
to the supplier, so out-of-bounds relationship rows count here like any other.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets import consolidated as C
from cvm_xl.generate.sheets.common import RenderContext, SheetBuilder, page_setup, widths
from cvm_xl.master.model import Master
from cvm_xl.readiness import overview as ov
from cvm_xl.readiness.screening import ELIGIBLE, REASONS, SCREENING_INPUTS, ScreeningThresholds, needed_text
from cvm_xl.spreadsheet.xmltext import letter

NAME = "Portfolio"
HEADER_ROW, FIRST = C.FIRST - 1, C.FIRST  # the Summary sheet's rows: row r is the same customer
# CVM totals: Portfolio header -> the Summary column it reads
TOTALS = {
    "Ideas": "Ideas",
    "Net value (Go ideas)": "Net value (Go ideas)",
    "Transfers (Go ideas)": "Transfers (Go ideas)",
    "Equity gap": "Equity gap",
}
OVERVIEW = ov.RELATIONSHIP_COLUMNS
COLUMNS = ("Customer ID", "Customer", *SCREENING_INPUTS, ELIGIBLE, REASONS, *TOTALS, *OVERVIEW)
LETTER = {name: letter(i) for i, name in enumerate(COLUMNS, start=1)}
_STYLES = {
    **dict.fromkeys(SCREENING_INPUTS, "fixed.center"),
    ELIGIBLE: "calc.center",
    REASONS: "calc.text.wrap",
    ov.READINESS: "calc.share",
    ov.CURRENT_STAGE: "calc.text",
    ov.MATURITY_VERDICT: "calc.text",
    ov.OBJECTIVES_COMPLETE: "calc.center",
}
REASON_CHARS_PER_LINE = 55  # in the Reasons column's width, 10 pt
_WIDTHS = {
    "Customer ID": 12, "Customer": 26, ELIGIBLE: 9, REASONS: 48, ov.CURRENT_STAGE: 18,
    ov.MATURITY_VERDICT: 22, **dict.fromkeys(TOTALS, 14),
}  # fmt: skip


@dataclass
class PortfolioData(C.ConsolidatedData):
    """The consolidated data plus one relationship overview row per customer, in the same order."""

    overview: pd.DataFrame


def portfolio_data(data: C.ConsolidatedData, master: Master, today: dt.date) -> PortfolioData:
    """``data`` with the overview of ``master``'s customers (screening with the Settings' thresholds)."""
    thresholds = ScreeningThresholds.of(master.settings)
    overview = ov.relationship_overview(master.customers, master.relationship, today, thresholds)
    return PortfolioData(
        data.detail, data.customers, data.target_supplier_share, overview.reset_index(drop=True)
    )


def _summary_totals(data: C.ConsolidatedData) -> tuple[dict[str, str], list[list[float]]]:
    """The Summary column letter of each total, and each customer's cached totals."""
    figures = C.SHEET_FIGURES[C.SUMMARY](data.target_supplier_share)
    heads = [f.header for f in figures]
    letters = {name: letter(3 + heads.index(source)) for name, source in TOTALS.items()}
    detail = data.detail
    groups = {str(k): g for k, g in detail.groupby("Customer ID", sort=False)} if len(detail) else {}
    values = []
    for cid in data.customers["Customer ID"]:
        rows = groups.get(str(cid), detail.iloc[0:0])
        done = C.figure_values(figures, rows)
        values.append([done[heads.index(source)] for source in TOTALS.values()])
    return letters, values


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    widths(ws, {LETTER[name]: _WIDTHS.get(name, 12) for name in COLUMNS})
    ws.freeze_panes = f"C{FIRST}"
    eligible = LETTER[ELIGIBLE]
    for text, colour in (("Yes", "C6EFCE"), ("No", "FFC7CE")):
        fill = PatternFill("solid", start_color=colour, end_color=colour)
        rule = FormulaRule(formula=[f'${eligible}{FIRST}="{text}"'], fill=fill)
        ws.conditional_formatting.add(f"{eligible}{FIRST}:{eligible}5000", rule)
    # About 25 columns: two pages wide, the customer's ID and name repeated, so the text stays legible.
    page_setup(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}", title_cols="A:B", fit_width=2)


def render(data: PortfolioData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    s = ctx.settings
    t = ScreeningThresholds.of(s)
    sd.text(1, 1, "title", "Portfolio: CVM customers, their prerequisites and their relationships")
    sd.height(1, 24)
    note = f"Eligible: {needed_text(t)} (Settings). CVM totals in {s.currency} read the {C.SUMMARY} sheet."
    sd.text(2, 1, "note", note)
    for name in COLUMNS:
        computed = name in TOTALS or name in OVERVIEW or name in (ELIGIBLE, REASONS)
        sd.text(HEADER_ROW, _col(name), "header.calc" if computed else "header.input", name)
    sd.height(HEADER_ROW, 45)
    letters, totals = _summary_totals(data)
    summary = C.SUMMARY
    overview = data.overview
    for i, record in enumerate(data.customers.itertuples(index=False)):
        r = FIRST + i
        row = overview.iloc[i]
        sd.value(r, 1, "fixed.text", str(record[0]))
        sd.value(r, 2, "fixed.text", record[1])
        for name in (*SCREENING_INPUTS, ELIGIBLE, REASONS, *OVERVIEW):
            sd.value(r, _col(name), _STYLES.get(name, "calc.count"), row[name])
        lines = math.ceil(len(row[REASONS] or "") / REASON_CHARS_PER_LINE)
        if lines > 1:
            sd.height(r, 13 * min(lines, 6) + 2)
        for k, name in enumerate(TOTALS):
            style = "calc.count" if name == "Ideas" else "calc.money"
            sd.formula(r, _col(name), style, f"{summary}!${letters[name]}{r}", totals[i][k])
    tr = FIRST + len(data.customers)
    sd.text(tr, 1, "total.label", "Total")
    for c in range(2, len(COLUMNS) + 1):
        sd.blank(tr, c, "total.label")
    eligible = LETTER[ELIGIBLE]
    n_yes = int((overview[ELIGIBLE] == "Yes").sum())
    sd.formula(
        tr, _col(ELIGIBLE), "total.count", f'COUNTIFS(${eligible}{FIRST}:${eligible}{tr - 1},"Yes")', n_yes
    )
    for k, name in enumerate(TOTALS):
        style = "total.count" if name == "Ideas" else "total.money"
        cached = sum(v[k] for v in totals)
        sd.formula(tr, _col(name), style, f"{summary}!${letters[name]}{tr}", cached)
    return sd


def _col(name: str) -> int:
    return COLUMNS.index(name) + 1


BUILDER = SheetBuilder(name=NAME, setup=setup, render=render)
