"""`cvm-xl select MASTER [--customer ID] [--wave N] [--as-of DATE] [--apply]`: the ideas that go to
sign-off (SPEC §3.7).

Go ideas are ranked by verdict (Go: priority, Go, Go (good faith)), then quick wins first among
equals (Feasibility, then category where a Feasibility is given: ``cvm_xl.core.ranking``, issue 14),
then net value, capped at ``Max sign-off ideas`` per customer and wave (``cvm_xl.core.selection``,
issue 14: each wave has its own list); the output says the order in one line and marks the quick
wins. A customer with more than one wave gets one list per wave, headed "C-AUT wave 2 (kicked off
2026-10-05)"; ``--wave N`` shows (and applies) only wave N; ``--as-of`` is the day a blank Wave is
read as the customer's latest wave (default today). A bundle is ranked as one and
counts as one, its members listed under its rank. Go ideas without owner firm, owner,
start or end are refused and listed as problems that name the cell to fill. With ``--apply`` the
selected ideas whose status is still Proposed or Evaluated (or blank) become Selected; an idea that
is already Selected, Signed off, Implementing or Delivered keeps its status, and nothing is ever
un-selected.

Exit codes: 0 done (refused ideas are warnings), 1 problems in the master (nothing written),
2 bad usage, an unreadable master, or a master that could not be written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from rich.console import JustifyMethod
from rich.table import Table
from rich.text import Text

from cvm_xl.cli.actions import add_as_of
from cvm_xl.cli.common import EXIT_OK, chosen_customers, holding, load, problem_table, write_error
from cvm_xl.cli.report import money, report_console
from cvm_xl.core import columns as col
from cvm_xl.core.bundles import in_bundle
from cvm_xl.core.problems import Problem, column_letter
from cvm_xl.core.ranking import ORDER_TEXT, QUICK_WIN_TEXT
from cvm_xl.core.selection import Selection, select_for_sign_off
from cvm_xl.core.values import is_blank
from cvm_xl.core.wave_report import kick_off_of, wave_title
from cvm_xl.core.waves import customer_waves, row_waves
from cvm_xl.master.schema import TABLES
from cvm_xl.master.update import CellChange, update_master
from cvm_xl.spreadsheet.sheet_rows import read_workbook_rows
from cvm_xl.spreadsheet.tables import SCAN_ROWS, find_header_row, find_sheet

IDEAS_SHEET = "Ideas"
SELECTED = "Selected"
MAY_SELECT = frozenset({"proposed", "evaluated", ""})  # statuses --apply may raise to Selected


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "select",
        help="rank the Go ideas for sign-off; with --apply mark them Selected",
        description=f"Ranks each customer's Go ideas and marks the quick wins. {ORDER_TEXT} "
        f"{QUICK_WIN_TEXT} Keeps at most 'Max sign-off ideas' per customer and wave and lists the Go ideas "
        "that cannot be signed off yet because they lack an owner firm, owner, start or end, naming "
        "the cell to fill. "
        "With --apply, the selected ideas still Proposed or Evaluated become Selected; no other "
        "status is changed. A backup of the master is kept beside it.",
    )
    p.add_argument("master", help="the master workbook (.xlsx or .xlsm)")
    p.add_argument(
        "--customer", action="append", metavar="ID", help="only this customer (repeat for several)"
    )
    p.add_argument(
        "--wave", type=int, metavar="N", help="only wave N of each customer (issue 14: a list per wave)"
    )
    add_as_of(p, "a blank Wave is read as the customer's latest wave on")
    p.add_argument("--apply", action="store_true", help="mark the selected ideas Selected in the master")
    p.set_defaults(run=run)


def column_letters(path: str | Path, sheet: str) -> dict[str, str]:
    """Header name -> column letter of a master table, found as the loader finds it."""

    table = TABLES[sheet]
    read = read_workbook_rows(Path(path), lambda names: [find_sheet(names, sheet)])
    if not read.rows:
        return {}
    [rows] = read.rows.values()
    header = find_header_row(rows[:SCAN_ROWS], table.names, table.required)
    if header is None:
        return {}
    return {column: column_letter(i + 1) for column, i in header.positions.items()}


def with_cells(problems: list[Problem], letters: dict[str, str]) -> list[Problem]:
    """The problems with their cell (Ideas!Q7) where the column is known."""
    return [
        p._replace(ref=f"{letters[p.column]}{p.row}") if p.column in letters and p.row else p
        for p in problems
    ]


def _ideas(n: int) -> str:
    return "1 idea" if n == 1 else f"{n} ideas"


def _status_key(value: object) -> str:
    return "" if is_blank(value) else str(value).strip().casefold()


def _date(value: object) -> str:
    return "" if is_blank(value) else str(value)


def _bundled(ideas: pd.DataFrame) -> bool:
    return col.BUNDLE in ideas.columns and any(in_bundle(b) for b in ideas[col.BUNDLE])


def _feasibility(value: object) -> str:
    return "" if is_blank(value) else f"{float(value):g}"  # type: ignore[arg-type]


def selection_table(
    ideas: pd.DataFrame,
    currency: str,
    apply: bool,
    ranks: Sequence[int] | None = None,
    quick_wins: Sequence[bool] | None = None,
) -> Table:
    """The ideas for sign-off, with their rank (``ranks``; 1, 2 ... when not given). A bundle's
    members share its rank, and a Bundle column shows which bundle each idea is signed in. The
    Feasibility column shows each idea's, and a quick win (``quick_wins``) says so in it."""
    table = Table(header_style="bold", title_justify="left")
    bundled = _bundled(ideas)
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("#", "right"), (col.IDEA_ID, "left"), *(((col.BUNDLE, "left"),) if bundled else ()),
        (col.TITLE, "left"), (col.VERDICT, "left"), (col.FEASIBILITY, "left"),
        (f"Net value ({currency})", "right"), (col.OWNER_FIRM, "left"), (col.OWNER, "left"),
        (col.START, "left"), (col.END, "left"), (col.STATUS, "left"),
    )  # fmt: skip
    for name, justify in columns:
        table.add_column(name, justify=justify, overflow="fold", max_width=36 if name == col.TITLE else None)
    shown = list(ranks) if ranks is not None else list(range(1, len(ideas) + 1))
    quick = list(quick_wins) if quick_wins is not None else [False] * len(ideas)
    for rank, win, (_, idea) in zip(shown, quick, ideas.iterrows(), strict=True):
        bundle = (
            [Text("" if is_blank(idea.get(col.BUNDLE)) else str(idea[col.BUNDLE]).strip())] if bundled else []
        )
        status = "" if is_blank(idea.get(col.STATUS)) else str(idea[col.STATUS])
        if _status_key(status) in MAY_SELECT:
            arrow = "-> Selected" if apply else "(would become Selected)"
            status = f"{status or 'blank'} {arrow}"
        net = idea[col.NET_VALUE]
        table.add_row(
            str(rank), str(idea[col.IDEA_ID]), *bundle, Text(str(idea.get(col.TITLE) or "")),
            str(idea[col.VERDICT]),
            " ".join(filter(None, (_feasibility(idea.get(col.FEASIBILITY)), "quick win" if win else ""))),
            "" if isinstance(net, float) and math.isnan(net) else money(net),
            str(idea.get(col.OWNER_FIRM) or ""), Text(str(idea.get(col.OWNER) or "")),
            _date(idea.get(col.START)), _date(idea.get(col.END)), status,
        )  # fmt: skip
    return table


def _lists(
    evaluated: pd.DataFrame,
    selection: Selection,
    customers: Sequence[object],
    listed_in: pd.Series,
    wave_of: pd.Series,
    only: int | None,
) -> list[tuple[object, int, pd.DataFrame, pd.DataFrame]]:
    """Each customer's sign-off lists, one per wave (its ideas' waves, 0 for none), by wave number:
    (customer, wave, the ideas on the list, the complete Go ideas over its limit). ``only``: just
    that wave."""
    chosen, over = selection.ideas, selection.over_limit
    over_in = pd.Series(selection.over_waves, index=over.index, dtype="int64")
    out: list[tuple[object, int, pd.DataFrame, pd.DataFrame]] = []
    for cid in customers:
        numbers = sorted(set(wave_of[(evaluated[col.CUSTOMER_ID] == cid).to_numpy()].tolist())) or [0]
        for wave in numbers:
            if only is not None and wave != only:
                continue
            mine = chosen[(chosen[col.CUSTOMER_ID] == cid) & (listed_in == wave)]
            beyond = over[(over[col.CUSTOMER_ID] == cid) & (over_in == wave)]
            out.append((cid, wave, mine, beyond))
    return out


def run(args: argparse.Namespace) -> int:
    # With --apply the master is held from reading to writing: no other writer comes between.
    with holding(args.master, "select", write=args.apply):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    console = report_console()
    master = load(args.master, "select", console)
    if isinstance(master, int):
        return master
    wanted = chosen_customers(master, args.customer)
    evaluated = master.decided  # issue 16: a chain idea is selected by its chain verdict and split
    if wanted is not None:
        evaluated = evaluated[evaluated[col.CUSTOMER_ID].isin(wanted)]
    settings = master.settings
    known = customer_waves(master.customers, master.waves)
    as_of = args.as_of or dt.date.today()
    waves = row_waves(evaluated, known, as_of)
    selection = select_for_sign_off(
        evaluated, settings, file=str(args.master), sheet=IDEAS_SHEET, waves=waves
    )
    wave_of = pd.Series([w or 0 for w in waves], index=evaluated.index, dtype="int64")
    refused = with_cells(selection.refused, column_letters(args.master, IDEAS_SHEET))
    chosen = selection.ideas
    changes: list[CellChange] = []
    names = dict(zip(master.customers[col.CUSTOMER_ID], master.customers["Customer"], strict=False))
    customers = wanted if wanted is not None else list(master.customers[col.CUSTOMER_ID])
    console.rule(
        f"Selection for sign-off (at most {settings.max_sign_off_ideas} ideas per customer and wave)"
    )
    console.print(ORDER_TEXT, QUICK_WIN_TEXT)  # the order in one line (SPEC §3.7, issue 14)
    ranks = pd.Series(selection.ranks, index=chosen.index, dtype="int64")
    wins = pd.Series(selection.quick_wins, index=chosen.index, dtype=bool)
    # The wave whose list each row is on (a bundle's latest member's: core.selection).
    listed_in = pd.Series(selection.waves, index=chosen.index, dtype="int64")
    for cid, wave, mine, over in _lists(evaluated, selection, customers, listed_in, wave_of, args.wave):
        own = known.of(cid)
        places = ranks[mine.index].nunique()
        # A bundle is one of the Max sign-off ideas however many ideas it holds (SPEC §3.7, issue 15).
        counted = f" in {places} places (a bundle counts as one)" if places != len(mine) else ""
        # Each wave apart only when the customer has more than one (issue 14).
        which = f" {wave_title(wave, kick_off_of(own, wave))}" if len(own) > 1 and wave else ""
        console.print(
            Text(
                f"{cid} {names.get(cid) or ''}{which}: {_ideas(len(mine))} for sign-off{counted}",
                style="bold",
            )
        )
        if len(mine):
            console.print(
                selection_table(
                    mine, settings.currency, args.apply, ranks[mine.index].tolist(), wins[mine.index].tolist()
                )
            )
        if len(over):
            console.print(
                f"[yellow]Over the limit of {settings.max_sign_off_ideas}:[/] "
                + ", ".join(str(i) for i in over[col.IDEA_ID])
                + " (complete Go ideas that rank lower; raise Max sign-off ideas to include them)."
            )
        changes += [
            CellChange(IDEAS_SHEET, int(row), col.STATUS, SELECTED)
            for row, status in zip(mine.index, mine[col.STATUS], strict=True)  # index = Excel row
            if _status_key(status) in MAY_SELECT
        ]
        stale = evaluated[
            (evaluated[col.CUSTOMER_ID] == cid)
            & (wave_of == wave)
            & (evaluated[col.STATUS].map(_status_key) == SELECTED.casefold())
            & ~evaluated.index.isin(chosen.index)
        ]
        if len(stale):
            console.print(
                "[yellow]Selected but no longer in the selection:[/] "
                f"{', '.join(map(str, stale[col.IDEA_ID]))} "
                "(their status is left as it is; change it by hand if they should not go to sign-off)."
            )
    if refused:
        console.print(
            problem_table(f"Go ideas that cannot be signed off yet ({len(refused)})", refused, "yellow")
        )
    if not args.apply:
        if changes:
            console.print(f"Run again with --apply to mark {_ideas(len(changes))} Selected in {args.master}.")
        return EXIT_OK
    if not changes:
        console.print(
            "Nothing to change: every selected idea is Selected or further along. Nothing was written."
        )
        return EXIT_OK
    try:
        written = update_master(args.master, changes)
    except (OSError, ValueError) as exc:
        raise write_error(args.master, exc) from None
    console.print(f"Wrote {args.master}: {_ideas(len(changes))} marked Selected.")
    if written.backup:
        console.print(f"The previous version is kept as {written.backup.name}.")
    return EXIT_OK
