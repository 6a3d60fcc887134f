"""The accepted spellings of a cell, declared once for Python and for the workbook formulas.

SPEC §4: "Yes/No columns accept Yes/No, Y/N, TRUE/FALSE, 1/0"; SPEC §3.5: a sharing method is named
in any case. The Python parser (``core.cells.parse_yes_no``, the vectorised ``yes_no_column``,
``core.sharing.normalise_method``) and the formula writer (``generate.formulas``) both read this
module, so a customer workbook's formulas read a cell exactly as cvm-xl reads it.

How a cell becomes the text that is compared is declared here twice, side by side, because it must
exist in both languages: ``key`` in Python and ``EXCEL_KEY`` as the classic spreadsheet functions
compute it (SPEC §7). Both take the cell as a formula's ``cell&""`` shows it (a whole number without
decimals, a boolean as TRUE/FALSE), drop control characters such as tabs and line breaks (Excel's
CLEAN) and trim surrounding spaces (TRIM); the comparison ignores case (Excel's ``=`` does too).
"""

from __future__ import annotations

import math

import numpy as np

# Yes and No as users may write them, in pairs; the first pair is what cvm-xl writes and what the
# workbook dropdowns offer, the others are shown in messages as the alternatives that also work.
YES_NO: tuple[tuple[str, str], ...] = (("Yes", "No"), ("Y", "N"), ("TRUE", "FALSE"), ("1", "0"))
# A number stored as text after a CSV round trip ("1.0"): accepted, not advertised.
YES_NO_QUIET: tuple[tuple[str, str], ...] = (("1.0", "0.0"),)

# The Excel twin of ``key`` below: {ref} is a cell reference. CLEAN drops characters 0-31 anywhere,
# TRIM the spaces around the text (and runs of spaces inside, which no spelling has).
EXCEL_KEY = 'TRIM(CLEAN({ref}&""))'
_CLEAN = dict.fromkeys(range(32))  # str.translate table: drop characters 0-31, as CLEAN does


def cell_text(x: object) -> str:
    """A cell as a spreadsheet formula's ``cell&""`` gives it: 1.0 -> '1', True -> 'TRUE', text as is."""
    if isinstance(x, bool | np.bool_):
        return "TRUE" if x else "FALSE"
    if isinstance(x, int | np.integer):
        return str(int(x))
    if isinstance(x, float | np.floating):
        value = float(x)
        # Excel writes a whole number without decimals; -0.0 is 0 in a worksheet.
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    return str(x)


def plural(n: int, word: str) -> str:
    """A count as messages write it: '1 idea', '1,250 ideas'."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def name_key(x: object) -> str:
    """How two spellings of a name compare (headers, sheet names, list values, settings): runs of
    white space read as one space, surrounding space dropped, case ignored ('  Supplier\nAnnual ' ->
    'supplier annual'). Every comparison of names in cvm-xl goes through here."""
    return " ".join(str(x).split()).casefold()


def key(x: object) -> str:
    """The text a cell is compared by: control characters dropped, surrounding spaces trimmed, lower case."""
    text = x if type(x) is str else cell_text(x)
    if not text.isprintable():  # only then can it hold a control character (the rare case)
        text = text.translate(_CLEAN)
    return text.strip(" ").lower()


def excel_key(ref: str) -> str:
    """``key`` as a classic Excel expression over the cell ``ref``."""
    return EXCEL_KEY.format(ref=ref)


_built: tuple[object, object, dict[str, bool]] = ((), (), {})


def yes_no_table() -> dict[str, bool]:
    """Every accepted Yes/No spelling (as ``key`` gives it) -> True for Yes, False for No."""
    global _built
    # Built from the tables as they are at call time, kept while they are the same objects (a
    # spelling added to YES_NO, even by a test's monkeypatch, is then accepted everywhere).
    if _built[0] is not YES_NO or _built[1] is not YES_NO_QUIET:
        table: dict[str, bool] = {}
        for yes, no in YES_NO + YES_NO_QUIET:
            table[key(yes)] = True
            table[key(no)] = False
        _built = (YES_NO, YES_NO_QUIET, table)
    return _built[2]


def yes_spellings() -> tuple[str, ...]:
    return tuple(k for k, meaning in yes_no_table().items() if meaning)


def no_spellings() -> tuple[str, ...]:
    return tuple(k for k, meaning in yes_no_table().items() if not meaning)


def yes_no(x: object) -> bool | None:
    """True for a Yes spelling, False for a No spelling, None for anything else (blank included)."""
    table = yes_no_table()
    if x is True or x is False:  # a typed table's cells: the same lookup as key(x), without the text work
        return table.get("true" if x else "false")
    return table.get(key(x))


def also_accepted(last: str = ", ") -> str:
    """The advertised alternatives to Yes/No for messages: 'Y/N, TRUE/FALSE, 1/0'."""
    shown = [f"{yes}/{no}" for yes, no in YES_NO[1:]]
    return ", ".join(shown[:-1]) + last + shown[-1] if len(shown) > 1 else "".join(shown)


# --- statuses of an idea (SPEC §4 Status values, §3.6 which of them enter the passbook) -------------

# The statuses in the order the dropdowns list them, and those that put an idea in the passbook.
# Python (``status``, ``in_passbook`` of core.passbook) and the workbook formulas
# (``excel_status_is``) read these two tuples, nothing else.
STATUSES: tuple[str, ...] = (
    "Proposed", "Evaluated", "Selected", "Signed off", "Implementing", "Delivered", "Dropped",
)  # fmt: skip
PASSBOOK_STATUSES: tuple[str, ...] = ("Signed off", "Implementing", "Delivered")
DROPPED = "Dropped"
# An idea with one of these statuses is no longer open for new work: signed off or later, or dropped
# (the equity closer, the bundle search and the refresh pipeline read it through ``is_open_status``).
CLOSED_STATUSES: tuple[str, ...] = (*PASSBOOK_STATUSES, DROPPED)

# A status cell is read like every list value (``name_key``: case ignored, runs of white space one
# space, none around it). Classic spreadsheet functions cannot collapse runs of spaces inside a text,
# so the formulas compare the *compact* key instead: the cell without control characters (CLEAN) and
# without spaces (SUBSTITUTE), case ignored. For every cell ``status`` accepts as a status (ASCII
# white space around or between its words), the compact key is that status's compact key, and the
# seven statuses' compact keys differ: so a formula and ``status`` agree on every cell cvm-xl reads.
EXCEL_COMPACT_KEY = 'SUBSTITUTE(CLEAN({ref}&"")," ","")'
_DROP_SPACE = {**_CLEAN, ord(" "): None}


def compact_key(x: object) -> str:
    """``EXCEL_COMPACT_KEY`` in Python: control characters and spaces dropped, lower case."""
    text = x if type(x) is str else cell_text(x)
    return text.translate(_DROP_SPACE).lower()


def status(x: object) -> str | None:
    """The status a cell names, in its canonical spelling (' signed OFF ' -> 'Signed off'); None
    for a blank cell or one that names no status."""
    if x is None or isinstance(x, bool | np.bool_) or (isinstance(x, float) and math.isnan(x)):
        return None
    return _STATUS_BY_KEY.get(name_key(x))


_STATUS_BY_KEY = {name_key(s): s for s in STATUSES}


def is_passbook_status(x: object) -> bool:
    """Whether a Status cell puts its idea in the passbook (SPEC §3.6), as ``status`` reads it."""
    return status(x) in PASSBOOK_STATUSES


def is_open_status(x: object) -> bool:
    """Whether a Status cell leaves its idea open: not in the passbook and not Dropped (a blank cell
    or one naming no status is open), as ``status`` reads it."""
    return status(x) not in CLOSED_STATUSES


def excel_status_is(ref: str, statuses: tuple[str, ...] = PASSBOOK_STATUSES) -> str:
    """A classic Excel test, TRUE when the cell ``ref`` names one of ``statuses`` (any case, spaces
    and line breaks around or between the words): ``is_passbook_status`` for the default. The key
    is compared with each status in turn, never with an array constant: Gnumeric compares
    ``OR(x={...})`` in a cell formula with the first element only."""
    key_of = EXCEL_COMPACT_KEY.format(ref=ref)
    tests = [f'{key_of}="{compact_key(s)}"' for s in statuses]
    return tests[0] if len(tests) == 1 else f"OR({','.join(tests)})"


def excel_status_flags(cells: str, statuses: tuple[str, ...] = PASSBOOK_STATUSES) -> str:
    """``excel_status_is`` cell by cell over a range (1 or 0 per cell, for SUMPRODUCT): OR would
    fold the whole range into one answer, a sum of comparisons does not (the keys differ). The
    formula holding it must be an array formula: Gnumeric takes CLEAN and SUBSTITUTE of a range
    in an ordinary cell formula by implicit intersection, even inside SUMPRODUCT."""
    key_of = EXCEL_COMPACT_KEY.format(ref=cells)
    return "(" + "+".join(f'({key_of}="{compact_key(s)}")' for s in statuses) + ")"
