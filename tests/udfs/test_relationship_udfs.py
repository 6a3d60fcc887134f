"""CVM_ELIGIBLE, CVM_MATURITY and CVM_RISK_RATING against the readiness core: single cells, columns,
blanks and error text."""

from __future__ import annotations

import itertools

import pytest

from cvm_xl.readiness.maturity import maturity_verdict, ratings_from_grid
from cvm_xl.readiness.risks import risk_rating
from cvm_xl.readiness.screening import ScreeningThresholds, screen_customer
from udfs import cvm_udfs as u


def column(values):
    return [[v] for v in values]


def flat(result):
    return [row[0] for row in result]


# --- CVM_ELIGIBLE ----------------------------------------------------------------------------------

CUSTOMERS = [  # quartile, culture, phase, co-destiny
    (1, 4, "III", 4),  # the paper's ideal customer
    ("Q1", 3, "Phase III", 3.5),
    (2, 4, "III", 4),
    (1, 2.5, "II", 5),
    (None, 4, "III", 4),  # not assessed
    (1, "abc", 3, 4),  # unreadable culture
]


def test_eligible_equals_the_core_cell_by_cell_and_for_columns():
    expected = [screen_customer(*c) for c in CUSTOMERS]
    for c, e in zip(CUSTOMERS, expected, strict=True):
        assert u.CVM_ELIGIBLE(*c) == ("Yes" if e.eligible else "No")
        assert u.CVM_ELIGIBLE(*c, show="reasons") == e.text
    columns = [column(values) for values in zip(*CUSTOMERS, strict=True)]
    assert flat(u.CVM_ELIGIBLE(*columns)) == ["Yes" if e.eligible else "No" for e in expected]
    assert u.CVM_ELIGIBLE(*columns, show="all") == [["Yes" if e.eligible else "No", e.text] for e in expected]
    assert [e.eligible for e in expected] == [True, True, False, False, False, False]


def test_eligible_uses_the_settings_thresholds():
    settings = [["Setting", "Value"], ["Screening max quartile", 2], ["Screening min phase", "II"]]
    lenient = ScreeningThresholds(max_quartile=2, min_phase="II")
    for c in CUSTOMERS[:4]:
        assert u.CVM_ELIGIBLE(*c, settings=settings) == (
            "Yes" if screen_customer(*c, lenient).eligible else "No"
        )
    assert u.CVM_ELIGIBLE(2, 4, "II", 4, settings=settings) == "Yes"


def test_eligible_blank_rows_stay_blank_and_errors_pass_through():
    assert u.CVM_ELIGIBLE(None, None, None, None) == ""
    got = u.CVM_ELIGIBLE(column([1, None]), column([4, None]), column(["III", ""]), column([4, None]), "all")
    assert got == [["Yes", ""], ["", ""]]
    assert u.CVM_ELIGIBLE("#N/A", 4, "III", 4) == "#N/A"  # an error in an input cell passes through
    assert u.CVM_ELIGIBLE(1, 4, "III", 4, show="why").startswith("#VALUE! show must be one of")


# --- CVM_MATURITY ----------------------------------------------------------------------------------

GRIDS = [
    [["A", "B", "A"], ["B", "A", "B"]],  # Ready
    [["A", "B", "A"], ["B", "C", "B"]],  # Ready: development needs
    [["A", "D", "A"], ["B", "C", None]],  # Not ready (a D beats the missing rating)
    [["a", "b", "a"], ["B", None, "B"]],  # Not assessed
]


def test_maturity_equals_the_core_for_each_layout():
    for grid in GRIDS:
        v = maturity_verdict(ratings_from_grid(grid))
        six = [x for row in grid for x in row]
        assert u.CVM_MATURITY(grid) == v.label
        assert u.CVM_MATURITY(column(six)) == v.label  # six cells in a column
        assert u.CVM_MATURITY(grid, "ready") == ("Yes" if v.ready else "No")
        assert u.CVM_MATURITY(grid, "reasons") == "; ".join(v.reasons)
    assert [u.CVM_MATURITY(g) for g in GRIDS] == [
        "Ready",
        "Ready: development needs",
        "Not ready",
        "Not assessed",
    ]


def test_maturity_one_row_of_six_per_relationship():
    rows = [[x for row in grid for x in row] for grid in GRIDS]
    rows.insert(2, [None] * 6)  # an unused table row
    rows.append(["A", "X", "A", "B", "B", "B"])
    got = flat(u.CVM_MATURITY(rows))
    assert got[:2] == ["Ready", "Ready: development needs"] and got[2] == ""
    assert got[3:5] == ["Not ready", "Not assessed"]
    assert got[5] == "#VALUE! Supplier Ability: 'X' is not one of A, B, C, D."
    assert u.CVM_MATURITY([["A", "#N/A", "A"], ["B", "B", "B"]]) == "#N/A"
    assert u.CVM_MATURITY([["A", "B"]]).startswith("#VALUE! ratings must be")


# --- CVM_RISK_RATING ---------------------------------------------------------------------------------


def test_risk_rating_equals_the_core_on_the_whole_grid():
    pairs = list(itertools.product(range(1, 6), repeat=2))
    likelihood, impact = column([p[0] for p in pairs]), column([p[1] for p in pairs])
    expected = [risk_rating(*p) for p in pairs]
    assert flat(u.CVM_RISK_RATING(likelihood, impact)) == [e.rating for e in expected]
    assert flat(u.CVM_RISK_RATING(likelihood, impact, "level")) == [e.level for e in expected]
    assert u.CVM_RISK_RATING(likelihood, impact, "all") == [[e.rating, e.level] for e in expected]
    assert u.CVM_RISK_RATING(4, 5) == 20 and u.CVM_RISK_RATING(4, 5, "level") == "Critical"
    assert u.CVM_RISK_RATING("2", 2.0, "level") == "Low"


@pytest.mark.parametrize(
    ("likelihood", "impact", "result"),
    [
        (None, 3, ""),
        ("", None, ""),
        (6, 1, "#VALUE! 6 is not a likelihood: write a whole number from 1 to 5"),
        (2, 2.5, "#VALUE! 2.5 is not a impact: write a whole number from 1 to 5"),
        ("#DIV/0!", 2, "#DIV/0!"),
    ],
)
def test_risk_rating_blanks_and_errors(likelihood, impact, result):
    assert u.CVM_RISK_RATING(likelihood, impact) == result
