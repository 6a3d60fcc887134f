"""Live synthesis of a workshop's raw ideas into suggested mother ideas (seed 000 §6.5, issue 7).

Per customer, each raw idea's text is normalised in the Workshop language (``text_normalise``) and
compared with every other by its words (rapidfuzz) and by its meaning (``meaning``, issue 18);
average-linkage clustering then merges the most similar groups until no two groups are at least
``threshold`` similar on average (``clustering``). A customer with more raw ideas than one
similarity matrix should hold (``blocked.DENSE_LIMIT``) is grouped by the same rules in bounded
memory (``blocked``): 30,000 raw ideas within 1 GB.

The customer's existing ideas (its own Ideas rows, never another customer's) take part from the start,
each as a group of its raw ideas (possibly none) and its own words, title and description. A group of
raw ideas joins an existing idea when its average similarity to the idea's words, averaged half and
half with its average similarity to the idea's raw ideas (alone when there are none), reaches
``idea_threshold``. That limit is stricter than ``threshold`` by default: a raw idea wrongly put under
an existing idea hides a new idea, while a missed match only drafts one the facilitator can merge.
Out of bounds ideas are matched like any other, so that a raw idea on a topic the firms keep out of
bounds goes under that idea (which keeps it out of the customer's workbook) instead of into a new
draft that would be exported; the report marks them. An idea the synthesis drafted is matched through
its raw ideas only, not its words, until the facilitator retitles it.

The facilitator's choices always win:

* a raw idea whose ``Mother idea ID`` is filled keeps it; raw ideas sharing one ID start as one group,
  and two groups with different IDs are never merged;
* a blank raw idea that ends up in a group with an ID (its own or an existing idea's) gets that ID;
* a group with no ID becomes a draft Ideas row (status Proposed, a new Idea ID following the
  customer's own ID pattern, the title of its most representative raw idea, a description listing
  its raw IDs). A group of one raw idea is a *singleton*: it stays blank and is reported, unless the
  caller asks for singletons to become draft ideas too.

Similarities are whole numbers (hundredths of a percent), so a group's average similarity is the same
number however the group came about: running the synthesis again on its own result finds nothing to
merge and changes nothing.

Per wave (issue 14: "synthesis ... per wave"), when the customers' waves are given (``waves``, with
the ``as_of`` day that decides a blank Wave, ``core.waves``):

* raw ideas are grouped within one customer **and one wave** only: a raw idea's wave is its Wave
  cell, or when blank the customer's latest wave as of ``as_of`` (``core.waves.row_waves``);
* the customer's existing ideas take part only within their own wave (read the same way), so a wave-2
  raw idea never joins a wave-1 idea by similarity: a new wave's workshop looks for new ideas;
* a new mother idea's ``Wave`` is written when a raw idea of its group has its Wave typed (the
  facilitator said which wave they came from: the draft keeps it when a later wave starts); when all
  are blank the draft's Wave stays blank, so the idea and its raw ideas follow the latest wave alike;
* the facilitator's Mother idea IDs still win: a raw idea whose ID names an idea of the customer's
  **other** wave keeps it (grouped with the raw ideas of its own wave) and is reported as a warning
  (``core.waves.mother_other_waves``, the rule ``cvm-xl validate`` reports too): the idea or the raw
  idea may carry the wrong Wave.

Without ``waves`` every customer is one group, as before waves existed. Grouping within a wave only
splits a customer's raw ideas, so no similarity matrix grows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from math import comb
from typing import NamedTuple, cast

import numpy as np
import pandas as pd

from cvm_xl.core import columns as col
from cvm_xl.core.cells import parse_yes_no
from cvm_xl.core.problems import Code
from cvm_xl.core.settings import WORKSHOP_LANGUAGES
from cvm_xl.core.values import is_blank
from cvm_xl.core.waves import CustomerWaves, WaveFinding, mother_other_waves, row_waves, wave_number
from cvm_xl.workshop.blocked import DENSE_LIMIT, group_blocked
from cvm_xl.workshop.clustering import (
    FULL,
    Clusters,
    Grouping,
    IdeaWords,
    cluster,
    clusters,
    nearest_clusters,
    similarity,
    similarity_matrix,
)
from cvm_xl.workshop.meaning import by_key, vectors
from cvm_xl.workshop.text_normalise import ENGLISH, meaning_text, normalise

# Names the workshop's users (the command line, the macros, tests and benchmarks) import from here.
__all__ = [
    "DEFAULT_IDEA_THRESHOLD",
    "DEFAULT_THRESHOLD",
    "DRAFT_STATUS",
    "IDEA_TEXT",
    "MOTHER_ID",
    "RAW_ID",
    "Clusters",
    "IdeaWords",
    "OtherWave",
    "Singleton",
    "SynthesisGroup",
    "SynthesisReport",
    "SynthesisResult",
    "adjusted_rand_index",
    "cluster",
    "clusters",
    "raw_idea_meanings",
    "render_report",
    "report_frame",
    "similarity",
    "similarity_matrix",
    "synthesize",
]

RAW_ID = "Raw ID"
IDEA_TEXT = "Idea"
MOTHER_ID = "Mother idea ID"
DRAFT_STATUS = "Proposed"

# Chosen on tests/data/workshop_labelled.csv and checked on workshops written independently of the
# word lists (tests/test_synthesis.py): 0.275..0.325 all score an adjusted Rand index of 0.8 or more.
DEFAULT_THRESHOLD = 0.3
# Chosen on the bundled sample (blank raw ideas of known mother ideas against raw ideas on new topics)
# and checked on the labelled workshops with an existing idea for every other group
# (benchmarks/bench_synthesis.py). A little lower (0.325) puts a few more raw ideas under their
# existing idea, but also starts putting new topics under existing ideas; precision comes first.
DEFAULT_IDEA_THRESHOLD = 0.35


class Singleton(NamedTuple):
    """A raw idea that resembles no other closely enough and has no mother idea."""

    customer_id: str
    raw_id: str
    idea: str
    wave: int | None = None  # its wave (None: synthesised without waves)


class OtherWave(NamedTuple):
    """A raw idea whose Mother idea ID names an idea of its customer's other wave (a warning,
    ``core.waves.MOTHER_OTHER_WAVE``); ``position`` is its row in the Workshop table (0 = first),
    ``finding`` the rule's finding (its message and fix)."""

    customer_id: str
    raw_id: str
    mother_id: str
    wave: int | None  # the raw idea's wave
    idea_wave: int | None  # the mother idea's wave
    position: int
    finding: WaveFinding


@dataclass(frozen=True)
class SynthesisGroup:
    """One mother idea and the raw ideas grouped under it, in table order."""

    customer_id: str
    idea_id: str
    raw_ids: tuple[str, ...]
    filled: tuple[str, ...]  # raw ideas whose blank Mother idea ID this run fills
    new: bool  # True when this run drafts the Ideas row
    title: str  # text of the most representative raw idea
    cohesion: float  # average similarity between its raw ideas, 0..1 (1 for a single raw idea)
    out_of_bounds: bool = False  # an existing idea marked Out of bounds
    # What the facilitator checks in a dry run (issue 18): the raw idea least like the others, with
    # the average similarity that holds it in the group (1 for a single raw idea) ...
    weakest: str = ""  # its Raw ID
    joined: float = 1.0
    # ... and the most similar other group (its mother idea, or the Raw ID of a singleton; "" for
    # none) with the average similarity between their raw ideas.
    nearest: str = ""
    nearness: float = 0.0
    weakest_idea: str = ""  # the weakest raw idea's text
    wave: int | None = None  # the wave its raw ideas belong to (None: synthesised without waves)

    @property
    def size(self) -> int:
        return len(self.raw_ids)


@dataclass(frozen=True)
class SynthesisReport:
    threshold: float
    groups: tuple[SynthesisGroup, ...]
    singletons: tuple[Singleton, ...]
    raw_ideas: dict[str, int]  # customer -> raw ideas considered
    unknown_mother_ids: tuple[tuple[str, str], ...]  # (customer, ID) used in Workshop, absent from Ideas
    idea_threshold: float | None = None  # the limit for joining an existing idea
    other_waves: tuple[OtherWave, ...] = ()  # Mother idea IDs naming an idea of another wave

    @property
    def new_groups(self) -> tuple[SynthesisGroup, ...]:
        return tuple(g for g in self.groups if g.new)

    @property
    def filled(self) -> int:
        return sum(len(g.filled) for g in self.groups)


@dataclass(frozen=True)
class SynthesisResult:
    """What a synthesis proposes; ``apply`` turns it into the updated Workshop and Ideas tables."""

    mother_ids: pd.Series  # Mother idea ID per Workshop row (same index); only blanks were filled
    new_ideas: pd.DataFrame  # draft Ideas rows (all §4 input columns), one per new group
    report: SynthesisReport

    @property
    def changed(self) -> bool:
        return self.report.filled > 0 or not self.new_ideas.empty

    def apply(self, workshop: pd.DataFrame, ideas: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Copies of both tables with the blanks filled and the draft ideas appended at the end."""
        updated = workshop.copy()
        updated[MOTHER_ID] = self.mother_ids.reindex(workshop.index)
        if self.new_ideas.empty:
            return updated, ideas.copy()
        drafts = self.new_ideas.copy()
        numeric = pd.api.types.is_integer_dtype(ideas.index.dtype)
        start = int(ideas.index.max()) + 1 if numeric and len(ideas) else 0
        drafts.index = pd.RangeIndex(start, start + len(drafts), name=ideas.index.name)
        return updated, pd.concat(
            [ideas, drafts.reindex(columns=ideas.columns.union(drafts.columns, sort=False))]
        )


def _text(x: object) -> str | None:
    return None if is_blank(x) else " ".join(str(x).split())


def word_keys(words: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Each raw idea's key (raw ideas with the same set of normalised words share one) and the keys'
    words, in the order of their first raw idea."""
    index: dict[str, int] = {}
    key_of = [index.setdefault(" ".join(sorted(set(w.split()))), len(index)) for w in words]
    return np.array(key_of, dtype=np.int64), list(index)


def group_raw_ideas(
    words: Sequence[str],
    seeds: Sequence[str | None],
    threshold: float,
    idea_labels: Sequence[str],
    idea_words: Sequence[str],
    idea_threshold: float,
    texts: Sequence[str] | None = None,
    language: str = ENGLISH,
) -> Grouping:
    """One customer's raw ideas (normalised ``words``) grouped, with each group's title and cohesion.

    ``texts``: the raw ideas as typed (in ``language``), compared by meaning (``meaning``) as well as
    by words; without them, by words alone. Existing ideas are matched by their words alone: with
    their meaning too, whole groups of a neighbouring topic went under them (on the labelled
    workshops, tin coating under lacquer), and a raw idea wrongly put under an existing idea hides
    a new one. A raw idea's meaning is the mean of the meanings of the raw ideas with the same
    words, so that raw ideas with the same words stay 100% alike.

    Up to ``blocked.DENSE_LIMIT`` raw ideas, one similarity matrix of them all; beyond, the blocked
    synthesis (``blocked.group_blocked``), which holds a bounded number of similarities at a time.
    """
    key_of, keys = word_keys(words)
    key_meanings = None if texts is None else by_key(key_of, len(keys), raw_idea_meanings(texts, language))
    if len(words) > DENSE_LIMIT:
        return group_blocked(words, seeds, threshold, idea_labels, idea_words, idea_threshold, key_meanings)
    meanings = None if key_meanings is None else key_meanings[key_of]
    sim = similarity(words, words, meanings, meanings)
    matched = IdeaWords(idea_labels, similarity(words, idea_words), idea_threshold)
    found = clusters(sim, seeds, threshold, matched)
    members = [np.flatnonzero(found.numbers == k) for k in range(len(found.labels))]
    weakest = [_weakest(sim, m) for m in members]
    order = np.argsort(found.numbers, kind="stable")
    bounds = np.flatnonzero(np.r_[True, np.diff(found.numbers[order]) != 0]) if len(order) else order
    sums = np.add.reduceat(np.add.reduceat(sim[order], bounds, axis=0)[:, order], bounds, axis=1)
    nearest, nearness = nearest_clusters(sums, np.array([len(m) for m in members], dtype=np.float64))
    return Grouping(
        found.numbers,
        found.labels,
        [_representative(sim, words, m) for m in members],
        [_cohesion(sim, m) for m in members],
        [w for w, _ in weakest],
        [j for _, j in weakest],
        nearest,
        nearness,
    )


def raw_idea_meanings(texts: Sequence[str], language: str) -> np.ndarray:
    """Per text, its meaning: the mean of the meaning of the text as typed and of its words without
    the stop words (``text_normalise.meaning_text``). The first keeps short ideas whole, the second
    lets the model place an idea by what sets it apart (benchmarks/RESULTS.md)."""
    both = vectors(list(texts))
    both += vectors([meaning_text(t, language) for t in texts])
    return both


def _weakest(sim: np.ndarray, members: np.ndarray) -> tuple[int, float]:
    """The member least similar to the others on average (the first of equals), and that average."""
    k = len(members)
    if k < 2:
        return int(members[0]), 1.0
    block = sim[np.ix_(members, members)]
    average = (block.sum(axis=1) - np.diag(block)) / (k - 1)
    at = int(average.argmin())
    return int(members[at]), float(average[at]) / FULL


_ID_TAIL = re.compile(r"^(.*?)(\d+)$")


class _IdMaker:
    """New Idea IDs in the customer's own pattern (AUT-15 -> AUT-16), else '<Customer ID>-M01'."""

    def __init__(self, customer_id: str, customer_ids: Sequence[str], taken: set[str]) -> None:
        self.taken = taken
        parsed = [(m.group(1), m.group(2)) for m in map(_ID_TAIL.match, customer_ids) if m]
        if parsed:
            counts = Counter(prefix for prefix, _ in parsed)
            top = max(counts.values())
            # the most used prefix; among equals the one used last
            self.prefix = next(p for p, _ in reversed(parsed) if counts[p] == top)
            digits = [d for p, d in parsed if p == self.prefix]
            self.width = max(len(d) for d in digits)
            self.next = max(int(d) for d in digits) + 1
        else:
            self.prefix, self.width, self.next = f"{customer_id}-M", 2, 1

    def __call__(self) -> str:
        while True:
            candidate = f"{self.prefix}{self.next:0{self.width}d}"
            self.next += 1
            if candidate.casefold() not in self.taken:
                self.taken.add(candidate.casefold())
                return candidate


def _representative(sim: np.ndarray, words: Sequence[str], members: np.ndarray) -> int:
    """The member that says most of what the group has in common (its words shared with most other
    members), then the one most similar to the others, then the first in table order."""
    sets = [set(words[i].split()) for i in members]
    frequency = Counter(w for s in sets for w in s)
    common = [sum(frequency[w] - 1 for w in s) for s in sets]
    closeness = sim[np.ix_(members, members)].sum(axis=1)
    best = max(range(len(members)), key=lambda k: (common[k], closeness[k], -k))
    return int(members[best])


def _cohesion(sim: np.ndarray, members: np.ndarray) -> float:
    k = len(members)
    if k < 2:
        return 1.0
    block = sim[np.ix_(members, members)]
    return float((block.sum() - np.trace(block)) / (k * (k - 1)) / FULL)


_NUMBER_INPUTS = (*col.VALUE_INPUTS, col.SUPPLIER_SHARE)


def _draft_rows(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Draft Ideas rows with every §4 input column: numbers NaN, anything else None unless set."""
    frame = pd.DataFrame(rows, columns=list(col.IDEA_INPUTS))
    return frame.astype({c: (float if c in _NUMBER_INPUTS else object) for c in frame.columns})


def _cells(table: pd.DataFrame, name: str) -> list[object]:
    """A column's cells as they are (None for each row of a missing column)."""
    return table[name].tolist() if name in table.columns else [None] * len(table)


def _column(table: pd.DataFrame, name: str) -> list[str | None]:
    """A text column as trimmed strings, None for blanks (and for a missing column)."""
    if name not in table.columns:
        return [None] * len(table)
    return [_text(x) for x in table[name].tolist()]


_DRAFTED = re.compile(r"Synthesised from \d+ raw ideas?: ")


def _draft_description(raw_ids: Sequence[str]) -> str:
    plural = "s" if len(raw_ids) > 1 else ""
    return f"Synthesised from {len(raw_ids)} raw idea{plural}: {', '.join(raw_ids)}."


def _own_words(
    title: str | None, description: str | None, raw_texts: Collection[str], language: str = ENGLISH
) -> str:
    """An existing idea's title and description as normalised words; "" when they add nothing.

    The synthesis' own description of a draft lists raw IDs, and a draft's title is one of its raw
    ideas: both say nothing the raw ideas do not, and using them would let a second run pull raw ideas
    into the drafts of the first.
    """
    drafted = description is not None and _DRAFTED.match(description) is not None
    if drafted:
        description = None
        if title is not None and title.casefold() in raw_texts:
            title = None
    return normalise(f"{title or ''} {description or ''}", language)


def _is_out_of_bounds(value: object) -> bool:
    try:
        return bool(parse_yes_no(value, False))
    except ValueError:
        return False


def synthesize(
    workshop: pd.DataFrame,
    ideas: pd.DataFrame,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    customers: Collection[str] | None = None,
    singletons_as_ideas: bool = False,
    idea_threshold: float | None = None,
    language: str = ENGLISH,
    waves: CustomerWaves | None = None,
    as_of: dt.date | None = None,
) -> SynthesisResult:
    """Suggested mother ideas for the raw ideas of every customer (or of ``customers`` only).

    ``threshold`` (0..1) is the average similarity at which two groups merge: lower gives fewer,
    broader groups. ``idea_threshold`` (0..1) is the similarity at which raw ideas join one of the
    customer's existing ideas (default: ``DEFAULT_IDEA_THRESHOLD``, or ``threshold`` if that is
    higher). ``language``: the Workshop language the raw ideas are written in (Settings), one of
    ``core.settings.WORKSHOP_LANGUAGES``. Raw ideas without a Raw ID, Customer ID or text are left as
    they are. ``waves``: every customer's waves (``core.waves.customer_waves``), so that raw ideas are
    grouped per customer and wave (module rules), a blank Wave read as the latest wave as of ``as_of``
    (required with ``waves``); None groups per customer alone.
    """
    if waves is not None and as_of is None:
        raise ValueError("synthesis per wave needs the as-of day that decides a blank Wave")
    if language not in WORKSHOP_LANGUAGES:
        raise ValueError(f"workshop language {language!r} must be one of {', '.join(WORKSHOP_LANGUAGES)}")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"similarity threshold {threshold!r} must be between 0 and 1 (e.g. 0.3 for 30%)")
    if idea_threshold is None:
        idea_threshold = max(threshold, DEFAULT_IDEA_THRESHOLD)
    elif not 0.0 <= idea_threshold <= 1.0:
        raise ValueError(
            f"similarity threshold for existing ideas {idea_threshold!r} must be between 0 and 1 "
            "(e.g. 0.35 for 35%)"
        )
    mother_ids = _column(workshop, MOTHER_ID)
    raw_ids = _column(workshop, RAW_ID)
    texts = _column(workshop, IDEA_TEXT)
    owners = _column(workshop, col.CUSTOMER_ID)
    idea_ids = _column(ideas, col.IDEA_ID)
    idea_owners = _column(ideas, col.CUSTOMER_ID)
    titles = _column(ideas, col.TITLE)
    descriptions = _column(ideas, col.DESCRIPTION)
    outside_bounds = (
        ideas[col.OUT_OF_BOUNDS].map(_is_out_of_bounds).tolist()
        if col.OUT_OF_BOUNDS in ideas.columns
        else [False] * len(ideas)
    )
    known = {i for i in idea_ids if i}
    taken = {i.casefold() for i in known} | {i.casefold() for i in mother_ids if i}
    wanted = None if customers is None else {str(c).strip() for c in customers}

    groups: list[SynthesisGroup] = []
    singletons: list[Singleton] = []
    drafts: list[dict[str, object]] = []
    counted: dict[str, int] = {}
    unknown: list[tuple[str, str]] = []
    other_waves: list[OtherWave] = []
    # Each row's wave (all None without waves: one group per customer, as before waves existed).
    no_waves: list[int | None] = [None] * len(workshop)
    raw_waves = no_waves if waves is None or as_of is None else row_waves(workshop, waves, as_of)
    idea_waves = [None] * len(ideas) if waves is None or as_of is None else row_waves(ideas, waves, as_of)
    typed = [waves is not None and wave_number(x) is not None for x in _cells(workshop, col.WAVE)]
    # Mother idea IDs naming an idea of another wave: the one rule (core.waves), by Workshop row.
    other_wave = (
        {}
        if waves is None or as_of is None
        else {f.position: f for f in mother_other_waves(workshop, ideas, waves, as_of)}
    )
    makers: dict[str, _IdMaker] = {}
    usable = [r for r in range(len(workshop)) if owners[r] and texts[r] and raw_ids[r]]
    for customer, wave in dict.fromkeys((str(owners[r]), raw_waves[r]) for r in usable):
        if wanted is not None and customer not in wanted:
            continue
        rows = [r for r in usable if owners[r] == customer and raw_waves[r] == wave]
        seeds = [mother_ids[r] for r in rows]
        counted[customer] = counted.get(customer, 0) + len(rows)
        unknown += [(customer, i) for i in dict.fromkeys(x for x in seeds if x) if i not in known]
        raw_texts = [str(texts[r]) for r in rows]
        words = [normalise(t, language) for t in raw_texts]
        own: dict[str, int] = {}  # the customer's own ideas of this wave: Idea ID -> its first Ideas row
        for j, (idea_id, owner) in enumerate(zip(idea_ids, idea_owners, strict=True)):
            if owner == customer and idea_id and idea_waves[j] == wave:
                own.setdefault(idea_id, j)
        for r, seed in zip(rows, seeds, strict=True):
            if seed and r in other_wave:
                found_wave = other_wave[r]
                idea_wave = cast(int | None, found_wave.fields["idea_wave"])
                other_waves.append(OtherWave(customer, str(raw_ids[r]), seed, wave, idea_wave, r, found_wave))
        under: dict[str, set[str]] = {}
        for r in rows:
            if mother_ids[r]:
                under.setdefault(str(mother_ids[r]), set()).add(str(texts[r]).casefold())
        own_words = {
            i: _own_words(titles[j], descriptions[j], under.get(i, set()), language) for i, j in own.items()
        }
        with_words = [i for i, w in own_words.items() if w]
        found = group_raw_ideas(
            words,
            seeds,
            threshold,
            with_words,
            [own_words[i] for i in with_words],
            idea_threshold,
            raw_texts,
            language,
        )
        if customer not in makers:  # one numbering per customer, over all its waves
            own_ids = [i for i, c in zip(idea_ids, idea_owners, strict=True) if c == customer and i]
            makers[customer] = _IdMaker(customer, own_ids, taken)
        make_id = makers[customer]
        # every cluster's name first (its mother idea, or a singleton's Raw ID), for ``nearest``
        names: list[str] = []
        for k, label in enumerate(found.labels):
            members = np.flatnonzero(found.numbers == k)
            alone = label is None and len(members) == 1 and not singletons_as_ideas
            names.append(
                str(raw_ids[rows[members[0]]]) if alone else str(label) if label is not None else make_id()
            )
        for k, label in enumerate(found.labels):
            members = np.flatnonzero(found.numbers == k)
            title = str(texts[rows[found.representative[k]]])
            ids = tuple(str(raw_ids[rows[i]]) for i in members)
            if label is None and len(members) == 1 and not singletons_as_ideas:
                singletons.append(Singleton(customer, ids[0], title, wave))
                continue
            mother_id = names[k]
            filled = []
            for position, i in enumerate(members):
                if not seeds[i]:
                    mother_ids[rows[i]] = mother_id
                    filled.append(ids[position])
            new = label is None
            outside = not new and mother_id in own and outside_bounds[own[mother_id]]
            cohesion = found.cohesion[k]
            near = found.nearest[k]
            groups.append(
                SynthesisGroup(
                    customer,
                    mother_id,
                    ids,
                    tuple(filled),
                    new,
                    title,
                    cohesion,
                    outside,
                    str(raw_ids[rows[found.weakest[k]]]),
                    found.joined[k],
                    "" if near is None else names[near],
                    found.nearness[k],
                    str(texts[rows[found.weakest[k]]]),
                    wave,
                )
            )
            if new:
                drafts.append(
                    {
                        col.IDEA_ID: mother_id,
                        col.CUSTOMER_ID: customer,
                        col.TITLE: title,
                        col.DESCRIPTION: _draft_description(ids),
                        col.STATUS: DRAFT_STATUS,
                        # a typed Wave among its raw ideas is kept; all blank: blank (module rules)
                        col.WAVE: wave if any(typed[rows[i]] for i in members) else None,
                    }
                )
    report = SynthesisReport(
        threshold,
        tuple(groups),
        tuple(singletons),
        counted,
        tuple(dict.fromkeys(unknown)),
        idea_threshold,
        tuple(other_waves),
    )
    filled_ids = pd.Series(mother_ids, index=workshop.index, dtype=object, name=MOTHER_ID)
    return SynthesisResult(filled_ids, _draft_rows(drafts), report)


def _kind(group: SynthesisGroup) -> str:
    if group.new:
        return "New mother idea"
    return "Existing mother idea, out of bounds" if group.out_of_bounds else "Existing mother idea"


def report_frame(report: SynthesisReport) -> pd.DataFrame:
    """The report as a table, one row per mother idea and per singleton (for a sheet)."""
    rows = [
        {
            col.CUSTOMER_ID: g.customer_id,
            col.IDEA_ID: g.idea_id,
            "Kind": _kind(g),
            "Raw ideas": g.size,
            "Filled now": len(g.filled),
            "Cohesion": g.cohesion,
            col.TITLE: g.title,
            "Raw IDs": ", ".join(g.raw_ids),
        }
        for g in report.groups
    ]
    rows += [
        {
            col.CUSTOMER_ID: s.customer_id,
            col.IDEA_ID: None,
            "Kind": "Singleton",
            "Raw ideas": 1,
            "Filled now": 0,
            "Cohesion": 1.0,
            col.TITLE: s.idea,
            "Raw IDs": s.raw_id,
        }
        for s in report.singletons
    ]
    columns = [
        col.CUSTOMER_ID,
        col.IDEA_ID,
        "Kind",
        "Raw ideas",
        "Filled now",
        "Cohesion",
        col.TITLE,
        "Raw IDs",
    ]
    return pd.DataFrame(rows, columns=columns)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_report(report: SynthesisReport, width: int = 100) -> str:
    """The report as plain text for the terminal or a log."""
    limits = f"similarity threshold {report.threshold:.0%}"
    if report.idea_threshold is not None:
        limits += f", {report.idea_threshold:.0%} to join an existing idea"
    lines = [f"Synthesis of raw ideas ({limits})"]
    if not report.raw_ideas:
        lines.append("No raw ideas to synthesise.")
    for customer, n in report.raw_ideas.items():
        groups = [g for g in report.groups if g.customer_id == customer]
        alone = [s for s in report.singletons if s.customer_id == customer]
        new = sum(g.new for g in groups)
        filled = sum(len(g.filled) for g in groups)
        lines.append("")
        lines.append(
            f"{customer}: {_count(n, 'raw idea')} -> {_count(len(groups), 'mother idea')} ({new} new), "
            f"{_count(len(alone), 'singleton')}; {_count(filled, 'raw idea')} assigned now"
        )
        if groups:
            id_width = max(len("Mother idea"), *(len(g.idea_id) for g in groups))
            lines.append(f"  {'Mother idea':<{id_width}}  Kind  Raw  Cohesion  Title")
        for g in groups:
            kind = "new " if g.new else "kept"
            head = f"  {g.idea_id:<{id_width}}  {kind}  {g.size:>3}  {g.cohesion:>8.0%}  "
            title = f"(out of bounds) {g.title}" if g.out_of_bounds else g.title
            lines.append(head + _clip(title, max(20, width - len(head))))
        if alone:
            lines.append("  Singletons (no close match; assign them by hand or lower the threshold):")
            for s in alone:
                head = f"    {s.raw_id}  "
                lines.append(head + _clip(s.idea, max(20, width - len(head))))
    for customer, idea_id in report.unknown_mother_ids:
        lines.append(f"Note: {customer} uses Mother idea ID {idea_id}, which is not in the Ideas table yet.")
    for found in report.other_waves:
        lines.append(
            f"Warning ({Code.WAVES_MOTHER_OTHER_WAVE}): {found.customer_id} raw idea {found.raw_id} is in "
            f"wave {found.wave}, its mother idea {found.mother_id} in wave {found.idea_wave}."
        )
    return "\n".join(lines)


def adjusted_rand_index(truth: Sequence[object], predicted: Sequence[object]) -> float:
    """Agreement of two groupings of the same items, corrected for chance (1 = identical, ~0 = random).

    Hubert and Arabie (1985), from the contingency table of the two labelings.
    """
    if len(truth) != len(predicted):
        raise ValueError("both groupings must label the same items")
    n = len(truth)
    table = Counter(zip(truth, predicted, strict=True))
    pairs = sum(comb(c, 2) for c in table.values())
    rows = sum(comb(c, 2) for c in Counter(truth).values())
    cols = sum(comb(c, 2) for c in Counter(predicted).values())
    total = comb(n, 2)
    if total == 0:
        return 1.0
    expected = rows * cols / total
    maximum = (rows + cols) / 2
    if maximum == expected:  # both groupings trivial (all one group, or all singletons)
        return 1.0
    return (pairs - expected) / (maximum - expected)
