"""Raw workshop ideas reduced to the words that carry their meaning, so that paraphrases compare equal
(seed 000 §6.5, issues 7 and 18).

``normalise`` lower-cases, splits on anything that is not a letter or digit, stems each word with the
Snowball stemmer of the workshop's language (``snowballstemmer``, a kept library of stemmers for
many languages; the Settings' Workshop language names it), folds accents, and drops stop words.
In English it also turns domain phrases and synonyms into one concept word each (``e-mail`` ->
``digital``, ``stock keeping unit`` -> ``sku``, ``billing`` -> ``invoice``) and drops the words that
appear in every idea of a supplier workshop whatever its subject (improve, reduce, steel, mill,
customer, service centre ...) and the words of value statements in idea descriptions (net, per year,
quantified, good faith ...), which say how much, not what. In the other languages the stop words
are the function words of ``stop-words``' list for the language; what those words mean is left to
the meaning model (``meaning``), which reads the raw text in any of the languages.

The concept list is deliberately about the vocabulary of supplier/customer workshops in general
(documents, logistics, packaging, stock, quality, specifications, planning), not about one customer.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import snowballstemmer
from rapidfuzz import fuzz, process
from stop_words import get_stop_words

from cvm_xl.core.settings import WORKSHOP_LANGUAGES

ENGLISH = "English"
# The Snowball stemmer and stop-word list of each Workshop language (the names both libraries use).
_LIBRARY_NAMES = {language: language.casefold() for language in WORKSHOP_LANGUAGES}

# Function words and the filler of workshop notes: they say nothing about what an idea is about.
_STOP_TEXT = """
    a about above after again against all also always am an and any are as at be because been before
    being below between both but by can could did do does doing done down during each either else etc
    every few for from further had has have having he her here hers him his how however i if in into is
    it its itself just let lets like may me might more most must my no nor not now of off on once only
    or other our ours ourselves out over own per please rather same shall she should so some such than
    that the their theirs them themselves then there these they this those through thus to too under
    until up upon us very via was we were what when where whether which while who whom why will with
    within without would yet you your yours instead still even already much many less least fewer
    better best good bad new more lot lots get gets got getting make makes made making use uses used
    using need needs needed want wants go goes going take takes taking give gives given put puts keep
    keeps come comes way ways thing things idea ideas suggestion propose proposal possible able today
    improve improved improvement improving increase increased reduce reduced reducing reduction cut
    cuts lower higher low minimise minimize maximise maximize optimise optimize optimisation
    optimization avoid stop start switch change changes changing move moved one two three four
    first second another each both everything something anything nothing number count amount amounts
    list level levels issue issues problem problems kill kills cause causes lead leads cost costs
    costly price prices saving savings cheaper value money benefit benefits help helps whole
    supplier suppliers customer customers mill mills steel plant plants site sites side team teams
    company companies material materials product products item items together joint jointly trial
    trials study studies look review reviews work works working deliver delivery delivered supply
    supplied send sent buy bought coil coils strip plate tinplate tube tubes bar bars wire arrive
    arrives arrival arriving pre line lines day days daily week weeks weekly month months monthly year
    years yearly annual annually mm cm km kg g t m2 percent share shares shared sharing sc ssc
    yr pa net gross indifferent quantify quantified unquantified faith agree agreed estimate estimated
    figure figures
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

# Concept -> words and phrases that mean it in a supplier workshop. Phrases win over single words.
# fmt: off
CONCEPTS: dict[str, tuple[str, ...]] = {
    "digital": (
        "e mail", "email", "mail", "electronic", "electronically", "digital", "digitally", "online",
        "on line", "pdf", "portal", "web", "website", "paperless", "upload", "scan", "scanned",
        "edi", "electronic data interchange", "e invoice",
    ),
    "cert": (
        "certificate", "cert", "certification", "coa", "coc", "certificate of analysis",
        "certificate of conformity", "test certificate", "mill certificate", "inspection certificate",
        "test report", "test result", "inspection document", "quality document", "declaration",
        "test cert", "mill cert", "inspection cert",
    ),
    "invoice": ("invoice", "invoicing", "bill", "billing", "self billing", "statement", "credit note"),
    # fewer sizes, grades, colours ... : variety reduction, however it is said
    "sku": (
        "sku", "stock keeping unit", "size", "variety", "variant", "product mix", "assortment",
        "size range", "size list", "range", "standard", "standardise", "standardize", "standardisation",
        "harmonise", "harmonize", "harmonisation", "rationalise", "rationalize", "rationalisation",
        "unify", "common", "merge",
    ),
    "gauge": (
        "gauge", "downgauge", "down gauge", "down gauging", "thin", "thinner", "thickness",
        "lightweight", "light weight", "lightweighting", "lighter", "light", "weight", "gauge reduction",
        "double reduced", "dr",
    ),
    "strength": (
        "strength", "strong", "stronger", "high strength", "hi strength", "hsla", "ahss", "uhss",
        "high strength low alloy", "mpa", "temper", "hardness",
    ),
    "grade": ("grade", "steel grade", "quality grade"),
    "forecast": (
        "forecast", "forecasting", "s op", "sop", "sales and operations planning", "demand plan",
        "production plan", "build plan", "build schedule", "volume plan", "demand", "visibility",
    ),
    "frozen": ("frozen", "freeze", "firm order", "frozen window", "frozen horizon", "horizon"),
    "calloff": (
        "call off", "calloff", "kanban", "pull", "milk run", "frequent", "frequently", "twice",
        "just in time", "jit",
    ),
    "shutdown": (
        "shutdown", "shut down", "maintenance stop", "maintenance", "outage", "reline", "relining",
        "stoppage",
    ),
    "pack": (
        "pack", "packing", "packaging", "package", "pallet", "skid", "strapping", "strap", "dunnage",
        "stretch wrap", "wrap", "saddle", "cradle", "rack", "crate", "box", "banding",
    ),
    "reuse": (
        "returnable", "reusable", "re usable", "reuse", "re use", "return", "take back", "pool",
        "single use",
    ),
    "rust": ("rust", "rusty", "corrosion", "corrode", "oxidation", "oil", "oiled", "vci", "white rust"),
    "scrap": (
        "scrap", "offcut", "off cut", "end cut", "skeleton", "slug", "edge loss", "yield loss", "buy back",
        "sell back",
    ),
    # who trims the edges and how often is a processing step, not what becomes of the scrap
    "trim": ("trim", "trimming", "edge trim", "edge trimming", "mill edge", "side trim", "deburr"),
    "waste": ("waste", "disposal", "landfill"),
    "stock": (
        "stock", "inventory", "consignment", "vmi", "vendor managed", "vendor managed inventory",
        "vendor managed stock", "supplier owned", "buffer", "warehouse", "safety stock",
    ),
    "leadtime": (
        "lead time", "leadtime", "delivery time", "order to delivery", "cycle time", "fast", "faster",
        "quick", "quicker", "rapid", "urgent", "speed",
    ),
    "transport": (
        "truck", "lorry", "trailer", "haulage", "freight", "wagon", "rail wagon", "transport",
        "transit", "load", "truck load", "full truck load", "ftl", "load planning", "shipment",
        "shipping",
    ),
    "claim": ("claim", "complaint", "complain", "quality claim", "settlement", "rejection", "reject"),
    "width": ("width", "slit", "slitting", "slitter", "rolled to width", "roll to width", "narrow", "wide"),
    "blank": (
        "blank", "blanking", "cut to length", "cut to size", "ctl", "laser cut", "ready to form",
        "ready to bend", "pre cut", "precut", "sheet", "sheets", "shear", "sheared", "shearing",
    ),
    "punch": ("punch", "punched", "punching", "pre punched", "pierce", "piercing", "hole"),
    "coating": ("coating", "coated", "coat", "coating weight", "coating mass", "tin", "sn", "tinning"),
    "galv": (
        "galvanised", "galvanized", "galvanising", "galvanizing", "galvanise", "galvanize", "galv",
        "pregalv", "pre galv", "hot dip", "hot dipping", "zinc", "sendzimir", "metallic coated",
    ),
    "paint": (
        "lacquer", "lacquered", "paint", "painted", "pre painted", "prepainted", "colour", "color", "shade",
    ),
    "training": ("training", "train", "course", "seminar", "coaching"),
    "season": ("season", "seasonal", "peak"),
    "capacity": ("capacity", "slot", "reserve", "reserved", "allocation"),
    "window": (
        "delivery window", "time window", "time slot", "delivery slot", "delivery time slot", "book",
        "booking", "on time", "punctual", "punctuality", "schedule", "gate", "queue", "unloading",
    ),
    "surface": (
        "surface", "scratch", "dent", "damage", "mark", "protective film", "film", "foil", "peelable",
        "surface defect", "surface quality", "dust", "dusty", "dirt", "dirty",
    ),
    "cover": ("cover", "covered", "hood", "hooded", "tarpaulin", "tarp", "sheeted", "weatherproof"),
}
# fmt: on

# Steel designations (S355, DC04, DX51D, Z275 ...) say "grade" or "zinc coating", whatever the number.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(s|dc|dd|dx|hc|hx)\d{2,3}[a-z]*$"), "grade"),
    (re.compile(r"^(z|za|zm|az)\d{2,3}$"), "galv"),
)
_NUMBER = re.compile(r"^\d+[a-z]{0,2}\d*$")  # 180, 48, 3rd, 2m2: figures, not topics
_TOKEN = re.compile(r"[^\W_]+")  # letters and digits of any script (ł, ß and Cyrillic included)
# British spellings folded to American before stemming, so that -ise and -ize words share a stem.
_BRITISH = (("isations", "izations"), ("isation", "ization"), ("ising", "izing"), ("ised", "ized"),
            ("ises", "izes"), ("ise", "ize"))  # fmt: skip
_EXTRA_STEMS = {"skus": "sku"}  # an English plural Snowball keeps (it reads -us as a Latin ending)


@cache
def _stemmer(language: str) -> snowballstemmer.stemmer:
    """The Snowball stemmer of a Workshop language (one per language, made once)."""
    return snowballstemmer.stemmer(_LIBRARY_NAMES[language])


def _fold(word: str) -> str:
    """The word without accents (é -> e, ü -> u): typed with or without them, it is the same word."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def stem(word: str, language: str = ENGLISH) -> str:
    """The Snowball stem of a lower-case word in the workshop's language, without accents."""
    if language == ENGLISH:
        if word in _EXTRA_STEMS:
            return _EXTRA_STEMS[word]
        for british, american in _BRITISH:
            if word.endswith(british) and len(word) - len(british) >= 3:
                word = word[: len(word) - len(british)] + american
                break
    return _fold(_stemmer(language).stemWord(word))


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold().replace("&", " and "))


def _stems(text: str, language: str = ENGLISH) -> tuple[str, ...]:
    return tuple(stem(t, language) for t in _tokens(text))


_STOP_STEMS = frozenset(stem(w) for w in STOP_WORDS)


@cache
def _stop_stems(language: str) -> frozenset[str]:
    """The stems of a language's stop words: the project's own list in English, ``stop-words``' else."""
    if language == ENGLISH:
        return _STOP_STEMS
    return frozenset(s for w in get_stop_words(_LIBRARY_NAMES[language]) for s in _stems(w, language))


_PHRASES: dict[tuple[str, ...], str] = {}
_WORDS: dict[str, str] = {}
for _concept, _terms in CONCEPTS.items():
    for _term in _terms:
        _key = _stems(_term)
        if len(_key) == 1:
            _WORDS.setdefault(_key[0], _concept)
        else:
            _PHRASES.setdefault(_key, _concept)
# Places named in ideas on every subject, like "plant" or "site": dropped as a whole phrase.
STOP_PHRASES = ("service centre", "service center")
for _term in STOP_PHRASES:
    _PHRASES[_stems(_term)] = ""
_MAX_PHRASE = max(len(p) for p in _PHRASES)


_TYPO_MIN_LENGTH = 5
_TYPO_SCORE = 85
_TYPO_KEYS = sorted(w for w in _WORDS if len(w) >= _TYPO_MIN_LENGTH)


@lru_cache(maxsize=65536)
def _concept_of(word: str) -> str | None:
    if word in _WORDS:
        return _WORDS[word]
    for pattern, concept in _PATTERNS:
        if pattern.match(word):
            return concept
    if len(word) >= _TYPO_MIN_LENGTH and word not in _STOP_STEMS:
        # a misspelt concept word ("forcast") still means the concept; typos rarely hit the first letter,
        # and requiring it keeps "tighter" from becoming "lighter"
        keys = [k for k in _TYPO_KEYS if k[0] == word[0]]
        match = process.extractOne(word, keys, scorer=fuzz.ratio, score_cutoff=_TYPO_SCORE)
        if match is not None:
            return _WORDS[match[0]]
    return None


@cache
def _stop_words(language: str) -> frozenset[str]:
    """A language's stop words as typed: the project's own list in English, ``stop-words``' else."""
    if language == ENGLISH:
        return STOP_WORDS
    return frozenset(w.casefold() for w in get_stop_words(_LIBRARY_NAMES[language]))


def meaning_text(text: str, language: str = ENGLISH) -> str:
    """The text the meaning model reads: its words as typed, lower-case, without stop words and
    figures. Dropping the words every supplier workshop uses whatever its subject (steel, coil,
    improve, customer ...) lets the model place an idea by what sets it apart: on the tuning
    workshop a raw idea's nearest neighbour shares its topic in 57% of cases instead of 38%."""
    stops = _stop_words(language)
    return " ".join(w for w in _tokens(text) if w not in stops and not _NUMBER.match(w))


@lru_cache(maxsize=65536)
def normalise(text: str, language: str = ENGLISH) -> str:
    """The meaning-bearing words of ``text``, stemmed, as concepts (English), without duplicates, in
    order. ``language``: one of ``core.settings.WORKSHOP_LANGUAGES``."""
    if language != ENGLISH:
        stops = _stop_stems(language)
        words = (w for w in _stems(text, language) if w not in stops and not _NUMBER.match(w) and len(w) > 1)
        return " ".join(dict.fromkeys(words))
    stems = _stems(text)
    out: list[str] = []
    i = 0
    while i < len(stems):
        for size in range(min(_MAX_PHRASE, len(stems) - i), 1, -1):
            concept = _PHRASES.get(stems[i : i + size])
            if concept is not None:
                if concept:  # "" marks a stop phrase
                    out.append(concept)
                i += size
                break
        else:
            word = stems[i]
            i += 1
            concept = _concept_of(word)
            if concept is not None:
                out.append(concept)
            elif word not in _STOP_STEMS and not _NUMBER.match(word) and len(word) > 1:
                out.append(word)
    return " ".join(dict.fromkeys(out))
