"""`cvm-xl import MASTER BOOK...`: returned workbooks folded into the master, conflicts, refusals, the
Import log, the Sign-offs sheet, idempotence, and nothing lost (books changed with openpyxl)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from book_fixtures import (  # noqa: F401  (fixtures)
    KAPPA,
    MUE,
    ZED,
    copy,
    edit_book,
    generated_fixture,
    idea,
    passbook_balances,
    row_with,
    run_cli,
    tracking,
    wide_console_fixture,
    write_fixture_master,
)
from python_calamine import CalamineWorkbook

from cvm_xl.actions.imports import APPLIED, CONFLICT, BookRefusedError, plan_import, plan_imports
from cvm_xl.books.read import read_book
from cvm_xl.core import columns as col
from cvm_xl.core.passbook import balances, equity_advice, passbook_lines
from cvm_xl.core.values import annuity
from cvm_xl.master.read import load_master
from cvm_xl.master.update import CellChange, update_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables


@pytest.fixture
def master(generated, tmp_path) -> Path:
    return copy(generated, "master", tmp_path)


def book(generated, cid: str, tmp_path: Path, name: str | None = None) -> Path:
    return copy(generated, cid, tmp_path, name)


def sheet(path: Path, name: str) -> list[dict[str, object]]:
    with CalamineWorkbook.from_path(str(path)) as wb:
        rows = wb.get_sheet_by_name(name).to_python()
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]


def sheet_value(path: Path, name: str, idea_id: str, column: str) -> object:
    """The value a sheet shows for an idea's column (the master's computed columns are plain values)."""
    rows = {r[col.IDEA_ID]: r for r in sheet(path, name)}
    return rows[idea_id][column]


def backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.stem}.backup-*{path.suffix}"))


def test_an_unchanged_workbook_changes_nothing_and_writes_nothing(generated, master, tmp_path, capsys):
    # Issue 13: an import that changes nothing writes nothing: no backup, no log, no Passbook.
    original = master.read_bytes()
    code, out, _ = run_cli(capsys, "import", str(master), str(book(generated, KAPPA, tmp_path)))
    assert code == 0, out
    assert "0 changes applied; 0 conflicts" in out and "nothing was written" in out
    assert master.read_bytes() == original and backups(master) == []


def test_status_owner_dates_tracking_and_signatories_are_folded_back(generated, master, tmp_path, capsys):
    path = book(generated, KAPPA, tmp_path)
    wb = openpyxl.load_workbook(path)
    tr = wb["Tracking"]
    kap103 = next(r for r in range(4, tr.max_row + 1) if tr.cell(r, 1).value == "KAP-103")
    tr.delete_rows(kap103)  # the customer deletes a row: the master keeps it
    wb.save(path)
    kap101 = next(
        r for r in range(4, 10) if openpyxl.load_workbook(path)["Tracking"].cell(r, 1).value == "KAP-101"
    )
    edit_book(
        path,
        {
            "KAP-101": {col.STATUS: "Implementing", col.OWNER: "Zoe Quint", col.END: dt.date(2026, 12, 18)},
            "KAP-102": {col.START: dt.date(2026, 4, 1)},
        },
        tracking=[["KAP-101", dt.date(2026, 5, 1), 3200, 2700, "Second month"]],
        tracking_cells={(kap101, "Supplier realised"): 3100},
        names={
            "CustomerSignatoryName": "Greta Holm",
            "CustomerSignatoryTitle": "Purchasing director",
            "CustomerSignatoryDate": dt.date(2026, 11, 20),
            "SupplierSignatoryName": "Erik Sand",
        },
    )
    code, out, _ = run_cli(capsys, "import", str(master), str(path))
    assert code == 0, out
    kap = idea(master, "KAP-101")
    assert (kap[col.STATUS], kap[col.OWNER], kap[col.END]) == (
        "Implementing",
        "Zoe Quint",
        dt.date(2026, 12, 18),
    )
    assert idea(master, "KAP-102")[col.START] == dt.date(2026, 4, 1)
    assert tracking(master, "KAP-101") == [
        (dt.date(2026, 4, 1), 3100.0, 2500.0, "First month"),
        (dt.date(2026, 5, 1), 3200.0, 2700.0, "Second month"),
    ]
    kept = tracking(master, "KAP-103")  # deleted in the workbook, kept in the master
    assert len(kept) == 1 and kept[0][2] == 1800.0
    signed = sheet(master, "Sign-offs")
    assert len(signed) == 1
    row = signed[0]
    assert (row["Customer signatory"], row["Customer title"], row["Supplier signatory"]) == (
        "Greta Holm",
        "Purchasing director",
        "Erik Sand",
    )
    assert row["Customer date"] == dt.date(2026, 11, 20)
    stored = read_book(path).stored[KAPPA]
    assert row["Fingerprint as generated"] == stored
    assert row["Fingerprint as signed"] != stored  # Owner and End are signed fields
    assert row["Signed ideas"].split(", ") == list(read_book(path).signed_ids[KAPPA])
    log = sheet(master, "Import log")
    owner = next(r for r in log if r["Field"] == "Owner")
    assert (owner["In master before"], owner["In workbook"], owner["Result"]) == (
        "Hana Ito",
        "Zoe Quint",
        "applied",
    )
    assert any(r["What"] == "tracking row" and r["Result"].startswith("kept") for r in log)
    balances = passbook_balances(master)[KAPPA]  # rewritten from the master after the import
    assert balances["Supplier realised to date"] == 3100 + 3200
    assert balances["Customer realised to date"] == 2500 + 2700 + 1800


def test_importing_the_same_workbook_again_changes_nothing(generated, master, tmp_path, capsys):
    path = edit_book(
        book(generated, ZED, tmp_path),
        {"ZED-202": {col.OWNER: "Ola Berg"}},
        tracking=[["ZED-201", dt.date(2026, 8, 1), 6100, -1500, "August"]],
        names={"CustomerSignatoryName": "Ines Roth"},
    )
    assert run_cli(capsys, "import", str(master), str(path))[0] == 0
    once = load_master(master)
    written, kept = master.read_bytes(), backups(master)
    code, out, _ = run_cli(capsys, "import", str(master), str(path))
    assert code == 0 and "0 changes applied; 0 conflicts" in out
    twice = load_master(master)
    assert twice.ideas.equals(once.ideas) and twice.tracking.equals(once.tracking)
    assert len(sheet(master, "Sign-offs")) == 1
    # Issue 13: the second import changes nothing, so it writes nothing (no backup, no log row).
    assert [r["What"] for r in sheet(master, "Import log")].count("import") == 1
    assert master.read_bytes() == written and backups(master) == kept


def test_value_changes_are_listed_and_applied_only_on_request(generated, master, tmp_path, capsys):
    path = book(generated, KAPPA, tmp_path)
    edit_book(path, {"KAP-101": {col.SUPPLIER_ANNUAL: 65000, col.TITLE: "Wider coils, both sides"}})
    wb = openpyxl.load_workbook(path)
    wb["Ideas"].append(["KAP-190", None, "Joint packaging study", None, "Joint study", 10000, None, 12000])
    wb.save(path)
    code, out, _ = run_cli(capsys, "import", str(master), str(path))
    assert code == 0 and "--apply-values" in out
    assert idea(master, "KAP-101")[col.SUPPLIER_ANNUAL] == 50000
    assert "KAP-190" not in set(load_master(master).ideas[col.IDEA_ID])
    code, out, _ = run_cli(capsys, "import", str(master), str(path), "--apply-values")
    assert code == 0
    kap = idea(master, "KAP-101")
    assert (kap[col.SUPPLIER_ANNUAL], kap[col.TITLE]) == (65000, "Wider coils, both sides")
    new = idea(master, "KAP-190")
    assert (new[col.CUSTOMER_ID], new[col.SUPPLIER_ANNUAL], new[col.CUSTOMER_ANNUAL]) == (KAPPA, 10000, 12000)
    # The master's computed columns are refreshed for the changed and the new idea: no stale figures.
    content = read_book(master)
    assert not [p for p in content.problems if "out of date" in p.message]
    shown = sheet_value(master, "Ideas", "KAP-101", col.SUPPLIER_VALUE)
    assert shown == pytest.approx(
        65000 * annuity(content.settings.horizon_years, content.settings.discount_rate)
    )
    assert sheet_value(master, "Ideas", "KAP-190", col.VERDICT_CODE) == "GO_PRIORITY"


def test_a_field_changed_in_both_is_a_conflict_and_that_idea_is_left_alone(
    generated, master, tmp_path, capsys
):
    before = load_master(master)
    row = int(before.ideas.index[before.ideas[col.IDEA_ID] == "KAP-101"][0])
    update_master(master, [CellChange("Ideas", row, col.OWNER, "Bo Lind")], backup=False)
    path = edit_book(
        book(generated, KAPPA, tmp_path),
        {
            "KAP-101": {col.OWNER: "Zoe Quint", col.STATUS: "Delivered"},
            "KAP-102": {col.STATUS: "Delivered"},
            "KAP-105": {col.OWNER: "Bo Lind"},  # the same change on both sides is no conflict
        },
        tracking=[["KAP-101", dt.date(2026, 5, 1), 3200, 2700]],
    )
    code, out, _ = run_cli(capsys, "import", str(master), str(path))
    assert code == 1 and "1 conflict" in out
    line = next(x for x in out.splitlines() if "KAP-101" in x and "Owner" in x)
    assert "Hana Ito" in line and "Bo Lind" in line and "Zoe Quint" in line and "conflict" in line
    kap = idea(master, "KAP-101")
    assert (kap[col.OWNER], kap[col.STATUS]) == ("Bo Lind", "Signed off")
    assert len(tracking(master, "KAP-101")) == 1
    assert idea(master, "KAP-102")[col.STATUS] == "Delivered"
    log = sheet(master, "Import log")
    assert any(r["Field"] == "Owner" and r["Result"].startswith("conflict") for r in log)
    assert any(
        r["Field"] == "Status" and r["Idea ID"] == "KAP-101" and "has a conflict" in r["Result"] for r in log
    )


def test_two_copies_that_disagree_end_in_a_conflict(generated, master, tmp_path):
    first = edit_book(book(generated, MUE, tmp_path, "first.xlsx"), {"MUE-301": {col.OWNER: "Anna Vogt"}})
    second = edit_book(book(generated, MUE, tmp_path, "second.xlsx"), {"MUE-301": {col.OWNER: "Jan Krug"}})
    plans = plan_imports(load_master(master), [read_book(first), read_book(second)])
    first_items, second_items = ([(i.field, i.result) for i in p.items if i.idea_id] for p in plans)
    assert first_items == [(col.OWNER, APPLIED)]
    assert second_items == [(col.OWNER, CONFLICT)]
    assert plans[1].conflicts[0].master == "Anna Vogt" and plans[1].conflicts[0].book == "Jan Krug"


def test_a_workbook_of_a_customer_the_master_does_not_hold_is_refused(generated, tmp_path, capsys):
    other = tmp_path / "other-master.xlsx"
    write_master(other, sample_settings(), sample_tables())
    original = other.read_bytes()
    code, out, err = run_cli(capsys, "import", str(other), str(book(generated, KAPPA, tmp_path)))
    assert code == 2
    assert "Wrong customer" in err and KAPPA in err and "Nothing was imported" in out
    assert other.read_bytes() == original and backups(other) == []


def test_workbooks_of_another_kind_are_refused(generated, master, tmp_path, capsys):
    original = master.read_bytes()
    code, _, err = run_cli(capsys, "import", str(master), str(generated["*"]))
    assert code == 2 and "consolidated sign-off, not a customer workbook" in err
    code, _, err = run_cli(capsys, "import", str(generated[KAPPA]), str(generated[ZED]))
    assert code == 2 and "not a master workbook" in err
    assert master.read_bytes() == original and backups(master) == []


def test_a_workbook_from_another_master_is_refused(generated, tmp_path):
    # The same customer ID, but in this master its ideas belong to another customer.
    m = load_master(write_fixture_master(tmp_path / "master.xlsx"))
    ideas = m.ideas.copy()
    ideas.loc[ideas[col.IDEA_ID] == "KAP-101", col.CUSTOMER_ID] = ZED
    moved = type(m)(m.path, m.settings, m.customers, m.workshop, ideas, m.tracking)
    with pytest.raises(BookRefusedError) as refused:
        plan_import(moved, read_book(generated[KAPPA]))
    assert "KAP-101" in str(refused.value) and "another master" in str(refused.value)


def test_dry_run_writes_nothing(generated, master, tmp_path, capsys):
    original = master.read_bytes()
    path = edit_book(book(generated, KAPPA, tmp_path), {"KAP-101": {col.STATUS: "Delivered"}})
    code, out, _ = run_cli(capsys, "import", str(master), str(path), "--dry-run")
    # Issue 13: a dry run says what it would apply, never that it applied anything.
    assert code == 0 and "nothing was written" in out and "would apply 1 change; 0 conflicts" in out
    assert "applied" not in out and "would apply" in row_with(out, "KAP-101", "Status")
    assert master.read_bytes() == original and backups(master) == []


def test_nothing_is_lost_every_overwritten_value_is_in_the_log_and_the_backup(
    generated, master, tmp_path, capsys
):
    before = load_master(master)
    path = edit_book(
        book(generated, ZED, tmp_path),
        {
            "ZED-201": {col.STATUS: "Implementing", col.OWNER: "Kai Lenz"},
            "ZED-202": {col.END: dt.date(2027, 2, 26)},
        },
    )
    assert run_cli(capsys, "import", str(master), str(path))[0] == 0
    after = load_master(master)
    changed = []
    for name in col.IDEA_INPUTS:
        for row in before.ideas.index:
            old, new = before.ideas.at[row, name], after.ideas.at[row, name]
            if not (old == new or (pd.isna(old) and pd.isna(new))):
                changed.append((before.ideas.at[row, col.IDEA_ID], name, old))
    assert sorted(changed) == [
        ("ZED-201", col.OWNER, "Hana Ito"),
        ("ZED-201", col.STATUS, "Delivered"),
        ("ZED-202", col.END, dt.date(2026, 9, 30)),
    ]
    log = {(r["Idea ID"], r["Field"]): r["In master before"] for r in sheet(master, "Import log")}
    for idea_id, name, old in changed:
        assert log[(idea_id, name)] == old
    assert load_master(backups(master)[0]).ideas.equals(before.ideas)


def test_the_passbook_command_writes_the_masters_passbook_sheet(master, capsys):
    original = master.read_bytes()
    code, out, _ = run_cli(capsys, "passbook", str(master), "--dry-run")
    assert code == 0 and master.read_bytes() == original
    m = load_master(master)
    shared = m.evaluated[~m.evaluated[col.OUT_OF_BOUNDS]]
    lines = passbook_lines(shared)
    for cid, name in zip(m.customers[col.CUSTOMER_ID], m.customers["Customer"], strict=True):
        b = balances(lines[lines[col.CUSTOMER_ID] == cid], m.settings.target_supplier_share)
        advice = equity_advice(b, m.settings.supplier, name)
        assert advice.split(":")[0] in out  # e.g. 'Northwind Steel ahead by 12,345'

    code, out, _ = run_cli(capsys, "passbook", str(master))
    assert code == 0 and len(backups(master)) == 1
    written = passbook_balances(master)
    for cid in (KAPPA, ZED, MUE):
        mine = lines[lines[col.CUSTOMER_ID] == cid]
        b = balances(mine, m.settings.target_supplier_share)
        row = written[cid]
        assert row["Supplier balance (Bs)"] == pytest.approx(b.supplier)
        assert row["Customer balance (Bc)"] == pytest.approx(b.customer)
        assert row["Equity gap"] == pytest.approx(b.equity_gap)
        assert row["Suggestion"] == equity_advice(b, m.settings.supplier, row["Customer"])
    with CalamineWorkbook.from_path(str(master)) as wb:
        rows = wb.get_sheet_by_name("Passbook").to_python()
    header = next(i for i, r in enumerate(rows) if r[:2] == [col.CUSTOMER_ID, col.IDEA_ID])
    body = [r for r in rows[header + 1 :] if r[0]]
    assert [(r[1], r[4]) for r in body] == list(zip(lines[col.IDEA_ID], lines["Line"], strict=True))
    assert "KAP-114" not in {r[1] for r in body}  # out of bounds
    kap101 = next(r for r in body if r[1] == "KAP-101" and r[4] == "Supplier value")
    assert kap101[8] == 3000  # realised to date, from Tracking
    assert load_master(master).ideas.equals(m.ideas)  # the master's tables are untouched


def test_a_workbook_with_unreadable_cells_is_not_imported(generated, master, tmp_path, capsys):
    original = master.read_bytes()
    path = edit_book(book(generated, ZED, tmp_path), {"ZED-201": {col.END: "end of June"}})
    code, out, _ = run_cli(capsys, "import", str(master), str(path))
    assert code == 1 and "end of June" in out and "Nothing was imported" in out
    assert master.read_bytes() == original and backups(master) == []
