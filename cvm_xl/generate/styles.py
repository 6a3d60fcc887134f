"""Cell styles of the generated workbooks, by name.

Each style is declared once here as a ``StyleSpec``; ``register`` turns the specs into openpyxl
styles of the base workbook and returns the xf index of each name, which the XML writers put in
the ``s`` attribute of a cell. Inputs are unlocked (white); computed cells are locked (grey).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook import Workbook

NAVY = "1F3864"
SLATE = "44546A"
GREY_TEXT = "595959"
CALC_FILL = "EDEDED"
LINE = "BFBFBF"
WHITE = "FFFFFF"
ACCENT = "DDEBF7"

MONEY = "#,##0;[Red]-#,##0"
MONEY_CENTS = "#,##0.00;[Red]-#,##0.00"
DATE = "yyyy-mm-dd"
SHARE = "0%"
RATE = "0.0%"
COUNT = "#,##0"
FACTOR = "0.0000"

# Colours of the Idea Portfolio Map (the paper's Figure-III groups).
CELL_COLOURS = {
    "W-W": "A9D08E",
    "W-I": "E2EFDA",
    "I-W": "E2EFDA",
    "W-L": "FFE699",
    "L-W": "FFE699",
    "I-I": "F8CBAD",
    "I-L": "F8CBAD",
    "L-I": "F8CBAD",
    "L-L": "F8CBAD",
}


@dataclass(frozen=True)
class StyleSpec:
    bold: bool = False
    italic: bool = False
    size: float = 10
    color: str = "000000"
    font_name: str = "Calibri"
    fill: str | None = None
    number_format: str = "General"
    horizontal: str | None = None
    vertical: str | None = "center"
    wrap: bool = False
    shrink: bool = False
    rotation: int = 0
    indent: int = 0
    border: str | None = None  # "box", "bottom", "top" or None
    locked: bool = True
    quote_prefix: bool = False


_BASE_INPUT = StyleSpec(border="box", locked=False)
_BASE_CALC = StyleSpec(border="box", fill=CALC_FILL)
_BASE_FIXED = StyleSpec(border="box")
_HEADER = StyleSpec(bold=True, color=WHITE, fill=NAVY, wrap=True, border="box", vertical="center")

SPECS: dict[str, StyleSpec] = {
    "default": StyleSpec(),
    "title": StyleSpec(bold=True, size=16, color=NAVY),
    "subtitle": StyleSpec(bold=True, size=12, color=SLATE),
    "section": StyleSpec(bold=True, size=11, color=NAVY, border="bottom"),
    "note": StyleSpec(italic=True, size=9, color=GREY_TEXT),
    "note.wrap": StyleSpec(italic=True, size=9, color=GREY_TEXT, wrap=True, vertical="top"),
    "text": StyleSpec(),
    "text.wrap": StyleSpec(wrap=True, vertical="top"),
    "label": StyleSpec(bold=True, color=SLATE),
    "label.top": StyleSpec(bold=True, color=SLATE, vertical="top"),
    "header.input": _HEADER,
    "header.calc": replace(_HEADER, fill=SLATE),
    "in.text": _BASE_INPUT,
    "in.text.wrap": replace(_BASE_INPUT, wrap=True, vertical="top"),
    "in.center": replace(_BASE_INPUT, horizontal="center"),
    "in.money": replace(_BASE_INPUT, number_format=MONEY),
    "in.number": replace(_BASE_INPUT, number_format="#,##0.##"),
    "in.share": replace(_BASE_INPUT, number_format=SHARE, horizontal="center"),
    "in.date": replace(_BASE_INPUT, number_format=DATE, horizontal="center"),
    "in.month": replace(_BASE_INPUT, number_format="mmm yyyy", horizontal="center"),
    "in.line": StyleSpec(border="bottom", locked=False, size=11),
    "in.line.date": StyleSpec(border="bottom", locked=False, size=11, number_format=DATE, horizontal="left"),
    "calc.text": _BASE_CALC,
    "calc.text.wrap": replace(_BASE_CALC, wrap=True),
    "calc.center": replace(_BASE_CALC, horizontal="center"),
    "calc.money": replace(_BASE_CALC, number_format=MONEY),
    "calc.share": replace(_BASE_CALC, number_format=SHARE, horizontal="center"),
    "calc.date": replace(_BASE_CALC, number_format=DATE, horizontal="center"),
    "calc.count": replace(_BASE_CALC, number_format=COUNT, horizontal="center"),
    "fixed.text": _BASE_FIXED,
    "fixed.center": replace(_BASE_FIXED, horizontal="center"),
    "fixed.money": replace(_BASE_FIXED, number_format=MONEY),
    "fixed.date": replace(_BASE_FIXED, number_format=DATE, horizontal="center"),
    "total.label": StyleSpec(bold=True, border="top", fill=ACCENT),
    "total.money": StyleSpec(bold=True, border="top", fill=ACCENT, number_format=MONEY),
    "total.count": StyleSpec(bold=True, border="top", fill=ACCENT, number_format=COUNT, horizontal="center"),
    "kv.label": StyleSpec(color=SLATE, border="bottom"),
    "kv.text": StyleSpec(bold=True, border="bottom", horizontal="left"),
    "kv.text.fit": StyleSpec(bold=True, border="bottom", horizontal="left", shrink=True),
    "kv.date": StyleSpec(bold=True, border="bottom", number_format=DATE, horizontal="left"),
    "kv.money": StyleSpec(bold=True, border="bottom", number_format=MONEY, horizontal="right"),
    "kv.money.left": StyleSpec(bold=True, border="bottom", number_format=MONEY, horizontal="left"),
    "kv.count": StyleSpec(bold=True, border="bottom", number_format=COUNT, horizontal="right"),
    "kv.share": StyleSpec(bold=True, border="bottom", number_format=SHARE, horizontal="right"),
    "kv.rate": StyleSpec(bold=True, border="bottom", number_format=RATE, horizontal="right"),
    "kv.factor": StyleSpec(bold=True, border="bottom", number_format=FACTOR, horizontal="right"),
    "kv.number": StyleSpec(bold=True, border="bottom", number_format="#,##0.##", horizontal="right"),
    "fingerprint": StyleSpec(bold=True, size=13, font_name="Consolas", color=NAVY, horizontal="left"),
    "map.axis": StyleSpec(bold=True, color=SLATE, horizontal="center", wrap=True),
    "map.axis.right": StyleSpec(bold=True, color=SLATE, horizontal="right"),
    "map.axis.vertical": StyleSpec(bold=True, color=NAVY, horizontal="center", rotation=90),
    "map.axis.title": StyleSpec(bold=True, color=NAVY, horizontal="center"),
    "sign.head": StyleSpec(bold=True, size=11, color=NAVY, border="bottom"),
    "sign.label": StyleSpec(color=SLATE, vertical="bottom"),
    "sign.box": StyleSpec(border="bottom", locked=False, size=11, vertical="bottom"),
    "sign.date": StyleSpec(
        border="bottom", locked=False, size=11, number_format=DATE, horizontal="left", vertical="bottom"
    ),
}

for _cell, _colour in CELL_COLOURS.items():
    _grid = StyleSpec(fill=_colour, horizontal="center")
    SPECS[f"map.count.{_cell}"] = replace(
        _grid,
        bold=True,
        size=12,
        border="upper",
        vertical="bottom",
        number_format=f'[=1]"{_cell}:  1 idea";[>1]"{_cell}:  "#,##0" ideas";"{_cell}:  no ideas"',
    )
    SPECS[f"map.net.{_cell}"] = replace(_grid, border="lower", vertical="top", number_format=MONEY)
    SPECS[f"map.code.{_cell}"] = StyleSpec(bold=True, fill=_colour, border="box", horizontal="center")

# Text inputs get a twin with Excel's quote prefix, used for text that starts like a formula
# (= + - @): the cell shows a leading apostrophe when edited and stays text when re-entered.
QUOTED = "+quoted"
for _name in [n for n in SPECS if n.startswith("in.text")]:
    SPECS[_name + QUOTED] = replace(SPECS[_name], quote_prefix=True)
for _name in ("fixed.text", "calc.text", "text"):
    SPECS[_name + QUOTED] = replace(SPECS[_name], quote_prefix=True)

# Styles of single sheets. They come after the shared ones so that adding one here leaves the
# xf index of every style above unchanged.
SPECS |= {
    # Passbook: the plain-language suggestion under the balances (a merged block).
    "suggestion": StyleSpec(bold=True, wrap=True, vertical="top", border="box"),
    # Wave plan: the period columns of the band, the band itself and the item rows.
    "wave.period": StyleSpec(
        size=8, color=SLATE, fill=CALC_FILL, number_format="d mmm", horizontal="center", rotation=90,
        border="box",
    ),
    "wave.period.head": StyleSpec(
        bold=True, size=9, color=WHITE, fill=NAVY, horizontal="center", border="box"
    ),
    "wave.band": StyleSpec(size=9, bold=True, horizontal="center", border="box"),
    "wave.item": StyleSpec(border="box", wrap=True, vertical="top", indent=1),
    "wave.item.phase": StyleSpec(border="box", wrap=True, vertical="top", bold=True),
    "wave.text": StyleSpec(border="box", vertical="top"),
    "wave.center": StyleSpec(border="box", vertical="top", horizontal="center"),
    "wave.date": StyleSpec(border="box", vertical="top", horizontal="center", number_format=DATE),
    "wave.calc.date": StyleSpec(
        border="box", vertical="top", horizontal="center", number_format=DATE, fill=CALC_FILL
    ),
    "wave.activities": StyleSpec(border="box", wrap=True, vertical="top", size=9),
    # Monthly report: the month column and the headings of the value-to-date block.
    "report.month": StyleSpec(border="box", number_format="mmm yyyy", horizontal="center"),
    "report.month.head": StyleSpec(bold=True, color=SLATE, border="bottom", horizontal="right"),
    # Consolidated Detail: titles and descriptions wrapped, read-only, with the quote-prefix twin.
    "fixed.text.wrap": replace(_BASE_FIXED, wrap=True, vertical="top"),
    "fixed.text.wrap" + QUOTED: replace(_BASE_FIXED, wrap=True, vertical="top", quote_prefix=True),
}  # fmt: skip

_THIN = Side(style="thin", color=LINE)
_MEDIUM = Side(style="thin", color=SLATE)
_BORDERS = {
    None: Border(),
    "box": Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN),
    "bottom": Border(bottom=_MEDIUM),
    "top": Border(top=_MEDIUM, bottom=_THIN),
    "upper": Border(left=_MEDIUM, right=_MEDIUM, top=_MEDIUM),
    "lower": Border(left=_MEDIUM, right=_MEDIUM, bottom=_MEDIUM),
}


def _apply(cell: Cell, spec: StyleSpec) -> None:
    cell.font = Font(
        name=spec.font_name, size=spec.size, bold=spec.bold, italic=spec.italic, color=spec.color
    )
    if spec.fill:
        cell.fill = PatternFill("solid", start_color=spec.fill, end_color=spec.fill)
    cell.number_format = spec.number_format
    cell.alignment = Alignment(
        horizontal=spec.horizontal,
        vertical=spec.vertical,
        wrap_text=spec.wrap or None,
        shrink_to_fit=spec.shrink or None,
        text_rotation=spec.rotation,
        indent=spec.indent,
    )
    cell.border = _BORDERS[spec.border]
    cell.protection = Protection(locked=spec.locked)
    if spec.quote_prefix:
        cell.quotePrefix = True


def register(wb: Workbook) -> dict[str, int]:
    """Add every style to ``wb`` and return name -> xf index (the cell ``s`` attribute)."""
    scratch = wb.create_sheet("_styles")
    ids: dict[str, int] = {}
    for i, (name, spec) in enumerate(SPECS.items(), start=1):
        cell = scratch.cell(row=i, column=1)
        _apply(cell, spec)
        ids[name] = cell.style_id
    wb.remove(scratch)
    return ids


def apply(cell: Cell, name: str) -> None:
    """Style an openpyxl cell of the base workbook by name (for cells openpyxl itself writes)."""
    _apply(cell, SPECS[name])


def quoted(name: str, text: object) -> str:
    """The style name for a text cell: its quote-prefixed twin when the text starts like a formula."""
    if isinstance(text, str) and text[:1] in ("=", "+", "-", "@") and name + QUOTED in SPECS:
        return name + QUOTED
    return name
