"""Problems found in a workbook, collected as data (never raised one by one).

Each Problem carries a stable ``code`` (``Code``: one place lists every code with its meaning), so
a program can tell problems apart without reading their messages, which may be reworded.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import NamedTuple, Self

ERROR = "error"
WARNING = "warning"


def column_letter(index: int) -> str:
    """1 -> 'A', 27 -> 'AA'."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class Code(StrEnum):
    """The stable code of each kind of problem (SPEC §4, §3.9): ``Code.X == "dotted.name"``, and
    ``Code.X.meaning`` says in one line what it means. Codes never change once released; a new kind
    of problem gets a new code here."""

    meaning: str

    def __new__(cls, value: str, meaning: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        return member

    # fmt: off
    # The file as a whole
    FILE_UNREADABLE = "file.unreadable", "The file cannot be read as a workbook (missing, damaged ...)."
    # Sheets and header rows
    SHEET_MISSING = "sheet.missing", "A sheet the master needs is not in the workbook."
    SHEET_OPTIONAL_MISSING = "sheet.optional_missing", "An optional sheet (Workshop, Tracking) is absent."
    SHEET_NOT_A_TABLE = "sheet.not_a_table", "A relationship sheet holds no such table; it is ignored."
    SETTINGS_MISSING = "settings.missing", "There is no Settings sheet; the default settings are used."
    SHEET_STRAY_CELLS = "sheet.stray_cells", "Values lie far beyond the sheet's table; the sheet is not read."
    HEADER_NO_ROW = "header.no_row", "No row near the top of the sheet holds the table's headings."
    HEADER_MISSING_COLUMN = "header.missing_column", "A required column is not among the headings."
    HEADER_REPEATED_COLUMN = "header.repeated_column", "A heading appears twice; only the first is read."
    # One cell
    CELL_EXCEL_ERROR = "cell.excel_error", "The cell shows an Excel error value (#N/A, #DIV/0! ...)."
    CELL_NOT_A_NUMBER = "cell.not_a_number", "A number column holds something that is not a number."
    CELL_NOT_A_DATE = "cell.not_a_date", "A date column holds something that is not a date."
    CELL_NOT_YES_NO = "cell.not_yes_no", "A Yes/No column holds something that is not Yes or No."
    CELL_NOT_IN_LIST = "cell.not_in_list", "A list column holds a value that is not on its list."
    CELL_UNLISTED = "cell.unlisted", "A value off the column's list, kept as typed (a warning)."
    CELL_NOT_A_SCORE = "cell.not_a_score", "A score column holds no whole number of its scale."
    CELL_OUT_OF_RANGE = "cell.out_of_range", "A number is outside the range its column allows."
    CELL_NOT_WHOLE = "cell.not_whole", "A column of whole numbers holds a fraction."
    CELL_REQUIRED = "cell.required", "A cell every record needs is blank."
    CELL_AMBIGUOUS_NUMBER = "cell.ambiguous_number", "Text read as two numbers (12,500) by the Number format."
    CELL_NOT_FINITE = "cell.not_finite", "A cell holds NaN or an infinite number (written by a program)."
    CELL_TOO_LARGE = "cell.too_large", "A number larger in size than 1e15: a typing or export error."
    CELL_DATE_OUT_OF_RANGE = "cell.date_out_of_range", "A date before 1950-01-01 or after 2149-12-31."
    CELL_FORMULA_NO_RESULT = "cell.formula_no_result", "A formula saved without its result: value unknown."
    CELL_TEXT_NUMBER = "cell.text_number", "A number typed as text a live master's formulas may misread."
    CELL_STALE_RESULT = "cell.stale_result", "A saved computed value differs from the one cvm-xl computes."
    # Across rows and tables
    ID_DUPLICATE = "id.duplicate", "An ID is used by more than one row; each row needs its own."
    KEY_DUPLICATE = "key.duplicate", "Two rows have the same key (case and spacing ignored)."
    REFERENCE_UNKNOWN = "reference.unknown", "A Customer ID, Idea ID ... that names no row of its table."
    # The Settings sheet
    SETTINGS_UNKNOWN = "settings.unknown", "A Setting name cvm-xl does not know; the row is ignored."
    SETTINGS_UNNAMED = "settings.unnamed", "A value with no Setting name beside it; it is ignored."
    SETTINGS_REPEATED = "settings.repeated", "A setting is given on more than one row."
    SETTINGS_UNREADABLE = "settings.unreadable", "A setting's value cannot be read as that setting."
    SETTINGS_NOT_ALLOWED = "settings.not_allowed", "A setting's value is outside what it allows."
    # Workshop and Ideas (SPEC §3, §4)
    WORKSHOP_MOTHER_CUSTOMER = "workshop.mother_customer", "A raw idea's mother idea is another customer's."
    IDEAS_END_BEFORE_START = "ideas.end_before_start", "An idea ends before it starts."
    IDEAS_CATEGORY_DATES = "ideas.category_dates", "Start and End do not fit the idea's category."
    IDEAS_SIGN_OFF_INCOMPLETE = "ideas.sign_off_incomplete", "A signed-off idea lacks an owner or a date."
    IDEAS_COMMITTED_NOT_GO = "ideas.committed_not_go", "A signed-off idea's verdict is not a Go."
    IDEAS_SHARING_NOT_APPLIED = "ideas.sharing_not_applied", "A sharing method on an idea with no split."
    IDEAS_SHARE_UNUSED = "ideas.share_unused", "A supplier share the sharing method does not use."
    # Bundles (issue 15: ideas judged and shared as one)
    BUNDLE_ACROSS_CUSTOMERS = "bundles.across_customers", "A Bundle ID used by ideas of different customers."
    BUNDLE_ONE_MEMBER = "bundles.one_member", "A bundle with a single idea."
    BUNDLE_DROPPED_MEMBER = "bundles.dropped_member", "A Dropped idea in a bundle."
    BUNDLE_OUT_OF_BOUNDS_MEMBER = "bundles.out_of_bounds_member", "An out-of-bounds idea in a bundle."
    BUNDLE_METHODS_DIFFER = "bundles.methods_differ", "Members of a bundle name different sharing methods."
    BUNDLE_SHARES_DIFFER = "bundles.shares_differ", "Members of a bundle give different supplier shares."
    BUNDLE_STATUSES_DIFFER = "bundles.statuses_differ", "Members of a bundle have different statuses."
    BUNDLE_CHAIN_IDEA = "bundles.chain_idea", "A chain idea (with Chain values rows) in a bundle."
    # Actions (issue 14: implementation tracking)
    ACTIONS_DONE_BEFORE_START = "actions.done_before_start", "An action done before its idea starts."
    ACTIONS_DUE_AFTER_END = "actions.due_after_end", "An action due after its idea's End."
    # Waves (issue 14: waves 2…n, core.waves)
    WAVES_KICK_OFF_ORDER = "waves.kick_off_order", "A wave kicks off on or before the wave before it."
    WAVES_UNKNOWN_WAVE = "waves.unknown_wave", "An idea or raw idea names a wave its customer does not have."
    WAVES_WAVE_START_DIFFERS = "waves.wave_start_differs", "Wave 1's Kick-off differs from the Wave start."
    WAVES_MOTHER_OTHER_WAVE = "waves.mother_other_wave", "A raw idea's mother idea belongs to another wave."
    # Value chains (issue 16: core.chain, the Parties and Chain values tables)
    CHAIN_RESERVED_PARTY_ID = "chain.reserved_party_id", "A Parties row uses the ID Supplier or Customer."
    CHAIN_TOO_MANY_PARTIES = "chain.too_many_parties", "More than 12 parties (10 partners) in a relationship."
    CHAIN_TARGET_SHARES = "chain.target_shares", "The partners' Target shares add up to more than 1."
    CHAIN_FIRM_ROW = "chain.firm_row", "A chain row for the supplier or customer (use the Ideas row)."
    CHAIN_UNKNOWN_PARTY = "chain.unknown_party", "A chain row names a Party ID not on the Parties sheet."
    CHAIN_OTHER_CUSTOMER = "chain.other_customer", "A chain idea's party belongs to another customer."
    CHAIN_METHOD = "chain.method", "A chain idea's Sharing method is not retain, equal or shapley."
    # Relationship tables (SPEC §3.9)
    ISSUES_RESOLVED_BEFORE_RAISED = "issues.resolved_before_raised", "An issue resolved before raised."
    ISSUES_DUE_BEFORE_RAISED = "issues.due_before_raised", "An issue due before it was raised."
    ISSUES_NO_RESOLUTION = "issues.no_resolution", "A resolved issue without a Resolution."
    ISSUES_OPEN_BUT_RESOLVED = "issues.open_but_resolved", "An Open issue with a Resolved date."
    RISKS_HALF_RATED = "risks.half_rated", "A risk with a likelihood or an impact, not both."
    EXITS_NO_ACTION = "exits.no_action", "An exit trigger in force without an agreed Action."
    KPI_UNKNOWN_OBJECTIVE = "kpis.unknown_objective", "A KPI reading names no objective of its customer."
    # fmt: on


class Problem(NamedTuple):
    """One thing wrong with an input, located to the cell.

    ``row`` is the spreadsheet row number (1-based, as Excel shows it), ``column`` the header name;
    ``ref`` the cell address such as ``F7`` when the column's position is known. ``fix`` says what
    the user should do. ``code`` names the kind of problem (a ``Code``); every problem the master
    reader reports has one, other producers may leave it blank.
    """

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: object
    message: str
    severity: str = ERROR
    fix: str = ""
    ref: str | None = None
    code: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def where(self) -> str:
        """'Ideas!F7', 'Ideas row 7', 'Ideas' or the file name, the most precise that is known."""
        if self.sheet and self.ref:
            return f"{self.sheet}!{self.ref}"
        if self.sheet and self.row:
            return f"{self.sheet} row {self.row}"
        return self.sheet or self.file

    def __str__(self) -> str:
        text = f"{self.file}: {self.where}" if self.sheet else self.file
        if self.column:
            text += f" ({self.column})"
        text += f": {self.message}"
        if self.fix:
            text += f" {self.fix}"
        return text


class WorkbookError(Exception):
    """A workbook cannot be used as it is; ``problems`` lists every problem found in it."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        errors = [p for p in self.problems if p.is_error] or self.problems
        head = "; ".join(str(p) for p in errors[:3])
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        super().__init__(f"{len(errors)} problem(s): {head}{more}")

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]
