"""The workbook file: document properties, the content hash, and the zip itself.

Generation stores in ``docProps/custom.xml`` a hash of every other part it wrote. A workbook whose
parts no longer hash to that value was changed after generation (edited, signed, or saved again by
a spreadsheet program), which ``changed_since_generation`` uses to refuse overwriting it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cvm_xl.spreadsheet.xmltext import escape

CUSTOM_PART = "docProps/custom.xml"
CORE_PART = "docProps/core.xml"
APP_PART = "docProps/app.xml"
PROPERTY_PREFIX = "cvm-xl "
HASH_PROPERTY = "cvm-xl content hash"
# What every generated book records about itself (read back by ``books.read``).
CUSTOMER_ID_PROPERTY = "cvm-xl customer ID"
FINGERPRINT_PROPERTY = "cvm-xl fingerprint"
GENERATED_PROPERTY = "cvm-xl generated"
VERSION_PROPERTY = "cvm-xl version"
KIND_PROPERTY = "cvm-xl workbook"
FINGERPRINTS_PROPERTY = "cvm-xl fingerprints"
# A customer workbook's Wave start (ISO date; absent without one): the contract years its true-up
# settlements are counted in (``core.true_up``), read back when its passbook is reconciled.
WAVE_START_PROPERTY = "cvm-xl wave start"
# Values of KIND_PROPERTY.
KIND_MASTER = "master"
KIND_CUSTOMER = "customer"
KIND_SIGNOFF = "consolidated sign-off"
COMPRESSION_LEVEL = 1  # the parts are repetitive XML: level 1 is nearly as small and much faster
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def part_digest(data: bytes) -> tuple[int, int]:
    """What identifies a part's content in the hash: its CRC-32 and length, as the zip stores them."""
    return zlib.crc32(data), len(data)


def content_hash(digests: Iterable[tuple[str, tuple[int, int]]]) -> str:
    """Hash of a workbook's parts, the custom properties excluded.

    It is built from each part's name, CRC-32 and length, which the zip directory holds, so a
    workbook can be checked without inflating it. This detects edits and saves by any program;
    it is not meant to resist deliberate forgery (the sign-off fingerprint covers the content).
    """
    h = hashlib.sha256()
    for name, (crc, size) in sorted(digests):
        if name == CUSTOM_PART:
            continue
        h.update(f"{name}\0{crc:08x}\0{size}\n".encode())
    return h.hexdigest()


def custom_xml(properties: Mapping[str, str]) -> bytes:
    items = "".join(
        f'<property fmtid="{_FMTID}" pid="{pid}" name="{escape(name)}"><vt:lpwstr>{escape(value)}</vt:lpwstr>'
        "</property>"
        for pid, (name, value) in enumerate(properties.items(), start=2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"{items}</Properties>"
    ).encode()


def core_xml(*, title: str, subject: str, creator: str, when: dt.datetime) -> bytes:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        "<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:subject>{escape(subject)}</dc:subject>"
        f"<dc:creator>{escape(creator)}</dc:creator><cp:lastModifiedBy>{escape(creator)}</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    b"<Application>cvm-xl</Application><DocSecurity>0</DocSecurity></Properties>"
)


@dataclass(frozen=True)
class Entry:
    """One deflated part, ready to be placed in a zip."""

    name: bytes
    crc: int
    size: int
    data: bytes


def deflate(name: str, data: bytes, level: int = COMPRESSION_LEVEL) -> Entry:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return Entry(
        name.encode("utf-8"), zlib.crc32(data), len(data), compressor.compress(data) + compressor.flush()
    )


@dataclass(frozen=True)
class Deflated:
    """A piece of a part that many workbooks of a run share, deflated once.

    ``data`` is a deflate stream of its own ended by a sync flush: byte-aligned and not final, so
    other pieces can follow it in the same zip entry (no reference reaches across pieces).
    """

    text: str
    raw: bytes
    data: bytes

    @classmethod
    def of(cls, text: str, level: int = COMPRESSION_LEVEL) -> Deflated:
        raw = text.encode("utf-8")
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        return cls(text, raw, compressor.compress(raw) + compressor.flush(zlib.Z_SYNC_FLUSH))


Piece = bytes | Deflated


def deflate_pieces(name: str, pieces: Sequence[Piece], level: int = COMPRESSION_LEVEL) -> Entry:
    """One part from its pieces: ``Deflated`` ones are copied as they are, the bytes between them
    deflated here, each run as a stream of its own; one final empty block ends the whole."""
    plain = [piece for piece in pieces if not isinstance(piece, Deflated)]
    if len(plain) == len(pieces):
        return deflate(name, b"".join(plain), level)
    out: list[bytes] = []
    crc = size = 0
    for piece in pieces:
        raw = piece.raw if isinstance(piece, Deflated) else piece
        if isinstance(piece, Deflated):
            out.append(piece.data)
        elif piece:
            compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
            out.append(compressor.compress(piece) + compressor.flush(zlib.Z_SYNC_FLUSH))
        crc = zlib.crc32(raw, crc)
        size += len(raw)
    out.append(zlib.compressobj(level, zlib.DEFLATED, -15).flush())  # the final block
    return Entry(name.encode("utf-8"), crc, size, b"".join(out))


# 1980-01-01 00:00 in DOS format: fixed, so equal content gives equal files.
_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_UNIX_RW = 0o644 << 16


def _local(e: Entry) -> bytes:
    header = _LOCAL.pack(
        0x04034B50, 20, 0x800, 8, _DOS_TIME, _DOS_DATE, e.crc, len(e.data), e.size, len(e.name), 0
    )
    return header + e.name + e.data


def _central(e: Entry, offset: int) -> bytes:
    header = _CENTRAL.pack(0x02014B50, 0x031E, 20, 0x800, 8, _DOS_TIME, _DOS_DATE, e.crc, len(e.data), e.size,
                           len(e.name), 0, 0, 0, 0, _UNIX_RW, offset)  # fmt: skip
    return header + e.name


class ZipTemplate:
    """A zip whose leading parts are the same for every workbook: they are deflated once, and each
    workbook only deflates its own parts and appends them (plain zip, no zip64: parts < 4 GB)."""

    def __init__(self, static: Sequence[Entry]) -> None:
        locals_ = []
        centrals = []
        offset = 0
        for e in static:
            blob = _local(e)
            centrals.append(_central(e, offset))
            locals_.append(blob)
            offset += len(blob)
        self._head = b"".join(locals_)
        self._central = b"".join(centrals)
        self._count = len(static)

    def build(self, entries: Sequence[Entry]) -> bytes:
        out = [self._head]
        central = [self._central]
        offset = len(self._head)
        for e in entries:
            blob = _local(e)
            central.append(_central(e, offset))
            out.append(blob)
            offset += len(blob)
        directory = b"".join(central)
        count = self._count + len(entries)
        out.append(directory)
        out.append(_END.pack(0x06054B50, 0, 0, count, count, len(directory), offset, 0))
        return b"".join(out)


def read_custom_properties(data: bytes) -> dict[str, str]:
    """Name -> text of the custom document properties in ``docProps/custom.xml`` bytes."""

    ns = {
        "p": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
        "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    }
    out: dict[str, str] = {}
    for prop in ET.fromstring(data).findall("p:property", ns):
        value = next(iter(prop), None)
        out[prop.get("name", "")] = (value.text or "") if value is not None else ""
    return out


def changed_since_generation(path: Path) -> str | None:
    """Why the existing workbook at ``path`` must not be overwritten, or None when it is safe.

    Safe means: no file there, or a file whose parts still hash to what generation stored. Any
    other file (edited, signed, saved again by a spreadsheet program, or not made by cvm-xl)
    is reported as changed.
    """
    path = Path(path)
    if not path.exists():
        return None
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            if CUSTOM_PART not in names:
                return "it has no cvm-xl generation record (not generated by cvm-xl, or saved since)"
            stored = read_custom_properties(z.read(CUSTOM_PART)).get(HASH_PROPERTY)
            if not stored:
                return "it has no cvm-xl generation record (not generated by cvm-xl, or saved since)"
            digests = [(i.filename, (i.CRC, i.file_size)) for i in z.infolist() if not i.is_dir()]
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError):
        return "it is not a readable workbook"
    if content_hash(digests) != stored:
        return "it was changed since it was generated (edited, signed or saved again)"
    return None
