"""Large text columns kept outside Python string objects, so worker processes can read them
without copying the master's memory.

A forked worker that reads a Python string writes to it (its reference count), which makes the
operating system copy the page it lives on: reading a 300,000-row workshop table that way copies
most of it into every worker. Here a column is stored as one UTF-8 buffer plus offsets (free text)
or as integer codes into its distinct values (repeated values); workers decode only the rows of
the customer at hand and never touch the master's objects.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

CODED_UP_TO = 0.2  # distinct values per row below which a column is stored as codes


CHUNK = 8192


def _encode(values: np.ndarray) -> tuple[bytearray, np.ndarray] | None:
    """UTF-8 of every cell, each followed by NUL, and where each cell starts (plus the end).

    Encoded a chunk at a time so that no second copy of the whole column is ever alive.
    """
    buffer = bytearray()
    bounds = np.zeros(len(values) + 1, dtype=np.int64)
    for start in range(0, len(values), CHUNK):
        part = ["" if v is None else v for v in values[start : start + CHUNK].tolist()]
        joined = "\x00".join(part)
        if joined.count("\x00") != len(part) - 1:
            return None
        data = joined.encode("utf-8", "surrogatepass")
        ends = np.append(np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0), len(data))
        bounds[start + 1 : start + 1 + len(part)] = len(buffer) + ends + 1
        buffer += data
        buffer += b"\x00"
    return buffer, bounds


class TextColumn:
    """One column of text (or None) cells; ``take(positions)`` returns the cells as a list."""

    def __init__(self, values: np.ndarray) -> None:
        self.n = len(values)
        self._objects: np.ndarray | None = None
        self._codes: np.ndarray | None = None
        self._uniques: list[object] = []
        self._buffer = bytearray()
        self._bounds = np.zeros(1, dtype=np.int64)
        self._none: np.ndarray | None = None
        if not self.n or infer_dtype(values, skipna=True) not in ("string", "empty"):
            self._objects = values  # mixed types: keep the objects
            return
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        if len(uniques) <= CODED_UP_TO * self.n:
            self._codes = codes.astype(np.int32)
            self._uniques = [*uniques.tolist(), None]  # code -1 (None) picks the last slot
            return
        self._none = np.fromiter((v is None for v in values), dtype=bool, count=self.n)
        encoded = _encode(values)
        if encoded is None:  # a cell holds NUL itself: keep the objects
            self._objects, self._none = values, None
            return
        self._buffer, self._bounds = encoded

    def take(self, positions: np.ndarray) -> list[object]:
        if self._objects is not None:
            return self._objects[positions].tolist()
        if self._codes is not None:
            uniques = self._uniques
            return [uniques[c] for c in self._codes[positions].tolist()]
        if not len(positions):
            return []
        assert self._none is not None
        first, last = int(positions[0]), int(positions[-1])
        if last - first + 1 == len(positions) and (np.diff(positions) == 1).all():
            chunk = self._buffer[self._bounds[first] : self._bounds[last + 1] - 1]
            # a list of cells, not of str: None goes in below
            texts: list[object] = list(chunk.decode("utf-8", "surrogatepass").split("\x00"))
        else:
            starts, ends = self._bounds[positions].tolist(), (self._bounds[positions + 1] - 1).tolist()
            buffer = self._buffer
            texts = [buffer[s:e].decode("utf-8", "surrogatepass") for s, e in zip(starts, ends, strict=True)]
        none = self._none[positions]
        if none.any():
            for i in np.flatnonzero(none).tolist():
                texts[i] = None
        return texts


def store(frame: pd.DataFrame, names: tuple[str, ...]) -> dict[str, TextColumn | np.ndarray]:
    """Columns of a table for slicing: text columns as ``TextColumn``, numbers as float arrays."""
    out: dict[str, TextColumn | np.ndarray] = {}
    for name in names:
        if name not in frame.columns:
            out[name] = TextColumn(np.full(len(frame), None, dtype=object))
            continue
        s = frame[name]
        out[name] = s.to_numpy(dtype=float) if s.dtype.kind == "f" else _text_column(s.to_numpy(dtype=object))
    return out


def store_arrays(columns: Mapping[str, np.ndarray]) -> dict[str, TextColumn | np.ndarray]:
    """``store`` of columns given as arrays: object arrays as ``TextColumn``, the others as they are."""
    return {name: _text_column(v) if v.dtype == object else v for name, v in columns.items()}


def _text_column(values: np.ndarray) -> TextColumn:
    missing = pd.isna(values)
    if missing.any() and any(v is not None for v in values[missing]):
        values = values.copy()  # NaN or NaT for a blank text cell: make it None
        values[missing] = None
    return TextColumn(values)


def take(column: TextColumn | np.ndarray, positions: np.ndarray) -> list[object]:
    if isinstance(column, TextColumn):
        return column.take(positions)
    return column[positions].tolist()
