"""The consolidated sign-off: sheets, one Detail row per idea, fingerprints, no out-of-bounds ideas."""

from __future__ import annotations

import openpyxl
import pytest
from generate_fixtures import build_master

from cvm_xl.core import columns as col
from cvm_xl.core.fingerprint import fingerprint
from cvm_xl.core.selection import select_for_sign_off
from cvm_xl.generate import signoff_workbook_bytes


@pytest.fixture(scope="module")
def master():
    return build_master()


@pytest.fixture(scope="module")
def wb(master, tmp_path_factory):
    path = tmp_path_factory.mktemp("signoff") / "signoff.xlsx"
    path.write_bytes(signoff_workbook_bytes(master))
    return openpyxl.load_workbook(path)


def test_sheets(wb):
    mine = ["Summary", "By cell", "By verdict", "By category", "By status", "Detail", "Settings"]
    assert [name for name in wb.sheetnames if name in mine] == mine  # other issues may add sheets


def test_detail_has_one_row_per_visible_idea_with_the_customer_id_on_every_row(wb, master):
    ws = wb["Detail"]
    heads = {c.value: c.column for c in ws[3]}
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    visible = master.ideas.loc[~master.ideas[col.OUT_OF_BOUNDS]]
    assert [r[heads[col.IDEA_ID] - 1] for r in rows] == visible[col.IDEA_ID].tolist()
    assert [r[heads[col.CUSTOMER_ID] - 1] for r in rows] == visible[col.CUSTOMER_ID].tolist()
    assert ws.tables["DetailTable"].ref.endswith(str(3 + len(visible)))
    assert all(r[heads["Customer"] - 1] for r in rows)


def test_summary_lists_every_customer_with_its_sign_off_fingerprint(wb, master):
    ws = wb["Summary"]
    heads = {c.value: c.column for c in ws[4]}
    rows = {ws.cell(r, 1).value: r for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value}
    assert list(rows) == [*master.customers[col.CUSTOMER_ID], "Total"]
    ev = master.evaluated.loc[~master.evaluated[col.OUT_OF_BOUNDS]]
    for cid in master.customers[col.CUSTOMER_ID]:
        selected = select_for_sign_off(ev.loc[ev[col.CUSTOMER_ID] == cid], master.settings).ideas
        assert ws.cell(rows[cid], heads["Sign-off fingerprint"]).value == fingerprint(
            selected, master.settings
        )
    total = ws.cell(rows["Total"], heads["Ideas"]).value
    assert total.startswith("=SUM(")


def test_per_customer_figures_are_formulas_over_detail(wb):
    ws = wb["By cell"]
    formula = ws.cell(5, 4).value
    assert formula.startswith("=COUNTIFS(Detail!") and "$A5" in formula
    odd = wb["Summary"].cell(7, 3).value  # MUE/88: no wildcard characters, plain reference
    assert "$A7" in odd


def test_wildcards_in_a_customer_id_are_matched_literally():
    from cvm_xl.generate.sheets.consolidated import customer_criterion

    assert customer_criterion("C-1", 5) == "$A5"
    assert customer_criterion("C*1?", 5) == '"=C~*1~?"'
    assert customer_criterion("<A", 5) == '"=<A"'
