"""`cvm-xl` command line. Each sub-command lives in ``cvm_xl.cli.<name>`` with
``add_parser(subparsers)`` and ``run(args) -> int``.

Exit codes: 0 ok, 1 problems found, 2 bad usage or unreadable input (SPEC §8).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from cvm_xl.core.problems import WorkbookError
from cvm_xl.spreadsheet.files import UnreadableFileError

# Order is the order of `cvm-xl --help`.
COMMANDS = (
    "init", "demo", "validate", "synthesize", "select", "generate", "signoff", "wave", "track", "import_",
    "verify", "reconcile", "passbook", "template",
)  # fmt: skip

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad usage or unreadable input: printed without a traceback, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cvm-xl",
        description="Customer Value Management workbench: evaluate ideas for both firms, "
        "share value, keep a passbook both firms can reconcile.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"cvm_xl.cli.{name}")
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (UsageError, UnreadableFileError) as exc:
        print(f"cvm-xl {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except WorkbookError as exc:
        print(f"cvm-xl {args.command}: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        print("cvm-xl: interrupted; nothing was written.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
