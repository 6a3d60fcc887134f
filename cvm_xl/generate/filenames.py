"""File names for customer workbooks (SPEC §7) that are valid on Windows, macOS and Linux file systems
and read as they are (no invisible or direction-changing characters)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

MAX_STEM_BYTES = 120  # well under the 255-byte limit of common file systems, leaving room for paths
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_SPACES = re.compile(r"\s+")
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{i}" for i in range(10)}
    | {f"LPT{i}" for i in range(10)}
    | {f"COM{c}" for c in "¹²³"}
    | {f"LPT{c}" for c in "¹²³"}
)


def _visible(text: str) -> str:
    """``text`` without invisible format characters (Unicode category Cf): the bidi controls
    U+202A-U+202E and U+2066-U+2069 that make a name display reversed (``invoice\u202excod.xlsx``
    shows as ``invoicexlsx.doc``), zero-width spaces and joiners U+200B-U+200F, U+2060, U+FEFF, the
    soft hyphen ... A file name should read as it is."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def safe_part(text: str) -> str:
    """Text with invisible format characters dropped, characters no file system accepts replaced
    by '_' and whitespace collapsed."""
    text = _SPACES.sub(" ", _visible(unicodedata.normalize("NFC", text)))
    return _FORBIDDEN.sub("_", text).strip()


def _truncate(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore").rstrip()


def safe_stem(text: str, limit: int = MAX_STEM_BYTES) -> str:
    """A file name stem: no forbidden characters, no trailing dot or space, not a reserved device name."""
    stem = _truncate(safe_part(text), limit).rstrip(" .")
    stem = stem.lstrip(" ")
    if not stem:
        stem = "customer"
    if stem.split(".")[0].upper().rstrip() in _RESERVED:
        stem = "_" + stem
    return stem


def customer_file_name(customer_id: str, name: str | None, suffix: str = ".xlsx") -> str:
    """'C-AUT Orvane Automotive Group.xlsx' from the customer's ID and name."""
    text = str(customer_id).strip()
    if name and str(name).strip() and str(name).strip() != text:
        text = f"{text} {str(name).strip()}"
    return safe_stem(text) + suffix


def unique_file_names(customers: Iterable[tuple[str, str | None]], suffix: str = ".xlsx") -> dict[str, str]:
    """Customer ID -> file name, distinct even on case-insensitive file systems.

    Two customers whose names clean up to the same file name get a short hash of their ID added.
    """
    pairs = list(customers)
    names = {cid: customer_file_name(cid, name, suffix) for cid, name in pairs}
    seen: dict[str, int] = {}
    for file in names.values():
        key = file.casefold()
        seen[key] = seen.get(key, 0) + 1
    out: dict[str, str] = {}
    for cid, file in names.items():
        if seen[file.casefold()] > 1:
            tag = hashlib.sha256(str(cid).encode("utf-8")).hexdigest()[:6]
            stem = file[: -len(suffix)] if suffix and file.endswith(suffix) else file
            file = f"{_truncate(stem, MAX_STEM_BYTES - 7)} {tag}{suffix}"
        out[cid] = file
    return out
