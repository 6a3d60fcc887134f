"""The master workbook's content as plain data: what ``load_master`` returns (SPEC §4, §5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from cvm_xl.core.actions import ACTION_COLUMNS
from cvm_xl.core.chain import CHAIN_VALUE_COLUMNS, PARTY_COLUMNS, ChainBook, evaluate_chain
from cvm_xl.core.chain_decisions import with_chain_decisions
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


def _no_parties() -> pd.DataFrame:
    """A Parties table without rows (issue 16: every relationship has the supplier and the customer)."""
    return pd.DataFrame({name: pd.Series(dtype=object) for name in PARTY_COLUMNS}).rename_axis(EXCEL_ROW)


def _no_chain_values() -> pd.DataFrame:
    """A Chain values table without rows (issue 16: no idea is a chain idea)."""
    columns = {name: pd.Series(dtype=object) for name in CHAIN_VALUE_COLUMNS}
    return pd.DataFrame(columns).rename_axis(EXCEL_ROW)


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
    ``parties`` and ``chain_values`` are the optional value-chain tables (issue 16, ``core.chain``),
    empty when absent; ``chain`` is their evaluation. ``evaluated`` judges every idea as the two
    firms see it (what the Ideas sheet shows); ``decided`` is what every decision reads: a chain idea
    is selected, signed, booked and counted by its chain verdict and split (``core.chain_decisions``).
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
    parties: pd.DataFrame = field(default_factory=_no_parties)
    chain_values: pd.DataFrame = field(default_factory=_no_chain_values)

    @cached_property
    def evaluated(self) -> pd.DataFrame:
        """The Ideas table with every computed column of §4."""
        return evaluate_ideas(self.ideas, self.settings)

    @cached_property
    def chain(self) -> ChainBook:
        """Every relationship's parties and every chain idea's evaluation (issue 16, ``core.chain``)."""
        return evaluate_chain(self.ideas, self.parties, self.chain_values, self.settings, self.customers)

    @cached_property
    def decided(self) -> pd.DataFrame:
        """``evaluated`` with each chain idea's verdict, split method, transfer and finals its chain's
        (``core.chain_decisions``): the frame selection, closers, pipeline and passbooks read. The
        same frame as ``evaluated`` when the master has no chain ideas."""
        return with_chain_decisions(self.evaluated, self.chain)
