"""Problems found in a workbook, collected as data (never raised one by one)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

ERROR = "error"
WARNING = "warning"


def column_letter(index: int) -> str:
    """1 -> 'A', 27 -> 'AA'."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class Problem(NamedTuple):
    """One thing wrong with an input, located to the cell.

    ``row`` is the spreadsheet row number (1-based, as Excel shows it), ``column`` the header name;
    ``ref`` the cell address such as ``F7`` when the column's position is known. ``fix`` says what
    the user should do.
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
