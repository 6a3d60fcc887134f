"""Table sheets (Ideas, Tracking, Workshop): a title, a header row and one row per record.

Rows are written column by column: per column the style ids and, for computed columns, the formula
split around its row number are prepared once, and plain text and numbers take a fast path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.core.spellings import YES_NO
from cvm_xl.generate import styles as st
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.spreadsheet import xmltext as x
from cvm_xl.spreadsheet.validation import LIST_TITLE, informing, list_message, range_message, yes_no_message

LAST_VALIDATED_ROW = L.LAST_VALIDATED_ROW  # validation and conditional formats cover this many rows
LINE_POINTS = 12.75  # one line of 10 pt text
MAX_ROW_POINTS = 409.0  # the tallest row Excel allows (about 31 lines)


@dataclass(frozen=True)
class _Plan:
    letter: str
    name: str
    style: int
    quoted_style: int
    formula: tuple[str, ...] | None  # escaped formula split at the row number


def plan(
    columns: Sequence[L.Column],
    styles: Mapping[str, int],
    formulas: Mapping[str, str] | None = None,
    first_col: int = 1,
) -> list[_Plan]:
    """Per column: letter, style ids and the formula split at the row number."""
    out = []
    for i, column in enumerate(columns, start=first_col):
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


def _plain_text_column(values: list) -> bool:
    """True when every value is text that can be written as is, checked on the whole column at
    once with substring tests (much faster than a regular expression per cell)."""
    if not values or set(map(type, values)) != {str}:
        return False
    joined = "\x00".join(values)
    if joined.count("\x00") != len(values) - 1 or max(map(len, values)) >= x.MAX_CELL_TEXT:
        return False
    if any(ch in joined for ch in x.NOT_PLAIN_CHARS):
        return False
    if joined.endswith(("\x00", " ", "\t", "\n")) or any(ws + "\x00" in joined for ws in " \t\n"):
        return False  # an empty value, or trailing space
    if x.FORMULA_OR_SPACE_AFTER_NUL.search("\x00" + joined) is not None:
        return False  # a leading space or formula-like first character
    if "_x" in joined and x.ESCAPE_SEQUENCE.search(joined) is not None:
        return False
    if not joined.isascii():
        if "\ufffe" in joined or "\uffff" in joined:
            return False
        try:
            joined.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates
            return False
    return True


def _finite_float_column(values: list) -> bool:
    if not values or set(map(type, values)) != {float}:
        return False
    total = sum(values)
    return total - total == 0.0  # an inf or NaN anywhere makes the sum inf or NaN


def _column(p: _Plan, values: list, rows: list[str]) -> list[str]:
    """The cells of one column. Whole columns of plain text or finite numbers take a fast path;
    otherwise each value goes through ``value_cell`` (blanks, dates, booleans, escapes, quote prefix)."""
    style, letter = p.style, p.letter
    if _plain_text_column(values):
        return [
            f'<c r="{letter}{rs}" s="{style}" t="inlineStr"><is><t>{v}</t></is></c>'
            for rs, v in zip(rows, values, strict=True)
        ]
    if _finite_float_column(values):
        return [
            f'<c r="{letter}{rs}" s="{style}"><v>{v!r}</v></c>' for rs, v in zip(rows, values, strict=True)
        ]
    value_cell, quoted_style, plain = x.value_cell, p.quoted_style, x.PLAIN_TEXT.fullmatch
    out = []
    for rs, v in zip(rows, values, strict=True):
        t = type(v)
        if v is None:
            out.append(f'<c r="{letter}{rs}" s="{style}"/>')
        elif t is float:
            if v - v == 0.0:
                out.append(f'<c r="{letter}{rs}" s="{style}"><v>{v!r}</v></c>')
            else:  # NaN: a blank cell
                out.append(f'<c r="{letter}{rs}" s="{style}"/>')
        elif t is str and len(v) < x.MAX_CELL_TEXT and plain(v) is not None:
            out.append(f'<c r="{letter}{rs}" s="{style}" t="inlineStr"><is><t>{v}</t></is></c>')
        else:
            quoted = t is str and v[:1] in ("=", "+", "-", "@")
            out.append(value_cell(letter + rs, quoted_style if quoted else style, v))
    return out


def _formula_column(p: _Plan, cached: list, rows: list[str]) -> list[str]:
    formula_cell, parts, style, letter = x.formula_cell, p.formula, p.style, p.letter
    assert parts is not None
    return [formula_cell(letter + rs, style, rs.join(parts), v) for rs, v in zip(rows, cached, strict=True)]


def row_cells(plans: list[_Plan], data: Mapping[str, list], n: int, first_row: int) -> list[str]:
    """The cells of each record's row (one string per row), built column by column."""
    rows = [str(r) for r in range(first_row, first_row + n)]
    columns = [
        _formula_column(p, data[p.name], rows) if p.formula else _column(p, data[p.name], rows) for p in plans
    ]
    return ["".join(cells) for cells in zip(*columns, strict=True)] if columns else [""] * n


def write_rows(sd: SheetData, plans: list[_Plan], data: Mapping[str, list], n: int, first_row: int) -> None:
    """One row per record; inputs as values (blank stays blank), computed columns as formulas."""
    if n == 0:  # an Excel table needs one data row: leave it empty
        blank = "".join(x.blank_cell(f"{p.letter}{first_row}", p.style) for p in plans)
        sd.block(first_row, [blank], len(plans))
        return
    last_col = len(plans) + (ord(plans[0].letter[-1]) - 65 if len(plans[0].letter) == 1 else 0)
    sd.block(first_row, row_cells(plans, data, n, first_row), last_col)


def text_lines(text: object, width: float) -> int:
    """Lines a wrapped text takes in a column of this width (10 pt Calibri, about 1.15 chars per unit)."""
    if not isinstance(text, str) or not text:
        return 1
    chars = max(1, int(width * 1.15))
    # Word wrapping leaves lines about 10% short of full; newlines start lines of their own.
    return sum(-(-int(len(part) * 1.1) // chars) or 1 for part in text.split("\n"))


def wrapped_height(lines: int) -> float:
    """The row height in points that shows ``lines`` lines of wrapped text whole (up to Excel's
    largest row: a longer text stays whole in the cell)."""
    return min(3 + LINE_POINTS * lines, MAX_ROW_POINTS)


def wrapped_row_heights(
    sd: SheetData, wrapped: Sequence[L.Column], data: Mapping[str, list], n: int, first_row: int
) -> None:
    """Each record's row as tall as its longest wrapped text needs (issue 12: no clipped text on
    the printed page; neither Excel nor LibreOffice fits row heights to text on opening)."""
    columns = [(data[c.name], c.width) for c in wrapped]
    for i in range(n):
        lines = max((text_lines(values[i], width) for values, width in columns), default=1)
        if lines > 1:
            sd.height(first_row + i, wrapped_height(lines))


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
    """``dv`` over a column's data rows, information-style (``spreadsheet.validation``): cvm-xl
    reads more spellings than a list or a range shows, so no validation refuses a value."""
    dv.add(f"{letter}{first_row}:{letter}{LAST_VALIDATED_ROW}")
    ws.add_data_validation(informing(dv))


def choice(values: Sequence[str], prompt: str | None = None, message: str | None = None) -> DataValidation:
    """A dropdown of the canonical ``values`` that accepts any other spelling after telling which
    values are meant (``message``, default ``list_message``)."""
    dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
    informing(dv, message or list_message(values), LIST_TITLE)
    if prompt:
        dv.prompt = prompt
        dv.showInputMessage = True
    return dv


def yes_no_choice() -> DataValidation:
    """The Yes/No dropdown: Yes and No offered, every spelling of ``spellings.YES_NO`` meant."""
    return choice(YES_NO[0], message=yes_no_message())


def number_range(
    kind: Literal["decimal", "whole", "date"], low: str, high: str | None, meant: str
) -> DataValidation:
    """A number (``kind`` decimal or whole) or date range check that tells ``meant`` and keeps the
    value: cvm-xl reads '60%', '(1,250)' or 'EUR 1 250' that the range check cannot."""
    if high is None:
        dv = DataValidation(type=kind, operator="greaterThan", formula1=low, allow_blank=True)
    else:
        dv = DataValidation(type=kind, operator="between", formula1=low, formula2=high, allow_blank=True)
    return informing(dv, range_message(meant), "Check the value")
