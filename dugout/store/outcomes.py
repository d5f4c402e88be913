"""Which earlier claims later reports settled, as rules over claims and as rows kept at ingest.

The outlets' track record (see `dugout/story/track.py` for the rules in prose) used to be
rebuilt from every stored claim on each story; at 100,000 reports that took minutes. The
rules only ever compare a claim with claims about the same person (or, for a candidacy,
the same club), and only the *first* qualifying later report decides, so the store keeps
the outcomes as rows and updates them when a report arrives:

- `settlements`: one row per scored claim ("target"), with the day of the first event that
  decided it (`first_day`), or for a job status the first end and the first "still in
  charge" report (`end_day`, `stay_day`): a new report can change a target only by bringing
  an earlier event than these, which keeps the update at ingest to a few rows.
- `outcomes`: the outcome rows, each valid over [since, until) so a track record "as of" any
  date is one aggregate query: a job claim can be borne out by "still in charge 100 days
  later" and then not borne out by a sacking within the year.

The same functions compute the outcomes of a plain list of claims (`settle_all`), which is
what `story.track.settle` runs, so the rules exist once. Voices (who is really speaking)
are computed here too, since an outcome is credited to the outlet a report cites.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from dugout.kb.names import fold, names_match

IN_CHARGE_STATUSES = ("secure", "extended", "appointed")
TERMINAL = ("dismissed", "resigned")
STILL_THERE_DAYS = 90
AT_RISK_DAYS = 180
SECURE_HORIZON_DAYS = 365
TRANSFER_PREDICTIONS = ("interest", "bid", "negotiating", "agreed")
MOVES = ("signed", "loan")
APPOINTED_COACH = ("current", "incoming", "interim")
FOREVER = date.max


@lru_cache(maxsize=1)
def _kb() -> Any:  # pragma: no cover - depends on the knowledge base being loadable
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


@dataclass
class Fact:
    """A claim as the settling rules see it: what it says, its report and that report's day.

    `ref` is the caller's handle (a claim id, or a position in a list); `id` orders claims of
    one day (earlier stored first), as the rules break ties.
    """

    ref: Any
    id: int
    doc: str
    type: str
    subject: str
    object: str | None
    value: str | None
    polarity: str
    modality: str
    day: date | None
    voice: str | None = None
    subject_key: str = field(init=False)
    object_key: str = field(init=False)

    def __post_init__(self) -> None:
        # folded once: the rules compare these for every pair they look at
        self.subject_key = fold(self.subject)
        self.object_key = fold(self.object)


@dataclass
class Interval:
    """One outcome of a target claim, valid from `since` (the settling report's day) until `until`."""

    claim: Fact
    outcome: str  # "borne_out" or "not_borne_out"
    settled_by: Fact
    reason: str
    since: date
    until: date | None = None


@dataclass
class Settlement:
    """A target claim, the first events that decide it, and its outcome intervals."""

    claim: Fact
    kind: str
    first_day: date | None = None
    end_day: date | None = None
    stay_day: date | None = None
    intervals: list[Interval] = field(default_factory=list)


def _scorable(c: Fact) -> bool:
    return c.polarity == "affirmed" and c.modality != "conditional"


def _in_charge(c: Fact) -> bool:
    """Whether a claim has its subject in post at its object's club on its date."""
    if c.polarity != "affirmed":
        return False
    if c.type == "coach_of":
        return c.value in ("current", "interim")
    return c.type == "job_status" and c.value in (*IN_CHARGE_STATUSES, "at_risk")


def is_appointment(c: Fact) -> bool:
    if c.polarity != "affirmed" or c.modality == "conditional":
        return False
    return (c.type == "coach_of" and c.value in APPOINTED_COACH) or (
        c.type == "job_status" and c.value == "appointed"
    )


def _terminal(c: Fact) -> bool:
    return c.type == "job_status" and c.value in TERMINAL and c.polarity == "affirmed"


def _move(c: Fact) -> bool:
    return c.type == "transfer" and c.value in MOVES and _scorable(c) and c.object is not None


def _stay(c: Fact) -> bool:
    return _in_charge(c) and not (c.type == "job_status" and c.value == "appointed")


def target_kind(c: Fact) -> str | None:
    """ "transfer", "candidate" or "job" when later reports can settle this claim, else None."""
    if not _scorable(c) or c.day is None:
        return None
    if c.type == "transfer" and c.value in (*TRANSFER_PREDICTIONS, "departure"):
        return "transfer"
    if c.type == "candidate_for":
        return "candidate"
    if (c.type == "job_status" and c.value in (*IN_CHARGE_STATUSES, "at_risk")) or (
        c.type == "coach_of" and c.value == "current" and c.modality == "expected"
    ):
        return "job"
    return None


def is_event(c: Fact) -> bool:
    """Whether a claim can settle another: a move, an appointment, an end, a spell still going on."""
    return c.day is not None and (_move(c) or is_appointment(c) or _terminal(c) or _stay(c))


def target_key(c: Fact) -> tuple:
    """A report's claims with one key are scored once (credited to one voice)."""
    return (c.doc, c.voice, c.type, c.subject_key, c.object_key, c.value)


def role(c: Fact, o: Fact) -> str | None:
    """What event `o` is for target `c`: "first" (transfer, candidacy), "end" or "stay" (job), or None.

    `o` must come from a strictly later report day; a stay counts only once the spell has
    lasted long enough to say anything (90 days, 180 for an "at risk" claim).
    """
    if c.day is None or o.day is None or o.day <= c.day:
        return None
    kind = target_kind(c)
    if kind == "transfer":
        return "first" if o.subject_key == c.subject_key and _move(o) else None
    if kind == "candidate":
        person, club = c.subject, c.object
        if not club or not is_appointment(o) or not o.object:
            return None
        if o.subject_key == c.subject_key:
            if names_match(o.object, club) or o.value in ("incoming", "appointed"):
                return "first"
        elif o.object_key == c.object_key and not names_match(o.subject, person):
            if o.type == "job_status" or o.value in ("incoming", "interim"):
                return "first"
        return None
    if kind == "job":
        if o.subject_key != c.subject_key or not names_match(o.object, c.object):
            return None
        if _terminal(o):
            return "end"
        need = AT_RISK_DAYS if c.value == "at_risk" else STILL_THERE_DAYS
        if _stay(o) and (o.day - c.day).days >= need:
            return "stay"
    return None


def _outcome(c: Fact, o: Fact, since: date, until: date | None = None) -> Interval | None:
    """The outcome `o` gives target `c` (None: an event that decides nothing, like a move back)."""
    kind = target_kind(c)
    days = (o.day - c.day).days if o.day and c.day else 0
    person, club = c.subject, c.object
    if kind == "transfer":
        dest = o.object
        if c.value == "departure":
            if names_match(dest, club):
                return None
            return Interval(c, "borne_out", o, f"{person} left: {o.value} with {dest}", since, until)
        if names_match(dest, club):
            return Interval(c, "borne_out", o, f"{person} {o.value} with {club}", since, until)
        return Interval(c, "not_borne_out", o, f"{person} went to {dest} instead of {club}", since, until)
    if kind == "candidate":
        if names_match(o.subject, person) and names_match(o.object, club):
            return Interval(c, "borne_out", o, f"{person} took the {club} job", since, until)
        if names_match(o.subject, person):
            return Interval(c, "not_borne_out", o, f"{person} went to {o.object} instead", since, until)
        return Interval(c, "not_borne_out", o, f"{o.subject} got the {club} job", since, until)
    at_risk = c.value == "at_risk"
    if _terminal(o):
        good = "borne_out" if at_risk else "not_borne_out"
        return Interval(c, good, o, f"{person} was {o.value} {days} days later", since, until)
    good = "not_borne_out" if at_risk else "borne_out"
    return Interval(c, good, o, f"{person} still in charge {days} days later", since, until)


def _last_word(key: str) -> str:
    return key.rsplit(" ", 1)[-1]


class Events:
    """Claims that can settle others, in lists by kind, person and club, each in (day, id) order.

    Names that match end in the same word, so a job's ends and stays are listed by person and
    the last word of the club: a target looks only at events it can use, never at every claim
    about a famous coach.
    """

    def __init__(self, facts: Iterable[Fact] = ()) -> None:
        self.lists: dict[tuple, list[Fact]] = defaultdict(list)
        self._days: dict[tuple, list[date]] = {}
        for f in facts:
            self.add(f)

    def add(self, f: Fact) -> None:
        if not is_event(f):
            return
        keys = []
        if _move(f):
            keys.append(("move", f.subject_key))
        if is_appointment(f) and f.object:
            keys += [("post", f.subject_key), ("post_at", f.object_key)]
        if _terminal(f):
            keys.append(("end", f.subject_key, _last_word(f.object_key)))
        if _stay(f):
            keys.append(("stay", f.subject_key, _last_word(f.object_key)))
        for key in keys:
            self.lists[key].append(f)
        self._days = {}

    def after(self, key: tuple, day: date, inclusive: bool = False) -> list[Fact]:
        """The events listed under `key` from the first day after `day` (or from `day`) on."""
        facts = self.lists.get(key)
        if not facts:
            return []
        if not self._days:
            for k, v in self.lists.items():
                v.sort(key=lambda f: (f.day, f.id))
                self._days[k] = [f.day for f in v]  # type: ignore[misc]
        days = self._days[key]
        start = bisect_left(days, day) if inclusive else bisect_right(days, day)
        return facts[start:]

    def _first(self, c: Fact, key: tuple, wanted: str, day: date, inclusive: bool = False) -> Fact | None:
        for o in self.after(key, day, inclusive):
            if role(c, o) == wanted:
                return o
        return None

    def settle(self, c: Fact) -> Settlement | None:
        """The settlement of target `c` against these events (None when `c` is not a target)."""
        kind = target_kind(c)
        if kind is None or c.day is None:
            return None
        s = Settlement(c, kind)
        if kind in ("transfer", "candidate"):
            keys = [("move", c.subject_key)] if kind == "transfer" else [("post", c.subject_key)]
            if kind == "candidate" and c.object:
                keys.append(("post_at", c.object_key))
            found = [f for f in (self._first(c, k, "first", c.day) for k in keys) if f is not None]
            first = min(found, key=lambda f: (f.day, f.id)) if found else None
            if first is not None and first.day is not None:
                s.first_day = first.day
                outcome = _outcome(c, first, first.day)
                if outcome is not None:
                    s.intervals.append(outcome)
            return s
        club = _last_word(c.object_key)
        end = self._first(c, ("end", c.subject_key, club), "end", c.day)
        need = AT_RISK_DAYS if c.value == "at_risk" else STILL_THERE_DAYS
        stay = self._first(c, ("stay", c.subject_key, club), "stay", c.day + timedelta(days=need), True)
        if stay is not None and end is not None and (stay.day, stay.id) > (end.day, end.id):
            stay = None  # a spell reported from the sacking on says nothing
        s.end_day = end.day if end is not None else None
        s.stay_day = stay.day if stay is not None else None
        horizon = AT_RISK_DAYS if c.value == "at_risk" else SECURE_HORIZON_DAYS
        end_counts = end is not None and end.day is not None and (end.day - c.day).days <= horizon
        if stay is not None and stay.day is not None and (end is None or stay.day < end.day):  # type: ignore[operator]
            outcome = _outcome(c, stay, stay.day, end.day if end_counts and end is not None else None)
            if outcome is not None:
                s.intervals.append(outcome)
        if end_counts and end is not None and end.day is not None:
            outcome = _outcome(c, end, end.day)
            if outcome is not None:
                s.intervals.append(outcome)
        return s


def targets(facts: Sequence[Fact]) -> list[Fact]:
    """The claims to score, in the given order: one per report and key (the first)."""
    seen: set[tuple] = set()
    out = []
    for c in facts:
        if target_kind(c) is None:
            continue
        key = target_key(c)
        if key in seen:
            continue
        seen.add(key)
        out.append(c)
    return out


def settle_all(facts: Sequence[Fact]) -> list[Settlement]:
    """The settlement of every target among `facts` (in their order) against `facts` themselves."""
    events = Events(facts)
    found = [events.settle(c) for c in targets(facts)]
    return [s for s in found if s is not None]


def valid_on(interval: Interval, day: date | None) -> bool:
    """Whether an outcome holds as of `day` (None: as of now, whatever is stored)."""
    if day is None:
        return interval.until is None
    return interval.since <= day and (interval.until is None or day < interval.until)


def iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def next_day(day: date) -> date:
    return day + timedelta(days=1)
