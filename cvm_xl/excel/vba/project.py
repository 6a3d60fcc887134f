"""A VBA project stored as source only ([MS-OVBA]): PROJECT, PROJECTwm, VBA/dir, VBA/_VBA_PROJECT
and one compressed source stream per module.

No compiled p-code and no performance cache: ``_VBA_PROJECT`` is the 7-byte header with version
0xFFFF, which tells Office to compile the project from source when the workbook is opened.
"""

from __future__ import annotations

import struct
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from cvm_xl.excel.vba.cfb import CompoundFile
from cvm_xl.excel.vba.compression import compress

CODEPAGE = 1252
ENCODING = "cp1252"
STANDARD, CLASS, DOCUMENT = "standard", "class", "document"

# The type libraries a new Excel workbook's project references (VBA and Excel are implicit).
REFERENCES = (
    (
        "stdole",
        "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation",
    ),
    (
        "Office",
        "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\\Program Files\\Common Files\\Microsoft Shared"
        "\\OFFICE16\\MSO.DLL#Microsoft Office 16.0 Object Library",
    ),
)
_HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
_VISIBLE = b"\xff"
_SEED = 0x07  # fixed so that CMG/DPB/GC and therefore the whole file are reproducible


@dataclass(frozen=True)
class Module:
    """One VBA module: its name, kind (standard, class or document) and source text (CRLF lines)."""

    name: str
    kind: str
    source: str

    def encoded(self) -> bytes:
        return self.source.encode(ENCODING)


def _record(record_id: int, data: bytes) -> bytes:
    return struct.pack("<HI", record_id, len(data)) + data


def _text_record(record_id: int, reserved_id: int, text: str) -> bytes:
    """A record carrying the text twice: in the code page, then (after ``reserved_id``) in UTF-16."""
    return _record(record_id, text.encode(ENCODING)) + _record(reserved_id, text.encode("utf-16-le"))


def dir_stream(modules: Sequence[Module], project_name: str = "VBAProject") -> bytes:
    """The uncompressed ``dir`` stream (MS-OVBA 2.3.4.2)."""
    out = bytearray()
    out += _record(0x0001, struct.pack("<I", 1))  # PROJECTSYSKIND: 32-bit Windows
    out += _record(0x0002, struct.pack("<I", 0x0409))  # PROJECTLCID
    out += _record(0x0014, struct.pack("<I", 0x0409))  # PROJECTLCIDINVOKE
    out += _record(0x0003, struct.pack("<H", CODEPAGE))  # PROJECTCODEPAGE
    out += _record(0x0004, project_name.encode(ENCODING))  # PROJECTNAME
    out += _text_record(0x0005, 0x0040, "")  # PROJECTDOCSTRING
    out += _record(0x0006, b"") + _record(0x003D, b"")  # PROJECTHELPFILEPATH: two empty MBCS copies
    out += _record(0x0007, struct.pack("<I", 0))  # PROJECTHELPCONTEXT
    out += _record(0x0008, struct.pack("<I", 0))  # PROJECTLIBFLAGS
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # PROJECTVERSION: Reserved 4, major 1, minor 0
    out += _text_record(0x000C, 0x003C, "")  # PROJECTCONSTANTS
    for name, libid in REFERENCES:
        out += _text_record(0x0016, 0x003E, name)  # REFERENCENAME
        registered = struct.pack("<I", len(libid)) + libid.encode(ENCODING) + struct.pack("<IH", 0, 0)
        out += _record(0x000D, registered)  # REFERENCEREGISTERED
    out += _record(0x000F, struct.pack("<H", len(modules)))  # PROJECTMODULES
    out += _record(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for module in modules:
        out += _record(0x0019, module.name.encode(ENCODING))  # MODULENAME
        out += _record(0x0047, module.name.encode("utf-16-le"))  # MODULENAMEUNICODE
        out += _text_record(0x001A, 0x0032, module.name)  # MODULESTREAMNAME
        out += _text_record(0x001C, 0x0048, "")  # MODULEDOCSTRING
        out += _record(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source starts at byte 0
        out += _record(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _record(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
        out += struct.pack("<HI", 0x0021 if module.kind == STANDARD else 0x0022, 0)  # MODULETYPE
        out += struct.pack("<HI", 0x002B, 0)  # module terminator
    out += struct.pack("<HI", 0x0010, 0)  # dir terminator
    return bytes(out)


def encrypt(data: bytes, project_id: str, seed: int = _SEED) -> str:
    """MS-OVBA 2.4.3.2 data encryption (an obfuscation) of ``data``, as the hex text PROJECT stores."""
    version = 2
    proj_key = sum(project_id.encode(ENCODING)) & 0xFF
    out = [seed, seed ^ version, seed ^ proj_key]
    unencrypted_1, encrypted_1, encrypted_2 = proj_key, out[2], out[1]

    def put(byte: int) -> None:
        nonlocal unencrypted_1, encrypted_1, encrypted_2
        enc = byte ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        out.append(enc)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, enc, byte

    for _ in range((seed & 6) // 2):
        put(7)  # the ignored bytes: arbitrary; 7 is the value of the specification's examples
    for byte in struct.pack("<I", len(data)) + data:
        put(byte)
    return bytes(out).hex().upper()


def project_stream(modules: Sequence[Module], project_id: str, project_name: str = "VBAProject") -> bytes:
    """The PROJECT stream (MS-OVBA 2.3.1): module list, name, protection state, host extender."""
    lines = [f'ID="{project_id}"']
    for module in modules:
        if module.kind == DOCUMENT:
            lines.append(f"Document={module.name}/&H00000000")
        elif module.kind == CLASS:
            lines.append(f"Class={module.name}")
        else:
            lines.append(f"Module={module.name}")
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{encrypt(bytes(4), project_id)}"',  # not protected
        f'DPB="{encrypt(bytes(1), project_id)}"',  # no password
        f'GC="{encrypt(_VISIBLE, project_id)}"',
        "",
        "[Host Extender Info]",
        _HOST_EXTENDER,
        "",
        "[Workspace]",
        *(f"{m.name}=0, 0, 0, 0, C" for m in modules),
        "",
    ]
    return "\r\n".join(lines).encode(ENCODING)


def projectwm_stream(modules: Sequence[Module]) -> bytes:
    """Module names in the code page and in UTF-16 (MS-OVBA 2.3.3)."""
    out = bytearray()
    for module in modules:
        out += module.name.encode(ENCODING) + b"\x00" + module.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def project_id_for(name: str) -> str:
    """A stable project GUID derived from a name, in the registry format PROJECT uses."""
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"cvm-xl:{name}")).upper() + "}"


def check_modules(modules: Sequence[Module]) -> None:
    names = [m.name.upper() for m in modules]
    if len(set(names)) != len(names):
        raise ValueError("VBA module names must be unique (case-insensitive)")
    for module in modules:
        if module.kind not in (STANDARD, CLASS, DOCUMENT):
            raise ValueError(f"module {module.name}: unknown kind {module.kind!r}")
        if not module.name.isidentifier() or len(module.name) > 31:
            raise ValueError(f"module name {module.name!r} is not a valid VBA identifier")
        if "\n" in module.source.replace("\r\n", "") or "\r" in module.source.replace("\r\n", ""):
            raise ValueError(f"module {module.name}: lines must end with CRLF")
        first = module.source.split("\r\n", 1)[0]
        if first != f'Attribute VB_Name = "{module.name}"':
            raise ValueError(f"module {module.name}: source must start with its VB_Name attribute")
        module.encoded()  # raises UnicodeEncodeError for text outside code page 1252


def vba_project_bin(modules: Sequence[Module], project_name: str = "VBAProject") -> bytes:
    """The bytes of a vbaProject.bin holding ``modules`` as source."""
    check_modules(modules)
    project_id = project_id_for(project_name + ":" + ",".join(m.name for m in modules))
    cfb = CompoundFile()
    cfb.add_stream("PROJECT", project_stream(modules, project_id, project_name))
    cfb.add_stream("PROJECTwm", projectwm_stream(modules))
    cfb.add_stream("VBA/_VBA_PROJECT", struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0003))
    cfb.add_stream("VBA/dir", compress(dir_stream(modules, project_name)))
    for module in modules:
        cfb.add_stream(f"VBA/{module.name}", compress(module.encoded()))
    return cfb.to_bytes()
