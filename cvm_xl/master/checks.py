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
from cvm_xl.core.suggest import did_you_mean
from cvm_xl.core.verdicts import GO_CODES, SPLIT_GO_CODES
from cvm_xl.master.read_tables import ReadTables, TableData
from cvm_xl.master.relationship_rules import RELATIONSHIP_RULES

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
            what = " / ".join(f"{k} '{v}'" for k, v in zip(keys, parts, strict=True))
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
    evaluated = evaluate_ideas(frame[wanted], read.settings)
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
    *RELATIONSHIP_RULES,
)


def run_checks(read: ReadTables) -> list[Problem]:
    """Every problem the checks of ``CHECKS`` find, check by check."""
    return [problem for check in CHECKS for problem in check(read)]
