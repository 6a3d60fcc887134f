"""Writing ``workbook_template.xlsm`` with XlsxWriter: tables, formats, dropdowns, buttons, VBA.

XlsxWriter writes every zip entry with the fixed timestamp 1980-01-01 when it works in memory,
and the document properties get a fixed creation date here, so the same sources always give the
same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from importlib.metadata import version
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from cvm_xl.core import columns as col
from cvm_xl.core.problems import column_letter
from cvm_xl.excel import selftest_sheet as st
from cvm_xl.excel.template import layout
from cvm_xl.excel.vba.modules import CHECK_BUTTONS, MACROS, UDF_MODULE, project_modules
from cvm_xl.excel.vba.project import Module, vba_project_bin
from cvm_xl.master.schema import (
    IDEAS,
    RELATIONSHIP_TABLES,
    SETTING,
    SETTINGS_SHEET,
    SETTINGS_TABLE,
    TABLES,
    VALUE,
    Column,
    Kind,
    Table,
)
from cvm_xl.readiness import tables as rt
from cvm_xl.readiness.maturity import maturity_help, maturity_prompt
from cvm_xl.spreadsheet.validation import (
    VALIDATED_LAST_ROW,
    list_message,
    range_message,
    xlsxwriter_options,
    yes_no_message,
)

CREATED = dt.datetime(2025, 1, 1)  # fixed: part of what makes the build reproducible
# The bytes depend on these two packages' versions too: xlwings' VBA module is embedded as it is.
BUILT_BY = (
    f"Built by cvm-xl template with xlwings {version('xlwings')} and XlsxWriter {xlsxwriter.__version__}"
)
LAST_ROW = 1_048_575  # conditional formats cover whole columns, so new rows get them too
VALIDATED_ROW = VALIDATED_LAST_ROW - 1  # dropdowns reach as far as the master's (0-based row)
TABLE_STYLE = "Table Style Medium 2"
FILE_NAME = "workbook_template.xlsm"

MONEY_FORMAT = "#,##0;[Red]-#,##0"
PERCENT_FORMAT = "0%"
DATE_FORMAT = "yyyy-mm-dd"
MONTH_FORMAT = "mmm yyyy"
NUMBER_FORMAT = "#,##0.##"

INPUT_HEADER = "#1F4E79"
COMPUTED_HEADER = "#595959"
COMPUTED_FILL = "#EDEDED"
DATE_MESSAGE = "Enter a date, e.g. 2025-03-31."


class Formats:
    """The workbook's cell formats, created once."""

    def __init__(self, wb: Workbook) -> None:
        def add(**props: Any) -> Any:
            return wb.add_format({"font_name": "Calibri", "font_size": 11, **props})

        self.title = add(bold=True, font_size=20, font_color=INPUT_HEADER)
        self.subtitle = add(italic=True, font_size=12, font_color="#404040")
        self.heading = add(
            bold=True, font_size=13, font_color=INPUT_HEADER, bottom=1, bottom_color=INPUT_HEADER
        )
        self.text = add(text_wrap=True, valign="top")
        self.middle = add(valign="vcenter")
        self.help = add(font_color="#595959", indent=1)
        self.note = add(font_color="#595959", text_wrap=True, valign="top")
        self.step = add(bold=True, valign="top", font_color=INPUT_HEADER)
        self.header = add(
            bold=True, font_color="#FFFFFF", bg_color=INPUT_HEADER, text_wrap=True, valign="top"
        )
        self.computed_header = add(
            bold=True, font_color="#FFFFFF", bg_color=COMPUTED_HEADER, text_wrap=True, valign="top"
        )
        self.money = add(num_format=MONEY_FORMAT)
        self.percent = add(num_format=PERCENT_FORMAT)
        self.date = add(num_format=DATE_FORMAT)
        self.month = add(num_format=MONTH_FORMAT)
        self.number = add(num_format=NUMBER_FORMAT)
        self.whole = add(num_format="0")
        self.general = add()
        self.computed = add(bg_color=COMPUTED_FILL)
        self.computed_money = add(bg_color=COMPUTED_FILL, num_format=MONEY_FORMAT)
        self.good = add(bg_color="#C6EFCE", font_color="#006100")
        self.fair = add(bg_color="#E2EFDA", font_color="#375623")
        self.warn = add(bg_color="#FFEB9C", font_color="#9C5700")
        self.bad = add(bg_color="#FFC7CE", font_color="#9C0006")
        self.muted = add(bg_color="#D9D9D9", font_color="#404040")
        self.conf_key = add(bold=True)


def _column_format(column: Column, f: Formats) -> Any:
    if column.kind is Kind.DATE:
        return f.month if column.name == "Month" else f.date
    if column.kind is Kind.NUMBER:
        if column.percent:
            return f.percent
        if column.money:
            return f.money
        return f.whole if column.whole else f.number
    return f.general


def _width(name: str) -> float:
    wide = {col.TITLE: 36, col.DESCRIPTION: 44, "Idea": 44, "Note": 36, col.VERDICT: 30, "Customer": 24}
    return wide.get(name, max(11.0, min(18.0, len(name) * 1.1 + 2)))


def _validation(
    ws: Worksheet, first_col: int, column: Column, list_names: dict[tuple[object, ...], str]
) -> None:
    """The dropdown or range check for an input column, over the whole column below the header."""
    rule: dict[str, Any] | None = None
    if column.kind is Kind.CHOICE:
        rule = {"validate": "list", "source": "=" + list_names[column.choices]}
        rule |= xlsxwriter_options(list_message(column.choices), column.name)
    elif column.kind is Kind.YES_NO:
        rule = {"validate": "list", "source": "=" + list_names[layout.YES_NO]}
        rule |= xlsxwriter_options(yes_no_message(), column.name)
    elif column.kind is Kind.SCORE and column.scale in list_names:  # an idea's Feasibility 1..5 (issue 14)
        rule = {"validate": "list", "source": "=" + list_names[column.scale]}
        rule |= xlsxwriter_options(list_message(column.scale), column.name)
    elif column.kind is Kind.NUMBER and (column.low is not None or column.high is not None):
        kind = "integer" if column.whole else "decimal"
        if column.low is not None and column.high is not None:
            rule = {"validate": kind, "criteria": "between", "minimum": column.low, "maximum": column.high}
        else:
            rule = {"validate": kind, "criteria": ">=", "value": column.low}
        rule |= xlsxwriter_options(range_message(_range_message(column)), column.name)
    elif column.kind is Kind.DATE:
        rule = {"validate": "date", "criteria": ">=", "value": dt.date(1950, 1, 1)}
        rule |= xlsxwriter_options(range_message(DATE_MESSAGE), column.name)
    if rule is not None:
        ws.data_validation(1, first_col, VALIDATED_ROW, first_col, rule)


def _range_message(column: Column) -> str:
    if column.percent:
        return "Enter a share between 0% and 100%."
    low = f"{column.low:g}" if column.low is not None else None
    high = f"{column.high:g}" if column.high is not None else None
    whole = "a whole number" if column.whole else "a number"
    return f"Enter {whole} from {low} to {high}." if high is not None else f"Enter {whole} of {low} or more."


def reference_name(table: str, column: str) -> str:
    """The workbook name over a table's ID column: refCustomersCustomerID."""
    return f"ref{table}{column.replace(' ', '')}"


def _reference_validation(ws: Worksheet, first_col: int, target: str) -> None:
    """A dropdown of the IDs of another table that still accepts a new ID after a warning."""
    ws.data_validation(
        1,
        first_col,
        VALIDATED_ROW,
        first_col,
        {
            "validate": "list",
            "source": "=" + target,
            "error_type": "warning",
            "error_title": "Unknown ID",
            "error_message": "This ID is not in the table it refers to yet. Add it there too.",
        },
    )


def _input_sheet(wb: Workbook, table: Table, f: Formats, list_names: dict[tuple[object, ...], str]) -> None:
    ws = wb.add_worksheet(table.name)
    ws.set_vba_name(layout.codename(table.name))
    names = layout.table_columns(table)
    columns: list[dict[str, Any]] = []
    for index, name in enumerate(names):
        if name in table.computed:
            fmt = f.computed_money if name in layout.MONEY_COMPUTED else f.computed
            columns.append({"header": name, "header_format": f.computed_header, "format": fmt})
            ws.set_column(index, index, _width(name), fmt)
            continue
        column = table.column(name)
        fmt = _column_format(column, f)
        columns.append({"header": name, "header_format": f.header, "format": fmt})
        ws.set_column(index, index, _width(name), fmt)
        _validation(ws, index, column, list_names)
    for source, target_table, target_column in table.references:
        _reference_validation(ws, names.index(source), reference_name(target_table, target_column))
    if table is IDEAS:
        for name, formula in layout.IDEA_FORMULAS.items():
            columns[names.index(name)]["formula"] = formula
    ws.add_table(
        0, 0, 1, len(names) - 1, {"name": table.table_name, "columns": columns, "style": TABLE_STYLE}
    )
    for index, entry in enumerate(columns):
        ws.write_blank(1, index, None, entry["format"])  # the first row formatted, as Excel copies it down
    if table is IDEAS:
        for name, formula in layout.IDEA_FORMULAS.items():
            index = names.index(name)
            fmt = f.computed_money if name in layout.MONEY_COMPUTED else f.computed
            ws.write_formula(1, index, formula, fmt, "")  # cached blank, not 0, until Excel recalculates
        _idea_highlights(ws, names, f)
        ws.freeze_panes(1, 3)
        ws.repeat_columns(0, 2)
    else:
        ws.freeze_panes(1, 1)
        ws.fit_to_pages(1, 0)
    ws.set_row(0, 32)
    ws.set_landscape()
    ws.repeat_rows(0)


def _idea_highlights(ws: Worksheet, names: tuple[str, ...], f: Formats) -> None:
    """Colour the map cell and the verdict: green for Go, amber for wait, red for no go."""
    cell = column_letter(names.index(col.CELL) + 1)
    verdict = column_letter(names.index(col.VERDICT) + 1)
    cell_rules = (
        (f.good, f'{cell}2="W-W"'),
        (f.fair, f'OR({cell}2="W-I",{cell}2="I-W")'),
        (f.warn, f'OR({cell}2="W-L",{cell}2="L-W")'),
        (f.bad, f'OR({cell}2="L-L",{cell}2="L-I",{cell}2="I-L",{cell}2="I-I")'),
    )
    for fmt, formula in cell_rules:
        ws.conditional_format(
            f"{cell}2:{cell}{LAST_ROW + 1}", {"type": "formula", "criteria": "=" + formula, "format": fmt}
        )
    verdict_rules = (
        (f.good, "Go"),
        (f.warn, "Postpone"),
        (f.muted, "Shelve"),
        (f.bad, "No go"),
    )
    for fmt, prefix in verdict_rules:
        ws.conditional_format(
            f"{verdict}2:{verdict}{LAST_ROW + 1}",
            {"type": "text", "criteria": "begins with", "value": prefix, "format": fmt},
        )


_RELATIONSHIP_WIDTHS = {
    rt.ITEM: 40, rt.OBJECTIVE: 40, rt.RISK: 40, rt.MITIGATION: 36, rt.TRIGGER: 36, rt.ACTION: 36,
    rt.ISSUE: 40, rt.RESOLUTION: 36, rt.TOPIC: 40, rt.NOTE: 36, rt.STAGE: 20, rt.ESCALATION_LEVEL: 20,
    rt.ISSUE_CATEGORY: 18, **dict.fromkeys(rt.DIMENSIONS, 12),
}  # fmt: skip


def _relationship_sheet(
    wb: Workbook, spec: rt.TableColumns, f: Formats, list_names: dict[tuple[object, ...], str]
) -> None:
    """One relationship table (SPEC §3.9): dropdowns from the Lists sheet, dates and scores checked,
    the maturity levels' descriptions as notes, computed columns as plain worksheet formulas."""
    ws = wb.add_worksheet(spec.sheet)
    ws.set_vba_name(layout.codename(spec.sheet))
    formulas = layout.RELATIONSHIP_FORMULAS.get(spec.sheet, {})
    dates = {c.name for c in RELATIONSHIP_TABLES[spec.sheet].columns if c.kind is Kind.DATE}
    columns: list[dict[str, Any]] = []
    for index, name in enumerate(spec.columns):
        width = _RELATIONSHIP_WIDTHS.get(name, max(11.0, min(18.0, len(name) * 1.1 + 2)))
        if name in spec.computed:
            fmt = f.computed
            columns.append({"header": name, "header_format": f.computed_header, "format": fmt,
                            "formula": formulas[name]})  # fmt: skip
            ws.set_column(index, index, width, fmt)
            continue
        fmt = f.date if name in dates else f.general
        columns.append({"header": name, "header_format": f.header, "format": fmt})
        ws.set_column(index, index, width, fmt)
        values = rt.LIST_VALUES.get((spec.sheet, name))
        if values is not None:
            rule: dict[str, Any] = {"validate": "list", "source": "=" + list_names[values]}
            rule |= xlsxwriter_options(list_message(values), name)
            if name in rt.DIMENSIONS:
                rule |= {"input_title": name, "input_message": maturity_prompt(name)}
            ws.data_validation(1, index, VALIDATED_ROW, index, rule)
        elif name in dates:
            ws.data_validation(1, index, VALIDATED_ROW, index, {
                "validate": "date", "criteria": ">=", "value": dt.date(1950, 1, 1),
            } | xlsxwriter_options(range_message(DATE_MESSAGE), name))  # fmt: skip
        if name == col.CUSTOMER_ID:
            _reference_validation(ws, index, reference_name("Customers", col.CUSTOMER_ID))
    table = {"name": layout.table_name(spec.sheet), "columns": columns, "style": TABLE_STYLE}
    ws.add_table(0, 0, 1, len(columns) - 1, table)
    for index, column in enumerate(columns):
        if "formula" in column:
            ws.write_formula(1, index, column["formula"], column["format"], "")
        else:
            ws.write_blank(1, index, None, column["format"])
    for index, name in enumerate(spec.columns):
        if name in rt.DIMENSIONS:
            ws.write_comment(0, index, maturity_help(name), {"x_scale": 3, "y_scale": 2, "author": "cvm-xl"})
    ws.freeze_panes(1, 1)
    ws.set_row(0, 32)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)


def _settings_sheet(wb: Workbook, f: Formats) -> None:
    ws = wb.add_worksheet(SETTINGS_SHEET)
    ws.set_vba_name(layout.codename(SETTINGS_SHEET))
    rows = layout.SETTING_ROWS
    kind_format = {
        "money": f.money,
        "percent": f.percent,
        "whole": f.whole,
        "years": f.general,
        "text": f.general,
        "quartile": f.whole,
        "phase": f.general,
        "score": f.number,
    }
    ws.add_table(
        0,
        0,
        len(rows),
        2,
        {
            "name": SETTINGS_TABLE,
            "style": TABLE_STYLE,
            "columns": [
                {"header": SETTING, "header_format": f.header},
                {"header": VALUE, "header_format": f.header},
                {"header": layout.SETTINGS_HELP_COLUMN, "header_format": f.computed_header},
            ],
        },
    )
    for r, row in enumerate(rows, start=1):
        ws.write_string(r, 0, row.label)
        if row.value is None:
            ws.write_blank(r, 1, None, kind_format[row.kind])
        elif isinstance(row.value, str):
            ws.write_string(r, 1, row.value, kind_format[row.kind])
        else:
            ws.write_number(r, 1, row.value, kind_format[row.kind])
        ws.write_string(r, 2, row.help, f.help)
        rule = _setting_rule(row)
        if rule:
            message = rule.pop("error_message")
            ws.data_validation(r, 1, r, 1, rule | xlsxwriter_options(range_message(message), row.label))
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 80)
    ws.set_row(0, 20)
    ws.freeze_panes(1, 0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


def _setting_rule(row: layout.SettingRow) -> dict[str, Any] | None:
    if row.kind == "percent":
        return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1,
                "error_message": "Enter a percentage from 0% to 100%."}  # fmt: skip
    if row.kind == "money":
        return {"validate": "decimal", "criteria": ">=", "value": 0,
                "error_message": "Enter 0 or a positive amount (or a blank where allowed)."}  # fmt: skip
    if row.kind == "years":
        return {
            "validate": "decimal",
            "criteria": ">",
            "value": 0,
            "error_message": "Enter a number of years above 0.",
        }
    if row.kind == "whole":
        return {
            "validate": "integer",
            "criteria": ">=",
            "value": 1,
            "error_message": "Enter a whole number of 1 or more.",
        }
    if row.kind == "quartile":
        return {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 4,
                "error_message": "Enter a quartile from 1 (top) to 4."}  # fmt: skip
    if row.kind == "phase":
        return {"validate": "list", "source": "=lstExcellencePhase",
                "error_message": "Choose phase I, II or III."}  # fmt: skip
    if row.kind == "score":
        return {"validate": "decimal", "criteria": "between", "minimum": 1, "maximum": 5,
                "error_message": "Enter a score from 1 to 5."}  # fmt: skip
    return None


def _lists_sheet(wb: Workbook, f: Formats, list_names: dict[tuple[object, ...], str]) -> None:
    ws = wb.add_worksheet(layout.LISTS_SHEET)
    ws.set_vba_name(layout.codename(layout.LISTS_SHEET))
    for index, (choices, name) in enumerate(list_names.items()):
        ws.write_string(0, index, name, f.header)
        for r, choice in enumerate(choices, start=1):
            if isinstance(choice, str):
                ws.write_string(r, index, choice)
            else:
                ws.write_number(r, index, choice)
        letter = column_letter(index + 1)
        wb.define_name(name, f"={layout.LISTS_SHEET}!${letter}$2:${letter}${len(choices) + 1}")
        ws.set_column(index, index, 20)
    ws.hide()


def _reference_names(wb: Workbook) -> None:
    """Names over the ID columns other tables refer to, for their dropdowns."""
    seen: set[str] = set()
    for table in TABLES.values():
        for _, target_table, target_column in table.references:
            name = reference_name(target_table, target_column)
            if name not in seen:
                seen.add(name)
                # a reference may point at a relationship table too (an action's Review ID: issue 14)
                target = TABLES.get(target_table) or RELATIONSHIP_TABLES[target_table]
                wb.define_name(name, f"={target.table_name}[{target_column}]")


def _conf_sheet(wb: Workbook, f: Formats) -> None:
    ws = wb.add_worksheet(layout.CONF_SHEET)
    ws.set_vba_name(layout.codename(layout.CONF_SHEET))
    # xlwings reads column A/B from row 1 down to the first blank row.
    ws.write_string(0, 0, "UDF Modules", f.conf_key)
    ws.write_string(0, 1, UDF_MODULE)
    notes = (
        "xlwings reads columns A and B (setting | value) from row 1 down to the first blank row.",
        "UDF Modules names the Python module with the CVM worksheet functions.",
        "If xlwings does not find the Python that has cvm-xl installed, add a row right below row 1:",
        "Interpreter_Win | C:\\path\\to\\cvm-xl\\.venv\\Scripts\\python.exe   (on a Mac: Interpreter_Mac | "
        "/path/to/cvm-xl/.venv/bin/python)",
        "The xlwings add-in's ribbon settings work too; a row here overrides them for this workbook.",
        "cvm-xl doctor checks these keys from a terminal; the Start sheet's self-test checks them in Excel.",
    )
    # The notes stay out of column A: a key added in row 2 would otherwise run on into them and
    # xlwings would read every note as one more setting.
    for r, note in enumerate(notes):
        ws.write_string(r, 3, note, f.help)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 50)
    ws.set_column(3, 3, 100)


def _start_sheet(wb: Workbook, f: Formats) -> None:
    ws = wb.add_worksheet(layout.START_SHEET)
    ws.set_vba_name(layout.codename(layout.START_SHEET))
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 2)
    ws.set_column(1, 1, 4)
    ws.set_column(2, 2, 34)
    ws.set_column(3, 3, 62)
    ws.write_string(0, 1, "CVM workbench", f.title)
    ws.write_string(1, 1, "Customer Value Management: value for both firms, the portfolio map, "
                    "fair sharing, one passbook.", f.subtitle)  # fmt: skip
    ws.set_row(0, 30)
    ws.write_string(3, 1, "Fill in", f.heading)
    ws.write_blank(3, 2, None, f.heading)
    ws.write_blank(3, 3, None, f.heading)
    for r, (sheet, text) in enumerate(START_STEPS, start=4):
        ws.write_string(r, 1, f"{r - 3}.", f.step)
        ws.write_url(r, 2, f"internal:'{sheet}'!A1", string=sheet)
        ws.write_string(r, 3, text, f.text)
    top = 4 + len(START_STEPS) + 1
    ws.write_string(top, 1, "Run (Python and xlwings needed)", f.heading)
    ws.write_blank(top, 2, None, f.heading)
    ws.write_blank(top, 3, None, f.heading)
    for i, macro in enumerate(MACROS):
        r = top + 1 + i
        ws.set_row(r, 27)
        ws.insert_button(
            r,
            2,
            {
                "macro": macro.sub,
                "caption": macro.caption,
                "width": 240,
                "height": 30,
                "x_offset": 2,
                "y_offset": 2,
            },
        )
        ws.write_string(r, 3, macro.help, f.middle)
    check = top + 1 + len(MACROS) + 1
    ws.write_string(check, 1, "Check the installation", f.heading)
    ws.write_blank(check, 2, None, f.heading)
    ws.write_blank(check, 3, None, f.heading)
    for i, button in enumerate(CHECK_BUTTONS):
        r = check + 1 + i
        ws.set_row(r, 27)
        ws.insert_button(r, 2, {"macro": button.sub, "caption": button.caption, "width": 240, "height": 30,
                                "x_offset": 2, "y_offset": 2})  # fmt: skip
        ws.write_string(r, 3, button.help, f.middle)
    bottom = check + 1 + len(CHECK_BUTTONS) + 1
    ws.write_string(bottom, 1, "Good to know", f.heading)
    ws.write_blank(bottom, 2, None, f.heading)
    ws.write_blank(bottom, 3, None, f.heading)
    for r, text in enumerate(START_NOTES, start=bottom + 1):
        ws.merge_range(r, 1, r, 3, text, f.note)
        ws.set_row(r, 30 if len(text) > 100 else 15)
    ws.set_landscape()
    ws.set_paper(9)  # A4; the columns fit its width at 100%, so the buttons keep their size
    ws.set_margins(left=0.4, right=0.4)
    ws.activate()


START_STEPS = (
    (SETTINGS_SHEET, "Your firm, currency, horizon in years and thresholds."),
    ("Customers", "One row per CVM customer: ID, name, manager, wave start."),
    ("Workshop", "The raw ideas of the idea workshop."),
    ("Ideas", "The mother ideas: each firm's annual and one-time value."),
    ("Tracking", "Realised values per idea and month after sign-off."),
    ("Actions", "The implementation steps of each idea: owner, Due and Done dates."),
    ("Waves", "Each customer's waves 2, 3 ... with their kick-off (wave 1 is its Wave start)."),
    (
        rt.LIFECYCLE_SHEET,
        "Relationship readiness (optional): the BS 11000 checklist per customer, then "
        "Maturity, Objectives, Risks, Exit triggers, Issue log and Out of bounds topics.",
    ),
)
START_NOTES = (
    "The grey Ideas columns use the CVM worksheet functions (Insert Function, category CVM). They need "
    "Excel for Windows with Python and cvm-xl (pip install cvm-xl; cvm-xl doctor checks it).",
    "A downloaded copy has its macros blocked: right-click the file, Properties, Unblock (or keep it in "
    "a Trusted Location), then enable macros. Without the buttons: Alt+F8, pick a CVM_ macro, Run.",
    "No macro runs when the workbook opens. Run the self-test after installing: every check should PASS.",
    "The customer workbooks the buttons write carry plain Excel formulas: they work without Python, "
    "on macOS and in LibreOffice.",
)


def _write_cell(ws: Worksheet, row: int, column: int, value: Any, date_format: Any) -> None:
    """One input cell of the self-test (0-based row and column), typed as Excel holds it."""
    if isinstance(value, str):
        ws.write_string(row, column, value)
    elif isinstance(value, bool):
        ws.write_boolean(row, column, value)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(row, column, value, date_format)
    else:
        ws.write_number(row, column, value)


def _selftest_sheet(wb: Workbook, f: Formats) -> None:
    """The Self-test sheet (``cvm_xl.excel.selftest_sheet``): the cases' inputs, formulas as text and
    expected values; ``CVM_SelfTest`` enters the formulas and fills in the results."""
    ws = wb.add_worksheet(st.SHEET)
    ws.set_vba_name(layout.codename(st.SHEET))
    when = wb.add_format({"font_name": "Calibri", "font_size": 11, "num_format": "yyyy-mm-dd hh:mm",
                          "align": "left"})  # fmt: skip
    bold = wb.add_format({"font_name": "Calibri", "font_size": 11, "bold": True, "valign": "top"})
    ws.write_string(st.TITLE_ROW - 1, 0, "Self-test of the CVM worksheet functions", f.title)
    ws.write_string(st.INTRO_ROW - 1, 0, "Run the self-test on the Start sheet: Excel calculates each CVM "
                    "function through xlwings and Python on the worked examples below and compares the "
                    "result with the expected value. Every check should say PASS.", f.subtitle)  # fmt: skip
    embedded = f"xlwings {version('xlwings')} (the VBA module inside this workbook)"
    for row, label, value in (
        (st.WORKBOOK_ROW, "This workbook", embedded),
        (st.PYTHON_ROW, "Python side", ""),
        (st.RESULT_ROW, "Result", st.NOT_RUN),
    ):
        ws.write_string(row - 1, 0, label, bold)
        ws.write_string(row - 1, 1, value)
    ws.write_string(st.RUN_ROW - 1, 0, "Last run", bold)
    ws.write_blank(st.RUN_ROW - 1, 1, None, when)
    ws.write_string(st.FUNCTIONS_HEADING_ROW - 1, 0, "Per function", f.heading)
    for i, name in enumerate(st.functions()):
        ws.write_string(st.FIRST_FUNCTION_ROW - 1 + i, 0, name)
    ws.write_string(st.HELP_HEADING_ROW - 1, 0, "If a check fails", f.heading)
    for i, (symptom, fix) in enumerate(st.HELP):
        ws.write_string(st.FIRST_HELP_ROW - 1 + i, 0, symptom, bold)
        ws.merge_range(st.FIRST_HELP_ROW - 1 + i, 1, st.FIRST_HELP_ROW - 1 + i, 5, fix, f.note)
        ws.set_row(st.FIRST_HELP_ROW - 1 + i, 30)
    ws.write_string(st.CHECKS_HEADING_ROW - 1, 0, "Checks", f.heading)
    for c, header in enumerate(st.CHECK_HEADER):
        ws.write_string(st.CHECK_HEADER_ROW - 1, c, header, f.header)
    ws.write_string(st.CHECK_HEADER_ROW - 1, st.FIRST_INPUT_COLUMN - 1, "Inputs", f.header)
    for check in st.CHECKS:
        r = check.row - 1
        ws.write_string(r, st.FUNCTION_COLUMN - 1, check.function)
        ws.write_string(r, st.EXAMPLE_COLUMN - 1, check.example)
        ws.write_string(r, st.FORMULA_COLUMN - 1, check.formula)  # text: the macro enters it
        _write_cell(ws, r, st.EXPECTED_COLUMN - 1, check.expected, f.date)
    for cell in st.INPUTS:
        _write_cell(ws, cell.row - 1, cell.column - 1, cell.value, f.date)
    for first, last, width in ((0, 0, 30), (1, 1, 46), (2, 2, 44), (3, 4, 16), (5, 5, 8), (7, 20, 12)):
        ws.set_column(first, last, width)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


def part_digests(data: bytes) -> list[tuple[str, str]]:
    """(name, SHA-256) of every part of a workbook, in zip order: what two builds must share. Raw zip
    bytes can differ where another zlib deflates differently; the parts cannot."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(name, hashlib.sha256(archive.read(name)).hexdigest()) for name in archive.namelist()]


def vba_modules() -> list[Module]:
    """The template's VBA modules: a document module per sheet, xlwings, the wrappers, the macros."""
    return project_modules([layout.codename(sheet) for sheet in layout.SHEETS], FILE_NAME)


def build_template() -> bytes:
    """The template workbook's bytes; the same sources always give the same bytes."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    wb.set_properties(
        {
            "title": "CVM workbench",
            "subject": "Customer Value Management master workbook",
            "author": "cvm-xl",
            "company": "",
            "comments": f"{BUILT_BY}; do not edit by hand.",
            "created": CREATED,
        }
    )
    wb.set_vba_name(layout.WORKBOOK_CODENAME)
    f = Formats(wb)
    list_names = layout.list_names()
    _start_sheet(wb, f)
    _settings_sheet(wb, f)
    for table in TABLES.values():
        _input_sheet(wb, table, f, list_names)
    for spec in rt.TABLES.values():
        _relationship_sheet(wb, spec, f, list_names)
    _conf_sheet(wb, f)
    _lists_sheet(wb, f, list_names)
    _selftest_sheet(wb, f)
    _reference_names(wb)
    wb.add_vba_project(io.BytesIO(vba_project_bin(vba_modules())), is_stream=True)
    wb.close()
    return buffer.getvalue()
