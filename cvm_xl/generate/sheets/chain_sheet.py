"""Chain sheet (issue 16): a relationship's chain ideas as one of its firms may see them.

One row per chain idea the reader takes part in (``core.chain_view``: ideas out of bounds never):
its status, chain verdict, split method, chain net and the net flow from the supplier to the
customer (the transfer of its line on the Passbook sheet), then one column group per party shown
(the supplier, the customer, the reader and the partners with Disclose = Yes): value over the
horizon, final after the split and transfer (> 0 receives). The partners that did not agree to
disclose appear only summed, as "Other chain partners": their names, IDs and roles are in no cell.

Figures are numbers from the core; the chain net of each idea and the totals are live SUMs over
them, and under the totals each party's passbook standing: balance, target share and the equity
gap G = B - target x total as a formula (``core.chain_passbook``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.core.chain_view import ChainView, Figures
from cvm_xl.generate.model import CustomerData
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets.common import (
    PROTECTION_NOTE,
    RenderContext,
    SheetBuilder,
    page_setup,
    protect,
    widths,
)
from cvm_xl.spreadsheet.xmltext import letter

NAME = L.CHAIN
GROUP_WIDTH = 3  # Value, Final, Transfer
MAX_GROUPS = 12  # at most 12 parties per relationship (``core.chain.MAX_PARTIES``)
FIXED_WIDTHS = {"A": 11, "B": 40, "C": 13, "D": 26, "E": 10, "F": 14, "G": 15}
NET_COL = L.CHAIN_COLUMNS.index("Chain net") + 1
FLOW_COL = L.CHAIN_COLUMNS.index(L.CHAIN_FLOW) + 1
METHOD_COL = L.CHAIN_COLUMNS.index(L.CHAIN_METHOD) + 1
TOTAL_LABEL = L.CHAIN_TOTAL
STANDING_LABELS = ("Balance (passbook)", "Target share", "Equity gap (B - target x total)")


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    widths(ws, FIXED_WIDTHS)
    first = L.CHAIN_FIRST_GROUP_COL
    widths(ws, {letter(c): 13 for c in range(first, first + GROUP_WIDTH * MAX_GROUPS)})
    ws.freeze_panes = f"C{L.CHAIN_FIRST_ROW}"
    protect(ws)
    page_setup(ws, title_rows=f"{L.CHAIN_GROUP_ROW}:{L.CHAIN_HEADER_ROW}", title_cols="A:B", fit_width=2)


def group_col(group: int, field: int = 0) -> int:
    """The column of a group's field (0 Value, 1 Final, 2 Transfer)."""
    return L.CHAIN_FIRST_GROUP_COL + GROUP_WIDTH * group + field


def rows_of(view: ChainView) -> dict[str, int]:
    """Idea ID -> its row on the sheet."""
    return {idea.idea_id: L.CHAIN_FIRST_ROW + i for i, idea in enumerate(view.ideas)}


def flow_cell(view: ChainView, idea_id: str) -> str:
    """The absolute cell of an idea's supplier-to-customer flow, for the Passbook's transfer line."""
    return f"{L.sheet_ref(NAME)}!${letter(FLOW_COL)}${rows_of(view)[idea_id]}"


def method_cell(view: ChainView, idea_id: str) -> str:
    """The absolute cell of an idea's chain split method, for the Sign-off sheet's Method."""
    return f"{L.sheet_ref(NAME)}!${letter(METHOD_COL)}${rows_of(view)[idea_id]}"


def _number(sd: SheetData, r: int, c: int, style: str, x: float | None) -> None:
    if x is None or math.isnan(x):
        sd.blank(r, c, style)
    else:
        sd.number(r, c, style, x + 0.0)


def render(data: CustomerData, ctx: RenderContext) -> SheetData:
    view = data.chain
    sd = SheetData(ctx.styles)
    s = ctx.settings
    sd.text(L.TITLE_ROW, 1, "title", f"Value chain: {s.supplier}, {data.name} and partners")
    sd.height(L.TITLE_ROW, 24)
    sd.text(
        L.NOTE_ROW,
        1,
        "note",
        "One row per chain idea: each party's value over the horizon, its final after the split and its "
        "transfer (> 0 receives). Chain net = the sum over all parties; Supplier to customer is the "
        "idea's transfer on the Passbook sheet.",
    )
    if view is not None and view.has_hidden:
        sd.text(
            L.NOTE_ROW + 1,
            1,
            "note",
            "Partners that have not agreed to disclose their figures are shown only summed, as "
            "Other chain partners.",
        )
    sd.text(L.NOTE_ROW + 2, 1, "note", PROTECTION_NOTE)
    if view is None:
        sd.text(L.CHAIN_FIRST_ROW, 1, "note", "No chain idea.")
        return sd
    write_view(sd, view)
    return sd


def write_view(sd: SheetData, view: ChainView) -> None:
    """The ideas table, its totals and each party's standing (rows from ``L.CHAIN_GROUP_ROW``)."""
    hr = L.CHAIN_HEADER_ROW
    for c, name in enumerate(L.CHAIN_COLUMNS, start=1):
        sd.text(hr, c, "header.calc", name)
    for g, group in enumerate(view.groups):
        label = group.label if group.role is None else f"{group.label} ({group.role})"
        sd.text(L.CHAIN_GROUP_ROW, group_col(g), "section", label)
        for f, field in enumerate(L.CHAIN_GROUP_FIELDS):
            sd.text(hr, group_col(g, f), "header.calc", field)
    sd.height(hr, 20)
    r = L.CHAIN_FIRST_ROW
    for idea in view.ideas:
        sd.value(r, 1, "fixed.text", idea.idea_id)
        sd.value(r, 2, "fixed.text.wrap", idea.title)
        sd.value(r, 3, "fixed.center", idea.status)
        sd.text(r, 4, "fixed.text", idea.verdict)
        sd.text(r, 5, "fixed.center", idea.method)
        values = [group_col(g) for g, f in enumerate(idea.figures) if f is not None]
        if math.isnan(idea.net) or not values:
            sd.blank(r, NET_COL, "calc.money")
        else:
            sd.formula(r, NET_COL, "calc.money", _sum(r, values), idea.net + 0.0)
        sd.number(r, FLOW_COL, "fixed.money", idea.supplier_to_customer)
        for g, figures in enumerate(idea.figures):
            _group_cells(sd, r, g, figures)
        r += 1
    last = r - 1
    _totals(sd, r, view, last)
    _standing(sd, r + 2, view)


def _group_cells(sd: SheetData, r: int, g: int, figures: Figures | None) -> None:
    if figures is None:  # the party takes no part in this idea
        for f in range(GROUP_WIDTH):
            sd.blank(r, group_col(g, f), "fixed.money")
        return
    for f, x in enumerate((figures.value, figures.final, figures.transfer)):
        _number(sd, r, group_col(g, f), "fixed.money", x)


def _sum(r: int, columns: Sequence[int]) -> str:
    return "SUM(" + ",".join(f"{letter(c)}{r}" for c in columns) + ")"


def _column_total(values: Sequence[float | None]) -> float:
    return math.fsum(x for x in values if x is not None and not math.isnan(x)) + 0.0


def _totals(sd: SheetData, r: int, view: ChainView, last: int) -> None:
    """Live SUMs of every numeric column over the ideas' rows."""
    first = L.CHAIN_FIRST_ROW
    sd.text(r, 1, "total.label", TOTAL_LABEL)
    ideas = view.ideas
    cached: dict[int, float] = {
        NET_COL: _column_total([i.net for i in ideas]),
        FLOW_COL: _column_total([i.supplier_to_customer for i in ideas]),
    }
    for g in range(len(view.groups)):
        for f, name in enumerate(("value", "final", "transfer")):
            cached[group_col(g, f)] = _column_total(
                [getattr(i.figures[g], name) if i.figures[g] is not None else None for i in ideas]
            )
    for c, total in sorted(cached.items()):
        x = letter(c)
        sd.formula(r, c, "total.money", f"SUM({x}{first}:{x}{max(first, last)})", total)


def _standing(sd: SheetData, r: int, view: ChainView) -> None:
    """Each party's passbook standing (``core.chain_passbook.party_balances``) in its Value column;
    the totals in the Chain net column; the equity gap live over the balance and target cells."""
    sd.text(r, 1, "section", "Passbook standing per party")
    sd.text(r, 2, "note", "The ideas Signed off, Implementing or Delivered; chain ideas by their finals.")
    balance, target, gap = r + 1, r + 2, r + 3
    for row, label in zip((balance, target, gap), STANDING_LABELS, strict=True):
        sd.text(row, 2, "kv.label", label)
    columns = [group_col(g) for g in range(len(view.groups))]
    total_b = math.fsum(s.balance for s in view.standings) + 0.0
    total = f"${letter(NET_COL)}${balance}"
    for c, s in zip(columns, view.standings, strict=True):
        x = letter(c)
        sd.number(balance, c, "kv.money", s.balance)
        sd.number(target, c, "kv.share", s.target)
        sd.formula(gap, c, "kv.money", f"{x}{balance}-{x}{target}*{total}", s.gap)
    sd.formula(balance, NET_COL, "kv.money", _sum(balance, columns), total_b)
    sd.formula(
        target, NET_COL, "kv.share", _sum(target, columns), math.fsum(s.target for s in view.standings)
    )
    gaps = math.fsum(s.gap for s in view.standings) + 0.0
    sd.formula(gap, NET_COL, "kv.money", _sum(gap, columns), gaps)


BUILDER = SheetBuilder(name=NAME, setup=setup, render=render)
