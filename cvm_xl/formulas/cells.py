"""How a formula reads a typed cell the way ``core.cells`` reads it (SPEC §4, §7).

The Python reading and its formula twin stand side by side here:

- Yes/No cells: ``is_yes``/``is_no`` compare ``spellings.excel_key`` of the cell with each accepted
  spelling of ``core.spellings`` in turn (Yes, Y, TRUE, 1 ... in any case, with spaces around them).
- Blank: ``is_blank`` is TRUE for an empty cell, an empty text and text of spaces only, as
  ``core.values.is_blank`` reads them.
- Numbers: ``number`` takes a number as it is and reads text with VALUE after the spaces are
  dropped, so "1200", "-5", "60%" and "60 %" read as the core reads them. VALUE reads other text
  by the spreadsheet's language (a decimal comma, currency, brackets), which the core reads by the
  master's Number format instead: ``formula_reads_number`` says which typed text a formula reads
  the same way in every language, and ``cvm-xl validate`` reports the others in a live master.

Formula texts are plain formulas without the leading '='; ``{r}`` in a row template stands for
the row number (``at_row``).
"""

from __future__ import annotations

import re

from cvm_xl.core import spellings
from cvm_xl.spreadsheet.xmltext import MAX_LITERAL


def at_row(template: str, r: int) -> str:
    return template.replace("{r}", str(r))


def text_literal(text: str) -> str:
    """A text constant of a formula (a spelling or method name the core declares): quotes doubled.

    It must fit Excel's limit for one constant (no '&' joins pieces of it); a person's text goes
    through ``xmltext.string_literal``, which splits it."""
    literal = text.replace('"', '""')
    if len(literal.encode("utf-16-le")) // 2 > MAX_LITERAL:
        raise ValueError(f"A formula constant is longer than Excel's {MAX_LITERAL} characters: {text[:40]!r}")
    return f'"{literal}"'


def equals_any(expression: str, texts: tuple[str, ...]) -> str:
    """Whether ``expression`` equals one of ``texts``: one comparison, or an OR of one comparison
    per text. Never an array constant (``OR(x={"yes","1"})``): Gnumeric reads a quoted element that
    looks like a boolean or a number as that boolean or number, and in a cell formula compares
    ``x`` with the first element only (tests/gnumeric.py)."""
    tests = [f"{expression}={text_literal(t)}" for t in texts]
    return tests[0] if len(tests) == 1 else f"OR({','.join(tests)})"


def is_yes(ref: str) -> str:
    """TRUE when the cell holds a Yes spelling of ``core.spellings`` (text in any case and with
    spaces around it, TRUE, or 1), as ``parse_yes_no`` reads it: the cell's key compared with each
    spelling in turn (``equals_any``)."""
    return equals_any(spellings.excel_key(ref), spellings.yes_spellings())


def is_no(ref: str) -> str:
    """TRUE when the cell holds a No spelling of ``core.spellings`` (No, N, FALSE, 0 ...)."""
    return equals_any(spellings.excel_key(ref), spellings.no_spellings())


def is_blank(ref: str) -> str:
    """TRUE for a blank cell, an empty text or text of spaces (``core.values.is_blank``)."""
    return f'{spellings.excel_key(ref)}=""'


def number(ref: str) -> str:
    """The cell's number: a number as it is; text read by VALUE without its spaces ("60 %" -> 0.6).
    Text no formula can read gives #VALUE!, where cvm-xl reports the cell."""
    return f'IF(ISNUMBER({ref}),{ref},VALUE(SUBSTITUTE({spellings.excel_key(ref)}," ","")))'


def amount(ref: str) -> str:
    """An amount whose blank counts as 0 (SPEC §3.1), read by ``number``."""
    return f"IF({is_blank(ref)},0,{number(ref)})"


# The text a formula reads as the core does: digits with a sign in front, a percent sign behind and
# spaces anywhere ('1200', '-5', '60%', '60 %', '1 200'), and decimals after a point ('0.25',
# '12.5 %'). In a spreadsheet whose language writes a decimal comma VALUE refuses such a point (the
# cell shows #VALUE!, never another number), except after one to three digits with exactly three
# decimals ('1.250'), which it reads as thousands: that text is left out.
_PORTABLE_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?%?", re.ASCII)
_THOUSANDS_LOOKALIKE = re.compile(r"[+-]?[0-9]{1,3}\.[0-9]{3}%?", re.ASCII)


def formula_reads_number(text: str) -> bool:
    """Whether ``number`` reads this typed text as ``core.cells.parse_number`` does, or shows an
    error where it cannot, whatever the language of the spreadsheet (the Python twin of
    ``number``'s VALUE): never a different number."""
    compact = spellings.key(text).replace(" ", "")
    return _PORTABLE_NUMBER.fullmatch(compact) is not None and not _THOUSANDS_LOOKALIKE.fullmatch(compact)


def sheet_ref(sheet: str) -> str:
    """A sheet name as formulas write it: Settings!A1, but 'Exit triggers'!A1 and 'Bob''s'!A1."""
    if sheet.replace("_", "").isalnum() and not sheet[:1].isdigit():
        return sheet
    return "'" + sheet.replace("'", "''") + "'"
