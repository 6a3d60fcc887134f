"""`cvm-xl init PATH`: write a new, empty master workbook with the default settings.

An existing file is overwritten only with ``--force``, and then it is held for writing (not open in
Excel, not read-only, no other command writing it) and kept as a backup beside the new master first.

Exit codes: 0 written, 2 bad usage or a file that cannot be written (nothing written).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from cvm_xl.cli.common import EXIT_OK, UsageError, holding, os_error_message
from cvm_xl.core.settings import Settings, SettingsError
from cvm_xl.master.save import keep_backup
from cvm_xl.master.write import write_master
from cvm_xl.spreadsheet.atomic import remove_files


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "init",
        help="write a new, empty master workbook to fill in",
        description="Writes an empty master workbook (.xlsx) with the Settings, Customers, Workshop, "
        "Ideas and Tracking tables, dropdowns for every list column and the default settings. "
        "An existing file is never overwritten unless --force is given; then it is kept as a backup "
        "beside the new master.",
    )
    p.add_argument("path", help="the new workbook, e.g. cvm_master.xlsx")
    p.add_argument("--supplier", help="name of the supplier firm (default: Supplier)")
    p.add_argument("--currency", help="currency of all amounts (default: EUR)")
    p.add_argument(
        "--force", action="store_true", help="overwrite the file if it exists (it is kept as a backup)"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"{path}: a new master is an .xlsx workbook; give a name ending in .xlsx.")
    if path.exists() and not args.force:
        raise UsageError(f"{path} already exists; nothing was written. Use --force to overwrite it.")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name ending in .xlsx.")
    changes = {k: v for k, v in (("supplier", args.supplier), ("currency", args.currency)) if v is not None}
    try:
        settings = Settings().replace(**changes)
    except SettingsError as exc:
        raise UsageError(f"{exc}.") from None
    kept = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with holding(path, "init", create=True):
            # --force on a filled master: the old one stays beside the new one, as every command keeps it.
            kept = keep_backup(path, dt.datetime.now()) if path.is_file() else None
            try:
                write_master(path, settings, {})
            except BaseException:
                remove_files([kept] if kept else [])  # the old file is still there: no backup needed
                raise
    except OSError as exc:
        raise UsageError(os_error_message(exc, path)) from None
    print(f"Wrote {path}. Fill in the Customers and Ideas sheets, then run: cvm-xl validate {path}")
    if kept is not None:
        print(f"The previous file is kept as {kept.name}.")
    return EXIT_OK
