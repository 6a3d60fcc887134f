"""The journey's worksheet functions (issue 14) against the core: CVM_ACTION_STATUS, CVM_DAYS_OVERDUE,
CVM_ESCALATED, CVM_WAVE, CVM_QUICK_WIN, CVM_OPEN_GO and CVM_REFRESH_DUE.

The worked examples are the core tests' own (tests/core/test_actions.py, test_waves.py,
test_pipeline.py, test_ranking.py); the column forms equal the single-cell forms row by row; a bad
cell shows Excel-style error text in its own row; blank rows stay blank; a blank as-of is today.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvm_xl.core import actions, pipeline, ranking, waves
from cvm_xl.core.settings import Settings
from cvm_xl.core.verdicts import GO_CODES, VERDICTS
from udfs import cvm_udfs as u
from udfs import xl

D = dt.date
AS_OF = D(2026, 12, 1)
AS_OF_CELL = dt.datetime(2026, 12, 1)  # how xlwings hands over a date cell


def column(values):
    """A column as xlwings hands it to a function declared with ndim=2."""
    return [[v] for v in values]


def flat(result):
    return [row[0] for row in result]


def cell(day):
    """A date as Excel's cell holds it (xlwings gives a datetime); None stays blank."""
    return None if day is None else dt.datetime(day.year, day.month, day.day)


# --- actions ---------------------------------------------------------------------------------------

ACTION_EXAMPLES = [  # tests/core/test_actions.py's worked examples, as cells
    (D(2026, 11, 20), None, "Overdue", 11),
    (D(2026, 11, 30), None, "Overdue", 1),
    (D(2026, 12, 1), None, "Open", ""),  # due today: not yet late
    (D(2027, 1, 15), None, "Open", ""),
    (D(2026, 9, 30), D(2026, 10, 2), "Done", ""),  # done late is done
    (D(2026, 9, 30), D(2026, 12, 1), "Done", ""),  # done on the as-of day
    (D(2026, 9, 30), D(2026, 12, 2), "Overdue", 62),  # done after the as-of day: not yet then
    (D(2026, 9, 30), "x", "Done", ""),  # a customer's tick
    (D(2026, 9, 30), "  ", "Overdue", 62),  # spaces are blank
    (D(2026, 9, 30), True, "Done", ""),
    (None, "x", "Done", ""),
]


@pytest.mark.parametrize(("due", "done", "state", "days"), ACTION_EXAMPLES)
def test_action_worked_examples(due, done, state, days):
    done_cell = cell(done) if isinstance(done, D) else done
    assert u.CVM_ACTION_STATUS(cell(due), done_cell, AS_OF_CELL) == state
    assert u.CVM_DAYS_OVERDUE(cell(due), done_cell, AS_OF_CELL) == days


def test_action_columns_equal_the_cells_and_the_core():
    dues = [cell(d) for d, *_ in ACTION_EXAMPLES]
    dones = [cell(x) if isinstance(x, D) else x for _, x, *_ in ACTION_EXAMPLES]
    assert flat(u.CVM_ACTION_STATUS(column(dues), column(dones), AS_OF_CELL)) == [
        s for *_, s, _ in ACTION_EXAMPLES
    ]
    assert flat(u.CVM_DAYS_OVERDUE(column(dues), column(dones), AS_OF_CELL)) == [
        d for *_, d in ACTION_EXAMPLES
    ]
    expected = [actions.action_status(d, x, AS_OF) for d, x, *_ in ACTION_EXAMPLES]
    assert flat(u.CVM_ACTION_STATUS(column(dues), column(dones), AS_OF_CELL)) == expected


def test_a_done_date_serial_number_or_iso_text_is_a_date_like_the_masters_done_column():
    # 2026-12-02 as Excel's serial number and as text: after the as-of day, so not done yet then
    assert u.CVM_ACTION_STATUS(D(2026, 9, 30), 46358, AS_OF_CELL) == "Overdue"
    assert u.CVM_ACTION_STATUS(D(2026, 9, 30), "2026-12-02", AS_OF_CELL) == "Overdue"
    assert u.CVM_ACTION_STATUS(D(2026, 9, 30), "2026-11-02", "2026-12-01") == "Done"
    assert u.CVM_DAYS_OVERDUE("2026-11-20", None, 46357) == 11  # 46357 = 2026-12-01


ESCALATION_EXAMPLES = [  # tests/core/test_actions.py
    (D(2026, 11, 27), "Implementing", True),
    (D(2026, 11, 27), " signed  OFF ", True),  # every spelling of a status is read
    (D(2026, 11, 27), None, True),  # no status: not delivered
    (D(2026, 11, 27), "Proposed", True),
    (D(2026, 11, 27), "Delivered", False),
    (D(2026, 11, 27), "dropped", False),  # Dropped ideas are never escalated
    (D(2026, 12, 1), "Implementing", False),  # ends today: not past its End yet
    (None, "Implementing", False),
]


@pytest.mark.parametrize(("end", "status", "escalated"), ESCALATION_EXAMPLES)
def test_escalated_worked_examples(end, status, escalated):
    assert u.CVM_ESCALATED(cell(end), status, AS_OF_CELL) is escalated


def test_escalated_column_and_blank_rows():
    ends = [cell(e) for e, *_ in ESCALATION_EXAMPLES] + [None]
    statuses = [s for _, s, _ in ESCALATION_EXAMPLES] + [None]
    assert flat(u.CVM_ESCALATED(column(ends), column(statuses), AS_OF_CELL)) == [
        *(e for *_, e in ESCALATION_EXAMPLES),
        "",
    ]


def test_a_misspelt_status_is_an_error_not_an_open_idea():
    got = u.CVM_ESCALATED(D(2026, 11, 27), "Deliverd", AS_OF_CELL)
    assert got.startswith("#VALUE! 'Deliverd' is not one of") and "Did you mean 'Delivered'?" in got


# --- waves -----------------------------------------------------------------------------------------

KICK_OFFS = [D(2026, 1, 12), D(2026, 10, 5), D(2027, 4, 5)]  # tests/core/test_waves.py's WAVES
CORE_WAVES = tuple(waves.Wave(n, k) for n, k in enumerate(KICK_OFFS, start=1))


@pytest.mark.parametrize(
    ("as_of", "latest"),
    [(D(2026, 12, 1), 2), (D(2026, 10, 5), 2), (D(2026, 10, 4), 1), (D(2027, 4, 5), 3), (D(2025, 12, 31), 3)],
)
def test_the_wave_of_a_blank_wave_is_the_latest_kicked_off(as_of, latest):
    assert u.CVM_WAVE(None, column([cell(k) for k in KICK_OFFS]), cell(as_of)) == latest
    assert u.CVM_WAVE(None, [[cell(k) for k in KICK_OFFS]], cell(as_of)) == latest  # a row works too


def test_a_typed_wave_is_kept_and_no_kick_offs_give_blank():
    kick_offs = column([cell(k) for k in KICK_OFFS])
    assert u.CVM_WAVE(1.0, kick_offs, AS_OF_CELL) == 1
    assert u.CVM_WAVE("7", kick_offs, AS_OF_CELL) == 7  # unknown: the master's validation reports it
    assert u.CVM_WAVE(None, None, AS_OF_CELL) == ""
    assert u.CVM_WAVE(None, column([None, None]), AS_OF_CELL) == ""


def test_a_blank_kick_off_is_a_wave_not_planned_yet():
    # wave 2 not planned: wave 3's kick-off is read as wave 3, and before it wave 1 is the latest
    kick_offs = column([cell(D(2026, 1, 12)), None, cell(D(2026, 11, 2))])
    assert u.CVM_WAVE(None, kick_offs, AS_OF_CELL) == 3
    assert u.CVM_WAVE(None, kick_offs, cell(D(2026, 11, 1))) == 1


def test_wave_errors():
    kick_offs = column([cell(k) for k in KICK_OFFS])
    got = u.CVM_WAVE(column([None, "two", 0, 2.5]), kick_offs, AS_OF_CELL)
    assert got[0] == [2]
    assert all(row[0].startswith("#VALUE! ") and "is not a wave" in row[0] for row in got[1:])
    bad = u.CVM_WAVE(None, column([cell(KICK_OFFS[0]), "soon"]), AS_OF_CELL)
    assert bad.startswith("#VALUE! Wave 2 of kick_offs: 'soon' is not a date.")
    assert u.CVM_WAVE(column([1, 2]), column([cell(KICK_OFFS[0]), "#N/A"]), AS_OF_CELL) == "#N/A"


# --- quick wins and open Go ideas ------------------------------------------------------------------

QUICK_WIN_EXAMPLES = [  # tests/core/test_ranking.py's quick-win rows
    ("GO", "Hygiene", 5, True),
    ("GO_GOOD_FAITH", "Hygiene", 4, True),
    ("GO", "Hygiene", 3, False),
    ("GO", "Operational", 5, False),
    ("SHELVE", "Hygiene", 5, False),
    ("GO", None, 5, False),
    ("GO", "Hygiene", None, False),  # not rated
]


@pytest.mark.parametrize(("code", "category", "feasibility", "quick"), QUICK_WIN_EXAMPLES)
def test_quick_win_worked_examples(code, category, feasibility, quick):
    assert u.CVM_QUICK_WIN(code, feasibility, category) is quick
    assert ranking.is_quick_win(code, feasibility, category) is quick


def test_a_verdict_label_reads_as_its_code_and_spellings_are_read():
    labels = {v.code: v.label for v in VERDICTS}
    assert u.CVM_QUICK_WIN(labels["GO_PRIORITY"], "4", " hygiene ") is True
    assert u.CVM_QUICK_WIN("go", 4.0, "HYGIENE") is True
    assert u.CVM_OPEN_GO(labels["GO"], "evaluated", None, AS_OF_CELL) is True


def test_quick_win_errors_and_blanks():
    assert (
        u.CVM_QUICK_WIN("GO", 6, "Hygiene")
        == "#VALUE! 6 is not a Feasibility: write a whole number from 1 to 5"
    )
    assert u.CVM_QUICK_WIN("GO", 4, "Hygeine").startswith("#VALUE! 'Hygeine' is not one of Hygiene")
    assert u.CVM_QUICK_WIN("Maybe", 4, "Hygiene").startswith("#VALUE! 'Maybe' is not one of GO_GOOD_FAITH")
    got = u.CVM_QUICK_WIN(
        column(["GO", None, "#DIV/0!"]), column([5, None, 5]), column(["Hygiene", None, None])
    )
    assert got == [[True], [""], ["#DIV/0!"]]


OPEN_GO_EXAMPLES = [  # tests/core/test_pipeline.py
    ("GO_PRIORITY", "Evaluated", None, True),
    ("GO", "Proposed", None, True),
    ("GO_GOOD_FAITH", "Selected", None, True),
    ("GO", None, None, True),  # no Status yet: still open
    ("GO", " signed OFF", None, False),
    ("GO", "Implementing", None, False),
    ("GO", "Delivered", None, False),
    ("GO", "Dropped", None, False),
    ("NO_GO", "Evaluated", None, False),
    ("POSTPONE_SMALL", "Evaluated", None, False),
    ("SHELVE", "Evaluated", None, False),
    ("GO", "Evaluated", D(2026, 11, 16), False),  # copied by a competitor
    ("GO", "Evaluated", AS_OF, False),
    ("GO", "Evaluated", D(2026, 12, 2), True),  # copied after the as-of date: open on that day
]


@pytest.mark.parametrize(("code", "status", "emulated", "open_"), OPEN_GO_EXAMPLES)
def test_open_go_worked_examples(code, status, emulated, open_):
    assert u.CVM_OPEN_GO(code, status, cell(emulated), AS_OF_CELL) is open_


def test_open_go_column_counts_like_the_pipeline():
    codes, statuses, emulated, expected = (list(x) for x in zip(*OPEN_GO_EXAMPLES, strict=True))
    got = flat(
        u.CVM_OPEN_GO(column(codes), column(statuses), column([cell(e) for e in emulated]), AS_OF_CELL)
    )
    assert got == expected
    assert sum(got) == sum(pipeline.is_open_go(c, s, e, AS_OF) for c, s, e, _ in OPEN_GO_EXAMPLES)
    assert u.CVM_OPEN_GO(None, None, None, AS_OF_CELL) == ""
    assert u.CVM_OPEN_GO("GO", "Evaluated", "copied", AS_OF_CELL).startswith(
        "#VALUE! 'copied' is not a date."
    )


# --- the refresh pipeline --------------------------------------------------------------------------


def test_refresh_due_worked_examples():
    """tests/core/test_pipeline.py's refresh reasons, with the SPEC defaults (6 months, 3 ideas)."""
    assert u.CVM_REFRESH_DUE(cell(D(2026, 3, 2)), 0, AS_OF_CELL, "reasons") == (
        "last kick-off 2026-03-02, more than 6 months ago; 0 open Go ideas (fewer than 3)"
    )
    assert (
        u.CVM_REFRESH_DUE(cell(D(2026, 10, 5)), 1, AS_OF_CELL, "reasons") == "1 open Go idea (fewer than 3)"
    )
    assert u.CVM_REFRESH_DUE(cell(D(2026, 10, 5)), 1, AS_OF_CELL) is True
    assert u.CVM_REFRESH_DUE(cell(D(2026, 10, 5)), 3, AS_OF_CELL) is False
    assert u.CVM_REFRESH_DUE(cell(D(2026, 10, 5)), 3, AS_OF_CELL, "reasons") == ""
    assert u.CVM_REFRESH_DUE(None, 0, AS_OF_CELL) is False  # no wave yet: a selection matter
    assert u.CVM_REFRESH_DUE(None, None, AS_OF_CELL) == ""
    assert u.CVM_REFRESH_DUE(cell(D(2026, 10, 5)), None, AS_OF_CELL) is True  # blank = 0 open Go ideas


def test_refresh_due_reads_its_settings():
    strict = [["Setting", "Value"], ["Refresh after months", 12], ["Minimum open Go ideas", 1]]
    assert u.CVM_REFRESH_DUE(cell(D(2026, 3, 2)), 1, AS_OF_CELL, None, strict) is False
    assert u.CVM_REFRESH_DUE(cell(D(2026, 3, 2)), 1, AS_OF_CELL, None, [["Refresh after months", 6]]) is True

    class Sheet:  # the calling workbook's Settings sheet, read when no settings are given
        name = "Settings"
        used_range = type("R", (), {"options": lambda self, **_: self, "value": strict})()

    Sheet.book = type("B", (), {"sheets": [Sheet]})()
    caller = type("C", (), {"sheet": Sheet})()
    assert u.CVM_REFRESH_DUE(cell(D(2026, 3, 2)), 1, AS_OF_CELL, caller=caller) is False
    assert u.CVM_REFRESH_DUE(cell(D(2026, 3, 2)), 1, AS_OF_CELL) is True  # no caller: the defaults


def test_refresh_due_errors():
    assert u.CVM_REFRESH_DUE(cell(AS_OF), -1, AS_OF_CELL) == (
        "#VALUE! -1 is not a number of ideas: write a whole number, 0 or more"
    )
    assert u.CVM_REFRESH_DUE(cell(AS_OF), 2.5, AS_OF_CELL).startswith("#VALUE! 2.5 is not a number of ideas")
    assert u.CVM_REFRESH_DUE(cell(AS_OF), 1, AS_OF_CELL, "why").startswith("#VALUE! show must be one of")
    bad = u.CVM_REFRESH_DUE(cell(AS_OF), 1, AS_OF_CELL, None, [["Refresh after months", "soon"]])
    assert bad.startswith("#VALUE! Settings:")


# --- column forms equal the single-cell forms (and the core) --------------------------------------

day = st.one_of(st.none(), st.dates(D(2024, 1, 1), D(2028, 12, 31)))
mark = st.one_of(day, st.sampled_from(["x", " ", "done"]))
status = st.sampled_from(
    [None, "Proposed", "evaluated", "Signed off", "Implementing", "Delivered", "Dropped"]
)
code = st.sampled_from([None, *(v.code for v in VERDICTS)])
SETTINGS_VARIANTS = [Settings(), Settings(refresh_after_months=12, minimum_open_go_ideas=1)]


def as_cell(value):
    return cell(value) if isinstance(value, D) else value


def check_column(function, rows, *fixed):
    """The function over whole columns gives, row by row, what it gives for each row's cells."""
    columns = [column([as_cell(r[i]) for r in rows]) for i in range(len(rows[0]))]
    whole = function(*columns, *fixed)
    assert flat(whole) == [function(*(as_cell(x) for x in r), *fixed) for r in rows]
    return flat(whole)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(day, mark, st.dates(D(2024, 1, 1), D(2028, 12, 31))), min_size=2, max_size=10))
def test_action_columns_equal_cells(rows):
    states = check_column(u.CVM_ACTION_STATUS, rows)
    days = check_column(u.CVM_DAYS_OVERDUE, rows)
    for (due, done, as_of), state, late in zip(rows, states, days, strict=True):
        if due is None and (done is None or done == " "):
            continue  # both blank ("  " is blank too): a blank row
        assert state == actions.action_status(due, done, as_of)
        assert late == ("" if (d := actions.days_overdue(due, done, as_of)) is None else d)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(day, status, st.dates(D(2024, 1, 1), D(2028, 12, 31))), min_size=2, max_size=10))
def test_escalated_column_equals_cells(rows):
    got = check_column(u.CVM_ESCALATED, rows)
    for (end, s, as_of), escalated in zip(rows, got, strict=True):
        assert escalated == ("" if end is None and s is None else actions.is_escalated_idea(end, s, as_of))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.one_of(st.none(), st.integers(1, 4)), st.dates(D(2025, 6, 1), D(2027, 6, 1))),
             min_size=2, max_size=10),
    st.lists(st.one_of(st.none(), st.dates(D(2025, 1, 1), D(2027, 12, 31))), min_size=0, max_size=4),
)  # fmt: skip
def test_wave_column_equals_cells(rows, kick_offs):
    listed = column([cell(k) for k in kick_offs]) if kick_offs else None
    columns = (column([w for w, _ in rows]), listed, column([cell(a) for _, a in rows]))
    got = flat(u.CVM_WAVE(*columns))
    known = [waves.Wave(n, k) for n, k in enumerate(kick_offs, start=1) if k is not None]
    for (w, as_of), found in zip(rows, got, strict=True):
        assert found == u.CVM_WAVE(w, listed, cell(as_of))
        assert found == ("" if (n := waves.wave_of(w, known, as_of)) is None else n)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(code, st.one_of(st.none(), st.integers(1, 5)),
                          st.sampled_from([None, "Hygiene", "Operational", "Joint study"])),
                min_size=2, max_size=10))  # fmt: skip
def test_quick_win_column_equals_cells(rows):
    got = check_column(u.CVM_QUICK_WIN, rows)
    for (c, f, category), quick in zip(rows, got, strict=True):
        blank = c is None and f is None and category is None
        assert quick == ("" if blank else ranking.is_quick_win(c, f, category))
        assert blank or quick == (c in GO_CODES and f is not None and f >= 4 and category == "Hygiene")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(code, status, day, st.dates(D(2024, 1, 1), D(2028, 12, 31))), min_size=2, max_size=10)
)
def test_open_go_column_equals_cells(rows):
    got = check_column(u.CVM_OPEN_GO, rows)
    for (c, s, e, as_of), open_ in zip(rows, got, strict=True):
        blank = c is None and s is None and e is None
        assert open_ == ("" if blank else pipeline.is_open_go(c, s, e, as_of))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(day, st.one_of(st.none(), st.integers(0, 6)), st.dates(D(2024, 1, 1), D(2028, 1, 1))),
             min_size=2, max_size=10),
    st.sampled_from(SETTINGS_VARIANTS),
)  # fmt: skip
def test_refresh_due_column_equals_cells(rows, s):
    rows_of_settings = [["Refresh after months", s.refresh_after_months],
                        ["Minimum open Go ideas", s.minimum_open_go_ideas]]  # fmt: skip
    due = check_column(u.CVM_REFRESH_DUE, rows, None, rows_of_settings)
    why = check_column(u.CVM_REFRESH_DUE, rows, "reasons", rows_of_settings)
    for (kick_off, n, as_of), d, w in zip(rows, due, why, strict=True):
        if kick_off is None and n is None:
            assert d == w == ""
            continue
        reasons = pipeline.refresh_reasons(kick_off, n or 0, as_of, s)
        assert d == bool(reasons) and w == "; ".join(reasons)


# --- blanks, today and errors ----------------------------------------------------------------------


def test_a_blank_as_of_is_today():
    today = dt.date.today()
    three_days_ago = cell(today - dt.timedelta(days=3))
    assert u.CVM_ACTION_STATUS(three_days_ago, None) == "Overdue"
    assert u.CVM_DAYS_OVERDUE(three_days_ago, None) == 3
    assert u.CVM_DAYS_OVERDUE(cell(today), None) == ""  # due today: not late yet
    assert u.CVM_ESCALATED(three_days_ago, "Implementing") is True
    assert u.CVM_OPEN_GO("GO", "Evaluated", cell(today)) is False  # copied today
    assert u.CVM_WAVE(None, column([three_days_ago, cell(today + dt.timedelta(days=1))])) == 1
    assert u.CVM_REFRESH_DUE(three_days_ago, 3) is False


def test_errors_in_a_row_stay_in_that_row():
    got = u.CVM_ACTION_STATUS(column([cell(D(2026, 11, 20)), "#N/A", "tomorrow"]), None, AS_OF_CELL)
    assert got[0] == ["Overdue"] and got[1] == ["#N/A"]
    assert got[2][0] == (
        "#VALUE! 'tomorrow' is not a date. Enter a real date (e.g. pick it in Excel) or type it as "
        "2025-03-31, or leave the cell blank."
    )
    got = u.CVM_DAYS_OVERDUE(column([cell(D(2026, 11, 20))] * 2), None, column([AS_OF_CELL, "#REF!"]))
    assert got == [[11], ["#REF!"]]
    assert u.CVM_ESCALATED(column([None, None]), column(["Implementing"] * 3)).startswith(
        "#VALUE! The ranges have different numbers of rows"
    )


def test_the_help_says_blank_as_of_is_today():
    for function in (u.CVM_ACTION_STATUS, u.CVM_DAYS_OVERDUE, u.CVM_ESCALATED, u.CVM_WAVE, u.CVM_OPEN_GO,
                     u.CVM_REFRESH_DUE):  # fmt: skip
        info = function.__xlfunc__
        (as_of,) = [a for a in info["args"] if a["name"] == "as_of"]
        assert "Blank = today, as TODAY() gives" in as_of["doc"], info["name"]


# VBA's reserved words: xlwings names the VBA wrapper's arguments after the Python ones, and a wrapper
# with an argument named like one of these does not compile (then no CVM function works at all).
VBA_KEYWORDS = frozenset((
    "and", "as", "boolean", "byref", "byte", "byval", "call", "case", "const", "currency", "date",
    "decimal", "declare", "dim", "do", "double", "each", "else", "elseif", "empty", "end", "endif", "enum",
    "eqv", "erase", "event", "exit", "false", "for", "friend", "function", "get", "global", "gosub",
    "goto", "if", "imp", "implements", "in", "integer", "is", "let", "like", "long", "longlong", "longptr",
    "loop", "lset", "me", "mod", "new", "next", "not", "nothing", "null", "object", "on", "option",
    "optional", "or", "paramarray", "preserve", "private", "public", "raiseevent", "redim", "rem",
    "resume", "return", "rset", "select", "set", "single", "static", "step", "stop", "string", "sub",
    "then", "to", "true", "type", "typeof", "until", "variant", "wend", "while", "with", "withevents",
    "xor",
))  # fmt: skip


def test_no_argument_is_named_like_a_vba_keyword():
    for function in xl.udf_functions(u):
        info = xl.udf_info(function)
        for argument in info["args"]:
            assert argument["name"].lower() not in VBA_KEYWORDS, (info["name"], argument["name"])
