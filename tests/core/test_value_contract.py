"""The value contract as the customer's finance team signs it (issue 14): worked examples."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.tracking import ContractParts, contract_years, month_index, plan_vs_realised, value_contract
from cvm_xl.core.value_contract import contract_parts, is_one_time
from cvm_xl.sample import sample_settings, sample_tables

D = dt.date


def test_a_year_by_hand() -> None:
    # Wave in January 2026; realised customer value 100 + 50 in year 1, of which -400 is an investment row
    # (so the months hold 100, 50 and -400); a transfer of 30 to the customer in year 1.
    wave = month_index(D(2026, 1, 1))
    realised = {wave: [0.0, 100.0], wave + 1: [0.0, 50.0 - 400.0]}
    parts = ContractParts(transfers={0: 30.0}, investments={0: -400.0})
    (row,) = contract_years("C", "Co", wave, {}, realised, 200.0, D(2026, 12, 31), parts)
    names = ("Delivered", "Shortfall", "Status", "Realised gains", "Transfers received", "Investments",
             "Net incl. investments")  # fmt: skip
    assert dict(zip(names, row[7:], strict=True)) == {
        "Delivered": 180.0, "Shortfall": 20.0, "Status": "Short", "Realised gains": 150.0,
        "Transfers received": 30.0, "Investments": -400.0, "Net incl. investments": -220.0,
    }  # fmt: skip
    # Before the year is over the transfer is not received yet.
    (open_row,) = contract_years("C", "Co", wave, {}, realised, 200.0, D(2026, 6, 30), parts)
    assert open_row[7] == 150.0 and open_row[9] == "Open"


def test_the_samples_orvane_year_one() -> None:
    """C-AUT year 1 read -438,700 'delivered' against 400,000: the service centre's 550,000 crane and
    decoiler (AUT-02, Tracking Kind One-time) were netted in. Now: realised gains 111,300 delivered,
    the investments apart, and the net -438,700 beside it."""
    tables, settings = sample_tables(), sample_settings()
    evaluated = evaluate_ideas(tables["Ideas"], settings)
    monthly = plan_vs_realised(evaluated, tables["Tracking"], settings)
    parts = contract_parts(tables["Customers"], evaluated, tables["Tracking"], settings)
    contract = value_contract(tables["Customers"], monthly, parts=parts)
    year1 = contract[contract["Customer ID"] == "C-AUT"].iloc[0]
    assert year1["Value guarantee"] == 400_000
    assert year1["Investments"] == -550_000
    assert year1["Realised gains"] == pytest.approx(111_300)
    assert year1["Transfers received"] == 0  # year 1 (2026) is not over by October 2026
    assert year1["Delivered"] == pytest.approx(111_300)
    assert year1["Net incl. investments"] == pytest.approx(-438_700)
    assert year1["Shortfall"] == pytest.approx(288_700) and year1["Status"] == "Open"
    # Year 1's transfers, by hand. AUT-04 is trued up (True-up = Yes), so its year-1 transfer is the
    # realised one: proportional (w = 0.33) over its Tracking rows of 2026 (May..Oct): Vs = -4,300,
    # Vc = 61,100, T = Vs - 0.33 (Vs + Vc) = -4,300 - 18,744 = -23,044; AUT-08 equal over its plan
    # Mar..Dec: (5,000 - 11,666.67) / 2 = -3,333.33; AUT-17 one-off equal in Nov 2026:
    # (100,000 + 60,000) / 2 = 80,000. Sum: 53,622.67, received once 2026 is over.
    assert parts["C-AUT"].transfers[0] == pytest.approx(53_622.67, abs=0.01)
    after = value_contract(tables["Customers"], monthly, as_of=D(2027, 1, 31), parts=parts)
    year1 = after[after["Customer ID"] == "C-AUT"].iloc[0]
    assert year1["Delivered"] == pytest.approx(111_300 + 53_622.67, abs=0.01)
    assert year1["Status"] == "Short"


def test_tracking_kind_spellings() -> None:
    assert is_one_time("One-time") and is_one_time(" investment ") and is_one_time("once")
    assert not is_one_time(None) and not is_one_time("Recurring") and not is_one_time("weekly")


def test_no_parts_keeps_the_former_reading() -> None:
    customers = pd.DataFrame({"Customer ID": ["C"], "Customer": ["Co"], "Wave start": [D(2026, 1, 1)],
                              "Value guarantee": [10.0]})  # fmt: skip
    monthly = pd.DataFrame({"Customer ID": ["C"], "Idea ID": ["I"], "Title": ["t"], "Month": [D(2026, 2, 1)],
                            "Supplier planned": [0.0], "Supplier realised": [1.0], "Customer planned": [0.0],
                            "Customer realised": [12.0]})  # fmt: skip
    row = value_contract(customers, monthly).iloc[0]
    assert (row["Delivered"], row["Realised gains"], row["Investments"], row["Status"]) == (
        12.0,
        12.0,
        0.0,
        "Met",
    )
