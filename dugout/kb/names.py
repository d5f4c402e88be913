"""Name folding and matching shared by the knowledge base, resolution and evaluation.

One definition of "the same name" everywhere: the evaluation's rules
(spec/claims.md) are the contract, so the system folds names the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

GENERIC_WORDS = frozenset(
    {
        "city",
        "united",
        "madrid",
        "real",
        "fc",
        "cf",
        "afc",
        "club",
        "athletic",
        "atletico",
        "sporting",
        "inter",
        "ac",
        "town",
        "rovers",
        "wanderers",
        "albion",
        "county",
        "hotspur",
        "the",
        "sc",
    }
)
CLUB_SUFFIXES = frozenset({"fc", "afc", "cf", "sc", "cfc"})

_NON_WORD = re.compile(r"[^a-z0-9]+")


def strip_accents(text: str) -> str:
    """Drop combining marks: "Perez" and "Pérez" are one name in football copy."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).replace("ø", "o").replace("ß", "ss")


@lru_cache(maxsize=131072)
def fold_words(name: str | None) -> tuple[str, ...]:
    """Lower-case words without accents or punctuation, a club's FC/AFC tag dropped."""
    if not name:
        return ()
    words = tuple(w for w in _NON_WORD.split(strip_accents(name).lower()) if w)
    core = tuple(w for w in words if w not in CLUB_SUFFIXES)
    return core or words


def fold(name: str | None) -> str:
    """One folded string for indexing and equality."""
    return " ".join(fold_words(name))


def names_match(
    a: str | None, b: str | None, folder: Callable[[str | None], tuple[str, ...]] = fold_words
) -> bool:
    """The evaluation's name match: equal after folding, or the shorter's words all in the
    longer and both ending in the same word; a lone generic club word matches only itself."""
    fa, fb = folder(a), folder(b)
    if not fa or not fb:
        return fa == fb
    if fa == fb:
        return True
    short, long_ = (fa, fb) if len(fa) <= len(fb) else (fb, fa)
    if len(short) == 1 and short[0] in GENERIC_WORDS:
        return False
    return set(short) <= set(long_) and short[-1] == long_[-1]


PARTICLES = frozenset(
    {
        "van",
        "von",
        "de",
        "der",
        "den",
        "da",
        "di",
        "du",
        "del",
        "della",
        "dello",
        "dos",
        "das",
        "do",
        "ten",
        "ter",
    }
    | {"le", "la", "mac", "st", "al", "el", "bin", "ibn", "y"}
)
"""Words that belong to the surname after them: "ten Hag", "van Dijk", "De Bruyne", "de la Fuente"."""
SUFFIXES = frozenset({"jr", "junior"})


def short_name(name: str, known_as: str | None = None) -> str:
    """The person as English coverage calls him on second mention: the surname with the particles
    before it ("Erik ten Hag" -> "ten Hag", "Kevin De Bruyne" -> "De Bruyne", "Xabi Alonso" ->
    "Alonso"), without "Junior" ("Dorival Junior" -> "Dorival"); `known_as` (the knowledge
    base's `short`: "Luis Enrique", "Xavi") wins. One-word names stay whole."""
    if known_as:
        return known_as
    words = name.split()
    if len(words) > 1 and words[-1].lower().strip(".") in SUFFIXES:
        words = words[:-1]
    if len(words) < 2:
        return " ".join(words) or name
    i = len(words) - 1
    while i > 1 and words[i - 1].lower() in PARTICLES:
        i -= 1
    return " ".join(words[i:])
