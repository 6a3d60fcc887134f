"""Faults injected into commands that write (issue 13): a full disk, a folder that cannot be
written, a command killed with SIGKILL, an owner file of Excel; and what the folder holds after."""

from __future__ import annotations

import contextlib
import errno
import multiprocessing
import os
import random
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from cvm_xl.cli import main
from cvm_xl.spreadsheet import atomic

FORK = multiprocessing.get_context("fork")


class FullDisk:
    """Stands in for ``atomic.write_fully``: calls before ``fail_at`` write normally; from then on
    half the bytes reach the disk and the disk is full (ENOSPC), as on a real full drive."""

    def __init__(self, fail_at: int = 1) -> None:
        self.fail_at, self.calls = fail_at, 0
        self.real = atomic.write_fully

    def __call__(self, fd: int, data: bytes | memoryview) -> None:
        self.calls += 1
        if self.calls < self.fail_at:
            self.real(fd, data)
            return
        os.write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class SlowDisk:
    """Stands in for ``atomic.write_fully`` as a slow network share: 16 KB at a time, then a pause.
    It counts the pieces written in memory shared with forked commands, so a test can kill a command
    right after its n-th piece: in the middle of writing a file, wherever the timing falls."""

    CHUNK, PAUSE = 16 * 1024, 0.003

    def __init__(self) -> None:
        self.pieces = FORK.Value("i", 0, lock=False)
        self.real = atomic.write_fully

    def __call__(self, fd: int, data: bytes | memoryview) -> None:
        view = memoryview(data)
        while view:
            self.real(fd, view[: self.CHUNK])
            view = view[self.CHUNK :]
            self.pieces.value += 1
            time.sleep(self.PAUSE)

    def reset(self) -> None:
        self.pieces.value = 0

    def wait_for(self, pieces: int, timeout: float) -> None:
        """Until the command has written ``pieces`` pieces (or ``timeout`` seconds passed)."""
        deadline = time.monotonic() + timeout
        while self.pieces.value < pieces and time.monotonic() < deadline:
            time.sleep(0.0002)


def slow_disk(monkeypatch: pytest.MonkeyPatch) -> SlowDisk:
    disk = SlowDisk()
    monkeypatch.setattr(atomic, "write_fully", disk)
    return disk


def kill_points(rng: random.Random, kills: int, length: float, pieces: int) -> list[tuple[str, float]]:
    """Where to kill a command: half the points spread evenly over its run (seconds after the start,
    each at a random place in its stretch), half right after a random piece it writes."""
    spread = kills - kills // 2
    points = [("time", length * (i + rng.random()) / spread) for i in range(spread)]
    points += [("piece", float(rng.randint(1, pieces))) for _ in range(kills // 2)]
    rng.shuffle(points)
    return points


def temporary_files(folder: Path) -> list[str]:
    """What a killed writer may leave: its temporary files and its lock file."""
    return [n for n in names(folder) if n.startswith(".")]


def full_disk(monkeypatch: pytest.MonkeyPatch, fail_at: int = 1) -> FullDisk:
    disk = FullDisk(fail_at)
    monkeypatch.setattr(atomic, "write_fully", disk)
    return disk


def unwritable_folder(monkeypatch: pytest.MonkeyPatch, folder: Path, code: int = errno.EROFS) -> None:
    """Make ``folder`` refuse every change as a read-only drive (EROFS) or another user's folder
    (EACCES) does: creating or opening a file in it for writing, renaming into it, removing from it,
    making a folder in it. (A real read-only folder does not stop root, who runs these tests in CI.)"""
    folder = folder.resolve()
    refused = OSError(code, os.strerror(code))

    def inside(path: object) -> bool:
        return Path(os.fsdecode(path)).resolve().parent == folder  # type: ignore[arg-type]

    real_open, real_replace, real_rename = os.open, os.replace, os.rename
    real_unlink, real_mkdir = os.unlink, os.mkdir

    def guarded_open(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if inside(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(code, os.strerror(code), os.fsdecode(path))
        return real_open(path, flags, *args, **kwargs)

    def guard(real):  # type: ignore[no-untyped-def]
        def guarded(*args, **kwargs):  # type: ignore[no-untyped-def]
            if any(inside(a) for a in args[:2] if isinstance(a, str | bytes | os.PathLike)):
                raise OSError(refused.errno, refused.strerror, os.fsdecode(args[-1]))
            return real(*args, **kwargs)

        return guarded

    monkeypatch.setattr(os, "open", guarded_open)
    monkeypatch.setattr(os, "replace", guard(real_replace))
    monkeypatch.setattr(os, "rename", guard(real_rename))
    monkeypatch.setattr(os, "unlink", guard(real_unlink))
    monkeypatch.setattr(os, "mkdir", guard(real_mkdir))


def excel_owner_bytes(user: str) -> bytes:
    """Excel's owner file ``~$NAME`` of an open workbook (165 bytes: the user name twice)."""
    ansi = user.encode("cp1252", errors="replace")[:52]
    head = (bytes([len(ansi)]) + ansi).ljust(55, b" ")
    data = head + len(user).to_bytes(2, "little") + user.encode("utf-16-le")
    return data.ljust(165, b" ")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The command line in this process: exit code, output and errors (line wrapping undone)."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, " ".join(captured.out.split()), " ".join(captured.err.split())


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def backups(master: Path) -> list[Path]:
    return sorted(master.parent.glob(f"{master.stem}.backup-*{master.suffix}"))


# --- commands in a forked process, to be killed --------------------------------------------------


class Command:
    """The command line running in a process forked from this one (the modules are loaded already,
    so it starts at once). Waited for with ``os.waitpid``: its forked helpers do not delay that."""

    def __init__(self, argv: Sequence[str]) -> None:
        self.exitcode: int | None = None
        pid = os.fork()
        if pid == 0:  # the command
            code = 70
            try:
                with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink), \
                        contextlib.redirect_stderr(sink):  # fmt: skip
                    code = main(list(argv))
            finally:
                os._exit(code)
        self.pid = pid

    def join(self, timeout: float = 60) -> int | None:
        deadline = time.monotonic() + timeout
        while self.exitcode is None and time.monotonic() < deadline:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.exitcode = os.waitstatus_to_exitcode(status)
            else:
                time.sleep(0.005)
        return self.exitcode

    def kill(self) -> None:
        """SIGKILL: no handler, no clean-up, no atexit (as a power cut or the task manager)."""
        if self.exitcode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self.join(10)


def start(argv: Sequence[str]) -> Command:
    return Command(argv)


def kill(command: Command) -> None:
    command.kill()


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


needs_proc = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
