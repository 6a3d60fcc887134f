"""Idea categories and how long each may take (SPEC §3.7).

Hygiene ideas are done within 3 months, Operational ideas take 3 to 9 months, Joint studies 9
months or more. Months are calendar months counted from the start date (31 Jan + 1 month = 28/29
Feb), so a user can check a warning with a calendar. ``category_fits`` is the rule for one idea,
``category_fits_column`` the same rule over whole columns; the two agree (a test holds them to it).
"""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np

from cvm_xl.core.columns import CATEGORIES

HYGIENE, OPERATIONAL, JOINT_STUDY = CATEGORIES
HYGIENE_MAX_MONTHS = 3
JOINT_STUDY_MIN_MONTHS = 9

# category -> (at least, at most) calendar months between Start and End; None = no bound
CATEGORY_MONTHS: dict[str, tuple[int | None, int | None]] = {
    HYGIENE: (None, HYGIENE_MAX_MONTHS),
    OPERATIONAL: (HYGIENE_MAX_MONTHS, JOINT_STUDY_MIN_MONTHS),
    JOINT_STUDY: (JOINT_STUDY_MIN_MONTHS, None),
}

DURATION_TEXT = {
    HYGIENE: f"at most {HYGIENE_MAX_MONTHS} months",
    OPERATIONAL: f"{HYGIENE_MAX_MONTHS} to {JOINT_STUDY_MIN_MONTHS} months",
    JOINT_STUDY: f"{JOINT_STUDY_MIN_MONTHS} months or more",
}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def category_fits(category: str, start: dt.date, end: dt.date) -> bool:
    """True when an idea running from ``start`` to ``end`` fits ``category``'s duration."""
    low, high = CATEGORY_MONTHS[category]
    if low is not None and end < add_months(start, low):
        return False
    return not (high is not None and end > add_months(start, high))


def category_for_duration(start: dt.date, end: dt.date) -> str:
    """The category whose duration fits an idea from ``start`` to ``end`` (the shortest that fits)."""
    for category in CATEGORIES:
        if category_fits(category, start, end):
            return category
    return JOINT_STUDY


def duration_text(start: dt.date, end: dt.date) -> str:
    """'3 months and 1 day': the calendar length of an idea, as a warning describes it."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    days = (end - add_months(start, months)).days
    parts = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in ((months, "month"), (days, "day")) if n]
    return " and ".join(parts) or "0 days"


def category_problem(category: str | None, start: dt.date | None, end: dt.date | None) -> str | None:
    """Why the dates do not fit the category, or None (also None when any of the three is blank)."""
    if category not in CATEGORY_MONTHS or start is None or end is None or end < start:
        return None
    if category_fits(category, start, end):
        return None
    article = "An" if category[0] in "AEIOU" else "A"
    return (
        f"{article} {category} idea takes {DURATION_TEXT[category]}, but this one runs from "
        f"{start.isoformat()} to {end.isoformat()} ({duration_text(start, end)})."
    )


def _parts(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(months since 1970-01, day of month, days in that month) of a datetime64[D] array."""
    month = days.astype("datetime64[M]")
    first = month.astype("datetime64[D]")
    day = (days - first).astype(np.int64) + 1
    length = ((month + 1).astype("datetime64[D]") - first).astype(np.int64)
    return month.astype(np.int64), day, length


def _on_or_before(start: np.ndarray, end: np.ndarray, months: int) -> np.ndarray:
    """end <= add_months(start, months), element-wise on datetime64[D] arrays."""
    s_month, s_day, _ = _parts(start)
    e_month, e_day, e_length = _parts(end)
    gap = e_month - s_month
    # numpy's stubs type `|` of two boolean arrays as Any; the annotation restores the array.
    fits: np.ndarray = (gap < months) | ((gap == months) & (e_day <= np.minimum(s_day, e_length)))
    return fits


def _on_or_after(start: np.ndarray, end: np.ndarray, months: int) -> np.ndarray:
    """end >= add_months(start, months), element-wise."""
    s_month, s_day, _ = _parts(start)
    e_month, e_day, e_length = _parts(end)
    gap = e_month - s_month
    fits: np.ndarray = (gap > months) | ((gap == months) & (e_day >= np.minimum(s_day, e_length)))
    return fits


def category_fits_column(categories: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """``category_fits`` over whole columns: True where the idea fits or cannot be checked.

    ``categories`` holds category names or None, ``starts``/``ends`` are datetime64[D] (NaT blank).
    Ideas with a blank category or date, or End before Start (an error reported elsewhere), count
    as fitting.
    """
    starts = np.asarray(starts, dtype="datetime64[D]")
    ends = np.asarray(ends, dtype="datetime64[D]")
    checkable = ~np.isnat(starts) & ~np.isnat(ends) & (ends >= starts)
    fits = np.ones(len(starts), dtype=bool)
    safe_start = np.where(checkable, starts, np.datetime64("2000-01-01"))
    safe_end = np.where(checkable, ends, np.datetime64("2000-01-01"))
    for category, (low, high) in CATEGORY_MONTHS.items():
        rows = checkable & (categories == category)
        if not rows.any():
            continue
        ok = np.ones(len(starts), dtype=bool)
        if low is not None:
            ok &= _on_or_after(safe_start, safe_end, low)
        if high is not None:
            ok &= _on_or_before(safe_start, safe_end, high)
        fits[rows] = ok[rows]
    return fits
