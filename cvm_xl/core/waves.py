"""Waves 2…n of a CVM relationship (issue 14; SPEC §3.7 describes one 12-week wave).

The seed paper calls CVM "a never-ending journey": ideas are copied by competitors within 6 to 12
months, so the supplier refreshes the relationship with new waves. A customer's waves are read from
the optional Waves table (``Customer ID``, ``Wave`` 1, 2 …, ``Kick-off``, ``Facilitator``,
``Status``); the rules, decided where the issue is silent:

* **A customer's waves**: its Waves rows, by number. Wave 1 is the customer's ``Wave start`` unless a
  Waves row numbers it, so today's masters (no Waves sheet) keep one wave, and a Waves sheet may list
  only the waves after the first. A Waves row for wave 1 wins over the Wave start; when both are given
  and differ, that is a warning (``WAVE_START_DIFFERS``). Of two rows with one number the first is
  read (the repetition is an error of the table's key, ``WAVE_KEYS``).
* **The latest wave** as of a day: the highest number whose Kick-off is on or before that day; when
  no wave has kicked off yet, the highest number (a master being prepared for its first wave).
* **The wave of an idea or raw idea**: its ``Wave`` cell, or, when blank, the customer's latest wave
  as of the day asked for (the caller's as-of date, never today's date taken here). A customer
  without any wave gives blank ideas no wave (None).
* **Validation**, declared as data: a Wave is a whole number of at least ``WAVE_LOW`` (the table's
  column, ``master.schema``); (Customer ID, Wave) is unique (``WAVE_KEYS``); kick-offs increase
  with the wave number (a warning otherwise: ``KICK_OFF_ORDER``); an idea or raw idea naming a wave
  its customer does not have is an error (``UNKNOWN_WAVE``), with the waves it has in the fix; a
  raw idea whose ``Mother idea ID`` names an idea of its customer of another wave (each read as
  above, as of one day) is a warning (``MOTHER_OTHER_WAVE``): the idea or the raw idea may carry the
  wrong Wave. ``cvm-xl synthesize`` and ``cvm-xl validate`` both report it from here.

``Status`` (Planned, Running, Tracking, Closed) is the facilitator's record; no rule reads it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from cvm_xl.core import cells
from cvm_xl.core import columns as col
from cvm_xl.core.problems import ERROR, WARNING, Code
from cvm_xl.core.tracking import WAVE_START  # Customers: the kick-off of wave 1 unless a Waves row gives it
from cvm_xl.core.values import is_blank

# The Waves table of the master and the columns the Ideas and Workshop tables gain (issue 14).
WAVES_SHEET = "Waves"
WAVE = col.WAVE
KICK_OFF = "Kick-off"
FACILITATOR = "Facilitator"
WAVE_STATUS = "Status"
PLANNED, RUNNING, TRACKING, CLOSED = "Planned", "Running", "Tracking", "Closed"
WAVE_STATUSES = (PLANNED, RUNNING, TRACKING, CLOSED)
WAVE_COLUMNS = (col.CUSTOMER_ID, WAVE, KICK_OFF, FACILITATOR, WAVE_STATUS)
WAVE_REQUIRED = (col.CUSTOMER_ID, WAVE, KICK_OFF)
WAVE_LOW = 1  # wave numbers are whole numbers from 1
WAVE_KEYS = (col.CUSTOMER_ID, WAVE)  # one row per customer and wave number
EMULATED = col.EMULATED  # Ideas: the date a competitor copied the idea
RAW_ID = "Raw ID"  # Workshop: the raw idea's ID
MOTHER_ID = "Mother idea ID"  # Workshop: the idea the raw idea was merged into


@dataclass(frozen=True)
class Wave:
    """One wave of one customer. ``position`` is its row in the Waves table (0 = first record), None
    for a wave 1 taken from the customer's Wave start."""

    number: int
    kick_off: dt.date
    facilitator: str | None = None
    status: str | None = None
    position: int | None = None

    @property
    def from_wave_start(self) -> bool:
        return self.position is None


def wave_number(x: object) -> int | None:
    """A Wave cell as a number: 2, 2.0 or '2' -> 2; None for blank or for anything that is not a
    whole number of at least ``WAVE_LOW`` (the loader reports such a cell on its own)."""
    if is_blank(x) or isinstance(x, bool | np.bool_):
        return None
    try:
        number = float(str(x).strip()) if isinstance(x, str) else float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or not number.is_integer() or number < WAVE_LOW:
        return None
    return int(number)


def _day(x: object) -> dt.date | None:
    return cells.safely(cells.date, x)


def _texts(frame: pd.DataFrame, name: str) -> list[object]:
    return frame[name].tolist() if name in frame.columns else [None] * len(frame)


@dataclass(frozen=True)
class CustomerWaves:
    """Every customer's waves, by number (``customer_waves``); customers are found by their ID as
    cvm-xl compares IDs (``cells.key``: case and spacing ignored)."""

    by_customer: Mapping[str, tuple[Wave, ...]]
    wave_starts: Mapping[str, dt.date | None]
    shown_ids: Mapping[str, str]  # each key's Customer ID as first typed (Customers, then Waves)

    def of(self, customer_id: object) -> tuple[Wave, ...]:
        """The customer's waves by number; () for an unknown customer or one without waves."""
        if is_blank(customer_id):
            return ()
        return self.by_customer.get(cells.key(cells.text(customer_id)), ())

    def wave_start(self, customer_id: object) -> dt.date | None:
        if is_blank(customer_id):
            return None
        return self.wave_starts.get(cells.key(cells.text(customer_id)))

    def latest(self, customer_id: object, as_of: dt.date) -> Wave | None:
        return latest_wave(self.of(customer_id), as_of)

    def wave_of(self, customer_id: object, wave: object, as_of: dt.date) -> int | None:
        """The wave an idea or raw idea belongs to: its Wave cell, or the customer's latest wave."""
        return wave_of(wave, self.of(customer_id), as_of)


def customer_waves(customers: pd.DataFrame, waves: pd.DataFrame | None) -> CustomerWaves:
    """Each customer's waves: its rows of ``waves`` (the Waves table; None or empty when there is none)
    by number, wave 1 from its ``Wave start`` unless a row numbers it. Rows whose Customer ID, Wave or
    Kick-off cannot be read are left out (the loader reports them)."""
    rows: dict[str, dict[int, Wave]] = {}
    shown: dict[str, str] = {}
    for cid in _texts(customers, col.CUSTOMER_ID):
        who = cells.text(cid)
        if who is not None:
            shown.setdefault(cells.key(who), who)
    if waves is not None and len(waves):
        columns = zip(
            _texts(waves, col.CUSTOMER_ID),
            _texts(waves, WAVE),
            _texts(waves, KICK_OFF),
            _texts(waves, FACILITATOR),
            _texts(waves, WAVE_STATUS),
            strict=True,
        )
        for position, (cid, number, kick_off, facilitator, status) in enumerate(columns):
            who, n, day = cells.text(cid), wave_number(number), _day(kick_off)
            if who is None or n is None or day is None:
                continue
            shown.setdefault(cells.key(who), who)
            found = rows.setdefault(cells.key(who), {})
            if n not in found:  # the first row of a repeated number is read
                found[n] = Wave(n, day, cells.text(facilitator), cells.text(status), position)
    starts: dict[str, dt.date | None] = {}
    for cid, start in zip(_texts(customers, col.CUSTOMER_ID), _texts(customers, WAVE_START), strict=True):
        who = cells.text(cid)
        if who is not None and cells.key(who) not in starts:
            starts[cells.key(who)] = _day(start)
    for who, start in starts.items():
        found = rows.setdefault(who, {})
        if 1 not in found and start is not None:
            found[1] = Wave(1, start)
    return CustomerWaves(
        {who: tuple(found[n] for n in sorted(found)) for who, found in rows.items() if found}, starts, shown
    )


def latest_wave(waves: Sequence[Wave], as_of: dt.date) -> Wave | None:
    """The highest-numbered wave kicked off on or before ``as_of``; when none has kicked off yet,
    the highest-numbered wave; None without waves."""
    started = [w for w in waves if w.kick_off <= as_of]
    pool = started or list(waves)
    return max(pool, key=lambda w: w.number, default=None)


def wave_of(wave: object, waves: Sequence[Wave], as_of: dt.date) -> int | None:
    """The wave of an idea or raw idea whose Wave cell is ``wave``: that number, or when blank the
    latest of ``waves`` (its customer's) as of ``as_of``; None when blank and the customer has none.
    A number the customer has no wave for is returned as typed (``unknown_waves`` reports it)."""
    number = wave_number(wave)
    if number is not None:
        return number
    latest = latest_wave(waves, as_of)
    return None if latest is None else latest.number


def row_waves(frame: pd.DataFrame, waves: CustomerWaves, as_of: dt.date) -> list[int | None]:
    """The wave of every row of an Ideas or Workshop table (``wave_of`` row by row)."""
    return [
        waves.wave_of(cid, wave, as_of)
        for cid, wave in zip(_texts(frame, col.CUSTOMER_ID), _texts(frame, WAVE), strict=True)
    ]


# --- validation, as data ------------------------------------------------------------------------


@dataclass(frozen=True)
class WaveRule:
    """One validation rule of the waves: its problem code, severity and wording (``str.format``
    templates over a finding's fields)."""

    code: Code
    severity: str
    message: str
    fix: str


KICK_OFF_ORDER = WaveRule(
    Code.WAVES_KICK_OFF_ORDER,
    WARNING,
    "Wave {wave} of customer {customer} kicks off on {kick_off}, not after wave {previous} "
    "({previous_kick_off}).",
    "Check the Kick-off dates: each wave kicks off after the one before it.",
)
UNKNOWN_WAVE = WaveRule(
    Code.WAVES_UNKNOWN_WAVE,
    ERROR,
    "Customer {customer} has no wave {wave}.",
    "{listed}Add wave {wave} of customer {customer} on the Waves sheet, or leave Wave blank for the "
    "customer's latest wave.",
)
WAVE_START_DIFFERS = WaveRule(
    Code.WAVES_WAVE_START_DIFFERS,
    WARNING,
    "Wave 1 of customer {customer} kicks off on {kick_off}, but its Wave start on the Customers sheet "
    "is {wave_start}; the Waves sheet is read.",
    "Make the two dates the same: a customer's Wave start is the kick-off of its wave 1.",
)
MOTHER_OTHER_WAVE = WaveRule(
    Code.WAVES_MOTHER_OTHER_WAVE,
    WARNING,
    "Raw idea {raw_id} of customer {customer} is in wave {wave}, but its mother idea {mother_id} is in "
    "wave {idea_wave}.",
    "Check the Wave of the raw idea and of the idea (blank is the customer's latest wave), or give the "
    "raw idea a mother idea of its own wave.",
)
WAVE_RULES = (KICK_OFF_ORDER, UNKNOWN_WAVE, WAVE_START_DIFFERS, MOTHER_OTHER_WAVE)


@dataclass(frozen=True)
class WaveFinding:
    """A rule broken at one cell: ``position`` is the record's place in its table (0 = first
    record), ``column`` the cell's column and ``value`` its content."""

    rule: WaveRule
    position: int
    column: str
    value: object
    fields: Mapping[str, object]

    @property
    def message(self) -> str:
        return self.rule.message.format(**self.fields)

    @property
    def fix(self) -> str:
        return self.rule.fix.format(**self.fields)


def waves_findings(waves: CustomerWaves) -> list[WaveFinding]:
    """The Waves table's own findings: kick-offs out of order (on the later wave's Kick-off) and a
    wave 1 row whose Kick-off differs from the customer's Wave start; by row."""
    found: list[WaveFinding] = []
    for who, listed in waves.by_customer.items():
        for before, wave in pairwise(listed):
            if wave.position is not None and wave.kick_off <= before.kick_off:
                fields = {
                    "wave": wave.number,
                    "customer": waves.shown_ids.get(who, who),
                    "kick_off": wave.kick_off.isoformat(),
                    "previous": before.number,
                    "previous_kick_off": before.kick_off.isoformat()
                    + (", its Wave start" if before.from_wave_start else ""),
                }
                found.append(WaveFinding(KICK_OFF_ORDER, wave.position, KICK_OFF, wave.kick_off, fields))
        first = listed[0] if listed and listed[0].number == 1 else None
        start = waves.wave_starts.get(who)
        if first is not None and first.position is not None and start is not None and start != first.kick_off:
            fields = {
                "customer": waves.shown_ids.get(who, who),
                "kick_off": first.kick_off.isoformat(),
                "wave_start": start.isoformat(),
            }
            found.append(WaveFinding(WAVE_START_DIFFERS, first.position, KICK_OFF, first.kick_off, fields))
    return sorted(found, key=lambda f: f.position)


def unknown_waves(frame: pd.DataFrame, waves: CustomerWaves) -> list[WaveFinding]:
    """Rows of an Ideas or Workshop table naming a wave their customer does not have (errors)."""
    found: list[WaveFinding] = []
    for position, (cid, typed) in enumerate(
        zip(_texts(frame, col.CUSTOMER_ID), _texts(frame, WAVE), strict=True)
    ):
        number = wave_number(typed)
        who = cells.text(cid)
        if number is None or who is None:
            continue
        have = [w.number for w in waves.of(who)]
        if number in have:
            continue
        listed = (
            f"Use one of its waves ({', '.join(str(n) for n in have)}). "
            if have
            else "The customer has no wave yet: give it a Wave start on the Customers sheet. "
        )
        fields = {"customer": who, "wave": number, "listed": listed}
        found.append(WaveFinding(UNKNOWN_WAVE, position, WAVE, typed, fields))
    return found


def mother_other_waves(
    workshop: pd.DataFrame, ideas: pd.DataFrame, waves: CustomerWaves, as_of: dt.date
) -> list[WaveFinding]:
    """Raw ideas (rows of the Workshop table) whose Mother idea ID names an idea of their customer
    that has no row in the raw idea's wave (warnings at the Mother idea ID cell), in table order.

    Waves are read as ``row_waves`` reads them, a blank Wave the customer's latest as of ``as_of``;
    customers and Idea IDs are compared as cvm-xl compares IDs (``cells.key``). The mother idea's
    wave shown is its first Ideas row's of a wave the customer has. A row without a Raw ID, a
    customer or a mother idea, a mother idea that is not in the Ideas table or is another customer's
    (``WORKSHOP_MOTHER_CUSTOMER``), and a wave the customer does not have, on either row
    (``UNKNOWN_WAVE`` reports it), are not this rule's.
    """
    idea_waves = row_waves(ideas, waves, as_of)
    by_idea: dict[tuple[str, str], list[int | None]] = {}
    for cid, idea_id, wave in zip(
        _texts(ideas, col.CUSTOMER_ID), _texts(ideas, col.IDEA_ID), idea_waves, strict=True
    ):
        who, which = cells.text(cid), cells.text(idea_id)
        if who is not None and which is not None:
            by_idea.setdefault((cells.key(who), cells.key(which)), []).append(wave)
    found: list[WaveFinding] = []
    rows = zip(
        _texts(workshop, col.CUSTOMER_ID),
        _texts(workshop, RAW_ID),
        _texts(workshop, MOTHER_ID),
        row_waves(workshop, waves, as_of),
        strict=True,
    )
    for position, (cid, raw, typed, wave) in enumerate(rows):
        who, raw_id, mother_id = cells.text(cid), cells.text(raw), cells.text(typed)
        have = {w.number for w in waves.of(who)}
        if who is None or raw_id is None or mother_id is None or wave not in have:
            continue
        # a wave the customer does not have is UNKNOWN_WAVE's: only the waves it has are compared
        listed = [w for w in by_idea.get((cells.key(who), cells.key(mother_id)), []) if w in have]
        if not listed or wave in listed:
            continue
        fields = {
            "customer": who,
            "raw_id": raw_id,
            "mother_id": mother_id,
            "wave": wave,
            "idea_wave": listed[0],
        }
        found.append(WaveFinding(MOTHER_OTHER_WAVE, position, MOTHER_ID, typed, fields))
    return found
