"""`generate` killed with SIGKILL (issue 13): its forked helper ends with it, every customer workbook
in the folder is a whole generated workbook (the old one or the new one), and the next generate
leaves no stray file (temporary files and the folder's lock file are swept).

Workbooks are written as on a slow share (``SlowDisk``); half the kill points are spread over a
measured run, half fall right after a random piece of a workbook is written (seed
``CVM_FAULT_SEED``, default 13).
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pandas as pd
import pytest
from fault_fixtures import alive, children, kill, kill_points, names, needs_proc, slow_disk, start

from cvm_xl.books.package import changed_since_generation
from cvm_xl.cli import main
from cvm_xl.core import actions as act
from cvm_xl.core import columns as col
from cvm_xl.core.chain import PARTY_ID
from cvm_xl.core.reviews import REVIEW_ID
from cvm_xl.generate import batch
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables

KILLS = 20
SEED = int(os.environ.get("CVM_FAULT_SEED", "13"))
COPIES = 3  # the sample's four customers three times: two chunks, so a helper is forked


def _suffixed(frame: pd.DataFrame, columns: tuple[str, ...], suffix: str) -> pd.DataFrame:
    frame = frame.copy()
    for name in columns:
        frame[name] = [v if pd.isna(v) or v == "" else f"{v}{suffix}" for v in frame[name]]
    return frame


@pytest.fixture(scope="module")
def big_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with every customer, idea, raw idea, tracking row, action, wave, objective, review and
    KPI reading copied under new IDs (an action's idea and review, a reading's customer, renamed alike)."""
    tables = sample_tables()
    ids = {
        "Customers": (col.CUSTOMER_ID, "Customer"),
        "Workshop": ("Raw ID", col.CUSTOMER_ID, "Mother idea ID"),
        "Ideas": (col.IDEA_ID, col.CUSTOMER_ID, col.BUNDLE),  # a bundle holds ideas of one customer
        "Tracking": (col.IDEA_ID,),
        "Waves": (col.CUSTOMER_ID,),  # issue 14
        "Actions": (act.ACTION_ID, col.IDEA_ID, act.REVIEW_ID),  # issue 14: no Customer ID, its idea's
        "Objectives": (col.CUSTOMER_ID,),
        "Reviews": (REVIEW_ID, col.CUSTOMER_ID),
        "KPI readings": (col.CUSTOMER_ID,),  # a reading names its objective by text, kept per customer
        "Parties": (PARTY_ID, col.CUSTOMER_ID),  # issue 16: a partner belongs to one relationship
        "Chain values": (col.IDEA_ID, PARTY_ID),
    }
    copies = {
        name: pd.concat([frame, *(_suffixed(frame, ids[name], f"-{k}") for k in range(1, COPIES))],
                        ignore_index=True)
        for name, frame in tables.items()
    }  # fmt: skip
    path = tmp_path_factory.mktemp("big") / "master.xlsx"
    write_master(path, sample_settings(), copies)
    return path


def _argv(master: Path, out: Path) -> list[str]:
    return ["generate", str(master), "--out", str(out), "--workers", "2"]


def _helpers_end_with(pid: int, helpers: list[int]) -> None:
    """The helpers are gone at once (a helper left alone would go on writing for a second or more)."""
    deadline = time.monotonic() + 0.5
    while any(alive(h) for h in helpers) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not [h for h in helpers if alive(h)], f"helpers of {pid} still running after it was killed"


@needs_proc
def test_the_helper_ends_when_generate_is_killed(big_master: Path, tmp_path: Path, monkeypatch) -> None:
    disk = slow_disk(monkeypatch)
    # One customer per chunk, written slowly: the helper would have a second of work left.
    monkeypatch.setattr(type(disk), "PAUSE", 0.05)
    monkeypatch.setattr(batch, "CHUNK", 1)
    out = tmp_path / "customers"
    process = start(_argv(big_master, out))
    deadline = time.monotonic() + 20
    while not (helpers := children(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.002)
    assert helpers, "generate forked no helper"
    disk.wait_for(3, timeout=20)
    kill(process)
    _helpers_end_with(process.pid, helpers)
    written = names(out)
    time.sleep(0.2)
    assert names(out) == written  # nobody writes for the killed run any more


@needs_proc
def test_generate_killed_at_20_points(big_master: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    disk = slow_disk(monkeypatch)
    out = tmp_path / "customers"
    started = time.monotonic()
    first = start(_argv(big_master, out))  # the old workbooks, and how long a run takes
    first.join(60)
    assert first.exitcode == 0
    length, pieces = time.monotonic() - started, disk.pieces.value
    books = [n for n in names(out) if n.endswith(".xlsx")]
    assert len(books) == 4 * COPIES and names(out) == books
    left = 0
    for i, (how, at) in enumerate(kill_points(random.Random(SEED), KILLS, length, pieces)):
        disk.reset()
        process = start(_argv(big_master, out))
        if how == "time":
            time.sleep(at)
        else:
            disk.wait_for(int(at), timeout=3 * length)
        helpers = children(process.pid)
        kill(process)
        _helpers_end_with(process.pid, helpers)
        where = f"kill {i} ({how} {at:g}, seed {SEED})"
        for book in books:  # every workbook whole: as generated before or as generated now
            assert changed_since_generation(out / book) is None, f"{where}: {book} is damaged"
        left += any(n.endswith(".tmp") for n in names(out))
    assert left, "no kill fell while a workbook was being written"
    assert main(_argv(big_master, out)) == 0
    assert names(out) == books  # no temporary file, no lock file
    capsys.readouterr()
