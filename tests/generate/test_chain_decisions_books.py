"""A chain idea is selected, signed, booked and counted by its chain verdict and split (issue 16,
``core.chain_decisions``), on the bundled sample's C-AUT (Orvane): AUT-22 is signed with T = its
chain flow (0; the Ideas sheet's dyad transfer is -15,000), AUT-24 (a Go as a dyad, shelved as a
chain idea) is never selected nor a closer; the returned workbook reads back without a change."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from gnumeric import gnumeric as gnumeric
from gnumeric import load_values
from libreoffice import assert_cell, zero_cached_results
from libreoffice import libreoffice as libreoffice

from cvm_xl.actions.balance import plan_balance
from cvm_xl.actions.imports import plan_import
from cvm_xl.books import layout as L
from cvm_xl.books.passbook import book_passbook, master_passbook
from cvm_xl.books.read import read_book
from cvm_xl.books.verify import verify_book
from cvm_xl.core import columns as col
from cvm_xl.core.chain_decisions import chain_decisions
from cvm_xl.core.chain_passbook import net_flow
from cvm_xl.core.fingerprint import SIGNED_FIELDS, fingerprint
from cvm_xl.core.passbook import LINE_TRANSFER
from cvm_xl.core.problems import Code, WorkbookError
from cvm_xl.generate import customer_workbook_bytes, signoff_workbook_bytes
from cvm_xl.generate.model import RunData
from cvm_xl.generate.sheets import chain_sheet
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables

AUT, WHL = "C-AUT", "C-WHL"
WHEN = dt.datetime(2026, 6, 1, 9, 0)


@pytest.fixture(scope="module")
def master(sample_master):
    return load_master(sample_master)


@pytest.fixture(scope="module")
def run(master) -> RunData:
    return RunData(master, WHEN)


@pytest.fixture(scope="module")
def book(master, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("chain-decisions") / "C-AUT.xlsx"
    path.write_bytes(customer_workbook_bytes(master, AUT, generated=WHEN))
    return path


def _position(data, idea: str) -> int:
    return [str(i).strip() for i in data.ideas[col.IDEA_ID]].index(idea)


def test_aut_24_is_never_selected_and_aut_22_is(run):
    data = run.customer(AUT)
    assert data.ideas[col.VERDICT_CODE][_position(data, "AUT-24")] == "GO_PRIORITY"  # the Ideas sheet's
    assert data.decided_ideas[col.VERDICT_CODE][_position(data, "AUT-24")] == "SHELVE"
    assert data.rank[_position(data, "AUT-24")] == 0
    assert data.rank[_position(data, "AUT-22")] > 0


def test_aut_24_is_no_equity_closer_nor_in_a_bundle(master):
    [plan] = plan_balance(master, [AUT]).customers
    assert "AUT-24" not in {c.idea_id for c in plan.closer.top}
    chain = master.chain.chain_idea_ids
    for proposal in plan.bundles.proposals:
        assert not chain & {proposal.target, *proposal.members}


def test_the_fingerprint_signs_the_chain_flow_and_keeps_every_dyad_customers(master, run):
    e = master.chain.idea("AUT-22")
    flow = net_flow(e, "Supplier", "Customer")
    data = run.customer(AUT)
    i = _position(data, "AUT-22")
    assert data.decided_ideas[col.TRANSFER][i] == flow == 0.0 != data.ideas[col.TRANSFER][i]
    signed = [
        {name: data.decided_ideas[name][k] for name in SIGNED_FIELDS} for k, r in enumerate(data.rank) if r
    ]
    assert data.fingerprint == fingerprint(signed, master.settings) == run.fingerprint(AUT)
    as_dyad = [{**s, col.TRANSFER: data.ideas[col.TRANSFER][i]} if s[col.IDEA_ID] == "AUT-22" else s
               for s in signed]  # fmt: skip
    assert fingerprint(as_dyad, master.settings) != data.fingerprint
    # A customer without chain ideas signs exactly what the Ideas sheet shows.
    whl = run.customer(WHL)
    plain = [{name: whl.ideas[name][k] for name in SIGNED_FIELDS} for k, r in enumerate(whl.rank) if r]
    assert whl.fingerprint == fingerprint(plain, master.settings)


def test_the_passbook_books_the_chain_flow(master, book):
    lines, _ = master_passbook(master)
    t = lines[(lines[col.IDEA_ID] == "AUT-22") & (lines["Line"] == LINE_TRANSFER)]["Amount"]
    assert t.tolist() == [0.0]
    read = book_passbook(read_book(book), [AUT])
    t = read[(read[col.IDEA_ID] == "AUT-22") & (read["Line"] == LINE_TRANSFER)]["Amount"]
    assert t.tolist() == [0.0]


def _sign_off_row(ws, idea: str) -> int:
    return next(r for r in range(L.SIGN_OFF_FIRST_ROW, ws.max_row + 1) if ws.cell(r, 2).value == idea)


def test_the_sign_off_line_of_a_chain_idea_reads_the_chain_sheet(book, run):
    ws = openpyxl.load_workbook(book)[L.SIGN_OFF]
    cached = openpyxl.load_workbook(book, data_only=True)[L.SIGN_OFF]
    heads = {c.value: c.column_letter for c in ws[L.SIGN_OFF_HEADER_ROW] if c.value}
    view = run.customer(AUT).chain
    assert view is not None
    r = _sign_off_row(ws, "AUT-22")
    t, method = heads[col.TRANSFER], heads["Method"]
    assert ws[f"{t}{r}"].value == f"={chain_sheet.flow_cell(view, 'AUT-22')}"
    assert ws[f"{method}{r}"].value == f"={chain_sheet.method_cell(view, 'AUT-22')}"
    assert ws[f"{heads[col.SUPPLIER_FINAL]}{r}"].value == f"={heads[col.SUPPLIER_VALUE]}{r}-{t}{r}"
    assert ws[f"{heads[col.CUSTOMER_FINAL]}{r}"].value == f"={heads[col.CUSTOMER_VALUE]}{r}+{t}{r}"
    assert (cached[f"{t}{r}"].value, cached[f"{method}{r}"].value) == (0, "equal")
    assert cached[f"{heads[col.SUPPLIER_FINAL]}{r}"].value == 90_000
    # a dyad idea's line still looks its figures up on the Ideas sheet
    dyad = _sign_off_row(ws, "AUT-08")
    assert L.IDEAS in ws[f"{t}{dyad}"].value


def test_the_returned_workbook_reads_back_without_a_change(master, book):
    read = read_book(book)
    assert read.chain_decisions["AUT-24"].verdict.code == "SHELVE"
    [check] = verify_book(read).checks
    assert check.ok and check.recomputed == check.stored and not check.changes
    plan = plan_import(master, read)
    assert plan.fingerprint_now == plan.fingerprint_stored
    assert not [p for p in read.problems if p.code == Code.CELL_STALE_RESULT]


def test_the_consolidated_sign_off_reads_back_its_chain_decisions(master, tmp_path):
    path = tmp_path / "signoff.xlsx"
    path.write_bytes(signoff_workbook_bytes(master, generated=WHEN))
    read = read_book(path)
    expected = chain_decisions(master.chain)
    assert set(read.chain_decisions) == set(expected)
    for idea, d in expected.items():
        got = read.chain_decisions[idea]
        assert (got.verdict, got.method) == (d.verdict, d.method)
        assert got.supplier_to_customer == pytest.approx(d.supplier_to_customer, abs=1e-6)
    assert all(c.ok and not c.changes for c in verify_book(read).checks)


def test_a_chain_idea_in_a_bundle_is_an_error(tmp_path):
    tables = sample_tables()
    ideas = tables["Ideas"].copy()
    ideas.loc[ideas[col.IDEA_ID].isin(["AUT-22", "AUT-23"]), col.BUNDLE] = "CH-1"
    path = tmp_path / "master.xlsx"
    write_master(path, sample_settings(), {**tables, "Ideas": ideas})
    with pytest.raises(WorkbookError) as caught:
        load_master(path)
    found = [p for p in caught.value.problems if p.code == Code.BUNDLE_CHAIN_IDEA]
    assert len(found) == 2 and all(p.column == col.BUNDLE for p in found)
    assert "chain idea" in found[0].message


@pytest.mark.engine
def test_libreoffice_and_gnumeric_recalculate_the_chain_sign_off_lines(book, libreoffice, gnumeric, tmp_path):
    formulas = openpyxl.load_workbook(book)[L.SIGN_OFF]
    cached = openpyxl.load_workbook(book, data_only=True)[L.SIGN_OFF]
    expected = {}
    for idea in ("AUT-22", "AUT-23", "AUT-08"):
        r = _sign_off_row(formulas, idea)
        for c in formulas[r]:
            if isinstance(c.value, str) and c.value.startswith("="):
                expected[c.coordinate] = cached[c.coordinate].value
    for r in range(L.SIGN_OFF_FIRST_ROW, formulas.max_row + 1):
        if formulas.cell(r, 2).value == "Total":
            for c in formulas[r]:
                if isinstance(c.value, str) and c.value.startswith("="):
                    expected[c.coordinate] = cached[c.coordinate].value
    assert len(expected) > 30
    zeroed = tmp_path / "zeroed.xlsx"
    zero_cached_results(book, zeroed)
    [by_lo] = libreoffice.recalculate([zeroed], tmp_path / "lo")
    [by_gn] = gnumeric.recalculate([zeroed], tmp_path / "gn")
    for engine, wb in (
        ("LibreOffice", openpyxl.load_workbook(by_lo, data_only=True)),
        ("Gnumeric", load_values(by_gn)),
    ):
        for ref, value in expected.items():
            day = value.date() if isinstance(value, dt.datetime) else value  # Start, End: dates
            assert_cell(wb[L.SIGN_OFF][ref].value, day, f"{engine} {L.SIGN_OFF}!{ref}")


def test_without_chain_values_the_run_is_the_dyad_run(master):
    """The property on a whole run: with the chain tables emptied, every decision is the Ideas row's."""
    plain = dataclasses.replace(master, chain_values=master.chain_values.iloc[0:0])
    assert plain.decided is plain.evaluated
    run = RunData(plain, WHEN)
    data = run.customer(AUT)
    for name, values in data.decided.items():
        assert pd.Series(values, dtype=object).equals(pd.Series(data.ideas[name], dtype=object)), name
