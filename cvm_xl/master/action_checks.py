"""Checks of the Actions table against its ideas (issue 14: implementation tracking).

An action is a step of one idea, so its dates should lie within the idea's: an action Done before
the idea's Start, or Due after the idea's End, is probably a typing error (or the idea's dates are
out of date). Both are warnings, never errors: the action is read as typed.
"""

from __future__ import annotations

import datetime as dt

from cvm_xl.core import columns as col
from cvm_xl.core.actions import DONE, DUE
from cvm_xl.core.cells import shown
from cvm_xl.core.problems import WARNING, Code, Problem
from cvm_xl.master.read_tables import ReadTables


def _idea_dates(read: ReadTables) -> dict[object, tuple[object, object]]:
    """Start and End of each Idea ID (its first row: a repeated ID is an error of its own)."""
    ideas = read.get("Ideas")
    if ideas is None or ideas.frame.empty or not all(ideas.has(c) for c in (col.IDEA_ID, col.START, col.END)):
        return {}
    frame = ideas.frame
    usable = ideas.usable(col.IDEA_ID) & ideas.usable(col.START) & ideas.usable(col.END)
    out: dict[object, tuple[object, object]] = {}
    for position, (idea, start, end) in enumerate(
        zip(frame[col.IDEA_ID], frame[col.START], frame[col.END], strict=True)
    ):
        if usable[position] and idea is not None and idea not in out:
            out[idea] = (start, end)
    return out


def check_action_dates(read: ReadTables) -> list[Problem]:
    """Issue 14: an action Done before its idea's Start, or Due after its idea's End, is a warning."""
    actions = read.get("Actions")
    if actions is None or actions.frame.empty or not actions.has(col.IDEA_ID):
        return []
    dates = _idea_dates(read)
    if not dates:
        return []
    frame = actions.frame
    idea_ok = actions.usable(col.IDEA_ID)
    done_ok = actions.usable(DONE) if actions.has(DONE) else None
    due_ok = actions.usable(DUE) if actions.has(DUE) else None
    problems: list[Problem] = []
    for position, idea in enumerate(frame[col.IDEA_ID]):
        if not idea_ok[position] or idea not in dates:
            continue
        start, end = dates[idea]
        row = actions.row_number(position)
        if done_ok is not None and done_ok[position]:
            done = frame[DONE].iat[position]
            if isinstance(done, dt.date) and isinstance(start, dt.date) and done < start:
                problems.append(
                    actions.problem(
                        row,
                        DONE,
                        done,
                        f"Done {shown(done)} is before idea {idea}'s Start {shown(start)}.",
                        "Check the Done date, or correct the idea's Start on the Ideas sheet.",
                        WARNING,
                        code=Code.ACTIONS_DONE_BEFORE_START,
                    )
                )
        if due_ok is not None and due_ok[position]:
            due = frame[DUE].iat[position]
            if isinstance(due, dt.date) and isinstance(end, dt.date) and due > end:
                problems.append(
                    actions.problem(
                        row,
                        DUE,
                        due,
                        f"Due {shown(due)} is after idea {idea}'s End {shown(end)}.",
                        "Bring the Due date within the idea's dates, or move the idea's End on the "
                        "Ideas sheet.",
                        WARNING,
                        code=Code.ACTIONS_DUE_AFTER_END,
                    )
                )
    return problems
