"""Selection per wave (issue 14): each (customer, wave) is ranked and capped at ``Max sign-off
ideas`` on its own; a bundle across waves is one unit in its latest member's wave."""

from __future__ import annotations

import pandas as pd
import pytest
from generate_fixtures import OWNER, typed_table
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from cvm_xl.core import columns as col
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.selection import rank_for_sign_off, select_for_sign_off
from cvm_xl.core.settings import Settings

CAP_2 = Settings(max_sign_off_ideas=2)


def _evaluated(rows: list[dict], settings: Settings = CAP_2) -> pd.DataFrame:
    full = [{"Customer ID": "C1", **OWNER, "Title": "t", **row} for row in rows]
    return evaluate_ideas(typed_table(full, col.IDEA_INPUTS), settings)


def _win_win(idea: str, net: float, **more: object) -> dict:
    return {"Idea ID": idea, "Supplier annual": net / 2, "Customer annual": net / 2, **more}


# Two waves of one customer, three win-wins in each, cap 2 per wave.
TWO_WAVES = [
    _win_win("w1-a", 1000.0),
    _win_win("w1-b", 3000.0),
    _win_win("w1-c", 2000.0),
    _win_win("w2-a", 9000.0),
    _win_win("w2-b", 500.0),
    _win_win("w2-c", 700.0),
]
WAVES = [1, 1, 1, 2, 2, 2]


def test_two_waves_of_one_customer_are_each_ranked_and_capped_at_two():
    ideas = _evaluated(TWO_WAVES)
    ranking = rank_for_sign_off(ideas, CAP_2, waves=WAVES)
    ranks = dict(zip(ideas[col.IDEA_ID], ranking.rank.tolist(), strict=True))
    # Ranks restart at 1 in wave 2; wave 2's 9,000 does not push wave 1's ideas off its list.
    assert ranks == {"w1-b": 1, "w1-c": 2, "w1-a": 0, "w2-a": 1, "w2-c": 2, "w2-b": 0}
    assert ranking.wave.tolist() == WAVES
    chosen = select_for_sign_off(ideas, CAP_2, waves=WAVES)
    assert chosen.ideas[col.IDEA_ID].tolist() == ["w1-b", "w1-c", "w2-a", "w2-c"]
    assert chosen.ranks == (1, 2, 1, 2) and chosen.waves == (1, 1, 2, 2)
    assert chosen.over_limit[col.IDEA_ID].tolist() == ["w1-a", "w2-b"]  # by position, then table order


def test_without_waves_the_customer_is_one_list_as_before():
    ideas = _evaluated(TWO_WAVES)
    ranking = rank_for_sign_off(ideas, CAP_2)
    ranks = dict(zip(ideas[col.IDEA_ID], ranking.rank.tolist(), strict=True))
    assert ranks == {"w2-a": 1, "w1-b": 2, "w1-a": 0, "w1-c": 0, "w2-b": 0, "w2-c": 0}
    assert ranking.wave.tolist() == [0] * 6
    # None for every row (a customer without waves) is the same single list.
    same = rank_for_sign_off(ideas, CAP_2, waves=[None] * 6)
    assert same.rank.tolist() == ranking.rank.tolist()


def test_the_waves_must_cover_every_row():
    with pytest.raises(ValueError, match="3 waves given for 6 ideas"):
        rank_for_sign_off(_evaluated(TWO_WAVES), CAP_2, waves=[1, 2, 2])


def test_two_customers_with_the_same_wave_number_are_two_lists():
    rows = [
        {**row, "Customer ID": cid, "Idea ID": f"{cid}-{row['Idea ID']}"}
        for cid in ("A", "B")
        for row in TWO_WAVES[:3]
    ]
    ideas = _evaluated(rows)
    ranking = rank_for_sign_off(ideas, CAP_2, waves=[1] * 6)
    assert ranking.rank.tolist() == [0, 1, 2, 0, 1, 2]


# A bundle across waves: a wave-1 idea that loses (shelved alone) rescued by a wave-2 idea.
SHELVED = {"Idea ID": "S", "Supplier one-time": 300_000.0, "Customer one-time": -200_000.0, "Bundle": "B1"}
RESCUER = {"Idea ID": "R", "Supplier one-time": -120_000.0, "Customer one-time": 250_000.0, "Bundle": "B1"}


def _bundle_across_waves() -> pd.DataFrame:
    frame = _evaluated(
        [
            SHELVED,
            {"Idea ID": "old", "Supplier one-time": 50_000.0, "Customer one-time": 50_000.0},
            {"Idea ID": "new", "Supplier one-time": 90_000.0, "Customer one-time": 90_000.0},
            RESCUER,
        ],
        Settings(max_sign_off_ideas=1),
    )
    members = frame[col.IDEA_ID].isin(["S", "R"])
    frame.loc[members, col.VERDICT_CODE] = "GO_PRIORITY"  # what evaluate_ideas gives both members
    frame.loc[members, col.BUNDLE_SUPPLIER_VALUE] = 180_000.0
    frame.loc[members, col.BUNDLE_CUSTOMER_VALUE] = 50_000.0
    return frame


def test_a_bundle_across_waves_is_one_unit_in_its_latest_members_wave():
    ideas = _bundle_across_waves()
    waves = [1, 1, 2, 2]  # S and old in wave 1; new and the rescuer R in wave 2
    ranking = rank_for_sign_off(ideas, Settings(max_sign_off_ideas=1), waves=waves)
    ranks = dict(zip(ideas[col.IDEA_ID], ranking.rank.tolist(), strict=True))
    # Wave 1 lists only "old": the bundle is not in wave 1 although S is. In wave 2 the bundle
    # (net 230,000) ranks before "new" (net 180,000) and takes the cap of one.
    assert ranks == {"old": 1, "S": 1, "R": 1, "new": 0}
    assert dict(zip(ideas[col.IDEA_ID], ranking.wave.tolist(), strict=True)) == {
        "S": 2, "old": 1, "new": 2, "R": 2,
    }  # fmt: skip
    chosen = select_for_sign_off(ideas, Settings(max_sign_off_ideas=1), waves=waves)
    assert chosen.ideas[col.IDEA_ID].tolist() == ["old", "S", "R"]
    assert chosen.waves == (1, 2, 2) and chosen.ranks == (1, 1, 1)


@hyp_settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("AB"), st.integers(1, 3), st.integers(1, 20)), min_size=1, max_size=14
    ),
    st.integers(1, 4),
)
def test_every_customer_and_wave_has_its_own_list_of_at_most_the_cap(rows, limit):
    table = [{"Customer ID": cid, **_win_win(f"i{k}", 100.0 * net)} for k, (cid, _, net) in enumerate(rows)]
    settings = Settings(max_sign_off_ideas=limit)
    ideas = _evaluated(table, settings)
    waves = [w for _, w, _ in rows]
    ranking = rank_for_sign_off(ideas, settings, waves=waves)
    for cid in "AB":
        for wave in (1, 2, 3):
            mine = [k for k, (c, w, _) in enumerate(rows) if c == cid and w == wave]
            ranks = sorted(int(ranking.rank[k]) for k in mine if ranking.rank[k])
            # Ranks 1..n within the list, n = min(cap, ideas of that customer and wave).
            assert ranks == list(range(1, min(limit, len(mine)) + 1))
            # Each list is the one a table of only that customer's wave gives.
            if mine:
                alone = rank_for_sign_off(ideas.iloc[mine], settings)
                assert [int(ranking.rank[k]) for k in mine] == alone.rank.tolist()
