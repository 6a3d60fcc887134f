"""The template's Ideas formulas judge a bundle as one (issue 15, SPEC §3.4/§3.5 on a bundle).

The formulas are read from a freshly built template, as the file stores them, and evaluated as
Excel would (``template_formulas.column_values``: a row without a bundle by its own call, a bundled
row by its place in the call over whole columns) through the Python worksheet functions; every
computed column must then be exactly what ``evaluate_ideas`` gives, bundled rows and single ones.
"""

from __future__ import annotations

import io
import math
import re

import openpyxl
import pandas as pd
import pytest
from bundle_fixtures import CUT, RESCUER, SHELVED, SINGLE, bundle_master
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from template_formulas import Argument, alone, column_values, read_formula, udf_column

from cvm_xl.core import columns as col
from cvm_xl.core.bundles import in_bundle
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.settings import ALL_SETTING_LABELS, Settings
from cvm_xl.excel.template import build_template, layout
from cvm_xl.formulas.functions import ALLOWED_FUNCTIONS
from cvm_xl.master.schema import IDEAS
from udfs import cvm_udfs, xl

_BUNDLE_SUMS = (col.BUNDLE_SUPPLIER_VALUE, col.BUNDLE_CUSTOMER_VALUE, col.BUNDLE_CELL)
# The columns a bundle decides for its members (the lead's bundle rule): each formula routes them.
BUNDLE_DECIDED = (
    col.VERDICT, col.VERDICT_CODE, col.SPLIT_METHOD, col.TRANSFER, col.SUPPLIER_FINAL,
    col.CUSTOMER_FINAL, col.BUNDLE_SUPPLIER_VALUE, col.BUNDLE_CUSTOMER_VALUE, col.BUNDLE_CELL,
)  # fmt: skip


@pytest.fixture(scope="module")
def file_formulas() -> dict[str, str]:
    """The Ideas table's computed-column formulas as the built template stores them in row 2."""
    book = openpyxl.load_workbook(io.BytesIO(build_template()), keep_vba=True)
    ws = book["Ideas"]
    headers = [c.value for c in ws[1]]
    table = ws.tables[IDEAS.table_name]
    calculated = {c.name: c.calculatedColumnFormula for c in table.tableColumns}
    formulas = {}
    for name in IDEAS.computed:
        formula = ws.cell(row=2, column=headers.index(name) + 1).value
        # The table's calculated column is the same formula: Excel copies it into every new row.
        assert "=" + calculated[name].attr_text == formula, name
        formulas[name] = formula
    return formulas


def settings_rows(s: Settings) -> list[list]:
    """The Settings table as the formulas pass it (tblSettings: label, value)."""
    return [[label, getattr(s, name)] for label, name in ALL_SETTING_LABELS.items()]


def cell(x: object) -> object:
    """A typed table's value as a worksheet cell hands it to a function: missing is blank."""
    return None if x is None or x is pd.NaT or (isinstance(x, float) and math.isnan(x)) else x


def as_cells(values) -> list:
    """evaluate_ideas' output the way a worksheet shows it: NaN and None are blank."""
    return ["" if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in values]


def sheet(formulas: dict[str, str], ideas: pd.DataFrame, s: Settings) -> dict[str, list]:
    """The Ideas table after Excel's recalculation: the inputs, then every computed column in order
    (each formula sees the columns before it)."""
    table = {
        name: [cell(x) for x in ideas[name]] if name in ideas else [None] * len(ideas) for name in IDEAS.names
    }
    table |= {name: [None] * len(ideas) for name in IDEAS.computed}
    for name in IDEAS.computed:
        table[name] = column_values(formulas[name], table, settings_rows(s))
    return table


def assert_equals_evaluate_ideas(table: dict[str, list], ideas: pd.DataFrame, s: Settings) -> None:
    expected = evaluate_ideas(ideas, s)
    for name in IDEAS.computed:
        assert table[name] == as_cells(expected[name]), name


def test_formulas_in_the_file_are_the_layouts(file_formulas):
    assert file_formulas == layout.IDEA_FORMULAS
    for name in BUNDLE_DECIDED:  # every column a bundle decides has a whole-table form
        bundled = read_formula(file_formulas[name]).bundled
        assert bundled is not None and Argument("whole", (col.BUNDLE, col.BUNDLE)) in bundled.args, name
    for name in set(IDEAS.computed) - set(BUNDLE_DECIDED):  # a member's own values stay its own
        assert read_formula(file_formulas[name]).bundled is None, name


def test_formulas_call_only_the_add_ins_functions_and_classic_ones(file_formulas):
    udfs = {f.__xlfunc__["name"] for f in xl.udf_functions(cvm_udfs)}
    for name, formula in file_formulas.items():
        text = re.sub(r'"(?:[^"]|"")*"', '""', formula)
        used = set(re.findall(r"([A-Z][A-Z0-9_.]*)\(", text))
        assert used <= udfs | ALLOWED_FUNCTIONS, (name, used - udfs - ALLOWED_FUNCTIONS)


def test_the_worked_example_gives_evaluate_ideas_numbers(file_formulas):
    master = bundle_master()
    table = sheet(file_formulas, master.ideas, master.settings)
    assert_equals_evaluate_ideas(table, master.ideas, master.settings)
    row = {idea: i for i, idea in enumerate(table[col.IDEA_ID])}
    shelved, rescuer = row[SHELVED], row[RESCUER]
    # B1 is +180,000 / +50,000: a win-win, which both members show; their transfers add up to the
    # bundle's and their finals to its finals.
    for i in (shelved, rescuer):
        assert table[col.BUNDLE_SUPPLIER_VALUE][i] == 180_000
        assert table[col.BUNDLE_CUSTOMER_VALUE][i] == 50_000
        assert table[col.BUNDLE_CELL][i] == "W-W"
        assert table[col.VERDICT_CODE][i] == table[col.VERDICT_CODE][shelved]
    assert table[col.SUPPLIER_FINAL][shelved] + table[col.SUPPLIER_FINAL][rescuer] == pytest.approx(
        180_000 - table[col.TRANSFER][shelved] - table[col.TRANSFER][rescuer]
    )
    for i in (row[SINGLE], row[CUT]):  # outside a bundle: blank bundle columns, no whole-table call
        assert [table[name][i] for name in _BUNDLE_SUMS] == ["", "", ""]


def test_a_member_judged_alone_would_be_shelved(file_formulas):
    """What the per-row call alone gives the shelved member: the template must not show it."""
    master = bundle_master()
    table = sheet(file_formulas, master.ideas, master.settings)
    i = table[col.IDEA_ID].index(SHELVED)
    own = read_formula(file_formulas[col.VERDICT_CODE]).own
    assert own is not None
    args = []
    for arg in own.args:
        if arg.kind == "columns":
            args.append([[table[arg.value[0]][i]]])
        elif arg.kind == "settings":
            args.append(settings_rows(master.settings))
        else:
            args.append(arg.value)
    [alone_code] = udf_column(own.name, args)
    assert alone_code == "SHELVE"
    assert table[col.VERDICT_CODE][i] != alone_code


@pytest.mark.parametrize("bundle", [None, "", "   ", "\t", " \n ", "B1", " b1 ", "B 1", 0, 7, "\tB2"])
def test_the_formulas_bundle_test_is_the_cores(bundle):
    """TRIM(CLEAN(Bundle&""))="" sends a row to its own call exactly when the core sees no bundle."""
    assert alone(bundle) is not in_bundle(bundle)


amount = st.one_of(st.none(), st.integers(-400_000, 400_000), st.floats(-1e6, 1e6, allow_nan=False))
idea = st.fixed_dictionaries(
    {
        col.SUPPLIER_ANNUAL: amount,
        col.SUPPLIER_ONE_TIME: amount,
        col.CUSTOMER_ANNUAL: amount,
        col.CUSTOMER_ONE_TIME: amount,
        col.QUANTIFIED: st.sampled_from([None, "Yes", "No"]),
        col.GOOD_FAITH: st.sampled_from([None, "Yes", "n"]),
        col.ONE_OFF: st.sampled_from([None, "Yes"]),
        col.SHARING_METHOD: st.sampled_from([None, "auto", "Equal", "proportional", "compensate"]),
        col.SUPPLIER_SHARE: st.sampled_from([None, 0.3, 0.8]),
        col.BUNDLE: st.sampled_from([None, "", "  ", "B1", " b1 ", "B2", "b2"]),
    }
)
SETTINGS = [
    Settings(),
    Settings(
        horizon_years=2, max_one_sided_loss=150_000, significance_threshold=10_000, target_supplier_share=0.6
    ),
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(idea, min_size=1, max_size=10), st.sampled_from(SETTINGS))
def test_template_with_bundles_equals_evaluate_ideas(file_formulas, ideas, s):
    frame = pd.DataFrame({name: [row.get(name) for row in ideas] for name in IDEAS.names}).assign(
        **{col.IDEA_ID: [f"I{i}" for i in range(len(ideas))], col.CUSTOMER_ID: "C1"}
    )
    assert_equals_evaluate_ideas(sheet(file_formulas, frame, s), frame, s)
