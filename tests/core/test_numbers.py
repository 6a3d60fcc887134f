"""Numbers as people type them (SPEC §4, issue 13): the one parser ``core.cells.parse_number``, its
Number format setting, the bounds a cell's number must keep, and the dates a cell may hold.

The property tests render random numbers in every accepted way and check that the scalar parser and
the vectorised column parser agree exactly, and that ``auto`` never reads a number other than the
one meant: it reads it, or says it can be read two ways.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvm_xl.core.cells import (
    AUTO,
    COMMA,
    FIRST_DATE,
    LAST_DATE,
    MAX_MAGNITUDE,
    NUMBER_FORMAT_CHOICES,
    NUMBER_FORMATS,
    POINT,
    SPACE_COMMA,
    CellIssue,
    NumberIssue,
    date,
    date_cell,
    decide_number_format,
    number_cell,
    number_column,
    number_style,
    parse_number,
    parse_number_format,
)
from cvm_xl.core.problems import Code
from cvm_xl.core.settings import Settings, SettingsError


def issue_of(value: object, number_format: str = AUTO) -> CellIssue:
    with pytest.raises(CellIssue) as caught:
        number_cell(value, number_format)
    return caught.value


# --- the forms people type ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12500", 12500.0), ("12.5", 12.5), (" -2500 ", -2500.0), ("+4", 4.0), ("\u22123", -3.0),
        ("12.5%", 0.125), ("12.5 %", 0.125), ("50%", 0.5), ("0.25", 0.25), ("0,25", 0.25), (".5", 0.5),
        ("1e5", 100000.0), ("1.5E3", 1500.0),
        ("1,250,000", 1250000.0), ("1,234.5", 1234.5), ("8.400,00", 8400.0), ("1.234.567", 1234567.0),
        ("1,5", 1.5), ("12,5%", 0.125), ("0,125", 0.125),
        ("1 234", 1234.0), ("1\u00a0234,56", 1234.56), ("1\u202f234\u202f567.5", 1234567.5),
        ("€ 1 250", 1250.0), ("€1,250.00", 1250.0), ("1.250,00 €", 1250.0), ("$5", 5.0), ("£ 7.5", 7.5),
        ("EUR 1.200,00", 1200.0), ("1200 USD", 1200.0), ("chf 40", 40.0), ("US$5", 5.0),
        ("-€5", -5.0), ("€-5", -5.0), ("(1,234.50)", -1234.5), ("(€ 8.400,00)", -8400.0), ("(5)", -5.0),
    ],
)  # fmt: skip
def test_numbers_typed_as_text_read_under_auto(typed, expected):
    assert parse_number(typed) == expected
    assert number_cell(typed) == expected


@pytest.mark.parametrize(
    ("typed", "number_format", "expected"),
    [
        ("(5,000)", "1,234.56", -5000.0), ("12,500", "1,234.56", 12500.0), ("1.234", "1,234.56", 1.234),
        ("12,500", "1.234,56", 12.5), ("1.234", "1.234,56", 1234.0), ("(5.000)", "1.234,56", -5000.0),
        ("1 234,5", "1 234,56", 1234.5), ("12,500", "1 234,56", 12.5), ("1 234", "1 234,56", 1234.0),
        ("€ 12 500", "1,234.56", 12500.0), ("12500", "1.234,56", 12500.0), ("7", "1 234,56", 7.0),
    ],
)  # fmt: skip
def test_the_number_format_decides_the_marks(typed, number_format, expected):
    assert parse_number(typed, number_format) == expected


@pytest.mark.parametrize("typed", ["12,500", "(5,000)", "1.234", "€ 100.000", "-2,500"])
def test_a_value_read_two_ways_under_auto_is_an_error_never_a_guess(typed):
    issue = issue_of(typed)
    assert issue.code == Code.CELL_AMBIGUOUS_NUMBER
    assert "can be read as" in issue.message and "Number format" in issue.fix
    with pytest.raises(NumberIssue):
        parse_number(typed)


def test_the_ambiguous_message_names_both_readings_and_the_setting_for_each():
    issue = issue_of("12,500")
    assert issue.message == (
        "'12,500' can be read as 12500 (as 1,234.56 writes it) or 12.5 (as 1.234,56 writes it), and the "
        "Number format (auto) does not say which is meant."
    )
    assert issue.fix == (
        "Set the Number format on the Settings sheet to 1,234.56 (for 12500) or 1.234,56 (for 12.5), or "
        "type the number without a thousands separator."
    )


@pytest.mark.parametrize(
    ("typed", "number_format"),
    [("1,5", "1,234.56"), ("8.400,00", "1,234.56"), ("1,234.5", "1.234,56"), ("1.234", "1 234,56")],
)
def test_text_in_another_format_than_the_setting_says_so(typed, number_format):
    issue = issue_of(typed, number_format)
    assert issue.code == Code.CELL_NOT_A_NUMBER
    assert (
        issue.message == f"'{typed}' is not a number the way the Number format {number_format} writes them."
    )
    assert "Settings sheet" in issue.fix


@pytest.mark.parametrize(
    "typed",
    ["abc", "12 kEUR", "inf", "nan", "12 34", "1,2,3", "(-5)", "--5", "5%€", "€5$", "(5", "1_000",
     "\u0661\u0662", "1.234 567", "0,125,000", "12e", "e5", ".", "%", "€", "1.234,5e3"],
)  # fmt: skip
def test_what_is_no_number(typed):
    issue = issue_of(typed)
    assert (issue.code, issue.message) == (Code.CELL_NOT_A_NUMBER, f"'{typed}' is not a number.")
    with pytest.raises(ValueError, match="is not a number"):
        parse_number(typed)


def test_every_currency_symbol_of_unicode_is_taken():
    symbols = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Sc"]
    assert len(symbols) > 50
    for symbol in symbols:
        assert parse_number(f"{symbol}1,234.5") == 1234.5, ascii(symbol)
        assert parse_number(f"1.234,5 {symbol}") == 1234.5, ascii(symbol)


# --- bounds -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (1e308, Code.CELL_TOO_LARGE), (-1e16, Code.CELL_TOO_LARGE), ("1e308", Code.CELL_TOO_LARGE),
        ("1e999", Code.CELL_TOO_LARGE), ("2,000,000,000,000,000", Code.CELL_TOO_LARGE),
        (math.inf, Code.CELL_NOT_FINITE), (-math.inf, Code.CELL_NOT_FINITE),
    ],
)  # fmt: skip
def test_absurd_or_infinite_numbers_in_a_cell_are_errors(value, code):
    issue = issue_of(value)
    assert issue.code == code and issue.fix


def test_the_largest_number_a_cell_takes():
    assert number_cell(MAX_MAGNITUDE) == MAX_MAGNITUDE == number_cell("1,000,000,000,000,000")
    assert issue_of(1e308).message == (
        "1e+308 is larger than 1,000,000,000,000,000 in size: no amount is, so it is a typing or "
        "export error."
    )


def test_numbers_computed_upstream_pass_the_plain_parser_as_they_are():
    # Only a cell of a table is held to the bounds: an infinity computed by a caller stays one.
    assert parse_number(math.inf) == math.inf
    assert math.isnan(parse_number(math.nan))
    assert list(number_column(pd.Series([1e308, math.inf]), 2)) == [1e308, math.inf]


def test_the_short_form_worksheet_functions_show_is_kept():
    with pytest.raises(ValueError) as caught:
        parse_number("abc")
    assert str(caught.value) == "'abc' is not a number"
    assert not hasattr(caught.value, "fix")


# --- the Number format setting ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("auto", AUTO), (" AUTO ", AUTO), ("1,234.56", "1,234.56"), ("1.234,56", "1.234,56"),
        ("1 234,56", "1 234,56"), ("1\u00a0234,56", "1 234,56"), ("decimal comma", "1.234,56"),
        ("Decimal  Point", "1,234.56"), (None, None), ("", None),
    ],
)  # fmt: skip
def test_the_number_format_setting_in_the_spellings_users_type(typed, expected):
    assert parse_number_format(typed) == expected


def test_a_number_format_excel_turned_into_a_number_says_so():
    with pytest.raises(CellIssue) as caught:
        parse_number_format(1234.56)
    assert "is a number, not a Number format" in caught.value.message
    assert "apostrophe" in caught.value.fix


def test_the_setting_accepts_its_choices_only():
    assert Settings().number_format == AUTO
    assert NUMBER_FORMAT_CHOICES == ("auto", "1,234.56", "1.234,56", "1 234,56")
    for choice in NUMBER_FORMAT_CHOICES:
        assert Settings(number_format=choice).number_format == choice
    with pytest.raises(SettingsError) as caught:
        Settings(number_format="1'234.56")
    assert caught.value.setting == "Number format"


@pytest.mark.parametrize(
    ("values", "decided"),
    [
        (["12,500", "8.400,00"], "1.234,56"),  # the table shows a decimal comma
        (["12,500", "1,250,000"], "1,234.56"),
        (["12,500", "0.5"], "1,234.56"),
        (["12,500", "1,5"], "1.234,56"),
        (["12,500", "1 234"], AUTO),  # nothing decides
        (["8.400,00", "1,234.5"], AUTO),  # the table disagrees with itself
        ([12.5, None, "", "12,500"], AUTO),
    ],
)
def test_auto_decides_from_the_tables_own_numbers(values, decided):
    assert decide_number_format(values) == decided
    assert decide_number_format(values, "1 234,56") == "1 234,56"  # an explicit setting is kept


def test_the_style_of_one_value():
    assert [number_style(v) for v in ("8.400,00", "1,5", "1,234.5", "0.25", "12", "1 234", "12,500")] == [
        "1.234,56", "1.234,56", "1,234.56", "1,234.56", None, None, None,
    ]  # fmt: skip
    assert number_style(12.5) is None and number_style("abc,d") is None


# --- every accepted rendering, scalar and vectorised alike --------------------------------------------

CURRENCIES = ("", "€", "$", "£", "EUR ", "US$", " USD", " €")


@st.composite
def rendered(draw: st.DrawFn) -> tuple[str, str, float]:
    """(text, its Number format, the number it means): a random number written as people do."""
    number_format = draw(st.sampled_from(list(NUMBER_FORMATS.values())))
    whole = draw(st.integers(0, 10**12))
    decimals = draw(st.text("0123456789", max_size=4))
    negative = draw(st.booleans())
    percent = draw(st.booleans())
    group = draw(st.sampled_from([None, " ", "\u00a0", "\u202f", *number_format.groups]))
    digits = str(whole)
    if group is not None:
        heads = [digits[max(i - 3, 0) : i] for i in range(len(digits), 0, -3)][::-1]
        digits = group.join(heads)
    text = digits + (number_format.decimal + decimals if decimals else "")
    meant = float(f"{whole}.{decimals or '0'}") / (100 if percent else 1)
    if percent:
        text += draw(st.sampled_from(["%", " %"]))
    else:
        currency = draw(st.sampled_from(CURRENCIES))
        text = currency + text if currency and not currency.startswith(" ") else text + currency
    if negative:
        meant = -meant
        text = draw(st.sampled_from(["-{}", "({})", "\u2212{}", "( {} )"])).format(text)
    return text, number_format.label, meant


@settings(max_examples=400, deadline=None)
@given(st.lists(rendered(), min_size=1, max_size=8))
def test_every_rendering_reads_the_same_scalar_and_vectorised(values):
    """With its Number format, every rendering reads as the number meant, by the scalar parser and
    the column parser alike. With auto, it reads as the number meant or raises: never another one."""
    for text, number_format, meant in values:
        assert parse_number(text, number_format) == meant, text
        assert number_cell(text, number_format) == meant, text
        try:
            read = parse_number(text)
        except NumberIssue as failed:
            assert failed.issue.code == Code.CELL_AMBIGUOUS_NUMBER, text
            with pytest.raises(NumberIssue):
                number_column(pd.Series([text], dtype=object), 1)
        else:
            assert read == meant, text
            assert number_column(pd.Series([text, None], dtype=object), 2)[0] == meant
    for label in NUMBER_FORMATS:
        own = [text for text, number_format, _ in values if number_format == label]
        column = number_column(pd.Series([*own, None, *own], dtype=object), 2 * len(own) + 1, label)
        scalar = [parse_number(text, label) for text in own]
        assert np.array_equal(column, np.array([*scalar, math.nan, *scalar]), equal_nan=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(rendered(), min_size=1, max_size=8))
def test_a_decided_format_reads_every_value_of_the_table_as_meant(values):
    """``auto`` decided from a table of one format's renderings never misreads any of them."""
    for label in NUMBER_FORMATS:
        own = [(text, meant) for text, number_format, meant in values if number_format == label]
        decided = decide_number_format(text for text, _ in own)
        for text, meant in own:
            try:
                assert parse_number(text, decided) == meant, (text, decided)
            except NumberIssue as failed:
                assert decided == AUTO and failed.issue.code == Code.CELL_AMBIGUOUS_NUMBER


def test_the_formats_declared_once():
    assert (POINT.decimal, COMMA.decimal, SPACE_COMMA.decimal) == (".", ",", ",")
    assert list(NUMBER_FORMATS) == list(NUMBER_FORMAT_CHOICES[1:])


# --- dates --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [dt.date(9999, 12, 31), dt.datetime(9999, 12, 31), "9999-12-31", dt.date(1899, 12, 31),
     dt.date(1949, 12, 31), "1900-01-01", dt.date(2150, 1, 1), np.datetime64("9999-12-31")],
)  # fmt: skip
def test_a_date_outside_the_range_is_an_error_that_says_the_range(value):
    with pytest.raises(CellIssue) as caught:
        date(value)
    issue = caught.value
    assert issue.code == Code.CELL_DATE_OUT_OF_RANGE
    assert "1950-01-01 to 2149-12-31" in issue.message and "from 1950-01-01 to 2149-12-31" in issue.fix


def test_the_range_is_inclusive_and_year_months_keep_it():
    assert date_cell(FIRST_DATE) == FIRST_DATE and date_cell(LAST_DATE) == LAST_DATE
    assert date_cell("2149-12", year_month=True) == dt.date(2149, 12, 1)
    with pytest.raises(CellIssue) as caught:
        date_cell("2150-01", year_month=True)
    assert caught.value.code == Code.CELL_DATE_OUT_OF_RANGE
