"""The sample's waves (issue 14): C-AUT in its second wave, and a relationship due a refresh at the demo."""

from __future__ import annotations

import datetime as dt

import pytest

from cvm_xl import evaluate_ideas
from cvm_xl.core import columns as col
from cvm_xl.core.pipeline import customer_pipelines
from cvm_xl.core.verdicts import GO_CODES
from cvm_xl.core.waves import KICK_OFF, RUNNING, customer_waves, row_waves, unknown_waves, waves_findings
from cvm_xl.sample import sample_settings, sample_tables

DEMO_AS_OF = dt.date(2026, 12, 1)  # the day the README's demo commands report on


@pytest.fixture(scope="module")
def tables():
    return sample_tables()


@pytest.fixture(scope="module")
def known(tables):
    return customer_waves(tables["Customers"], tables["Waves"])


def test_the_automotive_customer_runs_a_second_wave_kicked_off_in_2026(tables, known):
    first, second = known.of("C-AUT")
    wave_start = tables["Customers"].set_index(col.CUSTOMER_ID).loc["C-AUT", "Wave start"]
    assert (first.number, first.kick_off) == (1, wave_start)
    assert second.number == 2 and second.status == RUNNING
    assert second.kick_off.year == 2026 and second.kick_off > first.kick_off
    assert waves_findings(known) == []  # in order, and wave 1 is the Wave start
    # the other customers keep one wave: their Wave start
    assert [len(known.of(c)) for c in ("C-WHL", "C-APP", "C-FUR")] == [1, 1, 1]
    assert tables["Waves"][KICK_OFF].notna().all()


def test_every_automotive_idea_and_raw_idea_names_its_wave(tables, known):
    for name in ("Ideas", "Workshop"):
        frame = tables[name]
        aut = frame[frame[col.CUSTOMER_ID] == "C-AUT"]
        assert aut[col.WAVE].notna().all(), name  # blank would mean the latest wave: wave 2
        assert unknown_waves(frame, known) == [], name
        others = frame[frame[col.CUSTOMER_ID] != "C-AUT"]
        assert others[col.WAVE].isna().all(), name  # one wave: blank is wave 1


def test_wave_2_has_a_few_new_ideas_from_its_own_workshop(tables, known):
    ideas = evaluate_ideas(tables["Ideas"], sample_settings())
    ideas["wave"] = row_waves(ideas, known, DEMO_AS_OF)
    second = ideas[ideas["wave"] == 2]
    assert 3 <= len(second) <= 5
    assert set(second[col.STATUS]) <= {"Proposed", "Evaluated"}
    assert second[col.VERDICT_CODE].isin(GO_CODES).all()
    workshop = tables["Workshop"]
    raw = workshop[workshop[col.WAVE] == 2]
    assert len(raw) >= 5
    assert set(raw["Mother idea ID"].dropna()) == set(second[col.IDEA_ID])


def test_at_the_demo_one_relationship_is_due_a_refresh_and_the_one_in_wave_2_is_not(tables):
    ideas = evaluate_ideas(tables["Ideas"], sample_settings())
    found = {
        p.customer_id: p
        for p in customer_pipelines(
            tables["Customers"], ideas, tables["Tracking"], tables["Waves"], sample_settings(), DEMO_AS_OF
        )
    }
    assert not found["C-AUT"].refresh_due and found["C-AUT"].open_go >= 3
    assert found["C-WHL"].refresh_due  # kicked off in March 2026, no open Go idea left
    assert found["C-WHL"].reasons == (
        "last kick-off 2026-03-02, more than 6 months ago",
        "0 open Go ideas (fewer than 3)",
    )
    # AUT-15 was copied by a competitor in November 2026: no longer an open Go idea
    aut15 = tables["Ideas"].set_index(col.IDEA_ID).loc["AUT-15"]
    assert aut15[col.EMULATED] == dt.date(2026, 11, 16) and aut15[col.STATUS] == "Proposed"
