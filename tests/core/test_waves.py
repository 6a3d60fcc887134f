"""Waves 2…n (issue 14, ``core.waves``): each customer's waves, the wave of an idea, and the rules."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from cvm_xl.core import columns as col
from cvm_xl.core.problems import ERROR, WARNING, Code
from cvm_xl.core.waves import (
    KICK_OFF,
    KICK_OFF_ORDER,
    MOTHER_ID,
    MOTHER_OTHER_WAVE,
    UNKNOWN_WAVE,
    WAVE_COLUMNS,
    WAVE_RULES,
    WAVE_START_DIFFERS,
    Wave,
    customer_waves,
    latest_wave,
    mother_other_waves,
    row_waves,
    unknown_waves,
    wave_number,
    wave_of,
    waves_findings,
)

D = dt.date
NAN = math.nan


def customers(*rows: tuple[str, dt.date | None]) -> pd.DataFrame:
    return pd.DataFrame({col.CUSTOMER_ID: [r[0] for r in rows], "Wave start": [r[1] for r in rows]})


def waves(*rows: tuple[str, float, dt.date]) -> pd.DataFrame:
    frame = pd.DataFrame([(c, w, k, None, None) for c, w, k in rows], columns=list(WAVE_COLUMNS))
    frame[col.WAVE] = frame[col.WAVE].astype(float)
    return frame


def test_the_table_has_the_issues_columns():
    assert WAVE_COLUMNS == ("Customer ID", "Wave", "Kick-off", "Facilitator", "Status")


def test_without_a_waves_table_the_wave_start_is_wave_1():
    found = customer_waves(customers(("C1", D(2026, 1, 12)), ("C2", None)), None)
    assert found.of("C1") == (Wave(1, D(2026, 1, 12)),)
    assert found.of("C1")[0].from_wave_start
    assert found.of("C2") == ()  # no Wave start, no waves
    assert found.of(" c1 ") == found.of("C1")  # IDs compared as cvm-xl compares them


def test_waves_rows_add_to_the_wave_start_and_a_row_for_wave_1_wins():
    table = waves(("C1", 3, D(2027, 4, 5)), ("C1", 2, D(2026, 10, 5)), ("C2", 1, D(2026, 3, 9)))
    found = customer_waves(customers(("C1", D(2026, 1, 12)), ("C2", D(2026, 3, 2))), table)
    assert [(w.number, w.kick_off, w.position) for w in found.of("C1")] == [
        (1, D(2026, 1, 12), None), (2, D(2026, 10, 5), 1), (3, D(2027, 4, 5), 0),
    ]  # fmt: skip
    assert [(w.number, w.kick_off, w.position) for w in found.of("C2")] == [(1, D(2026, 3, 9), 2)]


def test_a_repeated_wave_number_reads_its_first_row():
    table = waves(("C1", 2, D(2026, 10, 5)), ("C1", 2, D(2026, 11, 2)))
    assert customer_waves(customers(("C1", None)), table).of("C1") == (Wave(2, D(2026, 10, 5), position=0),)


@pytest.mark.parametrize(
    ("cell", "number"),
    [(2, 2), (2.0, 2), ("2", 2), (" 3 ", 3), (None, None), (NAN, None), ("", None), (0, None), (1.5, None),
     ("two", None), (True, None)],
)  # fmt: skip
def test_wave_number(cell, number):
    assert wave_number(cell) == number


WAVES = (Wave(1, D(2026, 1, 12)), Wave(2, D(2026, 10, 5)), Wave(3, D(2027, 4, 5)))


@pytest.mark.parametrize(
    ("as_of", "latest"),
    [
        (D(2026, 12, 1), 2),  # wave 3 has not kicked off yet
        (D(2026, 10, 5), 2),  # on its kick-off day a wave is the latest
        (D(2026, 10, 4), 1),
        (D(2027, 4, 5), 3),
        (D(2025, 12, 31), 3),  # none kicked off yet: the highest number
    ],
)
def test_the_latest_wave_is_the_highest_kicked_off_by_the_as_of_date(as_of, latest):
    assert latest_wave(WAVES, as_of).number == latest
    assert wave_of(None, WAVES, as_of) == latest  # a blank Wave cell: the latest wave


def test_a_typed_wave_is_kept_and_no_waves_give_none():
    assert wave_of(1.0, WAVES, D(2026, 12, 1)) == 1
    assert wave_of(7, WAVES, D(2026, 12, 1)) == 7  # unknown: reported by unknown_waves, kept as typed
    assert latest_wave((), D(2026, 12, 1)) is None
    assert wave_of(None, (), D(2026, 12, 1)) is None


def test_the_wave_of_every_row():
    known = customer_waves(customers(("C1", D(2026, 1, 12)), ("C2", None)), waves(("C1", 2, D(2026, 10, 5))))
    ideas = pd.DataFrame({col.CUSTOMER_ID: ["C1", "C1", "C2", None], col.WAVE: [NAN, 1.0, NAN, 2.0]})
    assert row_waves(ideas, known, D(2026, 12, 1)) == [2, 1, None, 2]
    assert row_waves(ideas, known, D(2026, 9, 1)) == [1, 1, None, 2]
    no_column = pd.DataFrame({col.CUSTOMER_ID: ["C1"]})  # a master made before the Wave column
    assert row_waves(no_column, known, D(2026, 12, 1)) == [2]


def test_the_rules_are_data_with_codes_and_severities():
    assert [(r.code, r.severity) for r in WAVE_RULES] == [
        (Code.WAVES_KICK_OFF_ORDER, WARNING), (Code.WAVES_UNKNOWN_WAVE, ERROR),
        (Code.WAVES_WAVE_START_DIFFERS, WARNING), (Code.WAVES_MOTHER_OTHER_WAVE, WARNING),
    ]  # fmt: skip


def test_kick_offs_out_of_order_are_a_warning_on_the_later_wave():
    table = waves(("C1", 2, D(2026, 10, 5)), ("C1", 3, D(2026, 10, 5)), ("C2", 2, D(2026, 2, 2)))
    known = customer_waves(customers(("C1", D(2026, 1, 12)), ("C2", D(2026, 3, 2))), table)
    found = waves_findings(known)
    assert [(f.rule, f.position, f.column, f.value) for f in found] == [
        (KICK_OFF_ORDER, 1, KICK_OFF, D(2026, 10, 5)),
        (KICK_OFF_ORDER, 2, KICK_OFF, D(2026, 2, 2)),
    ]
    assert found[0].message == (
        "Wave 3 of customer C1 kicks off on 2026-10-05, not after wave 2 (2026-10-05)."
    )
    assert found[1].message == (
        "Wave 2 of customer C2 kicks off on 2026-02-02, not after wave 1 (2026-03-02, its Wave start)."
    )
    assert found[1].fix == "Check the Kick-off dates: each wave kicks off after the one before it."


def test_a_wave_1_row_that_differs_from_the_wave_start_is_a_warning():
    table = waves(("C1", 1, D(2026, 1, 19)), ("C2", 1, D(2026, 3, 2)))
    known = customer_waves(customers(("C1", D(2026, 1, 12)), ("C2", D(2026, 3, 2))), table)
    [found] = waves_findings(known)
    assert (found.rule, found.position, found.value) == (WAVE_START_DIFFERS, 0, D(2026, 1, 19))
    assert found.message == (
        "Wave 1 of customer C1 kicks off on 2026-01-19, but its Wave start on the Customers sheet is "
        "2026-01-12; the Waves sheet is read."
    )
    assert known.of("C1")[0].kick_off == D(2026, 1, 19)


def test_an_idea_naming_a_wave_its_customer_lacks_is_an_error_with_the_fix():
    known = customer_waves(customers(("C1", D(2026, 1, 12)), ("C2", None)), waves(("C1", 2, D(2026, 10, 5))))
    ideas = pd.DataFrame({col.CUSTOMER_ID: ["C1", "C1", "C2", "C1"], col.WAVE: [2.0, 3.0, 1.0, NAN]})
    found = unknown_waves(ideas, known)
    assert [(f.rule, f.position, f.column, f.value) for f in found] == [
        (UNKNOWN_WAVE, 1, col.WAVE, 3.0),
        (UNKNOWN_WAVE, 2, col.WAVE, 1.0),
    ]
    assert found[0].message == "Customer C1 has no wave 3."
    assert found[0].fix == (
        "Use one of its waves (1, 2). Add wave 3 of customer C1 on the Waves sheet, or leave Wave blank "
        "for the customer's latest wave."
    )
    assert found[1].fix.startswith(
        "The customer has no wave yet: give it a Wave start on the Customers sheet."
    )


def test_a_raw_idea_under_a_mother_idea_of_another_wave_is_a_warning_with_the_fix():
    # C1: wave 1 from its Wave start 2026-01-12, wave 2 kicks off 2026-10-05. C2 has no wave.
    known = customer_waves(customers(("C1", D(2026, 1, 12)), ("C2", None)), waves(("C1", 2, D(2026, 10, 5))))
    ideas = pd.DataFrame(
        {
            col.IDEA_ID: ["C1-01", "C1-02", "C2-01", "C1-03", "C1-03"],
            col.CUSTOMER_ID: ["C1", "C1", "C2", "C1", "C1"],
            col.WAVE: [1.0, NAN, NAN, 1.0, 2.0],  # C1-02: the latest wave; C1-03 is listed in both
        }
    )
    workshop = pd.DataFrame(
        {
            "Raw ID": ["R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8"],
            col.CUSTOMER_ID: ["C1", "C1", "C1", "C1", "C2", "C1", " c1 ", "C1"],
            MOTHER_ID: ["C1-01", "C1-01", "C1-02", "C1-03", "C2-01", "C9-99", " c1-01 ", "C1-01"],
            col.WAVE: [2.0, 1.0, 1.0, 2.0, NAN, 2.0, NAN, 3.0],
        }
    )
    # On 2026-12-01 a blank Wave is wave 2: R1 (typed 2) and R7 (blank) name the wave-1 idea C1-01,
    # R3 (typed 1) the wave-2 idea C1-02. R2 and R4 match; R5's customer has no wave; R6's mother
    # idea is not an idea (another check's); R8's wave 3 is not C1's (UNKNOWN_WAVE's). IDs are
    # compared as cvm-xl compares them (R7).
    found = mother_other_waves(workshop, ideas, known, D(2026, 12, 1))
    assert [(f.rule, f.position, f.column, f.value) for f in found] == [
        (MOTHER_OTHER_WAVE, 0, MOTHER_ID, "C1-01"),
        (MOTHER_OTHER_WAVE, 2, MOTHER_ID, "C1-02"),
        (MOTHER_OTHER_WAVE, 6, MOTHER_ID, " c1-01 "),
    ]
    assert (
        found[0].message == "Raw idea R1 of customer C1 is in wave 2, but its mother idea C1-01 is in wave 1."
    )
    assert (
        found[1].message == "Raw idea R3 of customer C1 is in wave 1, but its mother idea C1-02 is in wave 2."
    )
    assert found[0].fix == (
        "Check the Wave of the raw idea and of the idea (blank is the customer's latest wave), or give the "
        "raw idea a mother idea of its own wave."
    )
    # Before wave 2 kicks off a blank Wave is wave 1: R3 and C1-02 agree, R7 and C1-01 too.
    before = mother_other_waves(workshop, ideas, known, D(2026, 9, 1))
    assert [f.position for f in before] == [0]
