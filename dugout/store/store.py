"""The Store: articles and their claims in one database, SQLite or PostgreSQL.

Every write is one report in one transaction (its article row and all its
claim rows, or nothing), so a batch killed half-way leaves whole reports only
and rerunning it adds just the missing ones. Duplicates are refused by the
database's own unique constraints (article id, content hash), which keeps
`add_report` idempotent even when two processes ingest the same report at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    and_,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.exc import DBAPIError, IntegrityError

from ..kb.outlets import report_outlet
from ..records import MAX_OFFSET, Article, Claim, normalized_text
from .derived import (
    assign_cluster,
    derived_claim_columns,
    mark_copies,
    mark_copies_within,
    publishers,
    update_outcomes,
)
from .engine import make_engine
from .errors import StoreError
from .migrations import MIGRATIONS, Migration, current_version, migrate
from .schema import articles as articles_t
from .schema import claim_names as claim_names_t
from .schema import claims as claims_t
from .schema import entities as entities_t
from .schema import mentions as mentions_t
from .urls import resolve_db_url


@dataclass
class StoredClaim:
    """A stored claim with what a reader needs to cite it: the report's date, title and link."""

    claim: Claim
    published: str | None
    title: str | None
    url: str | None
    id: int | None = None
    copies: int = 1
    """How many stored claims this one stands for: the same claim in copies of one report."""
    cluster: str | None = None
    """The report's near-copy cluster (version 4), when the query read it."""
    report_outlet: str | None = None


def fold_name(name: str | None) -> str | None:
    """The form names are matched in: case, accents and punctuation folded (as the scorer does)."""
    return normalized_text(name) if name is not None else None


def _one_line(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    lines = str(orig).strip().splitlines()
    return lines[0] if lines else type(orig).__name__


def _article_row(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "url": article.url,
        "outlet": report_outlet(article.outlet, article.url),
        "published": article.published,
        "title": article.title,
        "text": article.text,
        "author": article.author,
        "source": article.source,
        "content_hash": article.content_hash,
        "published_hint": bool(article.published_hint),
        "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _claim_row(claim: Claim) -> dict[str, Any]:
    return {
        "doc": claim.doc,
        "type": claim.type,
        "subject": claim.subject,
        "object": claim.object,
        "value": claim.value,
        "polarity": claim.polarity,
        "modality": claim.modality,
        "evidence": claim.evidence,
        "attribution": claim.attribution,
        "outlet": claim.outlet,
        "happened": claim.when,
        "confidence": claim.confidence,
        "competition": claim.competition,
        "counterpart": claim.counterpart,
        "extra": claim.extra or None,
        "subject_folded": fold_name(claim.subject),
        "object_folded": fold_name(claim.object),
    }


def _claim_from_row(row: Any) -> Claim:
    return Claim(
        doc=row.doc,
        type=row.type,
        subject=row.subject,
        object=row.object,
        value=row.value,
        polarity=row.polarity,
        modality=row.modality,
        evidence=row.evidence,
        attribution=row.attribution,
        outlet=row.outlet,
        when=row.happened,
        confidence=row.confidence,
        competition=row.competition,
        counterpart=row.counterpart,
        extra=dict(row.extra or {}),
    )


def _stored_claim(row: Any, story: bool = False) -> StoredClaim:
    """A claim row joined with its report's date, title and link; with `story`, its report's
    outlet and near-copy cluster and its number of copies, which the row then holds."""
    found = StoredClaim(
        claim=_claim_from_row(row),
        published=row.article_published,
        title=row.article_title,
        url=row.article_url,
        id=row.id,
    )
    if story:
        found.copies = int(row.copies or 1)
        found.cluster = row.article_cluster
        found.report_outlet = row.article_outlet
    return found


def _claims_with_reports(*extra: Any) -> Select[Any]:
    """Claims joined with their report's date, title and link (and any `extra` report columns)."""
    return select(
        claims_t,
        articles_t.c.published.label("article_published"),
        articles_t.c.title.label("article_title"),
        articles_t.c.url.label("article_url"),
        *extra,
    ).join(articles_t, claims_t.c.doc == articles_t.c.id)


def _article_from_row(row: Any) -> Article:
    return Article(
        id=row.id,
        text=row.text,
        title=row.title,
        url=row.url,
        outlet=row.outlet,
        published=row.published,
        author=row.author,
        source=row.source,
        published_hint=bool(row.published_hint),
    )


def _name_matches(column: Any, words: list[str]) -> ColumnElement[bool]:
    """Every query word is a whole word of the folded name: " carlo ancelotti " LIKE "% ancelotti %".

    Folded names hold only letters, digits and single spaces, so no LIKE wildcard needs escaping.
    """
    padded = literal(" ") + column + literal(" ")
    return and_(*(padded.like(f"% {word} %") for word in words))


CLAIM_NAMES_VERSION = 3
"""The schema version that brought `claim_names`."""
DERIVED_VERSION = 4
"""The schema version that brought report days, signatures, near-copy clusters and outcomes."""


def add_claim_names(conn: Any, rows: list[dict[str, Any]]) -> None:
    """Record the folded names of new claim rows in `claim_names` (existing names left alone)."""
    from .entities import _insert_ignoring_duplicates

    names = {r[k] for r in rows for k in ("subject_folded", "object_folded") if r.get(k)}
    if names:
        _insert_ignoring_duplicates(conn, claim_names_t, [{"folded": n} for n in sorted(names)])


class Store:
    """Articles and claims in one database. Open with `Store.open(db)`; use as a context manager."""

    def __init__(self, engine: Engine, url: str, version: int) -> None:
        self.engine = engine
        self.url = url
        self._version = version
        self._publishers: set[str] | None = None

    @classmethod
    def open(cls, db: str | None = None, *, migrations: tuple[Migration, ...] | None = None) -> Store:
        """Open (creating or upgrading the schema as needed) the database `db` names.

        `db` is a path, a URL or None, as `resolve_db_url` reads it. `migrations`
        replaces the built-in steps (tests use it to check upgrades).
        """
        url = resolve_db_url(db)
        engine = make_engine(url)
        try:
            version = migrate(engine, MIGRATIONS if migrations is None else migrations)
        except DBAPIError as error:
            engine.dispose()
            shown = engine.url.render_as_string(hide_password=True)
            raise StoreError(f"cannot open database {shown}: {_one_line(error)}") from error
        except BaseException:
            engine.dispose()  # no pooled connection may outlive a failed open
            raise
        return cls(engine, url, version)

    def close(self) -> None:
        """Release the connections (and, for SQLite, the file)."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        """The schema version recorded in the database."""
        with self.engine.connect() as conn:
            return current_version(conn)

    # -- writing -------------------------------------------------------------------------------

    def _known_publishers(self, conn: Any) -> set[str]:
        """The outlets stored so far, read once per Store and then kept up to date by our writes.

        Voices credited in outcomes match loose attributions against them; an outlet another
        process stores meanwhile is picked up on the next open.
        """
        if self._publishers is None:
            self._publishers = publishers(conn)
        return self._publishers

    def find_duplicate(self, article: Article) -> str | None:
        """The id of a stored report with the same id or the same normalized text, else None.

        Two primary/unique-key look-ups: cheap enough to run before parsing every report.
        """
        with self.engine.connect() as conn:
            found = conn.execute(select(articles_t.c.id).where(articles_t.c.id == article.id)).scalar()
            if found is None:
                found = conn.execute(
                    select(articles_t.c.id).where(articles_t.c.content_hash == article.content_hash)
                ).scalar()
        return found

    def stored_of(self, articles: list[Article], chunk: int = 500) -> set[str]:
        """The ids of those `articles` already stored, by id or by the same normalized text.

        The batch form of `find_duplicate`: two indexed `IN` look-ups per `chunk` reports, so
        re-reading a folder of 10,000 stored reports takes seconds and parses nothing.
        """
        found: set[str] = set()
        with self.engine.connect() as conn:
            for i in range(0, len(articles), chunk):
                part = articles[i : i + chunk]
                ids = {a.id for a in part}
                found |= set(conn.execute(select(articles_t.c.id).where(articles_t.c.id.in_(ids))).scalars())
                hashes = {a.content_hash: a.id for a in part if a.id not in found}
                if hashes:
                    query = select(articles_t.c.content_hash).where(articles_t.c.content_hash.in_(hashes))
                    found |= {hashes[h] for h in conn.execute(query).scalars()}
        return found

    def add_report(self, article: Article, claims: list[Claim]) -> bool:
        """Store a report and its claims in one transaction; False if it is already stored.

        A duplicate (same id or same normalized text) changes nothing. The early
        check saves work; the unique constraints make it safe under a race.
        Any other failure rolls the whole report back and raises StoreError.
        """
        wrong = [c.doc for c in claims if c.doc != article.id]
        if wrong:
            raise ValueError(f"claims of report {article.id!r} name another doc: {wrong[0]!r}")
        if self.find_duplicate(article) is not None:
            return False
        from dugout.kb.index import load_kb

        from .entities import report_entities, write_report_entities

        found = report_entities(claims, load_kb())
        derived = self._version >= DERIVED_VERSION
        report = _article_row(article)
        outlet = report["outlet"]  # a claim says who published it: its own outlet, else its report's
        rows = [
            {**_claim_row(c), "outlet": c.outlet or outlet, "subject_id": sid, "object_id": oid}
            for c, (sid, oid) in zip(claims, found.claim_ids, strict=True)
        ]
        if derived:
            rows = [{**r, **derived_claim_columns(r, article.published, outlet)} for r in rows]
        try:
            with self.engine.begin() as conn:
                # The article row first: on SQLite it takes the write lock before anything is read.
                conn.execute(articles_t.insert(), report)
                if derived:
                    cluster = assign_cluster(conn, article.id, article.text)
                    if rows:
                        mark_copies(conn, rows, cluster)
                if rows:
                    conn.execute(claims_t.insert(), rows)
                    if self._version >= CLAIM_NAMES_VERSION:
                        add_claim_names(conn, rows)
                write_report_entities(conn, entities_t, mentions_t, article.id, article.published, found)
                if derived and rows:
                    mark_copies_within(conn, article.id)
                    update_outcomes(conn, article.id, self._known_publishers(conn))
        except IntegrityError as error:
            if self.find_duplicate(article) is not None:
                return False  # another writer stored it between our check and our insert
            raise StoreError(f"cannot store report {article.id}: {_one_line(error)}") from error
        if self._publishers is not None:
            self._publishers |= {o for o in (outlet, *(c.outlet for c in claims)) if o}
        return True

    # -- reading -------------------------------------------------------------------------------

    def claims(
        self,
        about: str | None = None,
        type: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[StoredClaim]:
        """Stored claims, oldest report first (undated reports last), filtered.

        `about` matches subject or object when every word of it is a word of the
        name, ignoring case and accents ("ancelotti" finds "Carlo Ancelotti");
        `outlet` is the claim's outlet, or its report's when the claim has none;
        `since` is an ISO date compared with the report's publication date, so
        undated reports drop out. `limit` and `offset` are at most MAX_OFFSET.
        """
        for name, n in (("limit", limit or 0), ("offset", offset)):
            if not 0 <= n <= MAX_OFFSET:
                raise ValueError(f"{name} must be between 0 and {MAX_OFFSET:,}, not {n}")
        query = self._claims_query(about, type, outlet, since)
        if query is None:
            return []
        query = query.order_by(articles_t.c.published.asc().nulls_last(), claims_t.c.id)
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [_stored_claim(row) for row in rows]

    def count_claims(
        self,
        about: str | None = None,
        type: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
    ) -> int:
        """How many stored claims `claims()` would give with these filters and no limit."""
        query = self._claims_query(about, type, outlet, since)
        if query is None:
            return 0
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(query.subquery())).scalar_one())

    def _claims_query(
        self, about: str | None, type: str | None, outlet: str | None, since: str | None
    ) -> Select[Any] | None:
        """The filtered claims query (unordered), or None when no stored name matches `about`."""
        query = _claims_with_reports()
        words = normalized_text(about).split() if about else []
        if words and self._version >= CLAIM_NAMES_VERSION:
            # The few names that hold every word, then their claims through the name indexes.
            matching = self._matching_names(about or "")
            if not matching:
                return None
            query = query.where(
                or_(claims_t.c.subject_folded.in_(matching), claims_t.c.object_folded.in_(matching))
            )
        elif words:  # a database opened at an older version: scan
            query = query.where(
                or_(
                    _name_matches(claims_t.c.subject_folded, words),
                    _name_matches(claims_t.c.object_folded, words),
                )
            )
        if type:
            query = query.where(claims_t.c.type == type)
        if outlet:
            query = query.where(
                or_(
                    claims_t.c.outlet == outlet,
                    and_(claims_t.c.outlet.is_(None), articles_t.c.outlet == outlet),
                )
            )
        if since:
            query = query.where(articles_t.c.published.is_not(None), articles_t.c.published >= since)
        return query

    def _matching_names(self, about: str) -> list[str]:
        """The folded names in `claim_names` holding every word of `about`."""
        words = normalized_text(about).split()
        if not words:
            return []
        names = select(claim_names_t.c.folded).where(_name_matches(claim_names_t.c.folded, words))
        with self.engine.connect() as conn:
            return list(conn.execute(names).scalars())

    def distinct_claims(
        self, about: str, type: str | None = None, until: str | None = None
    ) -> list[StoredClaim]:
        """The claims about a name, one per distinct claim, with how many stored claims it stands for.

        A claim stored again in a copy of its report (same words, report date and outlet, and a
        near-copy of the same text) is one line of a story: the store marks copies at ingest
        (`dup_of`, version 4), so only the first is read, with `copies` saying how many it is.
        `until` (an ISO day) keeps claims whose report day is on or before it. Falls back to
        `claims()` on an older database.
        """
        if self._version < DERIVED_VERSION:
            rows = self.claims(about=about, type=type)
            return [r for r in rows if until is None or (r.published or r.claim.when or "")[:10] <= until]
        names = self._matching_names(about)
        if not names:
            return []
        c = claims_t.c
        # (name, dup_of IS NULL) is an index range: the copies of a claim are never read
        cond = [
            or_(
                and_(c.subject_folded.in_(names), c.dup_of.is_(None)),
                and_(c.object_folded.in_(names), c.dup_of.is_(None)),
            )
        ]
        if until:
            cond.append(c.day <= until)
        query = (
            _claims_with_reports(
                articles_t.c.outlet.label("article_outlet"), articles_t.c.cluster.label("article_cluster")
            )
            .where(*cond)
            .order_by(articles_t.c.published.asc().nulls_last(), c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        # the type is checked here: in SQL the planner would rather walk every claim of that type
        return [_stored_claim(row, story=True) for row in rows if type is None or row.type == type]

    def claims_by_ids(self, ids: list[int]) -> dict[int, StoredClaim]:
        """Stored claims by id, with their reports' date, title, link, outlet and cluster."""
        found: dict[int, StoredClaim] = {}
        wanted = sorted(set(ids))
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), 500):
                query = _claims_with_reports(articles_t.c.outlet.label("article_outlet")).where(
                    claims_t.c.id.in_(wanted[i : i + 500])
                )
                for row in conn.execute(query):
                    found[row.id] = _stored_claim(row)
                    found[row.id].report_outlet = row.article_outlet
        return found

    def articles(self, limit: int | None = None, offset: int = 0) -> list[Article]:
        """Stored reports, oldest first (undated last), then by id."""
        query = select(articles_t).order_by(articles_t.c.published.asc().nulls_last(), articles_t.c.id)
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        with self.engine.connect() as conn:
            return [_article_from_row(row) for row in conn.execute(query)]

    def article(self, id: str) -> Article | None:
        """The stored report with this id, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(articles_t).where(articles_t.c.id == id)).first()
        return _article_from_row(row) if row is not None else None

    def claims_of(self, doc: str) -> list[Claim]:
        """The claims of one report, in the order they were stored."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(claims_t).where(claims_t.c.doc == doc).order_by(claims_t.c.id))
            return [_claim_from_row(row) for row in rows]

    # -- entities ------------------------------------------------------------------------------

    def find_entities(self, query: str) -> list[dict[str, Any]]:
        """Entities a name or id may stand for, best match first.

        An id ("person:carlo-ancelotti") finds that entity; a name finds the entities of that
        exact name (folded), else those written that way in a report ("Los Blancos"), else those
        whose name holds every word of it ("Ancelotti" finds "Carlo Ancelotti").
        """
        folded = normalized_text(query)
        c = entities_t.c
        with self.engine.connect() as conn:
            if ":" in query:
                rows = conn.execute(select(entities_t).where(c.id == query.strip())).all()
                if rows:
                    return [self._entity_dict(conn, r) for r in rows]
            if not folded:
                return []
            rows = conn.execute(select(entities_t).where(c.name_folded == folded)).all()
            if not rows:
                seen = select(mentions_t.c.entity_id).where(mentions_t.c.surface_folded == folded)
                rows = conn.execute(select(entities_t).where(c.id.in_(seen))).all()
            if not rows:
                rows = conn.execute(
                    select(entities_t).where(_name_matches(c.name_folded, folded.split()))
                ).all()
            found = [self._entity_dict(conn, r) for r in rows]
        return sorted(found, key=lambda e: (-len(e["reports"]), e["name"], e["id"]))

    def entity(self, name_or_id: str) -> dict[str, Any] | None:
        """One entity by id or name, with its surface forms and reports; None if none or several match.

        The dict: id, name, kind, known, first_seen, last_seen, surface_forms (as reports wrote
        it), reports (doc, published, outlet, title, url, oldest first), claims (how many).
        """
        found = self.find_entities(name_or_id)
        return found[0] if len(found) == 1 else None

    def entity_claims(self, entity_id: str) -> list[StoredClaim]:
        """The stored claims with this entity as subject or object, oldest report first."""
        query = (
            _claims_with_reports()
            .where(or_(claims_t.c.subject_id == entity_id, claims_t.c.object_id == entity_id))
            .order_by(articles_t.c.published.asc().nulls_last(), claims_t.c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [_stored_claim(row) for row in rows]

    def _entity_dict(self, conn: Any, row: Any) -> dict[str, Any]:
        surfaces = conn.execute(
            select(mentions_t.c.surface, mentions_t.c.doc).where(mentions_t.c.entity_id == row.id)
        ).all()
        docs = {doc for _s, doc in surfaces}
        reports = conn.execute(
            select(
                articles_t.c.id,
                articles_t.c.published,
                articles_t.c.outlet,
                articles_t.c.title,
                articles_t.c.url,
            )
            .where(articles_t.c.id.in_(docs))
            .order_by(articles_t.c.published.asc().nulls_last(), articles_t.c.id)
        ).all()
        n_claims = conn.execute(
            select(func.count())
            .select_from(claims_t)
            .where(or_(claims_t.c.subject_id == row.id, claims_t.c.object_id == row.id))
        ).scalar_one()
        return {
            "id": row.id,
            "name": row.name,
            "kind": row.kind,
            "known": bool(row.known),
            "first_seen": row.first_seen,
            "last_seen": row.last_seen,
            "surface_forms": sorted({s for s, _d in surfaces if s}),
            "reports": [
                {"doc": r.id, "published": r.published, "outlet": r.outlet, "title": r.title, "url": r.url}
                for r in reports
            ],
            "claims": int(n_claims),
        }

    def counts(self) -> dict[str, int]:
        """How many reports and claims are stored."""
        with self.engine.connect() as conn:
            n_articles = conn.execute(select(func.count()).select_from(articles_t)).scalar_one()
            n_claims = conn.execute(select(func.count()).select_from(claims_t)).scalar_one()
        return {"articles": int(n_articles), "claims": int(n_claims)}
