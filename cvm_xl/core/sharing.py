"""How the value of one idea is shared between the firms (SPEC §3.5).

A split method is one record (``SplitMethod``): its name, its transfer T for one idea, the same
transfer over numpy arrays, the same transfer as an Excel formula, and how help texts show it.
``SPLIT_METHODS`` lists them; the scalar split, the vectorised evaluation, the workbook formulas,
the Settings sheet, the Ideas dropdown, the master schema and the UDF help all iterate over it, so
adding a method means adding one record here (plus tests). The ``auto`` choice is declared once
too, as ordered rules (``AUTO_RULES``) that the scalar path, the kernel and the formulas read.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from cvm_xl.core import spellings
from cvm_xl.core.settings import Settings
from cvm_xl.core.values import outcome
from cvm_xl.core.verdicts import gets_split, verdict

FloatArray = npt.NDArray[np.float64]  # a column of values, one per idea
ScalarTransfer = Callable[[float, float, float], float]
VectorTransfer = Callable[[FloatArray, FloatArray, FloatArray], FloatArray]


@dataclass(frozen=True)
class SplitMethod:
    """One sharing method of SPEC §3.5.

    ``transfer(vs, vc, w)`` is T for one idea (w: the supplier share); ``transfer_vector`` the same
    over aligned arrays with the same floating-point operations in the same order (a property test
    holds them equal bit for bit); ``formula`` the same in classic Excel functions over the
    placeholders {vs}, {vc} and {share}; ``shown`` is T as the Settings sheet writes it and
    ``meaning`` what the method does, for help texts.
    """

    name: str
    transfer: ScalarTransfer
    transfer_vector: VectorTransfer
    formula: str
    shown: str
    meaning: str


def check_share(supplier_share: float) -> float:
    if not isinstance(supplier_share, int | float) or not 0 <= supplier_share <= 1:
        raise ValueError("Supplier share must be between 0 and 1")
    return float(supplier_share)


def _retain(vs: float, vc: float, w: float) -> float:
    return 0.0


def _retain_vector(vs: FloatArray, vc: FloatArray, w: FloatArray) -> FloatArray:
    return np.zeros(len(vs))


def _equal(vs: float, vc: float, w: float) -> float:
    return (vs - vc) / 2


def _equal_vector(vs: FloatArray, vc: FloatArray, w: FloatArray) -> FloatArray:
    return (vs - vc) / 2


def _proportional(vs: float, vc: float, w: float) -> float:
    return vs - check_share(w) * (vs + vc)


def _proportional_vector(vs: FloatArray, vc: FloatArray, w: FloatArray) -> FloatArray:
    return vs - w * (vs + vc)  # shares are checked column-wise before the kernel runs


def _compensate(vs: float, vc: float, w: float) -> float:
    return max(0.0, -vc) - max(0.0, -vs)


def _compensate_vector(vs: FloatArray, vc: FloatArray, w: FloatArray) -> FloatArray:
    return np.maximum(0.0, -vc) - np.maximum(0.0, -vs)


RETAIN = SplitMethod(
    name="retain",
    transfer=_retain,
    transfer_vector=_retain_vector,
    formula="0",
    shown="0",
    meaning="Each firm keeps what it creates or loses (the paper's heuristics 1 and 2).",
)
EQUAL = SplitMethod(
    name="equal",
    transfer=_equal,
    transfer_vector=_equal_vector,
    formula="({vs}-{vc})/2",
    shown="(Vs - Vc) / 2",
    meaning="Compensate the loser, then share the net value equally (the paper's one-off example).",
)
PROPORTIONAL = SplitMethod(
    name="proportional",
    transfer=_proportional,
    transfer_vector=_proportional_vector,
    formula="{vs}-{share}*({vs}+{vc})",
    shown="Vs - share x net",
    meaning="The supplier ends with its Supplier share of the net value (blank: the target supplier share).",
)
COMPENSATE = SplitMethod(
    name="compensate",
    transfer=_compensate,
    transfer_vector=_compensate_vector,
    formula="MAX(0,-{vc})-MAX(0,-{vs})",
    shown="max(0, -Vc) - max(0, -Vs)",
    meaning="Only make the losing firm whole; the winner keeps the rest.",
)
# Issue 16: the Shapley value of the ideas' coalition game. Between two firms (status quo 0 for
# each, the net only when both take part) every firm's Shapley value is net / 2, so T is equal's,
# the same record functions; for a chain idea of three or more parties ``core.chain`` computes it
# over the relationship's parties (``core.shapley``).
SHAPLEY = SplitMethod(
    name="shapley",
    transfer=_equal,
    transfer_vector=_equal_vector,
    formula=EQUAL.formula,
    shown=EQUAL.shown,
    meaning="The Shapley value: each party's average contribution (for two firms the same as equal; "
    "for a chain idea over all its parties).",
)
# The methods in the order the Settings sheet, the dropdowns and the help texts list them.
SPLIT_METHODS: tuple[SplitMethod, ...] = (RETAIN, EQUAL, PROPORTIONAL, COMPENSATE, SHAPLEY)
METHODS = tuple(m.name for m in SPLIT_METHODS)
BY_NAME: dict[str, SplitMethod] = {m.name: m for m in SPLIT_METHODS}
AUTO = "auto"  # the default: the method is chosen by AUTO_RULES
METHOD_CHOICES = (AUTO, *METHODS)  # what a Sharing method cell may hold (blank = auto)
NO_SPLIT = "none"  # the method reported when an idea gets no split (its verdict is not a Go)
_CHOICE_BY_KEY = {spellings.key(c): c for c in METHOD_CHOICES}  # how normalise_method finds a choice


class AutoRule(NamedTuple):
    """Under ``auto``, ideas in one of ``cells`` (one-off ideas only, if ``one_off_only``) get ``method``."""

    cells: tuple[str, ...]
    one_off_only: bool
    method: str


# SPEC §3.5, first match wins: W-W -> equal; W-L, L-W -> equal when one-off; else (W-I, I-W, and
# W-L, L-W that are not one-off) retain.
AUTO_RULES: tuple[AutoRule, ...] = (
    AutoRule(("W-W",), False, "equal"),
    AutoRule(("W-L", "L-W"), True, "equal"),
)
AUTO_OTHERWISE = "retain"
AUTO_SHOWN = "by the map cell"  # T under auto, as the Settings sheet shows it


def auto_meaning() -> str:
    """``auto`` in words, from AUTO_RULES: 'The default (...): W-W equal, ..., else retain.'"""
    rules = [f"{'/'.join(r.cells)} {r.method}{' if one-off' if r.one_off_only else ''}" for r in AUTO_RULES]
    return f"The default (also for a blank cell): {', '.join(rules)}, else {AUTO_OTHERWISE}."


class Split(NamedTuple):
    """A split proposal: T moves from supplier to customer; finals are what each firm ends with."""

    method: str
    transfer: float
    supplier_final: float
    customer_final: float


def method_list(last: str = " or ") -> str:
    """The methods for help texts: 'retain, equal, proportional or compensate'."""
    return ", ".join(METHODS[:-1]) + last + METHODS[-1] if len(METHODS) > 1 else METHODS[0]


def normalise_method(method: object) -> str:
    """'Equal ' -> 'equal'; blank -> 'auto' (spellings as ``core.spellings.key`` reads them).
    Raises ValueError naming the valid methods."""
    if method is None or (isinstance(method, float) and math.isnan(method)):
        return AUTO
    text = spellings.key(method)
    if not text:
        return AUTO
    choice = _CHOICE_BY_KEY.get(text)
    if choice is not None:
        return choice
    raise ValueError(f"Unknown sharing method {method!r}: use one of {', '.join(METHOD_CHOICES)}")


def transfer_for(
    method: str, supplier_value: float, customer_value: float, supplier_share: float = 0.5
) -> float:
    """Transfer T of one explicit method (not 'auto')."""
    record = BY_NAME.get(method)
    if record is None:
        raise ValueError(f"Unknown sharing method {method!r}: use one of {', '.join(METHODS)}")
    return record.transfer(supplier_value, customer_value, supplier_share)


def auto_method_for_cell(map_cell: str, one_off: bool) -> str:
    """The method ``auto`` picks for a Go idea in this map cell (AUTO_RULES, first match wins)."""
    for rule in AUTO_RULES:
        if map_cell in rule.cells and (one_off or not rule.one_off_only):
            return rule.method
    return AUTO_OTHERWISE


def auto_method(supplier_outcome: str, customer_outcome: str, one_off: bool) -> str:
    """The paper's heuristics for an idea that is a Go, by its cell."""
    return auto_method_for_cell(f"{supplier_outcome}-{customer_outcome}", one_off)


def apply_method(
    method: str, supplier_value: float, customer_value: float, supplier_share: float = 0.5
) -> Split:
    t = transfer_for(method, supplier_value, customer_value, supplier_share) + 0.0
    return Split(method, t, supplier_value - t, customer_value + t)


def split(
    supplier_value: float,
    customer_value: float,
    method: str = AUTO,
    *,
    supplier_share: float | None = None,
    one_off: bool = False,
    settings: Settings | None = None,
) -> Split:
    """Split proposal for one quantified idea.

    An explicit method is applied as asked. ``auto`` follows SPEC §3.5 (AUTO_RULES); an idea whose
    verdict gets no split (``verdicts.SPLIT_GO_CODES``) -> no split.
    ``supplier_share`` (for 'proportional') defaults to the settings' target supplier share.
    """
    s = settings or Settings()
    share = s.target_supplier_share if supplier_share is None else supplier_share
    m = normalise_method(method)
    if m != AUTO:
        return apply_method(m, supplier_value, customer_value, share)
    v = verdict(
        supplier_value,
        customer_value,
        threshold=s.indifference_threshold,
        significance=s.significance_threshold,
        max_one_sided_loss=s.max_one_sided_loss,
    )
    if not gets_split(v.code):
        return Split(NO_SPLIT, 0.0, supplier_value, customer_value)
    t = s.indifference_threshold
    chosen = auto_method(outcome(supplier_value, t), outcome(customer_value, t), one_off)
    return apply_method(chosen, supplier_value, customer_value, share)


class PricePremium(NamedTuple):
    """A transfer expressed per unit of the customer's volume. kind: 'premium', 'rebate' or 'none'."""

    kind: str
    per_unit: float
    percent_of_price: float | None


def price_premium(
    transfer: float,
    annual_volume: float,
    horizon_years: float = 3.0,
    unit_price: float | None = None,
) -> PricePremium:
    """-T / (Q x H) per unit and -T / (Q x H x P) of the price; positive = the customer pays more."""
    if not annual_volume or annual_volume <= 0:
        raise ValueError("Annual volume must be greater than 0 to express a price premium")
    if horizon_years <= 0:
        raise ValueError("Horizon years must be greater than 0")
    per_unit = -transfer / (annual_volume * horizon_years) + 0.0
    pct = None
    if unit_price is not None and not (isinstance(unit_price, float) and math.isnan(unit_price)):
        if unit_price <= 0:
            raise ValueError("Unit price must be greater than 0")
        pct = -transfer / (annual_volume * horizon_years * unit_price) + 0.0
    kind = "premium" if transfer < 0 else "rebate" if transfer > 0 else "none"
    return PricePremium(kind, per_unit, pct)
