"""One customer's relationship for its workbook: only its own rows, nothing out of bounds, the core's
figures. Also the fixture the other relationship tests build on: the generator fixture's master
with relationship tables for two of its three customers (typed by ``master.readiness_checks``)."""

from __future__ import annotations

import dataclasses
import math

import pytest
from relationship_fixtures import (
    GENERATED,
    SECRET,
    K,
    M,
    Z,
    relationship_master,
)

from cvm_xl.generate.relationship_data import RelationshipSlices
from cvm_xl.master.model import Master
from cvm_xl.readiness import tables as rt
from cvm_xl.readiness.lifecycle import (
    LIFECYCLE_STAGES,
    checklist_for,
    current_stage,
    stage_scores,
)
from cvm_xl.readiness.maturity import maturity_verdict, ratings_of
from cvm_xl.readiness.risks import heat_map, rate_risks

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
