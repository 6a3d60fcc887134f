"""The status table of ``core.spellings`` (SPEC §4 Status values, §3.6 which enter the passbook):
every spelling cvm-xl reads names the same status for Python (``status``) and for the workbook
formulas (``compact_key``, the twin of ``EXCEL_COMPACT_KEY``), and the advice's whole amounts."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from cvm_xl.core import columns as col
from cvm_xl.core import spellings
from cvm_xl.core.passbook import in_passbook, whole_amount

SPACE = st.text(alphabet=" \t\n\r", max_size=3)


@st.composite
def spelled(draw: st.DrawFn) -> tuple[str, str]:
    """A status and a way a person (or a program) may have typed it."""
    status = draw(st.sampled_from(spellings.STATUSES))
    words = [
        "".join(ch.upper() if draw(st.booleans()) else ch.lower() for ch in word) for word in status.split()
    ]
    between = [draw(SPACE.filter(lambda s: s != "")) for _ in words[1:]]
    text = words[0] + "".join(gap + word for gap, word in zip(between, words[1:], strict=True))
    return status, draw(SPACE) + text + draw(SPACE)


@given(spelled())
def test_every_spelling_names_its_status_in_python_and_in_the_formulas(case: tuple[str, str]) -> None:
    status, typed = case
    assert spellings.status(typed) == status
    assert spellings.compact_key(typed) == spellings.compact_key(status)
    assert in_passbook(typed) == (status in col.PASSBOOK_STATUSES)


def test_the_compact_keys_tell_the_statuses_apart() -> None:
    keys = [spellings.compact_key(s) for s in spellings.STATUSES]
    assert len(set(keys)) == len(keys)
    assert col.STATUSES is spellings.STATUSES and col.PASSBOOK_STATUSES == spellings.PASSBOOK_STATUSES
    for other in (None, 1.0, True, "", "Signed", "Signed off!", "Dropped off"):
        assert spellings.status(other) is None and not in_passbook(other)


def test_the_formula_tests_the_passbook_statuses_of_the_table() -> None:
    formula = spellings.excel_status_is("C5")
    key = 'SUBSTITUTE(CLEAN(C5&"")," ","")'
    assert formula == f'OR({key}="signedoff",{key}="implementing",{key}="delivered")'
    assert "{" not in formula  # no array constant: Gnumeric misreads one (tests/gnumeric.py)
    flags = spellings.excel_status_flags("S4:S9")
    assert flags.count("=") == len(spellings.PASSBOOK_STATUSES) and "OR(" not in flags


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_whole_amounts_round_half_away_from_zero_with_separators(x: float) -> None:
    expected = Decimal(repr(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    shown = whole_amount(x)
    assert Decimal(shown.replace(",", "")) == expected
    assert whole_amount(380204.4) == "380,204" and whole_amount(2.5) == "3" and whole_amount(-0.4) == "0"
