"""The data of a generation run, prepared once for all customers and sliced per customer.

Everything derived from domain rules is computed here with the core, vectorised over the whole
master: the evaluated ideas (``Master.evaluated``), the sign-off ranking (``selection``), the
passbook lines and balances (``passbook``) and each sign-off's fingerprint. Sheet writers only
read a ``CustomerData``; they never decide a figure themselves.

The Ideas sheet shows each idea as the two firms see it (``ideas``); a chain idea is selected,
signed, booked and counted by its chain verdict and split (issue 16, ``core.chain_decisions``):
the ranking, the passbook lines, the fingerprint, the sign-off lines and the record read the
decided frame (``Master.decided``; per customer ``CustomerData.decided``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple, cast

import numpy as np
import pandas as pd

from cvm_xl.books import layout as L
from cvm_xl.books.passbook import realised_by_idea
from cvm_xl.core import columns as col
from cvm_xl.core.actions import ACTION_COLUMNS, DAYS_OVERDUE, action_states, escalations
from cvm_xl.core.cells import parse_yes_no
from cvm_xl.core.chain import CUSTOMER, ChainBook
from cvm_xl.core.chain_decisions import DECISION_COLUMNS
from cvm_xl.core.chain_passbook import party_balances, supplier_customer_transfers
from cvm_xl.core.chain_view import ChainView, chain_view
from cvm_xl.core.fingerprint import SIGNED_FIELDS, SIGNED_WAVE, canonical_text, fingerprint
from cvm_xl.core.passbook import RELATIONSHIP_PASSBOOK_COLUMNS, Balances, equity_gap
from cvm_xl.core.problems import Problem
from cvm_xl.core.selection import rank_for_sign_off
from cvm_xl.core.settings import Settings
from cvm_xl.core.sharing import normalise_method
from cvm_xl.core.tracking import (
    CUSTOMER_REALISED,
    MONTH,
    NO_PARTS,
    SUPPLIER_REALISED,
    MonthlyReport,
    chart_months,
)
from cvm_xl.core.true_up import TrueUp, booked_lines, wave_months
from cvm_xl.core.value_contract import contract_parts
from cvm_xl.core.values import is_blank
from cvm_xl.core.waves import CustomerWaves, Wave, customer_waves, row_waves
from cvm_xl.generate.columnstore import TextColumn, store, store_arrays, take
from cvm_xl.generate.relationship_data import CustomerRelationship, RelationshipSlices
from cvm_xl.generate.report_data import ReportSlices
from cvm_xl.master.model import Master

IDEA_DATA_COLUMNS = tuple(c.name for c in L.IDEA_COLUMNS)
PASSBOOK_DATA_COLUMNS = RELATIONSHIP_PASSBOOK_COLUMNS


class SignOffUnit(NamedTuple):
    """One unit of a sign-off sheet (SPEC §3.7, issue 15): an idea alone, or a bundle ranked as one.

    ``members``: positions into ``CustomerData.ideas`` in table order; ``bundle``: the Bundle ID as
    its first member spells it (None for an idea alone), the heading line above its members;
    ``wave``: the wave whose list the unit is on (``core.selection``; None without waves).
    """

    rank: int
    members: list[int]
    bundle: str | None
    wave: int | None = None

    @property
    def lines(self) -> int:
        """Lines the unit takes on the sheet: one per idea, plus the bundle's own."""
        return len(self.members) + (self.bundle is not None)


@dataclass
class CustomerData:
    """One customer's slice: plain lists per column, in the master's row order."""

    customer_id: str
    customer: dict[str, object]
    ideas: dict[str, list]
    rank: list[int]
    workshop: dict[str, list]
    tracking: dict[str, list]
    passbook: dict[str, list]
    balances: Balances
    fingerprint: str
    settings: Settings
    generated: dt.datetime
    refused: list[Problem] = field(default_factory=list)
    relationship: CustomerRelationship | None = None
    report: MonthlyReport | None = None  # the Monthly report's figures
    realised: dict[str, tuple[float, float]] | None = None  # Idea ID -> supplier, customer realised
    # Implementation tracking (issue 14): the day the book reports on (--as-of; default the day it
    # is generated) and the customer's actions (``core.actions.ACTION_COLUMNS``, Status, Days overdue).
    as_of: dt.date | None = None
    actions: dict[str, list] | None = None
    wave: int | None = None  # the Wave start's month index: the contract years of the true-up
    chain: ChainView | None = None  # its chain ideas as the customer may see them (issue 16)
    # Issue 16: ``DECISION_COLUMNS`` of ``ideas`` as decided (``core.chain_decisions``): a chain
    # idea's chain verdict, split and supplier-to-customer transfer; empty: as ``ideas``.
    decided: dict[str, list] = field(default_factory=dict)
    waves: tuple[Wave, ...] = ()  # the customer's waves by number (``core.waves``, issue 14)
    # The wave whose sign-off list each idea is on is ``ideas[SIGNED_WAVE]`` (``core.selection``).

    @property
    def name(self) -> str:
        value = self.customer.get("Customer")
        return str(value) if isinstance(value, str) and value.strip() else self.customer_id

    @property
    def n_ideas(self) -> int:
        return len(self.ideas[col.IDEA_ID])

    @property
    def decided_ideas(self) -> dict[str, list]:
        """``ideas`` with the decision columns as decided (issue 16): what is selected, signed and
        booked, where ``ideas`` is what the Ideas sheet shows."""
        return {**self.ideas, **self.decided}

    def sign_off_wave(self, i: int) -> int | None:
        """The wave whose sign-off list idea ``i`` is on (None without waves)."""
        waves = self.ideas.get(SIGNED_WAVE)
        return waves[i] if waves else None

    def selected(self) -> list[int]:
        """Positions (into ``ideas``) of the sign-off ideas, by wave and rank (a bundle's members,
        which share its rank, in table order)."""
        order = [(self.sign_off_wave(i) or 0, rank, i) for i, rank in enumerate(self.rank) if rank]
        return [i for _, _, i in sorted(order)]

    def sign_off_units(self) -> list[SignOffUnit]:
        """The sign-off sheet's units by wave and rank: each idea alone, each bundle with its members."""
        units: dict[tuple[int | None, int], list[int]] = {}
        for i in self.selected():
            units.setdefault((self.sign_off_wave(i), self.rank[i]), []).append(i)
        bundles = self.ideas.get(col.BUNDLE)
        return [
            SignOffUnit(
                rank,
                members,
                canonical_text(bundles[members[0]]) if bundles and len(members) > 1 else None,
                wave,
            )
            for (wave, rank), members in units.items()
        ]

    @property
    def sign_off_by_wave(self) -> bool:
        """The sign-off sheet lists each wave apart (a heading line per wave): the customer has more
        than one wave (issue 14). With one wave it is the single list of SPEC §3.7."""
        return len(self.waves) > 1


def _truthy(series: pd.Series) -> np.ndarray:
    if series.dtype == bool:
        return series.to_numpy(dtype=bool)
    return series.map(lambda v: bool(parse_yes_no(v, False))).to_numpy(dtype=bool)


def _columns(frame: pd.DataFrame, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name in names:
        if name in frame.columns:
            s = frame[name]
            out[name] = s.to_numpy(dtype=float) if s.dtype.kind == "f" else s.to_numpy(dtype=object)
        else:
            out[name] = np.full(len(frame), None, dtype=object)
    return out


def _groups(keys: np.ndarray, positions: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Row positions per key (``_key`` of the cell), each in table order; only ``positions`` if given."""
    if positions is not None:
        keys = keys[positions]
    if not len(keys):
        return {}
    codes, uniques = pd.factorize(keys, use_na_sentinel=True)
    # Cells that differ only by spaces (or 12 vs 12.0) are one key: merge their codes.
    canonical: dict[object, int] = {}
    remap = np.array([canonical.setdefault(_key(u), len(canonical)) for u in uniques] + [-1], dtype=np.int64)
    names = list(canonical)
    codes = remap[codes]  # NaN cells (-1) pick the trailing -1
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    out: dict[str, np.ndarray] = {}
    for chunk in np.split(order, bounds):
        code = codes[chunk[0]]
        if code >= 0 and names[code] is not None:
            out[str(names[code])] = chunk if positions is None else positions[chunk]
    return out


def _key(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_EMPTY = np.zeros(0, dtype=np.int64)
_SEPARATOR = "\x00"  # between a customer ID and an Idea ID in one key (never in a cell's text)


def _member(values: np.ndarray, keys: set[str]) -> np.ndarray:
    """Which cells hold one of ``keys`` (compared as ``_key``), testing each distinct value once."""
    if not len(values) or not keys:
        return np.zeros(len(values), dtype=bool)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    hit = np.array([_key(u) in keys for u in uniques] + [False], dtype=bool)
    return hit[codes]


def _balances(supplier: np.ndarray, customer: np.ndarray, share: float) -> Balances:
    """``passbook.balances`` of one relationship's lines, from their two balance columns."""
    bs = float(supplier.sum()) + 0.0
    bc = float(customer.sum()) + 0.0
    return Balances(bs, bc, bs + bc, share, equity_gap(bs, bc, share))


def in_bounds(book: ChainBook) -> ChainBook:
    """The chain ideas no generated workbook leaves out: those not out of bounds (SPEC §7)."""
    return dataclasses.replace(book, ideas=tuple(e for e in book.ideas if not e.out_of_bounds))


def _method_text(value: object) -> object:
    """'Equal ' -> 'equal'; blank stays blank (auto)."""
    if is_blank(value):
        return None
    try:
        return normalise_method(value)
    except ValueError:
        return value


class RunData:
    """A master prepared for generation. ``customer(cid)`` returns one customer's ``CustomerData``.

    ``generated`` stamps the workbooks (default: now); ``as_of`` is the day their reports are made
    for (days overdue, reviews due, days open; default: the day of ``generated``), so a report can
    be reproduced (issue 14: ``--as-of``).
    """

    def __init__(
        self, master: Master, generated: dt.datetime | None = None, as_of: dt.date | None = None
    ) -> None:
        self.master = master
        self.settings = master.settings
        self.file = master.path.name if master.path else "master"
        self.generated = generated or dt.datetime.now().replace(microsecond=0)
        self.as_of = as_of or self.generated.date()
        settings = master.settings

        customers = master.customers
        self.customer_ids: list[str] = [str(_key(v)) for v in customers[col.CUSTOMER_ID].tolist()]
        # pandas types a record's keys as any Hashable; the Customers table's are its header texts
        self._customer_rows = cast(list[dict[str, object]], customers.to_dict("records"))
        self._customer_index = {cid: i for i, cid in enumerate(self.customer_ids)}

        evaluated = master.evaluated
        # Issue 16: every decision reads the decided frame (a chain idea by its chain verdict and
        # split); the Ideas sheet's columns stay the two-firm evaluation its formulas recompute.
        decided = master.decided
        oob = (
            _truthy(evaluated[col.OUT_OF_BOUNDS])
            if col.OUT_OF_BOUNDS in evaluated.columns
            else np.zeros(len(evaluated), dtype=bool)
        )
        self.out_of_bounds_ids = {
            str(_key(v)) for v in evaluated.loc[oob, col.IDEA_ID].tolist() if _key(v) is not None
        }
        ev = evaluated.loc[~oob]
        dv = decided.loc[~oob]
        # Every customer's waves (issue 14: the Waves table, wave 1 from the Wave start). Each
        # (customer, wave) has its own sign-off list; a blank Wave is the latest as of the run's day.
        self._customer_waves = customer_waves(customers, master.waves)
        self._row_waves = row_waves(ev, self._customer_waves, self.as_of)
        ranking = rank_for_sign_off(dv, settings, file=self.file, sheet=L.IDEAS, waves=self._row_waves)
        self._refused: dict[str, list[Problem]] = {}
        row_customer = dict(zip(ev.index.tolist(), ev[col.CUSTOMER_ID].map(_key).tolist(), strict=True))
        for problem in ranking.refused:
            self._refused.setdefault(str(row_customer.get(problem.row)), []).append(problem)
        self._ideas = _columns(ev, IDEA_DATA_COLUMNS)
        # Methods in their canonical spelling ('Equal ' -> 'equal'): the formulas would read either
        # alike (core.spellings), but the cell then shows the name the Settings sheet lists.
        self._ideas[col.SHARING_METHOD] = np.array(
            [_method_text(v) for v in self._ideas[col.SHARING_METHOD]], dtype=object
        )
        self._decided = _columns(dv, DECISION_COLUMNS)
        self._decided[col.SPLIT_METHOD] = np.array(
            [_method_text(v) for v in self._decided[col.SPLIT_METHOD]], dtype=object
        )
        self._rank = ranking.rank
        # The wave whose list each idea is on (a bundle's latest member's); None without waves.
        self._ideas[SIGNED_WAVE] = np.array([int(w) or None for w in ranking.wave], dtype=object)
        # What workers slice, kept outside Python objects (see columnstore).
        self._idea_store = store_arrays(self._ideas)
        self._idea_groups = _groups(ev[col.CUSTOMER_ID].to_numpy(dtype=object))
        idea_customer = dict(
            zip(ev[col.IDEA_ID].map(_key).tolist(), ev[col.CUSTOMER_ID].map(_key), strict=True)
        )

        # Trued-up ideas add their Settlement line (issue 15), so the balances include it.
        self._waves = wave_months(customers)
        # Value chains (issue 16): the chain ideas in bounds; the supplier-customer passbook of a
        # chain idea carries its split's net flow from the supplier to the customer as its transfer
        # (the decided frame's Transfer).
        self.chain = in_bounds(master.chain)
        self.chain_flows = supplier_customer_transfers(self.chain)
        self.evaluated_in_bounds = ev
        self.decided_in_bounds = dv
        lines, self._true_ups = booked_lines(ev, master.tracking, self._waves, settings, decided=dv)
        self._passbook = _columns(lines, PASSBOOK_DATA_COLUMNS)
        self._passbook_groups = _groups(lines[col.CUSTOMER_ID].to_numpy(dtype=object))
        share = settings.target_supplier_share
        self._balances = {
            cid: _balances(lines["Supplier"].to_numpy()[rows], lines["Customer"].to_numpy()[rows], share)
            for cid, rows in self._passbook_groups.items()
        }
        self._no_balances = Balances(0.0, 0.0, 0.0, share, 0.0)

        workshop = master.workshop
        raw = _columns(workshop, (col.CUSTOMER_ID, "Mother idea ID"))
        keep = ~_member(raw["Mother idea ID"], self.out_of_bounds_ids)
        self._workshop_groups = _groups(raw[col.CUSTOMER_ID], np.flatnonzero(keep))
        # The largest table: stored so that workers read it without copying the master (columnstore).
        self._workshop = store(workshop, tuple(c.name for c in L.WORKSHOP_COLUMNS_LAYOUT))

        tracking = master.tracking
        self._tracking = _columns(tracking, tuple(c.name for c in L.TRACKING_COLUMNS_LAYOUT))
        owner = np.array([idea_customer.get(_key(v)) for v in self._tracking[col.IDEA_ID]], dtype=object)
        self._tracking_groups = _groups(owner)
        self._realised = self._realised_by_idea()
        self._reports = ReportSlices(
            self._ideas,
            self._idea_groups,
            self._tracking,
            self._tracking_groups,
            settings.horizon_years,
            chart_months(settings),
        )
        # The value contract's transfers and investments (issue 14), of the ideas in bounds only.
        self._contract_parts = contract_parts(master.customers, ev, tracking, settings)
        # The relationship sheets (SPEC §3.9), out-of-bounds rows left out, grouped by customer.
        self._relationship = RelationshipSlices(master.relationship, settings, self.as_of)

        # Implementation tracking (issue 14): the actions of ideas in bounds, by the idea's customer.
        actions = master.actions
        self._actions = _columns(actions, ACTION_COLUMNS)
        states = action_states(actions, self.as_of)
        self._actions[col.STATUS] = states[col.STATUS].to_numpy(dtype=object)
        self._actions[DAYS_OVERDUE] = states[DAYS_OVERDUE].to_numpy(dtype=object)
        titles = dict(zip(ev[col.IDEA_ID].map(_key).tolist(), ev[col.TITLE].tolist(), strict=True))
        action_ideas = self._actions[col.IDEA_ID]
        self._actions[col.TITLE] = np.array([titles.get(_key(v)) for v in action_ideas], dtype=object)
        owner = np.array([idea_customer.get(_key(v)) for v in action_ideas], dtype=object)
        self._action_groups = _groups(owner)
        self._escalations = escalations(ev, actions, self.as_of)

    def _realised_by_idea(self) -> dict[str, dict[str, tuple[float, float]]]:
        """Per customer, the value realised so far per idea (``passbook_book.realised_by_idea`` of
        the customer's tracking rows), for all customers in one pass: each row's idea is prefixed
        with its customer, so rows of different customers never add up."""
        rows: list[int] = []
        ids: list[str | None] = []
        texts = self._tracking[col.IDEA_ID]
        for cid, positions in self._tracking_groups.items():
            for j in positions.tolist():
                text = texts[j]
                rows.append(j)
                ids.append(None if is_blank(text) else f"{cid}{_SEPARATOR}{str(text).strip()}")
        order = np.argsort(np.array(rows, dtype=np.int64), kind="stable")  # the table's order
        picked = np.array(rows, dtype=np.int64)[order]
        frame = pd.DataFrame(
            {
                col.IDEA_ID: np.array(ids, dtype=object)[order],
                MONTH: self._tracking[MONTH][picked],
                SUPPLIER_REALISED: self._tracking[SUPPLIER_REALISED][picked],
                CUSTOMER_REALISED: self._tracking[CUSTOMER_REALISED][picked],
            }
        )
        totals = realised_by_idea(frame)
        out: dict[str, dict[str, tuple[float, float]]] = {}
        for key, supplier, customer in zip(
            totals.index.tolist(),
            totals[SUPPLIER_REALISED].tolist(),
            totals[CUSTOMER_REALISED].tolist(),
            strict=True,
        ):
            cid, idea = key.split(_SEPARATOR, 1)
            out.setdefault(cid, {})[idea] = (supplier, customer)
        return out

    def true_ups(self) -> dict[str, TrueUp]:
        """Idea ID -> the true-up to date of every trued-up idea (``core.true_up``), all customers."""
        return self._true_ups

    def customer_name(self, customer_id: str) -> str | None:
        value = self.customer_field(customer_id, "Customer")
        return value if isinstance(value, str) else None

    def customer_field(self, customer_id: str, name: str) -> object:
        value = self._customer_rows[self._customer_index[customer_id]].get(name)
        return None if is_blank(value) else value

    def fingerprint(self, customer_id: str) -> str:
        """The sign-off fingerprint of one customer (without slicing the rest of its data)."""
        positions = self._idea_groups.get(customer_id, _EMPTY)
        chosen = positions[self._rank[positions] > 0]
        return fingerprint([self._signed(i) for i in chosen.tolist()], self.settings)

    def _signed(self, i: int) -> dict[str, object]:
        """The signed fields of row ``i`` (``core.fingerprint``), its decision columns as decided."""
        return {
            name: (self._decided if name in self._decided else self._ideas)[name][i] for name in SIGNED_FIELDS
        }

    @property
    def sign_off_lines(self) -> int:
        """The most lines a customer's sign-off sheet lists (``CustomerData.sign_off_units``): one per
        idea, plus one per bundle of two or more; the sheets of a run reserve this many rows."""
        most = 0
        for cid, positions in self._idea_groups.items():
            chosen = positions[self._rank[positions] > 0]
            waves = [w or 0 for w in self._ideas[SIGNED_WAVE][chosen].tolist()]
            units = list(zip(waves, self._rank[chosen].tolist(), strict=True))
            bundles = sum(1 for unit in set(units) if units.count(unit) > 1)
            # A customer of several waves has a heading line per wave (generate.sheets.sign_off).
            headings = len(set(waves)) if len(self._customer_waves.of(cid)) > 1 else 0
            most = max(most, len(units) + bundles + headings)
        return most

    def customer_waves(self, customer_id: str) -> tuple[Wave, ...]:
        """One customer's waves by number (``core.waves.customer_waves``)."""
        return self._customer_waves.of(customer_id)

    @property
    def known_waves(self) -> CustomerWaves:
        """Every customer's waves (``core.waves.customer_waves``)."""
        return self._customer_waves

    def row_waves(self) -> list[int | None]:
        """The wave of every row of ``ideas_table`` (``core.waves.row_waves`` as of the run's day:
        its Wave cell, a blank one the customer's latest wave)."""
        return list(self._row_waves)

    def ideas_table(self) -> dict[str, np.ndarray]:
        """The ideas of every customer (out-of-bounds ones left out), column by column, as decided
        (a chain idea by its chain verdict and split, issue 16), and their rank; ``SIGNED_WAVE`` holds
        the wave whose sign-off list each is on (None without waves)."""
        return {**self._ideas, **self._decided, "Sign-off rank": self._rank}

    def escalations(self) -> pd.DataFrame:
        """Every customer's escalations as of ``as_of`` (``core.actions.escalations``; ideas out of
        bounds and their actions left out), sorted by customer, owner and days overdue."""
        return self._escalations

    def refused(self, customer_id: str) -> list[Problem]:
        return self._refused.get(customer_id, [])

    @staticmethod
    def _take(columns: dict[str, TextColumn | np.ndarray], positions: np.ndarray) -> dict[str, list]:
        return {name: take(values, positions) for name, values in columns.items()}

    @staticmethod
    def _slice(columns: dict[str, np.ndarray], positions: np.ndarray) -> dict[str, list]:
        return {name: values[positions].tolist() for name, values in columns.items()}

    def chain_view(self, customer_id: str, viewer: str = CUSTOMER) -> ChainView | None:
        """The customer's chain ideas as ``viewer`` (a Party ID) may see them (``core.chain_view``),
        with each party's passbook standing; None when the viewer takes part in no chain idea."""
        if not any(e.customer_id == customer_id and viewer in e.parties for e in self.chain.ideas):
            return None
        standing = {
            b.party_id: (b.balance, b.target_share, b.equity_gap)
            for b in party_balances(self.chain, customer_id, self.evaluated_in_bounds)
        }
        return chain_view(
            self.chain,
            customer_id,
            viewer=viewer,
            customer_name=self.customer_name(customer_id) or customer_id,
            balances=standing,
            flows=self.chain_flows,
        )

    def customer(self, customer_id: str) -> CustomerData:
        index = self._customer_index[customer_id]
        positions = self._idea_groups.get(customer_id, _EMPTY)
        ideas = self._take(self._idea_store, positions)
        rank = self._rank[positions].tolist()
        signed = [self._signed(int(p)) for p, r in zip(positions.tolist(), rank, strict=True) if r]
        lines = self._slice(self._passbook, self._passbook_groups.get(customer_id, _EMPTY))
        return CustomerData(
            customer_id=customer_id,
            customer=self._customer_rows[index],
            ideas=ideas,
            rank=rank,
            workshop=self._take(self._workshop, self._workshop_groups.get(customer_id, _EMPTY)),
            tracking=self._slice(self._tracking, self._tracking_groups.get(customer_id, _EMPTY)),
            passbook=lines,
            balances=self._balances.get(customer_id, self._no_balances),
            fingerprint=fingerprint(signed, self.settings),
            settings=self.settings,
            generated=self.generated,
            refused=self.refused(customer_id),
            relationship=self._relationship.customer(
                customer_id, self._customer_rows[index], self._customer_waves.of(customer_id)
            ),
            report=self._reports.customer(
                customer_id, self._customer_rows[index], self._contract_parts.get(customer_id, NO_PARTS)
            ),
            realised=self._realised.get(customer_id, {}),
            as_of=self.as_of,
            actions=self._slice(self._actions, self._action_groups.get(customer_id, _EMPTY)),
            wave=self._waves.get(customer_id),
            chain=self.chain_view(customer_id),
            decided=self._slice(self._decided, positions),
            waves=self._customer_waves.of(customer_id),
        )
