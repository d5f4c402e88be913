"""Who is really speaking: independent voices for counting corroboration.

Ten outlets repeating one Marca story are one voice, not ten. A claim's voice
is the outlet it cites when it cites one ("say Marca" from Football España is
Marca), else its publisher; reports whose texts are near-duplicates
(syndicated copies) share the voice of the earliest copy. Near-duplicates are
found with MinHash over word 3-shingles: the store clusters each report with
its near-copies at ingest (`store/derived.py`), so a story only groups its
reports by cluster; `near_duplicate_groups` compares texts on the spot, for
texts that are not stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from datasketch import MinHash, MinHashLSH

from dugout.store.derived import NEAR_DUPLICATE, PERMUTATIONS, minhash
from dugout.store.outcomes import _kb, known_outlet, voice_of

if TYPE_CHECKING:
    from .load import StoryClaim

__all__ = ["_kb", "assign_voices", "known_outlet", "near_duplicate_groups", "voice_of"]


def _minhash(text: str) -> MinHash:
    return minhash(text)


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


def cluster_groups(clusters: dict[str, str | None], order: Iterable[str]) -> dict[str, str]:
    """Each report id mapped to the first report (in `order`) of its stored near-copy cluster."""
    head: dict[str, str] = {}
    group: dict[str, str] = {}
    for doc in order:
        cluster = clusters.get(doc) or doc
        group[doc] = head.setdefault(cluster, doc)
    return group


def assign_voices(
    claims: list[StoryClaim], texts: dict[str, str], clusters: dict[str, str | None] | None = None
) -> None:
    """Set each claim's `voice`, folding near-copies onto the earliest copy's publisher.

    Near-copies come from the clusters the store assigned at ingest when `clusters` is given
    (doc -> cluster), else from comparing `texts` here.
    """
    first_seen: dict[str, tuple[str, str]] = {}
    for c in claims:
        key = (c.published or "9999", c.doc)
        if c.doc not in first_seen or key < first_seen[c.doc]:
            first_seen[c.doc] = key
    order = sorted(first_seen, key=lambda d: first_seen[d])
    if clusters is not None:
        groups = cluster_groups(clusters, order)
    else:
        groups = near_duplicate_groups(texts, order) if len(texts) > 1 else {}
    publisher_of = {c.doc: c.outlet for c in claims}
    publishers = {p for p in publisher_of.values() if p}
    for c in claims:
        head = groups.get(c.doc, c.doc)
        c.voice = voice_of(c.claim.attribution, publisher_of.get(head) or c.outlet, publishers)
        if c.voice is None:
            c.voice = f"report {head}"
