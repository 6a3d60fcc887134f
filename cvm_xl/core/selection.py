"""Which ideas go onto a sign-off sheet (SPEC §3.7).

Go ideas are ranked by verdict (Go: priority, Go, Go (good faith)), then quick wins first among
equals (issue 14, the rule and its keys in ``core.ranking``: Feasibility, then category among ideas
with a Feasibility), then by net value, highest first, and each relationship's list is cut at
``Settings.max_sign_off_ideas``. Without any Feasibility the ranking is SPEC §3.7's: verdict, net
value, table order. An idea cannot be signed off without an owner firm, an owner, a start and an end
date: such Go ideas are refused and reported as warnings that point at the idea's row in the master,
so the facilitator can complete them. Out-of-bounds and dropped ideas are never on a sign-off sheet.

A bundle (issue 15: ideas of one customer with the same ``Bundle`` ID, trimmed and case ignored)
is ranked and selected as ONE unit: by its verdict (which every member shows), its members' lowest
Feasibility and last category (``core.ranking``), then by its net value (the bundle supplier value
plus the bundle customer value), and it counts as one of the
``Max sign-off ideas``. It is on the sign-off sheet only as a whole: every member must be a Go, in
bounds, not dropped and complete (owner firm, owner, start, end); a member that lacks one of them
refuses the whole bundle, with a warning that names the member. All members get the same rank, and
they are listed in table order.

Per wave (issue 14: "selection per wave, ``Max sign-off ideas`` each"): ideas are ranked and cut
within each (customer, wave), so every wave of a relationship has its own sign-off list of at most
``Max sign-off ideas`` and its ranks start at 1. The wave of each row is the caller's
(``core.waves.row_waves``: its Wave cell, a blank one the customer's latest wave as of a day);
without waves every row of a customer is in one wave, as before. A bundle whose members are in
different waves is one unit in the LATEST of its members' waves: a bundle is signed when its last
member is, so a new idea may counter-balance (and so rescue) an idea of an earlier wave, and the
earlier wave's list never shows a bundle that needs an idea not yet found. Its members are signed in
that wave (``Ranking.wave``). A row without a wave (a customer without any) is in wave 0, before wave 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from cvm_xl.core import columns as col
from cvm_xl.core.bundles import group_key, in_bundle
from cvm_xl.core.fingerprint import canonical_text
from cvm_xl.core.problems import WARNING, Problem
from cvm_xl.core.ranking import category_key, feasibility_key, feasibility_number, quick_win_column
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
    one warning per Go idea that lacks an owner firm, owner, start or end. ``quick_win``: the idea
    is a quick win (``core.ranking``; a bundle's members share their bundle's answer). ``wave``: the
    wave whose sign-off list ranks the row (its own, a bundle member its bundle's latest; 0 for a
    row without a wave, and for every row when no waves were given).
    """

    rank: np.ndarray
    position: np.ndarray
    over_limit: np.ndarray
    refused: list[Problem]
    quick_win: np.ndarray = np.zeros(0, dtype=bool)
    wave: np.ndarray = np.zeros(0, dtype=np.int64)


class Selection(NamedTuple):
    """One relationship's sign-off list: ``ideas`` best first, plus what was kept off it.

    ``ranks``: the sign-off rank of each row of ``ideas`` (a bundle's members share theirs);
    ``quick_wins``: whether each row of ``ideas`` is a quick win (``core.ranking``); ``waves``: the
    wave whose list each row of ``ideas`` is on (``Ranking.wave``), ``over_waves`` the same of each
    row of ``over_limit``. ``ideas`` is in (customer, wave, rank) order.
    """

    ideas: pd.DataFrame
    refused: list[Problem]
    over_limit: pd.DataFrame
    ranks: tuple[int, ...] = ()
    quick_wins: tuple[bool, ...] = ()
    waves: tuple[int, ...] = ()
    over_waves: tuple[int, ...] = ()


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


def _refusal(
    idea_id: object, label: object, missing: list[str], file: str, sheet: str, bundle: Bundle | None
) -> Problem:
    what = _join(missing)
    if bundle is None:
        message = f"Idea {idea_id} is a Go but cannot be signed off without {what}."
        fix = f"Fill in {what}; until then the idea stays off the sign-off sheet."
    else:
        others = [str(m) for m in bundle.members if m != idea_id]
        message = (
            f"Idea {idea_id} is in bundle {bundle.name} (with {_join(others)}), a Go, but cannot be "
            f"signed off without {what}."
        )
        fix = f"Fill in {what}; until then the whole bundle {bundle.name} stays off the sign-off sheet."
    return Problem(
        file=file,
        sheet=sheet,
        row=_excel_row(label),
        column=missing[0],
        value=None,
        message=message,
        severity=WARNING,
        fix=fix,
    )


class Bundle(NamedTuple):
    """A bundle as a refusal names it: its ID as first typed and its members' IDs in table order."""

    name: str
    members: list[object]


def sign_off_units(evaluated: pd.DataFrame) -> np.ndarray:
    """The unit each row is ranked in: one per bundle (its members grouped by ``bundles.group_key``
    of Customer ID and Bundle), one per idea outside a bundle. Codes 0, 1, ... in the order of each
    unit's first row."""
    n = len(evaluated)
    if col.BUNDLE not in evaluated.columns:
        return np.arange(n, dtype=np.int64)
    customers = evaluated[col.CUSTOMER_ID].tolist() if col.CUSTOMER_ID in evaluated.columns else [None] * n
    numbers: dict[object, int] = {}
    units = [
        numbers.setdefault(group_key(cid, bundle) if in_bundle(bundle) else i, len(numbers))
        for i, (cid, bundle) in enumerate(zip(customers, evaluated[col.BUNDLE].tolist(), strict=True))
    ]
    return np.array(units, dtype=np.int64)


def _unit_net(evaluated: pd.DataFrame, units: np.ndarray, n_units: int) -> np.ndarray:
    """Each unit's net value: an idea's own; a bundle's supplier plus customer value (the bundle
    columns of ``evaluate_ideas``), or, in a table without them, its members' net values added up."""
    net = evaluated[col.NET_VALUE].to_numpy(dtype=float) if len(evaluated) else np.zeros(0)
    total = np.zeros(n_units)
    np.add.at(total, units, net)  # NaN (an unquantified member) stays NaN
    if col.BUNDLE_SUPPLIER_VALUE in evaluated.columns and col.BUNDLE_CUSTOMER_VALUE in evaluated.columns:
        bundle_net = evaluated[col.BUNDLE_SUPPLIER_VALUE].to_numpy(dtype=float) + evaluated[
            col.BUNDLE_CUSTOMER_VALUE
        ].to_numpy(dtype=float)
        known = ~np.isnan(bundle_net)
        total[units[known]] = bundle_net[known]
    return total


def _unit_quick_keys(
    evaluated: pd.DataFrame, units: np.ndarray, n_units: int, unit_go: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each unit's Feasibility key, category key and quick-win flag (``core.ranking``): a bundle takes
    its members' lowest Feasibility (blank when one is blank) and last category (blank when one is)."""
    n = len(evaluated)
    if col.FEASIBILITY in evaluated.columns:
        feasibility = np.array([feasibility_number(v) for v in evaluated[col.FEASIBILITY]], dtype=float)
    else:
        feasibility = np.full(n, np.nan)
    categories = evaluated[col.CATEGORY] if col.CATEGORY in evaluated.columns else [None] * n
    category = np.array([category_key(v) for v in categories], dtype=np.int64)
    unit_feasibility = np.full(n_units, np.inf)
    with np.errstate(invalid="ignore"):  # NaN (a member without one) stays NaN, as meant
        np.minimum.at(unit_feasibility, units, feasibility)
    unit_category = np.zeros(n_units, dtype=np.int64)
    np.maximum.at(unit_category, units, category)
    # An idea without a Feasibility takes no category key: SPEC §3.7's order stays among them.
    category_sort = np.where(np.isnan(unit_feasibility), 0, unit_category)
    quick = quick_win_column(unit_go, unit_feasibility, unit_category)
    return feasibility_key(unit_feasibility), category_sort, quick


def _row_waves(waves: Sequence[int | None] | None, n: int) -> np.ndarray:
    """The rows' waves as whole numbers (None, and no ``waves`` at all, as 0)."""
    if waves is None:
        return np.zeros(n, dtype=np.int64)
    if len(waves) != n:
        raise ValueError(f"{len(waves)} waves given for {n} ideas: give the wave of every row")
    return np.array([0 if w is None else int(w) for w in waves], dtype=np.int64)


def unit_waves(units: np.ndarray, n_units: int, waves: np.ndarray) -> np.ndarray:
    """Each unit's wave: an idea's own, a bundle's the latest of its members' (module docstring)."""
    out = np.zeros(n_units, dtype=np.int64)
    np.maximum.at(out, units, waves)
    return out


def rank_for_sign_off(
    evaluated: pd.DataFrame,
    settings: Settings,
    *,
    file: str = "",
    sheet: str = "Ideas",
    waves: Sequence[int | None] | None = None,
) -> Ranking:
    """Rank every relationship's Go ideas and bundles at once (``evaluate_ideas`` output, any number
    of customers); the members of a bundle share its rank (see the module docstring). ``waves``: the
    wave of each row (``core.waves.row_waves``); None ranks each customer's rows as one wave.

    Ties on verdict and net value keep the table order (of a bundle's first member). ``file``/
    ``sheet`` locate the warnings; the table's index is taken as the Excel row number when it is an
    integer.
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

    # A bundle is one unit: a Go only when every member is, complete only when every member is.
    units = sign_off_units(evaluated)
    n_units = int(units.max()) + 1 if n else 0
    unit_go = np.ones(n_units, dtype=bool)
    np.logical_and.at(unit_go, units, go)
    unit_complete = np.ones(n_units, dtype=bool)
    np.logical_and.at(unit_complete, units, complete)
    unit_verdict = np.zeros(n_units, dtype=np.int64)
    np.maximum.at(unit_verdict, units, verdict_rank)
    sizes = np.bincount(units, minlength=n_units)

    refused: list[Problem] = []
    ids = evaluated[col.IDEA_ID].to_numpy(dtype=object) if col.IDEA_ID in evaluated.columns else [None] * n
    bundle_text = evaluated[col.BUNDLE].to_numpy(dtype=object) if col.BUNDLE in evaluated.columns else None
    for i in np.flatnonzero(unit_go[units] & ~complete).tolist():
        names = [name for name, m in zip(SIGN_OFF_REQUIRED, missing[i], strict=True) if m]
        bundle = None
        if sizes[units[i]] > 1 and bundle_text is not None:
            members = [ids[j] for j in np.flatnonzero(units == units[i]).tolist()]
            bundle = Bundle(canonical_text(bundle_text[i]), members)
        refused.append(_refusal(ids[i], evaluated.index[i], names, file, sheet, bundle))

    if col.CUSTOMER_ID in evaluated.columns:
        group = pd.factorize(evaluated[col.CUSTOMER_ID], use_na_sentinel=False)[0]
    else:
        group = np.zeros(n, dtype=np.int64)
    unit_customer = np.zeros(n_units, dtype=np.int64)
    unit_customer[units] = group
    unit_wave = unit_waves(units, n_units, _row_waves(waves, n))
    first = np.full(n_units, n, dtype=np.int64)
    np.minimum.at(first, units, np.arange(n))
    net = _unit_net(evaluated, units, n_units)
    # Unquantified (good-faith) ideas have no net value: they rank last within their verdict.
    net_key = np.where(np.isnan(net), np.inf, -net)
    feasibility_sort, category_sort, unit_quick = _unit_quick_keys(evaluated, units, n_units, unit_go)
    # The keys of core.ranking.RANK_KEYS, last key first (lexsort sorts by the last array first).
    # Each (customer, wave) is one list: its units sort together, ranked within it.
    order = np.lexsort(
        (first, net_key, category_sort, feasibility_sort, unit_verdict, unit_wave, unit_customer)
    )
    order = order[(unit_go & unit_complete)[order]]
    unit_position = np.zeros(n_units, dtype=np.int64)
    if len(order):
        c, w = unit_customer[order], unit_wave[order]
        starts = np.r_[0, np.flatnonzero((c[1:] != c[:-1]) | (w[1:] != w[:-1])) + 1]
        counts = np.diff(np.r_[starts, len(order)])
        unit_position[order] = np.arange(len(order)) - np.repeat(starts, counts) + 1
    position = unit_position[units] if n else np.zeros(0, dtype=np.int64)
    limit = int(settings.max_sign_off_ideas)
    rank = np.where(position <= limit, position, 0)
    quick_win = unit_quick[units] if n else np.zeros(0, dtype=bool)
    wave = unit_wave[units] if n else np.zeros(0, dtype=np.int64)
    return Ranking(rank, position, position > limit, refused, quick_win, wave)


def select_for_sign_off(
    evaluated: pd.DataFrame,
    settings: Settings,
    *,
    file: str = "",
    sheet: str = "Ideas",
    waves: Sequence[int | None] | None = None,
) -> Selection:
    """The sign-off lists of one relationship (or of each, ranked together) from its evaluated
    ideas: one per (customer, wave) when ``waves`` gives each row's wave (``rank_for_sign_off``)."""
    ranking = rank_for_sign_off(evaluated, settings, file=file, sheet=sheet, waves=waves)
    chosen = np.flatnonzero(ranking.rank)
    if col.CUSTOMER_ID in evaluated.columns:
        group = pd.factorize(evaluated[col.CUSTOMER_ID], use_na_sentinel=False)[0]
    else:
        group = np.zeros(len(evaluated), dtype=np.int64)
    # By customer (first seen first), wave and rank; a bundle's members in table order.
    chosen = chosen[np.lexsort((chosen, ranking.rank[chosen], ranking.wave[chosen], group[chosen]))]
    over = np.flatnonzero(ranking.over_limit)
    over = over[np.lexsort((over, ranking.position[over]))]
    ranks = tuple(int(r) for r in ranking.rank[chosen])
    quick_wins = tuple(bool(q) for q in ranking.quick_win[chosen])
    chosen_waves = tuple(int(w) for w in ranking.wave[chosen])
    over_waves = tuple(int(w) for w in ranking.wave[over])
    return Selection(
        evaluated.iloc[chosen],
        ranking.refused,
        evaluated.iloc[over],
        ranks,
        quick_wins,
        chosen_waves,
        over_waves,
    )
