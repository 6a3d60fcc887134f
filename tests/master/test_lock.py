"""Holding a master for writing (issue 13): one writer at a time, never a file open in Excel or
LibreOffice or marked read-only, a bounded wait naming the holder, and the debris of killed
writers swept while the lock is held."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from cvm_xl.master import lock
from cvm_xl.master.lock import (
    WriteRefusedError,
    excel_user,
    libreoffice_user,
    lock_path,
    open_in,
    writing,
    writing_into,
)

FORK = multiprocessing.get_context("fork")


def excel_owner_bytes(user: str, word: bool = False) -> bytes:
    """An Office owner file as Excel (or Word) writes it: the name's length, the name in the Windows
    code page, padding to byte 55 (Word: 54), the length again as 2 bytes and the name in UTF-16."""
    ansi = user.encode("cp1252", errors="replace")[:52]
    head = bytes([len(ansi)]) + ansi
    head += (b"\0" if word else b" ") * ((54 if word else 55) - len(head))
    data = head + len(user).to_bytes(2, "little") + user.encode("utf-16-le")
    size = 162 if word else 165
    return data + b" \0" * ((size - len(data)) // 2) + b" " * ((size - len(data)) % 2)


@pytest.fixture
def master(tmp_path: Path) -> Path:
    path = tmp_path / "master.xlsx"
    path.write_bytes(b"PK old")
    return path


# --- owner files --------------------------------------------------------------------------------


@pytest.mark.parametrize("word", [False, True])
def test_the_user_in_an_office_owner_file(word: bool) -> None:
    assert excel_user(excel_owner_bytes("Ana Silva", word)) == "Ana Silva"
    assert excel_user(excel_owner_bytes("Jörg Møller-Šimić", word)) == "Jörg Møller-Šimić"  # UTF-16 copy
    assert excel_user(b"") == "" and excel_user(b"\x00garbage") == ""


def test_the_user_in_a_libreoffice_owner_file() -> None:
    assert libreoffice_user(b",Ana Silva,pc12,06.12.2026 08:00,file:///home/ana/.config;") == "Ana Silva"
    assert libreoffice_user(b"Silva\\, Ana,asilva,pc12,06.12.2026 08:00,url;") == "Silva, Ana"
    assert libreoffice_user(b",,pc12,06.12.2026 08:00,url;") == ""


def test_a_master_open_in_excel_or_libreoffice_is_refused_naming_the_user(master: Path) -> None:
    owner = master.with_name("~$master.xlsx")
    owner.write_bytes(excel_owner_bytes("Ana Silva"))
    assert open_in(master) == ("Excel by Ana Silva", owner)
    refused = pytest.raises(WriteRefusedError, match=r"open in Excel by Ana Silva.*delete the owner file")
    with refused, writing(master):
        pytest.fail("a master open in Excel was held for writing")
    owner.unlink()
    master.with_name(".~lock.master.xlsx#").write_bytes(b",Bo Lind,pc7,06.12.2026 08:00,url;")
    with pytest.raises(WriteRefusedError, match="open in LibreOffice by Bo Lind"), writing(master):
        pytest.fail("a master open in LibreOffice was held for writing")
    assert master.read_bytes() == b"PK old"
    assert not lock_path(master).exists()


def test_a_read_only_master_is_refused(master: Path) -> None:
    master.chmod(0o444)  # refused even for root, who could write it anyway
    with pytest.raises(WriteRefusedError, match="it is read-only; nothing was changed"), writing(master):
        pytest.fail("a read-only master was held for writing")


# --- the lock -----------------------------------------------------------------------------------


def _hold(path: Path, ready, release) -> None:  # type: ignore[no-untyped-def]
    with writing(path, holder="cvm-xl import"):
        ready.set()
        release.wait(20)


def test_a_second_writer_waits_a_bounded_time_then_is_refused_naming_the_holder(master: Path) -> None:
    ready, release = FORK.Event(), FORK.Event()
    holder = FORK.Process(target=_hold, args=(master, ready, release))
    holder.start()
    try:
        assert ready.wait(20)
        waited: list[str] = []
        started = time.monotonic()
        with pytest.raises(WriteRefusedError) as refused, writing(master, wait=0.4, on_wait=waited.append):
            pytest.fail("two writers held one master")
        assert 0.4 <= time.monotonic() - started < 5
        message = str(refused.value)
        assert f"process {holder.pid}" in message and "cvm-xl import" in message
        assert "waited 0.4 seconds" in message and "CVM_XL_LOCK_WAIT" in message
        assert waited and f"process {holder.pid}" in waited[0]
    finally:
        release.set()
        holder.join(20)
    with writing(master, wait=5):  # free again once the first writer is done
        pass
    assert sorted(p.name for p in master.parent.iterdir()) == ["master.xlsx"]  # the lock file is gone


def test_the_wait_comes_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("CVM_XL_LOCK_WAIT", "2.5")
    assert lock.wait_seconds() == 2.5
    monkeypatch.setenv("CVM_XL_LOCK_WAIT", "soon")
    assert lock.wait_seconds() == lock.DEFAULT_WAIT
    monkeypatch.delenv("CVM_XL_LOCK_WAIT")
    assert lock.wait_seconds() == 30


def test_the_lock_is_reentrant_within_a_process(master: Path) -> None:
    with writing(master, wait=0.2):
        with writing(master, wait=0.2):  # update_master inside a command that holds the master
            assert lock_path(master).exists()
        assert lock_path(master).exists()
    assert not lock_path(master).exists()


def _count(path: Path, times: int) -> None:
    for _ in range(times):
        with writing(path, wait=30):
            value = int(path.read_text())
            time.sleep(0.0005)  # widen the read-modify-write window
            path.write_text(str(value + 1))


def test_no_update_is_lost_among_many_writers(tmp_path: Path) -> None:
    """Read-modify-write by six processes at once, the lock file removed after every hold."""
    counter = tmp_path / "counter.txt"
    counter.write_text("0")
    workers = [FORK.Process(target=_count, args=(counter, 40)) for _ in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0] * 6
    assert counter.read_text() == "240"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter.txt"]


# --- debris of killed writers -------------------------------------------------------------------


def test_the_debris_of_killed_writers_is_swept_but_nothing_else(master: Path) -> None:
    folder = master.parent
    debris = [
        ".~master.xlsx.ab12cd_9.tmp",  # a temporary master
        ".~master.backup-20261122-093000.xlsx.zz99yy00.tmp",  # a temporary backup
        ".~master.backup-20261122-093000-2.xlsx.q1w2e3r4.tmp",
        ".master-k3j4h5g6.xlsx.tmp",  # earlier versions
        ".~masterk3j4h5g6.tmp",
        ".master.xlsx.cvm-lock",  # the lock file of a killed holder
    ]
    kept = [
        ".~master_2.xlsx.ab12cd34.tmp",  # another master's: its own lock covers it
        ".~master.xlsx.tmp",
        "~master.xlsx.ab12cd34.tmp",
        "master.backup-20261122-093000.xlsx",
        "notes.txt",
    ]
    for name in debris + kept:
        (folder / name).write_bytes(b"x")
    with writing(master):
        pass
    assert sorted(p.name for p in folder.iterdir()) == sorted([*kept, "master.xlsx"])


def test_a_folder_of_generated_workbooks_is_swept_except_a_held_master(tmp_path: Path) -> None:
    names = [".~C-1 Acme.xlsx.abcd1234.tmp", ".~C-2 Birch.xlsx.zzzz9999.tmp", ".~master.xlsx.q1w2e3r4.tmp"]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    held = lock_path(tmp_path / "master.xlsx")
    held.write_bytes(b"")  # a command holds (or held) the master in this folder
    with writing_into(tmp_path):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == [held.name, ".~master.xlsx.q1w2e3r4.tmp"]


def test_a_folder_that_cannot_be_written_is_an_os_error(tmp_path: Path, monkeypatch) -> None:
    master = tmp_path / "master.xlsx"
    master.write_bytes(b"PK")
    real_open = os.open

    def read_only_folder(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path).parent == tmp_path and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(30, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only_folder)
    with pytest.raises(OSError, match="Read-only file system"), writing(master):
        pytest.fail("held a master in a read-only folder")
