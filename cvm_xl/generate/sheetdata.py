"""Collects the cells of one sheet and writes its ``<sheetData>`` XML in row/column order."""

from __future__ import annotations

from collections.abc import Mapping

from . import styles as st
from . import xmltext as x


class SheetData:
    """Cells by (row, column); styles by name. Rows come out sorted, as the file format requires."""

    def __init__(self, styles: Mapping[str, int]) -> None:
        self.styles = styles
        self._cells: dict[int, dict[int, str]] = {}
        self._heights: dict[int, float] = {}
        self._hidden: set[int] = set()
        self._raw: dict[int, str] = {}
        self.max_col = 1

    def _put(self, r: int, c: int, xml: str) -> None:
        self._cells.setdefault(r, {})[c] = xml
        if c > self.max_col:
            self.max_col = c

    @staticmethod
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

    def row_xml(self, r: int, cells_xml: str, last_col: int) -> None:
        """A complete row written by a fast path (cells already in column order)."""
        self._raw[r] = cells_xml
        if last_col > self.max_col:
            self.max_col = last_col

    def height(self, r: int, points: float) -> None:
        self._heights[r] = points

    def hide(self, r: int) -> None:
        self._hidden.add(r)

    @property
    def max_row(self) -> int:
        rows = [*self._cells, *self._raw, *self._heights, *self._hidden]
        return max(rows) if rows else 1

    def dimension(self) -> str:
        return f"A1:{x.letter(self.max_col)}{self.max_row}"

    def xml(self) -> str:
        numbers = sorted({*self._cells, *self._raw, *self._heights, *self._hidden})
        out = []
        for r in numbers:
            raw = self._raw.get(r)
            if raw is None:
                cells = self._cells.get(r, {})
                raw = "".join(cells[c] for c in sorted(cells))
            out.append(x.row(r, raw, height=self._heights.get(r), hidden=r in self._hidden))
        return "".join(out)
