"""`cvm-xl doctor`: the Python side of the Excel add-in checked from a terminal (issue 17)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from cvm_xl.cli import main
from cvm_xl.excel import install_check
from cvm_xl.excel.template import FILE_NAME, build_template
from cvm_xl.excel.template.builder import vba_modules
from cvm_xl.excel.vba import compression, reader
from cvm_xl.excel.vba.modules import UDF_MODULE

COMMITTED = Path(__file__).resolve().parents[2] / FILE_NAME


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch):
    """No real user xlwings.conf file takes part."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    return home


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("doctor") / FILE_NAME
    path.write_bytes(build_template())
    return path


def doctor(capsys, *args: str) -> tuple[int, str]:
    code = main(["doctor", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_all_set_on_this_machine(capsys, tmp_path, template):
    code, out = doctor(capsys, str(tmp_path), "--workbook", str(template))
    assert code == 0, out
    assert "xlwings version: xlwings 0.37.8, the version inside" in out
    assert f"UDF module {UDF_MODULE}: imports, 26 worksheet functions" in out
    assert "xlwings.conf sheet: UDF Modules" in out and "All set" in out
    assert "FIX" not in out


def test_default_workbook_is_the_committed_template(capsys, tmp_path):
    code, out = doctor(capsys, str(tmp_path))
    assert code == 0 and FILE_NAME in out, out


def test_xlwings_version_must_equal_the_workbooks(capsys, tmp_path, template, monkeypatch):
    monkeypatch.setattr(install_check, "_installed", lambda package: "0.30.0")
    code, out = doctor(capsys, str(tmp_path), "--workbook", str(template))
    assert code == 1
    assert "xlwings 0.30.0 here, 0.37.8 inside" in out and "pip install xlwings==0.37.8" in out


def test_a_workbook_without_xlwings_module(capsys, tmp_path):
    path = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(path)
    code, out = doctor(capsys, str(tmp_path), "--workbook", str(path))
    assert code == 1
    assert "plain.xlsx has no xlwings VBA module" in out and "xlwings.conf sheet: plain.xlsx has none" in out


def test_conf_file_keys_are_checked(capsys, tmp_path, template):
    (tmp_path / "xlwings.conf").write_text(
        '"INTERPRETER_WINDOWS","C:\\\\Python\\\\python.exe"\n"UDF MODULES","no_such_module_here"\n'
        '"Debug UDFs","False"\n"debug udfs","True"\n',
        encoding="utf-8",
    )
    code, out = doctor(capsys, str(tmp_path), "--workbook", str(template))
    assert code == 1
    assert "INTERPRETER_WINDOWS: is not a key xlwings reads" in out and "Did you mean Interpreter_Win?" in out
    assert "no_such_module_here cannot be imported: ModuleNotFoundError" in out
    assert "debug udfs: appears twice" in out
    assert "Debug UDFs: False" in out  # a known key with its value: fine


def test_interpreter_path_is_checked_on_its_own_platform(monkeypatch):
    monkeypatch.setattr(install_check.sys, "platform", "win32")
    keys = install_check.known_keys()
    assert {"INTERPRETER_WIN", "INTERPRETER_MAC", "UDF MODULES", "PYTHONPATH"} <= keys
    [missing] = install_check.conf_findings("sheet", [("Interpreter_Win", "C:\\nowhere\\python.exe")], keys)
    assert not missing.ok and "does not exist" in missing.seen
    [other] = install_check.conf_findings("sheet", [("Interpreter_Mac", "/nowhere/python")], keys)
    assert other.ok  # another platform's interpreter is not checked here


def test_lock_files_beside_masters(capsys, tmp_path, template):
    (tmp_path / "acme.xlsx").write_bytes(b"")
    (tmp_path / "~$acme.xlsx").write_bytes(b"")
    (tmp_path / "~$notes.txt").write_bytes(b"")  # not a workbook's
    code, out = doctor(capsys, str(tmp_path), "--workbook", str(template))
    assert code == 1
    assert "Lock file ~$acme.xlsx: acme.xlsx is open in Excel" in out and "delete the ~$ file" in out
    assert "notes" not in out


def test_usage_errors(capsys, tmp_path):
    assert doctor(capsys, str(tmp_path / "missing"))[0] == 2
    bad = tmp_path / "bad.xlsm"
    bad.write_bytes(b"not a workbook")
    code, out = doctor(capsys, str(tmp_path), "--workbook", str(bad))
    assert code == 2 and "cannot be read" in out
    assert doctor(capsys, str(tmp_path), "--workbook", str(tmp_path / "none.xlsm"))[0] == 2


def test_vba_reader_returns_every_module_of_the_build(template):
    assert reader.vba_sources(template) == {m.name: m.source for m in vba_modules()}
    with zipfile.ZipFile(template) as z:
        assert reader.VBA_PART in z.namelist()
    plain = io.BytesIO()
    openpyxl.Workbook().save(plain)
    assert reader.vba_sources(plain) == {}


@pytest.mark.parametrize("data", [b"", b"a", b"abcabcabc" * 1000, bytes(range(256)) * 40, b"x" * 5000])
def test_decompress_inverts_compress(data):
    assert reader.decompress(compression.compress(data)) == data


def test_decompress_reads_a_raw_chunk():
    raw = bytes(range(256)) * 16  # 4096 bytes stored uncompressed: header 0x3FFF without the flag bit
    assert reader.decompress(b"\x01" + (0x3FFF).to_bytes(2, "little") + raw) == raw
    with pytest.raises(ValueError):
        reader.decompress(b"\x00abc")
