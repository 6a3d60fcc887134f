"""What the template holds, as data: sheets, the Ideas computed-column formulas, settings, lists.

The input tables come from ``cvm_xl.master.schema`` (the description the loader reads by), so the template
can never ask for a column the loader does not know, or miss one it needs.
"""

from __future__ import annotations

from typing import NamedTuple

from cvm_xl.core import columns as col
from cvm_xl.core import spellings
from cvm_xl.core.settings import ALL_SETTING_LABELS, Settings
from cvm_xl.excel.selftest_sheet import SHEET as SELFTEST_SHEET
from cvm_xl.formulas.cells import is_blank
from cvm_xl.formulas.readiness import relationship_formulas
from cvm_xl.master.schema import (
    IDEAS,
    RELATIONSHIP_TABLES,
    SETTINGS_SHEET,
    SETTINGS_TABLE,
    TABLES,
    Kind,
    Table,
)
from cvm_xl.readiness import tables as rt

START_SHEET = "Start"
CONF_SHEET = "xlwings.conf"  # the name xlwings' VBA looks for
LISTS_SHEET = "Lists"
# Worksheet order; every sheet gets a VBA document module Sheet1, Sheet2 ... in this order.
SHEETS = (START_SHEET, SETTINGS_SHEET, *TABLES, *rt.TABLES, CONF_SHEET, LISTS_SHEET, SELFTEST_SHEET)
WORKBOOK_CODENAME = "ThisWorkbook"


def codename(sheet: str) -> str:
    return f"Sheet{SHEETS.index(sheet) + 1}"


# --- Ideas: computed columns as worksheet-function formulas over the row's own cells ----------------


def this_row(column: str, table: str = IDEAS.table_name) -> str:
    """A structured reference to ``column`` in the formula's own row, in the file's spelling."""
    return f"{table}[[#This Row],[{column}]]"


def _this_row_span(first: str, last: str, table: str = IDEAS.table_name) -> str:
    return f"{table}[[#This Row],[{first}]:[{last}]]"


_S = SETTINGS_TABLE
_VS, _VC = this_row(col.SUPPLIER_VALUE), this_row(col.CUSTOMER_VALUE)
_FLAGS = ",".join(this_row(c) for c in (col.QUANTIFIED, col.GOOD_FAITH))
_SPLIT_ARGS = ",".join(
    [_VS, _VC, *(this_row(c) for c in (col.SHARING_METHOD, col.SUPPLIER_SHARE, col.ONE_OFF)), _FLAGS]
)


def _guarded(expression: str) -> str:
    """Blank on a row without an Idea ID, so empty table rows stay empty and cost no Python call."""
    return f'=IF({this_row(col.IDEA_ID)}="","",{expression})'


def _whole(column: str, table: str = IDEAS.table_name) -> str:
    """A structured reference to the whole data column ``column``, in the file's spelling."""
    return f"{table}[{column}]"


# A bundle member is judged with its bundle (issue 15, core.bundles), which a call over the row's own
# cells cannot see: a bundled row takes its own position in the call over whole columns (the UDFs
# group rows by Bundle ID; a valid master has no Bundle ID across customers, master.bundle_checks).
# A row without a bundle keeps the call over its own cells: one row's worth of Python, not the
# table's. "Without a bundle" is the one blank test (formulas.cells.is_blank, core.bundles'
# bundle_key in Excel), so no bundled row ever takes the single-row call.
_ALONE = is_blank(this_row(col.BUNDLE))
_POSITION = f"ROW()-ROW({IDEAS.table_name}[#Headers])"  # the row's place among the data rows
_WHOLE_VS, _WHOLE_VC = _whole(col.SUPPLIER_VALUE), _whole(col.CUSTOMER_VALUE)
_WHOLE_FLAGS = ",".join(_whole(c) for c in (col.QUANTIFIED, col.GOOD_FAITH))
_WHOLE_SPLIT_ARGS = ",".join(
    [
        _WHOLE_VS,
        _WHOLE_VC,
        *(_whole(c) for c in (col.SHARING_METHOD, col.SUPPLIER_SHARE, col.ONE_OFF)),
        _WHOLE_FLAGS,
    ]
)
_WHOLE_BUNDLE = _whole(col.BUNDLE)


def _bundle_aware(alone: str, bundled: str) -> str:
    """``alone`` (a call over the row's own cells, or "" for blank) on a row without a bundle, else the
    row's own value of ``bundled``, a call over whole columns that judges each bundle as one."""
    return f"IF({_ALONE},{alone},INDEX({bundled},{_POSITION}))"


IDEA_FORMULAS: dict[str, str] = {
    col.SUPPLIER_VALUE: _guarded(
        f"CVM_VALUE({this_row(col.SUPPLIER_ANNUAL)},{this_row(col.SUPPLIER_ONE_TIME)},,,{_S},"
        f"{_this_row_span(col.CUSTOMER_ANNUAL, col.CUSTOMER_ONE_TIME)})"
    ),
    col.CUSTOMER_VALUE: _guarded(
        f"CVM_VALUE({this_row(col.CUSTOMER_ANNUAL)},{this_row(col.CUSTOMER_ONE_TIME)},,,{_S},"
        f"{_this_row_span(col.SUPPLIER_ANNUAL, col.SUPPLIER_ONE_TIME)})"
    ),
    col.SUPPLIER_OUTCOME: _guarded(f"CVM_OUTCOME({_VS},,{_S})"),
    col.CUSTOMER_OUTCOME: _guarded(f"CVM_OUTCOME({_VC},,{_S})"),
    col.CELL: _guarded(f"CVM_CELL({_VS},{_VC},,{_S})"),
    col.NET_VALUE: _guarded(f"CVM_NET({_VS},{_VC})"),
    col.BAND: _guarded(f"CVM_BAND({_VS},{_VC})"),
    # A member shows its bundle's verdict and split method, and its part of the bundle's transfer.
    **{
        name: _guarded(
            _bundle_aware(
                f'CVM_VERDICT({_VS},{_VC},{_FLAGS},"{show}",{_S})',
                f'CVM_VERDICT({_WHOLE_VS},{_WHOLE_VC},{_WHOLE_FLAGS},"{show}",{_S},{_WHOLE_BUNDLE})',
            )
        )
        for name, show in ((col.VERDICT, "label"), (col.VERDICT_CODE, "code"))
    },
    col.SPLIT_METHOD: _guarded(
        _bundle_aware(
            f'CVM_SPLIT({_SPLIT_ARGS},"method",{_S})',
            f'CVM_SPLIT({_WHOLE_SPLIT_ARGS},"method",{_S},{_WHOLE_BUNDLE})',
        )
    ),
    col.TRANSFER: _guarded(
        _bundle_aware(
            f"CVM_TRANSFER({_SPLIT_ARGS},{_S})", f"CVM_TRANSFER({_WHOLE_SPLIT_ARGS},{_S},{_WHOLE_BUNDLE})"
        )
    ),
    **{
        name: _guarded(
            _bundle_aware(
                f'CVM_SPLIT({_SPLIT_ARGS},"{show}",{_S})',
                f'CVM_SPLIT({_WHOLE_SPLIT_ARGS},"{show}",{_S},{_WHOLE_BUNDLE})',
            )
        )
        for name, show in ((col.SUPPLIER_FINAL, "supplier final"), (col.CUSTOMER_FINAL, "customer final"))
    },
    # The bundle's sums and cell: blank outside a bundle, so a row without one costs no call here.
    **{
        name: _guarded(
            _bundle_aware('""', f'CVM_BUNDLE({_WHOLE_VS},{_WHOLE_VC},{_WHOLE_BUNDLE},"{part}",{_S})')
        )
        for name, part in (
            (col.BUNDLE_SUPPLIER_VALUE, "supplier value"),
            (col.BUNDLE_CUSTOMER_VALUE, "customer value"),
            (col.BUNDLE_CELL, "cell"),
        )
    },
}
MONEY_COMPUTED = frozenset(
    {col.SUPPLIER_VALUE, col.CUSTOMER_VALUE, col.NET_VALUE, col.BAND, col.TRANSFER}
    | {col.SUPPLIER_FINAL, col.CUSTOMER_FINAL, col.BUNDLE_SUPPLIER_VALUE, col.BUNDLE_CUSTOMER_VALUE}
)


def table_columns(table: Table) -> tuple[str, ...]:
    """Header names in sheet order: the inputs, then (Ideas only) the computed columns."""
    return (*table.names, *table.computed)


# --- Settings ---------------------------------------------------------------------------------------


class SettingRow(NamedTuple):
    label: str
    value: object
    kind: str  # "text", "money", "percent", "years", "whole"
    help: str


_DEFAULTS = Settings()
_SETTING_HELP = {
    "supplier": ("text", "Your firm's name, as it appears on customer workbooks and sign-offs."),
    "currency": ("text", "Currency of every amount here, e.g. EUR or USD (in units, not thousands)."),
    "horizon_years": ("years", "Years over which an annual amount counts (any positive number)."),
    "discount_rate": ("percent", "Annual discount rate of the horizon value; 0% = no discounting."),
    "indifference_threshold": ("money", "A value within plus or minus this amount is I (indifferent)."),
    "significance_threshold": ("money", "Go ideas whose net value is below this are postponed as too small."),
    "max_one_sided_loss": ("money", "Largest loss one firm may take on a W-L or L-W idea; blank = no limit."),
    "target_supplier_share": ("percent", "The supplier's fair share of the passbook total (50% = equal)."),
    "max_sign_off_ideas": ("whole", "Most ideas put forward for one sign-off."),
    "number_format": ("text", "How numbers typed as text are read: auto (from the data), 1,234.56, "
                      "1.234,56 or 1 234,56 (type it with an apostrophe in front)."),
    "screening_max_quartile": ("quartile", "Screening: industry quartile a CVM customer needs (1 = top)."),
    "screening_min_phase": ("phase", "Screening: business-excellence phase needed (I, II or III)."),
    "screening_min_culture": ("score", "Screening: least score (1-5) for a culture of long-term thinking."),
    "screening_min_co_destiny": ("score", "Screening: least score (1-5) for the desire for co-destiny."),
    "workshop_language": ("text", "Language of the workshop's raw ideas, for the synthesis: English, Dutch, "
                          "French, German, Italian, Polish, Portuguese, Russian, Spanish or Turkish."),
    "equity_tolerance": ("percent", "Equity gap tolerated before cvm-xl balance names the ideas that "
                         "close it, as a share of the passbook total (5% by default)."),
    "refresh_after_months": ("whole", "cvm-xl pipeline: a customer is due a new wave once its last "
                             "kick-off is older than this many months (6 by default)."),
    "minimum_open_go_ideas": ("whole", "cvm-xl pipeline: a customer is due a new wave once fewer open Go "
                              "ideas than this remain (3 by default)."),
}  # fmt: skip

SETTING_ROWS = tuple(
    SettingRow(label, getattr(_DEFAULTS, name), *_SETTING_HELP[name])
    for label, name in ALL_SETTING_LABELS.items()
)
SETTINGS_HELP_COLUMN = "Help"


# --- Lists (the hidden sheet behind every dropdown) ----------------------------------------------

YES_NO = spellings.YES_NO[0]  # the canonical pair of core.spellings


def list_names() -> dict[tuple[object, ...], str]:
    """Each distinct dropdown list and its workbook name (lstStatus, lstYesNo ...), in sheet order.

    A list is named after the first column that uses it: Firm and Owner firm share lstFirm.
    """
    names: dict[tuple[object, ...], str] = {}  # scores are numbers, the other lists text
    for table in TABLES.values():
        for column in table.columns:
            if column.kind is Kind.CHOICE and column.choices not in names:
                name = "lst" + column.name.title().replace(" ", "").replace("-", "")
                if name in names.values():  # the Waves table's Status: lstWavesStatus
                    name = "lst" + table.name.title().replace(" ", "") + name[3:]
                names[column.choices] = name
            elif column.kind is Kind.YES_NO:
                names.setdefault(YES_NO, "lstYesNo")
    for (sheet, heading), values in rt.LIST_VALUES.items():
        if values not in names:
            name = _LIST_NAMES.get(values) or "lst" + heading.title().replace(" ", "")
            if name in names.values():
                name = "lst" + sheet.title().replace(" ", "") + name[3:]
            names[values] = name
    return names


_LIST_NAMES = {rt.RATINGS: "lstRating", rt.SCORES: "lstScore"}


# --- Relationship tables (SPEC §3.9): computed columns as plain worksheet formulas ---------------


def table_name(sheet: str) -> str:
    """tblLifeCycle, tblRisks ...: the Excel Table of a relationship sheet (``schema``)."""
    return RELATIONSHIP_TABLES[sheet].table_name


def _relationship_formulas(sheet: str) -> dict[str, str]:
    """The sheet's computed columns from the one formula writer (``formulas.readiness``: the same
    rules and guards as the live master), over the row's own cells of the sheet's table."""

    def ref(column: str) -> str:
        return this_row(column, table_name(sheet))

    return {name: f"={formula}" for name, formula in relationship_formulas(sheet, ref).items()}


RELATIONSHIP_FORMULAS: dict[str, dict[str, str]] = {
    sheet: formulas for sheet in rt.TABLES if (formulas := _relationship_formulas(sheet))
}
