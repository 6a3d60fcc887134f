"""The eight BS 11000 stages, their checklists and completion scores (SPEC §3.9)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cvm_xl.readiness import tables
from cvm_xl.readiness.lifecycle import (
    ALL_DONE,
    LIFECYCLE_STAGES,
    Entry,
    checklist_for,
    checklist_rows,
    checklist_scores,
    completion_formula,
    current_stage,
    current_stage_formula,
    done_text,
    empty_lifecycle,
    overall_readiness,
    overall_score,
    parse_done,
    read_entries,
    stage_count_formulas,
    stage_scores,
)


def test_the_eight_stages_in_order_with_the_method_s_item_counts() -> None:
    assert (
        tuple(s.name for s in LIFECYCLE_STAGES)
        == tables.STAGES
        == (
            "Awareness",
            "Knowledge",
            "Internal assessment",
            "Partner selection",
            "Working together",
            "Value creation",
            "Staying together",
            "Exit strategy",
        )
    )
    assert [len(s.items) for s in LIFECYCLE_STAGES] == [7, 9, 7, 5, 11, 6, 8, 7]


def test_items_are_quoted_from_the_method() -> None:
    items = {s.name: s.items for s in LIFECYCLE_STAGES}
    assert items["Awareness"][0] == "Executive sponsorship & policy"
    assert items["Knowledge"][-1] == "Business continuity & CSR"
    assert items["Partner selection"] == (
        "Identify collaborative partners",
        "Partner selection process",
        "Establish common objectives",
        "Negotiation strategy",
        "Select partner",
    )
    assert items["Working together"][-1] == "Joint relationship management plan"
    assert "Issue resolution" in items["Staying together"]
    assert items["Exit strategy"] == (
        "Maintain joint exit strategy",
        "Establish boundaries",
        "Monitor & evaluate changes",
        "Establish triggers",
        "Business continuity",
        "Transition",
        "Future opportunities",
    )
    assert LIFECYCLE_STAGES[0].question == "Is the organisation ready"


def test_items_are_unique_within_a_stage() -> None:
    for stage in LIFECYCLE_STAGES:
        assert len({i.casefold() for i in stage.items}) == len(stage.items)


@pytest.mark.parametrize(
    ("cell", "done"),
    [
        ("Yes", True), ("y", True), (True, True), (1, True), (1.0, True),
        ("No", False), ("n", False), (False, False), (0, False),
        (None, False), ("", False), (math.nan, False),
        ("N/A", None), ("n/a", None), ("NA", None), ("Not applicable", None),
    ],
)  # fmt: skip
def test_done_cells(cell: object, done: bool | None) -> None:
    assert parse_done(cell) is done


def test_unreadable_done_cell() -> None:
    with pytest.raises(ValueError, match="not Yes, No or N/A"):
        parse_done("maybe")
    assert done_text("y") == "Yes"
    assert done_text(0) == "No"
    assert done_text("na") == "N/A"
    assert done_text(None) is None


def test_empty_checklist_scores_zero_everywhere() -> None:
    empty = empty_lifecycle("C1")
    assert list(empty.columns) == ["Customer ID", "Stage", "Item", "Done", "Note"]
    assert len(empty) == 60
    assert set(empty["Customer ID"]) == {"C1"}
    assert empty["Done"].isna().all()
    assert empty.loc[0, "Done"] is None
    scores = stage_scores(empty)
    assert scores["Done"].tolist() == [0] * 8
    assert scores["Total"].tolist() == [7, 9, 7, 5, 11, 6, 8, 7]
    assert scores["Percent"].tolist() == [0.0] * 8
    assert overall_readiness(scores) == 0.0
    assert current_stage(scores) == "Awareness"


def _mark(checklist: pd.DataFrame, stage: str, marks: list[object]) -> None:
    rows = checklist.index[checklist["Stage"] == stage]
    for row, mark in zip(rows, marks, strict=False):
        checklist.loc[row, "Done"] = mark


def test_hand_worked_scores() -> None:
    checklist = empty_lifecycle("C1")
    # Awareness: 3 done, 1 not applicable, 3 open -> 3 / 6 = 50%
    _mark(checklist, "Awareness", ["Yes", "y", "N/A", True, "No", None, ""])
    # Knowledge: all 9 done; Partner selection: all 5 not applicable
    _mark(checklist, "Knowledge", ["Yes"] * 9)
    _mark(checklist, "Partner selection", ["N/A"] * 5)
    scores = stage_scores(checklist).set_index("Stage")
    assert scores.loc["Awareness"].tolist() == [3, 6, 1, 0.5]
    assert scores.loc["Knowledge"].tolist() == [9, 9, 0, 1.0]
    assert scores.loc["Partner selection", "Total"] == 0
    assert math.isnan(scores.loc["Partner selection", "Percent"])
    # overall: (3 + 9) done of 60 - 1 - 5 = 54 applicable items
    assert overall_readiness(scores.reset_index()) == pytest.approx(12 / 54)
    assert current_stage(scores.reset_index()) == "Awareness"


def test_current_stage_skips_complete_and_inapplicable_stages() -> None:
    checklist = empty_lifecycle("C1")
    _mark(checklist, "Awareness", ["Yes"] * 6 + ["N/A"])
    _mark(checklist, "Knowledge", ["Yes"] * 9)
    _mark(checklist, "Internal assessment", ["Yes"] * 7)
    _mark(checklist, "Partner selection", ["N/A"] * 5)
    assert current_stage(stage_scores(checklist)) == "Working together"
    checklist["Done"] = "Yes"
    scores = stage_scores(checklist)
    assert current_stage(scores) is None
    assert overall_readiness(scores) == 1.0


def test_all_not_applicable_gives_no_overall_figure() -> None:
    checklist = empty_lifecycle("C1")
    checklist["Done"] = "N/A"
    assert math.isnan(overall_readiness(stage_scores(checklist)))


def test_stage_scores_refuses_an_unknown_stage() -> None:
    checklist = pd.DataFrame({"Stage": ["Awareness", "Courtship"], "Done": ["Yes", "Yes"]})
    with pytest.raises(ValueError, match="Courtship"):
        stage_scores(checklist)


def test_checklist_for_one_customer() -> None:
    table = pd.DataFrame(
        {
            "Customer ID": ["C1", "C1", "C1", "C2", "C1", "C1"],
            "Stage": ["awareness", "Working Together", "Nope", "Awareness", "Awareness", "Awareness"],
            "Item": [
                "executive  SPONSORSHIP & policy",
                "Shared KPI dashboard",
                "x",
                "Business objectives",
                "Key individuals",
                "Executive sponsorship & policy",
            ],
            "Done": ["y", "Yes", None, "Yes", "n/a", "No"],
            "Note": ["Board minute 12", None, None, None, "small account", None],
        },
        index=pd.Index([3, 4, 5, 6, 7, 8], name="Excel row"),
    )
    out = checklist_for(table, "C1")
    assert len(out) == 61  # 60 items of the method + one of the user's own
    assert out.index.tolist() == list(range(61))
    first = out.iloc[0]
    # the method's spelling, the user's marks; the first of two rows for an item wins
    assert (first["Item"], first["Done"], first["Note"]) == (
        "Executive sponsorship & policy",
        "Yes",
        "Board minute 12",
    )
    assert out.iloc[1]["Done"] is None  # C2 marked it, not C1
    assert out.iloc[4]["Done"] == "N/A"
    working = out[out["Stage"] == "Working together"]
    assert len(working) == 12
    assert working.iloc[-1]["Item"] == "Shared KPI dashboard"
    assert working.iloc[-1]["Done"] == "Yes"
    scores = stage_scores(out).set_index("Stage")
    assert scores.loc["Awareness"].tolist()[:3] == [1, 6, 1]
    assert scores.loc["Working together"].tolist()[:2] == [1, 12]


def test_checklist_for_a_customer_without_rows_is_the_empty_checklist() -> None:
    assert checklist_for(None, "C9").equals(empty_lifecycle("C9"))
    table = pd.DataFrame(
        {"Customer ID": ["C1"], "Stage": ["Awareness"], "Item": ["Key individuals"], "Done": ["Yes"]}
    )
    assert checklist_for(table, "C9").equals(empty_lifecycle("C9"))


def test_rows_read_once_give_the_tables_checklist_and_scores() -> None:
    table = pd.DataFrame(
        {
            "Customer ID": ["C1", "C1", "C1", "C1"],
            "Stage": ["awareness", "Working Together", "Nope", "Exit strategy"],
            "Item": ["Key  individuals", "Shared KPI dashboard", "x", "Transition"],
            "Done": ["y", "maybe", "Yes", "n/a"],
            "Note": [None, "unreadable Done", None, 7],
        }
    )
    entries = read_entries(table)
    assert entries[0] == Entry("Awareness", "Key  individuals", "key individuals", "Yes", None)
    assert entries[1].done is None and entries[2].stage is None and entries[3].note == "7"
    rows = checklist_rows(entries)
    assert [dict(row, **{"Customer ID": "C1"}) for row in rows] == checklist_for(table, "C1").to_dict(
        "records"
    )
    scores = checklist_scores(rows)
    expected = stage_scores(checklist_for(table, "C1"))
    assert [(s.stage, s.done, s.applicable, s.not_applicable) for s in scores] == list(
        expected[["Stage", "Done", "Total", "Not applicable"]].itertuples(index=False, name=None)
    )
    assert current_stage(scores) == current_stage(expected) == "Awareness"
    assert overall_score(scores).applicable == int(expected["Total"].sum())
    assert overall_readiness(scores) == overall_readiness(expected)
    assert checklist_rows([]) == checklist_for(None, "C1").drop(columns="Customer ID").to_dict("records")


def test_stage_formulas_count_the_dropdown_values() -> None:
    counts = stage_count_formulas("S", "D", "A1")
    assert counts["done"] == 'COUNTIFS(S,A1,D,"Yes")'
    assert counts["applicable"] == f"COUNTIFS(S,A1)-{counts['na']}"
    assert completion_formula("C1", "D1") == 'IF(D1=0,"",C1/D1)'
    assert current_stage_formula([("A1", "C1", "D1"), ("A2", "C2", "D2")]) == (
        f'IF(C1<D1,A1,IF(C2<D2,A2,"{ALL_DONE}"))'
    )
