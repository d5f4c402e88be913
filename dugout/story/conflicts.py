"""Contradictions, changes and stale facts across the reports of one story.

- A contradiction is two claims that cannot both hold at once, close enough in
  time to be about the same moment: `secure` and `at_risk` within 14 days or in
  one report; "joined X" and "joined Y" within 60 days; two contract end
  dates within 60 days; "held talks" and "no contact" within 14 days. It needs
  two voices or one report: one outlet changing its line between two reports
  is a change. And it needs two different statements: two claims read off one
  sentence never contradict each other, and a history note (`history.py`) never
  contradicts the present.
- A change is a later report moving the state of a question (at risk, then
  sacked; contract to 2024, then to 2026; `secure`, then `secure` contested by
  `at_risk`): the story moved on, nobody was wrong.
- A stale fact is one whose own date has passed while the story goes on as if
  it had not: a contract said to end in June 2024 while reports in November
  2024 still call him coach. It is flagged, never repeated as current.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dugout.kb.names import fold, names_match

from .dates import days_between, end_of
from .load import StoryClaim
from .phrases import phrase

SAFE = ("secure", "extended", "appointed")
RISK = ("at_risk",)
TERMINAL = ("dismissed", "resigned")
STATUS_WINDOW = 14
MOVE_WINDOW = 60
CONTRACT_WINDOW = 60
WIDEST_WINDOW = max(STATUS_WINDOW, MOVE_WINDOW, CONTRACT_WINDOW)


@dataclass
class Contradiction:
    """Two claims that cannot both hold, side by side with both sources."""

    a: StoryClaim
    b: StoryClaim
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "a": self.a.cite() | {"says": phrase(self.a.claim)},
            "b": self.b.cite() | {"says": phrase(self.b.claim)},
        }


@dataclass
class Change:
    """A question whose state moved between two reports."""

    question: str
    before: list[StoryClaim]
    after: list[StoryClaim]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "note": self.note,
            "before": [c.cite() | {"says": phrase(c.claim)} for c in self.before],
            "after": [c.cite() | {"says": phrase(c.claim)} for c in self.after],
        }


@dataclass
class Stale:
    """A dated fact whose date has passed while later reports carry on regardless."""

    claim: StoryClaim
    as_of: str | None
    reason: str
    later: list[StoryClaim] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "as_of": self.as_of,
            "claim": self.claim.cite() | {"says": phrase(self.claim.claim)},
            "later": [c.cite() | {"says": phrase(c.claim)} for c in self.later],
        }


def _gap(a: StoryClaim, b: StoryClaim) -> int | None:
    """Days between two claims' reports (0 for the same report), None when either is undated."""
    if a.doc == b.doc:
        return 0
    d = days_between(a.report_day, b.report_day)
    return abs(d) if d is not None else None


def _same_parties(a: StoryClaim, b: StoryClaim) -> bool:
    if not names_match(a.claim.subject, b.claim.subject):
        return False
    if a.claim.object is None or b.claim.object is None:
        return True
    return names_match(a.claim.object, b.claim.object)


def _two_sources(a: StoryClaim, b: StoryClaim) -> bool:
    return a.doc == b.doc or (a.voice or a.doc) != (b.voice or b.doc)


def one_statement(a: StoryClaim, b: StoryClaim) -> bool:
    """Two claims read off one sentence of one report: a sentence never contradicts itself (two
    readings of it are the extraction's doubt, not two statements)."""
    if a.doc != b.doc:
        return False
    ea, eb = (a.claim.evidence or "").strip(), (b.claim.evidence or "").strip()
    return bool(ea and eb) and (ea in eb or eb in ea)


def comparable(a: StoryClaim, b: StoryClaim) -> bool:
    """Whether two claims are two statements about the same moment: not one sentence read twice,
    and neither a history note (a career note never contradicts the present)."""
    return not one_statement(a, b) and not a.history and not b.history


def _ordered(a: StoryClaim, b: StoryClaim) -> tuple[StoryClaim, StoryClaim]:
    ka = (a.report_day or date.max, a.id or 0)
    kb = (b.report_day or date.max, b.id or 0)
    return (a, b) if ka <= kb else (b, a)


def _same_say(a: StoryClaim, b: StoryClaim) -> bool:
    """Two claims of one type saying the same thing of the same parties: no rule can make them clash."""
    ca, cb = a.claim, b.claim
    return (ca.subject, ca.object, ca.value, ca.polarity, ca.when) == (
        cb.subject,
        cb.object,
        cb.value,
        cb.polarity,
        cb.when,
    )


def _status_side(c: StoryClaim) -> str | None:
    """Which side of "is his job safe?" a status is on; an appointment is news of an arrival, not
    a word on security, so it takes no side (a new man can be under pressure within weeks)."""
    v = c.claim.value
    if v == "appointed":
        return None
    side = "safe" if v in SAFE else "risk" if v in RISK else "end" if v in TERMINAL else None
    if side and c.claim.polarity == "negated":
        side = {"safe": "risk", "risk": "safe"}.get(side)
    return side


def _span(a: StoryClaim, b: StoryClaim, gap: int) -> str:
    """How far apart two statements are: one report, two of one day, or some days."""
    if a.doc == b.doc:
        return "in one report"
    return "on the same day" if gap == 0 else f"within {gap} days"


def _clash(a: StoryClaim, b: StoryClaim) -> str | None:
    """Why a and b cannot both hold, or None; a is the earlier of the two."""
    ca, cb = a.claim, b.claim
    if ca.type != cb.type:
        return None
    gap = _gap(a, b)
    if gap is None:
        return None
    t = ca.type
    if t == "job_status" and _same_parties(a, b) and gap <= STATUS_WINDOW:
        sa, sb = _status_side(a), _status_side(b)
        if {sa, sb} == {"safe", "risk"}:
            return f"job status {ca.value} vs {cb.value} {_span(a, b, gap)}"
        if sa == "end" and sb in ("safe", "risk") and cb.value != "appointed":
            return f"{ca.value} yet still {cb.value} {_span(a, b, gap)}"
        if gap == 0 and sa == "end" and sb in ("safe", "risk"):
            return f"{ca.value} and {cb.value} {_span(a, b, gap)}"
    if t == "meeting" and gap <= STATUS_WINDOW:
        pair_a = {fold(ca.subject), fold(ca.object)}
        pair_b = {fold(cb.subject), fold(cb.object)}
        if pair_a == pair_b and ca.polarity != cb.polarity:
            return f"meeting {ca.value or ''} vs no contact within {gap} days".replace("  ", " ")
    if t == "transfer" and names_match(ca.subject, cb.subject) and gap <= MOVE_WINDOW:
        moves = ("signed", "agreed", "loan")
        if (
            ca.value in moves
            and cb.value in moves
            and ca.polarity == cb.polarity == "affirmed"
            and not names_match(ca.object, cb.object)
        ):
            return f"{ca.subject} joining {ca.object} and {cb.object} within {gap} days"
    if t == "contract_until" and _same_parties(a, b) and gap <= CONTRACT_WINDOW:
        wa, wb = ca.when or "", cb.when or ""
        if wa and wb and not (wa.startswith(wb) or wb.startswith(wa)):
            return f"two contract end dates: {wa} and {wb}"
    if t == "coach_of" and names_match(ca.subject, cb.subject) and a.doc != b.doc and gap <= STATUS_WINDOW:
        # one report naming a coach at two clubs is a misreading (a rival, a career note): two
        # reports are needed, and which club is his now is for the weight of evidence to say
        if ca.value == cb.value == "current" and not names_match(ca.object, cb.object):
            if ca.polarity == cb.polarity == "affirmed":
                return f"head coach of {ca.object} and of {cb.object} at once"
    if ca.key() == cb.key() and ca.value == cb.value and ca.polarity != cb.polarity:
        if gap <= STATUS_WINDOW and t not in ("meeting",):
            return f"affirmed and denied within {gap} days"
    return None


def _clash_group(c: StoryClaim) -> tuple:
    cl = c.claim
    if cl.type == "meeting":
        return (cl.type, frozenset((fold(cl.subject), fold(cl.object))))
    words = fold(cl.subject).split()
    return (cl.type, words[-1] if words else "")


def _candidate_pairs(group: list[StoryClaim]) -> list[tuple[int, int]]:
    """Positions (i < j) of the pairs in `group` that may clash: one report, or days close enough.

    Every clash needs its two reports within `WIDEST_WINDOW` days (or to be one report), so in
    day order a claim meets only the claims of the days just after it, not the whole story.
    """
    pairs: set[tuple[int, int]] = set()
    dated = sorted((i for i, c in enumerate(group) if c.report_day), key=lambda i: group[i].report_day)  # type: ignore[arg-type, return-value]
    for n, i in enumerate(dated):
        day = group[i].report_day
        for j in dated[n + 1 :]:
            if (group[j].report_day - day).days > WIDEST_WINDOW:  # type: ignore[operator]
                break
            pairs.add((min(i, j), max(i, j)))
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(group):
        by_doc[c.doc].append(i)
    for same in by_doc.values():
        pairs.update((i, j) for n, i in enumerate(same) for j in same[n + 1 :])
    return sorted(pairs)


def contradictions(claims: list[StoryClaim]) -> list[Contradiction]:
    """Pairs of claims that cannot both hold at once, from two voices or one report."""
    found: list[Contradiction] = []
    seen: set[tuple] = set()
    # Every clash needs the same subject (names that match end in the same word) or, for meetings,
    # the same pair: compare only within those groups, not every pair of the story.
    groups: dict[tuple, list[StoryClaim]] = defaultdict(list)
    for c in claims:
        groups[_clash_group(c)].append(c)
    for group in groups.values():
        for i, j in _candidate_pairs(group):
            if (
                _same_say(group[i], group[j])
                or not _two_sources(group[i], group[j])
                or not comparable(group[i], group[j])
            ):
                continue
            a, b = _ordered(group[i], group[j])
            reason = _clash(a, b)
            if reason is None:
                continue
            key = (a.doc, b.doc, a.claim.key(), b.claim.key(), a.claim.value, b.claim.value)
            if key in seen:
                continue
            seen.add(key)
            found.append(Contradiction(a, b, reason))
    return found


def _question(c: StoryClaim) -> tuple | None:
    cl = c.claim
    if cl.type in ("job_status", "coach_of", "contract_until", "transfer", "candidate_for"):
        return (cl.type, fold(cl.subject), fold(cl.object))
    if cl.type == "holds_role":
        return (cl.type, fold(cl.subject), fold(cl.object))
    if cl.type == "meeting":
        return (cl.type, frozenset((fold(cl.subject), fold(cl.object))))
    return None


def _state(c: StoryClaim) -> str:
    cl = c.claim
    v = cl.when if cl.type == "contract_until" else cl.value
    return f"{'not ' if cl.polarity == 'negated' else ''}{v}"


def _question_text(c: StoryClaim) -> str:
    cl = c.claim
    label = {
        "job_status": "job status",
        "coach_of": "coaching post",
        "contract_until": "contract end",
        "transfer": "transfer",
        "candidate_for": "candidacy",
        "holds_role": "role",
        "meeting": "meeting",
    }[cl.type]
    if cl.type == "meeting":
        return f"{label}: {cl.subject} and {cl.object}"
    return f"{label}: {cl.subject}" + (f" at {cl.object}" if cl.object else "")


def changes(claims: list[StoryClaim]) -> list[Change]:
    """Per question, each report whose set of stated values differs from the previous report's."""
    per_q: dict[tuple, dict[str, list[StoryClaim]]] = defaultdict(lambda: defaultdict(list))
    for c in claims:
        q = _question(c)
        if q is not None and c.report_day is not None and not c.history:  # a career note moves nothing
            per_q[q][c.doc].append(c)
    out: list[Change] = []
    for reports in per_q.values():
        ordered = sorted(reports.values(), key=lambda cs: (cs[0].report_day, cs[0].doc))
        for before, after in zip(ordered, ordered[1:], strict=False):
            sb = {_state(c) for c in before}
            sa = {_state(c) for c in after}
            if sb == sa or before[0].report_day == after[0].report_day:
                continue
            note = f"{', '.join(sorted(sb))} -> {', '.join(sorted(sa))}"
            sides = {_status_side(c) for c in after} if after[0].claim.type == "job_status" else set()
            if {"safe", "risk"} <= sides:
                note += " (now contested)"
            out.append(Change(_question_text(after[0]), before, after, note))
    return sorted(out, key=lambda ch: (ch.after[0].report_day, ch.question))


def _in_post(c: StoryClaim, person: str, club: str | None) -> bool:
    cl = c.claim
    if cl.polarity != "affirmed" or not names_match(cl.subject, person):
        return False
    if club and cl.object and not names_match(cl.object, club):
        return False
    if cl.type == "coach_of":
        return cl.value in ("current", "interim")
    if cl.type == "job_status":
        return cl.value in (*SAFE, *RISK)
    return cl.type == "holds_role"


def ran_out_before_its_report(c: StoryClaim) -> bool:
    """Whether a contract's end comes before the report that gives it ("signed a new five-year
    contract back in July 2021", read in June 2023, as a contract until July 2021). A report
    tells of a contract's end while it is to come: over train and dev, 4 of the 182 dated gold
    contract ends fall before their report (a contract that "expired in June"), against 34 of
    the 151 the extractor read out of fold, nearly all a signing's date read as the end. So such
    an end is no contract line of the story and no stale contract (the claim stays in the store
    and the timeline)."""
    return bool(c.claim.when) and passed(c.claim.when, c.published)


def passed(when: str, day: str | None) -> bool:
    """Whether a date, as precise as it is given ("2024-06", "2023"), is over by an ISO day."""
    return bool(day) and when < day[: len(when)]


def stale(claims: list[StoryClaim], as_of: str | None) -> list[Stale]:
    """Contract end dates already past on `as_of` (the latest per person and club)."""
    limit = end_of(as_of)
    if limit is None:
        return []
    latest: dict[tuple, StoryClaim] = {}
    for c in claims:
        cl = c.claim
        if cl.type != "contract_until" or not cl.when or cl.polarity != "affirmed":
            continue
        if ran_out_before_its_report(c):
            continue
        key = (fold(cl.subject), fold(cl.object))
        prev = latest.get(key)
        if prev is None or (c.report_day or limit) >= (prev.report_day or limit):
            latest[key] = c
    out = []
    for c in latest.values():
        end = end_of(c.claim.when)
        if end is None or end >= limit:
            continue
        later = [
            o
            for o in claims
            if o.report_day and o.report_day > end and _in_post(o, c.claim.subject, c.claim.object)
        ]
        if later:
            last = max(later, key=lambda o: o.report_day)
            reason = (
                f"contract said to end {c.claim.when}, but {last.outlet} still reports him in post "
                f"on {last.published}"
            )
        else:
            reason = f"contract said to end {c.claim.when}, a date already past on {as_of}"
        out.append(Stale(c, as_of, reason, later))
    return out
