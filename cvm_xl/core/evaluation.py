"""Every computed column of the Ideas table (SPEC §4), for one idea and for a whole table.

``evaluate_idea`` is the reference: it calls the scalar rules one by one. ``evaluate_ideas`` does
the same arithmetic with numpy over whole columns, in the same order of floating-point
operations, so the two agree bit for bit (a property test holds them to it). Neither restates a
split method, the ``auto`` rules or which verdicts get a split: both read them from
``core.sharing`` (``SPLIT_METHODS``, ``AUTO_RULES``) and ``core.verdicts`` (``SPLIT_GO_CODES``).

Bundles (``core.bundles``): ``evaluate_ideas`` judges each bundle as one idea after the per-idea pass
and gives its members the bundle's verdict and their parts of its transfer; ``evaluate_bundle`` is
the scalar reference for one bundle's members. ``evaluate_idea`` judges one idea alone (an idea
alone is its own bundle).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import partial

import numpy as np
import pandas as pd

from cvm_xl.core import bundles
from cvm_xl.core import columns as col
from cvm_xl.core.cells import map_distinct, number_column, parse_number, parse_yes_no, yes_no_column
from cvm_xl.core.settings import Settings
from cvm_xl.core.sharing import (
    AUTO,
    NO_SPLIT,
    SPLIT_METHODS,
    Split,
    apply_method,
    auto_method,
    auto_method_for_cell,
    normalise_method,
)
from cvm_xl.core.values import CELLS, OUTCOMES, annuity, band, cell, net, outcome, value_over_horizon
from cvm_xl.core.verdicts import (
    GO,
    GO_GOOD_FAITH,
    GO_PRIORITY,
    NO_GO,
    POSTPONE_QUANTIFY,
    POSTPONE_SMALL,
    SHELVE,
    SPLIT_GO_CODES,
    VERDICTS,
    gets_split,
    verdict,
)


class IdeaInputError(ValueError):
    """An input of the Ideas table cannot be used; ``row`` is the 0-based position, ``column`` the name."""

    def __init__(self, row: int | None, column: str, message: str) -> None:
        where = f"row {row + 1}, " if row is not None else ""
        super().__init__(f"{where}{column}: {message}")
        self.row = row
        self.column = column
        self.reason = message


def _share(value: float, settings: Settings) -> float:
    return settings.target_supplier_share if math.isnan(value) else value


def evaluate_idea(idea: Mapping[str, object], settings: Settings | None = None) -> dict[str, object]:
    """Computed columns of one idea, from a mapping of §4 input column names to cell values."""
    s = settings or Settings()
    try:
        amounts = [parse_number(idea.get(c)) for c in col.VALUE_INPUTS]
        quantified_flag = parse_yes_no(idea.get(col.QUANTIFIED), True)
        good_faith = parse_yes_no(idea.get(col.GOOD_FAITH), False)
        one_off = parse_yes_no(idea.get(col.ONE_OFF), False)
        method = normalise_method(idea.get(col.SHARING_METHOD))
        share = _share(parse_number(idea.get(col.SUPPLIER_SHARE)), s)
    except ValueError as exc:
        raise IdeaInputError(None, "Ideas", str(exc)) from None
    if not 0 <= share <= 1:
        raise IdeaInputError(None, col.SUPPLIER_SHARE, "Supplier share must be between 0 and 1")
    sa, so, ca, co = amounts
    blank = all(math.isnan(a) for a in amounts)
    quantified = bool(quantified_flag) and not blank
    t = s.indifference_threshold
    if blank:
        vs = vc = n = b = math.nan
        s_out = c_out = the_cell = None
    else:
        vs = value_over_horizon(sa, so, s.horizon_years, s.discount_rate)
        vc = value_over_horizon(ca, co, s.horizon_years, s.discount_rate)
        s_out, c_out = outcome(vs, t), outcome(vc, t)
        the_cell, n, b = cell(vs, vc, t), net(vs, vc), band(vs, vc)
    v = verdict(
        vs,
        vc,
        quantified=quantified,
        good_faith=bool(good_faith),
        threshold=t,
        significance=s.significance_threshold,
        max_one_sided_loss=s.max_one_sided_loss,
    )
    if gets_split(v.code):
        # Only a quantified idea gets a split (SPLIT_GO_CODES), and a quantified idea has values,
        # so both outcomes are known here.
        assert s_out is not None and c_out is not None, "a split for an idea without values"
        chosen = auto_method(s_out, c_out, bool(one_off)) if method == AUTO else method
        sp = apply_method(chosen, vs, vc, share)
    else:
        sp = Split(NO_SPLIT, 0.0, vs - 0.0, vc + 0.0)
    return {
        col.SUPPLIER_VALUE: vs,
        col.CUSTOMER_VALUE: vc,
        col.SUPPLIER_OUTCOME: s_out,
        col.CUSTOMER_OUTCOME: c_out,
        col.CELL: the_cell,
        col.NET_VALUE: n,
        col.BAND: b,
        col.VERDICT: v.label,
        col.VERDICT_CODE: v.code,
        col.SPLIT_METHOD: sp.method,
        col.TRANSFER: sp.transfer,
        col.SUPPLIER_FINAL: sp.supplier_final,
        col.CUSTOMER_FINAL: sp.customer_final,
        col.BUNDLE_SUPPLIER_VALUE: math.nan,
        col.BUNDLE_CUSTOMER_VALUE: math.nan,
        col.BUNDLE_CELL: None,
    }


def evaluate_bundle(
    members: Sequence[Mapping[str, object]], settings: Settings | None = None
) -> list[dict[str, object]]:
    """Computed columns of a bundle's members (SPEC §3.4, §3.5 applied to the bundle,
    ``core.bundles``), in the order given: each member evaluated alone, the bundle judged as the
    idea ``bundles.bundle_idea`` and its transfer apportioned by band."""
    own = [evaluate_idea(m, settings) for m in members]
    judged = evaluate_idea(bundles.bundle_idea(members, own), settings)
    return bundles.member_columns(judged, own)


_OUTCOME_TEXT = np.array([*OUTCOMES, None], dtype=object)  # index 3 = blank
_CELL_TEXT = np.array([*CELLS, None], dtype=object)  # index 9 = blank
_VERDICT_LABEL = np.array([v.label for v in VERDICTS], dtype=object)
_VERDICT_CODE = np.array([v.code for v in VERDICTS], dtype=object)
# Methods by their position in SPLIT_METHODS; one past the last is NO_SPLIT, -1 in the input is auto.
_METHOD_TEXT = np.array([*(m.name for m in SPLIT_METHODS), NO_SPLIT], dtype=object)
_METHOD_INDEX = {m.name: i for i, m in enumerate(SPLIT_METHODS)}
_NO_SPLIT_INDEX = len(SPLIT_METHODS)
_AUTO = -1
# ``auto`` tabulated from the scalar rule, so the kernel picks exactly what ``auto_method_for_cell``
# picks: position one_off x 10 + cell index -> method index (cell index 9 = blank, never split).
_CELL_SLOTS = len(CELLS) + 1
_AUTO_BY_CELL = np.array(
    [_METHOD_INDEX[auto_method_for_cell(c, one_off)] for one_off in (False, True) for c in (*CELLS, "")],
    dtype=np.int8,
)
_VERDICT_INDEX = {v.code: i for i, v in enumerate(VERDICTS)}
_SPLIT_INDICES = tuple(_VERDICT_INDEX[code] for code in SPLIT_GO_CODES)  # verdicts that get a split


def _column(ideas: pd.DataFrame, name: str) -> pd.Series | None:
    return ideas[name] if name in ideas.columns else None


def _checked(ideas: pd.DataFrame, name: str, parse_column: Callable[[], np.ndarray]) -> np.ndarray:
    """Run a column parser; a bad cell becomes an IdeaInputError naming its row and column."""
    try:
        return parse_column()
    except ValueError:
        for i, x in enumerate(ideas[name]):
            try:
                _PROBES[name](x)
            except ValueError as exc:
                raise IdeaInputError(i, name, str(exc)) from None
        raise


_PROBES: dict[str, Callable[[object], object]] = {
    **{c: parse_number for c in (*col.VALUE_INPUTS, col.SUPPLIER_SHARE)},
    col.SHARING_METHOD: normalise_method,
    col.QUANTIFIED: parse_yes_no,
    col.GOOD_FAITH: parse_yes_no,
    col.ONE_OFF: parse_yes_no,
}


_CHUNK = 1 << 15
_FLOAT_OUTPUTS = (
    col.SUPPLIER_VALUE, col.CUSTOMER_VALUE, col.NET_VALUE, col.BAND,
    col.TRANSFER, col.SUPPLIER_FINAL, col.CUSTOMER_FINAL,
)  # fmt: skip
_CODE_OUTPUTS = ("s_idx", "c_idx", "cell_idx", "verdict_idx", "chosen")


def _kernel(
    sa: np.ndarray,
    so: np.ndarray,
    ca: np.ndarray,
    co: np.ndarray,
    quantified_flag: np.ndarray,
    good_faith: np.ndarray,
    one_off: np.ndarray,
    method_idx: np.ndarray,
    share: np.ndarray,
    *,
    s: Settings,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The rules of SPEC §3.1–3.5 over aligned input arrays, in evaluate_idea's order of operations."""
    n = len(sa)
    blank = np.isnan(sa) & np.isnan(so) & np.isnan(ca) & np.isnan(co)
    a = annuity(s.horizon_years, s.discount_rate)
    # Same operation order as value_over_horizon: one_time + annual * annuity.
    vs = np.where(np.isnan(so), 0.0, so) + np.where(np.isnan(sa), 0.0, sa) * a
    vc = np.where(np.isnan(co), 0.0, co) + np.where(np.isnan(ca), 0.0, ca) * a
    vs[blank] = np.nan
    vc[blank] = np.nan
    t = s.indifference_threshold
    # 0 W, 1 I, 2 L, 3 blank; NaN compares False both ways, so blanks land on I before the fix-up.
    s_idx = (1 + (vs < -t).view(np.int8) - (vs > t).view(np.int8)) | (blank.view(np.int8) * 3)
    c_idx = (1 + (vc < -t).view(np.int8) - (vc > t).view(np.int8)) | (blank.view(np.int8) * 3)
    cell_idx = np.where(blank, np.int8(9), s_idx * np.int8(3) + c_idx)
    net_v = vs + vc
    band_v = np.abs(vs) + np.abs(vc)

    quantified = quantified_flag & ~blank
    win_win = (s_idx == 0) & (c_idx == 0)
    one_sided = ((s_idx == 0) & (c_idx == 2)) | ((s_idx == 2) & (c_idx == 0))
    with np.errstate(invalid="ignore"):
        lam = s.max_one_sided_loss
        shelve = one_sided & (-np.minimum(vs, vc) > lam) if lam is not None else np.zeros(n, dtype=bool)
        # The rules of verdicts.verdict in its order; the first that matches wins.
        rules = (
            (~quantified & good_faith, GO_GOOD_FAITH),
            (~quantified, POSTPONE_QUANTIFY),
            ((s_idx >= 1) & (c_idx >= 1), NO_GO),  # the four no-go cells (blank rows are caught above)
            (one_sided & (net_v <= 0), NO_GO),
            (shelve, SHELVE),
            (net_v < s.significance_threshold, POSTPONE_SMALL),
            (win_win, GO_PRIORITY),
        )
        verdict_idx = np.select(
            [when for when, _ in rules],
            [_VERDICT_INDEX[v.code] for _, v in rules],
            default=_VERDICT_INDEX[GO.code],
        ).astype(np.int8)

    slot = one_off.view(np.uint8) * np.uint8(_CELL_SLOTS) + cell_idx.view(np.uint8)
    auto_idx = np.take(_AUTO_BY_CELL, slot)
    chosen = np.where(method_idx == _AUTO, auto_idx, method_idx)
    splits = np.zeros(n, dtype=bool)
    for index in _SPLIT_INDICES:
        splits |= verdict_idx == index
    chosen = np.where(splits, chosen, _NO_SPLIT_INDEX).astype(np.int8)
    # One row per method of SPLIT_METHODS, each its own vector form, and a last row of zeros for
    # ideas that get no split; every idea then takes the row of its method (one pass, no masks).
    by_method = np.zeros((_NO_SPLIT_INDEX + 1, n))
    with np.errstate(invalid="ignore"):
        for i, method in enumerate(SPLIT_METHODS):
            by_method[i] = method.transfer_vector(vs, vc, share)
    transfer = np.take_along_axis(by_method, chosen[np.newaxis].astype(np.intp), axis=0)[0] + 0.0
    floats = {
        col.SUPPLIER_VALUE: vs,
        col.CUSTOMER_VALUE: vc,
        col.NET_VALUE: net_v,
        col.BAND: band_v,
        col.TRANSFER: transfer,
        col.SUPPLIER_FINAL: vs - transfer,
        col.CUSTOMER_FINAL: vc + transfer,
    }
    codes = {"s_idx": s_idx, "c_idx": c_idx, "cell_idx": cell_idx, "verdict_idx": verdict_idx}
    return floats, {**codes, "chosen": chosen}


def _groups(ideas: pd.DataFrame) -> bundles.Groups | None:
    """The table's bundles (``bundles.groups``); None when no row names one."""
    series = _column(ideas, col.BUNDLE)
    if series is None:
        return None
    rows = np.flatnonzero(map_distinct(series, bundles.in_bundle, bool))
    if not rows.size:
        return None
    customers = _column(ideas, col.CUSTOMER_ID)
    ids = [None] * len(rows) if customers is None else customers.iloc[rows].tolist()
    return bundles.groups(rows, ids, series.iloc[rows].tolist())


def _bundle_columns(n_rows: int) -> dict[str, np.ndarray]:
    """The bundle columns of ideas outside any bundle: blank (NaN sums, no cell)."""
    return {
        col.BUNDLE_SUPPLIER_VALUE: np.full(n_rows, np.nan),
        col.BUNDLE_CUSTOMER_VALUE: np.full(n_rows, np.nan),
        col.BUNDLE_CELL: np.full(n_rows, None, dtype=object),
    }


def evaluate_ideas(ideas: pd.DataFrame, settings: Settings | None = None) -> pd.DataFrame:
    """The Ideas table plus every computed column of SPEC §4, vectorised over all rows; ideas with the
    same Customer ID and Bundle are judged and shared as one bundle (``core.bundles``)."""
    s = settings or Settings()
    n_rows = len(ideas)
    amounts = [
        _checked(ideas, c, partial(number_column, _column(ideas, c), n_rows)) for c in col.VALUE_INPUTS
    ]
    sa, so, ca, co = amounts
    quantified_flag = _checked(
        ideas, col.QUANTIFIED, lambda: yes_no_column(_column(ideas, col.QUANTIFIED), n_rows, True)
    )
    good_faith = _checked(
        ideas, col.GOOD_FAITH, lambda: yes_no_column(_column(ideas, col.GOOD_FAITH), n_rows, False)
    )
    one_off = _checked(ideas, col.ONE_OFF, lambda: yes_no_column(_column(ideas, col.ONE_OFF), n_rows, False))
    method_series = _column(ideas, col.SHARING_METHOD)
    if method_series is None:
        method_idx = np.full(n_rows, _AUTO)
    else:
        lookup = {AUTO: _AUTO, **_METHOD_INDEX}
        method_idx = _checked(
            ideas,
            col.SHARING_METHOD,
            lambda: map_distinct(method_series, lambda x: lookup[normalise_method(x)], np.int64),
        )
    share = _checked(
        ideas,
        col.SUPPLIER_SHARE,
        lambda: number_column(_column(ideas, col.SUPPLIER_SHARE), n_rows),
    )
    share_given = share
    share = np.where(np.isnan(share), s.target_supplier_share, share)
    bad_share = ~((share >= 0) & (share <= 1))
    if bad_share.any():
        row = int(np.flatnonzero(bad_share)[0])
        raise IdeaInputError(row, col.SUPPLIER_SHARE, "Supplier share must be between 0 and 1")

    floats = {name: np.empty(n_rows) for name in _FLOAT_OUTPUTS}
    codes = {name: np.empty(n_rows, dtype=np.int8) for name in _CODE_OUTPUTS}
    inputs = (sa, so, ca, co, quantified_flag, good_faith, one_off, method_idx, share)
    # Chunks keep the ~40 temporaries of the kernel in cache instead of streaming 8 MB arrays.
    for lo in range(0, n_rows, _CHUNK):
        part = slice(lo, lo + _CHUNK)
        f, c = _kernel(*(x[part] for x in inputs), s=s)
        for name, values in f.items():
            floats[name][part] = values
        for name, values in c.items():
            codes[name][part] = values
    bundle_columns = _bundle_columns(n_rows)
    g = _groups(ideas)
    if g is not None:
        b = bundles.bundle_inputs(
            g,
            floats[col.SUPPLIER_VALUE],
            floats[col.CUSTOMER_VALUE],
            quantified_flag,
            good_faith,
            one_off,
            method_idx,
            share_given,
            _AUTO,
        )
        share_b = np.where(np.isnan(b.share), s.target_supplier_share, b.share)
        bf, bc = _kernel(
            b.sa, b.so, b.ca, b.co, b.quantified, b.good_faith, b.one_off, b.method_idx, share_b, s=s
        )
        r, members = g.rows, g.group
        codes["verdict_idx"][r] = bc["verdict_idx"][members]
        codes["chosen"][r] = bc["chosen"][members]
        parts = bundles.apportion_vector(g, bf[col.TRANSFER], floats[col.BAND])
        floats[col.TRANSFER][r] = parts
        floats[col.SUPPLIER_FINAL][r] = floats[col.SUPPLIER_VALUE][r] - parts
        floats[col.CUSTOMER_FINAL][r] = floats[col.CUSTOMER_VALUE][r] + parts
        bundle_columns[col.BUNDLE_SUPPLIER_VALUE][r] = bf[col.SUPPLIER_VALUE][members]
        bundle_columns[col.BUNDLE_CUSTOMER_VALUE][r] = bf[col.CUSTOMER_VALUE][members]
        bundle_columns[col.BUNDLE_CELL][r] = _CELL_TEXT[bc["cell_idx"][members]]
    text = {
        col.SUPPLIER_OUTCOME: _OUTCOME_TEXT[codes["s_idx"]],
        col.CUSTOMER_OUTCOME: _OUTCOME_TEXT[codes["c_idx"]],
        col.CELL: _CELL_TEXT[codes["cell_idx"]],
        col.VERDICT: _VERDICT_LABEL[codes["verdict_idx"]],
        col.VERDICT_CODE: _VERDICT_CODE[codes["verdict_idx"]],
        col.SPLIT_METHOD: _METHOD_TEXT[codes["chosen"]],
    }
    # Copy-on-write makes the shallow copy safe: adding columns never touches the caller's frame.
    out = ideas.copy(deep=False)
    computed = {**floats, **text, **bundle_columns}
    computed = {name: computed[name] for name in col.IDEA_COMPUTED}
    for name, values in computed.items():
        # Explicit dtype keeps None for blank text (pandas 3 would otherwise infer a string dtype
        # with NaN), so a table cell and evaluate_idea's value are the same object.
        out[name] = pd.Series(values, index=ideas.index, dtype=values.dtype, copy=False)
    return out
