"""One customer's relationship readiness (SPEC §3.9), prepared for its workbook by the core.

``RelationshipSlices`` takes a master's relationship tables once per run, leaves out everything
that never leaves the master (the Out of bounds topics, every row marked out of bounds) and
groups the rest by customer; ``customer`` then gives one customer's ``CustomerRelationship``:
its screening, its checklist with the stage scores, its maturity ratings and verdict, and its
objectives, risks (rated), exit triggers (reviewed) and issues (flagged), as plain rows. A master
without relationship sheets gives every customer the empty checklists, ready to fill in.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from ..columns import CUSTOMER_ID
from ..readiness import cells
from ..readiness import tables as rt
from ..readiness.exits import review_exits
from ..readiness.issue_log import flag_issues
from ..readiness.lifecycle import LIFECYCLE_STAGES, checklist_for, current_stage, stage_scores
from ..readiness.maturity import MaturityVerdict, maturity_verdict, ratings_of
from ..readiness.out_of_bounds import exportable
from ..readiness.risks import rate_risks
from ..readiness.screening import (
    CO_DESTINY,
    EXCELLENCE_PHASE,
    INDUSTRY_QUARTILE,
    LONG_TERM_CULTURE,
    ScreeningThresholds,
    phase_reason,
    quartile_reason,
    score_reason,
    screen_customer,
)
from ..settings import Settings

QUESTIONS = {stage.name: stage.question for stage in LIFECYCLE_STAGES}
Row = dict[str, object]


@dataclass(frozen=True)
class ScreeningLine:
    """One prerequisite: the customer's assessment, what is needed and whether it is met."""

    label: str
    assessment: object
    needed: str
    met: bool


@dataclass(frozen=True)
class StageLine:
    stage: str
    question: str
    done: int
    applicable: int
    not_applicable: int
    completion: float  # 0..1, NaN when no item applies


@dataclass(frozen=True)
class CustomerRelationship:
    """What one customer's Relationship sheet shows; rows are column name -> value."""

    customer_id: str
    as_of: dt.date
    thresholds: ScreeningThresholds
    screening: tuple[ScreeningLine, ...]
    eligible: bool
    reasons: str
    checklist: list[Row]
    stages: list[StageLine]
    current_stage: str | None
    ratings: dict[str, dict[str, str | None]]
    maturity: MaturityVerdict
    objectives: list[Row] = field(default_factory=list)
    risks: list[Row] = field(default_factory=list)
    exits: list[Row] = field(default_factory=list)
    issues: list[Row] = field(default_factory=list)

    @property
    def readiness(self) -> float:
        """Done items / applicable items over the whole checklist (NaN when none applies)."""
        applicable = sum(s.applicable for s in self.stages)
        return sum(s.done for s in self.stages) / applicable if applicable else math.nan


def _needed(t: ScreeningThresholds) -> dict[str, str]:
    return {
        INDUSTRY_QUARTILE: "1 (top quartile)" if t.max_quartile == 1 else f"1 to {t.max_quartile}",
        LONG_TERM_CULTURE: f"{t.min_culture:g} or more (of 5)",
        EXCELLENCE_PHASE: t.min_phase + (" or later" if t.min_phase != "III" else ""),
        CO_DESTINY: f"{t.min_co_destiny:g} or more (of 5)",
    }


def screening_lines(customer: Mapping[str, object], t: ScreeningThresholds) -> tuple[ScreeningLine, ...]:
    """The four prerequisites of one customer row, each with what is needed and whether it is met."""
    rules = {
        INDUSTRY_QUARTILE: lambda x: quartile_reason(x, t),
        LONG_TERM_CULTURE: lambda x: score_reason(x, t.min_culture, LONG_TERM_CULTURE),
        EXCELLENCE_PHASE: lambda x: phase_reason(x, t),
        CO_DESTINY: lambda x: score_reason(x, t.min_co_destiny, CO_DESTINY),
    }
    needed = _needed(t)
    return tuple(
        ScreeningLine(name, customer.get(name), needed[name], rule(customer.get(name)) is None)
        for name, rule in rules.items()
    )


def _records(table: pd.DataFrame | None, columns: tuple[str, ...]) -> list[Row]:
    if table is None or not len(table):
        return []
    present = [c for c in columns if c in table.columns]
    rows = table[present].to_dict("records")
    return [{c: row.get(c) for c in columns} for row in rows]


def _with_text(rows: list[Row], column: str) -> list[Row]:
    """Rows that say something: a template line with no text in ``column`` is left out."""
    return [row for row in rows if cells.text(row.get(column)) is not None]


def _group(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    if CUSTOMER_ID not in table.columns or not len(table):
        return {}
    keys = table[CUSTOMER_ID].map(cells.text)
    return {str(k): g for k, g in table.groupby(keys, sort=False, dropna=True)}


class RelationshipSlices:
    """A master's relationship tables prepared once per run; ``customer`` slices one customer."""

    def __init__(self, relationship: Mapping[str, pd.DataFrame], settings: Settings, as_of: dt.date) -> None:
        self.settings = settings
        self.thresholds = settings.screening
        self.as_of = as_of
        visible = exportable(relationship, drop_column=True)
        self._groups = {sheet: _group(table) for sheet, table in visible.items()}
        empty = checklist_for(None, "")
        self._empty_checklist = _records(empty, (rt.STAGE, rt.ITEM, rt.DONE, rt.NOTE))
        self._empty_stages = self._stages(empty)

    def _table(self, sheet: str, customer_id: str) -> pd.DataFrame | None:
        return self._groups.get(sheet, {}).get(customer_id)

    @staticmethod
    def _stages(checklist: pd.DataFrame) -> list[StageLine]:
        scores = stage_scores(checklist)
        return [
            StageLine(r.Stage, QUESTIONS[r.Stage], r.Done, r.Total, r[3], r.Percent)
            for r in scores.itertuples(index=False)
        ]

    def customer(self, customer_id: str, customer: Mapping[str, object]) -> CustomerRelationship:
        """One customer's relationship; ``customer`` is its row of the Customers table."""
        cid = cells.text(customer_id) or ""
        t = self.thresholds
        screening = screen_customer(*(customer.get(c) for c in _SCREENING_ORDER), t)
        own = self._table(rt.LIFECYCLE_SHEET, cid)
        if own is None:
            checklist, stages = self._empty_checklist, self._empty_stages
        else:
            table = checklist_for(own, cid)
            checklist = _records(table, (rt.STAGE, rt.ITEM, rt.DONE, rt.NOTE))
            stages = self._stages(table)
        current = current_stage(
            pd.DataFrame({"Stage": [s.stage for s in stages], "Done": [s.done for s in stages],
                          "Total": [s.applicable for s in stages]})  # fmt: skip
        )
        ratings = ratings_of(self._table(rt.MATURITY_SHEET, cid), cid)
        risks = self._table(rt.RISKS_SHEET, cid)
        exits = self._table(rt.EXITS_SHEET, cid)
        issues = self._table(rt.ISSUES_SHEET, cid)
        return CustomerRelationship(
            customer_id=cid,
            as_of=self.as_of,
            thresholds=t,
            screening=screening_lines(customer, t),
            eligible=screening.eligible,
            reasons=screening.text,
            checklist=checklist,
            stages=stages,
            current_stage=current,
            ratings=ratings,
            maturity=maturity_verdict(ratings),
            objectives=_with_text(_records(self._table(rt.OBJECTIVES_SHEET, cid), _OBJECTIVES), rt.OBJECTIVE),
            risks=_with_text(_records(None if risks is None else rate_risks(risks), _RISKS), rt.RISK),
            exits=_with_text(
                _records(None if exits is None else review_exits(exits, self.as_of), _EXITS), rt.TRIGGER
            ),
            issues=_with_text(
                _records(None if issues is None else flag_issues(issues, self.as_of), _ISSUES), rt.ISSUE
            ),
        )


_SCREENING_ORDER = (INDUSTRY_QUARTILE, LONG_TERM_CULTURE, EXCELLENCE_PHASE, CO_DESTINY)
_OBJECTIVES = tuple(c for c in rt.OBJECTIVES.columns if c not in (CUSTOMER_ID, rt.OUT_OF_BOUNDS))
_RISKS = tuple(c for c in rt.RISKS.columns if c not in (CUSTOMER_ID, rt.OUT_OF_BOUNDS))
_EXITS = tuple(c for c in rt.EXITS.columns if c not in (CUSTOMER_ID, rt.OUT_OF_BOUNDS))
_ISSUES = tuple(c for c in rt.ISSUES.columns if c not in (CUSTOMER_ID, rt.OUT_OF_BOUNDS))


def empty_relationship(
    customer_id: str, customer: Mapping[str, object], settings: Settings, as_of: dt.date
) -> CustomerRelationship:
    """A customer's relationship when the master has no relationship sheets: its screening and the
    empty checklists, ready to fill in."""
    return RelationshipSlices({}, settings, as_of).customer(customer_id, customer)
