"""A customer with two waves (issue 14) downstream: its Sign-off sheet lists each wave apart under a
heading with the wave's subtotal, ONE fingerprint covers both waves, and the workbook reads back,
verifies and imports with the wave each idea was signed in.

The master is the sample: C-AUT runs wave 1 (kicked off 2026-01-12) and wave 2 (2026-10-05), each
with its own sign-off list; C-WHL has one wave, so its sheet is the single list of SPEC §3.7.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import shutil
from pathlib import Path

import openpyxl
import pytest
from book_fixtures import edit_book
from libreoffice import assert_cell

from cvm_xl.actions.imports import plan_import
from cvm_xl.books import layout as L
from cvm_xl.books.read import read_book, signed_ideas_text, split_ids, split_waves
from cvm_xl.books.verify import signed_fingerprint, verify_book
from cvm_xl.core import columns as col
from cvm_xl.core.fingerprint import SIGNED_WAVE, canonical_sign_off
from cvm_xl.core.wave_report import WAVE_REPORT_COLUMNS
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.generate.model import RunData
from cvm_xl.generate.sheets.sign_off import wave_heading
from cvm_xl.generate.sheets.waves_sheet import NAME as WAVES_SHEET
from cvm_xl.generate.sheets.waves_sheet import waves_frame
from cvm_xl.generate.signoff_book import write_signoff_book
from cvm_xl.master.read import load_master

GENERATED = dt.datetime(2026, 12, 1, 9, 0)
AS_OF = GENERATED.date()
AUT, WHL = "C-AUT", "C-WHL"


@pytest.fixture(scope="module")
def wave_books(sample_master: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("wave-books")
    master = dataclasses.replace(load_master(sample_master), relationship={})
    results = generate_customer_books(
        master, folder / "books", customer_ids=[AUT, WHL], workers=1, generated=GENERATED, as_of=AS_OF
    )
    assert all(r.ok for r in results), [r.message for r in results]
    signoff = folder / "signoff.xlsx"
    assert write_signoff_book(master, signoff, as_of=AS_OF) is None
    return {"master": sample_master, AUT: results[0].path, WHL: results[1].path, "*": signoff}


def _run(path: Path) -> RunData:
    return RunData(dataclasses.replace(load_master(path), relationship={}), GENERATED, AS_OF)


def _heads(ws) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {c.value: c.column for c in ws[L.SIGN_OFF_HEADER_ROW] if c.value}


def test_each_wave_is_listed_under_its_heading_with_its_subtotal(wave_books):
    run = _run(wave_books["master"])
    data = run.customer(AUT)
    ws = openpyxl.load_workbook(wave_books[AUT])[L.SIGN_OFF]
    cached = openpyxl.load_workbook(wave_books[AUT], data_only=True)[L.SIGN_OFF]
    heads = _heads(ws)
    layout = L.SignOffLayout(run.settings.max_sign_off_ideas, run.sign_off_lines)
    lines = [
        (ws.cell(r, 1).value, ws.cell(r, heads[col.IDEA_ID]).value, ws.cell(r, heads[col.TITLE]).value)
        for r in range(L.SIGN_OFF_FIRST_ROW, layout.last_idea_row + 1)
    ]
    headings = [k for k, (_, idea, title) in enumerate(lines) if idea is None and title and "Wave" in title]
    assert [lines[k][2] for k in headings] == [wave_heading(data, 1), wave_heading(data, 2)]
    assert lines[headings[1]][2] == "Wave 2 (kicked off 2026-10-05)"
    wave_1 = [(rank, idea) for rank, idea, _ in lines[headings[0] + 1 : headings[1]]]
    wave_2 = [(rank, idea) for rank, idea, _ in lines[headings[1] + 1 :] if idea]
    # Ranks restart at 1 in wave 2; each list holds at most Max sign-off ideas.
    assert [r for r, _ in wave_1] == list(range(1, len(wave_1) + 1))
    assert [r for r, _ in wave_2] == list(range(1, len(wave_2) + 1))
    assert len(wave_2) >= 3 and {i for _, i in wave_2} >= {"AUT-18", "AUT-19", "AUT-20"}
    # The heading's subtotal is the wave's lines added up; the Total is both waves', once.
    ideas = {data.ideas[col.IDEA_ID][i]: i for i in range(data.n_ideas)}
    r2 = L.SIGN_OFF_FIRST_ROW + headings[1]
    for name in (col.SUPPLIER_VALUE, col.NET_VALUE, col.TRANSFER):
        c = heads[name]
        x = openpyxl.utils.get_column_letter(c)
        assert ws.cell(r2, c).value.startswith("=SUMIFS(") and f"{x}{r2 + 1}" in ws.cell(r2, c).value
        signed = data.decided_ideas  # as signed: a chain idea with its chain transfer (issue 16)
        values = [signed[name][ideas[i]] for _, i in wave_2]
        assert_cell(cached.cell(r2, c).value, math.fsum(v for v in values if v == v), name)
        everything = [signed[name][ideas[i]] for _, i, _ in lines if i]
        assert_cell(cached.cell(layout.total_row, c).value, math.fsum(v for v in everything if v == v), name)


def test_a_one_wave_customer_has_the_single_list(wave_books):
    ws = openpyxl.load_workbook(wave_books[WHL])[L.SIGN_OFF]
    heads = _heads(ws)
    run = _run(wave_books["master"])
    data = run.customer(WHL)
    shown = [ws.cell(L.SIGN_OFF_FIRST_ROW + k, heads[col.IDEA_ID]).value for k in range(len(data.selected()))]
    assert shown == [data.ideas[col.IDEA_ID][i] for i in data.selected()]
    assert ws.cell(L.SIGN_OFF_FIRST_ROW, 1).value == 1
    # No wave after the first: the fingerprint is the one signed before waves (no wave in any line).
    assert '"2"]' not in canonical_sign_off(
        [{**{n: data.ideas[n][i] for n in data.ideas}} for i in data.selected()], run.settings
    )


def test_one_fingerprint_over_both_waves_reads_back_and_verifies(wave_books, tmp_path):
    run = _run(wave_books["master"])
    book = read_book(wave_books[AUT])
    waves = book.signed_waves[AUT]
    assert waves["AUT-20"] == 2 and waves["AUT-08"] == 1
    check = verify_book(book).checks[0]
    assert check.ok and check.stored == check.recomputed == run.fingerprint(AUT) == book.shown_fingerprint
    # The waves are in it: without them the same ideas give another fingerprint.
    ideas = book.customer_ideas(AUT)
    assert signed_fingerprint(ideas, book.signed_ids[AUT], book.settings) != check.stored
    # An edit to a wave-2 signed idea is a signed change.
    copy = tmp_path / wave_books[AUT].name
    shutil.copy2(wave_books[AUT], copy)
    edited = read_book(edit_book(copy, {"AUT-20": {col.OWNER: "Someone else"}}))
    after = verify_book(edited).checks[0]
    assert not after.ok and any(c.idea_id == "AUT-20" and c.signed for c in after.changes)
    # The consolidated sign-off verifies too: its Detail keeps each idea's sign-off wave.
    signoff = read_book(wave_books["*"])
    assert signoff.signed_waves[AUT]["AUT-20"] == 2
    assert all(c.ok for c in verify_book(signoff).checks)


def test_the_import_records_the_waves_and_the_master_reads_them_back(wave_books):
    master = load_master(wave_books["master"])
    book = read_book(wave_books[AUT])
    plan = plan_import(master, book)
    assert plan.fingerprint_now == plan.fingerprint_stored
    text = signed_ideas_text(book.signed_ids[AUT], book.signed_waves[AUT])
    assert "AUT-20 (wave 2)" in text and "AUT-08 (wave" not in text
    assert split_ids(text) == book.signed_ids[AUT]
    assert split_waves(text) == {i: w for i, w in book.signed_waves[AUT].items() if w >= 2}
    # What the master keeps gives the same fingerprint as the workbook.
    again = signed_fingerprint(book.customer_ideas(AUT), split_ids(text), book.settings, split_waves(text))
    assert again == plan.fingerprint_stored


def test_the_record_sheet_keeps_the_sign_off_wave(wave_books):
    book = read_book(wave_books[AUT])
    assert book.record is not None
    record = book.record.ideas.set_index(col.IDEA_ID)
    assert record.at["AUT-18", SIGNED_WAVE] == 2 and record.at["AUT-01", SIGNED_WAVE] == 1


def test_the_consolidated_sign_off_has_a_waves_sheet_with_the_core_figures(wave_books):
    ws = openpyxl.load_workbook(wave_books["*"], data_only=True)[WAVES_SHEET]
    assert [c.value for c in ws[L.HEADER_ROW]][: len(WAVE_REPORT_COLUMNS)] == list(WAVE_REPORT_COLUMNS)
    expected = waves_frame(_run(wave_books["master"]))
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=L.FIRST_ROW) if row[0].value]
    assert [(r[0], r[1]) for r in rows] == list(zip(expected[col.CUSTOMER_ID], expected["Wave"], strict=True))
    for row, (_, want) in zip(rows, expected.iterrows(), strict=True):
        assert row[4:9] == [want[n] for n in WAVE_REPORT_COLUMNS[4:9]]
    aut_2 = next(r for r in rows if r[0] == AUT and r[1] == 2)
    assert aut_2[5] >= 3 and aut_2[7] >= 3  # AUT-18..20: ideas of wave 2, on its own list
