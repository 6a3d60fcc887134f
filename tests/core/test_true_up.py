"""The true-up on realised value (issue 15, ``core.true_up``): worked examples computed by hand.

Contract years run from the customer's Wave start (here January 2026, so year 1 = 2026); the plan
is nominal, annual / 12 a month from the Start month for the horizon (3 years by default). A year
reported in part is compared with its plan up to the idea's last reported month.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cvm_xl.core import columns as col
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.passbook import LINE_SETTLEMENT, balances, passbook_lines
from cvm_xl.core.reconcile import DIFFERS, reconcile
from cvm_xl.core.settings import Settings
from cvm_xl.core.sharing import METHODS
from cvm_xl.core.tracking import idea_plan, month_index, month_shares
from cvm_xl.core.true_up import (
    booked_lines,
    compared_through,
    idea_true_up,
    idea_years,
    last_reported_day,
    method_transfer,
    settlement_reading,
    settlements,
    true_up_table,
    true_ups,
    wave_months,
)

WAVE = month_index(dt.date(2026, 1, 1))
NAN = float("nan")
CUSTOMERS = pd.DataFrame(
    {col.CUSTOMER_ID: ["C-1"], "Customer": ["Acme"], "Wave start": [dt.date(2026, 1, 12)]}
)


def _plan(
    supplier_annual: float, customer_annual: float, first: int = WAVE
) -> list[tuple[int, float, float]]:
    return idea_plan(first, [supplier_annual, NAN, customer_annual, NAN], month_shares(3.0))


def _ideas(**overrides: object) -> pd.DataFrame:
    """One W-W idea of +120,000 / +120,000 a year (equal split under auto), signed off, from January 2026."""
    idea = {
        col.IDEA_ID: "I-1", col.CUSTOMER_ID: "C-1", col.TITLE: "Shared stock", col.SUPPLIER_ANNUAL: 120000,
        col.CUSTOMER_ANNUAL: 120000, col.START: dt.date(2026, 1, 5), col.STATUS: "Signed off",
        col.TRUE_UP: "Yes",
    }  # fmt: skip
    idea.update(overrides)
    return evaluate_ideas(pd.DataFrame([idea]), Settings())


def _tracking(*rows: tuple[str, dt.date | None, float | None, float | None]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[col.IDEA_ID, "Month", "Supplier realised", "Customer realised"])


def test_equal_split_planned_120000_each_side_realised_90000_and_150000_in_year_1() -> None:
    """Reported in December 2026, the last month of year 1, so the whole year's plan is compared:
    planned T = (120,000 - 120,000) / 2 = 0; realised T = (90,000 - 150,000) / 2 = -30,000; the
    settlement -30,000: the customer owes the supplier 30,000 (it got more than planned)."""
    t = idea_true_up("equal", 0.5, WAVE, _plan(120000, 120000), [(WAVE + 11, 90000.0, 150000.0)])
    (year,) = t.years
    assert (year.year, year.planned_supplier, year.planned_customer) == (1, 120000.0, 120000.0)
    assert (year.planned_transfer, year.realised_transfer, year.settlement) == (0.0, -30000.0, -30000.0)
    assert t.settlement == -30000.0
    assert settlement_reading(t.settlement, "Mill", "Acme") == "Acme owes Mill 30,000"


def test_the_settlement_is_a_fourth_passbook_line_and_moves_both_balances() -> None:
    ev = _ideas()
    tracking = _tracking(
        ("I-1", dt.date(2026, 6, 1), 40000, 70000), ("I-1", dt.date(2026, 12, 20), 50000, 80000)
    )
    found = true_ups(ev, tracking, wave_months(CUSTOMERS), Settings())
    assert settlements(found) == {"I-1": -30000.0}
    lines = passbook_lines(ev, settlements(found))
    assert lines["Line"].tolist() == ["Supplier value", "Customer value", "Transfer", LINE_SETTLEMENT]
    settled = lines.iloc[3]
    assert (settled["Amount"], settled["Supplier"], settled["Customer"]) == (-30000.0, 30000.0, -30000.0)
    before, after = balances(passbook_lines(ev)), balances(lines)
    assert after.supplier == before.supplier + 30000 and after.customer == before.customer - 30000
    table = true_up_table(ev, found)
    assert table.iloc[0].tolist() == ["C-1", "I-1", "Shared stock", 1, 0.0, -30000.0, -30000.0]


def test_booked_lines_take_the_decided_transfer_and_the_two_firm_true_up() -> None:
    """A decided frame (a chain idea booked with its chain transfer, ``core.chain_decisions``) gives
    the Transfer line; the Settlement line is the true-up of the two-firm row in every case, so the
    generated books, the reports and a book read back settle alike."""
    ev = _ideas()
    tracking = _tracking(("I-1", dt.date(2026, 12, 20), 90000, 150000))
    decided = ev.assign(**{col.SPLIT_METHOD: "retain", col.TRANSFER: 7000.0})
    lines, found = booked_lines(ev, tracking, wave_months(CUSTOMERS), Settings(), decided)
    assert found == true_ups(ev, tracking, wave_months(CUSTOMERS), Settings())
    assert settlements(found) == {"I-1": -30000.0}  # the two-firm equal split, not the decided retain
    amounts = dict(zip(lines["Line"], lines["Amount"], strict=True))
    assert (amounts["Transfer"], amounts[LINE_SETTLEMENT]) == (7000.0, -30000.0)
    alone, _ = booked_lines(ev, tracking, wave_months(CUSTOMERS), Settings())
    assert alone.equals(passbook_lines(ev, settlements(found)))


def test_only_reported_years_count_and_a_part_year_is_compared_with_its_plan_to_the_last_report() -> None:
    """Plan 240,000 / 120,000 a year: planned T = (240,000 - 120,000) / 2 = 60,000 a whole year.
    The last report is March 2027 (month 3 of year 2). Year 1 lies wholly before it: its whole plan,
    planned T 60,000; realised 100,000 / 100,000, T 0; settlement -60,000. Year 2 is compared with
    January to March 2027 of its plan, 60,000 / 30,000: planned T 15,000; realised 10,000 / 10,000,
    T 0; settlement -15,000 (not -60,000: the rest of the year is not due yet). Year 3 is not
    reported: no settlement although its plan is lopsided; it keeps its whole plan (T 60,000)."""
    plan = _plan(240000, 120000)
    realised = [(WAVE + 3, 100000.0, 100000.0), (WAVE + 14, 10000.0, 10000.0)]
    t = idea_true_up("equal", 0.5, WAVE, plan, realised)
    assert [y.year for y in t.years] == [1, 2]
    assert [(y.planned_supplier, y.planned_customer) for y in t.years] == [
        (240000.0, 120000.0),
        (60000.0, 30000.0),
    ]
    assert [y.planned_transfer for y in t.years] == [60000.0, 15000.0]
    assert [y.settlement for y in t.years] == [-60000.0, -15000.0]
    assert t.settlement == -75000.0 and t.planned_transfer == 75000.0
    every = idea_years("equal", 0.5, WAVE, plan, realised)
    assert [y.reported for y in every] == [True, True, False] and every[2].settlement == 0.0
    assert every[2].planned_transfer == 60000.0
    assert [compared_through(y, WAVE, WAVE + 14) for y in range(3)] == [WAVE + 11, WAVE + 14, WAVE + 35]
    assert compared_through(1, WAVE, None) == WAVE + 23  # nothing reported: the whole year


def test_compensate_is_recomputed_year_by_year() -> None:
    """compensate: T = max(0, -Vc) - max(0, -Vs). Year 1 realised -30,000 for the customer: T 30,000;
    year 2 realised +10,000: T 0. Planned: -12,000 a year for the customer; year 1 wholly before the
    last report (January 2027) compares with all of it, T 12,000; year 2 with its first month only,
    5,000 / -1,000, T 1,000. The sum over both years is 18,000 + -1,000 = 17,000, not the 7,000 of
    the two years taken together (realised 110,000 / -20,000, T 20,000, less 13,000 planned)."""
    plan = _plan(60000, -12000)
    realised = [(WAVE, 50000.0, -30000.0), (WAVE + 12, 60000.0, 10000.0)]
    t = idea_true_up("compensate", 0.5, WAVE, plan, realised)
    assert [y.planned_transfer for y in t.years] == [12000.0, 1000.0]
    assert [y.settlement for y in t.years] == [18000.0, -1000.0]
    assert t.settlement == 17000.0
    assert method_transfer("compensate", 110000.0, -20000.0, 0.5) - 13000.0 == 7000.0


def test_months_before_the_wave_start_count_towards_year_1() -> None:
    t = idea_true_up(
        "equal", 0.5, WAVE, _plan(0, 0, WAVE - 2), [(WAVE - 2, 1000.0, 0.0), (WAVE + 11, 1000.0, 0.0)]
    )
    assert [(y.year, y.realised_supplier) for y in t.years] == [(1, 2000.0)]


def test_proportional_reads_the_ideas_share_and_a_blank_share_is_the_target() -> None:
    tracking = _tracking(("I-1", dt.date(2026, 3, 1), 100000, 0))
    waves = wave_months(CUSTOMERS)
    own = true_ups(
        _ideas(**{col.SHARING_METHOD: "proportional", col.SUPPLIER_SHARE: 0.25}), tracking, waves, Settings()
    )
    # Reported to March 2026: planned January to March, 30,000 / 30,000.
    # planned: 30,000 - 0.25 x 60,000 = 15,000; realised: 100,000 - 0.25 x 100,000 = 75,000
    assert own["I-1"].settlement == 60000.0
    target = true_ups(
        _ideas(**{col.SHARING_METHOD: "proportional"}), tracking, waves, Settings(target_supplier_share=0.6)
    )
    # planned: 30,000 - 0.6 x 60,000 = -6,000; realised: 100,000 - 0.6 x 100,000 = 40,000
    assert target["I-1"].settlement == pytest.approx(46000.0)


@pytest.mark.parametrize(
    "overrides, tracked, customers",
    [
        ({col.TRUE_UP: None}, True, CUSTOMERS),  # not marked
        ({col.TRUE_UP: "No"}, True, CUSTOMERS),
        ({col.STATUS: "Proposed"}, True, CUSTOMERS),  # not in the passbook
        ({}, False, CUSTOMERS),  # nothing reported yet
        ({}, True, CUSTOMERS.assign(**{"Wave start": [None]})),  # no contract years
    ],
)
def test_no_settlement_line_without_true_up_passbook_tracking_or_wave(overrides, tracked, customers) -> None:  # type: ignore[no-untyped-def]
    ev = _ideas(**overrides)
    rows = [("I-1", dt.date(2026, 2, 1), 1000, 5000)] if tracked else [("I-1", None, 1000, 5000)]
    found = true_ups(ev, _tracking(*rows), wave_months(customers), Settings())
    assert found == {}
    pd.testing.assert_frame_equal(passbook_lines(ev, settlements(found)), passbook_lines(ev))


def test_a_year_reported_with_blank_amounts_counts_with_zero_realised() -> None:
    found = true_ups(
        _ideas(), _tracking(("I-1", dt.date(2026, 2, 1), None, None)), wave_months(CUSTOMERS), Settings()
    )
    # Reported to February: 20,000 / 20,000 planned, 0 / 0 realised; the equal split gives T 0 either way.
    assert found["I-1"].settlement == 0.0 and found["I-1"].planned_transfer == 0.0
    lopsided = true_ups(
        _ideas(**{col.SUPPLIER_ANNUAL: 240000}), _tracking(("I-1", dt.date(2026, 2, 1), None, None)),
        wave_months(CUSTOMERS), Settings(),
    )  # fmt: skip
    # Planned January and February: 40,000 / 20,000, T (40,000 - 20,000) / 2 = 10,000; realised T 0.
    assert lopsided["I-1"].settlement == -10000.0


def test_reconcile_lists_a_settlement_that_differs() -> None:
    ev = _ideas()
    a = passbook_lines(ev, {"I-1": -30000.0})
    b = passbook_lines(ev, {"I-1": -29000.0})
    (difference,) = reconcile(a, b)
    assert (difference.idea_id, difference.line, difference.kind, difference.delta) == (
        "I-1", LINE_SETTLEMENT, DIFFERS, 1000.0,
    )  # fmt: skip
    (missing,) = reconcile(a, passbook_lines(ev))
    assert (missing.line, missing.kind) == (LINE_SETTLEMENT, "missing in B")


@given(
    method=st.sampled_from((*METHODS, "none")),
    share=st.floats(0.0, 1.0),
    offset=st.integers(-14, 30),
    horizon=st.sampled_from((1.0, 1.5, 2.25, 3.0)),
    amounts=st.lists(
        st.one_of(st.just(NAN), st.integers(-500000, 500000).map(float)), min_size=4, max_size=4
    ),
)
def test_realised_equal_to_the_plan_month_by_month_settles_nothing_at_any_time(
    method: str, share: float, offset: int, horizon: float, amounts: list[float]
) -> None:
    """Whenever the Tracking sheet has reported the plan month by month up to some month (every
    month from the Start to it, each with its planned amounts), no firm owes anything: every
    reported year, the one under way included, settles 0."""
    plan = idea_plan(WAVE + offset, amounts, month_shares(horizon))
    for k in range(1, len(plan) + 1):
        t = idea_true_up(method, share, WAVE, plan, plan[:k])
        assert t.years and all(y.settlement == 0.0 for y in t.years), (k, t)
        assert t.settlement == 0.0 and t.planned_transfer == t.realised_transfer


def test_the_last_reported_day_is_the_latest_month_of_the_ideas_rows() -> None:
    ids = ["I-1", " I-1 ", "I-2", "I-1", None]
    months = [dt.date(2026, 3, 1), dt.datetime(2026, 7, 15), dt.date(2027, 1, 1), None, dt.date(2028, 1, 1)]
    assert last_reported_day(ids, months, "I-1") == dt.date(2026, 7, 15)
    assert last_reported_day(ids, months, "I-3") is None
