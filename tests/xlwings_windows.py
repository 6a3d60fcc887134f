"""xlwings' Windows conversion on any platform, for the tests and the UDF benchmark (issue 17).

``excel_call`` calls a worksheet function the way xlwings' COM server does (``xlwings.udfs.call_udf``
and ``XLPython.CallUDF``): each argument as pywin32 hands it over (an error cell is the integer
SCODE, a range a tuple of row tuples) is read by ``xlwings.conversion.read`` with the options the
function declares, and the result is written by ``xlwings.conversion.write`` with the declared
return options. The engine behind the conversion is xlwings' Windows one: its cleaning functions
are compiled from xlwings' ``_xlwindows.py`` (the module itself needs pywin32), so the error table
and the cleaning are xlwings' own. ``windows_excel()`` installs that engine as xlwings.engines["excel"].
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib.util
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlwings
from xlwings import conversion

from udfs import cvm_udfs, xl
from udfs.excel_errors import EXCEL_ERRORS, com_error_code

WINDOWS_PARTS = ("cell_errors", "_clean_value_data_element", "_com_time_to_datetime")


def _windows_engine() -> Any:
    """xlwings' Windows engine's cleaning functions, compiled from its source."""
    origin = importlib.util.find_spec("xlwings").origin
    path = Path(origin).with_name("_xlwindows.py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes: list[ast.stmt] = []
    engine = None
    for node in tree.body:
        names = {getattr(node, "name", "")} | {getattr(t, "id", "") for t in getattr(node, "targets", ())}
        if isinstance(node, ast.FunctionDef | ast.Assign) and names & set(WINDOWS_PARTS):
            nodes.append(node)
        elif isinstance(node, ast.ClassDef) and node.name == "Engine":
            engine = node
    assert engine is not None and len(nodes) == len(WINDOWS_PARTS)
    nodes.append(engine)
    namespace: dict[str, Any] = {
        "dt": dt, "np": np, "pd": pd, "time_types": (dt.date, dt.datetime),
        "_datetime_to_com_time": lambda value: value,  # pywintypes' time: no dates in these calls
    }  # fmt: skip
    exec(compile(ast.Module(body=nodes, type_ignores=[]), str(path), "exec"), namespace)
    return namespace


WINDOWS = _windows_engine()


@contextmanager
def windows_excel() -> Iterator[None]:
    """xlwings.engines["excel"] as on Windows, inside the ``with`` block only."""
    names = xlwings.engines.engines_by_name
    before = names.get("excel")
    names["excel"] = xlwings.main.Engine(WINDOWS["Engine"]())
    try:
        yield
    finally:
        if before is None:
            del names["excel"]
        else:
            names["excel"] = before


def com(value: Any) -> Any:
    """A cell or rows of cells as pywin32 hands them over: error text -> the error's SCODE, lists ->
    tuples, None -> an empty cell."""
    if isinstance(value, list):
        return tuple(com(row) for row in value)
    if isinstance(value, str) and value in EXCEL_ERRORS:
        return com_error_code(value)
    return value


def excel_call(name: str, *cells: Any) -> Any:
    """``name`` called as xlwings' ``call_udf`` and ``XLPython.CallUDF`` call it from a worksheet,
    with cells as the tests write them (``com`` turns them into what pywin32 hands over)."""
    return com_call(name, [None if c is None else com(c) for c in cells])


def com_call(name: str, raw: Sequence[Any]) -> Any:
    """``name`` called with arguments already in pywin32's form (None: an argument left out)."""
    function = getattr(cvm_udfs, name)
    info = xl.udf_info(function)
    values = [*raw, *[None] * (len(info["args"]) - len(raw))]
    args = []
    for arg_info, value in zip(info["args"], values, strict=True):
        if arg_info["name"] == "caller":
            args.append(None)  # the caller's Range: none here, the cases pass their settings
        elif value is None and "optional" in arg_info:
            args.append(arg_info["optional"])  # an argument left out
        else:
            args.append(conversion.read(None, value, arg_info["options"]))
    result = conversion.write(function(*args), None, info["ret"]["options"])
    if len(result) == 1 and len(result[0]) == 1:  # XLPython.CallUDF hands VBA one cell as a value
        return result[0][0]
    return result


def read_back(value: Any) -> Any:
    """A result as a cell holding it reads back through xlwings with err_to_str."""
    rows = value if isinstance(value, list) else [[value]]
    cleaned = WINDOWS["Engine"].clean_value_data(rows, dt.datetime, None, None, True)
    return cleaned if isinstance(value, list) else cleaned[0][0]
