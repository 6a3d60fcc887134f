"""Sign-off fingerprint (SPEC §3.8): a short hash of what both firms signed.

The fingerprint is computed from values, never from formatting: money is rounded to cents, dates
are ISO dates, text is trimmed and Unicode-normalised, and the ideas are taken in Idea ID order.
So a workbook opened and saved unchanged by a spreadsheet program keeps its fingerprint, while a
change to any signed field (or to a setting that produced the figures) changes it.

An idea signed as a member of a bundle (issue 15: ideas judged, signed off and shared as one) adds
its Bundle ID to its line, after the fields of ``FINGERPRINT_FIELDS``; an idea outside a bundle
adds nothing. So every sign-off made without bundles keeps the fingerprint it was signed with, and
moving an idea into a bundle (or out of one, or into another) changes it.

An idea signed in a wave after the first (issue 14: a customer's waves 2…n each have a sign-off
list) adds that wave: its line then holds its Bundle ID (blank outside a bundle) and the wave
number, so it is never read as a bundle's line. The wave is the one whose list the idea is on
(``SIGNED_WAVE``: ``core.selection``'s wave, a blank Wave cell already resolved), read from a
signed idea's record; wave 1 (or none) adds nothing. So every fingerprint of a customer with one
wave, and of the first wave's ideas, is the one signed before waves existed, while moving a signed
idea into another wave changes it. One fingerprint covers all the waves of a workbook.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import SupportsFloat, SupportsIndex

import pandas as pd

from cvm_xl.core import columns as col
from cvm_xl.core.bundles import bundle_key
from cvm_xl.core.settings import Settings
from cvm_xl.core.values import is_blank
from cvm_xl.core.waves import wave_number

VERSION = "cvm-xl sign-off v1"
# The signed fields of one idea, in their canonical order.
FINGERPRINT_FIELDS = (
    col.IDEA_ID,
    col.TITLE,
    col.OWNER_FIRM,
    col.OWNER,
    col.START,
    col.END,
    col.SUPPLIER_VALUE,
    col.CUSTOMER_VALUE,
    col.TRANSFER,
    col.SPLIT_METHOD,
)
# A member's bundle, in the line of a signed idea only when it is not blank (see the module docstring).
BUNDLE_FIELD = col.BUNDLE
# The wave whose sign-off list the idea is on, in its line only from wave 2 (see the module docstring).
SIGNED_WAVE = "Sign-off wave"
FIRST_SIGNED_WAVE = 2  # waves before it add nothing to a line
# What the record of a signed idea holds: the fingerprint fields, its bundle and its wave.
SIGNED_FIELDS = (*FINGERPRINT_FIELDS, BUNDLE_FIELD, SIGNED_WAVE)
MONEY_FIELDS = frozenset({col.SUPPLIER_VALUE, col.CUSTOMER_VALUE, col.TRANSFER})
DATE_FIELDS = frozenset({col.START, col.END})
# The settings that produce the signed figures (value, outcome, verdict, split, selection).
FINGERPRINT_SETTINGS = (
    "supplier", "currency", "horizon_years", "discount_rate", "indifference_threshold",
    "significance_threshold", "max_one_sided_loss", "target_supplier_share", "max_sign_off_ideas",
)  # fmt: skip
MONEY_SETTINGS = frozenset({"indifference_threshold", "significance_threshold", "max_one_sided_loss"})
_CENT = Decimal("0.01")


def _missing(x: object) -> bool:
    """None, NaN, NaT, pd.NA; text is never missing here (each canonical form trims it itself)."""
    return not isinstance(x, str) and is_blank(x)


def _float(x: object) -> float:
    """``float(x)`` for what it accepts (text, Python, numpy and Decimal numbers), typed: anything
    else is the TypeError ``float`` itself raises."""
    if isinstance(x, str | bytes | SupportsFloat | SupportsIndex):
        return float(x)
    raise TypeError(f"float() argument must be a string or a real number, not {type(x).__name__!r}")


def canonical_money(x: object) -> str:
    """'1234.50' for 1234.4999999 or '1,234.5'; '' for a blank. Half-cents round away from zero."""
    if _missing(x) or (isinstance(x, str) and not x.strip()):
        return ""
    value = Decimal(repr(_float(x))) if not isinstance(x, str) else Decimal(x.strip().replace(",", ""))
    cents = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    return "0.00" if cents == 0 else f"{cents:f}"


def canonical_number(x: object) -> str:
    """A plain number with up to 12 significant digits (what survives any spreadsheet round trip)."""
    if _missing(x):
        return ""
    value = _float(x)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return format(value, ".12g")


def canonical_date(x: object) -> str:
    """'2026-03-01' from a date, a datetime (time ignored), a Timestamp or ISO text; '' for a blank."""
    if _missing(x):
        return ""
    if isinstance(x, dt.datetime):  # includes pandas Timestamp
        return x.date().isoformat()
    if isinstance(x, dt.date):
        return x.isoformat()
    text = str(x).strip()
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return text


def canonical_text(x: object) -> str:
    if _missing(x):
        return ""
    if isinstance(x, float) and x == int(x):
        x = int(x)  # an ID typed as 12 and read back as 12.0 is still "12"
    return unicodedata.normalize("NFC", str(x)).strip()


def _field(name: str, value: object) -> str:
    if name in MONEY_FIELDS:
        return canonical_money(value)
    if name in DATE_FIELDS:
        return canonical_date(value)
    text = canonical_text(value)
    return text.lower() if name == col.SPLIT_METHOD else text


def canonical_settings(settings: Settings) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in FINGERPRINT_SETTINGS:
        value = getattr(settings, name)
        if name in MONEY_SETTINGS:
            out[name] = canonical_money(value)
        elif isinstance(value, str):
            out[name] = canonical_text(value)
        else:
            out[name] = canonical_number(value)
    return out


def _records(ideas: pd.DataFrame | Iterable[Mapping[str, object]]) -> Sequence[Mapping[str, object]]:
    if isinstance(ideas, pd.DataFrame):
        present = [name for name in SIGNED_FIELDS if name in ideas.columns]
        # into=dict is pandas' default; naming it types the records by their (text) column names.
        records: list[dict[str, object]] = ideas[present].to_dict("records", into=dict)
        return records
    return list(ideas)


def _line(record: Mapping[str, object]) -> list[str]:
    line = [_field(name, record.get(name)) for name in FINGERPRINT_FIELDS]
    bundle = bundle_key(record.get(BUNDLE_FIELD))  # as the members are grouped by it
    wave = wave_number(record.get(SIGNED_WAVE))
    if wave is not None and wave >= FIRST_SIGNED_WAVE:
        return [*line, bundle, str(wave)]  # the bundle's place kept, so a wave is never a Bundle ID
    return [*line, bundle] if bundle else line


def canonical_lines(ideas: pd.DataFrame | Iterable[Mapping[str, object]]) -> list[list[str]]:
    """Each signed idea as its canonical field texts, in Idea ID order (a bundle member's Bundle ID,
    then a wave from 2 on, last)."""
    lines = [_line(record) for record in _records(ideas)]
    lines.sort(key=lambda line: line[0])
    return lines


def canonical_sign_off(ideas: pd.DataFrame | Iterable[Mapping[str, object]], settings: Settings) -> str:
    """The exact text that is hashed: version, settings and the signed ideas, as compact JSON."""
    payload = {
        "version": VERSION,
        "settings": canonical_settings(settings),
        "fields": list(FINGERPRINT_FIELDS),
        "ideas": canonical_lines(ideas),
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def format_fingerprint(hex_digest: str) -> str:
    """First 16 hex characters, upper case, in groups of four: '3F2A-91C0-5B7E-0D44'."""
    head = hex_digest[:16].upper()
    return "-".join(head[i : i + 4] for i in range(0, 16, 4))


def fingerprint(ideas: pd.DataFrame | Iterable[Mapping[str, object]], settings: Settings) -> str:
    """Fingerprint of a sign-off: the signed ideas (§4 column names, e.g. a ``Selection.ideas``
    frame or mappings read back from a workbook) and the settings that produced their values."""
    digest = hashlib.sha256(canonical_sign_off(ideas, settings).encode("utf-8")).hexdigest()
    return format_fingerprint(digest)
