"""The bundled sample: a fictitious steel supplier, Aldermoor Steel, and four of its customers.

Orvane Automotive Group (C-AUT, with its steel service centre) carries a complete CVM wave: about
150 raw workshop ideas, 17 mother ideas covering every verdict and status, and monthly tracking.
Brightwell Wheels and Tessaro Home Appliances are in later waves; Lindby Office Furniture fails the
customer-selection screening. The data lives in the CSV files beside this module so that it can be
read and edited like the master workbook's tables; the functions below return it typed the way
``load_master`` types a master (floats with NaN, bools, ``datetime.date``, ``str`` or ``None``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from importlib.resources import files

import pandas as pd

from .. import columns as col
from ..parsing import parse_number, parse_yes_no
from ..settings import SETTING_LABELS, Settings

TABLES = ("Customers", "Workshop", "Ideas", "Tracking")

_FILES = {
    "Customers": ("customers.csv", col.CUSTOMER_COLUMNS),
    "Workshop": ("workshop.csv", col.WORKSHOP_COLUMNS),
    "Ideas": ("ideas.csv", col.IDEA_INPUTS),
    "Tracking": ("tracking.csv", col.TRACKING_COLUMNS),
}
_NUMBERS = frozenset(
    {
        *col.VALUE_INPUTS,
        col.SUPPLIER_SHARE,
        "Annual volume",
        "Unit price",
        "Value guarantee",
        "Industry quartile",
        "Long-term culture",
        "Co-destiny",
        "Supplier realised",
        "Customer realised",
    }
)
_DATES = frozenset({col.START, col.END, "Wave start", "Month"})
# Yes/No columns and the value a blank cell stands for (SPEC §4 defaults).
_YES_NO = {col.QUANTIFIED: True, col.GOOD_FAITH: False, col.ONE_OFF: False, col.OUT_OF_BOUNDS: False}


def _read(name: str) -> pd.DataFrame:
    with files(__name__).joinpath(name).open("r", encoding="utf-8") as f:
        return pd.read_csv(f, dtype=str, keep_default_na=False, na_filter=False)


def _text(x: str) -> str | None:
    return x.strip() or None


def _date(x: str) -> dt.date | None:
    return dt.date.fromisoformat(x.strip()) if x.strip() else None


def _typed(raw: pd.DataFrame, name: str) -> pd.Series:
    convert: Callable[[str], object]
    if name in _NUMBERS:
        return pd.Series([parse_number(x) for x in raw[name]], dtype=float, name=name)
    if name in _YES_NO:
        default = _YES_NO[name]
        return pd.Series([parse_yes_no(x, default) for x in raw[name]], dtype=bool, name=name)
    convert = _date if name in _DATES else _text
    return pd.Series([convert(x) for x in raw[name]], dtype=object, name=name)


def sample_tables() -> dict[str, pd.DataFrame]:
    """Customers, Workshop, Ideas (inputs only) and Tracking, each a fresh DataFrame with §4 columns."""
    out: dict[str, pd.DataFrame] = {}
    for table, (file_name, names) in _FILES.items():
        raw = _read(file_name)
        out[table] = pd.DataFrame({name: _typed(raw, name) for name in names})
    return out


def sample_settings() -> Settings:
    """The sample's Settings sheet: EUR, a 3-year horizon and thresholds that exercise every verdict."""
    raw = _read("settings.csv")
    values: dict[str, object] = {}
    for label, text in zip(raw["Setting"], raw["Value"], strict=True):
        field = SETTING_LABELS[label.strip()]
        if field in ("supplier", "currency"):
            values[field] = text.strip()
            continue
        number = parse_number(text)
        if field == "max_sign_off_ideas":
            values[field] = int(number)
        elif field == "max_one_sided_loss" and math.isnan(number):
            values[field] = None
        else:
            values[field] = number
    return Settings(**values)  # type: ignore[arg-type]
