"""The eight stages of the BS 11000 collaboration life cycle and their checklists (SPEC §3.9).

The stages, their questions and their checklist items are those of the BS 11000 / CRAFT life
cycle as the method describes it, word for word. Each item is marked Done: Yes, No (or blank,
not yet done) or N/A (does not apply to this relationship: the standard "can be scaled and
adapted"). A stage's completion is done / applicable items; the overall readiness is the same
ratio over all items, so it equals a COUNTIFS over the Done column of the whole checklist.

``LIFECYCLE_STAGES`` is the one declaration of the checklist: the master's empty Life cycle
table, every customer's checklist, the stage scores and the Relationship sheet all read it when
they run, so adding an item to a stage here adds it everywhere. The same rules are given three
ways, one home each: over a master's table (``checklist_for``, ``stage_scores``), over rows read
once per run (``read_entries``, ``checklist_rows``, ``checklist_scores``, for generating many
workbooks) and as worksheet formulas (``stage_count_formulas``, ``completion_formula``,
``current_stage_formula``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
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

DONE_SYNONYMS = {"NA": NOT_APPLICABLE, "n.a.": NOT_APPLICABLE, "not applicable": NOT_APPLICABLE}
_NOT_APPLICABLE_KEYS = frozenset({cells.key(NOT_APPLICABLE), *map(cells.key, DONE_SYNONYMS)})
# What a Done cell means (True done, False not done, None does not apply) and how a sheet shows it.
DONE_TEXT: dict[bool | None, str] = {True: YES, False: NO, None: NOT_APPLICABLE}
_DONE_MEANS: dict[str | None, bool | None] = {text: state for state, text in DONE_TEXT.items()} | {
    None: False
}
SCORE_COLUMNS = (STAGE, "Done", "Total", "Not applicable", "Percent")
OVERALL = "Overall"
ALL_DONE = "All stages complete"  # what a sheet shows as the current stage once every item is done

Row = dict[str, object]
CHECKLIST_COLUMNS = (STAGE, ITEM, DONE, NOTE)  # the columns of a checklist row


def parse_stage(x: object) -> str | None:
    """One of the eight stage names (case and spacing ignored); None for blank."""
    return cells.choice(x, STAGES)


def parse_done(x: object) -> bool | None:
    """True for done, False for not done (also blank), None for N/A. Raises ValueError otherwise."""
    if is_blank(x):
        return False
    if isinstance(x, str) and cells.key(x) in _NOT_APPLICABLE_KEYS:
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
    return DONE_TEXT[parse_done(x)]


# --- one customer's checklist ---------------------------------------------------------------------


class Entry(NamedTuple):
    """One row of a Life cycle table as the checklist reads it (unreadable cells as blank)."""

    stage: str | None  # one of the eight, None when blank or unknown (validation reports it)
    item: str | None
    key: str  # the item as compared: case and spacing ignored
    done: str | None  # 'Yes', 'No', 'N/A' or None
    note: str | None


def _stage_or_none(x: object) -> str | None:
    return cells.safely(parse_stage, x)


def _done_or_none(x: object) -> str | None:
    return cells.safely(done_text, x)


def _column(table: pd.DataFrame, name: str) -> list[object]:
    return table[name].tolist() if name in table.columns else [None] * len(table)


def read_entries(lifecycle: pd.DataFrame | None) -> list[Entry]:
    """Every row of a Life cycle table (any customers), in table order, each distinct cell read once:
    the rows ``checklist_rows`` takes, read once per run when many checklists are wanted."""
    if lifecycle is None or not len(lifecycle):
        return []
    items = cells.apply_each(_column(lifecycle, ITEM), cells.text)
    columns = (
        cells.apply_each(_column(lifecycle, STAGE), _stage_or_none),
        items,
        cells.apply_each(items, cells.key),
        cells.apply_each(_column(lifecycle, DONE), _done_or_none),
        cells.apply_each(_column(lifecycle, NOTE), cells.text),
    )
    return list(map(Entry._make, zip(*columns, strict=True)))


@lru_cache(maxsize=4)
def _standard(
    stages: tuple[Stage, ...],
) -> tuple[frozenset[tuple[str, str]], dict[str, tuple[tuple[str, str], ...]]]:
    """The declared items as (stage, key) slots, and per stage its items with their keys."""
    items = {s.name: tuple((item, cells.key(item)) for item in s.items) for s in stages}
    return frozenset((name, key) for name, pairs in items.items() for _, key in pairs), items


def checklist_rows(entries: Iterable[Entry]) -> list[Row]:
    """One customer's checklist from its Life cycle rows (``read_entries``), as rows Stage, Item, Done, Note.

    Every item of the eight stages, in the method's order, with the user's Done and Note where the
    table has the item (matched on stage and item text, case and spacing ignored; the first row of
    an item wins); an item missing from the table is shown as not yet done, so deleting a row
    cannot raise a score (mark it N/A instead). Items the user added to a stage follow the stage's
    own items. Done is 'Yes', 'No', 'N/A' or None. Rows whose Stage is not one of the eight are
    left out (validation reports them).
    """
    stages = LIFECYCLE_STAGES  # read when called: the declaration may have grown
    standard, declared = _standard(stages)
    own: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        if entry.stage is not None and entry.item is not None:
            own.setdefault((entry.stage, entry.key), entry)
    extra: dict[str, list[Entry]] = {s.name: [] for s in stages}
    for slot, entry in own.items():
        if slot not in standard:
            extra[slot[0]].append(entry)
    rows: list[Row] = []
    for stage in stages:
        for item, key in declared[stage.name]:
            found = own.get((stage.name, key))
            done, note = (None, None) if found is None else (found.done, found.note)
            rows.append({STAGE: stage.name, ITEM: item, DONE: done, NOTE: note})
        rows.extend({STAGE: e.stage, ITEM: e.item, DONE: e.done, NOTE: e.note} for e in extra[stage.name])
    return rows


def checklist_for(lifecycle: pd.DataFrame | None, customer_id: str) -> pd.DataFrame:
    """One customer's checklist as a generated sheet shows it (``checklist_rows``), as a Life cycle
    table. Call this on the master's table before any out-of-bounds filtering."""
    own = None
    if lifecycle is not None and len(lifecycle):
        ids = lifecycle.get(CUSTOMER_ID, pd.Series(dtype=object)).map(cells.text)
        own = lifecycle[ids == cells.text(customer_id)]
    rows = [{CUSTOMER_ID: customer_id, **row} for row in checklist_rows(read_entries(own))]
    return cells.object_frame(rows, LIFECYCLE.inputs)


def empty_lifecycle(customer_id: str) -> pd.DataFrame:
    """The full checklist of one customer, nothing marked yet: the rows of an empty Life cycle table."""
    return checklist_for(None, customer_id)


# --- scores ---------------------------------------------------------------------------------------


class StageScore(NamedTuple):
    """One stage's items: done, applicable (not N/A; done or not) and not applicable."""

    stage: str
    question: str
    done: int
    applicable: int
    not_applicable: int

    @property
    def completion(self) -> float:
        """done / applicable as a fraction (0.75 = 75%); NaN when no item applies."""
        return self.done / self.applicable if self.applicable else math.nan

    @property
    def open(self) -> bool:
        """An applicable item is not done yet: the work is here."""
        return self.done < self.applicable


def _count(pairs: Iterable[tuple[str, bool | None]]) -> list[StageScore]:
    """Per stage, in the method's order: the items done, applicable and not applicable."""
    counts = {s.name: [0, 0, 0] for s in LIFECYCLE_STAGES}
    for stage, done in pairs:
        c = counts[stage]
        if done is None:
            c[2] += 1
        else:
            c[1] += 1
            c[0] += int(done)
    return [StageScore(s.name, s.question, *counts[s.name]) for s in LIFECYCLE_STAGES]


def checklist_scores(rows: Iterable[Mapping[str, object]]) -> list[StageScore]:
    """The stage scores of a checklist as ``checklist_rows`` gives it (stage names and Done texts
    already read): what ``stage_scores`` gives for the same rows."""
    return _count((row[STAGE], _DONE_MEANS[row[DONE]]) for row in rows)  # type: ignore[misc,index]


def stage_scores(checklist: pd.DataFrame) -> pd.DataFrame:
    """Per stage, in order: Done, Total (applicable items), Not applicable and Percent (0..1, NaN
    when no item applies). Every row counts once whatever its customer: pass one customer's rows
    (``checklist_for``). Raises ValueError for an unknown stage or an unreadable Done cell."""
    raw = checklist[STAGE].tolist()
    stages = cells.apply_each(raw, parse_stage)
    for stage, given in zip(stages, raw, strict=True):
        if stage is None:
            raise ValueError(f"A checklist row has no {STAGE}: use one of {', '.join(STAGES)}; got {given!r}")
    dones = cells.apply_each(_column(checklist, DONE), parse_done)
    scores = _count(zip(stages, dones, strict=True))  # type: ignore[arg-type]
    return pd.DataFrame(
        [(s.stage, s.done, s.applicable, s.not_applicable, s.completion) for s in scores],
        columns=list(SCORE_COLUMNS),
    )


def _scores_of(scores: pd.DataFrame | Sequence[StageScore]) -> Sequence[StageScore]:
    if not isinstance(scores, pd.DataFrame):
        return scores
    questions = {s.name: s.question for s in LIFECYCLE_STAGES}
    columns = (scores[c].tolist() for c in (STAGE, "Done", "Total", "Not applicable"))
    return [
        StageScore(stage, questions.get(stage, ""), int(done), int(total), int(na))
        for stage, done, total, na in zip(*columns, strict=True)
    ]


def overall_score(scores: pd.DataFrame | Sequence[StageScore]) -> StageScore:
    """The whole checklist as one line: all items done, applicable and not applicable."""
    lines = _scores_of(scores)
    return StageScore(
        OVERALL,
        "",
        sum(s.done for s in lines),
        sum(s.applicable for s in lines),
        sum(s.not_applicable for s in lines),
    )


def overall_readiness(scores: pd.DataFrame | Sequence[StageScore]) -> float:
    """All done items / all applicable items (0..1); NaN when nothing applies."""
    return overall_score(scores).completion


def current_stage(scores: pd.DataFrame | Sequence[StageScore]) -> str | None:
    """The first stage with an applicable item not yet done (where the work is); None when all are done."""
    return next((s.stage for s in _scores_of(scores) if s.open), None)


# --- the same rules as worksheet formulas -----------------------------------------------------------


def stage_count_formulas(stages: str, done: str, stage: str) -> dict[str, str]:
    """The items done, applicable and not applicable of the stage named in cell ``stage``, as
    COUNTIFS over a checklist's ``stages`` and ``done`` ranges: ``stage_scores`` for a Done column
    holding the dropdown's values (Yes, No, N/A or blank). Keys: done, applicable, na."""
    not_applicable = f'COUNTIFS({stages},{stage},{done},"{NOT_APPLICABLE}")'
    return {
        "done": f'COUNTIFS({stages},{stage},{done},"{YES}")',
        "applicable": f"COUNTIFS({stages},{stage})-{not_applicable}",
        "na": not_applicable,
    }


def completion_formula(done: str, applicable: str) -> str:
    """``StageScore.completion`` of two cells: blank when no item applies."""
    return f'IF({applicable}=0,"",{done}/{applicable})'


def current_stage_formula(stages: Sequence[tuple[str, str, str]]) -> str:
    """``current_stage`` over the stage rows in order, each given as its (stage name, done,
    applicable) cells; ``ALL_DONE`` once every applicable item is done."""
    out = f'"{ALL_DONE}"'
    for stage, done, applicable in reversed(stages):
        out = f"IF({done}<{applicable},{stage},{out})"
    return out
