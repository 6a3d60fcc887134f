"""The template's dropdowns and range checks refuse no value cvm-xl reads (issue 12): information-style
with the values meant; the ID dropdowns that refer to another table warn (also without refusing)."""

from __future__ import annotations

from io import BytesIO

import openpyxl
import pytest

from cvm_xl.core.reviews import REVIEW_KIND
from cvm_xl.core.spellings import also_accepted
from cvm_xl.core.tracking import TRACKING_KIND, TRACKING_KINDS
from cvm_xl.excel.template.builder import build_template
from cvm_xl.readiness import tables as rt


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


def test_columns_of_one_name_keep_their_own_lists():
    """Tracking's Kind offers Recurring/One-time and the Reviews table's Kind the review kinds (issue 14):
    each relationship list column's dropdown names a list that holds its own values."""
    wb = openpyxl.load_workbook(BytesIO(build_template()))
    names = {name: d.attr_text for name, d in wb.defined_names.items()}

    def offered(sheet: str, column: str) -> tuple[object, ...]:
        ws = wb[sheet]
        headers = [c.value for c in ws[1]]
        [source] = [dv.formula1 for dv in ws.data_validations.dataValidation
                    if any(headers[r.min_col - 1] == column for r in dv.sqref.ranges)]  # fmt: skip
        lists, cells = names[source.lstrip("=")].split("!")
        return tuple(row[0].value for row in wb[lists][cells.replace("$", "")])

    assert offered("Tracking", TRACKING_KIND) == TRACKING_KINDS
    for (sheet, column), values in rt.LIST_VALUES.items():
        assert offered(sheet, column) == values, (sheet, column)
    assert set(TRACKING_KINDS).isdisjoint(offered(rt.REVIEWS_SHEET, REVIEW_KIND))
