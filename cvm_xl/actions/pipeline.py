"""The refresh pipeline of a master (issue 14): the use case of ``cvm-xl pipeline`` (and, later, of a
macro). The rules are ``core.pipeline``'s; this module only hands them the master's tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from cvm_xl.core.pipeline import CustomerPipeline, customer_pipelines, pipeline_table
from cvm_xl.core.settings import Settings
from cvm_xl.master.model import Master


@dataclass(frozen=True)
class PipelineReport:
    """Every chosen customer's pipeline as of ``as_of``, with the settings that decided Refresh due."""

    as_of: dt.date
    pipelines: tuple[CustomerPipeline, ...]
    settings: Settings

    @property
    def due(self) -> tuple[CustomerPipeline, ...]:
        """The customers due a refresh, in the Customers table's order."""
        return tuple(p for p in self.pipelines if p.refresh_due)

    def table(self) -> pd.DataFrame:
        """One row per customer: ``core.pipeline.PIPELINE_ALL`` columns."""
        return pipeline_table(self.pipelines)


def pipeline_report(
    master: Master, as_of: dt.date, customer_ids: Sequence[str] | None = None
) -> PipelineReport:
    """The pipeline of ``master``'s customers (``customer_ids``; None: every customer) as of ``as_of``."""
    found = customer_pipelines(
        master.customers,
        master.decided,  # issue 16: a chain idea is an open Go idea by its chain verdict
        master.tracking,
        master.waves,
        master.settings,
        as_of,
        customer_ids,
    )
    return PipelineReport(as_of, tuple(found), master.settings)
