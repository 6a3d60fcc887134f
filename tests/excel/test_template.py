"""workbook_template.xlsm: built reproducibly, committed as built, and holding what SPEC §4 and §6 ask."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from cvm_xl.cli import main
from cvm_xl.core import columns as col
from cvm_xl.core.settings import Settings
from cvm_xl.excel.template import FILE_NAME, build_template, layout
from cvm_xl.excel.template.builder import BUILT_BY, part_digests, vba_modules
from cvm_xl.excel.vba.modules import CHECK_BUTTONS, MACROS, UDF_MODULE
from cvm_xl.master.read import load_master
from cvm_xl.master.schema import RELATIONSHIP_TABLES, SETTINGS_TABLE, TABLES, Kind
from cvm_xl.spreadsheet.validation import VALIDATED_LAST_ROW

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / FILE_NAME


@pytest.fixture(scope="module")
def built() -> bytes:
    return build_template()


@pytest.fixture(scope="module")
def book(built) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(built), keep_vba=True)


def test_build_is_byte_for_byte_reproducible(built):
    assert build_template() == built
    with zipfile.ZipFile(io.BytesIO(built)) as z:
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
        assert '<dcterms:created xsi:type="dcterms:W3CDTF">2025-01-01T00:00:00Z</dcterms:created>' in core


def test_committed_template_is_the_build(built):
    assert COMMITTED.is_file(), f"{FILE_NAME} is missing: run cvm-xl template"
    committed = COMMITTED.read_bytes()
    # Every part the same, in the same order (the raw bytes also match wherever zlib deflates alike).
    if part_digests(committed) != part_digests(built):
        old, new = dict(part_digests(committed)), dict(part_digests(built))
        differing = sorted(n for n in old.keys() | new.keys() if old.get(n) != new.get(n)) or ["the order"]
        with zipfile.ZipFile(io.BytesIO(committed)) as z:
            committed_by = re.search(r"<dc:description>(.*?);", z.read("docProps/core.xml").decode())
        pytest.fail(
            f"{FILE_NAME} differs from a fresh build in {differing}. Committed: "
            f"{committed_by[1] if committed_by else '?'}; now: {BUILT_BY}. If a source changed, run "
            "cvm-xl template and commit the file; if only a package version differs, install the pinned one."
        )


def test_template_command_check_and_write(tmp_path, built, capsys):
    target = tmp_path / "t.xlsm"
    assert main(["template", "--out", str(target), "--check"]) == 1
    assert not target.exists()
    assert main(["template", "--out", str(target)]) == 0
    assert target.read_bytes() == built
    assert main(["template", "--out", str(target), "--check"]) == 0
    assert main(["template", "--out", str(tmp_path / "t.xlsx")]) == 2
    assert "must end in .xlsm" in capsys.readouterr().err


def test_macro_enabled_package(built):
    with zipfile.ZipFile(io.BytesIO(built)) as z:
        types = z.read("[Content_Types].xml").decode()
        assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
        assert 'Extension="bin" ContentType="application/vnd.ms-office.vbaProject"' in types
        assert "xl/vbaProject.bin" in z.namelist()
        workbook = z.read("xl/workbook.xml").decode()
        assert 'codeName="ThisWorkbook"' in workbook
        for i, sheet in enumerate(layout.SHEETS, start=1):
            assert f'codeName="{layout.codename(sheet)}"' in z.read(f"xl/worksheets/sheet{i}.xml").decode()
    document_modules = {m.name for m in vba_modules() if m.kind == "document"}
    assert document_modules == {"ThisWorkbook", *(layout.codename(s) for s in layout.SHEETS)}


def test_sheets_and_tables_follow_the_schema(book):
    assert book.sheetnames == list(layout.SHEETS)
    assert book[layout.LISTS_SHEET].sheet_state == "hidden"
    for table in TABLES.values():
        ws = book[table.name]
        (tbl,) = ws.tables.values()
        assert tbl.name == table.table_name
        headers = [c.value for c in ws[1]]
        assert headers == [*table.names, *table.computed]
        assert ws.freeze_panes in ("B2", "D2")
    settings_ws = book["Settings"]
    assert list(settings_ws.tables) == [SETTINGS_TABLE]


def test_the_loader_reads_the_template_as_an_empty_master():
    master = load_master(COMMITTED)
    assert master.settings == Settings()
    assert all(len(t) == 0 for t in (master.customers, master.workshop, master.ideas, master.tracking))
    assert [p for p in master.problems if p.is_error] == []


def test_ideas_computed_columns_are_udf_formulas(book):
    ws = book["Ideas"]
    headers = [c.value for c in ws[1]]
    for name, formula in layout.IDEA_FORMULAS.items():
        cell = ws.cell(row=2, column=headers.index(name) + 1)
        assert cell.value == formula
        assert re.search(r"CVM_[A-Z_]+\(", formula)
    assert "CVM_VERDICT(" in layout.IDEA_FORMULAS[col.VERDICT]


def test_every_list_column_has_a_dropdown(book):
    names = {n: d.attr_text for n, d in book.defined_names.items()}
    for table in TABLES.values():
        ws = book[table.name]
        headers = [c.value for c in ws[1]]
        by_column: dict[str, str] = {}
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                by_column[headers[rng.min_col - 1]] = dv.formula1 or ""
                assert rng.min_row == 2 and rng.max_row == VALIDATED_LAST_ROW
        for column in table.columns:
            if column.kind in (Kind.CHOICE, Kind.YES_NO):
                source = by_column[column.name].lstrip("=")
                choices = column.choices if column.kind is Kind.CHOICE else layout.YES_NO
                values = [c.value for c in _cells(book, names[source])]
                assert tuple(values) == choices, column.name
        for source, target, target_column in table.references:
            # an input table may point at a relationship table too (an action's Review ID, issue 14)
            target_table = TABLES.get(target) or RELATIONSHIP_TABLES[target]
            assert names[by_column[source].lstrip("=")] == f"{target_table.table_name}[{target_column}]"


def _cells(book, reference: str):
    sheet, cells = reference.split("!")
    rows = book[sheet][cells.replace("$", "")]
    return [row[0] for row in rows]


def test_settings_sheet_holds_the_defaults(book):
    ws = book["Settings"]
    values = {row[0].value: row[1].value for row in ws.iter_rows(min_row=2) if row[0].value}
    defaults = Settings()
    assert values["Horizon years"] == defaults.horizon_years
    assert values["Target supplier share"] == defaults.target_supplier_share
    assert values["Max one-sided loss"] is None
    assert ws["B5"].number_format == "0%"  # Discount rate


def test_xlwings_conf_names_the_udf_module(book):
    ws = book[layout.CONF_SHEET]
    assert (ws["A1"].value, ws["B1"].value) == ("UDF Modules", UDF_MODULE)
    assert ws["A2"].value is None  # xlwings stops reading at the first blank row


def test_start_sheet_buttons_run_the_macros(built):
    with zipfile.ZipFile(io.BytesIO(built)) as z:
        vml = next(z.read(n).decode() for n in z.namelist() if n.endswith(".vml"))
        rels = z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    assert "vmlDrawing" in rels  # the buttons belong to the Start sheet (sheet1)
    assert re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml) == [
        *(m.sub for m in MACROS),
        *(b.sub for b in CHECK_BUTTONS),
    ]
    for macro in (*MACROS, *CHECK_BUTTONS):
        assert macro.caption in vml


def test_formats_and_highlights(book):
    ws = book["Ideas"]
    headers = [c.value for c in ws[1]]

    def fmt(name: str) -> str:
        return ws.cell(row=2, column=headers.index(name) + 1).number_format

    assert fmt(col.SUPPLIER_SHARE) == "0%"
    assert fmt(col.START) == fmt(col.END) == "yyyy-mm-dd"
    assert fmt(col.SUPPLIER_ANNUAL) == fmt(col.NET_VALUE) == fmt(col.TRANSFER) == "#,##0;[Red]-#,##0"
    assert book["Tracking"]["B2"].number_format == "mmm yyyy"
    highlighted = {str(rng.sqref).split(":")[0] for rng in ws.conditional_formatting}
    letters = {
        name: openpyxl.utils.get_column_letter(headers.index(name) + 1) for name in (col.CELL, col.VERDICT)
    }
    assert highlighted == {f"{letters[col.CELL]}2", f"{letters[col.VERDICT]}2"}
