"""Changing an existing master in place: cells by header, appended rows, backups, nothing lost."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cvm_xl.master.read import load_master
from cvm_xl.master.update import CellChange, update_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def master(tmp_path: Path) -> Path:
    path = tmp_path / "master.xlsx"
    write_master(path, sample_settings(), sample_tables())
    return path


def test_changes_and_appends_are_read_back(master: Path) -> None:
    before = load_master(master)
    row = int(before.ideas.index[before.ideas["Idea ID"] == "AUT-06"][0])
    when = dt.datetime(2026, 11, 22, 9, 30)
    result = update_master(
        master,
        [
            CellChange("Ideas", row, "Status", "Signed off"),
            CellChange("Ideas", row, "Owner", "=cmd|' /C calc'!A0"),
        ],
        {
            "Tracking": [{"Idea ID": "AUT-06", "Month": dt.date(2026, 11, 1), "Supplier realised": 4000.0}],
            "Import log": [{"When": when, "File": "x.xlsx", "What": "Status of AUT-06 -> Signed off"}],
        },
        now=when,
    )
    assert result.changed_cells == 2 and result.appended_rows == 2
    assert result.backup == master.with_name("master.backup-20261122-093000.xlsx")
    assert load_master(result.backup).ideas.equals(before.ideas)  # the backup is the old master

    after = load_master(master)
    idea = after.ideas.loc[row]
    assert idea["Status"] == "Signed off"
    assert idea["Owner"] == "=cmd|' /C calc'!A0"  # typed text, never a formula
    assert len(after.tracking) == len(before.tracking) + 1
    last = after.tracking.iloc[-1]
    assert (last["Idea ID"], last["Month"], last["Supplier realised"]) == (
        "AUT-06",
        dt.date(2026, 11, 1),
        4000.0,
    )
    unchanged = after.ideas.drop(index=row)
    assert unchanged.equals(before.ideas.drop(index=row))

    wb = load_workbook(master)
    table = next(iter(wb["Tracking"].tables.values()))
    assert table.ref.endswith(str(after.tracking.index[-1]))  # the Excel Table grew with the new row
    assert wb["Import log"]["C2"].value == "Status of AUT-06 -> Signed off"
    with zipfile.ZipFile(master) as z:
        sheet = next(
            n for n in z.namelist() if n.startswith("xl/worksheets/") and "calc" in z.read(n).decode()
        )
        # The live master's computed columns are formulas (issue 12); typed text never is one.
        assert not re.search(r"<f>[^<]*calc", z.read(sheet).decode())


def test_a_missing_column_is_added_to_the_table(master: Path) -> None:
    before = load_master(master)
    row = int(before.workshop.index[0])
    update_master(master, [CellChange("Workshop", row, "Reviewed by", "Ana")], backup=False)
    wb = load_workbook(master)
    ws = wb["Workshop"]
    table = next(iter(ws.tables.values()))
    assert "Reviewed by" in [c.name for c in table.tableColumns]
    assert load_master(master).workshop.loc[row, "Reviewed by"] == "Ana"


def test_bad_changes_write_nothing(master: Path) -> None:
    stamp = master.stat().st_mtime_ns
    with pytest.raises(ValueError, match="no sheet 'Ideaz'"):
        update_master(master, [CellChange("Ideaz", 5, "Status", "Selected")])
    with pytest.raises(ValueError, match="not below the header row"):
        update_master(master, [CellChange("Ideas", 1, "Status", "Selected")])
    assert master.stat().st_mtime_ns == stamp
    assert list(master.parent.glob("*.backup-*")) == []


def test_the_template_keeps_its_macros_and_buttons(tmp_path: Path) -> None:
    path = tmp_path / "master.xlsm"
    path.write_bytes((ROOT / "workbook_template.xlsm").read_bytes())
    update_master(
        path,
        appends={"Customers": [{"Customer ID": "C-NEW", "Customer": "New customer"}]},
        backup=False,
    )
    assert load_master(path).customers["Customer ID"].tolist() == ["C-NEW"]
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        start_sheet = z.read("xl/worksheets/sheet1.xml")
    assert "xl/vbaProject.bin" in names
    assert any(n.endswith(".vml") for n in names) and b"<legacyDrawing" in start_sheet  # the buttons
