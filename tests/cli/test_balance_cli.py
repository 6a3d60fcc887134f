"""`cvm-xl balance` (issue 15): the proposals, the unrescued ideas with their reason, the equity
closer, --apply round trip, a held master and an unknown customer."""

from __future__ import annotations

from pathlib import Path

import pytest
from book_fixtures import row_with, run_cli, wide_console_fixture  # noqa: F401  (fixture)
from generate_fixtures import CUSTOMERS, OWNER, build_master

from cvm_xl.core import columns as col
from cvm_xl.core.settings import Settings
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master

SETTINGS = Settings(supplier="Northwind Steel", max_one_sided_loss=150_000.0)
BAL, GAP = "BAL", "GAP"


def _idea(idea_id, customer, vs, vc, status="Evaluated", **more):
    return {
        col.IDEA_ID: idea_id, col.CUSTOMER_ID: customer, col.TITLE: f"Idea {idea_id}",
        col.SUPPLIER_ONE_TIME: float(vs), col.CUSTOMER_ONE_TIME: float(vc), col.STATUS: status,
        **OWNER, **more,
    }  # fmt: skip


# BAL: the issue's example (BAL-1 shelved, BAL-2 rescues it) and BAL-3, shelved with nothing left.
# GAP: one signed idea each firm keeps (retain): Bs 500,000, Bc 100,000, gap +200,000 beyond 5% of
# 600,000 = 30,000. Open Go ideas: GAP-2 (I-W 0 / 120,000, retain) shrinks it by 60,000; GAP-3 (W-W,
# equal split) moves nothing. The rest after GAP-2: 140,000 to the customer, a rebate of
# 140,000 / (12,000 t x 3 years) = 3.89 per t, 0.5% of the 810 price.
IDEAS = [
    _idea("BAL-1", BAL, 300_000, -200_000),
    _idea("BAL-2", BAL, -120_000, 250_000),
    _idea("BAL-3", BAL, 280_000, -290_000 + 100_000),
    _idea("GAP-1", GAP, 500_000, 100_000, "Signed off", **{col.SHARING_METHOD: "retain"}),
    _idea("GAP-2", GAP, 0, 120_000),
    _idea("GAP-3", GAP, 50_000, 150_000),
]


@pytest.fixture(name="master")
def master_fixture(tmp_path: Path) -> Path:
    customers = [
        {**CUSTOMERS[0], col.CUSTOMER_ID: BAL, "Customer": "Balance Tubes Ltd"},
        {**CUSTOMERS[0], col.CUSTOMER_ID: GAP, "Customer": "Gap Profiles AG"},
    ]
    m = build_master(customers=customers, ideas=IDEAS, workshop=[], tracking=[], settings=SETTINGS)
    path = tmp_path / "master.xlsx"
    tables = {"Customers": m.customers, "Workshop": m.workshop, "Ideas": m.ideas, "Tracking": m.tracking}
    write_master(path, m.settings, tables)
    return path


def test_balance_prints_proposals_reasons_and_the_equity_closer(master: Path, capsys) -> None:
    before = master.read_bytes()
    code, out, err = run_cli(capsys, "balance", str(master))
    assert code == 0, out + err
    proposal = row_with(out, "B-BAL-1")
    for text in ("BAL-1 + BAL-2", "180,000", "50,000", "W-W", "Go: priority (win-win)", "230,000", "equal"):
        assert text in proposal
    assert "T = 65,000" in out
    assert (
        "BAL-3 (Shelve: await a counter-balancing idea) cannot be rescued: the customer's other open " in out
    )
    assert "equity gap 200,000 (Supplier ahead), beyond the tolerance of 30,000" in out
    assert [c.strip() for c in row_with(out, "GAP-2", "Idea GAP-2").split("│")[4:6]] == ["60,000", "140,000"]
    assert "GAP-3" not in out
    assert (
        "To close the rest (after signing GAP-2): Northwind Steel transfers 140,000 to Gap Profiles "
        "AG, "
        "i.e. a price rebate of 3.89 per unit (0.5% of the price) for 3 years." in " ".join(out.split())
    )
    assert "Bundles solved exactly by HiGHS through scipy.optimize.milp" in out
    assert f"Run again with --apply to write 1 bundle into {master}" in " ".join(out.split())
    assert master.read_bytes() == before  # without --apply nothing is written


def test_apply_writes_the_bundle_and_the_target_becomes_a_go(master: Path, capsys) -> None:
    code, out, err = run_cli(capsys, "balance", str(master), "--customer", BAL, "--apply")
    assert code == 0, out + err
    assert f"Wrote {master}: 1 bundle (2 ideas) in the Bundle column." in " ".join(out.split())
    assert "Gap Profiles" not in out
    backups = [p for p in master.parent.iterdir() if p.name != master.name and p.suffix == ".xlsx"]
    assert backups, "a backup of the master is kept beside it"
    reloaded = load_master(master)
    ev = reloaded.evaluated.set_index(col.IDEA_ID)
    assert ev.loc["BAL-1", col.BUNDLE] == "B-BAL-1" and ev.loc["BAL-2", col.BUNDLE] == "B-BAL-1"
    assert ev.loc["BAL-1", col.VERDICT_CODE] == "GO_PRIORITY"
    assert ev.loc["BAL-1", col.BUNDLE_CELL] == "W-W"
    assert ev.loc["BAL-3", col.VERDICT_CODE] == "SHELVE"
    # Run again: the bundled ideas are in a bundle now, so nothing more is proposed for them.
    code, out, _ = run_cli(capsys, "balance", str(master), "--customer", BAL, "--apply")
    assert code == 0
    assert "B-BAL-1" not in out and "No bundle to write. Nothing was written." in out


def test_a_held_master_is_not_written(master: Path, capsys) -> None:
    master.with_name(f".~lock.{master.name}#").write_text(",Bo Lind,pc7,06.12.2026 09:12,file:///home/bo;")
    before = master.read_bytes()
    code, out, err = run_cli(capsys, "balance", str(master), "--apply")
    assert code == 2 and "it is open in LibreOffice by Bo Lind" in err
    assert "Traceback" not in out + err
    assert master.read_bytes() == before


def test_an_unknown_customer_is_named(master: Path, capsys) -> None:
    code, _, err = run_cli(capsys, "balance", str(master), "--customer", "NOPE")
    assert code == 2
    assert "cvm-xl balance: unknown customer ID NOPE; the master has BAL, GAP" in err


def test_an_invalid_master_exits_1(tmp_path: Path, capsys) -> None:
    customers = [{**CUSTOMERS[0], col.CUSTOMER_ID: BAL, "Customer": "Balance Tubes Ltd"}]
    twice = [IDEAS[0], {**IDEAS[1], col.IDEA_ID: "BAL-1"}]  # a duplicate Idea ID is an error
    m = build_master(customers=customers, ideas=twice, workshop=[], tracking=[], settings=SETTINGS)
    path = tmp_path / "bad.xlsx"
    write_master(path, m.settings, {"Customers": m.customers, "Ideas": m.ideas})
    code, out, _ = run_cli(capsys, "balance", str(path), "--apply")
    assert code == 1
    assert "Nothing was written" in out
