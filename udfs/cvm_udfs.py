"""CVM worksheet functions for Excel (xlwings UDFs), each a thin wrapper over the ``cvm_xl`` core.

Every function takes single cells or whole columns and returns one value or a column of values
(one Python call per column: Excel spills the result). Blank inputs give blank results, and a bad
value gives Excel-style error text such as ``#VALUE! 'abc' is not a number`` in its own row. An input
cell that shows an Excel error (#N/A, #DIV/0! ...) gives that same error, as Excel's own functions do:
in its row, or for the whole result when the cell counts for every row (a setting, an option, a cell
of a portfolio column); see ``udfs.excel_errors``.
Settings that an argument leaves out come from the ``settings`` argument (the Settings table,
e.g. ``tblSettings``) or else from the calling workbook's Settings sheet, else the SPEC defaults.

Parameters carry no type annotations on purpose: xlwings turns an annotation into a converter.
The docstrings are what Excel's function wizard shows (xlwings keeps the first 255 characters).
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable
from functools import partial
from typing import Any

import pandas as pd

from cvm_xl.core import actions, cells, fingerprint, passbook, pipeline, portfolio_map, ranking, waves
from cvm_xl.core import columns as col
from cvm_xl.core.bundles import bundle_key
from cvm_xl.core.chain import MAX_PARTIES
from cvm_xl.core.evaluation import IdeaInputError, evaluate_idea, evaluate_ideas
from cvm_xl.core.settings import Settings
from cvm_xl.core.shapley import mask_of, portfolio_shapley
from cvm_xl.core.sharing import AUTO, method_list, price_premium
from cvm_xl.core.values import CELLS, band, cell, net, outcome, value_over_horizon, zone
from cvm_xl.core.verdicts import VERDICTS
from cvm_xl.readiness.maturity import maturity_verdict, ratings_from_grid
from cvm_xl.readiness.risks import risk_rating
from cvm_xl.readiness.screening import ScreeningThresholds, screen_customer
from cvm_xl.spreadsheet.tables import normalise_header
from udfs import arrays, xl
from udfs.arrays import ArgumentError, error_text, number, option, pair, upstream, yes_no
from udfs.excel_errors import ExcelErrors

CATEGORY = "CVM"

_VS = "Supplier value over the horizon: a cell or a column (e.g. tblIdeas[Supplier value])."
_VC = "Customer value over the horizon: a cell or a column, the same length as supplier_value."
_SETTINGS = "Optional: the Settings table (e.g. tblSettings). Omitted: the workbook's Settings sheet."
_QUANTIFIED = "Optional Yes/No: No marks the idea unquantified. Blank = Yes."
_GOOD_FAITH = "Optional Yes/No: an unquantified idea done in good faith is a Go. Blank = No."
_ONE_OFF = "Optional Yes/No: a one-off W-L or L-W idea is split equally under auto. Blank = No."
_METHOD = f"Optional: {AUTO} (blank), {method_list()}."  # every record of core.sharing.SPLIT_METHODS
_SHARE = "Optional: the supplier's share of the net value for 'proportional', 0 to 1 (blank = Settings)."
_BUNDLE = (
    "Optional: the Bundle column (tblIdeas[Bundle]) with whole columns: ideas with the same Bundle ID are "
    "judged and shared as one. A single row is judged alone."
)
_STATUSES = "Idea statuses; Signed off, Implementing and Delivered ideas are in the passbook."
_TRANSFERS = "Transfers T from supplier to customer (tblIdeas[Transfer])."

SPLIT_PARTS = ("method", "transfer", "supplier final", "customer final")
_SPLIT_COLUMNS = (col.SPLIT_METHOD, col.TRANSFER, col.SUPPLIER_FINAL, col.CUSTOMER_FINAL)


def excel_help(f: Callable[..., Any]) -> Callable[..., Any]:
    """The xlwings edge of every worksheet function, declared once here:

    - the docstring as one paragraph for Excel's function description (no line breaks);
    - every argument read with ``err_to_str``: an error cell arrives as its text ("#N/A"), not as a
      blank (xlwings' default);
    - the result written by ``ExcelErrors``: a bare error value goes back as the Excel error.
    """
    info = xl.udf_info(f)
    info["ret"]["doc"] = " ".join(inspect.cleandoc(f.__doc__ or "").split())
    info["ret"]["options"]["convert"] = ExcelErrors
    for argument in info["args"]:
        if argument["name"] != "caller":  # xlwings puts the calling Range there, not a cell value
            argument["options"]["err_to_str"] = True
    return f


# --- the xlwings edge: finding the calling workbook's Settings sheet --------------------------------


def workbook_settings_rows(caller: Any) -> list[list[Any]] | None:
    """The cells of the Settings sheet of the workbook that holds ``caller`` (an xlwings Range)."""
    try:
        for sheet in caller.sheet.book.sheets:
            if normalise_header(sheet.name) == "settings":
                return sheet.used_range.options(ndim=2).value
    except Exception:  # COM can fail in many ways mid-recalculation; the defaults then apply
        return None
    return None


def resolve_settings(settings: Any = None, caller: Any = None) -> Settings:
    """Settings from the ``settings`` range, else the caller's workbook, else the defaults."""
    if settings is not None and not (isinstance(settings, str) and not settings.strip()):
        return arrays.settings_from_range(settings)
    rows = workbook_settings_rows(caller) if caller is not None else None
    return arrays.settings_from_range(rows) if rows else Settings()


# --- per idea --------------------------------------------------------------------------------------


def _evaluated(vs, vc, quantified, good_faith, one_off, method, share, settings: Settings) -> dict[str, Any]:
    """The Ideas table's computed columns for one idea given its two values (SPEC §3.4, §3.5).

    The values go in as one-time amounts, which the core turns back into the same values, so the
    verdict and split rules run exactly as they do for the Ideas table.
    """
    row = {
        col.SUPPLIER_ONE_TIME: number(vs),
        col.CUSTOMER_ONE_TIME: number(vc),
        col.QUANTIFIED: quantified,
        col.GOOD_FAITH: good_faith,
        col.ONE_OFF: one_off,
        col.SHARING_METHOD: method,
        col.SUPPLIER_SHARE: share,
    }
    try:
        return evaluate_idea(row, settings)
    except IdeaInputError as exc:
        raise ValueError(exc.reason) from None


def _with_bundles(
    vs, vc, quantified, good_faith, one_off, method, share, bundle, settings: Settings
) -> list[Any]:
    """Per row, the Ideas table's computed columns (a dict) with each bundle judged as one
    (``core.bundles``: its members' values summed, its verdict and split for all, the transfer
    apportioned by band), or the error text the row shows. Rows are grouped by Bundle ID alone: pass
    one customer's ideas, or IDs no two customers share (a valid master has no bundle across
    customers). A row whose inputs are wrong shows why, and so does every other member of its bundle
    (their figures need it); a Bundle cell showing an Excel error is the whole result's error."""
    columns = [arrays.as_column(a) for a in (vs, vc, quantified, good_faith, one_off, method, share, bundle)]
    # In the template every bundled row passes the same whole columns: the table is judged once per
    # content (the type is part of the key: 1, 1.0 and True are equal but read differently).
    try:
        key = tuple(tuple((type(x), x) for x in c) for c in columns)
        hash(key)
    except TypeError:
        return _judged_bundles(columns, settings)
    return list(_cached_bundles(key, settings))


@functools.lru_cache(maxsize=16)
def _cached_bundles(key: tuple[tuple[tuple[type, Any], ...], ...], settings: Settings) -> tuple[Any, ...]:
    """``_judged_bundles`` of the columns in ``key``; an error raises each time (nothing is kept)."""
    return tuple(_judged_bundles([[x for _, x in c] for c in key], settings))


def _judged_bundles(columns: list[list[Any]], settings: Settings) -> list[Any]:
    lengths = {len(c) for c in columns} - {1}
    if len(lengths) > 1:
        raise ArgumentError(
            f"The ranges have different numbers of rows ({', '.join(map(str, sorted(lengths)))})"
        )
    n = lengths.pop() if lengths else 1
    for x in columns[7]:
        upstream(x)  # which bundle the row is in is unknown: every row's figures may need it
    out: list[Any] = [None] * n
    failed: dict[str, str] = {}  # Bundle ID -> the error of a member
    rows, positions = [], []
    for i in range(n):
        cells = [c[i if len(c) > 1 else 0] for c in columns]
        checked = arrays.call(partial(_evaluated, settings=settings), cells[:7])
        if isinstance(checked, str):
            out[i] = checked
            if bundle_key(cells[7]):
                failed.setdefault(bundle_key(cells[7]), checked)
            continue
        row = dict(zip(_BUNDLE_INPUTS, cells, strict=True))
        row[col.SUPPLIER_ONE_TIME], row[col.CUSTOMER_ONE_TIME] = number(cells[0]), number(cells[1])
        rows.append(row)
        positions.append(i)
    if rows:
        evaluated = evaluate_ideas(pd.DataFrame(rows), settings)
        for i, record in zip(positions, evaluated.to_dict("records"), strict=True):
            out[i] = failed.get(bundle_key(record[col.BUNDLE]), record)
    return out


_BUNDLE_INPUTS = (
    col.SUPPLIER_ONE_TIME, col.CUSTOMER_ONE_TIME, col.QUANTIFIED, col.GOOD_FAITH, col.ONE_OFF,
    col.SHARING_METHOD, col.SUPPLIER_SHARE, col.BUNDLE,
)  # fmt: skip


def _bundle_column(results: list[Any], names: tuple[str, ...]) -> Any:
    """The ``names`` columns of ``_with_bundles``' results as the sheet shows them: one value for
    one cell, else rows (an error text fills its row)."""
    rows = [
        [r] * len(names) if isinstance(r, str) else [arrays.cell_value(r[name]) for name in names]
        for r in results
    ]
    return rows[0][0] if len(rows) == 1 and len(names) == 1 else rows


def _bundled(bundle: object) -> bool:
    """Whether a Bundle argument names any bundle (else the per-idea path runs, cell by cell)."""
    return bundle is not None and any(not arrays.is_blank_cell(x) for x in arrays.as_column(bundle, "bundle"))


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("annual", ndim=2, doc="Recurring amount per year for one firm: a cell or a column. Blank = 0.")
@xl.arg("one_time", ndim=2, doc="One-time amount for the same firm (negative = an investment). Blank = 0.")
@xl.arg("horizon_years", doc="Optional: years the annual amount counts (blank = Settings, default 3).")
@xl.arg("discount_rate", doc="Optional: annual discount rate, e.g. 8% (blank = Settings, default 0).")
@xl.arg("settings", ndim=2, doc=_SETTINGS)
@xl.arg("other_amounts", ndim=2, doc="Optional: the other firm's annual and one-time cells; a firm "
        "with no amounts then counts as 0 unless the other firm has none either.")  # fmt: skip
@arrays.guarded
def CVM_VALUE(
    annual,
    one_time=None,
    horizon_years=None,
    discount_rate=None,
    settings=None,
    other_amounts=None,
    caller=None,
):
    """Value of an idea for one firm over the horizon: one-time + annual x annuity(horizon, discount rate).
    Blank when the amounts are blank.
    """
    s = arrays.with_overrides(
        resolve_settings(settings, caller), horizon_years=horizon_years, discount_rate=discount_rate
    )
    others_blank = (
        True
        if other_amounts is None
        else [[_other_amounts_blank(row)] for row in arrays.as_grid(other_amounts)]
    )

    def one(a, o, none_elsewhere):
        a, o = number(a), number(o)
        if math.isnan(a) and math.isnan(o) and none_elsewhere:
            return None
        return value_over_horizon(a, o, s.horizon_years, s.discount_rate)

    return arrays.elementwise(one, annual, one_time, others_blank)


def _other_amounts_blank(row: list[Any]) -> bool | str:
    """True when the other firm has no amounts in this row; an error it shows is the row's error."""
    return next((x for x in row if arrays.is_error_text(x)), None) or all(
        arrays.is_blank_cell(x) for x in row
    )


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("value", ndim=2, doc="A firm's value of an idea: a cell or a column.")
@xl.arg("threshold", doc="Optional: indifference threshold; |value| up to it is I (blank = Settings).")
@xl.arg("settings", ndim=2, doc=_SETTINGS)
@arrays.guarded
def CVM_OUTCOME(value, threshold=None, settings=None, caller=None):
    """W (win) when the value is above the indifference threshold, L (lose) below minus it, I (indifferent)
    in between. Blank for a blank value.
    """
    s = arrays.with_overrides(resolve_settings(settings, caller), indifference_threshold=threshold)

    def one(v):
        v = number(v)
        return None if math.isnan(v) else outcome(v, s.indifference_threshold)

    return arrays.elementwise(one, value)


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("supplier_value", ndim=2, doc=_VS)
@xl.arg("customer_value", ndim=2, doc=_VC)
@xl.arg("threshold", doc="Optional: indifference threshold (blank = Settings).")
@xl.arg("settings", ndim=2, doc=_SETTINGS)
@arrays.guarded
def CVM_CELL(supplier_value, customer_value, threshold=None, settings=None, caller=None):
    """The Idea Portfolio Map cell, supplier first: W-L = the supplier wins, the customer loses. Blank when
    both values are blank.
    """
    s = arrays.with_overrides(resolve_settings(settings, caller), indifference_threshold=threshold)

    def one(vs, vc):
        p = pair(vs, vc)
        return None if p is None else cell(*p, s.indifference_threshold)

    return arrays.elementwise(one, supplier_value, customer_value)


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("supplier_value", ndim=2, doc=_VS)
@xl.arg("customer_value", ndim=2, doc=_VC)
@arrays.guarded
def CVM_NET(supplier_value, customer_value):
    """Net value of an idea for the value chain: supplier value + customer value. Blank if both are blank."""

    def one(vs, vc):
        p = pair(vs, vc)
        return None if p is None else net(*p)

    return arrays.elementwise(one, supplier_value, customer_value)


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("supplier_value", ndim=2, doc=_VS)
@xl.arg("customer_value", ndim=2, doc=_VC)
@arrays.guarded
def CVM_BAND(supplier_value, customer_value):
    """Band of an idea: |supplier value| + |customer value| (the paper's band of 160,000 for +100,000 /
    -60,000).
    """

    def one(vs, vc):
        p = pair(vs, vc)
        return None if p is None else band(*p)

    return arrays.elementwise(one, supplier_value, customer_value)


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("supplier_value", ndim=2, doc=_VS)
@xl.arg("customer_value", ndim=2, doc=_VC)
@arrays.guarded
def CVM_ZONE(supplier_value, customer_value):
    """Zone of agreement for the transfer T: two cells, lowest and highest T (-customer value, supplier
    value). #NUM! when the net value is negative.
    """

    def one(vs, vc):
        p = pair(vs, vc)
        if p is None:
            return (None, None)
        z = zone(*p)
        if z is None:
            return error_text("No zone of agreement: the net value is negative.", arrays.NUM_ERROR)
        return (z.low, z.high)

    return arrays.rowwise(one, 2, supplier_value, customer_value)


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("supplier_value", ndim=2, doc=_VS)
@xl.arg("customer_value", ndim=2, doc=_VC)
@xl.arg("quantified", ndim=2, doc=_QUANTIFIED)
@xl.arg("good_faith", ndim=2, doc=_GOOD_FAITH)
@xl.arg("show", doc="Optional: label (blank) or code, e.g. GO_PRIORITY.")
@xl.arg("settings", ndim=2, doc=_SETTINGS)
@xl.arg("bundle", ndim=2, doc=_BUNDLE)
@arrays.guarded
def CVM_VERDICT(
    supplier_value,
    customer_value,
    quantified=None,
    good_faith=None,
    show=None,
    settings=None,
    bundle=None,
    caller=None,
):
    """Go / no-go verdict of an idea, e.g. Go: priority (win-win), No go or Shelve: await a counter-balancing
    idea. Blank values mean the idea is not quantified yet. Bundles: pass whole columns and the Bundle column.
    """
    s = resolve_settings(settings, caller)
    key = col.VERDICT if option(show, ("label", "code"), "label", "show") == "label" else col.VERDICT_CODE
    if _bundled(bundle):
        args = (supplier_value, customer_value, quantified, good_faith, None, None, None, bundle)
        return _bundle_column(_with_bundles(*args, s), (key,))

    def one(vs, vc, q, gf):
        return _evaluated(vs, vc, q, gf, None, None, None, s)[key]

    return arrays.elementwise(one, supplier_value, customer_value, quantified, good_faith)


def _split(
    supplier_value,
    customer_value,
    method,
    supplier_share,
    one_off,
    quantified,
    good_faith,
    show,
    s,
    bundle=None,
):
    part = option(show, ("all", *SPLIT_PARTS), "all", "show")
    if _bundled(bundle):
        args = (supplier_value, customer_value, quantified, good_faith, one_off, method, supplier_share)
        wanted = _SPLIT_COLUMNS if part == "all" else (_SPLIT_COLUMNS[SPLIT_PARTS.index(part)],)
        result = _bundle_column(_with_bundles(*args, bundle, s), wanted)
        return [result] if part == "all" and not isinstance(result, list) else result

    def values(vs, vc, m, share, oo, q, gf):
        result = _evaluated(vs, vc, q, gf, oo, m, share, s)
        return tuple(result[c] for c in _SPLIT_COLUMNS)

    args = (supplier_value, customer_value, method, supplier_share, one_off, quantified, good_faith)
    if part == "all":
        return arrays.rowwise(values, len(_SPLIT_COLUMNS), *args)
    index = SPLIT_PARTS.index(part)
    return arrays.elementwise(lambda *a: values(*a)[index], *args)


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("supplier_value", ndim=2, doc=_VS)
@xl.arg("customer_value", ndim=2, doc=_VC)
@xl.arg("method", ndim=2, doc=_METHOD)
@xl.arg("supplier_share", ndim=2, doc=_SHARE)
@xl.arg("one_off", ndim=2, doc=_ONE_OFF)
@xl.arg("quantified", ndim=2, doc=_QUANTIFIED)
@xl.arg("good_faith", ndim=2, doc=_GOOD_FAITH)
@xl.arg("settings", ndim=2, doc=_SETTINGS)
@xl.arg("bundle", ndim=2, doc=_BUNDLE)
@arrays.guarded
def CVM_TRANSFER(
    supplier_value,
    customer_value,
    method=None,
    supplier_share=None,
    one_off=None,
    quantified=None,
    good_faith=None,
    settings=None,
    bundle=None,
    caller=None,
):
    """Transfer T from supplier to customer proposed to share an idea's value (negative: the customer pays).
    0 for ideas that are not a Go. A bundle member's part: T x its band / the bundle's bands.
    """
    s = resolve_settings(settings, caller)
    args = (supplier_value, customer_value, method, supplier_share, one_off, quantified, good_faith)
    return _split(*args, "transfer", s, bundle)


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("supplier_value", ndim=2, doc=_VS)
@xl.arg("customer_value", ndim=2, doc=_VC)
@xl.arg("method", ndim=2, doc=_METHOD)
@xl.arg("supplier_share", ndim=2, doc=_SHARE)
@xl.arg("one_off", ndim=2, doc=_ONE_OFF)
@xl.arg("quantified", ndim=2, doc=_QUANTIFIED)
@xl.arg("good_faith", ndim=2, doc=_GOOD_FAITH)
@xl.arg("show", doc="Optional: all (blank: four cells), method, transfer, supplier final or customer final.")
@xl.arg("settings", ndim=2, doc=_SETTINGS)
@xl.arg("bundle", ndim=2, doc=_BUNDLE)
@arrays.guarded
def CVM_SPLIT(
    supplier_value,
    customer_value,
    method=None,
    supplier_share=None,
    one_off=None,
    quantified=None,
    good_faith=None,
    show=None,
    settings=None,
    bundle=None,
    caller=None,
):
    """Split proposal of an idea: method applied, transfer T, supplier final (Vs - T) and customer final (Vc
    + T). Only Go ideas are split.
    """
    s = resolve_settings(settings, caller)
    args = (supplier_value, customer_value, method, supplier_share, one_off, quantified, good_faith)
    return _split(*args, show, s, bundle)


BUNDLE_PARTS = ("supplier value", "customer value", "cell")
_BUNDLE_COLUMNS = (col.BUNDLE_SUPPLIER_VALUE, col.BUNDLE_CUSTOMER_VALUE, col.BUNDLE_CELL)


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("supplier_value", ndim=2, doc=_VS)
@xl.arg("customer_value", ndim=2, doc=_VC)
@xl.arg("bundle", ndim=2, doc=_BUNDLE)
@xl.arg("show", doc="Optional: all (blank: three cells), supplier value, customer value or cell.")
@xl.arg("settings", ndim=2, doc=_SETTINGS)
@arrays.guarded
def CVM_BUNDLE(supplier_value, customer_value, bundle, show=None, settings=None, caller=None):
    """A bundle's values and map cell on each member's row: the sums of its members' supplier and customer
    values, and their cell (e.g. W-W). Blank outside a bundle. Pass whole columns: one row is its own bundle.
    """
    s = resolve_settings(settings, caller)
    part = option(show, ("all", *BUNDLE_PARTS), "all", "show")
    wanted = _BUNDLE_COLUMNS if part == "all" else (_BUNDLE_COLUMNS[BUNDLE_PARTS.index(part)],)
    args = (supplier_value, customer_value, None, None, None, None, None, bundle)
    result = _bundle_column(_with_bundles(*args, s), wanted)
    return [result] if part == "all" and not isinstance(result, list) else result


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("transfer", ndim=2, doc="Transfer T from supplier to customer: a cell or a column.")
@xl.arg("annual_volume", ndim=2, doc="The customer's annual volume (units per year), greater than 0.")
@xl.arg("unit_price", ndim=2, doc="Optional: unit price, for the premium as a share of the price.")
@xl.arg("horizon_years", doc="Optional: years over which the premium is paid (blank = Settings).")
@xl.arg("show", doc="Optional: per unit (blank), percent, or all (kind, per unit, percent).")
@xl.arg("settings", ndim=2, doc=_SETTINGS)
@arrays.guarded
def CVM_PREMIUM(
    transfer, annual_volume, unit_price=None, horizon_years=None, show=None, settings=None, caller=None
):
    """Price premium per unit equivalent to a transfer: -T / (volume x horizon); positive = the customer pays
    more per unit, negative = a rebate.
    """
    s = arrays.with_overrides(resolve_settings(settings, caller), horizon_years=horizon_years)
    part = option(show, ("per unit", "percent", "all"), "per unit", "show")

    def values(t, q, p):
        t, q, p = number(t), number(q), number(p)
        if math.isnan(t):
            return (None, None, None)
        premium = price_premium(t, 0.0 if math.isnan(q) else q, s.horizon_years, None if math.isnan(p) else p)
        return (premium.kind, premium.per_unit, premium.percent_of_price)

    if part == "all":
        return arrays.rowwise(values, 3, transfer, annual_volume, unit_price)
    index = 1 if part == "per unit" else 2
    return arrays.elementwise(lambda *a: values(*a)[index], transfer, annual_volume, unit_price)


# --- over the whole portfolio ----------------------------------------------------------------------


def _table(**columns: Any) -> pd.DataFrame:
    """Equal-length columns as a DataFrame, numbers parsed; a bad cell names its row."""
    lists = {name: arrays.as_column(values, name) for name, values in columns.items()}
    lengths = {len(v) for v in lists.values()} - {1}
    if len(lengths) > 1:
        raise ArgumentError(
            f"The ranges have different numbers of rows ({', '.join(map(str, sorted(lengths)))})"
        )
    n = lengths.pop() if lengths else 1
    data: dict[str, list[Any]] = {}
    for name, values in lists.items():
        cells = values * n if len(values) == 1 else values
        if name in (col.SUPPLIER_VALUE, col.CUSTOMER_VALUE, col.TRANSFER):
            parsed = []
            for i, x in enumerate(cells, start=1):
                upstream(x)  # an error cell is the whole result's error, not a reason in a row
                try:
                    parsed.append(number(x))
                except ValueError as exc:
                    raise ValueError(f"Row {i} of {name}: {exc}") from None
            data[name] = parsed
        else:
            for x in cells:
                upstream(x)
            data[name] = [None if arrays.is_blank_cell(x) else x for x in cells]
    frame = pd.DataFrame(data)
    keep = ~frame.isna().all(axis=1)
    return frame.loc[keep].reset_index(drop=True)


def _passbook_lines(idea_ids, statuses, supplier_values, customer_values, transfers) -> pd.DataFrame:
    frame = _table(
        **{
            col.IDEA_ID: idea_ids,
            col.STATUS: statuses,
            col.SUPPLIER_VALUE: supplier_values,
            col.CUSTOMER_VALUE: customer_values,
            col.TRANSFER: transfers,
        }
    )
    return passbook.passbook_lines(frame)


PASSBOOK_HEADER = (col.IDEA_ID, col.STATUS, "Line", "Amount", "Supplier", "Customer")


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("idea_ids", ndim=2, doc="Idea IDs (tblIdeas[Idea ID]).")
@xl.arg("statuses", ndim=2, doc=_STATUSES)
@xl.arg("supplier_values", ndim=2, doc="Supplier values (tblIdeas[Supplier value]).")
@xl.arg("customer_values", ndim=2, doc="Customer values (tblIdeas[Customer value]).")
@xl.arg("transfers", ndim=2, doc=_TRANSFERS)
@xl.arg("show", doc="Optional: lines (blank) or balances.")
@xl.arg("settings", ndim=2, doc=_SETTINGS)
@arrays.guarded
def CVM_PASSBOOK(
    idea_ids, statuses, supplier_values, customer_values, transfers, show=None, settings=None, caller=None
):
    """The passbook of gives and gets: three lines per signed-off idea (supplier value, customer value,
    transfer), or the balances and equity gap.
    """
    part = option(show, ("lines", "balances"), "lines", "show")
    s = resolve_settings(settings, caller)  # read for the lines too: an error in it is the result
    lines = _passbook_lines(idea_ids, statuses, supplier_values, customer_values, transfers)
    if part == "lines":
        body = lines[list(PASSBOOK_HEADER)].to_numpy(dtype=object).tolist()
        return [list(PASSBOOK_HEADER), *[[arrays.cell_value(x) for x in row] for row in body]]
    b = passbook.balances(lines, s.target_supplier_share)
    return [
        ["Supplier balance", b.supplier],
        ["Customer balance", b.customer],
        ["Total", b.total],
        ["Target supplier share", b.target_supplier_share],
        ["Equity gap", b.equity_gap],
    ]


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("statuses", ndim=2, doc=_STATUSES)
@xl.arg("supplier_values", ndim=2, doc="Supplier values (tblIdeas[Supplier value]).")
@xl.arg("customer_values", ndim=2, doc="Customer values (tblIdeas[Customer value]).")
@xl.arg("transfers", ndim=2, doc=_TRANSFERS)
@xl.arg(
    "target_supplier_share",
    doc="Optional: the supplier's fair share of the total, 0 to 1 (blank = Settings).",
)
@xl.arg("settings", ndim=2, doc=_SETTINGS)
@arrays.guarded
def CVM_EQUITY_GAP(
    statuses,
    supplier_values,
    customer_values,
    transfers,
    target_supplier_share=None,
    settings=None,
    caller=None,
):
    """Equity gap of the passbook: supplier balance - target share x total. Positive: the supplier is ahead
    by that much; negative: the customer is.
    """
    s = arrays.with_overrides(resolve_settings(settings, caller), target_supplier_share=target_supplier_share)
    lines = _passbook_lines(None, statuses, supplier_values, customer_values, transfers)
    return passbook.balances(lines, s.target_supplier_share).equity_gap


MAP_CORNER = "Customer \\ Supplier"


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("cells", ndim=2, doc="Map cells of the ideas (tblIdeas[Cell]), e.g. W-L; blanks are skipped.")
@xl.arg(
    "values",
    ndim=2,
    doc="Optional: amounts to add up per cell, e.g. tblIdeas[Net value]. Omitted: count ideas.",
)
@xl.arg("labels", doc="Optional Yes/No: Yes adds the Win / Indifferent / Lose labels around the grid.")
@arrays.guarded
def CVM_MAP(cells, values=None, labels=None):
    """The 3x3 Idea Portfolio Map: ideas (or a sum of values) per cell, customer Win/Indifferent/Lose down,
    supplier Lose/Indifferent/Win across.
    """
    cell_list = arrays.as_column(cells, "cells")
    for c in cell_list:
        upstream(c)
    if values is None:
        amounts = [0.0] * len(cell_list)
    else:
        amounts = [number(x) for x in arrays.as_column(values, "values")]
        if len(amounts) != len(cell_list):
            raise ArgumentError(f"cells has {len(cell_list)} rows but values has {len(amounts)}")
    for i, c in enumerate(cell_list, start=1):
        if not (arrays.is_blank_cell(c) or c in CELLS):
            raise ValueError(f"Row {i}: {c!r} is not a map cell; use one of {', '.join(CELLS)}")
    frame = pd.DataFrame(
        {col.CELL: [None if arrays.is_blank_cell(c) else c for c in cell_list], col.NET_VALUE: amounts}
    )
    grid = portfolio_map.map_grid(
        portfolio_map.portfolio_map(frame), "ideas" if values is None else "net_value"
    )
    if not yes_no(labels, False):
        return grid
    names = portfolio_map.OUTCOME_NAMES
    return [
        [MAP_CORNER, *(names[s] for s in portfolio_map.SUPPLIER_COLUMNS)],
        *([names[c], *row] for c, row in zip(portfolio_map.CUSTOMER_ROWS, grid, strict=True)),
    ]


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("ideas", ndim=2, doc="The signed ideas with their header row: Idea ID, Title, Owner firm, Owner, "
        "Start, End, Supplier value, Customer value, Transfer, Split method; and Bundle, where ideas are "
        "signed in a bundle.")  # fmt: skip
@xl.arg("settings", ndim=2, doc=_SETTINGS)
@arrays.guarded
def CVM_FINGERPRINT(ideas, settings=None, caller=None):
    """Sign-off fingerprint: 16 hex characters over the signed ideas and the settings. Recompute later: any
    change to a signed figure changes it.
    """
    grid = arrays.as_grid(ideas)
    for row in grid:
        for value in row:
            upstream(value)  # any error among the signed ideas is the fingerprint's error
    header = {normalise_header(name): i for i, name in enumerate(grid[0]) if not arrays.is_blank_cell(name)}
    positions = {}
    for name in fingerprint.FINGERPRINT_FIELDS:
        if normalise_header(name) not in header:
            missing = [n for n in fingerprint.FINGERPRINT_FIELDS if normalise_header(n) not in header]
            raise ArgumentError(
                f"ideas needs a header row with {', '.join(missing)}: select the table with its headers"
            )
        positions[name] = header[normalise_header(name)]
    if normalise_header(fingerprint.BUNDLE_FIELD) in header:  # optional: a member's bundle is signed too
        positions[fingerprint.BUNDLE_FIELD] = header[normalise_header(fingerprint.BUNDLE_FIELD)]
    records = [
        {name: row[i] for name, i in positions.items()}
        for row in grid[1:]
        if not all(arrays.is_blank_cell(x) for x in row)
    ]
    return fingerprint.fingerprint(records, resolve_settings(settings, caller))


# --- relationship readiness (SPEC §3.9) ---------------------------------------------------------

ELIGIBLE_PARTS = ("eligible", "reasons", "all")


@excel_help
@xl.func(category=CATEGORY)
@xl.arg(
    "industry_quartile", ndim=2, doc="Industry leadership quartile, 1 = top (Q1 works): a cell or a column."
)
@xl.arg("long_term_culture", ndim=2, doc="Culture of long-term thinking, a score from 1 to 5.")
@xl.arg("excellence_phase", ndim=2, doc="Business-excellence phase: I, II or III (Phase III and 1-3 work).")
@xl.arg("co_destiny", ndim=2, doc="Desire for co-destiny, a score from 1 to 5.")
@xl.arg("show", doc="Optional: eligible (blank: Yes or No), reasons, or all (two cells).")
@xl.arg("settings", ndim=2, doc=_SETTINGS)
@arrays.guarded
def CVM_ELIGIBLE(
    industry_quartile, long_term_culture, excellence_phase, co_destiny, show=None, settings=None, caller=None
):
    """Customer screening: Yes when the customer meets the CVM prerequisites (top quartile, phase III,
    culture and co-destiny at least 3; thresholds in Settings), else No with the reasons.
    """
    thresholds = ScreeningThresholds.of(resolve_settings(settings, caller))
    part = option(show, ELIGIBLE_PARTS, "eligible", "show")

    def values(q, c, p, d):
        if all(arrays.is_blank_cell(x) for x in (q, c, p, d)):
            return (None, None)
        result = screen_customer(q, c, p, d, thresholds)
        return ("Yes" if result.eligible else "No", result.text)

    args = (industry_quartile, long_term_culture, excellence_phase, co_destiny)
    if part == "all":
        return arrays.rowwise(values, 2, *args)
    index = ELIGIBLE_PARTS.index(part)
    return arrays.elementwise(lambda *a: values(*a)[index], *args)


MATURITY_PARTS = ("label", "ready", "reasons")
_RATING_CELLS = 6  # Attributes, Ability, Attitude for the supplier, then for the customer


def _relationships(grid: list[list[Any]]) -> list[list[Any]]:
    """The six ratings of each relationship in a range: two rows of three (one relationship), six
    cells in a row or a column (one), or one row of six per relationship."""
    rows, cols = len(grid), len(grid[0])
    if (rows, cols) in ((2, 3), (_RATING_CELLS, 1)):
        return [[x for row in grid for x in row]]
    if cols == _RATING_CELLS:
        return grid
    raise ArgumentError(
        "ratings must be the two firms' Attributes, Ability and Attitude: two rows (Supplier, Customer) "
        f"of three cells, or one row of six cells per relationship; got {rows} rows by {cols} columns"
    )


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("ratings", ndim=2, doc="A-D ratings: two rows (Supplier, Customer) of three cells (Attributes, "
        "Ability, Attitude), or one row of six cells per relationship for a column of verdicts.")  # fmt: skip
@xl.arg("show", doc="Optional: label (blank), ready (Yes or No) or reasons.")
@arrays.guarded
def CVM_MATURITY(ratings, show=None):
    """Maturity verdict over both firms' A-D ratings: any D is Not ready, a rating missing is Not assessed,
    any C is Ready: development needs, else Ready.
    """
    part = option(show, MATURITY_PARTS, "label", "show")

    def one(six):
        if all(arrays.is_blank_cell(x) for x in six):
            return None
        upstream = next((x for x in six if arrays.is_error_text(x)), None)
        if upstream is not None:
            return upstream
        try:
            verdict = maturity_verdict(
                ratings_from_grid([None if arrays.is_blank_cell(x) else x for x in six])
            )
        except ValueError as exc:
            return error_text(str(exc))
        if part == "ready":
            return "Yes" if verdict.ready else "No"
        return verdict.label if part == "label" else "; ".join(verdict.reasons)

    results = [arrays.cell_value(one(six)) for six in _relationships(arrays.as_grid(ratings))]
    return results[0] if len(results) == 1 else [[r] for r in results]


RISK_PARTS = ("rating", "level", "all")


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("likelihood", ndim=2, doc="Likelihood from 1 (rare) to 5 (almost certain): a cell or a column.")
@xl.arg("impact", ndim=2, doc="Impact from 1 (negligible) to 5 (severe), the same length as likelihood.")
@xl.arg("show", doc="Optional: rating (blank: likelihood x impact), level, or all (two cells).")
@arrays.guarded
def CVM_RISK_RATING(likelihood, impact, show=None):
    """Joint risk rating: likelihood x impact (1-25) and its level: Low (1-4), Medium (5-9), High (10-16),
    Critical (20-25). Blank when either score is blank.
    """
    part = option(show, RISK_PARTS, "rating", "show")

    def values(lk, im):
        rated = risk_rating(lk, im)
        return (None, None) if rated is None else (rated.rating, rated.level)

    if part == "all":
        return arrays.rowwise(values, 2, likelihood, impact)
    index = RISK_PARTS.index(part)
    return arrays.elementwise(lambda *a: values(*a)[index], likelihood, impact)


# --- the CVM journey: actions, waves, quick wins and the refresh pipeline (issue 14) -----------------

_AS_OF = (
    "Optional: the day to judge on, a date cell or a column. Blank = today, as TODAY() gives; pass "
    "TODAY() itself for a result Excel recalculates every day."
)
_STATUS = "The idea's Status (tblIdeas[Status]); blank = no status yet."
_VERDICT_CODE = "The idea's Verdict code (tblIdeas[Verdict code], e.g. GO) or its Verdict label."
# A verdict is read by its code or its label (the Ideas table shows both), any case.
_VERDICT_CODES = tuple(v.code for v in VERDICTS)
_VERDICT_LABELS = {v.label: v.code for v in VERDICTS}
REFRESH_PARTS = ("due", "reasons")


def _blank(*values: object) -> bool:
    return all(arrays.is_blank_cell(x) for x in values)


def _done(value: object) -> object:
    """A Done cell as ``core.actions.is_done`` reads it: the date it holds (read as the master's Done
    column is), else the mark itself, such as a customer's x."""
    upstream(value)
    found = cells.safely(cells.date, value)
    return value if found is None else found


def _status(value: object) -> str | None:
    """A Status cell in its canonical spelling; a cell naming no status is an error, not 'open'."""
    upstream(value)
    return cells.choice(value, col.STATUSES)


def _verdict_code(value: object) -> str | None:
    upstream(value)
    return cells.choice(value, _VERDICT_CODES, _VERDICT_LABELS)


def _idea_count(value: object) -> int:
    """A count of ideas: a whole number, 0 or more; blank = 0 (what COUNTIFS gives for none)."""
    count = number(value)
    if math.isnan(count):
        return 0
    if count < 0 or not count.is_integer():
        raise ValueError(f"{count:g} is not a number of ideas: write a whole number, 0 or more")
    return int(count)


@excel_help
@xl.func(category=CATEGORY)
@xl.arg(
    "due", ndim=2, doc="The action's Due date: a cell or a column (tblActions[Due]). Blank: never overdue."
)
@xl.arg("done", ndim=2, doc="The action's Done cell: a date (done on that day) or any mark such as x; "
        "blank = not done.")  # fmt: skip
@xl.arg("as_of", ndim=2, doc=_AS_OF)
@arrays.guarded
def CVM_ACTION_STATUS(due, done, as_of=None):
    """Status of an action: Done (a Done date on or before as_of, or any mark), Overdue (not done and Due
    before as_of) or Open. Blank when Due and Done are both blank.
    """

    def one(d, x, day):
        if _blank(d, x):
            return None
        return actions.action_status(arrays.day(d), _done(x), arrays.as_of(day))

    return arrays.elementwise(one, due, done, as_of)


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("due", ndim=2, doc="The action's Due date: a cell or a column (tblActions[Due]).")
@xl.arg("done", ndim=2, doc="The action's Done cell: a date (done on that day) or any mark such as x; "
        "blank = not done.")  # fmt: skip
@xl.arg("as_of", ndim=2, doc=_AS_OF)
@arrays.guarded
def CVM_DAYS_OVERDUE(due, done, as_of=None):
    """Days an action is overdue: as_of - Due for an action not done by as_of whose Due is before it.
    Blank for an action that is not overdue.
    """

    def one(d, x, day):
        if _blank(d, x):
            return None
        return actions.days_overdue(arrays.day(d), _done(x), arrays.as_of(day))

    return arrays.elementwise(one, due, done, as_of)


# end_date, not end: the VBA wrapper xlwings writes names its arguments after these, and End is a
# VBA keyword (a wrapper using it does not compile, and then no CVM function works).
@excel_help
@xl.func(category=CATEGORY)
@xl.arg("end_date", ndim=2, doc="The idea's End date: a cell or a column (tblIdeas[End]).")
@xl.arg("status", ndim=2, doc=_STATUS)
@xl.arg("as_of", ndim=2, doc=_AS_OF)
@arrays.guarded
def CVM_ESCALATED(end_date, status, as_of=None):
    """TRUE for an idea past its End (End before as_of) that is not Delivered or Dropped: management
    must remove the block. Overdue actions: CVM_ACTION_STATUS. Blank when End and Status are blank.
    """

    def one(e, s, day):
        if _blank(e, s):
            return None
        return actions.is_escalated_idea(arrays.day(e), _status(s), arrays.as_of(day))

    return arrays.elementwise(one, end_date, status, as_of)


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("wave", ndim=2, doc="The Wave cell of an idea or raw idea: a cell or a column; blank = the "
        "customer's latest wave.")  # fmt: skip
@xl.arg("kick_offs", ndim=2, doc="The customer's kick-off dates in wave order, wave 1 (its Wave start) "
        "first: a column or a row; a blank cell is a wave not planned yet.")  # fmt: skip
@xl.arg("as_of", ndim=2, doc=_AS_OF)
@arrays.guarded
def CVM_WAVE(wave, kick_offs, as_of=None):
    """The wave of an idea: its Wave, or when blank the customer's latest wave kicked off by as_of (the
    highest wave when none has kicked off yet). Blank without a Wave and without kick-offs.
    """
    known = []
    for wave_no, x in enumerate(arrays.as_column(kick_offs, "kick_offs"), start=1):
        upstream(x)  # the kick-offs count for every row: an error among them is the whole result
        try:
            kick_off = arrays.day(x)
        except ValueError as exc:
            raise ValueError(f"Wave {wave_no} of kick_offs: {arrays.reason(exc)}") from None
        if kick_off is not None:
            known.append(waves.Wave(wave_no, kick_off))

    def one(w, day):
        if waves.wave_number(w) is None and not arrays.is_blank_cell(w):
            raise ValueError(
                f"{cells.quoted(w)} is not a wave: write a whole number from {waves.WAVE_LOW}, or leave "
                "it blank for the customer's latest wave"
            )
        return waves.wave_of(w, known, arrays.as_of(day))

    return arrays.elementwise(one, wave, as_of)


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("verdict_code", ndim=2, doc=_VERDICT_CODE)
@xl.arg("feasibility", ndim=2, doc="The idea's Feasibility, 1 (hard and slow) to 5 (easy and fast); "
        "blank = not rated.")  # fmt: skip
@xl.arg("category", ndim=2, doc="The idea's Category: " + ", ".join(col.CATEGORIES) + ".")
@arrays.guarded
def CVM_QUICK_WIN(verdict_code, feasibility, category):
    """TRUE for a quick win: a Go idea (any Go verdict) with Feasibility 4 or more in the category
    Hygiene ("win small, win early, win often"). Blank when all three cells are blank.
    """

    def one(v, f, c):
        if _blank(v, f, c):
            return None
        found = cells.whole_number(f, ranking.FEASIBILITY_LOW, ranking.FEASIBILITY_HIGH, "Feasibility")
        return ranking.is_quick_win(_verdict_code(v), found, cells.choice(c, col.CATEGORIES))

    return arrays.elementwise(one, verdict_code, feasibility, category)


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("verdict_code", ndim=2, doc=_VERDICT_CODE)
@xl.arg("status", ndim=2, doc=_STATUS)
@xl.arg("emulated", ndim=2, doc="The day a competitor copied the idea (tblIdeas[Emulated]); blank = not "
        "copied.")  # fmt: skip
@xl.arg("as_of", ndim=2, doc=_AS_OF)
@arrays.guarded
def CVM_OPEN_GO(verdict_code, status, emulated=None, as_of=None):
    """TRUE for an open Go idea: a Go verdict, a Status not in the passbook and not Dropped, and not copied
    by a competitor by as_of. Count them per customer for CVM_REFRESH_DUE. Blank for a blank row.
    """

    def one(v, s, e, day):
        if _blank(v, s, e):
            return None
        return pipeline.is_open_go(_verdict_code(v), _status(s), arrays.day(e), arrays.as_of(day))

    return arrays.elementwise(one, verdict_code, status, emulated, as_of)


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("last_kick_off", ndim=2, doc="The customer's last kick-off on or before as_of: a cell or a "
        "column; blank = no wave yet (never due).")  # fmt: skip
@xl.arg("open_go_ideas", ndim=2, doc="How many open Go ideas the customer has (see CVM_OPEN_GO); blank = 0.")
@xl.arg("as_of", ndim=2, doc=_AS_OF)
@xl.arg("show", doc="Optional: due (blank: TRUE or FALSE) or reasons.")
@xl.arg("settings", ndim=2, doc=_SETTINGS + " Reads Refresh after months and Minimum open Go ideas.")
@arrays.guarded
def CVM_REFRESH_DUE(last_kick_off, open_go_ideas, as_of=None, show=None, settings=None, caller=None):
    """TRUE when a customer is due a new wave: its last kick-off is older than Settings Refresh after
    months (6) or fewer than Minimum open Go ideas (3) remain open. Blank for a blank row.
    """
    s = resolve_settings(settings, caller)
    part = option(show, REFRESH_PARTS, "due", "show")

    def one(k, n, day):
        if _blank(k, n):
            return None
        reasons = pipeline.refresh_reasons(arrays.day(k), _idea_count(n), arrays.as_of(day), s)
        return bool(reasons) if part == "due" else "; ".join(reasons)

    return arrays.elementwise(one, last_kick_off, open_go_ideas, as_of)


# --- value chains (issue 16) -------------------------------------------------------------------------

SHAPLEY_PARTS = ("shares", "transfers")


def _portfolio(values: Any) -> tuple[int, list[int], list[float], list[float]] | None:
    """The portfolio game of a range of values (rows = ideas, columns = parties): the number of
    parties, each idea's coalition mask and net (its parties are its non-blank cells, its net their
    sum), and each party's own value summed over the ideas. None for an all-blank range."""
    grid = arrays.as_grid(values)
    for row in grid:  # an error anywhere changes every party's share: it is the whole result
        for x in row:
            upstream(x)
    n = len(grid[0])
    if n > MAX_PARTIES:
        raise ArgumentError(
            f"values has {n} columns: one column per party, at most {MAX_PARTIES} parties "
            "(the supplier, the customer and 10 partners)"
        )
    masks: list[int] = []
    nets: list[float] = []
    own: list[list[float]] = [[] for _ in range(n)]
    for r, row in enumerate(grid, start=1):
        members: list[int] = []
        amounts: list[float] = []
        for c, x in enumerate(row):
            try:
                v = number(x)
            except ValueError as exc:
                raise ValueError(f"Row {r}, column {c + 1} of values: {arrays.reason(exc)}") from None
            if math.isnan(v):
                continue  # a blank cell: this party is not in this idea
            if not math.isfinite(v):
                raise ValueError(f"Row {r}, column {c + 1} of values: {x!r} is not a finite number")
            members.append(c)
            amounts.append(v)
            own[c].append(v)
        if members:  # a blank row is no idea
            masks.append(mask_of(members))
            nets.append(math.fsum(amounts))
    if not masks:
        return None
    return n, masks, nets, [math.fsum(o) for o in own]


@excel_help
@xl.func(category=CATEGORY)
@xl.arg("values", ndim=2, doc="Each party's value of each idea over the horizon: one row per idea, one "
        "column per party (at most 12). A blank cell: that party is not in that idea.")  # fmt: skip
@xl.arg("show", doc="Optional: shares (blank) or transfers: each party's share minus its own values "
        "(> 0: the party receives).")  # fmt: skip
@arrays.guarded
def CVM_SHAPLEY(values, show=None):
    """Each party's Shapley share of the ideas, spilled as a row: the exact Shapley value of the game
    v(S) = the summed net value of the ideas whose parties all lie in S. One idea: its net / its
    parties. Blank for blank values.
    """
    part = option(show, SHAPLEY_PARTS, "shares", "show")
    game = _portfolio(values)
    if game is None:
        return [[arrays.BLANK] * len(arrays.as_grid(values)[0])]
    n, masks, nets, own = game
    shares = portfolio_shapley(n, masks, nets)
    if part == "transfers":  # t_i = final_i - value_i, as core.chain defines a party's transfer
        return [[float(phi) - v + 0.0 for phi, v in zip(shares.tolist(), own, strict=True)]]
    return [[float(phi) for phi in shares.tolist()]]


__all__ = [
    "CVM_ACTION_STATUS",
    "CVM_BAND",
    "CVM_CELL",
    "CVM_DAYS_OVERDUE",
    "CVM_ELIGIBLE",
    "CVM_EQUITY_GAP",
    "CVM_ESCALATED",
    "CVM_FINGERPRINT",
    "CVM_MAP",
    "CVM_MATURITY",
    "CVM_NET",
    "CVM_OPEN_GO",
    "CVM_OUTCOME",
    "CVM_PASSBOOK",
    "CVM_PREMIUM",
    "CVM_QUICK_WIN",
    "CVM_REFRESH_DUE",
    "CVM_RISK_RATING",
    "CVM_SHAPLEY",
    "CVM_SPLIT",
    "CVM_TRANSFER",
    "CVM_VALUE",
    "CVM_VERDICT",
    "CVM_WAVE",
    "CVM_ZONE",
]
