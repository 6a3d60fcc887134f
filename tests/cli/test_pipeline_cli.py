"""`cvm-xl pipeline` (issue 14: the refresh pipeline) and the consolidated sign-off's Pipeline sheet."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest

from cvm_xl.cli.main import main
from cvm_xl.core.pipeline import PIPELINE_ALL, PIPELINE_COLUMNS
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables

AS_OF = "2026-12-01"


@pytest.fixture(scope="module")
def master(tmp_path_factory):
    path = tmp_path_factory.mktemp("pipeline") / "master.xlsx"
    write_master(path, sample_settings(), sample_tables(), today=dt.date(2026, 12, 1))
    return path


def _run(capsys, monkeypatch, *argv: str) -> tuple[int, str]:
    monkeypatch.setenv("COLUMNS", "200")  # a wide terminal: no cell wraps
    code = main(list(argv))
    out, _ = capsys.readouterr()
    return code, re.sub(r"\s+", " ", out)


def test_refresh_due_is_information_and_exits_0(master, capsys, monkeypatch):
    code, out = _run(capsys, monkeypatch, "pipeline", str(master), "--as-of", AS_OF)
    assert code == 0
    assert "Refresh pipeline as of 2026-12-01" in out
    # C-AUT: wave 2 kicked off 2026-10-05, 5 open Go ideas (AUT-15 was emulated; the chain idea AUT-23
    # is a Go by its chain verdict, AUT-24 a Go as a dyad but shelved as a chain idea: issue 16), not due
    assert re.search(r"C-AUT │ 2 │ 2026-10-05 │ 5 │ 1 │ 37% → 82% │ Improving │ No", out)
    assert re.search(r"C-WHL │ 1 │ 2026-03-02 │ 0 │ 8 │ .* │ Yes", out)
    assert (
        "C-WHL Brightwell Wheels: refresh due, last kick-off 2026-03-02, more than 6 months ago; 0 open Go "
        "ideas (fewer than 3)." in out
    )
    # C-AUT: 6 ideas Evaluated (the chain idea AUT-24 among them), oldest of wave 1
    assert "Ideas by status" in out and re.search(r"C-AUT │ 2 · 10 │ 6 · 10 │", out)
    assert "2 of 4 customers due a refresh as of 2026-12-01 (Settings: Refresh after months 6, " in out


def test_earlier_in_the_year_nothing_is_due_and_wave_2_is_planned(master, capsys, monkeypatch):
    code, out = _run(
        capsys, monkeypatch, "pipeline", str(master), "--as-of", "2026-06-01", "--customer", "C-AUT"
    )
    assert code == 0
    assert "Next kick-off" in out and "2026-10-05" in out  # wave 2 not kicked off yet on 2026-06-01
    assert "C-WHL" not in out
    assert "0 of 1 customer due a refresh as of 2026-06-01" in out


@pytest.mark.parametrize(
    "argv",
    [
        ("pipeline", "{master}", "--as-of", "2026-13-01"),
        ("pipeline", "{master}", "--customer", "C-NONE"),
        ("pipeline", "{missing}"),
    ],
)
def test_bad_usage_exits_2(master, tmp_path, argv):
    paths = {"master": str(master), "missing": str(tmp_path / "none.xlsx")}
    try:
        code = main([a.format(**paths) for a in argv])
    except SystemExit as exc:  # argparse refuses an option's value itself
        code = exc.code
    assert code == 2


def test_signoff_has_a_pipeline_sheet_with_the_issues_columns_first(master, tmp_path, capsys):
    out = tmp_path / "signoff.xlsx"
    assert main(["signoff", str(master), "--out", str(out), "--as-of", AS_OF]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames.index("Pipeline") == wb.sheetnames.index("Next reviews") + 1
    ws = wb["Pipeline"]
    assert ws["A1"].value == "Refresh pipeline as of 2026-12-01"
    assert ws["A2"].value.startswith("2 customers due a refresh as of 2026-12-01")
    header = tuple(c.value for c in ws[3])
    assert header[:6] == PIPELINE_COLUMNS and header == PIPELINE_ALL
    rows = [r[:6] for r in ws.iter_rows(min_row=4, values_only=True) if r[0]]
    assert rows == [
        ("C-AUT", 2, dt.datetime(2026, 10, 5), 5, 1, "No"),  # AUT-23: a Go chain idea (issue 16)
        ("C-WHL", 1, dt.datetime(2026, 3, 2), 0, 8, "Yes"),
        ("C-APP", 1, dt.datetime(2026, 5, 4), 1, 6, "Yes"),
        ("C-FUR", 1, dt.datetime(2026, 9, 14), 5, 2, "No"),
    ]
    [table] = ws.tables.values()
    assert table.ref == "A3:J7"
