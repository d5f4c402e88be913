"""match_result: who played whom, and the score, subject's goals first.

"Wednesday's 4-0 defeat to Manchester City" (the report's club lost 0-4),
"a 4-0 win over Barcelona in the Copa del Rey", "drew 1-1 with", "beat
Brentford 2-1", "their defeat to AC Milan" (no score), "the first leg --
which ended in a 1-1 draw".
"""

from __future__ import annotations

import re

from dugout.extract.context import Draft, SentenceContext, verb_subject
from dugout.kb.model import Entity
from dugout.nlp.entities import Mention
from dugout.nlp.timex import time_in

SCORE = re.compile(r"(?<![\d:.\-–])(\d{1,2})\s*[-–—]\s*(\d{1,2})(?![\d:.\-–])")
WIN_WORDS = {
    "win",
    "victory",
    "triumph",
    "thrashing",
    "rout",
    "beat",
    "beats",
    "beating",
    "defeated",
    "thrashed",
    "hammered",
    "edged",
    "won",
    "wins",
    "routed",
    "stunned",
    "demolished",
    "crushed",
    "overcame",
    "swept",
    "downed",
    "humbled",
    "humiliated",
    "saw",
}
LOSS_WORDS = {
    "eliminated",
    "exit",
    "knocked",
    "defeat",
    "loss",
    "lost",
    "losing",
    "loses",
    "beaten",
    "thrashed",
    "humiliation",
    "drubbing",
    "hammering",
    "reverse",
}
DRAW_WORDS = {"draw", "drew", "draws", "drawn", "stalemate", "tie", "tied"}
WIN_PREPS = {"over", "against", "at", "vs", "v", "with"}
LOSS_PREPS = {"to", "by", "against", "at", "in"}


def _competition(ctx: SentenceContext) -> str | None:
    for m in ctx.mentions:
        if m.kind == "competition":
            return m.entity.name
    text = ctx.span.text.lower()
    if "semifinal" in text or "semi-final" in text or "first leg" in text or "return leg" in text:
        for view in ctx.article.sentences:
            for m in view.mentions:
                if m.kind == "competition" and m.entity.subkind in ("continental", "cup"):
                    return m.entity.name
    return None


def _subject_team(ctx: SentenceContext, exclude: Entity | None, before: int) -> Entity | None:
    """The side the sentence speaks for, most specific evidence first: the trigger's possessor
    ("Madrid's defeat", "their defeat"), the subject of its verb, a coach's side ("his Norwich side",
    "Genesio's side"), the nearest team named before it, else the report's focus club."""
    doc = ctx.doc
    trigger = doc[before]

    def usable(entity: Entity | None) -> Entity | None:
        return (
            entity
            if entity is not None and entity is not exclude and entity.id != (exclude.id if exclude else None)
            else None
        )

    def team_at(tok) -> Entity | None:
        m = ctx.mention_of(tok)
        if m and (m.is_team or m.entity.kind in ("club", "national_team")):
            return usable(m.entity)
        if m and m.kind == "person":
            return usable(_team_of_person(ctx, m.entity))
        if tok.lower_ in ("their", "they", "its", "we", "our"):
            # "Tottenham scored three ... to ease the pain of their recent collapse": the clause's
            # own subject when it is a team, else the report's club
            main = ctx.mention_of(verb_subject(ctx.span.root))
            if main is not None and main.is_team and not (main.start <= tok.i < main.end):
                return usable(main.entity)
            return usable(ctx.focus_club())
        if tok.lower_ in ("side", "team", "men", "women", "charges"):  # "her side", "Genesio's side"
            owner = next((c for c in tok.children if c.dep_ == "poss"), None)
            return team_at(owner) if owner is not None else None
        if tok.lower_ in ("his", "he", "her", "she"):
            person = next((p for p in ctx.people() if p.start < tok.i), None)
            team = _team_of_person(ctx, person.entity) if person else None
            if team is None:  # "She went on to score for Everton ... despite her side losing"
                before = [m for m in ctx.teams() if m.end <= tok.i]
                team = before[-1].entity if before else None
            return usable(team)
        return None

    # 1. the possessor of the result noun, or the subject of the verb
    subject_seen = False
    for child in trigger.children:
        if child.dep_ in ("poss", "nsubj", "nsubjpass"):
            found = team_at(child)
            if found:
                return found
            subject_seen = subject_seen or child.dep_ != "poss"
    above = trigger.head  # "their recent collapse in a 3-2 loss": a possessor a phrase or two up
    for _ in range(3):
        if above is above.head or above.pos_ in ("VERB", "AUX"):
            break
        if above.pos_ == "NOUN":
            owner = next((c for c in above.children if c.dep_ == "poss"), None)
            found = team_at(owner) if owner is not None else None
            if found:
                return found
        above = above.head
    head = trigger.head
    if trigger.dep_ in ("dobj", "pobj", "attr") and head is not trigger:
        verb = head if head.pos_ in ("VERB", "AUX") else head.head
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                found = team_at(child)
                if found:
                    return found
                subject_seen = True
        if not subject_seen and verb.pos_ in ("VERB", "AUX") and verb.dep_ in ("advcl", "xcomp", "conj"):
            # "Tottenham scored ... to ease the pain ... in a 3-2 loss at Brighton": the subject of
            # the clause the infinitive serves
            found = team_at(verb_subject(verb)) if verb_subject(verb) is not None else None
            if found:
                return found
    if trigger.pos_ == "VERB" and not subject_seen:
        subject = verb_subject(trigger)  # "... are bottom of the standings ... and lost 3-1 to X"
        if subject is not None:
            found = team_at(subject)
            if found:
                return found
            subject_seen = True
    if subject_seen:
        return usable(ctx.focus_club())  # "The Andalusians ... lost 3-1 at home to Athletic Bilbao"
    # 2. a coach's side: "his Norwich side", "Genesio's side"
    for tok in ctx.span:
        if tok.lower_ in ("side", "team", "men", "charges") and tok.i > ctx.span.start:
            for k in (tok.i - 1, tok.i - 2):
                if k >= ctx.span.start:
                    found = team_at(doc[k])
                    if found:
                        return found
    # 3. the nearest team named before the trigger
    teams_before = [m for m in ctx.teams() if m.end <= before and usable(m.entity)]
    if teams_before:
        return teams_before[-1].entity
    return usable(ctx.focus_club())


def _team_of_person(ctx: SentenceContext, person: Entity) -> Entity | None:
    """The team a person coaches, by the report, the knowledge base, or a title before his name."""
    if person.id in ctx.article.coached:
        return ctx.article.coached[person.id]
    for role in ctx.kb.roles_of.get(person.id, []):
        if role.role in ("head_coach", "interim_coach") and role.active_on(ctx.article.article.published):
            return ctx.kb.entities.get(role.organisation)
    for view in ctx.article.sentences:
        for m in view.mentions:
            if m.entity.id == person.id and m.start > 0:
                k = m.start - 1
                doc = view.span.doc
                while k >= view.span.start and doc[k].lower_ in (
                    "manager",
                    "coach",
                    "boss",
                    "head",
                    "'s",
                    "’s",
                ):
                    k -= 1
                t = view.mention_at(doc[k]) if k >= view.span.start else None
                if t and t.is_team:
                    return t.entity
    return None


def _opponent_after(ctx: SentenceContext, index: int, reach: int = 6) -> Mention | None:
    """The first team within `reach` tokens, not past a clause break."""
    doc = ctx.doc
    for m in ctx.mentions:
        if m.start >= index and (m.is_team or m.entity.kind in ("club", "national_team")):
            between = doc[index : m.start]
            if m.start - index <= reach and not any(
                t.text in (",", ";", "—", "--")
                or (t.pos_ == "VERB" and t.dep_ in ("ROOT", "ccomp", "advcl", "relcl", "conj", "xcomp"))
                for t in between
            ):
                return m
    return None


def _paired_with(ctx: SentenceContext, team: Mention) -> Mention | None:
    """The other side of a fixture written "A v B" / "A vs B", in the sentence or in the one before
    it (a headline: "Marseille v Lyon boils over ... Depay sealed a 3-2 win for Lyon")."""
    views = [ctx.view] + ([ctx.previous] if ctx.previous is not None else [])
    for view in views:
        doc = view.span.doc
        teams = [m for m in view.mentions if m.is_team]
        for first, second in zip(teams, teams[1:], strict=False):
            between = [t.lower_.rstrip(".") for t in doc[first.end : second.start]]
            if between not in (["v"], ["vs"], ["versus"]):
                continue
            if first.entity.id == team.entity.id:
                return second
            if second.entity.id == team.entity.id:
                return first
    return _paired_in_title(ctx, team)


FIXTURE = re.compile(r"(?:^|[:,|] *)((?:\S+ ){0,2}\S+) (?:v|vs\.?|versus) ((?:\S+ ?){1,3})", re.I)


def _paired_in_title(ctx: SentenceContext, team: Mention) -> Mention | None:
    """The other side of the fixture the headline names ("Marseille v Lyon boils over ...")."""
    title = ctx.article.article.title or ""
    found = FIXTURE.search(title)
    if found is None:
        return None

    def side(words: list[str]) -> Entity | None:
        for n in range(min(3, len(words)), 0, -1):  # the longest run of words that names a team
            for run in (words[-n:], words[:n]):
                hits = [e for e in ctx.kb.lookup(" ".join(run)) if e.kind in ("club", "national_team")]
                if hits:
                    return max(hits, key=lambda e: e.prominence)
        return None

    left, right = side(found[1].split()), side(found[2].split())
    if left is None or right is None:
        return None
    ids = {team.entity.id, team.entity.parent}  # "Lyon" in the headline of a report on Lyon Women
    other = right if left.id in ids else left if right.id in ids else None
    if other is None:
        return None
    if team.entity.subkind == "women":
        other = ctx.kb.side_of(other, "women") or other
    return Mention(team.start, team.end, other.name, other, other.kind, via="title")


def _after_score(ctx: SentenceContext, tok) -> int:
    """The index after a result word and a score that follows it ("won 2-0 at Bahia")."""
    k = tok.i + 1
    while k < ctx.span.end and ctx.doc[k].is_space:
        k += 1  # "won\n2-0 at Bahia": a wrapped line
    text = ctx.doc[k : min(k + 4, ctx.span.end)].text
    m = SCORE.match(text)
    if m:
        end_char = ctx.doc[k].idx + m.end()
        while k < ctx.span.end and ctx.doc[k].idx < end_char:
            k += 1
    return k


def extract(ctx: SentenceContext) -> list[Draft]:
    out: list[Draft] = []
    doc = ctx.doc
    span = ctx.span
    published = ctx.article.article.published
    when = time_in(span, published)
    competition = _competition(ctx)
    seen_scores = set()
    for tok in span:
        word = tok.lower_
        kind = (
            "win"
            if word in WIN_WORDS
            else "loss"
            if word in LOSS_WORDS
            else "draw"
            if word in DRAW_WORDS
            else None
        )
        if kind is None and word == "held" and any(c.dep_ == "auxpass" for c in tok.children):
            kind = "draw"  # "Corinthians, who were held 1-1 at Internacional"
        if kind is None:
            continue
        if word in ("beaten", "defeated", "thrashed") and any(c.dep_ == "auxpass" for c in tok.children):
            kind = "loss"
        # The score: right before the noun ("4-0 defeat"), or after the verb ("beat Brentford 2-1").
        window = doc[max(span.start, tok.i - 6) : min(span.end, tok.i + 8)]
        score_match = SCORE.search(window.text)
        score = None
        if score_match:
            a, b = int(score_match[1]), int(score_match[2])
            score = (max(a, b), min(a, b)) if kind != "draw" else (a, b)
            if kind == "draw" and a != b:
                score = None
        opponent = None
        prep_tok = doc[tok.i + 1] if tok.i + 1 < span.end else None
        if word in ("beat", "beating") and tok.i + 3 < span.end and doc[tok.i + 2].lower_ == "to":
            continue  # "beat City to the signing of ..." is a race for a player, not a match
        if tok.pos_ == "VERB" and kind == "win" and word not in ("saw",):
            obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
            opponent = ctx.mention_of(obj) if obj is not None else None
            if opponent is not None and not (
                opponent.is_team or opponent.entity.kind in ("club", "national_team")
            ):
                opponent = None
        after = _after_score(ctx, tok)
        if after < span.end:
            prep_tok = doc[after]
        if opponent is None and prep_tok is not None and prep_tok.lower_ in (WIN_PREPS | LOSS_PREPS | {"by"}):
            opponent = _opponent_after(ctx, prep_tok.i + 1, reach=8)
        if opponent is None and prep_tok is not None and prep_tok.lower_ == "of" and kind == "win":
            opponent = _opponent_after(ctx, prep_tok.i + 1, reach=8)  # "a 4-1 rout of West Ham"
        winner = None
        if opponent is None and prep_tok is not None and prep_tok.lower_ == "for" and kind == "win":
            # "sealed a last-gasp 3-2 win for Lyon" in "Marseille v Lyon ...": the other side of the tie
            winner = _opponent_after(ctx, prep_tok.i + 1, reach=3)
            opponent = _paired_with(ctx, winner) if winner is not None else None
        if opponent is None and prep_tok is not None:
            nxt = _opponent_after(ctx, tok.i + 1)
            if (
                nxt is not None
                and nxt.start - tok.i <= 3
                and doc[nxt.start - 1].lower_ in (WIN_PREPS | LOSS_PREPS | {"by", "home", "away"})
            ):
                opponent = nxt
        if opponent is None:
            continue
        if (
            opponent.end < span.end
            and doc[opponent.end].lower_ == "to"
            and word in ("beat", "beating", "beats")
        ):
            continue  # "narrowly beat Borussia Dortmund to the Bundesliga title": a race, not a match
        subject = winner.entity if winner is not None else _subject_team(ctx, opponent.entity, tok.i)
        if subject is None or subject.id == opponent.entity.id:
            continue
        if score is None and score_match is None and kind == "draw":
            value = None
        elif score is None:
            value = None
        elif kind == "win":
            value = f"{score[0]}-{score[1]}"
        elif kind == "loss":
            value = f"{score[1]}-{score[0]}"
        else:
            value = f"{score[0]}-{score[1]}"
        key = (frozenset((subject.id, opponent.entity.id)), value)
        if key in seen_scores:
            continue
        seen_scores.add(key)
        out.append(
            Draft(
                "match_result",
                subject,
                opponent.entity,
                value,
                tok,
                when=when,
                competition=competition,
                attributed=False,
            )
        )
    out.extend(_first_leg(ctx, when, competition))
    return out


def _first_leg(ctx: SentenceContext, when, competition) -> list[Draft]:
    """ "the first leg -- which ended in a 1-1 draw in Madrid": a leg's score against the opponent named."""
    text = ctx.span.text
    if "leg" not in text.lower():
        return []
    m = re.search(r"ended (?:in )?(?:a )?(\d{1,2})\s*[-–]\s*(\d{1,2})", text)
    if not m or any(
        t.lower_ in DRAW_WORDS | WIN_WORDS | LOSS_WORDS
        for t in ctx.span
        if t.idx - ctx.span.start_char < m.start()
    ):
        return []
    teams = [mm.entity for mm in ctx.teams()]
    focus = ctx.focus_club()
    opponent = next((t for t in teams if focus is None or t.id != focus.id), None)
    if focus is None or opponent is None:
        return []
    return [
        Draft(
            "match_result",
            focus,
            opponent,
            f"{m[1]}-{m[2]}",
            None,
            when=when,
            competition=competition,
            attributed=False,
        )
    ]
