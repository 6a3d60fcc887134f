"""The worksheet functions' column forms judge bundles as the core does (issue 15)."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cvm_xl.core import columns as col
from cvm_xl.core.evaluation import evaluate_idea, evaluate_ideas
from cvm_xl.core.settings import Settings
from udfs import cvm_udfs

S = Settings(horizon_years=1, max_one_sided_loss=150_000, significance_threshold=10_000)
SETTINGS_ROWS = [["Setting", "Value"], ["Horizon years", 1], ["Max one-sided loss", 150_000],
                 ["Significance threshold", 10_000]]  # fmt: skip


def _column(values: list) -> list[list]:
    return [[v] for v in values]


def _blank(x: object) -> object:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else x


row = st.fixed_dictionaries(
    {
        col.SUPPLIER_VALUE: st.one_of(st.none(), st.integers(-400_000, 400_000)),
        col.CUSTOMER_VALUE: st.one_of(st.none(), st.integers(-400_000, 400_000)),
        col.QUANTIFIED: st.sampled_from([None, "Yes", "No"]),
        col.GOOD_FAITH: st.sampled_from([None, "Yes"]),
        col.ONE_OFF: st.sampled_from([None, "Yes"]),
        col.SHARING_METHOD: st.sampled_from([None, "equal", "compensate", "proportional"]),
        col.SUPPLIER_SHARE: st.sampled_from([None, 0.3]),
        col.BUNDLE: st.sampled_from([None, "B-1", "b-1", "B-2"]),
    }
)


INPUTS = (col.QUANTIFIED, col.GOOD_FAITH, col.ONE_OFF, col.SHARING_METHOD, col.SUPPLIER_SHARE, col.BUNDLE)


@settings(max_examples=80, deadline=None)
@given(st.lists(row, min_size=1, max_size=10))
def test_column_forms_equal_evaluate_ideas(rows: list[dict]) -> None:
    frame = pd.DataFrame(
        {
            col.SUPPLIER_ONE_TIME: [r[col.SUPPLIER_VALUE] for r in rows],
            col.CUSTOMER_ONE_TIME: [r[col.CUSTOMER_VALUE] for r in rows],
            **{name: [r[name] for r in rows] for name in INPUTS},
            col.CUSTOMER_ID: "C",
        }
    )
    expected = evaluate_ideas(frame, S)
    c = {name: _column([r[name] for r in rows]) for name in rows[0]}
    vs, vc, bundle = c[col.SUPPLIER_VALUE], c[col.CUSTOMER_VALUE], c[col.BUNDLE]
    flags = (c[col.QUANTIFIED], c[col.GOOD_FAITH])
    split_args = (vs, vc, c[col.SHARING_METHOD], c[col.SUPPLIER_SHARE], c[col.ONE_OFF], *flags)

    def flat(result: object) -> list:
        return [x[0] for x in result] if isinstance(result, list) else [result]

    code = flat(cvm_udfs.CVM_VERDICT(vs, vc, *flags, "code", SETTINGS_ROWS, bundle))
    assert code == list(expected[col.VERDICT_CODE])
    transfer = flat(cvm_udfs.CVM_TRANSFER(*split_args, SETTINGS_ROWS, bundle))
    assert transfer == [_blank(x) for x in expected[col.TRANSFER]]
    split = cvm_udfs.CVM_SPLIT(*split_args, None, SETTINGS_ROWS, bundle)
    columns = (col.SPLIT_METHOD, col.TRANSFER, col.SUPPLIER_FINAL, col.CUSTOMER_FINAL)
    assert split == [[_blank(x) for x in r] for r in expected[list(columns)].itertuples(index=False)]
    sums = cvm_udfs.CVM_BUNDLE(vs, vc, bundle, None, SETTINGS_ROWS)
    columns = (col.BUNDLE_SUPPLIER_VALUE, col.BUNDLE_CUSTOMER_VALUE, col.BUNDLE_CELL)
    assert sums == [[_blank(x) for x in r] for r in expected[list(columns)].itertuples(index=False)]


def test_the_worked_example_and_a_single_row() -> None:
    vs, vc, bundle = [[300_000], [-120_000]], [[-200_000], [250_000]], [["B-1"], [" b-1"]]
    assert cvm_udfs.CVM_VERDICT(vs, vc, None, None, "code", SETTINGS_ROWS, bundle) == [
        ["GO_PRIORITY"],
        ["GO_PRIORITY"],
    ]
    parts = cvm_udfs.CVM_TRANSFER(vs, vc, "equal", None, None, None, None, SETTINGS_ROWS, bundle)
    assert [round(p[0], 6) for p in parts] == [round(65_000 * 500 / 870, 6), round(65_000 * 370 / 870, 6)]
    # One row sees no other member: it is its own bundle, judged as the idea alone.
    alone = evaluate_idea({col.SUPPLIER_ONE_TIME: 300_000, col.CUSTOMER_ONE_TIME: -200_000}, S)
    assert cvm_udfs.CVM_VERDICT(300_000, -200_000, None, None, "code", SETTINGS_ROWS, "B-1") == "SHELVE"
    assert alone[col.VERDICT_CODE] == "SHELVE"


def test_an_error_in_a_member_is_its_bundles_error_only() -> None:
    vs = [[300_000], ["abc"], [10_000]]
    vc = [[-200_000], [250_000], [20_000]]
    bundle = [["B-1"], ["B-1"], [None]]
    got = cvm_udfs.CVM_VERDICT(vs, vc, None, None, "code", SETTINGS_ROWS, bundle)
    assert got[0] == got[1] and got[0][0].startswith("#VALUE!")
    assert got[2] == ["GO_PRIORITY"]
    assert cvm_udfs.CVM_BUNDLE(vs, vc, [["B-1"], ["#N/A"], [None]], None, SETTINGS_ROWS) == "#N/A"


def test_the_help_says_how_bundles_are_judged() -> None:
    for function in (cvm_udfs.CVM_VERDICT, cvm_udfs.CVM_TRANSFER, cvm_udfs.CVM_SPLIT, cvm_udfs.CVM_BUNDLE):
        args = {a["name"]: a["doc"] for a in function.__xlfunc__["args"]}
        assert "whole columns" in args["bundle"] and "judged alone" in args["bundle"]
    assert "whole columns" in cvm_udfs.CVM_BUNDLE.__xlfunc__["ret"]["doc"]
