"""'Did you mean ...?': the closest valid spelling of a value a user typed."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from cvm_xl.core.spellings import name_key as _key

MAX_CANDIDATES = 5000  # beyond this difflib gets slow and a guess is rarely useful


def closest(value: object, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The valid choice nearest to ``value`` (case and spacing ignored), or None when nothing is close."""
    if value is None:
        return None
    text = _key(str(value))
    if not text:
        return None
    options = list(dict.fromkeys(c for c in choices if c))
    if len(options) > MAX_CANDIDATES:
        return None
    keyed = {_key(c): c for c in options}
    if text in keyed:
        return keyed[text]
    squashed = {k.replace(" ", "").replace("-", "").replace("_", ""): c for k, c in keyed.items()}
    plain = text.replace(" ", "").replace("-", "").replace("_", "")
    if plain in squashed:
        return squashed[plain]
    # An abbreviation ('joint' for 'Joint study') or a longer spelling of a long-enough choice.
    prefixed = [c for k, c in keyed.items() if k.startswith(text) or (len(k) >= 4 and text.startswith(k))]
    if len(prefixed) == 1:
        return prefixed[0]
    match = difflib.get_close_matches(text, list(keyed), n=1, cutoff=cutoff)
    return keyed[match[0]] if match else None


def did_you_mean(value: object, choices: Iterable[str]) -> str:
    """ "Did you mean 'Signed off'? " or an empty string."""
    guess = closest(value, choices)
    return f"Did you mean '{guess}'? " if guess is not None else ""
