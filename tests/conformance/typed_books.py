"""Workbooks into which random rows were typed, as a person (or a script) would.

Customer workbooks: ``cvm-xl``'s generator writes one per customer of a master whose ideas are
placeholders. Masters: the master writer (``write_master``) writes one live master per book, its
computed columns as formulas. Then openpyxl opens each workbook and overwrites every input cell of
its Ideas sheet with a row of ``typed_cells`` (statuses included), types the Settings a person may
change and appends tracking lines below the Tracking table (growing the table, as Excel does).
Saving with openpyxl drops every cached formula result, so an engine that opens the file must
compute each figure itself.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from generate_fixtures import build_master
from openpyxl.worksheet.worksheet import Worksheet
from typed_cells import Typed, idea_rows, random_settings, tracking_row

from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core.settings import SETTING_LABELS, Settings
from cvm_xl.core.tracking import VALUE_GUARANTEE
from cvm_xl.core.tracking import WAVE_START as WAVE_START_COLUMN
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.generate.customer_book import CUSTOMER_SHEETS
from cvm_xl.master.write import write_master

CUSTOMER_BOOK, MASTER = "customer workbook", "master"
# Every typed customer's wave start and yearly value guarantee: the Monthly report places its
# contract years by them (the typed Start dates and tracking months fall in 2026).
WAVE_START, GUARANTEE = dt.date(2026, 1, 1), 250_000.0


@dataclass(frozen=True)
class TypedBook:
    """One edited workbook: its kind and file, where its Ideas table is (column name -> letter,
    first data row), the rows typed into it, the settings and tracking lines typed, and the seed
    that drew them."""

    kind: str
    path: Path
    letters: dict[str, str]
    first_row: int
    rows: list[dict[str, Typed]]
    settings: dict[str, object]
    tracking: list[dict[str, Typed]]
    seed: int
    sheets: tuple[str, ...]

    def row_of(self, excel_row: int) -> dict[str, Typed]:
        return self.rows[excel_row - self.first_row]


def _placeholder_tables(n_books: int, rows_per_book: int) -> tuple[list[dict], list[dict]]:
    """Customers and plain ideas, ``rows_per_book`` per customer: the writers lay out one formula
    row per idea, and the typing replaces every input of every row."""
    customers = [
        {
            "Customer ID": f"CONF-{b:02d}",
            "Customer": f"Conformance customer {b:02d}",
            WAVE_START_COLUMN: dt.datetime.combine(WAVE_START, dt.time()),
            VALUE_GUARANTEE: GUARANTEE,
        }
        for b in range(n_books)
    ]
    ideas = [
        {
            col.IDEA_ID: idea_id(b, i),
            col.CUSTOMER_ID: f"CONF-{b:02d}",
            col.TITLE: f"Idea {i} of customer {b}",
            col.SUPPLIER_ANNUAL: 1000.0,
            col.SUPPLIER_ONE_TIME: math.nan,
            col.CUSTOMER_ANNUAL: 1000.0,
            col.CUSTOMER_ONE_TIME: math.nan,
            # Ready for sign-off, so the generated Sign-off sheet lists ideas (SPEC §3.7).
            col.OWNER_FIRM: "Joint",
            col.OWNER: "Hana Ito",
            col.START: dt.date(2026, 3, 2),
            col.END: dt.date(2026, 9, 30),
        }
        for b in range(n_books)
        for i in range(rows_per_book)
    ]
    return customers, ideas


def idea_id(book: int, i: int) -> str:
    return f"C{book:02d}-{i:04d}"


def _type(ws: Worksheet, ref: str, typed: Typed) -> None:
    cell = ws[ref]
    cell.value = typed.value
    if typed.number_format is not None:
        cell.number_format = typed.number_format


def _header(ws: Worksheet, first: str) -> tuple[int, dict[str, str]]:
    """The header row of the table whose first column is ``first``, and each header's letter."""
    for row in ws.iter_rows(min_row=1, max_row=20):
        if row[0].value == first:
            return row[0].row, {str(c.value): c.column_letter for c in row if c.value is not None}
    raise AssertionError(f"{ws.title} has no header starting with {first!r}")


def _settings_rows(ws: Worksheet) -> dict[str, int]:
    """Settings sheet: the row of each setting's field name, found by its label in column A."""
    labels = {ws.cell(r, 1).value: r for r in range(1, 60)}
    return {field: labels[label] for label, field in SETTING_LABELS.items() if label in labels}


def type_rows(
    source: Path,
    target: Path,
    rows: list[dict[str, Typed]],
    settings: dict[str, object],
    tracking: list[dict[str, Typed]],
) -> tuple[dict[str, str], int, tuple[str, ...]]:
    """``source`` with ``rows`` typed over its Ideas inputs, ``settings`` over its Settings values
    and ``tracking`` appended to its Tracking table, saved by openpyxl as ``target``. Returns the
    Ideas table's letters, its first data row and the workbook's sheets."""
    wb = openpyxl.load_workbook(source)
    ideas = wb[L.IDEAS]
    header, letters = _header(ideas, col.IDEA_ID)
    first_row = header + 1
    generated = [ideas[f"{letters[col.IDEA_ID]}{first_row + i}"].value for i in range(len(rows))]
    assert None not in generated, f"{source.name} has fewer idea rows than the {len(rows)} to type"
    for i, row in enumerate(rows):
        for name, typed in row.items():
            if name in letters:  # a customer workbook has no Out of bounds column
                _type(ideas, f"{letters[name]}{first_row + i}", typed)
    sheet = wb[L.SETTINGS]
    setting_rows = _settings_rows(sheet)
    for field, value in settings.items():
        sheet[f"B{setting_rows[field]}"].value = value
    tracking_sheet = wb[L.TRACKING]
    tracking_header, tracking_letters = _header(tracking_sheet, col.IDEA_ID)
    first = next(
        r
        for r in range(tracking_header + 1, tracking_header + 10_000)
        if tracking_sheet.cell(r, 1).value is None
    )
    for i, line in enumerate(tracking):
        for name, typed in line.items():
            _type(tracking_sheet, f"{tracking_letters[name]}{first + i}", typed)
    last_letter = max(tracking_letters.values(), key=lambda x: (len(x), x))
    for table in tracking_sheet.tables.values():  # the table grows over the typed lines, as in Excel
        start, _ = table.ref.split(":")
        table.ref = f"{start}:{last_letter}{max(first + len(tracking) - 1, tracking_header + 1)}"
    wb.save(target)
    return letters, first_row, tuple(wb.sheetnames)


def _typed(
    kind: str, k: int, source: Path, target: Path, seed: int, rows_per_book: int, tracking_per_book: int
) -> TypedBook:
    """Book ``k`` of its kind: its own random stream (seed, kind, k), so each book replays alone."""
    rng = np.random.default_rng((seed, (CUSTOMER_BOOK, MASTER).index(kind), k))
    settings = random_settings(rng)
    rows = idea_rows(rng, rows_per_book, settings)
    ids = [idea_id(k, i) for i in range(rows_per_book)]
    tracking = [tracking_row(rng, ids) for _ in range(tracking_per_book)]
    letters, first_row, sheets = type_rows(source, target, rows, settings, tracking)
    return TypedBook(kind, target, letters, first_row, rows, settings, tracking, seed, sheets)


# The sheets a customer workbook needs for its Ideas sheet to compute and for cvm-xl to read it back.
# Workbooks of many rows are generated with these only, so that most of the suite's time goes to
# the Ideas formulas; whole workbooks (every live sheet) are checked with fewer rows.
IDEAS_SHEETS = (L.IDEAS, L.TRACKING, L.SETTINGS, L.RECORD)


def typed_customer_books(
    folder: Path,
    seed: int,
    n_books: int,
    rows_per_book: int,
    tracking_per_book: int,
    sheets: Sequence[str] | None = None,
    first_book: int = 0,
) -> list[TypedBook]:
    """``n_books`` generated customer workbooks (books ``first_book``.. of the seed) with random rows
    typed in, under ``folder``; ``sheets`` limits the sheets generated (default: all)."""
    customers, ideas = _placeholder_tables(first_book + n_books, rows_per_book)
    customers, ideas = customers[first_book:], ideas[first_book * rows_per_book :]
    master = build_master(customers, ideas, [], [], Settings(), Path("conformance-master.xlsx"))
    builders = [b for b in CUSTOMER_SHEETS if sheets is None or b.name in sheets]
    results = generate_customer_books(
        master, folder / "generated", workers=1, sheets=builders, generated=dt.datetime(2026, 3, 1, 9, 0)
    )
    assert all(r.ok for r in results), [r for r in results if not r.ok]
    typed = folder / "typed"
    typed.mkdir(parents=True, exist_ok=True)
    return [
        _typed(
            CUSTOMER_BOOK, first_book + k, r.path, typed / r.path.name, seed, rows_per_book, tracking_per_book
        )
        for k, r in enumerate(results)
    ]


def typed_masters(
    folder: Path, seed: int, n_books: int, rows_per_book: int, tracking_per_book: int
) -> list[TypedBook]:
    """``n_books`` live masters (one customer each, as ``write_master`` lays them out) with random
    rows typed in, under ``folder``."""
    written, typed = folder / "written", folder / "typed"
    written.mkdir(parents=True, exist_ok=True)
    typed.mkdir(parents=True, exist_ok=True)
    books = []
    for k in range(n_books):
        customers, ideas = _placeholder_tables(k + 1, rows_per_book)
        tables = {"Customers": pd.DataFrame(customers[k:]), "Ideas": pd.DataFrame(ideas[k * rows_per_book :])}
        source = written / f"master {k:02d}.xlsx"
        write_master(source, Settings(), tables, today=dt.date(2026, 3, 1))
        books.append(_typed(MASTER, k, source, typed / source.name, seed, rows_per_book, tracking_per_book))
    return books
