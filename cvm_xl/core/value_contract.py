"""The value contract's transfers and investments per contract year (issue 14; SPEC §3.5, §3.6).

``core.tracking`` judges each contract year of a customer's Value guarantee on the value delivered:
its realised gains plus the transfers it received, with its own one-time investments apart
(``tracking.ContractParts``). This module works those two parts out:

* **Transfers received** in a contract year: for every idea of the customer in the passbook (Signed
  off, Implementing, Delivered), the transfer of that year as ``core.true_up`` reads it: the idea's
  applied split method over the year's planned amounts (planned T_y), or, for an idea with
  ``True-up = Yes`` and Tracking rows in that year, over its realised amounts (realised T_y =
  planned T_y + the settlement). T > 0 is a transfer to the customer; T < 0 (a price premium the
  customer pays) lowers what it received.
* **Investments** in a contract year: the customer's realised value on the Tracking rows of
  ``Kind`` One-time of its ideas with a month in that year (``tracking.ONE_TIME``).

Customers without a Wave start have no contract years, so no parts.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import pandas as pd

from cvm_xl.core import cells
from cvm_xl.core import columns as col
from cvm_xl.core.passbook import in_passbook
from cvm_xl.core.settings import Settings
from cvm_xl.core.tracking import (
    CUSTOMER_REALISED,
    MONTH,
    ONE_TIME,
    TRACKING_KIND,
    TRACKING_KIND_SYNONYMS,
    TRACKING_KINDS,
    ContractParts,
    contract_year,
    month_of,
    realised_by_month,
)
from cvm_xl.core.true_up import is_true_up, row_years, wave_months


def tracking_kind(x: object) -> str | None:
    """Recurring or One-time (``TRACKING_KIND_SYNONYMS`` too); None for blank (= Recurring).
    Raises ValueError for anything else."""
    return cells.choice(x, TRACKING_KINDS, TRACKING_KIND_SYNONYMS)


def is_one_time(x: object) -> bool:
    """Whether a Tracking row's Kind says One-time (an unreadable Kind counts as Recurring: validation
    names the cell)."""
    return cells.safely(tracking_kind, x) == ONE_TIME


def _text(x: object) -> str | None:
    return cells.text(x)


def contract_parts(
    customers: pd.DataFrame, evaluated: pd.DataFrame, tracking: pd.DataFrame, settings: Settings
) -> dict[str, ContractParts]:
    """Customer ID -> its ``ContractParts`` (module rules) for every customer with a Wave start.

    ``evaluated`` is the evaluated Ideas table (Split method, Status, Start, amounts, True-up),
    ``tracking`` the Tracking table (Idea ID, Month, realised amounts, Kind)."""
    waves = wave_months(customers)
    owner: dict[str, str] = {}
    transfers: dict[str, dict[int, float]] = {cid: {} for cid in waves}
    investments: dict[str, dict[int, float]] = {cid: {} for cid in waves}
    if len(evaluated) and col.IDEA_ID in evaluated.columns:
        ids, owners = evaluated[col.IDEA_ID].tolist(), evaluated[col.CUSTOMER_ID].tolist()
        for idea, cid in zip(ids, owners, strict=True):
            key, customer = _text(idea), _text(cid)
            if key is not None and customer is not None:
                owner.setdefault(key, customer)
    realised: dict[str, list[tuple[int, float, float]]] = {}
    if len(tracking) and col.IDEA_ID in tracking.columns:
        monthly = realised_by_month(tracking)
        for idea, month, supplier, customer in zip(
            monthly[col.IDEA_ID].tolist(), monthly[MONTH].tolist(),
            monthly["Supplier realised"].tolist(), monthly[CUSTOMER_REALISED].tolist(), strict=True,
        ):  # fmt: skip
            index = month_of(month)
            if index is not None:
                realised.setdefault(str(idea), []).append((index, float(supplier), float(customer)))
        _add_investments(tracking, owner, waves, investments)
    rows: list[Mapping[Hashable, object]] = list(evaluated.to_dict("records")) if len(evaluated) else []
    seen: set[str] = set()
    for row in rows:
        idea, cid = _text(row.get(col.IDEA_ID)), _text(row.get(col.CUSTOMER_ID))
        if idea is None or cid not in waves or idea in seen or not in_passbook(row.get(col.STATUS)):
            continue
        seen.add(idea)
        own = realised.get(idea, []) if is_true_up(row.get(col.TRUE_UP)) else []
        for year in row_years(row, waves[cid], own, settings):
            received = year.realised_transfer if year.reported else year.planned_transfer
            if received:
                by_year = transfers[cid]
                by_year[year.year - 1] = by_year.get(year.year - 1, 0.0) + received
    return {cid: ContractParts(transfers[cid], investments[cid]) for cid in waves}


def _add_investments(
    tracking: pd.DataFrame,
    owner: Mapping[str, str],
    waves: Mapping[str, int],
    investments: dict[str, dict[int, float]],
) -> None:
    """Add each One-time Tracking row's customer amount to its customer's contract year."""
    if TRACKING_KIND not in tracking.columns:
        return
    amounts = cells.number_column(tracking.get(CUSTOMER_REALISED), len(tracking))
    for idea, month, kind, amount in zip(
        tracking[col.IDEA_ID].tolist(), tracking[MONTH].tolist() if MONTH in tracking.columns else
        [None] * len(tracking), tracking[TRACKING_KIND].tolist(), amounts.tolist(), strict=True,
    ):  # fmt: skip
        cid = owner.get(_text(idea) or "")
        index = month_of(month)
        if cid is None or cid not in waves or index is None or amount != amount or not is_one_time(kind):
            continue
        year = contract_year(index, waves[cid])
        investments[cid][year] = investments[cid].get(year, 0.0) + amount
