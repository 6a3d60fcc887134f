"""Checks of the waves (issue 14: waves 2…n): the rules of ``core.waves``, placed at their cells.

The rules and their wording are data in ``core.waves`` (``WAVE_RULES``); this module only reads the
tables and turns each finding into a Problem on the cell it concerns: a Kick-off of the Waves sheet,
or the Wave of an idea or raw idea. A cell that already had a problem of its own is not checked
again, and a row whose customer is not on the Customers sheet is left to that reference's error.
"""

from __future__ import annotations

import numpy as np

from cvm_xl.core import cells
from cvm_xl.core import columns as col
from cvm_xl.core.problems import Problem
from cvm_xl.core.waves import CustomerWaves, customer_waves, unknown_waves, waves_findings
from cvm_xl.master.read_tables import ReadTables, TableData


def _usable(data: TableData, *columns: str) -> np.ndarray:
    mask = np.ones(len(data.frame), dtype=bool)
    for name in columns:
        mask &= data.usable(name)
    return mask


def _unknown(data: TableData | None, waves: CustomerWaves) -> list[Problem]:
    if data is None or data.frame.empty or not data.has(col.WAVE) or not data.has(col.CUSTOMER_ID):
        return []
    usable = _usable(data, col.WAVE, col.CUSTOMER_ID)
    problems: list[Problem] = []
    for finding in unknown_waves(data.frame, waves):
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


def check_waves(read: ReadTables) -> list[Problem]:
    """Issue 14: kick-offs out of order and a wave 1 that differs from the Wave start (warnings on
    the Waves sheet); an idea or raw idea naming a wave its customer does not have (an error)."""
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
    return problems
