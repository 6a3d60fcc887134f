"""A customer workbook's dropdowns and range checks guide without refusing (issue 12): every
validation is information-style, so a spelling cvm-xl accepts (y, TRUE, 1, 'signed off', 60% typed
as text, '(1,250)') is kept after a message naming the values meant; Gnumeric reads them so too."""

from __future__ import annotations

from io import BytesIO

import openpyxl
import pytest
from generate_fixtures import build_master
from gnumeric import gnumeric  # noqa: F401
from gnumeric_validations import read_validations

from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core.spellings import also_accepted
from cvm_xl.generate import customer_workbook_bytes


@pytest.fixture(scope="module")
def book() -> bytes:
    return customer_workbook_bytes(build_master(), "KAPPA-7")


def _validations(book: bytes) -> list[tuple[str, object]]:
    wb = openpyxl.load_workbook(BytesIO(book))
    return [(ws.title, dv) for ws in wb.worksheets for dv in ws.data_validations.dataValidation]


def test_no_validation_refuses_a_value(book):
    found = _validations(book)
    sheets = {sheet for sheet, _ in found}
    assert {L.IDEAS, "Relationship"} <= sheets
    for sheet, dv in found:
        assert dv.errorStyle == "information" and dv.showErrorMessage, (sheet, dv.sqref, dv.errorStyle)
        assert dv.error and "OK keeps what you typed." in dv.error and len(dv.error) <= 255, (sheet, dv.error)


def test_ideas_dropdowns_offer_the_canonical_values(book):
    ideas = {str(dv.sqref).split(":")[0][:-1]: dv for sheet, dv in _validations(book) if sheet == L.IDEAS}
    letter = L.IDEA_LETTER
    status = ideas[letter[col.STATUS]]
    assert status.formula1 == '"' + ",".join(col.STATUSES) + '"'
    assert status.error.startswith("Meant: Proposed, Evaluated")
    yes_no = next(dv for dv in ideas.values() if dv.formula1 == '"Yes,No"')
    assert also_accepted() in yes_no.error
    assert {letter[c] for c in L.YES_NO_COLUMNS} <= {r.coord.split(":")[0][:-1] for r in yes_no.sqref.ranges}
    share = ideas[letter[col.SUPPLIER_SHARE]]
    assert (share.type, share.formula1, share.formula2) == ("decimal", "0", "1")  # 60% is 0.6


def test_gnumeric_reads_them_as_information(book, gnumeric, tmp_path):  # noqa: F811
    path = tmp_path / "kappa.xlsx"
    path.write_bytes(book)
    read = read_validations(gnumeric, path, tmp_path / "out")
    assert len(read) >= len(_validations(book))
    assert {v.style for v in read} == {"GNM_VALIDATION_STYLE_INFO"}
    assert not [v for v in read if v.expression.startswith("error(")]
