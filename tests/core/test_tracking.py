"""Planned against realised value and the value contract, with numbers worked by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvm_xl import Settings, evaluate_ideas
from cvm_xl.core import columns as col
from cvm_xl.core.cells import date as read_date
from cvm_xl.core.tracking import (
    CONTRACT_COLUMNS,
    CUSTOMER_MONTH_COLUMNS,
    CUSTOMER_REALISED,
    MET,
    MONTH,
    MONTHLY_COLUMNS,
    NO_GUARANTEE,
    OPEN,
    SHORT,
    SUPPLIER_REALISED,
    contract_status,
    contract_year,
    cumulative_by_month,
    idea_plan,
    idea_plans,
    month_date,
    month_end,
    month_index,
    month_shares,
    month_start,
    plan_start,
    plan_starts,
    plan_vs_realised,
    planned_by_month,
    realised_by_month,
    relationship_months,
    run_months,
    value_contract,
)

D = dt.date
NAN = math.nan


def ideas() -> pd.DataFrame:
    """A: signed off in mid-March 2025. B: only proposed. C: delivered, no amounts. E: another customer."""
    return pd.DataFrame(
        {
            col.IDEA_ID: ["A", "B", "C", "E"],
            col.CUSTOMER_ID: ["C-1", "C-1", "C-1", "C-2"],
            col.TITLE: ["Alpha", "Beta", "Gamma", "Epsilon"],
            col.SUPPLIER_ANNUAL: [12_000.0, 6_000.0, NAN, 1_200.0],
            col.SUPPLIER_ONE_TIME: [-3_000.0, NAN, NAN, NAN],
            col.CUSTOMER_ANNUAL: [24_000.0, 6_000.0, NAN, 2_400.0],
            col.CUSTOMER_ONE_TIME: [NAN, NAN, NAN, 500.0],
            col.START: [D(2025, 3, 15), D(2025, 3, 1), D(2025, 3, 1), D(2025, 6, 30)],
            col.STATUS: ["Signed off", "Proposed", "Delivered", "Implementing"],
        }
    )


def tracking() -> pd.DataFrame:
    return pd.DataFrame(
        {
            col.IDEA_ID: ["A", "A", "A", "B", "E", "A"],
            "Month": [D(2025, 3, 1), D(2025, 3, 20), D(2025, 4, 1), D(2025, 4, 1), D(2025, 7, 1), None],
            "Supplier realised": [500.0, 100.0, 900.0, 50.0, NAN, 1.0],
            "Customer realised": [1_500.0, 100.0, 2_100.0, 60.0, 300.0, 1.0],
            "Note": ["", "late invoice", "", "", "", "no month"],
        }
    )


def customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            col.CUSTOMER_ID: ["C-1", "C-2", "C-3"],
            "Customer": ["One", "Two", "Three"],
            "Wave start": [D(2025, 1, 13), D(2025, 6, 2), None],
            "Value guarantee": [20_000.0, NAN, 5_000.0],
        }
    )


def test_plan_spreads_annual_amounts_from_the_start_month_and_books_one_time_amounts_there() -> None:
    plan = planned_by_month(evaluate_ideas(ideas(), Settings()))
    a = plan[plan[col.IDEA_ID] == "A"]
    assert len(a) == 36  # three years of months: March 2025 to February 2028
    assert a["Month"].iloc[0] == D(2025, 3, 1)
    assert a["Month"].iloc[-1] == D(2028, 2, 1)
    assert a["Supplier planned"].iloc[0] == pytest.approx(1_000 - 3_000)
    assert a["Supplier planned"].iloc[1] == pytest.approx(1_000)
    assert a["Customer planned"].iloc[0] == pytest.approx(2_000)
    assert a["Supplier planned"].sum() == pytest.approx(12_000 * 3 - 3_000)  # = Supplier value, undiscounted
    assert set(plan[col.IDEA_ID]) == {"A", "E"}  # B is not committed, C has no amounts
    e = plan[plan[col.IDEA_ID] == "E"]
    assert e["Customer planned"].iloc[0] == pytest.approx(200 + 500)


def test_a_fractional_horizon_ends_with_a_part_month() -> None:
    plan = planned_by_month(
        evaluate_ideas(ideas(), Settings()), Settings(horizon_years=1.0 / 8)
    )  # 1.5 months
    a = plan[plan[col.IDEA_ID] == "A"]
    assert a["Month"].tolist() == [D(2025, 3, 1), D(2025, 4, 1)]
    assert a["Supplier planned"].tolist() == pytest.approx([1_000 - 3_000, 500])
    assert a["Customer planned"].sum() == pytest.approx(24_000 / 8)


def test_realised_rows_of_one_month_add_up_and_rows_without_month_are_left_out() -> None:
    realised = realised_by_month(tracking())
    assert realised.to_dict("records") == [
        {col.IDEA_ID: "A", "Month": D(2025, 3, 1), "Supplier realised": 600.0, "Customer realised": 1_600.0},
        {col.IDEA_ID: "A", "Month": D(2025, 4, 1), "Supplier realised": 900.0, "Customer realised": 2_100.0},
        {col.IDEA_ID: "B", "Month": D(2025, 4, 1), "Supplier realised": 50.0, "Customer realised": 60.0},
        {col.IDEA_ID: "E", "Month": D(2025, 7, 1), "Supplier realised": 0.0, "Customer realised": 300.0},
    ]


def test_plan_vs_realised_side_by_side() -> None:
    monthly = plan_vs_realised(evaluate_ideas(ideas(), Settings()), tracking())
    assert tuple(monthly.columns) == MONTHLY_COLUMNS
    a = monthly[monthly[col.IDEA_ID] == "A"].set_index("Month")
    assert a.loc[D(2025, 3, 1), "Supplier realised"] == 600
    assert a.loc[D(2025, 3, 1), "Supplier planned"] == pytest.approx(-2_000)
    assert math.isnan(a.loc[D(2025, 5, 1), "Supplier realised"])  # not reported yet
    b = monthly[monthly[col.IDEA_ID] == "B"]
    assert b[["Title", "Supplier planned", "Customer realised"]].values.tolist() == [["Beta", 0.0, 60.0]]
    assert monthly[col.CUSTOMER_ID].tolist()[0] == "C-1"
    assert monthly[col.CUSTOMER_ID].tolist()[-1] == "C-2"  # Ideas table order of customers


def test_cumulative_per_customer_stops_realised_after_the_last_tracked_month() -> None:
    monthly = plan_vs_realised(evaluate_ideas(ideas(), Settings()), tracking())
    cumulative = cumulative_by_month(monthly)
    assert tuple(cumulative.columns) == CUSTOMER_MONTH_COLUMNS
    one = cumulative[cumulative[col.CUSTOMER_ID] == "C-1"].set_index("Month")
    assert one.index[0] == D(2025, 3, 1)
    assert one.index[-1] == D(2028, 2, 1)
    assert len(one) == 36
    march, april, may = (one.loc[D(2025, m, 1)] for m in (3, 4, 5))
    assert march["Cumulative supplier planned"] == pytest.approx(-2_000)
    assert march["Cumulative supplier realised"] == 600
    assert april["Supplier realised"] == 950  # A 900 and B 50
    assert april["Cumulative supplier realised"] == 1_550
    assert april["Cumulative customer realised"] == 1_600 + 2_160
    assert april["Cumulative supplier planned"] == pytest.approx(-1_000)
    assert may["Cumulative supplier planned"] == pytest.approx(0)
    assert math.isnan(may["Supplier realised"])
    assert math.isnan(may["Cumulative customer realised"])
    two = cumulative[cumulative[col.CUSTOMER_ID] == "C-2"].set_index("Month")
    assert two.loc[D(2025, 6, 1), "Customer planned"] == pytest.approx(700)
    assert two.loc[D(2025, 7, 1), "Cumulative customer realised"] == 300
    assert two.loc[D(2025, 6, 1), "Customer realised"] == 0  # tracked later: this month delivered nothing
    everyone = cumulative_by_month(monthly, total=True).set_index("Month")
    assert set(everyone[col.CUSTOMER_ID]) == {"All"}
    assert everyone.loc[D(2025, 7, 1), "Cumulative customer realised"] == 1_600 + 2_160 + 300
    assert cumulative_by_month(monthly.iloc[0:0]).columns.tolist() == list(CUSTOMER_MONTH_COLUMNS)


def test_value_contract_per_year_from_the_wave_start() -> None:
    monthly = plan_vs_realised(evaluate_ideas(ideas(), Settings()), tracking())
    contract = value_contract(customers(), monthly)
    assert tuple(contract.columns) == CONTRACT_COLUMNS
    one = contract[contract[col.CUSTOMER_ID] == "C-1"]
    assert one["Year"].tolist() == [1, 2, 3, 4]
    first = one.iloc[0]
    assert (first["From"], first["To"]) == (D(2025, 1, 1), D(2025, 12, 31))
    assert first["Customer planned"] == pytest.approx(10 * 2_000)  # March to December
    assert first["Delivered"] == 1_600 + 2_100 + 60
    assert first["Shortfall"] == 20_000 - 3_760
    assert first["Status"] == "Open"  # the year is not over by the last tracked month (April)
    assert one.iloc[3]["Customer planned"] == pytest.approx(2 * 2_000)  # January and February 2028
    two = contract[contract[col.CUSTOMER_ID] == "C-2"].iloc[0]
    assert (two["Status"], math.isnan(two["Shortfall"])) == ("No guarantee", True)
    assert "C-3" not in set(contract[col.CUSTOMER_ID])  # no Wave start: no contract years


def test_value_contract_status_as_of_a_date() -> None:
    monthly = plan_vs_realised(evaluate_ideas(ideas(), Settings()), tracking())
    after = value_contract(customers(), monthly, as_of=D(2026, 1, 31))
    assert after.iloc[0]["Status"] == "Short"
    assert after.iloc[1]["Status"] == "Open"
    generous = customers().assign(**{"Value guarantee": [3_000.0, NAN, NAN]})
    assert value_contract(generous, monthly).iloc[0]["Status"] == "Met"
    assert value_contract(generous, monthly).iloc[0]["Shortfall"] == 0


def test_dates_as_users_write_them() -> None:
    # Tracking reads dates with the one cell parser: ISO text, date cells, pandas' timestamps.
    assert read_date("2025-03-15") == D(2025, 3, 15)
    assert read_date(pd.Timestamp("2025-03-15 10:00")) == D(2025, 3, 15)
    assert read_date(dt.datetime(2025, 3, 15, 8)) == D(2025, 3, 15)
    assert read_date(None) is None
    assert read_date(pd.NaT) is None
    assert month_start("2025-03-15") == D(2025, 3, 1)
    with pytest.raises(ValueError, match="not a date"):
        read_date("soon")


def test_plan_vs_realised_before_any_month_is_tracked() -> None:
    no_months = tracking().assign(Month=None)
    monthly = plan_vs_realised(evaluate_ideas(ideas(), Settings()), no_months)
    assert tuple(monthly.columns) == MONTHLY_COLUMNS
    assert monthly["Supplier realised"].isna().all()
    assert set(monthly[col.IDEA_ID]) == {"A", "E"}  # the planned ideas are still listed


# --- the vectorised forms are the plain forms, to the last bit --------------------------------------

amount = st.one_of(
    st.just(NAN), st.floats(-1e7, 1e7, allow_nan=False), st.integers(-50_000, 200_000).map(float)
)
cell_amount = st.one_of(amount, st.sampled_from([math.inf, -math.inf]))  # a typed infinity is kept
day = st.dates(min_value=D(2024, 1, 1), max_value=D(2029, 12, 31))
status = st.sampled_from(["Signed off", " implementing ", "Delivered", "Selected", "Proposed", None, ""])
horizon = st.sampled_from([0.0, 1.0 / 8, 0.5, 1.0, 2.5, 3.0, 4.25])


def _bits(months: dict[int, list[float]]) -> list[tuple[int, str, str]]:
    """Months in their order with their sums as hex: equal only when equal to the last bit (and sign)."""
    return [(m, s.hex(), c.hex()) for m, (s, c) in months.items()]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(status, st.one_of(st.none(), day), st.tuples(amount, amount, amount, amount))), horizon
)
def test_plan_starts_and_idea_plans_are_the_plain_rules_idea_after_idea(ideas, horizon_years) -> None:
    statuses = [s for s, _, _ in ideas]
    starts = [d for _, d, _ in ideas]
    amounts = [np.array([a[k] for *_, a in ideas], dtype=float) for k in range(4)]
    firsts = plan_starts(statuses, starts, amounts)
    plain = [plan_start(s, d, a) for s, d, a in ideas]
    assert firsts.tolist() == [-1 if f is None else f for f in plain]
    shares = month_shares(horizon_years)
    assert math.fsum(shares) == pytest.approx(horizon_years * 12)
    picked = np.flatnonzero(firsts >= 0)
    months, supplier, customer = idea_plans(firsts[picked], [a[picked] for a in amounts], shares)
    expected = [row for i in picked.tolist() for row in idea_plan(plain[i], ideas[i][2], shares)]
    got = list(zip(months.tolist(), supplier.tolist(), customer.tolist(), strict=True))
    assert [(m, s.hex(), c.hex()) for m, s, c in got] == [(m, s.hex(), c.hex()) for m, s, c in expected]


idea_row = st.tuples(
    st.integers(-1, 3),  # owner code; -1: a row of no relationship
    st.sampled_from(["I-1", "I-2", "I-3", " I-4", "I-5", None]),
    status,
    st.one_of(st.none(), day),
    st.tuples(cell_amount, cell_amount, cell_amount, cell_amount),
)
tracking_row = st.tuples(
    st.integers(-1, 3),
    st.sampled_from(["I-1", "I-2", "I-3", "I-4 ", "I-6", None]),
    st.one_of(st.none(), day, day.map(lambda d: pd.Timestamp(d))),
    cell_amount,
    cell_amount,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(idea_row, max_size=14), st.lists(tracking_row, max_size=20), horizon, st.booleans())
def test_run_months_is_relationship_months_of_each_relationship_to_the_bit(
    ideas, tracked, horizon_years, as_objects
) -> None:
    """What a generation run computes for all customers at once (``run_months``) is, per customer,
    what ``relationship_months`` computes from the customer's own rows: same months, same order, same
    bits. Amounts come as float arrays or (``as_objects``) as cells with None for blank."""

    def amounts_column(values: list[float]) -> np.ndarray:
        if as_objects:
            return np.array([None if math.isnan(v) else v for v in values], dtype=object)
        return np.array(values, dtype=float)

    idea_owner = np.array([r[0] for r in ideas], dtype=np.int64)
    idea_columns = {
        col.IDEA_ID: np.array([r[1] for r in ideas], dtype=object),
        col.STATUS: np.array([r[2] for r in ideas], dtype=object),
        col.START: np.array([r[3] for r in ideas], dtype=object),
        **{name: amounts_column([r[4][k] for r in ideas]) for k, name in enumerate(col.VALUE_INPUTS)},
    }
    tracking_owner = np.array([r[0] for r in tracked], dtype=np.int64)
    tracking_columns = {
        col.IDEA_ID: np.array([r[1] for r in tracked], dtype=object),
        MONTH: np.array([r[2] for r in tracked], dtype=object),
        SUPPLIER_REALISED: amounts_column([r[3] for r in tracked]),
        CUSTOMER_REALISED: amounts_column([r[4] for r in tracked]),
    }
    planned, realised = run_months(idea_owner, idea_columns, tracking_owner, tracking_columns, horizon_years)
    for owner in range(4):
        own_ideas = {n: v[idea_owner == owner].tolist() for n, v in idea_columns.items()}
        own_tracking = {n: v[tracking_owner == owner].tolist() for n, v in tracking_columns.items()}
        plain_planned, plain_realised = relationship_months(own_ideas, own_tracking, horizon_years)
        assert _bits(planned.of(owner)) == _bits(plain_planned), owner
        assert _bits(realised.of(owner)) == _bits(plain_realised), owner
    assert planned.of(None) == {} and realised.of(99) == {}


@given(st.integers(12, 12 * 9999 - 2))  # January of year 1 to November 9999
def test_month_index_and_month_date_are_inverse(index) -> None:
    assert month_index(month_date(index)) == index
    assert month_end(index) + dt.timedelta(days=1) == month_date(index + 1)


def test_the_contract_status_rule() -> None:
    """Met as soon as delivered reaches the guarantee; Short only once the year is over."""
    end = D(2025, 12, 31)
    assert contract_status(NAN, 5.0, end, None)[1] == NO_GUARANTEE
    assert math.isnan(contract_status(NAN, 5.0, end, None)[0])
    assert contract_status(100.0, 100.0, end, None) == (0.0, MET)
    assert contract_status(100.0, 60.0, end, D(2025, 11, 30)) == (40.0, OPEN)
    assert contract_status(100.0, 60.0, end, end) == (40.0, SHORT)
    assert contract_status(100.0, 60.0, end, None) == (40.0, OPEN)
    assert contract_year(month_index(D(2024, 11, 1)), month_index(D(2025, 1, 1))) == 0  # before the wave
    assert contract_year(month_index(D(2026, 1, 1)), month_index(D(2025, 1, 1))) == 1
