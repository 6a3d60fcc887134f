"""The joint risk register: likelihood x impact, a risk level and a 5x5 heat map (SPEC §3.9).

Likelihood and impact are whole numbers from 1 (rare / negligible) to 5 (almost certain /
severe); the rating is their product (1..25) and the level follows fixed cut-offs:

    rating  1-4   Low        (nothing worse than "possible and minor": 2x2, 1x4)
    rating  5-9   Medium
    rating 10-16  High
    rating 20-25  Critical   (both at least 4 and one of them 5)

The cut-offs are declared once, in ``LEVEL_FLOORS``: ``risk_level`` reads them, and so do
``risk_formulas`` (in Excel: IF(R>=20,"Critical",IF(R>=10,"High",IF(R>=5,"Medium","Low")))),
``level_grid`` (the heat map's colours) and ``level_legend`` (its key). ``risk_rating`` is the
rule for one risk and raises on unreadable scores; ``risk_ratings`` is the same rule over whole
columns and leaves unreadable scores blank (the validators report them), so on readable input the
two agree exactly. ``heat_counts`` is the heat map over plain columns, ``heat_formula`` one of its
cells as a worksheet formula.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

import numpy as np
import pandas as pd

from cvm_xl.core import cells, spellings
from cvm_xl.core.columns import CUSTOMER_ID
from cvm_xl.readiness.tables import (
    IMPACT,
    LIKELIHOOD,
    RATING,
    RISK_LEVEL,
    RISK_LEVELS,
    RISK_STATUSES,
    SCORES,
    STATUS,
)

SCORE_MIN, SCORE_MAX = SCORES[0], SCORES[-1]
LOW, MEDIUM, HIGH, CRITICAL = RISK_LEVELS
# Lowest rating of each level.
LEVEL_FLOORS: tuple[tuple[int, str], ...] = ((20, CRITICAL), (10, HIGH), (5, MEDIUM), (1, LOW))
OPEN, MITIGATING, ACCEPTED, CLOSED = RISK_STATUSES
LIKELIHOOD_NAMES = ("Rare", "Unlikely", "Possible", "Likely", "Almost certain")
IMPACT_NAMES = ("Negligible", "Minor", "Moderate", "Major", "Severe")


class RiskRating(NamedTuple):
    rating: int
    level: str


def parse_likelihood(x: object) -> int | None:
    return cells.whole_number(x, SCORE_MIN, SCORE_MAX, "likelihood")


def parse_impact(x: object) -> int | None:
    return cells.whole_number(x, SCORE_MIN, SCORE_MAX, "impact")


def parse_risk_status(x: object) -> str:
    """A risk status; blank means Open."""
    return cells.choice(x, RISK_STATUSES) or OPEN


def risk_level(rating: float) -> str:
    """Low / Medium / High / Critical of a rating 1..25."""
    if not 1 <= rating <= SCORE_MAX * SCORE_MAX:
        raise ValueError(f"A risk rating is from 1 to {SCORE_MAX * SCORE_MAX}, not {rating:g}")
    return next(level for floor, level in LEVEL_FLOORS if rating >= floor)


def risk_rating(likelihood: object, impact: object) -> RiskRating | None:
    """Rating = likelihood x impact with its level; None when either is blank.

    >>> risk_rating(4, 5)
    RiskRating(rating=20, level='Critical')

    Raises ValueError when a score is not a whole number from 1 to 5.
    """
    lk, im = parse_likelihood(likelihood), parse_impact(impact)
    if lk is None or im is None:
        return None
    rating = lk * im
    return RiskRating(rating, risk_level(rating))


def _score_or_nan(parse: Callable[[object], int | None]) -> Callable[[object], float]:
    def safe(x: object) -> float:
        try:
            value = parse(x)
        except ValueError:
            return np.nan
        return np.nan if value is None else float(value)

    return safe


def risk_ratings(likelihood: pd.Series, impact: pd.Series) -> pd.DataFrame:
    """Rating (float, NaN when blank or unreadable) and Risk level (text or None) for whole columns,
    indexed like ``likelihood``."""
    lk = np.array(cells.apply_each(likelihood, _score_or_nan(parse_likelihood)), dtype=float)
    im = np.array(cells.apply_each(impact, _score_or_nan(parse_impact)), dtype=float)
    rating = lk * im
    rated = ~np.isnan(rating)
    safe = np.where(rated, rating, 0.0)
    level = np.select(
        [safe >= floor for floor, _ in LEVEL_FLOORS], [name for _, name in LEVEL_FLOORS], default=""
    ).astype(object)
    level[~rated] = None
    index = likelihood.index
    return pd.DataFrame(
        {RATING: pd.Series(rating, index=index), RISK_LEVEL: cells.object_series(level, index)}
    )


def _column(table: pd.DataFrame, name: str) -> pd.Series:
    if name in table.columns:
        return table[name]
    return pd.Series([None] * len(table), index=table.index, dtype=object)


def rate_risks(risks: pd.DataFrame) -> pd.DataFrame:
    """The Risks table with its computed columns Rating and Risk level (replaced if present)."""
    out = risks.copy()
    rated = risk_ratings(_column(risks, LIKELIHOOD), _column(risks, IMPACT))
    out[RATING] = rated[RATING]
    out[RISK_LEVEL] = rated[RISK_LEVEL]
    return out


def _statuses(risks: pd.DataFrame) -> list[str | None]:
    return cells.apply_each(_column(risks, STATUS), lambda x: cells.safely(parse_risk_status, x))


def heat_counts(
    likelihood: Iterable[object],
    impact: Iterable[object],
    status: Iterable[object],
    include_closed: bool = False,
) -> dict[tuple[int, int], int]:
    """Counts of risks per (likelihood, impact), every pair of scores present (zero when no risk has
    them). Unrated risks are not counted; Closed risks only when ``include_closed``."""
    counts = {(lk, im): 0 for lk in SCORES for im in SCORES}
    lk = cells.apply_each(likelihood, _score_or_nan(parse_likelihood))
    im = cells.apply_each(impact, _score_or_nan(parse_impact))
    statuses = cells.apply_each(status, lambda x: cells.safely(parse_risk_status, x))
    for l_score, i_score, state in zip(lk, im, statuses, strict=True):
        if np.isnan(l_score) or np.isnan(i_score) or (state == CLOSED and not include_closed):
            continue
        counts[(int(l_score), int(i_score))] += 1
    return counts


def _matrix(value: Callable[[int, int], object]) -> pd.DataFrame:
    """A 5x5 frame laid out as a risk matrix is drawn: rows Likelihood 5..1, columns Impact 1..5."""
    return pd.DataFrame(
        [[value(lk, im) for im in SCORES] for lk in reversed(SCORES)],
        index=pd.Index(list(reversed(SCORES)), name=LIKELIHOOD),
        columns=pd.Index(list(SCORES), name=IMPACT),
    )


def heat_map(risks: pd.DataFrame, include_closed: bool = False) -> pd.DataFrame:
    """Counts of risks per (likelihood, impact) (``heat_counts``): rows Likelihood 5..1 (most likely
    on top), columns Impact 1..5, as a risk matrix is drawn."""
    counts = heat_counts(
        _column(risks, LIKELIHOOD), _column(risks, IMPACT), _column(risks, STATUS), include_closed
    )
    return _matrix(lambda lk, im: counts[(lk, im)])


def level_grid() -> pd.DataFrame:
    """The level of every heat-map cell, laid out like ``heat_map`` (for colouring the cells)."""
    return _matrix(lambda lk, im: risk_level(lk * im))


def level_ranges() -> dict[str, tuple[int, int]]:
    """Per level, lowest first: the lowest and the highest rating a risk of that level can have."""
    ratings = sorted({lk * im for lk in SCORES for im in SCORES})
    out: dict[str, tuple[int, int]] = {}
    for rating in ratings:
        level = risk_level(rating)
        out[level] = (out.get(level, (rating, rating))[0], rating)
    return out


def level_legend() -> str:
    """The levels and their ratings in words: 'Low 1-4, Medium 5-9, High 10-16, Critical 20-25'."""
    return ", ".join(f"{level} {low}-{high}" for level, (low, high) in level_ranges().items())


# --- the same rules as worksheet formulas -----------------------------------------------------------


def risk_formulas(likelihood: str, impact: str, rating: str) -> dict[str, str]:
    """The computed columns Rating and Risk level of one risk as worksheet formulas (``risk_rating``):
    ``likelihood`` and ``impact`` are its score cells, ``rating`` the cell of the Rating formula.
    Both are blank while a score is (a cell of spaces too, ``spellings.excel_key``)."""
    level = f'"{LEVEL_FLOORS[-1][1]}"'
    for floor, name in reversed(LEVEL_FLOORS[:-1]):
        level = f'IF({rating}>={floor},"{name}",{level})'
    unscored = f'OR({spellings.excel_key(likelihood)}="",{spellings.excel_key(impact)}="")'
    return {
        RATING: f'IF({unscored},"",{likelihood}*{impact})',
        RISK_LEVEL: f'IF({rating}="","",{level})',
    }


def heat_formula(likelihoods: str, impacts: str, statuses: str, likelihood: int, impact: int) -> str:
    """One heat-map cell (``heat_counts``) as a worksheet formula over a register's ranges: the risks
    scored (``likelihood``, ``impact``) that are not Closed."""
    return f'COUNTIFS({likelihoods},{likelihood},{impacts},{impact},{statuses},"<>{CLOSED}")'


def risk_summary(risks: pd.DataFrame) -> pd.DataFrame:
    """Per Customer ID (sorted): Open risks (every status but Closed), Critical and High among them,
    and the Highest rating of an open risk (NaN when none is rated)."""
    rated = rate_risks(risks)
    rated["_status"] = _statuses(risks)
    rated["_customer"] = [cells.text(x) for x in _column(risks, CUSTOMER_ID)]
    live = rated[(rated["_status"] != CLOSED) & rated["_customer"].notna()]
    rows = []
    for cid, group in live.groupby("_customer", sort=True):
        levels = group[RISK_LEVEL]
        rows.append(
            (
                cid,
                len(group),
                int((levels == CRITICAL).sum()),
                int((levels == HIGH).sum()),
                float(group[RATING].max()) if group[RATING].notna().any() else np.nan,
            )
        )
    return pd.DataFrame(
        rows, columns=[CUSTOMER_ID, "Open risks", "Critical risks", "High risks", "Highest rating"]
    )
