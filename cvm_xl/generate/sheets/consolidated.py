"""Sheets of the consolidated sign-off: a summary per customer and in total, breakdowns by map cell,
verdict, category and status, and the per-idea Detail every total is computed from (SUMIFS and
COUNTIFS over Detail, so a reader can trace each figure)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.books import layout as L
from cvm_xl.core import columns as col
from cvm_xl.core.fingerprint import SIGNED_WAVE
from cvm_xl.core.verdicts import BY_CODE, GO_CODES
from cvm_xl.generate.sheetdata import SheetData
from cvm_xl.generate.sheets.common import RenderContext, SheetBuilder, page_setup, widths
from cvm_xl.generate.sheets.table_sheet import (
    header,
    plan,
    setup_table,
    table_ref,
    wrapped_row_heights,
    write_rows,
)
from cvm_xl.spreadsheet.xmltext import criterion_literal, letter, string_literal

SUMMARY, BY_CELL, BY_VERDICT, BY_CATEGORY, BY_STATUS, DETAIL = (
    "Summary",
    "By cell",
    "By verdict",
    "By category",
    "By status",
    "Detail",
)
DETAIL_TABLE = "DetailTable"
GO, SIGN_OFF_RANK, IN_PASSBOOK = "Go", "Sign-off rank", "In passbook"
PASSBOOK_SUPPLIER, PASSBOOK_CUSTOMER = "Passbook supplier", "Passbook customer"
# The true-up on realised value of an idea marked True-up = Yes (``core.true_up``), to date: blank
# for every other idea. Its settlement is in the idea's Passbook columns too.
TRUE_UP_PLANNED, TRUE_UP_REALISED, TRUE_UP_SETTLEMENT = (
    "Planned transfer to date", "Realised transfer to date", "Settlement to date",
)  # fmt: skip
TRUE_UP_FIGURES = (TRUE_UP_PLANNED, TRUE_UP_REALISED, TRUE_UP_SETTLEMENT)
FIRST = 5  # first customer row of every summary sheet (header on row 4)
VERDICT_ORDER = (
    "GO_PRIORITY",
    "GO",
    "GO_GOOD_FAITH",
    "POSTPONE_SMALL",
    "POSTPONE_QUANTIFY",
    "SHELVE",
    "NO_GO",
)

_FIXED = {
    "in.text": "fixed.text",
    "in.text.wrap": "fixed.text.wrap",
    "in.center": "fixed.center",
    "in.money": "fixed.money",
    "in.share": "fixed.center",
    "in.date": "fixed.date",
}
DETAIL_COLUMNS: tuple[L.Column, ...] = (
    L.Column(col.CUSTOMER_ID, 11, "fixed.text"),
    L.Column("Customer", 24, "fixed.text"),
    *(
        L.Column(c.name, c.width, _FIXED.get(c.style, c.style.replace("calc.", "fixed.")))
        for c in L.IDEA_COLUMNS
        if c.name != col.CUSTOMER_ID
    ),
    L.Column(GO, 6, "fixed.center"),
    L.Column(SIGN_OFF_RANK, 9, "fixed.center"),
    L.Column(SIGNED_WAVE, 9, "fixed.center"),  # issue 14: the wave whose list ranks the idea
    L.Column(IN_PASSBOOK, 10, "fixed.center"),
    L.Column(PASSBOOK_SUPPLIER, 13, "fixed.money"),
    L.Column(PASSBOOK_CUSTOMER, 13, "fixed.money"),
    *(L.Column(name, 13, "fixed.money") for name in TRUE_UP_FIGURES),
)
DETAIL_LETTER = {c.name: letter(i) for i, c in enumerate(DETAIL_COLUMNS, start=1)}
DETAIL_WRAPPED = tuple(c for c in DETAIL_COLUMNS if c.style.endswith(".wrap"))  # Title, Description
# Printed: five pages wide with Customer ID to Title repeated on each, about 85% of full size.
DETAIL_PAGES_WIDE = 5


@dataclass
class ConsolidatedData:
    """All customers at once: the Detail table and one summary record per customer."""

    detail: pd.DataFrame
    customers: pd.DataFrame  # Customer ID, Customer, Account manager, Fingerprint (table order)
    target_supplier_share: float


def detail_column(name: str) -> str:
    x = DETAIL_LETTER[name]
    return f"{DETAIL}!${x}:${x}"


def _plain(text: str) -> bool:
    """True when a criterion may simply point at the cell: no wildcard or operator characters."""
    return re.search(r"[*?~]", text) is None and text[:1] not in ("=", "<", ">")


def customer_criterion(customer_id: str, row: int) -> str:
    return f"$A{row}" if _plain(customer_id) else criterion_literal(customer_id)


# --- figures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Figure:
    """One column of a summary sheet.

    ``formula(criterion, row)`` gives the customer row's formula; ``value(rows)`` its cached value
    from the customer's Detail rows. A ``derived`` figure is computed from the figures to its left
    in the same row (both per customer and on the total row, with ``derived`` giving the value).
    """

    header: str
    formula: Callable[[str, int], str]
    value: Callable[[pd.DataFrame], float] | None = None
    derived: Callable[[list[float]], float] | None = None
    style: str = "calc.money"

    def cached(self, left: list[float], rows: pd.DataFrame) -> float:
        """The cached value in a customer's row: ``derived`` from the figures ``left`` of it, else
        ``value`` of the customer's Detail ``rows``."""
        if self.derived is not None:
            return self.derived(left)
        if self.value is None:  # every figure declares one of the two (SHEET_FIGURES)
            raise ValueError(f"Summary figure {self.header!r} has neither a value nor a derivation")
        return self.value(rows)


def _nan_sum(values: pd.Series) -> float:
    return math.fsum(v for v in values.tolist() if v == v)


def _countifs(crit: str, *conditions: tuple[str, str]) -> str:
    parts = [f"{detail_column(col.CUSTOMER_ID)},{crit}"]
    parts += [f"{detail_column(name)},{criterion}" for name, criterion in conditions]
    return f"COUNTIFS({','.join(parts)})"


def _sumifs(name: str, crit: str, *conditions: tuple[str, str]) -> str:
    parts = [detail_column(name), f"{detail_column(col.CUSTOMER_ID)},{crit}"]
    parts += [f"{detail_column(c)},{criterion}" for c, criterion in conditions]
    return f"SUMIFS({','.join(parts)})"


def _ideas() -> _Figure:
    return _Figure(
        "Ideas", lambda crit, r: _countifs(crit), lambda rows: float(len(rows)), style="calc.count"
    )


def _count_where(key: str, value: str, head: str) -> _Figure:
    return _Figure(
        head,
        lambda crit, r: _countifs(crit, (key, string_literal(value))),
        lambda rows: float((rows[key] == value).sum()),
        style="calc.count",
    )


def _go_sum(name: str, head: str) -> _Figure:
    return _Figure(
        head,
        lambda crit, r: _sumifs(name, crit, (GO, '"Yes"')),
        lambda rows: _nan_sum(rows.loc[rows[GO] == "Yes", name]),
    )


def _rest(head: str, n_before: int) -> _Figure:
    """Ideas not counted in the ``n_before`` columns before it (Ideas is column C)."""
    span = (letter(4), letter(3 + n_before))
    return _Figure(
        head,
        lambda crit, r: f"$C{r}-SUM({span[0]}{r}:{span[1]}{r})",
        derived=lambda v: v[0] - sum(v[1 : 1 + n_before]),
        style="calc.count",
    )


def _summary_figures(target_share: float) -> list[_Figure]:
    share = L.SETTING_NAMES["target_supplier_share"]
    bs, bc, total = letter(12), letter(13), letter(14)  # Passbook columns L, M, N
    return [
        _ideas(),
        _Figure(
            "Go ideas",
            lambda crit, r: _countifs(crit, (GO, '"Yes"')),
            lambda rows: float((rows[GO] == "Yes").sum()),
            style="calc.count",
        ),
        _Figure(
            "Sign-off ideas",
            lambda crit, r: _countifs(crit, (SIGN_OFF_RANK, '">0"')),
            lambda rows: float((rows[SIGN_OFF_RANK].fillna(0) > 0).sum()),
            style="calc.count",
        ),
        _go_sum(col.SUPPLIER_VALUE, "Supplier value (Go ideas)"),
        _go_sum(col.CUSTOMER_VALUE, "Customer value (Go ideas)"),
        _go_sum(col.NET_VALUE, "Net value (Go ideas)"),
        _go_sum(col.TRANSFER, "Transfers (Go ideas)"),
        _go_sum(col.SUPPLIER_FINAL, "Supplier final (Go ideas)"),
        _go_sum(col.CUSTOMER_FINAL, "Customer final (Go ideas)"),
        _Figure(
            "Passbook: supplier balance",
            lambda crit, r: _sumifs(PASSBOOK_SUPPLIER, crit),
            lambda rows: _nan_sum(rows[PASSBOOK_SUPPLIER]),
        ),
        _Figure(
            "Passbook: customer balance",
            lambda crit, r: _sumifs(PASSBOOK_CUSTOMER, crit),
            lambda rows: _nan_sum(rows[PASSBOOK_CUSTOMER]),
        ),
        _Figure("Passbook: total", lambda crit, r: f"{bs}{r}+{bc}{r}", derived=lambda v: v[9] + v[10]),
        _Figure(
            "Equity gap",
            lambda crit, r: f"{bs}{r}-{share}*{total}{r}",
            derived=lambda v: v[9] - target_share * v[11],
        ),
        *(_total(name, f"True-up: {name[0].lower()}{name[1:]}") for name in TRUE_UP_FIGURES),
    ]


def _total(name: str, head: str) -> _Figure:
    """A Detail column added up over the customer's ideas (blank counts as nothing)."""
    return _Figure(head, lambda crit, r: _sumifs(name, crit), lambda rows: _nan_sum(rows[name]))


def _breakdown(key: str, values: Sequence[str], headers: Sequence[str], rest: str | None) -> list[_Figure]:
    figures = [_ideas()]
    figures += [_count_where(key, v, h) for v, h in zip(values, headers, strict=True)]
    if rest:
        figures.append(_rest(rest, len(values)))
    return figures


SHEET_FIGURES: dict[str, Callable[[float], list[_Figure]]] = {
    SUMMARY: _summary_figures,
    BY_CELL: lambda _: _breakdown(col.CELL, L.MAP_CELL_ORDER, L.MAP_CELL_ORDER, "No values yet"),
    BY_VERDICT: lambda _: _breakdown(
        col.VERDICT_CODE, VERDICT_ORDER, [BY_CODE[c].label for c in VERDICT_ORDER], None
    ),
    BY_CATEGORY: lambda _: _breakdown(col.CATEGORY, col.CATEGORIES, col.CATEGORIES, "No category"),
    BY_STATUS: lambda _: _breakdown(col.STATUS, col.STATUSES, col.STATUSES, "No status"),
}
TITLES = {
    SUMMARY: "Consolidated sign-off: value created, shared and signed, per customer",
    BY_CELL: "Ideas by Idea Portfolio Map cell (supplier outcome first)",
    BY_VERDICT: "Ideas by verdict",
    BY_CATEGORY: "Ideas by category",
    BY_STATUS: "Ideas by status",
}


def figure_values(figures: list[_Figure], rows: pd.DataFrame) -> list[float]:
    """A customer's cached values of a summary sheet's figures, from its Detail ``rows``."""
    out: list[float] = []
    for f in figures:
        out.append(f.cached(out, rows))
    return out


def _render_summary_sheet(name: str) -> Callable[[ConsolidatedData, RenderContext], SheetData]:
    def render(data: ConsolidatedData, ctx: RenderContext) -> SheetData:
        sd = SheetData(ctx.styles)
        s = ctx.settings
        figures = SHEET_FIGURES[name](data.target_supplier_share)
        sd.text(1, 1, "title", TITLES[name])
        sd.height(1, 24)
        sd.text(
            2,
            1,
            "note",
            f"{s.supplier}; amounts in {s.currency} over {s.horizon_years:g} years. Every "
            f"figure is a formula over the {DETAIL} sheet (one row per idea). Out-of-bounds ideas are "
            "not included.",
        )
        heads = [col.CUSTOMER_ID, "Customer", *(f.header for f in figures)]
        if name == SUMMARY:
            heads.append("Sign-off fingerprint")
        for c, head in enumerate(heads, start=1):
            sd.text(4, c, "header.input" if c <= 2 else "header.calc", head)
        sd.height(4, 45)
        detail = data.detail
        groups = {str(k): g for k, g in detail.groupby(col.CUSTOMER_ID, sort=False)} if len(detail) else {}
        empty = detail.iloc[0:0]
        totals = [0.0] * len(figures)
        for i, record in enumerate(data.customers.itertuples(index=False)):
            r = FIRST + i
            cid = str(record[0])
            sd.value(r, 1, "fixed.text", cid)
            sd.value(r, 2, "fixed.text", record[1])
            crit = customer_criterion(cid, r)
            values = figure_values(figures, groups.get(cid, empty))
            for k, f in enumerate(figures):
                sd.formula(r, 3 + k, f.style, f.formula(crit, r), values[k])
                totals[k] += values[k]
            if name == SUMMARY:
                sd.text(r, 3 + len(figures), "fixed.text", str(record[3]))
        tr = FIRST + len(data.customers)
        last = tr - 1
        sd.text(tr, 1, "total.label", "Total")
        sd.blank(tr, 2, "total.label")
        done: list[float] = []
        for k, f in enumerate(figures):
            x = letter(3 + k)
            style = "total.count" if f.style == "calc.count" else "total.money"
            if f.derived:
                value = f.derived(done)
                sd.formula(tr, 3 + k, style, f.formula("", tr), value)
            else:
                value = totals[k]
                sd.formula(tr, 3 + k, style, f"SUM({x}{FIRST}:{x}{last})", value)
            done.append(value)
        if name == SUMMARY:
            sd.blank(tr, 3 + len(figures), "total.label")
        return sd

    return render


def _setup_summary_sheet(name: str) -> Callable[[Worksheet, RenderContext], None]:
    def setup(ws: Worksheet, ctx: RenderContext) -> None:
        n = len(SHEET_FIGURES[name](0.5))
        sizes = {"A": 12, "B": 28}
        for k in range(n):
            sizes[letter(3 + k)] = 14 if name == SUMMARY else 12
        if name == SUMMARY:
            sizes[letter(3 + n)] = 22
        widths(ws, sizes)
        ws.freeze_panes = f"C{FIRST}"
        page_setup(ws, title_rows="4:4")

    return setup


def _setup_detail(ws: Worksheet, ctx: RenderContext) -> None:
    setup_table(ws, DETAIL_COLUMNS, DETAIL_TABLE)
    ws.freeze_panes = f"E{L.FIRST_ROW}"
    page_setup(ws, title_rows=f"{L.HEADER_ROW}:{L.HEADER_ROW}", title_cols="A:D", fit_width=DETAIL_PAGES_WIDE)


def _render_detail(data: ConsolidatedData, ctx: RenderContext) -> SheetData:
    sd = SheetData(ctx.styles)
    sd.text(L.TITLE_ROW, 1, "title", "Detail: one row per idea")
    sd.height(L.TITLE_ROW, 24)
    sd.text(
        L.NOTE_ROW,
        1,
        "note",
        "Inputs and computed values of every idea of every customer, as "
        "generated. Go: the verdict is a Go. Passbook columns: what the idea adds to each firm's "
        "balance (signed off, implementing or delivered).",
    )
    header(sd, DETAIL_COLUMNS)
    columns = {c.name: data.detail[c.name].tolist() for c in DETAIL_COLUMNS}
    write_rows(sd, plan(DETAIL_COLUMNS, ctx.styles), columns, len(data.detail), L.FIRST_ROW)
    wrapped_row_heights(sd, DETAIL_WRAPPED, columns, len(data.detail), L.FIRST_ROW)
    return sd


def builders() -> list[SheetBuilder[ConsolidatedData]]:
    out = [
        SheetBuilder(name=n, setup=_setup_summary_sheet(n), render=_render_summary_sheet(n))
        for n in (SUMMARY, BY_CELL, BY_VERDICT, BY_CATEGORY, BY_STATUS)
    ]
    out.append(
        SheetBuilder(
            name=DETAIL,
            setup=_setup_detail,
            render=_render_detail,
            tables={DETAIL_TABLE: lambda d: table_ref(DETAIL_COLUMNS, len(d.detail))},
        )
    )
    return out


def is_go(codes: pd.Series) -> pd.Series:
    return codes.isin(GO_CODES).map({True: "Yes", False: "No"})
