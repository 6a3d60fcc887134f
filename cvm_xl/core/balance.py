"""Bundles that rescue shelved ideas (issue 15; SPEC §3.4 verdicts and §3.5 splits of a bundle).

The seed paper: a lopsided W-L or L-W idea "could be shelved until a counter-balancing idea
emerges". For every *target* -- an idea whose verdict is Shelve, or No go although its net value is
positive (a W-L / L-W idea that is no go because one firm loses) -- ``propose_bundles`` finds the
bundle that makes it a Go:

* members: the target plus ideas of the same customer that are *available* -- quantified, not
  Dropped, not out of bounds, not signed off or later (not in the passbook) and not in a bundle;
* the bundle is W-W (both sums > the indifference threshold τ) with net value >= the significance
  threshold σ, so its bundle verdict (``core.bundles``) is "Go: priority (win-win)";
* the best bundle has the fewest members; then the largest net value (compared in whole cents);
  then the smallest IDs: the members' IDs sorted as text and compared as tuples, position by
  position (``('I-002', 'I-009', 'I-012') < ('I-002', 'I-010', 'I-011')``). All candidate bundles
  hold the target and are of one size here, so this picks the bundle holding the smaller ID at the
  first place where two bundles differ.

Solved exactly by mixed-integer programming: ``scipy.optimize.milp``, i.e. the HiGHS solver, with a
binary variable per available idea and the objectives taken one after the other (fewest members;
then, with that many, the largest net value in cents, an integer objective solved with HiGHS's
optimality gap set to 0; then the smallest IDs, member by member, each a feasibility question on
the ideas with smaller IDs, bisected). A linear program has no strict rows, so the model holds the
relaxation "sum >= τ"; every set the solver returns is rounded to 0/1 and judged again by the rules
themselves (``core.values.cell``, ``core.verdicts.verdict``) on the amounts as they are. A set that
is not a rescue (a sum exactly τ, or one the solver's tolerances let through) is cut off by a
no-good cut and the model solved again. As the relaxation loses no true rescue and the cuts only
remove sets that are not rescues, the proposal is the exact optimum, and always a Go.

Several targets of one customer never share a member: targets are handled in the order of their
net value, largest first (ties: the smaller ID), and each proposed bundle's members (the target
included) leave the pool of available ideas. A target already taken into an earlier target's
bundle is rescued by it. A target that no bundle can rescue is named with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from cvm_xl.core import columns as col
from cvm_xl.core import spellings
from cvm_xl.core.bundles import bundle_idea, in_bundle, member_columns
from cvm_xl.core.cells import parse_number
from cvm_xl.core.closers import open_mask
from cvm_xl.core.evaluation import evaluate_idea
from cvm_xl.core.passbook import whole_amount
from cvm_xl.core.settings import Settings
from cvm_xl.core.sharing import AUTO, normalise_method
from cvm_xl.core.values import cell as map_cell
from cvm_xl.core.verdicts import (
    BY_CODE,
    GO_GOOD_FAITH,
    NO_GO,
    POSTPONE_QUANTIFY,
    SHELVE,
    Verdict,
    is_go,
    verdict,
)

SOLVER = "HiGHS through scipy.optimize.milp"
BUNDLE_PREFIX = "B-"
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Proposal:
    """The bundle proposed for ``target``: ``members`` are all its ideas (target included) in ID
    order; the sums, cell, verdict and net value are the bundle's (SPEC §3.4 applied to the sums)."""

    customer_id: str
    target: str
    members: tuple[str, ...]
    supplier_value: float
    customer_value: float
    cell: str
    verdict: Verdict
    net_value: float
    split_method: str  # the bundle's method (SPEC §3.5 on the bundle's cell, ``core.bundles``)
    transfer: float  # the bundle's T, supplier -> customer
    member_transfers: tuple[float, ...]  # each member's part of T (by band), in ``members`` order

    @property
    def supplier_final(self) -> float:
        return self.supplier_value - self.transfer

    @property
    def customer_final(self) -> float:
        return self.customer_value + self.transfer


@dataclass(frozen=True)
class Unrescued:
    """A target no bundle can rescue, and why (a sentence for the facilitator)."""

    customer_id: str
    target: str
    verdict: Verdict
    reason: str


@dataclass(frozen=True)
class RescuedAsMember:
    """A target that became a member of an earlier target's bundle (so it is rescued too)."""

    customer_id: str
    target: str
    by: str  # the target whose bundle holds it


@dataclass
class CustomerBalance:
    """One customer's proposals, rescued members and unrescued targets; ``solves``: HiGHS runs."""

    customer_id: str
    proposals: list[Proposal] = field(default_factory=list)
    rescued_as_members: list[RescuedAsMember] = field(default_factory=list)
    unrescued: list[Unrescued] = field(default_factory=list)
    solves: int = 0


def _cents(x: np.ndarray) -> IntArray:
    rounded: IntArray = np.rint(np.asarray(x, dtype=float) * 100).astype(np.int64)
    return rounded


def is_target(code: str, net: float) -> bool:
    """Whether an idea of this verdict and net value waits for a counter-balancing idea."""
    return code == SHELVE.code or (code == NO_GO.code and net > 0)


def _available(ideas: pd.DataFrame) -> np.ndarray:
    """Ideas that may join a bundle: open (``closers.open_mask``: not in the passbook, not
    Dropped, in bounds), quantified and in no bundle yet."""
    vs = ideas[col.SUPPLIER_VALUE].to_numpy(dtype=float)
    vc = ideas[col.CUSTOMER_VALUE].to_numpy(dtype=float)
    codes = ideas[col.VERDICT_CODE].to_numpy(dtype=object)
    ok: np.ndarray = open_mask(ideas) & ~np.isnan(vs) & ~np.isnan(vc)
    ok &= ~np.isin(codes, [GO_GOOD_FAITH.code, POSTPONE_QUANTIFY.code])
    if col.BUNDLE in ideas.columns:
        ok &= ~np.array([in_bundle(x) for x in ideas[col.BUNDLE]], dtype=bool)
    return ok


def judge(supplier_value: float, customer_value: float, settings: Settings) -> tuple[str, Verdict]:
    """The cell and verdict of a bundle's sums (every member quantified, none on good faith)."""
    t = settings.indifference_threshold
    v = verdict(
        supplier_value,
        customer_value,
        threshold=t,
        significance=settings.significance_threshold,
        max_one_sided_loss=settings.max_one_sided_loss,
    )
    return map_cell(supplier_value, customer_value, t), v


def rescues(supplier_value: float, customer_value: float, settings: Settings) -> bool:
    """The issue's condition on a bundle: W-W (both sums > τ) with net >= σ, and a Go by SPEC §3.4."""
    the_cell, v = judge(supplier_value, customer_value, settings)
    net = supplier_value + customer_value
    return the_cell == "W-W" and net >= settings.significance_threshold and is_go(v.code)


class _Search:
    """The MILP of one target over its pool of available ideas (positions 0..n-1, in ID order).

    ``families``: for each term the members must agree on (the explicit Sharing method, the
    explicit Supplier share), the classes of pool positions naming one value each; a bundle may
    draw from one class of a family at most (an auxiliary binary per class: x_j <= y_class, summed
    per class, and the y of a family add up to 1 at most).
    """

    def __init__(
        self,
        base_vs: float,
        base_vc: float,
        vs: np.ndarray,
        vc: np.ndarray,
        settings: Settings,
        families: Sequence[Sequence[np.ndarray]] = (),
        accept: Callable[[np.ndarray], bool] | None = None,
        terms: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        self.accept = accept
        # Each idea's explicit method and share as codes (0: blank), for ``undominated``.
        zeros = np.zeros(len(vs), dtype=np.int64)
        self.terms = terms if terms is not None else (zeros, zeros)
        self.base_vs, self.base_vc = base_vs, base_vc
        self.vs, self.vc = vs, vc
        self.settings = settings
        n = len(vs)
        self.n = n
        self.families = [list(f) for f in families if len(f) > 1]
        self.width = n + sum(len(f) for f in self.families)
        self.net_cents = _cents(vs) + _cents(vc)
        t, sigma = settings.indifference_threshold, settings.significance_threshold
        # The relaxation of "both sums > τ, net >= σ, one idea or more besides the target": ">= τ"
        # for "> τ" (a linear program has no strict rows); ``solve`` cuts off what it lets through.
        rows = [self.pad(vs), self.pad(vc), self.pad(vs + vc), self.pad(np.ones(n))]
        lower = [t - base_vs, t - base_vc, sigma - base_vs - base_vc, 1.0]
        upper = [np.inf] * 4
        aux = n
        for family in self.families:
            pick = np.zeros(self.width)
            for members in family:
                row = np.zeros(self.width)
                row[members] = 1.0
                row[aux] = -float(len(members))
                rows.append(row)
                lower.append(-np.inf)
                upper.append(0.0)
                pick[aux] = 1.0
                aux += 1
            rows.append(pick)
            lower.append(-np.inf)
            upper.append(1.0)
        self.structure = LinearConstraint(np.vstack(rows), np.array(lower), np.array(upper))
        self.cuts: list[tuple[np.ndarray, float]] = []  # sets found not to rescue: never again
        self.solves = 0

    def pad(self, x_row: np.ndarray) -> np.ndarray:
        """A row over the pool's ideas, with zeros for the auxiliary variables."""
        padded: np.ndarray = np.zeros(self.width)
        padded[: self.n] = x_row
        return padded

    def _exact(self, chosen: np.ndarray) -> bool:
        # Left-to-right sums in ID order, as a bundle adds its members' values.
        s = self.base_vs + float(np.sum(self.vs[chosen]))
        c = self.base_vc + float(np.sum(self.vc[chosen]))
        agree = all(sum(bool(chosen[m].any()) for m in family) <= 1 for family in self.families)
        if not (agree and rescues(s, c, self.settings)):
            return False
        # The bundle rule has the last word (``core.bundles`` through ``evaluation.evaluate_bundle``).
        return self.accept is None or self.accept(chosen)

    def solve(
        self,
        objective: np.ndarray,
        extra: Sequence[tuple[np.ndarray, float, float]] = (),
        upper: np.ndarray | None = None,
        lower_bound: np.ndarray | None = None,
    ) -> np.ndarray | None:
        """The 0/1 choice (over the pool) minimising ``objective`` that rescues the target, or None.

        ``extra``: further rows over the pool (coefficients, lower, upper); ``upper``/``lower_bound``:
        per-idea bounds (0 excludes an idea, 1 forces it in). A rounded solution that the rules
        reject is cut off (no-good cut) and the model solved again.
        """
        n = self.n
        lo = np.zeros(n) if lower_bound is None else lower_bound
        hi = np.ones(n) if upper is None else upper
        local: list[tuple[np.ndarray, float]] = []  # sets that miss this call's own rows
        while True:
            constraints = [self.structure]
            for coefficients, low, high in extra:
                constraints.append(LinearConstraint(self.pad(coefficients)[np.newaxis], low, high))
            for coefficients, high in (*self.cuts, *local):
                constraints.append(LinearConstraint(self.pad(coefficients)[np.newaxis], -np.inf, high))
            self.solves += 1
            result = milp(
                self.pad(objective.astype(float)),
                constraints=constraints,
                integrality=np.ones(self.width),
                bounds=Bounds(self.pad(lo), np.r_[hi, np.ones(self.width - n)]),
                options={"mip_rel_gap": 0.0},
            )
            if result.x is None:
                return None
            chosen: np.ndarray = np.asarray(result.x)[:n] > 0.5
            # No-good cut: this exact set is excluded; any other set stays allowed.
            cut = (np.where(chosen, 1.0, -1.0), float(chosen.sum()) - 1)
            if not self._exact(chosen):
                self.cuts.append(cut)  # not a rescue by the rules: never again
                continue
            # The rows of this call, in exact integer arithmetic (the solver's are within tolerances).
            fits = bool(np.all(chosen >= (lo > 0.5)) and np.all(chosen <= (hi > 0.5)))
            fits = fits and all(low <= float(np.dot(c, chosen)) <= high for c, low, high in extra)
            if fits:
                return chosen
            local.append(cut)

    def best(self) -> np.ndarray | None:
        """Fewest members, then the largest net value, then the smallest IDs (see the module)."""
        n = self.n
        if n == 0:
            return None
        ones = np.ones(n)
        while True:
            first = self.solve(ones)
            if first is None:
                return None
            k = int(first.sum())
            size = (ones, float(k), float(k))
            allowed = self.undominated(k).astype(float)
            most = self.solve(-self.net_cents.astype(float), [size], allowed)
            if most is None:
                continue  # every k-set the solver offered was cut: look again for the fewest
            net = float(self.net_cents[most].sum())
            # The largest net value, in whole cents, exactly (an integer objective).
            best_net = (self.net_cents.astype(float), net, np.inf)
            return self._smallest_ids(most, [size, best_net], allowed)

    def undominated(self, k: int) -> np.ndarray:
        """The ideas that can be in a best bundle of ``k`` ideas besides the target.

        Idea i dominates idea j when it brings each firm at least as much and more net value in
        cents, and may stand wherever j stands (its explicit method and share blank or j's). An
        idea dominated by k others or more is never in a best bundle: a bundle holding it lacks one
        of those k, and swapping it in keeps the bundle a rescue of the same size with a larger net.
        So the net value and ID stages need not look at it (it only makes them faster).
        """
        vs, vc, nc = self.vs, self.vc, self.net_cents
        method, share = self.terms
        fits = ((method[:, None] == 0) | (method[:, None] == method[None, :])) & (
            (share[:, None] == 0) | (share[:, None] == share[None, :])
        )
        dominates = (
            (vs[:, None] >= vs[None, :]) & (vc[:, None] >= vc[None, :]) & (nc[:, None] > nc[None, :]) & fits
        )
        kept: np.ndarray = dominates.sum(axis=0) < k
        return kept

    def _smallest_ids(
        self, witness: np.ndarray, fixed: list[tuple[np.ndarray, float, float]], allowed: np.ndarray
    ) -> np.ndarray:
        """Among the sets meeting ``fixed``, the one with the smallest sorted ID tuple.

        Member by member: the next member is the smallest position m after the last one chosen
        such that some qualifying set holds one of the positions (last, m]; positions skipped are
        excluded from then on. ``witness`` is a qualifying set, so a first bound is its next member.
        """
        n = self.n
        upper = allowed.copy()
        lower = np.zeros(n)
        after = 0  # positions before this one are decided
        k = int(witness.sum())
        for _ in range(k):
            high = int(np.flatnonzero(witness[after:])[0]) + after  # the witness's next member
            low = after  # the next member lies in [low, high]
            # First ask whether any set has a member before the witness's (usually none does: the
            # net values differ), then bisect.
            mid = high - 1
            while low < high:
                window = np.zeros(n)
                window[after : mid + 1] = 1.0
                found = self.solve(np.zeros(n), [*fixed, (window, 1.0, np.inf)], upper, lower)
                if found is None:
                    low = mid + 1
                else:
                    witness = found
                    high = int(np.flatnonzero(found[after:])[0]) + after
                mid = (low + high - 1) // 2
            lower[high] = 1.0
            upper[after:high] = 0.0
            after = high + 1
        return witness


def _most(values: np.ndarray) -> float:
    """The largest sum of one or more of ``values`` (a bundle holds at least one other idea)."""
    positive = values[values > 0]
    return float(positive.sum()) if len(positive) else float(values.max())


def _reason(
    base_vs: float, base_vc: float, vs: np.ndarray, vc: np.ndarray, s: Settings, taken: bool = False
) -> str:
    """Why no bundle rescues a target, in words (``taken``: ideas went to earlier proposals)."""
    if len(vs) == 0:
        if taken:
            return "the customer's other open ideas are all in the bundles proposed above"
        return "the customer has no other open idea to bundle it with"
    t, sigma = s.indifference_threshold, s.significance_threshold
    most_s, most_c, best_net = _most(vs), _most(vc), _most(vs + vc)
    if base_vs + most_s <= t:
        return (
            f"the customer's other open ideas add up to at most {whole_amount(most_s)} for the supplier, "
            f"too little to turn its {whole_amount(base_vs)} into a win"
        )
    if base_vc + most_c <= t:
        return (
            f"the customer's other open ideas add up to at most {whole_amount(most_c)} for the customer, "
            f"too little to turn its {whole_amount(base_vc)} into a win"
        )
    if base_vs + base_vc + best_net < sigma:
        return (
            f"the customer's other open ideas add at most {whole_amount(best_net)} of net value, short of "
            f"the significance threshold {whole_amount(sigma)}"
        )
    return (
        f"no combination of the customer's {spellings.plural(len(vs), 'other open idea')} makes both "
        "firms win with enough net value"
    )


def _explicit_terms(ideas: pd.DataFrame) -> tuple[list[str], list[float]]:
    """Each idea's explicit Sharing method (``AUTO`` when blank) and Supplier share (NaN when blank)."""
    n = len(ideas)
    methods = (
        [normalise_method(x) for x in ideas[col.SHARING_METHOD]]
        if col.SHARING_METHOD in ideas
        else [AUTO] * n
    )
    shares = (
        [parse_number(x) for x in ideas[col.SUPPLIER_SHARE]]
        if col.SUPPLIER_SHARE in ideas
        else [math.nan] * n
    )
    return methods, shares


def _codes(values: list[str] | list[float], blank: object) -> np.ndarray:
    """Each value as a whole number, equal values alike; 0 for a blank (``blank`` or NaN)."""
    numbers: dict[object, int] = {}
    out = np.zeros(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        if v != blank and not (isinstance(v, float) and math.isnan(v)):
            out[i] = numbers.setdefault(v, len(numbers) + 1)
    return out


def _families(
    target: int, pool: np.ndarray, methods: list[str], shares: list[float]
) -> tuple[np.ndarray, list[list[np.ndarray]]]:
    """The pool without the ideas whose explicit terms clash with the target's, and the classes of
    those that could clash with each other (members must name one method and one share, SPEC §3.5
    applied to a bundle; ``core.bundles``)."""
    keep = np.ones(len(pool), dtype=bool)
    families: list[list[np.ndarray]] = []
    for values, blank in ((methods, AUTO), (shares, None)):
        own = values[target]
        named = [values[j] for j in pool]
        is_blank = [v == blank or (isinstance(v, float) and math.isnan(v)) for v in named]
        if not (own == blank or (isinstance(own, float) and math.isnan(own))):
            keep &= np.array([b or v == own for v, b in zip(named, is_blank, strict=True)], dtype=bool)
            continue
        classes: dict[object, list[int]] = {}
        for position, (v, b) in enumerate(zip(named, is_blank, strict=True)):
            if not b:
                classes.setdefault(v, []).append(position)
        families.append([np.array(c, dtype=np.intp) for c in classes.values()])
    # Positions refer to the pool before the clashing ideas leave it: renumber them.
    new_position = np.cumsum(keep) - 1
    renumbered = [[new_position[c[keep[c]]] for c in family if keep[c].any()] for family in families]
    return pool[keep], renumbered


@dataclass(frozen=True)
class _Judged:
    """A bundle judged by the bundle rule: the bundle as one idea, and its members' columns."""

    bundle: dict[str, object]
    members: list[dict[str, object]]

    @property
    def bundle_values(self) -> tuple[float, float]:
        """BVs and BVc."""
        vs = float(self.bundle[col.SUPPLIER_VALUE])  # type: ignore[arg-type]
        vc = float(self.bundle[col.CUSTOMER_VALUE])  # type: ignore[arg-type]
        return vs, vc

    @property
    def is_rescue(self) -> bool:
        """A Go verdict on the W-W cell (the net against σ is ``rescues``' to check)."""
        return is_go(str(self.bundle[col.VERDICT_CODE])) and self.bundle[col.CELL] == "W-W"


def _judged(rows: list[dict[str, object]], settings: Settings) -> _Judged:
    """The bundle rule (``core.bundles``) as ``evaluation.evaluate_bundle`` applies it: each member
    evaluated alone, the bundle judged as the idea ``bundle_idea``, its transfer apportioned."""
    own = [evaluate_idea(r, settings) for r in rows]
    bundle = evaluate_idea(bundle_idea(rows, own), settings)
    return _Judged(bundle, member_columns(bundle, own))


def _customer(ideas: pd.DataFrame, settings: Settings, customer_id: str) -> CustomerBalance:
    out = CustomerBalance(customer_id)
    ids = np.array([spellings.cell_text(x) for x in ideas[col.IDEA_ID]], dtype=object)
    order = np.argsort(ids, kind="stable")  # the pool in ID order: the tie rule reads positions
    ideas, ids = ideas.iloc[order], ids[order]
    records: list[dict[str, object]] = ideas.to_dict("records", into=dict)
    vs_all = ideas[col.SUPPLIER_VALUE].to_numpy(dtype=float)
    vc_all = ideas[col.CUSTOMER_VALUE].to_numpy(dtype=float)
    codes = ideas[col.VERDICT_CODE].to_numpy(dtype=object)
    methods, shares = _explicit_terms(ideas)
    method_code = _codes(methods, AUTO)
    share_code = _codes(shares, None)

    def term_codes(pool: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return method_code[pool], share_code[pool]

    available = _available(ideas)
    net = vs_all + vc_all
    targets = [i for i in range(len(ideas)) if available[i] and is_target(str(codes[i]), float(net[i]))]
    targets.sort(key=lambda i: (-net[i], ids[i]))
    taken_by: dict[int, str] = {}
    for i in targets:
        if i in taken_by:
            out.rescued_as_members.append(RescuedAsMember(customer_id, str(ids[i]), taken_by[i]))
            continue
        pool = np.flatnonzero(available)
        pool, families = _families(i, pool[pool != i], methods, shares)

        def accept(chosen: np.ndarray, i: int = i, pool: np.ndarray = pool) -> bool:
            members = sorted([i, *pool[chosen].tolist()])
            judged = _judged([records[m] for m in members], settings)
            return judged.is_rescue and rescues(judged.bundle_values[0], judged.bundle_values[1], settings)

        vs, vc = float(vs_all[i]), float(vc_all[i])
        search = _Search(vs, vc, vs_all[pool], vc_all[pool], settings, families, accept, term_codes(pool))
        chosen = search.best()
        out.solves += search.solves
        if chosen is None:
            reason = _reason(vs, vc, vs_all[pool], vc_all[pool], settings, bool(taken_by))
            out.unrescued.append(Unrescued(customer_id, str(ids[i]), BY_CODE[str(codes[i])], reason))
            continue
        members = sorted([i, *pool[chosen].tolist()])
        judged = _judged([records[m] for m in members], settings)
        out.proposals.append(_proposal(customer_id, str(ids[i]), [str(ids[m]) for m in members], judged))
        for m in members:
            available[m] = False
            taken_by[m] = str(ids[i])
    return out


def _proposal(customer_id: str, target: str, members: list[str], judged: _Judged) -> Proposal:
    b = judged.bundle
    vs, vc = judged.bundle_values
    return Proposal(
        customer_id=customer_id,
        target=target,
        members=tuple(members),
        supplier_value=vs,
        customer_value=vc,
        cell=str(b[col.CELL]),
        verdict=BY_CODE[str(b[col.VERDICT_CODE])],
        net_value=float(b[col.NET_VALUE]),  # type: ignore[arg-type]
        split_method=str(b[col.SPLIT_METHOD]),
        transfer=float(b[col.TRANSFER]),  # type: ignore[arg-type]
        member_transfers=tuple(float(m[col.TRANSFER]) for m in judged.members),  # type: ignore[arg-type]
    )


def propose_bundles(
    evaluated: pd.DataFrame, settings: Settings, customer_id: str | None = None
) -> list[CustomerBalance]:
    """Bundles for every customer's targets (``evaluation.evaluate_ideas`` output), customers in
    table order; only ``customer_id``'s when given."""
    out: list[CustomerBalance] = []
    if col.CUSTOMER_ID not in evaluated.columns or evaluated.empty:
        return out
    keys = [spellings.cell_text(x) for x in evaluated[col.CUSTOMER_ID]]
    for cid in dict.fromkeys(keys):
        if customer_id is not None and cid != customer_id:
            continue
        mask = np.array([k == cid for k in keys], dtype=bool)
        out.append(_customer(evaluated.loc[mask], settings, cid))
    return out


def new_bundle_id(target: str, taken: set[str]) -> str:
    """``B-<target ID>``, or with -2, -3 ... when a bundle of that ID exists (case ignored)."""
    used = {t.strip().casefold() for t in taken}
    candidate = f"{BUNDLE_PREFIX}{target}"
    n = 2
    while candidate.casefold() in used:
        candidate = f"{BUNDLE_PREFIX}{target}-{n}"
        n += 1
    return candidate
