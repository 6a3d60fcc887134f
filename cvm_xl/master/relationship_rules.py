"""The rules within one row of the relationship tables (SPEC §3.9), as checks of the registry.

Each takes the tables as read (``read_tables.ReadTables``) and returns the Problems of its table,
row by row; a table that is absent gives none. Cells that could not be read are None (or NaN) in
the typed table, so a rule never reports on a cell that already has a problem of its own.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cvm_xl.core import cells
from cvm_xl.core.problems import WARNING, Code, Problem
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


RELATIONSHIP_RULES: tuple[Callable[[ReadTables], list[Problem]], ...] = (
    check_issue_log,
    check_risk_ratings,
    check_exit_actions,
)
