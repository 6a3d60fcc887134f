"""`cvm-xl validate`: a readable table of every problem, exit codes 0 / 1 / 2, nothing written."""

from __future__ import annotations

import pytest
from loader_fixtures import D, good_sheets, set_value, write_good, write_sheets

from cvm_xl.cli import main
from cvm_xl.core import columns as col


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # one line per table row, so the text can be checked whole


def validate(capsys, path) -> tuple[int, str, str]:
    before = sorted((p.name, p.stat().st_mtime_ns) for p in path.parent.iterdir())
    code = main(["validate", str(path)])
    captured = capsys.readouterr()
    assert sorted((p.name, p.stat().st_mtime_ns) for p in path.parent.iterdir()) == before  # nothing written
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out, captured.err


def row_of(out: str, where: str) -> list[str]:
    """The cells of the table row that starts with ``where``."""
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if cells and cells[0] == where:
            return cells
    raise AssertionError(f"no row for {where} in:\n{out}")


def test_valid_master_exits_0(tmp_path, capsys):
    code, out, err = validate(capsys, write_good(tmp_path / "master.xlsx"))
    assert code == 0
    assert err == ""
    assert f"{tmp_path / 'master.xlsx'}: no problems found. The workbook can be used." in out
    assert "Read 2 customers, 3 ideas, 3 workshop ideas, 2 tracking rows." in out


def test_errors_exit_1_with_cell_value_message_and_fix(tmp_path, capsys):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ANNUAL, "abc")
    set_value(sheets, "Ideas", 2, col.STATUS, "Signed-off")
    set_value(sheets, "Ideas", 2, col.CATEGORY, "Joint study")  # a warning: 2.5 months
    set_value(sheets, "Tracking", 2, "Month", "#DIV/0!")
    sheets["Settings"][3][1] = -2
    path = write_sheets(tmp_path / "master.xlsx", sheets)
    code, out, err = validate(capsys, path)
    assert code == 1
    assert err == ""
    assert row_of(out, "Ideas!F2") == [
        "Ideas!F2",
        "Supplier annual",
        "abc",
        "'abc' is not a number.",
        "Type a plain number such as 12500 or 12.5% (no units or words), or leave the cell blank.",
    ]
    assert row_of(out, "Ideas!S3")[2:] == [
        "Signed-off",
        "'Signed-off' is not a valid Status.",
        "Did you mean 'Signed off'? Use one of: Proposed, Evaluated, Selected, Signed off, Implementing, "
        "Delivered, Dropped.",
    ]
    assert row_of(out, "Settings!B4")[1:4] == ["Value", "-2", "Horizon years -2 is not allowed."]
    assert row_of(out, "Tracking!B3")[2:4] == ["#DIV/0!", "The cell shows the Excel error #DIV/0!."]
    assert row_of(out, "Ideas!E3")[1:3] == ["Category", "Joint study"]
    for header in ("Where", "Column", "Value", "What is wrong", "What to do"):
        assert header in out
    # errors first (in sheet order), then warnings, then the summary
    positions = [out.index(s) for s in ("Errors (4)", "Settings!B4", "Ideas!F2", "Tracking!B3",
                                        "Warnings (1)", "Ideas!E3")]  # fmt: skip
    assert positions == sorted(positions)
    assert out.rstrip().splitlines()[-1] == (
        f"{path}: 4 errors and 1 warning. Fix the errors, then run cvm-xl validate again."
    )


def test_warnings_only_exit_0(tmp_path, capsys):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 2, col.END, D(2025, 12, 30))
    path = write_sheets(tmp_path / "master.xlsx", sheets)
    code, out, _ = validate(capsys, path)
    assert code == 0
    assert "Errors" not in out
    assert "Warnings (1)" in out
    assert row_of(out, "Ideas!E3")[3].startswith("A Hygiene idea takes at most 3 months")
    assert f"{path}: no errors, 1 warning. The workbook can be used." in out


def test_user_text_is_printed_literally(tmp_path, capsys):
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.STATUS, "[bold red]x[/]")
    code, out, _ = validate(capsys, write_sheets(tmp_path / "master.xlsx", sheets))
    assert code == 1
    assert row_of(out, "Ideas!S2")[2:4] == ["[bold red]x[/]", "'[bold red]x[/]' is not a valid Status."]


def test_limit_shortens_long_lists(tmp_path, capsys):
    sheets = good_sheets()
    for row in (1, 2, 3):
        set_value(sheets, "Ideas", row, col.SUPPLIER_ANNUAL, "x")
    code = main(["validate", str(write_sheets(tmp_path / "master.xlsx", sheets)), "--limit", "1"])
    out = capsys.readouterr().out
    assert code == 1
    assert "Ideas!F2" in out and "Ideas!F3" not in out
    assert "... and 2 more errors (use --limit 0 to list them all)." in out


def test_narrow_terminal_still_shows_everything(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    sheets = good_sheets()
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ANNUAL, "abc")
    code = main(["validate", str(write_sheets(tmp_path / "master.xlsx", sheets))])
    out = capsys.readouterr().out
    assert code == 1
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "Ideas!F2" in out and "'abc' is not a" in out  # long cells wrap inside the table


def test_unreadable_files_exit_2(tmp_path, capsys):
    csv = tmp_path / "master.xlsx"
    csv.write_text("Idea ID,Title\nI-1,x\n")
    code, out, err = validate(capsys, csv)
    assert code == 2
    assert out == ""
    assert err == (
        f"cvm-xl validate: {csv}: The file is named .xlsx but its content is text (e.g. CSV), not an Excel "
        "workbook. Open it in Excel and save it as Excel Workbook (.xlsx).\n"
    )
    missing = tmp_path / "gone.xlsx"
    assert main(["validate", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"cvm-xl validate: {missing}: The file does not exist. Check the file name and folder.\n"
    )
    empty = tmp_path / "empty.xlsm"
    empty.touch()
    assert main(["validate", str(empty)]) == 2
    assert "The file is empty (0 bytes)." in capsys.readouterr().err


def test_missing_argument_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["validate"])
    assert caught.value.code == 2
    assert "MASTER" in capsys.readouterr().err.upper()


def test_a_missing_tracking_sheet_is_a_warning_that_says_what_it_means(tmp_path, capsys):
    # Issue 13: a master without its optional Tracking sheet passed as "no problems found".
    sheets = good_sheets()
    del sheets["Tracking"]
    path = write_sheets(tmp_path / "master.xlsx", sheets)
    code, out, err = validate(capsys, path)
    assert code == 0 and err == ""
    _, column, value, message, fix = row_of(out, "Tracking")
    assert (column, value) == ("", "")
    assert message.startswith("The workbook has no Tracking sheet (optional): no realised value is recorded")
    assert "show the planned value only" in message
    assert fix.startswith("If you need it, add a sheet named Tracking with a table headed Idea ID, Month,")
    assert f"{path}: no errors, 1 warning. The workbook can be used." in out
    assert "Read 2 customers, 3 ideas, 3 workshop ideas, 0 tracking rows." in out


def test_a_missing_optional_sheet_is_listed_beside_errors_too(tmp_path, capsys):
    sheets = good_sheets()
    del sheets["Workshop"]
    set_value(sheets, "Ideas", 1, col.SUPPLIER_ANNUAL, "abc")
    code, out, _ = validate(capsys, write_sheets(tmp_path / "master.xlsx", sheets))
    assert code == 1
    assert "no raw workshop ideas are recorded" in row_of(out, "Workshop")[3]
    assert "1 error and 1 warning" in out
