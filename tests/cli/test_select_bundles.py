"""`cvm-xl select` with a bundle (issue 15, SPEC §3.7): the bundle is ranked and counted as one, its
members listed under its rank with their Bundle ID."""

from __future__ import annotations

from book_fixtures import row_with, run_cli, wide_console_fixture  # noqa: F401  (fixture)
from bundle_fixtures import CUT, RESCUER, SHELVED, SINGLE, write_bundle_master


def test_select_lists_the_bundle_under_one_rank_and_counts_it_once(tmp_path, capsys):
    master = write_bundle_master(tmp_path / "master.xlsx")
    code, out, _ = run_cli(capsys, "select", str(master))
    assert code == 0, out
    assert "3 ideas for sign-off in 2 places (a bundle counts as one)" in out
    assert row_with(out, SHELVED).split()[:3] == ["│", "1", "│"]
    assert row_with(out, RESCUER).split()[:3] == ["│", "1", "│"]
    assert row_with(out, SINGLE).split()[:3] == ["│", "2", "│"]
    assert "B1" in row_with(out, SHELVED) and "b1" in row_with(out, RESCUER)
    assert CUT in row_with(out, "Over the limit of 2")
