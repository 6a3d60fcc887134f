"""Reconciliation of two passbooks line by line (SPEC §3.6): do both firms read the same passbook?"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from cvm_xl.core import columns as col

MISSING_IN_A = "missing in A"
MISSING_IN_B = "missing in B"
DIFFERS = "differs"
KEY = (col.IDEA_ID, "Line")


class Difference(NamedTuple):
    idea_id: str
    line: str
    kind: str  # MISSING_IN_A, MISSING_IN_B or DIFFERS
    amount_a: float | None
    amount_b: float | None

    @property
    def delta(self) -> float | None:
        if self.amount_a is None or self.amount_b is None:
            return None
        return self.amount_b - self.amount_a


def _keyed(lines: pd.DataFrame, name: str) -> pd.Series:
    keys = lines[list(KEY)].astype(str).apply(lambda s: s.str.strip())
    amounts = pd.to_numeric(lines["Amount"], errors="coerce").astype(float)
    keyed = pd.Series(amounts.to_numpy(), index=pd.MultiIndex.from_frame(keys), name=name)
    duplicated = keyed.index.duplicated()
    if duplicated.any():
        first = keyed.index[duplicated][0]
        raise ValueError(f"Passbook {name} lists idea {first[0]} line {first[1]!r} more than once")
    return keyed


def reconcile(lines_a: pd.DataFrame, lines_b: pd.DataFrame, tolerance: float = 0.5) -> list[Difference]:
    """Every line missing on one side or differing by more than ``tolerance``, in idea order.

    Both inputs are passbook lines (``cvm_xl.core.passbook.passbook_lines``): the key is (Idea ID, Line).
    """
    if tolerance < 0:
        raise ValueError("Tolerance must be 0 or positive")
    a, b = _keyed(lines_a, "A"), _keyed(lines_b, "B")
    both = pd.concat([a, b], axis=1, join="outer", sort=False)
    in_a = both.index.isin(a.index)
    in_b = both.index.isin(b.index)
    va, vb = both["A"].to_numpy(), both["B"].to_numpy()
    with np.errstate(invalid="ignore"):
        differs = in_a & in_b & ~((np.abs(va - vb) <= tolerance) | (np.isnan(va) & np.isnan(vb)))
    out: list[Difference] = []
    for (idea, line), ia, ib, x, y, d in zip(both.index, in_a, in_b, va, vb, differs, strict=True):
        if not ib:
            out.append(Difference(idea, line, MISSING_IN_B, float(x), None))
        elif not ia:
            out.append(Difference(idea, line, MISSING_IN_A, None, float(y)))
        elif d:
            out.append(Difference(idea, line, DIFFERS, float(x), float(y)))
    return out
