"""Rebuild docs/pages/: one small image of the first printed page of each sheet kind (issue 12).

    .venv/bin/python docs/render_pages.py [--out docs/pages] [--keep DIR]

The demo's master, one customer workbook and the consolidated sign-off are written to a temporary
folder (``cvm-xl demo``), printed to PDF by LibreOffice in a private profile (as
tests/libreoffice.py does: headless, never the user's own profile) and each sheet's first page is
turned into a PNG at 60 dpi by poppler's ``pdftoppm``. Which page belongs to which sheet is read
from the page's text (``pdftotext``): every generated sheet prints its name in the footer, and the
master's sheets do too. Needs soffice, pdftotext and pdftoppm on the PATH.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "docs" / "pages"
DPI = 60
TIMEOUT = 300
# The customer whose workbook is shown: the demo customer with the most ideas (its screening is
# not shared, so its Relationship sheet shows what such a customer sees).
CUSTOMER_FILE = "C-AUT*.xlsx"
# One page per sheet kind: every sheet of a customer workbook; of the sign-off the summary, one of
# the breakdowns (all alike), the portfolio and the detail (its Settings sheet is the customer's);
# of the master one input table and one relationship table (all alike).
SHEETS: dict[str, tuple[str, ...] | None] = {
    "master": ("Ideas", "Risks"),
    "customer": None,
    "signoff": ("Summary", "Portfolio", "By cell", "Detail"),
}
# Footers end with "Page n of N": the sheet name stands before it (``page_setup``'s footer).
FOOTER = re.compile(r"^(?P<sheet>\S.*?)\s+Page \d+ of \d+\s*$", re.M)
_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Misc">
 <prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def _run(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=True)
    return done.stdout


def to_pdf(books: list[Path], outdir: Path, profile: Path) -> list[Path]:
    """Each workbook printed to PDF by one headless soffice call in the private ``profile``."""
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_XCU, encoding="utf-8")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice (LibreOffice) is needed to print the workbooks")
    _run([
        soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
        "--nolockcheck", "--convert-to", "pdf", "--outdir", str(outdir), *map(str, books),
    ])  # fmt: skip
    return [outdir / f"{book.stem}.pdf" for book in books]


def page_count(pdf: Path) -> int:
    match = re.search(r"^Pages:\s+(\d+)", _run(["pdfinfo", str(pdf)]), re.M)
    return int(match.group(1)) if match else 0


def first_pages(pdf: Path) -> dict[str, int]:
    """Sheet name -> the number of its first page in the PDF (read from each page's footer)."""
    found: dict[str, int] = {}
    for page in range(1, page_count(pdf) + 1):
        text = _run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"])
        footers = FOOTER.findall(text)
        if footers:  # page numbers run through the whole PDF: a sheet's first page is its first
            found.setdefault(footers[-1].strip(), page)
    return found


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def render(out: Path, work: Path) -> list[Path]:
    """Write the demo into ``work``, print it and keep one PNG per sheet kind in ``out``."""
    demo = work / "demo"
    _run([sys.executable, "-m", "cvm_xl", "demo", "--out", str(demo), "--force"])
    books = {
        "master": demo / "cvm_master.xlsx",
        "customer": sorted((demo / "customers").glob(CUSTOMER_FILE))[0],
        "signoff": demo / "cvm_signoff.xlsx",
    }
    pdfs = to_pdf(list(books.values()), work / "pdf", work / "profile")
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    written = []
    for (kind, _), pdf in zip(books.items(), pdfs, strict=True):
        wanted = SHEETS[kind]
        for sheet, page in first_pages(pdf).items():
            if wanted is not None and sheet not in wanted:
                continue
            target = out / f"{kind}-{_slug(sheet)}"
            _run(["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile",
                  str(pdf), str(target)])  # fmt: skip
            written.append(target.with_suffix(".png"))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PAGES, help="folder of the images (default docs/pages)")
    parser.add_argument("--keep", type=Path, help="keep the demo and the PDFs in this folder")
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        written = render(args.out, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="cvm-pages-") as work:
            written = render(args.out, Path(work))
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
