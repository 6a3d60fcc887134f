"""KPI series of an objective: baseline, target and readings (issue 14, core.kpis)."""

from __future__ import annotations

import datetime as dt

import pytest

from cvm_xl.core.kpis import NO_TARGET_NUMBER, kpi_series, objective_key, target_number


def test_target_numbers_through_the_one_cell_parser() -> None:
    assert target_number("0.5%") == 0.005
    assert target_number("<= 2") == 2.0
    assert target_number("≥ 95%") == 0.95
    assert target_number(12) == 12.0
    assert target_number("below 2 days") is None
    assert target_number(None) is None


def test_series_per_objective_in_order() -> None:
    objectives = [
        ("Scrap rate on wide coils", "% of tonnage", 0.021, "0.9%"),
        ("On-time delivery", "% of orders", 0.82, "above 95% by Q4"),
        (None, None, None, None),  # an unused line
    ]
    readings = [
        (" scrap RATE on wide coils", "2026-08-15", "1.6%"),
        ("Scrap rate on wide coils", dt.date(2026, 9, 1), 0.012),
        ("Scrap rate on wide coils", "2026-08-01", 0.015),  # listed last for August: the correction
        ("Unknown", "2026-08-01", 1),
        ("On-time delivery", None, 0.9),  # no month: left out
    ]
    scrap, delivery = kpi_series(objectives, readings)
    assert scrap.readings == ((dt.date(2026, 8, 1), 0.015), (dt.date(2026, 9, 1), 0.012))
    assert (scrap.baseline, scrap.note) == (0.021, None) and scrap.target == pytest.approx(0.009)
    assert delivery.readings == () and delivery.target is None and delivery.note == NO_TARGET_NUMBER
    assert objective_key("  On-time   Delivery ") == objective_key("on-time delivery")
