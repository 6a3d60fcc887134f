"""Each customer workbook holds only that customer's data, and never an out-of-bounds idea (SPEC §7).

Every part of every generated workbook (sheets, hidden sheets, defined names, document properties,
tables, chart) is unzipped and searched for the other customers' IDs, names, idea IDs and titles,
raw workshop ideas, tracking notes and actions, and for the out-of-bounds ideas and the raw ideas and
actions behind them;
and for the supplier's screening of the customer (SPEC §3.9), which only a customer whose
``Share screening`` is Yes sees.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from generate_fixtures import CUSTOMERS, build_master

from cvm_xl.core import columns as col
from cvm_xl.core.actions import ACTION, ACTION_ID
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.readiness.screening import SCREENING_INPUTS, ScreeningThresholds, screening_lines


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
    actions = master.actions.loc[master.actions[col.IDEA_ID].isin(ideas[col.IDEA_ID])]
    for _, action in actions.iterrows():
        out[action[ACTION_ID]] = "action ID"
        out[action[ACTION]] = "action"
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
    actions = master.actions.loc[master.actions[col.IDEA_ID].isin(ideas[col.IDEA_ID])]
    for _, action in actions.iterrows():
        out[action[ACTION_ID]] = "action of an out-of-bounds idea"
        out[action[ACTION]] = "action of an out-of-bounds idea"
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
    out_of_bounds = master.ideas.loc[master.ideas[col.OUT_OF_BOUNDS].astype(bool), col.IDEA_ID]
    assert master.actions[col.IDEA_ID].isin(out_of_bounds).sum() >= 2  # issue 14: actions never exported
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


# --- the supplier's screening of a customer (SPEC §3.9) stays internal unless shared --------------

OPTED_OUT, OPTED_IN = "ZED-41", "KAPPA-7"  # Share screening blank, and Yes (generate_fixtures)


def _screening_needles(master, customer_id: str) -> dict[str, str]:
    """The customer's screening as any sheet would show it: the prerequisites' labels, what each
    needs, the reasons with the assessed values, and the verdict's label."""
    customer = master.customers.set_index(col.CUSTOMER_ID).loc[customer_id].to_dict()
    thresholds = ScreeningThresholds.of(master.settings)
    out = {"Eligible for CVM": "verdict label", "Customer selection": "section title"}
    for line in screening_lines(customer, thresholds):
        out[line.label] = "prerequisite"
        out[line.needed] = "threshold"
        if line.reason:
            out[line.reason] = "reason with the assessed value"
    return out


def _screening_values(master, customer_id: str) -> set[object]:
    customer = master.customers.set_index(col.CUSTOMER_ID).loc[customer_id]
    return {customer[name] for name in SCREENING_INPUTS}


def _cell_values(path: Path) -> set[object]:
    wb = openpyxl.load_workbook(path)
    return {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}


def test_the_fixture_screens_the_opted_out_customer(generated):
    master, _ = generated
    customers = master.customers.set_index(col.CUSTOMER_ID)
    assert not customers.loc[OPTED_OUT, col.SHARE_SCREENING] and customers.loc[OPTED_IN, col.SHARE_SCREENING]
    assert len([v for v in _screening_values(master, OPTED_OUT) if v == v]) == 4  # all four assessed
    assert sum(label.startswith("reason") for label in _screening_needles(master, OPTED_OUT).values()) == 4


def test_no_screening_in_the_book_of_a_customer_that_is_not_shared_it(generated):
    master, books = generated
    path = books[OPTED_OUT]
    assert _found(_parts(path), _screening_needles(master, OPTED_OUT)) == []
    values = _cell_values(path)
    assert not {1.75, 1.25, "II"} & values, "an assessed value of the screening is in a cell"


def test_a_shared_screening_is_in_the_customers_book(generated):
    master, books = generated
    path = books[OPTED_IN]
    parts = _parts(path)
    missing = [n for n in _screening_needles(master, OPTED_IN) if not _found(parts, {n: "screening"})]
    assert missing == []
    assert {1.0, 4.0, "III"} <= _cell_values(path)


def test_sharing_it_shows_the_opted_out_customers_screening(tmp_path):
    """The needles are real: with Share screening Yes the same customer's book holds every one."""
    customers = [dict(c, **{col.SHARE_SCREENING: True}) for c in CUSTOMERS]
    master = build_master(customers=customers)
    [result] = generate_customer_books(master, tmp_path, customer_ids=[OPTED_OUT], workers=1)
    parts = _parts(result.path)
    missing = [n for n in _screening_needles(master, OPTED_OUT) if not _found(parts, {n: "screening"})]
    assert missing == []
    assert {1.75, 1.25, "II"} <= _cell_values(result.path)
