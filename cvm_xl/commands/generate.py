"""`cvm-xl generate MASTER --out DIR [--customer ID] [--force]`: one workbook per customer.

Exit codes: 0 every workbook written, 1 problems in the master (nothing written) or a workbook
left alone because it changed since generation, 2 bad usage or an unreadable master.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..master import Master
from ..problems import WorkbookError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
PROGRESS_FROM = 5  # show a progress bar from this many workbooks
TABLE_UP_TO = 40  # list every workbook up to this many; above, only the ones with a problem


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "generate",
        help="write one workbook per customer (formulas only, no add-in needed)",
        description="Writes one .xlsx per customer with only that customer's data: cover, ideas with "
        "native Excel formulas, portfolio map with chart, passbook, sign-off sheet with fingerprint "
        "and signature blocks, tracking and workshop. A workbook that was edited or signed since it "
        "was generated is not overwritten unless --force is given.",
    )
    p.add_argument("master", help="the master workbook (.xlsx or .xlsm)")
    p.add_argument("--out", required=True, help="folder for the customer workbooks (created if needed)")
    p.add_argument(
        "--customer",
        action="append",
        metavar="ID",
        help="only this customer (repeat the option for several)",
    )
    p.add_argument("--force", action="store_true", help="overwrite workbooks changed since generation")
    p.add_argument("--workers", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(run=run)


def load(path: str, command: str, console: Console) -> Master | int:
    """The master, or an exit code after printing its problems (nothing is written then)."""
    from ..files import UnreadableFileError
    from ..loader import load_master
    from .validate import report

    try:
        return load_master(path)
    except UnreadableFileError as exc:
        for p in exc.problems:
            print(f"cvm-xl {command}: {p.file}: {p.message} {p.fix}".rstrip(), file=sys.stderr)
        return EXIT_USAGE
    except WorkbookError as exc:
        report(exc.problems, path, console)
        console.print(f"Nothing was written: fix the master first (cvm-xl validate {path}).")
        return EXIT_PROBLEMS


def generate_with_progress(
    master: Master,
    out: Path,
    *,
    customer_ids: Sequence[str] | None = None,
    force: bool = False,
    workers: int | None = None,
    console: Console | None = None,
):  # type: ignore[no-untyped-def]
    """Generate with a rich progress bar (for many customers) and print the summary table."""
    from ..generate.batch import generate_customer_books

    console = console or Console(highlight=False)
    total = len(customer_ids) if customer_ids is not None else len(master.customers)
    if total >= PROGRESS_FROM:
        columns = (TextColumn("Customer workbooks"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("generate", total=total)
            results = generate_customer_books(
                master,
                out,
                customer_ids=customer_ids,
                force=force,
                workers=workers,
                progress=lambda done, _total: bar.update(task, completed=done),
            )
    else:
        results = generate_customer_books(
            master, out, customer_ids=customer_ids, force=force, workers=workers
        )
    print_summary(results, out, console)
    return results


def print_summary(results, out: Path, console: Console) -> None:  # type: ignore[no-untyped-def]
    problems = [r for r in results if not r.ok]
    shown = results if len(results) <= TABLE_UP_TO else problems
    if shown:
        table = Table(title=f"Customer workbooks in {out}", title_justify="left")
        table.add_column("File", overflow="fold", ratio=1)
        table.add_column("Ideas", justify="right")
        table.add_column("Sign-off", justify="right")
        table.add_column("Fingerprint", no_wrap=True)
        table.add_column("Result", no_wrap=True)
        for r in shown:
            style = "green" if r.ok else "bold red"
            table.add_row(
                r.path.name, str(r.ideas), str(r.sign_off), r.fingerprint, f"[{style}]{r.status}[/]"
            )
        console.print(table)
    for r in problems:
        console.print(f"[bold red]{r.customer_id}:[/] {r.message}")
    warnings = [w for r in results for w in r.warnings]
    for w in warnings[:20]:
        console.print(f"[yellow]Warning[/] {w}")
    if len(warnings) > 20:
        console.print(f"[yellow]... and {len(warnings) - 20} more warnings.[/]")
    written = sum(r.ok for r in results)
    console.print(f"{written} of {len(results)} customer workbooks written to {out}.")


def run(args: argparse.Namespace) -> int:
    from ..cli import UsageError

    console = Console(highlight=False)
    master = load(args.master, "generate", console)
    if isinstance(master, int):
        return master
    known = [str(v) for v in master.customers["Customer ID"].tolist()]
    wanted = None
    if args.customer:
        unknown = [c for c in args.customer if c not in known]
        if unknown:
            raise UsageError(
                f"unknown customer ID {', '.join(unknown)}; the master has {', '.join(known[:20])}"
                + (" ..." if len(known) > 20 else "")
            )
        wanted = list(dict.fromkeys(args.customer))
    results = generate_with_progress(
        master, Path(args.out), customer_ids=wanted, force=args.force, workers=args.workers, console=console
    )
    return EXIT_OK if all(r.ok for r in results) else EXIT_PROBLEMS
