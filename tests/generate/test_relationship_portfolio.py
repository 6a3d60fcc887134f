"""The Portfolio sheet of the consolidated sign-off: screening, CVM totals and the relationship
overview per customer, equal to the core (and, for the totals, to what LibreOffice computes)."""

from __future__ import annotations

import dataclasses
import math

import openpyxl
import pytest
from libreoffice import libreoffice  # noqa: F401  (session fixture)
from relationship_fixtures import (
    GENERATED,
    K,
    M,
    Z,
    relationship_master,
)

from cvm_xl.core import columns as col
from cvm_xl.generate import signoff_workbook_bytes
from cvm_xl.generate.sheets import consolidated as C
from cvm_xl.generate.sheets import portfolio as P
from cvm_xl.readiness.overview import relationship_overview
from cvm_xl.readiness.screening import ScreeningThresholds, screen_customers


@pytest.fixture(scope="module")
def master():
    return relationship_master()


@pytest.fixture(scope="module")
def path(master, tmp_path_factory):
    out = tmp_path_factory.mktemp("portfolio") / "consolidated.xlsx"
    out.write_bytes(signoff_workbook_bytes(master, GENERATED))
    return out


@pytest.fixture(scope="module")
def wb(path):
    return openpyxl.load_workbook(path)


def _rows(ws) -> dict[str, dict[str, object]]:
    heads = [c.value for c in ws[P.HEADER_ROW]]
    out = {}
    for r in range(P.FIRST, ws.max_row + 1):
        values = dict(zip(heads, (c.value for c in ws[r]), strict=False))
        out[values["Customer ID"]] = values
    return out


def _same(actual: object, expected: object) -> bool:
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return actual is None
    if isinstance(expected, float):
        return actual == pytest.approx(expected)
    return actual == expected


def test_portfolio_follows_the_summary(wb):
    assert wb.sheetnames[:2] == [C.SUMMARY, P.NAME]
    ws = wb[P.NAME]
    assert [c.value for c in ws[P.HEADER_ROW]] == list(P.COLUMNS)
    assert ws.freeze_panes == f"C{P.FIRST}"


def test_screening_and_overview_are_the_cores(wb, master):
    rows = _rows(wb[P.NAME])
    assert list(rows) == [*master.customers[col.CUSTOMER_ID], "Total"]
    screening = screen_customers(master.customers, ScreeningThresholds.of(master.settings)).set_index(
        col.CUSTOMER_ID
    )
    overview = relationship_overview(
        master.customers, master.relationship, GENERATED.date(), ScreeningThresholds.of(master.settings)
    ).set_index(col.CUSTOMER_ID)
    for cid in (K, Z, M):
        for name in ("Eligible", "Reasons"):
            assert rows[cid][name] == (screening.loc[cid, name] or None), (cid, name)
        for name in P.OVERVIEW:
            assert _same(rows[cid][name], overview.loc[cid, name]), (cid, name, rows[cid][name])
    # hand-worked: Kappa meets every prerequisite; its out-of-bounds risk R5 counts (internal sheet)
    assert rows[K]["Eligible"] == "Yes" and rows[Z]["Eligible"] == "No"
    assert rows[K]["Open risks"] == 5 and rows[K]["Critical risks"] == 3
    assert rows[K]["Maturity verdict"] == "Ready: development needs"
    assert rows[K]["Readiness"] == pytest.approx(8 / 59)
    assert rows[Z]["Current stage"] == "Knowledge"
    assert rows[M]["Maturity verdict"] == "Not assessed"


def test_totals_read_the_summary_row_of_the_same_customer(wb, master):
    ws = wb[P.NAME]
    summary = wb[C.SUMMARY]
    heads = {c.value: c.column_letter for c in summary[C.FIRST - 1]}
    for i, cid in enumerate([*master.customers[col.CUSTOMER_ID], None]):
        r = P.FIRST + i
        assert summary[f"A{r}"].value == (cid or "Total")
        for name, source in P.TOTALS.items():
            assert ws[f"{P.LETTER[name]}{r}"].value == f"={C.SUMMARY}!${heads[source]}{r}"
    total = P.FIRST + len(master.customers)
    assert ws[f"{P.LETTER['Eligible']}{total}"].value.startswith("=COUNTIFS(")


def test_the_screening_thresholds_come_from_the_settings(master, tmp_path):
    lenient = dataclasses.replace(master, settings=master.settings.replace(screening_max_quartile=2))
    customers = lenient.customers.copy()
    customers.loc[customers[col.CUSTOMER_ID] == K, "Industry quartile"] = 2.0
    lenient = dataclasses.replace(lenient, customers=customers)
    path = tmp_path / "lenient.xlsx"
    path.write_bytes(signoff_workbook_bytes(lenient, GENERATED))
    rows = _rows(openpyxl.load_workbook(path)[P.NAME])
    assert rows[K]["Eligible"] == "Yes"
    strict = dataclasses.replace(lenient, settings=master.settings)
    path.write_bytes(signoff_workbook_bytes(strict, GENERATED))
    rows = _rows(openpyxl.load_workbook(path)[P.NAME])
    assert rows[K]["Eligible"] == "No"
    assert rows[K]["Reasons"] == "Industry quartile 2: CVM needs an industry leader (quartile 1)"


def test_libreoffice_gives_the_cached_totals(path, libreoffice, tmp_path):  # noqa: F811
    cached = openpyxl.load_workbook(path, data_only=True)[P.NAME]
    (recalculated,) = libreoffice.recalculate([path], tmp_path)
    ws = openpyxl.load_workbook(recalculated, data_only=True)[P.NAME]
    for r in range(P.FIRST, ws.max_row + 1):
        for name in (*P.TOTALS, "Eligible"):
            ref = f"{P.LETTER[name]}{r}"
            expected, actual = cached[ref].value, ws[ref].value
            if isinstance(expected, float):
                assert actual == pytest.approx(expected, abs=0.005), ref
            else:
                assert actual == expected, ref
