"""Validation of one relationship table given as a DataFrame (SPEC §3.9): every problem at once.

``check_table`` takes one table as a caller holds it (a DataFrame indexed by the Excel row number,
header spellings as the user typed them) and returns the typed table and its Problems. It reads the
table by its ``schema.Table`` on the very path the loader reads a sheet (``read_tables``) and runs
the same checks (``checks.CHECKS``). Typed means: canonical column names; text trimmed (None when
blank); IDs as text; list values in their canonical spelling with a blank status read as the list's
first value (Open, Monitoring, Working team); dates ``datetime.date``; scores float (NaN blank);
Yes/No bool (blank No); the Life cycle's Done as 'Yes' / 'No' / 'N/A' / None. A cell that cannot be
read is None (NaN for a score, the default for Yes/No) in the typed table and an error in the
problems. Unused lines (blank apart from pre-filled template columns such as Customer ID) are
dropped. A sheet that is absent is not a problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

import pandas as pd

from cvm_xl.core.problems import Code, Problem
from cvm_xl.master.checks import run_checks
from cvm_xl.master.read_tables import ReadTables, TableData, table_from_frame, table_of_ids
from cvm_xl.master.schema import CUSTOMERS, relationship_table

# Problems about the table's columns come first; then those about a single cell, row by row; then
# the rules across rows.
HEADER_CODES = frozenset(code for code in Code if code.value.startswith(("header.", "sheet.")))
CELL_CODES = frozenset({code for code in Code if code.value.startswith("cell.")} | {Code.REFERENCE_UNKNOWN})


class Checked(NamedTuple):
    """A relationship table, typed, and every problem found in it."""

    table: pd.DataFrame
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


def table_order(data: TableData, problems: Iterable[Problem]) -> list[Problem]:
    """The problems of one relationship table in the order ``check_table`` reports them: those of the
    header, then those of single cells row by row (in column order), then the rules across rows."""
    column_order = {name: i for i, name in enumerate(data.table.names)}
    record_order: dict[int | None, int] = {}
    for position in range(len(data.frame)):
        record_order.setdefault(data.row_number(position), position)
    found = list(problems)
    head = [p for p in found if p.code in HEADER_CODES]
    rules = [p for p in found if p.code not in HEADER_CODES and p.code not in CELL_CODES]
    cell = sorted(
        (p for p in found if p.code in CELL_CODES),
        key=lambda p: (record_order.get(p.row, 0), column_order.get(p.column or "", 0)),
    )
    return head + cell + rules


def check_table(
    sheet: str,
    table: pd.DataFrame,
    *,
    file: str,
    customer_ids: Iterable[object] | None = None,
    letters: Mapping[str, str] | None = None,
) -> Checked:
    """Validate and type one relationship table (see the module docstring).

    ``sheet`` names the table (e.g. 'Risks'); ``table`` is indexed by Excel row numbers;
    ``customer_ids`` are the IDs of the Customers table (None: references are not checked);
    ``letters`` maps headers to column letters so problems carry a cell reference such as 'F7'.
    """
    spec = relationship_table(sheet)
    data = table_from_frame(spec, table, file, spec.name, letters)
    tables = {spec.name: data}
    if customer_ids is not None:
        tables[CUSTOMERS.name] = table_of_ids(CUSTOMERS, customer_ids, file)
    found = [p for p in run_checks(ReadTables(tables)) if p.sheet == data.sheet_name]
    return Checked(data.frame, table_order(data, [*data.problems, *found]))


def table_problems(
    sheet: str,
    table: pd.DataFrame,
    *,
    file: str,
    customer_ids: Iterable[object] | None = None,
    letters: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Every problem of one relationship table (errors and warnings)."""
    return check_table(sheet, table, file=file, customer_ids=customer_ids, letters=letters).problems


def check_relationship(
    found: Mapping[str, pd.DataFrame | None],
    *,
    file: str,
    customer_ids: Iterable[object] | None = None,
    letters: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Checked]:
    """``check_table`` for every relationship table present in ``found`` (sheet -> table); absent
    tables (missing keys or None) are skipped: a master without them is valid. Keys of the result
    are the canonical sheet names."""
    ids = list(customer_ids) if customer_ids is not None else None
    out: dict[str, Checked] = {}
    for sheet, table in found.items():
        if table is None:
            continue
        spec = relationship_table(sheet)
        out[spec.name] = check_table(
            spec.name, table, file=file, customer_ids=ids, letters=(letters or {}).get(sheet)
        )
    return out
