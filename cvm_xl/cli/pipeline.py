"""`cvm-xl pipeline MASTER [--as-of DATE] [--customer ID]`: which relationships are due a new wave.

Prints, per customer (issue 14, rules in ``cvm_xl.core.pipeline``): the waves run, the last (and next)
kick-off, the open Go ideas, the months since the last new Go idea, the trend of realised against
planned recurring value, and Refresh due; then the ideas by status and age, and why each refresh is
due. ``--as-of`` fixes the day the figures are counted for (default today), so that a report can be
reproduced. Writes nothing.

Exit codes: 0 also when a refresh is due: the pipeline is information for planning the next waves,
not a problem in the master (``validate`` and ``actions`` report problems and escalations); 1 when
the master has errors, 2 on bad usage or an unreadable master (SPEC §8).
"""

from __future__ import annotations

import argparse
import datetime as dt

from rich.console import Console
from rich.table import Table

from cvm_xl.actions.pipeline import PipelineReport, pipeline_report
from cvm_xl.cli.actions import add_as_of
from cvm_xl.cli.common import EXIT_OK, chosen_customers, load, plural, text_of
from cvm_xl.core import columns as col
from cvm_xl.core.pipeline import (
    LAST_KICK_OFF,
    MONTHS_SINCE_GO,
    NEXT_KICK_OFF,
    OPEN_GO_IDEAS,
    REFRESH_DUE,
    TREND,
    WAVES,
    CustomerPipeline,
)
from cvm_xl.core.settings import FIELD_LABELS


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "pipeline",
        help="show per customer the waves run, open Go ideas and whether a new wave is due",
        description="Reads the master and shows, per customer, the waves run, the last kick-off, the open "
        "Go ideas, the months since the last new Go idea, the trend of realised against planned value "
        "and Refresh due (last kick-off older than Settings Refresh after months, or fewer open Go ideas "
        "than Minimum open Go ideas), then the ideas by status and age. Exit code 0 (also when a "
        "refresh is due), 1 when the master has errors, 2 on bad usage. Writes nothing.",
    )
    p.add_argument("master", help="the master workbook (.xlsx or .xlsm)")
    add_as_of(p, "the pipeline is counted for")
    p.add_argument(
        "--customer", action="append", metavar="ID", help="only this customer (repeat the option for several)"
    )
    p.set_defaults(run=run)


def _percent(x: float | None) -> str:
    return "–" if x is None else f"{x:.0%}"


def _rates(p: CustomerPipeline) -> str:
    """Realised / planned recurring value: the earlier three months, then the last three."""
    t = p.trend
    if t.recent is None and t.earlier is None:
        return "–"
    return f"{_percent(t.earlier)} → {_percent(t.recent)}"


def _day(x: dt.date | None) -> str:
    return "–" if x is None else x.isoformat()


def pipeline_table(report: PipelineReport) -> Table:
    """One row per customer: the figures of the pipeline and Refresh due (the Next kick-off only when
    a customer has a wave planned)."""
    planned = any(p.next_kick_off is not None for p in report.pipelines)
    table = Table(title=f"Refresh pipeline as of {report.as_of.isoformat()}", title_justify="left")
    # widths that fit 100 columns: headings wrap, figures never do
    table.add_column(col.CUSTOMER_ID, min_width=8)
    table.add_column(WAVES, justify="right", min_width=5)
    table.add_column(LAST_KICK_OFF, justify="right", min_width=10)
    if planned:
        table.add_column(NEXT_KICK_OFF, justify="right", min_width=10)
    table.add_column(OPEN_GO_IDEAS, justify="right", min_width=5)
    table.add_column(MONTHS_SINCE_GO, justify="right", min_width=6)
    table.add_column("Realised / planned", justify="right", min_width=9)
    table.add_column(TREND, min_width=9)
    table.add_column(REFRESH_DUE, justify="center", min_width=7)
    for p in report.pipelines:
        table.add_row(
            p.customer_id,
            str(p.waves),
            _day(p.last_kick_off),
            *([_day(p.next_kick_off)] if planned else []),
            str(p.open_go),
            "–" if p.months_since_go is None else str(p.months_since_go),
            _rates(p),
            p.trend.reading or "–",
            "[bold red]Yes[/]" if p.refresh_due else "No",
        )
    return table


def status_table(report: PipelineReport) -> Table:
    """The ideas by status: how many, and the oldest one's months since its wave's kick-off."""
    statuses = list(dict.fromkeys(s.status for p in report.pipelines for s in p.by_status))
    table = Table(
        title="Ideas by status: number · age of the oldest, in months since its wave's kick-off",
        title_justify="left",
    )
    table.add_column(col.CUSTOMER_ID, min_width=8)
    for name in statuses:
        table.add_column(name, justify="right", min_width=max(6, len(name)))
    for p in report.pipelines:
        found = {s.status: s for s in p.by_status}
        cells = []
        for name in statuses:
            s = found.get(name)
            if s is None:
                cells.append("")
            else:
                age = "" if s.oldest_months is None else f" · {s.oldest_months}"
                cells.append(f"{s.ideas}{age}")
        table.add_row(p.customer_id, *cells)
    return table


def run(args: argparse.Namespace, console: Console | None = None) -> int:
    console = console or Console(highlight=False)
    master = load(args.master, "pipeline", console)
    if isinstance(master, int):
        return master
    wanted = chosen_customers(master, args.customer)
    report = pipeline_report(master, args.as_of or dt.date.today(), wanted)
    if not report.pipelines:
        console.print("The master has no customers.")
        return EXIT_OK
    console.print(pipeline_table(report))
    if any(p.by_status for p in report.pipelines):
        console.print(status_table(report))
    for p in report.due:
        console.print(f"[bold]{p.customer_id}[/] {text_of(p.customer)}: refresh due, {'; '.join(p.reasons)}.")
    settings = report.settings
    rules = (
        f"{FIELD_LABELS['refresh_after_months']} {settings.refresh_after_months}, "
        f"{FIELD_LABELS['minimum_open_go_ideas']} {settings.minimum_open_go_ideas}"
    )
    console.print(
        f"{len(report.due)} of {plural(len(report.pipelines), 'customer')} due a refresh as of "
        f"{report.as_of.isoformat()} (Settings: {rules})."
    )
    return EXIT_OK
