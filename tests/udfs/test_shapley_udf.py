"""CVM_SHAPLEY (issue 16): each party's Shapley share of a portfolio of ideas given as a range, rows =
ideas, columns = parties, a blank cell = that party is not in that idea.

The worked example is the seed paper's Appendix-I idea 2, computed by hand; two parties reduce to
SPEC §3.5 ``equal``; a hypothesis test holds the function to ``core.shapley`` over a game the test
builds itself from the range; bad input shows Excel-style error text.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xlwings_windows import excel_call, windows_excel

from cvm_xl.core.chain import MAX_PARTIES
from cvm_xl.core.shapley import shapley_values
from cvm_xl.core.sharing import split
from udfs import cvm_udfs as u

THREE_YEARS = [["Horizon years", 3], ["Discount rate", 0]]


def row(result):
    """The one spilled row of a CVM_SHAPLEY result."""
    assert isinstance(result, list) and len(result) == 1, result
    return result[0]


# --- the seed paper's Appendix-I, idea 2 -----------------------------------------------------------


def test_appendix_i_idea_2_by_hand():
    """The service centre invests 550,000 once; the auto maker saves 45,000 + 122,000 a year; the
    supplier saves 220,000 a year; H = 3, r = 0."""
    supplier = u.CVM_VALUE(220_000, None, settings=THREE_YEARS)
    auto_maker = u.CVM_VALUE(45_000 + 122_000, None, settings=THREE_YEARS)
    service_centre = u.CVM_VALUE(None, -550_000, settings=THREE_YEARS, other_amounts=[[220_000, None]])
    assert (supplier, auto_maker, service_centre) == (660_000.0, 501_000.0, -550_000.0)
    # One idea of three parties: the unanimity game, net 611,000 / 3 = 203,666.67 each.
    shares = row(u.CVM_SHAPLEY([[supplier, auto_maker, service_centre]]))
    assert shares == pytest.approx([203_666.666_666_67] * 3, abs=1e-6)
    transfers = row(u.CVM_SHAPLEY([[supplier, auto_maker, service_centre]], "transfers"))
    # 203,666.67 - 660,000; 203,666.67 - 501,000; 203,666.67 + 550,000: the supplier and the auto
    # maker pay the service centre back its investment plus a third of the surplus.
    assert transfers == pytest.approx(
        [-456_333.333_333_33, -297_333.333_333_33, 753_666.666_666_67], abs=1e-6
    )
    assert math.fsum(transfers) == pytest.approx(0.0, abs=1e-6)


def test_the_spilled_row_through_xlwings_conversion():
    """Called as Excel calls it through xlwings: one row of three cells."""
    with windows_excel():
        got = excel_call("CVM_SHAPLEY", [[660_000, 501_000, -550_000]])
    assert got == [[pytest.approx(611_000 / 3)] * 3]


# --- blank = not a party ---------------------------------------------------------------------------


def test_a_blank_cell_is_not_a_party_and_a_zero_is():
    # Only the first two take part: the third is a null player and gets nothing.
    assert row(u.CVM_SHAPLEY([[100_000, -60_000, None]])) == [20_000.0, 20_000.0, 0.0]
    # A 0 makes the third a party of the idea: it shares the net like the others.
    assert row(u.CVM_SHAPLEY([[100_000, -60_000, 0]])) == pytest.approx([40_000 / 3] * 3)
    assert row(u.CVM_SHAPLEY([[100_000, -60_000, "  "]])) == [20_000.0, 20_000.0, 0.0]  # spaces: blank


def test_a_portfolio_of_ideas_with_different_parties():
    values = [[100_000, -60_000, None], [None, 30_000, 10_000]]
    # Idea 1 (parties 1, 2) is worth 40,000, idea 2 (parties 2, 3) 40,000: 20,000 each per idea.
    assert row(u.CVM_SHAPLEY(values)) == [20_000.0, 40_000.0, 20_000.0]
    # Own values 100,000, -30,000 and 10,000.
    assert row(u.CVM_SHAPLEY(values, "transfers")) == [-80_000.0, 70_000.0, 10_000.0]
    assert row(u.CVM_SHAPLEY(values, " Transfers ")) == [-80_000.0, 70_000.0, 10_000.0]
    assert row(u.CVM_SHAPLEY(values, "shares")) == [20_000.0, 40_000.0, 20_000.0]


def test_blank_rows_are_no_idea_and_blank_values_give_a_blank_row():
    values = [[None, None, None], [100_000, -60_000, None], [None, None, None]]
    assert row(u.CVM_SHAPLEY(values)) == [20_000.0, 20_000.0, 0.0]
    assert u.CVM_SHAPLEY([[None, None, None], [None, "", None]]) == [["", "", ""]]
    assert u.CVM_SHAPLEY(None) == [[""]]


def test_text_numbers_are_read_as_the_master_reads_them():
    assert row(u.CVM_SHAPLEY([["100000", "-60 000", None]])) == [20_000.0, 20_000.0, 0.0]
    # Text that reads two ways is refused, as in the master, naming the cell.
    assert u.CVM_SHAPLEY([["100,000", -60_000]]).startswith("#VALUE! Row 1, column 1 of values: '100,000'")


# --- two parties: SPEC §3.5 equal ------------------------------------------------------------------

money = st.integers(min_value=-(10**9), max_value=10**9).map(float)


@settings(max_examples=200, deadline=None)
@given(money, money)
def test_two_parties_reduce_to_the_equal_split_of_spec_3_5(vs, vc):
    equal = split(vs, vc, "equal")
    assert row(u.CVM_SHAPLEY([[vs, vc]])) == [equal.supplier_final, equal.customer_final]
    # The supplier pays T, the customer receives it.
    assert row(u.CVM_SHAPLEY([[vs, vc]], "transfers")) == pytest.approx(
        [-equal.transfer, equal.transfer], abs=1e-6
    )


# --- the function is core.shapley over the range's game --------------------------------------------

cell = st.one_of(st.none(), money)


@st.composite
def ranges(draw: st.DrawFn) -> list[list[float | None]]:
    parties = draw(st.integers(min_value=1, max_value=6))
    ideas = draw(st.integers(min_value=1, max_value=6))
    return [draw(st.lists(cell, min_size=parties, max_size=parties)) for _ in range(ideas)]


def _worth(values: list[list[float | None]]):
    """The portfolio game of the range, built here from its definition: v(S) = the summed net of the
    rows whose non-blank cells all lie in S (a row with no value is no idea)."""

    def v(mask: int) -> float:
        total = []
        for r in values:
            members = [i for i, x in enumerate(r) if x is not None]
            if members and all(mask >> i & 1 for i in members):
                total += [x for x in r if x is not None]
        return math.fsum(total)

    return v


@settings(max_examples=150, deadline=None)
@given(ranges())
def test_equals_core_shapley_of_the_ranges_game(values):
    n = len(values[0])
    got = u.CVM_SHAPLEY(values)
    if all(x is None for r in values for x in r):
        assert got == [[""] * n]
        return
    expected = shapley_values(n, _worth(values))
    assert row(got) == pytest.approx(expected.tolist(), rel=1e-9, abs=1e-3)
    # Efficiency: the shares add up to every value of the range; the transfers to 0.
    total = math.fsum(x for r in values for x in r if x is not None)
    assert math.fsum(row(got)) == pytest.approx(total, rel=1e-9, abs=1e-3)
    assert math.fsum(row(u.CVM_SHAPLEY(values, "transfers"))) == pytest.approx(0.0, abs=1e-3)


def test_twelve_parties_are_computed():
    values = [[1_000.0 * (i + 1) if (i + k) % 3 else None for i in range(MAX_PARTIES)] for k in range(30)]
    shares = row(u.CVM_SHAPLEY(values))
    assert len(shares) == MAX_PARTIES
    assert shares == pytest.approx(shapley_values(MAX_PARTIES, _worth(values)).tolist(), rel=1e-9)


# --- bad input -------------------------------------------------------------------------------------


def test_bad_input_is_error_text():
    assert u.CVM_SHAPLEY([[100, "abc", None]]) == "#VALUE! Row 1, column 2 of values: 'abc' is not a number"
    assert u.CVM_SHAPLEY([[100, None], [None, float("inf")]]) == (
        "#VALUE! Row 2, column 2 of values: inf is not a finite number"
    )
    too_many = u.CVM_SHAPLEY([[1] * (MAX_PARTIES + 1)])
    assert too_many.startswith(f"#VALUE! values has {MAX_PARTIES + 1} columns") and "at most 12" in too_many
    assert u.CVM_SHAPLEY([[1, 2]], "finals").startswith("#VALUE! show must be one of 'shares', 'transfers'")


def test_an_error_cell_anywhere_is_the_whole_result():
    """Every party's share depends on every cell: an error in one is the result, even after a
    cell that is wrong in its own way."""
    assert u.CVM_SHAPLEY([[100, -60, None], [None, "#DIV/0!", 5]]) == "#DIV/0!"
    assert u.CVM_SHAPLEY([["abc", None], [None, "#N/A"]]) == "#N/A"
    assert u.CVM_SHAPLEY([[100, -60]], "#REF!") == "#REF!"


def test_the_help_names_the_shape_and_the_options():
    info = u.CVM_SHAPLEY.__xlfunc__
    assert "Shapley" in info["ret"]["doc"] and len(info["ret"]["doc"]) <= 255
    values, show = [a for a in info["args"] if a["name"] != "caller"]
    assert "one row per idea" in values["doc"] and "blank cell" in values["doc"].lower()
    assert "transfers" in show["doc"]
