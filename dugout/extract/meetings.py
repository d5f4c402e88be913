"""meeting: two parties meeting, planned or held.

"Florentino Perez will meet with head coach Carlo Ancelotti in the coming days"
(planned), "Perez and Ancelotti will meet" (planned), "had lunch with
Ancelotti" (held), "met with Real Madrid's hierarchy" (held, with the club),
"travel to Germany ... to meet with Borussia Dortmund" (planned, club to club).
"""

from __future__ import annotations

from spacy.tokens import Token

from dugout.extract.context import Draft, SentenceContext, negated, previous_person, verb_subject
from dugout.kb.model import Entity
from dugout.nlp.entities import Mention
from dugout.nlp.timex import time_in

MEET_LEMMAS = {"meet", "lunch", "dine", "talk", "sit", "speak"}
TALK_CUES = {
    "talk",
    "discuss",
    "negotiate",
    "negotiation",
    "representative",
    "official",
    "hierarchy",
    "board",
    "agent",
    "deal",
    "offer",
    "bid",
    "director",
    "executive",
}
BALL_WORDS = {
    "pass",
    "cross",
    "corner",
    "ball",
    "delivery",
    "header",
    "free-kick",
    "shot",
    "centre",
    "through-ball",
}
FUTURE_MARKS = {
    "will",
    "shall",
    "plan",
    "set",
    "expect",
    "to",
    "due",
    "going",
    "would",
    "schedule",
    "arrange",
}


def _party(ctx: SentenceContext, token: Token | None) -> list[Mention]:
    """The parties a phrase names: a mention, conjoined mentions, or the club of "X's hierarchy"."""
    if token is None:
        return []
    if token.lower_ in ("me", "i") and ctx.speaker is not None:  # "today Gordon met with me", quoted
        return [Mention(token.i, token.i + 1, token.text, ctx.speaker, "person", via="speaker")]
    found: list[Mention] = []
    for t in [token, *[c for c in token.subtree if c.dep_ in ("conj", "poss", "compound")]]:
        m = ctx.mention_of(t)
        if m and (m.kind in ("person", "club", "national_team")) and m not in found:
            found.append(m)
    if not found and token.lower_ in ("members", "hierarchy", "board", "officials", "representatives"):
        for t in token.subtree:
            m = ctx.mention_of(t)
            if m and m.is_team:
                found.append(m)
    return found


def _subject_parties(ctx: SentenceContext, verb: Token) -> list[Mention]:
    subj = verb_subject(verb)
    found = _party(ctx, subj)
    if not found and subj is not None and subj.lower_ in ("members", "hierarchy", "officials", "they"):
        # "members of the club's hierarchy" → the club in focus
        focus = ctx.focus_club()
        if focus is not None:
            found = [Mention(subj.i, subj.i + 1, subj.text, focus, "club", via="focus")]
    if not found and subj is not None and subj.lower_ in ("he", "she"):
        found = [m for m in (previous_person(ctx, subj),) if m is not None]
    return found


def extract(ctx: SentenceContext) -> list[Draft]:
    out: list[Draft] = []
    published = ctx.article.article.published
    for tok in ctx.span:
        lemma = tok.lemma_.lower()
        if lemma not in MEET_LEMMAS:
            continue
        if lemma == "talk" and tok.pos_ != "VERB" and not any(c.lower_ == "with" for c in tok.children):
            continue
        if lemma == "sit" and not any(c.lower_ == "down" for c in tok.children):
            continue
        if lemma == "speak" and not any(c.lower_ == "with" for c in tok.children):
            continue  # "spoke with Dickov" is a meeting; "spoke to the media" is not
        if lemma == "meet" and tok.pos_ not in ("VERB",):
            continue
        after = ctx.doc[tok.i + 1 : min(tok.i + 7, ctx.span.end)]
        if lemma == "meet" and any(t.lemma_.lower() in BALL_WORDS for t in after):
            continue  # "the Argentinian met Marcus Rashford's angled pass": a ball, not a meeting
        left = _subject_parties(ctx, tok)
        with_ = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "with"), None)
        obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
        right: list[Mention] = []
        if with_ is not None:
            pobj = next((c for c in with_.children if c.dep_ == "pobj"), None)
            right = _party(ctx, pobj)
        elif obj is not None:
            right = _party(ctx, obj)
        if lemma == "lunch" and not right:
            for c in [*tok.subtree, *tok.head.children]:
                if c.lower_ == "with":
                    right = _party(ctx, next((x for x in c.children if x.dep_ == "pobj"), None))
        if lemma == "lunch" and tok.head.lemma_ == "have":
            left = left or _subject_parties(ctx, tok.head)
        pairs: list[tuple[Entity, Entity]] = []
        if left and right:
            pairs = [(left[0].entity, right[0].entity)]
        elif len(left) >= 2:
            pairs = [(left[0].entity, left[1].entity)]
        if not pairs:
            continue
        a, b = pairs[0]
        if a.id == b.id:
            continue
        if (
            a.kind in ("club", "national_team")
            and b.kind in ("club", "national_team")
            and not (TALK_CUES & {t.lemma_.lower() for t in ctx.span} or tok.tag_ == "VB")
        ):
            continue  # "Madrid and City have met in the knockout stages": a fixture, not a meeting
        future = any(t.lemma_.lower() in FUTURE_MARKS for t in [*tok.children, tok.head]) or tok.tag_ == "VB"
        value = "planned" if future else "held"
        when = time_in(ctx.span, published)
        modality = "expected" if value == "planned" else "fact"
        out.append(
            Draft(
                "meeting",
                a,
                b,
                value,
                tok,
                when=when,
                modality=modality,
                polarity="negated" if negated(tok) else "affirmed",
            )
        )
    return out
