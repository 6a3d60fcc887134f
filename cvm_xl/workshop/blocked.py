"""Synthesis of a customer with more raw ideas than one similarity matrix should hold (seed 000 §6.5,
issue 13).

30,000 raw ideas would need a 30,000 x 30,000 matrix of similarities (7.2 GB) and as large a one of
cluster sums. Here no matrix is ever larger than ``DENSE_LIMIT`` squared, and similarities are
computed in blocks of ``ROWS`` x ``COLUMNS`` and summed at once, so the peak memory stays bounded
whatever the number of raw ideas (under 1 GB for 30,000: benchmarks/bench_synthesis.py).

1. Raw ideas with the same words (the similarity depends on the set of words only) and the same
   Mother idea ID start as one cluster: their similarity is 100%, the first link any clustering takes.
   Raw ideas sharing a Mother idea ID start together, as in the plain synthesis.
2. While more clusters remain than one matrix should hold, rounds of the plain clustering run on blocks
   of clusters that share their main word (clusters ordered by it, cut into blocks of ``BLOCK``, the
   cuts shifted by half a block every other round), each block with the exact sums of similarity
   between its clusters; the clusters merged become the starting clusters of the next round.
3. Once they fit, the plain clustering (``clustering.merge``) runs once on all of them with the exact
   sums between them and the existing ideas' words: the same rules as for a small workshop.

Step 3 is the plain clustering itself, and step 1 only starts it where it would begin (two raw ideas
with the same words are the most similar pair there is): on every labelled workshop the two give the
same groups, titles and cohesion (tests/workshop/test_synthesis_blocked.py). Step 2 is the
approximation, needed only when the customer's distinct raw ideas number more than ``DENSE_LIMIT``:
two clusters that never meet in a block merge only in step 3, and if the rounds stop merging
(``MAX_ROUNDS``, or two rounds without a merge) before the clusters fit, the last round's clusters are
the groups. A group's title and cohesion are always computed exactly, from its raw ideas'
similarities in blocks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from typing import NamedTuple

import numpy as np

from cvm_xl.workshop.clustering import (
    FULL,
    Grouping,
    Merged,
    Start,
    TextSet,
    merge,
    nearest_clusters,
    numbered,
    similarity_block,
)

DENSE_LIMIT = 2_500  # raw ideas or clusters clustered with one matrix (about 50 MB per matrix)
BLOCK = 1_200  # clusters per block in the rounds of step 2
ROWS = 256  # texts per block of similarities (rows) ...
COLUMNS = 8_192  # ... and columns: 16 MB of float64 per block
MAX_ROUNDS = 8


class Unit(NamedTuple):
    """A cluster of raw ideas: the distinct word sets of its raw ideas (``keys``, indices into the
    customer's word sets) and how many raw ideas have each (``counts``); its fixed label (a Mother
    idea ID or an existing idea's ID) or None; the column of its existing idea (-1 for none); the
    starting clusters it holds (``starts``) and its first raw idea (``first``; after every raw idea
    for an existing idea no raw idea is under yet)."""

    keys: np.ndarray
    counts: np.ndarray
    label: object | None
    idea: int
    starts: np.ndarray
    first: int

    @property
    def size(self) -> int:
        return int(self.counts.sum())


def _joined(units: Sequence[Unit]) -> Unit:
    """One cluster of several: their raw ideas, the label and existing idea of the one that has them."""
    keys = np.concatenate([u.keys for u in units])
    counts = np.concatenate([u.counts for u in units])
    unique, inverse = np.unique(keys, return_inverse=True)
    return Unit(
        unique,
        np.bincount(inverse, weights=counts).astype(np.int64),
        next((u.label for u in units if u.label is not None), None),
        max(u.idea for u in units),
        np.concatenate([u.starts for u in units]),
        min(u.first for u in units),
    )


def _runs(owners: np.ndarray) -> np.ndarray:
    """Where each run of equal values starts in a non-decreasing array."""
    return np.flatnonzero(np.r_[True, np.diff(owners) != 0]) if len(owners) else np.zeros(0, dtype=np.int64)


class _Pairs:
    """Sums of similarity between the raw ideas of clusters, computed block by block."""

    def __init__(self, keys: TextSet, key_ideas: np.ndarray) -> None:
        self.keys = keys
        self.key_ideas = key_ideas  # word sets x ideas, whole numbers

    def sums(self, units: Sequence[Unit]) -> np.ndarray:
        """units x units: the summed similarity of every pair of raw ideas between two clusters (on the
        diagonal: within a cluster, each raw idea with itself included; ``merge`` never reads it)."""
        n = len(units)
        if n == 0:
            return np.zeros((0, 0))
        # One entry per (cluster, word set), in cluster order, so that a block's rows and columns
        # sum into clusters by runs. The similarity is symmetric: a block of rows is compared with
        # itself and with the entries after it only, and the sums mirrored.
        keys = np.concatenate([u.keys for u in units])
        counts = np.concatenate([u.counts for u in units]).astype(np.float64)
        owner = np.repeat(np.arange(n), [len(u.keys) for u in units])
        texts = self.keys.subset(keys.tolist())
        size = len(texts)
        within = np.zeros((n, n))
        after = np.zeros((n, n))
        for r0 in range(0, size, ROWS):
            r1 = min(r0 + ROWS, size)
            row_runs = _runs(owner[r0:r1])
            row_owners = owner[r0:r1][row_runs]
            for c0 in [r0, *range(r1, size, COLUMNS)]:
                c1 = r1 if c0 == r0 else min(c0 + COLUMNS, size)
                block = similarity_block(texts, r0, r1, texts, c0, c1)
                block *= counts[c0:c1]
                col_runs = _runs(owner[c0:c1])
                by_unit = np.add.reduceat(block, col_runs, axis=1) * counts[r0:r1, None]
                total = within if c0 == r0 else after
                total[np.ix_(row_owners, owner[c0:c1][col_runs])] += np.add.reduceat(
                    by_unit, row_runs, axis=0
                )
        return within + after + after.T

    def word_sums(self, units: Sequence[Unit]) -> np.ndarray:
        """units x ideas: each cluster's summed similarity to each existing idea's words."""
        out = np.zeros((len(units), self.key_ideas.shape[1]))
        if self.key_ideas.shape[1]:
            for i, u in enumerate(units):
                out[i] = u.counts.astype(np.float64) @ self.key_ideas[u.keys].astype(np.float64)
        return out

    def closeness(self, unit: Unit) -> np.ndarray:
        """Per word set of a cluster: the summed similarity of all the cluster's raw ideas to it."""
        texts = self.keys.subset(unit.keys.tolist())
        counts = unit.counts.astype(np.float64)
        out = np.zeros(len(texts))
        for r0 in range(0, len(texts), ROWS):
            r1 = min(r0 + ROWS, len(texts))
            for c0 in range(0, len(texts), COLUMNS):
                c1 = min(c0 + COLUMNS, len(texts))
                out[r0:r1] += similarity_block(texts, r0, r1, texts, c0, c1) @ counts[c0:c1]
        return out


def _start(units: Sequence[Unit], pairs: _Pairs) -> Start:
    return Start(
        pairs.sums(units),
        pairs.word_sums(units),
        np.array([u.size for u in units], dtype=np.float64),
        [u.label for u in units],
        np.array([u.idea for u in units], dtype=int),
    )


def _regroup(units: Sequence[Unit], merged: Merged) -> list[Unit]:
    """The clusters after a merge, each at the place of its first part."""
    parts: dict[int, list[Unit]] = {}
    for unit, root in zip(units, merged.root.tolist(), strict=True):
        parts.setdefault(root, []).append(unit)
    return [group[0] if len(group) == 1 else _joined(group) for group in parts.values()]


def _topic_order(units: Sequence[Unit], keys: TextSet, frequency: Counter[str], rare: bool) -> list[int]:
    """Units ordered by their main word (the word most of their raw ideas use; among equals the most
    common word of the customer's, or the rarest one when ``rare``), then by their first raw idea."""

    def main_word(unit: Unit) -> str:
        weight: Counter[str] = Counter()
        for key, count in zip(unit.keys.tolist(), unit.counts.tolist(), strict=True):
            for w in keys.words[key]:
                weight[w] += count
        sign = 1 if rare else -1
        return min(weight, key=lambda w: (-weight[w], sign * frequency[w], w)) if weight else ""

    topics = [(main_word(u), u.first) for u in units]
    return sorted(range(len(units)), key=lambda i: topics[i])


def _round(
    units: list[Unit], pairs: _Pairs, threshold: float, idea_threshold: float, order: list[int], shift: int
) -> list[Unit]:
    """One round of step 2: the plain clustering within each block of ``BLOCK`` units in ``order``."""
    cuts = sorted({0, *range(shift or BLOCK, len(order), BLOCK), len(order)})
    result: list[Unit] = []
    for a, b in pairwise(cuts):
        block = sorted((units[i] for i in order[a:b]), key=lambda u: u.first)
        result += _regroup(block, merge(_start(block, pairs), threshold, idea_threshold))
    return result


def _units(
    key_of: np.ndarray, empty: np.ndarray, seeds: Sequence[object | None], idea_labels: Sequence[object]
) -> tuple[list[Unit], np.ndarray]:
    """Step 1: the starting clusters in the order of their first raw idea, then one per existing idea
    no raw idea is under yet; and each raw idea's starting cluster."""
    column = {x: j for j, x in reversed(list(enumerate(idea_labels)))}
    home: dict[object, int] = {}
    unit_of = np.empty(len(seeds), dtype=np.int64)
    members: list[list[int]] = []
    labels: list[object | None] = []
    for i, label in enumerate(seeds):
        # the same words and no Mother idea ID: one cluster (raw ideas without words stay alone)
        tag = (
            ("seed", label) if label is not None else ("alone", i) if empty[i] else ("words", int(key_of[i]))
        )
        if tag not in home:
            home[tag] = len(members)
            members.append([])
            labels.append(label)
        unit_of[i] = home[tag]
        members[home[tag]].append(i)
    units = []
    for number, (items, label) in enumerate(zip(members, labels, strict=True)):
        keys, counts = np.unique(key_of[items], return_counts=True)
        idea = column.get(label, -1) if label is not None else -1
        units.append(Unit(keys, counts.astype(np.int64), label, idea, np.array([number]), items[0]))
    seeded = {label for label in seeds if label is not None}
    nothing = np.zeros(0, dtype=np.int64)
    for label in dict.fromkeys(idea_labels):
        if label not in seeded:
            number = len(units)
            units.append(
                Unit(nothing, nothing, label, column[label], np.array([number]), len(seeds) + number)
            )
    return units, unit_of


def _key_ideas(keys: TextSet, idea_words: Sequence[str]) -> np.ndarray:
    """Similarity of each word set to each existing idea's words (whole numbers 0..10,000 as uint16),
    by words alone, as in the plain synthesis."""
    out = np.zeros((len(keys), len(idea_words)), dtype=np.uint16)
    if len(idea_words):
        ideas = TextSet(idea_words)
        words_only = TextSet(keys.sorted_texts)
        for r0 in range(0, len(keys), ROWS):
            r1 = min(r0 + ROWS, len(keys))
            out[r0:r1] = similarity_block(words_only, r0, r1, ideas, 0, len(ideas))
    return out


def _describe(units: Sequence[Unit], key_of: np.ndarray, final_of: np.ndarray, pairs: _Pairs) -> Grouping:
    """Numbers, labels, titles and cohesion of the final clusters (``final_of``: each raw idea's)."""
    found = numbered(final_of, Merged(np.arange(len(units)), [u.label for u in units]))
    representative: list[int] = []
    cohesion: list[float] = []
    weakest: list[int] = []
    joined: list[float] = []
    ordered: list[Unit] = []
    for k in range(len(found.labels)):
        items = np.flatnonzero(found.numbers == k)
        unit = units[int(final_of[items[0]])]
        ordered.append(unit)
        keys = unit.keys.tolist()
        closeness = pairs.closeness(unit)
        frequency: Counter[str] = Counter()
        for key, count in zip(keys, unit.counts.tolist(), strict=True):
            for w in pairs.keys.words[key]:
                frequency[w] += count
        first_item: dict[int, int] = {}
        for item in items.tolist():
            first_item.setdefault(int(key_of[item]), item)
        # as for a small workshop: the raw idea sharing most words with the others, then the closest
        # to the others, then the first (raw ideas with the same words tie: the first of them)
        common = [sum(frequency[w] - 1 for w in pairs.keys.words[key]) for key in keys]
        best = max(range(len(keys)), key=lambda j: (common[j], closeness[j], -first_item[keys[j]]))
        representative.append(first_item[keys[best]])
        size = len(items)
        if size < 2:
            cohesion.append(1.0)
            weakest.append(int(items[0]))
            joined.append(1.0)
            continue
        weights = unit.counts.astype(np.float64)
        with_itself = np.where(pairs.keys.sizes[unit.keys] > 0, float(FULL), 0.0)
        cohesion.append(float(weights @ closeness - weights @ with_itself) / (size * (size - 1)) / FULL)
        # the raw idea least like the others: as for a small workshop, the first of equals
        average = (closeness - with_itself) / (size - 1)
        low = float(average.min())
        weakest.append(min(first_item[keys[j]] for j in np.flatnonzero(average == low).tolist()))
        joined.append(low / FULL)
    # the nearest other group, where the groups are few enough for one matrix of their sums
    if len(ordered) <= DENSE_LIMIT:
        sizes = np.array([u.size for u in ordered], dtype=np.float64)
        nearest, nearness = nearest_clusters(pairs.sums(ordered), sizes)
    else:
        nearest, nearness = [None] * len(ordered), [0.0] * len(ordered)
    return Grouping(found.numbers, found.labels, representative, cohesion, weakest, joined, nearest, nearness)


def group_blocked(
    words: Sequence[str],
    seeds: Sequence[object | None],
    threshold: float,
    idea_labels: Sequence[object],
    idea_words: Sequence[str],
    idea_threshold: float,
    key_meanings: np.ndarray | None = None,
) -> Grouping:
    """A customer's raw ideas (normalised ``words``) grouped in bounded memory, by the rules of the
    plain synthesis (``clustering.merge``): steps 1 to 3 of this module. ``key_meanings``: per word
    set in the order of its first raw idea (``synthesis.word_keys``), its meaning
    (``meaning.by_key``); without them, raw ideas are compared by words alone."""
    keys_of_items = [" ".join(sorted(set(w.split()))) for w in words]
    index: dict[str, int] = {}
    key_of = np.array([index.setdefault(k, len(index)) for k in keys_of_items], dtype=np.int64)
    keys = TextSet(list(index), key_meanings)
    units, start_of = _units(key_of, keys.sizes[key_of] == 0, seeds, idea_labels)
    pairs = _Pairs(keys, _key_ideas(keys, idea_words))
    frequency: Counter[str] = Counter(w for k in key_of.tolist() for w in keys.words[k])
    rounds = idle = 0
    while len(units) > DENSE_LIMIT and rounds < MAX_ROUNDS and idle < 2:
        order = _topic_order(units, keys, frequency, rare=rounds % 4 >= 2)
        before = len(units)
        units = _round(units, pairs, threshold, idea_threshold, order, BLOCK // 2 if rounds % 2 else 0)
        idle = idle + 1 if len(units) == before else 0
        rounds += 1
    units.sort(key=lambda u: u.first)  # as the plain clustering orders its clusters: by first raw idea
    if len(units) <= DENSE_LIMIT:
        units = _regroup(units, merge(_start(units, pairs), threshold, idea_threshold))
    final_of_start = np.empty(sum(len(u.starts) for u in units), dtype=np.int64)
    for number, unit in enumerate(units):
        final_of_start[unit.starts] = number
    return _describe(units, key_of, final_of_start[start_of], pairs)
