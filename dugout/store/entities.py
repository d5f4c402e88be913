"""Which entities a report's claims name, under stable ids, and how the report wrote them.

Used by `Store.add_report` and by the version-2 migration's backfill, so a
database upgraded in place gets the same rows a fresh ingest would.

A claim from the extractor carries `extra = {"subject_id", "object_id"}`:
knowledge-base ids, or ids made with `entity_id(kind, name)` for people and
clubs met only in text (same name, same id, so they merge across reports).
A claim without them (stored before version 2, or made by other tools) gets
its ids derived from its names and its type's party kinds, the knowledge
base telling a club from a national team where it knows the name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dugout.kb.index import KnowledgeBase
from dugout.kb.model import entity_id
from dugout.kb.names import strip_accents
from dugout.records import normalized_text

# Claim types whose subject is always a person, and whose object is always a team.
PERSON_SUBJECT = frozenset(
    {"coach_of", "holds_role", "job_status", "contract_until", "candidate_for", "transfer"}
)
TEAM_OBJECT = frozenset(
    {"coach_of", "holds_role", "job_status", "contract_until", "candidate_for", "transfer"}
)
TEAM_BOTH = frozenset({"match_result"})
ROLE_TYPES = ("coach_of", "holds_role")

_WORD = re.compile(r"[^\W_]+")


@dataclass
class ReportEntities:
    """What one report adds: the ids of each claim's parties, the entities, their surface forms."""

    claim_ids: list[tuple[str | None, str | None]] = field(default_factory=list)
    entities: dict[str, tuple[str, str, bool]] = field(default_factory=dict)  # id -> (name, kind, known)
    surfaces: dict[str, set[str]] = field(default_factory=dict)  # id -> surface forms ("" = none found)


def kind_of(id_: str) -> str:
    return id_.split(":", 1)[0]


def _team_id(name: str, kb: KnowledgeBase) -> str:
    return kb.team_id(name) or entity_id("club", name)


def _person_or_team(name: str, kb: KnowledgeBase) -> str:
    person = entity_id("person", name)
    if person in kb.entities:
        return person
    return kb.team_id(name) or person


def derive_id(claim_type: str, role: str, name: str, kb: KnowledgeBase) -> str:
    """The id of a claim party that came without one: `role` is "subject", "object" or "counterpart"."""
    if role == "counterpart" or claim_type in TEAM_BOTH or claim_type == "squad_need":
        return _team_id(name, kb)
    if role == "subject" and claim_type in PERSON_SUBJECT:
        return entity_id("person", name)
    if role == "object" and claim_type in TEAM_OBJECT:
        return _team_id(name, kb)
    return _person_or_team(name, kb)  # meeting: person or club


def party_ids(
    claim_type: str, subject: str | None, object_: str | None, extra: dict[str, Any] | None, kb: KnowledgeBase
) -> tuple[str | None, str | None]:
    extra = extra or {}
    sid = extra.get("subject_id") if isinstance(extra.get("subject_id"), str) else None
    oid = extra.get("object_id") if isinstance(extra.get("object_id"), str) else None
    if subject and not sid:
        sid = derive_id(claim_type, "subject", subject, kb)
    if object_ and not oid:
        oid = derive_id(claim_type, "object", object_, kb)
    return sid, (oid if object_ else None)


def _words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), strip_accents(m.group()).lower()) for m in _WORD.finditer(text)]


def name_forms(id_: str, name: str, kb: KnowledgeBase) -> set[str]:
    """The names a report may use for an entity: its name, its aliases, a person's surname."""
    forms = {name}
    entity = kb.get(id_)
    if entity is not None:
        forms.add(entity.name)
        forms.update(entity.aliases)
    if kind_of(id_) == "person":
        for full in list(forms):
            words = full.split()
            if len(words) >= 2:
                forms.add(words[-1])
                if len(words) >= 3:
                    forms.add(" ".join(words[-2:]))
    return {f for f in forms if f.strip()}


def surface_forms(forms: Iterable[str], texts: Iterable[str]) -> set[str]:
    """Each of `forms` as written in `texts` (case and accents as the report has them)."""
    wanted = {tuple(w for _s, _e, w in _words(f)) for f in forms}
    wanted.discard(())
    longest = max((len(w) for w in wanted), default=0)
    found: set[str] = set()
    for text in texts:
        words = _words(text)
        i = 0
        while i < len(words):
            step = 1
            for size in range(min(longest, len(words) - i), 0, -1):
                key = tuple(w for _s, _e, w in words[i : i + size])
                if key in wanted:
                    found.add(text[words[i][0] : words[i + size - 1][1]])
                    step = size
                    break
            i += step
    return found


def report_entities(claims: Iterable[Any], kb: KnowledgeBase) -> ReportEntities:
    """Ids, entities and surface forms of one report's claims (Claim objects or rows alike).

    A claim-like object has type, subject, object, evidence, extra and, optionally, counterpart.
    """
    out = ReportEntities()
    evidence: dict[str, list[str]] = {}

    def note(id_: str, name: str, text: str, surface: str | None) -> None:
        if id_ not in out.entities:
            entity = kb.get(id_)
            out.entities[id_] = (entity.name if entity else name, kind_of(id_), entity is not None)
        evidence.setdefault(id_, []).append(text)
        surfaces = out.surfaces.setdefault(id_, set())
        if surface:
            surfaces.add(surface)

    for claim in claims:
        extra = claim.extra if isinstance(claim.extra, dict) else {}
        sid, oid = party_ids(claim.type, claim.subject, claim.object, extra, kb)
        out.claim_ids.append((sid, oid))
        text = claim.evidence or ""
        if sid:
            note(sid, claim.subject, text, extra.get("subject_surface"))
        if oid and claim.object:
            note(oid, claim.object, text, extra.get("object_surface"))
        counterpart = getattr(claim, "counterpart", None)
        if counterpart:
            note(derive_id(claim.type, "counterpart", counterpart, kb), counterpart, text, None)
    for id_, texts in evidence.items():
        name = out.entities[id_][0]
        out.surfaces[id_] |= surface_forms(name_forms(id_, name, kb), texts)
    return out


def mention_rows(doc: str, found: ReportEntities) -> list[dict[str, str]]:
    rows = []
    for id_, forms in found.surfaces.items():
        for surface in sorted(forms) or [""]:
            folded = normalized_text(surface)
            rows.append({"entity_id": id_, "doc": doc, "surface": surface[:255], "surface_folded": folded})
    return rows


def _insert_ignoring_duplicates(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL: safe when two writers race."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    conn.execute(insert(table).on_conflict_do_nothing(), rows)


def write_report_entities(
    conn: Any, entities_t: Any, mentions_t: Any, doc: str, published: str | None, found: ReportEntities
) -> None:
    """Upsert the report's entities (widening first/last seen) and insert its mentions."""
    from sqlalchemy import case, or_, update

    rows = [
        {
            "id": id_,
            "name": name,
            "kind": kind,
            "known": known,
            "first_seen": published,
            "last_seen": published,
            "name_folded": normalized_text(name),
        }
        for id_, (name, kind, known) in found.entities.items()
    ]
    _insert_ignoring_duplicates(conn, entities_t, rows)
    if published and rows:
        c = entities_t.c
        conn.execute(
            update(entities_t)
            .where(c.id.in_([r["id"] for r in rows]))
            .where(or_(c.first_seen.is_(None), c.first_seen > published, c.last_seen < published))
            .values(
                first_seen=case(
                    (or_(c.first_seen.is_(None), c.first_seen > published), published), else_=c.first_seen
                ),
                last_seen=case(
                    (or_(c.last_seen.is_(None), c.last_seen < published), published), else_=c.last_seen
                ),
            )
        )
    known_now = [id_ for id_, (_n, _k, known) in found.entities.items() if known]
    if known_now:  # an entity met in text and later added to the knowledge base
        conn.execute(
            update(entities_t)
            .where(entities_t.c.id.in_(known_now), entities_t.c.known.is_(False))
            .values(known=True)
        )
    _insert_ignoring_duplicates(conn, mentions_t, mention_rows(doc, found))
