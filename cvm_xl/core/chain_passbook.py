"""Passbooks of a value chain (issue 16, SPEC §3.6 for more than two firms): flows between pairs of
firms, one passbook per pair, and each party's balance and equity gap.

Flows. A chain idea's split gives every party a transfer t_i (> 0 receives, ``core.chain``), adding
to 0. The payers pay the receivers in proportion to what each receives:

    flow(i -> j) = (-t_i) x t_j / (sum of the positive t)      for t_i < 0 < t_j, else 0

so every payer's flows add to what it pays and every receiver's to what it receives. Between the
supplier and the customer of a chain idea the net flow S -> C is the idea's transfer T of their
(SPEC §3.6) passbook (``supplier_customer_transfers``).

Pair passbooks. One passbook per pair of firms (A, B): the supplier and the customer always, and
every other pair that exchanges a flow in a passbook idea. Its lines are the chain ideas in the
passbook (status Signed off, Implementing or Delivered) of which both firms are parties: A's value,
B's value and the net flow A -> B. Balances: B_A = Σ(value_A − flow), B_B = Σ(value_B + flow).

Equity. Per party the balance B_i = Σ final_i over the relationship's passbook ideas: chain ideas
by their chain finals, the other ideas by their Supplier final and Customer final (SPEC §3.6), so
that a relationship without partners keeps its SPEC §3.6 balances. Targets: a partner's Target
share, or 1/n of the total (n = the relationship's parties) when it has none; the supplier and the
customer share what the partners' targets leave, R = 1 − Σ partner targets, as w* x R and
(1 − w*) x R (w* = Settings ``Target supplier share``). Equity gap G_i = B_i − target_i x Σ B;
G_i > 0: party i is ahead. Without partners G_Supplier is SPEC §3.6's G.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from cvm_xl.core import columns as col
from cvm_xl.core.chain import CUSTOMER, SUPPLIER, ChainBook, ChainEvaluation, Relationship
from cvm_xl.core.passbook import passbook_ideas

FloatMatrix = npt.NDArray[np.float64]


def pair_flows(transfers: Sequence[float]) -> FloatMatrix:
    """flow[i, j] = what party i pays party j: payers (t < 0) pay receivers (t > 0) in proportion to
    what each receives. Zero everywhere when nothing moves."""
    t = np.asarray(transfers, dtype=np.float64)
    received = math.fsum(float(x) for x in t if x > 0)
    if received == 0:
        return np.zeros((len(t), len(t)))
    pays = np.where(t < 0, -t, 0.0)
    gets = np.where(t > 0, t, 0.0)
    return np.outer(pays, gets) / received + 0.0


def net_flow(evaluation: ChainEvaluation, payer: str, receiver: str) -> float:
    """The net flow from ``payer`` to ``receiver`` in one chain idea (negative: the other way);
    0 when either is not a party of the idea."""
    parties = evaluation.parties
    if payer not in parties or receiver not in parties:
        return 0.0
    flows = pair_flows([s.transfer for s in evaluation.shares])
    i, j = parties.index(payer), parties.index(receiver)
    return float(flows[i, j] - flows[j, i]) + 0.0


def supplier_customer_transfers(book: ChainBook) -> dict[str, float]:
    """Idea ID -> T of each chain idea in the supplier–customer passbook: the net flow S -> C."""
    return {e.idea_id: net_flow(e, SUPPLIER, CUSTOMER) for e in book.ideas}


@dataclass(frozen=True)
class PairLine:
    """One chain idea in a pair passbook: each firm's value and the net flow A -> B."""

    idea_id: str
    title: str | None
    status: str | None
    value_a: float
    value_b: float
    flow: float


@dataclass(frozen=True)
class PairPassbook:
    """The passbook between two firms of a relationship (A before B in the relationship's order)."""

    customer_id: str
    party_a: str
    party_b: str
    lines: tuple[PairLine, ...]

    @property
    def balance_a(self) -> float:
        """B_A = Σ(value_A − flow A -> B)."""
        return math.fsum(_zero(x.value_a) - x.flow for x in self.lines) + 0.0

    @property
    def balance_b(self) -> float:
        """B_B = Σ(value_B + flow A -> B)."""
        return math.fsum(_zero(x.value_b) + x.flow for x in self.lines) + 0.0


def _zero(x: float) -> float:
    """A good-faith idea has no values yet: its lines count 0, as in the SPEC §3.6 passbook."""
    return 0.0 if math.isnan(x) else x


def passbook_chain_ideas(book: ChainBook, customer_id: str) -> tuple[ChainEvaluation, ...]:
    """The customer's chain ideas whose status puts them in the passbook (SPEC §3.6)."""
    return tuple(e for e in book.for_customer(customer_id) if e.in_passbook)


def pair_passbooks(book: ChainBook, customer_id: str) -> tuple[PairPassbook, ...]:
    """Supplier–Customer first, then every other pair of the relationship (in its party order) that
    exchanges a flow in a passbook chain idea."""
    rel = book.relationship(customer_id)
    ideas = passbook_chain_ideas(book, customer_id)
    out: list[PairPassbook] = []
    ids = rel.party_ids
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            lines = tuple(
                PairLine(e.idea_id, e.title, e.status, e.share(a).value, e.share(b).value, net_flow(e, a, b))
                for e in ideas
                if a in e.parties and b in e.parties
            )
            firms = {a, b} == {SUPPLIER, CUSTOMER}
            if firms or any(line.flow != 0 for line in lines):
                out.append(PairPassbook(customer_id, a, b, lines))
    return tuple(out)


def party_targets(rel: Relationship, target_supplier_share: float) -> dict[str, float]:
    """Each party's target share of the relationship's total (see the module docstring)."""
    n = len(rel.parties)
    partners = {p.party_id: (p.target_share if p.target_share is not None else 1.0 / n) for p in rel.partners}
    rest = 1.0 - math.fsum(partners.values())
    return {
        SUPPLIER: target_supplier_share * rest + 0.0,
        CUSTOMER: (1.0 - target_supplier_share) * rest + 0.0,
        **partners,
    }


@dataclass(frozen=True)
class PartyBalance:
    """Where one party of a relationship stands: its balance, its target share, the target amount and
    the equity gap (> 0: the party is ahead)."""

    party_id: str
    balance: float
    target_share: float
    target: float
    equity_gap: float


def party_balances(
    book: ChainBook, customer_id: str, evaluated: pd.DataFrame | None = None
) -> tuple[PartyBalance, ...]:
    """Each party's balance and equity gap over the relationship's passbook ideas: the chain ideas
    by their chain finals and, given ``evaluated`` (``evaluate_ideas``' output), every other passbook
    idea of the customer by its Supplier final and Customer final."""
    rel = book.relationship(customer_id)
    sums: dict[str, list[float]] = {p: [] for p in rel.party_ids}
    for e in passbook_chain_ideas(book, customer_id):
        for s in e.shares:
            sums[s.party_id].append(_zero(s.final))
    if evaluated is not None and not evaluated.empty:
        ideas = passbook_ideas(evaluated)
        mine = ideas[(ideas[col.CUSTOMER_ID] == customer_id).to_numpy(dtype=bool)]
        mine = mine[~mine[col.IDEA_ID].isin(book.chain_idea_ids).to_numpy(dtype=bool)]
        sums[SUPPLIER] += np.nan_to_num(mine[col.SUPPLIER_FINAL].to_numpy(dtype=float), nan=0.0).tolist()
        sums[CUSTOMER] += np.nan_to_num(mine[col.CUSTOMER_FINAL].to_numpy(dtype=float), nan=0.0).tolist()
    balances = {p: math.fsum(v) + 0.0 for p, v in sums.items()}
    total = math.fsum(balances.values())
    targets = party_targets(rel, book.settings.target_supplier_share)
    return tuple(
        PartyBalance(
            p, balances[p], targets[p], targets[p] * total + 0.0, balances[p] - targets[p] * total + 0.0
        )
        for p in rel.party_ids
    )
