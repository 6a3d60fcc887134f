"""`cvm-xl track MASTER`: planned against realised value and the value contract, per customer.

Prints, per customer, the value to date, the contract years (Value guarantee against the value
delivered to the customer, with the shortfall) and the months so far, and writes the same as a
``Monthly report`` sheet with a line chart into the master (see ``cvm_xl.core.tracking`` for how plans
and contract years are counted).

Exit codes: 0 done, 1 problems in the master (nothing written), 2 bad usage, an unreadable master,
or a master that could not be written.
"""

from __future__ import annotations

import argparse
import datetime as dt

import pandas as pd
from rich.table import Table
from rich.text import Text

from cvm_xl.cli.common import EXIT_OK, chosen_customers, holding, load, write_error
from cvm_xl.cli.report import money, report_console
from cvm_xl.core import columns as col
from cvm_xl.core.tracking import (
    CUMULATIVE,
    CUSTOMER_PLANNED,
    CUSTOMER_REALISED,
    INVESTMENTS,
    MET,
    MONTH,
    NET_WITH_INVESTMENTS,
    OPEN,
    REALISED_GAINS,
    SHORT,
    SUPPLIER_PLANNED,
    SUPPLIER_REALISED,
    TRANSFERS_RECEIVED,
)
from cvm_xl.generate.master_sheets import REPORT_SHEET, CustomerReport, monthly_sheet, replace_sheets
from cvm_xl.generate.sheets.tracking_report import CONTRACT_TABLE, master_reports

MONTHS_AHEAD = 3  # months of plan shown after the last reported month


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "track",
        help="planned vs realised value and the value contract per customer; writes the Monthly report",
        description="Compares each customer's planned value (signed-off ideas' annual values spread "
        "over the months from their Start, one-time amounts in the Start month) with the realised "
        "values of the Tracking sheet, month by month and cumulative for both firms, and the "
        "customer's Value guarantee per contract year with the value delivered and the shortfall. "
        "Writes a Monthly report sheet with a line chart into the master (keeping a backup) unless "
        "--dry-run is given.",
    )
    p.add_argument("master", help="the master workbook (.xlsx or .xlsm)")
    p.add_argument(
        "--customer",
        action="append",
        metavar="ID",
        help="print only this customer's report (repeat for several); the sheet covers every customer",
    )
    p.add_argument(
        "--all-months",
        action="store_true",
        help=f"print every planned month (default: up to {MONTHS_AHEAD} months after the last report)",
    )
    p.add_argument("--dry-run", action="store_true", help="print the report; write nothing")
    p.set_defaults(run=run)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def contract_table(contract: pd.DataFrame, currency: str) -> Table:
    table = Table(title=f"Value contract ({currency})", title_justify="left", header_style="bold")
    for name in CONTRACT_TABLE:
        table.add_column(name, justify="left" if name in ("From", "To", "Status") else "right")
    styles = {MET: "green", SHORT: "bold red", OPEN: "yellow"}
    for _, row in contract.iterrows():
        status = str(row["Status"])
        table.add_row(
            str(row["Year"]), str(row["From"]), str(row["To"]), money(row["Value guarantee"]),
            money(row[CUSTOMER_PLANNED]), money(row["Delivered"]), money(row["Shortfall"]),
            Text(status, style=styles.get(status, "")),
            # issue 14: what delivered is made of, and the customer's own investments apart
            *(money(row[n]) for n in (REALISED_GAINS, TRANSFERS_RECEIVED, INVESTMENTS, NET_WITH_INVESTMENTS)),
        )  # fmt: skip
    return table


def month_table(months: pd.DataFrame, currency: str) -> Table:
    table = Table(title=f"Month by month ({currency})", title_justify="left", header_style="bold")
    table.add_column("Month")
    names = (SUPPLIER_PLANNED, SUPPLIER_REALISED, CUSTOMER_PLANNED, CUSTOMER_REALISED)
    for name in (*names, CUMULATIVE[CUSTOMER_PLANNED], CUMULATIVE[CUSTOMER_REALISED]):
        table.add_column(name.replace("Cumulative", "Cum."), justify="right")
    for _, row in months.iterrows():
        cells = [money(row[name]) for name in names]
        cells += [money(row[CUMULATIVE[CUSTOMER_PLANNED]]), money(row[CUMULATIVE[CUSTOMER_REALISED]])]
        table.add_row(f"{row[MONTH]:%b %Y}", *cells)
    return table


def run(args: argparse.Namespace) -> int:
    # The master is held from reading to writing (not for a dry run): no other writer comes between.
    with holding(args.master, "track", write=not args.dry_run):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    console = report_console()
    master = load(args.master, "track", console)
    if isinstance(master, int):
        return master
    wanted = chosen_customers(master, args.customer)
    settings = master.settings
    reports: list[CustomerReport] = []
    skipped: list[str] = []
    # The sheet always covers every customer; --customer only chooses what is printed.
    for customer, report in zip(master.customers.to_dict("records"), master_reports(master), strict=True):
        cid = str(customer[col.CUSTOMER_ID])
        name = str(customer.get("Customer") or cid)
        if report.months.empty and report.contract.empty:
            skipped.append(cid)
            continue
        reports.append(CustomerReport(cid, name, report))
        if wanted is not None and cid not in wanted:
            continue
        console.rule(f"{cid} {name}")
        reported = f"{report.reported_to:%Y-%m-%d}" if report.reported_to else "nothing reported yet"
        console.print(
            f"Reported up to {reported}. Value to date, planned / realised: "
            f"{settings.supplier} {money(report.planned_to_date[0])} / "
            f"{money(report.realised_to_date[0])}; "
            f"{name} {money(report.planned_to_date[1])} / {money(report.realised_to_date[1])}."
        )
        if len(report.contract):
            console.print(contract_table(report.contract, settings.currency))
        months = report.months
        if not args.all_months and len(months):
            anchor = report.reported_to or months[MONTH].iloc[0]
            limit = pd.Timestamp(anchor) + pd.DateOffset(months=MONTHS_AHEAD)
            months = months[[pd.Timestamp(m) <= limit for m in months[MONTH]]]
        if len(months):
            console.print(month_table(months, settings.currency))
            if len(months) < len(report.months):
                console.print(f"... {len(report.months) - len(months)} more planned months (--all-months).")
    if skipped:
        console.print(f"[yellow]Nothing planned or tracked and no Wave start:[/] {', '.join(skipped)}.")
    if not reports:
        console.print("No customer has a plan, tracking or a Wave start yet. Nothing was written.")
        return EXIT_OK
    if args.dry_run:
        console.print(f"Dry run: would write the {REPORT_SHEET} sheet. Nothing was written.")
        return EXIT_OK
    writer = monthly_sheet(reports, skipped, settings.currency, dt.datetime.now().replace(microsecond=0))
    try:
        written = replace_sheets(args.master, {REPORT_SHEET: writer})
    except (OSError, ValueError) as exc:
        raise write_error(args.master, exc) from None
    console.print(f"Wrote the {REPORT_SHEET} sheet of {args.master} ({plural(len(reports), 'customer')}).")
    if written.backup:
        console.print(f"The previous version is kept as {written.backup.name}.")
    return EXIT_OK
