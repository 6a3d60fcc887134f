"""Small master workbooks for the loader tests, written cell by cell with openpyxl.

A workbook is described as {sheet name: list of rows}; ``write_sheets`` puts each sheet's rows at
a chosen top-left cell. Strings equal to an Excel error code (e.g. '#DIV/0!') become real error
cells, as Excel stores them; wrap text in ``Text`` to keep it a plain string whatever it looks like.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from cvm_xl.core import columns as col


class Text(str):
    """A cell value written as a text cell, even when it starts with '=' or reads '#N/A'."""


D = dt.date

SETTINGS_ROWS = [
    ["Setting", "Value"],
    ["Supplier", "Aldermoor Steel"],
    ["Currency", "EUR"],
    ["Horizon years", 3],
    ["Discount rate", 0],
    ["Target supplier share", 0.5],
]

CUSTOMER_ROWS = [
    list(col.CUSTOMER_COLUMNS),
    ["C01", "Orvane Automotive", "Automotive", "Ana Lima", "Piet Smit", D(2025, 1, 6), 120000, "t", 780,
     250000, 1, 4, "III", 4],
    ["C02", "Brightwell Wheels", "Automotive", "Ana Lima", None, None, 40000, "t", 760, None, 2, 3, "II", 3],
]  # fmt: skip

WORKSHOP_ROWS = [
    list(col.WORKSHOP_COLUMNS),
    ["R-001", "C01", "Fewer coil sizes", "Piet Smit", "Customer", "Purchasing", "Ordering", "I-01"],
    ["R-002", "C01", "Wider coils", "Ana Lima", "Supplier", "Sales", "Processing", "I-02"],
    ["R-003", "C02", "Rush orders", "Jo Park", "Joint", "Planning", "Delivery", None],
]

# Columns A..T: Idea ID, Customer ID, Title, Description, Category, Supplier annual (F),
# Supplier one-time (G), Customer annual (H), Customer one-time (I), Quantified (J), Good faith (K),
# One-off (L), Sharing method (M), Supplier share (N), Owner firm (O), Owner (P), Start (Q), End (R),
# Status (S), Out of bounds (T).
IDEA_ROWS = [
    list(col.IDEA_INPUTS),
    ["I-01", "C01", "Cut the coil size list", "250 -> 40 SKUs", "Operational", 56000, None, 30000, None,
     None, None, None, None, None, "Joint", "Dieter Hollmann", D(2025, 3, 3), D(2025, 8, 29), "Signed off",
     None],
    ["I-02", "C01", "Wider, heavier coils", None, "Hygiene", 100000, None, -20000, None, "Yes", "No", "Yes",
     None, None, "Customer", "Omar Haddad", D(2025, 3, 17), D(2025, 5, 30), "Evaluated", "No"],
    ["I-03", "C02", "Joint forecasting", "Share the build plan", "Joint study", None, None, None, None, None,
     "Yes", None, None, None, None, None, None, None, "Proposed", None],
]  # fmt: skip

TRACKING_ROWS = [
    list(col.TRACKING_COLUMNS),
    ["I-01", D(2025, 4, 1), 4000, 2500, "first month"],
    ["I-01", D(2025, 5, 1), 4500, 2600, None],
]

GOOD_SHEETS = {
    "Settings": SETTINGS_ROWS,
    "Customers": CUSTOMER_ROWS,
    "Workshop": WORKSHOP_ROWS,
    "Ideas": IDEA_ROWS,
    "Tracking": TRACKING_ROWS,
}


def good_sheets() -> dict[str, list[list[object]]]:
    """A fresh copy of a valid master's sheets (free of errors and warnings)."""
    return copy.deepcopy(GOOD_SHEETS)


def set_value(
    sheets: dict[str, list[list[object]]], sheet: str, row: int, column: str, value: object
) -> None:
    """Set the cell of ``column`` in data row ``row`` (1 = first row under the header)."""
    rows = sheets[sheet]
    rows[row][rows[0].index(column)] = value


def write_sheets(
    path: Path,
    sheets: dict[str, list[list[object]]],
    origin: dict[str, str] | None = None,
) -> Path:
    """Write the sheets (in the given order) to ``path``; ``origin`` maps a sheet to its top-left cell."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        letters, first_row = coordinate_from_string((origin or {}).get(name, "A1"))
        first_col = column_index_from_string(letters)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                if value is None:
                    continue
                plain = str(value) if isinstance(value, Text) else value
                cell = ws.cell(row=first_row + r, column=first_col + c, value=plain)
                if isinstance(value, Text):
                    cell.data_type = "s"
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
    wb.save(path)
    return path


def write_good(path: Path) -> Path:
    return write_sheets(path, good_sheets())
