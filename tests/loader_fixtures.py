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
from cvm_xl.core.actions import ACTION_COLUMNS
from cvm_xl.core.waves import WAVE_COLUMNS


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

# Columns in the order of col.IDEA_INPUTS: Idea ID, Customer ID, Title, Description, Category,
# Supplier annual (F), Supplier one-time (G), Customer annual (H), Customer one-time (I), Quantified,
# Good faith, One-off, Sharing method, Supplier share, Owner firm, Owner, Start, End, Status, Out of
# bounds, Bundle, True-up; the inputs after them are left blank (``_full_width``).
IDEA_ROWS = [
    list(col.IDEA_INPUTS),
    ["I-01", "C01", "Cut the coil size list", "250 -> 40 SKUs", "Operational", 56000, None, 30000, None,
     None, None, None, None, None, "Joint", "Dieter Hollmann", D(2025, 3, 3), D(2025, 8, 29), "Signed off",
     None, None, None],
    ["I-02", "C01", "Wider, heavier coils", None, "Hygiene", 100000, None, -20000, None, "Yes", "No", "Yes",
     None, None, "Customer", "Omar Haddad", D(2025, 3, 17), D(2025, 5, 30), "Evaluated", "No", None, None],
    ["I-03", "C02", "Joint forecasting", "Share the build plan", "Joint study", None, None, None, None, None,
     "Yes", None, None, None, None, None, None, None, "Proposed", None, None, None],
]  # fmt: skip

TRACKING_ROWS = [
    list(col.TRACKING_COLUMNS),
    ["I-01", D(2025, 4, 1), 4000, 2500, "first month"],
    ["I-01", D(2025, 5, 1), 4500, 2600, None],
]

# Implementation tracking (issue 14): within I-01's dates, one done and one open.
ACTION_ROWS = [
    list(ACTION_COLUMNS),
    ["A-01", "I-01", "Load the optimisation software", "Customer", "Piet Smit", D(2025, 4, 15),
     D(2025, 4, 10), None],
    ["A-02", "I-01", "Retire the unused SKUs", "Supplier", "Ana Lima", D(2025, 6, 30), None, None],
]  # fmt: skip

# Waves 2…n (issue 14): C01's wave 1 is its Wave start; its wave 2 is listed.
WAVE_ROWS = [
    list(WAVE_COLUMNS),
    ["C01", 2, D(2025, 9, 1), "Ana Lima", "Running"],
]


def _full_width(rows: list[list[object]]) -> list[list[object]]:
    """Every data row as wide as its header: blanks for the input columns a row leaves out.

    A test that appends a column (a computed one, an extra, a repeat) then lands right after the
    inputs, wherever the schema's layout puts them, and ``set_value`` reaches every input column.
    """
    width = len(rows[0])
    return [rows[0], *([*row, *[None] * (width - len(row))] for row in rows[1:])]


GOOD_SHEETS = {
    "Settings": SETTINGS_ROWS,
    "Customers": _full_width(CUSTOMER_ROWS),
    "Workshop": _full_width(WORKSHOP_ROWS),
    "Ideas": _full_width(IDEA_ROWS),
    "Tracking": _full_width(TRACKING_ROWS),
    "Actions": _full_width(ACTION_ROWS),
    "Waves": _full_width(WAVE_ROWS),
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
