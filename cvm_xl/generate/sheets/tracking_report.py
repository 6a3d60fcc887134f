"""Monthly report sheet: planned against realised value and the value contract, for stakeholders.

The figures follow the conventions of ``cvm_xl.tracking``: per calendar month each firm's planned
and realised value and the running totals, and per contract year the customer's Value guarantee
against the value delivered to it, with the shortfall. ``relationship_report`` computes them for
one relationship from plain columns, fast enough for every workbook of a generation run; the tests
hold it to the core's ``plan_vs_realised``, ``cumulative_by_month`` and ``value_contract``.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import pandas as pd
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.worksheet.worksheet import Worksheet

from ... import columns as col
from ...master import Master
from ...parsing import parse_number
from ...passbook import in_passbook
from ...settings import Settings
from ...tracking import (
    AMOUNTS,
    CONTRACT_COLUMNS,
    CUMULATIVE,
    CUSTOMER_PLANNED,
    CUSTOMER_REALISED,
    MET,
    MONTH,
    NO_GUARANTEE,
    OPEN,
    SHORT,
    SUPPLIER_PLANNED,
    SUPPLIER_REALISED,
    VALUE_GUARANTEE,
    WAVE_START,
    _month_shares,
    month_start,
    to_date,
)
from ...values import is_blank
from .. import styles as st
from ..model import CustomerData
from ..sheetdata import SheetData
from ..xmltext import letter
from .common import PROTECTION_NOTE, RenderContext, SheetBuilder, page_setup, protect, widths
from .wave_plan import sheet_styles

SHEET = "Monthly report"
MONTH_TABLE = (MONTH, *AMOUNTS, *(CUMULATIVE[a] for a in AMOUNTS))
CONTRACT_TABLE = (
    "Year",
    "From",
    "To",
    "Value guarantee",
    CUSTOMER_PLANNED,
    "Delivered",
    "Shortfall",
    "Status",
)
SECTION_ROW, HEADER_ROW, FIRST_ROW = 22, 23, 24
CONTRACT_COL = len(MONTH_TABLE) + 2  # K: one empty column after the month table
FIGURES_ROW = 5
REPORTED_ROW, GUARANTEE_ROW = FIGURES_ROW + 5, FIGURES_ROW + 6
REPORTED_CELL, GUARANTEE_CELL = f"$C${REPORTED_ROW}", f"$C${GUARANTEE_ROW}"
LOCAL_STYLES = {
    "report.month": st.StyleSpec(border="box", number_format="mmm yyyy", horizontal="center"),
    "report.month.head": st.StyleSpec(bold=True, color=st.SLATE, border="bottom", horizontal="right"),
}
SERIES_COLOURS = ("8EA9DB", "C00000")


def chart_months(settings: Settings) -> int:
    """Months the chart shows from the wave start: the horizon plus two years for later starts."""
    return 12 * (math.ceil(settings.horizon_years) + 2)


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_date(index: int) -> dt.date:
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)


def _number(x: object) -> float:
    try:
        return parse_number(x)
    except ValueError:
        return math.nan


def _text(x: object) -> str | None:
    return None if is_blank(x) else str(x).strip()


@dataclass(frozen=True)
class MonthlyReport:
    """One relationship's report: the month table (``MONTH_TABLE`` columns, as lists), the contract
    years (``tracking.CONTRACT_COLUMNS`` tuples) and the value to date."""

    customer_id: str
    table: dict[str, list]
    contract_rows: list[tuple]
    reported_to: dt.date | None  # last day of the last month anything was reported for
    guarantee: float  # NaN when blank
    planned_to_date: tuple[float, float]  # supplier, customer: plan up to ``reported_to``
    realised_to_date: tuple[float, float]

    @cached_property
    def months(self) -> pd.DataFrame:
        return pd.DataFrame(self.table, columns=list(MONTH_TABLE))

    @cached_property
    def contract(self) -> pd.DataFrame:
        return pd.DataFrame(self.contract_rows, columns=list(CONTRACT_COLUMNS))


IDEA_FIELDS = (col.IDEA_ID, col.STATUS, col.START, *col.VALUE_INPUTS)
TRACKING_FIELDS = (col.IDEA_ID, MONTH, SUPPLIER_REALISED, CUSTOMER_REALISED)


def relationship_report(
    customer: Mapping[str, object],
    ideas: Mapping[str, Sequence[object]],
    tracking: Mapping[str, Sequence[object]],
    horizon_years: float,
    window: int = 0,
) -> MonthlyReport:
    """The report of one relationship, following the conventions of ``cvm_xl.tracking``.

    ``customer`` is its Customers row; ``ideas`` its ideas and ``tracking`` tracking rows, column
    by column (``IDEA_FIELDS``, ``TRACKING_FIELDS``); tracking rows of other ideas are left out.
    Per month it gives what ``cumulative_by_month(plan_vs_realised(...))`` gives, and per contract
    year what ``value_contract`` gives, in a fraction of the time: a generation run computes it for
    every customer workbook. ``window``: the month table spans at least this many months from its
    first month (the earlier of the wave start's month and the first month with a figure); the
    months added plan nothing.
    """
    cid = str(customer.get(col.CUSTOMER_ID))
    shares = _month_shares(horizon_years)
    planned: dict[int, list[float]] = {}  # month -> [supplier, customer]
    realised: dict[int, list[float]] = {}
    own: set[str] = set()
    for i, raw_id in enumerate(ideas[col.IDEA_ID]):
        idea_id = _text(raw_id)
        if idea_id:
            own.add(idea_id)
        start = to_date(ideas[col.START][i])
        values = [_number(ideas[name][i]) for name in col.VALUE_INPUTS]
        if start is None or all(math.isnan(v) for v in values) or not in_passbook(ideas[col.STATUS][i]):
            continue
        sa, so, ca, co = (0.0 if math.isnan(v) else v for v in values)
        first = _month_index(start)
        for k, share in enumerate(shares):
            month = planned.setdefault(first + k, [0.0, 0.0])
            month[0] += sa / 12.0 * share + (so if k == 0 else 0.0)
            month[1] += ca / 12.0 * share + (co if k == 0 else 0.0)
    for j, raw_id in enumerate(tracking[col.IDEA_ID]):
        day = month_start(tracking[MONTH][j])
        if day is None or _text(raw_id) not in own:
            continue
        month = realised.setdefault(_month_index(day), [0.0, 0.0])
        for k, name in enumerate((SUPPLIER_REALISED, CUSTOMER_REALISED)):
            value = _number(tracking[name][j])
            month[k] += 0.0 if math.isnan(value) else value
    stop = max(realised, default=None)
    reported_to = _month_date(stop + 1) - dt.timedelta(days=1) if stop is not None else None
    guarantee = _number(customer.get(VALUE_GUARANTEE))
    try:
        wave = month_start(customer.get(WAVE_START))
    except ValueError:
        wave = None
    wave_index = None if wave is None else _month_index(wave)
    months_with_figures = planned.keys() | realised.keys()
    contract = _contract_years(customer, wave_index, planned, realised, guarantee, reported_to)

    starts = [m for m in (wave_index, min(months_with_figures, default=None)) if m is not None]
    table: dict[str, list] = {name: [] for name in MONTH_TABLE}
    if not starts:
        return MonthlyReport(cid, table, contract, reported_to, guarantee, (0.0, 0.0), (0.0, 0.0))
    first = min(starts)
    last = max(first + window - 1, max(months_with_figures, default=first))
    totals = dict.fromkeys(AMOUNTS, 0.0)
    to_date_planned = [0.0, 0.0]
    for index in range(first, last + 1):
        plan = planned.get(index, (0.0, 0.0))
        done = realised.get(index, (0.0, 0.0)) if stop is not None and index <= stop else None
        figures = {
            SUPPLIER_PLANNED: plan[0] + 0.0,
            SUPPLIER_REALISED: math.nan if done is None else done[0] + 0.0,
            CUSTOMER_PLANNED: plan[1] + 0.0,
            CUSTOMER_REALISED: math.nan if done is None else done[1] + 0.0,
        }
        table[MONTH].append(_month_date(index))
        for name, value in figures.items():
            table[name].append(value)
            totals[name] += value  # NaN once nothing is reported any more, as in the core
            table[CUMULATIVE[name]].append(totals[name])
        if done is not None:
            to_date_planned = [totals[SUPPLIER_PLANNED], totals[CUSTOMER_PLANNED]]
    realised_total = tuple(
        math.fsum(v for v in table[name] if not math.isnan(v))
        for name in (SUPPLIER_REALISED, CUSTOMER_REALISED)
    )
    return MonthlyReport(
        cid,
        table,
        contract,
        reported_to,
        guarantee,
        tuple(to_date_planned),
        realised_total,  # type: ignore[arg-type]
    )


def _contract_years(
    customer: Mapping[str, object],
    wave_index: int | None,
    planned: Mapping[int, Sequence[float]],
    realised: Mapping[int, Sequence[float]],
    guarantee: float,
    reported_to: dt.date | None,
) -> list[tuple]:
    """``tracking.value_contract`` rows of one relationship (see its conventions)."""
    if wave_index is None:
        return []
    years = 1 + max((max(0, (m - wave_index) // 12) for m in planned.keys() | realised.keys()), default=0)
    plan = [0.0] * years
    delivered = [0.0] * years
    for index, (_, value) in planned.items():
        plan[max(0, (index - wave_index) // 12)] += value
    for index, (_, value) in realised.items():
        delivered[max(0, (index - wave_index) // 12)] += value
    name = _text(customer.get("Customer"))
    cid = _text(customer.get(col.CUSTOMER_ID))
    rows = []
    for year in range(years):
        year_from = _month_date(wave_index + 12 * year)
        year_to = _month_date(wave_index + 12 * (year + 1)) - dt.timedelta(days=1)
        got = delivered[year] + 0.0
        if math.isnan(guarantee):
            shortfall, status = math.nan, NO_GUARANTEE
        else:
            shortfall = max(0.0, guarantee - got)
            over = reported_to is not None and year_to <= reported_to
            status = MET if got >= guarantee else (SHORT if over else OPEN)
        rows.append(
            (cid, name, year + 1, year_from, year_to, guarantee, plan[year] + 0.0, got, shortfall, status)
        )
    return rows


def customer_report(data: CustomerData, window: int) -> MonthlyReport:
    return relationship_report(data.customer, data.ideas, data.tracking, data.settings.horizon_years, window)


def master_reports(master: Master, window: int = 0) -> list[MonthlyReport]:
    """The report of every customer of a master, in the Customers table's order."""
    evaluated = master.evaluated
    by_customer = {
        str(cid): {name: rows[name].tolist() for name in IDEA_FIELDS}
        for cid, rows in evaluated.groupby(col.CUSTOMER_ID, sort=False)
    }
    empty = {name: [] for name in IDEA_FIELDS}
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
    sheet_styles(ws, ctx, SHEET, LOCAL_STYLES)
    column_widths = {"A": 11}
    for c in range(2, len(MONTH_TABLE) + 1):
        column_widths[letter(c)] = 12.5
    column_widths[letter(CONTRACT_COL - 1)] = 2
    for c, width in enumerate((6, 11, 11, 12.5, 12.5, 12.5, 12.5, 12), start=CONTRACT_COL):
        column_widths[letter(c)] = width
    widths(ws, column_widths)
    months = chart_months(ctx.settings)
    last = FIRST_ROW + months - 1
    chart = LineChart()
    chart.title = "Cumulative customer value"
    chart.style = 2
    chart.height, chart.width = 7.6, 21.0
    planned_col = 1 + MONTH_TABLE.index(CUMULATIVE[CUSTOMER_PLANNED])
    realised_col = 1 + MONTH_TABLE.index(CUMULATIVE[CUSTOMER_REALISED])
    for c in (planned_col, realised_col):
        chart.add_data(Reference(ws, min_col=c, min_row=HEADER_ROW, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=FIRST_ROW, max_row=last))
    for series, colour in zip(chart.series, SERIES_COLOURS, strict=True):
        series.graphicalProperties = GraphicalProperties()
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 28575  # 2.25 pt
        series.smooth = False
    chart.series[0].graphicalProperties.line.dashStyle = "dash"
    chart.x_axis.number_format = "mmm yy"
    chart.x_axis.tickLblSkip = 3
    chart.x_axis.tickLblPos = "low"  # below the plot even when the values go negative
    chart.y_axis.number_format = "#,##0"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.display_blanks = "gap"
    ws.add_chart(chart, "F4")
    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.sheet_view.showGridLines = False
    protect(ws)
    page_setup(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")


def _sum(column: str, last: int) -> str:
    x = letter(1 + MONTH_TABLE.index(column))
    return f"SUM(${x}${FIRST_ROW}:${x}${last})"


def render(data: CustomerData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.memo[SHEET])
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
    pairs = [(name, 1 + MONTH_TABLE.index(name), 1 + MONTH_TABLE.index(CUMULATIVE[name])) for name in AMOUNTS]
    for i in range(n):
        r = FIRST_ROW + i
        sd.value(r, 1, "report.month", table[MONTH][i])
        for name, c, cum_c in pairs:
            value = table[name][i]
            if math.isnan(value):
                continue  # not reported yet: empty, so the chart's line stops
            sd.value(r, c, "fixed.money", value)
            here, above = f"{letter(c)}{r}", f"{letter(cum_c)}{r - 1}"
            formula = here if i == 0 else f"{above}+{here}"
            sd.formula(r, cum_c, "calc.money", formula, table[CUMULATIVE[name]][i])
    if n:
        total = FIRST_ROW + n
        sd.text(total, 1, "total.label", "Total")
        for name, c, cum_c in pairs:
            cached = math.fsum(v for v in table[name] if not math.isnan(v))
            sd.formula(total, c, "total.money", _sum(name, total - 1), cached)
            sd.blank(total, cum_c, "total.label")
    _contract(sd, report, last)
    return sd


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
        # Year 1 also takes what was tracked before the wave start (tracking's convention).
        lower = "" if i == 0 else f',{months},">="&${x["From"]}{r}'
        window = f'{months},"<="&${x["To"]}{r}{lower}'
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
        g, d, to = f"{x['Value guarantee']}{r}", f"{x['Delivered']}{r}", f"{x['To']}{r}"
        sd.formula(r, k0 + 6, "calc.money", f'IF({g}="","",MAX(0,{g}-{d}))', values["Shortfall"])
        status = (
            f'IF({g}="","No guarantee",IF({d}>={g},"Met",'
            f'IF(AND({REPORTED_CELL}<>"",{to}<={REPORTED_CELL}),"Short","Open")))'
        )
        sd.formula(r, k0 + 7, "calc.center", status, values["Status"])
    total = FIRST_ROW + len(contract)
    sd.text(total, k0, "total.label", "Total")
    sd.blank(total, k0 + 1, "total.label")
    sd.blank(total, k0 + 2, "total.label")
    for c, name in ((3, "Value guarantee"), (4, CUSTOMER_PLANNED), (5, "Delivered"), (6, "Shortfall")):
        column = letter(k0 + c)
        position = CONTRACT_COLUMNS.index(name)
        cached = math.fsum(row[position] for row in contract if not math.isnan(row[position]))
        sd.formula(total, k0 + c, "total.money", f"SUM({column}{FIRST_ROW}:{column}{total - 1})", cached)
    sd.blank(total, k0 + 7, "total.label")


BUILDER = SheetBuilder(name=SHEET, setup=setup, render=render)  # type: ignore[arg-type]
