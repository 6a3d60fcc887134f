"""The Sign-off sheet of a customer workbook with a bundle (issue 15, SPEC §3.7, §7): one line per
bundle (its rank, ID, members' IDs, sums and method), its members listed under it, the totals
adding up the ideas, every figure live and recalculated by LibreOffice to cvm-xl's numbers."""

from __future__ import annotations

import math

import openpyxl
import pytest
from bundle_fixtures import BUN, CUT, RESCUER, SETTINGS, SHELVED, SINGLE, bundle_books_fixture  # noqa: F401
from libreoffice import assert_cell, libreoffice, zero_cached_results  # noqa: F401  (session fixture)

from cvm_xl.books import layout as L
from cvm_xl.books.read import read_book
from cvm_xl.core import columns as col
from cvm_xl.core.passbook import in_passbook
from cvm_xl.generate.sheets.sign_off import bundle_heading

# Every line of the sheet: (rank shown, Idea ID shown); the bundle's own line has no Idea ID.
LINES = [(1, None), (None, SHELVED), (None, RESCUER), (2, SINGLE)]
MONEY = (
    col.SUPPLIER_VALUE,
    col.CUSTOMER_VALUE,
    col.NET_VALUE,
    col.TRANSFER,
    col.SUPPLIER_FINAL,
    col.CUSTOMER_FINAL,
)
LAYOUT = L.SignOffLayout(SETTINGS.max_sign_off_ideas, len(LINES))


def _heads(ws) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {c.value: c.column for c in ws[L.SIGN_OFF_HEADER_ROW] if c.value}


def _expected(path) -> dict[tuple[int, str], object]:  # type: ignore[no-untyped-def]
    """(row, header) -> the figure cvm-xl computes from the workbook's inputs."""
    book = read_book(path)
    ideas = book.customer_ideas(BUN).set_index(col.IDEA_ID)
    members, listed = [SHELVED, RESCUER], [SHELVED, RESCUER, SINGLE]
    now = [i for i in listed if in_passbook(ideas.at[i, col.STATUS])]
    first = L.SIGN_OFF_FIRST_ROW
    out: dict[tuple[int, str], object] = {}
    for name in MONEY:
        out[(first, name)] = math.fsum(ideas.loc[members, name])
        for k, idea in enumerate(listed, start=1):
            out[(first + k, name)] = ideas.at[idea, name]
        out[(LAYOUT.total_row, name)] = math.fsum(ideas.loc[listed, name])
        out[(LAYOUT.live_total_row, name)] = math.fsum(ideas.loc[now, name])
    out[(first, "Method")] = ideas.at[SHELVED, col.SPLIT_METHOD]
    for k, idea in enumerate(listed, start=1):
        flag = L.IN_PASSBOOK_YES if idea in now else L.IN_PASSBOOK_NO
        out[(first + k, L.IN_PASSBOOK)] = flag
    return out


def test_one_line_per_bundle_with_its_members_listed_under_it(bundle_books):
    wb = openpyxl.load_workbook(bundle_books[BUN])
    ws = wb[L.SIGN_OFF]
    heads = _heads(ws)
    first = L.SIGN_OFF_FIRST_ROW
    for k, (rank, idea) in enumerate(LINES):
        r = first + k
        assert (ws.cell(r, 1).value, ws.cell(r, heads[col.IDEA_ID]).value) == (rank, idea), r
        assert not ws.row_dimensions[r].hidden
    assert ws.cell(first, heads[col.TITLE]).value == bundle_heading("B1", [SHELVED, RESCUER])
    # The bundle's figures are its members' lines added up; its method is theirs; no passbook flag.
    h = openpyxl.utils.get_column_letter(heads[col.SUPPLIER_VALUE])
    assert ws.cell(first, heads[col.SUPPLIER_VALUE]).value == f"=SUM({h}{first + 1}:{h}{first + 2})"
    assert ws.cell(first, heads["Method"]).value.startswith("=")
    assert ws.cell(first, heads[L.IN_PASSBOOK]).value is None
    # Members carry the live lookups of ideas; the cut idea is not on the sheet.
    assert ws.cell(first + 1, heads[col.TITLE]).value.startswith("=")
    listed = {ws.cell(r, heads[col.IDEA_ID]).value for r in range(first, LAYOUT.last_idea_row + 1)}
    assert CUT not in listed
    # More lines than Max sign-off ideas: the totals and signature blocks move down for every book.
    assert ws.cell(LAYOUT.total_row, 2).value == "Total"
    sign_off = L.sheet_ref(L.SIGN_OFF)
    name = wb.defined_names["CustomerSignatoryName"].attr_text
    assert name == f"{sign_off}!${L.SIGN_VALUE_COLS['customer']}${LAYOUT.sign_rows['Name']}"


def test_cached_figures_are_cvm_xls(bundle_books):
    ws = openpyxl.load_workbook(bundle_books[BUN], data_only=True)[L.SIGN_OFF]
    heads = _heads(ws)
    for (r, name), value in _expected(bundle_books[BUN]).items():
        assert_cell(ws.cell(r, heads[name]).value, value, f"Sign-off row {r} {name}")
    cover = openpyxl.load_workbook(bundle_books[BUN], data_only=True)[L.COVER]
    counts = {row[0].value: row[1].value for row in cover.iter_rows(min_col=5, max_col=6) if row[0].value}
    assert counts["Ideas for sign-off"] == 3  # the ideas, not the bundle's own line


@pytest.mark.engine
def test_libreoffice_recalculates_the_bundle_lines_and_totals_to_cvm_xls_figures(
    bundle_books,
    libreoffice,  # noqa: F811
    tmp_path,
):
    zeroed = tmp_path / "zeroed.xlsx"
    zero_cached_results(bundle_books[BUN], zeroed)
    [recalculated] = libreoffice.recalculate([zeroed], tmp_path / "out")
    wb = openpyxl.load_workbook(recalculated, data_only=True)
    ws = wb[L.SIGN_OFF]
    heads = _heads(ws)
    for (r, name), value in _expected(bundle_books[BUN]).items():
        assert_cell(ws.cell(r, heads[name]).value, value, f"LibreOffice Sign-off row {r} {name}")
    counts = {
        row[0].value: row[1].value for row in wb[L.COVER].iter_rows(min_col=5, max_col=6) if row[0].value
    }
    assert counts["Ideas for sign-off"] == 3
