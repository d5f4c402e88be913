"""A short briefing in plain English, every sentence cited and traceable to its claims.

Built from the `Story` with fixed templates (no language model): each
`Sentence` keeps the ids of the claims it says, and renders its citations as
"[ESPN, 2023-05-19]" so a journalist can check every line against its report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dugout.kb.names import fold, names_match, short_name

from .conflicts import passed
from .dates import days_between, month_name
from .lines import SHOWN, strongest
from .load import StoryClaim
from .phrases import counted, role_name
from .state import Line, Story

MAX_NAMES = 6
FRESH_DAYS = 60
"""A job status whose newest report is older than this (as of the story) is told as the last word."""
PER_REPORT = 3
"""Up to this many reports naming candidates, the brief gives one sentence per report."""


@dataclass
class Sentence:
    """One sentence of the brief and the claims behind it."""

    text: str
    claims: list[StoryClaim] = field(default_factory=list)

    @property
    def citations(self) -> list[str]:
        """Each report cited once, oldest first; past `SHOWN` reports, the strongest `SHOWN`
        (one per outlet first) and "and N more"."""
        labels = _labels(self.claims)
        if len(labels) <= SHOWN:
            return labels
        top, _rest = strongest(self.claims, n=len(self.claims))
        shown: list[str] = []
        for c in top:
            if c.label() not in shown:
                shown.append(c.label())
            if len(shown) == SHOWN:
                break
        kept = [label for label in labels if label in shown]
        return kept + [f"and {len(labels) - len(kept)} more"]

    @property
    def claim_ids(self) -> list[int]:
        return sorted({c.id for c in self.claims if c.id is not None})

    def render(self) -> str:
        cites = f" [{'; '.join(self.citations)}]" if self.citations else ""
        text = _cap(self.text.rstrip("."))
        return f"{text}{cites}."

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.render(), "claim_ids": self.claim_ids, "citations": self.citations}


def _labels(claims: list[StoryClaim]) -> list[str]:
    seen: list[str] = []
    for c in sorted(claims, key=lambda c: (c.published or "9999", c.outlet or "")):
        if c.label() not in seen:
            seen.append(c.label())
    return seen


def _surname(name: str) -> str:
    """How the brief calls a person after the first mention: "ten Hag", "De Bruyne", "Luis Enrique"."""
    from .dedup import _kb

    kb = _kb()
    known = None
    if kb is not None:
        people = [e for e in kb.lookup(name) if e.kind == "person" and fold(e.name) == fold(name)]
        known = people[0].extra.get("short") if people else None
    return short_name(name, known)


def _names(items: list[str]) -> str:
    items = list(dict.fromkeys(items))
    if len(items) > MAX_NAMES:
        items = items[:MAX_NAMES] + [f"{len(items) - MAX_NAMES} more"]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _when(c: StoryClaim) -> str:
    return month_name(c.claim.when or c.published)


def _paren_when(c: StoryClaim) -> str:
    """ " (May 2023)" after a clause, or nothing when the report gives no date."""
    return f" ({_when(c)})" if (c.claim.when or c.published) else ""


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _on(value: str | None) -> str:
    """ "on 6 November 2024" for a day, "in May 2023" for a month or year."""
    if not value:
        return "at an unknown date"
    text = month_name(value)
    return f"on {text}" if text[:1].isdigit() and " " in text else f"in {text}"


def _by_whom(c: StoryClaim, short: str | None = None) -> str:
    """Who says it: "sources told ESPN", "Marca reported", "Perez said", "he said" (the subject)."""
    from .dedup import known_outlet

    attr = c.claim.attribution
    if attr and attr.lower() in ("sources", "source"):
        return f"sources told {c.outlet}" if c.outlet else "sources said"
    if attr and names_match(attr, c.claim.subject):
        return f"{short or _surname(c.claim.subject)} said"
    if attr and (known_outlet(attr) or attr.lower().endswith(("reports", "media", "press"))):
        return f"{attr} reported"
    if attr:
        return f"{attr} said"
    return f"{c.outlet} reported" if c.outlet else "it was reported"


STATUS_WORDS = {
    "secure": "safe",
    "at_risk": "at risk",
    "extended": "extended",
    "appointed": "new",
    "dismissed": "gone: he was sacked",
    "resigned": "gone: he resigned",
}
STATUS_THEN = {"dismissed": "gone (sacked)", "resigned": "gone (resigned)"}
"""A job last reported gone, on the report's date: not "he was sacked on" that date, which may
be a report's look back at a sacking long before ("the same mistake they made with ten Hag")."""


def _person(story: Story) -> list[Sentence]:
    out: list[Sentence] = []
    name, short = story.name, _surname(story.name)
    current = [ln for ln in story.roles if ln.value in ("current", "interim")]
    others = [
        ln for ln in story.roles if ln not in current and ln.value not in ("former", "outweighed", "replaced")
    ]
    if current:
        out.append(Sentence(f"{name} is {current[0].text}", current[0].claims))
    else:
        out += _last_post(story, name)
    for ln in others[:3]:
        out.append(Sentence(f"{name} is {ln.text}", ln.claims))
    out += _contracts(story, short, [ln.party for ln in current if ln.party])
    for job in story.jobs:
        out += _job(story, job, short)
    for ln in story.meetings:
        c = ln.claims[0]
        cl = c.claim
        other = cl.object if cl.subject == name else cl.subject
        if cl.polarity == "negated":
            text = f"{_by_whom(c).capitalize()} there has been no contact between {short} and {other}"
        elif cl.value == "held":
            text = f"{other} met {short} {_on(cl.when or c.published)}, as {_by_whom(c)}"
        else:
            text = f"{other} was due to meet {short}{_paren_when(c)}, as {_by_whom(c)}"
        out.append(Sentence(text, [c]))
    for ln in story.linked_elsewhere:
        c = ln.claims[0]
        verb = {"offered": "has an offer from", "approached": "has been approached by"}.get(
            c.claim.value or "", "has been linked with"
        )
        job = c.claim.object or "another club"
        out.append(Sentence(f"{short} {verb} {job}{_paren_when(c)}", [c]))
    out += _candidates(story, "possible successors named")
    return out


def _undated_contracts(story: Story, short: str) -> list[Sentence]:
    """A contract the reports give no end date for says something only at a club he is in post at
    now, and only where no report dates it ("a contract that runs until an unknown date" says
    nothing, and nothing at a club he has left): once per club, from an affirmed claim."""
    in_post = {ln.party for ln in story.roles if ln.value in ("current", "interim")}
    dated = {ln.claims[0].claim.object for ln in story.contracts if ln.claims[0].claim.when}
    out: list[Sentence] = []
    told: set[str | None] = set()
    for ln in story.contracts:
        c = ln.claims[0]
        club = c.claim.object
        if c.claim.when or c.claim.polarity != "affirmed" or club not in in_post or club in dated | told:
            continue
        told.add(club)
        out.append(Sentence(f"{short} is under contract at {club}; the reports give no end date", [c]))
    return out


def _contracts(story: Story, short: str, posts: list[str]) -> list[Sentence]:
    """The contract sentences: runs until, stale while he is still in post at its club (`posts`:
    the clubs of his posts now), or had been due to run at a club he has left; a player's (no
    post of his known) runs until its end is past. A contract with no end date only as
    `_undated_contracts` says."""
    out: list[Sentence] = _undated_contracts(story, short)
    stale_ids = {s.claim.id for s in story.stale}
    for ln in story.contracts:
        c = ln.claims[0]
        if not c.claim.when:
            continue
        current = any(names_match(c.claim.object, club) for club in posts) or (
            not story.roles and not passed(c.claim.when, story.as_of)
        )  # a player's (no post of his is known): running until its end
        if c.id in stale_ids and current:
            s = next(s for s in story.stale if s.claim.id == c.id)
            later = s.later[-1] if s.later else None
            tail = (
                f", yet reports still had him in post {_on(later.published)}: that end date is stale "
                "and the current terms are unknown"
                if later
                else ", a date that has passed; the current terms are unknown"
            )
            out.append(
                Sentence(
                    f"{short}'s contract was reported to run until {month_name(c.claim.when)}{tail}",
                    [c, *(s.later[-1:] if s.later else [])],
                )
            )
        elif current:
            out.append(Sentence(f"{short}'s contract runs until {month_name(c.claim.when)}", [c]))
        else:
            club = c.claim.object
            out.append(
                Sentence(
                    f"{short}'s contract with {club} had been due to run until {month_name(c.claim.when)}",
                    [c],
                )
            )
    return out


def _job(story: Story, job: Any, short: str) -> list[Sentence]:
    """A job status: how it looks (or was last reported), the newest reports for it, the other side."""
    out: list[Sentence] = []
    told = _telling(job.support, job.status)
    if not told:
        return []  # only old appointments: the role sentence says he is in post
    word = STATUS_WORDS.get(job.status, job.status)
    last = max((c.published for c in told if c.published), default=None)
    age = days_between(last, story.as_of) if last else None
    looks = (
        f"was last reported {STATUS_THEN.get(job.status, word)} {_on(last)}"
        if age and age > FRESH_DAYS
        else f"looks {word}"
    )
    out.append(
        Sentence(
            f"{short}'s job at {job.club} {looks} (confidence {job.confidence:.2f}, "
            f"{counted(len({c.voice for c in job.support}), 'independent outlet')} for, "
            f"{len({c.voice for c in job.against})} against)",
            [],
        )
    )
    for c in told:
        out.append(
            Sentence(
                f"{_cap(_on(c.claim.when or c.published))}, {_by_whom(c, short)} "
                f"that {_status_clause(c, short, job.status)}",
                [c],
            )
        )
    if job.against:
        c = max(job.against, key=lambda c: c.published or "")
        out.append(Sentence(f"But other reports say {_status_clause(c, short, job.status)}", job.against))
    return out


def _last_post(story: Story, name: str) -> list[Sentence]:
    """Without a post now: how his last one ended ("ended on 28 October 2024"), from the end claim,
    or who the reports about his club have in charge since."""
    replaced = [ln for ln in story.roles if ln.value == "replaced" and ln.claims]
    if replaced:
        ln = replaced[0]
        who = ln.note.split(": ", 1)[-1].split(",", 1)[0]
        since = min((c.published for c in ln.claims if c.published), default=None)
        when = f" since {month_name(since)}" if since else ""
        return [
            Sentence(
                f"{name} is no longer in charge of {ln.party}: reports have had {who} there{when}", ln.claims
            )
        ]
    ended = [ln for ln in story.roles if ln.value == "former" and ln.note and ln.claims]
    if not ended:
        return []
    ln = ended[0]
    end = ln.end or max(ln.claims, key=lambda c: (c.published or "", c.id or 0))
    how = f": {end.claim.value}" if end.claim.type == "job_status" else ""
    club = ln.party
    return [Sentence(f"{name}'s spell as head coach of {club} ended {_on(end.published)}{how}", [end])]


def _telling(support: list[StoryClaim], status: str) -> list[StoryClaim]:
    """The (up to) three newest dated reports for a job status; an appointment only when the
    status is the appointment (news), since "appointed" long after the fact says nothing of today."""
    dated = [c for c in support if c.published] or support
    told = [c for c in dated if status == "appointed" or c.claim.value != "appointed"]
    return sorted(told, key=lambda c: c.published or "")[-3:]


def _status_clause(c: StoryClaim, short: str, status: str) -> str:
    """What one report says of a coach's job. A sacking told for a job that has not ended (its
    report still calls him the coach: `state._spell_ends`) is talk of one, not news."""
    v = c.claim.value
    neg = c.claim.polarity == "negated"
    own = c.claim.attribution and names_match(c.claim.attribution, c.claim.subject)
    whose = "his" if own else f"{short}'s"
    if v == "dismissed" and not neg and status not in ("dismissed", "resigned"):
        return f"there is talk of {whose} sacking"
    if v == "secure":
        return f"{whose} job is {'not ' if neg else ''}safe"
    if v == "at_risk":
        return f"{whose} job is {'not ' if neg else ''}at risk"
    if v == "extended":
        return f"{'he' if own else short} has extended his contract"
    who = "he" if own else short
    if v == "appointed":
        return f"{who} has {'not ' if neg else ''}been appointed"
    if v == "dismissed":
        return f"{who} has {'not ' if neg else ''}been sacked"
    return f"{who} has {'not ' if neg else ''}{v}"


def _candidates(story: Story, job: str) -> list[Sentence]:
    if not story.candidates:
        return []
    out: list[Sentence] = []
    # one sentence per report, so each names who that report put forward; past a few reports,
    # one sentence with the most widely named first
    by_doc: dict[str, list[StoryClaim]] = {}
    for cand in story.candidates:
        for c in cand.claims:
            by_doc.setdefault(c.doc, []).append(c)
    if len(by_doc) > PER_REPORT:
        return _candidates_at_once(story, job)
    for claims in sorted(by_doc.values(), key=lambda cs: cs[0].published or ""):
        out += _named_in_report(claims, job)
    top = story.candidates[0]
    if len(top.outlets) > 1:
        out.append(
            Sentence(
                f"{top.name} is the most widely named, by {len(top.outlets)} independent outlets",
                top.claims,
            )
        )
    for cand in story.candidates:
        if cand.ruled_out:
            out.append(Sentence(f"{cand.name} has been ruled out", cand.ruled_out))
    return out


def _named_in_report(claims: list[StoryClaim], job: str) -> list[Sentence]:
    """What one report said of the job: who it named, and who would stand in if the club had to act."""
    out: list[Sentence] = []
    c0 = claims[0]
    stand_in = [c for c in claims if c.claim.modality == "conditional"]
    named = [c for c in claims if c.claim.modality != "conditional"]
    if named:
        names = _names([c.claim.subject for c in named])
        out.append(Sentence(f"{_cap(job)} {_on(c0.published)}: {names}", named))
    if stand_in:
        names = _names([c.claim.subject for c in stand_in]).replace(" and ", " or ")
        out.append(
            Sentence(
                f"If {c0.claim.object} had to act ({month_name(c0.published)}), "
                f"the stand-in would be {names}",
                stand_in,
            )
        )
    return out


def _candidates_at_once(story: Story, job: str) -> list[Sentence]:
    """Candidates named across many reports, in one sentence: the most widely named first, each
    with how many independent outlets named him; stand-ins and ruled-out names after."""
    named = [cand for cand in story.candidates if not cand.conditional_only]
    out: list[Sentence] = []
    if named:
        items = [
            f"{cand.name} ({len(cand.outlets)} outlets)" if len(cand.outlets) > 1 else cand.name
            for cand in named
        ]
        latest = max((cand.latest or "" for cand in named), default="")
        out.append(
            Sentence(
                f"{_cap(job)} up to {month_name(latest)}: {_names(items)}",
                [c for cand in named for c in cand.claims],
            )
        )
    stand_ins = [cand for cand in story.candidates if cand.conditional_only]
    if stand_ins:
        names = _names([cand.name for cand in stand_ins]).replace(" and ", " or ")
        out.append(
            Sentence(f"Named as stand-ins only if needed: {names}", [c for s in stand_ins for c in s.claims])
        )
    for cand in story.candidates:
        if cand.ruled_out:
            out.append(Sentence(f"{cand.name} has been ruled out", cand.ruled_out))
    return out


def _club(story: Story) -> list[Sentence]:
    out: list[Sentence] = []
    name = story.name
    coach = [ln for ln in story.roles if ln.value == "current"]
    for ln in coach[:1]:
        out.append(Sentence(f"{name}'s {ln.text.replace(': ', ' is ')}", ln.claims))
    staff = [ln for ln in story.roles if ln.value not in ("current", "former", "incoming", "interim")]
    for ln in staff[:3]:
        role, _, who = ln.text.partition(": ")
        out.append(Sentence(f"{who} is {role_name(role)}", ln.claims))
    for job in story.jobs:
        word = STATUS_WORDS.get(job.status, job.status)
        out.append(
            Sentence(
                f"{job.person}'s job looks {word} (confidence {job.confidence:.2f})",
                job.support + job.against,
            )
        )
    signed = [ln for ln in story.transfers_in if ln.value in ("signed", "loan", "agreed")]
    rumours = [ln for ln in story.transfers_in if ln not in signed]
    for ln in signed:
        out.append(Sentence(_transfer(ln, name), ln.claims))
    if rumours:
        out.append(
            Sentence(
                f"Targets: {_names([ln.text for ln in rumours])}",
                [c for ln in rumours for c in ln.claims],
            )
        )
    if story.transfers_out:
        out.append(
            Sentence(
                f"Going out: {_names([ln.text for ln in story.transfers_out])}",
                [c for ln in story.transfers_out for c in ln.claims],
            )
        )
    for ln in story.needs:
        when = ", ".join(dict.fromkeys(month_name(c.published) for c in ln.claims))
        out.append(Sentence(f"{name} need a {ln.text} (reported {when})", ln.claims))
    for ln in story.results[:4]:
        out.append(Sentence(f"{name} {ln.text}{_result_date(ln.note)}", ln.claims))
    out += _candidates(story, f"named for the {name} job")
    return out


def _result_date(note: str) -> str:
    """ " on 17 May 2023" for a dated result, " (reported 19 May 2023)" for one placed by its report."""
    if note.startswith("reported "):
        return f" (reported {_on(note.removeprefix('reported ')).split(' ', 1)[1]})"
    return f" {_on(note)}" if note else ""


def _transfer(ln: Line, club: str) -> str:
    player, _, rest = ln.text.partition(": ")
    c = ln.claims[-1].claim
    src = f" from {c.counterpart}" if c.counterpart else ""
    modality = c.modality
    if modality in ("expected", "possible", "conditional"):
        verb = {"expected": "are expected to", "possible": "could", "conditional": "might"}[modality]
        what = "take" if ln.value == "loan" else "sign"
        return f"{club} {verb} {what} {player}{src}"
    if ln.value == "loan":
        return f"{player} is on loan at {club}{src}"
    if ln.value == "agreed":
        return f"{club} have agreed a deal for {player}{src}"
    return f"{club} have signed {player}{src}"


def _voice(c: StoryClaim, fallback: str) -> str:
    """Who says it, as a journalist would put it: the cited source, else the publisher."""
    source = c.claim.attribution
    if source and source.lower() in ("sources", "source"):
        return f"sources told {c.outlet}" if c.outlet else "sources said"
    if source and source.lower().endswith("reports"):
        return f"{source} say"
    who = source or c.outlet or fallback
    return f"{who} says"


def brief(story: Story) -> list[Sentence]:
    """The briefing's sentences, in reading order: who, status, people around, disputes, stale facts."""
    out = _person(story) if story.kind == "person" else _club(story)
    for con in story.contradictions[:4]:
        if any(con.a in s.claims and con.b in s.claims for s in out):
            continue
        a, b = con.a, con.b
        out.append(
            Sentence(
                f"Reports conflict ({con.reason}): "
                f"{_voice(a, 'one report')} {_quote(a)}, {_voice(b, 'another')} {_quote(b)}",
                [a, b],
            )
        )
    return [s for s in out if s.claims or "confidence" in s.text]


def _quote(c: StoryClaim) -> str:
    from .phrases import phrase

    return phrase(c.claim)


def render(story: Story) -> str:
    """The brief as one paragraph per sentence."""
    return "\n".join(s.render() for s in brief(story))
