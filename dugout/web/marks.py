"""Where each claim's evidence sits in its report's text, for highlighting and for the API.

Evidence is copied verbatim from the report (spec/claims.md), so it is found
with a plain search; should a copy differ in spacing only, a whitespace-tolerant
search finds it. Overlapping evidence (one claim's two sentences holding
another's one) is cut into non-overlapping segments, each knowing which claims
cover it and which claims start in it, so the template can put one anchor per
claim and escape every piece of text itself (no HTML is built here).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Span:
    claim_id: int
    start: int
    end: int

    def to_dict(self) -> dict[str, int]:
        return {"claim_id": self.claim_id, "start": self.start, "end": self.end}


@dataclass
class Segment:
    """A run of text; `claims` are the claims whose evidence covers it, `starts` those that begin here."""

    text: str
    claims: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)


def find_evidence(text: str, evidence: str) -> tuple[int, int] | None:
    """(start, end) of the evidence in the text: exact, else ignoring differences in whitespace."""
    evidence = evidence.strip()
    if not evidence:
        return None
    at = text.find(evidence)
    if at >= 0:
        return at, at + len(evidence)
    words = evidence.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    found = re.search(pattern, text)
    return (found.start(), found.end()) if found else None


def evidence_spans(text: str, claims: Iterable[tuple[int, str]]) -> list[Span]:
    """The span of each (claim id, evidence) found in the text, in text order."""
    spans = []
    for claim_id, evidence in claims:
        where = find_evidence(text, evidence)
        if where is not None:
            spans.append(Span(claim_id, *where))
    return sorted(spans, key=lambda s: (s.start, s.end, s.claim_id))


def segments(text: str, spans: list[Span]) -> list[Segment]:
    """The text cut at every span boundary; each piece with the claims that cover it."""
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a == b:
            continue
        covering = [s.claim_id for s in spans if s.start <= a and s.end >= b]
        starting = [s.claim_id for s in spans if s.start == a]
        out.append(Segment(text[a:b], covering, starting))
    return out
