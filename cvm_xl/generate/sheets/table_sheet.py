"""Table sheets (Ideas, Tracking, Workshop): a title, a header row and one row per record.

Rows are written by a fast path: per column the style ids and, for computed columns, the formula
split around its row number are prepared once; a row is then a handful of string joins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from .. import layout as L
from .. import styles as st
from .. import xmltext as x
from ..sheetdata import SheetData

LAST_VALIDATED_ROW = 5000  # validation and conditional formats cover this many rows


@dataclass(frozen=True)
class _Plan:
    letter: str
    name: str
    style: int
    quoted_style: int
    formula: tuple[str, ...] | None  # escaped formula split at the row number


def plan(
    columns: Sequence[L.Column], styles: Mapping[str, int], formulas: Mapping[str, str] | None = None
) -> list[_Plan]:
    out = []
    for i, column in enumerate(columns, start=1):
        template = (formulas or {}).get(column.name)
        parts = tuple(x.formula_text(template).split("{r}")) if template else None
        out.append(
            _Plan(
                letter=x.letter(i),
                name=column.name,
                style=styles[column.style],
                quoted_style=styles[st.quoted(column.style, "=")],
                formula=parts,
            )
        )
    return out


def _needs_quote(value: object) -> bool:
    return isinstance(value, str) and value[:1] in ("=", "+", "-", "@")


def write_rows(sd: SheetData, plans: list[_Plan], data: Mapping[str, list], n: int, first_row: int) -> None:
    """One row per record; inputs as values (blank stays blank), computed columns as formulas."""
    value_cell, formula_cell = x.value_cell, x.formula_cell
    last = len(plans)
    for i in range(n):
        r = first_row + i
        rs = str(r)
        cells = []
        for p in plans:
            v = data[p.name][i]
            if p.formula is None:
                cells.append(value_cell(p.letter + rs, p.quoted_style if _needs_quote(v) else p.style, v))
            else:
                cells.append(formula_cell(p.letter + rs, p.style, rs.join(p.formula), v))
        sd.row_xml(r, "".join(cells), last)
    if n == 0:  # an Excel table needs one data row: leave it empty
        sd.row_xml(first_row, "".join(x.blank_cell(p.letter + str(first_row), p.style) for p in plans), last)


def header(sd: SheetData, columns: Sequence[L.Column], row: int = L.HEADER_ROW, height: float = 30) -> None:
    for i, column in enumerate(columns, start=1):
        sd.text(row, i, column.header_style, column.name)
    sd.height(row, height)


def table_ref(columns: Sequence[L.Column], n: int, header_row: int = L.HEADER_ROW) -> str:
    return f"A{header_row}:{x.letter(len(columns))}{header_row + max(n, 1)}"


def setup_table(
    ws: Worksheet, columns: Sequence[L.Column], name: str, header_row: int = L.HEADER_ROW
) -> None:
    """Widths, header cells (openpyxl names the table columns from them), the table and frozen header."""
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[x.letter(i)].width = column.width
        ws.cell(row=header_row, column=i, value=column.name)
    table = Table(displayName=name, ref=table_ref(columns, 1, header_row))
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
    ws.add_table(table)


def validation(ws: Worksheet, letter: str, dv: DataValidation, first_row: int = L.FIRST_ROW) -> None:
    dv.add(f"{letter}{first_row}:{letter}{LAST_VALIDATED_ROW}")
    ws.add_data_validation(dv)


def choice(values: Sequence[str], prompt: str | None = None) -> DataValidation:
    dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
    dv.error = "Choose one of: " + ", ".join(values)
    dv.errorTitle = "Not in the list"
    dv.showErrorMessage = True
    if prompt:
        dv.prompt = prompt
        dv.showInputMessage = True
    return dv
