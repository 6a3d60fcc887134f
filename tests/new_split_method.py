"""Adding a split method touches one file: a copy of cvm-xl whose only change is one more record
in ``core/sharing.py``, run in a fresh interpreter (every module reads the records at import, as
after a real edit), reports what each reader of the records sees (SPEC §3.5, §7).

``run`` copies the package, adds the record ``quarter`` (T = (Vs - Vc) / 4) to ``SPLIT_METHODS``,
and runs ``SCRIPT`` against the copy. The script asserts nothing itself: it returns what the scalar
split, the vectorised kernel, the formula writer, the choice lists, the Settings sheet, the Ideas
dropdown and the UDF help hold, and (with ``generate``) writes a customer workbook whose ideas use
the new method, with the figures the core computes for them, for a LibreOffice recalculation.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
NAME = "quarter"

RECORD = """QUARTER = SplitMethod(
    name="quarter",
    transfer=lambda vs, vc, w: (vs - vc) / 4,
    transfer_vector=lambda vs, vc, w: (vs - vc) / 4,
    formula="({vs}-{vc})/4",
    shown="(Vs - Vc) / 4",
    meaning="A test method: half of what equal moves.",
)
"""
_TABLE = re.compile(r"^SPLIT_METHODS: tuple\[SplitMethod, \.\.\.\] = \((?P<names>[^)]*)\)$", re.MULTILINE)


def copy_with_new_method(target: Path) -> Path:
    """cvm_xl and udfs copied into ``target``, with the record QUARTER appended to SPLIT_METHODS."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("cvm_xl", "udfs"):
        shutil.copytree(ROOT / package, target / package, ignore=ignore)
    sharing = target / "cvm_xl" / "core" / "sharing.py"
    source = sharing.read_text(encoding="utf-8")
    match = _TABLE.search(source)
    assert match, "core/sharing.py no longer declares SPLIT_METHODS on one line; update this helper"
    table = f"SPLIT_METHODS: tuple[SplitMethod, ...] = ({match['names']}, QUARTER)"
    sharing.write_text(source[: match.start()] + RECORD + table + source[match.end() :], encoding="utf-8")
    return target


SCRIPT = r"""
import json, sys
from pathlib import Path

import openpyxl
import pandas as pd

import cvm_xl
from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core import sharing
from cvm_xl.excel.template import layout as template_layout
from cvm_xl.excel.vba.modules import help_module, udf_functions
from cvm_xl.generate.formulas import idea_formulas
from cvm_xl.master import schema
from udfs import cvm_udfs

out = Path(sys.argv[1])
generate = sys.argv[2] == "1"
row = {
    col.SUPPLIER_ONE_TIME: 100000.0, col.CUSTOMER_ONE_TIME: -60000.0,
    col.SHARING_METHOD: " QUARTER ", col.ONE_OFF: None,
}
vector = cvm_xl.evaluate_ideas(pd.DataFrame([row, {**row, col.SHARING_METHOD: "equal"}]))
report = {
    "package": cvm_xl.__file__,
    "methods": list(sharing.METHODS),
    "split": list(cvm_xl.split(100000.0, -60000.0, "Quarter")),
    "scalar": {k: cvm_xl.evaluate_idea(row)[k] for k in (col.SPLIT_METHOD, col.TRANSFER)},
    "vector": [vector[col.SPLIT_METHOD].tolist(), vector[col.TRANSFER].tolist()],
    "transfer_formula": idea_formulas()[col.TRANSFER],
    "layout_choices": list(L.METHOD_CHOICES),
    "schema_choices": list(schema.SHARING_CHOICES),
    "template_lists": [list(values) for values in template_layout.list_names()],
    "udf_method_help": [a["doc"] for a in cvm_udfs.CVM_SPLIT.__xlfunc__["args"] if a["name"] == "method"],
    "udf_help_module": help_module(udf_functions()).source,
    "udf_transfer": cvm_udfs.CVM_TRANSFER(100000, -60000, "quarter"),
}
if generate:
    sys.path.insert(0, sys.argv[3])
    from generate_fixtures import build_master
    from cvm_xl.generate.batch import generate_customer_books

    master = build_master()
    ideas = master.ideas
    # Every quantified idea asks for the new method: the Go ones apply it, the others ignore it.
    quantified = ideas[list(col.VALUE_INPUTS)].notna().any(axis=1)
    ideas.loc[quantified, col.SHARING_METHOD] = "quarter"
    master.__dict__.pop("evaluated", None)
    results = generate_customer_books(master, out / "books", workers=1)
    assert all(r.ok for r in results), [r for r in results if not r.ok]
    ev = master.evaluated
    ev = ev.loc[~ev[col.OUT_OF_BOUNDS].astype(bool)]
    report["books"] = {
        str(result.path): {
            str(r[col.IDEA_ID]): {c: (None if pd.isna(r[c]) else r[c]) for c in col.IDEA_COMPUTED}
            for _, r in ev.loc[ev[col.CUSTOMER_ID] == result.customer_id].iterrows()
        }
        for result in results
    }
    wb = openpyxl.load_workbook(results[0].path)
    settings_ws = wb[L.SETTINGS]
    report["settings_rows"] = [
        [settings_ws.cell(r, c).value for c in (1, 2, 5)]
        for r in range(L.METHOD_FIRST_ROW, L.METHOD_LAST_ROW + 1)
    ]
    report["sharing_methods_name"] = wb.defined_names[L.METHODS_NAME].attr_text
    ideas_ws = wb[L.IDEAS]
    letter = L.IDEA_LETTER[col.SHARING_METHOD]
    report["dropdowns"] = [
        dv.formula1 for dv in ideas_ws.data_validations.dataValidation if letter in str(dv.sqref)
    ]
(out / "report.json").write_text(json.dumps(report, default=str), encoding="utf-8")
"""


def run(tmp_path: Path, generate: bool = False) -> dict:
    """What every reader of the split-method records sees once the record ``quarter`` is added."""
    copy = copy_with_new_method(tmp_path / "copy")
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path), "1" if generate else "0", str(TESTS)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert Path(report["package"]).is_relative_to(copy), report["package"]
    return report
