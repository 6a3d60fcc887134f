"""Generated workbooks (SPEC §7): one per customer, and the consolidated sign-off.

    generate_customer_books(master, out_dir, customer_ids=None, force=False) -> list[BookResult]
    customer_workbook_bytes(master, customer_id) -> bytes
    signoff_workbook_bytes(master) -> bytes
    write_signoff_book(master, path, force=False) -> None | reason refused

``write_signoff_workbook`` raises ``WorkbookError`` for a refusal; ``refusal`` is that Problem.
``cvm_xl.cli.progress.generate_customer_workbooks`` is the same for customer books, with a progress bar.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cvm_xl.books.package import changed_since_generation
from cvm_xl.core.problems import Problem, WorkbookError
from cvm_xl.generate.batch import BookResult, generate_customer_books
from cvm_xl.generate.customer_book import CUSTOMER_SHEETS, CustomerBookWriter
from cvm_xl.generate.filenames import customer_file_name, safe_stem, unique_file_names
from cvm_xl.generate.model import RunData
from cvm_xl.generate.signoff_book import signoff_workbook_bytes, write_signoff_book
from cvm_xl.master.model import Master
from cvm_xl.spreadsheet.atomic import atomic_write

__all__ = [
    "CUSTOMER_SHEETS",
    "BookResult",
    "CustomerBookWriter",
    "atomic_write",
    "changed_since_generation",
    "customer_file_name",
    "customer_workbook_bytes",
    "generate_customer_books",
    "refusal",
    "safe_stem",
    "signoff_workbook_bytes",
    "unique_file_names",
    "write_signoff_book",
    "write_signoff_workbook",
]


def customer_workbook_bytes(
    master: Master, customer_id: str, generated: dt.datetime | None = None, as_of: dt.date | None = None
) -> bytes:
    """One customer's workbook as .xlsx bytes (nothing written); ``as_of`` as ``RunData``'s."""
    run = RunData(master, generated, as_of)
    return CustomerBookWriter(master.settings, sign_off_lines=run.sign_off_lines).workbook_bytes(
        run.customer(customer_id)
    )


def refusal(path: Path, reason: str) -> Problem:
    return Problem(
        str(path),
        None,
        None,
        None,
        None,
        f"not overwritten: {reason}.",
        fix="Import it first (cvm-xl import) or use --force to replace it.",
    )


def write_signoff_workbook(
    master: Master, path: Path, *, force: bool = False, as_of: dt.date | None = None
) -> Path:
    """Write the consolidated sign-off; raises ``WorkbookError`` when it changed since generation."""
    reason = write_signoff_book(master, Path(path), force=force, as_of=as_of)
    if reason:
        raise WorkbookError([refusal(Path(path), reason)])
    return Path(path)
