"""The template's Ideas formulas, run through the worksheet functions, give what evaluate_ideas gives.

The formulas are read from the template layout and interpreted here (each function called once
per column, as Excel would spill it), so a change to a formula or a function that makes the
workbook disagree with the core fails this test.
"""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from template_formulas import column_values

from cvm_xl.core import columns as col
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.settings import Settings
from cvm_xl.excel.template.layout import IDEA_FORMULAS
from cvm_xl.master.schema import IDEAS


def run_formula(formula: str, table: dict[str, list], settings_rows: list[list]) -> list:
    """One computed column: the formula's function called once with whole columns (rows without a
    bundle), and a bundled row's place in the call over the whole table (``template_formulas``)."""
    return column_values(formula, table, settings_rows)


def as_cells(values) -> list:
    """evaluate_ideas' output the way a worksheet shows it: NaN and None are blank."""
    return ["" if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in values]


amount = st.one_of(st.none(), st.integers(-500_000, 500_000), st.floats(-1e6, 1e6, allow_nan=False))
flag = st.sampled_from([None, "Yes", "No", "Y", "n", 1, 0, True])
idea = st.fixed_dictionaries(
    {
        col.SUPPLIER_ANNUAL: amount,
        col.SUPPLIER_ONE_TIME: amount,
        col.CUSTOMER_ANNUAL: amount,
        col.CUSTOMER_ONE_TIME: amount,
        col.QUANTIFIED: flag,
        col.GOOD_FAITH: flag,
        col.ONE_OFF: flag,
        col.SHARING_METHOD: st.sampled_from([None, "auto", "retain", "Equal", "proportional", "compensate"]),
        col.SUPPLIER_SHARE: st.one_of(st.none(), st.floats(0, 1)),
    }
)
SETTINGS_VARIANTS = [
    Settings(),
    Settings(horizon_years=5, discount_rate=0.08, indifference_threshold=2000, significance_threshold=10000),
    Settings(horizon_years=2.5, max_one_sided_loss=50_000, target_supplier_share=0.7),
]


def settings_rows(s: Settings) -> list[list]:
    return [
        ["Horizon years", s.horizon_years],
        ["Discount rate", s.discount_rate],
        ["Indifference threshold", s.indifference_threshold],
        ["Significance threshold", s.significance_threshold],
        ["Max one-sided loss", s.max_one_sided_loss],
        ["Target supplier share", s.target_supplier_share],
    ]


def check(ideas: list[dict], s: Settings) -> None:
    names = [*IDEAS.names, *IDEAS.computed]
    table = {name: [row.get(name) for row in ideas] for name in names}
    table[col.IDEA_ID] = [f"I{i}" for i in range(len(ideas))]
    for name, formula in IDEA_FORMULAS.items():  # in the order the columns depend on each other
        table[name] = run_formula(formula, table, settings_rows(s))
    frame = pd.DataFrame({name: [row.get(name) for row in ideas] for name in IDEAS.names})
    expected = evaluate_ideas(frame, s)
    for name in IDEAS.computed:
        assert table[name] == as_cells(expected[name]), name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(idea, min_size=1, max_size=12), st.sampled_from(SETTINGS_VARIANTS))
def test_template_formulas_equal_evaluate_ideas(ideas, s):
    check(ideas, s)


def test_paper_and_edge_rows():
    rows = [
        {col.SUPPLIER_ONE_TIME: 100000, col.CUSTOMER_ONE_TIME: -60000, col.ONE_OFF: "Yes"},
        {col.CUSTOMER_ANNUAL: 20000},  # the supplier has no amounts: it is worth 0, not blank
        {},  # unquantified
        {col.GOOD_FAITH: "Yes"},
        {col.SUPPLIER_ANNUAL: 1000, col.CUSTOMER_ANNUAL: 1000, col.SHARING_METHOD: "proportional"},
    ]
    check(rows, Settings())
    check(rows, SETTINGS_VARIANTS[1])


def test_every_computed_column_has_a_formula():
    assert tuple(IDEA_FORMULAS) == IDEAS.computed
