"""Followed names and their alerts: the check after each report, and what was found.

Following a name takes a snapshot of its story's state (`changes.snapshot`), so
what is known already is never announced. After a report is stored, each
followed name it touches is checked: its story is computed again with the
story layer (`dugout.story.story_of`), compared with the snapshot, and the
alerts, the new snapshot and the webhook deliveries owed are written in one
transaction. The snapshot also records the newest claim id it covered, so a
watcher killed between storing a report and checking it (or a report ingested
by another process) is caught up on the next check: nothing is lost, and a
change already announced is not announced again.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from dugout.kb.names import fold, names_match
from dugout.records import Claim
from dugout.store import Store
from dugout.store.entities import _insert_ignoring_duplicates
from dugout.store.schema import alerts as alerts_t
from dugout.store.schema import claims as claims_t
from dugout.store.schema import deliveries as deliveries_t
from dugout.store.schema import follows as follows_t
from dugout.story import Story, story_of

from .changes import Change, facts_of, snapshot, summary_of
from .changes import changes as diff
from .timing import now_iso


@dataclass
class Follow:
    """A followed name, with its story's state as of the last check."""

    id: int
    name: str
    folded: str
    added_at: str
    story: str | None
    related: list[str]
    state: dict[str, Any]
    checked_claim: int

    def concerns(self, claims: list[Claim]) -> bool:
        """Whether a report with these claims may move this story: it names the followed name,
        its story's name, or a club the person coaches (candidates for his job name only the club)."""
        names = [self.name, self.story, *self.related]
        return any(
            names_match(part, name)
            for c in claims
            for part in (c.subject, c.object, c.counterpart)
            if part
            for name in names
            if name
        )


@dataclass
class Alert:
    """A change in a followed story, with the claim that made it, its evidence and its source."""

    id: int
    uuid: str
    name: str
    story: str | None
    kind: str
    question: str
    before: str | None
    after: str
    also: list[str]
    claim: dict[str, Any]
    claim_id: int | None
    doc: str | None
    evidence: str
    outlet: str | None
    published: str | None
    url: str | None
    title: str | None
    created_at: str

    @property
    def summary(self) -> str:
        return summary_of(self.kind, self.question, self.before, self.after)

    def to_dict(self) -> dict[str, Any]:
        """The alert as the CLI (--json), the API and the webhook give it."""
        out = asdict(self)
        out["summary"] = self.summary
        out["source"] = {k: out.pop(k) for k in ("outlet", "published", "doc", "url", "title")}
        return out


_COLUMN = {"before": "state_before", "after": "state_after"}
"""Alert fields stored under another column name."""


def _alert(row: Any) -> Alert:
    m = row._mapping
    found = {f: m[_COLUMN.get(f, f)] for f in Alert.__dataclass_fields__}
    return Alert(**{**found, "also": list(found["also"] or []), "claim": dict(found["claim"] or {})})


def _follow(row: Any) -> Follow:
    m = row._mapping
    found = {f: m[f] for f in Follow.__dataclass_fields__}
    found.update(related=list(m["related"] or []), state=dict(m["state"] or {}))
    return Follow(**{**found, "checked_claim": int(m["checked_claim"] or 0)})


def _top_claim(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.max(claims_t.c.id))).scalar() or 0)


def _related(story: Story | None) -> list[str]:
    """The clubs whose job a followed coach holds: reports about them may name only the club."""
    if story is None or story.kind != "person":
        return []
    clubs = {j.club for j in story.jobs if j.club and j.status not in ("dismissed", "resigned")}
    clubs |= {
        ln.claims[0].claim.object
        for ln in story.roles
        if ln.value in ("current", "interim", "incoming") and ln.claims and ln.claims[0].claim.object
    }
    return sorted(c for c in clubs if c)


# -- following -----------------------------------------------------------------------------------


def follows(store: Store) -> list[Follow]:
    with store.engine.connect() as conn:
        return [_follow(r) for r in conn.execute(select(follows_t).order_by(follows_t.c.id))]


def follow(store: Store, name: str) -> bool:
    """Follow a person or club from now on; False when followed already (or the name is empty).

    The story's present state is the baseline: only what changes after this is announced.
    """
    folded = fold(name)
    if not folded:
        return False
    top = _top_claim(store)
    story = story_of(store, name)
    row = {
        "name": name.strip(),
        "folded": folded,
        "added_at": now_iso(),
        "story": story.name if story else None,
        "related": _related(story),
        "state": snapshot(facts_of(story)),
        "checked_claim": top,
    }
    with store.engine.begin() as conn:
        if conn.execute(select(follows_t.c.id).where(follows_t.c.folded == folded)).first():
            return False
        _insert_ignoring_duplicates(conn, follows_t, [row])
    return True


def unfollow(store: Store, name: str) -> bool:
    """Stop following a name (its alerts stay); False when it was not followed."""
    with store.engine.begin() as conn:
        return bool(conn.execute(delete(follows_t).where(follows_t.c.folded == fold(name))).rowcount)


# -- checking ------------------------------------------------------------------------------------


def check(store: Store, touched: list[Claim] | None = None, targets: tuple[str, ...] = ()) -> list[Alert]:
    """Check the followed names a report's claims touch (every followed name when `touched` is
    None) and store the alerts found; `targets` are webhook URLs owed each new alert."""
    found: list[Alert] = []
    for f in follows(store):
        if touched is not None and not f.concerns(touched):
            continue
        found += _check_one(store, f, targets)
    return found


def _check_one(store: Store, f: Follow, targets: tuple[str, ...]) -> list[Alert]:
    top = _top_claim(store)
    if top <= f.checked_claim:
        return []
    story = story_of(store, f.name)
    facts = facts_of(story)
    moved = diff(f.state, facts, f.checked_claim)
    with _locked(store) as conn:
        current = conn.execute(select(follows_t.c.checked_claim).where(follows_t.c.id == f.id)).scalar()
        if current is None or current >= top:
            return []  # unfollowed meanwhile, or another watcher checked it first
        uuids = [_insert_alert(conn, f, story, ch, targets) for ch in moved]
        conn.execute(
            update(follows_t)
            .where(follows_t.c.id == f.id)
            .values(
                story=story.name if story else f.story,
                related=_related(story),
                state=snapshot(facts),
                checked_claim=top,
            )
        )
    return _by_uuid(store, [u for u in uuids if u])


def _insert_alert(
    conn: Connection, f: Follow, story: Story | None, ch: Change, targets: tuple[str, ...]
) -> str | None:
    """Insert one alert (and its deliveries); its uuid, or None when it was stored already."""
    t = ch.trigger
    dedupe = f"{f.folded}|{ch.fact.key}|{ch.fact.value}|{t.id}"
    if conn.execute(select(alerts_t.c.id).where(alerts_t.c.dedupe == dedupe)).first():
        return None
    key = str(uuid.uuid4())
    story_name = story.name if story else f.name
    alert_id = conn.execute(
        insert(alerts_t).values(
            uuid=key,
            dedupe=dedupe,
            name=f.name,
            folded=f.folded,
            story=story_name,
            story_folded=fold(story_name),
            kind=ch.fact.kind,
            question=ch.fact.question,
            state_before=ch.before,
            state_after=ch.fact.shown,
            also=ch.also or None,
            claim=t.claim.to_dict(),
            claim_id=t.id,
            doc=t.doc,
            evidence=t.claim.evidence,
            outlet=t.outlet,
            published=t.published,
            url=t.url,
            title=t.title,
            created_at=now_iso(),
        )
    ).inserted_primary_key[0]
    if targets:
        conn.execute(
            insert(deliveries_t),
            [{"alert_id": alert_id, "target": u, "status": "pending", "attempts": 0} for u in targets],
        )
    return key


class _locked:
    """A transaction holding the database's write lock from its first statement (as migrations
    take it): two watchers on one database never check the same name at once."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> Connection:
        conn = self.store.engine.connect()
        if conn.dialect.name == "sqlite":
            conn = conn.execution_options(dugout_sqlite_begin="IMMEDIATE")
        self.conn = conn
        self.tx = conn.begin()
        if conn.dialect.name == "postgresql":
            conn.execute(select(func.pg_advisory_xact_lock(0x6475_6177)))  # "duaw": alert writers
        return conn

    def __exit__(self, kind: object, *exc: object) -> None:
        try:
            if kind is None:
                self.tx.commit()
            else:
                self.tx.rollback()
        finally:
            self.conn.close()


def _by_uuid(store: Store, uuids: list[str]) -> list[Alert]:
    if not uuids:
        return []
    with store.engine.connect() as conn:
        rows = conn.execute(select(alerts_t).where(alerts_t.c.uuid.in_(uuids)).order_by(alerts_t.c.id))
        return [_alert(r) for r in rows]


# -- reading -------------------------------------------------------------------------------------


def recent_alerts(
    store: Store, *, since: str | None = None, about: str | None = None, limit: int | None = 50
) -> list[Alert]:
    """Stored alerts, newest first: created at or after `since` (ISO), about a name (the followed
    name or its story's, by the evaluation's name rule)."""
    query = select(alerts_t).order_by(alerts_t.c.id.desc())
    if since:
        query = query.where(alerts_t.c.created_at >= since)
    with store.engine.connect() as conn:
        if about:
            names = conn.execute(select(alerts_t.c.name, alerts_t.c.story).distinct()).all()
            hits = {fold(n) for pair in names for n in pair if n and names_match(n, about)}
            if not hits:
                return []
            query = query.where(or_(alerts_t.c.folded.in_(hits), alerts_t.c.story_folded.in_(hits)))
        if limit is not None:
            query = query.limit(limit)
        return [_alert(r) for r in conn.execute(query)]
