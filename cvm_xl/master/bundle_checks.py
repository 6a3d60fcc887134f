"""Checks of the Ideas table's bundles (issue 15; SPEC §3.4/§3.5 applied to a bundle, §4).

A bundle is two or more ideas of one customer with the same Bundle ID (``core.bundles.group_key``)
that are judged, signed off and shared as one. These checks find what makes that impossible or
doubtful: an ID used by ideas of several customers, a bundle of one idea, a Dropped or out-of-bounds
member, members naming different sharing methods or supplier shares (errors), and members whose
Status differs (a warning: they are signed off as one). Every problem names its cell and what to do.

A chain idea (issue 16: an idea with Chain values rows, ``core.chain``) in a bundle is an error: a
bundle is judged and shared between the two firms, a chain idea among all its parties by its chain
verdict and split (``core.chain_decisions``), so no split could be both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cvm_xl.core import columns as col
from cvm_xl.core.bundles import bundle_key, group_key
from cvm_xl.core.cells import quoted, text
from cvm_xl.core.chain import CHAIN_VALUES_SHEET
from cvm_xl.core.problems import WARNING, Code, Problem
from cvm_xl.core.sharing import AUTO
from cvm_xl.core.spellings import DROPPED
from cvm_xl.master.read_tables import ReadTables, TableData


@dataclass(frozen=True)
class _Member:
    position: int
    row: int | None
    customer: object
    bundle: object


def _members(ideas: TableData) -> list[_Member]:
    frame = ideas.frame
    usable = ideas.usable(col.BUNDLE) & ideas.usable(col.CUSTOMER_ID)
    bundles = frame[col.BUNDLE].tolist()
    customers = frame[col.CUSTOMER_ID].tolist()
    return [
        _Member(i, ideas.row_number(i), customers[i], bundles[i])
        for i in map(int, np.flatnonzero(usable))
        if bundle_key(bundles[i])
    ]


def _across_customers(ideas: TableData, members: list[_Member]) -> tuple[list[Problem], set[int]]:
    """A Bundle ID whose ideas belong to different customers: each idea of a customer other than
    the first one's is an error (and is left out of the other bundle checks)."""
    first: dict[str, _Member] = {}
    problems: list[Problem] = []
    wrong: set[int] = set()
    for m in members:
        b = bundle_key(m.bundle)
        seen = first.setdefault(b, m)
        if bundle_key(seen.customer) == bundle_key(m.customer):
            continue
        wrong.add(m.position)
        problems.append(
            ideas.problem(
                m.row,
                col.BUNDLE,
                m.bundle,
                f"Bundle {quoted(m.bundle)} holds ideas of customer {quoted(seen.customer)} (row {seen.row}) "
                f"and of customer {quoted(m.customer)}: a bundle holds ideas of one customer.",
                "Give this idea's bundle an ID of its own, or correct its Customer ID.",
                code=Code.BUNDLE_ACROSS_CUSTOMERS,
            )
        )
    return problems, wrong


def _shown(value: object) -> str:
    """A compared cell as the message quotes it: a share as a percentage, text in quotes."""
    if isinstance(value, float | np.floating):
        return f"{float(value):.0%}"
    return quoted(value)


def _differ(
    ideas: TableData,
    group: list[_Member],
    column: str,
    explicit: bool,
    message: str,
    fix: str,
    code: Code,
    severity: str | None = None,
) -> list[Problem]:
    """Members of one bundle whose ``column`` differs from the first member's that has one
    (``explicit``: blanks and ``auto`` name nothing)."""
    frame = ideas.frame
    usable = ideas.usable(column)
    cells: list[object] = frame[column].tolist()
    values = [(m, cells[m.position]) for m in group if usable[m.position]]
    if explicit:
        values = [(m, v) for m, v in values if v is not None and v == v and v != AUTO]
    if not values:
        return []
    first_member, first_value = values[0]
    extra = {} if severity is None else {"severity": severity}
    return [
        ideas.problem(
            m.row,
            column,
            v,
            message.format(
                bundle=quoted(m.bundle),
                value=_shown(v),
                first=_shown(first_value),
                first_row=first_member.row,
            ),
            fix,
            code=code,
            **extra,
        )
        for m, v in values[1:]
        if v != first_value
    ]


def _chain_idea_ids(read: ReadTables) -> set[str]:
    """The Idea IDs the Chain values table names (issue 16: its chain ideas)."""
    values = read.get(CHAIN_VALUES_SHEET)
    if values is None or values.frame.empty or not values.has(col.IDEA_ID):
        return set()
    return {i for i in (text(x) for x in values.frame[col.IDEA_ID].tolist()) if i is not None}


def check_bundles(read: ReadTables) -> list[Problem]:
    """Issue 15: every bundle holds two or more ideas of one customer, none Dropped or out of
    bounds, agreeing on the sharing method and supplier share (errors) and on the Status (warning)."""
    ideas = read.get("Ideas")
    needed = (
        col.BUNDLE,
        col.CUSTOMER_ID,
        col.STATUS,
        col.OUT_OF_BOUNDS,
        col.SHARING_METHOD,
        col.SUPPLIER_SHARE,
    )
    if ideas is None or ideas.frame.empty or not all(ideas.has(c) for c in needed):
        return []
    members = _members(ideas)
    if not members:
        return []
    problems, wrong = _across_customers(ideas, members)
    groups: dict[tuple[str, str], list[_Member]] = {}
    for m in members:
        if m.position not in wrong:
            groups.setdefault(group_key(m.customer, m.bundle), []).append(m)
    frame = ideas.frame
    status, out_of_bounds = frame[col.STATUS].tolist(), frame[col.OUT_OF_BOUNDS].tolist()
    chain = _chain_idea_ids(read)
    idea_ids = frame[col.IDEA_ID].tolist() if col.IDEA_ID in frame.columns else [None] * len(frame)
    for m in members:
        if chain and text(idea_ids[m.position]) in chain:
            problems.append(
                ideas.problem(
                    m.row,
                    col.BUNDLE,
                    m.bundle,
                    f"The idea is a chain idea (it has Chain values rows) but is in bundle "
                    f"{quoted(m.bundle)}: a bundle is shared between the two firms, a chain idea among "
                    "all its parties by its chain verdict and split.",
                    "Clear its Bundle cell, or delete its Chain values rows to make it a two-firm idea.",
                    code=Code.BUNDLE_CHAIN_IDEA,
                )
            )
    for group in groups.values():
        if len(group) == 1:
            m = group[0]
            problems.append(
                ideas.problem(
                    m.row,
                    col.BUNDLE,
                    m.bundle,
                    f"Bundle {quoted(m.bundle)} holds only this idea: a bundle is two or more ideas "
                    "judged as one.",
                    "Put the idea it is to balance into the same bundle, or clear the Bundle cell.",
                    code=Code.BUNDLE_ONE_MEMBER,
                )
            )
        for m in group:
            if status[m.position] == DROPPED and ideas.usable(col.STATUS)[m.position]:
                problems.append(
                    ideas.problem(
                        m.row,
                        col.STATUS,
                        DROPPED,
                        f"The idea is Dropped but still in bundle {quoted(m.bundle)}, whose verdict and "
                        "split it changes.",
                        "Clear its Bundle cell, or set its Status back if it is not dropped.",
                        code=Code.BUNDLE_DROPPED_MEMBER,
                    )
                )
            if out_of_bounds[m.position] is True and ideas.usable(col.OUT_OF_BOUNDS)[m.position]:
                problems.append(
                    ideas.problem(
                        m.row,
                        col.OUT_OF_BOUNDS,
                        True,
                        f"The idea is out of bounds but in bundle {quoted(m.bundle)}: an idea out of bounds "
                        "is not judged or shared.",
                        "Clear its Bundle cell, or set Out of bounds to No.",
                        code=Code.BUNDLE_OUT_OF_BOUNDS_MEMBER,
                    )
                )
        problems += _differ(
            ideas, group, col.SHARING_METHOD, True,
            "Bundle {bundle} is shared by one method, but this idea names {value} and row {first_row} "
            "names {first}.",
            "Give the members the same Sharing method, or leave it blank on all but one.",
            Code.BUNDLE_METHODS_DIFFER,
        )  # fmt: skip
        problems += _differ(
            ideas, group, col.SUPPLIER_SHARE, True,
            "Bundle {bundle} is shared by one supplier share, but this idea gives {value} and row "
            "{first_row} gives {first}.",
            "Give the members the same Supplier share, or leave it blank on all but one.",
            Code.BUNDLE_SHARES_DIFFER,
        )  # fmt: skip
        problems += _differ(
            ideas, group, col.STATUS, False,
            "Bundle {bundle} is signed off as one, but this idea is {value} and row {first_row} is {first}.",
            "Move the members of the bundle through the statuses together.",
            Code.BUNDLE_STATUSES_DIFFER,
            WARNING,
        )  # fmt: skip
    return problems
