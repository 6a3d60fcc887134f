"""Maturity assessment: each firm rated A-D on Attributes, Ability and Attitude (SPEC §3.9).

The descriptions are those of the BS 11000 / CRAFT maturity assessment table, word for word. A
is the most collaborative level, D the traditional arm's-length one. The verdict over both
firms' six ratings:

- any D: **Not ready** (the issue's rule: a D is a blocker);
- otherwise any rating missing: **Not assessed** (not ready either);
- otherwise any C: **Ready: development needs** (ready; each C is a development need to plan for,
  since a C shows appreciation of collaboration without the processes or skills to practise it);
- otherwise (only A and B): **Ready** (B shows collaboration already practised by individuals or
  single programmes, A throughout the organisation).

The verdict is declared once, as the steps of ``VERDICT_STEPS``: ``maturity_verdict`` takes them in
Python, ``verdict_formula`` writes them as a worksheet formula and ``VERDICT_RULE`` in words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import pandas as pd

from cvm_xl.core import cells
from cvm_xl.core.columns import CUSTOMER_ID
from cvm_xl.readiness.tables import (
    ABILITY,
    ATTITUDE,
    ATTRIBUTES,
    DIMENSIONS,
    FIRM,
    MATURITY,
    NO,
    NOTE,
    RATINGS,
    TWO_FIRMS,
    YES,
)

MATURITY_DESCRIPTIONS: dict[str, dict[str, str]] = {
    ATTRIBUTES: {
        "A": "Operational processes are well defined and integrate collaborative approaches",
        "B": "There is limited application of shared processes and performance indicators",
        "C": "There are robust internal processes and performance indicators",
        "D": "Operates with a traditional contract and procedural based approach",
    },
    ABILITY: {
        "A": "There is a high level of experience at all levels focused on effective collaboration",
        "B": "There are individuals at various levels that have demonstrable skills in collaboration",
        "C": "There is appreciation of collaborative approaches but a lack of skills",
        "D": "No appreciation of a practical approach to the value of relationships",
    },
    ATTITUDE: {
        "A": "There is clear corporate commitment and leadership that cascades throughout the operations",
        "B": "There is evidence of successful individual collaborative programmes in effect",
        "C": "There is appreciation at the operating level of the value of effective relationships",
        "D": "Only operates a robust and effective arms length contracting approach",
    },
}
RATING_MEANINGS = {"A": "strength", "B": "strength", "C": "development need", "D": "blocker"}

READY = "Ready"
READY_WITH_NEEDS = "Ready: development needs"
NOT_READY = "Not ready"
NOT_ASSESSED = "Not assessed"
VERDICT_LABELS = (READY, READY_WITH_NEEDS, NOT_ASSESSED, NOT_READY)


class VerdictStep(NamedTuple):
    """One step of the verdict: when any of the six ratings is ``rating`` (None: not rated), the
    verdict is ``label``; every such rating is a reason, worded by ``reason``."""

    rating: str | None
    label: str
    ready: bool
    reason: str  # format fields: firm, dimension, rating, description
    rule: str  # the step in words, as a sheet explains it


# Most serious first; the first step that applies decides.
VERDICT_STEPS: tuple[VerdictStep, ...] = (
    VerdictStep("D", NOT_READY, False, "{firm} {dimension} {rating}: {description}", "Any D: not ready."),
    VerdictStep(None, NOT_ASSESSED, False, "{firm} {dimension} not rated", "A rating missing: not assessed."),
    VerdictStep(
        "C",
        READY_WITH_NEEDS,
        True,
        "{firm} {dimension} {rating} (development need): {description}",
        "Any C: ready, with development needs to plan for.",
    ),
)
OTHERWISE = VerdictStep("", READY, True, "", "Only A and B: ready.")
VERDICT_RULE = " ".join(step.rule for step in (*VERDICT_STEPS, OTHERWISE))
RATED_CELLS = len(TWO_FIRMS) * len(DIMENSIONS)  # both firms' ratings on every dimension

# A dropdown's input message holds at most 255 characters in Excel; the four descriptions of one
# dimension hold about 300, so they go into the column's note (``maturity_help``) instead.
EXCEL_PROMPT_LIMIT = 255

Ratings = Mapping[str, Mapping[str, object]]  # firm -> dimension -> rating cell


def parse_rating(x: object) -> str | None:
    """'A'..'D' (any case, spaces ignored); None for blank. Raises ValueError otherwise."""
    return cells.choice(x, RATINGS)


def parse_maturity_firm(x: object) -> str | None:
    """Supplier or Customer; None for blank."""
    return cells.choice(x, TWO_FIRMS)


def maturity_description(dimension: str, rating: str) -> str:
    """The method's description of ``rating`` on ``dimension``."""
    return MATURITY_DESCRIPTIONS[dimension][rating]


def maturity_help(dimension: str) -> str:
    """The four levels of one dimension, one per line: what a rater reads before choosing A-D."""
    return "\n".join(f"{r}: {MATURITY_DESCRIPTIONS[dimension][r]}" for r in RATINGS)


def maturity_prompt(dimension: str) -> str:
    """A dropdown input message within Excel's 255 characters, pointing at the full descriptions."""
    return f"{dimension}: A (most collaborative) to D (arm's length). The column's note describes each level."


def ratings_from_grid(values: Sequence[object]) -> dict[str, dict[str, object]]:
    """Ratings from a sheet range as a formula passes it: two rows (Supplier, then Customer) of
    three cells (Attributes, Ability, Attitude), or the same six cells in one row or column."""
    flat: list[object] = []
    for value in values:
        if isinstance(value, list | tuple):
            flat.extend(value)
        else:
            flat.append(value)
    if len(flat) != RATED_CELLS:
        raise ValueError(
            "Give six ratings: the Supplier's then the Customer's Attributes, Ability and Attitude "
            f"(two rows of three cells); got {len(flat)}"
        )
    return {
        firm: dict(zip(DIMENSIONS, flat[i * len(DIMENSIONS) : (i + 1) * len(DIMENSIONS)], strict=True))
        for i, firm in enumerate(TWO_FIRMS)
    }


class MaturityVerdict(NamedTuple):
    ready: bool
    label: str
    reasons: list[str]


def maturity_verdict(ratings: Ratings) -> MaturityVerdict:
    """The verdict over both firms' ratings, ``{"Supplier": {"Attributes": "A", ...}, "Customer": {...}}``.

    Missing firms or dimensions count as not rated. Reasons, in the order of ``VERDICT_STEPS``
    (most serious first): every D, every rating missing, every C, each with the method's
    description. Raises ValueError (naming the firm and dimension) for a rating that is not A-D.
    """
    found: dict[str | None, list[str]] = {step.rating: [] for step in VERDICT_STEPS}
    wording = {step.rating: step.reason for step in VERDICT_STEPS}
    by_firm = {cells.key(f): v for f, v in ratings.items()}
    for firm in TWO_FIRMS:
        given = by_firm.get(cells.key(firm)) or {}
        by_dimension = {cells.key(d): v for d, v in given.items()}
        for dimension in DIMENSIONS:
            try:
                rating = parse_rating(by_dimension.get(cells.key(dimension)))
            except ValueError as exc:
                raise ValueError(f"{firm} {dimension}: {exc}") from None
            if rating in found:
                description = "" if rating is None else maturity_description(dimension, rating)
                found[rating].append(
                    wording[rating].format(
                        firm=firm, dimension=dimension, rating=rating, description=description
                    )
                )
    step = next((s for s in VERDICT_STEPS if found[s.rating]), OTHERWISE)
    return MaturityVerdict(step.ready, step.label, [r for s in VERDICT_STEPS for r in found[s.rating]])


def verdict_formula(grid: str) -> str:
    """``maturity_verdict`` as a worksheet formula over ``grid``, the range of the six rating cells."""
    rated = "+".join(f'COUNTIFS({grid},"{x}")' for x in RATINGS)
    out = f'"{OTHERWISE.label}"'
    for step in reversed(VERDICT_STEPS):
        applies = f"{rated}<{RATED_CELLS}" if step.rating is None else f'COUNTIFS({grid},"{step.rating}")>0'
        out = f'IF({applies},"{step.label}",{out})'
    return out


def _firm_or_none(x: object) -> str | None:
    return cells.safely(parse_maturity_firm, x)


def _rating_or_none(x: object) -> str | None:
    return cells.safely(parse_rating, x)


FirmRatings = tuple[str | None, dict[str, str | None]]  # a Maturity row: firm, dimension -> rating


def read_ratings(maturity: pd.DataFrame | None) -> list[FirmRatings]:
    """Every row of a Maturity table (any customers), in table order, each distinct cell read once;
    unreadable firms and ratings as None (validation reports them)."""
    if maturity is None or not len(maturity):
        return []

    def column(name: str) -> list[object]:
        return maturity[name].tolist() if name in maturity.columns else [None] * len(maturity)

    firms = cells.apply_each(column(FIRM), _firm_or_none)
    by_dimension = {d: cells.apply_each(column(d), _rating_or_none) for d in DIMENSIONS}
    return [(firm, {d: by_dimension[d][i] for d in DIMENSIONS}) for i, firm in enumerate(firms)]


def first_ratings(rows: Iterable[FirmRatings]) -> dict[str, dict[str, str | None]]:
    """One customer's ratings (``read_ratings`` of its rows) as ``maturity_verdict`` takes them:
    the first row of a firm wins."""
    out: dict[str, dict[str, str | None]] = {}
    for firm, ratings in rows:
        if firm is not None and firm not in out:
            out[firm] = ratings
    return out


def ratings_of(maturity: pd.DataFrame | None, customer_id: str) -> dict[str, dict[str, str | None]]:
    """One customer's ratings from the Maturity table as ``maturity_verdict`` takes them
    (``first_ratings``): unreadable ratings count as not rated, the first row of a firm wins."""
    if maturity is None or not len(maturity) or CUSTOMER_ID not in maturity.columns:
        return {}
    ids = maturity[CUSTOMER_ID].map(cells.text)
    return first_ratings(read_ratings(maturity[ids == cells.text(customer_id)]))


def empty_maturity(customer_id: str) -> pd.DataFrame:
    """Two unrated rows, one per firm: an empty Maturity table ready to fill in."""
    rows = [
        {CUSTOMER_ID: customer_id, FIRM: firm, **dict.fromkeys(DIMENSIONS), NOTE: None} for firm in TWO_FIRMS
    ]
    return cells.object_frame(rows, MATURITY.inputs)


def maturity_verdicts(maturity: pd.DataFrame | None, customer_ids: list[str]) -> pd.DataFrame:
    """Per customer (in the order given): Customer ID, Maturity ready ('Yes'/'No'), Maturity verdict,
    Maturity reasons ('; '-joined). A customer without rows is Not assessed."""
    rows = []
    for cid in customer_ids:
        v = maturity_verdict(ratings_of(maturity, cid))
        rows.append((cid, YES if v.ready else NO, v.label, "; ".join(v.reasons)))
    return pd.DataFrame(rows, columns=[CUSTOMER_ID, "Maturity ready", "Maturity verdict", "Maturity reasons"])
