"""Where things are in a generated workbook: sheet names, header rows, columns and defined names.

Positions that formulas rely on live here once, so the formula texts, the sheet writers and the
tests agree on them.
"""

from __future__ import annotations

from dataclasses import dataclass

from cvm_xl.core import columns as col
from cvm_xl.core.passbook import RELATIONSHIP_PASSBOOK_COLUMNS
from cvm_xl.core.settings import FIELD_LABELS, SETTING_LABELS
from cvm_xl.core.sharing import METHOD_CHOICES as SHARING_METHOD_CHOICES
from cvm_xl.core.spellings import YES_NO
from cvm_xl.core.tracking import TRACKING_KIND
from cvm_xl.core.verdicts import VERDICTS
from cvm_xl.formulas import names as NAMES
from cvm_xl.formulas.cells import sheet_ref as sheet_ref  # 'Sign-off'!A1, Ideas!A1: one home
from cvm_xl.spreadsheet.xmltext import letter

COVER = "Cover"
IDEAS = "Ideas"
MAP = "Map"
PASSBOOK = "Passbook"
SIGN_OFF = "Sign-off"
TRACKING = "Tracking"
WORKSHOP = "Workshop"
SETTINGS = "Settings"
RECORD = "Record"


@dataclass(frozen=True)
class Column:
    """One column of a table sheet: header, width, data style, and whether users may edit it."""

    name: str
    width: float
    style: str
    computed: bool = False

    @property
    def header_style(self) -> str:
        return "header.calc" if self.computed else "header.input"


def _input(name: str, width: float, style: str = "in.text") -> Column:
    return Column(name, width, style)


def _calc(name: str, width: float, style: str = "calc.money") -> Column:
    return Column(name, width, style, computed=True)


TITLE_ROW, NOTE_ROW = 1, 2
# Table sheets (Ideas, Tracking, Workshop): header on row 3, data from row 4.
HEADER_ROW, FIRST_ROW = 3, 4

IDEA_COLUMNS: tuple[Column, ...] = (
    _input(col.IDEA_ID, 10),
    _input(col.CUSTOMER_ID, 11),
    _input(col.TITLE, 40, "in.text.wrap"),
    _input(col.DESCRIPTION, 50, "in.text.wrap"),
    _input(col.CATEGORY, 12, "in.center"),
    _input(col.SUPPLIER_ANNUAL, 12, "in.money"),
    _input(col.SUPPLIER_ONE_TIME, 12, "in.money"),
    _input(col.CUSTOMER_ANNUAL, 12, "in.money"),
    _input(col.CUSTOMER_ONE_TIME, 12, "in.money"),
    _input(col.QUANTIFIED, 11, "in.center"),
    _input(col.GOOD_FAITH, 10, "in.center"),
    _input(col.ONE_OFF, 9, "in.center"),
    _input(col.SHARING_METHOD, 13, "in.center"),
    _input(col.SUPPLIER_SHARE, 10, "in.share"),
    _input(col.OWNER_FIRM, 11, "in.center"),
    _input(col.OWNER, 18),
    _input(col.START, 11.5, "in.date"),
    _input(col.END, 11.5, "in.date"),
    _input(col.STATUS, 12, "in.center"),
    _input(col.BUNDLE, 10),
    _input(col.TRUE_UP, 9, "in.center"),
    _input(col.WAVE, 7, "in.center"),  # issue 14: the idea's wave (every wave is shown)
    _input(col.EMULATED, 11.5, "in.date"),
    _input(col.FEASIBILITY, 10, "in.center"),  # issue 14: 1 (hard, slow) to 5 (easy, fast), core.ranking
    _calc(col.SUPPLIER_VALUE, 13),
    _calc(col.CUSTOMER_VALUE, 13),
    _calc(col.SUPPLIER_OUTCOME, 9, "calc.center"),
    _calc(col.CUSTOMER_OUTCOME, 9.5, "calc.center"),
    _calc(col.CELL, 7, "calc.center"),
    _calc(col.NET_VALUE, 13),
    _calc(col.BAND, 13),
    _calc(col.VERDICT, 32, "calc.text"),
    _calc(col.VERDICT_CODE, 19, "calc.text"),
    _calc(col.SPLIT_METHOD, 12, "calc.center"),
    _calc(col.TRANSFER, 13),
    _calc(col.SUPPLIER_FINAL, 13),
    _calc(col.CUSTOMER_FINAL, 13),
    _calc(col.BUNDLE_SUPPLIER_VALUE, 13),
    _calc(col.BUNDLE_CUSTOMER_VALUE, 13),
    _calc(col.BUNDLE_CELL, 8, "calc.center"),
)
IDEA_INPUT_COLUMNS = tuple(c.name for c in IDEA_COLUMNS if not c.computed)
IDEA_LETTER: dict[str, str] = {c.name: letter(i) for i, c in enumerate(IDEA_COLUMNS, start=1)}
YES_NO_COLUMNS = (col.QUANTIFIED, col.GOOD_FAITH, col.ONE_OFF, col.TRUE_UP)

TRACKING_COLUMNS_LAYOUT: tuple[Column, ...] = (
    _input(col.IDEA_ID, 12),
    _input("Month", 12, "in.month"),
    _input("Supplier realised", 16, "in.money"),
    _input("Customer realised", 16, "in.money"),
    _input("Note", 60),
    _input(TRACKING_KIND, 12, "in.center"),  # issue 14: One-time marks the customer's own investment
)
# The fields of a tracking row that a returned workbook may change (verify, import): all but the Idea ID.
TRACKING_FIELDS = tuple(c.name for c in TRACKING_COLUMNS_LAYOUT if c.name != col.IDEA_ID)
WORKSHOP_COLUMNS_LAYOUT: tuple[Column, ...] = (
    _input("Raw ID", 14),
    _input(col.CUSTOMER_ID, 11),
    _input("Idea", 60),
    _input("Proposed by", 20),
    _input("Firm", 11, "in.center"),
    _input("Function", 16),
    _input("Value chain stage", 18),
    _input("Mother idea ID", 14),
    _input(col.WAVE, 7, "in.center"),
)

# Settings sheet: header on row 4, one row per setting in SETTING_LABELS order, then the annuity.
SETTINGS_HEADER_ROW = 4
SETTINGS_FIRST_ROW = 5
SETTING_ROW: dict[str, int] = {
    field: SETTINGS_FIRST_ROW + i for i, field in enumerate(SETTING_LABELS.values())
}
ANNUITY_ROW = SETTINGS_FIRST_ROW + len(SETTING_LABELS)
VERDICT_HEADER_ROW = ANNUITY_ROW + 3
VERDICT_FIRST_ROW = VERDICT_HEADER_ROW + 1
VERDICT_LAST_ROW = VERDICT_FIRST_ROW + len(VERDICTS) - 1
METHOD_HEADER_ROW = VERDICT_LAST_ROW + 3
METHOD_CHOICES = SHARING_METHOD_CHOICES  # auto, then each split method: the Settings list and the dropdown
METHOD_FIRST_ROW = METHOD_HEADER_ROW + 1
METHOD_LAST_ROW = METHOD_FIRST_ROW + len(METHOD_CHOICES) - 1

# Workbook-level names the formulas use instead of cell addresses: declared once, for the customer
# workbooks and the live master alike, in ``cvm_xl.formulas.names``; here they point at cells.
SETTING_NAMES = NAMES.SETTING_NAMES
ANNUITY_NAME = NAMES.ANNUITY_NAME
VERDICT_CODES_NAME = NAMES.VERDICT_CODES_NAME
VERDICT_LABELS_NAME = NAMES.VERDICT_LABELS_NAME
METHODS_NAME = NAMES.METHODS_NAME


def settings_names() -> dict[str, str]:
    """Defined name -> absolute reference on the Settings sheet."""
    names = {name: f"{SETTINGS}!$B${SETTING_ROW[field]}" for field, name in SETTING_NAMES.items()}
    names[ANNUITY_NAME] = f"{SETTINGS}!$B${ANNUITY_ROW}"
    names[VERDICT_CODES_NAME] = f"{SETTINGS}!$A${VERDICT_FIRST_ROW}:$A${VERDICT_LAST_ROW}"
    names[VERDICT_LABELS_NAME] = f"{SETTINGS}!$B${VERDICT_FIRST_ROW}:$B${VERDICT_LAST_ROW}"
    names[METHODS_NAME] = f"{SETTINGS}!$A${METHOD_FIRST_ROW}:$A${METHOD_LAST_ROW}"
    return names


SETTING_FIELD_LABELS = FIELD_LABELS

# Map sheet: one 3x3 grid like the paper's Figure-III (rows = customer W/I/L top-down, columns =
# supplier L/I/W), two rows per map cell (count, then net value), and the by-cell table below
# that the grid and the chart read.
MAP_GRID_TOP = 5
MAP_GRID_COLS = {"L": "C", "I": "D", "W": "E"}  # supplier outcome -> column
MAP_GRID_ROWS = {"W": MAP_GRID_TOP, "I": MAP_GRID_TOP + 2, "L": MAP_GRID_TOP + 4}  # customer outcome
MAP_TABLE_HEADER = 15
MAP_TABLE_FIRST = MAP_TABLE_HEADER + 1
MAP_CELL_ORDER = ("W-W", "W-I", "W-L", "I-W", "I-I", "I-L", "L-W", "L-I", "L-L")
MAP_TOTAL_ROW = MAP_TABLE_FIRST + len(MAP_CELL_ORDER)
MAP_UNQUANTIFIED_ROW = MAP_TOTAL_ROW + 1
MAP_TABLE_COLUMNS = (
    "Cell",
    "Supplier",
    "Customer",
    "Ideas",
    "Supplier value",
    "Customer value",
    "Net value",
    "Guidance",
)
MAP_ROW: dict[str, int] = {cell: MAP_TABLE_FIRST + i for i, cell in enumerate(MAP_CELL_ORDER)}

# Passbook (SPEC §3.6): three lines per idea of the workbook from row 5 (header row 4), each with a
# live "In passbook" flag from the idea's Status on the Ideas sheet; the realised value beside the
# lines; balances in J:K.
PASSBOOK_HEADER_ROW = 4
PASSBOOK_FIRST_ROW = 5
IN_PASSBOOK = "In passbook"
IN_PASSBOOK_YES, IN_PASSBOOK_NO = YES_NO[0]  # the flag as cvm-xl writes a Yes/No cell
PASSBOOK_COLUMNS = (*RELATIONSHIP_PASSBOOK_COLUMNS[:3], IN_PASSBOOK, *RELATIONSHIP_PASSBOOK_COLUMNS[3:])
PASSBOOK_LETTER: dict[str, str] = {name: letter(i) for i, name in enumerate(PASSBOOK_COLUMNS, start=1)}
PASSBOOK_REALISED_COL = len(PASSBOOK_COLUMNS) + 1  # I, beside the planned lines
BALANCE_LABEL_COL, BALANCE_VALUE_COL = "J", "K"
# The last Ideas row the live sums over the Ideas sheet read (SUMPRODUCT needs a bounded range):
# a customer may add ideas below the generated ones up to here.
LIVE_IDEAS_LAST_ROW = 1000
# The last row the input sheets' validation and conditional formats cover (Ideas, Tracking ...); the
# live formulas read the Tracking rows as far (``generate.live_formulas.tracking_last_row``).
LAST_VALIDATED_ROW = 5000
BALANCE_ROWS = {
    "supplier": 5,
    "customer": 6,
    "total": 7,
    "target": 8,
    "share": 9,
    "gap": 10,
    "reading": 11,
}

# Sign-off: ideas from row 6 (header row 5), one row reserved per allowed idea.
SIGN_OFF_HEADER_ROW = 5
SIGN_OFF_FIRST_ROW = 6
SIGN_OFF_COLUMNS = (
    "#",
    col.IDEA_ID,
    col.TITLE,
    col.OWNER_FIRM,
    col.OWNER,
    col.START,
    col.END,
    col.SUPPLIER_VALUE,
    col.CUSTOMER_VALUE,
    col.NET_VALUE,
    col.TRANSFER,
    col.SUPPLIER_FINAL,
    col.CUSTOMER_FINAL,
    "Method",
    IN_PASSBOOK,
)
SIGN_OFF_IDEAS_PER_PAGE = 12
FINGERPRINT_CELL = "C3"
FINGERPRINT_NAME = "SignOffFingerprint"


@dataclass(frozen=True)
class SignOffLayout:
    """Row positions of the sign-off sheet for a given maximum number of ideas.

    ``lines``: the most lines one sheet of the run lists, when that is more than ``max_ideas``: a
    bundle counts as one idea but takes a line of its own above its members' (issue 15).
    """

    max_ideas: int
    lines: int = 0

    @property
    def reserved(self) -> int:
        """Rows reserved for the listed lines, the same in every workbook of a run."""
        return max(self.max_ideas, self.lines)

    @property
    def last_idea_row(self) -> int:
        return SIGN_OFF_FIRST_ROW + self.reserved - 1

    @property
    def total_row(self) -> int:
        return self.last_idea_row + 1

    @property
    def live_total_row(self) -> int:
        """The totals of the listed ideas whose Status puts them in the passbook now."""
        return self.total_row + 1

    @property
    def note_row(self) -> int:
        return self.live_total_row + 1

    @property
    def sign_head_row(self) -> int:
        return self.note_row + 2

    @property
    def sign_rows(self) -> dict[str, int]:
        first = self.sign_head_row + 1
        return {"Name": first, "Title": first + 1, "Date": first + 2, "Signature": first + 3}

    @property
    def last_row(self) -> int:
        return self.sign_rows["Signature"]

    def page_breaks(self) -> list[int]:
        """Rows after which a new page starts: every 12 ideas."""
        per = SIGN_OFF_IDEAS_PER_PAGE
        return [SIGN_OFF_FIRST_ROW - 1 + k for k in range(per, self.reserved, per)]


SIGNATORY_NAMES = {
    ("supplier", "Name"): "SupplierSignatoryName",
    ("supplier", "Title"): "SupplierSignatoryTitle",
    ("supplier", "Date"): "SupplierSignatoryDate",
    ("customer", "Name"): "CustomerSignatoryName",
    ("customer", "Title"): "CustomerSignatoryTitle",
    ("customer", "Date"): "CustomerSignatoryDate",
}
SIGN_VALUE_COLS = {"supplier": "C", "customer": "J"}
SIGN_LABEL_COLS = {"supplier": "B", "customer": "I"}

# Chain (issue 16): one row per chain idea from row 7 (the party of each column group on row 5, the
# header on row 6), the fixed columns first, then three columns per party shown (``core.chain_view``);
# "Supplier to customer" is the transfer of the idea's line in the Passbook (its split's net flow).
CHAIN = "Chain"
CHAIN_GROUP_ROW, CHAIN_HEADER_ROW, CHAIN_FIRST_ROW = 5, 6, 7
CHAIN_FLOW = "Supplier to customer"
CHAIN_METHOD = "Method"  # the chain split applied (read back by books.read: how the idea is decided)
CHAIN_IDEAS = "Chain ideas"  # the consolidated sign-off's sheet of chain ideas by party (issue 16)
CHAIN_COLUMNS = (col.IDEA_ID, col.TITLE, col.STATUS, col.VERDICT, CHAIN_METHOD, "Chain net", CHAIN_FLOW)
CHAIN_LETTER: dict[str, str] = {name: letter(i) for i, name in enumerate(CHAIN_COLUMNS, start=1)}
CHAIN_GROUP_FIELDS = ("Value", "Final", "Transfer")  # per party shown
CHAIN_FIRST_GROUP_COL = len(CHAIN_COLUMNS) + 1
CHAIN_TOTAL = "Total"  # column A of the row under the ideas
