"""The use case of `cvm-xl actions` (issue 14): which ideas the rules of ``core.actions`` apply to."""

from __future__ import annotations

import datetime as dt

from generate_fixtures import build_master

from cvm_xl.actions.escalations import action_report, in_bounds
from cvm_xl.core import columns as col
from cvm_xl.core.actions import ACTION_ID, DAYS_OVERDUE, ESCALATION_ALL

AS_OF = dt.date(2026, 7, 1)


def test_every_customer_out_of_bounds_ideas_left_out():
    master = build_master()
    report = action_report(master, AS_OF)
    assert report.as_of == AS_OF and tuple(report.escalations.columns) == ESCALATION_ALL
    # KAP-A3 and ZED-A2 belong to out-of-bounds ideas: counted as left out, never listed
    assert report.left_out == 2 and report.actions == 3
    assert not {"KAP-A3", "ZED-A2"} & set(report.escalations[ACTION_ID].dropna())
    assert not {"KAP-114", "ZED-203"} & set(report.progress[col.IDEA_ID])
    overdue = report.escalations.dropna(subset=[ACTION_ID])
    assert overdue[ACTION_ID].tolist() == ["KAP-A2", "ZED-A1"]  # due 2026-05-29 and 2026-06-30
    assert overdue[DAYS_OVERDUE].tolist() == [33, 1]
    assert report.owners.values.tolist()[0][:2] == ["KAPPA-7", "Ilse Varga"]
    assert report.customers["KAPPA-7"]


def test_one_customer_only():
    master = build_master()
    report = action_report(master, AS_OF, ["ZED-41"])
    assert set(report.escalations[col.CUSTOMER_ID]) <= {"ZED-41"}
    assert report.actions == 1 and report.left_out == 1  # ZED-A1, and ZED-A2 of ZED-203
    assert report.progress[col.IDEA_ID].tolist() == ["ZED-202"]


def test_in_bounds_keeps_the_ideas_not_marked():
    master = build_master()
    kept = in_bounds(master.ideas)
    assert not kept[col.OUT_OF_BOUNDS].any()
    assert len(kept) == len(master.ideas) - int(master.ideas[col.OUT_OF_BOUNDS].sum())
