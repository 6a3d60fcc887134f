"""The MS-OVBA compression (section 2.4.1) used for the ``dir`` stream and every module's source.

A compressed container is a signature byte 0x01 followed by chunks; each chunk holds at most
4096 bytes of the input as literals and back-references (copy tokens) into that same chunk.
Greedy longest-match search over a 3-byte hash keeps it fast and deterministic.
"""

from __future__ import annotations

CHUNK = 4096
_SIGNATURE = b"\x01"
_MIN_MATCH = 3
_CANDIDATES = 256  # most recent positions tried per match: bounds the time on repetitive text


def bit_count(position_in_chunk: int) -> int:
    """Bits of a copy token spent on the offset at this position of the decompressed chunk."""
    return max((position_in_chunk - 1).bit_length(), 4)


def max_length(position_in_chunk: int) -> int:
    """Longest copy a token can express at this position: (0xFFFF >> bit_count) + 3."""
    return (0xFFFF >> bit_count(position_in_chunk)) + 3


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    pos, n = 0, len(chunk)
    while pos < n:
        flag_index = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            best_len, best_off = 0, 0
            if pos >= 1:
                limit = min(max_length(pos), n - pos)
                for start in reversed(heads.get(chunk[pos : pos + _MIN_MATCH], [])[-_CANDIDATES:]):
                    length = 0
                    while length < limit and chunk[start + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - start
                        if length == limit:
                            break
            if best_len >= _MIN_MATCH:
                bits = bit_count(pos)
                token = ((best_off - 1) << (16 - bits)) | (best_len - _MIN_MATCH)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                step = best_len
            else:
                out.append(chunk[pos])
                step = 1
            for p in range(pos, min(pos + step, n - _MIN_MATCH + 1)):
                heads.setdefault(chunk[p : p + _MIN_MATCH], []).append(p)
            pos += step
        out[flag_index] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """A CompressedContainer holding ``data``."""
    out = bytearray(_SIGNATURE)
    for start in range(0, len(data), CHUNK):
        chunk = data[start : start + CHUNK]
        body = _compress_chunk(chunk)
        if len(body) <= CHUNK:
            header = 0xB000 | (len(body) + 2 - 3)  # flag 1, signature 0b011, size - 3
        else:
            # Incompressible: a raw chunk always carries 4096 bytes (padded at the very end).
            body = chunk.ljust(CHUNK, b"\x00")
            header = 0x3000 | (CHUNK + 2 - 3)
        out += header.to_bytes(2, "little") + body
    return bytes(out)
