"""xlwings' own UDF decorators and VBA wrapper generator, on every platform.

On Windows with pywin32, ``xlwings.udfs`` imports and its functions are used as they are. On
other platforms that module cannot be imported (it needs pywin32) and ``xlwings.func``/``arg``/
``ret`` are no-ops that record nothing. The functions needed here are pure Python, so they are
compiled from xlwings' own ``udfs.py`` source: the metadata on our functions and the VBA wrappers
built from it are exactly what xlwings' "Import Functions" would produce, and cannot drift from it.
"""

from __future__ import annotations
import __future__

import ast
import datetime as dt
import importlib.util
import inspect
import io
import types
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar, get_args, get_origin, get_type_hints

import xlwings
from xlwings.utils import VBAWriter

NEEDED = (
    "func_sig",
    "get_category",
    "get_async_mode",
    "check_bool",
    "extract_type_and_annotations",
    "xlfunc",
    "xlsub",
    "xlret",
    "xlarg",
    "generate_vba_wrapper",
)


def _udfs_source() -> Path:
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise ImportError("xlwings is not installed")
    return Path(spec.origin).with_name("udfs.py")


def _compiled_from_source() -> dict[str, Any]:
    path = _udfs_source()
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in NEEDED]
    missing = set(NEEDED) - {n.name for n in functions}
    if missing:
        raise ImportError(
            f"xlwings {xlwings.__version__} no longer defines {', '.join(sorted(missing))} in udfs.py; "
            "this version of cvm-xl needs the xlwings version pinned in pyproject.toml"
        )
    code = compile(
        ast.Module(body=[*functions], type_ignores=[]),
        str(path),
        "exec",
        flags=__future__.annotations.compiler_flag,
        dont_inherit=True,
    )
    namespace: dict[str, Any] = {
        "__name__": "xlwings.udfs",
        "inspect": inspect,
        "dt": dt,
        "get_type_hints": get_type_hints,
        "get_origin": get_origin,
        "get_args": get_args,
        "Annotated": Annotated,
        "Any": Any,
        "Callable": Callable,
        "_F": TypeVar("_F"),
        "VBAWriter": VBAWriter,
    }
    exec(code, namespace)
    return {name: namespace[name] for name in NEEDED}


def _load() -> dict[str, Any]:
    try:
        from xlwings import udfs  # Windows with pywin32: the real module
    except ImportError:
        return _compiled_from_source()
    return {name: getattr(udfs, name) for name in NEEDED}


_XLWINGS = _load()
func: Callable[..., Any] = _XLWINGS["xlfunc"]
arg: Callable[..., Any] = _XLWINGS["xlarg"]
ret: Callable[..., Any] = _XLWINGS["xlret"]
sub: Callable[..., Any] = _XLWINGS["xlsub"]
# The attribute in which those decorators record a worksheet function's metadata.
XLFUNC = "__xlfunc__"


class _Workbook:
    """What ``generate_vba_wrapper`` asks of a workbook: its name (".xlam" selects ActiveWorkbook)."""

    def __init__(self, name: str) -> None:
        self.Name = name


def udf_functions(module: types.ModuleType) -> list[Callable[..., Any]]:
    """The functions of ``module`` that carry xlwings UDF metadata, in the order xlwings lists them."""
    return [getattr(module, name) for name in dir(module) if hasattr(getattr(module, name), XLFUNC)]


def udf_info(function: Callable[..., Any]) -> dict[str, Any]:
    """The metadata xlwings' decorators recorded on a worksheet function (name, category, args, ret)."""
    info: dict[str, Any] = getattr(function, XLFUNC)
    return info


def vba_wrappers(module_name: str, module: types.ModuleType, workbook_name: str) -> str:
    """The VBA wrapper functions xlwings' "Import Functions" writes for ``module`` (LF line ends)."""
    buffer = io.StringIO()
    _XLWINGS["generate_vba_wrapper"](module_name, module, buffer, _Workbook(workbook_name))
    return buffer.getvalue()
