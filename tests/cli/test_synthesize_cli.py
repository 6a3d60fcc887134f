"""`cvm-xl synthesize` on a master written from the bundled sample: what it fills, what it never touches."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cvm_xl.cli import main
from cvm_xl.core import columns as col
from cvm_xl.core.values import is_blank
from cvm_xl.master.read import load_master
from cvm_xl.master.update import CellChange, update_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables
from cvm_xl.workshop.synthesis import MOTHER_ID, synthesize


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _words(text: str) -> str:
    """Terminal output with line wrapping undone."""
    return " ".join(text.split())


def _backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.stem}.backup-*{path.suffix}"))


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "sample.xlsx"
    write_master(path, sample_settings(), sample_tables())
    return path


@pytest.fixture
def master(sample_file: Path, tmp_path: Path) -> Path:
    """A fresh copy of the sample master for each test."""
    path = tmp_path / "master.xlsx"
    shutil.copyfile(sample_file, path)
    return path


def test_fills_only_blanks_and_appends_drafts(master: Path, capsys) -> None:
    before = load_master(master)
    expected = synthesize(before.workshop, before.ideas)
    assert expected.changed  # the sample leaves raw ideas unassigned on purpose

    assert main(["synthesize", str(master)]) == 0
    out = _words(capsys.readouterr().out)
    after = load_master(master)

    # Every blank the core fills is filled with the core's ID; every other cell is as it was.
    was = before.workshop[MOTHER_ID]
    now = after.workshop[MOTHER_ID]
    set_before = ~was.map(is_blank)
    assert (now[set_before] == was[set_before]).all()
    filled = set_before.index[~set_before & ~now.map(is_blank)]
    assert len(filled) == expected.report.filled > 0
    assert (now[filled] == expected.mother_ids[filled]).all()
    assert after.workshop.drop(columns=[MOTHER_ID]).equals(before.workshop.drop(columns=[MOTHER_ID]))

    # The draft ideas come after the old ones, as the core drafted them.
    old = after.ideas.iloc[: len(before.ideas)]
    assert old.equals(before.ideas)
    drafts = after.ideas.iloc[len(before.ideas) :]
    assert list(drafts[col.IDEA_ID]) == list(expected.new_ideas[col.IDEA_ID])
    assert set(drafts[col.STATUS]) == {"Proposed"}
    assert list(drafts[col.TITLE]) == list(expected.new_ideas[col.TITLE])
    for _, draft in drafts.iterrows():
        raw = after.workshop.loc[after.workshop[MOTHER_ID] == draft[col.IDEA_ID], "Raw ID"]
        assert draft[col.DESCRIPTION].endswith(f"{', '.join(raw)}.")
        assert draft[col.CUSTOMER_ID] == raw.index.map(after.workshop[col.CUSTOMER_ID]).unique().item()
        assert is_blank(draft[col.OWNER]) and is_blank(draft[col.SUPPLIER_ANNUAL])
    for name in ("Customers", "Tracking"):
        assert getattr(after, name.lower()).equals(getattr(before, name.lower()))

    assert len(_backups(master)) == 1
    assert load_master(_backups(master)[0]).workshop.equals(before.workshop)
    for group in expected.report.new_groups:
        assert group.idea_id in out
    assert "Singletons" in out and "R-AUT-011" in out


def test_a_second_run_changes_nothing(master: Path, capsys) -> None:
    assert main(["synthesize", str(master)]) == 0
    digest, backups = _digest(master), _backups(master)
    capsys.readouterr()
    assert main(["synthesize", str(master)]) == 0
    assert "Nothing to change" in _words(capsys.readouterr().out)
    assert _digest(master) == digest
    assert _backups(master) == backups


def test_facilitator_choices_are_never_changed(master: Path) -> None:
    before = load_master(master)
    blank_rows = before.workshop.index[before.workshop[MOTHER_ID].map(is_blank)]
    # The facilitator puts blank raw ideas under existing ideas the texts do not suggest.
    mine = {int(blank_rows[0]): "AUT-12", int(blank_rows[1]): "AUT-12", int(blank_rows[2]): "AUT-07"}
    changes = [CellChange("Workshop", row, MOTHER_ID, value) for row, value in mine.items()]
    update_master(master, changes, backup=False)
    set_by_hand = load_master(master).workshop[MOTHER_ID]

    assert main(["synthesize", str(master), "--threshold", "25%"]) == 0
    after = load_master(master).workshop[MOTHER_ID]
    kept = ~set_by_hand.map(is_blank)
    assert (after[kept] == set_by_hand[kept]).all()
    assert {row: after[row] for row in mine} == mine


def test_dry_run_leaves_the_file_untouched(master: Path, capsys) -> None:
    digest = _digest(master)
    assert main(["synthesize", str(master), "--dry-run"]) == 0
    out = _words(capsys.readouterr().out)
    assert "Dry run" in out and "Nothing was written" in out
    assert _digest(master) == digest
    assert _backups(master) == []


def test_dry_run_shows_each_groups_weakest_raw_idea_and_nearest_group(master: Path, capsys) -> None:
    """Issue 18: a wrong merge shows at a glance, from the core's records of each group."""
    loaded = load_master(master)
    report = synthesize(loaded.workshop, loaded.ideas, customers=["C-AUT"]).report
    assert main(["synthesize", str(master), "--customer", "C-AUT", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Weakest raw idea" in out and "Nearest group" in out
    group = next(g for g in report.groups if g.size > 1)
    assert group.weakest in out and f"({group.joined:.0%})" in out
    assert group.nearest in out and f"({group.nearness:.0%})" in out
    assert main(["synthesize", str(master), "--customer", "C-AUT"]) == 0
    assert "Weakest raw idea" not in capsys.readouterr().out  # a real run keeps its table as before


def _changed_rows(before, after) -> pd.Index:
    return after.workshop.index[after.workshop[MOTHER_ID].fillna("") != before.workshop[MOTHER_ID].fillna("")]


def test_customer_option_puts_raw_ideas_under_the_customers_existing_ideas(master: Path) -> None:
    # Brightwell's facilitator placed none of its raw ideas, but every one of them is about an idea the
    # master already holds (certificates by e-mail, monthly billing ...): nothing is drafted again.
    before = load_master(master)
    assert main(["synthesize", str(master), "--customer", "C-WHL"]) == 0
    after = load_master(master)
    assert set(after.workshop.loc[_changed_rows(before, after), col.CUSTOMER_ID]) == {"C-WHL"}
    whl = after.workshop[after.workshop[col.CUSTOMER_ID] == "C-WHL"].set_index("Raw ID")[MOTHER_ID]
    existing = before.ideas.loc[before.ideas[col.CUSTOMER_ID] == "C-WHL", col.IDEA_ID]
    assert set(whl) <= set(existing)
    assert whl[["R-WHL-003", "R-WHL-004"]].tolist() == ["WHL-02", "WHL-02"]  # mill certificates by e-mail
    assert whl[["R-WHL-002", "R-WHL-015"]].tolist() == ["WHL-05", "WHL-05"]  # consolidated monthly billing
    assert len(after.ideas) == len(before.ideas)


def test_singletons_option_drafts_an_idea_for_each_lone_raw_idea(master: Path) -> None:
    before = load_master(master)
    assert main(["synthesize", str(master), "--customer", "C-AUT", "--singletons"]) == 0
    after = load_master(master)
    assert set(after.workshop.loc[_changed_rows(before, after), col.CUSTOMER_ID]) == {"C-AUT"}
    aut = after.workshop[after.workshop[col.CUSTOMER_ID] == "C-AUT"]
    assert not aut[MOTHER_ID].map(is_blank).any()  # singletons became drafts too
    drafts = after.ideas.iloc[len(before.ideas) :]
    assert set(drafts[col.CUSTOMER_ID]) == {"C-AUT"}
    lone = aut.loc[aut["Raw ID"] == "R-AUT-011", MOTHER_ID].item()  # visit each other's plants
    assert lone in set(drafts[col.IDEA_ID])
    assert (aut[MOTHER_ID] == lone).sum() == 1


def test_threshold_accepts_fractions_and_percentages(master: Path, capsys) -> None:
    assert main(["synthesize", str(master), "--threshold", "0.5", "--dry-run"]) == 0
    assert "threshold 50%" in _words(capsys.readouterr().out)
    assert main(["synthesize", str(master), "--threshold", "35%", "--dry-run"]) == 0
    assert "threshold 35%" in _words(capsys.readouterr().out)
    for bad in ("1.5%x", "150%", "-0.1"):
        with pytest.raises(SystemExit) as exit_info:
            main(["synthesize", str(master), "--threshold", bad])
        assert exit_info.value.code == 2


def test_a_bare_number_above_1_is_refused_not_taken_as_a_percentage(master: Path, capsys) -> None:
    # Issue 13: '--threshold 1.5' was taken as 1.5%. A similarity is 0..1, or a percentage with %.
    digest = _digest(master)
    for bad, hint in (("1.5", "for 1.5 percent write 1.5%"), ("30", "for 30 percent write 30%")):
        with pytest.raises(SystemExit) as exit_info:
            main(["synthesize", str(master), "--threshold", bad])
        assert exit_info.value.code == 2
        err = _words(capsys.readouterr().err)
        assert (
            f"'{bad}' is not a similarity: give a number from 0 to 1 (e.g. 0.3) or a percentage with %" in err
        )
        assert hint in err
    with pytest.raises(SystemExit):
        main(["synthesize", str(master), "--threshold", "150%"])
    assert "for 150" not in capsys.readouterr().err  # written with %: no hint to add one
    assert _digest(master) == digest and _backups(master) == []
    assert main(["synthesize", str(master), "--threshold", "15%", "--dry-run"]) == 0
    assert "threshold 15%" in _words(capsys.readouterr().out)


def test_unknown_customer_is_bad_usage(master: Path, capsys) -> None:
    digest = _digest(master)
    assert main(["synthesize", str(master), "--customer", "C-NOPE"]) == 2
    assert "unknown customer ID C-NOPE" in _words(capsys.readouterr().err)
    assert _digest(master) == digest


def test_a_master_with_errors_is_reported_and_not_written(master: Path, capsys) -> None:
    ideas = load_master(master).ideas
    row = int(ideas.index[1])
    update_master(master, [CellChange("Ideas", row, col.IDEA_ID, ideas.iloc[0][col.IDEA_ID])], backup=False)
    digest = _digest(master)
    assert main(["synthesize", str(master)]) == 1
    out = _words(capsys.readouterr().out)
    assert f"Ideas!A{row}" in out and "Nothing was written" in out
    assert _digest(master) == digest


def test_an_unreadable_master_exits_2(tmp_path: Path, capsys) -> None:
    fake = tmp_path / "notes.xlsx"
    fake.write_text("Raw ID,Idea\nR1,something\n", encoding="utf-8")
    assert main(["synthesize", str(fake)]) == 2
    assert "notes.xlsx" in _words(capsys.readouterr().err)


def test_a_master_that_cannot_be_written_is_reported(master: Path, capsys, monkeypatch) -> None:
    def locked(path, data):  # what saving over a workbook open in Excel on Windows raises
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("cvm_xl.master.save.atomic_write", locked)
    digest = _digest(master)
    assert main(["synthesize", str(master)]) == 2
    err = _words(capsys.readouterr().err)
    assert "could not be written" in err and "nothing was changed" in err
    assert _digest(master) == digest


def test_drafts_are_typed_like_loaded_ideas(master: Path) -> None:
    assert main(["synthesize", str(master)]) == 0
    ideas = load_master(master).ideas
    assert pd.api.types.is_float_dtype(ideas[col.SUPPLIER_ANNUAL])
    assert load_master(master).evaluated[col.VERDICT_CODE].iloc[-1] == "POSTPONE_QUANTIFY"
