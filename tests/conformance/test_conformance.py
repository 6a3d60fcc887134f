"""Conformance (issue 12, "One reading of every cell"): what a person types anywhere gives, in the
workbook formulas of every engine, the numbers cvm-xl gives.

About 3,000 random idea rows, each input in a randomly chosen spelling cvm-xl accepts
(``typed_cells``), are typed with openpyxl into customer workbooks that ``cvm-xl`` generated and
into live masters that ``write_master`` wrote, together with random Settings, Status edits and new
Tracking lines (``typed_books``). openpyxl saves them without any cached formula result. LibreOffice
(one call for all workbooks) and Gnumeric (``ssconvert --recalc``, one call per workbook)
recalculate them; every computed cell of every checked (target, engine) pair
(``conformance_targets.CHECKED``) must equal what cvm-xl computes reading the same edited file
(``books.read.read_book``: the core's cell parser, ``evaluate_ideas``, ``core.passbook``): money to
the cent, texts exactly. The counts (workbooks, rows, cells, mismatches per target and engine) are
printed at the end of the run.

The rows come from one seed (printed; ``CVM_CONFORMANCE_SEED=N`` replays or varies a run).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from conformance_targets import (
    CHECKED,
    ENGINES,
    GNUMERIC,
    LEFT_OUT,
    LIBREOFFICE,
    REPORT,
    TARGETS,
    Tally,
    applies,
    compare,
    pairs,
)
from gnumeric import Gnumeric, gnumeric  # noqa: F401  (session fixture)
from libreoffice import LibreOffice, libreoffice  # noqa: F401  (session fixture)
from typed_books import IDEAS_SHEETS, TypedBook, typed_customer_books, typed_masters

from cvm_xl.books.read import BookContent, read_book
from cvm_xl.core import columns as col
from cvm_xl.core import spellings
from cvm_xl.core.sharing import METHOD_CHOICES

SEED = int(os.environ.get("CVM_CONFORMANCE_SEED", "20261206"))
# Issue 12 asks for at least 2,000 rows: 2,160 in customer workbooks of the sheets the Ideas need
# (IDEAS_SHEETS), 180 in whole customer workbooks (every live sheet: Passbook, Cover, Sign-off,
# Monthly report; a few seconds each in Gnumeric), 720 in live masters.
BOOKS, FULL_BOOKS, MASTERS = 9, 3, 3
ROWS_PER_BOOK, ROWS_PER_FULL_BOOK, TRACKING_PER_BOOK = 240, 60, 12
MIN_ROWS = 2_000
SHOWN_MISMATCHES = 20


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> list[TypedBook]:
    """Customer workbooks and live masters with random rows typed in (one LibreOffice call and one
    ssconvert per file recalculate them all)."""
    books = tmp_path_factory.mktemp("conformance-books")
    masters = tmp_path_factory.mktemp("conformance-masters")
    full = tmp_path_factory.mktemp("conformance-full-books")
    return [
        *typed_customer_books(books, SEED, BOOKS, ROWS_PER_BOOK, TRACKING_PER_BOOK, IDEAS_SHEETS),
        *typed_customer_books(
            full, SEED, FULL_BOOKS, ROWS_PER_FULL_BOOK, TRACKING_PER_BOOK, first_book=BOOKS
        ),
        *typed_masters(masters, SEED, MASTERS, ROWS_PER_BOOK, TRACKING_PER_BOOK),
    ]


@pytest.fixture(scope="module")
def contents(typed: list[TypedBook]) -> dict[Path, BookContent]:
    """cvm-xl's own reading of each edited workbook (inputs only; figures from the core)."""
    return {book.path: read_book(book.path) for book in typed}


def needed_by(engine: str, typed: list[TypedBook]) -> list[Path]:
    """The workbooks some (target, engine) pair that runs reads: the others are not recalculated
    (each takes a call of its own)."""
    targets = [TARGETS[t] for t, e in pairs() if e == engine]
    return [b.path for b in typed if any(applies(t, b) for t in targets)]


@pytest.fixture(scope="module")
def by_libreoffice(
    typed: list[TypedBook],
    libreoffice: LibreOffice,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[Path, Path]:
    """Each typed workbook a checked target needs, as LibreOffice recalculated it (one soffice call)."""
    needed = needed_by(LIBREOFFICE, typed)
    out = libreoffice.recalculate(needed, tmp_path_factory.mktemp("by-libreoffice"))
    return dict(zip(needed, out, strict=True))


@pytest.fixture(scope="module")
def by_gnumeric(
    typed: list[TypedBook],
    gnumeric: Gnumeric,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[Path, Path]:
    """Each typed workbook a checked target needs, as Gnumeric recalculated it (ssconvert --recalc)."""
    needed = needed_by(GNUMERIC, typed)
    out = gnumeric.recalculate(needed, tmp_path_factory.mktemp("by-gnumeric"))
    return dict(zip(needed, out, strict=True))


ENGINE_FIXTURE = {LIBREOFFICE: "by_libreoffice", GNUMERIC: "by_gnumeric"}


def test_every_engine_has_a_recalculation() -> None:
    assert set(ENGINE_FIXTURE) == set(ENGINES)
    assert {engine for _, engine in CHECKED} == set(ENGINES), "each engine checks at least one target"
    assert not set(CHECKED) & set(LEFT_OUT)


def test_typed_rows_cover_every_accepted_spelling(typed: list[TypedBook]) -> None:
    """The random rows hold every kind of spelling the suite promises, in more than 2,000 rows."""
    rows = [row for book in typed for row in book.rows]
    assert len(rows) >= MIN_ROWS
    seen: Counter[str] = Counter()
    for row in rows:
        for name in (col.QUANTIFIED, col.GOOD_FAITH, col.ONE_OFF):
            typed_cell = row[name]
            value = typed_cell.value
            if isinstance(value, bool):
                seen[f"yes/no boolean {value}"] += 1
            elif isinstance(value, int | float):
                seen[f"yes/no number {value!r}"] += 1
            elif isinstance(value, str) and value.strip():
                seen[f"yes/no text {spellings.key(value)}"] += 1
                if value != value.strip() or value.strip() not in {w for p in spellings.YES_NO for w in p}:
                    seen["yes/no text with spaces or another case"] += 1
        method = row[col.SHARING_METHOD].value
        seen[f"method {spellings.key(method) if method else 'blank'}"] += 1
        share = row[col.SUPPLIER_SHARE]
        seen[f"share {type(share.value).__name__} {share.number_format}"] += 1
        values = [row[name].value for name in col.VALUE_INPUTS]
        if all(v is None for v in values):
            seen["all four values blank"] += 1
        one_time = (row[col.SUPPLIER_ONE_TIME].value, row[col.CUSTOMER_ONE_TIME].value)
        if any(isinstance(v, int | float) and v < 0 for v in one_time):
            seen["negative one-time"] += 1
        if any(isinstance(v, int | float) and abs(v) >= 1e8 for v in values):
            seen["big amount"] += 1
        if any(isinstance(v, int | float) and 0 < abs(v) < 100 for v in values):
            seen["small amount"] += 1
        if any(v == 0 and not isinstance(v, bool) for v in values if v is not None):
            seen["zero amount"] += 1
        if spellings.yes_no(row[col.QUANTIFIED].value) is False:
            seen["Quantified = No"] += 1
        status = row[col.STATUS].value
        if isinstance(status, str) and status != status.strip().title():
            seen["status in another case"] += 1
    settings = [book.settings for book in typed]
    wanted = [
        *(f"yes/no text {spellings.key(w)}" for pair in spellings.YES_NO for w in pair),
        "yes/no boolean True",
        "yes/no boolean False",
        "yes/no number 1",
        "yes/no number 0",
        "yes/no number 1.0",
        "yes/no number 0.0",
        "yes/no text with spaces or another case",
        *(f"method {m}" for m in METHOD_CHOICES),
        "method blank",
        "share float 0%",
        "share float None",
        "share str None",
        "share NoneType None",
        "all four values blank",
        "negative one-time",
        "big amount",
        "small amount",
        "zero amount",
        "status in another case",
        "Quantified = No",
    ]
    missing = [w for w in wanted if not seen[w]]
    assert not missing, f"seed {SEED}: no row typed {missing}"
    assert any(s["discount_rate"] == 0 for s in settings) and any(s["discount_rate"] for s in settings)
    assert any(s["max_one_sided_loss"] is None for s in settings)
    assert any(s["indifference_threshold"] == 0 for s in settings) and any(
        s["significance_threshold"] for s in settings
    )
    assert any(s["max_one_sided_loss"] is not None for s in settings)
    assert sum(len(book.tracking) for book in typed) > 0


def test_cvm_xl_reads_every_typed_workbook(typed: list[TypedBook], contents: dict[Path, BookContent]) -> None:
    """Every spelling typed is one cvm-xl accepts: the reader finds no error and every row."""
    for book in typed:
        content = contents[book.path]
        assert not [p for p in content.problems if p.is_error], book.path.name
        assert len(content.ideas) == len(book.rows), book.path.name
        assert len(content.tracking) == len(book.tracking), book.path.name


@pytest.mark.engine
@pytest.mark.parametrize(("target", "engine"), pairs(), ids=[f"{t}-{e}" for t, e in pairs()])
def test_engine_computes_what_cvm_xl_computes(
    target: str,
    engine: str,
    typed: list[TypedBook],
    contents: dict[Path, BookContent],
    request: pytest.FixtureRequest,
) -> None:
    recalculated: dict[Path, Path] = request.getfixturevalue(ENGINE_FIXTURE[engine])
    tally: Tally = compare(TARGETS[target], engine, typed, contents, recalculated)
    REPORT.append(tally.summary() + f" (seed {SEED})")
    by_column = Counter(m.column for m in tally.mismatches)
    shown = "\n".join(str(m) for m in tally.mismatches[:SHOWN_MISMATCHES])
    assert tally.books and tally.cells, tally.summary()
    if TARGETS[target].every_row:  # no typed row is without its cells
        assert len(tally.rows_shown) == tally.rows, tally.summary()
    assert not tally.mismatches, (
        f"{tally.summary()}, seed {SEED} (CVM_CONFORMANCE_SEED={SEED} replays it)\n"
        f"mismatches by column: {dict(by_column)}\nfirst {SHOWN_MISMATCHES}:\n{shown}"
    )
