"""The self-test's cases (udfs.selftest, written onto the template's Self-test sheet) pass against the
worksheet functions themselves: a FAIL in Excel then points at the installation, not at the rules."""

from __future__ import annotations

import platform

import pytest
import xlwings

from udfs import cvm_udfs, selftest, xl
from udfs.selftest import CASES, matches


def test_every_worksheet_function_has_a_case():
    assert {c.function for c in CASES} == {f.__name__ for f in xl.udf_functions(cvm_udfs)}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.function}: {c.example}")
def test_case_passes_against_the_function(case):
    got = getattr(cvm_udfs, case.function)(*case.args)
    assert matches(got, case.expected), (case.function, got)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.function}: {c.example}")
def test_case_passes_its_settings_range_whatever_the_workbook_holds(case):
    """A case never falls back to the calling workbook's Settings sheet: with a caller whose Settings
    would change every result, the result is the same."""

    class Sheet:
        name = "Settings"
        used_range = type("R", (), {"options": lambda self, **_: self, "value": None})()

    Sheet.used_range.value = [["Setting", "Value"], ["Horizon years", 10], ["Discount rate", 0.5],
                              ["Indifference threshold", 10**9], ["Target supplier share", 0.9]]  # fmt: skip
    Sheet.book = type("B", (), {"sheets": [Sheet]})()
    function = getattr(cvm_udfs, case.function)
    if "caller" in xl.udf_info(function)["argmap"]:
        got = function(*case.args, caller=type("C", (), {"sheet": Sheet})())
        assert matches(got, case.expected), (case.function, got)


def test_matching_rule():
    assert matches(25770.969872478803 * (1 + 1e-12), 25770.969872478803)
    assert not matches(25771.0, 25770.969872478803)
    assert not matches("40000", 40000.0) and not matches(True, 1) and not matches(None, 0.0)
    assert matches([[1, "W"]], [[1.0, "W"]]) and not matches([[1]], [[1], [2]])
    assert not matches("#N/A", "Go")
    assert matches(True, True) and matches(False, False) and not matches(True, False)
    assert not matches(1, True) and not matches(0, False) and not matches("TRUE", True)


def test_versions_name_what_the_python_side_runs():
    text = selftest.versions()
    assert f"Python {platform.python_version()}" in text
    # CVM_SelfTest finds the xlwings version between ", xlwings " and ",".
    assert f", xlwings {xlwings.__version__}, " in text and "cvm-xl " in text


def test_failure_help_says_what_to_do():
    assert len(selftest.FAILURE_HELP) >= 4
    for symptom, fix in selftest.FAILURE_HELP:
        assert symptom and len(fix) > 40
