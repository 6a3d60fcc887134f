"""The figures of the Monthly report, per relationship, following the conventions of ``cvm_xl.core.tracking``.

``relationship_report`` computes one relationship's report from plain columns; the tests hold it
to the core's ``plan_vs_realised``, ``cumulative_by_month`` and ``value_contract``.
``ReportSlices`` gives a generation run the same reports for every customer: the month-by-month
planned and realised amounts of all relationships are added up in one vectorised pass, and each
customer's report is then assembled from its slice by the very code ``relationship_report`` uses,
with the amounts added in the same order, so both give the same numbers to the last bit.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import accumulate

import numpy as np
import pandas as pd

from cvm_xl.core import columns as col
from cvm_xl.core.cells import parse_number
from cvm_xl.core.passbook import in_passbook
from cvm_xl.core.settings import Settings
from cvm_xl.core.tracking import (
    AMOUNTS,
    CONTRACT_COLUMNS,
    CUMULATIVE,
    CUSTOMER_PLANNED,
    CUSTOMER_REALISED,
    MET,
    MONTH,
    NO_GUARANTEE,
    OPEN,
    SHORT,
    SUPPLIER_PLANNED,
    SUPPLIER_REALISED,
    VALUE_GUARANTEE,
    WAVE_START,
    _month_shares,
    month_start,
    to_date,
)
from cvm_xl.core.values import is_blank

MONTH_TABLE = (MONTH, *AMOUNTS, *(CUMULATIVE[a] for a in AMOUNTS))
IDEA_FIELDS = (col.IDEA_ID, col.STATUS, col.START, *col.VALUE_INPUTS)
TRACKING_FIELDS = (col.IDEA_ID, MONTH, SUPPLIER_REALISED, CUSTOMER_REALISED)
Months = dict[int, list[float]]  # month index -> [supplier, customer], in the order months were met


def chart_months(settings: Settings) -> int:
    """Months the chart shows from the wave start: the horizon plus two years for later starts."""
    return 12 * (math.ceil(settings.horizon_years) + 2)


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


@lru_cache(maxsize=4096)
def _month_date(index: int) -> dt.date:
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)


def _number(x: object) -> float:
    try:
        return parse_number(x)
    except ValueError:
        return math.nan


def _text(x: object) -> str | None:
    return None if is_blank(x) else str(x).strip()


@dataclass(frozen=True)
class MonthlyReport:
    """One relationship's report: the month table (``MONTH_TABLE`` columns, as lists), the contract
    years (``tracking.CONTRACT_COLUMNS`` tuples) and the value to date."""

    customer_id: str
    table: dict[str, list]
    contract_rows: list[tuple]
    reported_to: dt.date | None  # last day of the last month anything was reported for
    guarantee: float  # NaN when blank
    planned_to_date: tuple[float, float]  # supplier, customer: plan up to ``reported_to``
    realised_to_date: tuple[float, float]

    @cached_property
    def months(self) -> pd.DataFrame:
        return pd.DataFrame(self.table, columns=list(MONTH_TABLE))

    @cached_property
    def contract(self) -> pd.DataFrame:
        return pd.DataFrame(self.contract_rows, columns=list(CONTRACT_COLUMNS))


def relationship_report(
    customer: Mapping[str, object],
    ideas: Mapping[str, Sequence[object]],
    tracking: Mapping[str, Sequence[object]],
    horizon_years: float,
    window: int = 0,
) -> MonthlyReport:
    """The report of one relationship, following the conventions of ``cvm_xl.core.tracking``.

    ``customer`` is its Customers row; ``ideas`` its ideas and ``tracking`` tracking rows, column
    by column (``IDEA_FIELDS``, ``TRACKING_FIELDS``); tracking rows of other ideas are left out.
    Per month it gives what ``cumulative_by_month(plan_vs_realised(...))`` gives, and per contract
    year what ``value_contract`` gives, in a fraction of the time. ``window``: the month table spans
    at least this many months from its first month (the earlier of the wave start's month and the
    first month with a figure); the months added plan nothing.
    """
    shares = _month_shares(horizon_years)
    planned: Months = {}
    realised: Months = {}
    own: set[str] = set()
    for i, raw_id in enumerate(ideas[col.IDEA_ID]):
        idea_id = _text(raw_id)
        if idea_id:
            own.add(idea_id)
        start = to_date(ideas[col.START][i])
        values = [_number(ideas[name][i]) for name in col.VALUE_INPUTS]
        if start is None or all(math.isnan(v) for v in values) or not in_passbook(ideas[col.STATUS][i]):
            continue
        sa, so, ca, co = (0.0 if math.isnan(v) else v for v in values)
        first = _month_index(start)
        for k, share in enumerate(shares):
            month = planned.setdefault(first + k, [0.0, 0.0])
            month[0] += sa / 12.0 * share + (so if k == 0 else 0.0)
            month[1] += ca / 12.0 * share + (co if k == 0 else 0.0)
    for j, raw_id in enumerate(tracking[col.IDEA_ID]):
        day = month_start(tracking[MONTH][j])
        if day is None or _text(raw_id) not in own:
            continue
        month = realised.setdefault(_month_index(day), [0.0, 0.0])
        for k, name in enumerate((SUPPLIER_REALISED, CUSTOMER_REALISED)):
            value = _number(tracking[name][j])
            month[k] += 0.0 if math.isnan(value) else value
    return assemble_report(customer, planned, realised, window)


def assemble_report(
    customer: Mapping[str, object], planned: Months, realised: Months, window: int
) -> MonthlyReport:
    """The report of one relationship from its planned and realised amounts per month."""
    cid = str(customer.get(col.CUSTOMER_ID))
    stop = max(realised, default=None)
    reported_to = _month_date(stop + 1) - dt.timedelta(days=1) if stop is not None else None
    guarantee = _number(customer.get(VALUE_GUARANTEE))
    try:
        wave = month_start(customer.get(WAVE_START))
    except ValueError:
        wave = None
    wave_index = None if wave is None else _month_index(wave)
    months_with_figures = planned.keys() | realised.keys()
    contract = _contract_years(customer, wave_index, planned, realised, guarantee, reported_to)

    starts = [m for m in (wave_index, min(months_with_figures, default=None)) if m is not None]
    table: dict[str, list] = {name: [] for name in MONTH_TABLE}
    if not starts:
        return MonthlyReport(cid, table, contract, reported_to, guarantee, (0.0, 0.0), (0.0, 0.0))
    first = min(starts)
    last = max(first + window - 1, max(months_with_figures, default=first))
    span = range(first, last + 1)
    # Realised figures run up to the last month reported, then stay NaN (as in the core).
    reported = range(first, stop + 1) if stop is not None else range(0)
    not_yet = [math.nan] * (len(span) - len(reported))
    zero = (0.0, 0.0)
    amounts = {
        SUPPLIER_PLANNED: [planned.get(m, zero)[0] + 0.0 for m in span],
        SUPPLIER_REALISED: [realised.get(m, zero)[0] + 0.0 for m in reported] + not_yet,
        CUSTOMER_PLANNED: [planned.get(m, zero)[1] + 0.0 for m in span],
        CUSTOMER_REALISED: [realised.get(m, zero)[1] + 0.0 for m in reported] + not_yet,
    }
    table = {MONTH: [_month_date(m) for m in span], **amounts}
    for name in AMOUNTS:  # running totals, added month by month (NaN once nothing is reported)
        table[CUMULATIVE[name]] = list(accumulate(amounts[name]))
    to_date_planned = (0.0, 0.0)
    if reported:
        at = len(reported) - 1
        to_date_planned = (table[CUMULATIVE[SUPPLIER_PLANNED]][at], table[CUMULATIVE[CUSTOMER_PLANNED]][at])
    realised_total = tuple(
        math.fsum(v for v in table[name] if not math.isnan(v))
        for name in (SUPPLIER_REALISED, CUSTOMER_REALISED)
    )
    return MonthlyReport(
        cid,
        table,
        contract,
        reported_to,
        guarantee,
        to_date_planned,
        realised_total,  # type: ignore[arg-type]
    )


def _contract_years(
    customer: Mapping[str, object],
    wave_index: int | None,
    planned: Months,
    realised: Months,
    guarantee: float,
    reported_to: dt.date | None,
) -> list[tuple]:
    """``tracking.value_contract`` rows of one relationship (see its conventions)."""
    if wave_index is None:
        return []
    years = 1 + max((max(0, (m - wave_index) // 12) for m in planned.keys() | realised.keys()), default=0)
    plan = [0.0] * years
    delivered = [0.0] * years
    for index, (_, value) in planned.items():
        plan[max(0, (index - wave_index) // 12)] += value
    for index, (_, value) in realised.items():
        delivered[max(0, (index - wave_index) // 12)] += value
    name = _text(customer.get("Customer"))
    cid = _text(customer.get(col.CUSTOMER_ID))
    rows = []
    for year in range(years):
        year_from = _month_date(wave_index + 12 * year)
        year_to = _month_date(wave_index + 12 * (year + 1)) - dt.timedelta(days=1)
        got = delivered[year] + 0.0
        if math.isnan(guarantee):
            shortfall, status = math.nan, NO_GUARANTEE
        else:
            shortfall = max(0.0, guarantee - got)
            over = reported_to is not None and year_to <= reported_to
            status = MET if got >= guarantee else (SHORT if over else OPEN)
        rows.append(
            (cid, name, year + 1, year_from, year_to, guarantee, plan[year] + 0.0, got, shortfall, status)
        )
    return rows


# --- every relationship of a run at once ------------------------------------------------------------


def _numbers(values: np.ndarray) -> np.ndarray:
    """``_number`` of every cell, as floats (NaN for blank or unreadable)."""
    if values.dtype.kind == "f":
        return values.astype(float, copy=False)
    return np.fromiter((_number(v) for v in values.tolist()), dtype=float, count=len(values))


def _blank_as_zero(values: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), 0.0, values)


Sums = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # owner, month, supplier, customer
Slices = tuple[dict[int, tuple[int, int]], np.ndarray, np.ndarray, np.ndarray]


def _sums(owner: np.ndarray, month: np.ndarray, amounts: tuple[np.ndarray, ...]) -> Sums:
    """Per (owner, month) in order of first appearance within each owner: owner, month and the two
    sums, each added up in the order of the input (as ``relationship_report`` adds them)."""
    if not len(owner):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0), np.zeros(0)
    keys = owner.astype(np.int64) * (1 << 32) + month.astype(np.int64)
    unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    sums = [np.bincount(inverse, weights=a, minlength=len(unique)) for a in amounts]
    order = np.lexsort((first, unique >> 32))
    return (unique >> 32)[order], (unique & 0xFFFFFFFF)[order], sums[0][order], sums[1][order]


class ReportSlices:
    """Every relationship's planned and realised amounts per month, added up once per run.

    ``ideas`` and ``tracking`` are whole tables, column by column (``IDEA_FIELDS``,
    ``TRACKING_FIELDS``); ``idea_groups`` and ``tracking_groups`` give each customer's rows, as
    ``RunData`` slices them. ``customer`` then assembles one customer's ``MonthlyReport``.
    """

    def __init__(
        self,
        ideas: Mapping[str, np.ndarray],
        idea_groups: Mapping[str, np.ndarray],
        tracking: Mapping[str, np.ndarray],
        tracking_groups: Mapping[str, np.ndarray],
        horizon_years: float,
        window: int,
    ) -> None:
        self.window = window
        self._codes = {cid: k for k, cid in enumerate(dict.fromkeys([*idea_groups, *tracking_groups]))}
        planned = self._planned(ideas, idea_groups, horizon_years)
        realised = self._realised(ideas, idea_groups, tracking, tracking_groups)
        self._planned_slices = self._split(*planned)
        self._realised_slices = self._split(*realised)

    def _owners(self, n: int, groups: Mapping[str, np.ndarray]) -> np.ndarray:
        owner = np.full(n, -1, dtype=np.int64)
        for cid, positions in groups.items():
            owner[positions] = self._codes[cid]
        return owner

    def _planned(
        self, ideas: Mapping[str, np.ndarray], groups: Mapping[str, np.ndarray], horizon: float
    ) -> Sums:
        owner = self._owners(len(ideas[col.IDEA_ID]), groups)
        values = [_numbers(ideas[name]) for name in col.VALUE_INPUTS]
        blank = np.isnan(values[0]) & np.isnan(values[1]) & np.isnan(values[2]) & np.isnan(values[3])
        starts, statuses = ideas[col.START], ideas[col.STATUS]
        chosen, first_months = [], []
        for i in np.flatnonzero((owner >= 0) & ~blank).tolist():
            start = to_date(starts[i])
            if start is not None and in_passbook(statuses[i]):
                chosen.append(i)
                first_months.append(_month_index(start))
        shares = np.array(_month_shares(horizon), dtype=float)
        k = len(shares)
        picked = np.array(chosen, dtype=np.int64)
        sa, so, ca, co = (_blank_as_zero(v[picked]) for v in values)
        first = np.array(first_months, dtype=np.int64)
        # One contribution per idea and month of its horizon, idea by idea as the core adds them.
        share = np.tile(shares, len(picked))
        at_start = np.tile(np.arange(k) == 0, len(picked))
        supplier = np.repeat(sa, k) / 12.0 * share + np.where(at_start, np.repeat(so, k), 0.0)
        customer = np.repeat(ca, k) / 12.0 * share + np.where(at_start, np.repeat(co, k), 0.0)
        month = np.repeat(first, k) + np.tile(np.arange(k), len(picked))
        return _sums(np.repeat(owner[picked], k), month, (supplier, customer))

    def _realised(
        self,
        ideas: Mapping[str, np.ndarray],
        idea_groups: Mapping[str, np.ndarray],
        tracking: Mapping[str, np.ndarray],
        tracking_groups: Mapping[str, np.ndarray],
    ) -> Sums:
        # A tracking row counts for its customer when it names one of that customer's ideas.
        idea_owner = self._owners(len(ideas[col.IDEA_ID]), idea_groups)
        own: dict[str, set[int]] = {}
        for raw, code in zip(ideas[col.IDEA_ID].tolist(), idea_owner.tolist(), strict=True):
            text = _text(raw)
            if text and code >= 0:
                own.setdefault(text, set()).add(code)
        owner = self._owners(len(tracking[col.IDEA_ID]), tracking_groups)
        rows, months = [], []
        for j, (raw, when, code) in enumerate(
            zip(tracking[col.IDEA_ID].tolist(), tracking[MONTH].tolist(), owner.tolist(), strict=True)
        ):
            if code < 0:
                continue
            day, text = month_start(when), _text(raw)
            if day is not None and text is not None and code in own.get(text, ()):
                rows.append(j)
                months.append(_month_index(day))
        picked = np.array(rows, dtype=np.int64)
        amounts = tuple(
            _blank_as_zero(_numbers(tracking[name][picked]))
            for name in (SUPPLIER_REALISED, CUSTOMER_REALISED)
        )
        return _sums(owner[picked], np.array(months, dtype=np.int64), amounts)

    @staticmethod
    def _split(owner: np.ndarray, month: np.ndarray, supplier: np.ndarray, customer: np.ndarray) -> Slices:
        """The months and sums as compact arrays, and per owner code where its run starts and ends."""
        runs: dict[int, tuple[int, int]] = {}
        if len(owner):
            starts = [0, *(np.flatnonzero(np.diff(owner)) + 1).tolist()]
            ends = [*starts[1:], len(owner)]
            runs = dict(zip(owner[starts].tolist(), zip(starts, ends, strict=True), strict=True))
        return runs, month.astype(np.int32), supplier, customer

    @staticmethod
    def _months(slices: Slices, code: int | None) -> Months:
        runs, months, supplier, customer = slices
        run = None if code is None else runs.get(code)
        if run is None:
            return {}
        a, b = run
        return {
            m: [s, c]
            for m, s, c in zip(
                months[a:b].tolist(), supplier[a:b].tolist(), customer[a:b].tolist(), strict=True
            )
        }

    def customer(self, customer_id: str, customer: Mapping[str, object]) -> MonthlyReport:
        """The report of one customer; ``customer`` is its row of the Customers table."""
        code = self._codes.get(customer_id)
        planned = self._months(self._planned_slices, code)
        realised = self._months(self._realised_slices, code)
        return assemble_report(customer, planned, realised, self.window)
