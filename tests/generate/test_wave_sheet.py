"""The Wave plan sheet: in each customer workbook (dates and band as formulas that LibreOffice computes
to the same values as ``cvm_xl.core.wave``) and in the master (``cvm-xl wave``). The sample's C-AUT has
two waves (issue 14): its workbook's first block is its latest wave, the master's sheet one plan per wave;
tests/generate/test_wave_blocks.py works its blocks through."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import shutil
from pathlib import Path

import openpyxl
import pytest
from generate_fixtures import build_master
from libreoffice import libreoffice, zero_cached_results  # noqa: F401  (session fixture)

from cvm_xl.cli import main
from cvm_xl.core import columns as col
from cvm_xl.core.categories import add_months
from cvm_xl.core.reviews import by_kick_off, reviews_until, wave_items
from cvm_xl.core.wave import MILESTONE, PHASE, REPORT, REVIEW, wave_end, wave_plan, week_of
from cvm_xl.core.waves import customer_waves, latest_wave
from cvm_xl.generate import customer_workbook_bytes
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.generate.master_sheets import WAVE_COLUMNS
from cvm_xl.generate.sheets import wave_plan as W
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables

KICKOFFS = (dt.date(2026, 1, 12), dt.date(2026, 1, 31), dt.date(2027, 2, 27), dt.date(2028, 12, 1))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _day(value: object) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value  # type: ignore[return-value]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("wave") / "master.xlsx"
    write_master(path, sample_settings(), sample_tables())
    return path, load_master(path)


@pytest.fixture(scope="module")
def books(sample, tmp_path_factory):
    _, master = sample
    results = generate_customer_books(master, tmp_path_factory.mktemp("books"), workers=1)
    assert all(r.ok for r in results)
    return {r.customer_id: r.path for r in results}


def _kickoffs(master, as_of: dt.date | None = None) -> dict[str, dt.date]:
    """Each customer's kick-off of the first block of its Wave plan sheet: its latest wave as of
    ``as_of`` (the books' day: today), which is its Wave start for a customer of one wave."""
    known = customer_waves(master.customers, master.waves)
    day = as_of or dt.date.today()
    return {
        r[col.CUSTOMER_ID]: latest_wave(known.of(r[col.CUSTOMER_ID]), day).kick_off
        for r in master.customers.to_dict("records")
        if known.of(r[col.CUSTOMER_ID])
    }


@pytest.mark.parametrize("kickoff", KICKOFFS)
def test_periods_tile_the_wave_and_the_year_after_it(kickoff: dt.date) -> None:
    periods = W.gantt_periods(kickoff)
    assert [label for label, _, _ in periods] == [f"W{w}" for w in range(13)] + [
        f"M{m}" for m in range(1, 13)
    ]
    assert periods[0][1] == kickoff and periods[12][2] == wave_end(kickoff)
    for (_, _, last), (_, first, _) in itertools.pairwise(periods):
        assert first == last + dt.timedelta(days=1)
    for m in range(1, 13):
        assert periods[12 + m][2] == add_months(wave_end(kickoff), m)
    plan = wave_plan(kickoff, W.REVIEW_MONTHS)
    for item in plan:
        marked = [
            label
            for label, shown in zip((p[0] for p in periods), W.band(item, periods), strict=True)
            if shown
        ]
        if item.kind == PHASE:
            assert marked == [f"W{w}" for w in range(item.first_week, item.last_week + 1)]
            assert W.mark(item) in "SJC"
        elif item.name.startswith(("Monthly report", "Quarterly review")):
            month = int(item.name.split()[-1]) * (3 if item.name.startswith("Quarterly") else 1)
            assert marked == [f"M{month}"]
        else:
            assert marked == [f"W{week_of(kickoff, item.start)}"]
        assert set(W.band(item, periods)) <= {"", W.mark(item)}


def _plan_rows(ws, first: int = W.FIRST_ROW) -> list[tuple]:
    """The rows of the block whose items start on row ``first``, up to the blank row after it."""
    rows = []
    for r in range(first, ws.max_row + 1):
        if not ws.cell(r, 1).value:
            break
        rows.append(tuple(ws.cell(r, c).value for c in range(1, W.activities_col() + 1)))
    return rows


def _check_sheet(ws, kickoff: dt.date, where: str) -> None:
    """Dates, weeks, owners, band marks and period boundaries against the core."""
    plan = wave_plan(kickoff, W.REVIEW_MONTHS)
    periods = W.gantt_periods(kickoff)
    assert _day(ws["D4"].value) == kickoff, where
    assert _day(ws["D5"].value) == wave_end(kickoff), where
    for k, (label, first, last) in enumerate(periods):
        c = W.FIRST_BAND_COL + k
        assert ws.cell(W.HEADER_ROW, c).value == label
        assert (_day(ws.cell(W.FROM_ROW, c).value), _day(ws.cell(W.TO_ROW, c).value)) == (first, last), (
            f"{where} {label}"
        )
    rows = _plan_rows(ws)
    assert len(rows) == len(plan), where
    for row, item in zip(rows, plan, strict=True):
        name, kind, weeks, start, end, owner = row[:6]
        assert (name, kind, weeks, _day(start), _day(end), owner) == (
            item.name, item.kind, item.weeks, item.start, item.end, item.owner,
        ), where  # fmt: skip
        band = [v or "" for v in row[W.FIRST_BAND_COL - 1 : W.FIRST_BAND_COL - 1 + len(periods)]]
        assert band == W.band(item, periods), f"{where} {item.name}"
        assert row[-1] == "; ".join(item.activities)


def test_each_workbook_has_the_customers_plan(sample, books) -> None:
    _, master = sample
    for cid, kickoff in _kickoffs(master).items():
        wb = openpyxl.load_workbook(books[cid], data_only=True)
        assert "Wave plan" in wb.sheetnames
        assert wb.sheetnames.index("Wave plan") == wb.sheetnames.index("Sign-off") + 1
        _check_sheet(wb["Wave plan"], kickoff, cid)


def test_dates_and_band_are_formulas_coloured_by_conditional_formats(books) -> None:
    ws = openpyxl.load_workbook(books["C-AUT"])["Wave plan"]
    assert ws["D5"].value == "=$D$4+90"
    top = W.FIRST_ROW + len(_plan_rows(ws))  # the first block only (C-AUT has two waves)
    rows = {ws.cell(r, 1).value: r for r in range(W.FIRST_ROW, top)}
    r = rows["Understand the value chain and set KPIs"]
    assert (ws.cell(r, 4).value, ws.cell(r, 5).value) == ("=$D$4+7", "=$D$4+27")
    band = ws.cell(r, W.FIRST_BAND_COL + 2)
    assert band.value == f'=IF(AND($D{r}<=I$9,$E{r}>=I$8),"J","")'
    assert isinstance(ws.cell(rows["Sign-off"], 4).value, dt.datetime)  # a working-day date
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert sorted(rule.formula[0] for rule in rules) == sorted(f'"{m}"' for m in W.MARK_COLOURS)
    ranges = {str(cf.sqref) for cf in ws.conditional_formatting}
    # the rows of COLOURED_WAVES blocks: the first block's plan, then each further block's seven rows
    # above its plan (blank, heading, kick-off, end, header, From, To)
    n = len(wave_plan(dt.date(2026, 1, 5)))
    assert W.coloured_rows() == W.FIRST_ROW + W.COLOURED_WAVES * (n + 7) - 8
    assert ranges == {f"G{W.FIRST_ROW}:AE{W.coloured_rows()}"}
    fills = {rule.formula[0].strip('"'): rule.dxf.fill.fgColor.rgb[-6:] for rule in rules}
    assert fills == {m: colours[0] for m, colours in W.MARK_COLOURS.items()}
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.protection.sheet is True
    assert ws.print_title_rows == "$7:$9"


def test_a_customer_without_wave_start_gets_a_note(tmp_path: Path) -> None:
    master = build_master()
    without = [r["Customer ID"] for r in master.customers.to_dict("records") if not r["Wave start"]]
    assert without
    path = tmp_path / "book.xlsx"
    path.write_bytes(customer_workbook_bytes(master, without[0]))
    ws = openpyxl.load_workbook(path, data_only=True)["Wave plan"]
    assert ws["D4"].value is None
    assert "no Wave start" in ws.cell(W.FIRST_ROW, 1).value
    assert ws.max_row == W.FIRST_ROW
    with_start = next(r for r in master.customers.to_dict("records") if r["Wave start"])
    path.write_bytes(customer_workbook_bytes(master, with_start["Customer ID"]))
    _check_sheet(
        openpyxl.load_workbook(path, data_only=True)["Wave plan"], with_start["Wave start"], "fixture"
    )


def test_libreoffice_computes_the_same_dates_and_band(sample, books, libreoffice, tmp_path) -> None:  # noqa: F811
    # Every cached formula result is replaced by 0 first, so each date and mark checked is
    # LibreOffice's own (the cached values are checked against the core above).
    _, master = sample
    chosen = ("C-AUT", "C-FUR")
    inputs = [tmp_path / f"wrong-{cid}.xlsx" for cid in chosen]
    for cid, path in zip(chosen, inputs, strict=True):
        zero_cached_results(books[cid], path)
    kickoffs = _kickoffs(master)
    for cid, path in zip(chosen, libreoffice.recalculate(inputs, tmp_path / "recalculated"), strict=True):
        _check_sheet(
            openpyxl.load_workbook(path, data_only=True)["Wave plan"], kickoffs[cid], f"LibreOffice {cid}"
        )


@pytest.fixture
def master_copy(sample, tmp_path: Path) -> Path:
    path = tmp_path / "master.xlsx"
    shutil.copyfile(sample[0], path)
    return path


def test_cvm_xl_wave_writes_the_plans_into_the_master(sample, master_copy: Path, capsys) -> None:
    _, before = sample
    assert main(["wave", str(master_copy)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Joint idea workshop" in out and "Wrote the Wave plan sheet" in out
    wb = openpyxl.load_workbook(master_copy)
    assert wb.sheetnames.index("Wave plan") == wb.sheetnames.index("Tracking") + 1
    ws = wb["Wave plan"]
    header = [ws.cell(5, c).value for c in range(1, ws.max_column + 1)]
    first_band = len(WAVE_COLUMNS) + 1
    assert header[: len(WAVE_COLUMNS)] == list(WAVE_COLUMNS) and header[-1] == "Activities"
    rows = [[ws.cell(r, c) for c in range(1, ws.max_column + 1)] for r in range(6, ws.max_row + 1)]
    item_col = WAVE_COLUMNS.index("Item")
    rows = [row for row in rows if row[item_col].value]
    # every wave of every customer in wave order, an earlier wave without the reviews the next one took
    known = customer_waves(before.customers, before.waves)
    expected = [
        (cid, w.number, w.kick_off, item)
        for cid in before.customers[col.CUSTOMER_ID]
        for w in by_kick_off(known.of(cid))
        for item in wave_items(w.kick_off, reviews_until(known.of(cid))[w.number], W.REVIEW_MONTHS)
    ]
    assert len(rows) == len(expected)
    assert {(cid, wave) for cid, wave, _, _ in expected} >= {("C-AUT", 1), ("C-AUT", 2)}
    for row, (cid, wave, kickoff, item) in zip(rows, expected, strict=True):
        assert [c.value for c in row[:1]] == [cid]
        assert row[WAVE_COLUMNS.index("Wave")].value == wave
        values = [row[WAVE_COLUMNS.index(name)].value for name in ("Item", "Kind", "Start", "End", "Owner")]
        assert (values[0], values[1], _day(values[2]), _day(values[3]), values[4]) == (
            item.name, item.kind, item.start, item.end, item.owner,
        )  # fmt: skip
        periods = W.gantt_periods(kickoff)
        marks = W.band(item, periods)
        for cell, shown in zip(row[first_band - 1 : first_band - 1 + len(periods)], marks, strict=True):
            assert (cell.value or "") == shown
            if shown:
                assert cell.fill.fgColor.rgb[-6:] == W.MARK_COLOURS[shown][0]
    assert {r[WAVE_COLUMNS.index("Kind")].value for r in rows} == {PHASE, MILESTONE, REVIEW, REPORT}
    after = load_master(master_copy)
    for name in ("customers", "workshop", "ideas", "tracking"):
        assert getattr(after, name).equals(getattr(before, name)), name


def test_running_it_again_replaces_the_sheet_and_dry_run_writes_nothing(master_copy: Path, capsys) -> None:
    assert main(["wave", str(master_copy), "--customer", "C-WHL"]) == 0
    assert main(["wave", str(master_copy), "--customer", "C-APP"]) == 0
    wb = openpyxl.load_workbook(master_copy)
    # the sheet is replaced, not added again (the Waves sheet is the master's table of waves, issue 14)
    assert [s for s in wb.sheetnames if s.lower().startswith("wave plan")] == ["Wave plan"]
    ids = {wb["Wave plan"].cell(r, 1).value for r in range(6, wb["Wave plan"].max_row + 1)} - {None}
    assert ids == {"C-AUT", "C-WHL", "C-APP", "C-FUR"}  # --customer only limits what is printed
    assert len(list(master_copy.parent.glob("master.backup-*.xlsx"))) == 2
    digest = _digest(master_copy)
    capsys.readouterr()
    assert main(["wave", str(master_copy), "--dry-run"]) == 0
    assert "Nothing was written" in " ".join(capsys.readouterr().out.split())
    assert _digest(master_copy) == digest
    assert len(list(master_copy.parent.glob("master.backup-*.xlsx"))) == 2
