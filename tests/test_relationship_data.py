"""One customer's relationship for its workbook: only its own rows, nothing out of bounds, the core's
figures. Also the fixture the other relationship tests build on: the generator fixture's master
with relationship tables for two of its three customers (typed by ``readiness.checks``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pandas as pd
import pytest
from generate_fixtures import build_master

from cvm_xl.generate.customer_book import CustomerBookWriter
from cvm_xl.generate.model import RunData
from cvm_xl.generate.relationship_data import RelationshipSlices
from cvm_xl.master.model import EXCEL_ROW, Master
from cvm_xl.master.readiness_checks import check_relationship
from cvm_xl.readiness import tables as rt
from cvm_xl.readiness.lifecycle import (
    LIFECYCLE_STAGES,
    checklist_for,
    current_stage,
    empty_lifecycle,
    stage_scores,
)
from cvm_xl.readiness.maturity import maturity_verdict, ratings_of
from cvm_xl.readiness.risks import heat_map, rate_risks

K, Z, M = "KAPPA-7", "ZED-41", "MUE/88"
D = dt.date
GENERATED = dt.datetime(2026, 3, 2, 9, 30)
SECRET = "Secret"  # every out-of-bounds text starts with it


def _table(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, dtype=object)
    frame.index = pd.RangeIndex(2, 2 + len(rows), name=EXCEL_ROW)
    return frame


def _rows(columns: tuple[str, ...], *rows: tuple) -> pd.DataFrame:
    return _table([dict(zip(columns, row, strict=True)) for row in rows])


def _lifecycle() -> pd.DataFrame:
    kappa = empty_lifecycle(K)
    awareness = kappa.index[kappa[rt.STAGE] == "Awareness"]
    kappa.loc[awareness[:5], rt.DONE] = "Yes"
    kappa.loc[awareness[5], rt.DONE] = "N/A"
    kappa.loc[awareness[6], rt.DONE] = "No"
    knowledge = kappa.index[kappa[rt.STAGE] == "Knowledge"]
    kappa.loc[knowledge[:2], rt.DONE] = "Yes"
    kappa.loc[knowledge[2], rt.DONE] = "N/A"
    kappa.loc[knowledge[3], rt.NOTE] = "Kappa note on skills"
    extra = pd.DataFrame(
        [{rt.CUSTOMER_ID: K, rt.STAGE: "Working together", rt.ITEM: "Kappa kick-off day", rt.DONE: "Yes"}]
    )
    zed = empty_lifecycle(Z)
    zed.loc[zed[rt.STAGE] == "Awareness", rt.DONE] = "Yes"
    zed.loc[zed[rt.STAGE] == "Exit strategy", rt.NOTE] = "Zedwick exit note"
    return _table(pd.concat([kappa, extra, zed], ignore_index=True).to_dict("records"))


def relationship_tables() -> dict[str, pd.DataFrame]:
    """Raw relationship tables: Kappa with a bit of everything, Zedwick with a little, Müller none."""
    cid, firm, oob = rt.CUSTOMER_ID, rt.FIRM, rt.OUT_OF_BOUNDS
    risk_columns = (rt.RISK_ID, cid, rt.RISK, rt.LIKELIHOOD, rt.IMPACT, rt.STATUS)
    issue_columns = (rt.ISSUE_ID, cid, rt.RAISED, rt.ISSUE, rt.ISSUE_CATEGORY, rt.RAISED_BY, rt.RESOLVED)
    return {
        rt.LIFECYCLE_SHEET: _lifecycle(),
        rt.MATURITY_SHEET: _rows(
            (cid, firm, *rt.DIMENSIONS),
            (K, "Supplier", "A", "B", "A"),
            (K, "Customer", "B", "C", "B"),
            (Z, "Supplier", "A", "A", "A"),
            (Z, "Customer", "D", "B", "B"),
        ),
        rt.OBJECTIVES_SHEET: _rows(
            (cid, firm, rt.OBJECTIVE, rt.MEASURE, rt.TARGET, rt.AGREED, oob),
            (K, "Mine", "Kappa: grow share of wallet", None, None, "Yes", None),
            (K, "Yours", "Kappa: cut inventory by a fifth", "Days of stock", "30", "No", None),
            (K, "Ours", f"{SECRET} pricing objective", None, None, None, "Yes"),
            (Z, "Joint", "Zedwick: faster rail approvals", None, None, None, None),
        ),
        rt.RISKS_SHEET: _rows(
            (*risk_columns, rt.OWNER_FIRM, rt.MITIGATION, oob),
            ("R1", K, "Kappa key engineer leaves", 4, 5, "Open", "Joint", "Kappa deputy named", None),
            ("R2", K, "Kappa forecast slips", 2, 2, "Mitigating", None, None, None),
            ("R3", K, "Kappa plant closure", 3, 4, "Closed", None, None, None),
            ("R4", K, "Kappa risk not scored yet", None, None, None, None, None, None),
            ("R5", K, f"{SECRET} competitor talks", 5, 5, None, None, None, "Yes"),
            ("R6", K, "Kappa second critical risk", 4, 5, None, None, None, None),
            ("R7", Z, "Zedwick rail strike", 1, 1, None, None, None, None),
        ),
        rt.EXITS_SHEET: _rows(
            (cid, rt.TRIGGER, rt.ACTION, rt.STATUS, rt.LAST_REVIEWED, oob),
            (K, "Kappa is sold to a competitor", "Kappa review in 30 days", None, D(2025, 10, 1), None),
            (K, "Kappa old trigger", "None", "Retired", None, None),
            (K, f"{SECRET} exit trigger", "x", None, None, "Yes"),
            (Z, "Zedwick loses the rail contract", "Zedwick talks", None, D(2026, 2, 1), None),
        ),
        rt.ISSUES_SHEET: _rows(
            (*issue_columns, rt.STATUS, rt.RESOLUTION, oob),
            ("I1", K, D(2026, 1, 5), "Kappa late invoices", "Commercial", "Customer", None, None, None, None),
            (
                "I2",
                K,
                D(2025, 11, 1),
                "Kappa coil damage",
                None,
                None,
                D(2025, 11, 20),
                "Resolved",
                "Kappa new packaging",
                None,
            ),
            ("I3", K, D(2026, 2, 1), f"{SECRET} rebate dispute", None, None, None, None, None, "Yes"),
            ("I4", Z, D(2026, 2, 20), "Zedwick axle rejects", None, None, None, None, None, None),
        ),
        rt.TOPICS_SHEET: _rows(
            (cid, rt.TOPIC, rt.DECLARED_BY),
            (K, f"{SECRET}: Kappa's talks with our competitors", "Supplier"),
            (None, f"{SECRET}: prices of other customers", "Supplier"),
        ),
    }


def relationship_master(tables: dict[str, pd.DataFrame] | None = None) -> Master:
    """The generator fixture with typed relationship tables (what ``load_master`` would give)."""
    master = build_master()
    found = relationship_tables() if tables is None else tables
    checked = check_relationship(found, file="fixture", customer_ids=master.customers[rt.CUSTOMER_ID])
    errors = [p for c in checked.values() for p in c.errors]
    assert errors == []
    return dataclasses.replace(master, relationship={name: c.table for name, c in checked.items()})


def customer_data(master: Master, customer_id: str, generated: dt.datetime = GENERATED):
    """One customer's ``CustomerData`` with its relationship attached, as ``RunData`` gives it once
    ``CustomerData`` carries the relationship."""
    run = RunData(master, generated)
    slices = RelationshipSlices(master.relationship, master.settings, run.generated.date())
    data = run.customer(customer_id)
    data.relationship = slices.customer(customer_id, data.customer)
    return data


def customer_book(master: Master, customer_id: str, generated: dt.datetime = GENERATED) -> bytes:
    data = customer_data(master, customer_id, generated)
    return CustomerBookWriter(master.settings).workbook_bytes(data)


# --- tests -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def master() -> Master:
    return relationship_master()


@pytest.fixture(scope="module")
def slices(master) -> RelationshipSlices:
    return RelationshipSlices(master.relationship, master.settings, GENERATED.date())


def _customer(master, cid):
    return master.customers.set_index(rt.CUSTOMER_ID).loc[cid].to_dict() | {rt.CUSTOMER_ID: cid}


def test_stage_scores_and_current_stage_are_the_cores(master, slices):
    for cid in (K, Z, M):
        rel = slices.customer(cid, _customer(master, cid))
        scores = stage_scores(checklist_for(master.relationship[rt.LIFECYCLE_SHEET], cid))
        assert [(s.stage, s.done, s.applicable, s.not_applicable) for s in rel.stages] == list(
            scores[["Stage", "Done", "Total", "Not applicable"]].itertuples(index=False, name=None)
        )
        assert rel.current_stage == current_stage(scores)
    kappa = slices.customer(K, _customer(master, K))
    # hand-worked: Awareness 5 done of 6 applicable (one N/A); Knowledge 2 of 8; the extra item counts
    assert [(s.done, s.applicable) for s in kappa.stages[:2]] == [(5, 6), (2, 8)]
    assert kappa.stages[4].applicable == 12 and kappa.stages[4].done == 1
    assert kappa.readiness == pytest.approx(8 / 59)
    assert kappa.current_stage == "Awareness"
    assert slices.customer(Z, _customer(master, Z)).current_stage == "Knowledge"


def test_maturity_verdicts_are_the_cores(master, slices):
    labels = {}
    for cid in (K, Z, M):
        rel = slices.customer(cid, _customer(master, cid))
        assert rel.maturity == maturity_verdict(ratings_of(master.relationship[rt.MATURITY_SHEET], cid))
        labels[cid] = rel.maturity.label
    assert labels == {K: "Ready: development needs", Z: "Not ready", M: "Not assessed"}


def test_only_the_customers_own_rows_and_nothing_out_of_bounds(master, slices):
    kappa = slices.customer(K, _customer(master, K))
    assert [r[rt.RISK_ID] for r in kappa.risks] == ["R1", "R2", "R3", "R4", "R6"]
    assert [r[rt.ISSUE_ID] for r in kappa.issues] == ["I1", "I2"]
    assert [r[rt.OBJECTIVE] for r in kappa.objectives] == [
        "Kappa: grow share of wallet",
        "Kappa: cut inventory by a fifth",
    ]
    assert [r[rt.TRIGGER] for r in kappa.exits] == ["Kappa is sold to a competitor", "Kappa old trigger"]
    texts = " ".join(str(v) for rows in (kappa.risks, kappa.issues, kappa.objectives, kappa.exits)
                     for row in rows for v in row.values())  # fmt: skip
    assert SECRET not in texts and "Zedwick" not in texts
    assert all(rt.OUT_OF_BOUNDS not in row for row in kappa.risks)


def test_risks_are_rated_and_registers_flagged_as_of_the_date(master, slices):
    kappa = slices.customer(K, _customer(master, K))
    rated = rate_risks(master.relationship[rt.RISKS_SHEET]).set_index(rt.RISK_ID)
    for risk in kappa.risks:
        expected = rated.loc[risk[rt.RISK_ID], rt.RATING]
        assert (math.isnan(risk[rt.RATING]) and math.isnan(expected)) or risk[rt.RATING] == expected
        assert risk[rt.RISK_LEVEL] == rated.loc[risk[rt.RISK_ID], rt.RISK_LEVEL]
    assert [r[rt.RISK_LEVEL] for r in kappa.risks] == ["Critical", "Low", "High", None, "Critical"]
    # reviewed 2025-10-01: due three months later, so due on 2026-03-02; the retired one never is
    assert [r[rt.REVIEW_DUE] for r in kappa.exits] == ["Yes", "No"]
    # raised 2026-01-05 with no due date: due 30 days later, overdue on 2026-03-02, open 56 days
    assert [(r[rt.DAYS_OPEN], r[rt.OVERDUE]) for r in kappa.issues] == [(56.0, "Yes"), (19.0, "No")]
    own = master.relationship[rt.RISKS_SHEET]
    visible = own[(own[rt.CUSTOMER_ID] == K) & ~own[rt.OUT_OF_BOUNDS].astype(bool)]
    assert int(heat_map(visible).to_numpy().sum()) == 3  # R1, R2 and R6; R3 is closed, R4 unscored


def test_screening_lines_follow_the_settings(master):
    strict = dataclasses.replace(master, settings=master.settings.replace(screening_min_culture=4.5))
    rel = RelationshipSlices({}, strict.settings, GENERATED.date()).customer(K, _customer(master, K))
    assert [(line.label, line.met) for line in rel.screening] == [
        ("Industry quartile", True),
        ("Long-term culture", False),
        ("Excellence phase", True),
        ("Co-destiny", True),
    ]
    assert not rel.eligible and rel.reasons == "Long-term culture 4 is below 4.5"
    assert rel.screening[1].needed == "4.5 or more (of 5)"


def test_a_master_without_relationship_sheets_gives_the_empty_checklist(master):
    rel = RelationshipSlices({}, master.settings, GENERATED.date()).customer(M, _customer(master, M))
    assert len(rel.checklist) == sum(len(s.items) for s in LIFECYCLE_STAGES)
    assert all(item[rt.DONE] is None for item in rel.checklist)
    assert rel.current_stage == "Awareness" and rel.readiness == 0.0
    assert rel.maturity.label == "Not assessed"
    assert rel.risks == rel.issues == rel.exits == rel.objectives == []
