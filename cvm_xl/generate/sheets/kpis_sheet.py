"""KPIs sheet: each objective's measured path against its baseline and target (issue 14, SPEC §3.9).

Weeks 1–3 of the wave set targets for the key performance indicators (SPEC §3.7); the master's
Objectives table holds each objective's ``Baseline`` and ``Target`` and its ``KPI readings`` table the
values measured month by month. Per objective of this customer with readings (``core.kpis.kpi_series``:
only the customer's own objectives, none out of bounds — ``relationship_data`` leaves those out), the
sheet shows a readings table (Objective, Month, Value, Baseline, Target) and a native line chart of
the readings with the baseline and the target as flat lines. A target with no number in it ("below 2
days") draws no target line, and the sheet says so.

The chart parts are the same in every workbook of a run (``generate.base``), so the sheet has a fixed
number of chart slots, ``KPI_SLOTS``, each reading a fixed block of ``SLOT_MONTHS`` rows: the charts
sit in a 2 x 2 grid at the top, the blocks below them. A slot's unused rows are hidden, and the charts
plot visible cells only, so each line ends at the last reading. An objective with more readings
shows its latest ``SLOT_MONTHS``; objectives beyond the slots are listed below the blocks, not
charted, and the sheet says so. The readings are the master's when the workbook was generated.
"""

from __future__ import annotations

from openpyxl.chart import LineChart, Reference
from openpyxl.chart.axis import TextAxis
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.legend import Legend
from openpyxl.chart.series import SeriesLabel
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.utils import quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.core.kpis import BASELINE, KPI_MONTH, KPI_VALUE, KpiSeries
from cvm_xl.generate.model import CustomerData
from cvm_xl.generate.relationship_data import CustomerRelationship
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
from cvm_xl.readiness import tables as rt

SHEET = "KPIs"
KPI_SLOTS = 4  # charts per workbook: the objectives charted
SLOT_MONTHS = 24  # readings per chart: two years of monthly readings

# The readings table of each slot (and of the objectives beyond the slots).
COLUMNS = (rt.OBJECTIVE, KPI_MONTH, KPI_VALUE, BASELINE, rt.TARGET)
COL = {name: i for i, name in enumerate(COLUMNS, start=1)}  # A..E
STYLES = {rt.OBJECTIVE: "fixed.text", KPI_MONTH: "report.month"}  # numbers: fixed.center (General)
WIDTHS = {"A": 40, "B": 11, "C": 12, "D": 12, "E": 12, "F": 6}
SERIES_COLOURS = {KPI_VALUE: "1F3864", BASELINE: "7F7F7F", rt.TARGET: "375623"}

# The charts: a 2 x 2 grid from row CHARTS_TOP, each CHART_ROWS rows high; then the blocks.
NOTE_ROW, SLOTS_NOTE_ROW = 2, 3
CHARTS_TOP = 6
CHART_ROWS = 19
CHART_COLUMNS = ("A", "G")
CHART_SIZE = (16.5, 9.2)  # cm: within CHART_ROWS rows of 15 points, within A:F
BLOCKS_TOP = CHARTS_TOP + 2 * CHART_ROWS + 1
BLOCK_ROWS = 3 + SLOT_MONTHS + 1  # section, note, header, the readings, a gap
MORE_TOP = BLOCKS_TOP + KPI_SLOTS * BLOCK_ROWS

NO_READINGS = (
    "No KPI readings yet: the master's KPI readings sheet gives them (Objective, Customer ID, Month, "
    "Value), for the objectives on the Relationship sheet."
)


class Slot:
    """The fixed rows of chart slot ``k`` (0-based): section title, note, header, then the readings."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.top = BLOCKS_TOP + k * BLOCK_ROWS
        self.note = self.top + 1
        self.header = self.top + 2
        self.first = self.top + 3
        self.last = self.first + SLOT_MONTHS - 1

    @property
    def anchor(self) -> str:
        return f"{CHART_COLUMNS[self.k % 2]}{CHARTS_TOP + (self.k // 2) * CHART_ROWS}"

    @property
    def title(self) -> str:
        return f"KPI {self.k + 1}"


SLOTS = tuple(Slot(k) for k in range(KPI_SLOTS))


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    widths(ws, WIDTHS)
    for slot in SLOTS:
        ws.add_chart(kpi_chart(ws, slot), slot.anchor)
    ws.sheet_view.showGridLines = False
    protect(ws)
    page_setup(ws)


def kpi_chart(ws: Worksheet, slot: Slot) -> LineChart:
    """The slot's line chart: the readings (named after the objective, its first reading's cell), the
    baseline and the target, over the months; hidden rows are not plotted."""
    chart = LineChart()
    chart.title = slot.title
    chart.style = 2
    for name in (KPI_VALUE, BASELINE, rt.TARGET):
        values = Reference(ws, min_col=COL[name], min_row=slot.header, max_row=slot.last)
        chart.add_data(values, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=COL[KPI_MONTH], min_row=slot.first, max_row=slot.last))
    objective = f"{quote_sheetname(SHEET)}!$A${slot.first}"
    chart.series[0].tx = SeriesLabel(strRef=StrRef(objective))
    for series, name in zip(chart.series, (KPI_VALUE, BASELINE, rt.TARGET), strict=True):
        series.graphicalProperties = GraphicalProperties()
        series.graphicalProperties.line.solidFill = SERIES_COLOURS[name]
        series.graphicalProperties.line.width = 28575 if name == KPI_VALUE else 19050  # 2.25, 1.5 pt
        series.smooth = False
    chart.series[1].graphicalProperties.line.dashStyle = "dash"
    chart.series[2].graphicalProperties.line.dashStyle = "sysDot"
    month_axis = chart.x_axis
    # LineChart() makes a category (text) axis; the stubs type it as any axis
    assert isinstance(month_axis, TextAxis), "a line chart without a category axis"
    month_axis.number_format = "mmm yy"
    month_axis.tickLblPos = "low"
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend = Legend(legendPos="b")
    chart.display_blanks = "gap"
    chart.visible_cells_only = True  # a slot's unused rows are hidden: the lines end at the last reading
    chart_size(chart, *CHART_SIZE)
    return chart


def kpis_of(data: CustomerData) -> list[KpiSeries]:
    """The customer's objectives with at least one reading, in the Objectives table's order."""
    rel: CustomerRelationship | None = data.relationship
    return [series for series in (rel.kpis if rel is not None else []) if series.readings]


def target_text(series: KpiSeries) -> str:
    """The slot's note: what the baseline and the target are, and why a target line is missing."""
    baseline = "none" if series.baseline is None else f"{series.baseline:g}"
    target = "none" if series.target_text is None else f"'{series.target_text}'"
    note = f" {series.note}" if series.note else ""
    return f"Baseline {baseline}; target {target}.{note}"


def render(data: CustomerData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    sd.text(1, 1, "title", f"KPIs: {ctx.settings.supplier} and {data.name}")
    sd.height(1, 24)
    kpis = kpis_of(data)
    sd.text(
        NOTE_ROW,
        1,
        "note",
        "Each objective's readings month by month (the master's KPI readings when this workbook was "
        "generated), with its baseline and its target as flat lines. " + PROTECTION_NOTE,
    )
    sd.text(SLOTS_NOTE_ROW, 1, "note", slots_note(len(kpis)))
    for slot in SLOTS:
        if slot.k < len(kpis):
            _slot(sd, slot, kpis[slot.k])
        else:
            for r in range(slot.top, slot.top + BLOCK_ROWS):
                sd.hide(r)
    _more(sd, kpis[KPI_SLOTS:])
    return sd


def slots_note(n: int) -> str:
    """What row 3 says about the charts: how many objectives are charted, and where the rest are."""
    if n == 0:
        return NO_READINGS
    if n == 1:
        return "1 objective with readings: chart KPI 1; the other chart frames stay empty."
    if n <= KPI_SLOTS:
        empty = "" if n == KPI_SLOTS else "; the other chart frames stay empty"
        return f"{n} objectives with readings: charts KPI 1 to KPI {n}{empty}."
    return (
        f"{n} objectives with readings: the first {KPI_SLOTS} are charted; the other {n - KPI_SLOTS} are "
        f"listed from row {MORE_TOP}, not charted ({KPI_SLOTS} charts per workbook)."
    )


def _header(sd: SheetData, r: int) -> None:
    for name, c in COL.items():
        sd.text(r, c, "header.calc", name)


def _reading_row(sd: SheetData, r: int, series: KpiSeries, month: object, value: float) -> None:
    sd.text(r, COL[rt.OBJECTIVE], "fixed.text", series.objective)
    sd.value(r, COL[KPI_MONTH], "report.month", month)
    sd.value(r, COL[KPI_VALUE], "fixed.center", value)
    sd.value(r, COL[BASELINE], "fixed.center", series.baseline)
    sd.value(r, COL[rt.TARGET], "fixed.center", series.target)


def _slot(sd: SheetData, slot: Slot, series: KpiSeries) -> None:
    measure = f" ({series.measure})" if series.measure else ""
    sd.text(slot.top, 1, "section", f"{slot.title}: {series.objective}{measure}")
    for c in range(2, len(COLUMNS) + 1):
        sd.blank(slot.top, c, "section")
    shown = series.readings[-SLOT_MONTHS:]
    cut = len(series.readings) - len(shown)
    more = f" The latest {SLOT_MONTHS} of {len(series.readings)} readings are shown." if cut else ""
    sd.text(slot.note, 1, "note", target_text(series) + more)
    _header(sd, slot.header)
    for i, (month, value) in enumerate(shown):
        _reading_row(sd, slot.first + i, series, month, value)
    for r in range(slot.first + len(shown), slot.top + BLOCK_ROWS):
        sd.hide(r)


def _more(sd: SheetData, rest: list[KpiSeries]) -> None:
    """The objectives beyond the chart slots: their readings, not charted."""
    if not rest:
        return
    sd.text(MORE_TOP, 1, "section", "More objectives with readings (not charted)")
    for c in range(2, len(COLUMNS) + 1):
        sd.blank(MORE_TOP, c, "section")
    _header(sd, MORE_TOP + 1)
    r = MORE_TOP + 2
    for series in rest:
        for month, value in series.readings:
            _reading_row(sd, r, series, month, value)
            r += 1


BUILDER = SheetBuilder(name=SHEET, setup=setup, render=render)
