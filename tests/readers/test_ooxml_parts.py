"""``spreadsheet.ooxml_parts``: openpyxl's package conventions rewritten to Excel's (issue 12
"Readable in every reader"), without changing what any reader reads."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Font

from cvm_xl.spreadsheet.atomic import workbook_bytes
from cvm_xl.spreadsheet.ooxml_parts import normalise_package, schema_ordered_fonts


def _book() -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Data"
    for row in range(1, 5):
        ws.append([f"item {row}", row * 10])
    ws["A1"].comment = Comment("What the column holds", "cvm-xl")
    ws["B1"].font = Font(name="Calibri", size=12, bold=True, color="1F3864")
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=4))
    ws.add_chart(chart, "D2")
    return wb


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_parts_as_excel_names_and_links_them() -> None:
    parts = _parts(workbook_bytes(_book()))
    assert "xl/comments1.xml" in parts and "xl/drawings/vmlDrawing1.vml" in parts
    assert not [name for name in parts if name.startswith("xl/comments/") or "commentsDrawing" in name]
    types = parts["[Content_Types].xml"].decode()
    assert 'PartName="/xl/comments1.xml"' in types
    for name, data in parts.items():
        if name.endswith(".rels"):
            targets = re.findall(r'Target="([^"]+)"', data.decode())
            assert targets and not [t for t in targets if t.startswith("/")], (name, targets)
    sheet_rels = parts["xl/worksheets/_rels/sheet1.xml.rels"].decode()
    assert 'Target="../comments1.xml"' in sheet_rels
    assert 'Target="../drawings/vmlDrawing1.vml"' in sheet_rels
    assert 'Target="../drawings/drawing1.xml"' in sheet_rels
    assert parts["xl/drawings/drawing1.xml"].decode().split("\n", 1)[1].startswith("<xdr:wsDr ")
    assert (
        b"<v:shape " in parts["xl/drawings/vmlDrawing1.vml"]
        and b"ns0:" not in parts["xl/drawings/vmlDrawing1.vml"]
    )


def test_font_children_in_the_schemas_order() -> None:
    styles = _parts(workbook_bytes(_book()))["xl/styles.xml"].decode()
    assert '<font><b val="1"/><sz val="12"/><color rgb="001F3864"/><name val="Calibri"/></font>' in styles
    assert schema_ordered_fonts(b'<font><name val="A"/><i val="1"/><sz val="9"/></font>') == (
        b'<font><i val="1"/><sz val="9"/><name val="A"/></font>'
    )


def test_what_readers_read_is_unchanged_and_the_bytes_are_reproducible() -> None:
    data = workbook_bytes(_book())
    assert normalise_package(data) == data  # already normalised: nothing left to change
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book["Data"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [[f"item {r}", r * 10] for r in range(1, 5)]
    assert ws["A1"].comment is not None and ws["A1"].comment.text == "What the column holds"
    assert ws["B1"].font.b and ws["B1"].font.sz == 12 and ws["B1"].font.name == "Calibri"
    assert len(ws._charts) == 1
