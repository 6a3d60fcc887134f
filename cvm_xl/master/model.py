"""The master workbook's content as plain data: what ``load_master`` returns (SPEC §4, §5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.problems import Problem
from cvm_xl.core.settings import Settings

EXCEL_ROW = "Excel row"  # index name of every table: the row number the user sees in Excel


@dataclass(frozen=True, eq=False)
class Master:
    """One master workbook.

    Each table is a DataFrame with the §4 column names (plus any extra columns the user added),
    typed (floats, bools for Yes/No, ``datetime.date`` for dates, ``None`` for blanks) and indexed
    by the Excel row number of its record, so every later message can point at the cell.
    ``problems`` holds the warnings found while loading (errors raise ``WorkbookError`` instead).
    ``relationship`` maps the relationship sheets present (SPEC §3.9: 'Life cycle', 'Risks' ...) to
    their typed tables (``master.readiness_checks``); a master without them has an empty mapping.
    """

    path: Path | None
    settings: Settings
    customers: pd.DataFrame
    workshop: pd.DataFrame
    ideas: pd.DataFrame
    tracking: pd.DataFrame
    problems: tuple[Problem, ...] = field(default=())
    extra_sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    relationship: dict[str, pd.DataFrame] = field(default_factory=dict)

    @cached_property
    def evaluated(self) -> pd.DataFrame:
        """The Ideas table with every computed column of §4."""
        return evaluate_ideas(self.ideas, self.settings)
