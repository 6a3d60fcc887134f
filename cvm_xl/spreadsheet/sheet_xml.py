"""What the fast cell reader does not tell about a sheet, read from the workbook's XML.

- Excel error values (#DIV/0!, #N/A ...): the reader shows an error cell as a blank one. A sheet
  without any is ruled out by a plain byte search of its streamed XML; only a sheet that has some
  is parsed, also streamed, so memory stays bounded.
- The total rows of Excel Tables ("Total Row" in Excel): a sum under a table is not a record.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from cvm_xl.spreadsheet.files import MAX_ENTRY_BYTES, unreadable

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


def _has_error_cells(archive: zipfile.ZipFile, member: str, path: Path) -> bool:
    seen = 0
    tail = b""
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
            if _ERROR_TYPE.search(chunk) or _ERROR_TYPE.search(tail + chunk[:8]):  # also across chunks
                return True
            tail = chunk[-8:]
    return False


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
    """``errors``: {(Excel row, 0-based column): error text}; ``total_rows``: Excel rows of table totals."""

    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    total_rows: set[int] = field(default_factory=set)


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
                scan = SheetScan(total_rows=_total_rows(archive, member, names))
                if _has_error_cells(archive, member, path):
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
