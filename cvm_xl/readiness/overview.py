"""One row per customer summing up the relationship: for the internal Portfolio sheet.

Everything here is internal to the supplier (the consolidated sign-off never goes to a customer),
so out-of-bounds rows count like any other.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

import pandas as pd

from cvm_xl.core import cells
from cvm_xl.core.columns import CUSTOMER_ID
from cvm_xl.readiness.exits import exit_summary
from cvm_xl.readiness.issue_log import issue_summary
from cvm_xl.readiness.lifecycle import checklist_for, current_stage, overall_readiness, stage_scores
from cvm_xl.readiness.maturity import maturity_verdict, ratings_of
from cvm_xl.readiness.objectives import objectives_summary
from cvm_xl.readiness.risks import risk_summary
from cvm_xl.readiness.screening import SCREENING_COLUMNS, ScreeningThresholds, screen_customers
from cvm_xl.readiness.tables import (
    EXITS_SHEET,
    ISSUES_SHEET,
    LIFECYCLE_SHEET,
    MATURITY_SHEET,
    OBJECTIVES_SHEET,
    RISKS_SHEET,
)

READINESS = "Readiness"
CURRENT_STAGE = "Current stage"
MATURITY_VERDICT = "Maturity verdict"
OBJECTIVES_COMPLETE = "Objectives complete"
# summary column -> (table, column of that table's summary, value when the customer has no rows)
_COUNTS: tuple[tuple[str, str, str, object], ...] = (
    ("Open risks", RISKS_SHEET, "Open risks", 0),
    ("Critical risks", RISKS_SHEET, "Critical risks", 0),
    ("Open issues", ISSUES_SHEET, "Open issues", 0),
    ("Overdue issues", ISSUES_SHEET, "Overdue issues", 0),
    ("Exit reviews due", EXITS_SHEET, "Reviews due", 0),
    (OBJECTIVES_COMPLETE, OBJECTIVES_SHEET, "Objectives complete", "No"),
)
# The relationship's columns, after the screening's
RELATIONSHIP_COLUMNS = (READINESS, CURRENT_STAGE, MATURITY_VERDICT, *(c[0] for c in _COUNTS))
OVERVIEW_COLUMNS = (*SCREENING_COLUMNS, *RELATIONSHIP_COLUMNS)


def _table(found: Mapping[str, pd.DataFrame | None], sheet: str) -> pd.DataFrame | None:
    wanted = cells.key(sheet)
    return next((t for name, t in found.items() if cells.key(name) == wanted and t is not None), None)


def relationship_overview(
    customers: pd.DataFrame,
    found: Mapping[str, pd.DataFrame | None],
    today: dt.date,
    thresholds: ScreeningThresholds | None = None,
) -> pd.DataFrame:
    """Per customer (index kept): the screening columns, Readiness (share of applicable checklist
    items done, 0..1), Current stage, Maturity verdict, Open and Critical risks, Open and Overdue
    issues, Exit reviews due and Objectives complete. ``found`` maps sheet names to the relationship
    tables (absent sheets may be missing or None)."""
    out = screen_customers(customers, thresholds)
    ids = [cells.text(x) for x in out[CUSTOMER_ID]]
    lifecycle = _table(found, LIFECYCLE_SHEET)
    maturity = _table(found, MATURITY_SHEET)
    readiness: list[float] = []
    stages: list[str | None] = []
    verdicts: list[str | None] = []
    for cid in ids:
        if cid is None:
            readiness.append(math.nan)
            stages.append(None)
            verdicts.append(None)
            continue
        scores = stage_scores(checklist_for(lifecycle, cid))
        readiness.append(overall_readiness(scores))
        stages.append(current_stage(scores))
        verdicts.append(maturity_verdict(ratings_of(maturity, cid)).label)
    out[READINESS] = readiness
    out[CURRENT_STAGE] = cells.object_series(stages, out.index)
    out[MATURITY_VERDICT] = cells.object_series(verdicts, out.index)
    empty = pd.DataFrame({CUSTOMER_ID: []})

    def given(sheet: str) -> pd.DataFrame:
        table = _table(found, sheet)
        return empty if table is None else table

    summaries = {
        RISKS_SHEET: risk_summary(given(RISKS_SHEET)),
        ISSUES_SHEET: issue_summary(given(ISSUES_SHEET), today),
        EXITS_SHEET: exit_summary(given(EXITS_SHEET), today),
        OBJECTIVES_SHEET: objectives_summary(given(OBJECTIVES_SHEET)),
    }
    for name, sheet, column, default in _COUNTS:
        lookup = dict(zip(summaries[sheet][CUSTOMER_ID], summaries[sheet][column], strict=True))
        out[name] = [lookup.get(cid, default) for cid in ids]
    return out
