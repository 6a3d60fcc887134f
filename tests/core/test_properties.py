"""Hypothesis properties of SPEC §3: the invariants that must hold for every input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import cvm_xl
from cvm_xl import Settings
from cvm_xl.core import spellings
from cvm_xl.core.cells import parse_yes_no
from cvm_xl.core.columns import IDEA_COMPUTED
from cvm_xl.core.passbook import balances, passbook_lines
from cvm_xl.core.sharing import METHODS, SPLIT_METHODS, SplitMethod, normalise_method

money = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
share = st.floats(min_value=0, max_value=1)
# Values on and around the threshold boundaries are where scalar and vector code could part ways.
edgy = st.one_of(money, st.sampled_from([0.0, -0.0, 5.0, -5.0, 5.000001, -4.999999, 1e-300]))


def close(a: float, b: float, scale: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9 * max(1.0, scale))


@given(money, money, st.sampled_from(METHODS), share)
def test_finals_always_add_up_to_the_net(vs: float, vc: float, method: str, w: float) -> None:
    sp = cvm_xl.split(vs, vc, method, supplier_share=w)
    assert close(sp.supplier_final + sp.customer_final, cvm_xl.net(vs, vc), abs(vs) + abs(vc))
    assert sp.supplier_final == vs - sp.transfer
    assert sp.customer_final == vc + sp.transfer


@given(money, money)
def test_equal_split_leaves_both_firms_level(vs: float, vc: float) -> None:
    sp = cvm_xl.split(vs, vc, "equal")
    assert close(sp.supplier_final, sp.customer_final, abs(vs) + abs(vc))
    assert close(sp.supplier_final, cvm_xl.net(vs, vc) / 2, abs(vs) + abs(vc))


@given(money, money)
def test_proportional_half_is_equal(vs: float, vc: float) -> None:
    a = cvm_xl.split(vs, vc, "proportional", supplier_share=0.5)
    b = cvm_xl.split(vs, vc, "equal")
    assert close(a.transfer, b.transfer, abs(vs) + abs(vc))


@given(money, money)
def test_zone_non_empty_iff_net_not_negative(vs: float, vc: float) -> None:
    z = cvm_xl.zone(vs, vc)
    assert (z is not None) == (cvm_xl.net(vs, vc) >= 0)
    if z is not None:
        assert z.low <= z.high
        # Every transfer in the zone leaves neither firm below zero.
        for t in (z.low, z.high, (z.low + z.high) / 2):
            assert vs - t >= -1e-9 * (abs(vs) + 1) and vc + t >= -1e-9 * (abs(vc) + 1)


@given(money, money, st.floats(min_value=0, max_value=1e6))
def test_outcome_is_monotone(a: float, b: float, tau: float) -> None:
    rank = {"L": 0, "I": 1, "W": 2}
    lo, hi = sorted((a, b))
    assert rank[cvm_xl.outcome(lo, tau)] <= rank[cvm_xl.outcome(hi, tau)]


@given(money, money)
def test_compensate_makes_the_loser_whole_and_no_more(vs: float, vc: float) -> None:
    assume(vs + vc >= 0)
    sp = cvm_xl.split(vs, vc, "compensate")
    assert sp.supplier_final >= -1e-6 and sp.customer_final >= -1e-6
    if vs >= 0 and vc >= 0:
        assert sp.transfer == 0


@given(money, money)
def test_band_bounds_the_net(vs: float, vc: float) -> None:
    assert abs(cvm_xl.net(vs, vc)) <= cvm_xl.band(vs, vc) * (1 + 1e-15)


blank_or_money = st.one_of(st.none(), st.just(float("nan")), edgy)
yes_no = st.sampled_from(
    [None, "Yes", "No", "y", "N", True, False, 1, 0, "TRUE", "false", " yes ", "N\t", 1.0, 0.0, "1", " 0"]
)
method_cell = st.sampled_from(
    [
        None,
        "",
        "auto",
        "Equal",
        "retain",
        "proportional",
        "COMPENSATE ",
        " Auto",
        "Retain\t",
        " PROPORTIONAL ",
    ]
)
share_cell = st.one_of(st.none(), share)

idea_rows = st.fixed_dictionaries(
    {
        "Supplier annual": blank_or_money,
        "Supplier one-time": blank_or_money,
        "Customer annual": blank_or_money,
        "Customer one-time": blank_or_money,
        "Quantified": yes_no,
        "Good faith": yes_no,
        "One-off": yes_no,
        "Sharing method": method_cell,
        "Supplier share": share_cell,
    }
)
settings_strategy = st.builds(
    Settings,
    horizon_years=st.sampled_from([1.0, 2.5, 3.0, 4.0]),
    discount_rate=st.sampled_from([0.0, 0.05, 0.1]),
    indifference_threshold=st.sampled_from([0.0, 5.0, 1000.0]),
    significance_threshold=st.sampled_from([0.0, 5.0, 50_000.0]),
    max_one_sided_loss=st.sampled_from([None, 0.0, 5.0, 100_000.0]),
    target_supplier_share=share,
)


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    return a == b


@settings(max_examples=150, deadline=None)
@given(st.lists(idea_rows, min_size=1, max_size=25), settings_strategy)
def test_scalar_and_vectorised_evaluation_are_identical(rows: list[dict], s: Settings) -> None:
    table = pd.DataFrame(rows)
    vector = cvm_xl.evaluate_ideas(table, s)
    for i, row in enumerate(rows):
        scalar = cvm_xl.evaluate_idea(row, s)
        for name in IDEA_COMPUTED:
            got = vector[name].iloc[i]
            got = float(got) if isinstance(got, np.floating) else got
            assert same(scalar[name], got), (name, row, scalar[name], got)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(SPLIT_METHODS), st.lists(st.tuples(edgy, edgy, share), min_size=1, max_size=20))
def test_each_method_record_scalar_and_vector_are_identical(
    method: SplitMethod, rows: list[tuple[float, float, float]]
) -> None:
    """A record's vector transfer gives its scalar transfer bit for bit, row by row."""
    vs, vc, w = (np.array(column) for column in zip(*rows, strict=True))
    vector = method.transfer_vector(vs, vc, w) + 0.0
    for i, (a, b, c) in enumerate(rows):
        assert vector[i] == method.transfer(a, b, c) + 0.0


def _written(spelling: str, draw_case: list[bool], before: str, after: str) -> str:
    cased = "".join(ch.upper() if up else ch.lower() for ch, up in zip(spelling, draw_case, strict=False))
    return before + cased + spelling[len(cased) :] + after


padding = st.text(alphabet=" \t\n\r", max_size=3)


@given(
    st.sampled_from([(y, True) for y, _ in spellings.YES_NO] + [(n, False) for _, n in spellings.YES_NO]),
    st.lists(st.booleans(), max_size=5),
    padding,
    padding,
)
def test_every_table_spelling_in_any_case_with_spaces_around(
    entry: tuple[str, bool], draw_case: list[bool], before: str, after: str
) -> None:
    spelling, meaning = entry
    assert parse_yes_no(_written(spelling, draw_case, before, after)) is meaning


@given(st.sampled_from(METHODS), st.lists(st.booleans(), max_size=12), padding, padding)
def test_every_method_name_in_any_case_with_spaces_around(
    name: str, draw_case: list[bool], before: str, after: str
) -> None:
    assert normalise_method(_written(name, draw_case, before, after)) == name


statuses = st.sampled_from(["Signed off", "Delivered", "Proposed"])


@given(st.lists(st.tuples(money, money, statuses), max_size=30), share)
def test_passbook_balances_add_up(rows: list[tuple[float, float, str]], w: float) -> None:
    table = pd.DataFrame(
        {
            "Idea ID": [f"I{i}" for i in range(len(rows))],
            "Customer ID": "C",
            "Supplier annual": [r[0] for r in rows],
            "Customer annual": [r[1] for r in rows],
            "Status": [r[2] for r in rows],
        },
    )
    evaluated = cvm_xl.evaluate_ideas(table, Settings(horizon_years=1)) if rows else None
    if evaluated is None:
        return
    lines = passbook_lines(evaluated)
    entered = evaluated[evaluated["Status"] != "Proposed"]
    assert len(lines) == 3 * len(entered)
    b = balances(lines, w)
    scale = float(np.abs(entered[["Supplier value", "Customer value"]].to_numpy()).sum()) + 1
    assert close(b.supplier + b.customer, b.total, scale)
    assert close(b.total, float(entered["Net value"].sum()), scale)
    assert close(b.supplier, float(entered["Supplier final"].sum()), scale)
    assert close(b.equity_gap, b.supplier - w * b.total, scale)
