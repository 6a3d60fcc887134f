"""Every command that writes, under faults (issue 13): a full disk, a read-only folder, a folder
another user owns, a read-only master, a master open in Excel or LibreOffice, a second writer,
``--out`` naming the wrong thing. Each is a message (exit 2) naming the file and what to do, never a
traceback, and nothing is written: the master keeps its bytes, the folder gains no file. A master's
permissions (mode, owner, group) are kept by every command that rewrites it, on its backups too."""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import stat
from pathlib import Path

import pytest
from book_fixtures import KAPPA, ZED, edit_book, generated_fixture  # noqa: F401  (fixture)
from fault_fixtures import (
    FORK,
    backups,
    excel_owner_bytes,
    full_disk,
    names,
    run,
    unwritable_folder,
)

from cvm_xl.cli.common import OS_ERRORS, os_error_message
from cvm_xl.core import columns as col
from cvm_xl.master.lock import writing
from cvm_xl.master.read import load_master

# The commands that rewrite the master, as a user types them (MASTER stands for the file).
MASTER_COMMANDS = {
    "select": ("select", "MASTER", "--apply"),
    "synthesize": ("synthesize", "MASTER"),
    "wave": ("wave", "MASTER"),
    "track": ("track", "MASTER"),
    "passbook": ("passbook", "MASTER"),
    "init": ("init", "MASTER", "--force"),
}


def argv(command: str, master: Path) -> list[str]:
    return [str(master) if a == "MASTER" else a for a in MASTER_COMMANDS[command]]


@pytest.fixture
def master(sample_master: Path, tmp_path: Path) -> Path:
    """The bundled sample as a master in a folder of its own."""
    folder = tmp_path / "share"
    folder.mkdir()
    return Path(shutil.copy(sample_master, folder / "master.xlsx"))


@pytest.fixture
def returned(generated, tmp_path: Path) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """A master of three customers and KAPPA's workbook as returned: one idea Implementing."""
    folder = tmp_path / "import"
    folder.mkdir()
    master = Path(shutil.copy(generated["master"], folder / "master.xlsx"))
    book = edit_book(Path(shutil.copy(generated[KAPPA], tmp_path / "kappa.xlsx")),
                     {"KAP-101": {col.STATUS: "Implementing"}})  # fmt: skip
    return master, book


def assert_untouched(master: Path, before: bytes, listing: list[str], out: str, err: str) -> None:
    assert "Traceback" not in out + err
    assert master.read_bytes() == before
    assert names(master.parent) == listing  # no temporary file, no backup, no lock file


# --- a full disk ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "fail_at"),
    [("select", 1), ("select", 2), ("synthesize", 2), ("wave", 2), ("track", 2), ("passbook", 2),
     ("init", 1), ("init", 2)],
)  # fmt: skip
def test_a_full_disk_changes_nothing(master: Path, command: str, fail_at: int, capsys, monkeypatch) -> None:
    """fail_at 1: the disk fills while the backup is written; 2: while the new master is written."""
    before, listing = master.read_bytes(), names(master.parent)
    disk = full_disk(monkeypatch, fail_at)
    code, out, err = run(capsys, *argv(command, master))
    assert disk.calls == fail_at
    assert code == 2, out + err
    assert f"{master} could not be written: the disk is full" in err
    assert "nothing was changed. Free some space on that drive" in err
    assert_untouched(master, before, listing, out, err)


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_a_full_disk_during_an_import_changes_nothing(returned, fail_at: int, capsys, monkeypatch) -> None:
    """1: the backup, 2: the master with the imported cells, 3: the master with its Passbook sheet
    rewritten (the master is put back from the backup: the import as a whole, or nothing)."""
    master, book = returned
    before, listing = master.read_bytes(), names(master.parent)
    disk = full_disk(monkeypatch, fail_at)
    code, out, err = run(capsys, "import", str(master), str(book))
    assert disk.calls == fail_at
    assert code == 2, out + err
    assert f"{master} could not be written: the disk is full" in err and "nothing was changed" in err
    assert_untouched(master, before, listing, out, err)


def test_a_full_disk_while_writing_the_sign_off(master: Path, capsys, monkeypatch) -> None:
    out_file = master.with_name("signoff.xlsx")
    listing = names(master.parent)
    full_disk(monkeypatch)
    code, out, err = run(capsys, "signoff", str(master), "--out", str(out_file))
    assert code == 2 and "Traceback" not in out + err
    assert f"{out_file} could not be written: the disk is full" in err
    assert names(master.parent) == listing


def test_a_full_disk_while_generating(master: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    out_dir = tmp_path / "customers"
    full_disk(monkeypatch)
    code, out, err = run(capsys, "generate", str(master), "--out", str(out_dir))
    assert code == 2 and "Traceback" not in out + err
    assert "could not be written (No space left on device)" in out  # each workbook named
    assert "4 customer workbooks could not be written" in out and "Free some space" in out
    assert names(out_dir) == []  # no half workbook, no temporary file, no lock file


# --- folders that cannot be written -----------------------------------------------------------------


@pytest.mark.parametrize("command", ["passbook", "select", "wave"])
def test_a_read_only_folder(master: Path, command: str, capsys, monkeypatch) -> None:
    before, listing = master.read_bytes(), names(master.parent)
    unwritable_folder(monkeypatch, master.parent, errno.EROFS)
    code, out, err = run(capsys, *argv(command, master))
    assert code == 2, out + err
    assert f"{master} could not be written: the drive is read-only" in err
    assert "Copy the file to a folder you can write to" in err
    assert_untouched(master, before, listing, out, err)


def test_a_sign_off_into_a_read_only_folder(master: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    unwritable_folder(monkeypatch, folder, errno.EROFS)
    code, out, err = run(capsys, "signoff", str(master), "--out", str(folder / "signoff.xlsx"))
    assert code == 2 and "Traceback" not in out + err
    assert f"{folder / 'signoff.xlsx'} could not be written: the drive is read-only" in err
    assert names(folder) == []


def test_generate_into_a_folder_of_another_user(master: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir()
    unwritable_folder(monkeypatch, folder, errno.EACCES)
    code, out, err = run(capsys, "generate", str(master), "--out", str(folder))
    assert code == 2 and "Traceback" not in out + err
    assert f"{folder} could not be written: permission to write there is missing" in err
    assert "ask for write access to the folder" in err
    assert names(folder) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes a read-only folder anyway")
def test_a_real_read_only_folder(master: Path, capsys) -> None:
    before = master.read_bytes()
    master.parent.chmod(0o555)
    try:
        code, out, err = run(capsys, "passbook", str(master))
    finally:
        master.parent.chmod(0o755)
    assert code == 2 and "Traceback" not in out + err and str(master) in err
    assert master.read_bytes() == before


# --- the master itself: read-only, open elsewhere, held by another command ---------------------------


@pytest.mark.parametrize("command", sorted(MASTER_COMMANDS))
def test_a_read_only_master_is_refused(master: Path, command: str, capsys) -> None:
    master.chmod(0o444)
    before, listing = master.read_bytes(), names(master.parent)
    code, out, err = run(capsys, *argv(command, master))
    assert code == 2, out + err
    assert f"{master}: it is read-only; nothing was changed. Make it writable" in err
    assert_untouched(master, before, listing, out, err)


@pytest.mark.parametrize("command", sorted(MASTER_COMMANDS))
def test_a_master_open_in_excel_is_refused_naming_who(master: Path, command: str, capsys) -> None:
    owner = master.with_name(f"~${master.name}")
    owner.write_bytes(excel_owner_bytes("Ana Silva"))
    before, listing = master.read_bytes(), names(master.parent)
    code, out, err = run(capsys, *argv(command, master))
    assert code == 2, out + err
    assert f"{master}: it is open in Excel by Ana Silva; nothing was changed. Close it there" in err
    assert f"delete the owner file {owner}" in err
    assert_untouched(master, before, listing, out, err)


def test_an_import_into_a_master_open_in_libreoffice_is_refused(returned, capsys) -> None:
    master, book = returned
    master.with_name(f".~lock.{master.name}#").write_text(",Bo Lind,pc7,06.12.2026 09:12,file:///home/bo;")
    before, listing = master.read_bytes(), names(master.parent)
    code, out, err = run(capsys, "import", str(master), str(book))
    assert code == 2 and "it is open in LibreOffice by Bo Lind" in err
    assert_untouched(master, before, listing, out, err)


def _hold(master: Path, ready, release) -> None:  # type: ignore[no-untyped-def]
    with writing(master, holder="cvm-xl import"):
        ready.set()
        release.wait(20)


def test_a_second_writer_waits_then_is_refused_naming_the_first(master: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("CVM_XL_LOCK_WAIT", "0.3")
    ready, release = FORK.Event(), FORK.Event()
    first = FORK.Process(target=_hold, args=(master, ready, release))
    first.start()
    try:
        assert ready.wait(20)
        before = master.read_bytes()
        code, out, err = run(capsys, "select", str(master), "--apply")
    finally:
        release.set()
        first.join(20)
    assert code == 2 and "Traceback" not in out + err
    assert f"{master}: it is being changed by " in err
    assert f"(cvm-xl import, process {first.pid}" in err and "waited 0.3 seconds" in err
    assert "waiting up to 0.3 seconds" in err  # said before waiting
    assert master.read_bytes() == before
    assert run(capsys, "select", str(master), "--apply")[0] == 0  # free again


# --- --out naming the wrong thing ---------------------------------------------------------------------


def test_generate_refuses_an_out_that_is_a_file_or_the_master(master: Path, capsys) -> None:
    other = master.with_name("notes.xlsx")
    other.write_bytes(b"mine")
    listing, before = names(master.parent), master.read_bytes()
    code, out, err = run(capsys, "generate", str(master), "--out", str(master))
    assert code == 2 and f"{master} is the master itself, not a folder" in err
    code, out, err = run(capsys, "generate", str(master), "--out", str(other))
    assert code == 2 and f"{other} is a file, not a folder" in err and "Traceback" not in out + err
    assert names(master.parent) == listing and master.read_bytes() == before and other.read_bytes() == b"mine"


def test_signoff_refuses_an_out_that_is_a_folder_or_the_master(master: Path, capsys) -> None:
    listing, before = names(master.parent), master.read_bytes()
    folder = master.parent
    code, out, err = run(capsys, "signoff", str(master), "--out", str(folder), "--force")
    assert code == 2 and f"{folder} is a folder; give the name of the workbook to write" in err
    code, out, err = run(capsys, "signoff", str(master), "--out", str(master), "--force")
    assert code == 2 and f"{master} is the master itself" in err and "Traceback" not in out + err
    assert names(folder) == listing and master.read_bytes() == before


# --- permissions, owner and group kept ------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize(
    ("command", "mode"),
    [("select", 0o644), ("wave", 0o664), ("passbook", 0o640), ("init", 0o644), ("import", 0o644)],
)  # 0644: colleagues read it; 0664: the group edits it; 0640: only the group reads it
def test_mode_owner_and_group_of_the_master_and_its_backups_are_kept(
    master: Path, returned, command: str, mode: int, capsys
) -> None:
    if command == "import":
        master, book = returned
        command_line = ["import", str(master), str(book)]
    else:
        command_line = argv(command, master)
    master.chmod(mode)
    as_root = os.geteuid() == 0
    if as_root:
        os.chown(master, 4242, 4343)  # another user's master, which root may rewrite
    previous = os.umask(0o077)  # a umask that would make new files private
    try:
        code, out, err = run(capsys, *command_line)
    finally:
        os.umask(previous)
    assert code == 0, out + err
    for path in [master, *backups(master)]:
        st = path.stat()
        assert stat.S_IMODE(st.st_mode) == mode, path
        if as_root:
            assert (st.st_uid, st.st_gid) == (4242, 4343), path
    assert len(backups(master)) == 1


def test_init_force_keeps_the_old_master_as_a_backup(master: Path, capsys) -> None:
    ideas = load_master(master).ideas
    code, out, _ = run(capsys, "init", str(master), "--force")
    assert code == 0
    [kept] = backups(master)
    assert f"The previous file is kept as {kept.name}" in out
    assert load_master(kept).ideas.equals(ideas) and load_master(master).ideas.empty
    assert kept.name.startswith(f"master.backup-{dt.date.today():%Y%m%d}")


# --- the one mapping of operating-system errors ----------------------------------------------------------


@pytest.mark.parametrize("code", sorted(OS_ERRORS))
def test_every_os_error_names_the_file_and_says_what_to_do(code: int) -> None:
    error = OSError(code, os.strerror(code), "/share/.~master.xlsx.k3j4h5g6.tmp")
    message = os_error_message(error, "/share/master.xlsx")
    reason, fix = OS_ERRORS[code]
    assert message.startswith(f"/share/master.xlsx could not be written: {reason}")
    assert message.endswith(f"nothing was changed. {fix}") and fix.endswith("run the command again.")
    assert ".tmp" not in message  # the user's file is named, not a temporary one


def test_an_os_error_no_command_expected_is_still_a_message(tmp_path: Path, capsys, monkeypatch) -> None:
    unwritable_folder(monkeypatch, tmp_path / "demo", errno.EACCES)
    (tmp_path / "demo").mkdir()
    code, out, err = run(capsys, "demo", "--out", str(tmp_path / "demo"))
    assert code == 2 and "Traceback" not in out + err
    assert "could not be written: permission to write there is missing" in err
