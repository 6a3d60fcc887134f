"""Counter-balancing a master: ``cvm-xl balance`` (issue 15; SPEC §3.4–3.6).

One use case, read by the command (and by any front end that wants it): ``plan_balance`` proposes,
per customer, the bundles that rescue shelved ideas (``core.balance``, solved exactly by HiGHS
through scipy.optimize.milp) and the equity closer (``core.closers``, from the balances the
passbook shows, ``books.passbook``); ``apply_balance`` writes the
proposed Bundle IDs into the master's Ideas table through ``master.update`` (held, backed up and
replaced atomically, like every write of a master), adding the Bundle column when the table lacks it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cvm_xl.books.passbook import master_passbook
from cvm_xl.core import columns as col
from cvm_xl.core.balance import CustomerBalance, Proposal, new_bundle_id, propose_bundles
from cvm_xl.core.bundles import in_bundle
from cvm_xl.core.cells import parse_number
from cvm_xl.core.chain_decisions import two_firm_ideas
from cvm_xl.core.closers import EquityCloser, equity_closer
from cvm_xl.core.spellings import cell_text
from cvm_xl.master.model import Master
from cvm_xl.master.update import CellChange, UpdateResult, update_master

IDEAS_SHEET = "Ideas"
ANNUAL_VOLUME = "Annual volume"
UNIT_PRICE = "Unit price"


@dataclass(frozen=True)
class CustomerPlan:
    """One customer's counter-balancing: bundle proposals (with the Bundle ID each would get) and
    the equity closer."""

    customer_id: str
    name: str
    bundles: CustomerBalance
    bundle_ids: tuple[str, ...]  # aligned with ``bundles.proposals``
    closer: EquityCloser


@dataclass(frozen=True)
class BalancePlan:
    """Every customer's plan, and the Ideas cells ``apply_balance`` would write."""

    customers: tuple[CustomerPlan, ...]
    changes: tuple[CellChange, ...]

    @property
    def proposals(self) -> int:
        return sum(len(c.bundles.proposals) for c in self.customers)

    @property
    def solves(self) -> int:
        return sum(c.bundles.solves for c in self.customers)


def _number(x: object) -> float | None:
    try:
        value = parse_number(x)
    except ValueError:
        return None
    return None if value != value else value


def _customer_row(customers: pd.DataFrame, cid: str) -> dict[str, object]:
    rows = customers[customers[col.CUSTOMER_ID].map(cell_text) == cid]
    if rows.empty:
        return {}
    return {str(k): v for k, v in rows.iloc[0].items()}


def _changes(evaluated: pd.DataFrame, proposal: Proposal, bundle_id: str) -> list[CellChange]:
    """The Bundle cell of each member (the evaluated table is indexed by Excel row)."""
    mine = evaluated[evaluated[col.CUSTOMER_ID].map(cell_text) == proposal.customer_id]
    ids = mine[col.IDEA_ID].map(cell_text)
    return [
        CellChange(IDEAS_SHEET, int(row), col.BUNDLE, bundle_id)
        for member in proposal.members
        for row in mine.index[(ids == member).to_numpy()]
    ]


def plan_balance(master: Master, customers: Sequence[str] | None = None) -> BalancePlan:
    """The bundles and equity closers of ``customers`` (all of the master's when None).

    Issue 16: the ideas as decided (``Master.decided``): a chain idea is a closer by its chain
    verdict and split, and is neither the target nor a candidate of a bundle (``two_firm_ideas``)."""
    evaluated = master.decided
    settings = master.settings
    wanted = (
        list(customers)
        if customers is not None
        else list(dict.fromkeys(cell_text(c) for c in master.customers[col.CUSTOMER_ID]))
    )
    # The balances the passbook shows (settlements of trued-up ideas included, ``books.passbook``).
    _, standing = master_passbook(master)
    balances = {s.customer_id: s.balances for s in standing}
    taken = {cell_text(b).strip() for b in evaluated.get(col.BUNDLE, pd.Series(dtype=object)) if in_bundle(b)}
    by_customer = evaluated[col.CUSTOMER_ID].map(cell_text)
    plans: list[CustomerPlan] = []
    changes: list[CellChange] = []
    for cid in wanted:
        mine = evaluated[(by_customer == cid).to_numpy()]
        found = propose_bundles(two_firm_ideas(mine, master.chain), settings, cid)
        bundles = found[0] if found else CustomerBalance(cid)
        ids: list[str] = []
        for proposal in bundles.proposals:
            bundle_id = new_bundle_id(proposal.target, taken)
            taken.add(bundle_id)
            ids.append(bundle_id)
            changes += _changes(evaluated, proposal, bundle_id)
        row = _customer_row(master.customers, cid)
        closer = equity_closer(
            mine,
            settings,
            passbook=balances.get(cid),
            annual_volume=_number(row.get(ANNUAL_VOLUME)),
            unit_price=_number(row.get(UNIT_PRICE)),
        )
        name = "" if row.get("Customer") is None else cell_text(row.get("Customer"))
        plans.append(CustomerPlan(cid, name, bundles, tuple(ids), closer))
    return BalancePlan(tuple(plans), tuple(changes))


def apply_balance(path: str | Path, plan: BalancePlan) -> UpdateResult | None:
    """Write the plan's Bundle IDs into the master (None when there is nothing to write)."""
    if not plan.changes:
        return None
    return update_master(path, plan.changes)
