"""A chain idea is decided by its chain (issue 16): the decided frame, the one home of that rule.

The Ideas sheet shows each idea as the two firms see it; a chain idea is selected, signed, booked
and counted by its chain verdict and split.

``core.evaluation.evaluate_ideas`` judges every Ideas row as a two-firm idea (SPEC §3.1-§3.5): the
Ideas sheets keep those figures, their native formulas are two-firm formulas. Every *decision*
reads the decided frame instead, ``with_chain_decisions(evaluated, book)``: the evaluated ideas with,
for each chain idea (``core.chain``),

| column | decided value |
|---|---|
| Verdict, Verdict code | the chain verdict (rules 1-8 of ``core.chain``) |
| Split method | the chain split applied (retain, equal, shapley; ``none`` when not split) |
| Transfer | T = the net flow from the supplier to the customer of the chain split (``core.chain_passbook``) |
| Supplier final, Customer final | Supplier value − T, Customer value + T (SPEC §3.5) |

Every other row and column is the evaluated one; without chain ideas the frame is returned as it
is (the same object). Consumers: the sign-off selection (``core.selection`` via ``Master.decided``),
the equity closers (``core.closers``), the pipeline's open Go ideas (``core.pipeline``), the
passbook lines (``core.passbook``), the sign-off sheet, its fingerprint and its record
(``core.fingerprint``), the consolidated counts by verdict. A returned customer workbook is read
back with the decisions its Chain sheet holds, a consolidated sign-off with those of its Chain
ideas sheet (``books.read`` builds the ``ChainDecision`` records, ``decision_of`` for the latter,
and calls ``with_decisions``), so verify finds no change that is not there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cvm_xl.core import columns as col
from cvm_xl.core.cells import text
from cvm_xl.core.chain import CUSTOMER, SUPPLIER, ChainBook, chain_transfers
from cvm_xl.core.chain_passbook import pair_flows
from cvm_xl.core.verdicts import VERDICTS, Verdict

# The columns the decided frame may replace, for a chain idea only.
DECISION_COLUMNS = (
    col.VERDICT,
    col.VERDICT_CODE,
    col.SPLIT_METHOD,
    col.TRANSFER,
    col.SUPPLIER_FINAL,
    col.CUSTOMER_FINAL,
)
_BY_LABEL = {v.label: v for v in VERDICTS}


@dataclass(frozen=True)
class ChainDecision:
    """How one chain idea is decided: its chain verdict, the split applied and the net flow T from
    the supplier to the customer that split gives (> 0: the supplier pays the customer)."""

    verdict: Verdict
    method: str
    supplier_to_customer: float


def verdict_of_label(label: object) -> Verdict | None:
    """The verdict a label shows ('Shelve: await a counter-balancing idea' -> SHELVE); None if unknown."""
    return _BY_LABEL.get(text(label) or "")


def decision_of(verdict: Verdict, method: str, transfers: Mapping[str, float]) -> ChainDecision:
    """A chain idea's decision from its verdict, method and each party's transfer (Party ID -> t_i,
    the idea's party order): T = the net flow S -> C of ``core.chain_passbook.pair_flows``."""
    ids = list(transfers)
    if SUPPLIER not in transfers or CUSTOMER not in transfers:
        return ChainDecision(verdict, method, 0.0)
    flows = pair_flows([transfers[p] for p in ids])
    i, j = ids.index(SUPPLIER), ids.index(CUSTOMER)
    return ChainDecision(verdict, method, float(flows[i, j] - flows[j, i]) + 0.0)


def chain_decisions(book: ChainBook) -> dict[str, ChainDecision]:
    """Idea ID -> the decision of every chain idea of ``book`` (its verdict, method and S -> C flow)."""
    return {e.idea_id: decision_of(e.verdict, e.method, chain_transfers(e)) for e in book.ideas}


def with_decisions(evaluated: pd.DataFrame, decisions: Mapping[str, ChainDecision]) -> pd.DataFrame:
    """The evaluated ideas with each decided idea's ``DECISION_COLUMNS`` replaced (see the module
    docstring); rows of other ideas untouched; the same frame when no row is a decided idea."""
    if not decisions or evaluated.empty or col.IDEA_ID not in evaluated.columns:
        return evaluated
    ids = evaluated[col.IDEA_ID].map(text)
    hit = ids.isin(set(decisions)).to_numpy(dtype=bool)
    if not hit.any():
        return evaluated
    out = evaluated.copy()
    chosen = [decisions[i] for i in ids[hit]]
    flow = np.array([d.supplier_to_customer for d in chosen], dtype=np.float64)
    # object columns: a verdict or method is text in every row of an evaluated frame
    for name, values in (
        (col.VERDICT, [d.verdict.label for d in chosen]),
        (col.VERDICT_CODE, [d.verdict.code for d in chosen]),
        (col.SPLIT_METHOD, [d.method for d in chosen]),
    ):
        if name in out.columns:
            out[name] = out[name].astype(object)
            out.loc[hit, name] = pd.Series(values, index=out.index[hit], dtype=object)
    if col.TRANSFER in out.columns:
        out.loc[hit, col.TRANSFER] = flow
    if col.SUPPLIER_VALUE in out.columns and col.CUSTOMER_VALUE in out.columns:
        out.loc[hit, col.SUPPLIER_FINAL] = out.loc[hit, col.SUPPLIER_VALUE].to_numpy(dtype=float) - flow
        out.loc[hit, col.CUSTOMER_FINAL] = out.loc[hit, col.CUSTOMER_VALUE].to_numpy(dtype=float) + flow
    return out


def two_firm_ideas(frame: pd.DataFrame, book: ChainBook) -> pd.DataFrame:
    """The rows of ``frame`` that are not chain ideas of ``book``. A chain idea is neither the target
    nor a candidate of a two-firm bundle (``core.balance``): a bundle is judged and shared between
    the supplier and the customer, a chain idea among all its parties (issue 16)."""
    chain = book.chain_idea_ids
    if not chain or frame.empty or col.IDEA_ID not in frame.columns:
        return frame
    return frame[~frame[col.IDEA_ID].map(text).isin(chain).to_numpy(dtype=bool)]


def with_chain_decisions(evaluated: pd.DataFrame, book: ChainBook) -> pd.DataFrame:
    """The decided frame: ``evaluated`` (``evaluate_ideas``' output) with every chain idea of
    ``book`` decided by its chain (``with_decisions`` of ``chain_decisions(book)``)."""
    return with_decisions(evaluated, chain_decisions(book))
