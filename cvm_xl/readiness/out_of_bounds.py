"""Out-of-bounds matter never leaves the master (SPEC §3.9, §7).

The paper's firms agree up front which areas "vital to its success" are kept out of the CVM
discussion (such as the supplier's relationships with the customer's competitors). In cvm-xl
that means: the ``Out of bounds topics`` table stays in the master, and every row marked
``Out of bounds = Yes`` in any other table (Ideas, Objectives, Risks, Exit triggers, Issue log)
is removed from anything written for a customer, and so is every row that refers to an
out-of-bounds idea (``out_of_bounds_ids`` and ``without_references``: Workshop rows of such a
mother idea, Tracking rows of such an idea). Generators call ``exportable`` (or
``without_out_of_bounds`` per table) on what they are about to write.

A cell that cannot be read as Yes or No counts as out of bounds: leaking a row is worse than
leaving one out, and validation reports the cell anyway.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from cvm_xl.core import cells
from cvm_xl.core.cells import parse_yes_no
from cvm_xl.core.columns import CUSTOMER_ID, IDEA_ID, OUT_OF_BOUNDS
from cvm_xl.readiness.tables import MASTER_ONLY_SHEETS


def is_out_of_bounds(x: object) -> bool:
    """Yes (Y, TRUE, 1) -> True; No or blank -> False; anything else -> True."""
    try:
        return bool(parse_yes_no(x, False))
    except ValueError:
        return True


def _find(table: pd.DataFrame, name: str) -> object | None:
    wanted = cells.key(name)
    return next((c for c in table.columns if cells.key(c) == wanted), None)


def without_out_of_bounds(table: pd.DataFrame, drop_column: bool = False) -> pd.DataFrame:
    """``table`` without its out-of-bounds rows (index kept); unchanged copy when it has no
    ``Out of bounds`` column. ``drop_column`` also removes that column."""
    column = _find(table, OUT_OF_BOUNDS)
    if column is None:
        return table.copy()
    flags = cells.apply_each(table[column], is_out_of_bounds)
    # A boolean array, not a list: an empty list would select columns instead of rows.
    kept = table.loc[np.array([not f for f in flags], dtype=bool)]
    return kept.drop(columns=[column]) if drop_column else kept.copy()


def out_of_bounds_ids(table: pd.DataFrame, id_column: str = IDEA_ID) -> set[str]:
    """The IDs (as text) of the rows marked out of bounds, e.g. the out-of-bounds ideas, so that
    rows referring to them elsewhere (Workshop, Tracking) can be left out too."""
    flag, ids = _find(table, OUT_OF_BOUNDS), _find(table, id_column)
    if flag is None or ids is None:
        return set()
    marked = cells.apply_each(table[flag], is_out_of_bounds)
    return {i for i, m in zip(map(cells.text, table[ids]), marked, strict=True) if m and i is not None}


def without_references(table: pd.DataFrame, column: str, ids: set[str]) -> pd.DataFrame:
    """``table`` without the rows whose ``column`` refers to one of ``ids`` (index kept), e.g. the
    Workshop rows of out-of-bounds mother ideas or the Tracking rows of out-of-bounds ideas."""
    found = _find(table, column)
    if found is None or not ids:
        return table.copy()
    return table[[cells.text(v) not in ids for v in table[found]]].copy()


def is_master_only(sheet: str) -> bool:
    """True for a table that never leaves the master (the Out of bounds topics)."""
    return cells.key(sheet) in {cells.key(s) for s in MASTER_ONLY_SHEETS}


def exportable(
    tables: Mapping[str, pd.DataFrame | None], drop_column: bool = False
) -> dict[str, pd.DataFrame]:
    """The tables that may leave the master, each without its out-of-bounds rows.

    Master-only tables and absent (None) tables are left out; the order is kept.
    """
    return {
        sheet: without_out_of_bounds(table, drop_column)
        for sheet, table in tables.items()
        if table is not None and not is_master_only(sheet)
    }


def topics_for(topics: pd.DataFrame | None, customer_id: str) -> pd.DataFrame:
    """The out-of-bounds topics that apply to one customer: its own and those with a blank Customer
    ID (topics that hold for every customer). For use inside the master only."""
    if topics is None:
        return pd.DataFrame()
    column = _find(topics, CUSTOMER_ID)
    if column is None:
        return topics.copy()
    ids = [cells.text(x) for x in topics[column]]
    wanted = cells.text(customer_id)
    return topics[[i is None or i == wanted for i in ids]].copy()
