"""The template's Ideas formulas read as calls: which worksheet function, with which arguments.

The UDF table test (per column, as Excel spills it) and `benchmarks/udf_speed.py` (per row, as
xlwings' COM server receives it) both interpret the formulas of `excel.template.layout`; this is the
one reading of them, so both follow the template when a formula changes.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from cvm_xl.master.schema import SETTINGS_TABLE

GUARD = re.compile(r'^=IF\(tblIdeas\[\[#This Row\],\[Idea ID\]\]="","",(?P<call>.*)\)$')
CALL = re.compile(r"^(?P<name>CVM_[A-Z_]+)\((?P<args>.*)\)$")
THIS_ROW = re.compile(r"^tblIdeas\[\[#This Row\],\[(?P<first>[^\]]+)\](?::\[(?P<last>[^\]]+)\])?\]$")


class Argument(NamedTuple):
    """One argument: ``kind`` is "blank", "settings" (the Settings table), "text" (``value`` the
    text) or "columns" (``value`` the first and last column of this row's span)."""

    kind: str
    value: str | tuple[str, str] | None = None


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


def _argument(arg: str) -> Argument:
    if arg == "":
        return Argument("blank")
    if arg == SETTINGS_TABLE:
        return Argument("settings")
    if arg.startswith('"'):
        return Argument("text", arg.strip('"'))
    ref = THIS_ROW.match(arg)
    assert ref is not None, f"not a reference to this row's cells: {arg}"
    return Argument("columns", (ref["first"], ref["last"] or ref["first"]))


def formula_call(formula: str) -> tuple[str, list[Argument]]:
    """The function a template formula calls inside its blank-Idea-ID guard, and its arguments."""
    guarded = GUARD.match(formula)
    assert guarded is not None, f"not a guarded Ideas formula: {formula}"
    call = CALL.match(guarded["call"])
    assert call is not None, f"not a CVM function call: {guarded['call']}"
    return call["name"], [_argument(a) for a in split_args(call["args"])]
