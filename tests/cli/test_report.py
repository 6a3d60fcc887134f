"""The portfolio report's passbook balances (`cvm-xl demo` prints it): a trued-up idea's Settlement
line counts (issue 15), so each customer's balance is the one its customer workbook and the
consolidated sign-off show (SPEC §3.6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from cvm_xl.cli.report import customer_balances, money, print_report
from cvm_xl.core import columns as col
from cvm_xl.core.passbook import balances, passbook_lines
from cvm_xl.generate.model import RunData
from cvm_xl.generate.sheets.consolidated import PASSBOOK_CUSTOMER, PASSBOOK_SUPPLIER
from cvm_xl.generate.signoff_book import consolidated_data
from cvm_xl.master.read import load_master

# The sample's trued-up ideas and their customers.
TRUED_UP = {"C-WHL": "WHL-01", "C-AUT": "AUT-04"}


@pytest.fixture(scope="module")
def master(sample_master: Path):  # type: ignore[no-untyped-def]
    return load_master(sample_master)


@pytest.fixture(scope="module")
def run(master):  # type: ignore[no-untyped-def]
    return RunData(master)


@pytest.mark.parametrize("customer", sorted(TRUED_UP))
def test_report_balance_is_the_customer_books_and_the_signoffs(master, run, customer: str) -> None:
    settlement = run.true_ups()[TRUED_UP[customer]].settlement
    assert settlement != pytest.approx(0.0, abs=1.0)  # the settlement moves the balance
    reported = customer_balances(master)[customer]
    book = run.customer(customer).balances
    assert reported == pytest.approx(book)
    detail = consolidated_data(run).detail
    mine = detail[detail[col.CUSTOMER_ID] == customer]
    assert reported.supplier == pytest.approx(mine[PASSBOOK_SUPPLIER].sum())
    assert reported.customer == pytest.approx(mine[PASSBOOK_CUSTOMER].sum())
    # Without the Settlement line the supplier's balance would be higher by the settlement.
    lines = passbook_lines(master.decided)
    unsettled = balances(lines[lines[col.CUSTOMER_ID] == customer], master.settings.target_supplier_share)
    assert unsettled.supplier - reported.supplier == pytest.approx(settlement)


def test_printed_balances_table_shows_the_settled_balance(master) -> None:  # type: ignore[no-untyped-def]
    console = Console(record=True, width=250)
    print_report(master, console)
    text = console.export_text()
    reported = customer_balances(master)
    for customer in TRUED_UP:
        b = reported[customer]
        row = next(line for line in text.splitlines() if line.lstrip("│ ").startswith(customer))
        assert money(b.supplier) in row and money(b.customer) in row, row
