"""Generating many customer workbooks: file names, the overwrite rule, and two worker processes.

The master is prepared once (``RunData``) and the base workbook built once; each customer then
costs a few milliseconds of string building and compression. With many customers the work is
shared by worker processes that inherit the prepared data (``fork``), so nothing is pickled but
the customer IDs going out and the small results coming back.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..master import Master
from ..problems import Problem
from .atomic import atomic_write, changed_since_generation
from .customer_book import CustomerBookWriter
from .filenames import unique_file_names
from .model import RunData

WRITTEN, REPLACED, REFUSED, FAILED = "written", "replaced", "refused", "failed"
PARALLEL_FROM = 40  # below this many customers one process is faster than starting workers
CHUNK = 16


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
    """Everything a worker needs, set before the workers start so that ``fork`` hands it over."""

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


_JOB: _Job | None = None


def _work(customer_ids: Sequence[str]) -> list[BookResult]:
    assert _JOB is not None
    return _JOB.many(customer_ids)


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def default_workers(n_customers: int) -> int:
    if n_customers < PARALLEL_FROM:
        return 1
    return max(1, min(2, os.cpu_count() or 1))


def _parallel(customer_ids: Sequence[str], n_workers: int) -> Iterable[list[BookResult]]:
    """Chunks of results as they finish. Worker processes (fork) where the platform has them;
    elsewhere threads, which still overlap compression and file writes (zlib and I/O release the
    GIL) with rendering."""
    chunks = list(_chunks(customer_ids, CHUNK))
    if "fork" in multiprocessing.get_all_start_methods():
        gc.freeze()  # the collector would otherwise touch, and so copy, every inherited object
        try:
            with multiprocessing.get_context("fork").Pool(n_workers) as pool:
                yield from pool.imap_unordered(_work, chunks)
        finally:
            gc.unfreeze()
    else:
        with ThreadPoolExecutor(n_workers) as pool:
            yield from pool.map(_work, chunks)


def generate_customer_books(
    master: Master,
    out_dir: Path,
    *,
    customer_ids: Sequence[str] | None = None,
    force: bool = False,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    generated: dt.datetime | None = None,
) -> list[BookResult]:
    """Write one workbook per customer into ``out_dir``; returns one result per customer, in order.

    An existing workbook that was changed since it was generated is left alone (status
    ``refused``) unless ``force``; an unchanged one is replaced. ``progress(done, total)`` is
    called as workbooks are finished.
    """
    global _JOB
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    run = RunData(master, generated)
    wanted = list(customer_ids) if customer_ids is not None else list(run.customer_ids)
    names = unique_file_names((cid, run.customer_name(cid)) for cid in run.customer_ids)
    paths = {cid: out_dir / names[cid] for cid in wanted}
    writer = CustomerBookWriter(master.settings)
    _JOB = _Job(run, writer, paths, force)
    total = len(wanted)
    results: dict[str, BookResult] = {}
    n_workers = workers if workers is not None else default_workers(total)
    try:
        if n_workers <= 1 or total < 2:
            for cid in wanted:
                results[cid] = _JOB.one(cid)
                if progress:
                    progress(len(results), total)
        else:
            for chunk in _parallel(wanted, n_workers):
                for result in chunk:
                    results[result.customer_id] = result
                if progress:
                    progress(len(results), total)
    finally:
        _JOB = None
    return [results[cid] for cid in wanted]
