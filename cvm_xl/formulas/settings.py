"""The formulas that resolve a master's settings once, wherever its Settings rows are (SPEC §4, §7).

A live master lets a user re-sort the Settings table, type a label in another case or with spaces
around it and a value in any spelling the core reads ("5%"). Each setting is resolved ONCE into a
cell of a hidden helper block (``master.live.SettingsBlock``), and the names the Ideas formulas
read (``names.SETTING_NAMES``, the annuity factor) are plain references to those cells, as in a
customer workbook:

- one key cell per Settings row: its label as ``spellings.excel_key`` reads a cell (CLEAN, TRIM;
  MATCH ignores case), ``settings_key``;
- per setting, the position of its label among those keys (0 when absent), ``setting_position``;
- per setting, its value: the default of SPEC §3 when the row is absent or the value blank, else
  the value read by ``cells.number``, ``setting_value``.

A formula named instead of a cell would be evaluated again at every use (4 ms per Ideas formula in
LibreOffice), and Gnumeric takes TRIM/CLEAN of a range by implicit intersection, so a search of
the labels inside SUMPRODUCT finds no row there (tests/gnumeric.py).
"""

from __future__ import annotations

from cvm_xl.core import spellings
from cvm_xl.formulas.cells import is_blank, number, text_literal
from cvm_xl.spreadsheet.xmltext import number_text


def settings_key(label_cell: str) -> str:
    """The key a Settings row is found by: its label cell as ``spellings.excel_key`` reads it."""
    return spellings.excel_key(label_cell)


def setting_position(label: str, keys: str) -> str:
    """The position of the Setting ``label`` among the key cells ``keys`` (0 when absent): the
    first row whose key equals ``spellings.name_key(label)``, case ignored as MATCH ignores it."""
    return f"IFERROR(MATCH({text_literal(spellings.name_key(label))},{keys},0),0)"


def setting_value(position: str, values: str, default: float | None) -> str:
    """The setting in the value cells ``values`` (beside the labels the keys were read from) at
    ``position`` (a cell holding ``setting_position``): the default when the row is absent or
    the value blank; ``default`` None (no limit) is the empty text the formulas test for."""
    fallback = '""' if default is None else number_text(default)
    cell = f"INDEX({values},{position})"
    return f"IF({position}=0,{fallback},IF({is_blank(cell)},{fallback},{number(cell)}))"
