"""The order of Go ideas on a sign-off sheet, and what a quick win is (SPEC §3.7, issue 14).

"Win small, win early, win often": the seed paper weighs ideas "on their impact and feasibility".
An idea's ``Feasibility`` is a whole number from 1 (hard and slow) to 5 (easy and fast). The sign-off
ranking is, key by key (``RANK_KEYS`` words them for `cvm-xl select`; ``core.selection`` sorts by
them, and worked examples hold the two together):

1. verdict: Go: priority, then Go, then Go (good faith);
2. Feasibility, higher first; an idea without one comes after every idea with one of the same verdict;
3. category, Hygiene before Operational before Joint study, blank last: only among ideas WITH a
   Feasibility (an idea without one takes no category key, see below);
4. net value, highest first (an unquantified idea last);
5. table order (the first row first).

A master without any Feasibility therefore ranks exactly as SPEC §3.7 did before: verdict, net
value, table order (a property test holds it to that). Table order, not the idea ID, breaks the last
tie for the same reason. A bundle ranks by its members' LOWEST Feasibility (a bundle is as fast as
its slowest member; one member without a Feasibility makes the bundle unscored) and its members'
LAST category in the order above (a bundle is as quick as its slowest kind of work; blank when any
member's is blank).

A quick win is a Go idea (any of the three verdicts) with Feasibility of at least
``QUICK_WIN_FEASIBILITY`` (4) in the category Hygiene (rapid, no significant expense, at most three
months). A bundle is a quick win when its lowest Feasibility and its last category are.
"""

from __future__ import annotations

import math

import numpy as np

from cvm_xl.core.categories import HYGIENE
from cvm_xl.core.columns import CATEGORIES
from cvm_xl.core.values import is_blank
from cvm_xl.core.verdicts import GO_CODES

FEASIBILITY_LOW = 1  # hard and slow
FEASIBILITY_HIGH = 5  # easy and fast
FEASIBILITY_SCALE = tuple(range(FEASIBILITY_LOW, FEASIBILITY_HIGH + 1))
QUICK_WIN_FEASIBILITY = 4
QUICK_WIN_CATEGORY = HYGIENE
# Category order among ideas with a Feasibility: Hygiene, Operational, Joint study, then blank.
CATEGORY_ORDER: dict[str, int] = {name: i for i, name in enumerate(CATEGORIES)}
BLANK_CATEGORY = len(CATEGORIES)

# The ranking keys in order, as a user reads them (README, `cvm-xl select`).
RANK_KEYS = (
    "verdict (Go: priority, Go, Go (good faith))",
    f"Feasibility ({FEASIBILITY_HIGH} = easy and fast first; blank after)",
    "category (" + ", ".join(CATEGORIES) + ") where a Feasibility is given",
    "net value",
    "table order",
)
ORDER_TEXT = "Ranked by " + ", then ".join(RANK_KEYS) + "."
QUICK_WIN_TEXT = (
    f"Quick win = a Go idea with Feasibility {QUICK_WIN_FEASIBILITY} or more "
    f"in the category {QUICK_WIN_CATEGORY}."
)


def feasibility_number(value: object) -> float:
    """An idea's Feasibility as a float, NaN when blank (the loader has read it as a whole number)."""
    if is_blank(value):
        return math.nan
    return float(value)  # type: ignore[arg-type]


def category_key(value: object) -> int:
    """0 Hygiene, 1 Operational, 2 Joint study, 3 blank or not a category."""
    if not isinstance(value, str):
        return BLANK_CATEGORY
    return CATEGORY_ORDER.get(value.strip(), BLANK_CATEGORY)


def feasibility_key(feasibility: np.ndarray) -> np.ndarray:
    """The sort key of Feasibility (ascending sort): -5 ... -1 for 5 ... 1, 0 for blank (after all)."""
    values = np.asarray(feasibility, dtype=float)
    return np.where(np.isnan(values), 0.0, -values)


def is_quick_win(verdict_code: object, feasibility: object, category: object) -> bool:
    """The quick-win rule for one idea (or one bundle's lowest Feasibility and last category)."""
    found = feasibility_number(feasibility)
    return (
        verdict_code in GO_CODES
        and not math.isnan(found)
        and found >= QUICK_WIN_FEASIBILITY
        and category_key(category) == CATEGORY_ORDER[QUICK_WIN_CATEGORY]
    )


def quick_win_column(go: np.ndarray, feasibility: np.ndarray, category_keys: np.ndarray) -> np.ndarray:
    """``is_quick_win`` over whole columns: ``go`` whether each idea is a Go, its Feasibility (NaN
    blank) and its ``category_key`` (the two agree; a test holds them to it)."""
    values = np.asarray(feasibility, dtype=float)
    with np.errstate(invalid="ignore"):
        scored = ~np.isnan(values) & (values >= QUICK_WIN_FEASIBILITY)
    hygiene = np.asarray(category_keys) == CATEGORY_ORDER[QUICK_WIN_CATEGORY]
    result: np.ndarray = np.asarray(go, dtype=bool) & scored & hygiene
    return result
