"""Report sheets written into the master workbook: ``Wave plan`` and ``Monthly report`` (issue 7).

The master stays the facilitator's own file, so a report sheet is replaced as a whole (same name,
same tab position) and every other sheet, table, validation and macro is kept, as ``master_update``
keeps them. A timestamped backup is left beside the master and the new file replaces the old one in
one step. The report sheets hold values, not formulas: they are a snapshot of the master at the time
the command ran (the generated customer workbooks carry the live formulas); running the command
again refreshes them. ``load_master`` ignores both sheets.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.core.problems import column_letter
from cvm_xl.core.tracking import (
    CONTRACT_COLUMNS,
    MONTH_TABLE,
    MonthlyReport,
)
from cvm_xl.core.wave import PHASE, WavePhase
from cvm_xl.core.waves import WAVE
from cvm_xl.generate.sheets.common import chart_size, fit_to_page, odd_footer
from cvm_xl.generate.sheets.ideas import LINE_POINTS, text_lines
from cvm_xl.generate.sheets.tracking_report import CONTRACT_TABLE, cumulative_chart
from cvm_xl.generate.sheets.wave_plan import ITEM_COLUMNS, MARK_COLOURS, band, gantt_periods
from cvm_xl.master.lock import writing
from cvm_xl.master.save import save_master
from cvm_xl.master.write import DATE_FORMAT, MONEY_FORMAT
from cvm_xl.spreadsheet.files import check_workbook_file
from cvm_xl.spreadsheet.sheet_names import open_for_update, set_title, sheets_in_view_of
from cvm_xl.spreadsheet.tables import find_sheet

WAVE_SHEET = "Wave plan"
REPORT_SHEET = "Monthly report"
# New report sheets go after the last input sheet, in this order.
TAB_ORDER = ("Tracking", "Wave plan", "Monthly report")
MONTH_FORMAT = "mmm yyyy"
NAVY, SLATE, GREY = "1F3864", "44546A", "595959"

SheetWriter = Callable[[Worksheet], None]
# What a report cell is given: text, a number, a date or nothing (NaN is written as nothing).
CellValue = str | float | dt.date | None


class SheetsResult(NamedTuple):
    path: Path
    backup: Path | None
    sheets: tuple[str, ...]


class WaveCustomer(NamedTuple):
    """One wave's plan of one customer for the master's Wave plan sheet (issue 14: a customer with
    several waves has one per wave; ``wave`` is its number)."""

    customer_id: str
    name: str
    kickoff: dt.date
    plan: list[WavePhase]
    wave: int | None = None


def replace_sheets(
    path: str | Path,
    writers: Mapping[str, SheetWriter],
    *,
    backup: bool = True,
    now: dt.datetime | None = None,
) -> SheetsResult:
    """Write each named sheet afresh with its writer, replacing a sheet of that name (case and spaces
    ignored) in its tab position; a new sheet goes after the Tracking sheet (and after the Wave plan
    for the Monthly report). Nothing else changes. The master is held for writing from reading to
    writing, and saved with its backup by ``cvm_xl.master.save.save_master``."""
    target = check_workbook_file(Path(path))
    with writing(target, holder="cvm-xl report sheets"):
        wb = open_for_update(target)  # every sheet keeps its own name (a hidden 'ideas' beside 'Ideas')
        for name, write in writers.items():
            existing = find_sheet(sheets_in_view_of(wb), name)
            if existing is not None:
                index = wb.sheetnames.index(existing)
                wb.remove(wb[existing])
            else:
                index = _new_sheet_index(wb.sheetnames, name)
            ws = wb.create_sheet(name, index)
            set_title(ws, name)  # openpyxl would add a '1' beside a hidden sheet of that name
            write(ws)
        kept = save_master(wb, target, backup=backup, now=now)
    return SheetsResult(target, kept, tuple(writers))


def _new_sheet_index(sheet_names: list[str], name: str) -> int:
    before = TAB_ORDER[: TAB_ORDER.index(name)] if name in TAB_ORDER else TAB_ORDER
    found = [find_sheet(sheet_names, s) for s in before]
    positions = [sheet_names.index(s) for s in found if s is not None]
    return max(positions) + 1 if positions else len(sheet_names)


# -- cell helpers ---------------------------------------------------------------------------------

_THIN = Side(style="thin", color="BFBFBF")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", start_color=NAVY, end_color=NAVY)
_HEADER_FONT = Font(bold=True, color="FFFFFF")


def _put(
    ws: Worksheet, r: int, c: int, value: CellValue, number_format: str | None = None, **style: object
) -> Cell:
    """One cell; text is always stored as text (a name starting with '=' stays a name)."""
    if isinstance(value, float) and math.isnan(value):
        value = None
    cell = ws.cell(r, c)
    # a report sheet is written afresh and merges no cells, so every cell takes a value
    assert isinstance(cell, Cell), f"a merged cell at row {r}, column {c}"
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    for key, item in style.items():
        setattr(cell, key, item)
    return cell


def _title(ws: Worksheet, text: str, notes: Sequence[str]) -> None:
    _put(ws, 1, 1, text, font=Font(bold=True, size=16, color=NAVY))
    ws.row_dimensions[1].height = 24
    for i, note in enumerate(notes, start=2):
        _put(ws, i, 1, note, font=Font(italic=True, size=9, color=GREY))


def _header(ws: Worksheet, r: int, first_col: int, names: Sequence[str]) -> None:
    for c, name in enumerate(names, start=first_col):
        _put(ws, r, c, name, font=_HEADER_FONT, fill=_HEADER_FILL, border=_BOX,
             alignment=Alignment(wrap_text=True, vertical="center", horizontal="center"))  # fmt: skip


def _landscape(ws: Worksheet, title_rows: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    fit_to_page(ws)
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_title_rows = title_rows
    footer = odd_footer(ws)
    footer.left.text = "&A"
    footer.right.text = "Page &P of &N"


# -- Wave plan ------------------------------------------------------------------------------------

WAVE_COLUMNS = ("Customer ID", "Customer", WAVE, *ITEM_COLUMNS)
_WAVE_WIDTHS = (11, 24, 6, 30, 10, 7, 11, 11, 9)
ITEM_COL = WAVE_COLUMNS.index(ITEM_COLUMNS[0]) + 1  # the Item column (bold for a phase)
_ACTIVITIES_WIDTH = 60


def wave_sheet(
    customers: Sequence[WaveCustomer], without_start: Sequence[str], generated: dt.datetime
) -> SheetWriter:
    """A writer for the master's Wave plan sheet: every wave's plan of every customer in one
    filterable table, one ``WaveCustomer`` after another (the ``Wave`` column names its wave)."""

    def write(ws: Worksheet) -> None:
        periods = [label for label, _, _ in gantt_periods(dt.date(2026, 1, 5))]
        first_band = len(WAVE_COLUMNS) + 1
        activities = first_band + len(periods)
        _title(
            ws,
            "Wave plans",
            (
                "Each wave of each customer, 12 weeks from its kick-off (week 0; wave 1 is the Wave start "
                "unless the Waves sheet gives it): W0..W12 are the weeks of the wave, M1..M12 the months "
                "after it; an earlier wave's reviews run until the next wave's first review. Band: S "
                "supplier, J joint, C customer phase; \u25c6 milestone; \u25cf review; \u25cb monthly "
                "report.",
                f"Written by cvm-xl wave on {generated:%Y-%m-%d %H:%M}; run it again after changing a "
                "Wave start or the Waves sheet.",
            ),
        )
        header_row = 5
        _header(ws, header_row, 1, (*WAVE_COLUMNS, *periods, "Activities"))
        fills = {m: PatternFill("solid", start_color=f, end_color=f) for m, (f, _) in MARK_COLOURS.items()}
        fonts = {m: Font(bold=True, color=c) for m, (_, c) in MARK_COLOURS.items()}
        centre = Alignment(horizontal="center", vertical="center")
        top = Alignment(vertical="top", wrap_text=True)
        r = header_row
        for customer in customers:
            spans = gantt_periods(customer.kickoff)
            for item in customer.plan:
                r += 1
                bold = Font(bold=item.kind == PHASE)
                values: tuple[CellValue, ...] = (customer.customer_id, customer.name, customer.wave,
                                                 item.name, item.kind, item.weeks, item.start, item.end,
                                                 item.owner)  # fmt: skip
                for c, value in enumerate(values, start=1):
                    fmt = DATE_FORMAT if isinstance(value, dt.date) else None
                    style = bold if c == ITEM_COL else Font()
                    _put(ws, r, c, value, fmt, border=_BOX, alignment=top, font=style)
                for k, shown in enumerate(band(item, spans)):
                    cell = _put(ws, r, first_band + k, shown or None, border=_BOX, alignment=centre)
                    if shown:
                        cell.fill, cell.font = fills[shown], fonts[shown]
                text = "; ".join(item.activities)
                _put(ws, r, activities, text, border=_BOX, alignment=top, font=Font(size=9))
                lines = max(
                    text_lines(text, _ACTIVITIES_WIDTH * 1.1),
                    text_lines(item.name, _WAVE_WIDTHS[ITEM_COL - 1]),
                )
                if lines > 1:
                    ws.row_dimensions[r].height = 3 + LINE_POINTS * min(lines, 5) * 0.9
        if r > header_row:
            ws.auto_filter.ref = f"A{header_row}:{column_letter(activities)}{r}"
        if without_start:
            note = "No wave yet (no Wave start, no Waves row; no plan): " + ", ".join(without_start)
            _put(ws, r + 2, 1, note, font=Font(italic=True, color=GREY))
        for c, width in enumerate(_WAVE_WIDTHS, start=1):
            ws.column_dimensions[column_letter(c)].width = width
        for k in range(len(periods)):
            ws.column_dimensions[column_letter(first_band + k)].width = 4.3
        ws.column_dimensions[column_letter(activities)].width = _ACTIVITIES_WIDTH
        ws.freeze_panes = ws.cell(header_row + 1, ITEM_COL + 1).coordinate
        _landscape(ws, f"{header_row}:{header_row}")

    return write


# -- Monthly report -------------------------------------------------------------------------------


class CustomerReport(NamedTuple):
    customer_id: str
    name: str
    report: MonthlyReport


def _chart(ws: Worksheet, title: str, header_row: int, last: int, anchor: str) -> None:
    chart = cumulative_chart(ws, title, header_row, last)
    chart_size(chart, 16.0, 7.5)
    ws.add_chart(chart, anchor)


def monthly_sheet(
    reports: Sequence[CustomerReport], skipped: Sequence[str], currency: str, generated: dt.datetime
) -> SheetWriter:
    """A writer for the master's Monthly report sheet: per customer the value to date, the contract
    years and the month-by-month table with a chart of cumulative customer value."""

    def write(ws: Worksheet) -> None:
        _title(
            ws,
            "Monthly report",
            (
                f"Planned and realised value per month, cumulative per firm, and each customer's value "
                f"guarantee per contract year, in {currency}.",
                f"Written by cvm-xl track on {generated:%Y-%m-%d %H:%M}; run it again after new tracking "
                "rows.",
            ),
        )
        r = 5
        contract_col = len(MONTH_TABLE) + 2
        for item in reports:
            rep = item.report
            _put(ws, r, 1, f"{item.customer_id}  {item.name}", font=Font(bold=True, size=12, color=NAVY))
            r += 1
            summary = (
                ("Reported up to", rep.reported_to, DATE_FORMAT),
                ("Value guarantee per year", rep.guarantee, MONEY_FORMAT),
                ("Supplier value to date: planned", rep.planned_to_date[0], MONEY_FORMAT),
                ("realised", rep.realised_to_date[0], MONEY_FORMAT),
                ("Customer value to date: planned", rep.planned_to_date[1], MONEY_FORMAT),
                ("realised", rep.realised_to_date[1], MONEY_FORMAT),
            )
            for k, (label, value, fmt) in enumerate(summary):
                row, col = r + k // 2, 1 + (k % 2) * 3
                _put(ws, row, col, label, font=Font(color=SLATE))
                _put(ws, row, col + 2, value, fmt, font=Font(bold=True))
            r += 4
            header_row = r
            _header(ws, header_row, 1, MONTH_TABLE)
            _header(ws, header_row, contract_col, CONTRACT_TABLE)
            ws.row_dimensions[header_row].height = 42
            months = rep.months
            for i, record in enumerate(months.itertuples(index=False)):
                for c, amount in enumerate(record, start=1):
                    fmt = MONTH_FORMAT if c == 1 else MONEY_FORMAT
                    _put(ws, header_row + 1 + i, c, amount, fmt, border=_BOX)
            for i, year in enumerate(rep.contract[list(CONTRACT_COLUMNS)].itertuples(index=False)):
                values = dict(zip(CONTRACT_COLUMNS, year, strict=True))
                for k, name in enumerate(CONTRACT_TABLE):
                    year_format = (
                        DATE_FORMAT
                        if name in ("From", "To")
                        else None
                        if name in ("Year", "Status")
                        else (MONEY_FORMAT)
                    )
                    _put(ws, header_row + 1 + i, contract_col + k, values[name], year_format, border=_BOX)
            last = header_row + max(len(months), 1)
            if len(months):
                anchor = f"{column_letter(contract_col)}{header_row + len(rep.contract) + 3}"
                _chart(ws, f"{item.customer_id}: cumulative customer value", header_row, last, anchor)
            else:
                _put(ws, header_row + 1, 1, "Nothing planned or tracked yet.", font=Font(italic=True))
            # leave room for the chart (about 15 rows) below a short table
            r = max(last, header_row + len(rep.contract) + 19) + 3
        if skipped:
            _put(ws, r, 1, "No Wave start and nothing planned or tracked: " + ", ".join(skipped),
                 font=Font(italic=True, color=GREY))  # fmt: skip
        ws.column_dimensions["A"].width = 12
        for c in range(2, len(MONTH_TABLE) + 1):
            ws.column_dimensions[column_letter(c)].width = 13
        for k, width in enumerate((7, 11, 11, 13, 13, 13, 13, 12)):
            ws.column_dimensions[column_letter(contract_col + k)].width = width
        _landscape(ws, "1:1")

    return write
