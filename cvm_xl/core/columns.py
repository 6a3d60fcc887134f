"""Column names of the master workbook's tables (SPEC §4), spelled exactly as users see them."""

from __future__ import annotations

from cvm_xl.core import spellings

# Ideas: inputs
IDEA_ID = "Idea ID"
CUSTOMER_ID = "Customer ID"
TITLE = "Title"
DESCRIPTION = "Description"
CATEGORY = "Category"
SUPPLIER_ANNUAL = "Supplier annual"
SUPPLIER_ONE_TIME = "Supplier one-time"
CUSTOMER_ANNUAL = "Customer annual"
CUSTOMER_ONE_TIME = "Customer one-time"
QUANTIFIED = "Quantified"
GOOD_FAITH = "Good faith"
ONE_OFF = "One-off"
SHARING_METHOD = "Sharing method"
SUPPLIER_SHARE = "Supplier share"
OWNER_FIRM = "Owner firm"
OWNER = "Owner"
START = "Start"
END = "End"
STATUS = "Status"
OUT_OF_BOUNDS = "Out of bounds"
# Counter-balancing: ideas judged and shared as one (same ID), and transfers trued up on realised value.
BUNDLE = "Bundle"
TRUE_UP = "True-up"
# Waves 2…n (issue 14, ``core.waves``): the wave an idea (or raw idea) belongs to, blank = the customer's
# latest; and the day a competitor copied the idea (it no longer counts as a differentiator).
WAVE = "Wave"
EMULATED = "Emulated"
# Quick wins (issue 14, ``core.selection``): how easy and fast an idea is, 1 (hard, slow) to 5 (easy, fast).
FEASIBILITY = "Feasibility"

# Ideas: computed
SUPPLIER_VALUE = "Supplier value"
CUSTOMER_VALUE = "Customer value"
SUPPLIER_OUTCOME = "Supplier outcome"
CUSTOMER_OUTCOME = "Customer outcome"
CELL = "Cell"
NET_VALUE = "Net value"
BAND = "Band"
VERDICT = "Verdict"
VERDICT_CODE = "Verdict code"
SPLIT_METHOD = "Split method"
TRANSFER = "Transfer"
SUPPLIER_FINAL = "Supplier final"
CUSTOMER_FINAL = "Customer final"
# A bundle's sums and cell (blank for an idea outside a bundle): the values its verdict and split read.
BUNDLE_SUPPLIER_VALUE = "Bundle supplier value"
BUNDLE_CUSTOMER_VALUE = "Bundle customer value"
BUNDLE_CELL = "Bundle cell"

VALUE_INPUTS = (SUPPLIER_ANNUAL, SUPPLIER_ONE_TIME, CUSTOMER_ANNUAL, CUSTOMER_ONE_TIME)

IDEA_INPUTS = (
    IDEA_ID, CUSTOMER_ID, TITLE, DESCRIPTION, CATEGORY,
    *VALUE_INPUTS,
    QUANTIFIED, GOOD_FAITH, ONE_OFF, SHARING_METHOD, SUPPLIER_SHARE,
    OWNER_FIRM, OWNER, START, END, STATUS, OUT_OF_BOUNDS, BUNDLE, TRUE_UP, WAVE, EMULATED,
    FEASIBILITY,
)  # fmt: skip
IDEA_COMPUTED = (
    SUPPLIER_VALUE, CUSTOMER_VALUE, SUPPLIER_OUTCOME, CUSTOMER_OUTCOME, CELL, NET_VALUE,
    BAND, VERDICT, VERDICT_CODE, SPLIT_METHOD, TRANSFER, SUPPLIER_FINAL, CUSTOMER_FINAL,
    BUNDLE_SUPPLIER_VALUE, BUNDLE_CUSTOMER_VALUE, BUNDLE_CELL,
)  # fmt: skip
IDEA_REQUIRED = (IDEA_ID, CUSTOMER_ID, TITLE)

# Customers: Yes when the supplier shares its screening of the customer (SPEC §3.9 prerequisites) in
# the customer's workbook; blank or No keeps that internal assessment out of it.
SHARE_SCREENING = "Share screening"
CUSTOMER_COLUMNS = (
    CUSTOMER_ID, "Customer", "Industry", "Account manager", "Customer champion", "Wave start",
    "Annual volume", "Unit", "Unit price", "Value guarantee", "Industry quartile",
    "Long-term culture", "Excellence phase", "Co-destiny", SHARE_SCREENING,
)  # fmt: skip
CUSTOMER_REQUIRED = (CUSTOMER_ID, "Customer")

WORKSHOP_COLUMNS = (
    "Raw ID", CUSTOMER_ID, "Idea", "Proposed by", "Firm", "Function", "Value chain stage",
    "Mother idea ID", WAVE,
)  # fmt: skip
WORKSHOP_REQUIRED = ("Raw ID", CUSTOMER_ID, "Idea")

# Kind (issue 14): Recurring (blank) or One-time, the customer's own investment (core.tracking)
TRACKING_COLUMNS = (IDEA_ID, "Month", "Supplier realised", "Customer realised", "Note", "Kind")
TRACKING_REQUIRED = (IDEA_ID,)

SETTINGS_COLUMNS = ("Setting", "Value")

# The status values and those that enter the passbook are declared with their spellings.
STATUSES = spellings.STATUSES
PASSBOOK_STATUSES = spellings.PASSBOOK_STATUSES
CATEGORIES = ("Hygiene", "Operational", "Joint study")
FIRMS = ("Supplier", "Customer", "Joint")
OWNER_FIRMS = ("Supplier", "Customer", "Joint")
EXCELLENCE_PHASES = ("I", "II", "III")
