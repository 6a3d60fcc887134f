"""Typed text stays text: formula-like titles, XML-illegal characters and Excel escape sequences."""

from __future__ import annotations

import re
import zipfile

import openpyxl
from generate_fixtures import CUSTOMERS, OWNER, build_master

from cvm_xl.generate import customer_workbook_bytes

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
