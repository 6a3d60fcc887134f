"""How the value of one idea is shared between the firms (SPEC §3.5)."""

from __future__ import annotations

import math
from typing import NamedTuple

from cvm_xl.core.settings import Settings
from cvm_xl.core.values import outcome
from cvm_xl.core.verdicts import is_go, verdict

METHODS = ("retain", "equal", "proportional", "compensate")
NO_SPLIT = "none"  # the method reported when an idea gets no split (its verdict is not a Go)


class Split(NamedTuple):
    """A split proposal: T moves from supplier to customer; finals are what each firm ends with."""

    method: str
    transfer: float
    supplier_final: float
    customer_final: float


def normalise_method(method: object) -> str:
    """'Equal ' -> 'equal'; blank -> 'auto'. Raises ValueError naming the valid methods."""
    if method is None or (isinstance(method, float) and math.isnan(method)):
        return "auto"
    text = str(method).strip().lower()
    if not text:
        return "auto"
    if text in METHODS or text == "auto":
        return text
    raise ValueError(f"Unknown sharing method {method!r}: use one of auto, {', '.join(METHODS)}")


def check_share(supplier_share: float) -> float:
    if not isinstance(supplier_share, int | float) or not 0 <= supplier_share <= 1:
        raise ValueError("Supplier share must be between 0 and 1")
    return float(supplier_share)


def transfer_for(
    method: str, supplier_value: float, customer_value: float, supplier_share: float = 0.5
) -> float:
    """Transfer T of one explicit method (not 'auto')."""
    vs, vc = supplier_value, customer_value
    if method == "retain":
        return 0.0
    if method == "equal":
        return (vs - vc) / 2
    if method == "proportional":
        return vs - check_share(supplier_share) * (vs + vc)
    if method == "compensate":
        return max(0.0, -vc) - max(0.0, -vs)
    raise ValueError(f"Unknown sharing method {method!r}: use one of {', '.join(METHODS)}")


def auto_method(supplier_outcome: str, customer_outcome: str, one_off: bool) -> str:
    """The paper's heuristics for an idea that is a Go, by its cell."""
    if supplier_outcome == "W" and customer_outcome == "W":
        return "equal"
    if {supplier_outcome, customer_outcome} == {"W", "L"}:
        return "equal" if one_off else "retain"
    return "retain"


def apply_method(
    method: str, supplier_value: float, customer_value: float, supplier_share: float = 0.5
) -> Split:
    t = transfer_for(method, supplier_value, customer_value, supplier_share) + 0.0
    return Split(method, t, supplier_value - t, customer_value + t)


def split(
    supplier_value: float,
    customer_value: float,
    method: str = "auto",
    *,
    supplier_share: float | None = None,
    one_off: bool = False,
    settings: Settings | None = None,
) -> Split:
    """Split proposal for one quantified idea.

    An explicit method is applied as asked. ``auto`` follows SPEC §3.5: W-W -> equal; W-I, I-W ->
    retain; W-L, L-W -> retain (equal when one-off); any verdict other than a Go -> no split.
    ``supplier_share`` (for 'proportional') defaults to the settings' target supplier share.
    """
    s = settings or Settings()
    share = s.target_supplier_share if supplier_share is None else supplier_share
    m = normalise_method(method)
    if m != "auto":
        return apply_method(m, supplier_value, customer_value, share)
    v = verdict(
        supplier_value,
        customer_value,
        threshold=s.indifference_threshold,
        significance=s.significance_threshold,
        max_one_sided_loss=s.max_one_sided_loss,
    )
    if not is_go(v.code):
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
