"""True-up on realised value (issue 15; SPEC §3.5 split methods, §3.6 passbook and tracking).

Where value can be tracked "clinically", the seed paper asks that it be shared on the data: an idea
marked ``True-up = Yes`` has its transfer recomputed per contract year from what the Tracking sheet
records, and the difference to the planned transfer is settled between the firms.

The rule (decided for issue 15):

* **Contract years** are the value contract's (``core.tracking.contract_year``): whole calendar
  months from the month of the customer's ``Wave start``, year 1 = that month and the eleven after
  it; months before the wave start count towards year 1. A customer without a Wave start has no
  contract years, and its true-up ideas no settlement (nothing can be placed in a year).
* **Realised** Vs_y, Vc_y = the idea's Tracking rows with a month in year y, added up (blank amounts
  count as 0; ``core.tracking.realised_by_month``). **Planned** Vs_y, Vc_y = the idea's monthly plan
  (``core.tracking.idea_plan``: annual / 12 a month from the Start month for the horizon, one-time
  in the Start month; nominal, as the Tracking sheet records) falling in year y **and in a month no
  later than the idea's last reported month** (the latest month of its Tracking rows with a month,
  whatever their amounts): a year reported in part is compared with the plan up to that month, so
  a finance team never sees a firm owing money while value arrives on schedule. Years wholly before
  that month compare with their whole plan; the years after it are not reported (see below) and
  keep their whole plan, the transfer still expected (``core.value_contract`` reads it).
* realised T_y and planned T_y = the idea's **applied** split method (the evaluated ``Split method``,
  with the idea's Supplier share, blank = the target supplier share) over the realised and over the
  planned amounts, through ``core.sharing`` (``transfer_for``); an idea that gets no split
  (``none``) has T = 0 both ways. **settlement_y = realised T_y - planned T_y**: > 0, the supplier
  owes the customer that much more; < 0, the customer owes the supplier.
* Only contract years with at least one Tracking row (with a month) for the idea count: a year not
  yet reported has no settlement. An idea whose realised amounts equal its plan month by month has
  settlement 0 at every point in time. The passbook shows the sum to date.
* Only ideas in the passbook (Signed off, Implementing, Delivered) with ``True-up = Yes`` and at
  least one Tracking row with a month are trued up.
* A bundle member with ``True-up = Yes`` is trued up on its own realised values with the bundle's
  method (its evaluated Split method shows the bundle's); its apportioned share of the bundle's
  transfer is not trued up separately.

This module is the one home of the rule: the master's passbook (``books.passbook``), the customer
workbook's live Passbook formulas (``generate.live_formulas``), the consolidated sign-off and
reconciliation all read it. It works idea by idea (only the few true-up ideas are looked at), so
it has no vector form.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import pandas as pd

from cvm_xl.core import columns as col
from cvm_xl.core.cells import date as read_date
from cvm_xl.core.cells import parse_number, parse_yes_no, safely
from cvm_xl.core.passbook import BALANCE_TOLERANCE, in_passbook, passbook_lines, whole_amount
from cvm_xl.core.settings import Settings
from cvm_xl.core.sharing import NO_SPLIT, normalise_method, transfer_for
from cvm_xl.core.tracking import (
    CUSTOMER_REALISED,
    MONTH,
    SUPPLIER_REALISED,
    WAVE_START,
    contract_year,
    idea_plan,
    month_of,
    month_shares,
    plan_start,
    realised_by_month,
)
from cvm_xl.core.values import is_blank

PLANNED_TRANSFER = "Planned transfer"
REALISED_TRANSFER = "Realised transfer"
SETTLEMENT = "Settlement"
YEARS = "Years"
# One row per trued-up idea: what ``passbook_lines`` adds as the idea's Settlement line, and the two
# transfers it is the difference of (each added up over the idea's reported contract years).
TRUE_UP_COLUMNS = (
    col.CUSTOMER_ID, col.IDEA_ID, col.TITLE, YEARS, PLANNED_TRANSFER, REALISED_TRANSFER, SETTLEMENT,
)  # fmt: skip

MonthAmounts = Iterable[tuple[int, float, float]]  # (month index, supplier, customer)


class YearTrueUp(NamedTuple):
    """One contract year of a true-up idea (``year`` 1 = the first contract year); ``reported``:
    the Tracking sheet has a row (with a month) of the idea in it. The planned amounts (and planned
    transfer) are the plan the year is compared with: up to the idea's last reported month in the
    year that holds it, the whole year's plan in every other year (``compared_plan``)."""

    year: int
    planned_supplier: float
    planned_customer: float
    realised_supplier: float
    realised_customer: float
    planned_transfer: float
    realised_transfer: float
    reported: bool

    @property
    def settlement(self) -> float:
        """realised T - planned T when reported (> 0, the supplier owes the customer; < 0, the
        customer owes), else 0: a year not yet reported has no settlement."""
        return self.realised_transfer - self.planned_transfer + 0.0 if self.reported else 0.0


class TrueUp(NamedTuple):
    """A true-up idea's reported years and their sums to date."""

    years: tuple[YearTrueUp, ...]

    @property
    def planned_transfer(self) -> float:
        return math.fsum(y.planned_transfer for y in self.years) + 0.0

    @property
    def realised_transfer(self) -> float:
        return math.fsum(y.realised_transfer for y in self.years) + 0.0

    @property
    def settlement(self) -> float:
        return math.fsum(y.settlement for y in self.years) + 0.0


def is_true_up(value: object) -> bool:
    """Whether a ``True-up`` cell says Yes (blank = No; any Yes/No spelling ``core.cells`` reads; a
    cell that is not Yes or No is No here, the master's checks name it)."""
    try:
        return bool(parse_yes_no(value, False))
    except ValueError:
        return False


def method_transfer(method: object, supplier_value: float, customer_value: float, share: float) -> float:
    """T of the applied split method over these amounts (``core.sharing``); ``none`` (no split) and a
    blank method give 0."""
    if is_blank(method) or str(method).strip() == NO_SPLIT:
        return 0.0
    return transfer_for(normalise_method(method), supplier_value, customer_value, share) + 0.0


def by_year(amounts: MonthAmounts, wave: int) -> dict[int, tuple[float, float]]:
    """Supplier and customer amounts added up per contract year (0 = year 1) of a wave starting in
    month index ``wave``, each in the order given."""
    out: dict[int, tuple[float, float]] = {}
    for month, supplier, customer in amounts:
        year = contract_year(month, wave)
        s, c = out.get(year, (0.0, 0.0))
        out[year] = (s + supplier, c + customer)
    return out


def last_reported(realised: MonthAmounts) -> int | None:
    """The idea's last reported month: the latest month index of its realised amounts (rows with
    blank amounts included, ``realised_months``); None while nothing is reported."""
    return max((month for month, _, _ in realised), default=None)


def compared_through(year: int, wave: int, last: int | None) -> int:
    """The last month index of contract year ``year`` (0 = year 1) whose plan the true-up compares
    with: the last reported month ``last`` in the year that holds it (a year reported in part is
    compared with its plan up to that month), the year's last month in every other year (years
    wholly before it; later years, not reported yet, keep their whole plan) and while nothing is
    reported (``last`` None). The customer workbook shows it per year (``live_formulas``)."""
    if last is not None and contract_year(last, wave) == year:
        return last
    return wave + 12 * (year + 1) - 1


def compared_plan(planned: MonthAmounts, wave: int, last: int | None) -> list[tuple[int, float, float]]:
    """The planned months a true-up compares with (``compared_through`` of their year), in the
    order given."""
    return [(m, s, c) for m, s, c in planned if m <= compared_through(contract_year(m, wave), wave, last)]


def idea_years(
    method: object, share: float, wave: int, planned: MonthAmounts, realised: MonthAmounts, years: int = 0
) -> tuple[YearTrueUp, ...]:
    """Every contract year of one idea, from year 1 to the later of year ``years`` and the last
    year with a planned or realised figure: the planned amounts the year is compared with
    (``compared_plan``) and the realised ones, both transfers (the idea's method ``method`` with
    supplier share ``share``) and whether the year is reported."""
    done_months = list(realised)
    # The year the cut removes months from holds the last reported month: it stays in ``done``.
    plan = by_year(compared_plan(planned, wave, last_reported(done_months)), wave)
    done = by_year(done_months, wave)
    out = []
    for year in range(max(years, 1 + max(plan.keys() | done.keys(), default=-1))):
        ps, pc = plan.get(year, (0.0, 0.0))
        rs, rc = done.get(year, (0.0, 0.0))
        out.append(
            YearTrueUp(
                year + 1, ps + 0.0, pc + 0.0, rs + 0.0, rc + 0.0,
                method_transfer(method, ps, pc, share), method_transfer(method, rs, rc, share), year in done,
            )
        )  # fmt: skip
    return tuple(out)


def idea_true_up(
    method: object, share: float, wave: int, planned: MonthAmounts, realised: MonthAmounts
) -> TrueUp:
    """The true-up of one idea: its reported contract years (``idea_years``)."""
    return TrueUp(tuple(y for y in idea_years(method, share, wave, planned, realised) if y.reported))


def _text(value: object) -> str | None:
    return None if is_blank(value) else str(value).strip()


def _cell(row: Mapping[Any, object], name: str) -> object:
    return row.get(name)


def wave_months(customers: pd.DataFrame) -> dict[str, int]:
    """The month index of each customer's Wave start (customers without one are left out)."""
    if col.CUSTOMER_ID not in customers.columns or WAVE_START not in customers.columns:
        return {}
    out: dict[str, int] = {}
    for cid, start in zip(customers[col.CUSTOMER_ID].tolist(), customers[WAVE_START].tolist(), strict=True):
        key, wave = _text(cid), month_of(start)
        if key is not None and wave is not None:
            out.setdefault(key, wave)
    return out


def realised_months(tracking: pd.DataFrame) -> dict[str, list[tuple[int, float, float]]]:
    """Per Idea ID, its realised amounts per month index (``core.tracking.realised_by_month``)."""
    out: dict[str, list[tuple[int, float, float]]] = {}
    monthly = realised_by_month(tracking)
    for idea, month, s, c in zip(
        monthly[col.IDEA_ID].tolist(), monthly[MONTH].tolist(), monthly[SUPPLIER_REALISED].tolist(),
        monthly[CUSTOMER_REALISED].tolist(), strict=True,
    ):  # fmt: skip
        index = month_of(month)
        if index is not None:
            out.setdefault(str(idea), []).append((index, float(s), float(c)))
    return out


def idea_share(value: object, settings: Settings) -> float:
    """The Supplier share a method reads for an idea: its own, blank = the target supplier share."""
    share = parse_number(value)
    return settings.target_supplier_share if math.isnan(share) else share


def true_ups(
    evaluated: pd.DataFrame, tracking: pd.DataFrame, waves: Mapping[str, int], settings: Settings
) -> dict[str, TrueUp]:
    """Idea ID -> ``TrueUp`` of every trued-up idea of ``evaluated`` (see the module's rule), in
    the table's order. ``waves``: each customer's Wave start month (``wave_months``)."""
    if col.TRUE_UP not in evaluated.columns or not len(evaluated):
        return {}
    realised = realised_months(tracking)
    out: dict[str, TrueUp] = {}
    for row in evaluated.to_dict("records"):
        idea = _text(_cell(row, col.IDEA_ID))
        if idea is None or idea in out or not is_true_up(_cell(row, col.TRUE_UP)):
            continue
        tracked = realised.get(idea)
        wave = waves.get(_text(_cell(row, col.CUSTOMER_ID)) or "")
        if not tracked or wave is None or not in_passbook(_cell(row, col.STATUS)):
            continue
        years = row_years(row, wave, tracked, settings)
        out[idea] = TrueUp(tuple(y for y in years if y.reported))
    return out


def row_years(
    idea: Mapping[Any, object], wave: int, realised: MonthAmounts, settings: Settings, years: int = 0
) -> tuple[YearTrueUp, ...]:
    """``idea_years`` of one evaluated idea (a row by column name): its plan from its Status, Start
    and amounts (``core.tracking``), its Split method and Supplier share, and ``realised``, its
    realised amounts per month index."""
    amounts = [parse_number(_cell(idea, name)) for name in col.VALUE_INPUTS]
    first = plan_start(_cell(idea, col.STATUS), _cell(idea, col.START), amounts)
    planned = [] if first is None else idea_plan(first, amounts, month_shares(settings.horizon_years))
    share = idea_share(_cell(idea, col.SUPPLIER_SHARE), settings)
    return idea_years(_cell(idea, col.SPLIT_METHOD), share, wave, planned, realised, years)


def plan_years(start: object, horizon_years: float, wave: int) -> int:
    """How many contract years the plan of an idea starting at ``start`` reaches (0 without a Start):
    the year of the plan's last month (``core.tracking.month_shares``)."""
    first = month_of(start)
    if first is None:
        return 0
    return contract_year(first + len(month_shares(horizon_years)) - 1, wave) + 1


def rows_by_year(ids: Iterable[object], months: Iterable[object], idea: str, wave: int) -> dict[int, int]:
    """How many Tracking rows (``ids`` and ``months`` column by column) of ``idea`` with a month lie in
    each contract year (0 = year 1): a year with one is reported."""
    out: dict[int, int] = {}
    for raw, month in zip(ids, months, strict=True):
        index = month_of(month)
        if index is not None and _text(raw) == idea:
            year = contract_year(index, wave)
            out[year] = out.get(year, 0) + 1
    return out


def last_reported_day(ids: Iterable[object], months: Iterable[object], idea: str) -> dt.date | None:
    """The latest Month (a day, as typed) of the Tracking rows (``ids`` and ``months`` column by
    column) of ``idea``, None without one: the workbook shows it as the idea's last report; its
    month is ``last_reported`` of the idea's realised amounts."""
    days = [safely(read_date, month) for raw, month in zip(ids, months, strict=True) if _text(raw) == idea]
    return max((day for day in days if day is not None), default=None)


def settlements(found: Mapping[str, TrueUp]) -> dict[str, float]:
    """Idea ID -> settlement to date, the amount of its passbook Settlement line."""
    return {idea: t.settlement for idea, t in found.items()}


def booked_lines(
    ideas: pd.DataFrame,
    tracking: pd.DataFrame,
    waves: Mapping[str, int],
    settings: Settings,
    decided: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, dict[str, TrueUp]]:
    """The passbook lines as booked (SPEC §3.6) and the true-ups behind their Settlement lines.

    The lines are those of ``decided`` (``core.chain_decisions``: a chain idea with its chain
    transfer; default ``ideas``) plus one Settlement line per trued-up idea. The true-ups are always
    read from ``ideas``, the two-firm rows, whose Split method the workbooks' live settlement
    formulas use too: the one reading for the generated books, the reports and the books read back.
    """
    found = true_ups(ideas, tracking, waves, settings)
    return passbook_lines(ideas if decided is None else decided, settlements(found)), found


def settlement_reading(settlement: float, supplier: str = "Supplier", customer: str = "Customer") -> str:
    """Who owes whom what, in words ('Supplier owes Customer 1,234'); 'Settled' within the passbook's
    rounding tolerance."""
    if abs(settlement) <= BALANCE_TOLERANCE:
        return "Settled"
    amount = whole_amount(abs(settlement))
    return (
        f"{supplier} owes {customer} {amount}" if settlement > 0 else f"{customer} owes {supplier} {amount}"
    )


def true_up_table(evaluated: pd.DataFrame, found: Mapping[str, TrueUp]) -> pd.DataFrame:
    """``TRUE_UP_COLUMNS`` rows of the trued-up ideas ``found`` (``true_ups``), in the table's order."""
    titles: dict[str, tuple[object, object]] = {}
    if len(evaluated):
        for idea, cid, title in zip(
            evaluated[col.IDEA_ID].tolist(), evaluated[col.CUSTOMER_ID].tolist(),
            evaluated[col.TITLE].tolist() if col.TITLE in evaluated.columns else [None] * len(evaluated),
            strict=True,
        ):  # fmt: skip
            key = _text(idea)
            if key is not None:
                titles.setdefault(key, (_text(cid), title))
    rows = [
        (*titles.get(idea, (None, None))[:1], idea, titles.get(idea, (None, None))[1], len(t.years),
         t.planned_transfer, t.realised_transfer, t.settlement)
        for idea, t in found.items()
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(TRUE_UP_COLUMNS))
