"""`cvm-xl template [--out PATH] [--check] [--vba-dir DIR]`: rebuild workbook_template.xlsm from source."""

from __future__ import annotations

import argparse
from pathlib import Path

from cvm_xl.cli.common import UsageError
from cvm_xl.excel.template import FILE_NAME, build_template
from cvm_xl.excel.template.builder import part_digests, vba_modules
from cvm_xl.spreadsheet.atomic import atomic_write

EXIT_OK, EXIT_DIFFERS = 0, 1


def default_path() -> Path:
    """workbook_template.xlsm at the repository root when run from a checkout, else in the current folder."""

    root = Path(__file__).resolve().parents[2]
    return root / FILE_NAME if (root / "pyproject.toml").is_file() else Path.cwd() / FILE_NAME


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "template",
        help="rebuild workbook_template.xlsm (tables, dropdowns, buttons, VBA) from the sources",
        description="Builds the Excel template from the repository's sources: the tables of the master "
        "workbook, the CVM worksheet functions and the VBA modules. The same sources always give the "
        "same bytes, so a rebuilt template is identical to the committed one unless a source changed.",
    )
    p.add_argument("--out", help="where to write (default: workbook_template.xlsm at the repository root)")
    p.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the file differs from a fresh build"
    )
    p.add_argument("--vba-dir", help="also write the VBA modules as .bas/.cls text files into this folder")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.out) if args.out else default_path()
    if path.suffix.lower() != ".xlsm":
        raise UsageError(f"{path}: the template holds macros, so its name must end in .xlsm.")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name ending in .xlsm.")
    try:
        data = build_template()
    except RuntimeError as exc:  # the worksheet functions or xlwings cannot be imported
        raise UsageError(str(exc)) from None
    if args.check:
        same = path.is_file() and part_digests(path.read_bytes()) == part_digests(data)
        print(
            f"{path} is up to date." if same else f"{path} differs from a fresh build: run cvm-xl template."
        )
        return EXIT_OK if same else EXIT_DIFFERS
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
        if args.vba_dir:
            folder = Path(args.vba_dir)
            folder.mkdir(parents=True, exist_ok=True)
            for module in vba_modules():
                suffix = ".bas" if module.kind == "standard" else ".cls"
                (folder / f"{module.name}{suffix}").write_bytes(module.encoded())
    except OSError as exc:
        raise UsageError(f"{path}: cannot write ({exc.strerror or exc}).") from None
    print(f"Wrote {path} ({len(data):,} bytes).")
    return EXIT_OK
