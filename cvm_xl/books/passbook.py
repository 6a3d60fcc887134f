"""The passbook with planned and realised value side by side, per relationship (SPEC §3.6), and the
Passbook sheet of the master workbook.

Planned lines are ``passbook.passbook_lines`` (three per idea signed off, implementing or
delivered). The realised amount of a value line is what the Tracking sheet records for that idea
and firm, summed over its months (rows without a month are left out, as in ``tracking``); a
transfer is agreed, not tracked, so its line has no realised amount. An idea marked True-up = Yes
with realised values has a fourth line, its Settlement to date (``core.true_up``: the transfer
recomputed per contract year on the realised values, less the planned one), beside which the
planned and realised transfers to date are shown. Out-of-bounds ideas are never in a passbook both
firms read: they are left out here as in every generated workbook.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books.read import KIND_SIGNOFF
from cvm_xl.core import columns as col
from cvm_xl.core.cells import parse_yes_no
from cvm_xl.core.fingerprint import canonical_text as key
from cvm_xl.core.passbook import (
    LINE_CUSTOMER_VALUE,
    LINE_SETTLEMENT,
    LINE_SUPPLIER_VALUE,
    PASSBOOK_COLUMNS,
    Balances,
    balances,
    equity_advice,
)
from cvm_xl.core.reconcile import Difference, reconcile
from cvm_xl.core.settings import Settings
from cvm_xl.core.tracking import CUSTOMER_REALISED, SUPPLIER_REALISED, realised_by_month
from cvm_xl.core.true_up import (
    PLANNED_TRANSFER,
    REALISED_TRANSFER,
    YEARS,
    TrueUp,
    booked_lines,
    settlement_reading,
    wave_months,
)
from cvm_xl.master.lock import writing
from cvm_xl.master.model import Master
from cvm_xl.master.save import save_master
from cvm_xl.spreadsheet.sheet_names import open_for_update, set_title, sheets_in_view_of
from cvm_xl.spreadsheet.tables import find_sheet

if TYPE_CHECKING:
    from cvm_xl.books.read import BookContent

REALISED = "Realised"
REALISED_LINES = {LINE_SUPPLIER_VALUE: "Supplier realised", LINE_CUSTOMER_VALUE: "Customer realised"}
PASSBOOK_SHEET = "Passbook"


def realised_by_idea(tracking: pd.DataFrame) -> pd.DataFrame:
    """Supplier and customer realised value per idea (all tracked months), indexed by Idea ID."""
    monthly = realised_by_month(tracking)
    return monthly.groupby(col.IDEA_ID, sort=False)[[SUPPLIER_REALISED, CUSTOMER_REALISED]].sum()


def passbook_with_realised(
    shared: pd.DataFrame,
    tracking: pd.DataFrame,
    waves: Mapping[str, int] | None = None,
    settings: Settings | None = None,
    decided: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``passbook_lines`` of the (evaluated, shared) ideas, or of ``decided`` when given (the same
    rows as decided, ``core.true_up.booked_lines``), plus the ``Realised`` amount of each line
    (NaN for transfers and settlements; 0 for a value line whose idea has no tracking row yet).

    The true-up ideas (``core.true_up``; ``waves``: each customer's Wave start month) have their
    Settlement line, which also carries the ``Years`` reported and the ``Planned transfer`` and
    ``Realised transfer`` to date it is the difference of (NaN on every other line).
    """
    lines, found = booked_lines(shared, tracking, waves or {}, settings or Settings(), decided)
    realised = realised_by_idea(tracking)
    ids = lines[col.IDEA_ID].map(lambda v: None if v is None else str(v).strip())
    supplier = ids.map(realised[SUPPLIER_REALISED]).fillna(0.0) if len(realised) else 0.0
    customer = ids.map(realised[CUSTOMER_REALISED]).fillna(0.0) if len(realised) else 0.0
    kinds = lines["Line"].to_numpy(dtype=object)
    values = np.where(
        kinds == LINE_SUPPLIER_VALUE, supplier, np.where(kinds == LINE_CUSTOMER_VALUE, customer, np.nan)
    )
    lines[REALISED] = values.astype(float)
    _true_up_columns(lines, ids, kinds == LINE_SETTLEMENT, found)
    return lines


def _true_up_columns(
    lines: pd.DataFrame, ids: pd.Series, settled: np.ndarray, found: Mapping[str, TrueUp]
) -> None:
    """The years and transfers to date of each Settlement line (NaN on the other lines)."""
    figures = {
        YEARS: lambda t: float(len(t.years)),
        PLANNED_TRANSFER: lambda t: t.planned_transfer,
        REALISED_TRANSFER: lambda t: t.realised_transfer,
    }
    for name, figure in figures.items():
        column = np.full(len(lines), np.nan)
        for i in np.flatnonzero(settled).tolist():
            column[i] = figure(found[ids.iloc[i]])
        lines[name] = column


class Standing(NamedTuple):
    """Where one relationship stands: planned balances, realised value to date and the advice."""

    customer_id: str
    customer: str
    balances: Balances
    realised_supplier: float
    realised_customer: float
    advice: str

    @property
    def customer_share(self) -> float | None:
        b = self.balances
        return b.customer / b.total if b.total else None


def standings(lines: pd.DataFrame, customers: Mapping[str, str | None], settings: Settings) -> list[Standing]:
    """One ``Standing`` per customer (in ``customers`` order) from ``passbook_with_realised`` lines."""
    out = []
    by_customer = lines[col.CUSTOMER_ID].map(lambda v: None if v is None else str(v).strip())
    for cid, name in customers.items():
        mine = lines[by_customer == cid]
        b = balances(mine, settings.target_supplier_share)
        realised = mine.groupby("Line")[REALISED].sum()
        label = name or cid
        out.append(
            Standing(
                cid,
                label,
                b,
                float(realised.get(LINE_SUPPLIER_VALUE, 0.0)) + 0.0,
                float(realised.get(LINE_CUSTOMER_VALUE, 0.0)) + 0.0,
                equity_advice(b, settings.supplier, label),
            )
        )
    return out


# --- the master's Passbook sheet ------------------------------------------------------------------

BALANCE_HEADER = (
    col.CUSTOMER_ID, "Customer", "Supplier balance (Bs)", "Customer balance (Bc)", "Total value created",
    "Supplier share", "Customer share", "Target supplier share", "Equity gap", "Supplier realised to date",
    "Customer realised to date", "Suggestion",
)  # fmt: skip
LINE_HEADER = (
    col.CUSTOMER_ID, col.IDEA_ID, col.TITLE, col.STATUS, "Line", "Planned", "Supplier", "Customer",
    "Realised to date",
)  # fmt: skip
# Below the lines: each trued-up idea's transfers to date and the settlement per firm (issue 15).
TRUE_UP_TITLE = (
    "True-up on realised value: per contract year from the Wave start, the idea's split method over the "
    "realised values less the same over the plan; only years with a Tracking row count."
)
TRUE_UP_HEADER = (
    col.CUSTOMER_ID, col.IDEA_ID, col.TITLE, "Years reported", "Planned transfer to date",
    "Realised transfer to date", "Settlement", "Supplier", "Customer", "Who owes whom",
)  # fmt: skip
_MONEY = "#,##0;[Red]-#,##0"
_SHARE = "0.0%"
_WIDTHS = (12, 28, 22, 18, 18, 14, 14, 14, 14, 18, 18, 90)


def _blank(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


def passbook_sheet_rows(
    lines: pd.DataFrame, items: list[Standing], settings: Settings, when: dt.datetime
) -> list[list[object]]:
    """The master's Passbook sheet as rows of plain values (the first row is Excel row 1)."""
    rows: list[list[object]] = [
        [f"Passbook: {settings.supplier} and its CVM customers ({settings.currency})"],
        [
            f"Written by cvm-xl on {when:%Y-%m-%d %H:%M} from the Ideas and Tracking sheets; rewritten by "
            "cvm-xl passbook and cvm-xl import, so edits here are not kept. Planned: the value over the "
            "horizon of each idea signed off, implementing or delivered; realised: what Tracking records."
        ],
        [],
        list(BALANCE_HEADER),
    ]
    for s in items:
        b = s.balances
        rows.append(
            [s.customer_id, s.customer, b.supplier, b.customer, b.total, _blank(b.supplier_share),
             _blank(s.customer_share), b.target_supplier_share, b.equity_gap, s.realised_supplier,
             s.realised_customer, s.advice]
        )  # fmt: skip
    rows += [[], [], list(LINE_HEADER)]
    table = lines[[*PASSBOOK_COLUMNS, REALISED]]
    for values in table.to_numpy(dtype=object).tolist():
        rows.append([_blank(v) if isinstance(v, float) else v for v in values])
    if not len(lines):
        rows.append(["No idea is signed off, implementing or delivered yet."])
    settled = lines[lines["Line"] == LINE_SETTLEMENT] if YEARS in lines.columns else lines.iloc[0:0]
    if len(settled):
        rows += [[], [], [TRUE_UP_TITLE], list(TRUE_UP_HEADER)]
        names = {s.customer_id: s.customer for s in items}
        for r in settled.to_dict("records"):
            amount = float(r["Amount"])
            cid = r[col.CUSTOMER_ID]
            rows.append(
                [cid, r[col.IDEA_ID], r[col.TITLE], int(r[YEARS]), r[PLANNED_TRANSFER], r[REALISED_TRANSFER],
                 amount, -amount + 0.0, amount,
                 settlement_reading(amount, settings.supplier, names.get(key(cid), str(cid)))]
            )  # fmt: skip
    return rows


def master_passbook(master: Master) -> tuple[pd.DataFrame, list[Standing]]:
    """The master's passbook lines (planned and realised) and each customer's standing."""
    # Issue 16: the ideas as decided: a chain idea's transfer is its split's net flow from the
    # supplier to the customer (``core.chain_decisions``).
    ev, dv = master.evaluated, master.decided
    if col.OUT_OF_BOUNDS in ev.columns:
        keep = ~ev[col.OUT_OF_BOUNDS].map(lambda v: bool(parse_yes_no(v, False))).to_numpy(dtype=bool)
        ev, dv = ev.loc[keep], dv.loc[keep]
    waves = wave_months(master.customers)
    lines = passbook_with_realised(ev, master.tracking, waves, master.settings, decided=dv)
    customers = {
        str(cid).strip(): (name if isinstance(name, str) and name.strip() else None)
        for cid, name in zip(master.customers[col.CUSTOMER_ID], master.customers["Customer"], strict=True)
    }
    return lines, standings(lines, customers, master.settings)


def _style_sheet(ws: Worksheet, rows: list[list[object]], n_customers: int) -> None:
    bold = Font(bold=True)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"].font = Font(italic=True, color="595959")
    balance_header = 4
    line_header = balance_header + n_customers + 3
    for header_row in (balance_header, line_header):
        for cell in ws[header_row]:
            cell.font = bold
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r in range(balance_header + 1, balance_header + n_customers + 1):
        for c in (3, 4, 5, 9, 10, 11):
            ws.cell(r, c).number_format = _MONEY
        for c in (6, 7, 8):
            ws.cell(r, c).number_format = _SHARE
    for r in range(line_header + 1, len(rows) + 1):
        for c in (6, 7, 8, 9):
            ws.cell(r, c).number_format = _MONEY
    true_up_header = next((i for i, v in enumerate(rows, start=1) if v and v[0] == TRUE_UP_TITLE), None)
    if true_up_header is not None:
        ws.cell(true_up_header, 1).font = bold
        for cell in ws[true_up_header + 1]:
            cell.font = bold
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = None


_HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")


def write_passbook_sheet(
    path: str | Path, master: Master, when: dt.datetime | None = None, *, backup: bool = False
) -> Path | None:
    """Write (or rewrite) the Passbook sheet of the master file, atomically; nothing else changes.

    The sheet holds plain values: it is a statement of the passbook at ``when``, rewritten by
    ``cvm-xl passbook`` and after every ``cvm-xl import``. The master is held for writing while it
    is read and saved; with ``backup`` the previous file is kept beside it (returned).
    """

    target = Path(path)
    when = when or dt.datetime.now().replace(microsecond=0)
    lines, items = master_passbook(master)
    rows = passbook_sheet_rows(lines, items, master.settings, when)
    with writing(target, holder="cvm-xl passbook"):
        wb = open_for_update(target)  # every sheet keeps its own name (a hidden 'ideas' beside 'Ideas')
        existing = find_sheet(sheets_in_view_of(wb), PASSBOOK_SHEET)
        index = len(wb.sheetnames)
        if existing is not None:
            index = wb.sheetnames.index(existing)
            wb.remove(wb[existing])
        ws = wb.create_sheet(PASSBOOK_SHEET, index)
        set_title(ws, PASSBOOK_SHEET)  # openpyxl would add a '1' beside a hidden sheet of that name
        for values in rows:
            ws.append([_cell(v) for v in values])
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # typed text (a title starting with '=') stays text
        _style_sheet(ws, rows, len(items))
        return save_master(wb, target, backup=backup, now=when)


def _cell(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


# --- reconciling the passbooks of two workbooks ------------------------------------------------------


class BookReconciliation(NamedTuple):
    """Two workbooks' passbooks compared line by line for the customers both hold."""

    customers: tuple[str, ...]
    differences: list[Difference]
    lines_a: pd.DataFrame
    lines_b: pd.DataFrame
    realised: bool
    titles: dict[str, str]

    @property
    def agree(self) -> bool:
        return not self.differences


def book_passbook(book: BookContent, customers: Sequence[str]) -> pd.DataFrame:
    """``passbook_with_realised`` of a workbook's ideas of these customers, recomputed from inputs."""
    # Issue 16: the ideas as decided: a chain idea's transfer is its split's flow from the supplier
    # to the customer (a master's from its chain tables, a customer workbook's from its Chain sheet).
    shared, decided = book.shared, book.decided
    mine = shared[col.CUSTOMER_ID].map(key).isin(set(customers)).to_numpy(dtype=bool)
    return passbook_with_realised(shared[mine], book.tracking, book.waves, book.settings, decided[mine])


def reconcile_books(
    a: BookContent, b: BookContent, *, tolerance: float = 0.5, realised: bool = True
) -> BookReconciliation:
    """Reconcile the passbooks of two workbooks (SPEC §3.6) over the customers both hold.

    Realised lines are compared only when both workbooks keep tracking rows (the consolidated
    sign-off does not). Raises ValueError when the workbooks share no customer.
    """
    customers = tuple(cid for cid in a.customers if cid in b.customers)
    if not customers:
        raise ValueError(
            f"the two workbooks share no customer ({', '.join(a.customers) or 'none'} against "
            f"{', '.join(b.customers) or 'none'}), so there is no passbook to compare"
        )

    realised = realised and KIND_SIGNOFF not in (a.kind, b.kind)
    lines_a, lines_b = book_passbook(a, customers), book_passbook(b, customers)
    differences = reconcile(_comparable(lines_a, realised), _comparable(lines_b, realised), tolerance)
    titles: dict[str, str] = {}
    for lines in (lines_b, lines_a):
        for idea, title in zip(lines[col.IDEA_ID], lines[col.TITLE], strict=True):
            titles[key(idea)] = "" if title is None else str(title)
    return BookReconciliation(customers, differences, lines_a, lines_b, realised, titles)


def _comparable(lines: pd.DataFrame, realised: bool) -> pd.DataFrame:
    """The lines compared: every planned line, Settlements included (they are lines like the others),
    and the realised value lines; without ``realised`` (a book without tracking rows) neither the
    realised lines nor the Settlements, which are computed from tracking."""
    planned = lines[[col.IDEA_ID, "Line", "Amount"]]
    if not realised:
        return planned[planned["Line"] != LINE_SETTLEMENT]
    value_lines = lines[lines["Line"].isin(list(REALISED_LINES))]
    tracked = pd.DataFrame(
        {
            col.IDEA_ID: value_lines[col.IDEA_ID],
            "Line": value_lines["Line"].map(REALISED_LINES),
            "Amount": value_lines[REALISED],
        }
    )
    return pd.concat([planned, tracked]).sort_index(kind="stable")
