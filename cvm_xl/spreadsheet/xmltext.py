"""Sheet XML written as text: cells, rows and escaping.

Everything a person typed goes into an inline string (``t="inlineStr"``), so it can never become a
formula, and it is XML-escaped with the characters that XML 1.0 forbids removed. Formulas come only
from ``formulas.py``. Numbers are written with ``repr`` (shortest text that reads back exactly).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from contextvars import ContextVar
from functools import lru_cache
from typing import SupportsFloat

from cvm_xl.core.problems import column_letter
from cvm_xl.core.values import is_blank

MAX_CELL_TEXT = 32767  # Excel's limit for the text of one cell
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NEEDS_WORK = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
# Text that can be written as is: no leading or trailing space, no formula-like first character,
# nothing to escape. Everything else takes the careful path.
PLAIN_TEXT = re.compile(
    r"(?![\s=+\-@])"  # no leading space or formula-like first character
    "(?:[^&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff_]|_(?!x[0-9A-Fa-f]{4}_))+"
    r"(?<!\s)"  # no trailing space
)
# Pieces of the same test for a whole column joined with NUL (see table_sheet).
NOT_PLAIN_CHARS = "&<>\r" + "".join(chr(c) for c in range(1, 32) if chr(c) not in "\t\n\r")
FORMULA_OR_SPACE_AFTER_NUL = re.compile(r"\x00[\s=+\-@\x00]")
ESCAPE_SEQUENCE = re.compile("_x[0-9A-Fa-f]{4}_")
# Excel reads "_x0041_" in cell text as "A"; a literal one is protected by escaping its underscore.
_OOXML_ESCAPE = re.compile("_(x[0-9A-Fa-f]{4}_)")


def clean_text(text: str) -> str:
    """Text as it can be stored in a cell: XML-illegal characters dropped, CR/LF as LF, length capped."""
    if _NEEDS_WORK.search(text) is not None:
        text = _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text[:MAX_CELL_TEXT]


def escape(text: str) -> str:
    """XML element text for a cell string (also protects literal ``_xHHHH_`` sequences)."""
    if _NEEDS_WORK.search(text) is None:
        return text[:MAX_CELL_TEXT]
    text = clean_text(text)
    text = _OOXML_ESCAPE.sub(r"_x005F_\1", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_value(text: str) -> str:
    """XML text for a cached formula result: like ``escape`` but ``_xHHHH_`` left as it is, since
    readers of cached values take them literally (and Excel recalculates on opening)."""
    if _NEEDS_WORK.search(text) is None:
        return text[:MAX_CELL_TEXT]
    return clean_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    return escape(text).replace('"', "&quot;")


@lru_cache(maxsize=256)
def letter(index: int) -> str:
    """1 -> 'A'."""
    return column_letter(index)


def excel_date(value: dt.date) -> int | float:
    """Excel serial number of a date (or datetime) in the 1900 date system."""
    if isinstance(value, dt.datetime):
        delta = value - dt.datetime(1899, 12, 30, tzinfo=value.tzinfo)
        return delta.days + delta.seconds / 86400
    return (value - _EXCEL_EPOCH).days


def number_text(value: SupportsFloat) -> str:
    if isinstance(value, int):
        return str(value)
    return repr(float(value))


class SharedStrings:
    """The workbook's own shared strings, used only for text holding an ``_xHHHH_`` sequence.

    Excel decodes such sequences in every string; readers such as openpyxl undo the protecting
    ``_x005F_`` only in shared strings. Writing these rare texts there keeps them exact for both.
    """

    def __init__(self) -> None:
        self.strings: list[str] = []
        self._index: dict[str, int] = {}

    def add(self, text: str) -> int:
        index = self._index.get(text)
        if index is None:
            index = self._index[text] = len(self.strings)
            self.strings.append(text)
        return index

    def xml(self) -> bytes:
        items = []
        for text in self.strings:
            body = escape(text)
            space = ' xml:space="preserve"' if body[:1].isspace() or body[-1:].isspace() else ""
            items.append(f"<si><t{space}>{body}</t></si>")
        n = len(self.strings)
        if not items:  # one unused empty string: some readers dislike an empty table
            items.append("<si><t></t></si>")
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{n}" uniqueCount="{len(items)}">{"".join(items)}</sst>'
        ).encode()


SHARED_STRINGS: ContextVar[SharedStrings | None] = ContextVar("SHARED_STRINGS", default=None)


def text_cell(ref: str, style: int, text: str) -> str:
    if "_x" in text:
        shared = SHARED_STRINGS.get()
        if shared is not None and ESCAPE_SEQUENCE.search(text):
            return f'<c r="{ref}" s="{style}" t="s"><v>{shared.add(clean_text(text))}</v></c>'
    return _text_cell(ref, style, text)


@lru_cache(maxsize=8192)
def _text_cell(ref: str, style: int, text: str) -> str:
    """Cached: the labels and headers of a sheet are the same in every workbook of a run."""
    body = escape(text)
    space = ' xml:space="preserve"' if body[:1].isspace() or body[-1:].isspace() else ""
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{body}</t></is></c>'


def number_cell(ref: str, style: int, value: float) -> str:
    return f'<c r="{ref}" s="{style}"><v>{number_text(value)}</v></c>'


def blank_cell(ref: str, style: int) -> str:
    return f'<c r="{ref}" s="{style}"/>'


def formula_cell(ref: str, style: int, formula_xml: str, cached: object) -> str:
    """A formula (already XML-escaped, without '=') with its cached result.

    ``cached`` None/NaN is the empty text "" a formula returns for a blank result; text results are
    ``t="str"``; booleans are written as Excel booleans.
    """
    if type(cached) is float:
        if cached - cached == 0.0:  # finite: the common case first
            return f'<c r="{ref}" s="{style}"><f>{formula_xml}</f><v>{cached!r}</v></c>'
        return f'<c r="{ref}" s="{style}" t="str"><f>{formula_xml}</f><v></v></c>'
    if cached is None:
        return f'<c r="{ref}" s="{style}" t="str"><f>{formula_xml}</f><v></v></c>'
    if isinstance(cached, bool):
        return f'<c r="{ref}" s="{style}" t="b"><f>{formula_xml}</f><v>{int(cached)}</v></c>'
    if isinstance(cached, str):
        return f'<c r="{ref}" s="{style}" t="str"><f>{formula_xml}</f><v>{escape_value(cached)}</v></c>'
    if isinstance(cached, dt.date):
        cached = excel_date(cached)
    elif not isinstance(cached, int | float | SupportsFloat):  # int, float first: the cheap tests
        raise TypeError(f"A cached formula result must be a number, text, date or blank, not {cached!r}")
    return f'<c r="{ref}" s="{style}"><f>{formula_xml}</f><v>{number_text(cached)}</v></c>'


def value_cell(ref: str, style: int, value: object) -> str:
    """An input cell: blank stays an empty (styled) cell, dates become serials, bools Yes/No."""
    if is_blank(value):  # None, NaN, NaT, pd.NA or empty/whitespace-only text
        return f'<c r="{ref}" s="{style}"/>'
    if isinstance(value, bool):
        return text_cell(ref, style, "Yes" if value else "No")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            return f'<c r="{ref}" s="{style}"/>'
        return f'<c r="{ref}" s="{style}"><v>{number_text(value)}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{style}"><v>{number_text(excel_date(value))}</v></c>'
    if hasattr(value, "item"):  # numpy scalar
        return value_cell(ref, style, value.item())
    return text_cell(ref, style, str(value))


def row(r: int, cells: str, *, height: float | None = None, hidden: bool = False) -> str:
    attrs = f' ht="{height:g}" customHeight="1"' if height else ""
    if hidden:
        attrs += ' hidden="1"'
    return f'<row r="{r}"{attrs}>{cells}</row>'


@lru_cache(maxsize=4096)
def formula_text(formula: str) -> str:
    """Escape a formula (given without '=') for a <f> element."""
    return formula.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


MAX_LITERAL = 255  # Excel's limit for one text constant in a formula (it refuses a longer one)


def _literal_pieces(text: str) -> list[str]:
    """``text`` cut into pieces that each make a constant of at most ``MAX_LITERAL`` characters,
    counted as Excel counts them: a doubled quote as two, a character outside the Basic Multilingual
    Plane (an emoji) as two UTF-16 units; never cut inside either."""
    pieces: list[str] = []
    start = size = 0
    for i, ch in enumerate(text):
        width = 2 if ch == '"' or ord(ch) > 0xFFFF else 1
        if size + width > MAX_LITERAL:
            pieces.append(text[start:i])
            start, size = i, 0
        size += width
    pieces.append(text[start:])
    return pieces


def string_literal(text: str) -> str:
    """A text as a formula string expression: quotes doubled, and a text longer than Excel allows
    in one constant (``MAX_LITERAL``) split into constants joined with '&', which give the same text.
    Every formula of a generated workbook (SPEC §7) that shows a name, a title or an ID a person typed
    takes it from here."""
    return "&".join('"' + piece.replace('"', '""') + '"' for piece in _literal_pieces(clean_text(text)))


def lookup_literal(text: str) -> str:
    """Exact-match value for MATCH, with Excel's wildcards (* ? ~) escaped by '~'."""
    return string_literal(re.sub(r"([~*?])", r"~\1", text))


def criterion_literal(text: str) -> str:
    """A SUMIFS/COUNTIFS criterion that matches exactly ``text`` (wildcards and operators escaped)."""
    return string_literal("=" + re.sub(r"([~*?])", r"~\1", text))
