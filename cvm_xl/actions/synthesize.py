"""Synthesis as a change to the master: which blank Mother idea IDs get filled and which draft
Ideas rows are added. ``cvm-xl synthesize`` and the Synthesise macro both apply this plan.

The facilitator's choices always win: only blank Mother idea IDs are filled, so running the
synthesis again on its own result plans no change.

Raw ideas are grouped per customer and wave (issue 14, ``workshop.synthesis``): the master's waves
(``core.waves``), a blank Wave read as the customer's latest wave as of the as-of day (default:
today, taken here so that the rules stay pure). A raw idea whose Mother idea ID names an idea of
another wave of its customer is a warning (``Code.WAVES_MOTHER_OTHER_WAVE``) located at its cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

import pandas as pd

from cvm_xl.core.problems import Problem
from cvm_xl.core.values import is_blank
from cvm_xl.core.waves import customer_waves
from cvm_xl.master.model import Master
from cvm_xl.master.schema import IDEAS, WORKSHOP
from cvm_xl.master.update import CellChange
from cvm_xl.workshop.synthesis import DEFAULT_THRESHOLD, MOTHER_ID, OtherWave, SynthesisResult, synthesize


@dataclass(frozen=True)
class SynthesisPlan:
    """What the synthesis would write: ``changes`` fill Workshop cells, ``drafts`` are new Ideas rows
    holding only their filled cells."""

    result: SynthesisResult
    changes: list[CellChange]
    drafts: list[dict[str, object]]
    warnings: list[Problem] = field(default_factory=list)  # what the facilitator should check

    @property
    def additions(self) -> dict[str, list[dict[str, object]]] | None:
        """Rows to append, by sheet, as ``update_master`` and ``apply_changes`` take them."""
        return {IDEAS.name: self.drafts} if self.drafts else None

    @property
    def empty(self) -> bool:
        return not self.changes and not self.drafts


def fills(master: Master, result: SynthesisResult) -> list[tuple[int, str]]:
    """(Excel row, Mother idea ID) of every Workshop row whose blank ID the synthesis fills."""
    before = master.workshop[MOTHER_ID] if MOTHER_ID in master.workshop.columns else None
    out = []
    ids = result.mother_ids
    for row, value in zip(ids.index, ids, strict=True):  # the index holds the Excel rows
        old = None if before is None else before.get(row)
        if is_blank(old) and not is_blank(value):
            out.append((int(row), str(value)))
    return out


def draft_records(new_ideas: pd.DataFrame) -> list[dict[str, object]]:
    """The draft Ideas rows as records holding only their filled cells."""
    return [
        {str(name): value for name, value in row.items() if not is_blank(value)}
        for row in new_ideas.to_dict("records")
    ]


def other_wave_warning(master: Master, found: OtherWave) -> Problem:
    """The warning at a raw idea's Mother idea ID cell that names an idea of another wave."""
    row = master.workshop.index[found.position]  # the index holds the Excel rows
    rule = found.finding.rule  # the wording is the rule's (core.waves.MOTHER_OTHER_WAVE)
    return Problem(
        master.path.name if master.path else "master",
        WORKSHOP.name,
        int(row),
        MOTHER_ID,
        found.mother_id,
        found.finding.message,
        rule.severity,
        found.finding.fix,
        code=rule.code,
    )


def plan_synthesis(
    master: Master,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    customers: Collection[str] | None = None,
    singletons_as_ideas: bool = False,
    as_of: dt.date | None = None,
) -> SynthesisPlan:
    """Group each customer's raw ideas, per wave, and say what that changes in the master; the raw ideas
    are read in the master's Workshop language (Settings), a blank Wave as the customer's latest wave
    as of ``as_of`` (default: today)."""
    result = synthesize(
        master.workshop,
        master.ideas,
        threshold,
        customers=customers,
        singletons_as_ideas=singletons_as_ideas,
        language=master.settings.workshop_language,
        waves=customer_waves(master.customers, master.waves),
        as_of=as_of or dt.date.today(),
    )
    changes = [CellChange(WORKSHOP.name, row, MOTHER_ID, value) for row, value in fills(master, result)]
    warnings = [other_wave_warning(master, found) for found in result.report.other_waves]
    return SynthesisPlan(result, changes, draft_records(result.new_ideas), warnings)
