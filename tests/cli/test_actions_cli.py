"""`cvm-xl actions`, and --as-of on generate and signoff (issue 14: implementation tracking)."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest

from cvm_xl.cli.main import main
from cvm_xl.core.actions import ESCALATION_COLUMNS
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables

AS_OF = "2026-12-01"


@pytest.fixture(scope="module")
def master(tmp_path_factory):
    path = tmp_path_factory.mktemp("actions") / "master.xlsx"
    write_master(path, sample_settings(), sample_tables(), today=dt.date(2026, 12, 1))
    return path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, re.sub(r"\s+", " ", out), err


def test_escalations_found_exit_1_and_are_listed_by_customer_and_owner(master, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # a wide terminal: no cell wraps
    code, out, _ = _run(capsys, "actions", str(master), "--as-of", AS_OF)
    assert code == 1
    assert "Escalations as of 2026-12-01" in out
    assert "8 escalations as of 2026-12-01: 7 owners at 3 customers." in out
    # by customer (C-APP, C-AUT, C-WHL), within a customer by owner, the longest overdue first
    order = [out.index(text) for text in ("A-APP-02", "A-AUT-07", "A-AUT-09", "A-AUT-04", "A-WHL-02")]
    assert order == sorted(order)
    assert "Idea past its End" in out  # AUT-05 ended 2026-11-27, still Implementing
    assert "1 action of out-of-bounds ideas not shown." in out
    assert "Progress per idea" in out and "1 / 3" in out  # AUT-02: one of three actions done


def test_nothing_escalated_exits_0(master, capsys):
    code, out, _ = _run(capsys, "actions", str(master), "--as-of", "2026-04-01")
    assert code == 0
    assert "Nothing escalated as of 2026-04-01 (18 actions read)." in out


def test_one_customer(master, capsys):
    code, out, _ = _run(capsys, "actions", str(master), "--as-of", AS_OF, "--customer", "C-WHL")
    assert code == 1
    assert "3 escalations as of 2026-12-01: 3 owners at 1 customer." in out
    assert "C-AUT" not in out and "A-APP" not in out


@pytest.mark.parametrize(
    "argv",
    [
        ("actions", "{master}", "--as-of", "2026-13-01"),
        ("actions", "{master}", "--as-of", "1 December"),
        ("actions", "{master}", "--customer", "C-NONE"),
        ("actions", "{missing}"),
        ("generate", "{master}", "--out", "{out}", "--as-of", "yesterday"),
        ("signoff", "{master}", "--out", "{out}/s.xlsx", "--as-of", "2026-02-30"),
    ],
)
def test_bad_usage_exits_2(master, tmp_path, capsys, argv):
    paths = {"master": str(master), "missing": str(tmp_path / "none.xlsx"), "out": str(tmp_path / "out")}
    args = [a.format(**paths) for a in argv]
    try:
        code = main(args)
    except SystemExit as exc:  # argparse refuses an option's value itself
        code = exc.code
    assert code == 2
    assert not (tmp_path / "out").exists()


def test_signoff_as_of_fixes_the_escalations_sheet(master, tmp_path, capsys):
    out = tmp_path / "signoff.xlsx"
    code, _, _ = _run(capsys, "signoff", str(master), "--out", str(out), "--as-of", AS_OF)
    assert code == 0
    ws = openpyxl.load_workbook(out)["Escalations"]
    assert ws["A1"].value == "Escalations as of 2026-12-01"
    header = [c.value for c in ws[3]]
    assert tuple(header[:6]) == ESCALATION_COLUMNS
    rows = [r for r in ws.iter_rows(min_row=4, max_col=6, values_only=True) if r[0]]
    assert len(rows) == 8
    assert rows[0] == ("C-APP", "APP-01", "A-APP-02", "Giulia Conti", dt.datetime(2026, 11, 6), 25)
    assert ("C-AUT", "AUT-05", None, "Tomasz Wierzbicki", dt.datetime(2026, 11, 27), 4) in rows


def test_generate_as_of_fills_the_as_of_cell(master, tmp_path, capsys):
    out = tmp_path / "books"
    code, _, _ = _run(
        capsys, "generate", str(master), "--out", str(out), "--customer", "C-WHL", "--as-of", "2026-11-25"
    )
    assert code == 0
    [book] = out.glob("*.xlsx")
    ws = openpyxl.load_workbook(book)["Actions"]
    assert ws["A3"].value == "As of" and ws["B3"].value == dt.datetime(2026, 11, 25)
    cached = openpyxl.load_workbook(book, data_only=True)["Actions"]
    states = {r[0]: (r[8], r[9]) for r in cached.iter_rows(min_row=6, values_only=True) if r[0]}
    assert states["A-WHL-02"] == ("Overdue", 5)  # due 2026-11-20
    assert states["A-WHL-04"] == ("Open", None)  # due 2026-11-30: not yet on 2026-11-25
