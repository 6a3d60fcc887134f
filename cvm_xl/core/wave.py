"""The 12-week CVM wave with one customer, with real dates (SPEC §3.7, seed 000 §6.1–6.8).

Week ``n`` starts ``kickoff + 7 n`` days and lasts seven days, so week 0 is the kick-off week: it starts
on the kick-off date K (the customer's ``Wave start``), holds the internal preparation and the
customer's buy-in, and ends with the formal kick-off meeting. The wave's last day is the last day of
week 12 (K + 90 days).

Meetings fall on working days (Monday to Friday):

* the kick-off meeting and the sign-off on the last working day of their week (week 0, week 8);
* in week 4, the internal role-play on its first working day and the joint idea workshop on its third,
  leaving time in between to rework the workshop plan;
* the monthly top-management reviews during the wave every four weeks, at the end of weeks 4, 8
  and 12 (after the workshop, after sign-off, at the end of the wave);
* after the wave, a monthly report one calendar month after another from the wave's last day, and a
  quarterly review with every third report, for ``reviews_months`` months; a date that falls on a
  weekend moves back to the Friday before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from cvm_xl.core.categories import add_months

SUPPLIER, CUSTOMER, JOINT = "Supplier", "Customer", "Joint"
PHASE, MILESTONE, REVIEW, REPORT = "Phase", "Milestone", "Review", "Report"
WAVE_WEEKS = 12
REVIEW_WEEKS = (4, 8, 12)
WAVE_TABLE_COLUMNS = ("Item", "Kind", "Weeks", "Start", "End", "Owner", "Activities")


@dataclass(frozen=True)
class WavePhase:
    """One phase, milestone, review or report of the wave plan."""

    name: str
    kind: str  # Phase, Milestone, Review or Report
    first_week: int
    last_week: int
    start: dt.date
    end: dt.date
    owner: str  # Supplier, Customer or Joint
    activities: tuple[str, ...]

    @property
    def weeks(self) -> str:
        """'0', '1–3': the weeks as the plan shows them."""
        if self.first_week == self.last_week:
            return str(self.first_week)
        return f"{self.first_week}–{self.last_week}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def week_start(kickoff: dt.date, week: int) -> dt.date:
    """First day of week ``week`` (week 0 starts on the kick-off date)."""
    return kickoff + dt.timedelta(days=7 * week)


def week_end(kickoff: dt.date, week: int) -> dt.date:
    return week_start(kickoff, week) + dt.timedelta(days=6)


def week_of(kickoff: dt.date, day: dt.date) -> int:
    """The wave week that contains ``day`` (negative before the kick-off)."""
    return (day - kickoff).days // 7


def working_day_on_or_before(day: dt.date) -> dt.date:
    """``day`` itself on Monday to Friday; the Friday before on a weekend."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def nth_working_day(kickoff: dt.date, week: int, n: int) -> dt.date:
    """The ``n``-th working day (1 = first) of a wave week."""
    day = week_start(kickoff, week)
    seen = 0
    while True:
        if day.weekday() < 5:
            seen += 1
            if seen == n:
                return day
        day += dt.timedelta(days=1)


def last_working_day(kickoff: dt.date, week: int) -> dt.date:
    return working_day_on_or_before(week_end(kickoff, week))


def wave_end(kickoff: dt.date) -> dt.date:
    """The last day of the 12-week wave."""
    return week_end(kickoff, WAVE_WEEKS)


# (name, first week, last week, owner, activities)
PHASES: tuple[tuple[str, int, int, str, tuple[str, ...]], ...] = (
    ("Internal preparation", 0, 0, SUPPLIER, (
        "Hand-pick the CVM team: the customer account manager as unit leader, a facilitator from the CVM "
        "group, key managers of the relevant functions",
        "Agree deliverables and the reporting line to top management",
    )),
    ("Customer buy-in", 0, 0, JOINT, (
        "Reach a key top manager of the customer through the purchase manager",
        "The customer names a senior operations manager as CVM champion",
    )),
    ("Understand the value chain and set KPIs", 1, 3, JOINT, (
        "Study how the product is received, stored, processed, and where it is rejected",
        "List technical, commercial and hygiene problems (transport, packing, certificates, billing)",
        "Set targets for the key performance indicators",
    )),
    ("Idea generation", 4, 4, JOINT, (
        "Internal workshop with role-play among the supplier's managers",
        "One-day joint brainstorming workshop at the customer's premises (150 to 200 raw ideas)",
        "Synthesise the raw ideas into about 15 mother ideas, live",
    )),
    ("Evaluate ideas", 5, 6, JOINT, (
        "Evaluate each mother idea for impact and feasibility",
        "Classify as Hygiene, Operational or Joint study",
        "Quantify each firm's value and propose how to share it",
    )),
    ("Implementation planning and sign-off", 7, 8, JOINT, (
        "Select the 10 to 12 most promising ideas",
        "Plan each idea with its owner: owner firm, owner, start and end",
    )),
    ("Tracking and review", 9, 12, JOINT, (
        "Idea owners implement; the tracking group monitors progress",
        "Win small, win early, win often: hygiene ideas first",
    )),
)  # fmt: skip
LAST = -1
# (name, week, working day of the week (1 = first, LAST = last), owner, activities)
MILESTONES: tuple[tuple[str, int, int, str, tuple[str, ...]], ...] = (
    ("Kick-off meeting", 0, LAST, JOINT, (
        "Share the history and importance of the relationship",
        "Form the joint working team of both firms",
    )),
    ("Internal role-play workshop", 4, 1, SUPPLIER, (
        "Rehearse the joint workshop among the supplier's own managers",
    )),
    ("Joint idea workshop", 4, 3, JOINT, (
        "Cross-functional teams of both firms generate ideas across the whole value chain",
    )),
    ("Sign-off", 8, LAST, JOINT, ("Formal sign-off by the responsible managers of both firms",)),
)  # fmt: skip
TOP_MANAGEMENT_REVIEW = ("Top management of both firms reviews the wave's progress",)
MONTHLY_REPORT = ("The customer account manager reports realised value against plan to all stakeholders",)
QUARTERLY_REVIEW = ("Review at the customer's premises with senior cross-functional managers of both firms",)


def _event(
    kickoff: dt.date, name: str, kind: str, day: dt.date, owner: str, activities: tuple[str, ...]
) -> WavePhase:
    week = week_of(kickoff, day)
    return WavePhase(name, kind, week, week, day, day, owner, activities)


def wave_plan(kickoff: dt.date, reviews_months: int = 12) -> list[WavePhase]:
    """The wave's phases, milestones and reviews, then the reports and reviews after it, by date.

    ``reviews_months``: months of monthly reports (with a quarterly review every third month) after
    the wave; 0 for none.
    """
    if isinstance(kickoff, dt.datetime):
        kickoff = kickoff.date()
    if not isinstance(kickoff, dt.date):
        raise TypeError(f"kick-off date {kickoff!r} is not a date")
    if isinstance(reviews_months, bool) or not isinstance(reviews_months, int) or reviews_months < 0:
        raise ValueError(
            f"months of reports after the wave must be a whole number, 0 or more: {reviews_months!r}"
        )
    k = kickoff
    plan = [
        WavePhase(name, PHASE, first, last, week_start(k, first), week_end(k, last), owner, activities)
        for name, first, last, owner, activities in PHASES
    ]
    for name, week, n, owner, activities in MILESTONES:
        day = last_working_day(k, week) if n == LAST else nth_working_day(k, week, n)
        plan.append(_event(k, name, MILESTONE, day, owner, activities))
    plan += [
        _event(k, "Top-management review", REVIEW, last_working_day(k, week), JOINT, TOP_MANAGEMENT_REVIEW)
        for week in REVIEW_WEEKS
    ]
    end = wave_end(k)
    for month in range(1, reviews_months + 1):
        day = working_day_on_or_before(add_months(end, month))
        plan.append(_event(k, f"Monthly report {month}", REPORT, day, SUPPLIER, MONTHLY_REPORT))
        if month % 3 == 0:
            plan.append(_event(k, f"Quarterly review {month // 3}", REVIEW, day, JOINT, QUARTERLY_REVIEW))
    # by date; on one day a phase before the events in it; otherwise in the order built above
    plan.sort(key=lambda p: (p.start, p.kind != PHASE))
    return plan


def wave_table(plan: list[WavePhase]) -> pd.DataFrame:
    """The plan as a sheet table: one row per item, activities joined by '; '."""
    return pd.DataFrame(
        [(p.name, p.kind, p.weeks, p.start, p.end, p.owner, "; ".join(p.activities)) for p in plan],
        columns=list(WAVE_TABLE_COLUMNS),
    )
