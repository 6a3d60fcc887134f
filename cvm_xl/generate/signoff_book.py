"""The consolidated sign-off: one internal workbook over all customers (SPEC §7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cvm_xl import __version__
from cvm_xl.books import layout as L
from cvm_xl.books.package import (
    KIND_PROPERTY,
    KIND_SIGNOFF,
    changed_since_generation,
    core_xml,
)
from cvm_xl.core import columns as col
from cvm_xl.core.passbook import passbook_lines
from cvm_xl.core.true_up import settlements
from cvm_xl.generate.base import build_base
from cvm_xl.generate.model import RunData
from cvm_xl.generate.sheets import (
    chain_ideas,
    escalations,
    next_reviews,
    pipeline_sheet,
    portfolio,
    settings_sheet,
    waves_sheet,
)
from cvm_xl.generate.sheets import consolidated as C
from cvm_xl.generate.sheets.common import RenderContext, Sheet, header_codes
from cvm_xl.master.model import Master
from cvm_xl.spreadsheet.atomic import atomic_write


@dataclass
class SignoffData(portfolio.PortfolioData):
    """The portfolio data plus the escalations as of the run's as-of date (issue 14)."""

    escalations: pd.DataFrame
    as_of: dt.date
    next_reviews: pd.DataFrame  # one row per customer (generate.sheets.next_reviews)
    pipeline: pd.DataFrame  # one row per customer (core.pipeline.pipeline_table, issue 14)
    waves: pd.DataFrame  # one row per customer and wave (core.wave_report, issue 14)
    chain_ideas: pd.DataFrame  # issue 16: chain ideas by party (generate.sheets.chain_ideas)
    chain_standings: pd.DataFrame  # issue 16: each party's balance and equity gap


def consolidated_data(run: RunData) -> C.ConsolidatedData:
    """Detail rows (one per idea, out-of-bounds ideas left out) and one record per customer."""
    ideas = run.ideas_table()
    n = len(ideas[col.IDEA_ID])
    names = {cid: run.customer_name(cid) for cid in run.customer_ids}
    frame = pd.DataFrame({name: values for name, values in ideas.items()})
    frame[col.CUSTOMER_ID] = [None if v is None else str(v).strip() for v in frame[col.CUSTOMER_ID]]
    frame.insert(1, "Customer", frame[col.CUSTOMER_ID].map(names))
    frame[C.GO] = C.is_go(frame[col.VERDICT_CODE])
    frame[C.SIGN_OFF_RANK] = frame["Sign-off rank"].where(frame["Sign-off rank"] > 0)
    evaluated = frame[[c.name for c in L.IDEA_COLUMNS]].copy()
    trued = run.true_ups()  # the Settlement lines are in the Passbook columns (issue 15)
    # Issue 16: the ideas as decided, so a chain idea's transfer is its split's net flow from the
    # supplier to the customer and it is counted by its chain verdict (``RunData.ideas_table``).
    lines = passbook_lines(evaluated, settlements(trued))
    per_idea = lines.groupby(col.IDEA_ID, sort=False)[["Supplier", "Customer"]].sum()
    in_passbook = frame[col.IDEA_ID].isin(per_idea.index)
    frame[C.IN_PASSBOOK] = np.where(in_passbook, "Yes", "No")
    frame[C.PASSBOOK_SUPPLIER] = frame[col.IDEA_ID].map(per_idea["Supplier"]).where(in_passbook, 0.0)
    frame[C.PASSBOOK_CUSTOMER] = frame[col.IDEA_ID].map(per_idea["Customer"]).where(in_passbook, 0.0)
    ids = frame[col.IDEA_ID].map(lambda v: None if v is None else str(v).strip())
    for name, figure in zip(
        C.TRUE_UP_FIGURES, ("planned_transfer", "realised_transfer", "settlement"), strict=True
    ):
        frame[name] = ids.map({idea: getattr(t, figure) for idea, t in trued.items()}).astype(float)
    for name in (col.QUANTIFIED, col.GOOD_FAITH, col.ONE_OFF):
        frame[name] = frame[name].map(lambda v: "Yes" if v is True else "No" if v is False else v)
    detail = frame[[c.name for c in C.DETAIL_COLUMNS]].reset_index(drop=True)
    assert len(detail) == n
    customers = pd.DataFrame(
        {
            col.CUSTOMER_ID: run.customer_ids,
            "Customer": [names[cid] for cid in run.customer_ids],
            "Account manager": [run.customer_field(cid, "Account manager") for cid in run.customer_ids],
            "Fingerprint": [run.fingerprint(cid) for cid in run.customer_ids],
        }
    )
    return C.ConsolidatedData(detail, customers, run.settings.target_supplier_share)


def signoff_workbook_bytes(
    master: Master, generated: dt.datetime | None = None, as_of: dt.date | None = None
) -> bytes:
    """The consolidated sign-off workbook of a master, as .xlsx bytes; ``as_of`` is the day its
    reports (escalations, reviews due) are made for (default: the day of ``generated``)."""
    run = RunData(master, generated, as_of)
    settings = master.settings
    builders: list[Sheet[SignoffData]] = [*C.builders(), settings_sheet.BUILDER]
    builders.insert(1, portfolio.BUILDER)  # after Summary
    builders.insert(2, escalations.BUILDER)  # after Portfolio
    builders.insert(3, next_reviews.BUILDER)  # after Escalations
    builders.insert(4, pipeline_sheet.BUILDER)  # after Next reviews
    builders.insert(5, waves_sheet.BUILDER)  # after Pipeline
    chains, standings = chain_ideas.chain_tables(run)
    if not chains.empty or not standings.empty:  # issue 16: only a master with value chains
        builders.insert(6, chain_ideas.BUILDER)  # after Waves
    context = RenderContext(
        settings=settings, styles={}, sign_off=L.SignOffLayout(settings.max_sign_off_ideas)
    )
    covers = "Consolidated sign-off: all customers (internal)"
    base = build_base(
        builders, context, lambda _: header_codes(covers, settings.supplier, run.generated.date())
    )
    portfolio_data = portfolio.portfolio_data(consolidated_data(run), master, run.as_of)
    reviews = next_reviews.next_reviews_table(master.customers, master.relationship, run.as_of, master.waves)
    data = SignoffData(
        **vars(portfolio_data),
        escalations=run.escalations(),
        as_of=run.as_of,
        next_reviews=reviews,
        pipeline=pipeline_sheet.pipeline_frame(master, run.as_of),
        waves=waves_sheet.waves_frame(run),
        chain_ideas=chains,
        chain_standings=standings,
    )
    core = core_xml(
        title="Consolidated sign-off",
        subject=f"{settings.supplier}: all CVM customers",
        creator="cvm-xl",
        when=run.generated,
    )
    properties = {
        KIND_PROPERTY: KIND_SIGNOFF,
        "cvm-xl generated": run.generated.isoformat(),
        "cvm-xl version": __version__,
    }
    return base.workbook(data, core, properties)


def write_signoff_book(
    master: Master, path: Path, *, force: bool = False, as_of: dt.date | None = None
) -> str | None:
    """Write the consolidated sign-off atomically; returns why it was refused, or None when written."""
    path = Path(path)
    reason = changed_since_generation(path)
    if reason and not force:
        return reason
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, signoff_workbook_bytes(master, as_of=as_of))
    return None
