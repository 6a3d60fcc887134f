"""Finding a table on a sheet by its header names, wherever the user put it.

A header row is recognised by the names it holds (case and surrounding spaces ignored), not by
its position: an Excel Table or a plain header row anywhere in the first rows of the sheet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cvm_xl.core.spellings import name_key

SCAN_ROWS = 30  # a header further down than this is not a header row a person would expect us to find


def normalise_header(value: object) -> str:
    """'  Supplier\\nAnnual ' -> 'supplier annual': how header names and sheet names are compared."""
    if value is None:
        return ""
    return name_key(value)


def sheets_in_view(sheets: Iterable[tuple[str, bool]]) -> list[str]:
    """The names of (name, hidden) sheets a reader considers, in workbook order.

    A hidden sheet whose name is also a visible sheet's (case and spaces ignored, as ``find_sheet``
    compares them) is left out, so the visible sheet is the one read and written: a stale hidden copy
    named ``ideas`` before the visible ``Ideas`` is never taken for it.
    """
    listed = list(sheets)
    visible = {normalise_header(name) for name, hidden in listed if not hidden}
    return [name for name, hidden in listed if not (hidden and normalise_header(name) in visible)]


def find_sheet(sheet_names: Iterable[str], wanted: str) -> str | None:
    """The workbook's own spelling of sheet ``wanted`` (case and spaces ignored), or None."""
    key = normalise_header(wanted)
    names = list(sheet_names)
    if wanted in names:
        return wanted
    return next((name for name in names if normalise_header(name) == key), None)


@dataclass(frozen=True)
class HeaderRow:
    """Where a table's header row is and which column holds which header.

    ``row`` is the 0-based index in the sheet's rows (Excel row ``row + 1``); ``positions`` maps each
    recognised column name (canonical spelling) to its 0-based column; ``extras`` maps the text of
    every other non-blank header to its column; ``repeated`` lists (name, column) of headers that
    occur more than once (the first occurrence is used).
    """

    row: int
    positions: dict[str, int]
    extras: dict[str, int] = field(default_factory=dict)
    repeated: list[tuple[str, int]] = field(default_factory=list)

    @property
    def excel_row(self) -> int:
        return self.row + 1


def read_header(row: int, cells: Sequence[object], known: Sequence[str]) -> HeaderRow:
    by_key = {normalise_header(name): name for name in known}
    positions: dict[str, int] = {}
    extras: dict[str, int] = {}
    repeated: list[tuple[str, int]] = []
    for index, cell in enumerate(cells):
        key = normalise_header(cell)
        if not key:
            continue
        name = by_key.get(key)
        if name is None:
            text = " ".join(str(cell).split())
            if text in extras:
                repeated.append((text, index))
            else:
                extras[text] = index
        elif name in positions:
            repeated.append((name, index))
        else:
            positions[name] = index
    return HeaderRow(row, positions, extras, repeated)


def find_header_row(
    rows: Sequence[Sequence[object]],
    known: Sequence[str],
    required: Sequence[str],
    scan_rows: int = SCAN_ROWS,
) -> HeaderRow | None:
    """The header row among the first ``scan_rows`` rows.

    The first row holding every required header wins; failing that, the row with the most known
    headers (so the caller can report exactly which required ones are missing); None when no row
    holds any known header.
    """
    keys = {normalise_header(name) for name in known}
    required_keys = {normalise_header(name) for name in required}
    best: tuple[int, int] | None = None  # (number of known headers, row)
    for index, cells in enumerate(rows[:scan_rows]):
        present = {normalise_header(cell) for cell in cells} & keys
        if not present:
            continue
        if required_keys <= present:
            return read_header(index, cells, known)
        if best is None or len(present) > best[0]:
            best = (len(present), index)
    if best is None:
        return None
    return read_header(best[1], rows[best[1]], known)
