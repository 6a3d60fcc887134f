"""Chain ideas sheet of the consolidated sign-off (issue 16): every chain idea by party, all customers.

An internal workbook: every party is shown, disclosed or not. The first table has one row per chain
idea (out of bounds left out) and party (``core.chain.ChainBook.frame``): Customer ID, Idea ID,
Title, Party ID, Party, Role, Value, Final, Transfer, Verdict and Method. Below it, per relationship
with partners or chain ideas, each party's passbook standing (``core.chain_passbook.party_balances``):
balance, target share and equity gap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core.chain import FINAL, PARTY, PARTY_ID, ROLE, TRANSFER, VALUE, ChainBook
from cvm_xl.core.chain_passbook import party_balances
from cvm_xl.generate.model import RunData
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets.common import RenderContext, SheetBuilder, page_setup, widths

NAME = L.CHAIN_IDEAS
METHOD = L.CHAIN_METHOD
IDEA_COLUMNS = (col.CUSTOMER_ID, col.IDEA_ID, col.TITLE, PARTY_ID, PARTY, ROLE, VALUE, FINAL, TRANSFER,
                col.VERDICT, METHOD)  # fmt: skip
BALANCE, TARGET_SHARE, EQUITY_GAP = "Balance", "Target share", "Equity gap"
STANDING_COLUMNS = (col.CUSTOMER_ID, PARTY_ID, PARTY, ROLE, BALANCE, TARGET_SHARE, EQUITY_GAP)
MONEY = frozenset({VALUE, FINAL, TRANSFER, BALANCE, EQUITY_GAP})
HEADER_ROW, FIRST_ROW = 4, 5
WIDTHS = {"A": 11, "B": 10, "C": 40, "D": 11, "E": 28, "F": 18, "G": 14, "H": 14, "I": 14, "J": 28, "K": 10}


class ChainIdeasData(Protocol):
    """What the sheet reads: the two tables (``chain_tables``)."""

    chain_ideas: pd.DataFrame
    chain_standings: pd.DataFrame


def chain_tables(run: RunData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sheet's two tables for a run: chain ideas by party, and each party's standing."""
    book: ChainBook = run.chain
    frame = book.frame()
    ideas = frame.rename(columns={col.SPLIT_METHOD: METHOD})[list(IDEA_COLUMNS)].reset_index(drop=True)
    rows: list[tuple[object, ...]] = []
    customers = [cid for cid in run.customer_ids if book.for_customer(cid) or book.relationship(cid).partners]
    for cid in customers:
        rel = book.relationship(cid)
        for b in party_balances(book, cid, run.evaluated_in_bounds):
            party = rel.party(b.party_id)
            rows.append((cid, b.party_id, party.name, party.role, b.balance, b.target_share, b.equity_gap))
    standings = pd.DataFrame(rows, columns=list(STANDING_COLUMNS))
    return ideas, standings


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    widths(ws, WIDTHS)
    ws.freeze_panes = f"A{FIRST_ROW}"
    page_setup(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")


def _cell(sd: SheetData, r: int, c: int, name: str, value: object) -> None:
    if name in MONEY:
        if isinstance(value, int | float) and not math.isnan(value):
            sd.number(r, c, "fixed.money", float(value) + 0.0)
        else:
            sd.blank(r, c, "fixed.money")
    elif name == TARGET_SHARE:
        sd.number(r, c, "fixed.center", float(value))  # type: ignore[arg-type]
    else:
        sd.value(r, c, "fixed.text", None if value is None or value != value else value)


def _table(sd: SheetData, header_row: int, frame: pd.DataFrame, columns: Sequence[str]) -> int:
    """The header and rows of one table; returns the row after it."""
    for c, name in enumerate(columns, start=1):
        sd.text(header_row, c, "header.calc", name)
    r = header_row + 1
    for record in frame.itertuples(index=False):
        for c, (name, value) in enumerate(zip(columns, record, strict=True), start=1):
            _cell(sd, r, c, name, value)
        r += 1
    return r


def render(data: ChainIdeasData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    sd.text(1, 1, "title", "Chain ideas by party (internal: every party shown)")
    sd.height(1, 24)
    sd.text(
        2,
        1,
        "note",
        "One row per chain idea and party: value over the horizon, final after the split, transfer "
        "(> 0 receives). Below: each party's passbook balance, target share and equity gap.",
    )
    if data.chain_ideas.empty:
        sd.text(FIRST_ROW, 1, "note", "No chain idea.")
    r = _table(sd, HEADER_ROW, data.chain_ideas, IDEA_COLUMNS)
    sd.text(r + 1, 1, "section", "Equity gap per party")
    _table(sd, r + 2, data.chain_standings, STANDING_COLUMNS)
    return sd


BUILDER = SheetBuilder(name=NAME, setup=setup, render=render)
