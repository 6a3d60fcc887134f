"""Random idea rows and settings, each input in a randomly chosen spelling that cvm-xl accepts.

The conformance suite (issue 12, "One reading of every cell") types these into workbooks the way
openpyxl (and a person in Excel) stores them: text as text in any case with spaces around it,
booleans as booleans, numbers as numbers with the cell format a person would give them (60% is the
number 0.6 shown as a percentage). What is accepted comes from the core, never from this file: the
Yes/No spellings from ``core.spellings.YES_NO`` (+ ``YES_NO_QUIET``), the methods from
``core.sharing.METHOD_CHOICES``, the categories, statuses and owner firms from ``core.columns``. Each
value carries a short description of its spelling, so a mismatch report says what was typed.

Everything is drawn from one ``numpy.random.Generator``: the suite prints its seed, and the same seed
gives the same rows (``CVM_CONFORMANCE_SEED`` replays a run).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cvm_xl.core import columns as col
from cvm_xl.core import spellings
from cvm_xl.core.sharing import AUTO, METHOD_CHOICES

Rng = np.random.Generator


@dataclass(frozen=True)
class Typed:
    """One cell as typed: the value openpyxl stores, the cell format (None: keep the sheet's) and
    how it was spelled, for reports ("yes/no text ' y '", "share 60% as text")."""

    value: object
    spelling: str
    number_format: str | None = None


BLANK = Typed(None, "blank")
# Spaces and control characters a person (or a paste) leaves around a word: TRIM and CLEAN in the
# formulas, ``spellings.key`` in Python drop them.
_PADS = ("", "", "", " ", "  ", "\t", "\n")


def _pick(rng: Rng, options: Sequence[Any]) -> Any:
    return options[int(rng.integers(len(options)))]


def _case(rng: Rng, text: str) -> str:
    """The word in a random case: as declared, lower, upper, title, or letter by letter."""
    kind = int(rng.integers(5))
    if kind == 1:
        return text.lower()
    if kind == 2:
        return text.upper()
    if kind == 3:
        return text.title()
    if kind == 4:
        return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in text)
    return text


def spelled(rng: Rng, text: str) -> str:
    """A canonical word in any case with spaces (or a tab, a line break) around it."""
    return _pick(rng, _PADS) + _case(rng, text) + _pick(rng, _PADS)


def yes_no(rng: Rng, meaning: bool) -> Typed:
    """A Yes (True) or No (False) in one of the forms cvm-xl reads: text of any pair of
    ``spellings.YES_NO`` (or the quiet ones) in any case with spaces, a boolean, a whole number."""
    form = int(rng.integers(4))
    if form == 0:
        return Typed(meaning, f"boolean {meaning!s}".upper())
    if form == 1:
        number: int | float = int(meaning) if rng.random() < 0.5 else float(meaning)
        return Typed(number, f"number {number!r}")
    pairs = spellings.YES_NO + spellings.YES_NO_QUIET
    word = _pick(rng, pairs)[0 if meaning else 1]
    text = spelled(rng, word)
    return Typed(text, f"text {text!r}")


def yes_no_or_blank(rng: Rng, p_yes: float, p_blank: float) -> Typed:
    if rng.random() < p_blank:
        return BLANK if rng.random() < 0.8 else Typed(_pick(rng, ("", " ", "  ")), "blank text")
    return yes_no(rng, bool(rng.random() < p_yes))


_MONEY_FORMATS = (None, "#,##0", "#,##0.00", "0")


def _money(value: float, what: str, rng: Rng) -> Typed:
    """An amount as a person in Excel stores it: a number (whole numbers as int, as openpyxl keeps
    a typed 12500), in one of the money formats."""
    number: int | float = int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)
    return Typed(number, f"{what} {number!r}", _pick(rng, _MONEY_FORMATS))


def amount(rng: Rng, one_time: bool) -> Typed:
    """One value cell: blank, zero, small, typical, big; one-time amounts are often negative
    (an investment)."""
    u = rng.random()
    if u < 0.22:
        return BLANK
    if u < 0.30:
        return _money(0.0, "zero", rng)
    if u < 0.40:
        return _money(round(float(rng.uniform(-99.99, 99.99)), 2), "small", rng)
    if u < 0.92:
        size = float(np.exp(rng.uniform(np.log(100.0), np.log(2_000_000.0))))
        whole = rng.random() < 0.7
        value = float(round(size)) if whole else round(size, 2)
        negative = rng.random() < (0.55 if one_time else 0.3)
        return _money(-value if negative else value, "negative" if negative else "amount", rng)
    value = round(float(rng.uniform(1e8, 5e9)), 2)
    return _money(-value if rng.random() < 0.4 else value, "big", rng)


def share(rng: Rng) -> Typed:
    """Supplier share: blank, or a fraction 0..1 as a number (formatted 0% or plain), as the text
    "60%" (which the core reads as 0.6), or 0 / 1."""
    u = rng.random()
    if u < 0.4:
        return BLANK
    w = float(_pick(rng, (0.0, 1.0))) if rng.random() < 0.1 else round(float(rng.uniform(0, 1)), 2)
    form = int(rng.integers(3))
    if form == 0:
        return Typed(w, f"share {w!r} formatted 0%", "0%")
    if form == 1:
        return Typed(w, f"share {w!r}")
    text = f"{w * 100:g}%"
    return Typed(text, f"share {text!r} as text")


def method(rng: Rng) -> Typed:
    """Sharing method: blank, or one of ``METHOD_CHOICES`` (auto included) in any case."""
    if rng.random() < 0.35:
        return BLANK
    choice = str(_pick(rng, METHOD_CHOICES))
    text = spelled(rng, choice)
    return Typed(text, f"method {text!r}" + (" (auto)" if choice == AUTO else ""))


def listed(rng: Rng, choices: Sequence[str], p_blank: float, what: str) -> Typed:
    """A list value (category, status, owner firm) in any case with spaces, or blank."""
    if rng.random() < p_blank:
        return BLANK
    text = spelled(rng, str(_pick(rng, choices)))
    return Typed(text, f"{what} {text!r}")


def date_or_blank(rng: Rng, first: dt.date, days: int, p_blank: float) -> Typed:
    """A date as Excel stores a typed one (a date cell), sometimes as ISO text; or blank."""
    if rng.random() < p_blank:
        return BLANK
    day = first + dt.timedelta(days=int(rng.integers(days)))
    if rng.random() < 0.2:
        return Typed(day.isoformat(), f"date {day.isoformat()!r} as text")
    return Typed(dt.datetime.combine(day, dt.time()), f"date {day}", "yyyy-mm-dd")


# --- settings ---


def random_settings(rng: Rng) -> dict[str, object]:
    """Settings as typed on a workbook's Settings sheet (field name -> value): horizon, discount
    rate (often 0), thresholds tau and sigma (often 0), lambda (often blank), target share."""
    return {
        "horizon_years": float(_pick(rng, (1.0, 2.5, 3.0, 5.0, round(float(rng.uniform(0.5, 10)), 2)))),
        "discount_rate": 0 if rng.random() < 0.4 else round(float(rng.uniform(0.005, 0.15)), 3),
        "indifference_threshold": 0 if rng.random() < 0.35 else float(round(rng.uniform(1, 50_000))),
        "significance_threshold": 0 if rng.random() < 0.35 else float(round(rng.uniform(1, 200_000))),
        "max_one_sided_loss": None if rng.random() < 0.4 else float(round(rng.uniform(0, 500_000))),
        "target_supplier_share": round(float(rng.uniform(0, 1)), 2),
    }


# --- idea rows ---

INPUTS: tuple[str, ...] = (
    col.CATEGORY,
    *col.VALUE_INPUTS,
    col.QUANTIFIED,
    col.GOOD_FAITH,
    col.ONE_OFF,
    col.SHARING_METHOD,
    col.SUPPLIER_SHARE,
    col.OWNER_FIRM,
    col.OWNER,
    col.START,
    col.END,
    col.STATUS,
    col.DESCRIPTION,
    col.OUT_OF_BOUNDS,
)
"""The input columns of SPEC §4 Ideas a row types (ID, customer and title stay as written; a
customer workbook has no Out of bounds column, so it is typed into masters only)."""


def _values(rng: Rng, settings: dict[str, object]) -> dict[str, Typed]:
    """The four value cells: independent draws, or one of the shapes that sit on a rule's edge."""
    shape = rng.random()
    if shape < 0.08:  # all four blank: unquantified
        return dict.fromkeys(col.VALUE_INPUTS, BLANK)
    if shape < 0.12:  # the customer exactly mirrors the supplier: net 0
        sa, so = amount(rng, False), amount(rng, True)
        mirror = {
            k: Typed(-t.value, f"mirror of {t.spelling}") if isinstance(t.value, int | float) else t
            for k, t in ((col.CUSTOMER_ANNUAL, sa), (col.CUSTOMER_ONE_TIME, so))
        }
        return {col.SUPPLIER_ANNUAL: sa, col.SUPPLIER_ONE_TIME: so, **mirror}
    if shape < 0.16:  # a value exactly at +tau or -tau (outcome I), or a loss exactly lambda
        tau = float(settings["indifference_threshold"])  # type: ignore[arg-type]
        lam = settings["max_one_sided_loss"]
        edge = float(_pick(rng, (tau, -tau) + ((-float(lam),) if isinstance(lam, float) else ())))
        other = amount(rng, False)
        return {
            col.SUPPLIER_ANNUAL: BLANK,
            col.SUPPLIER_ONE_TIME: _money(edge, "edge", rng),
            col.CUSTOMER_ANNUAL: other,
            col.CUSTOMER_ONE_TIME: BLANK,
        }
    return {name: amount(rng, "one-time" in name) for name in col.VALUE_INPUTS}


def idea_row(rng: Rng, settings: dict[str, object]) -> dict[str, Typed]:
    """One idea's input cells (column name -> typed cell)."""
    row = _values(rng, settings)
    row[col.QUANTIFIED] = yes_no_or_blank(rng, p_yes=0.75, p_blank=0.35)
    row[col.GOOD_FAITH] = yes_no_or_blank(rng, p_yes=0.5, p_blank=0.4)
    row[col.ONE_OFF] = yes_no_or_blank(rng, p_yes=0.5, p_blank=0.4)
    row[col.SHARING_METHOD] = method(rng)
    row[col.SUPPLIER_SHARE] = share(rng)
    row[col.CATEGORY] = listed(rng, col.CATEGORIES, 0.2, "category")
    row[col.STATUS] = listed(rng, col.STATUSES, 0.15, "status")
    # An idea cannot be signed off (or be implemented, delivered) without an owner firm, an owner, a
    # start and an end (SPEC §3.7): cvm-xl refuses such a master, so such rows have them.
    committed = spellings.name_key(row[col.STATUS].value or "") in {
        spellings.name_key(s) for s in col.PASSBOOK_STATUSES
    }
    p_blank = 0.0 if committed else 0.3
    row[col.OWNER_FIRM] = listed(rng, col.OWNER_FIRMS, p_blank, "owner firm")
    row[col.OWNER] = BLANK if rng.random() < p_blank else Typed(_pick(rng, OWNERS), "owner")
    row[col.START] = date_or_blank(rng, dt.date(2026, 1, 1), 200, p_blank)
    row[col.END] = date_or_blank(rng, dt.date(2026, 8, 1), 300, p_blank)
    row[col.DESCRIPTION] = BLANK if rng.random() < 0.5 else Typed(_pick(rng, DESCRIPTIONS), "description")
    row[col.OUT_OF_BOUNDS] = yes_no_or_blank(rng, p_yes=0.1, p_blank=0.6)  # a master's column only
    return row


def idea_rows(rng: Rng, n: int, settings: dict[str, object]) -> list[dict[str, Typed]]:
    return [idea_row(rng, settings) for _ in range(n)]


def tracking_row(rng: Rng, idea_ids: Sequence[str]) -> dict[str, Typed]:
    """A tracking line a customer types: an idea of the workbook, a month, realised amounts."""
    month = dt.date(2026, int(rng.integers(1, 13)), 1)

    def realised() -> Typed:
        return BLANK if rng.random() < 0.2 else _money(float(round(rng.uniform(-2e4, 8e4))), "realised", rng)

    return {
        col.IDEA_ID: Typed(_pick(rng, idea_ids), "idea ID"),
        "Month": Typed(dt.datetime.combine(month, dt.time()), f"month {month}", "yyyy-mm"),
        "Supplier realised": realised(),
        "Customer realised": realised(),
        "Note": BLANK if rng.random() < 0.6 else Typed("typed by the customer", "note"),
    }


OWNERS = ("Hana Ito", "Owen Price", "Ilse Varga", "Priya Nandakumar")
DESCRIPTIONS = (
    "Both plants share one forecast.",
    "Coil width agreed once a quarter.",
    "Certificates by e-mail; no paper.",
    "Müller & Söhne <pilot> line",
)
