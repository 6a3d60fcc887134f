"""The bundle rule (issue 15, SPEC §3.4/§3.5 applied to a bundle): worked examples and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cvm_xl
from cvm_xl import Settings
from cvm_xl.core import columns as col
from cvm_xl.core import sharing
from cvm_xl.core.bundles import apportion, bundle_key, explicit_method, group_key
from cvm_xl.core.evaluation import evaluate_bundle, evaluate_idea

# The worked example: λ = 150,000, so +300,000 / -200,000 alone is SHELVE.
WORKED = Settings(horizon_years=1, max_one_sided_loss=150_000, significance_threshold=10_000)
SHELVED = {col.IDEA_ID: "FUR-A", col.CUSTOMER_ID: "C-FUR", col.SUPPLIER_ONE_TIME: 300_000,
           col.CUSTOMER_ONE_TIME: -200_000, col.SHARING_METHOD: "equal", col.BUNDLE: "B-1"}  # fmt: skip
RESCUER = {col.IDEA_ID: "FUR-B", col.CUSTOMER_ID: "C-FUR", col.SUPPLIER_ONE_TIME: -120_000,
           col.CUSTOMER_ONE_TIME: 250_000, col.BUNDLE: " b-1 "}  # fmt: skip


def test_the_shelved_idea_is_rescued_by_its_bundle() -> None:
    assert evaluate_idea(SHELVED, WORKED)[col.VERDICT_CODE] == "SHELVE"
    out = cvm_xl.evaluate_ideas(pd.DataFrame([SHELVED, RESCUER]), WORKED)
    for _, row in out.iterrows():
        assert (row[col.BUNDLE_SUPPLIER_VALUE], row[col.BUNDLE_CUSTOMER_VALUE]) == (180_000, 50_000)
        assert row[col.BUNDLE_CELL] == "W-W"
        assert row[col.VERDICT_CODE] == "GO_PRIORITY"
        assert row[col.SPLIT_METHOD] == "equal"
    # Equal split of the bundle: T = (180,000 - 50,000) / 2 = 65,000, apportioned 500,000 : 370,000.
    assert out[col.TRANSFER].tolist() == pytest.approx([65_000 * 500 / 870, 65_000 * 370 / 870], rel=1e-15)
    assert out[col.TRANSFER].sum() == pytest.approx(65_000, rel=1e-12)
    # The members keep their own values, cell and band; their finals add up to the bundle's.
    assert out[col.CELL].tolist() == ["W-L", "L-W"]
    assert out[col.BAND].tolist() == [500_000, 370_000]
    assert out[col.SUPPLIER_FINAL].sum() == pytest.approx(180_000 - 65_000, rel=1e-12)
    assert out[col.CUSTOMER_FINAL].sum() == pytest.approx(50_000 + 65_000, rel=1e-12)


def test_without_the_bundle_each_idea_is_judged_alone() -> None:
    rows = [{**SHELVED, col.BUNDLE: None}, {**RESCUER, col.BUNDLE: ""}]
    out = cvm_xl.evaluate_ideas(pd.DataFrame(rows), WORKED)
    assert out[col.VERDICT_CODE].tolist() == ["SHELVE", "GO"]
    assert out[col.BUNDLE_CELL].tolist() == [None, None]
    assert out[col.BUNDLE_SUPPLIER_VALUE].isna().all()


def test_members_of_another_customer_are_another_bundle() -> None:
    other = {**RESCUER, col.CUSTOMER_ID: "C-AUT"}
    out = cvm_xl.evaluate_ideas(pd.DataFrame([SHELVED, other]), WORKED)
    assert out[col.VERDICT_CODE].tolist() == ["SHELVE", "GO"]


def test_the_bundle_method_is_the_members_explicit_one_else_auto_on_the_bundle_cell() -> None:
    auto = [{**SHELVED, col.SHARING_METHOD: None}, RESCUER]
    out = cvm_xl.evaluate_ideas(pd.DataFrame(auto), WORKED)
    # auto on the bundle's cell W-W, whatever the members' own cells (W-L, L-W) would pick.
    assert out[col.SPLIT_METHOD].tolist() == [sharing.auto_method_for_cell("W-W", False)] * 2
    assert sharing.auto_method_for_cell("W-L", False) != sharing.auto_method_for_cell("W-W", False)
    rows = [{**SHELVED, col.SHARING_METHOD: None}, {**RESCUER, col.SHARING_METHOD: " Proportional"}]
    out = cvm_xl.evaluate_ideas(pd.DataFrame(rows), WORKED)
    assert out[col.SPLIT_METHOD].tolist() == ["proportional"] * 2
    assert explicit_method([None, "auto", " Equal"]) == "equal"


def test_an_unquantified_member_leaves_the_bundle_unquantified() -> None:
    rows = [SHELVED, {**RESCUER, col.QUANTIFIED: "No"}]
    out = cvm_xl.evaluate_ideas(pd.DataFrame(rows), WORKED)
    assert out[col.VERDICT_CODE].tolist() == ["POSTPONE_QUANTIFY"] * 2
    assert out[col.TRANSFER].tolist() == [0.0, 0.0]


def test_equal_parts_when_every_band_is_zero() -> None:
    assert apportion(90.0, [0.0, 0.0, 0.0]) == [30.0, 30.0, 30.0]
    assert apportion(0.0, [math.nan, 1.0]) == [0.0, 0.0]


def test_keys_are_trimmed_and_case_insensitive() -> None:
    assert bundle_key("  Bundle\t  One ") == bundle_key("bundle one")
    assert group_key(" c-fur", "B-1") == group_key("C-FUR", "b-1 ")
    assert bundle_key(None) == bundle_key(float("nan")) == ""


# --- properties -------------------------------------------------------------------------------------

money = st.one_of(
    st.none(),
    st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 5.0, -5.0]),
)
yes_no = st.sampled_from([None, "Yes", "No", True, False, " y "])
method = st.sampled_from([None, "", "auto", "equal", "Retain", "proportional", "compensate "])
share = st.one_of(st.none(), st.floats(min_value=0, max_value=1))
member = st.fixed_dictionaries(
    {
        col.CUSTOMER_ID: st.sampled_from(["C1", "c1 ", "C2"]),
        col.BUNDLE: st.sampled_from([None, "", "B", " b", "B2", "x"]),
        col.SUPPLIER_ANNUAL: money,
        col.SUPPLIER_ONE_TIME: money,
        col.CUSTOMER_ANNUAL: money,
        col.CUSTOMER_ONE_TIME: money,
        col.QUANTIFIED: yes_no,
        col.GOOD_FAITH: yes_no,
        col.ONE_OFF: yes_no,
        col.SHARING_METHOD: method,
        col.SUPPLIER_SHARE: share,
    }
)
settings_strategy = st.builds(
    Settings,
    horizon_years=st.sampled_from([1.0, 3.0]),
    discount_rate=st.sampled_from([0.0, 0.05]),
    indifference_threshold=st.sampled_from([0.0, 5.0, 1000.0]),
    significance_threshold=st.sampled_from([0.0, 50_000.0]),
    max_one_sided_loss=st.sampled_from([None, 100_000.0]),
    target_supplier_share=st.floats(min_value=0, max_value=1),
)


def _same(a: object, b: object) -> bool:
    if isinstance(a, np.floating):
        a = float(a)
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    return a == b


def _scalar_table(rows: list[dict], s: Settings) -> list[dict]:
    """The reference: each bundle's members through ``evaluate_bundle``, the others alone."""
    out: list[dict] = [{} for _ in rows]
    members: dict[tuple[str, str], list[int]] = {}
    for i, row in enumerate(rows):
        if bundle_key(row[col.BUNDLE]):
            members.setdefault(group_key(row[col.CUSTOMER_ID], row[col.BUNDLE]), []).append(i)
        else:
            out[i] = evaluate_idea(row, s)
    for positions in members.values():
        for i, computed in zip(positions, evaluate_bundle([rows[i] for i in positions], s), strict=True):
            out[i] = computed
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(member, min_size=1, max_size=12), settings_strategy)
def test_vector_and_scalar_bundles_are_identical(rows: list[dict], s: Settings) -> None:
    vector = cvm_xl.evaluate_ideas(pd.DataFrame(rows), s)
    for i, scalar in enumerate(_scalar_table(rows, s)):
        for name in col.IDEA_COMPUTED:
            assert _same(vector[name].iloc[i], scalar[name]), (name, i, vector[name].iloc[i], scalar[name])


@settings(max_examples=200, deadline=None)
@given(st.lists(member, min_size=1, max_size=12), settings_strategy)
def test_members_transfers_and_finals_add_up_to_the_bundle(rows: list[dict], s: Settings) -> None:
    out = cvm_xl.evaluate_ideas(pd.DataFrame(rows), s)
    bundled = out[out[col.BUNDLE].map(bundle_key) != ""]
    keys = [group_key(c, b) for c, b in zip(bundled[col.CUSTOMER_ID], bundled[col.BUNDLE], strict=True)]
    for key in set(keys):
        part = bundled[[k == key for k in keys]]
        first = part.iloc[0]
        bvs, bvc = first[col.BUNDLE_SUPPLIER_VALUE], first[col.BUNDLE_CUSTOMER_VALUE]
        assert part[col.VERDICT_CODE].nunique() == part[col.SPLIT_METHOD].nunique() == 1
        if first[col.SPLIT_METHOD] == "none":
            assert (part[col.TRANSFER] == 0).all()
            continue
        t = cvm_xl.split(bvs, bvc, first[col.SPLIT_METHOD], supplier_share=_share(part, s)).transfer
        scale = abs(bvs) + abs(bvc) + abs(t) + 1.0
        assert math.isclose(part[col.TRANSFER].sum(), t, rel_tol=1e-9, abs_tol=1e-9 * scale)
        assert math.isclose(part[col.SUPPLIER_FINAL].sum(), bvs - t, rel_tol=1e-9, abs_tol=1e-9 * scale)
        assert math.isclose(part[col.CUSTOMER_FINAL].sum(), bvc + t, rel_tol=1e-9, abs_tol=1e-9 * scale)


def _share(part: pd.DataFrame, s: Settings) -> float:
    given_shares = [float(x) for x in part[col.SUPPLIER_SHARE] if x is not None and not pd.isna(x)]
    return sum(given_shares) / len(given_shares) if given_shares else s.target_supplier_share


@settings(max_examples=200, deadline=None)
@given(member, settings_strategy)
def test_a_bundle_of_one_behaves_as_the_idea_alone(row: dict, s: Settings) -> None:
    alone = evaluate_idea(row, s)
    bundled = cvm_xl.evaluate_ideas(pd.DataFrame([{**row, col.BUNDLE: "solo"}]), s).iloc[0]
    for name in col.IDEA_COMPUTED[: col.IDEA_COMPUTED.index(col.BUNDLE_SUPPLIER_VALUE)]:
        assert _same(bundled[name], alone[name]), (name, bundled[name], alone[name])
    assert _same(bundled[col.BUNDLE_SUPPLIER_VALUE], alone[col.SUPPLIER_VALUE])
    assert _same(bundled[col.BUNDLE_CUSTOMER_VALUE], alone[col.CUSTOMER_VALUE])
    assert bundled[col.BUNDLE_CELL] == alone[col.CELL]
