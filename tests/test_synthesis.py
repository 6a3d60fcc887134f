"""Synthesis of raw workshop ideas into mother ideas: normalising, grouping, facilitator choices, quality."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cvm_xl import columns as col
from cvm_xl.synthesis import (
    DEFAULT_THRESHOLD,
    SynthesisResult,
    adjusted_rand_index,
    cluster,
    render_report,
    report_frame,
    similarity_matrix,
    synthesize,
)
from cvm_xl.text_normalise import normalise, stem

LABELLED = Path(__file__).parent / "data" / "workshop_labelled.csv"

# A stamping plant's workshop, written apart from the word lists and never used to tune them.
STAMPING = [
    ("docs", "Material certificates should be sent digitally"),
    ("docs", "Paper inspection certs get lost"),
    ("docs", "Certificate PDFs linked to each coil number"),
    ("docs", "Send 3.1 certificates by e-mail before the truck arrives"),
    ("docs", "Access to certificates through the supplier portal"),
    ("pay", "Consolidated monthly invoice"),
    ("pay", "Bills do not match our purchase orders"),
    ("pay", "Reduce the number of invoices"),
    ("pay", "Electronic invoicing into SAP"),
    ("pay", "One billing document per week"),
    ("dies", "Joint die tryout with the mill's application engineers"),
    ("dies", "Early involvement of the mill in die design"),
    ("dies", "Simulation of forming with the supplier's material data"),
    ("dies", "Formability support during die development"),
    ("gauge", "Downgauge the inner door panel"),
    ("gauge", "Thinner high-strength steel for the roof"),
    ("gauge", "Lightweighting the body in white"),
    ("gauge", "Weight saving through thinner gauges"),
    ("gauge", "Use dual phase steel to reduce panel thickness"),
    ("spec", "Too many steel specifications"),
    ("spec", "Harmonise our grades with the mill's standard grades"),
    ("spec", "Fewer part-specific sizes"),
    ("spec", "Standard coil widths for several parts"),
    ("spec", "Rationalise the specification list"),
    ("spec", "Reduce the number of SKUs"),
    ("blanks", "Deliver trapezoid blanks instead of coils"),
    ("blanks", "Blanking line at the service centre"),
    ("blanks", "Laser-welded blanks from the supplier"),
    ("blanks", "Cut-to-length sheets for the small press"),
    ("stock", "Consignment stock next to the press shop"),
    ("stock", "Our coil inventory is 5 weeks"),
    ("stock", "Vendor-managed inventory for high runners"),
    ("stock", "Supplier keeps a safety stock of our grades"),
    ("logistics", "Deliveries in time windows"),
    ("logistics", "Trucks wait hours at our gate"),
    ("logistics", "Just-in-time deliveries to the press line"),
    ("logistics", "Book unloading slots online"),
    ("logistics", "Rail instead of trucks from the mill"),
    ("surface", "Surface defects on outer panels"),
    ("surface", "Zinc flakes and pimples on exposed parts"),
    ("surface", "Better surface quality for class A panels"),
    ("surface", "Scratches from coil handling"),
    ("oil", "Lower oil coating to reduce washing"),
    ("oil", "Prelube instead of our own oiling"),
    ("oil", "Uneven oiling causes forming splits"),
    ("scrap", "Return engineered scrap to the mill"),
    ("scrap", "Sell our press scrap back to the supplier"),
    ("scrap", "Closed-loop scrap recycling"),
    ("alone", "Joint CO2 reporting for the vehicle footprint"),
]


def workshop(
    texts: list[str | None], customer: str = "C-AUT", mothers: list[str | None] | None = None
) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame(
        {
            "Raw ID": [f"R{i + 1:02d}" for i in range(n)],
            col.CUSTOMER_ID: [customer] * n,
            "Idea": texts,
            "Mother idea ID": mothers or [None] * n,
        },
        index=pd.RangeIndex(5, 5 + n, name="Excel row"),
    )


def no_ideas() -> pd.DataFrame:
    return pd.DataFrame(columns=list(col.IDEA_INPUTS), index=pd.RangeIndex(5, 5, name="Excel row"))


def ideas_table(ids: list[str], customer: str = "C-AUT") -> pd.DataFrame:
    return pd.DataFrame(
        {col.IDEA_ID: ids, col.CUSTOMER_ID: [customer] * len(ids), col.TITLE: [f"Idea {i}" for i in ids]},
        index=pd.RangeIndex(5, 5 + len(ids), name="Excel row"),
    )


def grouping(result: SynthesisResult, table: pd.DataFrame) -> list[str]:
    """The synthesis' grouping with each unassigned raw idea in a group of its own."""
    return [m if m else f"alone {r}" for m, r in zip(result.mother_ids, table["Raw ID"], strict=True)]


# --- normalising --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Send test certificates by e-mail", "email the test certs"),
        ("Billing once a month", "Monthly invoicing"),
        ("Fewer stock keeping units", "Reduce the number of SKUs"),
        ("Rationalise sizes", "Standardisation of the SKU range"),
        ("Forcast sharing", "share the forecast"),
        ("Vendor managed inventory", "VMI"),
        ("Pre-galvanised strip", "Z275 galvanized coil"),
    ],
)
def test_paraphrases_normalise_alike(a: str, b: str) -> None:
    assert sorted(normalise(a).split()) == sorted(normalise(b).split())


def test_normalise_drops_stop_words_numbers_and_duplicates() -> None:
    assert normalise("We need MUCH better packaging at 3 plants, less packaging!") == "pack"
    assert normalise("The, of and") == ""
    assert normalise("Différential coatings") == normalise("differential coating")


def test_stem_inflections() -> None:
    assert {stem(w) for w in ("deliver", "delivered", "delivering")} == {"deliver"}
    assert {stem(w) for w in ("optimise", "optimisation", "optimize", "optimized")} == {"optimiz"}
    assert stem("shipping") == stem("ship") == "ship"
    assert stem("skus") == "sku"
    assert stem("status") == "status"


def test_a_misspelt_word_is_not_mapped_to_a_different_first_letter() -> None:
    assert normalise("tighter tolerance") == "tighter toleranc"
    assert normalise("lighter") == "gauge"


# --- similarity and clustering ------------------------------------------------------------------


def test_similarity_matrix_is_symmetric_whole_numbers() -> None:
    sim = similarity_matrix(["invoice", "invoice month", "cert digital", ""])
    assert np.array_equal(sim, sim.T)
    assert np.array_equal(sim, np.rint(sim))
    assert sim[0, 1] > sim[0, 2]
    assert sim[3].max() == 0  # an idea with no meaningful word matches nothing
    assert similarity_matrix([]).shape == (0, 0)


def test_cluster_never_merges_two_fixed_groups_and_keeps_their_members_together() -> None:
    sim = np.full((4, 4), 10_000.0)
    labels = cluster(sim, ["A", "B", None, "A"], threshold=0.5)
    assert labels[0] == labels[3]
    assert labels[0] != labels[1]
    assert labels[2] in (labels[0], labels[1])


def test_cluster_threshold_is_inclusive_and_numbering_follows_first_item() -> None:
    sim = np.array([[0, 0, 0], [0, 0, 5_000], [0, 5_000, 0]], dtype=float)
    assert cluster(sim, [None] * 3, threshold=0.5).tolist() == [0, 1, 1]
    assert cluster(sim, [None] * 3, threshold=0.51).tolist() == [0, 1, 2]


# --- synthesis ----------------------------------------------------------------------------------


def test_groups_paraphrases_and_drafts_ideas_in_the_customers_id_pattern() -> None:
    table = workshop(
        [
            "Send test certificates by e-mail",
            "Consolidated monthly invoice",
            "Email the certs before the truck arrives",
            "One invoice per month",
            "Joint CO2 reporting",
            "Certificates electronically",
        ]
    )
    result = synthesize(table, ideas_table(["AUT-14", "AUT-15"]))
    assert result.mother_ids.tolist() == ["AUT-16", "AUT-17", "AUT-16", "AUT-17", None, "AUT-16"]
    assert result.mother_ids.index.equals(table.index)
    drafts = result.new_ideas
    assert drafts[col.IDEA_ID].tolist() == ["AUT-16", "AUT-17"]
    assert drafts[col.STATUS].tolist() == ["Proposed", "Proposed"]
    assert drafts[col.DESCRIPTION].tolist() == [
        "Synthesised from 3 raw ideas: R01, R03, R06.",
        "Synthesised from 2 raw ideas: R02, R04.",
    ]
    assert list(drafts.columns) == list(col.IDEA_INPUTS)
    assert drafts[col.SUPPLIER_ANNUAL].isna().all()
    assert result.report.singletons[0].raw_id == "R05"


def test_title_is_the_most_representative_raw_idea() -> None:
    table = workshop(["Invoice", "Monthly consolidated invoice", "Consolidated invoices", "Monthly invoice"])
    result = synthesize(table, no_ideas())
    assert result.new_ideas[col.TITLE].tolist() == ["Monthly consolidated invoice"]


def test_first_ids_for_a_customer_without_ideas_and_ids_stay_unique_across_customers() -> None:
    table = pd.concat(
        [
            workshop(["Monthly invoice", "One invoice a month"], "C-NEW"),
            workshop(["VMI", "Consignment stock"]),
        ]
    )
    table["Raw ID"] = ["N1", "N2", "A1", "A2"]
    taken = pd.DataFrame({col.IDEA_ID: ["C-NEW-M01"], col.CUSTOMER_ID: ["C-OTHER"], col.TITLE: ["x"]})
    result = synthesize(table, taken)
    assert result.new_ideas[col.IDEA_ID].tolist() == ["C-NEW-M02", "C-AUT-M01"]


def test_zero_padded_ids_keep_their_width() -> None:
    result = synthesize(
        workshop(["Monthly invoice", "One invoice a month"]), ideas_table(["AUT-007", "AUT-009"])
    )
    assert result.new_ideas[col.IDEA_ID].tolist() == ["AUT-010"]


def test_facilitator_choices_win_and_seed_their_group() -> None:
    table = workshop(
        ["Monthly invoice", "Consolidated invoices", "One invoice per month", "Invoice by e-mail"],
        mothers=["AUT-03", None, None, "AUT-09"],
    )
    result = synthesize(table, ideas_table(["AUT-03", "AUT-09"]))
    assert result.mother_ids.tolist() == ["AUT-03", "AUT-03", "AUT-03", "AUT-09"]
    assert result.new_ideas.empty
    (kept, other) = result.report.groups
    assert (kept.idea_id, kept.filled, kept.new) == ("AUT-03", ("R02", "R03"), False)
    assert (other.idea_id, other.filled) == ("AUT-09", ())


def test_identical_raw_ideas_under_two_mother_ideas_stay_apart() -> None:
    table = workshop(["Monthly invoice", "Monthly invoice"], mothers=["AUT-01", "AUT-02"])
    result = synthesize(table, ideas_table(["AUT-01", "AUT-02"]))
    assert result.mother_ids.tolist() == ["AUT-01", "AUT-02"]
    assert not result.changed


def test_singletons_stay_blank_unless_asked_for() -> None:
    table = workshop(["Monthly invoice", "One invoice per month", "Joint CO2 reporting"])
    plain = synthesize(table, no_ideas())
    assert plain.mother_ids.tolist()[2] is None
    assert [s.idea for s in plain.report.singletons] == ["Joint CO2 reporting"]
    asked = synthesize(table, no_ideas(), singletons_as_ideas=True)
    assert asked.mother_ids.tolist() == ["C-AUT-M01", "C-AUT-M01", "C-AUT-M02"]
    assert asked.new_ideas[col.DESCRIPTION].tolist()[1] == "Synthesised from 1 raw idea: R03."
    assert asked.report.singletons == ()


@pytest.mark.parametrize("singletons_as_ideas", [False, True])
def test_running_again_on_the_result_changes_nothing(singletons_as_ideas: bool) -> None:
    labelled = pd.read_csv(LABELLED)
    table = labelled[["Raw ID", col.CUSTOMER_ID, "Idea"]].assign(**{"Mother idea ID": None})
    # the facilitator has already placed a few raw ideas
    table.loc[table.index[:6:2], "Mother idea ID"] = "FAC-1"
    first = synthesize(table, no_ideas(), singletons_as_ideas=singletons_as_ideas)
    assert first.changed
    workshop_after, ideas_after = first.apply(table, no_ideas())
    second = synthesize(workshop_after, ideas_after, singletons_as_ideas=singletons_as_ideas)
    assert not second.changed
    assert second.mother_ids.equals(workshop_after["Mother idea ID"])
    assert [g.raw_ids for g in second.report.groups] == [g.raw_ids for g in first.report.groups]
    assert second.report.singletons == first.report.singletons


def test_apply_appends_drafts_after_the_last_excel_row_and_fills_only_blanks() -> None:
    table = workshop(["Monthly invoice", "One invoice per month", "VMI"], mothers=[None, None, "AUT-01"])
    ideas = ideas_table(["AUT-01"])
    result = synthesize(table, ideas)
    new_workshop, new_ideas = result.apply(table, ideas)
    assert new_ideas.index.tolist() == [5, 6]
    assert new_ideas.index.name == "Excel row"
    assert new_ideas[col.IDEA_ID].tolist() == ["AUT-01", "AUT-02"]
    assert new_workshop["Mother idea ID"].tolist() == ["AUT-02", "AUT-02", "AUT-01"]
    assert table["Mother idea ID"].isna().tolist() == [True, True, False]  # the input is not modified


def test_only_the_chosen_customers_and_only_rows_with_text() -> None:
    table = pd.concat(
        [workshop(["Monthly invoice", "One invoice a month"], "C-A"), workshop(["VMI", "VMI"], "C-B")]
    )
    table["Raw ID"] = ["A1", "A2", "B1", "B2"]
    result = synthesize(table, no_ideas(), customers=["C-B"])
    assert result.mother_ids.tolist() == [None, None, "C-B-M01", "C-B-M01"]
    assert result.report.raw_ideas == {"C-B": 2}
    blank = workshop(["Monthly invoice", None, "  "])
    assert synthesize(blank, no_ideas()).report.raw_ideas == {"C-AUT": 1}


def test_a_customers_grouping_does_not_depend_on_other_customers() -> None:
    a = workshop(["Monthly invoice", "One invoice a month", "Certs by e-mail", "Digital certificates"], "C-A")
    b = workshop(["Invoice per truck", "Pallet return", "Reusable pallets"], "C-B")
    b["Raw ID"] = ["B1", "B2", "B3"]
    alone = synthesize(a, no_ideas()).mother_ids.tolist()
    together = synthesize(pd.concat([b, a]), no_ideas()).mother_ids.tolist()[3:]
    assert together == alone


def test_unknown_mother_ids_are_reported() -> None:
    result = synthesize(workshop(["Monthly invoice"], mothers=["AUT-99"]), no_ideas())
    assert result.report.unknown_mother_ids == (("C-AUT", "AUT-99"),)
    assert "AUT-99" in render_report(result.report)


def test_threshold_must_be_a_share() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        synthesize(workshop(["x"]), no_ideas(), threshold=30)


def test_report_as_text_and_table() -> None:
    table = workshop(["Monthly invoice", "One invoice per month", "Joint CO2 reporting"], mothers=[None] * 3)
    report = synthesize(table, no_ideas()).report
    text = render_report(report)
    assert "C-AUT: 3 raw ideas -> 1 mother idea (1 new), 1 singleton; 2 raw ideas assigned now" in text
    assert "  Mother idea  Kind  Raw  Cohesion  Title" in text
    assert "  C-AUT-M01    new     2      100%  Monthly invoice" in text
    assert "R03  Joint CO2 reporting" in text
    frame = report_frame(report)
    assert frame["Kind"].tolist() == ["New mother idea", "Singleton"]
    assert frame["Raw IDs"].tolist() == ["R01, R02", "R03"]
    assert "No raw ideas" in render_report(synthesize(workshop([]), no_ideas()).report)


# --- adjusted Rand index and quality ------------------------------------------------------------


def test_adjusted_rand_index_known_values() -> None:
    assert adjusted_rand_index([0, 0, 1, 1], [5, 5, 7, 7]) == 1.0
    assert adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(4 / 7)
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)
    assert adjusted_rand_index([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) == pytest.approx(0.24242424)
    with pytest.raises(ValueError):
        adjusted_rand_index([1], [1, 2])


def test_quality_on_the_labelled_workshops() -> None:
    labelled = pd.read_csv(LABELLED)
    assert len(labelled) >= 200
    table = labelled[["Raw ID", col.CUSTOMER_ID, "Idea"]].assign(**{"Mother idea ID": None})
    result = synthesize(table, no_ideas(), DEFAULT_THRESHOLD)
    truth = [f"{c} {g}" for c, g in zip(labelled[col.CUSTOMER_ID], labelled["Group"], strict=True)]
    assert adjusted_rand_index(truth, grouping(result, table)) >= 0.8


def test_quality_on_a_workshop_never_used_for_tuning() -> None:
    table = workshop([text for _, text in STAMPING])
    result = synthesize(table, no_ideas(), DEFAULT_THRESHOLD)
    assert adjusted_rand_index([g for g, _ in STAMPING], grouping(result, table)) >= 0.8


def naive_average_linkage(sim: np.ndarray, seeds: list[str | None], threshold: float) -> list[int]:
    """The textbook algorithm, all pairs every step: the reference for ``cluster``."""
    groups: list[list[int]] = []
    for i, label in enumerate(seeds):
        home = next((g for g in groups if label is not None and seeds[g[0]] == label), None)
        if home is None:
            groups.append([i])
        else:
            home.append(i)
    while True:
        best, pair = -1.0, None
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                fixed_a = {seeds[i] for i in groups[a]} - {None}
                fixed_b = {seeds[i] for i in groups[b]} - {None}
                if fixed_a and fixed_b:
                    continue
                link = sim[np.ix_(groups[a], groups[b])].sum() / (len(groups[a]) * len(groups[b]))
                if link > best:
                    best, pair = link, (a, b)
        if pair is None or best < threshold * 10_000:
            break
        a, b = pair
        groups[a] = sorted(groups[a] + groups[b])
        del groups[b]
    label_of = {i: n for n, g in enumerate(sorted(groups)) for i in g}
    return [label_of[i] for i in range(len(seeds))]


@pytest.mark.parametrize("seed", range(12))
def test_cluster_agrees_with_the_textbook_algorithm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 14))
    upper = np.triu(rng.integers(0, 10_001, (n, n)), 1).astype(float)
    sim = upper + upper.T
    seeds = [str(x) if x < 2 else None for x in rng.integers(0, 6, n)]
    threshold = float(rng.uniform(0.3, 0.7))
    assert cluster(sim, seeds, threshold).tolist() == naive_average_linkage(sim, seeds, threshold)
