"""The KPIs sheet of a customer workbook (issue 14): per objective of the customer with readings, a readings
table (Objective, Month, Value, Baseline, Target) and a native line chart of the readings with the baseline
and the target as flat lines, in a fixed number of chart slots; worked on the sample (C-AUT's four objectives
in bounds carry readings for February to November 2026) and on a master with more objectives than slots."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from libreoffice import libreoffice  # noqa: F401  (session fixture)

from cvm_xl.core.kpis import NO_TARGET_NUMBER
from cvm_xl.generate import customer_workbook_bytes
from cvm_xl.generate.sheets import kpis_sheet as K
from cvm_xl.master.model import Master
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master
from cvm_xl.readiness import tables as rt
from cvm_xl.sample import sample_settings, sample_tables

GENERATED = dt.datetime(2026, 12, 1, 9, 0)
# C-AUT's objectives in the Objectives table's order ("Margin on the Orvane account" is out of bounds)
AUT_OBJECTIVES = (
    "Raise Aldermoor's share of Orvane's flat steel",
    "Cut coil rejections at the press lines",
    "Shorten the order-to-delivery lead time",
    "Lower the scrap rate at the service centre",
)
MONTHS = [dt.datetime(2026, m, 1) for m in range(2, 12)]


def _master(path: Path, tables: dict[str, pd.DataFrame] | None = None) -> Master:
    write_master(path, sample_settings(), tables or sample_tables())
    return load_master(path)


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Master:
    return _master(tmp_path_factory.mktemp("kpis") / "master.xlsx")


@pytest.fixture(scope="module")
def aut(master: Master) -> bytes:
    return customer_workbook_bytes(master, "C-AUT", GENERATED)


def _rows(ws, first: int, last: int) -> list[tuple]:
    return [
        tuple(ws.cell(r, c).value for c in range(1, len(K.COLUMNS) + 1))
        for r in range(first, last + 1)
        if not ws.row_dimensions[r].hidden
    ]


def test_each_objective_with_readings_has_its_slot(aut: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(aut))
    assert wb.sheetnames.index(K.SHEET) == wb.sheetnames.index("Relationship") - 1
    ws = wb[K.SHEET]
    assert ws.cell(K.SLOTS_NOTE_ROW, 1).value == "4 objectives with readings: charts KPI 1 to KPI 4."
    for slot, objective in zip(K.SLOTS, AUT_OBJECTIVES, strict=True):
        assert ws.cell(slot.top, 1).value.startswith(f"KPI {slot.k + 1}: {objective} (")
        assert [ws.cell(slot.header, c).value for c in range(1, 6)] == list(K.COLUMNS)
        rows = _rows(ws, slot.first, slot.last)
        assert [r[0] for r in rows] == [objective] * 10 and [r[1] for r in rows] == MONTHS
        assert all(ws.row_dimensions[r].hidden for r in range(slot.first + 10, slot.top + K.BLOCK_ROWS))
    share = _rows(ws, K.SLOTS[0].first, K.SLOTS[0].last)
    assert share[0][2:] == (0.35, 0.35, 0.45) and share[-1][2:] == (0.42, 0.35, 0.45)  # '45%' is 0.45
    assert ws.cell(K.SLOTS[0].note, 1).value == "Baseline 0.35; target '45%'."
    rejections = _rows(ws, K.SLOTS[1].first, K.SLOTS[1].last)
    assert rejections[-1][2:] == (7.1, 12, 6)  # '<= 6': the number after the comparison sign
    lead_time = _rows(ws, K.SLOTS[2].first, K.SLOTS[2].last)
    assert {r[4] for r in lead_time} == {None}  # 'below 14 days' holds no number: no target line
    assert ws.cell(K.SLOTS[2].note, 1).value == f"Baseline 21; target 'below 14 days'. {NO_TARGET_NUMBER}"


def test_only_the_customers_own_objectives(master: Master, aut: bytes) -> None:
    values = {
        c.value
        for row in openpyxl.load_workbook(io.BytesIO(aut))[K.SHEET].iter_rows()
        for c in row
        if c.value
    }
    assert "Margin on the Orvane account" not in " ".join(map(str, values))  # out of bounds
    assert not any("Deliver on time" in str(v) for v in values)  # C-WHL's
    whl = openpyxl.load_workbook(io.BytesIO(customer_workbook_bytes(master, "C-WHL", GENERATED)))[K.SHEET]
    assert whl.cell(K.SLOTS_NOTE_ROW, 1).value.startswith("1 objective with readings: chart KPI 1;")
    assert [r[0] for r in _rows(whl, K.SLOTS[0].first, K.SLOTS[0].last)] == ["Deliver on time"] * 6
    for slot in K.SLOTS[1:]:  # the empty slots' rows are hidden, so their charts plot nothing
        assert all(whl.row_dimensions[r].hidden for r in range(slot.top, slot.top + K.BLOCK_ROWS))
    fur = openpyxl.load_workbook(io.BytesIO(customer_workbook_bytes(master, "C-FUR", GENERATED)))[K.SHEET]
    assert fur.cell(K.SLOTS_NOTE_ROW, 1).value == K.NO_READINGS


def test_the_charts_read_the_slots(aut: bytes) -> None:
    ws = openpyxl.load_workbook(io.BytesIO(aut))[K.SHEET]
    charts = ws._charts
    assert len(charts) == K.KPI_SLOTS
    for chart, slot in zip(charts, K.SLOTS, strict=True):
        assert chart.tagname == "lineChart"
        refs = [(s.tx.strRef.f, s.val.numRef.f, s.cat.numRef.f if s.cat.numRef else s.cat.strRef.f)
                for s in chart.series]  # fmt: skip
        column = {c: f"'KPIs'!${c}${slot.first}:${c}${slot.last}" for c in "BCDE"}
        assert refs == [  # the readings named after the objective, baseline and target by their headers
            (f"'KPIs'!$A${slot.first}", column["C"], column["B"]),
            (f"'KPIs'!D{slot.header}", column["D"], column["B"]),
            (f"'KPIs'!E{slot.header}", column["E"], column["B"]),
        ]
        assert chart.visible_cells_only  # hidden rows (unused months, empty slots) are not plotted
        anchor = chart.anchor._from
        assert (anchor.col, anchor.row + 1) == (0 if slot.k % 2 == 0 else 6, slot_row(slot))


def slot_row(slot: K.Slot) -> int:
    return K.CHARTS_TOP + (slot.k // 2) * K.CHART_ROWS


def test_more_objectives_than_slots_and_more_readings_than_a_slot_holds(tmp_path: Path) -> None:
    tables = sample_tables()
    extra = [f"Objective {i}" for i in range(2, 7)]  # C-WHL: 'Deliver on time' and five more: six
    objectives = pd.DataFrame(
        [{rt.CUSTOMER_ID: "C-WHL", rt.FIRM: "Joint", rt.OBJECTIVE: o, "Baseline": 1.0, rt.TARGET: "2",
          rt.AGREED: True, rt.OUT_OF_BOUNDS: False} for o in extra]
    )  # fmt: skip
    months = [dt.date(2024 + (m // 12), m % 12 + 1, 1) for m in range(26)]  # Jan 2024 .. Feb 2026
    readings = [(extra[0], month, float(i)) for i, month in enumerate(months)]
    readings += [(o, dt.date(2026, 3, 1), 5.0) for o in extra[1:]]
    frame = pd.DataFrame(
        [{rt.OBJECTIVE: o, rt.CUSTOMER_ID: "C-WHL", "Month": m, "Value": v} for o, m, v in readings]
    )
    tables[rt.OBJECTIVES_SHEET] = pd.concat([tables[rt.OBJECTIVES_SHEET], objectives], ignore_index=True)
    tables[rt.KPI_SHEET] = pd.concat([tables[rt.KPI_SHEET], frame], ignore_index=True)
    master = _master(tmp_path / "master.xlsx", tables)
    ws = openpyxl.load_workbook(io.BytesIO(customer_workbook_bytes(master, "C-WHL", GENERATED)))[K.SHEET]
    assert ws.cell(K.SLOTS_NOTE_ROW, 1).value == (
        f"6 objectives with readings: the first 4 are charted; the other 2 are listed from row {K.MORE_TOP}, "
        "not charted (4 charts per workbook)."
    )
    second = K.SLOTS[1]  # 'Objective 2': 26 readings, the latest 24 shown
    assert ws.cell(second.note, 1).value == "Baseline 1; target '2'. The latest 24 of 26 readings are shown."
    shown = _rows(ws, second.first, second.last)
    assert [r[2] for r in shown] == [float(i) for i in range(2, 26)]
    assert ws.cell(K.MORE_TOP, 1).value == "More objectives with readings (not charted)"
    assert [ws.cell(r, 1).value for r in (K.MORE_TOP + 2, K.MORE_TOP + 3)] == ["Objective 5", "Objective 6"]


def test_libreoffice_converts_the_book_to_pdf(aut: bytes, libreoffice, tmp_path: Path) -> None:  # noqa: F811
    """LibreOffice opens the book and prints the KPIs sheet with its charts: their month axes
    ('Feb 26', the charts' own format) appear on the page beside the table's months ('Feb 2026')."""
    path = tmp_path / "C-AUT.xlsx"
    path.write_bytes(aut)
    pdf = libreoffice.to_pdf([path], tmp_path / "pdf")[0]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    page = next(p for p in text.split("\f") if "KPIs: Aldermoor Steel and Orvane Automotive Group" in p)
    assert "Feb 2026" in page and "Feb 26" in page.replace("Feb 2026", "")
    assert all(f"KPI {k}" in page for k in range(1, 5))
