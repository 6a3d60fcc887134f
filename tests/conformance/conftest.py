"""The conformance suite reports its counts at the end of every run (no -s needed): per (target,
engine) the workbooks, rows, cells and mismatches, and the seed that drew the rows."""

from __future__ import annotations

import pytest
from conformance_targets import REPORT


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORT:
        terminalreporter.section("conformance (issue 12): cvm-xl against LibreOffice and Gnumeric")
        for line in REPORT:
            terminalreporter.write_line(line)
