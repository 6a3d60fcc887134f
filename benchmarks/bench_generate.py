"""Customer workbook generation: ratios against the physical floor and against plain openpyxl,
and the bulk run of 1,500 customers (200 workshop ideas and 15 ideas each).

    python benchmarks/bench_generate.py [--customers 1500] [--sample 40] [--workers 2]
                                        [--sheets all|core] [--no-relationship]

"all" (the default) is the workbook users get: every sheet of ``CUSTOMER_SHEETS``. "core" is the
workbook of the generate issue alone (cover, ideas, map, passbook, sign-off, tracking, workshop,
settings, record), printed for comparison; the bulk run uses ``--sheets``. The master has the
relationship tables (life cycle, maturity, objectives, risks, exit triggers, issues) for every
customer unless ``--no-relationship``.

Measured in one run, on the same data:
- stamp: one customer workbook with cvm-xl (slice the customer's data, render every sheet, zip);
- floor: writing the very same XML parts into a zip (no rendering at all);
- openpyxl: the same cells, formulas and styles written by straightforward openpyxl code;
- bulk: ``generate_customer_books`` for every customer into a temporary folder, wall time and peak
  memory of the process tree (proportional set size, sampled; shared pages counted once).
Targets (issue 5): stamp <= 3x floor, openpyxl >= 5x stamp, bulk < 10 s and < 300 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
import zipfile
from copy import copy
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cvm_xl.books.package import COMPRESSION_LEVEL
from cvm_xl.core import columns as col
from cvm_xl.core.settings import Settings
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.generate.customer_book import CUSTOMER_SHEETS, CustomerBookWriter
from cvm_xl.generate.model import RunData
from cvm_xl.generate.sheets import (
    cover,
    ideas,
    passbook_sheet,
    portfolio_map,
    records,
    settings_sheet,
    sign_off,
)
from cvm_xl.master.model import EXCEL_ROW, Master
from cvm_xl.master.readiness_checks import check_relationship
from cvm_xl.readiness import tables as rt
from cvm_xl.readiness.lifecycle import LIFECYCLE_STAGES

# The sheets of the generate issue itself; CUSTOMER_SHEETS may hold more (wave plan, reports).
CORE_SHEETS = [
    cover.BUILDER, ideas.BUILDER, portfolio_map.BUILDER, passbook_sheet.BUILDER, sign_off.BUILDER,
    records.TRACKING, records.WORKSHOP, settings_sheet.BUILDER, records.RECORD,
]  # fmt: skip
WORDS = [
    "coil",
    "width",
    "slitting",
    "scrap",
    "freight",
    "inventory",
    "forecast",
    "certificate",
    "invoice",
    "pallet",
    "packaging",
    "grade",
    "tolerance",
    "press",
    "line",
    "yield",
    "rail",
    "truck",
    "warehouse",
    "consignment",
    "schedule",
    "changeover",
    "quality",
    "audit",
    "surface",
    "coating",
    "thickness",
    "order",
    "portal",
    "delivery",
    "window",
    "kanban",
    "lead",
    "time",
    "trial",
    "blanking",
    "trimming",
]


def _texts(rng: np.random.Generator, n: int, words: int) -> list[str]:
    picks = rng.integers(0, len(WORDS), size=(n, words))
    return [" ".join(WORDS[i] for i in row).capitalize() for row in picks]


def relationship_tables(ids: list[str], rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Relationship tables typed as ``load_master`` types them (SPEC §3.9): every customer with its
    life-cycle checklist under way, both firms' maturity ratings, three objectives, four risks, an
    exit trigger and two issues, one risk and one issue out of bounds now and then."""
    n = len(ids)
    ready = rng.integers(0, len(LIFECYCLE_STAGES), n)  # stages done so far
    lifecycle = [
        {
            rt.CUSTOMER_ID: cid,
            rt.STAGE: stage.name,
            rt.ITEM: item,
            rt.DONE: ("Yes" if k < 5 else "N/A")
            if s < ready[i]
            else ("No" if s == ready[i] and k < 2 else None),
            rt.NOTE: "Agreed in the joint review" if s == ready[i] and k == 0 else None,
        }
        for i, cid in enumerate(ids)
        for s, stage in enumerate(LIFECYCLE_STAGES)
        for k, item in enumerate(stage.items)
    ]
    rating = list("AABBBCCD")
    maturity = [
        {rt.CUSTOMER_ID: cid, rt.FIRM: firm, **{d: rating[rng.integers(0, 8)] for d in rt.DIMENSIONS}}
        for cid in ids
        for firm in rt.TWO_FIRMS
    ]
    objectives = [
        {rt.CUSTOMER_ID: cid, rt.FIRM: firm, rt.OBJECTIVE: text, rt.AGREED: "Yes" if k else None}
        for cid in ids
        for k, (firm, text) in enumerate(
            (("Supplier", "Grow share of wallet"), ("Customer", "Cut inventory by a fifth"),
             ("Joint", "Faster approvals of new grades"))
        )
    ]  # fmt: skip
    risks = [
        {
            rt.RISK_ID: f"{cid}-R{k}", rt.CUSTOMER_ID: cid, rt.RISK: text, rt.OWNER_FIRM: "Joint",
            rt.LIKELIHOOD: float(rng.integers(1, 6)), rt.IMPACT: float(rng.integers(1, 6)),
            rt.STATUS: "Closed" if k == 3 else "Open", rt.OUT_OF_BOUNDS: bool(rng.random() < 0.05),
        }
        for cid in ids
        for k, text in enumerate(("Key engineer leaves", "Forecast slips", "Plant closure", "Rail strike"))
    ]  # fmt: skip
    exits = [
        {rt.CUSTOMER_ID: cid, rt.TRIGGER: "Sold to a competitor", rt.ACTION: "Review within 30 days",
         rt.LAST_REVIEWED: dt.date(2025, 10, 1)}
        for cid in ids
    ]  # fmt: skip
    issues = [
        {
            rt.ISSUE_ID: f"{cid}-I{k}", rt.CUSTOMER_ID: cid, rt.RAISED: dt.date(2026, 1, 5 + k),
            rt.ISSUE: text, rt.ISSUE_CATEGORY: "Delivery", rt.RAISED_BY: "Customer",
            rt.OUT_OF_BOUNDS: bool(rng.random() < 0.05),
        }
        for cid in ids
        for k, text in enumerate(("Late invoices", "Coil damage in transit"))
    ]  # fmt: skip
    raw = {
        rt.LIFECYCLE_SHEET: lifecycle, rt.MATURITY_SHEET: maturity, rt.OBJECTIVES_SHEET: objectives,
        rt.RISKS_SHEET: risks, rt.EXITS_SHEET: exits, rt.ISSUES_SHEET: issues,
    }  # fmt: skip
    tables = {}
    for sheet, rows in raw.items():
        frame = pd.DataFrame(rows, dtype=object)
        frame.index = pd.RangeIndex(2, 2 + len(frame), name=EXCEL_ROW)
        tables[sheet] = frame
    checked = check_relationship(tables, file="bench-master.xlsx", customer_ids=ids)
    errors = [p for c in checked.values() for p in c.errors]
    assert not errors, errors[:3]
    return {sheet: c.table for sheet, c in checked.items()}


def synthetic_master(
    n_customers: int, n_workshop: int = 200, n_ideas: int = 15, seed: int = 7, relationship: bool = True
) -> Master:
    """A master typed like ``load_master``'s output: n customers, each with workshop rows and ideas,
    tracking rows and (unless ``relationship`` is False) the relationship tables.

    As in a loaded workbook, a value that repeats (a name, a firm, a customer ID on every row)
    is one string object shared by its cells, while free text is one object per cell.
    """
    rng = np.random.default_rng(seed)
    # The relationship readiness inputs draw from a stream of their own: the rest of the master is
    # the same with or without them.
    readiness = np.random.default_rng(seed + 1)
    ids = [f"C{i:05d}" for i in range(n_customers)]
    customers = pd.DataFrame(
        {
            col.CUSTOMER_ID: ids,
            "Customer": [f"Customer {i:05d} {w}" for i, w in enumerate(_texts(rng, n_customers, 2))],
            "Industry": "Automotive",
            "Account manager": "Maren Olsen",
            "Customer champion": "Dieter Hollmann",
            "Wave start": dt.date(2026, 1, 12),
            "Annual volume": 12000.0,
            "Unit": "t",
            "Unit price": 700.0,
            "Value guarantee": 100000.0,
            "Industry quartile": readiness.integers(1, 5, n_customers).astype(float),
            "Long-term culture": readiness.integers(2, 6, n_customers).astype(float),
            "Excellence phase": [["I", "II", "III"][k] for k in readiness.integers(0, 3, n_customers)],
            "Co-destiny": readiness.integers(2, 6, n_customers).astype(float),
        }
    )
    n = n_customers * n_ideas

    def pick(pool: list, size: int) -> list:
        return [pool[i] for i in rng.integers(0, len(pool), size)]

    owner = rng.random(n) < 0.8
    ideas = pd.DataFrame(
        {
            col.IDEA_ID: [f"{c}-I{k:02d}" for c in ids for k in range(n_ideas)],
            col.CUSTOMER_ID: [c for c in ids for _ in range(n_ideas)],
            col.TITLE: _texts(rng, n, 6),
            col.DESCRIPTION: _texts(rng, n, 18),
            col.CATEGORY: pick(list(col.CATEGORIES), n),
            col.SUPPLIER_ANNUAL: np.where(rng.random(n) < 0.1, np.nan, rng.integers(-60, 200, n) * 1000.0),
            col.SUPPLIER_ONE_TIME: np.where(rng.random(n) < 0.7, np.nan, rng.integers(-300, 100, n) * 1000.0),
            col.CUSTOMER_ANNUAL: np.where(rng.random(n) < 0.1, np.nan, rng.integers(-60, 200, n) * 1000.0),
            col.CUSTOMER_ONE_TIME: np.where(rng.random(n) < 0.7, np.nan, rng.integers(-300, 100, n) * 1000.0),
            col.QUANTIFIED: True,
            col.GOOD_FAITH: rng.random(n) < 0.1,
            col.ONE_OFF: rng.random(n) < 0.1,
            col.SHARING_METHOD: pd.Series([None] * n, dtype=object),
            col.SUPPLIER_SHARE: np.nan,
            col.OWNER_FIRM: pd.Series(["Joint" if o else None for o in owner], dtype=object),
            col.OWNER: pd.Series(["Hana Ito" if o else None for o in owner], dtype=object),
            col.START: pd.Series([dt.date(2026, 3, 2) if o else None for o in owner], dtype=object),
            col.END: pd.Series([dt.date(2026, 9, 30) if o else None for o in owner], dtype=object),
            col.STATUS: pd.Series(pick(list(col.STATUSES), n), dtype=object),
            col.OUT_OF_BOUNDS: rng.random(n) < 0.02,
        }
    )
    m = n_customers * n_workshop
    idea_ids = ideas[col.IDEA_ID].tolist()
    mothers = [idea_ids[(i // n_workshop) * n_ideas + k] for i, k in enumerate(rng.integers(0, n_ideas, m))]
    workshop = pd.DataFrame(
        {
            "Raw ID": pd.Series([f"{c}-R{k:03d}" for c in ids for k in range(n_workshop)], dtype=object),
            col.CUSTOMER_ID: pd.Series([c for c in ids for _ in range(n_workshop)], dtype=object),
            "Idea": pd.Series(_texts(rng, m, 9), dtype=object),
            "Proposed by": pd.Series(
                pick(["Anna Kowalczyk", "Omar Haddad", "Elena Marquez", "Jonas Berg"], m), dtype=object
            ),
            "Firm": pd.Series(pick(list(col.FIRMS), m), dtype=object),
            "Function": pd.Series(pick(["Logistics", "Purchasing", "Quality", "Sales"], m), dtype=object),
            "Value chain stage": pd.Series(pick(["Delivery", "Processing", "Planning"], m), dtype=object),
            "Mother idea ID": pd.Series(mothers, dtype=object),
        }
    )
    tracking = pd.DataFrame(
        {
            col.IDEA_ID: pd.Series(idea_ids[::5], dtype=object),
            "Month": dt.date(2026, 4, 1),
            "Supplier realised": 1000.0,
            "Customer realised": 2000.0,
            "Note": "Monthly figure",
        }
    )
    for frame in (customers, ideas, workshop, tracking):
        frame.index = pd.RangeIndex(2, 2 + len(frame), name=EXCEL_ROW)
    settings = Settings(supplier="Aldermoor Steel", indifference_threshold=5000, significance_threshold=10000)
    return Master(
        Path("bench-master.xlsx"),
        settings,
        customers,
        workshop,
        ideas,
        tracking,
        relationship=relationship_tables(ids, readiness) if relationship else {},
    )


def floor_zip(parts: dict[str, bytes]) -> bytes:
    """The physical floor: the same parts written into a zip with the standard library."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION_LEVEL) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buffer.getvalue()


class OpenpyxlEquivalent:
    """Straightforward openpyxl code writing the same sheets, cells, formulas and styles.

    The content is taken from a generated workbook once (outside the timing). The timed part is
    what a direct openpyxl generator does: create the workbook, register each distinct style once
    as a named style, write every cell (value or formula) with its style, set widths, frozen panes,
    protection, tables and validation, and save.
    """

    def __init__(self, book: bytes) -> None:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(book))
        self.sheets = []
        self.styles: dict[int, tuple] = {}
        for ws in wb.worksheets:
            cells = []
            for row in ws.iter_rows():
                for c in row:
                    if c.value is None and not c.has_style:
                        continue
                    key = c.style_id
                    if key not in self.styles:
                        self.styles[key] = (
                            copy(c.font), copy(c.fill), copy(c.border), copy(c.alignment),
                            copy(c.protection), c.number_format,
                        )  # fmt: skip
                    cells.append((c.row, c.column, c.value, f"s{key}"))
            widths = {k: d.width for k, d in ws.column_dimensions.items()}
            tables = [(t.displayName, t.ref) for t in ws.tables.values()]
            validations = [(dv.type, dv.formula1, str(dv.sqref)) for dv in ws.data_validations.dataValidation]
            self.sheets.append(
                (ws.title, cells, widths, ws.freeze_panes, tables, validations, ws.sheet_state)
            )

    def write(self) -> bytes:
        import openpyxl
        from openpyxl.styles import NamedStyle
        from openpyxl.worksheet.datavalidation import DataValidation
        from openpyxl.worksheet.table import Table

        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for key, (font, fill, border, alignment, protection, number_format) in self.styles.items():
            wb.add_named_style(
                NamedStyle(
                    name=f"s{key}", font=font, fill=fill, border=border, alignment=alignment,
                    protection=protection, number_format=number_format,
                )
            )  # fmt: skip
        for title, cells, widths, freeze, tables, validations, state in self.sheets:
            ws = wb.create_sheet(title)
            for r, c, value, style in cells:
                ws.cell(row=r, column=c, value=value).style = style
            for letter, width in widths.items():
                ws.column_dimensions[letter].width = width
            ws.freeze_panes = freeze
            ws.protection.sheet = True
            for name, ref in tables:
                ws.add_table(Table(displayName=name, ref=ref))
            for kind, formula, sqref in validations:
                dv = DataValidation(type=kind, formula1=formula)
                for ref in sqref.split():
                    dv.add(ref)
                ws.add_data_validation(dv)
            ws.sheet_state = state
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(x) for x in handle.read().split()]
    except OSError:
        return []


class PeakMemory:
    """Samples the proportional set size of this process and its children every 100 ms.

    Reading ``smaps_rollup`` of a 250 MB process costs the kernel about 2 ms of CPU: sampling every
    10 ms took about a third of a core from the run it measured (on two cores). The run's memory
    grows slowly (pages are copied as the workers go), so the coarser sampling finds the same peak.
    """

    INTERVAL = 0.1

    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            # Children first, then the parent, then the children again: a sample taken while a
            # worker was being forked (its pages counted in both) is dropped.
            before = _children(me)
            total = sum(_pss_kb(p) for p in before) + _pss_kb(me)
            if _children(me) == before:
                self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(self.INTERVAL)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def best_of(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def per_customer(master: Master, sample: int, sheets: list) -> dict[str, float]:  # type: ignore[type-arg]
    run = RunData(master)
    writer = CustomerBookWriter(master.settings, sheets)
    ids = run.customer_ids[:sample]
    stamp, floor, sizes = [], [], []
    for cid in ids:
        stamp.append(best_of(lambda cid=cid: writer.workbook_bytes(run.customer(cid)), 3))
        parts = writer.parts(run.customer(cid))
        floor.append(best_of(lambda parts=parts: floor_zip(parts), 3))
        sizes.append(sum(len(v) for v in parts.values()))
    book = writer.workbook_bytes(run.customer(ids[0]))
    equivalent = OpenpyxlEquivalent(book)
    openpyxl_time = statistics.median(best_of(equivalent.write, 1) for _ in range(5))
    return {
        "stamp_ms": statistics.median(stamp) * 1000,
        "floor_ms": statistics.median(floor) * 1000,
        "openpyxl_ms": openpyxl_time * 1000,
        "xml_kb": statistics.median(sizes) / 1024,
        "zip_kb": len(book) / 1024,
    }


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bulk(master: Master, workers: int | None, sheets: list) -> dict[str, float]:  # type: ignore[type-arg]
    gc.collect()
    with tempfile.TemporaryDirectory() as out, PeakMemory() as memory:
        cpu = _cpu_seconds()
        start = time.perf_counter()
        results = generate_customer_books(master, Path(out), workers=workers, sheets=sheets)
        wall = time.perf_counter() - start
        cpu = _cpu_seconds() - cpu
    assert all(r.ok for r in results)
    return {"wall_s": wall, "cpu_s": cpu, "peak_mb": memory.peak_kb / 1024, "books": len(results)}


def _print_one(label: str, sheets: list, one: dict[str, float], sample: int) -> None:  # type: ignore[type-arg]
    names = ", ".join(b.name for b in sheets if b.hidden is None)
    print(
        f"One customer workbook, {label} ({names}); 200 workshop ideas, 15 ideas; "
        f"{one['xml_kb']:.0f} KB of XML, {one['zip_kb']:.0f} KB zipped; median of {sample} customers:"
    )
    print(f"  cvm-xl stamping       {one['stamp_ms']:7.2f} ms")
    print(
        f"  physical floor (zip)  {one['floor_ms']:7.2f} ms   stamping / floor    = "
        f"{one['stamp_ms'] / one['floor_ms']:.2f}x (target <= 3x)"
    )
    print(
        f"  plain openpyxl        {one['openpyxl_ms']:7.2f} ms   openpyxl / stamping = "
        f"{one['openpyxl_ms'] / one['stamp_ms']:.1f}x (target >= 5x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1500)
    parser.add_argument("--sample", type=int, default=40, help="customers timed one by one")
    parser.add_argument("--workers", type=int, default=None, help="processes working (default: 2 when many)")
    parser.add_argument(
        "--sheets",
        choices=("all", "core"),
        default="all",
        help="sheets of the bulk run: all (default, every sheet in CUSTOMER_SHEETS) or core",
    )
    parser.add_argument(
        "--no-relationship", action="store_true", help="a master without the relationship tables"
    )
    args = parser.parse_args()
    relationship = not args.no_relationship
    sets = {"all": list(CUSTOMER_SHEETS), "core": CORE_SHEETS}
    labels = {"all": "all sheets", "core": "core sheets only, for comparison"}

    small = synthetic_master(args.sample, relationship=relationship)
    for key, sheets in sets.items():
        _print_one(labels[key], sheets, per_customer(small, args.sample, sheets), args.sample)
    del small

    gc.collect()
    master = synthetic_master(args.customers, relationship=relationship)
    baseline = _pss_kb(os.getpid()) / 1024
    result = bulk(master, args.workers, sets[args.sheets])
    print(
        f"Bulk, {labels[args.sheets]}: {result['books']:.0f} customers x (200 workshop ideas + 15 ideas"
        f"{', relationship tables' if relationship else ''}), workers={args.workers or 'auto'} on "
        f"{os.cpu_count()} cores:"
    )
    cores = result["cpu_s"] / result["wall_s"]
    print(
        f"  wall time             {result['wall_s']:7.2f} s    (target < 10 s; CPU of all processes "
        f"{result['cpu_s']:.2f} s, {cores:.2f} cores busy)"
    )
    print(
        f"  peak memory (PSS)     {result['peak_mb']:7.0f} MB   (target < 300 MB; the master in memory "
        f"before the run: {baseline:.0f} MB)"
    )


if __name__ == "__main__":
    main()
