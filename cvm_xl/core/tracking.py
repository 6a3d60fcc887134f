"""Planned against realised value per idea and month, and the customer's value contract (issue 7).

Conventions (SPEC §3.6 and §3.7 leave them open):

* **Which ideas have a plan**: those both firms committed to, i.e. in the passbook (status Signed off,
  Implementing or Delivered), with a Start date and at least one amount.
* **Planned amounts** are nominal (not discounted) value deltas, before any transfer: each firm's
  *annual* amount is spread evenly, one twelfth a month, from the month of the idea's Start for the
  horizon (Settings ``Horizon years``; a fractional horizon ends with a part month, so the months add
  up to annual x horizon); the *one-time* amount falls in the Start month. Blank amounts count as 0.
* **Realised amounts** are what the Tracking sheet records for an idea in a month (not running
  totals); several rows for one idea and month add up. A month is the calendar month of ``Month``
  (any day in it). Rows without a month cannot be placed and are left out.
* **Cumulative** figures run per customer over consecutive calendar months; realised figures stop
  after the customer's last tracked month, so a chart does not show a flat line into the future.
* **Value contract**: contract years run in whole calendar months from the month of the customer's
  ``Wave start`` (year 1 = that month and the eleven after it). Value delivered to the customer is the
  realised *customer* value of all its ideas in that year (transfers are agreed, not tracked, and are
  not counted). Shortfall = guarantee - delivered when positive, else 0. Realised value tracked before
  the wave start counts towards year 1.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from cvm_xl.core import columns as col
from cvm_xl.core.cells import number_column
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
CONTRACT_COLUMNS = (
    col.CUSTOMER_ID, "Customer", "Year", "From", "To", VALUE_GUARANTEE, CUSTOMER_PLANNED, "Delivered",
    "Shortfall", "Status",
)  # fmt: skip
MET, SHORT, OPEN, NO_GUARANTEE = "Met", "Short", "Open", "No guarantee"
ALL_CUSTOMERS = "All"


def to_date(x: object) -> dt.date | None:
    """A cell as a date: date, datetime, Timestamp, numpy datetime or ISO text; None when blank."""
    if is_blank(x):
        return None
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    if isinstance(x, np.datetime64 | str):
        try:
            return pd.Timestamp(x).date()
        except ValueError:
            pass
    raise ValueError(f"{x!r} is not a date: write a date such as 2026-03-01")


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_date(index: int) -> dt.date:
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)


def month_start(x: object) -> dt.date | None:
    """The first day of the calendar month of ``x`` (None when blank)."""
    day = to_date(x)
    return None if day is None else day.replace(day=1)


def _texts(table: pd.DataFrame, name: str) -> list[str | None]:
    if name not in table.columns:
        return [None] * len(table)
    return [None if is_blank(x) else str(x).strip() for x in table[name].tolist()]


def _numbers(table: pd.DataFrame, name: str) -> np.ndarray:
    values = number_column(table[name] if name in table.columns else None, len(table))
    return np.nan_to_num(values, nan=0.0)


def _month_shares(horizon_years: float) -> list[float]:
    """Each month's share of one twelfth of the annual amount: 1 per whole month, then the part month."""
    months = horizon_years * 12
    whole = math.floor(months)
    return [1.0] * whole + ([months - whole] if months > whole else [])


def planned_by_month(evaluated: pd.DataFrame, settings: Settings | None = None) -> pd.DataFrame:
    """Planned supplier and customer value per committed idea and month (see the module's conventions)."""
    shares = _month_shares((settings or Settings()).horizon_years)
    raw = {
        c: number_column(evaluated[c] if c in evaluated.columns else None, len(evaluated))
        for c in col.VALUE_INPUTS
    }
    unquantified = np.all(np.isnan(np.vstack(list(raw.values()))), axis=0)
    sa, so, ca, co = (np.nan_to_num(raw[c], nan=0.0) for c in col.VALUE_INPUTS)
    statuses = _texts(evaluated, col.STATUS)
    starts = evaluated[col.START].tolist() if col.START in evaluated.columns else [None] * len(evaluated)
    ids, customers, titles = (_texts(evaluated, c) for c in (col.IDEA_ID, col.CUSTOMER_ID, col.TITLE))
    rows = []
    for i in range(len(evaluated)):
        start = to_date(starts[i])
        if start is None or unquantified[i] or not in_passbook(statuses[i]):
            continue
        first = _month_index(start)
        for k, share in enumerate(shares):
            supplier = sa[i] / 12.0 * share + (so[i] if k == 0 else 0.0)
            customer = ca[i] / 12.0 * share + (co[i] if k == 0 else 0.0)
            rows.append((customers[i], ids[i], titles[i], _month_date(first + k), supplier, customer))
    return pd.DataFrame(
        rows, columns=[col.CUSTOMER_ID, col.IDEA_ID, col.TITLE, MONTH, SUPPLIER_PLANNED, CUSTOMER_PLANNED]
    )


def realised_by_month(tracking: pd.DataFrame) -> pd.DataFrame:
    """Realised supplier and customer value per idea and month; rows of one idea and month add up.

    A blank realised cell counts as 0 once the month has a row; rows without an Idea ID or a month
    are left out.
    """
    ids = _texts(tracking, col.IDEA_ID)
    months = [
        month_start(x) for x in (tracking[MONTH] if MONTH in tracking.columns else [None] * len(tracking))
    ]
    frame = pd.DataFrame(
        {
            col.IDEA_ID: ids,
            MONTH: months,
            SUPPLIER_REALISED: _numbers(tracking, SUPPLIER_REALISED),
            CUSTOMER_REALISED: _numbers(tracking, CUSTOMER_REALISED),
        }
    )
    placed = frame[frame[col.IDEA_ID].notna() & frame[MONTH].notna()]
    summed = placed.groupby([col.IDEA_ID, MONTH], sort=True, as_index=False)[
        [SUPPLIER_REALISED, CUSTOMER_REALISED]
    ].sum()
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
    ids = realised[col.IDEA_ID]
    realised[col.CUSTOMER_ID] = pd.Series([owner.get(i) for i in ids], index=realised.index, dtype=object)
    realised[col.TITLE] = pd.Series([title.get(i) for i in ids], index=realised.index, dtype=object)
    keys = [col.CUSTOMER_ID, col.IDEA_ID, col.TITLE, MONTH]
    merged = planned.merge(realised, on=keys, how="outer")
    merged[[SUPPLIER_PLANNED, CUSTOMER_PLANNED]] = merged[[SUPPLIER_PLANNED, CUSTOMER_PLANNED]].fillna(0.0)
    idea_rank = {i: n for n, i in enumerate(dict.fromkeys(ids))}
    customer_rank = {c: n for n, c in enumerate(dict.fromkeys(customers))}
    merged["_c"] = [customer_rank.get(c, len(customer_rank)) for c in merged[col.CUSTOMER_ID]]
    merged["_i"] = [idea_rank.get(i, len(idea_rank)) for i in merged[col.IDEA_ID]]
    merged = merged.sort_values(["_c", "_i", col.IDEA_ID, MONTH], kind="stable")
    return merged[list(MONTHLY_COLUMNS)].reset_index(drop=True)


def cumulative_by_month(monthly: pd.DataFrame, *, total: bool = False) -> pd.DataFrame:
    """Per customer (or for all customers together with ``total``) and calendar month: the month's
    planned and realised value of each firm and the running totals (the chart of planned vs realised).

    ``monthly`` is the output of ``plan_vs_realised``. Months run without gaps from the customer's first
    to its last month with a plan or a realised value; realised figures are NaN after the last month
    the customer tracked anything.
    """
    data = monthly[monthly[col.CUSTOMER_ID].notna()].copy()
    if total:
        data[col.CUSTOMER_ID] = ALL_CUSTOMERS
    tracked = data[data[SUPPLIER_REALISED].notna() | data[CUSTOMER_REALISED].notna()]
    last_tracked = tracked.groupby(col.CUSTOMER_ID)[MONTH].max().to_dict()
    parts = []
    for customer, rows in data.groupby(col.CUSTOMER_ID, sort=False):
        sums = rows.groupby(MONTH)[list(AMOUNTS)].sum(min_count=1)
        first, last = _month_index(min(sums.index)), _month_index(max(sums.index))
        months = [_month_date(m) for m in range(first, last + 1)]
        sums = sums.reindex(months)
        sums[[SUPPLIER_PLANNED, CUSTOMER_PLANNED]] = sums[[SUPPLIER_PLANNED, CUSTOMER_PLANNED]].fillna(0.0)
        stop = last_tracked.get(customer)
        realised = [SUPPLIER_REALISED, CUSTOMER_REALISED]
        for name in realised:
            sums[name] = [
                (0.0 if math.isnan(v) else v) if stop is not None and m <= stop else math.nan
                for m, v in zip(months, sums[name], strict=True)
            ]
        for name in AMOUNTS:
            sums[CUMULATIVE[name]] = sums[name].cumsum()
        sums.insert(0, col.CUSTOMER_ID, customer)
        parts.append(sums.rename_axis(MONTH).reset_index())
    if not parts:
        return pd.DataFrame(columns=list(CUSTOMER_MONTH_COLUMNS))
    return pd.concat(parts, ignore_index=True)[list(CUSTOMER_MONTH_COLUMNS)]


def value_contract(
    customers: pd.DataFrame, monthly: pd.DataFrame, as_of: dt.date | None = None
) -> pd.DataFrame:
    """Per customer and contract year: the Value guarantee against value delivered to the customer.

    ``monthly`` is the output of ``plan_vs_realised``. Years run from year 1 to the last year with a
    planned or realised value (at least year 1). ``as_of`` decides which years are over; by default the
    end of the customer's last tracked month. Status: Met (delivered >= guarantee), Short (the year is
    over and it is not met), Open (not over yet), No guarantee (blank Value guarantee). Customers
    without a Wave start have no contract years and are left out.
    """
    ids = _texts(customers, col.CUSTOMER_ID)
    names = _texts(customers, "Customer")
    starts = customers[WAVE_START].tolist() if WAVE_START in customers.columns else [None] * len(customers)
    guarantees = number_column(
        customers[VALUE_GUARANTEE] if VALUE_GUARANTEE in customers.columns else None, len(customers)
    )
    rows = []
    for cid, name, start_cell, guarantee in zip(ids, names, starts, guarantees, strict=True):
        start = month_start(start_cell)
        if cid is None or start is None:
            continue
        mine = monthly[monthly[col.CUSTOMER_ID] == cid]
        first = _month_index(start)
        year_of = [max(0, (_month_index(m) - first) // 12) for m in mine[MONTH]]
        planned = np.bincount(year_of, weights=mine[CUSTOMER_PLANNED].to_numpy(float), minlength=1)
        delivered_values = np.nan_to_num(mine[CUSTOMER_REALISED].to_numpy(float), nan=0.0)
        delivered = np.bincount(year_of, weights=delivered_values, minlength=len(planned))
        planned = np.pad(planned, (0, len(delivered) - len(planned)))
        tracked = mine.loc[mine[CUSTOMER_REALISED].notna() | mine[SUPPLIER_REALISED].notna(), MONTH]
        cutoff = as_of
        if cutoff is None and len(tracked):
            cutoff = _month_date(_month_index(max(tracked)) + 1) - dt.timedelta(days=1)
        for year in range(len(delivered)):
            year_from = _month_date(first + 12 * year)
            year_to = _month_date(first + 12 * (year + 1)) - dt.timedelta(days=1)
            got = float(delivered[year]) + 0.0
            if math.isnan(guarantee):
                shortfall, status = math.nan, NO_GUARANTEE
            else:
                shortfall = max(0.0, guarantee - got)
                over = cutoff is not None and year_to <= cutoff
                status = MET if got >= guarantee else (SHORT if over else OPEN)
            rows.append(
                (
                    cid,
                    name,
                    year + 1,
                    year_from,
                    year_to,
                    guarantee,
                    float(planned[year]),
                    got,
                    shortfall,
                    status,
                )
            )
    return pd.DataFrame(rows, columns=list(CONTRACT_COLUMNS))
