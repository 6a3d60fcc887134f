"""Similarity of normalised raw ideas and their average-linkage clustering (seed 000 §6.5, issue 7).

``similarity`` compares texts in whole hundredths of a percent, by their words and, where their
meanings are given (``meaning``, issue 18), by what they mean; ``TextSet`` prepares texts once so
that a large workshop is compared block by block (``similarity_block``) without ever holding all
pairs. ``merge`` is the clustering itself, over starting clusters (``Start``) that may be single raw
ideas (``clusters``) or groups of them (``blocked``, for a customer with more raw ideas than one
similarity matrix should hold). The rules of a link (an average link; an existing idea's words
weighing as much as its raw ideas) are stated once, in ``merge``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from cvm_xl.workshop.meaning import cosines

SCALE = 100  # rapidfuzz scores 0..100 -> whole hundredths of a percent 0..10,000
FULL = 100 * SCALE
_OVERLAP_WEIGHT = 0.5
_PARALLEL_PAIRS = 200_000  # from this many pairs a block is worth rapidfuzz's worker threads
# Similarity by meaning (issue 18), blended with the similarity by words: a cosine of MEANING_ZERO or
# less counts as 0%, one of MEANING_FULL or more as 100% (USE puts unrelated workshop ideas at about
# 0.1-0.2 and close paraphrases at 0.5-0.8), and the result weighs MEANING_WEIGHT of the blend.
# Chosen on tests/data/workshop_tuning_wire.csv and the project's first labelled set only
# (benchmarks/bench_synthesis.py --tune); the held-out workshops were never used to choose them.
MEANING_WEIGHT = 0.15
MEANING_ZERO = 0.1
MEANING_FULL = 0.7


class TextSet:
    """Normalised texts prepared for comparison: each text's set of words (sorted), those words as one
    text, their number, and for every word the texts holding it (ascending); and, when given, each
    text's meaning (``meaning.quantised`` vectors, one row per text)."""

    def __init__(self, texts: Sequence[str], meanings: np.ndarray | None = None) -> None:
        self.words = [sorted(set(t.split())) for t in texts]
        self.sorted_texts = [" ".join(ws) for ws in self.words]
        self.sizes = np.array([len(ws) for ws in self.words], dtype=np.float64)
        self.meanings = meanings
        postings: dict[str, list[int]] = {}
        for j, ws in enumerate(self.words):
            for w in ws:
                postings.setdefault(w, []).append(j)
        self.postings = {w: np.array(p, dtype=np.int64) for w, p in postings.items()}

    def __len__(self) -> int:
        return len(self.words)

    def subset(self, indices: Sequence[int]) -> TextSet:
        """The texts at ``indices``, in that order, with their meanings."""
        meanings = None if self.meanings is None else self.meanings[list(indices)]
        return TextSet([self.sorted_texts[k] for k in indices], meanings)


def _shared_words(rows: TextSet, r0: int, r1: int, cols: TextSet, c0: int, c1: int) -> np.ndarray:
    """Words in common between each of texts r0..r1 and each of texts c0..c1 (as float64), counted
    through the word index, so no text-by-vocabulary table is ever built."""
    width = c1 - c0
    positions: list[np.ndarray] = []
    for i in range(r0, r1):
        for w in rows.words[i]:
            holding = cols.postings.get(w)
            if holding is None:
                continue
            if c0 or c1 < len(cols):
                holding = holding[np.searchsorted(holding, c0) : np.searchsorted(holding, c1)]
            if len(holding):
                positions.append((i - r0) * width + (holding - c0))
    flat = np.concatenate(positions) if positions else np.zeros(0, dtype=np.int64)
    return np.bincount(flat, minlength=(r1 - r0) * width).reshape(r1 - r0, width).astype(np.float64)


def similarity_block(rows: TextSet, r0: int, r1: int, cols: TextSet, c0: int, c1: int) -> np.ndarray:
    """``similarity`` of texts r0..r1 of ``rows`` (rows) with texts c0..c1 of ``cols`` (columns)."""
    if r1 <= r0 or c1 <= c0:
        return np.zeros((max(r1 - r0, 0), max(c1 - c0, 0)))
    shared = _shared_words(rows, r0, r1, cols, c0, c1)
    sizes, other_sizes = rows.sizes[r0:r1], cols.sizes[c0:c1]
    shorter = np.minimum.outer(sizes, other_sizes)
    overlap = np.divide(shared, shorter, out=np.zeros_like(shared), where=shorter > 0) * 100.0
    workers = -1 if (r1 - r0) * (c1 - c0) >= _PARALLEL_PAIRS else 1
    spelling = process.cdist(
        rows.sorted_texts[r0:r1],
        cols.sorted_texts[c0:c1],
        scorer=fuzz.ratio,
        dtype=np.float64,
        workers=workers,
    )
    blended = _OVERLAP_WEIGHT * overlap + (1.0 - _OVERLAP_WEIGHT) * spelling
    if rows.meanings is not None and cols.meanings is not None and len(rows.meanings) and len(cols.meanings):
        cosine = cosines(rows.meanings[r0:r1], cols.meanings[c0:c1])
        by_meaning = np.clip((cosine - MEANING_ZERO) / (MEANING_FULL - MEANING_ZERO), 0.0, 1.0) * 100.0
        blended = (1.0 - MEANING_WEIGHT) * blended + MEANING_WEIGHT * by_meaning
    blended[sizes == 0, :] = 0.0
    blended[:, other_sizes == 0] = 0.0
    return np.rint(blended * SCALE)


def similarity_matrix(texts: Sequence[str]) -> np.ndarray:
    """Pairwise similarity of normalised texts in hundredths of a percent (0..10,000), as float64.

    Half the share of words in common, counted against the shorter text (so an idea that says less
    but nothing different still matches), and half rapidfuzz's ratio of the texts with their words
    sorted (so near-identical spellings count and longer texts with extra topics count less).
    """
    return similarity(texts, texts)


def similarity(
    texts: Sequence[str],
    others: Sequence[str],
    meanings: np.ndarray | None = None,
    other_meanings: np.ndarray | None = None,
) -> np.ndarray:
    """``similarity_matrix`` of each of ``texts`` (rows) with each of ``others`` (columns); by words
    and meaning when both ``meanings`` are given (``meaning.quantised``), by words alone else."""
    if len(texts) == 0 or len(others) == 0:
        return np.zeros((len(texts), len(others)))
    rows = TextSet(texts, meanings)
    cols = rows if others is texts and other_meanings is meanings else TextSet(others, other_meanings)
    return similarity_block(rows, 0, len(rows), cols, 0, len(cols))


class IdeaWords(NamedTuple):
    """Existing ideas taking part in clustering with their own words (title and description)."""

    labels: Sequence[object]  # each idea's label (its Idea ID), as used in the seeds
    similarity: np.ndarray  # items x ideas: each item's whole-number similarity to each idea's words
    threshold: float  # the limit for joining an idea, 0..1


class Clusters(NamedTuple):
    """The outcome of ``clusters``."""

    numbers: np.ndarray  # cluster number per item, numbered by first item
    labels: list[object | None]  # per cluster number: its seed or idea label, None for a free cluster


class Grouping(NamedTuple):
    """A customer's raw ideas grouped: ``numbers`` and ``labels`` as in ``Clusters``; per cluster
    number, the raw idea that says most of what the group has in common (``representative``) and the
    average similarity between its raw ideas, 0..1 (``cohesion``, 1 for a single raw idea); the raw
    idea least like the others (``weakest``) with its average similarity to them, 0..1 (``joined``,
    1 for a single raw idea); the most similar other cluster (``nearest``, None when there is none or
    it was not computed) with the average similarity between their raw ideas (``nearness``, 0..1)."""

    numbers: np.ndarray
    labels: list[object | None]
    representative: list[int]
    cohesion: list[float]
    weakest: list[int]
    joined: list[float]
    nearest: list[int | None]
    nearness: list[float]


def nearest_clusters(sums: np.ndarray, sizes: np.ndarray) -> tuple[list[int | None], list[float]]:
    """Per cluster, the other cluster with the highest average similarity between their raw ideas and
    that average, 0..1, from the clusters' summed similarities (``sums``) and sizes; ties go to the
    lower number."""
    n = len(sizes)
    if n < 2:
        return [None] * n, [0.0] * n
    with np.errstate(divide="ignore", invalid="ignore"):
        average = sums / np.outer(sizes, sizes)
    average[~np.isfinite(average)] = -np.inf
    np.fill_diagonal(average, -np.inf)
    best = average.argmax(axis=1)
    values = average[np.arange(n), best]
    return (
        [int(b) if np.isfinite(v) else None for b, v in zip(best, values, strict=True)],
        [float(v) / FULL if np.isfinite(v) else 0.0 for v in values],
    )


class Start(NamedTuple):
    """The clusters ``merge`` starts from.

    ``sums``: whole-number similarity summed over every pair of raw ideas between two clusters (the
    diagonal is not used); ``word_sums``: per cluster, the summed similarity of its raw ideas to each
    idea's own words; ``counts``: raw ideas per cluster (0 for an existing idea no raw idea is under
    yet); ``labels``: a cluster's fixed label (a Mother idea ID or an idea's label) or None;
    ``idea_of``: the column of the cluster's idea in ``word_sums``, -1 for none.
    """

    sums: np.ndarray
    word_sums: np.ndarray
    counts: np.ndarray
    labels: list[object | None]
    idea_of: np.ndarray


class Merged(NamedTuple):
    """Per starting cluster, the starting cluster it ended in (its representative); per
    representative, its label."""

    root: np.ndarray
    labels: list[object | None]


def merge(start: Start, threshold: float, idea_threshold: float | None) -> Merged:
    """Average-linkage clustering of the starting clusters under constraints (``start``'s arrays,
    float64, are changed in place).

    Clusters with different labels never merge. Merging stops when no two clusters are at least
    ``threshold`` (0..1) similar on average. A cluster labelled with an existing idea (``idea_of``)
    links to a free cluster by the free cluster's average similarity to the idea's words, averaged
    half and half with the plain average link to the idea's raw ideas when there are any: the idea's
    own words count as much as all its raw ideas together, however many. That link must reach
    ``idea_threshold``. Among links that reach their limit, the one that clears it by most merges
    first; ties go to the lowest cluster numbers, so the result is deterministic.
    """
    # the arrays of ``start`` are merged in place (no copy of a large matrix); whole numbers, so the
    # sums stay exact whatever the order of merging
    sums, word_sums, counts, idea_of = start.sums, start.word_sums, start.counts, start.idea_of
    labels = list(start.labels)
    m = len(labels)
    root = np.arange(m)
    if m == 0:
        return Merged(root, labels)
    locked = np.array([x is not None for x in labels], dtype=bool)
    active = np.ones(m, dtype=bool)
    limit = threshold * FULL
    # a link to an idea is held against the idea limit: shifting it puts all links on one scale
    shift = 0.0 if idea_threshold is None else (idea_threshold - threshold) * FULL

    def links(a: int) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            r = sums[a] / (counts[a] * counts)
            if idea_of[a] >= 0:  # an idea's cluster: links to free clusters only
                by_words = word_sums[:, idea_of[a]] / counts
                r = (by_words if counts[a] == 0 else (by_words + r) / 2) - shift
            elif not locked[a]:
                at = np.flatnonzero(idea_of >= 0)
                by_words = word_sums[a, idea_of[at]] / counts[a]
                r[at] = np.where(counts[at] > 0, (by_words + r[at]) / 2, by_words) - shift
        r[~active] = -np.inf
        r[a] = -np.inf
        if locked[a]:
            r[locked] = -np.inf
        return r

    link = np.vstack([links(a) for a in range(m)])
    best = link.argmax(axis=1)
    best_val = link[np.arange(m), best]
    while True:
        a = int(best_val.argmax())
        if not best_val[a] >= limit:
            break
        a, b = sorted((a, int(best[a])))
        sums[a] += sums[b]
        sums[:, a] = sums[a]
        word_sums[a] += word_sums[b]
        counts[a] += counts[b]
        locked[a] |= locked[b]
        idea_of[a] = max(idea_of[a], idea_of[b])
        labels[a] = labels[b] if labels[a] is None else labels[a]
        active[b] = False
        root[root == b] = a
        link[b] = -np.inf
        link[:, b] = -np.inf
        best_val[b] = -np.inf
        link[a] = links(a)
        link[:, a] = link[a]
        stale = np.flatnonzero(active & ((best == a) | (best == b)))
        stale = np.union1d(stale, [a])
        best[stale] = link[stale].argmax(axis=1)
        best_val[stale] = link[stale, best[stale]]
        # A plain average link to the merged cluster lies between the links to its two parts, so it
        # cannot beat a cluster's best; a link to an idea's cluster can, as its words weigh half.
        gained = active & ((link[:, a] > best_val) | ((link[:, a] == best_val) & (best > a)))
        best[gained] = a
        best_val[gained] = link[gained, a]
    return Merged(root, labels)


def cluster(
    sim: np.ndarray,
    seeds: Sequence[object | None],
    threshold: float,
    ideas: IdeaWords | None = None,
) -> np.ndarray:
    """Average-linkage clusters of items under constraints; returns a cluster number per item.

    ``sim`` holds whole-number similarities (0..FULL); ``seeds[i]`` is an item's fixed group label or
    None. Items with the same label start together; clusters with different labels never merge.
    Merging stops when no two clusters are at least ``threshold`` (0..1) similar on average. Ties go
    to the lowest cluster numbers, so the result is deterministic. Clusters are numbered by their
    first item. ``ideas``: existing ideas that take part with their own words (see ``clusters``).
    """
    return clusters(sim, seeds, threshold, ideas).numbers


def numbered(member_of: np.ndarray, merged: Merged) -> Clusters:
    """Clusters numbered by their first item, from each item's starting cluster and how they merged."""
    final = merged.root[member_of]
    order_of: dict[int, int] = {}
    for label in final.tolist():
        order_of.setdefault(label, len(order_of))
    numbers = np.array([order_of[label] for label in final.tolist()], dtype=int)
    return Clusters(numbers, [merged.labels[c] for c in order_of])


def clusters(
    sim: np.ndarray,
    seeds: Sequence[object | None],
    threshold: float,
    ideas: IdeaWords | None = None,
) -> Clusters:
    """``cluster``, with each cluster's label, and existing ideas taking part with their own words.

    The cluster labelled with an idea's label (empty when no item is seeded with it) links to a free
    cluster as ``merge`` says, by the idea's words and its raw ideas; that link must reach
    ``ideas.threshold``.
    """
    n = len(seeds)
    if n == 0:
        return Clusters(np.zeros(0, dtype=int), [])
    idea_labels = list(ideas.labels) if ideas is not None else []
    words = ideas.similarity if ideas is not None and idea_labels else np.zeros((n, 0))
    # initial clusters: one per fixed label (at its first item), one per free item, in item order;
    # then one, still empty, per existing idea that no item is under yet
    first: dict[object, int] = {}
    head_of = np.empty(n, dtype=int)
    for i, label in enumerate(seeds):
        head_of[i] = i if label is None else first.setdefault(label, i)
    heads, member_of = np.unique(head_of, return_inverse=True)
    filled = len(heads)
    labels: list[object | None] = [seeds[h] for h in heads]
    labels += [x for x in dict.fromkeys(idea_labels) if x not in first]
    m = len(labels)
    column = {x: j for j, x in reversed(list(enumerate(idea_labels)))}
    idea_of = np.array([-1 if x is None else column.get(x, -1) for x in labels], dtype=int)
    sums = np.zeros((m, m))
    word_sums = np.zeros((m, words.shape[1]))
    if filled < n:
        order = np.argsort(member_of, kind="stable")
        bounds = np.flatnonzero(np.r_[True, np.diff(member_of[order]) != 0])
        block = np.add.reduceat(np.add.reduceat(sim[order], bounds, axis=0)[:, order], bounds, axis=1)
        sums[:filled, :filled] = block
        if words.shape[1]:
            word_sums[:filled] = np.add.reduceat(words[order], bounds, axis=0)
    else:
        sums[:filled, :filled] = sim
        word_sums[:filled] = words
    counts = np.zeros(m)
    counts[:filled] = np.bincount(member_of, minlength=filled)
    start = Start(sums, word_sums, counts, labels, idea_of)
    merged = merge(start, threshold, None if ideas is None else ideas.threshold)
    return numbered(member_of, merged)
