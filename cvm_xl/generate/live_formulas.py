"""The formulas that keep a customer workbook live (issue 12): the Passbook, the Cover figures, the
Sign-off totals and the Monthly report follow the Status, Start and amounts typed on the Ideas sheet
and the rows typed on the Tracking sheet.

Every rule they restate is the core's, rendered from the core's own data: which statuses enter the
passbook (``core.spellings.excel_status_is``/``excel_status_flags`` over ``PASSBOOK_STATUSES``),
the lines and balances (SPEC §3.6, ``core.passbook``), the advice's whole amounts
(``passbook.WHOLE_AMOUNT_FORMULA``) and the monthly plan (SPEC §3.6, the conventions of
``core.tracking``: each annual amount spread one twelfth a month from the month of Start for the
horizon, the part month last, one-time amounts in the Start month; realised = the Tracking rows of
the month). Classic functions only (SPEC §7); the conformance suite (tests/conformance) holds every
figure to the core's in LibreOffice and in Gnumeric.

Every range a SUMIFS, COUNTIFS or SUMPRODUCT reads is bounded to the rows of its table
(``ideas_last_row``, ``tracking_last_row``, the Passbook's lines), never a whole column: Gnumeric
visits all 1,048,576 rows of a whole column in SUMIFS and COUNTIFS (about 60 ms each, half a minute
for the Passbook of 80 ideas), where a bounded range costs a fraction of a millisecond. The
Monthly report's SUMPRODUCTs read the Status cell by cell (``excel_status_flags``): their cells are
array formulas (``ARRAY_FORMULAS``), as Gnumeric would otherwise take CLEAN and SUBSTITUTE of the
range by implicit intersection.

Texts are formulas without the leading '='; ``xmltext.formula_text`` escapes them for XML.
"""

from __future__ import annotations

from functools import lru_cache

from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core import spellings
from cvm_xl.core.passbook import (
    BALANCE_TOLERANCE,
    LINE_CUSTOMER_VALUE,
    LINE_KINDS,
    LINE_SUPPLIER_VALUE,
    WHOLE_AMOUNT_FORMULA,
)
from cvm_xl.core.tracking import (
    CUSTOMER_REALISED,
    FIRST_YEAR_CRITERIA,
    LATER_YEAR_CRITERIA,
    MONTH,
    SUPPLIER_REALISED,
)
from cvm_xl.formulas.cells import is_blank, is_yes, number
from cvm_xl.formulas.ideas import method_transfer
from cvm_xl.generate import formulas as F
from cvm_xl.spreadsheet.xmltext import formula_text, letter, string_literal

YES, NO = L.IN_PASSBOOK_YES, L.IN_PASSBOOK_NO
HORIZON = L.SETTING_NAMES["horizon_years"]
_TRACKING_LETTER = {c.name: letter(i) for i, c in enumerate(L.TRACKING_COLUMNS_LAYOUT, start=1)}


# --- the rows the live formulas read ---------------------------------------------------------------


def ideas_last_row(ideas: int) -> int:
    """The last Ideas row the live formulas read in a workbook generated with ``ideas`` ideas:
    ``LIVE_IDEAS_LAST_ROW``, or, in a workbook of more ideas, as many rows again below them for
    ideas the customer adds."""
    return max(L.LIVE_IDEAS_LAST_ROW, 2 * (L.FIRST_ROW + ideas))


def tracking_last_row(rows: int) -> int:
    """The last Tracking row the live formulas read in a workbook generated with ``rows`` tracking
    rows: as far as the Tracking sheet's validation reaches (``LAST_VALIDATED_ROW``), or as many
    rows again below the generated ones."""
    return max(L.LAST_VALIDATED_ROW, 2 * (L.FIRST_ROW + rows))


def ideas_range(name: str, last: int) -> str:
    """The rows of one Ideas column the live formulas read, e.g. Ideas!$S$4:$S$1000."""
    return F.ideas_column(name, last=last)


def tracking_range(name: str, last: int) -> str:
    """The rows of one Tracking column the live formulas read, e.g. Tracking!$C$4:$C$5000: rows
    typed below the table count."""
    x = _TRACKING_LETTER[name]
    return f"{L.TRACKING}!${x}${L.FIRST_ROW}:${x}${last}"


def idea_amount(idea_criterion: str, name: str, last: int) -> str:
    """One column of the Ideas rows of an idea (SUMIFS: a blank, unquantified value counts as 0)."""
    return f"SUMIFS({ideas_range(name, last)},{ideas_range(col.IDEA_ID, last)},{idea_criterion})"


@lru_cache(maxsize=16)
def idea_amount_template(name: str, last: int) -> str:
    """``idea_amount`` escaped for XML, with ``formulas.ID_SLOT`` for the escaped ``criterion_literal``."""
    return formula_text(idea_amount(F.ID_SLOT, name, last))


# --- the Passbook ------------------------------------------------------------------------------------


def idea_text(idea_id: str, name: str) -> str:
    """An input of the idea as the Ideas sheet holds it now (title, status); blank when the cell is
    blank or the idea is no longer on the sheet."""
    return f'IFERROR({F.idea_lookup(idea_id, name, blank_as_empty=True)},"")'


@lru_cache(maxsize=16)
def idea_text_template(name: str) -> str:
    """``idea_text`` escaped for XML, with ``formulas.ID_SLOT`` for the escaped ``lookup_literal``."""
    return f'IFERROR({F.lookup_template(name, True)},"")'


def in_passbook(status_ref: str) -> str:
    """'Yes' when the Status cell puts the idea in the passbook (``core.passbook.in_passbook``)."""
    return f'IF({spellings.excel_status_is(status_ref)},"{YES}","{NO}")'


def moves(flag_ref: str, amount: str) -> str:
    """How a line moves a balance: the amount while the idea is in the passbook, else 0."""
    return f'IF({flag_ref}="{YES}",{amount},0)'


def passbook_last_row(ideas: int) -> int:
    """The Passbook's last line in a workbook of ``ideas`` ideas (its first line when it has none):
    the lines are generated, a customer adds none (the sheet is protected)."""
    return L.PASSBOOK_FIRST_ROW + max(len(LINE_KINDS) * ideas, 1) - 1


def column(name: str, last: int) -> str:
    """One column of the Passbook's lines, e.g. $G$5:$G$52 (the balances add it up)."""
    x = L.PASSBOOK_LETTER.get(name, name)  # a header, or the letter of the column beside them
    return f"${x}${L.PASSBOOK_FIRST_ROW}:${x}${last}"


# A value line's realised amount: what the Tracking sheet records for the idea and firm (rows with a
# month, as the monthly report counts them); a transfer is agreed, not tracked.
REALISED_SOURCE = {LINE_SUPPLIER_VALUE: SUPPLIER_REALISED, LINE_CUSTOMER_VALUE: CUSTOMER_REALISED}


def realised(idea_criterion: str, line: str, last: int) -> str:
    """The value a value line's idea realised so far: its Tracking rows (to row ``last``) with a
    month, any order and rows added below included (``books.passbook.realised_by_idea``)."""
    return (
        f"SUMIFS({tracking_range(REALISED_SOURCE[line], last)},{tracking_range(col.IDEA_ID, last)},"
        f'{idea_criterion},{tracking_range(MONTH, last)},"<>")'
    )


@lru_cache(maxsize=16)
def realised_template(line: str, last: int) -> str:
    """``realised`` escaped for XML, with ``formulas.ID_SLOT`` for the escaped ``criterion_literal``."""
    return formula_text(realised(F.ID_SLOT, line, last))


def realised_in_passbook(realised_letter: str, line: str, last: int) -> str:
    """The realised value of the lines (to row ``last``) of one kind whose idea is in the passbook now."""
    return (
        f"SUMIFS({column(realised_letter, last)},{column('Line', last)},{string_literal(line)},"
        f'{column(L.IN_PASSBOOK, last)},"{YES}")'
    )


def advice(gap: str, supplier: str, customer: str) -> str:
    """``core.passbook.equity_advice`` as a formula over the equity gap cell, its amounts with
    thousands separators like the cells beside it (``whole_amount``)."""

    def sentence(*parts: str) -> str:  # texts, with the amount between them
        amount = "&" + WHOLE_AMOUNT_FORMULA.format(x=f"ABS({gap})") + "&"
        return amount.join(string_literal(p) for p in parts)

    s, c = supplier, customer
    balanced = string_literal(f"Balanced: {s} and {c} are at the target share.")
    ahead = sentence(f"{s} ahead by ", f": look for ideas that favour {c}, or transfer ", f" to {c}.")
    premium = " (e.g. as a price premium)."
    behind = sentence(f"{c} ahead by ", f": look for ideas that favour {s}, or {c} transfers ", premium)
    return f"IF(ABS({gap})<={BALANCE_TOLERANCE},{balanced},IF({gap}>0,{ahead},{behind}))"


# --- the true-up on realised value (issue 15, ``core.true_up``) --------------------------------------


def year_criteria(first_year: bool, start: str, to: str, last: int) -> str:
    """SUMIFS/COUNTIFS criteria: the Tracking rows (to row ``last``) whose month lies in the contract
    year from ``start`` to ``to`` (year 1: also the months before it; ``core.tracking.contract_year``)."""
    template = FIRST_YEAR_CRITERIA if first_year else LATER_YEAR_CRITERIA
    return template.format(months=tracking_range(MONTH, last), start=start, to=to)


def year_rows(idea_criterion: str, criteria: str, last: int) -> str:
    """How many Tracking rows of the idea lie in the year (``year_criteria``): > 0, the year is reported."""
    return f"COUNTIFS({tracking_range(col.IDEA_ID, last)},{idea_criterion},{criteria})"


def year_realised(idea_criterion: str, name: str, criteria: str, last: int) -> str:
    """One firm's realised value of the idea in the year (``core.true_up.by_year`` of its months)."""
    ids = tracking_range(col.IDEA_ID, last)
    return f"SUMIFS({tracking_range(name, last)},{ids},{idea_criterion},{criteria})"


def plan_month(idea_criterion: str, last: int) -> str:
    """The month index (``core.tracking.month_index``) of the idea's Start; blank without a Start."""
    start = idea_amount(idea_criterion, col.START, last)
    return f'IF({start}=0,"",YEAR({start})*12+MONTH({start})-1)'


def last_reported_day(idea_criterion: str, idea_literal: str, last: int) -> str:
    """The latest Month of the idea's Tracking rows (to row ``last``), blank without one
    (``core.true_up.last_reported_day``): MAX of an IF over the rows, so an array formula. Month
    cells that are not dates are left out, as the SUMIFS criteria of the years leave them out."""
    ids, months = tracking_range(col.IDEA_ID, last), tracking_range(MONTH, last)
    latest = f"MAX(IF({ids}={idea_literal},IF(ISNUMBER({months}),{months},0),0))"
    return f'IF(COUNTIFS({ids},{idea_criterion},{months},">0")=0,"",{latest})'


def compared_through(year: tuple[int | None, int], day: str) -> str:
    """The last month index of the contract year of month indexes ``year`` = [from, to) whose plan
    the true-up compares with (``core.true_up.compared_through``): the month of the idea's last
    report (the ``day`` cell, ``last_reported_day``) when it falls in the year (year 1, from =
    None: also before it), else the year's last month."""
    start, stop = year
    month = f"(YEAR({day})*12+MONTH({day})-1)"
    inside = f"{month}<{stop}" if start is None else f"AND({month}>={start},{month}<{stop})"
    return f'IF({day}="",{stop - 1},IF({inside},{month},{stop - 1}))'


def year_planned(
    flag: str,
    first: str,
    idea_criterion: str,
    annual: str,
    one_time: str,
    year: tuple[int | None, str],
    last: int,
) -> str:
    """One firm's planned value of the idea that the contract year of month indexes ``year`` =
    [from, through] is compared with (``core.true_up.compared_plan`` added up over the year;
    ``through``: the cell of ``compared_through``): annual / 12 times the months of the plan (from
    the Start month ``first`` for 12 x Horizon years, the part month last) that fall in it, plus the
    one-time amount when the Start month does. Year 1 (from = None) also takes the months before the
    wave start. Nothing while the idea is out of the passbook (``flag``)."""
    start, through = year
    lower = first if start is None else f"MAX({start},{first})"
    months = f"MAX(0,MIN({through}+1,{first}+12*{HORIZON})-{lower})"
    starts_in = f"{first}<={through}" if start is None else f"AND({first}>={start},{first}<={through})"
    a, o = idea_amount(idea_criterion, annual, last), idea_amount(idea_criterion, one_time, last)
    return f'IF(OR({flag}<>"{YES}",{first}=""),0,{a}/12*{months}+IF({starts_in},{o},0))'


def applied_share(idea_id: str) -> str:
    """The Supplier share the idea's method reads: its own, blank = the target supplier share
    (``core.true_up.idea_share``)."""
    share = F.idea_lookup(idea_id, col.SUPPLIER_SHARE)
    target = L.SETTING_NAMES["target_supplier_share"]
    return f"IFERROR(IF({is_blank(share)},{target},{number(share)}),{target})"


def year_transfer(method: str, supplier: str, customer: str, share: str) -> str:
    """T of the idea's applied method (the ``method`` cell) over one year's amounts
    (``core.true_up.method_transfer``; ``none`` gives 0)."""
    return method_transfer(method, {"vs": supplier, "vc": customer, "share": share})


def year_settlement(rows: str, planned: str, realised: str) -> str:
    """realised T - planned T of a reported year, else 0 (``YearTrueUp.settlement``)."""
    return f"IF({rows}>0,{realised}-{planned},0)"


def is_trued_up(idea_id: str) -> str:
    """TRUE while the idea's True-up cell says Yes (``core.true_up.is_true_up``)."""
    return f"IFERROR({is_yes(F.idea_lookup(idea_id, col.TRUE_UP))},FALSE)"


def settlement_reading(amount: str, supplier: str, customer: str) -> str:
    """``core.true_up.settlement_reading`` as a formula over the settlement cell."""
    whole = WHOLE_AMOUNT_FORMULA.format(x=f"ABS({amount})")
    owes = string_literal(f"{supplier} owes {customer} ")
    owed = string_literal(f"{customer} owes {supplier} ")
    return f'IF(ABS({amount})<={BALANCE_TOLERANCE},"Settled",IF({amount}>0,{owes},{owed})&{whole})'


# --- the Sign-off sheet --------------------------------------------------------------------------------


def in_passbook_total(amounts: str, flags: str) -> str:
    """A Sign-off column added up over the listed ideas whose Status puts them in the passbook now."""
    return f'SUMIFS({amounts},{flags},"{YES}")'


def listed_total(amounts: str, ids: str) -> str:
    """A Sign-off column added up over the lines of the listed ideas (an Idea ID in ``ids``): a
    bundle's own line, which has none, adds up its members' lines below it and is not counted again."""
    return f'SUMIFS({amounts},{ids},"?*")'


# --- the Monthly report --------------------------------------------------------------------------------


# The Monthly report's formulas that must be written as array formulas (see the module's docstring).
ARRAY_FORMULAS = ("planned", "figure_year")


def planned(month_index: int, annual: str, one_time: str, last: int) -> str:
    """One firm's planned value in month ``month_index`` (``tracking.month_index``): every idea in
    the passbook adds its ``annual`` amount / 12 times the month's share (1 for each whole month
    from its Start's month, the part month of a fractional horizon last) and its ``one_time`` amount
    in the Start month (``tracking.idea_plan``). Blank amounts count as 0; an idea without a Start
    plans nothing (its month lies far outside the horizon). The Ideas rows to ``last`` are read;
    an array formula (``ARRAY_FORMULAS``)."""
    k, x = _plan_months(month_index, last)  # months since the Start's month; the plan's (part month last)
    flags = spellings.excel_status_flags(ideas_range(col.STATUS, last))
    share = f"({k}>=0)*(({k}+1<={x})+({k}<{x})*({k}+1>{x})*({x}-{k}))"
    return (
        f"SUMPRODUCT({flags}*{share},{ideas_range(annual, last)})/12"
        f"+SUMPRODUCT({flags}*({k}=0),{ideas_range(one_time, last)})"
    )


def _plan_months(month_index: int, last: int) -> tuple[str, str]:
    """(months since each idea's Start month, months of the plan) over the Ideas rows to ``last``."""
    start = ideas_range(col.START, last)
    return f"({month_index}-(YEAR({start})*12+MONTH({start})-1))", f"(12*{HORIZON})"


def figure_year(month_index: int, year: int, reported: str, last: int) -> str:
    """The month's contract ``year`` when the month has a figure (an idea in the passbook with an
    amount plans in it, or the Tracking sheet reports it: ``reported`` is its month-reported
    helper), else 0; the report shows the contract years up to the last one with a figure. The
    Ideas rows to ``last`` are read; an array formula (``ARRAY_FORMULAS``)."""
    k, months = _plan_months(month_index, last)
    flags = spellings.excel_status_flags(ideas_range(col.STATUS, last))
    amounts = "+".join(f'({ideas_range(name, last)}<>"")' for name in col.VALUE_INPUTS)
    planning = f"SUMPRODUCT({flags}*({k}>=0)*({k}<{months})*(({amounts})>0))"
    return f"IF(OR({reported}>0,{planning}>0),{year},0)"


def last_year(helpers: str) -> str:
    """The last contract year with a figure (year 1 at least)."""
    return f"MAX(1,{helpers})"


def in_year(year: int, last: str, formula: str) -> str:
    """A contract year's cell: blank after the last year with a figure."""
    return f'IF({year}>{last},"",{formula})'


def _tracked(month_cell: str, next_month: str, last: int) -> str:
    """SUMIFS/COUNTIFS criteria: Tracking rows (to row ``last``) with an idea and a month in the
    month starting at ``month_cell`` (the next month starts at serial ``next_month``), in any order."""
    months = tracking_range(MONTH, last)
    return f'{tracking_range(col.IDEA_ID, last)},"<>",{months},">="&{month_cell},{months},"<"&{next_month}'


def month_reported(month_cell: str, next_month: str, last: int) -> str:
    """The last day of the month when a Tracking row reports it, else 0 (the report's helper)."""
    return f"IF(COUNTIFS({_tracked(month_cell, next_month, last)})>0,{next_month}-1,0)"


def reported_up_to(helper_range: str) -> str:
    """The last day of the last month reported ("Reported up to"), blank before any report."""
    return f'IF(MAX({helper_range})=0,"",MAX({helper_range}))'


def realised_month(month_cell: str, next_month: str, reported: str, name: str, last: int) -> str:
    """One firm's realised value in a month (``tracking.relationship_months``); blank after the
    last month reported, so the chart's line stops there (``tracking.month_table``)."""
    return (
        f'IF(OR({reported}="",{month_cell}>{reported}),"",'
        f"SUMIFS({tracking_range(name, last)},{_tracked(month_cell, next_month, last)}))"
    )


def running_total(here: str, before: str | None, blank_stops: bool) -> str:
    """A running total; ``blank_stops``: blank where the month's amount is blank (not reported)."""
    total = here if before is None else f"{before}+{here}"
    return f'IF({here}="","",{total})' if blank_stops else total


def chart_value(cell: str) -> str:
    """A figure as a line chart should draw it: #N/A (left out) where the cell is blank."""
    return f'IF({cell}="",NA(),{cell})'
