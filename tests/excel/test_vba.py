"""The VBA project writer: MS-OVBA compression and encryption against the specification's own
examples, the compound file against olefile, and the whole project against oletools' olevba."""

from __future__ import annotations

import re
import struct

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools import olevba
from oletools.olevba import decompress_stream

from cvm_xl.excel.template import build_template
from cvm_xl.excel.template.builder import vba_modules
from cvm_xl.excel.vba import modules as vm
from cvm_xl.excel.vba.cfb import CompoundFile
from cvm_xl.excel.vba.compression import compress, max_length
from cvm_xl.excel.vba.project import (
    STANDARD,
    Module,
    check_modules,
    dir_stream,
    encrypt,
    project_stream,
    vba_project_bin,
)
from udfs import cvm_udfs, xl

# [MS-OVBA] 3.2.1 and 3.2.2: the specification's compression examples, byte for byte.
SPEC_COMPRESSION = [
    (
        b"abcdefghijklmnopqrstuv.",
        "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E",
    ),
    (
        b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
        "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20 6D 6E 6F "
        "70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C",
    ),
]


@pytest.mark.parametrize(("data", "expected"), SPEC_COMPRESSION)
def test_compression_matches_the_specification_examples(data, expected):
    assert compress(data) == bytes.fromhex(expected)


def test_copy_token_length_limit():
    # The bug fixed here in other writers: the limit is (0xFFFF >> bit_count) + 3.
    assert [max_length(p) for p in (1, 16, 17, 32, 33, 4095, 4096)] == [4098, 4098, 2050, 2050, 1026, 18, 18]


vba_text = st.text(alphabet=st.sampled_from(list("abc Dim x = 1\r\n'\"()_.,")), max_size=12000)


@pytest.mark.engine
@settings(max_examples=60, deadline=None)
@given(vba_text)
def test_compression_round_trips_through_olevba(text):
    data = text.encode("cp1252")
    assert bytes(decompress_stream(bytearray(compress(data)))) == data


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=9000))
def test_compression_round_trips_binary(data):
    out = bytes(decompress_stream(bytearray(compress(data))))
    # A chunk that does not compress is stored raw and, at the very end, padded to 4096 bytes.
    assert out[: len(data)] == data and set(out[len(data) :]) <= {0}


def test_large_source_compresses():
    source = vm.xlwings_module().encoded()
    packed = compress(source)
    assert len(packed) < len(source) / 2
    assert bytes(decompress_stream(bytearray(packed))) == source


def test_encryption_matches_the_specification_examples():
    # [MS-OVBA] 3.1.6: CMG, DPB and GC of the example project, with its seeds.
    project_id = "{917DED54-440B-4FD1-A5C1-74ACF261E600}"
    assert encrypt(bytes(4), project_id, 0x07) == "0705D8E3D8EDDBF1DBF1DBF1DBF1"
    assert encrypt(bytes(1), project_id, 0x0E) == "0E0CD1ECDFF4E7F5E7F5E7"
    assert encrypt(b"\xff", project_id, 0x15) == "1517CAF1D6F9D7F9D706"


# --- compound file -------------------------------------------------------------------------------


@pytest.mark.parametrize("n_streams", [1, 3, 7, 20])
def test_compound_file_reads_back_with_olefile(n_streams):
    cfb = CompoundFile()
    streams = {f"S/Stream{i}": bytes([i]) * (i * 700) for i in range(n_streams)}
    streams["Top"] = b"x" * 5000  # a regular stream
    streams["S/Deeper/Tiny"] = b"t"
    streams["S/Empty"] = b""
    for path, data in streams.items():
        cfb.add_stream(path, data)
    raw = cfb.to_bytes()
    assert len(raw) % 512 == 0
    ole = olefile.OleFileIO(raw)
    found = {"/".join(p): ole.openstream(p).read() for p in ole.listdir()}
    assert found == streams
    for entry in ole.direntries:
        if entry is not None:
            assert entry.createTime == entry.modifyTime == 0
    _assert_red_black(ole)


RED, BLACK = 0, 1  # directory entry colours ([MS-CFB] 2.6.1)


def _assert_red_black(ole):
    """Every storage's sibling tree: a binary search tree by (length, upper-case name), no red node
    with a red child, the same number of black nodes on every path ([MS-CFB] 2.6.4)."""
    entries = ole.direntries

    def key(sid):
        name = entries[sid].name
        return (len(name), name.upper())

    def walk(sid, low, high):
        if sid == olefile.NOSTREAM:
            return 1
        e = entries[sid]
        assert (low is None or key(sid) > low) and (high is None or key(sid) < high)
        for child in (e.sid_left, e.sid_right):
            if e.color == RED and child != olefile.NOSTREAM:
                assert entries[child].color == BLACK
        left, right = walk(e.sid_left, low, key(sid)), walk(e.sid_right, key(sid), high)
        assert left == right
        return left + (e.color == BLACK)

    for e in entries:
        if e is not None and e.sid_child != olefile.NOSTREAM:
            walk(e.sid_child, None, None)


def test_compound_file_refuses_duplicates_and_long_names():
    cfb = CompoundFile()
    cfb.add_stream("VBA/dir", b"1")
    with pytest.raises(ValueError, match="duplicate"):
        cfb.add_stream("VBA/DIR", b"2")
    with pytest.raises(ValueError, match="longer than 31"):
        cfb.add_stream("x" * 32, b"")


# --- the project ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def modules() -> list[Module]:
    return vba_modules()


@pytest.fixture(scope="module")
def project_bin(modules) -> bytes:
    return vba_project_bin(modules)


@pytest.mark.engine
def test_olevba_returns_every_module_byte_for_byte(modules, project_bin):
    ole = olefile.OleFileIO(project_bin)
    project = olevba.VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)  # strict: no deviation
    project.parse_project_stream()
    extracted = {}
    for _ in project.parse_modules():
        module = project.modules[-1]
        extracted[module.name] = module.code_raw
    assert extracted == {m.name: m.encoded() for m in modules}
    kinds = {m.name: ("bas" if m.kind == STANDARD else "cls") for m in modules}
    assert project.module_ext == {name.lower(): ext for name, ext in kinds.items()}
    assert project.codepage == 1252 and project.projectname == "VBAProject"


def test_project_is_source_only(modules, project_bin):
    ole = olefile.OleFileIO(project_bin)
    assert ole.openstream("VBA/_VBA_PROJECT").read() == struct.pack("<HHBH", 0x61CC, 0xFFFF, 0, 3)
    for m in modules:  # each module stream is its compressed source from offset 0: no p-code
        assert ole.openstream(f"VBA/{m.name}").read() == compress(m.encoded())
    assert sorted("/".join(p) for p in ole.listdir()) == sorted(
        ["PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir", *(f"VBA/{m.name}" for m in modules)]
    )


def test_project_stream_lists_modules_and_protection(modules):
    text = project_stream(modules, "{00000000-0000-0000-0000-000000000000}").decode("cp1252")
    lines = text.split("\r\n")
    assert lines[0] == 'ID="{00000000-0000-0000-0000-000000000000}"'
    assert "Document=ThisWorkbook/&H00000000" in lines
    assert "Class=Dictionary" in lines and "Module=xlwings" in lines
    assert {line.split("=")[0] for line in lines if line.startswith(("CMG=", "DPB=", "GC="))} == {
        "CMG",
        "DPB",
        "GC",
    }


def test_dir_stream_names_every_module(modules):
    data = dir_stream(modules)
    assert data.endswith(struct.pack("<HI", 0x0010, 0))
    for m in modules:
        assert struct.pack("<HI", 0x0019, len(m.name)) + m.name.encode() in data


def test_modules_are_checked():
    with pytest.raises(ValueError, match="VB_Name"):
        check_modules([Module("a", STANDARD, 'Attribute VB_Name = "b"\r\n')])
    with pytest.raises(ValueError, match="CRLF"):
        check_modules([Module("a", STANDARD, 'Attribute VB_Name = "a"\nSub x()\r\n')])
    with pytest.raises(ValueError, match="unique"):
        check_modules([Module("a", STANDARD, 'Attribute VB_Name = "a"\r\n')] * 2)
    with pytest.raises(UnicodeEncodeError):
        check_modules([Module("a", STANDARD, 'Attribute VB_Name = "a"\r\n\' \u2192\r\n')])


def test_build_is_reproducible(modules):
    assert vba_project_bin(modules) == vba_project_bin(vba_modules())


# --- the modules -----------------------------------------------------------------------------------

SPEC_FUNCTIONS = {
    "CVM_VALUE", "CVM_OUTCOME", "CVM_CELL", "CVM_NET", "CVM_BAND", "CVM_ZONE", "CVM_VERDICT",
    "CVM_TRANSFER", "CVM_SPLIT", "CVM_PREMIUM", "CVM_PASSBOOK", "CVM_EQUITY_GAP", "CVM_MAP",
    "CVM_FINGERPRINT", "CVM_ELIGIBLE", "CVM_MATURITY", "CVM_RISK_RATING", "CVM_BUNDLE",
    # the CVM journey (issue 14): actions, waves, quick wins and the refresh pipeline
    "CVM_ACTION_STATUS", "CVM_DAYS_OVERDUE", "CVM_ESCALATED", "CVM_WAVE", "CVM_QUICK_WIN", "CVM_OPEN_GO",
    "CVM_REFRESH_DUE",
    # value chains (issue 16): each party's Shapley share of a portfolio of chain ideas
    "CVM_SHAPLEY",
}  # fmt: skip


def test_every_spec_function_has_metadata_docs_and_a_category():
    functions = {f.__xlfunc__["name"]: f.__xlfunc__ for f in xl.udf_functions(cvm_udfs)}
    assert set(functions) == SPEC_FUNCTIONS
    for name, info in functions.items():
        assert info["category"] == "CVM"
        assert 20 < len(info["ret"]["doc"]) <= 255 and "\n" not in info["ret"]["doc"], name
        for arg in vm.excel_arguments(info):
            assert not arg["doc"].startswith("Positional argument"), (name, arg["name"])
            assert len(arg["doc"]) <= 255


def test_metadata_comes_from_xlwings_own_code():
    source = str(xl._udfs_source())
    assert xl.func.__code__.co_filename == source
    assert xl._XLWINGS["generate_vba_wrapper"].__code__.co_filename == source


SIGNATURE = re.compile(r"^Function (?P<name>\w+)\((?P<args>[^)]*)\)$", re.MULTILINE)
CALL = re.compile(
    r'^\s+(?P<name>\w+) = XLPy\.CallUDF\("udfs\.cvm_udfs", "(?P=name)", '
    r"Array\((?P<args>[^)]*)\), ThisWorkbook, Application\.Caller\)$",
    re.MULTILINE,
)


def test_wrappers_declare_what_the_metadata_says(modules):
    wrappers = next(m for m in modules if m.name == vm.WRAPPER_MODULE).source.replace("\r\n", "\n")
    assert wrappers.startswith('Attribute VB_Name = "xlwings_udfs"\n')
    declared = {m["name"]: m["args"] for m in SIGNATURE.finditer(wrappers)}
    calls = {m["name"]: m["args"] for m in CALL.finditer(wrappers)}
    functions = {f.__xlfunc__["name"]: f.__xlfunc__ for f in xl.udf_functions(cvm_udfs)}
    assert set(declared) == set(calls) == set(functions)
    for name, info in functions.items():
        visible = vm.excel_arguments(info)
        expected = [("Optional " if "optional" in a else "") + a["name"] for a in visible]
        assert declared[name].split(", ") == expected, name
        passed = ["Nothing" if a["name"] == "caller" else a["name"] for a in info["args"]]
        assert calls[name].split(", ") == passed, name


def test_function_help_matches_the_metadata(modules):
    help_source = next(m for m in modules if m.name == "cvm_function_help").source
    for f in xl.udf_functions(cvm_udfs):
        info = f.__xlfunc__
        assert f'Macro:=book & "{info["name"]}", _' in help_source
        assert vm.vba_string(info["ret"]["doc"]) in help_source
        for arg in vm.excel_arguments(info):
            assert vm.vba_string(arg["doc"]) in help_source
    # Registered by the Start sheet's buttons, never when the workbook opens (no auto-run macro).
    selftest = next(m for m in modules if m.name == "cvm_selftest").source
    for sub in (vm.SELF_TEST, vm.FUNCTION_HELP):
        body = selftest[selftest.index(f"Public Sub {sub}()") :]
        assert "    CVM_RegisterFunctionHelp\r\n" in body[: body.index("End Sub")], sub
    this_workbook = next(m for m in modules if m.name == "ThisWorkbook").source
    assert "Sub " not in this_workbook and "Function " not in this_workbook


def test_macros_call_the_planned_python_functions(modules):
    source = next(m for m in modules if m.name == "cvm_macros").source
    run = r'    RunPython "import cvm_xl\.macros; cvm_xl\.macros\.(\w+)\(\)"'
    subs = re.findall(rf"^Sub (\w+)\(\)\r\n.*?\r\n{run}\r\nEnd Sub", source, re.MULTILINE)
    assert subs == [(m.sub, m.function) for m in vm.MACROS]
    assert [m.function for m in vm.MACROS] == [
        "synthesize", "refresh", "build_map", "generate_customer_workbooks", "build_signoff",
        "import_returned", "reconcile_passbooks",
    ]  # fmt: skip


def test_xlwings_module_is_the_installed_one(modules):
    import xlwings

    module = next(m for m in modules if m.name == "xlwings")
    assert f'Public Const XLWINGS_VERSION As String = "{xlwings.__version__}"' in module.source
    assert "Public Function RunPython(PythonCommand As String)" in module.source
    dictionary = next(m for m in modules if m.name == "Dictionary")
    assert dictionary.source.startswith('Attribute VB_Name = "Dictionary"\r\nAttribute VB_Base = "0{FCFB3D2A')
    assert "VERSION 1.0 CLASS" not in dictionary.source


def test_export_of_modules_as_text(tmp_path):
    from cvm_xl.cli import main

    assert main(["template", "--out", str(tmp_path / "t.xlsm"), "--vba-dir", str(tmp_path / "vba")]) == 0
    written = sorted(p.name for p in (tmp_path / "vba").iterdir())
    assert "cvm_macros.bas" in written and "ThisWorkbook.cls" in written and "xlwings_udfs.bas" in written
    assert (tmp_path / "vba" / "cvm_macros.bas").read_bytes() == vm.macros_module().encoded()
    assert (tmp_path / "t.xlsm").read_bytes() == build_template()


@pytest.mark.engine
def test_olevba_sees_the_committed_templates_vba(modules):
    from pathlib import Path

    template = Path(__file__).resolve().parents[2] / "workbook_template.xlsm"
    parser = olevba.VBA_Parser(str(template))
    try:
        assert parser.detect_vba_macros()
        found = {name: code for (_, _, name, code) in parser.extract_macros()}
    finally:
        parser.close()
    expected = {f"{m.name}.{'bas' if m.kind == STANDARD else 'cls'}": m.source for m in modules}
    assert found == expected
