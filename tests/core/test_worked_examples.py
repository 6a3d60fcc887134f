"""The worked examples of the seed paper (seeds/000, §7.1 and Appendix-I), number for number."""

from __future__ import annotations

import pandas as pd
import pytest

import cvm_xl
from cvm_xl import Settings


def test_paper_7_1_one_sided_idea() -> None:
    vs, vc = 100_000.0, -60_000.0
    assert cvm_xl.cell(vs, vc) == "W-L"
    assert cvm_xl.net(vs, vc) == 40_000
    assert cvm_xl.band(vs, vc) == 160_000
    assert cvm_xl.zone(vs, vc) == (60_000, 100_000)
    equal = cvm_xl.split(vs, vc, "equal")
    assert equal.transfer == 80_000
    assert (equal.supplier_final, equal.customer_final) == (20_000, 20_000)
    retain = cvm_xl.split(vs, vc, "retain")
    assert (retain.transfer, retain.supplier_final, retain.customer_final) == (0, 100_000, -60_000)


def test_paper_7_1_one_off_is_compensated_then_shared_equally() -> None:
    # "If it were the case of implementing a one-off idea, the $60,000 ... must legitimately be
    # compensated ... the $40,000 of net value would be shared equally."
    auto = cvm_xl.split(100_000, -60_000, one_off=True)
    assert auto.method == "equal"
    assert auto.transfer == 80_000
    assert cvm_xl.split(100_000, -60_000).method == "retain"


def test_appendix_idea_1_sku_reduction() -> None:
    # Supplier gains 56,000 a year, the customer loses 22,000 a year: systems benefit 34,000 a year.
    s = Settings(horizon_years=1)
    vs = cvm_xl.value_over_horizon(56_000, 0, s.horizon_years)
    vc = cvm_xl.value_over_horizon(-22_000, 0, s.horizon_years)
    assert (vs, vc, cvm_xl.net(vs, vc)) == (56_000, -22_000, 34_000)
    assert cvm_xl.cell(vs, vc) == "W-L"
    assert cvm_xl.verdict(vs, vc).code == "GO"
    three_years = cvm_xl.value_over_horizon(-22_000, horizon_years=3) + cvm_xl.value_over_horizon(
        56_000, horizon_years=3
    )
    assert three_years == 102_000


@pytest.mark.parametrize(
    ("horizon", "customer_value", "cell"),
    [
        (1.0, -550_000 + 167_000, "W-L"),
        (3.0, -49_000, "W-L"),
        (550_000 / 167_000, 0.0, "W-I"),  # break-even: the investment is just paid back
        (4.0, 118_000, "W-W"),
        (5.0, 285_000, "W-W"),
    ],
)
def test_appendix_idea_2_horizon_changes_the_cell(horizon: float, customer_value: float, cell: str) -> None:
    # The service centre invests 550,000 once and saves 45,000 + 122,000 a year; the supplier
    # saves 220,000 a year. Over a short horizon the customer loses, over a longer one it wins.
    vc = cvm_xl.value_over_horizon(45_000 + 122_000, -550_000, horizon)
    vs = cvm_xl.value_over_horizon(220_000, 0, horizon)
    assert vc == pytest.approx(customer_value, abs=1e-6)
    assert cvm_xl.cell(vs, vc, threshold=1e-6) == cell


def test_appendix_idea_2_discounting_delays_break_even() -> None:
    undiscounted = cvm_xl.value_over_horizon(167_000, -550_000, 4, 0.0)
    discounted = cvm_xl.value_over_horizon(167_000, -550_000, 4, 0.08)
    assert undiscounted == 118_000
    # annuity(4, 8%) = 3.3121...: at 8% the customer barely breaks even (+3,125) ...
    assert discounted == pytest.approx(-550_000 + 167_000 * 3.312126840, abs=0.01)
    assert cvm_xl.outcome(discounted) == "W"
    # ... and at 10% the investment is no longer paid back in four years.
    assert cvm_xl.outcome(cvm_xl.value_over_horizon(167_000, -550_000, 4, 0.10)) == "L"


def test_appendix_ideas_in_a_table() -> None:
    ideas = pd.DataFrame(
        {
            "Idea ID": ["A1", "A2"],
            "Customer ID": ["C1", "C1"],
            "Title": ["Reduce SKUs", "Wider coils"],
            "Supplier annual": [56_000, 220_000],
            "Customer annual": [-22_000, 167_000],
            "Customer one-time": [None, -550_000],
        }
    )
    out = cvm_xl.evaluate_ideas(ideas, Settings(horizon_years=3))
    assert list(out["Cell"]) == ["W-L", "W-L"]
    assert list(out["Net value"]) == [102_000, 611_000]
    assert list(out["Verdict code"]) == ["GO", "GO"]
    assert list(out["Split method"]) == ["retain", "retain"]
    longer = cvm_xl.evaluate_ideas(ideas, Settings(horizon_years=4))
    assert list(longer["Cell"]) == ["W-L", "W-W"]
    assert longer.loc[1, "Split method"] == "equal"
    assert longer.loc[1, "Supplier final"] == longer.loc[1, "Customer final"] == (880_000 + 118_000) / 2
