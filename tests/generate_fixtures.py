"""A small master built in memory for the generation tests: three relationships that between them
cover every map cell, every verdict, every split method, blanks, one-off ideas, the indifference and
significance thresholds, a discount rate, unquantified ideas, out-of-bounds ideas and formula-like
titles. Tables are typed the way ``load_master`` types them (SPEC §4 names, floats with NaN, bools,
``datetime.date``, ``str`` or ``None``), indexed by Excel row number.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd

from cvm_xl.core import columns as col
from cvm_xl.core.actions import ACTION_COLUMNS
from cvm_xl.core.settings import Settings
from cvm_xl.master.model import EXCEL_ROW, Master

SETTINGS = Settings(
    supplier="Northwind Steel",
    currency="EUR",
    horizon_years=2.5,
    discount_rate=0.08,
    indifference_threshold=5000.0,
    significance_threshold=20000.0,
    max_one_sided_loss=150000.0,
    target_supplier_share=0.55,
    max_sign_off_ideas=6,
)

D = dt.date
NAN = math.nan
_NUMBER_COLUMNS = {
    *col.VALUE_INPUTS,
    col.SUPPLIER_SHARE,
    "Annual volume",
    "Unit price",
    "Value guarantee",
    "Industry quartile",
    "Long-term culture",
    "Co-destiny",
    "Supplier realised",
    "Customer realised",
}
_YES_NO = {
    col.QUANTIFIED: True, col.GOOD_FAITH: False, col.ONE_OFF: False, col.OUT_OF_BOUNDS: False,
    col.SHARE_SCREENING: False,
}  # fmt: skip

CUSTOMERS = [
    {
        "Customer ID": "KAPPA-7",
        "Customer": "Kappa Tubes Ltd",
        "Industry": "Precision tubes",
        "Account manager": "Ilse Varga",
        "Customer champion": "Owen Price",
        "Wave start": D(2026, 2, 2),
        "Annual volume": 12000.0,
        "Unit": "t",
        "Unit price": 810.0,
        "Value guarantee": 90000.0,
        "Industry quartile": 1.0,
        "Long-term culture": 4.0,
        "Excellence phase": "III",
        "Co-destiny": 4.0,
        "Share screening": True,  # the supplier shares its screening with Kappa
    },
    {
        "Customer ID": "ZED-41",
        "Customer": "Zedwick Rail & <Signal> Co",
        "Industry": "Rail",
        "Account manager": "Priya Nandakumar",
        "Customer champion": None,
        "Wave start": D(2026, 6, 1),
        # screened, and the screening kept internal (Share screening blank): never in its workbook
        "Industry quartile": 3.0,
        "Long-term culture": 1.75,
        "Excellence phase": "II",
        "Co-destiny": 1.25,
    },
    {
        "Customer ID": "MUE/88",
        "Customer": "Müller Söhne: Pressteile",
        "Industry": None,
        "Account manager": None,
        "Customer champion": None,
        "Wave start": None,
        "Share screening": True,  # shared, though nothing is assessed yet
    },
]

OWNER = {"Owner firm": "Joint", "Owner": "Hana Ito", "Start": D(2026, 3, 2), "End": D(2026, 9, 30)}


def _idea(idea_id: str, customer: str, title: str, sa=NAN, so=NAN, ca=NAN, co=NAN, **extra) -> dict:
    row = {
        "Idea ID": idea_id,
        "Customer ID": customer,
        "Title": title,
        "Supplier annual": sa,
        "Supplier one-time": so,
        "Customer annual": ca,
        "Customer one-time": co,
    }
    row.update(extra)
    return row


K, Z, M = "KAPPA-7", "ZED-41", "MUE/88"
IDEAS = [
    # Kappa: one of each verdict, every auto split, thresholds, blanks and typed formulas.
    _idea(
        "KAP-101",
        K,
        "Wider coils cut handling on both sides",
        50000,
        NAN,
        40000,
        NAN,
        Category="Operational",
        Status="Signed off",
        Description="Both firms win.",
        **OWNER,
    ),
    _idea(
        "KAP-102",
        K,
        '=HYPERLINK("http://example.com","Click")',
        30000,
        NAN,
        NAN,
        1000,
        Category="Hygiene",
        Status="Implementing",
        **OWNER,
    ),
    _idea(
        "KAP-103",
        K,
        "+Shared forecast on the portal",
        NAN,
        5000,
        25000,
        NAN,
        Category="Hygiene",
        Status="Delivered",
        **OWNER,
    ),
    _idea(
        "KAP-104",
        K,
        "-Stop double trimming",
        60000,
        NAN,
        NAN,
        -40000,
        Category="Operational",
        Status="Selected",
        **OWNER,
    ),
    _idea(
        "KAP-105",
        K,
        "@Shutdown aligned to relining",
        NAN,
        -50000,
        45000,
        NAN,
        **{"One-off": True},
        Category="Hygiene",
        Status="Signed off",
        **OWNER,
    ),
    _idea(
        "KAP-106",
        K,
        "Blanking press at the mill",
        200000,
        NAN,
        NAN,
        -300000,
        Category="Joint study",
        Status="Evaluated",
    ),
    _idea(
        "KAP-107", K, "Rail siding with a loss for the customer", 10000, NAN, NAN, -60000, Status="Dropped"
    ),
    _idea("KAP-108", K, "Both lose on weekend deliveries", NAN, -10000, NAN, -10000),
    _idea("KAP-109", K, "Nobody would notice this change", 1000, NAN, 1000, NAN),
    _idea("KAP-110", K, "Small win for both, below significance", 4000, NAN, 4000, NAN),
    _idea(
        "KAP-111",
        K,
        "Certificates e-mailed in good faith",
        **{"Good faith": True},
        Category="Hygiene",
        Status="Signed off",
        **OWNER,
    ),
    _idea("KAP-112", K, "Joint study of a new grade, not yet quantified", Category="Joint study"),
    _idea("KAP-113", K, "Rough guess galvannealed trial", 20000, NAN, 30000, NAN, Quantified=False),
    _idea(
        "KAP-114",
        K,
        "Secret rebate topic never to be shown",
        90000,
        NAN,
        90000,
        NAN,
        **{"Out of bounds": True},
        **OWNER,
    ),
    _idea(
        "KAP-115",
        K,
        "Cut-to-length sheets, 30% to the mill",
        20000,
        NAN,
        30000,
        NAN,
        **{"Sharing method": "proportional", "Supplier share": 0.3},
        Status="Signed off",
        **OWNER,
    ),
    _idea(
        "KAP-116",
        K,
        "Safety stock at the mill, compensated",
        -45000,
        NAN,
        70000,
        NAN,
        **{"Sharing method": "Compensate"},
        Status="Signed off",
        **OWNER,
    ),
    _idea("KAP-117", K, "Go idea without an owner yet", 70000, NAN, 70000, NAN),
    _idea("KAP-118", K, "Mill cost exactly at the threshold", NAN, 5000, 30000, NAN, **OWNER),
    _idea("KAP-119", K, "Supplier loses, customer indifferent", NAN, -20000, 1000, NAN),
    _idea("KAP-120", K, "Supplier indifferent, customer loses", 1000, NAN, NAN, -20000),
    _idea(
        "KAP-121",
        K,
        "Explicit equal split on a one-sided win",
        40000,
        NAN,
        0.0,
        NAN,
        **{"Sharing method": "Equal "},
        **OWNER,
    ),
    _idea(
        "KAP-122",
        K,
        "Retain asked for on a win-win",
        9000,
        NAN,
        12000,
        NAN,
        **{"Sharing method": "retain"},
        **OWNER,
    ),
    # Zedwick: fewer ideas, one out of bounds, a passbook with a transfer the customer pays.
    _idea(
        "ZED-201",
        Z,
        "Axle steel in longer bars",
        80000,
        NAN,
        NAN,
        -30000,
        **{"One-off": True},
        Category="Operational",
        Status="Delivered",
        **OWNER,
    ),
    _idea(
        "ZED-202",
        Z,
        "Signal housings pre-galvanised",
        -10000,
        NAN,
        90000,
        NAN,
        Status="Implementing",
        **{"Sharing method": "equal"},
        **OWNER,
    ),
    _idea(
        "ZED-203",
        Z,
        "Competitor price benchmark (never discussed)",
        50000,
        NAN,
        0,
        NAN,
        **{"Out of bounds": True},
    ),
    _idea("ZED-204", Z, "Zero values typed as zero", 0.0, 0.0, 0.0, 0.0, Status="Proposed"),
    # Müller: two ideas, no wave start, no tracking.
    _idea(
        "MUE-301", M, "Pressteile: Coil-Breite angepasst", 25000, NAN, 15000, NAN, Status="Selected", **OWNER
    ),
    _idea("MUE-302", M, "Stahlgüte S355 statt S460", NAN, NAN, NAN, NAN, **{"Good faith": True}),
]

WORKSHOP = [
    {
        "Raw ID": f"{cid}-R{i:02d}",
        "Customer ID": cid,
        "Idea": f"{text} ({cid} raw {i})",
        "Proposed by": by,
        "Firm": firm,
        "Function": "Logistics",
        "Value chain stage": "Delivery",
        "Mother idea ID": mother,
    }
    for cid, rows in {
        K: [
            ("Wider coils please", "Owen Price", "Customer", "KAP-101"),
            ("Fewer SKUs in the catalogue", "Ilse Varga", "Supplier", "KAP-104"),
            ("Talk about the hidden rebate", "Owen Price", "Customer", "KAP-114"),
            ("=1+1 typed as an idea", "Hana Ito", "Joint", None),
        ],
        Z: [
            ("Longer bars for axles", "Priya Nandakumar", "Supplier", "ZED-201"),
            ("Benchmark against competitor prices", "Priya Nandakumar", "Supplier", "ZED-203"),
        ],
        M: [("Breitere Coils", "Hana Ito", "Joint", "MUE-301")],
    }.items()
    for i, (text, by, firm, mother) in enumerate(rows, start=1)
]

TRACKING = [
    {
        "Idea ID": "KAP-101",
        "Month": D(2026, 4, 1),
        "Supplier realised": 3000.0,
        "Customer realised": 2500.0,
        "Note": "First month",
    },
    {
        "Idea ID": "KAP-103",
        "Month": D(2026, 4, 1),
        "Supplier realised": NAN,
        "Customer realised": 1800.0,
        "Note": None,
    },
    {
        "Idea ID": "KAP-114",
        "Month": D(2026, 4, 1),
        "Supplier realised": 9000.0,
        "Customer realised": 9000.0,
        "Note": "Secret rebate topic never to be shown",
    },
    {
        "Idea ID": "ZED-201",
        "Month": D(2026, 7, 1),
        "Supplier realised": 6000.0,
        "Customer realised": -2000.0,
        "Note": "Bars delivered",
    },
]


# Implementation tracking (issue 14): actions of both firms, and of the two out-of-bounds ideas, which
# must never reach a customer workbook.
ACTIONS = [
    {"Action ID": "KAP-A1", "Idea ID": "KAP-101", "Action": "Trial the wider coils at Kappa",
     "Owner firm": "Supplier", "Owner": "Owen Price", "Due": D(2026, 3, 31), "Done": D(2026, 3, 20)},
    {"Action ID": "KAP-A2", "Idea ID": "KAP-101", "Action": "Order the Kappa crane upgrade",
     "Owner firm": "Customer", "Owner": "Ilse Varga", "Due": D(2026, 5, 29), "Done": None},
    {"Action ID": "KAP-A3", "Idea ID": "KAP-114", "Action": "Draft the hidden rebate terms",
     "Owner firm": "Supplier", "Owner": "Owen Price", "Due": D(2026, 5, 1), "Done": None},
    {"Action ID": "ZED-A1", "Idea ID": "ZED-202", "Action": "Book the Zedwick galvanising trial",
     "Owner firm": "Joint", "Owner": "Priya Nandakumar", "Due": D(2026, 6, 30), "Done": None},
    {"Action ID": "ZED-A2", "Idea ID": "ZED-203", "Action": "Collect the competitors' price lists",
     "Owner firm": "Supplier", "Owner": "Priya Nandakumar", "Due": D(2026, 4, 30), "Done": None},
]  # fmt: skip


def typed_table(rows: list[dict], columns: tuple[str, ...]) -> pd.DataFrame:
    """Rows as a table typed like ``load_master``'s output, indexed by Excel row (header on row 1)."""
    data: dict[str, list] = {}
    for name in columns:
        values = [row.get(name) for row in rows]
        if name in _NUMBER_COLUMNS:
            values = [NAN if v is None else float(v) for v in values]
        elif name in _YES_NO:
            values = [_YES_NO[name] if v is None else bool(v) for v in values]
        data[name] = values
    frame = pd.DataFrame(data, index=pd.RangeIndex(2, 2 + len(rows), name=EXCEL_ROW))
    for name in columns:
        if name not in _NUMBER_COLUMNS and name not in _YES_NO:
            frame[name] = pd.Series(data[name], index=frame.index, dtype=object)
    return frame


def build_master(
    customers: list[dict] = CUSTOMERS,
    ideas: list[dict] = IDEAS,
    workshop: list[dict] = WORKSHOP,
    tracking: list[dict] = TRACKING,
    settings: Settings = SETTINGS,
    path: Path | None = Path("fixture-master.xlsx"),
    actions: list[dict] = ACTIONS,
) -> Master:
    return Master(
        path=path,
        settings=settings,
        customers=typed_table(customers, col.CUSTOMER_COLUMNS),
        workshop=typed_table(workshop, col.WORKSHOP_COLUMNS),
        ideas=typed_table(ideas, col.IDEA_INPUTS),
        tracking=typed_table(tracking, col.TRACKING_COLUMNS),
        actions=typed_table(actions, ACTION_COLUMNS),
    )
