"""A live customer workbook (issue 12): the Passbook, the Cover figures, the Sign-off totals and the
Monthly report follow the Ideas sheet's Status (every spelling cvm-xl reads) and the Tracking rows a
customer types (added below the table, months in any order).

A customer's edits are made with openpyxl, as a person's program would save them (no cached
results at all); LibreOffice recalculates the file; every figure it shows must equal what cvm-xl
computes reading the same edited file (``read_book`` -> ``core.passbook``, ``core.tracking``). The
unedited workbook's cached results must equal LibreOffice's own results too.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from book_fixtures import edit_book, run_cli
from libreoffice import assert_cell, is_blank, libreoffice  # noqa: F401  (session fixture)

from cvm_xl.books import layout as L
from cvm_xl.books.passbook import passbook_with_realised
from cvm_xl.books.read import read_book
from cvm_xl.core import columns as col
from cvm_xl.core import spellings
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.passbook import (
    LINE_CUSTOMER_VALUE,
    LINE_SETTLEMENT,
    LINE_SUPPLIER_VALUE,
    balances,
    equity_advice,
    equity_reading,
    in_passbook,
)
from cvm_xl.core.tracking import (
    CUMULATIVE,
    IDEA_FIELDS,
    MONTH,
    MONTH_TABLE,
    NO_PARTS,
    TRACKING_FIELDS,
    MonthlyReport,
    chart_months,
    relationship_report,
)
from cvm_xl.core.value_contract import contract_parts
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.generate.sheets import tracking_report as T
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables

CUSTOMER = "C-AUT"
QUIET = "C-FUR"  # a customer whose ideas are not in the passbook yet: every status edit starts it
# Every spelling of a passbook status that cvm-xl reads, as a person (or a program) leaves it.
SIGNED = ("Signed off", " signed OFF ", "SIGNED OFF", "signed   off", "Signed\toff", "Signed\noff",
          "\tsigned off\n")  # fmt: skip
OTHERS = (" implementing", "DELIVERED ", " dropped ", "Proposed", None)
LIVE_SHEETS = (L.PASSBOOK, L.COVER, L.SIGN_OFF, T.SHEET)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("live")
    master = folder / "master.xlsx"
    write_master(master, sample_settings(), sample_tables())
    results = generate_customer_books(load_master(master), folder / "books", workers=1)
    assert all(r.ok for r in results)
    return {"master": master, **{r.customer_id: r.path for r in results}}


def _statuses(path: Path) -> dict[str, object]:
    ws = openpyxl.load_workbook(path)[L.IDEAS]
    return {
        ws.cell(r, 1).value: ws.cell(r, 1 + L.IDEA_COLUMNS.index(_column(col.STATUS))).value
        for r in range(L.FIRST_ROW, ws.max_row + 1)
        if ws.cell(r, 1).value
    }


def _column(name: str) -> L.Column:
    return next(c for c in L.IDEA_COLUMNS if c.name == name)


def _edits(path: Path) -> dict[str, dict[str, object]]:
    """Every idea gets a new status: the spellings of a passbook status first, then the others."""
    spelled = (*SIGNED, *OTHERS)
    return {idea: {col.STATUS: spelled[k % len(spelled)]} for k, idea in enumerate(_statuses(path))}


D = dt.datetime
# Rows a customer adds below the table, months out of order; one idea reports twice in a month.
TRACKING_ROWS = {
    CUSTOMER: [
        ["AUT-09", D(2026, 12, 1), 150, 700, "December"],
        ["AUT-06", D(2026, 11, 15), -40, 1200.5, "Started early"],
        ["AUT-02", D(2026, 6, 1), 500, 800, None],
        ["AUT-09", D(2026, 12, 20), 50, 100, "Second December row"],
        ["AUT-11", None, 999, 999, "No month: left out"],
    ],
    QUIET: [
        ["FUR-03", D(2027, 2, 1), 2100, 3300.25, "First report"],
        ["FUR-01", D(2026, 12, 1), 800, 1200, None],
    ],
}


@pytest.fixture(scope="module")
def books(generated, libreoffice, tmp_path_factory):  # noqa: F811
    """name -> (the file, as LibreOffice recalculated it): each customer's workbook as generated and
    edited (statuses in every spelling, tracking rows added, no cached results)."""
    folder = tmp_path_factory.mktemp("edited")
    files: dict[str, Path] = {}
    for cid in (CUSTOMER, QUIET):
        files[f"{cid} generated"] = shutil.copy2(generated[cid], folder / f"{cid} generated.xlsx")
        edited = shutil.copy2(generated[cid], folder / f"{cid} edited.xlsx")
        files[f"{cid} edited"] = edit_book(edited, _edits(edited), tracking=TRACKING_ROWS[cid])
    out = libreoffice.recalculate(list(files.values()), tmp_path_factory.mktemp("recalculated"))
    return {name: (files[name], after) for name, after in zip(files, out, strict=True)}


def test_the_edits_reach_the_inputs_cvm_xl_reads(books) -> None:
    path, _ = books[f"{CUSTOMER} edited"]
    book = read_book(path)
    ideas = book.customer_ideas(CUSTOMER)
    typed = _statuses(path)
    assert sum(in_passbook(s) for s in typed.values()) >= len(SIGNED)  # each spelling is read ...
    for idea, status in zip(ideas[col.IDEA_ID], ideas[col.STATUS], strict=True):
        assert status == spellings.status(typed[idea])  # ... as the status it names
    assert len(book.tracking) > len(read_book(books[f"{CUSTOMER} generated"][0]).tracking)


def _values(path: Path, sheet: str):  # type: ignore[no-untyped-def]
    return openpyxl.load_workbook(path, data_only=True)[sheet]


def _labelled(ws, label_col: int, value_col: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        row[0].value: row[-1].value
        for row in ws.iter_rows(min_col=label_col, max_col=value_col)
        if isinstance(row[0].value, str)
    }


def _check_passbook(ws, book, cid: str, where: str) -> None:  # type: ignore[no-untyped-def]
    ideas = book.customer_ideas(cid)
    lines = passbook_with_realised(ideas, book.tracking, book.waves, book.settings)
    letter = {name: i for i, name in enumerate(L.PASSBOOK_COLUMNS, start=1)}
    shown = []
    r = L.PASSBOOK_FIRST_ROW
    while ws.cell(r, 1).value is not None:
        flag = ws.cell(r, letter[L.IN_PASSBOOK]).value
        idea = ws.cell(r, 1).value
        assert flag in (L.IN_PASSBOOK_YES, L.IN_PASSBOOK_NO), (where, r, flag)
        status = ideas.loc[ideas[col.IDEA_ID] == idea, col.STATUS].iloc[0]
        assert (flag == L.IN_PASSBOOK_YES) == in_passbook(status), (where, idea, status)
        if flag == L.IN_PASSBOOK_YES:
            shown.append(r)
        else:  # out of the passbook: the line moves no balance
            assert ws.cell(r, letter["Supplier"]).value == 0 and ws.cell(r, letter["Customer"]).value == 0
        r += 1
    assert r - L.PASSBOOK_FIRST_ROW == 3 * len(ideas), where  # three lines per idea of the workbook
    planned = lines[lines["Line"] != LINE_SETTLEMENT]  # true-up Settlement lines sit below (issue 15)
    assert len(shown) == len(planned), where
    for r, line in zip(shown, planned.to_dict("records"), strict=True):
        here = f"{where} Passbook row {r}"
        assert ws.cell(r, 1).value == line[col.IDEA_ID] and ws.cell(r, letter["Line"]).value == line["Line"]
        for name in ("Amount", "Supplier", "Customer"):
            assert_cell(ws.cell(r, letter[name]).value, line[name], f"{here} {name}")
        assert_cell(ws.cell(r, L.PASSBOOK_REALISED_COL).value, line["Realised"], f"{here} realised")
    b = balances(lines, book.settings.target_supplier_share)
    figures = {label.split(" (")[0]: value for label, value in _labelled(ws, 10, 11).items()}
    supplier = book.settings.supplier
    for label, expected in (
        (f"{supplier} balance", b.supplier),
        ("Customer balance", b.customer),
        ("Total value created", b.total),
        ("Equity gap", b.equity_gap),
        ("Supplier share of the total", b.supplier_share),
        ("Customer share of the total", b.customer / b.total if b.total else None),
        ("Reading", equity_reading(b.equity_gap)),
    ):
        assert_cell(figures[label], expected, f"{where} {label}")
    realised = lines.groupby("Line")["Realised"].sum()
    for line in (LINE_SUPPLIER_VALUE, LINE_CUSTOMER_VALUE):
        label = f"{line} realised to date"
        assert_cell(figures[label], realised.get(line, 0.0), f"{where} {label}")
    advice = ws.cell(L.BALANCE_ROWS["reading"] + 6, 10).value
    assert advice == equity_advice(b, supplier, book.customers[cid]), where
    assert f"{abs(b.equity_gap):,.0f}"[:3] in advice or abs(b.equity_gap) <= 0.5  # thousands separators


def _check_cover(ws, book, cid: str, where: str) -> None:  # type: ignore[no-untyped-def]
    ideas = book.customer_ideas(cid)
    lines = passbook_with_realised(ideas, book.tracking, book.waves, book.settings)
    b = balances(lines, book.settings.target_supplier_share)
    figures = _labelled(ws, 5, 6)
    expected = {
        "Ideas in the passbook": int(ideas[col.STATUS].map(in_passbook).sum()),
        "Passbook: supplier balance": b.supplier,
        "Passbook: customer balance": b.customer,
        "Passbook: equity gap": b.equity_gap,
        "Passbook: reading": equity_reading(b.equity_gap),
    }
    for label, value in expected.items():
        assert_cell(figures[label], value, f"{where} Cover {label}")


def _check_sign_off(ws, book, cid: str, where: str) -> None:  # type: ignore[no-untyped-def]
    ideas = book.customer_ideas(cid).set_index(col.IDEA_ID, drop=False)
    signed = list(book.signed_ids[cid])
    heads = {c.value: c.column for c in ws[L.SIGN_OFF_HEADER_ROW] if c.value}
    # The run reserves as many lines as its longest sheet lists (a customer of several waves adds a
    # heading line per wave, issue 14): the Total is where column B says so, the live total below it.
    total_row = next(r for r in range(L.SIGN_OFF_FIRST_ROW, ws.max_row + 1) if ws.cell(r, 2).value == "Total")
    layout = L.SignOffLayout(book.settings.max_sign_off_ideas, total_row - L.SIGN_OFF_FIRST_ROW)
    listed = {ws.cell(r, heads[col.IDEA_ID]).value: r for r in range(L.SIGN_OFF_FIRST_ROW, total_row)}
    assert [i for i in listed if i] == sorted(signed, key=lambda i: listed.get(i, 0))
    for idea in signed:
        r = listed[idea]
        flag = L.IN_PASSBOOK_YES if in_passbook(ideas.at[idea, col.STATUS]) else L.IN_PASSBOOK_NO
        assert ws.cell(r, heads[L.IN_PASSBOOK]).value == flag, (where, idea)
    now = [i for i in signed if in_passbook(ideas.at[i, col.STATUS])]
    for head in (col.SUPPLIER_VALUE, col.CUSTOMER_VALUE, col.NET_VALUE, col.TRANSFER, col.SUPPLIER_FINAL,
                 col.CUSTOMER_FINAL):  # fmt: skip
        total = ideas.loc[signed, head].sum()
        assert_cell(ws.cell(layout.total_row, heads[head]).value, total, f"{where} Sign-off total {head}")
        live = ideas.loc[now, head].sum()
        assert_cell(ws.cell(layout.live_total_row, heads[head]).value, live, f"{where} in passbook {head}")


def _expected_report(book, master_path: Path, cid: str) -> MonthlyReport:  # type: ignore[no-untyped-def]
    ideas = book.customer_ideas(cid)
    master = load_master(master_path)
    customer = master.customers.set_index(col.CUSTOMER_ID).loc[cid]
    row = {col.CUSTOMER_ID: cid, **customer.to_dict()}
    tracking = book.tracking
    # The contract's transfers and investments are the master's figures at generation (issue 14).
    evaluated = evaluate_ideas(master.ideas, master.settings)
    evaluated = evaluated[~evaluated[col.OUT_OF_BOUNDS].astype(bool)]  # as the generator slices them
    parts = contract_parts(master.customers, evaluated, master.tracking, master.settings)
    return relationship_report(
        row,
        {name: ideas[name].tolist() for name in IDEA_FIELDS},
        {name: tracking[name].tolist() for name in TRACKING_FIELDS},
        book.settings.horizon_years,
        chart_months(book.settings),
        parts.get(cid, NO_PARTS),
    )


def _check_report(ws, expected: MonthlyReport, where: str) -> None:  # type: ignore[no-untyped-def]
    table = expected.months
    shown = {}
    r = T.FIRST_ROW
    while isinstance(ws.cell(r, 1).value, dt.datetime):
        shown[ws.cell(r, 1).value.date()] = r
        r += 1
    assert list(shown) == list(table[MONTH]), where  # the months of the generation, in order
    for _, month in table.iterrows():
        r = shown[month[MONTH]]
        for c, name in enumerate(MONTH_TABLE[1:], start=2):
            assert_cell(ws.cell(r, c).value, month[name], f"{where} {month[MONTH]} {name}")
        chart = ws[f"{T.CHART_COL}{r}"].value
        realised = month[CUMULATIVE["Customer realised"]]
        assert chart == "#N/A" if math.isnan(realised) else math.isclose(chart, realised, abs_tol=0.005)
    assert_cell(ws[T.REPORTED_CELL.replace("$", "")].value, expected.reported_to, f"{where} reported up to")
    for k, row in enumerate((7, 8)):
        assert_cell(ws.cell(row, 3).value, expected.planned_to_date[k], f"{where} planned to date")
        assert_cell(ws.cell(row, 4).value, expected.realised_to_date[k], f"{where} realised to date")
    contract = expected.contract
    for i, (_, year) in enumerate(contract.iterrows()):
        for c, name in enumerate(T.CONTRACT_TABLE):
            value = ws.cell(T.FIRST_ROW + i, T.CONTRACT_COL + c).value
            assert_cell(value, year[name], f"{where} contract year {year['Year']} {name}")
    r = T.FIRST_ROW + len(contract)  # the later years stay blank until they have a figure
    while ws.cell(r, T.CONTRACT_COL).value != "Total":
        blank = [is_blank(ws.cell(r, T.CONTRACT_COL + c).value) for c in range(len(T.CONTRACT_TABLE))]
        assert all(blank), where
        r += 1


@pytest.mark.parametrize("cid", [CUSTOMER, QUIET])
@pytest.mark.parametrize("state", ["generated", "edited"])
def test_libreoffice_shows_what_cvm_xl_computes_from_the_same_file(books, generated, cid, state) -> None:
    path, recalculated = books[f"{cid} {state}"]
    book = read_book(path)
    where = f"{cid} {state}"
    _check_passbook(_values(recalculated, L.PASSBOOK), book, cid, where)
    _check_cover(_values(recalculated, L.COVER), book, cid, where)
    _check_sign_off(_values(recalculated, L.SIGN_OFF), book, cid, where)
    _check_report(_values(recalculated, T.SHEET), _expected_report(book, generated["master"], cid), where)


def test_the_edits_move_the_figures(books) -> None:
    """Not a tautology of the check above: the edited workbook's figures differ from the generated."""
    for cid in (CUSTOMER, QUIET):
        before = _labelled(_values(books[f"{cid} generated"][1], L.PASSBOOK), 10, 11)
        after = _labelled(_values(books[f"{cid} edited"][1], L.PASSBOOK), 10, 11)
        assert before["Customer balance (Bc)"] != after["Customer balance (Bc)"], cid
        report_before = _values(books[f"{cid} generated"][1], T.SHEET)[T.REPORTED_CELL.replace("$", "")].value
        report_after = _values(books[f"{cid} edited"][1], T.SHEET)[T.REPORTED_CELL.replace("$", "")].value
        assert report_before != report_after, cid


@pytest.mark.parametrize("cid", [CUSTOMER, QUIET])
def test_cached_results_are_the_formulas_results(books, cid) -> None:
    """What cvm-xl writes as each formula's cached result is what LibreOffice computes."""
    path, recalculated = books[f"{cid} generated"]
    formulas = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)
    computed = openpyxl.load_workbook(recalculated, data_only=True)
    checked = 0
    for sheet in LIVE_SHEETS:
        for row in formulas[sheet].iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    mine = cached[sheet][cell.coordinate].value
                    theirs = computed[sheet][cell.coordinate].value
                    where = f"{cid} {sheet}!{cell.coordinate}"
                    if is_blank(mine) or isinstance(mine, str):
                        assert (is_blank(mine) and is_blank(theirs)) or mine == theirs, (where, mine, theirs)
                    elif isinstance(mine, dt.datetime):
                        assert theirs == mine, where
                    else:
                        assert_cell(theirs, mine, where)
                    checked += 1
    assert checked > 300


def test_reconcile_compares_what_the_edited_book_says(books, generated, capsys) -> None:
    path, recalculated = books[f"{CUSTOMER} edited"]
    code, out, _ = run_cli(capsys, "reconcile", str(generated["master"]), str(recalculated))
    assert code == 1 and "AUT-" in out  # the statuses moved ideas in and out of the passbook
    code, out, _ = run_cli(capsys, "reconcile", str(path), str(recalculated))
    assert code == 0, out  # the same edited book, before and after LibreOffice: one passbook
    assert read_book(recalculated).problems == ()  # LibreOffice's results agree with the core


def test_the_status_spellings_of_the_formulas_are_the_cores() -> None:
    frame = pd.DataFrame({col.STATUS: [*SIGNED, *OTHERS]})
    read = frame[col.STATUS].map(spellings.status)
    assert list(read[: len(SIGNED)]) == ["Signed off"] * len(SIGNED)
    for text in (*SIGNED, *OTHERS):  # the formula's compact key finds the status cvm-xl reads
        named = spellings.status(text)
        keys = {spellings.compact_key(s): s for s in spellings.STATUSES}
        assert keys.get(spellings.compact_key(text)) == named or text is None


def test_a_stale_balance_is_named_with_its_cell(generated, tmp_path) -> None:
    """A program that saves without recalculating leaves the Passbook's old balance: cvm-xl reads
    the inputs, recomputes, and names the cell whose saved result is out of date."""
    source = generated[CUSTOMER]
    target = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        sheets = _sheet_parts(zin)
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == sheets[L.PASSBOOK]:
                data, n = re.subn(rb'(<c r="K5"[^>]*><f>[^<]*</f><v>)[^<]*(</v>)', rb"\g<1>123.5\g<2>", data)
                assert n == 1
            zout.writestr(item, data)
    assert read_book(source).problems == ()
    [problem] = read_book(target).problems
    assert (problem.sheet, problem.ref, problem.code) == (L.PASSBOOK, "K5", "cell.stale_result")
    assert "123.5" in problem.message


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the archive (from the workbook and its relationships)."""
    workbook = archive.read("xl/workbook.xml").decode()
    rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    targets = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
    targets |= {k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="([^"]+)"', rels)}
    out = {}
    for name, rid in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', workbook):
        out[name] = "xl/" + targets[rid].lstrip("/").removeprefix("xl/")
    return out
