"""Validation of bundles (issue 15): every bundle problem is found, collected and names its cell."""

from __future__ import annotations

import pytest
from loader_fixtures import D, good_sheets, write_sheets

from cvm_xl.core import columns as col
from cvm_xl.core.problems import ERROR, WARNING, Code, WorkbookError
from cvm_xl.master.read import load_master


def _ideas(rows: list[dict[str, object]]) -> dict[str, list[list[object]]]:
    """The good master with these ideas (column -> value; the rest blank) as its Ideas table."""
    sheets = good_sheets()
    header = list(col.IDEA_INPUTS)
    base = {col.TITLE: "An idea", col.CATEGORY: "Operational", col.STATUS: "Evaluated"}
    sheets["Ideas"] = [header, *([{**base, **r}.get(name) for name in header] for r in rows)]
    sheets.pop("Tracking")
    sheets.pop("Actions", None)
    sheets.pop("Workshop")
    return sheets


def _idea(idea_id: str, customer: str, bundle: str | None, **more: object) -> dict[str, object]:
    return {col.IDEA_ID: idea_id, col.CUSTOMER_ID: customer, col.BUNDLE: bundle,
            col.SUPPLIER_ANNUAL: 100_000, col.CUSTOMER_ANNUAL: -20_000, **more}  # fmt: skip


def _letter(name: str) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[col.IDEA_INPUTS.index(name)]


def test_a_good_bundle_loads_without_problems(tmp_path):
    rows = [_idea("I-1", "C01", "B-1", **{col.SHARING_METHOD: "equal"}), _idea("I-2", "C01", " b-1")]
    master = load_master(write_sheets(tmp_path / "m.xlsx", _ideas(rows)))
    assert master.problems == ()
    assert master.ideas[col.BUNDLE].tolist() == ["B-1", "b-1"]
    assert master.ideas[col.TRUE_UP].tolist() == [False, False]


def test_every_bundle_problem_is_collected_with_its_cell(tmp_path):
    rows = [
        _idea("I-1", "C01", "B-1", **{col.SHARING_METHOD: "equal", col.SUPPLIER_SHARE: 0.4}),
        _idea("I-2", "C01", "B-1", **{col.SHARING_METHOD: "proportional", col.SUPPLIER_SHARE: 0.6}),
        _idea("I-3", "C02", "b-1"),  # the same ID at another customer
        _idea("I-4", "C01", "LONE"),  # one member
        _idea("I-5", "C01", "B-2", **{col.STATUS: "Dropped"}),
        _idea("I-6", "C01", "B-2", **{col.OUT_OF_BOUNDS: "Yes"}),
    ]
    with pytest.raises(WorkbookError) as caught:
        load_master(write_sheets(tmp_path / "m.xlsx", _ideas(rows)))
    found = [(p.ref, p.code, p.severity) for p in caught.value.problems if p.code.startswith("bundles.")]
    b, s, m, share, oob = (_letter(c) for c in (col.BUNDLE, col.STATUS, col.SHARING_METHOD,
                                                 col.SUPPLIER_SHARE, col.OUT_OF_BOUNDS))  # fmt: skip
    assert found == [
        (f"{m}3", Code.BUNDLE_METHODS_DIFFER, ERROR),
        (f"{share}3", Code.BUNDLE_SHARES_DIFFER, ERROR),
        (f"{b}4", Code.BUNDLE_ACROSS_CUSTOMERS, ERROR),
        (f"{b}5", Code.BUNDLE_ONE_MEMBER, ERROR),
        (f"{s}6", Code.BUNDLE_DROPPED_MEMBER, ERROR),
        (f"{s}7", Code.BUNDLE_STATUSES_DIFFER, WARNING),
        (f"{oob}7", Code.BUNDLE_OUT_OF_BOUNDS_MEMBER, ERROR),
    ]
    shares = next(p for p in caught.value.problems if p.code == Code.BUNDLE_SHARES_DIFFER)
    assert "gives 60% and row 2 gives 40%" in shares.message
    across = next(p for p in caught.value.problems if p.code == Code.BUNDLE_ACROSS_CUSTOMERS)
    assert "'C01' (row 2)" in across.message and across.fix and across.file and across.sheet == "Ideas"


def test_members_in_different_statuses_are_a_warning(tmp_path):
    rows = [
        _idea("I-1", "C01", "B-1"),
        _idea("I-2", "C01", "B-1", **{col.STATUS: "Selected"}),
    ]
    master = load_master(write_sheets(tmp_path / "m.xlsx", _ideas(rows)))
    assert [(p.ref, p.code, p.severity) for p in master.problems] == [
        (f"{_letter(col.STATUS)}3", Code.BUNDLE_STATUSES_DIFFER, WARNING)
    ]


def test_a_committed_member_is_judged_by_its_bundle(tmp_path):
    """A signed-off member that is no Go alone raises no warning when its bundle is a Go."""
    dates = {col.OWNER_FIRM: "Joint", col.OWNER: "Ana", col.START: D(2025, 3, 3), col.END: D(2025, 8, 29),
             col.STATUS: "Signed off"}  # fmt: skip
    rows = [
        _idea("I-1", "C01", "B-1", **{**dates, col.CUSTOMER_ANNUAL: -110_000}),  # net < 0 alone: No go
        _idea("I-2", "C01", "B-1", **{**dates, col.SUPPLIER_ANNUAL: -10_000, col.CUSTOMER_ANNUAL: 150_000}),
    ]
    master = load_master(write_sheets(tmp_path / "m.xlsx", _ideas(rows)))
    assert master.problems == ()
