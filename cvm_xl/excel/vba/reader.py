"""Reading the VBA source of a macro workbook (.xlsm) without Excel: the counterpart of ``project``.

``vbaProject.bin`` is a compound file (read with olefile); its ``dir`` stream lists each module's
stream and the offset of the module's compressed source in it (MS-OVBA 2.3.4.2); the source is
MS-OVBA-compressed (2.4.1). ``cvm-xl doctor`` reads the xlwings module's ``XLWINGS_VERSION`` this
way, from the template or a master made from it, whatever Excel saved beside the source.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import olefile

from cvm_xl.excel.vba.compression import CHUNK, bit_count

_PROJECTVERSION = 0x0009  # the one record whose size field (4) is not its length (6)
_MODULENAME, _MODULESTREAMNAME, _MODULEOFFSET, _MODULE_END = 0x0019, 0x001A, 0x0031, 0x002B
VBA_PART = "xl/vbaProject.bin"


def decompress(data: bytes) -> bytes:
    """An MS-OVBA compressed container (2.4.1.3.1) decompressed."""
    if not data or data[0] != 0x01:
        raise ValueError("not an MS-OVBA compressed container (no signature byte 0x01)")
    out = bytearray()
    pos = 1
    while pos + 2 <= len(data):
        header = int.from_bytes(data[pos : pos + 2], "little")
        end = min(pos + (header & 0x0FFF) + 3, len(data))
        pos += 2
        if not header & 0x8000:  # a raw chunk: 4096 literal bytes
            out += data[pos : pos + CHUNK]
            pos += CHUNK
            continue
        start = len(out)
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags >> bit & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                token = int.from_bytes(data[pos : pos + 2], "little")
                pos += 2
                bits = bit_count(len(out) - start)
                offset, length = (token >> (16 - bits)) + 1, (token & (0xFFFF >> bits)) + 3
                for _ in range(length):
                    out.append(out[-offset])
    return bytes(out)


def _module_streams(directory: bytes) -> dict[str, tuple[str, int]]:
    """Module name -> (stream name, source offset), from the decompressed ``dir`` stream."""
    modules: dict[str, tuple[str, int]] = {}
    name = stream = ""
    offset = 0
    pos = 0
    while pos + 6 <= len(directory):
        record = int.from_bytes(directory[pos : pos + 2], "little")
        size = int.from_bytes(directory[pos + 2 : pos + 6], "little")
        if record == _PROJECTVERSION:
            size = 6
        data = directory[pos + 6 : pos + 6 + size]
        pos += 6 + size
        if record == _MODULENAME:
            name = data.decode("cp1252")
        elif record == _MODULESTREAMNAME:
            stream = data.decode("cp1252")
        elif record == _MODULEOFFSET:
            offset = int.from_bytes(data, "little")
        elif record == _MODULE_END and name:
            modules[name] = (stream or name, offset)
            name = stream = ""
    return modules


def vba_sources(path: Path) -> dict[str, str]:
    """Every module's source text in the workbook at ``path`` (empty for a workbook without macros).

    Raises OSError, zipfile.BadZipFile or ValueError for a file that is not a readable workbook."""
    with zipfile.ZipFile(path) as archive:
        if VBA_PART not in archive.namelist():
            return {}
        project = archive.read(VBA_PART)
    with olefile.OleFileIO(io.BytesIO(project)) as ole:
        modules = _module_streams(decompress(ole.openstream("VBA/dir").read()))
        return {
            name: decompress(ole.openstream(f"VBA/{stream}").read()[offset:]).decode("cp1252")
            for name, (stream, offset) in modules.items()
        }
