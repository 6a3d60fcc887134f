"""Which customers to start CVM with: the four prerequisites of the Tata Steel paper (SPEC §3.9).

The paper found that "the seed for success or failure ... lies in the right choice of the
customer" and names four dimensions: industry leadership (both firms in their top quartile), a
culture of long-term thinking, organisational maturity (the business-excellence phase III,
"implementing the vision to grow") and a desire for co-destiny. A customer is eligible when it
meets every threshold; each one it misses, or that was not assessed, is a reason for a No.

``screen_customer`` is the rule for one customer; ``screen_customers`` applies it to the Customers
table, parsing each distinct value once, so the two agree by construction.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from cvm_xl.core import cells
from cvm_xl.core.cells import parse_number
from cvm_xl.core.columns import CUSTOMER_ID, EXCELLENCE_PHASES
from cvm_xl.core.settings import Settings, SettingsError
from cvm_xl.core.values import is_blank

CUSTOMER = "Customer"
INDUSTRY_QUARTILE = "Industry quartile"
LONG_TERM_CULTURE = "Long-term culture"
EXCELLENCE_PHASE = "Excellence phase"
CO_DESTINY = "Co-destiny"
ELIGIBLE = "Eligible"
REASONS = "Reasons"
SCREENING_INPUTS = (INDUSTRY_QUARTILE, LONG_TERM_CULTURE, EXCELLENCE_PHASE, CO_DESTINY)
SCREENING_COLUMNS = (CUSTOMER_ID, CUSTOMER, *SCREENING_INPUTS, ELIGIBLE, REASONS)

QUARTILES = (1, 2, 3, 4)
SCORE_LOW, SCORE_HIGH = 1.0, 5.0
PHASE_NAMES = {
    "I": "earning the right to grow",
    "II": "developing a shared vision to grow",
    "III": "implementing the vision to grow",
}
REASON_SEPARATOR = "; "

# Settings sheet label -> ScreeningThresholds field (proposed rows of the Settings table).
SCREENING_SETTING_LABELS: dict[str, str] = {
    "Screening max quartile": "max_quartile",
    "Screening min phase": "min_phase",
    "Screening min culture": "min_culture",
    "Screening min co-destiny": "min_co_destiny",
}
_FIELD_LABELS = {v: k for k, v in SCREENING_SETTING_LABELS.items()}


def parse_quartile(x: object) -> int | None:
    """1..4 (1 = top quartile of the industry); 'Q1' works too. None for blank."""
    if isinstance(x, str) and x.strip()[:1] in ("Q", "q"):
        x = x.strip()[1:]
    return cells.whole_number(x, 1, 4, "quartile (1 = top)")


def parse_phase(x: object) -> str | None:
    """'I', 'II' or 'III'; also 1-3 and 'Phase III' / 'Phase-III'. None for blank."""
    if is_blank(x):
        return None
    raw = cells.text(x) or ""
    word = raw.upper().replace("PHASE", "").replace("-", " ").strip()
    if word in EXCELLENCE_PHASES:
        return word
    if word in ("1", "2", "3"):
        return EXCELLENCE_PHASES[int(word) - 1]
    raise ValueError(f"'{raw}' is not an excellence phase: write I, II or III")


def parse_score(x: object) -> float | None:
    """A 1-5 assessment score (3.5 allowed, e.g. the average of several assessors). None for blank."""
    number = parse_number(x)
    if math.isnan(number):
        return None
    if not SCORE_LOW <= number <= SCORE_HIGH:
        raise ValueError(f"{number:g} is outside the scale: write a score from 1 to 5")
    return number


@dataclass(frozen=True)
class ScreeningThresholds:
    """What an eligible customer must reach. Defaults are the paper's: top quartile, phase III,
    and at least 3 out of 5 for the culture of long-term thinking and the desire for co-destiny."""

    max_quartile: int = 1
    min_phase: str = "III"
    min_culture: float = 3.0
    min_co_destiny: float = 3.0

    def __post_init__(self) -> None:
        def bad(name: str, message: str) -> SettingsError:
            return SettingsError(_FIELD_LABELS[name], message)

        q = self.max_quartile
        if isinstance(q, bool) or not isinstance(q, int | float) or q not in QUARTILES:
            raise bad("max_quartile", "must be a whole number from 1 (top quartile only) to 4")
        if self.min_phase not in EXCELLENCE_PHASES:
            raise bad("min_phase", "must be I, II or III")
        for name in ("min_culture", "min_co_destiny"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 5:
                raise bad(name, "must be a score from 1 to 5, e.g. 3")

    @classmethod
    def of(cls, settings: Settings) -> ScreeningThresholds:
        """The thresholds held by a master's Settings (its ``Screening ...`` rows)."""
        return cls(
            max_quartile=settings.screening_max_quartile,
            min_phase=settings.screening_min_phase,
            min_culture=settings.screening_min_culture,
            min_co_destiny=settings.screening_min_co_destiny,
        )

    @classmethod
    def from_labels(cls, values: Mapping[str, object]) -> ScreeningThresholds:
        """Thresholds from Settings-sheet rows (label -> cell value); missing or blank rows keep the
        defaults, other labels are ignored. Raises SettingsError naming the label."""
        wanted = {cells.key(label): name for label, name in SCREENING_SETTING_LABELS.items()}
        found: dict[str, object] = {}
        for label, raw in values.items():
            name = wanted.get(cells.key(label))
            if name is None or is_blank(raw):
                continue
            try:
                if name == "max_quartile":
                    found[name] = parse_quartile(raw)
                elif name == "min_phase":
                    found[name] = parse_phase(raw)
                else:
                    found[name] = parse_score(raw)
            except ValueError as exc:
                raise SettingsError(_FIELD_LABELS[name], str(exc)) from None
        return cls(**found)  # type: ignore[arg-type]


class Screening(NamedTuple):
    """Whether a customer meets the CVM prerequisites; ``reasons`` say why not (empty when eligible)."""

    eligible: bool
    reasons: list[str]

    @property
    def text(self) -> str:
        return REASON_SEPARATOR.join(self.reasons)


def _number(x: float) -> str:
    return f"{x:g}"


def quartile_reason(x: object, t: ScreeningThresholds) -> str | None:
    try:
        q = parse_quartile(x)
    except ValueError as exc:
        return f"{INDUSTRY_QUARTILE}: {exc}"
    if q is None:
        return f"{INDUSTRY_QUARTILE} not assessed"
    if q > t.max_quartile:
        need = "1" if t.max_quartile == 1 else f"1 to {t.max_quartile}"
        return f"{INDUSTRY_QUARTILE} {q}: CVM needs an industry leader (quartile {need})"
    return None


def phase_reason(x: object, t: ScreeningThresholds) -> str | None:
    try:
        phase = parse_phase(x)
    except ValueError as exc:
        return f"{EXCELLENCE_PHASE}: {exc}"
    if phase is None:
        return f"{EXCELLENCE_PHASE} not assessed"
    if EXCELLENCE_PHASES.index(phase) < EXCELLENCE_PHASES.index(t.min_phase):
        return (
            f"{EXCELLENCE_PHASE} {phase} ({PHASE_NAMES[phase]}): CVM needs phase {t.min_phase} "
            f"({PHASE_NAMES[t.min_phase]})" + (" or later" if t.min_phase != EXCELLENCE_PHASES[-1] else "")
        )
    return None


def score_reason(x: object, minimum: float, what: str) -> str | None:
    try:
        score = parse_score(x)
    except ValueError as exc:
        return f"{what}: {exc}"
    if score is None:
        return f"{what} not assessed"
    if score < minimum:
        return f"{what} {_number(score)} is below {_number(minimum)}"
    return None


def screen_customer(
    industry_quartile: object,
    long_term_culture: object,
    excellence_phase: object,
    co_destiny: object,
    thresholds: ScreeningThresholds | None = None,
) -> Screening:
    """Eligible when quartile <= max, phase >= min and both scores >= their minimums (defaults:
    quartile 1, phase III, scores 3). Blank or unreadable inputs make a customer not eligible,
    with the reason; this never raises for a cell value."""
    t = thresholds or ScreeningThresholds()
    found = [
        quartile_reason(industry_quartile, t),
        score_reason(long_term_culture, t.min_culture, LONG_TERM_CULTURE),
        phase_reason(excellence_phase, t),
        score_reason(co_destiny, t.min_co_destiny, CO_DESTINY),
    ]
    reasons = [r for r in found if r is not None]
    return Screening(not reasons, reasons)


def screen_customers(customers: pd.DataFrame, thresholds: ScreeningThresholds | None = None) -> pd.DataFrame:
    """The Portfolio columns of SPEC §3.9 for every customer, index kept (the Excel row).

    Columns: Customer ID, Customer, the four inputs as given, Eligible ('Yes'/'No') and Reasons
    (joined with '; ', empty text when eligible). A missing input column counts as blank.
    """
    t = thresholds or ScreeningThresholds()
    n = len(customers)

    def column(name: str) -> pd.Series:
        if name in customers.columns:
            return customers[name]
        return pd.Series([None] * n, index=customers.index, dtype=object)

    rules = (
        (INDUSTRY_QUARTILE, lambda x: quartile_reason(x, t)),
        (LONG_TERM_CULTURE, lambda x: score_reason(x, t.min_culture, LONG_TERM_CULTURE)),
        (EXCELLENCE_PHASE, lambda x: phase_reason(x, t)),
        (CO_DESTINY, lambda x: score_reason(x, t.min_co_destiny, CO_DESTINY)),
    )
    found = [cells.apply_each(column(name), rule) for name, rule in rules]
    reasons: list[str] = []
    eligible: list[str] = []
    for row in zip(*found, strict=True):
        kept = [r for r in row if r is not None]
        reasons.append(REASON_SEPARATOR.join(kept))
        eligible.append("No" if kept else "Yes")
    index = customers.index
    return pd.DataFrame(
        {
            **{name: column(name).copy() for name in (CUSTOMER_ID, CUSTOMER, *SCREENING_INPUTS)},
            ELIGIBLE: pd.Series(eligible, index=index, dtype=object),
            REASONS: pd.Series(reasons, index=index, dtype=object),
        },
        index=index,
    )
