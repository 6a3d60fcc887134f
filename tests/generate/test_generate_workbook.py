"""The structure of a customer workbook: sheets, protection, formulas, blanks, names, properties."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from generate_fixtures import SETTINGS, build_master
from python_calamine import CalamineWorkbook

from cvm_xl.books import layout as L
from cvm_xl.books.package import (
    CUSTOMER_ID_PROPERTY,
    FINGERPRINT_PROPERTY,
    HASH_PROPERTY,
    read_custom_properties,
)
from cvm_xl.core import columns as col
from cvm_xl.core.fingerprint import fingerprint
from cvm_xl.core.selection import select_for_sign_off
from cvm_xl.generate import customer_workbook_bytes, signoff_workbook_bytes
from cvm_xl.generate.formulas import ALLOWED_FUNCTIONS

SHEETS = ["Cover", "Ideas", "Map", "Passbook", "Sign-off", "Tracking", "Workshop", "Settings", "Record"]


@pytest.fixture(scope="module")
def master():
    return build_master()


@pytest.fixture(scope="module")
def book(master, tmp_path_factory):
    path = tmp_path_factory.mktemp("book") / "kappa.xlsx"
    path.write_bytes(customer_workbook_bytes(master, "KAPPA-7"))
    return path


@pytest.fixture(scope="module")
def wb(book):
    return openpyxl.load_workbook(book)


def _formulas(path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    return [f for xml in sheets for f in re.findall(r"<f>(.*?)</f>", xml)]


def test_sheets_in_order_and_the_record_is_very_hidden(wb):
    # Later issues insert sheets (wave plan, reports) into CUSTOMER_SHEETS: these keep their order.
    assert [name for name in wb.sheetnames if name in SHEETS] == SHEETS
    assert wb.sheetnames[-1] == "Record" and wb["Record"].sheet_state == "veryHidden"
    assert all(wb[name].sheet_state == "visible" for name in wb.sheetnames[:-1])


def test_only_classic_functions_are_used(book, tmp_path, master):
    consolidated = tmp_path / "consolidated.xlsx"
    consolidated.write_bytes(signoff_workbook_bytes(master))
    formulas = _formulas(book) + _formulas(consolidated)
    assert len(formulas) > 300
    used = {name for f in formulas for name in re.findall(r"([A-Z][A-Z0-9.]*)\(", f.replace("&quot;", '"'))}
    assert used <= ALLOWED_FUNCTIONS, used - ALLOWED_FUNCTIONS
    assert not any(
        word in f for f in formulas for word in ("LET(", "LAMBDA(", "XLOOKUP(", "FILTER(", "UNIQUE(")
    )


def test_inputs_are_unlocked_computed_cells_locked_and_sheets_protected(wb):
    ws = wb["Ideas"]
    heads = {c.value: c.column for c in ws[3]}
    for name in (col.TITLE, col.SUPPLIER_ANNUAL, col.START, col.STATUS, col.OWNER):
        assert ws.cell(4, heads[name]).protection.locked is False, name
    for name in col.IDEA_COMPUTED:
        cell = ws.cell(4, heads[name])
        assert cell.protection.locked is True and cell.data_type == "f", name
    for name in ("Cover", "Ideas", "Map", "Passbook", "Sign-off", "Settings"):
        assert wb[name].protection.sheet is True, name
        assert wb[name].protection.password is None, name
    signoff = wb["Sign-off"]
    assert signoff["C6"].protection.locked is True  # a sign-off figure
    name_cell = wb.defined_names["CustomerSignatoryName"].attr_text.split("!")[1].replace("$", "")
    assert signoff[name_cell].protection.locked is False
    for name in ("Cover", "Ideas", "Map", "Passbook", "Sign-off"):
        texts = [str(c.value) for row in wb[name].iter_rows() for c in row if isinstance(c.value, str)]
        assert any("Review > Unprotect Sheet" in t for t in texts), name


def test_blank_inputs_stay_empty_and_zero_stays_zero(wb, master):
    ws = wb["Ideas"]
    heads = {c.value: c.column for c in ws[3]}
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    for name in col.VALUE_INPUTS:
        assert ws.cell(rows["KAP-111"], heads[name]).value is None  # unquantified: all blank
    assert ws.cell(rows["KAP-101"], heads[col.SUPPLIER_ONE_TIME]).value is None
    assert ws.cell(rows["KAP-121"], heads[col.CUSTOMER_ANNUAL]).value == 0
    assert ws.cell(rows["KAP-121"], heads[col.SHARING_METHOD]).value == "equal"  # "Equal " normalised
    assert ws.cell(rows["KAP-101"], heads[col.QUANTIFIED]).value == "Yes"
    assert ws.cell(rows["KAP-113"], heads[col.QUANTIFIED]).value == "No"


def test_cached_values_equal_the_core(book, master):
    wb = openpyxl.load_workbook(book, data_only=True)
    ws = wb["Ideas"]
    heads = {c.value: c.column for c in ws[3]}
    ev = master.evaluated.set_index(col.IDEA_ID)
    for r in range(4, ws.max_row + 1):
        idea = ev.loc[ws.cell(r, 1).value]
        for name in col.IDEA_COMPUTED:
            got, want = ws.cell(r, heads[name]).value, idea[name]
            if (isinstance(want, float) and want != want) or want is None:
                assert got in (None, ""), name
            elif isinstance(want, str):
                assert got == want
            else:
                assert got == pytest.approx(want, abs=1e-9)


def test_names_properties_and_fingerprint(wb, book, master):
    for name in (
        "HorizonYears",
        "DiscountRate",
        "AnnuityFactor",
        "TargetSupplierShare",
        "SignOffFingerprint",
        "SupplierSignatoryDate",
        "CustomerSignatoryTitle",
    ):
        assert name in wb.defined_names, name
    ideas = master.evaluated.loc[master.evaluated[col.CUSTOMER_ID] == "KAPPA-7"]
    ideas = ideas.loc[~ideas[col.OUT_OF_BOUNDS]]
    expected = fingerprint(select_for_sign_off(ideas, SETTINGS).ideas, SETTINGS)
    assert wb["Sign-off"]["C3"].value == expected
    with zipfile.ZipFile(book) as z:
        props = read_custom_properties(z.read("docProps/custom.xml"))
    assert props[CUSTOMER_ID_PROPERTY] == "KAPPA-7"
    assert props[FINGERPRINT_PROPERTY] == expected
    assert re.fullmatch(r"[0-9a-f]{64}", props[HASH_PROPERTY])


def test_tables_cover_the_rows_and_other_readers_open_the_book(wb, book, master):
    n_ideas = int(((master.ideas[col.CUSTOMER_ID] == "KAPPA-7") & ~master.ideas[col.OUT_OF_BOUNDS]).sum())
    assert wb["Ideas"].tables["IdeasTable"].ref == f"A3:{L.IDEA_LETTER[L.IDEA_COLUMNS[-1].name]}{3 + n_ideas}"
    assert wb["Tracking"].tables["TrackingTable"].ref == "A3:F5"  # Idea ID .. Note, Kind (issue 14)
    cal = CalamineWorkbook.from_path(str(book))
    rows = cal.get_sheet_by_name("Ideas").to_python()
    assert rows[3][0] == "KAP-101" and rows[2][0] == "Idea ID"


def test_sign_off_reserves_a_row_per_allowed_idea_and_breaks_pages_every_12(tmp_path):
    big = build_master(settings=SETTINGS.replace(max_sign_off_ideas=30))
    ideas = big.evaluated.loc[
        (big.evaluated[col.CUSTOMER_ID] == "KAPPA-7") & ~big.evaluated[col.OUT_OF_BOUNDS]
    ]
    n_selected = len(select_for_sign_off(ideas, big.settings).ideas)
    path = tmp_path / "big.xlsx"
    path.write_bytes(customer_workbook_bytes(big, "KAPPA-7"))
    ws = openpyxl.load_workbook(path)["Sign-off"]
    assert [b.id for b in ws.row_breaks.brk] == [17, 29]
    assert ws.cell(6 + 30, 2).value == "Total"
    shown = [r for r in range(6, 36) if not ws.row_dimensions[r].hidden]
    assert len(shown) == n_selected > 6  # the reserved rows beyond the selection are hidden
