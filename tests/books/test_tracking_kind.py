"""The Tracking sheet's ``Kind`` column in customer workbooks (issue 14: the value contract keeps the
customer's own one-time investments apart): the writer shows each row's Kind with a dropdown, the reader
reads it (any accepted spelling), and ``cvm-xl import`` keeps a row the customer marked One-time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from cvm_xl.books import layout as L
from cvm_xl.books.read import read_book
from cvm_xl.cli import main
from cvm_xl.core.tracking import ONE_TIME, TRACKING_KIND, TRACKING_KINDS
from cvm_xl.generate import customer_workbook_bytes
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables

GENERATED = dt.datetime(2026, 12, 1, 9, 0)


def test_kind_is_an_input_of_the_tracking_layout() -> None:
    names = [c.name for c in L.TRACKING_COLUMNS_LAYOUT]
    assert names[-1] == TRACKING_KIND and not L.TRACKING_COLUMNS_LAYOUT[-1].computed
    assert L.TRACKING_FIELDS == ("Month", "Supplier realised", "Customer realised", "Note", TRACKING_KIND)


def test_a_row_marked_one_time_in_the_workbook_is_imported(tmp_path: Path) -> None:
    master_path = tmp_path / "master.xlsx"
    write_master(master_path, sample_settings(), sample_tables())
    book = tmp_path / "C-AUT.xlsx"
    book.write_bytes(customer_workbook_bytes(load_master(master_path), "C-AUT", GENERATED))

    wb = openpyxl.load_workbook(book)
    ws = wb[L.TRACKING]
    header = [c.value for c in ws[L.HEADER_ROW]]
    kind = header.index(TRACKING_KIND) + 1
    rows = list(ws.iter_rows(min_row=L.FIRST_ROW, values_only=True))
    # the sample's investment rows (the crane and the decoiler of AUT-02) are written as One-time
    assert {r[3] for r in rows if r[kind - 1] == ONE_TIME} == {-320000, -230000}
    dropdowns = [
        dv for dv in ws.data_validations.dataValidation if dv.formula1 == f'"{",".join(TRACKING_KINDS)}"'
    ]
    assert dropdowns and f"{openpyxl.utils.get_column_letter(kind)}{L.FIRST_ROW}" in str(dropdowns[0].sqref)

    first = L.FIRST_ROW  # AUT-01, 2026-03: marked One-time by the customer
    assert ws.cell(first, 1).value == "AUT-01" and ws.cell(first, kind).value is None
    ws.cell(first, kind, ONE_TIME)
    new = L.FIRST_ROW + len(rows)
    for c, value in enumerate(("AUT-01", dt.datetime(2026, 11, 1), None, -1234.0, "Tooling"), start=1):
        ws.cell(new, c, value)
    ws.cell(new, kind, "investment")  # a synonym of One-time
    wb.save(book)

    read = read_book(book).tracking
    assert read[TRACKING_KIND].tolist().count(ONE_TIME) == 4

    assert main(["import", "--apply-values", str(master_path), str(book)]) == 0
    tracking = load_master(master_path).tracking
    marked = tracking[tracking[TRACKING_KIND] == ONE_TIME]
    assert sorted(marked["Customer realised"].tolist()) == [-320000.0, -230000.0, -1234.0, -300.0]
    assert "Tooling" in marked["Note"].tolist()
