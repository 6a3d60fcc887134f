"""Sheets, columns and list values of the relationship tables of the master (SPEC §3.9).

Each table sits on a sheet of its own, as one Excel Table with a ``Customer ID`` column, like the
tables of SPEC §4: ``Life cycle``, ``Maturity``, ``Objectives``, ``Risks``, ``Exit triggers``,
``Issue log`` and ``Out of bounds topics``, and the continuing journey's ``Reviews`` and
``KPI readings`` (issue 14: the management reviews held, and the measured path of each objective).
All of them are optional: a master made before they existed has none of these sheets and stays
valid. Names are spelled exactly as users see them.

This module holds the readiness domain's data: the names, the list values and each table's
columns in display order (what users type, then what the readiness rules compute). How each column
is read and checked (kinds, required columns, keys, references) is described once, with every
other table of the master, in ``cvm_xl.master.schema``.
"""

from __future__ import annotations

from typing import NamedTuple

from cvm_xl.core.columns import CUSTOMER_ID, OUT_OF_BOUNDS
from cvm_xl.core.kpis import BASELINE, KPI_MONTH, KPI_VALUE
from cvm_xl.core.reviews import (
    ATTENDEES,
    DECISIONS,
    REVIEW_DATE,
    REVIEW_ID,
    REVIEW_KIND,
    REVIEW_KINDS,
)

# Shared column names
FIRM = "Firm"
OWNER_FIRM = "Owner firm"
OWNER = "Owner"
STATUS = "Status"
NOTE = "Note"

# Life cycle: one row per checklist item and customer
LIFECYCLE_SHEET = "Life cycle"
STAGE = "Stage"
ITEM = "Item"
DONE = "Done"

# Maturity: one row per firm and customer, one column per dimension
MATURITY_SHEET = "Maturity"
ATTRIBUTES = "Attributes"
ABILITY = "Ability"
ATTITUDE = "Attitude"

# Objectives ("mine / yours / ours")
OBJECTIVES_SHEET = "Objectives"
OBJECTIVE = "Objective"
MEASURE = "Measure"
TARGET = "Target"
AGREED = "Agreed"

# Reviews held (issue 14): management reviews of the relationship, matched to the wave plan's
# planned reviews by ``core.reviews``
REVIEWS_SHEET = "Reviews"

# KPI readings (issue 14): the measured value of an objective, month by month (``core.kpis``)
KPI_SHEET = "KPI readings"

# Joint risk register
RISKS_SHEET = "Risks"
RISK_ID = "Risk ID"
RISK = "Risk"
LIKELIHOOD = "Likelihood"
IMPACT = "Impact"
MITIGATION = "Mitigation"
RATING = "Rating"  # computed
RISK_LEVEL = "Risk level"  # computed

# Exit strategy triggers
EXITS_SHEET = "Exit triggers"
TRIGGER = "Trigger"
ACTION = "Action"
LAST_REVIEWED = "Last reviewed"
REVIEW_DUE = "Review due"  # computed

# Issue (dispute) log
ISSUES_SHEET = "Issue log"
ISSUE_ID = "Issue ID"
RAISED = "Raised"
RAISED_BY = "Raised by"
ISSUE = "Issue"
ISSUE_CATEGORY = "Category"
ESCALATION_LEVEL = "Escalation level"
DUE = "Due"
RESOLUTION = "Resolution"
RESOLVED = "Resolved"
DAYS_OPEN = "Days open"  # computed
OVERDUE = "Overdue"  # computed

# Out of bounds topics (never leave the master)
TOPICS_SHEET = "Out of bounds topics"
TOPIC = "Topic"
DECLARED_BY = "Declared by"

# List values (data-validation dropdowns); the first value of a status list is what a blank means.
STAGES = (
    "Awareness", "Knowledge", "Internal assessment", "Partner selection", "Working together",
    "Value creation", "Staying together", "Exit strategy",
)  # fmt: skip
YES, NO, NOT_APPLICABLE = "Yes", "No", "N/A"
DONE_VALUES = (YES, NO, NOT_APPLICABLE)
YES_NO = (YES, NO)
TWO_FIRMS = ("Supplier", "Customer")
THREE_FIRMS = ("Supplier", "Customer", "Joint")
DIMENSIONS = (ATTRIBUTES, ABILITY, ATTITUDE)
RATINGS = ("A", "B", "C", "D")
SCORES = (1, 2, 3, 4, 5)
RISK_STATUSES = ("Open", "Mitigating", "Accepted", "Closed")
RISK_LEVELS = ("Low", "Medium", "High", "Critical")
EXIT_STATUSES = ("Monitoring", "Triggered", "Retired")
ISSUE_STATUSES = ("Open", "Resolved")
ESCALATION_LEVELS = ("Working team", "Joint management team", "Executive sponsors")
ISSUE_CATEGORIES = (
    "Value sharing", "Commercial", "Operational", "Quality", "Delivery", "Knowledge & IPR",
    "Behaviours & trust", "Other",
)  # fmt: skip


class TableColumns(NamedTuple):
    """One relationship table's sheet and columns in display order: ``inputs`` are what users type,
    ``computed`` what the readiness rules add (a generated sheet shows both)."""

    sheet: str
    inputs: tuple[str, ...]
    computed: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """Inputs and computed columns, as a generated sheet shows them."""
        return self.inputs + self.computed


LIFECYCLE = TableColumns(LIFECYCLE_SHEET, (CUSTOMER_ID, STAGE, ITEM, DONE, NOTE))
MATURITY = TableColumns(MATURITY_SHEET, (CUSTOMER_ID, FIRM, *DIMENSIONS, NOTE))
OBJECTIVES = TableColumns(
    OBJECTIVES_SHEET, (CUSTOMER_ID, FIRM, OBJECTIVE, MEASURE, BASELINE, TARGET, AGREED, NOTE, OUT_OF_BOUNDS)
)
RISKS = TableColumns(
    RISKS_SHEET,
    (RISK_ID, CUSTOMER_ID, RISK, OWNER_FIRM, OWNER, LIKELIHOOD, IMPACT, MITIGATION, STATUS, OUT_OF_BOUNDS),
    (RATING, RISK_LEVEL),
)
EXITS = TableColumns(
    EXITS_SHEET,
    (CUSTOMER_ID, TRIGGER, ACTION, OWNER_FIRM, OWNER, STATUS, LAST_REVIEWED, OUT_OF_BOUNDS),
    (REVIEW_DUE,),
)
ISSUES = TableColumns(
    ISSUES_SHEET,
    (
        ISSUE_ID, CUSTOMER_ID, RAISED, RAISED_BY, ISSUE, ISSUE_CATEGORY, ESCALATION_LEVEL, OWNER, DUE,
        RESOLUTION, RESOLVED, STATUS, OUT_OF_BOUNDS,
    ),
    (DAYS_OPEN, OVERDUE),
)  # fmt: skip
TOPICS = TableColumns(TOPICS_SHEET, (CUSTOMER_ID, TOPIC, DECLARED_BY, NOTE))
REVIEWS = TableColumns(
    REVIEWS_SHEET, (REVIEW_ID, CUSTOMER_ID, REVIEW_DATE, REVIEW_KIND, ATTENDEES, DECISIONS)
)
KPI_READINGS = TableColumns(KPI_SHEET, (OBJECTIVE, CUSTOMER_ID, KPI_MONTH, KPI_VALUE))

TABLES: dict[str, TableColumns] = {
    table.sheet: table
    for table in (LIFECYCLE, MATURITY, OBJECTIVES, RISKS, EXITS, ISSUES, TOPICS, REVIEWS, KPI_READINGS)
}
SHEETS = tuple(TABLES)
# The Out of bounds topics never leave the master (SPEC §3.9): no customer workbook shows them.
MASTER_ONLY_SHEETS = (TOPICS_SHEET,)

# Column -> the values its dropdown offers. Scores are whole numbers, Yes/No columns plain Yes/No.
LIST_VALUES: dict[tuple[str, str], tuple[object, ...]] = {
    (LIFECYCLE_SHEET, STAGE): STAGES,
    (LIFECYCLE_SHEET, DONE): DONE_VALUES,
    (MATURITY_SHEET, FIRM): TWO_FIRMS,
    **{(MATURITY_SHEET, d): RATINGS for d in DIMENSIONS},
    (OBJECTIVES_SHEET, FIRM): THREE_FIRMS,
    (OBJECTIVES_SHEET, AGREED): YES_NO,
    (OBJECTIVES_SHEET, OUT_OF_BOUNDS): YES_NO,
    (RISKS_SHEET, OWNER_FIRM): THREE_FIRMS,
    (RISKS_SHEET, LIKELIHOOD): SCORES,
    (RISKS_SHEET, IMPACT): SCORES,
    (RISKS_SHEET, STATUS): RISK_STATUSES,
    (RISKS_SHEET, OUT_OF_BOUNDS): YES_NO,
    (EXITS_SHEET, OWNER_FIRM): THREE_FIRMS,
    (EXITS_SHEET, STATUS): EXIT_STATUSES,
    (EXITS_SHEET, OUT_OF_BOUNDS): YES_NO,
    (ISSUES_SHEET, RAISED_BY): THREE_FIRMS,
    (ISSUES_SHEET, ISSUE_CATEGORY): ISSUE_CATEGORIES,
    (ISSUES_SHEET, ESCALATION_LEVEL): ESCALATION_LEVELS,
    (ISSUES_SHEET, STATUS): ISSUE_STATUSES,
    (ISSUES_SHEET, OUT_OF_BOUNDS): YES_NO,
    (TOPICS_SHEET, DECLARED_BY): TWO_FIRMS,
    (REVIEWS_SHEET, REVIEW_KIND): REVIEW_KINDS,
}
