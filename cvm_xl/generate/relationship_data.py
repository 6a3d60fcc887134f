"""One customer's relationship readiness (SPEC §3.9), prepared for its workbook by the core.

``RelationshipSlices`` takes a master's relationship tables once per run, leaves out everything
that never leaves the master (the Out of bounds topics, every row marked out of bounds) and
groups the rest by customer, as plain rows; ``customer`` then gives one customer's
``CustomerRelationship``: its screening, its checklist with the stage scores, its maturity ratings
and verdict, and its objectives, risks (rated), exit triggers (reviewed) and issues (flagged). A
master without relationship sheets gives every customer the empty checklists, ready to fill in.

The tables are read once per run; per customer no table is built. The checklist and maturity
ratings of one customer follow ``lifecycle.checklist_for``, ``lifecycle.stage_scores`` and
``maturity.ratings_of`` row by row, with the same parsers (the tests hold them to those).
"""

from __future__ import annotations

import datetime as dt
import math
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

import pandas as pd

from cvm_xl.core import cells
from cvm_xl.core.columns import CUSTOMER_ID
from cvm_xl.core.settings import Settings
from cvm_xl.readiness import tables as rt
from cvm_xl.readiness.exits import review_exits
from cvm_xl.readiness.issue_log import flag_issues
from cvm_xl.readiness.lifecycle import (
    LIFECYCLE_STAGES,
    checklist_for,
    current_stage,
    done_text,
    parse_done,
    parse_stage,
    stage_scores,
)
from cvm_xl.readiness.maturity import MaturityVerdict, maturity_verdict, parse_maturity_firm, parse_rating
from cvm_xl.readiness.out_of_bounds import exportable
from cvm_xl.readiness.risks import rate_risks
from cvm_xl.readiness.screening import (
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

QUESTIONS = {stage.name: stage.question for stage in LIFECYCLE_STAGES}
T = TypeVar("T")
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


def _keys(table: pd.DataFrame) -> list[str | None]:
    if CUSTOMER_ID not in table.columns:
        return [None] * len(table)
    return cells.apply_each(table[CUSTOMER_ID].tolist(), cells.text)


class _Rows:
    """A table's columns as lists and each customer's row positions, in table order: read once per
    run, kept compact (no object per row), and per customer only its own rows are read.

    ``text``: rows where this column is blank (template lines) are left out.
    """

    def __init__(
        self, table: pd.DataFrame | None, columns: tuple[str, ...] | None = None, text: str = ""
    ) -> None:
        self.names: tuple[str, ...] = columns or (() if table is None else tuple(table.columns))
        self._values: dict[str, list[object]] = {}
        self._groups: dict[str, array[int]] = {}
        if table is None or not len(table):
            return
        self._values = {c: table[c].tolist() for c in self.names if c in table.columns}
        wanted = self._values.get(text) if text else None
        for position, key in enumerate(_keys(table)):
            if key is None or (text and (wanted is None or cells.text(wanted[position]) is None)):
                continue
            self._groups.setdefault(key, array("l")).append(position)

    def __contains__(self, customer_id: str) -> bool:
        return customer_id in self._groups

    def records(self, customer_id: str) -> list[Row]:
        """The customer's rows as column name -> value (None for a column the table lacks)."""
        positions = self._groups.get(customer_id)
        if positions is None:
            return []
        columns = [(name, self._values.get(name)) for name in self.names]
        return [{name: None if values is None else values[i] for name, values in columns} for i in positions]


def _stages(checklist: pd.DataFrame) -> tuple[list[StageLine], str | None]:
    scores = stage_scores(checklist)
    lines = [
        StageLine(r.Stage, QUESTIONS[r.Stage], r.Done, r.Total, r[3], r.Percent)
        for r in scores.itertuples(index=False)
    ]
    return lines, current_stage(scores)


_STANDARD_ITEMS = [
    (stage.name, [(item, cells.key(item)) for item in stage.items]) for stage in LIFECYCLE_STAGES
]
_STANDARD = {(name, key) for name, items in _STANDARD_ITEMS for _, key in items}


# The parsers of the core, each answer kept per distinct cell (typed: True, 1 and 1.0 differ):
# a checklist repeats the same few stage names, items and Done values for every customer.
def _cached(parse: Callable[[object], T]) -> Callable[[object], T]:
    remembered = lru_cache(maxsize=8192, typed=True)(parse)

    def call(x: object) -> T:
        try:
            return remembered(x)
        except TypeError:  # an unhashable cell
            return parse(x)

    return call


@_cached
def _stage_of(x: object) -> str | None:
    return cells.safely(parse_stage, x)


@_cached
def _done_of(x: object) -> str | None:
    try:
        return done_text(x)
    except ValueError:
        return None


_text_of = _cached(cells.text)
_key_of = _cached(cells.key)
_parse_done = _cached(parse_done)
_parse_stage = _cached(parse_stage)


def _checklist(rows: list[Row], customer_id: str) -> list[Row]:
    """``checklist_for`` of one customer's Life cycle rows, as ``_CHECKLIST`` records: every item of
    the eight stages in the method's order with the customer's Done and Note (the first row of an
    item wins), then per stage the items the customer added."""
    own: dict[tuple[str, str], Row] = {}
    for row in rows:
        stage = _stage_of(row.get(rt.STAGE))
        item = _text_of(row.get(rt.ITEM))
        if stage is None or item is None:
            continue
        slot = (stage, _key_of(item))
        if slot not in own:
            own[slot] = {
                rt.STAGE: stage, rt.ITEM: item, rt.DONE: _done_of(row.get(rt.DONE)),
                rt.NOTE: _text_of(row.get(rt.NOTE)),
            }  # fmt: skip
    extra: dict[str, list[Row]] = {stage.name: [] for stage in LIFECYCLE_STAGES}
    for slot, record in own.items():
        if slot not in _STANDARD:
            extra[slot[0]].append(record)
    out: list[Row] = []
    for name, items in _STANDARD_ITEMS:
        for item, key in items:
            found = own.get((name, key))
            blank = {rt.STAGE: name, rt.ITEM: item, rt.DONE: None, rt.NOTE: None}
            out.append({**found, rt.ITEM: item} if found else blank)
        out.extend(dict(record) for record in extra[name])
    return out


def _checklist_stages(checklist: list[Row]) -> tuple[list[StageLine], str | None]:
    """``stage_scores`` and ``current_stage`` of a checklist: per stage the items done, applicable
    (not N/A) and not applicable, and the first stage with an applicable item not yet done."""
    counts = {stage.name: [0, 0, 0] for stage in LIFECYCLE_STAGES}
    for record in checklist:
        done = _parse_done(record[rt.DONE])
        c = counts[_parse_stage(record[rt.STAGE])]  # type: ignore[index]
        if done is None:
            c[2] += 1
        else:
            c[1] += 1
            c[0] += int(done)
    lines = [
        StageLine(name, QUESTIONS[name], done, total, na, done / total if total else math.nan)
        for name, (done, total, na) in counts.items()
    ]
    return lines, next((line.stage for line in lines if line.done < line.applicable), None)


@_cached
def _firm_of(x: object) -> str | None:
    return cells.safely(parse_maturity_firm, x)


@_cached
def _rating_of(x: object) -> str | None:
    return cells.safely(parse_rating, x)


def _ratings(rows: list[Row]) -> dict[str, dict[str, str | None]]:
    """``ratings_of`` one customer's Maturity rows: per firm (the first row wins) each dimension's
    rating, unreadable ones as not rated."""
    out: dict[str, dict[str, str | None]] = {}
    for row in rows:
        firm = _firm_of(row.get(rt.FIRM))
        if firm is None or firm in out:
            continue
        out[firm] = {d: _rating_of(row.get(d)) for d in rt.DIMENSIONS}
    return out


@lru_cache(maxsize=1)
def _empty_checklist() -> tuple[list[Row], list[StageLine], str | None]:
    """The checklist of a customer without Life cycle rows: the same for every customer."""
    table = checklist_for(None, "")
    return (_records(table, _CHECKLIST), *_stages(table))


class RelationshipSlices:
    """A master's relationship tables prepared once per run; ``customer`` slices one customer.

    The registers' computed columns (risk ratings, exit reviews, issue ages) are computed once over
    the whole table, as of ``as_of``."""

    def __init__(self, relationship: Mapping[str, pd.DataFrame], settings: Settings, as_of: dt.date) -> None:
        self.settings = settings
        self.thresholds = ScreeningThresholds.of(settings)
        self.as_of = as_of
        visible = exportable(relationship, drop_column=True)
        self._lifecycle = _Rows(visible.get(rt.LIFECYCLE_SHEET), (rt.STAGE, rt.ITEM, rt.DONE, rt.NOTE))
        self._maturity = _Rows(visible.get(rt.MATURITY_SHEET), (rt.FIRM, *rt.DIMENSIONS))
        risks, exits, issues = (visible.get(s) for s in (rt.RISKS_SHEET, rt.EXITS_SHEET, rt.ISSUES_SHEET))
        self._objectives = _Rows(visible.get(rt.OBJECTIVES_SHEET), _OBJECTIVES, rt.OBJECTIVE)
        self._risks = _Rows(None if risks is None else rate_risks(risks), _RISKS, rt.RISK)
        self._exits = _Rows(None if exits is None else review_exits(exits, as_of), _EXITS, rt.TRIGGER)
        self._issues = _Rows(None if issues is None else flag_issues(issues, as_of), _ISSUES, rt.ISSUE)

    def customer(self, customer_id: str, customer: Mapping[str, object]) -> CustomerRelationship:
        """One customer's relationship; ``customer`` is its row of the Customers table."""
        cid = cells.text(customer_id) or ""
        t = self.thresholds
        screening = screen_customer(*(customer.get(c) for c in _SCREENING_ORDER), t)
        if cid in self._lifecycle:
            checklist = _checklist(self._lifecycle.records(cid), cid)
            stages, current = _checklist_stages(checklist)
        else:
            checklist, stages, current = _empty_checklist()
        ratings = _ratings(self._maturity.records(cid))
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
            objectives=self._objectives.records(cid),
            risks=self._risks.records(cid),
            exits=self._exits.records(cid),
            issues=self._issues.records(cid),
        )


_SCREENING_ORDER = (INDUSTRY_QUARTILE, LONG_TERM_CULTURE, EXCELLENCE_PHASE, CO_DESTINY)
_CHECKLIST = (rt.STAGE, rt.ITEM, rt.DONE, rt.NOTE)
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
