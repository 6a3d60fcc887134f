"""A workbook opened with openpyxl to be changed, with every sheet keeping the name the user gave it.

Excel refuses two sheet names that differ only in case, but a file written by a program can hold
both (a hidden ``ideas`` beside the visible ``Ideas``). openpyxl renames the second one as it loads
(``Ideas1``) and would save it so, breaking every formula that names it. ``open_for_update`` gives
each sheet back its own name; ``sheets_in_view_of`` lists the sheets a writer looks for a table in,
with the rule every reader uses (``tables.sheets_in_view``: a visible sheet wins over a hidden one of
the same name). SPEC §4: the master's sheets are found by name, case and spaces ignored.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import Workbook, load_workbook
from openpyxl.chartsheet.chartsheet import Chartsheet
from openpyxl.worksheet.worksheet import Worksheet

from cvm_xl.spreadsheet.tables import sheets_in_view

# openpyxl keeps a sheet's name in this private attribute; its public setter renames a name that
# differs from another sheet's only in case, which is exactly what must not happen here.
_TITLE_ATTRIBUTE = "_WorkbookChild__title"


def workbook_sheet_names(path: str | Path) -> list[str]:
    """The sheet names as ``xl/workbook.xml`` spells them, in tab order."""
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    return [el.get("name", "") for el in root.iter() if el.tag.rpartition("}")[2] == "sheet"]


def set_title(sheet: Worksheet | Chartsheet, name: str) -> None:
    """Name a sheet exactly ``name``, even when another sheet's name differs from it only in case."""
    setattr(sheet, _TITLE_ATTRIBUTE, name)


def open_for_update(path: Path, *, data_only: bool = False) -> Workbook:
    """openpyxl's workbook of ``path`` (macros and external links kept; with ``data_only`` the stored
    formula results instead of the formulas), every sheet named as in the file."""
    if data_only:
        wb = load_workbook(path, data_only=True, keep_links=True)
    else:
        wb = load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm", keep_links=True)
    names = workbook_sheet_names(path)
    sheets = [wb[title] for title in wb.sheetnames]
    if len(names) == len(sheets):
        for sheet, name in zip(sheets, names, strict=True):
            if sheet.title != name:
                set_title(sheet, name)
    return wb


def sheets_in_view_of(wb: Workbook) -> list[str]:
    """The workbook's sheet names a writer looks for a table in (``tables.sheets_in_view``)."""
    return sheets_in_view((title, wb[title].sheet_state != "visible") for title in wb.sheetnames)
