"""What the printed page shows (issue 12): no clipped text, legible Detail, headers naming the customer,
the supplier and the generation date, chart labels clear of the bars, and a master that prints
landscape with its header row repeated.

The row heights are checked against the line count the generator estimates (``text_lines``); the
LibreOffice test prints a customer workbook to PDF and finds the last word of a long description on
the page, which a row capped at the old 54 points cuts off.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import unescape

import openpyxl
import pytest
from generate_fixtures import CUSTOMERS, OWNER, SETTINGS, build_master
from libreoffice import libreoffice  # noqa: F401

from cvm_xl.books import layout as L
from cvm_xl.generate import customer_workbook_bytes
from cvm_xl.generate.sheets import consolidated as C
from cvm_xl.generate.sheets.common import HEADER_TOKEN, MAX_HEADER, header_codes
from cvm_xl.generate.sheets.ideas import WRAPPED
from cvm_xl.generate.sheets.table_sheet import text_lines, wrapped_height
from cvm_xl.generate.signoff_book import signoff_workbook_bytes
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables

GENERATED = dt.datetime(2026, 3, 2, 9, 30)
LAST_WORD = "Quetzalfinale"
# About 900 characters: 17 lines in the Description column, well over the old cap of four.
LONG = " ".join(f"step{k} of the joint plan with the mill and the service centre;" for k in range(14))
LONG += f" {LAST_WORD}"
ZED = CUSTOMERS[1]  # 'Zedwick Rail & <Signal> Co': an ampersand and angle brackets in the header


def _master():
    ideas = [
        {"Idea ID": "Z-01", "Customer ID": ZED["Customer ID"], "Title": "A long description",
         "Description": LONG, "Supplier annual": 40000.0, "Customer annual": 30000.0,
         "Category": "Operational", "Status": "Selected", **OWNER},
        {"Idea ID": "Z-02", "Customer ID": ZED["Customer ID"], "Title": "Short",
         "Description": "One line.", "Supplier annual": -9000.0, "Customer annual": 2000.0, **OWNER},
    ]  # fmt: skip
    return build_master(customers=[ZED], ideas=ideas, workshop=[], tracking=[], settings=SETTINGS)


@pytest.fixture(scope="module")
def book() -> bytes:
    return customer_workbook_bytes(_master(), ZED["Customer ID"], generated=GENERATED)


@pytest.fixture(scope="module")
def signoff() -> bytes:
    return signoff_workbook_bytes(_master(), generated=GENERATED)


def _headers(data: bytes) -> dict[str, str]:
    """Visible sheet name -> its odd-page header's codes as written (XML unescaped)."""
    with zipfile.ZipFile(BytesIO(data)) as z:
        workbook = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        targets = {}
        for tag in re.findall(r"<Relationship [^>]*>", rels):
            target = re.search(r'Target="([^"]+)"', tag).group(1).lstrip("/").removeprefix("xl/")
            targets[re.search(r'Id="([^"]+)"', tag).group(1)] = target
        found = {}
        for m in re.finditer(r"<sheet [^>]*>", workbook):
            tag = m.group(0)
            if 'state="hidden"' in tag or 'state="veryHidden"' in tag:
                continue
            name = unescape(re.search(r'name="([^"]+)"', tag).group(1), {"&quot;": '"'})
            xml = z.read("xl/" + targets[re.search(r'r:id="([^"]+)"', tag).group(1)]).decode()
            header = re.search(r"<oddHeader>(.*?)</oddHeader>", xml)
            found[name] = unescape(header.group(1)) if header else ""
    return found


def test_ideas_rows_are_as_tall_as_their_wrapped_text(book):
    ws = openpyxl.load_workbook(BytesIO(book))[L.IDEAS]
    for r in range(L.FIRST_ROW, L.FIRST_ROW + 2):
        lines = max(text_lines(ws.cell(r, L.IDEA_COLUMNS.index(c) + 1).value, c.width) for c in WRAPPED)
        height = ws.row_dimensions[r].height
        if lines > 1:  # a one-line row keeps the default height
            assert height is not None and height >= min(3 + 12.75 * lines, 409), (r, lines, height)
    assert text_lines(LONG, 50) >= 15 and ws.row_dimensions[L.FIRST_ROW].height > 54  # the old cap
    assert wrapped_height(100) == 409  # Excel's tallest row, not more


def test_every_sheet_has_the_page_header(book, signoff):
    customer = header_codes(ZED["Customer"], SETTINGS.supplier, GENERATED.date())
    assert customer == (
        "&L&8 Zedwick Rail && <Signal> Co&C&8 Supplier: Northwind Steel&R&8 Generated 2026-03-02"
    )
    headers = _headers(book)
    visible = [ws.title for ws in openpyxl.load_workbook(BytesIO(book)) if ws.sheet_state == "visible"]
    assert list(headers) == visible and len(visible) >= 10
    assert set(headers.values()) == {customer}
    consolidated = _headers(signoff)
    assert len(consolidated) == len(openpyxl.load_workbook(BytesIO(signoff)).sheetnames)
    [codes] = set(consolidated.values())
    assert "all customers" in codes and "Northwind Steel" in codes and "2026-03-02" in codes
    for data in (book, signoff):
        assert HEADER_TOKEN.encode() not in data  # every placeholder was replaced


def test_a_long_name_keeps_the_header_within_excels_limit():
    codes = header_codes("A&B " * 200, "S&" * 300, GENERATED.date())
    assert len(codes) <= MAX_HEADER
    assert codes.endswith("Generated 2026-03-02")
    assert not re.search(r"(?<!&)&(?![&LCR8])", codes)  # every '&' of a text is doubled


def test_the_detail_sheet_prints_legibly(signoff):
    ws = openpyxl.load_workbook(BytesIO(signoff))[C.DETAIL]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == C.DETAIL_PAGES_WIDE and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${L.HEADER_ROW}:${L.HEADER_ROW}" and ws.print_title_cols == "$A:$D"
    letters = {c.name: openpyxl.utils.get_column_letter(i) for i, c in enumerate(C.DETAIL_COLUMNS, 1)}
    assert {c.name for c in C.DETAIL_WRAPPED} == {"Title", "Description"}
    for column in C.DETAIL_WRAPPED:
        cell = ws[f"{letters[column.name]}{L.FIRST_ROW}"]
        assert cell.alignment.wrap_text and ws.column_dimensions[letters[column.name]].width == column.width
    long_row = next(
        r for r in range(L.FIRST_ROW, ws.max_row + 1) if ws[f"{letters['Description']}{r}"].value == LONG
    )
    assert ws.row_dimensions[long_row].height == wrapped_height(text_lines(LONG, 50))


def test_map_chart_labels_sit_at_the_low_end(book):
    with zipfile.ZipFile(BytesIO(book)) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    # with or without the c: prefix (the default namespace is the chart's)
    bar = [c for c in charts if re.search(r"<(c:)?barChart>", c)]
    assert len(bar) == 1
    category_axis = re.search(r"<(c:)?catAx>.*?</(c:)?catAx>", bar[0], re.S).group(0)
    assert re.search(r'<(c:)?tickLblPos val="low"/>', category_axis)


def test_the_master_prints_landscape_with_its_header_row_repeated(tmp_path):
    path = tmp_path / "master.xlsx"
    write_master(path, sample_settings(), sample_tables())
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.oddFooter.left.text == "&A", ws.title
    assert wb["Ideas"].page_setup.fitToWidth == 3 and wb["Ideas"].print_title_cols == "$A:$A"


def test_the_printed_page_shows_the_whole_description_and_the_header(book, libreoffice, tmp_path):  # noqa: F811
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    path = tmp_path / "zedwick.xlsx"
    path.write_bytes(book)
    pdf = libreoffice.to_pdf([path], tmp_path / "pdf")[0]
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    text = pages.stdout
    ideas = [p for p in text.split("\f") if f"Ideas: {ZED['Customer']}" in p]
    assert ideas and LAST_WORD in ideas[0]  # not clipped by the row height
    for page in filter(str.strip, text.split("\f")):
        assert ZED["Customer"] in page and "Supplier: Northwind Steel" in page, page[:200]
        assert "Generated 2026-03-02" in page


def test_a_capped_row_would_be_caught(book, libreoffice, tmp_path):  # noqa: F811
    """The check above can fail: the same workbook with the description's row at the old 54 points
    prints without the last word."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    wb = openpyxl.load_workbook(BytesIO(book))
    wb[L.IDEAS].row_dimensions[L.FIRST_ROW].height = 54
    path = tmp_path / "capped.xlsx"
    wb.save(path)
    pdf = libreoffice.to_pdf([path], tmp_path / "pdf")[0]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert LAST_WORD not in text


def test_the_render_script_names_the_pages_it_keeps():
    """docs/render_pages.py keeps one image per sheet kind; the images it wrote are in docs/pages."""
    pages = Path(__file__).resolve().parents[2] / "docs" / "pages"
    names = {p.stem for p in pages.glob("*.png")}
    expected = {f"customer-{n}" for n in ("cover", "ideas", "map", "relationship", "settings")}
    expected |= {"signoff-detail", "signoff-summary", "master-ideas"}
    assert expected <= names, expected - names
