"""Bundles downstream (issue 15): a customer workbook generated with a bundle, verified, imported back,
reconciled, and edited by the customer (verify says what changed); older workbooks without the
Bundle and True-up columns still read.

The master is ``bundle_fixtures``: bundle B1 (BUN-1 +300,000 / -200,000 and BUN-2 -120,000 /
+250,000) is rank 1 with net 230,000, BUN-3 rank 2, BUN-4 cut by Max sign-off ideas = 2.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from book_fixtures import edit_book, header_columns, run_cli, wide_console_fixture  # noqa: F401
from bundle_fixtures import (  # noqa: F401  (fixtures)
    BUN,
    CUT,
    RESCUER,
    SHELVED,
    SINGLE,
    bundle_books_fixture,
    bundle_master,
)

from cvm_xl.actions.imports import APPLIED, HELD, VALUE_INPUT, apply_imports, plan_import
from cvm_xl.books.passbook import reconcile_books
from cvm_xl.books.read import canonical_value, key, read_book
from cvm_xl.books.verify import signed_fingerprint, verify_book
from cvm_xl.core import columns as col
from cvm_xl.core.fingerprint import canonical_sign_off, fingerprint
from cvm_xl.core.selection import select_for_sign_off
from cvm_xl.master.read import load_master

MEMBERS = (SHELVED, RESCUER)


def _copy(books: dict[str, Path], name: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / books[name].name
    shutil.copy2(books[name], target)
    return target


def test_the_bundle_is_signed_as_one_and_the_workbook_verifies(bundle_books, capsys):
    master = bundle_master()
    book = read_book(bundle_books[BUN])
    assert book.problems == ()
    ideas = book.customer_ideas(BUN).set_index(col.IDEA_ID, drop=False)
    # Read back as typed: the Bundle ID of each member, True-up blank (No).
    assert [ideas.at[i, col.BUNDLE] for i in (*MEMBERS, SINGLE)] == ["B1", "b1", None]
    assert not ideas[col.TRUE_UP].any()
    # The bundle counts as one of the two ideas allowed; its members share its rank.
    assert book.signed_ids[BUN] == (SHELVED, RESCUER, SINGLE)
    check = verify_book(book).checks[0]
    expected = fingerprint(select_for_sign_off(master.evaluated, master.settings).ideas, master.settings)
    assert check.stored == check.recomputed == expected and check.ok and check.changes == ()
    # The members' Bundle ID is in the fingerprint (trimmed, case ignored), BUN-3's line has none.
    text = canonical_sign_off(ideas.loc[list(book.signed_ids[BUN])], book.settings)
    assert text.count(',"b1"]') == 2
    code, out, _ = run_cli(capsys, "verify", str(bundle_books[BUN]))
    assert code == 0 and "matches" in out


def test_a_member_edited_in_the_workbook_is_named_and_moves_the_other_members_share(bundle_books, tmp_path):
    path = edit_book(_copy(bundle_books, BUN, tmp_path), {RESCUER: {col.CUSTOMER_ONE_TIME: 300_000.0}})
    book = read_book(path)
    check = verify_book(book).checks[0]
    assert not check.ok and check.recomputed != check.stored
    changed = {(c.idea_id, c.field): c for c in check.changes}
    edited = changed[(RESCUER, col.CUSTOMER_ONE_TIME)]
    assert (edited.old, edited.new, edited.signed) == (250_000.0, 300_000.0, False)
    assert changed[(RESCUER, col.CUSTOMER_VALUE)].signed
    # BUN-1 was not edited, but its share of the bundle's transfer moved: listed as a signed change.
    moved = changed[(SHELVED, col.TRANSFER)]
    assert moved.signed and canonical_value(col.TRANSFER, moved.old) != canonical_value(
        col.TRANSFER, moved.new
    )
    assert (SINGLE, col.TRANSFER) not in changed


def test_moving_an_idea_into_the_bundle_changes_the_fingerprint_and_verify_names_it(bundle_books, tmp_path):
    path = edit_book(_copy(bundle_books, BUN, tmp_path), {SINGLE: {col.BUNDLE: "B1"}})
    book = read_book(path)
    check = verify_book(book).checks[0]
    assert not check.ok
    change = next(c for c in check.changes if c.field == col.BUNDLE)
    assert (change.idea_id, change.old, change.new, change.signed) == (SINGLE, None, "B1", True)
    # Respelling a Bundle ID (case, spaces) changes nothing: members are grouped by it that way.
    respelled = edit_book(_copy(bundle_books, BUN, tmp_path / "copy"), {SHELVED: {col.BUNDLE: " B1 "}})
    assert verify_book(read_book(respelled)).ok


def test_bundle_and_true_up_edits_are_imported_like_other_inputs(bundle_books, tmp_path):
    master_path = _copy(bundle_books, "master", tmp_path)
    edited = {SINGLE: {col.BUNDLE: "B1"}, CUT: {col.TRUE_UP: "Yes"}}
    path = edit_book(_copy(bundle_books, BUN, tmp_path), edited)
    master = load_master(master_path)
    held = plan_import(master, read_book(path))
    items = {(i.idea_id, i.field): i for i in held.items if i.what == VALUE_INPUT}
    assert {k: i.result for k, i in items.items()} == {(SINGLE, col.BUNDLE): HELD, (CUT, col.TRUE_UP): HELD}
    book = read_book(master_path)
    plan = plan_import(
        master,
        read_book(path),
        apply_values=True,
        sign_offs=book.sign_offs,
        computed_columns=book.computed_columns,
    )
    items = {(i.idea_id, i.field): i for i in plan.items if i.what == VALUE_INPUT}
    assert items[(SINGLE, col.BUNDLE)].result == APPLIED and items[(CUT, col.TRUE_UP)].result == APPLIED
    # BUN-3 joins B1: the bundle's figures move for the members that did not change as well.
    refreshed = {row for row, _, _ in plan.computed}
    rows = {key(i): int(r) for r, i in zip(master.ideas.index, master.ideas[col.IDEA_ID], strict=True)}
    assert {rows[SINGLE], rows[SHELVED], rows[RESCUER]} <= refreshed
    apply_imports(master_path, [plan])
    after = load_master(master_path)
    ideas = after.ideas.set_index(col.IDEA_ID)
    assert ideas.at[SINGLE, col.BUNDLE] == "B1" and bool(ideas.at[CUT, col.TRUE_UP])
    # The master's computed cells hold what the core computes from its inputs now.
    assert not [p for p in read_book(master_path).problems if p.column in col.IDEA_COMPUTED]


def test_the_signed_bundle_is_imported_and_the_master_verifies(bundle_books, tmp_path, capsys):
    master_path = _copy(bundle_books, "master", tmp_path)
    path = edit_book(
        _copy(bundle_books, BUN, tmp_path),
        {CUT: {col.STATUS: "Selected"}},
        names={"SupplierSignatoryName": "Ilse Varga", "CustomerSignatoryName": "Owen Price"},
    )
    code, out, _ = run_cli(capsys, "import", str(master_path), str(path))
    assert code == 0, out
    assert load_master(master_path).ideas.set_index(col.IDEA_ID).at[CUT, col.STATUS] == "Selected"
    code, out, _ = run_cli(capsys, "verify", str(master_path))
    assert code == 0 and "matches" in out
    master = read_book(master_path)
    assert master.signed_ids[BUN] == (SHELVED, RESCUER, SINGLE)
    assert (
        signed_fingerprint(master.customer_ideas(BUN), master.signed_ids[BUN], master.settings)
        == (read_book(path).stored[BUN])
    )


def test_reconcile_of_the_master_and_the_workbook_with_a_bundle_agrees_line_by_line(bundle_books, tmp_path):
    master, book = read_book(bundle_books["master"]), read_book(bundle_books[BUN])
    result = reconcile_books(master, book)
    assert result.agree
    lines = result.lines_b
    members = lines[lines[col.IDEA_ID].isin(MEMBERS)]
    # One set of lines per member (not one per bundle): its own values and its share of the transfer.
    assert set(members[col.IDEA_ID]) == set(MEMBERS) and len(members) == 2 * 3
    transfers = members[members["Line"].str.contains("ransfer")]["Amount"]
    shared = book.customer_ideas(BUN).set_index(col.IDEA_ID).loc[list(MEMBERS), col.TRANSFER]
    assert sorted(transfers.abs().round(2)) == sorted(shared.abs().round(2))
    # A member edited on one side: its lines differ, each named by idea.
    edited = edit_book(_copy(bundle_books, BUN, tmp_path), {RESCUER: {col.SUPPLIER_ONE_TIME: -100_000.0}})
    differences = reconcile_books(master, read_book(edited)).differences
    assert RESCUER in {d.idea_id for d in differences}


def test_the_consolidated_sign_off_lists_each_idea_with_its_bundle(bundle_books):
    signoff = read_book(bundle_books["*"])
    ideas = signoff.ideas.set_index(col.IDEA_ID)
    assert [ideas.at[i, col.BUNDLE] for i in (SHELVED, RESCUER, SINGLE, CUT)] == ["B1", "b1", None, None]
    assert signoff.signed_ids[BUN] == (SHELVED, RESCUER, SINGLE)
    assert verify_book(signoff).ok
    wb = openpyxl.load_workbook(bundle_books["*"], read_only=True)
    header = [c for c in next(wb["Detail"].iter_rows(min_row=3, max_row=3, values_only=True))]
    assert col.BUNDLE in header


def test_an_older_workbook_without_the_bundle_and_true_up_columns_still_reads(bundle_books, tmp_path):
    path = _copy(bundle_books, BUN, tmp_path)
    wb = openpyxl.load_workbook(path)
    for name, header_row in (("Ideas", 3), ("Record", 1)):
        ws = wb[name]
        columns = header_columns(ws, header_row)
        for column in sorted((columns[col.TRUE_UP], columns[col.BUNDLE]), reverse=True):
            ws.delete_cols(column)
    wb.save(path)
    book = read_book(path)
    assert not [p for p in book.problems if p.is_error]
    for frame in (book.ideas, book.record.ideas):
        assert frame[col.BUNDLE].isna().all() and not frame[col.TRUE_UP].any()
