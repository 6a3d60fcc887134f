"""Sign-off selection (SPEC §3.7): ranking, the cap, refusals, exclusions."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from generate_fixtures import OWNER, typed_table
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from cvm_xl.core import columns as col
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.selection import rank_for_sign_off, select_for_sign_off
from cvm_xl.core.settings import Settings

NAN = math.nan
SETTINGS = Settings(max_sign_off_ideas=3)


def _ideas(rows: list[dict]) -> pd.DataFrame:
    full = [{"Customer ID": "C1", **OWNER, **row} for row in rows]
    return evaluate_ideas(typed_table(full, col.IDEA_INPUTS), SETTINGS)


def _ids(frame: pd.DataFrame) -> list[str]:
    return frame[col.IDEA_ID].tolist()


def test_ranked_by_verdict_then_net_value_then_table_order():
    ideas = _ideas(
        [
            {"Idea ID": "go-small", "Title": "t", "Supplier annual": 10000.0, "Customer annual": 0.0},
            {"Idea ID": "faith", "Title": "t", "Good faith": True},
            {"Idea ID": "ww-small", "Title": "t", "Supplier annual": 100.0, "Customer annual": 100.0},
            {"Idea ID": "ww-big", "Title": "t", "Supplier annual": 900.0, "Customer annual": 900.0},
            {"Idea ID": "go-big", "Title": "t", "Supplier annual": 90000.0, "Customer annual": 0.0},
            {"Idea ID": "ww-small-twin", "Title": "t", "Supplier annual": 100.0, "Customer annual": 100.0},
        ]
    )
    chosen = select_for_sign_off(ideas, Settings(max_sign_off_ideas=12))
    assert _ids(chosen.ideas) == ["ww-big", "ww-small", "ww-small-twin", "go-big", "go-small", "faith"]
    assert chosen.refused == [] and chosen.over_limit.empty


def test_cut_at_max_sign_off_ideas_and_over_limit_listed():
    ideas = _ideas(
        [
            {"Idea ID": f"i{k}", "Title": "t", "Supplier annual": 1000.0 * k, "Customer annual": 1.0}
            for k in range(1, 6)
        ]
    )
    chosen = select_for_sign_off(ideas, SETTINGS)
    assert _ids(chosen.ideas) == ["i5", "i4", "i3"]
    assert _ids(chosen.over_limit) == ["i2", "i1"]


def test_ideas_without_owner_or_dates_are_refused_with_a_warning_at_their_row():
    ideas = _ideas(
        [
            {"Idea ID": "ok", "Title": "t", "Supplier annual": 10.0, "Customer annual": 10.0},
            {
                "Idea ID": "no-owner",
                "Title": "t",
                "Supplier annual": 20.0,
                "Customer annual": 20.0,
                "Owner": "  ",
            },
            {
                "Idea ID": "no-dates",
                "Title": "t",
                "Supplier annual": 30.0,
                "Customer annual": 30.0,
                "Start": None,
                "End": None,
            },
        ]
    )
    chosen = select_for_sign_off(ideas, SETTINGS, file="master.xlsx")
    assert _ids(chosen.ideas) == ["ok"]
    by_id = {p.message.split()[1]: p for p in chosen.refused}
    assert set(by_id) == {"no-owner", "no-dates"}
    owner, dates = by_id["no-owner"], by_id["no-dates"]
    assert (owner.file, owner.sheet, owner.row, owner.column) == ("master.xlsx", "Ideas", 3, col.OWNER)
    assert not owner.is_error and "Owner" in owner.message and owner.fix
    assert dates.row == 4 and dates.column == col.START and "Start and End" in dates.message


def test_no_go_out_of_bounds_and_dropped_ideas_are_never_selected():
    ideas = _ideas(
        [
            {"Idea ID": "lose-lose", "Title": "t", "Supplier annual": -10.0, "Customer annual": -10.0},
            {
                "Idea ID": "secret",
                "Title": "t",
                "Supplier annual": 10.0,
                "Customer annual": 10.0,
                "Out of bounds": True,
            },
            {
                "Idea ID": "dropped",
                "Title": "t",
                "Supplier annual": 10.0,
                "Customer annual": 10.0,
                "Status": "Dropped",
            },
            {"Idea ID": "unquantified", "Title": "t"},
        ]
    )
    chosen = select_for_sign_off(ideas, SETTINGS)
    assert chosen.ideas.empty and chosen.refused == [] and chosen.over_limit.empty


def test_each_relationship_is_ranked_and_capped_on_its_own():
    rows = [
        {
            "Idea ID": f"{c}{k}",
            "Customer ID": c,
            "Title": "t",
            "Supplier annual": float(k),
            "Customer annual": float(k),
        }
        for c in ("A", "B")
        for k in range(1, 5)
    ]
    ideas = evaluate_ideas(typed_table([{**OWNER, **r} for r in rows], col.IDEA_INPUTS), SETTINGS)
    ranking = rank_for_sign_off(ideas, SETTINGS)
    ranks = dict(zip(ideas[col.IDEA_ID], ranking.rank.tolist(), strict=True))
    assert ranks == {"A4": 1, "A3": 2, "A2": 3, "A1": 0, "B4": 1, "B3": 2, "B2": 3, "B1": 0}
    assert dict(zip(ideas[col.IDEA_ID], ranking.over_limit.tolist(), strict=True))["A1"]


def test_empty_table():
    chosen = select_for_sign_off(_ideas([]), SETTINGS)
    assert chosen.ideas.empty and chosen.refused == []


def test_dates_as_text_or_datetime_count_as_present():
    ideas = _ideas(
        [
            {
                "Idea ID": "x",
                "Title": "t",
                "Supplier annual": 5.0,
                "Customer annual": 5.0,
                "Start": dt.datetime(2026, 1, 1),
                "End": "2026-02-01",
            }
        ]
    )
    assert _ids(select_for_sign_off(ideas, SETTINGS).ideas) == ["x"]


# --- bundles (issue 15): ranked and selected as one unit ---------------------------------------------

BUNDLE_SETTINGS = Settings(max_sign_off_ideas=2, max_one_sided_loss=150_000.0)


def _bundled(rows: list[dict], verdicts: dict[str, str] | None = None) -> pd.DataFrame:
    """Evaluated ideas of customer C1; ``verdicts`` sets the bundle verdict code every member shows
    (what ``evaluate_ideas`` gives a bundle's members), and each bundle's sums are filled in."""
    full = [{"Customer ID": "C1", **OWNER, "Title": "t", **row} for row in rows]
    frame = evaluate_ideas(typed_table(full, col.IDEA_INPUTS), BUNDLE_SETTINGS)
    for idea, code in (verdicts or {}).items():
        frame.loc[frame[col.IDEA_ID] == idea, col.VERDICT_CODE] = code
    key = frame[col.BUNDLE].map(lambda b: str(b).strip().lower() if isinstance(b, str) else "")
    for bundle in set(key) - {""}:
        members = key == bundle
        frame.loc[members, col.BUNDLE_SUPPLIER_VALUE] = frame.loc[members, col.SUPPLIER_VALUE].sum()
        frame.loc[members, col.BUNDLE_CUSTOMER_VALUE] = frame.loc[members, col.CUSTOMER_VALUE].sum()
    return frame


# The worked example: a shelved +300,000 / -200,000 idea rescued by a -120,000 / +250,000
# idea; as a bundle +180,000 / +50,000, a win-win of net 230,000.
SHELVED = {"Idea ID": "S", "Supplier one-time": 300_000.0, "Customer one-time": -200_000.0, "Bundle": "B1"}
RESCUER = {"Idea ID": "R", "Supplier one-time": -120_000.0, "Customer one-time": 250_000.0, "Bundle": " b1 "}
BUNDLE_GO = {"S": "GO_PRIORITY", "R": "GO_PRIORITY"}


def test_a_bundle_is_ranked_by_its_net_value_and_counts_as_one_idea():
    ideas = _bundled(
        [
            {"Idea ID": "big", "Supplier one-time": 200_000.0, "Customer one-time": 100_000.0},
            SHELVED,
            {"Idea ID": "small", "Supplier one-time": 100_000.0, "Customer one-time": 100_000.0},
            RESCUER,
        ],
        BUNDLE_GO,
    )
    ranking = rank_for_sign_off(ideas, BUNDLE_SETTINGS)
    ranks = dict(zip(ideas[col.IDEA_ID], ranking.rank.tolist(), strict=True))
    # big 300,000 > the bundle 230,000 > small 200,000; the cap of 2 counts the bundle once.
    assert ranks == {"big": 1, "S": 2, "R": 2, "small": 0}
    chosen = select_for_sign_off(ideas, BUNDLE_SETTINGS)
    assert _ids(chosen.ideas) == ["big", "S", "R"]  # members in table order, under one rank
    assert _ids(chosen.over_limit) == ["small"]


def test_the_members_net_values_rank_a_bundle_without_the_bundle_columns():
    ideas = _bundled(
        [SHELVED, {"Idea ID": "ww", "Supplier one-time": 120_000.0, "Customer one-time": 120_000.0}, RESCUER],
        BUNDLE_GO,
    ).drop(columns=[col.BUNDLE_SUPPLIER_VALUE, col.BUNDLE_CUSTOMER_VALUE])
    assert _ids(select_for_sign_off(ideas, BUNDLE_SETTINGS).ideas) == ["ww", "S", "R"]


def test_a_member_without_an_owner_refuses_the_whole_bundle_and_is_named():
    ideas = _bundled([SHELVED, {**RESCUER, "Owner": None, "End": None}], BUNDLE_GO)
    chosen = select_for_sign_off(ideas, BUNDLE_SETTINGS, file="master.xlsx")
    assert chosen.ideas.empty and chosen.over_limit.empty
    [problem] = chosen.refused
    assert (problem.row, problem.column) == (3, col.OWNER) and not problem.is_error
    assert (
        problem.message
        == "Idea R is in bundle b1 (with S), a Go, but cannot be signed off without Owner and End."
    )
    assert "whole bundle b1" in problem.fix


def test_a_bundle_is_selected_only_when_every_member_is_a_go_in_bounds_and_not_dropped():
    shelved = _bundled([SHELVED, RESCUER], {"S": "GO_PRIORITY", "R": "SHELVE"})
    assert select_for_sign_off(shelved, BUNDLE_SETTINGS).ideas.empty
    dropped = _bundled([SHELVED, {**RESCUER, "Status": "Dropped"}], BUNDLE_GO)
    assert select_for_sign_off(dropped, BUNDLE_SETTINGS).ideas.empty
    secret = _bundled([SHELVED, {**RESCUER, "Out of bounds": True}], BUNDLE_GO)
    assert select_for_sign_off(secret, BUNDLE_SETTINGS).ideas.empty


def test_the_same_bundle_id_of_two_customers_is_two_units():
    ideas = _bundled(
        [
            {**SHELVED, "Idea ID": "a1"},
            {**RESCUER, "Idea ID": "a2"},
            {**SHELVED, "Idea ID": "b1", "Customer ID": "C2"},
            {**RESCUER, "Idea ID": "b2", "Customer ID": "C2"},
        ],
        {"a1": "GO", "a2": "GO", "b1": "GO", "b2": "GO"},
    )
    ranking = rank_for_sign_off(ideas, Settings(max_sign_off_ideas=1))
    assert ranking.rank.tolist() == [1, 1, 1, 1]


def test_the_worked_example_through_evaluate_ideas_is_selected_as_one_win_win():
    full = [{"Customer ID": "C1", **OWNER, "Title": "t", **row} for row in (SHELVED, RESCUER)]
    ideas = evaluate_ideas(typed_table(full, col.IDEA_INPUTS), BUNDLE_SETTINGS)
    assert ideas[col.VERDICT_CODE].tolist() == ["GO_PRIORITY", "GO_PRIORITY"]  # each alone: SHELVE, GO
    chosen = select_for_sign_off(ideas, BUNDLE_SETTINGS)
    assert _ids(chosen.ideas) == ["S", "R"]
    assert rank_for_sign_off(ideas, BUNDLE_SETTINGS).rank.tolist() == [1, 1]


@hyp_settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["C1", "C2"]),
            st.sampled_from([None, "A", " a", "B"]),
            st.sampled_from(["GO_PRIORITY", "GO", "GO_GOOD_FAITH", "SHELVE", "NO_GO"]),
            st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
            st.booleans(),
        ),
        max_size=14,
    ),
    limit=st.integers(min_value=1, max_value=4),
)
def test_a_bundle_is_one_unit_whatever_the_table(rows, limit):
    ideas = pd.DataFrame(
        {
            col.IDEA_ID: [f"i{k}" for k in range(len(rows))],
            col.CUSTOMER_ID: [r[0] for r in rows],
            col.BUNDLE: [r[1] for r in rows],
            col.VERDICT_CODE: [r[2] for r in rows],
            col.NET_VALUE: [r[3] for r in rows],
            **{name: [OWNER[name] if r[4] else None for r in rows] for name in OWNER},
        },
        index=pd.RangeIndex(2, 2 + len(rows)),
    )
    rank = rank_for_sign_off(ideas, Settings(max_sign_off_ideas=limit)).rank
    units: dict[tuple[str, object], list[int]] = {}
    for k, (cid, bundle, *_) in enumerate(rows):
        units.setdefault((cid, bundle.strip().lower() if bundle else k), []).append(k)
    for members in units.values():
        assert len({int(rank[k]) for k in members}) == 1  # one rank for the whole unit
        if rank[members[0]]:
            assert all(rows[k][2] in ("GO_PRIORITY", "GO", "GO_GOOD_FAITH") and rows[k][4] for k in members)
    for cid in ("C1", "C2"):
        ranks = {int(rank[k]) for k, r in enumerate(rows) if r[0] == cid} - {0}
        assert ranks == set(range(1, len(ranks) + 1)) and len(ranks) <= limit
