"""Which customers to start CVM with: the four prerequisites of the Tata Steel paper (SPEC §3.9).

The paper found that "the seed for success or failure ... lies in the right choice of the
customer" and names four dimensions: industry leadership (both firms in their top quartile), a
culture of long-term thinking, organisational maturity (the business-excellence phase III,
"implementing the vision to grow") and a desire for co-destiny. A customer is eligible when it
meets every threshold; each one it misses, or that was not assessed, is a reason for a No.

The four prerequisites are declared once, in ``PREREQUISITES`` (each with its reason for a No and
what it needs, as a sheet shows it): ``screening_lines`` and ``screen_customer`` take them for one
customer; ``screen_customers`` applies them to the Customers table, parsing each distinct value
once, so the two agree by construction.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple, TypeVar

import pandas as pd

from cvm_xl.core import cells
from cvm_xl.core.cells import parse_number
from cvm_xl.core.columns import CUSTOMER_ID, EXCELLENCE_PHASES
from cvm_xl.core.settings import SCREENING_LABELS, Settings, SettingsError
from cvm_xl.core.values import is_blank
from cvm_xl.readiness.tables import NO, YES

CUSTOMER = "Customer"
INDUSTRY_QUARTILE = "Industry quartile"
LONG_TERM_CULTURE = "Long-term culture"
EXCELLENCE_PHASE = "Excellence phase"
CO_DESTINY = "Co-destiny"
ELIGIBLE = "Eligible"
REASONS = "Reasons"

QUARTILES = (1, 2, 3, 4)
SCORE_LOW, SCORE_HIGH = 1.0, 5.0
PHASE_NAMES = {
    "I": "earning the right to grow",
    "II": "developing a shared vision to grow",
    "III": "implementing the vision to grow",
}
REASON_SEPARATOR = "; "
T = TypeVar("T")

# Settings sheet label -> ScreeningThresholds field: the thresholds are the Screening rows of the
# master's Settings (``core.settings``: their labels, defaults and checks), without the prefix.
_PREFIX = "screening_"
SCREENING_SETTING_LABELS: dict[str, str] = {
    label: name.removeprefix(_PREFIX) for label, name in SCREENING_LABELS.items()
}
_FIELD_LABELS = {v: k for k, v in SCREENING_SETTING_LABELS.items()}
_DEFAULTS = Settings()


_QUARTILE = re.compile(r"(?:q|quartile)\s*([0-9]+(?:\.0*)?)", re.IGNORECASE | re.ASCII)
_PHASE_WORD = re.compile(r"phase[\s:-]*", re.IGNORECASE)


def quartile_number(x: object) -> object:
    """The number a quartile cell spells: 'Q1', 'q 2' and 'Quartile 3' -> '1', '2', '3'; any other
    value unchanged (SPEC §3.9: the Customers column and the Settings row read it so)."""
    if isinstance(x, str):
        match = _QUARTILE.fullmatch(x.strip())
        if match:
            return match.group(1)
    return x


def parse_quartile(x: object) -> int | None:
    """1..4 (1 = top quartile of the industry); 'Q1' and 'Quartile 1' work too. None for blank."""
    return cells.whole_number(quartile_number(x), QUARTILES[0], QUARTILES[-1], "quartile (1 = top)")


def parse_phase(x: object) -> str | None:
    """'I', 'II' or 'III'; also 1-3, 'Phase III', 'phase 3', 'Phase-III' and 'Phase: 2'. None for
    blank."""
    if is_blank(x):
        return None
    raw = cells.text(x) or ""
    word = _PHASE_WORD.sub("", raw.strip(), count=1).upper().replace("-", " ").strip()
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
    """What an eligible customer must reach. Defaults are the Settings' (the paper's): top quartile,
    phase III, and at least 3 out of 5 for the culture of long-term thinking and the desire for
    co-destiny."""

    max_quartile: int = _DEFAULTS.screening_max_quartile
    min_phase: str = _DEFAULTS.screening_min_phase
    min_culture: float = _DEFAULTS.screening_min_culture
    min_co_destiny: float = _DEFAULTS.screening_min_co_destiny

    def __post_init__(self) -> None:
        # The Settings' own check of its Screening rows: raises SettingsError naming the row.
        _DEFAULTS.replace(
            **{_PREFIX + name: getattr(self, name) for name in SCREENING_SETTING_LABELS.values()}
        )

    @classmethod
    def of(cls, settings: Settings) -> ScreeningThresholds:
        """The thresholds held by a master's Settings (its ``Screening ...`` rows)."""
        return cls(**{name: getattr(settings, _PREFIX + name) for name in SCREENING_SETTING_LABELS.values()})

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


def _quartiles(t: ScreeningThresholds) -> str:
    return "1" if t.max_quartile == 1 else f"1 to {t.max_quartile}"


def _or_later(t: ScreeningThresholds) -> str:
    return " or later" if t.min_phase != EXCELLENCE_PHASES[-1] else ""


def _assessed(parse: Callable[[object], T], x: object, what: str) -> tuple[T | None, str | None]:
    """The assessment in a cell, or why it cannot be judged: unreadable, or not assessed (blank)."""
    try:
        value = parse(x)
    except ValueError as exc:
        return None, f"{what}: {exc}"
    return value, f"{what} not assessed" if value is None else None


def quartile_reason(x: object, t: ScreeningThresholds) -> str | None:
    q, why = _assessed(parse_quartile, x, INDUSTRY_QUARTILE)
    if q is None or q <= t.max_quartile:
        return why
    return f"{INDUSTRY_QUARTILE} {q}: CVM needs an industry leader (quartile {_quartiles(t)})"


def phase_reason(x: object, t: ScreeningThresholds) -> str | None:
    phase, why = _assessed(parse_phase, x, EXCELLENCE_PHASE)
    if phase is None or EXCELLENCE_PHASES.index(phase) >= EXCELLENCE_PHASES.index(t.min_phase):
        return why
    return (
        f"{EXCELLENCE_PHASE} {phase} ({PHASE_NAMES[phase]}): CVM needs phase {t.min_phase} "
        f"({PHASE_NAMES[t.min_phase]}){_or_later(t)}"
    )


def score_reason(x: object, minimum: float, what: str) -> str | None:
    score, why = _assessed(parse_score, x, what)
    if score is None or score >= minimum:
        return why
    return f"{what} {_number(score)} is below {_number(minimum)}"


class Prerequisite(NamedTuple):
    """One prerequisite: the Customers column holding the assessment, why a cell misses it (None when
    it is met) and what it needs, both under the given thresholds."""

    column: str
    reason: Callable[[object, ScreeningThresholds], str | None]
    needed: Callable[[ScreeningThresholds], str]


def _score(column: str, minimum: Callable[[ScreeningThresholds], float]) -> Prerequisite:
    """A 1-5 score that must reach ``minimum``."""
    return Prerequisite(
        column,
        lambda x, t: score_reason(x, minimum(t), column),
        lambda t: f"{_number(minimum(t))} or more (of {_number(SCORE_HIGH)})",
    )


PREREQUISITES: tuple[Prerequisite, ...] = (
    Prerequisite(
        INDUSTRY_QUARTILE,
        quartile_reason,
        lambda t: _quartiles(t) + (" (top quartile)" if t.max_quartile == 1 else ""),
    ),
    _score(LONG_TERM_CULTURE, lambda t: t.min_culture),
    Prerequisite(EXCELLENCE_PHASE, phase_reason, lambda t: t.min_phase + _or_later(t)),
    _score(CO_DESTINY, lambda t: t.min_co_destiny),
)
SCREENING_INPUTS = tuple(p.column for p in PREREQUISITES)
SCREENING_COLUMNS = (CUSTOMER_ID, CUSTOMER, *SCREENING_INPUTS, ELIGIBLE, REASONS)


@dataclass(frozen=True)
class ScreeningLine:
    """One prerequisite of one customer: its assessment, what is needed and why it is missed."""

    label: str
    assessment: object
    needed: str
    reason: str | None  # None when met

    @property
    def met(self) -> bool:
        return self.reason is None


def screening_lines(
    customer: Mapping[str, object], thresholds: ScreeningThresholds | None = None
) -> tuple[ScreeningLine, ...]:
    """The four prerequisites of one customer row (column name -> cell), in ``PREREQUISITES`` order."""
    t = thresholds or ScreeningThresholds()
    return tuple(
        ScreeningLine(p.column, customer.get(p.column), p.needed(t), p.reason(customer.get(p.column), t))
        for p in PREREQUISITES
    )


def needed_text(thresholds: ScreeningThresholds | None = None) -> str:
    """What an eligible customer needs, in words: 'Industry quartile 1 (top quartile); ...'."""
    t = thresholds or ScreeningThresholds()
    return REASON_SEPARATOR.join(f"{p.column} {p.needed(t)}" for p in PREREQUISITES)


def screening_of(lines: tuple[ScreeningLine, ...]) -> Screening:
    """Eligible when every prerequisite is met; the reasons of those missed, in order."""
    reasons = [line.reason for line in lines if line.reason is not None]
    return Screening(not reasons, reasons)


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
    given = (industry_quartile, long_term_culture, excellence_phase, co_destiny)
    return screening_of(screening_lines(dict(zip(SCREENING_INPUTS, given, strict=True)), thresholds))


def _reason(prerequisite: Prerequisite, t: ScreeningThresholds, x: object) -> str | None:
    return prerequisite.reason(x, t)


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

    found = [cells.apply_each(column(p.column), partial(_reason, p, t)) for p in PREREQUISITES]
    reasons: list[str] = []
    eligible: list[str] = []
    for row in zip(*found, strict=True):
        kept = [r for r in row if r is not None]
        reasons.append(REASON_SEPARATOR.join(kept))
        eligible.append(NO if kept else YES)
    index = customers.index
    return pd.DataFrame(
        {
            **{name: column(name).copy() for name in (CUSTOMER_ID, CUSTOMER, *SCREENING_INPUTS)},
            ELIGIBLE: pd.Series(eligible, index=index, dtype=object),
            REASONS: pd.Series(reasons, index=index, dtype=object),
        },
        index=index,
    )
