"""Implementation tracking (issue 14): an action's state, days overdue, progress per idea and the
escalation list, with worked examples."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cvm_xl.core import columns as col
from cvm_xl.core.actions import (
    ACTION,
    ACTION_COLUMNS,
    ACTION_ID,
    DAYS_OVERDUE,
    DONE,
    DUE,
    ESCALATION_ALL,
    ESCALATION_COLUMNS,
    NEXT_DUE,
    PERCENT_DONE,
    REASON,
    REASON_OVERDUE,
    REASON_PAST_END,
    STATE_DONE,
    STATE_OPEN,
    STATE_OVERDUE,
    action_states,
    action_status,
    days_overdue,
    escalation_counts,
    escalations,
    idea_progress,
    is_done,
    is_escalated_idea,
)

D = dt.date
AS_OF = D(2026, 12, 1)


# --- one action -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "done", "state", "days"),
    [
        (D(2026, 11, 20), None, STATE_OVERDUE, 11),  # 2026-12-01 - 2026-11-20
        (D(2026, 11, 30), None, STATE_OVERDUE, 1),
        (D(2026, 12, 1), None, STATE_OPEN, None),  # due today: not yet late
        (D(2027, 1, 15), None, STATE_OPEN, None),
        (None, None, STATE_OPEN, None),  # no Due date: never overdue
        (D(2026, 9, 30), D(2026, 10, 2), STATE_DONE, None),  # done late is done
        (D(2026, 9, 30), D(2026, 12, 1), STATE_DONE, None),  # done on the as-of day
        (D(2026, 9, 30), D(2026, 12, 2), STATE_OVERDUE, 62),  # done after the as-of day: not yet then
        (D(2026, 9, 30), "x", STATE_DONE, None),  # a customer's tick
        (D(2026, 9, 30), "  ", STATE_OVERDUE, 62),  # spaces are blank
        (D(2026, 9, 30), True, STATE_DONE, None),
        (dt.datetime(2026, 11, 20, 9, 30), None, STATE_OVERDUE, 11),  # a time of day is ignored
    ],
)
def test_state_and_days_overdue_worked_examples(due, done, state, days):
    assert action_status(due, done, AS_OF) == state
    assert days_overdue(due, done, AS_OF) == days


def test_done_is_any_mark_or_a_date_not_after_the_as_of_day():
    assert is_done(D(2026, 1, 1), AS_OF) and is_done("done", AS_OF) and is_done(1.0, AS_OF)
    assert not is_done(None, AS_OF) and not is_done("", AS_OF) and not is_done(float("nan"), AS_OF)
    assert not is_done(D(2027, 1, 1), AS_OF)


@given(
    due=st.one_of(st.none(), st.dates(D(2020, 1, 1), D(2030, 12, 31))),
    done=st.one_of(st.none(), st.dates(D(2020, 1, 1), D(2030, 12, 31)), st.sampled_from(["x", " ", ""])),
    as_of=st.dates(D(2020, 1, 1), D(2030, 12, 31)),
)
def test_the_table_form_equals_the_scalar_form(due, done, as_of):
    frame = pd.DataFrame({DUE: [due], DONE: [done]}, dtype=object)
    states = action_states(frame, as_of)
    assert states[col.STATUS].iat[0] == action_status(due, done, as_of)
    assert states[DAYS_OVERDUE].iat[0] == days_overdue(due, done, as_of)
    overdue = states[col.STATUS].iat[0] == STATE_OVERDUE
    assert (states[DAYS_OVERDUE].iat[0] is not None) == overdue
    if overdue:
        assert states[DAYS_OVERDUE].iat[0] == (as_of - due).days > 0


# --- one idea -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "status", "escalated"),
    [
        (D(2026, 11, 27), "Implementing", True),
        (D(2026, 11, 27), " signed  OFF ", True),  # every spelling of a status is read
        (D(2026, 11, 27), None, True),  # no status: not delivered
        (D(2026, 11, 27), "Proposed", True),
        (D(2026, 11, 27), "Delivered", False),
        (D(2026, 11, 27), "dropped", False),  # Dropped ideas are never escalated
        (D(2026, 12, 1), "Implementing", False),  # ends today: not past its End yet
        (None, "Implementing", False),
    ],
)
def test_an_idea_is_escalated_past_its_end_unless_delivered_or_dropped(end, status, escalated):
    assert is_escalated_idea(end, status, AS_OF) is escalated


# --- a relationship: worked example ---------------------------------------------------------------


def _ideas() -> pd.DataFrame:
    rows = [
        # Idea ID, Customer ID, Title, Owner firm, Owner, End, Status, Out of bounds
        ("I-1", "C-B", "Wider coils", "Customer", "Omar", D(2027, 1, 29), "Implementing"),
        ("I-2", "C-B", "Rush orders", "Supplier", "Tomasz", D(2026, 11, 27), "Implementing"),
        ("I-3", "C-A", "Weekly report", "Supplier", "Maren", D(2026, 12, 18), "Signed off"),
        ("I-4", "C-A", "Train service", "Joint", "Pavel", D(2026, 6, 30), "Dropped"),
        ("I-5", "C-A", "Certificates", "Supplier", "Elena", D(2026, 4, 17), "Delivered"),
    ]
    names = (col.IDEA_ID, col.CUSTOMER_ID, col.TITLE, col.OWNER_FIRM, col.OWNER, col.END, col.STATUS)
    return pd.DataFrame(rows, columns=list(names), dtype=object)


def _actions() -> pd.DataFrame:
    rows = [
        ("A-1", "I-1", "Order the decoiler", "Customer", "Omar", D(2026, 5, 29), D(2026, 5, 20), None),
        ("A-2", "I-1", "Install the crane", "Customer", "Omar", D(2026, 10, 30), None, None),
        ("A-3", "I-1", "First trial shipment", "Supplier", "Jonas", D(2027, 1, 15), None, None),
        ("A-4", "I-2", "Agree the price list", "Joint", None, D(2026, 9, 30), None, None),  # idea's owner
        ("A-5", "I-3", "Send the first report", "Supplier", "maren", D(2026, 11, 13), None, None),
        ("A-6", "I-4", "Book the trains", "Supplier", "Pavel", D(2026, 3, 31), None, None),  # dropped idea
        ("A-7", "I-5", "Switch to e-mail", "Supplier", "Elena", D(2026, 3, 1), None, None),  # delivered idea
        ("A-8", "I-9", "An idea not given", "Supplier", "Nobody", D(2026, 1, 1), None, None),
    ]
    return pd.DataFrame(rows, columns=list(ACTION_COLUMNS), dtype=object)


def test_escalations_worked_example():
    found = escalations(_ideas(), _actions(), AS_OF)
    assert tuple(found.columns) == ESCALATION_ALL
    assert tuple(found.columns[:6]) == ESCALATION_COLUMNS == (
        "Customer ID", "Idea ID", "Action ID", "Owner", "Due", "Days overdue",
    )  # fmt: skip
    rows = [tuple(r) for r in found[[col.CUSTOMER_ID, col.IDEA_ID, ACTION_ID, col.OWNER, DUE, DAYS_OVERDUE]]
            .itertuples(index=False)]  # fmt: skip
    assert rows == [
        # C-A: Elena's delivered idea's late action counts (only Dropped ideas are spared); then maren
        ("C-A", "I-5", "A-7", "Elena", D(2026, 3, 1), 275),
        ("C-A", "I-3", "A-5", "maren", D(2026, 11, 13), 18),
        # Pavel's dropped idea: neither past its End nor its action escalated
        # C-B: Omar, then Tomasz: his idea past its End (4 days) and the action he owns as the
        # idea's owner (62 days), longest first
        ("C-B", "I-1", "A-2", "Omar", D(2026, 10, 30), 32),
        ("C-B", "I-2", "A-4", "Tomasz", D(2026, 9, 30), 62),
        ("C-B", "I-2", None, "Tomasz", D(2026, 11, 27), 4),
    ]
    past_end = found[found[ACTION_ID].isna()].iloc[0]
    assert past_end[REASON] == REASON_PAST_END and past_end[ACTION] is None
    assert set(found.loc[found[ACTION_ID].notna(), REASON]) == {REASON_OVERDUE}
    assert found.loc[found[ACTION_ID] == "A-4", col.OWNER_FIRM].iat[0] == "Joint"  # the action's firm


def test_an_idea_and_its_own_action_sort_the_idea_first_on_equal_days():
    ideas = _ideas().iloc[[1]]
    actions = pd.DataFrame(
        [("A-9", "I-2", "Same day", None, None, D(2026, 11, 27), None, None)],
        columns=list(ACTION_COLUMNS),
        dtype=object,
    )
    found = escalations(ideas, actions, AS_OF)
    assert found[ACTION_ID].tolist() == [None, "A-9"]
    assert found[DAYS_OVERDUE].tolist() == [4, 4]


def test_nothing_escalated_before_anything_is_due():
    assert escalations(_ideas(), _actions(), D(2025, 1, 1)).empty
    empty = escalations(_ideas().iloc[:0], _actions().iloc[:0], AS_OF)
    assert empty.empty and tuple(empty.columns) == ESCALATION_ALL


def test_counts_per_customer_and_owner():
    counts = escalation_counts(escalations(_ideas(), _actions(), AS_OF))
    assert counts.values.tolist() == [
        ["C-A", "Elena", 1, 275], ["C-A", "maren", 1, 18], ["C-B", "Omar", 1, 32], ["C-B", "Tomasz", 2, 62],
    ]  # fmt: skip


def test_progress_per_idea_worked_example():
    progress = idea_progress(_ideas(), _actions(), AS_OF).set_index(col.IDEA_ID)
    assert progress.index.tolist() == ["I-1", "I-2", "I-3", "I-4", "I-5"]  # the Ideas table's order
    one = progress.loc["I-1"]
    assert (one["Actions"], one["Done"], one[PERCENT_DONE]) == (3, 1, pytest.approx(1 / 3))
    assert one[NEXT_DUE] == D(2026, 10, 30) and one["Overdue"] == 1  # the earliest Due not done
    assert progress.loc["I-2", NEXT_DUE] == D(2026, 9, 30)
    earlier = idea_progress(_ideas(), _actions(), D(2026, 5, 15)).set_index(col.IDEA_ID)
    assert earlier.loc["I-1", "Done"] == 0  # done on 2026-05-20: not yet on 2026-05-15
    assert earlier.loc["I-1", NEXT_DUE] == D(2026, 5, 29) and earlier.loc["I-1", "Overdue"] == 0
    assert "I-9" not in progress.index  # an action of an idea not given is left out
