"""Sign-off sheet: the value contract both firms sign, with its fingerprint (SPEC §3.7, §3.8).

One row is reserved per allowed idea (``Max sign-off ideas``) so every position, defined name and
page break is the same in every customer's workbook; unused rows are hidden. Figures are formulas
that look the idea up on the Ideas sheet by its ID, so the sheet shows exactly what the Ideas
sheet computes.

A bundle (issue 15) is signed as one: its own line carries its rank, its ID and its members' IDs,
the sums of its members' figures (live: the lines below it added up) and the bundle's method; its
members are listed under it, each with its own values and its share of the bundle's transfer, and
without a rank of their own. The bundle's line has no Idea ID, so the totals (and the Cover's
count of ideas for sign-off) add up the ideas, never a bundle twice; a run whose bundles need more
lines than ``Max sign-off ideas`` reserves more rows in every workbook (``SignOffLayout.lines``).

Waves (issue 14): each wave of a customer has its own list (``core.selection``: ranked from 1 and
cut at ``Max sign-off ideas`` per wave). A customer with one wave gets the single list above. With
several waves, each wave's lines follow a heading line of their own: "Wave 2 (kicked off
2026-10-05)" and, in the money columns, the wave's subtotal (live: its idea lines added up, as the
Total does). The heading has no Idea ID, so the Total and the passbook totals count every idea
once, across all waves; one fingerprint covers every wave's lines (``core.fingerprint``).

Value chains (issue 16): the Ideas sheet shows each idea as the two firms see it; a chain idea is
selected, signed, booked and counted by its chain verdict and split (``core.chain_decisions``). Its
line shows the supplier's and customer's values from the Ideas sheet, but its Transfer is the
chain split's net flow from the supplier to the customer and its Method the chain split, both read
from its row on the Chain sheet (as the Passbook's transfer line is), and its finals are the values
less / plus that transfer. The totals, the fingerprint and the record add up the same figures.
"""

from __future__ import annotations

import math

from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core.passbook import in_passbook
from cvm_xl.core.settings import Settings
from cvm_xl.core.wave_report import kick_off_of, wave_title
from cvm_xl.generate import formulas as F
from cvm_xl.generate import live_formulas as LF
from cvm_xl.generate.model import CustomerData, SignOffUnit
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets import chain_sheet
from cvm_xl.generate.sheets.common import (
    PROTECTION_NOTE,
    RenderContext,
    SheetBuilder,
    page_setup,
    protect,
    widths,
)
from cvm_xl.spreadsheet.xmltext import formula_text, letter, lookup_literal

# Sign-off column -> (Ideas column it shows, style, blank shown as empty)
FIELDS = (
    (col.TITLE, "calc.text.wrap", False),
    (col.OWNER_FIRM, "calc.center", True),
    (col.OWNER, "calc.text", True),
    (col.START, "calc.date", True),
    (col.END, "calc.date", True),
    (col.SUPPLIER_VALUE, "calc.money", False),
    (col.CUSTOMER_VALUE, "calc.money", False),
    (col.NET_VALUE, "calc.money", False),
    (col.TRANSFER, "calc.money", False),
    (col.SUPPLIER_FINAL, "calc.money", False),
    (col.CUSTOMER_FINAL, "calc.money", False),
    (col.SPLIT_METHOD, "calc.center", False),
)
MONEY_COLUMNS = range(8, 14)  # H..M
WIDTHS = {
    "A": 4,
    "B": 10,
    "C": 40,
    "D": 10,
    "E": 17,
    "F": 11,
    "G": 11,
    "H": 14,
    "I": 14,
    "J": 14,
    "K": 14,
    "L": 14,
    "M": 14,
    "N": 12,
    "O": 11,
}
IN_PASSBOOK_COL = len(L.SIGN_OFF_COLUMNS)  # O: the listed idea's Status puts it in the passbook now
LAST_COL = letter(IN_PASSBOOK_COL)


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    layout = ctx.sign_off
    widths(ws, WIDTHS)
    for r in layout.sign_rows.values():
        ws.merge_cells(f"C{r}:E{r}")
        ws.merge_cells(f"{L.SIGN_VALUE_COLS['customer']}{r}:M{r}")
    for r in layout.page_breaks():
        ws.row_breaks.append(Break(id=r))
    if not ws.row_breaks.brk:
        ws.row_breaks = RowBreak()
    protect(ws)
    page_setup(ws, title_rows=f"{L.SIGN_OFF_HEADER_ROW}:{L.SIGN_OFF_HEADER_ROW}")
    ws.print_area = f"A1:{LAST_COL}{layout.last_row}"


def context_line(s: Settings) -> str:
    rate = f", discount rate {s.discount_rate:.1%}" if s.discount_rate else ""
    return f"Values in {s.currency} over {s.horizon_years:g} years{rate}."


def render(data: CustomerData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    s, layout = ctx.settings, ctx.sign_off
    sd.text(L.TITLE_ROW, 1, "title", "Value contract: ideas for sign-off")
    sd.height(L.TITLE_ROW, 24)
    sd.text(
        L.NOTE_ROW, 1, "subtitle", f"{s.supplier} (supplier) and {data.name} (customer, {data.customer_id})"
    )
    sd.text(3, 1, "label", "Fingerprint")
    sd.text(3, 3, "fingerprint", data.fingerprint)
    sd.text(3, 5, "note", f"{context_line(s)} Generated {data.generated:%Y-%m-%d %H:%M}.")
    sd.height(3, 22)
    sd.text(
        4,
        1,
        "note",
        "Ideas and fingerprint: as generated (cvm-xl verify checks them). Figures and totals: live. "
        f"{PROTECTION_NOTE}",
    )
    hr = L.SIGN_OFF_HEADER_ROW
    for c, name in enumerate(L.SIGN_OFF_COLUMNS, start=1):
        sd.text(hr, c, "header.calc" if c > 2 else "header.input", name)
    sd.height(hr, 30)

    selected = data.selected()
    ideas = data.decided_ideas  # as signed: a chain idea by its chain split (issue 16)
    units = data.sign_off_units()
    used = sum(unit.lines for unit in units)
    if data.sign_off_by_wave:
        used += len({unit.wave for unit in units})  # a heading line per wave
    if used > layout.reserved:
        raise ValueError(
            f"The sign-off sheet of {data.customer_id} lists {used} lines, but the workbooks of this run "
            f"reserve {layout.reserved}: build the writer with the run's sign_off_lines."
        )
    r = L.SIGN_OFF_FIRST_ROW
    for k, unit in enumerate(units):
        if data.sign_off_by_wave and (k == 0 or unit.wave != units[k - 1].wave):
            section = [u for u in units if u.wave == unit.wave]
            _wave_line(sd, r, unit.wave, section, data)
            r += 1
        if unit.bundle is not None:
            _bundle_line(sd, r, unit.rank, unit.bundle, unit.members, data)
            r += 1
        for i in unit.members:
            _idea_line(sd, r, None if unit.bundle is not None else unit.rank, i, data)
            r += 1
    for r in range(L.SIGN_OFF_FIRST_ROW + max(used, 1), layout.last_idea_row + 1):
        sd.hide(r)
    if not selected:
        sd.text(
            L.SIGN_OFF_FIRST_ROW,
            3,
            "note",
            "No idea is ready for sign-off yet (a Go with an owner firm, owner, start and end).",
        )

    tr = layout.total_row
    first, last = L.SIGN_OFF_FIRST_ROW, layout.last_idea_row
    sd.text(tr, 2, "total.label", "Total")
    lr = layout.live_total_row
    sd.text(lr, 2, "total.label", "In the passbook now (Status signed off, implementing or delivered)")
    for c in (1, 3, 4, 5, 6, 7, 14, IN_PASSBOOK_COL):
        sd.blank(tr, c, "total.label")
        if c > 2:
            sd.blank(lr, c, "total.label")
    sd.blank(lr, 1, "total.label")
    flags = f"${LAST_COL}${first}:${LAST_COL}${last}"
    listed = f"$B${first}:$B${last}"
    now = [i for i in selected if in_passbook(ideas[col.STATUS][i])]
    for c in MONEY_COLUMNS:
        x = letter(c)
        name = FIELDS[c - 3][0]
        total = math.fsum(v for v in (ideas[name][i] for i in selected) if v == v)
        sd.formula(tr, c, "total.money", LF.listed_total(f"{x}{first}:{x}{last}", listed), total)
        live = math.fsum(v for v in (ideas[name][i] for i in now) if v == v)
        sd.formula(lr, c, "total.money", LF.in_passbook_total(f"{x}{first}:{x}{last}", flags), live)
    sd.height(tr, 20)
    sd.height(lr, 20)
    sd.text(
        layout.note_row,
        2,
        "note",
        "Transfer: paid by the supplier to the customer (negative: the customer "
        "pays the supplier). Finals: what each firm keeps after the transfer."
        + (CHAIN_NOTE if any(_is_chain(data, i) for i in selected) else ""),
    )

    hr = layout.sign_head_row
    firms = (("supplier", f"For {s.supplier} (supplier)"), ("customer", f"For {data.name} (customer)"))
    for firm, heading in firms:
        label_col = ord(L.SIGN_LABEL_COLS[firm]) - 64
        value_col = ord(L.SIGN_VALUE_COLS[firm]) - 64
        sd.text(hr, label_col, "sign.head", heading)
        last_col = 5 if firm == "supplier" else 13
        for c in range(label_col + 1, last_col + 1):
            sd.blank(hr, c, "sign.head")
        for label, r in layout.sign_rows.items():
            sd.text(r, label_col, "sign.label", label)
            style = "sign.date" if label == "Date" else "sign.box"
            for c in range(value_col, last_col + 1):
                sd.blank(r, c, style)
            sd.height(r, 40 if label == "Signature" else 26)
    sd.height(hr, 22)
    return sd


CHAIN_NOTE = (
    " A chain idea is signed by its chain verdict and split: its Transfer and Method are on the Chain sheet."
)


def _is_chain(data: CustomerData, i: int) -> bool:
    """Whether idea ``i`` is a chain idea listed on the workbook's Chain sheet (issue 16)."""
    view = data.chain
    return view is not None and str(data.ideas[col.IDEA_ID][i]).strip() in {x.idea_id for x in view.ideas}


def _chain_formulas(data: CustomerData, idea_id: str, r: int) -> dict[str, str]:
    """A chain idea's decided cells (issue 16): Transfer and Method from its Chain sheet row, the
    finals from the line's own values and transfer (SPEC §3.5: S − T, C + T)."""
    assert data.chain is not None
    value = {name: letter(c) for c, (name, _, _) in enumerate(FIELDS, start=3)}
    t = f"{value[col.TRANSFER]}{r}"
    return {
        col.TRANSFER: chain_sheet.flow_cell(data.chain, idea_id),
        col.SUPPLIER_FINAL: f"{value[col.SUPPLIER_VALUE]}{r}-{t}",
        col.CUSTOMER_FINAL: f"{value[col.CUSTOMER_VALUE]}{r}+{t}",
        col.SPLIT_METHOD: chain_sheet.method_cell(data.chain, idea_id),
    }


def _idea_line(sd: SheetData, r: int, rank: int | None, i: int, data: CustomerData) -> None:
    """One idea's line: its figures looked up on the Ideas sheet (a chain idea's decided ones on
    the Chain sheet), its live "In passbook" flag. A bundle's member has no rank of its own (None)."""
    ideas = data.decided_ideas
    idea_id = str(ideas[col.IDEA_ID][i])
    if rank is None:
        sd.blank(r, 1, "fixed.center")
    else:
        sd.number(r, 1, "fixed.center", rank)
    sd.value(r, 2, "fixed.text", idea_id)
    literal = formula_text(lookup_literal(idea_id))
    chain = _chain_formulas(data, idea_id.strip(), r) if _is_chain(data, i) else {}
    for c, (name, style, blank_as_empty) in enumerate(FIELDS, start=3):
        if name in chain:
            sd.formula(r, c, style, chain[name], ideas[name][i])
            continue
        formula = F.lookup_template(name, blank_as_empty).replace(F.ID_SLOT, literal)
        sd.formula_xml(r, c, style, formula, ideas[name][i])
    entered = in_passbook(ideas[col.STATUS][i])
    flag = formula_text(LF.in_passbook(LF.idea_text(idea_id, col.STATUS)))
    sd.formula_xml(
        r, IN_PASSBOOK_COL, "calc.center", flag, L.IN_PASSBOOK_YES if entered else L.IN_PASSBOOK_NO
    )
    sd.height(r, 30)


def wave_heading(data: CustomerData, wave: int | None) -> str:
    """The text of a wave's heading line: 'Wave 2 (kicked off 2026-10-05)'."""
    if wave is None:
        return "Ideas without a wave"
    title = wave_title(wave, kick_off_of(data.waves, wave))
    return title[:1].upper() + title[1:]


def _wave_line(
    sd: SheetData, r: int, wave: int | None, section: list[SignOffUnit], data: CustomerData
) -> None:
    """A wave's heading line above its lines: its name and, in the money columns, the subtotal of
    its idea lines (``listed_total`` over them: a bundle's own line is not counted twice). No Idea ID
    in column B, so the Total adds up the ideas of every wave once."""
    ideas = data.decided_ideas
    lines = sum(unit.lines for unit in section)
    first, last = r + 1, r + lines
    members = [i for unit in section for i in unit.members]
    sd.blank(r, 1, "total.label")
    sd.blank(r, 2, "total.label")
    sd.text(r, 3, "total.label", wave_heading(data, wave))
    for c in (4, 5, 6, 7, 14, IN_PASSBOOK_COL):
        sd.blank(r, c, "total.label")
    for c in MONEY_COLUMNS:
        x = letter(c)
        total = math.fsum(v for v in (ideas[FIELDS[c - 3][0]][i] for i in members) if v == v)
        sd.formula(
            r, c, "total.money", LF.listed_total(f"{x}{first}:{x}{last}", f"$B${first}:$B${last}"), total
        )
    sd.height(r, 20)


def bundle_heading(bundle: str, member_ids: list[str]) -> str:
    """The text of a bundle's line: its ID and its members' (listed with their titles below it)."""
    return f"Bundle {bundle}: {', '.join(member_ids)} (signed and shared as one)"


def _bundle_line(
    sd: SheetData, r: int, rank: int, bundle: str, members: list[int], data: CustomerData
) -> None:
    """A bundle's own line above its members: rank, ID, the sums of the member lines below it and
    the bundle's method (every member shows it). No Idea ID in column B and no "In passbook" flag:
    the totals add up the members' lines."""
    ideas = data.decided_ideas
    sd.number(r, 1, "fixed.center", rank)
    sd.blank(r, 2, "fixed.text")
    member_ids = [str(ideas[col.IDEA_ID][i]) for i in members]
    sd.value(r, 3, "fixed.text.wrap", bundle_heading(bundle, member_ids))
    for c in (4, 5, 6, 7, IN_PASSBOOK_COL):
        sd.blank(r, c, "fixed.center")
    for c, (name, style, _) in enumerate(FIELDS, start=3):
        x = letter(c)
        if c in MONEY_COLUMNS:
            total = math.fsum(v for v in (ideas[name][i] for i in members) if v == v)
            sd.formula(r, c, style, f"SUM({x}{r + 1}:{x}{r + len(members)})", total)
        elif name == col.SPLIT_METHOD:
            sd.formula(r, c, style, f"{x}{r + 1}", ideas[name][members[0]])
    sd.height(r, 30)


BUILDER = SheetBuilder(name=L.SIGN_OFF, setup=setup, render=render)
