"""Joint risk register: likelihood x impact, levels and the 5x5 heat map (SPEC §3.9)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cvm_xl.readiness.risks import (
    LEVEL_FLOORS,
    RiskRating,
    heat_counts,
    heat_map,
    level_grid,
    level_ranges,
    rate_risks,
    risk_level,
    risk_rating,
    risk_ratings,
    risk_summary,
)


@pytest.mark.parametrize(
    ("likelihood", "impact", "rating", "level"),
    [
        (1, 1, 1, "Low"), (1, 4, 4, "Low"), (2, 2, 4, "Low"),
        (5, 1, 5, "Medium"), (2, 3, 6, "Medium"), (3, 3, 9, "Medium"),
        (2, 5, 10, "High"), (3, 4, 12, "High"), (5, 3, 15, "High"), (4, 4, 16, "High"),
        (4, 5, 20, "Critical"), (5, 5, 25, "Critical"),
    ],
)  # fmt: skip
def test_hand_worked_ratings(likelihood: int, impact: int, rating: int, level: str) -> None:
    assert risk_rating(likelihood, impact) == RiskRating(rating, level)


def test_level_grid_as_a_risk_matrix_is_drawn() -> None:
    grid = level_grid()
    assert grid.index.tolist() == [5, 4, 3, 2, 1]
    assert grid.columns.tolist() == [1, 2, 3, 4, 5]
    L, M, H, C = "Low", "Medium", "High", "Critical"
    assert grid.to_numpy().tolist() == [
        [M, H, H, C, C],
        [L, M, H, H, C],
        [L, M, M, H, H],
        [L, L, M, M, H],
        [L, L, L, L, M],
    ]


def test_score_spellings_and_blanks() -> None:
    assert risk_rating("3", 4.0) == RiskRating(12, "High")
    assert risk_rating(" 2 ", "5") == RiskRating(10, "High")
    assert risk_rating(None, 3) is None
    assert risk_rating(3, "") is None
    assert risk_rating(math.nan, math.nan) is None


@pytest.mark.parametrize("bad", [0, 6, 2.5, "high", True, -1, math.inf])
def test_scores_must_be_whole_numbers_from_1_to_5(bad: object) -> None:
    with pytest.raises(ValueError, match="likelihood"):
        risk_rating(bad, 3)
    with pytest.raises(ValueError, match="impact"):
        risk_rating(3, bad)


def test_risk_level_bounds() -> None:
    assert [risk_level(r) for r in (4, 5, 9, 10, 16, 19, 20)] == [
        "Low", "Medium", "Medium", "High", "High", "High", "Critical",
    ]  # fmt: skip
    with pytest.raises(ValueError):
        risk_level(0)
    with pytest.raises(ValueError):
        risk_level(26)


def _register() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Risk ID": ["R1", "R2", "R3", "R4", "R5", "R6"],
            "Customer ID": ["C1", "C1", "C1", "C2", "C2", "C2"],
            "Risk": ["Coil supply", "Price index", "IT link", "Plant move", "Key person", "Quality"],
            "Likelihood": [4, 2, None, 4, 4, 1],
            "Impact": [5, 3, 2, 5, 5, "x"],
            "Status": [None, "Mitigating", "Open", "closed", "Accepted", "Open"],
        },
        index=pd.Index([4, 5, 6, 7, 8, 9], name="Excel row"),
    )


def test_rate_risks_adds_the_computed_columns() -> None:
    rated = rate_risks(_register())
    assert rated.index.tolist() == [4, 5, 6, 7, 8, 9]
    assert rated["Rating"].tolist()[:2] == [20.0, 6.0]
    assert math.isnan(rated.loc[6, "Rating"]) and math.isnan(rated.loc[9, "Rating"])
    assert rated["Risk level"].tolist() == ["Critical", "Medium", None, "Critical", "Critical", None]


def test_heat_map_counts_open_rated_risks() -> None:
    grid = heat_map(_register())
    assert grid.loc[4, 5] == 2  # R1 and R5; R4 is closed
    assert grid.loc[2, 3] == 1
    assert int(grid.to_numpy().sum()) == 3
    with_closed = heat_map(_register(), include_closed=True)
    assert with_closed.loc[4, 5] == 3
    assert heat_map(_register().iloc[:0]).to_numpy().sum() == 0


def test_risk_summary_per_customer() -> None:
    summary = risk_summary(_register())
    assert summary.to_dict("records") == [
        {"Customer ID": "C1", "Open risks": 3, "Critical risks": 1, "High risks": 0, "Highest rating": 20.0},
        {"Customer ID": "C2", "Open risks": 2, "Critical risks": 1, "High risks": 0, "Highest rating": 20.0},
    ]


score_cell = st.one_of(
    st.none(),
    st.just(math.nan),
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=1, max_value=5).map(float),
    st.integers(min_value=1, max_value=5).map(str),
)


@given(st.lists(st.tuples(score_cell, score_cell), max_size=20))
def test_columns_agree_with_the_scalar_rule(pairs: list[tuple[object, object]]) -> None:
    likelihood = pd.Series([p[0] for p in pairs], dtype=object, index=range(10, 10 + len(pairs)))
    impact = pd.Series([p[1] for p in pairs], dtype=object, index=likelihood.index)
    out = risk_ratings(likelihood, impact)
    assert out.index.equals(likelihood.index)
    for (lk, im), (_, row) in zip(pairs, out.iterrows(), strict=True):
        expected = risk_rating(lk, im)
        if expected is None:
            assert math.isnan(row["Rating"]) and row["Risk level"] is None
        else:
            assert (row["Rating"], row["Risk level"]) == (float(expected.rating), expected.level)


def test_columns_leave_unreadable_scores_blank() -> None:
    out = risk_ratings(pd.Series([6, "x", True, 3]), pd.Series([1, 1, 1, 3]))
    assert out["Risk level"].tolist() == [None, None, None, "Medium"]


@given(st.lists(st.tuples(score_cell, score_cell, st.sampled_from([None, "Open", "closed", "Closed", "x"]))))
def test_heat_counts_are_the_heat_map(risks: list[tuple[object, object, object]]) -> None:
    table = pd.DataFrame(risks, columns=["Likelihood", "Impact", "Status"], dtype=object)
    counts = heat_counts(table["Likelihood"], table["Impact"], table["Status"])
    grid = heat_map(table)
    assert counts == {(lk, im): int(grid.loc[lk, im]) for lk in grid.index for im in grid.columns}
    with_closed = heat_counts(table["Likelihood"], table["Impact"], table["Status"], include_closed=True)
    assert sum(with_closed.values()) == int(heat_map(table, include_closed=True).to_numpy().sum())


def test_level_ranges_follow_the_floors() -> None:
    assert level_ranges() == {"Low": (1, 4), "Medium": (5, 9), "High": (10, 16), "Critical": (20, 25)}
    for level, (low, high) in level_ranges().items():
        assert risk_level(low) == risk_level(high) == level
    assert [floor for floor, _ in LEVEL_FLOORS] == sorted(
        (low for low, _ in level_ranges().values()), reverse=True
    )
