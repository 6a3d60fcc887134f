"""The Actions sheet of a customer workbook and the Escalations sheet of the sign-off (issue 14).

The Actions sheet is live: a customer types the day an action was done (or any other mark) into
Done, or another day into the As-of cell, and Status, Days overdue and the summary per idea follow.
The edits are made with openpyxl as a person's program would save them (no cached results);
LibreOffice and Gnumeric recalculate the files; each shown value must equal what ``core.actions``
computes from the same cells. The unedited workbook's cached results must equal the engines' too.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from gnumeric import gnumeric, load_values  # noqa: F401  (session fixture)
from libreoffice import assert_cell, libreoffice  # noqa: F401  (session fixture)

from cvm_xl.core import columns as col
from cvm_xl.core.actions import (
    ACTION_ID,
    ACTIONS_DONE,
    ACTIONS_TOTAL,
    DAYS_OVERDUE,
    DONE,
    DUE,
    ESCALATION_COLUMNS,
    OVERDUE,
    PERCENT_DONE,
    action_status,
    days_overdue,
    escalations,
    idea_progress,
)
from cvm_xl.formulas.functions import ALLOWED_FUNCTIONS, functions_used
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.generate.sheets import actions_sheet as A
from cvm_xl.generate.signoff_book import signoff_workbook_bytes
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables

AS_OF = dt.date(2026, 12, 1)
CUSTOMER = "C-AUT"
COLUMN = {c.name: i for i, c in enumerate(A.COLUMNS, start=1)}
SUMMARY = {c.name: i for i, c in enumerate(A.SUMMARY, start=A.SUMMARY_FIRST_COL)}
AS_OF_CELL = f"{A.AS_OF.replace('$', '')}"
DT = dt.datetime
# A customer's edits, by Action ID: a day done, a tick, a day after the new as-of date, a Done
# cleared, spaces (blank), a boolean; and the As-of cell moved on to 2027-01-10.
EDITS: dict[str, object] = {
    "A-AUT-04": DT(2026, 11, 28),
    "A-AUT-07": "x",
    "A-AUT-09": DT(2027, 1, 20),
    "A-AUT-01": None,
    "A-AUT-05": "   ",
    "A-AUT-10": True,
}
NEW_AS_OF = DT(2027, 1, 10)


@pytest.fixture(scope="module")
def master(tmp_path_factory):
    path = tmp_path_factory.mktemp("actions-master") / "master.xlsx"
    write_master(path, sample_settings(), sample_tables(), today=AS_OF)
    return load_master(path)


@pytest.fixture(scope="module")
def generated(master, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("actions-books")
    results = generate_customer_books(master, folder, workers=1, as_of=AS_OF)
    assert all(r.ok for r in results)
    return {r.customer_id: r.path for r in results}


def _rows(ws) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {
        ws.cell(r, 1).value: r for r in range(A.FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value is not None
    }


def _edited(source: Path, target: Path) -> Path:
    wb = openpyxl.load_workbook(source)
    ws = wb[A.NAME]
    rows = _rows(ws)
    for action, value in EDITS.items():
        ws.cell(rows[action], COLUMN[DONE]).value = value
    ws[AS_OF_CELL].value = NEW_AS_OF
    wb.save(target)
    return target


def _typed(path: Path) -> tuple[dt.date, pd.DataFrame]:
    """The As-of date and the actions as the file holds them (openpyxl, no cached results needed)."""
    ws = openpyxl.load_workbook(path)[A.NAME]
    as_of = ws[AS_OF_CELL].value
    rows = []
    for r in _rows(ws).values():
        values = {c.name: ws.cell(r, COLUMN[c.name]).value for c in A.COLUMNS if not c.computed}
        rows.append({**values, DUE: _day(values[DUE])})
    return _day(as_of), pd.DataFrame(rows, dtype=object)


def _day(value: object) -> object:
    return value.date() if isinstance(value, dt.datetime) else value


def _expected(path: Path, master) -> tuple[dict[str, tuple[object, object]], pd.DataFrame]:
    """What cvm-xl computes from the file's cells: each action's state and days, the summary."""
    as_of, actions = _typed(path)
    done = [_day(v) for v in actions[DONE]]
    states = {
        a: (action_status(due, d, as_of), days_overdue(due, d, as_of))
        for a, due, d in zip(actions[ACTION_ID], actions[DUE], done, strict=True)
    }
    frame = actions.assign(**{DONE: done})
    return states, idea_progress(master.ideas, frame, as_of)


def _check(recalculated: openpyxl.Workbook, path: Path, master, engine: str) -> None:
    ws = recalculated[A.NAME]
    states, progress = _expected(path, master)
    rows = _rows(ws)
    assert set(rows) == set(states)
    for action, (state, days) in states.items():
        where = f"{engine} {path.name} {action}"
        assert_cell(ws.cell(rows[action], COLUMN[col.STATUS]).value, state, where + " Status")
        assert_cell(ws.cell(rows[action], COLUMN[DAYS_OVERDUE]).value, days, where + " Days overdue")
    for k, record in enumerate(progress.to_dict("records")):
        r = A.FIRST_ROW + k
        assert ws.cell(r, SUMMARY[col.IDEA_ID]).value == record[col.IDEA_ID]
        for name in (ACTIONS_TOTAL, ACTIONS_DONE, PERCENT_DONE, OVERDUE):
            assert_cell(
                ws.cell(r, SUMMARY[name]).value, record[name], f"{engine} {record[col.IDEA_ID]} {name}"
            )


@pytest.fixture(scope="module")
def files(generated, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("actions-edited")
    return {
        "generated": shutil.copy2(generated[CUSTOMER], folder / "generated.xlsx"),
        "edited": _edited(generated[CUSTOMER], folder / "edited.xlsx"),
    }


# --- the sheet as generated -----------------------------------------------------------------------


def test_the_sheet_holds_the_customers_actions_in_bounds_only(generated, master):
    ws = openpyxl.load_workbook(generated[CUSTOMER])[A.NAME]
    expected = [a for a in master.actions[ACTION_ID] if a.startswith("A-AUT-") and a != "A-AUT-11"]
    assert list(_rows(ws)) == expected  # A-AUT-11 belongs to the out-of-bounds idea AUT-16
    assert [c.value for c in ws[A.HEADER_ROW]][: len(A.COLUMNS)] == [c.name for c in A.COLUMNS]
    assert ws[AS_OF_CELL].value == DT(2026, 12, 1)
    [(name, ref)] = ws.tables.items()
    assert (name, ref) == (A.TABLE, f"A{A.HEADER_ROW}:J{A.HEADER_ROW + len(expected)}")
    other = openpyxl.load_workbook(generated["C-FUR"])[A.NAME]
    assert _rows(other) == {}  # no actions: an empty table row


def test_every_formula_uses_classic_functions_only(generated):
    ws = openpyxl.load_workbook(generated[CUSTOMER])[A.NAME]
    formulas = [
        c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] == "="
    ]
    assert len(formulas) > 20
    for formula in formulas:
        assert functions_used(formula) <= ALLOWED_FUNCTIONS, formula


def test_cached_values_are_cvm_xls(generated, master):
    path = generated[CUSTOMER]
    _check(openpyxl.load_workbook(path, data_only=True), path, master, "cached")


def test_the_edits_reach_the_cells(files):
    as_of, actions = _typed(files["edited"])
    assert as_of == NEW_AS_OF.date()
    done = dict(zip(actions[ACTION_ID], actions[DONE], strict=True))
    assert done["A-AUT-07"] == "x" and done["A-AUT-10"] is True and done["A-AUT-01"] is None


# --- recalculated by two spreadsheets ---------------------------------------------------------------


def test_libreoffice_recalculates_the_sheet_to_cvm_xls_values(files, master, libreoffice, tmp_path):  # noqa: F811
    out = libreoffice.recalculate(list(files.values()), tmp_path)
    for (name, path), after in zip(files.items(), out, strict=True):
        _check(openpyxl.load_workbook(after, data_only=True), path, master, f"LibreOffice {name}")


def test_gnumeric_recalculates_the_sheet_to_cvm_xls_values(files, master, gnumeric, tmp_path):  # noqa: F811
    out = gnumeric.recalculate(list(files.values()), tmp_path)
    for (name, path), after in zip(files.items(), out, strict=True):
        _check(load_values(after), path, master, f"Gnumeric {name}")


def test_the_edited_states_are_the_worked_example(files, master):
    states, _ = _expected(files["edited"], master)
    assert states["A-AUT-04"] == ("Done", None)  # done on 2026-11-28
    assert states["A-AUT-07"] == ("Done", None)  # ticked with an x
    assert states["A-AUT-09"] == ("Overdue", 58)  # done 2027-01-20, after the as-of date; due 2026-11-13
    assert states["A-AUT-01"] == ("Overdue", 270)  # Done cleared; due 2026-04-15
    assert states["A-AUT-05"] == ("Open", None)  # spaces are blank; due 2027-01-15
    assert states["A-AUT-10"] == ("Done", None)  # TRUE


# --- the consolidated sign-off's Escalations sheet -------------------------------------------------


def test_the_escalations_sheet_lists_core_escalations(master, tmp_path):
    path = tmp_path / "signoff.xlsx"
    path.write_bytes(signoff_workbook_bytes(master, as_of=AS_OF))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames.index("Escalations") == wb.sheetnames.index("Portfolio") + 1
    ws = wb["Escalations"]
    assert tuple(c.value for c in ws[3])[:6] == ESCALATION_COLUMNS
    shown = [r[:6] for r in ws.iter_rows(min_row=4, values_only=True) if r[0]]
    ideas = master.ideas[~master.ideas[col.OUT_OF_BOUNDS].astype(bool)]
    expected = escalations(ideas, master.actions, AS_OF)
    assert [(r[0], r[1], r[2], r[3], _day(r[4]), r[5]) for r in shown] == [
        tuple(r) for r in expected[list(ESCALATION_COLUMNS)].itertuples(index=False)
    ]
    assert len(shown) == 8
    assert "A-AUT-11" not in {r[2] for r in shown}
