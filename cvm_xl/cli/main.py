"""The `cvm-xl` program: one sub-command per module of ``cvm_xl.cli``, in the order of `--help`.

Exit codes: 0 ok, 1 problems found, 2 bad usage or unreadable input (SPEC §8).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cvm_xl.cli import (
    actions,
    balance,
    chain,
    demo,
    doctor,
    generate,
    import_,
    init,
    passbook,
    pipeline,
    reconcile,
    refresh,
    select,
    signoff,
    synthesize,
    template,
    track,
    validate,
    verify,
    wave,
)
from cvm_xl.cli.common import EXIT_PROBLEMS, EXIT_USAGE, UsageError, os_error_message
from cvm_xl.core.problems import WorkbookError
from cvm_xl.spreadsheet.files import UnreadableFileError

# Order is the order of `cvm-xl --help`; each module has add_parser(subparsers) and run(args) -> int.
COMMANDS = (
    init, demo, validate, refresh, synthesize, select, balance, generate, signoff, wave, track, actions,
    pipeline, import_, verify, reconcile, passbook, template, doctor, chain,
)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cvm-xl",
        description="Customer Value Management workbench: evaluate ideas for both firms, "
        "share value, keep a passbook both firms can reconcile.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_parser(subparsers)
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
    except OSError as exc:  # what no command turned into a message itself: still no traceback
        print(f"cvm-xl {args.command}: {os_error_message(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("cvm-xl: interrupted; nothing was written.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
