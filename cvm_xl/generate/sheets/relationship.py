"""Relationship sheet: the customer's readiness for CVM and the health of the relationship (SPEC §3.9).

Top: the screening against the prerequisites of the Tata Steel paper (only when the supplier shares
it with this customer: Customers column ``Share screening``; it is the supplier's internal
assessment and otherwise stays out of the workbook), the completion of each of
the eight BS 11000 stages, the maturity assessment with its verdict and the 5x5 heat map of the
joint risks. Below: the objectives (mine, yours, ours), the joint risk register, the exit-strategy
triggers, the issue log, the management reviews held with their decisions (issue 14: the master's
Reviews rows dated on or before the as-of date, ``core.reviews.is_held``) and last the full
life-cycle checklist. Ticking a checklist item, rating
maturity or scoring a risk updates the scores, the verdict, the ratings and the heat map: they are
plain formulas (COUNTIFS, IF) with the core's figures as cached values. Screening, exit reviews and
issue ages are the core's values as of the generation date.

This module only places things: every rule, label and formula comes from the readiness package
(``lifecycle``, ``maturity``, ``risks``), which writes each formula from the same declaration its
Python rule reads; this module passes the cell references.

Every position is fixed, so validation and colours are set once per run: each register has a
fixed number of reserved rows (unused ones hidden) and the checklist comes last. For the same
reason what does not depend on the customer is rendered once per run too: the titles, headers,
labels and descriptions, the formulas' text, the hidden and the spare rows of the registers, and
each distinct checklist (all customers without Life cycle rows share one).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from operator import itemgetter

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books.package import Deflated
from cvm_xl.core.reviews import ATTENDEES, DECISIONS, REVIEW_DATE, REVIEW_ID, REVIEW_KIND
from cvm_xl.generate import styles as st
from cvm_xl.generate.model import CustomerData
from cvm_xl.generate.relationship_data import CustomerRelationship, empty_relationship
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets.common import (
    PROTECTION_NOTE,
    RenderContext,
    SheetBuilder,
    page_setup,
    protect,
    widths,
)
from cvm_xl.generate.sheets.table_sheet import choice, number_range
from cvm_xl.readiness import lifecycle, maturity, risks
from cvm_xl.readiness import tables as rt
from cvm_xl.readiness.lifecycle import ALL_DONE
from cvm_xl.readiness.risks import IMPACT_NAMES, LIKELIHOOD_NAMES, SCORE_MAX, SCORE_MIN
from cvm_xl.spreadsheet import xmltext as xt
from cvm_xl.spreadsheet.validation import informing
from cvm_xl.spreadsheet.xmltext import letter

NAME = "Relationship"
WIDTHS = {"A": 17, "B": 44, "C": 14, "D": 14, "E": 12, "F": 12, "G": 10, "H": 11, "I": 34}
WIDTHS |= {x: 12 for x in "JKLMN"}

# --- fixed positions ---------------------------------------------------------------------------
SCREEN_TOP = 5
SCREEN_FIRST = SCREEN_TOP + 2  # four prerequisites
ELIGIBLE_ROW = SCREEN_FIRST + 4
REASONS_ROW = ELIGIBLE_ROW + 1

STAGE_TOP = REASONS_ROW + 2
STAGE_FIRST = STAGE_TOP + 2
STAGE_LAST = STAGE_FIRST + len(rt.STAGES) - 1
OVERALL_ROW = STAGE_LAST + 1
CURRENT_ROW = OVERALL_ROW + 1

MATURITY_TOP = CURRENT_ROW + 2
MATURITY_FIRST = MATURITY_TOP + 2  # Attributes, Ability, Attitude; Supplier in C, Customer in D
MATURITY_LAST = MATURITY_FIRST + len(rt.DIMENSIONS) - 1
VERDICT_ROW = MATURITY_LAST + 1
RULE_ROW = VERDICT_ROW + 1
FIRM_COLUMNS = {"Supplier": "C", "Customer": "D"}

# Shown instead of the screening when the supplier keeps it internal (Customers: Share screening).
NOT_SHARED = "Below: readiness by stage, maturity, objectives, risks, exit triggers and issues."

HEAT_TOP = SCREEN_TOP  # beside the screening, columns I..N
HEAT_FIRST = HEAT_TOP + 2  # likelihood 5 at the top
HEAT_COLUMNS = {impact: letter(9 + impact) for impact in rt.SCORES}  # J..N
HEAT_ROW = {likelihood: HEAT_FIRST + SCORE_MAX - likelihood for likelihood in rt.SCORES}
LEGEND_ROW = HEAT_FIRST + len(rt.SCORES)


class Register:
    """A register section: title row, header row, then ``capacity`` reserved rows."""

    def __init__(self, top: int, capacity: int, columns: dict[str, str], spare: int) -> None:
        self.top, self.capacity, self.columns, self.spare = top, capacity, columns, spare
        self.header = top + 1
        self.first = top + 2
        self.last = self.first + capacity - 1
        self.bottom = self.last + 1  # the row after the section

    def range(self, column: str) -> str:
        x = self.columns[column]
        return f"${x}${self.first}:${x}${self.last}"


OBJECTIVES = Register(
    RULE_ROW + 2,
    30,
    {rt.FIRM: "A", rt.OBJECTIVE: "B", rt.MEASURE: "C", rt.TARGET: "D", rt.AGREED: "E", rt.NOTE: "F"},
    spare=2,
)
RISKS = Register(
    OBJECTIVES.bottom + 1,
    60,
    {
        rt.RISK_ID: "A", rt.RISK: "B", rt.OWNER_FIRM: "C", rt.OWNER: "D", rt.LIKELIHOOD: "E",
        rt.IMPACT: "F", rt.RATING: "G", rt.RISK_LEVEL: "H", rt.MITIGATION: "I", rt.STATUS: "J",
    },
    spare=3,
)  # fmt: skip
EXITS = Register(
    RISKS.bottom + 1,
    30,
    {
        rt.STATUS: "A", rt.TRIGGER: "B", rt.OWNER_FIRM: "C", rt.OWNER: "D", rt.LAST_REVIEWED: "E",
        rt.REVIEW_DUE: "F", rt.ACTION: "I",
    },
    spare=0,
)  # fmt: skip
ISSUES = Register(
    EXITS.bottom + 1,
    60,
    {
        rt.ISSUE_ID: "A", rt.ISSUE: "B", rt.ISSUE_CATEGORY: "C", rt.RAISED_BY: "D", rt.RAISED: "E",
        rt.DUE: "F", rt.DAYS_OPEN: "G", rt.OVERDUE: "H", rt.RESOLUTION: "I", rt.STATUS: "J",
        rt.ESCALATION_LEVEL: "K", rt.OWNER: "L", rt.RESOLVED: "M",
    },
    spare=0,
)  # fmt: skip
REVIEWS = Register(
    ISSUES.bottom + 1,
    40,
    {REVIEW_ID: "A", DECISIONS: "B", REVIEW_DATE: "C", REVIEW_KIND: "D", ATTENDEES: "I"},
    spare=0,
)
CHECKLIST = Register(
    REVIEWS.bottom + 1, 400, {rt.STAGE: "A", rt.ITEM: "B", rt.DONE: "C", rt.NOTE: "D"}, spare=0
)

# Colours, lowest level (best rating) first: Low..Critical and A..D.
LEVEL_COLOURS = dict(zip(rt.RISK_LEVELS, ("C6EFCE", "FFEB9C", "F8CBAD", "FF7C80"), strict=True))
RATING_COLOURS = dict(zip(rt.RATINGS, ("C6EFCE", "E2EFDA", "FFEB9C", "FFC7CE"), strict=True))
VERDICT_COLOURS = {
    maturity.READY: "C6EFCE",
    maturity.READY_WITH_NEEDS: "E2EFDA",
    maturity.NOT_ASSESSED: "EDEDED",
    maturity.NOT_READY: "FFC7CE",
}

# --- formulas ----------------------------------------------------------------------------------


def stage_formulas(r: int) -> dict[str, str]:
    """Done, applicable, not applicable and completion of the stage named in A{r}
    (``lifecycle.stage_count_formulas`` over the checklist)."""
    counts = lifecycle.stage_count_formulas(CHECKLIST.range(rt.STAGE), CHECKLIST.range(rt.DONE), f"$A{r}")
    return counts | {"completion": lifecycle.completion_formula(f"$C{r}", f"$D{r}")}


def current_stage_formula() -> str:
    """The first stage with an applicable item not yet done (``lifecycle.current_stage_formula``)."""
    rows = range(STAGE_FIRST, STAGE_LAST + 1)
    return lifecycle.current_stage_formula([(f"$A{r}", f"$C{r}", f"$D{r}") for r in rows])


def maturity_formula() -> str:
    """``maturity.maturity_verdict`` over the six ratings (``maturity.verdict_formula``)."""
    return maturity.verdict_formula(f"$C${MATURITY_FIRST}:$D${MATURITY_LAST}")


def risk_formulas(r: int) -> dict[str, str]:
    """Rating = likelihood x impact and its level (``risks.risk_formulas``)."""
    c = RISKS.columns
    return risks.risk_formulas(*(f"${c[name]}{r}" for name in (rt.LIKELIHOOD, rt.IMPACT, rt.RATING)))


def heat_formula(likelihood: int, impact: int) -> str:
    """Risks scored (likelihood, impact) that are not closed (``risks.heat_formula``)."""
    ranges = RISKS.range(rt.LIKELIHOOD), RISKS.range(rt.IMPACT), RISKS.range(rt.STATUS)
    return risks.heat_formula(*ranges, likelihood, impact)


# --- setup (once per run) ------------------------------------------------------------------------


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", start_color=colour, end_color=colour)


def _validate(ws: Worksheet, dv: DataValidation, ref: str) -> None:
    """``dv`` over ``ref``, information-style like every validation (``spreadsheet.validation``)."""
    dv.add(ref)
    ws.add_data_validation(informing(dv))


def setup(ws: Worksheet, ctx: RenderContext) -> None:
    widths(ws, WIDTHS)
    ws.merge_cells(f"B{REASONS_ROW}:F{REASONS_ROW}")
    ws.merge_cells(f"B{RULE_ROW}:F{RULE_ROW}")
    done = choice(rt.DONE_VALUES, "Yes when done, N/A when the item does not apply; blank = not done yet")
    _validate(ws, done, f"C{CHECKLIST.first}:C{CHECKLIST.last}")
    for dimension, r in zip(rt.DIMENSIONS, range(MATURITY_FIRST, MATURITY_LAST + 1), strict=True):
        _validate(ws, choice(rt.RATINGS, maturity.maturity_prompt(dimension)), f"C{r}:D{r}")
    o = OBJECTIVES.columns
    _validate(ws, choice(rt.THREE_FIRMS, "Supplier (mine), Customer (yours) or Joint (ours)"),
              f"{o[rt.FIRM]}{OBJECTIVES.first}:{o[rt.FIRM]}{OBJECTIVES.last}")  # fmt: skip
    _validate(ws, choice(rt.YES_NO), f"{o[rt.AGREED]}{OBJECTIVES.first}:{o[rt.AGREED]}{OBJECTIVES.last}")
    c = RISKS.columns
    _validate(ws, choice(rt.THREE_FIRMS), f"{c[rt.OWNER_FIRM]}{RISKS.first}:{c[rt.OWNER_FIRM]}{RISKS.last}")
    _validate(ws, choice(rt.RISK_STATUSES, "Blank means Open; Closed risks leave the heat map"),
              f"{c[rt.STATUS]}{RISKS.first}:{c[rt.STATUS]}{RISKS.last}")  # fmt: skip
    low, high = SCORE_MIN, SCORE_MAX
    score = number_range("whole", str(low), str(high), f"Enter a whole number from {low} to {high}.")
    score.prompt, score.showInputMessage = f"{low} (lowest) to {high} (highest)", True
    _validate(ws, score, f"{c[rt.LIKELIHOOD]}{RISKS.first}:{c[rt.IMPACT]}{RISKS.last}")
    _colours(ws)
    protect(ws)
    page_setup(ws)


def _colours(ws: Worksheet) -> None:
    levels = risks.level_grid()
    for level, colour in LEVEL_COLOURS.items():
        cells = [
            f"{HEAT_COLUMNS[i]}{HEAT_ROW[lk]}"
            for lk in rt.SCORES
            for i in rt.SCORES
            if levels.loc[lk, i] == level
        ]
        ws.conditional_formatting.add(" ".join(cells), FormulaRule(formula=["TRUE"], fill=_fill(colour)))
        level_col = RISKS.columns[rt.RISK_LEVEL]
        ws.conditional_formatting.add(
            f"{level_col}{RISKS.first}:{level_col}{RISKS.last}",
            FormulaRule(formula=[f'${level_col}{RISKS.first}="{level}"'], fill=_fill(colour)),
        )
    grid = f"C{MATURITY_FIRST}:D{MATURITY_LAST}"
    for rating, colour in RATING_COLOURS.items():
        ws.conditional_formatting.add(
            grid, FormulaRule(formula=[f'C{MATURITY_FIRST}="{rating}"'], fill=_fill(colour))
        )
    for label, colour in VERDICT_COLOURS.items():
        ws.conditional_formatting.add(
            f"B{VERDICT_ROW}", FormulaRule(formula=[f'$B${VERDICT_ROW}="{label}"'], fill=_fill(colour))
        )
    for text, colour in ((rt.YES, "C6EFCE"), (rt.NO, "FFC7CE")):
        for ref in (f"B{ELIGIBLE_ROW}", f"D{SCREEN_FIRST}:D{SCREEN_FIRST + 3}"):
            first = ref.split(":")[0]
            ws.conditional_formatting.add(
                ref, FormulaRule(formula=[f'{first}="{text}"'], fill=_fill(colour), font=Font(bold=True))
            )
    for overdue in (f"{ISSUES.columns[rt.OVERDUE]}", f"{EXITS.columns[rt.REVIEW_DUE]}"):
        top = ISSUES.first if overdue == ISSUES.columns[rt.OVERDUE] else EXITS.first
        bottom = ISSUES.last if overdue == ISSUES.columns[rt.OVERDUE] else EXITS.last
        ws.conditional_formatting.add(
            f"{overdue}{top}:{overdue}{bottom}",
            FormulaRule(formula=[f'{overdue}{top}="{rt.YES}"'], fill=_fill("FFEB9C")),
        )


# --- render (once per customer) ------------------------------------------------------------------


def relationship_of(data: CustomerData) -> CustomerRelationship:
    """The customer's prepared relationship (``CustomerData.relationship``); when the data carries
    none, the customer's screening with the empty checklists, as for a master without them."""
    if data.relationship is not None:
        return data.relationship
    return empty_relationship(data.customer_id, data.customer, data.settings, data.generated.date())


def _section(sd: SheetData, r: int, title: str, first: int = 1, last: int = 6) -> None:
    sd.text(r, first, "section", title)
    for c in range(first + 1, last + 1):
        sd.blank(r, c, "section")


def _headers(sd: SheetData, r: int, names: dict[str, str], computed: tuple[str, ...] = ()) -> None:
    for name, x in names.items():
        sd.text(r, _col(x), "header.calc" if name in computed else "header.input", name)
    sd.height(r, 20)


def _col(x: str) -> int:
    return ord(x) - 64


def _nan_blank(value: float) -> float | None:
    return None if value != value else value


def render(data: CustomerData, ctx: RenderContext) -> SheetData:
    rel = relationship_of(data)
    # The cells that are the same in every workbook of the run are written once; each customer's
    # sheet starts from a copy of them.
    sd = ctx.once(f"{NAME} fixed cells", lambda: _fixed_cells(ctx)).copy()
    sd.text(1, 1, "title", f"Relationship: {ctx.settings.supplier} and {data.name}")
    formulas = ctx.once(f"{NAME} formulas", _formulas)
    _screening(sd, rel)
    _stages(sd, rel, formulas)
    _maturity(sd, rel, formulas)
    _heat_map(sd, rel, formulas)
    _objectives(sd, rel, ctx)
    _risks(sd, rel, ctx)
    _exits(sd, rel, ctx)
    _issues(sd, rel, ctx)
    _reviews(sd, rel, ctx)
    _checklist(sd, rel, ctx)
    return sd


def _fixed_cells(ctx: RenderContext) -> SheetData:
    """Titles, headers, labels, descriptions and row heights of the top of the sheet."""
    sd = SheetData(ctx.styles)
    sd.height(1, 24)
    sd.text(2, 1, "note", "Readiness for CVM and the health of the relationship (BS 11000 life cycle). "
            "Tick checklist items, rate maturity and score risks: the scores, the verdict and the heat map "
            "follow.")  # fmt: skip
    sd.text(3, 1, "note", PROTECTION_NOTE)

    _section(sd, STAGE_TOP, "Readiness by stage of the collaboration life cycle (BS 11000)")
    heads = ("Stage", "Question", "Done", "Applicable", "Not applicable", "Completion")
    for c, head in enumerate(heads, start=1):
        sd.text(STAGE_TOP + 1, c, "header.input" if c <= 2 else "header.calc", head)
    sd.height(STAGE_TOP + 1, 20)
    sd.text(OVERALL_ROW, 1, "total.label", "Overall readiness")
    sd.blank(OVERALL_ROW, 2, "total.label")
    sd.text(CURRENT_ROW, 1, "kv.label", "Current stage")

    _section(sd, MATURITY_TOP, "Maturity assessment: A (most collaborative) to D (arm's length)")
    for c, head in enumerate(("Dimension", "What A to D mean", "Supplier", "Customer"), start=1):
        sd.text(MATURITY_TOP + 1, c, "header.input", head)
    for dimension, r in zip(rt.DIMENSIONS, range(MATURITY_FIRST, MATURITY_LAST + 1), strict=True):
        sd.text(r, 1, "label.top", dimension)
        sd.text(r, 2, "note.wrap", maturity.maturity_help(dimension))
        sd.height(r, 96)
    sd.text(VERDICT_ROW, 1, "kv.label", "Readiness verdict")
    sd.text(RULE_ROW, 1, "note", "Rule")
    sd.text(RULE_ROW, 2, "note.wrap", maturity.VERDICT_RULE)

    first, last = HEAT_FIRST_COL, HEAT_FIRST_COL + 5
    _section(sd, HEAT_TOP, "Joint risks: heat map (risks not closed)", first, last)
    sd.text(HEAT_TOP + 1, first, "header.calc", "Likelihood \\ Impact")
    for impact, x in HEAT_COLUMNS.items():
        sd.text(HEAT_TOP + 1, _col(x), "header.calc", f"{impact} {IMPACT_NAMES[impact - 1]}")
    sd.height(HEAT_TOP + 1, 30)
    for likelihood, r in HEAT_ROW.items():
        sd.text(r, first, "label", f"{likelihood} {LIKELIHOOD_NAMES[likelihood - 1]}")
        sd.height(r, 20)
    sd.text(LEGEND_ROW, first, "note", f"Rating = likelihood x impact: {risks.level_legend()}.")
    return sd


HEAT_FIRST_COL = 9  # I: the heat map's labels, then J..N


@dataclass(frozen=True)
class TopFormulas:
    """The formulas of the top of the sheet, escaped for XML (the same in every workbook)."""

    stages: dict[int, dict[str, str]]  # row -> done, applicable, na, completion
    sums: dict[int, str]  # column of the overall row -> its SUM
    overall: str
    current: str
    maturity: str
    heat: dict[tuple[int, int], str]  # (likelihood, impact) -> the count of such risks


def _formulas() -> TopFormulas:
    rows = range(STAGE_FIRST, STAGE_LAST + 1)
    return TopFormulas(
        stages={r: {k: xt.formula_text(f) for k, f in stage_formulas(r).items()} for r in rows},
        sums={
            c: xt.formula_text(f"SUM({letter(c)}{STAGE_FIRST}:{letter(c)}{STAGE_LAST})") for c in (3, 4, 5)
        },
        overall=xt.formula_text(lifecycle.completion_formula(f"$C{OVERALL_ROW}", f"$D{OVERALL_ROW}")),
        current=xt.formula_text(current_stage_formula()),
        maturity=xt.formula_text(maturity_formula()),
        heat={(lk, im): xt.formula_text(heat_formula(lk, im)) for lk in rt.SCORES for im in rt.SCORES},
    )


def _screening(sd: SheetData, rel: CustomerRelationship) -> None:
    """The supplier's screening of the customer, only when the supplier shares it (the customer's
    ``Share screening``); otherwise a neutral line and not one of its labels or values."""
    if not rel.screening_shared:
        _section(sd, SCREEN_TOP, "The collaboration at a glance")
        sd.text(SCREEN_TOP + 1, 1, "note", NOT_SHARED)
        return
    _section(sd, SCREEN_TOP, "Customer selection: the CVM prerequisites")
    for c, head in enumerate(("Prerequisite", "Assessment", "Needed", "Met"), start=1):
        sd.text(SCREEN_TOP + 1, c, "header.calc", head)
    sd.text(ELIGIBLE_ROW, 1, "kv.label", "Eligible for CVM")
    sd.text(REASONS_ROW, 1, "label.top", "Reasons")
    for i, line in enumerate(rel.screening):
        r = SCREEN_FIRST + i
        sd.text(r, 1, "kv.label", line.label)
        sd.value(r, 2, "fixed.center", line.assessment)
        sd.text(r, 3, "fixed.center", line.needed)
        sd.text(r, 4, "fixed.center", rt.YES if line.met else rt.NO)
    sd.text(ELIGIBLE_ROW, 2, "kv.text", rt.YES if rel.eligible else rt.NO)
    sd.text(REASONS_ROW, 2, "text.wrap", rel.reasons or "Every prerequisite is met.")
    lines = max(1, math.ceil(len(rel.reasons) / 95))
    sd.height(REASONS_ROW, 14 * min(lines, 6) + 2)


def _stages(sd: SheetData, rel: CustomerRelationship, formulas: TopFormulas) -> None:
    for i, stage in enumerate(rel.stages):
        r = STAGE_FIRST + i
        f = formulas.stages[r]
        sd.text(r, 1, "fixed.text", stage.stage)
        sd.text(r, 2, "fixed.text", stage.question + "?")
        sd.formula_xml(r, 3, "calc.count", f["done"], stage.done)
        sd.formula_xml(r, 4, "calc.count", f["applicable"], stage.applicable)
        sd.formula_xml(r, 5, "calc.count", f["na"], stage.not_applicable)
        sd.formula_xml(r, 6, "calc.share", f["completion"], _nan_blank(stage.completion))
    r, overall = OVERALL_ROW, rel.overall
    for c, value in ((3, overall.done), (4, overall.applicable), (5, overall.not_applicable)):
        sd.formula_xml(r, c, "total.count", formulas.sums[c], value)
    sd.formula_xml(r, 6, "calc.share", formulas.overall, _nan_blank(overall.completion))
    sd.formula_xml(CURRENT_ROW, 2, "kv.text", formulas.current, rel.current_stage or ALL_DONE)


def _maturity(sd: SheetData, rel: CustomerRelationship, formulas: TopFormulas) -> None:
    for dimension, r in zip(rt.DIMENSIONS, range(MATURITY_FIRST, MATURITY_LAST + 1), strict=True):
        for firm, x in FIRM_COLUMNS.items():
            sd.value(r, _col(x), "in.center", rel.ratings.get(firm, {}).get(dimension))
    sd.formula_xml(VERDICT_ROW, 2, "kv.text", formulas.maturity, rel.maturity.label)


def _heat_map(sd: SheetData, rel: CustomerRelationship, formulas: TopFormulas) -> None:
    heat = formulas.heat
    for likelihood, r in HEAT_ROW.items():
        for impact, x in HEAT_COLUMNS.items():
            count = rel.heat.get((likelihood, impact), 0)
            sd.formula_xml(r, _col(x), "fixed.center", heat[(likelihood, impact)], count)


# --- registers and the checklist: runs of whole rows ----------------------------------------------


def _heading(
    reg: Register, title: str, computed: tuple[str, ...], note: str | None, ctx: RenderContext
) -> tuple[str, int]:
    """The XML of a register's title and header rows, and its last column (built once per text)."""

    def make() -> tuple[str, int]:
        sd = SheetData(ctx.styles)
        last = _col(max(reg.columns.values()))
        _section(sd, reg.top, title, 1, last)
        if note:
            sd.text(reg.top, last + 1, "note", note)
        _headers(sd, reg.header, reg.columns, computed)
        return sd.xml(), sd.max_col

    return ctx.once_per(f"{NAME} heading", (reg.top, title, note), make)


def _hidden(reg: Register, ctx: RenderContext) -> list[str]:
    """Each reserved row of a register as a hidden empty row."""
    rows = range(reg.first, reg.last + 1)
    return ctx.once(f"{NAME} hidden {reg.top}", lambda: [xt.row(r, "", hidden=True) for r in rows])


def _register(
    sd: SheetData,
    reg: Register,
    title: str,
    rows: list[dict[str, object]],
    ctx: RenderContext,
    *,
    computed: tuple[str, ...] = (),
    editable: bool = True,
    empty_note: str,
    styles: dict[str, str] | None = None,
    computed_cells: Callable[[int, dict[str, object]], dict[str, str]] | None = None,
) -> None:
    """Title, headers, one row per record (inputs unlocked when ``editable``), ``spare`` blank input
    rows to add to; the other reserved rows hidden. ``styles`` gives a column's data style;
    ``computed_cells(r, record)`` the XML of the computed columns' cells of row ``r``."""
    shown = rows[: reg.capacity]
    note = None
    if len(rows) > reg.capacity:
        note = f"The first {reg.capacity} of {len(rows)} are shown; the master holds them all."
    heading, last_col = _heading(reg, title, computed, note, ctx)
    visible = min(reg.capacity, len(shown) + (reg.spare if editable else 0))
    base = "in" if editable else "fixed"
    ids = ctx.styles
    columns = []  # in column order: name, letter, style id, style id for formula-like text
    for name, column in sorted(reg.columns.items(), key=lambda item: _col(item[1])):
        style = f"{base}.{(styles or {}).get(name, 'text')}"
        columns.append((name, column, ids[style], ids[st.quoted(style, "=")]))
    out = [heading]
    value_cell = xt.value_cell

    def row(r: int, record: dict[str, object]) -> str:
        extra = computed_cells(r, record) if computed_cells else {}
        cells = []
        for name, column, style, quoted_style in columns:
            if name in computed:
                cells.append(extra[name])
                continue
            value = record.get(name)
            formula_like = isinstance(value, str) and value[:1] in ("=", "+", "-", "@")
            cells.append(value_cell(f"{column}{r}", quoted_style if formula_like else style, value))
        return f'<row r="{r}">{"".join(cells)}</row>'

    out += [row(reg.first + i, record) for i, record in enumerate(shown)]
    for r in range(reg.first + len(shown), reg.first + visible):  # the spare rows: the same every time
        out.append(ctx.once_per(f"{NAME} spare rows", (reg.top, r), partial(row, r, {}), keep=256))
    if not shown and not editable:
        note_cell = xt.text_cell(f"B{reg.first}", ids["note"], empty_note)
        out.append(f'<row r="{reg.first}">{note_cell}</row>')
        visible = 1
    out.extend(_hidden(reg, ctx)[visible:])
    sd.rows(reg.top, reg.last, "".join(out), last_col)


def _objectives(sd: SheetData, rel: CustomerRelationship, ctx: RenderContext) -> None:
    title = "Objectives: mine (Supplier), yours (Customer) and ours (Joint)"
    styles = {rt.FIRM: "center", rt.AGREED: "center"}
    _register(sd, OBJECTIVES, title, rel.objectives, ctx, empty_note="", styles=styles)


def _risks(sd: SheetData, rel: CustomerRelationship, ctx: RenderContext) -> None:
    computed = (rt.RATING, rt.RISK_LEVEL)
    rows = range(RISKS.first, RISKS.last + 1)
    templates = ctx.once(
        f"{NAME} risk formulas",
        lambda: {r: {k: xt.formula_text(f) for k, f in risk_formulas(r).items()} for r in rows},
    )
    c = RISKS.columns
    ids = ctx.styles["calc.center"]

    def cells_of(r: int, risk: dict[str, object]) -> dict[str, str]:
        f = templates[r]
        rating = risk.get(rt.RATING)
        rating = _nan_blank(rating) if isinstance(rating, float) else rating
        return {
            rt.RATING: xt.formula_cell(f"{c[rt.RATING]}{r}", ids, f[rt.RATING], rating),
            rt.RISK_LEVEL: xt.formula_cell(
                f"{c[rt.RISK_LEVEL]}{r}", ids, f[rt.RISK_LEVEL], risk.get(rt.RISK_LEVEL)
            ),
        }

    _register(sd, RISKS, "Joint risk register", rel.risks, ctx, computed=computed, empty_note="",
              styles={rt.OWNER_FIRM: "center", rt.LIKELIHOOD: "center", rt.IMPACT: "center",
                      rt.STATUS: "center"}, computed_cells=cells_of)  # fmt: skip


def _exits(sd: SheetData, rel: CustomerRelationship, ctx: RenderContext) -> None:
    title = f"Exit strategy: triggers and the agreed actions (reviews due as of {rel.as_of.isoformat()})"
    _register(sd, EXITS, title, rel.exits, ctx, computed=(), editable=False,
              empty_note="No exit trigger recorded yet.",
              styles={rt.STATUS: "center", rt.OWNER_FIRM: "center", rt.LAST_REVIEWED: "date",
                      rt.REVIEW_DUE: "center"})  # fmt: skip


def _issues(sd: SheetData, rel: CustomerRelationship, ctx: RenderContext) -> None:
    title = f"Issue log (days open and overdue as of {rel.as_of.isoformat()})"
    _register(sd, ISSUES, title, rel.issues, ctx, editable=False, empty_note="No issue recorded.",
              styles={rt.RAISED: "date", rt.DUE: "date", rt.RESOLVED: "date", rt.DAYS_OPEN: "center",
                      rt.OVERDUE: "center", rt.STATUS: "center", rt.RAISED_BY: "center"})  # fmt: skip


def _reviews(sd: SheetData, rel: CustomerRelationship, ctx: RenderContext) -> None:
    title = f"Management reviews held and their decisions (as of {rel.as_of.isoformat()})"
    _register(sd, REVIEWS, title, rel.held, ctx, editable=False, empty_note="No review held yet.",
              styles={REVIEW_DATE: "date", REVIEW_KIND: "center", DECISIONS: "text.wrap"})  # fmt: skip


def _checklist(sd: SheetData, rel: CustomerRelationship, ctx: RenderContext) -> None:
    """The life-cycle checklist, last on the sheet. Its rows are rendered once per run for each
    distinct checklist (every customer without Life cycle rows has the same one)."""
    reg = CHECKLIST
    items = rel.checklist[: reg.capacity]
    try:
        key = tuple(map(_CHECKLIST_CELLS, items))
    except KeyError:
        key = tuple(tuple(item.get(name) for name in (rt.STAGE, rt.ITEM, rt.DONE, rt.NOTE)) for item in items)
    try:
        hash(key)
    except TypeError:  # a cell holding something unhashable: no caching
        xml, last = _checklist_rows(key, ctx)
        sd.rows(reg.top, last, xml, _col(max(reg.columns.values())))
        return
    deflated, last = ctx.once_per(
        f"{NAME} checklist", key, lambda: _deflated(*_checklist_rows(key, ctx)), keep=16
    )
    sd.rows(reg.top, last, deflated, _col(max(reg.columns.values())))


def _deflated(xml: str, last: int) -> tuple[Deflated, int]:
    return Deflated.of(xml), last


_CHECKLIST_CELLS = itemgetter(rt.STAGE, rt.ITEM, rt.DONE, rt.NOTE)


def _checklist_rows(items: tuple[tuple[object, ...], ...], ctx: RenderContext) -> tuple[str, int]:
    reg = CHECKLIST
    sd = SheetData(ctx.styles)
    _section(sd, reg.top, "Life-cycle checklist: Done = Yes, No or N/A (does not apply)")
    _headers(sd, reg.header, reg.columns)
    c = reg.columns
    for i, (stage, item, done, note) in enumerate(items):
        r = reg.first + i
        sd.text(r, _col(c[rt.STAGE]), "fixed.text", str(stage))
        sd.value(r, _col(c[rt.ITEM]), "fixed.text", item)
        sd.value(r, _col(c[rt.DONE]), "in.center", done)
        sd.value(r, _col(c[rt.NOTE]), "in.text", note)
    return sd.xml(), sd.max_row


BUILDER = SheetBuilder(name=NAME, setup=setup, render=render)
