"""transfer and squad_need: who a club wants, bids for, signs, loans or lets go; which positions it needs.

Stages come from the wording around the player: "have already signed Fran
Garcia" (signed), "on loan with the club's B team from Shakhtar Donetsk"
(loan), "rejected an offer ... from Birmingham City for striker Jay
Stansfield" (bid), "agreed a deal ... to sign" (agreed), "in advanced
discussions" (negotiating), "linked with", "target", "attempt to beat City to
the signing of" (interest), "set to leave", "have both left" (departure).
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from dugout.extract.context import (
    COACH_WORDS,
    SACKED_WORDS,
    Draft,
    SentenceContext,
    described_as_coach,
    described_as_executive,
    is_passive,
    kb_team,
    negated,
    titled_in_report,
    verb_subject,
)
from dugout.kb.model import Entity
from dugout.nlp.entities import Mention

POSITIONS = [
    (r"right[- ]backs?|right[- ]wing[- ]backs?", "right-back"),
    (r"left[- ]backs?|left[- ]wing[- ]backs?", "left-back"),
    (
        r"cent(?:re|er)[- ]backs?|cent(?:re|er)[- ]halfs?|central defenders?|cent(?:re|er)-halves",
        "centre-back",
    ),
    (r"defensive midfielders?|holding midfielders?|number six|no\.? ?6", "defensive-midfielder"),
    (r"goalkeepers?|keepers?|shot-stoppers?|number one", "goalkeeper"),
    (
        r"midfielders?|playmakers?|in (?:central )?midfield|midfield (?:options|reinforcements?|signing)",
        "midfielder",
    ),
    (r"wingers?|wide (?:men|man|players?)|on the wings?|out wide", "winger"),
    (r"strikers?|forwards?|cent(?:re|er)[- ]forwards?|number nine|no\.? ?9|goalscorers?|frontman", "striker"),
    (r"(?:first[- ]team |head |new )?(?:manager|coach|boss)", "manager"),
]
NEED_PAT = re.compile(
    r"\b(in the market for|market for|looking for|look for|searching for|search for|need(?:s|ed)?|"
    r"want(?:s|ed)? to sign|considering signing|consider signing|targeting|targetting|priority|"
    r"strengthen(?:ing)?|reinforc(?:e|ing|ements?)|bring in|shopping for|on the lookout for|hunt for|"
    r"in need of|a new|replacement for|announcement shortly regarding|add another|add a|sign a|"
    r"wants? (?:a |an )?new|replacement|successor|appoint a new|shortlist)\b",
    re.I,
)

STAGE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("loan", re.compile(r"\bon loan\b|\bloan (?:move|deal|spell|switch)\b|\bloaned\b", re.I)),
    (
        "signed",
        re.compile(
            r"\b(?:have|has|had) (?:already |now |officially )?(?:signed|completed|sealed|"
            r"landed|captured)\b|\bcompleted (?:the |a )?(?:shock )?(?:signing|move|transfer|switch)\b|"
            r"\bsigning for\b|\bsigned for\b|\bjoined\b|\barrival of\b|\bdeparture(?:s)? of\b.*\bto\b|"
            r"\bjoin(?:ed|s)? from\b|\bsold to\b|\bdeal for\b.*\bback in\b|\bbought\b|\bsigned\b",
            re.I,
        ),
    ),
    (
        "agreed",
        re.compile(
            r"\bagree[ds]? (?:to )?(?:a |the )?(?:deal|fee|terms|transfer|price)|"
            r"\baccepted (?:a |an )?.{0,20}(?:bid|offer)|\bagreement in principle\b|"
            r"\bagreed\b.{0,40}\bfee\b",
            re.I,
        ),
    ),
    (
        "negotiating",
        re.compile(
            r"\b(?:in (?:advanced )?(?:talks|discussions|negotiations)|negotiating|"
            r"opened talks|holding talks)\b",
            re.I,
        ),
    ),
    (
        "bid",
        re.compile(
            r"\b(?:bid|bids|offer|offers|offered|tabled?)\b.{0,60}\bfor\b|\bfor\b.{0,30}\bbid\b|"
            r"\bhave offered\b|\bhas offered\b",
            re.I,
        ),
    ),
    (
        "departure",
        re.compile(
            r"\bset to leave\b|\bto leave\b|\bfree to leave\b|\bhave (?:both )?left\b|"
            r"\bhas left\b|\bleaving\b|\bexit\b|\boutgoings?\b|\bcash in on\b|\bsell\b|"
            r"\bavailable to leave\b|\bleave the club\b|\bdepart",
            re.I,
        ),
    ),
    (
        "interest",
        re.compile(
            r"\b(?:interest(?:ed)? in|linked with|target(?:s|ed)?|monitor(?:ing)?|keen on|"
            r"chas(?:e|ing)|pursu(?:e|ing)|race for|eye(?:ing)?|inquired about|enquired about|"
            r"signing of|move for|considering|want(?:s)? to sign|swoop|radar|tracking|"
            r"scouting|admirers|touted|missing out on|a possible signing|deal for)\b",
            re.I,
        ),
    ),
]


def _position(text: str) -> str | None:
    found = _positions(text)
    return found[0][1] if found else None


def _positions(text: str) -> list[tuple[int, str]]:
    """Every position the text names, with where: in the order written ("on the wing, as well as
    ... right-back")."""
    hits: list[tuple[int, str]] = []
    for pattern, value in POSITIONS:
        m = re.search(rf"\b(?:{pattern})\b", text, re.I)
        if m and value not in (v for _, v in hits):
            hits.append((m.start(), value))
    return sorted(hits)


def _filled_by_player(ctx: SentenceContext, offset: int) -> bool:
    """Whether the position at this character offset of the sentence is what a named player comes
    to do ("signed Fran Garcia, who will return ... to strengthen the left-back position")."""
    tok = next((t for t in ctx.span if t.idx - ctx.span.start_char >= offset), None)
    for above in tok.ancestors if tok is not None else ():
        if above.dep_ == "relcl":
            owner = ctx.mention_of(above.head)
            return owner is not None and owner.kind == "person"
    return False


def _is_player(ctx: SentenceContext, person: Mention) -> bool:
    if called_player(ctx, person):
        return True  # "Spanish midfielder Michel", whatever else a namesake did
    roles = ctx.kb.roles_of.get(person.entity.id, [])
    if any(
        r.role in ("head_coach", "president", "chairman", "owner", "sporting_director", "director")
        for r in roles
        if r.active_on(ctx.article.article.published)
    ):
        return False
    published = ctx.article.article.published
    if any(
        r.role in ("head_coach", "interim_coach")
        and (not published or not r.start or r.start[:4] <= published[:4])
        for r in roles
    ):
        return False  # a coach by then (Patrick Vieira was still a player in 2009)
    if person.entity.id in ctx.article.coaches or titled_in_report(ctx, person, COACH_WORDS | SACKED_WORDS):
        return False
    if described_as_executive(ctx, person):
        return False
    prev = ctx.doc[person.start - 1].lower_ if person.start > 0 else ""
    return prev not in NOT_PLAYERS


# Titles right before a name that make him no player ("journalist Ben Jacobs", "boss X").
NOT_PLAYERS = {
    "manager",
    "coach",
    "boss",
    "president",
    "chairman",
    "director",
    "owner",
    "under",
    "journalist",
    "reporter",
    "correspondent",
    "pundit",
    "presenter",
    "commentator",
    "agent",
    "referee",
    "writer",
    "columnist",
}

# Words before "for CLUB" that make it the club a player plays for now, not the one he would join.
PLAYING_WORDS = {
    "performance",
    "display",
    "form",
    "goal",
    "appearance",
    "play",
    "star",
    "shine",
    "impress",
    "score",
    "exploit",
}

PLAYER_NOUNS = {
    "striker",
    "midfielder",
    "defender",
    "winger",
    "goalkeeper",
    "keeper",
    "forward",
    "full-back",
    "fullback",
    "centre-back",
    "center-back",
    "left-back",
    "right-back",
    "loanee",
    "youngster",
    "star",
    "captain",
    "playmaker",
    "attacker",
    "wing-back",
    "teenager",
    "international",
    "ace",
    "starlet",
}


def _clubs_around(ctx: SentenceContext, player: Mention) -> tuple[Entity | None, Entity | None]:
    """(buying club, selling club) for a player in this sentence."""
    doc = ctx.doc
    buyer = seller = plays_for = None
    for m in ctx.teams():
        if m.entity.kind != "club" and m.kind != "club":
            continue
        prev = doc[m.start - 1].lower_ if m.start > 0 else ""
        if (
            m.start > 1
            and doc[m.start - 2].lower_ == "from"
            and prev in ("rivals", "neighbours", "champions", "club")
        ):
            prev = "from"  # "from rivals PSV Eindhoven"
        after = doc[m.end].text if m.end < len(doc) else ""
        between = {t.lower_ for t in doc[m.end : player.start]} if m.end <= player.start else set()
        if (
            m.end + 1 < len(doc)
            and doc[m.end].lemma_.lower() in BUYING_NOUNS
            and doc[m.end + 1].lower_ == "for"
            and m.end < player.start
        ):
            buyer = buyer or m.entity  # "the £4m Sunderland deal for striker Will Grigg"
            continue
        if prev == "for" and m.start > 1 and doc[m.start - 2].lemma_.lower() in PLAYING_WORDS:
            plays_for = plays_for or m.entity  # "his performances for Napoli": the club he plays for now
            continue
        if (
            prev == "from"
            or (after in ("'s", "’s") and m.end + 1 <= player.start and player.start - m.end <= 6)
            or (0 < player.start - m.end <= 3 and between & PLAYER_NOUNS)
        ):
            seller = seller or m.entity
        elif prev == "for" and m.start > 1 and doc[m.start - 2].lower_ in ("signing", "signed", "joining"):
            buyer = buyer or m.entity  # "Despite signing for Fulham in 2019, the striker ..."
        elif (
            prev in ("to", "for", "join", "joining", "at")
            and m.start > player.start
            and not _names_a_player(ctx, m)
            and not any(
                player.end <= o.start and o.end <= m.start and not _listed_together(ctx, player, o)
                for o in ctx.people()
            )
        ):
            buyer = buyer or m.entity  # not past another player: "X's exit ... as Y nears a move to Z"
    subj = None
    governor = doc[player.end - 1]
    while governor.dep_ in ("conj", "appos", "compound") and governor.head is not governor:
        governor = governor.head
    if governor.dep_ == "dobj" and governor.head.pos_ == "VERB":
        # "The same summer that Chelsea signed Harder, Everton also ...": who did it to him
        own = ctx.mention_of(verb_subject(governor.head))
        if own is not None and own.is_team and own.entity is not seller:
            subj = own
    for tok in ctx.span:
        if subj is None and tok.dep_ in ("nsubj", "nsubjpass") and tok.head.dep_ == "ROOT":
            subj = ctx.mention_of(tok)
            break
    if subj is not None and subj.is_team and buyer is None and subj.entity is not seller:
        buyer = subj.entity
    if subj is not None and subj.kind == "person" and buyer is None and described_as_coach(ctx, subj):
        # "Guardiola wants a new defender ... Virgil van Dijk": the coach's club is the buyer
        team = ctx.article.coached.get(subj.entity.id) or kb_team(ctx, subj.entity)
        if team is not None and team is not seller and team.kind == "club":
            buyer = team
    if buyer is None and any(
        (t.lower_ in ("they", "we") and t.dep_ in ("nsubj", "nsubjpass"))
        or (t.lower_ in ("their", "our") and t.dep_ == "poss")  # "their next target was X"
        for t in ctx.span
    ):
        focus = ctx.focus_club()
        if focus is not None and focus is not seller:
            buyer = focus
    if seller is None and plays_for is not None and plays_for is not buyer:
        seller = plays_for
    if buyer is None:
        clubs = [
            m.entity
            for m in ctx.teams()
            if m.entity.kind == "club" and m.entity is not seller and m.entity is not plays_for
        ]
        if clubs:
            buyer = clubs[0]
    return buyer, seller


def _names_a_player(ctx: SentenceContext, club: Mention) -> bool:
    """Whether a club name stands as a player's label ("a move for Schalke striker Kevin Kuranyi")."""
    doc = ctx.doc
    if club.end >= ctx.span.end:
        return False
    follower = ctx.mention_of(doc[club.end])
    return doc[club.end].lower_ in PLAYER_NOUNS or (follower is not None and follower.kind == "person")


OUTGOING = re.compile(r"\b(outgoings?|exits?|departures?|sales?|offload|leave)\b", re.I)


def _coach_club_in(ctx: SentenceContext) -> Entity | None:
    """The club of a coach the sentence names ("Pep Guardiola's second summer signing")."""
    for person in ctx.people():
        if described_as_coach(ctx, person):
            team = ctx.article.coached.get(person.entity.id) or kb_team(ctx, person.entity)
            if team is not None and team.kind == "club":
                return team
    return None


def _listed_together(ctx: SentenceContext, a: Mention, b: Mention) -> bool:
    """Whether two names stand in one list ("Matthijs de Ligt and Donny van de Beek")."""
    first, second = (a, b) if a.start < b.start else (b, a)
    between = {t.lower_ for t in ctx.doc[first.end : second.start]}
    return between <= {",", "and", "or", "&"}


def extract(ctx: SentenceContext) -> list[Draft]:
    out: list[Draft] = []
    text = ctx.span.text
    players: list[Mention] = []
    for p in ctx.people():  # one reading per player: "Thorgan Hazard ... as he has yet to sign"
        if all(q.entity.id != p.entity.id for q in players) and _is_player(ctx, p):
            players.append(p)
    if players:
        out.extend(_transfers(ctx, players, text))
    out.extend(_needs(ctx, text))
    return out


HEAD_STAGES = {
    "loan": "loan",
    "bid": "bid",
    "offer": "bid",
    "table": "bid",
    "agree": "agreed",
    "accept": "agreed",
    "agreement": "agreed",
    "talk": "negotiating",
    "negotiate": "negotiating",
    "negotiation": "negotiating",
    "discussion": "negotiating",
    "leave": "departure",
    "departure": "departure",
    "exit": "departure",
    "sell": "departure",
    "sale": "departure",
    "release": "departure",
    "depart": "departure",
    "outgoing": "departure",
    "sign": "signed",
    "signing": "signed",
    "join": "signed",
    "arrival": "signed",
    "capture": "signed",
    "complete": "signed",
    "seal": "signed",
    "land": "signed",
    "buy": "signed",
    "bring": "signed",
    "deal": "signed",
    "move": "interest",
    "switch": "interest",
    "target": "interest",
    "link": "interest",
    "interest": "interest",
    "attract": "interest",
    "monitor": "interest",
    "want": "interest",
    "chase": "interest",
    "pursue": "interest",
    "consider": "interest",
    "eye": "interest",
    "track": "interest",
    "scout": "interest",
    "inquire": "interest",
    "enquire": "interest",
    "radar": "interest",
    "admirer": "interest",
    "swoop": "interest",
    "pursuit": "interest",
}
DEAL_NOUNS = {"deal", "move", "transfer", "signing", "switch", "loan", "agreement", "capture", "contract"}
COMPLETION_VERBS = {
    "complete",
    "tie",
    "seal",
    "finalise",
    "finalize",
    "confirm",
    "announce",
    "make",
    "wrap",
    "secure",
    "land",
    "conclude",
    "become",
    "be",
}
FUTURE_SIGNING = {
    "set",
    "expect",
    "close",
    "poised",
    "likely",
    "want",
    "hope",
    "plan",
    "aim",
    "try",
    "attempt",
    "look",
    "keen",
    "ready",
    "could",
    "may",
    "might",
    "will",
    "would",
}


def _stage_of(ctx: SentenceContext, player: Mention, single: bool) -> tuple[str | None, Token | None]:
    """The transfer stage the wording attaches to this player: found on the path from the player's
    name up to its clause ("the departures of Lukaku ... to Inter", "have agreed a deal ... to sign X"),
    else, when he is the sentence's only player, anywhere in the sentence."""
    doc = ctx.doc
    tok = doc[player.end - 1]
    window = doc[max(ctx.span.start, player.start - 3) : min(ctx.span.end, player.end + 8)].text.lower()
    if "on loan" in window or "loan move" in window or "loan deal" in window:
        return "loan", tok
    for rel in (c for c in tok.children if c.dep_ == "relcl" and c.pos_ == "VERB"):
        stage = HEAD_STAGES.get(rel.lemma_.lower())
        own = any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("who", "that") for c in rel.children)
        if stage in ("departure", "signed") and own and rel.lemma_.lower() != "bring" and not negated(rel):
            return stage, rel  # "the loss of midfielder Victor Rodriguez, who left the club"
    steps = 0
    no_move = False
    while tok.head is not tok and steps < 6:
        child, tok = tok, tok.head
        steps += 1
        circumstance = child.dep_ == "prep" and child.lower_ == "with" and child.i < tok.i
        if circumstance and tok.pos_ in ("VERB", "AUX"):
            return None, None  # "With only Kompany at his disposal, Guardiola wants ...": circumstance
        if tok.pos_ == "VERB" and child.dep_ == "nsubj" and player.start <= child.i < player.end:
            exit_noun = next(
                (c for c in tok.children if c.dep_ == "dobj" and c.lemma_.lower() in ("exit", "departure")),
                None,
            )
            if exit_noun is not None:
                return "departure", exit_noun  # "Mangala nears an exit"
        if (
            tok.lemma_.lower() == "replace"
            and child.dep_ == "dobj"
            and tok.head.lemma_.lower() in ("need", "search", "hunt", "bid", "attempt", "effort", "plan")
        ):
            return "departure", tok  # "their need to replace Lucy Bronze": she has gone
        if (
            tok.lemma_.lower() in ("offer", "bid")
            and tok.head.lower_ == "to"
            and tok.head.head.lower_ in ("open", "receptive", "willing")
        ):
            return "departure", tok  # "Forest are also open to offers for X": willing to sell
        stage = HEAD_STAGES.get(tok.lemma_.lower())
        if tok.lemma_.lower() == "transfer" and tok.pos_ == "VERB":
            # "if the club can transfer more peripheral players, such as Cenk Tosun": selling them
            stage = "departure" if any(c.dep_ == "dobj" for c in tok.children) else "signed"
        if stage is None:
            continue
        if tok.lemma_.lower() == "target" and "back" in {
            t.lower_ for t in ctx.doc[tok.i + 1 : min(tok.i + 6, ctx.span.end)]
        }:
            continue  # "the target on City's back": the hunted, not a hunt for a player
        if (
            tok.lemma_.lower() in ("leave", "release")
            and tok.pos_ == "VERB"
            and not _moves_on(ctx, tok, player)
        ):
            continue  # "leaving him with a simple finish beyond Pickford", "a pass releases Boyle"
        if tok.lemma_.lower() == "bring" and not _from_or_to_club(ctx, tok):
            continue  # "bringing Militao back in", "brought on": a line-up, not a move
        if tok.lemma_.lower() == "join" and is_passive(tok):
            continue  # "they were joined by Ian Wright in the dressing room"
        objects = {c.lemma_.lower() for c in tok.children if c.dep_ == "dobj"}
        if stage in ("bid", "signed") and tok.pos_ == "VERB" and objects & NOT_A_MOVE:
            no_move = True
            continue  # "he offered his resignation", "yet to sign a contract extension"
        if tok.lemma_.lower() == "move" and tok.pos_ == "VERB":
            if not _moves_to_club(ctx, tok):
                continue  # "moved him past Denis Law into second in the scoring charts"
            if tok.tag_ == "VBD" or (tok.tag_ == "VBN" and not any(c.lemma_ == "be" for c in tok.children)):
                return "signed", tok  # "Promes ... moved to Spartak Moscow in 2014"
        doer = ctx.mention_of(verb_subject(tok)) if tok.pos_ == "VERB" else None
        if (
            doer is not None
            and doer.kind == "person"
            and doer.entity.id != player.entity.id
            and child.dep_ not in ("dobj", "nsubj", "nsubjpass")
            and stage == "signed"
        ):
            return None, None  # "As the club of player X announced, the Dutchman signed a contract"
        subject = ctx.mention_of(child)
        if (
            tok.pos_ in ("VERB", "AUX")
            and child.dep_ in ("nsubj", "nsubjpass")
            and not (player.start <= child.i < player.end)
            and (subject is None or subject.kind != "person")
        ):
            return None, None  # "goals from X left them": the verb's subject is not a player
        if tok.lemma_.lower() in ("seal", "land", "complete", "secure", "capture") and not any(
            c.lemma_.lower() in DEAL_NOUNS or ctx.mention_of(c) is not None
            for c in tok.children
            if c.dep_ == "dobj"
        ):
            continue  # "sealed a 3-2 win" is no signing
        if (
            stage == "signed"
            and tok.pos_ == "VERB"
            and (
                tok.tag_ in ("VB", "VBG")
                or any(c.lemma_ in FUTURE_SIGNING for c in tok.head.children)
                or tok.head.lemma_ in FUTURE_SIGNING
            )
        ):
            stage = (
                "interest"
                if tok.head.lemma_ in ("want", "consider", "keen", "hope", "look")
                or (tok.tag_ == "VBG" and tok.head.lower_ in ("of", "about", "on", "over", "against"))
                # "the positives and negatives of signing X"; but "made a splash by signing X"
                else "signed"
            )
        if (
            stage == "signed"
            and tok.tag_ == "VB"
            and any(
                t.lemma_.lower() in ("contender", "favourite", "favorite", "frontrunner", "race")
                for t in ctx.doc[max(ctx.span.start, tok.i - 4) : tok.i]
            )
        ):
            return "interest", tok  # "viewed as serious contenders to sign X"
        if stage == "signed" and tok.tag_ == "VB":
            # "to sign X": the verb it hangs on says how far it got ("agreed a deal to sign", "debating
            # whether to sign", "are set to sign")
            for above in list(tok.ancestors)[:4]:
                lemma = above.lemma_.lower()
                if lemma in ("agree", "agreement", "accept"):
                    stage = "agreed"
                    break
                if lemma in ("talk", "negotiate", "discussion", "negotiation"):
                    stage = "negotiating"
                    break
                if lemma in (
                    "want",
                    "consider",
                    "debate",
                    "hope",
                    "look",
                    "keen",
                    "eye",
                    "plan",
                    "try",
                    "bid",
                    "contender",
                    "favourite",
                    "favorite",
                    "frontrunner",
                    "race",
                ):  # "viewed as serious contenders to sign X"
                    stage = "interest"
                    break
        if stage == "signed" and tok.pos_ == "NOUN" and tok.lemma_ in ("signing", "deal", "move"):
            # "completed the signing of X" is a signing; "an attempt to beat City to the signing of X",
            # "a possible deal for X" are interest
            governor = tok.head if tok.head.pos_ in ("VERB", "AUX") else tok.head.head
            done = governor.lemma_ in COMPLETION_VERBS and (
                governor.tag_ in ("VBD", "VBN", "VBZ")
                or (governor.tag_ == "VB" and governor.head.lemma_ in ("set", "poise", "expect", "due"))
            )  # "are set to tie up a £2.5m deal for X": a signing, as expected
            if not done or any(c.lower_ in ("possible", "potential", "proposed") for c in tok.children):
                stage = "interest"
        return stage, tok
    # "X and Y are also free to leave the club": the stage sits in the predicate of the player's clause
    clause = tok if tok.pos_ in ("VERB", "AUX") else None
    if clause is not None:
        for c in clause.subtree:
            if c.dep_ in ("xcomp", "acomp", "ccomp") or c.head.dep_ in ("xcomp", "acomp"):
                if c.lemma_.lower() == "close" and any(g.lower_ == "in" for g in c.children):
                    return "negotiating", c  # "was thought to be closing in on a deal to join Hull"
                stage = HEAD_STAGES.get(c.lemma_.lower())
                if {g.lemma_.lower() for g in c.children if g.dep_ == "dobj"} & NOT_A_MOVE:
                    continue  # "has yet to sign a contract extension"
                if c.lemma_.lower() == "bring" and not _from_or_to_club(ctx, c):
                    continue  # "essential to bring in someone who can take the burden off Benzema"
                if stage == "interest" and c.pos_ == "NOUN" and c.dep_ == "attr":
                    return stage, c  # "is also believed to be a target"
                if stage in ("departure", "signed", "loan", "interest") and c.pos_ == "VERB":
                    return ("departure" if stage == "departure" else stage), c
    if single and not no_move:
        text = TARGET_ON_BACK.sub("", ctx.span.text)  # "the target on City's back" hunts no player
        for value, pattern in STAGE_PATTERNS:
            if pattern.search(text):
                return value, ctx.span.root
    return None, None


TARGET_ON_BACK = re.compile(r"\btargets? on [\w’'. ]{1,30}?\bbacks?\b", re.I)


def _moves_on(ctx: SentenceContext, verb: Token, player: Mention) -> bool:
    """Whether "leave" / "release" moves this player: he leaves (its subject), or a club releases
    him ("was released by Ajax", "Ajax released him")."""
    doer = verb_subject(verb)
    if verb.lemma_.lower() == "leave":
        if doer is None:
            return False
        doers = [doer, *(c for c in doer.subtree if c.dep_ == "conj")]  # "Gundogan and Mahrez have left"
        return any(
            player.start <= d.i < player.end
            or ((m := ctx.mention_of(d)) is not None and m.entity.id == player.entity.id)
            for d in doers
        )
    if is_passive(verb):
        return True
    own = ctx.mention_of(doer)
    return own is not None and own.is_team


def _from_or_to_club(ctx: SentenceContext, verb: Token) -> bool:
    """Whether "bring" brings a player from or to a club ("to bring Carpenter from Portland Thorns")."""
    if any(c.dep_ == "prt" and c.lower_ in ("on", "off", "back") for c in verb.children):
        return False
    return _prep_to_club(ctx, verb, ("from", "to"))


def _moves_to_club(ctx: SentenceContext, verb: Token) -> bool:
    """Whether "move" goes somewhere a club is ("moved to Ipswich"), not up a table or past a man."""
    return _prep_to_club(ctx, verb, ("to", "for"))


def _prep_to_club(ctx: SentenceContext, verb: Token, preps: tuple[str, ...]) -> bool:
    """Whether one of these prepositions hangs on the verb with a club as its object."""
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in preps:
            target = ctx.mention_of(next((c for c in prep.children if c.dep_ == "pobj"), None))
            if target is not None and target.is_team:
                return True
    return False


def _bidder(ctx: SentenceContext, trigger: Token) -> Entity | None:
    """The club making a bid: "an offer from Birmingham City", "Birmingham's bid"."""
    for child in trigger.children:
        if child.dep_ == "prep" and child.lower_ in ("from", "by"):
            for obj in child.children:
                m = ctx.mention_of(obj)
                if m is not None and m.is_team:
                    return m.entity
        if child.dep_ == "poss":
            m = ctx.mention_of(child)
            if m is not None and m.is_team:
                return m.entity
    return None


def _destination(ctx: SentenceContext, trigger: Token | None) -> Entity | None:
    """The club a departing player goes to: "to Inter Milan", "for Ipswich"."""
    if trigger is None:
        return None
    for t in trigger.subtree:
        is_dest = t.lower_ in ("to", "join") or (
            t.lower_ == "for" and t.head.lemma_ in ("sign", "depart", "leave")
        )
        if is_dest and t.i + 1 < len(ctx.doc):
            m = ctx.mention_of(ctx.doc[t.i + 1]) or (
                ctx.mention_of(ctx.doc[t.i + 2]) if t.i + 2 < len(ctx.doc) else None
            )
            if m and m.is_team:
                return m.entity
    edge = trigger.right_edge.i + 1  # "the departures of Lukaku and Sanchez to Inter", parsed elsewhere
    if edge + 1 < len(ctx.doc) and ctx.doc[edge].lower_ == "to":
        m = ctx.mention_of(ctx.doc[edge + 1])
        if m and m.is_team:
            return m.entity
    return None


def _transfers(ctx: SentenceContext, players: list[Mention], text: str) -> list[Draft]:
    out: list[Draft] = []
    for player in players:
        stage, trigger = _stage_of(ctx, player, single=len(players) == 1)
        if stage is None:
            continue
        buyer, seller = _clubs_around(ctx, player)
        if stage == "interest" and buyer is None and OUTGOING.search(text):
            # "there could yet be more outgoings, with interest in Bernardo Silva": others want him
            stage = "departure"
        if buyer is None and stage in ("signed", "loan", "agreed") and seller is not None:
            # "Guardiola's second summer signing after the arrival of Kovacic from Chelsea"
            buyer = _coach_club_in(ctx) or ctx.focus_club()
            if buyer is not None and buyer.id == seller.id:
                buyer = None
        if (
            stage == "departure"
            and _managerial(ctx)
            and not called_player(ctx, player)
            and not (trigger is not None and trigger.lemma_ == "replace")  # "need to replace Lucy Bronze"
        ):
            continue  # a coach's departure is job news, not a transfer
        if (
            _managerial(ctx)
            and not called_player(ctx, player)
            and any(t.lemma_.lower() in JOB_NOUNS for t in ctx.span)
        ):
            continue  # "Emma accepted the role of manager": a job taken, not a transfer
        if stage == "departure":
            going_to = _destination(ctx, trigger)
            if going_to is not None and trigger is not None and trigger.pos_ == "NOUN":
                # "the departures of Lukaku and Sanchez to Inter Milan" is their signing there
                out.append(Draft("transfer", player.entity, going_to, "signed", trigger, counterpart=seller))
                continue
        if stage == "departure":
            club = seller or buyer or _club_of(ctx, player)
            if trigger is not None and trigger.lemma_ == "replace":
                club = buyer or club  # "Lyon ... their need to replace Lucy Bronze": Lyon's loss
            if club is None:
                continue
            out.append(
                Draft(
                    "transfer",
                    player.entity,
                    club,
                    "departure",
                    trigger,
                    polarity="negated" if trigger is not None and negated(trigger) else "affirmed",
                )
            )
            continue
        if stage == "bid" and trigger is not None:
            bidder = _bidder(ctx, trigger)
            if bidder is not None:  # "rejected an offer from Birmingham City for X": the rejecter sells
                seller = buyer if buyer is not None and buyer.id != bidder.id else seller
                buyer = bidder
            elif trigger.head.lemma_.lower() in REFUSALS:
                # "Fiorentina has rejected an offer from a certain Chinese club": the bidder is unnamed
                seller, buyer = seller or buyer, None
        if buyer is None or (seller is not None and buyer.id == seller.id):
            continue
        if trigger is not None:
            dest = _destination(ctx, trigger)
            if dest is not None and _past_another_player(ctx, player, dest):
                dest = None  # "links with Bonucci before his move to AC Milan, as well as Van Dijk"
            if (
                dest is not None
                and stage in ("signed", "loan", "interest", "agreed")
                and (seller is None or dest.id != seller.id)
            ):
                buyer = dest
        polarity = "affirmed"
        if re.search(
            r"\b(pulled out of|dismissed suggestions|ruled out|not interested|no interest|"
            r"will not sign|won't sign|denied)\b",
            text,
            re.I,
        ):
            polarity = "negated"
        if stage == "signed" and text.rstrip().endswith("?"):
            stage = "interest"  # "Could Liverpool sign Ollie Watkins?"
        draft = Draft("transfer", player.entity, buyer, stage, trigger, polarity=polarity, counterpart=seller)
        out.append(draft)
        if stage == "interest":  # "with Manchester United, Chelsea, Bayern and PSG all interested"
            for other in _listed_with(ctx, buyer):
                if seller is None or other.id != seller.id:
                    out.append(
                        Draft(
                            "transfer",
                            player.entity,
                            other,
                            stage,
                            trigger,
                            polarity=polarity,
                            counterpart=seller,
                        )
                    )
        radar = _radar_of(ctx, player)
        if radar is not None and radar.id != buyer.id:
            out.append(Draft("transfer", player.entity, radar, "interest", trigger, counterpart=seller))
        rival = _rival(ctx, player)
        if rival is not None and rival.id != buyer.id:
            out.append(Draft("transfer", player.entity, rival, "interest", trigger, counterpart=seller))
    return out


BUYING_NOUNS = {"deal", "bid", "offer", "move", "swoop", "approach", "interest", "pursuit", "raid"}
# What a player "signs" or a man "offers" that is no move between clubs.
NOT_A_MOVE = {"resignation", "apology", "extension", "renewal", "contract", "autograph", "shirt", "petition"}
REFUSALS = {"reject", "refuse", "decline", "snub", "rebuff", "turn"}
JOB_NOUNS = {"role", "job", "post", "reins", "hotseat", "hot-seat"}

MANAGERIAL_WORDS = {
    "manager",
    "managers",
    "coach",
    "coaches",
    "boss",
    "dugout",
    "dugouts",
    "sacked",
    "appointed",
    "managerial",
    "head",
    "replace",
    "replaced",
    "successor",
    "caretaker",
    "interim",
}


def _past_another_player(ctx: SentenceContext, player: Mention, club: Entity) -> bool:
    """Whether another person's name stands nearer than the player's to every mention of `club` in
    the sentence: then the club belongs to that person's move ("links with Bonucci before his move
    to AC Milan, as well as Van Dijk")."""
    spots = [m for m in ctx.teams() if m.entity.id == club.id]
    others = [o for o in ctx.people() if o.entity.id != player.entity.id]
    if not spots or not others:
        return False

    def gap(a: Mention, b: Mention) -> int:
        return a.start - b.end if a.start >= b.end else b.start - a.end

    return all(min(gap(o, m) for o in others) < gap(player, m) for m in spots)


def _managerial(ctx: SentenceContext) -> bool:
    """Whether the sentence, or the report around it, is about coaches."""
    words = {t.lower_ for t in ctx.span}
    if words & MANAGERIAL_WORDS:
        return True
    previous = ctx.previous
    return previous is not None and bool({t.lower_ for t in previous.span} & MANAGERIAL_WORDS)


def called_player(ctx: SentenceContext, player: Mention) -> bool:
    """ "striker X", "the midfielder": the text itself makes him a player."""
    before = {t.lower_ for t in ctx.doc[max(player.start - 3, ctx.span.start) : player.start]}
    return bool(before & PLAYER_NOUNS) and not before & {"former", "ex", "ex-", "retired", "legendary"}


def _listed_with(ctx: SentenceContext, club: Entity) -> list[Entity]:
    """Clubs listed together with this one ("Manchester United, Chelsea, Bayern Munich and PSG")."""
    teams = [m for m in ctx.teams() if m.entity.kind == "club"]
    index = next((i for i, m in enumerate(teams) if m.entity.id == club.id), None)
    if index is None:
        return []
    found: list[Entity] = []
    for before, after in zip(teams[index:], teams[index + 1 :], strict=False):
        between = {t.lower_ for t in ctx.doc[before.end : after.start]}
        if between and between <= {",", "and", "or", "&"}:
            found.append(after.entity)
        else:
            break
    return found


def _radar_of(ctx: SentenceContext, player: Mention) -> Entity | None:
    """The club whose radar a player "was on" ("Moore was on the Black Cats' radar in January but
    instead signed for Ipswich"): interested, whatever else the sentence tells."""
    verb = ctx.doc[player.end - 1].head
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ == "on":
            for radar in prep.children:
                if radar.lemma_.lower() in ("radar", "list", "shortlist", "wishlist"):
                    for part in radar.subtree:  # "the Black Cats' radar" (poss, or nmod past a curly ’)
                        owner = ctx.mention_of(part)
                        if owner is not None and owner.is_team:
                            return owner.entity
    return None


def _rival(ctx: SentenceContext, player: Mention) -> Entity | None:
    """A rival buyer in "beat City to the signing of X" / "ahead of Arsenal": interested too."""
    doc = ctx.doc
    for m in ctx.teams():
        if (
            m.start < player.start
            and m.start > 0
            and doc[m.start - 1].lower_ in ("beat", "beating", "of")
            and (doc[m.start - 1].lower_ != "of" or (m.start > 1 and doc[m.start - 2].lower_ == "ahead"))
        ):
            return m.entity
    return None


def _club_of(ctx: SentenceContext, player: Mention) -> Entity | None:
    teams = ctx.teams()
    if teams:
        return teams[0].entity
    return ctx.focus_club()


def _trigger(ctx: SentenceContext) -> Token | None:
    root = ctx.span.root
    return root


def _after_dismissal(ctx: SentenceContext) -> bool:
    """Whether the report has already told of a coach leaving (so "a replacement" is a new coach)."""
    for view in ctx.article.sentences[: ctx.index]:
        if any(t.lemma_ in ("sack", "fire", "dismiss", "resign", "quit", "axe") for t in view.span):
            return True
    return False


def _needing_club(ctx: SentenceContext, trigger: Token | None) -> Entity | None:
    """The club that needs the player or coach: the subject of the need ("Udinese are looking for"),
    a coach's club ("Guardiola wants a new centre-back"), "we"/"they" → the report's club."""
    verb = trigger
    for _ in range(4):
        if verb is None or verb.pos_ in ("VERB", "AUX"):
            break
        verb = verb.head if verb.head is not verb else None
    subject = verb_subject(verb) if verb is not None else None
    m = ctx.mention_of(subject)
    if m is not None and m.is_team:
        return m.entity
    if m is not None and m.kind == "person":
        return ctx.article.coached.get(m.entity.id) or kb_team(ctx, m.entity)
    if subject is not None and subject.lower_ in ("we", "they", "club"):
        return ctx.focus_club()
    for tok in ctx.span:  # "a new head coach for the Super Eagles"
        if tok.lower_ == "for" and tok.i + 1 < len(ctx.doc):
            after = ctx.mention_of(ctx.doc[tok.i + 1]) or (
                ctx.mention_of(ctx.doc[tok.i + 2]) if tok.i + 2 < len(ctx.doc) else None
            )
            if after is not None and after.is_team:
                return after.entity
    return None


def _needs(ctx: SentenceContext, text: str) -> list[Draft]:
    """ "in the market for a new striker", "considering signing a right-back", "a new first team manager"."""
    out: list[Draft] = []
    need = NEED_PAT.search(text)
    if not need:
        return out
    tail = text[need.start() :]
    open_positions = [
        value for at, value in _positions(tail) if not _filled_by_player(ctx, need.start() + at)
    ]
    position = open_positions[0] if open_positions else None
    if position is None and ctx.previous is not None and re.search(r"\b(priority|it is their)\b", text, re.I):
        position = _position(ctx.previous.text)
    filled = re.search(
        r"\b(appointed|has been named|was named|is the successor|took over|has taken over)\b", text, re.I
    )
    hypothetical = re.search(r"\bif\b", text, re.I) and re.search(r"\bwould\b", text, re.I)
    if (
        position is None
        and not filled
        and not hypothetical
        and re.search(r"\b(replacement|successor|shortlist)\b", text, re.I)
        and (any(described_as_coach(ctx, p) for p in ctx.people()) or _after_dismissal(ctx))
    ):
        position = "manager"  # "looking for a permanent replacement for Igor Tudor"
    if position is None:
        return out
    if position == "manager" and not re.search(
        r"\b(new|replacement|successor|permanent|shortlist)\b", tail, re.I
    ):
        return out
    trigger = next((t for t in ctx.span if t.idx - ctx.span.start_char >= need.start()), None)
    club = _needing_club(ctx, trigger)
    if club is None:
        teams = [m for m in ctx.teams() if m.entity.kind == "club"]
        club = teams[0].entity if teams else ctx.focus_club()
    if club is None:
        return out
    modality = "fact"
    if re.search(r"\b(considering|consider|could|may|might|option)\b", text, re.I):
        modality = "possible"
    elif re.search(r"\b(will|shortly|plan|set to|expected)\b", text, re.I):
        modality = "expected"
    out.append(Draft("squad_need", club, None, position, trigger, modality=modality))
    if position != "manager":  # "strengthen alternatives on the wing, as well as ... a right-back"
        for other in open_positions:
            if other not in (position, "manager"):
                out.append(Draft("squad_need", club, None, other, trigger, modality=modality))
    return out
