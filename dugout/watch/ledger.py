"""The watcher's ledger: the feeds it polls and every entry they showed, in the database.

Why entries are written down before their pages are fetched: a watcher may be
killed at any moment. The poll that finds new entries records them (`pending`)
in the same transaction that saves the feed's ETag / Last-Modified, so the next
conditional GET may answer 304 and nothing is lost: the pending entries are
still in the ledger. Each entry then ends as `stored` (its report is in the
store), `duplicate` (the same URL or text is stored already), `near_copy`, or
`failed` after its retries; the store's own idempotence (report id, text hash)
makes a report stored just before a kill count once when the entry is redone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, delete, func, select, update

from dugout.ingest.feeds import FeedEntry
from dugout.store.entities import _insert_ignoring_duplicates
from dugout.store.schema import articles as articles_t
from dugout.store.schema import feed_items as items_t
from dugout.store.schema import feeds as feeds_t

from .timing import now_iso

PENDING, STORED, DUPLICATE, NEAR_COPY, FAILED = "pending", "stored", "duplicate", "near_copy", "failed"
DONE = (STORED, DUPLICATE, NEAR_COPY)


@dataclass(frozen=True)
class Feed:
    """A feed (or page, or feed file) the watcher polls, and what its last poll left."""

    id: int
    url: str
    title: str | None
    added_at: str
    etag: str | None
    last_modified: str | None
    last_poll: str | None
    last_status: str | None
    retry_at: str | None
    errors: int
    last_error: str | None

    @property
    def host(self) -> str:
        """Whom a request to this feed goes to, for the per-host rate limit ("" for a file)."""
        return urlsplit(self.url).hostname or ""


@dataclass(frozen=True)
class Item:
    """One entry a feed showed, as the ledger keeps it until its report is stored."""

    id: int
    feed_id: int
    entry_key: str
    link: str | None
    title: str | None
    published: str | None
    author: str | None
    outlet: str | None
    content: str | None
    whole: bool
    status: str
    doc: str | None
    attempts: int
    error: str | None

    def entry(self) -> FeedEntry:
        """The feed entry back, to be read into an Article."""
        return FeedEntry(
            id=self.entry_key,
            link=self.link,
            title=self.title,
            published=self.published,
            author=self.author,
            outlet=self.outlet,
            text=self.content or "",
            whole=bool(self.whole),
        )


def normalize_feed(url: str) -> str:
    """The form a feed is stored under: URLs as given (trimmed), files as absolute paths."""
    url = url.strip()
    if url.startswith(("http://", "https://")):
        return url
    return str(Path(url).expanduser().resolve())


class Ledger:
    """Reads and writes of the watch tables; every method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- feeds ---------------------------------------------------------------------------------

    def add_feed(self, url: str) -> bool:
        """Add a feed to poll; False when it is there already."""
        url = normalize_feed(url)
        with self.engine.begin() as conn:
            if conn.execute(select(feeds_t.c.id).where(feeds_t.c.url == url)).first():
                return False
            _insert_ignoring_duplicates(conn, feeds_t, [{"url": url, "added_at": now_iso(), "errors": 0}])
        return True

    def remove_feed(self, url: str) -> bool:
        """Stop polling a feed and forget its entries (stored reports stay); False when unknown."""
        with self.engine.begin() as conn:
            done = conn.execute(delete(feeds_t).where(feeds_t.c.url == normalize_feed(url))).rowcount
        return bool(done)

    def feeds(self) -> list[Feed]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(feeds_t).order_by(feeds_t.c.id)).all()
        return [Feed(**row._mapping) for row in rows]

    def feed(self, url: str) -> Feed | None:
        return next((f for f in self.feeds() if f.url == normalize_feed(url)), None)

    def item_counts(self) -> dict[int, dict[str, int]]:
        """Per feed id, how many of its entries are in each state."""
        query = select(items_t.c.feed_id, items_t.c.status, func.count()).group_by(
            items_t.c.feed_id, items_t.c.status
        )
        counts: dict[int, dict[str, int]] = {}
        with self.engine.connect() as conn:
            for feed_id, status, n in conn.execute(query):
                counts.setdefault(feed_id, {})[status] = int(n)
        return counts

    def record_poll(
        self, feed: Feed, entries: list[FeedEntry], *, title: str | None, validators: dict[str, str | None]
    ) -> int:
        """Record a successful poll: the entries not seen before (as pending) and the feed's new
        validators and status, in one transaction. Returns how many entries were new."""
        now = now_iso()
        with self.engine.begin() as conn:
            keys = [e.id for e in entries]
            known = set(
                conn.execute(
                    select(items_t.c.entry_key).where(
                        items_t.c.feed_id == feed.id, items_t.c.entry_key.in_(keys)
                    )
                ).scalars()
            )
            fresh = [e for e in dict((e.id, e) for e in entries).values() if e.id not in known]
            _insert_ignoring_duplicates(conn, items_t, [_item_row(feed.id, e, now) for e in fresh])
            status = f"{len(entries)} entries, {len(fresh)} new"
            conn.execute(
                update(feeds_t)
                .where(feeds_t.c.id == feed.id)
                .values(
                    title=title or feed.title,
                    last_poll=now,
                    last_status=status,
                    retry_at=None,
                    errors=0,
                    last_error=None,
                    **validators,
                )
            )
        return len(fresh)

    def record_unchanged(self, feed: Feed) -> None:
        """A poll answered 304 (or an unchanged file): only the time and status move."""
        with self.engine.begin() as conn:
            conn.execute(
                update(feeds_t)
                .where(feeds_t.c.id == feed.id)
                .values(
                    last_poll=now_iso(), last_status="not modified", retry_at=None, errors=0, last_error=None
                )
            )

    def record_error(self, feed: Feed, message: str, retry_at: str) -> int:
        """A failed poll: the error, one more in a row, and when to try again. Returns the count."""
        errors = feed.errors + 1
        with self.engine.begin() as conn:
            conn.execute(
                update(feeds_t)
                .where(feeds_t.c.id == feed.id)
                .values(
                    last_poll=now_iso(),
                    last_status="error",
                    errors=errors,
                    last_error=message,
                    retry_at=retry_at,
                )
            )
        return errors

    # -- entries -------------------------------------------------------------------------------

    def pending(self, now: str | None = None) -> list[Item]:
        """Entries still to be read, oldest first; those waiting for a retry only once it is due."""
        now = now or now_iso()
        query = (
            select(items_t)
            .where(items_t.c.status == PENDING)
            .where((items_t.c.next_try.is_(None)) | (items_t.c.next_try <= now))
            .order_by(items_t.c.id)
        )
        with self.engine.connect() as conn:
            return [Item(**_item_fields(row)) for row in conn.execute(query)]

    def next_retry(self) -> str | None:
        """When the earliest entry waiting for a retry is due, or None."""
        query = select(func.min(items_t.c.next_try)).where(items_t.c.status == PENDING)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar()

    def finish(self, item: Item, status: str, doc: str | None = None, error: str | None = None) -> None:
        """An entry is done: stored, a duplicate of `doc`, or failed for good."""
        with self.engine.begin() as conn:
            conn.execute(
                update(items_t)
                .where(items_t.c.id == item.id)
                .values(
                    status=status,
                    doc=doc,
                    error=error,
                    done_at=now_iso(),
                    content=None,  # the report (or its twin) is stored; the copy here is no longer needed
                    attempts=item.attempts + (status == FAILED),
                )
            )

    def retry_later(self, item: Item, error: str, next_try: str) -> None:
        """An entry failed this time (a page 500, a timeout): count it and wait until `next_try`."""
        with self.engine.begin() as conn:
            conn.execute(
                update(items_t)
                .where(items_t.c.id == item.id)
                .values(attempts=item.attempts + 1, error=error, next_try=next_try)
            )

    def stored_link(self, link: str | None, item_id: int) -> str | None:
        """The report already stored from this URL (by another entry or another feed), or None."""
        if not link:
            return None
        with self.engine.connect() as conn:
            doc = conn.execute(
                select(items_t.c.doc)
                .where(items_t.c.link == link, items_t.c.id != item_id, items_t.c.status.in_(DONE))
                .limit(1)
            ).scalar()
            if doc is None:
                doc = conn.execute(select(articles_t.c.id).where(articles_t.c.url == link).limit(1)).scalar()
        return doc


def _item_row(feed_id: int, e: FeedEntry, now: str) -> dict[str, Any]:
    return {
        "feed_id": feed_id,
        "entry_key": e.id,
        "link": e.link,
        "title": e.title,
        "published": e.published,
        "author": e.author,
        "outlet": e.outlet,
        "content": e.text or None,
        "whole": e.whole,
        "status": PENDING,
        "attempts": 0,
        "seen_at": now,
    }


def _item_fields(row: Any) -> dict[str, Any]:
    m = row._mapping
    return {k: m[k] for k in Item.__dataclass_fields__}
