"""LibreOffice recalculates the generated workbooks and must agree with cvm_xl to the cent.

The expected figures come from the core (``evaluate_ideas``, ``select_for_sign_off``,
``passbook_lines``, ``balances``, ``fingerprint``) and pandas, never from the generator. A second
copy of every workbook has its cached formula results overwritten with a wrong value; LibreOffice
must still produce the right numbers, which proves the formulas are live.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import new_split_method
import openpyxl
import pandas as pd
import pytest
from generate_fixtures import CUSTOMERS, build_master
from libreoffice import assert_cell, libreoffice, zero_cached_results  # noqa: F401  (session fixture)

from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core import spellings
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.fingerprint import SIGNED_WAVE, fingerprint
from cvm_xl.core.passbook import balances, passbook_lines
from cvm_xl.core.selection import select_for_sign_off
from cvm_xl.core.true_up import settlements, true_ups, wave_months
from cvm_xl.core.verdicts import BY_CODE, GO_CODES
from cvm_xl.core.wave import wave_end, wave_plan
from cvm_xl.core.waves import customer_waves, row_waves
from cvm_xl.generate.batch import generate_customer_books
from cvm_xl.generate.signoff_book import write_signoff_book
from cvm_xl.master.model import EXCEL_ROW, Master

SIGN_OFF_FILE = "consolidated.xlsx"


def sample_master() -> Master:
    """The bundled sample (what ``cvm-xl demo`` writes), typed as ``load_master`` types it."""
    from cvm_xl.sample import sample_settings, sample_tables

    tables = sample_tables()
    for frame in tables.values():
        frame.index = pd.RangeIndex(2, 2 + len(frame), name=EXCEL_ROW)
    return Master(
        Path("sample-master.xlsx"),
        sample_settings(),
        tables["Customers"],
        tables["Workshop"],
        tables["Ideas"],
        tables["Tracking"],
    )


MASTERS = {"fixture": build_master, "sample": sample_master}


@pytest.fixture(scope="module")
def recalculated(libreoffice, tmp_path_factory):  # noqa: F811
    """Per master: the master and {(variant, file name): recalculated workbook (values only)}.

    All books of both masters go through LibreOffice in two calls (one per variant)."""
    out = tmp_path_factory.mktemp("generated")
    books: dict[str, list[Path]] = {"live": [], "wrong": []}
    per_master = {}
    for kind, make in MASTERS.items():
        master = make()
        folder = out / kind
        results = generate_customer_books(master, folder, workers=1)
        assert all(r.ok for r in results)
        signoff = folder / f"{kind} {SIGN_OFF_FILE}"
        assert write_signoff_book(master, signoff) is None
        (out / "wrong" / kind).mkdir(parents=True)
        for book in [*(r.path for r in results), signoff]:
            books["live"].append(book)
            wrong = out / "wrong" / kind / book.name
            zero_cached_results(book, wrong)
            books["wrong"].append(wrong)
        per_master[kind] = (master, {r.customer_id: r.path.name for r in results}, signoff.name)
    loaded = {}
    for variant, inputs in books.items():
        for path in libreoffice.recalculate(inputs, out / f"recalc-{variant}"):
            loaded[(variant, path.name)] = openpyxl.load_workbook(path, data_only=True)
    yield {
        kind: {"master": m, "books": b, "signoff": s, "loaded": loaded}
        for kind, (m, b, s) in per_master.items()
    }
    shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(params=list(MASTERS))
def case(request, recalculated):
    return recalculated[request.param]


@pytest.fixture(scope="module")
def master():
    return build_master()


VARIANTS = ("live", "wrong")


def _visible(master) -> pd.DataFrame:
    ev = master.evaluated
    return ev.loc[~ev[col.OUT_OF_BOUNDS].astype(bool)]


def _select(master, ideas: pd.DataFrame):
    """The core's sign-off lists of ``ideas``: one per customer and wave (issue 14), a blank Wave read
    as of today, the day the books of this module are generated for."""
    waves = row_waves(ideas, customer_waves(master.customers, master.waves), dt.date.today())
    return select_for_sign_off(ideas, master.settings, waves=waves)


def _customer_ideas(master, cid: str) -> pd.DataFrame:
    ev = _visible(master)
    return ev.loc[ev[col.CUSTOMER_ID] == cid]


def _settled_lines(master, ideas: pd.DataFrame) -> pd.DataFrame:
    """The passbook lines of ``ideas`` with the Settlement lines of their true-up ideas (issue 15),
    from the core's true-up rule over the master's Tracking rows."""
    found = true_ups(ideas, master.tracking, wave_months(master.customers), master.settings)
    return passbook_lines(ideas, settlements(found))


def _header_map(ws, row: int) -> dict[str, int]:
    return {c.value: c.column for c in ws[row] if isinstance(c.value, str)}


def _labelled(ws, label_col: int, value_col: int) -> dict[str, object]:
    out = {}
    for row in ws.iter_rows(min_col=label_col, max_col=value_col):
        if isinstance(row[0].value, str):
            out[row[0].value] = row[-1].value
    return out


def test_fixture_covers_every_rule(master):
    ev = master.evaluated
    assert set(ev[col.CELL].dropna()) == {"W-W", "W-I", "W-L", "I-W", "I-I", "I-L", "L-W", "L-I", "L-L"}
    assert set(ev[col.VERDICT_CODE]) == set(BY_CODE)
    assert set(ev[col.SPLIT_METHOD]) == {"retain", "equal", "proportional", "compensate", "none"}
    assert master.settings.discount_rate > 0 and master.settings.indifference_threshold > 0


@pytest.mark.parametrize("variant", VARIANTS)
def test_ideas_sheet_matches_core(case, variant):
    master = case["master"]
    for cid, name in case["books"].items():
        ws = case["loaded"][(variant, name)]["Ideas"]
        heads = _header_map(ws, 3)
        rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value}
        expected = _customer_ideas(master, cid)
        assert set(rows) == set(expected[col.IDEA_ID])
        for _, idea in expected.iterrows():
            for name_ in col.IDEA_COMPUTED:
                actual = ws.cell(rows[idea[col.IDEA_ID]], heads[name_]).value
                assert_cell(actual, idea[name_], f"{variant} {cid} Ideas {idea[col.IDEA_ID]} {name_}")


@pytest.mark.parametrize("variant", VARIANTS)
def test_map_sheet_matches_core(case, variant):
    master = case["master"]
    for cid, name in case["books"].items():
        ws = case["loaded"][(variant, name)]["Map"]
        header_row = next(r for r in range(1, 40) if ws.cell(r, 1).value == "Cell")
        heads = _header_map(ws, header_row)
        ideas = _customer_ideas(master, cid)
        grouped = ideas.groupby(col.CELL)
        seen = 0
        for r in range(header_row + 1, header_row + 10):
            cell = ws.cell(r, 1).value
            group = grouped.get_group(cell) if cell in grouped.groups else ideas.iloc[0:0]
            assert_cell(ws.cell(r, heads["Ideas"]).value, len(group), f"{variant} {cid} Map {cell} count")
            for head, source in (
                ("Supplier value", col.SUPPLIER_VALUE),
                ("Customer value", col.CUSTOMER_VALUE),
                ("Net value", col.NET_VALUE),
            ):
                assert_cell(
                    ws.cell(r, heads[head]).value, group[source].sum(), f"{variant} {cid} Map {cell} {head}"
                )
            seen += 1
        assert seen == 9
        total = header_row + 10
        assert ws.cell(total, 1).value == "Total"
        assert_cell(ws.cell(total, heads["Ideas"]).value, ideas[col.CELL].notna().sum(), f"{cid} Map total")
        assert_cell(ws.cell(total, heads["Net value"]).value, ideas[col.NET_VALUE].sum(), f"{cid} Map net")
        blank = ideas[col.SUPPLIER_VALUE].isna().sum()
        assert_cell(ws.cell(total + 1, heads["Ideas"]).value, blank, f"{variant} {cid} Map without values")
        # The grid: counts on the upper row of each cell, net value below (Figure-III layout).
        grid = {("W", 5), ("I", 7), ("L", 9)}
        for customer_outcome, r in grid:
            for supplier_outcome, c in (("L", 3), ("I", 4), ("W", 5)):
                cell = f"{supplier_outcome}-{customer_outcome}"
                group = ideas.loc[ideas[col.CELL] == cell]
                assert_cell(ws.cell(r, c).value, len(group), f"{variant} {cid} grid {cell}")
                assert_cell(
                    ws.cell(r + 1, c).value, group[col.NET_VALUE].sum(), f"{variant} {cid} grid {cell}"
                )


@pytest.mark.parametrize("variant", VARIANTS)
def test_passbook_sheet_matches_core(case, variant):
    master = case["master"]
    for cid, name in case["books"].items():
        ws = case["loaded"][(variant, name)]["Passbook"]
        lines = passbook_lines(_customer_ideas(master, cid))
        # Every idea has its three lines; those flagged In passbook (column D, live from the Status)
        # are the core's passbook, in order.
        rows = [
            r for r in range(5, 5 + 3 * len(_customer_ideas(master, cid))) if ws.cell(r, 4).value == "Yes"
        ]
        assert len(rows) == len(lines)
        for r, line in zip(rows, lines.itertuples(index=False), strict=True):
            assert ws.cell(r, 1).value == line[1] and ws.cell(r, 5).value == line[4]
            for c, k in ((6, 5), (7, 6), (8, 7)):
                assert_cell(
                    ws.cell(r, c).value, line[k], f"{variant} {cid} Passbook {line[1]} {line[4]} col {c}"
                )
        b = balances(
            _settled_lines(master, _customer_ideas(master, cid)), master.settings.target_supplier_share
        )
        block = _labelled(ws, 10, 11)
        by_prefix = {label.split(" (")[0]: value for label, value in block.items()}
        assert_cell(by_prefix[f"{master.settings.supplier} balance"], b.supplier, f"{cid} Bs")
        assert_cell(by_prefix["Customer balance"], b.customer, f"{cid} Bc")
        assert_cell(by_prefix["Total value created"], b.total, f"{cid} total")
        assert_cell(by_prefix["Equity gap"], b.equity_gap, f"{cid} gap")
        assert_cell(by_prefix["Supplier share of the total"], b.supplier_share, f"{cid} share")
        reading = (
            "Supplier ahead"
            if b.equity_gap > 0.005
            else "Customer ahead"
            if b.equity_gap < -0.005
            else "Balanced"
        )
        assert by_prefix["Reading"] == reading


@pytest.mark.parametrize("variant", VARIANTS)
def test_sign_off_sheet_matches_core(case, variant):
    master = case["master"]
    fields = {
        "Title": col.TITLE,
        "Owner firm": col.OWNER_FIRM,
        "Owner": col.OWNER,
        "Start": col.START,
        "End": col.END,
        "Supplier value": col.SUPPLIER_VALUE,
        "Customer value": col.CUSTOMER_VALUE,
        "Net value": col.NET_VALUE,
        "Transfer": col.TRANSFER,
        "Supplier final": col.SUPPLIER_FINAL,
        "Customer final": col.CUSTOMER_FINAL,
        "Method": col.SPLIT_METHOD,
    }
    for cid, name in case["books"].items():
        ws = case["loaded"][(variant, name)]["Sign-off"]
        heads = _header_map(ws, 5)
        selection = _select(master, _customer_ideas(master, cid))
        selected = selection.ideas
        signed = selected.assign(**{SIGNED_WAVE: list(selection.waves)})
        assert ws["C3"].value == fingerprint(signed, master.settings)
        by_wave = len(customer_waves(master.customers, master.waves).of(cid)) > 1
        r = 6
        units = list(zip(selection.waves, selection.ranks, strict=True))
        for k, (wave, rank) in enumerate(dict.fromkeys(units)):
            if by_wave and (k == 0 or wave != list(dict.fromkeys(units))[k - 1][0]):
                # Several waves (issue 14): each wave's lines follow its heading line.
                assert ws.cell(r, heads[col.IDEA_ID]).value is None
                assert ws.cell(r, heads["Title"]).value.startswith(f"Wave {wave}")
                r += 1
            unit = selected[[u == (wave, rank) for u in units]]
            if len(unit) > 1:  # a bundle (issue 15): its own line adds up its members' lines below it
                assert ws.cell(r, 1).value == rank and ws.cell(r, heads[col.IDEA_ID]).value is None
                for head in ("Supplier value", "Customer value", "Net value", "Transfer"):
                    figure = unit[fields[head]].sum()
                    assert_cell(ws.cell(r, heads[head]).value, figure, f"{cid} bundle {head}")
                r += 1
            for _, idea in unit.iterrows():
                assert ws.cell(r, heads[col.IDEA_ID]).value == idea[col.IDEA_ID]
                for head, source in fields.items():
                    assert_cell(
                        ws.cell(r, heads[head]).value,
                        idea[source],
                        f"{variant} {cid} Sign-off {idea[col.IDEA_ID]} {head}",
                    )
                r += 1
        total = next(row for row in range(6, ws.max_row + 1) if ws.cell(row, 2).value == "Total")
        assert total >= 6 + master.settings.max_sign_off_ideas
        assert ws.cell(total, 2).value == "Total"
        for head in (
            "Supplier value",
            "Customer value",
            "Net value",
            "Transfer",
            "Supplier final",
            "Customer final",
        ):
            assert_cell(
                ws.cell(total, heads[head]).value,
                selected[fields[head]].sum(),
                f"{cid} Sign-off total {head}",
            )


@pytest.mark.parametrize("variant", VARIANTS)
def test_cover_figures_match_core(case, variant):
    master = case["master"]
    for cid, name in case["books"].items():
        ws = case["loaded"][(variant, name)]["Cover"]
        ideas = _customer_ideas(master, cid)
        go = ideas.loc[ideas[col.VERDICT_CODE].isin(GO_CODES)]
        b = balances(_settled_lines(master, ideas), master.settings.target_supplier_share)
        figures = _labelled(ws, 5, 6)
        expected = {
            "Ideas in this workbook": len(ideas),
            "Go ideas": len(go),
            "Ideas for sign-off": len(_select(master, ideas).ideas),
            "Supplier value of Go ideas": go[col.SUPPLIER_VALUE].sum(),
            "Customer value of Go ideas": go[col.CUSTOMER_VALUE].sum(),
            "Net value of Go ideas": go[col.NET_VALUE].sum(),
            "Passbook: supplier balance": b.supplier,
            "Passbook: customer balance": b.customer,
            "Passbook: equity gap": b.equity_gap,
        }
        for label, value in expected.items():
            assert_cell(figures[label], value, f"{variant} {cid} Cover {label}")
        start = master.customers.set_index(col.CUSTOMER_ID).loc[cid, "Wave start"]
        details = _labelled(ws, 2, 3)
        milestones = {p.name: p.start for p in wave_plan(start, 0)} if start else {}
        assert_cell(details["Joint idea workshop (week 4)"], milestones.get("Joint idea workshop"), cid)
        assert_cell(details["Sign-off (week 8)"], milestones.get("Sign-off"), cid)
        assert_cell(details["End of the wave (week 12)"], wave_end(start) if start else None, cid)


@pytest.mark.parametrize("variant", VARIANTS)
def test_consolidated_totals_match_core(case, variant):
    master = case["master"]
    wb = case["loaded"][(variant, case["signoff"])]
    ideas = _visible(master)
    settings = master.settings
    share = settings.target_supplier_share
    ws = wb["Summary"]
    heads = _header_map(ws, 4)
    rows = {ws.cell(r, 1).value: r for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value}
    totals: dict[str, float] = {}
    for cid in master.customers[col.CUSTOMER_ID]:
        mine = ideas.loc[ideas[col.CUSTOMER_ID] == cid]
        go = mine.loc[mine[col.VERDICT_CODE].isin(GO_CODES)]
        b = balances(_settled_lines(master, mine), share)
        selection = _select(master, mine)
        selected = selection.ideas
        expected = {
            "Ideas": len(mine),
            "Go ideas": len(go),
            "Sign-off ideas": len(selected),
            "Supplier value (Go ideas)": go[col.SUPPLIER_VALUE].sum(),
            "Customer value (Go ideas)": go[col.CUSTOMER_VALUE].sum(),
            "Net value (Go ideas)": go[col.NET_VALUE].sum(),
            "Transfers (Go ideas)": go[col.TRANSFER].sum(),
            "Supplier final (Go ideas)": go[col.SUPPLIER_FINAL].sum(),
            "Customer final (Go ideas)": go[col.CUSTOMER_FINAL].sum(),
            "Passbook: supplier balance": b.supplier,
            "Passbook: customer balance": b.customer,
            "Passbook: total": b.total,
            "Equity gap": b.equity_gap,
        }
        for head, value in expected.items():
            assert_cell(ws.cell(rows[cid], heads[head]).value, value, f"{variant} Summary {cid} {head}")
            totals[head] = totals.get(head, 0.0) + value
        signed = selected.assign(**{SIGNED_WAVE: list(selection.waves)})  # each idea's wave (issue 14)
        assert ws.cell(rows[cid], heads["Sign-off fingerprint"]).value == fingerprint(signed, settings)
    total_row = rows["Total"]
    totals["Equity gap"] = totals["Passbook: supplier balance"] - share * totals["Passbook: total"]
    for head, value in totals.items():
        assert_cell(ws.cell(total_row, heads[head]).value, value, f"{variant} Summary total {head}")

    breakdowns = {
        "By cell": (
            col.CELL,
            {c: c for c in ("W-W", "W-I", "W-L", "I-W", "I-I", "I-L", "L-W", "L-I", "L-L")},
        ),
        "By verdict": (col.VERDICT_CODE, {v.label: v.code for v in BY_CODE.values()}),
        "By category": (col.CATEGORY, {c: c for c in col.CATEGORIES}),
        "By status": (col.STATUS, {s: s for s in col.STATUSES}),
    }
    for sheet, (key, columns) in breakdowns.items():
        ws = wb[sheet]
        heads = _header_map(ws, 4)
        rows = {ws.cell(r, 1).value: r for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value}
        for cid in [*master.customers[col.CUSTOMER_ID], "Total"]:
            mine = ideas if cid == "Total" else ideas.loc[ideas[col.CUSTOMER_ID] == cid]
            assert_cell(ws.cell(rows[cid], heads["Ideas"]).value, len(mine), f"{variant} {sheet} {cid} Ideas")
            for head, value in columns.items():
                count = int((mine[key] == value).sum())
                assert_cell(ws.cell(rows[cid], heads[head]).value, count, f"{variant} {sheet} {cid} {head}")


# --- the workbook formulas read every accepted spelling as cvm-xl does (core.spellings) ---------

# Each Yes/No spelling as a user may leave it: text in odd case with spaces or a tab around it,
# booleans, numbers; each method name in odd case. Blank cells take the column's default.
ODD_YES = (" yes ", "Y", "TRUE", True, 1, 1.0, "y\t", "YES", "1", "True ", "1.0")
ODD_NO = ("no", " N", "FALSE", False, 0, "0", "No\n", "false", 0.0, " 0.0")
ODD_AUTO = ("AUTO", "", None, " Auto ")
ODD_METHODS = (" Equal", "PROPORTIONAL", "Compensate ", "ReTain", "equal\t", *ODD_AUTO)
EXTRA_SPELLING = ("Ja", "Nein")  # added to the table by monkeypatch for one workbook
EXTRA_WRITTEN = (" JA", "ja ", "NEIN", " nein")


def _spelling_ideas(customer_id: str, yes: tuple, no: tuple) -> list[dict]:
    """Ideas whose verdict or split turns on one Yes/No cell each: One-off on a W-L idea, Good
    faith on an unquantified one, Quantified on a W-W one (which also asks for a method)."""
    rows = []
    for i, spelling in enumerate((*yes, *no)):
        common = {"Customer ID": customer_id, "Title": f"Spelling {spelling!r}"}
        rows += [
            {**common, "Idea ID": f"OO-{i}", "Supplier annual": 100000.0, "Customer annual": -60000.0},
            {**common, "Idea ID": f"GF-{i}"},
            {**common, "Idea ID": f"Q-{i}", "Supplier annual": 50000.0, "Customer annual": 40000.0},
        ]
    return rows


def _write_spellings(book: Path, target: Path, yes: tuple, no: tuple) -> pd.DataFrame:
    """The book with each idea's Yes/No and method cells set to the spellings; returns the input
    columns as the file now holds them (what cvm-xl reads from it)."""
    wb = openpyxl.load_workbook(book)
    ws = wb[L.IDEAS]
    heads = _header_map(ws, L.HEADER_ROW)
    spelled = (*yes, *no)
    for r in range(L.FIRST_ROW, ws.max_row + 1):
        idea_id = ws.cell(r, heads[col.IDEA_ID]).value
        if not idea_id:
            continue
        kind, i = idea_id.rsplit("-", 1)
        i = int(i)
        column = {"OO": col.ONE_OFF, "GF": col.GOOD_FAITH, "Q": col.QUANTIFIED}[kind]
        ws.cell(r, heads[column]).value = spelled[i]
        methods = ODD_AUTO if kind == "OO" else ODD_METHODS  # one-off only matters under auto
        ws.cell(r, heads[col.SHARING_METHOD]).value = methods[i % len(methods)]
    wb.save(target)
    held = openpyxl.load_workbook(target)[L.IDEAS]
    rows = []
    for r in range(L.FIRST_ROW, held.max_row + 1):
        if held.cell(r, heads[col.IDEA_ID]).value:
            rows.append({name: held.cell(r, heads[name]).value for name in L.IDEA_INPUT_COLUMNS})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def spelled_books(libreoffice, tmp_path_factory):  # noqa: F811
    """Recalculated books whose input cells hold every accepted spelling: the table as it is, the
    table with one spelling added, and a copy of cvm-xl with one split method added. Each comes
    with the figures cvm-xl computes from the same inputs, under the same table."""
    out = tmp_path_factory.mktemp("spellings")
    settings = build_master().settings
    cases: list[tuple[str, Path, dict[str, dict]]] = []

    def spelled(name: str, yes: tuple, no: tuple) -> None:
        customer = {**CUSTOMERS[0], col.CUSTOMER_ID: name}
        master = build_master(
            customers=[customer], ideas=_spelling_ideas(name, yes, no), workshop=[], tracking=[]
        )
        [result] = generate_customer_books(master, out / name, workers=1)
        assert result.ok, result
        inputs = _write_spellings(result.path, out / f"{name}.xlsx", yes, no)
        ev = evaluate_ideas(inputs, settings)
        cases.append((name, out / f"{name}.xlsx", {r[col.IDEA_ID]: r for _, r in ev.iterrows()}))

    spelled("SPELL", ODD_YES, ODD_NO)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(spellings, "YES_NO", (*spellings.YES_NO, EXTRA_SPELLING))
        spelled("EXTRA", EXTRA_WRITTEN[:2], EXTRA_WRITTEN[2:])

    report = new_split_method.run(out / "new-method", generate=True)
    for book, expected in report["books"].items():
        cases.append((f"{new_split_method.NAME} {Path(book).stem}", Path(book), expected))

    recalculated = libreoffice.recalculate([path for _, path, _ in cases], out / "recalc")
    yield [
        (name, openpyxl.load_workbook(path, data_only=True), expected)
        for (name, _, expected), path in zip(cases, recalculated, strict=True)
    ]
    shutil.rmtree(out, ignore_errors=True)


def test_every_spelling_means_the_same_in_the_workbook_as_in_cvm_xl(spelled_books):
    seen = set()
    for name, wb, expected in spelled_books:
        ws = wb[L.IDEAS]
        heads = _header_map(ws, L.HEADER_ROW)
        rows = {ws.cell(r, 1).value: r for r in range(L.FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value}
        assert set(rows) == set(expected), name
        for idea_id, idea in expected.items():
            for column in col.IDEA_COMPUTED:
                actual = ws.cell(rows[idea_id], heads[column]).value
                assert_cell(actual, idea[column], f"{name} {idea_id} {column}")
            seen.add((idea[col.VERDICT_CODE], idea[col.SPLIT_METHOD]))
    # The spellings decided something: each meaning of each cell shows up in the verdicts and splits.
    assert {
        ("GO", "equal"),
        ("GO", "retain"),
        ("GO_GOOD_FAITH", "none"),
        ("POSTPONE_QUANTIFY", "none"),
    } <= seen
    assert {("GO_PRIORITY", m) for m in ("equal", "proportional", "compensate", "retain")} <= seen
    assert ("GO_PRIORITY", new_split_method.NAME) in seen or ("GO", new_split_method.NAME) in seen
