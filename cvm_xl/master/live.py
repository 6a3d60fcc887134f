"""A live master: every computed column as native formulas with their saved results (SPEC §4, §7).

A master cvm-xl writes as .xlsx shows the computed columns of the Ideas table (SPEC §4 Computed)
and of the relationship tables (Rating, Risk level, Review due, Days open, Overdue) as classic
worksheet formulas from the one formula writer (``cvm_xl.formulas``), so Excel on any platform,
LibreOffice and Google Sheets compute them without Python, and a row added to a table gets them
from the table's calculated-column formula. Each formula cell also holds its result as cvm-xl
computes it (``spreadsheet.cached_values``), so a reader that does not calculate (pandas,
python-calamine, a preview) sees the numbers too.

The formulas read the settings by names the master defines (``formulas.names``): each names a
cell of a helper block on the hidden Lists sheet that resolves the setting once from the Settings
table (``SettingsBlock``, formulas from ``formulas.settings``), so re-sorted rows, labels in
another case and values typed in another accepted spelling ("5%") still work; the sharing methods
and the verdicts are lists on the same sheet. ``load_master`` never reads a computed cell as input
(``read_tables``), and ``checks.check_saved_results`` reports a saved result that differs from the
recomputed one.

A .xlsm master (the template) keeps its computed columns as they are: they are the add-in's
worksheet functions (SPEC §6).

The master writer (``write``) lays out the formulas itself; every later write goes through
``save.save_master``, which calls ``live_bytes``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import column_index_from_string
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import TableFormula
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.core import columns as col
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.problems import column_letter
from cvm_xl.core.settings import FIELD_LABELS, Settings
from cvm_xl.core.sharing import METHOD_CHOICES
from cvm_xl.core.spellings import cell_text, name_key
from cvm_xl.core.values import annuity as annuity_factor
from cvm_xl.core.verdicts import VERDICTS
from cvm_xl.formulas.cells import at_row, sheet_ref
from cvm_xl.formulas.ideas import annuity, guarded, idea_formulas
from cvm_xl.formulas.names import NAMES
from cvm_xl.formulas.readiness import GUARDS, relationship_formulas
from cvm_xl.formulas.settings import setting_position, setting_value, settings_key
from cvm_xl.master.read_tables import TableData, read_table
from cvm_xl.master.schema import IDEAS, RELATIONSHIP_TABLES, SETTING, SETTINGS, SETTINGS_SHEET, VALUE, Table
from cvm_xl.master.settings_sheet import read_settings
from cvm_xl.master.sheet_tables import bounds, header_columns, last_record_in, last_record_row, table_at
from cvm_xl.readiness import exits, issue_log, risks
from cvm_xl.readiness import tables as rt
from cvm_xl.spreadsheet.atomic import workbook_bytes
from cvm_xl.spreadsheet.cached_values import stamp_cached_values
from cvm_xl.spreadsheet.sheet_names import sheets_in_view_of
from cvm_xl.spreadsheet.tables import find_header_row, find_sheet, normalise_header

Rows = Sequence[Sequence[object]]
CellValues = dict[tuple[int, int], object]  # (Excel row, 1-based column) -> saved result

LISTS_SHEET = "Lists"
LIVE_SUFFIX = ".xlsx"
# The Settings rows searched for a setting's label, from the row below the header (a Settings
# table has ~15 rows): one key cell each in the helper block.
SETTINGS_ROWS = 100
# The lists the formulas look up, by their header on the Lists sheet, and the names they get.
FORMULA_LISTS: dict[str, tuple[str, ...]] = {
    col.SHARING_METHOD: METHOD_CHOICES,
    col.VERDICT_CODE: tuple(v.code for v in VERDICTS),
    col.VERDICT: tuple(v.label for v in VERDICTS),
}
LIST_NAMES = {col.SHARING_METHOD: NAMES.methods, col.VERDICT_CODE: NAMES.verdict_codes,
              col.VERDICT: NAMES.verdict_labels}  # fmt: skip
# The tables with computed columns, in sheet order.
LIVE_TABLES: tuple[Table, ...] = (
    IDEAS,
    *(t for t in RELATIONSHIP_TABLES.values() if t.computed),
)
# The input columns each table's formulas read: a record with a problem in one of them gets its
# formulas but no saved result (the formula shows an error where cvm-xl reports the cell).
READS: dict[str, tuple[str, ...]] = {
    IDEAS.name: (*col.VALUE_INPUTS, col.QUANTIFIED, col.GOOD_FAITH, col.ONE_OFF, col.SHARING_METHOD,
                 col.SUPPLIER_SHARE, col.CUSTOMER_ID, col.BUNDLE),
    rt.RISKS_SHEET: (rt.LIKELIHOOD, rt.IMPACT),
    rt.EXITS_SHEET: (rt.STATUS, rt.LAST_REVIEWED),
    rt.ISSUES_SHEET: (rt.STATUS, rt.RAISED, rt.RESOLVED, rt.DUE),
}  # fmt: skip
# The rows of the Ideas table a bundle's members are looked for in, at least (``computed_formulas``).
BUNDLE_ROWS = 5000
# A row whose key cell is blank shows nothing (``formulas.ideas.guarded``, ``formulas.readiness``).
KEYS: dict[str, str] = {IDEAS.name: col.IDEA_ID, **GUARDS}


def is_live(path: str | Path) -> bool:
    """Whether cvm-xl keeps this master live: an .xlsx master (a .xlsm computes with the add-in)."""
    return Path(path).suffix.lower() == LIVE_SUFFIX


def computed_formulas(
    table: str, letters: Mapping[str, str], first_row: int = 2, last_row: int = 0
) -> dict[str, str]:
    """Computed column -> row template ({r}) of a live table, over its sheet's column ``letters``;
    its data from ``first_row`` (the row below the header) to ``last_row``. A bundle's members are
    looked for from ``first_row`` over at least ``BUNDLE_ROWS`` rows, so rows added to the table
    later are found too."""

    def ref(column: str) -> str:
        return f"${letters[column]}{{r}}"

    if table == IDEAS.name:
        rows = (first_row, max(last_row, first_row + BUNDLE_ROWS - 1))
        return guarded(idea_formulas(letters, NAMES, rows), ref(col.IDEA_ID))
    return relationship_formulas(table, ref)


# --- defined names ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SettingsPlace:
    """Where a master's Settings table is: its sheet, header row and label and value columns."""

    sheet: str
    header_row: int
    label_letter: str
    value_letter: str


# The helper block on the Lists sheet that resolves each setting once (``formulas.settings``): the
# columns by their header in the sheet's first row, the key of every Settings row, and per named
# setting its label, the position of its row and its value; the annuity factor below them.
SETTINGS_KEY, NAMED_SETTING, SETTING_POSITION, SETTING_VALUE = (
    "Settings key", "Named setting", "Setting position", "Setting value",
)  # fmt: skip
BLOCK_HEADERS = (SETTINGS_KEY, NAMED_SETTING, SETTING_POSITION, SETTING_VALUE)
ANNUITY_LABEL = "Annuity factor"
# Names earlier masters defined (a setting's row as a named SUMPRODUCT): removed at the next write.
OBSOLETE_NAMES = tuple(f"{name}Row" for name in NAMES.settings.values())


@dataclass(frozen=True)
class SettingsBlock:
    """The settings resolved once on the Lists sheet ``sheet``: the cells to write ({(row, column):
    plain value} and {(row, column): formula without '='}), the result of each formula as cvm-xl
    computes it, and the cell each setting name (and the annuity factor) refers to."""

    sheet: str
    values: dict[tuple[int, int], object]
    formulas: dict[tuple[int, int], str]
    cached: CellValues
    names: dict[str, str]


def block_columns(first_row: Sequence[object], taken: Collection[int] = ()) -> dict[str, int]:
    """The column of each of the block's ``BLOCK_HEADERS`` on a Lists sheet whose first row is
    ``first_row``: under its header, or in the next column free of headers and of ``taken``."""
    header = {normalise_header(v): i for i, v in enumerate(first_row, start=1) if v not in (None, "")}
    free = max([*header.values(), *taken], default=0)
    columns: dict[str, int] = {}
    for name in BLOCK_HEADERS:
        column = header.get(normalise_header(name))
        if column is None:
            free += 1
            column = free
        columns[name] = column
    return columns


def _trimmed(x: object) -> str:
    """``settings_key``'s result in Python: TRIM(CLEAN(x&"")) keeps the case, drops characters 0-31
    and the spaces around the text, and runs of spaces inside become one."""
    text = "" if x is None else cell_text(x)
    text = "".join(ch for ch in text if ord(ch) >= 32)
    return " ".join(part for part in text.split(" ") if part)


def settings_block(
    sheet: str, columns: Mapping[str, int], place: SettingsPlace, rows: Rows, settings: Settings
) -> SettingsBlock:
    """The helper block on the Lists sheet ``sheet`` (``columns``: ``block_columns``) over the
    Settings table at ``place`` whose sheet holds ``rows`` (from A1) and reads as ``settings``."""
    key_col, label_col, position_col, value_col = (columns[h] for h in BLOCK_HEADERS)
    key_letter, position_letter, value_letter = (column_letter(c) for c in (key_col, position_col, value_col))
    source = sheet_ref(place.sheet)
    first = place.header_row + 1
    label_index = column_index_from_string(place.label_letter) - 1
    values: dict[tuple[int, int], object] = {(1, column): name for name, column in columns.items()}
    formulas: dict[tuple[int, int], str] = {}
    cached: CellValues = {}
    keys = []
    for i in range(SETTINGS_ROWS):
        row = first + i
        formulas[(2 + i, key_col)] = settings_key(f"{source}!${place.label_letter}${row}")
        typed = rows[row - 1] if row - 1 < len(rows) else ()
        label = typed[label_index] if label_index < len(typed) else None
        keys.append(_trimmed(label))
        cached[(2 + i, key_col)] = keys[-1]
    key_range = f"${key_letter}$2:${key_letter}${SETTINGS_ROWS + 1}"
    value_range = f"{source}!${place.value_letter}${first}:${place.value_letter}${first + SETTINGS_ROWS - 1}"
    here = sheet_ref(sheet)
    defaults = Settings()
    names: dict[str, str] = {}
    for k, (field_name, name) in enumerate(NAMES.settings.items()):
        r, label = 2 + k, FIELD_LABELS[field_name]
        values[(r, label_col)] = label
        formulas[(r, position_col)] = setting_position(label, key_range)
        position = f"{position_letter}{r}"
        formulas[(r, value_col)] = setting_value(position, value_range, getattr(defaults, field_name))
        cached[(r, position_col)] = next(
            (j for j, key in enumerate(keys, start=1) if key.casefold() == name_key(label)), 0
        )
        value = getattr(settings, field_name)
        cached[(r, value_col)] = "" if value is None else float(value)
        names[name] = f"{here}!${value_letter}${r}"
    r = 2 + len(NAMES.settings)
    values[(r, label_col)] = ANNUITY_LABEL
    formulas[(r, value_col)] = annuity(NAMES)
    cached[(r, value_col)] = annuity_factor(settings.horizon_years, settings.discount_rate)
    names[NAMES.annuity] = f"{here}!${value_letter}${r}"
    return SettingsBlock(sheet, values, formulas, cached, names)


def defined_names(lists: Mapping[str, str], block: SettingsBlock | None) -> dict[str, tuple[str, bool]]:
    """Name -> (formula, hidden) of every name the formulas read: a setting and the annuity factor
    (the cells of ``block``) and the lists (``lists``: header -> range such as Lists!$E$2:$E$6).
    Without a Settings table (no ``block``) the settings are the defaults of SPEC §3."""
    names: dict[str, tuple[str, bool]] = {}
    if block is None:
        defaults = Settings()
        for field_name, name in NAMES.settings.items():
            default = getattr(defaults, field_name)
            names[name] = ('""' if default is None else repr(float(default)), False)
        names[NAMES.annuity] = (annuity(NAMES), False)
    else:
        names.update({name: (reference, False) for name, reference in block.names.items()})
    for header, reference in lists.items():
        names[LIST_NAMES[header]] = (reference, False)
    return names


def list_range(column: int, length: int) -> str:
    letter = column_letter(column)
    return f"{sheet_ref(LISTS_SHEET)}!${letter}$2:${letter}${length + 1}"


def set_names(wb: Workbook, names: Mapping[str, tuple[str, bool]]) -> None:
    """Define (or redefine) the workbook-level names; the names earlier masters defined for the
    settings' rows go."""
    for name in OBSOLETE_NAMES:
        if name in wb.defined_names:
            del wb.defined_names[name]
    for name, (formula, hidden) in names.items():
        wb.defined_names[name] = DefinedName(name, attr_text=formula, hidden=True if hidden else None)


def settings_place(sheet: str | None, rows: Rows | None) -> SettingsPlace | None:
    if sheet is None or rows is None:
        return None
    header = find_header_row(rows, SETTINGS.names, SETTINGS.required)
    if header is None or not all(c in header.positions for c in (SETTING, VALUE)):
        return None
    return SettingsPlace(
        sheet,
        header.excel_row,
        column_letter(header.positions[SETTING] + 1),
        column_letter(header.positions[VALUE] + 1),
    )


# --- the saved results -----------------------------------------------------------------------------


def _result(value: object) -> object:
    """A computed value as a formula shows it: blanks (NaN, None) are the empty text ""."""
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return ""
    return value


def computed_frame(table: str, frame: pd.DataFrame, settings: Settings, today: dt.date) -> pd.DataFrame:
    """The table's records with their computed columns, as cvm-xl computes them (judged on
    ``today``): the one evaluation of the saved results, ``cvm-xl refresh``, the Refresh macro and
    ``validate``'s stale-result check."""
    if table == IDEAS.name:
        return evaluate_ideas(frame, settings)
    return relationship_computed(table, frame, today)


def today_columns(table: str) -> frozenset[str]:
    """The computed columns of ``table`` whose formula counts from TODAY() (Review due, Days open,
    Overdue): a spreadsheet's saved result is that of the day it last calculated."""
    formulas = relationship_formulas(table, lambda column: column)
    return frozenset(name for name, formula in formulas.items() if "TODAY()" in formula)


def relationship_computed(sheet: str, frame: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """A relationship table with its computed columns (SPEC §3.9), judged on ``today``."""
    if sheet == rt.RISKS_SHEET:
        return risks.rate_risks(frame)
    if sheet == rt.EXITS_SHEET:
        return exits.review_exits(frame, today)
    if sheet == rt.ISSUES_SHEET:
        return issue_log.flag_issues(frame, today)
    return frame


@dataclass
class LiveTable:
    """One table made live: its sheet, the computed columns' positions and formulas, the rows that
    hold them and their saved results ({(row, column): value}; a row left out has no result)."""

    table: Table
    sheet: str
    header_row: int
    columns: dict[str, int]
    templates: dict[str, str]
    rows: list[int]
    cached: CellValues = field(default_factory=dict)


def live_table(
    table: Table,
    sheet: str,
    rows: Rows,
    settings: Settings,
    last_row: int,
    skip: Collection[int] = (),
    today: dt.date | None = None,
) -> LiveTable | None:
    """The computed columns of ``table`` on the rows of its sheet (from A1; every computed column
    has its header): formulas for each row from the header to ``last_row`` (but ``skip``, such as
    a total row), with the results cvm-xl computes. None when the sheet holds no such table."""
    data = read_table(table, rows, "", sheet, None, settings.number_format)
    if data.header is None or not all(c in data.header.positions for c in table.computed):
        return None
    letters = data.letters
    templates = computed_formulas(table.name, letters, data.header.excel_row + 1, last_row)
    columns = {name: data.header.positions[name] + 1 for name in table.computed}
    first = data.header.excel_row + 1
    live = LiveTable(table, sheet, data.header.excel_row, columns, templates,
                     [r for r in range(first, last_row + 1) if r not in skip])  # fmt: skip
    live.cached = _cached(live, data, settings, today or dt.date.today())
    return live


def _cached(live: LiveTable, data: TableData, settings: Settings, today: dt.date) -> CellValues:
    frame = data.frame
    key = KEYS.get(live.table.name)
    usable = np.ones(len(frame), dtype=bool)
    for name in READS.get(live.table.name, ()):
        usable &= data.usable(name)
    has_key = frame[key].notna().to_numpy() if key else np.ones(len(frame), dtype=bool)
    computed = computed_frame(live.table.name, frame[usable & has_key], settings, today)
    records = set(frame.index)
    found = {name: dict(zip(computed.index, computed[name], strict=True)) for name in live.columns}
    cached: CellValues = {}
    for row in live.rows:
        if row in found[live.table.computed[0]]:
            for name, column in live.columns.items():
                cached[(row, column)] = _result(found[name][row])
        elif row not in records or (key is not None and frame.at[row, key] is None):
            # No record, or one without its key: the guarded formulas show nothing.
            cached.update({(row, column): "" for column in live.columns.values()})
    return cached


@dataclass(frozen=True)
class ComputedCell:
    """What a refresh writes into one computed cell: ``formula`` (without '='), or None to keep the
    formula the cell holds (a cell holding none gets ``result`` as a plain value), and ``result``,
    the value cvm-xl computes for it (``NO_RESULT`` when its inputs cannot be read)."""

    formula: str | None
    result: object


NO_RESULT = object()  # a formula whose inputs cvm-xl cannot read: written without a saved result


@dataclass
class RowsTable:
    """A table made live from its sheet's rows as read (``live_table_in_rows``): the computed
    headers the sheet lacked ({column: header}, to write right of its header), the table, and
    how many rows of the sheet were read."""

    headers: dict[int, str]
    live: LiveTable
    extent: int


def live_table_in_rows(
    table: Table,
    sheet: str,
    rows: Rows,
    settings: Settings,
    totals: Collection[int] = (),
    today: dt.date | None = None,
) -> RowsTable | None:
    """``make_live``'s work for one table of a workbook read as rows (from A1), such as a master open
    in Excel: the table's header row found as the loader finds it, every computed column it lacks
    placed in the next free column, the formulas and results (``live_table``) for the rows from
    the header to its last record (``sheet_tables.last_record_in``; ``totals`` are no records).
    None when the sheet holds no such table."""
    header = find_header_row(rows, [*table.names, *table.computed], table.signature or table.required)
    if header is None:
        return None
    columns = {normalise_header(v): i for i, v in enumerate(rows[header.row], start=1) if normalise_header(v)}
    added: dict[int, str] = {}
    for name in table.computed:
        if normalise_header(name) not in columns:
            column = max(columns.values(), default=0) + 1
            columns[normalise_header(name)] = column
            added[column] = name
    heading = list(rows[header.row])
    heading += [None] * (max(added, default=0) - len(heading))
    for column, name in added.items():
        heading[column - 1] = name
    with_headers = [*rows[: header.row], heading, *rows[header.row + 1 :]]
    below = with_headers[header.row + 1 :]
    last = last_record_in(below, header.excel_row, columns, table.computed, totals)
    live = live_table(table, sheet, with_headers, settings, last, totals, today)
    return None if live is None else RowsTable(added, live, len(rows))


# --- making an open workbook live --------------------------------------------------------------------


def _rows(ws: Worksheet) -> list[list[object]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def list_columns(first_row: Sequence[object]) -> dict[str, int]:
    """The column of each list the formulas read (``FORMULA_LISTS``) on a Lists sheet whose first
    row is ``first_row``: under its header, or in the next free column."""
    header = {normalise_header(v): i for i, v in enumerate(first_row, start=1) if v not in (None, "")}
    columns: dict[str, int] = {}
    for name in FORMULA_LISTS:
        column = header.get(normalise_header(name))
        if column is None:
            column = max(header.values(), default=0) + 1
            header[normalise_header(name)] = column
        columns[name] = column
    return columns


def list_ranges(title: str, columns: Mapping[str, int]) -> dict[str, str]:
    """Header -> the range of its list on the Lists sheet ``title`` (e.g. Lists!$E$2:$E$6)."""
    ranges = {name: list_range(column, len(FORMULA_LISTS[name])) for name, column in columns.items()}
    return {name: r.replace(sheet_ref(LISTS_SHEET), sheet_ref(title)) for name, r in ranges.items()}


def _ensure_lists(wb: Workbook) -> dict[str, str]:
    """The Lists sheet holds every list the formulas read (added when missing) and the settings
    block (``settings_block_of``); header -> range of each list."""
    title = find_sheet(sheets_in_view_of(wb), LISTS_SHEET)
    if title is None:
        ws = wb.create_sheet(LISTS_SHEET)
        ws.sheet_state = "hidden"
    else:
        ws = wb[title]
    columns = list_columns([c.value for c in ws[1]])
    for name, column in columns.items():
        for i, entry in enumerate((name, *FORMULA_LISTS[name]), start=1):
            ws.cell(i, column, entry)
    block = settings_block_of(wb)
    if block is not None:
        for (row, column), value in block.values.items():
            ws.cell(row, column).value = value
        for (row, column), formula in block.formulas.items():
            ws.cell(row, column).value = "=" + formula
    return list_ranges(ws.title, columns)


def _settings_of(wb: Workbook) -> tuple[str | None, Rows | None, Settings]:
    """The master's Settings sheet (its title and rows from A1) and the settings it holds."""
    title = find_sheet(sheets_in_view_of(wb), SETTINGS_SHEET)
    rows = _rows(wb[title]) if title else None
    settings = Settings()
    if title and rows is not None:
        settings = read_settings(rows, "", title)[0]
    return title, rows, settings


def settings_block_of(wb: Workbook) -> SettingsBlock | None:
    """The settings block the master ``wb`` holds (or is to hold) on its Lists sheet; None without
    a Lists sheet or a Settings table."""
    lists = find_sheet(sheets_in_view_of(wb), LISTS_SHEET)
    title, rows, settings = _settings_of(wb)
    place = settings_place(title, rows)
    if lists is None or place is None or rows is None:
        return None
    first_row = [c.value for c in wb[lists][1]]
    columns = block_columns(first_row, list_columns(first_row).values())
    return settings_block(lists, columns, place, rows, settings)


def _table_rows(ws: Worksheet, header_row: int) -> tuple[int, set[int]]:
    """The last data row of the Excel Table on ``header_row`` (0 without one) and its total rows."""
    table = table_at(ws, header_row)
    if table is None:
        return 0, set()
    last = bounds(table.ref)[3]
    totals = int(table.totalsRowCount or 0)
    return last - totals, set(range(last - totals + 1, last + 1))


def _write_formulas(ws: Worksheet, live: LiveTable) -> None:
    for row in live.rows:
        for name, column in live.columns.items():
            ws.cell(row, column).value = "=" + at_row(live.templates[name], row)
    # Results left below the table by rows since deleted would pass for records' results.
    stale_from = (live.rows[-1] if live.rows else live.header_row) + 1
    for row in range(stale_from, ws.max_row + 1):
        for column in live.columns.values():
            if ws.cell(row, column).value is not None:
                ws.cell(row, column).value = None
    table = table_at(ws, live.header_row)
    if table is None:
        return
    keys = {normalise_header(name): name for name in live.columns}
    for table_column in table.tableColumns:
        wanted = keys.get(normalise_header(table_column.name))
        if wanted is not None:
            formula = at_row(live.templates[wanted], live.header_row + 1)
            table_column.calculatedColumnFormula = TableFormula(attr_text=formula)


def make_live(wb: Workbook, today: dt.date | None = None) -> dict[str, LiveTable]:
    """Write every computed column of the master ``wb`` as formulas (columns deleted by a user come
    back at the table's right) and define the names they read; each table made live, by sheet
    (its ``cached`` results are what ``stamp_cached_values`` saves)."""
    names = sheets_in_view_of(wb)
    settings = _settings_of(wb)[2]
    lists = _ensure_lists(wb)
    set_names(wb, defined_names(lists, settings_block_of(wb)))
    made: dict[str, LiveTable] = {}
    for table in LIVE_TABLES:
        title = find_sheet(names, table.name)
        if title is None:
            continue
        ws = wb[title]
        try:
            header_row, columns = header_columns(ws, table.computed, table)
        except ValueError:
            continue  # no such table on the sheet: a user's own sheet of that name
        table_last, totals = _table_rows(ws, header_row)
        last = max(table_last, last_record_row(ws, header_row, columns, table.computed))
        live = live_table(table, title, _rows(ws), settings, last, totals, today)
        if live is None:
            continue
        _write_formulas(ws, live)
        made[title] = live
    return made


def live_bytes(wb: Workbook, target: str | Path, today: dt.date | None = None) -> bytes:
    """The master ``wb`` as the bytes of its file: live (formulas and their results) when it is
    saved as ``target`` .xlsx, as it is otherwise (``is_live``)."""
    if not is_live(target):
        return workbook_bytes(wb)
    return saved_bytes(wb, make_live(wb, today))


def saved_bytes(wb: Workbook, made: Mapping[str, LiveTable]) -> bytes:
    """The bytes of ``wb`` made live by ``make_live``, with the formulas' results saved (those of
    the settings block too)."""
    results = {sheet: live.cached for sheet, live in made.items()}
    block = settings_block_of(wb)
    if block is not None:
        results[block.sheet] = block.cached
    return stamp_cached_values(workbook_bytes(wb), results)
