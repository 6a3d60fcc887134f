"""A small writer of Compound File Binary files ([MS-CFB] version 3), the container of vbaProject.bin.

Only what a VBA project needs: nested storages and streams, written once. Output is a pure
function of the input (no timestamps, no CLSIDs, sorted directory), so builds are reproducible.
Streams under 4096 bytes go to the mini stream as the format requires.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
_HEADER_DIFAT = 109
_ENTRIES_PER_SECTOR = SECTOR // 128
_IDS_PER_SECTOR = SECTOR // 4

FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF

_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[_Entry] = field(default_factory=list)
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = _BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def _sort_key(name: str) -> tuple[int, str]:
    # [MS-CFB] 2.6.4: shorter names first, then by upper-cased UTF-16 code units.
    return len(name), name.upper()


def _tree(entries: list[_Entry], ids: dict[int, int], depth: int, deepest: int, perfect: bool) -> int:
    """Balanced binary search tree over sorted siblings; returns the root's directory id.

    Nodes on the deepest level of an imperfect tree are red, all others black: every path from
    the root then passes the same number of black nodes, which makes it a valid red-black tree.
    """
    if not entries:
        return NOSTREAM
    mid = len(entries) // 2
    node = entries[mid]
    node.color = _RED if depth == deepest and not perfect else _BLACK
    node.left = _tree(entries[:mid], ids, depth + 1, deepest, perfect)
    node.right = _tree(entries[mid + 1 :], ids, depth + 1, deepest, perfect)
    return ids[id(node)]


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else ENDOFCHAIN


def _sectors(size: int, unit: int) -> int:
    return -(-size // unit)


class CompoundFile:
    """Build a compound file: ``add_stream("VBA/dir", data)`` creates the storages on the way."""

    def __init__(self) -> None:
        self.root = _Entry("Root Entry", _ROOT)

    def add_stream(self, path: str, data: bytes) -> None:
        *storages, name = path.split("/")
        parent = self.root
        for part in storages:
            found = next((c for c in parent.children if c.name == part and c.kind == _STORAGE), None)
            if found is None:
                found = _Entry(part, _STORAGE)
                parent.children.append(found)
            parent = found
        if any(c.name.upper() == name.upper() for c in parent.children):
            raise ValueError(f"duplicate stream name {path!r}")
        if len(name) > 31:
            raise ValueError(f"stream name {name!r} is longer than 31 characters")
        parent.children.append(_Entry(name, _STREAM, bytes(data)))

    def _entries(self) -> list[_Entry]:
        """Directory order: breadth first, siblings sorted; the root is entry 0."""
        order, queue = [self.root], [self.root]
        while queue:
            entry = queue.pop(0)
            entry.children.sort(key=lambda e: _sort_key(e.name))
            order.extend(entry.children)
            queue.extend(entry.children)
        ids = {id(e): i for i, e in enumerate(order)}
        for entry in order:
            if entry.children:
                n = len(entry.children)
                deepest = n.bit_length() - 1
                entry.child = _tree(entry.children, ids, 0, deepest, n == (1 << (deepest + 1)) - 1)
        return order

    def to_bytes(self) -> bytes:
        entries = self._entries()
        streams = [e for e in entries if e.kind == _STREAM]
        small = [e for e in streams if len(e.data) < MINI_CUTOFF]
        large = [e for e in streams if len(e.data) >= MINI_CUTOFF]

        mini_fat: list[int] = []
        mini_stream = bytearray()
        for e in small:
            e.size = len(e.data)
            if not e.data:
                e.start = ENDOFCHAIN
                continue
            count = _sectors(len(e.data), MINI_SECTOR)
            e.start = len(mini_fat)
            mini_fat.extend([0] * count)
            _chain(mini_fat, e.start, count)
            mini_stream += e.data.ljust(count * MINI_SECTOR, b"\x00")

        dir_sectors = _sectors(len(entries), _ENTRIES_PER_SECTOR)
        minifat_sectors = _sectors(len(mini_fat) * 4, SECTOR)
        ministream_sectors = _sectors(len(mini_stream), SECTOR)
        large_sectors = [_sectors(len(e.data), SECTOR) for e in large]
        payload = dir_sectors + minifat_sectors + ministream_sectors + sum(large_sectors)
        fat_sectors = 1
        while fat_sectors * _IDS_PER_SECTOR < payload + fat_sectors:
            fat_sectors += 1
        if fat_sectors > _HEADER_DIFAT:
            raise ValueError("compound file too large for a header-only DIFAT")

        total = fat_sectors + payload
        fat = [FREESECT] * (fat_sectors * _IDS_PER_SECTOR)
        for i in range(fat_sectors):
            fat[i] = FATSECT
        cursor = fat_sectors
        dir_start = cursor
        _chain(fat, cursor, dir_sectors)
        cursor += dir_sectors
        minifat_start = cursor if minifat_sectors else ENDOFCHAIN
        _chain(fat, cursor, minifat_sectors)
        cursor += minifat_sectors
        self.root.start = cursor if ministream_sectors else ENDOFCHAIN
        self.root.size = len(mini_stream)
        _chain(fat, cursor, ministream_sectors)
        cursor += ministream_sectors
        for e, count in zip(large, large_sectors, strict=True):
            e.start, e.size = cursor, len(e.data)
            _chain(fat, cursor, count)
            cursor += count
        assert cursor == total

        header = bytearray(SECTOR)
        struct.pack_into(
            "<8s16sHHHHH6sIIIIIIIII",
            header,
            0,
            bytes.fromhex("D0CF11E0A1B11AE1"),
            b"\x00" * 16,
            0x003E,  # minor version
            0x0003,  # major version 3: 512-byte sectors
            0xFFFE,  # little-endian byte order mark
            9,  # sector shift: 2**9 = 512
            6,  # mini sector shift: 2**6 = 64
            b"\x00" * 6,
            0,  # directory sectors (always 0 in version 3)
            fat_sectors,
            dir_start,
            0,  # transaction signature
            MINI_CUTOFF,
            minifat_start,
            minifat_sectors,
            ENDOFCHAIN,  # no DIFAT sectors
            0,
        )
        difat = [*range(fat_sectors), *[FREESECT] * (_HEADER_DIFAT - fat_sectors)]
        struct.pack_into(f"<{_HEADER_DIFAT}I", header, 76, *difat)

        directory = bytearray()
        for e in entries:
            directory += _direntry(e)
        directory += _empty_direntry() * (dir_sectors * _ENTRIES_PER_SECTOR - len(entries))

        body = bytearray(header)
        body += struct.pack(f"<{len(fat)}I", *fat)
        body += directory
        mini_fat_padded = mini_fat + [FREESECT] * (minifat_sectors * _IDS_PER_SECTOR - len(mini_fat))
        body += struct.pack(f"<{len(mini_fat_padded)}I", *mini_fat_padded)
        body += bytes(mini_stream).ljust(ministream_sectors * SECTOR, b"\x00")
        for e, count in zip(large, large_sectors, strict=True):
            body += e.data.ljust(count * SECTOR, b"\x00")
        assert len(body) == (total + 1) * SECTOR
        return bytes(body)


def _direntry(e: _Entry) -> bytes:
    encoded = e.name.encode("utf-16-le")
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded,
        len(encoded) + 2,  # includes the terminating null
        e.kind,
        e.color,
        e.left,
        e.right,
        e.child,
        b"\x00" * 16,
        0,  # state bits
        0,  # creation time
        0,  # modified time
        e.start if e.kind != _STORAGE else 0,
        e.size if e.kind != _STORAGE else 0,
    )


def _empty_direntry() -> bytes:
    return struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"", 0, 0, 0, 0, 0)
