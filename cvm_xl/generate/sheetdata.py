"""Collects the cells of one sheet and writes its ``<sheetData>`` XML in row/column order."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from cvm_xl.books.package import Deflated
from cvm_xl.generate import styles as st
from cvm_xl.spreadsheet import xmltext as x


class SheetData:
    """Cells by (row, column); styles by name. Rows come out sorted, as the file format requires."""

    def __init__(self, styles: Mapping[str, int]) -> None:
        self.styles = styles
        self._cells: dict[int, dict[int, str]] = {}
        self._heights: dict[int, float] = {}
        self._hidden: set[int] = set()
        self._raw: dict[int, str] = {}
        self._blocks: list[tuple[int, list[str]]] = []
        self._runs: list[tuple[int, int, str | Deflated]] = []
        self.max_col = 1

    def copy(self) -> SheetData:
        """A sheet with the same cells, to which more can be put (e.g. per customer, after the cells
        every workbook shares were put once)."""
        other = SheetData(self.styles)
        other._cells = {r: dict(cells) for r, cells in self._cells.items()}
        other._heights = dict(self._heights)
        other._hidden = set(self._hidden)
        other._raw = dict(self._raw)
        other._blocks = list(self._blocks)
        other._runs = list(self._runs)
        other.max_col = self.max_col
        return other

    def _put(self, r: int, c: int, xml: str) -> None:
        self._cells.setdefault(r, {})[c] = xml
        if c > self.max_col:
            self.max_col = c

    @staticmethod
    @lru_cache(maxsize=8192)
    def ref(r: int, c: int) -> str:
        return f"{x.letter(c)}{r}"

    def text(self, r: int, c: int, style: str, text: str) -> None:
        self._put(r, c, x.text_cell(self.ref(r, c), self.styles[st.quoted(style, text)], text))

    def number(self, r: int, c: int, style: str, value: float) -> None:
        self._put(r, c, x.number_cell(self.ref(r, c), self.styles[style], value))

    def value(self, r: int, c: int, style: str, value: object) -> None:
        """An input cell: blank stays blank, text that looks like a formula stays text."""
        self._put(r, c, x.value_cell(self.ref(r, c), self.styles[st.quoted(style, value)], value))

    def blank(self, r: int, c: int, style: str) -> None:
        self._put(r, c, x.blank_cell(self.ref(r, c), self.styles[style]))

    def formula(self, r: int, c: int, style: str, formula: str, cached: object) -> None:
        self._put(r, c, x.formula_cell(self.ref(r, c), self.styles[style], x.formula_text(formula), cached))

    def array_formula(self, r: int, c: int, style: str, formula: str, cached: object) -> None:
        """A one-cell array formula: Excel, LibreOffice and Gnumeric evaluate an IF over a range in
        it cell by cell (outside one, they take the range by implicit intersection)."""
        ref = self.ref(r, c)
        made = x.formula_cell(ref, self.styles[style], x.formula_text(formula), cached)
        self._put(r, c, made.replace("<f>", f'<f t="array" ref="{ref}">', 1))

    def formula_xml(self, r: int, c: int, style: str, formula_xml: str, cached: object) -> None:
        """A formula already escaped for XML (from a cached template)."""
        self._put(r, c, x.formula_cell(self.ref(r, c), self.styles[style], formula_xml, cached))

    def row_xml(self, r: int, cells_xml: str, last_col: int) -> None:
        """A complete row written by a fast path (cells already in column order)."""
        self._raw[r] = cells_xml
        if last_col > self.max_col:
            self.max_col = last_col

    def block(self, first_row: int, rows: list[str], last_col: int) -> None:
        """Consecutive complete rows from ``first_row`` (cells already in column order). Cells put
        by the other methods on the same rows must lie to the right of the block's columns."""
        self._blocks.append((first_row, rows))
        if last_col > self.max_col:
            self.max_col = last_col

    def rows(self, first_row: int, last_row: int, rows_xml: str | Deflated, last_col: int) -> None:
        """Complete ``<row>`` elements for rows ``first_row`` to ``last_row`` (some may be absent),
        rendered elsewhere, e.g. once per run (and then possibly deflated once too). Nothing else
        may be put on these rows."""
        self._runs.append((first_row, last_row, rows_xml))
        if last_col > self.max_col:
            self.max_col = last_col

    def height(self, r: int, points: float) -> None:
        self._heights[r] = points

    def hide(self, r: int) -> None:
        self._hidden.add(r)

    @property
    def max_row(self) -> int:
        rows = [*self._cells, *self._raw, *self._heights, *self._hidden]
        rows += [first + len(block) - 1 for first, block in self._blocks if block]
        rows += [last for _, last, _ in self._runs]
        return max(rows) if rows else 1

    def dimension(self) -> str:
        return f"A1:{x.letter(self.max_col)}{self.max_row}"

    def _row(self, r: int, block: str = "") -> str:
        raw = self._raw.get(r, block)
        cells = self._cells.get(r)
        if cells:
            raw += "".join(cells[c] for c in sorted(cells))
        height = self._heights.get(r)
        if height is None and r not in self._hidden:
            return f'<row r="{r}">{raw}</row>'
        return x.row(r, raw, height=height, hidden=r in self._hidden)

    def xml(self) -> str:
        return "".join(piece if isinstance(piece, str) else piece.text for piece in self.pieces())

    def pieces(self) -> list[str | Deflated]:
        """The ``<sheetData>`` content in row order, as text and pieces deflated already."""
        in_blocks: dict[int, tuple[int, list[str]]] = {}
        for first, rows in self._blocks:
            if rows:
                in_blocks[first] = (first, rows)
        covered = {r for first, rows in self._blocks for r in range(first, first + len(rows))}
        singles = sorted({*self._cells, *self._raw, *self._heights, *self._hidden} - covered)
        out: list[str | Deflated] = []
        # Blocks and pre-rendered runs in the order of their first rows; single rows go between them.
        spans = sorted(
            [(first, self._block_xml(first, rows)) for first, rows in in_blocks.values()]
            + [(first, xml) for first, _, xml in self._runs],
            key=lambda span: span[0],
        )
        i = 0
        for r in singles:
            while i < len(spans) and spans[i][0] < r:
                out.append(spans[i][1])
                i += 1
            out.append(self._row(r))
        out.extend(xml for _, xml in spans[i:])
        return out

    def _block_xml(self, first: int, rows: list[str]) -> str:
        others = {*self._cells, *self._heights, *self._hidden, *self._raw}
        return "".join(
            self._row(r, cells) if r in others else f'<row r="{r}">{cells}</row>'
            for r, cells in enumerate(rows, start=first)
        )
