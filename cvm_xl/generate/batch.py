"""Generating many customer workbooks: file names, the overwrite rule, and parallel work.

The master is prepared once (``RunData``) and the base workbook built once; each customer then
costs a few milliseconds of string building and compression. With many customers, helper
processes forked from this one share the work: they inherit the prepared data (nothing is
pickled on the way out), take the next chunk of customers from a shared counter, and send back
only the small results. This process works through chunks too, so ``workers=2`` means two
processes in all.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

from cvm_xl.books.package import changed_since_generation
from cvm_xl.core.problems import Problem
from cvm_xl.generate.customer_book import CustomerBookWriter
from cvm_xl.generate.filenames import unique_file_names
from cvm_xl.generate.model import CustomerData, RunData
from cvm_xl.generate.sheets.common import Sheet
from cvm_xl.master.model import Master
from cvm_xl.spreadsheet.atomic import atomic_write

WRITTEN, REPLACED, REFUSED, FAILED = "written", "replaced", "refused", "failed"
PARALLEL_FROM = 40  # below this many customers one process is faster than forking helpers
CHUNK = 8
_DONE = -1
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_WATCH_SECONDS = 0.2  # how often a helper without prctl looks for its parent


@dataclass
class BookResult:
    """What happened to one customer's workbook."""

    customer_id: str
    customer: str
    path: Path
    status: str
    ideas: int = 0
    sign_off: int = 0
    fingerprint: str = ""
    message: str = ""
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in (WRITTEN, REPLACED)


class _Job:
    """One run: the prepared data, the writer and where each workbook goes."""

    def __init__(self, run: RunData, writer: CustomerBookWriter, paths: dict[str, Path], force: bool) -> None:
        self.run = run
        self.writer = writer
        self.paths = paths
        self.force = force

    def one(self, customer_id: str) -> BookResult:
        data = self.run.customer(customer_id)
        path = self.paths[customer_id]
        result = BookResult(
            customer_id=customer_id,
            customer=data.name,
            path=path,
            status=WRITTEN,
            ideas=data.n_ideas,
            sign_off=len(data.selected()),
            fingerprint=data.fingerprint,
            warnings=data.refused,
        )
        try:
            if path.exists():
                reason = changed_since_generation(path)
                if reason and not self.force:
                    result.status = REFUSED
                    result.message = f"{path.name} was not overwritten: {reason}. Use --force to replace it."
                    return result
                result.status = REPLACED
            atomic_write(path, self.writer.workbook_bytes(data))
        except OSError as exc:
            result.status = FAILED
            result.message = f"{path.name} could not be written ({exc.strerror or exc}); is it open in Excel?"
        return result

    def many(self, customer_ids: Sequence[str]) -> list[BookResult]:
        return [self.one(cid) for cid in customer_ids]


def _claim(counter: Synchronized[int], n_chunks: int) -> int:
    """The next chunk nobody has taken yet, or ``_DONE``."""
    with counter.get_lock():
        index = counter.value
        if index >= n_chunks:
            return _DONE
        counter.value = index + 1
        return index


def _end_with(parent: int) -> None:
    """Make this forked helper end when the process that forked it ends, however it ends (kill -9
    included): otherwise it would go on writing workbooks for a run nobody waits for.

    On Linux the kernel sends SIGKILL on the parent's death (``prctl(PR_SET_PDEATHSIG)``); elsewhere
    a thread watches the parent's process id and ends the helper when it changes.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the request took effect
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass  # no prctl in this C library: watch instead
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_SECONDS)
    os._exit(1)


def _helper_of(
    parent: int, job: _Job, chunks: Sequence[Sequence[str]], counter: Synchronized[int], conn: Connection
) -> None:
    """What a forked helper runs: tied to its parent's life, then ``_helper``."""
    _end_with(parent)
    _helper(job, chunks, counter, conn)


def _helper(job: _Job, chunks: Sequence[Sequence[str]], counter: Synchronized[int], conn: Connection) -> None:
    """A forked helper: claim chunks until none is left, sending each chunk's results back."""
    try:
        while (index := _claim(counter, len(chunks))) != _DONE:
            conn.send((index, job.many(chunks[index])))
        conn.send((_DONE, []))
    finally:
        conn.close()


class _Progress:
    def __init__(self, total: int, callback: Callable[[int, int], None] | None) -> None:
        self.total, self.callback, self.done = total, callback, 0

    def add(self, n: int) -> None:
        self.done += n
        if self.callback:
            self.callback(self.done, self.total)


def _release_free_memory() -> None:
    """Hand memory that was freed (the temporaries of preparing the run) back to the system.

    The C allocator keeps freed memory mapped for reuse; each forked helper would then inherit it
    as part of the process, so the run would look and be bigger than its data. Only where the C
    library offers ``malloc_trim`` (glibc); elsewhere nothing happens.
    """
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library the interpreter runs on
    except (OSError, AttributeError, TypeError):
        return
    trim.argtypes = [ctypes.c_size_t]
    trim(0)


def _forked(
    job: _Job, chunks: Sequence[Sequence[str]], helpers: int, progress: _Progress
) -> list[BookResult]:
    """Work through the chunks here and in ``helpers`` forked processes (work stealing)."""
    context = multiprocessing.get_context("fork")
    counter: Synchronized[int] = context.Value("i", 0)  # a C int, shared with the helpers
    pipes: list[tuple[BaseProcess, Connection]] = []
    results: dict[int, list[BookResult]] = {}
    gc.collect()
    _release_free_memory()
    gc.freeze()  # the collector would otherwise touch, and so copy, every inherited object
    try:
        for _ in range(helpers):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(
                target=_helper_of, args=(os.getpid(), job, chunks, counter, send), daemon=True
            )
            process.start()
            send.close()
            pipes.append((process, receive))
        while (index := _claim(counter, len(chunks))) != _DONE:
            results[index] = job.many(chunks[index])
            progress.add(len(results[index]))
            for _, receive in pipes:
                _collect(receive, results, progress, block=False)
        for helper, receive in pipes:
            _collect(receive, results, progress, block=True)
            helper.join()
    finally:
        gc.unfreeze()
    # A helper that died (killed, out of memory) leaves its chunks undone: do them here.
    for index, chunk in enumerate(chunks):
        if index not in results:
            results[index] = job.many(chunk)
            progress.add(len(chunk))
    return [r for index in range(len(chunks)) for r in results[index]]


def _collect(
    receive: Connection, results: dict[int, list[BookResult]], progress: _Progress, *, block: bool
) -> None:
    """Take the results a helper has sent; with ``block``, until it says it is done or dies."""
    try:
        while block or receive.poll():
            index, chunk = receive.recv()
            if index == _DONE:
                return
            results[index] = chunk
            progress.add(len(chunk))
    except (EOFError, OSError):
        return


def _threaded(
    job: _Job, chunks: Sequence[Sequence[str]], workers: int, progress: _Progress
) -> list[BookResult]:
    """Where processes cannot be forked: threads still overlap compression and file writes (zlib
    and I/O release the GIL) with rendering."""
    out: list[BookResult] = []
    with ThreadPoolExecutor(workers) as pool:
        for chunk in pool.map(job.many, chunks):
            out += chunk
            progress.add(len(chunk))
    return out


def default_workers(n_customers: int) -> int:
    if n_customers < PARALLEL_FROM:
        return 1
    return max(1, min(2, os.cpu_count() or 1))


def generate_customer_books(
    master: Master,
    out_dir: Path,
    *,
    customer_ids: Sequence[str] | None = None,
    force: bool = False,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    generated: dt.datetime | None = None,
    sheets: Sequence[Sheet[CustomerData]] | None = None,
    as_of: dt.date | None = None,
) -> list[BookResult]:
    """Write one workbook per customer into ``out_dir``; returns one result per customer, in order.

    An existing workbook that was changed since it was generated is left alone (status
    ``refused``) unless ``force``; an unchanged one is replaced. ``workers`` is the number of
    processes working (default: 2 for many customers, else 1). ``progress(done, total)`` is called
    as workbooks are finished. ``sheets`` replaces the default sheet list (``CUSTOMER_SHEETS``).
    ``as_of`` is the day the books report on (default: the day of ``generated``; issue 14).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    run = RunData(master, generated, as_of)
    wanted = list(customer_ids) if customer_ids is not None else list(run.customer_ids)
    names = unique_file_names((cid, run.customer_name(cid)) for cid in run.customer_ids)
    paths = {cid: out_dir / names[cid] for cid in wanted}
    writer = CustomerBookWriter(master.settings, list(sheets) if sheets else None, run.sign_off_lines)
    job = _Job(run, writer, paths, force)
    tracker = _Progress(len(wanted), progress)
    n_workers = workers if workers is not None else default_workers(len(wanted))
    chunks = [wanted[i : i + CHUNK] for i in range(0, len(wanted), CHUNK)]
    if n_workers <= 1 or len(chunks) < 2:
        results = []
        for chunk in chunks:
            results += job.many(chunk)
            tracker.add(len(chunk))
    elif "fork" in multiprocessing.get_all_start_methods():
        results = _forked(job, chunks, n_workers - 1, tracker)
    else:
        results = _threaded(job, chunks, n_workers, tracker)
    by_id = {r.customer_id: r for r in results}
    return [by_id[cid] for cid in wanted]
