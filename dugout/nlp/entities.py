"""Entity mentions in a parsed report, resolved to knowledge-base entities or honest new ones.

The statistical model finds names but often mistypes them in football copy
("Shakhtar Donetsk" a person, "Ancelotti" an organisation). The knowledge base
decides the type of every name it knows; the model's guess is used only for
names the knowledge base lacks. Short forms are resolved in the report's
context: a surname to the full name met in the report, "Madrid" to the Madrid
club the report is about, "the Italian" to the Italian in focus.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process
from spacy.tokens import Span, Token

from dugout.ingest.clean import MONTH_NAMES, WEEKDAY_NAMES
from dugout.kb.index import KnowledgeBase
from dugout.kb.model import Entity, entity_id
from dugout.kb.names import GENERIC_WORDS, fold, fold_words
from dugout.nlp.pipeline import ParsedArticle
from dugout.nlp.womens import is_womens_report, side_cue, womens_side

NAME_JOINERS = {"-", "&", ".", "'", "’", "[", "]"}
"""Tokens a name runs through: "Brighton & Hove", "St. Pauli", and an editor's brackets in a
quote ("Simone [Inzaghi]", "[Matheus] Cunha")."""
NAME_PARTICLES = {
    "de",
    "del",
    "della",
    "dei",
    "degli",
    "la",
    "lo",
    "van",
    "von",
    "der",
    "den",
    "ter",
    "ten",
    "het",
    "op",
    "di",
    "da",
    "dos",
    "do",
    "du",
    "des",
    "and",
    "of",
    "y",
    "e",
    "le",
    "les",
    "el",
    "al",
    "bin",
    "st",
}
# Lower-case words inside a person's name ("Donny van de Beek", "Kevin De Bruyne"), not "and".
SURNAME_PARTICLES = NAME_PARTICLES - {"and", "of", "y", "e", "op", "het", "st", "les", "lo"}
PERSON_TITLES = {
    "coach",
    "manager",
    "boss",
    "midfielder",
    "striker",
    "forward",
    "defender",
    "winger",
    "goalkeeper",
    "keeper",
    "full-back",
    "fullback",
    "centre-back",
    "center-back",
    "right-back",
    "left-back",
    "captain",
    "president",
    "chairman",
    "director",
    "owner",
    "player",
    "star",
    "teenager",
    "youngster",
    "international",
    "playmaker",
    "wing-back",
    "attacker",
    "skipper",
    "counterpart",
    "assistant",
    "legend",
    "signing",
    "target",
    "veteran",
    "scorer",
    "goalscorer",
    "loanee",
    "ace",
    "frontman",
    "centre-forward",
    "stopper",
    "full",
    "back",
    "mr",
    "dr",
    "sir",
}
TEAM_WORDS_AFTER = {
    "boss",
    "coach",
    "manager",
    "job",
    "national",
    "team",
    "side",
    "squad",
    "head",
    "international",
    "players",
    "post",
    "role",
    "hotseat",
    "hot-seat",
    "bench",
    "dugout",
    "federation",
    "fa",
}
CLUBISH_WORDS = {
    "fc",
    "cf",
    "afc",
    "united",
    "city",
    "club",
    "athletic",
    "rovers",
    "wanderers",
    "albion",
    "town",
    "county",
    "sporting",
    "real",
    "deportivo",
    "olympique",
    "borussia",
    "dynamo",
    "dinamo",
    "inter",
    "racing",
    "atletico",
}
FOCUS_NOUNS = {"club", "giants", "side", "team", "outfit", "hosts", "visitors", "champions", "holders"}
PERSON_LABELS = {"PERSON"}
NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "FAC", "WORK_OF_ART", "LOC", "PRODUCT", "EVENT"}
FUZZY_THRESHOLD = 88
NON_PERSON_NOUNS = {
    "league",
    "leagues",
    "cup",
    "cups",
    "stadium",
    "park",
    "arena",
    "trophy",
    "award",
    "awards",
    "championship",
    "club",
    "academy",
    "ground",
    "road",
    "lane",
    "street",
    "city",
    "united",
}
PLAYER_MOVE_WORDS = {
    "exit",
    "loan",
    "leave",
    "sign",
    "signing",
    "transfer",
    "move",
    "deal",
    "bid",
    "fee",
    "join",
    "release",
}
PUBLIC_ROLES = {
    "head_coach",
    "interim_coach",
    "president",
    "chairman",
    "owner",
    "sporting_director",
    "director",
}
"""Posts whose holders football copy names by surname alone."""
EXECUTIVE_TITLE_ROLES = {"owner": "owner", "president": "president", "chairman": "chairman"}
PLAYER_POSITIONS = {
    "midfielder",
    "striker",
    "defender",
    "winger",
    "forward",
    "goalkeeper",
    "keeper",
    "full-back",
    "centre-back",
    "playmaker",
    "attacker",
}
PLAYER_NOUNS = PLAYER_POSITIONS | {
    "skipper",
    "captain",
    "loanee",
    "star",
    "talisman",
    "international",
    "ace",
    "youngster",
    "teenager",
    "frontman",
    "left-back",
    "right-back",
    "wing-back",
    "centre-back",
    "full-back",
}
"""Nouns that stand for a player when no name follows ("the Barca skipper", "the former loanee")."""
ROLE_ADJECTIVES = {
    "sporting",
    "technical",
    "football",
    "general",
    "executive",
    "managing",
    "chief",
    "commercial",
}
CALENDAR_WORDS = set(MONTH_NAMES) | set(WEEKDAY_NAMES)
ODD_POSSESSIVES = ("`s", "´s", "‘s")
"""Possessives typed with a backtick, an acute accent or an opening quote ("Arteta‘s men"), which
the tokenizer leaves stuck to the name."""
_SUBJECT = ("nsubj", "nsubjpass")
_OBJECT = ("dobj", "pobj", "dative")
PRONOUN_ROLES = {
    "he": _SUBJECT,
    "she": _SUBJECT,
    "his": ("poss",),
    "him": _OBJECT,
    "her": ("poss", *_OBJECT),
}
"""Personal pronouns resolved to the person in focus, in the roles the parse gives them: the
subject ("he was sacked"), the possessor ("his contract runs until 2026"), the object ("Chelsea
want him")."""


@dataclass
class Mention:
    """A name (or a reference standing for one) in a sentence, with the entity it denotes.

    `start`/`end` are token indices in the paragraph's Doc. `kind` is the
    entity's kind, or "place" for a country or city named as a place.
    """

    start: int
    end: int
    text: str
    entity: Entity
    kind: str
    via: str = "name"

    @property
    def name(self) -> str:
        return self.entity.name

    @property
    def is_team(self) -> bool:
        return self.kind in ("club", "national_team")


@dataclass
class SentenceView:
    """A sentence, its mentions and its exact text in the article."""

    paragraph: int
    span: Span
    start_char: int
    end_char: int
    text: str
    mentions: list[Mention] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind in kinds]

    def mention_at(self, token: Token) -> Mention | None:
        for m in self.mentions:
            if m.start <= token.i < m.end:
                return m
        return None


@dataclass
class ResolvedArticle:
    parsed: ParsedArticle
    sentences: list[SentenceView]
    entities: dict[str, Entity]
    surface: dict[str, list[str]]
    coached: dict[str, Entity] = field(default_factory=dict)
    """Person id → the team the report says he coaches now, filled before the other families run."""
    url_club: Entity | None = None
    """The club the report's address names ("/celtic-restructuring-plans-confirmed/"), for reports
    that only ever say "the club"."""
    coaches: set[str] = field(default_factory=set)
    """Ids of everyone the report makes a coach, past, present or coming (same time as `coached`)."""
    womens: bool = False
    """Whether the report is about women's football (`dugout.nlp.womens.is_womens_report`)."""

    @property
    def article(self):
        return self.parsed.article

    def focus_club(self) -> Entity | None:
        counts = Counter(m.entity.id for s in self.sentences for m in s.mentions if m.kind == "club")
        return self.entities[counts.most_common(1)[0][0]] if counts else self.url_club


_CAMEL = re.compile(r"[A-Z][a-z]+")


def _folded(token: Token) -> tuple[str, ...]:
    """A token's folded words; a camel-case hashtag ("#RealMadrid") splits into its words."""
    text = token.text.lstrip("#")
    if len(text) > 4 and text[-2:] in ODD_POSSESSIVES:
        text = text[:-2]  # "Tottenham`s", "Arteta‘s": a possessive the tokenizer left whole
    if text != token.text or (len(text) > 6 and re.fullmatch(r"(?:[A-Z][a-z]+){2,}", text)):
        parts = _CAMEL.findall(text)
        if len(parts) >= 2 and "".join(parts) == text:
            return tuple(p.lower() for p in parts)
    return fold_words(text)


def _whole_person(doc, span: Span, covered: set[int], absorbed: set[int]) -> Span:
    """A person's name as far as it goes: the model often stops one short ("Leonardo" of "Leonardo
    Balerdi", "Van" of "Van de Beek", "Gareth" of "Gareth Taylor‘s") or starts it with a title
    ("Defender Nico Schulz")."""
    end = span.end
    while end < len(doc) and end - span.start < 5 and end not in covered:
        tok = doc[end]
        odd = tok.text[-2:] in ODD_POSSESSIVES  # "Taylor‘s", whatever its tag
        if (tok.pos_ == "PROPN" or odd) and tok.text[:1].isupper() and _name_word(tok):
            end += 1
            if odd:
                break
        elif (
            tok.lower_ in SURNAME_PARTICLES
            and tok.is_lower
            and end + 1 < len(doc)
            and end + 1 not in covered
            and doc[end + 1].text[:1].isupper()
            and doc[end + 1].is_alpha
        ):
            end += 2  # "Van" + "de Beek"
        else:
            break
    start = span.start
    if start - 1 in absorbed:
        start -= 1
    while doc[start].lower_ in PERSON_TITLES and end - start > 2:
        start += 1  # "Defender Nico" + "Schulz" is Nico Schulz
    return doc[start:end]


def _name_word(token: Token) -> bool:
    """Letters only, a possessive stuck to it aside ("Taylor‘s")."""
    text = token.text
    return (text[:-2] if text[-2:] in ODD_POSSESSIVES else text).isalpha()


def _is_capitalized(token: Token) -> bool:
    text = token.text.lstrip("#")
    return text[:1].isupper() or text[:1].isdigit()


class Resolver:
    """Finds and resolves mentions in one parsed article against the knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._people_names = None

    # -- candidate spans ---------------------------------------------------------------

    def kb_matches(self, doc) -> list[tuple[int, int, list[str], bool]]:
        """Longest knowledge-base names at each position: (start, end, entity ids, weak).

        A weak match is an ordinary-looking word ("City" opening a sentence): kept only if the
        report names one of its entities in full elsewhere."""
        found: list[tuple[int, int, list[str], bool]] = []
        i, n = 0, len(doc)
        while i < n:
            tok = doc[i]
            if not _is_capitalized(tok) and tok.lower_ != "the":
                i += 1
                continue
            best = self._longest_at(doc, i)
            if best and tok.lower_ == "the" and i + 1 < n:
                inner = self._longest_at(doc, i + 1)
                if inner and inner[1] > best[1]:
                    best = inner  # "the FA Trophy" is the FA Trophy, not "the FA" and a trophy
            if best and best[1] < n and doc[best[1]].text in CLUB_SUFFIX_TAGS:
                best = (best[0], best[1] + 1, best[2])  # "Paris FC": its tag is part of what is written
            verdict = self._plausible(doc, *best) if best else False
            if best and verdict:
                found.append((*best, verdict == "weak"))
                i = best[1]
            else:
                i += 1
        return found

    def _longest_at(self, doc, i: int) -> tuple[int, int, list[str]] | None:
        """The longest knowledge-base name starting at token i: (start, end, entity ids)."""
        best = None
        words: list[str] = []
        j, n = i, len(doc)
        while j < n and j - i < 10:
            t = doc[j]
            if t.text in NAME_JOINERS and words and words != ["the"]:
                j += 1
                continue
            w = _folded(t)
            if not w:
                break
            if j > i and not (_is_capitalized(t) or t.lower_ in NAME_PARTICLES or t.text in ("'s", "’s")):
                break
            words.extend(w)
            ids = self.kb.aliases.get(tuple(words))
            if ids and not (len(words) == 1 and words[0] == "the"):
                best = (i, j + 1, ids)
            j += 1
        return best

    def _plausible(self, doc, start: int, end: int, ids: list[str]) -> bool | str:
        """Guard one-word matches against ordinary capitalised words ("Sport", "Real" at a sentence start)."""
        span = doc[start:end]
        core = span[1:] if span[0].lower_ == "the" else span
        if len(core) == 1 and self.kb.country_of_demonym(core[0].text) and not core[0].text.isupper():
            return False  # "the Spanish giants", "the Italian": references, resolved in context
        if len(span) > 1 and span[0].lower_ != "the":
            return True
        tok = span[-1]
        if tok.lower_ in {"the"} or tok.lower_ in CALENDAR_WORDS:
            return False
        if _in_place_name(tok):
            return False  # part of a longer place or event: "South America", "the Paris Olympics"
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        post = ("director", "officer") if tok.lower_ == "sporting" else ("director", "officer", "manager")
        if nxt is not None and tok.lower_ in ROLE_ADJECTIVES and nxt.lower_ in post:
            return False  # "Sporting Director" is a post, not Sporting CP ("Sporting manager" is his)
        if tok.ent_type_ == "PERSON" and any(self.kb.entities[i].kind != "person" for i in ids):
            ent = next((e for e in doc.ents if e.start <= tok.i < e.end), None)
            possessed = (
                any(t.text in ("'s", "’s") for t in doc[ent.start : tok.i]) if ent is not None else False
            )
            if (
                ent is not None
                and len(ent) > 1
                and not possessed
                and (ent.start == tok.i or not doc[ent.start].is_sent_start)
                and any(t.text[:1].isalpha() for t in ent if t.i != tok.i)  # not "Angers 4-2"
            ):
                return False  # "Donny" in "Donny van de Beek" is a first name, not Doncaster
        if all(self.kb.entities[i].kind == "person" for i in ids) and tok.i + 1 < len(doc):
            nxt = doc[tok.i + 1]
            if (
                nxt.pos_ == "PROPN"
                and nxt.text[:1].isupper()
                and nxt.is_alpha
                and not self.kb.aliases.get(_folded(nxt))
            ):
                return False  # "Leonardo Balerdi" is not the one-name Leonardo: a fuller name follows
        if tok.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"):
            return False
        kinds = {self.kb.entities[i].kind for i in ids}
        if kinds == {"outlet"} and tok.pos_ != "PROPN":
            return False
        if tok.is_sent_start and tok.pos_ not in ("PROPN",) and not tok.ent_type_:
            return "weak"
        if tok.pos_ == "VERB" and tok.text[:1].isupper() and any(self.kb.entities[i].is_team for i in ids):
            return True  # a team's name mid-sentence the tagger took for a verb ("a loss to Villarreal")
        return tok.pos_ in ("PROPN", "NOUN", "ADJ", "X") or bool(tok.ent_type_)

    # -- resolution ------------------------------------------------------------------

    def resolve(self, parsed: ParsedArticle) -> ResolvedArticle:
        sentences: list[SentenceView] = []
        raw: list[tuple[SentenceView, int, int, list[str] | None, str | None]] = []
        article = parsed.article
        for index, paragraph in enumerate(parsed.paragraphs):
            doc = paragraph.doc
            matches = self.kb_matches(doc)
            named_clubs = nickname_clubs(doc, matches)
            if named_clubs:  # "Raith Rovers" is not Blackburn's "Rovers", "Newcastle Jets" not Newcastle
                inside = inside_of(named_clubs)
                matches = [m for m in matches if not (m[0] in inside and m[1] - 1 in inside)]
            covered = set()
            for s, e, _, _weak in matches:
                covered.update(range(s, e))
            extra = []
            # Clubs the knowledge base lacks, by their form: "Chennaiyin FC", "FC Twente", "SV Elversberg".
            for start, end in [*named_clubs, *club_forms(doc, covered | inside_of(named_clubs))]:
                extra.append((start, end, None, "CLUB"))
                covered.update(range(start, end))
            # A first name the model typed apart from its surname ("Fergal" GPE + "Harkin" PERSON).
            absorbed = {
                ent.start - 1
                for ent in doc.ents
                if ent.label_ == "PERSON"
                and ent.start > 0
                and ent.start - 1 not in covered
                and any(
                    o.end == ent.start and len(o) == 1 and o.label_ in ("GPE", "ORG", "NORP", "LOC")
                    for o in doc.ents
                )
                and doc[ent.start - 1].is_alpha
                and doc[ent.start - 1].text[:1].isupper()
            }
            for ent in doc.ents:
                if ent.label_ not in NAME_LABELS or (len(ent) == 1 and ent.start in absorbed):
                    continue
                span = _trim(ent)
                if span is None or any(t.i in covered for t in span):
                    continue
                if not span[0].text[:1].isupper():
                    continue  # "midseason" is not a name
                # a name the model ran into a score is a team's ("beat Angers 4-2")
                label = "CLUB" if _SCORE_TOKENS.search(doc[span.end : ent.end].text) else ent.label_
                if label == "PERSON":
                    span = _whole_person(doc, span, covered, absorbed)
                extra.append((span.start, span.end, None, label))
                covered.update(range(span.start, span.end))
            # Bare surnames the model missed ("Ancelotti met with ..."): kept only if the report
            # names that person in full somewhere (checked when linking).
            loose = [
                t.i
                for t in doc
                if t.i not in covered and t.pos_ == "PROPN" and t.text[:1].isupper() and len(t) > 2
            ]
            k = 0
            while k < len(loose):
                run = 1
                while k + run < len(loose) and loose[k + run] == loose[k] + run and run < 3:
                    run += 1
                if run >= 2 and all(doc[i].is_alpha for i in loose[k : k + run]):
                    # "Matteo Tognozzi", a name the model did not mark: judged as a name-like span
                    extra.append((loose[k], loose[k] + run, None, "NAMELIKE"))
                else:
                    for i in loose[k : k + run]:
                        extra.append((i, i + 1, None, "SURNAME"))
                k += run
            for sent in doc.sents:
                start_char = paragraph.offset + sent.start_char
                end_char = paragraph.offset + sent.end_char
                view = SentenceView(index, sent, start_char, end_char, article.text[start_char:end_char])
                sentences.append(view)
                for s, e, ids, weak in matches:
                    if sent.start <= s < sent.end:
                        raw.append((view, s, e, ids, "WEAK" if weak else None))
                for s, e, _, label in extra:
                    if sent.start <= s < sent.end:
                        raw.append((view, s, e, None, label))
        return self._link(parsed, sentences, raw)

    def _link(self, parsed, sentences, raw) -> ResolvedArticle:
        kb = self.kb
        # Pass 1: unambiguous names anchor the report's cast.
        anchors: Counter[str] = Counter()
        full_people: dict[tuple[str, ...], str] = {}
        local: dict[str, Entity] = {}
        named_in_full: set[str] = set()
        club_heads: dict[str, Entity] = {}
        for view, s, e, ids, label in raw:
            span = view.span.doc[s:e]
            if ids is None and label == "CLUB":
                self._club_head(span, local, club_heads)
            if ids and len(ids) == 1 and label != "WEAK":
                anchors[ids[0]] += 1
                if e - s >= 2:
                    named_in_full.add(ids[0])
                ent = kb.entities[ids[0]]
                if ent.kind == "person":
                    full_people.setdefault(fold_words(ent.name)[-1:], ent.id)
                    if e - s >= 2:
                        full_people.setdefault(("first",) + fold_words(ent.name)[:1], ent.id)
            elif ids is None and label in PERSON_LABELS and len(span) >= 2:
                person = self._person_entity(span.text, local)
                anchors[person.id] += 1
                words = fold_words(person.name)
                held = full_people.get(words[-1:])
                held_entity = (kb.entities.get(held) or local.get(held)) if held else None
                if (
                    held_entity is not None
                    and len(words) > len(fold_words(held_entity.name))
                    and (words[-len(fold_words(held_entity.name)) :] == fold_words(held_entity.name))
                ):
                    del full_people[words[-1:]]  # "Donny van de Beek" is who "Van de Beek" was
                full_people.setdefault(words[-1:], person.id)
                first = fold_words(person.name)[:1]
                if first and first[0] not in NAME_PARTICLES:
                    full_people.setdefault(("first",) + first, person.id)
        womens = is_womens_report(parsed.article.text, parsed.article.title)
        countries: Counter[str] = Counter()  # where the report's teams play, by how often it names them
        for eid, count in anchors.items():
            team = kb.entities.get(eid)
            if team is not None and team.is_team:
                countries[self.football_country(team)] += count
        # Pass 2: every mention.
        surface: dict[str, list[str]] = {}
        entities: dict[str, Entity] = {}
        last_person: Entity | None = None
        raw = [r for r in raw if r[4] != "WEAK" or any(anchors[i] for i in r[3])]
        for view, s, e, ids, label in raw:
            span = view.span.doc[s:e]
            entity, kind = None, None
            if ids:
                entity = self._choose(ids, anchors, span, countries)
                kind = entity.kind
                if kind == "person" and self._player_namesake(span, entity):
                    entity = self._person_entity(span.text, local, known=False)
                if kind == "person" and len(span) == 1 and entity.id not in named_in_full:
                    # "today Gordon met with me" in a report on Gordon Strachan: the man the report
                    # names in full, not the knowledge base's Anthony Gordon
                    words = fold_words(span.text)
                    pid = full_people.get(("first",) + words) or full_people.get(words)
                    named = (kb.entities.get(pid) or local.get(pid)) if pid else None
                    if named is not None and named.id != entity.id:
                        entity = named
                if (
                    kind == "national_team"
                    and fold(span.text) == fold(entity.name)
                    and not self._team_context(span)
                    and side_cue(span) is None  # "Canada's women's team", "Morocco's men's team"
                ):
                    kind = "place"
            else:
                entity, kind = self._unknown(span, label, full_people, local, anchors, club_heads)
                if kind == "person" and entity is not None and len(fold_words(entity.name)) >= 2:
                    # a full name the model mistyped ("Nicola Kalinic" as ORG) anchors his surname too
                    full_people.setdefault(fold_words(entity.name)[-1:], entity.id)
            if entity is None:
                continue
            if entity.id in local:
                entity = local[entity.id]
            entity = self._side(entity, span, womens, local)
            entities[entity.id] = entity
            surface.setdefault(entity.id, [])
            if span.text not in surface[entity.id]:
                surface[entity.id].append(span.text)
            view.mentions.append(Mention(s, e, span.text, entity, kind or entity.kind))
            if kind == "person":
                last_person = entity
        resolved = ResolvedArticle(parsed, sentences, entities, surface, womens=womens)
        if not any(e.kind == "club" for e in entities.values()):
            resolved.url_club = self._club_in_address(parsed.article.url)
        self._references(resolved)
        for view in sentences:
            view.mentions.sort(key=lambda m: m.start)
        del last_person
        return resolved

    def _side(self, entity: Entity, span: Span, womens: bool, local: dict[str, Entity]) -> Entity:
        """A team's women's side where the report is about the women's game or the words after the
        name say so ("Manchester City women"), unless they say the men's ("Arsenal's men's side")."""
        if not entity.is_team:
            return entity
        cue = side_cue(span)
        if cue == "women" or (womens and cue is None):
            return womens_side(entity, self.kb.side_of(entity, "women"), local)
        return entity

    def _choose(self, ids: list[str], anchors: Counter[str], span: Span, countries: Counter[str]) -> Entity:
        """Pick among entities sharing a name: the one written exactly ("Paris FC", not PSG's
        "Paris"), the one the report is about, one from the country of the report's other teams
        ("Wolves" beside Premier League clubs), else the most prominent."""
        if len(ids) == 1:
            return self.kb.entities[ids[0]]
        candidates = [self.kb.entities[i] for i in ids]
        after = span.doc[span.end].lower_ if span.end < len(span.doc) else ""
        if after in TEAM_WORDS_AFTER:
            teams = [c for c in candidates if c.is_team]
            candidates = teams or candidates
        written = span.text.lower()
        return max(
            candidates,
            key=lambda c: (
                written == c.name.lower() or any(written == a.lower() for a in c.aliases),
                anchors[c.id],
                countries[self.football_country(c)] if c.is_team else 0,
                c.kind != "outlet",
                c.prominence,
                c.subkind in (None, "club", "national_team"),
            ),
        )

    def football_country(self, team: Entity) -> str | None:
        """Where a team plays: its league's country (Cardiff City plays in England), else its own."""
        league = self.kb.lookup(team.league) if team.league else []
        return next((c.country for c in league if c.kind == "competition" and c.country), team.country)

    def _team_context(self, span: Span) -> bool:
        """Whether a country name stands for its national team here ("the France boss", "beat Brazil")."""
        doc = span.doc
        after = doc[span.end] if span.end < len(doc) else None
        before = doc[span.start - 1] if span.start > 0 else None
        if after is not None and after.lower_ in TEAM_WORDS_AFTER:
            return True
        if after is not None and after.text in ("'s", "’s") and span.end + 1 < len(doc):
            if doc[span.end + 1].lower_ in TEAM_WORDS_AFTER:
                return True
        head = span.root.head
        if head.lemma_ in {
            "beat",
            "draw",
            "lose",
            "face",
            "play",
            "defeat",
            "thrash",
            "edge",
            "stun",
            "host",
            "coach",
            "manage",
            "lead",
            "take",
            "join",
            "renew",
            "against",
            "over",
            "to",
            "with",
            "vs",
            "v",
        }:
            if span.root.dep_ in ("nsubj", "dobj", "pobj") or head.pos_ == "ADP":
                return (
                    head.lemma_ not in {"to", "with"}
                    or span.start > 0
                    and doc[span.start - 1].lemma_ in {"lose", "defeat", "draw", "loss"}
                )
        if before is not None and before.lower_ in {"vs", "v", "v.", "against"}:
            return True
        return False

    def _club_in_address(self, url: str | None) -> Entity | None:
        """A club named whole in the page address's path ("celtic-restructuring-plans-confirmed"):
        the longest run of its words that is a club's name or alias, one club only."""
        if not url:
            return None
        path = re.sub(r"^[a-z]+://[^/]+", "", url.lower())
        words = [w for w in re.split(r"[^a-z0-9]+", path) if w]
        for size in (3, 2, 1):
            for k in range(len(words) - size + 1):
                clubs = [e for e in self.kb.lookup(" ".join(words[k : k + size])) if e.kind == "club"]
                if len(clubs) == 1 and clubs[0].subkind == "club":
                    return clubs[0]
        return None

    def _player_namesake(self, span: Span, person: Entity) -> bool:
        """A one-word name the text gives a player ("Spanish midfielder Michel") while the knowledge
        base's only holder of it is a coach or an executive: a namesake, not him."""
        if len(span) != 1 or span.start == 0 or span.doc[span.start - 1].lower_ not in PLAYER_POSITIONS:
            return False
        roles = self.kb.roles_of.get(person.id, [])
        return bool(roles) and all(r.role != "captain" for r in roles)

    def _person_entity(self, text: str, local: dict[str, Entity], known: bool = True) -> Entity:
        """A person by full name: the knowledge base's, a near spelling of it, or a new one
        (`known=False`: a new one whatever the knowledge base holds under that name)."""
        text = re.sub(r"[`'’‘´]s$", "", text)  # "Bandeira de Mello`s": a possessive the tokenizer kept
        found = [e for e in self.kb.lookup(text) if e.kind == "person"] if known else []
        if found:
            return found[0]
        fuzzy = self._fuzzy_person(text) if known else None
        if fuzzy:
            return fuzzy
        pid = entity_id("person", text)
        if pid not in local:
            local[pid] = Entity(id=pid, name=text, kind="person", known=False)
        return local[pid]

    def _fuzzy_person(self, text: str) -> Entity | None:
        """Misspelt names in fast copy ("Vincicius Tobias"): close to one known person, same surname start."""
        if self._people_names is None:
            self._people_names = {fold(e.name): e.id for e in self.kb.entities.values() if e.kind == "person"}
        key = fold(text)
        if len(key) < 8 or " " not in key:
            return None
        hit = process.extractOne(
            key, self._people_names.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD
        )
        if not hit:
            return None
        name = hit[0]
        if name.split()[-1][:3] != key.split()[-1][:3] or name.split()[0][:1] != key.split()[0][:1]:
            return None
        return self.kb.entities[self._people_names[name]]

    def _club_head(self, span: Span, local: dict[str, Entity], heads: dict[str, Entity]) -> None:
        """Note a club the knowledge base lacks under its first word when the rest only says it is a
        club ("Hekari United"), so the bare first word ("if Hekari are the better team") is it too."""
        words = fold_words(span.text)
        if len(words) < 2 or not all(w in CLUB_FORM_WORDS or w in GENERIC_WORDS for w in words[1:]):
            return
        if words[0] in GENERIC_WORDS or self.kb.aliases.get(words[:1]):
            return
        cid = entity_id("club", span.text)
        club = local.setdefault(cid, Entity(id=cid, name=span.text, kind="club", known=False))
        heads.setdefault(words[0], club)

    def _unknown(self, span: Span, label: str | None, full_people, local, anchors, club_heads=None):
        """A name the knowledge base does not hold as such: a short form, or a new entity."""
        words = fold_words(span.text)
        if not words:
            return None, None
        if len(words) == 1 and self.kb.country_of_demonym(words[0]):
            return None, None  # "Scot", "Italian": a reference, resolved in context
        before = span.doc[span.start - 1] if span.start > 0 else None
        window = span.doc[max(span.start - 3, span.sent.start) : span.start]
        titled = (before is not None and before.lower_ in PERSON_TITLES) or (
            len(window) == 3 and window[0].lower_ == "director" and window[1].lower_ == "of"
        )
        clubish = any(w in CLUBISH_WORDS for w in words)
        if len(span) > 1 and (span[-1].text in CLUB_SUFFIX_TAGS or span[0].text in CLUB_PREFIX_TAGS):
            label = "CLUB"  # "Jamshedpur FC" is a club whatever the model says
        if before is not None and before.lower_ in ("club", "side", "outfit") and not titled:
            label = "CLUB"  # "Belgian club Beveren", "Spanish side Alcorcon"
        if label == "CLUB":
            known = [e for e in self.kb.lookup(span.text) if e.kind == "club"]
            if known:
                return known[0], "club"
            cid = entity_id("club", span.text)
            if cid not in local:
                local[cid] = Entity(id=cid, name=span.text, kind="club", known=False)
            return local[cid], "club"
        if len(words) == 1:
            pid = full_people.get(words) or full_people.get(("first",) + words)
            if pid:
                return self.kb.entities.get(pid) or local.get(pid), "person"
            heads = club_heads if club_heads and label != "NORP" else {}  # "the African game"
            club = heads.get(words[0]) or self._misspelt_club(words[0], anchors, local)
            if club is not None:
                return club, "club"
            proper = span[0].pos_ == "PROPN" and label != "NORP"
            figure = self._public_figure(words[0], anchors) if proper else None
            if figure is not None:
                return figure, "person"
            if label == "SURNAME" and not titled:
                return None, None
            if label in ("PERSON", "SURNAME") or titled:
                known = self.kb.by_surname(words)
                figure = known[0] if len(known) == 1 else self._anchored_figure(known, anchors)
                if figure is not None:
                    return figure, "person"
                if (label == "PERSON" or titled) and words[0] not in GENERIC_WORDS:
                    return self._person_entity(span.text, local), "person"
            return None, None
        if (
            label == "PERSON"
            or titled
            or (
                not clubish
                and label in ("ORG", "WORK_OF_ART", "PRODUCT", "GPE", "FAC", "NAMELIKE")
                and self._looks_like_person(span)
            )
        ):
            if len(words) >= 2:
                pid = full_people.get(words[-1:])
                known = (self.kb.entities.get(pid) or local.get(pid)) if pid else None
                full = fold_words(known.name) if known is not None else ()
                if known is not None and len(full) > len(words) and full[-len(words) :] == words:
                    return known, "person"  # "Garcia Plaza" after "Luis Garcia Plaza"
                if (
                    known is not None
                    and len(full) > len(words)
                    and full[0] == words[0]
                    and set(words) <= set(full)
                ):
                    return known, "person"  # "Nuno Santo" after "Nuno Espirito Santo"
                if pid and pid in local and full == words:
                    return local[pid], "person"
            return self._person_entity(span.text, local), "person"
        if label == "CLUB" or (label == "ORG" and clubish):
            cid = entity_id("club", span.text)
            if cid not in local:
                local[cid] = Entity(id=cid, name=span.text, kind="club", known=False)
            return local[cid], "club"
        return None, None

    def _public_figure(self, word: str, anchors: Counter[str]) -> Entity | None:
        """A coach or executive football copy calls by surname alone ("Guardiola's commitment"):
        the one person of that surname who holds or held a post at a team the report names, when
        the word is no first name and names nothing else."""
        if len(word) < 4 or self.kb.aliases.get((word,)) or self._is_first_name(word):
            return None
        return self._anchored_figure(self.kb.by_surname((word,)), anchors)

    def _anchored_figure(self, people: list[Entity], anchors: Counter[str]) -> Entity | None:
        """The one person among namesakes who holds or held a post at a team the report names:
        "Guardiola" beside Manchester City is the coach, not a player of the same surname, now
        that the knowledge base holds thousands of players."""
        posted = [
            p
            for p in people
            if any(r.role in PUBLIC_ROLES and anchors[r.organisation] for r in self.kb.roles_of.get(p.id, ()))
        ]
        return posted[0] if len(posted) == 1 else None

    def _misspelt_club(self, word: str, anchors: Counter[str], local: dict[str, Entity]) -> Entity | None:
        """A slip of the keyboard on a club the report names correctly elsewhere ("Chennnaiyin" beside
        "Chennaiyin FC"): one word within a letter or two of that club's name or alias."""
        if len(word) < 6:
            return None
        for eid in anchors:
            club = self.kb.entities.get(eid) or local.get(eid)
            if club is None or club.kind != "club":
                continue
            for form in (club.name, *club.aliases):
                for part in fold_words(form):
                    if len(part) >= 6 and part != word and fuzz.ratio(word, part) >= 90:
                        return club
        return None

    def _looks_like_person(self, span: Span) -> bool:
        """A mistyped name that is really a person: every word a capitalised proper noun, and a
        known first name or a parse that treats it as a person (subject of "said", a possessor)."""
        if not all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in span):
            return False
        if len(span) > 4:
            return False
        first = fold_words(span[0].text)
        if first and self._is_first_name(first[0]):
            return True
        if span.root.dep_ in ("nsubj", "nsubjpass", "poss") and span.root.head.lemma_ in {
            "say",
            "leave",
            "join",
            "sign",
            "tell",
            "admit",
            "insist",
            "reveal",
            "score",
        }:
            return True
        # A name that is no club and no place, in a sentence about moving players, is a player.
        if 2 <= len(span) <= 3 and any(t.lemma_.lower() in PLAYER_MOVE_WORDS for t in span.sent):
            singular = span.text[:-1] if span.text.endswith("s") else span.text
            return not (
                any(self.kb.lookup(t.text) for t in span)
                or self.kb.lookup(singular)
                or any(t.lower_ in NON_PERSON_NOUNS for t in span)
            )
        return _model_says_person(span.text)

    def _is_first_name(self, word: str) -> bool:
        if not hasattr(self, "_first_names"):
            self._first_names = {
                fold_words(e.name)[0]
                for e in self.kb.entities.values()
                if e.kind == "person" and len(fold_words(e.name)) >= 2
            }
        return word in self._first_names

    # -- references standing for names ---------------------------------------------------

    def _references(self, resolved: ResolvedArticle) -> None:
        """'the Italian', 'the club', 'the Spanish giants', 'he' resolved to the entity in focus."""
        seen_people: list[Entity] = []
        club_counts: Counter[str] = Counter()
        person_counts: Counter[str] = Counter(
            m.entity.id for v in resolved.sentences for m in v.mentions if m.kind == "person"
        )
        previous_people: list[Entity] = []
        previous_subject: Entity | None = None  # who the last sentence naming people was about
        for view in resolved.sentences:
            doc = view.span.doc
            sent = view.span
            taken = {i for m in view.mentions for i in range(m.start, m.end)}
            added: list[Mention] = []
            for tok in sent:
                if tok.i in taken:
                    continue
                prev = doc[tok.i - 1] if tok.i > sent.start else None
                aged = _aged_reference(doc, tok, sent.start)
                if aged is not None and seen_people:
                    country = self.kb.country_of_demonym(tok.text) if tok.text[:1].isupper() else None
                    person = next(
                        (p for p in reversed(seen_people) if country is None or p.country == country), None
                    )
                    if person is not None:
                        added.append(
                            Mention(aged, tok.i + 1, doc[aged : tok.i + 1].text, person, "person", via="age")
                        )
                        continue
                # "German national team manager X": a demonym before "national team" needs no "the"
                nxt = doc[tok.i + 1] if tok.i + 1 < sent.end else None
                if (
                    (prev is None or prev.lower_ != "the")
                    and tok.text[:1].isupper()
                    and nxt is not None
                    and nxt.lower_ == "national"
                    and tok.i + 2 < sent.end
                    and doc[tok.i + 2].lower_ in ("team", "side")
                ):
                    country = self.kb.country_of_demonym(tok.text)
                    team = self._report_side(resolved, self.kb.national_team(country)) if country else None
                    if team is not None:
                        span_text = doc[tok.i : tok.i + 3].text
                        added.append(
                            Mention(tok.i, tok.i + 3, span_text, team, "national_team", via="demonym")
                        )
                        continue
                plural = self._demonym_team(resolved, tok, prev)
                if plural is not None:
                    added.append(plural)
                    continue
                # "the Italian", "the Spaniard"
                if prev is not None and prev.lower_ == "the" and tok.text[:1].isupper():
                    country = self.kb.country_of_demonym(tok.text)
                    nxt = doc[tok.i + 1] if tok.i + 1 < sent.end else None
                    titled = nxt is not None and nxt.lower_ in ("coach", "manager", "boss", "tactician")
                    if country and (
                        titled
                        or nxt is None
                        or (nxt.pos_ not in ("NOUN", "PROPN") and nxt.lower_ != "national")
                    ):
                        person = next((p for p in reversed(seen_people) if p.country == country), None)
                        here = [
                            m.entity
                            for m in view.mentions
                            if m.kind == "person" and m.end <= prev.i and not m.entity.country
                        ]
                        if person is None and here:
                            person = here[-1]  # "Garnacho started ... as the Argentinian met the pass"
                        if person is None and previous_subject is not None and not previous_subject.country:
                            # "... Robert Vilahamn was appointed. The Swede had previously coached BK
                            # Hacken": the man just spoken of, whose nationality the knowledge base lacks
                            person = previous_subject
                        if person:
                            end = nxt.i + 1 if titled else tok.i + 1  # "The Argentine coach"
                            added.append(
                                Mention(
                                    prev.i, end, doc[prev.i : end].text, person, "person", via="nationality"
                                )
                            )
                            continue
                    if country and nxt is not None and nxt.lower_ == "national":
                        team = self.kb.national_team(country)
                        if team:
                            team = self._report_side(resolved, team)
                            end = tok.i + 2
                            if (
                                nxt.lower_ == "national"
                                and end < sent.end
                                and doc[end].lower_ in {"team", "side"}
                            ):
                                end += 1
                            added.append(
                                Mention(
                                    prev.i, end, doc[prev.i : end].text, team, "national_team", via="demonym"
                                )
                            )
                            continue
                    if country and nxt is not None and nxt.lower_ in FOCUS_NOUNS and club_counts:
                        club = self._focus(resolved, club_counts, country)
                        if club:
                            added.append(
                                Mention(
                                    prev.i, nxt.i + 1, doc[prev.i : nxt.i + 1].text, club, "club", via="focus"
                                )
                            )
                            continue
                if tok.text == "B" and tok.i + 1 < sent.end and doc[tok.i + 1].lower_ in ("team", "side"):
                    owner = (
                        view.mention_at(doc[tok.i - 2])
                        if tok.i - 2 >= sent.start and doc[tok.i - 1].text in ("'s", "’s")
                        else None
                    )
                    parent = (
                        owner.entity
                        if owner is not None and owner.kind == "club"
                        else self._focus(resolved, club_counts, None)
                    )
                    side = self.kb.side_of(parent, "b_team") if parent is not None else None
                    if side is not None:  # "the club's B team", "B team coach"
                        added.append(
                            Mention(tok.i, tok.i + 2, doc[tok.i : tok.i + 2].text, side, "club", via="b_team")
                        )
                        continue
                coach = self._unnamed_coach(resolved, view, tok, person_counts)
                if coach is not None:
                    added.append(coach)
                    continue
                player = self._unnamed_player(view, tok, seen_people)
                if player is not None:
                    added.append(player)
                    continue
                if prev is not None and prev.lower_ == "the" and tok.lower_ == "club" and club_counts:
                    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
                    if nxt is None or nxt.pos_ != "PROPN":
                        club = self._focus(resolved, club_counts, None)
                        if club:
                            added.append(
                                Mention(
                                    prev.i, tok.i + 1, doc[prev.i : tok.i + 1].text, club, "club", via="focus"
                                )
                            )
                            continue
                if tok.dep_ in PRONOUN_ROLES.get(tok.lower_, ()):
                    antecedent = _antecedent(view, tok, previous_people)
                    if antecedent is not None:
                        added.append(Mention(tok.i, tok.i + 1, tok.text, antecedent, "person", via="pronoun"))
            view.mentions.extend(added)
            for m in view.mentions:
                if m.kind == "club":
                    club_counts[m.entity.id] += 1
                resolved.entities.setdefault(m.entity.id, m.entity)
            people_here = [  # "his", "him": a passing reference leaves who is in focus as it was
                m.entity
                for m in sorted(view.mentions, key=lambda m: m.start)
                if m.kind == "person" and (m.via != "pronoun" or doc[m.start].dep_ in _SUBJECT)
            ]
            for p in people_here:
                if p in seen_people:
                    seen_people.remove(p)
                seen_people.append(p)
            if people_here:
                previous_people = people_here
                subject = next(
                    (
                        m.entity
                        for m in view.mentions
                        if m.kind == "person" and view.span.doc[m.end - 1].dep_ in ("nsubj", "nsubjpass")
                    ),
                    None,
                )
                previous_subject = subject or people_here[0]

    def _demonym_team(self, resolved: ResolvedArticle, tok: Token, prev: Token | None) -> Mention | None:
        """ "the Tunisians", "the Moroccans": a plural demonym stands for the national team (its women's
        side in a report about the women's game), unless names follow ("the Brazilians Vinicius and
        Rodrygo")."""
        if prev is None or prev.lower_ != "the" or not tok.text[:1].isupper() or not tok.text.endswith("s"):
            return None
        country = self.kb.country_of_demonym(tok.text[:-1])
        team = self.kb.national_team(country) if country else None
        nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
        if team is None or (nxt is not None and nxt.pos_ in ("PROPN", "NOUN")):
            return None
        team = self._report_side(resolved, team)
        return Mention(prev.i, tok.i + 1, tok.doc[prev.i : tok.i + 1].text, team, team.kind, via="demonym")

    def _report_side(self, resolved: ResolvedArticle, team: Entity | None) -> Entity | None:
        """The team itself, or its women's side in a report about the women's game."""
        if team is None or not resolved.womens:
            return team
        return womens_side(team, self.kb.side_of(team, "women"), resolved.entities)

    def _unnamed_coach(
        self, resolved: ResolvedArticle, view: SentenceView, tok: Token, person_counts: Counter[str]
    ) -> Mention | None:
        """ "The United boss said ...", "The former Republic of Ireland manager was asked ...": a title
        with a team and no name stands for the coach the report is about — the most mentioned person
        whom the knowledge base or the report makes a coach of that team."""
        if tok.lower_ in EXECUTIVE_TITLE_ROLES:
            return self._unnamed_executive(resolved, view, tok)
        if tok.lower_ not in ("boss", "manager", "coach") or tok.i + 1 >= len(view.span.doc):
            return None
        doc = view.span.doc
        if doc[tok.i + 1].pos_ == "PROPN":
            return None  # "the United boss Louis van Gaal" names him
        team = next((m for m in view.mentions if m.is_team and m.end in (tok.i, tok.i - 1)), None)
        if team is None:
            return None
        k = team.start - 1
        while k >= view.span.start and doc[k].lower_ in ("former", "ex", "then", "current", "new"):
            k -= 1
        if k < view.span.start or doc[k].lower_ != "the":
            return None
        for person_id, _ in person_counts.most_common():
            roles = self.kb.roles_of.get(person_id, [])
            if any(
                r.organisation == team.entity.id and r.role in ("head_coach", "interim_coach") for r in roles
            ):
                person = resolved.entities.get(person_id) or self.kb.entities.get(person_id)
                if person is not None:
                    return Mention(k, tok.i + 1, doc[k : tok.i + 1].text, person, "person", via="title")
        return None

    def _unnamed_executive(self, resolved: ResolvedArticle, view: SentenceView, tok: Token) -> Mention | None:
        """ "Napoli's owner revealed ...": an executive title after a team, with no name, stands for
        whoever the knowledge base has in that post at the report's date."""
        doc = view.span.doc
        if tok.i + 1 < len(doc) and doc[tok.i + 1].pos_ == "PROPN":
            return None  # the name follows
        k = tok.i - 1
        while k >= view.span.start and doc[k].text in ("'s", "’s", "'", '"', "“", "”"):
            k -= 1
        team = view.mention_at(doc[k]) if k >= view.span.start else None
        if team is None or not team.is_team:
            return None
        role_name = EXECUTIVE_TITLE_ROLES[tok.lower_]
        published = resolved.article.published
        heads = [r for r in self.kb.roles_at.get(team.entity.id, []) if r.active_on(published)]
        holders = [r for r in heads if r.role == role_name] or [  # owner/president/chairman used loosely
            r for r in heads if r.role in EXECUTIVE_TITLE_ROLES.values()
        ]
        if len(holders) != 1:
            return None
        person = self.kb.entities.get(holders[0].person)
        if person is None:
            return None
        return Mention(team.start, tok.i + 1, doc[team.start : tok.i + 1].text, person, "person", via="title")

    def _unnamed_player(self, view: SentenceView, tok: Token, seen_people: list[Entity]) -> Mention | None:
        """ "The Manchester United midfielder is expected to ...", "the former Crystal Palace loanee",
        "The Barca skipper": a player noun with no name after it stands for the player the report
        is following (the last one named who holds no coaching or executive post)."""
        if tok.lower_ not in PLAYER_NOUNS or not seen_people:
            return None
        doc = view.span.doc
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        after = doc[tok.i + 2] if tok.i + 2 < len(doc) else None
        if nxt is not None and (
            nxt.pos_ == "PROPN" or (nxt.text == "," and after is not None and after.pos_ == "PROPN")
        ):
            return None  # "midfielder Jude Bellingham", "the striker, X, ..." name him
        k = tok.i - 1
        while k >= view.span.start and (
            view.mention_at(doc[k]) is not None
            or doc[k].pos_ in ("ADJ", "PROPN", "NUM")
            or doc[k].lower_ in ("ex", "-", "year", "old")  # "the ex-Chelsea star", "the 25-year-old"
        ):
            k -= 1
        if k < view.span.start or doc[k].lower_ != "the":
            return None
        qualified = tok.i - k > 1  # "the former Crystal Palace loanee", not a bare "the goalkeeper"
        if not (k == view.span.start or tok.dep_ in _SUBJECT or (qualified and tok.dep_ in _OBJECT)):
            return None
        # the one person named earlier in the sentence ("Chelsea will have Romelu Lukaku available with
        # the striker returning"), none where it names several, else the last player the report named
        here = {
            m.entity.id: m.entity
            for m in view.mentions
            if m.kind == "person" and m.end <= k and not self._holds_post(m.entity)
        }
        if len(here) > 1:
            return None
        players = [*here.values(), *(p for p in reversed(seen_people) if not self._holds_post(p))]
        if not players:
            return None
        return Mention(k, tok.i + 1, doc[k : tok.i + 1].text, players[0], "person", via="position")

    def _holds_post(self, person: Entity) -> bool:
        """Whether the knowledge base has the person as a coach or an executive."""
        posts = ("head_coach", "interim_coach", "president", "chairman", "owner", "sporting_director")
        return any(r.role in posts for r in self.kb.roles_of.get(person.id, []))

    def _focus(self, resolved: ResolvedArticle, counts: Counter[str], country: str | None) -> Entity | None:
        for cid, _ in counts.most_common():
            club = resolved.entities.get(cid) or self.kb.entities.get(cid)
            if club and (country is None or club.country == country):
                return club
        return None


CLUB_SUFFIX_TAGS = {"FC", "AFC", "CF", "SC", "SV", "FK", "SK", "BK", "IF", "AC"}
CLUB_PREFIX_TAGS = {
    "FC",
    "AC",
    "AS",
    "SS",
    "US",
    "SC",
    "CD",
    "CA",
    "RC",
    "RCD",
    "UD",
    "SD",
    "CF",
    "FK",
    "NK",
    "HNK",
    "PFC",
    "VfB",
    "VfL",
    "TSG",
    "SpVgg",
    "SSC",
    "AFC",
    "KV",
    "KRC",
    "AZ",
    "SV",
    "BK",
}


def _antecedent(view: SentenceView, pronoun: Token, previous_people: list[Entity]) -> Entity | None:
    """Who a personal pronoun stands for: the person this sentence is about so far, else the first
    person of the last sentence that named people. An object is never its own clause's subject
    ("Sweden coach Peter Gerhardsson still chose her": not him); a possessive or an object before
    the sentence names someone is left alone, as it may well be him."""
    other = _clause_subject(view, pronoun) if pronoun.dep_ in _OBJECT else None
    found = _topic_before(view, pronoun, other)
    if found is not None:
        return found
    if pronoun.dep_ not in _SUBJECT and any(
        m.kind == "person" and m.start > pronoun.i and m.via == "name" for m in view.mentions
    ):
        return None  # "With two seasons to go on his deal, Arsenal want to tie Smith Rowe down": him
    return next((p for p in previous_people if p is not other), None)


def _clause_subject(view: SentenceView, pronoun: Token) -> Entity | None:
    """The person named as subject of the verb an object pronoun hangs on ("X chose her", "X spoke
    to him")."""
    verb = pronoun.head.head if pronoun.dep_ == "pobj" else pronoun.head
    doc = view.span.doc
    for m in view.mentions:
        head = doc[m.end - 1]
        if m.kind == "person" and head.dep_ in _SUBJECT and head.head == verb:
            return m.entity
    return None


COMPASS_WORDS = {"north", "south", "central", "latin"}


def _in_place_name(tok: Token) -> bool:
    """Whether the model makes a token part of a longer event or facility ("the Paris Olympics",
    "Liverpool Street"), or of a region named by a compass word ("South America")."""
    doc = tok.doc
    if tok.ent_type_ in ("EVENT", "FAC"):
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        joined = nxt is not None and nxt.ent_iob_ == "I" and nxt.text[:1].isupper()
        return joined or (tok.ent_iob_ == "I" and doc[tok.i - 1].text[:1].isupper())
    return tok.ent_type_ in ("GPE", "LOC") and tok.ent_iob_ == "I" and doc[tok.i - 1].lower_ in COMPASS_WORDS


def _topic_before(view: SentenceView, pronoun: Token, other: Entity | None = None) -> Entity | None:
    """The person a "he" later in the same sentence stands for: the nearest one named before it as a
    subject or with a clause about him ("Thorgan Hazard, 25, is also believed to be a target as he
    has yet to sign", "the unsettled Dimitar Berbatov, who was booed ... that he wanted to leave"), not
    one met in passing ("his flick past Lukasz Fabianski meant he ended ...") and not `other`."""
    doc = view.span.doc
    for m in sorted(view.mentions, key=lambda m: m.start, reverse=True):
        if m.kind != "person" or m.end > pronoun.i or m.entity is other:
            continue
        head = doc[m.end - 1]
        if head.dep_ in ("nsubj", "nsubjpass") or any(c.dep_ in ("relcl", "appos") for c in head.children):
            return m.entity
    return None


CLUB_FORM_WORDS = {
    "united",
    "city",
    "town",
    "county",
    "athletic",
    "albion",
    "rovers",
    "rangers",
    "wanderers",
    "stars",
    "pillars",
    "warriors",
    "jets",
    "mariners",
    "hearts",
    "tigers",
    "lions",
    "eagles",
    "sharks",
    "bulls",
    "chiefs",
    "pirates",
    "dynamos",
    "strikers",
    "arrows",
    "harriers",
    "thistle",
    "academicals",
    "sundowns",
    "bullets",
    "rockets",
}
"""Last words that make a name a club's ("Kano Pillars", "Raith Rovers", "Newcastle Jets",
"Ikorodu City"), whatever the model typed it as."""
_CLUB_FORM = re.compile(r"\b(?:" + "|".join(w.capitalize() for w in sorted(CLUB_FORM_WORDS)) + r")\b")
PLACE_FORM_WORDS = {"city", "town"}
"""Form words that also end places ("Kansas City", "Cape Town"): not a club where the model calls
the name a place."""


def _all_countries(ids: list[str]) -> bool:
    return all(i.startswith("national_team:") for i in ids)


def inside_of(spans: list[tuple[int, int]]) -> set[int]:
    return {i for start, end in spans for i in range(start, end)}


def nickname_clubs(doc, matches: list[tuple[int, int, list[str], bool]]) -> list[tuple[int, int]]:
    """Clubs named as one or two proper nouns and a club-form word ("Sunshine Stars", "Abia
    Warriors") that the knowledge base does not hold whole: the knowledge base's one-word names
    inside them ("Warriors" is Zimbabwe's nickname, "Newcastle" a club of its own) do not apply."""
    if not _CLUB_FORM.search(doc.text):
        return []
    whole = {(m[0], m[1]) for m in matches}
    longer = {i for start, end, _, _ in matches if end - start > 1 for i in range(start, end)}
    countries = {start for start, end, ids, _ in matches if end - start == 1 and _all_countries(ids)}
    found = []
    for tok in doc:
        if tok.lower_ not in CLUB_FORM_WORDS or not tok.text[:1].isupper() or tok.i in longer:
            continue
        start = tok.i
        while (
            start > tok.i - 2
            and start - 1 >= tok.sent.start
            and doc[start - 1].pos_ == "PROPN"
            and doc[start - 1].is_alpha
            and doc[start - 1].text[:1].isupper()
            and start - 1 not in longer
            and start - 1 not in countries  # "sides from Czechia United seem to have trouble"
        ):
            start -= 1
        if doc[start].is_sent_start and doc[start].ent_iob_ == "O" and start + 1 < tok.i + 1:
            start += 1  # "Whilst United are yet to win away": an opening word, not a name
        if start == tok.i or (start, tok.i + 1) in whole:
            continue
        if tok.lower_ in PLACE_FORM_WORDS and tok.ent_type_ in ("GPE", "LOC"):
            continue
        found.append((start, tok.i + 1))
    return found


def club_forms(doc, covered: set[int]) -> list[tuple[int, int]]:
    """Spans shaped like club names: capitalised words with a club tag before or after them."""
    found = []
    i = 0
    n = len(doc)
    while i < n:
        tok = doc[i]
        if i in covered:
            i += 1
            continue
        if (
            tok.text in CLUB_PREFIX_TAGS
            and i + 1 < n
            and doc[i + 1].text[:1].isupper()
            and i + 1 not in covered
        ):
            j = i + 1
            while (
                j < n
                and doc[j].text[:1].isupper()
                and doc[j].pos_ == "PROPN"
                and j not in covered
                and j - i < 4
            ):
                j += 1
            found.append((i, j))
            i = j
            continue
        if tok.text[:1].isupper() and tok.is_alpha and tok.text not in CLUB_SUFFIX_TAGS:
            j = i
            while (
                j < n
                and doc[j].text[:1].isupper()
                and doc[j].is_alpha
                and doc[j].text not in CLUB_SUFFIX_TAGS
                and j not in covered
                and j - i < 3
            ):
                j += 1
            if j < n and doc[j].text in CLUB_SUFFIX_TAGS and j > i and j not in covered:
                found.append((i, j + 1))
                i = j + 1
                continue
        i += 1
    return found


def _aged_reference(doc, tok: Token, floor: int) -> int | None:
    """Start of "the 53 year old Scot" / "the 45-year-old" when `tok` ends it and no name follows."""
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    if nxt is not None and nxt.pos_ == "PROPN":
        return None
    k = tok.i
    if tok.text[:1].isupper() and k - 1 >= floor:
        k -= 1  # the demonym noun itself ("Scot")
    elif tok.lower_ not in ("old", "year-old"):
        return None
    words = []
    while k >= floor and len(words) < 6 and doc[k].lower_ != "the":
        words.append(doc[k].lower_)
        k -= 1
    if k < floor or not words:
        return None
    joined = " ".join(reversed(words))
    if re.fullmatch(r"\d{2}(?: ?- ?| )year(?: ?- ?| )old|\d{2}-year-old", joined):
        return k
    return None


@lru_cache(maxsize=4096)
def _model_says_person(text: str) -> bool:
    """Ask the model about the name alone: out of a confusing sentence ("with Mariano Diaz set to
    leave") it often types a name right that it mistyped in context."""
    from dugout.nlp.pipeline import load_nlp

    doc = load_nlp()(text)
    return len(doc.ents) == 1 and doc.ents[0].label_ == "PERSON" and doc.ents[0].text == text


_SCORE_TOKENS = re.compile(r"\d{1,2}\s?[-–]\s?\d{1,2}")


def _trim(ent: Span) -> Span | None:
    """A model entity without leading "the", trailing possessive or punctuation ("Les Bleus.")."""
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and (
        doc[start].lower_ == "the"
        or doc[start].is_punct
        or (doc[start].lower_ in PERSON_TITLES and end - start > 2)
    ):
        start += 1  # "Defender Nico Schulz" is Nico Schulz
    while end > start and (doc[end - 1].is_punct or doc[end - 1].text in ("'s", "’s", "'", *ODD_POSSESSIVES)):
        end -= 1
    if end - start > 3 and _SCORE_TOKENS.fullmatch(doc[end - 3 : end].text):
        end -= 3  # "Angers 4-2": the model took the score into the name
        while end > start and doc[end - 1].is_punct:
            end -= 1
    if end <= start:
        return None
    return doc[start:end]
