"""The BS 11000 checklist is one declaration (SPEC §3.9): an item added to ``LIFECYCLE_STAGES`` shows
in a new master's Life cycle rows, in the stage scores, and in a customer workbook's Relationship
sheet (its checklist rows, its stage counts and their formulas), with no other change."""

from __future__ import annotations

import io

import openpyxl
import pytest
from relationship_fixtures import (
    GENERATED,
    K,
    M,
    customer_book,
    customer_data,
    relationship_master,
)

from cvm_xl.generate.sheets import relationship as R
from cvm_xl.master.read import load_master
from cvm_xl.master.write import relationship_templates, write_master
from cvm_xl.readiness import lifecycle
from cvm_xl.readiness import tables as rt
from cvm_xl.readiness.lifecycle import checklist_for, current_stage, stage_scores
from cvm_xl.sample import sample_settings, sample_tables

STAGE = "Value creation"
NEW = "Joint value charter"
DECLARED = {s.name: len(s.items) for s in lifecycle.LIFECYCLE_STAGES}  # before any change


@pytest.fixture
def master_before():
    """A master whose Life cycle rows were written before the item existed."""
    return relationship_master()


@pytest.fixture
def added(monkeypatch) -> None:
    """The declaration with one more item at the end of the Value creation stage."""
    grown = tuple(
        s._replace(items=(*s.items, NEW)) if s.name == STAGE else s for s in lifecycle.LIFECYCLE_STAGES
    )
    monkeypatch.setattr(lifecycle, "LIFECYCLE_STAGES", grown)


def test_a_new_master_lists_the_item_for_every_customer(added, tmp_path) -> None:
    tables = sample_tables()
    ids = tables["Customers"][rt.CUSTOMER_ID].tolist()
    rows = relationship_templates(tables["Customers"])[rt.LIFECYCLE_SHEET]
    assert (rows[rt.ITEM] == NEW).sum() == len(ids)
    path = tmp_path / "master.xlsx"
    write_master(path, sample_settings(), tables)
    life = load_master(path).relationship[rt.LIFECYCLE_SHEET]
    assert len(life) == len(ids) * (sum(DECLARED.values()) + 1)
    for cid in ids:
        stage = life[(life[rt.CUSTOMER_ID] == cid) & (life[rt.STAGE] == STAGE)]
        assert stage[rt.ITEM].tolist()[-1] == NEW  # last of its stage, in the declared order


def test_the_item_counts_in_the_scores(added) -> None:
    checklist = checklist_for(None, "C1")
    assert checklist[rt.ITEM].tolist().index(NEW) == sum(
        n for name, n in DECLARED.items() if rt.STAGES.index(name) <= rt.STAGES.index(STAGE)
    )
    checklist.loc[checklist[rt.STAGE] != STAGE, rt.DONE] = "Yes"
    checklist.loc[(checklist[rt.STAGE] == STAGE) & (checklist[rt.ITEM] != NEW), rt.DONE] = "Yes"
    scores = stage_scores(checklist).set_index(rt.STAGE)
    assert scores.loc[STAGE, "Total"] == DECLARED[STAGE] + 1
    assert scores.loc[STAGE, "Done"] == DECLARED[STAGE]
    assert current_stage(scores.reset_index()) == STAGE  # only the new item is open


@pytest.mark.parametrize("cid", [K, M])  # Kappa has Life cycle rows (without the item), Müller none
def test_the_customer_workbook_shows_the_item(master_before, added, cid) -> None:
    rel = customer_data(master_before, cid, GENERATED).relationship
    items = [(row[rt.STAGE], row[rt.ITEM], row[rt.DONE]) for row in rel.checklist]
    assert (STAGE, NEW, None) in items  # missing from the master's rows: shown as not done
    line = next(s for s in rel.stages if s.stage == STAGE)
    assert line.applicable == DECLARED[STAGE] + 1
    ws = openpyxl.load_workbook(io.BytesIO(customer_book(master_before, cid)))[R.NAME]
    shown = [ws[f"B{r}"].value for r in range(R.CHECKLIST.first, R.CHECKLIST.last + 1)]
    assert NEW in shown
    row = R.STAGE_FIRST + rt.STAGES.index(STAGE)
    assert ws[f"A{row}"].value == STAGE
    cached = openpyxl.load_workbook(io.BytesIO(customer_book(master_before, cid)), data_only=True)[R.NAME]
    assert cached[f"D{row}"].value == DECLARED[STAGE] + 1
    assert ws[f"D{row}"].value.startswith("=COUNTIFS(")  # the sheet counts whatever rows it holds
