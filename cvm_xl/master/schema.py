"""What each input table of the master workbook holds (SPEC §4): its sheet, columns and their kinds.

The loader types and checks every column by its kind; the master writer formats and adds
dropdowns by the same description, so reading and writing can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from cvm_xl.core import columns as col
from cvm_xl.core.sharing import METHOD_CHOICES


class Kind(Enum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    YES_NO = "yes/no"
    CHOICE = "choice"


@dataclass(frozen=True)
class Column:
    """One input column. ``low``/``high`` bound numbers (inclusive); ``whole`` asks for whole numbers;
    ``choices`` are the valid values of a CHOICE column (canonical spelling) and ``aliases`` other
    spellings mapped to them; ``default`` is what a blank Yes/No cell means."""

    name: str
    kind: Kind = Kind.TEXT
    required: bool = False
    default: bool = False
    choices: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()
    low: float | None = None
    high: float | None = None
    whole: bool = False
    percent: bool = False
    money: bool = False


@dataclass(frozen=True)
class Table:
    """An input table: the sheet it lives on, its columns, its ID column and the references it makes.

    ``references`` maps a column to (table, column) whose values it must match. ``computed`` are
    columns the workbook may show but that are recomputed, never read.
    """

    name: str
    table_name: str
    record: str  # what one row is, in messages: "idea", "raw idea" ...
    columns: tuple[Column, ...]
    id_column: str | None = None
    references: tuple[tuple[str, str, str], ...] = ()
    computed: tuple[str, ...] = ()
    optional_sheet: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


SHARING_CHOICES = METHOD_CHOICES  # auto, then each record of core.sharing.SPLIT_METHODS
YES_NO_CHOICES = ("Yes", "No")
MONEY = {"kind": Kind.NUMBER, "money": True}

CUSTOMERS = Table(
    "Customers",
    "tblCustomers",
    "customer",
    (
        Column(col.CUSTOMER_ID, required=True),
        Column("Customer", required=True),
        Column("Industry"),
        Column("Account manager"),
        Column("Customer champion"),
        Column("Wave start", Kind.DATE),
        Column("Annual volume", Kind.NUMBER, low=0),
        Column("Unit"),
        Column("Unit price", Kind.NUMBER, low=0, money=True),
        Column("Value guarantee", Kind.NUMBER, low=0, money=True),
        Column("Industry quartile", Kind.NUMBER, low=1, high=4, whole=True),
        Column("Long-term culture", Kind.NUMBER, low=1, high=5),
        Column("Excellence phase", Kind.CHOICE, choices=col.EXCELLENCE_PHASES,
               aliases=(("1", "I"), ("2", "II"), ("3", "III"))),
        Column("Co-destiny", Kind.NUMBER, low=1, high=5),
    ),
    id_column=col.CUSTOMER_ID,
)  # fmt: skip

WORKSHOP = Table(
    "Workshop",
    "tblWorkshop",
    "raw idea",
    (
        Column("Raw ID", required=True),
        Column(col.CUSTOMER_ID, required=True),
        Column("Idea", required=True),
        Column("Proposed by"),
        Column("Firm", Kind.CHOICE, choices=col.FIRMS),
        Column("Function"),
        Column("Value chain stage"),
        Column("Mother idea ID"),
    ),
    id_column="Raw ID",
    references=((col.CUSTOMER_ID, "Customers", col.CUSTOMER_ID), ("Mother idea ID", "Ideas", col.IDEA_ID)),
    optional_sheet=True,
)

IDEAS = Table(
    "Ideas",
    "tblIdeas",
    "idea",
    (
        Column(col.IDEA_ID, required=True),
        Column(col.CUSTOMER_ID, required=True),
        Column(col.TITLE, required=True),
        Column(col.DESCRIPTION),
        Column(col.CATEGORY, Kind.CHOICE, choices=col.CATEGORIES),
        *(Column(name, **MONEY) for name in col.VALUE_INPUTS),
        Column(col.QUANTIFIED, Kind.YES_NO, default=True),
        Column(col.GOOD_FAITH, Kind.YES_NO),
        Column(col.ONE_OFF, Kind.YES_NO),
        Column(col.SHARING_METHOD, Kind.CHOICE, choices=SHARING_CHOICES),
        Column(col.SUPPLIER_SHARE, Kind.NUMBER, low=0, high=1, percent=True),
        Column(col.OWNER_FIRM, Kind.CHOICE, choices=col.OWNER_FIRMS),
        Column(col.OWNER),
        Column(col.START, Kind.DATE),
        Column(col.END, Kind.DATE),
        Column(col.STATUS, Kind.CHOICE, choices=col.STATUSES),
        Column(col.OUT_OF_BOUNDS, Kind.YES_NO),
    ),
    id_column=col.IDEA_ID,
    references=((col.CUSTOMER_ID, "Customers", col.CUSTOMER_ID),),
    computed=col.IDEA_COMPUTED,
)

TRACKING = Table(
    "Tracking",
    "tblTracking",
    "tracking line",
    (
        Column(col.IDEA_ID, required=True),
        Column("Month", Kind.DATE),
        Column("Supplier realised", **MONEY),
        Column("Customer realised", **MONEY),
        Column("Note"),
    ),
    references=((col.IDEA_ID, "Ideas", col.IDEA_ID),),
    optional_sheet=True,
)

SETTINGS_SHEET = "Settings"
SETTINGS_TABLE = "tblSettings"
SETTING, VALUE = col.SETTINGS_COLUMNS

TABLES: dict[str, Table] = {t.name: t for t in (CUSTOMERS, WORKSHOP, IDEAS, TRACKING)}
SHEET_ORDER = (SETTINGS_SHEET, *TABLES)
