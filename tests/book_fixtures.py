"""Shared by the verify, import, reconcile and round-trip tests: a master file, its customer workbooks
and the consolidated sign-off generated once per session, an editor for returned workbooks, the
command line run with a wide console, and readers of what an import left in the master."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from generate_fixtures import build_master
from python_calamine import CalamineWorkbook

from cvm_xl.books.read import read_book
from cvm_xl.cli import main
from cvm_xl.core import columns as col
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.generate.signoff_book import write_signoff_book
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master

GENERATED = dt.datetime(2026, 11, 2, 8, 30)
KAPPA, ZED, MUE = "KAPPA-7", "ZED-41", "MUE/88"
IDEAS_HEADER_ROW = 3


def write_fixture_master(path: Path) -> Path:
    """The generation fixture (three customers, every rule) as a master workbook file."""
    m = build_master()
    tables = {"Customers": m.customers, "Workshop": m.workshop, "Ideas": m.ideas, "Tracking": m.tracking}
    write_master(path, m.settings, tables)
    return path


def generate_books(master_path: Path, out: Path) -> dict[str, Path]:
    """The customer workbooks of a master file, by customer ID, and the consolidated sign-off ('*').

    The relationship sheets are not under test here and are left out of the generated workbooks.
    """
    master = dataclasses.replace(load_master(master_path), relationship={})
    results = generate_customer_books(master, out, workers=1, generated=GENERATED)
    assert all(r.ok for r in results), [r.message for r in results]
    books = {r.customer_id: r.path for r in results}
    books["*"] = out / "signoff.xlsx"
    assert write_signoff_book(master, books["*"]) is None
    return books


@pytest.fixture(scope="session", name="generated")
def generated_fixture(tmp_path_factory) -> dict[str, Path]:
    """A master file ('master'), its customer workbooks and its consolidated sign-off ('*'), as
    generated; tests copy them before changing anything."""
    folder = tmp_path_factory.mktemp("generated-books")
    master = write_fixture_master(folder / "master.xlsx")
    return {"master": master, **generate_books(master, folder / "books")}


def copy(paths: Mapping[str, Path], name: str, folder: Path, as_name: str | None = None) -> Path:
    target = folder / (as_name or paths[name].name)
    shutil.copy2(paths[name], target)
    return target


def idea_rows(ws) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {
        str(ws.cell(r, 1).value): r
        for r in range(IDEAS_HEADER_ROW + 1, ws.max_row + 1)
        if ws.cell(r, 1).value
    }


def header_columns(ws, row: int = IDEAS_HEADER_ROW) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {str(c.value): c.column for c in ws[row] if c.value is not None}


def edit_book(
    path: Path,
    ideas: Mapping[str, Mapping[str, object]] | None = None,
    *,
    tracking: Sequence[Sequence[object]] = (),
    tracking_cells: Mapping[tuple[int, str], object] | None = None,
    names: Mapping[str, object] | None = None,
    target: Path | None = None,
) -> Path:
    """Change a customer workbook as a customer would, with openpyxl: idea fields by (ID, header),
    tracking rows appended or changed ((Excel row, header) -> value), named cells of the Sign-off
    sheet (e.g. CustomerSignatoryName). Saved over ``path`` unless ``target`` is given."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Ideas"]
    rows, columns = idea_rows(ws), header_columns(ws)
    for idea, fields in (ideas or {}).items():
        for name, value in fields.items():
            ws.cell(rows[idea], columns[name]).value = value
    tr = wb["Tracking"]
    tracking_columns = header_columns(tr)
    for (row, name), value in (tracking_cells or {}).items():
        tr.cell(row, tracking_columns[name]).value = value
    for values in tracking:
        tr.append(list(values))
    for name, value in (names or {}).items():
        sheet, ref = next(iter(wb.defined_names[name].destinations))
        wb[sheet][ref.replace("$", "")].value = value
    wb.save(target or path)
    return target or path


def run_cli(capsys, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True, name="wide_console")
def wide_console_fixture(monkeypatch):
    monkeypatch.setenv("COLUMNS", "220")


def signed_ideas(book_path: Path) -> list[str]:
    book = read_book(book_path)
    return list(book.signed_ids[book.customer_id])


def row_with(out: str, *words: str) -> str:
    """The first output line holding every word (tables print one record per line when wide)."""
    return next(line for line in out.splitlines() if all(w in line for w in words))


def passbook_balances(path: Path) -> dict[str, dict[str, object]]:
    """The balance rows of the master's Passbook sheet, by customer."""
    with CalamineWorkbook.from_path(str(path)) as wb:
        rows = wb.get_sheet_by_name("Passbook").to_python()
    header = next(i for i, r in enumerate(rows) if "Suggestion" in r)
    out = {}
    for r in rows[header + 1 :]:
        if not r[0]:
            break
        out[r[0]] = dict(zip(rows[header], r, strict=True))
    return out


def idea(path: Path, idea_id: str) -> pd.Series:
    ideas = load_master(path).ideas
    return ideas.loc[ideas[col.IDEA_ID] == idea_id].iloc[0]


def tracking(path: Path, idea_id: str) -> list[tuple]:
    t = load_master(path).tracking
    mine = t[t[col.IDEA_ID] == idea_id]
    return [
        (r["Month"], r["Supplier realised"], r["Customer realised"], r["Note"])
        for r in mine.to_dict("records")
    ]
