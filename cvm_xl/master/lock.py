"""Who may write a master (or any workbook cvm-xl writes) right now: one writer at a time, and never
a file that is open in Excel or LibreOffice (SPEC §9: no data lost, nothing half-written).

``writing(path)`` holds the file for a command's whole read-modify-write:

* It refuses a read-only file, and a file that Excel (``~$NAME``) or LibreOffice (``.~lock.NAME#``)
  shows open, naming the user those owner files record (a spreadsheet program would keep its own
  copy and overwrite the command's work when it saves).
* It takes an exclusive lock (``filelock``: ``flock`` on POSIX, ``LockFileEx`` on Windows) on
  ``.NAME.cvm-lock`` beside the file, which records who holds it. A second writer waits a bounded
  time (``CVM_XL_LOCK_WAIT`` seconds, default 30), then is refused naming the holder; as it reads
  the file only once it holds the lock, it works on the first writer's result: no lost update.
* Holding the lock, it sweeps the temporary files a killed writer of this file (or of its backups)
  left behind: nobody else can be writing them.

The lock is per process and re-entrant: a command holds it across reading and writing, and the
functions it calls (``update_master`` ...) take it again without waiting for themselves. The lock
file is removed when the lock is released (while still held, so a waiter that locked the removed
file notices and takes the new one); a killed holder leaves it, and the next writer removes it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import getpass
import os
import platform
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from cvm_xl.master.save import backup_names
from cvm_xl.spreadsheet.atomic import (
    legacy_temporary_files,
    new_file_mode,
    remove_files,
    target_of,
    temporary_files,
)

WAIT_VARIABLE = "CVM_XL_LOCK_WAIT"
DEFAULT_WAIT = 30.0  # seconds a second writer waits for the first
LOCK_SUFFIX = ".cvm-lock"
FOLDER_LOCK = ".cvm-lock"
EXCEL_OWNER = "~${}"  # Excel's owner file of an open workbook
LIBREOFFICE_OWNER = ".~lock.{}#"  # LibreOffice's
_OWNER_NAME_MAX = 52  # Office keeps at most 52 characters of the user name
_WORKBOOKS = r"[^/\\]+\.xls[xm]"

# Lock files this process holds, with how many times: the lock is re-entrant within a process.
_HELD: dict[str, int] = {}


class WriteRefusedError(Exception):
    """The file cannot be written now; nothing was changed. ``message`` says why, ``fix`` what to do."""

    def __init__(self, path: Path, message: str, fix: str) -> None:
        self.path, self.message, self.fix = Path(path), message, fix
        super().__init__(f"{path}: {message}; nothing was changed. {fix}")


def lock_path(target: Path) -> Path:
    """The lock file of a workbook: ``.cvm_master.xlsx.cvm-lock`` beside it."""
    return target.with_name(f".{target.name}{LOCK_SUFFIX}")


def wait_seconds() -> float:
    """How long a second writer waits: ``CVM_XL_LOCK_WAIT`` (seconds) or 30."""
    text = os.environ.get(WAIT_VARIABLE, "").strip()
    try:
        seconds = float(text) if text else DEFAULT_WAIT
    except ValueError:
        return DEFAULT_WAIT
    return seconds if seconds >= 0 else DEFAULT_WAIT


# --- the owner files of Excel and LibreOffice -----------------------------------------------------


def excel_user(data: bytes) -> str:
    """The user name in an Office owner file (``~$NAME``): a length byte and the name in the
    Windows code page, padded to byte 54 (Word) or 55 (Excel), then a 2-byte length and the name in
    UTF-16; the UTF-16 copy is preferred (it keeps every character)."""
    if not data or not 0 < data[0] <= _OWNER_NAME_MAX:
        return ""
    for at in (55, 54):
        if len(data) >= at + 2:
            n = int.from_bytes(data[at : at + 2], "little")
            raw = data[at + 2 : at + 2 + 2 * n]
            if 0 < n <= _OWNER_NAME_MAX and len(raw) == 2 * n:
                name = raw.decode("utf-16-le", errors="replace").strip()
                if name and "\ufffd" not in name and name.isprintable():
                    return name
    return data[1 : 1 + data[0]].decode("cp1252", errors="replace").strip()


def libreoffice_user(data: bytes) -> str:
    """The user name in a LibreOffice owner file (``.~lock.NAME#``): comma-separated fields, the
    name from its settings first, then the system login (a backslash escapes , ; and itself)."""
    text = data.decode("utf-8", errors="replace")
    fields: list[str] = []
    current = ""
    escaped = False
    for char in text:
        if escaped:
            current, escaped = current + char, False
        elif char == "\\":
            escaped = True
        elif char in ",;":
            fields.append(current)
            current = ""
            if char == ";":
                break
        else:
            current += char
    fields.append(current)
    return next((f.strip() for f in fields[:2] if f.strip()), "")


def _read_start(path: Path, size: int = 512) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError:
        return b""  # Excel may hold its owner file exclusively: the file still says it is open


def open_in(target: Path) -> tuple[str, Path] | None:
    """('Excel by Ana Silva', owner file) when a spreadsheet program shows ``target`` open, else None."""
    folder = target.parent
    for program, pattern, user in (
        ("Excel", EXCEL_OWNER, excel_user),
        ("LibreOffice", LIBREOFFICE_OWNER, libreoffice_user),
    ):
        owner = folder / pattern.format(target.name)
        if owner.is_file():
            name = user(_read_start(owner))
            return (f"{program} by {name}" if name else program), owner
    return None


def refuse_if_open(target: Path) -> None:
    found = open_in(target)
    if found is None:
        return
    who, owner = found
    raise WriteRefusedError(
        target,
        f"it is open in {who}",
        f"Close it there (ask them to, if it is someone else), then run the command again. If nobody "
        f"has it open (the program stopped unexpectedly), delete the owner file {owner}.",
    )


def refuse_if_read_only(target: Path) -> None:
    """A read-only file is the user's way of saying "do not change this": refuse it (even as root,
    who could). A file this user may not write is refused too, before anything is read: replacing
    it by a rename would otherwise succeed wherever the folder can be written."""
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return  # a new file
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    if not mode & 0o222:
        raise WriteRefusedError(
            target,
            "it is read-only",
            "Make it writable (Windows: Properties, clear Read-only; elsewhere: chmod u+w) or work on a "
            "copy, then run the command again.",
        )
    if not os.access(target, os.W_OK):
        raise WriteRefusedError(
            target,
            "you may read it but not change it",
            "Ask its owner for write access, or work on a copy, then run the command again.",
        )


# --- the lock -----------------------------------------------------------------------------------


def _holder_text(holder: str) -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError, ImportError):
        user = "someone"
    host = platform.node() or "another computer"
    return f"{user} on {host} ({holder}, process {os.getpid()}, since {dt.datetime.now():%Y-%m-%d %H:%M:%S})"


def _signer(holder: str) -> Callable[[int], None]:
    """Record the holder in the lock file, from byte 1 on (Windows locks byte 0 against reading)."""
    data = ("\n" + _holder_text(holder) + "\n").encode("utf-8")

    def sign(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.ftruncate(fd, len(data))

    return sign


def holder_of(lock_file: Path) -> str:
    """Who holds (or last held) the lock, as recorded in the lock file."""
    try:
        with open(lock_file, "rb") as handle:
            handle.seek(1)
            text = handle.read(400).decode("utf-8", errors="replace").strip()
    except OSError:
        text = ""
    return text or "another cvm-xl command"


def _lock_mode(like: Path) -> int:
    """Whoever may write the file may open its lock: the file's permissions, at least rw for its owner."""
    try:
        return (like.stat().st_mode & 0o666) | 0o600
    except OSError:
        return new_file_mode() | 0o600


@contextmanager
def _exclusive(
    lock_file: Path,
    target: Path,
    *,
    mode: int,
    holder: str,
    wait: float | None,
    on_wait: Callable[[str], None] | None,
) -> Iterator[bool]:
    """Hold ``lock_file``; yields True when this call took it, False when the process already held it."""
    key = os.path.normcase(os.path.abspath(lock_file))
    if key in _HELD:
        _HELD[key] += 1
        try:
            yield False
        finally:
            _HELD[key] -= 1
        return
    seconds = wait_seconds() if wait is None else wait
    lock = FileLock(lock_file, mode=mode, on_acquired=_signer(holder))
    try:
        lock.acquire(blocking=False)
    except Timeout:
        if on_wait is not None:
            on_wait(holder_of(lock_file))
        try:
            lock.acquire(timeout=seconds)
        except Timeout:
            raise WriteRefusedError(
                target,
                f"it is being changed by {holder_of(lock_file)}; waited {seconds:g} seconds",
                f"Run the command again when that has finished (set {WAIT_VARIABLE} to wait longer).",
            ) from None
    _HELD[key] = 1
    try:
        yield True
    finally:
        del _HELD[key]
        if sys.platform != "win32":
            # Removed while still held: a waiter that then gets the old file finds it unlinked and
            # takes the new one (filelock checks), so two writers never hold two files. Windows
            # removes it on release itself.
            with contextlib.suppress(OSError):
                os.unlink(lock_file)
        lock.release()


def sweep(target: Path) -> list[Path]:
    """Remove the temporary files killed writers left for ``target`` and its backups; the ones removed.
    Only safe while holding ``target``'s lock."""
    names = f"{re.escape(target.name)}|{backup_names(target)}"
    return remove_files(temporary_files(target.parent, names) + legacy_temporary_files(target))


@contextmanager
def writing(
    path: str | Path,
    *,
    holder: str = "cvm-xl",
    wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[Path]:
    """Hold the workbook at ``path`` for writing, from before it is read until it is written.

    Raises ``WriteRefusedError`` when it is read-only, open in Excel or LibreOffice, or still held
    by another writer after ``wait`` seconds (default ``wait_seconds()``); ``on_wait(holder)`` is
    called once when the lock is busy, before waiting. ``holder`` names the command in the lock file.
    The folder must exist; the errors of a folder that cannot be written are ``OSError``.
    """
    target = Path(path)
    refuse_if_read_only(target)
    refuse_if_open(target)
    lock = _exclusive(
        lock_path(target), target, mode=_lock_mode(target), holder=holder, wait=wait, on_wait=on_wait
    )
    with lock as first:
        if first:
            refuse_if_read_only(target)  # what may have changed while waiting
            refuse_if_open(target)
            sweep(target)
        yield target


@contextmanager
def writing_into(
    folder: str | Path,
    *,
    holder: str = "cvm-xl",
    wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[Path]:
    """Hold a folder of generated workbooks for writing (``.cvm-lock`` in it) and sweep the temporary
    files killed writers left there. The folder must exist."""
    target = Path(folder)
    lock = _exclusive(
        target / FOLDER_LOCK, target, mode=_lock_mode(target), holder=holder, wait=wait, on_wait=on_wait
    )
    with lock as first:
        if first:
            # A workbook with a lock file of its own (a master kept in this folder) may be being
            # written by a command holding that lock: its temporary files are that command's to sweep.
            stale = [
                p
                for p in temporary_files(target, _WORKBOOKS)
                if not lock_path(target / target_of(p)).exists()
            ]
            remove_files(stale)
        yield target
