"""How far a sheet's cells really reach, read from its XML as it streams by (SPEC §4, §8).

python-calamine builds a sheet as one rectangle from A1 to its last cell, so a single value in
XFD1048576 makes it allocate 17 billion cells (549 GB, the process aborts) and one in A1048576 a
million rows (seconds and gigabytes). ``ExtentScanner`` sees the sheet's XML once, in the pass that
also looks for error cells, and finds the last row and column holding a value and how many rows and
columns hold one. ``SheetExtent.stray`` says when the rectangle would be far larger than what the
sheet holds; the reader then names the far cell instead of reading the sheet.

The fast path reads only row tags and looks for cells right of the columns the first rows use; a sheet
whose cells carry no address, whose first rows are themselves sparse, or that has a cell beyond
those columns is measured exactly by a second, streamed parse (rare: hand-made or hostile files).
The ``<dimension>`` a sheet claims is never trusted: a writer may leave it wrong, and it costs
python-calamine nothing.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from cvm_xl.core.problems import column_letter

# A sheet of up to a million cells is read whatever its shape (python-calamine does that in a fraction
# of a second); a larger one only as far as twice the rows and columns that hold values, plus a margin
# for blank rows and columns inside the table.
AREA_FLOOR = 1_000_000
ROW_SLACK = 1_000
COLUMN_SLACK = 50
# Whatever its shape, no sheet is read past 100 million cells (about 2.4 GB in python-calamine); the
# largest master cvm-xl reads (300,000 ideas, 50 MB) spans about 12 million.
MAX_AREA = 100_000_000
_MAX_COLUMN = 16_384  # XFD: Excel's last column

_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*:)?sheetData\b")


def column_index(letters: str) -> int:
    """'A' -> 1, 'XFD' -> 16384."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


def _number_above(n: int) -> str:
    """A regular expression for the whole numbers (no leading zero) greater than ``n``."""
    digits = str(n)
    alternatives = [f"[1-9][0-9]{{{len(digits)},}}"]
    for i, ch in enumerate(digits):
        if ch < "9":
            rest = len(digits) - i - 1
            alternatives.append(digits[:i] + f"[{int(ch) + 1}-9]" + (f"[0-9]{{{rest}}}" if rest else ""))
    return "(?:" + "|".join(alternatives) + ")"


def _greater_than(letters: str) -> str:
    """A regular expression for the column letters after ``letters`` (up to three letters)."""
    alternatives = [f"[A-Z]{{{len(letters) + 1},3}}"] if len(letters) < 3 else []
    for i, ch in enumerate(letters):
        if ch < "Z":
            rest = len(letters) - i - 1
            alternatives.append(
                letters[:i] + f"[{chr(ord(ch) + 1)}-Z]" + (f"[A-Z]{{{rest}}}" if rest else "")
            )
    return "(?:" + "|".join(alternatives) + ")" if alternatives else "(?!)"


@dataclass(frozen=True)
class SheetExtent:
    """Where a sheet's values end.

    ``rows``/``columns``: the last row and column holding a value (1-based, 0 for none; ``columns``
    is an upper bound when the sheet was measured by the fast path); ``used_rows``/``used_columns``:
    how many rows and columns hold one (``used_columns`` a lower bound on the fast path);
    ``last_cell``: a cell holding a value in the last row; ``right_cell``: one in the last column
    ("" when not measured).
    """

    rows: int = 0
    columns: int = 0
    used_rows: int = 0
    used_columns: int = 0
    last_cell: str = ""
    right_cell: str = ""

    @property
    def area(self) -> int:
        """Cells of the rectangle from A1 to the last row and column: what a reader allocates."""
        return self.rows * self.columns

    @property
    def far_rows(self) -> bool:
        return self.rows > 2 * self.used_rows + ROW_SLACK

    @property
    def far_columns(self) -> bool:
        return self.columns > 2 * self.used_columns + COLUMN_SLACK

    @property
    def stray(self) -> bool:
        """True when values lie so far beyond the others that reading the rectangle would cost far more
        than the sheet holds (and more than ``AREA_FLOOR`` cells), or when it spans more than
        ``MAX_AREA`` cells whatever it holds."""
        return self.area > MAX_AREA or (self.area > AREA_FLOOR and (self.far_rows or self.far_columns))

    @property
    def far_cell(self) -> str:
        """The cell to name in a message: the one far down, else the one far right."""
        if self.far_rows or not self.right_cell:
            return self.last_cell
        return self.right_cell


def _ref_of(tag: bytes) -> tuple[str, int] | None:
    """('XFD', 1048576) from the opening tag of a cell with an ``r`` attribute."""
    match = re.search(rb'r="([A-Z]{1,3})([0-9]{1,9})"', tag)
    return (match.group(1).decode(), int(match.group(2))) if match else None


class ExtentScanner:
    """Fed the sheet XML in pieces that each end before a '<' (no tag is cut), measures its extent.

    ``exact_needed`` turns True when the fast path cannot vouch for the result; ``extent`` is then
    to be replaced by ``exact_extent`` of the whole sheet.
    """

    def __init__(self) -> None:
        self.exact_needed = False
        self._prefix: bytes | None = None
        self._rows: re.Pattern[bytes] | None = None
        self._beyond: bytes | None = None  # the column letters right of the known columns
        self._used_rows = 0
        self._last_row = 0
        self._last_cell = ""
        self._open_ref: tuple[str, int] | None = None  # the last cell opened so far
        self._columns = 0
        self._used_columns = 0

    def _start(self, piece: bytes) -> bool:
        match = _PREFIX.search(piece)
        if match is None:
            return False
        self._prefix = match.group(1) or b""
        p = re.escape(self._prefix)
        # Every row tag, with its attributes: every writer puts the address first.
        self._rows = re.compile(rb"<" + p + rb"row\b([^>]*)>")
        return True

    def feed(self, piece: bytes) -> None:
        if self.exact_needed:
            return
        if self._prefix is None and not self._start(piece):
            return
        assert self._rows is not None
        rows = self._rows.findall(piece)
        if not all(attributes.startswith(b' r="') for attributes in rows):
            self.exact_needed = True  # a row without an address: its number is its position
            return
        self._used_rows += sum(1 for attributes in rows if not attributes.endswith(b"/"))
        if self._beyond is None:
            self._first_columns(piece)
            if self.exact_needed:
                return
        if self._beyond is not None:
            # A cell right of the known columns, below twice the rows so far (a row out of order, or a
            # cell whose address disagrees with its row), or whose place is its position: measured cell
            # by cell. Its row bound changes with every piece; its columns are fixed.
            below = _number_above(2 * self._used_rows + ROW_SLACK).encode()
            p = re.escape(self._prefix or b"")
            beyond = (
                rb"<" + p + rb'c(?:>| (?!r=")| r="(?:' + self._beyond + rb"[0-9]|[A-Z]{1,3}" + below + rb'"))'
            )
            if re.search(beyond, piece) is not None:
                self.exact_needed = True
                return
        self._note_last_value(piece)

    def _first_columns(self, piece: bytes) -> None:
        """Columns of the first piece that holds values: the yardstick for the rest of the sheet."""
        p = re.escape(self._prefix or b"")
        letters = set(re.findall(rb"<" + p + rb'c r="([A-Z]{1,3})[0-9]+"[^>/]*>', piece))
        if not letters:  # no value yet (formatted empty cells at most): the next piece decides
            if re.search(rb"<" + p + rb'c(?:>| (?!r="))', piece):  # a cell whose place is its position
                self.exact_needed = True
            return
        columns = max(column_index(x.decode()) for x in letters)
        self._used_columns = len(letters)
        bound = 2 * len(letters) + COLUMN_SLACK
        if columns > bound:  # the first rows already reach far right of their own columns
            self.exact_needed = True
            return
        self._columns = min(bound, _MAX_COLUMN)
        self._beyond = _greater_than(column_letter(self._columns)).encode()

    def _note_last_value(self, piece: bytes) -> None:
        p = self._prefix or b""
        close = piece.rfind(b"</" + p + b"c>")
        opened = piece.rfind(b"<" + p + b'c r="', 0, close if close >= 0 else len(piece))
        if close >= 0:
            ref = _ref_of(piece[opened : piece.find(b">", opened) + 1]) if opened >= 0 else self._open_ref
            if ref is not None and ref[1] >= self._last_row:
                self._last_row, self._last_cell = ref[1], f"{ref[0]}{ref[1]}"
        last_open = piece.rfind(b"<" + p + b'c r="')
        if last_open >= 0:
            self._open_ref = _ref_of(piece[last_open : piece.find(b">", last_open) + 1])

    @property
    def extent(self) -> SheetExtent:
        return SheetExtent(
            rows=self._last_row,
            columns=self._columns if self._last_row else 0,
            used_rows=self._used_rows,
            used_columns=self._used_columns,
            last_cell=self._last_cell,
        )


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def exact_extent(archive: zipfile.ZipFile, member: str) -> SheetExtent:
    """The extent of a sheet measured cell by cell (streamed: memory stays bounded).

    Rows and cells without an address follow the one before, as Excel and python-calamine read them
    (a cell's own address wins over its row's); a cell holds a value when it has a ``<v>`` or an
    inline string (a formatted empty cell does not).
    """
    row = 0
    used_rows: set[int] = set()
    used_columns: set[int] = set()
    last_cell, right_cell = "", ""
    last_row = last_column = 0
    with archive.open(member) as stream:
        column = 0
        sheet_data: ElementTree.Element | None = None
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if tag == "row":
                    number = element.get("r", "")
                    row = int(number) if number.isdigit() else row + 1
                    column = 0
                elif tag == "sheetData":
                    sheet_data = element
                continue
            if tag == "c":
                # a cell's own address wins over its row's, as python-calamine reads it
                ref = re.fullmatch(r"([A-Z]{1,3})([0-9]{1,9})", element.get("r", ""))
                column = column_index(ref.group(1)) if ref else column + 1
                at_row = int(ref.group(2)) if ref else row
                if any(_local(child.tag) in ("v", "is") for child in element):
                    used_rows.add(at_row)
                    used_columns.add(column)
                    cell = f"{column_letter(column)}{at_row}"
                    if at_row > last_row:
                        last_row, last_cell = at_row, cell
                    if column > last_column:
                        last_column, right_cell = column, cell
                element.clear()
            elif tag == "row" and sheet_data is not None:
                sheet_data.clear()  # the rows read so far: memory stays bounded however long the sheet
    return SheetExtent(last_row, last_column, len(used_rows), len(used_columns), last_cell, right_cell)
