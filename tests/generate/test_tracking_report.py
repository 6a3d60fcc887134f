"""The Monthly report: planned against realised value and the value contract, in each customer
workbook (formulas that LibreOffice computes to the numbers of ``cvm_xl.core.tracking``, a native line
chart) and in the master (``cvm-xl track``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from generate_fixtures import CUSTOMERS, OWNER, SETTINGS, build_master
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from libreoffice import assert_cell, libreoffice, zero_cached_results  # noqa: F401  (session fixture)

from cvm_xl.cli import main
from cvm_xl.core import columns as col
from cvm_xl.core.tracking import (
    CUMULATIVE,
    CUSTOMER_PLANNED,
    CUSTOMER_REALISED,
    MONTH,
    SUPPLIER_PLANNED,
    SUPPLIER_REALISED,
    cumulative_by_month,
    plan_vs_realised,
    value_contract,
)
from cvm_xl.core.value_contract import contract_parts
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.generate.sheets import tracking_report as T
from cvm_xl.master.model import Master
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables

D = dt.date


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def contract_master():
    """Two relationships whose first contract year is over: one met its guarantee, one fell short."""
    customers = [
        {**CUSTOMERS[0], "Customer ID": "MET-1", "Customer": "Metwell", "Wave start": D(2025, 1, 6),
         "Value guarantee": 10000.0},
        {**CUSTOMERS[0], "Customer ID": "SHORT-2", "Customer": "Shortfield", "Wave start": D(2025, 3, 17),
         "Value guarantee": 50000.0},
    ]  # fmt: skip
    ideas = [
        {"Idea ID": "M-1", "Customer ID": "MET-1", "Title": "Faster call-offs", "Supplier annual": 12000.0,
         "Customer annual": 24000.0, "Customer one-time": -3000.0, "Status": "Delivered", **OWNER,
         "Start": D(2025, 2, 10)},
        {"Idea ID": "S-1", "Customer ID": "SHORT-2", "Title": "Less scrap", "Supplier annual": 6000.0,
         "Customer annual": 30000.0, "Status": "Implementing", **OWNER, "Start": D(2025, 4, 1)},
        {"Idea ID": "S-2", "Customer ID": "SHORT-2", "Title": "Not signed yet", "Supplier annual": 9000.0,
         "Customer annual": 9000.0, "Status": "Selected", **OWNER},
    ]  # fmt: skip
    tracking = [
        {"Idea ID": "M-1", "Month": D(2025, m, 15), "Supplier realised": 900.0,
         "Customer realised": 1000.0 * m}
        for m in range(2, 13)
    ] + [
        {"Idea ID": "S-1", "Month": D(2025, m, 1), "Supplier realised": 500.0, "Customer realised": 2000.0}
        for m in range(4, 13)
    ] + [
        {"Idea ID": "S-1", "Month": D(2026, 3, 1), "Supplier realised": 400.0, "Customer realised": 2100.0},
        {"Idea ID": "S-1", "Month": D(2026, 3, 20), "Supplier realised": 100.0, "Customer realised": 150.0},
    ]  # fmt: skip
    return build_master(customers=customers, ideas=ideas, workshop=[], tracking=tracking, settings=SETTINGS)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("track") / "master.xlsx"
    write_master(path, sample_settings(), sample_tables())
    return path, load_master(path)


@pytest.fixture(scope="module")
def masters(sample):
    return {"sample": sample[1], "fixture": build_master(), "contract": contract_master()}


@pytest.fixture(scope="module")
def books(masters, tmp_path_factory):
    """{(master name, customer ID): workbook path} for every customer of the three masters."""
    out = {}
    for name, master in masters.items():
        results = generate_customer_books(master, tmp_path_factory.mktemp(name), workers=1)
        assert all(r.ok for r in results)
        out.update({(name, r.customer_id): r.path for r in results})
    return out


def _expected(master, customer_id: str) -> T.MonthlyReport:
    """The report of a customer workbook: its visible (not out-of-bounds) ideas only."""
    ev = master.evaluated
    ev = ev.loc[~ev[col.OUT_OF_BOUNDS].astype(bool) & (ev[col.CUSTOMER_ID] == customer_id)]
    row = master.customers.set_index(col.CUSTOMER_ID).loc[customer_id].to_dict()
    row[col.CUSTOMER_ID] = customer_id
    ideas = {name: ev[name].tolist() for name in T.IDEA_FIELDS}
    tracking = {name: master.tracking[name].tolist() for name in T.TRACKING_FIELDS}
    # issue 14: the value contract's transfers and investments, of the ideas the workbook shows
    found = contract_parts(master.customers, ev, master.tracking, master.settings)
    parts = found.get(customer_id, T.NO_PARTS)
    return T.relationship_report(
        row, ideas, tracking, master.settings.horizon_years, T.chart_months(master.settings), parts
    )


def _core(master) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per customer and month, and per contract year, from the core's own functions."""
    plan = plan_vs_realised(master.evaluated, master.tracking, master.settings)
    parts = contract_parts(master.customers, master.evaluated, master.tracking, master.settings)
    return cumulative_by_month(plan), value_contract(master.customers, plan, parts=parts)


def test_reports_are_the_cores_figures(masters) -> None:
    """Against cvm_xl.core.tracking: plan_vs_realised, cumulative_by_month and value_contract."""
    for name, master in masters.items():
        core, contracts = _core(master)
        window = T.chart_months(master.settings)
        reports = {r.customer_id: r for r in T.master_reports(master, window)}
        assert list(reports) == list(master.customers[col.CUSTOMER_ID])
        for cid, report in reports.items():
            mine = core[core[col.CUSTOMER_ID] == cid].set_index(MONTH)
            months = report.months.set_index(MONTH)
            assert set(mine.index) <= set(months.index), (name, cid)
            for month, expected in mine.iterrows():
                for column in T.MONTH_TABLE[1:]:
                    assert_cell(months.at[month, column], expected[column], f"{name} {cid} {month} {column}")
            if len(months):
                assert len(months) >= window and months.index.is_monotonic_increasing
                first, last = months.index[0], months.index[-1]
                assert len(months) == (last.year - first.year) * 12 + last.month - first.month + 1
                others = months.drop(index=mine.index)
                assert (others[[SUPPLIER_PLANNED, CUSTOMER_PLANNED]] == 0).all().all()
            expected_contract = contracts[contracts[col.CUSTOMER_ID] == cid].reset_index(drop=True)
            assert len(report.contract) == len(expected_contract), (name, cid)
            for (_, got), (_, want) in zip(
                report.contract.iterrows(), expected_contract.iterrows(), strict=True
            ):
                for column in expected_contract.columns:
                    assert_cell(got[column], want[column], f"{name} {cid} year {want['Year']} {column}")
            tracked = mine[mine[SUPPLIER_REALISED].notna() | mine[CUSTOMER_REALISED].notna()]
            if len(tracked):
                stop = max(tracked.index)
                assert report.reported_to == (pd.Timestamp(stop) + pd.offsets.MonthEnd(0)).date()
                realised = mine.at[stop, CUMULATIVE[CUSTOMER_REALISED]]
                assert_cell(report.realised_to_date[1], realised, f"{cid} to date")
                assert_cell(
                    report.planned_to_date[0], mine.at[stop, CUMULATIVE[SUPPLIER_PLANNED]], f"{cid} plan"
                )
            else:
                assert report.reported_to is None and report.realised_to_date == (0.0, 0.0)
    _, contracts = _core(masters["contract"])
    assert {"Met", "Short", "Open"} <= set(contracts["Status"])  # every status is exercised


def test_a_relationship_without_tracking_still_has_its_plan(sample) -> None:
    _, master = sample
    quiet = Master(
        path=None,
        settings=master.settings,
        customers=master.customers,
        workshop=master.workshop,
        ideas=master.ideas,
        tracking=master.tracking.iloc[0:0],
    )
    with_tracking = {r.customer_id: r for r in T.master_reports(master)}
    for report in T.master_reports(quiet):
        assert report.reported_to is None and report.months[CUSTOMER_REALISED].isna().all()
        assert list(report.table[CUSTOMER_PLANNED]) == list(
            with_tracking[report.customer_id].table[CUSTOMER_PLANNED]
        )
        assert (report.contract["Delivered"] == 0).all()
        assert set(report.contract["Status"]) <= {"Open", "No guarantee"}


def _sheet_values(ws) -> tuple[list[dict], list[dict], dict]:
    """Month table, contract table and the value-to-date block as the sheet shows them."""
    months = []
    r = T.FIRST_ROW
    while isinstance(ws.cell(r, 1).value, dt.date | dt.datetime):
        months.append({name: ws.cell(r, c).value for c, name in enumerate(T.MONTH_TABLE, start=1)})
        r += 1
    totals = {name: ws.cell(r, c).value for c, name in enumerate(T.MONTH_TABLE, start=1)} if months else {}
    contract = []
    r = T.FIRST_ROW
    while isinstance(ws.cell(r, T.CONTRACT_COL).value, int | float):
        contract.append(
            {name: ws.cell(r, T.CONTRACT_COL + k).value for k, name in enumerate(T.CONTRACT_TABLE)}
        )
        r += 1
    # The years after the last one with a figure stay blank (a Status edit may fill them): the
    # totals follow them.
    while contract and ws.cell(r, T.CONTRACT_COL).value != "Total" and r < T.FIRST_ROW + 100:
        assert all(ws.cell(r, T.CONTRACT_COL + k).value in (None, "") for k in range(len(T.CONTRACT_TABLE)))
        r += 1
    contract_totals = {name: ws.cell(r, T.CONTRACT_COL + k).value for k, name in enumerate(T.CONTRACT_TABLE)}
    block = {
        "planned": (ws["C7"].value, ws["C8"].value),
        "realised": (ws["D7"].value, ws["D8"].value),
        "difference": (ws["E7"].value, ws["E8"].value),
        "reported": ws[T.REPORTED_CELL.replace("$", "")].value,
        "guarantee": ws[T.GUARANTEE_CELL.replace("$", "")].value,
        "totals": totals,
        "contract totals": contract_totals,
    }
    return months, contract, block


def _check_sheet(ws, expected: T.MonthlyReport, where: str) -> None:
    months, contract, block = _sheet_values(ws)
    assert len(months) == len(expected.months), where
    for shown, (_, row) in zip(months, expected.months.iterrows(), strict=True):
        for name in T.MONTH_TABLE:
            assert_cell(shown[name], row[name], f"{where} {row[MONTH]} {name}")
    assert len(contract) == len(expected.contract), where
    for shown, (_, row) in zip(contract, expected.contract.iterrows(), strict=True):
        for name in T.CONTRACT_TABLE:
            assert_cell(shown[name], row[name], f"{where} year {row['Year']} {name}")
    for k in range(2):
        assert_cell(block["planned"][k], expected.planned_to_date[k], f"{where} planned to date {k}")
        assert_cell(block["realised"][k], expected.realised_to_date[k], f"{where} realised to date {k}")
        diff = expected.realised_to_date[k] - expected.planned_to_date[k]
        assert_cell(block["difference"][k], diff, f"{where} difference {k}")
    assert_cell(block["reported"], expected.reported_to, f"{where} reported up to")
    assert_cell(block["guarantee"], expected.guarantee, f"{where} guarantee")
    if len(months):
        for name in (SUPPLIER_PLANNED, SUPPLIER_REALISED, CUSTOMER_PLANNED, CUSTOMER_REALISED):
            assert_cell(block["totals"][name], expected.months[name].sum(), f"{where} total {name}")
    if len(contract):
        for name in ("Value guarantee", CUSTOMER_PLANNED, "Delivered", "Shortfall"):
            total = expected.contract[name].sum()  # NaN guarantees count as 0, as SUM does
            assert_cell(block["contract totals"][name], total, f"{where} contract total {name}")


def test_each_workbook_shows_the_cores_figures(masters, books) -> None:
    for (name, cid), path in books.items():
        wb = openpyxl.load_workbook(path, data_only=True)
        assert wb.sheetnames.index("Monthly report") == wb.sheetnames.index("Tracking") + 1
        _check_sheet(wb["Monthly report"], _expected(masters[name], cid), f"{name} {cid}")


def test_totals_are_formulas_and_the_chart_is_a_native_line_chart(sample, books) -> None:
    path = books[("sample", "C-AUT")]
    ws = openpyxl.load_workbook(path)["Monthly report"]
    first = T.FIRST_ROW
    assert ws.cell(first + 1, 6).value == f"=F{first}+B{first + 1}"  # cumulative supplier planned
    assert ws["C7"].value.startswith('=IF($C$10="",0,SUMIFS($B$24:')
    assert f",SUMIFS($E${first}:$E$" in ws.cell(first + 1, T.CONTRACT_COL + 5).value
    assert "Short" in ws.cell(first, T.CONTRACT_COL + 7).value
    assert ws.page_setup.orientation == "landscape" and ws.protection.sheet is True
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        xml = {n: z.read(n).decode() for n in charts}
    report = [text for text in xml.values() if "'Monthly report'!" in text]
    line = [text for text in report if re.search(r"<(c:)?lineChart>", text)]
    assert len(line) == 1  # the Monthly report's (the KPIs sheet has line charts of its own, issue 14)
    last = first + T.chart_months(sample[1].settings) - 1
    for column in ("H", T.CHART_COL):  # the realised line: the chart's copy of column I (#N/A = gap)
        assert f"'Monthly report'!${column}${first}:${column}${last}" in line[0]
    assert f"'Monthly report'!$A${first}:$A${last}" in line[0]
    assert re.search(r'<(c:)?dispBlanksAs val="gap"\s*/>', line[0])


def test_libreoffice_computes_the_same_figures(masters, books, libreoffice, tmp_path) -> None:  # noqa: F811
    # Every cached formula result is replaced by 0 first, so each figure checked is LibreOffice's own
    # (the cached values are checked against the core above).
    chosen = [("sample", "C-AUT"), ("sample", "C-FUR"), ("fixture", "ZED-41"), ("contract", "MET-1"),
              ("contract", "SHORT-2")]  # fmt: skip
    inputs = []
    for k, key in enumerate(chosen):
        inputs.append(tmp_path / f"wrong-{k}.xlsx")
        zero_cached_results(books[key], inputs[-1])
    recalculated = libreoffice.recalculate(inputs, tmp_path / "recalculated")
    for path, (name, cid) in zip(recalculated, chosen, strict=True):
        ws = openpyxl.load_workbook(path, data_only=True)["Monthly report"]
        _check_sheet(ws, _expected(masters[name], cid), f"LibreOffice {name} {cid}")


@pytest.fixture
def master_copy(sample, tmp_path: Path) -> Path:
    path = tmp_path / "master.xlsx"
    shutil.copyfile(sample[0], path)
    return path


MASTER_CONTRACT_COL = len(T.MONTH_TABLE) + 2  # the master's Monthly report (generate.master_sheets)


def _master_blocks(ws) -> dict[str, tuple[list[list], list[list]]]:
    """Per customer block of the master's sheet: month rows and contract rows (values)."""
    blocks: dict[str, tuple[list[list], list[list]]] = {}
    r = 5
    while r <= ws.max_row:
        title = ws.cell(r, 1).value
        if isinstance(title, str) and "  " in title:
            cid = title.split("  ")[0]
            header = r + 5  # title, three rows of figures, a blank row
            assert ws.cell(header, 1).value == "Month"
            months, contract = [], []
            k = header + 1
            while isinstance(ws.cell(k, 1).value, dt.datetime):
                months.append([ws.cell(k, c).value for c in range(1, len(T.MONTH_TABLE) + 1)])
                k += 1
            j = header + 1
            while isinstance(ws.cell(j, MASTER_CONTRACT_COL).value, int):
                contract.append(
                    [ws.cell(j, MASTER_CONTRACT_COL + c).value for c in range(len(T.CONTRACT_TABLE))]
                )
                j += 1
            blocks[cid] = (months, contract)
            r = max(k, j)
        r += 1
    return blocks


def test_cvm_xl_track_prints_and_writes_the_master_report(sample, master_copy: Path, capsys) -> None:
    _, before = sample
    assert main(["track", str(master_copy)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert (
        "Reported up to 2026-10-31" in out and "Value contract" in out and "Wrote the Monthly report" in out
    )
    wb = openpyxl.load_workbook(master_copy)
    ws = wb["Monthly report"]
    blocks = _master_blocks(ws)
    reports = {r.customer_id: r for r in T.master_reports(before)}
    assert set(blocks) == set(before.customers[col.CUSTOMER_ID])
    for cid, report in reports.items():
        months, contract = blocks[cid]
        assert len(months) == len(report.months)
        for shown, (_, row) in zip(months, report.months.iterrows(), strict=True):
            for value, name in zip(shown, T.MONTH_TABLE, strict=True):
                assert_cell(value, row[name], f"master {cid} {row[MONTH]} {name}")
        status = T.CONTRACT_TABLE.index("Status")  # issue 14: the value contract's parts follow it
        assert [c[status] for c in contract] == list(report.contract["Status"])
        for shown, (_, row) in zip(contract, report.contract.iterrows(), strict=True):
            assert_cell(shown[5], row["Delivered"], f"master {cid} delivered")
            assert_cell(shown[6], row["Shortfall"], f"master {cid} shortfall")
    assert len(ws._charts) == len([b for b in blocks.values() if b[0]])
    after = load_master(master_copy)
    for name in ("customers", "workshop", "ideas", "tracking"):
        assert getattr(after, name).equals(getattr(before, name)), name


def test_track_again_replaces_the_sheet_and_dry_run_writes_nothing(master_copy: Path, capsys) -> None:
    assert main(["wave", str(master_copy)]) == 0
    assert main(["track", str(master_copy)]) == 0
    capsys.readouterr()
    assert main(["track", str(master_copy), "--customer", "C-WHL", "--all-months"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "C-WHL Brightwell Wheels" in out and "Orvane" not in out and "more planned months" not in out
    wb = openpyxl.load_workbook(master_copy)
    names = wb.sheetnames
    assert names.count("Monthly report") == 1
    assert names.index("Monthly report") == names.index("Wave plan") + 1 == names.index("Tracking") + 2
    assert set(_master_blocks(wb["Monthly report"])) == {"C-AUT", "C-WHL", "C-APP", "C-FUR"}
    digest = _digest(master_copy)
    capsys.readouterr()
    assert main(["track", str(master_copy), "--dry-run"]) == 0
    assert "Nothing was written" in " ".join(capsys.readouterr().out.split())
    assert _digest(master_copy) == digest


amounts = st.one_of(st.just(math.nan), st.integers(-50_000, 200_000).map(float))
days = st.dates(min_value=D(2025, 1, 1), max_value=D(2028, 12, 31))
idea_rows = st.lists(
    st.tuples(
        st.sampled_from(["Signed off", "Implementing", "Delivered", "Selected", "Proposed", None]),
        st.one_of(st.none(), days),
        amounts, amounts, amounts, amounts,
    ),
    min_size=1,
    max_size=6,
)  # fmt: skip
tracking_rows = st.lists(
    st.tuples(st.integers(0, 6), days, amounts, amounts),  # idea index 6: an idea of another customer
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(
    idea_rows,
    tracking_rows,
    st.sampled_from([0.5, 1.0, 2.5, 3.0, 4.25]),
    st.one_of(st.none(), days),
    st.one_of(st.just(math.nan), st.integers(0, 300_000).map(float)),
)
def test_the_report_agrees_with_the_core_for_any_relationship(
    ideas, tracked, horizon, wave, guarantee
) -> None:
    ids = [f"I-{k}" for k in range(len(ideas))]
    evaluated = pd.DataFrame(
        {
            col.IDEA_ID: ids,
            col.CUSTOMER_ID: ["C-1"] * len(ideas),
            col.TITLE: ids,
            col.STATUS: [r[0] for r in ideas],
            col.START: [r[1] for r in ideas],
            **{name: [r[2 + k] for r in ideas] for k, name in enumerate(col.VALUE_INPUTS)},
        }
    )
    tracking = pd.DataFrame(
        {
            col.IDEA_ID: [ids[k] if k < len(ids) else "OTHER-1" for k, *_ in tracked],
            MONTH: [r[1] for r in tracked],
            SUPPLIER_REALISED: [r[2] for r in tracked],
            CUSTOMER_REALISED: [r[3] for r in tracked],
        }
    )
    assume(tracking[col.IDEA_ID].isin(ids).any())  # plan_vs_realised needs one placed row
    customer = {col.CUSTOMER_ID: "C-1", "Customer": "One", "Wave start": wave, "Value guarantee": guarantee}
    plan = plan_vs_realised(evaluated, tracking, SETTINGS.replace(horizon_years=horizon))
    core = cumulative_by_month(plan).set_index(MONTH)
    contract = value_contract(pd.DataFrame([customer]), plan)
    report = T.relationship_report(
        customer,
        {name: evaluated[name].tolist() for name in T.IDEA_FIELDS},
        {name: tracking[name].tolist() for name in T.TRACKING_FIELDS},
        horizon,
    )
    months = report.months.set_index(MONTH)
    assert set(core.index) <= set(months.index)
    for month, expected in core.iterrows():
        for column in T.MONTH_TABLE[1:]:
            assert_cell(months.at[month, column], expected[column], f"{month} {column}")
    assert len(report.contract) == len(contract)
    for (_, got), (_, want) in zip(report.contract.iterrows(), contract.iterrows(), strict=True):
        for column in contract.columns:
            assert_cell(got[column], want[column], f"year {want['Year']} {column}")
