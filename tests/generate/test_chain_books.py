"""Value chains in the workbooks (issue 16): the customer workbook's Chain sheet, its Passbook's
transfer of a chain idea, a partner's own workbook, the consolidated Chain ideas sheet, and that no
workbook a customer or a partner receives holds a partner that did not disclose, or another
relationship's partner (every part unzipped and searched, as in test_isolation)."""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from chain_fixtures import (
    HIDDEN_ID,
    HIDDEN_NAME,
    HIDDEN_ROLE,
    OTHER_ID,
    OTHER_NAME,
    SHOWN_ID,
    SHOWN_NAME,
    K,
    Z,
    chain_master,
)
from gnumeric import gnumeric as gnumeric
from gnumeric import load_values
from libreoffice import assert_cell, zero_cached_results
from libreoffice import libreoffice as libreoffice

from cvm_xl.books import layout as L
from cvm_xl.books.passbook import book_passbook
from cvm_xl.books.read import read_book
from cvm_xl.core import columns as col
from cvm_xl.core.chain_passbook import supplier_customer_transfers
from cvm_xl.core.chain_view import OTHER_PARTNERS
from cvm_xl.core.passbook import LINE_TRANSFER
from cvm_xl.core.problems import Code
from cvm_xl.generate import customer_workbook_bytes, signoff_workbook_bytes
from cvm_xl.generate.model import RunData
from cvm_xl.generate.party_book import KIND_PARTY, write_party_book
from cvm_xl.generate.sheets import chain_ideas, chain_sheet

WHEN = dt.datetime(2026, 6, 1, 9, 0)
HIDDEN_NEEDLES = (HIDDEN_ID, HIDDEN_NAME, HIDDEN_ROLE)
OTHER_NEEDLES = (OTHER_ID, OTHER_NAME)


@pytest.fixture(scope="module")
def master():
    return chain_master()


@pytest.fixture(scope="module")
def books(master, tmp_path_factory) -> dict[str, Path]:
    """Kappa's and Zedwick's customer workbooks, and the workbooks of Kappa's two partners."""
    out = tmp_path_factory.mktemp("chain-books")
    paths = {}
    for cid in (K, Z):
        paths[cid] = out / f"{cid}.xlsx"
        paths[cid].write_bytes(customer_workbook_bytes(master, cid, generated=WHEN))
    for pid in (SHOWN_ID, HIDDEN_ID):
        paths[pid], reason = write_party_book(master, pid, out / "partners", generated=WHEN)
        assert reason is None
    return paths


def _parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name).decode("utf-8") for name in z.namelist()}


def _hits(path: Path, needles: tuple[str, ...]) -> list[str]:
    parts = _parts(path)
    return sorted(
        f"{needle!r} in {name}"
        for needle in needles
        for name, text in parts.items()
        if any(form in text for form in {needle, escape(needle), escape(needle, {'"': "&quot;"})})
    )


def _rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    return list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))


# --- isolation --------------------------------------------------------------------------------------


def test_the_hidden_partner_is_in_no_workbook_a_customer_or_another_partner_receives(books):
    for who in (K, Z, SHOWN_ID):
        assert _hits(books[who], HIDDEN_NEEDLES) == [], who


def test_another_relationships_partner_is_in_no_kappa_workbook(books):
    for who in (K, SHOWN_ID, HIDDEN_ID):
        assert _hits(books[who], OTHER_NEEDLES) == [], who


def test_the_needles_are_real(books, master, tmp_path):
    """The search finds them where they belong: the hidden partner's own workbook, Zedwick's
    workbook (its disclosed partner) and the internal sign-off (every party)."""
    assert _hits(books[HIDDEN_ID], (HIDDEN_NAME, HIDDEN_ROLE))
    assert _hits(books[Z], (OTHER_NAME,))
    signoff = tmp_path / "signoff.xlsx"
    signoff.write_bytes(signoff_workbook_bytes(master, generated=WHEN))
    assert len(_hits(signoff, HIDDEN_NEEDLES)) >= 3


def test_a_hostile_catalogue_leaks_nothing(tmp_path):
    """The hidden partner's name and ID typed into every text field of the other relationship's
    partner, and of its own row but Disclose = No: still in no Kappa customer or partner workbook."""
    from chain_fixtures import CHAIN_VALUES, PARTIES

    hostile = f"{HIDDEN_NAME} {HIDDEN_ID} <&'\">"
    parties = [dict(p) for p in PARTIES]
    parties[1].update({"Role": hostile})  # the hidden partner's own role
    parties[2].update({"Party": f"{OTHER_NAME} {hostile}", "Role": hostile})  # Zedwick's partner
    master = chain_master(parties=parties, chain_values=CHAIN_VALUES)
    book = tmp_path / "kappa.xlsx"
    book.write_bytes(customer_workbook_bytes(master, K, generated=WHEN))
    partner, _ = write_party_book(master, SHOWN_ID, tmp_path, generated=WHEN)
    for path in (book, partner):
        assert _hits(path, (HIDDEN_NAME, HIDDEN_ID, OTHER_NAME, hostile)) == [], path.name


# --- the Chain sheet ----------------------------------------------------------------------------------


def test_the_chain_sheet_shows_the_disclosed_parties_and_the_others_summed(books, master):
    rows = _rows(books[K], L.CHAIN)
    groups = [v for v in rows[L.CHAIN_GROUP_ROW - 1] if v]
    assert groups == [
        "Northwind Steel (supplier)",
        "Kappa Tubes Ltd (customer)",
        f"{SHOWN_NAME} (Service centre)",
        OTHER_PARTNERS,
    ]
    ids = [r[0] for r in rows[L.CHAIN_FIRST_ROW - 1 :] if r[0] in {"KAP-101", "KAP-105", "KAP-113"}]
    assert ids == ["KAP-101", "KAP-105", "KAP-113"]
    kap101 = master.chain.idea("KAP-101")
    row = rows[L.CHAIN_FIRST_ROW - 1]
    other = chain_sheet.group_col(3) - 1
    assert row[other] == pytest.approx(kap101.share(HIDDEN_ID).value)  # the only hidden one here


def test_a_customer_without_chain_ideas_has_no_chain_sheet(books, master):
    assert L.CHAIN in openpyxl.load_workbook(books[Z]).sheetnames  # ZED-202 is a chain idea
    no_chain = customer_workbook_bytes(master, "MUE/88", generated=WHEN)
    path = books[K].parent / "mue.xlsx"
    path.write_bytes(no_chain)
    assert L.CHAIN not in openpyxl.load_workbook(path).sheetnames


# --- the Passbook: the chain flow is the transfer -----------------------------------------------------


def test_the_passbook_transfer_of_a_chain_idea_is_the_chain_flow(books, master):
    flows = supplier_customer_transfers(master.chain)
    assert flows["KAP-105"] != 0
    ws = openpyxl.load_workbook(books[K])[L.PASSBOOK]
    values = openpyxl.load_workbook(books[K], data_only=True)[L.PASSBOOK]
    found = {}
    for r in range(L.PASSBOOK_FIRST_ROW, ws.max_row + 1):
        if ws[f"E{r}"].value == LINE_TRANSFER and ws[f"A{r}"].value in flows:
            found[ws[f"A{r}"].value] = (ws[f"F{r}"].value, values[f"F{r}"].value)
    assert set(found) == {"KAP-101", "KAP-105", "KAP-113"}
    for idea, (formula, cached) in found.items():
        assert formula.startswith(f"={L.CHAIN}!$G$"), formula
        assert cached == pytest.approx(flows[idea])
    run = RunData(master, WHEN)
    data = run.customer(K)
    balance = values[f"{L.BALANCE_VALUE_COL}{L.BALANCE_ROWS['supplier']}"].value
    assert balance == pytest.approx(data.balances.supplier)


def test_a_dyad_passbook_is_unchanged_by_chains_elsewhere(master):
    """Zedwick's ideas that are not chain ideas keep their Ideas-row transfer."""
    run = RunData(master, WHEN)
    plain = RunData(chain_master(parties=[], chain_values=[]), WHEN)
    assert run.customer("MUE/88").passbook == plain.customer("MUE/88").passbook
    assert run.customer("MUE/88").balances == plain.customer("MUE/88").balances


def test_the_book_is_read_back_with_its_chain_transfers(books, master):
    book = read_book(books[K])
    flows = supplier_customer_transfers(master.chain)
    assert book.chain_transfers == pytest.approx({i: flows[i] for i in ("KAP-101", "KAP-105", "KAP-113")})
    assert not [p for p in book.problems if p.code == Code.CELL_STALE_RESULT]
    lines = book_passbook(book, [K])
    t = lines[(lines[col.IDEA_ID] == "KAP-105") & (lines["Line"] == LINE_TRANSFER)]["Amount"]
    assert t.tolist() == pytest.approx([flows["KAP-105"]])


# --- engines recalculate the live cells to cvm-xl's figures ------------------------------------------


def _live_cells(path: Path) -> dict[tuple[str, str], object]:
    """Every formula cell of the Chain sheet and the Passbook balances, with cvm-xl's cached value."""
    formulas = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for ref in (
        f"{L.BALANCE_VALUE_COL}{L.BALANCE_ROWS[k]}" for k in ("supplier", "customer", "total", "gap")
    ):
        out[(L.PASSBOOK, ref)] = cached[L.PASSBOOK][ref].value
    for row in formulas[L.CHAIN].iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("="):
                out[(L.CHAIN, c.coordinate)] = cached[L.CHAIN][c.coordinate].value
    return out


@pytest.mark.engine
def test_libreoffice_and_gnumeric_recalculate_the_chain_sheet(books, libreoffice, gnumeric, tmp_path):
    expected = _live_cells(books[K])
    assert len(expected) > 20
    zeroed = tmp_path / "zeroed.xlsx"
    zero_cached_results(books[K], zeroed)
    [by_lo] = libreoffice.recalculate([zeroed], tmp_path / "lo")
    [by_gn] = gnumeric.recalculate([zeroed], tmp_path / "gn")
    for engine, wb in (
        ("LibreOffice", openpyxl.load_workbook(by_lo, data_only=True)),
        ("Gnumeric", load_values(by_gn)),
    ):
        for (sheet, ref), value in expected.items():
            assert_cell(wb[sheet][ref].value, value, f"{engine} {sheet}!{ref}")


# --- a partner's workbook and the consolidated sheet ---------------------------------------------------


def test_a_partners_workbook_holds_only_its_lines(books, master):
    props = _parts(books[SHOWN_ID])["docProps/custom.xml"]
    assert KIND_PARTY in props
    rows = _rows(books[SHOWN_ID], L.CHAIN)
    ids = {r[0] for r in rows if r and isinstance(r[0], str) and r[0].startswith(("KAP-", "ZED-"))}
    assert ids == {"KAP-101", "KAP-113"}  # not KAP-105, where it takes no part
    passbooks = [r[0] for r in _rows(books[SHOWN_ID], "Passbooks") if isinstance(r[0], str)]
    assert "Passbook: Northwind Steel and Hollmann Service Centre" in passbooks
    assert "Passbook: Kappa Tubes Ltd and Hollmann Service Centre" in passbooks


def test_a_partners_workbook_follows_the_force_rule(master, tmp_path):
    path, reason = write_party_book(master, SHOWN_ID, tmp_path, generated=WHEN)
    assert reason is None
    again, reason = write_party_book(master, SHOWN_ID, tmp_path, generated=WHEN)
    assert again == path and reason is None  # unchanged since generation: replaced
    wb = openpyxl.load_workbook(path)
    wb[L.CHAIN]["A1"] = "edited"
    wb.save(path)
    _, reason = write_party_book(master, SHOWN_ID, tmp_path, generated=WHEN)
    assert reason
    _, reason = write_party_book(master, SHOWN_ID, tmp_path, force=True, generated=WHEN)
    assert reason is None


def test_an_unknown_party_is_refused(master, tmp_path):
    from cvm_xl.generate.party_book import PartyError

    with pytest.raises(PartyError, match=SHOWN_ID):
        write_party_book(master, "NOPE", tmp_path)


def test_the_signoff_shows_every_chain_idea_by_party(master, tmp_path):
    path = tmp_path / "signoff.xlsx"
    path.write_bytes(signoff_workbook_bytes(master, generated=WHEN))
    rows = _rows(path, chain_ideas.NAME)
    header = list(rows[chain_ideas.HEADER_ROW - 1])
    assert header == list(chain_ideas.IDEA_COLUMNS)
    body = [r for r in rows[chain_ideas.HEADER_ROW :] if r[1] in {"KAP-101", "KAP-105", "KAP-113", "ZED-202"}]
    assert len(body) == 4 + 3 + 3 + 3
    kap101 = master.chain.idea("KAP-101")
    hidden = next(r for r in body if r[1] == "KAP-101" and r[3] == HIDDEN_ID)
    assert hidden[4] == HIDDEN_NAME and hidden[8] == pytest.approx(kap101.share(HIDDEN_ID).transfer)
    gaps = [r for r in rows if r[0] == K and r[1] in {"Supplier", "Customer", SHOWN_ID, HIDDEN_ID}]
    assert len(gaps) == 4
    assert math.isclose(sum(r[6] for r in gaps), 0.0, abs_tol=1e-6)  # the targets add to 1
