"""Where the story stands: a person's or a club's current state, every line with its sources.

`build_story(StoryInput)` is a pure function of the claims (and the outlets'
track record) so the CLI, the HTTP API and the web page show the same story.
The state is the newest report's word where reports simply moved on, with
older and conflicting reports kept beside it rather than dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dugout.kb.names import fold, names_match

from .confidence import confidence, explain, strength
from .conflicts import (
    RISK,
    SAFE,
    TERMINAL,
    Change,
    Contradiction,
    Stale,
    changes,
    contradictions,
    ran_out_before_its_report,
    stale,
)
from .dates import days_between
from .eligible import can_hold_job
from .lines import Line, cites, group_by, object_is, order_key, subject_is
from .load import StoryClaim, StoryInput
from .phrases import phrase
from .posts import club_staff, club_standing, coaching_posts, current_club, last_ended, person_standing

NEW_DAYS = 90
"""An appointment older than this (as of the story's date) is a coach in post, no longer news."""
STAGES = {"linked": 0, "shortlisted": 1, "approached": 2, "offered": 3}
TRANSFER_STAGES = {"interest": 0, "bid": 1, "negotiating": 2, "agreed": 3, "loan": 4, "signed": 5}
PERSON_TYPES = ("coach_of", "holds_role", "job_status", "contract_until", "candidate_for", "transfer")
CLUB_SUBJECT_TYPES = ("squad_need", "match_result")


_key = order_key
_cites = cites


@dataclass
class JobStatus:
    """A coach's job status at one club now, with a confidence and the reports for and against."""

    person: str
    club: str | None
    status: str
    confidence: float
    support: list[StoryClaim]
    against: list[StoryClaim]
    explanation: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "club": self.club,
            "status": self.status,
            "confidence": self.confidence,
            "for": _cites(self.support),
            "against": _cites(self.against),
            "explanation": self.explanation,
        }


@dataclass
class Candidate:
    """Someone named for a job, ranked by independent outlets and recency."""

    name: str
    job: str
    stage: str
    outlets: list[str]
    latest: str | None
    claims: list[StoryClaim]
    ruled_out: list[StoryClaim] = field(default_factory=list)

    @property
    def conditional_only(self) -> bool:
        return all(c.claim.modality == "conditional" for c in self.claims)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "job": self.job,
            "stage": self.stage,
            "independent_outlets": len(self.outlets),
            "outlets": self.outlets,
            "latest": self.latest,
            "stand_in_only": self.conditional_only,
            "sources": _cites(self.claims),
            "ruled_out_by": _cites(self.ruled_out),
        }


@dataclass
class Story:
    """Everything the story layer says about one name as of one date."""

    name: str
    kind: str
    as_of: str | None
    roles: list[Line] = field(default_factory=list)
    contracts: list[Line] = field(default_factory=list)
    jobs: list[JobStatus] = field(default_factory=list)
    meetings: list[Line] = field(default_factory=list)
    linked_elsewhere: list[Line] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    transfers_in: list[Line] = field(default_factory=list)
    transfers_out: list[Line] = field(default_factory=list)
    needs: list[Line] = field(default_factory=list)
    results: list[Line] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    stale: list[Stale] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def lines(items: list[Any]) -> list[dict[str, Any]]:
            return [i.to_dict() for i in items]

        return {
            "name": self.name,
            "kind": self.kind,
            "as_of": self.as_of,
            "roles": lines(self.roles),
            "contracts": lines(self.contracts),
            "job_status": lines(self.jobs),
            "meetings": lines(self.meetings),
            "linked_elsewhere": lines(self.linked_elsewhere),
            "candidates": lines(self.candidates),
            "transfers_in": lines(self.transfers_in),
            "transfers_out": lines(self.transfers_out),
            "needs": lines(self.needs),
            "results": lines(self.results),
            "contradictions": lines(self.contradictions),
            "changes": lines(self.changes),
            "stale": lines(self.stale),
            "reports": self.reports,
        }


def kind_of(name: str, claims: list[StoryClaim]) -> str:
    """ "person" or "club" (a national team counts as a club), from the knowledge base or the claims."""
    from .dedup import _kb

    kb = _kb()
    if kb is not None:
        kinds = {e.kind for e in kb.lookup(name)}
        if kinds == {"person"}:
            return "person"
        if kinds and kinds <= {"club", "national_team"}:
            return "club"
    person = club = 0
    for c in claims:
        cl = c.claim
        if names_match(cl.subject, name):
            if cl.type in PERSON_TYPES:
                person += 1
            elif cl.type in CLUB_SUBJECT_TYPES:
                club += 1
        if names_match(cl.object, name) and cl.type in PERSON_TYPES:
            club += 1
    return "person" if person >= club else "club"


_subject_is, _object_is, _group = subject_is, object_is, group_by


def job_statuses(
    claims: list[StoryClaim],
    person: str,
    as_of: str | None,
    track: dict[str, Any],
    clubs: set[str] | None = None,
) -> list[JobStatus]:
    """The person's job status at each club: the stronger side of the current spell, with confidence.

    The spell starts after the last dismissal or resignation that a later
    appointment or "still in charge" report follows; within it, `secure` /
    `extended` / `appointed` stand together against `at_risk`, each side
    weighed by the confidence formula. Claims of the losing side that are
    older than 14 days before the newest winning claim are history (see
    changes), not reports against. History notes ("had been under pressure") count for
    nothing; `clubs` (folded names) keeps only the jobs at those clubs.
    """
    mine = [
        c
        for c in claims
        if _subject_is(c, person)
        and c.claim.type == "job_status"
        and not c.history
        and (clubs is None or fold(c.claim.object) in clubs)
    ]
    posts = [
        c
        for c in claims
        if _subject_is(c, person) and c.claim.type == "coach_of" and c.claim.value == "current"
    ]
    out = []
    for club_key, group in _group(mine, lambda c: fold(c.claim.object)).items():
        group.sort(key=_key)
        if any(c.published for c in group):  # an undated report never outranks dated ones
            group = [c for c in group if c.published]
        club = next((c.claim.object for c in group if c.claim.object), None)
        terminal, threatened = _spell_ends(group, posts, club_key)
        spell = group
        if terminal:
            last_end = terminal[-1]
            after = [
                c
                for c in group + [p for p in posts if fold(p.claim.object) == club_key]
                if _key(c) > _key(last_end)
                and c.doc != last_end.doc
                and (c.claim.type == "coach_of" or c.claim.value in (*SAFE, *RISK))
            ]
            if not after:
                ends = [c for c in terminal if c.claim.value == last_end.claim.value]
                against = [
                    c
                    for c in group
                    if c.claim.value in (*SAFE, *RISK)
                    and abs(days_between(c.report_day, last_end.report_day) or 0) <= 14
                    and _key(c) >= _key(last_end)
                ]
                out.append(
                    JobStatus(
                        person,
                        club,
                        last_end.claim.value or "dismissed",
                        confidence(ends, against, as_of, track),
                        ends,
                        against,
                        explain(ends, against, as_of, track),
                    )
                )
                continue
            spell = [c for c in group if _key(c) > _key(last_end) and c.doc != last_end.doc]
        safe = [c for c in spell if c.claim.value in SAFE and c.claim.polarity == "affirmed"]
        safe += [c for c in spell if c.claim.value in RISK and c.claim.polarity == "negated"]
        risk = [c for c in spell if c.claim.value in RISK and c.claim.polarity == "affirmed"]
        risk += [c for c in spell if c.claim.value in SAFE and c.claim.polarity == "negated"]
        risk += [c for c in spell if c in threatened]
        if not safe and not risk:
            continue
        s_safe, s_risk = strength(safe, as_of, track), strength(risk, as_of, track)
        newest_safe = max((_key(c) for c in safe), default=("0000", 0))
        newest_risk = max((_key(c) for c in risk), default=("0000", 0))
        win_safe = (s_safe, newest_safe) >= (s_risk, newest_risk)
        support, other = (safe, risk) if win_safe else (risk, safe)
        anchor = max(support, key=_key)
        against = [c for c in other if (days_between(c.report_day, anchor.report_day) or 0) <= 14]
        status = (
            anchor.claim.value
            if anchor.claim.polarity == "affirmed" and anchor not in threatened
            else ("secure" if win_safe else "at_risk")
        )
        if status == "appointed" and (days_between(anchor.report_day, as_of) or 0) > NEW_DAYS:
            status = "secure"  # appointed long ago and nothing against since: in post, not new
        out.append(
            JobStatus(
                person,
                club,
                status or "secure",
                confidence(support, against, as_of, track),
                support,
                against,
                explain(support, against, as_of, track),
            )
        )
    return out


def _spell_ends(
    group: list[StoryClaim], posts: list[StoryClaim], club_key: str
) -> tuple[list[StoryClaim], list[StoryClaim]]:
    """A coach's sackings and resignations at one club: those that end his spell, and the sackings
    whose own report also calls him the club's current coach, which speak of a threat, not an
    end ("no plans to sack him", "if he is sacked", "set to sack"). A report of a sacking calls
    the man its former coach; out of fold (train + dev, `bench/crossval.py --claims`), a
    dismissal extracted beside a current post of the same report was right 28 times in 86,
    against about half of all job statuses. A resignation beside a current post was right half
    the time (14 in 28), like any job status: a coach who has announced he will leave is still
    in post, so it stays an end."""
    in_post = {c.doc for c in posts if fold(c.claim.object) == club_key}
    ends = [c for c in group if c.claim.value in TERMINAL and c.claim.polarity == "affirmed"]
    threat = [c for c in ends if c.claim.value == "dismissed" and c.doc in in_post]
    return [c for c in ends if c not in threat], threat


def candidates(
    claims: list[StoryClaim],
    club: str,
    holder: str | None = None,
    people: dict[str, set[str]] | None = None,
) -> list[Candidate]:
    """People named for the club's job who can hold it (`eligible.py`: never players, owners,
    places or fragments), ranked by independent outlets, then recency, then stage.

    `people` maps a folded name to what the store's other claims make him (coach, player ...)."""
    from .dedup import _kb

    kb = _kb()
    named = [c for c in claims if c.claim.type == "candidate_for" and _object_is(c, club) and not c.history]
    out = []
    for _k, group in _group(named, lambda c: fold(c.claim.subject)).items():
        person = group[0].claim.subject
        if holder and names_match(person, holder):
            continue
        yes = [c for c in group if c.claim.polarity == "affirmed"]
        no = [c for c in group if c.claim.polarity == "negated"]
        if not yes or not can_hold_job(person, yes, kb, people):
            continue
        stage = max((c.claim.value or "linked" for c in yes), key=lambda v: STAGES.get(v, 0))
        voices = sorted({c.voice or c.doc for c in yes})
        latest = max((c.published or c.claim.when or "" for c in yes), default="") or None
        out.append(
            Candidate(person, club, stage, voices, latest, sorted(yes, key=_key), sorted(no, key=_key))
        )
    return sorted(
        out,
        key=lambda c: (
            -len(c.outlets),
            -(int((c.latest or "0").replace("-", "")[:8].ljust(8, "0"))),
            -STAGES.get(c.stage, 0),
            c.name,
        ),
    )


def transfers(claims: list[StoryClaim], club: str) -> tuple[list[Line], list[Line]]:
    """Players coming in and going out, each at the furthest stage reported."""
    ins, outs = [], []
    moves = [c for c in claims if c.claim.type == "transfer"]
    incoming = [c for c in moves if _object_is(c, club) and c.claim.value != "departure"]
    leaving = [
        c
        for c in moves
        if (_object_is(c, club) and c.claim.value == "departure")
        or (c.claim.counterpart and names_match(c.claim.counterpart, club))
    ]
    for _k, group in _group(incoming, lambda c: fold(c.claim.subject)).items():
        yes = [c for c in group if c.claim.polarity == "affirmed"] or group
        stage = max((c.claim.value or "interest" for c in yes), key=lambda v: TRANSFER_STAGES.get(v, 0))
        best = [c for c in yes if c.claim.value == stage]
        c0 = max(best, key=_key).claim
        text = f"{c0.subject}: {stage}" + (f" (from {c0.counterpart})" if c0.counterpart else "")
        ins.append(Line("transfer_in", text, sorted(group, key=_key), stage))
    for _k, group in _group(leaving, lambda c: fold(c.claim.subject)).items():
        c0 = max(group, key=_key).claim
        dest = "" if c0.value == "departure" else f" to {c0.object}"
        text = f"{c0.subject}: {'leaving' if c0.value == 'departure' else c0.value}{dest}"
        outs.append(Line("transfer_out", text, sorted(group, key=_key), c0.value))
    rank = lambda ln: (-TRANSFER_STAGES.get(ln.value or "", 0), ln.text)  # noqa: E731
    return sorted(ins, key=rank), sorted(outs, key=lambda ln: ln.text)


def person_transfers(claims: list[StoryClaim], person: str) -> list[Line]:
    """A player's own moves, by club and furthest stage."""
    lines = []
    mine = [c for c in claims if c.claim.type == "transfer" and _subject_is(c, person)]
    for _k, group in _group(mine, lambda c: fold(c.claim.object)).items():
        c0 = max(group, key=_key).claim
        lines.append(Line("transfer", phrase(c0), sorted(group, key=_key), c0.value))
    return lines


def needs(claims: list[StoryClaim], club: str) -> list[Line]:
    """Positions the club is said to need, each with every report that says so."""
    mine = [c for c in claims if c.claim.type == "squad_need" and _subject_is(c, club)]
    lines = []
    for value, group in _group(mine, lambda c: c.claim.value).items():
        group.sort(key=_key)
        years = sorted({(c.published or c.claim.when or "")[:4] for c in group} - {""})
        note = f"reported in {', '.join(years)}" if years else ""
        lines.append(Line("need", value or "reinforcement", group, value, note))
    return sorted(lines, key=lambda ln: (-len(ln.claims), ln.text))


def _flip(score: str | None) -> str | None:
    if not score or "-" not in score:
        return score
    a, b = score.split("-", 1)
    return f"{b}-{a}"


def results(claims: list[StoryClaim], club: str) -> list[Line]:
    """Match results from the club's side ("lost 0-4 to Manchester City"), newest first."""
    lines = []
    games = [c for c in claims if c.claim.type == "match_result"]
    seen: dict[tuple, Line] = {}
    for c in games:
        cl = c.claim
        if _subject_is(c, club):
            opp, score = cl.object, cl.value
        elif _object_is(c, club):
            opp, score = cl.subject, _flip(cl.value)
        else:
            continue
        verb = "v"
        if score and "-" in score:
            a, b = (int(x) if x.strip().isdigit() else 0 for x in score.split("-", 1))
            verb = "beat" if a > b else "lost to" if a < b else "drew with"
        text = (
            f"{verb} {opp}"
            + (f" {score}" if score else "")
            + (f" in the {cl.competition}" if cl.competition else "")
        )
        if verb == "v":
            text = (
                f"played {opp}"
                + (f" in the {cl.competition}" if cl.competition else "")
                + " (no score given)"
            )
        key = (fold(opp), score, c.date)
        if key in seen:
            seen[key].claims.append(c)
            continue
        line = Line("result", text, [c], score, note=(c.date or "") if c.dated else f"reported {c.date}")
        seen[key] = line
        lines.append(line)
    return sorted(lines, key=lambda ln: ln.note.removeprefix("reported ") or "", reverse=True)


def newest_contracts(claims: list[StoryClaim], person: str) -> list[StoryClaim]:
    """The person's contract claims the story tells: per club, those of the newest report that
    gives one (a later report's end replaces an earlier one's: "until June 2024" in 2023, "until
    June 2026" in 2025), none whose end came before its own report (`ran_out_before_its_report`)."""
    mine = [
        c
        for c in claims
        if c.claim.type == "contract_until" and _subject_is(c, person) and not ran_out_before_its_report(c)
    ]
    out = []
    for group in _group(mine, lambda c: fold(c.claim.object)).values():
        newest = max(c.report_day or date.min for c in group)
        out += [c for c in group if (c.report_day or date.min) == newest]
    return sorted(out, key=_key)


def meetings(claims: list[StoryClaim], name: str) -> list[Line]:
    """Meetings planned or held involving the name, oldest first."""
    mine = [c for c in claims if c.claim.type == "meeting" and (_subject_is(c, name) or _object_is(c, name))]
    return [
        Line("meeting", phrase(c.claim), [c], c.claim.value, note=c.date or "")
        for c in sorted(mine, key=_key)
    ]


def _reports(claims: list[StoryClaim]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for c in sorted(claims, key=_key):
        seen.setdefault(
            c.doc,
            {
                "doc": c.doc,
                "outlet": c.outlet,
                "published": c.published,
                "title": c.title,
                "url": c.url,
                "voice": c.voice,
            },
        )
    return list(seen.values())


def _person_state(
    story: Story, claims: list[StoryClaim], everything: list[StoryClaim], inp: StoryInput
) -> None:
    """A person's post now, his job status there (or where he was last), candidates to succeed him."""
    name = story.name
    club_claims = everything[len(claims) :] or None  # the claims naming his club, not him
    standing = person_standing(claims, name, inp.as_of, club_claims)
    story.roles = coaching_posts(claims, name, inp.as_of, standing)
    club = current_club(standing)
    last = last_ended(standing) if club is None else None
    end = last.ended_by() if last is not None else None
    # where he is now; else where a sacking or resignation ended his last post
    where = club or (last.name if last and end and end.claim.type == "job_status" else None)
    story.jobs = job_statuses(claims, name, inp.as_of, inp.track, {fold(where)}) if where else []
    if club is not None:
        story.candidates = candidates(everything, club, holder=name, people=inp.people)
    story.linked_elsewhere = [
        Line("linked", phrase(c.claim), [c], c.claim.value, note=c.date or "")
        for c in sorted(claims, key=_key)
        if c.claim.type == "candidate_for" and _subject_is(c, name) and not c.history
    ]
    story.transfers_in = person_transfers(claims, name)


def _club_state(story: Story, claims: list[StoryClaim], inp: StoryInput) -> None:
    """A club's staff (its head coach now), his job status, candidates, transfers, needs, results."""
    name = story.name
    standing = club_standing(claims, name, inp.as_of)
    story.roles = club_staff(claims, name, inp.as_of, standing)
    coach = standing.now.name if standing.now is not None else None
    if coach is not None:
        story.jobs = job_statuses(claims, coach, inp.as_of, inp.track, {fold(name)})
    story.candidates = candidates(claims, name, holder=coach, people=inp.people)
    story.transfers_in, story.transfers_out = transfers(claims, name)
    story.needs = needs(claims, name)
    story.results = results(claims, name)


def build_story(inp: StoryInput, related: list[StoryClaim] | None = None) -> Story:
    """The story of `inp.name` as of `inp.as_of`; `related` adds claims about the person's club(s)."""
    claims = inp.claims
    name = inp.name
    kind = kind_of(name, claims)
    story = Story(name=name, kind=kind, as_of=inp.as_of)
    everything = claims + [c for c in related or [] if c.id not in {x.id for x in claims}]
    if kind == "person":
        _person_state(story, claims, everything, inp)
    else:
        _club_state(story, claims, inp)
    story.contracts = (
        [
            Line("contract", f"contract with {c.claim.object} until {c.claim.when}", [c], c.claim.when)
            for c in newest_contracts(claims, name)
        ]
        if kind == "person"
        else []
    )
    story.meetings = meetings(claims, name)
    story.stale = stale(claims, inp.as_of)
    stale_ids = {s.claim.id for s in story.stale}
    for line in story.contracts:
        if line.claims[0].id in stale_ids:
            line.note = f"stale as of {inp.as_of}"
    story.contradictions = contradictions(claims)
    story.changes = changes(claims)
    story.reports = _reports(claims)
    return story
