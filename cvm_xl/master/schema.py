"""Every table of the master workbook, described once (SPEC §4, §3.9): its sheet, columns and rules.

The Settings table, the input tables of SPEC §4 (Customers, Workshop, Ideas, Tracking) and the
relationship tables of SPEC §3.9 (Life cycle ... Out of bounds topics) are all ``Table``s. The loader
finds, types and checks every table by this description (``read_tables``, ``checks``); the master
writer and the template format it and add its dropdowns by the same description, so reading and
writing can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from cvm_xl.core import actions as act
from cvm_xl.core import chain as ch
from cvm_xl.core import columns as col
from cvm_xl.core import ranking as rk
from cvm_xl.core import waves as wv
from cvm_xl.core.kpis import BASELINE, KPI_MONTH, KPI_VALUE
from cvm_xl.core.reviews import ATTENDEES, DECISIONS, KIND_SYNONYMS, REVIEW_DATE, REVIEW_ID, REVIEW_KIND
from cvm_xl.core.sharing import METHOD_CHOICES
from cvm_xl.core.tracking import TRACKING_KIND, TRACKING_KIND_SYNONYMS, TRACKING_KINDS
from cvm_xl.readiness import tables as rt
from cvm_xl.readiness.issue_log import ESCALATION_SYNONYMS
from cvm_xl.readiness.lifecycle import done_text
from cvm_xl.readiness.objectives import OBJECTIVE_SYNONYMS
from cvm_xl.readiness.screening import parse_phase, quartile_number
from cvm_xl.spreadsheet.tables import normalise_header


class Kind(Enum):
    """How a column's cells are read (``column_typing``, with the one cell parser ``core.cells``)."""

    TEXT = "text"  # trimmed text; a number as shown (an ID typed as 1001 reads '1001')
    NUMBER = "number"  # a float (12.5%, 1,250 also read); ``low``/``high``/``whole`` bound it
    SCORE = "score"  # a whole number on a scale from ``low`` to ``high`` (a risk's likelihood)
    DATE = "date"  # a date cell, ISO text or an Excel serial number
    YES_NO = "yes/no"  # Yes/No, Y/N, TRUE/FALSE, 1/0
    CHOICE = "choice"  # one of ``choices`` (or a synonym), in its canonical spelling


@dataclass(frozen=True)
class Column:
    """One input column.

    ``default`` is what a blank cell means (a Yes/No column's bool, a list value such as Open);
    ``choices`` are the valid values of a CHOICE column (canonical spelling) and ``synonyms`` other
    spellings mapped to them (case and spacing ignored); ``lenient`` keeps a value off the list as
    typed, with a warning; ``parse`` is the domain's own reader of a CHOICE cell (raises ValueError),
    or of a NUMBER column the domain's spelling of a number ('Q1' -> '1'), read on as a number.
    ``low``/``high`` bound numbers and scores (inclusive); ``whole`` asks for whole numbers;
    ``percent`` and ``money`` say how the number is shown; ``year_month`` lets a DATE column take
    '2025-03' for a month. ``invalid`` (message, fix) replaces the table's wording of a cell that
    cannot be read; ``hint`` follows the list of choices in that fix.
    """

    name: str
    kind: Kind = Kind.TEXT
    required: bool = False
    default: bool | str | None = None
    choices: tuple[str, ...] = ()
    synonyms: tuple[tuple[str, str], ...] = ()
    lenient: bool = False
    parse: Callable[[object], object] | None = field(default=None, compare=False)
    low: float | None = None
    high: float | None = None
    whole: bool = False
    percent: bool = False
    money: bool = False
    year_month: bool = False
    invalid: tuple[str, str] | None = None
    hint: str = ""

    @property
    def scale(self) -> tuple[int, ...]:
        """A SCORE column's whole numbers from ``low`` to ``high``: the values its dropdown offers."""
        if self.kind is not Kind.SCORE or self.low is None or self.high is None:
            return ()
        return tuple(range(int(self.low), int(self.high) + 1))

    @property
    def blank_value(self) -> object:
        """The typed value of a blank cell: NaN, the Yes/No default, the list default or None."""
        if self.kind in (Kind.NUMBER, Kind.SCORE):
            return float("nan")
        if self.kind is Kind.YES_NO:
            return bool(self.default)
        return self.default


class Reference(NamedTuple):
    """``column`` holds values of ``target_column`` of the table ``table`` (an Idea's Customer ID)."""

    column: str
    table: str
    target_column: str


@dataclass(frozen=True)
class Wording:
    """How the rules every table shares are worded for one family of tables.

    The input tables of SPEC §4 and the relationship tables of SPEC §3.9 were specified with their
    own wording, which users and documentation know; the rules are the same. Each is a (message,
    fix) template filled with ``str.format`` (fields: column, record, table, sheet, row, hint,
    first, second, value, text, listed, suggestion, target (the sheet as the workbook spells it),
    target_table, target_column, target_record).
    ``missing_column_at_header`` places a missing column's problem on the header row.
    """

    blank: tuple[str, str]
    repeated_column: tuple[str, str]
    missing_column: tuple[str, str]
    missing_column_at_header: bool
    not_valid: tuple[str, str]
    unknown_reference: tuple[str, str]


INPUT_WORDING = Wording(
    blank=("{column} is blank, but every {record} needs one.",
           "Fill in the {column}, or delete the row if it is not needed."),
    repeated_column=("The column '{column}' appears twice (columns {first} and {second}); "
                     "only the first is read.",
                     "Delete or rename one of the two columns."),
    missing_column=("The required column '{column}' is missing from the header row (row {row}).",
                    "{hint}Add a column headed '{column}'."),
    missing_column_at_header=True,
    not_valid=("{value} is not a valid {column}.", "{suggestion}Use one of: {listed}."),
    unknown_reference=("{column} {value} is not on the {target} sheet.",
                       "{suggestion}Use one of the {target_column}s on the {target} sheet, or add {value} "
                       "there first."),
)  # fmt: skip
RELATIONSHIP_WORDING = Wording(
    blank=("{column} is blank.", "Fill in {column}, or delete the row if it is not used."),
    repeated_column=("The column '{column}' appears more than once; only the first is read.",
                     "Delete or rename the other column."),
    missing_column=("The {table} table has no '{column}' column.",
                    "Add a column headed '{column}' to the {table} table."),
    missing_column_at_header=False,
    not_valid=("'{text}' is not a valid {column}.", "{suggestion}Use one of {listed}{hint}."),
    unknown_reference=("{column} {value} is not in the {target_table} table.",
                       "{suggestion}Use a {target_column} of the {target_table} sheet, or add the "
                       "{target_record} there first."),
)  # fmt: skip


@dataclass(frozen=True)
class Table:
    """A table of the master: the sheet it lives on, its columns and the rules across its rows.

    ``table_name`` is its Excel Table; ``record`` what one row is, in messages ("idea", "raw idea").
    ``id_column`` holds each row's own ID (a repeated ID is an error); ``keys`` are columns whose
    values together may appear once (case and spacing ignored); ``references`` are columns whose
    values must be in another table. ``computed`` columns may be shown but are recomputed, never
    read. An ``optional_sheet`` may be missing. A table with a ``signature`` is recognised by those
    headers: a sheet of its name without them is a user's own sheet, ignored with a warning.
    ``template`` columns may be pre-filled on unused lines: a row blank apart from them is not a
    record (None: any filled cell, extra columns included, makes a row a record).
    """

    name: str
    table_name: str
    record: str
    columns: tuple[Column, ...]
    id_column: str | None = None
    keys: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    computed: tuple[str, ...] = ()
    optional_sheet: bool = False
    signature: tuple[str, ...] = ()
    template: tuple[str, ...] | None = None
    wording: Wording = INPUT_WORDING

    @property
    def names(self) -> tuple[str, ...]:
        """The input columns' names, in order."""
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


SHARING_CHOICES = METHOD_CHOICES  # auto, then each record of core.sharing.SPLIT_METHODS
YES_NO_CHOICES = ("Yes", "No")


def _money(name: str) -> Column:
    return Column(name, Kind.NUMBER, money=True)


# --- Settings (SPEC §3): one setting per row, read by ``settings_sheet`` ------------------------

SETTINGS_SHEET = "Settings"
SETTINGS_TABLE = "tblSettings"
SETTING, VALUE = col.SETTINGS_COLUMNS
SETTINGS = Table(
    SETTINGS_SHEET, SETTINGS_TABLE, "setting", (Column(SETTING, required=True), Column(VALUE, required=True))
)

# --- The input tables (SPEC §4) -----------------------------------------------------------------

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
        Column("Industry quartile", Kind.NUMBER, low=1, high=4, whole=True, parse=quartile_number),
        Column("Long-term culture", Kind.NUMBER, low=1, high=5),
        Column("Excellence phase", Kind.CHOICE, choices=col.EXCELLENCE_PHASES,
               synonyms=(("1", "I"), ("2", "II"), ("3", "III")), parse=parse_phase),
        Column("Co-destiny", Kind.NUMBER, low=1, high=5),
        Column(col.SHARE_SCREENING, Kind.YES_NO, default=False),
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
        Column(col.WAVE, Kind.NUMBER, low=wv.WAVE_LOW, whole=True),  # issue 14: blank = the latest wave
    ),
    id_column="Raw ID",
    references=(
        Reference(col.CUSTOMER_ID, "Customers", col.CUSTOMER_ID),
        Reference("Mother idea ID", "Ideas", col.IDEA_ID),
    ),
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
        *(_money(name) for name in col.VALUE_INPUTS),
        Column(col.QUANTIFIED, Kind.YES_NO, default=True),
        Column(col.GOOD_FAITH, Kind.YES_NO, default=False),
        Column(col.ONE_OFF, Kind.YES_NO, default=False),
        Column(col.SHARING_METHOD, Kind.CHOICE, choices=SHARING_CHOICES),
        Column(col.SUPPLIER_SHARE, Kind.NUMBER, low=0, high=1, percent=True),
        Column(col.OWNER_FIRM, Kind.CHOICE, choices=col.OWNER_FIRMS),
        Column(col.OWNER),
        Column(col.START, Kind.DATE),
        Column(col.END, Kind.DATE),
        Column(col.STATUS, Kind.CHOICE, choices=col.STATUSES),
        Column(col.OUT_OF_BOUNDS, Kind.YES_NO, default=False),
        Column(col.BUNDLE),
        Column(col.TRUE_UP, Kind.YES_NO, default=False),
        # Waves 2…n (issue 14, core.waves): blank = the customer's latest wave; the day it was copied.
        Column(col.WAVE, Kind.NUMBER, low=wv.WAVE_LOW, whole=True),
        Column(col.EMULATED, Kind.DATE),
        # Quick wins (issue 14, core.ranking): 1 (hard and slow) to 5 (easy and fast), blank = not rated.
        Column(
            col.FEASIBILITY,
            Kind.SCORE,
            low=rk.FEASIBILITY_LOW,
            high=rk.FEASIBILITY_HIGH,
            whole=True,
            invalid=(
                "'{text}' is not a Feasibility.",
                f"Enter a whole number from {rk.FEASIBILITY_LOW} (hard and slow) to {rk.FEASIBILITY_HIGH} "
                "(easy and fast), or leave it blank.",
            ),
        ),
    ),
    id_column=col.IDEA_ID,
    references=(Reference(col.CUSTOMER_ID, "Customers", col.CUSTOMER_ID),),
    computed=col.IDEA_COMPUTED,
)

TRACKING = Table(
    "Tracking",
    "tblTracking",
    "tracking line",
    (
        Column(col.IDEA_ID, required=True),
        Column("Month", Kind.DATE, year_month=True),
        _money("Supplier realised"),
        _money("Customer realised"),
        Column("Note"),
        # Issue 14: a One-time row is the customer's own investment, kept apart in the value contract.
        Column(
            TRACKING_KIND, Kind.CHOICE, choices=TRACKING_KINDS, synonyms=tuple(TRACKING_KIND_SYNONYMS.items())
        ),
    ),
    references=(Reference(col.IDEA_ID, "Ideas", col.IDEA_ID),),
    optional_sheet=True,
)

# Implementation tracking (issue 14): the steps of each idea, with an owner, a Due and a Done date.
ACTIONS = Table(
    "Actions",
    "tblActions",
    "action",
    (
        Column(act.ACTION_ID, required=True),
        Column(col.IDEA_ID, required=True),
        Column(act.ACTION, required=True),
        Column(col.OWNER_FIRM, Kind.CHOICE, choices=col.OWNER_FIRMS),
        Column(col.OWNER),
        Column(act.DUE, Kind.DATE),
        Column(act.DONE, Kind.DATE),
        Column(act.REVIEW_ID),
    ),
    id_column=act.ACTION_ID,
    references=(
        Reference(col.IDEA_ID, "Ideas", col.IDEA_ID),
        Reference(act.REVIEW_ID, "Reviews", REVIEW_ID),  # the review that decided the action
    ),
    optional_sheet=True,
)

# Waves 2…n (issue 14, ``core.waves``): each customer's waves; wave 1 is its Wave start unless listed.
WAVES = Table(
    wv.WAVES_SHEET,
    "tblWaves",
    "wave",
    (
        Column(col.CUSTOMER_ID, required=True),
        Column(col.WAVE, Kind.NUMBER, required=True, low=wv.WAVE_LOW, whole=True),
        Column(wv.KICK_OFF, Kind.DATE, required=True),
        Column(wv.FACILITATOR),
        Column(wv.WAVE_STATUS, Kind.CHOICE, choices=wv.WAVE_STATUSES),
    ),
    keys=wv.WAVE_KEYS,
    references=(Reference(col.CUSTOMER_ID, "Customers", col.CUSTOMER_ID),),
    optional_sheet=True,
)

# Value chains (issue 16, ``core.chain``): the partners of each relationship beyond the supplier and
# the customer, and each partner's values of a chain idea. The Party ID of a Chain values row is
# checked by ``master.chain_checks`` (Supplier and Customer are parties of every relationship without
# a Parties row, so it is not a plain reference to the Parties table).
PARTIES = Table(
    ch.PARTIES_SHEET,
    "tblParties",
    "party",
    (
        Column(ch.PARTY_ID, required=True),
        Column(col.CUSTOMER_ID, required=True),
        Column(ch.PARTY, required=True),
        Column(
            ch.ROLE,
            Kind.CHOICE,
            choices=ch.ROLES,
            lenient=True,  # a role of the user's own is kept, with a reminder of the suggested ones
            invalid=(
                "'{text}' is not one of the suggested roles; it is kept as typed.",
                "{suggestion}Suggested: {listed}.",
            ),
        ),
        Column(ch.DISCLOSE, Kind.YES_NO, default=False),
        Column(ch.TARGET_SHARE, Kind.NUMBER, low=0, high=1, percent=True),
    ),
    id_column=ch.PARTY_ID,
    references=(Reference(col.CUSTOMER_ID, "Customers", col.CUSTOMER_ID),),
    optional_sheet=True,
)
CHAIN_VALUES = Table(
    ch.CHAIN_VALUES_SHEET,
    "tblChainValues",
    "chain value",
    (
        Column(col.IDEA_ID, required=True),
        Column(ch.PARTY_ID, required=True),
        _money(ch.ANNUAL),
        _money(ch.ONE_TIME),
    ),
    keys=ch.CHAIN_VALUE_KEYS,
    references=(Reference(col.IDEA_ID, "Ideas", col.IDEA_ID),),
    optional_sheet=True,
)

TABLES: dict[str, Table] = {
    t.name: t for t in (CUSTOMERS, WORKSHOP, IDEAS, TRACKING, ACTIONS, WAVES, PARTIES, CHAIN_VALUES)
}
SHEET_ORDER = (SETTINGS_SHEET, *TABLES)

# --- The relationship tables (SPEC §3.9): optional sheets, recognised by their headers ---------

_IN_CUSTOMERS = (Reference(col.CUSTOMER_ID, "Customers", col.CUSTOMER_ID),)


def _listed(
    sheet: str,
    name: str,
    *,
    required: bool = False,
    default: str | None = None,
    synonyms: Mapping[str, str] | None = None,
    lenient: bool = False,
    parse: Callable[[object], object] | None = None,
    invalid: tuple[str, str] | None = None,
    hint: str | None = None,
) -> Column:
    """A relationship column whose values are its dropdown list (``readiness.tables.LIST_VALUES``);
    the fix of a value off the list names the synonyms too, unless ``hint`` says otherwise."""
    pairs = tuple((synonyms or {}).items())
    if hint is None:
        hint = f" ({', '.join(other for other, _ in pairs)} also work)" if pairs else ""
    return Column(
        name,
        Kind.CHOICE,
        required=required,
        default=default,
        choices=tuple(str(v) for v in rt.LIST_VALUES[(sheet, name)]),
        synonyms=pairs,
        lenient=lenient,
        parse=parse,
        invalid=invalid,
        hint=hint,
    )


def _score(name: str) -> Column:
    low, high = rt.SCORES[0], rt.SCORES[-1]
    invalid = (f"'{{text}}' is not a {name.lower()} score.",
               f"Enter a whole number from {low} (lowest) to {high} (highest).")  # fmt: skip
    return Column(name, Kind.SCORE, low=low, high=high, whole=True, invalid=invalid)


def _yes_no(name: str) -> Column:
    return Column(name, Kind.YES_NO, default=False)


def _relationship(
    layout: rt.TableColumns,
    record: str,
    columns: Iterable[Column],
    *,
    signature: tuple[str, ...],
    keys: tuple[str, ...] = (),
    template: tuple[str, ...] = (col.CUSTOMER_ID,),
) -> Table:
    """A relationship table; its columns follow ``readiness.tables`` (the readiness rules' order)."""
    columns = tuple(columns)
    if tuple(c.name for c in columns) != layout.inputs:
        raise ValueError(f"{layout.sheet}: the columns must be {', '.join(layout.inputs)}")
    return Table(
        layout.sheet,
        "tbl" + layout.sheet.title().replace(" ", ""),
        record,
        columns,
        keys=keys,
        references=_IN_CUSTOMERS,
        computed=layout.computed,
        optional_sheet=True,
        signature=signature,
        template=template,
        wording=RELATIONSHIP_WORDING,
    )


_CUSTOMER = Column(col.CUSTOMER_ID, required=True)
_DONE_INVALID = (
    "'{text}' is not Yes, No or N/A.",
    "Write Yes when the item is done, N/A when it does not apply to this relationship, "
    "or leave it blank while it is not done.",
)
_RATING_HINT = ": A is the most collaborative level, D the arm's-length one"

LIFECYCLE = _relationship(
    rt.LIFECYCLE,
    "checklist item",
    (
        _CUSTOMER,
        _listed(rt.LIFECYCLE_SHEET, rt.STAGE, required=True),
        Column(rt.ITEM, required=True),
        _listed(rt.LIFECYCLE_SHEET, rt.DONE, parse=done_text, invalid=_DONE_INVALID),
        Column(rt.NOTE),
    ),
    signature=(col.CUSTOMER_ID, rt.STAGE, rt.ITEM, rt.DONE),
    keys=(col.CUSTOMER_ID, rt.STAGE, rt.ITEM),
)
MATURITY = _relationship(
    rt.MATURITY,
    "maturity rating",
    (
        _CUSTOMER,
        _listed(rt.MATURITY_SHEET, rt.FIRM, required=True),
        *(_listed(rt.MATURITY_SHEET, d, hint=_RATING_HINT) for d in rt.DIMENSIONS),
        Column(rt.NOTE),
    ),
    signature=(col.CUSTOMER_ID, rt.FIRM, *rt.DIMENSIONS),
    keys=(col.CUSTOMER_ID, rt.FIRM),
    template=(col.CUSTOMER_ID, rt.FIRM),
)
OBJECTIVES = _relationship(
    rt.OBJECTIVES,
    "objective",
    (
        _CUSTOMER,
        _listed(rt.OBJECTIVES_SHEET, rt.FIRM, required=True, synonyms=OBJECTIVE_SYNONYMS),
        Column(rt.OBJECTIVE, required=True),
        Column(rt.MEASURE),
        Column(BASELINE, Kind.NUMBER),
        Column(rt.TARGET),
        _yes_no(rt.AGREED),
        Column(rt.NOTE),
        _yes_no(col.OUT_OF_BOUNDS),
    ),
    signature=(col.CUSTOMER_ID, rt.FIRM, rt.OBJECTIVE),
    template=(col.CUSTOMER_ID, rt.FIRM),
)
RISKS = _relationship(
    rt.RISKS,
    "risk",
    (
        Column(rt.RISK_ID, required=True),
        _CUSTOMER,
        Column(rt.RISK, required=True),
        _listed(rt.RISKS_SHEET, rt.OWNER_FIRM),
        Column(rt.OWNER),
        _score(rt.LIKELIHOOD),
        _score(rt.IMPACT),
        Column(rt.MITIGATION),
        _listed(rt.RISKS_SHEET, rt.STATUS, default=rt.RISK_STATUSES[0]),
        _yes_no(col.OUT_OF_BOUNDS),
    ),
    signature=(rt.RISK_ID, col.CUSTOMER_ID, rt.RISK),
    keys=(rt.RISK_ID,),
)
EXITS = _relationship(
    rt.EXITS,
    "exit trigger",
    (
        _CUSTOMER,
        Column(rt.TRIGGER, required=True),
        Column(rt.ACTION),
        _listed(rt.EXITS_SHEET, rt.OWNER_FIRM),
        Column(rt.OWNER),
        _listed(rt.EXITS_SHEET, rt.STATUS, default=rt.EXIT_STATUSES[0]),
        Column(rt.LAST_REVIEWED, Kind.DATE),
        _yes_no(col.OUT_OF_BOUNDS),
    ),
    signature=(col.CUSTOMER_ID, rt.TRIGGER, rt.ACTION),
)
ISSUES = _relationship(
    rt.ISSUES,
    "issue",
    (
        Column(rt.ISSUE_ID, required=True),
        _CUSTOMER,
        Column(rt.RAISED, Kind.DATE, required=True),
        _listed(rt.ISSUES_SHEET, rt.RAISED_BY),
        Column(rt.ISSUE, required=True),
        _listed(
            rt.ISSUES_SHEET,
            rt.ISSUE_CATEGORY,
            lenient=True,  # a category of the user's own is kept, with a warning
            invalid=(
                "'{text}' is not one of the listed categories; it is kept as typed.",
                "{suggestion}Listed: {listed}.",
            ),
        ),
        _listed(
            rt.ISSUES_SHEET,
            rt.ESCALATION_LEVEL,
            synonyms=ESCALATION_SYNONYMS,
            default=rt.ESCALATION_LEVELS[0],
        ),
        Column(rt.OWNER),
        Column(rt.DUE, Kind.DATE),
        Column(rt.RESOLUTION),
        Column(rt.RESOLVED, Kind.DATE),
        _listed(rt.ISSUES_SHEET, rt.STATUS, default=rt.ISSUE_STATUSES[0]),
        _yes_no(col.OUT_OF_BOUNDS),
    ),
    signature=(rt.ISSUE_ID, col.CUSTOMER_ID, rt.ISSUE),
    keys=(rt.ISSUE_ID,),
)
TOPICS = _relationship(
    rt.TOPICS,
    "topic",
    (
        Column(col.CUSTOMER_ID),  # a topic may hold for every customer
        Column(rt.TOPIC, required=True),
        _listed(rt.TOPICS_SHEET, rt.DECLARED_BY),
        Column(rt.NOTE),
    ),
    signature=(rt.TOPIC, rt.DECLARED_BY),
)

# The continuing journey (issue 14): reviews held, matched to the wave plan by ``core.reviews``, and the
# measured path of each objective (``core.kpis``; a reading's Objective is checked in relationship_rules).
REVIEWS = _relationship(
    rt.REVIEWS,
    "review",
    (
        Column(REVIEW_ID, required=True),
        _CUSTOMER,
        Column(REVIEW_DATE, Kind.DATE, required=True),
        _listed(rt.REVIEWS_SHEET, REVIEW_KIND, synonyms=KIND_SYNONYMS),
        Column(ATTENDEES),
        Column(DECISIONS),
    ),
    signature=(REVIEW_ID, col.CUSTOMER_ID, REVIEW_DATE),
    keys=(REVIEW_ID,),
)
KPI_READINGS = _relationship(
    rt.KPI_READINGS,
    "KPI reading",
    (
        Column(rt.OBJECTIVE, required=True),
        _CUSTOMER,
        Column(KPI_MONTH, Kind.DATE, required=True, year_month=True),
        Column(KPI_VALUE, Kind.NUMBER, required=True),
    ),
    signature=(rt.OBJECTIVE, col.CUSTOMER_ID, KPI_MONTH, KPI_VALUE),
)

RELATIONSHIP_TABLES: dict[str, Table] = {
    t.name: t for t in (LIFECYCLE, MATURITY, OBJECTIVES, RISKS, EXITS, ISSUES, TOPICS, REVIEWS, KPI_READINGS)
}
ALL_TABLES: dict[str, Table] = {SETTINGS_SHEET: SETTINGS, **TABLES, **RELATIONSHIP_TABLES}


def relationship_table(sheet: str) -> Table:
    """The relationship table of a sheet name (case and spacing ignored). Raises KeyError."""
    wanted = normalise_header(sheet)
    for name, table in RELATIONSHIP_TABLES.items():
        if normalise_header(name) == wanted:
            return table
    raise KeyError(f"{sheet!r} is not a relationship table: one of {', '.join(RELATIONSHIP_TABLES)}")


def table_for_headers(headers: Iterable[object]) -> Table | None:
    """The relationship table whose signature headers are all among ``headers`` (case and spaces
    ignored, extra columns allowed), or None. The most specific match wins."""
    present = {normalise_header(h) for h in headers if h is not None}
    matches = [
        t for t in RELATIONSHIP_TABLES.values() if all(normalise_header(h) in present for h in t.signature)
    ]
    return max(matches, key=lambda t: len(t.signature), default=None)
