"""Writing a master workbook (SPEC §4) that a user fills in and ``load_master`` reads back.

One sheet per input table, each holding one named Excel Table with the §4 headers, dropdowns
for every list column (from a hidden Lists sheet), number/date/percent formats, a frozen header
row and readable column widths. The Ideas table also shows the computed columns, and the risks,
exit triggers and issue log theirs: the master is live (``live``), each computed column a native
formula (also the Excel Table's calculated-column formula, so a row added in Excel gets it) with
its result saved as cvm-xl computes it (``load_master`` recomputes them and never reads them as
input). The relationship tables
of SPEC §3.9 follow on sheets of their own (``readiness.tables``), their checklists pre-filled for
every customer when none is given, so they are ready to fill in. Text a person typed is
always written as text, never as a formula. The file is written to a temporary name beside the
target and moved into place, so a failed write never leaves a half-written master.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableFormula, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.core import columns as col
from cvm_xl.core.problems import column_letter
from cvm_xl.core.settings import ALL_SETTING_LABELS, Settings
from cvm_xl.core.waves import WAVE_STATUSES
from cvm_xl.formulas.cells import at_row
from cvm_xl.master.live import (
    FORMULA_LISTS,
    LISTS_SHEET,
    CellValues,
    SettingsBlock,
    SettingsPlace,
    block_columns,
    computed_formulas,
    defined_names,
    list_range,
    live_table,
    set_names,
    settings_block,
)
from cvm_xl.master.schema import (
    ALL_TABLES,
    RELATIONSHIP_TABLES,
    SETTING,
    SETTINGS_SHEET,
    SETTINGS_TABLE,
    TABLES,
    VALUE,
    YES_NO_CHOICES,
    Column,
    Kind,
)
from cvm_xl.readiness import lifecycle, maturity, objectives
from cvm_xl.readiness import tables as rt
from cvm_xl.spreadsheet.atomic import atomic_write, workbook_bytes
from cvm_xl.spreadsheet.cached_values import stamp_cached_values
from cvm_xl.spreadsheet.validation import (
    VALIDATED_LAST_ROW,
    informing,
    list_message,
    list_source,
    yes_no_message,
)

__all__ = ["LISTS_SHEET", "relationship_templates", "write_master"]
MEANING = "Meaning"
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0;[Red]-#,##0"
PERCENT_FORMAT = "0%"
FORMULA_STARTS = ("=", "+", "-", "@")
_COMPUTED_FILL = PatternFill("solid", start_color="F2F2F2")
_COMPUTED_FONT = Font(italic=True, color="595959")
_WIDTH_SAMPLE = 500

SETTING_MEANINGS = {
    "supplier": "Name of the supplier firm (your firm).",
    "currency": "Currency of every amount, e.g. EUR.",
    "horizon_years": "Years over which annual values count (value = one-time + annual x years).",
    "discount_rate": "Annual discount rate for annual values; 0 = no discounting.",
    "indifference_threshold": "A firm's value within +/- this amount counts as indifferent (I).",
    "significance_threshold": "Ideas with a smaller net value are postponed as too small.",
    "max_one_sided_loss": "Largest loss one firm may take on a W-L / L-W idea; blank = no limit.",
    "target_supplier_share": "The supplier's fair share of the total value in the passbook.",
    "max_sign_off_ideas": "At most this many Go ideas go to sign-off.",
    "number_format": "How numbers typed as text are read: auto, 1,234.56, 1.234,56 or 1 234,56.",
    "screening_max_quartile": "Customer screening: industry quartile needed (1 = top quartile only).",
    "screening_min_phase": "Customer screening: business-excellence phase needed (I, II or III).",
    "screening_min_culture": "Customer screening: least long-term-culture score (1-5).",
    "screening_min_co_destiny": "Customer screening: least desire-for-co-destiny score (1-5).",
    "workshop_language": "Language of the raw ideas, for synthesize: English, Dutch, French, German, "
    "Italian, Polish, Portuguese, Russian, Spanish or Turkish.",
    "equity_tolerance": "Equity gap tolerated before balance names the ideas that close it, as a share "
    "of the passbook total.",
    "refresh_after_months": "A customer is due a new wave once its last kick-off is older than this "
    "many months (cvm-xl pipeline).",
    "minimum_open_go_ideas": "A customer is due a new wave once fewer open Go ideas than this remain "
    "(cvm-xl pipeline).",
}
SETTING_FORMATS = {
    "horizon_years": "0.##",
    "discount_rate": "0.0%",
    "indifference_threshold": MONEY_FORMAT,
    "significance_threshold": MONEY_FORMAT,
    "max_one_sided_loss": MONEY_FORMAT,
    "target_supplier_share": PERCENT_FORMAT,
    "max_sign_off_ideas": "0",
    "screening_max_quartile": "0",
    "screening_min_culture": "0.#",
    "screening_min_co_destiny": "0.#",
    "equity_tolerance": PERCENT_FORMAT,
    "refresh_after_months": "0",
    "minimum_open_go_ideas": "0",
}

# Dropdown lists: list name -> values, and which columns use which list.
LISTS: dict[str, tuple[object, ...]] = {
    col.STATUS: col.STATUSES,
    col.CATEGORY: col.CATEGORIES,
    "Firm": col.FIRMS,
    col.OWNER_FIRM: col.OWNER_FIRMS,
    col.SHARING_METHOD: TABLES["Ideas"].column(col.SHARING_METHOD).choices,
    "Yes/No": YES_NO_CHOICES,
    "Excellence phase": col.EXCELLENCE_PHASES,
}
# The relationship tables' lists follow, so the columns above keep their place on the Lists sheet.
RELATIONSHIP_LIST_NAMES: dict[tuple[str, str], str] = {}
for (_sheet, _column), _values in rt.LIST_VALUES.items():
    _name = next((n for n, v in LISTS.items() if v == _values), None)
    if _name is None:
        _name = _column if _column not in LISTS else f"{_sheet} {_column.lower()}"
        LISTS[_name] = _values
    RELATIONSHIP_LIST_NAMES[(_sheet, _column)] = _name
# Lists of the input tables added later go last, so that every list above keeps its column.
LISTS.setdefault("Wave status", WAVE_STATUSES)  # the Waves table's Status (issue 14)
# Every other list column of the input tables gets its list too, found by its values (``_list_name``):
# Tracking's Kind (issue 14, Recurring/One-time) shares its name with the Reviews table's Kind, whose
# list above took the name, so it is named after its table ("Tracking kind").
for _table in TABLES.values():
    for _spec in _table.columns:
        if _spec.kind is Kind.CHOICE and _spec.choices not in {tuple(v) for v in LISTS.values()}:
            _name = _spec.name if _spec.name not in LISTS else f"{_table.name} {_spec.name.lower()}"
            LISTS[_name] = _spec.choices
_MONEY_COMPUTED = frozenset(
    {
        col.SUPPLIER_VALUE,
        col.CUSTOMER_VALUE,
        col.NET_VALUE,
        col.BAND,
        col.TRANSFER,
        col.SUPPLIER_FINAL,
        col.CUSTOMER_FINAL,
    }
)


def _list_name(column: Column) -> str | None:
    if column.kind is Kind.YES_NO:
        return "Yes/No"
    if column.kind is Kind.CHOICE:
        if column.name in LISTS and tuple(LISTS[column.name]) == tuple(column.choices):
            return column.name
        # a column whose name another list has taken (the Waves table's Status): the list of its values
        return next((name for name, values in LISTS.items() if tuple(values) == tuple(column.choices)), None)
    if column.kind is Kind.SCORE:  # a score's scale (an idea's Feasibility 1..5, issue 14): its list
        return next((name for name, values in LISTS.items() if tuple(values) == column.scale), None)
    return None


def _number_format(column: Column) -> str | None:
    if column.kind is Kind.DATE:
        return DATE_FORMAT
    if column.kind is not Kind.NUMBER:
        return None
    if column.percent:
        return PERCENT_FORMAT
    if column.money:
        return MONEY_FORMAT
    if column.whole:
        return "0"
    return "#,##0.##" if column.low == 0 else None


_CELL_TYPES = (str, bool, int, float, dt.date, dt.datetime)
# What ``_plain`` hands to openpyxl (a datetime is a date too).
CellValue = str | bool | int | float | dt.date | None
# Control characters cannot be stored in a workbook's XML; they are invisible in Excel anyway.
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")


def _plain(value: object, where: str = "") -> CellValue:
    """A cell value openpyxl writes faithfully: None for blanks, Python scalars, dates without time.

    Raises ValueError naming ``where`` for a value no cell can hold.
    """
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    if isinstance(value, str):
        return _ILLEGAL.sub("", value)
    if not isinstance(value, _CELL_TYPES):
        if pd.api.types.is_scalar(value) and pd.isna(cast(Any, value)):  # pd.NA and friends
            return None
        raise ValueError(f"{where}: {value!r} cannot be written to a cell")
    return value


# A write-only worksheet: openpyxl's stubs model it as an ordinary worksheet, which it is not
# (no cells to look up, tables and validations kept aside), so it is typed loosely here.
WriteOnlySheet = Any


def _cell(
    ws: WriteOnlySheet,
    value: CellValue,
    number_format: str | None = None,
    computed: bool = False,
    formula: str | None = None,
) -> Cell | None:
    """A styled write-only cell for a value already made plain (or None for an empty cell), or for
    a ``formula`` (a computed column's, with '=')."""
    if formula is not None:
        cell = WriteOnlyCell(ws, value=formula)
        cell.data_type = "f"
        if number_format:
            cell.number_format = number_format
        cell.fill = _COMPUTED_FILL
        cell.font = _COMPUTED_FONT
        return cell
    if value is None and not computed:
        return None
    # The stubs list fewer value types than openpyxl writes (bool, int and date cells are fine).
    cell = WriteOnlyCell(ws, value=cast(Any, value))
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    if number_format and not isinstance(value, str):
        cell.number_format = number_format
    if computed:
        cell.fill = _COMPUTED_FILL
        cell.font = _COMPUTED_FONT
    return cell


def _yes_no(value: object) -> object:
    return ("Yes" if value else "No") if isinstance(value, bool) else value


def _width(header: str, values: Iterable[object]) -> float:
    longest = len(header)
    for value in values:
        if value is not None:
            text = value.isoformat() if isinstance(value, dt.date) else str(value)
            longest = max(longest, len(text))
    return float(min(max(longest + 2, 10), 50))


def _add_table(
    ws: WriteOnlySheet,
    name: str,
    headers: Sequence[str],
    n_rows: int,
    formulas: Mapping[str, str] | None = None,
) -> None:
    """The Excel Table over the header and ``n_rows`` rows (at least one); ``formulas`` are the
    computed columns' row templates, the table's calculated-column formulas (a new row gets them)."""
    ref = f"A1:{column_letter(len(headers))}{max(n_rows, 1) + 1}"
    table = ExcelTable(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    table._initialise_columns()  # type: ignore[attr-defined]  # openpyxl's own helper, absent from its stubs
    for table_column, header in zip(table.tableColumns, headers, strict=True):
        table_column.name = header
        if formulas and header in formulas:
            table_column.calculatedColumnFormula = TableFormula(attr_text=at_row(formulas[header], 2))
    with warnings.catch_warnings():
        # openpyxl warns that write-only tables need their columns set by hand, which is done above.
        warnings.filterwarnings("ignore", "In write-only mode", UserWarning)
        ws.add_table(table)


def _dropdown(
    ws: WriteOnlySheet, list_name: str, list_column: int, values: Sequence[object], position: int
) -> None:
    """A dropdown of the list's canonical values that keeps any other spelling after saying which
    values are meant (``spreadsheet.validation``: information-style, the range without '=')."""
    letter = column_letter(list_column)
    validation = DataValidation(
        type="list",
        formula1=list_source(f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"),
        allow_blank=True,
    )
    message = yes_no_message() if values == YES_NO_CHOICES else list_message(values)
    informing(validation, message, f"Not a listed {list_name}")
    target = column_letter(position + 1)
    validation.add(f"{target}2:{target}{VALIDATED_LAST_ROW}")
    ws.data_validations.append(validation)


def _print_setup(ws: WriteOnlySheet, columns: int) -> None:
    """A master's sheet on paper: A4 landscape, fitted to one page wide per 16 columns, the header
    row (and for a wider table its first column) on every page, and the sheet name and page
    numbers in the footer (SPEC §4 master workbook; issue 12: it prints landscape, titles repeated)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1 + (columns - 1) // 16
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    if columns > 16:
        ws.print_title_cols = "A:A"
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "Page &P of &N"


# The Lists sheet: the dropdowns' lists, then the lists only the formulas read (``live``).
ALL_LISTS: dict[str, tuple[object, ...]] = {
    **LISTS,
    **{name: values for name, values in FORMULA_LISTS.items() if name not in LISTS},
}


def _write_lists(wb: Workbook, block: SettingsBlock) -> None:
    """The Lists sheet: every list, then the settings block (``live.settings_block``)."""
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    cells: dict[tuple[int, int], object] = {}
    for column, name in enumerate(ALL_LISTS, start=1):
        for row, value in enumerate((name, *ALL_LISTS[name]), start=1):
            cells[(row, column)] = value
    cells.update(block.values)
    cells.update({at: "=" + formula for at, formula in block.formulas.items()})
    width = max(column for _, column in cells)
    for row in range(1, max(r for r, _ in cells) + 1):
        ws.append([cells.get((row, column)) for column in range(1, width + 1)])


def _formula_list_ranges() -> dict[str, str]:
    """Where the Lists sheet holds each list the formulas read."""
    position = {name: index + 1 for index, name in enumerate(ALL_LISTS)}
    return {name: list_range(position[name], len(ALL_LISTS[name])) for name in FORMULA_LISTS}


def _write_settings(wb: Workbook, values: Mapping[str, CellValue]) -> None:
    ws = wb.create_sheet(SETTINGS_SHEET)
    headers = (SETTING, VALUE, MEANING)
    widths = (26.0, 16.0, 80.0)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[column_letter(index)].width = width
    ws.freeze_panes = "A2"
    _print_setup(ws, len(headers))
    ws.append(list(headers))
    for label, name in ALL_SETTING_LABELS.items():
        ws.append(
            [
                _cell(ws, label),
                _cell(ws, values[name], SETTING_FORMATS.get(name)),
                _cell(ws, SETTING_MEANINGS.get(name, "")),
            ]
        )
    _add_table(ws, SETTINGS_TABLE, headers, len(ALL_SETTING_LABELS))


@dataclass
class _Sheet:
    """One input table made ready to write: headers, plain cell values by column, formats."""

    name: str
    table_name: str
    specs: list[Column]
    headers: list[str]
    data: dict[str, list[object]]
    formats: list[str | None]
    computed: int  # how many of the last headers are computed columns
    rows: int
    formulas: dict[str, str] = field(default_factory=dict)  # computed column -> row template ({r})

    def grid(self) -> list[list[object]]:
        """The sheet's rows from A1 (header, then the records' values), as a reader gives them."""
        columns = [self.data[h] for h in self.headers]
        return [list(self.headers), *(list(values) for values in zip(*columns, strict=True))]

    def live(self, settings: Settings, today: dt.date) -> CellValues:
        """The results of the computed columns' formulas, as cvm-xl computes them."""
        found = live_table(
            ALL_TABLES[self.name], self.name, self.grid(), settings, max(self.rows, 1) + 1, today=today
        )
        return found.cached if found is not None else {}


def _prepare_table(name: str, frame: pd.DataFrame | None, settings: Settings) -> _Sheet:
    """Every value made plain and checked, so that a bad value stops the write before it starts."""
    table = TABLES[name]
    frame = frame if frame is not None else pd.DataFrame(columns=list(table.names))
    specs = list(table.columns)
    headers = [c.name for c in specs]
    extra = [str(c) for c in frame.columns if c not in headers and c not in table.computed]
    raw: dict[str, list[object]] = {}
    for spec in specs:
        raw[spec.name] = frame[spec.name].tolist() if spec.name in frame.columns else [None] * len(frame)
    for header in extra:
        headers.append(header)
        raw[header] = frame[header].tolist()
    formats = [_number_format(s) for s in specs] + [None] * len(extra)
    for header in table.computed:  # formulas (``_append_rows``); their results come from ``live``
        headers.append(header)
        raw[header] = [None] * len(frame)
        formats.append(MONEY_FORMAT if header in _MONEY_COMPUTED else None)
    yes_no = {s.name for s in specs if s.kind is Kind.YES_NO}
    data: dict[str, list[object]] = {}
    for header in headers:
        values: list[object] = [
            _plain(v, f"{name}, column {header}, row {i + 1}") for i, v in enumerate(raw[header])
        ]
        data[header] = [_yes_no(v) for v in values] if header in yes_no else values
    letters = {header: column_letter(i) for i, header in enumerate(headers, start=1)}
    formulas = computed_formulas(name, letters) if table.computed else {}
    return _Sheet(
        name, table.table_name, specs, headers, data, formats, len(table.computed), len(frame), formulas
    )


def _write_table(wb: Workbook, sheet: _Sheet, list_columns: dict[str, int]) -> None:
    ws = wb.create_sheet(sheet.name)
    for index, header in enumerate(sheet.headers, start=1):
        ws.column_dimensions[column_letter(index)].width = _width(header, sheet.data[header][:_WIDTH_SAMPLE])
    ws.freeze_panes = "A2"
    _print_setup(ws, len(sheet.headers))
    for position, spec in enumerate(sheet.specs):
        list_name = _list_name(spec)
        if list_name is not None:
            _dropdown(ws, spec.name, list_columns[list_name], LISTS[list_name], position)
    ws.append(sheet.headers)
    _append_rows(ws, sheet)
    _add_table(ws, sheet.table_name, sheet.headers, sheet.rows, sheet.formulas)


def _append_rows(ws: WriteOnlySheet, sheet: _Sheet) -> None:
    """The records from row 2, computed columns as formulas; an empty table gets one row of
    formulas (they show nothing), so a row typed into it computes at once."""
    is_computed = [False] * (len(sheet.headers) - sheet.computed) + [True] * sheet.computed
    templates = [sheet.formulas.get(h) if flag else None for h, flag in zip(sheet.headers, is_computed,
                                                                            strict=True)]  # fmt: skip
    columns = [sheet.data[h] for h in sheet.headers]
    records = list(zip(*columns, strict=True))
    if not records and sheet.formulas:
        records = [tuple([None] * len(sheet.headers))]
    for row, values in enumerate(records, start=2):
        cells = zip(values, sheet.formats, is_computed, templates, strict=True)
        ws.append(
            [
                _cell(ws, value, fmt, flag, "=" + at_row(template, row) if template else None)
                for value, fmt, flag, template in cells
            ]
        )


def write_master(
    path: str | Path,
    settings: Settings,
    tables: Mapping[str, pd.DataFrame],
    today: dt.date | None = None,
) -> None:
    """Write a master workbook: Settings, Customers, Workshop, Ideas and Tracking, then the
    relationship tables (Life cycle ... Out of bounds topics), each as an Excel Table.

    ``tables`` maps table names to DataFrames with the §4 columns, or the relationship tables'
    columns (typed as ``load_master`` returns them; extra columns are kept after the known ones). A
    §4 table left out is written empty; a relationship table left out is written ready to fill in
    (``relationship_templates``). ``today`` dates the computed columns Review due, Days open and
    Overdue (default: the current date).
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{path}: a master workbook is written as .xlsx; use a name ending in .xlsx")
    unknown = set(tables) - set(TABLES) - set(rt.TABLES)
    if unknown:
        raise ValueError(f"Unknown table(s) {sorted(unknown)}: use {', '.join([*TABLES, *rt.TABLES])}")
    settings_value = {
        name: _plain(getattr(settings, name), f"{SETTINGS_SHEET}, {label}")
        for label, name in ALL_SETTING_LABELS.items()
    }
    sheets = [_prepare_table(name, tables.get(name), settings) for name in TABLES]
    given = {
        **relationship_templates(tables.get("Customers")),
        **{k: v for k, v in tables.items() if k in rt.TABLES},
    }
    when = today or dt.date.today()
    related = [_prepare_relationship(name, given.get(name), when) for name in rt.TABLES]
    wb = Workbook(write_only=True)
    _write_settings(wb, settings_value)
    # The Lists sheet comes last in the tab bar; the dropdowns only need its column positions.
    list_columns = {name: index + 1 for index, name in enumerate(LISTS)}
    for sheet in sheets:
        _write_table(wb, sheet, list_columns)
    for sheet in related:
        _write_relationship(wb, sheet, list_columns)
    place = SettingsPlace(SETTINGS_SHEET, 1, column_letter(1), column_letter(2))
    settings_rows = [[SETTING], *([label] for label in ALL_SETTING_LABELS)]  # as _write_settings writes them
    columns = block_columns(list(ALL_LISTS), range(1, len(ALL_LISTS) + 1))
    block = settings_block(LISTS_SHEET, columns, place, settings_rows, settings)
    _write_lists(wb, block)
    set_names(wb, defined_names(_formula_list_ranges(), block))
    results = {sheet.name: sheet.live(settings, when) for sheet in [*sheets, *related] if sheet.formulas}
    results[LISTS_SHEET] = block.cached
    atomic_write(path, stamp_cached_values(workbook_bytes(wb), results))


# --- the relationship tables (SPEC §3.9) ------------------------------------------------------------

RELATIONSHIP_TABLE_NAMES = {sheet: table.table_name for sheet, table in RELATIONSHIP_TABLES.items()}
_WHOLE = frozenset({rt.LIKELIHOOD, rt.IMPACT, rt.RATING, rt.DAYS_OPEN})
_HELP = {d: maturity.maturity_help(d) for d in rt.DIMENSIONS}


def relationship_templates(customers: pd.DataFrame | None) -> dict[str, pd.DataFrame | None]:
    """The relationship tables ready to fill in for these customers: every checklist item of the
    eight stages, a maturity row per firm and an objective line per firm (mine, yours, ours)."""
    given: Iterable[object] = (
        [] if customers is None or col.CUSTOMER_ID not in customers else customers[col.CUSTOMER_ID]
    )
    ids = [str(i) for i in given if i is not None and i == i]
    makers = {
        rt.LIFECYCLE_SHEET: lifecycle.empty_lifecycle,
        rt.MATURITY_SHEET: maturity.empty_maturity,
        rt.OBJECTIVES_SHEET: objectives.empty_objectives,
    }
    return {
        sheet: pd.concat([make(cid) for cid in ids], ignore_index=True) if ids else None
        for sheet, make in makers.items()
    }


def _relationship_format(sheet: str, column: str) -> str | None:
    if any(c.name == column and c.kind is Kind.DATE for c in RELATIONSHIP_TABLES[sheet].columns):
        return DATE_FORMAT
    return "0" if column in _WHOLE else None


def _prepare_relationship(sheet: str, frame: pd.DataFrame | None, today: dt.date) -> _Sheet:
    spec = rt.TABLES[sheet]
    if frame is None:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in spec.inputs})
    # Computed columns are formulas (``_append_rows``), their results from ``live``.
    frame = frame.drop(columns=[c for c in spec.computed if c in frame.columns]).reset_index(drop=True)
    extra = [str(c) for c in frame.columns if c not in spec.columns]
    headers = [*spec.inputs, *extra, *spec.computed]
    data: dict[str, list[object]] = {}
    for header in headers:
        values = frame[header].tolist() if header in frame.columns else [None] * len(frame)
        data[header] = [
            _yes_no(_plain(v, f"{sheet}, column {header}, row {i + 1}")) for i, v in enumerate(values)
        ]
    formats = [_relationship_format(sheet, h) for h in headers]
    letters = {header: column_letter(i) for i, header in enumerate(headers, start=1)}
    formulas = computed_formulas(sheet, letters) if spec.computed else {}
    return _Sheet(
        sheet,
        RELATIONSHIP_TABLE_NAMES[sheet],
        [],
        headers,
        data,
        formats,
        len(spec.computed),
        len(frame),
        formulas,
    )


def _write_relationship(wb: Workbook, sheet: _Sheet, list_columns: dict[str, int]) -> None:
    ws = wb.create_sheet(sheet.name)
    for index, header in enumerate(sheet.headers, start=1):
        width = _width(header, sheet.data[header][:_WIDTH_SAMPLE])
        ws.column_dimensions[column_letter(index)].width = max(width, 44.0) if header in _HELP else width
    ws.freeze_panes = "A2"
    _print_setup(ws, len(sheet.headers))
    for position, header in enumerate(sheet.headers):
        list_name = RELATIONSHIP_LIST_NAMES.get((sheet.name, header))
        if list_name is not None:
            _dropdown(ws, header, list_columns[list_name], LISTS[list_name], position)
    heads: list[Cell] = []
    for header in sheet.headers:
        cell = _cell(ws, header)
        assert cell is not None  # a header is never blank
        if header in _HELP:
            # The four levels do not fit a dropdown's 255-character message: a note on the header.
            cell.comment = Comment(_HELP[header], "cvm-xl", width=420, height=160)
        heads.append(cell)
    ws.append(heads)
    _append_rows(ws, sheet)
    _add_table(ws, sheet.table_name, sheet.headers, sheet.rows, sheet.formulas)
