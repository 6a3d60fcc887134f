"""Implementation tracking of a master (issue 14): escalations and per-idea progress as of a date.

``action_report`` is the use case of ``cvm-xl actions``: the rules are ``core.actions``'; this
module only chooses the ideas they apply to. Out-of-bounds ideas are never discussed (SPEC §3.9),
so neither they nor their actions are listed; how many actions were left out for that is said.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from cvm_xl.core import columns as col
from cvm_xl.core.actions import escalation_counts, escalations, idea_progress
from cvm_xl.core.cells import key
from cvm_xl.core.values import is_blank
from cvm_xl.master.model import Master


@dataclass(frozen=True)
class ActionReport:
    """What ``cvm-xl actions`` shows, as of one date.

    ``escalations`` has ``core.actions.ESCALATION_ALL`` columns (sorted by customer, owner and days
    overdue), ``owners`` the count per customer and owner, ``progress`` one row per idea with
    actions (``core.actions.PROGRESS_COLUMNS``). ``left_out`` counts the actions of out-of-bounds
    ideas, which are not shown. ``customers`` maps each customer's ID to its name (or None).
    """

    as_of: dt.date
    escalations: pd.DataFrame
    owners: pd.DataFrame
    progress: pd.DataFrame
    actions: int
    left_out: int
    customers: dict[str, str | None]


def in_bounds(ideas: pd.DataFrame) -> pd.DataFrame:
    """The ideas not marked Out of bounds (SPEC §3.9: never discussed or exported)."""
    if col.OUT_OF_BOUNDS not in ideas.columns:
        return ideas
    return ideas[~ideas[col.OUT_OF_BOUNDS].map(lambda v: v is True).to_numpy(dtype=bool)]


def _ids(values: pd.Series) -> pd.Series:
    return values.map(lambda v: None if is_blank(v) else key(v))


def action_report(master: Master, as_of: dt.date, customer_ids: Sequence[str] | None = None) -> ActionReport:
    """Escalations and progress of ``master``'s actions as of ``as_of`` (``core.actions`` rules),
    for the customers ``customer_ids`` (None: every customer)."""
    ideas = master.ideas
    if customer_ids is not None:
        wanted = {key(c) for c in customer_ids}
        ideas = ideas[_ids(ideas[col.CUSTOMER_ID]).isin(wanted).to_numpy(dtype=bool)]
    shown = in_bounds(ideas)
    actions = master.actions
    of_customers = _ids(actions[col.IDEA_ID]).isin(set(_ids(ideas[col.IDEA_ID]).dropna()))
    of_shown = _ids(actions[col.IDEA_ID]).isin(set(_ids(shown[col.IDEA_ID]).dropna()))
    found = escalations(shown, actions, as_of)
    names = master.customers["Customer"].tolist() if "Customer" in master.customers.columns else []
    customers = {
        str(cid).strip(): (name if isinstance(name, str) else None)
        for cid, name in zip(master.customers[col.CUSTOMER_ID].tolist(), names, strict=True)
    }
    return ActionReport(
        as_of=as_of,
        escalations=found,
        owners=escalation_counts(found),
        progress=idea_progress(shown, actions[of_shown.to_numpy(dtype=bool)], as_of),
        actions=int(of_shown.sum()),
        left_out=int((of_customers & ~of_shown).sum()),
        customers=customers,
    )
