"""Terminal report of an evaluated portfolio: map, verdicts, splits, passbook balances."""

from __future__ import annotations

import math

import pandas as pd
from rich.console import Console, JustifyMethod
from rich.table import Table

from cvm_xl.core import columns as col
from cvm_xl.core.passbook import Balances, balances, equity_advice
from cvm_xl.core.portfolio_map import CUSTOMER_ROWS, OUTCOME_NAMES, SUPPLIER_COLUMNS, portfolio_map
from cvm_xl.core.true_up import booked_lines, wave_months
from cvm_xl.master.model import Master

CELL_STYLE = {
    "W-W": "bold green",
    "W-I": "green",
    "I-W": "green",
    "W-L": "yellow",
    "L-W": "yellow",
}


def money(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    value = float(x)
    text = f"{value:,.0f}"
    return f"[red]{text}[/red]" if value < 0 else text


def map_table(evaluated: pd.DataFrame, supplier: str, customer: str, currency: str) -> Table:
    cells = portfolio_map(evaluated)
    table = Table(title=f"Idea Portfolio Map: ideas and net value ({currency})", show_lines=True)
    table.add_column(f"{customer} \u2193 / {supplier} \u2192", style="bold")
    for s in SUPPLIER_COLUMNS:
        table.add_column(OUTCOME_NAMES[s], justify="center")
    for c in CUSTOMER_ROWS:
        row = [OUTCOME_NAMES[c]]
        for s in SUPPLIER_COLUMNS:
            mc = cells[f"{s}-{c}"]
            no_go = s != "W" and c != "W"
            label = f"{mc.cell}{' (no go)' if no_go else ''}\n{mc.ideas} idea{'s' if mc.ideas != 1 else ''}"
            if mc.ideas:
                label += f"\n{money(mc.net_value)}"
            style = "dim" if no_go else CELL_STYLE.get(mc.cell, "")
            row.append(f"[{style}]{label}[/{style}]" if style else label)
        table.add_row(*row)
    return table


def ideas_table(evaluated: pd.DataFrame, currency: str) -> Table:
    table = Table(title=f"Verdicts and split proposals ({currency})", header_style="bold")
    columns: list[tuple[str, JustifyMethod]] = [
        (col.IDEA_ID, "left"),
        (col.TITLE, "left"),
        ("Vs", "right"),
        ("Vc", "right"),
        (col.CELL, "center"),
        ("Net", "right"),
        (col.VERDICT, "left"),
        ("Split", "left"),
        ("T", "right"),
        ("Fs", "right"),
        ("Fc", "right"),
        (col.STATUS, "left"),
    ]
    for name, justify in columns:
        wraps = name in (col.TITLE, col.VERDICT)
        table.add_column(
            name,
            justify=justify,
            no_wrap=not wraps,
            overflow="fold" if wraps else "ellipsis",
            max_width=30 if name == col.TITLE else None,
        )
    for _, r in evaluated.iterrows():
        cell = r[col.CELL] or ""
        style = CELL_STYLE.get(cell, "dim" if cell else "")
        title = str(r.get(col.TITLE) or "")
        table.add_row(
            str(r[col.IDEA_ID]),
            title if len(title) <= 60 else title[:59] + "\u2026",
            money(r[col.SUPPLIER_VALUE]),
            money(r[col.CUSTOMER_VALUE]),
            f"[{style}]{cell}[/{style}]" if style else cell,
            money(r[col.NET_VALUE]),
            str(r[col.VERDICT]),
            "" if r[col.SPLIT_METHOD] == "none" else str(r[col.SPLIT_METHOD]),
            money(r[col.TRANSFER]) if r[col.SPLIT_METHOD] != "none" else "",
            money(r[col.SUPPLIER_FINAL]),
            money(r[col.CUSTOMER_FINAL]),
            str(r.get(col.STATUS) or ""),
        )
    return table


def customer_balances(master: Master) -> dict[str, Balances]:
    """Each customer's passbook balances, as its generated Passbook shows them (SPEC §3.6).

    Issue 16: a chain idea is booked with its chain transfer (the decided frame). Issue 15: a
    trued-up idea adds its Settlement line; the true-ups are read from the evaluated frame and the
    customers' contract years, as ``generate.model`` reads them, through the same core functions.
    """
    waves = wave_months(master.customers)
    lines, _ = booked_lines(master.evaluated, master.tracking, waves, master.settings, decided=master.decided)
    share = master.settings.target_supplier_share
    return {
        cid: balances(lines[lines[col.CUSTOMER_ID] == cid], share)
        for cid in master.customers[col.CUSTOMER_ID]
    }


def balances_table(master: Master) -> Table:
    s = master.settings
    table = Table(
        title=f"Passbook balances ({s.currency}; target supplier share {s.target_supplier_share:.0%})",
        header_style="bold",
    )
    for name in ("Customer", f"{s.supplier} balance", "Customer balance", "Total", "Supplier share"):
        table.add_column(name, justify="left" if name == "Customer" else "right")
    table.add_column("Equity gap", justify="right")
    table.add_column("What it means")
    names = dict(zip(master.customers[col.CUSTOMER_ID], master.customers["Customer"], strict=False))
    found = customer_balances(master)
    for cid in master.customers[col.CUSTOMER_ID]:  # every row, as the Customers sheet lists them
        b = found[cid]
        share = b.supplier_share
        table.add_row(
            f"{cid} {names.get(cid, '')}",
            money(b.supplier),
            money(b.customer),
            money(b.total),
            f"{share:.0%}" if share is not None else "",
            money(b.equity_gap),
            equity_advice(b, s.supplier, names.get(cid, "the customer")),
        )
    return table


def report_console() -> Console:
    """A console wide enough for the idea table; a pipe or a log file gets 150 columns, not 80."""
    console = Console()
    return console if console.is_terminal else Console(width=150)


def print_report(master: Master, console: Console | None = None) -> None:
    """The whole portfolio of a master: a map and an idea table per customer, then the balances."""
    out = console or report_console()
    s = master.settings
    out.rule(f"[bold]{s.supplier}[/bold]: Customer Value Management portfolio")
    out.print(
        f"Horizon {s.horizon_years:g} years, discount rate {s.discount_rate:.1%}, "
        f"indifference threshold {s.indifference_threshold:,.0f}, "
        f"significance {s.significance_threshold:,.0f}, "
        f"max one-sided loss {'none' if s.max_one_sided_loss is None else f'{s.max_one_sided_loss:,.0f}'}"
    )
    # The decided frame: a chain idea shows its chain verdict and split (issue 16); its cell and net
    # value (the map) are the two firms' as on the Ideas sheet.
    evaluated = master.decided
    for _, customer in master.customers.iterrows():
        cid = customer[col.CUSTOMER_ID]
        ideas = evaluated[evaluated[col.CUSTOMER_ID] == cid]
        out.rule(f"{cid}: {customer['Customer']}")
        if ideas.empty:
            out.print("No ideas yet.")
            continue
        out.print(map_table(ideas, s.supplier, str(customer["Customer"]), s.currency))
        out.print(ideas_table(ideas, s.currency))
    out.print(balances_table(master))
