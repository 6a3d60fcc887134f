"""The master's dropdowns offer the canonical values and refuse no spelling cvm-xl reads (issue 12):
every validation is information-style with a message naming the values meant, and each list's range
is written without a leading '=', so Gnumeric keeps the dropdowns (with it, Gnumeric read every list
as an error)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from gnumeric import gnumeric  # noqa: F401
from gnumeric_validations import read_validations
from openpyxl.utils.cell import range_boundaries

from cvm_xl.core.reviews import REVIEW_KIND
from cvm_xl.core.spellings import also_accepted
from cvm_xl.core.tracking import TRACKING_KIND, TRACKING_KINDS
from cvm_xl.master.schema import TABLES, YES_NO_CHOICES, Kind
from cvm_xl.master.write import LISTS_SHEET, write_master
from cvm_xl.readiness import tables as rt
from cvm_xl.sample import sample_settings, sample_tables


@pytest.fixture(scope="module")
def master(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("dropdowns") / "master.xlsx"
    write_master(path, sample_settings(), sample_tables())
    return path


def _validations(path: Path) -> list[tuple[str, object]]:
    wb = openpyxl.load_workbook(path)
    return [(ws.title, dv) for ws in wb.worksheets for dv in ws.data_validations.dataValidation]


def test_every_dropdown_informs_and_keeps_the_value(master):
    found = _validations(master)
    assert len(found) >= 15
    for sheet, dv in found:
        assert dv.type == "list", sheet
        assert dv.errorStyle == "information" and dv.showErrorMessage, (sheet, dv.sqref)
        assert dv.error.startswith("Meant: ") and "OK keeps what you typed." in dv.error, dv.error
        assert len(dv.error) <= 255 and len(dv.errorTitle) <= 32
        assert not dv.formula1.startswith("=") and dv.formula1.startswith(f"{LISTS_SHEET}!"), dv.formula1


def test_a_yes_no_dropdown_names_the_other_spellings(master):
    ideas = [dv for sheet, dv in _validations(master) if sheet == "Ideas" and "Yes, No" in dv.error]
    assert len(ideas) == 5  # Quantified, Good faith, One-off, Out of bounds, True-up
    assert all(also_accepted() in dv.error for dv in ideas)


def test_gnumeric_keeps_the_dropdowns(master, gnumeric, tmp_path):  # noqa: F811
    read = read_validations(gnumeric, master, tmp_path)
    lists = [v for v in read if v.type == "GNM_VALIDATION_TYPE_IN_LIST"]
    assert len(lists) == len(_validations(master))
    for v in lists:
        assert v.expression.startswith(f"{LISTS_SHEET}!$"), (v.sheet, v.expression)  # not error("=...")
        assert v.style == "GNM_VALIDATION_STYLE_INFO", (v.sheet, v.style)
        assert v.message.startswith("Meant: "), v.message


def _offered(path: Path) -> dict[tuple[str, str], tuple[object, ...]]:
    """(sheet, column) -> the values its dropdown's range on the Lists sheet holds."""
    wb = openpyxl.load_workbook(path)
    offered: dict[tuple[str, str], tuple[object, ...]] = {}
    for ws in wb.worksheets:
        headers = [c.value for c in ws[1]]
        for dv in ws.data_validations.dataValidation:
            sheet, cells = dv.formula1.split("!")
            min_col, min_row, max_col, max_row = range_boundaries(cells.replace("$", ""))
            rows = wb[sheet].iter_rows(min_row, max_row, min_col, max_col, values_only=True)
            values = tuple(v for (v,) in rows)
            for rng in dv.sqref.ranges:
                offered[(ws.title, headers[rng.min_col - 1])] = values
    return offered


def test_every_list_column_offers_its_own_values(master):
    """Each list column's dropdown holds its own values, even where two columns share a name: Tracking's
    Kind offers Recurring/One-time and the Reviews table's Kind its review kinds (issue 14)."""
    expected: dict[tuple[str, str], tuple[object, ...]] = {}
    for table in TABLES.values():
        for column in table.columns:
            if column.kind is Kind.CHOICE:
                expected[(table.name, column.name)] = column.choices
            elif column.kind is Kind.YES_NO:
                expected[(table.name, column.name)] = YES_NO_CHOICES
            elif column.kind is Kind.SCORE:
                expected[(table.name, column.name)] = column.scale
    expected.update(rt.LIST_VALUES)
    offered = _offered(master)
    assert {key: offered.get(key) for key in expected} == expected
    assert offered[("Tracking", TRACKING_KIND)] == TRACKING_KINDS
    assert offered[(rt.REVIEWS_SHEET, REVIEW_KIND)] == rt.LIST_VALUES[(rt.REVIEWS_SHEET, REVIEW_KIND)]
    assert set(TRACKING_KINDS).isdisjoint(offered[(rt.REVIEWS_SHEET, REVIEW_KIND)])
