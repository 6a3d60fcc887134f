"""Reading the relationship sheets of a master workbook (SPEC §3.9) into typed tables.

Each relationship table (``schema.RELATIONSHIP_TABLES``: Life cycle, Maturity, Objectives, Risks,
Exit triggers, Issue log, Out of bounds topics) lives on a sheet of that name and is found there by
its header names, like the tables of SPEC §4, on the same reading path (``read_tables``) and with
the same checks (``checks``), so every problem names the file, sheet, row, column and fix. Every
sheet is optional: a master made before these sheets existed stays valid. A sheet of such a name
that holds no such table (a user's own sheet called "Risks", say) is left alone with a warning.

``relationship_from_rows`` picks the relationship sheets out of the rows a reader took off the
workbook; ``read_relationship_tables`` reads them; ``read_relationship`` also checks them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from cvm_xl.core.problems import Problem
from cvm_xl.master.checks import run_checks
from cvm_xl.master.read_tables import ReadTables, TableData, read_table, table_of_ids
from cvm_xl.master.schema import CUSTOMERS, RELATIONSHIP_TABLES
from cvm_xl.spreadsheet.sheet_xml import SheetScan
from cvm_xl.spreadsheet.tables import find_sheet

RELATIONSHIP_SHEETS: tuple[str, ...] = tuple(RELATIONSHIP_TABLES)


@dataclass(frozen=True)
class RelationshipSheet:
    """One relationship sheet as read: its name as the workbook spells it, its rows of cell values
    and its scan (error cells and table total rows)."""

    name: str
    rows: Sequence[Sequence[object]]
    scan: SheetScan = field(default_factory=SheetScan)


def relationship_sheet_names(sheet_names: Iterable[str]) -> dict[str, str]:
    """Canonical sheet name -> the workbook's spelling, for the relationship sheets present."""
    names = list(sheet_names)
    found = {sheet: find_sheet(names, sheet) for sheet in RELATIONSHIP_SHEETS}
    return {sheet: spelled for sheet, spelled in found.items() if spelled is not None}


def relationship_from_rows(
    sheets: Mapping[str, Sequence[Sequence[object]]],
    sheet_names: Iterable[str],
    scan: Callable[[str], SheetScan] | None = None,
) -> dict[str, RelationshipSheet]:
    """The relationship sheets among ``sheets`` (the workbook's sheet name -> its rows, as
    ``read.master_from_rows`` takes them); ``scan(sheet)`` gives a sheet's error cells and total
    rows. A sheet whose rows were not given is left out."""
    out: dict[str, RelationshipSheet] = {}
    for name, spelled in relationship_sheet_names(sheet_names).items():
        if spelled in sheets:
            out[name] = RelationshipSheet(spelled, sheets[spelled], scan(spelled) if scan else SheetScan())
    return out


def read_relationship_tables(sheets: Mapping[str, RelationshipSheet], file: str) -> dict[str, TableData]:
    """Each relationship sheet given (canonical name -> sheet) read as its table, in
    ``RELATIONSHIP_SHEETS`` order; a sheet holding no such table has no header and a warning."""
    return {
        name: read_table(RELATIONSHIP_TABLES[name], sheet.rows, file, sheet.name, sheet.scan)
        for name in RELATIONSHIP_SHEETS
        if (sheet := sheets.get(name)) is not None
    }


def _order(problem: Problem) -> tuple[int, int]:
    column = 0
    for ch in (problem.ref or "").rstrip("0123456789"):
        column = column * 26 + ord(ch) - 64
    return problem.row or 0, column


def relationship_problems(tables: Mapping[str, TableData], checked: Iterable[Problem]) -> list[Problem]:
    """The problems of the relationship tables, sheet by sheet (``RELATIONSHIP_SHEETS`` order) and
    row by row: those found reading each table, then ``checked`` (the checks' problems)."""
    by_sheet: dict[str, list[Problem]] = {}
    for problem in checked:
        by_sheet.setdefault(problem.sheet or "", []).append(problem)
    problems: list[Problem] = []
    for name in RELATIONSHIP_SHEETS:
        data = tables.get(name)
        if data is not None:
            problems += sorted([*data.problems, *by_sheet.get(data.sheet_name, [])], key=_order)
    return problems


def read_relationship(
    sheets: Mapping[str, RelationshipSheet], file: str, customer_ids: Iterable[object] | None = None
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Typed relationship tables (canonical sheet name -> table, in ``RELATIONSHIP_SHEETS`` order)
    and every problem found in them, sheet by sheet and row by row.

    ``sheets`` maps canonical sheet names to what was read (``relationship_from_rows``);
    ``customer_ids`` are the Customers table's IDs every Customer ID must be one of.
    """
    tables = read_relationship_tables(sheets, file)
    read: dict[str, TableData] = dict(tables)
    if customer_ids is not None:
        read[CUSTOMERS.name] = table_of_ids(CUSTOMERS, customer_ids, file)
    problems = relationship_problems(tables, run_checks(ReadTables(read)))
    return {name: data.frame for name, data in tables.items() if data.header is not None}, problems
