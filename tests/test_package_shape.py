"""The shape of the package that import-linter cannot see (ARCHITECTURE.md): every import of
cvm-xl's own modules sits at the top of its module (a function-local import would hide a cycle
from the layer contracts), and private names (``_x``) are not imported from another package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*(ROOT / "cvm_xl").rglob("*.py"), *(ROOT / "udfs").rglob("*.py")])
OWN = ("cvm_xl", "udfs")


def _own_module(node: ast.Import | ast.ImportFrom) -> str | None:
    if isinstance(node, ast.ImportFrom):
        if node.level:  # relative imports are not used: every import names its layer
            return "." * node.level + (node.module or "")
        return node.module if node.module and node.module.startswith(OWN) else None
    names = [a.name for a in node.names if a.name.startswith(OWN)]
    return names[0] if names else None


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_own_imports_are_at_module_level_absolute_and_public(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _package(".".join(path.relative_to(ROOT).with_suffix("").parts))
    wrong = []
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom) and _own_module(node):
                    wrong.append(f"line {node.lineno}: {_own_module(node)} imported inside {function.name}()")
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (module := _own_module(node)):
            if module.startswith("."):
                wrong.append(f"line {node.lineno}: relative import {module}")
                continue
            private = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
            if private and _package(module) != here:
                wrong.append(f"line {node.lineno}: private {', '.join(private)} from {module}")
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_a_function_local_import(tmp_path: Path) -> None:
    """The rule above fails on the thing it forbids (so it is not a test that cannot fail)."""
    source = "def f():\n    from cvm_xl.core.values import net\n    return net\n"
    tree = ast.parse(source)
    local = [
        n
        for fn in ast.walk(tree)
        if isinstance(fn, ast.FunctionDef)
        for n in ast.walk(fn)
        if isinstance(n, ast.ImportFrom) and _own_module(n)
    ]
    assert len(local) == 1
