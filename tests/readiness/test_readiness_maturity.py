"""Maturity assessment: Attributes, Ability, Attitude rated A-D for both firms (SPEC §3.9)."""

from __future__ import annotations

import pandas as pd
import pytest

from cvm_xl.readiness.maturity import (
    EXCEL_PROMPT_LIMIT,
    MATURITY_DESCRIPTIONS,
    NOT_ASSESSED,
    NOT_READY,
    READY,
    READY_WITH_NEEDS,
    VERDICT_RULE,
    VERDICT_STEPS,
    empty_maturity,
    first_ratings,
    maturity_help,
    maturity_prompt,
    maturity_verdict,
    maturity_verdicts,
    parse_rating,
    ratings_from_grid,
    ratings_of,
    read_ratings,
    verdict_formula,
)


def both(supplier: str, customer: str) -> dict[str, dict[str, str]]:
    """Ratings from two three-letter strings (Attributes, Ability, Attitude)."""
    dims = ("Attributes", "Ability", "Attitude")
    return {
        "Supplier": dict(zip(dims, supplier, strict=True)),
        "Customer": dict(zip(dims, customer, strict=True)),
    }


def test_descriptions_are_the_method_s_table() -> None:
    assert set(MATURITY_DESCRIPTIONS) == {"Attributes", "Ability", "Attitude"}
    assert all(set(levels) == {"A", "B", "C", "D"} for levels in MATURITY_DESCRIPTIONS.values())
    assert MATURITY_DESCRIPTIONS["Attitude"]["A"] == (
        "There is clear corporate commitment and leadership that cascades throughout the operations"
    )
    assert MATURITY_DESCRIPTIONS["Attributes"]["D"] == (
        "Operates with a traditional contract and procedural based approach"
    )
    assert MATURITY_DESCRIPTIONS["Ability"]["C"] == (
        "There is appreciation of collaborative approaches but a lack of skills"
    )


def test_help_texts() -> None:
    lines = maturity_help("Ability").split("\n")
    assert [line[:3] for line in lines] == ["A: ", "B: ", "C: ", "D: "]
    assert lines[3] == "D: No appreciation of a practical approach to the value of relationships"
    for dimension in MATURITY_DESCRIPTIONS:
        assert len(maturity_prompt(dimension)) <= EXCEL_PROMPT_LIMIT
        assert maturity_prompt(dimension).startswith(dimension)


def test_only_a_and_b_is_ready() -> None:
    assert maturity_verdict(both("ABA", "BBB")) == (True, READY, [])


def test_a_c_is_ready_with_a_development_need() -> None:
    verdict = maturity_verdict(both("ACB", "AAA"))
    assert verdict.ready is True
    assert verdict.label == READY_WITH_NEEDS
    assert verdict.reasons == [
        "Supplier Ability C (development need): "
        "There is appreciation of collaborative approaches but a lack of skills"
    ]


def test_any_d_is_not_ready_and_blockers_come_first() -> None:
    ratings = both("ACA", "AAD")
    verdict = maturity_verdict(ratings)
    assert verdict.ready is False
    assert verdict.label == NOT_READY
    assert verdict.reasons[0] == (
        "Customer Attitude D: Only operates a robust and effective arms length contracting approach"
    )
    assert verdict.reasons[1].startswith("Supplier Ability C (development need)")


def test_a_d_decides_even_with_ratings_missing() -> None:
    verdict = maturity_verdict({"customer": {" attitude ": "d"}})
    assert verdict.label == NOT_READY
    assert verdict.reasons[0].startswith("Customer Attitude D:")
    assert "Supplier Attributes not rated" in verdict.reasons
    assert len(verdict.reasons) == 6


def test_missing_ratings_are_not_assessed() -> None:
    ratings = both("AAA", "AAB")
    ratings["Customer"]["Ability"] = ""
    assert maturity_verdict(ratings) == (False, NOT_ASSESSED, ["Customer Ability not rated"])
    assert maturity_verdict({}).label == NOT_ASSESSED


def test_unreadable_rating_names_firm_and_dimension() -> None:
    with pytest.raises(ValueError, match="Customer Attitude: 'E' is not one of A, B, C, D"):
        maturity_verdict(both("AAA", "AAE"))
    assert parse_rating(" b ") == "B"
    assert parse_rating(None) is None


def test_ratings_from_a_sheet_range() -> None:
    grid = [["A", "B", "A"], ["B", "C", "D"]]
    assert maturity_verdict(ratings_from_grid(grid)) == maturity_verdict(both("ABA", "BCD"))
    assert ratings_from_grid(["A", "B", "A", "B", "C", "D"]) == ratings_from_grid(grid)
    assert ratings_from_grid([["A"], ["B"], ["A"], ["B"], ["C"], ["D"]]) == ratings_from_grid(grid)
    with pytest.raises(ValueError, match="six ratings"):
        ratings_from_grid([["A", "B", "A"]])


def test_table_helpers() -> None:
    table = pd.DataFrame(
        {
            "Customer ID": ["C1", "C1", "C2", "C2", "C3"],
            "Firm": ["Supplier", "customer", "Supplier", "Customer", "Nobody"],
            "Attributes": ["A", "B", "A", "A", "A"],
            "Ability": ["B", "C", "A", "x", "A"],
            "Attitude": ["A", "B", "A", "A", "A"],
        },
        index=[2, 3, 4, 5, 6],
    )
    assert ratings_of(table, "C1") == {
        "Supplier": {"Attributes": "A", "Ability": "B", "Attitude": "A"},
        "Customer": {"Attributes": "B", "Ability": "C", "Attitude": "B"},
    }
    assert ratings_of(table, "C2")["Customer"]["Ability"] is None  # unreadable -> not rated
    out = maturity_verdicts(table, ["C1", "C2", "C3", "C4"])
    assert out["Maturity verdict"].tolist() == [READY_WITH_NEEDS, NOT_ASSESSED, NOT_ASSESSED, NOT_ASSESSED]
    assert out["Maturity ready"].tolist() == ["Yes", "No", "No", "No"]
    assert out.loc[1, "Maturity reasons"] == "Customer Ability not rated"


def test_empty_maturity() -> None:
    empty = empty_maturity("C1")
    assert list(empty.columns) == ["Customer ID", "Firm", "Attributes", "Ability", "Attitude", "Note"]
    assert empty["Firm"].tolist() == ["Supplier", "Customer"]
    assert empty.loc[0, "Attributes"] is None
    assert maturity_verdict(ratings_of(empty, "C1")).label == NOT_ASSESSED


def test_the_verdict_steps_are_the_rule_in_words() -> None:
    assert [step.label for step in VERDICT_STEPS] == [NOT_READY, NOT_ASSESSED, READY_WITH_NEEDS]
    assert VERDICT_RULE.startswith("Any D: not ready.") and VERDICT_RULE.endswith("Only A and B: ready.")
    grid = "$C$1:$D$3"
    formula = verdict_formula(grid)
    assert formula.index(f'"{NOT_READY}"') < formula.index(f'"{NOT_ASSESSED}"') < formula.index(f'"{READY}"')
    assert f"<{len(MATURITY_DESCRIPTIONS) * 2}," in formula  # six ratings: three dimensions, two firms


def test_ratings_read_once_are_the_tables() -> None:
    table = pd.DataFrame(
        {
            "Customer ID": ["C1", "C1", "C1"],
            "Firm": ["customer", "Customer", "Supplier"],
            "Attributes": ["a", "D", "B"],
            "Ability": ["x", "D", "C"],
            "Attitude": [None, "D", "A"],
        }
    )
    rows = read_ratings(table)
    assert rows[0] == ("Customer", {"Attributes": "A", "Ability": None, "Attitude": None})
    assert first_ratings(rows) == ratings_of(table, "C1")
    assert first_ratings(rows)["Customer"]["Attributes"] == "A"  # the first row of a firm wins
    assert read_ratings(None) == [] and first_ratings([]) == {}
