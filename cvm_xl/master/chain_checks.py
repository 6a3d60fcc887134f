"""Checks of the value-chain tables (issue 16, ``core.chain``): Parties and Chain values.

Every rule is an error (the chain evaluation cannot run on such data), reported at its cell with
what to do, all of them collected:

- a Parties row may not use the reserved Party IDs Supplier and Customer;
- a relationship has at most ``MAX_PARTIES`` parties: the supplier, the customer and
  ``MAX_PARTNERS`` partners;
- a relationship's partners' Target shares add up to at most 1 (the supplier and the customer share
  what they leave);
- a Chain values row is for a partner: the supplier's and customer's values are on the Ideas row;
- its Party ID is on the Parties sheet, and that party belongs to the idea's customer;
- a chain idea's Sharing method is retain, equal or shapley (blank or auto = equal).

Repeated Party IDs and repeated (Idea ID, Party ID) pairs are the schema's own rules (``id_column``
and ``keys``), and an unknown Idea ID or Customer ID its references.
"""

from __future__ import annotations

import math

import numpy as np

from cvm_xl.core import chain as ch
from cvm_xl.core import columns as col
from cvm_xl.core.cells import quoted
from cvm_xl.core.problems import Code, Problem
from cvm_xl.core.suggest import did_you_mean
from cvm_xl.master.read_tables import ReadTables, TableData

_FIRMS = " or ".join(ch.RESERVED_PARTY_IDS)


def _records(data: TableData, *columns: str) -> list[tuple[int, tuple[object, ...]]]:
    """(position, values) of each record whose cells in ``columns`` are filled and had no problem."""
    if data.frame.empty or not all(data.has(c) for c in columns):
        return []
    ok = np.ones(len(data.frame), dtype=bool)
    for c in columns:
        ok &= data.usable(c) & data.frame[c].notna().to_numpy()
    values = zip(*(data.frame[c].tolist() for c in columns), strict=True)
    return [(i, v) for i, v in enumerate(values) if ok[i]]


def check_parties(read: ReadTables) -> list[Problem]:
    """Reserved Party IDs, too many partners and Target shares above 1, per relationship."""
    parties = read.get(ch.PARTIES_SHEET)
    if parties is None:
        return []
    problems: list[Problem] = []
    partners: dict[str, int] = {}
    for position, (pid, cid) in _records(parties, ch.PARTY_ID, col.CUSTOMER_ID):
        row = parties.row_number(position)
        if ch.is_reserved_party_id(pid):
            problems.append(
                parties.problem(
                    row,
                    ch.PARTY_ID,
                    pid,
                    f"Party ID {quoted(pid)} is reserved: {_FIRMS} are the two firms of every relationship "
                    "and need no row here.",
                    "Delete the row (the supplier's and customer's values go on the Ideas sheet), or give "
                    "the partner another Party ID.",
                    code=Code.CHAIN_RESERVED_PARTY_ID,
                )
            )
            continue
        count = partners[str(cid)] = partners.get(str(cid), 0) + 1
        if count > ch.MAX_PARTNERS:
            problems.append(
                parties.problem(
                    row,
                    col.CUSTOMER_ID,
                    cid,
                    f"Customer {quoted(cid)} has more than {ch.MAX_PARTNERS} partners (this is partner "
                    f"{count}): a relationship has at most {ch.MAX_PARTIES} parties, the supplier, the "
                    f"customer and {ch.MAX_PARTNERS} partners.",
                    f"Keep at most {ch.MAX_PARTNERS} partners for customer {quoted(cid)}: delete this row or "
                    "merge partners that always act together.",
                    code=Code.CHAIN_TOO_MANY_PARTIES,
                )
            )
    problems += _target_shares(parties)
    return problems


def _target_shares(parties: TableData) -> list[Problem]:
    """A relationship's partners' Target shares add up to at most 1; the error is at the row where the
    sum first passes 1."""
    out: list[Problem] = []
    sums: dict[str, list[float]] = {}
    for position, (pid, cid, share) in _records(parties, ch.PARTY_ID, col.CUSTOMER_ID, ch.TARGET_SHARE):
        amount = float(share) if isinstance(share, int | float) else math.nan  # the column is typed
        if ch.is_reserved_party_id(pid) or math.isnan(amount):
            continue
        shares = sums.setdefault(str(cid), [])
        before = math.fsum(shares)
        shares.append(amount)
        total = math.fsum(shares)
        if before <= 1 < total:
            out.append(
                parties.problem(
                    parties.row_number(position),
                    ch.TARGET_SHARE,
                    share,
                    f"The Target shares of customer {quoted(cid)}'s partners add up to {total:.0%} with this "
                    "row, more than 100%.",
                    "Lower the partners' Target shares so that they add up to 100% at most: the supplier and "
                    "the customer share what they leave (Settings Target supplier share).",
                    code=Code.CHAIN_TARGET_SHARES,
                )
            )
    return out


def _idea_customers(read: ReadTables) -> dict[object, object]:
    """Customer ID of each Idea ID (its first row: a repeated ID is an error of its own)."""
    ideas = read.get("Ideas")
    if ideas is None:
        return {}
    out: dict[object, object] = {}
    for _, (idea, cid) in _records(ideas, col.IDEA_ID, col.CUSTOMER_ID):
        out.setdefault(idea, cid)
    return out


def check_chain_values(read: ReadTables) -> list[Problem]:
    """Each Chain values row names a partner of its idea's customer."""
    values = read.get(ch.CHAIN_VALUES_SHEET)
    if values is None:
        return []
    parties = read.get(ch.PARTIES_SHEET)
    owner: dict[object, object] = {}
    if parties is not None:
        for _, (pid, cid) in _records(parties, ch.PARTY_ID, col.CUSTOMER_ID):
            owner.setdefault(pid, cid)
    idea_customer = _idea_customers(read)
    problems: list[Problem] = []
    for position, (idea, pid) in _records(values, col.IDEA_ID, ch.PARTY_ID):
        row = values.row_number(position)
        if ch.is_reserved_party_id(pid):
            problems.append(
                values.problem(
                    row,
                    ch.PARTY_ID,
                    pid,
                    f"The {str(pid).strip().lower()}'s values of idea {quoted(idea)} belong on the Ideas "
                    "sheet, not on Chain values.",
                    f"Enter them in the idea's {str(pid).strip().title()} annual and one-time cells on the "
                    "Ideas sheet and delete this row.",
                    code=Code.CHAIN_FIRM_ROW,
                )
            )
            continue
        if pid not in owner:
            hint = did_you_mean(pid, [str(p) for p in owner])
            problems.append(
                values.problem(
                    row,
                    ch.PARTY_ID,
                    pid,
                    f"Party ID {quoted(pid)} is not on the Parties sheet.",
                    f"{hint}Use a Party ID of the Parties sheet, or add the partner there first.",
                    code=Code.CHAIN_UNKNOWN_PARTY,
                )
            )
            continue
        theirs, ours = owner[pid], idea_customer.get(idea)
        if ours is not None and theirs != ours:
            problems.append(
                values.problem(
                    row,
                    ch.PARTY_ID,
                    pid,
                    f"Party {quoted(pid)} is a partner of customer {quoted(theirs)}, but idea {quoted(idea)} "
                    f"belongs to customer {quoted(ours)}.",
                    f"Name a partner of customer {quoted(ours)} (add it on the Parties sheet if needed), or "
                    "correct the Idea ID.",
                    code=Code.CHAIN_OTHER_CUSTOMER,
                )
            )
    problems += _chain_methods(read, values)
    return problems


def _chain_methods(read: ReadTables, values: TableData) -> list[Problem]:
    """A chain idea's Sharing method must be one of the chain methods."""
    ideas = read.get("Ideas")
    if ideas is None or not ideas.has(col.SHARING_METHOD):
        return []
    chain_ideas = {idea for _, (idea, _pid) in _records(values, col.IDEA_ID, ch.PARTY_ID)}
    problems: list[Problem] = []
    for position, (idea, method) in _records(ideas, col.IDEA_ID, col.SHARING_METHOD):
        if idea not in chain_ideas:
            continue
        try:
            ch.chain_method(method)
        except ValueError:
            problems.append(
                ideas.problem(
                    ideas.row_number(position),
                    col.SHARING_METHOD,
                    method,
                    f"Idea {quoted(idea)} is a chain idea (it has Chain values rows), which {method} cannot "
                    "split.",
                    f"Use {', '.join(ch.CHAIN_METHODS[:-1])} or {ch.CHAIN_METHODS[-1]} (blank or auto = "
                    f"{ch.CHAIN_AUTO}).",
                    code=Code.CHAIN_METHOD,
                )
            )
    return problems


CHAIN_CHECKS = (check_parties, check_chain_values)
