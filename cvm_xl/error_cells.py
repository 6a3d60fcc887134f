"""Excel error values (#DIV/0!, #N/A ...) in a workbook's sheets.

The fast cell reader shows an error cell as a blank one, so the sheet XML is searched for
error-typed cells instead. A sheet without any is ruled out by a plain byte search of the
streamed XML; only a sheet that has some is parsed, also streamed, so memory stays bounded.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

from .files import MAX_ENTRY_BYTES, unreadable

_CHUNK = 1024 * 1024
_MARKERS = (b't="e"', b"t='e'")
_CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")
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
            seam = tail + chunk[:8]  # a marker split between two chunks
            if any(marker in chunk or marker in seam for marker in _MARKERS):
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


def error_cells(path: str | Path, sheets: list[str]) -> dict[str, dict[tuple[int, int], str]]:
    """For each named sheet: {(Excel row, 0-based column): error text} of its error-valued cells."""
    path = Path(path)
    out: dict[str, dict[tuple[int, int], str]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            parts = sheet_parts(archive)
            for sheet in sheets:
                member = parts.get(sheet)
                if member is None or member not in archive.namelist():
                    continue
                if _has_error_cells(archive, member, path):
                    out[sheet] = _error_cells_of(archive, member)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, EOFError, zlib.error) as exc:
        raise unreadable(
            path,
            f"The file is damaged: part of the workbook cannot be read ({exc}).",
            "Open it in Excel, which may offer to repair it, and save a new copy; or use a backup.",
        ) from None
    return out
