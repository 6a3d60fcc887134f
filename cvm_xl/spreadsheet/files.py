"""Can this file be read as a workbook at all? Checks done before any cell is read.

Every check looks at the file system entry, the first bytes or the zip central directory; none
inflates the archive, so a hostile file is turned away quickly and in bounded memory.
"""

from __future__ import annotations

import errno
import stat
import zipfile
from pathlib import Path

import olefile

from cvm_xl.core.problems import Code, Problem, WorkbookError

EXTENSIONS = (".xlsx", ".xlsm")
MAX_FILE_BYTES = 50 * 1024 * 1024
# A master with 300,000 ideas holds a ~400 MB sheet XML (~40 MB zipped), so the limits on the
# unpacked size stay well above that while still refusing archives that unpack to gigabytes.
MAX_ENTRY_BYTES = 1024 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
# Workbook XML compresses about 5-20 times; zip bombs about 1000 times.
MAX_RATIO = 100
RATIO_MIN_BYTES = 10 * 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
SAVE_AS_XLSX = "Open it in Excel and save it as Excel Workbook (.xlsx)."


class UnreadableFileError(WorkbookError):
    """The file cannot be read as a workbook at all (missing, not a workbook, encrypted, damaged, too big).

    The command line reports it with exit code 2, unlike problems in the content (exit code 1).
    """


def unreadable(path: str | Path, message: str, fix: str, value: object = None) -> UnreadableFileError:
    return UnreadableFileError(
        [Problem(str(path), None, None, None, value, message, fix=fix, code=Code.FILE_UNREADABLE)]
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"


def _size(size: int) -> str:
    """'512 bytes', '3.4 KB', '61.0 MB'."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:,.1f} KB"
    return _megabytes(size)


def _is_encrypted_ole(path: Path) -> bool:
    """An OOXML workbook saved with a password is an OLE compound file holding EncryptionInfo."""

    try:
        with olefile.OleFileIO(str(path)) as ole:
            return bool(ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"))
    except OSError:
        return False


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut off at the end of the sample is still text.
        return exc.start >= len(head) - 3
    return True


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except PermissionError:
        raise _no_access(path) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise unreadable(
            path,
            f"The file is damaged: it is not a readable .xlsx archive ({exc}).",
            "Open it in Excel, which may offer to repair it, and save a new copy; or use a backup.",
        ) from None
    names = {e.filename for e in entries}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names and "content.xml" in names:
        raise unreadable(
            path,
            "The file is an OpenDocument spreadsheet (.ods, as LibreOffice saves it), not an Excel workbook.",
            "Open it in LibreOffice and save it as Excel 2007-365 (.xlsx).",
        )
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise unreadable(
            path,
            "The file is a zip archive but not an Excel workbook (it has no xl/workbook.xml).",
            "Choose the master workbook (.xlsx or .xlsm) itself.",
        )
    total = 0
    for entry in entries:
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        too_big = entry.file_size > MAX_ENTRY_BYTES
        bomb = entry.file_size > RATIO_MIN_BYTES and ratio > MAX_RATIO
        if too_big or bomb or total > MAX_TOTAL_BYTES:
            raise unreadable(
                path,
                f"The workbook unpacks to more than a workbook should: part {entry.filename} "
                f"would grow from {_size(entry.compress_size)} to {_size(entry.file_size)}"
                + (f" ({ratio:,.0f} times)." if bomb else "."),
                "This is not a normal workbook (possibly a 'zip bomb'). Use the original master, "
                "or open it in Excel and save a clean copy.",
                entry.filename,
            )


_CHECK_PATH = "Check the file name and folder."


def _not_there(path: Path, error: OSError) -> UnreadableFileError:
    """The problem of a path that cannot even be looked at (SPEC §8: a message, never a traceback)."""
    if error.errno == errno.ENOTDIR:
        return unreadable(path, "The path goes through a file as if it were a folder.", _CHECK_PATH)
    if error.errno == errno.ELOOP:
        return unreadable(
            path,
            "The path is a symbolic link that leads back to itself (a link loop).",
            "Point the link at the workbook, or give the workbook's own path.",
        )
    if error.errno in (errno.EACCES, errno.EPERM):
        return _no_access(path)
    if error.errno == errno.ENAMETOOLONG:
        return unreadable(path, "The file name or path is too long for this system.", _CHECK_PATH)
    if error.errno == errno.ENOENT:
        return unreadable(path, "The file does not exist.", _CHECK_PATH)
    return unreadable(path, f"The file cannot be looked at ({error.strerror or error}).", _CHECK_PATH)


def _no_access(path: Path) -> UnreadableFileError:
    return unreadable(
        path,
        "cvm-xl may not read this file (permission denied).",
        "Ask the owner of the file or of its folder for read access, or copy it somewhere you can read.",
    )


def check_workbook_file(path: str | Path) -> Path:
    """The path as a Path when the file looks like a readable .xlsx/.xlsm; else UnreadableFileError.

    A missing file, a folder, a pipe or device, a link loop, a path through a file and a file that
    may not be read are each named as such (SPEC §8)."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise _not_there(path, error) from None
    if stat.S_ISDIR(mode):
        raise unreadable(path, "This is a folder, not a workbook file.", "Give the path of the .xlsx file.")
    if not stat.S_ISREG(mode):
        raise unreadable(
            path,
            "This is not a file but a pipe, socket or device, so it cannot be a workbook.",
            "Give the path of the .xlsx file.",
        )
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        what = f"a {suffix} file" if suffix else "a file without an extension"
        fix = SAVE_AS_XLSX
        if suffix == ".xls":
            what = "an old Excel 97-2003 (.xls) workbook"
        elif suffix == ".xlsb":
            what = "an Excel binary (.xlsb) workbook"
        raise unreadable(path, f"The file is not an .xlsx or .xlsm workbook: it is {what}.", fix, suffix)
    size = path.stat().st_size
    if size == 0:
        raise unreadable(
            path,
            "The file is empty (0 bytes).",
            "It was probably not saved completely: use the original or a backup, or run cvm-xl init.",
        )
    if size > MAX_FILE_BYTES:
        raise unreadable(
            path,
            f"The file is {_megabytes(size)}; cvm-xl reads master workbooks up to "
            f"{_megabytes(MAX_FILE_BYTES)}.",
            "Remove pictures, unused sheets and old data (e.g. move finished waves to an archive "
            "workbook), then save and try again.",
            size,
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except PermissionError:
        raise _no_access(path) from None
    except OSError as error:
        raise unreadable(path, f"The file cannot be read ({error.strerror or error}).", _CHECK_PATH) from None
    if head.startswith(OLE_MAGIC):
        if _is_encrypted_ole(path):
            raise unreadable(
                path,
                "The workbook is protected with a password (encrypted), so it cannot be read.",
                "Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt "
                "with Password, clear it), save, and try again.",
            )
        raise unreadable(
            path,
            f"The file is an old Excel 97-2003 (.xls) workbook although it is named {suffix}.",
            SAVE_AS_XLSX,
        )
    if not head.startswith(ZIP_MAGIC):
        content = "is text (e.g. CSV), not" if _looks_like_text(head) else "is not"
        raise unreadable(
            path, f"The file is named {suffix} but its content {content} an Excel workbook.", SAVE_AS_XLSX
        )
    _check_zip(path)
    return path
