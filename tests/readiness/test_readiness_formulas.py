"""The readiness rules as worksheet formulas (SPEC §3.9) give what the Python rules give.

Each formula builder of the readiness package (risk rating and level, exit review due, issue days
open and overdue, the maturity verdict, the stage counts, completion and current stage) is written
into one workbook over plain cells, LibreOffice computes it, and every result is compared with the
Python rule on the same inputs. The builders take their numbers (level floors, review months,
resolution days) from the same declarations as the rules, so the two cannot drift; a changed number
is followed by both.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math

import openpyxl
import pandas as pd
import pytest
from libreoffice import assert_cell, libreoffice  # noqa: F401  (session fixture)

from cvm_xl.readiness import exits, issue_log, lifecycle, maturity, risks
from cvm_xl.readiness import tables as rt

TODAY = dt.date(2026, 3, 2)
D = dt.date
RISK_SCORES = [*itertools.product(rt.SCORES, rt.SCORES), (None, 3), (2, None), (None, None)]
EXIT_CASES = [
    (status, last)
    for status in (None, "Monitoring", "Triggered", "Retired", "retired", " RETIRED ", "triggered\n", "  ")
    for last in (None, D(2025, 12, 2), D(2025, 12, 3), D(2025, 11, 30), D(2026, 3, 1), D(2024, 1, 1))
]
ISSUE_CASES = [
    (status, raised, due, resolved)
    for status in (None, "Open", "Resolved", " resolved ", "OPEN ", "  ")
    for raised in (None, D(2026, 1, 31), D(2026, 2, 1), D(2026, 2, 20))
    for due in (None, D(2026, 3, 1), D(2026, 3, 2))
    for resolved in (None, D(2026, 2, 25))
]
GRIDS = ["ABAABB", "ABCAAB", "AADBCA", "AAAAA ", "DDDDDD", "      ", "bbbbbb", "CCCCCC", "ab ddc"]
CHECKLIST = [
    *(("Awareness", done) for done in ("Yes", "Yes", "N/A", "No", None)),
    *(("Knowledge", "Yes") for _ in range(3)),
    *(("Internal assessment", "N/A") for _ in range(2)),
    ("Partner selection", None),
    ("Exit strategy", "Yes"),
]
MONTHS, DAYS = 2, 10  # other review interval and resolution days than the defaults


def _rating_cells(grid: str) -> list[str | None]:
    return [None if x == " " else x for x in grid]


def _workbook(path, months: int = exits.EXIT_REVIEW_MONTHS, days: int = issue_log.RESOLUTION_DAYS) -> None:
    """Inputs in the first columns, the builders' formulas after them; today in Z1."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Risks"
    for r, (lk, im) in enumerate(RISK_SCORES, start=1):
        ws[f"A{r}"], ws[f"B{r}"] = lk, im
        formulas = risks.risk_formulas(f"A{r}", f"B{r}", f"C{r}")
        ws[f"C{r}"], ws[f"D{r}"] = f"={formulas[rt.RATING]}", f"={formulas[rt.RISK_LEVEL]}"
    ws = wb.create_sheet("Exits")
    ws["Z1"] = TODAY
    for r, (status, last) in enumerate(EXIT_CASES, start=1):
        ws[f"A{r}"], ws[f"B{r}"] = status, last
        ws[f"C{r}"] = "=" + exits.review_due_formula(f"A{r}", f"B{r}", "$Z$1", months)
    ws = wb.create_sheet("Issues")
    ws["Z1"] = TODAY
    for r, (status, raised, due, resolved) in enumerate(ISSUE_CASES, start=1):
        ws[f"A{r}"], ws[f"B{r}"], ws[f"C{r}"], ws[f"D{r}"] = status, raised, due, resolved
        ws[f"E{r}"] = "=" + issue_log.days_open_formula(f"A{r}", f"B{r}", f"D{r}", "$Z$1")
        ws[f"F{r}"] = "=" + issue_log.overdue_formula(f"A{r}", f"B{r}", f"C{r}", "$Z$1", days)
    ws = wb.create_sheet("Maturity")
    for r, grid in enumerate(GRIDS, start=1):
        for c, rating in enumerate(_rating_cells(grid), start=1):
            ws.cell(r, c, rating)
        ws[f"G{r}"] = "=" + maturity.verdict_formula(f"A{r}:F{r}")
    ws = wb.create_sheet("Life cycle")
    for r, (stage, done) in enumerate(CHECKLIST, start=1):
        ws[f"A{r}"], ws[f"B{r}"] = stage, done
    stages, done = f"$A$1:$A${len(CHECKLIST)}", f"$B$1:$B${len(CHECKLIST)}"
    for r, stage in enumerate(rt.STAGES, start=1):
        counts = lifecycle.stage_count_formulas(stages, done, f"$D{r}")
        ws[f"D{r}"] = stage
        ws[f"E{r}"], ws[f"F{r}"], ws[f"G{r}"] = (f"={counts[k]}" for k in ("done", "applicable", "na"))
        ws[f"H{r}"] = "=" + lifecycle.completion_formula(f"E{r}", f"F{r}")
    rows = [(f"D{r}", f"E{r}", f"F{r}") for r in range(1, len(rt.STAGES) + 1)]
    ws["J1"] = "=" + lifecycle.current_stage_formula(rows)
    wb.save(path)


@pytest.fixture(scope="module")
def computed(libreoffice, tmp_path_factory):  # noqa: F811
    out = tmp_path_factory.mktemp("readiness-formulas")
    files = [out / "defaults.xlsx", out / "changed.xlsx"]
    _workbook(files[0])
    _workbook(files[1], MONTHS, DAYS)
    results = libreoffice.recalculate(files, out / "recalculated")
    return [openpyxl.load_workbook(path, data_only=True) for path in results]


def test_risk_rating_and_level(computed) -> None:
    ws = computed[0]["Risks"]
    for r, (lk, im) in enumerate(RISK_SCORES, start=1):
        rated = risks.risk_rating(lk, im)
        assert_cell(ws[f"C{r}"].value, rated.rating if rated else None, f"rating {lk}x{im}")
        assert_cell(ws[f"D{r}"].value, rated.level if rated else None, f"level {lk}x{im}")


@pytest.mark.parametrize(("variant", "months"), [(0, exits.EXIT_REVIEW_MONTHS), (1, MONTHS)])
def test_exit_review_due(computed, variant: int, months: int) -> None:
    ws = computed[variant]["Exits"]
    for r, (status, last) in enumerate(EXIT_CASES, start=1):
        expected = "Yes" if exits.review_due(status, last, TODAY, months) else "No"
        assert_cell(ws[f"C{r}"].value, expected, f"{status} {last} every {months} months")


@pytest.mark.parametrize(("variant", "days"), [(0, issue_log.RESOLUTION_DAYS), (1, DAYS)])
def test_issue_days_open_and_overdue(computed, variant: int, days: int) -> None:
    ws = computed[variant]["Issues"]
    for r, (status, raised, due, resolved) in enumerate(ISSUE_CASES, start=1):
        where = f"{status} raised {raised} due {due} resolved {resolved}"
        assert_cell(ws[f"E{r}"].value, issue_log.days_open(status, raised, resolved, TODAY), f"{where} days")
        overdue = issue_log.is_overdue(status, raised, due, TODAY, days)
        assert_cell(ws[f"F{r}"].value, "Yes" if overdue else "No", f"{where} overdue ({days} days)")


def test_maturity_verdict(computed) -> None:
    ws = computed[0]["Maturity"]
    for r, grid in enumerate(GRIDS, start=1):
        expected = maturity.maturity_verdict(maturity.ratings_from_grid(_rating_cells(grid))).label
        assert_cell(ws[f"G{r}"].value, expected, f"verdict {grid!r}")


def test_stage_counts_completion_and_current_stage(computed) -> None:
    ws = computed[0]["Life cycle"]
    scores = lifecycle.stage_scores(pd.DataFrame(CHECKLIST, columns=[rt.STAGE, rt.DONE]))
    for r, row in enumerate(scores.itertuples(index=False), start=1):
        assert_cell(ws[f"E{r}"].value, row.Done, f"{row.Stage} done", 1e-9)
        assert_cell(ws[f"F{r}"].value, row.Total, f"{row.Stage} applicable", 1e-9)
        assert_cell(ws[f"G{r}"].value, row[3], f"{row.Stage} not applicable", 1e-9)
        completion = row.Percent
        assert_cell(ws[f"H{r}"].value, None if math.isnan(completion) else completion, row.Stage, 1e-9)
    assert_cell(ws["J1"].value, lifecycle.current_stage(scores) or lifecycle.ALL_DONE, "current stage")


def test_the_formulas_carry_the_declared_numbers() -> None:
    """The level floors, review interval and resolution days are read from their one declaration."""
    level = risks.risk_formulas("L", "I", "R")[rt.RISK_LEVEL]
    assert all(f"R>={floor}" in level for floor, _ in risks.LEVEL_FLOORS[:-1])
    assert f"EDATE(B1,{exits.EXIT_REVIEW_MONTHS})" in exits.review_due_formula("A1", "B1")
    assert f"+{issue_log.RESOLUTION_DAYS}," in issue_log.overdue_formula("A1", "B1", "C1")
    assert risks.level_legend() == "Low 1-4, Medium 5-9, High 10-16, Critical 20-25"
    assert maturity.VERDICT_RULE == (
        "Any D: not ready. A rating missing: not assessed. Any C: ready, with development needs to plan "
        "for. Only A and B: ready."
    )
