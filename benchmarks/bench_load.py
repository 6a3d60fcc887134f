"""How fast ``load_master`` reads a big master, against its peers, in the same run.

    .venv/bin/python benchmarks/bench_load.py [--ideas N] [--repeat R]

Builds (once, cached in the temp folder) a master workbook with N ideas (default 300,000) plus
customers, workshop and tracking rows, then times on that same file:

- ``load_master`` (read, type, validate everything);
- a raw ``pandas.read_excel(engine="calamine")`` of the same five sheets (no checks at all);
- a plain openpyxl read (read_only=True) iterating every row of the same sheets.

Targets: load_master / calamine <= 1.5 and openpyxl / load_master >= 4.
The workbook is written as raw SpreadsheetML (shared strings, date styles, one header row per
sheet, the Ideas sheet with its computed columns as write_master lays it out), because a
cell-by-cell writer would take minutes for 10 million cells.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cvm_xl.core import columns as col  # noqa: E402
from cvm_xl.core.evaluation import evaluate_ideas  # noqa: E402
from cvm_xl.core.problems import column_letter  # noqa: E402
from cvm_xl.core.settings import SETTING_LABELS, Settings  # noqa: E402
from cvm_xl.master.read import load_master  # noqa: E402

GENERATOR_VERSION = 2
SHEETS = ("Settings", "Customers", "Workshop", "Ideas", "Tracking")
EPOCH = np.datetime64("1899-12-30")
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class SharedStrings:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def cells(self, letter: str, rows: np.ndarray, values: Sequence[object]) -> list[str]:
        out = []
        index = self.index
        for row, value in zip(rows, values, strict=True):
            if value is None:
                out.append("")
                continue
            i = index.get(value)  # type: ignore[arg-type]
            if i is None:
                i = index[value] = len(index)  # type: ignore[index]
            out.append(f'<c r="{letter}{row}" t="s"><v>{i}</v></c>')
        return out

    def xml(self) -> str:
        items = "".join(f"<si><t>{escape(s)}</t></si>" for s in self.index)
        return f'<sst xmlns="{NS}" count="{len(self.index)}" uniqueCount="{len(self.index)}">{items}</sst>'


def _number_cells(letter: str, rows: np.ndarray, values: np.ndarray, style: str = "") -> list[str]:
    text = np.char.mod("%.15g", np.nan_to_num(values.astype(float)))
    blank = np.isnan(values.astype(float))
    return [
        "" if b else f'<c r="{letter}{r}"{style}><v>{t}</v></c>'
        for r, t, b in zip(rows, text.tolist(), blank.tolist(), strict=True)
    ]


def _sheet_xml(headers: Sequence[str], columns: dict[str, tuple[str, object]], strings: SharedStrings) -> str:
    """columns: header -> ("s", list of text or None) | ("n", float array) | ("d", datetime64[D] array)."""
    n = len(next(iter(columns.values()))[1]) if columns else 0
    rows = np.arange(2, n + 2)
    cell_lists = []
    for position, header in enumerate(headers, start=1):
        letter = column_letter(position)
        kind, values = columns[header]
        if kind == "s":
            cell_lists.append(strings.cells(letter, rows, values))  # type: ignore[arg-type]
        elif kind == "n":
            cell_lists.append(_number_cells(letter, rows, values))  # type: ignore[arg-type]
        else:
            serial = (values - EPOCH).astype("timedelta64[D]").astype(float)  # type: ignore[operator]
            serial[np.isnat(values)] = np.nan  # type: ignore[arg-type]
            cell_lists.append(_number_cells(letter, rows, serial, ' s="1"'))
    header_cells = strings.cells("", np.ones(len(headers), dtype=int), list(headers))
    header_xml = "".join(
        c.replace('r="1"', f'r="{column_letter(i)}1"') for i, c in enumerate(header_cells, start=1)
    )
    body = [f'<row r="1">{header_xml}</row>']
    body += [
        f'<row r="{r}">{"".join(cells)}</row>'
        for r, cells in zip(rows.tolist(), zip(*cell_lists, strict=True), strict=True)
    ]
    return f'<worksheet xmlns="{NS}"><sheetData>{"".join(body)}</sheetData></worksheet>'


def _tables(n_ideas: int, seed: int = 7) -> dict[str, tuple[Sequence[str], dict[str, tuple[str, object]]]]:
    rng = np.random.default_rng(seed)
    n_customers = max(5, n_ideas // 1000)
    customer_ids = [f"C{i:04d}" for i in range(n_customers)]
    customers = {
        col.CUSTOMER_ID: ("s", customer_ids),
        "Customer": ("s", [f"Customer {i}" for i in range(n_customers)]),
        "Industry": ("s", [("Automotive", "Packaging", "Construction")[i % 3] for i in range(n_customers)]),
        "Annual volume": ("n", rng.integers(1_000, 100_000, n_customers).astype(float)),
        "Unit price": ("n", rng.integers(500, 900, n_customers).astype(float)),
    }

    def money(blank_share: float) -> np.ndarray:
        values = np.round(rng.normal(20_000, 40_000, n_ideas), -2)
        values[rng.random(n_ideas) < blank_share] = np.nan
        return values

    start = np.datetime64("2025-01-01") + rng.integers(0, 540, n_ideas).astype("timedelta64[D]")
    end = start + rng.integers(20, 420, n_ideas).astype("timedelta64[D]")
    ideas = pd.DataFrame(
        {
            col.IDEA_ID: [f"I-{i:07d}" for i in range(n_ideas)],
            col.CUSTOMER_ID: rng.choice(customer_ids, n_ideas).tolist(),
            col.TITLE: [f"Idea {i}: cut changeovers on line {i % 97}" for i in range(n_ideas)],
            col.DESCRIPTION: rng.choice([f"Workshop note {k}" for k in range(200)], n_ideas).tolist(),
            col.SUPPLIER_ANNUAL: money(0.1),
            col.SUPPLIER_ONE_TIME: money(0.7),
            col.CUSTOMER_ANNUAL: money(0.1),
            col.CUSTOMER_ONE_TIME: money(0.7),
            col.QUANTIFIED: rng.choice(["Yes", None], n_ideas, p=[0.3, 0.7]).tolist(),
            col.GOOD_FAITH: rng.choice(["No", "Yes", None], n_ideas, p=[0.2, 0.02, 0.78]).tolist(),
            col.ONE_OFF: rng.choice(["No", "Yes", None], n_ideas, p=[0.1, 0.05, 0.85]).tolist(),
            col.OWNER_FIRM: rng.choice(list(col.OWNER_FIRMS), n_ideas).tolist(),
            col.OWNER: rng.choice([f"Owner {k}" for k in range(300)], n_ideas).tolist(),
            col.START: start,
            col.END: end,
            col.OUT_OF_BOUNDS: rng.choice(["No", None], n_ideas, p=[0.1, 0.9]).tolist(),
        }
    )
    months = (end - start).astype(int) / 30.44
    ideas[col.CATEGORY] = np.where(months <= 3, "Hygiene", np.where(months < 9, "Operational", "Joint study"))
    evaluated = evaluate_ideas(ideas, Settings())
    go = evaluated[col.VERDICT_CODE].isin(("GO", "GO_PRIORITY")).to_numpy()
    statuses = np.where(
        go,
        rng.choice(["Selected", "Signed off", "Implementing", "Delivered"], n_ideas),
        rng.choice(["Proposed", "Evaluated", "Dropped"], n_ideas),
    )
    ideas[col.STATUS] = statuses
    method = np.where(go & (rng.random(n_ideas) < 0.1), "equal", None)
    ideas[col.SHARING_METHOD] = method
    ideas[col.SUPPLIER_SHARE] = np.nan
    evaluated = evaluate_ideas(ideas, Settings())
    idea_columns: dict[str, tuple[str, object]] = {}
    for name in (*col.IDEA_INPUTS, *col.IDEA_COMPUTED):
        values = evaluated[name]
        if name in (col.START, col.END):
            idea_columns[name] = ("d", values.to_numpy(dtype="datetime64[D]"))
        elif pd.api.types.is_float_dtype(values.dtype):
            idea_columns[name] = ("n", values.to_numpy())
        else:
            idea_columns[name] = ("s", [None if v is None or v != v else str(v) for v in values.tolist()])

    n_raw = n_ideas // 10
    idea_ids = evaluated[col.IDEA_ID].to_numpy()
    pick = rng.integers(0, n_ideas, n_raw)
    workshop = {
        "Raw ID": ("s", [f"R-{i:07d}" for i in range(n_raw)]),
        col.CUSTOMER_ID: ("s", evaluated[col.CUSTOMER_ID].to_numpy()[pick].tolist()),
        "Idea": ("s", [f"Raw idea {i} from the workshop" for i in range(n_raw)]),
        "Firm": ("s", rng.choice(list(col.FIRMS), n_raw).tolist()),
        "Mother idea ID": ("s", idea_ids[pick].tolist()),
    }
    n_track = n_ideas // 10
    track_pick = rng.integers(0, n_ideas, n_track)
    tracking = {
        col.IDEA_ID: ("s", idea_ids[track_pick].tolist()),
        "Month": (
            "d",
            (np.datetime64("2025-06", "M") + rng.integers(0, 12, n_track)).astype("datetime64[D]"),
        ),
        "Supplier realised": ("n", np.round(rng.normal(2_000, 3_000, n_track))),
        "Customer realised": ("n", np.round(rng.normal(2_000, 3_000, n_track))),
    }
    settings = {
        "Setting": ("s", list(SETTING_LABELS)),
        "Value": ("n", np.array([np.nan, np.nan, 3, 0.05, 1000, 0, np.nan, 0.5, 12], dtype=float)),
    }
    return {
        "Settings": (("Setting", "Value"), settings),
        "Customers": (tuple(customers), customers),
        "Workshop": (tuple(workshop), workshop),
        "Ideas": ((*col.IDEA_INPUTS, *col.IDEA_COMPUTED), idea_columns),
        "Tracking": (tuple(tracking), tracking),
    }


def build_master(path: Path, n_ideas: int) -> None:
    strings = SharedStrings()
    sheets = {name: _sheet_xml(headers, cols, strings) for name, (headers, cols) in _tables(n_ideas).items()}
    content_types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + "</Types>"
    )
    root_rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        f'<workbook xmlns="{NS}" xmlns:r="{REL_NS}"><sheets>'
        + "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(sheets, start=1))
        + "</sheets></workbook>"
    )
    rel_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    n = len(sheets)
    workbook_rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{rel_type}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        + f'<Relationship Id="rId{n + 1}" Type="{rel_type}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{n + 2}" Type="{rel_type}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )
    styles = (
        f'<styleSheet xmlns="{NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill '
        'patternType="gray125"/></fill></fills><borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    )
    temp = path.with_suffix(".part")
    with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/styles.xml", styles)
        for i, xml in enumerate(sheets.values(), start=1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", xml)
        archive.writestr("xl/sharedStrings.xml", strings.xml())
    temp.replace(path)


def cached_master(n_ideas: int) -> Path:
    folder = Path(tempfile.gettempdir()) / "cvm-xl-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"master-{n_ideas}-v{GENERATOR_VERSION}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        print(f"Building {path} ({n_ideas:,} ideas, once) ...", flush=True)
        build_master(path, n_ideas)
        print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def read_calamine(path: Path) -> object:
    return pd.read_excel(path, sheet_name=list(SHEETS), engine="calamine")


def read_openpyxl(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for name in SHEETS:
        for row in wb[name].iter_rows(values_only=True):
            cells += len(row)
    wb.close()
    return cells


def best_time(function: Callable[[Path], object], path: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        function(path)
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=300_000, help="number of ideas (default 300,000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per reader; the best one counts")
    parser.add_argument("--skip-openpyxl", action="store_true", help="leave out the (slow) openpyxl read")
    args = parser.parse_args(argv)
    path = cached_master(args.ideas)
    size = path.stat().st_size / 1024 / 1024
    master = load_master(path)  # warm up (imports, file cache) and check the file is valid
    print(f"{path.name}: {size:.1f} MB; {len(master.ideas):,} ideas, {len(master.customers):,} customers, "
          f"{len(master.workshop):,} workshop rows, {len(master.tracking):,} tracking rows, "
          f"{len(master.problems):,} warnings")  # fmt: skip
    load = best_time(load_master, path, args.repeat)
    calamine = best_time(read_calamine, path, args.repeat)
    print(f"load_master                       {load:8.2f} s")
    print(f"pandas.read_excel(engine=calamine) {calamine:7.2f} s")
    print(f"load_master / calamine            {load / calamine:8.2f}   (target <= 1.5)")
    ok = load / calamine <= 1.5
    if not args.skip_openpyxl:
        openpyxl = best_time(read_openpyxl, path, 1)
        print(f"openpyxl read_only, all rows      {openpyxl:8.2f} s")
        print(f"openpyxl / load_master            {openpyxl / load:8.2f}   (target >= 4)")
        ok = ok and openpyxl / load >= 4
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
