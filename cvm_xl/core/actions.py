"""Implementation tracking (issue 14): each signed idea's actions, its progress and its escalations.

The seed paper asks that implementation be tracked "meticulously and time-bound" and that top
management remove blocks. An action is a step of one idea with an owner, a Due date and, once
finished, a Done date. The rules, all read against an *as-of* date given by the caller (never
today's date taken here, so every report can be reproduced):

- an action is **Done** when its Done cell holds a date on or before the as-of date, or any other
  mark (a customer may tick it with an 'x' in a customer workbook); a Done date after the as-of
  date was not done yet on that day, so a report for a past day shows that day's state. It is
  **Overdue** when it is not done and its Due date is before the as-of date, **Open** otherwise
  (no Due date: never overdue);
- **days overdue** = as-of - Due, for an overdue action only;
- an idea is **escalated** when its End is before the as-of date and its Status is neither
  Delivered nor Dropped (one row, blank Action ID, Due = End), and for each overdue action (one
  row each). Dropped ideas are never escalated, not even for their actions: a dropped idea has
  nothing left to implement. An idea without a Status counts as not delivered.
- escalations are sorted by customer, owner (blank last) and days overdue, longest first.

The owner of an escalation is the action's Owner, or the idea's when the action names none; the
owner of an idea past its End is the idea's Owner.

The customer workbook's Actions sheet computes the same status with worksheet formulas; its tests
recalculate it in LibreOffice and Gnumeric against ``action_status``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from cvm_xl.core import columns as col
from cvm_xl.core import spellings
from cvm_xl.core.values import is_blank

# The Actions table of the master (issue 14), spelled as users see it.
ACTION_ID = "Action ID"
ACTION = "Action"
DUE = "Due"
DONE = "Done"
REVIEW_ID = "Review ID"
ACTION_COLUMNS = (ACTION_ID, col.IDEA_ID, ACTION, col.OWNER_FIRM, col.OWNER, DUE, DONE, REVIEW_ID)
ACTION_REQUIRED = (ACTION_ID, col.IDEA_ID, ACTION)

# An action's state, as the customer workbook's Status column shows it.
STATE_DONE, STATE_OVERDUE, STATE_OPEN = "Done", "Overdue", "Open"
ACTION_STATES = (STATE_DONE, STATE_OVERDUE, STATE_OPEN)

# Statuses whose ideas are never escalated for being past their End (Dropped: not for actions either).
FINISHED_STATUSES = ("Delivered", spellings.DROPPED)
NEVER_ESCALATED = (spellings.DROPPED,)

DAYS_OVERDUE = "Days overdue"
# The escalation list: these six columns first, exactly (issue 14), then what helps to act on it.
ESCALATION_COLUMNS = (col.CUSTOMER_ID, col.IDEA_ID, ACTION_ID, col.OWNER, DUE, DAYS_OVERDUE)
REASON = "Reason"
REASON_PAST_END = "Idea past its End, not delivered"
REASON_OVERDUE = "Action overdue"
ESCALATION_EXTRA = (col.OWNER_FIRM, col.TITLE, ACTION, col.STATUS, REASON)
ESCALATION_ALL = (*ESCALATION_COLUMNS, *ESCALATION_EXTRA)

# Per idea: how far its actions are.
ACTIONS_TOTAL, ACTIONS_DONE, PERCENT_DONE, NEXT_DUE, OVERDUE = (
    "Actions",
    "Done",
    "% done",
    "Next due",
    "Overdue",
)
PROGRESS_COLUMNS = (col.CUSTOMER_ID, col.IDEA_ID, col.TITLE, ACTIONS_TOTAL, ACTIONS_DONE, PERCENT_DONE,
                    NEXT_DUE, OVERDUE)  # fmt: skip


# The same rules as classic worksheet formulas (SPEC §7), side by side with the Python ones below
# (as ``spellings.EXCEL_KEY`` beside ``key``): {done}, {due} and {as_of} are cell references, {state}
# the cell holding the state. A number in Done is a date, compared with the as-of date; any other
# mark counts as done. Without a date in the as-of cell nothing is overdue.
EXCEL_IS_DONE = "IF(ISNUMBER({done}),{done}<={as_of}," + spellings.EXCEL_KEY.format(ref="{done}") + '<>"")'
EXCEL_ACTION_STATE = (
    f'IF({EXCEL_IS_DONE},"{STATE_DONE}",'
    f'IF(AND(ISNUMBER({{due}}),ISNUMBER({{as_of}}),{{due}}<{{as_of}}),"{STATE_OVERDUE}","{STATE_OPEN}"))'
)
EXCEL_DAYS_OVERDUE = f'IF({{state}}="{STATE_OVERDUE}",{{as_of}}-{{due}},"")'


def is_done(done: object, as_of: dt.date) -> bool:
    """Whether a Done cell marks the action done on the as-of date: a date on or before it, or
    anything else in the cell (the spreadsheet's ``TRIM(CLEAN(cell&""))<>""``, ``spellings.EXCEL_KEY``)."""
    if isinstance(done, dt.date):
        return _day(done) <= as_of
    return not is_blank(done) and spellings.key(done) != ""


def action_status(due: dt.date | None, done: object, as_of: dt.date) -> str:
    """Done, Overdue or Open (module rules). ``due`` None: never overdue."""
    if is_done(done, as_of):
        return STATE_DONE
    if isinstance(due, dt.date) and _day(due) < as_of:
        return STATE_OVERDUE
    return STATE_OPEN


def days_overdue(due: dt.date | None, done: object, as_of: dt.date) -> int | None:
    """as-of - Due in days for an overdue action; None for one that is not overdue."""
    if action_status(due, done, as_of) != STATE_OVERDUE:
        return None
    assert isinstance(due, dt.date)
    return (as_of - _day(due)).days


def is_escalated_idea(end: dt.date | None, status: object, as_of: dt.date) -> bool:
    """An idea past its End (End before the as-of date) whose Status is not Delivered or Dropped."""
    if not isinstance(end, dt.date) or _day(end) >= as_of:
        return False
    return spellings.status(status) not in FINISHED_STATUSES


def _day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _text(value: object) -> str | None:
    return None if is_blank(value) else str(value).strip()


def _column(frame: pd.DataFrame, name: str) -> list[object]:
    return frame[name].tolist() if name in frame.columns else [None] * len(frame)


def action_states(actions: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Each action's state and days overdue (columns ``Status`` and ``Days overdue``, the actions'
    index)."""
    dues, dones = _column(actions, DUE), _column(actions, DONE)
    due_days = [d if isinstance(d, dt.date) else None for d in dues]
    return pd.DataFrame(
        {
            col.STATUS: [action_status(d, x, as_of) for d, x in zip(due_days, dones, strict=True)],
            DAYS_OVERDUE: [days_overdue(d, x, as_of) for d, x in zip(due_days, dones, strict=True)],
        },
        index=actions.index,
    )


def _ideas_by_id(ideas: pd.DataFrame) -> dict[str, dict[str, object]]:
    """The first idea of each Idea ID, as a record (a repeated ID is the loader's error)."""
    out: dict[str, dict[str, object]] = {}
    fields = (col.CUSTOMER_ID, col.TITLE, col.OWNER_FIRM, col.OWNER, col.END, col.STATUS)
    columns = {name: _column(ideas, name) for name in fields}
    for i, idea in enumerate(_column(ideas, col.IDEA_ID)):
        key = _text(idea)
        if key is not None and key not in out:
            out[key] = {name: values[i] for name, values in columns.items()}
    return out


def idea_progress(ideas: pd.DataFrame, actions: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Per idea with at least one action, in the Ideas table's order: its actions, those done,
    % done (done / total), the earliest Due of the actions not done (None: none has a Due) and
    the overdue ones (``PROGRESS_COLUMNS``). Actions of an idea not in ``ideas`` are left out."""
    states = action_states(actions, as_of)
    per: dict[str, list[int]] = {}
    for position, idea in enumerate(_column(actions, col.IDEA_ID)):
        key = _text(idea)
        if key is not None:
            per.setdefault(key, []).append(position)
    dues = _column(actions, DUE)
    status = states[col.STATUS].tolist()
    rows: list[dict[str, object]] = []
    for key, idea in _ideas_by_id(ideas).items():
        positions = per.get(key)
        if not positions:
            continue
        done = sum(status[p] == STATE_DONE for p in positions)
        open_dues = [
            _day(d) for p in positions if status[p] != STATE_DONE and isinstance(d := dues[p], dt.date)
        ]
        rows.append(
            {
                col.CUSTOMER_ID: _text(idea[col.CUSTOMER_ID]),
                col.IDEA_ID: key,
                col.TITLE: idea[col.TITLE],
                ACTIONS_TOTAL: len(positions),
                ACTIONS_DONE: done,
                PERCENT_DONE: done / len(positions),
                NEXT_DUE: min(open_dues, default=None),
                OVERDUE: sum(status[p] == STATE_OVERDUE for p in positions),
            }
        )
    return pd.DataFrame(rows, columns=list(PROGRESS_COLUMNS))


def escalations(ideas: pd.DataFrame, actions: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The escalation list (module rules): one row per idea past its End and not Delivered or
    Dropped (blank Action ID, Due = End), one per overdue action of an idea that is not Dropped;
    columns ``ESCALATION_ALL``, sorted by customer, owner (blank last) and days overdue (longest
    first), then Idea ID and Action ID. Actions of an idea not in ``ideas`` are left out, so the
    caller decides which ideas count (e.g. none out of bounds)."""
    by_id = _ideas_by_id(ideas)
    rows: list[dict[str, object]] = []
    for key, idea in by_id.items():
        end = idea[col.END]
        if is_escalated_idea(end if isinstance(end, dt.date) else None, idea[col.STATUS], as_of):
            assert isinstance(end, dt.date)
            rows.append(
                _row(key, idea, None, _text(idea[col.OWNER]), _day(end), as_of, None, REASON_PAST_END)
            )
    states = action_states(actions, as_of)
    columns = {
        name: _column(actions, name) for name in (ACTION_ID, col.IDEA_ID, ACTION, col.OWNER, col.OWNER_FIRM)
    }
    dues = _column(actions, DUE)
    for position, state in enumerate(states[col.STATUS].tolist()):
        idea_id = _text(columns[col.IDEA_ID][position])
        idea_record = by_id.get(idea_id) if idea_id is not None else None
        if state != STATE_OVERDUE or idea_id is None or idea_record is None:
            continue
        if spellings.status(idea_record[col.STATUS]) in NEVER_ESCALATED:
            continue
        owner = _text(columns[col.OWNER][position]) or _text(idea_record[col.OWNER])
        firm = _text(columns[col.OWNER_FIRM][position]) or _text(idea_record[col.OWNER_FIRM])
        due = dues[position]
        assert isinstance(due, dt.date)
        row = _row(idea_id, idea_record, _text(columns[ACTION_ID][position]), owner, _day(due), as_of,
                   columns[ACTION][position], REASON_OVERDUE)  # fmt: skip
        row[col.OWNER_FIRM] = firm
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(ESCALATION_ALL), dtype=object)
    frame[DAYS_OVERDUE] = frame[DAYS_OVERDUE].astype(np.int64)
    return sort_escalations(frame)


def _row(
    idea_id: str,
    idea: dict[str, object],
    action_id: str | None,
    owner: str | None,
    due: dt.date,
    as_of: dt.date,
    action: object,
    reason: str,
) -> dict[str, object]:
    return {
        col.CUSTOMER_ID: _text(idea[col.CUSTOMER_ID]),
        col.IDEA_ID: idea_id,
        ACTION_ID: action_id,
        col.OWNER: owner,
        DUE: due,
        DAYS_OVERDUE: (as_of - due).days,
        col.OWNER_FIRM: _text(idea[col.OWNER_FIRM]),
        col.TITLE: idea[col.TITLE],
        ACTION: None if is_blank(action) else action,
        col.STATUS: spellings.status(idea[col.STATUS]),
        REASON: reason,
    }


def sort_escalations(frame: pd.DataFrame) -> pd.DataFrame:
    """Escalations by customer, owner (blank last, case ignored) and days overdue (longest first),
    then Idea ID and Action ID (an idea's own row first), with a fresh RangeIndex."""
    if frame.empty:
        return frame.reset_index(drop=True)

    def text_key(values: Iterable[object]) -> list[tuple[int, str]]:
        return [(1, "") if (t := _text(v)) is None else (0, t.casefold()) for v in values]

    keys = list(
        zip(
            text_key(frame[col.CUSTOMER_ID]),
            text_key(frame[col.OWNER]),
            (-int(d) for d in frame[DAYS_OVERDUE]),
            text_key(frame[col.IDEA_ID]),
            [(0, "") if (t := _text(a)) is None else (1, t.casefold()) for a in frame[ACTION_ID]],
            strict=True,
        )
    )
    order = sorted(range(len(frame)), key=keys.__getitem__)
    return frame.iloc[np.array(order, dtype=np.int64)].reset_index(drop=True)


def escalation_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """How many escalations each customer and owner has and the longest days overdue: columns
    Customer ID, Owner, Escalations, Most days overdue, in ``sort_escalations`` order."""
    columns = [col.CUSTOMER_ID, col.OWNER, "Escalations", "Most days overdue"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    rows: dict[tuple[object, object], list[int]] = {}
    for cid, owner, days in zip(frame[col.CUSTOMER_ID], frame[col.OWNER], frame[DAYS_OVERDUE], strict=True):
        rows.setdefault((cid, owner), []).append(int(days))
    return pd.DataFrame(
        [[cid, owner, len(days), max(days)] for (cid, owner), days in rows.items()], columns=columns
    )
