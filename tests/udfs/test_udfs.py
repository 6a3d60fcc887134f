"""The worksheet functions (udfs.cvm_udfs) against the cvm_xl core: scalars, columns, blanks, errors."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

import cvm_xl
from cvm_xl.core import columns as col
from cvm_xl.core import fingerprint as fp
from cvm_xl.core import passbook, sharing
from cvm_xl.core.portfolio_map import map_grid, portfolio_map
from cvm_xl.core.settings import Settings
from udfs import cvm_udfs as u
from udfs.arrays import settings_from_range

SETTINGS_ROWS = [
    ["Setting", "Value"],
    ["Supplier", "Acme Steel"],
    ["Horizon years", 5],
    ["Discount rate", 0.08],
    ["Indifference threshold", 1000],
    ["Significance threshold", 0],
    ["Max one-sided loss", None],
    ["Target supplier share", 0.6],
]
SETTINGS = Settings(
    supplier="Acme Steel",
    horizon_years=5,
    discount_rate=0.08,
    indifference_threshold=1000,
    target_supplier_share=0.6,
)


def column(values):
    """A column as xlwings hands it to a function declared with ndim=2."""
    return [[v] for v in values]


def flat(result):
    return [row[0] for row in result]


# --- the paper's worked example (SPEC §3.5) ------------------------------------------------------


def test_paper_example_single_cells():
    assert u.CVM_CELL(100000, -60000) == "W-L"
    assert u.CVM_NET(100000, -60000) == 40000
    assert u.CVM_BAND(100000, -60000) == 160000
    assert u.CVM_ZONE(100000, -60000) == [[60000, 100000]]
    assert u.CVM_VERDICT(100000, -60000) == "Go"
    assert u.CVM_VERDICT(100000, -60000, show="code") == "GO"
    assert u.CVM_SPLIT(100000, -60000, "equal") == [["equal", 80000, 20000, 20000]]
    assert u.CVM_TRANSFER(100000, -60000, "equal") == 80000
    assert u.CVM_TRANSFER(100000, -60000) == 0  # auto: W-L keeps what each firm creates
    assert u.CVM_SPLIT(100000, -60000, None, None, "Yes", show="method") == "equal"  # one-off: equal


def test_value_equals_core_for_cells_and_columns():
    annual, one_time = [12000, None, -500.5, 0], [-20000, 5000, None, 0]
    expected = [cvm_xl.value_over_horizon(a, o, 5, 0.08) for a, o in zip(annual, one_time, strict=True)]
    assert flat(u.CVM_VALUE(column(annual), column(one_time), settings=SETTINGS_ROWS)) == expected
    for a, o, e in zip(annual, one_time, expected, strict=True):
        assert u.CVM_VALUE(a, o, 5, 0.08) == e
    assert u.CVM_VALUE(1000, 0) == 3000  # defaults: 3 years, no discounting
    assert u.CVM_VALUE(1000, 0, 2) == 2000  # an explicit argument beats the settings


def test_outcome_cell_net_band_zone_equal_core():
    vs = [100000.0, -60000.0, 500.0, 0.0, -2000.0]
    vc = [-60000.0, 100000.0, 2000.0, 0.0, -100.0]
    t = 1000.0
    assert flat(u.CVM_OUTCOME(column(vs), t)) == [cvm_xl.outcome(v, t) for v in vs]
    assert flat(u.CVM_CELL(column(vs), column(vc), t)) == [
        cvm_xl.cell(a, b, t) for a, b in zip(vs, vc, strict=True)
    ]
    assert flat(u.CVM_NET(column(vs), column(vc))) == [cvm_xl.net(a, b) for a, b in zip(vs, vc, strict=True)]
    assert flat(u.CVM_BAND(column(vs), column(vc))) == [
        cvm_xl.band(a, b) for a, b in zip(vs, vc, strict=True)
    ]
    zones = u.CVM_ZONE(column(vs), column(vc))
    for (a, b), row in zip(zip(vs, vc, strict=True), zones, strict=True):
        z = cvm_xl.zone(a, b)
        if z is None:
            assert row[0] == row[1] and row[0].startswith("#NUM! No zone of agreement")
        else:
            assert row == [z.low, z.high]


def test_a_single_cell_broadcasts_against_a_column():
    assert flat(u.CVM_NET(column([1, 2, 3]), 10)) == [11, 12, 13]
    assert u.CVM_NET([[1, 2, 3]], [[10, 20, 30]]) == [[11, 22, 33]]  # a row stays a row


def test_verdicts_equal_core_including_unquantified_and_settings():
    s = Settings(significance_threshold=5000, max_one_sided_loss=50000)
    rows = [["Significance threshold", 5000], ["Max one-sided loss", 50000]]
    cases = [
        (100000, 50000, None, None),
        (100000, -60000, None, None),  # loss above the limit: shelve
        (3000, 1000, None, None),  # too small
        (None, None, None, None),  # unquantified
        (None, None, None, "Yes"),  # good faith
        (100000, 50000, "No", None),  # explicitly unquantified
        (-10, -10, None, None),
    ]
    got = u.CVM_VERDICT(*(column(c) for c in zip(*cases, strict=True)), settings=rows)
    for (vs, vc, q, gf), (label,) in zip(cases, got, strict=True):
        quantified = q != "No" and not (vs is None and vc is None)
        v = cvm_xl.verdict(
            vs or 0.0,
            vc or 0.0,
            quantified=quantified,
            good_faith=gf == "Yes",
            significance=s.significance_threshold,
            max_one_sided_loss=s.max_one_sided_loss,
        )
        assert label == v.label


@pytest.mark.parametrize("method", ["retain", "equal", "proportional", "compensate", "auto"])
def test_split_equals_core_for_go_ideas(method):
    pairs = [(100000.0, -60000.0), (-20000.0, 90000.0), (30000.0, 45000.0), (5000.0, 0.0)]
    got = u.CVM_SPLIT(column([p[0] for p in pairs]), column([p[1] for p in pairs]), method, 0.7)
    for (vs, vc), row in zip(pairs, got, strict=True):
        expected = cvm_xl.split(vs, vc, method, supplier_share=0.7)
        assert row == [expected.method, expected.transfer, expected.supplier_final, expected.customer_final]


def test_no_split_for_ideas_that_are_not_a_go():
    assert u.CVM_SPLIT(-100, -100, "equal") == [["none", 0, -100, -100]]
    assert u.CVM_SPLIT(None, None, "equal") == [["none", 0, "", ""]]  # unquantified: nothing to split


def test_premium_equals_core():
    got = u.CVM_PREMIUM(column([-30000, 12000, None]), 1000, 200, 3, "all")
    for t, row in zip([-30000, 12000], got, strict=False):
        p = cvm_xl.price_premium(t, 1000, 3, 200)
        assert row == [p.kind, p.per_unit, p.percent_of_price]
    assert got[2] == ["", "", ""]
    assert u.CVM_PREMIUM(-30000, 1000) == cvm_xl.price_premium(-30000, 1000, 3).per_unit
    assert u.CVM_PREMIUM(-30000, 1000, 200, show="percent") == pytest.approx(0.05)


# --- blanks ----------------------------------------------------------------------------------------


def test_blank_inputs_give_blank_cells_not_zeros():
    assert u.CVM_VALUE(None, None) == ""
    assert u.CVM_VALUE(" ", "") == ""
    assert flat(u.CVM_VALUE(column([100, None, 200]), column([None, None, None]))) == [300, "", 600]
    assert u.CVM_OUTCOME(None) == ""
    assert u.CVM_CELL(None, None) == ""
    assert u.CVM_NET(None, None) == ""
    assert u.CVM_ZONE(None, None) == [["", ""]]
    assert u.CVM_PREMIUM(None, 1000) == ""


def test_one_blank_value_of_a_quantified_idea_counts_as_zero():
    assert u.CVM_CELL(None, 5000) == "I-W"
    assert u.CVM_NET(None, 5000) == 5000
    # A firm with no amounts of its own is worth 0 when the other firm has amounts (SPEC §3.1).
    assert u.CVM_VALUE(None, None, other_amounts=[[1000, None]]) == 0
    assert u.CVM_VALUE(None, None, other_amounts=[[None, None]]) == ""


# --- error texts -----------------------------------------------------------------------------------


def test_bad_cells_give_error_text_in_their_own_row():
    got = flat(u.CVM_VALUE(column([100, "abc", 200]), 0))
    assert got[0] == 300 and got[2] == 600
    assert got[1] == "#VALUE! 'abc' is not a number"
    assert u.CVM_SPLIT(100000, 50000, "proportional", 1.5, show="transfer") == (
        "#VALUE! Supplier share must be between 0 and 1"
    )
    assert u.CVM_SPLIT(100000, 50000, "halves", show="transfer").startswith("#VALUE! Unknown sharing method")
    assert u.CVM_VERDICT(100000, 50000, "maybe").startswith("#VALUE! 'maybe' is not Yes or No")
    assert u.CVM_PREMIUM(-30000, 0).startswith("#VALUE! Annual volume must be greater than 0")


def test_errors_in_input_cells_pass_through():
    upstream = "#VALUE! 'abc' is not a number"
    assert u.CVM_CELL(upstream, 5) == upstream
    assert u.CVM_NET(column([upstream, 1]), 1) == [[upstream], [2]]


def test_whole_call_errors():
    assert (
        u.CVM_NET(column([1, 2]), column([1, 2, 3]))
        == "#VALUE! The ranges have different numbers of rows (2, 3)"
    )
    assert u.CVM_VERDICT(1, 1, show="colour").startswith("#VALUE! show must be one of 'label', 'code'")
    assert u.CVM_VALUE(1, 1, settings=[["Horizon years", -2]]).startswith("#VALUE! Settings: Horizon years")
    assert u.CVM_VALUE(1, 1, -1).startswith("#VALUE!")


def test_functions_never_raise_on_odd_input():
    odd = [None, "", "x", True, -1e308, float("nan"), [[None]], [[1, 2], [3, 4]], dt.date(2025, 1, 1)]
    for f in (u.CVM_VALUE, u.CVM_CELL, u.CVM_NET, u.CVM_BAND, u.CVM_ZONE, u.CVM_VERDICT, u.CVM_SPLIT):
        for a in odd:
            for b in odd:
                f(a, b)  # any outcome but an exception


# --- settings --------------------------------------------------------------------------------------


def test_settings_from_range_with_and_without_header():
    assert settings_from_range(SETTINGS_ROWS) == SETTINGS
    assert settings_from_range(SETTINGS_ROWS[1:]) == SETTINGS
    assert settings_from_range([["Horizon years", "4"], ["Discount rate", "10%"]]) == Settings(
        horizon_years=4, discount_rate=0.1
    )
    assert settings_from_range([["Setting", "Value", "Help"], ["Horizon years", 2, "years"]]) == Settings(
        horizon_years=2
    )
    # The template passes tblSettings: the table's body, three columns, no header row.
    assert settings_from_range([["Horizon years", 2, "years"], ["Supplier", "Acme", None]]) == Settings(
        horizon_years=2, supplier="Acme"
    )


def test_settings_from_range_rejects_bad_values():
    with pytest.raises(ValueError, match="Target supplier share"):
        settings_from_range([["Target supplier share", 2]])


class FakeRange:
    """The parts of an xlwings Range/Sheet/Book that the caller lookup touches."""

    def __init__(self, value):
        self.value = value

    def options(self, **_):
        return self


class FakeSheet:
    def __init__(self, name, rows, book=None):
        self.name = name
        self.used_range = FakeRange(rows)
        self.book = book


class FakeBook:
    def __init__(self, sheets):
        self.sheets = sheets


def test_settings_default_from_the_calling_workbook():
    book = FakeBook([FakeSheet("Start", [["x"]]), FakeSheet(" settings ", [["Title", None], *SETTINGS_ROWS])])
    caller = type("Caller", (), {"sheet": FakeSheet("Ideas", [], book)})()
    assert u.resolve_settings(None, caller) == SETTINGS
    assert u.CVM_VALUE(1000, 0, caller=caller) == cvm_xl.value_over_horizon(1000, 0, 5, 0.08)
    assert u.resolve_settings([["Horizon years", 7]], caller) == Settings(
        horizon_years=7
    )  # the argument wins
    no_settings = type("Caller", (), {"sheet": FakeSheet("Ideas", [], FakeBook([]))})()
    assert u.resolve_settings(None, no_settings) == Settings()
    broken = type("Caller", (), {"sheet": None})()
    assert u.resolve_settings(None, broken) == Settings()


# --- portfolio functions ---------------------------------------------------------------------------

IDS = ["I1", "I2", "I3", "I4", None]
STATUSES = ["Signed off", "Proposed", "Delivered", "Implementing", None]
VS = [100000, 5000, -20000, None, None]
VC = [-60000, 1000, 90000, None, None]
TS = [80000, 0, -35000, 0, None]


def _evaluated_frame():
    return pd.DataFrame(
        {
            col.IDEA_ID: IDS[:4],
            col.STATUS: STATUSES[:4],
            col.SUPPLIER_VALUE: [float("nan") if v is None else float(v) for v in VS[:4]],
            col.CUSTOMER_VALUE: [float("nan") if v is None else float(v) for v in VC[:4]],
            col.TRANSFER: [float(t) for t in TS[:4]],
        }
    )


def test_passbook_lines_and_balances_equal_core():
    lines = passbook.passbook_lines(_evaluated_frame())
    got = u.CVM_PASSBOOK(column(IDS), column(STATUSES), column(VS), column(VC), column(TS))
    assert got[0] == list(u.PASSBOOK_HEADER)
    assert got[1:] == lines[list(u.PASSBOOK_HEADER)].to_numpy(dtype=object).tolist()
    b = passbook.balances(lines, 0.6)
    got = u.CVM_PASSBOOK(
        column(IDS), column(STATUSES), column(VS), column(VC), column(TS), "balances", SETTINGS_ROWS
    )
    assert dict(got) == {
        "Supplier balance": b.supplier,
        "Customer balance": b.customer,
        "Total": b.total,
        "Target supplier share": 0.6,
        "Equity gap": b.equity_gap,
    }
    assert u.CVM_EQUITY_GAP(column(STATUSES), column(VS), column(VC), column(TS), 0.6) == b.equity_gap
    assert (
        u.CVM_EQUITY_GAP(column(STATUSES), column(VS), column(VC), column(TS))
        == passbook.balances(lines).equity_gap
    )


def test_passbook_names_the_bad_row():
    got = u.CVM_EQUITY_GAP(column(STATUSES), column([1, "lots", 3, 4, 5]), column(VC), column(TS))
    assert got == "#VALUE! Row 2 of Supplier value: 'lots' is not a number"


def test_map_counts_and_sums_equal_core():
    cells = ["W-W", "W-L", "W-W", None, "L-L", "I-W"]
    nets = [10.0, 5.0, 2.5, None, -3.0, 1.0]
    frame = pd.DataFrame({col.CELL: cells, col.NET_VALUE: [0.0 if n is None else n for n in nets]})
    assert u.CVM_MAP(column(cells)) == map_grid(portfolio_map(frame), "ideas")
    assert u.CVM_MAP(column(cells), column(nets)) == map_grid(portfolio_map(frame), "net_value")
    grid = u.CVM_MAP(column(cells), labels="Yes")
    assert grid[0] == [u.MAP_CORNER, "Lose", "Indifferent", "Win"]
    assert [row[0] for row in grid[1:]] == ["Win", "Indifferent", "Lose"]
    assert grid[1][3] == 2  # W-W: top right, as in the paper's Figure-III
    assert grid[3][1] == 1  # L-L: bottom left
    assert u.CVM_MAP(column(["W-W", "X-Y"])).startswith("#VALUE! Row 2: 'X-Y' is not a map cell")


def test_fingerprint_equals_core():
    header = list(fp.FINGERPRINT_FIELDS)
    jan, jun, feb, sep = (dt.datetime(2025, m, d) for m, d in ((1, 1), (6, 30), (2, 1), (9, 30)))
    rows = [
        ["I1", "Wider coils", "Supplier", "Ann", jan, jun, 100000, -60000, 80000, "equal"],
        ["I2", "Fewer SKUs", "Joint", "Bo", feb, sep, 30000, 45000, -7500, "equal"],
    ]
    records = [dict(zip(header, r, strict=True)) for r in rows]
    expected = fp.fingerprint(records, SETTINGS)
    assert u.CVM_FINGERPRINT([header, *rows, [None] * 10], SETTINGS_ROWS) == expected
    reordered = [header[::-1], *[r[::-1] for r in rows]]
    assert u.CVM_FINGERPRINT(reordered, SETTINGS_ROWS) == expected  # columns found by their headers
    changed = [header, rows[0], [*rows[1][:8], -7000, "equal"]]
    assert u.CVM_FINGERPRINT(changed, SETTINGS_ROWS) != expected
    assert u.CVM_FINGERPRINT([header[:-1], *[r[:-1] for r in rows]]).startswith(
        "#VALUE! ideas needs a header row with Split method"
    )
    # A Bundle column (issue 15) is read when there: blank bundles keep the fingerprint, a bundle moves it.
    blank = [[*header, col.BUNDLE], *[[*r, None] for r in rows]]
    assert u.CVM_FINGERPRINT(blank, SETTINGS_ROWS) == expected
    bundled = [[*header, col.BUNDLE], *[[*r, "B1"] for r in rows]]
    in_bundle = [{**r, col.BUNDLE: "B1"} for r in records]
    assert u.CVM_FINGERPRINT(bundled, SETTINGS_ROWS) == fp.fingerprint(in_bundle, SETTINGS) != expected


def test_nan_is_never_returned():
    results = [
        u.CVM_SPLIT(column([None, 1]), column([None, 2])),
        u.CVM_VALUE(column([None, float("nan")]), None),
        u.CVM_PASSBOOK(column(IDS), column(STATUSES), column(VS), column(VC), column(TS)),
    ]
    for result in results:
        for row in result:
            assert not any(isinstance(x, float) and math.isnan(x) for x in row)


@pytest.mark.parametrize("one_off", [" yes", "Y", "TRUE", True, 1, 1.0, "1"])
def test_every_yes_spelling_and_method_spelling_reads_as_in_the_core(one_off):
    assert u.CVM_SPLIT(100000, -60000, None, None, one_off, show="method") == "equal"
    assert u.CVM_SPLIT(100000, -60000, " AUTO ", None, one_off, show="method") == "equal"
    assert u.CVM_SPLIT(100000, -60000, "Compensate\t", None, one_off, show="transfer") == 60000


@pytest.mark.parametrize("quantified", ["No", " n", "FALSE", False, 0, "0"])
def test_every_no_spelling_marks_the_idea_unquantified(quantified):
    assert u.CVM_VERDICT(100000, -60000, quantified, show="code") == "POSTPONE_QUANTIFY"
    assert u.CVM_VERDICT(100000, -60000, quantified, " Yes ", show="code") == "GO_GOOD_FAITH"


def test_method_help_lists_auto_and_every_split_method_record():
    [method] = [a for a in u.CVM_SPLIT.__xlfunc__["args"] if a["name"] == "method"]
    # The list follows the records (issue 16 added shapley): a new method needs no edit here.
    *others, last = [record.name for record in sharing.SPLIT_METHODS]
    assert method["doc"] == f"Optional: auto (blank), {', '.join(others)} or {last}."
    assert others[:4] == ["retain", "equal", "proportional", "compensate"]  # SPEC §3.5's four, in order
    for record in sharing.SPLIT_METHODS:
        assert record.name in method["doc"]
        assert u.CVM_SPLIT(100000, -60000, record.name.upper(), show="method") == record.name
