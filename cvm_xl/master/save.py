"""Saving a changed master file: a backup beside it, then the new file in one step (SPEC §7, §9).

The order makes every moment safe: the new workbook is first made in memory (a value no cell can
hold stops here, with nothing written); the backup is a whole copy written atomically (old file or
no backup, never half of one) with the master's mode, owner and group; then the master is replaced
atomically, keeping its mode, owner and group. When that last step fails (a full disk, a folder
that became read-only) the backup this call made is removed again: the master is unchanged, so
nothing at all was written. Callers hold the master's lock (``cvm_xl.master.lock.writing``).

Every save leaves an .xlsx master live (``cvm_xl.master.live``): its computed columns are formulas
with their results saved, whatever command changed it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from openpyxl import Workbook

from cvm_xl.master.live import live_bytes
from cvm_xl.spreadsheet.atomic import atomic_copy, atomic_write, remove_files

BACKUP_INFIX = ".backup-"
_STAMP = "%Y%m%d-%H%M%S"


def backup_path(target: Path, now: dt.datetime | None = None) -> Path:
    """``master.backup-20261122-093000.xlsx`` beside the master; never the name of an existing file."""
    stamp = (now or dt.datetime.now()).strftime(_STAMP)
    candidate = target.with_name(f"{target.stem}{BACKUP_INFIX}{stamp}{target.suffix}")
    n = 2
    while candidate.exists():
        candidate = target.with_name(f"{target.stem}{BACKUP_INFIX}{stamp}-{n}{target.suffix}")
        n += 1
    return candidate


def backup_names(target: Path) -> str:
    """A regular expression for the file names ``backup_path`` gives the backups of ``target``."""
    stem, suffix = re.escape(target.stem), re.escape(target.suffix)
    return rf"{stem}{re.escape(BACKUP_INFIX)}\d{{8}}-\d{{6}}(?:-\d+)?{suffix}"


def keep_backup(target: Path, now: dt.datetime | None = None) -> Path:
    """Copy the master to a new backup beside it, atomically and with its permissions; the backup."""
    kept = backup_path(target, now)
    atomic_copy(target, kept)
    return kept


def save_master(
    wb: Workbook, target: Path, *, backup: bool = True, now: dt.datetime | None = None
) -> Path | None:
    """Replace the master file with ``wb`` (backup first when ``backup``); the backup made, if any.
    An .xlsx master is saved live: computed columns as formulas with their results (``live_bytes``).

    Raises what the file system raised (``OSError``) or what openpyxl raised for a value no cell
    can hold (``ValueError``); either way the master and its folder are as they were.
    """
    target = Path(target)
    return save_master_bytes(live_bytes(wb, target), target, backup=backup, now=now)


def save_master_bytes(
    data: bytes, target: Path, *, backup: bool = True, now: dt.datetime | None = None
) -> Path | None:
    """``save_master`` for a master already made into the bytes of its file."""
    target = Path(target)
    kept = keep_backup(target, now) if backup else None
    try:
        atomic_write(target, data)
    except BaseException:
        if kept is not None:
            remove_files([kept])  # the master is unchanged: a copy of it is no backup of anything
        raise
    return kept


def restore_backup(backup: Path | None, target: Path) -> None:
    """Put the backup back as the master (one rename: needs no disk space, keeps its permissions),
    when a later step of the same change failed: the change as a whole, or nothing."""
    if backup is not None:
        os.replace(backup, target)
