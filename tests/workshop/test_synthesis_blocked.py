"""Synthesis of a customer with thousands of raw ideas (issue 13): the same groups as the plain
synthesis where its clusters fit one matrix, good groups where they do not, and bounded memory."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from cvm_xl.core import columns as col
from cvm_xl.sample import sample_tables
from cvm_xl.workshop import blocked, synthesis
from cvm_xl.workshop.synthesis import MOTHER_ID, SynthesisResult, adjusted_rand_index, synthesize

LABELLED = Path(__file__).parents[1] / "data" / "workshop_labelled.csv"
ROOT = Path(__file__).parents[2]


def perturbed(n: int, seed: int = 1, one_customer: bool = False) -> pd.DataFrame:
    """``n`` raw ideas: the labelled workshop, then copies of it with a letter or a word dropped and the
    case changed; ``Group`` is the label of the raw idea copied."""
    base = pd.read_csv(LABELLED)
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        src = base.iloc[i % len(base)]
        words = str(src["Idea"]).split()
        if i >= len(base):
            k = rng.randrange(len(words))
            if len(words[k]) > 4:
                cut = rng.randrange(1, len(words[k]) - 1)
                words[k] = words[k][:cut] + words[k][cut + 1 :]
            if len(words) > 3 and rng.random() < 0.3:
                del words[rng.randrange(len(words))]
            if rng.random() < 0.5:
                words = [w.lower() for w in words]
        customer = "C-ONE" if one_customer else src[col.CUSTOMER_ID]
        rows.append((f"R{i:05d}", customer, " ".join(words), f"{src[col.CUSTOMER_ID]} {src['Group']}"))
    table = pd.DataFrame(rows, columns=["Raw ID", col.CUSTOMER_ID, "Idea", "Group"])
    table[MOTHER_ID] = None
    return table


def no_ideas() -> pd.DataFrame:
    return pd.DataFrame(columns=list(col.IDEA_INPUTS))


def with_ideas(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An existing idea for every other group, titled like its first raw idea, which it holds."""
    table = table.copy()
    rows = []
    groups = list(dict.fromkeys(zip(table[col.CUSTOMER_ID], table["Group"], strict=True)))
    for n, (customer, group) in enumerate(groups[::2]):
        first = table.index[(table[col.CUSTOMER_ID] == customer) & (table["Group"] == group)][0]
        table.loc[first, MOTHER_ID] = f"I-{n:03d}"
        rows.append(
            {col.IDEA_ID: f"I-{n:03d}", col.CUSTOMER_ID: customer, col.TITLE: table.loc[first, "Idea"]}
        )
    return table, pd.DataFrame(rows)


def grouping(result: SynthesisResult, table: pd.DataFrame) -> list[str]:
    return [m if m else f"alone {r}" for m, r in zip(result.mother_ids, table["Raw ID"], strict=True)]


def outcome(
    result: SynthesisResult,
) -> tuple[list[object], list[tuple[object, ...]], list[dict[str, object]]]:
    groups = [
        (g.customer_id, g.idea_id, g.raw_ids, g.filled, g.new, g.title, round(g.cohesion, 12))
        for g in result.report.groups
    ]
    drafts = result.new_ideas.astype(object).where(result.new_ideas.notna(), "")
    return list(result.mother_ids.fillna("")), groups, drafts.to_dict("records")


CASES = {
    "labelled": lambda: (perturbed(241), no_ideas()),
    "labelled with ideas": lambda: with_ideas(perturbed(241)),
    "2,000 perturbed": lambda: (perturbed(2000), no_ideas()),
    "2,000 perturbed with ideas": lambda: with_ideas(perturbed(2000)),
    "sample": lambda: (sample_tables()["Workshop"], sample_tables()["Ideas"]),
}


@pytest.mark.parametrize("case", CASES)
def test_blocked_synthesis_gives_the_plain_groups_when_its_clusters_fit(case: str, monkeypatch) -> None:
    """Raw ideas with the same words start as one cluster; once the clusters fit one matrix the plain
    clustering runs on them: the same groups, titles, cohesion and drafts as the plain synthesis."""
    table, ideas = CASES[case]()
    plain = synthesize(table, ideas, 0.3, singletons_as_ideas=True)
    monkeypatch.setattr(synthesis, "DENSE_LIMIT", 0)  # every customer through the blocked synthesis
    assert outcome(synthesize(table, ideas, 0.3, singletons_as_ideas=True)) == outcome(plain)


def test_rounds_of_blocks_keep_the_grouping_good(monkeypatch) -> None:
    """With room for only 40 clusters, rounds of blocks of 20 do the merging; the grouping stays close
    to the plain one (ARI 0.832 on this set)."""
    table = perturbed(2000)
    monkeypatch.setattr(synthesis, "DENSE_LIMIT", 0)
    monkeypatch.setattr(blocked, "DENSE_LIMIT", 40)
    monkeypatch.setattr(blocked, "BLOCK", 20)
    result = synthesize(table, no_ideas(), 0.3)
    assert adjusted_rand_index(list(table["Group"]), grouping(result, table)) >= 0.75
    # every raw idea of a group shares its customer, and every draft is listed once
    assert result.new_ideas[col.IDEA_ID].is_unique


def test_blocked_synthesis_keeps_the_facilitators_choices(monkeypatch) -> None:
    table, ideas = with_ideas(perturbed(600))
    monkeypatch.setattr(synthesis, "DENSE_LIMIT", 0)
    monkeypatch.setattr(blocked, "DENSE_LIMIT", 30)
    monkeypatch.setattr(blocked, "BLOCK", 15)
    result = synthesize(table, ideas, 0.3)
    chosen = table[MOTHER_ID].notna()
    assert (result.mother_ids[chosen] == table[MOTHER_ID][chosen]).all()
    # two raw ideas given different mother ideas never end in one group
    by_group = result.mother_ids[chosen].groupby(table[MOTHER_ID][chosen]).nunique()
    assert (by_group == 1).all()


MEMORY_RUN = textwrap.dedent(
    """
    import json, random, sys, time
    sys.path.insert(0, {tests!r})
    from workshop.test_synthesis_blocked import perturbed, no_ideas
    from cvm_xl.workshop.synthesis import synthesize, adjusted_rand_index
    table = perturbed({n}, one_customer=True)
    rng = random.Random(5)
    # a made-up word of its own in every raw idea: no two alike, so nothing merges for free
    word = lambda: "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(7))
    table["Idea"] = [f"{{t}} {{word()}}" for t in table["Idea"]]
    start = time.perf_counter()
    result = synthesize(table, no_ideas(), 0.3)
    # VmHWM: this process's own peak (ru_maxrss would count the parent's memory at the fork too)
    with open("/proc/self/status") as status:
        peak = int(status.read().split("VmHWM:")[1].split()[0]) / 1024
    seconds = time.perf_counter() - start
    found = [m if m else "alone " + r for m, r in zip(result.mother_ids, table["Raw ID"])]
    ari = adjusted_rand_index(list(table["Group"]), found)
    groups = len(result.report.groups)
    print(json.dumps({{"peak_mb": peak, "seconds": seconds, "groups": groups, "ari": ari}}))
    """
)
MEMORY_CEILING_MB = 600  # the plain synthesis of these 6,000 raw ideas fails at 2 GB (1.8 GB resident)


def test_six_thousand_raw_ideas_of_one_customer_fit_in_bounded_memory() -> None:
    """6,000 raw ideas of one customer, all different: in a process of its own (address space capped
    at 2 GB, so a regression fails fast instead of swapping), the peak resident memory stays under the
    ceiling and the topics are still found."""
    code = (
        "import resource; resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))\n"
        + MEMORY_RUN.format(tests=str(ROOT / "tests"), n=6000)
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    assert figures["peak_mb"] < MEMORY_CEILING_MB, figures
    assert figures["groups"] >= 20 and figures["ari"] >= 0.4, figures  # one customer: topics, not customers
