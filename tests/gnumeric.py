"""Gnumeric, headless, as a second independent spreadsheet engine for the tests (issue 12).

``Gnumeric.recalculate`` runs ``ssconvert --recalc IN OUT`` (Debian package ``gnumeric``) on each
workbook and returns the recalculated copies, so reading them with openpyxl (``data_only=True``)
gives Gnumeric's own answers. ``--recalc`` recalculates every formula after loading, whether the file
carries cached values, stale ones or none (openpyxl saves formulas without them); without it ssconvert
would write the cached values back as it found them.

What Gnumeric 1.12.55 makes of an .xlsx, found by trying (tests/gnumeric.py's own tests keep it so):
- workbook-level defined names (``HorizonYears`` -> Settings!$B$7) are read and used by formulas;
- ``TRIM(CLEAN(TRUE&""))`` gives "TRUE" and ``TRIM(CLEAN(1&""))`` "1", as in Excel and LibreOffice;
  text such as "60%" is turned into 0.6 by arithmetic;
- an array constant is NOT what Excel reads: a quoted element that looks like a boolean or a number
  is imported as that boolean or number (``{"yes","true","1"}`` becomes ``{"yes",TRUE,1}``), and
  ``OR(x={...})`` in an ordinary (non-array) cell formula compares ``x`` with the first element only.
  ``SUMPRODUCT`` does evaluate the array, but still against the converted elements. Formulas that
  must agree in Gnumeric compare with each text in turn (``OR(x="yes",x="y",...)``);
- ``TRIM``/``CLEAN`` of a range inside ``SUMPRODUCT`` is not taken cell by cell: the range is
  intersected with the formula's own row (#VALUE! outside it), so
  ``SUMPRODUCT((TRIM(CLEAN(A2:A99&""))="x")*ROW(A2:A99))`` finds nothing where Excel finds the row;
  the plain comparison ``SUMPRODUCT((A2:A99="x")*ROW(A2:A99))`` works, and so does the same formula
  written as an array formula (``<f t="array">``), which the Monthly report's sums are;
- ``SUMIFS``/``COUNTIFS`` over a whole column (``Ideas!$T:$T``) visit all 1,048,576 rows: about 60 ms
  each, where a bounded range (``Ideas!$T$4:$T$1000``) costs a fraction of a millisecond, so the
  live formulas read bounded ranges (``generate.live_formulas``). ``SUM`` and ``INDEX``/``MATCH``
  over a whole column are fast.
ssconvert takes one workbook per call: about a second for a customer workbook's Ideas sheet of 250
ideas, a few seconds for a whole customer workbook of 60 ideas.

When ssconvert is missing the tests that need it are skipped with a reason, except under ``CI=true``
where a missing Gnumeric fails them (``.ci/run`` installs it): CI must prove the formulas.
"""

from __future__ import annotations

import os
import shutil
import warnings
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from processes import run_killable

TIMEOUT_SECONDS = 240
PACKAGE = "gnumeric"
IMPORTER = "Gnumeric_Excel:xlsx"  # Office Open XML, as Excel 2007/2010 write it
EXPORTER = "Gnumeric_Excel:xlsx2"  # ISO/IEC 29500:2008, what openpyxl reads


def find_ssconvert() -> str | None:
    return shutil.which("ssconvert")


def require_ssconvert() -> str:
    """The ssconvert executable; skip (locally) or fail (CI=true) when Gnumeric is not installed."""
    exe = find_ssconvert()
    if exe is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Gnumeric (ssconvert) is required under CI=true: install the package {PACKAGE}")
        pytest.skip(f"Gnumeric (ssconvert) is not installed (package {PACKAGE}); the check needs it")
    return exe


class Gnumeric:
    """ssconvert with a private home directory, so no user configuration changes its results."""

    def __init__(self, home: Path, exe: str | None = None) -> None:
        self.exe = exe or require_ssconvert()
        self.home = Path(home)
        self.home.mkdir(parents=True, exist_ok=True)

    def _run(self, source: Path, target: Path) -> None:
        # The importer is named: given a damaged file, ssconvert would otherwise fall back to its text
        # importer and "succeed" with the bytes in cell A1.
        command = [
            self.exe,
            "--import-type",
            IMPORTER,
            "--export-type",
            EXPORTER,
            "--recalc",
            str(source),
            str(target),
        ]
        # Gnumeric reads its settings through GSettings/dconf: a private HOME and the in-memory
        # backend keep a developer's preferences out of the results and nothing is written there.
        env = {**os.environ, "HOME": str(self.home), "GSETTINGS_BACKEND": "memory"}
        code, out, err = run_killable(
            command,
            TIMEOUT_SECONDS,
            f"Gnumeric (ssconvert --recalc) did not finish {source.name} within {TIMEOUT_SECONDS} s",
            env=env,
        )
        if code != 0 or not target.exists() or target.stat().st_size == 0:
            raise AssertionError(
                f"Gnumeric could not recalculate {source} (ssconvert exit {code}, "
                f"{'no' if not target.exists() else 'an empty'} output {target.name})\n"
                f"command: {' '.join(command)}\n"
                f"stdout: {out.decode(errors='replace')}\nstderr: {err.decode(errors='replace')}"
            )

    def recalculate(self, files: Sequence[Path], outdir: Path) -> list[Path]:
        """Recalculated copies (.xlsx, same file names) of the workbooks, written to ``outdir``."""
        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        results = []
        for source in files:
            target = outdir / (Path(source).stem + ".xlsx")
            if target.exists():
                target.unlink()  # a stale copy must not pass for a result
            self._run(Path(source).resolve(), target)
            results.append(target)
        return results


def load_values(path: Path, read_only: bool = False) -> openpyxl.Workbook:
    """A workbook Gnumeric wrote, for reading its values (openpyxl, ``data_only``)."""
    with warnings.catch_warnings():
        # Gnumeric writes no default cell style; openpyxl says so and applies its own.
        warnings.filterwarnings("ignore", "Workbook contains no default style", UserWarning)
        return openpyxl.load_workbook(path, data_only=True, read_only=read_only)


@pytest.fixture(scope="session")
def gnumeric(tmp_path_factory: pytest.TempPathFactory) -> Gnumeric:
    """A Gnumeric (ssconvert) with a private home directory shared by the whole test session."""
    return Gnumeric(tmp_path_factory.mktemp("gnumeric-home"))
