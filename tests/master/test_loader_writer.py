"""write_master: the workbook a user fills in, and the round trip write_master -> load_master."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from cvm_xl.core import columns as col
from cvm_xl.core.evaluation import evaluate_ideas
from cvm_xl.core.settings import ALL_SETTING_LABELS, Settings
from cvm_xl.core.tracking import TRACKING_KIND, TRACKING_KINDS
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master
from cvm_xl.spreadsheet.validation import VALIDATED_LAST_ROW

D = dt.date
NAN = np.nan

SETTINGS = Settings(
    supplier="Aldermoor Steel",
    currency="USD",
    horizon_years=4,
    discount_rate=0.06,
    max_one_sided_loss=50_000.0,
    target_supplier_share=0.55,
    max_sign_off_ideas=10,
)


def typed(columns: tuple[str, ...], rows: list[list[object]], extra: dict[str, list[object]] | None = None):
    frame = pd.DataFrame(
        {name: pd.Series([r[i] for r in rows], dtype=object) for i, name in enumerate(columns)}
    )
    for name in columns:
        values = frame[name].tolist()
        if all(isinstance(v, float) for v in values):
            frame[name] = frame[name].astype(float)
        elif all(isinstance(v, bool) for v in values):
            frame[name] = frame[name].astype(bool)
    for name, values in (extra or {}).items():
        frame[name] = pd.Series(values, dtype=object)
    return frame


def sample_tables() -> dict[str, pd.DataFrame]:
    customers = typed(
        col.CUSTOMER_COLUMNS,
        [
            ["C01", "Orvane", "Automotive", "Ana Lima", "Piet Smit", D(2025, 1, 6), 120000.0, "t", 780.5,
             250000.0, 1.0, 4.0, "III", 4.5, True],
            ["1002", "=Brightwell", None, None, None, None, NAN, None, NAN, NAN, NAN, NAN, None, NAN, False],
        ],
    )  # fmt: skip
    workshop = typed(
        col.WORKSHOP_COLUMNS,
        [
            ["R-1", "C01", "+fewer sizes", "Piet", "Customer", "Buying", "Order", "I-01", 1.0],
            ["R-2", "1002", "@wider coils", None, "Joint", None, None, None, NAN],
        ],
    )
    ideas = typed(
        col.IDEA_INPUTS,
        [
            ["I-01", "C01", '=HYPERLINK("http://x","SKU cut")', "-250 SKUs", "Operational", 56000.0, -1500.5,
             30000.0, NAN, True, False, False, "proportional", 0.6, "Joint", "Dieter", D(2025, 3, 3),
             D(2025, 8, 29), "Signed off", False, "B-1", True, 1.0, None, 4.0],
            ["I-02", "1002", "Wider coils", None, "Hygiene", 100000.0, NAN, -20000.0, NAN, True, False, True,
             None, NAN, "Customer", "Omar", D(2025, 3, 17), D(2025, 5, 30), "Evaluated", True, None, False,
             NAN, D(2025, 9, 1), NAN],
            ["I-03", "C01", "Forecasting", "2025-01-01", None, NAN, NAN, NAN, NAN, False, True, False, None,
             NAN, None, None, None, None, None, False, None, False, NAN, None, 1.0],
            # I-01's bundle partner (its ID in another case): quantified, signed off, shared alike.
            ["I-04", "C01", "Slitting plan", None, "Operational", 12000.0, NAN, 8000.0, NAN, True, False,
             False, "proportional", 0.6, "Joint", "Dieter", D(2025, 3, 3), D(2025, 8, 29), "Signed off",
             False, "b-1", True, NAN, None, NAN],
        ],
        extra={"Notes": ["call back", None, 42.0, None]},
    )  # fmt: skip
    tracking = typed(
        col.TRACKING_COLUMNS,
        [
            ["I-01", D(2025, 4, 1), 4000.0, 2500.0, "first", "Recurring"],
            ["I-01", D(2025, 5, 1), NAN, -12.25, None, "One-time"],
        ],
    )
    return {"Customers": customers, "Workshop": workshop, "Ideas": ideas, "Tracking": tracking}


def assert_same(loaded: pd.DataFrame, written: pd.DataFrame) -> None:
    assert loaded.index.tolist() == list(range(2, len(written) + 2))
    pd.testing.assert_frame_equal(loaded.reset_index(drop=True), written.reset_index(drop=True))


def test_round_trip_gives_back_the_same_typed_data(tmp_path):
    tables = sample_tables()
    path = tmp_path / "master.xlsx"
    write_master(path, SETTINGS, tables)
    master = load_master(path)
    assert master.settings == SETTINGS
    assert master.problems == ()
    for name, frame in tables.items():
        assert_same(getattr(master, name.lower()), frame)


def test_empty_tables_round_trip(tmp_path):
    path = tmp_path / "master.xlsx"
    write_master(path, Settings(), {})
    master = load_master(path)
    assert master.settings == Settings()
    for frame, columns in (
        (master.customers, col.CUSTOMER_COLUMNS),
        (master.workshop, col.WORKSHOP_COLUMNS),
        (master.ideas, col.IDEA_INPUTS),
        (master.tracking, col.TRACKING_COLUMNS),
    ):
        assert frame.empty
        assert tuple(frame.columns) == columns


text = (
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
# Money as users type it: cents, up to 15 significant digits (what Excel itself keeps).
amounts = st.one_of(st.just(NAN), st.integers(-(10**13), 10**13).map(lambda cents: cents / 100))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=text, description=st.one_of(st.sampled_from(["=1+1", "+x", "-3", "@A1", "#N/Aish"]), text),
       annual=amounts, one_time=amounts)  # fmt: skip
def test_any_text_and_amount_survive_the_round_trip(tmp_path, title, description, annual, one_time):
    tables = sample_tables()
    ideas = tables["Ideas"]
    ideas.loc[0, col.TITLE] = title
    ideas.loc[0, col.DESCRIPTION] = description
    ideas.loc[1, col.SUPPLIER_ANNUAL] = annual
    ideas.loc[1, col.SUPPLIER_ONE_TIME] = one_time
    path = tmp_path / "master.xlsx"
    write_master(path, SETTINGS, tables)
    loaded = load_master(path).ideas
    assert loaded.at[2, col.TITLE] == title
    assert loaded.at[2, col.DESCRIPTION] == description
    np.testing.assert_array_equal(loaded.loc[3, [col.SUPPLIER_ANNUAL, col.SUPPLIER_ONE_TIME]].to_numpy(float),
                                  [annual, one_time])  # fmt: skip


@pytest.fixture
def written(tmp_path):
    path = tmp_path / "master.xlsx"
    tables = sample_tables()
    write_master(path, SETTINGS, tables)
    return load_workbook(path), tables


def test_sheets_tables_and_frozen_headers(written):
    wb, tables = written
    assert wb.sheetnames == [
        "Settings", "Customers", "Workshop", "Ideas", "Tracking", "Actions", "Waves", "Parties",
        "Chain values", "Life cycle",
        "Maturity", "Objectives", "Risks", "Exit triggers", "Issue log", "Out of bounds topics", "Reviews",
        "KPI readings", "Lists",
    ]  # fmt: skip
    assert wb["Lists"].sheet_state == "hidden"

    def ref(headers: tuple[str, ...], records: int) -> str:
        """The table's range: its headers across, its records down (the layout of core.columns)."""
        return f"A1:{get_column_letter(len(headers))}{records + 1}"

    ideas = (*col.IDEA_INPUTS, "Notes", *col.IDEA_COMPUTED)
    meaning = ("Setting", "Value", "Meaning")
    expected = {
        "Settings": ("tblSettings", ref(meaning, len(ALL_SETTING_LABELS)), meaning),  # one row a setting
        "Customers": ("tblCustomers", ref(col.CUSTOMER_COLUMNS, 2), col.CUSTOMER_COLUMNS),
        "Workshop": ("tblWorkshop", ref(col.WORKSHOP_COLUMNS, 2), col.WORKSHOP_COLUMNS),
        "Ideas": ("tblIdeas", ref(ideas, len(tables["Ideas"])), ideas),
        "Tracking": ("tblTracking", ref(col.TRACKING_COLUMNS, 2), col.TRACKING_COLUMNS),
    }
    for sheet, (name, ref, headers) in expected.items():
        ws = wb[sheet]
        [table] = ws.tables.values()
        assert (table.displayName, table.ref) == (name, ref)
        assert tuple(c.name for c in table.tableColumns) == headers
        assert tuple(c.value for c in ws[1]) == headers
        assert ws.freeze_panes == "A2"
        assert all(ws.column_dimensions[c.column_letter].width >= 10 for c in ws[1])


def test_dropdowns_for_every_list_column(written):
    wb, _ = written
    lists = wb["Lists"]
    lists_by_name = {
        c.value: [v for (v,) in lists.iter_rows(2, None, c.column, c.column, values_only=True) if v]
        for c in lists[1]
    }
    assert lists_by_name["Status"] == list(col.STATUSES)
    assert lists_by_name["Yes/No"] == ["Yes", "No"]
    methods = ["auto", "retain", "equal", "proportional", "compensate", "shapley"]  # shapley: issue 16
    assert lists_by_name["Sharing method"] == methods

    def dropdowns(sheet):
        out = {}
        for dv in wb[sheet].data_validations.dataValidation:
            column = str(dv.sqref).split(":")[0].rstrip("0123456789")
            out[column] = (dv.type, dv.formula1, str(dv.sqref))
        return out

    def letters(columns: tuple[str, ...], *names: str) -> list[str]:
        """The columns ``names`` by letter, in the table's layout (core.columns)."""
        return sorted(get_column_letter(columns.index(name) + 1) for name in names)

    ideas = dropdowns("Ideas")
    assert sorted(ideas) == letters(
        col.IDEA_INPUTS, col.CATEGORY, col.QUANTIFIED, col.GOOD_FAITH, col.ONE_OFF, col.SHARING_METHOD,
        col.OWNER_FIRM, col.STATUS, col.OUT_OF_BOUNDS, col.TRUE_UP, col.FEASIBILITY,
    )  # fmt: skip
    # the list's range without a leading '=': Gnumeric reads it so, Excel either way (issue 12)
    [status] = letters(col.IDEA_INPUTS, col.STATUS)
    assert ideas[status] == ("list", "Lists!$A$2:$A$8", f"{status}2:{status}{VALIDATED_LAST_ROW}")
    assert ideas[letters(col.IDEA_INPUTS, col.QUANTIFIED)[0]][1] == "Lists!$F$2:$F$3"
    assert sorted(dropdowns("Workshop")) == letters(col.WORKSHOP_COLUMNS, "Firm")
    assert sorted(dropdowns("Customers")) == ["M", "O"]  # Excellence phase, Share screening
    # Tracking's Kind (issue 14): its own list, not the Reviews table's Kind of the same name
    [kind] = letters(col.TRACKING_COLUMNS, TRACKING_KIND)
    assert sorted(dropdowns("Tracking")) == [kind]
    kind_list = dropdowns("Tracking")[kind][1].split("!")[1].replace("$", "")
    assert tuple(c.value for (c,) in lists[kind_list]) == TRACKING_KINDS


def test_formats_values_and_computed_columns(written, tmp_path):
    wb, tables = written
    ws = wb["Ideas"]
    header = {c.value: c.column_letter for c in ws[1]}
    assert ws[f"{header['Start']}2"].number_format == "yyyy-mm-dd"
    assert ws[f"{header['Start']}2"].value == dt.datetime(2025, 3, 3)
    assert ws[f"{header['Supplier share']}2"].number_format == "0%"
    assert ws[f"{header['Supplier annual']}2"].number_format == "#,##0;[Red]-#,##0"
    assert ws[f"{header['Quantified']}2"].value == "Yes"
    assert ws[f"{header['Out of bounds']}3"].value == "Yes"
    assert ws[f"{header['Good faith']}2"].value == "No"
    evaluated = evaluate_ideas(tables["Ideas"], SETTINGS)
    # The computed columns are formulas with their results saved (the live master, issue 12).
    write_master(tmp_path / "saved.xlsx", SETTINGS, tables)
    saved = load_workbook(tmp_path / "saved.xlsx", data_only=True)["Ideas"]
    for name in (col.VERDICT, col.CELL, col.NET_VALUE, col.TRANSFER, col.SPLIT_METHOD):
        assert saved[f"{header[name]}2"].value == evaluated.loc[0, name]
        assert str(ws[f"{header[name]}2"].value).startswith("=")
    assert ws[f"{header['Notes']}4"].value == 42
    settings = {row[0]: row[1] for row in wb["Settings"].iter_rows(min_row=2, values_only=True)}
    assert settings["Horizon years"] == 4
    assert settings["Max one-sided loss"] == 50000
    assert wb["Settings"]["B5"].number_format == "0.0%"  # Discount rate


def test_text_that_looks_like_a_formula_is_written_as_text(written):
    wb, _ = written
    title = wb["Ideas"]["C2"]
    assert title.value == '=HYPERLINK("http://x","SKU cut")'
    assert title.data_type == "s"
    assert title.quotePrefix
    assert wb["Customers"]["B3"].data_type == "s"
    assert wb["Workshop"]["C2"].value == "+fewer sizes"


def test_write_is_atomic(tmp_path):
    path = tmp_path / "master.xlsx"
    write_master(path, SETTINGS, sample_tables())
    before = path.read_bytes()
    broken = sample_tables()
    broken["Ideas"].loc[0, col.OWNER] = object()  # not a value a cell can hold
    with pytest.raises(
        ValueError, match=r"Ideas, column Owner, row 1: <object object at .*> cannot be written"
    ):
        write_master(path, SETTINGS, broken)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["master.xlsx"]


def test_write_master_refuses_other_formats_and_unknown_tables(tmp_path):
    with pytest.raises(ValueError, match=r"written as \.xlsx"):
        write_master(tmp_path / "master.xlsm", SETTINGS, {})
    with pytest.raises(ValueError, match="Unknown table"):
        write_master(tmp_path / "master.xlsx", SETTINGS, {"Idea": pd.DataFrame()})
    assert list(tmp_path.iterdir()) == []
