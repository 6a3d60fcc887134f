"""The KPI readings check (issue 14, ``master.relationship_rules.check_kpi_objectives``): a reading names
an objective of its own customer on the Objectives sheet, case and spacing ignored; anything else is a
``kpis.unknown_objective`` error at the reading's Objective cell, with the customer's objectives listed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from cvm_xl.core.problems import Code, WorkbookError
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master
from cvm_xl.readiness import tables as rt
from cvm_xl.sample import sample_settings, sample_tables

SHARE = "Raise Aldermoor's share of Orvane's flat steel"  # a C-AUT objective of the sample
ON_TIME = "Deliver on time"  # C-WHL's only objective


def _master_with(tmp_path: Path, *readings: tuple[str, str, float]) -> Path:
    """The sample master with ``readings`` (Objective, Customer ID, Value; month 2026-12) appended."""
    tables = sample_tables()
    month = dt.date(2026, 12, 1)
    rows = [{rt.OBJECTIVE: o, rt.CUSTOMER_ID: c, "Month": month, "Value": v} for o, c, v in readings]
    extra = pd.DataFrame(rows)
    tables[rt.KPI_SHEET] = pd.concat([tables[rt.KPI_SHEET], extra], ignore_index=True)
    path = tmp_path / "master.xlsx"
    write_master(path, sample_settings(), tables)
    return path


def test_the_samples_readings_all_name_an_objective_of_their_customer(tmp_path: Path) -> None:
    master = load_master(_master_with(tmp_path))
    assert [p for p in master.problems if p.code == Code.KPI_UNKNOWN_OBJECTIVE] == []
    assert len(master.relationship[rt.KPI_SHEET]) == len(sample_tables()[rt.KPI_SHEET])


def test_case_and_spacing_do_not_matter(tmp_path: Path) -> None:
    spelled = "  raise ALDERMOOR'S share of   orvane's flat steel "
    master = load_master(_master_with(tmp_path, (spelled, "C-AUT", 0.43)))
    assert [p for p in master.problems if p.code == Code.KPI_UNKNOWN_OBJECTIVE] == []


def test_a_misspelt_objective_and_another_customers_objective_are_errors(tmp_path: Path) -> None:
    first_new = len(sample_tables()[rt.KPI_SHEET]) + 2  # Excel row of the first appended reading
    path = _master_with(
        tmp_path,
        ("Raise Aldermoor's share of Orvane's flat stel", "C-AUT", 0.43),  # a typo
        (SHARE, "C-WHL", 0.5),  # C-AUT's objective under C-WHL
        (ON_TIME, "C-WHL", 0.95),  # fine
    )
    with pytest.raises(WorkbookError) as caught:
        load_master(path)
    found = [p for p in caught.value.problems if p.code == Code.KPI_UNKNOWN_OBJECTIVE]
    assert [(p.sheet, p.row, p.column) for p in found] == [
        (rt.KPI_SHEET, first_new, rt.OBJECTIVE),
        (rt.KPI_SHEET, first_new + 1, rt.OBJECTIVE),
    ]
    typo, other = found
    assert "not an objective of customer C-AUT" in typo.message
    assert SHARE in typo.fix  # did you mean, and the customer's objectives listed
    assert "not an objective of customer C-WHL" in other.message
    assert ON_TIME in other.fix and "Objectives sheet" in other.fix
