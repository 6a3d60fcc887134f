"""The 12-week wave plan with real dates, worked by hand on a calendar (SPEC §3.7)."""

from __future__ import annotations

import datetime as dt

import pytest

from cvm_xl.core.wave import (
    MILESTONE,
    PHASE,
    REPORT,
    REVIEW,
    WAVE_TABLE_COLUMNS,
    WavePhase,
    wave_end,
    wave_plan,
    wave_table,
    week_of,
    week_start,
    working_day_on_or_before,
)

D = dt.date
KICKOFF = D(2025, 3, 3)  # a Monday


def by_name(plan: list[WavePhase]) -> dict[str, WavePhase]:
    return {p.name: p for p in plan}


def test_phases_follow_the_twelve_weeks() -> None:
    plan = by_name(wave_plan(KICKOFF))
    expected = {
        "Internal preparation": ("0", D(2025, 3, 3), D(2025, 3, 9), "Supplier"),
        "Customer buy-in": ("0", D(2025, 3, 3), D(2025, 3, 9), "Joint"),
        "Understand the value chain and set KPIs": ("1–3", D(2025, 3, 10), D(2025, 3, 30), "Joint"),
        "Idea generation": ("4", D(2025, 3, 31), D(2025, 4, 6), "Joint"),
        "Evaluate ideas": ("5–6", D(2025, 4, 7), D(2025, 4, 20), "Joint"),
        "Implementation planning and sign-off": ("7–8", D(2025, 4, 21), D(2025, 5, 4), "Joint"),
        "Tracking and review": ("9–12", D(2025, 5, 5), D(2025, 6, 1), "Joint"),
    }
    for name, (weeks, start, end, owner) in expected.items():
        p = plan[name]
        assert (p.kind, p.weeks, p.start, p.end, p.owner) == (PHASE, weeks, start, end, owner), name
        assert p.activities
    assert plan["Tracking and review"].days == 28
    assert wave_end(KICKOFF) == D(2025, 6, 1)


def test_meetings_on_working_days() -> None:
    plan = wave_plan(KICKOFF)
    named = by_name(plan)
    assert named["Kick-off meeting"].start == D(2025, 3, 7)  # Friday of week 0
    assert named["Internal role-play workshop"].start == D(2025, 3, 31)  # Monday of week 4
    assert named["Internal role-play workshop"].owner == "Supplier"
    assert named["Joint idea workshop"].start == D(2025, 4, 2)  # Wednesday of week 4, after the role-play
    assert named["Sign-off"].start == D(2025, 5, 2)  # Friday of week 8
    reviews = [p for p in plan if p.name == "Top-management review"]
    assert [(p.start, p.weeks) for p in reviews] == [
        (D(2025, 4, 4), "4"),
        (D(2025, 5, 2), "8"),
        (D(2025, 5, 30), "12"),
    ]
    for p in plan:
        if p.kind != PHASE:
            assert p.start == p.end
            assert p.start.weekday() < 5, p


def test_monthly_reports_and_quarterly_reviews_for_a_year() -> None:
    plan = wave_plan(KICKOFF)
    reports = [p for p in plan if p.kind == REPORT]
    assert len(reports) == 12
    # one calendar month after another from the wave's last day (1 June 2025); weekends move to Friday
    assert [p.start for p in reports[:5]] == [
        D(2025, 7, 1),
        D(2025, 8, 1),
        D(2025, 9, 1),
        D(2025, 10, 1),
        D(2025, 10, 31),
    ]
    assert reports[7].start == D(2026, 1, 30)  # 1 February 2026 is a Sunday
    assert reports[-1].start == D(2026, 6, 1)
    quarterly = [p for p in plan if p.name.startswith("Quarterly review")]
    assert [p.start for p in quarterly] == [D(2025, 9, 1), D(2025, 12, 1), D(2026, 2, 27), D(2026, 6, 1)]
    assert all(p.kind == REVIEW and p.owner == "Joint" for p in quarterly)
    assert reports[0].weeks == "17"
    short = wave_plan(KICKOFF, reviews_months=2)
    assert [p.name for p in short if p.kind in (REPORT,) or p.name.startswith("Quarterly")] == [
        "Monthly report 1",
        "Monthly report 2",
    ]
    assert not [p for p in wave_plan(KICKOFF, reviews_months=0) if p.kind == REPORT]


def test_a_midweek_kickoff() -> None:
    kickoff = D(2025, 1, 1)  # a Wednesday: weeks run Wednesday to Tuesday
    named = by_name(wave_plan(kickoff, reviews_months=0))
    assert (named["Internal preparation"].start, named["Internal preparation"].end) == (
        D(2025, 1, 1),
        D(2025, 1, 7),
    )
    assert named["Kick-off meeting"].start == D(2025, 1, 7)  # Tuesday, the last working day of week 0
    assert named["Internal role-play workshop"].start == D(2025, 1, 29)
    assert named["Joint idea workshop"].start == D(2025, 1, 31)  # Wed, Thu, Fri: third working day
    assert named["Sign-off"].start == D(2025, 3, 4)


def test_a_weekend_kickoff_still_meets_on_working_days() -> None:
    plan = wave_plan(D(2025, 3, 8))  # a Saturday
    named = by_name(plan)
    assert named["Internal role-play workshop"].start == D(2025, 4, 7)  # Monday after the week-4 weekend
    assert named["Kick-off meeting"].start == D(2025, 3, 14)
    assert all(p.start.weekday() < 5 for p in plan if p.kind in (MILESTONE, REVIEW, REPORT))


def test_plan_is_in_date_order() -> None:
    plan = wave_plan(KICKOFF)
    assert [p.start for p in plan] == sorted(p.start for p in plan)
    assert plan[0].name == "Internal preparation"


def test_week_helpers() -> None:
    assert week_start(KICKOFF, 0) == KICKOFF
    assert week_start(KICKOFF, 12) == D(2025, 5, 26)
    assert week_of(KICKOFF, D(2025, 3, 9)) == 0
    assert week_of(KICKOFF, D(2025, 3, 10)) == 1
    assert week_of(KICKOFF, D(2025, 3, 2)) == -1
    assert working_day_on_or_before(D(2025, 3, 9)) == D(2025, 3, 7)
    assert working_day_on_or_before(D(2025, 3, 7)) == D(2025, 3, 7)


def test_datetime_is_accepted_and_bad_input_is_refused() -> None:
    assert wave_plan(dt.datetime(2025, 3, 3, 9, 30)) == wave_plan(KICKOFF)
    with pytest.raises(TypeError, match="not a date"):
        wave_plan("2025-03-03")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="0 or more"):
        wave_plan(KICKOFF, reviews_months=-1)


def test_table() -> None:
    table = wave_table(wave_plan(KICKOFF, reviews_months=3))
    assert tuple(table.columns) == WAVE_TABLE_COLUMNS
    assert table.iloc[0].tolist()[:6] == [
        "Internal preparation",
        "Phase",
        "0",
        D(2025, 3, 3),
        D(2025, 3, 9),
        "Supplier",
    ]
    assert "customer account manager" in table.iloc[0]["Activities"]
    assert len(table) == 7 + 4 + 3 + 3 + 1
