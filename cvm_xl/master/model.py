"""The master workbook's content as plain data: what ``load_master`` returns (SPEC §4, §5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from cvm_xl.core.actions import ACTION_COLUMNS
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.problems import Problem
from cvm_xl.core.settings import Settings
from cvm_xl.core.waves import WAVE_COLUMNS

EXCEL_ROW = "Excel row"  # index name of every table: the row number the user sees in Excel


def _no_actions() -> pd.DataFrame:
    """An Actions table without rows (a master made without one: its columns, object-typed)."""
    return pd.DataFrame({name: pd.Series(dtype=object) for name in ACTION_COLUMNS}).rename_axis(EXCEL_ROW)


def _no_waves() -> pd.DataFrame:
    """A Waves table without rows (issue 14: a master without the sheet has one wave per customer,
    its Wave start)."""
    return pd.DataFrame({name: pd.Series(dtype=object) for name in WAVE_COLUMNS}).rename_axis(EXCEL_ROW)


@dataclass(frozen=True, eq=False)
class Master:
    """One master workbook.

    Each table is a DataFrame with the §4 column names (plus any extra columns the user added),
    typed (floats, bools for Yes/No, ``datetime.date`` for dates, ``None`` for blanks) and indexed
    by the Excel row number of its record, so every later message can point at the cell.
    ``problems`` holds the warnings found while loading (errors raise ``WorkbookError`` instead).
    ``relationship`` maps the relationship sheets present (SPEC §3.9: 'Life cycle', 'Risks' ...) to
    their typed tables (``master.readiness_checks``); a master without them has an empty mapping.
    ``actions`` is the optional Actions table (issue 14: implementation tracking), empty when absent.
    ``waves`` is the optional Waves table (issue 14: waves 2…n, ``core.waves``), empty when absent.
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
    actions: pd.DataFrame = field(default_factory=_no_actions)
    waves: pd.DataFrame = field(default_factory=_no_waves)

    @cached_property
    def evaluated(self) -> pd.DataFrame:
        """The Ideas table with every computed column of §4."""
        return evaluate_ideas(self.ideas, self.settings)
