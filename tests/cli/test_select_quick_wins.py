"""`cvm-xl select` with Feasibility (issue 14): the order is told in one line, quick wins come first
among equals and are marked; worked on the sample's C-AUT."""

from __future__ import annotations

from book_fixtures import row_with, run_cli, wide_console_fixture  # noqa: F401  (fixture)

from cvm_xl.core import columns as col
from cvm_xl.core.ranking import ORDER_TEXT, QUICK_WIN_TEXT
from cvm_xl.core.selection import select_for_sign_off
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables


def test_select_tells_the_order_and_marks_the_quick_wins(tmp_path, capsys):
    path = tmp_path / "master.xlsx"
    write_master(path, sample_settings(), sample_tables())
    code, out, _ = run_cli(capsys, "select", str(path), "--customer", "C-AUT")
    assert code == 0, out
    assert ORDER_TEXT in " ".join(out.split()) and QUICK_WIN_TEXT in " ".join(out.split())
    # Go: priority first; among them AUT-20 (Feasibility 5, Hygiene) and AUT-08 (4, Hygiene) lead,
    # ahead of AUT-05 (4, Operational, a higher net value), which is no quick win.
    assert row_with(out, "AUT-20").split()[:5] == ["│", "1", "│", "AUT-20", "│"]
    assert "5 quick win" in row_with(out, "AUT-20")
    assert row_with(out, "AUT-08").split()[:3] == ["│", "2", "│"] and "4 quick win" in row_with(out, "AUT-08")
    assert row_with(out, "AUT-05").split()[:3] == ["│", "3", "│"] and "quick win" not in row_with(
        out, "AUT-05"
    )
    master = load_master(path)
    ideas = master.evaluated[master.evaluated[col.CUSTOMER_ID] == "C-AUT"]
    chosen = select_for_sign_off(ideas, master.settings)
    for idea_id, quick in zip(chosen.ideas[col.IDEA_ID], chosen.quick_wins, strict=True):
        assert ("quick win" in row_with(out, f" {idea_id} ")) is quick, idea_id
