"""Writing a file so that a reader, a crash or a second process sees the old file or the new one,
never a half-written file, and the replaced file keeps its permissions (SPEC §7 "Writes are atomic").

The bytes go to a temporary file beside the target (``.~NAME.XXXXXXXX.tmp``), are flushed to the
disk, take the target's mode (and, where permitted, its owner and group), then replace the target
in one rename. On any error the temporary file is removed before the error goes on; a process killed
half-way (kill -9, power cut) can still leave one: ``temporary_files`` finds those of a target,
and the next writer removes them while holding the target's lock (``cvm_xl.master.lock``), so no
live writer's file is touched. Backups are copied the same way (``atomic_copy``): a whole copy or none.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from cvm_xl.spreadsheet.ooxml_parts import normalise_package

TEMP_PREFIX = ".~"
TEMP_SUFFIX = ".tmp"
# tempfile's random part: 8 characters of this alphabet (tempfile._RandomNameSequence).
_RANDOM = r"[a-z0-9_]{8}"
# Longer names are cut so that the temporary name stays within the 255 bytes file systems allow.
_MAX_NAME_BYTES = 200
# Temporary files of earlier versions: ``.STEM-XXXXXXXX.xlsx.tmp`` and ``.~STEM[:40]XXXXXXXX.tmp``.
_LEGACY = (r"\.{stem}-{random}\.xlsx\.tmp", r"\.~{stem40}{random}\.tmp")
_CHUNK = 1024 * 1024


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


_UMASK = _umask()


def new_file_mode() -> int:
    """What a plain new file gets under this process's umask (mkstemp alone would give 0600)."""
    return 0o666 & ~_UMASK


def _short_name(name: str) -> str:
    data = name.encode("utf-8")
    if len(data) <= _MAX_NAME_BYTES:
        return name
    return data[:_MAX_NAME_BYTES].decode("utf-8", errors="ignore")


def write_fully(fd: int, data: bytes | memoryview) -> None:
    """Write every byte (``os.write`` may write fewer than asked); the one place bytes reach the disk,
    so a test can stand in a full disk here."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view[:_CHUNK])
        view = view[written:]


def _take_over(temp: str, like: os.stat_result | None) -> None:
    """Give the temporary file the mode, owner and group of the file it replaces (or copies)."""
    if like is None:
        os.chmod(temp, new_file_mode())
        return
    os.chmod(temp, like.st_mode & 0o7777)
    if hasattr(os, "chown"):
        # Only the owner can be kept by root; a member of the group can still keep the group.
        for uid, gid in ((like.st_uid, like.st_gid), (-1, like.st_gid)):
            try:
                os.chown(temp, uid, gid)
                break
            except OSError:
                continue


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no directory handles to flush."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def _replace_with(path: Path, fill: Callable[[int, str], None], like: os.stat_result | None) -> None:
    """Create a temporary file beside ``path``, let ``fill(fd, temp)`` write it, then rename it over
    ``path``; the temporary file never survives an error."""
    prefix = f"{TEMP_PREFIX}{_short_name(path.name)}."
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=TEMP_SUFFIX)
    try:
        try:
            fill(fd, temp)
            os.fsync(fd)
        finally:
            os.close(fd)
        _take_over(temp, like)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_folder(path.parent)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` in one step: a reader (or a crash) sees either the old file or the
    complete new one, never a partial file. An existing file's mode (and owner and group, where
    permitted) is kept; a new file gets the usual mode of new files."""
    path = Path(path)
    _replace_with(path, lambda fd, _temp: write_fully(fd, data), _stat(path))


def atomic_copy(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` in one step (a backup is the whole old file or absent), with
    the source's mode, owner and group where permitted, and its modification time."""
    source, target = Path(source), Path(target)
    like = source.stat()

    def fill(fd: int, temp: str) -> None:
        with open(source, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                write_fully(fd, chunk)
        shutil.copystat(source, temp)

    _replace_with(target, fill, like)


def save_atomically(wb: Workbook, path: Path) -> None:
    """Save an openpyxl workbook with ``atomic_write``: the old file or the new one, never half."""
    atomic_write(Path(path), workbook_bytes(wb))


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook as the bytes of its file, made before anything is written (so an error while
    saving, such as a value no cell can hold, writes nothing), with its parts as every reader
    expects them (``ooxml_parts``: openpyxl's own conventions stop exceljs and the SDK's checks)."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalise_package(buffer.getvalue())


def temporary_files(folder: Path, names: str) -> list[Path]:
    """The temporary files ``atomic_write`` (or an earlier version) left in ``folder`` for targets
    whose file name matches the regular expression ``names``."""
    own = re.compile(rf"{re.escape(TEMP_PREFIX)}(?:{names})\.{_RANDOM}{re.escape(TEMP_SUFFIX)}")
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return []
    return [p for p in entries if own.fullmatch(p.name)]


def target_of(temporary: Path) -> str:
    """The name of the file a temporary file of ``atomic_write`` was to become (possibly cut short)."""
    return temporary.name[len(TEMP_PREFIX) : -(len(TEMP_SUFFIX) + 9)]


def legacy_temporary_files(target: Path) -> list[Path]:
    """Temporary files earlier versions left for exactly ``target`` (``.master-XXXXXXXX.xlsx.tmp``)."""
    stem = Path(target).stem
    patterns = [
        re.compile(p.format(stem=re.escape(stem), stem40=re.escape(stem[:40]), random=_RANDOM))
        for p in _LEGACY
    ]
    try:
        entries = list(Path(target).parent.iterdir())
    except OSError:
        return []
    return [p for p in entries if any(pattern.fullmatch(p.name) for pattern in patterns)]


def remove_files(paths: list[Path]) -> list[Path]:
    """Remove the files (ignoring ones already gone); the ones removed."""
    removed = []
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
    return removed
