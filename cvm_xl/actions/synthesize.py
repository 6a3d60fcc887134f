"""Synthesis as a change to the master: which blank Mother idea IDs get filled and which draft
Ideas rows are added. ``cvm-xl synthesize`` and the Synthesise macro both apply this plan.

The facilitator's choices always win: only blank Mother idea IDs are filled, so running the
synthesis again on its own result plans no change.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd

from cvm_xl.core.values import is_blank
from cvm_xl.master.model import Master
from cvm_xl.master.schema import IDEAS, WORKSHOP
from cvm_xl.master.update import CellChange
from cvm_xl.workshop.synthesis import DEFAULT_THRESHOLD, MOTHER_ID, SynthesisResult, synthesize


@dataclass(frozen=True)
class SynthesisPlan:
    """What the synthesis would write: ``changes`` fill Workshop cells, ``drafts`` are new Ideas rows
    holding only their filled cells."""

    result: SynthesisResult
    changes: list[CellChange]
    drafts: list[dict[str, object]]

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


def plan_synthesis(
    master: Master,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    customers: Collection[str] | None = None,
    singletons_as_ideas: bool = False,
) -> SynthesisPlan:
    """Group each customer's raw ideas and say what that changes in the master; the raw ideas are read
    in the master's Workshop language (Settings)."""
    result = synthesize(
        master.workshop,
        master.ideas,
        threshold,
        customers=customers,
        singletons_as_ideas=singletons_as_ideas,
        language=master.settings.workshop_language,
    )
    changes = [CellChange(WORKSHOP.name, row, MOTHER_ID, value) for row, value in fills(master, result)]
    return SynthesisPlan(result, changes, draft_records(result.new_ideas))
