"""Writing a master workbook (SPEC §4) that a user fills in and ``load_master`` reads back.

One sheet per input table, each holding one named Excel Table with the §4 headers, dropdowns
for every list column (from a hidden Lists sheet), number/date/percent formats, a frozen header
row and readable column widths. The Ideas table also shows the computed columns, filled with the
evaluated values (``load_master`` recomputes them and never reads them). Text a person typed is
always written as text, never as a formula. The file is written to a temporary name beside the
target and moved into place, so a failed write never leaves a half-written master.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tempfile
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableStyleInfo

from . import columns as col
from .evaluation import evaluate_ideas
from .problems import column_letter
from .schema import SETTING, SETTINGS_SHEET, SETTINGS_TABLE, TABLES, VALUE, YES_NO_CHOICES, Column, Kind
from .settings import SETTING_LABELS, Settings

LISTS_SHEET = "Lists"
MEANING = "Meaning"
LAST_ROW = 1_048_576
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
}
SETTING_FORMATS = {
    "horizon_years": "0.##",
    "discount_rate": "0.0%",
    "indifference_threshold": MONEY_FORMAT,
    "significance_threshold": MONEY_FORMAT,
    "max_one_sided_loss": MONEY_FORMAT,
    "target_supplier_share": PERCENT_FORMAT,
    "max_sign_off_ideas": "0",
}

# Dropdown lists: list name -> values, and which columns use which list.
LISTS: dict[str, tuple[str, ...]] = {
    col.STATUS: col.STATUSES,
    col.CATEGORY: col.CATEGORIES,
    "Firm": col.FIRMS,
    col.OWNER_FIRM: col.OWNER_FIRMS,
    col.SHARING_METHOD: TABLES["Ideas"].column(col.SHARING_METHOD).choices,
    "Yes/No": YES_NO_CHOICES,
    "Excellence phase": col.EXCELLENCE_PHASES,
}
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
        return column.name if column.name in LISTS else None
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


def _plain(value: object) -> object:
    """A cell value openpyxl writes faithfully: None for blanks, Python scalars, dates without time."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    try:
        if pd.isna(value):  # pd.NA and friends
            return None
    except (TypeError, ValueError):
        pass
    return value


def _cell(ws: object, value: object, number_format: str | None = None, computed: bool = False) -> object:
    value = _plain(value)
    if value is None and not computed:
        return None
    cell = WriteOnlyCell(ws, value=value)
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
    value = _plain(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


def _width(header: str, values: Iterable[object]) -> float:
    longest = len(header)
    for value in values:
        value = _plain(value)
        if value is not None:
            text = value.isoformat() if isinstance(value, dt.date) else str(value)
            longest = max(longest, len(text))
    return float(min(max(longest + 2, 10), 50))


def _add_table(ws: object, name: str, headers: Sequence[str], n_rows: int) -> None:
    ref = f"A1:{column_letter(len(headers))}{max(n_rows, 1) + 1}"
    table = ExcelTable(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    table._initialise_columns()
    for table_column, header in zip(table.tableColumns, headers, strict=True):
        table_column.name = header
    with warnings.catch_warnings():
        # openpyxl warns that write-only tables need their columns set by hand, which is done above.
        warnings.filterwarnings("ignore", "In write-only mode", UserWarning)
        ws.add_table(table)


def _dropdown(ws: object, list_name: str, list_column: int, values: Sequence[str], position: int) -> None:
    letter = column_letter(list_column)
    validation = DataValidation(
        type="list",
        formula1=f"={LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=f"Not a valid {list_name}",
        error=f"Choose one of: {', '.join(values)}.",
    )
    target = column_letter(position + 1)
    validation.add(f"{target}2:{target}{LAST_ROW}")
    ws.data_validations.append(validation)


def _write_lists(wb: Workbook) -> None:
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    names = list(LISTS)
    ws.append(names)
    for i in range(max(len(v) for v in LISTS.values())):
        ws.append([LISTS[name][i] if i < len(LISTS[name]) else None for name in names])


def _write_settings(wb: Workbook, settings: Settings) -> None:
    ws = wb.create_sheet(SETTINGS_SHEET)
    headers = (SETTING, VALUE, MEANING)
    widths = (26.0, 16.0, 80.0)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.append(list(headers))
    for label, name in SETTING_LABELS.items():
        value = getattr(settings, name)
        ws.append(
            [
                _cell(ws, label),
                _cell(ws, value, SETTING_FORMATS.get(name)),
                _cell(ws, SETTING_MEANINGS.get(name, "")),
            ]
        )
    _add_table(ws, SETTINGS_TABLE, headers, len(SETTING_LABELS))


def _write_table(
    wb: Workbook, name: str, frame: pd.DataFrame | None, settings: Settings, list_columns: dict[str, int]
) -> None:
    table = TABLES[name]
    frame = frame if frame is not None else pd.DataFrame(columns=list(table.names))
    specs: list[Column] = list(table.columns)
    headers = [c.name for c in specs]
    extra = [c for c in frame.columns if c not in headers and c not in table.computed]
    data: dict[str, Sequence[object]] = {}
    for spec in specs:
        values = frame[spec.name].tolist() if spec.name in frame.columns else [None] * len(frame)
        data[spec.name] = [_yes_no(v) for v in values] if spec.kind is Kind.YES_NO else values
    for name_ in extra:
        headers.append(str(name_))
        data[str(name_)] = frame[name_].tolist()
    computed: list[str] = []
    if table.computed:
        evaluated = evaluate_ideas(frame, settings)
        for name_ in table.computed:
            headers.append(name_)
            computed.append(name_)
            data[name_] = evaluated[name_].tolist()

    ws = wb.create_sheet(name)
    formats: list[str | None] = [_number_format(s) for s in specs] + [None] * len(extra)
    formats += [MONEY_FORMAT if c in _MONEY_COMPUTED else None for c in computed]
    for index, header in enumerate(headers, start=1):
        ws.column_dimensions[column_letter(index)].width = _width(header, data[header][:_WIDTH_SAMPLE])
    ws.freeze_panes = "A2"
    for position, spec in enumerate(specs):
        list_name = _list_name(spec)
        if list_name is not None:
            _dropdown(ws, spec.name, list_columns[list_name], LISTS[list_name], position)
    is_computed = [False] * (len(headers) - len(computed)) + [True] * len(computed)
    ws.append(headers)
    columns = [data[h] for h in headers]
    for values in zip(*columns, strict=True):
        ws.append(
            [
                _cell(ws, value, fmt, flag)
                for value, fmt, flag in zip(values, formats, is_computed, strict=True)
            ]
        )
    _add_table(ws, table.table_name, headers, len(frame))


def write_master(path: str | Path, settings: Settings, tables: Mapping[str, pd.DataFrame]) -> None:
    """Write a master workbook: Settings, Customers, Workshop, Ideas and Tracking, each as an Excel Table.

    ``tables`` maps table names to DataFrames with the §4 columns (typed as ``load_master`` returns
    them; extra columns are kept after the §4 ones). A table left out is written empty.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{path}: a master workbook is written as .xlsx; use a name ending in .xlsx")
    unknown = set(tables) - set(TABLES)
    if unknown:
        raise ValueError(f"Unknown table(s) {sorted(unknown)}: use {', '.join(TABLES)}")
    wb = Workbook(write_only=True)
    _write_settings(wb, settings)
    # The Lists sheet comes last in the tab bar; the dropdowns only need its column positions.
    list_columns = {name: index + 1 for index, name in enumerate(LISTS)}
    for name in TABLES:
        _write_table(wb, name, tables.get(name), settings, list_columns)
    _write_lists(wb)
    save_atomically(wb, path)


def save_atomically(wb: Workbook, path: Path) -> None:
    """Save to a temporary file in the target's folder, then move it over the target in one step."""
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx.tmp", dir=path.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        wb.save(temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
