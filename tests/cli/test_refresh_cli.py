"""`cvm-xl refresh MASTER` (issue 12): exit codes, the backup, and refusals that write nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from fault_fixtures import excel_owner_bytes, names, run

import cvm_xl
from cvm_xl.core import columns as col
from cvm_xl.core.problems import Code


@pytest.fixture
def master(sample_master: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "share"
    folder.mkdir()
    return Path(shutil.copy(sample_master, folder / "master.xlsx"))


def _stale(master: Path) -> None:
    """A computed cell holding a plain, wrong value (as an older version or a paste leaves it)."""
    wb = openpyxl.load_workbook(master)
    ws = wb["Ideas"]
    header = {c.value: c.column for c in ws[1]}
    ws.cell(2, header[col.NET_VALUE]).value = 42.0
    wb.save(master)


def test_refresh_rewrites_stale_results_keeps_a_backup_and_exits_0(master: Path, capsys) -> None:
    _stale(master)
    assert any(p.code == Code.CELL_STALE_RESULT for p in cvm_xl.load_master(master).problems)
    code, out, err = run(capsys, "refresh", str(master))
    assert code == 0, out + err
    assert f"Refreshed {master}:" in out and f"Ideas: {len(col.IDEA_COMPUTED)} columns on" in out
    assert "kept as master.backup-" in out
    assert not any(p.code == Code.CELL_STALE_RESULT for p in cvm_xl.load_master(master).problems)
    evaluated = cvm_xl.load_master(master).evaluated
    saved = openpyxl.load_workbook(master, data_only=True)["Ideas"]
    header = {c.value: c.column for c in saved[1]}
    assert saved.cell(2, header[col.NET_VALUE]).value == pytest.approx(evaluated.at[2, col.NET_VALUE])
    assert len([n for n in names(master.parent) if ".backup-" in n]) == 1


def test_a_master_open_in_excel_is_refused_and_left_as_it_was(master: Path, capsys) -> None:
    _stale(master)
    owner = master.with_name(f"~${master.name}")
    owner.write_bytes(excel_owner_bytes("Ana Silva"))
    before, listing = master.read_bytes(), names(master.parent)
    code, out, err = run(capsys, "refresh", str(master))
    assert code == 2, out + err
    assert "it is open in Excel by Ana Silva; nothing was changed" in err and "Traceback" not in out + err
    assert master.read_bytes() == before and names(master.parent) == listing


def test_a_master_with_errors_exits_1_and_a_xlsm_master_2(master: Path, tmp_path: Path, capsys) -> None:
    wb = openpyxl.load_workbook(master)
    ws = wb["Ideas"]
    header = {c.value: c.column for c in ws[1]}
    ws.cell(2, header[col.SUPPLIER_ANNUAL]).value = "lots"
    wb.save(master)
    before = master.read_bytes()
    code, out, err = run(capsys, "refresh", str(master))
    assert code == 1 and "Nothing was written" in out and master.read_bytes() == before
    template = Path(__file__).parents[2] / "workbook_template.xlsm"
    code, out, err = run(capsys, "refresh", str(shutil.copy(template, tmp_path / "template.xlsm")))
    assert code == 2 and "not an .xlsx master" in err
    code, out, err = run(capsys, "refresh", str(tmp_path / "missing.xlsx"))
    assert code == 2 and "Traceback" not in out + err
