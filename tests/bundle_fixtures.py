"""A master with a bundle (issue 15), written to a file, and its customer workbook and consolidated
sign-off generated once per session: shared by the sign-off sheet, verify, import and reconcile
tests of bundles.

Customer BUN holds the issue's worked example: a +300,000 / -200,000 idea (shelved on its own: the
customer's loss is above the 150,000 limit) rescued by a -120,000 / +250,000 idea; as bundle B1
they are +180,000 / +50,000, a win-win of net 230,000. Besides them a win-win of net 200,000 (rank 2)
and one of net 100,000 cut by Max sign-off ideas = 2, so the Sign-off sheet lists four lines (the
bundle's, its two members, the single idea): more than Max sign-off ideas rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from generate_fixtures import CUSTOMERS, OWNER, build_master

from cvm_xl.core import columns as col
from cvm_xl.core.settings import Settings
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.generate.signoff_book import write_signoff_book
from cvm_xl.master.model import Master
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master

BUN = "BUN"
GENERATED = dt.datetime(2026, 11, 2, 8, 30)
SETTINGS = Settings(
    supplier="Northwind Steel",
    currency="EUR",
    horizon_years=3.0,
    max_one_sided_loss=150_000.0,
    max_sign_off_ideas=2,
)
SHELVED, RESCUER, SINGLE, CUT = "BUN-1", "BUN-2", "BUN-3", "BUN-4"
BUNDLE_IDEAS = [
    {
        col.IDEA_ID: SHELVED, col.CUSTOMER_ID: BUN, col.TITLE: "Consignment stock at the mill",
        col.SUPPLIER_ONE_TIME: 300_000.0, col.CUSTOMER_ONE_TIME: -200_000.0, col.BUNDLE: "B1",
        col.STATUS: "Signed off", **OWNER,
    },
    {
        col.IDEA_ID: RESCUER, col.CUSTOMER_ID: BUN, col.TITLE: "Wider coils for the new line",
        col.SUPPLIER_ONE_TIME: -120_000.0, col.CUSTOMER_ONE_TIME: 250_000.0, col.BUNDLE: " b1 ",
        col.STATUS: "Signed off", **OWNER,
    },
    {
        col.IDEA_ID: SINGLE, col.CUSTOMER_ID: BUN, col.TITLE: "Certificates by e-mail",
        col.SUPPLIER_ONE_TIME: 100_000.0, col.CUSTOMER_ONE_TIME: 100_000.0, col.STATUS: "Signed off",
        **OWNER,
    },
    {
        col.IDEA_ID: CUT, col.CUSTOMER_ID: BUN, col.TITLE: "Monthly billing",
        col.SUPPLIER_ONE_TIME: 50_000.0, col.CUSTOMER_ONE_TIME: 50_000.0, col.STATUS: "Evaluated",
        **OWNER,
    },
]  # fmt: skip


def bundle_master() -> Master:
    customer = {**CUSTOMERS[0], col.CUSTOMER_ID: BUN, "Customer": "Bundle Tubes Ltd"}
    return build_master(customers=[customer], ideas=BUNDLE_IDEAS, workshop=[], tracking=[], settings=SETTINGS)


def write_bundle_master(path: Path) -> Path:
    m = bundle_master()
    tables = {"Customers": m.customers, "Workshop": m.workshop, "Ideas": m.ideas, "Tracking": m.tracking}
    write_master(path, m.settings, tables)
    return path


@pytest.fixture(scope="session", name="bundle_books")
def bundle_books_fixture(tmp_path_factory) -> dict[str, Path]:
    """The master file ('master'), BUN's customer workbook (BUN) and the consolidated sign-off
    ('*'), as generated; tests copy them before changing anything."""
    folder = tmp_path_factory.mktemp("bundle-books")
    master_path = write_bundle_master(folder / "master.xlsx")
    master = dataclasses.replace(load_master(master_path), relationship={})
    [result] = generate_customer_books(master, folder / "books", workers=1, generated=GENERATED)
    assert result.ok, result.message
    signoff = folder / "books" / "signoff.xlsx"
    assert write_signoff_book(master, signoff) is None
    return {"master": master_path, BUN: result.path, "*": signoff}
