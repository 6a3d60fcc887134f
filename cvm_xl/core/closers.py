"""The equity closer (issue 15; SPEC §3.5 transfers, §3.6 passbook and equity gap).

When a relationship's passbook is out of balance by more than Settings ``Equity tolerance`` of its
total, the seed paper asks the firm that is behind to look for "ideas that restore equity". The
closer names them: it ranks the customer's *open* Go ideas by how much signing each one would
shrink |equity gap|, and states the transfer (and its price-premium or rebate equivalent, SPEC §3.5)
that would close what is left once the top three are signed.

Signing an idea adds its three passbook lines (``core.passbook.passbook_lines``): the supplier's
balance moves by Vs - T, the customer's by Vc + T, with T the idea's evaluated Transfer (its split,
``auto`` unless the idea names a method). The gap G = Bs - w* x (Bs + Bc) then moves by
(Vs - T) - w* x (Vs + Vc), so the closer needs no other arithmetic than the passbook's own.

The members of a bundle (column ``Bundle``) are signed as one: their lines are summed into one
candidate, named by the bundle ID (members grouped by Customer ID and Bundle ID with
``core.bundles.group_key``, the one home of that rule).

Ties (the same shrink) go to the smaller ID: IDs are compared as text, exactly as the fingerprint
orders signed ideas (``'I-10' < 'I-9'``; the master's IDs share one width, so this is their order).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cvm_xl.core import columns as col
from cvm_xl.core import spellings
from cvm_xl.core.bundles import group_key, in_bundle
from cvm_xl.core.cells import parse_yes_no
from cvm_xl.core.passbook import Balances, balances, equity_gap, passbook_lines
from cvm_xl.core.settings import Settings
from cvm_xl.core.sharing import PricePremium, price_premium
from cvm_xl.core.values import is_blank
from cvm_xl.core.verdicts import GO_CODES

# How many of the ranked ideas the advice names, and after which the closing transfer is stated.
TOP = 3


@dataclass(frozen=True)
class Closer:
    """One open Go idea (or bundle) that would shrink the equity gap if signed.

    ``idea_id`` is the idea's ID, or the bundle's ID for a bundle (``members`` then lists its
    ideas; for a lone idea it is ``(idea_id,)``). ``shrink`` = |G| - |G after|, always > 0;
    ``gap_after`` is the signed gap once this idea alone is signed. ``supplier_move`` and
    ``customer_move`` are what its passbook lines add to each firm's balance (Vs - T, Vc + T).
    """

    idea_id: str
    title: str
    members: tuple[str, ...]
    shrink: float
    gap_after: float
    supplier_move: float
    customer_move: float


@dataclass(frozen=True)
class EquityCloser:
    """Where one relationship stands and what closes its equity gap.

    ``needed``: |gap| exceeds ``tolerance`` (= Equity tolerance x |total|); when it is not, the
    ranking is empty and nothing needs closing. ``closers``: every open Go idea that shrinks |gap|,
    best first. ``remaining_gap``: the gap after the first ``TOP`` closers are signed (the gap
    itself when none is); ``transfer`` = that gap, the T (supplier -> customer when positive) that
    closes the rest; ``premium`` its per-unit equivalent when the customer has an Annual volume
    (with a percentage of price when it has a Unit price too), else None.
    """

    balances: Balances
    tolerance: float
    needed: bool
    closers: tuple[Closer, ...]
    remaining_gap: float
    transfer: float
    premium: PricePremium | None

    @property
    def top(self) -> tuple[Closer, ...]:
        """The closers the advice names (at most ``TOP``)."""
        return self.closers[:TOP]


def _flag(value: object) -> bool:
    try:
        return bool(parse_yes_no(value, False))
    except ValueError:
        return False  # an unreadable cell is the checks' to report; the closer reads it as No


def open_mask(evaluated: pd.DataFrame) -> np.ndarray:
    """The open ideas: status neither in the passbook (signed off or later) nor Dropped, and not out
    of bounds. ``core.balance`` draws a bundle's members from them too."""
    is_open = np.ones(len(evaluated), dtype=bool)
    if col.STATUS in evaluated.columns:
        is_open &= np.array([spellings.is_open_status(x) for x in evaluated[col.STATUS]], dtype=bool)
    if col.OUT_OF_BOUNDS in evaluated.columns:
        is_open &= ~np.array([_flag(x) for x in evaluated[col.OUT_OF_BOUNDS]], dtype=bool)
    return is_open


def open_go_mask(evaluated: pd.DataFrame) -> np.ndarray:
    """The open Go ideas: a Go verdict (``verdicts.GO_CODES``) and open (``open_mask``)."""
    if col.VERDICT_CODE not in evaluated.columns:
        return np.zeros(len(evaluated), dtype=bool)
    go: np.ndarray = evaluated[col.VERDICT_CODE].isin(GO_CODES).to_numpy(dtype=bool) & open_mask(evaluated)
    return go


def _amounts(frame: pd.DataFrame, name: str) -> np.ndarray:
    # As the passbook lines: an unquantified idea's missing amounts move no balance.
    values: np.ndarray = np.nan_to_num(frame[name].to_numpy(dtype=float), nan=0.0)
    return values


def _candidates(evaluated: pd.DataFrame) -> list[tuple[str, str, tuple[str, ...], float, float]]:
    """(ID, title, members, supplier move, customer move) of every open Go idea or bundle."""
    ideas = evaluated.loc[open_go_mask(evaluated)]
    vs, vc, t = (_amounts(ideas, name) for name in (col.SUPPLIER_VALUE, col.CUSTOMER_VALUE, col.TRANSFER))
    ids = [spellings.cell_text(x) for x in ideas[col.IDEA_ID]]
    titles = [spellings.cell_text(x) for x in ideas[col.TITLE]] if col.TITLE in ideas.columns else ids
    customers = ideas[col.CUSTOMER_ID].tolist() if col.CUSTOMER_ID in ideas.columns else [None] * len(ids)
    cells = ideas[col.BUNDLE].tolist() if col.BUNDLE in ideas.columns else [None] * len(ids)
    keys = [group_key(c, b) if in_bundle(b) else None for c, b in zip(customers, cells, strict=True)]
    out: list[tuple[str, str, tuple[str, ...], float, float]] = []
    grouped: dict[tuple[str, str], int] = {}
    for i, idea_id in enumerate(ids):
        supplier, customer = float(vs[i] - t[i]), float(vc[i] + t[i])
        key = keys[i]
        if key is None:
            out.append((idea_id, titles[i], (idea_id,), supplier, customer))
            continue
        if key not in grouped:
            grouped[key] = len(out)
            label = spellings.cell_text(cells[i]).strip()
            out.append((label, f"Bundle {label}", (), 0.0, 0.0))
        at = grouped[key]
        label, title, members, s_move, c_move = out[at]
        out[at] = (label, title, (*members, idea_id), s_move + supplier, c_move + customer)
    return out


def equity_closer(
    evaluated: pd.DataFrame,
    settings: Settings,
    *,
    passbook: Balances | None = None,
    annual_volume: float | None = None,
    unit_price: float | None = None,
) -> EquityCloser:
    """The equity closer of one relationship.

    ``evaluated``: the customer's ideas as ``evaluation.evaluate_ideas`` returns them (all of
    them: the passbook's balances are taken from its passbook ideas unless ``passbook`` gives
    them, e.g. with settlement lines). ``annual_volume``/``unit_price``: the customer's, for the
    price-premium equivalent (blank or 0 -> no premium).
    """
    w = settings.target_supplier_share
    b = passbook if passbook is not None else balances(passbook_lines(evaluated), w)
    gap = b.equity_gap
    tolerance = settings.equity_tolerance * abs(b.total)
    needed = abs(gap) > tolerance
    ranked: list[Closer] = []
    if needed:
        for idea_id, title, members, s_move, c_move in _candidates(evaluated):
            after = equity_gap(b.supplier + s_move, b.customer + c_move, w)
            shrink = abs(gap) - abs(after)
            if shrink > 0:
                ranked.append(Closer(idea_id, title, members, shrink, after, s_move, c_move))
        ranked.sort(key=lambda c: (-c.shrink, c.idea_id))
    # The rest after the top closers are signed: their moves add up, as their passbook lines do.
    supplier, customer = b.supplier, b.customer
    for closer in ranked[:TOP]:
        supplier, customer = supplier + closer.supplier_move, customer + closer.customer_move
    remaining = equity_gap(supplier, customer, w) if ranked else gap
    transfer = remaining if needed else 0.0
    premium = None
    if needed and _positive(annual_volume):
        assert annual_volume is not None
        price = unit_price if _positive(unit_price) else None
        premium = price_premium(transfer, annual_volume, settings.horizon_years, price)
    return EquityCloser(b, tolerance, needed, tuple(ranked), remaining, transfer + 0.0, premium)


def _positive(x: float | None) -> bool:
    return x is not None and not is_blank(x) and isinstance(x, int | float) and math.isfinite(x) and x > 0
