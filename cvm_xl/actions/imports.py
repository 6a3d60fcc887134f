"""Folding returned customer workbooks back into the master (``cvm-xl import``).

Planning is pure: ``plan_import`` compares, field by field, the workbook as generated (its hidden
Record sheet), the workbook as returned and the master as it is now:

* changed only in the workbook: the change is folded into the master;
* changed in both (to different values): a **conflict**; nothing is changed for that idea;
* changed only in the master, or to the same value in both: nothing to do.

What the customer may change is folded back: Status, Owner firm, Owner, Start and End of each idea,
tracking rows (added or changed; a row deleted in the workbook is kept in the master) and the
signatories on the Sign-off sheet (recorded in the master's Sign-offs sheet). Every other idea input
(values, sharing, Yes/No flags, title, description, category, the Bundle an idea is judged and shared
in, True-up) changes the signed figures or what the firms settle: such changes, and ideas added in
the workbook, are listed and applied only with ``apply_values``. A change to a bundle's member
moves the whole bundle's figures, so the master's computed cells of every idea whose figures move
are refreshed, not only those of the idea changed.

``apply_imports`` writes all plans in one update of the master (a timestamped backup first, an
atomic replace), records every item in the master's ``Import log`` sheet, and rewrites its
Passbook sheet. An import that changes nothing writes nothing (no backup, no log, no Passbook), so
importing the same workbook twice changes nothing the second time.

Two rules need what the master remembers of earlier imports (the ``Import log``):

* **An older copy.** The log keeps the generation stamp of every workbook imported. A workbook
  generated before the newest one already imported for its customer is an older copy: whatever
  it would change in the master is a conflict, never applied (the newer workbook speaks for the
  customer), and a tracking row it adds for a month the master already has a different row for is
  a conflict too, where for a current workbook it is the row imported before.
* **Rows with nowhere to go.** A tracking row for an idea the master does not hold is not
  imported; it is counted, with its cell in the workbook, and the import ends with exit code 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple, cast

import pandas as pd

from cvm_xl.books import layout as L
from cvm_xl.books.passbook import write_passbook_sheet
from cvm_xl.books.read import (
    FINGERPRINT_GENERATED,
    IMPORT_LOG_COLUMNS,
    IMPORT_LOG_SHEET,
    KIND_CUSTOMER,
    SIGN_OFF_COLUMNS,
    SIGN_OFFS_SHEET,
    SIGNATORY_COLUMNS,
    SIGNED_IDEAS,
    WORKBOOK_GENERATED,
    BookContent,
    canonical_value,
    key,
    signed_ideas_text,
)
from cvm_xl.books.verify import signed_fingerprint
from cvm_xl.core import columns as col
from cvm_xl.core.problems import Problem, WorkbookError
from cvm_xl.core.spellings import plural
from cvm_xl.core.values import is_blank
from cvm_xl.master.lock import writing
from cvm_xl.master.model import Master
from cvm_xl.master.read import load_master
from cvm_xl.master.save import restore_backup
from cvm_xl.master.schema import IDEAS, TRACKING
from cvm_xl.master.update import CellChange, update_master

FOLDED_FIELDS = (col.STATUS, col.OWNER_FIRM, col.OWNER, col.START, col.END)
VALUE_FIELDS = (
    col.TITLE, col.DESCRIPTION, col.CATEGORY, *col.VALUE_INPUTS, col.QUANTIFIED, col.GOOD_FAITH,
    col.ONE_OFF, col.SHARING_METHOD, col.SUPPLIER_SHARE, col.BUNDLE, col.TRUE_UP,
)  # fmt: skip
TRACKING_FIELDS = L.TRACKING_FIELDS  # one home: the Tracking sheet's layout (Kind included, issue 14)

# What an item is.
IDEA_FIELD, VALUE_INPUT, NEW_IDEA, IDEA_ROW = "idea field", "value input", "new idea", "idea"
TRACKING_ROW, TRACKING_CHANGE, SIGN_OFF, SUMMARY = "tracking row", "tracking value", "sign-off", "import"
# What became of it.
APPLIED = "applied"
HELD = "not applied: changes the signed figures (use --apply-values)"
CONFLICT = "conflict: changed in the master and in the workbook"
STALE = "conflict: an older copy of the workbook than the one imported last"
BLOCKED = "not applied: this idea has a conflict"
KEPT = "kept in the master (deleted in the workbook)"
SKIPPED = "not imported"
UNMATCHED = "not imported: the master has no such idea"
RECORDED = "recorded"
NOTE = "note"
# What a dry run says instead: nothing is written, so nothing "is applied".
WOULD = {APPLIED: "would apply", RECORDED: "would record"}


class BookRefusedError(WorkbookError):
    """The workbook cannot be imported into this master at all (wrong kind, wrong customer)."""


class Item(NamedTuple):
    """One thing found in a returned workbook and what the import does with it.

    ``sheet``/``row`` address the master cell that an applied change writes (None for appended rows
    and notes); ``base`` is the value as generated, ``master`` the master's value before the import.
    ``where`` is the cell of the returned workbook that holds it ('Tracking!A12'), where that is what
    the user needs to act on (a row the import cannot place).
    """

    customer_id: str
    idea_id: str
    what: str
    field: str
    base: object
    master: object
    book: object
    result: str
    detail: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    where: str = ""

    @property
    def conflict(self) -> bool:
        return self.result in (CONFLICT, STALE)

    def outcome(self, dry_run: bool = False) -> str:
        """What became of it, as the terminal and the Import log say it: 'applied', 'conflict: ...
        (detail)'; 'would apply' in a dry run."""
        result = WOULD.get(self.result, self.result) if dry_run else self.result
        detail = "; ".join(d for d in (self.where, self.detail) if d)
        return result + (f" ({detail})" if detail else "")


@dataclass
class BookImport:
    """The plan for one returned workbook: every item, and the rows it appends to master sheets."""

    book: BookContent
    customer_id: str
    items: list[Item] = field(default_factory=list)
    appends: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    fingerprint_stored: str = ""
    fingerprint_now: str = ""
    # Computed cells of the master refreshed for ideas whose values changed: (Excel row, column, value).
    computed: list[tuple[int, str, object]] = field(default_factory=list)
    # Why the workbook is an older copy than the one imported last ("" when it is not).
    stale: str = ""

    @property
    def conflicts(self) -> list[Item]:
        return [i for i in self.items if i.conflict]

    @property
    def applied(self) -> list[Item]:
        return [i for i in self.items if i.result in (APPLIED, RECORDED)]

    @property
    def held(self) -> list[Item]:
        return [i for i in self.items if i.result == HELD]

    @property
    def unmatched(self) -> list[Item]:
        """Rows of the workbook the import cannot place (a tracking row of an idea the master lacks)."""
        return [i for i in self.items if i.result == UNMATCHED]

    @property
    def changes_master(self) -> bool:
        """Whether importing the plan writes anything into the master's tables."""
        return bool(self.applied or any(self.appends.values()) or self.computed)

    def summary(self, dry_run: bool = False) -> str:
        """'2 changes applied; 1 conflict; ...' ('would apply 2 changes; ...' in a dry run)."""
        changes = plural(len(self.applied), "change")
        parts = [
            f"would apply {changes}" if dry_run else f"{changes} applied",
            plural(len(self.conflicts), "conflict"),
        ]
        if self.held:
            parts.append(f"{plural(len(self.held), 'value change')} not applied")
        if self.unmatched:
            cells = ", ".join(i.where for i in self.unmatched[:5] if i.where)
            more = " ..." if len(self.unmatched) > 5 else ""
            parts.append(f"{plural(len(self.unmatched), 'row')} not imported ({cells}{more})")
        if self.stale:
            parts.append(f"an older copy: {self.stale}")
        if self.fingerprint_now != self.fingerprint_stored:
            parts.append(f"fingerprint {self.fingerprint_stored} is now {self.fingerprint_now}")
        return "; ".join(parts)


# --- refusing a workbook that does not belong ----------------------------------------------------


def _refusal(book: BookContent, message: str, fix: str) -> BookRefusedError:
    return BookRefusedError([Problem(book.file, None, None, None, None, message, fix=fix)])


def check_belongs(master: Master, book: BookContent) -> str:
    """The workbook's customer ID; ``BookRefusedError`` when it cannot be imported into ``master``."""
    if book.kind != KIND_CUSTOMER:
        raise _refusal(
            book,
            f"This is a {book.kind_name}, not a customer workbook, so there is nothing to import.",
            "Import the workbooks cvm-xl generate wrote for your customers, after they come back.",
        )
    cid = book.customer_id or ""
    known = [key(c) for c in master.customers[col.CUSTOMER_ID]]
    if cid not in known:
        listed = ", ".join(known[:12]) + (" ..." if len(known) > 12 else "")
        raise _refusal(
            book,
            f"Wrong customer: the workbook belongs to customer {cid}, which this master does not hold "
            f"(its customers: {listed or 'none'}).",
            "Import it into the master it was generated from.",
        )
    if book.record is None:
        raise _refusal(
            book,
            "The workbook has no readable Record sheet (the ideas as generated), so what the customer "
            "changed cannot be told from what the master changed.",
            "Use the workbook as cvm-xl generate wrote it; re-enter the customer's changes into a "
            "freshly generated copy if the Record sheet was lost.",
        )
    owner = {
        key(i): key(c) for i, c in zip(master.ideas[col.IDEA_ID], master.ideas[col.CUSTOMER_ID], strict=True)
    }
    foreign = sorted({i for i in map(key, book.record.ideas[col.IDEA_ID]) if owner.get(i, cid) != cid})
    if foreign:
        raise _refusal(
            book,
            f"Wrong customer: in this master the ideas {', '.join(foreign[:8])} belong to customer "
            f"{owner[foreign[0]]}, not to {cid}; the workbook was generated from another master.",
            "Import it into the master it was generated from.",
        )
    if key(book.settings.supplier) != key(master.settings.supplier):
        raise _refusal(
            book,
            f"The workbook was generated for supplier {book.settings.supplier}, but this master is "
            f"{master.settings.supplier}'s.",
            "Import it into the master it was generated from.",
        )
    return cid


# --- ideas -----------------------------------------------------------------------------------------


def _records(frame: pd.DataFrame) -> dict[str, tuple[int, dict[str, object]]]:
    """Idea ID -> (Excel row, record), in table order."""
    return {
        key(r[col.IDEA_ID]): (int(row), r)
        # into=dict is pandas' default; naming it types the records by column name (pandas-stubs
        # otherwise key them by any Hashable), here and in _groups.
        for row, r in zip(frame.index, frame.to_dict("records", into=dict), strict=True)
        if key(r[col.IDEA_ID])
    }


def _same(name: str, a: object, b: object) -> bool:
    return canonical_value(name, a) == canonical_value(name, b)


def _cell(value: object) -> object:
    """A typed table value as it is written to the master (NaN and NaT are blanks)."""
    return None if is_blank(value) else value


def _idea_items(
    cid: str, master: Master, book: BookContent, apply_values: bool
) -> tuple[list[Item], list[dict[str, object]]]:
    assert book.record is not None
    base = _records(book.record.ideas)
    now = _records(book.ideas)
    in_master = _records(master.ideas)
    master_customer = {i: key(r[col.CUSTOMER_ID]) for i, (_, r) in in_master.items()}
    items: list[Item] = []
    new_ideas: list[dict[str, object]] = []
    sheet = IDEAS.name
    for idea in [*now, *(i for i in base if i not in now)]:
        if idea not in now:
            if idea in in_master:
                items.append(Item(cid, idea, IDEA_ROW, "", "present", "present", None, KEPT))
            continue
        _, book_row = now[idea]
        if idea not in base:
            items += _new_idea(cid, idea, book_row, in_master, master_customer, apply_values, new_ideas)
            continue
        _, base_row = base[idea]
        if idea not in in_master:
            changed = [
                f for f in (*FOLDED_FIELDS, *VALUE_FIELDS) if not _same(f, base_row.get(f), book_row.get(f))
            ]
            result = CONFLICT if changed else SKIPPED
            detail = "deleted from the master since generation" + (
                f"; changed in the workbook ({', '.join(changed)})" if changed else ""
            )
            items.append(Item(cid, idea, IDEA_ROW, "", "present", None, "present", result, detail))
            continue
        row, master_row = in_master[idea]
        for name in (*FOLDED_FIELDS, *VALUE_FIELDS):
            old, theirs, ours = base_row.get(name), book_row.get(name), master_row.get(name)
            if _same(name, old, theirs) or _same(name, ours, theirs):
                continue
            what = IDEA_FIELD if name in FOLDED_FIELDS else VALUE_INPUT
            if not _same(name, old, ours):
                result = CONFLICT
            else:
                result = APPLIED if name in FOLDED_FIELDS or apply_values else HELD
            items.append(
                Item(cid, idea, what, name, old, ours, theirs, result, sheet=sheet, row=row, column=name)
            )
    return items, new_ideas


def _new_idea(
    cid: str,
    idea: str,
    book_row: Mapping[str, object],
    in_master: Mapping[str, tuple[int, dict[str, object]]],
    master_customer: Mapping[str, str],
    apply_values: bool,
    new_ideas: list[dict[str, object]],
) -> list[Item]:
    """An idea the customer added in the workbook."""
    if idea in in_master:
        _, master_row = in_master[idea]
        fields = (col.CUSTOMER_ID, *FOLDED_FIELDS, *VALUE_FIELDS)
        if master_customer.get(idea) == cid and all(
            _same(f, master_row.get(f), book_row.get(f)) for f in fields
        ):
            return []  # imported before
        return [
            Item(cid, idea, NEW_IDEA, "", None, "present", "present", CONFLICT,
                 "added in the workbook with an Idea ID the master already uses")
        ]  # fmt: skip
    if not apply_values:
        return [Item(cid, idea, NEW_IDEA, "", None, None, book_row.get(col.TITLE), HELD)]
    record = {
        name: _cell(book_row.get(name))
        for name in IDEAS.names
        if name != col.OUT_OF_BOUNDS and not is_blank(book_row.get(name))
    }
    record[col.CUSTOMER_ID] = cid
    new_ideas.append(record)
    return [Item(cid, idea, NEW_IDEA, "", None, None, book_row.get(col.TITLE), APPLIED, "appended to Ideas")]


# --- tracking rows ----------------------------------------------------------------------------------


class _Row(NamedTuple):
    excel_row: int
    record: dict[str, object]
    canon: tuple[str, ...]


def _groups(frame: pd.DataFrame, ideas: set[str] | None = None) -> dict[tuple[str, str], list[_Row]]:
    """Tracking rows by (Idea ID, month), in table order."""
    out: dict[tuple[str, str], list[_Row]] = {}
    for row, record in zip(frame.index, frame.to_dict("records", into=dict), strict=True):
        idea = key(record.get(col.IDEA_ID))
        if not idea or (ideas is not None and idea not in ideas):
            continue
        canon = tuple(canonical_value(n, record.get(n)) for n in TRACKING_FIELDS)
        out.setdefault((idea, canon[0]), []).append(_Row(int(row), record, canon))
    return out


def _pair(
    left: Sequence[_Row], right: Sequence[_Row]
) -> tuple[list[tuple[_Row, _Row]], list[_Row], list[_Row]]:
    """Rows paired equal-to-equal first, then the rest in order; and what is left on each side."""
    rest = list(right)
    pairs: list[tuple[_Row, _Row]] = []
    unmatched: list[_Row] = []
    for row in left:
        twin = next((r for r in rest if r.canon == row.canon), None)
        if twin is None:
            unmatched.append(row)
        else:
            rest.remove(twin)
            pairs.append((row, twin))
    paired = list(zip(unmatched, rest, strict=False))
    pairs += paired
    return pairs, unmatched[len(paired) :], rest[len(paired) :]


def _month(group: tuple[str, str]) -> str:
    return group[1] or "no month"


def _tracking_items(
    cid: str, master: Master, book: BookContent, known: set[str], held: set[str], stale: str
) -> tuple[list[Item], list[dict[str, object]]]:
    """Tracking rows changed or added in the workbook; ``known`` are the ideas a new row may name
    (the customer's ideas in the master and the ideas this import appends), ``held`` the ideas the
    customer added that are not appended (without --apply-values). ``stale`` (why the workbook is an
    older copy, or "") turns a row it adds for a month the master has another row for into a conflict."""
    assert book.record is not None
    base, now, ours = _groups(book.record.tracking), _groups(book.tracking), _groups(master.tracking, known)
    items: list[Item] = []
    appended: list[dict[str, object]] = []
    for group in dict.fromkeys([*base, *now]):
        base_rows, book_rows, master_rows = base.get(group, []), now.get(group, []), ours.get(group, [])
        with_book, _, added = _pair(base_rows, book_rows)
        with_master, _, master_added = _pair(base_rows, master_rows)
        book_of = {b.excel_row: k for b, k in with_book}
        master_of = {b.excel_row: m for b, m in with_master}
        for b in base_rows:
            items += _changed_row(cid, group, b, book_of.get(b.excel_row), master_of.get(b.excel_row))
        # A row added in both is the row imported before (then perhaps corrected in the master),
        # unless the workbook is an older copy: then the master's row came from a newer one.
        imported, fresh, master_only = _pair(added, master_added)
        for k, m in imported:
            if stale and k.canon != m.canon:
                items.append(
                    Item(cid, group[0], TRACKING_ROW, _month(group), None, _row_text(m), _row_text(k), STALE,
                         stale, where=book.cell(TRACKING.name, col.IDEA_ID, k.excel_row))
                )  # fmt: skip
        for k in fresh:
            item = Item(cid, group[0], TRACKING_ROW, _month(group), None, None, _row_text(k), APPLIED)
            if group[0] in held:
                detail = f"{group[0]} is an idea added in the workbook"
                items.append(item._replace(result=HELD, detail=detail))
            elif group[0] not in known:
                items.append(
                    item._replace(
                        result=UNMATCHED,
                        detail=f"the master has no idea {group[0]} of {cid}",
                        where=book.cell(TRACKING.name, col.IDEA_ID, k.excel_row),
                    )
                )
            elif master_only:
                detail = "another row was added in the master for this idea and month"
                items.append(item._replace(master=_row_text(master_only[0]), result=CONFLICT, detail=detail))
            else:
                appended.append({name: _cell(k.record.get(name)) for name in (col.IDEA_ID, *TRACKING_FIELDS)})
                items.append(item._replace(detail="appended to Tracking"))
    return items, appended


def _changed_row(cid: str, group: tuple[str, str], b: _Row, k: _Row | None, m: _Row | None) -> list[Item]:
    """A tracking row as generated (``b``), in the workbook (``k``) and in the master (``m``)."""
    idea, text = group[0], _month(group)
    if k is None:
        return (
            [] if m is None else [Item(cid, idea, TRACKING_ROW, text, _row_text(b), _row_text(m), None, KEPT)]
        )
    if m is None:
        if k.canon == b.canon:
            return []
        detail = "deleted from the master since generation, changed in the workbook"
        return [Item(cid, idea, TRACKING_ROW, text, _row_text(b), None, _row_text(k), CONFLICT, detail)]
    items = []
    for position, name in enumerate(TRACKING_FIELDS):
        old, theirs, ours = b.canon[position], k.canon[position], m.canon[position]
        if old == theirs or ours == theirs:
            continue
        items.append(
            Item(
                cid,
                idea,
                TRACKING_CHANGE,
                f"{name} ({text})",
                b.record.get(name),
                m.record.get(name),
                k.record.get(name),
                APPLIED if ours == old else CONFLICT,
                sheet=TRACKING.name,
                row=m.excel_row,
                column=name,
            )
        )
    return items


def _row_text(row: _Row) -> str:
    month, supplier, customer, note, kind = row.canon
    text = f"{month or 'no month'}: supplier {supplier or 'blank'}, customer {customer or 'blank'}"
    return text + (f" ({note})" if note else "") + (f", {kind}" if kind else "")


# --- signatories ------------------------------------------------------------------------------------


def _sign_off_items(
    cid: str, book: BookContent, sign_offs: pd.DataFrame | None, fingerprint_now: str, when: dt.datetime
) -> tuple[list[Item], list[dict[str, object]]]:
    signed = {slot: v for slot, v in book.signatories.items() if not is_blank(v)}
    if not signed:
        return [], []
    stored = book.stored.get(cid, "")
    earlier: dict[str, object] = {}
    if sign_offs is not None and len(sign_offs):
        same = sign_offs[
            (sign_offs[col.CUSTOMER_ID].map(key) == cid)
            & (sign_offs[FINGERPRINT_GENERATED].map(key) == stored)
        ]
        if len(same):
            # The Sign-offs columns are named by text; str() states it to the type checker.
            earlier = {str(k): v for k, v in same.iloc[-1].to_dict().items() if not is_blank(v)}
    items: list[Item] = []
    merged = dict(earlier)
    new = False
    for slot, value in signed.items():
        column = SIGNATORY_COLUMNS[slot]
        recorded = earlier.get(column)
        if recorded is None:
            merged[column] = value
            new = True
            items.append(
                Item(cid, "", SIGN_OFF, column, None, None, value, RECORDED, f"in {SIGN_OFFS_SHEET}")
            )
        elif canonical_value(column, recorded) != canonical_value(column, value) and not _same_date(
            recorded, value
        ):
            detail = f"{SIGN_OFFS_SHEET} already records another value for this sign-off"
            items.append(Item(cid, "", SIGN_OFF, column, None, recorded, value, CONFLICT, detail))
    if any(i.conflict for i in items) or not new:
        return [i._replace(result=BLOCKED) if i.result == RECORDED else i for i in items], []
    record: dict[str, object] = {name: merged.get(name) for name in SIGN_OFF_COLUMNS}
    record.update(
        {
            col.CUSTOMER_ID: cid,
            "Customer": book.customers.get(cid),
            FINGERPRINT_GENERATED: stored,
            "Fingerprint as signed": fingerprint_now,
            SIGNED_IDEAS: signed_ideas_text(book.signed_ids.get(cid, ()), book.signed_waves.get(cid, {})),
            "Workbook": book.path.name,
            "Generated": _generated(book.generated),
            "Imported": when,
        }
    )
    return items, [record]


def _same_date(a: object, b: object) -> bool:
    return canonical_value("Month", a) == canonical_value("Month", b) != ""


def _generated(text: str | None) -> object:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return text


# --- the plan ---------------------------------------------------------------------------------------


def plan_import(
    master: Master,
    book: BookContent,
    *,
    apply_values: bool = False,
    sign_offs: pd.DataFrame | None = None,
    computed_columns: Sequence[str] = (),
    when: dt.datetime | None = None,
    last_generated: dt.datetime | None = None,
) -> BookImport:
    """What importing ``book`` into ``master`` changes (nothing is written).

    ``sign_offs`` is the master's Sign-offs sheet (``book_reader.read_sign_offs``), for the
    signatories already recorded; ``computed_columns`` the computed columns its Ideas sheet shows,
    refreshed for every idea whose values change. ``last_generated`` is the generation stamp of the
    newest workbook of this customer imported before (``imported_generations``): a workbook
    generated earlier is an older copy, and all it would change is a conflict. Raises
    ``BookRefusedError`` for a workbook that does not belong.
    """
    when = when or dt.datetime.now().replace(microsecond=0)
    cid = check_belongs(master, book)
    stored = book.stored.get(cid, "")
    now = signed_fingerprint(
        book.customer_ideas(cid), book.signed_ids.get(cid, ()), book.settings, book.signed_waves.get(cid)
    )
    plan = BookImport(book, cid, fingerprint_stored=stored, fingerprint_now=now)
    plan.stale = _older_copy(book, cid, last_generated)
    idea_items, new_ideas = _idea_items(cid, master, book, apply_values)
    owners = zip(master.ideas[col.IDEA_ID], master.ideas[col.CUSTOMER_ID], strict=True)
    known = {key(i) for i, c in owners if key(c) == cid}
    known |= {key(r[col.IDEA_ID]) for r in new_ideas}
    held = {i.idea_id for i in idea_items if i.what == NEW_IDEA and i.result == HELD}
    tracking_items, tracking_rows = _tracking_items(cid, master, book, known, held, plan.stale)
    if plan.stale:
        idea_items, tracking_items = _as_stale(idea_items, plan.stale), _as_stale(tracking_items, plan.stale)
    sign_items, sign_rows = _sign_off_items(cid, book, sign_offs, now, when)
    conflicted = {i.idea_id for i in (*idea_items, *tracking_items) if i.conflict}
    # A conflict stops every change to its idea, tracking rows included.
    blocked = [
        i._replace(result=BLOCKED) if i.idea_id in conflicted and i.result == APPLIED else i
        for i in (*idea_items, *tracking_items)
    ]
    plan.items = [*blocked, *sign_items]
    tracking_rows = [r for r in tracking_rows if key(r[col.IDEA_ID]) not in conflicted]
    new_ideas = [r for r in new_ideas if key(r[col.IDEA_ID]) not in conflicted]
    plan.appends = {
        name: rows
        for name, rows in (
            (IDEAS.name, new_ideas),
            (TRACKING.name, tracking_rows),
            (SIGN_OFFS_SHEET, sign_rows),
        )
        if rows
    }
    if now != stored:
        plan.items.append(
            Item(cid, "", SIGN_OFF, "Fingerprint", stored, None, now, NOTE,
                 "the signed fields changed in the workbook since generation")
        )  # fmt: skip
    if computed_columns:
        _refresh_computed(master, plan, computed_columns)
    return plan


def _as_stale(items: Sequence[Item], why: str) -> list[Item]:
    """The items of an older copy: whatever it would change in the master is a conflict."""
    return [i._replace(result=STALE, detail=why) if i.result in (APPLIED, HELD) else i for i in items]


def generation_stamp(value: object) -> dt.datetime | None:
    """A workbook's generation stamp as it is compared: to the second, without a time zone (None
    when the value is no date and time: a workbook whose properties a program dropped)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if not isinstance(value, dt.datetime):
        return None
    if value.tzinfo is not None:
        value = value.astimezone().replace(tzinfo=None)  # the local time generation writes
    # To the nearest second: a spreadsheet that turned the text into a date keeps a fraction of a day,
    # which may read back a hair below the second it was.
    return (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)


def _older_copy(book: BookContent, cid: str, last_generated: dt.datetime | None) -> str:
    """Why ``book`` is an older copy than the workbook of ``cid`` imported last ("" when it is not,
    or when either stamp is unknown)."""
    generated = generation_stamp(book.generated)
    if generated is None or last_generated is None or generated >= last_generated:
        return ""
    return (
        f"generated {generated:%Y-%m-%d %H:%M:%S}, before the workbook of {cid} imported last "
        f"(generated {last_generated:%Y-%m-%d %H:%M:%S})"
    )


def imported_generations(import_log: pd.DataFrame | None) -> dict[str, dt.datetime]:
    """Per customer, the generation stamp of the newest workbook the master's Import log records."""
    out: dict[str, dt.datetime] = {}
    if import_log is None or not len(import_log):
        return out
    rows = zip(import_log[col.CUSTOMER_ID], import_log["What"], import_log[WORKBOOK_GENERATED], strict=True)
    for cid, what, stamp in rows:
        generated = generation_stamp(stamp)
        if key(what) == SUMMARY and key(cid) and generated is not None:
            out[key(cid)] = max(generated, out.get(key(cid), generated))
    return out


def _refresh_computed(master: Master, plan: BookImport, columns: Sequence[str]) -> None:
    """The master's computed cells of every idea whose values this plan changes or appends."""
    changed = {i.idea_id for i in plan.items if i.result == APPLIED and i.what == VALUE_INPUT}
    appended = plan.appends.get(IDEAS.name, [])
    if not changed and not appended:
        return
    after = applied_to(master, plan)
    evaluated = after.evaluated
    by_id = {key(i): row for row, i in zip(evaluated.index, evaluated[col.IDEA_ID], strict=True)}
    # A changed member moves its bundle's figures (issue 15): the other members' cells follow.
    changed |= moved_figures(master.evaluated, evaluated, columns)
    for idea in sorted(changed):
        row = by_id[idea]
        plan.computed += [(int(row), name, _cell(evaluated.at[row, name])) for name in columns]
    for record in appended:
        row = by_id[key(record[col.IDEA_ID])]
        record.update({name: _cell(evaluated.at[row, name]) for name in columns})


def moved_figures(before: pd.DataFrame, after: pd.DataFrame, columns: Sequence[str]) -> set[str]:
    """The IDs of the ideas of ``before`` (evaluated) whose computed ``columns`` differ in ``after``
    (the same ideas evaluated after an import; appended ideas are not in ``before``)."""
    rows = before.index.intersection(after.index)
    moved: set[str] = set()
    for name in columns:
        if name not in before.columns or name not in after.columns:
            continue
        old, new = before.loc[rows, name].tolist(), after.loc[rows, name].tolist()
        for row, a, b in zip(rows, old, new, strict=True):
            if not _same(name, a, b):
                moved.add(key(after.at[row, col.IDEA_ID]))
    return moved


def plan_imports(
    master: Master,
    books: Iterable[BookContent],
    *,
    apply_values: bool = False,
    sign_offs: pd.DataFrame | None = None,
    computed_columns: Sequence[str] = (),
    when: dt.datetime | None = None,
    import_log: pd.DataFrame | None = None,
) -> list[BookImport]:
    """Plans for several workbooks, each against the master as the earlier ones leave it, so two
    copies of one customer's workbook that disagree end in a conflict, not in the last one winning.
    ``import_log`` is the master's Import log (``BookContent.import_log``): a workbook older than
    one of its customer imported before, or earlier in ``books``, is an older copy."""
    when = when or dt.datetime.now().replace(microsecond=0)
    generations = imported_generations(import_log)
    plans = []
    for book in books:
        plan = plan_import(
            master,
            book,
            apply_values=apply_values,
            sign_offs=sign_offs,
            computed_columns=computed_columns,
            when=when,
            last_generated=generations.get(key(book.customer_id)),
        )
        plans.append(plan)
        generated = generation_stamp(book.generated)
        if plan.changes_master and generated is not None:
            last = generations.get(plan.customer_id, generated)
            generations[plan.customer_id] = max(generated, last)
        master = applied_to(master, plan)
        if SIGN_OFFS_SHEET in plan.appends:
            added = pd.DataFrame(plan.appends[SIGN_OFFS_SHEET], columns=list(SIGN_OFF_COLUMNS))
            sign_offs = added if sign_offs is None or not len(sign_offs) else pd.concat([sign_offs, added])
    return plans


def applied_to(master: Master, plan: BookImport) -> Master:
    """The master as it is after the plan (in memory; appended rows get the next Excel rows)."""

    ideas, tracking = master.ideas.copy(), master.tracking.copy()
    for item in plan.items:
        if item.result != APPLIED or item.row is None:
            continue
        frame = ideas if item.sheet == IDEAS.name else tracking
        name = item.column or item.field
        frame[name] = frame[name].astype(object)
        # A book value is one cell value (text, number, date, bool or blank): a scalar pandas
        # stores, but Item holds it as `object`, which pandas-stubs do not take for `.at`.
        frame.at[item.row, name] = cast(Any, item.book)
    for name, frame in ((IDEAS.name, ideas), (TRACKING.name, tracking)):
        rows = plan.appends.get(name, [])
        if rows:
            start = int(frame.index.max()) + 1 if len(frame) else 2
            added = pd.DataFrame(rows, index=pd.RangeIndex(start, start + len(rows), name=frame.index.name))
            added = added[[c for c in added.columns if c in frame.columns]]  # inputs, not computed cells
            frame = pd.concat([frame, added])
            if name == IDEAS.name:
                ideas = frame
            else:
                tracking = frame
    return replace(master, ideas=ideas, tracking=tracking)


# --- writing ---------------------------------------------------------------------------------------


def log_records(plans: Sequence[BookImport], when: dt.datetime) -> list[dict[str, object]]:
    """The Import log rows: one per item of every plan, then one summary row per workbook."""
    rows: list[dict[str, object]] = []
    for plan in plans:
        name = plan.book.path.name
        for item in plan.items:
            rows.append(
                dict(zip(IMPORT_LOG_COLUMNS, (when, name, item.customer_id, item.idea_id or None, item.what,
                                              item.field or None, _log_value(item.master),
                                              _log_value(item.book), item.outcome(), None), strict=True))
            )  # fmt: skip
        # The summary row keeps the workbook's generation stamp as text, exactly as its property
        # gives it: a date cell would round it, and an older copy is told by comparing it.
        rows.append(
            dict(zip(IMPORT_LOG_COLUMNS, (when, name, plan.customer_id, None, SUMMARY, None, None, None,
                                          plan.summary(), plan.book.generated), strict=True))
        )  # fmt: skip
    return rows


def _log_value(value: object) -> object:
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return None if is_blank(value) else value


class ImportResult(NamedTuple):
    path: Path
    backup: Path | None
    changed_cells: int
    appended_rows: int
    written: bool = True  # False: nothing to change, the master was left as it was


def master_changes(
    plans: Sequence[BookImport], when: dt.datetime
) -> tuple[list[CellChange], dict[str, list[dict[str, object]]]]:
    """Everything the plans write into the master: cell changes (the applied items and the refreshed
    computed cells) and rows to append per sheet (Ideas, Tracking, Sign-offs, Import log), for
    ``master_update.update_master`` on a file or ``book_rows.apply_changes`` on an open workbook."""
    changes = [
        CellChange(i.sheet, i.row, i.column or i.field, _cell(i.book))
        for plan in plans
        for i in plan.items
        if i.result == APPLIED and i.sheet is not None and i.row is not None
    ]
    changes += [
        CellChange(IDEAS.name, row, name, value) for plan in plans for row, name, value in plan.computed
    ]
    appends: dict[str, list[dict[str, object]]] = {}
    for plan in plans:
        for sheet, rows in plan.appends.items():
            appends.setdefault(sheet, []).extend(rows)
    appends[IMPORT_LOG_SHEET] = log_records(plans, when)
    return changes, appends


def changes_master(plans: Sequence[BookImport]) -> bool:
    """Whether importing the plans writes anything into the master's tables."""
    return any(plan.changes_master for plan in plans)


def apply_imports(
    master_path: str | Path, plans: Sequence[BookImport], when: dt.datetime | None = None
) -> ImportResult:
    """Write every plan into the master at once (backup kept, atomic replace), log each item in
    ``Import log``, then rewrite the master's Passbook sheet from the updated master.

    When no plan changes anything (an unchanged workbook, one imported before, only conflicts),
    nothing is written at all: no backup, no log rows, no Passbook sheet (``written`` is False)."""

    if not changes_master(plans):
        return ImportResult(Path(master_path), None, 0, 0, written=False)
    when = when or dt.datetime.now().replace(microsecond=0)
    changes, appends = master_changes(plans, when)
    with writing(master_path, holder="cvm-xl import"):  # both writes, no other writer between
        result = update_master(master_path, changes, appends, backup=True, now=when)
        try:
            write_passbook_sheet(master_path, load_master(master_path), when)
        except BaseException:
            restore_backup(result.backup, Path(master_path))  # the whole import, or nothing of it
            raise
    return ImportResult(result.path, result.backup, result.changed_cells, result.appended_rows)
