"""`cvm-xl init PATH`: a new, empty master that load_master reads back; never overwrites by accident."""

from __future__ import annotations

from openpyxl import load_workbook

from cvm_xl.cli import main
from cvm_xl.core import columns as col
from cvm_xl.core.settings import Settings
from cvm_xl.master.read import load_master
from cvm_xl.master.schema import IDEAS, Kind
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables


def test_init_writes_an_empty_master_with_default_settings(tmp_path, capsys):
    path = tmp_path / "cvm_master.xlsx"
    assert main(["init", str(path)]) == 0
    assert capsys.readouterr().out == (
        f"Wrote {path}. Fill in the Customers and Ideas sheets, then run: cvm-xl validate {path}\n"
    )
    master = load_master(path)
    assert master.settings == Settings()
    assert master.problems == ()
    assert master.ideas.empty and tuple(master.ideas.columns) == col.IDEA_INPUTS
    assert master.customers.empty and master.workshop.empty and master.tracking.empty
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "Settings", "Customers", "Workshop", "Ideas", "Tracking", "Actions", "Waves", "Parties",
        "Chain values",
        "Life cycle",
        "Maturity", "Objectives",
        "Risks", "Exit triggers", "Issue log", "Out of bounds topics", "Reviews", "KPI readings", "Lists",
    ]  # fmt: skip
    assert [next(iter(wb[s].tables)) for s in wb.sheetnames[:5]] == [
        "tblSettings", "tblCustomers", "tblWorkshop", "tblIdeas", "tblTracking",
    ]  # fmt: skip
    # One dropdown per list column of the Ideas (choices, Yes/No such as True-up, scores).
    lists = [c for c in IDEAS.columns if c.kind in (Kind.CHOICE, Kind.YES_NO, Kind.SCORE)]
    assert len(wb["Ideas"].data_validations.dataValidation) == len(lists) >= 9
    assert wb["Ideas"].freeze_panes == "A2"
    assert [p.name for p in tmp_path.iterdir()] == ["cvm_master.xlsx"]


def test_init_with_supplier_and_currency_in_a_new_folder(tmp_path, capsys):
    path = tmp_path / "waves" / "2025" / "master.xlsx"
    assert main(["init", str(path), "--supplier", "Aldermoor Steel", "--currency", "GBP"]) == 0
    assert load_master(path).settings == Settings(supplier="Aldermoor Steel", currency="GBP")


def test_init_refuses_to_overwrite_without_force(tmp_path, capsys):
    path = tmp_path / "master.xlsx"
    path.write_bytes(b"precious")
    assert main(["init", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"cvm-xl init: {path} already exists; nothing was written. Use --force to overwrite it.\n"
    )
    assert path.read_bytes() == b"precious"
    assert main(["init", str(path), "--force"]) == 0
    assert load_master(path).ideas.empty


def test_init_needs_an_xlsx_name(tmp_path, capsys):
    assert main(["init", str(tmp_path / "master.xlsm")]) == 2
    assert "a new master is an .xlsx workbook; give a name ending in .xlsx." in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_init_rejects_a_blank_supplier(tmp_path, capsys):
    assert main(["init", str(tmp_path / "m.xlsx"), "--supplier", "  "]) == 2
    assert capsys.readouterr().err == "cvm-xl init: Supplier: must name the supplier firm.\n"
    assert list(tmp_path.iterdir()) == []


def test_init_force_keeps_the_filled_master_as_a_backup(tmp_path, capsys):
    # Issue 13: `init --force` destroyed a filled master without a backup.
    path = tmp_path / "master.xlsx"
    write_master(path, sample_settings(), sample_tables())
    filled = path.read_bytes()
    assert main(["init", str(path), "--force"]) == 0
    (backup,) = [p for p in tmp_path.iterdir() if p != path]
    assert backup.name.startswith("master.backup-") and backup.suffix == ".xlsx"
    assert backup.read_bytes() == filled
    assert f"The previous file is kept as {backup.name}." in capsys.readouterr().out
    assert load_master(path).ideas.empty
    assert len(load_master(backup).ideas) == len(sample_tables()["Ideas"])


def test_init_into_a_new_file_keeps_no_backup(tmp_path, capsys):
    path = tmp_path / "master.xlsx"
    assert main(["init", str(path), "--force"]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["master.xlsx"]
    assert "kept as" not in capsys.readouterr().out
