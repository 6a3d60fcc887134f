"""Checks of the waves (issue 14: waves 2…n): the rules of ``core.waves``, placed at their cells.

The rules and their wording are data in ``core.waves`` (``WAVE_RULES``); this module only reads the
tables and turns each finding into a Problem on the cell it concerns: a Kick-off of the Waves sheet,
the Wave of an idea or raw idea, or the Mother idea ID of a raw idea naming an idea of another wave.
A cell that already had a problem of its own is not checked again, and a row whose customer is not
on the Customers sheet is left to that reference's error. A blank Wave is the customer's latest
wave as of today (validation judges the master as it stands, as the saved-results check does).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from cvm_xl.core import cells
from cvm_xl.core import columns as col
from cvm_xl.core.problems import Problem
from cvm_xl.core.waves import (
    MOTHER_ID,
    CustomerWaves,
    WaveFinding,
    customer_waves,
    mother_other_waves,
    unknown_waves,
    waves_findings,
)
from cvm_xl.master.read_tables import ReadTables, TableData


def _usable(data: TableData, *columns: str) -> np.ndarray:
    mask = np.ones(len(data.frame), dtype=bool)
    for name in columns:
        mask &= data.usable(name)
    return mask


def _placed(
    data: TableData, findings: list[WaveFinding], waves: CustomerWaves, *columns: str
) -> list[Problem]:
    """The findings as problems at their cells, but for rows whose ``columns`` had a problem of their
    own or whose customer is not on the Customers sheet."""
    usable = _usable(data, col.CUSTOMER_ID, *columns)
    problems: list[Problem] = []
    for finding in findings:
        customer = data.frame[col.CUSTOMER_ID].iat[finding.position]
        if not usable[finding.position] or cells.key(cells.text(customer)) not in waves.wave_starts:
            continue
        problems.append(
            data.problem(
                data.row_number(finding.position),
                finding.column,
                finding.value,
                finding.message,
                finding.fix,
                finding.rule.severity,
                code=finding.rule.code,
            )
        )
    return problems


def _unknown(data: TableData | None, waves: CustomerWaves) -> list[Problem]:
    if data is None or data.frame.empty or not data.has(col.WAVE) or not data.has(col.CUSTOMER_ID):
        return []
    return _placed(data, unknown_waves(data.frame, waves), waves, col.WAVE)


def _other_wave(read: ReadTables, waves: CustomerWaves, as_of: dt.date) -> list[Problem]:
    """Raw ideas whose Mother idea ID names an idea of another wave of their customer (warnings)."""
    workshop, ideas = read.get("Workshop"), read.get("Ideas")
    if workshop is None or ideas is None or workshop.frame.empty or ideas.frame.empty:
        return []
    if not workshop.has(MOTHER_ID) or not workshop.has(col.CUSTOMER_ID) or not ideas.has(col.IDEA_ID):
        return []
    findings = mother_other_waves(workshop.frame, ideas.frame, waves, as_of)
    return _placed(workshop, findings, waves, MOTHER_ID, col.WAVE)


def check_waves(read: ReadTables) -> list[Problem]:
    """Issue 14: kick-offs out of order and a wave 1 that differs from the Wave start (warnings on
    the Waves sheet); an idea or raw idea naming a wave its customer does not have (an error); a raw
    idea whose mother idea is of another wave (a warning at its Mother idea ID, as of today)."""
    customers = read.get("Customers")
    if customers is None or not customers.has(col.CUSTOMER_ID):
        return []
    table = read.get("Waves")
    frame = table.frame if table is not None and table.header is not None else None
    waves = customer_waves(customers.frame, frame)
    problems: list[Problem] = []
    if table is not None and frame is not None:
        for finding in waves_findings(waves):
            problems.append(
                table.problem(
                    table.row_number(finding.position),
                    finding.column,
                    finding.value,
                    finding.message,
                    finding.fix,
                    finding.rule.severity,
                    code=finding.rule.code,
                )
            )
    for name in ("Ideas", "Workshop"):
        problems += _unknown(read.get(name), waves)
    problems += _other_wave(read, waves, dt.date.today())
    return problems
