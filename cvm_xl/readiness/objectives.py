"""Objectives of the relationship: "mine, yours and ours" (SPEC §3.9).

"When two or more organisations come together, there are often different objectives for each
whilst sharing some common ones. The concept of mine, yours and ours ensures that all the key
drivers of both partners are addressed ... and to jointly agree them." Each objective belongs to
the Supplier (mine, as the master is the supplier's), the Customer (yours) or is Joint (ours);
Mine / Yours / Ours are accepted as input. The objectives are complete when each of the three
has at least one objective and every objective is agreed.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from cvm_xl.core import cells
from cvm_xl.core.cells import parse_yes_no
from cvm_xl.core.columns import CUSTOMER_ID
from cvm_xl.readiness.tables import AGREED, FIRM, NO, OBJECTIVE, OBJECTIVES, THREE_FIRMS, YES

OBJECTIVE_SYNONYMS = {"Mine": "Supplier", "Yours": "Customer", "Ours": "Joint"}
MINE_YOURS_OURS = {firm: word for word, firm in OBJECTIVE_SYNONYMS.items()}


def parse_objective_firm(x: object) -> str | None:
    """Supplier, Customer or Joint (Mine, Yours, Ours also work); None for blank."""
    return cells.choice(x, THREE_FIRMS, OBJECTIVE_SYNONYMS)


def empty_objectives(customer_id: str) -> pd.DataFrame:
    """One unwritten objective per firm (mine, yours, ours): an Objectives table ready to fill in.
    Rows with no Objective text are unused lines, not errors."""
    rows = [{CUSTOMER_ID: customer_id, FIRM: firm} for firm in THREE_FIRMS]
    return cells.object_frame(rows, OBJECTIVES.inputs)


class ObjectivesCheck(NamedTuple):
    complete: bool
    counts: dict[str, int]  # firm -> objectives written
    not_agreed: int
    reasons: list[str]


def objectives_check(objectives: pd.DataFrame) -> ObjectivesCheck:
    """Whether one customer's objectives cover mine, yours and ours and are all agreed.

    Rows without Objective text are ignored; an unreadable Firm or Agreed cell counts as missing
    or not agreed (validation reports it).
    """
    counts = dict.fromkeys(THREE_FIRMS, 0)
    not_agreed = 0
    for _, row in objectives.iterrows():
        if cells.text(row.get(OBJECTIVE)) is None:
            continue
        firm = cells.safely(parse_objective_firm, row.get(FIRM))
        if firm is not None:
            counts[firm] += 1
        if not cells.safely(lambda x: parse_yes_no(x, False), row.get(AGREED)):
            not_agreed += 1
    reasons = [
        f"No {firm} objective ({MINE_YOURS_OURS[firm].lower()})" for firm, n in counts.items() if not n
    ]
    if not_agreed:
        reasons.append(f"{not_agreed} objective{'s' if not_agreed > 1 else ''} not agreed yet")
    return ObjectivesCheck(not reasons, counts, not_agreed, reasons)


def objectives_summary(objectives: pd.DataFrame) -> pd.DataFrame:
    """Per Customer ID (sorted): Supplier, Customer and Joint objectives, Not agreed, and
    Objectives complete ('Yes'/'No')."""
    ids = pd.Series(
        [cells.text(x) for x in objectives.get(CUSTOMER_ID, [None] * len(objectives))], index=objectives.index
    )
    rows = []
    for cid in sorted(i for i in ids.dropna().unique()):
        check = objectives_check(objectives[ids == cid])
        rows.append((cid, *check.counts.values(), check.not_agreed, YES if check.complete else NO))
    return pd.DataFrame(
        rows,
        columns=[
            CUSTOMER_ID,
            *(f"{firm} objectives" for firm in THREE_FIRMS),
            "Not agreed",
            "Objectives complete",
        ],
    )
