"""Candidate claims: every pairing of parties a sentence could be making a claim about.

One function, `candidates_of`, feeds both prediction and the gold labels used in
training, so training rows and prediction rows cannot drift apart (the shape of
spaCy's relation tutorial `get_instances`). It decides nothing: it proposes, and
the trained model (`dugout.extract.model`) decides which proposals are claims.

Football copy often leaves one party unnamed in the sentence that carries the
claim ("Unai Emery's men", "the hosts", a manager's club known from the report),
so a person is also paired with teams implied by the report: the teams of the
sentence before, the report's focus teams, and the teams the knowledge base
knows him at; and a sentence naming teams but nobody pairs them with the person
it leans on (the first person of the sentence before, else the report's main
person). Two teams are paired when the sentence names both, and where it
reports a result ("lost 2-1 to Arsenal", "beating Denmark") one named team is
also paired with the report's main teams and the teams of the sentence before.
Each proposal says where its parties came from (`Party.source`), and that is a
feature like any other. A person is paired with the side of a club or country
(men's or women's) the knowledge base knows him at, where it knows him at one
only and the report's reading of the side says the other (`kb_side`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from dugout.extract.scores import scores_in
from dugout.kb.index import KnowledgeBase
from dugout.kb.model import Entity
from dugout.nlp.entities import Mention, ResolvedArticle, SentenceView
from dugout.records import POSITION_WORDS

KINDS = ("person_team", "person_person", "team_team", "team_need")
"""What a candidate pairs: a person and a team (or a federation: "Spanish FA president Luis
Rubiales"), two people, two teams, or a team and a position."""

TYPES_OF_KIND: dict[str, tuple[str, ...]] = {
    "person_team": (
        "coach_of",
        "holds_role",
        "job_status",
        "contract_until",
        "candidate_for",
        "transfer",
        "meeting",
    ),
    "person_person": ("meeting",),
    "team_team": ("match_result", "meeting"),
    "team_need": ("squad_need",),
}
"""The claim types a candidate of each kind can become (spec/claims.md's subject and object columns)."""

FOCUS_CLUBS = 2
"""How many of the report's most-named teams are offered as an implied party."""


@dataclass(frozen=True)
class Party:
    """One side of a candidate: the entity, the mention that names it here (None when implied),
    and where it came from: "here" (this sentence), "before" (the sentence before), "focus"
    (a team or person the report is about), "kb" (the knowledge base's teams of the person)."""

    entity: Entity
    mention: Mention | None
    source: str


@dataclass(frozen=True)
class Candidate:
    """A proposed claim: a sentence of a report and the parties it may be about.

    For `team_need`, `object` is None and `position` is the position the sentence names
    (with `position_at`, the token index of its word). For `team_team` in a sentence that
    gives several scores ("lost the first leg 2-1 and the second 1-0"), `score` is the one this
    candidate reads, as (character offset in the sentence, first number, second number): each
    score is a result of its own, so each gets its candidate."""

    doc: str
    sentence: int
    kind: str
    subject: Party
    object: Party | None
    position: str | None = None
    position_at: int | None = None
    score: tuple[int, int, int] | None = None

    @property
    def types(self) -> tuple[str, ...]:
        return TYPES_OF_KIND[self.kind]


def is_team(mention: Mention) -> bool:
    """A club or national team, or a country named as a place ("lost to Australia")."""
    return mention.is_team or (mention.kind == "place" and mention.entity.kind == "national_team")


def _first_mentions(mentions: list[Mention], want) -> list[Mention]:
    """One mention per entity (its first in the sentence), of the wanted kind."""
    seen: set[str] = set()
    out = []
    for m in mentions:
        if want(m) and m.entity.id not in seen:
            seen.add(m.entity.id)
            out.append(m)
    return out


def focus_clubs(resolved: ResolvedArticle, n: int = FOCUS_CLUBS) -> list[Entity]:
    """The report's most-named clubs (its address's club when it names none)."""
    return _most_named(resolved, lambda m: m.kind == "club", n)


def focus_teams(resolved: ResolvedArticle, n: int = FOCUS_CLUBS) -> list[Entity]:
    """The report's most-named teams, clubs or national teams (its address's club when it names
    none): the implied sides a national team's report leans on as much as a club's."""
    return _most_named(resolved, is_team, n)


def _most_named(resolved: ResolvedArticle, want, n: int) -> list[Entity]:
    counts = Counter(m.entity.id for s in resolved.sentences for m in s.mentions if want(m))
    teams = [resolved.entities[i] for i, _ in counts.most_common(n) if i in resolved.entities]
    if not teams and resolved.url_club is not None:
        teams = [resolved.url_club]
    return teams


def focus_person(resolved: ResolvedArticle) -> Entity | None:
    """The person the report names most (by name, not by pronoun), if anyone."""
    counts = Counter(
        m.entity.id for s in resolved.sentences for m in s.mentions if m.kind == "person" and m.via == "name"
    )
    return resolved.entities.get(counts.most_common(1)[0][0]) if counts else None


def kb_side(kb: KnowledgeBase, person: Entity, team: Entity, published: str | None) -> Entity:
    """The side of a club or country the knowledge base knows this person at, where the report's
    reading of the side disagrees: a report judged to be about the women's game still names the
    men's side of a coach known only there ("Gregg Berhalter" and "United States"), and a men's
    report the women's side of one known only at it. A person known at both sides, or at
    neither, keeps the report's reading (`dugout.nlp.womens`)."""
    return _side_for(kb, held_at(kb, person, published), team)


def held_at(kb: KnowledgeBase, person: Entity, published: str | None) -> dict[str, None]:
    """The ids of the organisations the knowledge base knows this person at by the report's date,
    in the order it lists his roles (a dict used as an ordered set)."""
    return dict.fromkeys(role.organisation for role in kb.roles_known(person.id, published))


def _side_for(kb: KnowledgeBase, held: dict[str, None], team: Entity) -> Entity:
    """`kb_side` for a person whose organisations (`held_at`) are already read: a sentence pairs
    one person with several teams, and his roles are read once for all of them."""
    if not held or team.id in held:
        return team
    if team.subkind == "women" and team.parent in held:
        return kb.entities.get(team.parent, team)
    women = kb.side_of(team, "women") if team.subkind in (None, "club", "national_team") else None
    return women if women is not None and women.id in held else team


def kb_teams(kb: KnowledgeBase, held: dict[str, None]) -> list[Entity]:
    """Teams among the organisations the knowledge base knows a person at (`held_at`), in any role."""
    teams = (kb.entities.get(organisation) for organisation in held)
    return [team for team in teams if team is not None and team.is_team]


_POSITION = re.compile(
    r"\b(" + "|".join(sorted((re.escape(w) for w in POSITION_WORDS), key=len, reverse=True)) + r")s?\b",
    re.IGNORECASE,
)


def positions_in(view: SentenceView) -> list[tuple[str, int]]:
    """(position, token index) for each position word of the sentence ("a right-back", "a new No 9"):
    its first occurrence, or the first that is not a title right before a name ("to sign
    right-back Joel Veltman ... and another right-back"): a need is a position, not a player."""
    found: dict[str, tuple[int, int]] = {}
    span = view.span
    names = {m.start for m in view.mentions if m.kind == "person"}
    for m in _POSITION.finditer(span.text):
        position = POSITION_WORDS[m.group(1).lower()]
        token = span.char_span(m.start(), m.end(), alignment_mode="expand")
        at, end = (token.start, token.end) if token is not None else (span.start, span.start)
        if position not in found or (found[position][1] in names and end not in names):
            found[position] = (at, end)
    return [(position, at) for position, (at, _end) in found.items()]


class CandidateMaker:
    """Proposes the candidates of one resolved report (see the module docstring)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def __call__(self, resolved: ResolvedArticle) -> list[Candidate]:
        doc = resolved.article.id
        focus = focus_teams(resolved)
        star = focus_person(resolved)
        published = resolved.article.published
        out: list[Candidate] = []
        before: list[Mention] = []
        before_people: list[Mention] = []
        for index, view in enumerate(resolved.sentences):
            people = _first_mentions(view.mentions, lambda m: m.kind == "person")
            teams = _first_mentions(view.mentions, is_team)
            bodies = _first_mentions(view.mentions, lambda m: m.kind == "federation")
            out.extend(self._person_team(doc, index, people, teams + bodies, before, focus, published))
            if not people:
                implied = _implied_people(doc, index, teams, before_people, star)
                out.extend(self._kb_sides(implied, published))
            out.extend(_pairs(doc, index, "person_person", people))
            out.extend(_team_pairs(doc, index, view, teams, focus, before))
            out.extend(_needs(doc, index, view, teams, focus))
            before = teams
            before_people = people
        return out

    def _person_team(self, doc, index, people, teams, before, focus, published) -> list[Candidate]:
        out = []
        for person in people:
            implied = [(t.entity, t, "here") for t in teams]
            implied += [(m.entity, m, "before") for m in before]
            implied += [(club, None, "focus") for club in focus]
            held = held_at(self.kb, person.entity, published)
            implied += [(team, None, "kb") for team in kb_teams(self.kb, held)]
            parties: list[Party] = []
            seen: set[str] = set()
            for entity, mention, source in implied:
                entity = _side_for(self.kb, held, entity)
                if entity.id not in seen:
                    seen.add(entity.id)
                    parties.append(Party(entity, mention, source))
            subject = Party(person.entity, person, "here")
            out.extend(Candidate(doc, index, "person_team", subject, team) for team in parties)
        return out

    def _kb_sides(self, candidates: list[Candidate], published: str | None) -> list[Candidate]:
        """Each person–team candidate's team on the side the knowledge base knows the person at
        (`kb_side`)."""
        out = []
        held: dict[str, dict[str, None]] = {}  # per person, his organisations read once
        for c in candidates:
            person = c.subject.entity
            if person.id not in held:
                held[person.id] = held_at(self.kb, person, published)
            side = _side_for(self.kb, held[person.id], c.object.entity)
            out.append(c if side is c.object.entity else replace(c, object=replace(c.object, entity=side)))
        return out


def _implied_people(
    doc: str, index: int, teams: list[Mention], before: list[Mention], star: Entity | None
) -> list[Candidate]:
    """A sentence that names teams and nobody ("Napoli and Juventus are also interested") is about
    someone named before: the first person of the sentence before, else the report's main person.
    Implied parties carry no mention (`Party.mention` is None): their words are elsewhere."""
    people = [(m.entity, "before") for m in before[:1]]
    if not people and star is not None:
        people.append((star, "focus"))
    return [
        Candidate(doc, index, "person_team", Party(entity, None, source), Party(t.entity, t, "here"))
        for entity, source in people
        for t in teams
    ]


def _pairs(doc: str, index: int, kind: str, mentions: list[Mention]) -> list[Candidate]:
    """Every ordered-by-appearance pair of the sentence's mentions."""
    return [
        Candidate(doc, index, kind, Party(a.entity, a, "here"), Party(b.entity, b, "here"))
        for i, a in enumerate(mentions)
        for b in mentions[i + 1 :]
    ]


def _team_pairs(
    doc: str, index: int, view: SentenceView, teams: list[Mention], focus: list[Entity], before: list[Mention]
) -> list[Candidate]:
    """Teams of the sentence paired with each other; where the sentence reports a result ("they
    lost 2-1 to Arsenal", "beat", "a goalless draw"), each named team is also paired with the
    report's main teams and the teams of the sentence before ("... sacked after a 5-1 defeat to
    Barcelona"), the sides it leaves unnamed."""
    out = _pairs(doc, index, "team_team", teams)
    named = {t.entity.id for t in teams}
    implied = []
    if teams and reports_result(view):
        implied += [(e, "focus") for e in focus]
        implied += [(m.entity, "before") for m in before]
    for entity, source in implied:
        if entity.id in named:
            continue
        named.add(entity.id)
        main = Party(entity, None, source)
        out.extend(Candidate(doc, index, "team_team", main, Party(t.entity, t, "here")) for t in teams)
    scores = scores_in(view.text)
    if len(scores) > 1:
        return [replace(c, score=score) for c in out for score in scores]
    return out


RESULT_WORDS = re.compile(
    r"\b(?:beat(?:s|en|ing)?|w[io]n|wins|winning|winners?|los[et]|loses|losing|loss(?:es)?|"
    r"defeat(?:s|ed|ing)?|dr[ae]w[ns]?|drawing|victor(?:y|ies|ious)|thrash(?:es|ed|ing)?|"
    r"edg(?:e|es|ed|ing)|stun(?:s|ned|ning)?|rout(?:s|ed|ing)?|eliminat(?:e|es|ed|ing|ion)|"
    r"knock(?:s|ed|ing)?|hammer(?:s|ed|ing)?|down(?:s|ed|ing)|triumph(?:s|ed|ing)?|humbl(?:e|es|ed|ing)|"
    r"overc(?:o|a)me|overcoming|shock(?:s|ed|ing)?|upset(?:s|ting)?|exit(?:s|ed)?|dump(?:s|ed|ing)?|"
    r"scalps?|goalless|shoot-?outs?|results?|scor(?:e|es|ed|ing)|(?:take|takes|took|taken|taking) down)\b",
    re.IGNORECASE,
)
"""Words that report a match result ("beat", "drew", "a 5-1 defeat", "the scalps of")."""
_SCORE = re.compile(r"\b\d{1,2}\s?[-–]\s?\d{1,2}\b")


def reports_result(view: SentenceView) -> bool:
    """Whether the sentence reports a match result: a result word or a score."""
    return bool(RESULT_WORDS.search(view.text) or _SCORE.search(view.text))


def _needs(
    doc: str, index: int, view: SentenceView, teams: list[Mention], focus: list[Entity]
) -> list[Candidate]:
    """Each team of the sentence (or the report's main club) with each position it names."""
    positions = positions_in(view)
    if not positions:
        return []
    parties = [Party(t.entity, t, "here") for t in teams if t.kind == "club" or t.is_team]
    if focus and all(p.entity.id != focus[0].id for p in parties):
        parties.append(Party(focus[0], None, "focus"))
    return [
        Candidate(doc, index, "team_need", party, None, position, at)
        for party in parties
        for position, at in positions
    ]
