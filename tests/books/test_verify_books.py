"""`cvm-xl verify`: fingerprints recomputed from a workbook's inputs, changes listed against the Record
sheet, for customer workbooks, the consolidated sign-off and a master after an import.

The helpers at the top (a master file, its customer workbooks and the consolidated sign-off, and an
editor for returned workbooks) are shared with the reconcile, import and round-trip tests.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import zipfile

import openpyxl
import pytest
from book_fixtures import (  # noqa: F401  (fixtures)
    KAPPA,
    MUE,
    ZED,
    copy,
    edit_book,
    generated_fixture,
    header_columns,
    idea_rows,
    row_with,
    run_cli,
    signed_ideas,
    wide_console_fixture,
)
from generate_fixtures import build_master
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl.styles import Font, PatternFill

from cvm_xl.books import layout as L
from cvm_xl.books.read import key, read_book
from cvm_xl.books.verify import SETTINGS, signed_fingerprint, verify_book
from cvm_xl.core import columns as col
from cvm_xl.core.fingerprint import fingerprint
from cvm_xl.core.selection import select_for_sign_off
from cvm_xl.core.values import is_blank

# --- shared helpers -------------------------------------------------------------------------------


# --- verify ---------------------------------------------------------------------------------------


def test_generated_books_verify_and_the_fingerprint_is_the_generators(generated, capsys):
    master = build_master()
    for cid in (KAPPA, ZED, MUE):
        book = read_book(generated[cid])
        assert book.customer_id == cid and book.problems == ()
        check = verify_book(book).checks[0]
        ideas = master.evaluated[master.evaluated[col.CUSTOMER_ID] == cid]
        ideas = ideas[~ideas[col.OUT_OF_BOUNDS]]
        expected = fingerprint(select_for_sign_off(ideas, master.settings).ideas, master.settings)
        assert check.stored == check.recomputed == expected and check.ok
        assert check.changes == ()
        code, out, _ = run_cli(capsys, "verify", str(generated[cid]))
        assert code == 0 and "Every fingerprint matches" in out and expected in out


def test_consolidated_sign_off_verifies_every_customer(generated, capsys):
    code, out, _ = run_cli(capsys, "verify", str(generated["*"]))
    assert code == 0
    for cid in (KAPPA, ZED, MUE):
        assert "matches" in row_with(out, cid)


def test_a_changed_signed_field_is_listed_with_old_and_new_value(generated, tmp_path, capsys):
    path = copy(generated, KAPPA, tmp_path)
    idea = signed_ideas(path)[0]
    edit_book(path, {idea: {col.OWNER: "Zoe Quint", col.END: dt.date(2027, 1, 29)}})
    code, out, _ = run_cli(capsys, "verify", str(path))
    assert code == 1 and "CHANGED" in out
    owner = row_with(out, idea, "Owner", "Zoe Quint")
    assert "Hana Ito" in owner and "yes" in owner
    assert "2026-09-30" in row_with(out, idea, "End", "2027-01-29")
    check = verify_book(read_book(path)).checks[0]
    assert [(c.idea_id, c.field, c.signed) for c in check.changes] == [
        (idea, col.OWNER, True),
        (idea, col.END, True),
    ]


def test_a_changed_value_input_changes_the_signed_figures(generated, tmp_path, capsys):
    path = copy(generated, KAPPA, tmp_path)
    edit_book(path, {"KAP-101": {col.SUPPLIER_ANNUAL: 65000}})
    assert "KAP-101" in signed_ideas(path)
    check = verify_book(read_book(path)).checks[0]
    fields = {c.field: c for c in check.changes}
    assert fields[col.SUPPLIER_ANNUAL].old == 50000 and fields[col.SUPPLIER_ANNUAL].new == 65000
    assert not fields[col.SUPPLIER_ANNUAL].signed  # an input; the figures it moves are signed
    assert fields[col.SUPPLIER_VALUE].signed and fields[col.TRANSFER].signed
    assert fields[col.SUPPLIER_VALUE].new > fields[col.SUPPLIER_VALUE].old
    assert run_cli(capsys, "verify", str(path))[0] == 1


def test_changes_outside_the_sign_off_keep_the_fingerprint_and_are_listed(generated, tmp_path, capsys):
    path = copy(generated, KAPPA, tmp_path)
    edit_book(
        path,
        {"KAP-101": {col.STATUS: "Delivered", col.DESCRIPTION: "Both firms win, confirmed."}},
        tracking=[["KAP-101", dt.date(2026, 5, 1), 3200, 2600, "Second month"]],
    )
    code, out, _ = run_cli(capsys, "verify", str(path))
    assert code == 0 and "Every fingerprint matches" in out
    assert "Delivered" in row_with(out, "KAP-101", "Status", "Signed off")
    assert "2026-05-01" in row_with(out, "KAP-101", "Tracking row")
    assert "3 changes outside the sign-off" in out


def test_an_idea_dropped_from_the_workbook_changes_the_fingerprint(generated, tmp_path):
    path = copy(generated, ZED, tmp_path)
    idea = signed_ideas(path)[0]
    wb = openpyxl.load_workbook(path)
    ws = wb["Ideas"]
    ws.delete_rows(idea_rows(ws)[idea])
    wb.save(path)
    check = verify_book(read_book(path)).checks[0]
    assert not check.ok
    assert (idea, "(idea)", "removed", True) in [(c.idea_id, c.field, c.new, c.signed) for c in check.changes]


def test_a_tampered_fingerprint_on_the_sign_off_sheet_is_a_change(generated, tmp_path, capsys):
    path = edit_book(copy(generated, MUE, tmp_path), names={"SignOffFingerprint": "0000-0000-0000-0000"})
    code, out, _ = run_cli(capsys, "verify", str(path))
    assert code == 1
    assert "0000-0000-0000-0000" in row_with(out, "(fingerprint shown)")


def test_changed_settings_are_reported(generated, tmp_path):
    path = copy(generated, KAPPA, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Settings"]
    row = next(r for r in range(1, 20) if ws.cell(r, 1).value == "Horizon years")
    ws.cell(row, 2).value = 4
    wb.save(path)
    check = verify_book(read_book(path)).checks[0]
    assert not check.ok and check.changes[0].field == SETTINGS


def test_an_edited_consolidated_sign_off_names_the_customer(generated, tmp_path, capsys):
    path = copy(generated, "*", tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Detail"]
    columns = header_columns(ws)
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, columns[col.IDEA_ID]).value == "ZED-201")
    ws.cell(row, columns[col.CUSTOMER_ANNUAL]).value = -20000
    wb.save(path)
    code, out, _ = run_cli(capsys, "verify", str(path))
    assert code == 1
    assert "CHANGED" in row_with(out, ZED) and "matches" in row_with(out, KAPPA)
    assert "ZED-201" in row_with(out, "ZED-201", "Customer value")


def test_a_stale_cached_result_is_a_warning_and_the_recomputed_figure_is_used(generated, tmp_path, capsys):
    path = copy(generated, KAPPA, tmp_path)
    cell = f"{L.IDEA_LETTER[col.SUPPLIER_VALUE]}4"  # the Ideas sheet's Supplier value of row 4
    with zipfile.ZipFile(generated[KAPPA]) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":  # the Ideas sheet
                pattern = rb'(<c r="' + cell.encode() + rb'"[^>]*><f>[^<]*</f><v>)[^<]*(</v>)'
                data = re.sub(pattern, rb"\g<1>12345\g<2>", data)
            zout.writestr(item, data)
    book = read_book(path)
    stale = [p for p in book.problems if p.column == col.SUPPLIER_VALUE]
    assert len(stale) == 1 and stale[0].row == 4 and stale[0].value == 12345
    assert "out of date" in stale[0].message
    code, out, _ = run_cli(capsys, "verify", str(path))
    assert code == 0 and f"Ideas!{cell}" in out


def test_unreadable_and_foreign_files_exit_2(tmp_path, capsys):
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook")
    foreign = tmp_path / "budget.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Budget", 2026])
    wb.save(foreign)
    for path in (text, foreign, tmp_path / "missing.xlsx"):
        code, _, err = run_cli(capsys, "verify", str(path))
        assert code == 2 and str(path) in err
    assert "not a cvm-xl workbook" in run_cli(capsys, "verify", str(foreign))[2]


def test_a_master_without_imported_sign_offs_has_nothing_to_verify(generated, capsys):
    code, out, _ = run_cli(capsys, "verify", str(generated["master"]))
    assert code == 0 and "holds no fingerprint" in out


def test_formatting_and_column_widths_keep_the_fingerprint(generated, tmp_path):
    path = copy(generated, KAPPA, tmp_path)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for letter in "ABCDEFGHIJKLMNOPQRST":
            ws.column_dimensions[letter].width = 31
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 40)):
            for cell in row:
                cell.font = Font(name="Arial", size=13, italic=True)
                cell.fill = PatternFill("solid", start_color="FFEEAA", end_color="FFEEAA")
    ideas = wb["Ideas"]
    for r in idea_rows(ideas).values():
        ideas.cell(r, header_columns(ideas)[col.SUPPLIER_ANNUAL]).number_format = "0.00"
    wb.save(path)
    check = verify_book(read_book(path)).checks[0]
    assert check.ok and check.changes == ()


# --- the fingerprint as a property ----------------------------------------------------------------

# A single change of any signed field (or of a value input behind a signed figure) of a signed idea.
_CHANGES = {
    col.TITLE: st.text(
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=30
    ),
    col.OWNER: st.text(
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=20
    ),
    col.OWNER_FIRM: st.sampled_from(col.OWNER_FIRMS),
    col.START: st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)),
    col.END: st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)),
    col.SUPPLIER_ANNUAL: st.integers(-(10**7), 10**7).map(float),
    col.CUSTOMER_ANNUAL: st.integers(-(10**7), 10**7).map(float),
    col.SUPPLIER_ONE_TIME: st.integers(-(10**7), 10**7).map(float),
    col.CUSTOMER_ONE_TIME: st.integers(-(10**7), 10**7).map(float),
}


@pytest.fixture(scope="module")
def kappa(generated):
    return read_book(generated[KAPPA])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_single_field_change_to_a_signed_idea_changes_the_fingerprint(kappa, data):
    ideas = kappa.ideas.copy()
    signed = list(kappa.signed_ids[KAPPA])
    idea = data.draw(st.sampled_from(signed))
    name = data.draw(st.sampled_from(sorted(_CHANGES)))
    row = ideas.index[ideas[col.IDEA_ID] == idea][0]
    old = ideas.at[row, name]
    new = data.draw(_CHANGES[name].filter(lambda v: key(v) != key(old) and key(v)))
    if name in col.VALUE_INPUTS:
        # A blank amount beside others counts as 0, so the new amount must really move the value.
        assume(new != (0.0 if is_blank(old) else old))
    ideas[name] = ideas[name].astype(object)
    ideas.at[row, name] = new
    changed = dataclasses.replace(kappa, ideas=ideas)
    assert signed_fingerprint(changed.customer_ideas(KAPPA), signed, kappa.settings) != kappa.stored[KAPPA]
    assert signed_fingerprint(kappa.customer_ideas(KAPPA), signed, kappa.settings) == kappa.stored[KAPPA]


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    width=st.floats(2, 80),
    size=st.integers(6, 20),
    bold=st.booleans(),
    colour=st.sampled_from(["FF0000", "00AA00", "FFFFFF", "123456"]),
    money_format=st.sampled_from(["0", "#,##0.00", "0.0%", "General", '"EUR "#,##0']),
)
def test_reformatting_never_changes_the_fingerprint(
    generated, tmp_path_factory, width, size, bold, colour, money_format
):
    path = copy(generated, ZED, tmp_path_factory.mktemp("formatted"))
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        ws.column_dimensions["B"].width = width
        ws.column_dimensions["F"].width = width / 2
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 12)):
            for cell in row:
                cell.font = Font(size=size, bold=bold, color=colour)
    ideas = wb["Ideas"]
    columns = header_columns(ideas)
    for r in idea_rows(ideas).values():
        for name in (*col.VALUE_INPUTS, col.SUPPLIER_SHARE):
            ideas.cell(r, columns[name]).number_format = money_format
    wb.save(path)
    assert verify_book(read_book(path)).ok


def test_a_cell_that_cannot_be_read_is_named_and_nothing_is_verified(generated, tmp_path, capsys):
    path = edit_book(copy(generated, KAPPA, tmp_path), {"KAP-101": {col.START: "after the summer"}})
    code, out, _ = run_cli(capsys, "verify", str(path))
    assert code == 1
    line = row_with(out, "Ideas!Q4")
    assert "after the summer" in line and "not a date" in line
    assert "cannot be recomputed" in out
