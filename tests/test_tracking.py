"""Planned against realised value and the value contract, with numbers worked by hand."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from cvm_xl import Settings, evaluate_ideas
from cvm_xl.core import columns as col
from cvm_xl.core.tracking import (
    CONTRACT_COLUMNS,
    CUSTOMER_MONTH_COLUMNS,
    MONTHLY_COLUMNS,
    cumulative_by_month,
    month_start,
    plan_vs_realised,
    planned_by_month,
    realised_by_month,
    to_date,
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
    assert to_date("2025-03-15") == D(2025, 3, 15)
    assert to_date(pd.Timestamp("2025-03-15 10:00")) == D(2025, 3, 15)
    assert to_date(dt.datetime(2025, 3, 15, 8)) == D(2025, 3, 15)
    assert to_date(None) is None
    assert to_date(pd.NaT) is None
    assert month_start("2025-03-15") == D(2025, 3, 1)
    with pytest.raises(ValueError, match="not a date"):
        to_date("soon")


def test_plan_vs_realised_before_any_month_is_tracked() -> None:
    no_months = tracking().assign(Month=None)
    monthly = plan_vs_realised(evaluate_ideas(ideas(), Settings()), no_months)
    assert tuple(monthly.columns) == MONTHLY_COLUMNS
    assert monthly["Supplier realised"].isna().all()
    assert set(monthly[col.IDEA_ID]) == {"A", "E"}  # the planned ideas are still listed
