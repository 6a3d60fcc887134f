"""Writing a file so that a reader, a crash or a second process sees the old file or the new one,
never a half-written file, and the replaced file keeps its permissions."""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path

from openpyxl import Workbook


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


_UMASK = _umask()


def _mode(path: Path) -> int:
    """The replaced file's permissions, or what a plain new file gets (mkstemp would use 0600)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_UMASK


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path`` in one step.

    A reader (or a crash) sees either the old file or the complete new one, never a partial file.
    """
    path = Path(path)
    mode = _mode(path)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".~" + path.stem[:40], suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def save_atomically(wb: Workbook, path: Path) -> None:
    """Save an openpyxl workbook with ``atomic_write``: the old file or the new one, never half."""
    buffer = io.BytesIO()
    wb.save(buffer)
    atomic_write(Path(path), buffer.getvalue())
