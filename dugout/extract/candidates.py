"""candidate_for: who might get a job — linked, approached, offered, shortlisted.

"Zidane could emerge as another alternative for the post", "other options --
Raul Gonzalez, Julian Nagelsmann and Mauricio Pochettino", "Ancelotti has an
offer to take over the Brazilian national team", "tipped to take over as the
France boss", "on Leicester's radar", "front-runner to replace Barbieri",
"would take over if necessary".
"""

from __future__ import annotations

import re

from dugout.extract.context import Draft, SentenceContext, described_as_coach, verb_subject
from dugout.kb.model import Entity
from dugout.nlp.entities import Mention

LINKED_WORDS = {
    "option",
    "options",
    "alternative",
    "alternatives",
    "candidate",
    "candidates",
    "contender",
    "contenders",
    "frontrunner",
    "front-runner",
    "favourite",
    "favorite",
    "radar",
    "linked",
    "linking",
    "link",
    "links",
    "tipped",
    "target",
    "shortlist",
    "shortlisted",
    "replacement",
    "successor",
    "monitoring",
    "considering",
    "consider",
    "eyeing",
    "eye",
    "running",
}
JOB_WORDS = {"job", "post", "role", "hotseat", "hot-seat", "vacancy", "seat", "dugout", "bench"}
OFFER_PAT = re.compile(
    r"\b(offer(?:ed)? (?:him )?(?:the|to take over|to become|a chance)|has an offer|"
    r"received an offer|been offered)\b",
    re.I,
)
APPROACH_PAT = re.compile(
    r"\b(approach(?:ed)?|sounded out|made contact|held talks|in talks|opened talks|"
    r"begun talks|began talks|interview(?:ed)?)\b",
    re.I,
)
SHORTLIST_PAT = re.compile(
    r"\b(shortlist(?:ed)?|would take over|would step in|would replace|"
    r"come from within|stand-in|take over if)\b",
    re.I,
)
# "the names that have been mentioned for the role are X, Y and Z"
NAMES_FOR_JOB = re.compile(
    r"\b(?:names|candidates|men|contenders)\b(?: \w+){0,5} for the (?:role|job|post|position)\b", re.I
)
TAKE_OVER_PAT = re.compile(r"\b(take over|take charge|replace|succeed|become the next|the next)\b", re.I)


def _target_team(ctx: SentenceContext, exclude: set[str]) -> Entity | None:
    """The club or national team whose job it is: the owner of the radar or list ("on Leicester's
    radar"), a team named with a job word, else the report's focus club."""
    doc = ctx.doc
    for tok in ctx.span:
        if tok.lower_ in ("radar", "shortlist", "list", "wishlist", "agenda"):
            owner = ctx.mention_of(next((c for c in tok.children if c.dep_ == "poss"), None))
            if owner is not None and owner.is_team and owner.entity.id not in exclude:
                return owner.entity
    for tok in ctx.span:
        if tok.lower_ in JOB_WORDS or tok.lower_ in ("boss", "manager", "coach"):
            ahead = [ctx.mention_of(doc[k]) for k in range(tok.i + 1, min(tok.i + 5, ctx.span.end))]
            if any(m is not None and m.kind == "person" for m in ahead):
                continue  # a title before a name ("Castilla manager Raul Gonzalez"), not the job
            k = tok.i - 1
            while k >= ctx.span.start and doc[k].lower_ in (
                "the",
                "vacant",
                "top",
                "'s",
                "’s",
                "national",
                "team",
                "head",
                "managerial",
                "manager",
                "coaching",
            ):
                k -= 1
            if k >= ctx.span.start:
                m = ctx.mention_of(doc[k])
                if m and m.entity.kind in ("club", "national_team") and m.entity.id not in exclude:
                    return m.entity
            nxt = tok.i + 1
            if nxt < ctx.span.end and doc[nxt].lower_ in ("at", "of"):
                m = ctx.mention_of(doc[nxt + 1]) if nxt + 1 < ctx.span.end else None
                if m is None and nxt + 2 < ctx.span.end:
                    m = ctx.mention_of(doc[nxt + 2])
                if m and m.entity.kind in ("club", "national_team") and m.entity.id not in exclude:
                    return m.entity
    for m in ctx.mentions:
        if m.entity.kind == "national_team" and m.kind == "national_team" and m.entity.id not in exclude:
            return m.entity
    for tok in ctx.span:
        if tok.lower_ in ("radar",) or tok.lemma_ in ("monitor", "consider", "identify"):
            for m in ctx.teams():
                if m.entity.id not in exclude:
                    return m.entity
    return None


STAND_IN = {"temporary", "interim", "caretaker"}


def _standing_in(ctx: SentenceContext, person: Mention) -> bool:
    """Whether the sentence makes him the stand-in: "caretaker coach Luca Gotti", or the subject
    of "will take temporary charge"."""
    doc = ctx.doc
    titles = {t.lower_ for t in doc[max(person.start - 3, ctx.span.start) : person.start]}
    if titles & STAND_IN and titles & {"coach", "manager", "boss"}:
        return True
    for tok in ctx.span:
        if tok.lower_ in ("charge", "basis", "boss", "manager", "coach") and any(
            c.lower_ in STAND_IN for c in tok.children
        ):
            verb = tok.head if tok.head.pos_ in ("VERB", "AUX") else tok.head.head
            doer = ctx.mention_of(verb_subject(verb))
            if doer is not None and doer.entity.id == person.entity.id:
                return True
    return False


def _coach_of_team(ctx: SentenceContext, person: Mention) -> set[str]:
    """Teams a person is described as coaching in this sentence: not the job he is a candidate for."""
    doc = ctx.doc
    teams = set()
    for m in ctx.teams():
        if m.end <= person.start and person.start - m.end <= 3:
            between = {t.lower_ for t in doc[m.end : person.start]}
            if between & {"manager", "coach", "boss", "'s", "’s"}:
                teams.add(m.entity.id)
    return teams


def extract(ctx: SentenceContext) -> list[Draft]:
    out: list[Draft] = []
    text = ctx.span.text
    lower = text.lower()
    words = {t.lower_ for t in ctx.span} | {t.lemma_.lower() for t in ctx.span}
    people = ctx.people()
    if not people:
        return out
    listed = _listed_after_shortlist(ctx)
    if listed:
        return listed
    value = None
    if OFFER_PAT.search(text):
        value = "offered"
    elif (SHORTLIST_PAT.search(text) and ("if" in words or "shortlist" in lower)) or NAMES_FOR_JOB.search(
        text
    ):
        value = "shortlisted"
    elif APPROACH_PAT.search(text) and TAKE_OVER_PAT.search(text):
        value = "approached"
    elif words & LINKED_WORDS and (
        TAKE_OVER_PAT.search(text)
        or words & JOB_WORDS
        or words
        & {
            "options",
            "option",
            "alternative",
            "candidates",
            "candidate",
            "radar",
            "frontrunner",
            "front-runner",
            "tipped",
            "replacement",
            "successor",
        }
    ):
        value = "linked"
    elif "tipped to take over" in lower or "linked with the" in lower:
        value = "linked"
    if value is None:
        return out
    if (
        value == "linked"
        and re.search(r"\b(?:\w+ )?(?:replacements|substitutes|subs)\b", lower)
        and not (words & JOB_WORDS)
    ):
        return out  # "one of Moriyasu's five replacements" came off the bench, nobody's job
    if value == "linked" and re.search(
        r"\b(appointed|has been named|was named|took over|has taken over)\b", lower
    ):
        return out  # an appointment, not a candidacy
    if value == "linked" and re.search(
        r"\b(alternatives?|options?) (on the wing|in midfield|in defence|at the back|up front|in attack)",
        lower,
    ):
        return out  # squad options, not candidates for a job
    has_job_words = (
        bool(words & JOB_WORDS)
        or bool(TAKE_OVER_PAT.search(text))
        or bool(words & {"manager", "coach", "boss", "managerial", "coaching"})
    )
    transfer_talk = bool(re.search(r"\b(sign|signed|signing|loan|transfer|fee)\b", lower))
    quoted = text.lstrip().startswith(("“", '"', "‘"))
    for person in people:
        if value == "linked" and (quoted or not (has_job_words or described_as_coach(ctx, person))):
            continue
        if not (described_as_coach(ctx, person) or has_job_words) or (
            transfer_talk and not described_as_coach(ctx, person)
        ):
            continue  # a player being signed is not a candidate for a job
        if re.search(
            r"(replacement|successor|replace|succeed|take over from|taking over from)\w*\s+(?:for\s+|to\s+)?"
            + re.escape(person.text),
            text,
        ):
            continue  # the man being replaced
        if (ctx.speaker is not None and person.entity.id == ctx.speaker.id) or (
            person.start > 0 and ctx.doc[person.start - 1].lower_ in ("by", "told")
        ):
            continue  # "As reported by Anthony Joseph": the reporter, not a candidate
        if _standing_in(ctx, person):
            continue  # the stand-in taking temporary charge is not a candidate for the job
        exclude = _coach_of_team(ctx, person)
        # The man being replaced is not a candidate.
        prev = ctx.doc[person.start - 1].lower_ if person.start > 0 else ""
        prev2 = ctx.doc[person.start - 2].lower_ if person.start > 1 else ""
        if (
            prev in ("replace", "succeed")
            or prev2 in ("replace", "succeed")
            or (prev == "struggling" and prev2 == "the")
        ):
            continue
        if _is_executive_here(ctx, person):
            continue
        team = _target_team(ctx, exclude)
        if team is None:
            focus = ctx.focus_club()
            if focus and focus.id not in exclude:
                team = focus
        if team is None:
            continue
        # A sitting coach of the target club is not a candidate for his own job.
        if _coaches(ctx, person.entity, team):
            continue
        modality = "possible" if value == "linked" else "fact"
        if value == "shortlisted" and "if" in words:
            modality = "conditional"
        out.append(
            Draft("candidate_for", person.entity, team, value, _trigger(ctx, value), modality=modality)
        )
    return out


TRIGGER_WORDS = {
    "offered": {"offer", "offered"},
    "shortlisted": {"shortlist", "shortlisted", "take", "step", "replace"},
    "approached": {"approach", "approached", "talks", "contact", "interview"},
    "linked": LINKED_WORDS | {"tip", "link"},
}


def _trigger(ctx: SentenceContext, value: str):
    """The word that makes the candidacy, so modality is read in its own clause."""
    words = TRIGGER_WORDS.get(value, set())
    return next((t for t in ctx.span if t.lower_ in words or t.lemma_.lower() in words), None)


SHORTLIST_CONTEXT = re.compile(r"\b(shortlist|candidates|contenders|names|targets|options)\b", re.I)
LISTING = re.compile(r"\b(names like|such as|include|includes|including|the names|mentions|are)\b", re.I)


def _listed_after_shortlist(ctx: SentenceContext) -> list[Draft]:
    """People listed right after the report spoke of a job's shortlist: "Leicester City have
    identified four managerial candidates ... The report mentions big names like X and Y"."""
    previous = ctx.previous
    if previous is None or not SHORTLIST_CONTEXT.search(previous.text) or not LISTING.search(ctx.span.text):
        return []
    if not re.search(r"\b(manager|managerial|coach|boss|job|role|replace|successor)", previous.text, re.I):
        return []
    teams = [m for m in previous.mentions if m.is_team] or [m for m in ctx.view.mentions if m.is_team]
    team = teams[0].entity if teams else ctx.focus_club()
    if team is None:
        return []
    value = "shortlisted" if re.search(r"shortlist|candidates", previous.text, re.I) else "linked"
    out = []
    for person in ctx.people():
        if person.start > 0 and ctx.doc[person.start - 1].lower_ in ("by", "told"):
            continue  # "As reported by Anthony Joseph": the reporter
        if _coaches(ctx, person.entity, team):
            continue
        out.append(Draft("candidate_for", person.entity, team, value, None, modality="possible"))
    return out


def _is_executive_here(ctx: SentenceContext, person: Mention) -> bool:
    window = {t.lower_ for t in ctx.doc[max(person.start - 2, ctx.span.start) : person.start]}
    return bool(window & {"president", "chairman", "owner", "ceo"})


def _coaches(ctx: SentenceContext, person: Entity, team: Entity) -> bool:
    published = ctx.article.article.published
    return any(
        r.organisation == team.id and r.role == "head_coach" and r.active_on(published)
        for r in ctx.kb.roles_of.get(person.id, [])
    )
