"""Reviews in the generated workbooks (issue 14, ``core.reviews``), worked on the sample as of fixed dates:
the Wave plan sheet shows each planned review Held (with the review's ID and date), Due or Overdue; the
Relationship sheet lists the reviews held with their decisions; the consolidated sign-off's Next reviews
sheet gives each customer's next review and last review held.

These worked examples are those of a customer with ONE wave: the master here is the sample without
C-AUT's wave 2 (its Waves row, and the Wave of its wave-2 ideas and raw ideas), so C-AUT's plan is
the one of its Wave start, exactly as before waves existed. The sample's two waves are worked in
tests/generate/test_wave_blocks.py."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from cvm_xl.core.reviews import DUE, HELD, OVERDUE
from cvm_xl.core.wave import wave_plan
from cvm_xl.generate import customer_workbook_bytes
from cvm_xl.generate.sheets import next_reviews as N
from cvm_xl.generate.sheets import relationship as R
from cvm_xl.generate.sheets import wave_plan as W
from cvm_xl.generate.signoff_book import signoff_workbook_bytes
from cvm_xl.master.model import Master
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables

D = dt.date
GENERATED = dt.datetime(2026, 12, 1, 9, 0)
AS_OF = D(2026, 12, 1)
AUT_KICKOFF = D(2026, 1, 12)


def one_wave_tables() -> dict:
    """The sample with C-AUT's wave 1 alone: no wave-2 row, its wave-2 rows' Wave left blank."""
    tables = sample_tables()
    waves = tables["Waves"]
    tables["Waves"] = waves[waves["Wave"] != 2].reset_index(drop=True)
    for name in ("Ideas", "Workshop"):
        frame = tables[name]
        frame.loc[frame["Wave"] == 2, "Wave"] = None
    return tables


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Master:
    path = tmp_path_factory.mktemp("reviews") / "master.xlsx"
    write_master(path, sample_settings(), one_wave_tables())
    return load_master(path)


def _book(master: Master, cid: str, as_of: dt.date = AS_OF) -> openpyxl.Workbook:
    data = customer_workbook_bytes(master, cid, GENERATED, as_of)
    return openpyxl.load_workbook(io.BytesIO(data), data_only=True)


def _review_rows(ws) -> dict[tuple[str, dt.date], tuple[object, object]]:
    """(item, start) -> (Review status, Held review) of every row of the plan."""
    out = {}
    for r in range(W.FIRST_ROW, ws.max_row + 1):
        name, start = ws.cell(r, 1).value, ws.cell(r, W.START_COL).value
        if name:
            day = start.date() if isinstance(start, dt.datetime) else None
            out[(name, day)] = (ws.cell(r, W.review_col()).value, ws.cell(r, W.review_col() + 1).value)
    return out


# The sample's C-AUT reviews (reviews.csv) against its plan (kick-off Monday 2026-01-12), worked by hand:
# every review is held within its window up to October; the November report (2026-11-12) has no review
# and its ±14-day window closed on 2026-11-26, so as of 2026-12-01 it is overdue; December's is due.
AUT_EXPECTED = {
    ("Top-management review", D(2026, 2, 13)): (HELD, "R-AUT-01 on 2026-02-13"),
    ("Top-management review", D(2026, 3, 13)): (HELD, "R-AUT-02 on 2026-03-13"),
    ("Top-management review", D(2026, 4, 10)): (HELD, "R-AUT-03 on 2026-04-10"),  # the Wave review
    ("Monthly report 1", D(2026, 5, 12)): (HELD, "R-AUT-04 on 2026-05-12"),
    ("Monthly report 2", D(2026, 6, 12)): (HELD, "R-AUT-05 on 2026-06-15"),  # 3 days late: within ±14
    ("Monthly report 3", D(2026, 7, 10)): (HELD, "R-AUT-06 on 2026-07-10"),  # a quarterly review serves
    ("Quarterly review 1", D(2026, 7, 10)): (HELD, "R-AUT-06 on 2026-07-10"),  # as that month's report
    ("Monthly report 4", D(2026, 8, 12)): (HELD, "R-AUT-07 on 2026-08-12"),
    ("Monthly report 5", D(2026, 9, 11)): (HELD, "R-AUT-08 on 2026-09-11"),
    ("Monthly report 6", D(2026, 10, 12)): (HELD, "R-AUT-09 on 2026-10-13"),
    ("Quarterly review 2", D(2026, 10, 12)): (HELD, "R-AUT-09 on 2026-10-13"),
    ("Monthly report 7", D(2026, 11, 12)): (OVERDUE, None),
    ("Monthly report 8", D(2026, 12, 11)): (DUE, None),
}


def test_wave_plan_shows_each_planned_review_held_due_or_overdue(master: Master) -> None:
    ws = _book(master, "C-AUT")["Wave plan"]
    assert [ws.cell(W.HEADER_ROW, W.review_col() + k).value for k in range(2)] == list(W.REVIEW_COLUMNS)
    rows = _review_rows(ws)
    assert len(rows) == len(wave_plan(AUT_KICKOFF, W.REVIEW_MONTHS))
    for key, expected in AUT_EXPECTED.items():
        assert rows[key] == expected, key
    reports = {k: v for k, v in rows.items() if k[0].startswith(("Monthly", "Quarterly"))}
    later = {k: v for k, v in reports.items() if k[1] > D(2026, 12, 31)}
    assert later and set(later.values()) == {(DUE, None)}
    # phases and milestones have no review status
    assert rows[("Idea generation", D(2026, 2, 9))] == (None, None)
    assert rows[("Sign-off", D(2026, 3, 13))] == (None, None)
    next_line, last_line = (
        ws.cell(W.KICKOFF_ROW, W.SUMMARY_COL).value,
        ws.cell(W.END_ROW, W.SUMMARY_COL).value,
    )
    assert next_line == "Reviews as of 2026-12-01: next Monthly report 7 (Monthly) on 2026-11-12, Overdue."
    assert last_line == (
        "Last review held: R-AUT-09 on 2026-10-13 (Quarterly): Crane commissioning late: escalated to "
        "Orvane's operations director"
    )


def test_the_status_follows_the_as_of_date(master: Master) -> None:
    # On 2026-11-20 the November report's window is still open: due, not overdue.
    rows = _review_rows(_book(master, "C-AUT", D(2026, 11, 20))["Wave plan"])
    assert rows[("Monthly report 7", D(2026, 11, 12))] == (DUE, None)
    # On 2026-06-01 the June review (held on 2026-06-15) lies ahead: the report is due, not held.
    early = _review_rows(_book(master, "C-AUT", D(2026, 6, 1))["Wave plan"])
    assert early[("Monthly report 2", D(2026, 6, 12))] == (DUE, None)
    assert early[("Monthly report 1", D(2026, 5, 12))] == (HELD, "R-AUT-04 on 2026-05-12")


def test_a_customer_without_reviews(master: Master) -> None:
    ws = _book(master, "C-APP")["Wave plan"]  # kick-off 2026-05-04, no review recorded
    rows = _review_rows(ws)
    statuses = [status for status, _ in rows.values() if status]
    assert statuses and HELD not in statuses and OVERDUE in statuses
    assert ws.cell(W.END_ROW, W.SUMMARY_COL).value.startswith("Last review held: none yet")


def test_relationship_sheet_lists_the_reviews_held_with_their_decisions(master: Master) -> None:
    ws = _book(master, "C-AUT", D(2026, 7, 31))["Relationship"]
    c = R.REVIEWS.columns
    assert ws.cell(R.REVIEWS.top, 1).value == "Management reviews held and their decisions (as of 2026-07-31)"
    rows = [
        (ws[f"{c['Review ID']}{r}"].value, ws[f"{c['Decisions']}{r}"].value)
        for r in range(R.REVIEWS.first, R.REVIEWS.last + 1)
        if not ws.row_dimensions[r].hidden
    ]
    # the six held by 2026-07-31, in the table's order; the later three are not held yet
    assert [review for review, _ in rows] == [f"R-AUT-0{i}" for i in range(1, 7)]
    assert rows[5][1] == "Crane approved by Orvane's board; coil-rejection target confirmed at 6 per 1000"
    assert ws[f"{c['Date']}{R.REVIEWS.first}"].value == dt.datetime(2026, 2, 13)
    assert ws[f"{c['Kind']}{R.REVIEWS.first + 2}"].value == "Wave review"
    empty = _book(master, "C-FUR")["Relationship"]
    assert empty.cell(R.REVIEWS.first, 2).value == "No review held yet."
    assert empty.cell(R.CHECKLIST.top, 1).value.startswith("Life-cycle checklist")


def test_next_reviews_sheet_of_the_consolidated_sign_off(master: Master, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(signoff_workbook_bytes(master, GENERATED, AS_OF)))
    assert wb.sheetnames.index(N.NAME) == wb.sheetnames.index("Escalations") + 1
    ws = wb[N.NAME]
    assert ws.cell(1, 1).value == "Next reviews as of 2026-12-01"
    assert ws.cell(2, 1).value.startswith("4 customers with an overdue review as of 2026-12-01.")
    header = [ws.cell(3, c).value for c in range(1, len(N.COLUMN_NAMES) + 1)]
    assert header == list(N.COLUMN_NAMES)
    rows = {row[0]: row for row in ws.iter_rows(min_row=4, max_row=ws.max_row, values_only=True) if row[0]}
    assert list(rows) == ["C-AUT", "C-WHL", "C-APP", "C-FUR"]  # the Customers table's order
    day = dt.datetime
    # after Wave start: the Wave whose plan holds the next review (1: each customer has one wave here)
    assert rows["C-AUT"][3:] == (
        1, "Monthly report 7", "Monthly", day(2026, 11, 12), OVERDUE, "R-AUT-09", day(2026, 10, 13),
        "Quarterly", "Crane commissioning late: escalated to Orvane's operations director",
    )  # fmt: skip
    # C-WHL (kick-off 2026-03-02) held its week-4 and wave reviews; the week-8 one (2026-05-01) never
    assert rows["C-WHL"][4:9] == ("Top-management review", "Monthly", day(2026, 5, 1), OVERDUE, "R-WHL-02")
    assert rows["C-APP"][8:] == (None, None, None, None)  # no review held
    assert list(ws.tables) == [N.TABLE] and ws.tables[N.TABLE].ref == "A3:L7"


def test_next_reviews_table_for_a_customer_without_wave_start(master: Master) -> None:
    customers = master.customers.copy()
    customers.loc[customers["Customer ID"] == "C-AUT", "Wave start"] = None
    table = N.next_reviews_table(customers, master.relationship, AS_OF).set_index("Customer ID")
    # no plan, so no next review; the last review held is still shown
    assert table.loc["C-AUT", N.NEXT] is None and table.loc["C-AUT", N.STATUS] is None
    assert table.loc["C-AUT", N.LAST] == "R-AUT-09"
    assert N.summary(table.reset_index().iloc[0:0], AS_OF).startswith("No review overdue as of 2026-12-01.")
