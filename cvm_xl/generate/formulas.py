"""Native Excel formulas of the generated workbooks, one function per computed figure.

Only classic functions are used (``cvm_xl.formulas.functions.ALLOWED_FUNCTIONS``) so the workbooks
compute the same numbers in Excel, LibreOffice and Google Sheets without Python. The rules of
SPEC §3 are rendered by the one formula writer ``cvm_xl.formulas`` (shared with the live master),
here over the customer workbook's columns (``books.layout``) and the names its Settings sheet
defines (``BOOK_NAMES``); this module adds what only a customer workbook has: lookups of an idea's
figures from the other sheets, the map's counts and sums.

Row formulas are returned as templates containing ``{r}`` for the row number; ``at_row`` fills it.
Texts are plain formulas without the leading '='; ``xmltext.formula_text`` escapes them for XML.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.formulas import ideas
from cvm_xl.formulas.cells import at_row, equals_any, is_no, is_yes, text_literal
from cvm_xl.formulas.functions import ALLOWED_FUNCTIONS
from cvm_xl.formulas.ideas import auto_method, method_transfer
from cvm_xl.formulas.names import FormulaNames
from cvm_xl.spreadsheet.xmltext import formula_text, lookup_literal

__all__ = [
    "ALLOWED_FUNCTIONS",
    "ANNUITY",
    "BOOK_NAMES",
    "ID_SLOT",
    "at_row",
    "auto_method",
    "count_blank_values",
    "equals_any",
    "idea_formulas",
    "idea_lookup",
    "ideas_column",
    "is_no",
    "is_yes",
    "lookup_template",
    "map_count",
    "map_sum",
    "method_transfer",
    "text_literal",
]

# The names a customer workbook defines on its Settings sheet (``books.layout.settings_names``).
BOOK_NAMES = FormulaNames(
    settings=L.SETTING_NAMES,
    annuity=L.ANNUITY_NAME,
    methods=L.METHODS_NAME,
    verdict_codes=L.VERDICT_CODES_NAME,
    verdict_labels=L.VERDICT_LABELS_NAME,
)
ANNUITY = ideas.annuity(BOOK_NAMES)


# The rows a bundle's members are looked for in: every row of the Ideas sheet users may fill.
BUNDLE_ROWS = (L.FIRST_ROW, L.LAST_VALIDATED_ROW)


def idea_formulas(letters: Mapping[str, str] = L.IDEA_LETTER) -> dict[str, str]:
    """Row templates of the 16 computed Ideas columns of a customer workbook (``formulas.ideas``)."""
    return ideas.idea_formulas(letters, BOOK_NAMES, BUNDLE_ROWS)


def ideas_column(name: str, sheet: str = L.IDEAS, last: int | None = None) -> str:
    """A column of the Ideas sheet: whole (Ideas!$T:$T, for INDEX/MATCH), or its rows to ``last``
    (Ideas!$T$4:$T$1000): SUMIFS and COUNTIFS read bounded ranges, as Gnumeric visits every row
    of a whole column in them (``live_formulas``)."""
    x = L.IDEA_LETTER[name]
    if last is None:
        return f"{L.sheet_ref(sheet)}!${x}:${x}"
    return f"{L.sheet_ref(sheet)}!${x}${L.FIRST_ROW}:${x}${last}"


ID_SLOT = "\x00"  # where an idea's ID literal goes in a cached template (never in real text)


def _lookup(id_literal: str, name: str, blank_as_empty: bool) -> str:
    found = f"INDEX({ideas_column(name)},MATCH({id_literal},{ideas_column(col.IDEA_ID)},0))"
    return f'IF({found}="","",{found})' if blank_as_empty else found


def idea_lookup(idea_id: str, name: str, *, blank_as_empty: bool = False) -> str:
    """The value of one column for the idea with this ID (exact match, wildcards escaped)."""
    return _lookup(lookup_literal(idea_id), name, blank_as_empty)


@lru_cache(maxsize=64)
def lookup_template(name: str, blank_as_empty: bool = False) -> str:
    """``idea_lookup`` escaped for XML, with ``ID_SLOT`` for the escaped ``lookup_literal``."""
    return formula_text(_lookup(ID_SLOT, name, blank_as_empty))


def map_count(cell_ref: str, last: int) -> str:
    """The Ideas rows (to row ``last``) in the map cell named in ``cell_ref``."""
    return f"COUNTIFS({ideas_column(col.CELL, last=last)},{cell_ref})"


def map_sum(value_column: str, cell_ref: str, last: int) -> str:
    """A value column added up over the Ideas rows (to row ``last``) in the map cell ``cell_ref``."""
    return f"SUMIFS({ideas_column(value_column, last=last)},{ideas_column(col.CELL, last=last)},{cell_ref})"


def count_blank_values(first: int, last: int) -> str:
    """Idea rows whose values are all blank (they have no map cell)."""
    ids = f"{L.IDEAS}!${L.IDEA_LETTER[col.CUSTOMER_ID]}${first}:${L.IDEA_LETTER[col.CUSTOMER_ID]}${last}"
    vs = f"{L.IDEAS}!${L.IDEA_LETTER[col.SUPPLIER_VALUE]}${first}:${L.IDEA_LETTER[col.SUPPLIER_VALUE]}${last}"
    return f'SUMPRODUCT(({ids}<>"")*({vs}=""))'
