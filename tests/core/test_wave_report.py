"""Reports per wave (issue 14): ``core.wave_report`` on the sample and as a property."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from cvm_xl.core import columns as col
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.selection import rank_for_sign_off
from cvm_xl.core.wave_report import (
    AMOUNTS,
    COUNTS,
    GO_IDEAS,
    IDEAS,
    PLANNED_NET,
    RAW_IDEAS,
    REALISED,
    SELECTED,
    SIGNED_OR_LATER,
    WAVE_REPORT_COLUMNS,
    IdeaWaves,
    wave_report,
    wave_title,
)
from cvm_xl.core.waves import KICK_OFF, WAVE, WAVE_STATUS, customer_waves, row_waves
from cvm_xl.sample import sample_settings, sample_tables

DEMO_AS_OF = dt.date(2026, 12, 1)


def _sample_report(as_of: dt.date) -> pd.DataFrame:
    tables = sample_tables()
    settings = sample_settings()
    ideas = evaluate_ideas(tables["Ideas"], settings)
    ideas = ideas[~ideas[col.OUT_OF_BOUNDS].map(bool)] if col.OUT_OF_BOUNDS in ideas.columns else ideas
    known = customer_waves(tables["Customers"], tables["Waves"])
    waves = row_waves(ideas, known, as_of)
    ranking = rank_for_sign_off(ideas, settings, waves=waves)
    return wave_report(
        IdeaWaves(ideas, waves, ranking.rank.tolist(), [int(w) or None for w in ranking.wave]),
        tables["Workshop"],
        row_waves(tables["Workshop"], known, as_of),
        tables["Tracking"],
        known,
        tables["Customers"][col.CUSTOMER_ID].tolist(),
        as_of,
    )


def test_the_automotive_customer_s_two_waves_on_the_demo_day():
    report = _sample_report(DEMO_AS_OF)
    assert list(report.columns) == list(WAVE_REPORT_COLUMNS)
    aut = report[report[col.CUSTOMER_ID] == "C-AUT"].set_index(WAVE)
    assert aut.index.tolist() == [1, 2]
    assert aut.loc[1, KICK_OFF] == dt.date(2026, 1, 12) and aut.loc[1, WAVE_STATUS] == "Tracking"
    assert aut.loc[2, KICK_OFF] == dt.date(2026, 10, 5) and aut.loc[2, WAVE_STATUS] == "Running"
    # The sample is worked through row by row: each wave's figures are its own rows'.
    tables = sample_tables()
    ideas = evaluate_ideas(tables["Ideas"], sample_settings())
    mine = ideas[(ideas[col.CUSTOMER_ID] == "C-AUT") & ~ideas[col.OUT_OF_BOUNDS].map(bool)]
    in_2 = mine[col.IDEA_ID].isin(["AUT-18", "AUT-19", "AUT-20", "AUT-21"]) | (mine[WAVE] == 2)
    two = aut.loc[2]
    assert two[IDEAS] == in_2.sum() and two[IDEAS] >= 3
    # Wave 2's Go ideas are on wave 2's own sign-off list (ranked from 1 there, not cut by wave 1's).
    assert two[SELECTED] == two[GO_IDEAS] >= 3
    assert two[REALISED] == 0.0  # kicked off in October: nothing realised yet
    one = aut.loc[1]
    assert one[IDEAS] == (~in_2).sum() and one[SIGNED_OR_LATER] > two[SIGNED_OR_LATER]
    assert one[RAW_IDEAS] > two[RAW_IDEAS] > 0
    # Wave 1 has run for months: its signed ideas plan value and tracking has realised some.
    assert one[PLANNED_NET] > 0 and one[REALISED] != 0.0
    # The other customers have one wave each.
    assert report[report[col.CUSTOMER_ID] != "C-AUT"][WAVE].tolist() == [1, 1, 1]


def test_before_wave_2_kicks_off_a_blank_wave_is_wave_1():
    report = _sample_report(dt.date(2026, 9, 1))
    aut = report[report[col.CUSTOMER_ID] == "C-AUT"].set_index(WAVE)
    # Whatever wave a blank cell is read as, the two waves' ideas together are the customer's.
    ideas = sample_tables()["Ideas"]
    assert aut[IDEAS].sum() == (ideas[col.CUSTOMER_ID] == "C-AUT").sum() - _out_of_bounds("C-AUT")


def _out_of_bounds(customer: str) -> int:
    ideas = evaluate_ideas(sample_tables()["Ideas"], sample_settings())
    if col.OUT_OF_BOUNDS not in ideas.columns:
        return 0
    return int((ideas[col.OUT_OF_BOUNDS].map(bool) & (ideas[col.CUSTOMER_ID] == customer)).sum())


def test_wave_title():
    assert wave_title(2, dt.date(2026, 10, 5)) == "wave 2 (kicked off 2026-10-05)"
    assert wave_title(3, None) == "wave 3"


# --- the figures add up -------------------------------------------------------------------------------

KICK_OFFS = {1: dt.date(2026, 1, 5), 2: dt.date(2026, 6, 1), 3: dt.date(2027, 1, 4)}
CODES = ("GO_PRIORITY", "GO", "NO_GO", "SHELVE")
STATUSES = (None, "Proposed", "Selected", "Signed off", "Implementing", "Delivered", "Dropped")
idea_rows = st.tuples(
    st.sampled_from(("A", "B")),
    st.sampled_from((None, 1, 2, 3)),  # the Wave cell (blank = latest as of the day)
    st.sampled_from(CODES),
    st.sampled_from(STATUSES),
    st.one_of(st.none(), st.integers(-50, 200).map(float)),
    st.integers(0, 3),  # rank
)


@hyp_settings(max_examples=60, deadline=None)
@given(
    st.lists(idea_rows, max_size=12),
    st.lists(st.tuples(st.sampled_from(("A", "B")), st.sampled_from((None, 1, 2))), max_size=8),
    st.lists(st.tuples(st.integers(0, 11), st.integers(0, 30), st.integers(-20, 20)), max_size=10),
    st.sampled_from((dt.date(2026, 3, 1), dt.date(2026, 12, 1), dt.date(2027, 6, 1))),
)
def test_each_customer_s_waves_add_up_to_its_totals(rows, raw, tracked, as_of):
    customers = pd.DataFrame({col.CUSTOMER_ID: ["A", "B"], "Wave start": [KICK_OFFS[1], KICK_OFFS[1]]})
    waves_table = pd.DataFrame(
        {col.CUSTOMER_ID: ["A", "A"], WAVE: [2, 3], KICK_OFF: [KICK_OFFS[2], KICK_OFFS[3]]}
    )
    known = customer_waves(customers, waves_table)
    ideas = pd.DataFrame(
        {
            col.IDEA_ID: [f"I{k}" for k in range(len(rows))],
            col.CUSTOMER_ID: [r[0] for r in rows],
            WAVE: [r[1] for r in rows],
            col.VERDICT_CODE: [r[2] for r in rows],
            col.STATUS: [r[3] for r in rows],
            col.NET_VALUE: np.array([np.nan if r[4] is None else r[4] for r in rows], dtype=float),
        }
    )
    waves = row_waves(ideas, known, as_of)
    workshop = pd.DataFrame({col.CUSTOMER_ID: [c for c, _ in raw], WAVE: [w for _, w in raw]})
    tracking = pd.DataFrame(
        {
            col.IDEA_ID: [f"I{i}" for i, _, _ in tracked],
            "Month": [dt.date(2026 + m // 12, m % 12 + 1, 1) for _, m, _ in tracked],
            "Supplier realised": [float(v) for _, _, v in tracked],
            "Customer realised": [1.0 for _ in tracked],
        }
    )
    report = wave_report(
        IdeaWaves(ideas, waves, [r[5] for r in rows]),
        workshop,
        row_waves(workshop, known, as_of),
        tracking,
        known,
        ["A", "B"],
        as_of,
    )
    assert not report.duplicated([col.CUSTOMER_ID, WAVE]).any()
    for cid in ("A", "B"):
        mine = report[report[col.CUSTOMER_ID] == cid]
        own = ideas[col.CUSTOMER_ID] == cid
        assert mine[RAW_IDEAS].sum() == sum(c == cid for c, _ in raw)
        assert mine[IDEAS].sum() == own.sum()
        assert mine[GO_IDEAS].sum() == (own & ideas[col.VERDICT_CODE].isin(("GO_PRIORITY", "GO"))).sum()
        assert mine[SELECTED].sum() == sum(1 for r in rows if r[0] == cid and r[5] > 0)
        signed = own & ideas[col.STATUS].isin(("Signed off", "Implementing", "Delivered"))
        assert mine[SIGNED_OR_LATER].sum() == signed.sum()
        assert mine[PLANNED_NET].sum() == pytest.approx(ideas.loc[signed, col.NET_VALUE].fillna(0).sum())
        last = (as_of.year, as_of.month)
        realised = sum(
            v + 1.0
            for i, m, v in tracked
            if i < len(rows) and rows[i][0] == cid and (2026 + m // 12, m % 12 + 1) <= last
        )
        assert mine[REALISED].sum() == pytest.approx(realised)
        # Every wave the customer has is listed, even one without ideas.
        assert {1, 2, 3} <= set(mine[WAVE]) if cid == "A" else {1} <= set(mine[WAVE])
    for name in (*COUNTS, *AMOUNTS):
        assert name in report.columns
