"""How much to believe a story line: one simple, explainable formula.

For a value (say, job status `secure`) and the claims for and against it:

    weight(claim)  = MODALITY[modality] x decay x track(voice)
        MODALITY   = fact 0.9, reported 0.75, expected 0.6, possible 0.4, conditional 0.25
        decay      = 0.5 ** (age_days / 180)      age = as-of date - claim date (half-life 180 days)
        track(v)   = 0.5 + (borne_out + 1) / (settled + 2)   (1.0 for an outlet with no record;
                     up to 1.5 for an outlet always borne out, down to 0.5 for one never borne out)
    voice strength = the largest weight among a voice's claims, clipped to 0..1
                     (one independent voice counts once, however many reports or copies it fills)
    support        = 1 - prod(1 - strength) over the independent voices for the value
    against        = the same over the voices for incompatible values
    confidence     = clip(support x (1 - against / 2), 0, 1)

So a firm, fresh report from an outlet with a good record counts most; each
more independent outlet raises support with diminishing returns; an equally
strong contradiction halves the confidence. `explain()` returns the factors so
a reader (or the web page) can show why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .dates import days_between

if TYPE_CHECKING:
    from .load import StoryClaim

MODALITY = {"fact": 0.9, "reported": 0.75, "expected": 0.6, "possible": 0.4, "conditional": 0.25}
HALF_LIFE_DAYS = 180.0


def decay(claim: StoryClaim, as_of: str | None) -> float:
    """Recency factor: halves every 180 days between the claim's report and the as-of date."""
    age = days_between(claim.report_day, as_of)
    if age is None or age <= 0:
        return 1.0
    return 0.5 ** (age / HALF_LIFE_DAYS)


def track_factor(voice: str | None, track: Mapping[str, Any]) -> float:
    """0.5 + the outlet's Laplace-smoothed rate of settled claims borne out (1.0 when unknown)."""
    record = track.get(voice) if voice else None
    if record is None:
        return 1.0
    return 0.5 + (record.borne_out + 1) / (record.settled + 2)


def weight(claim: StoryClaim, as_of: str | None, track: Mapping[str, Any]) -> float:
    """One claim's weight: modality x recency x the voice's track record."""
    return MODALITY.get(claim.claim.modality, 0.4) * decay(claim, as_of) * track_factor(claim.voice, track)


def strength(claims: Sequence[StoryClaim], as_of: str | None, track: Mapping[str, Any]) -> float:
    """Noisy-OR over independent voices, each counted once at its strongest claim."""
    best: dict[str, float] = {}
    for c in claims:
        v = c.voice or c.doc
        best[v] = max(best.get(v, 0.0), min(1.0, weight(c, as_of, track)))
    miss = 1.0
    for s in best.values():
        miss *= 1.0 - s
    return 1.0 - miss


def confidence(
    support: Sequence[StoryClaim],
    against: Sequence[StoryClaim],
    as_of: str | None,
    track: Mapping[str, Any],
) -> float:
    """The module's formula: clip(support x (1 - against / 2), 0, 1), rounded to 2 places."""
    s = strength(support, as_of, track)
    a = strength(against, as_of, track)
    return round(max(0.0, min(1.0, s * (1.0 - a / 2.0))), 2)


def explain(
    support: Sequence[StoryClaim], against: Sequence[StoryClaim], as_of: str | None, track: Mapping[str, Any]
) -> dict[str, Any]:
    """The factors behind a confidence, per claim, for display."""

    def rows(claims: Sequence[StoryClaim]) -> list[dict[str, Any]]:
        return [
            {
                "claim_id": c.id,
                "voice": c.voice,
                "modality": MODALITY.get(c.claim.modality, 0.4),
                "decay": round(decay(c, as_of), 3),
                "track": round(track_factor(c.voice, track), 3),
            }
            for c in claims
        ]

    return {
        "support": round(strength(support, as_of, track), 3),
        "against": round(strength(against, as_of, track), 3),
        "independent_voices_for": len({c.voice for c in support}),
        "independent_voices_against": len({c.voice for c in against}),
        "for": rows(support),
        "against_claims": rows(against),
        "confidence": confidence(support, against, as_of, track),
    }
