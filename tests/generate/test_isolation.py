"""Each customer workbook holds only that customer's data, and never an out-of-bounds idea (SPEC §7).

Every part of every generated workbook (sheets, hidden sheets, defined names, document properties,
tables, chart) is unzipped and searched for the other customers' IDs, names, idea IDs and titles,
raw workshop ideas and tracking notes, and for the out-of-bounds ideas and the raw ideas behind them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from generate_fixtures import build_master

from cvm_xl.core import columns as col
from cvm_xl.generate.batch import generate_customer_books


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    master = build_master()
    results = generate_customer_books(master, tmp_path_factory.mktemp("isolation"), workers=1)
    return master, {r.customer_id: r.path for r in results}


def _parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name).decode("utf-8") for name in z.namelist()}


def _forms(text: str) -> set[str]:
    """A text as it may appear in a part: plain, XML-escaped, or escaped inside an attribute."""
    return {text, escape(text), escape(text, {'"': "&quot;"})}


def _needles(master, customer_id: str) -> dict[str, str]:
    """Every distinctive text that belongs to the given customer, labelled for the failure message."""
    out: dict[str, str] = {}
    customers = master.customers.set_index(col.CUSTOMER_ID)
    out[customer_id] = "customer ID"
    out[customers.loc[customer_id, "Customer"]] = "customer name"
    ideas = master.ideas.loc[master.ideas[col.CUSTOMER_ID] == customer_id]
    for _, idea in ideas.iterrows():
        out[idea[col.IDEA_ID]] = "idea ID"
        out[idea[col.TITLE]] = "idea title"
    raw = master.workshop.loc[master.workshop[col.CUSTOMER_ID] == customer_id]
    for _, row in raw.iterrows():
        out[row["Raw ID"]] = "raw idea ID"
        out[row["Idea"]] = "raw idea"
    tracking = master.tracking.loc[master.tracking[col.IDEA_ID].isin(ideas[col.IDEA_ID])]
    for note in tracking["Note"].dropna():
        out[note] = "tracking note"
    return out


def _out_of_bounds_needles(master) -> dict[str, str]:
    ideas = master.ideas.loc[master.ideas[col.OUT_OF_BOUNDS].astype(bool)]
    out = {}
    for _, idea in ideas.iterrows():
        out[idea[col.IDEA_ID]] = "out-of-bounds idea ID"
        out[idea[col.TITLE]] = "out-of-bounds title"
    raw = master.workshop.loc[master.workshop["Mother idea ID"].isin(ideas[col.IDEA_ID])]
    for _, row in raw.iterrows():
        out[row["Raw ID"]] = "raw idea behind an out-of-bounds idea"
        out[row["Idea"]] = "raw idea behind an out-of-bounds idea"
    return out


def _found(parts: dict[str, str], needles: dict[str, str]) -> list[str]:
    hits = []
    for needle, label in needles.items():
        for form in _forms(needle):
            for name, text in parts.items():
                if form in text:
                    hits.append(f"{label} {needle!r} in {name}")
    return sorted(set(hits))


def test_fixture_has_something_to_leak(generated):
    master, _ = generated
    assert master.ideas[col.OUT_OF_BOUNDS].sum() >= 2
    assert len(master.customers) >= 3


def test_no_other_customers_data_in_any_part(generated):
    master, books = generated
    for customer_id, path in books.items():
        parts = _parts(path)
        for other in books:
            if other != customer_id:
                assert _found(parts, _needles(master, other)) == [], f"{path.name} leaks {other}"


def test_no_out_of_bounds_idea_anywhere(generated):
    master, books = generated
    needles = _out_of_bounds_needles(master)
    assert needles
    for path in books.values():
        assert _found(_parts(path), needles) == [], path.name


def test_the_search_would_find_the_customers_own_data(generated):
    """The needles are real: each book contains its own customer's visible data."""
    master, books = generated
    out_of_bounds = set(_out_of_bounds_needles(master))
    for customer_id, path in books.items():
        own = {k: v for k, v in _needles(master, customer_id).items() if k not in out_of_bounds}
        parts = _parts(path)
        missing = [n for n in own if not any(f in t for f in _forms(n) for t in parts.values())]
        assert missing == [], f"{path.name} lacks its own {missing}"
