"""`cvm-xl chain MASTER [--customer ID]`: the value chains of a master (issue 16, ``core.chain``).

Prints per relationship its parties, each chain idea with every party's value, final and transfer,
the chain verdict and split method, the Shapley shares of the relationship's portfolio game, the
pair passbooks and each party's equity gap (``core.chain_passbook``). It changes nothing.

Exit codes: 0 done, 1 problems in the master, 2 bad usage (an unknown customer) or an unreadable master.
"""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table

from cvm_xl.cli.common import EXIT_OK, UsageError, load, text_of
from cvm_xl.core import columns as col
from cvm_xl.core.chain import ChainBook
from cvm_xl.core.chain_passbook import pair_passbooks, party_balances
from cvm_xl.core.spellings import plural
from cvm_xl.master.model import Master


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "chain",
        help="show each relationship's value chain: parties, chain ideas, Shapley shares, pair passbooks",
        description="Evaluates the chain ideas of the master (ideas with rows on the Chain values sheet, "
        "issue 16): each party's value over the horizon, final and transfer, the chain verdict and "
        "split method; the Shapley shares of each relationship's portfolio; one passbook per pair of "
        "firms and each party's equity gap. Nothing is written.",
    )
    p.add_argument("master", help="the master workbook (.xlsx or .xlsm)")
    p.add_argument("--customer", metavar="ID", help="only this customer's relationship")
    p.set_defaults(run=run)


def _customers(master: Master, book: ChainBook, wanted: str | None) -> list[str]:
    known = [str(c) for c in master.customers[col.CUSTOMER_ID].dropna().tolist()]
    if wanted is not None:
        if wanted not in known:
            listed = ", ".join(known)
            raise UsageError(f"Customer {wanted} is not on the Customers sheet: use one of {listed}.")
        return [wanted]
    # Without --customer: the relationships with partners or chain ideas.
    return [c for c in known if book.relationship(c).partners or book.for_customer(c)]


def _relationship_tables(master: Master, book: ChainBook, cid: str, currency: str) -> list[Table]:
    rel = book.relationship(cid)
    parties = Table(title=f"{cid}: parties", title_justify="left")
    for name in ("Party ID", "Party", "Role", "Disclose", "Target share", "Shapley share"):
        parties.add_column(name, justify="right" if name.endswith("share") else "left")
    shapley = book.shapley(cid)
    targets = {b.party_id: b for b in party_balances(book, cid, master.evaluated)}
    for p in rel.parties:
        parties.add_row(
            p.party_id, p.name, p.role or "", "Yes" if p.disclose or not p.is_partner else "No",
            f"{targets[p.party_id].target_share:.0%}", text_of(shapley[p.party_id]),
        )  # fmt: skip
    ideas = Table(title=f"{cid}: chain ideas ({currency})", title_justify="left", show_lines=True)
    for name in ("Idea", "Verdict", "Method", "Chain net", "Party", "Value", "Final", "Transfer"):
        ideas.add_column(name, justify="left" if name in ("Idea", "Verdict", "Method", "Party") else "right")
    for e in book.for_customer(cid):
        ideas.add_row(
            f"{e.idea_id}\n{e.status or ''}",
            e.verdict.label,
            e.method,
            text_of(e.net),
            "\n".join(s.party_id for s in e.shares),
            "\n".join(text_of(s.value) for s in e.shares),
            "\n".join(text_of(s.final) for s in e.shares),
            "\n".join(text_of(s.transfer) for s in e.shares),
        )
    pairs = Table(title=f"{cid}: pair passbooks ({currency})", title_justify="left")
    for name in ("Pair", "Ideas", "Flow A -> B", "Balance A", "Balance B"):
        pairs.add_column(name, justify="left" if name == "Pair" else "right")
    for pb in pair_passbooks(book, cid):
        pairs.add_row(
            f"{pb.party_a} / {pb.party_b}",
            str(len(pb.lines)),
            text_of(sum(line.flow for line in pb.lines)),
            text_of(pb.balance_a),
            text_of(pb.balance_b),
        )
    equity = Table(title=f"{cid}: balances and equity gaps ({currency})", title_justify="left")
    for name in ("Party", "Balance", "Target", "Equity gap"):
        equity.add_column(name, justify="left" if name == "Party" else "right")
    for b in targets.values():
        equity.add_row(b.party_id, text_of(b.balance), text_of(b.target), text_of(b.equity_gap))
    return [parties, ideas, pairs, equity]


def run(args: argparse.Namespace, console: Console | None = None) -> int:
    console = console or Console(highlight=False)
    master = load(args.master, "chain", console)
    if isinstance(master, int):
        return master
    book = master.chain
    customers = _customers(master, book, args.customer)
    if not customers:
        console.print("No value chains: the master has no Parties or Chain values rows (issue 16).")
        return EXIT_OK
    for cid in customers:
        for table in _relationship_tables(master, book, cid, master.settings.currency):
            console.print(table)
    shown = sum(len(book.for_customer(c)) for c in customers)
    console.print(f"{plural(shown, 'chain idea')} in {plural(len(customers), 'relationship')}.")
    return EXIT_OK
