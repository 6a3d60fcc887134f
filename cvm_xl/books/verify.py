"""Verifying a sign-off fingerprint (SPEC §3.8): recompute it from a workbook's inputs and compare.

The signed ideas are those the sign-off sheet listed at generation (the hidden Record sheet's
sign-off ranks; in the consolidated sign-off the Detail sheet's; in a master the ideas its
Sign-offs sheet recorded at the last import). Their signed fields are recomputed by the core from
the inputs as they are now, so any change to a signed field changes the fingerprint, while a
change the sign-off does not cover (a status, a tracking row, formatting) does not.

Every change since generation is listed by idea and field with the value as generated (the Record
sheet) and the value now; ``signed`` tells whether the field is on the sign-off sheet.

Ideas in a bundle (issue 15) are recomputed as the core judges and shares them, as one: a change to
one member moves the bundle's transfer, so every member whose share of it changed is listed too.

The wave each idea was signed in (issue 14) is part of what was signed: it is read with the signed
ideas (the Record sheet's sign-off waves; a master's "Signed ideas" text), never recomputed, so a
later wave added to the master does not move a fingerprint signed before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import pandas as pd

from cvm_xl.books import layout as L
from cvm_xl.books.read import KIND_CUSTOMER, RECORD_FIGURES, BookContent, Record, canonical_value, key
from cvm_xl.core import columns as col
from cvm_xl.core.fingerprint import SIGNED_FIELDS, SIGNED_WAVE, fingerprint
from cvm_xl.core.settings import Settings

IDEA = "(idea)"
SETTINGS = "(settings)"
FINGERPRINT_SHOWN = "(fingerprint shown)"
# Fields compared with the Record sheet: every input the customer workbook shows, then the figures.
COMPARED_FIELDS = (
    *(name for name in col.IDEA_INPUTS if name not in (col.IDEA_ID, col.OUT_OF_BOUNDS)),
    *RECORD_FIGURES,
)
# A bundle member's Bundle ID is signed too (``core.fingerprint``).
_SIGNED = frozenset(SIGNED_FIELDS)


class FieldChange(NamedTuple):
    """One field of one idea that differs from the workbook as generated."""

    customer_id: str
    idea_id: str
    field: str
    old: object
    new: object
    signed: bool  # the field is on the sign-off sheet (the change moves the fingerprint)


class CustomerCheck(NamedTuple):
    """The fingerprint of one customer's sign-off: as stored, as recomputed, and what changed."""

    customer_id: str
    name: str | None
    stored: str
    recomputed: str
    shown: str | None  # the fingerprint printed on the Sign-off sheet (customer workbooks)
    changes: tuple[FieldChange, ...]

    @property
    def ok(self) -> bool:
        return bool(self.stored) and self.recomputed == self.stored and self.shown in (None, self.stored)


class Verification(NamedTuple):
    book: BookContent
    checks: tuple[CustomerCheck, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def signed_records(
    ideas: pd.DataFrame, signed_ids: Iterable[str], waves: Mapping[str, int] | None = None
) -> list[dict[str, object]]:
    """The signed fields of the signed ideas (a member's Bundle ID included) and, from ``waves``
    (Idea ID -> the wave it was signed in), each one's wave; an idea no longer in ``ideas`` has only
    its ID and wave."""
    present = [name for name in SIGNED_FIELDS if name in ideas.columns and name != SIGNED_WAVE]
    # into=dict is pandas' default; naming it types the records by column name (pandas-stubs
    # otherwise key them by any Hashable), here and below.
    by_id = {key(r[col.IDEA_ID]): r for r in ideas[present].to_dict("records", into=dict)}
    signed = waves or {}
    return [{**by_id.get(i, {col.IDEA_ID: i}), SIGNED_WAVE: signed.get(i)} for i in signed_ids]


def signed_fingerprint(
    ideas: pd.DataFrame,
    signed_ids: Iterable[str],
    settings: Settings,
    waves: Mapping[str, int] | None = None,
) -> str:
    """The fingerprint of the signed ideas as ``ideas`` (evaluated, §4 names) holds them now, each
    in the wave ``waves`` says it was signed in."""
    return fingerprint(signed_records(ideas, signed_ids, waves), settings)


def _by_id(frame: pd.DataFrame) -> dict[str, Mapping[str, object]]:
    return {key(r[col.IDEA_ID]): r for r in frame.to_dict("records", into=dict)}


def idea_changes(
    customer_id: str, before: pd.DataFrame, now: pd.DataFrame, signed_ids: Sequence[str]
) -> list[FieldChange]:
    """Every field that differs between the ideas as generated and now, in the order of ``now``
    (ideas no longer there last); an idea added or removed is one change of field ``(idea)``."""
    old, new = _by_id(before), _by_id(now)
    signed = set(signed_ids)
    out: list[FieldChange] = []
    for idea in [*new, *(i for i in old if i not in new)]:
        on_sheet = idea in signed
        if idea not in old:
            out.append(FieldChange(customer_id, idea, IDEA, None, "added", False))
            continue
        if idea not in new:
            out.append(FieldChange(customer_id, idea, IDEA, "present", "removed", on_sheet))
            continue
        for name in COMPARED_FIELDS:
            if name not in old[idea] or name not in new[idea]:
                continue
            a, b = old[idea][name], new[idea][name]
            if canonical_value(name, a) != canonical_value(name, b):
                out.append(FieldChange(customer_id, idea, name, a, b, on_sheet and name in _SIGNED))
    return out


TRACKING_ROW = "Tracking row"
TRACKING_FIELDS = L.TRACKING_FIELDS  # one home: the Tracking sheet's layout


def _amount(value: object) -> str:
    text = canonical_value("Supplier realised", value)
    return "blank" if not text else f"{float(text):,.2f}".removesuffix(".00")


def tracking_row_text(row: Mapping[str, object]) -> str:
    """'2026-06-01: supplier 700, customer 2,100 (Trial width)' for listings."""
    month = canonical_value("Month", row.get("Month")) or "no month"
    amounts = (
        f"supplier {_amount(row.get('Supplier realised'))}, customer {_amount(row.get('Customer realised'))}"
    )
    note = canonical_value("Note", row.get("Note"))
    return f"{month}: {amounts}" + (f" ({note})" if note else "")


def _tracking_key(row: Mapping[str, object]) -> tuple[str, ...]:
    return (key(row.get(col.IDEA_ID)), *(canonical_value(n, row.get(n)) for n in TRACKING_FIELDS))


def tracking_changes(customer_id: str, before: pd.DataFrame, now: pd.DataFrame) -> list[FieldChange]:
    """Tracking rows added or removed since generation (a changed row is one of each)."""
    old = [_tracking_key(r) for r in before.to_dict("records", into=dict)]
    remaining = list(old)
    out: list[FieldChange] = []
    for row in now.to_dict("records", into=dict):
        k = _tracking_key(row)
        if k in remaining:
            remaining.remove(k)
        else:
            out.append(FieldChange(customer_id, k[0], TRACKING_ROW, None, tracking_row_text(row), False))
    gone = [r for r, k in zip(before.to_dict("records", into=dict), old, strict=True) if k in remaining]
    for row in gone:
        remaining.remove(_tracking_key(row))
        out.append(FieldChange(customer_id, key(row.get(col.IDEA_ID)), TRACKING_ROW, tracking_row_text(row),
                               None, False))  # fmt: skip
    return out


def _customer_record(record: Record, customer_id: str) -> pd.DataFrame:
    ideas = record.ideas
    return ideas[ideas[col.CUSTOMER_ID].map(key) == customer_id]


def check_customer(book: BookContent, customer_id: str) -> CustomerCheck:
    """Recompute one customer's fingerprint from the book's inputs and list what changed."""
    settings = book.settings
    signed_ids = book.signed_ids.get(customer_id, ())
    waves = book.signed_waves.get(customer_id, {})
    now = book.customer_ideas(customer_id)
    stored = book.stored.get(customer_id, "")
    recomputed = signed_fingerprint(now, signed_ids, settings, waves)
    changes: list[FieldChange] = []
    shown = book.shown_fingerprint if book.kind == KIND_CUSTOMER else None
    if book.record is not None:
        before = _customer_record(book.record, customer_id)
        changes = idea_changes(customer_id, before, now, signed_ids)
        if book.kind == KIND_CUSTOMER:
            changes += tracking_changes(customer_id, book.record.tracking, book.tracking)
        as_generated = signed_fingerprint(before, signed_ids, settings, waves)
        if book.kind == KIND_CUSTOMER and stored and as_generated != stored:
            # The ideas as generated no longer give the stored fingerprint with these settings.
            changes.insert(0, FieldChange(customer_id, "", SETTINGS, "as generated", "changed", True))
    if shown is not None and stored and shown != stored:
        changes.insert(0, FieldChange(customer_id, "", FINGERPRINT_SHOWN, stored, shown, True))
    return CustomerCheck(
        customer_id, book.customers.get(customer_id), stored, recomputed, shown, tuple(changes)
    )


def verify_book(book: BookContent) -> Verification:
    """Every fingerprint the book stores, checked (customers in the book's order)."""
    ids = [cid for cid in book.customers if cid in book.stored]
    return Verification(book, tuple(check_customer(book, cid) for cid in ids))
