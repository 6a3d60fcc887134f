"""What every sheet writer shares: the builder records, the render context and page setup."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast
from xml.sax.saxutils import escape as xml_escape

from openpyxl.chart import BarChart, LineChart, ScatterChart
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.core.settings import Settings
from cvm_xl.generate.sheetdata import SheetData

T = TypeVar("T")
# The data a sheet renders from (one customer's, or all customers' for the sign-off). A builder
# that reads less (a base class of the data) serves for more: hence contravariant.
D = TypeVar("D")
D_contra = TypeVar("D_contra", contravariant=True)

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
    # key -> a value made once (any type: each key's ``make`` decides it), or for ``once_per`` a
    # dict of such values by argument
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
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
class SheetBuilder(Generic[D_contra]):
    """One sheet of a generated workbook, rendered for each workbook from its data.

    ``setup`` prepares the sheet once per run in the openpyxl base workbook (widths, views,
    validation, protection, page setup, tables, charts); ``render`` writes one workbook's cells.
    ``tables`` maps an Excel table's name to a function giving its range for that data.
    """

    name: str
    setup: Callable[[Worksheet, RenderContext], None]
    render: Callable[[D_contra, RenderContext], SheetData]
    hidden: str | None = None  # None, "hidden" or "veryHidden"
    tables: Mapping[str, Callable[[D_contra], str]] = field(default_factory=dict)


@dataclass(frozen=True)
class StaticSheet:
    """A sheet with the same cells in every workbook of a run (the Settings sheet, SPEC §7): ``render``
    reads only the run's context, once, and its cells become part of the base workbook."""

    name: str
    setup: Callable[[Worksheet, RenderContext], None]
    render: Callable[[RenderContext], SheetData]
    hidden: str | None = None  # None, "hidden" or "veryHidden"


# A workbook's sheets, in tab order: builders for its data ``D`` and static sheets.
Sheet = SheetBuilder[D] | StaticSheet


# The page header names the workbook's customer, the supplier and the generation date (issue 12:
# a printed page says whose it is and how current). The base workbook is built once per run, before
# any customer is known, so ``page_setup`` writes this token as the header; ``build_base`` replaces
# it in every workbook's sheets with ``header_codes`` of that workbook (``stamp_header``).
HEADER_TOKEN = "cvm-xl-page-header"
HEADER_XML = "&amp;C" + HEADER_TOKEN  # the token as openpyxl writes a centre header into the sheet XML
MAX_HEADER = 255  # Excel's limit on a header's text, codes included
_HEADER_SIZE = "&8 "  # 8 pt; the space keeps a leading digit of the text off the size code


def _header_text(text: str, limit: int) -> str:
    """Text for a header section in at most ``limit`` characters: '&' doubled (a lone '&' starts a
    code), white space runs made one space, a longer text cut with '...'."""
    text = " ".join(text.split()).replace("&", "&&")
    if len(text) > limit:
        text = text[: limit - 3].rstrip("& ") + "..."  # never cut a doubled '&' in half
    return text


def header_codes(customer: str, supplier: str, generated: dt.date) -> str:
    """The page header of a generated workbook (SPEC §7: printed on A4 landscape) in Excel's header
    codes: the customer on the left (or what the workbook covers, e.g. all customers), the supplier
    in the centre and the generation date on the right, in 8 pt; never longer than Excel's 255
    characters."""
    left, centre, right = f"&L{_HEADER_SIZE}", f"&C{_HEADER_SIZE}Supplier: ", f"&R{_HEADER_SIZE}"
    date = f"Generated {generated.isoformat()}"
    room = (MAX_HEADER - len(left) - len(centre) - len(right) - len(date)) // 2
    return f"{left}{_header_text(customer, room)}{centre}{_header_text(supplier, room)}{right}{date}"


def stamp_header(sheet_xml: str, codes: str | None) -> str:
    """A sheet part's XML with the page header token replaced by ``codes`` (None: no header)."""
    return sheet_xml.replace(HEADER_XML, "" if codes is None else xml_escape(codes))


def page_setup(
    ws: Worksheet,
    *,
    title_rows: str | None = None,
    title_cols: str | None = None,
    fit_width: int = 1,
    fit_height: int = 0,
    portrait: bool = False,
    footer: bool = True,
    header: bool = True,
) -> None:
    """A4 landscape, ``fit_width`` pages wide, narrow margins, sheet name and page numbers in the
    footer, and with ``header`` the workbook's page header (``header_codes``: customer, supplier
    and generation date, stamped per workbook)."""
    ws.page_setup.orientation = "portrait" if portrait else "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = fit_width
    ws.page_setup.fitToHeight = fit_height
    fit_to_page(ws)
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.55
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols
    if header:
        odd_header(ws).center.text = HEADER_TOKEN
    if footer:
        odd = odd_footer(ws)
        odd.left.text = "&A"
        odd.left.size = 8
        odd.right.text = "Page &P of &N"
        odd.right.size = 8


def fit_to_page(ws: Worksheet) -> None:
    """Print to the page setup's ``fitToWidth`` x ``fitToHeight`` pages, not at a fixed scale (SPEC §7:
    the workbooks print on A4 landscape)."""
    properties = ws.sheet_properties.pageSetUpPr
    # openpyxl gives every sheet's properties page setup properties; the stubs allow None
    assert properties is not None, "a worksheet without page setup properties"
    properties.fitToPage = True


def odd_footer(ws: Worksheet) -> HeaderFooterItem:
    """The footer of odd (here: all) pages, whose left, centre and right parts are set in place."""
    footer = ws.oddFooter
    # openpyxl gives every sheet a header and footer of each kind; the stubs allow None
    assert footer is not None, "a worksheet without an odd-page footer"
    return footer


def odd_header(ws: Worksheet) -> HeaderFooterItem:
    """The header of odd (here: all) pages."""
    header = ws.oddHeader
    # openpyxl gives every sheet a header and footer of each kind; the stubs allow None
    assert header is not None, "a worksheet without an odd-page header"
    return header


def chart_size(chart: BarChart | LineChart | ScatterChart, width: float, height: float) -> None:
    """A chart's size in cm. openpyxl takes any number (it scales it to EMU), while the stubs type
    the width as an int: the one place that says so."""
    chart.width = cast(int, width)
    chart.height = height


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
