"""A chain partner's own workbook (issue 16: `cvm-xl generate MASTER --out DIR --party ID`).

It holds only the partner's lines: the chain ideas it takes part in (``core.chain_view`` with the
partner as the viewer: the chain net always; its own figures, the supplier's, the customer's and
those of the partners that disclose; every other partner only summed as "Other chain partners"),
and its pair passbooks with the supplier and with the customer (``core.chain_passbook``: per chain
idea in the passbook both firms' values and the net flow between them, the balances as live SUMs).
Nothing of another relationship, of another idea or of an idea out of bounds is in it.

Written atomically; a workbook there that changed since it was generated is left alone unless
``force`` (the rule of the customer workbooks, ``books.package.changed_since_generation``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl import __version__
from cvm_xl.books import layout as L
from cvm_xl.books.package import (
    CUSTOMER_ID_PROPERTY,
    GENERATED_PROPERTY,
    KIND_PROPERTY,
    VERSION_PROPERTY,
    changed_since_generation,
    core_xml,
)
from cvm_xl.core.chain import CUSTOMER, SUPPLIER
from cvm_xl.core.chain_passbook import PairPassbook, pair_passbooks
from cvm_xl.core.chain_view import ChainView
from cvm_xl.core.settings import Settings
from cvm_xl.generate.base import build_base
from cvm_xl.generate.filenames import customer_file_name
from cvm_xl.generate.model import RunData
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets import chain_sheet
from cvm_xl.generate.sheets.common import (
    PROTECTION_NOTE,
    RenderContext,
    SheetBuilder,
    header_codes,
    page_setup,
    protect,
    widths,
)
from cvm_xl.master.model import Master
from cvm_xl.spreadsheet.atomic import atomic_write

KIND_PARTY = "chain partner"  # the KIND_PROPERTY of a partner's workbook
PARTY_ID_PROPERTY = "cvm-xl party"
PASSBOOKS = "Passbooks"
PAIR_COLUMNS = ("Idea ID", "Title", "Status", "Value of {a}", "Value of {b}", "Flow {a} to {b}")


class PartyError(ValueError):
    """A Party ID that names no partner of the master (the message says which IDs do)."""


@dataclass
class PartyData:
    """One partner's slice: its relationship's chain ideas as it may see them and its pair passbooks."""

    customer_id: str
    party_id: str
    party: str
    customer: str
    view: ChainView
    passbooks: tuple[PairPassbook, ...]  # with the supplier and with the customer
    labels: dict[str, str]  # Party ID -> the name the passbooks show (the partner, S and C only)
    generated: dt.datetime

    @property
    def name(self) -> str:
        return self.party


def party_data(run: RunData, party_id: str) -> PartyData:
    """The partner's slice of a prepared run; raises PartyError for an unknown Party ID."""
    book = run.chain
    owner = next((cid for cid, rel in book.relationships.items() if party_id in rel.party_ids), None)
    partners = sorted(p.party_id for rel in book.relationships.values() for p in rel.partners)
    if owner is None or party_id in (SUPPLIER, CUSTOMER):
        raise PartyError(
            f"No chain partner has the Party ID {party_id!r}; the Parties table lists: "
            f"{', '.join(partners) or 'none'}."
        )
    rel = book.relationship(owner)
    customer = run.customer_name(owner) or owner
    view = run.chain_view(owner, viewer=party_id)
    if view is None:  # a partner in no chain idea yet: its workbook says so
        view = ChainView(owner, party_id, (), (), ())
    passbooks = tuple(
        p for p in pair_passbooks(book, owner) if party_id in (p.party_a, p.party_b)
        and {p.party_a, p.party_b} & {SUPPLIER, CUSTOMER}
    )  # fmt: skip
    labels = {
        SUPPLIER: run.settings.supplier,
        CUSTOMER: customer,
        party_id: rel.party(party_id).name,
    }
    return PartyData(owner, party_id, labels[party_id], customer, view, passbooks, labels, run.generated)


def _chain_setup(ws: Worksheet, ctx: RenderContext) -> None:
    chain_sheet.setup(ws, ctx)


def _chain_render(data: PartyData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    sd.text(
        L.TITLE_ROW, 1, "title", f"Value chain: {data.party} with {ctx.settings.supplier} and {data.customer}"
    )
    sd.height(L.TITLE_ROW, 24)
    sd.text(
        L.NOTE_ROW,
        1,
        "note",
        "The chain ideas you take part in: each party's value over the horizon, its final after the "
        "split and its transfer (> 0 receives); Chain net = the sum over all parties. Partners that "
        "have not agreed to disclose are shown only summed, as Other chain partners.",
    )
    sd.text(L.NOTE_ROW + 2, 1, "note", PROTECTION_NOTE)
    if not data.view.ideas:
        sd.text(L.CHAIN_FIRST_ROW, 1, "note", "No chain idea yet.")
        return sd
    chain_sheet.write_view(sd, data.view)
    return sd


def _passbooks_setup(ws: Worksheet, ctx: RenderContext) -> None:
    widths(ws, {"A": 11, "B": 40, "C": 13, "D": 16, "E": 16, "F": 18})
    protect(ws)
    page_setup(ws)


def _passbooks_render(data: PartyData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    sd.text(L.TITLE_ROW, 1, "title", f"Passbooks of {data.party}")
    sd.height(L.TITLE_ROW, 24)
    sd.text(
        L.NOTE_ROW,
        1,
        "note",
        "One passbook per pair of firms: per chain idea Signed off, Implementing or Delivered both firms' "
        "values and the net flow between them (> 0: the first firm pays the second). Balance = value "
        "- flow paid + flow received.",
    )
    r = L.NOTE_ROW + 2
    if not data.passbooks:
        sd.text(r, 1, "note", "No chain idea in a passbook yet.")
        return sd
    for book in data.passbooks:
        r = _pair(sd, r, book, data.labels) + 2
    return sd


def _pair(sd: SheetData, r: int, book: PairPassbook, labels: dict[str, str]) -> int:
    """One pair passbook from row ``r``; returns its last row."""
    a, b = labels[book.party_a], labels[book.party_b]
    sd.text(r, 1, "section", f"Passbook: {a} and {b}")
    r += 1
    for c, name in enumerate(PAIR_COLUMNS, start=1):
        sd.text(r, c, "header.calc", name.format(a=a, b=b))
    first = r + 1
    for line in book.lines:
        r += 1
        sd.value(r, 1, "fixed.text", line.idea_id)
        sd.value(r, 2, "fixed.text.wrap", line.title)
        sd.value(r, 3, "fixed.center", line.status)
        for c, x in ((4, line.value_a), (5, line.value_b), (6, line.flow)):
            sd.number(r, c, "fixed.money", 0.0 if math.isnan(x) else x + 0.0)
    last = max(r, first)
    r = last + 1
    sd.text(r, 2, "kv.label", f"Balance of {a}")
    sd.formula(r, 4, "total.money", f"SUM(D{first}:D{last})-SUM(F{first}:F{last})", book.balance_a)
    sd.text(r + 1, 2, "kv.label", f"Balance of {b}")
    sd.formula(r + 1, 5, "total.money", f"SUM(E{first}:E{last})+SUM(F{first}:F{last})", book.balance_b)
    return r + 1


PARTY_SHEETS: list[SheetBuilder[PartyData]] = [
    SheetBuilder(name=L.CHAIN, setup=_chain_setup, render=_chain_render),
    SheetBuilder(name=PASSBOOKS, setup=_passbooks_setup, render=_passbooks_render),
]


def party_workbook_bytes(run: RunData, data: PartyData, settings: Settings) -> bytes:
    """The partner's workbook as .xlsx bytes."""
    context = RenderContext(
        settings=settings, styles={}, sign_off=L.SignOffLayout(settings.max_sign_off_ideas)
    )
    base = build_base(
        PARTY_SHEETS, context, lambda d: header_codes(d.party, settings.supplier, d.generated.date())
    )
    core = core_xml(
        title=f"Value chain: {data.party}",
        subject=f"{settings.supplier}, {data.customer} and {data.party}",
        creator="cvm-xl",
        when=data.generated,
    )
    properties = {
        KIND_PROPERTY: KIND_PARTY,
        CUSTOMER_ID_PROPERTY: data.customer_id,
        PARTY_ID_PROPERTY: data.party_id,
        GENERATED_PROPERTY: data.generated.isoformat(),
        VERSION_PROPERTY: __version__,
    }
    return base.workbook(data, core, properties)


def party_file_name(data: PartyData) -> str:
    """'<Party ID> <party>.xlsx', made safe for every file system like a customer workbook's."""
    return customer_file_name(data.party_id, data.party)


def write_party_book(
    master: Master,
    party_id: str,
    out_dir: Path,
    *,
    force: bool = False,
    generated: dt.datetime | None = None,
) -> tuple[Path, str | None]:
    """Write a partner's workbook into ``out_dir``; returns its path and why it was left alone
    (None when written). Raises PartyError for an unknown Party ID."""
    run = RunData(master, generated)
    data = party_data(run, party_id.strip())
    path = Path(out_dir) / party_file_name(data)
    reason = changed_since_generation(path)
    if reason and not force:
        return path, reason
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, party_workbook_bytes(run, data, master.settings))
    return path, None
