"""The rules within one row of the relationship tables (SPEC §3.9), as checks of the registry.

Each takes the tables as read (``read_tables.ReadTables``) and returns the Problems of its table,
row by row; a table that is absent gives none. Cells that could not be read are None (or NaN) in
the typed table, so a rule never reports on a cell that already has a problem of its own.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cvm_xl.core import cells
from cvm_xl.core.kpis import objective_key
from cvm_xl.core.problems import WARNING, Code, Problem
from cvm_xl.core.suggest import did_you_mean
from cvm_xl.master.read_tables import ReadTables
from cvm_xl.readiness import tables as rt
from cvm_xl.readiness.issue_log import OPEN, RESOLVED_STATUS


def check_issue_log(read: ReadTables) -> list[Problem]:
    """An issue is resolved and due on or after the day it was raised; a resolved issue records its
    resolution, and an issue with a Resolved date is not Open."""
    issues = read.get(rt.ISSUES_SHEET)
    if issues is None or issues.frame.empty:
        return []
    frame = issues.frame
    problems: list[Problem] = []
    columns = (rt.RAISED, rt.RESOLVED, rt.DUE, rt.STATUS, rt.RESOLUTION)
    for position, (raised, resolved, due, status, resolution) in enumerate(
        zip(*(frame[c].tolist() for c in columns), strict=True)
    ):
        row = issues.row_number(position)
        if raised is not None and resolved is not None and resolved < raised:
            problems.append(
                issues.problem(
                    row,
                    rt.RESOLVED,
                    resolved,
                    f"Resolved ({resolved.isoformat()}) is before Raised ({raised.isoformat()}).",
                    "Correct the Resolved or the Raised date.",
                    code=Code.ISSUES_RESOLVED_BEFORE_RAISED,
                )
            )
        if raised is not None and due is not None and due < raised:
            problems.append(
                issues.problem(
                    row,
                    rt.DUE,
                    due,
                    f"Due ({due.isoformat()}) is before Raised ({raised.isoformat()}).",
                    "Correct the Due or the Raised date.",
                    code=Code.ISSUES_DUE_BEFORE_RAISED,
                )
            )
        if status == RESOLVED_STATUS and cells.text(resolution) is None:
            problems.append(
                issues.problem(
                    row,
                    rt.RESOLUTION,
                    None,
                    "The issue is Resolved but no Resolution is recorded.",
                    "Write down how it was resolved, so both firms can refer to it.",
                    WARNING,
                    code=Code.ISSUES_NO_RESOLUTION,
                )
            )
        if status == OPEN and resolved is not None:
            problems.append(
                issues.problem(
                    row,
                    rt.STATUS,
                    status,
                    "The issue has a Resolved date but its Status is Open.",
                    "Set Status to Resolved, or clear the Resolved date.",
                    WARNING,
                    code=Code.ISSUES_OPEN_BUT_RESOLVED,
                )
            )
    return problems


def check_risk_ratings(read: ReadTables) -> list[Problem]:
    """A risk with a likelihood needs an impact, and the other way round, to be rated."""
    risks = read.get(rt.RISKS_SHEET)
    if risks is None or risks.frame.empty:
        return []
    likely, impact = ~risks.blanks(rt.LIKELIHOOD), ~risks.blanks(rt.IMPACT)
    problems: list[Problem] = []
    for position in np.flatnonzero(likely != impact):
        missing = rt.IMPACT if likely[position] else rt.LIKELIHOOD
        problems.append(
            risks.problem(
                risks.row_number(int(position)),
                missing,
                None,
                f"The risk has no {missing}, so it has no rating.",
                f"Enter the {missing} as a whole number from 1 to 5.",
                WARNING,
                code=Code.RISKS_HALF_RATED,
            )
        )
    return problems


def check_exit_actions(read: ReadTables) -> list[Problem]:
    """An exit trigger that is not retired has an agreed Action."""
    exits = read.get(rt.EXITS_SHEET)
    if exits is None or exits.frame.empty:
        return []
    frame = exits.frame
    problems: list[Problem] = []
    for position, (status, action) in enumerate(zip(frame[rt.STATUS], frame[rt.ACTION], strict=True)):
        if status != rt.EXIT_STATUSES[-1] and cells.text(action) is None:
            problems.append(
                exits.problem(
                    exits.row_number(position),
                    rt.ACTION,
                    None,
                    "The exit trigger has no agreed Action.",
                    "Write what the partners will do when the trigger occurs.",
                    WARNING,
                    code=Code.EXITS_NO_ACTION,
                )
            )
    return problems


def check_kpi_objectives(read: ReadTables) -> list[Problem]:
    """Issue 14: a KPI reading names an objective of its own customer on the Objectives sheet (case and
    spacing ignored, ``core.kpis.objective_key``). Checked when the Objectives sheet is read with the
    readings (a master without one has no objective to chart, and a KPI readings table checked on
    its own, ``readiness_checks.check_table``, has nothing to compare with)."""
    readings = read.get(rt.KPI_SHEET)
    objectives = read.get(rt.OBJECTIVES_SHEET)
    needed = (rt.OBJECTIVE, rt.CUSTOMER_ID)
    if readings is None or objectives is None or readings.frame.empty:
        return []
    if not all(readings.has(c) for c in needed):
        return []
    known: dict[str | None, list[str]] = {}
    if objectives is not None and not objectives.frame.empty and all(objectives.has(c) for c in needed):
        frame = objectives.frame
        for cid, objective in zip(frame[rt.CUSTOMER_ID], frame[rt.OBJECTIVE], strict=True):
            if objective_key(objective) is not None:
                known.setdefault(cells.text(cid), []).append(str(objective))
    problems: list[Problem] = []
    frame = readings.frame
    usable = readings.usable(rt.OBJECTIVE) & readings.usable(rt.CUSTOMER_ID)
    for position, (objective, cid) in enumerate(zip(frame[rt.OBJECTIVE], frame[rt.CUSTOMER_ID], strict=True)):
        key = objective_key(objective)
        if key is None or cid is None or not usable[position]:
            continue
        own = known.get(cells.text(cid), [])
        if key in {objective_key(o) for o in own}:
            continue
        listed = "; ".join(own) if own else "none yet"
        problems.append(
            readings.problem(
                readings.row_number(position),
                rt.OBJECTIVE,
                objective,
                f"'{objective}' is not an objective of customer {cid} on the {rt.OBJECTIVES_SHEET} sheet.",
                f"{did_you_mean(objective, own)}Write the objective as the {rt.OBJECTIVES_SHEET} sheet does "
                f"for this customer ({listed}), or add it there first.",
                code=Code.KPI_UNKNOWN_OBJECTIVE,
            )
        )
    return problems


RELATIONSHIP_RULES: tuple[Callable[[ReadTables], list[Problem]], ...] = (
    check_issue_log,
    check_risk_ratings,
    check_exit_actions,
    check_kpi_objectives,
)
