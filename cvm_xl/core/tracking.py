"""Planned against realised value per idea and month, and the customer's value contract (issue 7).

Conventions (SPEC §3.6 and §3.7 leave them open):

* **Which ideas have a plan**: those both firms committed to, i.e. in the passbook (status Signed off,
  Implementing or Delivered), with at least one amount and a Start date.
* **Planned amounts** are nominal (not discounted) value deltas, before any transfer: each firm's
  *annual* amount is spread evenly, one twelfth a month, from the month of the idea's Start for the
  horizon (Settings ``Horizon years``; a fractional horizon ends with a part month, so the months add
  up to annual x horizon); the *one-time* amount falls in the Start month. Blank amounts count as 0.
* **Realised amounts** are what the Tracking sheet records for an idea in a month (not running
  totals); several rows for one idea and month add up. A month is the calendar month of ``Month``
  (any day in it). Rows without a month cannot be placed and are left out; a relationship's report
  counts the rows that name one of its ideas.
* **Cumulative** figures run per customer over consecutive calendar months; realised figures stop
  after the customer's last tracked month, so a chart does not show a flat line into the future.
* **Value contract**: contract years run in whole calendar months from the month of the customer's
  ``Wave start`` (year 1 = that month and the eleven after it). Value delivered to the customer,
  against the Value guarantee, is what the customer's finance team would sign (issue 14): its
  **realised gains** (the realised *customer* value of all its ideas in that year, without the
  Tracking rows of ``Kind`` One-time) plus the **transfers received** that year; the customer's own
  one-time amounts (the One-time rows: its investments) are shown apart, as **Investments**, and
  **Net incl. investments** = delivered + investments. A Tracking row's ``Kind`` is Recurring (also
  when blank) or One-time. The transfers of a contract year (``ContractParts``, worked out by
  ``core.value_contract`` from the split of the year's plan, trued up where an idea says so) count
  once the year is over, as they are settled per contract year. Shortfall = guarantee - delivered
  when positive, else 0. Realised value tracked before the wave start counts towards year 1. A year
  is Met once delivered >= guarantee, Short when it is
  over (by the end of the last reported month) and not met, else Open; No guarantee when the
  Value guarantee is blank.

Every rule above has its one home in this module, in the forms its readers need:

* per idea and tracking row (``plan_start``, ``idea_plan``, ``tracked_month``) and per relationship
  (``relationship_months``, ``monthly_report``, ``relationship_report``): plain Python;
* every relationship of a generation run at once (``plan_starts``, ``idea_plans``, ``run_months``):
  numpy, held equal to the plain forms to the last bit by property tests (tests/test_tracking.py);
* the Excel formulas of the contract years: a year's SUMIFS criteria (``FIRST_YEAR_CRITERIA``,
  ``LATER_YEAR_CRITERIA``) next to ``contract_year``, shortfall and status (``SHORTFALL_FORMULA``,
  ``STATUS_FORMULA``) next to ``contract_status``;
* tables of all customers (``plan_vs_realised``, ``cumulative_by_month``, ``value_contract``), built
  from the same rules.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import accumulate
from typing import Any

import numpy as np
import pandas as pd

from cvm_xl.core import columns as col
from cvm_xl.core.cells import apply_each, number_column, parse_number
from cvm_xl.core.cells import date as read_date
from cvm_xl.core.passbook import in_passbook
from cvm_xl.core.settings import Settings
from cvm_xl.core.values import is_blank

MONTH = "Month"
SUPPLIER_REALISED = "Supplier realised"
CUSTOMER_REALISED = "Customer realised"
SUPPLIER_PLANNED = "Supplier planned"
CUSTOMER_PLANNED = "Customer planned"
MONTHLY_COLUMNS = (
    col.CUSTOMER_ID, col.IDEA_ID, col.TITLE, MONTH,
    SUPPLIER_PLANNED, SUPPLIER_REALISED, CUSTOMER_PLANNED, CUSTOMER_REALISED,
)  # fmt: skip
AMOUNTS = (SUPPLIER_PLANNED, SUPPLIER_REALISED, CUSTOMER_PLANNED, CUSTOMER_REALISED)
CUMULATIVE = {name: f"Cumulative {name[0].lower()}{name[1:]}" for name in AMOUNTS}
CUSTOMER_MONTH_COLUMNS = (col.CUSTOMER_ID, MONTH, *AMOUNTS, *CUMULATIVE.values())
WAVE_START = "Wave start"
VALUE_GUARANTEE = "Value guarantee"
DELIVERED, REALISED_GAINS, TRANSFERS_RECEIVED = "Delivered", "Realised gains", "Transfers received"
INVESTMENTS, NET_WITH_INVESTMENTS = "Investments", "Net incl. investments"
CONTRACT_COLUMNS = (
    col.CUSTOMER_ID, "Customer", "Year", "From", "To", VALUE_GUARANTEE, CUSTOMER_PLANNED, DELIVERED,
    "Shortfall", "Status", REALISED_GAINS, TRANSFERS_RECEIVED, INVESTMENTS, NET_WITH_INVESTMENTS,
)  # fmt: skip
# A Tracking row's kind (issue 14): recurring (blank too) or one-time, the customer's own investment.
TRACKING_KIND = "Kind"
RECURRING, ONE_TIME = "Recurring", "One-time"
TRACKING_KINDS = (RECURRING, ONE_TIME)
TRACKING_KIND_SYNONYMS = {"Annual": RECURRING, "One time": ONE_TIME, "Once": ONE_TIME, "Investment": ONE_TIME}
MET, SHORT, OPEN, NO_GUARANTEE = "Met", "Short", "Open", "No guarantee"
ALL_CUSTOMERS = "All"
# One relationship's month table (``month_table``) and the cells its plan and tracking are read from.
MONTH_TABLE = (MONTH, *AMOUNTS, *(CUMULATIVE[a] for a in AMOUNTS))
IDEA_FIELDS = (col.IDEA_ID, col.STATUS, col.START, *col.VALUE_INPUTS)
TRACKING_FIELDS = (col.IDEA_ID, MONTH, SUPPLIER_REALISED, CUSTOMER_REALISED)
_REALISED = (SUPPLIER_REALISED, CUSTOMER_REALISED)
Months = dict[int, list[float]]  # month index -> [supplier, customer], in the order months were met
MonthTable = dict[str, list[Any]]  # ``MONTH_TABLE`` column -> its cells, month by month
ContractRow = tuple[Any, ...]  # one contract year, ``CONTRACT_COLUMNS``
Column = Sequence[object] | np.ndarray  # a table's column as a list or an array


@dataclass(frozen=True)
class ContractParts:
    """What the value contract adds to the realised customer value, per contract year (0 = year 1):
    the transfers the customer received and its own one-time amounts (Tracking rows of Kind One-time,
    its investments). ``core.value_contract`` works them out; blank = none."""

    transfers: Mapping[int, float] = field(default_factory=dict)
    investments: Mapping[int, float] = field(default_factory=dict)


NO_PARTS = ContractParts()
CustomerRow = Mapping[Any, object]  # a Customers row by column name (pandas' records: Hashable keys)


# --- calendar months ------------------------------------------------------------------------------


def month_index(day: dt.date) -> int:
    """The calendar month of ``day`` as a number; consecutive months are consecutive numbers."""
    return day.year * 12 + day.month - 1


@lru_cache(maxsize=4096)  # a run's reports meet the same few hundred months again and again
def month_date(index: int) -> dt.date:
    """The first day of month ``index`` (the inverse of ``month_index``)."""
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)


def month_end(index: int) -> dt.date:
    """The last day of month ``index``."""
    return month_date(index + 1) - dt.timedelta(days=1)


def month_start(x: object) -> dt.date | None:
    """The first day of the calendar month of ``x`` (None when blank)."""
    day = read_date(x)
    return None if day is None else day.replace(day=1)


def month_of(x: object) -> int | None:
    """``month_index`` of the month a cell's date falls in (None when blank)."""
    day = read_date(x)
    return None if day is None else month_index(day)


def chart_months(settings: Settings) -> int:
    """Months the Monthly report's chart shows from the wave start: the horizon plus two years for
    later starts."""
    return 12 * (math.ceil(settings.horizon_years) + 2)


def _text(x: object) -> str | None:
    """An Idea or Customer ID as the tracking rules compare them: trimmed text, None when blank."""
    return None if is_blank(x) else str(x).strip()


def _texts(table: pd.DataFrame, name: str) -> list[str | None]:
    if name not in table.columns:
        return [None] * len(table)
    return [_text(x) for x in table[name].tolist()]


def _cells(table: pd.DataFrame, name: str) -> list[object]:
    return table[name].tolist() if name in table.columns else [None] * len(table)


def _array(values: Column) -> np.ndarray:
    """A column as an array; a list becomes an object array, so its cells stay what they are."""
    return values if isinstance(values, np.ndarray) else np.array(list(values), dtype=object)


def _amount_column(values: Column) -> np.ndarray:
    """A column of amounts as floats (NaN for blank), read by the one cell parser (``number_column``)."""
    array = _array(values)
    if array.dtype.kind == "f":
        return array.astype(float, copy=False)
    return number_column(pd.Series(array, dtype=object), len(array))


def _or_zero(amount: float) -> float:
    """A blank (NaN) amount counts as 0."""
    return 0.0 if math.isnan(amount) else amount


def _blank_as_zero(amounts: np.ndarray) -> np.ndarray:
    """``_or_zero`` of every amount (infinite amounts stay what they are)."""
    return np.where(np.isnan(amounts), 0.0, amounts)


def _total(values: Iterable[float]) -> float:
    """What a spreadsheet's SUM of the cells gives: NaN (an empty cell) counts as nothing."""
    return math.fsum(v for v in values if not math.isnan(v))


# --- the plan of one idea -------------------------------------------------------------------------


def month_shares(horizon_years: float) -> tuple[float, ...]:
    """Each month's share of one twelfth of the annual amount: 1 per whole month, then the part month."""
    months = horizon_years * 12
    whole = math.floor(months)
    return (1.0,) * whole + ((months - whole,) if months > whole else ())


def plan_start(status: object, start: object, amounts: Sequence[float]) -> int | None:
    """The month index an idea's plan starts in; None when the idea has no plan (not in the passbook,
    no amount at all, or no Start). ``amounts`` are the ``col.VALUE_INPUTS`` (NaN for blank)."""
    if all(math.isnan(a) for a in amounts) or not in_passbook(status):
        return None
    return month_of(start)


def plan_starts(
    statuses: Column,
    starts: Column,
    amounts: Sequence[np.ndarray],
    among: np.ndarray | None = None,
) -> np.ndarray:
    """``plan_start`` of every idea (-1 for no plan), the amounts as float arrays; only the ideas
    ``among`` marks (all by default) are looked at, the others have no plan."""
    blank = np.logical_and.reduce([np.isnan(a) for a in amounts])
    firsts = np.full(len(blank), -1, dtype=np.int64)
    candidates = ~blank if among is None else ~blank & among
    for i in np.flatnonzero(candidates).tolist():
        if in_passbook(statuses[i]):
            first = month_of(starts[i])
            if first is not None:
                firsts[i] = first
    return firsts


def idea_plan(
    first: int, amounts: Sequence[float], shares: Sequence[float]
) -> list[tuple[int, float, float]]:
    """(month index, supplier planned, customer planned) of each month of one idea's plan, from its
    first month ``first``: one twelfth of each annual amount times the month's share, plus the
    one-time amount in the first month. ``amounts`` are the ``col.VALUE_INPUTS``; blank counts as 0."""
    sa, so, ca, co = (_or_zero(a) for a in amounts)
    return [
        (first + k, sa / 12.0 * share + (so if k == 0 else 0.0), ca / 12.0 * share + (co if k == 0 else 0.0))
        for k, share in enumerate(shares)
    ]


def idea_plans(
    firsts: np.ndarray, amounts: Sequence[np.ndarray], shares: Sequence[float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``idea_plan`` of many ideas, idea after idea, as three arrays: month indexes, supplier and
    customer planned values (the same operations in the same order, so the same bits)."""
    share_of = np.asarray(shares, dtype=float)
    k, n = len(share_of), len(firsts)
    sa, so, ca, co = (_blank_as_zero(a) for a in amounts)
    share = np.tile(share_of, n)
    at_start = np.tile(np.arange(k) == 0, n)
    with np.errstate(invalid="ignore"):  # inf - inf is NaN, silently, as in plain Python
        supplier = np.repeat(sa, k) / 12.0 * share + np.where(at_start, np.repeat(so, k), 0.0)
        customer = np.repeat(ca, k) / 12.0 * share + np.where(at_start, np.repeat(co, k), 0.0)
    months = np.repeat(np.asarray(firsts, dtype=np.int64), k) + np.tile(np.arange(k), n)
    return months, supplier, customer


# --- what a tracking row adds ---------------------------------------------------------------------


def tracked_month(idea_id: object, month: object, own: Container[str]) -> int | None:
    """The month index a tracking row counts in for the relationship whose ideas are ``own``; None
    when it does not count (no month, or not one of those ideas). Blank amounts count as 0."""
    index = month_of(month)
    return None if index is None or _text(idea_id) not in own else index


# --- one relationship, month by month -------------------------------------------------------------


def _add(months: Months, index: int, supplier: float, customer: float) -> None:
    month = months.setdefault(index, [0.0, 0.0])
    month[0] += supplier
    month[1] += customer


def relationship_months(
    ideas: Mapping[str, Sequence[object]], tracking: Mapping[str, Sequence[object]], horizon_years: float
) -> tuple[Months, Months]:
    """The planned and the realised amounts of one relationship per month index, each added up in
    the order of the rows. ``ideas`` are its ideas and ``tracking`` tracking rows, column by column
    (``IDEA_FIELDS``, ``TRACKING_FIELDS``); tracking rows of other ideas are left out."""
    shares = month_shares(horizon_years)
    planned: Months = {}
    own: set[str] = set()
    for i, raw_id in enumerate(ideas[col.IDEA_ID]):
        idea_id = _text(raw_id)
        if idea_id:
            own.add(idea_id)
        amounts = [parse_number(ideas[name][i]) for name in col.VALUE_INPUTS]
        first = plan_start(ideas[col.STATUS][i], ideas[col.START][i], amounts)
        if first is not None:
            for index, supplier, customer in idea_plan(first, amounts, shares):
                _add(planned, index, supplier, customer)
    realised: Months = {}
    for j, raw_id in enumerate(tracking[col.IDEA_ID]):
        tracked = tracked_month(raw_id, tracking[MONTH][j], own)
        if tracked is not None:
            supplier, customer = (_or_zero(parse_number(tracking[name][j])) for name in _REALISED)
            _add(realised, tracked, supplier, customer)
    return planned, realised


@dataclass(frozen=True)
class OwnerMonths:
    """Amounts per owner (a relationship's code) and month index, as ``month_sums`` adds them up:
    each owner's months lie together, in the order they were first met; ``runs`` gives where."""

    runs: dict[int, tuple[int, int]]
    month: np.ndarray
    supplier: np.ndarray
    customer: np.ndarray

    def of(self, owner: int | None) -> Months:
        """One owner's months, as ``relationship_months`` gives them (empty for an unknown owner)."""
        run = None if owner is None else self.runs.get(owner)
        if run is None:
            return {}
        a, b = run
        return {
            m: [s, c]
            for m, s, c in zip(
                self.month[a:b].tolist(),
                self.supplier[a:b].tolist(),
                self.customer[a:b].tolist(),
                strict=True,
            )
        }


def month_sums(
    owner: np.ndarray, month: np.ndarray, supplier: np.ndarray, customer: np.ndarray
) -> OwnerMonths:
    """Supplier and customer amounts added up per (owner, month), each sum in the order of the input
    (``np.bincount`` adds its weights one after the other, as ``relationship_months`` does)."""
    if not len(owner):
        return OwnerMonths({}, np.zeros(0, dtype=np.int32), np.zeros(0), np.zeros(0))
    keys = owner.astype(np.int64) * (1 << 32) + month.astype(np.int64)
    unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    sums = [np.bincount(inverse, weights=a, minlength=len(unique)) for a in (supplier, customer)]
    order = np.lexsort((first, unique >> 32))  # by owner, then by first appearance
    owners = (unique >> 32)[order]
    starts = [0, *(np.flatnonzero(np.diff(owners)) + 1).tolist()]
    ends = [*starts[1:], len(owners)]
    runs = dict(zip(owners[starts].tolist(), zip(starts, ends, strict=True), strict=True))
    return OwnerMonths(runs, (unique & 0xFFFFFFFF)[order].astype(np.int32), sums[0][order], sums[1][order])


def run_months(
    idea_owner: np.ndarray,
    ideas: Mapping[str, Column],
    tracking_owner: np.ndarray,
    tracking: Mapping[str, Column],
    horizon_years: float,
) -> tuple[OwnerMonths, OwnerMonths]:
    """``relationship_months`` of every relationship of a run at once: planned and realised.

    ``ideas`` and ``tracking`` are whole tables, column by column (``IDEA_FIELDS``,
    ``TRACKING_FIELDS``); ``idea_owner`` and ``tracking_owner`` give each row's relationship as a
    code (-1: none). ``.of(code)`` of the result is ``relationship_months`` of that code's rows, to
    the last bit.
    """
    shares = month_shares(horizon_years)
    amounts = [_amount_column(ideas[name]) for name in col.VALUE_INPUTS]
    firsts = plan_starts(ideas[col.STATUS], ideas[col.START], amounts, among=idea_owner >= 0)
    planned = np.flatnonzero(firsts >= 0)
    months, supplier, customer = idea_plans(firsts[planned], [a[planned] for a in amounts], shares)
    planned_sums = month_sums(np.repeat(idea_owner[planned], len(shares)), months, supplier, customer)

    # A tracking row counts for its relationship when it names one of that relationship's ideas.
    own: dict[str, set[int]] = {}
    for idea_id, code in zip(
        (_text(x) for x in _array(ideas[col.IDEA_ID]).tolist()), idea_owner.tolist(), strict=True
    ):
        if idea_id and code >= 0:
            own.setdefault(idea_id, set()).add(code)
    rows = np.flatnonzero(tracking_owner >= 0)
    ids = apply_each(_array(tracking[col.IDEA_ID])[rows].tolist(), _text)
    indexes = apply_each(_array(tracking[MONTH])[rows].tolist(), month_of)
    codes = tracking_owner[rows].tolist()
    counted = [
        k for k, (idea_id, index, code) in enumerate(zip(ids, indexes, codes, strict=True))
        if index is not None and code in own.get(idea_id, ())  # type: ignore[arg-type]
    ]  # fmt: skip
    picked = rows[np.array(counted, dtype=np.int64)]
    realised = [_blank_as_zero(_amount_column(_array(tracking[name])[picked])) for name in _REALISED]
    realised_months = np.array([indexes[k] for k in counted], dtype=np.int64)
    return planned_sums, month_sums(tracking_owner[picked], realised_months, *realised)


# --- one relationship's report --------------------------------------------------------------------


def contract_year(month: int, wave: int) -> int:
    """The contract year (0 = year 1) of month index ``month`` for a wave that starts in month
    ``wave``; months before the wave start count towards year 1."""
    return max(0, (month - wave) // 12)


# ``contract_year`` as SUMIFS criteria over the month column ``{months}``: a year takes the months up
# to its last day ``{to}`` from its first day ``{start}`` on; year 1 also the months before it.
FIRST_YEAR_CRITERIA = '{months},"<="&{to}'
LATER_YEAR_CRITERIA = '{months},"<="&{to},{months},">="&{start}'


def contract_status(
    guarantee: float, delivered: float, year_to: dt.date, cutoff: dt.date | None
) -> tuple[float, str]:
    """Shortfall and status of a contract year ending on ``year_to``; ``cutoff``: up to when the
    year could be judged (None: nothing reported yet). ``STATUS_FORMULA`` is the same rule in Excel."""
    if math.isnan(guarantee):
        return math.nan, NO_GUARANTEE
    over = cutoff is not None and year_to <= cutoff
    return max(0.0, guarantee - delivered), MET if delivered >= guarantee else (SHORT if over else OPEN)


# ``contract_status`` as the Monthly report's formulas: ``{guarantee}`` and ``{delivered}`` are the
# year's cells, ``{to}`` its last day and ``{reported}`` the "Reported up to" cell (blank: nothing yet).
SHORTFALL_FORMULA = 'IF({guarantee}="","",MAX(0,{guarantee}-{delivered}))'
STATUS_FORMULA = (
    f'IF({{guarantee}}="","{NO_GUARANTEE}",IF({{delivered}}>={{guarantee}},"{MET}",'
    f'IF(AND({{reported}}<>"",{{to}}<={{reported}}),"{SHORT}","{OPEN}")))'
)


def contract_years(
    customer_id: str | None,
    name: str | None,
    wave: int | None,
    planned: Months,
    realised: Months,
    guarantee: float,
    cutoff: dt.date | None,
    parts: ContractParts = NO_PARTS,
) -> list[ContractRow]:
    """The ``CONTRACT_COLUMNS`` rows of one relationship whose wave starts in month index ``wave``:
    year 1 to the last year with a planned or realised value (none without a wave start).
    ``parts``: its transfers and investments per contract year (see the module's conventions)."""
    if wave is None:
        return []
    years = 1 + max((contract_year(m, wave) for m in planned.keys() | realised.keys()), default=0)
    plan = [0.0] * years
    delivered = [0.0] * years
    for index, (_, value) in planned.items():
        plan[contract_year(index, wave)] += value
    for index, (_, value) in realised.items():
        delivered[contract_year(index, wave)] += value
    rows = []
    for year in range(years):
        year_to = month_end(wave + 12 * (year + 1) - 1)
        invested = parts.investments.get(year, 0.0) + 0.0
        gains = delivered[year] - invested + 0.0
        received = received_transfers(parts, year, year_to, cutoff)
        got = gains + received + 0.0
        shortfall, status = contract_status(guarantee, got, year_to, cutoff)
        rows.append(
            (customer_id, name, year + 1, month_date(wave + 12 * year), year_to, guarantee, plan[year] + 0.0,
             got, shortfall, status, gains, received, invested, got + invested + 0.0)
        )  # fmt: skip
    return rows


# ``received_transfers`` as a Monthly report formula: ``{transfers}`` is the year's transfers, ``{to}``
# its last day and ``{reported}`` the "Reported up to" cell (blank: nothing reported yet).
RECEIVED_FORMULA = 'IF(AND({reported}<>"",{to}<={reported}),{transfers},0)'


def received_transfers(parts: ContractParts, year: int, year_to: dt.date, cutoff: dt.date | None) -> float:
    """The transfers of contract year ``year`` (0 = year 1) the customer has received by ``cutoff``:
    all of them once the year is over, none before (they are settled per contract year)."""
    over = cutoff is not None and year_to <= cutoff
    return parts.transfers.get(year, 0.0) + 0.0 if over else 0.0


def month_table(planned: Months, realised: Months, first: int, last: int) -> MonthTable:
    """The ``MONTH_TABLE`` columns from month index ``first`` to ``last``: each amount (planned 0
    where nothing is planned; realised 0 where nothing was tracked up to the last tracked month and
    NaN after it) and its running total, added month by month."""
    stop = max(realised, default=None)
    span = range(first, last + 1)
    reported = range(first, stop + 1) if stop is not None else range(0)
    not_yet = [math.nan] * (len(span) - len(reported))
    zero = (0.0, 0.0)
    amounts = {
        SUPPLIER_PLANNED: [planned.get(m, zero)[0] + 0.0 for m in span],
        SUPPLIER_REALISED: [realised.get(m, zero)[0] + 0.0 for m in reported] + not_yet,
        CUSTOMER_PLANNED: [planned.get(m, zero)[1] + 0.0 for m in span],
        CUSTOMER_REALISED: [realised.get(m, zero)[1] + 0.0 for m in reported] + not_yet,
    }
    table: MonthTable = {MONTH: [month_date(m) for m in span], **amounts}
    for name in AMOUNTS:  # NaN once nothing is reported
        table[CUMULATIVE[name]] = list(accumulate(amounts[name]))
    return table


@dataclass(frozen=True)
class MonthlyReport:
    """One relationship's report: the month table (``MONTH_TABLE`` columns, as lists), the contract
    years (``CONTRACT_COLUMNS`` tuples) and the value to date."""

    customer_id: str
    table: MonthTable
    contract_rows: list[ContractRow]
    reported_to: dt.date | None  # last day of the last month anything was reported for
    guarantee: float  # NaN when blank
    planned_to_date: tuple[float, float]  # supplier, customer: plan up to ``reported_to``
    realised_to_date: tuple[float, float]
    parts: ContractParts = NO_PARTS  # the contract years' transfers and investments

    @cached_property
    def months(self) -> pd.DataFrame:
        return pd.DataFrame(self.table, columns=list(MONTH_TABLE))

    @cached_property
    def contract(self) -> pd.DataFrame:
        return pd.DataFrame(self.contract_rows, columns=list(CONTRACT_COLUMNS))

    def total(self, name: str) -> float:
        """The month table's column ``name`` added up; months not reported yet count as nothing."""
        return _total(self.table[name])

    def contract_total(self, name: str) -> float:
        """The contract years' column ``name`` added up; blank (NaN) counts as nothing."""
        position = CONTRACT_COLUMNS.index(name)
        return _total(row[position] for row in self.contract_rows)


def monthly_report(
    customer: CustomerRow, planned: Months, realised: Months, window: int, parts: ContractParts = NO_PARTS
) -> MonthlyReport:
    """One relationship's report from its planned and realised amounts per month index.

    ``customer`` is its Customers row; ``parts`` its transfers and investments per contract year.
    The month table runs from the earlier of the wave start's
    month and the first month with a figure, for at least ``window`` months (the months added plan
    nothing) and up to the last month with a figure. The contract years are judged up to the end of
    the last reported month.
    """
    cid = str(customer.get(col.CUSTOMER_ID))
    stop = max(realised, default=None)
    reported_to = None if stop is None else month_end(stop)
    guarantee = parse_number(customer.get(VALUE_GUARANTEE))
    wave = month_of(customer.get(WAVE_START))
    contract = contract_years(
        _text(customer.get(col.CUSTOMER_ID)), _text(customer.get("Customer")), wave, planned, realised,
        guarantee, reported_to, parts,
    )  # fmt: skip
    figures = planned.keys() | realised.keys()
    starts = [m for m in (wave, min(figures, default=None)) if m is not None]
    if not starts:
        empty: MonthTable = {name: [] for name in MONTH_TABLE}
        return MonthlyReport(cid, empty, contract, reported_to, guarantee, (0.0, 0.0), (0.0, 0.0), parts)
    first = min(starts)
    table = month_table(planned, realised, first, max(first + window - 1, max(figures, default=first)))
    planned_to_date = (0.0, 0.0)
    if stop is not None:
        at = stop - first
        planned_to_date = (table[CUMULATIVE[SUPPLIER_PLANNED]][at], table[CUMULATIVE[CUSTOMER_PLANNED]][at])
    realised_to_date = (_total(table[SUPPLIER_REALISED]), _total(table[CUSTOMER_REALISED]))
    return MonthlyReport(
        cid, table, contract, reported_to, guarantee, planned_to_date, realised_to_date, parts
    )


def relationship_report(
    customer: CustomerRow,
    ideas: Mapping[str, Sequence[object]],
    tracking: Mapping[str, Sequence[object]],
    horizon_years: float,
    window: int = 0,
    parts: ContractParts = NO_PARTS,
) -> MonthlyReport:
    """The Monthly report of one relationship: ``monthly_report`` of its ``relationship_months``.

    Per month it gives what ``cumulative_by_month(plan_vs_realised(...))`` gives, and per contract
    year what ``value_contract`` gives (with the same ``parts``).
    """
    return monthly_report(customer, *relationship_months(ideas, tracking, horizon_years), window, parts)


# --- tables of all customers ----------------------------------------------------------------------


def planned_by_month(evaluated: pd.DataFrame, settings: Settings | None = None) -> pd.DataFrame:
    """Planned supplier and customer value per committed idea and month (see the module's conventions)."""
    shares = month_shares((settings or Settings()).horizon_years)
    amounts = [
        number_column(evaluated[c] if c in evaluated.columns else None, len(evaluated))
        for c in col.VALUE_INPUTS
    ]
    firsts = plan_starts(_cells(evaluated, col.STATUS), _cells(evaluated, col.START), amounts)
    planned = np.flatnonzero(firsts >= 0)
    months, supplier, customer = idea_plans(firsts[planned], [a[planned] for a in amounts], shares)

    def repeated(name: str) -> np.ndarray:
        return np.array(_texts(evaluated, name), dtype=object)[planned].repeat(len(shares))

    return pd.DataFrame(
        {
            col.CUSTOMER_ID: repeated(col.CUSTOMER_ID),
            col.IDEA_ID: repeated(col.IDEA_ID),
            col.TITLE: repeated(col.TITLE),
            MONTH: np.array([month_date(m) for m in months.tolist()], dtype=object),
            SUPPLIER_PLANNED: supplier,
            CUSTOMER_PLANNED: customer,
        }
    )


def realised_by_month(tracking: pd.DataFrame) -> pd.DataFrame:
    """Realised supplier and customer value per idea and month; rows of one idea and month add up.

    A blank realised cell counts as 0 once the month has a row; rows without an Idea ID or a month
    are left out.
    """
    frame = pd.DataFrame(
        {
            col.IDEA_ID: _texts(tracking, col.IDEA_ID),
            MONTH: [month_start(x) for x in _cells(tracking, MONTH)],
            **{
                name: np.nan_to_num(number_column(tracking.get(name), len(tracking)), nan=0.0)
                for name in _REALISED
            },
        }
    )
    placed = frame[frame[col.IDEA_ID].notna() & frame[MONTH].notna()]
    summed = placed.groupby([col.IDEA_ID, MONTH], sort=True, as_index=False)[list(_REALISED)].sum()
    return summed.reset_index(drop=True)


def plan_vs_realised(
    evaluated: pd.DataFrame, tracking: pd.DataFrame, settings: Settings | None = None
) -> pd.DataFrame:
    """Planned and realised value side by side, one row per idea and month that has either.

    Realised cells are NaN where the Tracking sheet has no row for that idea and month (not yet
    reported); planned cells are 0 where the idea has no plan for that month. Rows are sorted by
    customer, idea and month in the Ideas table's order of customers and ideas.
    """
    planned = planned_by_month(evaluated, settings)
    realised = realised_by_month(tracking)
    ids, customers, titles = (_texts(evaluated, c) for c in (col.IDEA_ID, col.CUSTOMER_ID, col.TITLE))
    owner = dict(zip(ids, customers, strict=True))
    title = dict(zip(ids, titles, strict=True))
    # An explicit Series keeps an empty frame assignable (a bare empty list is not).
    tracked_ids = realised[col.IDEA_ID]
    realised[col.CUSTOMER_ID] = pd.Series(
        [owner.get(i) for i in tracked_ids], index=realised.index, dtype=object
    )
    realised[col.TITLE] = pd.Series([title.get(i) for i in tracked_ids], index=realised.index, dtype=object)
    keys = [col.CUSTOMER_ID, col.IDEA_ID, col.TITLE, MONTH]
    merged = planned.merge(realised, on=keys, how="outer")
    merged[[SUPPLIER_PLANNED, CUSTOMER_PLANNED]] = merged[[SUPPLIER_PLANNED, CUSTOMER_PLANNED]].fillna(0.0)
    idea_rank = {i: n for n, i in enumerate(dict.fromkeys(ids))}
    customer_rank = {c: n for n, c in enumerate(dict.fromkeys(customers))}
    merged["_c"] = [customer_rank.get(c, len(customer_rank)) for c in merged[col.CUSTOMER_ID]]
    merged["_i"] = [idea_rank.get(i, len(idea_rank)) for i in merged[col.IDEA_ID]]
    merged = merged.sort_values(["_c", "_i", col.IDEA_ID, MONTH], kind="stable")
    return merged[list(MONTHLY_COLUMNS)].reset_index(drop=True)


def _frame_months(rows: pd.DataFrame) -> tuple[Months, Months]:
    """Planned and realised amounts per month index of ``plan_vs_realised`` rows: every row adds to
    the plan, a row with a realised value (a tracked month) to the realised amounts; NaN counts as 0."""
    planned: Months = {}
    realised: Months = {}
    columns = (rows[name].to_numpy(dtype=float) for name in AMOUNTS)
    for month, sp, sr, cp, cr in zip(rows[MONTH].tolist(), *columns, strict=True):
        index = month_of(month)
        if index is None:
            continue
        _add(planned, index, _or_zero(sp), _or_zero(cp))
        if not (math.isnan(sr) and math.isnan(cr)):
            _add(realised, index, _or_zero(sr), _or_zero(cr))
    return planned, realised


def cumulative_by_month(monthly: pd.DataFrame, *, total: bool = False) -> pd.DataFrame:
    """Per customer (or for all customers together with ``total``) and calendar month: the month's
    planned and realised value of each firm and the running totals (the chart of planned vs realised).

    ``monthly`` is the output of ``plan_vs_realised``. Months run without gaps from the customer's first
    to its last month with a plan or a realised value (``month_table``); realised figures are NaN after
    the last month the customer tracked anything.
    """
    data = monthly[monthly[col.CUSTOMER_ID].notna()]
    owners = [ALL_CUSTOMERS] * len(data) if total else data[col.CUSTOMER_ID].tolist()
    parts = []
    for customer, rows in data.groupby(owners, sort=False):
        planned, realised = _frame_months(rows)
        figures = planned.keys() | realised.keys()
        if figures:
            table = month_table(planned, realised, min(figures), max(figures))
            parts.append(pd.DataFrame({col.CUSTOMER_ID: customer, **table}))
    if not parts:
        return pd.DataFrame(columns=list(CUSTOMER_MONTH_COLUMNS))
    return pd.concat(parts, ignore_index=True)[list(CUSTOMER_MONTH_COLUMNS)]


def value_contract(
    customers: pd.DataFrame,
    monthly: pd.DataFrame,
    as_of: dt.date | None = None,
    parts: Mapping[str, ContractParts] | None = None,
) -> pd.DataFrame:
    """Per customer and contract year: the Value guarantee against value delivered to the customer.

    ``monthly`` is the output of ``plan_vs_realised``. Years run from year 1 to the last year with a
    planned or realised value (at least year 1). ``as_of`` decides which years are over; by default the
    end of the customer's last tracked month (``contract_status``). Customers without a Wave start have
    no contract years and are left out. ``parts``: per Customer ID its transfers and investments per
    contract year (``core.value_contract.contract_parts``; none by default).
    """
    guarantees = number_column(customers.get(VALUE_GUARANTEE), len(customers))
    rows = []
    for cid, name, start, guarantee in zip(
        _texts(customers, col.CUSTOMER_ID), _texts(customers, "Customer"), _cells(customers, WAVE_START),
        guarantees.tolist(), strict=True,
    ):  # fmt: skip
        wave = month_of(start)
        if cid is None or wave is None:
            continue
        planned, realised = _frame_months(monthly[monthly[col.CUSTOMER_ID] == cid])
        cutoff = as_of if as_of is not None else (month_end(max(realised)) if realised else None)
        own = (parts or {}).get(cid, NO_PARTS)
        rows += contract_years(cid, name, wave, planned, realised, guarantee, cutoff, own)
    return pd.DataFrame(rows, columns=list(CONTRACT_COLUMNS))
