"""The figures of the Monthly report for every customer of a generation run (SPEC §3.6, issue 7).

Every rule (which ideas have a plan, spreading, which tracking rows count, running totals, contract
years and their status) is ``cvm_xl.core.tracking``'s. ``ReportSlices`` only gives each customer
a code, hands the whole tables to the core's vectorised ``run_months`` once per run and then, per
customer, its slice of the sums to ``monthly_report``: the very figures ``relationship_report``
gives for the customer's own rows, to the last bit.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from cvm_xl.core import columns as col
from cvm_xl.core.tracking import (
    NO_PARTS,
    ContractParts,
    CustomerRow,
    MonthlyReport,
    monthly_report,
    run_months,
)


class ReportSlices:
    """Every relationship's planned and realised amounts per month, added up once per run.

    ``ideas`` and ``tracking`` are whole tables, column by column (``tracking.IDEA_FIELDS``,
    ``tracking.TRACKING_FIELDS``); ``idea_groups`` and ``tracking_groups`` give each customer's rows,
    as ``RunData`` slices them. ``customer`` then gives one customer's ``MonthlyReport``; ``window``
    is the least number of months of its month table (``tracking.chart_months``).
    """

    def __init__(
        self,
        ideas: Mapping[str, np.ndarray],
        idea_groups: Mapping[str, np.ndarray],
        tracking: Mapping[str, np.ndarray],
        tracking_groups: Mapping[str, np.ndarray],
        horizon_years: float,
        window: int,
    ) -> None:
        self.window = window
        self._codes = {cid: k for k, cid in enumerate(dict.fromkeys([*idea_groups, *tracking_groups]))}
        self._planned, self._realised = run_months(
            self._owners(len(ideas[col.IDEA_ID]), idea_groups),
            ideas,
            self._owners(len(tracking[col.IDEA_ID]), tracking_groups),
            tracking,
            horizon_years,
        )

    def _owners(self, n: int, groups: Mapping[str, np.ndarray]) -> np.ndarray:
        """Each row's customer code (-1 for a row of no customer)."""
        owner = np.full(n, -1, dtype=np.int64)
        for cid, positions in groups.items():
            owner[positions] = self._codes[cid]
        return owner

    def customer(
        self, customer_id: str, customer: CustomerRow, parts: ContractParts = NO_PARTS
    ) -> MonthlyReport:
        """The report of one customer; ``customer`` is its row of the Customers table, ``parts`` its
        value contract's transfers and investments (``core.value_contract``)."""
        code = self._codes.get(customer_id)
        return monthly_report(customer, self._planned.of(code), self._realised.of(code), self.window, parts)
