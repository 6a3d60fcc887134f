"""The workbook file: document properties, the content hash, and the zip itself.

Generation stores in ``docProps/custom.xml`` a hash of every other part it wrote. A workbook whose
parts no longer hash to that value was changed after generation (edited, signed, or saved again by
a spreadsheet program), which ``atomic.changed_since_generation`` uses to refuse overwriting it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterable, Mapping

from .xmltext import escape

CUSTOM_PART = "docProps/custom.xml"
CORE_PART = "docProps/core.xml"
APP_PART = "docProps/app.xml"
PROPERTY_PREFIX = "cvm-xl "
HASH_PROPERTY = "cvm-xl content hash"
COMPRESSION_LEVEL = 1  # the parts are repetitive XML: level 1 is nearly as small and much faster
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def part_digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def content_hash(digests: Iterable[tuple[str, bytes]]) -> str:
    """Hash of a workbook's parts (name, sha256 of bytes), the custom properties excluded."""
    h = hashlib.sha256()
    for name, digest in sorted(digests):
        if name == CUSTOM_PART:
            continue
        h.update(name.encode("utf-8") + b"\0" + digest)
    return h.hexdigest()


def custom_xml(properties: Mapping[str, str]) -> bytes:
    items = "".join(
        f'<property fmtid="{_FMTID}" pid="{pid}" name="{escape(name)}"><vt:lpwstr>{escape(value)}</vt:lpwstr>'
        "</property>"
        for pid, (name, value) in enumerate(properties.items(), start=2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"{items}</Properties>"
    ).encode()


def core_xml(*, title: str, subject: str, creator: str, when: dt.datetime) -> bytes:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        "<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:subject>{escape(subject)}</dc:subject>"
        f"<dc:creator>{escape(creator)}</dc:creator><cp:lastModifiedBy>{escape(creator)}</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    b"<Application>cvm-xl</Application><DocSecurity>0</DocSecurity></Properties>"
)


def zip_parts(parts: Mapping[str, bytes], level: int = COMPRESSION_LEVEL) -> bytes:
    """The .xlsx bytes: [Content_Types].xml first, as Office writes it."""
    buffer = io.BytesIO()
    names = sorted(parts, key=lambda n: (n != "[Content_Types].xml", n.startswith("xl/worksheets"), n))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            z.writestr(info, parts[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=level)
    return buffer.getvalue()


def read_custom_properties(data: bytes) -> dict[str, str]:
    """Name -> text of the custom document properties in ``docProps/custom.xml`` bytes."""
    import xml.etree.ElementTree as ET

    ns = {
        "p": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
        "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    }
    out: dict[str, str] = {}
    for prop in ET.fromstring(data).findall("p:property", ns):
        value = next(iter(prop), None)
        out[prop.get("name", "")] = (value.text or "") if value is not None else ""
    return out
