"""job_status and contract_until: sacked, resigned, appointed, extended, safe, at risk; deals' end dates.

A coach's job news comes as a verb with the coach and the club as its
arguments ("Chelsea have sacked Roberto Di Matteo", "Stefano Colantuono ...
sacked by Palermo", "Dick Advocaat has resigned as boss at Sunderland") or as
a noun phrase about him ("the dismissal of manager Luis Garcia Plaza", "calls
for his sacking", "the struggling Brendan Rodgers", "his job is not at risk").
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from dugout.extract.context import (
    Draft,
    SentenceContext,
    described_as_coach,
    described_as_executive,
    is_passive,
    kb_team,
    negated,
    opponents,
    prep_object,
    previous_person,
    verb_object,
    verb_subject,
)
from dugout.kb.model import Entity
from dugout.nlp.entities import Mention
from dugout.nlp.timex import resolve_expression

DISMISS_VERBS = {"sack", "fire", "dismiss", "axe", "oust", "relieve", "terminate", "depose"}
DISMISS_NOUNS = {"sacking", "dismissal", "firing", "departure", "exit", "axing"}
RESIGN_VERBS = {"resign", "quit"}
APPOINT_VERBS = {"appoint", "hire", "name", "unveil", "install", "recruit"}
EXTEND_VERBS = {"extend", "renew"}
AT_RISK_WORDS = {"beleaguered", "embattled", "under-pressure", "struggling", "under-fire", "besieged"}
AT_RISK_PHRASES = (
    "under pressure",
    "under the cosh",
    "pressure on",
    "at risk",
    "on the brink",
    "calls for his sacking",
    "calls for his dismissal",
    "on thin ice",
    "hot seat",
    "hotseat",
    "under fire",
    "face the sack",
    "facing the sack",
    "in danger of the sack",
    "sealed his fate",
    "face the consequences",
    "job on the line",
    "saved a manager",
    "show the door",
    "shows mazzarri the door",
    "eases the pressure",
    "ease the pressure",
    "eased the pressure",
    "easing the pressure",
    "pressure is easing",
    "pressure easing",
    "the door",
    "could be sacked",
    "could be fired",
    "be sacked",
    "replace the struggling",
    "future in doubt",
    "future is in doubt",
    "uncertain future",
)
SECURE_PHRASES = (
    "job is not at risk",
    "job is safe",
    "not at risk",
    "not in danger",
    "no plans to sack",
    "vote of confidence",
    "backing",
    "backed",
    "back their manager",
    "full support",
    "retain the faith",
    "keep faith",
    "stick with",
    "not under threat",
    "safe for now",
    "remain in charge",
    "see out his contract",
    "fulfil his contract",
)


def _coach_and_team(ctx: SentenceContext, verb: Token) -> tuple[Mention | None, Mention | None]:
    """For a sacking-type verb: the coach (object, or passive subject) and the club (subject, or agent)."""
    subj_tok, obj_tok = verb_subject(verb), verb_object(verb)
    subj, obj = ctx.mention_of(subj_tok), ctx.mention_of(obj_tok)
    if obj_tok is not None and obj is None:
        # "sacked coach X", "sacked the manager, X": a name attached to the object, not one buried deep
        # inside it ("dismissed suggestions of a move for X")
        near = [obj_tok, *[c for c in obj_tok.children if c.dep_ in ("compound", "appos", "conj")]]
        if obj_tok.lemma_ in ("contract", "deal", "stay", "spell", "tenure", "reign", "service", "services"):
            near = list(obj_tok.subtree)  # "extended the contract of their head coach X"
        for c in near:
            m = ctx.mention_of(c)
            if m and m.kind == "person":
                obj = m
                break
    agent = ctx.mention_of(prep_object(verb, "by"))
    if is_passive(verb) or (subj and subj.kind == "person" and (obj is None or obj.kind != "person")):
        person, team = subj, agent
    else:
        person, team = obj, subj
    if person is not None and person.kind != "person":
        person = None
    if person is None and verb.lemma_ == "part":  # "part ways with coach X": the name after "with"
        ways = [c for c in verb.children if c.dep_ == "dobj" and c.lower_ in ("ways", "company")]
        for token in (prep_object(verb, "with"), *(prep_object(w, "with") for w in ways)):
            if token is not None:
                for c in [token, *token.children]:
                    m = ctx.mention_of(c)
                    if m is not None and m.kind == "person":
                        person = m
                        break
    if person is None and subj_tok is not None and subj_tok.lower_ in ("he", "she"):
        person = previous_person(ctx, subj_tok)
    if team is not None and not team.is_team:
        team = None
    if team is None and subj_tok is not None and subj_tok.lower_ in ("they", "it", "we"):
        # "Ceara said on their website that they had fired coach X": the club that said it
        speaker = ctx.mention_of(verb_subject(verb.head)) if verb.dep_ == "ccomp" else None
        team = speaker if speaker is not None and speaker.is_team else None
    return person, team


def _coach_subject(ctx: SentenceContext, verb: Token) -> bool:
    """Whether the subject of a verb is a coach (by the report or the knowledge base)."""
    m = ctx.mention_of(verb_subject(verb))
    if m is None:  # "In his place has arrived X": the name after the verb
        m = next((ctx.mention_of(c) for c in verb.children if ctx.mention_of(c) is not None), None)
    return m is not None and m.kind == "person" and described_as_coach(ctx, m)


def _hypothetical(verb: Token) -> bool:
    """A sacking that has not happened: "on the brink of being dismissed", "close to being sacked"."""
    if not any(c.lower_ == "being" for c in verb.children):
        return False
    head = verb.head
    return head.lower_ in ("of", "to") and head.head.lower_ in (
        "brink",
        "verge",
        "close",
        "danger",
        "risk",
        "threat",
        "edge",
    )


def _described_person(ctx: SentenceContext, verb: Token) -> Mention | None:
    """The coach a participle describes: "the sacked Juan Manuel Lillo", "X has become the first
    coach fired in Serie A", "X becomes first Serie A coach to be sacked"."""
    if verb.dep_ == "amod":
        m = ctx.mention_of(verb.head)
        return m if m is not None and m.kind == "person" else None
    noun = verb.head if verb.dep_ in ("acl", "relcl", "xcomp") else None
    if noun is not None and noun.lemma_ in ("coach", "manager", "boss", "casualty", "victim"):
        copula = noun.head
        if noun.dep_ in ("attr", "oprd", "dobj") and copula.lemma_ in ("be", "become"):
            m = ctx.mention_of(verb_subject(copula))
            return m if m is not None and m.kind == "person" else None
    return None


def coached_team(ctx: SentenceContext, person: Mention) -> Entity | None:
    """The team the report (or, failing that, the knowledge base) says this person coaches now."""
    team = ctx.article.coached.get(person.entity.id)
    if team is not None:
        return team
    return kb_team(ctx, person.entity)


def _team_fallback(ctx: SentenceContext, person: Mention, verb: Token | None) -> Entity | None:
    for prep in ("at", "of", "from", "with", "by"):
        if verb is not None:
            m = ctx.mention_of(prep_object(verb, prep))
            if m and m.is_team:
                return m.entity
    against = opponents(ctx)
    teams = [m for m in ctx.teams() if m.entity.id not in against] or ctx.teams()
    if teams:
        return min(teams, key=lambda m: abs(m.start - person.start)).entity
    published = ctx.article.article.published
    if not published and ctx.focus_club() is not None:
        return ctx.focus_club()  # an undated report: its own club, not the one he coaches today
    for role in ctx.kb.roles_of.get(person.entity.id, []):
        if role.role == "head_coach" and role.active_on(published):
            return ctx.kb.entities.get(role.organisation)
    return ctx.focus_club()


def extract(ctx: SentenceContext) -> list[Draft]:
    out: list[Draft] = []
    span = ctx.span
    text = span.text.lower().replace("’", "'")
    for tok in span:
        lemma = tok.lemma_.lower()
        value = None
        if lemma in DISMISS_VERBS and tok.pos_ == "VERB":
            value = "dismissed"
        elif lemma in RESIGN_VERBS and tok.pos_ == "VERB":
            value = "resigned"
        elif lemma == "step" and any(c.lower_ == "down" for c in tok.children):
            value = "resigned"
        elif lemma == "part" and any(c.lower_ in ("company", "ways") for c in tok.subtree):
            value = "dismissed"
        elif lemma in APPOINT_VERBS and tok.pos_ == "VERB":
            value = "appointed"
        elif lemma in ("arrive", "return") and tok.pos_ == "VERB" and _coach_subject(ctx, tok):
            value = "appointed"  # "Mowbray ... arrived at the Ricoh in March 2015"
        elif (
            lemma == "take"
            and any(c.lower_ in ("over", "charge") for c in tok.children)
            and tok.tag_ in ("VBN", "VBD")
            and not any(c.lower_ in ("set", "expected") for c in tok.head.children)
        ):
            value = "appointed"
        elif lemma in EXTEND_VERBS and tok.pos_ == "VERB":
            value = "extended"
        if value is None:
            continue
        window = ctx.doc[max(tok.i - 4, ctx.span.start) : tok.i].text.lower()
        if value == "dismissed" and any(
            p in window
            for p in (
                "no plans to",
                "not planning to",
                "no intention",
                "not going to",
                "no plan to",
                "refuse to",
            )
        ):
            value = "secure"
        if value in ("dismissed", "appointed") and not _about_a_post(ctx, tok):
            continue  # "Cazorla fired the Gunners ahead", "expected to name his strongest team"
        if value == "resigned" and _as_other_post(tok):
            continue  # "stepped down as a minister"
        person, team = _coach_and_team(ctx, tok)
        if person is None:
            person = _described_person(ctx, tok)
        if person is None:
            continue
        if described_as_executive(ctx, person) and not described_as_coach(ctx, person):
            continue  # a director's or chief executive's move is not a coach's job status
        team_entity = team.entity if team else _team_fallback(ctx, person, tok)
        if lemma in ("arrive", "return"):
            # where he arrived: "at the Ricoh", "to the Turin giants", else the report's club
            places = [ctx.mention_of(prep_object(tok, p)) for p in ("at", "to", "in")]
            dest = next((m for m in places if m is not None), None)
            team_entity = dest.entity if dest is not None and dest.is_team else ctx.focus_club()
            if team_entity is None:
                continue
        if team_entity is None:
            continue
        if value == "secure":
            team_entity = coached_team(ctx, person) or team_entity
            out.append(Draft("job_status", person.entity, team_entity, "secure", tok, cue_free=True))
            continue
        polarity = (
            "negated" if negated(tok) and value in ("dismissed", "extended", "appointed") else "affirmed"
        )
        if value == "dismissed" and _hypothetical(tok):
            team_entity = coached_team(ctx, person) or team_entity  # his own club, not the opponent
            out.append(Draft("job_status", person.entity, team_entity, "at_risk", tok))
            continue  # "on the brink of being dismissed"
        out.append(Draft("job_status", person.entity, team_entity, value, tok, polarity=polarity))
        assistant = (
            person.start > 0
            and ctx.doc[person.start - 1].lower_ == "coach"
            and any(t.lower_ == "assistant" for t in ctx.doc[max(person.start - 4, 0) : person.start])
        )
        if value in ("dismissed", "resigned") and polarity == "affirmed" and not assistant:
            out.append(
                Draft("coach_of", person.entity, team_entity, "former", tok, attributed=False, score=0.7)
            )
        elif value == "appointed" and polarity == "affirmed":
            out.append(
                Draft("coach_of", person.entity, team_entity, "current", tok, attributed=False, score=0.6)
            )
    out.extend(_left_for(ctx))
    # "the dismissal of manager X", "new contract"
    for tok in span:
        lemma = tok.lemma_.lower()
        if lemma in ("dismissal", "sacking") and tok.pos_ == "NOUN" and "calls for" not in text:
            of = prep_object(tok, "of")
            m = ctx.mention_of(of)
            if of is not None and m is None:
                m = next(
                    (
                        ctx.mention_of(c)
                        for c in of.subtree
                        if ctx.mention_of(c) and ctx.mention_of(c).kind == "person"
                    ),
                    None,
                )
            if m and m.kind == "person":
                team = _team_fallback(ctx, m, tok.head if tok.head.pos_ == "VERB" else None)
                if team:
                    out.append(Draft("job_status", m.entity, team, "dismissed", tok))
                    out.append(Draft("coach_of", m.entity, team, "former", tok, attributed=False, score=0.6))
        if lemma in ("departure", "exit") and tok.pos_ == "NOUN":
            # "Crystal Palace announced the departure of Laura Kaminski" amid managerial changes
            m = ctx.mention_of(prep_object(tok, "of"))
            if m is not None and m.kind == "person" and _coach_departing(ctx, m):
                team = _team_fallback(ctx, m, tok.head if tok.head.pos_ == "VERB" else None)
                if team:
                    out.append(Draft("coach_of", m.entity, team, "former", tok, attributed=False, score=0.6))
        if lemma in ("contract", "deal", "extension") and any(
            c.lower_ in ("new", "extended", "renewed", "one-year", "two-year", "three-year")
            or re.match(r"\w+-year", c.lower_)
            or (c.lower_ in ("year", "month") and any(g.dep_ == "nummod" for g in c.children))  # "one - year"
            for c in tok.children
        ):
            verb = tok.head
            if verb.lemma_ in ("sign", "agree", "pen", "ink", "extend", "hand", "offer", "give", "accept"):
                person, _team = _coach_and_team(ctx, verb)
                subj = ctx.mention_of(verb_subject(verb))
                if person is None and subj is not None and subj.kind == "person":
                    person = subj
                if person is None:
                    continue
                if not described_as_coach(ctx, person):
                    continue
                team_entity = _team_fallback(ctx, person, verb)
                if team_entity:
                    polarity = (
                        "negated"
                        if negated(verb) or verb.lemma_ == "fail" or verb.head.lemma_ == "fail"
                        else "affirmed"
                    )
                    out.append(
                        Draft("job_status", person.entity, team_entity, "extended", verb, polarity=polarity)
                    )
    out.extend(_pressure(ctx, text))
    return out


SHOT_WORDS = {
    "home",
    "wide",
    "past",
    "ahead",
    "level",
    "shot",
    "ball",
    "effort",
    "volley",
    "header",
    "goal",
    "winner",
    "equaliser",
    "equalizer",
    "opener",
    "strike",
    "penalty",
    "cylinder",
    "blank",
    "front",
}
LINEUP_NOUNS = {"team", "side", "squad", "xi", "eleven", "lineup", "line-up", "starting"}
NON_COACH_POSTS = {
    "minister",
    "mp",
    "director",
    "chairman",
    "president",
    "chief",
    "executive",
    "ceo",
    "captain",
    "ambassador",
    "pundit",
    "commentator",
    "referee",
    "player",
    "trustee",
    "governor",
}


def _about_a_post(ctx: SentenceContext, verb: Token) -> bool:
    """Whether a sacking or appointing verb is about a post: not a shot ("Cazorla fired the Gunners
    ahead": a person doing it to a team, actively) nor a line-up ("to name his strongest team")."""
    after = ctx.doc[verb.i + 1 : min(verb.i + 8, ctx.span.end)]
    fired_someone = is_passive(verb) or any(
        c.dep_ == "dobj" and (m := ctx.mention_of(c)) is not None and m.kind == "person"
        for c in verb.children
    )
    if (
        verb.lemma_.lower() == "fire"
        and not fired_someone
        and any(t.lemma_.lower() in SHOT_WORDS for t in after)
    ):
        return False  # "Vertonghen, who fired home", "Fullkrug fired in a first-half goal"
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    if any(
        o.lemma_.lower() in LINEUP_NOUNS or any(c.lower_ in LINEUP_NOUNS for c in o.children) for o in objects
    ):
        return False
    if is_passive(verb):
        return True
    doer = ctx.mention_of(verb_subject(verb))
    target = next((ctx.mention_of(o) for o in objects if ctx.mention_of(o) is not None), None)
    return not (doer is not None and doer.kind == "person" and target is not None and target.is_team)


def _as_other_post(verb: Token) -> bool:
    """Whether "stepped down as X" names a post that is not a coach's."""
    particles = [c for c in verb.children if c.dep_ == "prt"]
    for prep in [*verb.children, *(g for p in particles for g in p.children)]:
        if prep.dep_ == "prep" and prep.lower_ == "as":
            post = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if post is not None and post.lemma_.lower() in NON_COACH_POSTS:
                return True
    return False


MANAGERIAL_CONTEXT = {"manager", "managers", "managerial", "coach", "coaches", "head coach", "boss", "dugout"}


def _left_for(ctx: SentenceContext) -> list[Draft]:
    """A coach who "departed for Hull", "left for Leicester": appointed there."""
    out: list[Draft] = []
    for tok in ctx.span:
        if tok.lemma_.lower() not in ("depart", "leave", "quit") or tok.pos_ != "VERB":
            continue
        new_club = ctx.mention_of(prep_object(tok, "for"))
        person = ctx.mention_of(verb_subject(tok))
        if new_club is None or not new_club.is_team or person is None or person.kind != "person":
            continue
        if not (described_as_coach(ctx, person) or person.entity.id in ctx.article.coaches):
            continue
        out.append(Draft("job_status", person.entity, new_club.entity, "appointed", tok))
        out.append(
            Draft("coach_of", person.entity, new_club.entity, "current", tok, attributed=False, score=0.6)
        )
    return out


def _coach_departing(ctx: SentenceContext, person: Mention) -> bool:
    """Whether a departing person is a coach: so described, or the report leads into the sentence
    talking of managers ("a number of managerial changes ... the departure of X")."""
    if described_as_coach(ctx, person):
        return True
    if described_as_executive(ctx, person):
        return False
    previous = ctx.previous
    return previous is not None and any(t.lower_ in MANAGERIAL_CONTEXT for t in previous.span)


def _pressure(ctx: SentenceContext, text: str) -> list[Draft]:
    """Safe or at risk: "his job is not at risk", "beleaguered boss X", "calls for his sacking"."""
    out: list[Draft] = []
    people = ctx.people()
    coach = next((p for p in people if described_as_coach(ctx, p)), None)
    if coach is None:
        # "his job" / "the Italian" with the coach named in the sentence before
        prev = ctx.previous
        if prev is not None and re.search(r"\b(his|he|the manager|the coach|boss)\b", text):
            coach = next(
                (m for m in prev.mentions if m.kind == "person" and described_as_coach(ctx, m)), None
            )
        if coach is None:
            return out
    team = coached_team(ctx, coach) or _team_fallback(ctx, coach, None)
    if team is None:
        return out
    secure_hit = next((p for p in SECURE_PHRASES if p in text), None)
    if secure_hit and re.search(
        r"\b(?:lack of|no|little|without|withdrawn|withdrew) (?:backing|support)\b", text
    ):
        secure_hit = None  # "disillusioned with the lack of backing"
    if secure_hit in ("backed", "backing") and re.search(
        r"\b(?:backed|backing) (?:off|away|down|into|up|out|onto)\b", text
    ):
        secure_hit = None  # "City backed off Bale": a retreat, not support for the manager
    if secure_hit and re.search(r"\b(failed|refused|reluctant|declined) to (back|support|stick)", text):
        secure_hit = None  # "City failed to back their manager"
    if secure_hit == "vote of confidence" and not re.search(
        r"\b(given|handed|received|gave|got|offered|issued)\b[^.]{0,30}vote of confidence", text
    ):
        secure_hit = None  # "the dreaded public vote of confidence" is a comment, not a fact
    risk_hit = next((p for p in AT_RISK_PHRASES if p in text), None)
    if risk_hit and re.search(re.escape(risk_hit) + r"\s+before\b|had been " + re.escape(risk_hit), text):
        risk_hit = None  # pressure that is over ("has been under the cosh before") is no claim
    words = {t.lower_ for t in ctx.span}
    if secure_hit and (
        secure_hit.startswith("not")
        or secure_hit.startswith("job is not")
        or secure_hit.startswith("no plans")
    ):
        out.append(Draft("job_status", coach.entity, team, "secure", _token_of(ctx, secure_hit)))
        return out
    if risk_hit and not secure_hit:
        modality = "possible" if re.search(r"\b(could|may|might|would not be surprising)\b", text) else "fact"
        if "if " in text and "face the consequences" in text:
            modality = "conditional"
        out.append(
            Draft("job_status", coach.entity, team, "at_risk", _token_of(ctx, risk_hit), modality=modality)
        )
    elif words & AT_RISK_WORDS and not secure_hit:
        tok = next(t for t in ctx.span if t.lower_ in AT_RISK_WORDS)
        described = ctx.mention_of(tok.head)
        if tok.head.lower_ in ("boss", "manager", "coach") or (
            described is not None and described.kind == "person"
        ):
            out.append(Draft("job_status", coach.entity, team, "at_risk", tok))  # not "struggling Fulham"
    elif secure_hit:
        out.append(Draft("job_status", coach.entity, team, "secure", _token_of(ctx, secure_hit)))
    return out


def _token_of(ctx: SentenceContext, phrase: str) -> Token | None:
    first = phrase.split()[0]
    for tok in ctx.span:
        if tok.lower_ == first:
            return tok
    return None


CONTRACT_END = re.compile(
    r"\b(?:contract|deal)\b[^.]{0,40}?\b(?:until|till|to|runs? (?:out|until)|expir\w*(?: in| at)?|ends? in)"
    r"\s+"
    r"((?:the )?(?:end of |summer of |end of the )?(?:(?:the )?(?:\d{4}(?:[-/]\d{2,4})? )?season|"
    r"(?:june |january |summer |the summer of |the end of )?\d{4}(?:[-/]\d{2,4})?))",
    re.IGNORECASE,
)


LENGTH_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "1": 1,
    "2": 2,
    "3": 3,
    "4": 4,
    "5": 5,
    "6": 6,
    "18-month": 0,
}
DEAL_LENGTH = re.compile(
    r"\b(one|two|three|four|five|six|[1-6])[- ]year\s+(?:deal|contract|extension|agreement)\b", re.IGNORECASE
)


TIME_LEFT = re.compile(
    r"\b(a|one|two|three|[1-3]) (?:more )?years? (?:left|remaining) (?:on|of) (?:his|her|their|the) "
    r"(?:current |existing |present )?(?:deal|contract)\b",
    re.IGNORECASE,
)


def _time_left(ctx: SentenceContext) -> list[Draft]:
    """ "has just a year left on his current deal": his contract runs out a season or so on."""
    m = TIME_LEFT.search(ctx.span.text)
    if not m:
        return []
    offset = ctx.span.start_char + m.start()
    people = [p for p in ctx.people() if ctx.doc[p.start].idx <= offset]
    if not people:
        return []
    person = people[-1]
    team = coached_team(ctx, person) or _team_fallback(ctx, person, None)
    if team is None:
        return []
    published = ctx.article.article.published
    years = 1 if m.group(1).lower() == "a" else LENGTH_WORDS.get(m.group(1).lower(), 0)
    when = f"{int(published[:4]) + years}-06" if published and years else None
    trigger = next((t for t in ctx.span if t.idx >= offset and t.lower_ in ("deal", "contract")), None)
    return [
        Draft("contract_until", person.entity, team, None, trigger, when=when, attributed=False, score=0.6)
    ]


def _club_of_town(ctx: SentenceContext) -> Entity | None:
    """The club a report names by its town ("a contract in Sinsheim until 2021"): the one club of
    the knowledge base's top flights that plays there."""
    for tok in ctx.span:
        if tok.lower_ == "in" and tok.i + 1 < ctx.span.end and tok.head.lower_ in ("contract", "deal"):
            club = ctx.kb.club_of_town(ctx.doc[tok.i + 1].text)
            if club is not None:
                return club
    return None


def _deal_length(ctx: SentenceContext) -> list[Draft]:
    """ "has signed a three-year deal", "the signing of X on a three-year deal": a contract's end
    is the report's year plus its length."""
    m = DEAL_LENGTH.search(ctx.span.text)
    if not m:
        return []
    people = [p for p in ctx.people() if not described_as_coach(ctx, p) or "coach" in ctx.span.text.lower()]
    if not people:
        return []
    deal_tok = next(
        (
            t
            for t in ctx.span
            if t.lower_ in ("deal", "contract", "extension", "agreement")
            and t.idx - ctx.span.start_char >= m.start()
        ),
        None,
    )
    person = None
    if deal_tok is not None:
        verb = deal_tok.head if deal_tok.head.pos_ in ("VERB", "AUX") else deal_tok.head.head
        person = ctx.mention_of(verb_subject(verb)) if verb is not None else None
        if person is not None and person.kind != "person":
            person = None
    person = person or people[0]
    root_subject = ctx.mention_of(verb_subject(ctx.span.root))
    # the club that signs him ("West Brom have completed the signing of Aston Villa striker X on a ...")
    team = (
        root_subject.entity
        if root_subject is not None and root_subject.is_team
        else _team_fallback(ctx, person, None)
    )
    if team is None:
        return []
    published = ctx.article.article.published
    years = LENGTH_WORDS.get(m.group(1).lower(), 0)
    when = str(int(published[:4]) + years) if published and years else None
    return [
        Draft("contract_until", person.entity, team, None, deal_tok, when=when, attributed=False, score=0.6)
    ]


def extract_contract(ctx: SentenceContext) -> list[Draft]:
    out: list[Draft] = []
    m = CONTRACT_END.search(ctx.span.text)
    if not m:
        return _deal_length(ctx) or _time_left(ctx)
    when = resolve_expression(m.group(1), ctx.article.article.published, future=True)
    if when and len(when) == 4 and "summer" not in m.group(1).lower() and "season" not in m.group(1).lower():
        when = when  # a bare year stays a year
    elif when and len(when) == 4:
        when = f"{when}-06"
    people = ctx.people()
    contract_char = ctx.span.start_char + m.start()
    person = None
    before = [p for p in people if ctx.doc[p.start].idx <= contract_char]
    if before:
        person = before[-1]
    elif people:
        person = people[0]
    if person is None:
        return out
    team = _club_of_town(ctx) or coached_team(ctx, person) or _team_fallback(ctx, person, None)
    if team is None:
        return out
    trigger = next((t for t in ctx.span if t.lower_ in ("contract", "deal")), None)
    out.append(Draft("contract_until", person.entity, team, None, trigger, when=when, attributed=False))
    return out
