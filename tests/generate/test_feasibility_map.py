"""The Map sheet's impact x feasibility table and chart (issue 14, quick wins).

Worked on the sample's C-AUT: the table lists, Ideas row by Ideas row, the ideas with both a net value
and a Feasibility; the scatter chart reads its hidden copies. The table is live: after a Feasibility
is typed into the Ideas sheet (and another cleared), LibreOffice and Gnumeric recompute it from the
Ideas sheet to the figures the core gives.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from gnumeric import gnumeric, load_values  # noqa: F401  (session fixture)
from libreoffice import assert_cell, libreoffice  # noqa: F401  (session fixture)

from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.generate import customer_workbook_bytes
from cvm_xl.generate.sheets import portfolio_map as M
from cvm_xl.master.model import Master
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables

GENERATED = dt.datetime(2026, 12, 1, 9, 0)
CUSTOMER = "C-AUT"
# Typed into the customer's workbook: AUT-01's Feasibility cleared, AUT-12's raised to 5 and AUT-07
# (Hygiene, no values yet) rated 5: it has no net value, so it stays off the chart.
TYPED = {"AUT-01": None, "AUT-12": 5, "AUT-07": 5}


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Master:
    path = tmp_path_factory.mktemp("feasibility") / "master.xlsx"
    write_master(path, sample_settings(), sample_tables())
    return load_master(path)


@pytest.fixture(scope="module")
def book(master: Master) -> bytes:
    return customer_workbook_bytes(master, CUSTOMER, GENERATED)


def _expected(master: Master, typed: dict[str, object] | None = None) -> list[tuple[object, object, object]]:
    """Per Ideas row of the customer's workbook (its ideas in bounds, in table order): ID, Feasibility
    and net value when the idea has both, else blanks — from the master, not from the generator."""
    ev = master.evaluated
    mine = ev.loc[(ev[col.CUSTOMER_ID] == CUSTOMER) & ~ev[col.OUT_OF_BOUNDS].astype(bool)]
    rows: list[tuple[object, object, object]] = []
    for _, idea in mine.iterrows():
        feasibility = idea[col.FEASIBILITY]
        if typed and idea[col.IDEA_ID] in typed:
            feasibility = typed[idea[col.IDEA_ID]]
        net = idea[col.NET_VALUE]
        rated = feasibility is not None and not (isinstance(feasibility, float) and math.isnan(feasibility))
        if rated and not math.isnan(net):
            rows.append((idea[col.IDEA_ID], float(feasibility), float(net)))
        else:
            rows.append((None, None, None))
    return rows + [(None, None, None)] * (M.QUICK_ROWS - len(rows))


def _table(ws) -> list[tuple[object, object, object]]:  # type: ignore[no-untyped-def]
    return [tuple(ws.cell(r, c).value for c in (1, 2, 3)) for r in range(M.QUICK_FIRST, M.QUICK_LAST + 1)]


def _check(ws, expected, where: str) -> None:  # type: ignore[no-untyped-def]
    for r, row in zip(range(M.QUICK_FIRST, M.QUICK_LAST + 1), expected, strict=True):
        for c, value in zip((1, 2, 3), row, strict=True):
            assert_cell(ws.cell(r, c).value, value, f"{where} Map {ws.cell(r, c).coordinate}")
        for helper, value in ((M.CHART_X, row[1]), (M.CHART_Y, row[2])):
            # a blank row is charted at Feasibility 0, off the chart's axis (which starts at 0.5)
            expected = M.OFF_CHART if value is None else value
            assert_cell(ws[f"{helper}{r}"].value, expected, f"{where} Map {helper}{r}")


def test_the_table_lists_the_ideas_with_net_value_and_feasibility(master: Master, book: bytes) -> None:
    ws = openpyxl.load_workbook(io.BytesIO(book), data_only=True)[L.MAP]
    assert ws.cell(M.QUICK_TOP, 1).value == "Impact and feasibility: quick wins first"
    assert [ws.cell(M.QUICK_HEADER, c).value for c in (1, 2, 3)] == ["Idea ID", "Feasibility", "Net value"]
    expected = _expected(master)
    assert expected[0] == ("AUT-01", 3.0, 102_000.0)  # the sample's first idea, worked by hand
    assert ("AUT-20", 5.0, 57_000.0) in expected
    assert (None, None, None) in expected[:18]  # AUT-07 and AUT-11 have no net value or Feasibility
    _check(ws, expected, "generated")


def test_the_scatter_reads_the_hidden_helpers(book: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    scatter = [c.replace("c:", "").replace("'", "") for c in charts if "scatterChart>" in c]
    assert len(scatter) == 1
    chart = scatter[0]
    assert f"<xVal><numRef><f>Map!$J${M.QUICK_FIRST}:$J${M.QUICK_LAST}</f>" in chart
    assert f"<yVal><numRef><f>Map!$K${M.QUICK_FIRST}:$K${M.QUICK_LAST}</f>" in chart
    assert '<plotVisOnly val="0"/>' in chart  # the helpers are hidden columns
    assert '<max val="5.5"/><min val="0.5"/>' in chart  # Feasibility 0 (a blank row) is off the chart
    assert M.OFF_CHART < 0.5
    ws = openpyxl.load_workbook(io.BytesIO(book))[L.MAP]
    assert ws.column_dimensions[M.CHART_X].hidden and ws.column_dimensions[M.CHART_Y].hidden


def _typed_copy(book: bytes, folder: Path) -> Path:
    """The workbook with ``TYPED`` entered on its Ideas sheet and saved by openpyxl, which drops every
    cached formula result: the engine must compute the Map table itself."""
    wb = openpyxl.load_workbook(io.BytesIO(book))
    ws = wb[L.IDEAS]
    rows = {ws.cell(r, 1).value: r for r in range(L.FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value}
    for idea_id, value in TYPED.items():
        ws[f"{L.IDEA_LETTER[col.FEASIBILITY]}{rows[idea_id]}"] = value
    path = folder / "typed.xlsx"
    wb.save(path)
    return path


def test_libreoffice_recomputes_the_table_from_the_ideas_sheet(
    master: Master,
    book: bytes,
    libreoffice,  # noqa: F811
    tmp_path: Path,
) -> None:
    typed = _typed_copy(book, tmp_path)
    [out] = libreoffice.recalculate([typed], tmp_path / "lo")
    ws = openpyxl.load_workbook(out, data_only=True)[L.MAP]
    expected = _expected(master, TYPED)
    assert expected[0] == (None, None, None)  # AUT-01 cleared
    assert ("AUT-12", 5.0, 7_500.0) in expected
    _check(ws, expected, "LibreOffice")


def test_gnumeric_recomputes_the_table_from_the_ideas_sheet(
    master: Master,
    book: bytes,
    gnumeric,  # noqa: F811
    tmp_path: Path,
) -> None:
    typed = _typed_copy(book, tmp_path)
    [out] = gnumeric.recalculate([typed], tmp_path / "gnumeric")
    _check(load_values(out)[L.MAP], _expected(master, TYPED), "Gnumeric")


def test_only_the_first_rows_of_the_ideas_sheet_are_charted(master: Master) -> None:
    rows = _expected(master)
    assert len(rows) == M.QUICK_ROWS
    ideas = pd.Series([r[0] for r in rows]).dropna()
    assert len(ideas) < M.QUICK_ROWS  # the sample fits: nothing is left off the chart


def test_the_customer_picks_a_feasibility_from_1_to_5(book: bytes) -> None:
    ws = openpyxl.load_workbook(io.BytesIO(book))[L.IDEAS]
    letter = L.IDEA_LETTER[col.FEASIBILITY]
    assert ws[f"{letter}{L.HEADER_ROW}"].value == col.FEASIBILITY
    [dv] = [
        dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith(f"{letter}{L.FIRST_ROW}:")
    ]
    assert dv.type == "list" and dv.formula1 == '"1,2,3,4,5"' and dv.errorStyle == "information"
