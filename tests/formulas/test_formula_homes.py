"""The one formula writer (``cvm_xl.formulas``) is the home of every formula rule it holds (issue 12).

The template's relationship tables, the live master and the customer workbooks place the same
formulas; a sheet name is quoted in one place; the computed columns that count from today are
derived from their formulas, not listed again.
"""

from __future__ import annotations

import pytest

from cvm_xl.books import layout as book_layout
from cvm_xl.core import spellings
from cvm_xl.excel.template import layout as template_layout
from cvm_xl.formulas import cells
from cvm_xl.formulas.functions import ALLOWED_FUNCTIONS, functions_used
from cvm_xl.formulas.readiness import GUARDS, relationship_formulas
from cvm_xl.master.live import today_columns
from cvm_xl.master.schema import RELATIONSHIP_TABLES
from cvm_xl.readiness import exits, issue_log
from cvm_xl.readiness import tables as rt


@pytest.mark.parametrize(
    ("sheet", "written"),
    [("Ideas", "Ideas"), ("Sign-off", "'Sign-off'"), ("Exit triggers", "'Exit triggers'"),
     ("Bob's", "'Bob''s'"), ("2025", "'2025'"), ("Q1_plan", "Q1_plan")],
)  # fmt: skip
def test_a_sheet_name_is_quoted_in_one_place(sheet: str, written: str) -> None:
    assert book_layout.sheet_ref is cells.sheet_ref
    assert cells.sheet_ref(sheet) == written


def test_the_template_places_the_relationship_formulas_of_the_one_writer() -> None:
    """Every computed column of the template's relationship tables is ``relationship_formulas``
    over the row's own cells of its Excel Table, and nothing else computes there."""
    sheets = {sheet for sheet in rt.TABLES if RELATIONSHIP_TABLES[sheet].computed}
    assert (
        set(template_layout.RELATIONSHIP_FORMULAS)
        == sheets
        == {rt.RISKS_SHEET, rt.EXITS_SHEET, rt.ISSUES_SHEET}
    )
    for sheet, formulas in template_layout.RELATIONSHIP_FORMULAS.items():
        table = RELATIONSHIP_TABLES[sheet].table_name
        expected = relationship_formulas(sheet, lambda c, t=table: f"{t}[[#This Row],[{c}]]")
        assert formulas == {name: f"={formula}" for name, formula in expected.items()}
        assert tuple(formulas) == RELATIONSHIP_TABLES[sheet].computed
        for formula in formulas.values():
            assert functions_used(formula) <= ALLOWED_FUNCTIONS


def test_statuses_are_read_by_their_spellings_not_compared_as_typed() -> None:
    """The readiness formulas read a status as the core does (case and spaces ignored,
    ``spellings.excel_status_is``) and a row's key blank as ``core.values.is_blank`` (spaces too)."""
    due = exits.review_due_formula("S", "L")
    assert spellings.excel_status_is("S", (exits.RETIRED,)) in due and '(S="' not in due
    for formula in (issue_log.days_open_formula("S", "R", "X"), issue_log.overdue_formula("S", "R", "D")):
        assert spellings.excel_status_is("S", (issue_log.OPEN,)) in formula
        assert 'S="' not in formula and f'{spellings.excel_key("S")}=""' in formula
    for sheet, key in GUARDS.items():
        for formula in relationship_formulas(sheet, lambda c: f"[{c}]").values():
            assert formula.startswith(f'IF({cells.is_blank(f"[{key}]")},"",')


def test_the_columns_counting_from_today_are_read_off_their_formulas() -> None:
    assert today_columns(rt.EXITS_SHEET) == {rt.REVIEW_DUE}
    assert today_columns(rt.ISSUES_SHEET) == {rt.DAYS_OPEN, rt.OVERDUE}
    assert today_columns(rt.RISKS_SHEET) == frozenset() == today_columns("Ideas")
