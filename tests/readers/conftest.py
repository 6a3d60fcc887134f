"""Every kind of file cvm-xl writes, made once per test session for the reader tests (issue 12
"Readable in every reader"), and the JavaScript readers (exceljs, SheetJS) those tests drive.

The files come from the command line as a person runs it: ``init``; ``demo`` (its master, customer
workbooks and consolidated sign-off); the demo master after ``synthesize``, ``select --apply``,
``wave``, ``track``, ``passbook`` and ``import`` of the returned workbooks (so it holds the Wave
plan, Monthly report and Passbook sheets); and the template as ``cvm-xl template`` builds it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from javascript_readers import NODE_DIR, NodeReaders

from cvm_xl.cli import main


def _run(argv: list[str]) -> None:
    code = main(argv)
    assert code in (0, 1), f"cvm-xl {' '.join(argv)} exited {code}"


@pytest.fixture(scope="session")
def reader_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Kind of file -> one such file, written by cvm-xl's commands."""
    root = tmp_path_factory.mktemp("reader-files")
    files: dict[str, Path] = {}
    files["init master"] = root / "init.xlsx"
    _run(["init", str(files["init master"])])
    demo = root / "demo"
    _run(["demo", "--out", str(demo)])
    files["demo master"] = root / "demo_master.xlsx"
    shutil.copyfile(demo / "cvm_master.xlsx", files["demo master"])
    customers = sorted((demo / "customers").glob("*.xlsx"))
    files["customer workbook"] = customers[0]
    files["consolidated sign-off"] = demo / "cvm_signoff.xlsx"
    # Issue 16: the value chain's customer (its Chain sheet) and a partner's own workbook.
    files["chain customer workbook"] = next(p for p in customers if p.name.startswith("C-AUT "))
    partners = root / "partners"
    _run(["generate", str(demo / "cvm_master.xlsx"), "--out", str(partners), "--party", "AUT-SC"])
    files["partner workbook"] = next(partners.glob("AUT-SC *.xlsx"))
    worked = demo / "cvm_master.xlsx"
    for argv in (
        ["synthesize", str(worked)],
        ["select", str(worked), "--apply"],
        ["wave", str(worked)],
        ["track", str(worked)],
        ["passbook", str(worked)],
        ["import", str(worked), *map(str, customers)],
    ):
        _run(argv)
    files["worked master"] = worked
    files["template"] = root / "workbook_template.xlsm"
    _run(["template", "--out", str(files["template"])])
    return files


@pytest.fixture(scope="session")
def node_readers() -> NodeReaders:
    """exceljs and SheetJS, installed from tests/readers/node/package-lock.json by ``npm ci``
    (``python bootstrap.py test`` runs it); skipped locally without them, a failure under CI=true."""
    node = shutil.which("node")
    missing = (
        "node is not installed (Debian package nodejs)"
        if node is None
        else "tests/readers/node has no node_modules: run `npm ci` there (python bootstrap.py test does)"
        if not (NODE_DIR / "node_modules" / "exceljs").is_dir()
        else None
    )
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"The JavaScript readers are required under CI=true: {missing}")
        pytest.skip(missing)
    assert node is not None
    return NodeReaders(node)
