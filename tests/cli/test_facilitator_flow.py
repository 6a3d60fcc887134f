"""The facilitator's flow end to end from the command line, on the bundled sample (issue 7):

demo master -> synthesize -> quantify a new mother idea -> validate -> select (refused: no owner)
-> complete owner and dates -> select --apply -> sign-off -> signed, first month tracked
-> generate (Wave plan and Monthly report in the customer workbook) -> wave and track (master sheets).

Edits between the commands are made with ``update_master``, as a facilitator would type them in
Excel: cells of the master's tables, by header.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pytest

from cvm_xl.cli import main
from cvm_xl.core import columns as col
from cvm_xl.core.selection import select_for_sign_off
from cvm_xl.core.value_contract import contract_parts
from cvm_xl.core.wave import wave_plan
from cvm_xl.generate.sheets import tracking_report as T
from cvm_xl.generate.sheets import wave_plan as W
from cvm_xl.master.read import load_master
from cvm_xl.master.update import CellChange, update_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables
from cvm_xl.workshop.synthesis import MOTHER_ID

CUSTOMER = "C-AUT"


def _words(text: str) -> str:
    return " ".join(text.split())


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, _words(captured.out + captured.err)


def _row(master_path: Path, idea_id: str) -> int:
    ideas = load_master(master_path).ideas
    return int(ideas.index[ideas[col.IDEA_ID] == idea_id][0])


def _day(value: object) -> object:
    return value.date() if isinstance(value, dt.datetime) else value


def _customer_report(master) -> T.MonthlyReport:
    """What the customer workbook's Monthly report shows: the customer's visible ideas only."""
    ev = master.evaluated
    ev = ev.loc[~ev[col.OUT_OF_BOUNDS].astype(bool) & (ev[col.CUSTOMER_ID] == CUSTOMER)]
    customer = master.customers.set_index(col.CUSTOMER_ID).loc[CUSTOMER].to_dict() | {
        col.CUSTOMER_ID: CUSTOMER
    }
    ideas = {name: ev[name].tolist() for name in T.IDEA_FIELDS}
    tracking = {name: master.tracking[name].tolist() for name in T.TRACKING_FIELDS}
    window = T.chart_months(master.settings)
    # issue 14: the value contract's transfers and investments, of the ideas the workbook shows
    parts = contract_parts(master.customers, ev, master.tracking, master.settings).get(CUSTOMER, T.NO_PARTS)
    return T.relationship_report(customer, ideas, tracking, master.settings.horizon_years, window, parts)


def test_facilitator_flow_from_raw_ideas_to_tracking(tmp_path: Path, capsys) -> None:
    # 1. The sample master, as `cvm-xl demo` writes it.
    code, _ = _run(capsys, "demo", "--out", str(tmp_path / "demo"))
    assert code == 0
    master = tmp_path / "demo" / "cvm_master.xlsx"
    before = load_master(master)

    # 2. Live synthesis of the workshop's raw ideas.
    code, out = _run(capsys, "synthesize", str(master))
    assert code == 0 and "new" in out and "Singletons" in out
    synthesised = load_master(master)
    drafts = synthesised.ideas.iloc[len(before.ideas) :]
    assert len(drafts) > 0 and set(drafts[col.STATUS]) == {"Proposed"}
    new_idea = drafts.loc[drafts[col.CUSTOMER_ID] == CUSTOMER, col.IDEA_ID].iloc[0]
    raw = synthesised.workshop.loc[synthesised.workshop[MOTHER_ID] == new_idea, "Raw ID"]
    assert len(raw) >= 2  # a group, not a singleton
    code, out = _run(capsys, "synthesize", str(master))
    assert code == 0 and "Nothing to change" in out

    # 3. The facilitator quantifies the new mother idea: both firms win, so it is a Go ...
    row = _row(master, new_idea)
    update_master(
        master,
        [
            CellChange("Ideas", row, col.CATEGORY, "Operational"),
            CellChange("Ideas", row, col.SUPPLIER_ANNUAL, 24000),
            CellChange("Ideas", row, col.CUSTOMER_ANNUAL, 36000),
            CellChange("Ideas", row, col.STATUS, "Evaluated"),
        ],
    )
    code, out = _run(capsys, "validate", str(master))
    assert code == 0 and "can be used" in out
    evaluated = load_master(master).evaluated.set_index(col.IDEA_ID)
    assert evaluated.loc[new_idea, col.VERDICT_CODE] == "GO_PRIORITY"

    # 4. ... but without owner and dates it cannot be selected for sign-off: the cell is named.
    code, out = _run(capsys, "select", str(master), "--customer", CUSTOMER)
    assert code == 0
    letters = {cell.value: cell.column_letter for cell in openpyxl.load_workbook(master)["Ideas"][1]}
    assert f"Ideas!{letters[col.OWNER_FIRM]}{row}" in out and "cannot be signed off" in out
    assert "Run again with --apply" in out

    # 5. Owner and dates completed; the selection is applied.
    update_master(
        master,
        [
            CellChange("Ideas", row, col.OWNER_FIRM, "Joint"),
            CellChange("Ideas", row, col.OWNER, "Maren Olsen"),
            CellChange("Ideas", row, col.START, dt.date(2026, 5, 4)),
            CellChange("Ideas", row, col.END, dt.date(2026, 9, 30)),
        ],
    )
    ready = load_master(master)
    # as decided: the chain idea AUT-24 (a Go as a dyad) is shelved by its chain, never selected (issue 16)
    selection = select_for_sign_off(ready.decided, ready.settings)
    expected = selection.ideas
    assert new_idea in set(expected[col.IDEA_ID])
    # The new idea is no longer refused; the one refusal left is the sample's FUR-09, a Go idea kept
    # without owner and dates on purpose (issue 14: `cvm-xl balance` bundles it with the shelved FUR-08).
    assert [p.row for p in selection.refused] == [_row(master, "FUR-09")]
    assert "FUR-09" not in set(expected[col.IDEA_ID])
    code, out = _run(capsys, "select", str(master), "--apply")
    assert code == 0 and "marked Selected" in out
    applied = load_master(master).ideas.set_index(col.IDEA_ID)[col.STATUS]
    old = ready.ideas.set_index(col.IDEA_ID)[col.STATUS]
    for idea_id, status in old.items():
        chosen = idea_id in set(expected[col.IDEA_ID])
        if chosen and (status or "") in ("Proposed", "Evaluated", ""):
            assert applied[idea_id] == "Selected", idea_id
        else:
            assert applied[idea_id] == status, idea_id  # never downgraded, nothing else touched
    assert applied[new_idea] == "Selected"
    digest = _digest(master)
    code, out = _run(capsys, "select", str(master), "--apply")
    assert code == 0 and "Nothing to change" in out and _digest(master) == digest

    # 6. Sign-off sheet, signature, and the first month of tracking.
    code, _ = _run(capsys, "signoff", str(master), "--out", str(tmp_path / "signoff.xlsx"))
    assert code == 0
    update_master(
        master,
        [CellChange("Ideas", row, col.STATUS, "Signed off")],
        {"Tracking": [{col.IDEA_ID: new_idea, "Month": dt.date(2026, 5, 1), "Supplier realised": 1500,
                       "Customer realised": 2200, "Note": "First deliveries on the new schedule"}]},
    )  # fmt: skip
    signed = load_master(master)

    # 7. The customer workbook carries the wave plan and the monthly report.
    books = tmp_path / "books"
    code, _ = _run(capsys, "generate", str(master), "--out", str(books), "--customer", CUSTOMER)
    assert code == 0
    (book,) = books.glob("*.xlsx")
    wb = openpyxl.load_workbook(book, data_only=True)
    kickoff = signed.customers.set_index(col.CUSTOMER_ID).loc[CUSTOMER, "Wave start"]
    ws = wb[W.SHEET]
    # C-AUT has two waves (issue 14): wave 1's block (its Wave start) is the first block before wave 2
    # kicks off on 2026-10-05 and the second after; its reviews run until wave 2's first review, so its
    # last quarterly review is the second.
    plan = {item.name: item for item in wave_plan(kickoff, W.REVIEW_MONTHS)}
    start = next(
        r for r in range(W.KICKOFF_ROW, ws.max_row + 1)
        if ws.cell(r, 1).value == "Kick-off (week 0)" and _day(ws.cell(r, 4).value) == kickoff
    )  # fmt: skip
    header = next(r for r in range(start, ws.max_row + 1) if ws.cell(r, 1).value == "Item")
    block = range(header + 3, next(r for r in range(header + 3, ws.max_row + 2) if not ws.cell(r, 1).value))
    rows = {ws.cell(r, 1).value: r for r in block}
    assert kickoff == dt.date(2026, 1, 12)
    assert "Quarterly review 3" not in rows  # planned after 2026-11-06: wave 2's plan holds then
    for name in ("Joint idea workshop", "Sign-off", "Quarterly review 2"):
        assert _day(ws.cell(rows[name], 4).value) == plan[name].start
    assert _day(ws.cell(rows["Joint idea workshop"], 4).value) == dt.date(2026, 2, 11)

    ws = wb[T.SHEET]
    report = _customer_report(signed)
    months = {_day(ws.cell(r, 1).value): r for r in range(T.FIRST_ROW, T.FIRST_ROW + len(report.months))}
    may = report.months.set_index(T.MONTH).loc[dt.date(2026, 5, 1)]
    columns = {name: c for c, name in enumerate(T.MONTH_TABLE, start=1)}
    for name in (T.CUSTOMER_PLANNED, T.CUSTOMER_REALISED, T.CUMULATIVE[T.CUSTOMER_PLANNED]):
        assert ws.cell(months[dt.date(2026, 5, 1)], columns[name]).value == pytest.approx(may[name])
    # Against the sample before the flow: the new idea's plan (36,000 a year from May) and its
    # first tracked month are added to May.
    baseline = _customer_report(before)
    old_may = baseline.months.set_index(T.MONTH).loc[dt.date(2026, 5, 1)]
    assert may[T.CUSTOMER_PLANNED] == pytest.approx(old_may[T.CUSTOMER_PLANNED] + 36000 / 12)
    assert may[T.CUSTOMER_REALISED] == pytest.approx(old_may[T.CUSTOMER_REALISED] + 2200)
    assert _day(ws[T.REPORTED_CELL.replace("$", "")].value) == dt.date(2026, 10, 31)
    year1 = ws.cell(T.FIRST_ROW, T.CONTRACT_COL + 5).value
    assert year1 == pytest.approx(report.contract.iloc[0]["Delivered"])
    assert new_idea in {wb["Sign-off"].cell(r, 2).value for r in range(6, 30)}

    # 8. The master gets the wave plans and the monthly report; its tables are unchanged.
    code, out = _run(capsys, "wave", str(master))
    assert code == 0 and "Wrote the Wave plan sheet" in out
    code, out = _run(capsys, "track", str(master), "--customer", CUSTOMER)
    assert code == 0 and "Wrote the Monthly report sheet" in out and "Reported up to 2026-10-31" in out
    final = load_master(master)
    for name in ("customers", "workshop", "ideas", "tracking"):
        assert getattr(final, name).equals(getattr(signed, name)), name
    sheets = openpyxl.load_workbook(master).sheetnames
    assert sheets.index("Monthly report") == sheets.index("Wave plan") + 1 == sheets.index("Tracking") + 2
    code, out = _run(capsys, "validate", str(master))
    assert code == 0


def test_select_caps_ranks_and_never_downgrades(tmp_path: Path, capsys) -> None:
    master = tmp_path / "master.xlsx"
    write_master(master, sample_settings().replace(max_sign_off_ideas=2), sample_tables())
    before = load_master(master).ideas.set_index(col.IDEA_ID)[col.STATUS]
    code, out = _run(capsys, "select", str(master), "--apply")
    assert code == 0
    after = load_master(master).ideas.set_index(col.IDEA_ID)[col.STATUS]
    changed = {i: (before[i], after[i]) for i in before.index if before[i] != after[i]}
    # Per customer and wave the two best Go ideas; only Proposed or Evaluated ones move to Selected.
    assert changed == {
        # C-AUT's wave 2 has its own list of two (issue 14): the certificates idea (Go priority,
        # Feasibility 5, Hygiene) first, then the consignment stock; wave 1's two are further along.
        "AUT-20": ("Evaluated", "Selected"),
        "AUT-18": ("Evaluated", "Selected"),
        "FUR-01": ("Evaluated", "Selected"),
        "FUR-02": ("Proposed", "Selected"),
    }
    assert "Over the limit of 2" in out and "FUR-04" in out
    assert "Selected but no longer in the selection: APP-06" in out  # reported, left as it is
    assert after["APP-06"] == "Selected"
    code, out = _run(capsys, "select", str(master), "--customer", "C-NOPE")
    assert code == 2 and "unknown customer ID C-NOPE" in out
