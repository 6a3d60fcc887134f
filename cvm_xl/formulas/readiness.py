"""The computed columns of the relationship tables as formulas over one row (SPEC §3.9).

The rules are the readiness domain's own formula twins (``readiness.risks.risk_formulas``,
``exits.review_due_formula``, ``issue_log.days_open_formula`` and ``overdue_formula``); this
module places them on a row: ``ref(column)`` gives the reference of a column in the formula's own
row (an A1 reference with ``{r}``, or a structured reference). A row without its record's key
(``GUARDS``: an exit trigger's Trigger, an issue's Issue; blank as ``core.values.is_blank`` reads
it) shows nothing, like an empty table row. The live master (``master.live``) and the template's
tables (``excel.template.layout``) both place the formulas through ``relationship_formulas``.
"""

from __future__ import annotations

from collections.abc import Callable

from cvm_xl.formulas.cells import is_blank
from cvm_xl.readiness import exits, issue_log, risks
from cvm_xl.readiness import tables as rt

# Sheet -> the column whose blank cell leaves the row's computed cells blank.
GUARDS: dict[str, str] = {rt.EXITS_SHEET: rt.TRIGGER, rt.ISSUES_SHEET: rt.ISSUE}


def _guard(sheet: str, ref: Callable[[str], str], formula: str) -> str:
    key = GUARDS.get(sheet)
    return formula if key is None else f'IF({is_blank(ref(key))},"",{formula})'


def relationship_formulas(sheet: str, ref: Callable[[str], str]) -> dict[str, str]:
    """Computed column -> formula of one relationship sheet's row; {} for a sheet without any."""
    if sheet == rt.RISKS_SHEET:
        return risks.risk_formulas(ref(rt.LIKELIHOOD), ref(rt.IMPACT), ref(rt.RATING))
    if sheet == rt.EXITS_SHEET:
        due = exits.review_due_formula(ref(rt.STATUS), ref(rt.LAST_REVIEWED))
        return {rt.REVIEW_DUE: _guard(sheet, ref, due)}
    if sheet == rt.ISSUES_SHEET:
        status, raised = ref(rt.STATUS), ref(rt.RAISED)
        days = issue_log.days_open_formula(status, raised, ref(rt.RESOLVED))
        overdue = issue_log.overdue_formula(status, raised, ref(rt.DUE))
        return {rt.DAYS_OPEN: _guard(sheet, ref, days), rt.OVERDUE: _guard(sheet, ref, overdue)}
    return {}
