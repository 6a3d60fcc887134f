"""The joint exit strategy: triggers that would drive disengagement and the agreed actions (SPEC §3.9).

The method asks for "a simple jointly agreed document that defines the key issues that would
drive disengagement and the actions by the partners when these occur", reviewed and refreshed
regularly so that the relationship "does not drift into disengagement". Each trigger has a status
(Monitoring, the default; Triggered once it has occurred; Retired when no longer relevant) and
the date it was last reviewed. A trigger that is not retired is due for review when it has never
been reviewed or its last review is ``EXIT_REVIEW_MONTHS`` calendar months old or older; the
default of 3 follows the quarterly reviews of a CVM relationship (SPEC §3.7). ``review_due`` is
the rule in Python, ``review_due_formula`` the same rule (and months) as a worksheet formula.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from cvm_xl.core import cells, spellings
from cvm_xl.core.categories import add_months
from cvm_xl.core.columns import CUSTOMER_ID
from cvm_xl.readiness.tables import (
    ACTION,
    EXIT_STATUSES,
    EXITS,
    LAST_REVIEWED,
    NO,
    REVIEW_DUE,
    STATUS,
    TRIGGER,
    YES,
)

MONITORING, TRIGGERED, RETIRED = EXIT_STATUSES
EXIT_REVIEW_MONTHS = 3


def parse_exit_status(x: object) -> str:
    """An exit-trigger status; blank means Monitoring."""
    return cells.choice(x, EXIT_STATUSES) or MONITORING


def review_due(
    status: object, last_reviewed: object, today: dt.date, months: int = EXIT_REVIEW_MONTHS
) -> bool:
    """True when a trigger needs reviewing: not retired, and never reviewed or reviewed ``months``
    or more calendar months before ``today``. Raises ValueError for an unreadable status or date."""
    if parse_exit_status(status) == RETIRED:
        return False
    last = cells.date(last_reviewed)
    return last is None or today >= add_months(last, months)


def review_due_formula(
    status: str, last_reviewed: str, today: str = "TODAY()", months: int = EXIT_REVIEW_MONTHS
) -> str:
    """``review_due`` as a worksheet formula giving Yes or No: ``status`` and ``last_reviewed`` are
    the trigger's cells, ``today`` the date it is judged on. The status is read as
    ``parse_exit_status`` reads it (" retired " is Retired: ``spellings.excel_status_is``), a date
    of spaces as blank (``spellings.excel_key``)."""
    never = f'{spellings.excel_key(last_reviewed)}=""'
    due = f'IF(OR({never},{today}>=EDATE({last_reviewed},{months})),"{YES}","{NO}")'
    return f'IF({spellings.excel_status_is(status, (RETIRED,))},"{NO}",{due})'


def _safe_due(status: object, last: object, today: dt.date, months: int) -> bool:
    try:
        return review_due(status, last, today, months)
    except ValueError:
        return True  # an unreadable date cannot prove a recent review


def review_exits(triggers: pd.DataFrame, today: dt.date, months: int = EXIT_REVIEW_MONTHS) -> pd.DataFrame:
    """The Exit triggers table with its computed column Review due ('Yes'/'No')."""
    out = triggers.copy()
    status = triggers.get(STATUS, pd.Series([None] * len(triggers), index=triggers.index))
    last = triggers.get(LAST_REVIEWED, pd.Series([None] * len(triggers), index=triggers.index))
    out[REVIEW_DUE] = [
        YES if _safe_due(s, d, today, months) else NO for s, d in zip(status, last, strict=True)
    ]
    return out


def empty_exit_triggers(customer_id: str) -> pd.DataFrame:
    """An Exit triggers table with no trigger yet (the columns a generated sheet shows)."""
    del customer_id  # the table is empty: nothing of the customer to show
    return cells.object_frame([], EXITS.columns)


def exit_summary(triggers: pd.DataFrame, today: dt.date, months: int = EXIT_REVIEW_MONTHS) -> pd.DataFrame:
    """Per Customer ID (sorted): Exit triggers (not retired), Triggered, Reviews due, and Without
    action (active triggers with no agreed action)."""
    reviewed = review_exits(triggers, today, months)
    reviewed["_customer"] = [cells.text(x) for x in triggers.get(CUSTOMER_ID, [None] * len(triggers))]

    reviewed["_status"] = [
        cells.safely(parse_exit_status, x) for x in triggers.get(STATUS, [None] * len(triggers))
    ]
    reviewed["_action"] = [cells.text(x) for x in triggers.get(ACTION, [None] * len(triggers))]
    has_trigger = np.array(
        [cells.text(x) is not None for x in triggers.get(TRIGGER, [None] * len(triggers))], bool
    )
    active = reviewed[(reviewed["_status"] != RETIRED) & reviewed["_customer"].notna() & has_trigger]
    rows = [
        (
            cid,
            len(group),
            int((group["_status"] == TRIGGERED).sum()),
            int((group[REVIEW_DUE] == YES).sum()),
            int(group["_action"].isna().sum()),
        )
        for cid, group in active.groupby("_customer", sort=True)
    ]
    return pd.DataFrame(
        rows, columns=[CUSTOMER_ID, "Exit triggers", "Triggered", "Reviews due", "Without action"]
    )
