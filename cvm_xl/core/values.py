"""Value of one idea for one firm, its outcome, the map cell and the zone of agreement (SPEC §3.1–3.3)."""

from __future__ import annotations

import math
from typing import Any, NamedTuple, cast

import pandas as pd

OUTCOMES = ("W", "I", "L")
CELLS = ("W-W", "W-I", "W-L", "I-W", "I-I", "I-L", "L-W", "L-I", "L-L")


def is_blank(x: object) -> bool:
    """Blank the way a spreadsheet means it: None, empty text or NaN."""
    if x is None:
        return True
    if isinstance(x, float):
        return math.isnan(x)
    if isinstance(x, str):
        return not x.strip()
    try:
        # NaT, pd.NA, numpy NaN. pandas-stubs type pd.isna for scalars, arrays and frames, not for
        # `object`; the runtime takes any object (False for what it does not know, an error for a
        # container of several, caught below), hence the cast.
        return bool(pd.isna(cast(Any, x)))
    except (TypeError, ValueError):
        return False


def annuity(horizon_years: float, discount_rate: float = 0.0) -> float:
    """Present value of 1 per year over the horizon; equals the horizon when there is no discounting."""
    if horizon_years <= 0:
        raise ValueError("Horizon years must be greater than 0")
    if discount_rate < 0:
        raise ValueError("Discount rate must be 0 or positive")
    if discount_rate == 0:
        return float(horizon_years)
    # math.pow: the same C pow() as **, typed float (a float ** float may be complex in general).
    return (1.0 - math.pow(1.0 + discount_rate, -horizon_years)) / discount_rate


def value_over_horizon(
    annual: float | None,
    one_time: float | None = 0.0,
    horizon_years: float = 3.0,
    discount_rate: float = 0.0,
) -> float:
    """one_time + annual x annuity(H, r); a blank amount counts as 0."""
    a = 0.0 if annual is None or is_blank(annual) else float(annual)
    o = 0.0 if one_time is None or is_blank(one_time) else float(one_time)
    return o + a * annuity(horizon_years, discount_rate)


def outcome(value: float, threshold: float = 0.0) -> str:
    """'W' above +threshold, 'L' below -threshold, 'I' in between (the bounds are indifferent)."""
    if threshold < 0:
        raise ValueError("Indifference threshold must be 0 or positive")
    if value > threshold:
        return "W"
    if value < -threshold:
        return "L"
    return "I"


def cell(supplier_value: float, customer_value: float, threshold: float = 0.0) -> str:
    """The Idea Portfolio Map cell, supplier first: 'W-L' = supplier wins, customer loses."""
    return f"{outcome(supplier_value, threshold)}-{outcome(customer_value, threshold)}"


def net(supplier_value: float, customer_value: float) -> float:
    """The value-chain gain."""
    return supplier_value + customer_value


def band(supplier_value: float, customer_value: float) -> float:
    """|Vs| + |Vc|: the paper's 'band of 160,000' for +100,000 / -60,000."""
    return abs(supplier_value) + abs(customer_value)


class Zone(NamedTuple):
    """Transfers T (supplier -> customer) that leave neither firm below zero: low <= T <= high."""

    low: float
    high: float

    @property
    def empty(self) -> bool:
        return not self.low <= self.high


def zone(supplier_value: float, customer_value: float) -> Zone | None:
    """[-Vc, Vs], or None when no transfer can leave both firms whole (net < 0)."""
    # net >= 0 and -Vc <= Vs are the same test in IEEE arithmetic (gradual underflow keeps
    # the sign of an exact sum), so the zone is non-empty exactly when net >= 0.
    if net(supplier_value, customer_value) < 0:
        return None
    return Zone(-customer_value + 0.0, supplier_value + 0.0)
