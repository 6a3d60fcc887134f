"""Reading a workbook back into inputs: a customer workbook, the consolidated sign-off or a master.

Only inputs are taken from a workbook (ideas, tracking rows, settings, the signatories, the hidden
Record sheet and the fingerprints stored at generation); every figure is recomputed with the core.
Cached formula results are never used as figures: a file saved by a library has none, and a stale
cache lies. Where a cached result disagrees with the recomputed one, a warning names the cell.

The kind of a workbook comes from the document property generation writes ("cvm-xl workbook");
when a program dropped the properties, from its sheets.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import NamedTuple
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from cvm_xl.books import layout as L
from cvm_xl.books.package import (
    CUSTOM_PART,
    CUSTOMER_ID_PROPERTY,
    FINGERPRINT_PROPERTY,
    GENERATED_PROPERTY,
    KIND_CUSTOMER,
    KIND_MASTER,
    KIND_PROPERTY,
    KIND_SIGNOFF,
    WAVE_START_PROPERTY,
    read_custom_properties,
)
from cvm_xl.core import columns as col
from cvm_xl.core.bundles import bundle_key
from cvm_xl.core.cells import parse_yes_no, shown
from cvm_xl.core.chain import PARTY_ID
from cvm_xl.core.chain import TRANSFER as PARTY_TRANSFER
from cvm_xl.core.chain_decisions import (
    ChainDecision,
    chain_decisions,
    decision_of,
    verdict_of_label,
    with_decisions,
)
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.fingerprint import (
    SIGNED_WAVE,
    canonical_date,
    canonical_money,
    canonical_number,
    canonical_text,
)
from cvm_xl.core.passbook import balances
from cvm_xl.core.problems import ERROR, WARNING, Code, Problem, WorkbookError, column_letter
from cvm_xl.core.settings import Settings
from cvm_xl.core.tracking import month_of
from cvm_xl.core.true_up import booked_lines, wave_months
from cvm_xl.core.values import is_blank
from cvm_xl.core.waves import wave_number
from cvm_xl.master.model import Master
from cvm_xl.master.read import load_master
from cvm_xl.master.read_tables import TableData, empty_frame, read_table
from cvm_xl.master.schema import IDEAS, SETTING, TRACKING
from cvm_xl.master.settings_sheet import default_settings_problem, read_settings
from cvm_xl.spreadsheet.files import check_workbook_file, unreadable
from cvm_xl.spreadsheet.sheet_rows import read_workbook_rows
from cvm_xl.spreadsheet.sheet_xml import SheetScan, scan_sheets
from cvm_xl.spreadsheet.tables import find_header_row, find_sheet, normalise_header

KIND_NAMES = {
    KIND_MASTER: "master workbook",
    KIND_CUSTOMER: "customer workbook",
    KIND_SIGNOFF: "consolidated sign-off",
}

RANK = "Sign-off rank"
# The figures the Record sheet (and the consolidated Detail sheet) keep as generated.
RECORD_FIGURES = (col.SUPPLIER_VALUE, col.CUSTOMER_VALUE, col.TRANSFER, col.SPLIT_METHOD)
_MONEY_FIGURES = frozenset({col.SUPPLIER_VALUE, col.CUSTOMER_VALUE, col.TRANSFER})

# The master's record of every sign-off folded back by ``cvm-xl import`` (one row per signed book).
SIGN_OFFS_SHEET = "Sign-offs"
FINGERPRINT_GENERATED = "Fingerprint as generated"
FINGERPRINT_SIGNED = "Fingerprint as signed"
SIGNED_IDEAS = "Signed ideas"
SIGNATORY_COLUMNS: dict[tuple[str, str], str] = {
    ("supplier", "Name"): "Supplier signatory",
    ("supplier", "Title"): "Supplier title",
    ("supplier", "Date"): "Supplier date",
    ("customer", "Name"): "Customer signatory",
    ("customer", "Title"): "Customer title",
    ("customer", "Date"): "Customer date",
}
SIGN_OFF_COLUMNS = (
    col.CUSTOMER_ID, "Customer", FINGERPRINT_GENERATED, FINGERPRINT_SIGNED, SIGNED_IDEAS,
    *SIGNATORY_COLUMNS.values(), "Workbook", "Generated", "Imported",
)  # fmt: skip

# The master's record of every import that changed it (one row per item, then one per workbook).
# "Workbook generated" keeps the returned workbook's generation stamp as its property gave it, so an
# older copy of a customer's workbook can be told from the one imported last (``actions.imports``).
IMPORT_LOG_SHEET = "Import log"
WORKBOOK_GENERATED = "Workbook generated"
IMPORT_LOG_COLUMNS = (
    "Imported", "Workbook", col.CUSTOMER_ID, col.IDEA_ID, "What", "Field", "In master before",
    "In workbook", "Result", WORKBOOK_GENERATED,
)  # fmt: skip

SUMMARY_SHEET, DETAIL_SHEET = "Summary", "Detail"
SUMMARY_FINGERPRINT = "Sign-off fingerprint"
_DAMAGED_FIX = "Open it in Excel or LibreOffice and save a new copy, or use the copy that was sent."
_NOT_OURS_FIX = (
    "Give a workbook made by cvm-xl: a master, a customer workbook (cvm-xl generate) or the "
    "consolidated sign-off (cvm-xl signoff)."
)
_CENT = 0.005


def key(value: object) -> str:
    """An ID as it is compared: trimmed text, 12.0 read back from a number cell is '12'."""
    return canonical_text(value)


_MONEY_FIELDS = frozenset({*col.VALUE_INPUTS, *_MONEY_FIGURES, "Supplier realised", "Customer realised"})
_DATE_FIELDS = frozenset({col.START, col.END, "Month"})
_YES_NO_FIELDS = frozenset({col.QUANTIFIED, col.GOOD_FAITH, col.ONE_OFF, col.OUT_OF_BOUNDS, col.TRUE_UP})
_LOWER_FIELDS = frozenset({col.SHARING_METHOD, col.SPLIT_METHOD})


def canonical_value(name: str, value: object) -> str:
    """A field's value as it is compared between workbooks: what survives any spreadsheet round
    trip (money to the cent, dates as ISO dates, trimmed text, Yes/No as words, a Bundle ID as its
    members are grouped by it)."""
    if name == col.BUNDLE:
        return bundle_key(value)
    if name in _MONEY_FIELDS:
        return canonical_money(value)
    if name in _DATE_FIELDS:
        return canonical_date(value)
    if name in _YES_NO_FIELDS:
        try:
            parsed = parse_yes_no(value, None)
        except ValueError:
            return canonical_text(value)
        return "" if parsed is None else ("Yes" if parsed else "No")
    if name == col.SUPPLIER_SHARE:
        return canonical_number(value)
    text = canonical_text(value)
    return text.lower() if name in _LOWER_FIELDS else text


@dataclass(frozen=True, eq=False)
class Record:
    """A workbook's ideas and tracking rows exactly as generated (the hidden Record sheet).

    ``ideas`` has the typed input columns, the figures of ``RECORD_FIGURES``, ``Sign-off rank``
    (0 when the idea was not on the sign-off sheet) and ``Sign-off wave`` (the wave whose list it
    is on, None when the workbook has none); ``tracking`` the typed tracking rows.
    """

    ideas: pd.DataFrame
    tracking: pd.DataFrame

    def _ranked(self, customer_id: str | None) -> pd.DataFrame:
        ideas = self.ideas
        if customer_id is not None:
            ideas = ideas[ideas[col.CUSTOMER_ID].map(key) == customer_id]
        return ideas[ideas[RANK] > 0].sort_values(RANK, kind="stable")

    def signed_ids(self, customer_id: str | None = None) -> tuple[str, ...]:
        return tuple(key(v) for v in self._ranked(customer_id)[col.IDEA_ID])

    def signed_waves(self, customer_id: str | None = None) -> dict[str, int]:
        """Idea ID -> the wave whose sign-off list the signed idea is on (issue 14; ideas of a
        workbook without waves have none)."""
        ranked = self._ranked(customer_id)
        return {
            key(i): int(w)
            for i, w in zip(ranked[col.IDEA_ID], ranked[SIGNED_WAVE], strict=True)
            if w is not None
        }


class Place(NamedTuple):
    """Where a table of a workbook is: its sheet as the workbook spells it, each column's letter."""

    sheet: str
    letters: Mapping[str, str]

    @classmethod
    def of(cls, data: TableData) -> Place:
        return cls(data.sheet_name, dict(data.letters))

    def cell(self, column: str, row: int) -> str:
        letter = self.letters.get(column)
        return f"{self.sheet}!{letter}{row}" if letter else f"{self.sheet} row {row}"


@dataclass(frozen=True, eq=False)
class BookContent:
    """What a workbook holds, read as inputs. Figures come from ``evaluated`` (the core), never
    from the workbook's cached formula results.

    ``customers`` maps each customer the workbook holds to its name. ``stored`` is the sign-off
    fingerprint generation stored per customer (for a master: the fingerprint signed at the last
    import, from its Sign-offs sheet) and ``signed_ids`` the ideas it covers, ``signed_waves`` the
    wave each was signed in (issue 14: Idea ID -> wave, signed ideas only). ``record`` holds
    the ideas and tracking rows as generated (None for a master). ``problems`` are warnings.
    """

    path: Path
    kind: str
    settings: Settings
    ideas: pd.DataFrame
    tracking: pd.DataFrame
    customers: dict[str, str | None]
    stored: dict[str, str] = field(default_factory=dict)
    signed_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)
    signed_waves: dict[str, dict[str, int]] = field(default_factory=dict)
    record: Record | None = None
    shown_fingerprint: str | None = None
    signatories: dict[tuple[str, str], object] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    master: Master | None = None
    sign_offs: pd.DataFrame | None = None
    computed_columns: tuple[str, ...] = ()  # the computed columns a master's Ideas sheet shows
    import_log: pd.DataFrame | None = None  # a master's Import log sheet (None when it has none)
    # Where a customer workbook's tables are (Ideas, Tracking), to name the cell of a row it holds.
    places: dict[str, Place] = field(default_factory=dict)
    # Issue 16: a customer workbook's chain ideas -> how each is decided (chain verdict, split and the
    # transfer of its Passbook line, the split's net flow from the supplier to the customer), as its
    # Chain sheet holds them; a master's come from its chain tables (``decided``).
    chain_decisions: dict[str, ChainDecision] = field(default_factory=dict)

    @property
    def file(self) -> str:
        return str(self.path)

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind]

    @property
    def generated(self) -> str | None:
        return self.properties.get(GENERATED_PROPERTY)

    @property
    def customer_id(self) -> str | None:
        """The customer of a customer workbook (None for the others)."""
        return next(iter(self.customers)) if self.kind == KIND_CUSTOMER and self.customers else None

    def cell(self, table: str, column: str, row: int) -> str:
        """'Tracking!A12': the cell of a record of this workbook ('Tracking row 12' without the
        column's letter; the file name when the table's sheet is not known)."""
        place = self.places.get(table)
        return place.cell(column, row) if place is not None else f"{self.path.name} row {row}"

    def describe(self) -> str:
        """'customer workbook of C-WHL (Brightwell Wheels)', 'master workbook (4 customers)'."""
        if self.kind == KIND_CUSTOMER and self.customer_id is not None:
            name = self.customers.get(self.customer_id)
            return f"{self.kind_name} of {self.customer_id}" + (f" ({name})" if name else "")
        n = len(self.customers)
        return f"{self.kind_name} ({n} customer{'' if n == 1 else 's'})"

    @cached_property
    def evaluated(self) -> pd.DataFrame:
        """The ideas with every computed column, recomputed by the core from the inputs read."""
        return evaluate_ideas(self.ideas, self.settings)

    @cached_property
    def shared(self) -> pd.DataFrame:
        """The evaluated ideas both firms see: out-of-bounds ideas left out (SPEC §3.9, §7)."""
        ev = self.evaluated
        if col.OUT_OF_BOUNDS not in ev.columns:
            return ev
        oob = ev[col.OUT_OF_BOUNDS].map(lambda v: bool(parse_yes_no(v, False))).to_numpy(dtype=bool)
        return ev.loc[~oob]

    @property
    def chain_transfers(self) -> dict[str, float]:
        """Idea ID -> the Passbook transfer of each chain idea read (its S -> C flow)."""
        return {i: d.supplier_to_customer for i, d in self.chain_decisions.items()}

    @cached_property
    def decided(self) -> pd.DataFrame:
        """``shared`` as decided (issue 16, ``core.chain_decisions``): a chain idea with its chain
        verdict, split and supplier-to-customer transfer, as signed and booked."""
        found = chain_decisions(self.master.chain) if self.master is not None else self.chain_decisions
        return with_decisions(self.shared, found)

    def customer_ideas(self, customer_id: str) -> pd.DataFrame:
        """The shared ideas of one customer as decided (``decided``), in table order."""
        ev = self.decided
        return ev[ev[col.CUSTOMER_ID].map(key) == customer_id]

    @property
    def waves(self) -> dict[str, int]:
        """Each customer's Wave start month (the contract years of its true-up settlements,
        ``core.true_up``): a master's Customers sheet, a customer workbook's ``WAVE_START_PROPERTY``."""
        if self.master is not None:
            return wave_months(self.master.customers)
        wave = month_of(self.properties.get(WAVE_START_PROPERTY))
        return {} if wave is None else {cid: wave for cid in self.customers}

    def customer_tracking(self, customer_id: str) -> pd.DataFrame:
        ids = set(self.customer_ideas(customer_id)[col.IDEA_ID].map(key))
        return self.tracking[self.tracking[col.IDEA_ID].map(key).isin(ids)]


# --- the file: properties, defined names, cell values ---------------------------------------------


def _zip_part(path: Path, name: str) -> bytes | None:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read(name) if name in archive.namelist() else None
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return None


def custom_properties(path: Path) -> dict[str, str]:
    """The workbook's custom document properties ({} when it has none)."""
    data = _zip_part(path, CUSTOM_PART)
    if data is None:
        return {}
    try:
        return read_custom_properties(data)
    except ElementTree.ParseError:
        return {}


def defined_names(path: Path) -> dict[str, str]:
    """Workbook-level defined names -> their reference text ('Sign-off'!$C$3)."""
    data = _zip_part(path, "xl/workbook.xml")
    if data is None:
        return {}
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return {}
    out: dict[str, str] = {}
    for element in root.iter():
        if element.tag.rpartition("}")[2] == "definedName" and element.get("localSheetId") is None:
            out[element.get("name", "")] = (element.text or "").strip()
    return out


_SINGLE_CELL = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?([0-9]+)$")


def parse_cell_ref(ref: str) -> tuple[str, int, int] | None:
    """ "'Sign-off'!$C$3" -> ('Sign-off', 3, 3): sheet, Excel row, 1-based column; None otherwise."""
    match = _SINGLE_CELL.match(ref.strip())
    if match is None:
        return None
    sheet = match.group(1).replace("''", "'") if match.group(1) is not None else match.group(2)
    column = 0
    for ch in match.group(3):
        column = column * 26 + ord(ch) - 64
    return sheet, int(match.group(4)), column


def cell_at(rows: Sequence[Sequence[object]], row: int, column: int) -> object:
    """The value at (Excel row, 1-based column) of a sheet read from A1; None beyond its cells."""
    if 0 < row <= len(rows):
        cells = rows[row - 1]
        if 0 < column <= len(cells):
            value = cells[column - 1]
            return None if value == "" else value
    return None


def read_rows(path: Path, sheets: Sequence[str]) -> tuple[list[str], dict[str, Sequence[Sequence[object]]]]:
    """All sheet names and the cell values of the wanted sheets that exist (row 0 = Excel row 1),
    read within what each sheet holds (``spreadsheet.sheet_rows``)."""
    names, rows, _ = read_workbook_rows(path, sheets, _DAMAGED_FIX)
    return names, dict(rows)


def sheet_names(path: Path) -> list[str]:
    return read_rows(path, ())[0]


# --- tables ---------------------------------------------------------------------------------------


def _figures(rows: Sequence[Sequence[object]], data: TableData, names: Sequence[str]) -> pd.DataFrame:
    """Raw cell values of the named columns (computed columns a table reader skips), per record."""
    out: dict[str, list[object]] = {}
    positions = data.header.positions if data.header is not None else {}
    extras = data.header.extras if data.header is not None else {}
    for name in names:
        position = positions.get(name, extras.get(name))
        out[name] = [
            None if position is None else cell_at(rows, int(r), position + 1) for r in data.frame.index
        ]
    return pd.DataFrame(out, index=data.frame.index)


def _money(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.map(lambda v: np.nan if v is None or isinstance(v, str) else v)).astype(float)


def _with_figures(data: TableData, rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    """The typed ideas plus the figures as generated, the sign-off rank (0 when not ranked) and the
    sign-off wave (None where the workbook has none: one written before waves)."""
    frame = data.frame.copy()
    figures = _figures(rows, data, (*RECORD_FIGURES, RANK, SIGNED_WAVE))
    for name in RECORD_FIGURES:
        if name in _MONEY_FIGURES:
            frame[name] = _money(figures[name])
        else:
            frame[name] = figures[name].map(lambda v: None if v is None else str(v).strip().lower())
    frame[RANK] = _money(figures[RANK]).fillna(0.0)
    frame[SIGNED_WAVE] = pd.Series(
        [wave_number(v) for v in figures[SIGNED_WAVE]], index=frame.index, dtype=object
    )
    return frame


def _empty_tracking() -> pd.DataFrame:
    return empty_frame(TRACKING)


def _read_record(
    rows: Sequence[Sequence[object]], file: str, sheet: str
) -> tuple[Record | None, list[Problem]]:
    """The Record sheet: ideas from A1, then (after a blank column) the tracking rows."""
    header = rows[0] if rows else []
    idea_columns = [i for i, v in enumerate(header) if normalise_header(v) == normalise_header(col.IDEA_ID)]
    if not idea_columns:
        message = f"The hidden {sheet} sheet has no header row, so changes cannot be listed field by field."
        return None, [Problem(file, sheet, 1, None, None, message, WARNING, _DAMAGED_FIX)]
    split = idea_columns[1] if len(idea_columns) > 1 else len(header)
    ideas = read_table(IDEAS, [r[:split] for r in rows], file, sheet)
    tracking = read_table(TRACKING, [r[split : split + len(TRACKING.columns)] for r in rows], file, sheet)
    problems = [p._replace(severity=WARNING) for p in (*ideas.problems, *tracking.problems)]
    if ideas.header is None:
        return None, problems
    frame = _with_figures(ideas, [r[:split] for r in rows])
    return Record(frame, tracking.frame if tracking.header is not None else _empty_tracking()), problems


def _settings(
    rows: Sequence[Sequence[object]] | None, file: str, sheet: str | None
) -> tuple[Settings, list[Problem]]:
    if rows is None or sheet is None:
        return Settings(), [default_settings_problem(file)]
    settings, problems = read_settings(rows, file, sheet)
    # A generated Settings sheet also lists the annuity factor, verdicts and methods its formulas
    # use: rows that are no settings, so the warnings about their names are left out.
    return settings, [p for p in problems if p.is_error or p.column != SETTING]


def _duplicate_ids(data: TableData, what: str) -> list[Problem]:
    ids = data.frame[col.IDEA_ID].map(key)
    first: dict[str, int] = {}
    problems = []
    for row, idea in zip(data.frame.index, ids, strict=True):
        if not idea:
            continue
        if idea in first:
            problems.append(
                data.problem(
                    int(row),
                    col.IDEA_ID,
                    idea,
                    f"Idea ID {idea} appears twice in the {what} (first in row {first[idea]}).",
                    "Give each idea its own ID, or delete the repeated row.",
                )
            )
        else:
            first[idea] = int(row)
    return problems


_RECALCULATE = "Open the workbook in Excel or LibreOffice and save it again to refresh the results."
_REFRESH = "Press Refresh computed columns on the Start sheet (or rewrite them with cvm-xl) to update them."


def stale_cache_warnings(
    data: TableData, rows: Sequence[Sequence[object]], evaluated: pd.DataFrame, fix: str = _RECALCULATE
) -> list[Problem]:
    """A warning for every computed cell whose cached result differs from the recomputed figure.

    Cells without a cached result (a file saved by a program that does not calculate) are skipped.
    """
    if data.header is None:
        return []
    positions = data.header.positions
    problems = []
    for name in col.IDEA_COMPUTED:
        position = positions.get(name)
        if position is None:
            continue
        for row, now in zip(data.frame.index, evaluated[name].tolist(), strict=True):
            cached = cell_at(rows, int(row), position + 1)
            if cached is None or _same_figure(cached, now):
                continue
            problems.append(
                Problem(
                    data.file,
                    data.sheet_name,
                    int(row),
                    name,
                    cached,
                    f"The cell shows {_figure_text(cached)}, but its inputs give {_figure_text(now)}: the "
                    "saved result is out of date. cvm-xl uses the recomputed figure.",
                    WARNING,
                    fix,
                    f"{column_letter(position + 1)}{int(row)}",
                )
            )
    return problems


def _figure_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "a blank"
    if isinstance(value, int | float | np.number) and not isinstance(value, bool):
        return f"{float(value):,.2f}".removesuffix(".00")
    return shown(value)


def _same_figure(cached: object, now: object) -> bool:
    if now is None or (isinstance(now, float) and math.isnan(now)):
        return isinstance(cached, str) and not cached.strip()
    if isinstance(now, int | float | np.number) and not isinstance(now, bool):
        return isinstance(cached, int | float) and abs(float(cached) - float(now)) <= _CENT
    return str(cached).strip() == str(now).strip()


def _customer_rows(data: TableData, customer_id: str, file: str) -> list[Problem]:
    """Rows of a customer workbook that name another customer: they do not belong in it."""
    problems = []
    for row, cid in zip(data.frame.index, data.frame[col.CUSTOMER_ID].map(key), strict=True):
        if cid and cid != customer_id:
            problems.append(
                data.problem(
                    int(row),
                    col.CUSTOMER_ID,
                    cid,
                    f"This idea belongs to customer {cid}, but the workbook is customer {customer_id}'s.",
                    f"Move the idea to {cid}'s workbook or correct its Customer ID.",
                )
            )
    return problems


def _scan(scans: Mapping[str, SheetScan], sheet: str) -> SheetScan:
    return scans.get(sheet) or SheetScan()


def _signatories(
    names: Mapping[str, str], rows: Mapping[str, Sequence[Sequence[object]]]
) -> dict[tuple[str, str], object]:
    out: dict[tuple[str, str], object] = {}
    for slot, name in L.SIGNATORY_NAMES.items():
        ref = parse_cell_ref(names.get(name, ""))
        if ref is None or ref[0] not in rows:
            continue
        value = cell_at(rows[ref[0]], ref[1], ref[2])
        if isinstance(value, dt.datetime) and value.time() == dt.time():
            value = value.date()
        if isinstance(value, str):
            value = value.strip() or None
        out[slot] = value
    return out


def _shown_fingerprint(
    names: Mapping[str, str], rows: Mapping[str, Sequence[Sequence[object]]]
) -> str | None:
    ref = parse_cell_ref(names.get(L.FINGERPRINT_NAME, f"'{L.SIGN_OFF}'!{L.FINGERPRINT_CELL}"))
    if ref is None or ref[0] not in rows:
        return None
    value = cell_at(rows[ref[0]], ref[1], ref[2])
    return None if value is None else str(value).strip()


def _raise_on_errors(problems: Sequence[Problem]) -> None:
    if any(p.severity == ERROR for p in problems):
        raise WorkbookError(problems)


def _missing_sheet(path: Path, sheet: str, names: Sequence[str], what: str) -> Problem:
    return Problem(
        str(path),
        sheet,
        None,
        None,
        None,
        f"The {what} has no {sheet} sheet (its sheets: {', '.join(names)}).",
        fix="Use the workbook as cvm-xl wrote it; a renamed or deleted sheet cannot be read back.",
    )


# --- the three kinds ------------------------------------------------------------------------------


def _read_customer(path: Path, properties: dict[str, str], names: list[str]) -> BookContent:
    file = str(path)
    found = {
        s: find_sheet(names, s)
        for s in (L.IDEAS, L.TRACKING, L.SETTINGS, L.SIGN_OFF, L.RECORD, L.PASSBOOK, L.CHAIN)
    }
    _, rows = read_rows(path, [s for s in found.values() if s])
    ideas_sheet = found[L.IDEAS]
    if ideas_sheet is None:
        raise WorkbookError([_missing_sheet(path, L.IDEAS, names, "customer workbook")])
    scans = scan_sheets(path, [s for s in (ideas_sheet, found[L.TRACKING]) if s])
    settings, problems = _settings(rows.get(found[L.SETTINGS] or ""), file, found[L.SETTINGS])
    record = None
    record_sheet = found[L.RECORD]
    if record_sheet is not None:
        record, record_problems = _read_record(rows[record_sheet], file, record_sheet)
        problems += record_problems
    else:
        problems.append(
            Problem(
                file, L.RECORD, None, None, None,
                "The workbook has no Record sheet (the ideas as generated), so changes cannot be listed "
                "field by field.", WARNING, "Use the workbook as cvm-xl wrote it.",
            )
        )  # fmt: skip
    customer_id = key(properties.get(CUSTOMER_ID_PROPERTY))
    if not customer_id and record is not None:
        found_ids = sorted({key(v) for v in record.ideas[col.CUSTOMER_ID]} - {""})
        customer_id = found_ids[0] if len(found_ids) == 1 else ""
    if not customer_id:
        raise unreadable(path, "The workbook does not say which customer it belongs to.", _NOT_OURS_FIX)
    ideas_rows = _own_customer(rows[ideas_sheet], customer_id)
    # The returned workbook's typed numbers are read as its master's are (its Settings' Number format).
    ideas = read_table(
        IDEAS, ideas_rows, file, ideas_sheet, _scan(scans, ideas_sheet), settings.number_format
    )
    problems += ideas.problems + _duplicate_ids(ideas, f"{ideas_sheet} sheet")
    tracking_sheet = found[L.TRACKING]
    tracking = _empty_tracking()
    places = {IDEAS.name: Place.of(ideas)}
    if tracking_sheet is not None:
        data = read_table(
            TRACKING,
            rows[tracking_sheet],
            file,
            tracking_sheet,
            _scan(scans, tracking_sheet),
            settings.number_format,
        )
        problems += data.problems
        tracking = data.frame
        places[TRACKING.name] = Place.of(data)
    problems += _customer_rows(ideas, customer_id, file)
    _raise_on_errors(problems)
    defined = defined_names(path)
    stored = properties.get(FINGERPRINT_PROPERTY) or _shown_fingerprint(defined, rows) or ""
    content = BookContent(
        path=path,
        kind=KIND_CUSTOMER,
        settings=settings,
        ideas=ideas.frame,
        tracking=tracking,
        customers={customer_id: _customer_name(rows.get(found[L.SIGN_OFF] or ""))},
        stored={customer_id: stored.strip()},
        signed_ids={customer_id: record.signed_ids() if record is not None else ()},
        signed_waves={customer_id: record.signed_waves() if record is not None else {}},
        record=record,
        shown_fingerprint=_shown_fingerprint(defined, rows),
        signatories=_signatories(defined, rows),
        properties=properties,
        master=None,
        places=places,
        chain_decisions=read_chain_decisions(rows.get(found[L.CHAIN] or "")),
    )
    warnings = stale_cache_warnings(ideas, rows[ideas_sheet], content.evaluated)
    passbook_sheet = found[L.PASSBOOK]
    if passbook_sheet is not None:
        warnings += stale_balance_warnings(content, customer_id, rows[passbook_sheet], passbook_sheet)
    return _with_problems(content, [*problems, *warnings])


# The live Passbook's balances (SPEC §3.6) a returned workbook shows, by their row (books.layout).
_BALANCE_FIGURES = {
    "supplier": "Supplier balance",
    "customer": "Customer balance",
    "total": "Total value created",
    "gap": "Equity gap",
}


def stale_balance_warnings(
    content: BookContent, customer_id: str, rows: Sequence[Sequence[object]], sheet: str
) -> list[Problem]:
    """A warning for every balance of the Passbook sheet whose cached result differs from the
    balance recomputed from the workbook's Status and value inputs (cells without a cached
    result are skipped, as in ``stale_cache_warnings``)."""
    decided = content.customer_ideas(customer_id)
    shared = content.shared.loc[decided.index]  # the same rows, as the two firms see them
    tracking = content.customer_tracking(customer_id)
    lines, _ = booked_lines(shared, tracking, content.waves, content.settings, decided)
    b = balances(lines, content.settings.target_supplier_share)
    now = {"supplier": b.supplier, "customer": b.customer, "total": b.total, "gap": b.equity_gap}
    column = ord(L.BALANCE_VALUE_COL) - 64
    problems = []
    for key, label in _BALANCE_FIGURES.items():
        row = L.BALANCE_ROWS[key]
        cached = cell_at(rows, row, column)
        if cached is None or _same_figure(cached, now[key]):
            continue
        problems.append(
            Problem(
                content.file, sheet, row, label, cached,
                f"The cell shows {_figure_text(cached)}, but the ideas' Status and values give "
                f"{_figure_text(now[key])}: the saved result is out of date. cvm-xl uses the recomputed "
                "figure.",
                WARNING, _RECALCULATE, f"{L.BALANCE_VALUE_COL}{row}", Code.CELL_STALE_RESULT,
            )
        )  # fmt: skip
    return problems


def read_chain_decisions(rows: Sequence[Sequence[object]] | None) -> dict[str, ChainDecision]:
    """Idea ID -> how each chain idea on a customer workbook's Chain sheet is decided (issue 16,
    ``core.chain_decisions``): its verdict, method and the transfer of its Passbook line
    (``books.layout``: its rows from ``CHAIN_FIRST_ROW`` to the Total row). A row whose verdict
    cvm-xl does not know is left out: that idea is read as the Ideas sheet has it."""
    out: dict[str, ChainDecision] = {}
    if not rows:
        return out
    flow = L.CHAIN_COLUMNS.index(L.CHAIN_FLOW) + 1
    verdict_col = L.CHAIN_COLUMNS.index(col.VERDICT) + 1
    method_col = L.CHAIN_COLUMNS.index(L.CHAIN_METHOD) + 1
    for r in range(L.CHAIN_FIRST_ROW, len(rows) + 1):
        idea = cell_at(rows, r, 1)
        if is_blank(idea) or str(idea).strip() == L.CHAIN_TOTAL:
            break
        verdict = verdict_of_label(cell_at(rows, r, verdict_col))
        if verdict is None:
            continue
        amount = cell_at(rows, r, flow)
        method = cell_at(rows, r, method_col)
        out[str(idea).strip()] = ChainDecision(
            verdict,
            str(method).strip() if not is_blank(method) else "",
            float(amount) if isinstance(amount, int | float) else 0.0,
        )
    return out


_CHAIN_IDEA_HEADERS = (col.IDEA_ID, PARTY_ID, PARTY_TRANSFER, col.VERDICT, L.CHAIN_METHOD)


def read_chain_idea_decisions(rows: Sequence[Sequence[object]] | None) -> dict[str, ChainDecision]:
    """Idea ID -> how each chain idea on a consolidated sign-off's Chain ideas sheet is decided
    (issue 16): its verdict and method, and the supplier-to-customer flow its parties' transfers
    give (``core.chain_decisions.decision_of``). The table runs from its header to the first row
    without an Idea ID; a row whose verdict cvm-xl does not know leaves its idea out."""
    if not rows:
        return {}
    header = find_header_row(rows, _CHAIN_IDEA_HEADERS, _CHAIN_IDEA_HEADERS)
    if header is None or not all(h in header.positions for h in _CHAIN_IDEA_HEADERS):
        return {}
    at = header.positions
    parties: dict[str, dict[str, float]] = {}
    labels: dict[str, tuple[object, object]] = {}
    for cells in rows[header.row + 1 :]:

        def cell(name: str, cells: Sequence[object] = cells) -> object:
            return cells[at[name]] if at[name] < len(cells) else None

        idea, party = cell(col.IDEA_ID), cell(PARTY_ID)
        if is_blank(idea):
            break
        if is_blank(party):
            continue
        amount = cell(PARTY_TRANSFER)
        t = float(amount) if isinstance(amount, int | float) else 0.0
        parties.setdefault(str(idea).strip(), {})[str(party).strip()] = t
        labels.setdefault(str(idea).strip(), (cell(col.VERDICT), cell(L.CHAIN_METHOD)))
    out: dict[str, ChainDecision] = {}
    for idea, transfers in parties.items():
        label, method = labels[idea]
        verdict = verdict_of_label(label)
        if verdict is not None:
            out[idea] = decision_of(verdict, "" if is_blank(method) else str(method).strip(), transfers)
    return out


def _own_customer(rows: Sequence[Sequence[object]], customer_id: str) -> Sequence[Sequence[object]]:
    """The Ideas rows with the workbook's customer filled in where a row added by the customer has
    an Idea ID but no Customer ID: every idea of a customer workbook is that customer's."""
    header = find_header_row(rows, IDEAS.names, IDEAS.required)
    if header is None or col.CUSTOMER_ID not in header.positions or col.IDEA_ID not in header.positions:
        return rows
    cid, iid = header.positions[col.CUSTOMER_ID], header.positions[col.IDEA_ID]
    out = list(rows)
    for index in range(header.row + 1, len(rows)):
        cells = rows[index]
        if iid < len(cells) and not is_blank(cells[iid]) and (cid >= len(cells) or is_blank(cells[cid])):
            filled = [*cells, *[""] * (cid + 1 - len(cells))]
            filled[cid] = customer_id
            out[index] = filled
    return out


def _customer_name(sign_off_rows: Sequence[Sequence[object]] | None) -> str | None:
    """The customer's name from the Sign-off sheet's heading ('For <name> (customer)')."""
    for cells in sign_off_rows or ():
        for value in cells:
            if isinstance(value, str) and value.startswith("For ") and value.endswith(" (customer)"):
                return value[4 : -len(" (customer)")]
    return None


def _with_problems(content: BookContent, problems: Sequence[Problem]) -> BookContent:
    object.__setattr__(content, "problems", tuple(problems))
    return content


def _read_signoff(path: Path, properties: dict[str, str], names: list[str]) -> BookContent:
    file = str(path)
    found = {s: find_sheet(names, s) for s in (SUMMARY_SHEET, DETAIL_SHEET, L.SETTINGS, L.CHAIN_IDEAS)}
    summary_sheet, detail_sheet = found[SUMMARY_SHEET], found[DETAIL_SHEET]
    if summary_sheet is None:
        raise WorkbookError([_missing_sheet(path, SUMMARY_SHEET, names, "consolidated sign-off")])
    if detail_sheet is None:
        raise WorkbookError([_missing_sheet(path, DETAIL_SHEET, names, "consolidated sign-off")])
    _, rows = read_rows(path, [s for s in found.values() if s])
    settings, problems = _settings(rows.get(found[L.SETTINGS] or ""), file, found[L.SETTINGS])
    detail = read_table(IDEAS, rows[detail_sheet], file, detail_sheet, number_format=settings.number_format)
    problems += detail.problems + _duplicate_ids(detail, f"{detail_sheet} sheet")
    summary_rows = rows[summary_sheet]
    wanted = (col.CUSTOMER_ID, SUMMARY_FINGERPRINT)
    header = find_header_row(summary_rows, (*wanted, "Customer"), wanted)
    if header is None or SUMMARY_FINGERPRINT not in header.positions:
        problems.append(
            Problem(
                file, summary_sheet, None, SUMMARY_FINGERPRINT, None,
                f"The {SUMMARY_SHEET} sheet has no column headed '{SUMMARY_FINGERPRINT}'.",
                fix="Use the consolidated sign-off as cvm-xl wrote it (cvm-xl signoff).",
            )
        )  # fmt: skip
    _raise_on_errors(problems)
    assert header is not None
    customers: dict[str, str | None] = {}
    stored: dict[str, str] = {}
    detail_customers = set(detail.frame[col.CUSTOMER_ID].map(key))
    for cells in summary_rows[header.row + 1 :]:

        def value(name: str, cells: Sequence[object] = cells) -> object:
            position = header.positions.get(name)
            return None if position is None or position >= len(cells) else cells[position]

        cid = key(value(col.CUSTOMER_ID))
        if not cid or (not key(value(SUMMARY_FINGERPRINT)) and cid not in detail_customers):
            continue  # blank rows and the total row
        name = value("Customer")
        customers[cid] = str(name) if isinstance(name, str) and name.strip() else None
        stored[cid] = key(value(SUMMARY_FINGERPRINT))
    record_ideas = _with_figures(detail, rows[detail_sheet])
    record = Record(record_ideas, _empty_tracking())
    content = BookContent(
        path=path,
        kind=KIND_SIGNOFF,
        settings=settings,
        ideas=detail.frame,
        tracking=_empty_tracking(),
        customers=customers,
        stored=stored,
        signed_ids={cid: record.signed_ids(cid) for cid in customers},
        signed_waves={cid: record.signed_waves(cid) for cid in customers},
        record=record,
        properties=properties,
        chain_decisions=read_chain_idea_decisions(rows.get(found[L.CHAIN_IDEAS] or "")),
    )
    return _with_problems(content, problems)


def _read_master(path: Path, properties: dict[str, str]) -> BookContent:
    master = load_master(path)
    names = sheet_names(path)
    ideas_sheet = find_sheet(names, IDEAS.name)
    sign_offs_sheet = find_sheet(names, SIGN_OFFS_SHEET)
    log_sheet = find_sheet(names, IMPORT_LOG_SHEET)
    _, rows = read_rows(path, [s for s in (ideas_sheet, sign_offs_sheet, log_sheet) if s])
    warnings: list[Problem] = []
    computed: tuple[str, ...] = ()
    if ideas_sheet is not None:
        data = read_table(
            IDEAS, rows[ideas_sheet], str(path), ideas_sheet, number_format=master.settings.number_format
        )
        if data.header is not None:
            computed = tuple(c for c in col.IDEA_COMPUTED if c in data.header.positions)
        if data.header is not None and data.frame.index.equals(master.ideas.index):
            warnings = stale_cache_warnings(data, rows[ideas_sheet], master.evaluated, _REFRESH)
    sign_offs = read_sign_offs(rows[sign_offs_sheet]) if sign_offs_sheet else None
    stored: dict[str, str] = {}
    signed: dict[str, tuple[str, ...]] = {}
    signed_waves: dict[str, dict[str, int]] = {}
    if sign_offs is not None:
        for _, row in sign_offs.iterrows():  # later rows win: the last sign-off of each customer
            cid = key(row.get(col.CUSTOMER_ID))
            if cid and key(row.get(FINGERPRINT_SIGNED)):
                stored[cid] = key(row.get(FINGERPRINT_SIGNED))
                signed[cid] = split_ids(row.get(SIGNED_IDEAS))
                signed_waves[cid] = split_waves(row.get(SIGNED_IDEAS))
    customers = {
        key(cid): (str(n) if isinstance(n, str) else None)
        for cid, n in zip(master.customers[col.CUSTOMER_ID], master.customers["Customer"], strict=True)
    }
    content = BookContent(
        path=path,
        kind=KIND_MASTER,
        settings=master.settings,
        ideas=master.ideas,
        tracking=master.tracking,
        customers=customers,
        stored=stored,
        signed_ids=signed,
        signed_waves=signed_waves,
        properties=properties,
        master=master,
        sign_offs=sign_offs,
        computed_columns=computed,
        import_log=read_import_log(rows[log_sheet]) if log_sheet else None,
    )
    object.__setattr__(content, "evaluated", master.evaluated)  # evaluated once
    return _with_problems(content, [*master.problems, *warnings])


# A signed idea of a wave after the first, in a master's "Signed ideas" text: 'AUT-18 (wave 2)'.
_IN_WAVE = re.compile(r"^(?P<idea>.*?)\s*\(wave\s+(?P<wave>\d+)\)$", re.IGNORECASE)


def _signed_parts(text: object) -> list[tuple[str, int | None]]:
    if not isinstance(text, str):
        return [] if text is None or (isinstance(text, float) and math.isnan(text)) else [(key(text), None)]
    out: list[tuple[str, int | None]] = []
    for part in (p.strip() for p in text.split(",")):
        found = _IN_WAVE.match(part)
        if found:
            out.append((found["idea"].strip(), int(found["wave"])))
        elif part:
            out.append((part, None))
    return out


def split_ids(text: object) -> tuple[str, ...]:
    """'KAP-101, KAP-103' -> ('KAP-101', 'KAP-103'); 'AUT-18 (wave 2)' -> 'AUT-18'."""
    return tuple(idea for idea, _ in _signed_parts(text))


def split_waves(text: object) -> dict[str, int]:
    """The waves a "Signed ideas" text names: 'AUT-01, AUT-18 (wave 2)' -> {'AUT-18': 2}."""
    return {idea: wave for idea, wave in _signed_parts(text) if wave is not None}


def signed_ideas_text(ids: Sequence[str], waves: Mapping[str, int]) -> str:
    """A sign-off's "Signed ideas" text: the IDs, an idea signed in a wave after the first with its
    wave ('AUT-01, AUT-18 (wave 2)'), so the master's record keeps what the fingerprint covers."""
    return ", ".join(f"{i} (wave {waves[i]})" if waves.get(i, 1) >= 2 else i for i in ids)


def read_sign_offs(rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    """The Sign-offs sheet of a master as a table (blanks None), in sheet order."""
    return _record_sheet(rows, SIGN_OFF_COLUMNS, (col.CUSTOMER_ID, FINGERPRINT_SIGNED))


def read_import_log(rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    """The Import log sheet of a master as a table (blanks None), in sheet order. A log written
    before the ``Workbook generated`` column existed reads with that column blank."""
    return _record_sheet(rows, IMPORT_LOG_COLUMNS, (col.CUSTOMER_ID, "What"))


def _record_sheet(
    rows: Sequence[Sequence[object]], columns: Sequence[str], required: Sequence[str]
) -> pd.DataFrame:
    """A sheet cvm-xl keeps a record in (Sign-offs, Import log), found by its headers."""
    header = find_header_row(rows, columns, required)
    if header is None:
        return pd.DataFrame(columns=list(columns))
    records = []
    for index in range(header.row + 1, len(rows)):
        cells = rows[index]
        record = {
            name: (None if p >= len(cells) or cells[p] == "" else cells[p])
            for name, p in header.positions.items()
        }
        if any(v is not None for v in record.values()):
            records.append(record)
    return pd.DataFrame(records, columns=list(columns))


def book_kind(properties: Mapping[str, str], names: Sequence[str]) -> str | None:
    """Which kind of cvm-xl workbook this is, or None when it is none of them."""
    kind = properties.get(KIND_PROPERTY, "").strip().lower()
    if kind in (KIND_CUSTOMER, KIND_SIGNOFF):
        return kind
    present = {normalise_header(n) for n in names}
    if {"record", "ideas", "sign-off"} <= present:
        return KIND_CUSTOMER
    if {"summary", "detail"} <= present:
        return KIND_SIGNOFF
    if {"ideas", "customers"} <= present:
        return KIND_MASTER
    return None


def read_book(path: str | Path) -> BookContent:
    """Read any cvm-xl workbook as inputs (see the module docstring).

    Raises ``UnreadableFileError`` when the file is no workbook or no cvm-xl workbook at all, and
    ``WorkbookError`` listing every problem when its content has errors.
    """
    path = check_workbook_file(path)
    properties = custom_properties(path)
    names = sheet_names(path)
    kind = book_kind(properties, names)
    if kind is None:
        raise unreadable(
            path,
            f"This is not a cvm-xl workbook: it has no cvm-xl document properties and its sheets "
            f"({', '.join(names[:12])}) are not those of a master, a customer workbook or a "
            "consolidated sign-off.",
            _NOT_OURS_FIX,
        )
    if kind == KIND_CUSTOMER:
        return _read_customer(path, properties, names)
    if kind == KIND_SIGNOFF:
        return _read_signoff(path, properties, names)
    return _read_master(path, properties)
