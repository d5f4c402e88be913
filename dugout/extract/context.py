"""What every claim family sees of a sentence, and the small parse helpers they share.

Families find a trigger (a verb or noun that says "sacked", "bid", "4-0
defeat") and then look for its parties among the sentence's resolved
mentions, preferring the dependency parse and falling back to proximity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from dugout.kb.index import KnowledgeBase
from dugout.kb.model import Entity
from dugout.nlp.entities import Mention, ResolvedArticle, SentenceView


@dataclass
class Draft:
    """A claim before the shared passes: parties, value and the token that triggered it.

    `modality` is a floor set by the family where the construction itself says
    how firm it is ("options" are possible); the shared pass can only weaken it.
    """

    type: str
    subject: Entity
    object: Entity | None
    value: str | None
    trigger: Token | None
    polarity: str = "affirmed"
    modality: str = "fact"
    when: str | None = None
    competition: str | None = None
    counterpart: Entity | None = None
    attributed: bool = True
    cue_free: bool = False
    """The construction already accounts for the cue words around it ("no plans to sack" is secure,
    not an expected sacking), so the modality pass only applies attribution."""
    score: float = 0.8
    extra: dict = field(default_factory=dict)


@dataclass
class SentenceContext:
    """One sentence with its neighbours, the report and the knowledge base."""

    view: SentenceView
    article: ResolvedArticle
    kb: KnowledgeBase
    index: int
    previous: SentenceView | None
    speaker: Entity | None = None
    """The named person the sentence is quoted from, if any: who "me" and "I" are."""

    @property
    def span(self) -> Span:
        return self.view.span

    @property
    def doc(self):
        return self.view.span.doc

    @property
    def mentions(self) -> list[Mention]:
        return self.view.mentions

    def people(self) -> list[Mention]:
        return [m for m in self.view.mentions if m.kind == "person"]

    def teams(self) -> list[Mention]:
        return [m for m in self.view.mentions if m.is_team]

    def lemmas(self) -> set[str]:
        return {t.lemma_.lower() for t in self.span}

    def mention_of(self, token: Token | None) -> Mention | None:
        if token is None:
            return None
        return self.view.mention_at(token)

    def focus_club(self) -> Entity | None:
        return self.article.focus_club()


def subtree_mentions(ctx: SentenceContext, token: Token, kinds: tuple[str, ...]) -> list[Mention]:
    """Mentions of the given kinds inside a token's subtree, in order."""
    left, right = token.left_edge.i, token.right_edge.i
    return [m for m in ctx.mentions if m.kind in kinds and left <= m.start and m.end - 1 <= right]


def head_mention(ctx: SentenceContext, token: Token | None, kinds: tuple[str, ...]) -> Mention | None:
    """The mention a phrase headed by `token` stands for: the head itself, a compound or
    possessor inside it ("Madrid's defeat"), or a conjoined name ("Perez and Ancelotti")."""
    if token is None:
        return None
    m = ctx.mention_of(token)
    if m and m.kind in kinds:
        return m
    for child in token.children:
        if child.dep_ in ("compound", "poss", "appos", "nmod", "amod"):
            m = ctx.mention_of(child)
            if m and m.kind in kinds:
                return m
    inside = subtree_mentions(ctx, token, kinds)
    if inside and token.dep_ not in ("ROOT",):
        return inside[0]
    return None


def children(token: Token, *deps: str) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def verb_subject(token: Token) -> Token | None:
    """The subject of a verb, climbing through auxiliaries, xcomp/conj chains and relative clauses."""
    t = token
    for _ in range(4):
        subj = children(t, "nsubj", "nsubjpass", "csubj")
        if subj:
            s = subj[0]
            appos = children(s, "appos")
            if appos and s.pos_ != "PROPN":  # "date 2023-06-12 Peter Bosz has ...": the name in apposition
                return appos[0]
            if s.lower_ in ("who", "which", "that") and t.dep_ == "relcl":
                return t.head
            return s
        if t.dep_ == "relcl":
            return t.head
        if t.dep_ == "acl" and t.head.pos_ == "NOUN":
            poss = children(t.head, "poss")
            if poss:
                return poss[0]
        if t.dep_ in ("pcomp", "pobj") and t.head.dep_ == "prep" and t.head.head is not t.head:
            t = t.head.head  # "before being fired": the subject of the clause the phrase hangs on
            continue
        if t.dep_ in ("xcomp", "conj", "advcl", "acl", "ccomp", "acomp") and t.head is not t:
            t = t.head
            continue
        break
    return None


def verb_object(token: Token) -> Token | None:
    objs = children(token, "dobj", "attr", "oprd")
    return objs[0] if objs else None


def prep_object(token: Token, *preps: str) -> Token | None:
    """The object of a preposition attached to a token ("sacked by Palermo": by → Palermo)."""
    for child in token.children:
        if child.dep_ in ("prep", "agent", "dative") and child.lower_ in preps:
            objs = children(child, "pobj")
            if objs:
                return objs[0]
    return None


def is_passive(token: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in token.children)


def negated(token: Token) -> bool:
    """A negation on the token or on the verb it hangs from ("not in danger", "have not been")."""
    if any(c.dep_ == "neg" for c in token.children):
        return True
    head = token.head
    return head is not token and head.pos_ in ("VERB", "AUX") and any(c.dep_ == "neg" for c in head.children)


def nearest(mentions: list[Mention], token: Token, exclude: set[str] | None = None) -> Mention | None:
    """The mention closest to a token, skipping excluded entity ids."""
    best, distance = None, 10**6
    for m in mentions:
        if exclude and m.entity.id in exclude:
            continue
        d = min(abs(m.start - token.i), abs(m.end - 1 - token.i))
        if d < distance:
            best, distance = m, d
    return best


def phrase_in(span: Span, *phrases: str) -> bool:
    text = " " + span.text.lower().replace("’", "'") + " "
    return any(f" {p} " in text or f" {p}," in text or f" {p}." in text for p in phrases)


COACH_WORDS = {"manager", "coach", "boss", "managers", "coaches"}


def described_as_coach(ctx: SentenceContext, person: Mention) -> bool:
    """Whether the knowledge base or the report itself makes this person a coach."""
    if any(r.role in ("head_coach", "interim_coach") for r in ctx.kb.roles_of.get(person.entity.id, [])):
        return True
    if person.entity.id in ctx.article.coached:
        return True
    return titled_in_report(ctx, person, COACH_WORDS | SACKED_WORDS)  # "the sacked Juan Manuel Lillo"


SACKED_WORDS = {"sacked", "fired", "axed", "dismissed", "ousted"}
EXECUTIVE_WORDS = {
    "president",
    "chairman",
    "chair",
    "owner",
    "ceo",
    "executive",
    "director",
    "chief",
    "board",
    "co-owner",
    "vice-president",
}


def described_as_executive(ctx: SentenceContext, person: Mention) -> bool:
    """Whether the knowledge base or the report makes this person a club executive (not a player)."""
    if any(
        r.role in ("president", "chairman", "owner", "sporting_director", "director", "board_member")
        for r in ctx.kb.roles_of.get(person.entity.id, [])
    ):
        return True
    return titled_in_report(ctx, person, EXECUTIVE_WORDS, reach=3)


def titled_in_report(ctx: SentenceContext, person: Mention, titles: set[str], reach: int = 1) -> bool:
    """Whether any mention of the person in the report has one of these titles just before it or in
    an apposition after it ("manager X", "X, the Chelsea boss")."""
    for view in ctx.article.sentences:
        for m in view.mentions:
            if m.entity.id == person.entity.id and m.start > view.span.start:
                doc = view.span.doc
                before = doc[max(m.start - reach, view.span.start) : m.start]
                if any(t.lower_ in titles for t in before):
                    return True
                if (
                    m.end + 2 < len(doc)
                    and doc[m.end].text == ","
                    and any(t.lower_ in titles for t in doc[m.end + 1 : min(m.end + 6, len(doc))])
                ):
                    return True
    return False


def kb_team(ctx: SentenceContext, person: Entity) -> Entity | None:
    """The team the knowledge base has this person coaching at the report's date; for an undated
    report, the most recent of his teams that the report mentions."""
    roles = [r for r in ctx.kb.roles_of.get(person.id, []) if r.role in ("head_coach", "interim_coach")]
    published = ctx.article.article.published
    if published:
        for role in roles:
            if role.active_on(published):
                return ctx.kb.entities.get(role.organisation)
        return None
    mentioned = {m.entity.id for view in ctx.article.sentences for m in view.mentions if m.is_team}
    for role in sorted(roles, key=lambda r: r.start or "", reverse=True):
        if role.organisation in mentioned:
            return ctx.kb.entities.get(role.organisation)
    return None


RESULT_WORDS = {
    "victory",
    "win",
    "defeat",
    "loss",
    "draw",
    "triumph",
    "rout",
    "thrashing",
    "beating",
    "beat",
    "lose",
    "lost",
    "drew",
    "won",
}


def opponents(ctx: SentenceContext) -> set[str]:
    """Ids of the teams the sentence names only as someone's opponents ("a 2-1 victory over
    struggling Fulham at Craven Cottage", "defeat to Walsall"): not the club a title or a pressure
    belongs to."""
    doc = ctx.doc
    found: set[str] = set()
    for m in ctx.teams():
        k = m.start - 1
        while k > ctx.span.start and (doc[k].pos_ in ("ADJ", "DET") or doc[k].tag_ == "VBG"):
            k -= 1  # "over struggling Fulham", "against the in-form Leeds"
        if k <= ctx.span.start or doc[k].lower_ not in ("over", "against", "to", "by", "beat", "beating"):
            continue
        window = {t.lemma_.lower() for t in doc[max(ctx.span.start, k - 3) : k + 1]} | {
            t.lower_ for t in doc[max(ctx.span.start, k - 3) : k + 1]
        }
        if window & RESULT_WORDS:
            found.add(m.entity.id)
    return found


def previous_person(ctx: SentenceContext, pronoun: Token) -> Mention | None:
    """The first person the sentence before names, as a mention placed on `pronoun` ("He was
    appointed ..."): the sentence before may be another paragraph's Doc, so its own positions would
    index the wrong one."""
    prev = ctx.previous
    people = [m for m in prev.mentions if m.kind == "person"] if prev is not None else []
    if not people:
        return None
    return Mention(pronoun.i, pronoun.i + 1, pronoun.text, people[0].entity, "person", via="pronoun")
