"""`cvm-xl doctor [FOLDER] [--workbook PATH]`: check the Python side of the Excel add-in from a terminal
(issue 17) and say what to fix.

It checks what the worksheet functions need on this machine (``cvm_xl.excel.install_check``): the
Python it runs in, xlwings at the version the workbook's VBA module carries, the UDF module, the keys
of the workbook's xlwings.conf sheet and of any xlwings.conf file, and Excel's lock files beside the
masters in FOLDER. Exit 0 when all is well, 1 when something needs fixing, 2 when the workbook cannot
be read or FOLDER is not a folder (SPEC §8).
"""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

from cvm_xl.cli.common import EXIT_OK, EXIT_PROBLEMS, UsageError
from cvm_xl.cli.template import default_path
from cvm_xl.core.spellings import plural
from cvm_xl.excel.install_check import all_findings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "doctor",
        help="check that Python, xlwings and the worksheet functions are set up for Excel",
        description="Checks the Python side of the Excel add-in: this Python, xlwings at the version "
        "inside the workbook, the UDF module, the xlwings.conf keys (the workbook's sheet and any "
        "xlwings.conf file) and Excel lock files (~$...) beside the masters in FOLDER. Prints what "
        "to fix. Then run the self-test in Excel (Start sheet, Run the self-test).",
    )
    p.add_argument("folder", nargs="?", default=".", help="the folder of the masters (default: here)")
    p.add_argument(
        "--workbook",
        help="the macro workbook to check against (default: the repository's workbook_template.xlsm)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder.")
    workbook = Path(args.workbook) if args.workbook else default_path()
    if not workbook.is_file():
        raise UsageError(f"{workbook}: no such workbook; give the template or a master with --workbook.")
    try:
        findings = all_findings(workbook, folder)
    except (OSError, zipfile.BadZipFile, ValueError, KeyError) as exc:
        raise UsageError(f"{workbook}: cannot be read as a macro workbook ({exc}).") from None
    for finding in findings:
        print(f"{'ok' if finding.ok else 'FIX':<4} {finding.check}: {finding.seen}")
        if not finding.ok:
            print(f"     -> {finding.fix}")
    problems = [f for f in findings if not f.ok]
    if problems:
        print(f"{plural(len(problems), 'thing')} to fix, then run the self-test in Excel.")
        return EXIT_PROBLEMS
    print("All set on the Python side: run the self-test in Excel (Start sheet, Run the self-test).")
    return EXIT_OK
