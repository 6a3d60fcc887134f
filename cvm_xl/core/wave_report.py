"""Reports per wave (issue 14: "selection … and reports work per wave"; SPEC §3.7 describes one wave).

One row per customer and wave, the figures of the consolidated sign-off's ``Waves`` sheet:

* ``Raw ideas``: the customer's Workshop rows of the wave; ``Ideas``: its ideas (out-of-bounds ones
  are left out by the caller, as everywhere in the consolidated sign-off); ``Go ideas``: those whose
  verdict is a Go (``core.verdicts.GO_CODES``).
* ``Selected for sign-off``: ideas on the wave's sign-off list (``core.selection``, per wave; a
  bundle's members each count, in the wave whose list holds the bundle: its latest member's), so
  the figure is the number of idea lines the wave has on the customer's Sign-off sheet.
* ``Signed off or later``: ideas whose Status puts them in the passbook (``core.passbook``);
  ``Planned net value``: the net value of those ideas (blank net values count as nothing).
* ``Realised to date``: supplier plus customer realised of the Tracking rows of the wave's ideas
  whose Month is on or before the as-of month (a customer's own one-time investment included, as
  the Tracking sheet records it).

The wave of an idea or raw idea is ``core.waves.wave_of`` (blank = the customer's latest wave as
of the day asked for). Rows are the customer's waves by number, plus any wave an idea names that
the customer lacks (an error the checks report, listed so the figures still add up), plus a row
with no wave for rows of a customer without any; so the figures of a customer's rows always add up
to the customer's totals.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from cvm_xl.core import cells
from cvm_xl.core import columns as col
from cvm_xl.core.passbook import in_passbook
from cvm_xl.core.tracking import CUSTOMER_REALISED, MONTH, SUPPLIER_REALISED, month_index, month_of
from cvm_xl.core.verdicts import GO_CODES
from cvm_xl.core.waves import KICK_OFF, WAVE, WAVE_STATUS, CustomerWaves, Wave

RAW_IDEAS = "Raw ideas"
IDEAS = "Ideas"
GO_IDEAS = "Go ideas"
SELECTED = "Selected for sign-off"
SIGNED_OR_LATER = "Signed off or later"
PLANNED_NET = "Planned net value"
REALISED = "Realised to date"
COUNTS = (RAW_IDEAS, IDEAS, GO_IDEAS, SELECTED, SIGNED_OR_LATER)
AMOUNTS = (PLANNED_NET, REALISED)
WAVE_REPORT_COLUMNS = (col.CUSTOMER_ID, WAVE, KICK_OFF, WAVE_STATUS, *COUNTS, *AMOUNTS)


def wave_title(number: int, kick_off: dt.date | None) -> str:
    """'wave 2 (kicked off 2026-10-05)': how a wave is named in a heading (the sign-off sheet,
    ``cvm-xl select``)."""
    return f"wave {number}" + (f" (kicked off {kick_off.isoformat()})" if kick_off else "")


def kick_off_of(waves: Sequence[Wave], number: int | None) -> dt.date | None:
    """The Kick-off of wave ``number`` among a customer's ``waves`` (None when it has none)."""
    return next((w.kick_off for w in waves if w.number == number), None)


class IdeaWaves(NamedTuple):
    """The evaluated ideas of a report and, row by row, the wave each is in, its sign-off rank and
    the wave whose sign-off list ranks it (``listed``: ``core.selection``'s; None = its own wave)."""

    ideas: pd.DataFrame
    waves: Sequence[int | None]
    rank: Sequence[int]
    listed: Sequence[int | None] | None = None


def _who(x: object) -> str | None:
    text = cells.text(x)
    return None if text is None else cells.key(text)


def _amounts(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A tracking amount column as floats, blank as 0 (what a SUM of the cells gives)."""
    values = cells.number_column(frame[name] if name in frame.columns else None, len(frame))
    return np.where(np.isnan(values), 0.0, values)


def wave_report(
    ideas: IdeaWaves,
    workshop: pd.DataFrame,
    workshop_waves: Sequence[int | None],
    tracking: pd.DataFrame,
    waves: CustomerWaves,
    customer_ids: Sequence[object],
    as_of: dt.date,
) -> pd.DataFrame:
    """One row per customer (in ``customer_ids`` order) and wave, ``WAVE_REPORT_COLUMNS`` (see the
    module docstring). ``tracking`` rows count for the idea their Idea ID names (any customer's)."""
    ev = ideas.ideas
    n = len(ev)
    who = [_who(v) for v in (ev[col.CUSTOMER_ID] if n else [])]
    key = list(zip(who, list(ideas.waves), strict=True))
    codes = ev[col.VERDICT_CODE].tolist() if n else []
    statuses = ev[col.STATUS].tolist() if col.STATUS in ev.columns else [None] * n
    net = ev[col.NET_VALUE].to_numpy(dtype=float) if n else np.zeros(0)
    signed = np.array([in_passbook(s) for s in statuses], dtype=bool)

    # Realised to date per idea: its tracking rows up to the as-of month.
    last = month_index(as_of)
    realised: dict[str, float] = {}
    if len(tracking):
        amounts = _amounts(tracking, SUPPLIER_REALISED) + _amounts(tracking, CUSTOMER_REALISED)
        for idea, month, amount in zip(tracking[col.IDEA_ID], tracking[MONTH], amounts, strict=True):
            index, name = month_of(month), cells.text(idea)
            if name is not None and index is not None and index <= last:
                realised[name] = realised.get(name, 0.0) + float(amount)
    ids = [cells.text(v) for v in (ev[col.IDEA_ID] if n else [])]

    figures: dict[tuple[str | None, int | None], dict[str, float]] = {}

    def row(k: tuple[str | None, int | None]) -> dict[str, float]:
        return figures.setdefault(k, dict.fromkeys((*COUNTS, *AMOUNTS), 0.0))

    raw_customers = workshop[col.CUSTOMER_ID].tolist() if col.CUSTOMER_ID in workshop.columns else []
    for raw_customer, raw_wave in zip(raw_customers, workshop_waves, strict=True):
        row((_who(raw_customer), raw_wave))[RAW_IDEAS] += 1
    on_list = list(ideas.listed) if ideas.listed is not None else [w for _, w in key]
    for i, k in enumerate(key):
        r = row(k)
        r[IDEAS] += 1
        r[GO_IDEAS] += codes[i] in GO_CODES
        if int(ideas.rank[i]) > 0:
            row((k[0], on_list[i]))[SELECTED] += 1
        if signed[i]:
            r[SIGNED_OR_LATER] += 1
            r[PLANNED_NET] += 0.0 if math.isnan(net[i]) else float(net[i])
        r[REALISED] += realised.get(ids[i] or "", 0.0)

    out: list[dict[str, object]] = []
    listed: set[tuple[str | None, int | None]] = set()
    for shown_id in customer_ids:
        cid = _who(shown_id)
        own = waves.of(shown_id)
        numbers: list[int | None] = [w.number for w in own]
        numbers += sorted({w for c, w in figures if c == cid and w not in numbers}, key=lambda w: w or 0)
        for number in numbers:
            if (cid, number) in listed:
                continue
            listed.add((cid, number))
            wave = next((w for w in own if w.number == number), None)
            out.append(
                {
                    col.CUSTOMER_ID: cells.text(shown_id),
                    WAVE: number,
                    KICK_OFF: None if wave is None else wave.kick_off,
                    WAVE_STATUS: None if wave is None else wave.status,
                    **figures.get((cid, number), dict.fromkeys((*COUNTS, *AMOUNTS), 0.0)),
                }
            )
    frame = pd.DataFrame(out, columns=list(WAVE_REPORT_COLUMNS))
    for name in COUNTS:
        frame[name] = frame[name].astype(np.int64)
    for name in AMOUNTS:
        frame[name] = frame[name].astype(float)
    return frame
