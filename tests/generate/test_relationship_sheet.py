"""The Relationship sheet of a customer workbook: layout, protection, and LibreOffice computing the
core's stage scores, maturity verdict, risk ratings and heat map from its formulas.

Three variants go through LibreOffice: the workbooks as generated, copies whose every cached
formula result is wrong (so only live formulas can give the right answers) and a copy where a user
ticked checklist items, changed maturity ratings and rescored risks. Expected figures always come
from the core (``lifecycle``, ``maturity``, ``risks``), never from the generator.
"""

from __future__ import annotations

import math
import re
import shutil
from functools import partial
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from libreoffice import assert_cell, libreoffice, zero_cached_results  # noqa: F401  (session fixture)
from relationship_fixtures import (
    GENERATED,
    K,
    M,
    Z,
    customer_book,
    customer_data,
    relationship_master,
)

from cvm_xl.generate.customer_book import CustomerBookWriter
from cvm_xl.generate.formulas import ALLOWED_FUNCTIONS
from cvm_xl.generate.sheets import relationship as R
from cvm_xl.readiness import tables as rt
from cvm_xl.readiness.lifecycle import current_stage, stage_scores
from cvm_xl.readiness.maturity import maturity_verdict
from cvm_xl.readiness.risks import heat_map, risk_rating

SHEET = R.NAME
EDITS = {
    "Awareness": "Yes",  # every Awareness item done
    "Value creation": "N/A",  # a whole stage that does not apply
}
NEW_RATINGS = {("Supplier", "Ability"): "A", ("Customer", "Ability"): "B"}  # Kappa: C -> B, so Ready
NEW_SCORES = {"R2": (5, 4), "R4": (3, 3)}  # rescored, and a first score for R4


@pytest.fixture(scope="module")
def master():
    return relationship_master()


@pytest.fixture(scope="module")
def books(master, tmp_path_factory) -> dict[str, Path]:
    """Whole customer workbooks (the sheet's formulas refer to no other sheet)."""
    out = tmp_path_factory.mktemp("relationship-books")
    paths = {}
    for cid in (K, Z, M):
        path = out / f"{cid.replace('/', '_')}.xlsx"
        path.write_bytes(customer_book(master, cid))
        paths[cid] = path
    return paths


@pytest.fixture(scope="module")
def sheets_only(master, tmp_path_factory) -> dict[str, Path]:
    """Workbooks of the Relationship sheet alone: the same cells, less for LibreOffice to load."""
    out = tmp_path_factory.mktemp("relationship-sheets")
    writer = CustomerBookWriter(master.settings, [R.BUILDER])
    paths = {}
    for cid in (K, Z, M):
        path = out / f"{cid.replace('/', '_')}.xlsx"
        path.write_bytes(writer.workbook_bytes(customer_data(master, cid)))
        paths[cid] = path
    return paths


def _ws(path: Path, data_only: bool = False):
    return openpyxl.load_workbook(path, data_only=data_only)[SHEET]


# --- structure ---------------------------------------------------------------------------------------


def test_sheet_sits_before_settings_is_protected_and_prints_landscape(books):
    wb = openpyxl.load_workbook(books[K])
    names = wb.sheetnames
    assert names.index(SHEET) == names.index("Settings") - 1
    ws = wb[SHEET]
    assert ws.protection.sheet is True and ws.protection.password is None
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1


def test_inputs_are_unlocked_and_computed_cells_locked(books):
    ws = _ws(books[K])
    first = R.CHECKLIST.first
    assert ws[f"C{first}"].protection.locked is False  # Done
    assert ws[f"B{first}"].protection.locked is True  # the method's item text
    assert ws[f"C{R.MATURITY_FIRST}"].protection.locked is False
    assert ws[f"B{R.VERDICT_ROW}"].protection.locked is True
    risk = R.RISKS.first
    c = R.RISKS.columns
    assert ws[f"{c[rt.LIKELIHOOD]}{risk}"].protection.locked is False
    assert ws[f"{c[rt.RATING]}{risk}"].protection.locked is True
    assert ws[f"C{R.STAGE_FIRST}"].protection.locked is True
    issue = R.ISSUES.first
    assert ws[f"B{issue}"].protection.locked is True  # the issue log is the master's record


def test_dropdowns_cover_the_inputs(books):
    ws = _ws(books[K])
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists[f"C{R.CHECKLIST.first}:C{R.CHECKLIST.last}"] == '"Yes,No,N/A"'
    assert lists[f"C{R.MATURITY_FIRST}:D{R.MATURITY_FIRST}"] == '"A,B,C,D"'
    prompts = [dv.prompt for dv in ws.data_validations.dataValidation if dv.formula1 == '"A,B,C,D"']
    assert all(p and len(p) <= 255 for p in prompts)


def test_only_classic_functions(books):
    ws = _ws(books[K])
    formulas = [c.value for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert len(formulas) == 25 + 8 * 4 + 4 + 2 + 2 * (5 + R.RISKS.spare)  # heat map, stages, verdict, risks
    used = {name for f in formulas for name in re.findall(r"([A-Z][A-Z0-9.]*)\(", f)}
    assert used <= ALLOWED_FUNCTIONS, used - ALLOWED_FUNCTIONS


def test_registers_show_rows_and_hide_the_unused_reserve(books, master):
    ws = _ws(books[K])
    c = R.RISKS.columns
    ids = [ws[f"{c[rt.RISK_ID]}{r}"].value for r in range(R.RISKS.first, R.RISKS.first + 5)]
    assert ids == ["R1", "R2", "R3", "R4", "R6"]
    spare = R.RISKS.first + 5 + R.RISKS.spare
    assert not ws.row_dimensions[spare - 1].hidden and ws.row_dimensions[spare].hidden
    assert ws.row_dimensions[R.RISKS.last].hidden
    assert ws[f"B{R.EXITS.first}"].value == "Kappa is sold to a competitor"
    assert ws[f"{R.ISSUES.columns[rt.OVERDUE]}{R.ISSUES.first}"].value == "Yes"
    assert ws[f"B{R.ELIGIBLE_ROW}"].value == "Yes"
    muller = _ws(books[M])
    assert muller[f"B{R.EXITS.first}"].value == "No exit trigger recorded yet."
    assert muller[f"B{R.ELIGIBLE_ROW}"].value == "No"
    assert "Industry quartile not assessed" in muller[f"B{R.REASONS_ROW}"].value


# --- LibreOffice ---------------------------------------------------------------------------------


def _edit(source: Path, target: Path) -> None:
    """What a user does in the sheet: tick items, change ratings, rescore risks."""
    wb = openpyxl.load_workbook(source)
    ws = wb[SHEET]
    for r in range(R.CHECKLIST.first, R.CHECKLIST.last + 1):
        stage = ws[f"A{r}"].value
        if stage in EDITS:
            ws[f"C{r}"] = EDITS[stage]
    for (firm, dimension), rating in NEW_RATINGS.items():
        ws[f"{R.FIRM_COLUMNS[firm]}{R.MATURITY_FIRST + rt.DIMENSIONS.index(dimension)}"] = rating
    c = R.RISKS.columns
    for r in range(R.RISKS.first, R.RISKS.last + 1):
        risk_id = ws[f"{c[rt.RISK_ID]}{r}"].value
        if risk_id in NEW_SCORES:
            ws[f"{c[rt.LIKELIHOOD]}{r}"], ws[f"{c[rt.IMPACT]}{r}"] = NEW_SCORES[risk_id]
    wb.save(target)


@pytest.fixture(scope="module")
def recalculated(sheets_only, libreoffice, tmp_path_factory):  # noqa: F811
    books = sheets_only
    out = tmp_path_factory.mktemp("relationship-recalc")
    files: dict[tuple[str, str], Path] = {}
    for cid, path in books.items():
        files[("live", cid)] = out / f"live-{path.name}"
        shutil.copy(path, files[("live", cid)])
        files[("wrong", cid)] = out / f"wrong-{path.name}"
        zero_cached_results(path, files[("wrong", cid)])
    files[("edited", K)] = out / f"edited-{books[K].name}"
    _edit(books[K], files[("edited", K)])
    results = libreoffice.recalculate(list(files.values()), out / "recalculated")  # one soffice call
    yield {key: _ws(result, data_only=True) for key, result in zip(files, results, strict=True)}
    shutil.rmtree(out, ignore_errors=True)


def _inputs(ws) -> dict[str, object]:
    """The sheet's inputs as a user left them, read back as tables the core takes."""
    checklist = pd.DataFrame(
        [
            {rt.STAGE: ws[f"A{r}"].value, rt.DONE: ws[f"C{r}"].value}
            for r in range(R.CHECKLIST.first, R.CHECKLIST.last + 1)
            if ws[f"A{r}"].value
        ]
    )
    ratings = {
        firm: {d: ws[f"{x}{R.MATURITY_FIRST + i}"].value for i, d in enumerate(rt.DIMENSIONS)}
        for firm, x in R.FIRM_COLUMNS.items()
    }
    c = R.RISKS.columns
    risks = pd.DataFrame(
        [
            {name: ws[f"{c[name]}{r}"].value for name in (rt.RISK_ID, rt.LIKELIHOOD, rt.IMPACT, rt.STATUS)}
            for r in range(R.RISKS.first, R.RISKS.last + 1)
            if ws[f"{c[rt.RISK_ID]}{r}"].value
        ],
        columns=[rt.RISK_ID, rt.LIKELIHOOD, rt.IMPACT, rt.STATUS],
    )
    return {"checklist": checklist, "ratings": ratings, "risks": risks}


_same = partial(assert_cell, tolerance=1e-9)  # counts and ratios: exact, not to the cent


def _check(ws, inputs: dict[str, object], where: str) -> None:
    scores = stage_scores(inputs["checklist"])
    for i, row in enumerate(scores.itertuples(index=False)):
        r = R.STAGE_FIRST + i
        _same(ws[f"A{r}"].value, row.Stage, f"{where} stage row {r}")
        _same(ws[f"C{r}"].value, row.Done, f"{where} {row.Stage} done")
        _same(ws[f"D{r}"].value, row.Total, f"{where} {row.Stage} applicable")
        _same(ws[f"E{r}"].value, row[3], f"{where} {row.Stage} not applicable")
        _same(ws[f"F{r}"].value, row.Percent, f"{where} {row.Stage} completion")
    total = scores["Total"].sum()
    _same(
        ws[f"F{R.OVERALL_ROW}"].value, scores["Done"].sum() / total if total else math.nan, f"{where} overall"
    )
    _same(ws[f"B{R.CURRENT_ROW}"].value, current_stage(scores) or R.ALL_DONE, f"{where} current stage")
    _same(
        ws[f"B{R.VERDICT_ROW}"].value, maturity_verdict(inputs["ratings"]).label, f"{where} maturity verdict"
    )
    c = R.RISKS.columns
    risks = inputs["risks"]
    for i, risk in enumerate(risks.itertuples(index=False)):
        r = R.RISKS.first + i
        rated = risk_rating(risk[1], risk[2])
        _same(ws[f"{c[rt.RATING]}{r}"].value, rated.rating if rated else None, f"{where} {risk[0]} rating")
        _same(ws[f"{c[rt.RISK_LEVEL]}{r}"].value, rated.level if rated else None, f"{where} {risk[0]} level")
    grid = heat_map(risks)
    for likelihood, r in R.HEAT_ROW.items():
        for impact, x in R.HEAT_COLUMNS.items():
            _same(
                ws[f"{x}{r}"].value, int(grid.loc[likelihood, impact]), f"{where} heat {likelihood}x{impact}"
            )


@pytest.mark.parametrize("variant", ["live", "wrong"])
@pytest.mark.parametrize("cid", [K, Z, M])
def test_libreoffice_computes_the_cores_figures(recalculated, sheets_only, variant, cid):
    _check(recalculated[(variant, cid)], _inputs(_ws(sheets_only[cid])), f"{variant} {cid}")


def test_libreoffice_follows_a_users_edits(recalculated, sheets_only, tmp_path):
    edited = tmp_path / "edited.xlsx"
    _edit(sheets_only[K], edited)
    inputs = _inputs(_ws(edited))
    ws = recalculated[("edited", K)]
    _check(ws, inputs, "edited")
    # the edits made a difference the core agrees with
    assert ws[f"C{R.STAGE_FIRST}"].value == 7 and ws[f"D{R.STAGE_FIRST + 5}"].value == 0
    assert ws[f"B{R.VERDICT_ROW}"].value == "Ready"
    assert inputs["risks"].set_index(rt.RISK_ID).loc["R2", rt.LIKELIHOOD] == 5


def test_cached_values_are_the_cores(books, master):
    ws = _ws(books[K], data_only=True)
    rel = customer_data(master, K, GENERATED).relationship
    assert ws[f"B{R.VERDICT_ROW}"].value == rel.maturity.label == "Ready: development needs"
    assert ws[f"C{R.STAGE_FIRST}"].value == rel.stages[0].done
    assert ws[f"F{R.OVERALL_ROW}"].value == pytest.approx(rel.readiness)
    assert ws[f"B{R.CURRENT_ROW}"].value == rel.current_stage
    assert ws[f"{R.HEAT_COLUMNS[5]}{R.HEAT_ROW[4]}"].value == 2  # R1 and R6
