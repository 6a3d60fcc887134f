"""One customer's relationship readiness (SPEC §3.9), prepared for its workbook by the core.

``RelationshipSlices`` takes a master's relationship tables once per run, leaves out everything
that never leaves the master (the Out of bounds topics, every row marked out of bounds, and the
supplier's screening of a customer unless its ``Share screening`` cell says Yes) and
groups the rest by customer, as plain rows; ``customer`` then gives one customer's
``CustomerRelationship``: its screening, its checklist with the stage scores, its maturity ratings
and verdict, and its objectives, risks (rated, and counted on the heat map), exit triggers
(reviewed) and issues (flagged), and the continuing journey's reviews (the planned reviews of every
wave of the customer Held, Due or Overdue as of the run's date, ``core.reviews``; the reviews held with their
decisions) and KPI series (its objectives in bounds with their readings, ``core.kpis``). A master
without relationship sheets gives every customer the empty checklists, ready to fill in.

Nothing is computed here: every figure is the readiness package's. The tables are read once per
run (``lifecycle.read_entries``, ``maturity.read_ratings``, the registers' computed columns) and
per customer only its own rows are assembled (``lifecycle.checklist_rows``,
``lifecycle.checklist_scores``, ``maturity.first_ratings``, ``risks.heat_counts``), so no table is
built per customer.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from cvm_xl.core import cells
from cvm_xl.core.columns import CUSTOMER_ID, SHARE_SCREENING
from cvm_xl.core.kpis import BASELINE, KPI_MONTH, KPI_VALUE, KpiSeries, kpi_series
from cvm_xl.core.reviews import (
    REVIEW_DATE,
    CustomerReviews,
    customer_reviews,
    customer_wave_reviews,
    held_by_customer,
    is_held,
)
from cvm_xl.core.settings import Settings
from cvm_xl.core.tracking import WAVE_START
from cvm_xl.core.waves import Wave
from cvm_xl.readiness import lifecycle
from cvm_xl.readiness import tables as rt
from cvm_xl.readiness.exits import review_exits
from cvm_xl.readiness.issue_log import flag_issues
from cvm_xl.readiness.lifecycle import StageScore
from cvm_xl.readiness.maturity import MaturityVerdict, first_ratings, maturity_verdict, read_ratings
from cvm_xl.readiness.out_of_bounds import exportable
from cvm_xl.readiness.risks import heat_counts, rate_risks
from cvm_xl.readiness.screening import (
    Screening,
    ScreeningLine,
    ScreeningThresholds,
    screening_lines,
    screening_of,
)

Row = dict[str, object]


@dataclass(frozen=True)
class CustomerRelationship:
    """What one customer's Relationship sheet shows; rows are column name -> value.

    ``screening``, ``eligible`` and ``reasons`` are the supplier's internal assessment of the
    customer (SPEC §3.9 prerequisites): they are filled only when ``screening_shared`` (the
    customer's ``Share screening`` is Yes); otherwise they are empty, so no sheet can show them.
    """

    customer_id: str
    as_of: dt.date
    thresholds: ScreeningThresholds
    screening: tuple[ScreeningLine, ...]
    eligible: bool
    reasons: str
    checklist: list[Row]
    stages: list[StageScore]
    current_stage: str | None
    ratings: dict[str, dict[str, str | None]]
    maturity: MaturityVerdict
    objectives: list[Row] = field(default_factory=list)
    risks: list[Row] = field(default_factory=list)
    exits: list[Row] = field(default_factory=list)
    issues: list[Row] = field(default_factory=list)
    heat: dict[tuple[int, int], int] = field(default_factory=dict)  # (likelihood, impact) -> risks
    screening_shared: bool = False
    # The continuing journey (issue 14): the wave plan's reviews as of ``as_of`` (``core.reviews``),
    # the Reviews rows held by then, and each objective's KPI series (``core.kpis``).
    reviews: CustomerReviews = field(default_factory=lambda: CustomerReviews([], None, None))
    held: list[Row] = field(default_factory=list)
    kpis: list[KpiSeries] = field(default_factory=list)

    @property
    def overall(self) -> StageScore:
        """The whole checklist as one line (``lifecycle.overall_score``)."""
        return lifecycle.overall_score(self.stages)

    @property
    def readiness(self) -> float:
        """Done items / applicable items over the whole checklist (NaN when none applies)."""
        return self.overall.completion


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
        self.names: tuple[str, ...] = (
            columns if columns is not None else (() if table is None else tuple(table.columns))
        )
        self._values: dict[str, list[object]] = {}
        self._groups: dict[str, array[int]] = {}
        if table is None or not len(table):
            return
        self._values = {c: table[c].tolist() for c in self.names if c in table.columns}
        wanted = table[text].tolist() if text and text in table.columns else None
        for position, key in enumerate(_keys(table)):
            if key is None or (text and (wanted is None or cells.text(wanted[position]) is None)):
                continue
            self._groups.setdefault(key, array("l")).append(position)

    def __contains__(self, customer_id: str) -> bool:
        return customer_id in self._groups

    def positions(self, customer_id: str) -> array[int] | tuple[()]:
        """The customer's row positions in the table, in table order."""
        return self._groups.get(customer_id, ())

    def records(self, customer_id: str) -> list[Row]:
        """The customer's rows as column name -> value (None for a column the table lacks)."""
        positions = self._groups.get(customer_id)
        if positions is None:
            return []
        columns = [(name, self._values.get(name)) for name in self.names]
        return [{name: None if values is None else values[i] for name, values in columns} for i in positions]


class RelationshipSlices:
    """A master's relationship tables prepared once per run; ``customer`` slices one customer.

    The Life cycle and Maturity tables are read once (each distinct cell once); the registers'
    computed columns (risk ratings, exit reviews, issue ages) are computed once over the whole
    table, as of ``as_of``."""

    def __init__(self, relationship: Mapping[str, pd.DataFrame], settings: Settings, as_of: dt.date) -> None:
        self.settings = settings
        self.thresholds = ScreeningThresholds.of(settings)
        self.as_of = as_of
        visible = exportable(relationship, drop_column=True)
        life, maturity = visible.get(rt.LIFECYCLE_SHEET), visible.get(rt.MATURITY_SHEET)
        self._lifecycle, self._entries = _Rows(life, ()), lifecycle.read_entries(life)
        self._maturity, self._ratings = _Rows(maturity, ()), read_ratings(maturity)
        risks, exits, issues = (visible.get(s) for s in (rt.RISKS_SHEET, rt.EXITS_SHEET, rt.ISSUES_SHEET))
        self._objectives = _Rows(visible.get(rt.OBJECTIVES_SHEET), _OBJECTIVES, rt.OBJECTIVE)
        self._risks = _Rows(None if risks is None else rate_risks(risks), _RISKS, rt.RISK)
        self._exits = _Rows(None if exits is None else review_exits(exits, as_of), _EXITS, rt.TRIGGER)
        self._issues = _Rows(None if issues is None else flag_issues(issues, as_of), _ISSUES, rt.ISSUE)
        reviews = visible.get(rt.REVIEWS_SHEET)
        self._held = held_by_customer(reviews)
        self._reviews = _Rows(reviews, _REVIEWS, REVIEW_DATE)
        self._readings = _Rows(visible.get(rt.KPI_SHEET), _READINGS, rt.OBJECTIVE)
        # The checklist of every customer without Life cycle rows: the same one, made once per run.
        self._blank = self._checklist(())

    @staticmethod
    def _checklist(entries: Iterable[lifecycle.Entry]) -> tuple[list[Row], list[StageScore], str | None]:
        """A customer's checklist from its Life cycle rows, its stage scores and current stage."""
        checklist = lifecycle.checklist_rows(entries)
        stages = lifecycle.checklist_scores(checklist)
        return checklist, stages, lifecycle.current_stage(stages)

    def customer(
        self, customer_id: str, customer: Mapping[str, object], waves: Sequence[Wave] | None = None
    ) -> CustomerRelationship:
        """One customer's relationship; ``customer`` is its row of the Customers table and ``waves``
        its waves (``core.waves``), whose plans give the planned reviews; without them (None), the
        one wave of its Wave start."""
        cid = cells.text(customer_id) or ""
        t = self.thresholds
        shared = shares_screening(customer)
        # Not shared: the assessment is not even computed, so nothing of it can reach the workbook.
        lines = screening_lines(customer, t) if shared else ()
        screening = screening_of(lines) if shared else Screening(False, [])
        if cid in self._lifecycle:
            checklist, stages, current = self._checklist(
                self._entries[i] for i in self._lifecycle.positions(cid)
            )
        else:
            checklist, stages, current = self._blank
        ratings = first_ratings(self._ratings[i] for i in self._maturity.positions(cid))
        risks = self._risks.records(cid)
        objectives = self._objectives.records(cid)
        held = self._held.get(cid, [])
        if waves is None:
            reviews = customer_reviews(cells.safely(cells.date, customer.get(WAVE_START)), held, self.as_of)
        else:
            reviews = customer_wave_reviews(waves, held, self.as_of)
        return CustomerRelationship(
            customer_id=cid,
            as_of=self.as_of,
            thresholds=t,
            screening=lines,
            eligible=screening.eligible,
            reasons=screening.text,
            checklist=checklist,
            stages=stages,
            current_stage=current,
            ratings=ratings,
            maturity=maturity_verdict(ratings),
            objectives=objectives,
            risks=risks,
            exits=self._exits.records(cid),
            issues=self._issues.records(cid),
            heat=heat_counts(
                [r[rt.LIKELIHOOD] for r in risks],
                [r[rt.IMPACT] for r in risks],
                [r[rt.STATUS] for r in risks],
            ),
            screening_shared=shared,
            reviews=reviews,
            held=[r for r in self._reviews.records(cid) if is_held(r[REVIEW_DATE], self.as_of)],
            kpis=kpi_series(
                [(o[rt.OBJECTIVE], o[rt.MEASURE], o[BASELINE], o[rt.TARGET]) for o in objectives],
                [(r[rt.OBJECTIVE], r[KPI_MONTH], r[KPI_VALUE]) for r in self._readings.records(cid)],
            ),
        )


def shares_screening(customer: Mapping[str, object]) -> bool:
    """Whether the supplier shares its screening of this customer in the customer's workbook: only
    a Customers row whose ``Share screening`` reads Yes (any spelling of ``core.spellings``). Blank,
    No or a value that is not Yes or No keep the internal assessment out (SPEC §3.9, §7)."""
    return cells.safely(_yes_no_or_no, customer.get(SHARE_SCREENING)) is True


def _yes_no_or_no(value: object) -> bool | None:
    return cells.parse_yes_no(value, False)


_OBJECTIVES = tuple(c for c in rt.OBJECTIVES.columns if c not in (CUSTOMER_ID, rt.OUT_OF_BOUNDS))
_RISKS = tuple(c for c in rt.RISKS.columns if c not in (CUSTOMER_ID, rt.OUT_OF_BOUNDS))
_EXITS = tuple(c for c in rt.EXITS.columns if c not in (CUSTOMER_ID, rt.OUT_OF_BOUNDS))
_ISSUES = tuple(c for c in rt.ISSUES.columns if c not in (CUSTOMER_ID, rt.OUT_OF_BOUNDS))
_REVIEWS = tuple(c for c in rt.REVIEWS.columns if c != CUSTOMER_ID)
_READINGS = (rt.OBJECTIVE, KPI_MONTH, KPI_VALUE)


def empty_relationship(
    customer_id: str, customer: Mapping[str, object], settings: Settings, as_of: dt.date
) -> CustomerRelationship:
    """A customer's relationship when the master has no relationship sheets: its screening and the
    empty checklists, ready to fill in."""
    return RelationshipSlices({}, settings, as_of).customer(customer_id, customer)
