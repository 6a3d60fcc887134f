"""Planned reviews of the wave plan against the reviews held (issue 14, core.reviews), worked by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest

from cvm_xl.core.reviews import (
    DUE,
    HELD,
    MONTHLY,
    OVERDUE,
    QUARTERLY,
    WAVE_REVIEW,
    CustomerReviews,
    HeldReview,
    by_kick_off,
    customer_reviews,
    customer_wave_reviews,
    first_review,
    held_by_customer,
    held_reviews,
    is_held,
    last_held,
    next_review,
    parse_review_kind,
    planned_reviews,
    review_status,
    reviews_until,
    wave_items,
)
from cvm_xl.core.waves import Wave

D = dt.date
KICKOFF = D(2026, 1, 12)  # a Monday: week 4 ends Sun 2026-02-15, the wave on Sun 2026-04-12


def test_the_plans_reviews_and_their_kinds() -> None:
    planned = planned_reviews(KICKOFF, 3)
    assert planned[:3] == [
        ("Top-management review", MONTHLY, D(2026, 2, 13)),  # Friday of week 4
        ("Top-management review", MONTHLY, D(2026, 3, 13)),  # Friday of week 8
        ("Top-management review", WAVE_REVIEW, D(2026, 4, 10)),  # Friday of week 12
    ]
    assert [kind for _, kind, _ in planned[3:]] == [MONTHLY, MONTHLY, MONTHLY, QUARTERLY]
    assert planned[-2][2] == planned[-1][2] == D(2026, 7, 10)  # report 3 and quarterly review 1, same day


def test_held_within_the_window_due_and_overdue() -> None:
    planned = planned_reviews(KICKOFF, 3)
    held = [
        HeldReview("R1", D(2026, 2, 20), MONTHLY, "Go for the SKU cut"),  # 7 days after week 4's review
        HeldReview("R2", D(2026, 4, 30), WAVE_REVIEW, "Wave 1 closed"),  # 20 days late: outside ±14
        HeldReview("R3", D(2026, 7, 1), QUARTERLY, "Crane approved"),  # 9 days early: within ±30
    ]
    got = review_status(planned, held, D(2026, 7, 15))
    status = [(p.kind, p.date, p.status, p.held.review_id if p.held else None) for p in got]
    assert status == [
        (MONTHLY, D(2026, 2, 13), HELD, "R1"),
        (MONTHLY, D(2026, 3, 13), OVERDUE, None),  # its window closed on 2026-03-27
        (WAVE_REVIEW, D(2026, 4, 10), OVERDUE, None),
        (MONTHLY, D(2026, 5, 12), OVERDUE, None),
        (MONTHLY, D(2026, 6, 12), OVERDUE, None),
        (MONTHLY, D(2026, 7, 10), HELD, "R3"),  # a quarterly review serves as that month's report
        (QUARTERLY, D(2026, 7, 10), HELD, "R3"),
    ]
    # As of 2026-03-20 the week-8 review is still within its window: due, not overdue.
    early = review_status(planned, held, D(2026, 3, 20))
    assert early[1].status == DUE
    assert early[5].status == DUE  # R3 lies after the as-of date: not held yet


def test_one_held_review_serves_one_planned_review_of_a_kind() -> None:
    planned = [("a", MONTHLY, D(2026, 5, 1)), ("b", MONTHLY, D(2026, 5, 10))]
    held = [HeldReview("R", D(2026, 5, 6), MONTHLY)]
    got = review_status(planned, held, D(2026, 6, 30))
    assert [p.status for p in got] == [HELD, OVERDUE]


def test_next_review_and_last_held() -> None:
    held = [HeldReview("R1", D(2026, 2, 20), MONTHLY, "A"), HeldReview("R2", D(2026, 3, 12), MONTHLY, "B")]
    found = customer_reviews(KICKOFF, held, D(2026, 3, 31))
    assert found.next is not None and (found.next.kind, found.next.date) == (WAVE_REVIEW, D(2026, 4, 10))
    assert found.last == held[1]
    assert last_held(held, D(2026, 3, 1)) == held[0]
    assert next_review([]) is None
    # the plan reaches past the as-of date
    late = customer_reviews(KICKOFF, [], D(2028, 6, 1))
    assert late.next is not None and late.planned[-1].date > D(2028, 6, 1)
    assert customer_reviews(None, held, D(2026, 3, 31)).planned == []


def test_kinds_and_rows() -> None:
    assert parse_review_kind(" quarterly review ") == QUARTERLY
    assert parse_review_kind("wave") == WAVE_REVIEW
    assert parse_review_kind(None) is None
    with pytest.raises(ValueError):
        parse_review_kind("Weekly")
    rows = held_reviews(["R1", "R2", "R3"], ["2026-02-20", None, D(2026, 3, 1)], ["Monthly", "Monthly", "x"],
                        ["Go", None, None])  # fmt: skip
    assert rows == [HeldReview("R1", D(2026, 2, 20), MONTHLY, "Go")]


def test_held_on_or_before_the_as_of_date_only() -> None:
    assert is_held(D(2026, 3, 1), D(2026, 3, 1)) and is_held("2026-02-28", D(2026, 3, 1))
    assert not is_held(D(2026, 3, 2), D(2026, 3, 1))  # planned for later: not held yet
    assert not is_held(None, D(2026, 3, 1)) and not is_held("soon", D(2026, 3, 1))


def test_reviews_table_grouped_by_customer() -> None:
    table = pd.DataFrame(
        {
            "Review ID": ["R1", "R2", "R3", "R4", "R5"],
            "Customer ID": [" C1", "C2", "C1", None, "C2"],
            "Date": [D(2026, 2, 13), D(2026, 4, 3), "2026-03-13", D(2026, 1, 1), None],
            "Kind": ["Monthly", "wave", "Quarterly review", "Monthly", "Monthly"],
            "Decisions": ["Go", None, "Crane", None, None],
        }
    )
    c1 = [
        HeldReview("R1", D(2026, 2, 13), MONTHLY, "Go"),
        HeldReview("R3", D(2026, 3, 13), QUARTERLY, "Crane"),
    ]
    # R4 has no customer and R5 no date: left out
    assert held_by_customer(table) == {"C1": c1, "C2": [HeldReview("R2", D(2026, 4, 3), WAVE_REVIEW)]}
    assert held_by_customer(None) == {} and held_by_customer(table.drop(columns="Kind")) == {}
    # As of 2026-03-01, C1's review of 2026-03-13 is not held yet: the last held is R1.
    found = customer_reviews(KICKOFF, held_by_customer(table)["C1"], D(2026, 3, 1))
    assert found.last is not None and found.last.review_id == "R1"
    assert found.next is not None and (found.next.date, found.next.status) == (D(2026, 3, 13), DUE)


# --- several waves (core.reviews: the next wave takes over at its first review) --------------------

WAVE_2 = D(2026, 10, 5)  # a Monday: its week-4 review is Friday 2026-11-06


def _waves() -> list[Wave]:
    return [Wave(1, KICKOFF), Wave(2, WAVE_2, "Hanna Berg", "Running", 1)]


def test_a_customer_with_one_wave_gets_exactly_the_plan_of_its_kick_off() -> None:
    held = [HeldReview("R1", D(2026, 2, 20), MONTHLY, "A"), HeldReview("R2", D(2026, 7, 1), QUARTERLY, "B")]
    for as_of in (D(2026, 3, 1), D(2026, 12, 1), D(2028, 5, 17)):
        one = customer_wave_reviews([Wave(1, KICKOFF)], held, as_of)
        today = customer_reviews(KICKOFF, held, as_of)
        assert [replace(p, wave=None) for p in one.planned] == today.planned
        assert {p.wave for p in one.planned} == {1}
        assert one.last == today.last and one.next is not None and today.next is not None
        assert replace(one.next, wave=None) == today.next
    assert customer_wave_reviews([], held, D(2026, 12, 1)) == CustomerReviews([], None, held[1])


def test_the_next_wave_takes_over_at_its_first_review() -> None:
    # Worked by hand (the sample's C-AUT): wave 2 kicks off on 2026-10-05, its first review is on
    # Friday 2026-11-06, so wave 1 keeps its reports up to October's (2026-10-12, with the second
    # quarterly review) and drops November's; wave 2 plans from its week-4 review on.
    assert first_review(WAVE_2) == D(2026, 11, 6)
    assert reviews_until(_waves()) == {1: D(2026, 11, 6), 2: None}
    held = [
        HeldReview("R9", D(2026, 10, 13), QUARTERLY, "Crane late"),  # a week after wave 2's kick-off
        HeldReview("R10", D(2026, 12, 3), MONTHLY, "Wave 2 ideas signed off"),
    ]
    found = customer_wave_reviews(_waves(), held, D(2026, 12, 10))
    got = [(p.wave, p.name, p.date, p.status, p.held.review_id if p.held else None) for p in found.planned]
    wave_1 = [g for g in got if g[0] == 1]
    assert wave_1[-2:] == [
        (1, "Monthly report 6", D(2026, 10, 12), HELD, "R9"),  # still wave 1's: before 2026-11-06
        (1, "Quarterly review 2", D(2026, 10, 12), HELD, "R9"),
    ]
    assert all(day < D(2026, 11, 6) for _, _, day, _, _ in wave_1)
    assert [g for g in got if g[0] == 2][:4] == [
        (2, "Top-management review", D(2026, 11, 6), OVERDUE, None),  # window closed on 2026-11-20
        (2, "Top-management review", D(2026, 12, 4), HELD, "R10"),
        (2, "Top-management review", D(2027, 1, 1), DUE, None),  # the Wave review of wave 2
        (2, "Monthly report 1", D(2027, 2, 3), DUE, None),
    ]
    # the next review is the earliest not held of any wave (wave 1's reviews before R9 were not held)
    assert found.next is not None and (found.next.wave, found.next.date) == (1, D(2026, 2, 13))
    assert found.last == held[1]
    # the last wave's reports run past the as-of date, as for one wave
    assert max(p.date for p in found.planned) > D(2027, 12, 1)


def test_waves_follow_one_another_by_kick_off() -> None:
    # numbered out of order (a warning of validation): the plans still follow the kick-offs
    swapped = [Wave(1, WAVE_2), Wave(2, KICKOFF, position=0)]
    assert [w.number for w in by_kick_off(swapped)] == [2, 1]
    assert reviews_until(swapped) == {2: D(2026, 11, 6), 1: None}
    plan = wave_items(KICKOFF, D(2026, 11, 6), 12)
    assert [p.name for p in plan if p.start >= D(2026, 11, 6)] == []
    assert len(wave_items(KICKOFF, None, 12)) - len(plan) == 8  # reports 7-12, quarterly reviews 3-4
