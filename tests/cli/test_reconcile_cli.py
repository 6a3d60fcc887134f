"""`cvm-xl reconcile BOOK_A BOOK_B`: both passbooks rebuilt from inputs and compared line by line."""

from __future__ import annotations

import datetime as dt

import pytest
from book_fixtures import (  # noqa: F401  (fixtures)
    KAPPA,
    MUE,
    ZED,
    copy,
    edit_book,
    generated_fixture,
    run_cli,
    wide_console_fixture,
)

from cvm_xl.books.passbook import reconcile_books
from cvm_xl.books.read import read_book
from cvm_xl.cli.verify import text_of
from cvm_xl.core import columns as col
from cvm_xl.core.passbook import passbook_lines
from cvm_xl.core.reconcile import DIFFERS, MISSING_IN_B


def test_master_and_its_customer_workbooks_agree(generated, capsys):
    for cid in (KAPPA, ZED, MUE):
        code, out, _ = run_cli(capsys, "reconcile", str(generated["master"]), str(generated[cid]))
        assert code == 0, out
        assert "The passbooks agree" in out and f"lines of {cid}," in out


def test_the_lines_compared_are_the_cores_passbook_of_the_shared_customer(generated):
    master, book = read_book(generated["master"]), read_book(generated[KAPPA])
    result = reconcile_books(master, book)
    assert result.customers == (KAPPA,) and result.agree and result.realised
    ideas = master.customer_ideas(KAPPA)
    expected = passbook_lines(ideas)
    assert result.lines_a[[col.IDEA_ID, "Line", "Amount"]].equals(expected[[col.IDEA_ID, "Line", "Amount"]])
    assert "KAP-114" not in set(result.lines_a[col.IDEA_ID])  # out of bounds: never in a shared passbook
    realised = result.lines_b.set_index([col.IDEA_ID, "Line"])["Realised"]
    assert realised[("KAP-101", "Supplier value")] == 3000 and realised[("KAP-101", "Customer value")] == 2500


def test_a_changed_value_is_listed_with_both_amounts(generated, tmp_path, capsys):
    book = edit_book(copy(generated, ZED, tmp_path), {"ZED-201": {col.SUPPLIER_ANNUAL: 90000}})
    code, out, _ = run_cli(capsys, "reconcile", str(generated["master"]), str(book))
    assert code == 1
    a, b = read_book(generated["master"]), read_book(book)
    result = reconcile_books(a, b)
    assert {(d.idea_id, d.line, d.kind) for d in result.differences} >= {
        ("ZED-201", "Supplier value", DIFFERS)
    }
    supplier = next(d for d in result.differences if d.line == "Supplier value")
    line = next(x for x in out.splitlines() if "ZED-201" in x and "Supplier value" in x)
    for amount in (supplier.amount_a, supplier.amount_b, supplier.delta):
        assert text_of(amount) in line
    assert "differs" in line
    assert f"{len(result.differences)} lines differ" in out


def test_an_idea_that_left_the_passbook_is_missing_on_one_side(generated, tmp_path):
    book = edit_book(copy(generated, KAPPA, tmp_path), {"KAP-103": {col.STATUS: "Dropped"}})
    result = reconcile_books(read_book(generated["master"]), read_book(book))
    missing = {(d.idea_id, d.line) for d in result.differences if d.kind == MISSING_IN_B}
    assert missing == {
        ("KAP-103", "Supplier value"),
        ("KAP-103", "Customer value"),
        ("KAP-103", "Transfer"),
        ("KAP-103", "Supplier realised"),
        ("KAP-103", "Customer realised"),
    }


def test_realised_value_is_compared_unless_planned_only(generated, tmp_path, capsys):
    book = edit_book(
        copy(generated, KAPPA, tmp_path), tracking=[["KAP-101", dt.date(2026, 5, 1), 4100, 3300]]
    )
    code, out, _ = run_cli(capsys, "reconcile", str(generated["master"]), str(book))
    assert code == 1
    assert "7,100" in next(x for x in out.splitlines() if "KAP-101" in x and "Supplier realised" in x)
    assert "Customer realised" in out and "Supplier value " not in out.split("Lines that differ")[1]
    code, out, _ = run_cli(capsys, "reconcile", str(generated["master"]), str(book), "--planned-only")
    assert code == 0 and "planned lines of" in out


def test_tolerance_decides_what_differs(generated, tmp_path, capsys):
    # 0.3 more one-time value for the supplier moves one planned line (and the transfer) by 0.3 or less.
    book = edit_book(copy(generated, KAPPA, tmp_path), {"KAP-101": {col.SUPPLIER_ONE_TIME: 0.3}})
    master = str(generated["master"])
    assert run_cli(capsys, "reconcile", master, str(book))[0] == 0
    code, out, _ = run_cli(capsys, "reconcile", master, str(book), "--tolerance", "0.1")
    assert code == 1 and "KAP-101" in out
    with pytest.raises(SystemExit) as exit_info:
        run_cli(capsys, "reconcile", master, str(book), "--tolerance", "-1")
    assert exit_info.value.code == 2 and "0 or more" in capsys.readouterr().err


def test_two_customers_workbooks_share_no_passbook(generated, capsys):
    code, _, err = run_cli(capsys, "reconcile", str(generated[KAPPA]), str(generated[ZED]))
    assert code == 2 and "share no customer" in err


def test_the_consolidated_sign_off_reconciles_its_planned_lines(generated, capsys):
    code, out, _ = run_cli(capsys, "reconcile", str(generated["master"]), str(generated["*"]))
    assert code == 0 and "keeps no tracking rows" in out
    for cid in (KAPPA, ZED, MUE):
        assert cid in out


def test_unreadable_books_exit_2(generated, tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 broken")
    code, _, err = run_cli(capsys, "reconcile", str(generated["master"]), str(bad))
    assert code == 2 and "bad.xlsx" in err
