"""Who the report says is the source of a sentence: one pass shared by every claim family.

"sources told ESPN" → sources; "say Marca" and "(Marca)" → Marca; "according to
The Athletic" → The Athletic; "ESPN reported in October" → ESPN; "a club
statement read" → the club. "They also say that ..." carries the source of the
sentence before. An outlet citing another: the cited one is the attribution,
the publisher stays the outlet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Token

from dugout.extract.context import SentenceContext

REPORT_VERBS = {
    "say",
    "report",
    "claim",
    "tell",
    "reveal",
    "understand",
    "believe",
    "suggest",
    "insist",
    "confirm",
    "add",
    "state",
    "write",
    "explain",
    "indicate",
    "announce",
    "note",
    "learn",
}
SOURCE_WORDS = {"source", "sources", "insider", "insiders", "report", "reports", "media", "outlet"}
CLUB_STATEMENT = re.compile(
    r"\b(statement|announced|announcement|official website|said in a statement|"
    r"club said|confirmed)\b",
    re.IGNORECASE,
)
EXECUTIVE_TITLES = {"president", "chairman", "chief", "ceo", "director", "owner", "board"}


@dataclass(frozen=True)
class Attribution:
    """The source of a sentence and what kind of source it is (which decides reported vs fact)."""

    source: str
    kind: str  # "sources", "outlet", "person", "club", "reports"

    @property
    def makes_reported(self) -> bool:
        return self.kind != "club"


def sentence_attribution(ctx: SentenceContext, carried: Attribution | None) -> Attribution | None:
    """The attribution stated in this sentence, or the one carried from the sentence before.

    Read in order of how plainly a source is named: a bracketed outlet tag, then a reporting verb
    and its subject or object, then phrases that point at reports, sources or a club statement."""
    return (
        _bracketed_outlet(ctx)
        or next((a for tok in ctx.span if (a := _verb_attribution(ctx, tok, carried))), None)
        or _phrase_attribution(ctx)
    )


def _bracketed_outlet(ctx: SentenceContext) -> Attribution | None:
    """ "(Marca)" at the end of a sentence or tweet."""
    for m in ctx.mentions:
        if m.kind != "outlet":
            continue
        before = ctx.doc[m.start - 1].text if m.start > 0 else ""
        after = ctx.doc[m.end].text if m.end < len(ctx.doc) else ""
        if before == "(" and after == ")":
            return Attribution(m.name, "outlet")
    return None


def _verb_attribution(ctx: SentenceContext, tok: Token, carried: Attribution | None) -> Attribution | None:
    """The source a reporting word names: "according to X", "X said", "say Marca", "it is understood"."""
    lemma = tok.lemma_.lower()
    if lemma == "accord" and tok.i + 1 < len(ctx.doc) and ctx.doc[tok.i + 1].lower_ == "to":
        return _according_to(ctx, tok)
    if lemma not in REPORT_VERBS:
        return None
    for s in (c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")):
        found = _subject_attribution(ctx, s, lemma, carried)
        if found is not None:
            return found
    for o in (c for c in tok.children if c.dep_ in ("dobj", "dative", "pobj")):
        m = ctx.mention_of(o)
        if m and m.kind == "outlet" and any(c.lower_ in SOURCE_WORDS for c in ctx.span):
            return Attribution("sources", "sources")
    for c in tok.children:  # "say Marca" (inverted)
        m = ctx.mention_of(c)
        if m and m.kind == "outlet" and c.dep_ in ("nsubj", "dobj", "npadvmod", "attr"):
            return Attribution(m.name, "outlet")
    if (
        lemma in ("understand", "believe")
        and tok.tag_ == "VBN"
        and any(c.dep_ == "nsubjpass" for c in tok.children)
    ):
        return Attribution("reports", "reports")
    return None


def _according_to(ctx: SentenceContext, tok: Token) -> Attribution:
    after = ctx.mention_of(ctx.doc[tok.i + 2]) if tok.i + 2 < len(ctx.doc) else None
    if after and after.kind == "outlet":
        return Attribution(after.name, "outlet")
    if after and after.kind == "person":
        return Attribution(after.name, "person")
    return Attribution("reports", "reports")


SPEECH_VERBS = ("say", "insist", "reveal", "claim", "admit", "tell", "explain", "confirm", "add")
"""Verbs whose subject, a person, is the one speaking."""


def _subject_attribution(
    ctx: SentenceContext, s: Token, lemma: str, carried: Attribution | None
) -> Attribution | None:
    """The source a reporting verb's subject is: sources, an outlet, a club, "they" carried over, a person."""
    if s.lower_ in SOURCE_WORDS or s.lemma_.lower() in ("source", "insider"):
        return Attribution("sources", "sources")
    m = ctx.mention_of(s)
    if m and m.kind == "outlet":
        return Attribution(m.name, "outlet")
    if m and m.kind == "club" and CLUB_STATEMENT.search(ctx.span.text):
        return Attribution(m.name, "club")
    if s.lower_ == "they" and carried is not None and lemma in ("say", "report", "claim", "add"):
        return carried
    if m and m.kind == "person" and lemma in SPEECH_VERBS:
        return Attribution(m.name, "club" if _is_executive(ctx, m) else "person")
    return None


_OTHER_REPORTS = re.compile(
    r"\b(other reports|others that have (?:emerged|appeared)|reports elsewhere|contradicts? others)\b"
)
_REPORTS = re.compile(
    r"\b(reportedly|as (?:previously |first )?reported|as revealed|it is understood|it is believed|"
    r"rumou?red|reports (?:in|from|claim|suggest)|"
    r"local media|according to reports)\b"
)


def _phrase_attribution(ctx: SentenceContext) -> Attribution | None:
    """Sources named by a phrase, not a verb's arguments: "reportedly", "sources told", a club statement."""
    text = ctx.span.text
    lower = text.lower()
    if _OTHER_REPORTS.search(lower):  # "this report does contradict others that have emerged"
        return Attribution("other reports", "reports")
    if _REPORTS.search(lower):
        return Attribution("reports", "reports")
    if re.search(r"\bsources?\b", lower) and (
        "told" in lower or "telling" in lower or "say" in lower or "said" in lower or "indicate" in lower
    ):
        return Attribution("sources", "sources")
    if CLUB_STATEMENT.search(text) and ctx.teams():
        return Attribution(ctx.teams()[0].name, "club")
    return None


def _is_executive(ctx: SentenceContext, mention) -> bool:
    doc = ctx.doc
    window = doc[max(mention.start - 3, 0) : mention.start]
    return any(t.lower_ in EXECUTIVE_TITLES for t in window)


def carries_over(ctx: SentenceContext) -> bool:
    """Whether a sentence continues the report it follows ("They also say", "It adds")."""
    first = [t for t in ctx.span if not t.is_punct][:3]
    return any(t.lower_ in ("they", "it", "the", "report") for t in first) and any(
        t.lemma_ in ("say", "add", "report", "claim") for t in ctx.span
    )


SELF_REFERENCE = re.compile(
    r"\b(?:sources?|insiders?)\s+(?:have\s+|had\s+)?(?:told|telling|tell)\s+(?P<a>[A-Z][\w. ]{1,30}?)\b|"
    r"\b(?P<b>[A-Z][\w. ]{1,30}?)\s+(?:understands|can reveal|has learned|has learnt|revealed last)\b"
)
TWEET_SIGNATURE = re.compile(r"[—–-]\s*(?P<c>[^\n(—–]{2,40}?)\s*\(@\w+\)\s*[A-Z][a-z]+ \d{1,2}, \d{4}")


def infer_outlet(text: str, kb) -> str | None:
    """The publisher of a report that came without one, from how outlets write about themselves:
    "sources told ESPN", "The Athletic understands", or a signature of its own embedded tweet.
    Only a name the knowledge base knows as an outlet counts; the most frequent wins."""
    votes: dict[str, int] = {}
    for m in SELF_REFERENCE.finditer(text):
        name = (m.group("a") or m.group("b") or "").strip()
        for size in range(len(name.split()), 0, -1):
            candidate = " ".join(name.split()[:size])
            outlets = [e for e in kb.lookup(candidate) if e.kind == "outlet"]
            if outlets:
                votes[outlets[0].name] = votes.get(outlets[0].name, 0) + 2
                break
    for m in TWEET_SIGNATURE.finditer(text):
        outlets = [e for e in kb.lookup(m.group("c").strip()) if e.kind == "outlet"]
        if outlets:
            votes[outlets[0].name] = votes.get(outlets[0].name, 0) + 1
    return max(votes, key=votes.get) if votes else None


QUOTE_MARKS = ('"', "“", "‘", "'")


def attributions_of(resolved, kb) -> list[Attribution | None]:
    """The source of every sentence of a report, carried where the report goes on relaying it:
    a paragraph relaying a source keeps relaying it, a quoted paragraph goes on in the voice of
    the speaker named before it, and a "(Marca)" tag after a sentence is that sentence's source."""
    out: list[Attribution | None] = []
    carried: Attribution | None = None
    carried_here: Attribution | None = None
    speaking: Attribution | None = None
    previous = None
    sentences = resolved.sentences
    for index, view in enumerate(sentences):
        ctx = SentenceContext(view, resolved, kb, index, previous)
        attribution = sentence_attribution(ctx, carried)
        same_paragraph = previous is not None and previous.paragraph == view.paragraph
        if (
            attribution is None
            and carried is not None
            and (carries_over(ctx) or (same_paragraph and carried_here))
        ):
            attribution = carried
        opens_quote = view.text.lstrip()[:1] in QUOTE_MARKS
        if (
            attribution is None
            and speaking is not None
            and opens_quote
            and previous is not None
            and previous.paragraph in (view.paragraph, view.paragraph - 1)
        ):
            attribution = speaking
        if attribution is None and index + 1 < len(sentences):
            following = sentences[index + 1]
            if following.paragraph == view.paragraph and _source_tag(following):
                attribution = sentence_attribution(
                    SentenceContext(following, resolved, kb, index + 1, view), None
                )
        out.append(attribution)
        quoted = opens_quote or view.text.rstrip().endswith(":")
        if (
            attribution is not None
            and attribution.kind in ("person", "club")
            and (quoted or ":" in view.text)
        ):
            speaking = attribution
        elif not quoted:
            speaking = None
        if attribution is not None:
            carried = attribution
        carried_here = attribution
        previous = view
    return out


def _source_tag(view) -> bool:
    """A sentence that is only a source in brackets: "(Marca)"."""
    text = view.text.strip()
    return (
        text.startswith("(")
        and text.endswith(")")
        and len(text) < 40
        and any(m.kind == "outlet" for m in view.mentions)
    )
