"""LibreOffice, headless, as an independent spreadsheet engine for the tests.

``LibreOffice.recalculate`` opens workbooks in a private user profile that forces a full
recalculation on load (``OOXMLRecalcMode`` = 0, "always"; otherwise LibreOffice would show the
cached values the file carries) and saves them again, so reading the result with openpyxl
(``data_only=True``) gives LibreOffice's own answers. Several files go through one soffice call.

When soffice is missing the tests that need it are skipped with a reason, except under ``CI=true``
where a missing LibreOffice fails them: CI must prove the formulas.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from processes import run_killable

TIMEOUT_SECONDS = 240
_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">
 <prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    """The soffice executable; skip (locally) or fail (CI=true) when LibreOffice is not installed."""
    exe = find_soffice()
    if exe is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("LibreOffice (soffice) is required under CI=true: install libreoffice-calc-nogui")
        pytest.skip("LibreOffice (soffice) is not installed; the recalculation check needs it")
    return exe


class LibreOffice:
    """One private LibreOffice profile for a test session."""

    def __init__(self, profile: Path, exe: str | None = None) -> None:
        self.exe = exe or require_soffice()
        self.profile = Path(profile)
        user = self.profile / "user"
        user.mkdir(parents=True, exist_ok=True)
        (user / "registrymodifications.xcu").write_text(_XCU, encoding="utf-8")

    def convert(self, files: Sequence[Path], to: str, outdir: Path) -> list[Path]:
        """Convert files with one soffice call; returns the output paths in input order."""
        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        command = [
            self.exe,
            f"-env:UserInstallation={self.profile.resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            to,
            "--outdir",
            str(outdir),
            *[str(Path(f).resolve()) for f in files],
        ]
        code, out, err = run_killable(
            command, TIMEOUT_SECONDS, f"LibreOffice did not finish within {TIMEOUT_SECONDS} s"
        )
        extension = to.split(":")[0]
        results = [outdir / (Path(f).stem + "." + extension) for f in files]
        missing = [str(p) for p in results if not p.exists()]
        if code != 0 or missing:
            raise AssertionError(
                f"LibreOffice conversion failed (exit {code}); missing {missing}\n"
                f"stdout: {out.decode(errors='replace')}\nstderr: {err.decode(errors='replace')}"
            )
        return results

    def recalculate(self, files: Sequence[Path], outdir: Path) -> list[Path]:
        """Recalculated copies (.xlsx) of the workbooks, written to ``outdir``."""
        return self.convert(files, "xlsx:Calc MS Excel 2007 XML", outdir)

    def to_pdf(self, files: Sequence[Path], outdir: Path) -> list[Path]:
        return self.convert(files, "pdf", outdir)


def render_png(pdf: Path, outdir: Path, resolution: int = 60) -> list[Path]:
    """Every page of a PDF as a PNG (pdftoppm), in page order."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    Path(outdir).mkdir(parents=True, exist_ok=True)
    prefix = Path(outdir) / pdf.stem
    subprocess.run([exe, "-png", "-r", str(resolution), str(pdf), str(prefix)], check=True, timeout=120)
    return sorted(Path(outdir).glob(f"{pdf.stem}*.png"))


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory: pytest.TempPathFactory) -> LibreOffice:
    """A LibreOffice with a private profile shared by the whole test session."""
    return LibreOffice(tmp_path_factory.mktemp("libreoffice-profile"))


CENT = 0.005


def zero_cached_results(source: Path, target: Path) -> None:
    """A copy whose every cached formula result is 0, also an empty one (``<v/>``, as openpyxl writes
    it with lxml): LibreOffice or Gnumeric must compute the sheets itself."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"</f><v>[^<]*</v>|</f><v\s*/>", b"</f><v>0</v>", data)
            zout.writestr(item, data)


def is_blank(x: object) -> bool:
    return x is None or x == "" or (isinstance(x, float) and math.isnan(x))


def assert_cell(actual: object, expected: object, where: str, tolerance: float = CENT) -> None:
    """A cell value (as LibreOffice or a report gives it) against cvm-xl's: blank, text and dates
    exactly, numbers within ``tolerance`` (to the cent by default)."""
    if is_blank(expected):
        assert is_blank(actual), f"{where}: expected blank, got {actual!r}"
    elif isinstance(expected, str):
        assert actual == expected, f"{where}: expected {expected!r}, got {actual!r}"
    elif isinstance(expected, dt.date):
        got = actual.date() if isinstance(actual, dt.datetime) else actual
        assert got == expected, f"{where}: expected {expected}, got {actual!r}"
    else:
        assert isinstance(actual, int | float), f"{where}: expected {expected!r}, got {actual!r}"
        assert abs(actual - float(expected)) < tolerance, f"{where}: expected {expected!r}, got {actual!r}"
