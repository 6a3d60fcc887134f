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

from collections.abc import Mapping

from openpyxl.chart import LineChart, Reference
from openpyxl.chart.axis import TextAxis
from openpyxl.chart.legend import Legend
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.core import columns as col
from cvm_xl.core.settings import Settings
from cvm_xl.core.tracking import (
    AMOUNTS,
    CONTRACT_COLUMNS,
    CUMULATIVE,
    CUSTOMER_PLANNED,
    CUSTOMER_REALISED,
    FIRST_YEAR_CRITERIA,
    IDEA_FIELDS,
    LATER_YEAR_CRITERIA,
    MONTH,
    MONTH_TABLE,
    SHORTFALL_FORMULA,
    STATUS_FORMULA,
    SUPPLIER_PLANNED,
    SUPPLIER_REALISED,
    TRACKING_FIELDS,
    MonthlyReport,
    chart_months,
    relationship_report,
)
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
CONTRACT_COL = len(MONTH_TABLE) + 2  # K: one empty column after the month table
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
    return [
        relationship_report(
            customer, by_customer.get(str(customer[col.CUSTOMER_ID]), empty), tracking,
            master.settings.horizon_years, window,
        )
        for customer in master.customers.to_dict("records")
    ]  # fmt: skip


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    column_widths: dict[str, float] = {"A": 11}
    for c in range(2, len(MONTH_TABLE) + 1):
        column_widths[letter(c)] = 12.5
    column_widths[letter(CONTRACT_COL - 1)] = 2
    for c, width in enumerate((6, 11, 11, 12.5, 12.5, 12.5, 12.5, 12), start=CONTRACT_COL):
        column_widths[letter(c)] = width
    widths(ws, column_widths)
    months = chart_months(ctx.settings)
    chart = cumulative_chart(ws, "Cumulative customer value", HEADER_ROW, FIRST_ROW + months - 1)
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


def cumulative_chart(ws: Worksheet, title: str, header_row: int, last: int) -> LineChart:
    """The line chart of a month table's cumulative customer value, planned (dashed) and realised:
    the table's header is ``header_row``, its months run from the next row to ``last``. The Monthly
    report sheet (SPEC §7, tracking) and the master's Monthly report draw the same chart."""
    chart = LineChart()
    chart.title = title
    chart.style = 2
    for name in (CUMULATIVE[CUSTOMER_PLANNED], CUMULATIVE[CUSTOMER_REALISED]):
        c = 1 + MONTH_TABLE.index(name)
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
        f"Tracking sheet. In {s.currency}; figures as generated on {data.generated:%Y-%m-%d}.",
    )
    sd.text(3, 1, "note", PROTECTION_NOTE)
    table = report.table
    n = len(table[MONTH])
    last = FIRST_ROW + max(n, 1) - 1
    _figures(sd, report, s, data.name, last)
    sd.text(SECTION_ROW, 1, "section", "Month by month")
    for c, name in enumerate(MONTH_TABLE, start=1):
        sd.text(HEADER_ROW, c, "header.input" if c <= 5 else "header.calc", name)
    sd.height(HEADER_ROW, 42)
    if not n:
        sd.text(FIRST_ROW, 1, "note", "Nothing planned or tracked yet, and no Wave start.")
    if n:
        sd.block(FIRST_ROW, _month_rows(table, ctx), len(MONTH_TABLE))
    pairs = [(name, 1 + MONTH_TABLE.index(name), 1 + MONTH_TABLE.index(CUMULATIVE[name])) for name in AMOUNTS]
    if n:
        total = FIRST_ROW + n
        sd.text(total, 1, "total.label", "Total")
        for name, c, cum_c in pairs:
            sd.formula(total, c, "total.money", _sum(name, total - 1), report.total(name))
            sd.blank(total, cum_c, "total.label")
    _contract(sd, report, last)
    return sd


def _month_rows(table: dict[str, list], ctx: RenderContext) -> list[str]:
    """The cells of the month table, one string per month: the month, each amount reported and its
    running total (a formula). Amounts not reported yet (NaN) stay empty, so the chart's line stops.

    The cells of a row differ between workbooks only in their numbers: per row and set of amounts
    shown, the XML around the numbers is built once per run.
    """
    templates = ctx.memo.setdefault(f"{SHEET} rows", {})
    serials = ctx.memo.setdefault(f"{SHEET} months", {})
    sp, sr, cp, cr = (table[name] for name in AMOUNTS)
    tsp, tsr, tcp, tcr = (table[CUMULATIVE[name]] for name in AMOUNTS)
    rows = []
    numbers: tuple[float, ...]
    for i, month in enumerate(table[MONTH]):
        b, d = sr[i], cr[i]
        if b == b and d == d:  # both realised amounts reported
            shown, numbers = _ALL, (sp[i], b, cp[i], d, tsp[i], tsr[i], tcp[i], tcr[i])
        elif b != b and d != d:  # neither reported yet: the plan alone
            shown, numbers = _PLANNED, (sp[i], cp[i], tsp[i], tcp[i])
        else:
            shown, numbers = (True, b == b, True, d == d), ()
        total = sum(numbers)
        if not numbers or total - total != 0.0:  # an uncommon row, or an infinite amount
            values, totals = [sp[i], b, cp[i], d], [tsp[i], tsr[i], tcp[i], tcr[i]]
            rows.append(_month_cells(i, month, values, totals, ctx.styles))
            continue
        template = templates.get((i, shown))
        if template is None:
            template = templates[(i, shown)] = _month_template(i, shown, ctx.styles)
        serial = serials.get(month)
        if serial is None:
            serial = serials[month] = x.number_text(x.excel_date(month))
        rows.append(template % (serial, *numbers))
    return rows


_ALL, _PLANNED = (True, True, True, True), (True, False, True, False)


def _cumulative_formula(i: int, c: int, cum_c: int) -> str:
    r = FIRST_ROW + i
    here = f"{letter(c)}{r}"
    return here if i == 0 else f"{letter(cum_c)}{r - 1}+{here}"


_PAIRS = [(1 + MONTH_TABLE.index(name), 1 + MONTH_TABLE.index(CUMULATIVE[name])) for name in AMOUNTS]


def _month_cells(i: int, month: object, values: list, totals: list, styles: Mapping[str, int]) -> str:
    """One month's cells, each written on its own."""
    r = FIRST_ROW + i
    cells = [x.value_cell(f"A{r}", styles["report.month"], month)]
    shown = [
        (pair, total) for pair, value, total in zip(_PAIRS, values, totals, strict=True) if value == value
    ]
    cells += [
        x.value_cell(f"{letter(c)}{r}", styles["fixed.money"], value)
        for (c, _), value in zip(_PAIRS, values, strict=True)
        if value == value
    ]
    cells += [
        x.formula_cell(
            f"{letter(cum_c)}{r}",
            styles["calc.money"],
            x.formula_text(_cumulative_formula(i, c, cum_c)),
            total,
        )
        for (c, cum_c), total in shown
    ]
    return "".join(cells)


def _month_template(i: int, shown: tuple[bool, ...], styles: Mapping[str, int]) -> str:
    """``_month_cells`` of finite numbers as a %-template: ``%s`` for the month's serial, then ``%r``
    for the amounts shown and their running totals (``repr``, as ``value_cell`` writes them)."""
    r = FIRST_ROW + i
    money, total = styles["fixed.money"], styles["calc.money"]
    pairs = [pair for pair, keep in zip(_PAIRS, shown, strict=True) if keep]
    cells = [f'<c r="A{r}" s="{styles["report.month"]}"><v>%s</v></c>']
    cells += [f'<c r="{letter(c)}{r}" s="{money}"><v>%r</v></c>' for c, _ in pairs]
    for c, cum_c in pairs:
        formula = x.formula_text(_cumulative_formula(i, c, cum_c)).replace("%", "%%")
        cells.append(f'<c r="{letter(cum_c)}{r}" s="{total}"><f>{formula}</f><v>%r</v></c>')
    return "".join(cells)


def _figures(sd: SheetData, report: MonthlyReport, s: Settings, customer: str, last: int) -> None:
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
    if report.reported_to is None:
        sd.blank(REPORTED_ROW, 3, "kv.date")
        sd.text(REPORTED_ROW, 4, "note", "nothing reported yet")
    else:
        sd.value(REPORTED_ROW, 3, "kv.date", report.reported_to)
    sd.text(GUARANTEE_ROW, 1, "kv.label", "Value guarantee per year")
    sd.blank(GUARANTEE_ROW, 2, "kv.label")
    sd.value(GUARANTEE_ROW, 3, "kv.money", report.guarantee)


def _contract(sd: SheetData, report: MonthlyReport, last: int) -> None:
    k0 = CONTRACT_COL
    sd.text(SECTION_ROW, k0, "section", "Value contract: guarantee per contract year")
    for c, name in enumerate(CONTRACT_TABLE, start=k0):
        sd.text(HEADER_ROW, c, "header.input" if c < k0 + 4 else "header.calc", name)
    contract = report.contract_rows
    if not contract:
        sd.text(FIRST_ROW, k0, "note", "No Wave start: the contract years cannot be placed.")
        return
    months = f"$A${FIRST_ROW}:$A${last}"
    planned = letter(1 + MONTH_TABLE.index(CUSTOMER_PLANNED))
    delivered = letter(1 + MONTH_TABLE.index(CUSTOMER_REALISED))
    x = {name: letter(k0 + i) for i, name in enumerate(CONTRACT_TABLE)}
    for i, row in enumerate(contract):
        values = dict(zip(CONTRACT_COLUMNS, row, strict=True))
        r = FIRST_ROW + i
        criteria = FIRST_YEAR_CRITERIA if i == 0 else LATER_YEAR_CRITERIA
        window = criteria.format(months=months, to=f"${x['To']}{r}", start=f"${x['From']}{r}")
        sd.number(r, k0, "fixed.center", values["Year"])
        sd.value(r, k0 + 1, "fixed.date", values["From"])
        sd.value(r, k0 + 2, "fixed.date", values["To"])
        sd.formula(
            r, k0 + 3, "calc.money", f'IF({GUARANTEE_CELL}="","",{GUARANTEE_CELL})', values["Value guarantee"]
        )
        sd.formula(
            r, k0 + 4, "calc.money", f"SUMIFS(${planned}${FIRST_ROW}:${planned}${last},{window})",
            values[CUSTOMER_PLANNED],
        )  # fmt: skip
        sd.formula(
            r, k0 + 5, "calc.money", f"SUMIFS(${delivered}${FIRST_ROW}:${delivered}${last},{window})",
            values["Delivered"],
        )  # fmt: skip
        cells = {
            "guarantee": f"{x['Value guarantee']}{r}",
            "delivered": f"{x['Delivered']}{r}",
            "to": f"{x['To']}{r}",
            "reported": REPORTED_CELL,
        }
        sd.formula(r, k0 + 6, "calc.money", SHORTFALL_FORMULA.format(**cells), values["Shortfall"])
        sd.formula(r, k0 + 7, "calc.center", STATUS_FORMULA.format(**cells), values["Status"])
    total = FIRST_ROW + len(contract)
    sd.text(total, k0, "total.label", "Total")
    sd.blank(total, k0 + 1, "total.label")
    sd.blank(total, k0 + 2, "total.label")
    for c, name in ((3, "Value guarantee"), (4, CUSTOMER_PLANNED), (5, "Delivered"), (6, "Shortfall")):
        column = letter(k0 + c)
        sd.formula(
            total, k0 + c, "total.money", f"SUM({column}{FIRST_ROW}:{column}{total - 1})",
            report.contract_total(name),
        )  # fmt: skip
    sd.blank(total, k0 + 7, "total.label")


BUILDER = SheetBuilder(name=SHEET, setup=setup, render=render)
