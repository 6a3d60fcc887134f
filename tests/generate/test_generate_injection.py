"""Typed text stays text: formula-like titles, XML-illegal characters and Excel escape sequences."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
import zipfile

import openpyxl
import pytest
from generate_fixtures import CUSTOMERS, OWNER, SETTINGS, build_master
from libreoffice import libreoffice  # noqa: F401  (session fixture)

from cvm_xl.generate import customer_workbook_bytes
from cvm_xl.generate.filenames import customer_file_name
from cvm_xl.spreadsheet.xmltext import MAX_LITERAL, string_literal

TRICKY = {
    "INJ-1": '=HYPERLINK("http://evil.example","Click")',
    "INJ-2": "+cmd|' /C calc'!A0",
    "INJ-3": "-2+3",
    "INJ-4": "@SUM(1,2)",
    "INJ-5": "Bell\x07 and form feed\x0c removed, tab\tkept",
    "INJ-6": "Literal _x0041_ stays as typed",
    "INJ-7": "  leading and trailing spaces  ",
    "INJ-8": "Ampersand & <angle> \"quotes\" 'single'",
}
EXPECTED = {**TRICKY, "INJ-5": "Bell and form feed removed, tab\tkept"}


def _book(tmp_path):
    ideas = [
        {
            "Idea ID": k,
            "Customer ID": "KAPPA-7",
            "Title": v,
            "Description": v,
            "Supplier annual": 20000.0,
            "Customer annual": 20000.0,
            **OWNER,
        }
        for k, v in TRICKY.items()
    ]
    master = build_master(customers=CUSTOMERS[:1], ideas=ideas, workshop=[], tracking=[])
    path = tmp_path / "tricky.xlsx"
    path.write_bytes(customer_workbook_bytes(master, "KAPPA-7"))
    return path


def test_formula_like_text_is_written_as_text_never_as_a_formula(tmp_path):
    path = _book(tmp_path)
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    formulas = re.findall(r"<f>(.*?)</f>", xml)
    assert formulas and not any("evil" in f or "cmd|" in f or "SUM(1,2)" in f for f in formulas)
    wb = openpyxl.load_workbook(path)
    ws = wb["Ideas"]
    titles = {ws.cell(r, 1).value: ws.cell(r, 3) for r in range(4, 4 + len(TRICKY))}
    for idea_id, text in EXPECTED.items():
        cell = titles[idea_id]
        assert cell.data_type == "s", idea_id
        assert cell.value == text, idea_id
    for idea_id in ("INJ-1", "INJ-2", "INJ-3", "INJ-4"):
        assert titles[idea_id].quotePrefix, idea_id  # Excel keeps it text when the cell is edited
    assert not titles["INJ-6"].quotePrefix


def test_sign_off_lookups_return_the_text(tmp_path):
    path = _book(tmp_path)
    ws = openpyxl.load_workbook(path, data_only=True)["Sign-off"]
    shown = {ws.cell(r, 2).value: ws.cell(r, 3).value for r in range(6, 12)}
    assert len(shown) == 6 and None not in shown
    for idea_id, title in shown.items():
        assert title == EXPECTED[idea_id]


# --- names that would break a file name or a formula (issue 13) ---------------------------------

# Longer than Excel's 255 characters for one text constant of a formula, with quotes (each doubled in
# a formula) and characters outside the Basic Multilingual Plane (two UTF-16 units each).
LONG_SUPPLIER = 'Aldermoor "Special" Steel 🏭 ' * 12
LONG_CUSTOMER = "Kappa Tubes « Präzision » " * 14
LONG_ID = "KAPPA-" + "X" * 290


def _formula_constants(xml: str) -> list[str]:
    """The text constants of every formula of a sheet's XML, as Excel reads them."""
    constants = []
    for formula in re.findall(r"<f>(.*?)</f>", xml):
        text = formula.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
        constants += [c.replace('""', '"') for c in re.findall(r'"((?:[^"]|"")*)"', text)]
    return constants


def _long_book(tmp_path):
    customer = {**CUSTOMERS[0], "Customer": LONG_CUSTOMER}
    ideas = [
        {"Idea ID": LONG_ID, "Customer ID": "KAPPA-7", "Title": "A long ID", "Supplier annual": 40000.0,
         "Customer annual": -5000.0, "Status": "Signed off", **OWNER},
        {"Idea ID": "K-2", "Customer ID": "KAPPA-7", "Title": "Short", "Supplier annual": 1000.0,
         "Customer annual": 9000.0, "Status": "Signed off", **OWNER},
    ]  # fmt: skip
    master = build_master(
        customers=[customer],
        ideas=ideas,
        workshop=[],
        tracking=[],
        settings=dataclasses.replace(SETTINGS, supplier=LONG_SUPPLIER),
    )
    path = tmp_path / "long.xlsx"
    path.write_bytes(customer_workbook_bytes(master, "KAPPA-7"))
    return path


def test_no_formula_holds_a_text_constant_longer_than_excel_allows(tmp_path):
    path = _long_book(tmp_path)
    with zipfile.ZipFile(path) as z:
        constants = [
            c
            for n in z.namelist()
            if n.startswith("xl/worksheets/")
            for c in _formula_constants(z.read(n).decode())
        ]
    assert constants
    longest = max(len(c.encode("utf-16-le")) // 2 for c in constants)
    assert longest <= MAX_LITERAL
    # the long names and the long ID are in the formulas, split into constants joined with '&'
    joined = "".join(constants)
    assert LONG_SUPPLIER.strip() in joined and LONG_CUSTOMER.strip() in joined
    assert LONG_ID[:200] in joined


def test_a_split_text_reads_back_whole():
    assert string_literal("x" * 255) == '"' + "x" * 255 + '"'
    long = string_literal('"' * 200 + "🏭" * 3)
    pieces = long.split("&")
    assert len(pieces) == 2
    assert all(len(p[1:-1].encode("utf-16-le")) // 2 <= MAX_LITERAL for p in pieces)
    assert "".join(p[1:-1] for p in pieces).replace('""', '"') == '"' * 200 + "🏭" * 3


@pytest.mark.engine
def test_split_texts_compute_the_same_in_libreoffice(tmp_path, libreoffice):  # noqa: F811
    """The passbook's advice names both firms; with names longer than one constant it still reads in
    full once LibreOffice has recalculated it."""
    path = _long_book(tmp_path)
    [recalculated] = libreoffice.recalculate([path], tmp_path / "out")
    cached = openpyxl.load_workbook(path, data_only=True)["Passbook"]
    fresh = openpyxl.load_workbook(recalculated, data_only=True)["Passbook"]
    advice = [
        c.coordinate
        for row in cached.iter_rows()
        for c in row
        if isinstance(c.value, str) and LONG_SUPPLIER.strip() in c.value and LONG_CUSTOMER.strip() in c.value
    ]
    assert advice
    for ref in advice:
        assert fresh[ref].value == cached[ref].value


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Evil\u202excod.exe", "C-1 Evilxcod.exe.xlsx"),  # RIGHT-TO-LEFT OVERRIDE: shows as 'exe.docx'
        ("\u2066Acme\u2069 \u200bGmbH\ufeff", "C-1 Acme GmbH.xlsx"),  # isolates, zero-width space, BOM
        (
            "Na\u00adme \u200d\u200c\u200e\u200f\u202a\u202b\u202c\u202d",
            "C-1 Name.xlsx",
        ),  # soft hyphen, joiners, marks
        ("\u202e", "C-1.xlsx"),  # nothing visible left but the ID
    ],
)
def test_file_names_drop_invisible_and_direction_characters(name, shown):
    assert customer_file_name("C-1", name) == shown
    assert not any(unicodedata.category(ch) == "Cf" for ch in customer_file_name("C\u202e-1", name))
