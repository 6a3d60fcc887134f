"""Quick wins first among equals (issue 14, ``core.ranking``): worked examples and the property that a
master without any Feasibility ranks exactly as SPEC §3.7 did (verdict, net value, table order)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from generate_fixtures import OWNER
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from cvm_xl.core import columns as col
from cvm_xl.core.ranking import (
    CATEGORY_ORDER,
    ORDER_TEXT,
    QUICK_WIN_TEXT,
    category_key,
    is_quick_win,
    quick_win_column,
)
from cvm_xl.core.selection import rank_for_sign_off, select_for_sign_off
from cvm_xl.core.settings import Settings
from cvm_xl.core.verdicts import GO_CODES

NAN = math.nan
ALL = Settings(max_sign_off_ideas=50)
VERDICTS = ["GO_PRIORITY", "GO", "GO_GOOD_FAITH", "SHELVE", "NO_GO"]


def _table(rows: list[tuple], *, customers: list[str] | None = None) -> pd.DataFrame:
    """Rows of (Idea ID, verdict code, net value, category, feasibility[, bundle]), owners complete."""
    frame = pd.DataFrame(
        {
            col.IDEA_ID: [r[0] for r in rows],
            col.CUSTOMER_ID: customers or ["C1"] * len(rows),
            col.VERDICT_CODE: [r[1] for r in rows],
            col.NET_VALUE: [float(r[2]) for r in rows],
            col.CATEGORY: [r[3] for r in rows],
            col.FEASIBILITY: [float(r[4]) for r in rows],
            col.BUNDLE: [r[5] if len(r) > 5 else None for r in rows],
            **{name: [OWNER[name]] * len(rows) for name in OWNER},
        },
        index=pd.RangeIndex(2, 2 + len(rows)),
    )
    return frame


def _ids(rows: list[tuple], settings: Settings = ALL) -> list[str]:
    return select_for_sign_off(_table(rows), settings).ideas[col.IDEA_ID].tolist()


def test_worked_example_verdict_then_feasibility_then_category_then_net_value():
    rows = [
        ("big-slow", "GO", 90_000, "Joint study", 1),
        ("unrated", "GO", 500_000, "Hygiene", NAN),  # no Feasibility: after every rated Go
        ("hygiene-4", "GO", 1_000, "Hygiene", 4),
        ("operational-4", "GO", 50_000, "Operational", 4),
        ("easy-5", "GO", 10, "Joint study", 5),
        ("priority", "GO_PRIORITY", 5, "Operational", 1),  # the verdict comes first
        ("hygiene-4-more", "GO", 2_000, "Hygiene", 4),
        ("faith", "GO_GOOD_FAITH", NAN, "Hygiene", 5),
        ("shelved", "SHELVE", 1e9, "Hygiene", 5),
    ]
    assert _ids(rows) == [
        "priority",
        "easy-5",  # Feasibility 5 beats 4 whatever the category and net value
        "hygiene-4-more",  # Feasibility 4: Hygiene before Operational, then net value
        "hygiene-4",
        "operational-4",
        "big-slow",
        "unrated",
        "faith",
    ]


def test_quick_wins_are_marked_go_feasibility_4_or_more_and_hygiene():
    rows = [
        ("qw-5", "GO", 100, "Hygiene", 5),
        ("qw-4-faith", "GO_GOOD_FAITH", NAN, "Hygiene", 4),
        ("hygiene-3", "GO", 100, "Hygiene", 3),
        ("operational-5", "GO", 100, "Operational", 5),
        ("shelved-hygiene-5", "SHELVE", 100, "Hygiene", 5),
        ("blank-category-5", "GO", 100, None, 5),
    ]
    ranking = rank_for_sign_off(_table(rows), ALL)
    assert ranking.quick_win.tolist() == [True, True, False, False, False, False]
    chosen = select_for_sign_off(_table(rows), ALL)
    marked = dict(zip(chosen.ideas[col.IDEA_ID], chosen.quick_wins, strict=True))
    assert marked == {
        "qw-5": True,
        "operational-5": False,
        "blank-category-5": False,
        "qw-4-faith": True,
        "hygiene-3": False,
    }


def test_a_bundle_ranks_by_its_members_lowest_feasibility_and_last_category():
    rows = [
        ("b1", "GO", 10_000, "Hygiene", 5, "B"),
        ("single-3", "GO", 1, "Operational", 3),
        ("b2", "GO", 10_000, "Operational", 2, "b "),  # the bundle is as fast as this member: 2
        ("single-2-hygiene", "GO", 1, "Hygiene", 2),
    ]
    ranking = rank_for_sign_off(_table(rows), ALL)
    # single-3 (3) before the bundle (lowest 2, last category Operational) and single-2-hygiene
    # (2, Hygiene before Operational) before the bundle too.
    assert ranking.rank.tolist() == [3, 1, 3, 2]
    assert not ranking.quick_win.any()


def test_a_bundle_member_without_feasibility_leaves_the_bundle_unrated():
    rows = [
        ("b1", "GO", 10_000, "Hygiene", 5, "B"),
        ("b2", "GO", 10_000, "Hygiene", NAN, "B"),
        ("rated-1", "GO", 1, "Joint study", 1),
    ]
    assert rank_for_sign_off(_table(rows), ALL).rank.tolist() == [2, 2, 1]


def test_the_cut_keeps_the_quick_wins_first_among_equals():
    rows = [
        ("big", "GO", 900_000, "Operational", 2),
        ("quick", "GO", 1_000, "Hygiene", 5),
        ("unrated", "GO", 2_000_000, "Operational", NAN),
    ]
    chosen = select_for_sign_off(_table(rows), Settings(max_sign_off_ideas=1))
    assert chosen.ideas[col.IDEA_ID].tolist() == ["quick"]
    assert chosen.over_limit[col.IDEA_ID].tolist() == ["big", "unrated"]


def test_the_rule_is_told_in_one_line():
    assert ORDER_TEXT == (
        "Ranked by verdict (Go: priority, Go, Go (good faith)), then Feasibility (5 = easy and fast first; "
        "blank after), then category (Hygiene, Operational, Joint study) where a Feasibility is given, "
        "then net value, then table order."
    )
    assert QUICK_WIN_TEXT == "Quick win = a Go idea with Feasibility 4 or more in the category Hygiene."
    assert "\n" not in ORDER_TEXT


def _spec_3_7_ranks(rows: list[tuple], customers: list[str], limit: int) -> list[int]:
    """SPEC §3.7 before quick wins, written out: per customer, Go ideas by verdict, then net value
    (unquantified last), then table order; at most ``limit``."""
    ranks = [0] * len(rows)
    for cid in dict.fromkeys(customers):
        mine = [k for k, c in enumerate(customers) if c == cid and rows[k][1] in GO_CODES]
        mine.sort(
            key=lambda k: (GO_CODES.index(rows[k][1]), math.inf if math.isnan(rows[k][2]) else -rows[k][2], k)
        )
        for place, k in enumerate(mine[:limit], start=1):
            ranks[k] = place
    return ranks


@hyp_settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["C1", "C2"]),
            st.sampled_from(VERDICTS),
            st.one_of(st.just(NAN), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)),
            st.sampled_from([None, "Hygiene", "Operational", "Joint study"]),
        ),
        max_size=16,
    ),
    limit=st.integers(min_value=1, max_value=6),
)
def test_without_any_feasibility_the_ranking_is_spec_3_7s(rows, limit):
    table_rows = [(f"i{k}", r[1], r[2], r[3], NAN) for k, r in enumerate(rows)]
    customers = [r[0] for r in rows]
    table = _table(table_rows, customers=customers)
    expected = _spec_3_7_ranks(table_rows, customers, limit)
    settings = Settings(max_sign_off_ideas=limit)
    assert rank_for_sign_off(table, settings).rank.tolist() == expected
    # ... and a master without the column at all ranks the same.
    assert rank_for_sign_off(table.drop(columns=[col.FEASIBILITY]), settings).rank.tolist() == expected


@given(
    code=st.sampled_from(VERDICTS),
    feasibility=st.sampled_from([NAN, 1.0, 2.0, 3.0, 4.0, 5.0]),
    category=st.sampled_from([None, "Hygiene", " Hygiene ", "Operational", "Joint study", "other"]),
)
def test_the_quick_win_rule_agrees_for_one_idea_and_for_columns(code, feasibility, category):
    column = quick_win_column(
        np.array([code in GO_CODES]), np.array([feasibility]), np.array([category_key(category)])
    )
    assert bool(column[0]) == is_quick_win(code, feasibility, category)


def test_category_keys_follow_spec_3_7s_categories():
    assert [category_key(c) for c in ("Hygiene", "Operational", "Joint study", None, "")] == [0, 1, 2, 3, 3]
    assert CATEGORY_ORDER == {"Hygiene": 0, "Operational": 1, "Joint study": 2}
