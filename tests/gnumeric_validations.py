"""The cell validations Gnumeric reads from a workbook (issue 12: Gnumeric keeps the dropdowns).

``read_validations`` converts a workbook to Gnumeric's own file format with ``ssconvert`` (the
``gnumeric`` fixture's executable and private home) and returns every validation as Gnumeric holds
it: its style (GNM_VALIDATION_STYLE_INFO for information), type, message and the formula
(``Expression0``). A list formula Gnumeric could not read comes back as ``error("...")``.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from gnumeric import IMPORTER, TIMEOUT_SECONDS, Gnumeric

EXPORTER = "Gnumeric_XmlIO:sax"  # Gnumeric's native .gnumeric file (gzipped XML)
NS = {"gnm": "http://www.gnumeric.org/v10.dtd"}


@dataclass(frozen=True)
class Validation:
    sheet: str
    style: str
    type: str
    message: str
    expression: str


def read_validations(gnumeric: Gnumeric, source: Path, outdir: Path) -> list[Validation]:
    """Every validation of every sheet of ``source`` as Gnumeric reads it."""
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / (source.stem + ".gnumeric")
    env = {**os.environ, "HOME": str(gnumeric.home), "GSETTINGS_BACKEND": "memory"}
    done = subprocess.run(
        [gnumeric.exe, "--import-type", IMPORTER, "--export-type", EXPORTER, str(source), str(target)],
        capture_output=True,
        env=env,
        timeout=TIMEOUT_SECONDS,
    )
    assert done.returncode == 0 and target.exists(), done.stderr.decode(errors="replace")
    root = ET.fromstring(gzip.decompress(target.read_bytes()))
    found = []
    for sheet in root.iterfind(".//gnm:Sheet", NS):
        name = sheet.findtext("gnm:Name", default="", namespaces=NS)
        for v in sheet.iterfind(".//gnm:Validation", NS):
            found.append(
                Validation(
                    sheet=name,
                    style=v.get("Style", ""),
                    type=v.get("Type", ""),
                    message=v.get("Message", ""),
                    expression=v.findtext("gnm:Expression0", default="", namespaces=NS),
                )
            )
    return found
