"""Fetch what a story is built from: the stored claims about one name, dated and sourced.

Everything after this module is pure functions over `StoryClaim` lists, so the
CLI, the HTTP API and the web page share one story logic and only this module
talks to the store. A claim is dated by its own `when` where the report gives
one, else by its report's publication date (and marked undated), because a
story needs an order even for claims that say no date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dugout.kb.names import fold, names_match
from dugout.records import Claim

from .dates import end_of, start_of


@dataclass
class StoryClaim:
    """One stored claim with what the story needs: its report's date, outlet and independent voice.

    `voice` is who is really speaking, for counting corroboration: the outlet
    a report cites ("say Marca" counts as Marca), else the report's publisher,
    with near-duplicate copies of one report folded onto the first copy's
    publisher (see `dedup.py`).
    """

    claim: Claim
    id: int | None
    published: str | None
    outlet: str | None
    title: str | None = None
    url: str | None = None
    voice: str | None = None
    copies: int = 1

    @property
    def doc(self) -> str:
        return self.claim.doc

    @property
    def dated(self) -> bool:
        """True when the claim itself says when; False when it is placed by its report's date."""
        return bool(self.claim.when)

    @property
    def history(self) -> bool:
        """True when the claim's clause places it in the past (a career note): see `history.py`."""
        from .history import is_history

        return is_history(self.claim, start_of(self.published))

    @property
    def date(self) -> str | None:
        """When it happened or will happen, as precise as known: `when`, else the report's date."""
        return self.claim.when or self.published

    @property
    def report_day(self) -> date | None:
        """The report's publication day (or the claim's own date when the report has none)."""
        return start_of(self.published) or start_of(self.claim.when)

    @property
    def day(self) -> date | None:
        """The first day the claim's date can mean, for ordering."""
        return start_of(self.date)

    def cite(self) -> dict[str, Any]:
        """The citation a reader checks: outlet, report date, cited source, evidence, claim id."""
        return {
            "claim_id": self.id,
            "doc": self.doc,
            "outlet": self.outlet,
            "published": self.published,
            "attribution": self.claim.attribution,
            "voice": self.voice,
            "when": self.claim.when,
            "modality": self.claim.modality,
            "evidence": self.claim.evidence,
            "url": self.url,
            "copies": self.copies,
        }

    def label(self) -> str:
        """ "[ESPN, 2023-05-19]" style citation text."""
        return f"{self.outlet or 'unknown outlet'}, {self.published or 'undated'}"


@dataclass
class StoryInput:
    """The claims about one name up to a date, the reports they come from, and the resolved name."""

    query: str
    name: str
    as_of: str | None
    claims: list[StoryClaim]
    clusters: dict[str, str | None] = field(default_factory=dict)
    track: dict[str, Any] = field(default_factory=dict)
    people: dict[str, set[str]] = field(default_factory=dict)
    """What the store's claims make the people named for a job (folded name -> coach, player ...)."""

    @property
    def docs(self) -> list[str]:
        return sorted({c.doc for c in self.claims})


def about(claim: Claim, name: str) -> bool:
    """Whether a claim is about `name` as subject or object, by the evaluation's name rule."""
    return names_match(claim.subject, name) or names_match(claim.object, name)


def canonical_name(query: str, claims: list[Claim]) -> str:
    """The fullest stored name the query stands for ("Ancelotti" -> "Carlo Ancelotti")."""
    counts: dict[str, int] = {}
    for c in claims:
        for n in (c.subject, c.object):
            if n and names_match(n, query):
                counts[n] = counts.get(n, 0) + 1
    if not counts:
        return query
    exact = [n for n in counts if fold(n) == fold(query)]
    if exact:
        return max(exact, key=lambda n: counts[n])
    return max(counts, key=lambda n: (counts[n], len(n)))


def on_or_before(c: StoryClaim, as_of: str | None) -> bool:
    """Whether a claim's report was out by `as_of`; an undated report counts only when no date is asked.

    A report without a publication date is placed by the claim's own date, if any.
    """
    if as_of is None:
        return True
    day = c.report_day
    limit = end_of(as_of)
    return day is not None and limit is not None and day <= limit


def report_meta(store: Any, docs: set[str] | None = None) -> dict[str, tuple[str | None, str | None]]:
    """(outlet, text) of stored reports, in one read-only query (texts only for `docs`)."""
    from sqlalchemy import select

    from dugout.store.schema import articles as articles_t

    with store.engine.connect() as conn:
        if docs is None:
            rows = conn.execute(select(articles_t.c.id, articles_t.c.outlet)).all()
            return {r.id: (r.outlet, None) for r in rows}
        out: dict[str, tuple[str | None, str | None]] = {}
        wanted = sorted(docs)
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            query = select(articles_t.c.id, articles_t.c.outlet, articles_t.c.text).where(
                articles_t.c.id.in_(chunk)
            )
            for r in conn.execute(query):
                out[r.id] = (r.outlet, r.text)
        return out


def to_story_claims(rows: list[Any], outlets: dict[str, str | None] | None = None) -> list[StoryClaim]:
    """StoredClaim rows to StoryClaims, the claim's outlet falling back to its report's.

    The report's outlet comes from the row when the query read it, else from `outlets`.
    """
    outlets = outlets or {}
    return [
        StoryClaim(
            claim=row.claim,
            id=row.id,
            published=row.published,
            outlet=row.claim.outlet or getattr(row, "report_outlet", None) or outlets.get(row.claim.doc),
            title=row.title,
            url=row.url,
            copies=getattr(row, "copies", 1),
        )
        for row in rows
    ]


def _until(as_of: str | None) -> str | None:
    limit = end_of(as_of) if as_of else None
    return limit.isoformat() if limit else None


def load_claims(
    store: Any, name: str, as_of: str | None = None, type: str | None = None
) -> tuple[list[StoryClaim], dict[str, str | None]]:
    """The distinct claims about `name` published up to `as_of`, with their reports' clusters.

    One SQL query: claims repeated in copies of a report come back once, counted
    (`Store.distinct_claims`), so a name with thousands of stored claims costs its distinct ones.
    """
    rows = [r for r in store.distinct_claims(name, type=type, until=_until(as_of)) if about(r.claim, name)]
    if rows and all(r.report_outlet is None and r.cluster is None for r in rows):
        meta = report_meta(store, {r.claim.doc for r in rows})  # an older database: no cluster column
        claims = to_story_claims(rows, {d: m[0] for d, m in meta.items()})
        clusters: dict[str, str | None] = {}
    else:
        claims = to_story_claims(rows)
        clusters = {r.claim.doc: r.cluster for r in rows}
    return [c for c in claims if on_or_before(c, as_of)], clusters


def track_as_of(store: Any, as_of: str | None, claims: list[StoryClaim] | None = None) -> dict[str, Any]:
    """The outlets' track record as of a date, by voice (of `claims`' voices, or every outlet's)."""
    from .track import stored_records

    voices = None if claims is None else {c.voice for c in claims if c.voice}
    return {r.outlet: r for r in stored_records(store, as_of, voices)}


def load_story(store: Any, query: str, as_of: str | None = None, with_track: bool = True) -> StoryInput:
    """The claims about `query` in `store`, published up to `as_of` (default: the newest report).

    Returns a `StoryInput` without claims when nothing matches; the caller
    decides how to say so. Near-copies share a voice through the clusters the
    store assigned at ingest; the outlets' track record up to the same date is
    read from the outcomes the store keeps (`store/outcomes.py`).
    """
    from .dedup import assign_voices

    claims, clusters = load_claims(store, query, as_of)
    if as_of is None:
        dated = [c.published for c in claims if c.published]
        as_of = max(dated) if dated else None
    if clusters:
        assign_voices(claims, {}, clusters)
    else:
        meta = report_meta(store, {c.doc for c in claims})
        assign_voices(claims, {d: m[1] or "" for d, m in meta.items()})
    name = canonical_name(query, [c.claim for c in claims])
    track: dict[str, Any] = {}
    if with_track and claims:
        track = track_as_of(store, as_of, claims)
    return StoryInput(query=query, name=name, as_of=as_of, claims=claims, clusters=clusters, track=track)


def load_all(store: Any, as_of: str | None = None) -> list[StoryClaim]:
    """Every stored claim published up to `as_of`, with voices (outlet citations; no text dedup).

    The reference the stored outcomes are checked against (tests); stories read those instead.
    """
    from .dedup import assign_voices

    outlets = {d: m[0] for d, m in report_meta(store).items()}
    claims = [c for c in to_story_claims(store.claims(), outlets) if on_or_before(c, as_of)]
    assign_voices(claims, {})
    return claims


def people_kinds(store: Any, names: set[str]) -> dict[str, set[str]]:
    """Folded name -> what the store's claims with that person as subject make him ("coach",
    "player", "executive"; see `eligible.store_kinds`), in one query over the subject index."""
    from sqlalchemy import select

    from dugout.store.schema import claims as claims_t

    from .eligible import store_kinds

    folded = sorted({fold(n) for n in names if n})
    found: dict[str, list[Any]] = {}
    c = claims_t.c
    with store.engine.connect() as conn:
        for i in range(0, len(folded), 500):
            query = select(c.subject_folded, c.type, c.value, c.polarity).where(
                c.subject_folded.in_(folded[i : i + 500]),
                c.type.in_(("coach_of", "job_status", "transfer", "holds_role")),
            )
            for row in conn.execute(query):
                found.setdefault(row.subject_folded, []).append(row)
    return {name: store_kinds(rows) for name, rows in found.items()}
