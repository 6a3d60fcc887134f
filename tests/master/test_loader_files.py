"""Files that cannot be read as a workbook at all: one clear, file-level problem each, raised fast."""

from __future__ import annotations

import io
import re
import struct
import zipfile

import pytest
from loader_fixtures import write_good
from msoffcrypto.format.ooxml import OOXMLFile

from cvm_xl.core.problems import Code, WorkbookError
from cvm_xl.master.read import load_master
from cvm_xl.spreadsheet import files, sheet_xml
from cvm_xl.spreadsheet.files import UnreadableFileError, check_workbook_file

SAVE_AS = "Open it in Excel and save it as Excel Workbook (.xlsx)."
DAMAGED_FIX = "Open it in Excel, which may offer to repair it, and save a new copy; or use a backup."
BOMB_FIX = (
    "This is not a normal workbook (possibly a 'zip bomb'). Use the original master, "
    "or open it in Excel and save a clean copy."
)


def unreadable(path):
    with pytest.raises(UnreadableFileError) as caught:
        load_master(path)
    assert isinstance(caught.value, WorkbookError)
    [problem] = caught.value.problems
    assert (problem.file, problem.sheet, problem.row, problem.column) == (str(path), None, None, None)
    assert problem.severity == "error"
    assert problem.code == Code.FILE_UNREADABLE  # every hostile file: one problem with a listed code
    return problem


def test_missing_file(tmp_path):
    p = unreadable(tmp_path / "nope.xlsx")
    assert (p.message, p.fix) == ("The file does not exist.", "Check the file name and folder.")


def test_a_folder(tmp_path):
    folder = tmp_path / "book.xlsx"
    folder.mkdir()
    assert unreadable(folder).message == "This is a folder, not a workbook file."


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("data.csv", "The file is not an .xlsx or .xlsm workbook: it is a .csv file."),
        (
            "old.xls",
            "The file is not an .xlsx or .xlsm workbook: it is an old Excel 97-2003 (.xls) workbook.",
        ),
        ("book.xlsb", "The file is not an .xlsx or .xlsm workbook: it is an Excel binary (.xlsb) workbook."),
        ("master", "The file is not an .xlsx or .xlsm workbook: it is a file without an extension."),
    ],
)
def test_wrong_extension(tmp_path, name, message):
    path = tmp_path / name
    path.write_text("Idea ID,Title\nI-01,x\n")
    p = unreadable(path)
    assert (p.message, p.fix) == (message, SAVE_AS)


def test_csv_renamed_to_xlsx(tmp_path):
    path = tmp_path / "master.xlsx"
    path.write_text("Idea ID;Customer ID;Title\nI-01;C01;Café réunion\n", encoding="utf-8")
    p = unreadable(path)
    assert p.message == "The file is named .xlsx but its content is text (e.g. CSV), not an Excel workbook."
    assert p.fix == SAVE_AS


def test_binary_junk_renamed_to_xlsx(tmp_path):
    path = tmp_path / "master.xlsm"
    path.write_bytes(bytes(range(256)) * 4)
    p = unreadable(path)
    assert (p.message, p.fix) == (
        "The file is named .xlsm but its content is not an Excel workbook.",
        SAVE_AS,
    )


def test_empty_file(tmp_path):
    path = tmp_path / "master.xlsx"
    path.touch()
    p = unreadable(path)
    assert p.message == "The file is empty (0 bytes)."
    assert p.fix.startswith("It was probably not saved completely")


def test_encrypted_workbook(tmp_path):
    plain = write_good(tmp_path / "plain.xlsx")
    encrypted = tmp_path / "secret.xlsx"
    with plain.open("rb") as source:
        out = io.BytesIO()
        OOXMLFile(source).encrypt("s3cret", out)
    encrypted.write_bytes(out.getvalue())
    p = unreadable(encrypted)
    assert p.message == "The workbook is protected with a password (encrypted), so it cannot be read."
    assert p.fix.startswith("Open it in Excel, remove the password (File > Info > Protect Workbook")


def test_corrupt_zip(tmp_path):
    good = write_good(tmp_path / "good.xlsx").read_bytes()
    path = tmp_path / "master.xlsx"
    path.write_bytes(good[: len(good) // 2])
    p = unreadable(path)
    assert p.message.startswith("The file is damaged: it is not a readable .xlsx archive (")
    assert p.fix == DAMAGED_FIX


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "master.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    p = unreadable(path)
    assert p.message == "The file is a zip archive but not an Excel workbook (it has no xl/workbook.xml)."


def test_workbook_with_damaged_xml(tmp_path):
    path = tmp_path / "master.xlsx"
    with zipfile.ZipFile(write_good(tmp_path / "good.xlsx")) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, b"<workbook><sheets><sheet" if item.filename == "xl/workbook.xml" else data)
    p = unreadable(path)
    assert p.message.startswith("The file is damaged")
    assert p.fix == DAMAGED_FIX


def test_file_over_50_mb_is_rejected_before_reading(tmp_path):
    path = tmp_path / "master.xlsx"
    with path.open("wb") as handle:
        handle.write(b"PK\x03\x04")
        handle.truncate(files.MAX_FILE_BYTES + 1024 * 1024)  # sparse: nothing is really written
    p = unreadable(path)
    assert p.message == "The file is 51.0 MB; cvm-xl reads master workbooks up to 50.0 MB."
    assert p.fix.startswith("Remove pictures, unused sheets and old data")


def _declare_size(path, member: str, declared: int) -> None:
    """Rewrite the uncompressed size that the zip's central directory records for ``member``."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + name_length]) == name:
            struct.pack_into("<I", data, at + 24, declared)
            path.write_bytes(bytes(data))
            return
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{member} not in the central directory")


def test_entry_declaring_a_huge_size_is_rejected_without_inflating(tmp_path):
    path = write_good(tmp_path / "master.xlsx")
    _declare_size(path, "xl/worksheets/sheet4.xml", 3 * 1024**3)
    p = unreadable(path)
    assert p.message.startswith(
        "The workbook unpacks to more than a workbook should: part xl/worksheets/sheet4.xml would grow from"
    )
    assert re.search(r"would grow from [\d.,]+ (bytes|KB) to 3,072\.0 MB \([\d,]+ times\)\.$", p.message)
    assert p.fix == BOMB_FIX


def test_entry_with_a_zip_bomb_compression_ratio_is_rejected(tmp_path):
    path = write_good(tmp_path / "master.xlsx")
    _declare_size(path, "xl/worksheets/sheet4.xml", 200 * 1024**2)
    p = unreadable(path)
    assert "would grow from" in p.message
    assert p.message.endswith("times).")
    assert p.value == "xl/worksheets/sheet4.xml"


def test_sheet_that_inflates_past_the_limit_while_scanned_is_rejected(tmp_path, monkeypatch):
    path = write_good(tmp_path / "master.xlsx")
    monkeypatch.setattr(sheet_xml, "MAX_ENTRY_BYTES", 200)
    p = unreadable(path)
    assert p.message.startswith("The workbook unpacks to more than a workbook should: part xl/worksheets/")
    assert p.fix == BOMB_FIX


def test_check_workbook_file_accepts_a_real_workbook(tmp_path):
    path = write_good(tmp_path / "master.xlsx")
    assert check_workbook_file(str(path)) == path
