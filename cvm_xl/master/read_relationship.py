"""Reading the relationship sheets of a master workbook (SPEC §3.9) into typed tables.

Each relationship table (``readiness.tables``: Life cycle, Maturity, Objectives, Risks, Exit
triggers, Issue log, Out of bounds topics) lives on a sheet of that name and is found there by its
header names, like the tables of SPEC §4. Every sheet is optional: a master made before these
sheets existed stays valid. A sheet of such a name that holds no such table (a user's own sheet
called "Risks", say) is left alone with a warning. The cells are checked by
``readiness.checks.check_table``, so every problem names the file, sheet, row, column and fix.

``relationship_from_rows`` picks the relationship sheets out of the rows a reader took off the
workbook; ``read_relationship`` turns them into tables and problems.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from cvm_xl.core.problems import ERROR, WARNING, Problem, column_letter
from cvm_xl.core.values import is_blank
from cvm_xl.master.model import EXCEL_ROW
from cvm_xl.master.readiness_checks import check_table
from cvm_xl.readiness.tables import TABLES, TableSpec
from cvm_xl.spreadsheet.sheet_xml import SheetScan
from cvm_xl.spreadsheet.tables import find_header_row, find_sheet, normalise_header

RELATIONSHIP_SHEETS: tuple[str, ...] = tuple(TABLES)


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
    ``loader.master_from_rows`` takes them); ``scan(sheet)`` gives a sheet's error cells and total
    rows. A sheet whose rows were not given is left out."""
    out: dict[str, RelationshipSheet] = {}
    for name, spelled in relationship_sheet_names(sheet_names).items():
        if spelled in sheets:
            out[name] = RelationshipSheet(spelled, sheets[spelled], scan(spelled) if scan else SheetScan())
    return out


def _not_a_table(file: str, sheet: RelationshipSheet, spec: TableSpec) -> Problem:
    return Problem(
        file,
        sheet.name,
        None,
        None,
        None,
        f"The {sheet.name} sheet has no {spec.sheet} table (a header row with "
        f"{', '.join(spec.signature)}), so it is ignored.",
        WARNING,
        f"If it is meant to be the relationship table, head its columns {', '.join(spec.inputs)}; "
        "otherwise rename the sheet.",
    )


def sheet_frame(
    sheet: RelationshipSheet, spec: TableSpec, file: str
) -> tuple[pd.DataFrame | None, dict[str, str], list[Problem]]:
    """The table on one relationship sheet as cell values, indexed by Excel row, with the column
    letter of each header and the problems of the header row. None when the sheet has no such
    table. Computed columns are dropped (they are recomputed, never read); extra columns are kept;
    Excel error cells hold their error text; blank rows and table total rows are left out."""
    rows = sheet.rows
    header = find_header_row(rows, spec.columns, spec.signature)
    if header is None or not all(name in header.positions for name in spec.signature):
        return None, {}, [_not_a_table(file, sheet, spec)]
    problems = [
        Problem(
            file,
            sheet.name,
            header.excel_row,
            name,
            name,
            f"The column '{name}' appears more than once; only the first is read.",
            ERROR,
            "Delete or rename the other column.",
            f"{column_letter(position + 1)}{header.excel_row}",
        )
        for name, position in header.repeated
    ]
    read = {
        **{name: pos for name, pos in header.positions.items() if name not in spec.computed},
        **{name: pos for name, pos in header.extras.items() if normalise_header(name)},
    }
    letters = {name: column_letter(pos + 1) for name, pos in read.items()}
    errors = sheet.scan.errors
    records: list[list[object]] = []
    index: list[int] = []
    for offset, cells in enumerate(rows[header.row + 1 :]):
        excel_row = header.excel_row + 1 + offset
        if excel_row in sheet.scan.total_rows:
            continue
        values = [
            errors.get((excel_row, pos), cells[pos] if pos < len(cells) else None) for pos in read.values()
        ]
        if all(is_blank(v) for v in values):
            continue
        records.append([None if v == "" else v for v in values])
        index.append(excel_row)
    frame = pd.DataFrame(
        {name: pd.Series([r[i] for r in records], dtype=object) for i, name in enumerate(read)},
    )
    frame.index = pd.Index(index, dtype="int64", name=EXCEL_ROW)
    return frame, letters, problems


def _order(problem: Problem) -> tuple[int, int]:
    column = 0
    for ch in (problem.ref or "").rstrip("0123456789"):
        column = column * 26 + ord(ch) - 64
    return problem.row or 0, column


def read_relationship(
    sheets: Mapping[str, RelationshipSheet], file: str, customer_ids: Iterable[object] | None = None
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Typed relationship tables (canonical sheet name -> table, in ``RELATIONSHIP_SHEETS`` order)
    and every problem found in them, sheet by sheet and row by row.

    ``sheets`` maps canonical sheet names to what was read (``read_relationship_sheets``);
    ``customer_ids`` are the Customers table's IDs every Customer ID must be one of.
    """
    ids = list(customer_ids) if customer_ids is not None else None
    tables: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for name in RELATIONSHIP_SHEETS:
        sheet = sheets.get(name)
        if sheet is None:
            continue
        spec = TABLES[name]
        frame, letters, found = sheet_frame(sheet, spec, file)
        if frame is not None:
            checked = check_table(spec.sheet, frame, file=file, customer_ids=ids, letters=letters)
            tables[name] = checked.table
            found += checked.problems
        found.sort(key=_order)
        problems += [p._replace(sheet=sheet.name) for p in found]
    return tables, problems
