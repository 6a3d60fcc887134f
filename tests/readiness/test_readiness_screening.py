"""Customer screening: the four CVM prerequisites of the Tata Steel paper (SPEC §3.9)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cvm_xl.core.settings import SettingsError
from cvm_xl.readiness.screening import (
    PREREQUISITES,
    REASONS,
    SCREENING_COLUMNS,
    SCREENING_INPUTS,
    ScreeningThresholds,
    needed_text,
    parse_phase,
    parse_quartile,
    screen_customer,
    screen_customers,
    screening_lines,
    screening_of,
)


def test_the_paper_s_ideal_customer_is_eligible_with_no_reasons() -> None:
    result = screen_customer(1, 3, "III", 3)
    assert result.eligible is True
    assert result.reasons == []
    assert result.text == ""


def test_each_missed_threshold_is_a_reason_in_input_order() -> None:
    result = screen_customer(2, 2, "II", 2.5)
    assert result.eligible is False
    assert result.reasons == [
        "Industry quartile 2: CVM needs an industry leader (quartile 1)",
        "Long-term culture 2 is below 3",
        "Excellence phase II (developing a shared vision to grow): CVM needs phase III "
        "(implementing the vision to grow)",
        "Co-destiny 2.5 is below 3",
    ]


def test_just_below_a_score_threshold_is_not_eligible() -> None:
    assert screen_customer(1, 2.99, "III", 5).reasons == ["Long-term culture 2.99 is below 3"]
    assert screen_customer(1, 5, "III", 2.99).reasons == ["Co-destiny 2.99 is below 3"]


def test_blank_inputs_are_not_assessed() -> None:
    result = screen_customer(None, "", float("nan"), "  ")
    assert result.eligible is False
    assert result.reasons == [
        "Industry quartile not assessed",
        "Long-term culture not assessed",
        "Excellence phase not assessed",
        "Co-destiny not assessed",
    ]


@pytest.mark.parametrize("phase", ["III", "iii", "Phase III", "Phase-III", " phase 3 ", 3, 3.0, "3"])
def test_phase_spellings(phase: object) -> None:
    assert parse_phase(phase) == "III"
    assert screen_customer(1, 4, phase, 4).eligible


@pytest.mark.parametrize("quartile", [1, 1.0, "1", "Q1", "q1"])
def test_quartile_spellings(quartile: object) -> None:
    assert parse_quartile(quartile) == 1


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (
            (5, 3, "III", 3),
            "Industry quartile: 5 is not a quartile (1 = top): write a whole number from 1 to 4",
        ),
        (
            (1.5, 3, "III", 3),
            "Industry quartile: 1.5 is not a quartile (1 = top): write a whole number from 1 to 4",
        ),
        ((True, 3, "III", 3), "Industry quartile: True is not a quartile (1 = top) from 1 to 4"),
        ((1, 6, "III", 3), "Long-term culture: 6 is outside the scale: write a score from 1 to 5"),
        ((1, "high", "III", 3), "Long-term culture: 'high' is not a number"),
        ((1, 3, "IV", 3), "Excellence phase: 'IV' is not an excellence phase: write I, II or III"),
    ],
)
def test_unreadable_inputs_are_reasons_not_exceptions(args: tuple, reason: str) -> None:
    result = screen_customer(*args)
    assert result.eligible is False
    assert result.reasons == [reason]


def test_configurable_thresholds() -> None:
    t = ScreeningThresholds(max_quartile=2, min_phase="II", min_culture=2.5, min_co_destiny=4)
    assert screen_customer(2, 2.5, "II", 4, t).eligible
    assert screen_customer(2, 2.5, "III", 4, t).eligible
    assert screen_customer(3, 2.5, "I", 4, t).reasons == [
        "Industry quartile 3: CVM needs an industry leader (quartile 1 to 2)",
        "Excellence phase I (earning the right to grow): CVM needs phase II (developing a shared "
        "vision to grow) or later",
    ]


@pytest.mark.parametrize(
    ("changes", "label"),
    [
        ({"max_quartile": 0}, "Screening max quartile"),
        ({"max_quartile": 5}, "Screening max quartile"),
        ({"min_phase": "IV"}, "Screening min phase"),
        ({"min_culture": 6}, "Screening min culture"),
        ({"min_co_destiny": 0.5}, "Screening min co-destiny"),
    ],
)
def test_invalid_thresholds_name_their_setting(changes: dict, label: str) -> None:
    with pytest.raises(SettingsError) as caught:
        ScreeningThresholds(**changes)
    assert caught.value.setting == label


def test_thresholds_from_settings_rows() -> None:
    t = ScreeningThresholds.from_labels(
        {
            "Screening max quartile": 2,
            " screening  MIN phase ": "phase ii",
            "Screening min culture": None,
            "Screening min co-destiny": "3.5",
            "Horizon years": 3,
        }
    )
    assert t == ScreeningThresholds(max_quartile=2, min_phase="II", min_culture=3.0, min_co_destiny=3.5)
    assert ScreeningThresholds.from_labels({}) == ScreeningThresholds()
    with pytest.raises(SettingsError) as caught:
        ScreeningThresholds.from_labels({"Screening min phase": "V"})
    assert caught.value.setting == "Screening min phase"


def test_screen_customers_table() -> None:
    customers = pd.DataFrame(
        {
            "Customer ID": ["C1", "C2", "C3"],
            "Customer": ["Auto Co", "Build Co", "New Co"],
            "Industry": ["Automotive", "Construction", "Other"],
            "Industry quartile": [1.0, 2.0, math.nan],
            "Long-term culture": [4.0, 3.0, math.nan],
            "Excellence phase": ["III", "III", None],
            "Co-destiny": [3.0, 5.0, math.nan],
        },
        index=pd.Index([2, 3, 4], name="Excel row"),
    )
    out = screen_customers(customers)
    assert list(out.columns) == list(SCREENING_COLUMNS)
    assert list(out.index) == [2, 3, 4]
    assert out["Eligible"].tolist() == ["Yes", "No", "No"]
    assert out.loc[2, REASONS] == ""
    assert out.loc[3, REASONS] == "Industry quartile 2: CVM needs an industry leader (quartile 1)"
    assert out.loc[4, REASONS].count("not assessed") == 4
    assert out["Industry quartile"].tolist()[:2] == [1.0, 2.0]


def test_screen_customers_without_the_screening_columns() -> None:
    customers = pd.DataFrame({"Customer ID": ["C1"], "Customer": ["Auto Co"]})
    out = screen_customers(customers)
    assert out.loc[0, "Eligible"] == "No"
    assert out.loc[0, "Industry quartile"] is None
    assert screen_customers(customers.iloc[:0]).empty


cell = st.one_of(
    st.none(),
    st.just(math.nan),
    st.booleans(),
    st.integers(min_value=-1, max_value=7),
    st.floats(min_value=0, max_value=6, allow_nan=False),
    st.sampled_from(["I", "II", "III", "iv", "Phase III", "Q1", "q2", "3", " 4 ", "2.5", "x", "", "50%"]),
)


@given(st.lists(st.tuples(cell, cell, cell, cell), max_size=12), st.sampled_from([1, 2, 4]))
def test_table_agrees_with_the_scalar_rule(rows: list[tuple], max_quartile: int) -> None:
    t = ScreeningThresholds(max_quartile=max_quartile)
    customers = pd.DataFrame(
        {
            "Customer ID": [f"C{i}" for i in range(len(rows))],
            "Customer": ["x"] * len(rows),
            "Industry quartile": pd.Series([r[0] for r in rows], dtype=object),
            "Long-term culture": pd.Series([r[1] for r in rows], dtype=object),
            "Excellence phase": pd.Series([r[2] for r in rows], dtype=object),
            "Co-destiny": pd.Series([r[3] for r in rows], dtype=object),
        }
    )
    out = screen_customers(customers, t)
    for i, row in enumerate(rows):
        expected = screen_customer(*row, t)
        assert out.iloc[i]["Eligible"] == ("Yes" if expected.eligible else "No")
        assert out.iloc[i][REASONS] == expected.text


def test_each_prerequisite_is_declared_once_with_what_it_needs() -> None:
    assert SCREENING_INPUTS == tuple(p.column for p in PREREQUISITES) == (
        "Industry quartile", "Long-term culture", "Excellence phase", "Co-destiny",
    )  # fmt: skip
    t = ScreeningThresholds(max_quartile=2, min_phase="II", min_culture=3.5)
    assert [p.needed(t) for p in PREREQUISITES] == [
        "1 to 2",
        "3.5 or more (of 5)",
        "II or later",
        "3 or more (of 5)",
    ]
    assert needed_text() == (
        "Industry quartile 1 (top quartile); Long-term culture 3 or more (of 5); Excellence phase III; "
        "Co-destiny 3 or more (of 5)"
    )


def test_screening_lines_are_the_screening() -> None:
    row = {"Industry quartile": 2, "Long-term culture": 4, "Excellence phase": "III", "Co-destiny": None}
    lines = screening_lines(row)
    assert [(line.label, line.assessment, line.met) for line in lines] == [
        ("Industry quartile", 2, False),
        ("Long-term culture", 4, True),
        ("Excellence phase", "III", True),
        ("Co-destiny", None, False),
    ]
    assert screening_of(lines) == screen_customer(2, 4, "III", None)
