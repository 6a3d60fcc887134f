"""A macro that writes a master file (``OpenpyxlBook.flush``, issue 13): held like every command,
never over a change made since the macro read the file, never over a file open in Excel, and the
file keeps its permissions. A refusal reaches the user as the macro's message, not a traceback."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from fault_fixtures import excel_owner_bytes, names

from cvm_xl.excel.book import OpenpyxlBook
from cvm_xl.excel.runner import MacroOutcome, run_macro
from cvm_xl.master.lock import WriteRefusedError
from cvm_xl.master.read import load_master
from cvm_xl.master.update import CellChange, update_master


@pytest.fixture
def master(sample_master: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(sample_master, tmp_path / "master.xlsx"))


def _mark(book: OpenpyxlBook) -> None:
    book.reset_sheet("Notes")
    book.write("Notes", 1, 1, [["written by a macro"]])


def test_a_change_made_since_the_macro_read_the_file_is_not_overwritten(master: Path) -> None:
    book = OpenpyxlBook(master)
    _mark(book)
    row = int(load_master(master).ideas.index[0])
    update_master(master, [CellChange("Ideas", row, "Owner", "Set meanwhile")], backup=False)
    changed = master.read_bytes()
    with pytest.raises(
        WriteRefusedError, match="changed by another program or command since the macro read it"
    ):
        book.flush()
    assert master.read_bytes() == changed
    assert names(master.parent) == ["master.xlsx"]


def test_a_file_open_in_excel_is_not_overwritten_and_the_macro_says_so(master: Path) -> None:
    master.with_name("~$master.xlsx").write_bytes(excel_owner_bytes("Ana Silva"))
    before = master.read_bytes()
    book = OpenpyxlBook(master)
    outcome = run_macro(book, "Note", lambda: (_mark(book), MacroOutcome("Note", True, "Noted."))[1])
    assert not outcome.ok
    assert "could not be updated" in outcome.message and "open in Excel by Ana Silva" in outcome.message
    assert master.read_bytes() == before


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_flush_keeps_the_mode_and_can_flush_again(master: Path) -> None:
    master.chmod(0o664)
    book = OpenpyxlBook(master)
    _mark(book)
    book.flush()
    book.write("Notes", 2, 1, [["and again"]])
    book.flush()  # its own save is no change made by someone else
    assert stat.S_IMODE(master.stat().st_mode) == 0o664
    assert OpenpyxlBook(master).read("Notes")[:2] == [["written by a macro"], ["and again"]]
    assert names(master.parent) == ["master.xlsx"]
