"""The refresh pipeline (issue 14): per customer, what the relationship still holds and whether a new
wave is due.

The seed paper warns that competitors copy a CVM idea within 6 to 12 months, so a relationship must
be refreshed with new waves (``core.waves``). Every figure is counted as of a day the caller gives
(never today's date taken here), over the ideas that are not Out of bounds (SPEC §3.9: never
discussed, so never counted). The rules, decided where the issue is silent:

* **Waves**: the customer's waves kicked off on or before the as-of date; **Last kick-off** the latest
  of their kick-offs; **Next kick-off** the first kick-off after the as-of date (a wave planned).
* **Open Go ideas**: ideas with a Go verdict (``GO_CODES``: Go, Go priority, Go good faith) whose
  Status neither puts them in the passbook (Signed off, Implementing, Delivered) nor is Dropped, and
  that were not **Emulated** (copied by a competitor) on or before the as-of date: an emulated idea
  no longer differentiates the supplier, so it does not count as a reason to keep the relationship
  going without a new wave. A blank Status counts as open.
* **Months since the last Go idea**: the master records no day an idea was conceived, but it knows
  the wave of every idea (its Wave, blank = the customer's latest wave): a Go idea is new when its
  wave kicks off. So it is the whole months from the latest kick-off (on or before the as-of date) of
  a wave holding at least one Go idea, whatever its status now, to the as-of date; blank when the
  customer has no Go idea in a wave that has kicked off.
* **Ideas by status and age**: per Status, the number of ideas and the age of the oldest, in whole
  months since its wave's kick-off (0 for a wave not kicked off yet; blank without a wave).
* **Trend** of realised against planned *recurring* value (both firms together, from
  ``core.tracking.plan_vs_realised`` without the one-time amounts and the Tracking rows of Kind
  One-time: a one-time investment in one month would swamp the rate of every window it falls in):
  the last reported month is the latest month, up to the as-of date's, with a realised value; the
  *recent* rate is realised / planned over it and the two months before, the *earlier* rate over
  the three months before those. Improving when the recent rate is more than ``TREND_TOLERANCE``
  (5 points) above the earlier one, Slipping when more than that below, Steady otherwise; blank
  when either window has no planned value.
* **Refresh due** = Yes when the last kick-off is older than Settings ``Refresh after months``
  (the as-of date is after the kick-off plus that many months; default 6), or fewer than Settings
  ``Minimum open Go ideas`` (default 3) remain open. A customer that has not kicked off a wave is
  not due a refresh: its first wave is a decision of customer selection (SPEC §3.9), not of the
  pipeline.

Whole months between two days are counted as ``core.categories.add_months`` counts them (from
31 January, one month is reached on 28 February).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cvm_xl.core import cells
from cvm_xl.core import columns as col
from cvm_xl.core.categories import add_months
from cvm_xl.core.settings import Settings
from cvm_xl.core.spellings import STATUSES, is_open_status, status
from cvm_xl.core.tracking import (
    CUSTOMER_PLANNED,
    CUSTOMER_REALISED,
    MONTH,
    ONE_TIME,
    SUPPLIER_PLANNED,
    SUPPLIER_REALISED,
    TRACKING_KIND,
    TRACKING_KINDS,
    month_index,
    plan_vs_realised,
)
from cvm_xl.core.values import is_blank
from cvm_xl.core.verdicts import GO_CODES
from cvm_xl.core.waves import CustomerWaves, Wave, customer_waves

NO_STATUS = "No status"
# The consolidated sign-off's Pipeline sheet: the columns first, then what else is known.
WAVES = "Waves"
LAST_KICK_OFF = "Last kick-off"
OPEN_GO_IDEAS = "Open Go ideas"
MONTHS_SINCE_GO = "Months since last Go idea"
REFRESH_DUE = "Refresh due"
PIPELINE_COLUMNS = (col.CUSTOMER_ID, WAVES, LAST_KICK_OFF, OPEN_GO_IDEAS, MONTHS_SINCE_GO, REFRESH_DUE)
CUSTOMER = "Customer"
NEXT_KICK_OFF = "Next kick-off"
TREND = "Trend"
WHY = "Why"
PIPELINE_EXTRA = (CUSTOMER, NEXT_KICK_OFF, TREND, WHY)
PIPELINE_ALL = (*PIPELINE_COLUMNS, *PIPELINE_EXTRA)
YES, NO = "Yes", "No"

TREND_MONTHS = 3  # months in each of the two windows compared
TREND_TOLERANCE = 0.05  # a change of the realised/planned rate within 5 points is Steady
IMPROVING, STEADY, SLIPPING = "Improving", "Steady", "Slipping"


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (the most ``m`` with ``add_months(start, m)``
    on or before ``end``); 0 when ``end`` is before ``start``."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if add_months(start, months) > end else months


def is_refresh_overdue(last_kick_off: dt.date, as_of: dt.date, refresh_after_months: int) -> bool:
    """The last kick-off is older than ``refresh_after_months`` months on ``as_of``."""
    return as_of > add_months(last_kick_off, refresh_after_months)


def is_open_go(verdict_code: object, status_cell: object, emulated: object, as_of: dt.date) -> bool:
    """An open Go idea: a Go verdict, a Status neither in the passbook nor Dropped, and not emulated
    on or before ``as_of`` (an Emulated date after it had not happened yet)."""
    if verdict_code not in GO_CODES:
        return False
    if not is_open_status(status_cell):
        return False
    copied = cells.safely(cells.date, emulated)
    return copied is None or copied > as_of


@dataclass(frozen=True)
class StatusAge:
    """The ideas of one Status: how many, and the oldest one's age in months (None: no wave)."""

    status: str
    ideas: int
    oldest_months: int | None


@dataclass(frozen=True)
class Trend:
    """Realised / planned value over the last ``TREND_MONTHS`` reported months (``recent``) and the
    months before them (``earlier``), and the reading (Improving, Steady, Slipping or '')."""

    last_reported: dt.date | None
    recent: float | None
    earlier: float | None
    reading: str


NO_TREND = Trend(None, None, None, "")


def trend_reading(recent: float | None, earlier: float | None) -> str:
    """Improving, Steady or Slipping (``TREND_TOLERANCE``); '' when a rate is unknown."""
    if recent is None or earlier is None:
        return ""
    change = recent - earlier
    if change > TREND_TOLERANCE + 1e-12:
        return IMPROVING
    if change < -TREND_TOLERANCE - 1e-12:
        return SLIPPING
    return STEADY


def _rate(planned: dict[int, float], realised: dict[int, float], months: range) -> float | None:
    plan = sum(planned.get(m, 0.0) for m in months)
    if plan <= 0:
        return None
    return float(sum(realised.get(m, 0.0) for m in months) / plan)


def month_trend(planned: dict[int, float], realised: dict[int, float], reported: set[int]) -> Trend:
    """The trend of one customer from its planned and realised value per month index
    (``core.tracking.month_index``) and the months it reported."""
    if not reported:
        return NO_TREND
    last = max(reported)
    recent = _rate(planned, realised, range(last - TREND_MONTHS + 1, last + 1))
    earlier = _rate(planned, realised, range(last - 2 * TREND_MONTHS + 1, last - TREND_MONTHS + 1))
    year, month = divmod(last, 12)
    return Trend(dt.date(year, month + 1, 1), recent, earlier, trend_reading(recent, earlier))


@dataclass(frozen=True)
class CustomerPipeline:
    """One customer's line of the pipeline as of a day (see the module's rules)."""

    customer_id: str
    customer: str | None
    waves: int
    last_kick_off: dt.date | None
    next_kick_off: dt.date | None
    open_go: int
    by_status: tuple[StatusAge, ...]
    months_since_go: int | None
    trend: Trend
    refresh_due: bool
    reasons: tuple[str, ...]


def refresh_reasons(
    last_kick_off: dt.date | None, open_go: int, as_of: dt.date, settings: Settings
) -> tuple[str, ...]:
    """Why a refresh is due (empty: it is not): the age of the last kick-off, too few open Go ideas."""
    if last_kick_off is None:
        return ()
    out: list[str] = []
    after = settings.refresh_after_months
    if is_refresh_overdue(last_kick_off, as_of, after):
        out.append(f"last kick-off {last_kick_off.isoformat()}, more than {after} months ago")
    least = settings.minimum_open_go_ideas
    if open_go < least:
        out.append(f"{open_go} open Go idea{'' if open_go == 1 else 's'} (fewer than {least})")
    return tuple(out)


def _values(frame: pd.DataFrame, name: str) -> list[object]:
    return frame[name].tolist() if name in frame.columns else [None] * len(frame)


def _in_bounds(evaluated: pd.DataFrame) -> pd.DataFrame:
    if col.OUT_OF_BOUNDS not in evaluated.columns:
        return evaluated
    keep = np.array([v is not True and v is not np.True_ for v in evaluated[col.OUT_OF_BOUNDS]], dtype=bool)
    return evaluated[keep]


def _month_figures(
    monthly: pd.DataFrame, as_of: dt.date
) -> dict[str, tuple[dict[int, float], dict[int, float], set[int]]]:
    """Per customer key: planned and realised value (both firms) per month up to the as-of month,
    and the months with a realised value."""
    last = month_index(as_of)
    out: dict[str, tuple[dict[int, float], dict[int, float], set[int]]] = {}
    amounts = (SUPPLIER_PLANNED, CUSTOMER_PLANNED, SUPPLIER_REALISED, CUSTOMER_REALISED)
    columns = [monthly[name].to_numpy(dtype=float) for name in amounts]
    for cid, month, sp, cp, sr, cr in zip(
        monthly[col.CUSTOMER_ID].tolist(), monthly[MONTH].tolist(), *columns, strict=True
    ):
        day = cells.safely(cells.date, month)
        if is_blank(cid) or day is None or month_index(day) > last:
            continue
        index = month_index(day)
        planned, realised, reported = out.setdefault(cells.key(cells.text(cid)), ({}, {}, set()))
        planned[index] = planned.get(index, 0.0) + _zero(sp) + _zero(cp)
        if not (math.isnan(sr) and math.isnan(cr)):
            realised[index] = realised.get(index, 0.0) + _zero(sr) + _zero(cr)
            reported.add(index)
    return out


def _recurring_plan(ideas: pd.DataFrame) -> pd.DataFrame:
    """The ideas without their one-time amounts: the plan of recurring value only."""
    recurring = ideas.copy()
    for name in (col.SUPPLIER_ONE_TIME, col.CUSTOMER_ONE_TIME):
        if name in recurring.columns:
            recurring[name] = np.nan
    return recurring


def _recurring_tracking(tracking: pd.DataFrame) -> pd.DataFrame:
    """The Tracking rows of recurring value (Kind blank or Recurring, not One-time)."""
    if TRACKING_KIND not in tracking.columns:
        return tracking
    kinds = [cells.safely(lambda x: cells.choice(x, TRACKING_KINDS), v) for v in tracking[TRACKING_KIND]]
    return tracking[np.array([k != ONE_TIME for k in kinds], dtype=bool)]


def _zero(x: float) -> float:
    return 0.0 if math.isnan(x) else x


def _wave(waves: Sequence[Wave], number: int | None) -> Wave | None:
    return next((w for w in waves if w.number == number), None)


def customer_pipelines(
    customers: pd.DataFrame,
    evaluated: pd.DataFrame,
    tracking: pd.DataFrame,
    waves: pd.DataFrame | None,
    settings: Settings,
    as_of: dt.date,
    customer_ids: Iterable[str] | None = None,
) -> list[CustomerPipeline]:
    """The pipeline of every customer of ``customers`` (in its order; only ``customer_ids`` if given)
    as of ``as_of``: ``evaluated`` is the Ideas table with its computed columns
    (``core.evaluation.evaluate_ideas``), ``tracking`` the Tracking table, ``waves`` the Waves table
    (None or empty: each customer's Wave start is its wave 1)."""
    known = customer_waves(customers, waves)
    ideas = _in_bounds(evaluated)
    recurring = _recurring_tracking(tracking)
    # without ideas or tracking rows there is nothing to compare (and nothing for pandas to merge)
    figures = (
        _month_figures(plan_vs_realised(_recurring_plan(ideas), recurring, settings), as_of)
        if len(ideas) and len(recurring)
        else {}
    )
    by_customer: dict[str, list[dict[str, object]]] = {}
    for row in ideas.to_dict("records"):
        cid = cells.text(row.get(col.CUSTOMER_ID))
        if cid is not None:
            by_customer.setdefault(cells.key(cid), []).append({str(k): v for k, v in row.items()})
    wanted = None if customer_ids is None else {cells.key(c) for c in customer_ids}
    names = _values(customers, CUSTOMER)
    out: list[CustomerPipeline] = []
    seen: set[str] = set()
    for cid_cell, name in zip(_values(customers, col.CUSTOMER_ID), names, strict=True):
        cid = cells.text(cid_cell)
        if cid is None or cells.key(cid) in seen or (wanted is not None and cells.key(cid) not in wanted):
            continue
        seen.add(cells.key(cid))
        rows = by_customer.get(cells.key(cid), [])
        planned, realised, reported = figures.get(cells.key(cid), ({}, {}, set()))
        out.append(
            _customer(
                cid, cells.text(name), rows, known, settings, as_of, month_trend(planned, realised, reported)
            )
        )
    return out


def _customer(
    cid: str,
    name: str | None,
    rows: list[dict[str, object]],
    known: CustomerWaves,
    settings: Settings,
    as_of: dt.date,
    trend: Trend,
) -> CustomerPipeline:
    waves = known.of(cid)
    started = [w for w in waves if w.kick_off <= as_of]
    last = max((w.kick_off for w in started), default=None)
    following = min((w.kick_off for w in waves if w.kick_off > as_of), default=None)
    open_go = 0
    counts: dict[str, int] = {}
    oldest: dict[str, int | None] = {}
    go_kick_offs: list[dt.date] = []
    for row in rows:
        code = row.get(col.VERDICT_CODE)
        if is_open_go(code, row.get(col.STATUS), row.get(col.EMULATED), as_of):
            open_go += 1
        wave = _wave(waves, known.wave_of(cid, row.get(col.WAVE), as_of))
        label = status(row.get(col.STATUS)) or NO_STATUS
        counts[label] = counts.get(label, 0) + 1
        age = None if wave is None else months_between(wave.kick_off, as_of)
        before = oldest.get(label)
        oldest[label] = age if before is None else before if age is None else max(before, age)
        if code in GO_CODES and wave is not None and wave.kick_off <= as_of:
            go_kick_offs.append(wave.kick_off)
    order = [*STATUSES, NO_STATUS]
    by_status = tuple(StatusAge(s, counts[s], oldest.get(s)) for s in order if s in counts)
    newest_go = max(go_kick_offs, default=None)
    reasons = refresh_reasons(last, open_go, as_of, settings)
    return CustomerPipeline(
        customer_id=cid,
        customer=name,
        waves=len(started),
        last_kick_off=last,
        next_kick_off=following,
        open_go=open_go,
        by_status=by_status,
        months_since_go=None if newest_go is None else months_between(newest_go, as_of),
        trend=trend,
        refresh_due=bool(reasons),
        reasons=reasons,
    )


def pipeline_table(pipelines: Sequence[CustomerPipeline]) -> pd.DataFrame:
    """The pipelines as a sheet table: ``PIPELINE_COLUMNS`` (the issue's), then ``PIPELINE_EXTRA``;
    Refresh due as Yes or No, blanks as None."""
    rows = [
        {
            col.CUSTOMER_ID: p.customer_id,
            WAVES: p.waves,
            LAST_KICK_OFF: p.last_kick_off,
            OPEN_GO_IDEAS: p.open_go,
            MONTHS_SINCE_GO: p.months_since_go,
            REFRESH_DUE: YES if p.refresh_due else NO,
            CUSTOMER: p.customer,
            NEXT_KICK_OFF: p.next_kick_off,
            TREND: p.trend.reading or None,
            WHY: "; ".join(p.reasons) or None,
        }
        for p in pipelines
    ]
    return pd.DataFrame(rows, columns=list(PIPELINE_ALL), dtype=object)
