"""The sample's continuing journey (issue 14): C-AUT's reviews are held up to October 2026 and the November
report was not reviewed, so as of 2026-12-01 one review is overdue and the next one due; its objectives carry
a baseline and monthly KPI readings for 2026, one of them out of bounds."""

from __future__ import annotations

import datetime as dt

import pytest

from cvm_xl.core import cells
from cvm_xl.core.kpis import kpi_series
from cvm_xl.core.reviews import DUE, HELD, OVERDUE, customer_reviews, held_by_customer
from cvm_xl.readiness import tables as rt
from cvm_xl.sample import sample_tables

D = dt.date


@pytest.fixture(scope="module")
def tables():
    return sample_tables()


def _kickoff(tables, cid: str) -> dt.date:
    customers = tables["Customers"].set_index(rt.CUSTOMER_ID)
    return customers.loc[cid, "Wave start"]


def test_c_aut_reviews_held_one_overdue_one_due(tables) -> None:
    held = held_by_customer(tables[rt.REVIEWS_SHEET])
    assert [r.review_id for r in held["C-AUT"]] == [f"R-AUT-0{i}" for i in range(1, 10)]
    found = customer_reviews(_kickoff(tables, "C-AUT"), held["C-AUT"], D(2026, 12, 1))
    past = [p for p in found.planned if p.date <= D(2026, 12, 1)]
    assert [p.status for p in past].count(HELD) == len(past) - 1  # every one held but November's
    assert found.next is not None
    assert (found.next.name, found.next.date, found.next.status) == (
        "Monthly report 7",
        D(2026, 11, 12),
        OVERDUE,
    )
    after = [p for p in found.planned if p.date > D(2026, 12, 1)]
    assert after[0].name == "Monthly report 8" and {p.status for p in after} == {DUE}
    assert found.last is not None and found.last.review_id == "R-AUT-09"
    # every review of the sample serves a planned review of its customer (none falls outside its window)
    used = {p.held.review_id for p in found.planned if p.held is not None}
    assert used == {r.review_id for r in held["C-AUT"]}


def test_c_aut_objectives_have_baselines_and_2026_readings(tables) -> None:
    objectives = tables[rt.OBJECTIVES_SHEET]
    aut = objectives[(objectives[rt.CUSTOMER_ID] == "C-AUT") & ~objectives[rt.OUT_OF_BOUNDS]]
    readings = tables[rt.KPI_SHEET]
    own = readings[readings[rt.CUSTOMER_ID] == "C-AUT"]
    series = kpi_series(
        list(zip(aut[rt.OBJECTIVE], aut[rt.MEASURE], aut["Baseline"], aut[rt.TARGET], strict=True)),
        list(zip(own[rt.OBJECTIVE], own["Month"], own["Value"], strict=True)),
    )
    assert len(series) == 4 and all(s.baseline is not None for s in series)
    for s in series:
        assert [month for month, _ in s.readings] == [D(2026, m, 1) for m in range(2, 12)], s.objective
        assert s.readings[0][1] == s.baseline  # the first reading is the baseline month
    assert [s.target for s in series] == [0.45, 6, None, 0.045]  # 'below 14 days' holds no number
    secret = objectives[objectives[rt.OUT_OF_BOUNDS]]
    assert secret[rt.OBJECTIVE].tolist() == ["Margin on the Orvane account"]
    assert cells.text(secret[rt.CUSTOMER_ID].iloc[0]) == "C-AUT"
