"""What every sheet writer shares: the builder record, the render context and page setup."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.core.settings import Settings
from cvm_xl.generate.sheetdata import SheetData

T = TypeVar("T")

PROTECTION_NOTE = (
    "Grey cells are computed and protected against accidental change. No password is set: "
    "Review > Unprotect Sheet (Excel) or Tools > Protect Sheet (LibreOffice) unlocks them."
)


@dataclass(frozen=True)
class RenderContext:
    """Per-run facts a sheet writer needs besides the customer's data."""

    settings: Settings
    styles: Mapping[str, int]
    sign_off: L.SignOffLayout
    memo: dict = field(default_factory=dict, compare=False, repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def once(self, key: str, make: Callable[[], T]) -> T:
        """``make()`` computed once per run (column plans, formula templates)."""
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]

    def once_per(self, key: str, arg: Hashable, make: Callable[[], T], keep: int = 64) -> T:
        """``make()`` computed once per run for each value of ``arg`` (e.g. a sheet's rows per
        kick-off date). At most ``keep`` values are kept, the oldest dropped first, so a run whose
        every customer differs costs no more memory than this."""
        cache = self.memo.setdefault(key, {})
        try:
            return cache[arg]
        except KeyError:
            pass
        value = make()
        with self.lock:  # workers may be threads (where processes cannot be forked)
            if arg not in cache and len(cache) >= keep:
                del cache[next(iter(cache))]
            cache[arg] = value
        return value


@dataclass(frozen=True)
class SheetBuilder:
    """One sheet of a generated workbook.

    ``setup`` prepares the sheet once per run in the openpyxl base workbook (widths, views,
    validation, protection, page setup, tables, charts); ``render`` writes one customer's cells.
    ``static`` sheets have the same cells for every customer and are rendered once. ``tables``
    maps an Excel table's name to a function giving its range for a customer.
    """

    name: str
    setup: Callable[[Worksheet, RenderContext], None]
    render: Callable[[object, RenderContext], SheetData]
    static: bool = False
    hidden: str | None = None  # None, "hidden" or "veryHidden"
    tables: Mapping[str, Callable[[object], str]] = field(default_factory=dict)


def page_setup(
    ws: Worksheet,
    *,
    title_rows: str | None = None,
    title_cols: str | None = None,
    fit_width: int = 1,
    fit_height: int = 0,
    portrait: bool = False,
    footer: bool = True,
) -> None:
    """A4 landscape, ``fit_width`` pages wide, narrow margins, sheet name and page numbers in the footer."""
    ws.page_setup.orientation = "portrait" if portrait else "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = fit_width
    ws.page_setup.fitToHeight = fit_height
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.55
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols
    if footer:
        ws.oddFooter.left.text = "&A"
        ws.oddFooter.left.size = 8
        ws.oddFooter.right.text = "Page &P of &N"
        ws.oddFooter.right.size = 8


def protect(ws: Worksheet) -> None:
    """Protect without a password; filtering, sorting of unlocked cells and resizing stay allowed."""
    p = ws.protection
    p.sheet = True
    p.autoFilter = False
    p.formatColumns = False
    p.formatRows = False
    p.selectLockedCells = False
    p.selectUnlockedCells = False


def widths(ws: Worksheet, values: Mapping[str, float]) -> None:
    for letter, width in values.items():
        ws.column_dimensions[letter].width = width
