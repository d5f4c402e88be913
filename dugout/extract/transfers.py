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

from dugout.extract.context import Draft, SentenceContext, described_as_coach, negated, verb_subject
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
    (r"midfielders?|playmakers?", "midfielder"),
    (r"wingers?|wide (?:men|man|players?)", "winger"),
    (r"strikers?|forwards?|cent(?:re|er)[- ]forwards?|number nine|no\.? ?9|goalscorers?|frontman", "striker"),
    (r"(?:first[- ]team |head |new )?(?:manager|coach|boss)", "manager"),
]
NEED_PAT = re.compile(
    r"\b(in the market for|market for|looking for|look for|searching for|search for|need(?:s|ed)?|"
    r"want(?:s|ed)? to sign|considering signing|consider signing|targeting|targetting|priority|"
    r"strengthen|reinforce(?:ment)?s?|bring in|shopping for|on the lookout for|hunt for|"
    r"in need of|a new|replacement for|announcement shortly regarding)\b",
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
    for pattern, value in POSITIONS:
        if re.search(rf"\b(?:{pattern})\b", text, re.I):
            return value
    return None


def _is_player(ctx: SentenceContext, person: Mention) -> bool:
    roles = ctx.kb.roles_of.get(person.entity.id, [])
    if any(
        r.role in ("head_coach", "president", "chairman", "owner", "sporting_director", "director")
        for r in roles
        if r.active_on(ctx.article.article.published)
    ):
        return False
    if any(r.role in ("head_coach", "interim_coach") for r in roles) or described_as_coach(ctx, person):
        return False
    prev = ctx.doc[person.start - 1].lower_ if person.start > 0 else ""
    return prev not in ("manager", "coach", "boss", "president", "chairman", "director", "owner", "under")


def _clubs_around(ctx: SentenceContext, player: Mention) -> tuple[Entity | None, Entity | None]:
    """(buying club, selling club) for a player in this sentence."""
    doc = ctx.doc
    buyer = seller = None
    for m in ctx.teams():
        if m.entity.kind != "club" and m.kind != "club":
            continue
        prev = doc[m.start - 1].lower_ if m.start > 0 else ""
        after = doc[m.end].text if m.end < len(doc) else ""
        if prev == "from" or (
            after in ("'s", "’s") and m.end + 1 <= player.start and player.start - m.end <= 6
        ):
            seller = seller or m.entity
        elif prev in ("to", "for", "join", "joining", "at") and m.start > player.start:
            buyer = buyer or m.entity
    subj = None
    for tok in ctx.span:
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.head.dep_ == "ROOT":
            subj = ctx.mention_of(tok)
            break
    if subj is not None and subj.is_team and buyer is None and subj.entity is not seller:
        buyer = subj.entity
    if buyer is None:
        clubs = [m.entity for m in ctx.teams() if m.entity.kind == "club" and m.entity is not seller]
        if clubs:
            buyer = clubs[0]
    return buyer, seller


def extract(ctx: SentenceContext) -> list[Draft]:
    out: list[Draft] = []
    text = ctx.span.text
    players = [p for p in ctx.people() if _is_player(ctx, p)]
    if players:
        out.extend(_transfers(ctx, players, text))
    out.extend(_needs(ctx, text))
    return out


def _transfers(ctx: SentenceContext, players: list[Mention], text: str) -> list[Draft]:
    out: list[Draft] = []
    stage = None
    for value, pattern in STAGE_PATTERNS:
        if pattern.search(text):
            stage = value
            break
    if stage is None:
        return out
    trigger = _trigger(ctx)
    for player in players:
        buyer, seller = _clubs_around(ctx, player)
        if stage == "departure":
            club = seller or buyer or _club_of(ctx, player)
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
        if buyer is None or (seller is not None and buyer.id == seller.id):
            continue
        polarity = "affirmed"
        if re.search(
            r"\b(pulled out of|dismissed suggestions|ruled out|not interested|no interest|"
            r"will not sign|won't sign|denied)\b",
            text,
            re.I,
        ):
            polarity = "negated"
        draft = Draft("transfer", player.entity, buyer, stage, trigger, polarity=polarity, counterpart=seller)
        out.append(draft)
        rival = _rival(ctx, player)
        if rival is not None and rival.id != buyer.id:
            out.append(Draft("transfer", player.entity, rival, "interest", trigger, counterpart=seller))
    return out


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


def _needs(ctx: SentenceContext, text: str) -> list[Draft]:
    """ "in the market for a new striker", "considering signing a right-back", "a new first team manager"."""
    out: list[Draft] = []
    need = NEED_PAT.search(text)
    if not need:
        return out
    tail = text[need.start() :]
    position = _position(tail)
    if position is None and ctx.previous is not None and re.search(r"\b(priority|it is their)\b", text, re.I):
        position = _position(ctx.previous.text)
    if position is None:
        return out
    if position == "manager" and not re.search(r"\b(new|replacement|successor|permanent)\b", tail, re.I):
        return out
    club = None
    for tok in ctx.span:
        if tok.dep_ in ("nsubj", "nsubjpass"):
            m = ctx.mention_of(tok)
            if m and m.is_team:
                club = m.entity
                break
    if club is None:
        teams = [m for m in ctx.teams() if m.entity.kind == "club"]
        club = teams[0].entity if teams else ctx.focus_club()
    if club is None:
        return out
    subj = verb_subject(ctx.span.root)
    del subj
    trigger = next((t for t in ctx.span if t.idx - ctx.span.start_char >= need.start()), None)
    modality = "fact"
    if re.search(r"\b(considering|consider|could|may|might|option)\b", text, re.I):
        modality = "possible"
    elif re.search(r"\b(will|shortly|plan|set to|expected)\b", text, re.I):
        modality = "expected"
    out.append(Draft("squad_need", club, None, position, trigger, modality=modality))
    return out
