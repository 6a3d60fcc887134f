"""The true-up on realised value in the passbooks (issue 15): the master's Passbook sheet, the live
customer workbook (recalculated by LibreOffice and by Gnumeric after a customer types a tracking
row), reconciliation of two books whose settlements differ, and the consolidated sign-off totals.

The sample with True-up = Yes on WHL-01 and AUT-04. WHL-01 by hand: Brightwell Wheels' Wave start
is 2 March 2026, so contract year 1 runs from March 2026 to February 2027. WHL-01 plans +30,000
and +85,000 a year (2,500 and 7,083.33 a month) from May 2026 (W-W: the equal split). Tracked June
to October 2026: 9,400 and 27,200, realised T = (9,400 - 27,200) / 2 = -8,900. Year 1 is under way,
so it is compared with its plan up to the last reported month, October 2026: May to October, 6
months (May planned but not reported counts), 15,000 and 42,500, planned T = (15,000 - 42,500) / 2
= -13,750 (the whole year's 10 months would be -22,916.67). Settlement = -8,900 + 13,750 = 4,850:
the supplier owes the customer 4,850.

When the customer types a year-2 report for April 2027 (3,000 / 2,000), year 1 lies wholly before
the last report and compares with its whole plan, 10 months: 25,000 and 70,833.33, planned T
-22,916.67, settlement -8,900 + 22,916.67 = 14,016.67. Year 2 (March 2027 to February 2028) is
compared with March and April 2027: 5,000 and 14,166.67, planned T -4,583.33; realised T (3,000 -
2,000) / 2 = 500; settlement 5,083.33. Together 19,100: 14,250 more than as generated.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import openpyxl
import pytest
from book_fixtures import edit_book
from gnumeric import gnumeric, load_values  # noqa: F401  (session fixture)
from libreoffice import assert_cell, is_blank, libreoffice, zero_cached_results  # noqa: F401
from openpyxl.worksheet.formula import ArrayFormula

from cvm_xl.books import layout as L
from cvm_xl.books.passbook import (
    TRUE_UP_TITLE,
    master_passbook,
    passbook_sheet_rows,
    passbook_with_realised,
    reconcile_books,
)
from cvm_xl.books.read import read_book
from cvm_xl.core import columns as col
from cvm_xl.core.closers import equity_closer
from cvm_xl.core.passbook import LINE_SETTLEMENT, balances
from cvm_xl.core.tracking import month_index
from cvm_xl.core.true_up import PLANNED_TRANSFER, REALISED_TRANSFER
from cvm_xl.formulas.functions import ALLOWED_FUNCTIONS, functions_used
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.generate.sheets import consolidated as C
from cvm_xl.generate.sheets.passbook_sheet import CLOSERS_ROW, SETTLEMENT_HEADER, YEAR_HEADER
from cvm_xl.generate.signoff_book import signoff_workbook_bytes
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables

TRUED = ("WHL-01", "AUT-04")
OPEN_AGAIN = ("AUT-02", "AUT-05", "AUT-09", "AUT-17")
WHL, AUT = "C-WHL", "C-AUT"
WHL_01 = {"planned": -13750.0, "realised": -8900.0, "settlement": 4850.0}
EDITED_SETTLEMENT = 19100.0  # after the year-2 row below (see the module's docstring)
# The months a year's plan is compared to: year 1 to the last report as generated, then whole.
OCTOBER_2026, FEBRUARY_2027, APRIL_2027 = (
    month_index(dt.date(y, m, 1)) for y, m in ((2026, 10), (2027, 2), (2027, 4))
)
# A customer types a year-2 report of WHL-01 (April 2027) below the table.
YEAR_2_ROW = ["WHL-01", dt.datetime(2027, 4, 1), 3000, 2000, "Year 2 begins"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("true-up")
    tables = sample_tables()
    ideas = tables["Ideas"]
    ideas[col.TRUE_UP] = ideas[col.TRUE_UP].astype(object)
    ideas.loc[ideas[col.IDEA_ID].isin(TRUED), col.TRUE_UP] = True
    ideas.loc[ideas[col.IDEA_ID].isin(OPEN_AGAIN), col.STATUS] = "Selected"  # open Go ideas to close the gap
    master = folder / "master.xlsx"
    write_master(master, sample_settings(), tables)
    results = generate_customer_books(load_master(master), folder / "books", workers=1)
    assert all(r.ok for r in results)
    return {"master": master, **{r.customer_id: r.path for r in results}}


def _settlement_line(lines):  # type: ignore[no-untyped-def]
    return lines[(lines[col.IDEA_ID] == "WHL-01") & (lines["Line"] == LINE_SETTLEMENT)].iloc[0]


def test_the_samples_whl01_settlement_in_the_masters_passbook(generated) -> None:
    master = load_master(generated["master"])
    lines, items = master_passbook(master)
    line = _settlement_line(lines)
    assert line["Amount"] == pytest.approx(WHL_01["settlement"], abs=0.01)
    assert (line["Supplier"], line["Customer"]) == (-line["Amount"], line["Amount"])
    assert line[PLANNED_TRANSFER] == pytest.approx(WHL_01["planned"], abs=0.01)
    assert line[REALISED_TRANSFER] == WHL_01["realised"]
    assert set(lines.loc[lines["Line"] == LINE_SETTLEMENT, col.IDEA_ID]) == set(TRUED)
    whl = next(s for s in items if s.customer_id == WHL)
    assert whl.balances == balances(lines[lines[col.CUSTOMER_ID] == WHL])  # the settlement is in them
    # The master's Passbook sheet: the line, and the true-up table with both firms' side.
    rows = passbook_sheet_rows(lines, items, master.settings, dt.datetime(2026, 12, 1))
    title = next(i for i, r in enumerate(rows) if r and r[0] == TRUE_UP_TITLE)
    table = {r[1]: r for r in rows[title + 2 :]}
    row = table["WHL-01"]
    assert row[3] == 1 and row[6] == pytest.approx(WHL_01["settlement"], abs=0.01)
    assert row[7] == pytest.approx(-WHL_01["settlement"], abs=0.01) and row[8] == row[6]
    assert row[9] == "Aldermoor Steel owes Brightwell Wheels 4,850"
    assert any(r[1:2] == ["WHL-01"] and r[4] == LINE_SETTLEMENT for r in rows[:title])


def test_reconcile_lists_the_settlement_of_two_books_that_differ(generated, tmp_path) -> None:
    same = reconcile_books(read_book(generated["master"]), read_book(generated[WHL]))
    assert same.agree, same.differences  # the book reads its Wave start back (its properties)
    edited = edit_book(shutil.copy2(generated[WHL], tmp_path / "edited.xlsx"), tracking=[YEAR_2_ROW])
    result = reconcile_books(read_book(generated["master"]), read_book(edited))
    found = {(d.idea_id, d.line): d for d in result.differences}
    # Year 2 is reported now and year 1 lies wholly before the last report: 19,100 - 4,850.
    assert found[("WHL-01", LINE_SETTLEMENT)].delta == pytest.approx(EDITED_SETTLEMENT - WHL_01["settlement"])
    assert ("WHL-01", "Supplier realised") in found
    planned_only = reconcile_books(read_book(generated["master"]), read_book(edited), realised=False)
    assert planned_only.agree  # settlements are computed from tracking, compared only with it


def _engine_values(path: Path, engine: str):  # type: ignore[no-untyped-def]
    return (load_values(path) if engine == "gnumeric" else openpyxl.load_workbook(path, data_only=True))[
        L.PASSBOOK
    ]


def _year_rows(ws) -> dict[int, int]:  # type: ignore[no-untyped-def]
    """Contract year -> its row in WHL-01's true-up by contract year."""
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == YEAR_HEADER[1])
    return {int(str(ws.cell(r, 2).value).split()[1]): r for r in range(header + 1, ws.max_row + 1)
            if ws.cell(r, 1).value == "WHL-01"}  # fmt: skip


def _settlement_row(ws) -> int:  # type: ignore[no-untyped-def]
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == SETTLEMENT_HEADER[0]
                  and ws.cell(r, 6).value == SETTLEMENT_HEADER[5])  # fmt: skip
    return next(r for r in range(header + 1, header + 5) if ws.cell(r, 1).value == "WHL-01")


@pytest.fixture(scope="module")
def recalculated(generated, libreoffice, gnumeric, tmp_path_factory):  # noqa: F811
    """(engine, book) -> the recalculated file, for the workbook as generated (its cached results
    zeroed) and as edited by the customer (a year-2 tracking row typed below the table)."""
    folder = tmp_path_factory.mktemp("true-up-engines")
    zeroed = folder / "generated.xlsx"
    zero_cached_results(generated[WHL], zeroed)
    edited = edit_book(shutil.copy2(generated[WHL], folder / "edited.xlsx"), tracking=[YEAR_2_ROW])
    files = {"generated": zeroed, "edited": edited}
    out = {}
    for engine, runner in (("libreoffice", libreoffice), ("gnumeric", gnumeric)):
        done = runner.recalculate(list(files.values()), folder / engine)
        out.update({(engine, name): path for name, path in zip(files, done, strict=True)})
    return {"files": files, **out}


@pytest.mark.parametrize("engine", ["libreoffice", "gnumeric"])
def test_engines_compute_every_passbook_formula_as_cached(generated, recalculated, engine) -> None:
    formulas = openpyxl.load_workbook(generated[WHL])[L.PASSBOOK]
    cached = openpyxl.load_workbook(generated[WHL], data_only=True)[L.PASSBOOK]
    computed = _engine_values(recalculated[(engine, "generated")], engine)
    checked = arrays = 0
    for row in formulas.iter_rows(min_row=_settlement_row(formulas) - 1):
        for cell in row:
            array = isinstance(cell.value, ArrayFormula)  # the idea's last reported day
            if array or (isinstance(cell.value, str) and cell.value.startswith("=")):
                text = cell.value.text if isinstance(cell.value, ArrayFormula) else cell.value
                assert functions_used(str(text)) <= ALLOWED_FUNCTIONS, (cell.coordinate, text)
                mine, theirs = cached[cell.coordinate].value, computed[cell.coordinate].value
                where = f"{engine} {cell.coordinate}"
                if is_blank(mine) or isinstance(mine, str):
                    assert (is_blank(mine) and is_blank(theirs)) or mine == theirs, (where, mine, theirs)
                else:
                    # A date cell reads back as a datetime at midnight: compare its day.
                    assert_cell(theirs, mine.date() if isinstance(mine, dt.datetime) else mine, where)
                checked += 1
                arrays += array
    assert checked > 40 and arrays >= 1  # the Settlement lines and four contract years of 15 formulas
    row = _settlement_row(cached)
    assert cached.cell(row, 6).value == pytest.approx(WHL_01["settlement"], abs=0.01)
    assert cached.cell(row, 12).value == dt.datetime(2026, 10, 1)  # the last report: the plan's cut
    year_1 = _year_rows(cached)[1]
    # Year 1 compared with May to October 2026 of its plan (the module's docstring).
    assert cached.cell(year_1, 16).value == OCTOBER_2026
    assert cached.cell(year_1, 6).value == pytest.approx(15000.0)
    assert cached.cell(year_1, 7).value == pytest.approx(42500.0)


@pytest.mark.parametrize("engine", ["libreoffice", "gnumeric"])
def test_a_typed_tracking_row_moves_the_settlement_and_the_balances(recalculated, engine) -> None:
    book = read_book(recalculated["files"]["edited"])
    lines = passbook_with_realised(book.customer_ideas(WHL), book.tracking, book.waves, book.settings)
    expected = _settlement_line(lines)
    ws = _engine_values(recalculated[(engine, "edited")], engine)
    r = _settlement_row(ws)
    for c, value in ((6, expected["Amount"]), (7, expected["Supplier"]), (8, expected["Customer"]),
                     (9, expected[PLANNED_TRANSFER]), (10, expected[REALISED_TRANSFER])):  # fmt: skip
        assert_cell(ws.cell(r, c).value, value, f"{engine} row {r} column {c}")
    assert expected["Amount"] == pytest.approx(EDITED_SETTLEMENT, abs=0.01)
    # The last report moved to April 2027: year 1 compares with its whole plan, year 2 with March and
    # April 2027 (the module's docstring).
    assert_cell(ws.cell(r, 12).value, dt.date(2027, 4, 1), f"{engine} last reported")
    years = _year_rows(ws)
    for year, through, supplier, customer in ((1, FEBRUARY_2027, 25000.0, 70833.33),
                                              (2, APRIL_2027, 5000.0, 14166.67)):  # fmt: skip
        y = years[year]
        assert_cell(ws.cell(y, 16).value, through, f"{engine} year {year} plan to month")
        assert_cell(ws.cell(y, 6).value, supplier, f"{engine} year {year} supplier planned")
        assert_cell(ws.cell(y, 7).value, customer, f"{engine} year {year} customer planned")
    b = balances(lines, book.settings.target_supplier_share)
    v = ord(L.BALANCE_VALUE_COL) - 64
    assert_cell(ws.cell(L.BALANCE_ROWS["supplier"], v).value, b.supplier, f"{engine} Bs")
    assert_cell(ws.cell(L.BALANCE_ROWS["customer"], v).value, b.customer, f"{engine} Bc")
    assert_cell(ws.cell(L.BALANCE_ROWS["gap"], v).value, b.equity_gap, f"{engine} gap")


def test_the_consolidated_sign_off_totals_transfers_and_settlements(generated) -> None:
    master = load_master(generated["master"])
    wb = openpyxl.load_workbook(io.BytesIO(signoff_workbook_bytes(master)), data_only=True)
    detail = wb[C.DETAIL]
    heads = {c.value: c.column for c in detail[L.HEADER_ROW]}
    rows = {detail.cell(r, heads[col.IDEA_ID]).value: r for r in range(L.FIRST_ROW, detail.max_row + 1)}
    assert detail.cell(rows["WHL-01"], heads[C.TRUE_UP_SETTLEMENT]).value == pytest.approx(4850.0, abs=0.01)
    assert detail.cell(rows["WHL-02"], heads[C.TRUE_UP_SETTLEMENT]).value is None  # not trued up
    summary = wb[C.SUMMARY]
    heads = {c.value: c.column for c in summary[4]}
    customers = {summary.cell(r, 1).value: r for r in range(C.FIRST, summary.max_row + 1)}
    lines, _ = master_passbook(master)
    settled = lines[lines["Line"] == LINE_SETTLEMENT]
    figures = (
        ("True-up: settlement to date", "Amount"),
        ("True-up: planned transfer to date", PLANNED_TRANSFER),
        ("True-up: realised transfer to date", REALISED_TRANSFER),
    )
    for head, name in figures:
        for cid, r in customers.items():
            mine = (
                settled.loc[settled[col.CUSTOMER_ID] == cid, name].sum()
                if cid != "Total"
                else settled[name].sum()
            )
            assert summary.cell(r, heads[head]).value == pytest.approx(mine, abs=0.01), (head, cid)


def test_the_passbook_advice_names_the_top_three_closers_as_a_snapshot(generated) -> None:
    master = load_master(generated["master"])
    ev = master.decided  # issue 16: AUT-24 is a Go as a dyad but a Shelve as a chain idea: no closer
    _, items = master_passbook(master)
    aut = next(s for s in items if s.customer_id == AUT)
    found = equity_closer(ev[ev[col.CUSTOMER_ID] == AUT], master.settings, passbook=aut.balances)
    assert found.needed and len(found.top) == 2  # Orvane: the supplier is ahead; two ideas favour it
    assert "AUT-24" not in {c.idea_id for c in found.top}
    ws = openpyxl.load_workbook(generated[AUT], data_only=True)[L.PASSBOOK]
    text = ws[f"{L.BALANCE_LABEL_COL}{CLOSERS_ROW}"].value
    assert text.startswith(f"Ideas that would close the gap (as generated on {dt.date.today():%Y-%m-%d}): ")
    named = text.split(": ", 1)[1]
    assert named.count("(shrinks it by ") == len(found.top)
    for closer in found.top:
        assert f"{closer.idea_id} {closer.title} (shrinks it by {closer.shrink:,.0f})" in named
    balanced = openpyxl.load_workbook(generated[WHL], data_only=True)[L.PASSBOOK]
    assert "within the equity tolerance" in balanced[f"{L.BALANCE_LABEL_COL}{CLOSERS_ROW}"].value
