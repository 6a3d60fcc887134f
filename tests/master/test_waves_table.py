"""The optional Waves table and the Wave / Emulated columns of the master (issue 14: waves 2…n)."""

from __future__ import annotations

import pytest
from loader_fixtures import D, good_sheets, set_value, write_sheets
from openpyxl import load_workbook

from cvm_xl.core import columns as col
from cvm_xl.core.problems import ERROR, WARNING, Code, WorkbookError
from cvm_xl.core.settings import Settings
from cvm_xl.core.waves import KICK_OFF, WAVE_COLUMNS, WAVE_REQUIRED, WAVE_STATUSES
from cvm_xl.master.read import load_master
from cvm_xl.master.schema import IDEAS, TABLES, WAVES, WORKSHOP, Kind
from cvm_xl.master.settings_sheet import read_settings
from cvm_xl.master.write import LISTS, write_master
from cvm_xl.sample import sample_settings, sample_tables


def test_the_table_is_described_once_with_the_issues_columns():
    assert TABLES["Waves"] is WAVES
    assert WAVES.names == WAVE_COLUMNS and WAVES.required == WAVE_REQUIRED == (
        "Customer ID",
        "Wave",
        "Kick-off",
    )
    assert WAVES.optional_sheet and WAVES.keys == ("Customer ID", "Wave")
    assert WAVES.column("Status").choices == WAVE_STATUSES == ("Planned", "Running", "Tracking", "Closed")
    wave = WAVES.column(col.WAVE)
    assert (wave.kind, wave.low, wave.whole) == (Kind.NUMBER, 1, True)
    # Ideas gain Wave and Emulated after their inputs (then Feasibility, issue 14 quick wins); Workshop
    # rows gain Wave
    assert IDEAS.names[-3:-1] == (col.WAVE, col.EMULATED) == col.IDEA_INPUTS[-3:-1]
    assert IDEAS.names[-1] == col.FEASIBILITY == col.IDEA_INPUTS[-1]
    assert IDEAS.column(col.EMULATED).kind is Kind.DATE and IDEAS.column(col.WAVE) == wave.__class__(
        col.WAVE, Kind.NUMBER, low=1, whole=True
    )
    assert WORKSHOP.names[-1] == col.WAVE == col.WORKSHOP_COLUMNS[-1]


def _set(sheets, sheet, row, column, value):
    """``set_value`` on a fixture row that stops before the column (blank cells are left out)."""
    rows = sheets[sheet]
    rows[row] += [None] * (len(rows[0]) - len(rows[row]))
    set_value(sheets, sheet, row, column, value)


def _problems(tmp_path, sheets):
    path = write_sheets(tmp_path / "m.xlsx", sheets)
    try:
        return list(load_master(path).problems)
    except WorkbookError as exc:
        return exc.problems


def test_a_master_with_waves_reads_them_typed(tmp_path):
    sheets = good_sheets()
    _set(sheets, "Ideas", 1, col.WAVE, 2)
    _set(sheets, "Ideas", 2, col.EMULATED, D(2025, 10, 6))
    _set(sheets, "Workshop", 1, col.WAVE, "1")
    _set(sheets, "Workshop", 1, "Mother idea ID", None)  # its mother idea I-01 is now of wave 2
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert master.problems == ()
    waves = master.waves
    assert tuple(waves.columns) == WAVE_COLUMNS and waves.index.tolist() == [2]
    assert (waves.loc[2, col.WAVE], waves.loc[2, KICK_OFF], waves.loc[2, "Status"]) == (
        2.0,
        D(2025, 9, 1),
        "Running",
    )
    assert master.ideas.loc[2, col.WAVE] == 2.0 and master.ideas.loc[3, col.EMULATED] == D(2025, 10, 6)
    assert master.workshop.loc[2, col.WAVE] == 1.0


def test_a_master_without_the_sheet_or_the_columns_keeps_working(tmp_path):
    sheets = good_sheets()
    del sheets["Waves"]
    for name in ("Ideas", "Workshop"):  # a master made before issue 14
        sheets[name] = [row[: len(row) - (2 if name == "Ideas" else 1)] for row in sheets[name]]
    master = load_master(write_sheets(tmp_path / "m.xlsx", sheets))
    assert master.problems == ()
    assert master.waves.empty and tuple(master.waves.columns) == WAVE_COLUMNS


def test_kick_offs_out_of_order_are_a_warning_at_the_kick_off(tmp_path):
    sheets = good_sheets()
    set_value(sheets, "Waves", 1, KICK_OFF, D(2024, 12, 2))  # before C01's Wave start 2025-01-06
    [problem] = _problems(tmp_path, sheets)
    assert (problem.code, problem.severity, problem.sheet, problem.ref) == (
        Code.WAVES_KICK_OFF_ORDER, WARNING, "Waves", "C2",
    )  # fmt: skip
    assert problem.message == (
        "Wave 2 of customer C01 kicks off on 2024-12-02, not after wave 1 (2025-01-06, its Wave start)."
    )


def test_a_wave_1_row_that_differs_from_the_wave_start_is_a_warning(tmp_path):
    sheets = good_sheets()
    sheets["Waves"].append(["C01", 1, D(2025, 1, 13), None, "Tracking"])
    [problem] = _problems(tmp_path, sheets)
    assert (problem.code, problem.severity, problem.ref) == (Code.WAVES_WAVE_START_DIFFERS, WARNING, "C3")
    assert "its Wave start on the Customers sheet is 2025-01-06" in problem.message


def test_an_idea_or_raw_idea_naming_a_missing_wave_is_an_error_with_the_fix(tmp_path):
    sheets = good_sheets()
    _set(sheets, "Ideas", 1, col.WAVE, 3)  # C01 has waves 1 and 2
    _set(sheets, "Workshop", 3, col.WAVE, 1)  # C02 has no Wave start and no Waves row
    problems = _problems(tmp_path, sheets)
    assert [(p.code, p.severity, p.sheet, p.ref) for p in problems] == [
        (Code.WAVES_UNKNOWN_WAVE, ERROR, "Workshop", "I4"),
        (Code.WAVES_UNKNOWN_WAVE, ERROR, "Ideas", "W2"),
    ]
    ideas = problems[1]
    assert ideas.message == "Customer C01 has no wave 3."
    assert ideas.fix.startswith("Use one of its waves (1, 2). Add wave 3 of customer C01 on the Waves sheet")


def test_a_raw_idea_under_a_mother_idea_of_another_wave_is_a_warning_at_its_mother_idea_id(tmp_path):
    sheets = good_sheets()
    _set(sheets, "Ideas", 1, col.WAVE, 1)  # I-01: C01's wave 1
    _set(sheets, "Workshop", 1, col.WAVE, 2)  # R-001 (mother idea I-01): wave 2, kicked off 2025-09-01
    # R-002's blank Wave and its mother idea I-02's are both C01's latest wave as of today: no warning
    problems = _problems(tmp_path, sheets)
    assert [(p.code, p.severity, p.sheet, p.ref, p.value) for p in problems] == [
        (Code.WAVES_MOTHER_OTHER_WAVE, WARNING, "Workshop", "H2", "I-01"),
    ]
    assert problems[0].message == (
        "Raw idea R-001 of customer C01 is in wave 2, but its mother idea I-01 is in wave 1."
    )
    assert problems[0].fix.startswith("Check the Wave of the raw idea and of the idea")
    _set(sheets, "Workshop", 1, col.WAVE, None)  # blank: C01's latest wave as of today, wave 2
    assert [(p.code, p.ref) for p in _problems(tmp_path, sheets)] == [(Code.WAVES_MOTHER_OTHER_WAVE, "H2")]
    _set(sheets, "Workshop", 1, col.WAVE, 1)  # the raw idea's wave is its mother idea's
    assert _problems(tmp_path, sheets) == []


@pytest.mark.parametrize(
    ("wave", "code"),
    [(0, Code.CELL_OUT_OF_RANGE), (1.5, Code.CELL_NOT_WHOLE), ("next", Code.CELL_NOT_A_NUMBER)],
)
def test_a_wave_is_a_whole_number_of_at_least_1(tmp_path, wave, code):
    sheets = good_sheets()
    set_value(sheets, "Waves", 1, col.WAVE, wave)
    assert [(p.code, p.ref) for p in _problems(tmp_path, sheets)] == [(code, "B2")]


def test_a_customer_has_each_wave_number_once(tmp_path):
    sheets = good_sheets()
    sheets["Waves"].append(["C01 ", 2, D(2025, 10, 6), None, "Planned"])
    [problem] = _problems(tmp_path, sheets)
    assert (problem.code, problem.ref) == (Code.KEY_DUPLICATE, "B3")
    assert problem.message == "Customer ID 'C01' / Wave '2' appears more than once (first on row 2)."


def test_a_wave_of_an_unknown_customer_is_an_unknown_reference(tmp_path):
    sheets = good_sheets()
    sheets["Waves"].append(["C09", 2, D(2025, 10, 6), None, None])
    [problem] = _problems(tmp_path, sheets)
    assert (problem.code, problem.ref) == (Code.REFERENCE_UNKNOWN, "A3")


def test_the_writer_gives_the_status_its_own_dropdown_and_round_trips(tmp_path):
    path = tmp_path / "m.xlsx"
    tables = sample_tables()
    write_master(path, sample_settings(), tables)
    ws = load_workbook(path)["Waves"]
    assert [c.value for c in ws[1]] == list(WAVE_COLUMNS)
    assert LISTS["Wave status"] == WAVE_STATUSES
    [status] = [dv for dv in ws.data_validations.dataValidation if "E2" in str(dv.sqref)]
    column = list(LISTS).index("Wave status") + 1
    assert status.formula1.endswith(f"${chr(64 + column)}$2:${chr(64 + column)}${len(WAVE_STATUSES) + 1}")
    master = load_master(path)
    assert master.waves.reset_index(drop=True).equals(tables["Waves"])
    assert master.ideas[col.WAVE].tolist()[:1] == [1.0]


def test_the_refresh_settings_are_read_as_whole_numbers_and_written(tmp_path):
    rows = [["Setting", "Value"], ["Refresh after months", 9], [" minimum open GO ideas", "2"]]
    settings, problems = read_settings(rows, "m.xlsx", "S")
    assert problems == []
    assert (settings.refresh_after_months, settings.minimum_open_go_ideas) == (9, 2)
    assert isinstance(settings.refresh_after_months, int) and isinstance(settings.minimum_open_go_ideas, int)
    settings, problems = read_settings([["Setting", "Value"], ["Refresh after months", 0.5]], "m.xlsx", "S")
    [problem] = problems
    assert settings.refresh_after_months == 6 and problem.code == Code.SETTINGS_NOT_ALLOWED
    path = tmp_path / "m.xlsx"
    write_master(path, Settings(refresh_after_months=12, minimum_open_go_ideas=1), {})
    loaded = load_master(path).settings
    assert (loaded.refresh_after_months, loaded.minimum_open_go_ideas) == (12, 1)
