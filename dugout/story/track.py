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
Outcomes are computed from stored claims on demand (the schema is not
changed), so they always agree with what is stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dugout.kb.names import fold, names_match

from .dates import days_between
from .load import StoryClaim

IN_CHARGE_STATUSES = ("secure", "extended", "appointed")
TERMINAL = ("dismissed", "resigned")
STILL_THERE_DAYS = 90
AT_RISK_DAYS = 180
SECURE_HORIZON_DAYS = 365
TRANSFER_PREDICTIONS = ("interest", "bid", "negotiating", "agreed")
MOVES = ("signed", "loan")
APPOINTED_COACH = ("current", "incoming", "interim")


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


def _later(a: StoryClaim, b: StoryClaim) -> int | None:
    """Days from a's report to b's report; None unless b is a different, strictly later report."""
    if a.doc == b.doc:
        return None
    d = days_between(a.report_day, b.report_day)
    return d if d is not None and d > 0 else None


def _scorable(c: StoryClaim) -> bool:
    return c.claim.polarity == "affirmed" and c.claim.modality != "conditional"


def _in_charge(c: StoryClaim) -> bool:
    """Whether a claim has its subject in post at its object's club on its date."""
    cl = c.claim
    if cl.polarity != "affirmed":
        return False
    if cl.type == "coach_of":
        return cl.value in ("current", "interim")
    return cl.type == "job_status" and cl.value in (*IN_CHARGE_STATUSES, "at_risk")


def _appointed(c: StoryClaim) -> bool:
    cl = c.claim
    if cl.polarity != "affirmed" or cl.modality == "conditional":
        return False
    return (cl.type == "coach_of" and cl.value in APPOINTED_COACH) or (
        cl.type == "job_status" and cl.value == "appointed"
    )


def _terminal(c: StoryClaim) -> bool:
    return c.claim.type == "job_status" and c.claim.value in TERMINAL and c.claim.polarity == "affirmed"


def _first(later: Iterable[tuple[int, StoryClaim]]) -> tuple[int, StoryClaim] | None:
    found = sorted(later, key=lambda p: (p[0], p[1].id or 0))
    return found[0] if found else None


def _settle_transfer(c: StoryClaim, by_subject: dict[str, list[StoryClaim]]) -> Outcome | None:
    moves = []
    for o in by_subject[fold(c.claim.subject)]:
        d = _later(c, o)
        if d is None or o.claim.type != "transfer" or o.claim.value not in MOVES:
            continue
        if not _scorable(o) or o.claim.object is None:
            continue
        moves.append((d, o))
    first = _first(moves)
    if first is None:
        return None
    o = first[1]
    player, club, dest = c.claim.subject, c.claim.object, o.claim.object
    if c.claim.value == "departure":
        if names_match(dest, club):
            return None
        return Outcome(c, "borne_out", o, f"{player} left: {o.claim.value} with {dest}")
    if names_match(dest, club):
        return Outcome(c, "borne_out", o, f"{player} {o.claim.value} with {club}")
    return Outcome(c, "not_borne_out", o, f"{player} went to {dest} instead of {club}")


def _settle_candidate(
    c: StoryClaim, by_subject: dict[str, list[StoryClaim]], by_object: dict[str, list[StoryClaim]]
) -> Outcome | None:
    person, club = c.claim.subject, c.claim.object
    if not club:
        return None
    events = []
    for o in by_subject[fold(person)]:
        d = _later(c, o)
        if d is None or not _appointed(o) or not o.claim.object:
            continue
        # there: any post; elsewhere: only a new appointment (he may already hold another post)
        if names_match(o.claim.object, club) or o.claim.value in ("incoming", "appointed"):
            events.append((d, o))
    for o in by_object[fold(club)]:
        d = _later(c, o)
        if d is not None and _appointed(o) and not names_match(o.claim.subject, person):
            if o.claim.type == "job_status" or o.claim.value in ("incoming", "interim"):
                events.append((d, o))
    first = _first(events)
    if first is None:
        return None
    o = first[1]
    if names_match(o.claim.subject, person) and names_match(o.claim.object, club):
        return Outcome(c, "borne_out", o, f"{person} took the {club} job")
    if names_match(o.claim.subject, person):
        return Outcome(c, "not_borne_out", o, f"{person} went to {o.claim.object} instead")
    return Outcome(c, "not_borne_out", o, f"{o.claim.subject} got the {club} job")


def _settle_job(c: StoryClaim, by_subject: dict[str, list[StoryClaim]]) -> Outcome | None:
    person, club = c.claim.subject, c.claim.object
    at_risk = c.claim.value == "at_risk"
    ends, stays = [], []
    for o in by_subject[fold(person)]:
        d = _later(c, o)
        if d is None or not names_match(o.claim.object, club):
            continue
        if _terminal(o):
            ends.append((d, o))
        elif _in_charge(o) and not (o.claim.type == "job_status" and o.claim.value == "appointed"):
            stays.append((d, o))
    end = _first(ends)
    horizon = AT_RISK_DAYS if at_risk else SECURE_HORIZON_DAYS
    if end is not None and end[0] <= horizon:
        if at_risk:
            return Outcome(c, "borne_out", end[1], f"{person} was {end[1].claim.value} {end[0]} days later")
        return Outcome(c, "not_borne_out", end[1], f"{person} was {end[1].claim.value} {end[0]} days later")
    need = AT_RISK_DAYS if at_risk else STILL_THERE_DAYS
    stay = _first((d, o) for d, o in stays if d >= need and (end is None or d < end[0]))
    if stay is None:
        return None
    if at_risk:
        return Outcome(c, "not_borne_out", stay[1], f"{person} still in charge {stay[0]} days later")
    return Outcome(c, "borne_out", stay[1], f"{person} still in charge {stay[0]} days later")


def settle(claims: list[StoryClaim]) -> list[Outcome]:
    """Every earlier claim in `claims` that a later report settles, with the settling claim."""
    by_subject: dict[str, list[StoryClaim]] = defaultdict(list)
    by_object: dict[str, list[StoryClaim]] = defaultdict(list)
    for c in claims:
        by_subject[fold(c.claim.subject)].append(c)
        if c.claim.object:
            by_object[fold(c.claim.object)].append(c)
    outcomes: list[Outcome] = []
    seen: set[tuple] = set()
    for c in claims:
        if not _scorable(c) or c.report_day is None:
            continue
        cl = c.claim
        outcome = None
        if cl.type == "transfer" and cl.value in (*TRANSFER_PREDICTIONS, "departure"):
            outcome = _settle_transfer(c, by_subject)
        elif cl.type == "candidate_for":
            outcome = _settle_candidate(c, by_subject, by_object)
        elif (cl.type == "job_status" and cl.value in (*IN_CHARGE_STATUSES, "at_risk")) or (
            cl.type == "coach_of" and cl.value == "current" and cl.modality == "expected"
        ):
            outcome = _settle_job(c, by_subject)
        if outcome is None:
            continue
        key = (c.doc, c.voice, cl.type, fold(cl.subject), fold(cl.object), cl.value)
        if key in seen:
            continue
        seen.add(key)
        outcomes.append(outcome)
    return outcomes


def outlet_records(outcomes: Iterable[Outcome]) -> list[OutletRecord]:
    """Outlets ranked by their Laplace-smoothed rate of settled claims borne out, then by volume."""
    settled: dict[str, int] = defaultdict(int)
    borne: dict[str, int] = defaultdict(int)
    for o in outcomes:
        settled[o.outlet] += 1
        borne[o.outlet] += o.outcome == "borne_out"
    records = [OutletRecord(outlet=k, settled=v, borne_out=borne[k]) for k, v in settled.items()]
    return sorted(records, key=lambda r: (-r.score, -r.settled, r.outlet))
