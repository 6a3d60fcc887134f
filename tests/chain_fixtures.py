"""A master with value chains (issue 16) for the workbook tests: the generate fixtures' customers and
ideas plus partners of two relationships, some disclosed and some not, and their chain values.

Kappa's transporter does not disclose: its name, ID and role are distinctive texts (``HIDDEN_*``)
that no customer workbook and no other partner's workbook may hold. Zedwick's partner belongs to
another relationship: Kappa's books may hold nothing of it either.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
from generate_fixtures import build_master

from cvm_xl.core import columns as col
from cvm_xl.core.chain import ANNUAL, DISCLOSE, ONE_TIME, PARTY, PARTY_ID, ROLE, TARGET_SHARE
from cvm_xl.master.model import Master

K, Z = "KAPPA-7", "ZED-41"
SHOWN_ID, SHOWN_NAME = "P-SVC", "Hollmann Service Centre"
HIDDEN_ID, HIDDEN_NAME, HIDDEN_ROLE = "P-QX9", "Quixbrook Haulage Secret", "Quixbrook night freight"
OTHER_ID, OTHER_NAME = "P-ZOW", "Ostwerk Zedwick Partner"

PARTIES = [
    {PARTY_ID: SHOWN_ID, col.CUSTOMER_ID: K, PARTY: SHOWN_NAME, ROLE: "Service centre", DISCLOSE: "Yes"},
    {PARTY_ID: HIDDEN_ID, col.CUSTOMER_ID: K, PARTY: HIDDEN_NAME, ROLE: HIDDEN_ROLE, DISCLOSE: "No",
     TARGET_SHARE: 0.1},
    {PARTY_ID: OTHER_ID, col.CUSTOMER_ID: Z, PARTY: OTHER_NAME, ROLE: "Component maker", DISCLOSE: "Yes"},
]  # fmt: skip
CHAIN_VALUES = [
    {col.IDEA_ID: "KAP-101", PARTY_ID: SHOWN_ID, ANNUAL: -20000.0, ONE_TIME: -50000.0},
    {col.IDEA_ID: "KAP-101", PARTY_ID: HIDDEN_ID, ANNUAL: 7000.0},
    {col.IDEA_ID: "KAP-113", PARTY_ID: SHOWN_ID, ANNUAL: 10000.0},
    {col.IDEA_ID: "KAP-105", PARTY_ID: HIDDEN_ID, ANNUAL: -3000.0},
    {col.IDEA_ID: "ZED-202", PARTY_ID: OTHER_ID, ANNUAL: 12000.0},
]
CHAIN_IDEAS = {"KAP-101", "KAP-113", "KAP-105"}  # Kappa's


def chain_master(
    parties: list[dict] = PARTIES, chain_values: list[dict] = CHAIN_VALUES, **kwargs: object
) -> Master:
    """``generate_fixtures.build_master`` with the Parties and Chain values tables."""
    master = build_master(**kwargs)  # type: ignore[arg-type]
    columns_p = (PARTY_ID, col.CUSTOMER_ID, PARTY, ROLE, DISCLOSE, TARGET_SHARE)
    columns_v = (col.IDEA_ID, PARTY_ID, ANNUAL, ONE_TIME)
    return dataclasses.replace(
        master,
        parties=_table(parties, columns_p),
        chain_values=_table(chain_values, columns_v),
    )


def _table(rows: list[dict], columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=list(columns))
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="Excel row")
    return frame
