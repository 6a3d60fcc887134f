"""The relationship fixture the relationship tests build on: the generator fixture's master with
relationship tables for two of its three customers (typed by ``master.readiness_checks``), and one
customer's data and workbook from it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
from generate_fixtures import build_master

from cvm_xl.generate.customer_book import CustomerBookWriter
from cvm_xl.generate.model import RunData
from cvm_xl.generate.relationship_data import RelationshipSlices
from cvm_xl.master.model import EXCEL_ROW, Master
from cvm_xl.master.readiness_checks import check_relationship
from cvm_xl.readiness import tables as rt
from cvm_xl.readiness.lifecycle import empty_lifecycle

K, Z, M = "KAPPA-7", "ZED-41", "MUE/88"
D = dt.date
GENERATED = dt.datetime(2026, 3, 2, 9, 30)
SECRET = "Secret"  # every out-of-bounds text starts with it


def _table(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, dtype=object)
    frame.index = pd.RangeIndex(2, 2 + len(rows), name=EXCEL_ROW)
    return frame


def _rows(columns: tuple[str, ...], *rows: tuple) -> pd.DataFrame:
    return _table([dict(zip(columns, row, strict=True)) for row in rows])


def _lifecycle() -> pd.DataFrame:
    kappa = empty_lifecycle(K)
    awareness = kappa.index[kappa[rt.STAGE] == "Awareness"]
    kappa.loc[awareness[:5], rt.DONE] = "Yes"
    kappa.loc[awareness[5], rt.DONE] = "N/A"
    kappa.loc[awareness[6], rt.DONE] = "No"
    knowledge = kappa.index[kappa[rt.STAGE] == "Knowledge"]
    kappa.loc[knowledge[:2], rt.DONE] = "Yes"
    kappa.loc[knowledge[2], rt.DONE] = "N/A"
    kappa.loc[knowledge[3], rt.NOTE] = "Kappa note on skills"
    extra = pd.DataFrame(
        [{rt.CUSTOMER_ID: K, rt.STAGE: "Working together", rt.ITEM: "Kappa kick-off day", rt.DONE: "Yes"}]
    )
    zed = empty_lifecycle(Z)
    zed.loc[zed[rt.STAGE] == "Awareness", rt.DONE] = "Yes"
    zed.loc[zed[rt.STAGE] == "Exit strategy", rt.NOTE] = "Zedwick exit note"
    return _table(pd.concat([kappa, extra, zed], ignore_index=True).to_dict("records"))


def relationship_tables() -> dict[str, pd.DataFrame]:
    """Raw relationship tables: Kappa with a bit of everything, Zedwick with a little, Müller none."""
    cid, firm, oob = rt.CUSTOMER_ID, rt.FIRM, rt.OUT_OF_BOUNDS
    risk_columns = (rt.RISK_ID, cid, rt.RISK, rt.LIKELIHOOD, rt.IMPACT, rt.STATUS)
    issue_columns = (rt.ISSUE_ID, cid, rt.RAISED, rt.ISSUE, rt.ISSUE_CATEGORY, rt.RAISED_BY, rt.RESOLVED)
    return {
        rt.LIFECYCLE_SHEET: _lifecycle(),
        rt.MATURITY_SHEET: _rows(
            (cid, firm, *rt.DIMENSIONS),
            (K, "Supplier", "A", "B", "A"),
            (K, "Customer", "B", "C", "B"),
            (Z, "Supplier", "A", "A", "A"),
            (Z, "Customer", "D", "B", "B"),
        ),
        rt.OBJECTIVES_SHEET: _rows(
            (cid, firm, rt.OBJECTIVE, rt.MEASURE, rt.TARGET, rt.AGREED, oob),
            (K, "Mine", "Kappa: grow share of wallet", None, None, "Yes", None),
            (K, "Yours", "Kappa: cut inventory by a fifth", "Days of stock", "30", "No", None),
            (K, "Ours", f"{SECRET} pricing objective", None, None, None, "Yes"),
            (Z, "Joint", "Zedwick: faster rail approvals", None, None, None, None),
        ),
        rt.RISKS_SHEET: _rows(
            (*risk_columns, rt.OWNER_FIRM, rt.MITIGATION, oob),
            ("R1", K, "Kappa key engineer leaves", 4, 5, "Open", "Joint", "Kappa deputy named", None),
            ("R2", K, "Kappa forecast slips", 2, 2, "Mitigating", None, None, None),
            ("R3", K, "Kappa plant closure", 3, 4, "Closed", None, None, None),
            ("R4", K, "Kappa risk not scored yet", None, None, None, None, None, None),
            ("R5", K, f"{SECRET} competitor talks", 5, 5, None, None, None, "Yes"),
            ("R6", K, "Kappa second critical risk", 4, 5, None, None, None, None),
            ("R7", Z, "Zedwick rail strike", 1, 1, None, None, None, None),
        ),
        rt.EXITS_SHEET: _rows(
            (cid, rt.TRIGGER, rt.ACTION, rt.STATUS, rt.LAST_REVIEWED, oob),
            (K, "Kappa is sold to a competitor", "Kappa review in 30 days", None, D(2025, 10, 1), None),
            (K, "Kappa old trigger", "None", "Retired", None, None),
            (K, f"{SECRET} exit trigger", "x", None, None, "Yes"),
            (Z, "Zedwick loses the rail contract", "Zedwick talks", None, D(2026, 2, 1), None),
        ),
        rt.ISSUES_SHEET: _rows(
            (*issue_columns, rt.STATUS, rt.RESOLUTION, oob),
            ("I1", K, D(2026, 1, 5), "Kappa late invoices", "Commercial", "Customer", None, None, None, None),
            (
                "I2",
                K,
                D(2025, 11, 1),
                "Kappa coil damage",
                None,
                None,
                D(2025, 11, 20),
                "Resolved",
                "Kappa new packaging",
                None,
            ),
            ("I3", K, D(2026, 2, 1), f"{SECRET} rebate dispute", None, None, None, None, None, "Yes"),
            ("I4", Z, D(2026, 2, 20), "Zedwick axle rejects", None, None, None, None, None, None),
        ),
        rt.TOPICS_SHEET: _rows(
            (cid, rt.TOPIC, rt.DECLARED_BY),
            (K, f"{SECRET}: Kappa's talks with our competitors", "Supplier"),
            (None, f"{SECRET}: prices of other customers", "Supplier"),
        ),
    }


def journey_tables() -> dict[str, pd.DataFrame]:
    """The continuing journey's tables (issue 14): reviews held by Kappa and Zedwick, and KPI readings
    of their objectives, one of them Kappa's out-of-bounds objective (its value 987654.25 must never
    reach a workbook)."""
    cid = rt.CUSTOMER_ID
    return {
        rt.REVIEWS_SHEET: _rows(
            ("Review ID", cid, "Date", "Kind", "Attendees", "Decisions"),
            ("RV1", K, D(2026, 2, 10), "Monthly", "Kappa board members", "Kappa decided to widen the pilot"),
            ("RV2", Z, D(2026, 2, 11), "Monthly", "Zedwick board members", "Zedwick decided on rail tests"),
        ),
        rt.KPI_SHEET: _rows(
            (rt.OBJECTIVE, cid, "Month", "Value"),
            ("Kappa: cut inventory by a fifth", K, D(2026, 1, 1), 40.0),
            ("Kappa: cut inventory by a fifth", K, D(2026, 2, 1), 36.5),
            (f"{SECRET} pricing objective", K, D(2026, 1, 1), 987654.25),
            ("Zedwick: faster rail approvals", Z, D(2026, 2, 1), 12.0),
        ),
    }


def relationship_master(tables: dict[str, pd.DataFrame] | None = None) -> Master:
    """The generator fixture with typed relationship tables (what ``load_master`` would give)."""
    master = build_master()
    found = relationship_tables() if tables is None else tables
    checked = check_relationship(found, file="fixture", customer_ids=master.customers[rt.CUSTOMER_ID])
    errors = [p for c in checked.values() for p in c.errors]
    assert errors == []
    return dataclasses.replace(master, relationship={name: c.table for name, c in checked.items()})


def customer_data(master: Master, customer_id: str, generated: dt.datetime = GENERATED):
    """One customer's ``CustomerData`` with its relationship attached, as ``RunData`` gives it once
    ``CustomerData`` carries the relationship."""
    run = RunData(master, generated)
    slices = RelationshipSlices(master.relationship, master.settings, run.generated.date())
    data = run.customer(customer_id)
    data.relationship = slices.customer(customer_id, data.customer)
    return data


def customer_book(master: Master, customer_id: str, generated: dt.datetime = GENERATED) -> bytes:
    data = customer_data(master, customer_id, generated)
    return CustomerBookWriter(master.settings).workbook_bytes(data)
