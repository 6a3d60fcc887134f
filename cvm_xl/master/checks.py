"""Checks across rows and tables of a master workbook (SPEC §4, §3.9): one registry, pure functions.

Each check takes the tables as read (``read_tables.ReadTables``) and returns the Problems it finds,
each with its stable code; it changes nothing. ``CHECKS`` lists them in the order they run; the
loader iterates it (``run_checks``), so a new rule is one function and one line here. Cells that
already had a problem of their own are not checked again, so one mistake gives one message; a table
that is absent, or lacks a column a check needs, is left to the problems already reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import cast

import numpy as np
import pandas as pd

from cvm_xl.core import cells
from cvm_xl.core import columns as col
from cvm_xl.core.categories import category_fits_column, category_for_duration, category_problem
from cvm_xl.core.cells import quoted, shown
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.problems import WARNING, Code, Problem
from cvm_xl.core.selection import SIGN_OFF_REQUIRED
from cvm_xl.core.settings import Settings
from cvm_xl.core.suggest import did_you_mean
from cvm_xl.core.verdicts import GO_CODES, SPLIT_GO_CODES
from cvm_xl.formulas.cells import formula_reads_number
from cvm_xl.master.action_checks import check_action_dates
from cvm_xl.master.bundle_checks import check_bundles
from cvm_xl.master.chain_checks import CHAIN_CHECKS
from cvm_xl.master.live import KEYS, LIVE_TABLES, READS, computed_frame, is_live, today_columns
from cvm_xl.master.read_tables import ReadTables, TableData
from cvm_xl.master.relationship_rules import RELATIONSHIP_RULES
from cvm_xl.master.wave_checks import check_waves

Check = Callable[[ReadTables], list[Problem]]

MAX_SUGGESTIONS = 200  # distinct unknown references that get a "did you mean"; beyond that it only slows


def check_unique_ids(read: ReadTables) -> list[Problem]:
    """SPEC §4: every repeated ID after its first use is an error pointing back at the first."""
    problems: list[Problem] = []
    for data in read.tables.values():
        name = data.table.id_column
        if name is None or not data.has(name) or data.frame.empty:
            continue
        ids = data.frame[name]
        ids = ids[ids.notna().to_numpy() & data.usable(name)]
        repeated = ids.duplicated(keep="first")
        if not repeated.any():
            continue
        first_rows = ids[~repeated]
        first_row_of = dict(zip(first_rows.to_numpy(), first_rows.index, strict=True))
        thing = data.table.record
        problems += [
            data.problem(
                int(row),
                name,
                value,
                f"{name} {quoted(value)} is used again; it is first used in row {first_row_of[value]}.",
                f"Give each {thing} its own {name} (or delete the repeated row).",
                code=Code.ID_DUPLICATE,
            )
            for row, value in ids[repeated].items()
        ]
    return problems


def _unknown_references(data: TableData, column: str, target: TableData, target_column: str) -> list[Problem]:
    """Every value of ``column`` must be a ``target_column`` value of ``target``."""
    if not data.has(column) or data.frame.empty or not target.has(target_column):
        return []
    values = data.frame[column]
    valid = target.frame[target_column].dropna()
    unknown = values.notna().to_numpy() & ~values.isin(valid).to_numpy() & data.usable(column)
    if not unknown.any():
        return []
    choices = list(dict.fromkeys(valid))
    hints: dict[object, str] = {}
    message, fix = data.table.wording.unknown_reference
    problems: list[Problem] = []
    for position in np.flatnonzero(unknown):
        value = values.iat[int(position)]
        if value not in hints:
            hints[value] = did_you_mean(value, choices) if len(hints) < MAX_SUGGESTIONS else ""
        fields = {
            "column": column,
            "value": quoted(value),
            "suggestion": hints[value],
            "target": target.sheet_name,
            "target_table": target.table.name,
            "target_column": target_column,
            "target_record": target.table.record,
        }
        problems.append(
            data.problem(
                data.row_number(int(position)),
                column,
                value,
                message.format(**fields),
                fix.format(**fields),
                code=Code.REFERENCE_UNKNOWN,
            )
        )
    return problems


def check_references(read: ReadTables) -> list[Problem]:
    """SPEC §4, §3.9: a Customer ID, Idea ID or mother idea names a row of its table."""
    problems: list[Problem] = []
    for data in read.tables.values():
        for reference in data.table.references:
            target = read.get(reference.table)
            if target is not None:
                problems += _unknown_references(data, reference.column, target, reference.target_column)
    return problems


def check_unique_keys(read: ReadTables) -> list[Problem]:
    """SPEC §3.9: a key (a risk's ID, a customer's checklist item ...) appears once, case and spacing
    ignored; every repetition points back at the first row."""
    problems: list[Problem] = []
    for data in read.tables.values():
        keys = data.table.keys
        if not keys or data.frame.empty:
            continue
        first: dict[tuple[str, ...], int | None] = {}
        columns = [data.frame[k].tolist() for k in keys]
        fix = (
            f"Give each row its own {keys[0]}."
            if len(keys) == 1
            else "Keep one row for it and delete the other."
        )
        for position, parts in enumerate(zip(*columns, strict=True)):
            if any(p is None for p in parts):
                continue
            slot = tuple(cells.key(p) for p in parts)
            if slot not in first:
                first[slot] = data.row_number(position)
                continue
            what = " / ".join(f"{k} '{shown(v)}'" for k, v in zip(keys, parts, strict=True))
            problems.append(
                data.problem(
                    data.row_number(position),
                    keys[-1],
                    parts[-1],
                    f"{what} appears more than once (first on row {first[slot]}).",
                    fix,
                    code=Code.KEY_DUPLICATE,
                )
            )
    return problems


def check_mother_customers(read: ReadTables) -> list[Problem]:
    """SPEC §3: a raw idea and the mother idea it was merged into belong to the same customer."""
    workshop, ideas = read.get("Workshop"), read.get("Ideas")
    needed = ("Mother idea ID", col.CUSTOMER_ID)
    if workshop is None or ideas is None or workshop.frame.empty:
        return []
    if not all(workshop.has(c) for c in needed) or not ideas.has(col.IDEA_ID):
        return []
    mother = workshop.frame["Mother idea ID"]
    idea_ids = ideas.frame[col.IDEA_ID]
    linked = ideas.frame[idea_ids.isin(mother.dropna().unique()).to_numpy()].drop_duplicates(col.IDEA_ID)
    owner = pd.Series(linked[col.CUSTOMER_ID].to_numpy(), index=linked[col.IDEA_ID].to_numpy())
    mother_customer = mother.map(owner)
    own = workshop.frame[col.CUSTOMER_ID]
    wrong = (
        mother_customer.notna().to_numpy()
        & own.notna().to_numpy()
        & (mother_customer.to_numpy() != own.to_numpy())
        & workshop.usable("Mother idea ID")
        & workshop.usable(col.CUSTOMER_ID)
    )
    problems: list[Problem] = []
    for row in workshop.frame.index[wrong]:
        mid, theirs, mine = mother.at[row], mother_customer.at[row], own.at[row]
        problems.append(
            workshop.problem(
                int(row),
                "Mother idea ID",
                mid,
                f"Mother idea {quoted(mid)} belongs to customer {quoted(theirs)}, but this raw idea belongs "
                f"to customer {quoted(mine)}.",
                f"Link the raw idea to a mother idea of customer {quoted(mine)}, or correct its Customer ID.",
                code=Code.WORKSHOP_MOTHER_CUSTOMER,
            )
        )
    return problems


def check_idea_dates(read: ReadTables) -> list[Problem]:
    """SPEC §4: End before Start is an error; dates that do not fit the category are a warning."""
    ideas = read.get("Ideas")
    if ideas is None or ideas.frame.empty:
        return []
    frame = ideas.frame
    start, end = ideas.days[col.START], ideas.days[col.END]
    both = ~np.isnat(start) & ~np.isnat(end)
    problems = [
        ideas.problem(
            int(row),
            col.END,
            frame.at[row, col.END],
            f"End {shown(frame.at[row, col.END])} is before Start {shown(frame.at[row, col.START])}.",
            "Correct the Start or the End date.",
            code=Code.IDEAS_END_BEFORE_START,
        )
        for row in frame.index[both & (end < start)]
    ]
    categories = frame[col.CATEGORY].to_numpy()
    misfit = ~category_fits_column(categories, start, end) & ideas.usable(col.CATEGORY)
    for row in frame.index[misfit]:
        category = cast(str, frame.at[row, col.CATEGORY])
        first, last = cast(dt.date, frame.at[row, col.START]), cast(dt.date, frame.at[row, col.END])
        problems.append(
            ideas.problem(
                int(row),
                col.CATEGORY,
                category,
                category_problem(category, first, last) or "",
                f"Check Start and End, or change the Category to {category_for_duration(first, last)}.",
                WARNING,
                code=Code.IDEAS_CATEGORY_DATES,
            )
        )
    return problems


def check_sign_off_ready(read: ReadTables) -> list[Problem]:
    """SPEC §3.7: an idea cannot be signed off without an owner firm, an owner, a start and an end."""
    ideas = read.get("Ideas")
    if ideas is None or ideas.frame.empty:
        return []
    frame = ideas.frame
    committed = frame[col.STATUS].isin(col.PASSBOOK_STATUSES).to_numpy()
    if not committed.any():
        return []
    problems: list[Problem] = []
    for name in SIGN_OFF_REQUIRED:
        missing = committed & frame[name].isna().to_numpy() & ideas.usable(name)
        problems += [
            ideas.problem(
                int(row),
                name,
                None,
                f"{name} is blank, but the idea is {cast(str, frame.at[row, col.STATUS])}.",
                f"An idea cannot be signed off without an owner firm, an owner, a start and an end date: "
                f"fill in the {name}, or set the Status back to Selected.",
                code=Code.IDEAS_SIGN_OFF_INCOMPLETE,
            )
            for row in frame.index[missing]
        ]
    return problems


def check_verdicts(read: ReadTables) -> list[Problem]:
    """SPEC §3.5, §3.6: warnings that need each idea's verdict (signed-off ideas that are not a Go,
    a sharing method with nothing to split) and a supplier share no method uses."""
    ideas = read.get("Ideas")
    if ideas is None or ideas.frame.empty:
        return []
    frame = ideas.frame
    committed = frame[col.STATUS].isin(col.PASSBOOK_STATUSES).to_numpy()
    method = frame[col.SHARING_METHOD]
    has_method = (method.notna() & (method != "auto")).to_numpy()
    has_share = frame[col.SUPPLIER_SHARE].notna().to_numpy() & (method != "proportional").to_numpy()
    problems: list[Problem] = []
    for row in frame.index[has_share & ideas.usable(col.SUPPLIER_SHARE)]:
        share = float(cast(float, frame.at[row, col.SUPPLIER_SHARE]))
        problems.append(
            ideas.problem(
                int(row),
                col.SUPPLIER_SHARE,
                share,
                f"Supplier share {share:.0%} is not used: only the proportional sharing method uses it.",
                "Set the Sharing method to proportional, or clear the Supplier share.",
                WARNING,
                code=Code.IDEAS_SHARE_UNUSED,
            )
        )
    wanted = committed | has_method
    if not wanted.any():
        return problems
    # The whole table is evaluated: a member's verdict is its bundle's, which needs every member.
    evaluated = evaluate_ideas(frame, read.settings)[wanted]
    codes = evaluated[col.VERDICT_CODE].to_numpy()
    labels = evaluated[col.VERDICT].to_numpy()
    rows = evaluated.index.to_numpy()
    not_go = committed[wanted] & ~np.isin(codes, GO_CODES)
    for row, label in zip(rows[not_go], labels[not_go], strict=True):
        status = cast(str, frame.at[row, col.STATUS])
        problems.append(
            ideas.problem(
                int(row),
                col.STATUS,
                status,
                f"The idea is {status}, but its verdict is '{label}'.",
                "Check its values and thresholds, or change its Status (e.g. to Dropped).",
                WARNING,
                code=Code.IDEAS_COMMITTED_NOT_GO,
            )
        )
    no_split = has_method[wanted] & ~np.isin(codes, SPLIT_GO_CODES)
    for row, label in zip(rows[no_split], labels[no_split], strict=True):
        chosen = cast(str, frame.at[row, col.SHARING_METHOD])
        problems.append(
            ideas.problem(
                int(row),
                col.SHARING_METHOD,
                chosen,
                f"Sharing method '{chosen}' is not applied: the verdict is '{label}', so no value is split.",
                "Clear the Sharing method, or review the idea's values.",
                WARNING,
                code=Code.IDEAS_SHARING_NOT_APPLIED,
            )
        )
    return problems


# Numbers in computed columns (money, ratings, days) are compared to the cent (SPEC §3; within 0.005).
MONEY_TOLERANCE = 0.005
# The earliest day a computed column is judged on: dates before 1950 are no dates of a master (SPEC §4).
EARLIEST_DAY = dt.date(1950, 1, 1)


def _is_number(x: object) -> bool:
    return isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool | np.bool_)


def _stale(saved: np.ndarray, now: pd.Series, earliest: pd.Series | None) -> np.ndarray:
    """Records whose saved cell is not blank and is not what cvm-xl computes: ``now`` (today), or,
    for a column that counts from today, any result from ``earliest`` to ``now``: a file saved on
    an earlier day holds that day's result, which no input change explains."""
    blank = np.array([cells.text(x) is None for x in saved], dtype=bool)
    if pd.api.types.is_numeric_dtype(now.dtype):
        have = np.array([float(x) if _is_number(x) else np.nan for x in saved])
        want = now.to_numpy(dtype=float, na_value=np.nan)
        low = high = want
        if earliest is not None:
            then = earliest.to_numpy(dtype=float, na_value=np.nan)
            low, high = np.fmin(then, want), np.fmax(then, want)
        with np.errstate(invalid="ignore"):
            fits = (have >= low - MONEY_TOLERANCE) & (have <= high + MONEY_TOLERANCE)
        return ~blank & ~fits
    saved_text = [cells.text(x) for x in saved]
    allowed = [{cells.text(x)} for x in now]
    if earliest is not None:
        allowed = [a | {cells.text(x)} for a, x in zip(allowed, earliest, strict=True)]
    return ~blank & np.array([t not in a for t, a in zip(saved_text, allowed, strict=True)], dtype=bool)


def _saved_results(data: TableData, settings: Settings, today: dt.date) -> list[Problem]:
    """``check_saved_results`` for one table with computed columns."""
    name = data.table.name
    names = [n for n in data.table.computed if n in data.saved]
    if data.frame.empty or not names:
        return []
    usable = np.ones(len(data.frame), dtype=bool)
    for column in READS.get(name, ()):
        usable &= data.usable(column)
    key = KEYS.get(name)
    if key is not None:
        usable &= data.frame[key].notna().to_numpy()
    if not usable.any():
        return []
    records = data.frame[usable]
    now = computed_frame(name, records, settings, today)
    counting = today_columns(name)
    earliest = computed_frame(name, records, settings, EARLIEST_DAY) if counting else None
    stale = {
        n: _stale(
            data.saved[n][usable], now[n], earliest[n] if earliest is not None and n in counting else None
        )
        for n in names
    }
    problems: list[Problem] = []
    positions = np.flatnonzero(usable)
    for record in np.flatnonzero(np.any([stale[n] for n in names], axis=0)):
        differing = [n for n in names if stale[n][record]]
        column = differing[0]
        saved, result = data.saved[column][positions[record]], now[column].iat[int(record)]
        more = len(differing) - 1
        also = f" ({more} more computed cell{'s' if more > 1 else ''} of this row too)" if more else ""
        problems.append(
            data.problem(
                data.row_number(int(positions[record])),
                column,
                saved,
                f"The saved {column} {quoted(saved)} differs from what cvm-xl computes now "
                f"({quoted('' if cells.text(result) is None else result)}){also}: an input changed where "
                "nothing recalculated.",
                f"Run `cvm-xl refresh {data.file}` to rewrite the computed columns as live formulas "
                "with fresh results.",
                WARNING,
                code=Code.CELL_STALE_RESULT,
            )
        )
    return problems


def check_saved_results(read: ReadTables) -> list[Problem]:
    """Issue 12: in a live (.xlsx) master, a computed cell of the Ideas table or of a relationship
    table (Rating, Risk level, Review due, Days open, Overdue) whose saved value (a formula's
    result or a plain value) differs from what cvm-xl computes now, e.g. after an input was edited
    where nothing recalculated. One warning per row, at its first such cell; blank cells are left
    to the formulas (``cvm-xl refresh`` fills them). A column that counts from today (Days open,
    Review due, Overdue) may hold the result of any day since 1950: the day the file was last
    calculated is not known, and every spreadsheet recalculates TODAY() when it opens the file."""
    today = dt.date.today()
    problems: list[Problem] = []
    for table in LIVE_TABLES:
        data = read.get(table.name)
        if data is not None and data.saved and is_live(data.file):
            problems += _saved_results(data, read.settings, today)
    return problems


def check_text_numbers(read: ReadTables) -> list[Problem]:
    """Issue 12: in a live (.xlsx) master, an amount or share of an idea typed as text that a
    worksheet formula does not read the way cvm-xl does in every spreadsheet language
    (``formulas.cells.formula_reads_number``: '(1,200)', '€1.200,50', '12.5%'), so the live
    formulas and cvm-xl never disagree silently."""
    ideas = read.get("Ideas")
    if ideas is None or ideas.frame.empty or not is_live(ideas.file):
        return []
    problems: list[Problem] = []
    for name in (*col.VALUE_INPUTS, col.SUPPLIER_SHARE):
        entered = ideas.entered.get(name)
        if entered is None:
            continue
        usable = ideas.usable(name)
        for position, value in enumerate(entered):
            if not (isinstance(value, str) and usable[position]) or cells.text(value) is None:
                continue
            if formula_reads_number(value):
                continue
            read_as = ideas.frame[name].iat[position]
            problems.append(
                ideas.problem(
                    ideas.row_number(position),
                    name,
                    value,
                    f"{name} is the text {quoted(value)}, which cvm-xl reads as {shown(read_as)}; the "
                    "master's formulas may read such text otherwise (by the spreadsheet's language) or "
                    "not at all.",
                    "Type the number into the cell as a number (typed numbers are stored as numbers by "
                    "Excel), e.g. 1200 or 60%.",
                    WARNING,
                    code=Code.CELL_TEXT_NUMBER,
                )
            )
    return problems


# The order matters only for problems on the same cell, which keep it: a cell's reference before a
# repetition of its key, the rules of one table after the rules that hold for every table.
CHECKS: tuple[Check, ...] = (
    check_unique_ids,
    check_references,
    check_unique_keys,
    check_mother_customers,
    check_idea_dates,
    check_sign_off_ready,
    check_verdicts,
    check_bundles,
    check_text_numbers,
    check_saved_results,
    check_action_dates,
    check_waves,
    *CHAIN_CHECKS,
    *RELATIONSHIP_RULES,
)


def run_checks(read: ReadTables) -> list[Problem]:
    """Every problem the checks of ``CHECKS`` find, check by check."""
    return [problem for check in CHECKS for problem in check(read)]
