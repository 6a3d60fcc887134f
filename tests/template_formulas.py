"""The template's Ideas formulas read as calls: which worksheet function, with which arguments.

The UDF table tests (per column, as Excel spills it) and `benchmarks/udf_speed.py` (per row, as
xlwings' COM server receives it) both interpret the formulas of `excel.template.layout`; this is the
one reading of them, so both follow the template when a formula changes.

A formula is either one call over the row's own cells, or (issue 15, the columns a bundle decides)
``IF(<the row's Bundle is blank>, <own call or "">, INDEX(<call over whole columns>, <the row's
position>))``: a row without a bundle shows its own call, a bundled row its place in the call over
the whole table. ``column_values`` evaluates a formula over a whole table the way Excel does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from cvm_xl.core import columns as col
from cvm_xl.core.spellings import key
from cvm_xl.master.schema import SETTINGS_TABLE
from udfs import cvm_udfs
from udfs.arrays import first_error

GUARD = re.compile(r'^=IF\(tblIdeas\[\[#This Row\],\[Idea ID\]\]="","",(?P<call>.*)\)$')
# The Bundle test, as Excel spells it in the file (formulas.cells.is_blank), and the row's position
# among the table's data rows: the two fixed parts of a bundle-aware formula.
ROUTED = re.compile(
    r'^IF\(TRIM\(CLEAN\(tblIdeas\[\[#This Row\],\[Bundle\]\]&""\)\)="",(?P<own>.*),'
    r"INDEX\((?P<whole>CVM_.*),ROW\(\)-ROW\(tblIdeas\[#Headers\]\)\)\)$"
)
CALL = re.compile(r"^(?P<name>CVM_[A-Z_]+)\((?P<args>.*)\)$")
THIS_ROW = re.compile(r"^tblIdeas\[\[#This Row\],\[(?P<first>[^\]]+)\](?::\[(?P<last>[^\]]+)\])?\]$")
WHOLE = re.compile(r"^tblIdeas\[(?P<column>[^\[\]#]+)\]$")


class Argument(NamedTuple):
    """One argument: ``kind`` is "blank", "settings" (the Settings table), "text" (``value`` the
    text), "columns" (``value`` the first and last column of this row's span) or "whole" (``value``
    the column whose every data row is passed, as (column, column))."""

    kind: str
    value: str | tuple[str, str] | None = None


class Call(NamedTuple):
    name: str
    args: list[Argument]


class IdeaFormula(NamedTuple):
    """What a row shows: ``own`` on a row without a bundle (None: blank, no call), and on a bundled
    row its own position in ``bundled``, a call over whole columns (None: ``own`` there too)."""

    own: Call | None
    bundled: Call | None


def split_args(text: str) -> list[str]:
    """Top-level comma-separated arguments (commas inside [...], (...) or quotes do not split)."""
    args, depth, quoted, current = [], 0, False, ""
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "[(":
            depth += 1
        elif not quoted and ch in "])":
            depth -= 1
        if ch == "," and depth == 0 and not quoted:
            args.append(current)
            current = ""
        else:
            current += ch
    return [*args, current]


def _argument(arg: str, whole: bool) -> Argument:
    if arg == "":
        return Argument("blank")
    if arg == SETTINGS_TABLE:
        return Argument("settings")
    if arg.startswith('"'):
        return Argument("text", arg.strip('"'))
    column = WHOLE.match(arg)
    if column is not None:
        assert whole, f"a whole column in a call over the row's own cells: {arg}"
        return Argument("whole", (column["column"], column["column"]))
    ref = THIS_ROW.match(arg)
    assert ref is not None, f"not a reference to this row's cells or a whole column: {arg}"
    assert not whole, f"this row's cell in a call over whole columns: {arg}"
    return Argument("columns", (ref["first"], ref["last"] or ref["first"]))


def _call(text: str, whole: bool = False) -> Call:
    call = CALL.match(text)
    assert call is not None, f"not a CVM function call: {text}"
    return Call(call["name"], [_argument(a, whole) for a in split_args(call["args"])])


def read_formula(formula: str) -> IdeaFormula:
    """The calls of a template Ideas formula inside its blank-Idea-ID guard."""
    guarded = GUARD.match(formula)
    assert guarded is not None, f"not a guarded Ideas formula: {formula}"
    routed = ROUTED.match(guarded["call"])
    if routed is None:
        return IdeaFormula(_call(guarded["call"]), None)
    own = None if routed["own"] == '""' else _call(routed["own"])
    bundled = _call(routed["whole"], whole=True)
    assert bundled.args[-1] == Argument("whole", (col.BUNDLE, col.BUNDLE)) or bundled.name == "CVM_BUNDLE"
    return IdeaFormula(own, bundled)


def formula_call(formula: str) -> tuple[str, list[Argument]]:
    """The function a template formula calls on a row without a bundle, and its arguments."""
    own = read_formula(formula).own
    assert own is not None, f"blank on a row without a bundle: {formula}"
    return own.name, own.args


def alone(bundle: object) -> bool:
    """Whether the template's Bundle test, TRIM(CLEAN(cell&""))="", finds the row without a bundle:
    ``spellings.key`` is that expression's Python twin (case aside, which "" does not have) for a
    cell that holds something; an empty cell (None) is "" in Excel."""
    return bundle is None or key(bundle) == ""


Invoke = Callable[[str, list[Any]], list[Any]]


def udf_column(name: str, args: list[Any]) -> list[Any]:
    """``invoke`` by the Python worksheet functions: the result's first cell of each row (one row
    comes back as one value); a row showing an error text fails, as no row of these tables should."""
    result = getattr(cvm_udfs, name)(*args)
    rows = result if isinstance(result, list) else [[result]]
    assert first_error(rows) is None, f"{name} failed: {first_error(rows)}"
    return [row[0] for row in rows]


def column_values(
    formula: str,
    table: dict[str, list[Any]],
    settings_rows: list[list[Any]],
    invoke: Invoke = udf_column,
) -> list[Any]:
    """A computed column over ``table`` (every column a list, one entry per data row) as Excel shows
    it: blank without an Idea ID; on a row without a bundle the own call, made once for all such
    rows (the own-cell functions work row by row, so one call over the rows is Excel's many); on a
    bundled row its position in the call over the whole columns. ``invoke(name, args)`` calls a
    worksheet function and returns its rows (a column of one-cell rows)."""
    own, bundled = read_formula(formula)
    n = len(table[col.IDEA_ID])
    named = [i for i in range(n) if table[col.IDEA_ID][i] not in (None, "")]  # the guard's ID=""
    single = [i for i in named if bundled is None or alone(table[col.BUNDLE][i])]
    out: list[Any] = [""] * n
    if single and own is not None:
        for i, value in zip(
            single, invoke(own.name, call_args(own, table, settings_rows, single)), strict=True
        ):
            out[i] = value
    taken = set(single)
    rest = [i for i in named if i not in taken]
    if rest and bundled is not None:
        values = invoke(bundled.name, call_args(bundled, table, settings_rows, range(n)))
        assert len(values) == n, f"{bundled.name} gave {len(values)} rows for {n}"
        for i in rest:
            out[i] = values[i]  # INDEX(..., ROW()-ROW(tblIdeas[#Headers])): the row's own place
    return out


def call_args(
    call: Call, table: dict[str, list[Any]], settings_rows: list[list[Any]], rows: Sequence[int]
) -> list[Any]:
    """The call's arguments over ``rows`` of the table: spans as rows of cells, constants as given."""
    names = list(table)
    args: list[Any] = []
    for arg in call.args:
        if arg.kind == "blank":
            args.append(None)
        elif arg.kind == "settings":
            args.append(settings_rows)
        elif arg.kind == "text":
            args.append(arg.value)
        else:
            first, last = arg.value  # type: ignore[misc]
            span = names[names.index(first) : names.index(last) + 1]
            args.append([[table[c][i] for c in span] for i in rows])
    return args
