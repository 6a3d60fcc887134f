"""The parts of a spreadsheet package as every reader expects them (SPEC §7 "Readable in every reader").

openpyxl writes files that Excel, LibreOffice and openpyxl read, but other readers take the
package's conventions literally. ``normalise_parts`` rewrites what differs, nothing else:

- Relationship targets are relative to the part that holds them (``../tables/table1.xml``), as
  Excel writes them; openpyxl writes absolute ones (``/xl/tables/table1.xml``), which exceljs looks
  up literally and does not find.
- Comments are ``xl/commentsN.xml`` and their VML shapes ``xl/drawings/vmlDrawingN.vml`` (Excel's
  names; openpyxl writes ``xl/comments/comment1.xml`` and ``commentsDrawing1.vml``, which exceljs
  does not recognise); the content types and every relationship follow the new names.
- Drawings carry the ``xdr:`` prefix (and ``a:``, ``c:``, ``r:``) Excel writes; openpyxl writes the
  spreadsheet-drawing namespace as the default one, which exceljs does not parse and Gnumeric
  drops the charts of.
- The children of ``<font>`` and ``<rPr>`` come in the order of the schema's sequence (b, i, …,
  sz, color, name, family, charset, scheme); openpyxl writes name first, which the Open XML SDK's
  validation (``openxml-audit``) reports as a schema error.

Everything here is a function of the parts alone, so the same parts give the same bytes.
"""

from __future__ import annotations

import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping

CONTENT_TYPES = "[Content_Types].xml"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# The prefixes Excel writes in a drawing part (``xdr:wsDr`` ...): readers such as exceljs match
# element names with their prefix.
_DRAWING_PREFIXES = {
    "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing": "xdr",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "a",
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "c",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships": "r",
    "http://schemas.openxmlformats.org/markup-compatibility/2006": "mc",
}
_DRAWING_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
# ... and in a VML drawing (comment boxes, buttons): openpyxl writes ns0:, ns1: ..., binding one
# namespace to several prefixes, which Gnumeric complains of and exceljs does not read.
_VML_PREFIXES = {
    "urn:schemas-microsoft-com:vml": "v",
    "urn:schemas-microsoft-com:office:office": "o",
    "urn:schemas-microsoft-com:office:excel": "x",
}

# Excel's part names that readers look for by pattern, and where openpyxl's parts of that kind go.
_COMMENTS = re.compile(r"xl/comments(\d+)\.xml")
_COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
_VML = re.compile(r"xl/drawings/vmlDrawing(\d+)\.vml")

# CT_Font and CT_RPrElt (ECMA-376 part 1, §18.8.22 and §18.4.7): a sequence, in this order.
_FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz",
               "color", "name", "rFont", "family", "charset", "scheme")  # fmt: skip
_FONT_RANK = {name: rank for rank, name in enumerate(_FONT_ORDER)}
_FONT_BLOCK = re.compile(r"<(font|rPr)>((?:<[A-Za-z]+\b[^<>]*/>)+)</\1>")
_EMPTY_CHILD = re.compile(r"<([A-Za-z]+)\b[^<>]*/>")


def rels_part(part: str) -> str:
    """The relationships part of ``part`` (``xl/worksheets/_rels/sheet1.xml.rels``)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def source_of(rels: str) -> str:
    """The part whose relationships ``rels`` holds ("" for the package's own ``_rels/.rels``)."""
    folder, name = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), name[: -len(".rels")])


def _content_types(parts: Mapping[str, bytes]) -> dict[str, str]:
    """Part name (without the leading slash) -> content type, from the Override entries."""
    xml = parts.get(CONTENT_TYPES, b"").decode("utf-8")
    out = {}
    for m in re.finditer(r"<Override\b[^>]*>", xml):
        name = re.search(r'PartName="/?([^"]+)"', m.group(0))
        kind = re.search(r'ContentType="([^"]+)"', m.group(0))
        if name and kind:
            out[name.group(1)] = kind.group(1)
    return out


def _free_number(pattern: str, used: set[str], wanted: int) -> str:
    number = wanted
    while pattern.format(number) in used:
        number += 1
    return pattern.format(number)


def _renames(parts: Mapping[str, bytes]) -> dict[str, str]:
    """Old part name -> Excel's name, for comments and VML drawings that readers look up by name."""
    types = _content_types(parts)
    used = set(parts)
    renames: dict[str, str] = {}
    for part in sorted(parts):
        if types.get(part) == _COMMENTS_TYPE and not _COMMENTS.fullmatch(part):
            pattern = "xl/comments{}.xml"
        elif part.endswith(".vml") and not _VML.fullmatch(part):
            pattern = "xl/drawings/vmlDrawing{}.vml"
        else:
            continue
        digits = re.search(r"(\d+)\.\w+$", part)
        new = _free_number(pattern, used, int(digits.group(1)) if digits else 1)
        used.add(new)
        renames[part] = new
    # A renamed part's own relationships move with it.
    for old, new in list(renames.items()):
        if rels_part(old) in parts:
            renames[rels_part(old)] = rels_part(new)
    return renames


def _attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _relative_rels(rels: str, xml: bytes, renames: Mapping[str, str]) -> bytes:
    """The relationships with every internal target relative to the source part, renames applied."""
    source_folder = posixpath.dirname(source_of(rels))
    out = []
    for rel in ET.fromstring(xml):
        attributes = dict(rel.attrib)
        target = attributes.get("Target", "")
        if attributes.get("TargetMode") != "External" and target:
            absolute = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(source_folder, target))
            )
            absolute = renames.get(absolute, absolute)
            attributes["Target"] = posixpath.relpath(absolute, source_folder or ".")
        text = " ".join(f'{key}="{_attribute(value)}"' for key, value in attributes.items())
        out.append(f"<Relationship {text}/>")
    return f'{_XML_DECLARATION}<Relationships xmlns="{_PKG_RELS}">{"".join(out)}</Relationships>'.encode()


def _renamed_content_types(xml: bytes, renames: Mapping[str, str]) -> bytes:
    text = xml.decode("utf-8")
    for old, new in renames.items():
        text = text.replace(f'PartName="/{old}"', f'PartName="/{new}"')
    return text.encode("utf-8")


def _qualified(tag: str, prefixes: dict[str, str]) -> str:
    if not tag.startswith("{"):
        return tag
    namespace, local = tag[1:].split("}", 1)
    if namespace not in prefixes:
        prefixes[namespace] = f"ns{len(prefixes)}"
    return f"{prefixes[namespace]}:{local}"


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _serialise(element: ET.Element, prefixes: dict[str, str], out: list[str]) -> None:
    out.append(f"<{_qualified(element.tag, prefixes)}")
    for key, value in element.attrib.items():
        out.append(f' {_qualified(key, prefixes)}="{_attribute(value)}"')
    if len(element) == 0 and not element.text:
        out.append("/>")
    else:
        out.append(">")
        if element.text:
            out.append(_text(element.text))
        for child in element:
            _serialise(child, prefixes, out)
            if child.tail:
                out.append(_text(child.tail))
        out.append(f"</{_qualified(element.tag, prefixes)}>")


def prefixed(xml: bytes, wanted: Mapping[str, str], declaration: bool = True) -> bytes:
    """The XML part with Excel's prefixes (``wanted``: namespace -> prefix, e.g. ``xdr:wsDr``),
    every namespace declared once, on the root element."""
    root = ET.fromstring(xml)
    prefixes = dict(wanted)
    body: list[str] = []
    _serialise(root, prefixes, body)
    declarations = "".join(f' xmlns:{prefix}="{namespace}"' for namespace, prefix in prefixes.items())
    body[0] += declarations
    return ((_XML_DECLARATION if declaration else "") + "".join(body)).encode("utf-8")


def prefixed_vml(xml: bytes) -> bytes:
    """A VML drawing with the prefixes Excel writes (v:, o:, x:); a part that is not well-formed
    XML (older VML can be loose) is kept as it is."""
    try:
        return prefixed(xml, _VML_PREFIXES, declaration=False)
    except ET.ParseError:
        return xml


def _ordered_font(match: re.Match[str]) -> str:
    # (rank, child XML) per child; sorted() is stable, so children unknown to the schema keep
    # their order after the known ones.
    children = [
        (_FONT_RANK.get(child.group(1), len(_FONT_RANK)), child.group(0))
        for child in _EMPTY_CHILD.finditer(match.group(2))
    ]
    ordered = "".join(xml for _, xml in sorted(children, key=lambda child: child[0]))
    return f"<{match.group(1)}>{ordered}</{match.group(1)}>"


def schema_ordered_fonts(xml: bytes) -> bytes:
    """Every ``<font>`` and ``<rPr>`` with its children in the schema's order."""
    text = xml.decode("utf-8")
    ordered = _FONT_BLOCK.sub(_ordered_font, text)
    return xml if ordered == text else ordered.encode("utf-8")


def normalise_parts(parts: Mapping[str, bytes]) -> dict[str, bytes]:
    """The package's parts (name -> bytes, in zip order) as every reader expects them; parts that
    need no change are passed through as they are, renamed parts keep their place."""
    renames = _renames(parts)
    types = _content_types(parts)
    out: dict[str, bytes] = {}
    for name, data in parts.items():
        new_name = renames.get(name, name)
        if name == CONTENT_TYPES:
            data = _renamed_content_types(data, renames)
        elif new_name.endswith(".rels"):
            data = _relative_rels(new_name, data, renames)
        elif types.get(name) == _DRAWING_TYPE:
            data = prefixed(data, _DRAWING_PREFIXES)
        elif new_name.endswith(".vml"):
            data = prefixed_vml(data)
        elif name == "xl/styles.xml" or types.get(name) == _COMMENTS_TYPE or name == "xl/sharedStrings.xml":
            data = schema_ordered_fonts(data)
        out[new_name] = data
    return out


def normalise_package(data: bytes) -> bytes:
    """A whole .xlsx/.xlsm (bytes) with its parts normalised (``normalise_parts``); each entry keeps
    its place, date and compression, so the same input gives the same bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        infos = source.infolist()
        parts = {info.filename: source.read(info) for info in infos}
    normalised = normalise_parts(parts)
    renames = dict(zip(parts, normalised, strict=True))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in infos:
            name = renames[info.filename]
            entry = zipfile.ZipInfo(name, date_time=info.date_time)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            entry.create_system = info.create_system
            target.writestr(entry, normalised[name])
    return buffer.getvalue()
