"""The round trip through another spreadsheet program: workbooks opened and saved by LibreOffice
(unchanged, and with a customer's edits) are verified, reconciled and imported.

All workbooks go through one LibreOffice call. The test profile makes LibreOffice recalculate every
formula on loading, so the saved files carry LibreOffice's own results: no stale-result warning
means the workbook's formulas and the core agree.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil

import openpyxl
import pytest
from book_fixtures import (  # noqa: F401  (fixtures)
    KAPPA,
    ZED,
    edit_book,
    generated_fixture,
    idea,
    passbook_balances,
    run_cli,
    tracking,
    wide_console_fixture,
)
from libreoffice import libreoffice  # noqa: F401  (session fixture)

from cvm_xl.books.passbook import passbook_with_realised
from cvm_xl.books.read import read_book
from cvm_xl.books.verify import verify_book
from cvm_xl.core import columns as col
from cvm_xl.core.passbook import LINE_CUSTOMER_VALUE, LINE_SUPPLIER_VALUE, balances
from cvm_xl.generate.sheets.passbook_sheet import REALISED_COL, SUGGESTION_ROW, advice_text
from cvm_xl.master.read import load_master
from cvm_xl.master.update import CellChange, update_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables

EDIT = {"KAP-101": {col.STATUS: "Delivered", col.OWNER: "Zoe Quint"}}
NEW_ROW = ["KAP-101", dt.date(2026, 5, 1), 3200, 2700, "Second month"]
SIGNATORIES = {"CustomerSignatoryName": "Greta Holm", "CustomerSignatoryDate": dt.date(2026, 11, 20)}


@pytest.fixture(scope="module")
def saved(generated, libreoffice, tmp_path_factory):  # noqa: F811
    """name -> (as cvm-xl or openpyxl wrote it, as LibreOffice saved it)."""
    src = tmp_path_factory.mktemp("before-libreoffice")
    files = {
        "kappa": shutil.copy2(generated[KAPPA], src / "kappa.xlsx"),
        "kappa-edited": edit_book(
            shutil.copy2(generated[KAPPA], src / "kappa-edited.xlsx"),
            EDIT,
            tracking=[NEW_ROW],
            names=SIGNATORIES,
        ),
        "zed-value": edit_book(
            shutil.copy2(generated[ZED], src / "zed-value.xlsx"), {"ZED-201": {col.SUPPLIER_ANNUAL: 90000}}
        ),
        "signoff": shutil.copy2(generated["*"], src / "signoff.xlsx"),
        "master": shutil.copy2(generated["master"], src / "master.xlsx"),
    }
    out = libreoffice.recalculate(list(files.values()), tmp_path_factory.mktemp("saved-by-libreoffice"))
    return {name: (files[name], after) for name, after in zip(files, out, strict=True)}


def test_an_unchanged_workbook_keeps_its_fingerprint_and_its_figures(saved, capsys):
    for name in ("kappa", "signoff"):
        before, after = saved[name]
        assert before.read_bytes() != after.read_bytes()  # LibreOffice really wrote it
        book = read_book(after)
        assert book.problems == ()  # every cached result LibreOffice computed agrees with the core
        assert book.stored == read_book(before).stored
        assert verify_book(book).ok
        code, out, _ = run_cli(capsys, "verify", str(after))
        assert code == 0 and "Every fingerprint matches" in out


def test_libreoffice_computes_the_passbook_sheet_like_the_core(saved):
    _, after = saved["kappa"]
    book = read_book(after)
    lines = passbook_with_realised(book.customer_ideas(KAPPA), book.tracking)
    ws = openpyxl.load_workbook(after, data_only=True)["Passbook"]
    # Three lines per idea; those flagged In passbook (column D) are the core's passbook, in order.
    rows = [r for r in range(5, ws.max_row + 1) if ws.cell(r, 4).value == "Yes"]
    assert len(rows) == len(lines)
    for r, line in zip(rows, lines.to_dict("records"), strict=True):
        cell = ws.cell(r, REALISED_COL).value
        if line["Line"] in (LINE_SUPPLIER_VALUE, LINE_CUSTOMER_VALUE):
            assert math.isclose(cell, line["Realised"], abs_tol=0.005), (r, line)
        else:
            assert cell in (None, "")
    b = balances(lines, book.settings.target_supplier_share)
    labels = {ws.cell(r, 10).value: ws.cell(r, 11).value for r in range(5, 20)}
    assert math.isclose(labels["Customer share of the total"], b.customer / b.total, abs_tol=1e-9)
    realised = lines.groupby("Line")["Realised"].sum()
    assert math.isclose(
        labels["Supplier value realised to date"], realised[LINE_SUPPLIER_VALUE], abs_tol=0.005
    )
    assert math.isclose(
        labels["Customer value realised to date"], realised[LINE_CUSTOMER_VALUE], abs_tol=0.005
    )
    customer = book.customers[KAPPA]
    assert ws.cell(SUGGESTION_ROW, 10).value == advice_text(b, book.settings.supplier, customer)


def test_an_edited_workbook_saved_by_libreoffice_is_verified_and_imported(saved, tmp_path, capsys):
    _, after = saved["kappa-edited"]
    assert read_book(after).problems == ()  # LibreOffice recalculated the edited inputs
    code, out, _ = run_cli(capsys, "verify", str(after))
    assert code == 1 and "Zoe Quint" in next(x for x in out.splitlines() if "KAP-101" in x and "Owner" in x)
    master = shutil.copy2(saved["master"][0], tmp_path / "master.xlsx")
    code, out, _ = run_cli(capsys, "import", str(master), str(after))
    assert code == 0, out
    kap = idea(master, "KAP-101")
    assert (kap[col.STATUS], kap[col.OWNER]) == ("Delivered", "Zoe Quint")
    assert tracking(master, "KAP-101")[-1] == (dt.date(2026, 5, 1), 3200.0, 2700.0, "Second month")
    with_names = read_book(master).sign_offs
    assert with_names.iloc[-1]["Customer signatory"] == "Greta Holm"
    assert passbook_balances(master)[KAPPA]["Supplier realised to date"] == 3000 + 3200


def test_a_workbook_edited_after_a_libreoffice_save_is_imported(saved, tmp_path, capsys):
    path = edit_book(
        saved["kappa"][1], {"KAP-102": {col.STATUS: "Delivered"}}, target=tmp_path / "again.xlsx"
    )
    assert run_cli(capsys, "verify", str(path))[0] == 0  # a status is not a signed field
    master = shutil.copy2(saved["master"][0], tmp_path / "master.xlsx")
    assert run_cli(capsys, "import", str(master), str(path))[0] == 0
    assert idea(master, "KAP-102")[col.STATUS] == "Delivered"


def test_reconcile_across_programs(saved, capsys):
    master, master_lo = saved["master"]
    assert run_cli(capsys, "reconcile", str(master), str(saved["kappa"][1]))[0] == 0
    assert run_cli(capsys, "reconcile", str(master_lo), str(saved["kappa"][0]))[0] == 0
    assert run_cli(capsys, "reconcile", str(master_lo), str(saved["signoff"][1]))[0] == 0
    code, out, _ = run_cli(capsys, "reconcile", str(master_lo), str(saved["zed-value"][1]))
    assert code == 1 and "ZED-201" in out


def test_a_master_saved_by_libreoffice_takes_an_import(saved, tmp_path, capsys):
    master = shutil.copy2(saved["master"][1], tmp_path / "master.xlsx")
    before = load_master(master)
    path = edit_book(shutil.copy2(saved["kappa"][0], tmp_path / "kappa.xlsx"), EDIT)
    assert run_cli(capsys, "import", str(master), str(path))[0] == 0
    after = load_master(master)
    assert idea(master, "KAP-101")[col.OWNER] == "Zoe Quint"
    assert len(after.ideas) == len(before.ideas) and after.tracking.equals(before.tracking)


def test_conflicts_and_a_wrong_customer_after_a_libreoffice_save(saved, tmp_path, capsys):
    master = shutil.copy2(saved["master"][0], tmp_path / "master.xlsx")
    m = load_master(master)
    row = int(m.ideas.index[m.ideas[col.IDEA_ID] == "KAP-101"][0])
    update_master(master, [CellChange("Ideas", row, col.OWNER, "Bo Lind")], backup=False)
    code, out, _ = run_cli(capsys, "import", str(master), str(saved["kappa-edited"][1]))
    assert code == 1 and "1 conflict" in out
    kap = idea(master, "KAP-101")
    assert (kap[col.OWNER], kap[col.STATUS]) == ("Bo Lind", "Signed off")  # the idea is left alone
    other = tmp_path / "other-master.xlsx"
    write_master(other, sample_settings(), sample_tables())
    original = other.read_bytes()
    code, _, err = run_cli(capsys, "import", str(other), str(saved["kappa-edited"][1]))
    assert code == 2 and "Wrong customer" in err and other.read_bytes() == original
