"""The relationship sheets of a written master and of the template: named tables, dropdowns, the
maturity levels as notes, computed columns, and a round trip through load_master."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
from relationship_fixtures import (
    relationship_master,
)

from cvm_xl.core import columns as col
from cvm_xl.excel.template import build_template, layout
from cvm_xl.master.read import load_master
from cvm_xl.master.write import LISTS, RELATIONSHIP_TABLE_NAMES, write_master
from cvm_xl.readiness import tables as rt
from cvm_xl.readiness.lifecycle import LIFECYCLE_STAGES
from cvm_xl.readiness.maturity import maturity_help
from cvm_xl.sample import sample_settings, sample_tables

TODAY = dt.date(2026, 3, 2)
N_ITEMS = sum(len(stage.items) for stage in LIFECYCLE_STAGES)


@pytest.fixture(scope="module")
def master():
    return relationship_master()


@pytest.fixture(scope="module")
def written(master, tmp_path_factory):
    path = tmp_path_factory.mktemp("writer") / "master.xlsx"
    tables = {
        "Customers": master.customers,
        "Ideas": master.ideas,
        "Workshop": master.workshop,
        "Tracking": master.tracking,
        **master.relationship,
    }
    write_master(path, master.settings, tables, today=TODAY)
    return path


def _frames_equal(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    for name in a.columns:
        left = [None if pd.isna(x) else x for x in a[name].tolist()]
        right = [None if pd.isna(x) else x for x in b[name].tolist()]
        assert left == right, name


def test_round_trip_through_load_master(written, master):
    loaded = load_master(written)
    assert list(loaded.relationship) == list(rt.TABLES)
    for sheet, table in master.relationship.items():
        _frames_equal(loaded.relationship[sheet].reset_index(drop=True), table.reset_index(drop=True))


def test_sheets_tables_dropdowns_and_notes(written):
    wb = openpyxl.load_workbook(written)
    assert wb.sheetnames == [
        "Settings", "Customers", "Workshop", "Ideas", "Tracking", "Actions", "Waves", "Parties",
        "Chain values",
        *rt.TABLES, "Lists",
    ]  # fmt: skip
    lists = wb["Lists"]
    by_name = {
        c.value: [
            v for (v,) in lists.iter_rows(2, None, c.column, c.column, values_only=True) if v is not None
        ]
        for c in lists[1]
    }
    for sheet, spec in rt.TABLES.items():
        ws = wb[sheet]
        (table,) = ws.tables.values()
        assert table.displayName == RELATIONSHIP_TABLE_NAMES[sheet]
        assert [c.value for c in ws[1]] == list(spec.columns)
        dropdowns = {
            str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1
            for dv in ws.data_validations.dataValidation
        }
        for (list_sheet, column), values in rt.LIST_VALUES.items():
            if list_sheet != sheet:
                continue
            letter = openpyxl.utils.get_column_letter(spec.columns.index(column) + 1)
            source = dropdowns[letter]  # =Lists!$X$2:$X$n
            list_letter = source.split("!$")[1].split("$")[0]
            assert by_name[lists[f"{list_letter}1"].value] == list(values), (sheet, column)
    maturity = wb[rt.MATURITY_SHEET]
    for dimension in rt.DIMENSIONS:
        cell = maturity.cell(1, rt.MATURITY.columns.index(dimension) + 1)
        assert cell.comment.text == maturity_help(dimension)
    assert list(LISTS)[:7] == [col.STATUS, col.CATEGORY, "Firm", col.OWNER_FIRM, col.SHARING_METHOD, "Yes/No",
                               "Excellence phase"]  # fmt: skip


def test_computed_columns_hold_the_cores_values(written):
    # Formulas with their results saved (the live master, issue 12): the results as saved.
    ws = openpyxl.load_workbook(written, data_only=True)[rt.RISKS_SHEET]
    heads = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(heads, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert (rows["R1"][rt.RATING], rows["R1"][rt.RISK_LEVEL]) == (20, "Critical")
    assert rows["R4"][rt.RATING] in (None, "") and rows["R4"][rt.RISK_LEVEL] in (None, "")  # a formula's ""
    issues = openpyxl.load_workbook(written, data_only=True)[rt.ISSUES_SHEET]
    heads = [c.value for c in issues[1]]
    first = dict(zip(heads, next(issues.iter_rows(min_row=2, values_only=True)), strict=True))
    assert (first[rt.DAYS_OPEN], first[rt.OVERDUE]) == (56, "Yes")  # as of TODAY


def test_a_new_master_gets_the_checklists_ready_to_fill_in(tmp_path):
    path = tmp_path / "demo.xlsx"
    tables = sample_tables()
    write_master(path, sample_settings(), tables)
    loaded = load_master(path)
    n_customers = len(tables["Customers"])
    life = loaded.relationship[rt.LIFECYCLE_SHEET]
    assert len(life) == n_customers * N_ITEMS and life[rt.DONE].isna().all()
    assert loaded.relationship[rt.MATURITY_SHEET].empty  # one unrated line per firm: unused lines
    ws = openpyxl.load_workbook(path)[rt.MATURITY_SHEET]
    assert ws.max_row == 1 + 2 * n_customers
    empty = tmp_path / "empty.xlsx"
    write_master(empty, sample_settings(), {})
    assert all(t.empty for t in load_master(empty).relationship.values())


# --- the template -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template():
    return openpyxl.load_workbook(io.BytesIO(build_template()), keep_vba=True)


def test_template_has_the_relationship_tables_with_dropdowns(template):
    names = {n: d.attr_text for n, d in template.defined_names.items()}
    for sheet, spec in rt.TABLES.items():
        ws = template[sheet]
        (table,) = ws.tables.values()
        assert table.name == layout.table_name(sheet)
        assert [c.value for c in ws[1]] == list(spec.columns)
        sources = {}
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                sources.setdefault(spec.columns[rng.min_col - 1], []).append(dv.formula1)
        for (list_sheet, column), values in rt.LIST_VALUES.items():
            if list_sheet == sheet:
                source = next(s for s in sources[column] if s.lstrip("=") in names)
                reference = names[source.lstrip("=")]
                cells = template["Lists"][reference.split("!")[1].replace("$", "")]
                assert tuple(row[0].value for row in cells) == values, (sheet, column)
    for sheet, formulas in layout.RELATIONSHIP_FORMULAS.items():
        ws = template[sheet]
        for name, formula in formulas.items():
            assert ws.cell(2, rt.TABLES[sheet].columns.index(name) + 1).value == formula
    maturity = template[rt.MATURITY_SHEET]
    assert maturity.cell(1, 3).comment.text == maturity_help(rt.ATTRIBUTES)


def test_template_settings_hold_the_screening_thresholds(template):
    ws = template["Settings"]
    values = {row[0].value: row[1].value for row in ws.iter_rows(min_row=2) if row[0].value}
    assert values["Screening max quartile"] == 1 and values["Screening min phase"] == "III"
    assert values["Screening min culture"] == 3 and values["Screening min co-destiny"] == 3
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    phase_row = list(values).index("Screening min phase") + 2
    assert rules[f"B{phase_row}"].formula1 == "lstExcellencePhase"
