"""Every wave in the customer workbook and the reports (issue 14), worked on the sample's C-AUT as of
2026-12-01: wave 1 kicked off on 2026-01-12 (its Wave start), wave 2 on 2026-10-05 (Running, Hanna
Berg). The Wave plan sheet shows wave 2 first, then wave 1 with its reviews up to wave 2's first
review (2026-11-06); the cover shows wave 2's milestones as "Wave 2 of 2"; the Next reviews sheet
names the wave of the next review; ``cvm-xl wave --wave 2`` prints wave 2 alone. The block's dates
and band are formulas that LibreOffice and Gnumeric compute to the core's values."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import openpyxl
import pytest
from gnumeric import gnumeric, load_values  # noqa: F401  (session fixture)
from libreoffice import libreoffice, zero_cached_results  # noqa: F401  (session fixture)

from cvm_xl.cli import main
from cvm_xl.core.reviews import DUE, HELD, OVERDUE, wave_items
from cvm_xl.core.wave import wave_end
from cvm_xl.generate import customer_workbook_bytes
from cvm_xl.generate.sheets import next_reviews as N
from cvm_xl.generate.sheets import wave_plan as W
from cvm_xl.generate.signoff_book import signoff_workbook_bytes
from cvm_xl.master.model import Master
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables

D = dt.date
GENERATED = dt.datetime(2026, 12, 1, 9, 0)
AS_OF = D(2026, 12, 1)
WAVE_1, WAVE_2 = D(2026, 1, 12), D(2026, 10, 5)
TAKEOVER = D(2026, 11, 6)  # wave 2's first review: Friday of its week 4


@pytest.fixture(scope="module")
def master_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("blocks") / "master.xlsx"
    write_master(path, sample_settings(), sample_tables())
    return path


@pytest.fixture(scope="module")
def master(master_path: Path) -> Master:
    return load_master(master_path)


@pytest.fixture(scope="module")
def book(master: Master, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("book") / "C-AUT.xlsx"
    path.write_bytes(customer_workbook_bytes(master, "C-AUT", GENERATED, AS_OF))
    return path


def _day(value: object) -> object:
    return value.date() if isinstance(value, dt.datetime) else value


def _block_rows(ws) -> W.BlockRows:
    """The rows of wave 1's block: the one headed 'Wave 1 of 2'."""
    heading = next(
        r for r in range(W.FIRST_ROW, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("Wave 1 ")
    )
    return W.BlockRows(heading, heading + 1, heading + 2, heading + 3, heading + 4, heading + 5, heading + 6)


def _items(ws, first: int) -> list[tuple]:
    out = []
    for r in range(first, ws.max_row + 2):
        if not ws.cell(r, 1).value:
            return out
        out.append(tuple(ws.cell(r, c).value for c in range(1, W.review_col() + 2)))
    return out


def _check_block(ws, at: W.BlockRows, kickoff: dt.date, until: dt.date | None, where: str) -> None:
    """A block's kick-off, end, period boundaries, items and band against the core."""
    assert _day(ws.cell(at.kickoff, W.START_COL).value) == kickoff, where
    assert _day(ws.cell(at.end, W.START_COL).value) == wave_end(kickoff), where
    periods = W.gantt_periods(kickoff)
    for k, (label, first, last) in enumerate(periods):
        c = W.FIRST_BAND_COL + k
        assert ws.cell(at.header, c).value == label, where
        got = (_day(ws.cell(at.first_day, c).value), _day(ws.cell(at.last_day, c).value))
        assert got == (first, last), f"{where} {label}"
    plan = wave_items(kickoff, until, W.REVIEW_MONTHS)
    rows = _items(ws, at.first)
    assert len(rows) == len(plan), where
    for row, item in zip(rows, plan, strict=True):
        assert (row[0], _day(row[3]), _day(row[4])) == (item.name, item.start, item.end), where
        band = [v or "" for v in row[W.FIRST_BAND_COL - 1 : W.FIRST_BAND_COL - 1 + len(periods)]]
        assert band == W.band(item, periods), f"{where} {item.name}"


def test_the_latest_wave_first_then_wave_1_until_wave_2_takes_over(book: Path) -> None:
    ws = openpyxl.load_workbook(book, data_only=True)["Wave plan"]
    assert (
        ws.cell(W.WAVE_ROW, 1).value
        == "Wave 2 of 2 \u2014 kick-off 2026-10-05, Running, facilitator Hanna Berg"
    )
    _check_block(ws, W.TOP, WAVE_2, None, "wave 2")
    assert ws.cell(W.FROM_ROW, W.WAVE_LABEL_COL).value == "Wave 2"  # the repeated print rows say whose
    at = _block_rows(ws)
    assert ws.cell(at.heading, 1).value == (
        "Wave 1 of 2 \u2014 kick-off 2026-01-12, Tracking, facilitator Hanna Berg; its reviews run until "
        "2026-11-06, where wave 2's plan takes over"
    )
    assert at.heading == W.FIRST_ROW + len(_items(ws, W.FIRST_ROW)) + 1  # one blank row between blocks
    _check_block(ws, at, WAVE_1, TAKEOVER, "wave 1")
    assert ws.cell(at.first_day, W.WAVE_LABEL_COL).value == "Wave 1"
    statuses = {
        (wave, row[0], _day(row[3])): (row[W.review_col() - 1], row[W.review_col()])
        for wave, first in ((2, W.FIRST_ROW), (1, at.first))
        for row in _items(ws, first)
    }
    # wave 1 keeps October's report and quarterly review (held by R-AUT-09 a week after wave 2's
    # kick-off) and has no November report: wave 2's week-4 review is November's, and it was not held
    assert statuses[(1, "Quarterly review 2", D(2026, 10, 12))] == (HELD, "R-AUT-09 on 2026-10-13")
    assert statuses[(1, "Monthly report 6", D(2026, 10, 12))] == (HELD, "R-AUT-09 on 2026-10-13")
    assert not any(w == 1 and day >= TAKEOVER for w, _, day in statuses)
    assert statuses[(2, "Top-management review", TAKEOVER)] == (OVERDUE, None)
    assert statuses[(2, "Top-management review", D(2026, 12, 4))] == (DUE, None)
    assert statuses[(2, "Kick-off meeting", D(2026, 10, 9))] == (None, None)
    assert ws.cell(W.KICKOFF_ROW, W.SUMMARY_COL).value == (
        "Reviews as of 2026-12-01: next Top-management review of wave 2 (Monthly) on 2026-11-06, Overdue."
    )


def test_each_block_reads_its_own_kick_off_and_periods(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["Wave plan"]
    at = _block_rows(ws)
    assert ws.cell(at.end, W.START_COL).value == f"=$D${at.kickoff}+90"
    rows = {ws.cell(r, 1).value: r for r in range(at.first, ws.max_row + 1)}
    r = rows["Understand the value chain and set KPIs"]
    assert (ws.cell(r, 4).value, ws.cell(r, 5).value) == (f"=$D${at.kickoff}+7", f"=$D${at.kickoff}+27")
    band = ws.cell(r, W.FIRST_BAND_COL + 2)
    assert band.value == f'=IF(AND($D{r}<=I${at.last_day},$E{r}>=I${at.first_day}),"J","")'
    assert ws.max_row <= W.coloured_rows()  # both blocks are coloured
    assert ws.print_title_rows == "$7:$9"


def test_libreoffice_and_gnumeric_compute_both_blocks(book: Path, libreoffice, gnumeric, tmp_path) -> None:  # noqa: F811
    # Every cached formula result is replaced by 0 first, so each date and mark checked is the engine's.
    wrong = tmp_path / "wrong.xlsx"
    zero_cached_results(book, wrong)
    (calc,) = libreoffice.recalculate([wrong], tmp_path / "lo")
    (gnu,) = gnumeric.recalculate([wrong], tmp_path / "gnumeric")
    for engine, ws in (
        ("LibreOffice", openpyxl.load_workbook(calc, data_only=True)["Wave plan"]),
        ("Gnumeric", load_values(gnu)["Wave plan"]),
    ):
        _check_block(ws, W.TOP, WAVE_2, None, f"{engine} wave 2")
        _check_block(ws, _block_rows(ws), WAVE_1, TAKEOVER, f"{engine} wave 1")


def test_the_cover_shows_the_latest_wave(book: Path, master: Master) -> None:
    ws = openpyxl.load_workbook(book, data_only=True)["Cover"]
    shown = {ws.cell(r, 2).value: _day(ws.cell(r, 3).value) for r in range(15, 21)}
    assert "Wave 2 of 2 (12 weeks from kick-off)" in shown
    assert shown["Kick-off of wave 2 (week 0)"] == WAVE_2
    assert shown["Joint idea workshop (week 4)"] == D(2026, 11, 4)
    assert shown["Sign-off (week 8)"] == D(2026, 12, 4)
    assert shown["End of the wave (week 12)"] == D(2027, 1, 3)
    # before wave 2 kicked off, wave 1 is the latest
    early = customer_workbook_bytes(master, "C-AUT", GENERATED, D(2026, 9, 1))
    ws = openpyxl.load_workbook(io.BytesIO(early), data_only=True)["Cover"]
    assert (ws.cell(15, 2).value, _day(ws.cell(16, 3).value)) == (
        "Wave 1 of 2 (12 weeks from kick-off)",
        WAVE_1,
    )
    # a customer whose one wave is its Wave start keeps its cover
    ws = openpyxl.load_workbook(io.BytesIO(customer_workbook_bytes(master, "C-WHL", GENERATED, AS_OF)))[
        "Cover"
    ]
    assert (ws.cell(15, 2).value, ws.cell(16, 2).value) == (
        "Wave (12 weeks from kick-off)",
        "Wave start (week 0 begins)",
    )


def test_next_reviews_name_the_wave(master: Master) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(signoff_workbook_bytes(master, GENERATED, AS_OF)))
    ws = wb[N.NAME]
    header = [ws.cell(3, c).value for c in range(1, len(N.COLUMN_NAMES) + 1)]
    rows = {row[0]: dict(zip(header, row, strict=False)) for row in ws.iter_rows(min_row=4, values_only=True)}
    aut = rows["C-AUT"]
    assert (aut["Wave"], aut[N.NEXT], _day(aut[N.NEXT_DATE]), aut[N.STATUS]) == (
        2, "Top-management review", TAKEOVER, OVERDUE,
    )  # fmt: skip
    assert rows["C-WHL"]["Wave"] == 1


def test_cvm_xl_wave_prints_one_wave_with_its_number(master_path: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "master.xlsx"
    shutil.copyfile(master_path, path)
    assert main(["wave", str(path), "--customer", "C-AUT", "--wave", "2", "--dry-run"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "wave 2 of 2 from Mon 2026-10-05 (Running, facilitator Hanna Berg)" in out
    assert "wave 1 of 2" not in out and "Mon 2026-01-12" not in out
    assert "would write the Wave plan sheet for 4 customers, 5 waves" in out
    assert main(["wave", str(path), "--wave", "3", "--dry-run"]) == 0
    assert "No wave 3: C-AUT, C-WHL, C-APP, C-FUR" in " ".join(capsys.readouterr().out.split())
    with pytest.raises(SystemExit) as refused:  # a usage error (exit 2)
        main(["wave", str(path), "--wave", "0"])
    assert refused.value.code == 2
