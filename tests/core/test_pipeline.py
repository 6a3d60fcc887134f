"""The refresh pipeline (issue 14, ``core.pipeline``): worked examples of every rule."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from generate_fixtures import typed_table

from cvm_xl.core import columns as col
from cvm_xl.core.columns import TRACKING_COLUMNS
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.pipeline import (
    IMPROVING,
    PIPELINE_ALL,
    PIPELINE_COLUMNS,
    SLIPPING,
    STEADY,
    StatusAge,
    Trend,
    customer_pipelines,
    is_open_go,
    is_refresh_overdue,
    month_trend,
    months_between,
    pipeline_table,
    refresh_reasons,
    trend_reading,
)
from cvm_xl.core.settings import PIPELINE_LABELS, SETTING_LABELS, Settings, SettingsError
from cvm_xl.core.tracking import month_index
from cvm_xl.core.waves import WAVE_COLUMNS

D = dt.date
AS_OF = D(2026, 12, 1)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2026, 3, 2), D(2026, 12, 1), 8),
        (D(2026, 5, 4), D(2026, 12, 1), 6),
        (D(2026, 5, 4), D(2026, 11, 4), 6),
        (D(2026, 5, 4), D(2026, 11, 3), 5),
        (D(2026, 1, 31), D(2026, 2, 28), 1),  # as add_months counts: 31 January + 1 month = 28 February
        (D(2026, 1, 31), D(2026, 2, 27), 0),
        (D(2026, 10, 5), D(2026, 10, 5), 0),
        (D(2026, 12, 5), D(2026, 12, 1), 0),  # not yet: no negative ages
    ],
)
def test_whole_months_between_two_days(start, end, months):
    assert months_between(start, end) == months


def test_a_kick_off_is_older_than_six_months_the_day_after_six_months():
    assert not is_refresh_overdue(D(2026, 5, 4), D(2026, 11, 4), 6)
    assert is_refresh_overdue(D(2026, 5, 4), D(2026, 11, 5), 6)
    assert is_refresh_overdue(D(2026, 3, 2), AS_OF, 6) and not is_refresh_overdue(D(2026, 10, 5), AS_OF, 6)


@pytest.mark.parametrize(
    ("code", "status", "emulated", "open_"),
    [
        ("GO_PRIORITY", "Evaluated", None, True),
        ("GO", "Proposed", None, True),
        ("GO_GOOD_FAITH", "Selected", None, True),
        ("GO", None, None, True),  # no Status yet: still open
        ("GO", " signed OFF", None, False),  # in the passbook, as Status is read everywhere
        ("GO", "Implementing", None, False),
        ("GO", "Delivered", None, False),
        ("GO", "Dropped", None, False),
        ("NO_GO", "Evaluated", None, False),
        ("POSTPONE_SMALL", "Evaluated", None, False),
        ("SHELVE", "Evaluated", None, False),
        ("GO", "Evaluated", D(2026, 11, 16), False),  # copied by a competitor: no longer a differentiator
        ("GO", "Evaluated", AS_OF, False),
        ("GO", "Evaluated", D(2026, 12, 2), True),  # copied after the as-of date: open on that day
    ],
)
def test_open_go_ideas(code, status, emulated, open_):
    assert is_open_go(code, status, emulated, AS_OF) is open_


@pytest.mark.parametrize(
    ("recent", "earlier", "reading"),
    [
        (0.82, 0.37, IMPROVING),
        (0.40, 0.37, STEADY),
        (0.42, 0.37, STEADY),  # 5 points: within the tolerance
        (0.32, 0.37, STEADY),
        (0.30, 0.37, SLIPPING),
        (0.5, None, ""),
        (None, 0.5, ""),
    ],
)
def test_the_trend_reading(recent, earlier, reading):
    assert trend_reading(recent, earlier) == reading


def test_the_trend_compares_the_last_three_reported_months_with_the_three_before():
    may = month_index(D(2026, 5, 1))
    planned = {may + i: 100.0 for i in range(8)}  # May to December
    realised = {may: 50.0, may + 1: 50.0, may + 2: 50.0, may + 3: 80.0, may + 4: 90.0, may + 5: 100.0}
    found = month_trend(planned, realised, set(realised))
    assert found == Trend(D(2026, 10, 1), 0.9, 0.5, IMPROVING)
    assert month_trend(planned, {}, set()) == Trend(None, None, None, "")
    # two reported months only: the earlier window has a plan (May's is outside; none before) -> blank
    only = {may + 6: 100.0, may + 7: 100.0}
    assert month_trend({m: 100.0 for m in only}, only, set(only)).reading == ""


def test_refresh_reasons():
    settings = Settings()
    assert refresh_reasons(D(2026, 3, 2), 0, AS_OF, settings) == (
        "last kick-off 2026-03-02, more than 6 months ago",
        "0 open Go ideas (fewer than 3)",
    )
    assert refresh_reasons(D(2026, 10, 5), 1, AS_OF, settings) == ("1 open Go idea (fewer than 3)",)
    assert refresh_reasons(D(2026, 10, 5), 3, AS_OF, settings) == ()
    assert refresh_reasons(None, 0, AS_OF, settings) == ()  # no wave yet: a selection matter
    strict = settings.replace(refresh_after_months=12, minimum_open_go_ideas=1)
    assert refresh_reasons(D(2026, 3, 2), 1, AS_OF, strict) == ()


def test_the_settings_are_master_only_whole_numbers_of_at_least_1():
    assert (Settings().refresh_after_months, Settings().minimum_open_go_ideas) == (6, 3)
    assert PIPELINE_LABELS == {
        "Refresh after months": "refresh_after_months",
        "Minimum open Go ideas": "minimum_open_go_ideas",
    }
    assert not set(PIPELINE_LABELS) & set(SETTING_LABELS)  # customer books and fingerprints unchanged
    for bad in (0, 2.5, -1):
        with pytest.raises(SettingsError) as caught:
            Settings(minimum_open_go_ideas=bad)
        assert caught.value.setting == "Minimum open Go ideas"
    with pytest.raises(SettingsError, match="Refresh after months: must be a whole number of at least 1"):
        Settings(refresh_after_months=0)


def _ideas(rows: list[dict]) -> pd.DataFrame:
    return evaluate_ideas(typed_table(rows, col.IDEA_INPUTS), Settings())


def _go(idea: str, customer: str, status: str | None, **more: object) -> dict:
    return {col.IDEA_ID: idea, col.CUSTOMER_ID: customer, col.TITLE: idea, col.STATUS: status,
            col.SUPPLIER_ANNUAL: 1000, col.CUSTOMER_ANNUAL: 2000, **more}  # fmt: skip


@pytest.fixture(scope="module")
def worked():
    """Three customers as of 2026-12-01 (Settings defaults: refresh after 6 months, 3 open Go ideas)."""
    customers = pd.DataFrame(
        {
            col.CUSTOMER_ID: ["C1", "C2", "C3"],
            "Customer": ["One", "Two", "Three"],
            "Wave start": [D(2026, 1, 12), D(2026, 9, 14), None],
        }
    )
    waves = pd.DataFrame(
        [("C1", 2.0, D(2026, 10, 5), None, "Running"), ("C1", 3.0, D(2027, 4, 5), None, "Planned")],
        columns=list(WAVE_COLUMNS),
    )
    ideas = _ideas(
        [
            _go("I1", "C1", "Delivered", **{col.WAVE: 1, col.START: D(2026, 3, 2), col.SUPPLIER_ANNUAL: 10000,
                                            col.CUSTOMER_ANNUAL: 20000}),
            _go("I2", "C1", "Evaluated"),  # blank Wave: C1's latest wave, 2
            _go("I3", "C1", "Proposed", **{col.WAVE: 2, col.EMULATED: D(2026, 11, 16)}),
            _go("I4", "C1", "Dropped", **{col.WAVE: 2}),
            _go("I5", "C1", "Selected", **{col.WAVE: 1, col.SUPPLIER_ANNUAL: -1000,
                                           col.CUSTOMER_ANNUAL: -1000}),
            _go("I6", "C1", "Evaluated", **{col.WAVE: 1, col.OUT_OF_BOUNDS: True}),
            # the customer's own one-time investment: left out of the trend
            _go("I7", "C1", "Implementing", **{col.WAVE: 1, col.START: D(2026, 9, 1),
                                               col.SUPPLIER_ANNUAL: None, col.CUSTOMER_ANNUAL: None,
                                               col.CUSTOMER_ONE_TIME: -6000}),
            _go("J1", "C2", "Evaluated"),
            _go("J2", "C2", "Evaluated"),
            _go("J3", "C2", "Proposed"),
            _go("K1", "C3", "Proposed"),
        ]
    )  # fmt: skip
    month = {
        D(2026, 5, 1): 1250, D(2026, 6, 1): 1250, D(2026, 7, 1): 1250,
        D(2026, 8, 1): 2500, D(2026, 9, 1): 2500, D(2026, 10, 1): 2500,
        D(2027, 1, 1): 99999,  # after the as-of date: not counted
    }  # fmt: skip
    rows = [("I1", m, v / 2, v / 2, None, None) for m, v in month.items()]
    rows.append(("I7", D(2026, 9, 1), 0, -6000, "investment", "One-time"))
    tracking = pd.DataFrame(rows, columns=list(TRACKING_COLUMNS))
    return customer_pipelines(customers, ideas, tracking, waves, Settings(), AS_OF)


def test_a_customer_in_its_second_wave_with_a_third_planned(worked):
    c1 = worked[0]
    assert (c1.customer_id, c1.customer, c1.waves) == ("C1", "One", 2)
    assert (c1.last_kick_off, c1.next_kick_off) == (D(2026, 10, 5), D(2027, 4, 5))
    assert c1.open_go == 1  # I2 only: I1 delivered, I3 emulated, I4 dropped, I5 no go, I6 out of bounds
    assert c1.months_since_go == 1  # wave 2 (2026-10-05) holds Go ideas
    assert c1.by_status == (
        StatusAge("Proposed", 1, 1), StatusAge("Evaluated", 1, 1), StatusAge("Selected", 1, 10),
        StatusAge("Implementing", 1, 10), StatusAge("Delivered", 1, 10), StatusAge("Dropped", 1, 1),
    )  # fmt: skip
    # realised / planned recurring value: May-July 50%, August-October 100%
    assert c1.trend == Trend(D(2026, 10, 1), 1.0, 0.5, IMPROVING)
    assert c1.refresh_due and c1.reasons == ("1 open Go idea (fewer than 3)",)


def test_a_customer_early_in_its_first_wave_is_not_due(worked):
    c2 = worked[1]
    assert (c2.waves, c2.last_kick_off, c2.next_kick_off, c2.open_go) == (1, D(2026, 9, 14), None, 3)
    assert c2.months_since_go == 2
    assert c2.by_status == (StatusAge("Proposed", 1, 2), StatusAge("Evaluated", 2, 2))
    assert c2.trend == Trend(None, None, None, "")
    assert not c2.refresh_due and c2.reasons == ()


def test_a_customer_without_a_wave_is_not_due_a_refresh(worked):
    c3 = worked[2]
    assert (c3.waves, c3.last_kick_off, c3.open_go, c3.months_since_go) == (0, None, 1, None)
    assert c3.by_status == (StatusAge("Proposed", 1, None),)
    assert not c3.refresh_due


def test_the_table_has_the_issues_columns_first(worked):
    assert PIPELINE_COLUMNS == (
        "Customer ID", "Waves", "Last kick-off", "Open Go ideas", "Months since last Go idea", "Refresh due",
    )  # fmt: skip
    table = pipeline_table(worked)
    assert tuple(table.columns) == PIPELINE_ALL and PIPELINE_ALL[:6] == PIPELINE_COLUMNS
    assert table[list(PIPELINE_COLUMNS)].values.tolist() == [
        ["C1", 2, D(2026, 10, 5), 1, 1, "Yes"],
        ["C2", 1, D(2026, 9, 14), 3, 2, "No"],
        ["C3", 0, None, 1, None, "No"],
    ]
    assert table["Why"].tolist() == ["1 open Go idea (fewer than 3)", None, None]


def test_only_the_customers_asked_for(worked):
    customers = pd.DataFrame({col.CUSTOMER_ID: ["C1", "C2"], "Wave start": [D(2026, 1, 12), None]})
    found = customer_pipelines(customers, _ideas([]), pd.DataFrame(columns=list(TRACKING_COLUMNS)), None,
                               Settings(), AS_OF, ["c2"])  # fmt: skip
    assert [p.customer_id for p in found] == ["C2"]
