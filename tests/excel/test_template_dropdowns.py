"""The template's dropdowns and range checks refuse no value cvm-xl reads (issue 12): information-style
with the values meant; the ID dropdowns that refer to another table warn (also without refusing)."""

from __future__ import annotations

from io import BytesIO

import openpyxl
import pytest

from cvm_xl.core.spellings import also_accepted
from cvm_xl.excel.template.builder import build_template


@pytest.fixture(scope="module")
def validations() -> list[tuple[str, object]]:
    wb = openpyxl.load_workbook(BytesIO(build_template()))
    return [(ws.title, dv) for ws in wb.worksheets for dv in ws.data_validations.dataValidation]


def test_no_validation_refuses_a_value(validations):
    assert len(validations) >= 20
    for sheet, dv in validations:
        if dv.errorTitle == "Unknown ID":  # the dropdown of another table's IDs: a warning
            assert dv.errorStyle == "warning", sheet
            continue
        assert dv.errorStyle == "information" and dv.showErrorMessage, (sheet, dv.sqref)
        assert "OK keeps what you typed." in dv.error and len(dv.error) <= 255, (sheet, dv.error)
        assert not (dv.formula1 or "").startswith("="), (sheet, dv.formula1)


def test_yes_no_dropdowns_name_the_other_spellings(validations):
    yes_no = [dv for _, dv in validations if dv.formula1 == "lstYesNo"]
    assert yes_no and all(also_accepted() in dv.error for dv in yes_no)
