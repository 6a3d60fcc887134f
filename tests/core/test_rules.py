"""SPEC §3.1–3.6 rule by rule: every row of the verdict table, every split method, auto per cell."""

from __future__ import annotations

import math

import new_split_method
import numpy as np
import pandas as pd
import pytest

import cvm_xl
from cvm_xl import Settings, SettingsError
from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core import sharing, spellings
from cvm_xl.core.cells import parse_yes_no, yes_no_column
from cvm_xl.core.sharing import normalise_method
from cvm_xl.core.values import CELLS
from cvm_xl.core.verdicts import SPLIT_GO_CODES, gets_split
from cvm_xl.generate import formulas
from cvm_xl.master import schema


def test_annuity_and_value() -> None:
    assert cvm_xl.annuity(3) == 3
    assert cvm_xl.annuity(2.5, 0) == 2.5
    assert cvm_xl.annuity(2, 0.1) == pytest.approx(1 / 1.1 + 1 / 1.21)
    assert cvm_xl.value_over_horizon(10, -5) == 25
    assert cvm_xl.value_over_horizon(None, None) == 0
    assert cvm_xl.value_over_horizon(float("nan"), 7) == 7
    with pytest.raises(ValueError, match="greater than 0"):
        cvm_xl.value_over_horizon(1, horizon_years=0)


@pytest.mark.parametrize(
    ("value", "threshold", "expected"),
    [(1, 0, "W"), (0, 0, "I"), (-1, 0, "L"), (5, 5, "I"), (-5, 5, "I"), (5.01, 5, "W"), (-5.01, 5, "L")],
)
def test_outcome_boundaries_are_indifferent(value: float, threshold: float, expected: str) -> None:
    assert cvm_xl.outcome(value, threshold) == expected


def test_all_nine_cells() -> None:
    amounts = {"W": 10.0, "I": 0.0, "L": -10.0}
    seen = {cvm_xl.cell(amounts[c[0]], amounts[c[2]]) for c in CELLS}
    assert seen == set(CELLS)


def test_zone_is_empty_exactly_when_net_is_negative() -> None:
    assert cvm_xl.zone(10, -10) == (10, 10)
    assert cvm_xl.zone(10, -11) is None
    assert cvm_xl.zone(-5, 20) == (-20, -5)


def verdict_code(vs: float, vc: float, **kw: object) -> str:
    return cvm_xl.verdict(vs, vc, **kw).code  # type: ignore[arg-type]


def test_verdict_rule_1_good_faith() -> None:
    v = cvm_xl.verdict(0, 0, quantified=False, good_faith=True)
    assert v == ("GO_GOOD_FAITH", "Go (good faith)")


def test_verdict_rule_2_unquantified() -> None:
    assert cvm_xl.verdict(1e6, 1e6, quantified=False) == ("POSTPONE_QUANTIFY", "Postpone: quantify first")


@pytest.mark.parametrize("cell", ["L-L", "L-I", "I-L", "I-I"])
def test_verdict_rule_3_no_go_cells(cell: str) -> None:
    amounts = {"I": 0.0, "L": -10.0}
    assert cvm_xl.verdict(amounts[cell[0]], amounts[cell[2]]) == ("NO_GO", "No go")


@pytest.mark.parametrize(("vs", "vc"), [(100, -100), (100, -150), (-150, 100)])
def test_verdict_rule_4_one_sided_without_net_gain(vs: float, vc: float) -> None:
    assert verdict_code(vs, vc) == "NO_GO"


def test_verdict_rule_5_shelve_when_the_loser_loses_too_much() -> None:
    assert verdict_code(500, -300, max_one_sided_loss=200) == "SHELVE"
    assert verdict_code(-300, 500, max_one_sided_loss=200) == "SHELVE"
    assert verdict_code(500, -200, max_one_sided_loss=200) == "GO"  # at the limit: not shelved
    assert cvm_xl.verdict(500, -300, max_one_sided_loss=200).label == "Shelve: await a counter-balancing idea"


def test_verdict_rule_6_value_too_small() -> None:
    assert verdict_code(30, 20, significance=100) == "POSTPONE_SMALL"
    assert verdict_code(130, -20, significance=200) == "POSTPONE_SMALL"
    assert verdict_code(60, 40, significance=100) == "GO_PRIORITY"  # net == σ is significant
    assert cvm_xl.verdict(1, 1, significance=5).label == "Postpone: value too small"


def test_verdict_rule_7_and_8() -> None:
    assert cvm_xl.verdict(1, 1) == ("GO_PRIORITY", "Go: priority (win-win)")
    for vs, vc in [(1, 0), (0, 1), (5, -1), (-1, 5)]:
        assert cvm_xl.verdict(vs, vc) == ("GO", "Go")


def test_verdict_threshold_moves_small_values_to_indifferent() -> None:
    assert verdict_code(50, -3, threshold=5) == "GO"  # W-I, not W-L
    assert verdict_code(4, 4, threshold=5) == "NO_GO"  # I-I


def test_every_split_method() -> None:
    vs, vc = 100_000.0, -60_000.0
    assert cvm_xl.split(vs, vc, "retain") == ("retain", 0, 100_000, -60_000)
    assert cvm_xl.split(vs, vc, "equal") == ("equal", 80_000, 20_000, 20_000)
    assert cvm_xl.split(vs, vc, "proportional", supplier_share=0.25) == (
        "proportional",
        90_000,
        10_000,
        30_000,
    )
    assert cvm_xl.split(vs, vc, "compensate") == ("compensate", 60_000, 40_000, 0)
    assert cvm_xl.split(-60_000, 100_000, "compensate") == ("compensate", -60_000, 0, 40_000)
    assert cvm_xl.split(30, 20, "compensate").transfer == 0


def test_proportional_defaults_to_the_target_share() -> None:
    s = Settings(target_supplier_share=0.6)
    assert cvm_xl.split(100, 0, "proportional", settings=s).supplier_final == pytest.approx(60)
    with pytest.raises(ValueError, match="between 0 and 1"):
        cvm_xl.split(100, 0, "proportional", supplier_share=1.5)


@pytest.mark.parametrize(
    ("vs", "vc", "one_off", "method"),
    [
        (10, 10, False, "equal"),  # W-W
        (10, 0, False, "retain"),  # W-I
        (0, 10, False, "retain"),  # I-W
        (10, -5, False, "retain"),  # W-L
        (-5, 10, False, "retain"),  # L-W
        (10, -5, True, "equal"),  # W-L one-off
        (-5, 10, True, "equal"),  # L-W one-off
        (10, 10, True, "equal"),  # one-off changes nothing for W-W
        (10, 0, True, "retain"),
        (0, 0, False, "none"),  # I-I: no go, no split
        (-5, -5, False, "none"),
        (5, -10, True, "none"),  # W-L with negative net
    ],
)
def test_auto_split_per_cell(vs: float, vc: float, one_off: bool, method: str) -> None:
    result = cvm_xl.split(vs, vc, one_off=one_off)
    assert result.method == method
    if method == "none":
        assert (result.transfer, result.supplier_final, result.customer_final) == (0, vs, vc)


def test_auto_no_split_for_shelved_and_small_ideas() -> None:
    s = Settings(max_one_sided_loss=100, significance_threshold=50)
    assert cvm_xl.split(500, -300, settings=s).method == "none"
    assert cvm_xl.split(20, 20, settings=s).method == "none"


def test_price_premium_equivalent() -> None:
    # The customer pays the supplier 90,000 over 3 years on 10,000 t a year at 600 per t.
    p = cvm_xl.price_premium(-90_000, 10_000, 3, 600)
    assert p.kind == "premium"
    assert p.per_unit == 3
    assert p.percent_of_price == pytest.approx(0.005)
    rebate = cvm_xl.price_premium(30_000, 10_000, 3)
    assert (rebate.kind, rebate.per_unit, rebate.percent_of_price) == ("rebate", -1, None)
    with pytest.raises(ValueError, match="Annual volume"):
        cvm_xl.price_premium(1, 0)


@pytest.mark.parametrize(
    ("changes", "setting"),
    [
        ({"horizon_years": -1}, "Horizon years"),
        ({"horizon_years": 0}, "Horizon years"),
        ({"discount_rate": -0.01}, "Discount rate"),
        ({"indifference_threshold": -1}, "Indifference threshold"),
        ({"significance_threshold": float("nan")}, "Significance threshold"),
        ({"max_one_sided_loss": -5}, "Max one-sided loss"),
        ({"target_supplier_share": 1.2}, "Target supplier share"),
        ({"max_sign_off_ideas": 0}, "Max sign-off ideas"),
        ({"max_sign_off_ideas": 2.5}, "Max sign-off ideas"),
    ],
)
def test_settings_are_validated(changes: dict[str, float], setting: str) -> None:
    with pytest.raises(SettingsError) as info:
        Settings(**changes)  # type: ignore[arg-type]
    assert info.value.setting == setting
    assert str(info.value).startswith(setting + ":")


def test_settings_defaults() -> None:
    s = Settings()
    assert (s.horizon_years, s.discount_rate, s.indifference_threshold, s.significance_threshold) == (
        3,
        0,
        0,
        0,
    )
    assert s.max_one_sided_loss is None and s.target_supplier_share == 0.5 and s.max_sign_off_ideas == 12


def test_evaluate_ideas_blank_and_unquantified_rows() -> None:
    ideas = pd.DataFrame(
        {
            "Idea ID": ["B", "GF", "Q0", "Z"],
            "Supplier annual": [None, None, 10.0, 0.0],
            "Customer annual": [None, None, 10.0, None],
            "Quantified": [None, None, "No", None],
            "Good faith": [None, "Yes", None, None],
        }
    )
    out = cvm_xl.evaluate_ideas(ideas).set_index("Idea ID")
    assert out.loc["B", "Verdict code"] == "POSTPONE_QUANTIFY"
    assert math.isnan(out.loc["B", "Supplier value"]) and out.loc["B", "Cell"] is None
    assert out.loc["GF", "Verdict"] == "Go (good faith)" and out.loc["GF", "Split method"] == "none"
    # Quantified = No keeps the figures visible but the verdict waits for quantification.
    assert out.loc["Q0", "Cell"] == "W-W" and out.loc["Q0", "Verdict code"] == "POSTPONE_QUANTIFY"
    # One explicit 0 makes the idea quantified: it is I-I, a no go.
    assert out.loc["Z", "Cell"] == "I-I" and out.loc["Z", "Verdict code"] == "NO_GO"


def test_evaluate_ideas_explicit_method_only_for_go_ideas() -> None:
    ideas = pd.DataFrame(
        {
            "Supplier annual": [100.0, -100.0],
            "Customer annual": [-60.0, -10.0],
            "Sharing method": ["Compensate", "equal"],
        }
    )
    out = cvm_xl.evaluate_ideas(ideas, Settings(horizon_years=1))
    assert list(out["Split method"]) == ["compensate", "none"]
    assert list(out["Transfer"]) == [60, 0]


def test_evaluate_ideas_names_the_bad_cell() -> None:
    ideas = pd.DataFrame({"Supplier annual": [1.0, "lots"], "Supplier share": [0.5, 0.5]})
    with pytest.raises(cvm_xl.IdeaInputError, match="row 2, Supplier annual: 'lots' is not a number"):
        cvm_xl.evaluate_ideas(ideas)
    with pytest.raises(cvm_xl.IdeaInputError, match="Unknown sharing method 'halves'"):
        cvm_xl.evaluate_ideas(pd.DataFrame({"Sharing method": ["halves"]}))
    with pytest.raises(cvm_xl.IdeaInputError, match="row 1, Supplier share"):
        cvm_xl.evaluate_ideas(pd.DataFrame({"Supplier annual": [1.0], "Supplier share": [2.0]}))


# --- one home per rule: the split-method records, the auto rules, which verdicts split, spellings ---

YES_SPELLINGS = ["Yes", "yes", " YES ", "y", "Y ", "TRUE", "true", "1", " 1", "1.0", True, 1, 1.0]
NO_SPELLINGS = ["No", "no", " NO", "n", "N\t", "FALSE", "false", "0", "0.0", False, 0, 0.0, -0.0]


@pytest.mark.parametrize("value", YES_SPELLINGS)
def test_every_yes_spelling(value: object) -> None:
    assert parse_yes_no(value) is True
    assert spellings.yes_no(value) is True


@pytest.mark.parametrize("value", NO_SPELLINGS)
def test_every_no_spelling(value: object) -> None:
    assert parse_yes_no(value) is False


@pytest.mark.parametrize("value", ["maybe", "ye s", "yess", 2, 0.5, "2", "oui"])
def test_other_values_are_not_yes_or_no(value: object) -> None:
    with pytest.raises(
        ValueError, match="is not Yes or No: write Yes or No \\(Y/N, TRUE/FALSE, 1/0 also work\\)"
    ):
        parse_yes_no(value)


def test_yes_no_blank_takes_the_default() -> None:
    assert parse_yes_no(None, True) is True and parse_yes_no("  ", False) is False


def test_the_yes_no_table_is_read_by_the_parser_the_column_reader_and_the_formula(monkeypatch) -> None:
    """A spelling added to core.spellings is accepted everywhere without another edit."""
    monkeypatch.setattr(spellings, "YES_NO", (*spellings.YES_NO, ("Ja", "Nein")))
    assert parse_yes_no(" JA ") is True and parse_yes_no("nein") is False
    assert "Ja/Nein" in spellings.also_accepted()
    ideas = pd.DataFrame(
        {"Supplier annual": [100.0, 100.0], "Customer annual": [-60.0] * 2, "One-off": ["ja", "Nein"]}
    )
    assert list(cvm_xl.evaluate_ideas(ideas)["Split method"]) == ["equal", "retain"]
    assert list(yes_no_column(ideas["One-off"], 2, False)) == [True, False]
    assert '"ja"' in formulas.is_yes("$L4") and '"nein"' in formulas.is_no("$L4")
    assert '"ja"' in formulas.idea_formulas()[col.SPLIT_METHOD]
    assert '"nein"' in formulas.idea_formulas()[col.VERDICT_CODE]


def test_the_formula_reads_a_cell_as_the_core_does() -> None:
    """The Excel twin of spellings.key is TRIM(CLEAN(cell&"")): every table spelling, and only
    those, is in the formula's lists, in the form key gives them."""
    yes_test, no_test = formulas.is_yes("$A1"), formulas.is_no("$A1")
    assert yes_test.startswith('OR(TRIM(CLEAN($A1&""))="') and no_test.startswith('OR(TRIM(CLEAN($A1&""))="')
    assert "{" not in yes_test + no_test  # no array constant: Gnumeric misreads one (tests/gnumeric.py)
    for value in YES_SPELLINGS:
        assert f'TRIM(CLEAN($A1&""))="{spellings.key(value)}"' in yes_test
        assert f'"{spellings.key(value)}"' not in no_test
    for value in NO_SPELLINGS:
        assert f'TRIM(CLEAN($A1&""))="{spellings.key(value)}"' in no_test
    # cell&"" in a worksheet: whole numbers without decimals, booleans as TRUE / FALSE.
    assert [spellings.cell_text(x) for x in (1.0, -0.0, 2.5, True, np.bool_(False), np.int64(1))] == [
        "1", "0", "2.5", "TRUE", "FALSE", "1",
    ]  # fmt: skip
    assert spellings.key("\tYes\n ") == "yes" and spellings.key("Y e s") == "y e s"


@pytest.mark.parametrize("asked", ["Equal", " EQUAL ", "equal\t", "eQuAl"])
def test_method_names_in_any_case_and_spacing(asked: str) -> None:
    assert normalise_method(asked) == "equal"
    assert cvm_xl.split(100, -60, asked).method == "equal"


def test_method_choices_are_auto_then_the_records() -> None:
    names = tuple(m.name for m in sharing.SPLIT_METHODS)
    assert names == sharing.METHODS
    assert L.METHOD_CHOICES == schema.SHARING_CHOICES == (sharing.AUTO, *names)
    assert normalise_method(None) == normalise_method("  ") == sharing.AUTO


@pytest.mark.parametrize("record", sharing.SPLIT_METHODS, ids=lambda m: m.name)
def test_each_record_states_its_transfer_three_ways(record: sharing.SplitMethod) -> None:
    """The scalar transfer, the vector transfer and the formula template of one record agree on
    the worked example and on a W-W idea (the formula evaluated by substituting numbers)."""
    for vs, vc, w in ((100_000.0, -60_000.0, 0.25), (-60_000.0, 100_000.0, 0.7), (30.0, 20.0, 0.5)):
        scalar = record.transfer(vs, vc, w)
        vector = record.transfer_vector(np.array([vs]), np.array([vc]), np.array([w]))
        assert float(vector[0]) == scalar
        python = record.formula.format(vs=f"({vs})", vc=f"({vc})", share=f"({w})").replace("MAX", "max")
        assert eval(python) == pytest.approx(scalar)  # the record's own constant template
    assert record.shown and record.meaning


@pytest.mark.parametrize("one_off", [False, True])
@pytest.mark.parametrize("map_cell", CELLS)
def test_auto_rules_agree_in_the_scalar_split_and_the_kernel(map_cell: str, one_off: bool) -> None:
    """AUTO_RULES are read by the scalar split and tabulated for the kernel; they pick the same."""
    value = {"W": 100.0, "I": 0.0, "L": -40.0}
    vs, vc = (value[o] for o in map_cell.split("-"))
    row = {"Supplier annual": vs, "Customer annual": vc, "One-off": "Yes" if one_off else "No"}
    scalar = cvm_xl.evaluate_idea(row, Settings(horizon_years=1))
    vector = cvm_xl.evaluate_ideas(pd.DataFrame([row]), Settings(horizon_years=1)).iloc[0]
    expected = (
        sharing.auto_method_for_cell(map_cell, one_off) if gets_split(scalar["Verdict code"]) else "none"
    )
    assert scalar["Split method"] == vector["Split method"] == expected


def test_only_the_split_verdicts_get_a_split() -> None:
    """verdicts.SPLIT_GO_CODES decides, in the scalar split, the kernel and the formulas alike."""
    rows = {
        "GO_GOOD_FAITH": {"Good faith": "Yes"},
        "POSTPONE_QUANTIFY": {},
        "NO_GO": {"Supplier annual": -10.0, "Customer annual": -10.0},
        "SHELVE": {"Supplier annual": 500.0, "Customer annual": -300.0},
        "POSTPONE_SMALL": {"Supplier annual": 20.0, "Customer annual": 20.0},
        "GO_PRIORITY": {"Supplier annual": 100.0, "Customer annual": 100.0},
        "GO": {"Supplier annual": 100.0, "Customer annual": 0.0},
    }
    s = Settings(horizon_years=1, max_one_sided_loss=100, significance_threshold=50)
    table = pd.DataFrame([{**r, "Sharing method": "equal"} for r in rows.values()], index=list(rows))
    out = cvm_xl.evaluate_ideas(table, s)
    assert list(out["Verdict code"]) == list(rows)
    for code in rows:
        split_method = out.loc[code, "Split method"]
        assert (split_method == "equal") == (code in SPLIT_GO_CODES) == gets_split(code)
        assert (split_method == "none") == (code not in SPLIT_GO_CODES)
    assert formulas.idea_formulas()[col.SPLIT_METHOD].startswith(
        "IF(" + formulas.equals_any(f"${L.IDEA_LETTER[col.VERDICT_CODE]}{{r}}", SPLIT_GO_CODES) + ","
    )


def test_a_new_split_method_record_reaches_every_reader(tmp_path) -> None:
    """Adding one record to core/sharing.py (nothing else) reaches the scalar split, the kernel,
    the formula writer, the choice lists (layout, master schema, template lists), the UDF help."""
    report = new_split_method.run(tmp_path, generate=True)
    name = new_split_method.NAME
    assert report["methods"][-1] == name
    assert report["split"] == [name, 40000.0, 60000.0, -20000.0]
    assert report["scalar"] == {"Split method": name, "Transfer": 40000.0}
    assert report["vector"] == [[name, "equal"], [40000.0, 80000.0]]
    letter = L.IDEA_LETTER
    method, vs, vc = (letter[c] for c in (col.SPLIT_METHOD, col.SUPPLIER_VALUE, col.CUSTOMER_VALUE))
    assert f'IF(${method}{{r}}="{name}",(${vs}{{r}}-${vc}{{r}})/4,0)' in report["transfer_formula"]
    # ... and the bundle's transfer, over the bundle's values.
    b_vs, b_vc = (letter[c] for c in (col.BUNDLE_SUPPLIER_VALUE, col.BUNDLE_CUSTOMER_VALUE))
    assert f'IF(${method}{{r}}="{name}",(${b_vs}{{r}}-${b_vc}{{r}})/4,0)' in report["transfer_formula"]
    assert report["layout_choices"] == report["schema_choices"] == [*L.METHOD_CHOICES, name]
    assert [*L.METHOD_CHOICES, name] in report["template_lists"]
    assert report["udf_method_help"] == [f"Optional: auto (blank), {', '.join(sharing.METHODS)} or {name}."]
    assert f"{sharing.METHODS[-1]} or {name}." in report["udf_help_module"]
    assert report["udf_transfer"] == 40000.0
    # A generated customer workbook: the Settings sheet lists and explains it, SharingMethods (what
    # the Split method formula MATCHes) covers its row, the Ideas dropdown offers it.
    assert report["settings_rows"][0][0] == "auto" and report["settings_rows"][-1] == [
        name,
        "(Vs - Vc) / 4",
        "A test method: half of what equal moves.",
    ]
    assert [row[0] for row in report["settings_rows"]] == [*L.METHOD_CHOICES, name]
    assert report["sharing_methods_name"].endswith(f"$A${L.METHOD_LAST_ROW + 1}")
    assert report["dropdowns"] == ['"' + ",".join([*L.METHOD_CHOICES, name]) + '"']
