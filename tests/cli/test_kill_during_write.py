"""`select --apply` and `import` killed with SIGKILL at 20 points of their run (issue 13): after
every kill the master loads with the old content or the new, never anything between, and every
backup beside it is a whole copy of the old master; the next command leaves no stray file (the
temporary files and the lock file of the killed commands are swept).

The files are written as on a slow share (``SlowDisk``, in pieces). Half the kill points are spread
over the measured run (each at a random place in its twentieth), half fall right after a random
piece of a file is written (seed ``CVM_FAULT_SEED``, default 13).
"""

from __future__ import annotations

import os
import random
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import pytest
from book_fixtures import KAPPA, edit_book, generated_fixture  # noqa: F401  (fixture)
from fault_fixtures import SlowDisk, backups, kill, kill_points, names, slow_disk, start, temporary_files

from cvm_xl.cli import main
from cvm_xl.core import columns as col
from cvm_xl.master.read import load_master

KILLS = 20
SEED = int(os.environ.get("CVM_FAULT_SEED", "13"))


def _content(path: Path) -> pd.DataFrame:
    """What the commands change: the Ideas and Tracking tables as the loader reads them."""
    master = load_master(path)
    return pd.concat({"ideas": master.ideas.astype(str), "tracking": master.tracking.astype(str)})


def _measure(argv: Sequence[str], disk: SlowDisk) -> tuple[float, int]:
    """How long a run lasts, and how many pieces it writes."""
    disk.reset()
    started = time.monotonic()
    process = start(argv)
    process.join(60)
    assert process.exitcode == 0
    return time.monotonic() - started, disk.pieces.value


def kill_at_20_points(master: Path, argv: Callable[[Path], list[str]], disk: SlowDisk) -> dict[str, int]:
    """Kill the command at KILLS points; after each, the master is the old or the new one."""
    original = master.read_bytes()
    old = _content(master)
    scratch = master.with_name("scratch.xlsx")
    shutil.copy(master, scratch)
    length, pieces = _measure(argv(scratch), disk)
    new = _content(scratch)
    for path in [scratch, *backups(scratch)]:
        path.unlink()
    assert not old.equals(new), "the command must change the master for this test to mean anything"
    seen = {"old": 0, "new": 0, "temporary file left": 0}
    for i, (how, at) in enumerate(kill_points(random.Random(SEED), KILLS, length, pieces)):
        master.write_bytes(original)
        disk.reset()
        process = start(argv(master))
        if how == "time":
            time.sleep(at)
        else:
            disk.wait_for(int(at), timeout=3 * length)
        kill(process)
        now = _content(master)  # it loads: never a half-written master
        where = f"kill {i} ({how} {at:g}, seed {SEED})"
        assert now.equals(old) or now.equals(new), f"{where}: the master is neither the old nor the new"
        seen["new" if now.equals(new) else "old"] += 1
        seen["temporary file left"] += any(n.endswith(".tmp") for n in temporary_files(master.parent))
        for backup in backups(master):
            assert _content(backup).equals(old), f"{where}: {backup.name} is not the old master"
    return seen


def _after_the_next_command(master: Path, argv: list[str]) -> None:
    assert main(argv) == 0
    expected = sorted([master.name, *(b.name for b in backups(master))])
    assert names(master.parent) == expected  # no temporary file, no lock file left


@pytest.fixture
def share(tmp_path: Path) -> Path:
    folder = tmp_path / "share"
    folder.mkdir()
    return folder


def test_select_apply_killed_at_20_points(sample_master: Path, share: Path, capsys, monkeypatch) -> None:
    master = Path(shutil.copy(sample_master, share / "master.xlsx"))
    seen = kill_at_20_points(master, lambda m: ["select", str(m), "--apply"], slow_disk(monkeypatch))
    # killed before the master was replaced, and while a file was being written
    assert seen["old"] and seen["temporary file left"], seen
    _after_the_next_command(master, ["select", str(master), "--apply"])
    capsys.readouterr()


def test_import_killed_at_20_points(generated, share: Path, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    master = Path(shutil.copy(generated["master"], share / "master.xlsx"))
    book = edit_book(Path(shutil.copy(generated[KAPPA], tmp_path / "kappa.xlsx")),
                     {"KAP-101": {col.STATUS: "Implementing", col.OWNER: "Zoe Quint"}})  # fmt: skip
    seen = kill_at_20_points(master, lambda m: ["import", str(m), str(book)], slow_disk(monkeypatch))
    assert seen["old"] and seen["temporary file left"], seen
    _after_the_next_command(master, ["import", str(master), str(book)])
    capsys.readouterr()
