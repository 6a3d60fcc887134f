"""`cvm-xl synthesize MASTER`: group the workshop's raw ideas into suggested mother ideas, live.

Fills ``Mother idea ID`` only where the facilitator left it blank and appends a draft Ideas row
(status Proposed) for each new group; nothing else in the master changes. Running it again on its
own result finds nothing to change and writes nothing.

Raw ideas are grouped per customer and wave (issue 14, ``workshop.synthesis``); ``--as-of`` is the
day a blank Wave is read for (the customer's latest wave then; default today). A raw idea whose
Mother idea ID names an idea of another wave is listed as a warning (``waves.mother_other_wave``);
nothing stops the write.

Exit codes: 0 done (or nothing to change), 1 problems in the master (nothing written), 2 bad usage,
an unreadable master, or a master that could not be written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cvm_xl.actions.synthesize import SynthesisPlan, plan_synthesis
from cvm_xl.cli.actions import add_as_of
from cvm_xl.cli.common import EXIT_OK, chosen_customers, holding, load, problem_table, write_error
from cvm_xl.cli.report import report_console
from cvm_xl.core import columns as col
from cvm_xl.core.cells import parse_number
from cvm_xl.master.update import update_master
from cvm_xl.workshop.synthesis import DEFAULT_THRESHOLD, SynthesisReport


def threshold(text: str) -> float:
    """'0.3' or '30%' -> 0.3: a similarity is a number from 0 to 1, or a percentage written with %.

    A bare number above 1 is refused rather than guessed (issue 13: '1.5' was taken as 1.5%, when
    1.5 may as well be a typo of 0.15): the message says how to write what was meant."""
    try:
        value = parse_number(text)
    except ValueError:
        value = math.nan
    if not math.isnan(value) and 0 <= value <= 1:
        return value
    written = text.strip()
    hint = ""
    if not math.isnan(value) and 1 < value <= 100 and not written.endswith("%"):
        hint = f"; for {written} percent write {written}%"
    raise argparse.ArgumentTypeError(
        f"{text!r} is not a similarity: give a number from 0 to 1 (e.g. 0.3) or a percentage with % "
        f"(e.g. 30%){hint}"
    )


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "synthesize",
        help="group the workshop's raw ideas into suggested mother ideas",
        description="Groups each customer's raw workshop ideas by similarity of their words and meaning "
        "(in the Workshop language of Settings) and suggests "
        "mother ideas. Fills Mother idea ID only where it is blank (the facilitator's choices always "
        "win) and adds a draft Ideas row, status Proposed, for each new group. Prints the groups, their "
        "sizes and the singletons. A backup of the master is kept beside it. Running it again changes "
        "nothing.",
    )
    p.add_argument("master", help="the master workbook (.xlsx or .xlsm)")
    p.add_argument(
        "--customer", action="append", metavar="ID", help="only this customer (repeat for several)"
    )
    p.add_argument(
        "--threshold",
        type=threshold,
        default=DEFAULT_THRESHOLD,
        metavar="0..1",
        help=f"how similar ideas must be to share a group, 0..1 or a percentage (default "
        f"{DEFAULT_THRESHOLD:g}); lower gives fewer, broader groups",
    )
    p.add_argument(
        "--singletons",
        action="store_true",
        help="also draft a mother idea for each raw idea that resembles no other",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="print what would change, with each group's weakest raw idea and the similarity that holds "
        "it there, and the nearest other group; write nothing",
    )
    add_as_of(p, "a blank Wave is read for (the customer's latest wave by then)")
    p.set_defaults(run=run)


def _group_table(report: SynthesisReport, customer: str, checks: bool = False) -> Table | None:
    """The customer's groups; with ``checks`` (a dry run, issue 18) also each group's weakest raw idea
    with the similarity that holds it there, and the nearest other group with their similarity, so
    that a wrong merge shows at a glance."""
    groups = [g for g in report.groups if g.customer_id == customer]
    if not groups:
        return None
    # A customer whose raw ideas span several waves: each group's wave (grouped within it only).
    by_wave = len({g.wave for g in groups}) > 1
    table = Table(title_justify="left", header_style="bold", show_lines=False)
    if by_wave:
        table.add_column("Wave", justify="right")
    table.add_column("Mother idea", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Raw", justify="right")
    table.add_column("Filled now", justify="right")
    table.add_column("Cohesion", justify="right")
    table.add_column("Title (most representative raw idea)", ratio=3, overflow="fold")
    table.add_column("Raw IDs", ratio=2, overflow="fold")
    if checks:
        table.add_column("Weakest raw idea (similarity to the others)", ratio=3, overflow="fold")
        table.add_column("Nearest group (similarity)", ratio=3, overflow="fold")
        titles = {g.idea_id: g.title for g in groups} | {s.raw_id: s.idea for s in report.singletons}
    for g in groups:
        kind = Text("new", style="bold green") if g.new else Text("kept")
        cells: list[str | Text] = [
            g.idea_id, kind, str(g.size), str(len(g.filled)), f"{g.cohesion:.0%}", Text(g.title),
            Text(", ".join(g.raw_ids)),
        ]  # fmt: skip
        if by_wave:
            cells.insert(0, "" if g.wave is None else str(g.wave))
        if checks:
            weakest = "-" if g.size < 2 else f"{g.weakest} ({g.joined:.0%}) {g.weakest_idea}"
            nearest = f"{g.nearest} ({g.nearness:.0%}) {titles.get(g.nearest, '')}" if g.nearest else "-"
            cells += [Text(weakest), Text(nearest.rstrip())]
        table.add_row(*cells)
    return table


def print_report(report: SynthesisReport, console: Console, checks: bool = False) -> None:
    """Groups, sizes and singletons per customer (the terminal version of ``render_report``); with
    ``checks``, each group's weakest raw idea and nearest other group too."""
    console.rule(f"Synthesis of raw ideas (similarity threshold {report.threshold:.0%})")
    if not report.raw_ideas:
        console.print("No raw ideas to synthesise.")
    for customer, n in report.raw_ideas.items():
        groups = [g for g in report.groups if g.customer_id == customer]
        alone = [s for s in report.singletons if s.customer_id == customer]
        new = sum(g.new for g in groups)
        console.print(
            Text(
                f"{customer}: {n} raw ideas -> {len(groups)} mother ideas ({new} new), "
                f"{len(alone)} singletons; {sum(len(g.filled) for g in groups)} raw ideas assigned now",
                style="bold",
            )
        )
        table = _group_table(report, customer, checks)
        if table is not None:
            console.print(table)
        if alone:
            console.print(
                "[yellow]Singletons[/]: no close match. Assign them by hand, lower --threshold, or "
                "use --singletons to draft an idea for each."
            )
            singles = Table(header_style="bold")
            singles.add_column("Raw ID", no_wrap=True)
            singles.add_column("Idea", overflow="fold")
            for s in alone:
                singles.add_row(s.raw_id, Text(s.idea))
            console.print(singles)
    for customer, idea_id in report.unknown_mother_ids:
        console.print(
            f"[yellow]Note:[/] {customer} uses Mother idea ID {idea_id}, which is not in the Ideas table "
            "yet; add it there (cvm-xl validate lists it too)."
        )


def print_warnings(plan: SynthesisPlan, console: Console) -> None:
    """The raw ideas whose Mother idea ID names an idea of another wave (``waves.mother_other_wave``)."""
    if plan.warnings:
        console.print(problem_table("Warnings: mother ideas of another wave", plan.warnings, "yellow"))


def run(args: argparse.Namespace) -> int:
    # The master is held from reading to writing (not for a dry run): no other writer comes between.
    with holding(args.master, "synthesize", write=not args.dry_run):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    console = report_console()
    master = load(args.master, "synthesize", console)
    if isinstance(master, int):
        return master
    plan = plan_synthesis(
        master,
        args.threshold,
        customers=chosen_customers(master, args.customer),
        singletons_as_ideas=args.singletons,
        as_of=args.as_of or dt.date.today(),
    )
    print_report(plan.result.report, console, checks=args.dry_run)
    print_warnings(plan, console)
    if plan.empty:
        console.print(f"Nothing to change: {args.master} already holds this grouping. Nothing was written.")
        return EXIT_OK
    what = f"fill Mother idea ID of {len(plan.changes)} raw ideas and add {len(plan.drafts)} draft ideas"
    if plan.drafts:
        what += f" ({', '.join(str(d[col.IDEA_ID]) for d in plan.drafts)})"
    if args.dry_run:
        console.print(f"Dry run: would {what}. Nothing was written.")
        return EXIT_OK
    try:
        written = update_master(args.master, plan.changes, plan.additions)
    except (OSError, ValueError) as exc:
        raise write_error(args.master, exc) from None
    console.print(f"Wrote {args.master}: {what}.")
    if written.backup:
        console.print(f"The previous version is kept as {written.backup.name}.")
    console.print("Next: evaluate the draft ideas (values for both firms), then cvm-xl select.")
    return EXIT_OK
