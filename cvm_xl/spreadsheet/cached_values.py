"""Saved results of formula cells: the values a reader sees without calculating (SPEC §7).

openpyxl saves every formula without its result, so a reader that does not calculate (pandas,
python-calamine, a file preview) sees a blank, and LibreOffice shows nothing until it recalculates.
``stamp_cached_values`` writes the results cvm-xl computed into the formula cells of a saved
workbook, in the form Excel itself saves them: a number as ``<v>``, text as ``t="str"``, a blank
result as the empty text a formula's "" gives. Only formula cells are touched; every other byte of
the package stays as it was.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping

from cvm_xl.spreadsheet.sheet_xml import sheet_parts
from cvm_xl.spreadsheet.xmltext import formula_cell

CellValues = Mapping[tuple[int, int], object]  # (Excel row, 1-based column) -> cached result

# A formula cell as openpyxl (and Excel) save it: attributes, one <f> element, an optional <v>.
_FORMULA_CELL = re.compile(rb"<c ([^>]*?)>(<f>[^<]*</f>)(?:<v\s*/>|<v>[^<]*</v>)?</c>")
_ATTRIBUTE = re.compile(rb'\b(r|s)="([^"]*)"')
_REF = re.compile(rb"([A-Z]+)([0-9]+)")


def _column(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ch - 64
    return index


def stamp_sheet(xml: bytes, values: CellValues) -> bytes:
    """The sheet part ``xml`` with the result ``values[(row, column)]`` saved in each of those
    cells that holds a formula (cells without a formula, or without a given value, are kept)."""
    if not values:
        return xml

    def stamp(match: re.Match[bytes]) -> bytes:
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        ref = attributes.get(b"r", b"")
        where = _REF.fullmatch(ref)
        if where is None:
            return match.group(0)
        key = (int(where.group(2)), _column(where.group(1)))
        if key not in values:
            return match.group(0)
        formula = match.group(2)[3:-4].decode("utf-8")
        style = int(attributes.get(b"s", b"0"))
        return formula_cell(ref.decode("ascii"), style, formula, values[key]).encode("utf-8")

    return _FORMULA_CELL.sub(stamp, xml)


def stamp_cached_values(data: bytes, sheets: Mapping[str, CellValues]) -> bytes:
    """The workbook file ``data`` with cached results saved in formula cells, per sheet name."""
    wanted = {name: values for name, values in sheets.items() if values}
    if not wanted:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = {part: wanted[name] for name, part in sheet_parts(source).items() if name in wanted}
        with zipfile.ZipFile(out, "w") as target:
            for info in source.infolist():
                payload = source.read(info)
                if info.filename in members:
                    payload = stamp_sheet(payload, members[info.filename])
                target.writestr(info, payload, compress_type=info.compress_type)
    return out.getvalue()
