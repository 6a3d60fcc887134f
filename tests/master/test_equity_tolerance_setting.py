"""Settings `Equity tolerance` (issue 15, ``core.closers``): read from the master's Settings sheet in
the spellings users type, checked, written by the master writer, and kept out of the customer books'
Settings rows and of the sign-off fingerprint."""

from __future__ import annotations

from cvm_xl.core.fingerprint import FINGERPRINT_SETTINGS, canonical_settings
from cvm_xl.core.settings import ALL_SETTING_LABELS, BALANCE_LABELS, SETTING_LABELS, Settings
from cvm_xl.master.read import load_master
from cvm_xl.master.settings_sheet import read_settings
from cvm_xl.master.write import write_master


def test_the_sheet_reads_it_as_a_share_or_a_number():
    for typed, expected in (("7.5%", 0.075), (0.1, 0.1), (None, 0.05)):
        settings, problems = read_settings(
            [["Setting", "Value"], [" equity TOLERANCE", typed]], "m.xlsx", "S"
        )
        assert (settings.equity_tolerance, problems) == (expected, [])


def test_a_tolerance_above_1_is_refused_with_the_fix():
    settings, problems = read_settings([["Setting", "Value"], ["Equity tolerance", 2]], "m.xlsx", "S")
    assert settings.equity_tolerance == 0.05
    [problem] = problems
    assert problem.message == "Equity tolerance 2 is not allowed."
    assert problem.fix == "Equity tolerance must be between 0 and 1 (e.g. 0.05 or 5% of the passbook total)."


def test_the_master_writer_round_trips_it(tmp_path):
    path = tmp_path / "m.xlsx"
    write_master(path, Settings(equity_tolerance=0.08), {})
    assert load_master(path).settings.equity_tolerance == 0.08


def test_customer_books_and_fingerprints_do_not_see_it():
    assert BALANCE_LABELS == {"Equity tolerance": "equity_tolerance"}
    assert "Equity tolerance" in ALL_SETTING_LABELS and "Equity tolerance" not in SETTING_LABELS
    assert "equity_tolerance" not in FINGERPRINT_SETTINGS
    assert canonical_settings(Settings(equity_tolerance=0.2)) == canonical_settings(Settings())
