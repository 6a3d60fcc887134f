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
    # Each wave is its own list (issue 14). Go: priority first; AUT-20 (Feasibility 5, Hygiene) leads
    # wave 2, AUT-08 (4, Hygiene) wave 1, ahead of AUT-05 (4, Operational, a higher net value), which
    # is no quick win.
    assert row_with(out, "AUT-20").split()[:5] == ["│", "1", "│", "AUT-20", "│"]
    assert "5 quick win" in row_with(out, "AUT-20")
    assert row_with(out, "AUT-08").split()[:3] == ["│", "1", "│"] and "4 quick win" in row_with(out, "AUT-08")
    assert row_with(out, "AUT-05").split()[:3] == ["│", "2", "│"] and "quick win" not in row_with(
        out, "AUT-05"
    )
    assert "wave 2 (kicked off 2026-10-05)" in out and "wave 1 (kicked off 2026-01-12)" in out
    master = load_master(path)
    # the ideas as decided: the chain idea AUT-24 is shelved as a chain idea, never listed (issue 16)
    ideas = master.decided[master.decided[col.CUSTOMER_ID] == "C-AUT"]
    chosen = select_for_sign_off(ideas, master.settings)
    for idea_id, quick in zip(chosen.ideas[col.IDEA_ID], chosen.quick_wins, strict=True):
        assert ("quick win" in row_with(out, f" {idea_id} ")) is quick, idea_id


def test_select_one_wave_of_a_two_wave_customer(tmp_path, capsys):
    path = tmp_path / "master.xlsx"
    write_master(path, sample_settings(), sample_tables())
    code, out, _ = run_cli(
        capsys, "select", str(path), "--customer", "C-AUT", "--wave", "2", "--as-of", "2026-12-01"
    )
    assert code == 0, out
    assert "C-AUT Orvane Automotive Group wave 2 (kicked off 2026-10-05)" in " ".join(out.split())
    assert "wave 1" not in out and "AUT-08" not in out and "AUT-18" in out
    assert "per customer and wave" in out
    # A customer with one wave has no wave heading.
    code, out, _ = run_cli(capsys, "select", str(path), "--customer", "C-WHL")
    assert code == 0 and "wave 1" not in out and "WHL-01" in out
