"""The Ideas' `Feasibility` column (issue 14, quick wins): a whole number from 1 to 5, blank allowed,
read as the one cell parser reads a score, refused with its own wording, offered as a dropdown of
1..5 in the master."""

from __future__ import annotations

import math

import openpyxl
import pytest
from loader_fixtures import good_sheets, set_value, write_sheets

from cvm_xl.core import columns as col
from cvm_xl.core.problems import Code, WorkbookError
from cvm_xl.core.ranking import FEASIBILITY_SCALE
from cvm_xl.master.read import load_master
from cvm_xl.master.schema import TABLES
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables


def _typed(value: object) -> dict[str, list[list[object]]]:
    """The good master with ``value`` in its first idea's Feasibility (the row padded to the header)."""
    sheets = good_sheets()
    header, first = sheets["Ideas"][0], sheets["Ideas"][1]
    first.extend([None] * (len(header) - len(first)))
    set_value(sheets, "Ideas", 1, col.FEASIBILITY, value)
    return sheets


@pytest.mark.parametrize(
    ("typed", "expected"), [(5, 5.0), ("4", 4.0), (1.0, 1.0), (" 3 ", 3.0), (None, math.nan)]
)
def test_feasibility_reads_whole_numbers_from_1_to_5(tmp_path, typed, expected):
    sheets = _typed(typed)
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    got = master.ideas.at[2, col.FEASIBILITY]
    assert (math.isnan(got) and math.isnan(expected)) or got == expected
    assert master.problems == ()


@pytest.mark.parametrize("typed", [6, 0, 2.5, "easy"])
def test_a_feasibility_off_the_scale_is_refused_with_its_own_words(tmp_path, typed):
    sheets = _typed(typed)
    with pytest.raises(WorkbookError) as caught:
        load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    [problem] = caught.value.problems
    assert problem.column == col.FEASIBILITY and problem.code == Code.CELL_NOT_A_SCORE
    assert problem.message == f"'{typed}' is not a Feasibility."
    assert (
        problem.fix == "Enter a whole number from 1 (hard and slow) to 5 (easy and fast), or leave it blank."
    )


def test_the_master_offers_1_to_5_as_a_dropdown(tmp_path):
    assert TABLES["Ideas"].column(col.FEASIBILITY).scale == FEASIBILITY_SCALE == (1, 2, 3, 4, 5)
    path = tmp_path / "master.xlsx"
    write_master(path, sample_settings(), sample_tables())
    wb = openpyxl.load_workbook(path)
    ws = wb["Ideas"]
    letter = next(c.column_letter for c in ws[1] if c.value == col.FEASIBILITY)
    [dv] = [dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith(f"{letter}2:")]
    assert dv.type == "list" and dv.errorStyle == "information"
    listed = wb[dv.formula1.split("!")[0]][dv.formula1.split("!")[1].replace("$", "")]
    assert [c[0].value for c in listed] == [1, 2, 3, 4, 5]
