"""The live master (issue 12): computed columns as native formulas with saved results.

A master written by ``write_master`` (init, demo), changed by ``update_master`` (import, synthesize,
select ...) or refreshed holds every computed Ideas cell as a formula; LibreOffice recalculating it
(with every saved result zeroed first) and the saved results themselves (openpyxl with
``data_only``, python-calamine) all equal ``evaluate_ideas`` reading the same file. Inputs are typed
in every spelling cvm-xl accepts, the Settings rows re-sorted and a rate typed as text "5%".
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from gnumeric import Gnumeric, load_values
from gnumeric import gnumeric as gnumeric  # the session fixture
from libreoffice import LibreOffice, assert_cell, zero_cached_results
from libreoffice import libreoffice as libreoffice  # the session fixture
from python_calamine import CalamineWorkbook

import cvm_xl
from cvm_xl.actions.refresh import refresh_master
from cvm_xl.core import columns as col
from cvm_xl.core.problems import Code
from cvm_xl.formulas.functions import ALLOWED_FUNCTIONS, functions_used
from cvm_xl.formulas.names import NAMES
from cvm_xl.master.live import LISTS_SHEET, computed_frame
from cvm_xl.master.schema import RELATIONSHIP_TABLES
from cvm_xl.master.update import update_master
from cvm_xl.master.write import write_master
from cvm_xl.readiness import tables as rt
from cvm_xl.sample import sample_settings, sample_tables

TODAY = dt.date.today()


def _header(ws) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {c.value: c.column for c in ws[1] if c.value is not None}


def assert_equals_core(path: Path, values: dict[str, list[list[object]]], label: str) -> int:
    """Every computed Ideas cell of ``values`` (sheet -> rows from A1) equals cvm-xl's evaluation
    of ``path``; the number of cells compared."""
    evaluated = cvm_xl.load_master(path).evaluated
    rows = values["Ideas"]
    header = {v: i for i, v in enumerate(rows[0]) if v not in (None, "")}
    compared = 0
    for row in evaluated.index:
        for name in col.IDEA_COMPUTED:
            got = rows[row - 1][header[name]] if header[name] < len(rows[row - 1]) else None
            assert_cell(got, evaluated.at[row, name], f"{label} Ideas row {row} {name}")
            compared += 1
    assert compared == len(col.IDEA_COMPUTED) * len(evaluated) > 0
    return compared


def openpyxl_values(path: Path) -> dict[str, list[list[object]]]:
    wb = openpyxl.load_workbook(path, data_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def calamine_values(path: Path) -> dict[str, list[list[object]]]:
    with CalamineWorkbook.from_path(str(path)) as book:
        return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}


def recalculated(engine: LibreOffice, path: Path, tmp_path: Path) -> Path:
    zeroed = tmp_path / f"zeroed-{path.name}"
    zero_cached_results(path, zeroed)
    return engine.recalculate([zeroed], tmp_path / "recalculated")[0]


def assert_live(path: Path, engine: LibreOffice, tmp_path: Path) -> None:
    """Saved results (two readers) and LibreOffice's own results all equal cvm-xl's."""
    assert_equals_core(path, openpyxl_values(path), "saved (openpyxl)")
    assert_equals_core(path, calamine_values(path), "saved (calamine)")
    assert_equals_core(path, openpyxl_values(recalculated(engine, path, tmp_path)), "LibreOffice")


def formulas_of(path: Path, sheet: str = "Ideas") -> dict[tuple[int, str], str]:
    ws = openpyxl.load_workbook(path)[sheet]
    header = _header(ws)
    return {
        (r, name): ws.cell(r, header[name]).value
        for r in range(2, ws.max_row + 1)
        for name in header
        if isinstance(ws.cell(r, header[name]).value, str) and ws.cell(r, header[name]).value.startswith("=")
    }


@pytest.fixture
def master(tmp_path: Path) -> Path:
    path = tmp_path / "master.xlsx"
    tables = sample_tables()
    tables["Risks"] = pd.DataFrame(
        [{rt.RISK_ID: "R1", col.CUSTOMER_ID: tables["Customers"][col.CUSTOMER_ID].iloc[0], rt.RISK: "Strike",
          rt.LIKELIHOOD: 4, rt.IMPACT: 5}]
    )  # fmt: skip
    write_master(path, sample_settings(), tables)
    return path


def resort_settings_with_a_typed_rate(settings) -> None:
    """What a user may do to the Settings table: its rows re-sorted, the Discount rate's label typed
    in another case with spaces and its value as the text "5%"."""
    rows = [[c.value for c in r] for r in settings.iter_rows(min_row=2)]
    rows.reverse()
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            settings.cell(r, c).value = value
    rate = next(r for r in range(2, settings.max_row + 1) if settings.cell(r, 1).value == "Discount rate")
    settings.cell(rate, 1).value = "  discount RATE "
    settings.cell(rate, 2).value = "5%"


def test_a_written_master_is_live_and_its_results_are_cvm_xls(master: Path, libreoffice, tmp_path) -> None:
    assert_live(master, libreoffice, tmp_path)
    formulas = formulas_of(master)
    assert len(formulas) == len(col.IDEA_COMPUTED) * len(cvm_xl.load_master(master).ideas)
    used = set().union(*(functions_used(f) for f in formulas.values()))
    assert used <= ALLOWED_FUNCTIONS, used - ALLOWED_FUNCTIONS
    # The readiness tables too: Rating and Risk level as formulas with their results.
    risks = openpyxl.load_workbook(master, data_only=True)["Risks"]
    header = _header(risks)
    assert (risks.cell(2, header[rt.RATING]).value, risks.cell(2, header[rt.RISK_LEVEL]).value) == (
        20,
        "Critical",
    )
    assert str(openpyxl.load_workbook(master)["Risks"].cell(2, header[rt.RATING]).value).startswith("=IF(")


def test_the_table_carries_the_formulas_for_a_new_row(master: Path) -> None:
    """Each computed column is the Excel Table's calculated-column formula (its first row's formula),
    so a row Excel adds below the table gets it; an appended row gets formulas and results too."""
    ws = openpyxl.load_workbook(master)["Ideas"]
    table = ws.tables["tblIdeas"]
    header = _header(ws)
    for column in table.tableColumns:
        if column.name in col.IDEA_COMPUTED:
            assert "=" + column.calculatedColumnFormula.attr_text == ws.cell(2, header[column.name]).value
        else:
            assert column.calculatedColumnFormula is None
    customer = cvm_xl.load_master(master).customers[col.CUSTOMER_ID].iloc[0]
    new = {col.IDEA_ID: "NEW-1", col.CUSTOMER_ID: customer, col.TITLE: "Added below",
           col.SUPPLIER_ANNUAL: 100_000, col.CUSTOMER_ANNUAL: "-40000", col.ONE_OFF: "y"}  # fmt: skip
    update_master(master, appends={"Ideas": [new]}, backup=False)
    loaded = cvm_xl.load_master(master)
    row = int(loaded.ideas.index[loaded.ideas[col.IDEA_ID] == "NEW-1"][0])
    assert (row, col.TRANSFER) in formulas_of(master)
    assert loaded.evaluated.at[row, col.SPLIT_METHOD] == "equal"  # W-L, one-off
    saved = openpyxl.load_workbook(master, data_only=True)["Ideas"]
    assert saved.cell(row, header[col.TRANSFER]).value == pytest.approx(
        loaded.evaluated.at[row, col.TRANSFER]
    )
    assert (
        ws.max_row + 1 == row and f"{row}" in openpyxl.load_workbook(master)["Ideas"].tables["tblIdeas"].ref
    )


SPELLINGS = [
    # (Supplier annual, Supplier one-time, Customer annual, Quantified, Good faith, One-off, method, share)
    (100_000, None, -60_000, "Yes", None, True, None, None),
    ("1200", "-5", 800, " y ", "No", "TRUE", " EQUAL ", None),
    (50_000, 0, 30_000, 1, 0, "0", "Proportional", "60%"),
    (50_000, None, 30_000, True, False, "N", "proportional", "60 %"),
    (50_000, None, 30_000, "true", None, None, "proportional ", 0.6),
    (None, None, None, "No", "Y", None, None, None),
    (20_000, "", -30_000, "0", "yes", "1", "compensate", ""),
    (10, None, 10, None, None, None, "AUTO", None),
]


def test_every_accepted_spelling_reads_the_same_in_the_formulas(master: Path, libreoffice, tmp_path) -> None:
    """Yes/No as text, booleans and numbers; shares as 0.6, "60%" and "60 %"; methods in any case
    with spaces; amounts typed as text; blank and empty text; the Settings rows re-sorted and the
    discount rate typed as the text "5%". Written by openpyxl as a person's file would hold them."""
    wb = openpyxl.load_workbook(master)
    ws = wb["Ideas"]
    header = _header(ws)
    inputs = (col.SUPPLIER_ANNUAL, col.SUPPLIER_ONE_TIME, col.CUSTOMER_ANNUAL, col.QUANTIFIED,
              col.GOOD_FAITH, col.ONE_OFF, col.SHARING_METHOD, col.SUPPLIER_SHARE)  # fmt: skip
    for offset, values in enumerate(SPELLINGS):
        for name, value in zip(inputs, values, strict=True):
            ws.cell(2 + offset, header[name]).value = value
        ws.cell(2 + offset, header[col.CUSTOMER_ONE_TIME]).value = None
    resort_settings_with_a_typed_rate(wb["Settings"])
    wb.save(master)  # plain openpyxl: every saved result is gone
    refresh_master(master, backup=False)
    loaded = cvm_xl.load_master(master)
    assert loaded.settings.discount_rate == 0.05
    methods = list(loaded.evaluated[col.SPLIT_METHOD].iloc[:5])
    assert methods[0] == "equal" and methods[2:] == ["proportional"] * 3  # one-off TRUE; "60%", "60 %", 0.6
    assert list(loaded.evaluated[col.TRANSFER].iloc[2:5].round(6).unique()) != [0.0]
    assert_live(master, libreoffice, tmp_path)


def test_a_refresh_brings_back_deleted_columns_and_replaces_stale_values(
    master: Path, libreoffice, tmp_path
) -> None:
    wb = openpyxl.load_workbook(master)
    ws = wb["Ideas"]
    header = _header(ws)
    first = header[col.SUPPLIER_VALUE]
    ws.delete_cols(first, len(col.IDEA_COMPUTED))
    table = ws.tables["tblIdeas"]
    table.ref = table.ref.replace(
        table.ref.split(":")[1].rstrip("0123456789"), openpyxl.utils.get_column_letter(first - 1)
    )
    table.autoFilter.ref = table.ref
    del table.tableColumns[first - 1 :]
    ws.cell(3, header[col.SUPPLIER_ANNUAL]).value = 12_345  # nothing recalculates it
    wb.save(master)
    assert not any(name in _header(openpyxl.load_workbook(master)["Ideas"]) for name in col.IDEA_COMPUTED)
    result = refresh_master(master, backup=False)
    assert {t.sheet for t in result.tables} >= {"Ideas", "Risks"}
    assert set(col.IDEA_COMPUTED) <= set(_header(openpyxl.load_workbook(master)["Ideas"]))
    assert_live(master, libreoffice, tmp_path)


def test_validate_warns_of_a_stale_result_with_its_cell(master: Path) -> None:
    wb = openpyxl.load_workbook(master)
    ws = wb["Ideas"]
    header = _header(ws)
    before = cvm_xl.load_master(master).evaluated.at[4, col.SUPPLIER_VALUE]
    ws.cell(4, header[col.SUPPLIER_VALUE]).value = before  # a plain value, correct
    ws.cell(5, header[col.CUSTOMER_VALUE]).value = 1.0  # a plain value, stale
    ws.cell(4, header[col.SUPPLIER_ANNUAL]).value = ws.cell(4, header[col.SUPPLIER_ANNUAL]).value  # unchanged
    wb.save(master)  # formulas keep no results: blanks are not reported, plain values are compared
    warnings = [p for p in cvm_xl.load_master(master).problems if p.code == Code.CELL_STALE_RESULT]
    expected = cvm_xl.load_master(master).evaluated.at[5, col.CUSTOMER_VALUE]
    assert len(warnings) == 1
    stale = warnings[0]
    letter = openpyxl.utils.get_column_letter(header[col.CUSTOMER_VALUE])
    assert (stale.sheet, stale.row, stale.column, stale.ref, stale.value) == ("Ideas", 5, col.CUSTOMER_VALUE,
                                                                             f"{letter}5", 1.0)  # fmt: skip
    assert stale.severity == "warning" and f"({expected:g})" in stale.message.replace(",", "")
    assert f"cvm-xl refresh {master}" in stale.fix and stale.file == str(master)
    refresh_master(master, backup=False)
    assert not [p for p in cvm_xl.load_master(master).problems if p.code == Code.CELL_STALE_RESULT]


@pytest.mark.parametrize("typed", ["(1 200)", "€1.200,50", "12.5 EUR", "1e3"])
def test_validate_flags_a_text_amount_no_formula_reads_as_cvm_xl(master: Path, typed: str) -> None:
    wb = openpyxl.load_workbook(master)
    ws = wb["Ideas"]
    header = _header(ws)
    ws.cell(3, header[col.SUPPLIER_ONE_TIME]).value = typed
    ws.cell(4, header[col.SUPPLIER_ONE_TIME]).value = "1200"  # read alike everywhere: no warning
    wb.save(master)
    flagged = [p for p in cvm_xl.load_master(master).problems if p.code == Code.CELL_TEXT_NUMBER]
    assert [(p.row, p.column, p.value) for p in flagged] == [(3, col.SUPPLIER_ONE_TIME, typed)]
    assert "stored as numbers by Excel" in flagged[0].fix and flagged[0].severity == "warning"


# --- the relationship tables (SPEC §3.9) ------------------------------------------------------------

D = dt.date
READINESS_ROWS = {
    rt.EXITS_SHEET: [
        {rt.TRIGGER: "Volume falls below plan", rt.STATUS: " retired ", rt.LAST_REVIEWED: D(2020, 1, 1)},
        {rt.TRIGGER: "Key contact leaves", rt.STATUS: "MONITORING", rt.LAST_REVIEWED: D(2020, 1, 1)},
        {rt.TRIGGER: "Quality escapes", rt.STATUS: "triggered ", rt.LAST_REVIEWED: TODAY},
        {rt.TRIGGER: "Never reviewed", rt.STATUS: None, rt.LAST_REVIEWED: None},
    ],
    rt.ISSUES_SHEET: [
        {rt.ISSUE_ID: "X1", rt.ISSUE: "Late invoices", rt.RAISED: D(2020, 1, 1), rt.STATUS: " resolved ",
         rt.RESOLVED: D(2020, 2, 1), rt.RESOLUTION: "Paid"},
        {rt.ISSUE_ID: "X2", rt.ISSUE: "Forecast gaps", rt.RAISED: D(2020, 1, 1), rt.STATUS: " OPEN "},
        {rt.ISSUE_ID: "X3", rt.ISSUE: "Pallet returns", rt.RAISED: TODAY, rt.STATUS: "  "},
        {rt.ISSUE_ID: "X4", rt.ISSUE: "Spec changes", rt.RAISED: D(2020, 1, 1), rt.DUE: D(2149, 1, 1),
         rt.STATUS: "open"},
    ],
}  # fmt: skip


@pytest.fixture
def readiness_master(tmp_path: Path) -> Path:
    """A master whose Exit triggers and Issue log hold statuses typed in other case and spacing."""
    path = tmp_path / "readiness.xlsx"
    tables = sample_tables()
    customer = tables["Customers"][col.CUSTOMER_ID].iloc[0]
    for sheet, rows in READINESS_ROWS.items():
        tables[sheet] = pd.DataFrame([{col.CUSTOMER_ID: customer, **row} for row in rows])
    write_master(path, sample_settings(), tables)
    return path


def relationship_cells(path: Path, values: dict[str, list[list[object]]]) -> int:
    """Every computed cell of the Exit triggers and the Issue log in ``values`` (sheet -> rows from
    A1) equals cvm-xl's evaluation of ``path`` (``master.live.computed_frame``, judged today)."""
    master = cvm_xl.load_master(path)
    compared = 0
    for sheet in READINESS_ROWS:
        computed = computed_frame(sheet, master.relationship[sheet], master.settings, TODAY)
        rows = values[sheet]
        header = {v: i for i, v in enumerate(rows[0]) if v not in (None, "")}
        for row in computed.index:
            for name in RELATIONSHIP_TABLES[sheet].computed:
                assert_cell(rows[row - 1][header[name]], computed.at[row, name], f"{sheet} row {row} {name}")
                compared += 1
    return compared


def test_statuses_in_any_case_and_spacing_read_alike_in_libreoffice(
    readiness_master: Path, libreoffice, tmp_path
) -> None:
    """' retired ', 'MONITORING', ' resolved ', ' OPEN ' and a status of spaces (Open) mean what
    cvm-xl reads: the saved results and LibreOffice's own results equal cvm-xl's."""
    master = cvm_xl.load_master(readiness_master)
    due = computed_frame(rt.EXITS_SHEET, master.relationship[rt.EXITS_SHEET], master.settings, TODAY)
    assert list(due[rt.REVIEW_DUE]) == ["No", "Yes", "No", "Yes"]  # Retired: no review, whatever its age
    issues = computed_frame(rt.ISSUES_SHEET, master.relationship[rt.ISSUES_SHEET], master.settings, TODAY)
    assert list(issues[rt.OVERDUE]) == ["No", "Yes", "No", "No"] and issues[rt.DAYS_OPEN].iloc[0] == 31
    expected = 2 * len(READINESS_ROWS[rt.ISSUES_SHEET]) + len(READINESS_ROWS[rt.EXITS_SHEET])
    assert relationship_cells(readiness_master, openpyxl_values(readiness_master)) == expected
    recalculated_values = openpyxl_values(recalculated(libreoffice, readiness_master, tmp_path))
    assert relationship_cells(readiness_master, recalculated_values) == expected


def test_validate_warns_of_a_stale_readiness_result_with_its_cell(readiness_master: Path) -> None:
    """Rating, Review due, Days open ... are compared like the Ideas columns; a column counting from
    today accepts the result of an earlier day (the file's last calculation), nothing else."""
    wb = openpyxl.load_workbook(readiness_master)
    header = {sheet: _header(wb[sheet]) for sheet in (rt.RISKS_SHEET, *READINESS_ROWS)}
    risks_ws, exits_ws, issues_ws = wb[rt.RISKS_SHEET], wb[rt.EXITS_SHEET], wb[rt.ISSUES_SHEET]
    risks_ws.append([None] * len(header[rt.RISKS_SHEET]))
    row = risks_ws.max_row
    customer = cvm_xl.load_master(readiness_master).customers[col.CUSTOMER_ID].iloc[0]
    for name, value in {rt.RISK_ID: "R9", col.CUSTOMER_ID: customer, rt.RISK: "Strike", rt.LIKELIHOOD: 2,
                        rt.IMPACT: 5, rt.RATING: 20, rt.RISK_LEVEL: "Critical"}.items():  # fmt: skip
        risks_ws.cell(row, header[rt.RISKS_SHEET][name]).value = value  # 2 x 5 is 10: both stale
    exits_ws.cell(5, header[rt.EXITS_SHEET][rt.REVIEW_DUE]).value = "No"  # never reviewed: always due
    exits_ws.cell(3, header[rt.EXITS_SHEET][rt.REVIEW_DUE]).value = "No"  # due now, not when last saved
    days = header[rt.ISSUES_SHEET][rt.DAYS_OPEN]
    issues_ws.cell(3, days).value = (TODAY - D(2020, 1, 1)).days - 3  # saved three days ago
    issues_ws.cell(2, days).value = 30  # resolved after 31 days: stale whatever the day
    wb.save(readiness_master)  # the other formulas keep no result: blanks are not reported
    stale = [p for p in cvm_xl.load_master(readiness_master).problems if p.code == Code.CELL_STALE_RESULT]
    found = {(p.sheet, p.row, p.column, p.value) for p in stale}
    assert found == {
        (rt.RISKS_SHEET, row, rt.RATING, 20),
        (rt.EXITS_SHEET, 5, rt.REVIEW_DUE, "No"),
        (rt.ISSUES_SHEET, 2, rt.DAYS_OPEN, 30),
    }
    rating = next(p for p in stale if p.column == rt.RATING)
    letter = openpyxl.utils.get_column_letter(header[rt.RISKS_SHEET][rt.RATING])
    assert (
        rating.ref == f"{letter}{row}"
        and "(10)" in rating.message
        and "1 more computed cell" in rating.message
    )
    refresh_master(readiness_master, backup=False)
    assert not [p for p in cvm_xl.load_master(readiness_master).problems if p.code == Code.CELL_STALE_RESULT]


def test_cached_results_are_stamped_whichever_xml_writer_openpyxl_uses(tmp_path: Path) -> None:
    """openpyxl writes an empty result as <v></v> with lxml installed and <v /> without it; the
    saved results of a live master are stamped in both (run in a fresh interpreter per writer)."""
    script = (
        "import sys, openpyxl\n"
        "from cvm_xl.spreadsheet.atomic import workbook_bytes\n"
        "from cvm_xl.spreadsheet.cached_values import stamp_cached_values\n"
        "wb = openpyxl.Workbook(); ws = wb.active; ws.title = 'Ideas'\n"
        "ws['A1'] = '=1+2'; ws['B1'] = '=\"a\"&\"b\"'; ws['C1'] = '=A1>2'\n"
        "results = {'Ideas': {(1, 1): 3.0, (1, 2): 'ab', (1, 3): True}}\n"
        "data = stamp_cached_values(workbook_bytes(wb), results)\n"
        "open(sys.argv[1], 'wb').write(data)\n"
        "print(openpyxl.LXML)\n"
    )
    seen = set()
    for lxml in ("True", "False"):
        out = tmp_path / f"stamped-{lxml}.xlsx"
        env = {**os.environ, "OPENPYXL_LXML": lxml}
        done = subprocess.run(
            [sys.executable, "-c", script, str(out)], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        seen.add(done.stdout.strip())
        saved = openpyxl.load_workbook(out, data_only=True)["Ideas"]
        assert [saved.cell(1, c).value for c in (1, 2, 3)] == [3, "ab", True], lxml
        assert openpyxl.load_workbook(out)["Ideas"]["A1"].value == "=1+2"
    assert seen == {"True", "False"}  # both writers were used


def _setting_names(path: Path) -> dict[str, str]:
    return {n: d.attr_text for n, d in openpyxl.load_workbook(path).defined_names.items() if n in NAMES_READ}


NAMES_READ = {*NAMES.settings.values(), NAMES.annuity}


def test_each_setting_is_resolved_once_in_a_cell_that_every_write_keeps(
    master: Path, gnumeric: Gnumeric, tmp_path: Path
) -> None:
    """The setting names are plain references to the settings block of the Lists sheet (one formula
    per setting, not one search per use), the block is there after every write, and Gnumeric reads
    re-sorted Settings rows, a label in another case and "5%" as cvm-xl does."""
    names = _setting_names(master)
    assert set(names) == NAMES_READ
    assert all(ref.startswith(f"{LISTS_SHEET}!$") and ":" not in ref for ref in names.values())
    wb = openpyxl.load_workbook(master)
    resort_settings_with_a_typed_rate(wb["Settings"])
    wb.save(master)
    customer = cvm_xl.load_master(master).customers[col.CUSTOMER_ID].iloc[0]
    new = {col.IDEA_ID: "NEW-1", col.CUSTOMER_ID: customer, col.TITLE: "Added", col.SUPPLIER_ANNUAL: 1000.0}
    update_master(master, appends={"Ideas": [new]}, backup=False)  # a write by another command
    assert _setting_names(master) == names
    block = openpyxl.load_workbook(master)[LISTS_SHEET]
    target = names[NAMES.setting("discount_rate")].split("!")[1].replace("$", "")
    assert str(block[target].value).startswith("=IF(")
    saved = openpyxl.load_workbook(master, data_only=True)[LISTS_SHEET][target].value
    assert saved == pytest.approx(0.05)
    by_gnumeric = gnumeric.recalculate([master], tmp_path / "by-gnumeric")[0]
    values = load_values(by_gnumeric)
    assert values[LISTS_SHEET][target].value == pytest.approx(0.05)
    rows = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in values.worksheets}
    assert_equals_core(master, rows, "Gnumeric")
