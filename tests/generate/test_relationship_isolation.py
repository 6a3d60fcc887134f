"""A customer workbook holds that customer's relationship rows only, and nothing out of bounds (SPEC §3.9,
§7): every part of every workbook is unzipped and searched for the other customers' relationship
texts, for every row marked out of bounds and for every Out of bounds topic."""

from __future__ import annotations

import zipfile
from io import BytesIO
from xml.sax.saxutils import escape

import openpyxl
import pytest
from generate_fixtures import build_master
from relationship_fixtures import (
    SECRET,
    K,
    M,
    Z,
    customer_book,
    journey_tables,
    relationship_master,
    relationship_tables,
)

from cvm_xl.generate import customer_workbook_bytes
from cvm_xl.generate.sheets import relationship as R
from cvm_xl.readiness import tables as rt
from cvm_xl.readiness.out_of_bounds import is_out_of_bounds

CUSTOMERS = (K, Z, M)
# The columns whose text is particular to one relationship (IDs such as R1 would match cell references).
TEXT_COLUMNS = {
    rt.LIFECYCLE_SHEET: (rt.NOTE,),
    rt.OBJECTIVES_SHEET: (rt.OBJECTIVE, rt.MEASURE),
    rt.RISKS_SHEET: (rt.RISK, rt.MITIGATION),
    rt.EXITS_SHEET: (rt.TRIGGER, rt.ACTION),
    rt.ISSUES_SHEET: (rt.ISSUE, rt.RESOLUTION),
    rt.TOPICS_SHEET: (rt.TOPIC,),
    rt.REVIEWS_SHEET: ("Attendees", "Decisions"),  # issue 14: the reviews held, the KPI readings
    rt.KPI_SHEET: (rt.OBJECTIVE,),
}


@pytest.fixture(scope="module")
def master():
    return relationship_master({**relationship_tables(), **journey_tables()})


@pytest.fixture(scope="module")
def books(master) -> dict[str, dict[str, str]]:
    out = {}
    for cid in CUSTOMERS:
        with zipfile.ZipFile(BytesIO(customer_book(master, cid))) as z:
            out[cid] = {name: z.read(name).decode("utf-8") for name in z.namelist()}
    return out


def _texts(master, keep) -> set[str]:
    """Texts of the relationship rows for which ``keep(sheet, row)`` holds."""
    found = set()
    for sheet, columns in TEXT_COLUMNS.items():
        for _, row in master.relationship[sheet].iterrows():
            if keep(sheet, row):
                found |= {str(row[c]) for c in columns if isinstance(row.get(c), str) and len(row[c]) > 3}
    return found


def _hits(parts: dict[str, str], needles: set[str]) -> list[str]:
    return sorted(
        f"{needle!r} in {name}"
        for needle in needles
        for name, text in parts.items()
        if any(form in text for form in {needle, escape(needle), escape(needle, {'"': "&quot;"})})
    )


def _out_of_bounds(sheet: str, row) -> bool:
    return sheet == rt.TOPICS_SHEET or is_out_of_bounds(row.get(rt.OUT_OF_BOUNDS))


def test_the_fixture_has_something_to_leak(master):
    assert len(_texts(master, _out_of_bounds)) >= 5
    assert all(t.startswith(SECRET) for t in _texts(master, _out_of_bounds))


def test_no_other_customers_relationship_rows(master, books):
    for cid, parts in books.items():
        others = _texts(master, lambda sheet, row, cid=cid: row.get(rt.CUSTOMER_ID) not in (cid, None))
        assert others, cid
        assert _hits(parts, others) == [], cid


def test_no_out_of_bounds_row_and_no_topic(master, books):
    needles = _texts(master, _out_of_bounds) | {SECRET}
    for cid, parts in books.items():
        assert _hits(parts, needles) == [], cid


def test_no_reading_of_an_out_of_bounds_objective(books):
    """Issue 14: the KPIs sheet charts only the customer's objectives in bounds; a reading of an
    out-of-bounds objective (987654.25, Kappa's) is in no part, while Kappa's own readings are."""
    assert _hits(books[K], {"987654.25"}) == []
    assert _hits(books[K], {"36.5"}) and not _hits(books[Z], {"36.5"})


def test_the_search_finds_each_customers_own_rows(master, books):
    for cid in (K, Z):
        own = _texts(master, lambda sheet, row, cid=cid: row.get(rt.CUSTOMER_ID) == cid)
        own -= _texts(master, _out_of_bounds)
        assert own
        assert [n for n in sorted(own) if not _hits(books[cid], {n})] == [], cid


def test_a_workbook_from_a_master_without_relationship_sheets(tmp_path):
    """The generator's own path: the Relationship sheet with the screening and empty checklists."""
    path = tmp_path / "kappa.xlsx"
    path.write_bytes(customer_workbook_bytes(build_master(), K))
    ws = openpyxl.load_workbook(path, data_only=True)[R.NAME]
    values = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"Executive sponsorship & policy", "Future opportunities"} <= values
    assert {"No exit trigger recorded yet.", "No issue recorded."} <= values
    assert ws[f"B{R.VERDICT_ROW}"].value == "Not assessed"
    assert ws[f"B{R.ELIGIBLE_ROW}"].value == "Yes"  # Kappa meets every prerequisite
