"""The bundled sample: a fictitious steel supplier, Aldermoor Steel, and four of its customers.

Orvane Automotive Group (C-AUT, with its steel service centre) carries a complete CVM wave: about
150 raw workshop ideas, 17 mother ideas covering every verdict and status, and monthly tracking; its
second wave (issue 14, the Waves table) kicked off in October 2026 and is running, with a small
workshop of its own and three new ideas (Wave 2), while one wave-1 idea has been copied by a
competitor (Emulated); each of its ideas and raw ideas names its wave, while the other customers
keep one wave, their Wave start (Brightwell Wheels and Tessaro are due a refresh on 2026-12-01).
Its ideas, and those of the next two customers, carry implementation actions (issue 14), some done
and some due in the autumn of 2026 and not done: from December 2026 on they are escalated.
Its objectives carry a baseline and monthly KPI readings for 2026, and its management reviews are
recorded up to October 2026 (the November report was not reviewed; issue 14); Brightwell Wheels has
one objective and two reviews. Brightwell Wheels and Tessaro Home Appliances are in later waves;
Lindby Office Furniture fails the customer-selection screening. C-AUT is also a value chain (issue
16, the seed paper's Appendix-I): its coil service centre (Disclose Yes) and a rail transporter
(Disclose No) are partners, and three wave-1 chain ideas share value among them (AUT-22 signed off
and split equally, AUT-23 selected and split by Shapley, AUT-24 shelved under retain). The data
lives in the CSV files beside this module so that it reads and edits like the master workbook's
tables. It is typed by the same column descriptions (``schema``) and parsers as a loaded master:
floats with NaN, bools, ``datetime.date``, ``str`` or ``None``.
"""

from __future__ import annotations

import csv
from importlib.resources import as_file, files

import pandas as pd

from cvm_xl.core.settings import Settings
from cvm_xl.master.column_typing import type_column
from cvm_xl.master.schema import ALL_TABLES as SCHEMA
from cvm_xl.master.schema import SETTING, VALUE
from cvm_xl.master.settings_sheet import read_settings

TABLES = ("Customers", "Workshop", "Ideas", "Tracking", "Actions", "Waves", "Parties", "Chain values")
# The relationship tables the sample fills in (SPEC §3.9, issue 14); the others are written ready to fill in.
RELATIONSHIP_TABLES = ("Objectives", "Reviews", "KPI readings")
_FILES = {
    "Settings": "settings.csv",
    "Customers": "customers.csv",
    "Workshop": "workshop.csv",
    "Ideas": "ideas.csv",
    "Tracking": "tracking.csv",
    "Actions": "actions.csv",
    "Waves": "waves.csv",
    "Parties": "parties.csv",
    "Chain values": "chain_values.csv",
    "Objectives": "objectives.csv",
    "Reviews": "reviews.csv",
    "KPI readings": "kpi_readings.csv",
}


class SampleDataError(ValueError):
    """A bundled CSV file does not hold valid master data (only an edit of the package can cause it)."""


def _rows(table: str) -> list[list[str]]:
    # as_file: the bundled file as a real path (it is one unless the package is zipped).
    with (
        as_file(files(__name__).joinpath(_FILES[table])) as path,
        path.open(encoding="utf-8", newline="") as f,
    ):
        return list(csv.reader(f))


def _table(table: str) -> pd.DataFrame:
    schema = SCHEMA[table]
    with as_file(files(__name__).joinpath(_FILES[table])) as path:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    if tuple(raw.columns) != schema.names:
        raise SampleDataError(f"{_FILES[table]}: the columns must be {', '.join(schema.names)}")
    data: dict[str, pd.Series] = {}
    for column in schema.columns:
        typed = type_column(raw[column.name].to_numpy(dtype=object), column)
        if typed.issues:
            position, value, problem = typed.issues[0]
            raise SampleDataError(
                f"{_FILES[table]} line {position + 2}, {column.name} {value!r}: {problem.message}"
            )
        data[column.name] = pd.Series(typed.values, dtype=typed.values.dtype)
    return pd.DataFrame(data)


def sample_tables() -> dict[str, pd.DataFrame]:
    """Customers, Workshop, Ideas (inputs only), Tracking, Actions, Waves, Parties and Chain values:
    fresh DataFrames with §4 columns (Actions, Waves: issue 14; Parties, Chain values: issue 16),
    RangeIndex; then the relationship tables of ``RELATIONSHIP_TABLES``."""
    return {table: _table(table) for table in (*TABLES, *RELATIONSHIP_TABLES)}


def sample_settings() -> Settings:
    """The sample's Settings sheet: EUR, a 3-year horizon and thresholds that exercise every verdict."""
    rows = _rows("Settings")
    if rows[:1] != [[SETTING, VALUE]]:
        raise SampleDataError(f"{_FILES['Settings']}: the header must be {SETTING},{VALUE}")
    settings, problems = read_settings(rows, _FILES["Settings"], "Settings")
    if problems:
        raise SampleDataError("; ".join(p.message for p in problems))
    return settings
