"""Map sheet: the Idea Portfolio Map (the paper's Figure-III) with counts, net values and a chart,
and below it impact against feasibility (issue 14, SPEC §3.7 "quick wins").

The seed paper weighs ideas "on their impact and feasibility". Below the map, a live table reads the
Ideas sheet row by row: an idea that has both a net value (impact: a quantified idea) and a
Feasibility (1 hard and slow to 5 easy and fast, ``core.ranking``) shows its ID, Feasibility and net
value; the others show blank. A scatter chart draws net value against Feasibility from two hidden
helper columns that hold the same figures, or 0 for a blank row: its point sits at Feasibility 0, left
of the chart's Feasibility axis (which starts at 0.5), so no engine draws it. (A blank text would make
Excel number the points 1, 2, 3 ...; #N/A would leave them out too, but a sheet that readers and the
Excel adapter read alike holds no error values.) The chart parts are the same in every workbook of a
run (``generate.base``), so the table has a fixed number of rows, ``QUICK_ROWS``: the first that many
rows of the Ideas sheet are charted, ideas the customer types into them included, and the sheet says
so.
"""

from __future__ import annotations

import math

from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.chart.axis import NumericAxis
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.utils import column_index_from_string
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core.ranking import FEASIBILITY_HIGH, FEASIBILITY_LOW, QUICK_WIN_TEXT
from cvm_xl.generate import formulas as F
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
from cvm_xl.generate.styles import CELL_COLOURS

OUTCOME_WORD = {"W": "Win", "I": "Indifferent", "L": "Lose"}
GUIDANCE = {
    "W-W": "Go: priority. Both firms win; share by negotiation (default: equal split).",
    "W-I": "Go. The winner keeps the gain (retain).",
    "I-W": "Go. The winner keeps the gain (retain).",
    "W-L": "Go only if net value > 0 and the loss is acceptable; retain, or split equally if one-off.",
    "L-W": "Go only if net value > 0 and the loss is acceptable; retain, or split equally if one-off.",
    "I-I": "No go: nobody gains.",
    "I-L": "No go: one firm loses, the other does not gain.",
    "L-I": "No go: one firm loses, the other does not gain.",
    "L-L": "No go: both firms lose.",
}
TABLE_STYLES = (
    "map.code.{cell}",
    "fixed.center",
    "fixed.center",
    "calc.count",
    "calc.money",
    "calc.money",
    "calc.money",
    "fixed.text",
)


# Impact x feasibility: a section title, a note, the header, then one row per Ideas row from FIRST_ROW.
QUICK_TOP = L.MAP_UNQUANTIFIED_ROW + 2
QUICK_NOTE = QUICK_TOP + 1
QUICK_HEADER = QUICK_TOP + 2
QUICK_FIRST = QUICK_HEADER + 1
QUICK_ROWS = 40  # Ideas rows charted (the sample's customers have at most 20 ideas)
QUICK_LAST = QUICK_FIRST + QUICK_ROWS - 1
QUICK_COLUMNS = (col.IDEA_ID, col.FEASIBILITY, col.NET_VALUE)  # A, B, C
QUICK_STYLES = ("calc.text", "calc.center", "calc.money")
CHART_X, CHART_Y = "J", "K"  # hidden: Feasibility and net value, or 0 (off the chart) for a blank row
OFF_CHART = 0  # left of the Feasibility axis, which starts half a step below FEASIBILITY_LOW
QUICK_ANCHOR = f"E{QUICK_HEADER}"
QUICK_CHART_TITLE = "Impact (net value) against feasibility"


def _idea_cell(name: str, idea_row: int) -> str:
    return f"{L.sheet_ref(L.IDEAS)}!${L.IDEA_LETTER[name]}${idea_row}"


def quick_formulas(r: int, idea_row: int) -> dict[str, str]:
    """The formulas of table row ``r`` reading Ideas row ``idea_row``: ID, Feasibility and net value
    where the idea has both numbers, else blank; the chart's copies, ``OFF_CHART`` where blank."""
    feasibility, net = _idea_cell(col.FEASIBILITY, idea_row), _idea_cell(col.NET_VALUE, idea_row)
    both = f"AND(ISNUMBER({feasibility}),ISNUMBER({net}))"
    return {
        f"A{r}": f'IF({both},{_idea_cell(col.IDEA_ID, idea_row)},"")',
        f"B{r}": f'IF({both},{feasibility},"")',
        f"C{r}": f'IF({both},{net},"")',
        f"{CHART_X}{r}": f'IF(B{r}="",{OFF_CHART},B{r})',
        f"{CHART_Y}{r}": f'IF(C{r}="",{OFF_CHART},C{r})',
    }


def quick_points(data: CustomerData) -> list[tuple[str, float, float] | None]:
    """Per table row: (Idea ID, Feasibility, net value) of the idea on that Ideas row when it has both
    numbers, else None (rows past the customer's ideas too)."""
    ideas = data.ideas
    points: list[tuple[str, float, float] | None] = []
    ids, feasibilities, nets = (ideas[name][:QUICK_ROWS] for name in QUICK_COLUMNS)
    for idea_id, feasibility, net in zip(ids, feasibilities, nets, strict=True):
        plotted = _number(feasibility) and _number(net)
        points.append((str(idea_id), float(feasibility), float(net)) if plotted else None)
    return points + [None] * (QUICK_ROWS - len(points))


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _quick_row(sd: SheetData, r: int, idea_row: int, point: tuple[str, float, float] | None) -> None:
    """One table row: the three shown cells and the chart's two hidden copies."""
    formulas = quick_formulas(r, idea_row)
    shown: tuple[object, ...] = point if point is not None else (None, None, None)
    charted = (point[1], point[2]) if point is not None else (OFF_CHART, OFF_CHART)
    styles = (*QUICK_STYLES, "calc.center", "calc.money")
    for (ref, formula), style, cached in zip(formulas.items(), styles, (*shown, *charted), strict=True):
        column = ref.rstrip("0123456789")
        sd.formula(r, column_index_from_string(column), style, formula, cached)


def quick_chart(ws: Worksheet) -> ScatterChart:
    """Net value (impact, up) against Feasibility (across, 1 to 5) of the table's ideas."""
    chart = ScatterChart()
    chart.scatterStyle = "lineMarker"  # required by the schema; the line itself is switched off below
    chart.title = QUICK_CHART_TITLE
    chart.style = 2
    chart.legend = None
    xs = Reference(ws, min_col=ord(CHART_X) - 64, min_row=QUICK_FIRST, max_row=QUICK_LAST)
    ys = Reference(ws, min_col=ord(CHART_Y) - 64, min_row=QUICK_FIRST, max_row=QUICK_LAST)
    series = Series(ys, xs, title="Ideas")
    series.marker.symbol = "circle"
    series.marker.size = 8
    series.marker.graphicalProperties = GraphicalProperties(solidFill="1F3864")
    series.graphicalProperties = GraphicalProperties()
    series.graphicalProperties.line.noFill = True  # points only, no line between them
    chart.series.append(series)
    feasibility_axis = chart.x_axis
    # ScatterChart() makes a value axis across; the stubs type it as any axis
    assert isinstance(feasibility_axis, NumericAxis), "a scatter chart without a value axis across"
    feasibility_axis.title = f"Feasibility ({FEASIBILITY_HIGH} = easy and fast)"
    feasibility_axis.scaling.min = FEASIBILITY_LOW - 0.5
    feasibility_axis.scaling.max = FEASIBILITY_HIGH + 0.5
    feasibility_axis.majorUnit = 1
    feasibility_axis.majorGridlines = None
    feasibility_axis.axPos = "b"
    feasibility_axis.tickLblPos = "low"  # at the bottom edge, not at zero among negative net values
    chart.y_axis.title = "Net value"
    chart.y_axis.numFmt = "#,##0"
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.display_blanks = "gap"
    chart.visible_cells_only = False  # drawn from the hidden columns J and K
    chart_size(chart, 15.5, 8.0)
    return chart


def map_figures(data: CustomerData) -> dict[str, tuple[int, float, float, float]]:
    """Per map cell: number of ideas and the sums of supplier, customer and net value."""
    counts = dict.fromkeys(L.MAP_CELL_ORDER, 0)
    supplier, customer, net_value = (dict.fromkeys(L.MAP_CELL_ORDER, 0.0) for _ in range(3))
    ideas = data.ideas
    for cell, vs, vc, net in zip(
        ideas[col.CELL],
        ideas[col.SUPPLIER_VALUE],
        ideas[col.CUSTOMER_VALUE],
        ideas[col.NET_VALUE],
        strict=True,
    ):
        if cell in counts:
            counts[cell] += 1
            supplier[cell] += vs
            customer[cell] += vc
            net_value[cell] += net
    return {cell: (counts[cell], supplier[cell], customer[cell], net_value[cell]) for cell in counts}


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    widths(ws, {"A": 11, "B": 14, "C": 18, "D": 18, "E": 18, "F": 15, "G": 15, "H": 62})
    top = L.MAP_GRID_TOP
    ws.merge_cells(f"A{top}:A{top + 5}")
    for r in range(top, top + 6, 2):
        ws.merge_cells(f"B{r}:B{r + 1}")
    ws.merge_cells(f"C{top + 7}:E{top + 7}")
    first, last = L.MAP_TABLE_FIRST, L.MAP_TABLE_FIRST + len(L.MAP_CELL_ORDER) - 1
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = "Net value per map cell"
    chart.legend = None
    chart.y_axis.title = None
    chart.y_axis.numFmt = "#,##0"
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"  # W-W at the top, as in the table
    # The cell labels at the left edge of the plot, not at zero where negative bars would cover them.
    chart.x_axis.tickLblPos = "low"
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    values = Reference(ws, min_col=7, min_row=first, max_row=last)
    cells = Reference(ws, min_col=1, min_row=first, max_row=last)
    chart.add_data(values, titles_from_data=False)
    chart.set_categories(cells)
    series = chart.series[0]
    series.graphicalProperties = GraphicalProperties(solidFill="8EA9DB")
    for i, cell in enumerate(L.MAP_CELL_ORDER):
        point = DataPoint(idx=i)
        point.graphicalProperties = GraphicalProperties(solidFill=CELL_COLOURS[cell])
        point.graphicalProperties.line.solidFill = "7F7F7F"
        series.dPt.append(point)
    chart_size(chart, 15.5, 6.6)
    ws.add_chart(chart, "G5")
    for helper in (CHART_X, CHART_Y):  # figures for the chart, not for reading
        ws.column_dimensions[helper].hidden = True
    ws.add_chart(quick_chart(ws), QUICK_ANCHOR)
    protect(ws)
    page_setup(ws, fit_height=1)


def render(data: CustomerData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    s = ctx.settings
    sd.text(L.TITLE_ROW, 1, "title", f"Idea Portfolio Map: {data.name}")
    sd.height(L.TITLE_ROW, 24)
    tau = f"{s.indifference_threshold:,.0f}"
    sd.text(
        L.NOTE_ROW,
        1,
        "note",
        f"Each idea sits in one cell: {s.supplier}'s outcome first (across), "
        f"the customer's second (up). W win, I indifferent (within +/-{tau} {s.currency}), L lose. "
        "Each cell shows its number of ideas and, below, their net value.",
    )
    sd.text(L.NOTE_ROW + 1, 1, "note", PROTECTION_NOTE)
    figures = map_figures(data)
    top = L.MAP_GRID_TOP
    customer = f"{data.name} (customer)"
    sd.text(top, 1, "map.axis.vertical", customer if len(customer) <= 26 else "Customer")
    for customer_outcome, r in L.MAP_GRID_ROWS.items():
        sd.text(r, 2, "map.axis.right", OUTCOME_WORD[customer_outcome])
        sd.blank(r + 1, 2, "map.axis.right")
        sd.height(r, 24)
        sd.height(r + 1, 24)
        for supplier_outcome, letter in L.MAP_GRID_COLS.items():
            cell = f"{supplier_outcome}-{customer_outcome}"
            c = ord(letter) - 64
            row = L.MAP_ROW[cell]
            count, _, _, net = figures[cell]
            sd.formula(r, c, f"map.count.{cell}", f"$D${row}", count)
            sd.formula(r + 1, c, f"map.net.{cell}", f"$G${row}", net)
    for supplier_outcome, letter in L.MAP_GRID_COLS.items():
        sd.text(top + 6, ord(letter) - 64, "map.axis", OUTCOME_WORD[supplier_outcome])
    sd.text(top + 7, 3, "map.axis.title", f"{s.supplier} (supplier)")

    hr = L.MAP_TABLE_HEADER
    for c, name in enumerate(L.MAP_TABLE_COLUMNS, start=1):
        sd.text(hr, c, "header.calc" if 4 <= c <= 7 else "header.input", name)
    sd.height(hr, 20)
    last_idea = LF.ideas_last_row(data.n_ideas)  # bounded ranges: fast in Gnumeric too (live_formulas)
    for cell in L.MAP_CELL_ORDER:
        r = L.MAP_ROW[cell]
        count, vs, vc, net = figures[cell]
        sd.text(r, 1, f"map.code.{cell}", cell)
        sd.text(r, 2, "fixed.center", OUTCOME_WORD[cell[0]])
        sd.text(r, 3, "fixed.center", OUTCOME_WORD[cell[2]])
        sd.formula(r, 4, "calc.count", F.map_count(f"$A{r}", last_idea), count)
        sd.formula(r, 5, "calc.money", F.map_sum(col.SUPPLIER_VALUE, f"$A{r}", last_idea), vs)
        sd.formula(r, 6, "calc.money", F.map_sum(col.CUSTOMER_VALUE, f"$A{r}", last_idea), vc)
        sd.formula(r, 7, "calc.money", F.map_sum(col.NET_VALUE, f"$A{r}", last_idea), net)
        sd.text(r, 8, "fixed.text", GUIDANCE[cell])
    first, last, tr = L.MAP_TABLE_FIRST, L.MAP_TOTAL_ROW - 1, L.MAP_TOTAL_ROW
    sd.text(tr, 1, "total.label", "Total")
    for c in (2, 3, 8):
        sd.blank(tr, c, "total.label")
    sd.formula(tr, 4, "total.count", f"SUM(D{first}:D{last})", sum(f[0] for f in figures.values()))
    for c, k in ((5, 1), (6, 2), (7, 3)):
        letter = chr(64 + c)
        sd.formula(
            tr,
            c,
            "total.money",
            f"SUM({letter}{first}:{letter}{last})",
            math.fsum(f[k] for f in figures.values()),
        )
    ur = L.MAP_UNQUANTIFIED_ROW
    blank_ideas = sum(1 for v in data.ideas[col.SUPPLIER_VALUE] if v != v)  # NaN: no values yet
    sd.text(ur, 1, "note", "Ideas without any value yet (not on the map):")
    last_idea = L.FIRST_ROW + max(data.n_ideas, 1) - 1
    sd.formula(ur, 4, "calc.count", F.count_blank_values(L.FIRST_ROW, last_idea), blank_ideas)
    render_quick(sd, data)
    return sd


def render_quick(sd: SheetData, data: CustomerData) -> None:
    """The impact x feasibility table below the map (see the module docstring)."""
    sd.text(QUICK_TOP, 1, "section", "Impact and feasibility: quick wins first")
    sd.text(
        QUICK_NOTE,
        1,
        "note",
        f"Ideas with a net value and a Feasibility ({FEASIBILITY_LOW} hard and slow to {FEASIBILITY_HIGH} "
        f"easy and fast), from the first {QUICK_ROWS} rows of the Ideas sheet. {QUICK_WIN_TEXT}",
    )
    for c, name in enumerate(QUICK_COLUMNS, start=1):
        sd.text(QUICK_HEADER, c, "header.calc", name)
    for i, point in enumerate(quick_points(data)):
        _quick_row(sd, QUICK_FIRST + i, L.FIRST_ROW + i, point)


BUILDER = SheetBuilder(name=L.MAP, setup=setup, render=render)
