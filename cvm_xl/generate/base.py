"""The base workbook: built once per run with openpyxl, then stamped with each customer's cells.

openpyxl writes everything that is the same for every customer (styles, theme, sheet views,
column widths, validation, conditional formats, protection, page setup, tables, the chart and the
defined names). The base holds no customer data at all, so every part of it can be reused as is;
per customer only the sheets' ``<sheetData>``, the table ranges and the document properties are
written.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.workbook.defined_name import DefinedName

from cvm_xl.books import layout as L
from cvm_xl.books.package import (
    APP_PART,
    APP_XML,
    CORE_PART,
    CUSTOM_PART,
    HASH_PROPERTY,
    Deflated,
    Piece,
    ZipTemplate,
    content_hash,
    custom_xml,
    deflate,
    deflate_pieces,
    part_digest,
)
from cvm_xl.generate import styles as st
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets.common import (
    HEADER_XML,
    D,
    RenderContext,
    Sheet,
    SheetBuilder,
    StaticSheet,
    stamp_header,
)
from cvm_xl.spreadsheet.ooxml_parts import normalise_parts
from cvm_xl.spreadsheet.xmltext import SHARED_STRINGS, SharedStrings

_SHEET_DATA = re.compile(r"<sheetData\s*/>|<sheetData>.*?</sheetData>", re.S)
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')
_REF = re.compile(r'ref="[^"]*"')
SHARED_STRINGS_PART = "xl/sharedStrings.xml"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _declare_shared_strings(parts: dict[str, bytes]) -> None:
    """Register a shared-strings part (openpyxl writes inline strings and declares none)."""
    types = parts["[Content_Types].xml"].decode()
    if "/xl/sharedStrings.xml" not in types:
        types = types.replace(
            "</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/></Types>'
        )
        parts["[Content_Types].xml"] = types.encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    if "sharedStrings" not in rels:
        rels = rels.replace(
            "</Relationships>",
            f'<Relationship Id="rIdSharedStrings" Type="{_SST_REL}" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        parts["xl/_rels/workbook.xml.rels"] = rels.encode()


@dataclass
class SheetTemplate:
    """A sheet part's XML around its cells, which are written per workbook."""

    part: str
    head: str  # up to the dimension's ref value
    middle: str  # from after the dimension to <sheetData>
    tail: str

    def assemble(self, sd: SheetData) -> bytes:
        return b"".join(piece.raw if isinstance(piece, Deflated) else piece for piece in self.pieces(sd))

    def pieces(self, sd: SheetData, header: str | None = None) -> list[Piece]:
        """The part's bytes, with the pieces deflated already kept apart; ``header`` is the
        workbook's page header (``common.header_codes``)."""
        out: list[Piece] = []
        text = [f'{self.head}<dimension ref="{sd.dimension()}"/>{self.middle}<sheetData>']
        for piece in sd.pieces():
            if isinstance(piece, str):
                text.append(piece)
            else:
                out += ["".join(text).encode(), piece]
                text = []
        text.append(f"</sheetData>{stamp_header(self.tail, header)}")
        out.append("".join(text).encode())
        return out


@dataclass
class Base(Generic[D]):
    """Static parts (name -> bytes, and their digests) and per-sheet templates, for data ``D``."""

    context: RenderContext
    static_parts: dict[str, bytes]
    static_digests: dict[str, tuple[int, int]]  # part name -> CRC-32 and length (``part_digest``)
    sheets: list[tuple[SheetBuilder[D], SheetTemplate]]  # the sheets rendered per workbook
    tables: dict[str, tuple[str, str]]  # table name -> (part, xml)
    zip: ZipTemplate
    page_header: Callable[[D], str] | None = None  # a workbook's page header codes, from its data

    def table_xml(self, name: str, ref: str) -> bytes:
        _, xml = self.tables[name]
        return _REF.sub(f'ref="{ref}"', xml).encode()

    def _rendered(self, data: D, core: bytes) -> dict[str, list[Piece]]:
        """The rendered sheets and tables, the shared strings and the core properties."""
        parts: dict[str, list[Piece]] = {}
        shared = SharedStrings()
        token = SHARED_STRINGS.set(shared)
        header = self.page_header(data) if self.page_header is not None else None
        try:
            for builder, template in self.sheets:
                parts[template.part] = template.pieces(builder.render(data, self.context), header)
                for table, ref in builder.tables.items():
                    part, _ = self.tables[table]
                    parts[part] = [self.table_xml(table, ref(data))]
        finally:
            SHARED_STRINGS.reset(token)
        parts[SHARED_STRINGS_PART] = [shared.xml()]
        parts[CORE_PART] = [core]
        return parts

    def _custom(self, properties: dict[str, str], digests: dict[str, tuple[int, int]]) -> bytes:
        """The custom properties, with the hash of every other part (static ones included)."""
        return custom_xml(
            {**properties, HASH_PROPERTY: content_hash({**self.static_digests, **digests}.items())}
        )

    def variable_parts(self, data: D, core: bytes, properties: dict[str, str]) -> dict[str, bytes]:
        """The parts that differ between workbooks: rendered sheets and tables, shared strings,
        document properties, and last the custom properties with the hash of all other parts."""
        parts = {
            name: b"".join(piece.raw if isinstance(piece, Deflated) else piece for piece in pieces)
            for name, pieces in self._rendered(data, core).items()
        }
        parts[CUSTOM_PART] = self._custom(
            properties, {name: part_digest(value) for name, value in parts.items()}
        )
        return parts

    def parts(self, data: D, core: bytes, properties: dict[str, str]) -> dict[str, bytes]:
        """Every part of one workbook, uncompressed."""
        return {**self.static_parts, **self.variable_parts(data, core, properties)}

    def workbook(self, data: D, core: bytes, properties: dict[str, str]) -> bytes:
        """The .xlsx bytes: the static parts come deflated already, only the rest is compressed.
        Each part's CRC is computed once, for the zip and for the content hash alike."""
        entries = [deflate_pieces(name, pieces) for name, pieces in self._rendered(data, core).items()]
        digests = {e.name.decode("utf-8"): (e.crc, e.size) for e in entries}
        entries.append(deflate(CUSTOM_PART, self._custom(properties, digests)))
        return self.zip.build(entries)


def _relationships(xml: str) -> dict[str, str]:
    return {m.group(2): m.group(1) for m in re.finditer(r'Target="([^"]+)"[^>]*Id="([^"]+)"', xml)} | {
        m.group(1): m.group(2) for m in re.finditer(r'Id="([^"]+)"[^>]*Target="([^"]+)"', xml)
    }


def _sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name -> part name, from workbook.xml and its relationships."""
    workbook = parts["xl/workbook.xml"].decode()
    rels = _relationships(parts["xl/_rels/workbook.xml.rels"].decode())
    out = {}
    for m in re.finditer(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', workbook):
        target = rels[m.group(2)].lstrip("/")
        out[m.group(1).replace("&amp;", "&")] = target if target.startswith("xl/") else f"xl/{target}"
    return out


def _defined_names(wb: Workbook, layout: L.SignOffLayout, sheets: set[str]) -> None:
    names = dict(L.settings_names()) if L.SETTINGS in sheets else {}
    if L.SIGN_OFF in sheets:
        sign_off = L.sheet_ref(L.SIGN_OFF)
        names[L.FINGERPRINT_NAME] = f"{sign_off}!${L.FINGERPRINT_CELL[0]}${L.FINGERPRINT_CELL[1:]}"
        for (firm, label), name in L.SIGNATORY_NAMES.items():
            names[name] = f"{sign_off}!${L.SIGN_VALUE_COLS[firm]}${layout.sign_rows[label]}"
    for name, ref in names.items():
        wb.defined_names[name] = DefinedName(name, attr_text=ref)


def build_base(
    builders: Sequence[Sheet[D]],
    context_without_styles: RenderContext,
    page_header: Callable[[D], str] | None = None,
) -> Base[D]:
    """Build the base workbook for these sheets and settings, and split it into reusable parts.
    ``page_header`` gives each workbook's page header (``common.header_codes``); without it the
    sheets print no header."""
    wb = Workbook()
    first = wb.active
    if first is not None:  # a new workbook comes with an empty sheet: only the builders' are wanted
        wb.remove(first)
    styles = st.register(wb)
    ctx = RenderContext(
        settings=context_without_styles.settings, styles=styles, sign_off=context_without_styles.sign_off
    )
    for builder in builders:
        ws = wb.create_sheet(builder.name)
        builder.setup(ws, ctx)
        if builder.hidden:
            ws.sheet_state = builder.hidden
    _defined_names(wb, ctx.sign_off, {b.name for b in builders})
    # openpyxl 3.1 has the custom properties, the stubs do not know them yet
    wb.custom_doc_props.append(StringProperty(name="cvm-xl", value="base"))  # type: ignore[attr-defined]
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as z:
        # As every reader expects them (relative targets, Excel's part names and prefixes, the
        # schema's order): done once here, every workbook of the run is stamped from these parts.
        parts = normalise_parts({name: z.read(name) for name in z.namelist()})
    parts[APP_PART] = APP_XML
    parts.pop(SHARED_STRINGS_PART, None)
    _declare_shared_strings(parts)
    sheet_parts = _sheet_parts(parts)

    sheets: list[tuple[SheetBuilder[D], SheetTemplate]] = []
    for builder in builders:
        part = sheet_parts[builder.name]
        xml = parts[part].decode()
        cells = _SHEET_DATA.search(xml)
        dim = _DIMENSION.search(xml)
        if cells is None or dim is None:
            raise RuntimeError(f"Unexpected sheet XML from openpyxl for {builder.name}")
        template = SheetTemplate(
            part=part,
            head=xml[: dim.start()],
            middle=xml[dim.end() : cells.start()],
            tail=xml[cells.end() :],
        )
        if isinstance(builder, StaticSheet):
            static = builder.render(ctx)
            if page_header is None or HEADER_XML not in template.tail:
                parts[part] = template.assemble(static)
                continue
            # The same cells in every workbook, but each workbook's own page header: the sheet is
            # assembled per workbook from the cells rendered here once.
            del parts[part]
            sheets.append((SheetBuilder(builder.name, builder.setup, _same_cells(static)), template))
        else:
            del parts[part]
            sheets.append((builder, template))

    tables: dict[str, tuple[str, str]] = {}
    for name in [n for n in parts if n.startswith("xl/tables/")]:
        xml = parts.pop(name).decode()
        display = re.search(r'displayName="([^"]+)"', xml)
        if display:
            tables[display.group(1)] = (name, xml)
    for part in (CORE_PART, CUSTOM_PART):
        parts.pop(part, None)
    digests = {name: part_digest(data) for name, data in parts.items()}
    order = sorted(parts, key=lambda n: (n != "[Content_Types].xml", n))
    return Base(
        ctx,
        parts,
        digests,
        sheets,
        tables,
        ZipTemplate([deflate(name, parts[name]) for name in order]),
        page_header,
    )


def _same_cells(cells: SheetData) -> Callable[[object, RenderContext], SheetData]:
    """A render that gives the cells of a static sheet, whatever the workbook's data."""

    def render(data: object, ctx: RenderContext) -> SheetData:
        return cells

    return render
