"""Outlets' track record: which earlier claims later reports settled, and how.

A rumour is only worth what its outlet's past rumours turned out to be. An
earlier claim is settled by a *later report* (a strictly later publication
day, never the same report):

- transfer interest / bid / negotiating / agreed: borne out when the player is
  later reported `signed` (or on `loan`) with that club, not borne out when he
  signs elsewhere; a `departure` is borne out when he signs for another club.
- candidate_for: borne out when the person is later appointed there (`coach_of`
  current / incoming / interim, or `job_status` appointed); not borne out when
  someone else is appointed there or he is newly appointed elsewhere
  (`incoming` / `appointed`: a post he already held settles nothing).
- job_status secure / extended / appointed (and "expected to stay", `coach_of`
  current with the `expected` modality): not borne out by a dismissal or
  resignation within a year; borne out by a report at least 90 days later that
  still has him in charge.
- job_status at_risk: borne out by a dismissal or resignation within 180 days;
  not borne out by a report at least 180 days later still having him in charge.

Conditional claims are never scored (they say what happens *if*). Each report's
claim about one question is scored once, credited to its voice (the outlet it
cites, else its publisher), so a relayed Marca story counts for Marca.

The rules are code in `dugout/store/outcomes.py`, which the store runs as reports
arrive to keep the outcomes (valid from the settling report's day, until a later
one overturns them) in its `outcomes` table: a story reads the record as of its
date with one aggregate query (`stored_records`). `settle` runs the same rules
over a list of claims, for checking and for claims that are not stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dugout.store import outcomes as rules

from .dates import end_of
from .load import StoryClaim, to_story_claims


@dataclass
class Outcome:
    """An earlier claim and the later claim that settled it."""

    claim: StoryClaim
    outcome: str  # "borne_out" or "not_borne_out"
    settled_by: StoryClaim
    reason: str

    @property
    def outlet(self) -> str:
        return self.claim.voice or self.claim.outlet or "unknown"

    def to_dict(self) -> dict[str, Any]:
        return {
            "outlet": self.outlet,
            "outcome": self.outcome,
            "reason": self.reason,
            "claim": self.claim.cite() | {"type": self.claim.claim.type, "value": self.claim.claim.value},
            "settled_by": self.settled_by.cite()
            | {"type": self.settled_by.claim.type, "value": self.settled_by.claim.value},
        }


@dataclass
class OutletRecord:
    """How often an outlet's settled claims were borne out."""

    outlet: str
    settled: int
    borne_out: int

    @property
    def not_borne_out(self) -> int:
        return self.settled - self.borne_out

    @property
    def rate(self) -> float:
        return self.borne_out / self.settled if self.settled else 0.0

    @property
    def score(self) -> float:
        """Laplace-smoothed rate, for ranking: one lucky claim does not top the table."""
        return (self.borne_out + 1) / (self.settled + 2)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outlet": self.outlet,
            "settled": self.settled,
            "borne_out": self.borne_out,
            "not_borne_out": self.not_borne_out,
            "rate": round(self.rate, 3),
            "score": round(self.score, 3),
        }


def _fact(i: int, c: StoryClaim) -> rules.Fact:
    cl = c.claim
    return rules.Fact(
        ref=i,
        id=c.id or 0,
        doc=c.doc,
        type=cl.type,
        subject=cl.subject,
        object=cl.object,
        value=cl.value,
        polarity=cl.polarity,
        modality=cl.modality,
        day=c.report_day,
        voice=c.voice,
    )


def settle(claims: list[StoryClaim]) -> list[Outcome]:
    """Every earlier claim in `claims` that a later report settles, with the settling claim."""
    outcomes = []
    for s in rules.settle_all([_fact(i, c) for i, c in enumerate(claims)]):
        for interval in s.intervals:
            if interval.until is None:  # what holds once every claim given is known
                outcomes.append(
                    Outcome(
                        claims[s.claim.ref],
                        interval.outcome,
                        claims[interval.settled_by.ref],
                        interval.reason,
                    )
                )
    return outcomes


def _valid(as_of: str | None) -> Any:
    from sqlalchemy import and_, or_

    from dugout.store.schema import outcomes as outcomes_t

    o = outcomes_t.c
    limit = end_of(as_of) if as_of else None
    if limit is None:
        return o.until.is_(None)
    day = limit.isoformat()
    return and_(o.since <= day, or_(o.until.is_(None), o.until > day))


def stored_records(
    store: Any, as_of: str | None = None, voices: Iterable[str] | None = None
) -> list[OutletRecord]:
    """Outlets' records as of a date from the per-voice counters the store keeps: one small sum.

    `voices` limits it to those outlets (a story needs only its own), through the counters' key.
    """
    from sqlalchemy import func, select

    from dugout.store.derived import FOREVER
    from dugout.store.schema import outcome_counts as counts_t

    k = counts_t.c
    limit = end_of(as_of) if as_of else None
    valid = k.until == FOREVER
    if limit is not None:
        valid = (k.since <= limit.isoformat()) & (k.until > limit.isoformat())
    query = select(k.voice, k.outcome, func.sum(k.n)).where(valid).group_by(k.voice, k.outcome)
    if voices is not None:
        query = query.where(k.voice.in_(sorted(set(voices))))
    settled: dict[str, int] = defaultdict(int)
    borne: dict[str, int] = defaultdict(int)
    with store.engine.connect() as conn:
        for voice, outcome, n in conn.execute(query):
            key = voice or "unknown"
            settled[key] += int(n)
            borne[key] += int(n) if outcome == "borne_out" else 0
    return _ranked(settled, borne)


def stored_outcomes(store: Any, as_of: str | None = None, voice: str | None = None) -> list[Outcome]:
    """The stored outcomes as of a date (of one voice, or all), oldest settled claim first."""
    from sqlalchemy import select

    from dugout.store.schema import outcomes as outcomes_t

    o = outcomes_t.c
    query = select(o.claim_id, o.settled_by, o.outcome, o.voice, o.reason).where(_valid(as_of))
    if voice is not None:
        query = query.where(o.voice == voice)
    with store.engine.connect() as conn:
        rows = conn.execute(query.order_by(o.claim_id)).all()
    stored = store.claims_by_ids([r.claim_id for r in rows] + [r.settled_by for r in rows])
    claims = {i: c for i, c in zip(stored, to_story_claims(list(stored.values())), strict=True)}
    found = []
    for r in rows:
        claim, by = claims.get(r.claim_id), claims.get(r.settled_by)
        if claim is None or by is None:
            continue
        claim.voice = r.voice
        found.append(Outcome(claim, r.outcome, by, r.reason or ""))
    found.sort(key=lambda x: (x.claim.published or "9999", x.claim.id or 0))
    return found


def _ranked(settled: dict[str, int], borne: dict[str, int]) -> list[OutletRecord]:
    """Outlets ranked by their Laplace-smoothed rate of settled claims borne out, then by volume."""
    records = [OutletRecord(outlet=k, settled=v, borne_out=borne[k]) for k, v in settled.items()]
    return sorted(records, key=lambda r: (-r.score, -r.settled, r.outlet))


def outlet_records(outcomes: Iterable[Outcome]) -> list[OutletRecord]:
    """Outlets ranked by their Laplace-smoothed rate of settled claims borne out, then by volume."""
    settled: dict[str, int] = defaultdict(int)
    borne: dict[str, int] = defaultdict(int)
    for o in outcomes:
        settled[o.outlet] += 1
        borne[o.outlet] += o.outcome == "borne_out"
    return _ranked(settled, borne)
