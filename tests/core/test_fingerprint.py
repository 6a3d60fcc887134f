"""Sign-off fingerprint (SPEC §3.8): values, not formatting; any signed field or setting changes it."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvm_xl.core import columns as col
from cvm_xl.core.fingerprint import (
    FINGERPRINT_FIELDS,
    FINGERPRINT_SETTINGS,
    SIGNED_WAVE,
    canonical_sign_off,
    fingerprint,
)
from cvm_xl.core.settings import Settings, SettingsError

SETTINGS = Settings(supplier="Northwind Steel", horizon_years=2.5, discount_rate=0.08)
IDEAS = [
    {
        col.IDEA_ID: "A-1",
        col.TITLE: "Wider coils",
        col.OWNER_FIRM: "Joint",
        col.OWNER: "Hana Ito",
        col.START: dt.date(2026, 3, 2),
        col.END: dt.date(2026, 9, 30),
        col.SUPPLIER_VALUE: 109390.8347,
        col.CUSTOMER_VALUE: -40000.0,
        col.TRANSFER: 74695.41735,
        col.SPLIT_METHOD: "equal",
    },
    {
        col.IDEA_ID: "A-2",
        col.TITLE: "Certificates by e-mail",
        col.OWNER_FIRM: "Supplier",
        col.OWNER: "Elena Marquez",
        col.START: dt.date(2026, 3, 2),
        col.END: dt.date(2026, 4, 17),
        col.SUPPLIER_VALUE: None,
        col.CUSTOMER_VALUE: float("nan"),
        col.TRANSFER: 0.0,
        col.SPLIT_METHOD: "none",
    },
]


def test_format_is_16_hex_characters_in_groups_of_four():
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){3}", fingerprint(IDEAS, SETTINGS))


def test_known_value_guards_the_canonical_form():
    # Books already signed carry fingerprints: the canonical form must never drift silently.
    assert fingerprint(IDEAS, SETTINGS) == fingerprint(pd.DataFrame(IDEAS), SETTINGS)
    assert fingerprint([], Settings()) == fingerprint([], Settings())
    text = canonical_sign_off(IDEAS, SETTINGS)
    assert '"109390.83","-40000.00","74695.42","equal"' in text
    assert (
        '["A-2","Certificates by e-mail","Supplier","Elena Marquez","2026-03-02","2026-04-17",'
        '"","","0.00","none"]' in text
    )


def test_reformatting_and_reading_back_do_not_change_it():
    reread = [
        {
            **IDEAS[1],
            col.START: "2026-03-02",
            col.END: dt.datetime(2026, 4, 17, 0, 0),
            col.TITLE: " Certificates by e-mail ",
        },
        {
            **IDEAS[0],
            col.SUPPLIER_VALUE: 109390.83470000001,
            col.CUSTOMER_VALUE: -40000,
            col.TRANSFER: 74695.4173,
            col.SPLIT_METHOD: "Equal",
            col.START: pd.Timestamp("2026-03-02"),
        },
    ]
    assert fingerprint(reread, SETTINGS) == fingerprint(IDEAS, SETTINGS)


CHANGES = {
    col.IDEA_ID: "A-9",
    col.TITLE: "Wider coils!",
    col.OWNER_FIRM: "Customer",
    col.OWNER: "Someone Else",
    col.START: dt.date(2026, 3, 3),
    col.END: dt.date(2026, 10, 1),
    col.SUPPLIER_VALUE: 109390.85,
    col.CUSTOMER_VALUE: -39999.99,
    col.TRANSFER: 74695.0,
    col.SPLIT_METHOD: "retain",
}


@pytest.mark.parametrize("field", FINGERPRINT_FIELDS)
def test_any_single_field_change_changes_it(field):
    assert set(CHANGES) == set(FINGERPRINT_FIELDS)
    changed = [{**IDEAS[0], field: CHANGES[field]}, IDEAS[1]]
    assert fingerprint(changed, SETTINGS) != fingerprint(IDEAS, SETTINGS)


@pytest.mark.parametrize(
    "change",
    [
        {"horizon_years": 3.0},
        {"discount_rate": 0.0},
        {"indifference_threshold": 1.0},
        {"supplier": "Other"},
        {"max_one_sided_loss": 1000.0},
        {"target_supplier_share": 0.6},
        {"significance_threshold": 5.0},
    ],
)
def test_a_settings_change_changes_it(change):
    assert fingerprint(IDEAS, SETTINGS.replace(**change)) != fingerprint(IDEAS, SETTINGS)


def test_settings_that_do_not_produce_the_figures_are_left_out():
    from dataclasses import fields

    signed = set(FINGERPRINT_SETTINGS)
    for f in fields(Settings):
        if f.name not in signed and isinstance(f.default, int | float) and not isinstance(f.default, bool):
            # Another valid value: one more, or half of it for a setting bounded to 0..1 (a share).
            for value in (f.default + 1, f.default / 2):
                try:
                    other = SETTINGS.replace(**{f.name: value})
                except SettingsError:
                    continue
                assert fingerprint(IDEAS, other) == fingerprint(IDEAS, SETTINGS), f.name
                break
            else:
                pytest.fail(f"no other valid value of {f.name} to try")


def test_adding_or_removing_an_idea_changes_it():
    assert fingerprint(IDEAS[:1], SETTINGS) != fingerprint(IDEAS, SETTINGS)


@settings(max_examples=200, deadline=None)
@given(
    field=st.sampled_from([col.SUPPLIER_VALUE, col.CUSTOMER_VALUE, col.TRANSFER]),
    value=st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    noise=st.floats(min_value=-1e-7, max_value=1e-7),
)
def test_money_is_compared_to_the_cent(field, value, noise):
    a = [{**IDEAS[0], field: value}]
    cents_apart = [{**IDEAS[0], field: value + 0.011}]
    assert fingerprint(a, SETTINGS) != fingerprint(cents_apart, SETTINGS)
    rounded = round(value, 2)
    if abs(value - rounded) < 0.004:  # far from a half-cent boundary: float noise must not matter
        assert fingerprint([{**IDEAS[0], field: value + noise}], SETTINGS) == fingerprint(a, SETTINGS)


# --- bundles (issue 15) -------------------------------------------------------------------------------

# The fingerprint IDEAS had before bundles existed: a sign-off signed then must still verify.
SIGNED_BEFORE_BUNDLES = "BAC9-6728-EC77-07A4"


@pytest.mark.parametrize("blank", [None, "", "   ", float("nan")])
def test_an_old_fingerprint_still_verifies_with_a_blank_bundle(blank):
    assert fingerprint(IDEAS, SETTINGS) == SIGNED_BEFORE_BUNDLES
    with_column = [{**idea, col.BUNDLE: blank} for idea in IDEAS]
    assert fingerprint(with_column, SETTINGS) == SIGNED_BEFORE_BUNDLES
    assert fingerprint(pd.DataFrame(with_column), SETTINGS) == SIGNED_BEFORE_BUNDLES


def test_moving_an_idea_into_a_bundle_changes_it():
    bundled = [{**IDEAS[0], col.BUNDLE: "B1"}, {**IDEAS[1], col.BUNDLE: "B1"}]
    assert fingerprint(bundled, SETTINGS) != SIGNED_BEFORE_BUNDLES
    one_in = [{**IDEAS[0], col.BUNDLE: "B1"}, IDEAS[1]]
    assert len({fingerprint(one_in, SETTINGS), fingerprint(bundled, SETTINGS), SIGNED_BEFORE_BUNDLES}) == 3
    other = [{**idea, col.BUNDLE: "B2"} for idea in IDEAS]
    assert fingerprint(other, SETTINGS) != fingerprint(bundled, SETTINGS)
    # Members are grouped by the ID trimmed and case ignored: so is the fingerprint.
    spelled = [{**idea, col.BUNDLE: " b1 "} for idea in IDEAS]
    assert fingerprint(spelled, SETTINGS) == fingerprint(bundled, SETTINGS)
    assert fingerprint(pd.DataFrame(bundled), SETTINGS) == fingerprint(bundled, SETTINGS)
    assert canonical_sign_off(bundled, SETTINGS).count('"none","b1"]') == 1


# --- waves (issue 14) ---------------------------------------------------------------------------------


@pytest.mark.parametrize("wave", [None, 1, 1.0, "1", "", float("nan")])
def test_a_first_wave_or_no_wave_keeps_every_fingerprint_signed_before_waves(wave):
    with_wave = [{**idea, SIGNED_WAVE: wave} for idea in IDEAS]
    assert fingerprint(with_wave, SETTINGS) == SIGNED_BEFORE_BUNDLES
    assert fingerprint(pd.DataFrame(with_wave), SETTINGS) == SIGNED_BEFORE_BUNDLES


def test_an_idea_signed_in_a_later_wave_adds_its_wave():
    second = [{**IDEAS[0], SIGNED_WAVE: 2}, IDEAS[1]]
    third = [{**IDEAS[0], SIGNED_WAVE: 3}, IDEAS[1]]
    both = [{**idea, SIGNED_WAVE: 2} for idea in IDEAS]
    found = {fingerprint(x, SETTINGS) for x in (second, third, both)}
    assert len(found | {SIGNED_BEFORE_BUNDLES}) == 4
    assert fingerprint([{**IDEAS[0], SIGNED_WAVE: "2"}, IDEAS[1]], SETTINGS) == fingerprint(second, SETTINGS)
    # A wave keeps the bundle's place: wave 2 outside a bundle is not a bundle named "2".
    bundle_2 = [{**IDEAS[0], col.BUNDLE: "2"}, IDEAS[1]]
    assert fingerprint(bundle_2, SETTINGS) != fingerprint(second, SETTINGS)
    assert canonical_sign_off(second, SETTINGS).count('"equal","","2"]') == 1
    in_bundle = [
        {**IDEAS[0], col.BUNDLE: "B1", SIGNED_WAVE: 2},
        {**IDEAS[1], col.BUNDLE: "B1", SIGNED_WAVE: 2},
    ]
    assert canonical_sign_off(in_bundle, SETTINGS).count('"b1","2"]') == 2
