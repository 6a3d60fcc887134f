"""The customer-screening thresholds are Settings (SPEC §3.9): defaults, validation, the Settings
sheet, and a round trip through the master writer and the loader."""

from __future__ import annotations

import pytest

from cvm_xl.core.settings import (
    ALL_SETTING_LABELS,
    BALANCE_LABELS,
    PIPELINE_LABELS,
    SCREENING_LABELS,
    SETTING_LABELS,
    WORKSHOP_LABELS,
    Settings,
    SettingsError,
)
from cvm_xl.master.read import load_master
from cvm_xl.master.settings_sheet import read_settings
from cvm_xl.master.write import write_master
from cvm_xl.readiness.screening import ScreeningThresholds


def test_defaults_are_the_papers_prerequisites():
    s = Settings()
    assert (s.screening_max_quartile, s.screening_min_phase) == (1, "III")
    assert (s.screening_min_culture, s.screening_min_co_destiny) == (3.0, 3.0)
    assert ScreeningThresholds.of(s) == ScreeningThresholds()
    assert list(ALL_SETTING_LABELS) == [
        *SETTING_LABELS, *SCREENING_LABELS, *WORKSHOP_LABELS, *BALANCE_LABELS, *PIPELINE_LABELS,
    ]  # fmt: skip
    assert list(SCREENING_LABELS) == [
        "Screening max quartile",
        "Screening min phase",
        "Screening min culture",
        "Screening min co-destiny",
    ]


@pytest.mark.parametrize(
    ("change", "label"),
    [
        ({"screening_max_quartile": 5}, "Screening max quartile"),
        ({"screening_max_quartile": 1.5}, "Screening max quartile"),
        ({"screening_min_phase": "IV"}, "Screening min phase"),
        ({"screening_min_culture": 0}, "Screening min culture"),
        ({"screening_min_co_destiny": 5.5}, "Screening min co-destiny"),
    ],
)
def test_bad_thresholds_name_their_setting(change, label):
    with pytest.raises(SettingsError) as caught:
        Settings(**change)
    assert caught.value.setting == label


def test_the_settings_sheet_reads_them_in_the_spellings_users_type():
    rows = [
        ["Setting", "Value"],
        ["screening MAX quartile", "Q2"],
        ["Screening min phase", "Phase II"],
        ["Screening min culture", 3.5],
        ["Screening min co-destiny", None],
    ]
    settings, problems = read_settings(rows, "m.xlsx", "Settings")
    assert problems == []
    assert ScreeningThresholds.of(settings) == ScreeningThresholds(2, "II", 3.5, 3.0)


def test_a_bad_threshold_is_reported_at_its_cell():
    rows = [["Setting", "Value"], ["Screening min phase", "IV"], ["Screening max quartile", 7]]
    settings, problems = read_settings(rows, "m.xlsx", "Settings")
    assert settings == Settings()
    assert [(p.row, p.ref, p.severity) for p in problems] == [(2, "B2", "error"), (3, "B3", "error")]
    assert "'IV' is not an excellence phase" in problems[0].message
    assert "whole number from 1 to 4" in problems[1].message


def test_round_trip_through_a_master(tmp_path):
    settings = Settings(supplier="Aldermoor Steel").replace(
        screening_max_quartile=2, screening_min_phase="II", screening_min_culture=2.5
    )
    path = tmp_path / "m.xlsx"
    write_master(path, settings, {})
    assert load_master(path).settings == settings
