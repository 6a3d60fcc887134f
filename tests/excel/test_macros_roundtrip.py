"""The macros that change the master or compare it with other workbooks, on workbook files:
synthesis of mother ideas, passbook reconciliation, import of returned customer workbooks."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from cvm_xl import cli, macros
from cvm_xl.books.passbook import reconcile_books
from cvm_xl.books.read import read_book
from cvm_xl.core import columns as col
from cvm_xl.core.passbook import passbook_lines
from cvm_xl.excel.book import OpenpyxlBook, plain
from cvm_xl.excel.sheets import KIND_WORDS, RECONCILIATION_HEADERS, TABLE_ROW
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables
from cvm_xl.workshop.synthesis import MOTHER_ID, report_frame, synthesize


@pytest.fixture
def master(sample_master: Path, tmp_path: Path) -> Path:
    target = tmp_path / "master.xlsx"
    shutil.copy(sample_master, target)
    return target


def table_rows(path: Path, sheet: str, first_row: int = TABLE_ROW) -> list[list[object]]:
    ws = load_workbook(path, read_only=True)[sheet]
    return [list(r) for r in ws.iter_rows(min_row=first_row, values_only=True)]


# --- synthesise mother ideas ---------------------------------------------------------------------------


def test_synthesize_writes_what_the_core_proposes_and_a_rerun_changes_nothing(master: Path) -> None:
    before = load_master(master)
    result = synthesize(before.workshop, before.ideas)
    workshop, ideas = result.apply(before.workshop, before.ideas)
    assert result.changed

    outcome = macros.synthesize_in(OpenpyxlBook(master))
    assert outcome.ok, outcome.message

    after = load_master(master)
    assert after.workshop[MOTHER_ID].tolist() == workshop[MOTHER_ID].tolist()
    shown = [col.IDEA_ID, col.CUSTOMER_ID, col.TITLE, col.DESCRIPTION, col.STATUS]
    assert after.ideas[shown].values.tolist() == ideas[shown].values.tolist()
    report = report_frame(result.report)
    written = table_rows(master, "Synthesis")
    assert written[0] == list(report.columns)
    assert len(written) == len(report) + 1
    for got, want in zip(written[1:], report.itertuples(index=False), strict=True):
        assert got == pytest.approx([plain(v) for v in want])  # openpyxl keeps 15 significant digits

    snapshot = master.read_bytes()
    again = macros.synthesize_in(OpenpyxlBook(master))
    assert again.ok
    assert "0 raw ideas assigned" in again.message and "(0 new" in again.message
    rerun = load_master(master)
    pd.testing.assert_frame_equal(rerun.ideas, after.ideas)
    pd.testing.assert_frame_equal(rerun.workshop, after.workshop)
    assert master.read_bytes() != snapshot  # the report was rewritten, the tables were not


def test_synthesize_changes_the_master_as_the_command_does(
    master: Path, sample_master: Path, tmp_path: Path
) -> None:
    by_command = tmp_path / "by_command.xlsx"
    shutil.copy(master, by_command)
    assert cli.main(["synthesize", str(by_command), "--threshold", "25%", "--singletons"]) == 0
    outcome = macros.synthesize_in(OpenpyxlBook(master), 0.25, singletons_as_ideas=True)
    assert outcome.ok, outcome.message
    ours, theirs = load_master(master), load_master(by_command)
    for name in ("customers", "workshop", "ideas", "tracking"):
        pd.testing.assert_frame_equal(getattr(ours, name), getattr(theirs, name))
    assert len(ours.ideas) > len(load_master(sample_master).ideas)


# --- reconcile passbooks ------------------------------------------------------------------------------


@pytest.fixture
def customer_book(master: Path, tmp_path: Path) -> Path:
    results = generate_customer_books(load_master(master), tmp_path / "customers", customer_ids=["C-AUT"])
    return results[0].path


def _edit(
    path: Path, sheet: str, edits: dict[tuple[str, str], object], add: Sequence[Sequence[object]] = ()
) -> None:
    """Set cells of a generated workbook's table by (Idea ID, column); append rows under it."""
    wb = load_workbook(path)
    ws = wb[sheet]
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value == col.IDEA_ID)
    headers = [c.value for c in ws[header_row]]
    for row in range(header_row + 1, ws.max_row + 1):
        for (idea, column), value in edits.items():
            if ws.cell(row, 1).value == idea:
                ws.cell(row, headers.index(column) + 1).value = value
    last = max(r for r in range(header_row, ws.max_row + 1) if ws.cell(r, 1).value)
    for offset, values in enumerate(add, start=1):
        for index, value in enumerate(values, start=1):
            ws.cell(last + offset, index).value = value
    wb.save(path)


def test_a_customer_workbook_as_generated_agrees_with_the_master(master: Path, customer_book: Path) -> None:
    book = OpenpyxlBook(master)
    outcome = macros.reconcile_passbooks_in(book, customer_book)
    assert outcome.ok, outcome.message
    assert "agree for C-AUT" in outcome.message
    assert book.messages == [(macros.RECONCILE, outcome.message)]
    assert table_rows(master, "Reconciliation") == [list(RECONCILIATION_HEADERS)]
    assert "the passbooks agree" in str(load_workbook(master)["Reconciliation"]["A2"].value)


def test_every_differing_line_is_listed_as_the_command_finds_it(master: Path, customer_book: Path) -> None:
    signed = passbook_lines(load_master(master).evaluated)
    signed = signed[signed[col.CUSTOMER_ID] == "C-AUT"]
    first, dropped = signed[col.IDEA_ID].iloc[0], signed[col.IDEA_ID].iloc[-1]
    _edit(customer_book, "Ideas", {(first, col.SUPPLIER_ANNUAL): 1_000_000, (dropped, col.STATUS): "Dropped"})

    outcome = macros.reconcile_passbooks_in(OpenpyxlBook(master), customer_book)

    assert not outcome.ok
    expected = reconcile_books(read_book(master), read_book(customer_book)).differences
    assert {d.idea_id for d in expected} == {first, dropped}
    rows = table_rows(master, "Reconciliation")[1:]
    assert [[r[0], r[2]] for r in rows] == [[d.idea_id, d.line] for d in expected]
    for r, d in zip(rows, expected, strict=True):
        assert r[3] == KIND_WORDS[d.kind]
        for got, want in zip(r[4:7], (d.amount_a, d.amount_b, d.delta), strict=True):
            assert (got is None and want is None) or math.isclose(got, want)
    assert f"{len(expected)} passbook lines differ" in outcome.message


def test_a_workbook_of_no_shared_customer_is_refused(master: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.xlsx"
    write_master(other, sample_settings(), _without(sample_tables(), "C-AUT"))
    only_aut = tmp_path / "aut.xlsx"
    tables = sample_tables()
    for customer in set(tables["Customers"][col.CUSTOMER_ID]) - {"C-AUT"}:
        tables = _without(tables, customer)  # every table, Actions, Waves, Reviews… too (issue 14)
    write_master(only_aut, sample_settings(), tables)
    outcome = macros.reconcile_passbooks_in(OpenpyxlBook(only_aut), other)
    assert not outcome.ok
    (problem,) = outcome.problems
    assert problem.file == str(other) and "share no customer" in problem.message


def test_a_file_that_is_no_workbook_is_a_problem(master: Path, tmp_path: Path) -> None:
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook")
    outcome = macros.reconcile_passbooks_in(OpenpyxlBook(master), text)
    assert not outcome.ok
    (problem,) = outcome.problems
    assert problem.file == str(text)
    assert problem.message.startswith("The file is named .xlsx but its content is text")
    assert table_rows(master, "Problems")[1][4] == outcome.problems[0].message


# --- import returned workbooks ------------------------------------------------------------------------


def _without(tables: dict[str, pd.DataFrame], customer: str) -> dict[str, pd.DataFrame]:
    """The tables without ``customer``'s rows, and without any tracking. A table with no Customer ID
    (Actions, issue 14) belongs to the customer of its idea: the rows of the customer's ideas go."""
    ideas = tables["Ideas"]
    gone = set(ideas.loc[ideas[col.CUSTOMER_ID] == customer, col.IDEA_ID])
    kept = {
        n: t[t[col.CUSTOMER_ID] != customer] if col.CUSTOMER_ID in t else t[~t[col.IDEA_ID].isin(gone)]
        for n, t in tables.items()
        if n != "Tracking"
    }
    return {**kept, "Tracking": tables["Tracking"].iloc[0:0]}


def test_import_does_what_the_command_does_and_lists_conflicts(
    master: Path, customer_book: Path, tmp_path: Path
) -> None:
    before = load_master(master)
    aut = before.ideas[before.ideas[col.CUSTOMER_ID] == "C-AUT"]
    changed, clash, valued = (str(i) for i in aut[col.IDEA_ID].iloc[:3])
    row, clash_row, valued_row = (int(r) for r in aut.index[:3])
    month = dt.date(2030, 1, 1)
    _edit(
        customer_book,
        "Ideas",
        {
            (changed, col.OWNER): "Jo Customer",
            (changed, col.END): dt.date(2031, 12, 31),
            (clash, col.OWNER): "Their owner",
            (clash, col.STATUS): "Dropped",
            (valued, col.SUPPLIER_ANNUAL): 1.0,
        },
    )
    _edit(customer_book, "Tracking", {}, add=[[changed, month, 1500, 2500, "from the customer"]])
    wb = load_workbook(master)  # the master changed the same field since generation
    headers = [c.value for c in wb["Ideas"][1]]
    wb["Ideas"].cell(clash_row, headers.index(col.OWNER) + 1).value = "Our owner"
    wb.save(master)
    by_command = tmp_path / "by_command.xlsx"
    shutil.copy(master, by_command)
    assert cli.main(["import", str(by_command), str(customer_book)]) == 1  # 1: conflicts

    book = OpenpyxlBook(master)
    outcome = macros.import_returned_in(book, [customer_book])

    assert not outcome.ok
    after, theirs = load_master(master), load_master(by_command)
    for name in ("customers", "workshop", "ideas", "tracking"):
        pd.testing.assert_frame_equal(getattr(after, name), getattr(theirs, name))
    assert after.ideas.at[row, col.OWNER] == "Jo Customer"
    assert after.ideas.at[row, col.END] == dt.date(2031, 12, 31)
    assert after.ideas.at[clash_row, col.OWNER] == "Our owner"  # the conflict changed nothing of it
    assert after.ideas.at[clash_row, col.STATUS] == before.ideas.at[clash_row, col.STATUS]
    assert after.ideas.at[valued_row, col.SUPPLIER_ANNUAL] == before.ideas.at[valued_row, col.SUPPLIER_ANNUAL]
    new = after.tracking[(after.tracking[col.IDEA_ID] == changed) & (after.tracking["Month"] == month)]
    assert new[["Supplier realised", "Customer realised", "Note"]].values.tolist() == [
        [1500.0, 2500.0, "from the customer"]
    ]
    conflicts = [p for p in outcome.problems if p.is_error]
    assert [(p.file, p.column, p.value) for p in conflicts] == [
        (str(customer_book), col.OWNER, "Their owner")
    ]
    assert "Our owner" in conflicts[0].message
    held = [p for p in outcome.problems if not p.is_error and p.column == col.SUPPLIER_ANNUAL]
    assert [p.value for p in held] == [1.0]
    # the Import log and the Passbook sheet hold what the command writes (times aside)
    for sheet in ("Import log", "Passbook"):
        ours, cli_rows = table_rows(master, sheet, 1), table_rows(by_command, sheet, 1)
        skip = 0 if sheet == "Import log" else 2  # the Passbook's title lines carry the time
        assert [r[1:] for r in ours[skip:]] == [r[1:] for r in cli_rows[skip:]], sheet
    assert book.messages == [(macros.IMPORT, outcome.message)]

    again = macros.import_returned_in(OpenpyxlBook(master), [customer_book])
    reloaded = load_master(master)
    pd.testing.assert_frame_equal(reloaded.ideas, after.ideas)
    pd.testing.assert_frame_equal(reloaded.tracking, after.tracking)
    assert len([p for p in again.problems if p.is_error]) == 1  # the same conflict, still unresolved


def test_import_refuses_what_is_no_returned_workbook_of_this_master(
    master: Path, customer_book: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.xlsx"
    write_master(other, sample_settings(), _without(sample_tables(), "C-AUT"))
    snapshot = load_master(other)

    outcome = macros.import_returned_in(OpenpyxlBook(other), [customer_book])

    assert not outcome.ok
    (refused,) = outcome.problems
    assert refused.file == str(customer_book)
    after = load_master(other)
    pd.testing.assert_frame_equal(after.ideas, snapshot.ideas)
    assert "Import log" not in load_workbook(other, read_only=True).sheetnames
    assert table_rows(other, "Problems")[1][4] == refused.message
