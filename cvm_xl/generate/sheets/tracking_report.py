"""Monthly report sheet: planned against realised value and the value contract, for stakeholders.

The figures follow the conventions of ``cvm_xl.core.tracking``: per calendar month each firm's planned
and realised value and the running totals, and per contract year the customer's Value guarantee
against the value delivered to it, with the shortfall. The core computes them (``report_data``
slices a whole run: ``RunData`` hands each customer its ``MonthlyReport``); this module only writes
them, and the contract years' shortfall and status as the core's own formulas (``STATUS_FORMULA``).

The month-by-month amounts are written as numbers (what the master recorded when the workbook was
generated); every figure a reader would trace — running totals, value to date, the contract years'
planned and delivered value, shortfall, status and the column totals — is a formula over them. A
native line chart shows the customer's cumulative planned and realised value.

The chart's range is the same in every workbook of a run (``chart_months`` from the wave start), so
the month table always spans at least that many months; months after the plan has ended show a
planned value of 0, and realised cells stay empty after the last reported month, so the realised
line stops there instead of running flat into the future.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping

from openpyxl.chart import LineChart, Reference
from openpyxl.chart.axis import TextAxis
from openpyxl.chart.legend import Legend
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.core import columns as col
from cvm_xl.core.cells import parse_number
from cvm_xl.core.settings import Settings
from cvm_xl.core.tracking import (
    AMOUNTS,
    CONTRACT_COLUMNS,
    CUMULATIVE,
    CUSTOMER_PLANNED,
    CUSTOMER_REALISED,
    FIRST_YEAR_CRITERIA,
    IDEA_FIELDS,
    INVESTMENTS,
    LATER_YEAR_CRITERIA,
    MONTH,
    MONTH_TABLE,
    NO_PARTS,
    RECEIVED_FORMULA,
    SHORTFALL_FORMULA,
    STATUS_FORMULA,
    SUPPLIER_PLANNED,
    SUPPLIER_REALISED,
    TRACKING_FIELDS,
    TRANSFERS_RECEIVED,
    WAVE_START,
    MonthlyReport,
    chart_months,
    contract_year,
    month_date,
    month_end,
    month_index,
    month_of,
    month_shares,
    plan_start,
    relationship_report,
    tracked_month,
)
from cvm_xl.core.value_contract import contract_parts
from cvm_xl.core.values import is_blank
from cvm_xl.generate import live_formulas as LF
from cvm_xl.generate.model import CustomerData
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets.common import (
    PROTECTION_NOTE,
    RenderContext,
    SheetBuilder,
    chart_size,
    page_setup,
    protect,
    widths,
)
from cvm_xl.master.model import Master
from cvm_xl.spreadsheet import xmltext as x
from cvm_xl.spreadsheet.xmltext import letter

SHEET = "Monthly report"
CONTRACT_TABLE = CONTRACT_COLUMNS[2:]  # the contract years' columns, without the customer
SECTION_ROW, HEADER_ROW, FIRST_ROW = 22, 23, 24
# Three hidden helper columns after the month table (J: the last day of a month the Tracking sheet
# reports, else 0; K: the chart's copy of the cumulative realised customer value; L: the month's
# contract year when it plans or reports anything, else 0), then one empty column and the contract
# years.
HELPER = letter(len(MONTH_TABLE) + 1)
CHART_COL = letter(len(MONTH_TABLE) + 2)
YEAR_HELPER = letter(len(MONTH_TABLE) + 3)  # L: the month's contract year when it has a figure, else 0
HELPERS = (HELPER, CHART_COL, YEAR_HELPER)
CONTRACT_COL = len(MONTH_TABLE) + 5  # N
REALISED = frozenset({SUPPLIER_REALISED, CUSTOMER_REALISED})
FIGURES_ROW = 5
REPORTED_ROW, GUARANTEE_ROW = FIGURES_ROW + 5, FIGURES_ROW + 6
REPORTED_CELL, GUARANTEE_CELL = f"$C${REPORTED_ROW}", f"$C${GUARANTEE_ROW}"
SERIES_COLOURS = ("8EA9DB", "C00000")


def customer_report(data: CustomerData, window: int) -> MonthlyReport:
    """The customer's report as the run prepared it, else computed from the customer's own rows."""
    if data.report is not None:
        return data.report
    return relationship_report(data.customer, data.ideas, data.tracking, data.settings.horizon_years, window)


def master_reports(master: Master, window: int = 0) -> list[MonthlyReport]:
    """The report of every customer of a master, in the Customers table's order."""
    evaluated = master.evaluated
    by_customer = {
        str(cid): {name: rows[name].tolist() for name in IDEA_FIELDS}
        for cid, rows in evaluated.groupby(col.CUSTOMER_ID, sort=False)
    }
    empty: dict[str, list[object]] = {name: [] for name in IDEA_FIELDS}
    tracking = {
        name: master.tracking[name].tolist()
        if name in master.tracking.columns
        else [None] * len(master.tracking)
        for name in TRACKING_FIELDS
    }
    parts = contract_parts(master.customers, evaluated, master.tracking, master.settings)
    return [
        relationship_report(
            customer, by_customer.get(str(customer[col.CUSTOMER_ID]), empty), tracking,
            master.settings.horizon_years, window, parts.get(str(customer[col.CUSTOMER_ID]), NO_PARTS),
        )
        for customer in master.customers.to_dict("records")
    ]  # fmt: skip


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    column_widths: dict[str, float] = {"A": 11}
    for c in range(2, len(MONTH_TABLE) + 1):
        column_widths[letter(c)] = 12.5
    column_widths[letter(CONTRACT_COL - 1)] = 2
    for c, width in enumerate((6, 11, 11, 12.5, 12.5, 12.5, 12.5, 12, *(12.5,) * 4), start=CONTRACT_COL):
        column_widths[letter(c)] = width
    widths(ws, column_widths)
    for helper in HELPERS:  # figures for the formulas and the chart, not for reading
        ws.column_dimensions[helper].hidden = True
    months = chart_months(ctx.settings)
    realised_col = len(MONTH_TABLE) + 2
    chart = cumulative_chart(
        ws, "Cumulative customer value", HEADER_ROW, FIRST_ROW + months - 1, realised_col
    )
    chart.visible_cells_only = False  # the realised line is drawn from the hidden column K
    chart_size(chart, 21.0, 7.6)
    for series in chart.series:
        series.graphicalProperties.line.width = 28575  # 2.25 pt
    month_axis = chart.x_axis
    # LineChart() makes a category (text) axis; the stubs type it as any axis
    assert isinstance(month_axis, TextAxis), "a line chart without a category axis"
    month_axis.tickLblSkip = 3
    ws.add_chart(chart, "F4")
    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.sheet_view.showGridLines = False
    protect(ws)
    page_setup(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")


def cumulative_chart(
    ws: Worksheet, title: str, header_row: int, last: int, realised_col: int | None = None
) -> LineChart:
    """The line chart of a month table's cumulative customer value, planned (dashed) and realised:
    the table's header is ``header_row``, its months run from the next row to ``last``; the realised
    line comes from the table's own column, or from ``realised_col``. The Monthly report sheet
    (SPEC §7, tracking) and the master's Monthly report draw the same chart."""
    chart = LineChart()
    chart.title = title
    chart.style = 2
    columns = (1 + MONTH_TABLE.index(CUMULATIVE[CUSTOMER_PLANNED]),
               realised_col or 1 + MONTH_TABLE.index(CUMULATIVE[CUSTOMER_REALISED]))  # fmt: skip
    for c in columns:
        chart.add_data(Reference(ws, min_col=c, min_row=header_row, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=last))
    for series, colour in zip(chart.series, SERIES_COLOURS, strict=True):
        series.graphicalProperties = GraphicalProperties()
        series.graphicalProperties.line.solidFill = colour
        series.smooth = False
    chart.series[0].graphicalProperties.line.dashStyle = "dash"
    chart.x_axis.number_format = "mmm yy"
    chart.x_axis.tickLblPos = "low"  # below the plot even when the values go negative
    chart.y_axis.number_format = "#,##0"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend = Legend(legendPos="b")
    chart.display_blanks = "gap"
    return chart


def _sum(column: str, last: int) -> str:
    x = letter(1 + MONTH_TABLE.index(column))
    return f"SUM(${x}${FIRST_ROW}:${x}${last})"


def render(data: CustomerData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    s = ctx.settings
    report = customer_report(data, chart_months(s))
    sd.text(1, 1, "title", f"Monthly report: {s.supplier} and {data.name}")
    sd.height(1, 24)
    sd.text(
        2,
        1,
        "note",
        f"Planned: each signed-off idea's annual value spread evenly over the months from its Start for "
        f"{s.horizon_years:g} years, one-time amounts in the Start month, before transfers. Realised: the "
        f"Tracking sheet. In {s.currency}. Live: the figures follow the Ideas sheet's Status, Start and "
        "amounts and the Tracking rows you add, for the months listed below (from the generation).",
    )
    sd.text(3, 1, "note", PROTECTION_NOTE)
    table = report.table
    n = len(table[MONTH])
    last = FIRST_ROW + max(n, 1) - 1
    _figures(sd, report, s, data.name, last, n)
    sd.text(SECTION_ROW, 1, "section", "Month by month")
    for c, name in enumerate(MONTH_TABLE, start=1):
        sd.text(HEADER_ROW, c, "header.input" if c == 1 else "header.calc", name)
    sd.text(HEADER_ROW, len(MONTH_TABLE) + 1, "header.calc", "Reported month ends")
    sd.text(HEADER_ROW, len(MONTH_TABLE) + 2, "header.calc", CUMULATIVE[CUSTOMER_REALISED])
    sd.height(HEADER_ROW, 42)
    if not n:
        sd.text(FIRST_ROW, 1, "note", "Nothing planned or tracked yet, and no Wave start.")
    if n:
        sd.block(FIRST_ROW, _month_rows(data, table, ctx), len(MONTH_TABLE) + len(HELPERS))
    pairs = [(name, 1 + MONTH_TABLE.index(name), 1 + MONTH_TABLE.index(CUMULATIVE[name])) for name in AMOUNTS]
    if n:
        total = FIRST_ROW + n
        sd.text(total, 1, "total.label", "Total")
        for name, c, cum_c in pairs:
            sd.formula(total, c, "total.money", _sum(name, total - 1), report.total(name))
            sd.blank(total, cum_c, "total.label")
    _contract(sd, data, report, last)
    return sd


def _month_rows(data: CustomerData, table: dict[str, list], ctx: RenderContext) -> list[str]:
    """The cells of the month table, one string per month, all live (``live_formulas``): the month,
    each firm's planned value from the Ideas sheet (Status, Start, amounts), its realised value from
    the Tracking sheet (blank after the last month reported, so the chart's line stops there), the
    running totals, the hidden helpers and the chart's copy of the realised total.

    A row's cells differ between workbooks of a run only in their cached numbers when its position,
    month and contract year are the same: the XML around the numbers is built once per run.
    """
    templates = ctx.memo.setdefault(f"{SHEET} rows", {})
    # The Ideas and Tracking rows the formulas read (the same in most workbooks of a run).
    bounds = (LF.ideas_last_row(data.n_ideas), LF.tracking_last_row(len(data.tracking[col.IDEA_ID])))
    reported_months = _reported_months(data)
    figure_months = reported_months | _planned_months(data)
    wave = month_of(data.customer.get(WAVE_START))
    rows = []
    for i, month in enumerate(table[MONTH]):
        index = month_index(month)
        year = None if wave is None else contract_year(index, wave) + 1
        reported = table[SUPPLIER_REALISED][i] == table[SUPPLIER_REALISED][i]  # not NaN
        numbers = [table[name][i] for name in _NUMBERED if reported or name not in _REALISED_COLUMNS]
        numbers.append(x.excel_date(month_date(index + 1)) - 1 if index in reported_months else 0)
        if reported:  # the chart's copy of the cumulative realised customer value
            numbers.append(table[CUMULATIVE[CUSTOMER_REALISED]][i])
        if year is not None:
            numbers.append(year if index in figure_months else 0)
        total = math.fsum(float(v) for v in numbers)
        key = (i, index, year, reported, bounds)
        template = templates.get(key)
        if template is None:
            template = templates[key] = _month_template(i, index, year, reported, bounds, ctx.styles)
        if total - total == 0.0:  # every number finite: the common case
            rows.append(template % tuple(x.number_text(v) for v in numbers))
        else:
            rows.append(_month_template(i, index, year, reported, bounds, ctx.styles, iter(numbers).__next__))
    return rows


# The month table's numbers in the order a row's template takes them (after the month itself).
_NUMBERED = (*AMOUNTS, *(CUMULATIVE[a] for a in AMOUNTS))
_PLANNED = frozenset({SUPPLIER_PLANNED, CUSTOMER_PLANNED})  # LF.planned: array formulas
_REALISED_COLUMNS = frozenset({SUPPLIER_REALISED, CUSTOMER_REALISED, CUMULATIVE[SUPPLIER_REALISED],
                               CUMULATIVE[CUSTOMER_REALISED]})  # fmt: skip


def _month_template(
    i: int,
    index: int,
    year: int | None,
    reported: bool,
    bounds: tuple[int, int],
    styles: Mapping[str, int],
    value: Callable[[], object] | None = None,
) -> str:
    """One month's cells as a %-template (``%s`` for each cached number, in ``_NUMBERED`` order,
    then the helpers'), or, with ``value`` giving the numbers one by one, the cells themselves.
    ``bounds``: the last Ideas and Tracking rows the formulas read."""
    r = FIRST_ROW + i
    ideas_last, tracking_last = bounds
    money, helper = styles["calc.money"], styles["fixed.text"]
    next_month = x.number_text(x.excel_date(month_date(index + 1)))
    here = f"$A{r}"

    def cell(ref: str, style: int, formula: str, array: bool = False) -> str:
        # An array formula (``LF.ARRAY_FORMULAS``) reads the Ideas ranges cell by cell in Gnumeric too.
        text = x.formula_text(formula)
        if value is not None:
            made = x.formula_cell(ref, style, text, value())
        else:
            made = f'<c r="{ref}" s="{style}"><f>{text.replace("%", "%%")}</f><v>%s</v></c>'
        return made.replace("<f>", f'<f t="array" ref="{ref}">', 1) if array else made

    def blank(ref: str, style: int, formula: str) -> str:  # a realised cell after the last report
        text = x.formula_text(formula).replace("%", "%%" if value is None else "%")
        return f'<c r="{ref}" s="{style}" t="str"><f>{text}</f><v></v></c>'

    cells = [x.value_cell(f"A{r}", styles["report.month"], month_date(index))]  # no '%' in a date
    formulas = {
        SUPPLIER_PLANNED: LF.planned(index, col.SUPPLIER_ANNUAL, col.SUPPLIER_ONE_TIME, ideas_last),
        CUSTOMER_PLANNED: LF.planned(index, col.CUSTOMER_ANNUAL, col.CUSTOMER_ONE_TIME, ideas_last),
        **{
            name: LF.realised_month(here, next_month, REPORTED_CELL, name, tracking_last)
            for name in (SUPPLIER_REALISED, CUSTOMER_REALISED)
        },
    }
    for name in AMOUNTS:
        c, cum_c = 1 + MONTH_TABLE.index(name), 1 + MONTH_TABLE.index(CUMULATIVE[name])
        before = None if i == 0 else f"{letter(cum_c)}{r - 1}"
        formulas[CUMULATIVE[name]] = LF.running_total(f"{letter(c)}{r}", before, name in REALISED)
    for name in _NUMBERED:
        ref = f"{letter(1 + MONTH_TABLE.index(name))}{r}"
        shown = reported or name not in _REALISED_COLUMNS
        if shown:
            cells.append(cell(ref, money, formulas[name], name in _PLANNED))
        else:
            cells.append(blank(ref, money, formulas[name]))
    cells.append(cell(f"{HELPER}{r}", helper, LF.month_reported(here, next_month, tracking_last)))
    source = f"{letter(1 + MONTH_TABLE.index(CUMULATIVE[CUSTOMER_REALISED]))}{r}"
    if reported:  # the chart's copy of the cumulative realised customer value
        cells.append(cell(f"{CHART_COL}{r}", money, LF.chart_value(source)))
    else:  # #N/A, which a line chart leaves out (Excel would draw a blank text as 0)
        chart = x.formula_text(LF.chart_value(source))
        chart = chart.replace("%", "%%") if value is None else chart
        cells.append(f'<c r="{CHART_COL}{r}" s="{money}" t="e"><f>{chart}</f><v>#N/A</v></c>')
    if year is not None:
        year_formula = LF.figure_year(index, year, f"${HELPER}{r}", ideas_last)
        cells.append(cell(f"{YEAR_HELPER}{r}", helper, year_formula, array=True))
    return "".join(cells)


def _planned_months(data: CustomerData) -> set[int]:
    """The month indexes the plans of the customer's ideas reach (``tracking.plan_start``, one month
    per share of ``month_shares``), as ``relationship_months`` keys them."""
    shares = len(month_shares(data.settings.horizon_years))
    ideas = data.ideas
    months: set[int] = set()
    for i, status in enumerate(ideas[col.STATUS]):
        amounts = [parse_number(ideas[name][i]) for name in col.VALUE_INPUTS]
        first = plan_start(status, ideas[col.START][i], amounts)
        if first is not None:
            months.update(range(first, first + shares))
    return months


def _reported_months(data: CustomerData) -> set[int]:
    """The month indexes the customer's Tracking rows report (``tracking.tracked_month``)."""
    own = {str(i).strip() for i in data.ideas[col.IDEA_ID] if not is_blank(i)}
    months = (
        tracked_month(idea, month, own)
        for idea, month in zip(data.tracking[col.IDEA_ID], data.tracking[MONTH], strict=True)
    )
    return {m for m in months if m is not None}


def _figures(sd: SheetData, report: MonthlyReport, s: Settings, customer: str, last: int, n: int) -> None:
    """Value to date: planned up to the last reported month against realised, per firm."""
    r0 = FIGURES_ROW
    sd.text(r0, 1, "section", "Value to date")
    for c, head in enumerate(("Planned", "Realised", "Difference"), start=3):
        sd.text(r0 + 1, c, "report.month.head", head)
    month_col = f"$A${FIRST_ROW}:$A${last}"
    for k, (firm, planned, realised) in enumerate(
        (
            (s.supplier, SUPPLIER_PLANNED, SUPPLIER_REALISED),
            (customer, CUSTOMER_PLANNED, CUSTOMER_REALISED),
        )
    ):
        r = r0 + 2 + k
        p = letter(1 + MONTH_TABLE.index(planned))
        sd.text(r, 1, "kv.label", firm)
        sd.blank(r, 2, "kv.label")
        sd.formula(
            r,
            3,
            "kv.money",
            f'IF({REPORTED_CELL}="",0,SUMIFS(${p}${FIRST_ROW}:${p}${last},{month_col},"<="&{REPORTED_CELL}))',
            report.planned_to_date[k],
        )
        sd.formula(r, 4, "kv.money", _sum(realised, last), report.realised_to_date[k])
        sd.formula(r, 5, "kv.money", f"D{r}-C{r}", report.realised_to_date[k] - report.planned_to_date[k])
    sd.text(REPORTED_ROW, 1, "kv.label", "Reported up to")
    sd.blank(REPORTED_ROW, 2, "kv.label")
    nothing = "nothing reported yet"
    if not n:  # no month table to report in
        sd.blank(REPORTED_ROW, 3, "kv.date")
        sd.text(REPORTED_ROW, 4, "note", nothing)
    else:
        helpers = f"${HELPER}${FIRST_ROW}:${HELPER}${last}"
        sd.formula(REPORTED_ROW, 3, "kv.date", LF.reported_up_to(helpers), report.reported_to)
        sd.formula(REPORTED_ROW, 4, "note", f'IF({REPORTED_CELL}="","{nothing}","")',
                   nothing if report.reported_to is None else None)  # fmt: skip
    sd.text(GUARANTEE_ROW, 1, "kv.label", "Value guarantee per year")
    sd.blank(GUARANTEE_ROW, 2, "kv.label")
    sd.value(GUARANTEE_ROW, 3, "kv.money", report.guarantee)


def _contract(sd: SheetData, data: CustomerData, report: MonthlyReport, last: int) -> None:
    """The contract years of the whole month table, each shown while it is at most the last year
    with a figure (``tracking.contract_years``: year 1 always); the rest stay blank until a Status
    or Tracking edit reaches them."""
    k0 = CONTRACT_COL
    sd.text(SECTION_ROW, k0, "section", "Value contract: guarantee per contract year")
    for c, name in enumerate(CONTRACT_TABLE, start=k0):
        sd.text(HEADER_ROW, c, "header.input" if c < k0 + 4 else "header.calc", name)
    contract = report.contract_rows
    wave = month_of(data.customer.get(WAVE_START))
    if not contract or wave is None:
        sd.text(FIRST_ROW, k0, "note", "No Wave start: the contract years cannot be placed.")
        return
    table = report.table[MONTH]
    years = contract_year(month_index(table[-1]), wave) + 1
    months = f"$A${FIRST_ROW}:$A${last}"
    planned = letter(1 + MONTH_TABLE.index(CUSTOMER_PLANNED))
    delivered = letter(1 + MONTH_TABLE.index(CUSTOMER_REALISED))
    shown = LF.last_year(f"${YEAR_HELPER}${FIRST_ROW}:${YEAR_HELPER}${last}")
    x = {name: letter(k0 + i) for i, name in enumerate(CONTRACT_TABLE)}
    for i in range(years):
        values = dict(zip(CONTRACT_COLUMNS, contract[i], strict=True)) if i < len(contract) else {}
        r = FIRST_ROW + i
        criteria = FIRST_YEAR_CRITERIA if i == 0 else LATER_YEAR_CRITERIA
        window = criteria.format(months=months, to=f"${x['To']}{r}", start=f"${x['From']}{r}")
        cells = {
            "guarantee": f"{x['Value guarantee']}{r}",
            "delivered": f"{x['Delivered']}{r}",
            "to": f"{x['To']}{r}",
            "reported": REPORTED_CELL,
        }
        # Issue 14: delivered = realised gains (the year's realised customer value without the
        # customer's one-time investments) + transfers received; the investments beside them.
        transfers = x_number(report.parts.transfers.get(i, 0.0))
        realised = f"SUMIFS(${delivered}${FIRST_ROW}:${delivered}${last},{window})"
        received = RECEIVED_FORMULA.format(transfers=transfers, to=f"${x['To']}{r}", reported=REPORTED_CELL)
        columns = (
            ("fixed.center", str(i + 1)),
            ("fixed.date", x_serial(month_date(wave + 12 * i))),
            ("fixed.date", x_serial(month_end(wave + 12 * (i + 1) - 1))),
            ("calc.money", f'IF({GUARANTEE_CELL}="","",{GUARANTEE_CELL})'),
            ("calc.money", f"SUMIFS(${planned}${FIRST_ROW}:${planned}${last},{window})"),
            ("calc.money", f"{realised}-{x[INVESTMENTS]}{r}+{x[TRANSFERS_RECEIVED]}{r}"),
            ("calc.money", SHORTFALL_FORMULA.format(**cells)),
            ("calc.center", STATUS_FORMULA.format(**cells)),
            ("calc.money", f"{x['Delivered']}{r}-{x[TRANSFERS_RECEIVED]}{r}"),
            ("calc.money", received),
            ("calc.money", x_number(report.parts.investments.get(i, 0.0))),
            ("calc.money", f"{x['Delivered']}{r}+{x[INVESTMENTS]}{r}"),
        )
        for c, (name, (style, formula)) in enumerate(zip(CONTRACT_TABLE, columns, strict=True)):
            sd.formula(r, k0 + c, style, LF.in_year(i + 1, shown, formula), values.get(name))
    total = FIRST_ROW + years
    sd.text(total, k0, "total.label", "Total")
    sd.blank(total, k0 + 1, "total.label")
    sd.blank(total, k0 + 2, "total.label")
    totals: tuple[tuple[int, str], ...] = (
        (3, "Value guarantee"), (4, CUSTOMER_PLANNED), (5, "Delivered"), (6, "Shortfall"),
    )  # fmt: skip
    totals += tuple(
        (CONTRACT_TABLE.index(n), n) for n in CONTRACT_TABLE[CONTRACT_TABLE.index("Status") + 1 :]
    )
    for c, name in totals:
        column = letter(k0 + c)
        sd.formula(
            total, k0 + c, "total.money", f"SUM({column}{FIRST_ROW}:{column}{total - 1})",
            report.contract_total(name),
        )  # fmt: skip
    sd.blank(total, k0 + 7, "total.label")


def x_number(value: float) -> str:
    """A number as a formula constant."""
    return x.number_text(value + 0.0)


def x_serial(day: dt.date) -> str:
    """A date as a formula constant (its serial number)."""
    return x.number_text(x.excel_date(day))


BUILDER = SheetBuilder(name=SHEET, setup=setup, render=render)
