"""Every file cvm-xl writes loads in every reader, and they all read the same (SPEC §7; issue 12
"Readable in every reader"): openpyxl, python-calamine, exceljs, SheetJS, LibreOffice and Gnumeric,
and the Open XML SDK's schema validation (``openxml-audit``) finds no error in any part.

openpyxl's reading is the reference: each reader must list the same sheets and give the same value
for a sample of the cells that hold constants (formula results are left out: LibreOffice and
Gnumeric recalculate them, and TODAY() moves).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from gnumeric import Gnumeric
from gnumeric import gnumeric as gnumeric  # the session fixture
from javascript_readers import NodeReaders
from libreoffice import LibreOffice
from libreoffice import libreoffice as libreoffice  # the session fixture
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula
from python_calamine import CalamineWorkbook

KINDS = [
    "init master",
    "demo master",
    "worked master",
    "customer workbook",
    "consolidated sign-off",
    "chain customer workbook",
    "partner workbook",
    "template",
]
SAMPLE_PER_SHEET = 80  # constant cells compared per sheet, spread over the whole sheet

Cells = dict[str, dict[str, object]]  # sheet name -> cell reference -> value


def _openpyxl(path: Path) -> Cells:
    book = openpyxl.load_workbook(path, data_only=True)
    return {
        ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value not in (None, "")}
        for ws in book.worksheets
    }


def _is_formula(value: object) -> bool:
    """A formula as openpyxl reads it: text starting with '=', or an array formula (the Monthly
    report's sums, ``generate.live_formulas.ARRAY_FORMULAS``)."""
    return isinstance(value, ArrayFormula) or (isinstance(value, str) and value.startswith("="))


def _constants(path: Path) -> Cells:
    """openpyxl's reading of the cells that hold no formula, a spread sample of each sheet."""
    values = _openpyxl(path)
    formulas = openpyxl.load_workbook(path)
    out: Cells = {}
    for name, cells in values.items():
        ws = formulas[name]
        constant = [ref for ref in cells if not _is_formula(ws[ref].value)]
        step = max(1, len(constant) // SAMPLE_PER_SHEET)
        out[name] = {ref: cells[ref] for ref in constant[::step]}
    return out


def _calamine(path: Path) -> Cells:
    book = CalamineWorkbook.from_path(str(path))
    out: Cells = {}
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        out[name] = {
            f"{get_column_letter(c)}{r}": value
            for r, row in enumerate(rows, start=1)
            for c, value in enumerate(row, start=1)
            if value not in (None, "")
        }
    return out


def _same(expected: object, actual: object) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return bool(expected) == bool(actual) and type(actual) in (bool, int, float)
    if isinstance(expected, dt.datetime | dt.date):
        day = expected.isoformat()[:10]
        if isinstance(actual, dt.datetime | dt.date):
            return actual.isoformat()[:10] == day
        return isinstance(actual, str) and actual[:10] == day
    if isinstance(expected, int | float):
        return isinstance(actual, int | float) and math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-9)
    return expected == actual


def _assert_agree(reference: Cells, read: Cells, reader: str) -> None:
    assert list(read) == list(reference), f"{reader} lists the sheets {list(read)}"
    wrong = [
        f"{sheet}!{ref}: openpyxl {value!r}, {reader} {read[sheet].get(ref)!r}"
        for sheet, cells in reference.items()
        for ref, value in cells.items()
        if not _same(value, read[sheet].get(ref))
    ]
    assert not wrong, f"{len(wrong)} cells read differently by {reader}:\n" + "\n".join(wrong[:20])


@pytest.fixture(scope="module")
def reference(reader_files: dict[str, Path]) -> dict[str, Cells]:
    return {kind: _constants(path) for kind, path in reader_files.items()}


@pytest.mark.engine
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("reader", ["exceljs", "sheetjs"])
def test_javascript_readers(
    reader: str,
    kind: str,
    reader_files: dict[str, Path],
    reference: dict[str, Cells],
    node_readers: NodeReaders,
) -> None:
    _assert_agree(reference[kind], node_readers.read(reader, reader_files[kind]), reader)


@pytest.mark.parametrize("kind", KINDS)
def test_python_calamine(kind: str, reader_files: dict[str, Path], reference: dict[str, Cells]) -> None:
    _assert_agree(reference[kind], _calamine(reader_files[kind]), "python-calamine")


def _converted(
    convert: Callable[[list[Path], Path], list[Path]], files: dict[str, Path], out: Path
) -> dict[str, Path]:
    kinds = list(files)
    return dict(zip(kinds, convert([files[k] for k in kinds], out), strict=True))


@pytest.fixture(scope="module")
def by_libreoffice(
    reader_files: dict[str, Path], libreoffice: LibreOffice, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Each file opened by LibreOffice and saved again as .xlsx (one soffice call for all)."""
    return _converted(libreoffice.recalculate, reader_files, tmp_path_factory.mktemp("by-libreoffice"))


@pytest.fixture(scope="module")
def by_gnumeric(
    reader_files: dict[str, Path], gnumeric: Gnumeric, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Each file opened by Gnumeric (ssconvert, its Excel importer) and saved again as .xlsx."""
    return _converted(gnumeric.recalculate, reader_files, tmp_path_factory.mktemp("by-gnumeric"))


@pytest.mark.parametrize("kind", KINDS)
def test_libreoffice(kind: str, by_libreoffice: dict[str, Path], reference: dict[str, Cells]) -> None:
    _assert_agree(reference[kind], _openpyxl(by_libreoffice[kind]), "LibreOffice")


@pytest.mark.parametrize("kind", KINDS)
def test_gnumeric(kind: str, by_gnumeric: dict[str, Path], reference: dict[str, Cells]) -> None:
    _assert_agree(reference[kind], _openpyxl(by_gnumeric[kind]), "Gnumeric")


def test_gnumeric_keeps_the_charts(reader_files: dict[str, Path], gnumeric: Gnumeric, tmp_path: Path) -> None:
    """The charts (Map, Monthly report) survive Gnumeric's import: it dropped every chart of a
    drawing written without Excel's ``xdr:`` prefix ("Dropping missing object")."""
    for kind in ("customer workbook", "worked master"):
        (copy,) = gnumeric.recalculate([reader_files[kind]], tmp_path / kind.replace(" ", "-"))
        charts = {ws.title: len(ws._charts) for ws in openpyxl.load_workbook(reader_files[kind]).worksheets}
        kept = {ws.title: len(ws._charts) for ws in openpyxl.load_workbook(copy).worksheets}
        assert any(charts.values()), f"the {kind} has no chart to check"
        assert kept == charts, f"{kind}: charts per sheet {charts}, after Gnumeric {kept}"


@pytest.mark.parametrize("kind", KINDS)
def test_openxml_audit_finds_no_schema_error(kind: str, reader_files: dict[str, Path]) -> None:
    """The Open XML SDK's validation, ported (``openxml-audit``): no error in any part. Its
    warnings (e.g. openpyxl's inline strings, which Excel moves to a shared table on saving) are
    advice on how Excel will rewrite the file, not faults, and are not counted."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "openxml_audit",
            str(reader_files[kind]),
            "--output",
            "json",
            "--max-errors",
            "1000",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(done.stdout)[0]
    errors = [
        f"{e.get('part_uri')}: {e['description']}" for e in report["errors"] if e["severity"] == "error"
    ]
    assert not errors, f"{len(errors)} schema errors in the {kind}:\n" + "\n".join(errors[:20])
