"""The self-test of the worksheet functions (issue 17): the seeds' worked examples and their expected
results, as data.

The template builder writes these cases onto the template's ``Self-test`` sheet (inputs, formula,
expected value); the ``CVM_SelfTest`` macro behind the Start sheet's button has Excel calculate each
formula through xlwings and marks it PASS or FAIL. ``tests/udfs/test_selftest.py`` runs the same
cases against the Python functions, so a case that fails in Excel but passes there points at the
installation (interpreter, xlwings version, UDF module), not at the rules.

Every case passes its own Settings range (``SETTINGS``): the results do not depend on the Settings
sheet of the workbook the self-test runs in. A case that returns several cells is checked cell by
cell (``INDEX`` on the sheet).
"""

from __future__ import annotations

import datetime as dt
import platform
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from cvm_xl.core.fingerprint import FINGERPRINT_FIELDS

# One setting given is enough to keep the workbook's Settings sheet out: the others take the SPEC
# defaults (horizon 3 years, no discounting, thresholds 0, target supplier share 50%).
SETTINGS: list[list[Any]] = [["Horizon years", 3]]
RELATIVE_TOLERANCE = 1e-9  # numbers: Excel and Python add in a different order

# The paper's worked example (SPEC §3.5, seed 000 §7.1): Vs = +100,000, Vc = -60,000.
VS, VC = 100_000, -60_000
_IDS = [["I1"], ["I2"], ["I3"]]
_STATUSES = [["Signed off"], ["Delivered"], ["Proposed"]]
_VS = [[100_000], [-20_000], [5_000]]
_VC = [[-60_000], [90_000], [1_000]]
_TS = [[80_000], [-35_000], [0]]
# The journey's worked examples (issue 14) judge on the core tests' as-of day, never on today.
_AS_OF = dt.datetime(2026, 12, 1)
_KICK_OFFS = [[dt.datetime(2026, 1, 12)], [dt.datetime(2026, 10, 5)], [dt.datetime(2027, 4, 5)]]
# Value chains (issue 16): the seed paper's Appendix-I idea 2 over H = 3 years, r = 0, one column per
# party (supplier, auto maker, service centre); then a portfolio of two ideas with different parties.
_CHAIN = [[660_000, 501_000, -550_000]]
_PORTFOLIO = [[100_000, -60_000, None], [None, 30_000, 10_000]]
_SIGNED = [
    list(FINGERPRINT_FIELDS),
    ["I1", "Wider coils", "Supplier", "Ann", dt.datetime(2025, 1, 1), dt.datetime(2025, 6, 30),
     VS, VC, 80_000, "equal"],
]  # fmt: skip


@dataclass(frozen=True)
class Case:
    """One call of a worksheet function: its arguments as cells (a value, or rows of cells for a
    range), the result Excel must show (a value, or rows of values) and the example it comes from."""

    function: str
    args: tuple[Any, ...]
    expected: Any
    example: str


CASES: tuple[Case, ...] = (
    Case("CVM_VALUE", (20_000, -10_000, None, None, SETTINGS), 50_000.0,
         "Annual 20,000 for 3 years and -10,000 once (SPEC §3.1)"),
    Case("CVM_VALUE", (10_000, 0, 3, 0.08, SETTINGS), 25_770.969872478803,
         "Annual 10,000 for 3 years at 8% (SPEC §3.1)"),
    Case("CVM_OUTCOME", (VS, None, SETTINGS), "W", "Paper: the supplier wins"),
    Case("CVM_OUTCOME", (VC, None, SETTINGS), "L", "Paper: the customer loses"),
    Case("CVM_CELL", (VS, VC, None, SETTINGS), "W-L", "Paper: cell W-L"),
    Case("CVM_NET", (VS, VC), 40_000.0, "Paper: net value 40,000"),
    Case("CVM_BAND", (VS, VC), 160_000.0, "Paper: the band of 160,000"),
    Case("CVM_ZONE", (VS, VC), [[60_000.0, 100_000.0]], "Paper: zone of agreement 60,000 to 100,000"),
    Case("CVM_VERDICT", (VS, VC, None, None, None, SETTINGS), "Go", "Paper: a W-L idea with net > 0"),
    Case("CVM_VERDICT", (VS, 50_000, None, None, "code", SETTINGS), "GO_PRIORITY", "A win-win idea"),
    Case("CVM_TRANSFER", (VS, VC, "equal", None, None, None, None, SETTINGS), 80_000.0,
         "Paper: equal split, T = 80,000"),
    Case("CVM_TRANSFER", (VS, VC, "retain", None, None, None, None, SETTINGS), 0.0,
         "Paper: each firm retains, T = 0"),
    Case("CVM_SPLIT", (VS, VC, "equal", None, None, None, None, None, SETTINGS),
         [["equal", 80_000.0, 20_000.0, 20_000.0]], "Paper: equal split, finals 20,000 each"),
    Case("CVM_BUNDLE", ([[300_000], [-120_000]], [[-200_000], [250_000]], [["B-1"], ["b-1"]], "all",
                        SETTINGS),
         [[180_000.0, 50_000.0, "W-W"], [180_000.0, 50_000.0, "W-W"]],
         "Issue 15: a shelved W-L idea bundled with an L-W idea is W-W"),
    Case("CVM_PREMIUM", (-30_000, 1_000, 200, None, "all", SETTINGS), [["premium", 10.0, 0.05]],
         "The customer pays 30,000: 10 per unit over 3 years of 1,000 units, 5% of a price of 200"),
    Case("CVM_PASSBOOK", (_IDS, _STATUSES, _VS, _VC, _TS, "balances", SETTINGS),
         [["Supplier balance", 35_000.0], ["Customer balance", 75_000.0], ["Total", 110_000.0],
          ["Target supplier share", 0.5], ["Equity gap", -20_000.0]],
         "Two signed ideas and one proposed (SPEC §3.6)"),
    Case("CVM_EQUITY_GAP", (_STATUSES, _VS, _VC, _TS, None, SETTINGS), -20_000.0,
         "The same passbook: the customer is ahead by 20,000"),
    Case("CVM_MAP", ([["W-L"], ["L-W"], ["W-W"], ["W-W"]], None, None),
         [[1, 0, 2], [0, 0, 0], [0, 0, 1]], "Four ideas on the 3x3 map (customer Win row at the top)"),
    Case("CVM_FINGERPRINT", (_SIGNED, SETTINGS), "0A1A-E555-B363-D552",
         "The paper's idea signed off with an equal split (SPEC §3.8)"),
    Case("CVM_ELIGIBLE", (1, 4, "III", 4, None, SETTINGS), "Yes",
         "An industry leader in phase III (seed 000 prerequisites)"),
    Case("CVM_MATURITY", ([["A", "B", "A"], ["B", "C", "B"]], None), "Ready: development needs",
         "Any C rating: ready with development needs (seed 004)"),
    Case("CVM_RISK_RATING", (4, 5, "all"), [[20, "Critical"]], "Likelihood 4 x impact 5 (seed 004)"),
    Case("CVM_ACTION_STATUS", (dt.datetime(2026, 11, 20), None, _AS_OF), "Overdue",
         "An action due 2026-11-20 and not done on 2026-12-01 (issue 14)"),
    Case("CVM_ACTION_STATUS", (dt.datetime(2026, 9, 30), "x", _AS_OF), "Done",
         "A customer ticked the action with an x"),
    Case("CVM_DAYS_OVERDUE", (dt.datetime(2026, 11, 20), None, _AS_OF), 11,
         "The overdue action: 11 days on 2026-12-01"),
    Case("CVM_ESCALATED", (dt.datetime(2026, 11, 27), "Implementing", _AS_OF), True,
         "An idea past its End (2026-11-27) and still Implementing"),
    Case("CVM_ESCALATED", (dt.datetime(2026, 11, 27), "Delivered", _AS_OF), False,
         "A delivered idea is never escalated"),
    Case("CVM_WAVE", (None, _KICK_OFFS, _AS_OF), 2,
         "A blank Wave: wave 2 kicked off on 2026-10-05, wave 3 not before 2027"),
    Case("CVM_QUICK_WIN", ("GO", 5, "Hygiene"), True, "A Go idea in Hygiene with Feasibility 5"),
    Case("CVM_QUICK_WIN", ("GO", 5, "Operational"), False, "Feasibility 5 but Operational: no quick win"),
    Case("CVM_OPEN_GO", ("GO", "Evaluated", dt.datetime(2026, 11, 16), _AS_OF), False,
         "A Go idea a competitor copied on 2026-11-16 no longer counts"),
    Case("CVM_OPEN_GO", ("GO_PRIORITY", "Evaluated", None, _AS_OF), True, "An evaluated Go: priority idea"),
    Case("CVM_REFRESH_DUE", (dt.datetime(2026, 10, 5), 1, _AS_OF, None, SETTINGS), True,
         "Wave 2 kicked off 2026-10-05 but only 1 open Go idea (fewer than 3)"),
    Case("CVM_REFRESH_DUE", (dt.datetime(2026, 3, 2), 0, _AS_OF, "reasons", SETTINGS),
         "last kick-off 2026-03-02, more than 6 months ago; 0 open Go ideas (fewer than 3)",
         "A last kick-off 9 months ago and no open Go idea"),
    Case("CVM_SHAPLEY", (_CHAIN,), [[611_000 / 3] * 3],
         "Appendix-I idea 2: supplier 660,000, auto maker 501,000, service centre -550,000 (issue 16)"),
    Case("CVM_SHAPLEY", (_PORTFOLIO, "transfers"), [[-80_000.0, 70_000.0, 10_000.0]],
         "Two ideas, a blank cell = not a party: shares 20,000 / 40,000 / 20,000 less own values"),
)  # fmt: skip

FAILURE_HELP: tuple[tuple[str, str], ...] = (
    ("#NAME? in every result",
     "Excel does not know the CVM functions: macros are disabled. Unblock the file (right-click, "
     "Properties, Unblock) or open it from a Trusted Location, then enable macros."),
    ("Could not activate Python COM server / Python not found",
     "xlwings cannot start Python: on the xlwings.conf sheet, set Interpreter_Win to the python.exe "
     "that has cvm-xl installed (see the README's install guide)."),
    ("ModuleNotFoundError: udfs",
     "That Python has no cvm-xl: pip install cvm-xl into it, or point Interpreter_Win at the one "
     "that has it. Run cvm-xl doctor in a terminal to check."),
    ("Versions differ",
     "The Python side's xlwings must equal this workbook's: pip install xlwings==<the workbook's "
     "version shown above>, then close Excel and run the self-test again."),
    ("A single FAIL",
     "The Python side computes something else than the template expects: update cvm-xl and the "
     "template together (cvm-xl template), or report the case with the versions shown."),
)  # fmt: skip


def matches(got: Any, expected: Any) -> bool:
    """Whether a result equals the expected one: text exactly, numbers to ``RELATIVE_TOLERANCE`` of
    the expected value (at least 1), TRUE and FALSE only by TRUE and FALSE (never by 1 and 0), rows
    of cells cell by cell: the rule ``CVM_SelfTest`` applies."""
    if isinstance(expected, list):
        return (
            isinstance(got, list)
            and len(got) == len(expected)
            and all(matches(g, e) for g, e in zip(got, expected, strict=False))
        )
    if isinstance(expected, bool):
        return isinstance(got, bool) and got == expected
    if isinstance(expected, str):
        return got == expected
    if isinstance(got, bool) or not isinstance(got, int | float):
        return False
    return abs(got - expected) <= RELATIVE_TOLERANCE * max(1.0, abs(expected))


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def versions() -> str:
    """What the Python side runs, for the Self-test sheet: Python, xlwings and cvm-xl versions."""
    return f"Python {platform.python_version()}, xlwings {_version('xlwings')}, cvm-xl {_version('cvm-xl')}"
