"""The Gnumeric helper (tests/gnumeric.py): it recalculates what it is given, fails clearly on what
it cannot open, and Gnumeric reads formulas the way its docstring says (the workbook formulas avoid
what Gnumeric reads differently and rely on what it reads alike; when a Gnumeric release changes
them this test says so)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from gnumeric import Gnumeric, gnumeric, load_values  # noqa: F401  (session fixture)
from libreoffice import zero_cached_results
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.formula import ArrayFormula

# (formula, what Gnumeric 1.12.55 gives, what Excel and LibreOffice give) for A2 = "Y", A3 = TRUE.
READINGS = (
    ('TRIM(CLEAN(A3&""))', "TRUE", "TRUE"),
    ('TRIM(CLEAN(A4&""))', "1", "1"),
    ('OR(TRIM(CLEAN(A2&""))="yes",TRIM(CLEAN(A2&""))="y")', True, True),
    # Only the first element of an array constant is compared in an ordinary cell formula.
    ('OR(TRIM(CLEAN(A2&""))={"yes","y"})', False, True),
    # A quoted "true" or "1" in an array constant is imported as TRUE or 1.
    ('MATCH("true",{"yes","true"},0)', "#N/A", 2),
    ('MATCH("1",{"yes","1"},0)', "#N/A", 2),
    ('SUMPRODUCT(("y"={"yes","y"})*1)', 1, 1),
    ('SUMPRODUCT((A5:A7="b")*ROW(A5:A7))', 6, 6),
    # A master's settings block finds a label by MATCH over keys typed in any case.
    ('MATCH("discount rate",A10:A11,0)', 2, 2),
)
# TRIM/CLEAN over a range inside SUMPRODUCT is not taken cell by cell: the range is intersected with
# the formula's own row (row 5 holds "a"; row 9 is outside A5:A7). Formula, cell, Gnumeric, Excel.
RANGE_FORMULA = 'SUMPRODUCT((TRIM(CLEAN(A5:A7&""))="b")*ROW(A5:A7))'
RANGE_READINGS = ((RANGE_FORMULA, "D5", 0, 6), (RANGE_FORMULA, "D9", "#VALUE!", 6))
# As an array formula the range is read cell by cell, as in Excel (the Monthly report's SUMPRODUCTs).
ARRAY_CELL = "E5"


def _workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"], ws["A2"], ws["A3"], ws["A4"] = 3, "Y", True, 1
    ws["A5"], ws["A6"], ws["A7"] = "a", "b", "c"
    ws["A10"], ws["A11"] = "Horizon years", "DISCOUNT Rate"
    wb.defined_names["Horizon"] = DefinedName("Horizon", attr_text="S!$A$1")
    ws["B1"] = "=Horizon*1000+0.5"  # a defined name, as the workbooks' settings are read
    ws["B2"] = '="60%"*Horizon'  # text that reads as a number in arithmetic
    for i, (formula, _, _) in enumerate(READINGS, start=1):
        ws[f"C{i}"] = f"={formula}"
    for formula, cell, _, _ in RANGE_READINGS:
        ws[cell] = f"={formula}"
    ws[ARRAY_CELL] = ArrayFormula(ARRAY_CELL, f"={RANGE_FORMULA}")
    wb.save(path)


@pytest.fixture(scope="module")
def recalculated(gnumeric: Gnumeric, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:  # noqa: F811
    folder = tmp_path_factory.mktemp("gnumeric-engine")
    source = folder / "probe.xlsx"
    _workbook(source)
    # A second copy whose cached results are all wrong (0): --recalc must replace them.
    stale = folder / "stale.xlsx"
    zero_cached_results(source, stale)
    fresh, recalculated_stale = gnumeric.recalculate([source, stale], folder / "out")
    values = {}
    for name, path in (("fresh", fresh), ("stale", recalculated_stale)):
        ws = load_values(path)["S"]
        values.update({f"{name}!{c.coordinate}": c.value for row in ws.iter_rows() for c in row})
    return values


def test_formulas_without_results_are_computed(recalculated: dict[str, object]) -> None:
    assert recalculated["fresh!B1"] == 3000.5
    assert recalculated["fresh!B2"] == pytest.approx(1.8)


def test_stale_cached_results_are_replaced(recalculated: dict[str, object]) -> None:
    assert recalculated["stale!B1"] == 3000.5


@pytest.mark.parametrize("i", range(len(READINGS)), ids=[r[0] for r in READINGS])
def test_gnumeric_reads_formulas_as_documented(recalculated: dict[str, object], i: int) -> None:
    formula, gnumeric_gives, excel_gives = READINGS[i]
    got = recalculated[f"fresh!C{i + 1}"]
    assert got == gnumeric_gives, (
        f"Gnumeric now gives {got!r} for ={formula} (documented: {gnumeric_gives!r}; Excel and "
        f"LibreOffice: {excel_gives!r}): update tests/gnumeric.py and re-run the conformance suite with "
        "CVM_CONFORMANCE_TARGETS=all"
    )


@pytest.mark.parametrize(("formula", "cell", "gnumeric_gives", "excel_gives"), RANGE_READINGS)
def test_gnumeric_intersects_a_trimmed_range_with_the_formulas_row(
    recalculated: dict[str, object], formula: str, cell: str, gnumeric_gives: object, excel_gives: object
) -> None:
    got = recalculated[f"fresh!{cell}"]
    assert got == gnumeric_gives, (
        f"Gnumeric now gives {got!r} for ={formula} in {cell} (documented: {gnumeric_gives!r}; Excel and "
        f"LibreOffice: {excel_gives!r}): update tests/gnumeric.py and re-run the conformance suite with "
        "CVM_CONFORMANCE_TARGETS=all"
    )


def test_a_file_gnumeric_cannot_open_fails_with_its_name(
    gnumeric: Gnumeric,  # noqa: F811
    tmp_path: Path,
) -> None:
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(b"these bytes are no workbook")
    with pytest.raises(AssertionError, match=r"Gnumeric could not recalculate .*damaged\.xlsx"):
        gnumeric.recalculate([damaged], tmp_path / "out")
    assert not (tmp_path / "out" / "damaged.xlsx").exists()


def test_an_array_formula_reads_a_trimmed_range_cell_by_cell(recalculated: dict[str, object]) -> None:
    assert recalculated[f"fresh!{ARRAY_CELL}"] == 6, (
        "Gnumeric no longer reads TRIM/CLEAN of a range cell by cell in an array formula: the Monthly "
        "report's planned values (generate.live_formulas.ARRAY_FORMULAS) depend on it"
    )
