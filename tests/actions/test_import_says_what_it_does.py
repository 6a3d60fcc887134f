"""Issue 13, "Import says what it does": an older copy of a customer's workbook, imported after a
newer one, ends in conflicts (exit 1), never silently; a tracking row the master has no idea for is
counted with its cell; a formula saved without its result is an error naming the cell, never a blank;
an import that changes nothing writes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from book_fixtures import (  # noqa: F401  (fixtures)
    GENERATED,
    KAPPA,
    copy,
    edit_book,
    generated_fixture,
    header_columns,
    idea,
    idea_rows,
    run_cli,
    tracking,
    wide_console_fixture,
)
from python_calamine import CalamineWorkbook

from cvm_xl.actions.imports import (
    HELD,
    STALE,
    SUMMARY,
    UNMATCHED,
    generation_stamp,
    imported_generations,
    plan_imports,
)
from cvm_xl.books.read import IMPORT_LOG_COLUMNS, WORKBOOK_GENERATED, read_book
from cvm_xl.core import columns as col
from cvm_xl.core.problems import Code, WorkbookError
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.master.read import load_master
from cvm_xl.master.update import CellChange, update_master

MAY = dt.date(2026, 5, 1)


@pytest.fixture
def master(generated, tmp_path) -> Path:
    return copy(generated, "master", tmp_path)


def older(generated, tmp_path: Path) -> Path:
    """The customer workbook of KAPPA as the session generated it (stamp GENERATED)."""
    return copy(generated, KAPPA, tmp_path, "older.xlsx")


def newer(master: Path, tmp_path: Path, days: int = 7) -> Path:
    """A workbook of KAPPA generated ``days`` after GENERATED from the master as it is now."""
    m = dataclasses.replace(load_master(master), relationship={})
    (result,) = generate_customer_books(
        m, tmp_path / f"newer-{days}", customer_ids=[KAPPA], workers=1,
        generated=GENERATED + dt.timedelta(days=days),
    )  # fmt: skip
    assert result.ok, result.message
    return result.path


def log_rows(path: Path) -> list[dict[str, object]]:
    with CalamineWorkbook.from_path(str(path)) as wb:
        rows = wb.get_sheet_by_name("Import log").to_python()
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]


def backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.stem}.backup-*{path.suffix}"))


def tracking_cell(path: Path, idea_id: str) -> str:
    """'Tracking!A12': the Idea ID cell of the last row of ``idea_id`` on a workbook's Tracking sheet."""
    ws = openpyxl.load_workbook(path)["Tracking"]
    column = header_columns(ws)[col.IDEA_ID]
    row = max(r for r in range(1, ws.max_row + 1) if ws.cell(r, column).value == idea_id)
    return f"Tracking!{openpyxl.utils.get_column_letter(column)}{row}"


# --- an older copy after a newer one ---------------------------------------------------------------


def test_an_older_workbook_after_a_newer_one_for_the_same_month_is_a_conflict(
    generated, master, tmp_path, capsys
):
    new = edit_book(newer(master, tmp_path), tracking=[["KAP-101", MAY, 3200, 2700, "May"]])
    old = edit_book(older(generated, tmp_path), tracking=[["KAP-101", MAY, 3000, 2500, "May, first try"]])
    assert run_cli(capsys, "import", str(master), str(new))[0] == 0
    (summary,) = [r for r in log_rows(master) if r["What"] == SUMMARY]
    assert summary[WORKBOOK_GENERATED] == read_book(new).generated  # the stamp, kept as text

    written = master.read_bytes()
    code, out, _ = run_cli(capsys, "import", str(master), str(old))
    assert code == 1, out
    assert "1 conflict" in out and "older copy" in out
    line = next(x for x in out.splitlines() if "KAP-101" in x and "tracking row" in x)
    assert "supplier 3200.00" in line and "supplier 3000.00" in line and "conflict" in line
    may = [r for r in tracking(master, "KAP-101") if r[0] == MAY]
    assert may == [(MAY, 3200.0, 2700.0, "May")]  # the newer workbook's row, alone
    assert master.read_bytes() == written and len(backups(master)) == 1  # only conflicts: no write


def test_an_older_workbook_cannot_change_a_field_the_newer_one_left_alone(
    generated, master, tmp_path, capsys
):
    new = edit_book(newer(master, tmp_path), {"KAP-101": {col.OWNER: "Zoe Quint"}})
    old = edit_book(
        older(generated, tmp_path),
        {"KAP-102": {col.START: dt.date(2026, 4, 1)}, "KAP-105": {col.STATUS: "Delivered"}},
        names={"CustomerSignatoryName": "Greta Holm"},
    )
    before = idea(master, "KAP-102")[col.START]
    assert run_cli(capsys, "import", str(master), str(new))[0] == 0
    content = read_book(master)
    plans = plan_imports(
        content.master, [read_book(old)], sign_offs=content.sign_offs, import_log=content.import_log
    )
    results = {(i.idea_id, i.field): i for i in plans[0].items if i.idea_id}
    assert results[("KAP-102", col.START)].result == STALE
    assert results[("KAP-105", col.STATUS)].result == STALE
    assert "before the workbook of KAPPA-7 imported last" in results[("KAP-102", col.START)].detail
    assert plans[0].stale and "an older copy" in plans[0].summary()

    code, out, _ = run_cli(capsys, "import", str(master), str(old))
    assert code == 1 and "2 conflicts" in out
    assert idea(master, "KAP-102")[col.START] == before
    assert idea(master, "KAP-105")[col.STATUS] != "Delivered"
    assert idea(master, "KAP-101")[col.OWNER] == "Zoe Quint"


def test_an_older_workbook_given_after_a_newer_one_in_the_same_run_is_a_conflict(
    generated, master, tmp_path, capsys
):
    new = edit_book(newer(master, tmp_path), tracking=[["KAP-101", MAY, 3200, 2700]])
    old = edit_book(older(generated, tmp_path), tracking=[["KAP-101", MAY, 3000, 2500]])
    code, out, _ = run_cli(capsys, "import", str(master), str(new), str(old))
    assert code == 1 and "older copy" in out
    assert [r[1] for r in tracking(master, "KAP-101") if r[0] == MAY] == [3200.0]


def test_a_newer_workbook_after_an_older_one_is_imported(generated, master, tmp_path, capsys):
    old = edit_book(older(generated, tmp_path), {"KAP-102": {col.START: dt.date(2026, 4, 1)}})
    assert run_cli(capsys, "import", str(master), str(old))[0] == 0
    new = edit_book(newer(master, tmp_path), tracking=[["KAP-101", MAY, 3200, 2700]])
    code, out, _ = run_cli(capsys, "import", str(master), str(new))
    assert code == 0, out
    assert idea(master, "KAP-102")[col.START] == dt.date(2026, 4, 1)
    assert [r[1] for r in tracking(master, "KAP-101") if r[0] == MAY] == [3200.0]
    stamps = imported_generations(read_book(master).import_log)
    assert stamps == {KAPPA: generation_stamp(read_book(new).generated)}


def test_the_same_workbook_again_after_the_master_corrected_its_row_is_no_conflict(
    generated, master, tmp_path, capsys
):
    new = edit_book(newer(master, tmp_path), tracking=[["KAP-101", MAY, 3200, 2700]])
    assert run_cli(capsys, "import", str(master), str(new))[0] == 0
    t = load_master(master).tracking
    row = int(t.index[(t[col.IDEA_ID] == "KAP-101") & (t["Month"] == MAY)][0])
    update_master(master, [CellChange("Tracking", row, "Supplier realised", 3300)], backup=False)
    written = master.read_bytes()
    code, out, _ = run_cli(capsys, "import", str(master), str(new))
    assert code == 0 and "0 changes applied; 0 conflicts" in out and "nothing was written" in out
    assert master.read_bytes() == written


def test_import_log_without_generation_stamps_tells_no_workbook_older():
    # A log written before the "Workbook generated" column existed: no stamp, so nothing is stale.
    def summary(stamp: str | None) -> list[object]:
        return [dt.datetime(2026, 11, 3), "k.xlsx", KAPPA, None, SUMMARY, None, None, None, "", stamp]

    log = pd.DataFrame([summary(None)], columns=list(IMPORT_LOG_COLUMNS))
    assert imported_generations(log) == {}
    stamps = [summary("2026-11-09T08:30:00"), summary("2026-11-02T08:30:00")]
    log = pd.DataFrame(stamps, columns=list(IMPORT_LOG_COLUMNS))
    assert imported_generations(log) == {KAPPA: dt.datetime(2026, 11, 9, 8, 30)}
    # A spreadsheet that turned the text into a date may read it back a hair below the second.
    assert generation_stamp(dt.datetime(2026, 11, 9, 8, 29, 59, 999_800)) == dt.datetime(2026, 11, 9, 8, 30)
    assert generation_stamp("not a date") is None and generation_stamp(None) is None


# --- rows with nowhere to go -----------------------------------------------------------------------


def test_a_tracking_row_for_an_idea_the_master_lacks_is_counted_with_its_cell(
    generated, master, tmp_path, capsys
):
    path = edit_book(
        older(generated, tmp_path),
        {"KAP-101": {col.STATUS: "Implementing"}},
        tracking=[["KAP-999", MAY, 1000, 900, "no such idea"]],
    )
    cell = tracking_cell(path, "KAP-999")
    plan = plan_imports(load_master(master), [read_book(path)])[0]
    (row,) = plan.unmatched
    assert (row.idea_id, row.result, row.where) == ("KAP-999", UNMATCHED, cell)
    assert f"1 row not imported ({cell})" in plan.summary()

    code, out, _ = run_cli(capsys, "import", str(master), str(path))
    assert code == 1, out  # something in the workbook did not go in
    assert f"1 row not imported ({cell})" in out and "0 conflicts" in out
    assert "Correct the Idea ID" in out
    assert idea(master, "KAP-101")[col.STATUS] == "Implementing"  # the rest is imported
    assert "KAP-999" not in set(load_master(master).tracking[col.IDEA_ID])
    logged = next(r for r in log_rows(master) if r["Idea ID"] == "KAP-999")
    assert cell in logged["Result"] and logged["Result"].startswith(UNMATCHED)


def test_a_tracking_row_of_an_idea_added_in_the_workbook_waits_for_its_idea(
    generated, master, tmp_path, capsys
):
    path = older(generated, tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Ideas"].append(["KAP-190", None, "Joint packaging study", None, "Joint study", 10000, None, 12000])
    wb.save(path)
    edit_book(path, tracking=[["KAP-190", MAY, 800, 700]])
    plan = plan_imports(load_master(master), [read_book(path)])[0]
    row = next(i for i in plan.items if i.idea_id == "KAP-190" and i.what == "tracking row")
    assert row.result == HELD and not plan.unmatched
    assert run_cli(capsys, "import", str(master), str(path))[0] == 0
    assert tracking(master, "KAP-190") == []
    assert run_cli(capsys, "import", str(master), str(path), "--apply-values")[0] == 0
    assert tracking(master, "KAP-190") == [(MAY, 800.0, 700.0, None)]


# --- a formula saved without its result ------------------------------------------------------------


def test_an_owner_formula_without_a_saved_result_is_an_error_naming_the_cell(
    generated, master, tmp_path, capsys
):
    path = edit_book(older(generated, tmp_path), {"KAP-101": {col.OWNER: '="Zoe "&"Quint"'}})
    ws = openpyxl.load_workbook(path)["Ideas"]
    ref = f"{openpyxl.utils.get_column_letter(header_columns(ws)[col.OWNER])}{idea_rows(ws)['KAP-101']}"
    with pytest.raises(WorkbookError) as error:
        read_book(path)
    (problem,) = [p for p in error.value.errors if p.code == Code.CELL_FORMULA_NO_RESULT]
    assert (problem.sheet, problem.ref, problem.column) == ("Ideas", ref, col.OWNER)
    assert problem.value == '="Zoe "&"Quint"' and "save it" in problem.fix

    original = master.read_bytes()
    code, out, _ = run_cli(capsys, "import", str(master), str(path))
    assert code == 1 and f"Ideas!{ref}" in out and "no saved result" in out
    assert "Nothing was imported" in out
    assert master.read_bytes() == original and backups(master) == []


def test_a_tracking_formula_without_a_saved_result_is_an_error_too(generated, tmp_path):
    path = edit_book(older(generated, tmp_path), tracking=[["KAP-101", MAY, "=3000+200", 2700]])
    with pytest.raises(WorkbookError) as error:
        read_book(path)
    (problem,) = [p for p in error.value.errors if p.code == Code.CELL_FORMULA_NO_RESULT]
    ws = openpyxl.load_workbook(path)["Tracking"]
    letter = openpyxl.utils.get_column_letter(header_columns(ws)["Supplier realised"])
    row = int(tracking_cell(path, "KAP-101").rpartition("!")[2].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    assert (problem.sheet, problem.column, problem.ref) == ("Tracking", "Supplier realised", f"{letter}{row}")


def test_computed_formulas_without_results_are_no_problem(generated, tmp_path):
    # openpyxl saves every formula of the workbook without its result: only inputs matter.
    path = edit_book(older(generated, tmp_path), {"KAP-101": {col.OWNER: "Zoe Quint"}})
    assert not [p for p in read_book(path).problems if p.code == Code.CELL_FORMULA_NO_RESULT]
