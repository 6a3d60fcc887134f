"""What one firm of a value chain may see of it (issue 16, "Isolation"): the disclosure rule, once.

A workbook is read by one party of a relationship, the *viewer*: the customer (its customer
workbook) or a partner (``cvm-xl generate --party ID``). It shows, per chain idea the viewer takes
part in (``core.chain.ChainEvaluation``; ideas out of bounds never), the chain net and verdict, and
one column group per *shown* party:

- the supplier and the customer, always (they own the relationship and its passbook);
- the viewer itself;
- every partner whose ``Disclose`` is Yes.

Every other partner of the relationship (Disclose = No, or blank) is *hidden*: its figures appear
only summed into one column group, ``OTHER_PARTNERS``, and its Party ID, name and role nowhere. The
chain net is always shown (it is the sum over all parties, disclosed or not). No other relationship
is ever read: a view is built from one customer's parties and chain ideas.

Per party the passbook figures are the balance B_i (its finals over the chain ideas in the passbook),
its target share and its equity gap G_i = B_i - target_i x sum(B) (``core.chain_passbook``); the
hidden partners' three are summed, which keeps G linear: sum(G) = sum(B) - sum(target) x sum(B).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cvm_xl.core.chain import CUSTOMER, SUPPLIER, ChainBook, ChainEvaluation, Party, Relationship

OTHER_PARTNERS = "Other chain partners"  # the column group of the hidden partners, summed


@dataclass(frozen=True)
class Figures:
    """One party's (or the hidden partners' summed) figures of a chain idea; NaN when unquantified."""

    value: float
    final: float
    transfer: float


@dataclass(frozen=True)
class Standing:
    """One column group's passbook standing: balance B, target share and equity gap G."""

    balance: float
    target: float
    gap: float


@dataclass(frozen=True)
class ShownParty:
    """A column group: a shown party (``party_id`` set) or the hidden partners summed (None)."""

    party_id: str | None
    label: str
    role: str | None

    @property
    def is_other(self) -> bool:
        return self.party_id is None


@dataclass(frozen=True)
class ShownIdea:
    """One chain idea as the viewer sees it: ``figures`` per column group (None: that group takes no
    part in the idea), and the net supplier-to-customer flow of its split (the passbook's transfer)."""

    idea_id: str
    title: str | None
    status: str | None
    verdict: str
    verdict_code: str
    method: str
    net: float  # NaN when unquantified
    figures: tuple[Figures | None, ...]
    supplier_to_customer: float


@dataclass(frozen=True)
class ChainView:
    """The chain ideas of one relationship as one viewer may see them (see the module docstring)."""

    customer_id: str
    viewer: str
    groups: tuple[ShownParty, ...]
    ideas: tuple[ShownIdea, ...]
    standings: tuple[Standing, ...]  # per group, same order

    @property
    def has_hidden(self) -> bool:
        return any(g.is_other for g in self.groups)


def shown_party_ids(relationship: Relationship, viewer: str = CUSTOMER) -> tuple[str, ...]:
    """The parties whose own figures and name the viewer may see: Supplier, Customer, the viewer and
    the partners with Disclose = Yes, in the relationship's order."""
    return tuple(
        p.party_id for p in relationship.parties if p.party_id in (SUPPLIER, CUSTOMER, viewer) or p.disclose
    )


def hidden_party_ids(relationship: Relationship, viewer: str = CUSTOMER) -> tuple[str, ...]:
    """The partners the viewer may see only summed into ``OTHER_PARTNERS``."""
    shown = set(shown_party_ids(relationship, viewer))
    return tuple(p for p in relationship.party_ids if p not in shown)


def _label(party: Party, supplier: str, customer: str) -> str:
    if party.party_id == SUPPLIER:
        return f"{supplier} (supplier)"
    if party.party_id == CUSTOMER:
        return f"{customer} (customer)"
    return party.name


def _summed(shares: Sequence[Figures]) -> Figures | None:
    if not shares:
        return None
    return Figures(
        math.fsum(f.value for f in shares) + 0.0,
        math.fsum(f.final for f in shares) + 0.0,
        math.fsum(f.transfer for f in shares) + 0.0,
    )


def chain_view(
    book: ChainBook,
    customer_id: str,
    *,
    viewer: str = CUSTOMER,
    customer_name: str | None = None,
    balances: Mapping[str, tuple[float, float, float]] | None = None,
    flows: Mapping[str, float] | None = None,
) -> ChainView:
    """The view of one relationship's chain ideas for ``viewer`` (a Party ID of that relationship).

    ``balances``: Party ID -> (B, target, G) of the relationship (``core.chain_passbook``; absent:
    0); ``flows``: Idea ID -> the net flow from the supplier to the customer of its split (absent: 0).
    Only ideas the viewer takes part in, in bounds, in the master's order.
    """
    rel = book.relationship(customer_id)
    if viewer not in rel.party_ids:
        raise ValueError(f"{viewer} is not a party of customer {customer_id}")
    shown = shown_party_ids(rel, viewer)
    hidden = hidden_party_ids(rel, viewer)
    supplier = book.settings.supplier
    customer = customer_name or rel.party(CUSTOMER).name
    groups = [ShownParty(p, _label(rel.party(p), supplier, customer), rel.party(p).role) for p in shown]
    if hidden:
        groups.append(ShownParty(None, OTHER_PARTNERS, None))
    ideas = []
    for e in book.for_customer(customer_id):
        if e.out_of_bounds or viewer not in e.parties:
            continue
        ideas.append(_shown_idea(e, shown, hidden, bool(hidden), flows or {}))
    b = balances or {}
    standings = [Standing(*b.get(p, (0.0, 0.0, 0.0))) for p in shown]
    if hidden:
        rows = [b.get(p, (0.0, 0.0, 0.0)) for p in hidden]
        standings.append(Standing(*(math.fsum(r[k] for r in rows) + 0.0 for k in range(3))))
    return ChainView(customer_id, viewer, tuple(groups), tuple(ideas), tuple(standings))


def _shown_idea(
    e: ChainEvaluation, shown: Sequence[str], hidden: Sequence[str], other: bool, flows: Mapping[str, float]
) -> ShownIdea:
    own = {s.party_id: Figures(s.value, s.final, s.transfer) for s in e.shares}
    figures: list[Figures | None] = [own.get(p) for p in shown]
    if other:
        figures.append(_summed([own[p] for p in hidden if p in own]))
    return ShownIdea(
        idea_id=e.idea_id,
        title=e.title,
        status=e.status,
        verdict=e.verdict.label,
        verdict_code=e.verdict.code,
        method=e.method,
        net=e.net,
        figures=tuple(figures),
        supplier_to_customer=float(flows.get(e.idea_id, 0.0)) + 0.0,
    )
