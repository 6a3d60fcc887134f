"""Sign-off selection (SPEC §3.7): ranking, the cap, refusals, exclusions."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from generate_fixtures import OWNER, typed_table

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
