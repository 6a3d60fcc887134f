"""The eight stages of the BS 11000 collaboration life cycle and their checklists (SPEC §3.9).

The stages, their questions and their checklist items are those of the BS 11000 / CRAFT life
cycle as the method describes it, word for word. Each item is marked Done: Yes, No (or blank,
not yet done) or N/A (does not apply to this relationship: the standard "can be scaled and
adapted"). A stage's completion is done / applicable items; the overall readiness is the same
ratio over all items, so it equals a COUNTIFS over the Done column of the whole checklist.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

import pandas as pd

from cvm_xl.core import cells
from cvm_xl.core.cells import parse_yes_no
from cvm_xl.core.columns import CUSTOMER_ID
from cvm_xl.core.values import is_blank
from cvm_xl.readiness.tables import DONE, ITEM, LIFECYCLE, NO, NOT_APPLICABLE, NOTE, STAGE, STAGES, YES


class Stage(NamedTuple):
    name: str
    question: str
    items: tuple[str, ...]


LIFECYCLE_STAGES: tuple[Stage, ...] = (
    Stage(
        "Awareness",
        "Is the organisation ready",
        (
            "Executive sponsorship & policy",
            "Business objectives",
            "Benefits & Business case",
            "Segregate relationships",
            "Key individuals",
            "Initial risk assessment",
            "Relationship management plan",
        ),
    ),
    Stage(
        "Knowledge",
        "Is the Business development strategy right",
        (
            "Identify objectives & drivers",
            "Skills & competencies",
            "Knowledge management",
            "Strategy development",
            "Market analysis",
            "Collaborative partners",
            "Initial Exit strategy",
            "Risk management",
            "Business continuity & CSR",
        ),
    ),
    Stage(
        "Internal assessment",
        "Is the delivery process robust",
        (
            "Policies & processes",
            "Internal Constraints",
            "Internal collaborative profile",
            "Collaborative leadership",
            "Partner profile",
            "Knowledge & Skills",
            "Implement & review",
        ),
    ),
    Stage(
        "Partner selection",
        "Who do we collaborate with",
        (
            "Identify collaborative partners",
            "Partner selection process",
            "Establish common objectives",
            "Negotiation strategy",
            "Select partner",
        ),
    ),
    Stage(
        "Working together",
        "How do we jointly make the relationship work",
        (
            "Joint executive sponsorship",
            "Objectives & principles",
            "Competency review",
            "Joint management team",
            "Knowledge management plan",
            "Communications plan",
            "Joint risk management",
            "Process improvement review",
            "Contracting arrangement",
            "Monitor & measure",
            "Joint relationship management plan",
        ),
    ),
    Stage(
        "Value creation",
        "How do we embed continuous improvement",
        (
            "Value creation process",
            "Joint innovation Groups",
            "Areas for improvement",
            "Define value",
            "Learning from experience",
            "Generating innovation",
        ),
    ),
    Stage(
        "Staying together",
        "How do we maintain the momentum",
        (
            "Monitor & review performance",
            "Measurement",
            "Joint Team management",
            "Support innovation",
            "Behaviours & Trust",
            "Maintain performance",
            "Issue resolution",
            "Joint exit strategy",
        ),
    ),
    Stage(
        "Exit strategy",
        "How do we disengage and maintain the relationship",
        (
            "Maintain joint exit strategy",
            "Establish boundaries",
            "Monitor & evaluate changes",
            "Establish triggers",
            "Business continuity",
            "Transition",
            "Future opportunities",
        ),
    ),
)
STAGE_BY_NAME = {s.name: s for s in LIFECYCLE_STAGES}

DONE_SYNONYMS = {"NA": NOT_APPLICABLE, "n.a.": NOT_APPLICABLE, "not applicable": NOT_APPLICABLE}
SCORE_COLUMNS = (STAGE, "Done", "Total", "Not applicable", "Percent")


def parse_stage(x: object) -> str | None:
    """One of the eight stage names (case and spacing ignored); None for blank."""
    return cells.choice(x, STAGES)


def parse_done(x: object) -> bool | None:
    """True for done, False for not done (also blank), None for N/A. Raises ValueError otherwise."""
    if is_blank(x):
        return False
    if isinstance(x, str) and cells.key(x) in {cells.key(NOT_APPLICABLE), *map(cells.key, DONE_SYNONYMS)}:
        return None
    try:
        return parse_yes_no(x, False)
    except ValueError:
        raise ValueError(
            f"'{cells.text(x)}' is not Yes, No or N/A: write Yes when done, N/A when the item "
            "does not apply, or leave it blank"
        ) from None


def done_text(x: object) -> str | None:
    """The Done cell as the sheet shows it: 'Yes', 'No', 'N/A', or None for blank."""
    if is_blank(x):
        return None
    return {True: YES, False: NO, None: NOT_APPLICABLE}[parse_done(x)]


def empty_lifecycle(customer_id: str) -> pd.DataFrame:
    """The full checklist of one customer, nothing marked yet: the rows of an empty Life cycle table."""
    rows = [
        {CUSTOMER_ID: customer_id, STAGE: stage.name, ITEM: item, DONE: None, NOTE: None}
        for stage in LIFECYCLE_STAGES
        for item in stage.items
    ]
    return cells.object_frame(rows, LIFECYCLE.inputs)


def checklist_for(lifecycle: pd.DataFrame | None, customer_id: str) -> pd.DataFrame:
    """One customer's checklist as a generated sheet shows it.

    Every item of the eight stages, in the method's order, with the user's Done and Note where the
    table has the item (matched on stage and item text, case and spacing ignored); an item missing
    from the table is shown as not yet done, so deleting a row cannot raise a score (mark it N/A
    instead). Items the user added to a stage follow the stage's own items. Done is 'Yes', 'No',
    'N/A' or None. Rows whose Stage is not one of the eight are left out (validation reports them).
    Call this on the master's table before any out-of-bounds filtering.
    """
    own: dict[tuple[str, str], dict[str, object]] = {}
    extra: dict[str, list[dict[str, object]]] = {s: [] for s in STAGES}
    if lifecycle is not None and len(lifecycle):
        ids = lifecycle.get(CUSTOMER_ID, pd.Series(dtype=object)).map(cells.text)
        for _, row in lifecycle[ids == cells.text(customer_id)].iterrows():
            stage = cells.safely(parse_stage, row.get(STAGE))
            item = cells.text(row.get(ITEM))
            if stage is None or item is None:
                continue
            try:
                done = done_text(row.get(DONE))
            except ValueError:
                done = None
            record = {
                CUSTOMER_ID: customer_id,
                STAGE: stage,
                ITEM: item,
                DONE: done,
                NOTE: cells.text(row.get(NOTE)),
            }
            slot = (stage, cells.key(item))
            if slot not in own:
                own[slot] = record
    standard = {(s.name, cells.key(i)) for s in LIFECYCLE_STAGES for i in s.items}
    for slot, record in own.items():
        if slot not in standard:
            extra[slot[0]].append(record)
    rows: list[dict[str, object]] = []
    for stage in LIFECYCLE_STAGES:
        for item in stage.items:
            found = own.get((stage.name, cells.key(item)))
            rows.append(
                {**found, ITEM: item}
                if found
                else {CUSTOMER_ID: customer_id, STAGE: stage.name, ITEM: item, DONE: None, NOTE: None}
            )
        rows.extend(extra[stage.name])
    return cells.object_frame(rows, LIFECYCLE.inputs)


class StageScore(NamedTuple):
    stage: str
    done: int
    total: int
    not_applicable: int

    @property
    def percent(self) -> float:
        """done / total as a fraction (0.75 = 75%); NaN when no item applies."""
        return self.done / self.total if self.total else math.nan


def _scores(pairs: Iterable[tuple[str, bool | None]]) -> dict[str, StageScore]:
    counts = {s: [0, 0, 0] for s in STAGES}
    for stage, done in pairs:
        c = counts[stage]
        if done is None:
            c[2] += 1
        else:
            c[1] += 1
            c[0] += int(done)
    return {s: StageScore(s, *c) for s, c in counts.items()}


def stage_scores(checklist: pd.DataFrame) -> pd.DataFrame:
    """Per stage, in order: Done, Total (applicable items), Not applicable and Percent (0..1, NaN
    when no item applies). Every row counts once whatever its customer: pass one customer's rows
    (``checklist_for``). Raises ValueError for an unknown stage or an unreadable Done cell."""
    pairs = [
        (parse_stage(stage), parse_done(done))
        for stage, done in zip(checklist[STAGE], checklist.get(DONE, [None] * len(checklist)), strict=True)
    ]
    for (stage, _), raw in zip(pairs, checklist[STAGE], strict=True):
        if stage is None:
            raise ValueError(f"A checklist row has no {STAGE}: use one of {', '.join(STAGES)}; got {raw!r}")
    scores = _scores(pairs)  # type: ignore[arg-type]
    return pd.DataFrame(
        [(s.stage, s.done, s.total, s.not_applicable, s.percent) for s in scores.values()],
        columns=list(SCORE_COLUMNS),
    )


def overall_readiness(scores: pd.DataFrame) -> float:
    """All done items / all applicable items (0..1); NaN when nothing applies."""
    total = int(scores["Total"].sum())
    return int(scores["Done"].sum()) / total if total else math.nan


def current_stage(scores: pd.DataFrame) -> str | None:
    """The first stage with an applicable item not yet done (where the work is); None when all are done."""
    for row in scores.itertuples(index=False):
        if row.Done < row.Total:
            return row.Stage
    return None
