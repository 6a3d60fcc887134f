"""Which ideas go onto a sign-off sheet (SPEC §3.7).

Go ideas are ranked by verdict (Go: priority, Go, Go (good faith)) and then by net value, highest
first, and each relationship's list is cut at ``Settings.max_sign_off_ideas``. An idea cannot be
signed off without an owner firm, an owner, a start and an end date: such Go ideas are refused and
reported as warnings that point at the idea's row in the master, so the facilitator can complete
them. Out-of-bounds and dropped ideas are never on a sign-off sheet.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from cvm_xl.core import columns as col
from cvm_xl.core.problems import WARNING, Problem
from cvm_xl.core.settings import Settings
from cvm_xl.core.values import is_blank
from cvm_xl.core.verdicts import GO_CODES

SIGN_OFF_REQUIRED = (col.OWNER_FIRM, col.OWNER, col.START, col.END)
DROPPED = "dropped"


class Ranking(NamedTuple):
    """Sign-off ranks aligned with the rows of an evaluated Ideas table.

    ``rank``: 1 for the first idea of its relationship's sign-off sheet, 2 for the next ...; 0 when
    the idea is not on it. ``position``: the same ranking before the cut (0 for ideas that cannot
    be signed off). ``over_limit``: complete Go ideas cut by ``max_sign_off_ideas``. ``refused``:
    one warning per Go idea that lacks an owner firm, owner, start or end.
    """

    rank: np.ndarray
    position: np.ndarray
    over_limit: np.ndarray
    refused: list[Problem]


class Selection(NamedTuple):
    """One relationship's sign-off list: ``ideas`` best first, plus what was kept off it."""

    ideas: pd.DataFrame
    refused: list[Problem]
    over_limit: pd.DataFrame


def _truthy(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return frame[name].map(lambda x: not is_blank(x) and bool(x)).to_numpy(dtype=bool)


def _blank(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.ones(len(frame), dtype=bool)
    return frame[name].map(is_blank).to_numpy(dtype=bool)


def _excel_row(label: object) -> int | None:
    return int(label) if isinstance(label, int | np.integer) else None


def _join(names: list[str]) -> str:
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]


def _refusal(idea_id: object, label: object, missing: list[str], file: str, sheet: str) -> Problem:
    what = _join(missing)
    return Problem(
        file=file,
        sheet=sheet,
        row=_excel_row(label),
        column=missing[0],
        value=None,
        message=f"Idea {idea_id} is a Go but cannot be signed off without {what}.",
        severity=WARNING,
        fix=f"Fill in {what}; until then the idea stays off the sign-off sheet.",
    )


def rank_for_sign_off(
    evaluated: pd.DataFrame, settings: Settings, *, file: str = "", sheet: str = "Ideas"
) -> Ranking:
    """Rank every relationship's Go ideas at once (``evaluate_ideas`` output, any number of customers).

    Ties on verdict and net value keep the table order. ``file``/``sheet`` locate the warnings;
    the table's index is taken as the Excel row number when it is an integer.
    """
    n = len(evaluated)
    codes = evaluated[col.VERDICT_CODE].to_numpy(dtype=object)
    verdict_rank = np.full(n, len(GO_CODES))
    for i, code in enumerate(GO_CODES):
        verdict_rank[codes == code] = i
    go = verdict_rank < len(GO_CODES)
    go &= ~_truthy(evaluated, col.OUT_OF_BOUNDS)
    if col.STATUS in evaluated.columns:
        status = evaluated[col.STATUS].map(lambda s: isinstance(s, str) and s.strip().lower() == DROPPED)
        go &= ~status.to_numpy(dtype=bool)
    missing = (
        np.column_stack([_blank(evaluated, name) for name in SIGN_OFF_REQUIRED])
        if n
        else np.zeros((0, len(SIGN_OFF_REQUIRED)), dtype=bool)
    )
    complete = ~missing.any(axis=1)

    refused: list[Problem] = []
    ids = evaluated[col.IDEA_ID].to_numpy(dtype=object) if col.IDEA_ID in evaluated.columns else [None] * n
    for i in np.flatnonzero(go & ~complete).tolist():
        names = [name for name, m in zip(SIGN_OFF_REQUIRED, missing[i], strict=True) if m]
        refused.append(_refusal(ids[i], evaluated.index[i], names, file, sheet))

    if col.CUSTOMER_ID in evaluated.columns:
        group = pd.factorize(evaluated[col.CUSTOMER_ID], use_na_sentinel=False)[0]
    else:
        group = np.zeros(n, dtype=np.int64)
    net = evaluated[col.NET_VALUE].to_numpy(dtype=float)
    # Unquantified (good-faith) ideas have no net value: they rank last within their verdict.
    net_key = np.where(np.isnan(net), np.inf, -net)
    order = np.lexsort((np.arange(n), net_key, verdict_rank, group))
    order = order[(go & complete)[order]]
    position = np.zeros(n, dtype=np.int64)
    if len(order):
        g = group[order]
        starts = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
        counts = np.diff(np.r_[starts, len(order)])
        position[order] = np.arange(len(order)) - np.repeat(starts, counts) + 1
    limit = int(settings.max_sign_off_ideas)
    rank = np.where(position <= limit, position, 0)
    return Ranking(rank, position, position > limit, refused)


def select_for_sign_off(
    evaluated: pd.DataFrame, settings: Settings, *, file: str = "", sheet: str = "Ideas"
) -> Selection:
    """The sign-off list of one relationship (or of each, ranked together) from its evaluated ideas."""
    ranking = rank_for_sign_off(evaluated, settings, file=file, sheet=sheet)
    chosen = np.flatnonzero(ranking.rank)
    chosen = chosen[np.argsort(ranking.rank[chosen], kind="stable")]
    if col.CUSTOMER_ID in evaluated.columns and len(chosen):
        group = pd.factorize(evaluated[col.CUSTOMER_ID], use_na_sentinel=False)[0]
        chosen = chosen[np.lexsort((ranking.rank[chosen], group[chosen]))]
    over = np.flatnonzero(ranking.over_limit)
    over = over[np.argsort(ranking.position[over], kind="stable")]
    return Selection(evaluated.iloc[chosen], ranking.refused, evaluated.iloc[over])
