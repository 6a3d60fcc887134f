"""The bundled sample data and the labelled workshop set: consistent, typed, and telling the paper's story."""

from __future__ import annotations

import datetime as dt
import math
import re
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest

from cvm_xl import evaluate_ideas, passbook_lines, price_premium
from cvm_xl.core import columns as col
from cvm_xl.core import sharing
from cvm_xl.core.actions import ACTION_COLUMNS, DONE, DUE
from cvm_xl.core.chain import CHAIN_VALUE_COLUMNS, PARTY_COLUMNS
from cvm_xl.core.passbook import balances_by_customer
from cvm_xl.core.values import CELLS
from cvm_xl.core.verdicts import GO_CODES, VERDICTS
from cvm_xl.core.waves import KICK_OFF, WAVE_COLUMNS
from cvm_xl.readiness import tables as rt
from cvm_xl.sample import RELATIONSHIP_TABLES, TABLES, sample_settings, sample_tables

LABELLED = Path(__file__).parents[1] / "data" / "workshop_labelled.csv"
LAST_REPORTED_MONTH = dt.date(2026, 10, 1)


@pytest.fixture(scope="module")
def settings():
    return sample_settings()


@pytest.fixture(scope="module")
def tables():
    return sample_tables()


@pytest.fixture(scope="module")
def evaluated(tables, settings):
    return evaluate_ideas(tables["Ideas"], settings).set_index(col.IDEA_ID, drop=False)


@pytest.fixture(scope="module")
def labelled():
    return pd.read_csv(LABELLED, dtype=str, keep_default_na=False)


def _days(start: dt.date, end: dt.date) -> int:
    return (end - start).days


# --- settings and table shapes ---------------------------------------------------------------


def test_settings_are_the_documented_sample_settings(settings):
    assert settings.supplier == "Aldermoor Steel"
    assert settings.currency == "EUR"
    assert settings.horizon_years == 3
    assert settings.discount_rate == 0
    assert settings.indifference_threshold == 5_000
    assert settings.significance_threshold == 10_000
    assert settings.max_one_sided_loss == 250_000
    assert settings.target_supplier_share == 0.5
    assert settings.max_sign_off_ideas == 12
    assert isinstance(settings.max_sign_off_ideas, int)


def test_tables_have_the_master_columns_in_order_and_a_range_index(tables):
    expected = {
        "Customers": col.CUSTOMER_COLUMNS,
        "Workshop": col.WORKSHOP_COLUMNS,
        "Ideas": col.IDEA_INPUTS,
        "Tracking": col.TRACKING_COLUMNS,
        "Actions": ACTION_COLUMNS,
        "Waves": WAVE_COLUMNS,  # issue 14: waves 2…n
        # issue 14: the relationship tables the sample fills in, with their columns (readiness.tables)
        "Objectives": rt.OBJECTIVES.columns,
        "Reviews": rt.REVIEWS.columns,
        "KPI readings": rt.KPI_READINGS.columns,
    }
    # issue 16: the value-chain tables, listed with the input tables
    expected = {**dict(list(expected.items())[:6]), "Parties": PARTY_COLUMNS,
                "Chain values": CHAIN_VALUE_COLUMNS, **dict(list(expected.items())[6:])}  # fmt: skip
    assert tuple(tables) == (*TABLES, *RELATIONSHIP_TABLES) == tuple(expected)
    for name, columns in expected.items():
        df = tables[name]
        assert tuple(df.columns) == columns, name
        assert isinstance(df.index, pd.RangeIndex) and df.index.start == 0, name
        assert len(df) > 0, name


NUMBER_COLUMNS = {
    "Customers": (
        "Annual volume", "Unit price", "Value guarantee",
        "Industry quartile", "Long-term culture", "Co-destiny",
    ),
    "Ideas": (*col.VALUE_INPUTS, col.SUPPLIER_SHARE, col.WAVE, col.FEASIBILITY),
    "Workshop": (col.WAVE,),
    "Waves": (col.WAVE,),
    "Tracking": ("Supplier realised", "Customer realised"),
    "Objectives": ("Baseline",),
    "KPI readings": ("Value",),
    "Parties": ("Target share",),  # issue 16
    "Chain values": ("Annual", "One-time"),
}  # fmt: skip
DATE_COLUMNS = {
    "Customers": ("Wave start",), "Ideas": (col.START, col.END, col.EMULATED), "Tracking": ("Month",),
    "Actions": (DUE, DONE), "Reviews": ("Date",), "KPI readings": ("Month",), "Waves": (KICK_OFF,),
}  # fmt: skip
BOOL_COLUMNS = {
    "Customers": (col.SHARE_SCREENING,),
    "Objectives": (rt.AGREED, rt.OUT_OF_BOUNDS),
    "Ideas": (col.QUANTIFIED, col.GOOD_FAITH, col.ONE_OFF, col.OUT_OF_BOUNDS, col.TRUE_UP),
    "Parties": ("Disclose",),  # issue 16
}


def test_columns_are_typed_like_a_loaded_master(tables):
    for name, df in tables.items():
        special = {*NUMBER_COLUMNS.get(name, ()), *DATE_COLUMNS.get(name, ()), *BOOL_COLUMNS.get(name, ())}
        for c in NUMBER_COLUMNS.get(name, ()):
            assert df[c].dtype == "float64", (name, c)
        for c in BOOL_COLUMNS.get(name, ()):
            assert df[c].dtype == bool, (name, c)
        for c in DATE_COLUMNS.get(name, ()):
            assert df[c].dtype == object, (name, c)
            assert all(x is None or type(x) is dt.date for x in df[c]), (name, c)
        for c in df.columns.difference(sorted(special)):
            assert df[c].dtype == object, (name, c)
            assert all(x is None or (isinstance(x, str) and x == x.strip() and x) for x in df[c]), (name, c)


def test_blank_cells_come_back_as_nan_none_or_the_yes_no_default(tables):
    ideas = tables["Ideas"].set_index(col.IDEA_ID)
    unquantified = ideas.loc["AUT-11"]
    assert all(math.isnan(unquantified[c]) for c in col.VALUE_INPUTS)
    assert unquantified[col.START] is None and unquantified[col.SHARING_METHOD] is None
    assert unquantified[col.QUANTIFIED]  # blank Quantified means Yes
    assert not ideas[col.OUT_OF_BOUNDS].drop("AUT-16").any()
    customers = tables["Customers"].set_index(col.CUSTOMER_ID)
    assert math.isnan(customers.loc["C-FUR", "Value guarantee"])


def test_each_call_returns_fresh_tables():
    first = sample_tables()
    first["Ideas"].loc[0, col.TITLE] = "changed"
    first["Customers"].loc[0, "Customer"] = "changed"
    second = sample_tables()
    assert second["Ideas"].loc[0, col.TITLE] != "changed"
    assert second["Customers"].loc[0, "Customer"] != "changed"


# --- identity and references -----------------------------------------------------------------


def test_ids_are_unique(tables):
    assert tables["Customers"][col.CUSTOMER_ID].is_unique
    assert tables["Ideas"][col.IDEA_ID].is_unique
    assert tables["Workshop"]["Raw ID"].is_unique
    assert not tables["Tracking"].duplicated([col.IDEA_ID, "Month"]).any()


def test_every_reference_exists(tables):
    customers = set(tables["Customers"][col.CUSTOMER_ID])
    ideas = tables["Ideas"].set_index(col.IDEA_ID)
    assert set(tables["Ideas"][col.CUSTOMER_ID]) == customers
    assert set(tables["Workshop"][col.CUSTOMER_ID]) == customers
    assert set(tables["Tracking"][col.IDEA_ID]) <= set(ideas.index)
    workshop = tables["Workshop"].dropna(subset=["Mother idea ID"])
    for _, raw in workshop.iterrows():
        mother = raw["Mother idea ID"]
        assert mother in ideas.index, raw["Raw ID"]
        assert ideas.loc[mother, col.CUSTOMER_ID] == raw[col.CUSTOMER_ID], raw["Raw ID"]


def test_list_columns_hold_valid_values(tables):
    ideas = tables["Ideas"]
    assert set(ideas[col.STATUS]) <= set(col.STATUSES)
    assert set(ideas[col.CATEGORY].dropna()) <= set(col.CATEGORIES)
    assert set(ideas[col.OWNER_FIRM].dropna()) <= set(col.OWNER_FIRMS)
    assert set(ideas[col.SHARING_METHOD].dropna()) <= set(sharing.METHODS)
    assert set(tables["Workshop"]["Firm"]) <= set(col.FIRMS)
    assert set(tables["Customers"]["Excellence phase"]) <= set(col.EXCELLENCE_PHASES)
    assert set(tables["Customers"]["Unit"]) == {"t"}


def test_no_typed_text_looks_like_a_formula(tables):
    for name, df in tables.items():
        for c in df.columns:
            texts = [x for x in df[c] if isinstance(x, str)]
            assert not [x for x in texts if x[0] in "=+-@"], (name, c)


# --- the paper's examples as evaluated -------------------------------------------------------


def test_sku_reduction_is_w_l_with_the_papers_net_of_34000_a_year(evaluated):
    idea = evaluated.loc["AUT-01"]
    assert (idea[col.SUPPLIER_ANNUAL], idea[col.CUSTOMER_ANNUAL]) == (56_000, -22_000)
    assert idea[col.SUPPLIER_VALUE] == 168_000
    assert idea[col.CUSTOMER_VALUE] == -66_000
    assert idea[col.CELL] == "W-L"
    assert idea[col.NET_VALUE] == 34_000 * 3 == 102_000
    assert idea[col.VERDICT_CODE] == "GO"
    assert (idea[col.SPLIT_METHOD], idea[col.TRANSFER]) == ("retain", 0)


def test_wider_coils_lose_for_the_customer_over_3_years_and_win_over_4(tables, settings, evaluated):
    idea = evaluated.loc["AUT-02"]
    assert idea[col.CUSTOMER_ONE_TIME] == -550_000
    assert idea[col.CUSTOMER_ANNUAL] == 45_000 + 122_000
    assert idea[col.SUPPLIER_ANNUAL] == 220_000
    assert idea[col.CUSTOMER_VALUE] == -49_000
    assert idea[col.CELL] == "W-L"
    assert idea[col.VERDICT_CODE] == "GO"

    four_years = evaluate_ideas(tables["Ideas"], settings.replace(horizon_years=4)).set_index(col.IDEA_ID)
    assert four_years.loc["AUT-02", col.CUSTOMER_VALUE] == 118_000
    assert four_years.loc["AUT-02", col.CELL] == "W-W"
    assert four_years.loc["AUT-02", col.VERDICT_CODE] == "GO_PRIORITY"


def test_trimming_moved_helps_the_mill_and_leaves_the_customer_indifferent(evaluated):
    idea = evaluated.loc["AUT-03"]
    assert idea[col.CELL] == "W-I"
    assert -5_000 <= idea[col.CUSTOMER_VALUE] < 0  # a small cost inside the indifference threshold
    assert idea[col.VERDICT_CODE] == "GO"


def test_thinner_gauge_is_l_w_and_its_split_is_a_premium_of_about_5_percent(evaluated):
    idea = evaluated.loc["AUT-04"]
    assert idea[col.CELL] == "L-W"
    assert idea[col.VERDICT_CODE] == "GO"
    assert idea[col.SPLIT_METHOD] == "proportional"
    assert idea[col.TRANSFER] < 0  # the customer pays the mill
    material = 0.04 * 1_500 * 720  # 4% of 1,500 t/yr at 720 EUR/t, part of the customer's annual saving
    assert idea[col.CUSTOMER_ANNUAL] > material
    on_the_special_run = price_premium(idea[col.TRANSFER], 1_440, horizon_years=3, unit_price=720)
    assert on_the_special_run.kind == "premium"
    assert on_the_special_run.percent_of_price == pytest.approx(0.05, abs=0.002)


def test_rush_orders_and_blanks_at_the_mill_are_win_win(evaluated):
    rush = evaluated.loc["AUT-05"]
    assert rush[col.CELL] == "W-W" and rush[col.VERDICT_CODE] == "GO_PRIORITY"
    assert (rush[col.SPLIT_METHOD], rush[col.TRANSFER]) == ("retain", 0)  # the premium already shares it
    blanks = evaluated.loc["AUT-06"]
    assert blanks[col.CELL] == "W-W" and blanks[col.VERDICT_CODE] == "GO_PRIORITY"
    assert blanks[col.CATEGORY] == "Joint study"


def test_the_one_off_idea_shares_the_net_equally_after_compensating_the_loser(evaluated):
    one_offs = evaluated[evaluated[col.ONE_OFF]]
    assert list(one_offs.index) == ["AUT-17"]
    idea = one_offs.iloc[0]
    assert (idea[col.SUPPLIER_VALUE], idea[col.CUSTOMER_VALUE]) == (100_000, -60_000)
    assert idea[col.BAND] == 160_000
    assert (idea[col.SPLIT_METHOD], idea[col.TRANSFER]) == ("equal", 80_000)
    assert (idea[col.SUPPLIER_FINAL], idea[col.CUSTOMER_FINAL]) == (20_000, 20_000)


# --- coverage of the method ------------------------------------------------------------------


def test_every_verdict_status_and_cell_occurs(evaluated):
    assert set(evaluated[col.VERDICT_CODE]) == {v.code for v in VERDICTS}
    assert set(evaluated[col.STATUS]) == set(col.STATUSES)
    assert set(evaluated[col.CELL].dropna()) == set(CELLS)


def test_the_automotive_customer_alone_shows_every_verdict_and_status(evaluated):
    aut = evaluated[evaluated[col.CUSTOMER_ID] == "C-AUT"]
    assert 14 <= len(aut) <= 23  # 17 of wave 1, 3 of wave 2 (issue 14), 3 chain ideas (issue 16)
    assert set(aut[col.VERDICT_CODE]) == {v.code for v in VERDICTS}
    assert set(aut[col.STATUS]) == set(col.STATUSES)
    for cid, ideas in evaluated.groupby(col.CUSTOMER_ID):
        if cid != "C-AUT":
            assert 6 <= len(ideas) <= 12, cid


def test_special_verdicts_come_from_the_intended_inputs(evaluated, settings):
    by_code = evaluated.groupby(col.VERDICT_CODE)
    good_faith = by_code.get_group("GO_GOOD_FAITH")
    assert good_faith[col.GOOD_FAITH].all() and good_faith[col.SUPPLIER_VALUE].isna().all()
    postponed = by_code.get_group("POSTPONE_QUANTIFY")
    assert (~postponed[col.GOOD_FAITH]).all()
    assert postponed[col.SUPPLIER_VALUE].isna().any()  # all four amounts blank
    assert (~postponed[col.QUANTIFIED]).any()  # amounts given but Quantified = No
    shelved = by_code.get_group("SHELVE")
    assert (shelved[col.NET_VALUE] > 0).all()
    losses = -shelved[[col.SUPPLIER_VALUE, col.CUSTOMER_VALUE]].min(axis=1)
    assert (losses > settings.max_one_sided_loss).all()
    small = by_code.get_group("POSTPONE_SMALL")
    assert ((small[col.NET_VALUE] > 0) & (small[col.NET_VALUE] < settings.significance_threshold)).all()
    no_go = by_code.get_group("NO_GO")
    one_sided = no_go[no_go[col.CELL].isin(["W-L", "L-W"])]
    assert len(one_sided) >= 1 and (one_sided[col.NET_VALUE] <= 0).all()


def test_sharing_overrides_and_out_of_bounds_are_present(evaluated):
    explicit = evaluated.dropna(subset=[col.SHARING_METHOD])
    assert len(explicit) >= 2
    assert (explicit[col.SPLIT_METHOD] == explicit[col.SHARING_METHOD]).all()
    assert evaluated[col.SUPPLIER_SHARE].notna().sum() >= 1
    out_of_bounds = evaluated[evaluated[col.OUT_OF_BOUNDS]]
    assert list(out_of_bounds.index) == ["AUT-16"]
    assert out_of_bounds.iloc[0][col.STATUS] == "Dropped"


def test_passbook_ideas_are_go_and_ready_for_sign_off(evaluated, settings):
    passbook = evaluated[evaluated[col.STATUS].isin(col.PASSBOOK_STATUSES)]
    assert len(passbook) >= 15
    assert set(passbook[col.VERDICT_CODE]) <= set(GO_CODES)
    for c in (col.OWNER_FIRM, col.OWNER, col.START, col.END):
        assert passbook[c].notna().all(), c
    assert (passbook[col.START] < passbook[col.END]).all()
    assert passbook.groupby(col.CUSTOMER_ID).size().max() <= settings.max_sign_off_ideas
    balances = balances_by_customer(passbook_lines(evaluated), settings.target_supplier_share)
    assert set(balances) == {"C-AUT", "C-WHL", "C-APP"}
    assert all(b.total > 0 for b in balances.values())


def test_dates_fit_the_idea_categories(evaluated):
    dated = evaluated.dropna(subset=[col.START, col.END, col.CATEGORY])
    assert len(dated) >= 20
    assert set(dated[col.CATEGORY]) == set(col.CATEGORIES)
    for idea_id, idea in dated.iterrows():
        days = _days(idea[col.START], idea[col.END])
        if idea[col.CATEGORY] == "Hygiene":
            assert 0 < days <= 92, idea_id
        elif idea[col.CATEGORY] == "Operational":
            assert 92 <= days <= 275, idea_id
        else:
            assert days >= 275, idea_id


def test_ideas_start_after_their_customers_wave_reaches_sign_off(tables, evaluated):
    waves = tables["Customers"].set_index(col.CUSTOMER_ID)["Wave start"]
    assert all(w.year == 2026 for w in waves)
    for idea_id, idea in evaluated.dropna(subset=[col.START]).iterrows():
        sign_off_week = waves[idea[col.CUSTOMER_ID]] + dt.timedelta(weeks=7)
        assert idea[col.START] >= sign_off_week, idea_id


# --- customers -------------------------------------------------------------------------------


def test_exactly_one_customer_fails_the_selection_screening(tables, evaluated):
    customers = tables["Customers"]
    eligible = (
        (customers["Industry quartile"] == 1)
        & (customers["Excellence phase"] == "III")
        & (customers["Long-term culture"] >= 3)
        & (customers["Co-destiny"] >= 3)
    )
    assert eligible.sum() == 3
    not_eligible = customers.loc[~eligible, col.CUSTOMER_ID].item()
    theirs = evaluated[evaluated[col.CUSTOMER_ID] == not_eligible]
    assert not theirs[col.STATUS].isin(col.PASSBOOK_STATUSES).any()


def test_customers_carry_volume_price_and_value_contract(tables):
    customers = tables["Customers"].set_index(col.CUSTOMER_ID)
    assert len(customers) == 4
    aut = customers.loc["C-AUT"]
    assert aut["Annual volume"] == 2_350 * 12
    assert aut["Unit price"] > 0 and aut["Value guarantee"] > 0
    assert "service centre" in aut["Industry"]
    assert customers[["Annual volume", "Unit price"]].gt(0).all().all()
    assert customers[["Customer", "Account manager", "Customer champion"]].notna().all().all()


# --- workshop --------------------------------------------------------------------------------


def test_the_automotive_workshop_is_a_real_workshop(tables):
    workshop = tables["Workshop"]
    sizes = workshop.groupby(col.CUSTOMER_ID).size()
    assert 140 <= sizes["C-AUT"] <= 200
    assert all(10 <= sizes[c] <= 20 for c in sizes.index if c != "C-AUT")
    aut = workshop[workshop[col.CUSTOMER_ID] == "C-AUT"]
    linked = aut["Mother idea ID"].notna()
    assert 0.6 <= linked.mean() <= 0.85  # most are linked, the rest is work for synthesis
    per_mother = aut["Mother idea ID"].value_counts()
    assert per_mother.mean() >= 5  # considerable overlaps
    assert per_mother.min() >= 2
    assert workshop.loc[workshop[col.CUSTOMER_ID] != "C-AUT", "Mother idea ID"].isna().all()
    assert set(aut["Firm"]) == set(col.FIRMS)
    for c in ("Proposed by", "Function", "Value chain stage"):
        assert workshop[c].notna().all(), c
        assert aut[c].nunique() >= 5, c


def test_workshop_ideas_are_varied_not_copies(tables):
    workshop = tables["Workshop"]
    normalised = workshop["Idea"].str.lower().str.replace(r"[^a-z0-9]+", " ", regex=True).str.strip()
    assert not normalised.groupby(workshop[col.CUSTOMER_ID]).apply(lambda s: s.duplicated().any()).any()
    text = " ".join(workshop["Idea"]).lower()
    for spelling in ("e-mail", "email", "sku", "size", "invoice", "billing"):
        assert spelling in text, spelling


# --- tracking --------------------------------------------------------------------------------


def test_tracking_covers_the_passbook_ideas_that_have_started(tables, evaluated):
    tracking = tables["Tracking"]
    months = tracking["Month"]
    assert all(m.day == 1 and m.year == 2026 and m <= LAST_REPORTED_MONTH for m in months)
    tracked = set(tracking[col.IDEA_ID])
    passbook = evaluated[evaluated[col.STATUS].isin(col.PASSBOOK_STATUSES)]
    assert tracked <= set(passbook.index)
    started = passbook[passbook[col.START] <= LAST_REPORTED_MONTH + dt.timedelta(days=30)]
    assert set(started.index) == tracked
    starts = evaluated[col.START]
    for _, row in tracking.iterrows():
        start = starts[row[col.IDEA_ID]]
        assert row["Month"] >= start.replace(day=1), row[col.IDEA_ID]
    assert tracking.groupby(col.IDEA_ID).size().max() >= 6  # several months for the first ideas


def test_realised_values_are_plausible_against_plan(tables, evaluated):
    tracking = tables["Tracking"]
    for _, row in tracking.iterrows():
        idea = evaluated.loc[row[col.IDEA_ID]]
        if not idea[col.QUANTIFIED] or math.isnan(idea[col.SUPPLIER_VALUE]):
            continue
        for firm in ("Supplier", "Customer"):
            realised = row[f"{firm} realised"]
            annual = idea[f"{firm} annual"]
            one_time = idea[f"{firm} one-time"]
            monthly = 0.0 if math.isnan(annual) else annual / 12 * 1.5
            one_time = 0.0 if math.isnan(one_time) else one_time
            low, high = min(0.0, monthly, one_time), max(0.0, monthly, one_time)
            assert low <= realised <= high, (row[col.IDEA_ID], row["Month"], firm)
    realised = tracking.groupby(col.IDEA_ID)[["Supplier realised", "Customer realised"]].sum()
    sku = realised.loc["AUT-01"]
    assert sku["Supplier realised"] > 0 > sku["Customer realised"]  # W-L, as planned
    assert realised.loc["AUT-02", "Customer realised"] == pytest.approx(-550_000, abs=30_000)


def test_good_faith_tracking_may_record_notes_without_amounts(tables):
    tracking = tables["Tracking"]
    blank = tracking[tracking["Supplier realised"].isna()]
    assert len(blank) >= 1
    assert blank["Note"].notna().all()


# --- labelled workshop set -------------------------------------------------------------------


def test_labelled_set_has_the_columns_and_size_for_measuring_synthesis(labelled):
    assert list(labelled.columns) == ["Raw ID", col.CUSTOMER_ID, "Idea", "Group"]
    assert len(labelled) >= 220
    assert labelled["Raw ID"].is_unique
    assert (labelled != "").all().all()
    assert 2 <= labelled[col.CUSTOMER_ID].nunique() <= 3
    assert labelled.groupby(col.CUSTOMER_ID).size().min() >= 50


def test_labelled_groups_are_varied_in_size_and_belong_to_one_customer(labelled):
    sizes = labelled.groupby("Group").size()
    assert 25 <= len(sizes) <= 35
    assert (sizes == 1).sum() >= 3
    assert sizes.max() >= 15
    assert sizes.nunique() >= 10
    assert (labelled.groupby("Group")[col.CUSTOMER_ID].nunique() == 1).all()


def test_labelled_ideas_are_distinct_phrasings(labelled):
    normalised = labelled["Idea"].str.lower().map(lambda t: " ".join(re.findall(r"[a-z0-9]+", t)))
    assert not normalised.groupby(labelled[col.CUSTOMER_ID]).apply(lambda s: s.duplicated().any()).any()
    # Real workshop text: synonyms, spelling variants and typos all occur.
    text = " ".join(labelled["Idea"]).lower()
    for variant in ("e-mail", "email", "invoice", "billing", "sku", "size", "forcast", "seperate"):
        assert variant in text, variant
    # Rows are in workshop order, not sorted by group.
    runs = (labelled["Group"] != labelled["Group"].shift()).sum()
    assert runs > len(labelled) * 0.7


# --- a broken edit of the bundled files is reported, not loaded ------------------------------


def _copy_sample(tmp_path: Path) -> Path:
    import cvm_xl.sample as sample

    for name in ("settings.csv", "customers.csv", "workshop.csv", "ideas.csv", "tracking.csv"):
        (tmp_path / name).write_bytes(files(sample.__name__).joinpath(name).read_bytes())
    return tmp_path


def test_an_invalid_cell_in_a_bundled_file_names_file_line_and_column(tmp_path, monkeypatch):
    import cvm_xl.sample as sample

    folder = _copy_sample(tmp_path)
    path = folder / "ideas.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",56000,", ",56k,", 1), "utf-8")
    monkeypatch.setattr(sample, "files", lambda _: folder)
    with pytest.raises(sample.SampleDataError, match=r"ideas\.csv line 2, Supplier annual '56k'"):
        sample.sample_tables()


def test_an_invalid_setting_in_the_bundled_file_is_reported(tmp_path, monkeypatch):
    import cvm_xl.sample as sample

    folder = _copy_sample(tmp_path)
    path = folder / "settings.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Horizon years,3", "Horizon years,-1"), "utf-8")
    monkeypatch.setattr(sample, "files", lambda _: folder)
    with pytest.raises(sample.SampleDataError, match="Horizon years"):
        sample.sample_settings()
