"""`cvm-xl refresh MASTER`: make an .xlsx master live again (SPEC §4, §8; issue 12).

Rewrites every computed column of the Ideas table and of the relationship tables as native
formulas with their results saved (``cvm_xl.actions.refresh``): columns a user deleted come back,
stale values and formulas of an older version are replaced. The master is held while it is
changed, a backup is kept beside it and the new file replaces it in one step. Every command that
writes a master already leaves it live; refresh is for a master edited elsewhere.

Exit codes: 0 refreshed, 1 errors in the master (nothing written), 2 bad usage, an unreadable,
locked or open master, a .xlsm master, or a master that could not be written.
"""

from __future__ import annotations

import argparse

from cvm_xl.actions.refresh import NotLiveError, refresh_master
from cvm_xl.cli.common import EXIT_OK, UsageError, holding, load, write_error
from cvm_xl.cli.report import report_console
from cvm_xl.core.spellings import plural


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "refresh",
        help="rewrite the master's computed columns as live formulas with fresh results",
        description="Rewrites every computed column of an .xlsx master (Ideas: Supplier value ... "
        "Customer final; Risks, Exit triggers, Issue log) as native worksheet formulas with their "
        "results saved, so Excel, LibreOffice and pandas all show cvm-xl's numbers; deleted computed "
        "columns come back and stale values are replaced. A backup of the master is kept beside it.",
    )
    p.add_argument("master", help="the master workbook (.xlsx)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    with holding(args.master, "refresh"):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    console = report_console()
    master = load(args.master, "refresh", console)
    if isinstance(master, int):
        return master
    try:
        result = refresh_master(args.master)
    except NotLiveError as exc:
        raise UsageError(str(exc)) from None
    except (OSError, ValueError) as exc:
        raise write_error(args.master, exc) from None
    console.print(f"Refreshed {args.master}: {plural(result.cells, 'computed cell')} are formulas with "
                  "their results saved.")  # fmt: skip
    for table in result.tables:
        line = f"  {table.sheet}: {plural(len(table.columns), 'column')} on {plural(table.rows, 'row')}"
        if table.without_result:
            line += (f" ({plural(table.without_result, 'row')} without a result: cvm-xl cannot read its "
                     "inputs; run cvm-xl validate)")  # fmt: skip
        console.print(line)
    if result.backup:
        console.print(f"The previous version is kept as {result.backup.name}.")
    return EXIT_OK
