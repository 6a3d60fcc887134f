"""Bundles as native formulas (issue 15, SPEC §7): a customer workbook and a live master whose Ideas
hold bundles, edited as a person would (an idea moved into and out of a bundle, a member's amount and
method changed, an ID typed in another case), saved by openpyxl without cached results and
recalculated by LibreOffice AND Gnumeric: every computed Ideas cell equals what cvm-xl computes from
the same inputs (``evaluate_ideas``), money to the cent, texts exactly. The files as written hold
cvm-xl's results as their cached values.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from generate_fixtures import build_master
from gnumeric import Gnumeric, gnumeric, load_values  # noqa: F401  (session fixture)
from libreoffice import LibreOffice, assert_cell, libreoffice  # noqa: F401  (session fixture)

from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.settings import Settings
from cvm_xl.core.tracking import VALUE_GUARANTEE, WAVE_START
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.generate.customer_book import CUSTOMER_SHEETS
from cvm_xl.master.write import write_master

# The worked example is bundle B-1: +300,000 / -200,000 is SHELVE alone (λ = 150,000).
SETTINGS = Settings(
    horizon_years=1, indifference_threshold=5_000, significance_threshold=10_000, max_one_sided_loss=150_000
)
CUSTOMER = "C-BUN"
_IDEAS = [
    # Idea ID, supplier one-time, customer one-time, Bundle, more inputs
    ("B-01", 300_000, -200_000, "B-1", {col.SHARING_METHOD: "equal"}),
    ("B-02", -120_000, 250_000, "b-1", {}),
    ("B-03", 100_000, -20_000, "B-2", {}),
    ("B-04", -10_000, 60_000, "B-2", {col.SHARING_METHOD: "proportional", col.SUPPLIER_SHARE: 0.3}),
    ("B-05", 50_000, 50_000, "B-3", {col.QUANTIFIED: False, col.GOOD_FAITH: True}),
    ("B-06", 20_000, -5_000, "B-3", {col.GOOD_FAITH: True}),
    ("B-07", 80_000, -30_000, None, {}),
    ("B-08", -40_000, 90_000, None, {}),
    ("B-09", None, None, "B-4", {}),
    ("B-10", 10_000, 12_000, "B-4", {col.ONE_OFF: True}),
    ("B-11", 0, 0, "B-5", {}),
    ("B-12", 0, 0, "B-5", {col.SHARING_METHOD: "equal"}),
]
# The edits a person makes (Idea ID -> column -> typed value).
EDITS: dict[str, dict[str, object]] = {
    "B-07": {col.BUNDLE: "b-2"},  # into bundle B-2, in another case
    "B-02": {col.BUNDLE: None},  # out of B-1 ...
    "B-08": {col.BUNDLE: "B-1"},  # ... and another idea in
    "B-03": {col.SUPPLIER_ONE_TIME: 40_000},  # a member's amount
    "B-04": {col.SHARING_METHOD: "Compensate"},  # a member's method, in another case
    "B-06": {col.GOOD_FAITH: "no"},  # B-3 stays unquantified, no longer all in good faith
    # B-4: values for B-09, every member one-off in another spelling (auto picks by one-off).
    "B-09": {col.SUPPLIER_ONE_TIME: 5_000, col.ONE_OFF: True, col.QUANTIFIED: "Y"},
    "B-10": {col.ONE_OFF: 1},
}
COMPUTED = col.IDEA_COMPUTED


def _ideas() -> list[dict[str, object]]:
    return [
        {
            col.IDEA_ID: idea_id,
            col.CUSTOMER_ID: CUSTOMER,
            col.TITLE: f"Idea {idea_id}",
            col.SUPPLIER_ONE_TIME: vs,
            col.CUSTOMER_ONE_TIME: vc,
            col.BUNDLE: bundle,
            **more,
        }
        for idea_id, vs, vc, bundle, more in _IDEAS
    ]


CUSTOMERS = [
    {
        col.CUSTOMER_ID: CUSTOMER,
        "Customer": "Bundled Bakeries",
        WAVE_START: dt.datetime(2026, 1, 1),
        VALUE_GUARANTEE: 250_000.0,
    }
]


def _table(ws: openpyxl.worksheet.worksheet.Worksheet) -> tuple[int, dict[str, str]]:
    """The Ideas table's header row and each header's column letter."""
    for row in ws.iter_rows(min_row=1, max_row=10):
        if row[0].value == col.IDEA_ID:
            return row[0].row, {str(c.value): c.column_letter for c in row if c.value is not None}
    raise AssertionError(f"{ws.title} has no Ideas header")


def _rows(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, dict[str, object]]:
    """Idea ID -> every column's value, as the sheet holds it."""
    header, letters = _table(ws)
    out = {}
    for r in range(header + 1, header + 1 + len(_IDEAS)):
        out[str(ws[f"A{r}"].value)] = {name: ws[f"{x}{r}"].value for name, x in letters.items()}
    return out


def _edit(source: Path, target: Path) -> None:
    wb = openpyxl.load_workbook(source)
    ws = wb[L.IDEAS]
    header, letters = _table(ws)
    for r in range(header + 1, header + 1 + len(_IDEAS)):
        for name, value in EDITS.get(str(ws[f"A{r}"].value), {}).items():
            ws[f"{letters[name]}{r}"].value = value
    wb.save(target)


def _expected(path: Path) -> pd.DataFrame:
    """cvm-xl's computed columns from the inputs the file holds (Idea ID as index)."""
    rows = _rows(openpyxl.load_workbook(path)[L.IDEAS])
    inputs = pd.DataFrame(
        [{name: row.get(name) for name in col.IDEA_INPUTS} for row in rows.values()], index=list(rows)
    )
    return evaluate_ideas(inputs, SETTINGS)


def _assert_same(values: dict[str, dict[str, object]], expected: pd.DataFrame, label: str) -> int:
    compared = 0
    for idea_id, row in expected.iterrows():
        for name in COMPUTED:
            assert_cell(values[str(idea_id)][name], row[name], f"{label} {idea_id} {name}")
            compared += 1
    return compared


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A generated customer workbook and a written live master, each as written and as edited."""
    folder = tmp_path_factory.mktemp("bundle-recalc")
    master = build_master(CUSTOMERS, _ideas(), [], [], SETTINGS, Path("bundles.xlsx"), [])
    sheets = [b for b in CUSTOMER_SHEETS if b.name in (L.IDEAS, L.TRACKING, L.SETTINGS, L.RECORD)]
    [result] = generate_customer_books(master, folder / "books", workers=1, sheets=sheets)
    assert result.ok, result
    live = folder / "master.xlsx"
    write_master(live, SETTINGS, {"Customers": master.customers, "Ideas": master.ideas})
    out = {"book": result.path, "master": live}
    for name, path in list(out.items()):
        edited = folder / f"{name} edited.xlsx"
        _edit(path, edited)
        out[f"{name} edited"] = edited
    return out


def test_the_written_files_cache_cvm_xls_results(files: dict[str, Path]) -> None:
    expected = evaluate_ideas(pd.DataFrame(_ideas()).set_index(col.IDEA_ID, drop=False), SETTINGS)
    assert expected.loc["B-01", col.VERDICT_CODE] == "GO_PRIORITY"  # rescued by B-02
    assert expected.loc["B-01", col.BUNDLE_CELL] == "W-W"
    for name in ("book", "master"):
        cached = _rows(openpyxl.load_workbook(files[name], data_only=True)[L.IDEAS])
        assert _assert_same(cached, expected, f"{name} cached") == len(COMPUTED) * len(_IDEAS)


def test_the_edits_change_the_bundles(files: dict[str, Path]) -> None:
    """The edited inputs give other verdicts and splits than the written ones: the test below
    compares figures that moved."""
    before = _expected(files["book"])
    after = _expected(files["book edited"])
    assert before.loc["B-01", col.VERDICT_CODE] == "GO_PRIORITY"
    assert after.loc["B-01", col.BUNDLE_SUPPLIER_VALUE] == 260_000  # with B-08 now
    assert after.loc["B-02", col.VERDICT_CODE] == "GO" and pd.isna(after.loc["B-02", col.BUNDLE_CELL])
    assert after.loc["B-07", col.BUNDLE_SUPPLIER_VALUE] == 110_000  # 40,000 - 10,000 + 80,000
    assert set(after.loc[["B-03", "B-04", "B-07"], col.SPLIT_METHOD]) == {"compensate"}
    assert before.loc["B-05", col.VERDICT_CODE] == "GO_GOOD_FAITH"
    assert after.loc["B-05", col.VERDICT_CODE] == "POSTPONE_QUANTIFY"
    for name in (col.TRANSFER, col.VERDICT_CODE):
        assert (before[name] != after[name]).any(), name


@pytest.mark.parametrize("engine", ["LibreOffice", "Gnumeric"])
def test_engines_recalculate_the_bundles_to_cvm_xls_numbers(
    files: dict[str, Path],
    engine: str,
    libreoffice: LibreOffice,  # noqa: F811  (the session fixture)
    gnumeric: Gnumeric,  # noqa: F811
    tmp_path: Path,
) -> None:
    sources = [files[name] for name in ("book", "master", "book edited", "master edited")]
    if engine == "LibreOffice":
        results = libreoffice.recalculate(sources, tmp_path)
        books = [openpyxl.load_workbook(p, data_only=True) for p in results]
    else:
        books = [load_values(p) for p in gnumeric.recalculate(sources, tmp_path)]
    compared = 0
    for source, wb in zip(sources, books, strict=True):
        compared += _assert_same(_rows(wb[L.IDEAS]), _expected(source), f"{engine} {source.name}")
    assert compared == 4 * len(COMPUTED) * len(_IDEAS)
