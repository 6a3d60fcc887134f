"""Bundles: two or more ideas of one customer judged, signed off and shared as one (SPEC §3.4, §3.5).

The rule, in one place (the scalar forms work on one bundle's members, the vector forms on whole
columns; ``core.evaluation`` applies both and a property test holds them equal):

- Members are the ideas with the same (Customer ID, Bundle), both compared by ``bundle_key``: control
  characters dropped, spaces trimmed (runs inside made one, as Excel's TRIM does), any case.
- The bundle's values are the sums of its members' values: BVs = sum of Supplier value, BVc = sum of
  Customer value (members without values add nothing; a bundle none of whose members has values has
  none either). Its cell, net and verdict are those of an idea with these values: quantified when
  every member is, good faith when every member is, one-off when every member is.
- The bundle's method is the members' explicit Sharing method (the first of ``SPLIT_METHODS`` any
  member names; members naming different ones is a validation error), else ``auto`` on the bundle's
  cell; its Supplier share is the members' explicit share (their mean; members giving different
  shares is a validation error), else Target supplier share. T is that method over (BVs, BVc, share).
- Apportioning: member i's transfer T_i = T x (band_i / sum of the members' bands), band = |Vs| + |Vc|
  (the ratio first, so a bundle of one gives its T exactly); equal parts T / n when every band is 0.
  Member finals: own Vs - T_i, own Vc + T_i, so they add up to the bundle's finals.
- A member shows the bundle's Verdict, Verdict code and Split method; its values, outcomes, Cell,
  Net value and Band stay its own.

The bundle is judged by ``evaluation``'s own rules: ``bundle_idea`` (scalar) and ``bundle_inputs``
(vector) turn the members into the inputs of one idea whose values are BVs and BVc (as one-time
amounts), which ``evaluate_idea`` and the evaluation kernel judge and split as any idea.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cvm_xl.core import columns as col
from cvm_xl.core.cells import parse_number, parse_yes_no
from cvm_xl.core.sharing import AUTO, SPLIT_METHODS, normalise_method
from cvm_xl.core.spellings import key

# The member columns that show the bundle's figures; the rest of a member's columns stay its own.
BUNDLE_SHOWN = (col.VERDICT, col.VERDICT_CODE, col.SPLIT_METHOD)
_METHOD_ORDER = {m.name: i for i, m in enumerate(SPLIT_METHODS)}


def bundle_key(x: object) -> str:
    """The text a Bundle ID (and the Customer ID it is grouped by) is compared by: ``spellings.key``
    with runs of spaces inside made one, as the formulas' TRIM(CLEAN(x&"")) compared in any case."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return " ".join(part for part in key(x).split(" ") if part)


def in_bundle(x: object) -> bool:
    """Whether a Bundle cell names a bundle (blank = no bundle)."""
    return bundle_key(x) != ""


def group_key(customer: object, bundle: object) -> tuple[str, str]:
    """The (Customer ID, Bundle) pair that groups the members of one bundle."""
    return bundle_key(customer), bundle_key(bundle)


# --- the scalar reference: one bundle's members --------------------------------------------------


def _sum(values: Sequence[float]) -> float:
    """Values added left to right from 0.0 (blanks skipped), the order the vector form keeps; NaN
    when every value is blank."""
    known = [v for v in values if not math.isnan(v)]
    total = 0.0
    for v in known:
        total += v
    return total if known else math.nan


def explicit_method(methods: Sequence[object]) -> str:
    """The members' explicit Sharing method: the first of ``SPLIT_METHODS`` any member names
    (they agree unless validation reports them); ``auto`` when none names one."""
    named = {normalise_method(m) for m in methods} - {AUTO}
    return min(named, key=_METHOD_ORDER.__getitem__) if named else AUTO


def explicit_share(shares: Sequence[object]) -> float:
    """The members' explicit Supplier share: the mean of those given, in row order (they agree
    unless validation reports them); NaN (Target supplier share) when none gives one."""
    given = [s for s in (parse_number(x) for x in shares) if not math.isnan(s)]
    total = 0.0
    for s in given:
        total += s
    return total / len(given) if given else math.nan


def bundle_idea(
    members: Sequence[Mapping[str, object]], own: Sequence[Mapping[str, object]]
) -> dict[str, object]:
    """The inputs of the one idea a bundle is judged as: its values BVs and BVc as one-time amounts,
    Quantified, Good faith and One-off when every member is, the members' explicit method and share.
    ``members`` are the members' input rows, ``own`` their computed columns as ideas alone."""
    vs = _sum([float(o[col.SUPPLIER_VALUE]) for o in own])  # type: ignore[arg-type]
    vc = _sum([float(o[col.CUSTOMER_VALUE]) for o in own])  # type: ignore[arg-type]
    quantified = all(
        bool(parse_yes_no(m.get(col.QUANTIFIED), True)) and not math.isnan(float(o[col.SUPPLIER_VALUE]))  # type: ignore[arg-type]
        for m, o in zip(members, own, strict=True)
    )
    return {
        col.SUPPLIER_ANNUAL: 0.0 if not math.isnan(vs) else None,
        col.SUPPLIER_ONE_TIME: None if math.isnan(vs) else vs,
        col.CUSTOMER_ANNUAL: 0.0 if not math.isnan(vc) else None,
        col.CUSTOMER_ONE_TIME: None if math.isnan(vc) else vc,
        col.QUANTIFIED: quantified,
        col.GOOD_FAITH: all(bool(parse_yes_no(m.get(col.GOOD_FAITH), False)) for m in members),
        col.ONE_OFF: all(bool(parse_yes_no(m.get(col.ONE_OFF), False)) for m in members),
        col.SHARING_METHOD: explicit_method([m.get(col.SHARING_METHOD) for m in members]),
        col.SUPPLIER_SHARE: explicit_share([m.get(col.SUPPLIER_SHARE) for m in members]),
    }


def apportion(transfer: float, bands: Sequence[float]) -> list[float]:
    """The members' parts of the bundle's transfer: T x (band_i / sum of bands); T / n each when every
    band is 0; 0 for every member when the bundle gets no transfer (T = 0)."""
    if transfer == 0:
        return [0.0] * len(bands)
    total = 0.0
    for b in bands:
        total += b
    if total == 0:
        return [transfer / len(bands) + 0.0 for _ in bands]
    return [transfer * (b / total) + 0.0 for b in bands]


def member_columns(
    bundle: Mapping[str, object], own: Sequence[Mapping[str, object]]
) -> list[dict[str, object]]:
    """Each member's computed columns: its own, with the bundle's verdict and method, its part of
    the bundle's transfer, its finals from it, and the bundle's values and cell."""
    parts = apportion(float(bundle[col.TRANSFER]), [float(o[col.BAND]) for o in own])  # type: ignore[arg-type]
    out = []
    for o, t in zip(own, parts, strict=True):
        row = dict(o)
        row.update({name: bundle[name] for name in BUNDLE_SHOWN})
        vs, vc = float(o[col.SUPPLIER_VALUE]), float(o[col.CUSTOMER_VALUE])  # type: ignore[arg-type]
        row[col.TRANSFER] = t
        row[col.SUPPLIER_FINAL] = vs - t
        row[col.CUSTOMER_FINAL] = vc + t
        row[col.BUNDLE_SUPPLIER_VALUE] = bundle[col.SUPPLIER_VALUE]
        row[col.BUNDLE_CUSTOMER_VALUE] = bundle[col.CUSTOMER_VALUE]
        row[col.BUNDLE_CELL] = bundle[col.CELL]
        out.append(row)
    return out


# --- the vector form: whole columns ---------------------------------------------------------------


@dataclass(frozen=True)
class Groups:
    """The bundled rows of a table: ``rows`` their positions (table order), ``group`` the bundle
    of each (0 .. n_groups - 1, numbered by first appearance)."""

    rows: np.ndarray
    group: np.ndarray
    n_groups: int

    @property
    def empty(self) -> bool:
        return self.n_groups == 0


def groups(rows: np.ndarray, customers: Sequence[object], bundle_ids: Sequence[object]) -> Groups:
    """The bundles of a table: ``rows`` the positions of its rows with a Bundle (table order),
    ``customers`` and ``bundle_ids`` their Customer ID and Bundle cells (grouped by ``group_key``)."""
    numbers: dict[tuple[str, str], int] = {}
    group = [
        numbers.setdefault(group_key(c, b), len(numbers)) for c, b in zip(customers, bundle_ids, strict=True)
    ]
    return Groups(np.asarray(rows, dtype=np.intp), np.array(group, dtype=np.intp), len(numbers))


def _group_sum(g: Groups, values: np.ndarray) -> np.ndarray:
    """Per bundle, its members' values added in table order from 0.0 (np.bincount adds one by one)."""
    return np.asarray(np.bincount(g.group, weights=values, minlength=g.n_groups), dtype=np.float64)


def _group_all(g: Groups, flags: np.ndarray) -> np.ndarray:
    """Per bundle, whether every member has the flag."""
    every: np.ndarray = _group_sum(g, (~flags).astype(np.float64)) == 0
    return every


@dataclass(frozen=True)
class BundleInputs:
    """The kernel inputs of the ideas the bundles are judged as (one per bundle, ``bundle_idea``)."""

    sa: np.ndarray
    so: np.ndarray
    ca: np.ndarray
    co: np.ndarray
    quantified: np.ndarray
    good_faith: np.ndarray
    one_off: np.ndarray
    method_idx: np.ndarray
    share: np.ndarray


def bundle_inputs(
    g: Groups,
    vs: np.ndarray,
    vc: np.ndarray,
    quantified: np.ndarray,
    good_faith: np.ndarray,
    one_off: np.ndarray,
    method_idx: np.ndarray,
    share_given: np.ndarray,
    auto: int,
) -> BundleInputs:
    """``bundle_idea`` over all bundles: members' values summed, flags when every member has them,
    the first explicit method (``method_idx``: position in SPLIT_METHODS, ``auto`` for none) and
    the mean explicit share (``share_given``: NaN where a member gives none)."""
    r = g.rows
    m_vs, m_vc = vs[r], vc[r]
    has = ~np.isnan(m_vs)
    counted = _group_sum(g, has.astype(np.float64)) > 0
    b_vs = np.where(counted, _group_sum(g, np.where(has, m_vs, 0.0)), np.nan)
    b_vc = np.where(counted, _group_sum(g, np.where(has, m_vc, 0.0)), np.nan)
    method = np.full(g.n_groups, auto, dtype=np.int64)
    m_method = method_idx[r]
    for i in reversed(range(len(SPLIT_METHODS))):  # the first method of SPLIT_METHODS wins
        named = _group_sum(g, (m_method == i).astype(np.float64)) > 0
        method = np.where(named, i, method)
    m_share = share_given[r]
    given = ~np.isnan(m_share)
    n_given = _group_sum(g, given.astype(np.float64))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n_given > 0, _group_sum(g, np.where(given, m_share, 0.0)) / n_given, np.nan)
    zero = np.where(counted, 0.0, np.nan)
    return BundleInputs(
        sa=zero,
        so=b_vs,
        ca=zero.copy(),
        co=b_vc,
        quantified=_group_all(g, quantified[r] & has),
        good_faith=_group_all(g, good_faith[r]),
        one_off=_group_all(g, one_off[r]),
        method_idx=method,
        share=share,
    )


def apportion_vector(g: Groups, transfer: np.ndarray, band: np.ndarray) -> np.ndarray:
    """``apportion`` over all bundles: each bundled row's part of its bundle's ``transfer``."""
    m_band = band[g.rows]
    t = transfer[g.group]
    total = _group_sum(g, m_band)[g.group]
    n = np.bincount(g.group, minlength=g.n_groups)[g.group]
    with np.errstate(invalid="ignore", divide="ignore"):
        parts = np.where(total == 0, t / n + 0.0, t * (m_band / total) + 0.0)
    return np.where(t == 0, 0.0, parts)
