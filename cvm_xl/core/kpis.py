"""KPIs of the relationship: each objective's baseline, target and measured path (issue 14).

Weeks 1–3 of the wave "set targets for the key performance indicators" (SPEC §3.7); the Objectives
table (SPEC §3.9, mine / yours / ours) holds each objective's ``Measure``, its ``Baseline`` (a number:
the value before the wave) and its ``Target`` (free text, e.g. "0.5%" or "below 2 days"). The optional
``KPI readings`` table gives the measured path: ``Objective``, ``Customer ID``, ``Month``, ``Value``.

Rules (chosen here, stated in the README):

* A reading belongs to the objective of its customer whose text is the same, case and spacing
  ignored (``objective_key``); a reading that matches none is reported by validation and not charted.
* A reading's month is the calendar month of its ``Month`` cell; when one objective has several
  readings in one month, the one listed last counts (a correction typed below the first).
* The target line: the number the ``Target`` cell holds, read by the one cell parser
  (``core.cells.parse_number``: '0.5%' is 0.005, '1,250' is 1250) after an optional leading comparison
  sign (<, <=, >, >=, ≤, ≥, =, ~). A target with words in it ("below 2 days") has no number: the chart
  then shows no target line, and the sheet says so.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from cvm_xl.core import cells

# The columns issue 14 adds (the tables' layouts: readiness.tables.OBJECTIVES and KPI_READINGS)
BASELINE = "Baseline"
KPI_MONTH = "Month"
KPI_VALUE = "Value"
COMPARISONS = ("<=", ">=", "≤", "≥", "<", ">", "=", "~")
NO_TARGET_NUMBER = "The target holds no number: the chart shows no target line."


def objective_key(x: object) -> str | None:
    """How two spellings of an objective compare: trimmed, spaces collapsed, case ignored."""
    value = cells.text(x)
    return None if value is None else cells.key(value)


def target_number(x: object) -> float | None:
    """The number a Target cell holds (module rules), or None when it holds none."""
    value = cells.text(x) if isinstance(x, str) else x
    if isinstance(value, str):
        for sign in COMPARISONS:
            if value.startswith(sign):
                value = value[len(sign) :].strip()
                break
    number = cells.safely(cells.parse_number, value)
    return None if number is None or math.isnan(number) else number


@dataclass(frozen=True)
class KpiSeries:
    """One objective's chart: its baseline, target and readings by month (first day of the month)."""

    objective: str
    measure: str | None
    baseline: float | None
    target_text: str | None
    target: float | None
    readings: tuple[tuple[dt.date, float], ...]

    @property
    def note(self) -> str | None:
        """What the sheet says under the chart: why there is no target line, if there is none."""
        return NO_TARGET_NUMBER if self.target_text is not None and self.target is None else None


def _number(x: object) -> float | None:
    number = cells.safely(cells.parse_number, x)
    return None if number is None or math.isnan(number) else number


def kpi_series(
    objectives: Sequence[tuple[object, object, object, object]],
    readings: Sequence[tuple[object, object, object]],
) -> list[KpiSeries]:
    """One customer's KPI series, in the order of its objectives.

    ``objectives``: (Objective, Measure, Baseline, Target) per objective row; rows without an
    Objective text are left out, and a repeated objective (same key) adds nothing. ``readings``:
    (Objective, Month, Value) per KPI readings row of the customer; unreadable or blank months and
    values, and readings of no listed objective, are left out.
    """
    by_key: dict[str, dict[dt.date, float]] = {}
    order: list[tuple[str, tuple[object, object, object, object]]] = []
    for row in objectives:
        key = objective_key(row[0])
        if key is not None and key not in by_key:
            by_key[key] = {}
            order.append((key, row))
    for objective, month, value in readings:
        key = objective_key(objective)
        day = cells.safely(cells.date, month)
        number = _number(value)
        if key in by_key and day is not None and number is not None:
            by_key[key][day.replace(day=1)] = number
    out = []
    for key, (objective, measure, baseline, target) in order:
        path = tuple(sorted(by_key[key].items()))
        out.append(
            KpiSeries(
                objective=cells.text(objective) or "",
                measure=cells.text(measure),
                baseline=_number(baseline),
                target_text=cells.text(target),
                target=target_number(target),
                readings=path,
            )
        )
    return out
