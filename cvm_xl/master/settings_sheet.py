"""Reading the Settings table (Setting | Value) of a master workbook into ``Settings`` (SPEC §3).

The table is ``schema.SETTINGS``; its rows are settings rather than records, so it is read here,
one setting per row. Every bad setting is reported at its Value cell, with a stable code; a blank
value keeps the default of SPEC §3. The Number format row is read first: the other settings'
numbers typed as text are read in it (``core.cells.parse_number``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import fields

from cvm_xl.core.cells import (
    AUTO,
    ERROR_VALUES,
    CellIssue,
    check_error_text,
    error_issue,
    formula_issue,
    not_finite_issue,
    number_cell,
    parse_number_format,
    shown,
    text_cell,
)
from cvm_xl.core.problems import ERROR, WARNING, Code, Problem, column_letter
from cvm_xl.core.settings import (
    ALL_SETTING_LABELS,
    WHOLE_SETTINGS,
    Settings,
    SettingsError,
    workshop_language,
)
from cvm_xl.core.suggest import did_you_mean
from cvm_xl.master.schema import SETTING, SETTINGS, SETTINGS_SHEET, VALUE
from cvm_xl.readiness.screening import parse_phase, parse_quartile, parse_score
from cvm_xl.spreadsheet.tables import find_header_row, normalise_header

DEFAULTS = Settings()
TEXT_SETTINGS = frozenset({"supplier", "currency", "workshop_language"})
_BY_KEY = {normalise_header(label): (label, name) for label, name in ALL_SETTING_LABELS.items()}
# A value the parser turns down is settings.unreadable, unless its kind has a code of its own.
_OWN_CODES = frozenset(
    {Code.CELL_AMBIGUOUS_NUMBER, Code.CELL_NOT_FINITE, Code.CELL_TOO_LARGE, Code.CELL_FORMULA_NO_RESULT}
)


def default_settings_problem(file: str) -> Problem:
    return Problem(
        file,
        SETTINGS_SHEET,
        None,
        None,
        None,
        f"There is no {SETTINGS_SHEET} sheet, so the default settings are used (horizon "
        f"{shown(DEFAULTS.horizon_years)} years, no discounting, target supplier share "
        f"{DEFAULTS.target_supplier_share:.0%}).",
        severity=WARNING,
        code=Code.SETTINGS_MISSING,
        fix=f"Add a {SETTINGS_SHEET} sheet with a table headed {SETTING} | {VALUE} to set the supplier, "
        "currency, horizon and thresholds (cvm-xl init writes a master that has one).",
    )


def _screening(name: str, value: object) -> object:
    """A screening threshold as the customer columns are read ('Q1', 'Phase III' and 3.5 work)."""

    parse = {
        "screening_max_quartile": parse_quartile,
        "screening_min_phase": parse_phase,
    }.get(name, parse_score)
    try:
        parsed = parse(value)
    except ValueError as exc:
        raise CellIssue(f"{exc}.", "Correct the value, or clear it to use the default.") from None
    return getattr(DEFAULTS, name) if parsed is None else parsed


def _parse(name: str, value: object, number_format: str = AUTO) -> object:
    """The setting's value, or the default for a blank cell; numbers typed as text are read in
    ``number_format`` (the sheet's own Number format setting)."""
    if isinstance(value, float) and math.isnan(value):
        # A reader gives a blank as '' or None: a NaN was written by a program.
        raise not_finite_issue(value)
    if name.startswith("screening_"):
        check_error_text(value)
        return _screening(name, value)
    if name == "number_format":
        check_error_text(value)
        chosen = parse_number_format(value)
        return DEFAULTS.number_format if chosen is None else chosen
    if name in TEXT_SETTINGS:
        text = text_cell(value)
        if text is not None and name == "workshop_language":
            # any case works ('german'); an unknown language is left as typed for the check to name
            return workshop_language(text) or text
        return getattr(DEFAULTS, name) if text is None else text
    number = number_cell(value, number_format)
    if number != number:  # blank
        return getattr(DEFAULTS, name)
    if name in WHOLE_SETTINGS and number == int(number):
        return int(number)
    return number


def read_settings(
    rows: Sequence[Sequence[object]],
    file: str,
    sheet: str,
    errors: Mapping[tuple[int, int], str] | None = None,
    formulas: Mapping[tuple[int, int], str] | None = None,
) -> tuple[Settings, list[Problem]]:
    """Settings from the rows of the Settings sheet, and every problem found in them.

    ``errors`` and ``formulas`` give the cells ({(Excel row, 0-based column): text}) that show an
    Excel error value or hold a formula without a saved result, which the rows show as blank.
    """
    problems: list[Problem] = []
    errors = errors or {}
    formulas = formulas or {}
    header = find_header_row(rows, SETTINGS.names, SETTINGS.required)
    missing = [c for c in SETTINGS.required if header is None or c not in header.positions]
    if header is None or missing:
        for name in missing:
            problems.append(
                Problem(
                    file,
                    sheet,
                    header.excel_row if header else None,
                    name,
                    None,
                    f"The {sheet} sheet has no column headed '{name}'.",
                    fix=f"Put the settings in a table headed {SETTING} | {VALUE}, one setting per row.",
                    code=Code.HEADER_MISSING_COLUMN,
                )
            )
        return DEFAULTS, problems
    label_col, value_col = header.positions[SETTING], header.positions[VALUE]
    entries: list[tuple[int, str, str, object]] = []  # (row, label, field, value) of each setting
    seen: dict[str, int] = {}

    def problem(row: int, message: str, fix: str, value: object, code: str, severity: str = ERROR) -> None:
        ref = f"{column_letter(value_col + 1)}{row}"
        problems.append(Problem(file, sheet, row, VALUE, value, message, severity, fix, ref, code))

    for index in range(header.row + 1, len(rows)):
        row = index + 1
        cells = rows[index]
        label_cell = cells[label_col] if label_col < len(cells) else ""
        value = cells[value_col] if value_col < len(cells) else ""
        try:
            label = text_cell(label_cell)
        except CellIssue:
            label = shown(label_cell)
        if label is None:
            if value not in ("", None):
                problem(row, "This value has no Setting name, so it is ignored.", "Type the setting's "
                        "name in the Setting column, or clear the value.", value, Code.SETTINGS_UNNAMED,
                        WARNING)  # fmt: skip
            continue
        known = _BY_KEY.get(normalise_header(label))
        if known is None:
            message = f"'{label}' is not a setting cvm-xl knows, so it is ignored."
            fix = f"{did_you_mean(label, ALL_SETTING_LABELS)}Settings: {', '.join(ALL_SETTING_LABELS)}."
            ref = f"{column_letter(label_col + 1)}{row}"
            problems.append(
                Problem(file, sheet, row, SETTING, label, message, WARNING, fix, ref, Code.SETTINGS_UNKNOWN)
            )
            continue
        canonical, name = known
        if name in seen:
            problem(row, f"{canonical} is set twice (first in row {seen[name]}).",
                    "Keep one row per setting and delete the other.", value,
                    Code.SETTINGS_REPEATED)  # fmt: skip
            continue
        seen[name] = row
        entries.append((row, canonical, name, value))

    values: dict[str, object] = {}
    # The Number format first: the other settings' numbers typed as text are read in it.
    for row, canonical, name, value in sorted(entries, key=lambda entry: entry[2] != "number_format"):
        try:
            if (row, value_col) in errors:
                raise error_issue(errors[(row, value_col)])
            if (row, value_col) in formulas:
                raise formula_issue(formulas[(row, value_col)])
            parsed = _parse(name, value, str(values.get("number_format", AUTO)))
        except CellIssue as issue:
            error = errors.get((row, value_col)) or (value.strip() if isinstance(value, str) else "")
            code = issue.code if issue.code in _OWN_CODES else Code.SETTINGS_UNREADABLE
            if error in ERROR_VALUES:
                code = Code.CELL_EXCEL_ERROR
            shown_value = formulas.get((row, value_col), value)
            problem(row, f"{canonical}: {issue.message}", issue.fix, shown_value, code)
            continue
        try:
            DEFAULTS.replace(**{name: parsed})
        except SettingsError as exc:
            problem(row, f"{canonical} {shown(parsed)} is not allowed.", f"{canonical} {exc.reason}.", value,
                    Code.SETTINGS_NOT_ALLOWED)  # fmt: skip
            continue
        values[name] = parsed
    known_fields = {f.name for f in fields(Settings)}
    return Settings().replace(**{k: v for k, v in values.items() if k in known_fields}), problems
