"""Where the template's ``Self-test`` sheet holds what (issue 17), as data both the template builder
(which writes the cells) and the VBA generator (whose ``CVM_SelfTest`` macro reads them) use.

The cases are ``udfs.selftest.CASES``: each case's inputs are cells to the right of the checks, and
each cell of its expected result is one check row: the function, the example, the formula text (the
macro puts it into the Result cell, so nothing calls Python before someone runs the self-test), the
expected value, and PASS/FAIL once the macro has run. A multi-cell result is checked cell by cell
through ``INDEX``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cvm_xl.core.problems import column_letter
from udfs.selftest import CASES, FAILURE_HELP, Case

SHEET = "Self-test"

# Rows and columns are Excel's (1-based): the VBA macro uses the same numbers.
TITLE_ROW = 1
INTRO_ROW = 2
WORKBOOK_ROW = 4  # the xlwings version inside this workbook (its VBA module)
PYTHON_ROW = 5  # the Python side's versions, written by the macro
RESULT_ROW = 6  # "All n checks PASS" / "k of n checks FAIL", written by the macro
RUN_ROW = 7  # when the macro last ran
FUNCTIONS_HEADING_ROW = 9
FIRST_FUNCTION_ROW = 10

FUNCTION_COLUMN, EXAMPLE_COLUMN, FORMULA_COLUMN = 1, 2, 3
RESULT_COLUMN, EXPECTED_COLUMN, CHECK_COLUMN = 4, 5, 6
FIRST_INPUT_COLUMN = 8  # H: the cases' input cells
CHECK_HEADER = ("Function", "Example", "Formula", "Result", "Expected", "Check")
NOT_RUN = "Not run yet: click Run the self-test on the Start sheet (macros enabled)."


@dataclass(frozen=True)
class Check:
    """One check row: ``formula`` is the text the macro enters in the Result cell."""

    row: int
    function: str
    example: str
    formula: str
    expected: Any


@dataclass(frozen=True)
class Input:
    """One input cell of a case."""

    row: int
    column: int
    value: Any


def functions() -> tuple[str, ...]:
    """The worksheet functions the cases cover, in the order of their first case."""
    return tuple(dict.fromkeys(c.function for c in CASES))


HELP = FAILURE_HELP  # what to do when a check fails: (symptom, fix), under the per-function results
FUNCTIONS_LAST_ROW = FIRST_FUNCTION_ROW + len(functions()) - 1
HELP_HEADING_ROW = FUNCTIONS_LAST_ROW + 2
FIRST_HELP_ROW = HELP_HEADING_ROW + 1
CHECKS_HEADING_ROW = FIRST_HELP_ROW + len(HELP) + 1
CHECK_HEADER_ROW = CHECKS_HEADING_ROW + 1
FIRST_CHECK_ROW = CHECK_HEADER_ROW + 1


def _grid(value: Any) -> list[list[Any]]:
    return value if isinstance(value, list) else [[value]]


def _case_cells(case: Case, row: int) -> tuple[str, list[Input]]:
    """The case's call with its arguments' cells from ``row`` on, and those cells."""
    references: list[str] = []
    cells: list[Input] = []
    column = FIRST_INPUT_COLUMN
    last = max((i for i, a in enumerate(case.args) if a is not None), default=-1)
    for value in case.args[: last + 1]:
        if value is None:
            references.append("")  # left out: the function's default, as in the Ideas formulas
            continue
        grid = _grid(value)
        for r, cells_row in enumerate(grid):
            for c, cell in enumerate(cells_row):
                if cell is not None:
                    cells.append(Input(row + r, column + c, cell))
        first = f"{column_letter(column)}{row}"
        last_cell = f"{column_letter(column + len(grid[0]) - 1)}{row + len(grid) - 1}"
        references.append(f"{first}:{last_cell}" if isinstance(value, list) else first)
        column += len(grid[0])
    return f"{case.function}({','.join(references)})", cells


def layout() -> tuple[tuple[Check, ...], tuple[Input, ...]]:
    """Every check row and every input cell of the cases, from ``FIRST_CHECK_ROW`` down."""
    checks: list[Check] = []
    inputs: list[Input] = []
    row = FIRST_CHECK_ROW
    for case in CASES:
        call, cells = _case_cells(case, row)
        inputs += cells
        expected = case.expected
        if isinstance(expected, list):
            parts = [
                (f"=INDEX({call},{r + 1},{c + 1})", value)
                for r, values in enumerate(expected)
                for c, value in enumerate(values)
            ]
        else:
            parts = [(f"={call}", expected)]
        for i, (formula, value) in enumerate(parts):
            checks.append(Check(row + i, case.function, case.example, formula, value))
        height = max([len(parts), *(len(_grid(a)) for a in case.args if a is not None)])
        row += height
    return tuple(checks), tuple(inputs)


CHECKS, INPUTS = layout()
LAST_CHECK_ROW = max(c.row for c in CHECKS)
