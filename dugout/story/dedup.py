"""Who is really speaking: independent voices for counting corroboration.

Ten outlets repeating one Marca story are one voice, not ten. A claim's voice
is the outlet it cites when it cites one ("say Marca" from Football España is
Marca), else its publisher; reports whose texts are near-duplicates
(syndicated copies) share the voice of the earliest copy. Near-duplicates are
found with MinHash over word 3-shingles, bounded to the reports of one story,
so the cost does not grow with the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from datasketch import MinHash, MinHashLSH

from dugout.kb.names import fold, names_match

if TYPE_CHECKING:
    from .load import StoryClaim

NEAR_DUPLICATE = 0.7
"""Estimated Jaccard similarity of shingle sets above which two reports are copies of one."""
SHINGLE = 3
PERMUTATIONS = 128


@lru_cache(maxsize=1)
def _kb():  # pragma: no cover - depends on the knowledge base being loadable
    try:
        from dugout.kb.index import load_kb

        return load_kb()
    except Exception:  # a broken knowledge base must not break the story; publishers still count
        return None


@lru_cache(maxsize=4096)
def known_outlet(name: str | None) -> str | None:
    """The knowledge base's name for an outlet ("marca" -> "Marca"), or None when it is not one."""
    if not name:
        return None
    kb = _kb()
    if kb is None:
        return None
    for entity in kb.lookup(name):
        if entity.kind == "outlet":
            return entity.name
    return None


_WORDS = re.compile(r"\w+")


def _fast_hash(data: bytes) -> int:
    return hash(data) & 0xFFFFFFFF


def _minhash(text: str) -> MinHash:
    words = _WORDS.findall(text.lower())  # near-copies share wording; accents need no folding here
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    # Signatures are compared only within this call, so the process's own string hash will do, and it
    # is far cheaper than SHA-1 per shingle.
    m = MinHash(num_perm=PERMUTATIONS, seed=1, hashfunc=_fast_hash)
    m.update_batch([s.encode("utf-8") for s in shingles])  # vectorised: one numpy pass, not one per shingle
    return m


def near_duplicate_groups(texts: dict[str, str], order: Iterable[str] | None = None) -> dict[str, str]:
    """Each report id mapped to the first report (in `order`) it is a near-copy of, or to itself."""
    ids = list(order) if order is not None else sorted(texts)
    ids = [i for i in ids if texts.get(i)]
    lsh = MinHashLSH(threshold=NEAR_DUPLICATE, num_perm=PERMUTATIONS)
    hashes: dict[str, MinHash] = {}
    group: dict[str, str] = {}
    for doc in ids:
        m = _minhash(texts[doc])
        found = [d for d in lsh.query(m) if hashes[d].jaccard(m) >= NEAR_DUPLICATE]
        group[doc] = group[min(found, key=ids.index)] if found else doc
        hashes[doc] = m
        lsh.insert(doc, m)
    return group


def voice_of(attribution: str | None, publisher: str | None, publishers: Iterable[str] = ()) -> str | None:
    """The attributed outlet if the attribution is an outlet, else the publisher."""
    if attribution:
        named = known_outlet(attribution)
        if named:
            return named
        for p in publishers:
            if p and names_match(p, attribution) and len(fold(attribution)) > 2:
                return p
    return publisher


def assign_voices(claims: list[StoryClaim], texts: dict[str, str]) -> None:
    """Set each claim's `voice`, folding near-copies onto the earliest copy's publisher."""
    first_seen: dict[str, tuple[str, str]] = {}
    for c in claims:
        key = (c.published or "9999", c.doc)
        if c.doc not in first_seen or key < first_seen[c.doc]:
            first_seen[c.doc] = key
    order = sorted(first_seen, key=lambda d: first_seen[d])
    groups = near_duplicate_groups(texts, order) if len(texts) > 1 else {}
    publisher_of = {c.doc: c.outlet for c in claims}
    publishers = {p for p in publisher_of.values() if p}
    for c in claims:
        head = groups.get(c.doc, c.doc)
        c.voice = voice_of(c.claim.attribution, publisher_of.get(head) or c.outlet, publishers)
        if c.voice is None:
            c.voice = f"report {head}"
