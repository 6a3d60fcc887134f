"""Synthesis per wave (issue 14, ``workshop.synthesis``), worked by hand: raw ideas are grouped within
one customer and one wave, existing ideas take part only in their own wave, a draft keeps a typed Wave,
and a Mother idea ID of another wave is kept and warned about (``waves.mother_other_wave``)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cvm_xl.actions.synthesize import plan_synthesis
from cvm_xl.cli import main
from cvm_xl.core import columns as col
from cvm_xl.core.problems import WARNING, Code
from cvm_xl.core.waves import customer_waves
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables
from cvm_xl.workshop.synthesis import render_report, synthesize

D = dt.date
AS_OF = D(2026, 12, 1)
CUSTOMERS = pd.DataFrame({col.CUSTOMER_ID: ["C1"], "Wave start": [D(2026, 1, 12)]})
WAVES = pd.DataFrame(
    {
        col.CUSTOMER_ID: ["C1"],
        "Wave": [2],
        "Kick-off": [D(2026, 10, 5)],
        "Facilitator": [None],
        "Status": [None],
    }
)
COIL = "Deliver the steel coils in waterproof packaging against rust"


def _workshop(rows: list[tuple[str, str, object, object]]) -> pd.DataFrame:
    """(Raw ID, text, Mother idea ID, Wave) rows of customer C1."""
    return pd.DataFrame(
        {
            "Raw ID": [r[0] for r in rows],
            col.CUSTOMER_ID: ["C1"] * len(rows),
            "Idea": [r[1] for r in rows],
            "Mother idea ID": [r[2] for r in rows],
            col.WAVE: [r[3] for r in rows],
        },
        index=pd.RangeIndex(2, 2 + len(rows)),
    )


def _ideas(rows: list[tuple[str, str, object]]) -> pd.DataFrame:
    """(Idea ID, title, Wave) ideas of customer C1."""
    return pd.DataFrame(
        {
            col.IDEA_ID: [r[0] for r in rows],
            col.CUSTOMER_ID: ["C1"] * len(rows),
            col.TITLE: [r[1] for r in rows],
            col.DESCRIPTION: [None] * len(rows),
            col.WAVE: [r[2] for r in rows],
        }
    )


def _run(workshop: pd.DataFrame, ideas: pd.DataFrame):
    return synthesize(workshop, ideas, waves=customer_waves(CUSTOMERS, WAVES), as_of=AS_OF)


def test_the_same_raw_ideas_group_within_each_wave_only() -> None:
    # Two alike raw ideas in wave 1 (typed) and two in wave 2 (one typed, one blank = the latest wave
    # as of 2026-12-01): two drafts, one per wave, never one group of four.
    workshop = _workshop(
        [
            ("R1", COIL, None, 1),
            ("R2", "Waterproof packaging for steel coils against rust", None, 1),
            ("R3", COIL, None, 2),
            ("R4", "Waterproof packaging for steel coils against rust", None, None),
        ]
    )
    result = _run(workshop, _ideas([("C1-01", "Shorter lead times", 1)]))
    groups = {g.wave: g for g in result.report.groups}
    assert {w: g.raw_ids for w, g in groups.items()} == {1: ("R1", "R2"), 2: ("R3", "R4")}
    drafts = result.new_ideas.set_index(col.IDEA_ID)
    assert list(drafts.index) == ["C1-02", "C1-03"]  # one numbering per customer over its waves
    assert drafts[col.WAVE].tolist() == [1, 2]  # a typed Wave among the raw ideas is kept
    # without waves (as before waves existed): one group of four
    plain = synthesize(workshop, _ideas([]))
    assert [g.raw_ids for g in plain.report.groups] == [("R1", "R2", "R3", "R4")]
    assert plain.new_ideas[col.WAVE].isna().all()


def test_a_draft_of_blank_raw_ideas_stays_blank() -> None:
    workshop = _workshop(
        [("R1", COIL, None, None), ("R2", "Waterproof packaging for steel coils against rust", None, None)]
    )
    result = _run(workshop, _ideas([]))
    assert [g.wave for g in result.report.groups] == [2]  # blank: the latest wave as of 2026-12-01
    assert result.new_ideas[col.WAVE].isna().all()  # ... and the draft follows the latest wave alike


def test_existing_ideas_take_part_only_in_their_own_wave() -> None:
    ideas = _ideas([("C1-01", COIL, 1)])  # a wave-1 idea on the very topic
    workshop = _workshop([("R1", COIL, None, 1), ("R2", COIL, None, 2), ("R3", COIL, None, 2)])
    result = _run(workshop, ideas)
    assert result.mother_ids.tolist() == ["C1-01", "C1-02", "C1-02"]  # wave 2 gets a new idea
    assert [(g.wave, g.idea_id, g.new) for g in result.report.groups] == [
        (1, "C1-01", False),
        (2, "C1-02", True),
    ]


def test_a_mother_idea_of_another_wave_is_kept_and_warned_about() -> None:
    ideas = _ideas([("C1-01", "Shorter lead times", 1)])
    workshop = _workshop([("R1", COIL, "C1-01", 2), ("R2", "Weekly call-off instead of monthly", "C1-01", 1)])
    result = _run(workshop, ideas)
    assert result.mother_ids.tolist() == ["C1-01", "C1-01"]  # the facilitator's choice wins
    (found,) = result.report.other_waves
    assert (found.raw_id, found.mother_id, found.wave, found.idea_wave, found.position) == (
        "R1",
        "C1-01",
        2,
        1,
        0,
    )
    assert "Warning (waves.mother_other_wave): C1 raw idea R1 is in wave 2" in render_report(result.report)


def test_synthesis_needs_the_as_of_day_with_waves() -> None:
    with pytest.raises(ValueError, match="as-of"):
        synthesize(_workshop([]), _ideas([]), waves=customer_waves(CUSTOMERS, WAVES))


@pytest.fixture(scope="module")
def sample_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tables = sample_tables()
    workshop = tables["Workshop"]
    # a facilitator's slip: a wave-2 raw idea under a wave-1 idea of C-AUT
    workshop.loc[workshop["Raw ID"] == "R-AUT-206", "Mother idea ID"] = "AUT-01"
    path = tmp_path_factory.mktemp("synthesis") / "master.xlsx"
    write_master(path, sample_settings(), tables)
    return path


def test_the_sample_synthesises_per_wave_and_warns_at_the_cell(sample_master: Path, tmp_path, capsys) -> None:
    master = load_master(sample_master)
    plan = plan_synthesis(master, customers=["C-AUT"], as_of=AS_OF)
    report = plan.result.report
    # C-AUT's wave-2 raw ideas keep their own ideas of wave 2; no wave-1 raw idea joins them
    wave_2 = [g for g in report.groups if g.wave == 2]
    assert {g.idea_id for g in wave_2} == {"AUT-18", "AUT-19", "AUT-20", "AUT-01"}
    assert all(r.startswith("R-AUT-2") for g in wave_2 for r in g.raw_ids)
    assert not any(r.startswith("R-AUT-2") for g in report.groups if g.wave == 1 for r in g.raw_ids)
    (warning,) = plan.warnings
    row = int(master.workshop.index[master.workshop["Raw ID"] == "R-AUT-206"][0])
    assert (warning.code, warning.severity, warning.sheet, warning.row, warning.value) == (
        Code.WAVES_MOTHER_OTHER_WAVE, WARNING, "Workshop", row, "AUT-01",
    )  # fmt: skip
    assert all(d.get(col.WAVE) == 1 for d in plan.drafts)  # C-AUT's wave-1 raw ideas are typed 1
    copy = tmp_path / "master.xlsx"
    shutil.copyfile(sample_master, copy)
    assert main(["synthesize", str(copy), "--customer", "C-AUT", "--as-of", "2026-12-01", "--dry-run"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Warnings: mother ideas of another wave" in out and "Nothing was written" in out
