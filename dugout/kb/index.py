"""The index over the knowledge base: built once, then every look-up is a dict access.

Aliases are indexed as tuples of folded words, so the resolver can walk a
sentence's tokens and find the longest known name at each position without
scanning the knowledge base per mention.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property, lru_cache
from pathlib import Path

from dugout.kb.loader import BUNDLED_DIR, load_files, user_dir
from dugout.kb.model import Entity, Role, entity_id
from dugout.kb.names import fold, fold_words

# Person nouns for nationalities that are not the adjective ("the Spaniard", "the Dutchman").
NATIONALITY_NOUNS = {
    "spaniard": "Spain",
    "frenchman": "France",
    "dutchman": "Netherlands",
    "englishman": "England",
    "scot": "Scotland",
    "scotsman": "Scotland",
    "welshman": "Wales",
    "irishman": "Ireland",
    "swede": "Sweden",
    "dane": "Denmark",
    "finn": "Finland",
    "pole": "Poland",
    "turk": "Turkey",
    "argentine": "Argentina",
    "argentinian": "Argentina",
    "portuguese": "Portugal",
    "swiss": "Switzerland",
    "brazilian": "Brazil",
    "italian": "Italy",
    "german": "Germany",
    "croat": "Croatia",
    "serb": "Serbia",
    "norwegian": "Norway",
    "belgian": "Belgium",
    "austrian": "Austria",
    "uruguayan": "Uruguay",
    "chilean": "Chile",
    "colombian": "Colombia",
    "mexican": "Mexico",
    "american": "United States",
    "japanese": "Japan",
    "korean": "South Korea",
    "australian": "Australia",
    "nigerian": "Nigeria",
    "ghanaian": "Ghana",
    "senegalese": "Senegal",
    "moroccan": "Morocco",
    "egyptian": "Egypt",
    "icelander": "Iceland",
    "greek": "Greece",
    "czech": "Czech Republic",
    "hungarian": "Hungary",
    "ukrainian": "Ukraine",
    "russian": "Russia",
    "ivorian": "Ivory Coast",
    "cameroonian": "Cameroon",
    "algerian": "Algeria",
    "tunisian": "Tunisia",
    "canadian": "Canada",
    "basque": "Spain",
    "catalan": "Spain",
    "northern irishman": "Northern Ireland",
}
MAX_ALIAS_WORDS = 8


class KnowledgeBase:
    """Entities, roles and the look-up tables over them."""

    def __init__(self, entities: list[Entity], roles: list[Role]) -> None:
        self.entities: dict[str, Entity] = {e.id: e for e in entities}
        self.aliases: dict[tuple[str, ...], list[str]] = defaultdict(list)
        self.surnames: dict[tuple[str, ...], list[str]] = defaultdict(list)
        self.by_demonym: dict[str, str] = dict(NATIONALITY_NOUNS)
        self.roles_of: dict[str, list[Role]] = defaultdict(list)
        self.roles_at: dict[str, list[Role]] = defaultdict(list)
        self.children: dict[str, list[Entity]] = defaultdict(list)
        self.clubs_in: dict[str, list[str]] = defaultdict(list)
        """Town (as written in the data) → ids of the first-team clubs that play there."""
        for entity in entities:
            self._index(entity)
            if entity.parent:
                self.children[entity.parent].append(entity)
        for role in roles:
            person = entity_id("person", role.person)
            org = self.team_id(role.organisation) or self.federation_id(role.organisation)
            resolved = Role(person, role.role, org or role.organisation, role.start, role.end)
            self.roles_of[person].append(resolved)
            if org:
                self.roles_at[org].append(resolved)

    def roles_known(self, person_id: str, date: str | None) -> list[Role]:
        """The person's roles the knowledge base could have held on a report's date (`Role.begun_by`):
        what the extractor reads, so that what it learns from old reports holds for new ones,
        whose appointments the knowledge base does not yet know."""
        return [r for r in self.roles_of.get(person_id, ()) if r.begun_by(date)]

    def _index(self, entity: Entity) -> None:
        names = (entity.name, *entity.aliases)
        for name in names:
            key = fold_words(name)
            if key and len(key) <= MAX_ALIAS_WORDS and entity.id not in self.aliases[key]:
                self.aliases[key].append(entity.id)
            if key and key[0] == "the" and len(key) > 1 and entity.id not in self.aliases[key[1:]]:
                self.aliases[key[1:]].append(entity.id)
        if entity.kind == "person":
            for name in names:
                words = fold_words(name)
                if len(words) >= 2:
                    for size in (1, 2):
                        tail = words[-size:]
                        if entity.id not in self.surnames[tail]:
                            self.surnames[tail].append(entity.id)
        if entity.kind == "national_team" and entity.demonym and entity.subkind == "national_team":
            self.by_demonym.setdefault(fold(entity.demonym), entity.name)
        town = entity.extra.get("city") if entity.extra else None
        if (
            entity.kind == "club"
            and entity.subkind == "club"
            and town
            and entity.id not in self.clubs_in[town]
        ):
            self.clubs_in[town].append(entity.id)

    def add(self, entity: Entity) -> None:
        """Add an entity met in text, so later mentions resolve to it."""
        self.entities[entity.id] = entity
        self._index(entity)

    def get(self, entity_id_: str) -> Entity | None:
        return self.entities.get(entity_id_)

    def lookup(self, name: str) -> list[Entity]:
        """Entities with this exact name or alias, most prominent first."""
        ids = self.aliases.get(fold_words(name), [])
        return sorted((self.entities[i] for i in ids), key=lambda e: -e.prominence)

    def team_id(self, name: str) -> str | None:
        """The id of the club or national team with this name or alias, if any."""
        for kind in ("club", "national_team"):
            if entity_id(kind, name) in self.entities:
                return entity_id(kind, name)
        teams = [e for e in self.lookup(name) if e.is_team]
        return teams[0].id if teams else None

    def federation_id(self, name: str) -> str | None:
        """The id of the federation or governing body with this name or alias, if any."""
        bodies = [e for e in self.lookup(name) if e.kind == "federation"]
        return bodies[0].id if bodies else None

    def club_of_town(self, town: str) -> Entity | None:
        """The one first-team club that plays in this town ("Sinsheim", "Seattle"); None where
        there are several or none."""
        ids = self.clubs_in.get(town, [])
        return self.entities[ids[0]] if len(ids) == 1 else None

    def side_of(self, club: Entity, subkind: str) -> Entity | None:
        """A club's women's, B or youth side ("Liverpool" → "Liverpool Women")."""
        return next((c for c in self.children.get(club.id, []) if c.subkind == subkind), None)

    def by_surname(self, words: tuple[str, ...]) -> list[Entity]:
        return [self.entities[i] for i in self.surnames.get(words, [])]

    def country_of_demonym(self, word: str) -> str | None:
        return self.by_demonym.get(fold(word))

    def national_team(self, country: str) -> Entity | None:
        return self.entities.get(entity_id("national_team", country))

    @cached_property
    def latest_month(self) -> str | None:
        """The knowledge base's own present: the latest month ("2025-12") any of its posts
        begins or ends in (a post ending in "2025" ends by "2025-12"); None without dated posts.
        The latest an undated report can be guessed to (`extract.dating`)."""
        dates = [d for roles in self.roles_of.values() for r in roles for d in (r.start, r.end) if d]
        return max(d[:7] if len(d) >= 7 else f"{d[:4]}-12" for d in dates) if dates else None

    def stats(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for e in self.entities.values():
            counts[e.kind] += 1
        counts["roles"] = sum(len(r) for r in self.roles_of.values())
        counts["aliases"] = len(self.aliases)
        return dict(counts)


def kb_directories() -> list[Path]:
    return [BUNDLED_DIR, user_dir()]


@lru_cache(maxsize=1)
def load_kb() -> KnowledgeBase:
    """The knowledge base of this process, loaded once."""
    entities, roles = load_files(kb_directories())
    return KnowledgeBase(entities, roles)
