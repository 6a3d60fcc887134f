"""The sample's actions (issue 14): three customers, some done, some overdue on the demo's date."""

from __future__ import annotations

import datetime as dt

from cvm_xl.core import columns as col
from cvm_xl.core.actions import ACTION_ID, DONE, STATE_DONE, STATE_OVERDUE, action_states, escalations
from cvm_xl.sample import sample_tables

DEMO_AS_OF = dt.date(2026, 12, 1)  # the day the demo's escalations are tested on (README)


def test_actions_belong_to_three_customers_ideas():
    tables = sample_tables()
    actions, ideas = tables["Actions"], tables["Ideas"]
    assert 15 <= len(actions) <= 20 and actions[ACTION_ID].is_unique
    owner = dict(zip(ideas[col.IDEA_ID], ideas[col.CUSTOMER_ID], strict=True))
    assert set(actions[col.IDEA_ID]) <= set(owner)
    assert {owner[i] for i in actions[col.IDEA_ID]} == {"C-AUT", "C-WHL", "C-APP"}
    out_of_bounds = set(ideas.loc[ideas[col.OUT_OF_BOUNDS], col.IDEA_ID])
    assert actions[col.IDEA_ID].isin(out_of_bounds).sum() == 1  # never exported: tested in generate


def test_some_are_done_and_some_overdue_on_the_demo_date():
    tables = sample_tables()
    states = action_states(tables["Actions"], DEMO_AS_OF)[col.STATUS].value_counts()
    assert states[STATE_DONE] >= 5 and states[STATE_OVERDUE] >= 5
    assert tables["Actions"][DONE].notna().sum() == states[STATE_DONE]  # every Done date is before it


def test_the_demo_shows_escalations_of_every_kind():
    tables = sample_tables()
    ideas = tables["Ideas"][~tables["Ideas"][col.OUT_OF_BOUNDS]]
    found = escalations(ideas, tables["Actions"], DEMO_AS_OF)
    assert set(found[col.CUSTOMER_ID]) == {"C-AUT", "C-WHL", "C-APP"}
    assert found[ACTION_ID].isna().sum() == 2  # AUT-05 and WHL-04: past their End, not delivered
    assert len(found) == 8
