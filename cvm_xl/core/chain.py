"""Value chains (issue 16): ideas whose value reaches firms beyond the supplier and the customer.

Parties. The parties of a relationship are the supplier and the customer, always, with the reserved
Party IDs ``Supplier`` and ``Customer`` (no Parties row may use them), and the partners of the
optional Parties table: ``Party ID``*, ``Customer ID``*, ``Party``*, ``Role`` (free text, suggested:
``ROLES``), ``Disclose`` (Yes/No, blank = No: whether the partner's figures may appear in the
customer's workbook as chain totals), ``Target share`` (0..1, optional). Party IDs are unique in a
master. A relationship has at most ``MAX_PARTIES`` = 12 parties: the supplier, the customer and up
to 10 partners.

Chain values. The optional Chain values table holds ``Idea ID``*, ``Party ID``*, ``Annual`` and
``One-time`` per partner of an idea; (Idea ID, Party ID) appears once and the party belongs to the
idea's customer. Blank amounts count 0: a row present means the party takes part. An idea with at
least one Chain values row is a **chain idea**; its parties are the supplier, the customer and the
partners with a row. The supplier's and customer's amounts stay on the Ideas row (SPEC §3.1).

Rules, per chain idea (SPEC §3.1, §3.2 with the same horizon H, discount rate r and threshold τ):

    value_i   = one_time_i + annual_i x annuity(H, r)        for each party i of the idea
    outcome_i = W / I / L of value_i (τ)
    chain net = sum of value_i                                (math.fsum: one rounding)

The idea is *unquantified* when its Quantified cell says No, or when every value cell is blank (its
four on the Ideas row and every chain row's Annual and One-time). Chain verdict, first match wins
(codes and labels of ``core.verdicts``):

| # | condition | code |
|---|---|---|
| 1 | unquantified and Good faith = Yes | GO_GOOD_FAITH |
| 2 | unquantified | POSTPONE_QUANTIFY |
| 3 | chain net ≤ 0 | NO_GO |
| 4 | some party's loss −value_i > λ (Max one-sided loss) | SHELVE |
| 5 | chain net < σ | POSTPONE_SMALL |
| 6 | after the idea's split some party ends below −τ | SHELVE (await a counter-balancing idea) |
| 7 | every party W | GO_PRIORITY |
| 8 | otherwise | GO |

Split (only Go chain ideas, GO_PRIORITY and GO, are split; the others keep final = value). The
Ideas row's ``Sharing method``; ``auto`` and blank mean ``equal`` for a chain idea; the chain methods
are ``CHAIN_METHODS``, and proportional or compensate on a chain idea is an error:

- ``retain``: t_i = 0, each party keeps its own value;
- ``equal``: final_i = chain net / n (n = the idea's parties): compensate the losers, then share the
  surplus equally, the n-party Nash solution with the status quo as the disagreement point;
- ``shapley``: the Shapley value of the relationship's portfolio game v(S) = the summed chain net of
  its Go chain ideas (not Dropped, not Out of bounds) whose parties all lie in S, computed exactly
  (``core.shapley``); by additivity it is the sum of each idea's own game's Shapley value, and that
  part is the idea's final_i.

Transfers t_i = final_i − value_i (> 0: party i receives), adding to 0 up to rounding.
``core.chain_passbook`` turns the transfers into flows between pairs of firms, pair passbooks and
each party's equity gap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cvm_xl.core import columns as col
from cvm_xl.core import spellings
from cvm_xl.core.cells import number_column, parse_yes_no, text
from cvm_xl.core.settings import Settings
from cvm_xl.core.shapley import idea_shapley, mask_of, portfolio_shapley
from cvm_xl.core.sharing import AUTO, NO_SPLIT, normalise_method
from cvm_xl.core.values import annuity, outcome
from cvm_xl.core.verdicts import (
    GO,
    GO_GOOD_FAITH,
    GO_PRIORITY,
    NO_GO,
    POSTPONE_QUANTIFY,
    POSTPONE_SMALL,
    SHELVE,
    Verdict,
    gets_split,
)

# --- the tables (issue 16) -------------------------------------------------------------------------

PARTIES_SHEET = "Parties"
CHAIN_VALUES_SHEET = "Chain values"
PARTY_ID = "Party ID"
PARTY = "Party"
ROLE = "Role"
DISCLOSE = "Disclose"
TARGET_SHARE = "Target share"
ANNUAL = "Annual"
ONE_TIME = "One-time"
PARTY_COLUMNS = (PARTY_ID, col.CUSTOMER_ID, PARTY, ROLE, DISCLOSE, TARGET_SHARE)
CHAIN_VALUE_COLUMNS = (col.IDEA_ID, PARTY_ID, ANNUAL, ONE_TIME)
CHAIN_VALUE_KEYS = (col.IDEA_ID, PARTY_ID)
# The roles the Role dropdown suggests; any other role is kept as typed.
ROLES = ("Service centre", "Transporter", "Component maker", "Distributor", "End customer")

# --- the parties -----------------------------------------------------------------------------------

SUPPLIER = "Supplier"  # reserved Party ID of the supplier of every relationship
CUSTOMER = "Customer"  # reserved Party ID of the customer of every relationship
RESERVED_PARTY_IDS = (SUPPLIER, CUSTOMER)
MAX_PARTIES = 12  # per relationship: 2^12 coalitions keep the exact Shapley value instant
MAX_PARTNERS = MAX_PARTIES - len(RESERVED_PARTY_IDS)

# --- the split -------------------------------------------------------------------------------------

RETAIN, EQUAL, SHAPLEY = "retain", "equal", "shapley"
CHAIN_METHODS = (RETAIN, EQUAL, SHAPLEY)
CHAIN_AUTO = EQUAL  # what auto (and a blank Sharing method) means for a chain idea


class ChainInputError(ValueError):
    """Chain data cvm-xl cannot use as given; ``idea`` / ``party`` name the record when known.
    (A loaded master never raises it: ``master.chain_checks`` reports the same at the cell.)"""

    def __init__(self, message: str, *, idea: str | None = None, party: str | None = None) -> None:
        super().__init__(message)
        self.idea = idea
        self.party = party


def is_reserved_party_id(party_id: object) -> bool:
    """Whether a Party ID is Supplier or Customer (any case, spaces around ignored)."""
    return spellings.key(party_id) in {spellings.key(p) for p in RESERVED_PARTY_IDS}


def chain_method(method: object) -> str:
    """The split method of a chain idea from its Sharing method cell: retain, equal or shapley;
    blank and auto -> equal. Raises ValueError (naming the three) for another SPEC method."""
    m = normalise_method(method)
    if m == AUTO:
        return CHAIN_AUTO
    if m not in CHAIN_METHODS:
        raise ValueError(
            f"{m} is not a split method for a chain idea: use {', '.join(CHAIN_METHODS[:-1])} or "
            f"{CHAIN_METHODS[-1]} (blank or auto = {CHAIN_AUTO})"
        )
    return m


@dataclass(frozen=True)
class Party:
    """One party of a relationship: the supplier, the customer or a partner of the Parties table."""

    party_id: str
    customer_id: str
    name: str
    role: str | None = None
    disclose: bool = False
    target_share: float | None = None  # a partner's Target share (0..1); None: not given

    @property
    def is_partner(self) -> bool:
        return self.party_id not in RESERVED_PARTY_IDS


@dataclass(frozen=True)
class Relationship:
    """The parties of one customer relationship: Supplier, Customer, then its partners in the Parties
    table's order. A party's position here is its bit in every coalition mask (``core.shapley``)."""

    customer_id: str
    parties: tuple[Party, ...]

    @property
    def party_ids(self) -> tuple[str, ...]:
        return tuple(p.party_id for p in self.parties)

    @property
    def partners(self) -> tuple[Party, ...]:
        return tuple(p for p in self.parties if p.is_partner)

    def position(self, party_id: str) -> int:
        return self.party_ids.index(party_id)

    def party(self, party_id: str) -> Party:
        return self.parties[self.position(party_id)]


@dataclass(frozen=True)
class PartyShare:
    """One party's line of a chain idea. ``annual``/``one_time`` as typed (NaN blank); ``value`` over
    the horizon (NaN when the idea has no values at all); ``transfer`` = final − value (> 0 receives)."""

    party_id: str
    annual: float
    one_time: float
    value: float
    outcome: str | None
    final: float
    transfer: float


@dataclass(frozen=True)
class ChainEvaluation:
    """The evaluation of one chain idea: its parties' shares (relationship order), the chain net, the
    chain verdict and the split method applied (``NO_SPLIT`` when its verdict gets no split)."""

    idea_id: str
    customer_id: str
    title: str | None
    status: str | None
    out_of_bounds: bool
    quantified: bool
    shares: tuple[PartyShare, ...]
    net: float
    verdict: Verdict
    method: str

    @property
    def parties(self) -> tuple[str, ...]:
        return tuple(s.party_id for s in self.shares)

    def share(self, party_id: str) -> PartyShare:
        return next(s for s in self.shares if s.party_id == party_id)

    @property
    def in_passbook(self) -> bool:
        """Signed off, Implementing or Delivered (SPEC §3.6, ``spellings.is_passbook_status``)."""
        return spellings.is_passbook_status(self.status)

    @property
    def in_portfolio_game(self) -> bool:
        """Whether the idea counts in the Shapley portfolio game: a Go chain idea (GO_PRIORITY, GO),
        not Dropped, not Out of bounds."""
        return gets_split(self.verdict.code) and self.status != spellings.DROPPED and not self.out_of_bounds


# The long table of ``ChainBook.frame``: one row per (chain idea, party).
VALUE, OUTCOME, FINAL, TRANSFER = "Value", "Outcome", "Final", "Transfer"
CHAIN_NET = "Chain net"
CHAIN_FRAME_COLUMNS = (
    col.CUSTOMER_ID, col.IDEA_ID, col.TITLE, col.STATUS, PARTY_ID, PARTY, ROLE, ANNUAL, ONE_TIME,
    VALUE, OUTCOME, FINAL, TRANSFER, CHAIN_NET, col.VERDICT, col.VERDICT_CODE, col.SPLIT_METHOD,
)  # fmt: skip


@dataclass(frozen=True)
class ChainBook:
    """Every relationship's parties and every chain idea's evaluation (``evaluate_chain``)."""

    relationships: Mapping[str, Relationship]
    ideas: tuple[ChainEvaluation, ...]
    settings: Settings = field(default_factory=Settings)

    @property
    def chain_idea_ids(self) -> frozenset[str]:
        return frozenset(e.idea_id for e in self.ideas)

    def relationship(self, customer_id: str) -> Relationship:
        """The parties of a customer (Supplier and Customer only when it has no partners)."""
        found = self.relationships.get(customer_id)
        return (
            found
            if found is not None
            else _bare_relationship(customer_id, self.settings.supplier, customer_id)
        )

    def for_customer(self, customer_id: str) -> tuple[ChainEvaluation, ...]:
        return tuple(e for e in self.ideas if e.customer_id == customer_id)

    def idea(self, idea_id: str) -> ChainEvaluation:
        return next(e for e in self.ideas if e.idea_id == idea_id)

    def shapley(self, customer_id: str) -> dict[str, float]:
        """Each party's Shapley value of the relationship's portfolio game (the Go chain ideas, not
        Dropped, in bounds), computed by enumeration over all its parties' coalitions."""
        rel = self.relationship(customer_id)
        game = [e for e in self.for_customer(customer_id) if e.in_portfolio_game]
        masks = [mask_of([rel.position(p) for p in e.parties]) for e in game]
        shares = portfolio_shapley(len(rel.parties), masks, [e.net for e in game])
        return dict(zip(rel.party_ids, (float(x) for x in shares), strict=True))

    def frame(self) -> pd.DataFrame:
        """One row per (chain idea, party), columns ``CHAIN_FRAME_COLUMNS``, in idea then party order."""
        rows: list[tuple[object, ...]] = []
        for e in self.ideas:
            rel = self.relationship(e.customer_id)
            for s in e.shares:
                p = rel.party(s.party_id)
                rows.append((
                    e.customer_id, e.idea_id, e.title, e.status, s.party_id, p.name, p.role, s.annual,
                    s.one_time, s.value, s.outcome, s.final, s.transfer, e.net, e.verdict.label,
                    e.verdict.code, e.method,
                ))  # fmt: skip
        return pd.DataFrame(rows, columns=list(CHAIN_FRAME_COLUMNS))


def _bare_relationship(customer_id: str, supplier: str, customer: str) -> Relationship:
    return Relationship(
        customer_id,
        (Party(SUPPLIER, customer_id, supplier), Party(CUSTOMER, customer_id, customer)),
    )


def _strings(frame: pd.DataFrame, name: str) -> list[str | None]:
    if name not in frame.columns:
        return [None] * len(frame)
    return [text(x) for x in frame[name].tolist()]


def relationships(
    parties: pd.DataFrame | None,
    customers: pd.DataFrame | None = None,
    settings: Settings | None = None,
) -> dict[str, Relationship]:
    """Each customer's parties: Supplier (named after Settings ``Supplier``), Customer (named after the
    Customers table's ``Customer``, else its ID), then the partners of ``parties`` in table order.
    Raises ChainInputError for a reserved Party ID or more than ``MAX_PARTNERS`` partners."""
    s = settings or Settings()
    names: dict[str, str] = {}
    if customers is not None and col.CUSTOMER_ID in customers.columns:
        for cid, name in zip(
            _strings(customers, col.CUSTOMER_ID), _strings(customers, "Customer"), strict=True
        ):
            if cid is not None:
                names.setdefault(cid, name or cid)
    out = {cid: _bare_relationship(cid, s.supplier, name) for cid, name in names.items()}
    if parties is None or parties.empty:
        return out
    shares = number_column(parties.get(TARGET_SHARE), len(parties))
    disclose = [parse_yes_no(x, False) for x in parties.get(DISCLOSE, pd.Series([None] * len(parties)))]
    for position, (pid, cid, name, role) in enumerate(
        zip(
            _strings(parties, PARTY_ID),
            _strings(parties, col.CUSTOMER_ID),
            _strings(parties, PARTY),
            _strings(parties, ROLE),
            strict=True,
        )
    ):
        if pid is None or cid is None:
            continue
        if is_reserved_party_id(pid):
            raise ChainInputError(f"Party ID {pid} is reserved for the {pid.strip().lower()}", party=pid)
        rel = out.get(cid) or _bare_relationship(cid, s.supplier, cid)
        if len(rel.partners) >= MAX_PARTNERS:
            raise ChainInputError(
                f"Customer {cid} has more than {MAX_PARTNERS} partners (at most {MAX_PARTIES} parties)",
                party=pid,
            )
        share = float(shares[position])
        partner = Party(
            pid, cid, name or pid, role, bool(disclose[position]), None if math.isnan(share) else share
        )
        out[cid] = Relationship(cid, (*rel.parties, partner))
    return out


def split_finals(
    method: str, values: Sequence[float], n_relationship: int, positions: Sequence[int]
) -> list[float]:
    """The finals of one quantified chain idea's parties (``values`` in the order of ``positions``,
    their places among the relationship's ``n_relationship`` parties) under a chain method."""
    if method == RETAIN:
        return [v + 0.0 for v in values]
    net = math.fsum(values)
    if method == EQUAL:
        return [net / len(values) + 0.0 for _ in values]
    if method == SHAPLEY:
        phi = idea_shapley(n_relationship, mask_of(positions), net)
        return [float(phi[p]) + 0.0 for p in positions]
    raise ValueError(f"Unknown chain split method {method!r}: use {', '.join(CHAIN_METHODS)}")


def chain_verdict(
    values: Sequence[float],
    finals: Sequence[float],
    *,
    quantified: bool = True,
    good_faith: bool = False,
    settings: Settings | None = None,
) -> Verdict:
    """The chain verdict of one idea from its parties' values and the finals its split would give
    (rules 1-8 of the module docstring; first match wins)."""
    s = settings or Settings()
    if not quantified:
        return GO_GOOD_FAITH if good_faith else POSTPONE_QUANTIFY
    tau = s.indifference_threshold
    net = math.fsum(values)
    if net <= 0:
        return NO_GO
    lam = s.max_one_sided_loss
    if lam is not None and max(-v for v in values) > lam:
        return SHELVE
    if net < s.significance_threshold:
        return POSTPONE_SMALL
    if any(f < -tau for f in finals):
        return SHELVE
    if all(outcome(v, tau) == "W" for v in values):
        return GO_PRIORITY
    return GO


def _chain_rows(chain_values: pd.DataFrame | None) -> dict[str, list[tuple[str, float, float]]]:
    """Idea ID -> its chain rows (Party ID, Annual, One-time) in table order; amounts as floats."""
    if chain_values is None or chain_values.empty:
        return {}
    n = len(chain_values)
    annual = number_column(chain_values.get(ANNUAL), n)
    one_time = number_column(chain_values.get(ONE_TIME), n)
    out: dict[str, list[tuple[str, float, float]]] = {}
    ids = _strings(chain_values, col.IDEA_ID)
    for position, (idea, party) in enumerate(zip(ids, _strings(chain_values, PARTY_ID), strict=True)):
        if idea is not None and party is not None:
            out.setdefault(idea, []).append((party, float(annual[position]), float(one_time[position])))
    return out


def evaluate_chain(
    ideas: pd.DataFrame,
    parties: pd.DataFrame | None,
    chain_values: pd.DataFrame | None,
    settings: Settings | None = None,
    customers: pd.DataFrame | None = None,
) -> ChainBook:
    """Evaluate every chain idea of a master's tables (issue 16; the rules of this module's docstring).

    ``ideas`` is the Ideas table (inputs, or ``Master.evaluated``), ``parties`` and ``chain_values``
    the optional tables (None or empty: no chain ideas), ``customers`` names the customers. The values
    of all chain rows are computed at once (numpy); the verdict and split run per chain idea. Raises
    ChainInputError for data the master checks report (``master.chain_checks``).
    """
    s = settings or Settings()
    rels = relationships(parties, customers, s)
    rows = _chain_rows(chain_values)
    if not rows:
        return ChainBook(rels, (), s)
    ids = _strings(ideas, col.IDEA_ID)
    chain_positions = [i for i, idea in enumerate(ids) if idea in rows]
    sub = ideas.iloc[chain_positions]
    n = len(sub)
    amounts = (
        np.column_stack([number_column(sub.get(c), n) for c in col.VALUE_INPUTS]) if n else np.zeros((0, 4))
    )
    quantified_flag = [parse_yes_no(x, True) for x in sub.get(col.QUANTIFIED, pd.Series([None] * n))]
    good_faith = [parse_yes_no(x, False) for x in sub.get(col.GOOD_FAITH, pd.Series([None] * n))]
    methods = sub.get(col.SHARING_METHOD, pd.Series([None] * n)).tolist()
    out_of_bounds = [parse_yes_no(x, False) for x in sub.get(col.OUT_OF_BOUNDS, pd.Series([None] * n))]
    a = annuity(s.horizon_years, s.discount_rate)
    known = set().union(*(set(r.party_ids) for r in rels.values())) if rels else set()
    evaluations: list[ChainEvaluation] = []
    for k, position in enumerate(chain_positions):
        idea = ids[position]
        assert idea is not None  # chain_positions holds only ideas with an ID
        cid = text(sub[col.CUSTOMER_ID].iat[k]) if col.CUSTOMER_ID in sub.columns else None
        if cid is None:
            raise ChainInputError(f"Idea {idea} has chain values but no Customer ID", idea=idea)
        rel = rels.get(cid) or _bare_relationship(cid, s.supplier, cid)
        sa, so, ca, co = amounts[k]
        partner_rows = {party: (an, ot) for party, an, ot in rows[idea]}
        for party in partner_rows:
            if is_reserved_party_id(party):
                raise ChainInputError(
                    f"Idea {idea}: the {party.lower()}'s values belong on the Ideas row",
                    idea=idea,
                    party=party,
                )
            if party not in rel.party_ids:
                where = (
                    "is not a party of any customer"
                    if party not in known
                    else f"is not a party of customer {cid}"
                )
                raise ChainInputError(f"Idea {idea}: party {party} {where}", idea=idea, party=party)
        try:
            method = chain_method(methods[k])
        except ValueError as exc:
            raise ChainInputError(f"Idea {idea}: {exc}", idea=idea) from None
        members = [p for p in rel.party_ids if p in partner_rows or not rel.party(p).is_partner]
        annual = np.array([sa, ca, *(partner_rows[p][0] for p in members[2:])], dtype=np.float64)
        one_time = np.array([so, co, *(partner_rows[p][1] for p in members[2:])], dtype=np.float64)
        blank = bool(np.isnan(annual).all() and np.isnan(one_time).all())
        quantified = bool(quantified_flag[k]) and not blank
        if blank:
            values = [math.nan] * len(members)
        else:
            # value_over_horizon's order of operations: one_time + annual x annuity, blanks 0.
            values = (np.nan_to_num(one_time, nan=0.0) + np.nan_to_num(annual, nan=0.0) * a + 0.0).tolist()
        positions = [rel.position(p) for p in members]
        finals = split_finals(method, values, len(rel.parties), positions) if quantified else list(values)
        verdict = chain_verdict(
            values, finals, quantified=quantified, good_faith=bool(good_faith[k]), settings=s
        )
        if not gets_split(verdict.code):
            finals, applied = [v + 0.0 for v in values], NO_SPLIT
        else:
            applied = method
        shares = tuple(
            PartyShare(
                party_id=p,
                annual=float(annual[i]),
                one_time=float(one_time[i]),
                value=float(values[i]),
                outcome=None if blank else outcome(values[i], s.indifference_threshold),
                final=float(finals[i]),
                transfer=0.0 if blank else float(finals[i] - values[i]) + 0.0,
            )
            for i, p in enumerate(members)
        )
        evaluations.append(
            ChainEvaluation(
                idea_id=idea,
                customer_id=cid,
                title=text(sub[col.TITLE].iat[k]) if col.TITLE in sub.columns else None,
                status=spellings.status(sub[col.STATUS].iat[k]) if col.STATUS in sub.columns else None,
                out_of_bounds=bool(out_of_bounds[k]),
                quantified=quantified,
                shares=shares,
                net=math.nan if blank else math.fsum(values),
                verdict=verdict,
                method=applied,
            )
        )
    if unknown := [i for i in rows if i not in set(ids)]:
        raise ChainInputError(
            f"Chain values name idea {unknown[0]}, which is not on the Ideas sheet", idea=unknown[0]
        )
    return ChainBook(rels, tuple(evaluations), s)


def chain_transfers(evaluation: ChainEvaluation) -> dict[str, float]:
    """Party ID -> transfer of one chain idea (> 0 receives)."""
    return {s.party_id: s.transfer for s in evaluation.shares}
