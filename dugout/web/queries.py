"""Read-only queries the pages and the API need beyond `Store`'s own: newest first, with claim ids.

Each is one or two indexed SQL statements (no query per row), so a page costs
the same on a store of fifty reports or of fifty thousand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select

from dugout.records import normalized_text
from dugout.store import Store, StoredClaim
from dugout.store.schema import articles as articles_t
from dugout.store.schema import claims as claims_t
from dugout.store.schema import entities as entities_t
from dugout.store.store import _claim_from_row

STORY_KINDS = ("person", "club", "national_team")


@dataclass
class ReportRow:
    """One stored report as a list shows it."""

    id: str
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    claims: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "outlet": self.outlet,
            "published": self.published,
            "url": self.url,
            "claims": self.claims,
        }


def _newest_first():
    return (
        articles_t.c.published.desc().nulls_last(),
        articles_t.c.ingested_at.desc(),
        articles_t.c.id,
    )


def recent_reports(store: Store, limit: int = 50, offset: int = 0) -> list[ReportRow]:
    """Stored reports, newest publication first (undated last), with how many claims each gave."""
    counted = (
        select(claims_t.c.doc, func.count().label("n"))
        .where(claims_t.c.doc.in_(select(articles_t.c.id).order_by(*_newest_first()).limit(limit + offset)))
        .group_by(claims_t.c.doc)
        .subquery()
    )
    query = (
        select(
            articles_t.c.id,
            articles_t.c.title,
            articles_t.c.outlet,
            articles_t.c.published,
            articles_t.c.url,
            func.coalesce(counted.c.n, 0).label("n"),
        )
        .outerjoin(counted, counted.c.doc == articles_t.c.id)
        .order_by(*_newest_first())
        .limit(limit)
        .offset(offset)
    )
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [ReportRow(r.id, r.title, r.outlet, r.published, r.url, int(r.n)) for r in rows]


def report_claims(store: Store, doc: str) -> list[StoredClaim]:
    """The claims of one report with their ids, in the order they were stored."""
    query = select(claims_t).where(claims_t.c.doc == doc).order_by(claims_t.c.id)
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        StoredClaim(claim=_claim_from_row(r), published=None, title=None, url=None, id=r.id) for r in rows
    ]


def newest_stories(store: Store, reports: int = 40, limit: int = 12) -> list[dict[str, Any]]:
    """People and clubs named in the newest reports, the most-claimed first.

    Each: id, name, kind, claims (in those reports), reports, latest (newest report date).
    """
    newest = select(articles_t.c.id).order_by(*_newest_first()).limit(reports).subquery()
    rows: dict[str, dict[str, Any]] = {}
    with store.engine.connect() as conn:
        for column in (claims_t.c.subject_id, claims_t.c.object_id):
            query = (
                select(
                    column.label("entity"),
                    func.count().label("n"),
                    func.count(func.distinct(claims_t.c.doc)).label("docs"),
                    func.max(articles_t.c.published).label("latest"),
                )
                .join(articles_t, articles_t.c.id == claims_t.c.doc)
                .where(claims_t.c.doc.in_(select(newest.c.id)), column.is_not(None))
                .group_by(column)
            )
            for r in conn.execute(query):
                row = rows.setdefault(r.entity, {"id": r.entity, "claims": 0, "reports": 0, "latest": None})
                row["claims"] += int(r.n)
                row["reports"] = max(row["reports"], int(r.docs))
                if r.latest and (row["latest"] is None or r.latest > row["latest"]):
                    row["latest"] = r.latest
        if not rows:
            return []
        names = conn.execute(
            select(entities_t.c.id, entities_t.c.name, entities_t.c.kind).where(
                entities_t.c.id.in_(list(rows)), entities_t.c.kind.in_(STORY_KINDS)
            )
        ).all()
    found = []
    for e in names:
        row = rows[e.id]
        row.update(name=e.name, kind=e.kind)
        found.append(row)
    found.sort(key=lambda r: (-r["reports"], -r["claims"], r["name"]))
    return found[:limit]


def oldest_recent_date(store: Store, reports: int = 40) -> str | None:
    """The publication date of the oldest of the newest `reports` dated reports."""
    newest = (
        select(articles_t.c.published)
        .where(articles_t.c.published.is_not(None))
        .order_by(articles_t.c.published.desc())
        .limit(reports)
        .subquery()
    )
    with store.engine.connect() as conn:
        return conn.execute(select(func.min(newest.c.published))).scalar()


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_reports(store: Store, q: str, limit: int = 20) -> list[dict[str, Any]]:
    """Reports whose title or text holds `q` (case-insensitive), newest first, with a snippet."""
    q = q.strip()
    if not q:
        return []
    pattern = _like(q)
    query = (
        select(
            articles_t.c.id,
            articles_t.c.title,
            articles_t.c.outlet,
            articles_t.c.published,
            articles_t.c.text,
        )
        .where(
            or_(
                articles_t.c.title.ilike(pattern, escape="\\"),
                articles_t.c.text.ilike(pattern, escape="\\"),
            )
        )
        .order_by(*_newest_first())
        .limit(limit)
    )
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    out = []
    for r in rows:
        at = r.text.lower().find(q.lower())
        start = max(0, at - 80) if at >= 0 else 0
        end = at + len(q) + 120 if at >= 0 else 200
        snippet = (
            ("…" if start else "") + " ".join(r.text[start:end].split()) + ("…" if end < len(r.text) else "")
        )
        out.append(
            {"id": r.id, "title": r.title, "outlet": r.outlet, "published": r.published, "snippet": snippet}
        )
    return out


def search_entities(store: Store, q: str, limit: int = 20) -> list[dict[str, Any]]:
    """People and clubs a query names: the store's own matching (exact, as written, every word),
    else names that start with what was typed ("ance" finds "Carlo Ancelotti")."""
    found = [
        {k: e[k] for k in ("id", "name", "kind", "first_seen", "last_seen", "claims")}
        | {"reports": len(e["reports"])}
        for e in store.find_entities(q)
    ]
    words = normalized_text(q).split()
    if not found and words:
        prefix = words[-1]
        padded = " " + entities_t.c.name_folded
        cond = [
            padded.like(f"% {w} %" if i < len(words) - 1 else f"% {prefix}%") for i, w in enumerate(words)
        ]
        query = select(entities_t).where(*cond).order_by(entities_t.c.name).limit(limit)
        with store.engine.connect() as conn:
            rows = conn.execute(query).all()
            ids = [r.id for r in rows]
            counts = dict(
                conn.execute(
                    select(claims_t.c.subject_id, func.count())
                    .where(claims_t.c.subject_id.in_(ids))
                    .group_by(claims_t.c.subject_id)
                ).all()
            )
        found = [
            {
                "id": r.id,
                "name": r.name,
                "kind": r.kind,
                "first_seen": r.first_seen,
                "last_seen": r.last_seen,
                "claims": int(counts.get(r.id, 0)),
                "reports": None,
            }
            for r in rows
        ]
    return found[:limit]


def outlet_reports(store: Store, outlet: str) -> int:
    """How many stored reports an outlet published."""
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(articles_t).where(articles_t.c.outlet == outlet)
            ).scalar_one()
        )


def outlets(store: Store) -> list[dict[str, Any]]:
    """Every outlet with stored reports: name, reports, latest report date."""
    query = (
        select(
            articles_t.c.outlet,
            func.count().label("n"),
            func.max(articles_t.c.published).label("latest"),
        )
        .where(articles_t.c.outlet.is_not(None))
        .group_by(articles_t.c.outlet)
        .order_by(func.count().desc(), articles_t.c.outlet)
    )
    with store.engine.connect() as conn:
        return [
            {"outlet": r.outlet, "reports": int(r.n), "latest": r.latest} for r in conn.execute(query).all()
        ]
