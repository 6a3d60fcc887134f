"""Generating customer workbooks with a progress bar and a summary table (rich), for commands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cvm_xl.core.problems import WorkbookError
from cvm_xl.generate import refusal
from cvm_xl.generate.batch import BookResult, generate_customer_books
from cvm_xl.master.model import Master

PROGRESS_FROM = 5  # show a progress bar from this many workbooks
TABLE_UP_TO = 40  # list every workbook up to this many; above, only the ones with a problem
WARNINGS_SHOWN = 20


def generate_with_progress(
    master: Master,
    out: Path,
    *,
    customer_ids: Sequence[str] | None = None,
    force: bool = False,
    workers: int | None = None,
    console: Console | None = None,
    as_of: dt.date | None = None,
) -> list[BookResult]:
    """Generate with a rich progress bar (for many customers) and print the summary table;
    ``as_of`` is the day the books report on (default: today)."""
    console = console or Console(highlight=False)
    total = len(customer_ids) if customer_ids is not None else len(master.customers)
    if total >= PROGRESS_FROM:
        columns = (TextColumn("Customer workbooks"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        # No refresh thread: worker processes are forked from here, and forking copies threads badly.
        with Progress(*columns, console=console, transient=True, auto_refresh=False) as bar:
            task = bar.add_task("generate", total=total)
            results = generate_customer_books(
                master,
                out,
                customer_ids=customer_ids,
                force=force,
                workers=workers,
                progress=lambda done, _total: bar.update(task, completed=done, refresh=True),
                as_of=as_of,
            )
    else:
        results = generate_customer_books(
            master, out, customer_ids=customer_ids, force=force, workers=workers, as_of=as_of
        )
    print_summary(results, out, console)
    return results


def print_summary(results: Sequence[BookResult], out: Path, console: Console) -> None:
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
    for w in warnings[:WARNINGS_SHOWN]:
        console.print(f"[yellow]Warning[/] {w}")
    if len(warnings) > WARNINGS_SHOWN:
        console.print(f"[yellow]... and {len(warnings) - WARNINGS_SHOWN} more warnings.[/]")
    written = sum(r.ok for r in results)
    console.print(f"{written} of {len(results)} customer workbooks written to {out}.")


def generate_customer_workbooks(
    master: Master,
    out_dir: Path,
    *,
    force: bool = False,
    console: Console | None = None,
    customer_ids: Sequence[str] | None = None,
) -> list[Path]:
    """Write the customer workbooks with a progress bar and summary on ``console`` (rich).

    Returns the paths written; raises ``WorkbookError`` listing the workbooks that were not
    overwritten because they changed since generation (the others are written).
    """
    results = generate_with_progress(
        master, Path(out_dir), customer_ids=customer_ids, force=force, console=console
    )
    refused = [refusal(r.path, r.message) for r in results if not r.ok]
    if refused:
        raise WorkbookError(refused)
    return [r.path for r in results]
