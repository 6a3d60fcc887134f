"""What the fast cell reader does not tell about a sheet, read from the workbook's XML.

- Excel error values (#DIV/0!, #N/A ...): the reader shows an error cell as a blank one. A sheet
  without any is ruled out by a plain byte search of its streamed XML; only a sheet that has some
  is parsed, also streamed, so memory stays bounded.
- The total rows of Excel Tables ("Total Row" in Excel): a sum under a table is not a record.
- Formulas saved without their result (by a program that does not calculate): the reader shows
  such a cell as blank, so an idea's =12*1500 would count as 0. Found in the same streamed pass.
- How far the values of a sheet reach (``sheet_extent``), measured in the same pass as the error
  cells, so a stray value in XFD1048576 is named instead of read.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from cvm_xl.spreadsheet.files import MAX_ENTRY_BYTES, unreadable
from cvm_xl.spreadsheet.sheet_extent import ExtentScanner, SheetExtent, exact_extent

_CHUNK = 1024 * 1024
_ERROR_TYPE = re.compile(rb"t=[\"']e[\"']")  # the type attribute of an error cell
_CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")
_RANGE = re.compile(r"\$?[A-Z]+\$?([0-9]+):\$?[A-Z]+\$?([0-9]+)")
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member holding its XML."""
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets: dict[str, str] = {}
    for rel in rels:
        target = rel.get("Target", "")
        if target.startswith("/"):
            target = target.lstrip("/")
        else:
            target = posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id", "")] = target
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    parts: dict[str, str] = {}
    for element in workbook.iter():
        if _local(element.tag) == "sheet":
            rel_id = element.get(f"{{{_REL_NS}}}id") or element.get(
                "{http://purl.oclc.org/ooxml/officeDocument/relationships}id", ""
            )
            if rel_id in targets:
                parts[element.get("name", "")] = targets[rel_id]
    return parts


# The cells holding a formula but no saved result: the closing tag of the formula (or a shared
# formula's empty element), then nothing or an empty value, then the cell's end.
_NO_RESULT = (
    re.compile(rb"</(?:\w+:)?f>\s*(<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"),
    re.compile(rb"<(?:\w+:)?f\b[^>]*/>\s*(<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"),
)
_FORMULA_START = re.compile(rb"<(?:\w+:)?f\b[^>]*>")
_CELL_ATTRIBUTES = re.compile(rb"\b(r|t)=[\"']([^\"']*)[\"']")


class FormulaScanner:
    """The cells of a sheet that hold a formula saved without its result, from pieces of the sheet's
    XML fed in order: {(Excel row, 0-based column): '=formula'} in ``found``.

    A program that does not calculate (a script, a library) saves formulas so; the cell reader then
    shows a blank, and cvm-xl never calculates formulas. A formula giving "" (``t="str"`` and an
    empty value) has a result. Sheets without formulas cost a byte search per piece."""

    def __init__(self) -> None:
        self.found: dict[tuple[int, int], str] = {}
        self._carry = b""
        self._prefixed = False  # the sheet writes its elements with a namespace prefix (<x:c>)

    def feed(self, piece: bytes) -> None:
        data = self._carry + piece
        cut = _last_cell_start(data)
        if cut < 0:  # no cell starts here: keep what may be the start of one
            self._carry = data[data.rfind(b"<") :] if b"<" in data else b""
            return
        self._prefixed = self._prefixed or data[cut + 1 : cut + 2] != b"c"
        self._scan(data[:cut])  # whole cells; the last one may go on in the next piece
        self._carry = data[cut:]

    def finish(self) -> dict[tuple[int, int], str]:
        self._scan(self._carry)
        self._carry = b""
        return self.found

    def _scan(self, xml: bytes) -> None:
        # One byte search rules out a piece without formulas (the common case).
        if b"<f" not in xml and not (self._prefixed and b":f" in xml):
            return
        for pattern in _NO_RESULT:
            for match in pattern.finditer(xml):
                self._add(xml, match)

    def _add(self, xml: bytes, match: re.Match[bytes]) -> None:
        start = _last_cell_start(xml, match.start())
        if start < 0:
            return
        attributes = dict(_CELL_ATTRIBUTES.findall(xml[start : xml.index(b">", start)]))
        cell_type = attributes.get(b"t", b"n")
        if cell_type == b"e" or (cell_type in (b"str", b"inlineStr") and match.group(1)):
            return  # an error value (read apart), or a formula whose result is the text ""
        where = _CELL_REF.fullmatch(attributes.get(b"r", b"").decode("ascii", "replace"))
        if where is None:
            return
        formula = _FORMULA_START.search(xml, start, match.start() + 1)
        text = xml[formula.end() : match.start()] if formula and not formula.group().endswith(b"/>") else b""
        shown = html.unescape(text.decode("utf-8", "replace")) or "…"
        self.found[(int(where.group(2)), _column_index(where.group(1)))] = f"={shown}"


def _last_cell_start(xml: bytes, before: int | None = None) -> int:
    """Where the last cell element (``<c ...>``, also with a namespace prefix) starting before
    ``before`` starts in ``xml``, or -1."""
    end = len(xml) if before is None else before
    plain = xml.rfind(b"<c ", 0, end)  # a cell without attributes has no reference: not looked for
    prefixed = xml.rfind(b":c ", plain + 1, end)
    if prefixed > plain:
        opening = xml.rfind(b"<", plain + 1, prefixed)
        if opening >= 0 and xml[opening + 1 : prefixed].isalnum():
            return opening
    return plain


def _stream_scan(
    archive: zipfile.ZipFile, member: str, path: Path, formulas: FormulaScanner
) -> tuple[bool, SheetExtent]:
    """One streamed pass over a sheet's XML: whether it has error cells, and how far its values reach;
    ``formulas`` is fed every piece.

    The XML is cut before a '<' so that no tag straddles two pieces."""
    seen = 0
    carry = b""
    errors = False
    extent = ExtentScanner()
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            seen += len(chunk)
            if seen > MAX_ENTRY_BYTES:
                raise unreadable(
                    path,
                    f"The workbook unpacks to more than a workbook should: part {member} grows "
                    f"beyond {MAX_ENTRY_BYTES // (1024 * 1024):,} MB.",
                    "This is not a normal workbook (possibly a 'zip bomb'). Use the original master, "
                    "or open it in Excel and save a clean copy.",
                    member,
                )
            data = carry + chunk
            cut = data.rfind(b"<")
            if cut <= 0:
                carry = data
                continue
            piece, carry = data[:cut], data[cut:]
            errors = errors or _ERROR_TYPE.search(piece) is not None
            extent.feed(piece)
            formulas.feed(piece)
    if carry:
        errors = errors or _ERROR_TYPE.search(carry) is not None
        extent.feed(carry)
        formulas.feed(carry)
    formulas.finish()
    return errors, exact_extent(archive, member) if extent.exact_needed else extent.extent


def _error_cells_of(archive: zipfile.ZipFile, member: str) -> dict[tuple[int, int], str]:
    found: dict[tuple[int, int], str] = {}
    with archive.open(member) as stream:
        for _, element in ElementTree.iterparse(stream, events=("end",)):
            tag = _local(element.tag)
            if tag == "c":
                if element.get("t") == "e":
                    match = _CELL_REF.fullmatch(element.get("r", ""))
                    value = next((child.text for child in element if _local(child.tag) == "v"), None)
                    if match and value:
                        found[(int(match.group(2)), _column_index(match.group(1)))] = value
                element.clear()
            elif tag == "row":
                element.clear()
    return found


@dataclass
class SheetScan:
    """``errors``: {(Excel row, 0-based column): error text}; ``total_rows``: Excel rows of table totals;
    ``extent``: how far the sheet's values reach (``sheet_extent``); ``formulas``: {(Excel row,
    0-based column): '=formula'} of the cells holding a formula saved without its result."""

    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    total_rows: set[int] = field(default_factory=set)
    extent: SheetExtent = field(default_factory=SheetExtent)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _total_rows(archive: zipfile.ZipFile, member: str, names: set[str]) -> set[int]:
    folder, file = posixpath.split(member)
    rels_name = f"{folder}/_rels/{file}.rels"
    if rels_name not in names:
        return set()
    rows: set[int] = set()
    for rel in ElementTree.fromstring(archive.read(rels_name)):
        if not rel.get("Type", "").endswith("/table"):
            continue
        table_part = _resolve(member, rel.get("Target", ""))
        if table_part not in names:
            continue
        table = ElementTree.fromstring(archive.read(table_part))
        count = int(table.get("totalsRowCount", "0") or 0)
        match = _RANGE.fullmatch(table.get("ref", ""))
        if count and match:
            last = int(match.group(2))
            rows.update(range(last - count + 1, last + 1))
    return rows


def scan_sheets(path: str | Path, sheets: list[str]) -> dict[str, SheetScan]:
    """Error cells and table total rows of each named sheet."""
    path = Path(path)
    out: dict[str, SheetScan] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            parts = sheet_parts(archive)
            names = set(archive.namelist())
            for sheet in sheets:
                member = parts.get(sheet)
                if member is None or member not in names:
                    continue
                formulas = FormulaScanner()
                has_errors, extent = _stream_scan(archive, member, path, formulas)
                scan = SheetScan(
                    total_rows=_total_rows(archive, member, names), extent=extent, formulas=formulas.found
                )
                if has_errors:
                    scan.errors = _error_cells_of(archive, member)
                out[sheet] = scan
    except (
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        ElementTree.ParseError,
        OSError,
        EOFError,
        zlib.error,
    ) as exc:
        raise unreadable(
            path,
            f"The file is damaged: part of the workbook cannot be read ({exc}).",
            "Open it in Excel, which may offer to repair it, and save a new copy; or use a backup.",
        ) from None
    return out
