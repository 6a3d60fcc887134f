"""The issue (dispute) log: raise, categorise, escalate and resolve issues quickly (SPEC §3.9).

The method asks for "a dispute resolution process that is focused on identification, recording
and categorising problems", with resolution approaches and escalation where appropriate. Rules:

- Status is Open (also when blank) or Resolved.
- Escalation levels, lowest first: Working team (also when blank), Joint management team,
  Executive sponsors; 1, 2 and 3 are accepted for them.
- An issue is due on its Due date, or ``RESOLUTION_DAYS`` (30) days after it was raised when no
  Due date is set. An open issue is overdue from the day after it is due.
- Days open: from Raised to today while open, to the Resolved date once resolved (blank when a
  resolved issue has no Resolved date).

``days_open`` and ``is_overdue`` are the rules in Python; ``days_open_formula`` and
``overdue_formula`` the same rules (and ``RESOLUTION_DAYS``) as worksheet formulas.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import NamedTuple

import pandas as pd

from cvm_xl.core import cells, spellings
from cvm_xl.core.columns import CUSTOMER_ID
from cvm_xl.readiness.tables import (
    DAYS_OPEN,
    DUE,
    ESCALATION_LEVEL,
    ESCALATION_LEVELS,
    ISSUE_CATEGORIES,
    ISSUE_STATUSES,
    NO,
    OVERDUE,
    RAISED,
    RESOLVED,
    STATUS,
    YES,
)

OPEN, RESOLVED_STATUS = ISSUE_STATUSES
WORKING_TEAM, JOINT_MANAGEMENT, EXECUTIVE = ESCALATION_LEVELS
ESCALATION_SYNONYMS = {str(i): level for i, level in enumerate(ESCALATION_LEVELS, start=1)}
RESOLUTION_DAYS = 30


def parse_issue_status(x: object) -> str:
    """Open (also for blank) or Resolved."""
    return cells.choice(x, ISSUE_STATUSES) or OPEN


def parse_escalation(x: object) -> str:
    """An escalation level name; 1-3 name the levels; blank means Working team."""
    return cells.choice(x, ESCALATION_LEVELS, ESCALATION_SYNONYMS) or WORKING_TEAM


def parse_category(x: object) -> str | None:
    """A listed category in its canonical spelling, another text as typed, None for blank."""
    try:
        return cells.choice(x, ISSUE_CATEGORIES)
    except ValueError:
        return cells.text(x)


def due_date(raised: object, due: object, default_days: int = RESOLUTION_DAYS) -> dt.date | None:
    """The Due date, or Raised + ``default_days``; None when both are blank."""
    given = cells.date(due)
    if given is not None:
        return given
    start = cells.date(raised)
    return None if start is None else start + dt.timedelta(days=default_days)


def is_overdue(
    status: object, raised: object, due: object, today: dt.date, default_days: int = RESOLUTION_DAYS
) -> bool:
    """An open issue whose due date has passed. Raises ValueError for an unreadable status or date."""
    if parse_issue_status(status) != OPEN:
        return False
    when = due_date(raised, due, default_days)
    return when is not None and today > when


def days_open(status: object, raised: object, resolved: object, today: dt.date) -> int | None:
    """Days from Raised to today (open) or to Resolved (resolved); None when a date is missing."""
    start = cells.date(raised)
    if start is None:
        return None
    if parse_issue_status(status) == OPEN:
        return (today - start).days
    end = cells.date(resolved)
    return None if end is None else (end - start).days


def _blank(ref: str, blank: bool = True) -> str:
    """A blank cell, empty text or text of spaces, as the rules read a blank date or status (or,
    with ``blank`` False, a cell that is not blank)."""
    return f'{spellings.excel_key(ref)}{"=" if blank else "<>"}""'


def _open_formula(status: str) -> str:
    """Open as ``parse_issue_status`` reads it: blank, or Open in any case and spacing."""
    return f"OR({_blank(status)},{spellings.excel_status_is(status, (OPEN,))})"


def days_open_formula(status: str, raised: str, resolved: str, today: str = "TODAY()") -> str:
    """``days_open`` as a worksheet formula over an issue's cells; blank where it gives None."""
    closed = f'IF({_blank(resolved)},"",{resolved}-{raised})'
    return f'IF({_blank(raised)},"",IF({_open_formula(status)},{today}-{raised},{closed}))'


def overdue_formula(
    status: str, raised: str, due: str, today: str = "TODAY()", default_days: int = RESOLUTION_DAYS
) -> str:
    """``is_overdue`` as a worksheet formula giving Yes or No over an issue's cells."""
    when = f"IF({_blank(due)},{raised}+{default_days},{due})"
    dated = f"OR({_blank(due, False)},{_blank(raised, False)})"
    return f'IF(AND({_open_formula(status)},{dated}),IF({today}>{when},"{YES}","{NO}"),"{NO}")'


class _Flags(NamedTuple):
    days: float
    overdue: bool


def _flags(row: pd.Series, today: dt.date, default_days: int) -> _Flags:
    args = (row.get(STATUS), row.get(RAISED))
    try:
        days = days_open(*args, row.get(RESOLVED), today)
    except ValueError:
        days = None
    try:
        overdue = is_overdue(*args, row.get(DUE), today, default_days)
    except ValueError:
        overdue = False
    return _Flags(math.nan if days is None else float(days), overdue)


def flag_issues(issues: pd.DataFrame, today: dt.date, default_days: int = RESOLUTION_DAYS) -> pd.DataFrame:
    """The Issue log with its computed columns Days open (float, NaN when unknown) and Overdue
    ('Yes'/'No'). Unreadable cells give a blank Days open and no Overdue (validation reports them)."""
    out = issues.copy()
    flags = [_flags(row, today, default_days) for _, row in issues.iterrows()]
    out[DAYS_OPEN] = [f.days for f in flags]
    out[OVERDUE] = [YES if f.overdue else NO for f in flags]
    return out


def issue_summary(issues: pd.DataFrame, today: dt.date, default_days: int = RESOLUTION_DAYS) -> pd.DataFrame:
    """Per Customer ID (sorted): Open issues, Overdue issues, Open at executive level, Resolved
    issues and Average days to resolve (NaN when none has a Resolved date)."""
    flagged = flag_issues(issues, today, default_days)
    rows = []
    customers = [cells.text(x) for x in issues.get(CUSTOMER_ID, [None] * len(issues))]

    flagged["_customer"] = customers
    flagged["_status"] = [
        cells.safely(parse_issue_status, x) for x in issues.get(STATUS, [None] * len(issues))
    ]
    flagged["_level"] = [
        cells.safely(parse_escalation, x) for x in issues.get(ESCALATION_LEVEL, [None] * len(issues))
    ]
    for cid, group in flagged[flagged["_customer"].notna()].groupby("_customer", sort=True):
        is_open = group["_status"] == OPEN
        resolved = group[group["_status"] == RESOLVED_STATUS]
        took = resolved[DAYS_OPEN].dropna()
        rows.append(
            (
                cid,
                int(is_open.sum()),
                int((group[OVERDUE] == YES).sum()),
                int((is_open & (group["_level"] == EXECUTIVE)).sum()),
                len(resolved),
                float(took.mean()) if len(took) else math.nan,
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            CUSTOMER_ID,
            "Open issues",
            "Overdue issues",
            "Open at executive level",
            "Resolved issues",
            "Average days to resolve",
        ],
    )
