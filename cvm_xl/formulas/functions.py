"""The worksheet functions a formula of cvm-xl may use (SPEC §7: classic functions only).

Every one of them exists in Excel since 2007, in LibreOffice, Gnumeric and Google Sheets, so a
workbook computes without Python or an add-in; LET, LAMBDA, XLOOKUP, FILTER and UNIQUE never
appear. Tests parse every formula cvm-xl writes and hold it to this set.
"""

from __future__ import annotations

import re

ALLOWED_FUNCTIONS = frozenset(
    {
        "IF",
        "AND",
        "OR",
        "ABS",
        "MIN",
        "MAX",
        "SUMIFS",
        "SUMPRODUCT",
        "COUNTIFS",
        "INDEX",
        "MATCH",
        "ROUND",
        "IFERROR",
        "SUM",
        "TRIM",
        "CLEAN",
        # Reading a number typed as text as the core reads it (``cells.number``).
        "ISNUMBER",
        "VALUE",
        "SUBSTITUTE",
        # Finding a setting's row in a master's Settings table (``settings``).
        "ROW",
        # The relationship tables' dates (SPEC §3.9: days open, reviews due).
        "TODAY",
        "EDATE",
        # A customer workbook's live Monthly report: the month of an idea's Start (the plan runs
        # from it, SPEC §3.6); the Passbook's advice shows its amounts with thousands separators.
        "YEAR",
        "MONTH",
        "FIXED",
        # ... and its chart leaves out the months not reported yet (#N/A; a blank text draws as 0).
        "NA",
    }
)

_CALL = re.compile(r"([A-Z][A-Z0-9.]*)\(")
_TEXT = re.compile(r'"(?:[^"]|"")*"')


def functions_used(formula: str) -> set[str]:
    """The function names a formula calls (text constants left out)."""
    return set(_CALL.findall(_TEXT.sub('""', formula)))
