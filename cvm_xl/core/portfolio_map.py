"""The 3x3 Idea Portfolio Map (seed 000, Figure-III): ideas and net value per cell."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from cvm_xl.core import columns as col
from cvm_xl.core.values import CELLS

# Figure-III layout: the customer's outcome runs down (Win at the top), the supplier's across
# (Lose at the left), so W-W sits top right and L-L bottom left.
CUSTOMER_ROWS = ("W", "I", "L")
SUPPLIER_COLUMNS = ("L", "I", "W")
OUTCOME_NAMES = {"W": "Win", "I": "Indifferent", "L": "Lose"}


class MapCell(NamedTuple):
    cell: str
    ideas: int
    net_value: float


def portfolio_map(evaluated: pd.DataFrame) -> dict[str, MapCell]:
    """Count and net value of the quantified ideas in each of the nine cells (all nine present)."""
    grouped = evaluated.groupby(col.CELL, dropna=True)[col.NET_VALUE].agg(["count", "sum"])
    counts, sums = grouped["count"], grouped["sum"]
    return {
        c: MapCell(
            c,
            int(counts[c]) if c in grouped.index else 0,
            float(sums[c]) + 0.0 if c in grouped.index else 0.0,
        )
        for c in CELLS
    }


def map_grid(cells: dict[str, MapCell], field: str = "ideas") -> list[list[float]]:
    """The map as rows (customer W, I, L) of columns (supplier L, I, W), as Figure-III draws it."""
    return [[getattr(cells[f"{s}-{c}"], field) for s in SUPPLIER_COLUMNS] for c in CUSTOMER_ROWS]
