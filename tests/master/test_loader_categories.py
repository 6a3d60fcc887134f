"""Idea categories and their durations (SPEC §3.7): the scalar rule and the column rule agree."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cvm_xl.core.categories import (
    add_months,
    category_fits,
    category_fits_column,
    category_for_duration,
    category_problem,
    duration_text,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2025, 3, 15), 9, D(2025, 12, 15)),
        (D(2025, 3, 15), 0, D(2025, 3, 15)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("category", "start", "end", "fits"),
    [
        ("Hygiene", D(2025, 1, 15), D(2025, 1, 15), True),
        ("Hygiene", D(2025, 1, 15), D(2025, 4, 15), True),
        ("Hygiene", D(2025, 1, 15), D(2025, 4, 16), False),
        ("Operational", D(2025, 1, 15), D(2025, 4, 14), False),
        ("Operational", D(2025, 1, 15), D(2025, 4, 15), True),
        ("Operational", D(2025, 1, 15), D(2025, 10, 15), True),
        ("Operational", D(2025, 1, 15), D(2025, 10, 16), False),
        ("Joint study", D(2025, 1, 15), D(2025, 10, 14), False),
        ("Joint study", D(2025, 1, 15), D(2025, 10, 15), True),
        ("Joint study", D(2025, 1, 15), D(2027, 1, 15), True),
        ("Operational", D(2025, 11, 30), D(2026, 2, 28), True),  # 3 months from 30 Nov ends 28 Feb
    ],
)
def test_category_fits(category, start, end, fits):
    assert category_fits(category, start, end) is fits


def test_category_for_duration_picks_the_shortest_that_fits():
    assert category_for_duration(D(2025, 1, 1), D(2025, 2, 1)) == "Hygiene"
    assert category_for_duration(D(2025, 1, 1), D(2025, 4, 1)) == "Hygiene"
    assert category_for_duration(D(2025, 1, 1), D(2025, 4, 2)) == "Operational"
    assert category_for_duration(D(2025, 1, 1), D(2025, 10, 2)) == "Joint study"


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (D(2025, 1, 15), D(2025, 4, 16), "3 months and 1 day"),
        (D(2025, 1, 31), D(2025, 3, 31), "2 months"),
        (D(2025, 1, 1), D(2025, 1, 3), "2 days"),
        (D(2025, 1, 1), D(2025, 1, 1), "0 days"),
        (D(2025, 1, 1), D(2026, 2, 2), "13 months and 1 day"),
    ],
)
def test_duration_text(start, end, text):
    assert duration_text(start, end) == text


def test_category_problem_only_for_checkable_misfits():
    assert category_problem("Hygiene", D(2025, 1, 1), D(2025, 2, 1)) is None
    assert category_problem(None, D(2025, 1, 1), D(2026, 2, 1)) is None
    assert category_problem("Hygiene", None, D(2026, 2, 1)) is None
    assert category_problem("Hygiene", D(2025, 3, 1), D(2025, 1, 1)) is None  # End before Start: an error
    assert category_problem("Hygiene", D(2025, 1, 1), D(2025, 6, 1)) == (
        "A Hygiene idea takes at most 3 months, but this one runs from 2025-01-01 to 2025-06-01 (5 months)."
    )


dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31))
categories = st.sampled_from(["Hygiene", "Operational", "Joint study", None])


@given(st.lists(st.tuples(categories, dates, st.integers(-40, 500), st.booleans()), max_size=40))
def test_column_rule_agrees_with_the_scalar_rule(rows):
    cats = np.array([c for c, *_ in rows], dtype=object)
    starts = [s for _, s, _, _ in rows]
    ends = [s + dt.timedelta(days=n) for _, s, n, _ in rows]
    blanks = [b for *_, b in rows]
    start_col = np.array(
        [None if b else s for s, b in zip(starts, blanks, strict=True)], dtype="datetime64[D]"
    )
    end_col = np.array(ends, dtype="datetime64[D]")
    fits = category_fits_column(cats, start_col, end_col)
    for (category, start, _, blank), end, got in zip(rows, ends, fits, strict=True):
        expected = blank or category is None or end < start or category_fits(category, start, end)
        assert got == expected
        assert (category_problem(category, None if blank else start, end) is None) == expected
