"""The passbook of gives and gets across all signed-off ideas of a relationship (SPEC §3.6).

Each idea in the passbook contributes three lines, and a trued-up idea a fourth, its Settlement
(``core.true_up``: realised transfer - planned transfer to date; > 0, the supplier owes the
customer). A line's ``Supplier`` and ``Customer`` columns say how it moves each firm's balance, so
a balance is a plain column sum.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

import numpy as np
import pandas as pd

from cvm_xl.core import columns as col
from cvm_xl.core import spellings

LINE_SUPPLIER_VALUE = "Supplier value"
LINE_CUSTOMER_VALUE = "Customer value"
LINE_TRANSFER = "Transfer"
LINE_KINDS = (LINE_SUPPLIER_VALUE, LINE_CUSTOMER_VALUE, LINE_TRANSFER)  # every passbook idea's lines
# The fourth line of a trued-up idea with realised values (issue 15): a give for the supplier, a get
# for the customer, like the transfer it trues up.
LINE_SETTLEMENT = "Settlement"
ALL_LINE_KINDS = (*LINE_KINDS, LINE_SETTLEMENT)
PASSBOOK_COLUMNS = (
    col.CUSTOMER_ID, col.IDEA_ID, col.TITLE, col.STATUS, "Line", "Amount", "Supplier", "Customer",
)  # fmt: skip
# One relationship's passbook, as its workbook shows it: the same columns without the customer.
RELATIONSHIP_PASSBOOK_COLUMNS = PASSBOOK_COLUMNS[1:]


def in_passbook(status: object) -> bool:
    """Whether an idea of this Status enters the passbook (any spelling ``spellings.status`` reads:
    the workbook formulas test the same table, ``spellings.excel_status_is``)."""
    return spellings.is_passbook_status(status)


def passbook_ideas(evaluated: pd.DataFrame) -> pd.DataFrame:
    """The evaluated ideas whose status puts them in the passbook, in their table order."""
    if col.STATUS not in evaluated.columns:
        return evaluated.iloc[0:0]
    mask = evaluated[col.STATUS].map(in_passbook).to_numpy(dtype=bool)
    return evaluated.loc[mask]


def passbook_lines(evaluated: pd.DataFrame, settlements: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Three lines per passbook idea: Vs (supplier gets), Vc (customer gets), T (supplier gives);
    then, for an idea in ``settlements`` (Idea ID -> settlement to date, ``core.true_up``), its
    Settlement line right after them (the supplier gives it, the customer gets it).

    Unquantified (good-faith) ideas have no amounts yet; their lines carry 0 so that they are
    visible in the passbook without moving a balance.
    """
    ideas = passbook_ideas(evaluated)
    n = len(ideas)
    vs = np.nan_to_num(ideas[col.SUPPLIER_VALUE].to_numpy(dtype=float), nan=0.0)
    vc = np.nan_to_num(ideas[col.CUSTOMER_VALUE].to_numpy(dtype=float), nan=0.0)
    t = np.nan_to_num(ideas[col.TRANSFER].to_numpy(dtype=float), nan=0.0)
    zero = np.zeros(n)

    def repeat(name: str) -> np.ndarray:
        values = ideas[name].to_numpy(dtype=object) if name in ideas.columns else np.full(n, None)
        return np.repeat(values, 3)

    amounts = np.column_stack([vs, vc, t]).ravel()
    supplier = np.column_stack([vs, zero, -t]).ravel() + 0.0
    customer = np.column_stack([zero, vc, t]).ravel() + 0.0
    lines = pd.DataFrame(
        {
            col.CUSTOMER_ID: repeat(col.CUSTOMER_ID),
            col.IDEA_ID: repeat(col.IDEA_ID),
            col.TITLE: repeat(col.TITLE),
            col.STATUS: repeat(col.STATUS),
            "Line": np.tile(np.array(LINE_KINDS, dtype=object), n),
            "Amount": amounts,
            "Supplier": supplier,
            "Customer": customer,
        }
    )
    if not settlements or not n:
        return lines
    return _with_settlements(lines, settlements)


def _with_settlements(lines: pd.DataFrame, settlements: Mapping[str, float]) -> pd.DataFrame:
    """``lines`` with a Settlement line after the Transfer line of each idea in ``settlements``."""
    transfers = lines.index[lines["Line"].to_numpy(dtype=object) == LINE_TRANSFER]
    ids = ["" if v is None else str(v).strip() for v in lines.loc[transfers, col.IDEA_ID].tolist()]
    picked = [
        (i, settlements[idea]) for i, idea in zip(transfers.tolist(), ids, strict=True) if idea in settlements
    ]
    if not picked:
        return lines
    at = [i for i, _ in picked]
    amount = np.array([s for _, s in picked], dtype=float) + 0.0
    extra = lines.loc[at].copy()
    extra["Line"] = LINE_SETTLEMENT
    extra["Amount"] = amount
    extra["Supplier"] = -amount + 0.0
    extra["Customer"] = amount
    order = np.concatenate([np.arange(len(lines), dtype=float), np.array(at, dtype=float) + 0.5])
    both = pd.concat([lines, extra], ignore_index=True)
    return both.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)


class Balances(NamedTuple):
    """Where a relationship stands. equity_gap > 0: the supplier is ahead by that amount."""

    supplier: float
    customer: float
    total: float
    target_supplier_share: float
    equity_gap: float

    @property
    def supplier_share(self) -> float | None:
        return self.supplier / self.total if self.total else None


def equity_gap(supplier_balance: float, customer_balance: float, target_supplier_share: float = 0.5) -> float:
    """G = Bs - w* x (Bs + Bc)."""
    return supplier_balance - target_supplier_share * (supplier_balance + customer_balance) + 0.0


def balances(lines: pd.DataFrame, target_supplier_share: float = 0.5) -> Balances:
    """Balances of a passbook (the output of ``passbook_lines``)."""
    bs = float(lines["Supplier"].sum()) + 0.0
    bc = float(lines["Customer"].sum()) + 0.0
    return Balances(bs, bc, bs + bc, target_supplier_share, equity_gap(bs, bc, target_supplier_share))


def balances_by_customer(lines: pd.DataFrame, target_supplier_share: float = 0.5) -> dict[str, Balances]:
    return {
        str(cid): balances(group, target_supplier_share)
        for cid, group in lines.groupby(col.CUSTOMER_ID, sort=False)
    }


# A gap this small is rounding between the two firms' books (the reconciliation tolerance too).
BALANCE_TOLERANCE = 0.5


def equity_reading(gap: float, tolerance: float = BALANCE_TOLERANCE) -> str:
    """'Supplier ahead', 'Customer ahead' or 'Balanced' for an equity gap."""
    if abs(gap) <= tolerance:
        return "Balanced"
    return "Supplier ahead" if gap > 0 else "Customer ahead"


def whole_amount(x: float) -> str:
    """An amount as the advice writes it: rounded to a whole number half away from zero, with
    thousands separators ('380,204'), as the cells beside it show it. ``WHOLE_AMOUNT_FORMULA`` is
    the same in a workbook (Excel's FIXED rounds half away from zero too)."""
    if not math.isfinite(x):
        return str(x)
    whole = Decimal(repr(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{whole:,}" if whole else "0"


# ``whole_amount`` as a classic Excel expression over the amount ``{x}``.
WHOLE_AMOUNT_FORMULA = "FIXED({x},0)"


def equity_advice(
    b: Balances, supplier: str = "Supplier", customer: str = "Customer", tolerance: float = BALANCE_TOLERANCE
) -> str:
    """The equity gap in plain words, with what to do about it."""
    gap = b.equity_gap
    if abs(gap) <= tolerance:
        return f"Balanced: {supplier} and {customer} are at the target share."
    amount = whole_amount(abs(gap))
    if gap > 0:
        return (
            f"{supplier} ahead by {amount}: look for ideas that favour {customer}, "
            f"or transfer {amount} to {customer}."
        )
    return (
        f"{customer} ahead by {amount}: look for ideas that favour {supplier}, "
        f"or {customer} transfers {amount} (e.g. as a price premium)."
    )
