"""How much Python the worksheet functions cost inside Excel Tables (issue 17).

    python benchmarks/udf_speed.py [--rows 1000] [--repeat 3]

In the template's Ideas table a row without a bundle calls a CVM function in 13 of its 16 computed
cells with that row's cells and the Settings table (the 3 bundle columns are blank), so one
recalculation of 1,000 such ideas is 13,000 Python calls; a bundled row's 9 cells that its bundle
decides call their function over the whole columns instead (issue 15), timed apart. This
measures the Python side of those calls as xlwings' COM server makes them: the arguments as pywin32
hands them over are read by xlwings' own conversion (its Windows engine, tests/xlwings_windows.py),
the function runs, the result is converted back. COM marshalling and Excel's own work come on top
and cannot be measured here (no Windows).

Two figures per run: with the Settings of a range cached (the shipped code) and with the cache
emptied before every call (what every call cost before issue 17). The peer, measured in the same
run, is the native-formula master (``write_master``, as ``cvm-xl init`` makes it) with the same
ideas, recalculated by LibreOffice: the time of a conversion with recalculation forced, minus the
same conversion without recalculation.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the shared helpers: xlwings' Windows conversion, the formulas read

from template_formulas import alone, call_args, column_values, read_formula  # noqa: E402
from xlwings_windows import com, com_call, windows_excel  # noqa: E402

from cvm_xl.core import columns as col  # noqa: E402
from cvm_xl.core.settings import Settings  # noqa: E402
from cvm_xl.excel.template.layout import IDEA_FORMULAS, SETTING_ROWS  # noqa: E402
from cvm_xl.master.schema import IDEAS  # noqa: E402
from cvm_xl.master.write import write_master  # noqa: E402
from cvm_xl.sample import sample_tables  # noqa: E402
from udfs import arrays  # noqa: E402

_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">
 <prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""
ALWAYS, NEVER = 0, 1  # LibreOffice's OOXMLRecalcMode


def ideas(rows: int) -> list[dict[str, Any]]:
    """``rows`` ideas: the sample master's ideas over and over, each with its own Idea ID; the
    sample's bundle becomes one bundle per repetition (a bundle holds one customer's ideas)."""
    sample = sample_tables()["Ideas"].to_dict("records")
    out = []
    for i in range(rows):
        idea = dict(sample[i % len(sample)])
        idea[col.IDEA_ID] = f"I{i + 1:05d}"
        if not alone(_blank(idea.get(col.BUNDLE))):
            idea[col.BUNDLE] = f"{idea[col.BUNDLE]}-{i // len(sample)}"
        out.append({k: _blank(v) for k, v in idea.items()})
    return out


def _blank(v: Any) -> Any:
    return None if isinstance(v, float) and v != v else v


def _excel(name: str, args: list[Any]) -> list[Any]:
    """A function called as xlwings' COM server calls it; its rows' cells as Excel keeps them."""
    result = com_call(name, [com(a) if isinstance(a, list) else a for a in args])
    rows = result if isinstance(result, list) else [[result]]
    return [None if row[0] == "" else row[0] for row in rows]


Call = tuple[str, str, list[Any]]  # the timing's label, the function, its arguments in pywin32's form


def row_calls(rows: list[dict[str, Any]], settings_body: list[list[Any]]) -> list[tuple[bool, list[Call]]]:
    """Per row, whether it is in a bundle and the calls its computed cells make in one recalculation:
    the template's Ideas formulas as ``template_formulas`` reads them, with the computed cells filled
    in as Excel would have them (each column's results feed the next). A row without a bundle calls
    over its own cells (13 calls; the bundle columns are blank); a bundled row calls over the whole
    columns for the 9 cells its bundle decides."""
    names = [*IDEAS.names, *IDEAS.computed]
    table = {name: [r.get(name) for r in rows] for name in names}
    for name, formula in IDEA_FORMULAS.items():
        table[name] = column_values(formula, table, settings_body, _excel)
    every = range(len(rows))
    whole = {  # a call over whole columns has the same arguments on every bundled row
        name: [
            com(a) if isinstance(a, list) else a for a in call_args(f.bundled, table, settings_body, every)
        ]
        for name, formula in IDEA_FORMULAS.items()
        if (f := read_formula(formula)).bundled is not None
    }
    out = []
    for i in every:
        bundled = not alone(table[col.BUNDLE][i])
        calls: list[Call] = []
        for name, formula in IDEA_FORMULAS.items():
            own, over_all = read_formula(formula)
            if bundled and over_all is not None:
                calls.append((f"{over_all.name} (table)", over_all.name, whole[name]))
            elif own is not None:
                args = call_args(own, table, settings_body, [i])
                calls.append((own.name, own.name, [com(a) if isinstance(a, list) else a for a in args]))
        out.append((bundled, calls))
    return out


def python_side(rows: int, repeat: int) -> dict[str, Any]:
    body = [[r.label, r.value, r.help] for r in SETTING_ROWS]  # tblSettings as the formulas pass it
    with windows_excel():
        per_row = row_calls(ideas(rows), body)
        calls = [(bundled, c) for bundled, row in per_row for c in row]
        timings: dict[str, dict[str, list[float]]] = {
            "cached": defaultdict(list),
            "uncached": defaultdict(list),
        }
        totals: dict[str, list[float]] = {"cached": [], "uncached": []}
        by_kind: dict[bool, list[float]] = {
            False: [],
            True: [],
        }  # cached, per pass: rows without / in a bundle
        for _ in range(repeat):
            for mode in ("cached", "uncached"):
                arrays._cached_settings.cache_clear()
                spent = {False: 0.0, True: 0.0}
                start = time.perf_counter()
                for bundled, (label, function, args) in calls:
                    if mode == "uncached":
                        arrays._cached_settings.cache_clear()
                    t = time.perf_counter()
                    com_call(function, args)
                    elapsed = time.perf_counter() - t
                    timings[mode][label].append(elapsed)
                    spent[bundled] += elapsed
                totals[mode].append(time.perf_counter() - start)
                if mode == "cached":
                    for kind in by_kind:
                        by_kind[kind].append(spent[kind])
    bundled_rows = sum(1 for bundled, _ in per_row if bundled)
    return {
        "calls": len(calls),
        "timings": timings,
        "totals": totals,
        "rows": {True: bundled_rows, False: len(per_row) - bundled_rows},
        "by_kind": by_kind,
    }


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _convert(exe: str, profile: Path, master: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [exe, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
         "--nolockcheck", "--convert-to", "xlsx", "--outdir", str(out), str(master)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    return time.perf_counter() - start


def libreoffice_peer(rows: int, repeat: int, folder: Path) -> dict[str, Any] | None:
    exe = _soffice()
    if exe is None:
        return None
    tables = sample_tables()
    frame = tables["Ideas"].iloc[[i % len(tables["Ideas"]) for i in range(rows)]].reset_index(drop=True)
    frame[col.IDEA_ID] = [f"I{i + 1:05d}" for i in range(rows)]
    master = folder / "master.xlsx"
    write_master(master, Settings(), {"Customers": tables["Customers"], "Ideas": frame})
    profiles = {}
    for mode in (ALWAYS, NEVER):
        user = folder / f"profile{mode}" / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(_XCU.format(mode=mode), encoding="utf-8")
        profiles[mode] = user.parent
        _convert(exe, profiles[mode], master, folder / f"warm{mode}")  # first start builds the profile
    times: dict[int, list[float]] = {ALWAYS: [], NEVER: []}
    for _ in range(repeat):
        for mode in (ALWAYS, NEVER):
            times[mode].append(_convert(exe, profiles[mode], master, folder / f"out{mode}"))
    recalculated = openpyxl.load_workbook(folder / f"out{ALWAYS}" / "master.xlsx", data_only=True)["Ideas"]
    header = [c.value for c in recalculated[1]]
    formulas = sum(1 for c in openpyxl.load_workbook(master)["Ideas"][2] if str(c.value).startswith("="))
    verdicts = [
        r[header.index(col.VERDICT_CODE)] for r in recalculated.iter_rows(min_row=2, values_only=True)
    ]
    return {"times": times, "formulas_per_row": formulas, "verdicts": verdicts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-peer", action="store_true", help="measure the Python side only")
    args = parser.parse_args()
    py = python_side(args.rows, args.repeat)
    print(f"Python side, {args.rows:,} Ideas rows = {py['calls']:,} calls (best of {args.repeat}):")
    print(f"{'function':<22} {'calls':>6} {'cached µs':>10} {'uncached µs':>12}")
    for function in py["timings"]["cached"]:
        cached = py["timings"]["cached"][function]
        uncached = py["timings"]["uncached"][function]
        calls = len(cached) // args.repeat
        print(f"{function:<22} {calls:>6} {statistics.median(cached) * 1e6:>10.0f} "
              f"{statistics.median(uncached) * 1e6:>12.0f}")  # fmt: skip
    cached, uncached = min(py["totals"]["cached"]), min(py["totals"]["uncached"])
    per_call = (cached / py["calls"] * 1e6, uncached / py["calls"] * 1e6)
    print(f"per call, mean: {per_call[0]:.0f} µs cached, {per_call[1]:.0f} µs uncached")
    # The medians resist the other jobs of a shared machine: their sum is a row's steady cost.
    steady = {
        mode: sum(statistics.median(t) * len(t) for t in py["timings"][mode].values()) / args.repeat
        for mode in ("cached", "uncached")
    }
    print(f"one recalculation of {args.rows:,} rows from the medians: {steady['cached']:.2f} s cached, "
          f"{steady['uncached']:.2f} s uncached")  # fmt: skip
    print(f"one recalculation of {args.rows:,} rows: {cached:.2f} s cached, {uncached:.2f} s uncached "
          f"(cache speed-up {uncached / cached:.1f}x)")  # fmt: skip
    # Issue 15: a bundled row's cells call over the whole table; the rows without a bundle, in the
    # same passes, are the yardstick.
    n, spent = py["rows"], {kind: min(t) for kind, t in py["by_kind"].items()}
    if n[True] and n[False]:
        alone_row, bundled_row = spent[False] / n[False], spent[True] / n[True]
        print(f"bundled rows: {n[True]:,} of {args.rows:,}, {bundled_row * 1e3:.1f} ms per row against "
              f"{alone_row * 1e3:.2f} ms per row without a bundle ({bundled_row / alone_row:.0f}x); "
              f"{spent[True]:.2f} s of the cached recalculation")  # fmt: skip
    if args.no_peer:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        peer = libreoffice_peer(args.rows, args.repeat, Path(tmp))
    if peer is None:
        print("LibreOffice (soffice) not found: no peer measured.")
        return 0
    always, never = min(peer["times"][ALWAYS]), min(peer["times"][NEVER])
    recalc = max(always - never, 1e-3)
    print(f"peer: native-formula master, {peer['formulas_per_row']} formulas per row, LibreOffice "
          f"convert {always:.2f} s recalculating, {never:.2f} s not: recalc {recalc:.2f} s")  # fmt: skip
    print(f"Python side / native recalculation: {cached / recalc:.2f} (cached), "
          f"{uncached / recalc:.2f} (uncached)")  # fmt: skip
    print(f"(LibreOffice verdicts: {sum(v is not None for v in peer['verdicts']):,} rows computed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
