"""Reviews of the continuing CVM journey: the wave plan's planned reviews against the reviews held (issue 14).

SPEC §3.7 plans the reviews of a relationship: during the wave a monthly top-management review (at the
end of weeks 4 and 8) and the wave review at the end of week 12, then a monthly report every month and
a quarterly review with every third report (``core.wave.wave_plan``). The master's optional
``Reviews`` table records the reviews actually held: ``Review ID``, ``Customer ID``, ``Date``,
``Kind`` (Wave review, Monthly or Quarterly), ``Attendees`` and ``Decisions``.

Rules (the issue leaves them open; chosen here and stated in the README):

* **Kinds of the plan**: the review at the end of week 12 is the *Wave review*; the top-management
  reviews of weeks 4 and 8 and every monthly report after the wave are *Monthly*; the quarterly reviews
  are *Quarterly*.
* **Held**: a planned review is held when a review of its customer was held (``Date`` on or before
  the as-of date) within ``WINDOW_DAYS`` of the planned date (±14 days for a Wave review and a Monthly,
  ±30 days for a Quarterly) and is of a kind that ``COUNTS_FOR`` the planned kind: a Quarterly review
  also serves as that month's Monthly report; otherwise kinds must be the same. One held review serves
  at most one planned review of each kind; each planned review, in date order, takes the nearest
  unused held review (the earlier on a tie).
* **Due / Overdue**: a planned review not held is *Overdue* once its window has closed (as-of date
  after the planned date + window), else *Due*.
* **Next review**: the earliest planned review that is not held (an overdue one first, as it is
  earlier); **last held**: the latest review held on or before the as-of date, with its decisions.

A customer with several waves (``core.waves``, issue 14: "wave plans ... work per wave") has one
plan of reviews over all of them (``customer_wave_reviews``):

* **Each wave plans its own reviews** from its own kick-off: the top-management reviews of weeks 4
  and 8, the Wave review of week 12, then the monthly reports and quarterly reviews after it.
* **The next wave takes over at its first review.** A wave's planned reviews run until the first
  planned review of the next wave (by kick-off: the top-management review at the end of its week 4);
  its reviews dated on or after that day are not planned, the next wave's plan holds from there. The
  brief suggested the next wave's kick-off as the boundary; the first review is chosen instead
  because a wave plans no review in its weeks 0 to 3, so with the kick-off top management would go
  without one for up to two months just when a new wave starts and the earlier wave's ideas are being
  implemented. The monthly rhythm stays unbroken. The last wave's reports run past the as-of date as
  for one wave (``plan_months``).
* **Held reviews** are matched to the planned reviews of all waves together by the rules above
  (windows, kinds, each held review used once per kind, planned reviews in date order), so a review
  held a few days after a boundary still serves the planned review it was held for.
* **A customer with one wave** gets exactly ``customer_reviews`` of its kick-off.

Everything is pure: the as-of date is always passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import pandas as pd

from cvm_xl.core import cells
from cvm_xl.core.categories import add_months
from cvm_xl.core.columns import CUSTOMER_ID
from cvm_xl.core.wave import REPORT, REVIEW, WAVE_WEEKS, WavePhase, wave_end, wave_plan
from cvm_xl.core.waves import Wave

# The Reviews table's columns (its sheet and layout: readiness.tables.REVIEWS)
REVIEW_ID = "Review ID"
REVIEW_DATE = "Date"
REVIEW_KIND = "Kind"
ATTENDEES = "Attendees"
DECISIONS = "Decisions"

WAVE_REVIEW, MONTHLY, QUARTERLY = "Wave review", "Monthly", "Quarterly"
REVIEW_KINDS = (WAVE_REVIEW, MONTHLY, QUARTERLY)
# Other spellings users type for a kind (case and spacing ignored, as every list column).
KIND_SYNONYMS = {
    "Wave": WAVE_REVIEW,
    "Week 12 review": WAVE_REVIEW,
    "Monthly review": MONTHLY,
    "Month": MONTHLY,
    "Monthly report": MONTHLY,
    "Top-management review": MONTHLY,
    "Quarterly review": QUARTERLY,
    "Quarter": QUARTERLY,
}
WINDOW_DAYS = {WAVE_REVIEW: 14, MONTHLY: 14, QUARTERLY: 30}
# Planned kind -> the kinds of held review that count for it.
COUNTS_FOR = {WAVE_REVIEW: (WAVE_REVIEW,), MONTHLY: (MONTHLY, QUARTERLY), QUARTERLY: (QUARTERLY,)}
HELD, DUE, OVERDUE = "Held", "Due", "Overdue"
REVIEW_STATUSES = (HELD, DUE, OVERDUE)
MIN_PLAN_MONTHS = 12  # months of reports after the wave a plan covers at least


def parse_review_kind(x: object) -> str | None:
    """Wave review, Monthly or Quarterly (synonyms of ``KIND_SYNONYMS`` too); None for blank.
    Raises ValueError for anything else."""
    return cells.choice(x, REVIEW_KINDS, KIND_SYNONYMS)


@dataclass(frozen=True)
class HeldReview:
    """One row of the Reviews table, as the rules read it."""

    review_id: str | None
    date: dt.date
    kind: str
    decisions: str | None = None


@dataclass(frozen=True)
class PlannedReview:
    """One planned review of the wave plan and what became of it."""

    name: str
    kind: str
    date: dt.date
    status: str  # Held, Due or Overdue
    held: HeldReview | None = None
    wave: int | None = None  # the wave whose plan holds it (None: a plan of one kick-off)

    @property
    def window(self) -> int:
        return WINDOW_DAYS[self.kind]


def review_kind(item: WavePhase) -> str | None:
    """The kind of review a wave-plan item is held as (None for a phase or a milestone)."""
    if item.kind == REPORT:
        return MONTHLY
    if item.kind != REVIEW:
        return None
    if item.first_week > WAVE_WEEKS:
        return QUARTERLY
    return WAVE_REVIEW if item.first_week == WAVE_WEEKS else MONTHLY


def plan_months(kickoff: dt.date, as_of: dt.date) -> int:
    """Months of reports after the wave a plan needs so that it reaches past ``as_of``: at least
    ``MIN_PLAN_MONTHS``, and three months beyond the as-of date (the next quarterly review)."""
    end = wave_end(kickoff)
    months = (as_of.year - end.year) * 12 + as_of.month - end.month + 3
    while add_months(end, months) <= as_of:  # a month-end wave may need one more
        months += 1
    return max(MIN_PLAN_MONTHS, months)


def planned_reviews(kickoff: dt.date, months: int = MIN_PLAN_MONTHS) -> list[tuple[str, str, dt.date]]:
    """(name, kind, date) of every planned review of a wave that starts on ``kickoff``, by date."""
    return [
        (item.name, kind, item.start)
        for item in wave_plan(kickoff, months)
        if (kind := review_kind(item)) is not None
    ]


def review_status(
    planned: Sequence[tuple[str, str, dt.date]], held: Iterable[HeldReview], as_of: dt.date
) -> list[PlannedReview]:
    """Each planned review (name, kind, date) Held, Due or Overdue as of ``as_of`` (module rules)."""
    return _statuses([(name, kind, day, None) for name, kind, day in planned], held, as_of)


def _statuses(
    planned: Sequence[tuple[str, str, dt.date, int | None]], held: Iterable[HeldReview], as_of: dt.date
) -> list[PlannedReview]:
    """``review_status`` of planned reviews (name, kind, date, wave) of one or several waves."""
    past = sorted((h for h in held if is_held(h.date, as_of)), key=lambda h: h.date)
    used: set[tuple[int, str]] = set()  # (held position, planned kind)
    out = []
    for name, kind, day, wave in sorted(planned, key=lambda p: p[2]):
        window = WINDOW_DAYS[kind]
        candidates = [
            (abs((h.date - day).days), h.date, i)
            for i, h in enumerate(past)
            if h.kind in COUNTS_FOR[kind] and (i, kind) not in used and abs((h.date - day).days) <= window
        ]
        if candidates:
            _, _, i = min(candidates)
            used.add((i, kind))
            out.append(PlannedReview(name, kind, day, HELD, past[i], wave))
        else:
            late = as_of > day + dt.timedelta(days=window)
            out.append(PlannedReview(name, kind, day, OVERDUE if late else DUE, None, wave))
    return out


def next_review(statuses: Iterable[PlannedReview]) -> PlannedReview | None:
    """The earliest planned review not held (None when every one is)."""
    return min((p for p in statuses if p.status != HELD), key=lambda p: p.date, default=None)


def is_held(day: object, as_of: dt.date) -> bool:
    """Whether a review dated ``day`` (a Reviews ``Date`` cell) was held by ``as_of``: a readable date
    on or before it. A review dated later is not held yet (module rules)."""
    when = cells.safely(cells.date, day)
    return when is not None and when <= as_of


def last_held(held: Iterable[HeldReview], as_of: dt.date) -> HeldReview | None:
    """The latest review held on or before ``as_of`` (the first listed of one day)."""
    best: HeldReview | None = None
    for review in held:
        if is_held(review.date, as_of) and (best is None or review.date > best.date):
            best = review
    return best


def held_reviews(
    ids: Sequence[object], dates: Sequence[object], kinds: Sequence[object], decisions: Sequence[object]
) -> list[HeldReview]:
    """The Reviews rows given column by column, as ``HeldReview``s; a row without a readable date
    or kind is left out (validation reports it)."""
    out = []
    for review_id, day, kind, decided in zip(ids, dates, kinds, decisions, strict=True):
        when = cells.safely(cells.date, day)
        what = cells.safely(parse_review_kind, kind)
        if when is not None and what is not None:
            out.append(HeldReview(cells.text(review_id), when, what, cells.text(decided)))
    return out


def held_by_customer(table: pd.DataFrame | None) -> dict[str, list[HeldReview]]:
    """The rows of a Reviews table grouped by their ``Customer ID`` (trimmed text), each customer's in
    table order; rows without a customer, a readable date or a kind are left out (``held_reviews``).
    A table without the Date or Kind column holds no usable review."""
    if table is None or not len(table) or not {CUSTOMER_ID, REVIEW_DATE, REVIEW_KIND} <= set(table.columns):
        return {}
    blank: list[object] = [None] * len(table)

    def column(name: str) -> list[object]:
        return table[name].tolist() if name in table.columns else blank

    out: dict[str, list[HeldReview]] = {}
    rows = zip(
        column(CUSTOMER_ID), column(REVIEW_ID), column(REVIEW_DATE), column(REVIEW_KIND), column(DECISIONS),
        strict=True,
    )  # fmt: skip
    for cid, review_id, day, kind, decided in rows:
        key = cells.text(cid)
        if key is not None:
            out.setdefault(key, []).extend(held_reviews([review_id], [day], [kind], [decided]))
    return {key: reviews for key, reviews in out.items() if reviews}


@dataclass(frozen=True)
class CustomerReviews:
    """One customer's planned reviews as of a date, the next one and the last held."""

    planned: list[PlannedReview]
    next: PlannedReview | None
    last: HeldReview | None


def customer_reviews(
    kickoff: dt.date | None, held: Sequence[HeldReview], as_of: dt.date, months: int | None = None
) -> CustomerReviews:
    """The module's rules for one customer whose wave starts on ``kickoff`` (None: no plan, so no
    planned review); ``months`` of reports after the wave (default: past ``as_of``, ``plan_months``)."""
    if kickoff is None:
        return CustomerReviews([], None, last_held(held, as_of))
    span = plan_months(kickoff, as_of) if months is None else months
    statuses = review_status(planned_reviews(kickoff, span), held, as_of)
    return CustomerReviews(statuses, next_review(statuses), last_held(held, as_of))


# --- several waves (module rules: the next wave takes over at its first review) ---------------------


def first_review(kickoff: dt.date) -> dt.date:
    """The day of a wave's first planned review (the top-management review at the end of week 4)."""
    return planned_reviews(kickoff, 0)[0][2]


def by_kick_off(waves: Sequence[Wave]) -> list[Wave]:
    """The waves in the order their plans follow one another: by kick-off, then number."""
    return sorted(waves, key=lambda w: (w.kick_off, w.number))


def reviews_until(waves: Sequence[Wave]) -> dict[int, dt.date | None]:
    """Per wave number, the day from which the next wave's plan holds (its first review); None for
    the last wave, whose reviews run on."""
    ordered = by_kick_off(waves)
    out: dict[int, dt.date | None] = {w.number: None for w in ordered}
    for before, after in pairwise(ordered):
        out[before.number] = first_review(after.kick_off)
    return out


def is_taken_over(item: WavePhase, until: dt.date | None) -> bool:
    """Whether a wave-plan item is a review or report the next wave's plan took over (dated on or
    after ``until``); phases and milestones never are."""
    return until is not None and review_kind(item) is not None and item.start >= until


def wave_items(kickoff: dt.date, until: dt.date | None, months: int) -> list[WavePhase]:
    """A wave's plan (``wave_plan`` with ``months`` of reports) without the reviews and reports the
    next wave took over from ``until`` on."""
    return [item for item in wave_plan(kickoff, months) if not is_taken_over(item, until)]


def customer_wave_reviews(
    waves: Sequence[Wave], held: Sequence[HeldReview], as_of: dt.date
) -> CustomerReviews:
    """The module's rules for a customer with ``waves`` (``core.waves``: one or more): each wave's
    reviews until the next wave's first review, the last wave's past ``as_of``; every planned review
    carries its wave's number. Without waves, no planned review."""
    if not waves:
        return CustomerReviews([], None, last_held(held, as_of))
    until = reviews_until(waves)
    planned: list[tuple[str, str, dt.date, int | None]] = []
    for wave in by_kick_off(waves):
        stop = until[wave.number]
        span = plan_months(wave.kick_off, as_of if stop is None else stop)
        planned += [
            (item.name, kind, item.start, wave.number)
            for item in wave_items(wave.kick_off, stop, span)
            if (kind := review_kind(item)) is not None
        ]
    statuses = _statuses(planned, held, as_of)
    return CustomerReviews(statuses, next_review(statuses), last_held(held, as_of))
