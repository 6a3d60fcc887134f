"""Checks across rows and tables of a master workbook: unique IDs, references, and the Ideas rules.

Each check reads typed tables (``read_tables.TableData``) and appends Problems to them; cells that
already had a problem of their own are not checked again, so one mistake gives one message.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cvm_xl.core import columns as col
from cvm_xl.core.categories import category_fits_column, category_for_duration, category_problem
from cvm_xl.core.cells import quoted, shown
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.problems import WARNING
from cvm_xl.core.selection import SIGN_OFF_REQUIRED
from cvm_xl.core.settings import Settings
from cvm_xl.core.suggest import did_you_mean
from cvm_xl.core.verdicts import GO_CODES, SPLIT_GO_CODES
from cvm_xl.master.read_tables import TableData

MAX_SUGGESTIONS = 200  # distinct unknown references that get a "did you mean"; beyond that it only slows


def check_unique_ids(data: TableData) -> None:
    """Every repeated ID after its first use, pointing back at the first."""
    name = data.table.id_column
    if name is None or not data.has(name) or data.frame.empty:
        return
    ids = data.frame[name]
    usable = ids.notna().to_numpy() & data.usable(name)
    ids = ids[usable]
    repeated = ids.duplicated(keep="first")
    if not repeated.any():
        return
    first_rows = ids[~repeated]
    first_row_of = dict(zip(first_rows.to_numpy(), first_rows.index, strict=True))
    thing = data.table.record
    for row, value in ids[repeated].items():
        data.add(
            int(row),
            name,
            value,
            f"{name} {quoted(value)} is used again; it is first used in row {first_row_of[value]}.",
            f"Give each {thing} its own {name} (or delete the repeated row).",
        )


def check_references(data: TableData, column: str, target: TableData, target_column: str) -> None:
    """Every value of ``column`` must be a ``target_column`` value of ``target``."""
    if not data.has(column) or data.frame.empty or not target.has(target_column):
        return
    values = data.frame[column]
    valid = target.frame[target_column].dropna()
    unknown = values.notna().to_numpy() & ~values.isin(valid).to_numpy() & data.usable(column)
    if not unknown.any():
        return
    choices = list(dict.fromkeys(valid))
    hints: dict[object, str] = {}
    for row, value in values[unknown].items():
        if value not in hints:
            hints[value] = did_you_mean(value, choices) if len(hints) < MAX_SUGGESTIONS else ""
        data.add(
            int(row),
            column,
            value,
            f"{column} {quoted(value)} is not on the {target.sheet_name} sheet.",
            f"{hints[value]}Use one of the {target_column}s on the {target.sheet_name} sheet, or add "
            f"{quoted(value)} there first.",
        )


def check_mother_customers(workshop: TableData, ideas: TableData) -> None:
    """A raw idea and the mother idea it was merged into belong to the same customer."""
    needed = ("Mother idea ID", col.CUSTOMER_ID)
    if workshop.frame.empty or not all(workshop.has(c) for c in needed) or not ideas.has(col.IDEA_ID):
        return
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
    for row in workshop.frame.index[wrong]:
        mid, theirs, mine = mother.at[row], mother_customer.at[row], own.at[row]
        workshop.add(
            int(row),
            "Mother idea ID",
            mid,
            f"Mother idea {quoted(mid)} belongs to customer {quoted(theirs)}, but this raw idea belongs to "
            f"customer {quoted(mine)}.",
            f"Link the raw idea to a mother idea of customer {quoted(mine)}, or correct its Customer ID.",
        )


def check_idea_dates(ideas: TableData) -> None:
    """End before Start is an error; dates that do not fit the category are a warning."""
    frame = ideas.frame
    if frame.empty:
        return
    start, end = ideas.days[col.START], ideas.days[col.END]
    both = ~np.isnat(start) & ~np.isnat(end)
    for row in frame.index[both & (end < start)]:
        ideas.add(
            int(row),
            col.END,
            frame.at[row, col.END],
            f"End {shown(frame.at[row, col.END])} is before Start {shown(frame.at[row, col.START])}.",
            "Correct the Start or the End date.",
        )
    categories = frame[col.CATEGORY].to_numpy()
    misfit = ~category_fits_column(categories, start, end) & ideas.usable(col.CATEGORY)
    for row in frame.index[misfit]:
        category, first, last = frame.at[row, col.CATEGORY], frame.at[row, col.START], frame.at[row, col.END]
        ideas.add(
            int(row),
            col.CATEGORY,
            category,
            category_problem(category, first, last) or "",
            f"Check Start and End, or change the Category to {category_for_duration(first, last)}.",
            WARNING,
        )


def check_sign_off_ready(ideas: TableData) -> None:
    """SPEC §3.7: an idea cannot be signed off without an owner firm, an owner, a start and an end."""
    frame = ideas.frame
    if frame.empty:
        return
    committed = frame[col.STATUS].isin(col.PASSBOOK_STATUSES).to_numpy()
    if not committed.any():
        return
    for name in SIGN_OFF_REQUIRED:
        missing = committed & frame[name].isna().to_numpy() & ideas.usable(name)
        for row in frame.index[missing]:
            ideas.add(
                int(row),
                name,
                None,
                f"{name} is blank, but the idea is {frame.at[row, col.STATUS]}.",
                f"An idea cannot be signed off without an owner firm, an owner, a start and an end date: "
                f"fill in the {name}, or set the Status back to Selected.",
            )


def check_verdicts(ideas: TableData, settings: Settings) -> None:
    """Warnings that need each idea's verdict: signed-off ideas that are not a Go, unused split inputs."""
    frame = ideas.frame
    if frame.empty:
        return
    committed = frame[col.STATUS].isin(col.PASSBOOK_STATUSES).to_numpy()
    method = frame[col.SHARING_METHOD]
    has_method = (method.notna() & (method != "auto")).to_numpy()
    has_share = frame[col.SUPPLIER_SHARE].notna().to_numpy() & (method != "proportional").to_numpy()
    share_unused = has_share & ideas.usable(col.SUPPLIER_SHARE)
    for row in frame.index[share_unused]:
        share = float(frame.at[row, col.SUPPLIER_SHARE])
        ideas.add(
            int(row),
            col.SUPPLIER_SHARE,
            share,
            f"Supplier share {share:.0%} is not used: only the proportional sharing method uses it.",
            "Set the Sharing method to proportional, or clear the Supplier share.",
            WARNING,
        )
    wanted = committed | has_method
    if not wanted.any():
        return
    evaluated = evaluate_ideas(frame[wanted], settings)
    codes = evaluated[col.VERDICT_CODE].to_numpy()
    labels = evaluated[col.VERDICT].to_numpy()
    rows = evaluated.index.to_numpy()
    not_go = committed[wanted] & ~np.isin(codes, GO_CODES)
    for row, label in zip(rows[not_go], labels[not_go], strict=True):
        status = frame.at[row, col.STATUS]
        ideas.add(
            int(row),
            col.STATUS,
            status,
            f"The idea is {status}, but its verdict is '{label}'.",
            "Check its values and thresholds, or change its Status (e.g. to Dropped).",
            WARNING,
        )
    no_split = has_method[wanted] & ~np.isin(codes, SPLIT_GO_CODES)
    for row, label in zip(rows[no_split], labels[no_split], strict=True):
        chosen = frame.at[row, col.SHARING_METHOD]
        ideas.add(
            int(row),
            col.SHARING_METHOD,
            chosen,
            f"Sharing method '{chosen}' is not applied: the verdict is '{label}', so no value is split.",
            "Clear the Sharing method, or review the idea's values.",
            WARNING,
        )


def validate_tables(tables: dict[str, TableData], settings: Settings) -> None:
    """Run every cross-row and cross-table check, adding the problems to the tables."""
    customers, workshop, ideas, tracking = (tables[n] for n in ("Customers", "Workshop", "Ideas", "Tracking"))
    for data in tables.values():
        check_unique_ids(data)
    check_references(workshop, col.CUSTOMER_ID, customers, col.CUSTOMER_ID)
    check_references(workshop, "Mother idea ID", ideas, col.IDEA_ID)
    check_references(ideas, col.CUSTOMER_ID, customers, col.CUSTOMER_ID)
    check_references(tracking, col.IDEA_ID, ideas, col.IDEA_ID)
    check_mother_customers(workshop, ideas)
    check_idea_dates(ideas)
    check_sign_off_ready(ideas)
    check_verdicts(ideas, settings)
