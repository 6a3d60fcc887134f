"""Print rendering of a customer workbook through LibreOffice (PDF, then PNG pages).

Checks what a customer sees on paper: every sheet prints, in landscape, and the sign-off sheet with
12 ideas and both signature blocks fits one page. Run this file directly to refresh the README
image (docs/images/customer_workbook_ideas.png):

    python tests/test_generate_render.py
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from generate_fixtures import CUSTOMERS, OWNER, SETTINGS, build_master
from libreoffice import LibreOffice, libreoffice, render_png  # noqa: F401

from cvm_xl.generate import customer_workbook_bytes

CROP = ["-x", "40", "-y", "60", "-W", "1680", "-H", "330"]  # the table at 150 dpi, without the margins
DOCS_IMAGE = Path(__file__).resolve().parents[2] / "docs" / "images" / "customer_workbook_ideas.png"


def twelve_idea_master():
    """One customer with 14 Go ideas, 12 of which make the sign-off sheet."""
    ideas = [
        {"Idea ID": f"K-{k:02d}", "Customer ID": "KAPPA-7", "Title": f"Improvement {k} of usual length",
         "Supplier annual": 10000.0 * k, "Customer annual": 5000.0 * k, "Category": "Operational",
         "Status": "Selected", **OWNER}
        for k in range(1, 15)
    ]  # fmt: skip
    return build_master(
        customers=CUSTOMERS[:1],
        ideas=ideas,
        workshop=[],
        tracking=[],
        settings=SETTINGS.replace(max_sign_off_ideas=12),
    )


def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return text.stdout.split("\f")


def _page_size(pdf: Path, page: int) -> tuple[float, float]:
    info = subprocess.run(
        ["pdfinfo", "-f", str(page), "-l", str(page), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    w, h = re.search(r"Page\s+\d+\s+size:\s+([\d.]+) x ([\d.]+)", info).groups()
    return float(w), float(h)


@pytest.fixture(scope="module")
def rendered(libreoffice, tmp_path_factory):  # noqa: F811
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    out = tmp_path_factory.mktemp("render")
    book = out / "kappa.xlsx"
    book.write_bytes(customer_workbook_bytes(twelve_idea_master(), "KAPPA-7"))
    pdf = libreoffice.to_pdf([book], out / "pdf")[0]
    return pdf, _pdf_pages(pdf), render_png(pdf, out / "png")


def test_every_sheet_prints_landscape(rendered):
    pdf, pages, pngs = rendered
    text = "\n".join(pages)
    for heading in ("Customer Value Management", "Ideas: Kappa Tubes Ltd", "Idea Portfolio Map",
                    "Passbook:", "Value contract", "Settings"):  # fmt: skip
        assert heading in text, heading
    assert len(pngs) == len([p for p in pages if p.strip()])
    for n in range(1, len(pngs) + 1):
        width, height = _page_size(pdf, n)
        assert width > height, f"page {n} is not landscape"


def test_sign_off_with_12_ideas_and_both_signature_blocks_fits_one_page(rendered):
    _, pages, _ = rendered
    sign_off = [i for i, page in enumerate(pages) if "Value contract: ideas for sign-off" in page]
    assert len(sign_off) == 1
    page = pages[sign_off[0]]
    ids = re.findall(r"\bK-\d\d\b", page)
    assert len(set(ids)) == 12
    assert "For Northwind Steel (supplier)" in page and "For Kappa Tubes Ltd (customer)" in page
    assert page.count("Signature") == 2


def refresh_docs_image() -> Path:
    """Render the sample's largest customer's Ideas sheet, narrowed to the columns that tell the
    story (inputs that carry value, and every computed column), as the README image."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from cvm_xl.master.read import load_master
    from cvm_xl.master.write import write_master
    from cvm_xl.sample import sample_settings, sample_tables

    work = Path("/tmp") / f"cvm-xl-docs-{dt.datetime.now():%H%M%S}"
    work.mkdir(parents=True)
    write_master(work / "master.xlsx", sample_settings(), sample_tables())
    master = load_master(work / "master.xlsx")
    book = work / "ideas.xlsx"
    book.write_bytes(customer_workbook_bytes(master, "C-AUT"))
    _ideas_only(book)
    lo = LibreOffice(work / "profile")
    pdf = lo.to_pdf([book], work / "pdf")[0]
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", *CROP, str(pdf), str(work / "page")],
        check=True,
    )
    page = next(work.glob("page*.png"))
    DOCS_IMAGE.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(page, DOCS_IMAGE)
    return DOCS_IMAGE


def _ideas_only(book: Path) -> None:
    """Print only the Ideas sheet, one page wide, without the columns a reader of the image can skip."""
    import openpyxl
    from openpyxl.styles import Alignment

    wb = openpyxl.load_workbook(book)
    for ws in wb.worksheets:
        if ws.title != "Ideas":
            ws.sheet_state = "hidden"
    ws = wb["Ideas"]
    wb.active = wb.worksheets.index(ws)
    for letter in ("B", "D", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "AB"):
        ws.column_dimensions[letter].hidden = True
    ws.page_setup.fitToWidth = 1
    ws.print_title_cols = None
    for r in range(4, ws.max_row + 1):
        ws.row_dimensions[r].height = None  # heights were for the (hidden) descriptions
        ws.cell(r, 3).alignment = Alignment(vertical="center")
    wb.save(book)


if __name__ == "__main__":
    print(refresh_docs_image())
